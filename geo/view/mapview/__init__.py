"""The map component: Leaflet, our map script and the offline basemap, served by the app.

Everything the map runs comes from assets/ (Leaflet 1.9.4 from npm; Natural Earth land
and borders; GSHHG rivers; licences and how each file was made in assets/README.md):
the only outside request left is the tile server of `Settings.tiles`, none with
GEO_TILES=none. Failed or absent tiles leave the bundled basemap visible.

The dashboard registers `component_js()`/`component_css()` once as a Streamlit
custom component (the public `st.components.v2` API) and hands it `payload(...)` on
every run: the base map (view, tiles, town labels) stays the same, so the browser keeps
the map and swaps the points layer in place. `standalone_html` puts the same script
and data into one HTML file that opens offline. Article text arrives here already
HTML-escaped (geo.view.layer) and travels only as JSON data, never through a template.
"""

from __future__ import annotations

import csv
import functools
import json
from dataclasses import dataclass
from pathlib import Path

from geo.config import Tiles
from geo.models import SETTLEMENT_KINDS

ASSETS = Path(__file__).resolve().parent / "assets"
LEAFLET = ASSETS / "leaflet"
CAMPAIGN_CENTER = (34.75, 40.6)
CAMPAIGN_ZOOM = 8
MAP_HEIGHT = 540


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def script_json(value) -> str:
    """JSON that is safe inside a <script> element: no '<' can close it or open a comment."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


@functools.cache
def _map_script() -> str:
    """Leaflet, the basemap data and our map script, in that order (one script, no imports)."""
    leaflet = _text(LEAFLET / "leaflet.js").replace("//# sourceMappingURL=leaflet.js.map", "")
    basemap = "const BASEMAP = " + _text(ASSETS / "basemap.json").strip() + ";\n"
    return leaflet + "\n" + basemap + _text(ASSETS / "mapview.js")


def component_js() -> str:
    """The component's ES module: its default export mounts or updates the map."""
    return _map_script() + "\nexport default mount;\n"


@functools.cache
def component_css(key: str | None = None) -> str:
    """Leaflet's and our styles; with the element `key` the dashboard gives the component, also
    a rule that keeps the map opaque while a rerun is pending. Streamlit fades such "stale"
    elements with a delayed opacity transition, and that animation alone made Chromium
    re-rasterise the ~2,000 SVG points twice per slider move; the map updates in place, so
    the fade tells the reader nothing. `st-key-KEY` is the class Streamlit gives keyed elements."""
    css = _text(LEAFLET / "leaflet.css") + "\n" + _text(ASSETS / "mapview.css")
    if key:
        css += f"\n.st-key-{key} {{ transition: none !important; opacity: 1 !important; }}\n"
    return css


def read_towns(gazetteer: Path) -> list[list]:
    """[name, lat, lon] of the gazetteer's towns and villages that have coordinates."""
    if not gazetteer.exists():
        return []
    towns = []
    with gazetteer.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            try:
                lat, lon = float(row.get("lat") or ""), float(row.get("lon") or "")
            except ValueError:
                continue  # no coordinate: nothing to label (the gazetteer check reports it)
            if row.get("kind") in SETTLEMENT_KINDS:
                towns.append([row.get("name", ""), round(lat, 4), round(lon, 4)])
    return towns


# One point on the wire: [lon, lat, place, style index, tooltip, popup, id] (mapview.js reads
# it). A point of a Parquet store has no popup (None) but its id, to ask for the popup with.
ROW_FIELDS = ("lon", "lat", "place", "style", "tooltip", "popup", "id")


def layer(collection: dict) -> dict:
    """The points as the component receives them: one row per point and each distinct style
    once. Only what the map draws travels (the GeoJSON's other properties are for exports):
    40 % fewer bytes than the GeoJSON at 2k points, and a third of its json.dumps time. A
    popup the server fetched for an opened point (`collection["popup"]`) travels beside."""
    styles: dict[tuple[tuple[str, object], ...], int] = {}
    rows: list[list[object]] = []
    for feature in collection["features"]:
        props, (lon, lat) = feature["properties"], feature["geometry"]["coordinates"]
        style = props["style"]
        index = styles.setdefault(tuple(style.items()), len(styles))
        rows.append(
            [lon, lat, props["place"], index, props["tooltip"], props.get("popup"), props.get("id")]
        )
    wire: dict = {"styles": [dict(items) for items in styles], "rows": rows}
    if collection.get("popup") is not None:
        wire["popup"] = collection["popup"]
    return wire


@dataclass(frozen=True)
class Frame:
    """What stays the same between slider moves: the payload up to the points."""

    head: str

    def payload(self, collection: dict) -> bytes:
        """The component's data: this frame and the points, as the bytes of one JSON object."""
        points = json.dumps(layer(collection), ensure_ascii=False, separators=(",", ":"))
        return (self.head + points + "}").encode()


def frame(
    fit: list[list[float]] | None, tiles: Tiles | None, towns: list[list], height: int = MAP_HEIGHT
) -> Frame:
    """The base map: `fit` is the bounds of the whole data set, so it changes only with the data."""
    base = {
        "view": {"fit": fit, "center": list(CAMPAIGN_CENTER), "zoom": CAMPAIGN_ZOOM},
        "tiles": {"url": tiles.url, "attribution": tiles.attribution} if tiles else None,
        "towns": towns,
        "height": height,
    }
    return Frame(json.dumps(base, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"points":')


def standalone_html(
    collection: dict,
    fit: list[list[float]] | None,
    tiles: Tiles | None,
    towns: list[list],
    overlays: str = "",
    data_blocks: dict[str, object] | None = None,
) -> str:
    """One HTML file with Leaflet, the basemap, the points and `overlays` (trusted static
    HTML made by geo/, never article text); each of `data_blocks` becomes a JSON
    <script type="application/json" id=NAME> for the reader's tools."""
    data = json.loads(frame(fit, tiles, towns, height=0).payload(collection))
    blocks = "".join(
        f'<script type="application/json" id="{name}">{script_json(value)}</script>\n'
        for name, value in (data_blocks or {}).items()
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Campaign map</title>\n"
        f"<style>{component_css()}\nhtml, body {{ height: 100%; margin: 0; }}\n"
        ".geo-map { height: 100% !important; border-radius: 0; }</style>\n"
        f"</head><body>\n{overlays}\n"
        f'<script type="application/json" id="map-data">{script_json(data)}</script>\n{blocks}'
        f"<script>{_map_script()}\n"
        "mount({parentElement: document.body, data: JSON.parse("
        'document.getElementById("map-data").textContent)});\n</script>\n</body></html>\n'
    )
