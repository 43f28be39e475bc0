"""The reader's dashboard: a map of the campaign beside a date slider.

UI only: widgets, cached loaders and layout; the data work is in geo/. Data
comes prebuilt from data/events.csv (`python -m geo build`); no geocoding and no
network happen on a rerun. The map is our own component (geo/mapview, Streamlit's
public components v2 API): its base map is the same on every run and only the points
layer's data travels, so moving the slider (or playback) swaps the points in place.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st
import streamlit.components.v2 as components

from geo import events as ev
from geo import mapview, maps
from geo.config import ConfigError, Settings, Tiles
from geo.corrections import Correction, Corrections
from geo.event_types import EVENT_TYPES

st.set_page_config(page_title="Baghouz: the last IS territory, day by day", page_icon="🗺️", layout="wide")

CLOCKS = {"happened": "event", "were reported": "published"}
MODE_LABELS = {"cumulative": "up to the day", "day": "that day", "window": "moving window"}  # also the URL values
SPEEDS = {"slow (2 s a day)": 2.0, "normal (1 s a day)": 1.0, "fast (0.5 s a day)": 0.5}
BRIEF_LIMIT = 150
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
    return maps.with_snippets(ev.read_events(Path(path)))


@dataclass(frozen=True)
class Prepared:
    """Everything a slider move needs, worked out once per data version and filter set."""
    table: pd.DataFrame  # the filtered events (read-only, shared)
    days: ev.DayIndex
    points: maps.PointIndex
    counts: dict  # clock -> mentions per day and type, for the timeline
    area_rows: np.ndarray  # positions of rows too broad to pin
    fit: list | None  # bounds of the whole data set: the base map never changes with filters
    first: dt.date
    last: dt.date
    n_articles: int
    n_rows: int


@st.cache_resource(max_entries=8, show_spinner="Preparing the view…")
def prepare(path: str, stamp: tuple[int, int], gazetteer: str, gaz_stamp: tuple[int, int],
            types: tuple[str, ...], sources: tuple[str, ...], place: str) -> Prepared:
    df = load_events(path, stamp)
    groups = load_variants(gazetteer, gaz_stamp)
    table = ev.filter_events(df, types, sources, place, groups)
    first, last = ev.day_range(df)
    return Prepared(table, ev.DayIndex(table), maps.PointIndex(table),
                    {c: ev.per_day(table, c) for c in CLOCKS.values()},
                    np.flatnonzero(~table["kind"].isin(maps.PINNED_KINDS).to_numpy()), maps.bounds(df),
                    first, last, int(df["article_id"].nunique()), len(df))


@st.cache_data
def load_sources(path: str, stamp: tuple[int, int]) -> list[str]:
    return sorted(load_events(path, stamp)["source"].dropna().unique())


@st.cache_data
def load_variants(path: str, stamp: tuple[int, int]) -> list[frozenset[str]]:
    return ev.read_variant_groups(Path(path))


@st.cache_data
def load_corrections(path: str, stamp: tuple[int, int]) -> list[Correction]:
    return Corrections.load(Path(path))[0].rows


def flash(message: str, kind: str = "success") -> None:
    """A message that survives the st.rerun() after an edit."""
    st.session_state.setdefault("flash", []).append((kind, message))


def show_flash() -> None:
    for kind, message in st.session_state.pop("flash", []):
        getattr(st, kind)(message)


def controls_ui(outlets: list[str], editing: bool) -> dict:
    with st.sidebar:
        st.header("Time")
        clock = st.radio("Place events on the day they", list(CLOCKS), key="clock",
                         bind="query-params", horizontal=True,
                         help="'happened' uses the date the article's words give for each place; "
                              "'were reported' uses the publication date.")
        mode = st.radio("Show", ev.MODES, key="mode", bind="query-params", horizontal=True,
                        format_func=MODE_LABELS.get)
        window = st.number_input("Window (days)", 1, 60, 7, key="window", bind="query-params",
                                 disabled=mode != "window")
        playing = st.session_state.get("playing", False)
        speed = st.selectbox("Playback speed", list(SPEEDS), index=1, key="speed")
        st.button("⏸ Pause" if playing else "▶ Play", key="play", on_click=toggle_play,
                  help="Steps the date one day at a time; the map updates in place.")
        st.header("Filters")
        types = st.multiselect("Event type", EVENT_TYPES, key="types", bind="query-params",
                               placeholder="all types")
        place = st.text_input("Place", key="place", bind="query-params",
                              placeholder="e.g. Baghouz (finds Baghuz too)")
        sources = st.multiselect("Outlet", outlets, key="sources",
                                 bind="query-params", placeholder="all outlets")
        st.header("Legend")
        st.html(maps.legend_html())
    return {"clock": CLOCKS[clock], "mode": mode, "window": int(window), "types": types,
            "place": place, "sources": sources, "speed": SPEEDS[speed]}


def toggle_play() -> None:
    st.session_state["playing"] = not st.session_state.get("playing", False)
    st.session_state["last_step"] = 0.0
    if st.session_state["playing"] and st.session_state.get("day") == st.session_state.get("last_day"):
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
    return components.component("baghouz_map", js=mapview.component_js(), css=mapview.component_css(),
                                isolate_styles=False)


@st.cache_resource(max_entries=4)
def map_frame(fit_json: str, tiles: Tiles | None, gazetteer: str, gaz_stamp: tuple[int, int]) -> mapview.Frame:
    """The base map, made once per data version: a slider move only appends the points' JSON."""
    return mapview.frame(json.loads(fit_json), tiles, load_towns(gazetteer, gaz_stamp))


