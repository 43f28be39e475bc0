"""Who sees the editing tools in a real browser: the local editor yes, an anonymous visitor no.

The anonymous visitor reaches the same loopback-bound server under a public-looking host
name, as readers do through the proxy of a shared deployment: Chromium resolves
news.example to 127.0.0.1, so no traffic leaves this machine.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, App
from tests.browser.mapprobe import POINTS
from tests.datadir import copy_data

PUBLIC_HOST = "news.example"


@pytest.fixture(scope="module")
def editable_app(browser, tmp_path_factory, artifacts):
    app = App(
        copy_data(tmp_path_factory.mktemp("editable"), build=True),
        artifacts / "streamlit-editable.log",
        env={"GEO_EDITING": "on"},
    )
    yield app
    app.stop()


@pytest.fixture(scope="module")
def proxied_browser(browser):
    """A second Chromium whose resolver maps the public-looking host to loopback."""
    args = CHROMIUM_ARGS + [f"--host-resolver-rules=MAP {PUBLIC_HOST} 127.0.0.1"]
    b = browser.browser_type.launch(executable_path=CHROMIUM, args=args, headless=True)
    yield b
    b.close()


def open_page(browser, url: str, allowed: set[str]):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    # Only the app itself: whatever the editing section needs must not depend on the network.
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if urlparse(route.request.url).hostname in allowed else route.abort()
        ),
    )
    page.goto(url)
    page.get_by_role("heading", name=re.compile(r"^Day brief")).wait_for(timeout=60_000)
    return page


def test_local_editor_sees_the_editing_tools(browser, editable_app, artifacts):
    page = open_page(browser, editable_app.url, {"127.0.0.1"})
    page.get_by_text("Editing as local").wait_for(timeout=30_000)
    assert page.get_by_text("Add an article").count() == 1
    page.close()


def test_anonymous_visitor_sees_no_editing_tools(proxied_browser, editable_app, artifacts):
    url = editable_app.url.replace("127.0.0.1", PUBLIC_HOST)
    page = open_page(proxied_browser, url, {PUBLIC_HOST})
    page.wait_for_selector(POINTS, timeout=60_000)
    page.wait_for_timeout(1500)  # let the whole script finish rendering
    page.screenshot(path=artifacts / "anonymous.png", full_page=True)
    assert page.locator(POINTS).count() > 0  # the page itself works, map included
    for text in ("Editing", "Add an article", "Correct a place", "GEO_EDITING"):
        assert page.get_by_text(text, exact=False).count() == 0, text
    assert page.locator("textarea").count() == 0
    page.close()
