"""Explicit date strings ("3 March 2019", "March 3") read by dateparser, day first, in UTC;
a date without a year is its latest occurrence up to the publication day."""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import logging
import re

import dateparser

log = logging.getLogger(__name__)


def past_occurrence(day: int, month: int, pub: dt.date) -> dt.date | None:
    """The most recent day/month on or before pub (29 Feb goes back to a leap year)."""
    for year in range(pub.year, pub.year - 9, -1):
        if day <= calendar.monthrange(year, month)[1] and dt.date(year, month, day) <= pub:
            return dt.date(year, month, day)
    return None


# A leap year's last day as dateparser's base: every year-less day and month (29 February
# too) reads as a past date, and only its day and month are used.
_NEUTRAL_BASE = dt.datetime(2000, 12, 31, 12)


@functools.lru_cache(maxsize=8192)
def read_explicit(text: str) -> dt.date | None:
    """dateparser on one explicit date string, day first, UTC. Cached by the text alone, so a
    corpus pays for each distinct date string once, whatever its articles' publication days."""
    settings = {"DATE_ORDER": "DMY", "PREFER_DATES_FROM": "past", "TIMEZONE": "UTC",
                "RETURN_AS_TIMEZONE_AWARE": False, "RELATIVE_BASE": _NEUTRAL_BASE}
    found = dateparser.parse(text, languages=["en"], settings=settings)
    return found.date() if found is not None else None


def parse_explicit(text: str, pub: dt.date) -> dt.date | None:
    """The date an explicit string names; without a year, its latest occurrence up to pub."""
    found = read_explicit(text)
    if found is None:
        log.debug("dateparser could not read %r (published %s)", text, pub)
        return None
    if re.search(r"\d{4}", text):
        return found
    return past_occurrence(found.day, found.month, pub)
