"""How a browser script finds the map and tells when its points have settled.

The one place that knows the map's selectors and the "points settled" rule, shared by
the browser tests and the benchmarks (bench_browser.py, bench_coldstart.py and load
tests import it). The map is the geo/view/mapview component, drawn in the app's own page
(no iframe); its points are the interactive SVG paths of the Leaflet overlay pane.
"""

from __future__ import annotations

MAP = ".geo-map"
POINTS = ".geo-map path.leaflet-interactive"
SLIDER = '[data-testid="stSlider"] input[type="range"]'
WAIT_MS = 30_000
# In the page: remember when the map's points last changed (after the frame that paints them).
WATCH = """() => {
    const pane = document.querySelector('.geo-map .leaflet-overlay-pane');
    window.__changed = Date.now();
    new MutationObserver(() => requestAnimationFrame(() => { window.__changed = Date.now(); }))
        .observe(pane, {childList: true, subtree: true, attributes: true});
    document.addEventListener('keydown', () => { window.__pressed = Date.now(); }, true);
}"""


def open_map(page, url: str, timeout: int = WAIT_MS) -> None:
    """Load the app and wait until Leaflet has drawn its first points."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout)
    page.wait_for_selector(POINTS, timeout=timeout)


def count(page) -> int:
    return page.locator(POINTS).count()


def wait_points(page, n: int, timeout: int = WAIT_MS) -> None:
    page.wait_for_function(f"document.querySelectorAll('{POINTS}').length === {n}", timeout=timeout)


def map_version(page) -> int:
    """How many times the points layer has been swapped in this page (the component counts)."""
    return int(page.locator(MAP).first.get_attribute("data-version") or 0)


def press_and_settle(
    page, slider, key: str, quiet_ms: int = 600, timeout: int = 60_000
) -> tuple[float, int]:
    """One key press on `slider`; returns (ms from keydown to the last painted change of the
    points, points drawn then). Settled: the layer was swapped and nothing changed for quiet_ms.
    Call `page.evaluate(WATCH)` once before the first press."""
    before = map_version(page)
    page.evaluate("window.__changed = 0")
    slider.press(key)
    page.wait_for_function(
        f"Number(document.querySelector('{MAP}').dataset.version) > {before}", timeout=timeout
    )
    page.wait_for_function("window.__changed > 0", timeout=timeout)
    while True:
        page.wait_for_timeout(quiet_ms / 4)
        last = page.evaluate("window.__changed")
        if page.evaluate("Date.now()") - last >= quiet_ms:
            break
    return last - page.evaluate("window.__pressed"), count(page)
