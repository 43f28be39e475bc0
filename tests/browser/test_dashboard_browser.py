"""The dashboard in a real browser: points on the map, slider and permalink, popups, hostile text,
the offline basemap, playback, and which outside hosts the page asks for.

Every request off this machine is aborted (conftest), so these tests see what a reader
without internet sees. Every check leaves a screenshot in tests/artifacts/. Expected
counts come from the same geo functions the app uses, applied to the served data.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

from geo.table import store
from geo.view import export, layer, mapview, popups, slices
from tests.datadir import HOSTILE_ARTICLE as HOSTILE, copy_data

from .conftest import ROOT, App, outside_hosts
from .mapprobe import MAP, POINTS, SLIDER, WAIT_MS, open_map, wait_points


def expected(app: App, day: dt.date, mode: str = "cumulative", clock: str = "event") -> int:
    df = store.read_events(app.data / "events.csv")
    return len(layer.features(slices.select(df, day, mode, clock=clock))["features"])


def click_point(page) -> None:
    """Click, with the real mouse, a point that no other point covers, once the map is still."""
    page.locator(MAP).evaluate("e => e.scrollIntoView({block: 'center'})")
    shapes = (
        f"Array.from(document.querySelectorAll('{POINTS}')).map(p => p.getAttribute('d')).join()"
    )
    previous = None
    for _ in range(40):  # the map settles after fitBounds and the page's layout
        now = page.evaluate(shapes)
        if now == previous:
            break
        previous = now
        page.wait_for_timeout(250)
    index = page.evaluate(f"""(() => Array.from(document.querySelectorAll('{POINTS}'))
        .findIndex(p => {{
        const r = p.getBoundingClientRect();
        return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === p; }}))()""")
    assert index >= 0, "every point is covered by another one"
    box = page.locator(POINTS).nth(index).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def slider_text(page) -> str:
    return page.locator(SLIDER).first.get_attribute("aria-valuetext") or ""


def test_map_shows_expected_points(page, bundled_app, artifacts):
    df = store.read_events(bundled_app.data / "events.csv")
    last = slices.day_range(df)[1]
    open_map(page, bundled_app.url)
    wait_points(page, expected(bundled_app, last))
    page.screenshot(path=artifacts / "points.png", full_page=False)
    assert not page.blocked or all("127.0.0.1" not in u for u in page.blocked)
    assert not page.errors, page.errors


def test_slider_keys_swap_points_without_reloading_the_map(page, bundled_app, artifacts):
    df = store.read_events(bundled_app.data / "events.csv")
    first, last = slices.day_range(df)
    open_map(page, bundled_app.url)
    wait_points(page, expected(bundled_app, last))
    version = int(page.locator(MAP).get_attribute("data-version"))
    page.evaluate("window.__keep = document.querySelector('.geo-map .leaflet-map-pane')")
    slider = page.locator(SLIDER).first
    slider.focus()
    slider.press("Home")  # the first day: only the earliest points
    wait_points(page, expected(bundled_app, first))
    for _ in range(40):  # forty days on, one arrow press a day
        slider.press("ArrowRight")
    target = first + dt.timedelta(days=40)
    page.wait_for_function(
        f"document.location.search.includes('day={target.isoformat()}')", timeout=WAIT_MS
    )
    wait_points(page, expected(bundled_app, target))
    assert expected(bundled_app, first) != expected(bundled_app, target)
    # The same Leaflet map is still there: the layer was swapped, the map not rebuilt.
    assert page.evaluate("window.__keep === document.querySelector('.geo-map .leaflet-map-pane')")
    assert page.locator(MAP).count() == 1
    assert int(page.locator(MAP).get_attribute("data-version")) > int(version)
    assert target.strftime("%d %b %Y").lstrip("0") in slider_text(page) or str(
        target.day
    ) in slider_text(page)
    page.screenshot(path=artifacts / "slider.png")


def test_clicking_a_point_shows_its_sentence(page, bundled_app, artifacts):
    day = dt.date(2019, 1, 23)
    open_map(page, f"{bundled_app.url}?day={day.isoformat()}&mode=that+day")
    wait_points(page, expected(bundled_app, day, "day"))
    click_point(page)
    popup = page.wait_for_selector(".leaflet-popup-content", timeout=WAIT_MS)
    text = popup.inner_text()
    place = page.locator(".leaflet-popup-content h4").inner_text()
    df = slices.select(store.read_events(bundled_app.data / "events.csv"), day, "day")
    sentences = df.loc[df["place"] == place, "sentence"]
    assert len(sentences) and any(
        " ".join(s.split())[:60] in " ".join(text.split()) for s in sentences
    )
    assert "date rule" in text
    page.screenshot(path=artifacts / "popup.png")


def test_permalink_reopens_the_same_date(page, bundled_app, artifacts):
    day = dt.date(2019, 2, 10)
    open_map(page, f"{bundled_app.url}?day={day.isoformat()}")
    wait_points(page, expected(bundled_app, day))
    assert "10 Feb 2019" in slider_text(page), slider_text(page)
    # Mode and clock travel in the link too.
    day = dt.date(2019, 3, 1)
    open_map(page, f"{bundled_app.url}?day={day.isoformat()}&mode=that+day&clock=were+reported")
    wait_points(page, expected(bundled_app, day, "day", "published"))
    assert "1 Mar 2019" in slider_text(page), slider_text(page)
    page.screenshot(path=artifacts / "permalink.png")


def test_readme_screenshot(page, bundled_app, artifacts):
    """Writes tests/artifacts/readme.png; with UPDATE_SCREENSHOT=1 also
    .streamlit/screenshot.png."""
    day = dt.date(2019, 3, 12)
    open_map(page, f"{bundled_app.url}?day={day.isoformat()}&mode=moving+window&window=14")
    df = store.read_events(bundled_app.data / "events.csv")
    wait_points(page, len(layer.features(slices.select(df, day, "window", 14))["features"]))
    page.wait_for_selector('[data-testid="stVegaLiteChart"]', timeout=WAIT_MS)
    page.wait_for_timeout(1500)  # let the chart finish drawing; the picture is not an assertion
    shot = artifacts / "readme.png"
    page.screenshot(path=shot)
    assert shot.stat().st_size > 10_000
    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        shutil.copy(shot, ROOT / ".streamlit" / "screenshot.png")


@pytest.fixture(scope="module")
def hostile_app(browser, tmp_path_factory, artifacts):
    app = App(
        copy_data(
            tmp_path_factory.mktemp("hostile"), extra={"2019-03-04-hostile.md": HOSTILE}, build=True
        ),
        artifacts / "streamlit-hostile.log",
    )
    yield app
    app.stop()


def test_hostile_article_shows_as_text_and_runs_nothing(page, hostile_app, artifacts):
    day = dt.date(2019, 3, 4)
    open_map(page, f"{hostile_app.url}?day={day.isoformat()}&mode=that+day&place=Baghouz")
    wait_points(page, 1)
    click_point(page)
    popup = page.wait_for_selector(".leaflet-popup-content", timeout=WAIT_MS)
    text = popup.inner_text()
    assert "<script>window.__pwned=1</script>" in text  # shown, as text
    assert popup.query_selector("script, img") is None
    assert all(
        not (a.get_attribute("href") or "").lower().startswith("javascript")
        for a in popup.query_selector_all("a")
    )
    brief = page.get_by_text("window.__pwned=1", exact=False).first
    brief.wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(1000)  # give any injected handler the chance to fire
    page.screenshot(path=artifacts / "hostile.png")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []


# Pixels the offline basemap's canvas has drawn (land, borders): 0 means a blank background.
BASEMAP_PIXELS = """(() => {
    const c = document.querySelector('.geo-map .leaflet-basemap-pane canvas');
    if (!c) return 0;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) n += d[i] > 0;
    return n; })()"""


def town_labels(app: App) -> set[str]:
    return {name for name, _, _ in mapview.read_towns(app.data / "gazetteer.csv")}


def test_offline_page_shows_basemap_points_popups_and_playback(page, bundled_app, artifacts):
    """Every outside request aborted (tiles included): the bundled basemap is what the reader
    sees under the points, a popup opens, and playback steps the date and swaps the points."""
    df = store.read_events(bundled_app.data / "events.csv")
    first = slices.day_range(df)[0]
    open_map(page, f"{bundled_app.url}?day={first.isoformat()}")
    wait_points(page, expected(bundled_app, first))
    page.wait_for_function(f"{BASEMAP_PIXELS} > 10000", timeout=WAIT_MS)
    labels = set(page.locator(".geo-map .geo-town-label").all_inner_texts())
    assert labels == town_labels(bundled_app) and len(labels) > 5
    assert outside_hosts(page.blocked) == {"tile.openstreetmap.org"}
    page.wait_for_selector(
        ".geo-map.geo-tiles-failed", timeout=WAIT_MS
    )  # tiles failed, basemap shown
    click_point(page)
    page.wait_for_selector(".geo-map .leaflet-popup-content h4", timeout=WAIT_MS)
    page.screenshot(path=artifacts / "offline.png")
    version = int(page.locator(MAP).get_attribute("data-version"))
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        f"Number(document.querySelector('{MAP}').dataset.version) >= {version + 3}", timeout=WAIT_MS
    )
    page.get_by_role("button", name="Pause").click()
    day = dt.datetime.strptime(slider_text(page), "%a %d %b %Y").date()
    assert day > first + dt.timedelta(days=1)
    wait_points(page, expected(bundled_app, day))
    # Up to the day, the clicked place stays on the map: its popup stayed open through playback.
    assert page.locator(".geo-map .leaflet-popup-content h4").count() == 1
    assert page.locator(MAP).count() == 1
    assert not page.errors, page.errors


@pytest.fixture(scope="module")
def tileless_app(browser, tmp_path_factory, artifacts):
    app = App(
        copy_data(tmp_path_factory.mktemp("tileless"), build=True),
        artifacts / "streamlit-tileless.log",
        env={"GEO_TILES": "none"},
    )
    yield app
    app.stop()


def test_outside_hosts_are_the_tile_server_or_none(page, bundled_app, tileless_app, artifacts):
    """Default settings: the page asks one outside host, the tile server; GEO_TILES=none: none."""
    day = dt.date(2019, 2, 10)
    open_map(page, f"{bundled_app.url}?day={day.isoformat()}")
    wait_points(page, expected(bundled_app, day))
    page.wait_for_load_state("networkidle")
    assert outside_hosts(page.blocked) == {"tile.openstreetmap.org"}, page.blocked
    page.blocked.clear()
    open_map(page, f"{tileless_app.url}?day={day.isoformat()}")
    wait_points(page, expected(tileless_app, day))
    page.wait_for_function(f"{BASEMAP_PIXELS} > 10000", timeout=WAIT_MS)
    page.wait_for_load_state("networkidle")
    assert page.locator(".geo-map .leaflet-tile").count() == 0
    page.screenshot(path=artifacts / "tiles-none.png")
    assert outside_hosts(page.blocked) == set(), page.blocked


def test_html_export_opens_offline(page, bundled_app, artifacts):
    """The standalone export carries Leaflet, the basemap and the points: with every outside
    request aborted it still draws them, and a popup opens."""
    df = popups.with_snippets(store.read_events(bundled_app.data / "events.csv"))
    collection = layer.features(df)
    towns = mapview.read_towns(bundled_app.data / "gazetteer.csv")
    html_file = artifacts / "export.html"
    html_file.write_text(
        export.standalone_map(collection, {"note": "{{ 7*7 }}"}, layer.bounds(df), towns=towns),
        encoding="utf-8",
    )
    page.set_content(html_file.read_text(encoding="utf-8"))
    wait_points(page, len(collection["features"]))
    page.wait_for_function(f"{BASEMAP_PIXELS} > 10000", timeout=WAIT_MS)
    assert len(page.locator(".geo-town-label").all_inner_texts()) == len(towns)
    click_point(page)
    page.wait_for_selector(".geo-map .leaflet-popup-content h4", timeout=WAIT_MS)
    assert "{{ 7*7 }}" in page.locator("#provenance").text_content()
    assert outside_hosts(page.blocked) <= {"tile.openstreetmap.org"}
    page.screenshot(path=artifacts / "export.png")
    assert not page.errors, page.errors
