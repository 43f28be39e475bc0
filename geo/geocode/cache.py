"""The persistent geocoding cache: one SQLite file, exportable as diff-friendly JSON lines.

The stored data *is* the cache: a lookup that reached the geocoder and got an answer
("found" or "not_found") is kept with the raw answer text, so it never has to be asked
again. Errors are never stored, so a transient failure is retried on the next run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from geo.files import atomic_write
from geo.ingest.clean import not_utf8
from geo.models import BadRecord, Candidate, Problem

log = logging.getLogger(__name__)

STATUSES = ("found", "not_found")
_CANDIDATE_FIELDS = tuple(f.name for f in dataclasses.fields(Candidate))
_SCHEMA = """
CREATE TABLE IF NOT EXISTS geocache (
    qkey       TEXT NOT NULL,   -- normalised query
    params     TEXT NOT NULL,   -- canonical JSON of the request parameters
    query      TEXT NOT NULL,   -- the query as last asked
    status     TEXT NOT NULL CHECK (status IN ('found', 'not_found')),
    candidates TEXT NOT NULL,   -- JSON list of Candidate fields
    raw        TEXT NOT NULL,   -- the geocoder's answer
    asked_at   TEXT NOT NULL,   -- ISO 8601 UTC
    PRIMARY KEY (qkey, params)
)"""
_COLUMNS = "qkey, params, query, status, candidates, raw, asked_at"


def normalise_query(query: str) -> str:
    """NFC, case-folded, whitespace collapsed: "  Baghuz\tFawqani" == "baghuz fawqani"."""
    folded = unicodedata.normalize("NFC", query).casefold()
    return unicodedata.normalize("NFC", " ".join(folded.split()))


def canonical_params(params: Mapping) -> str:
    """One JSON text per parameter set, whatever the dict order or tuple/list choice."""
    return json.dumps(dict(params), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class CacheEntry:
    query: str
    params: dict
    status: str  # "found" | "not_found"
    candidates: tuple[Candidate, ...]
    raw: str  # raw JSON answer text
    asked_at: str  # ISO UTC timestamp


def _candidate_from_dict(data: object, where: str) -> Candidate:
    if not isinstance(data, dict) or "name" not in data or "kind" not in data:
        raise BadRecord(where, "each candidate must be an object with at least 'name' and 'kind'")
    unknown = set(data) - set(_CANDIDATE_FIELDS)
    if unknown:
        raise BadRecord(
            where,
            f"unknown candidate fields {sorted(unknown)}; allowed are {list(_CANDIDATE_FIELDS)}",
        )
    numbers = [
        k
        for k in ("lat", "lon", "population", "score")
        if data.get(k) is not None
        and (isinstance(data[k], bool) or not isinstance(data[k], (int, float)))
    ]
    texts = [
        k
        for k in ("name", "kind", "country", "source", "ref")
        if k in data and not isinstance(data[k], str)
    ]
    if numbers or texts:
        raise BadRecord(
            where,
            f"candidate fields of the wrong type: {numbers + texts}; "
            "lat, lon, population and score are numbers, the others strings",
        )
    return Candidate(**data)


def _check(status: str, candidates: tuple[Candidate, ...], where: str) -> None:
    if status not in STATUSES:
        raise BadRecord(
            where,
            f"status {status!r} cannot be cached; use one of {STATUSES} (errors are never stored)",
        )
    if (status == "found") != bool(candidates):
        raise BadRecord(
            where,
            f"status {status!r} with {len(candidates)} candidates; "
            "'found' needs at least one candidate and 'not_found' none",
        )


class GeocodeCache:
    """SQLite in WAL mode: several processes may read and write at once."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode, so each write is one explicit, short transaction; the
        # timeout is SQLite's busy handler, waiting out another process's write.
        self._db = sqlite3.connect(
            self.path, timeout=30.0, isolation_level=None, check_same_thread=False
        )
        self._lock = threading.Lock()  # one connection shared by Streamlit's threads
        with self._lock:
            self._db.execute("PRAGMA busy_timeout = 30000")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")  # durable enough under WAL
            self._db.execute(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> GeocodeCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, query: str, params: Mapping) -> CacheEntry | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM geocache WHERE qkey = ? AND params = ?",
                (normalise_query(query), canonical_params(params)),
            ).fetchone()
        return None if row is None else self._entry(row)

    def put(
        self, query: str, params: Mapping, status: str, candidates: Iterable[Candidate], raw: str
    ) -> None:
        candidates = tuple(candidates)
        _check(status, candidates, f"cache put for {query!r}")
        asked_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        row = (
            normalise_query(query),
            canonical_params(params),
            query,
            status,
            json.dumps([dataclasses.asdict(c) for c in candidates], ensure_ascii=False),
            raw,
            asked_at,
        )
        with self._lock:
            # BEGIN IMMEDIATE takes the write lock up front, so a concurrent writer
            # waits in the busy handler instead of failing on a lock upgrade.
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    f"INSERT OR REPLACE INTO geocache ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    row,
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM geocache").fetchone()[0]

    def entries(self) -> Iterator[CacheEntry]:
        """Every entry, ordered by (normalised query, parameters)."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM geocache ORDER BY qkey, params"
            ).fetchall()
        return (self._entry(row) for row in rows)

    def _entry(self, row: tuple) -> CacheEntry:
        _qkey, params, query, status, candidates, raw, asked_at = row
        where = f"{self.path} entry {query!r}"
        return CacheEntry(
            query=query,
            params=json.loads(params),
            status=status,
            candidates=tuple(_candidate_from_dict(c, where) for c in json.loads(candidates)),
            raw=raw,
            asked_at=asked_at,
        )

    def export_jsonl(self, path: Path) -> int:
        """Write every entry as one sorted-key JSON object per line; returns the count."""
        path = Path(path)
        lines = []
        for entry in self.entries():
            obj = dataclasses.asdict(entry)
            obj["key"] = normalise_query(entry.query)
            lines.append(json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")))
        atomic_write(path, "".join(line + "\n" for line in lines))
        log.info("exported %d cache entries to %s", len(lines), path)
        return len(lines)

    def import_jsonl(self, path: Path) -> tuple[int, list[Problem]]:
        """Load an export: (entries read, one Problem per line that could not be used).

        A bad line (not UTF-8, not JSON, wrong fields) is reported with the file and line and
        skipped; the good lines still load, so one bad line never costs every cached answer.
        Where an entry is already cached, the more recently asked one is kept.
        """
        path = Path(path)
        rows, problems = [], []
        with open(path, "rb") as lines:
            for number, raw in enumerate(lines, start=1):
                try:
                    line = raw.decode("utf-8")
                    if line.strip():
                        rows.append(self._row_from_line(line, f"{path}:{number}"))
                except UnicodeDecodeError as e:
                    problems.append(
                        Problem(str(path), f"{not_utf8(raw, e)}: the line was skipped", number)
                    )
                except BadRecord as e:
                    problems.append(Problem(str(path), e.reason, number))
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    f"INSERT INTO geocache ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (qkey, params) DO UPDATE SET query = excluded.query, "
                    "status = excluded.status, candidates = excluded.candidates, "
                    "raw = excluded.raw, asked_at = excluded.asked_at "
                    "WHERE excluded.asked_at > geocache.asked_at",
                    rows,
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        log.info("imported %d cache entries from %s (%d bad lines)", len(rows), path, len(problems))
        return len(rows), problems

    @staticmethod
    def _row_from_line(line: str, where: str) -> tuple:
        obj = _record(line, where)
        candidates = tuple(_candidate_from_dict(c, where) for c in obj["candidates"])
        _check(obj["status"], candidates, where)
        try:
            dt.datetime.fromisoformat(obj["asked_at"])
        except ValueError:
            raise BadRecord(
                where,
                f"asked_at {obj['asked_at']!r} is not an ISO 8601 "
                "timestamp (e.g. 2019-03-23T12:00:00+00:00)",
            ) from None
        return (
            normalise_query(obj["query"]),
            canonical_params(obj["params"]),
            obj["query"],
            obj["status"],
            json.dumps([dataclasses.asdict(c) for c in candidates], ensure_ascii=False),
            obj["raw"],
            obj["asked_at"],
        )


def _record(line: str, where: str) -> dict:
    """One exported line as an object with each field of export_jsonl, of the right type."""
    try:
        obj = json.loads(line)
    except ValueError as error:
        raise BadRecord(
            where,
            f"not valid JSON ({error}); each line must be one object as written by export_jsonl",
        ) from None
    required = ("query", "params", "status", "candidates", "raw", "asked_at")
    missing = [k for k in required if not isinstance(obj, dict) or k not in obj]
    if missing:
        raise BadRecord(where, f"missing fields {missing}; expected {list(required)}")
    if (
        not isinstance(obj["query"], str)
        or not isinstance(obj["params"], dict)
        or not isinstance(obj["raw"], str)
        or not isinstance(obj["asked_at"], str)
        or not isinstance(obj["candidates"], list)
    ):
        raise BadRecord(
            where,
            "wrong types; query, raw and asked_at must be strings, "
            "params an object and candidates a list",
        )
    return obj
