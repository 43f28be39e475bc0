"""The dashboard in a real browser: points on the map, slider and permalink, popups, hostile text.

Every check leaves a screenshot in tests/artifacts/. Expected counts come from the
same geo functions the app uses, applied to the served data.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

from geo import events as ev
from geo import maps

from tests.datadir import HOSTILE_ARTICLE as HOSTILE, copy_data

from .conftest import ROOT, App

POINTS = "path.leaflet-interactive"
SLIDER = '[data-testid="stSlider"] input[type="range"]'
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
WAIT_MS = 30_000
def expected(app: App, day: dt.date, mode: str = "cumulative", clock: str = "event") -> int:
    df = ev.read_events(app.data / "events.csv")
    return len(maps.features(ev.select(df, day, mode, clock=clock))["features"])


def open_map(page, url: str):
    """Load the app and return the map's frame once Leaflet has drawn its points."""
    page.goto(url)
    handle = page.wait_for_selector(MAP_IFRAME, timeout=WAIT_MS)
    frame = handle.content_frame()
    frame.wait_for_selector(POINTS, timeout=WAIT_MS)
    return frame


def wait_points(frame, n: int) -> None:
    frame.wait_for_function(f"document.querySelectorAll('{POINTS}').length === {n}", timeout=WAIT_MS)


def count(frame) -> int:
    return frame.locator(POINTS).count()


def click_point(page, frame) -> None:
    """Click, with the real mouse, a point that no other point covers, once the map is still."""
    page.locator(MAP_IFRAME).evaluate("e => e.scrollIntoView({block: 'center'})")
    shapes = "Array.from(document.querySelectorAll('%s')).map(p => p.getAttribute('d')).join()" % POINTS
    previous = None
    for _ in range(40):  # the map settles after fitBounds and the iframe's resize
        now = frame.evaluate(shapes)
        if now == previous:
            break
        previous = now
        page.wait_for_timeout(250)
    index = frame.evaluate("""(() => Array.from(document.querySelectorAll('%s')).findIndex(p => {
        const r = p.getBoundingClientRect();
        return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === p; }))()""" % POINTS)
    assert index >= 0, "every point is covered by another one"
    box = frame.locator(POINTS).nth(index).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def slider_text(page) -> str:
    return page.locator(SLIDER).first.get_attribute("aria-valuetext") or ""


def test_map_shows_expected_points(page, bundled_app, artifacts):
    df = ev.read_events(bundled_app.data / "events.csv")
    last = ev.day_range(df)[1]
    frame = open_map(page, bundled_app.url)
    wait_points(frame, expected(bundled_app, last))
    page.screenshot(path=artifacts / "points.png", full_page=False)
    assert not page.blocked or all("127.0.0.1" not in u for u in page.blocked)
    assert not page.errors, page.errors


def test_slider_keys_swap_points_without_reloading_the_map(page, bundled_app, artifacts):
    df = ev.read_events(bundled_app.data / "events.csv")
    first, last = ev.day_range(df)
    frame = open_map(page, bundled_app.url)
    wait_points(frame, expected(bundled_app, last))
    frame.evaluate("window.__keep = 1")
    slider = page.locator(SLIDER).first
    slider.focus()
    slider.press("Home")  # the first day: only the earliest points
    wait_points(frame, expected(bundled_app, first))
    for _ in range(40):  # forty days on, one arrow press a day
        slider.press("ArrowRight")
    target = first + dt.timedelta(days=40)
    page.wait_for_function(f"document.location.search.includes('day={target.isoformat()}')", timeout=WAIT_MS)
    wait_points(frame, expected(bundled_app, target))
    assert expected(bundled_app, first) != expected(bundled_app, target)
    # The same iframe document is still there: the layer was swapped, the map not reloaded.
    assert page.wait_for_selector(MAP_IFRAME).content_frame().evaluate("window.__keep") == 1
    assert target.strftime("%d %b %Y").lstrip("0") in slider_text(page) or str(target.day) in slider_text(page)
    page.screenshot(path=artifacts / "slider.png")


