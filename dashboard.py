"""The reader's dashboard: a map of the campaign beside a date slider.

UI only. Data comes prebuilt from data/events.csv (`python -m geo build`); no
geocoding and no network happen on a rerun. The base map is identical on every
run and the points travel as one GeoJSON layer through `feature_group_to_add`,
so moving the slider swaps the points without reloading the map.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import maps
from geo.config import ConfigError, Settings
from geo.events import MODES, read_events, select

st.set_page_config(page_title="Baghouz: the last IS territory, day by day", page_icon="🗺️", layout="wide")


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


def data_version(path: Path) -> tuple[int, int]:
    """Changes whenever the events file is rewritten (atomic replace: new inode, new mtime)."""
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@st.cache_data(show_spinner="Loading events…")
def load_events(path: str, version: tuple[int, int]) -> pd.DataFrame:
    return maps.with_snippets(read_events(Path(path)))


def controls_ui(df: pd.DataFrame) -> tuple[dt.date, str, int, str]:
    with st.sidebar:
        st.header("Time")
        clock = st.radio("Place events on the day they", ["happened", "were reported"], key="clock",
                         bind="query-params", horizontal=True,
                         help="'happened' uses the date the article's words give for each place; "
                              "'were reported' uses the publication date.")
        mode = st.radio("Show", MODES, key="mode", bind="query-params", horizontal=True,
                        format_func={"cumulative": "everything up to the day", "day": "that day only",
                                     "window": "a moving window"}.get)
        window = st.number_input("Window (days)", 1, 60, 7, key="window", bind="query-params",
                                 disabled=mode != "window")
    column = "event_date" if clock == "happened" else "published"
    days = df[column].dropna()
    first, last = days.min().date(), days.max().date()
    day = st.slider("Date", min_value=first, max_value=last, value=last, step=dt.timedelta(days=1),
                    format="ddd D MMM YYYY", key="day", bind="query-params",
                    help="Arrow keys step one day.")
    return day, mode, int(window), "event" if clock == "happened" else "published"


def status_ui(df: pd.DataFrame, shown: pd.DataFrame) -> None:
    located = df[df["lat"].notna()]
    unresolved = sorted(df.loc[df["place_source"] == "unresolved", "surface"].unique())
    st.caption(f"{df['article_id'].nunique()} articles · {len(df)} place mentions · "
               f"{len(located)} located · {len(shown)} shown for this date"
               + (f" · not located: {', '.join(unresolved)}" if unresolved else ""))


def main() -> None:
    settings = settings_ui()
    st.title("The last IS territory in eastern Syria, day by day")
    st.markdown(
        "From the Hajin offensive of September 2018 to the fall of Baghouz in March 2019: every "
        "point is a place named in a dated report, placed by an offline gazetteer and dated from the "
        "article's own words. Click a point for the sentences behind it. The bundled briefs are "
        "summaries written for this project from the cited reporting; the seed article is a Press "
        "Association report.")
    if not settings.events_path.exists():
        st.error(f"No events yet: {settings.events_path} is missing. Run `python -m geo build`.")
        st.stop()
    try:
        df = load_events(str(settings.events_path), data_version(settings.events_path))
    except ValueError as exc:
        st.error(str(exc))
        st.stop()
    day, mode, window, clock = controls_ui(df)
    shown = select(df, day, mode, window, clock)
    map_col, side_col = st.columns([3, 1])
    with map_col:
        collection = maps.features(shown)
        st_folium(maps.base_map(), feature_group_to_add=maps.points_layer(collection), key="map",
                  height=560, use_container_width=True, returned_objects=["last_object_clicked_tooltip"])
        st.caption("Map data © OpenStreetMap contributors. Points sized by the number of articles; "
                   "faint points are dated only by publication or by a span.")
    with side_col:
        st.subheader("Countries and regions")
        area_table = maps.areas(shown)
        if area_table.empty:
            st.write("None for this date.")
        else:
            st.dataframe(area_table, hide_index=True, use_container_width=True)
    status_ui(df, shown)
    st.subheader("Events shown")
    st.dataframe(
        shown.assign(url=shown["url"].map(maps.safe_url))[["event_date", "event_end", "date_precision", "place", "surface", "kind", "event_type",
               "sentence", "title", "source", "url", "date_rule"]],
        hide_index=True, use_container_width=True,
        column_config={"url": st.column_config.LinkColumn("link", display_text="open")})


main()
