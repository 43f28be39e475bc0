"""The reader's dashboard: a map of the campaign beside a date slider.

UI only: widgets, cached loaders and layout; the data work is in geo/. Data
comes prebuilt from data/events.csv (`python -m geo build`); no geocoding and no
network happen on a rerun. The map is our own component (geo/view/mapview, Streamlit's
public components v2 API): its base map is the same on every run and only the points
layer's data travels, so moving the slider (or playback) swaps the points in place.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
import streamlit.components.v2 as components

from geo import models
from geo.config import ConfigError, Settings, Tiles
from geo.dating.event_types import EVENT_TYPES
from geo.editing import changes
from geo.editing.access import Editor, RebuildBusy, addition_refused, editor_for
from geo.geoparse.corrections import Correction, Corrections
from geo.table import event_rows, store
from geo.view import export, layer, mapview, popups, slices

st.set_page_config(
    page_title="Baghouz: the last IS territory, day by day", page_icon="🗺️", layout="wide"
)

CLOCKS = {"happened": "event", "were reported": "published"}
MODE_LABELS = {
    "cumulative": "up to the day",
    "day": "that day",
    "window": "moving window",
}  # also the URL values
SPEEDS = {"slow (2 s a day)": 2.0, "normal (1 s a day)": 1.0, "fast (0.5 s a day)": 0.5}
BRIEF_LIMIT = 150
EXPORT_LIMIT = 100_000  # rows of an export from a Parquet store (GEO_EVENTS)
MAP_KEY = "map"
MAX_PLACE_CHARS = 200  # a place filter longer than any place name is cut, not searched
log = logging.getLogger("dashboard")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&])")


def md(text) -> str:
    """Article text as literal Markdown: no links, HTML, maths or emphasis can be smuggled in."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text or "").split()))


def settings_ui() -> Settings:
    try:
        secrets = dict(st.secrets)
    except Exception:  # no secrets.toml: the offline defaults apply
        secrets = {}
    try:
        return Settings.from_env(secrets=secrets)
    except ConfigError as exc:
        st.error(f"Configuration problem: {exc}")
        st.stop()


def auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml
        return False


def editor_ui(settings: Settings) -> Editor | None:
    """Who may edit in this session (geo/editing/access.py decides); sign-in and sign-out
    buttons."""
    user = st.user.to_dict()
    editor = editor_for(
        settings, user, st.get_option("server.address"), st.context.headers.get("Host")
    )
    if (
        not settings.editing
        or not settings.editors
        or not auth_configured()
        or (editor and editor.how != "sign-in")
    ):
        return editor
    with st.sidebar:
        if user.get("is_logged_in") is True:
            if editor is None:
                st.caption("You are signed in, but your address is not on the editors' list.")
            st.button("Sign out", key="sign_out", on_click=st.logout)
        else:
            st.button("Sign in to edit", key="sign_in", on_click=st.login)
    return editor


def version(path: Path) -> tuple[int, int]:
    """Changes whenever a file is rewritten (atomic replace: new mtime); (0, 0) if missing."""
    if not path.exists():
        return 0, 0
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


# cache_resource, not cache_data: one shared table per data version instead of a fresh
# unpickled copy on every rerun (tens of ms at 10k rows). Nothing below mutates it.
@st.cache_resource(max_entries=2, show_spinner="Loading events…")
def load_events(path: str, stamp: tuple[int, int]) -> pd.DataFrame:
    return popups.with_snippets(store.read_events(Path(path)))


@dataclass(frozen=True)
class Prepared:
    """Everything a slider move needs, worked out once per data version and filter set."""

    table: pd.DataFrame  # the filtered events (read-only, shared)
    days: slices.DayIndex
    points: layer.PointIndex
    counts: dict  # clock -> mentions per day and type, for the timeline
    area_rows: np.ndarray  # positions of rows too broad to pin
    fit: list | None  # bounds of the whole data set: the base map never changes with filters
    first: dt.date
    last: dt.date
    n_articles: int
    n_rows: int


@st.cache_resource(max_entries=8, show_spinner="Preparing the view…")
def prepare(
    path: str,
    stamp: tuple[int, int],
    gazetteer: str,
    gaz_stamp: tuple[int, int],
    types: tuple[str, ...],
    sources: tuple[str, ...],
    place: str,
) -> Prepared:
    df = load_events(path, stamp)
    groups = load_variants(gazetteer, gaz_stamp)
    table = slices.filter_events(df, types, sources, place, groups)
    first, last = slices.day_range(df)
    return Prepared(
        table=table,
        days=slices.DayIndex(table),
        points=layer.PointIndex(table),
        counts={c: slices.per_day(table, c) for c in CLOCKS.values()},
        area_rows=np.flatnonzero(~table["kind"].isin(models.PINNED_KINDS).to_numpy()),
        fit=layer.bounds(df),
        first=first,
        last=last,
        n_articles=int(df["article_id"].nunique()),
        n_rows=len(df),
    )


