"""Safe to share: visitors' and articles' text is never template source, editing is for editors.

The template probes below would come out changed (49, X) or break the page ({#) if any of
the text reached a Jinja template; every export and the live page must show them as written.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tomllib
from pathlib import Path

import pytest
import streamlit as st

from geo.config import MAX_UPLOAD_ARTICLES, ROOT, ConfigError, Settings
from geo.editing import access as editing
from geo.view import export
from tests.datadir import copy_data
from tests.test_dashboard import EDITOR, downloads, editor_app, layer, ok, provenance_of

PROBES = ("{{ 7*7 }}", "{% if true %}X{% endif %}", "{# ")
PROBE_ARTICLE = """---
date: 2019-03-04
title: "{{ 7*7 }} title"
source: "{% if true %}X{% endif %} Wire"
url: "https://example.org/{# /a"
---
SDF fighters advanced into Baghouz on Monday, a spokesman said.
"""
PROBE_CORRECTION = {
    "article_id": "*",
    "surface": "Hajin",
    "action": "coords",
    "lat": "34.69",
    "lon": "40.83",
    "reason": "{{ 7*7 }} {% if true %}X{% endif %} {# ",
    "editor": "tests",
    "decided": "2026-12-01",
}


def literal_everywhere(text: str, label: str) -> None:
    for probe in PROBES:
        assert probe in text, f"{probe!r} did not survive in the {label}"


def test_standalone_map_treats_text_as_data():
    popup = "<h4>{{ 7*7 }}</h4>{% if true %}X{% endif %}{# "
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [40.95, 34.46]},
                "properties": {
                    "place": "{{ 7*7 }}",
                    "tooltip": "{# ",
                    "popup": popup,
                    "imprecise": False,
                    "style": {"radius": 6},
                },
            }
        ],
    }
    manifest = {"view": {"place": "{# {{ 7*7 }} {% if true %}X{% endif %}"}, "note": "</script><b>"}
    page = export.standalone_map(collection, manifest, None)
    assert provenance_of(page) == manifest
    literal_everywhere(page, "standalone map")
    assert "</script><b>" not in page


@pytest.fixture
def probe_data(tmp_path) -> Path:
    data = copy_data(tmp_path, extra={"2019-03-04-probe.md": PROBE_ARTICLE})
    with (data / "corrections.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(PROBE_CORRECTION))
        writer.writeheader()
        writer.writerow(PROBE_CORRECTION)
    from geo.table.pipeline import build_events
    from geo.table.store import write_events

    settings = Settings.from_env({"GEO_DATA_DIR": str(data)})
    write_events(build_events(settings, online=False)[0], settings.events_path)
    return data


def test_article_and_reason_probes_stay_literal_in_exports_and_page(probe_data, monkeypatch, media):
    monkeypatch.setenv("GEO_DATA_DIR", str(probe_data))
    st.cache_data.clear()
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params.update(day="2019-03-04", mode="that day")
    at = ok(at.run())
    popups = " ".join(f["properties"]["popup"] for f in layer(at))
    assert "{{ 7*7 }} title" in popups and "{% if true %}X{% endif %} Wire" in popups
    brief = next(h.value for h in at.html if h.value.startswith('<ul class="day-brief">'))
    assert "{{ 7*7 }} title" in brief  # HTML text, shown as written (no template engine runs)
    files = downloads(at, media[-1])
    for label in ("CSV", "GeoJSON"):
        assert (
            "{{ 7*7 }} title" in files[label] and "{% if true %}X{% endif %} Wire" in files[label]
        )
    urls = {f["properties"]["url"] for f in json.loads(files["GeoJSON"])["features"]}
    assert "https://example.org/{# /a" in urls
    manifest = provenance_of(files["HTML map"])
    probe = next(a for a in manifest["articles"] if a["id"].endswith("probe"))
    assert probe["title"] == "{{ 7*7 }} title" and probe["url"] == "https://example.org/{# /a"
    assert manifest["corrections_applied"][0]["reason"] == PROBE_CORRECTION["reason"].strip()
    st.cache_data.clear()


@pytest.mark.parametrize("probe", PROBES)
def test_place_filter_from_the_url_stays_literal_in_the_html_export(probe, monkeypatch, media):
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["place"] = probe
    at = ok(at.run())
    files = downloads(at, media[-1])
    assert provenance_of(files["HTML map"])["view"]["place"] == probe.strip()
    assert at.text_input(key="place").value == probe


# --- who may edit -------------------------------------------------------------------------


def settings(**env) -> Settings:
    return Settings.from_env({"GEO_EDITORS": "editor@example.org", **env})


@pytest.mark.parametrize(
    "user, address, host, expected",
    [
        ({}, None, None, None),  # Streamlit's default: every interface, nobody signed in
        ({}, "0.0.0.0", "127.0.0.1:8501", None),
        (
            {"email": "editor@example.org"},
            "",
            "x",
            None,
        ),  # an address without st.login proves nothing
        ({"is_logged_in": True, "email": "someone@example.org"}, "", "x", None),
        (
            {"is_logged_in": True, "email": "editor@example.org", "email_verified": False},
            "",
            "x",
            None,
        ),
        ({"is_logged_in": True, "email": "Editor@Example.org"}, "", "x", "editor@example.org"),
        ({}, "127.0.0.1", "127.0.0.1:8501", editing.LOCAL_EDITOR),
        ({}, "localhost", "localhost:8501", editing.LOCAL_EDITOR),
        ({}, "::1", "[::1]:8501", editing.LOCAL_EDITOR),
        ({}, "127.0.0.1", "news.example.org", None),  # a proxy in front of a loopback-bound server
        ({}, "127.0.0.1", None, None),
    ],
)
def test_who_may_edit(user, address, host, expected):
    editor = editing.editor_for(settings(), user, address, host)
    assert (editor.name if editor else None) == expected
    assert editing.editor_for(settings(GEO_EDITING="off"), user, address, host) is None


def test_editors_setting_is_checked():
    assert Settings.from_env({}, secrets={"GEO_EDITORS": ["A@b.org", "c@d.org"]}).editors == (
        "a@b.org",
        "c@d.org",
    )
    with pytest.raises(ConfigError, match="GEO_EDITORS"):
        Settings.from_env({"GEO_EDITORS": "not an address"})


def editing_controls(at) -> bool:
    return (
        any(h.value == "Editing" for h in at.header)
        or bool(at.text_area)
        or "fix_save" in [b.key for b in at.button]
    )


def test_default_settings_show_no_editing_controls(monkeypatch, tmp_path):
    data = copy_data(tmp_path, build=True)
    at = editor_app(monkeypatch, data)
    monkeypatch.delenv("GEO_EDITORS")
    at.user = {"email": "editor@example.org"}  # what a host may put in st.user without sign-in
    at = ok(at.run())
    assert not editing_controls(at)
    assert not any("GEO_EDITING" in c.value for c in at.caption)  # no hint how to switch it


def test_allow_listed_editor_sees_the_controls_and_others_do_not(monkeypatch, tmp_path):
    data = copy_data(tmp_path, build=True)
    assert editing_controls(ok(editor_app(monkeypatch, data).run()))
    at = editor_app(monkeypatch, data)
    at.user = {**EDITOR, "email": "visitor@example.org"}
    assert not editing_controls(ok(at.run()))


def paste(at, text: str):
    at.text_area(key="new_text").set_value(text)
    at.button[[b.label for b in at.button].index("Add the article")].click()
    return ok(at.run())


def test_limit_per_hour_and_total_bytes(monkeypatch, tmp_path):
    data = copy_data(tmp_path, build=True)
    added = data / "articles" / "added"
    added.mkdir()
    for n in range(3):
        (added / f"old-{n}.md").write_text(
            "---\ndate: 2019-03-01\n---\nBaghouz.\n", encoding="utf-8"
        )
    monkeypatch.setenv("GEO_MAX_ARTICLES_PER_HOUR", "3")
    at = paste(ok(editor_app(monkeypatch, data).run()), "SDF fighters entered Hajin on Monday.")
    assert any("last hour" in e.value for e in at.error), [e.value for e in at.error]
    assert len(list(added.glob("*.md"))) == 3
    s = Settings.from_env({"GEO_DATA_DIR": str(data), "GEO_MAX_ADDED_BYTES": "100"})
    assert "cap" in editing.addition_refused(s, 1, 60)
    assert editing.addition_refused(s.with_(max_added_bytes=10_000), 1, 60) is None
    hour_later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1, minutes=1)
    assert (
        editing.addition_refused(
            s.with_(max_articles_per_hour=3, max_added_bytes=10_000), 1, 60, now=hour_later
        )
        is None
    )


def test_limit_per_upload(tmp_path):
    data = copy_data(tmp_path)
    rows = "\n".join(
        json.dumps({"id": f"a{n}", "date": "2019-03-01", "text": "Baghouz fell."}) for n in range(3)
    )
    s = Settings.from_env({"GEO_DATA_DIR": str(data), "GEO_MAX_ARTICLES_PER_UPLOAD": "2"})
    from geo.ingest.articles import parse_upload

    articles, problems = parse_upload(
        "many.jsonl", rows.encode(), s.max_upload_bytes, max_articles=s.max_articles_per_upload
    )
    assert not articles and "per upload" in str(problems[0])
    assert Settings().max_articles_per_upload == MAX_UPLOAD_ARTICLES  # one owner of the default


def test_a_second_rebuild_is_refused_while_one_runs(monkeypatch, tmp_path):
    data = copy_data(tmp_path, build=True)
    at = ok(editor_app(monkeypatch, data).run())
    with editing.rebuild_lock(data):
        with pytest.raises(editing.RebuildBusy), editing.rebuild_lock(data):
            pass
        at = paste(at, "SDF fighters entered Hajin on Monday.")
    assert any("already running" in w.value for w in at.warning), [w.value for w in at.warning]
    assert not (data / "articles" / "added").exists() or not list(
        (data / "articles" / "added").iterdir()
    )
    with editing.rebuild_lock(data):  # released: a later rebuild may run
        pass


# --- what a visitor can break -------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00binary",
        b"",
        b"article_id,title\nx,y\n",
        b"\xff\xfe\xfa not utf-8",
        b'article_id,title\n"unclosed',
    ],
)
def test_damaged_events_file_is_one_plain_sentence(content, monkeypatch, tmp_path):
    data = copy_data(tmp_path, build=True)
    (data / "events.csv").write_bytes(content)
    monkeypatch.setenv("GEO_DATA_DIR", str(data))
    st.cache_data.clear()
    st.cache_resource.clear()
    from streamlit.testing.v1 import AppTest

    at = ok(AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run())
    assert len(at.error) == 1
    message = at.error[0].value
    assert "events.csv" in message and "python -m geo build" in message
    assert "Traceback" not in message and "Error" not in message


@pytest.mark.parametrize("day", ["garbage", "2030-01-01", "1999-12-31", "2019-02-30"])
def test_day_outside_the_data_falls_back_with_a_notice(day, monkeypatch):
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["day"] = day
    at = ok(at.run())
    assert at.slider(key="day").value == dt.date(2019, 5, 2)  # the latest day, the default
    assert any("not a day of this data" in c.value for c in at.caption)


def test_a_day_written_in_microseconds_opens_that_day():
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["day"] = "1536537600000000"  # 2018-09-10, as playback writes it
    at = ok(at.run())
    assert at.slider(key="day").value == dt.date(2018, 9, 10)
    assert not any("not a day of this data" in c.value for c in at.caption)


def test_huge_place_value_is_cut(monkeypatch):
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["place"] = "Baghouz" + "x" * 100_000
    at = ok(at.run())
    assert any("cut to its first" in c.value for c in at.caption)


def test_deployment_hides_tracebacks():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
