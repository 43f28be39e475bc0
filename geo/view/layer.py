"""Events -> the map's points as one GeoJSON layer (escaped text, styles by type and precision).

Every string from an article is HTML-escaped here, before it reaches the page:
Leaflet inserts tooltip and popup fields as HTML, and the map runs in the app's
page. One GeoJSON layer instead of a marker per point keeps a rerun at tens of
milliseconds for thousands of places.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from geo.dating.event_types import DEFAULT_TYPE, EVENT_TYPES
from geo.models import PINNED_KINDS
from geo.view.popups import event_snippet, popup_html, tooltip_html, with_snippets

# One colour per type (ColorBrewer-like, distinguishable on the OSM base map).
COLORS = {
    "car bomb / suicide attack": "#67001f",
    "air strike": "#d6604d",
    "shelling / mortar": "#f4a582",
    "mines / IED": "#8c510a",
    "casualties / graves": "#4d4d4d",
    "evacuation / civilians / aid": "#2166ac",
    "surrender / detention": "#5aae61",
    "ground assault / advance": "#b2182b",
    "statement": "#762a83",
    DEFAULT_TYPE: "#999999",
}
assert set(COLORS) == set(EVENT_TYPES), "every event type needs a colour"
PRECISION_OPACITY = {"day": 0.85, "span": 0.55, "week": 0.45, "month": 0.35, "published": 0.3}
IMPRECISE_SCORE = 0.6  # below this ranking score a place is drawn as an approximate ring
POPUP_EVENTS = 6  # most recent events listed in a popup; the table has them all
# Events written into all popups of one layer together: with thousands of points each popup
# lists fewer (at least one), so a slider move stays a ~2 MB update instead of ~7 MB.
POPUP_BUDGET = 3000


def _pinnable(df: pd.DataFrame) -> pd.Series:
    """Literal mentions of point places with a point; associative ones ("US-led", "Syrian",
    "Washington said") are listed but never pinned as event locations."""
    literal = (
        (df["role"] != "associative").fillna(True).astype(bool) if "role" in df.columns else True
    )
    return df["kind"].isin(PINNED_KINDS) & df["lat"].notna() & df["lon"].notna() & literal


def pinned(df: pd.DataFrame) -> pd.DataFrame:
    return df[_pinnable(df)]


def areas(df: pd.DataFrame) -> pd.DataFrame:
    """Countries, regions and rivers: listed beside the map, never drawn as points."""
    a = df[~df["kind"].isin(PINNED_KINDS)]
    if a.empty:  # a groupby of nothing still costs ~15 ms
        return pd.DataFrame({"place": [], "kind": [], "mentions": [], "articles": []})
    return (
        a.groupby(["place", "kind"], as_index=False)
        .agg(mentions=("article_id", "size"), articles=("article_id", "nunique"))
        .sort_values("mentions", ascending=False)
    )


def bounds(df: pd.DataFrame, pad: float = 0.05) -> list[list[float]] | None:
    """[[south, west], [north, east]] around every pinned point, rounded so reruns agree."""
    pts = pinned(df)
    if pts.empty:
        return None
    return [
        [round(pts["lat"].min() - pad, 2), round(pts["lon"].min() - pad, 2)],
        [round(pts["lat"].max() + pad, 2), round(pts["lon"].max() + pad, 2)],
    ]


class PointIndex:
    """The pinned rows grouped by point, newest first, prepared once per data version.

    The layer for any selection is then a few numpy reductions and one string join
    per point; grouping 10k rows with pandas on every slider move took seconds.
    """

    def __init__(self, df: pd.DataFrame):
        if "snippet" not in df.columns:
            df = with_snippets(df)
        rows = np.flatnonzero(_pinnable(df).to_numpy())
        sub = df.iloc[rows]
        gid, keys = pd.MultiIndex.from_arrays([sub["place"], sub["lat"], sub["lon"]]).factorize()
        newest = np.asarray(sub["event_date"], dtype="datetime64[s]").astype(np.int64)
        # NaT last, after negation
        newest[newest == np.iinfo(np.int64).min] = np.iinfo(np.int64).min + 1
        # By point, newest first; stable, so ties keep table order.
        order = np.lexsort((-newest, gid))
        types = {t: i for i, t in enumerate(EVENT_TYPES)}
        pick = lambda col: sub[col].to_numpy()[order]  # noqa: E731
        self.rows, self.gid = rows[order], gid[order]
        self.type = np.array(
            [types.get(t, types[DEFAULT_TYPE]) for t in sub["event_type"]], dtype=np.int64
        )[order]
        self.precision = pick("date_precision")
        self.is_day = self.precision == "day"
        self.sure = pick("score") >= IMPRECISE_SCORE
        self.unresolved = pick("place_source") == "unresolved"
        self.pair, pairs = pd.MultiIndex.from_arrays([self.gid, pick("article_id")]).factorize()
        self.pair_gid = pairs.get_level_values(0).to_numpy()
        self.snippets = list(pick("snippet"))
        self.places = [str(p) for p in keys.get_level_values(0)]
        self.coords = [
            [round(float(lon), 5), round(float(lat), 5)]
            for lat, lon in zip(keys.get_level_values(1), keys.get_level_values(2), strict=True)
        ]

    def _main_types(self, idx: np.ndarray, local: np.ndarray, n_groups: int) -> np.ndarray:
        """Each point's most frequent event type (an index into EVENT_TYPES); a tie goes to the
        type of the newer event. `local`: each of `idx`'s rows' point, 0..n_groups-1."""
        nt = len(EVENT_TYPES)
        key = local * nt + self.type[idx]
        seen, first = np.unique(key, return_index=True)
        rank = np.full(n_groups * nt, -1, dtype=np.int64)
        rank[seen] = np.bincount(key, minlength=n_groups * nt)[seen] * (len(idx) + 1) - first
        return rank.reshape(n_groups, nt).argmax(axis=1)

    def features(self, mask: np.ndarray | None = None) -> dict:
        """A GeoJSON FeatureCollection for the rows where `mask` (over the table) is true."""
        idx = np.arange(len(self.rows)) if mask is None else np.flatnonzero(mask[self.rows])
        feats: list[dict] = []
        if not len(idx):
            return {"type": "FeatureCollection", "features": feats}
        g = self.gid[idx]
        starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        groups, counts = g[starts], np.diff(np.r_[starts, len(idx)])
        local = np.repeat(np.arange(len(groups)), counts)
        pairs = np.unique(self.pair[idx])
        n_articles = np.bincount(
            np.searchsorted(groups, self.pair_gid[pairs]), minlength=len(groups)
        )
        etypes = self._main_types(idx, local, len(groups))
        any_day = np.logical_or.reduceat(self.is_day[idx], starts)
        imprecise = ~np.logical_or.reduceat(self.sure[idx], starts) | self.unresolved[idx[starts]]
        order, per_popup = idx.tolist(), max(1, min(POPUP_EVENTS, POPUP_BUDGET // len(groups)))
        for k, (gk, s, n) in enumerate(
            zip(groups.tolist(), starts.tolist(), counts.tolist(), strict=True)
        ):
            place, etype, arts, vague = (
                self.places[gk],
                EVENT_TYPES[etypes[k]],
                int(n_articles[k]),
                bool(imprecise[k]),
            )
            precision = "day" if any_day[k] else str(self.precision[order[s]])
            snippets = [self.snippets[j] for j in order[s : s + min(n, per_popup)]]
            popup = popup_html(place, vague, snippets, n)
            feats.append(
                point_feature(
                    place, self.coords[gk], n, arts, etype, precision, vague, {"popup": popup}
                )
            )
        return {"type": "FeatureCollection", "features": feats}


def point_feature(
    place: str,
    coords: list[float],
    n: int,
    arts: int,
    etype: str,
    precision: str,
    vague: bool,
    extra: dict,
) -> dict:
    """One point of the layer; `extra` adds properties (its popup, or the id to ask for it)."""
    props = {
        "place": html.escape(place),
        "tooltip": tooltip_html(place, n, arts, etype),
        **extra,
        "count": n,
        "articles": arts,
        "type": etype,
        "precision": precision,
        "imprecise": vague,
        "color": COLORS.get(etype, COLORS[DEFAULT_TYPE]),
        "radius": min(6 + 3 * (arts - 1), 22),
        "opacity": PRECISION_OPACITY.get(precision, 0.3),
    }
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": coords},
        "properties": props,
    }
    props["style"] = _style(feature)
    return feature


# The columns of per-point aggregates (geo.view.duckquery's Counts.points), in the order
# aggregate_features reads them.
POINT_COLUMNS = (
    "pid",
    "place",
    "lat",
    "lon",
    "mentions",
    "articles",
    "event_type",
    "precision",
    "best_score",
    "unresolved",
)


def aggregate_features(points: pd.DataFrame, popups: bool = False) -> dict:
    """The layer from per-point aggregates (geo.view.duckview.Counts.points). Each point
    carries its `id`, and the map asks the server for the popup of the one a reader opens;
    with `popups` (a standalone export), each popup holds only the point's name and count."""
    feats = []
    # Plain lists: iterating over the frame's rows cost as much as building the features.
    for pid, place, lat, lon, n, arts, etype, precision, best, unresolved in zip(
        *(points[c].tolist() for c in POINT_COLUMNS), strict=True
    ):
        vague = _vague(best, unresolved)
        extra = {"popup": popup_html(str(place), vague, [], int(n))} if popups else {}
        feats.append(
            point_feature(
                str(place),
                [round(float(lon), 5), round(float(lat), 5)],
                int(n),
                int(arts),
                str(etype),
                str(precision),
                vague,
                {**extra, "id": int(pid)},
            )
        )
    return {"type": "FeatureCollection", "features": feats}


