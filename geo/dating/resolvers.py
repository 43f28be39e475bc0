"""How a temporal expression's match becomes dates: the resolvers of geo.dating.patterns.

Each resolver takes a pattern's match and the publication date and returns a Span (first day,
last day, kind) or None to drop the match. Weekdays, "the 10th", year-less dates and spans
follow our own rules, where dateparser is wrong or silent (DESIGN.md section 5); explicit date
strings go to geo.dating.explicit.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re

from geo.dating.explicit import parse_explicit, past_occurrence

DAY = dt.timedelta(days=1)

Span = tuple[dt.date | None, dt.date | None, str]  # (first, last, kind) as a resolver finds it

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = {
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
NUMBERS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten "
        "eleven twelve thirteen fourteen".split()
    )
} | {"a": 1, "an": 1}


def count(word: str) -> int:
    return int(word) if word.isdigit() else NUMBERS[word.lower()]


def _back_to(weekday: str, pub: dt.date) -> dt.date:
    """The most recent such weekday, the day itself when it is that weekday."""
    return pub - ((pub.weekday() - WEEKDAYS.index(weekday)) % 7) * DAY


def weekday(m: re.Match, pub: dt.date) -> Span:
    d = _back_to(m["wd"], pub)
    if d == pub and m["last"]:
        d -= 7 * DAY  # "last Sunday" written on a Sunday means the week before
    return _since(m, d)


def weekday_pair(m: re.Match, pub: dt.date) -> Span:
    """'from Friday until dawn on Sunday', 'on Friday and Saturday': the first day to the last."""
    last = _back_to(m["wd2"], pub)
    return _back_to(m["wd1"], last), last, "span"


def _since(m: re.Match, d: dt.date) -> Span:
    """'since Sunday' runs from that day up to its sentence's date (geo.dating.event_dates)."""
    return (d, None, "since") if m["since"] else (d, None, "day")


def week_span(m: re.Match, pub: dt.date) -> Span:
    monday = pub - pub.weekday() * DAY
    if m.group(0).lower().startswith("last"):
        return monday - 7 * DAY, monday - DAY, "week"
    return monday, max(monday, pub - DAY), "week"  # "earlier this week": up to yesterday


def month_span(m: re.Match, pub: dt.date) -> Span:
    first = pub.replace(day=1)
    if m.group(0).lower().startswith("last"):
        return (first - DAY).replace(day=1), first - DAY, "month"
    return first, max(first, pub - DAY), "month"


def weekend(m: re.Match, pub: dt.date) -> Span:
    saturday = pub - ((pub.weekday() - 5) % 7) * DAY
    return saturday, min(saturday + DAY, pub), "span"


def explicit_date(m: re.Match, pub: dt.date) -> Span | None:
    d = parse_explicit(m["date"], pub)
    if d is None:
        return None
    return (pub, None, "future") if d > pub else _since(m, d)


def month_name(m: re.Match, pub: dt.date) -> Span | None:
    month = MONTHS[m["mon"].rstrip(".")]
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


def nth_day(m: re.Match, pub: dt.date) -> Span | None:
    # "on the 10th": this month once that day is reached, else the month before (or two).
    day, month_end = int(m["d"]), pub
    for _ in range(3):
        if day <= month_end.day:
            return month_end.replace(day=day), None, "day"
        month_end = month_end.replace(day=1) - DAY
    return None


def between(m: re.Match, pub: dt.date) -> Span | None:
    end_month = MONTHS[m["m2"].rstrip(".")]
    start_month = MONTHS[m["m1"].rstrip(".")] if m["m1"] else end_month
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


def duration_days(m: re.Match) -> int:
    n, unit = (count(m["n"]) if m["n"] else 1), m["unit"].lower()
    if unit.startswith("hour"):
        return math.ceil(n / 24) + 1  # a 24-hour stretch touches two calendar days
    if unit.startswith("month"):
        return 30 * n + 1  # durations only: "past n months" is resolved by calendar
    return n * 7 if unit.startswith("week") else n


def past_n(m: re.Match, pub: dt.date) -> Span:
    if m["unit"].lower().startswith("month"):
        return _months_back(pub, count(m["n"]) if m["n"] else 1), pub, "span"
    return pub - (duration_days(m) - 1) * DAY, pub, "span"


FUTURE = lambda m, pub: (pub, None, "future")  # noqa: E731
DAYS_BACK = [lambda m, pub, n=n: (pub - n * DAY, None, "day") for n in range(3)]
BACKGROUND = lambda m, pub: (None, None, "background")  # noqa: E731
DURATION = lambda m, pub: (None, None, "duration")  # noqa: E731


def days_ago(m: re.Match, pub: dt.date) -> Span:
    return pub - count(m["n"]) * DAY, None, "day"


def earlier_year(m: re.Match, pub: dt.date) -> Span | None:
    """'in 2017' in an article of 2019 is context; the article's own year dates nothing."""
    return (None, None, "background") if int(m["y"]) < pub.year else None
