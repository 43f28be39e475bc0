"""Who may change the data, and how much: the rules behind the dashboard's editing tools.

Editing is off unless one of two things is true: the server itself listens only on a
loopback address and was reached by a loopback host name (a local `make run`: whoever
can reach it is at this machine), or the visitor signed in through `st.login` with an
address on the editors' allow-list. The client's address is never used: behind a proxy
every visitor seems to come from it. A proxy in front of a loopback-bound server passes
on its public host name, which is why the Host header must be a loopback name too.
Pure functions, so the dashboard and the tests ask the same questions.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import ipaddress
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from geo.config import Settings

LOCAL_EDITOR = "local"


@dataclass(frozen=True)
class Editor:
    """Who is editing: an allow-listed address, or `local` for a loopback-only server."""

    name: str
    how: str  # "sign-in" or "local server"


def is_loopback(address: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; False for '' / 0.0.0.0 (every interface)."""
    address = (address or "").strip().strip("[]")
    if address.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def signed_in_email(user: Mapping[str, object]) -> str | None:
    """The verified address of a visitor who signed in through st.login, else None.

    Only `is_logged_in` set by Streamlit's OpenID flow counts: without an [auth] section
    a host may still put an e-mail into st.user, which proves nothing.
    """
    if user.get("is_logged_in") is not True or user.get("email_verified") is False:
        return None
    email = user.get("email")
    return email.strip().lower() if isinstance(email, str) and email.strip() else None


def host_name(host_header: str | None) -> str:
    """'localhost:8501' -> 'localhost', '[::1]:8501' -> '::1'."""
    host = (host_header or "").strip()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def editor_for(
    settings: Settings,
    user: Mapping[str, object],
    server_address: str | None,
    host_header: str | None,
) -> Editor | None:
    """The editor for this session, or None: then no editing control is shown at all."""
    if not settings.editing:
        return None
    email = signed_in_email(user)
    if email and email in settings.editors:
        return Editor(email, "sign-in")
    if is_loopback(server_address) and is_loopback(host_name(host_header)):
        return Editor(LOCAL_EDITOR, "local server")
    return None


def added_usage(folder: Path, now: dt.datetime) -> tuple[int, int]:
    """(articles added in the last hour, bytes added in all) under the editors' folder."""
    recent = total = 0
    if not folder.is_dir():
        return 0, 0
    hour_ago = now.timestamp() - 3600
    for path in folder.iterdir():
        if path.name.startswith(".") or not path.is_file():
            continue
        stat = path.stat()
        total += stat.st_size
        recent += stat.st_mtime >= hour_ago
    return recent, total


def addition_refused(
    settings: Settings, n_articles: int, n_bytes: int, now: dt.datetime | None = None
) -> str | None:
    """Why adding `n_articles` articles of `n_bytes` would break the hourly quota or the cap
    on added bytes, as a plain sentence (parse_upload enforces the per-upload limit)."""
    recent, total = added_usage(settings.articles_dir / "added", now or dt.datetime.now(dt.UTC))
    if recent + n_articles > settings.max_articles_per_hour:
        return (
            f"{recent} articles were added in the last hour and the limit is "
            f"{settings.max_articles_per_hour} an hour. Try again later."
        )
    if total + n_bytes > settings.max_added_bytes:
        return (
            f"Added articles already take {total / 1e6:.1f} MB and this would pass the "
            f"{settings.max_added_bytes / 1e6:g} MB cap. Ask the operator to raise "
            "GEO_MAX_ADDED_BYTES or to move articles into the corpus."
        )
    return None


class RebuildBusy(RuntimeError):
    """Another rebuild of the same data folder is running."""


@contextmanager
def rebuild_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data folder's rebuild lock, or raise RebuildBusy at once (never wait:
    a second click must not queue a second rebuild). The kernel drops the lock if the
    process dies, so a crash cannot leave it stuck."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / ".rebuild.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RebuildBusy(
                "A rebuild of the events is already running; try again in a minute."
            ) from None
        yield
    finally:
        os.close(fd)
