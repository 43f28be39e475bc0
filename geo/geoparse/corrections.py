"""Editor corrections: a reviewable CSV in data/ that overrides the machine.

One row per decision. `article_id` is an article's id or `*` for every article;
`surface` is the name as written (matched case- and accent-insensitively).
Actions: `reject` (not a place here), `pick` (another candidate, by its ref or
name), `coords` (the editor's own point). Later rows win over earlier ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from geo.files import atomic_write
from geo.gazetteer.names import name_key
from geo.ingest.clean import keep_copy
from geo.models import KINDS, BadRecord, Problem

ACTIONS = ("reject", "pick", "coords")


@dataclass(frozen=True)
class Correction:
    article_id: str
    surface: str
    action: str
    name: str = ""
    ref: str = ""
    lat: float | None = None
    lon: float | None = None
    kind: str = ""
    reason: str = ""
    editor: str = ""
    decided: str = ""  # ISO date


FIELDS = [f.name for f in fields(Correction)]


def _parse_row(row: dict, where: str) -> Correction:
    action = (row.get("action") or "").strip()
    if action not in ACTIONS:
        raise BadRecord(where, f"action {action!r} is not one of {', '.join(ACTIONS)}")
    if not (row.get("surface") or "").strip():
        raise BadRecord(where, "surface is empty; write the place name as the article spells it")
    lat = lon = None
    if action == "coords":
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except (TypeError, ValueError, KeyError):
            raise BadRecord(
                where, "coords needs decimal lat and lon (e.g. 34.4586, 40.9506)"
            ) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise BadRecord(where, f"lat {lat} / lon {lon} out of range")
    kind = (row.get("kind") or "").strip()
    if kind and kind not in KINDS:
        raise BadRecord(where, f"kind {kind!r} is not one of {', '.join(KINDS)}")
    if action == "pick" and not ((row.get("ref") or "").strip() or (row.get("name") or "").strip()):
        raise BadRecord(where, "pick needs the candidate's ref or name")
    return Correction(
        article_id=(row.get("article_id") or "*").strip() or "*",
        surface=row["surface"].strip(),
        action=action,
        name=(row.get("name") or "").strip(),
        ref=(row.get("ref") or "").strip(),
        lat=lat,
        lon=lon,
        kind=kind,
        reason=(row.get("reason") or "").strip(),
        editor=(row.get("editor") or "").strip(),
        decided=(row.get("decided") or "").strip(),
    )


class Corrections:
    def __init__(self, rows: Iterable[Correction] = (), *, incomplete: bool = False):
        self.rows = list(rows)
        # Some of the file did not load: a rewrite must first keep the file as it was.
        self.incomplete = incomplete
        self._index = {}
        for c in self.rows:
            self._index[(c.article_id, name_key(c.surface))] = c

    def find(self, article_id: str, surface: str) -> Correction | None:
        key = name_key(surface)
        return self._index.get((article_id, key)) or self._index.get(("*", key))

    def __len__(self) -> int:
        return len(self.rows)

    @classmethod
    def load(cls, path: Path) -> tuple[Corrections, list[Problem]]:
        if not path.exists():
            return cls(), []
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = data.count(b"\n", 0, e.start) + 1
            # A mis-encoded file may also mis-parse: none of it is used until it is fixed.
            return cls(incomplete=True), [
                Problem(
                    str(path),
                    (
                        f"not UTF-8 (byte 0x{data[e.start]:02x}), "
                        "so none of its corrections were used: "
                        "save it as UTF-8 (e.g. iconv -f latin1 -t utf-8)"
                    ),
                    line,
                )
            ]
        rows, problems = [], []
        for n, row in enumerate(csv.DictReader(io.StringIO(text, newline="")), start=2):
            try:
                rows.append(_parse_row(row, f"{path.name}:{n}"))
            except BadRecord as exc:
                problems.append(Problem(str(path), exc.reason, n))
        return cls(rows, incomplete=bool(problems)), problems

    def added(self, correction: Correction, path: Path) -> Corrections:
        """Validate, append to the file atomically, and return the new set."""
        _parse_row(
            {k: "" if v is None else str(v) for k, v in asdict(correction).items()}, path.name
        )
        if not correction.decided:
            correction = Correction(
                **{**asdict(correction), "decided": dt.date.today().isoformat()}
            )
        rows = self.rows + [correction]
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        for c in rows:
            w.writerow({k: "" if v is None else v for k, v in asdict(c).items()})
        if self.incomplete and path.exists():
            keep_copy(path)  # the rows that did not load are not lost with the rewrite
        atomic_write(path, buf.getvalue())
        return Corrections(rows)