@st.cache_data
def load_towns(path: str, stamp: tuple[int, int]) -> list[list]:
    return mapview.read_towns(Path(path))


def map_ui(fit, collection: dict, settings: Settings, key: str = "map") -> None:
    """The map: the same base every run, the points layer swapped in place by the browser."""
    gazetteer = settings.gazetteer_path
    frame = map_frame(json.dumps(fit), settings.tiles, str(gazetteer), version(gazetteer))
    map_component()(key=key, data=frame.payload(collection), height=mapview.MAP_HEIGHT)


def timeline_spec(start: dt.date, day: dt.date) -> dict:
    """Bars of mentions per day and type, with the shown dates shaded (a plain Vega-Lite spec:
    building it through Altair validated the whole chart on every slider move)."""
    band = {"start": pd.Timestamp(start).isoformat(), "end": (pd.Timestamp(day) + pd.Timedelta(hours=23)).isoformat()}
    return {"layer": [
        {"data": {"values": [band]}, "mark": {"type": "rect", "opacity": 0.18, "color": "#1f77b4"},
         "encoding": {"x": {"field": "start", "type": "temporal"}, "x2": {"field": "end"}}},
        {"mark": "bar", "encoding": {
            "x": {"field": "day", "type": "temporal", "timeUnit": "yearmonthdate", "title": None},
            "y": {"field": "mentions", "type": "quantitative", "aggregate": "sum", "title": "mentions"},
            "color": {"field": "event_type", "type": "nominal", "legend": None,
                      "scale": {"domain": list(maps.COLORS), "range": list(maps.COLORS.values())}},
            "tooltip": [{"field": "day", "type": "temporal", "timeUnit": "yearmonthdate", "title": "day"},
                        {"field": "event_type", "type": "nominal"},
                        {"field": "mentions", "type": "quantitative"}]}}]}


def timeline_ui(counts: pd.DataFrame, day: dt.date, view: dict, first: dt.date) -> None:
    if counts.empty:
        return
    start = {"cumulative": first, "day": day,
             "window": day - dt.timedelta(days=view["window"] - 1)}[view["mode"]]
    st.vega_lite_chart(counts, timeline_spec(start, day), height=110, width="stretch")


def brief_ui(brief: pd.DataFrame) -> None:
    st.subheader(f"Day brief: {len(brief)} report{'s' * (len(brief) != 1)}")
    if brief.empty:
        st.write("Nothing reported for this date with these filters.")
        return
    lines = []
    for r in brief.head(BRIEF_LIMIT).itertuples(index=False):
        when = r.event_date.strftime("%d %b %Y") if pd.notna(r.event_date) else "undated"
        link = maps.safe_url(r.url).replace("(", "%28").replace(")", "%29").replace(" ", "%20")
        lines.append(f"- **{md(r.place)}** ({md(when)}, {md(r.event_type)}): {md(r.sentence)} "
                     f"— *{md(r.title)}*, {md(r.source) or 'unknown outlet'}"
                     + (f" [link]({link})" if link else ""))
    with st.container(height=360):
        st.markdown("\n".join(lines))
        if len(brief) > BRIEF_LIMIT:
            st.caption(f"… {len(brief) - BRIEF_LIMIT} more: narrow the date or the filters, or export CSV.")