def _vague(best_score: float, unresolved: bool) -> bool:
    return bool(best_score < IMPRECISE_SCORE or unresolved)


def fetched_popup(point: Any, rows: pd.DataFrame) -> dict:
    """The popup a reader opened, for the map to show: `point` a row of Counts.points, `rows`
    its newest event rows (Store.rows); every text escaped by event_snippet."""
    snippets = [event_snippet(r) for r in rows.itertuples(index=False)]
    vague = _vague(point.best_score, point.unresolved)
    return {
        "id": int(point.pid),
        "html": popup_html(str(point.place), vague, snippets, int(point.mentions)),
    }


def features(df: pd.DataFrame) -> dict:
    """A GeoJSON FeatureCollection: one point per place, newest events first in its popup."""
    return PointIndex(df).features()


def _style(feature: dict) -> dict:
    p = feature["properties"]
    if p["imprecise"]:  # a hollow dashed ring: "somewhere around here"
        return {
            "fillColor": p["color"],
            "color": p["color"],
            "weight": 3,
            "fillOpacity": 0.08,
            "opacity": 0.9,
            "radius": p["radius"] + 4,
            "dashArray": "5 4",
        }
    return {
        "fillColor": p["color"],
        "color": "#222",
        "weight": 1,
        "opacity": 0.9,
        "fillOpacity": p["opacity"],
        "radius": p["radius"],
        "dashArray": None,
    }


def legend_html() -> str:
    """The key to colours, sizes and symbols (static text: no article content)."""
    swatch = (
        '<span style="display:inline-block;width:11px;height:11px;border-radius:50%;'
        'background:{c};opacity:{o};border:1px solid #222;margin-right:5px"></span>'
    )
    rows = [f"<div>{swatch.format(c=c, o=0.85)}{html.escape(t)}</div>" for t, c in COLORS.items()]
    rows += [
        "<hr style='margin:4px 0'>",
        f"<div>{swatch.format(c='#555', o=0.85)}dated to the day</div>",
        f"<div>{swatch.format(c='#555', o=0.35)}faint: dated only by a span, "
        "or by publication</div>",
        '<div><span style="display:inline-block;width:11px;height:11px;border-radius:50%;'
        'border:2px dashed #555;margin-right:5px"></span>dashed ring: approximate location</div>',
        "<div>larger point: more articles report that place</div>",
    ]
    return '<div class="legend" style="font-size:0.8em;line-height:1.5">' + "".join(rows) + "</div>"
