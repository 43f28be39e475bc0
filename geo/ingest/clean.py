"""Raw input to clean values: bytes to text, text cleaning, publication dates, titles.

Every refusal is a BadInput carrying the reason (and line) that geo.ingest.articles turns
into a Problem naming the file; nothing here knows about formats. keep_copy saves a bad
input file before a rewrite could drop the lines that did not load.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import shutil
import unicodedata
from pathlib import Path

FORMATS = ".txt, .md, .csv or .jsonl"
TITLE_CHARS = 90
# Bidi controls can reorder what a reader sees (a spoofing trick) and NULs break
# downstream tools; both are dropped, everything else in the text is kept.
_DROP = dict.fromkeys([0, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a ZIP/Office file",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "gzip data",
}
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z]*)?")
_NUMERIC = re.compile(r"(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})")
_MONTH = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b\.?", re.I)


class BadInput(ValueError):
    """One file or row is unusable; carries the message and line."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.reason, self.line = reason, line


def clean_text(text: str) -> str:
    """Drop bidi controls and NULs, unify newlines, NFC-normalise."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_DROP)
    return unicodedata.normalize("NFC", text)


def make_title(text: str) -> str:
    """The first sentence, cut at a word boundary near TITLE_CHARS with an ellipsis."""
    first = text.strip().split("\n", 1)[0].strip()
    end = re.search(r"[.!?](?=\s|$)", first)
    if end:
        first = first[: end.end()]
    if len(first) <= TITLE_CHARS:
        return first
    cut = first[:TITLE_CHARS].rsplit(" ", 1)[0] or first[:TITLE_CHARS]
    return cut.rstrip(" ,;:-\u2013\u2014") + "\u2026"


def parse_date(raw: str, today: dt.date | None = None) -> dt.date:
    """ISO YYYY-MM-DD, or a written date with a month name and a 4-digit year."""
    value = raw.strip()
    if not value:
        raise BadInput("the date is empty: write it as YYYY-MM-DD, e.g. 2019-03-03")
    iso, numeric = ISO_DATE.fullmatch(value), _NUMERIC.fullmatch(value)
    if iso:
        try:
            day = dt.date(*(int(g) for g in iso.groups()))
        except ValueError:
            raise BadInput(
                f"date {value!r} is not a real calendar date: check the month and day"
            ) from None
    elif numeric:
        a, b, year = numeric.groups()
        if len(year) == 4 and int(a) <= 12 and int(b) <= 12 and a.lstrip("0") != b.lstrip("0"):
            raise BadInput(
                f"date {value!r} is ambiguous ({year}-{int(b):02d}-{int(a):02d} or "
                f"{year}-{int(a):02d}-{int(b):02d}?): write it as YYYY-MM-DD"
            )
        raise BadInput(f"date {value!r} is not in a supported form: write it as YYYY-MM-DD")
    else:
        day = _written_date(value)
    today = today or dt.date.today()
    if day.year < 1900:
        raise BadInput(f"date {day.isoformat()} is before 1900: check the year")
    if day > today:
        raise BadInput(
            f"date {day.isoformat()} is in the future "
            f"(today is {today.isoformat()}): check the year"
        )
    return day


def _written_date(value: str) -> dt.date:
    # A month name and a four-digit year are required, so relative phrases
    # ("yesterday", "2 days ago") are refused instead of meaning "today".
    if _MONTH.search(value) and re.search(r"\b\d{4}\b", value):
        import dateparser  # slow to import; only needed for written dates

        got = dateparser.parse(
            value,
            languages=["en"],
            settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
        )
        if got is not None:
            return got.date()
    raise BadInput(
        f"cannot read the date {value!r}: write it as YYYY-MM-DD (or like '3 March 2019')"
    )


def decode(data: bytes, label: str) -> str:
    """Bytes to text: UTF-8 (BOM optional) or UTF-16 with a BOM; binary refused."""
    skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise BadInput(
                f"broken UTF-16 at byte offset {e.start}: save the file as UTF-8"
            ) from None
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise BadInput(f"this is {kind}, not text: articles must be {FORMATS} text files")
    head = data[:8192]
    # A few stray NULs are cleaned away; many mean binary (or BOM-less UTF-16).
    if head.count(0) * 20 > len(head):
        raise BadInput(
            f"binary data (NUL bytes), not text: save the article as UTF-8 text in one of {FORMATS}"
        )
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as e:
        e.start += skip  # offsets count from the start of the file, BOM included
        if 0 in data:
            raise BadInput("binary data (NUL bytes), not text: save it as UTF-8 text") from None
        line = data.count(b"\n", 0, e.start) + 1
        raise BadInput(
            f"not UTF-8: byte 0x{data[e.start]:02x} at byte offset {e.start} cannot be "
            f"decoded (probably Latin-1); convert it with: iconv -f latin1 -t utf-8 "
            f"{shlex.quote(label)} > fixed.txt and replace the file",
            line,
        ) from None


def not_utf8(line: bytes, e: UnicodeDecodeError) -> str:
    """Why one line of input is not text, in words that point at the byte."""
    return f"not UTF-8 (byte 0x{line[e.start]:02x} at column {e.start + 1})"


def keep_copy(path: Path) -> Path:
    """Copy `path` to `<name>.bad-<UTC time>` beside it (never over another copy), for the
    operator to repair, before the file is rewritten without the lines that did not load."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1, 1000):
        target = path.with_name(f"{path.name}.bad-{stamp}" + (f"-{n}" if n > 1 else ""))
        try:
            with open(target, "xb") as out, open(path, "rb") as src:
                shutil.copyfileobj(src, out)
            return target
        except FileExistsError:
            continue
    raise FileExistsError(f"{path}.bad-{stamp}: too many copies; clean up the folder")