@st.cache_data
def load_sources(path: str, stamp: tuple[int, int]) -> list[str]:
    return sorted(load_events(path, stamp)["source"].dropna().unique())


@st.cache_data
def load_variants(path: str, stamp: tuple[int, int]) -> list[frozenset[str]]:
    return slices.read_variant_groups(Path(path))


@st.cache_data
def load_corrections(path: str, stamp: tuple[int, int]) -> list[Correction]:
    return Corrections.load(Path(path))[0].rows


def flash(message: str, kind: str = "success") -> None:
    """A message that survives the st.rerun() after an edit."""
    st.session_state.setdefault("flash", []).append((kind, message))


def show_flash() -> None:
    for kind, message in st.session_state.pop("flash", []):
        getattr(st, kind)(message)


def controls_ui(outlets: list[str]) -> slices.View:
    with st.sidebar:
        clock, mode, window, speed = time_controls()
        types, place, sources = filter_controls(outlets)
        st.header("Legend")
        st.html(layer.legend_html())
    return slices.View(
        clock=CLOCKS[clock],
        mode=mode,
        window=int(window),
        types=tuple(types),
        place=place[:MAX_PLACE_CHARS].strip(),
        sources=tuple(sources),
        speed=SPEEDS[speed],
    )


def time_controls() -> tuple[str, str, int, str]:
    st.header("Time")
    clock = st.radio(
        "Place events on the day they",
        list(CLOCKS),
        key="clock",
        bind="query-params",
        horizontal=True,
        help="'happened' uses the date the article's words give for each place; "
        "'were reported' uses the publication date.",
    )
    mode = st.radio(
        "Show",
        slices.MODES,
        key="mode",
        bind="query-params",
        horizontal=True,
        format_func=MODE_LABELS.get,
    )
    window = st.number_input(
        "Window (days)", 1, 60, 7, key="window", bind="query-params", disabled=mode != "window"
    )
    speed = st.selectbox("Playback speed", list(SPEEDS), index=1, key="speed")
    return clock, mode, int(window), speed


def filter_controls(outlets: list[str]) -> tuple[list[str], str, list[str]]:
    st.header("Filters")
    types = st.multiselect(
        "Event type", EVENT_TYPES, key="types", bind="query-params", placeholder="all types"
    )
    place = st.text_input(
        "Place", key="place", bind="query-params", placeholder="e.g. Baghouz (finds Baghuz too)"
    )
    sources = st.multiselect(
        "Outlet", outlets, key="sources", bind="query-params", placeholder="all outlets"
    )
    if len(place) > MAX_PLACE_CHARS:
        st.caption(f"The place filter was cut to its first {MAX_PLACE_CHARS} characters.")
    return types, place, sources


def toggle_play() -> None:
    st.session_state["playing"] = not st.session_state.get("playing", False)
    st.session_state["last_step"] = 0.0
    if st.session_state["playing"] and st.session_state.get("day") == st.session_state.get(
        "last_day"
    ):
        st.session_state["day"] = st.session_state.get("first_day")  # replay from the start


def pause() -> None:
    st.session_state["playing"] = False


def step_playback(first: dt.date, last: dt.date, speed: float) -> None:
    """On a timer tick, move the date one day on; stop (full rerun) at the end."""
    if not st.session_state.get("playing"):
        return
    now = time.monotonic()
    if now - st.session_state.get("last_step", 0.0) < speed * 0.8:
        return  # a rerun caused by something else, not the timer
    st.session_state["last_step"] = now
    day = st.session_state.get("day", first)
    if day >= last:
        st.session_state["playing"] = False
        st.rerun(scope="app")  # stops the fragment's timer
    st.session_state["day"] = min(last, day + dt.timedelta(days=1))


@st.cache_resource
def map_component():
    """Registered once per process: Leaflet, the basemap and the map script travel with it."""
    return components.component(
        "baghouz_map",
        js=mapview.component_js(),
        css=mapview.component_css(MAP_KEY),
        isolate_styles=False,
    )


@st.cache_resource(max_entries=4)
def map_frame(
    fit_json: str, tiles: Tiles | None, gazetteer: str, gaz_stamp: tuple[int, int]
) -> mapview.Frame:
    """The base map, made once per data version: a slider move only appends the points' JSON."""
    return mapview.frame(json.loads(fit_json), tiles, load_towns(gazetteer, gaz_stamp))


