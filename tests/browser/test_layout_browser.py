"""The map first: at 1400x1000 the slider and the whole map are above the fold; on a 390-px phone
the slider, the play button and the map are on the page without opening the sidebar; a click on
a timeline bar moves the date there. Screenshots go to tests/artifacts/layout-*.png; with
UPDATE_SCREENSHOT=1 the phone's also to .streamlit/screenshot-phone.png (for the README)."""

from __future__ import annotations

import datetime as dt
import os
import shutil

from geo.table import store
from geo.view import slices

from .conftest import ROOT, _route
from .mapprobe import MAP, SLIDER, WAIT_MS, open_map
from .test_dashboard_browser import slider_text

CHART = '[data-testid="stVegaLiteChart"]'
SLIDER_BOX = '[data-testid="stSlider"]'
PLAY = ".st-key-play button >> visible=true"


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not on the page"
    return found


def settle(page) -> None:
    """Wait until the chart is drawn and the map frame stops moving (late elements shift it)."""
    page.wait_for_selector(CHART + " svg, " + CHART + " canvas", timeout=WAIT_MS)
    previous = None
    for _ in range(40):
        now = box(page, MAP)
        if now == previous:
            return
        previous = now
        page.wait_for_timeout(250)


def test_slider_and_map_above_the_fold_on_a_laptop(page, bundled_app, artifacts):
    open_map(page, bundled_app.url)
    settle(page)
    page.screenshot(path=artifacts / "layout-1400x1000.png")
    height = page.viewport_size["height"]
    assert box(page, SLIDER_BOX)["y"] + box(page, SLIDER_BOX)["height"] <= height, box(
        page, SLIDER_BOX
    )
    the_map = box(page, MAP)
    assert the_map["height"] >= 400 and the_map["y"] + the_map["height"] <= height, the_map
    assert box(page, PLAY)["y"] < box(page, SLIDER_BOX)["y"]


def test_phone_has_slider_play_and_map_without_the_sidebar(browser, bundled_app, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = context.new_page()
    blocked: list[str] = []
    page.route("**/*", lambda route: _route(route, blocked))
    try:
        open_map(page, f"{bundled_app.url}?day=2019-03-01")
        settle(page)
        page.screenshot(path=artifacts / "layout-390x844.png")
        if os.environ.get("UPDATE_SCREENSHOT") == "1":
            shutil.copy(
                artifacts / "layout-390x844.png", ROOT / ".streamlit" / "screenshot-phone.png"
            )
        for selector in (SLIDER_BOX, PLAY):
            found = box(page, selector)
            assert (
                found["x"] >= 0
                and found["x"] + found["width"] <= 390
                and found["y"] + found["height"] <= 844
            ), (selector, found)
        the_map = box(page, MAP)
        assert (
            the_map["x"] >= 0
            and the_map["x"] + the_map["width"] <= 390
            and the_map["y"] < 844 - 200
        )
        before = slider_text(page)
        page.locator(PLAY).first.click()
        page.wait_for_function(
            f"document.querySelector('{SLIDER}').getAttribute('aria-valuetext') !== {before!r}",
            timeout=WAIT_MS,
        )
    finally:
        context.close()


def test_clicking_a_timeline_bar_moves_the_date(page, bundled_app, artifacts):
    df = store.read_events(bundled_app.data / "events.csv")
    days_with_bars = set(slices.per_day(df, "event")["day"].dt.date)
    open_map(page, bundled_app.url)
    settle(page)
    before = slider_text(page)
    chart = box(page, CHART)
    # The plot is the upper part of the chart (the axis is below it); the selection takes the
    # nearest bar.
    page.mouse.click(chart["x"] + chart["width"] * 0.5, chart["y"] + chart["height"] * 0.25)
    page.wait_for_function(
        f"document.querySelector('{SLIDER}').getAttribute('aria-valuetext') !== {before!r}",
        timeout=WAIT_MS,
    )
    picked = dt.datetime.strptime(slider_text(page), "%a %d %b %Y").date()
    page.screenshot(path=artifacts / "timeline-click.png")
    assert picked in days_with_bars, picked
    # The slider still works from there: the kept selection does not pull the date back.
    page.locator(SLIDER).first.focus()
    page.keyboard.press("ArrowRight")
    after = picked + dt.timedelta(days=1)
    page.wait_for_function(
        f"document.querySelector('{SLIDER}').getAttribute('aria-valuetext')"
        f".includes('{after.day} {after:%b %Y}')",
        timeout=WAIT_MS,
    )
    page.wait_for_timeout(1500)  # a rerun that re-applied the selection would land by now
    assert f"{after.day} {after:%b %Y}" in slider_text(page)


# Width of the timeline's shaded band, and how many bars the chart drew.
BAND_WIDTH = f"document.querySelector('{CHART} .layer_0_marks path').getBoundingClientRect().width"
BARS = f"document.querySelectorAll('{CHART} .layer_1_marks path').length"


def test_timeline_draws_its_bars_and_the_band_follows_the_slider(page, bundled_app, artifacts):
    """The bars and the band are separate datasets on a fixed day axis: both must be drawn, and
    a slider move must move the band (up to the day: one day less is a narrower band)."""
    df = store.read_events(bundled_app.data / "events.csv")
    open_map(page, bundled_app.url)
    settle(page)
    page.wait_for_function(f"{BARS} === {len(slices.per_day(df, 'event'))}", timeout=WAIT_MS)
    wide = page.evaluate(BAND_WIDTH)
    assert wide > box(page, CHART)["width"] / 2  # the last day: nearly the whole axis is shaded
    page.locator(SLIDER).first.focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"{BAND_WIDTH} < {wide} - 5", timeout=WAIT_MS)
    page.screenshot(path=artifacts / "timeline-band.png")
    assert page.evaluate(BARS) == len(slices.per_day(df, "event"))