def exports_ui(prep: Prepared, mask: np.ndarray, settings: Settings, view: dict) -> None:
    """Download buttons whose files are made only when clicked (Streamlit runs the callable
    then): building CSV, GeoJSON and a standalone map on every slider move cost seconds at 10k."""
    stamp = version(settings.events_path)[0]
    built = dt.datetime.fromtimestamp(stamp / 1e9, dt.timezone.utc) if stamp else None
    corrections = load_corrections(str(settings.corrections_path), version(settings.corrections_path))
    table, points, fit = prep.table, prep.points, prep.fit

    def csv_file() -> str:
        return ev.to_csv_text(table[mask])

    def geojson_file() -> str:
        return json.dumps(maps.export_geojson(table[mask]), ensure_ascii=False)

    def html_file() -> str:
        manifest = ev.provenance(table[mask], settings, view, corrections, built)
        towns = load_towns(str(settings.gazetteer_path), version(settings.gazetteer_path))
        return maps.standalone_map(points.features(mask), manifest, fit, settings.tiles, towns)

    stem = f"baghouz-{view['day']}-{view['mode']}"
    c1, c2, c3 = st.columns(3)
    c1.download_button("CSV", csv_file, f"{stem}.csv", "text/csv", key="dl_csv")
    c2.download_button("GeoJSON", geojson_file, f"{stem}.geojson", "application/geo+json", key="dl_geojson")
    c3.download_button("HTML map", html_file, f"{stem}.html", "text/html", key="dl_html")


def view_ui(prep: Prepared, settings: Settings, view: dict) -> None:
    """Everything that depends on the date: reruns alone on a slider move or a playback tick."""
    first, last = prep.first, prep.last
    st.session_state["first_day"], st.session_state["last_day"] = first, last
    if "day" not in st.session_state and "day" not in st.query_params:
        st.session_state["day"] = last
    elif "day" in st.session_state and not first <= st.session_state["day"] <= last:
        st.session_state["day"] = min(max(st.session_state["day"], first), last)
    step_playback(first, last, view["speed"])
    day = st.slider("Date", min_value=first, max_value=last, step=dt.timedelta(days=1),
                    format="ddd D MMM YYYY", key="day", bind="query-params", on_change=pause,
                    help="Arrow keys step one day.")
    view = {**view, "day": day.isoformat()}
    timeline_ui(prep.counts[view["clock"]], day, view, first)
    mask = prep.days.mask(day, view["mode"], view["window"], view["clock"])
    collection = prep.points.features(mask)
    map_col, side_col = st.columns([3, 1])
    with map_col:
        map_ui(prep.fit, collection, settings)
        st.caption("Click a point for the sentences behind it.")
    with side_col:
        st.subheader("Countries and regions")
        st.caption("Named in the reports, too broad to pin.")
        rows = prep.area_rows[mask[prep.area_rows]]
        area_table = maps.areas(prep.table.iloc[rows])
        if area_table.empty:
            st.write("None for this date.")
        else:
            st.dataframe(area_table, hide_index=True, width="stretch")
    st.caption(f"{prep.n_articles} articles · {prep.n_rows} place mentions · "
               f"{int(mask.sum())} shown for this date · {len(collection['features'])} places on the map")
    brief_ui(ev.day_brief(prep.table, mask))
    st.markdown("**Export this view**")
    exports_ui(prep, mask, settings, view)


def rebuild(settings: Settings) -> None:
    """Re-run the offline pipeline and rewrite events.csv; the loader sees the new mtime."""
    from geo.pipeline import build_events  # heavy (gazetteer): only editors pay for it
    with st.spinner("Rebuilding events from the articles…"):
        table, summary = build_events(settings, online=False)
        ev.write_events(table, settings.events_path)
    flash("Events rebuilt: " + "; ".join(summary.lines()[:2]))


def add_article_ui(settings: Settings) -> None:
    from geo.articles import parse_upload, save_article
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
        file = st.file_uploader(f"A .txt, .md, .csv or .jsonl file (up to {limit / 1e6:g} MB)", key="new_file")
        uploaded = st.form_submit_button("Add the file")
    if pasted:
        fields = "\n".join(f'{k}: "{" ".join(v.split())}"' for k, v in
                           (("title", title), ("source", source), ("url", url)) if v.strip())
        body = f"---\ndate: {published.isoformat()}\n{fields}\n---\n{text}".encode()
        name = re.sub(r"[^\w-]+", "-", (title or text[:40]).lower()).strip("-") or "pasted"
        articles, problems = parse_upload(f"{published.isoformat()}-{name[:50]}.md", body, limit)
    elif uploaded and file is not None:
        articles, problems = parse_upload(file.name, file.getvalue(), limit)
    elif uploaded:
        articles, problems = [], []
        st.error("Choose a file first.")
    else:
        return
    for problem in problems:
        (st.warning if articles else st.error)(str(problem))
    if articles:
        saved = [save_article(a, settings.articles_dir / "added") for a in articles]
        flash(f"Added {len(saved)} article(s): " + ", ".join(p.name for p in saved))
        rebuild(settings)
        st.rerun()


