"""The extract command's input: JSON Lines, read one line at a time so that one bad line (not
UTF-8, not JSON, no text, a bad date, too long) is a BadLine naming why, and the rest go on."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sys
from collections.abc import Iterator
from typing import IO

from geo.ingest.clean import not_utf8
from geo.ingest.formats import MAX_TEXT_CHARS

# A JSON line may spell each character of a text as a 6-byte \\uXXXX escape; longer lines are
# skipped without being read into memory.
MAX_LINE_BYTES = 6 * MAX_TEXT_CHARS + 10_000
_JSON_KINDS = {
    list: "a list",
    dict: "an object",
    bool: "true or false",
    int: "a number",
    float: "a number",
    type(None): "null",
}


class BadLine(ValueError):
    """One input line cannot be used; the message says why in plain words."""


def lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """(number, bytes) per line of a binary stream; None for a line over MAX_LINE_BYTES."""
    for number in itertools.count(1):
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) <= MAX_LINE_BYTES:
            yield number, line
            continue
        while line and not line.endswith(b"\n"):  # skip the rest of it, a chunk at a time
            line = stream.readline(1 << 20)
        yield number, None


def document(raw: bytes | None, number: int) -> tuple[object, str, dt.date | None]:
    """(id, text, publication date) from one input line, or BadLine."""
    if raw is None:
        raise BadLine(
            f"the line is over {MAX_LINE_BYTES:,} bytes: texts are limited to "
            f"{MAX_TEXT_CHARS:,} characters; split the text"
        )
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise BadLine(f"{not_utf8(raw, e)}: save the input as UTF-8") from None
    except ValueError as e:
        raise BadLine(
            f"not valid JSON ({getattr(e, 'msg', e)}): each line must be one object "
            '{"id": ..., "text": "...", "date": "YYYY-MM-DD"}'
        ) from None
    if not isinstance(doc, dict):
        raise BadLine(
            f"the line is {_JSON_KINDS.get(type(doc), 'not an object')}, not an object "
            '{"id": ..., "text": "...", "date": "YYYY-MM-DD"}'
        )
    text = doc.get("text")
    if not isinstance(text, str):
        raise BadLine(
            'no "text" field'
            if "text" not in doc
            else f'"text" is {_JSON_KINDS.get(type(text), "not text")}, not a string'
        )
    if len(text) > MAX_TEXT_CHARS:
        raise BadLine(
            f"the text is {len(text):,} characters, over the {MAX_TEXT_CHARS:,} limit: "
            "split it into smaller texts"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadLine(
            '"text" holds a lone surrogate escape (like \\ud800): not valid Unicode'
        ) from None
    return doc.get("id", number), text, _published(doc.get("date"))


def _published(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadLine(
            f'"date" is {_JSON_KINDS.get(type(value), "not text")}, not a date: '
            "write it as YYYY-MM-DD"
        )
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise BadLine(f'"date" {value[:40]!r} is not a date: write it as YYYY-MM-DD') from None


def open_input(name: str) -> IO[bytes]:
    """The input as a binary stream (lines are decoded one by one: one bad line stops nothing)."""
    return sys.stdin.buffer if name == "-" else open(name, "rb")
