"""The rows of a .csv or .jsonl article table: (line number, the row's fields or BadInput).

A row that cannot be read becomes a BadInput naming its line, so geo.ingest.formats.parse_rows
reports it and goes on with the next row.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from geo.ingest.clean import BadInput

ROW_KEYS = ("id", "title", "date", "text", "source", "url", "link_note")
Row = tuple[int, dict | BadInput]  # (line number, the row's fields or why it is unusable)


def csv_rows(text: str, max_field: int) -> Iterator[Row]:
    """The rows of a CSV table; a field may be max_field characters (the file size cap)."""
    if csv.field_size_limit() < max_field:
        csv.field_size_limit(max_field)  # long texts get a clear message later instead
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return
    missing = [c for c in ("date", "text") if c not in header]
    if missing:
        raise BadInput(
            f"the CSV header has no {' or '.join(missing)} column (found: "
            f"{','.join(header)}): the header must name date and text "
            f"(and optionally {', '.join(k for k in ROW_KEYS if k not in ('date', 'text'))})",
            1,
        )
    start = reader.line_num + 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                if len(cells) != len(header):
                    yield (
                        start,
                        BadInput(
                            f"the row has {len(cells)} fields but the header has "
                            f"{len(header)}: put quotes around fields with commas",
                            start,
                        ),
                    )
                else:
                    yield start, dict(zip(header, cells, strict=True))
            start = reader.line_num + 1
    except csv.Error as e:
        yield (
            start,
            BadInput(
                f"CSV syntax error ({e}): check the quotes; rows from here on were skipped", start
            ),
        )


def jsonl_rows(text: str) -> Iterator[Row]:
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as e:
            yield (
                number,
                BadInput(
                    f"not valid JSON ({e.msg} at column {e.colno}): each line must "
                    'be one JSON object like {"date": "2019-03-03", "text": "..."}',
                    number,
                ),
            )
            continue
        yield (
            number,
            _typed(obj, number)
            if isinstance(obj, dict)
            else BadInput(
                'the line is JSON but not an object: write {"date": ..., "text": ...}', number
            ),
        )


def _typed(row: dict, number: int) -> dict | BadInput:
    """A JSON row whose fields are text (an id may be a number); a list or an object is refused
    rather than turned into text like "['a', 'b']"."""
    for key in ROW_KEYS:
        value = row.get(key)
        if (
            value is not None
            and not isinstance(value, str)
            and not (key == "id" and isinstance(value, int) and not isinstance(value, bool))
        ):
            kind = {list: "a list", dict: "an object", bool: "true or false"}.get(
                type(value), "a number"
            )
            return BadInput(
                f'"{key}" is {kind}, not a string: write it as one JSON string, '
                f'e.g. "{key}": "..."',
                number,
            )
    return row
