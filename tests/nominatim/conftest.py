"""A real Nominatim (the official software) serving campaign.sqlite on 127.0.0.1.

The server lives in its own venv (built by .ci/nominatim-server.sh from Debian's
Python, whose sqlite3 can load spatialite). Without it the tests are skipped, except
under CI=true, where a missing server is a broken pipeline and must fail.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
DATABASE = HERE / "campaign.sqlite"
DEFAULT_VENV = Path("/opt/nominatim-venv")
INSTALL_HINT = "install the server with: bash .ci/nominatim-server.sh"
STARTUP_LIMIT = 60.0  # seconds; the server answers /status after about 1 s here


def _unavailable(reason: str) -> None:
    """Skip on a developer machine, fail under CI (which must run these tests)."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def _nominatim_command() -> Path | None:
    venv = Path(os.environ.get("NOMINATIM_VENV", DEFAULT_VENV))
    candidate = venv / "bin" / "nominatim"
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return candidate
    found = shutil.which("nominatim")
    return Path(found) if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status_ok(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/status", timeout=2) as answer:
            return answer.status == 200 and answer.read().strip() == b"OK"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _start(command: Path, workdir: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    env["NOMINATIM_DATABASE_DSN"] = f"sqlite:dbname={DATABASE}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(command), "serve", "--server", f"127.0.0.1:{port}", "--project-dir", str(workdir)],
            cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if _status_ok(base):
            return process, base
        time.sleep(0.2)
    _stop(process)
    tail = log_path.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"`{command} serve` on {base} did not answer /status "
                       f"(exit code {process.returncode}); its log {log_path}:\n{tail}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def nominatim_server(tmp_path_factory) -> Iterator[str]:
    """Base URL (http://127.0.0.1:PORT) of a running `nominatim serve`."""
    command = _nominatim_command()
    if command is None:
        _unavailable(f"the Nominatim server software is not installed; {INSTALL_HINT}")
    if not DATABASE.is_file():
        _unavailable(f"{DATABASE} is missing; rebuild it with: "
                     "bash tests/nominatim/build_fixture.sh")
    workdir = tmp_path_factory.mktemp("nominatim-project")
    # A proxy from the environment must never see loopback traffic.
    saved = {k: os.environ.get(k) for k in ("NO_PROXY", "no_proxy")}
    for key in saved:
        os.environ[key] = ",".join(filter(None, [saved[key], "127.0.0.1", "localhost"]))
    process = None
    try:
        # A port picked free can be taken before the server binds it: try again.
        for attempt in range(3):
            try:
                process, base = _start(command, workdir, workdir / f"serve-{attempt}.log")
                break
            except RuntimeError as error:
                last_error = error
        else:
            pytest.fail(str(last_error), pytrace=False)
        yield base
    finally:
        if process is not None:
            _stop(process)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