@st.cache_data
def load_towns(path: str, stamp: tuple[int, int]) -> list[list]:
    return mapview.read_towns(Path(path))


def map_ui(fit, collection: dict, settings: Settings, key: str = MAP_KEY, **events) -> None:
    """The map: the same base every run, the points layer swapped in place by the browser.
    `events`: the component's state callbacks (on_open_change: the popup a reader opened)."""
    gazetteer = settings.gazetteer_path
    frame = map_frame(json.dumps(fit), settings.tiles, str(gazetteer), version(gazetteer))
    map_component()(key=key, data=frame.payload(collection), height=mapview.MAP_HEIGHT, **events)


def timeline_spec(first: dt.date, last: dt.date) -> dict:
    """Bars of mentions per day and type, with the shown dates shaded. A plain Vega-Lite spec
    (building it through Altair validated the whole chart on every slider move), the same on
    every run. The bars and the band are two named datasets: on a slider move only the band's
    bytes change, and the browser skips a dataset whose bytes are unchanged. The x domain is
    fixed to the data's days so that a new band does not rescale, and so redraw, ~1,400 bars
    (that had cost ~180 ms of script a step, before the map could paint)."""
    # Days in UTC throughout: a reader's time zone must not move a bar, or a click, to another day.
    days = [
        {"year": d.year, "month": d.month, "date": d.day, "utc": True}
        for d in (first, last + dt.timedelta(days=1))
    ]
    return {"layer": [TIMELINE_BAND, timeline_bars(days)]}


# The shown dates, shaded: its own dataset, so a slider move sends only this one row.
TIMELINE_BAND = {
    "data": {"name": "band"},
    "mark": {"type": "rect", "opacity": 0.18, "color": "#1f77b4"},
    "encoding": {
        "x": {"field": "start", "type": "temporal", "scale": {"type": "utc"}},
        "x2": {"field": "end"},
    },
}


def timeline_bars(days: list[dict]) -> dict:
    """The bars: mentions per day, coloured by event type; a click picks the nearest day."""
    day = {"field": "day", "type": "temporal", "timeUnit": "utcyearmonthdate"}
    colours = {"domain": list(layer.COLORS), "range": list(layer.COLORS.values())}
    return {
        "data": {"name": "counts"},
        "mark": {"type": "bar", "cursor": "pointer"},
        "params": [
            {"name": "pick", "select": {"type": "point", "encodings": ["x"], "nearest": True}}
        ],
        "encoding": {
            "x": {**day, "title": None, "scale": {"type": "utc", "domain": days}},
            "y": {"field": "mentions", "type": "quantitative", "aggregate": "sum", "title": None},
            "color": {"field": "event_type", "type": "nominal", "legend": None, "scale": colours},
            "tooltip": [
                {**day, "title": "day"},
                {"field": "event_type", "type": "nominal"},
                {"field": "mentions", "type": "quantitative"},
            ],
        },
    }


def timeline_ui(
    counts: pd.DataFrame, day: dt.date, view: slices.View, first: dt.date, last: dt.date
) -> None:
    if counts.empty:
        return
    start = {"cumulative": first, "day": day, "window": day - dt.timedelta(days=view.window - 1)}[
        view.mode
    ]
    band = pd.DataFrame(
        {
            "start": [pd.Timestamp(start).isoformat() + "Z"],
            "end": [(pd.Timestamp(day) + pd.Timedelta(hours=23)).isoformat() + "Z"],
        }
    )
    spec = {**timeline_spec(first, last), "datasets": {"counts": counts, "band": band}}
    st.vega_lite_chart(
        None,
        spec,
        height=100,
        width="stretch",
        key="timeline",
        on_select=jump_to_bar,
        selection_mode="pick",
        alt="Mentions per day by event type; click a bar to go to that day",
    )


def jump_to_bar() -> None:
    """A click on a timeline bar moves the date there. A widget callback runs before the
    script, so the slider is created with the new day."""
    day = slices.picked_day(st.session_state.get("timeline"))
    if day is not None:
        st.session_state["day"] = day
        pause()


def text_html(value) -> str:
    """Article text as HTML text: escaped (no tag, entity or attribute can be smuggled in), and
    its whitespace collapsed."""
    return html.escape(" ".join(str(value or "").split()))


