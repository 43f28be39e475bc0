"""Real-browser harness: the dashboard served by `streamlit run` on 127.0.0.1, Debian's Chromium.

Nothing leaves the machine: every request that is not for 127.0.0.1 is aborted and
recorded in `page.blocked`, as a reader without internet would see it (the app serves
Leaflet and the offline basemap itself; only map tiles come from outside). With
CI=true a missing browser fails the run instead of skipping it.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.datadir import copy_data

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
SETUP = "bash .ci/browser-setup.sh"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
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
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "dashboard.py",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(self.port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
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
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def bundled_app(browser, tmp_path_factory, artifacts):
    app = App(
        copy_data(tmp_path_factory.mktemp("bundled"), build=True),
        artifacts / "streamlit-bundled.log",
    )
    yield app
    app.stop()


def _route(route, blocked: list[str]) -> None:
    """Loopback goes through; anything else is aborted and recorded (no stand-ins)."""
    url = route.request.url
    if urlparse(url).hostname == "127.0.0.1":
        return route.continue_()
    blocked.append(url)
    log.info("blocked request to %s", url)
    return route.abort()


def outside_hosts(blocked: list[str]) -> set[str]:
    return {urlparse(url).hostname or url for url in blocked}


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
