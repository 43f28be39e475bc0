"""The events table: selection by slider mode and clock, and its CSV round trip."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from geo.models import EVENT_COLUMNS
from geo.table import event_rows
from geo.table.event_rows import Sentences, to_frame
from geo.table.store import read_events, write_events
from geo.view import slices
from geo.view.slices import select


def row(**kw):
    base = dict(article_id="a", title="t", source="s", url="", published=dt.date(2019, 3, 3),
                event_date=dt.date(2019, 3, 1), event_end=None, date_precision="day", date_rule="r",
                surface="Baghouz", place="Baghouz", lat=34.45, lon=40.95, kind="town",
                place_source="campaign", score=1.0, alternatives="[]", start=0, end=7,
                sentence="s", event_type="other")
    base.update(kw)
    return base


def frame():
    return to_frame([
        row(event_date=dt.date(2019, 3, 1)),
        row(event_date=dt.date(2019, 3, 2), event_end=dt.date(2019, 3, 3), date_precision="span"),
        row(event_date=dt.date(2019, 2, 20), published=dt.date(2019, 2, 21)),
        row(event_date=None, date_precision="background"),
    ])


def test_modes():
    df = frame()
    day = dt.date(2019, 3, 2)
    assert len(select(df, day, "cumulative")) == 3  # background never sits on a day
    assert len(select(df, day, "day")) == 1
    assert len(select(df, dt.date(2019, 3, 3), "day")) == 1  # the span covers its last day
    assert len(select(df, day, "window", window=2)) == 2
    assert len(select(df, day, "window", window=11)) == 3


def test_published_clock():
    df = frame()
    assert len(select(df, dt.date(2019, 3, 2), "cumulative", clock="published")) == 1
    assert len(select(df, dt.date(2019, 3, 3), "day", clock="published")) == 3


def test_csv_round_trip(tmp_path):
    df = frame()
    path = tmp_path / "events.csv"
    write_events(df, path)
    back = read_events(path)
    assert list(back.columns) == list(EVENT_COLUMNS)
    assert back["event_date"].isna().sum() == 1
    assert back.loc[back["date_precision"] == "span", "event_end"].iloc[0] == pd.Timestamp(2019, 3, 3)
    write_events(back, tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_text() == path.read_text()


def test_sentence_bounds():
    text = "First one. The SDF entered Hajin on Friday. Last."
    s, e = Sentences(text).bounds(text.index("Hajin"), text.index("Hajin") + 5)
    assert text[s:e] == "The SDF entered Hajin on Friday."
    later = "Hajin fell. Baghouz held out."
    s, e = Sentences(later).bounds(later.index("Baghouz"), later.index("Baghouz") + 7)
    assert later[s:e] == "Baghouz held out."  # a sentence that starts at the mention


@pytest.mark.parametrize("state, want", [
    ({"selection": {"pick": [{"utcyearmonthdate_day": "2018-10-19T00:00:00.000Z"}]}}, dt.date(2018, 10, 19)),
    ({"selection": {"pick": [{"utcyearmonthdate_day": 1551398400000}]}}, dt.date(2019, 3, 1)),
    ({"selection": {"pick": [{"day": "2019-03-23"}]}}, dt.date(2019, 3, 23)),
    ({"selection": {"pick": []}}, None),
    ({"selection": {}}, None),
    (None, None),
    ({"selection": {"pick": [{"event_type": "air strike"}]}}, None),
    ({"selection": {"pick": [{"utcyearmonthdate_day": "not a date"}]}}, None),
])
def test_picked_day_reads_the_timeline_selection(state, want):
    assert slices.picked_day(state) == want


def test_alternatives_are_named_and_old_positional_files_read_the_same():
    named = [{"name": "Sousse", "lat": 35.8, "lon": 10.6, "kind": "city", "country": "TN",
              "source": "geonames", "ref": "2464915", "score": 0.1}]
    old = json.dumps([[a[f] for f in event_rows.ALTERNATIVE_FIELDS] for a in named])
    assert event_rows.read_alternatives(json.dumps(named)) == event_rows.read_alternatives(old) == named
    assert event_rows.read_alternatives("") == []
