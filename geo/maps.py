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

from .event_types import EVENT_TYPES

CAMPAIGN_CENTER = (34.75, 40.6)
CAMPAIGN_ZOOM = 8
PINNED_KINDS = ("city", "town", "village", "camp", "site")
COLORS = dict(zip(EVENT_TYPES, ("#b2182b", "#ef8a62", "#fdae61", "#8c510a", "#2166ac",
                                "#5aae61", "#d6604d", "#762a83", "#878787")))
PRECISION_OPACITY = {"day": 0.85, "span": 0.55, "week": 0.45, "month": 0.35, "published": 0.3}
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
            f'<br><span class="rule">{html.escape(row.date_rule)}</span>'
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


def features(df: pd.DataFrame) -> dict:
    """A GeoJSON FeatureCollection: one point per place, newest events first in its popup."""
    pts = pinned(df)
    feats = []
    if pts.empty:
        return {"type": "FeatureCollection", "features": feats}
    pts = pts.sort_values("event_date", ascending=False, na_position="last")
    for (place, lat, lon), g in pts.groupby(["place", "lat", "lon"], sort=False):
        types = g["event_type"].value_counts()
        etype = types.index[0]
        n_articles = g["article_id"].nunique()
        precision = "day" if (g["date_precision"] == "day").any() else g["date_precision"].iloc[0]
        imprecise_place = bool((g["score"] < 0.6).all()) or g["place_source"].iloc[0] == "unresolved"
        more = len(g) - POPUP_EVENTS
        popup = (f"<h4>{html.escape(place)}</h4>" + "".join(g["snippet"].iloc[:POPUP_EVENTS])
                 + (f"<p>… and {more} more in the table below.</p>" if more > 0 else ""))
        feats.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(float(lon), 5), round(float(lat), 5)]},
            "properties": {
                "place": place,
                "tooltip": html.escape(f"{place} — {len(g)} mention{'s' * (len(g) != 1)}, "
                                       f"{n_articles} article{'s' * (n_articles != 1)} · {etype}"),
                "popup": popup,
                "count": int(len(g)), "articles": int(n_articles), "type": etype,
                "color": COLORS.get(etype, COLORS["other"]),
                "radius": min(6 + 3 * (n_articles - 1), 22),
                "opacity": PRECISION_OPACITY.get(precision, 0.3),
                "dash": "4 3" if imprecise_place else None,
            },
        })
    return {"type": "FeatureCollection", "features": feats}


def _style(feature: dict) -> dict:
    p = feature["properties"]
    return {"fillColor": p["color"], "color": "#222", "weight": 1.5 if p["dash"] else 1,
            "fillOpacity": p["opacity"], "radius": p["radius"], "dashArray": p["dash"]}


def base_map() -> folium.Map:
    """Identical on every run, so st_folium keeps the same map and swaps only the layer."""
    return folium.Map(location=CAMPAIGN_CENTER, zoom_start=CAMPAIGN_ZOOM, tiles="OpenStreetMap",
                      control_scale=True, prefer_canvas=False)


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


def standalone_map(collection: dict, manifest: dict) -> str:
    """A self-contained HTML map of the current view, with its provenance manifest."""
    m = base_map()
    points_layer(collection).add_to(m)
    m.get_root().html.add_child(folium.Element(
        '<script type="application/json" id="provenance">'
        + json.dumps(manifest, ensure_ascii=False).replace("<", "\\u003c") + "</script>"))
    return m.get_root().render()