def test_clicking_a_point_shows_its_sentence(page, bundled_app, artifacts):
    day = dt.date(2019, 1, 23)
    frame = open_map(page, f"{bundled_app.url}?day={day.isoformat()}&mode=that+day")
    wait_points(frame, expected(bundled_app, day, "day"))
    click_point(page, frame)
    popup = frame.wait_for_selector(".leaflet-popup-content", timeout=WAIT_MS)
    text = popup.inner_text()
    place = frame.locator(".leaflet-popup-content h4").inner_text()
    df = ev.select(ev.read_events(bundled_app.data / "events.csv"), day, "day")
    sentences = df.loc[df["place"] == place, "sentence"]
    assert len(sentences) and any(" ".join(s.split())[:60] in " ".join(text.split()) for s in sentences)
    assert "date rule" in text
    page.screenshot(path=artifacts / "popup.png")


def test_permalink_reopens_the_same_date(page, bundled_app, artifacts):
    day = dt.date(2019, 2, 10)
    frame = open_map(page, f"{bundled_app.url}?day={day.isoformat()}")
    wait_points(frame, expected(bundled_app, day))
    assert "10 Feb 2019" in slider_text(page), slider_text(page)
    # Mode and clock travel in the link too.
    day = dt.date(2019, 3, 1)
    frame = open_map(page, f"{bundled_app.url}?day={day.isoformat()}&mode=that+day&clock=were+reported")
    wait_points(frame, expected(bundled_app, day, "day", "published"))
    assert "1 Mar 2019" in slider_text(page), slider_text(page)
    page.screenshot(path=artifacts / "permalink.png")


def test_readme_screenshot(page, bundled_app, artifacts):
    """Writes tests/artifacts/readme.png; with UPDATE_SCREENSHOT=1 also .streamlit/screenshot.png."""
    day = dt.date(2019, 3, 12)
    frame = open_map(page, f"{bundled_app.url}?day={day.isoformat()}&mode=moving+window&window=14")
    df = ev.read_events(bundled_app.data / "events.csv")
    wait_points(frame, len(maps.features(ev.select(df, day, "window", 14))["features"]))
    page.wait_for_selector('[data-testid="stVegaLiteChart"]', timeout=WAIT_MS)
    page.wait_for_timeout(1500)  # let the chart finish drawing; the picture is not an assertion
    shot = artifacts / "readme.png"
    page.screenshot(path=shot)
    assert shot.stat().st_size > 10_000
    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        shutil.copy(shot, ROOT / ".streamlit" / "screenshot.png")


@pytest.fixture(scope="module")
def hostile_app(browser, tmp_path_factory, artifacts):
    app = App(copy_data(tmp_path_factory.mktemp("hostile"), extra={"2019-03-04-hostile.md": HOSTILE}, build=True),
              artifacts / "streamlit-hostile.log")
    yield app
    app.stop()


def test_hostile_article_shows_as_text_and_runs_nothing(page, hostile_app, artifacts):
    day = dt.date(2019, 3, 4)
    frame = open_map(page, f"{hostile_app.url}?day={day.isoformat()}&mode=that+day&place=Baghouz")
    wait_points(frame, 1)
    click_point(page, frame)
    popup = frame.wait_for_selector(".leaflet-popup-content", timeout=WAIT_MS)
    text = popup.inner_text()
    assert "<script>window.__pwned=1</script>" in text  # shown, as text
    assert popup.query_selector("script, img") is None
    assert all(not (a.get_attribute("href") or "").lower().startswith("javascript")
               for a in popup.query_selector_all("a"))
    brief = page.get_by_text("window.__pwned=1", exact=False).first
    brief.wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(1000)  # give any injected handler the chance to fire
    page.screenshot(path=artifacts / "hostile.png")
    assert frame.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []
