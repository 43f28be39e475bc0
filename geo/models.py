"""The small frozen records that flow between the steps, and the events table's columns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal, get_args

# How precise a location is, from broad to exact. "demonym" is recognised
# ("Syrian") but never pinned; "site" is a point facility (a base, an oil field).
Kind = Literal[
    "country", "region", "natural feature", "city", "town", "village", "camp", "site", "demonym"
]
KINDS: tuple[Kind, ...] = get_args(Kind)
AREA_KINDS: frozenset[Kind] = frozenset(
    {"country", "region", "natural feature"}
)  # listed, never pinned
SETTLEMENT_KINDS: tuple[Kind, ...] = ("city", "town", "village")
PINNED_KINDS: tuple[Kind, ...] = SETTLEMENT_KINDS + ("camp", "site")  # drawn as points on the map


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    published: dt.date
    text: str
    source: str = ""
    url: str = ""
    link_note: str = ""  # what the linked page is, when not the report as of `published`
    path: str = ""  # the file it came from, for messages


class BadRecord(ValueError):
    """One stored record (a line, a row) that cannot be used: `where` names the file and line,
    `reason` says why in plain words; the loader turns it into a Problem and goes on."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason


@dataclass(frozen=True)
class Problem:
    """Bad input, reported and skipped: names the file (and line) and how to fix it."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Candidate:
    """One possible referent of a name, from a gazetteer or a geocoder."""

    name: str
    lat: float | None
    lon: float | None
    kind: str
    country: str = ""  # ISO 3166-1 alpha-2, upper case
    population: int = 0
    source: str = ""  # "campaign", "geonames", "nominatim", "correction"
    ref: str = ""  # id in that source
    score: float = 0.0

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True)
class Mention:
    """A span of an article's text recognised as a place name."""

    start: int
    end: int
    surface: str
    key: str  # normalised lookup name
    candidates: tuple[Candidate, ...] = ()
    cue: str = ""  # why it was taken: "gazetteer", "context:village of", "model:GPE", ...
    # "literal": something is or happens there (pinned); "associative": a demonym, a modifier
    # ("US-led", "Chicago police"), metonymy ("Washington said"), a place inside an
    # organisation's name. Recognised and listed, never pinned (Gritta et al. 2019).
    role: str = "literal"


@dataclass(frozen=True)
class Place:
    """A mention resolved to a point (or left unresolved with lat/lon None)."""

    name: str
    lat: float | None
    lon: float | None
    kind: str
    source: str
    score: float = 0.0
    alternatives: tuple[Candidate, ...] = field(default=(), compare=False)

    @property
    def resolved(self) -> bool:
        return self.lat is not None and self.lon is not None


# The events table: one row per place mention. Order and dtypes are the
# contract between the build, the CSV file in data/ and the dashboard.
EVENT_COLUMNS: dict[str, str] = {
    "article_id": "string",
    "title": "string",
    "source": "string",
    "url": "string",
    "link_note": "string",
    "published": "datetime64[s]",
    "event_date": "datetime64[s]",
    "event_end": "datetime64[s]",
    "date_precision": "string",
    "date_rule": "string",
    "surface": "string",
    "place": "string",
    "lat": "float64",
    "lon": "float64",
    "kind": "string",
    "place_source": "string",
    "score": "float64",
    "alternatives": "string",  # JSON list of the ranked other candidates
    "start": "int64",
    "end": "int64",
    "sentence": "string",
    "event_type": "string",
    "role": "string",  # "literal" or "associative"; files written before it read as literal
}
ROLES = ("literal", "associative")