def brief_item(r) -> str:
    """One report of the day brief, as an HTML list item; links are http(s) only."""
    when = r.event_date.strftime("%d %b %Y") if pd.notna(r.event_date) else "undated"
    link = popups.safe_url(r.url)
    note = r.link_note if link and pd.notna(r.link_note) and r.link_note else ""
    return (
        f"<li><b>{text_html(r.place)}</b> ({when}, {text_html(r.event_type)}): "
        f"{text_html(r.sentence)} — <i>{text_html(r.title)}</i>, "
        f"{text_html(r.source) or 'unknown outlet'}"
        + (
            f' <a href="{html.escape(link)}" target="_blank" rel="noopener noreferrer">link</a>'
            if link
            else ""
        )
        + (f" <i>({text_html(note)})</i>" if note else "")
        + "</li>"
    )


def brief_ui(brief: pd.DataFrame, total: int | None = None) -> None:
    """The day's reports; `total`: how many there are when `brief` holds only the newest (a
    Parquet store). Escaped HTML (st.html, which also sanitises it), not Markdown: the
    browser parsed 150 Markdown items in ~150 ms of script on every slider move, and that
    work could land before the map's points were painted."""
    total = len(brief) if total is None else total
    st.subheader(f"Day brief: {total} report{'s' * (total != 1)}")
    if brief.empty:
        st.write("Nothing reported for this date with these filters.")
        return
    items = "".join(brief_item(r) for r in brief.head(BRIEF_LIMIT).itertuples(index=False))
    with st.container(height=360):
        st.html(f'<ul class="day-brief">{items}</ul>')
        if total > BRIEF_LIMIT:
            st.caption(
                f"… {total - BRIEF_LIMIT} more: narrow the date or the filters, or export CSV."
            )


def exports_ui(prep: Prepared, mask: np.ndarray, settings: Settings, view: slices.View) -> None:
    """Download buttons whose files are made only when clicked (Streamlit runs the callable
    then): building CSV, GeoJSON and a standalone map on every slider move cost seconds at 10k."""
    stamp = version(settings.events_path)[0]
    built = dt.datetime.fromtimestamp(stamp / 1e9, dt.UTC) if stamp else None
    corrections = load_corrections(
        str(settings.corrections_path), version(settings.corrections_path)
    )
    table, points, fit = prep.table, prep.points, prep.fit

    def csv_file() -> str:
        return export.to_csv_text(table[mask])

    def geojson_file() -> str:
        return json.dumps(export.export_geojson(table[mask]), ensure_ascii=False)

    def html_file() -> str:
        manifest = export.provenance(table[mask], settings, view, corrections, built)
        towns = load_towns(str(settings.gazetteer_path), version(settings.gazetteer_path))
        return export.standalone_map(points.features(mask), manifest, fit, settings.tiles, towns)

    download_buttons(view, csv_file, geojson_file, html_file)


def download_buttons(
    view: slices.View,
    csv_file: Callable[[], str],
    geojson_file: Callable[[], str],
    html_file: Callable[[], str],
) -> None:
    """CSV, GeoJSON and HTML map of the view, named after it; each made only when clicked."""
    stem = f"baghouz-{view.day}-{view.mode}"
    c1, c2, c3 = st.columns(3)
    c1.download_button("CSV", csv_file, f"{stem}.csv", "text/csv", key="dl_csv")
    c2.download_button(
        "GeoJSON", geojson_file, f"{stem}.geojson", "application/geo+json", key="dl_geojson"
    )
    c3.download_button("HTML map", html_file, f"{stem}.html", "text/html", key="dl_html")


def day_ui(first: dt.date, last: dt.date, view: slices.View) -> dt.date:
    """The date slider, opened on the permalink's day (or the last), stepped by playback."""
    st.session_state["first_day"], st.session_state["last_day"] = first, last
    if "day" not in st.session_state:
        asked = st.query_params.get("day")
        day = url_day(asked, first, last)
        if asked is not None and day is None:
            st.caption(
                md(
                    f"The link's date {asked[:40]!r} is not a day of this data "
                    f"({first:%d %b %Y} to {last:%d %b %Y}): showing the latest day."
                )
            )
        st.session_state["day"] = day or last
    elif "day" in st.session_state and not first <= st.session_state["day"] <= last:
        st.session_state["day"] = min(max(st.session_state["day"], first), last)
    step_playback(first, last, view.speed)
    return st.slider(
        "Date",
        min_value=first,
        max_value=last,
        step=dt.timedelta(days=1),
        format="ddd D MMM YYYY",
        key="day",
        bind="query-params",
        on_change=pause,
        help="Arrow keys step one day.",
    )


def areas_ui(area_table: pd.DataFrame) -> None:
    st.subheader("Countries and regions")
    st.caption("Named in the reports, too broad to pin.")
    if area_table.empty:
        st.write("None for this date.")
    else:
        st.dataframe(area_table, hide_index=True, width="stretch")