def corrections_ui(df: pd.DataFrame, settings: Settings) -> None:
    pairs = df[["surface", "place"]].drop_duplicates().sort_values(["place", "surface"])
    options = list(pairs.itertuples(index=False, name=None))
    if not options:
        st.write("No places to correct yet.")
        return
    surface, place = st.selectbox("Place as written → where it was put", options, key="fix_place",
                                  format_func=lambda o: f"{o[0]} → {o[1]}")
    rows = df[(df["surface"] == surface) & (df["place"] == place)]
    scope = st.selectbox("Apply to", ["*"] + sorted(rows["article_id"].unique()), key="fix_scope",
                         format_func=lambda a: "every article" if a == "*" else a)
    action = st.radio("Correction", ["pick", "coords", "reject"], key="fix_action", horizontal=True,
                      format_func={"pick": "another candidate", "coords": "my coordinates",
                                   "reject": "not a place"}.get)
    fix = {}
    if action == "pick":
        alts = [a for a in json.loads(rows["alternatives"].iloc[0] or "[]") if a[0] != place]
        if not alts:
            st.info("No other candidates were found for this name: enter coordinates instead.")
        else:
            alt_ = st.selectbox("Candidate", alts, key="fix_alt",
                                format_func=lambda a: f"{a[0]} ({a[3]}, {a[4]}, {a[5]}) {a[1]}, {a[2]}")
            fix = {"name": alt_[0], "ref": str(alt_[6] or "")}
    elif action == "coords":
        lat = st.number_input("Latitude", -90.0, 90.0, float(rows["lat"].iloc[0] or 34.45), format="%.5f", key="fix_lat")
        lon = st.number_input("Longitude", -180.0, 180.0, float(rows["lon"].iloc[0] or 40.95), format="%.5f", key="fix_lon")
        fix = {"name": place, "lat": lat, "lon": lon, "kind": rows["kind"].iloc[0] if rows["kind"].iloc[0] in maps.PINNED_KINDS else "village"}
    reason = st.text_input("Reason (kept in data/corrections.csv for review)", key="fix_reason")
    if st.button("Save correction", key="fix_save"):
        if not reason.strip():
            st.error("Give a reason: reviewers read it in corrections.csv.")
            return
        if action == "pick" and not fix:
            st.error("There is no other candidate to pick.")
            return
        try:
            current, _ = Corrections.load(settings.corrections_path)
            current.added(Correction(article_id=scope, surface=surface, action=action,
                                     reason=reason.strip(), editor="dashboard", **fix),
                          settings.corrections_path)
        except (ValueError, OSError) as exc:
            st.error(f"The correction was not saved: {exc}")
            return
        flash(f"Saved: {surface} → {action} ({'every article' if scope == '*' else scope}).")
        rebuild(settings)
        st.rerun()


def editing_ui(df: pd.DataFrame, settings: Settings) -> None:
    st.divider()
    st.header("Editing")
    st.caption("Switch off for a public deployment with GEO_EDITING=off.")
    with st.expander("Add an article"):
        add_article_ui(settings)
    with st.expander("Correct a place"):
        corrections_ui(df, settings)
        existing = load_corrections(str(settings.corrections_path), version(settings.corrections_path))
        if existing:
            st.dataframe(pd.DataFrame([c.__dict__ for c in existing]), hide_index=True, width="stretch")


def main() -> None:
    settings = settings_ui()
    st.title("The last IS territory in eastern Syria, day by day")
    st.markdown(
        "From the Hajin offensive of September 2018 to the fall of Baghouz in March 2019: every "
        "point is a place named in a dated report, placed by an offline gazetteer and dated from the "
        "article's own words. Click a point for the sentences behind it, or read the day brief below "
        "the map. The bundled briefs are summaries written for this project from the cited "
        "reporting; the seed article is a Press Association report.")
    show_flash()
    if not settings.events_path.exists():
        st.error(f"No events yet: {settings.events_path} is missing. Run `python -m geo build`.")
        st.stop()
    try:
        df = load_events(str(settings.events_path), version(settings.events_path))
    except ValueError as exc:
        st.error(str(exc))
        st.stop()
    stamp = version(settings.events_path)
    view = controls_ui(load_sources(str(settings.events_path), stamp), settings.editing)
    prep = prepare(str(settings.events_path), stamp, str(settings.gazetteer_path),
                   version(settings.gazetteer_path), tuple(view["types"]), tuple(view["sources"]),
                   view["place"].strip())
    playing = st.session_state.get("playing", False)
    st.fragment(view_ui, run_every=view["speed"] if playing else None)(prep, settings, view)
    if settings.editing:
        editing_ui(df, settings)


main()
