"""Exports of the current view: CSV (formula-safe), GeoJSON for GIS tools, a standalone HTML
map, and the provenance manifest each carries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

import pandas as pd

from geo.config import Settings, Tiles
from geo.table.store import events_csv
from geo.view import mapview
from geo.view.layer import legend_html, pinned
from geo.view.popups import safe_url
from geo.view.slices import View

if TYPE_CHECKING:  # the dashboard passes the editors' corrections
    from geo.geoparse.corrections import Correction

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: object) -> object:
    """A cell a spreadsheet would run as a formula ("=HYPERLINK(...)") gets a leading apostrophe."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def to_csv_text(df: pd.DataFrame) -> str:
    """The events table as CSV in the same layout as data/events.csv (for exports).

    Article text is data, never a formula: text cells that a spreadsheet would evaluate are
    prefixed with an apostrophe (the OWASP advice for CSV injection)."""
    return events_csv(df, _inert)


def provenance(
    df: pd.DataFrame,
    settings: Settings,
    view: View,
    corrections: Iterable[Correction] = (),
    built: dt.datetime | None = None,
) -> dict:
    """What an export was made from: its articles, the geocoder settings, corrections,
    build date."""
    arts = df.drop_duplicates("article_id")
    return {
        "view": asdict(view),
        "events": int(len(df)),
        "articles": [
            {
                "id": r.article_id,
                "title": r.title,
                "source": r.source,
                "url": r.url,
                "link_note": r.link_note,
                "published": r.published.date().isoformat(),
            }
            for r in arts.itertuples(index=False)
        ],
        "geocoder": _geocoder(settings),
        "corrections_applied": [_correction(c) for c in corrections],
        "events_built": built.isoformat(timespec="seconds") if built else None,
    }


def _geocoder(settings: Settings) -> dict:
    return {
        "offline_gazetteer": str(settings.gazetteer_path.name),
        "nominatim_enabled": settings.nominatim_enabled,
        "nominatim_domain": settings.nominatim_domain if settings.nominatim_enabled else None,
        "country_codes": list(settings.country_codes),
        "viewbox": list(settings.viewbox) if settings.viewbox else None,
        "language": settings.language,
    }


def _correction(c: Correction) -> dict:
    return {
        "article_id": c.article_id,
        "surface": c.surface,
        "action": c.action,
        "name": c.name,
        "lat": c.lat,
        "lon": c.lon,
        "reason": c.reason,
        "decided": c.decided,
    }


# The columns of the events table a GeoJSON feature carries as its properties.
GEOJSON_PROPERTIES = (
    "article_id",
    "title",
    "source",
    "url",
    "link_note",
    "published",
    "event_date",
    "event_end",
    "date_precision",
    "date_rule",
    "surface",
    "place",
    "kind",
    "place_source",
    "score",
    "sentence",
    "event_type",
)


def export_geojson(df: pd.DataFrame) -> dict:
    """The current view for GIS tools: one Point per located event row, plain-text properties.

    Unlike the map layer nothing here is HTML-escaped: it is data, and a consumer
    that renders it must escape it itself.
    """
    feats = [
        {
            "type": "Feature",
            "properties": _properties(row),
            "geometry": {"type": "Point", "coordinates": [float(row.lon), float(row.lat)]},
        }
        for row in pinned(df).itertuples(index=False)
    ]
    return {"type": "FeatureCollection", "features": feats}


def _properties(row: tuple) -> dict:
    """One row's GEOJSON_PROPERTIES as JSON values: dates as ISO text, missing as null."""
    props = {}
    for col in GEOJSON_PROPERTIES:
        value = getattr(row, col)
        if isinstance(value, pd.Timestamp):
            value = value.date().isoformat()
        elif value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
            value = None
        props[col] = value if not hasattr(value, "item") else value.item()
    props["url"] = safe_url(props["url"] or "")
    return props


def standalone_map(
    collection: dict,
    manifest: dict,
    fit: list[list[float]] | None = None,
    tiles: Tiles | None = Settings.tiles,
    towns: Sequence[list] = (),
) -> str:
    """A self-contained HTML map of the current view, with a legend and its provenance manifest
    (as JSON data in <script type="application/json" id="provenance">). It opens offline:
    Leaflet and the basemap are inside; only `tiles` are fetched, when reachable."""
    legend = f'<div class="geo-legend">{legend_html()}</div>'
    return mapview.standalone_html(
        collection, fit, tiles, list(towns), overlays=legend, data_blocks={"provenance": manifest}
    )