def view_ui(prep: Prepared, settings: Settings, view: slices.View) -> None:
    """Everything that depends on the date: reruns alone on a slider move or a playback tick."""
    first = prep.first
    day = day_ui(first, prep.last, view)
    view = replace(view, day=day.isoformat())
    # The timeline sits above the map but is drawn after it: the browser applies updates in the
    # order they are sent, and redrawing the chart (~180 ms) would otherwise hold the points back.
    timeline_slot = st.container()
    mask = prep.days.mask(day, view.mode, view.window, view.clock)
    collection = prep.points.features(mask)
    map_col, side_col = st.columns([3, 1])
    with map_col:
        map_ui(prep.fit, collection, settings)
        st.caption("Click a point for the sentences behind it.")
    with timeline_slot:
        timeline_ui(prep.counts[view.clock], day, view, first, prep.last)
    with side_col:
        areas_ui(layer.areas(prep.table.iloc[prep.area_rows[mask[prep.area_rows]]]))
    st.caption(
        f"{prep.n_articles} articles · {prep.n_rows} place mentions · "
        f"{int(mask.sum())} shown for this date · {len(collection['features'])} places on the map"
    )
    brief_ui(slices.day_brief(prep.table, mask))
    st.markdown("**Export this view**")
    exports_ui(prep, mask, settings, view)


# --- A Parquet store (GEO_EVENTS): the same widgets, counts and text queried with DuckDB ----
# geo/view/duckview.py (and DuckDB) are imported only here, so the CSV path starts as before.


@st.cache_resource(max_entries=2, show_spinner="Opening the events store…")
def open_store(root: str, stamp: str):
    from geo.view.duckview import Store

    return Store(root)


@st.cache_data(max_entries=2)
def store_facts(root: str, stamp: str) -> tuple[list[str], list | None]:
    """Outlets and the map's bounds: once per store version."""
    db = open_store(root, stamp)
    return db.sources(), db.bounds()


@st.cache_data(max_entries=2)
def store_articles(root: str, stamp: str) -> int:
    """Counted over the month files (a second at 10 M rows): once, after the first points."""
    return open_store(root, stamp).n_articles()


@st.cache_data(max_entries=16)
def store_timeline(
    root: str, stamp: str, types: tuple, sources: tuple, places: tuple | None, clock: str
) -> pd.DataFrame:
    from geo.view.duckquery import Selection

    sel = Selection(dt.date.today(), clock=clock, types=types, sources=sources, places=places)
    return open_store(root, stamp).per_day(sel)


@st.cache_data(max_entries=16)
def store_places(
    root: str, stamp: str, query: str, gazetteer: str, gaz_stamp: tuple[int, int]
) -> tuple[str, ...]:
    """The places the place filter finds (spelling variants included), as geo.view.slices does."""
    pairs = open_store(root, stamp).place_names()
    mask = slices.place_mask(pairs, query, load_variants(gazetteer, gaz_stamp))
    return tuple(sorted(set(pairs.loc[mask, "place"].dropna())))


def store_or_stop(root: str):
    """The store and its version, or one plain sentence naming it and the fix."""
    from geo.view.duckview import store_version

    name = "`" + root.replace("`", "") + "`"
    try:
        stamp = store_version(root)
        return open_store(root, stamp), stamp
    except Exception:  # missing or damaged: the same advice either way
        log.exception("cannot open the events store %s", root)
        st.error(
            f"The events store {name} (GEO_EVENTS) cannot be read: build it with "
            "`python -m geo build --engine dask --parquet ...`, or unset GEO_EVENTS."
        )
        st.stop()


def scale_main(settings: Settings, editor: Editor | None) -> None:
    db, stamp = store_or_stop(settings.events_store)
    root = settings.events_store
    outlets, fit = store_facts(root, stamp)
    view = controls_ui(outlets)
    gazetteer = settings.gazetteer_path
    places = (
        store_places(root, stamp, view.place, str(gazetteer), version(gazetteer))
        if view.place
        else None
    )
    playing = st.session_state.get("playing", False)
    st.fragment(scale_view_ui, run_every=view.speed if playing else None)(
        db, (root, stamp, fit), settings, view, places
    )
    if editor:
        st.caption(
            "Editing changes data/events.csv; these events come from a Parquet store "
            "(GEO_EVENTS): rebuild it with the Dask build instead."
        )


