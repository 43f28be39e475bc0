"""Real-browser harness: the dashboard served by `streamlit run` on 127.0.0.1, Debian's Chromium.

Nothing leaves the machine: CDN requests are answered from tests/browser/node_modules
(installed by .ci/browser-setup.sh), map tiles with a blank PNG, and anything else
not on 127.0.0.1 is aborted and logged. With CI=true a missing browser fails the
run instead of skipping it.
"""
from __future__ import annotations

import base64
import logging
import os
import re
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.datadir import copy_data

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
MODULES = HERE / "node_modules"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
SETUP = "bash .ci/browser-setup.sh"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
BLANK_PNG = base64.b64decode(  # 1x1 light grey PNG: tiles show as a plain background
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGN49+4dAAWYAsspex20AAAAAElFTkSuQmCC")
TILE_HOSTS = re.compile(r"(^|\.)(tile\.openstreetmap\.org|basemaps\.cartocdn\.com|tile\.opentopomap\.org)$")
# CDN URL -> file under node_modules (None: an optional stylesheet answered empty).
CDN_RULES = [
    (re.compile(r"https://cdn\.jsdelivr\.net/npm/((?:@[^/@]+/)?[^/@]+)@[^/]+/(.+)"), r"\1/\2"),
    (re.compile(r"https://code\.jquery\.com/jquery-[\d.]+\.min\.js"), "jquery/dist/jquery.min.js"),
    (re.compile(r"https://cdnjs\.cloudflare\.com/ajax/libs/Leaflet\.awesome-markers/[^/]+/(.+)"),
     r"leaflet.awesome-markers/dist/\1"),
    (re.compile(r"https://netdna\.bootstrapcdn\.com/bootstrap/3\.0\.0/css/bootstrap-glyphicons\.css"), None),
    (re.compile(r"https://cdn\.jsdelivr\.net/gh/python-visualization/folium/.+\.css"), None),
]
TYPES = {".js": "application/javascript", ".css": "text/css", ".png": "image/png",
         ".svg": "image/svg+xml", ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf"}
log = logging.getLogger("browser")


def _need(condition: bool, what: str) -> None:
    if condition:
        return
    message = f"{what}: run `{SETUP}` first"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)  # CI must run these tests, never skip them
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class App:
    """One `streamlit run dashboard.py` on a free local port, stopped by `stop()`."""

    def __init__(self, data: Path, log_path: Path, env: dict[str, str] | None = None):
        self.data, self.port = data, _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {**os.environ, "GEO_DATA_DIR": str(data), "GEO_EDITING": "off", **(env or {})}
        self._log = log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address", "127.0.0.1",
             "--server.port", str(self.port), "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_healthy(log_path)

    def _wait_healthy(self, log_path: Path) -> None:
        import time
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}; see {log_path}")
            try:
                with urllib.request.urlopen(self.url + "_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        return
            except OSError:
                pass
            time.sleep(0.2)  # polling a local server, not a timed assertion
        self.stop()
        raise RuntimeError(f"streamlit did not answer on {self.url} within 60 s; see {log_path}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser():
    _need(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing")
    _need((MODULES / "leaflet" / "dist" / "leaflet.js").exists(), f"{MODULES} has no leaflet")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def bundled_app(browser, tmp_path_factory, artifacts):
    app = App(copy_data(tmp_path_factory.mktemp("bundled"), build=True), artifacts / "streamlit-bundled.log")
    yield app
    app.stop()


def _route(route, blocked: list[str]) -> None:
    url = route.request.url
    host = urlparse(url).hostname or ""
    if host == "127.0.0.1":
        return route.continue_()
    if TILE_HOSTS.search(host):
        return route.fulfill(status=200, body=BLANK_PNG, content_type="image/png")
    for pattern, target in CDN_RULES:
        m = pattern.match(url.split("?")[0])
        if not m:
            continue
        if target is None:
            return route.fulfill(status=200, body="", content_type="text/css")
        path = MODULES / m.expand(target)
        if path.is_file():
            return route.fulfill(status=200, body=path.read_bytes(),
                                 content_type=TYPES.get(path.suffix, "application/octet-stream"))
        break
    blocked.append(url)
    log.warning("blocked request to %s", url)
    return route.abort()


@pytest.fixture
def page(browser):
    """A fresh page whose every request stays on this machine; dialogs are recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.blocked, pg.dialogs, pg.errors = [], [], []
    pg.route("**/*", lambda route: _route(route, pg.blocked))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()
