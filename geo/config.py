"""Every setting in one place, read from the environment or Streamlit secrets.

Defaults are safe: Nominatim is off, so nothing ever waits on the network unless
an operator switches it on (GEO_NOMINATIM=on) and names a contact in the user agent.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_USER_AGENT = "baghouz-timeline/1.0 (+set GEO_USER_AGENT to name your contact)"

# Articles one upload may hold: a 2 MB JSONL could otherwise hold 50,000 articles.
MAX_UPLOAD_ARTICLES = 50

# The campaign region: the Euphrates valley from Raqqa to al-Qaim and the
# north-east up to al-Hol. (south, west, north, east) in degrees.
CAMPAIGN_VIEWBOX = (33.0, 38.0, 37.5, 42.5)
DEFAULT_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png|© OpenStreetMap contributors"


class ConfigError(ValueError):
    """A setting has a value that cannot be used; the message names it."""


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{name}={raw!r}: use on/off (or true/false, 1/0)")


def _number(name: str, raw: str, low: float, high: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected a number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}={raw!r}: must be between {low} and {high}")
    return value


def _viewbox(name: str, raw: str) -> tuple[float, float, float, float] | None:
    if not raw.strip():
        return None
    parts = raw.split(",")
    if len(parts) != 4:
        raise ConfigError(f"{name}={raw!r}: expected 'south,west,north,east' in degrees")
    south, west, north, east = (_number(name, p, -180, 180) for p in parts)
    if not (-90 <= south < north <= 90 and west < east):
        raise ConfigError(f"{name}={raw!r}: south must be below north and west left of east")
    return (south, west, north, east)


def _emails(name: str, raw: str) -> tuple[str, ...]:
    emails = tuple(e.strip().lower() for e in raw.split(",") if e.strip())
    bad = [e for e in emails if e.count("@") != 1 or " " in e]
    if bad:
        raise ConfigError(
            f"{name}: {bad} are not e-mail addresses; list editors as a@b.org,c@d.org"
        )
    return emails


@dataclass(frozen=True)
class Tiles:
    """A raster tile server for the map: URL template and the attribution it requires."""

    url: str
    attribution: str


def _tiles(name: str, raw: str) -> Tiles | None:
    """'URL|attribution' (URL with {z}, {x} and {y}), or 'none' for the offline basemap only."""
    if raw.strip().lower() in {"none", "off"}:
        return None
    url, sep, attribution = raw.partition("|")
    url, attribution = url.strip(), attribution.strip()
    how = "use 'https://host/{z}/{x}/{y}.png|attribution', or 'none' for the offline basemap"
    if not sep or not attribution:
        raise ConfigError(f"{name}={raw!r}: the tile server's attribution is missing; {how}")
    if not url.startswith(("https://", "http://")) or any(f"{{{k}}}" not in url for k in "zxy"):
        raise ConfigError(f"{name}={raw!r}: the URL needs http(s) and {{z}}, {{x}}, {{y}}; {how}")
    return Tiles(url, attribution)


def _path(name: str, raw: str) -> Path:
    return Path(raw).expanduser()


def _text(name: str, raw: str) -> str:
    return raw.strip()


def _scheme(name: str, raw: str) -> str:
    scheme = raw.strip().lower()
    if scheme not in {"http", "https"}:
        raise ConfigError(f"{name}={scheme!r}: use http or https")
    return scheme


def _country_codes(name: str, raw: str) -> tuple[str, ...]:
    codes = tuple(c.strip().lower() for c in raw.split(",") if c.strip())
    bad = [c for c in codes if len(c) != 2 or not c.isalpha()]
    if bad:
        raise ConfigError(f"{name}: {bad} are not two-letter ISO codes (e.g. sy,iq)")
    return codes


def _between(low: float, high: float, kind: type = float) -> Callable[[str, str], float]:
    return lambda name, raw: kind(_number(name, raw, low, high))


# Every variable: (name, Settings field, parser, whether an empty value keeps the default).
# Parsers take (name, raw text) and raise ConfigError naming the variable.
VARIABLES: tuple[tuple[str, str, Callable[[str, str], object], bool], ...] = (
    ("GEO_DATA_DIR", "data_dir", _path, False),
    ("GEO_INDEX_DIR", "index_dir", _path, True),
    ("GEO_NOMINATIM", "nominatim_enabled", _flag, False),
    ("GEO_NOMINATIM_DOMAIN", "nominatim_domain", _text, True),
    ("GEO_NOMINATIM_SCHEME", "nominatim_scheme", _scheme, False),
    ("GEO_USER_AGENT", "user_agent", _text, True),
    ("GEO_TIMEOUT", "timeout", _between(0.1, 120), False),
    ("GEO_MIN_DELAY", "min_delay", _between(0, 60), False),
    ("GEO_MAX_RETRIES", "max_retries", _between(0, 10, int), False),
    ("GEO_COUNTRY_CODES", "country_codes", _country_codes, False),
    ("GEO_VIEWBOX", "viewbox", _viewbox, False),
    ("GEO_EDITING", "editing", _flag, False),
    ("GEO_EDITORS", "editors", _emails, False),
    ("GEO_MAX_UPLOAD_BYTES", "max_upload_bytes", _between(1, 1e9, int), False),
    ("GEO_MAX_ARTICLES_PER_UPLOAD", "max_articles_per_upload", _between(1, 1e6, int), False),
    ("GEO_MAX_ARTICLES_PER_HOUR", "max_articles_per_hour", _between(1, 1e6, int), False),
    ("GEO_MAX_ADDED_BYTES", "max_added_bytes", _between(1, 1e12, int), False),
    ("GEO_TILES", "tiles", _tiles, False),
    ("GEO_EVENTS", "events_store", _text, True),
)


@dataclass(frozen=True)
class Settings:
    data_dir: Path = ROOT / "data"
    nominatim_enabled: bool = False
    nominatim_domain: str = "nominatim.openstreetmap.org"
    nominatim_scheme: str = "https"
    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 10.0
    min_delay: float = 1.0  # seconds between requests, for the whole process
    max_retries: int = 2  # extra attempts after a 429/5xx/timeout, never after a 403
    max_retry_after: float = 60.0  # cap on a server's Retry-After
    country_codes: tuple[str, ...] = ("sy", "iq")
    viewbox: tuple[float, float, float, float] | None = CAMPAIGN_VIEWBOX
    language: str = "en"
    editing: bool = True  # off: nobody edits; on: only the editors of geo/editing/access.py
    editors: tuple[str, ...] = ()  # addresses that may edit after signing in (st.login)
    max_upload_bytes: int = 2_000_000
    max_articles_per_upload: int = MAX_UPLOAD_ARTICLES
    max_articles_per_hour: int = 200
    max_added_bytes: int = 20_000_000  # all of data/articles/added together
    tiles: Tiles | None = _tiles("GEO_TILES", DEFAULT_TILES)  # None: the offline basemap only
    # The compiled gazetteer is keyed on its sources, so one folder serves every data dir.
    index_dir: Path = ROOT / "data" / ".index"
    # A Parquet store of a large build (folder or URL, `build --engine dask --parquet`): the
    # dashboard then reads it with DuckDB (geo/duckview.py). Empty: data/events.csv.
    events_store: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def articles_dir(self) -> Path:
        return self.data_dir / "articles"

    @property
    def cache_path(self) -> Path:
        return self.data_dir / "geocache.sqlite"

    @property
    def cache_export_path(self) -> Path:
        return self.data_dir / "geocache.jsonl"

    @property
    def events_path(self) -> Path:
        return self.data_dir / "events.csv"

    @property
    def gazetteer_path(self) -> Path:
        return self.data_dir / "gazetteer.csv"

    @property
    def corrections_path(self) -> Path:
        return self.data_dir / "corrections.csv"

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, secrets: Mapping[str, object] | None = None
    ) -> Settings:
        """Build settings from GEO_* variables; Streamlit secrets override them.

        Secrets may use the same GEO_* names at the root of secrets.toml.
        """
        env = dict(os.environ if environ is None else environ)
        for key, value in (secrets or {}).items():
            if isinstance(value, (str, int, float, bool)):
                env[str(key)] = str(value).lower() if isinstance(value, bool) else str(value)
            elif key == "GEO_EDITORS" and isinstance(value, (list, tuple)):
                env[key] = ",".join(str(v) for v in value)
        # Any: each parser returns its own field's type, which the table cannot express.
        changes: dict[str, Any] = {
            field_name: parse(name, env[name])
            for name, field_name, parse, keep_if_empty in VARIABLES
            if name in env and (env[name] or not keep_if_empty)
        }
        s = replace(cls(), **changes)
        if (
            s.nominatim_enabled
            and s.nominatim_domain == "nominatim.openstreetmap.org"
            and s.user_agent == DEFAULT_USER_AGENT
        ):
            raise ConfigError(
                "GEO_NOMINATIM=on with the public server needs GEO_USER_AGENT naming this "
                "deployment and a contact (e.g. 'baghouz-map/1.0 (you@example.org)'): "
                "the public Nominatim refuses generic agents"
            )
        return s