def scale_view_ui(
    db, facts: tuple, settings: Settings, view: slices.View, places: tuple[str, ...] | None
) -> None:
    """view_ui for a Parquet store: counts per slider move, text for what is shown only."""
    from geo.view.duckquery import Selection

    root, stamp, fit = facts
    day = day_ui(db.first, db.last, view)
    view = replace(view, day=day.isoformat())
    sel = Selection(day, view.mode, view.window, view.clock, view.types, view.sources, places)
    timeline_slot = st.container()  # drawn after the map, as in view_ui
    counts = db.counts(sel)
    points = counts.points
    collection = layer.aggregate_features(points)
    opened = popup_of(db, sel, points)
    if opened:
        collection["popup"] = opened
    map_col, side_col = st.columns([3, 1])
    with map_col:
        map_ui(fit, collection, settings, on_open_change=lambda: None)
        st.caption("Click a point for the sentences behind it.")
    with timeline_slot:
        timeline_ui(
            store_timeline(root, stamp, sel.types, sel.sources, places, sel.clock),
            day,
            view,
            db.first,
            db.last,
        )
    with side_col:
        areas_ui(counts.areas)
    shown = counts.shown
    st.caption(
        f"{store_articles(root, stamp)} articles · {db.n_mentions} place mentions · "
        f"{shown} shown for this date · {len(collection['features'])} places on the map"
    )
    brief_ui(db.rows(sel, limit=BRIEF_LIMIT, distinct=True), total=shown)
    st.markdown("**Export this view**")
    scale_exports_ui(db, sel, points, fit, settings, view)


def popup_of(db, sel, points: pd.DataFrame) -> dict | None:
    """The popup the reader opened (the map's state value "open": a point's id), with its
    newest sentences queried now; None when none is open or the point is not shown."""
    from geo.view.duckquery import Place

    opened = (st.session_state.get("map") or {}).get("open")
    point = points[points["pid"] == opened] if isinstance(opened, int) else points.iloc[:0]
    if point.empty:
        return None
    r = next(point.itertuples(index=False))
    rows = db.rows(
        sel,
        place=Place(int(r.pid), str(r.place), float(r.lat), float(r.lon)),
        limit=layer.POPUP_EVENTS,
    )
    return layer.fetched_popup(r, rows)


def scale_exports_ui(
    db, sel, points: pd.DataFrame, fit, settings: Settings, view: slices.View
) -> None:
    """exports_ui for a Parquet store: the files hold the view's newest EXPORT_LIMIT rows,
    queried when a button is clicked."""
    corrections = load_corrections(
        str(settings.corrections_path), version(settings.corrections_path)
    )

    def csv_file() -> str:
        return export.to_csv_text(db.rows(sel, limit=EXPORT_LIMIT))

    def geojson_file() -> str:
        return json.dumps(
            export.export_geojson(db.rows(sel, limit=EXPORT_LIMIT)), ensure_ascii=False
        )

    def html_file() -> str:
        manifest = export.provenance(db.rows(sel, limit=EXPORT_LIMIT), settings, view, corrections)
        towns = load_towns(str(settings.gazetteer_path), version(settings.gazetteer_path))
        return export.standalone_map(
            layer.aggregate_features(points, popups=True), manifest, fit, settings.tiles, towns
        )

    download_buttons(view, csv_file, geojson_file, html_file)
    st.caption(f"From a large store, exports hold the newest {EXPORT_LIMIT:,} rows of the view.")


def url_day(raw: str | None, first: dt.date, last: dt.date) -> dt.date | None:
    """A permalink's day when it is a date within the data, else None. Streamlit writes a day
    that a callback or playback set as microseconds since 1970 (1536537600000000): read that too."""
    raw = (raw or "").strip()
    try:
        day = (
            dt.datetime.fromtimestamp(int(raw) / 1e6, dt.UTC).date()
            if raw.isdigit()
            else dt.date.fromisoformat(raw[:10])
        )
    except (ValueError, OverflowError, OSError):
        return None
    return day if first <= day <= last else None


def rebuilt(lines: list[str]) -> None:
    """Tell the editor the events were rebuilt (the loader sees the new file's mtime)."""
    flash("Events rebuilt: " + md("; ".join(lines[:2])))


def add_article_ui(settings: Settings, editor: Editor) -> None:
    submitted = submitted_articles(settings)
    if submitted is None:
        return
    articles, problems = submitted
    for problem in problems:
        (st.warning if articles else st.error)(md(str(problem)))
    if not articles:
        return
    refused = addition_refused(settings, len(articles), sum(len(a.text.encode()) for a in articles))
    if refused:
        st.error(refused)
        return
    save_articles(articles, settings, editor)


