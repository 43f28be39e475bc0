"""Events -> one folium GeoJSON layer (escaped text, styles by type and precision).

Every string from an article is HTML-escaped here, before folium writes it into
the page: folium inserts tooltip and popup fields as raw HTML, and the map frame
can reach the app. Drawing one GeoJSON layer instead of a Marker per point keeps
a rerun at tens of milliseconds for thousands of places.
"""
from __future__ import annotations

import html
import json
from urllib.parse import urlparse

import folium
import pandas as pd

from .event_types import DEFAULT_TYPE, EVENT_TYPES

CAMPAIGN_CENTER = (34.75, 40.6)
CAMPAIGN_ZOOM = 8
PINNED_KINDS = ("city", "town", "village", "camp", "site")
# One colour per type (ColorBrewer-like, distinguishable on the OSM base map).
COLORS = {
    "car bomb / suicide attack": "#67001f", "air strike": "#d6604d", "shelling / mortar": "#f4a582",
    "mines / IED": "#8c510a", "casualties / graves": "#4d4d4d",
    "evacuation / civilians / aid": "#2166ac", "surrender / detention": "#5aae61",
    "ground assault / advance": "#b2182b", "statement": "#762a83", DEFAULT_TYPE: "#999999",
}
assert set(COLORS) == set(EVENT_TYPES), "every event type needs a colour"
PRECISION_OPACITY = {"day": 0.85, "span": 0.55, "week": 0.45, "month": 0.35, "published": 0.3}
IMPRECISE_SCORE = 0.6  # below this ranking score a place is drawn as an approximate ring
POPUP_EVENTS = 6  # most recent events listed in a popup; the table has them all


def safe_url(url: str) -> str:
    """Only http(s) links are ever drawn; anything else (javascript:, data:) becomes ''."""
    try:
        parsed = urlparse((url or "").strip())
    except ValueError:
        return ""
    return parsed.geturl() if parsed.scheme in ("http", "https") and parsed.netloc else ""


def highlight(sentence: str, surface: str) -> str:
    """The sentence, escaped, with the place name marked."""
    i = sentence.find(surface) if surface else -1
    if i < 0:
        return html.escape(sentence)
    return (html.escape(sentence[:i]) + "<mark>" + html.escape(surface) + "</mark>"
            + html.escape(sentence[i + len(surface):]))


def event_snippet(row) -> str:
    """One event as safe HTML: when (and why), what, the sentence, where it was reported."""
    when = row.event_date.strftime("%a %d %b %Y") if pd.notna(row.event_date) else "background"
    if pd.notna(row.event_end):
        when += " – " + row.event_end.strftime("%a %d %b %Y")
    link = safe_url(row.url)
    title = html.escape(row.title)
    title_html = (f'<a href="{html.escape(link, quote=True)}" target="_blank" rel="noopener noreferrer">'
                  f"{title}</a>") if link else title
    return (f'<div class="ev"><b>{html.escape(when)}</b> · {html.escape(row.event_type)}'
            f'<br><span class="rule">date rule: {html.escape(row.date_rule)} '
            f"({html.escape(row.date_precision)})</span>"
            f"<br>“{highlight(row.sentence, row.surface)}”"
            f"<br>{title_html} — {html.escape(row.source)}, published "
            f"{row.published.strftime('%d %b %Y')}</div>")


def with_snippets(df: pd.DataFrame) -> pd.DataFrame:
    """Precompute each row's popup HTML once per data version, not on every rerun."""
    out = df.copy()
    out["snippet"] = [event_snippet(r) for r in df.itertuples(index=False)]
    return out


def pinned(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["kind"].isin(PINNED_KINDS) & df["lat"].notna() & df["lon"].notna()]


def areas(df: pd.DataFrame) -> pd.DataFrame:
    """Countries, regions and rivers: listed beside the map, never drawn as points."""
    a = df[~df["kind"].isin(PINNED_KINDS)]
    return (a.groupby(["place", "kind"], as_index=False)
            .agg(mentions=("article_id", "size"), articles=("article_id", "nunique"))
            .sort_values("mentions", ascending=False))


def bounds(df: pd.DataFrame, pad: float = 0.05) -> list[list[float]] | None:
    """[[south, west], [north, east]] around every pinned point, rounded so reruns agree."""
    pts = pinned(df)
    if pts.empty:
        return None
    return [[round(pts["lat"].min() - pad, 2), round(pts["lon"].min() - pad, 2)],
            [round(pts["lat"].max() + pad, 2), round(pts["lon"].max() + pad, 2)]]


