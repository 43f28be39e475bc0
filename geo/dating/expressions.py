"""Expr, one temporal expression, and how the pattern table finds them around a trigger word.

geo.dating.layout finds the trigger words of geo.dating.patterns.TRIGGERS in one pass and calls
expressions_near for each; a pattern runs only when its needed words are in the window.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from geo.dating.patterns import PATTERNS, TRIGGERS
from geo.dating.resolvers import duration_days


@dataclass(frozen=True)
class Expr:
    """One temporal expression. kind is a precision ("day", "span", "week", "month",
    "background") or one that geo.dating.event_dates settles from context: "future"
    (clamped), "duration" (a stretch of `days` ending at the sentence's date) and "since"
    (from `first` to it)."""

    start: int
    end: int
    text: str
    first: dt.date | None
    last: dt.date | None
    kind: str
    days: int = 0


_BY_CLASS = {
    cls: [
        (name, re.compile(rx), fn, tuple(filter(None, needs.split("|"))))
        for name, classes, needs, rx, fn in PATTERNS
        if cls in classes.split()
    ]
    for cls in TRIGGERS
}


def expressions_near(
    text: str, begin: int, stop: int, cls: str, pub: dt.date, low: str, seen: set
) -> list[Expr]:
    """The expressions of trigger class cls around the trigger word at text[begin:stop];
    low is text lower-cased, seen the (start, end, pattern) already tried."""
    back, ahead, _ = TRIGGERS[cls]
    lo, hi = max(0, begin - back), text.find(" ", min(len(text), stop + ahead))
    hi = len(text) if hi < 0 else hi
    lowered = low[lo:hi]
    found = []
    for name, rx, fn, needs in _BY_CLASS[cls]:
        if needs and not any(word in lowered for word in needs):
            continue
        for m in rx.finditer(text, lo, hi):
            if (m.start(), m.end(), name) not in seen:
                seen.add((m.start(), m.end(), name))
                got = fn(m, pub)
                if got is not None:
                    days = duration_days(m) if got[2] == "duration" else 0
                    found.append(Expr(m.start(), m.end(), m.group(0), *got, days))
    return found