def submitted_articles(settings: Settings) -> tuple[list, list] | None:
    """The paste and upload forms; (articles, problems) of what was submitted, else None."""
    limit = settings.max_upload_bytes
    paste, upload = st.tabs(["Paste text", "Upload a file"])
    with paste, st.form("paste_form"):
        published = st.date_input("Published", value=dt.date(2019, 3, 1), key="new_date")
        title = st.text_input("Title (optional: the first sentence is used)", key="new_title")
        source = st.text_input("Outlet", key="new_source")
        url = st.text_input("Link (http or https)", key="new_url")
        text = st.text_area("Article text", height=160, key="new_text")
        pasted = st.form_submit_button("Add the article")
    with upload, st.form("upload_form"):
        file = st.file_uploader(
            f"A .txt, .md, .csv or .jsonl file (up to {limit / 1e6:g} MB)", key="new_file"
        )
        uploaded = st.form_submit_button("Add the file")
    if pasted:
        name, body = pasted_file(published, title, source, url, text)
        return changes.parse_submission(name, body, settings)
    if uploaded and file is not None:
        return changes.parse_submission(file.name, file.getvalue(), settings)
    if uploaded:
        st.error("Choose a file first.")
        return [], []
    return None


def pasted_file(
    published: dt.date, title: str, source: str, url: str, text: str
) -> tuple[str, bytes]:
    """A pasted article as the front-matter file an upload would be: (name, content)."""
    fields = "\n".join(
        f'{k}: "{" ".join(v.split())}"'
        for k, v in (("title", title), ("source", source), ("url", url))
        if v.strip()
    )
    body = f"---\ndate: {published.isoformat()}\n{fields}\n---\n{text}".encode()
    name = re.sub(r"[^\w-]+", "-", (title or text[:40]).lower()).strip("-") or "pasted"
    return f"{published.isoformat()}-{name[:50]}.md", body


def save_articles(articles: list, settings: Settings, editor: Editor) -> None:
    """Write the articles under articles/added and rebuild (geo.editing.changes)."""
    try:
        with st.spinner("Saving and rebuilding the events…"):
            saved, summary = changes.add_articles(articles, settings, editor.name)
    except RebuildBusy as exc:
        st.warning(str(exc))
        return
    names = ", ".join(p.name for p in saved)
    flash(md(f"Added {len(saved)} article(s) as {editor.name}: " + names))
    rebuilt(summary.lines())
    st.rerun()


ACTIONS = {"pick": "another candidate", "coords": "my coordinates", "reject": "not a place"}


def corrections_ui(df: pd.DataFrame, settings: Settings, editor: Editor) -> None:
    pairs = df[["surface", "place"]].drop_duplicates().sort_values(["place", "surface"])
    options = list(pairs.itertuples(index=False, name=None))
    if not options:
        st.write("No places to correct yet.")
        return
    surface, place = st.selectbox(
        "Place as written → where it was put",
        options,
        key="fix_place",
        format_func=lambda o: f"{o[0]} → {o[1]}",
    )
    rows = df[(df["surface"] == surface) & (df["place"] == place)]
    scope = st.selectbox(
        "Apply to",
        ["*"] + sorted(rows["article_id"].unique()),
        key="fix_scope",
        format_func=lambda a: "every article" if a == "*" else a,
    )
    action = st.radio(
        "Correction", list(ACTIONS), key="fix_action", horizontal=True, format_func=ACTIONS.get
    )
    fix = picked_candidate(rows, place) if action == "pick" else {}
    if action == "coords":
        fix = typed_point(rows, place)
    reason = st.text_input("Reason (kept in data/corrections.csv for review)", key="fix_reason")
    if not st.button("Save correction", key="fix_save"):
        return
    if not reason.strip():
        st.error("Give a reason: reviewers read it in corrections.csv.")
    elif action == "pick" and not fix:
        st.error("There is no other candidate to pick.")
    else:
        fields = {"article_id": scope, "surface": surface, "action": action}
        save_correction(settings, reason=reason.strip(), editor=editor.name, **fields, **fix)


def picked_candidate(rows: pd.DataFrame, place: str) -> dict:
    """Another of the name's candidates, chosen by the editor; {} when there is none."""
    alts = [
        a for a in event_rows.read_alternatives(rows["alternatives"].iloc[0]) if a["name"] != place
    ]
    if not alts:
        st.info("No other candidates were found for this name: enter coordinates instead.")
        return {}
    alt = st.selectbox(
        "Candidate",
        alts,
        key="fix_alt",
        format_func=lambda a: (
            f"{a['name']} ({a['kind']}, {a['country']}, {a['source']}) {a['lat']}, {a['lon']}"
        ),
    )
    return {"name": alt["name"], "ref": str(alt["ref"] or "")}