def features(df: pd.DataFrame) -> dict:
    """A GeoJSON FeatureCollection: one point per place, newest events first in its popup."""
    pts = pinned(df)
    feats = []
    if pts.empty:
        return {"type": "FeatureCollection", "features": feats}
    if "snippet" not in pts.columns:
        pts = with_snippets(pts)
    pts = pts.sort_values("event_date", ascending=False, na_position="last")
    for (place, lat, lon), g in pts.groupby(["place", "lat", "lon"], sort=False):
        etype = g["event_type"].value_counts().index[0]
        n_articles = g["article_id"].nunique()
        precision = "day" if (g["date_precision"] == "day").any() else g["date_precision"].iloc[0]
        imprecise_place = bool((g["score"] < IMPRECISE_SCORE).all()) or g["place_source"].iloc[0] == "unresolved"
        more = len(g) - POPUP_EVENTS
        popup = (f"<h4>{html.escape(place)}</h4>"
                 + ("<p><i>approximate location</i></p>" if imprecise_place else "")
                 + "".join(g["snippet"].iloc[:POPUP_EVENTS])
                 + (f"<p>… and {more} more in the day brief.</p>" if more > 0 else ""))
        feats.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(float(lon), 5), round(float(lat), 5)]},
            "properties": {
                "place": html.escape(place),
                "tooltip": html.escape(f"{place} — {len(g)} mention{'s' * (len(g) != 1)}, "
                                       f"{n_articles} article{'s' * (n_articles != 1)} · {etype}"),
                "popup": popup,
                "count": int(len(g)), "articles": int(n_articles), "type": etype,
                "precision": precision, "imprecise": imprecise_place,
                "color": COLORS.get(etype, COLORS[DEFAULT_TYPE]),
                "radius": min(6 + 3 * (n_articles - 1), 22),
                "opacity": PRECISION_OPACITY.get(precision, 0.3),
            },
        })
    return {"type": "FeatureCollection", "features": feats}


def _style(feature: dict) -> dict:
    p = feature["properties"]
    if p["imprecise"]:  # a hollow dashed ring: "somewhere around here"
        return {"fillColor": p["color"], "color": p["color"], "weight": 3, "fillOpacity": 0.08,
                "opacity": 0.9, "radius": p["radius"] + 4, "dashArray": "5 4"}
    return {"fillColor": p["color"], "color": "#222", "weight": 1, "opacity": 0.9,
            "fillOpacity": p["opacity"], "radius": p["radius"], "dashArray": None}


def base_map(fit: list[list[float]] | None = None) -> folium.Map:
    """Identical on every run for the same data, so st_folium swaps only the layer.

    `fit` should be the bounds of the whole data set (not of the current
    selection): it then changes only when articles or corrections change.
    """
    m = folium.Map(location=CAMPAIGN_CENTER, zoom_start=CAMPAIGN_ZOOM, tiles="OpenStreetMap",
                   control_scale=True, prefer_canvas=False)
    if fit:
        m.fit_bounds(fit, max_zoom=11)
    return m


def points_layer(collection: dict, name: str = "events") -> folium.FeatureGroup:
    fg = folium.FeatureGroup(name=name)
    if collection["features"]:
        folium.GeoJson(
            collection, name=name, style_function=_style,
            marker=folium.CircleMarker(radius=6, weight=1, fill=True),
            tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
            popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=420),
        ).add_to(fg)
    return fg


def legend_html() -> str:
    """The key to colours, sizes and symbols (static text: no article content)."""
    swatch = ('<span style="display:inline-block;width:11px;height:11px;border-radius:50%;'
              'background:{c};opacity:{o};border:1px solid #222;margin-right:5px"></span>')
    rows = [f"<div>{swatch.format(c=c, o=0.85)}{html.escape(t)}</div>" for t, c in COLORS.items()]
    rows += [
        "<hr style='margin:4px 0'>",
        f"<div>{swatch.format(c='#555', o=0.85)}dated to the day</div>",
        f"<div>{swatch.format(c='#555', o=0.35)}faint: dated only by a span, or by publication</div>",
        '<div><span style="display:inline-block;width:11px;height:11px;border-radius:50%;'
        'border:2px dashed #555;margin-right:5px"></span>dashed ring: approximate location</div>',
        "<div>larger point: more articles report that place</div>",
    ]
    return '<div class="legend" style="font-size:0.8em;line-height:1.5">' + "".join(rows) + "</div>"


def export_geojson(df: pd.DataFrame) -> dict:
    """The current view for GIS tools: one Point per located event row, plain-text properties.

    Unlike the map layer nothing here is HTML-escaped: it is data, and a consumer
    that renders it must escape it itself.
    """
    keep = ["article_id", "title", "source", "url", "published", "event_date", "event_end",
            "date_precision", "date_rule", "surface", "place", "kind", "place_source", "score",
            "sentence", "event_type"]
    feats = []
    for row in pinned(df).itertuples(index=False):
        props = {}
        for col in keep:
            value = getattr(row, col)
            if isinstance(value, pd.Timestamp):
                value = value.date().isoformat()
            elif value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
                value = None
            props[col] = value if not hasattr(value, "item") else value.item()
        props["url"] = safe_url(props["url"] or "")
        feats.append({"type": "Feature", "properties": props,
                      "geometry": {"type": "Point", "coordinates": [float(row.lon), float(row.lat)]}})
    return {"type": "FeatureCollection", "features": feats}


def standalone_map(collection: dict, manifest: dict, fit: list[list[float]] | None = None) -> str:
    """A self-contained HTML map of the current view, with a legend and its provenance manifest."""
    m = base_map(fit)
    points_layer(collection).add_to(m)
    m.get_root().html.add_child(folium.Element(
        '<div style="position:fixed;bottom:24px;left:10px;z-index:9999;background:white;'
        'padding:6px 8px;border:1px solid #999">' + legend_html() + "</div>"))
    m.get_root().html.add_child(folium.Element(
        '<script type="application/json" id="provenance">'
        + json.dumps(manifest, ensure_ascii=False).replace("<", "\\u003c") + "</script>"))
    return m.get_root().render()
