"""The temporal-expression table and how each match becomes dates, for geo.dating.event_dates.

geo.dating.event_dates finds the trigger words (TRIGGERS) in one pass; a pattern then runs
only in a small window around a trigger it needs (expressions_near). dateparser reads explicit
date strings only (cached); weekdays, "the 10th", year-less dates and spans follow our own
rules, where dateparser is wrong or silent (DESIGN.md section 5).
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from geo.dating.explicit import parse_explicit, past_occurrence

log = logging.getLogger(__name__)
DAY = dt.timedelta(days=1)


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


Span = tuple[dt.date | None, dt.date | None, str]  # (first, last, kind) as a resolver finds it


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            "January Jan",
            "February Feb",
            "March Mar",
            "April Apr",
            "May",
            "June Jun",
            "July Jul",
            "August Aug",
            "September Sep Sept",
            "October Oct",
            "November Nov",
            "December Dec",
        ),
        1,
    )
    for m in names.split()
}
_NUM = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten "
        "eleven twelve thirteen fourteen".split()
    )
} | {"a": 1, "an": 1}

WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
WD1, WD2 = WD.replace("<wd>", "<wd1>"), WD.replace("<wd>", "<wd2>")
PART = r"(?:\s+(?i:night|morning|afternoon|evening))?"
POSS = r"(?:'s|’s)?"
MON = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
N = r"(?P<n>\d{1,3}|(?i:an?|" + "|".join(list(_NUM)[1:15]) + r"))"
UNIT = r"(?P<unit>(?i:hours?|days?|weeks?|months?))"
ORD = r"(?:st|nd|rd|th)?"
SINCE = r"(?:(?P<since>(?i:since))\s+)?"


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUM[word.lower()]


def _back_to(weekday: str, pub: dt.date) -> dt.date:
    """The most recent such weekday, the day itself when it is that weekday."""
    return pub - ((pub.weekday() - _WEEKDAYS.index(weekday)) % 7) * DAY


def _weekday(m: re.Match, pub: dt.date) -> Span:
    d = _back_to(m["wd"], pub)
    if d == pub and m["last"]:
        d -= 7 * DAY  # "last Sunday" written on a Sunday means the week before
    return _since(m, d)


def _weekday_pair(m: re.Match, pub: dt.date) -> Span:
    """'from Friday until dawn on Sunday', 'on Friday and Saturday': the first day to the last."""
    last = _back_to(m["wd2"], pub)
    return _back_to(m["wd1"], last), last, "span"


def _since(m: re.Match, d: dt.date) -> Span:
    """'since Sunday' runs from that day up to its sentence's date, settled in
    geo.dating.event_dates."""
    return (d, None, "since") if m["since"] else (d, None, "day")


def _week(m: re.Match, pub: dt.date) -> Span:
    monday = pub - pub.weekday() * DAY
    if m.group(0).lower().startswith("last"):
        return monday - 7 * DAY, monday - DAY, "week"
    return monday, max(monday, pub - DAY), "week"  # "earlier this week": up to yesterday


def _month(m: re.Match, pub: dt.date) -> Span:
    first = pub.replace(day=1)
    if m.group(0).lower().startswith("last"):
        return (first - DAY).replace(day=1), first - DAY, "month"
    return first, max(first, pub - DAY), "month"


def _weekend(m: re.Match, pub: dt.date) -> Span:
    saturday = pub - ((pub.weekday() - 5) % 7) * DAY
    return saturday, min(saturday + DAY, pub), "span"


def _explicit(m: re.Match, pub: dt.date) -> Span | None:
    d = parse_explicit(m["date"], pub)
    if d is None:
        return None
    return (pub, None, "future") if d > pub else _since(m, d)


def _month_name(m: re.Match, pub: dt.date) -> Span | None:
    month = _MONTHS[m["mon"].rstrip(".")]
    year = int(m["y"]) if m["y"] else pub.year - (month > pub.month)
    if m["y"] and year < pub.year and not m["since"]:
        return None, None, "background"  # a written year before the article's: context
    first = dt.date(year, month, 1)
    if first > pub:
        return pub, None, "future"
    if m["since"]:
        return first, None, "since"
    last = first.replace(day=calendar.monthrange(year, month)[1])
    return first, min(last, pub), "month"


def _nth(m: re.Match, pub: dt.date) -> Span | None:
    # "on the 10th": this month once that day is reached, else the month before (or two).
    day, month_end = int(m["d"]), pub
    for _ in range(3):
        if day <= month_end.day:
            return month_end.replace(day=day), None, "day"
        month_end = month_end.replace(day=1) - DAY
    return None


def _between(m: re.Match, pub: dt.date) -> Span | None:
    end_month = _MONTHS[m["m2"].rstrip(".")]
    start_month = _MONTHS[m["m1"].rstrip(".")] if m["m1"] else end_month
    end = (
        parse_explicit(f"{m['d2']} {m['m2']} {m['y']}", pub)
        if m["y"]
        else past_occurrence(int(m["d2"]), end_month, pub)
    )
    if end is None or end > pub:
        return None
    d1 = int(m["d1"])
    year = end.year if (start_month, d1) <= (end_month, end.day) else end.year - 1
    try:
        return dt.date(year, start_month, d1), end, "span"
    except ValueError:
        return None


def _months_back(d: dt.date, n: int) -> dt.date:
    """The same day n calendar months earlier (the month's last day when it is shorter)."""
    year, month = divmod(d.year * 12 + d.month - 1 - n, 12)
    return dt.date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def _duration_days(m: re.Match) -> int:
    n, unit = (_count(m["n"]) if m["n"] else 1), m["unit"].lower()
    if unit.startswith("hour"):
        return math.ceil(n / 24) + 1  # a 24-hour stretch touches two calendar days
    if unit.startswith("month"):
        return 30 * n + 1  # durations only: "past n months" is resolved by calendar
    return n * 7 if unit.startswith("week") else n


def _past_n(m: re.Match, pub: dt.date) -> Span:
    if m["unit"].lower().startswith("month"):
        return _months_back(pub, _count(m["n"]) if m["n"] else 1), pub, "span"
    return pub - (_duration_days(m) - 1) * DAY, pub, "span"


_FUTURE = lambda m, pub: (pub, None, "future")  # noqa: E731
_DAYS_BACK = [lambda m, pub, n=n: (pub - n * DAY, None, "day") for n in range(3)]
_BACKGROUND = lambda m, pub: (None, None, "background")  # noqa: E731
_DURATION = lambda m, pub: (None, None, "duration")  # noqa: E731

# The pattern table: (name, trigger classes, needs, regex, resolver). Every match contains one
# of its triggers and one of its `|`-separated needed words (a substring test far cheaper than
# the regex); among overlapping matches the longest wins ("Saturday, March 23" beats
# "Saturday"). A resolver returns (first, last, kind) or None to drop the match.
PATTERNS: list[tuple[str, str, str, str, Callable[[re.Match, dt.date], Span | None]]] = [
    (
        "weekday",
        "wd",
        "",
        r"\b(?:(?P<since>(?i:since))\s+|(?P<last>(?i:last|this past|past))"
        r"\s+|(?i:(?:early|late)\s+(?:on\s+)?|(?:at\s+(?:dawn|dusk|noon|midday)\s+)?on\s+))?"
        + WD
        + POSS
        + PART
        + POSS,
        _weekday,
    ),
    (
        "weekday range",
        "wd",
        "from",
        r"\b(?i:from\s+)" + WD1 + PART + r"\s+(?i:until|till|to"
        r"|through)\s+(?:(?i:dawn|dusk|noon|midday|early|late)\s+)?(?i:on\s+)?" + WD2 + PART,
        _weekday_pair,
    ),
    (
        "weekday pair",
        "wd",
        " and | or ",
        r"\b(?i:on\s+)?" + WD1 + r"\s+(?i:and|or)\s+"
        r"(?i:on\s+)?" + WD2 + PART,
        _weekday_pair,
    ),
    ("next weekday", "wd", "next|coming", r"\b(?i:next|this coming)\s+" + WD, _FUTURE),
    (
        "today",
        "today",
        "",
        r"\b(?i:today|this\s+(?:morning|afternoon|evening)|tonight)\b",
        _DAYS_BACK[0],
    ),
    (
        "yesterday",
        "yesterday",
        "",
        r"\b(?i:yesterday(?:\s+(?:morning|afternoon|evening))?"
        r"|overnight|last\s+night|a\s+day\s+earlier|the\s+previous\s+day)\b",
        _DAYS_BACK[1],
    ),
    (
        "day before yesterday",
        "yesterday",
        "before",
        r"\b(?i:the\s+day\s+before\s+yesterday)\b",
        _DAYS_BACK[2],
    ),
    (
        "days ago",
        "ago",
        "",
        r"\b" + N + r"\s+(?i:days?\s+ago)\b",
        lambda m, pub: (pub - _count(m["n"]) * DAY, None, "day"),
    ),
    ("week", "week", "", r"\b(?i:last\s+week|(?:earlier\s+)?this\s+week)\b", _week),
    ("month", "month", "", r"\b(?i:last\s+month|(?:earlier\s+)?this\s+month)\b", _month),
    (
        "weekend",
        "weekend",
        "",
        r"\b(?i:(?:over|at|during)\s+the\s+weekend"
        r"|(?:this|last)\s+weekend)\b",
        _weekend,
    ),
    (
        "future",
        "future week month unit today",
        "tomorrow|next|coming|later|by ",
        r"\b(?i:tomorrow|next\s+(?:week|month|year)|in\s+the\s+coming\s+(?:days|weeks)"
        r"|later\s+this\s+(?:week|month)|by\s+(?:tonight|tomorrow"
        r"|the\s+end\s+of\s+(?:the\s+)?(?:day|week|month|year)))\b",
        _FUTURE,
    ),
    (
        "date d month",
        "mon",
        "",
        SINCE
        + r"(?P<date>(?:"
        + WD
        + r",?\s+)?\b\d{1,2}"
        + ORD
        + r"\s+(?:of\s+)?"
        + MON
        + r"(?:,?\s+\d{4})?)\b",
        _explicit,
    ),
    (
        "date month d",
        "mon",
        "",
        SINCE
        + r"(?P<date>(?:"
        + WD
        + r",?\s+)?\b"
        + MON
        + r"\s+\d{1,2}"
        + ORD
        + r"(?:,?\s+\d{4})?)\b",
        _explicit,
    ),
    (
        "date numeric",
        "year",
        "",
        r"\b(?P<since>)(?P<date>\d{1,2}/\d{1,2}/\d{4}"
        r"|\d{4}-\d{2}-\d{2})\b",
        _explicit,
    ),
    (
        "month name",
        "mon",
        "",
        r"\b(?:(?P<since>(?i:since))|(?i:in|during|throughout))\s+"
        r"(?:(?i:early|mid|late)[- ]?)?(?P<mon>" + MON + r")(?:\s+(?P<y>\d{4}))?\b(?!\s*\d)",
        _month_name,
    ),
    ("the nth", "ord", "on the", r"\b(?i:on\s+the)\s+(?P<d>\d{1,2})(?:st|nd|rd|th)\b", _nth),
    (
        "between",
        "mon",
        "between|from",
        r"\b(?i:between|from)\s+(?P<d1>\d{1,2})"
        + ORD
        + r"(?:\s+(?P<m1>"
        + MON
        + r"))?\s+(?i:and|to|until)\s+(?P<d2>\d{1,2})"
        + ORD
        + r"\s+(?P<m2>"
        + MON
        + r")(?:,?\s+(?P<y>\d{4}))?",
        _between,
    ),
    (
        "past n",
        "unit week month",
        "past|last",
        r"\b(?i:(?:(?:during|in|over|for)\s+)?the"
        r"\s+(?:past|last))\s+(?:" + N + r"\s+)?" + UNIT + r"\b",
        _past_n,
    ),
    (
        "for n",
        "unit week month",
        "for ",
        r"\b(?i:for\s+(?:(?:more\s+than|over|nearly|about"
        r"|almost|at\s+least)\s+)?)" + N + r"\s+" + UNIT + r"\b",
        _DURATION,
    ),
    (
        "n-unit pause",
        "unit week",
        "pause|lull|truce|ceasefire|halt|siege|battle|offensive",
        r"\b(?i:an?)\s+" + N + r"[- ]" + UNIT.replace("s?", "") + r"\s+(?i:pause|lull|truce"
        r"|ceasefire|halt|siege|battle|offensive)\b",
        _DURATION,
    ),
    (
        "background",
        "background",
        "",
        r"\b(?i:once\s+(?:straddled|controlled|ruled|held"
        r"|stretched|covered|spanned)|(?:has|have|had)\s+(?:held|controlled|ruled|occupied)"
        r"(?!\s+out)[^.;]{0,40}?\bsince|at\s+its\s+(?:height|peak))\b",
        _BACKGROUND,
    ),
    # "since the battle for Raqqa": an earlier event named as a yardstick, place included.
    (
        "since event",
        "background",
        "since",
        r"\b(?i:since\s+the\s+(?:battle|fall|capture|siege"
        r"|liberation|loss|defeat|collapse|start|beginning|end)\s+(?:for|of|in|at)\s+(?:the\s+)?)"
        r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3}",
        _BACKGROUND,
    ),
    (
        "since year",
        "year",
        "",
        r"\b(?i:since\s+(?:(?:early|mid|late)[- ])?)(?:19|20)\d\d\b",
        _BACKGROUND,
    ),
    (
        "in year",
        "year",
        "",
        r"\b(?i:(?:in|during|throughout|by)\s+(?:(?:early|mid|late)[- ])?)"
        r"(?P<y>(?:19|20)\d\d)\b",
        lambda m, pub: (None, None, "background") if int(m["y"]) < pub.year else None,
    ),
]
# Trigger class -> (chars a match may reach before the trigger, after it, the lower-case
# words that raise it). Months and weekdays must be capitalised in the text, so "may" and
# "march" as verbs do not wake the date patterns.
TRIGGERS = {
    "wd": (14, 40, [w.lower() for w in _WEEKDAYS]),
    "mon": (45, 16, [m.lower() for m in _MONTHS]),
    "today": (12, 4, "today tonight morning afternoon evening".split()),
    "yesterday": (18, 12, "yesterday overnight night earlier previous".split()),
    "ago": (16, 2, ["ago"]),
    "week": (30, 16, ["week"]),
    "month": (30, 2, ["month"]),
    "weekend": (12, 2, ["weekend"]),
    "future": (8, 4, ["tomorrow", "year"]),
    "unit": (30, 12, "day days hour hours weeks months".split()),
    "ord": (10, 2, [f"{d}{s}" for d in range(1, 32) for s in ("st", "nd", "rd", "th")]),
    "year": (25, 8, [str(y) for y in range(1900, 2100)]),
    "background": (60, 50, "once since height peak".split()),
}
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
                    days = _duration_days(m) if got[2] == "duration" else 0
                    found.append(Expr(m.start(), m.end(), m.group(0), *got, days))
    return found