def typed_point(rows: pd.DataFrame, place: str) -> dict:
    """The editor's own coordinates for the place (starting from where it was put)."""
    first = rows.iloc[0]
    lat = st.number_input(
        "Latitude", -90.0, 90.0, float(first["lat"] or 34.45), format="%.5f", key="fix_lat"
    )
    lon = st.number_input(
        "Longitude", -180.0, 180.0, float(first["lon"] or 40.95), format="%.5f", key="fix_lon"
    )
    kind = first["kind"] if first["kind"] in models.PINNED_KINDS else "village"
    return {"name": place, "lat": lat, "lon": lon, "kind": kind}


def save_correction(settings: Settings, **fields: object) -> None:
    """A Correction of `fields` appended and the events rebuilt (geo.editing.changes); a
    correction that does not validate is reported, never raised."""
    try:
        correction = Correction(**fields)
        with st.spinner("Saving and rebuilding the events…"):
            summary = changes.add_correction(correction, settings)
    except RebuildBusy as exc:
        st.warning(str(exc))
        return
    except (ValueError, OSError) as exc:
        st.error(md(f"The correction was not saved: {exc}"))
        return
    where = "every article" if correction.article_id == "*" else correction.article_id
    flash(md(f"Saved: {correction.surface} → {correction.action} ({where})."))
    rebuilt(summary.lines())
    st.rerun()


def editing_ui(df: pd.DataFrame, settings: Settings, editor: Editor) -> None:
    st.divider()
    st.header("Editing")
    st.caption(
        md(f"Editing as {editor.name} ({editor.how}); your name is saved with every change.")
    )
    with st.expander("Add an article"):
        add_article_ui(settings, editor)
    with st.expander("Correct a place"):
        corrections_ui(df, settings, editor)
        existing = load_corrections(
            str(settings.corrections_path), version(settings.corrections_path)
        )
        if existing:
            st.dataframe(
                pd.DataFrame([c.__dict__ for c in existing]), hide_index=True, width="stretch"
            )


def header_ui() -> None:
    """One compact line (title and the play button) so the slider and the map fit above the fold;
    the introduction waits in an expander. Play sits here, not in the sidebar, because phones
    hide the sidebar; outside the fragment, so a click also restarts the fragment's timer."""
    title, play = st.columns([5, 1], vertical_alignment="center")
    title.markdown("**The last IS territory in eastern Syria, day by day**")
    playing = st.session_state.get("playing", False)
    play.button(
        "⏸ Pause" if playing else "▶ Play",
        key="play",
        on_click=toggle_play,
        width="stretch",
        help="Steps the date one day at a time; the map updates in place.",
    )
    with st.expander("About this map"):
        st.markdown(
            "From the Hajin offensive of September 2018 to the fall of Baghouz in March 2019: "
            "every point is a place named in a dated report, placed by an offline gazetteer and "
            "dated from the article's own words. Click a point for the sentences behind it, click "
            "a bar of the timeline to go to that day, or read the day brief below the map. Time, "
            "filters and the legend are in the sidebar. The bundled briefs are summaries written "
            "for this project from the cited reporting; the seed article is a Press Association "
            "report."
        )


def main() -> None:
    settings = settings_ui()
    header_ui()
    show_flash()
    editor = editor_ui(settings)
    if settings.events_store:
        scale_main(settings, editor)
        return
    df = events_or_stop(settings.events_path)
    stamp = version(settings.events_path)
    view = controls_ui(load_sources(str(settings.events_path), stamp))
    prep = prepare(
        str(settings.events_path),
        stamp,
        str(settings.gazetteer_path),
        version(settings.gazetteer_path),
        view.types,
        view.sources,
        view.place,
    )
    playing = st.session_state.get("playing", False)
    st.fragment(view_ui, run_every=view.speed if playing else None)(prep, settings, view)
    if editor:
        editing_ui(df, settings, editor)


def events_or_stop(path: Path) -> pd.DataFrame:
    """The events table, or one plain sentence naming the file and the fix (never a traceback)."""
    rebuild_hint = "Rebuild it with `python -m geo build` (or `make build`)."
    name = "`" + str(path).replace("`", "") + "`"  # the operator's path, shown as code
    if not path.exists():
        st.error(f"No events yet: {name} is missing. {rebuild_hint}")
        st.stop()
    try:
        return load_events(str(path), version(path))
    except Exception:  # any failure to parse means the same thing to a reader: a damaged file
        log.exception("cannot read %s", path)
        st.error(f"The events file {name} is damaged and cannot be read. {rebuild_hint}")
        st.stop()


main()
