"""Temporal expressions -> event dates, anchored on the article's publication date.

Each place mention takes the expression that governs it: the closest one in its clause, else
in its sentence, else the nearest earlier one in its paragraph, else the publication date.
Expressions come from the pattern table `_PATTERNS` (own regexes, compiled once). One
Aho-Corasick pass finds trigger words and punctuation, and a pattern runs only in a small
window around a trigger it needs: two dozen regexes over a whole article cost ~4 ms.
dateparser reads explicit date strings only (cached); weekdays, "the 10th", year-less dates
and spans follow our own rules, where dateparser is wrong or silent (DESIGN.md section 5).
"""
from __future__ import annotations

import bisect
import datetime as dt
import functools
import logging
import math
import re
from dataclasses import dataclass
from typing import Callable, Sequence

import ahocorasick
import dateparser

log = logging.getLogger(__name__)

CONFIDENCE = {"clause": 1.0, "sentence": 0.8, "paragraph": 0.6, "published": 0.3}
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class EventDate:
    start: dt.date | None  # None only for background
    end: dt.date | None  # last day of a span, else None
    precision: str  # "day" | "span" | "week" | "month" | "published" | "background"
    rule: str
    expression: str  # the words used, "" for published
    confidence: float


def describe_date(d: dt.date) -> str:
    """Fri 1 Mar 2019."""
    return f"{d:%a} {d.day} {d:%b %Y}"


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = {m: i for i, names in enumerate((
    "January Jan", "February Feb", "March Mar", "April Apr", "May", "June Jun", "July Jul",
    "August Aug", "September Sep Sept", "October Oct", "November Nov", "December Dec"), 1)
    for m in names.split()}
_NUM = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten "
                                   "eleven twelve thirteen fourteen".split())}
_NUM.update(a=1, an=1)

WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
MON = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
N = r"(?P<n>\d{1,3}|(?i:an?|" + "|".join(list(_NUM)[1:15]) + r"))"
UNIT = r"(?P<unit>(?i:hours?|days?|weeks?))"
ORD = r"(?:st|nd|rd|th)?"
SINCE = r"(?:(?P<since>(?i:since))\s+)?"


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUM[word.lower()]


def _weekday(m: re.Match, pub: dt.date) -> tuple:
    back = (pub.weekday() - _WEEKDAYS.index(m["wd"])) % 7
    if back == 0 and m["last"]:
        back = 7  # "last Sunday" written on a Sunday means the week before
    return _since(m, pub - back * DAY, pub)


def _since(m: re.Match, d: dt.date, pub: dt.date) -> tuple:
    """'since Sunday' is a span that runs up to the publication day."""
    return (d, pub, "span") if m["since"] else (d, None, "day")


def _days_back(n: int) -> Callable:
    return lambda m, pub: (pub - n * DAY, None, "day")


def _week(m: re.Match, pub: dt.date) -> tuple:
    monday = pub - pub.weekday() * DAY
    if m.group(0).lower().startswith("last"):
        return monday - 7 * DAY, monday - DAY, "week"
    return monday, max(monday, pub - DAY), "week"  # "earlier this week": up to yesterday


def _month(m: re.Match, pub: dt.date) -> tuple:
    first = pub.replace(day=1)
    if m.group(0).lower().startswith("last"):
        return (first - DAY).replace(day=1), first - DAY, "month"
    return first, max(first, pub - DAY), "month"


def _weekend(m: re.Match, pub: dt.date) -> tuple:
    saturday = pub - ((pub.weekday() - 5) % 7) * DAY
    return saturday, min(saturday + DAY, pub), "span"


def _past_occurrence(day: int, month: int, pub: dt.date) -> dt.date | None:
    """The most recent day/month on or before pub (29 Feb goes back to a leap year)."""
    for year in range(pub.year, pub.year - 9, -1):
        try:
            d = dt.date(year, month, day)
        except ValueError:
            continue
        if d <= pub:
            return d
    return None


@functools.lru_cache(maxsize=4096)
def _parse_explicit(text: str, pub: dt.date) -> dt.date | None:
    """dateparser on one explicit date string: day first, past preferred, UTC, pub as base."""
    settings = {"DATE_ORDER": "DMY", "PREFER_DATES_FROM": "past", "TIMEZONE": "UTC",
                "RETURN_AS_TIMEZONE_AWARE": False,
                "RELATIVE_BASE": dt.datetime.combine(pub, dt.time(12))}
    found = dateparser.parse(text, languages=["en"], settings=settings)
    if found is None:
        log.debug("dateparser could not read %r (published %s)", text, pub)
        return None
    if re.search(r"\d{4}", text):
        return found.date()
    return _past_occurrence(found.day, found.month, pub)  # no year: the latest past one


def _explicit(m: re.Match, pub: dt.date) -> tuple | None:
    d = _parse_explicit(m["date"], pub)
    if d is None:
        return None
    return (pub, None, "future") if d > pub else _since(m, d, pub)


def _month_name(m: re.Match, pub: dt.date) -> tuple | None:
    month = _MONTHS[m["mon"].rstrip(".")]
    year = int(m["y"]) if m["y"] else pub.year - (month > pub.month)
    if m["y"] and year < pub.year:
        return None, None, "background"  # a written year before the article's: context
    first = dt.date(year, month, 1)
    if first > pub:
        return pub, None, "future"
    last = (first + 31 * DAY).replace(day=1) - DAY
    return first, min(last, pub), "month"


def _nth(m: re.Match, pub: dt.date) -> tuple | None:
    # "on the 10th": this month once that day is reached, else the month before (or two).
    month_end = pub
    for _ in range(3):
        try:
            d = month_end.replace(day=int(m["d"]))
            if d <= pub:
                return d, None, "day"
        except ValueError:
            pass
        month_end = month_end.replace(day=1) - DAY
    return None


def _between(m: re.Match, pub: dt.date) -> tuple | None:
    end_month = _MONTHS[m["m2"].rstrip(".")]
    start_month = _MONTHS[m["m1"].rstrip(".")] if m["m1"] else end_month
    end = (_parse_explicit(f"{m['d2']} {m['m2']} {m['y']}", pub) if m["y"]
           else _past_occurrence(int(m["d2"]), end_month, pub))
    if end is None or end > pub:
        return None
    d1 = int(m["d1"])
    year = end.year if (start_month, d1) <= (end_month, end.day) else end.year - 1
    try:
        return dt.date(year, start_month, d1), end, "span"
    except ValueError:
        return None


def _duration_days(m: re.Match) -> int:
    n, unit = (_count(m["n"]) if m["n"] else 1), m["unit"].lower()
    if unit.startswith("hour"):
        return math.ceil(n / 24) + 1  # a 24-hour stretch touches two calendar days
    return n * 7 if unit.startswith("week") else n


def _past_n(m: re.Match, pub: dt.date) -> tuple:
    return pub - (_duration_days(m) - 1) * DAY, pub, "span"


_FUTURE = lambda m, pub: (pub, None, "future")  # noqa: E731
_BACKGROUND = lambda m, pub: (None, None, "background")  # noqa: E731
# A stretch ending at the governing date of its sentence: resolved in _govern.
_DURATION = lambda m, pub: (None, None, "duration")  # noqa: E731

# The pattern table: (name, trigger classes, regex, resolver). Every match contains one of
# its triggers; among overlapping matches the longest wins ("Saturday, March 23" beats
# "Saturday"). A resolver returns (first, last, kind) or None to drop the match.
_PATTERNS: list[tuple[str, str, str, Callable]] = [
    ("weekday", "wd", r"\b(?:(?P<since>(?i:since))\s+|(?P<last>(?i:last|this past|past))\s+"
     r"|(?i:(?:early|late)\s+(?:on\s+)?|on\s+))?" + WD
     + r"(?:'s|’s)?(?:\s+(?i:night|morning|afternoon|evening))?(?:'s|’s)?", _weekday),
    ("next weekday", "wd", r"\b(?i:next|this coming)\s+" + WD, _FUTURE),
    ("today", "today", r"\b(?i:today|this\s+(?:morning|afternoon|evening)|tonight)\b",
     _days_back(0)),
    ("yesterday", "yesterday", r"\b(?i:yesterday(?:\s+(?:morning|afternoon|evening))?"
     r"|overnight|last\s+night|a\s+day\s+earlier|the\s+previous\s+day)\b", _days_back(1)),
    ("day before yesterday", "yesterday", r"\b(?i:the\s+day\s+before\s+yesterday)\b",
     _days_back(2)),
    ("days ago", "ago", r"\b" + N + r"\s+(?i:days?\s+ago)\b",
     lambda m, pub: (pub - _count(m["n"]) * DAY, None, "day")),
    ("week", "week", r"\b(?i:last\s+week|(?:earlier\s+)?this\s+week)\b", _week),
    ("month", "month", r"\b(?i:last\s+month|(?:earlier\s+)?this\s+month)\b", _month),
    ("weekend", "weekend", r"\b(?i:(?:over|at|during)\s+the\s+weekend|(?:this|last)\s+weekend)\b",
     _weekend),
    ("future", "future week month unit", r"\b(?i:tomorrow|next\s+(?:week|month|year)"
     r"|in\s+the\s+coming\s+(?:days|weeks)|later\s+this\s+(?:week|month))\b", _FUTURE),
    ("date d month", "mon", SINCE + r"(?P<date>(?:" + WD + r",?\s+)?\b\d{1,2}" + ORD
     + r"\s+(?:of\s+)?" + MON + r"(?:,?\s+\d{4})?)\b", _explicit),
    ("date month d", "mon", SINCE + r"(?P<date>(?:" + WD + r",?\s+)?\b" + MON + r"\s+\d{1,2}"
     + ORD + r"(?:,?\s+\d{4})?)\b", _explicit),
    ("date numeric", "year", r"\b(?P<since>)(?P<date>\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})\b",
     _explicit),
    ("month name", "mon", r"\b(?i:in|during|throughout)\s+(?:(?i:early|mid|late)[- ]?)?"
     r"(?P<mon>" + MON + r")(?:\s+(?P<y>\d{4}))?\b(?!\s*\d)", _month_name),
    ("the nth", "ord", r"\b(?i:on\s+the)\s+(?P<d>\d{1,2})(?:st|nd|rd|th)\b", _nth),
    ("between", "mon", r"\b(?i:between|from)\s+(?P<d1>\d{1,2})" + ORD + r"(?:\s+(?P<m1>" + MON
     + r"))?\s+(?i:and|to|until)\s+(?P<d2>\d{1,2})" + ORD + r"\s+(?P<m2>" + MON
     + r")(?:,?\s+(?P<y>\d{4}))?", _between),
    ("past n", "unit week", r"\b(?i:(?:(?:during|in|over|for)\s+)?the\s+(?:past|last))\s+"
     r"(?:" + N + r"\s+)?" + UNIT + r"\b", _past_n),
    ("for n", "unit week", r"\b(?i:for\s+(?:(?:more\s+than|over|nearly|about|almost|at\s+least)"
     r"\s+)?)" + N + r"\s+" + UNIT + r"\b", _DURATION),
    ("n-unit pause", "unit week", r"\b(?i:an?)\s+" + N + r"[- ]" + UNIT.replace("s?", "")
     + r"\s+(?i:pause|lull|truce|ceasefire|halt|siege|battle|offensive)\b", _DURATION),
    ("background", "background", r"\b(?i:once\s+(?:straddled|controlled|ruled|held|stretched"
     r"|covered|spanned)|(?:has|have|had)\s+(?:held|controlled|ruled|occupied)(?!\s+out)"
     r"[^.;]{0,40}?\bsince|at\s+its\s+(?:height|peak))\b", _BACKGROUND),
    ("since year", "year", r"\b(?i:since\s+(?:(?:early|mid|late)[- ])?)(?:19|20)\d\d\b",
     _BACKGROUND),
    ("in year", "year", r"\b(?i:(?:in|during|throughout|by)\s+(?:(?:early|mid|late)[- ])?)"
     r"(?P<y>(?:19|20)\d\d)\b",
     lambda m, pub: (None, None, "background") if int(m["y"]) < pub.year else None),
]
# Trigger class -> (chars a match may reach before the trigger, after it, the lower-case
# words that raise it). Months and weekdays must be capitalised in the text, so "may" and
# "march" as verbs do not wake the date patterns.
_TRIGGERS = {
    "wd": (18, 24, [w.lower() for w in _WEEKDAYS]), "mon": (45, 16, [m.lower() for m in _MONTHS]),
    "today": (8, 4, "today tonight morning afternoon evening".split()),
    "yesterday": (18, 12, "yesterday overnight night earlier previous".split()),
    "ago": (16, 2, ["ago"]), "week": (30, 16, ["week"]), "month": (16, 2, ["month"]),
    "weekend": (12, 2, ["weekend"]), "future": (8, 4, ["tomorrow", "year"]),
    "unit": (30, 12, "day days hour hours weeks".split()),
    "ord": (10, 2, [f"{d}{s}" for d in range(1, 32) for s in ("st", "nd", "rd", "th")]),
    "year": (25, 8, [str(y) for y in range(1900, 2100)]),
    "background": (60, 14, "once since height peak".split()),
}
_MARKS = {"para": ["\n\n", "\n \n"], "sent": [". ", "! ", "? ", '." ', '.” ', "\n"],
          "clause": [",", ";", ":", "(", ")", "—", "–", " - ", " and ", " but ", " while ",
                     " whereas "]}
_COMPILED = [(name, re.compile(rx), fn) for name, _, rx, fn in _PATTERNS]
_BY_CLASS = {cls: [c for c, (_, classes, _, _) in zip(_COMPILED, _PATTERNS)
                   if cls in classes.split()] for cls in _TRIGGERS}
_ABBREV = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec mr mrs ms dr st gen col "
                    "lt maj capt sgt brig no vs u.s".split())


def _automaton() -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for table, kind in ((_TRIGGERS, "word"), (_MARKS, "mark")):
        for cls, keys in table.items():
            for key in (keys if kind == "mark" else keys[2]):
                auto.add_word(key, (kind, cls, len(key)))
    auto.make_automaton()
    return auto


_AUTO = _automaton()


@dataclass(frozen=True)
class _Expr:
    start: int
    end: int
    text: str
    first: dt.date | None
    last: dt.date | None
    kind: str  # a precision, or "future" / "duration" until _govern settles it
    match: re.Match


@dataclass
class _Layout:
    exprs: list[_Expr]
    starts: list[int]  # of exprs
    paras: list[int]  # start offsets
    sents: list[int]
    clauses: list[int]


def _scan(text: str, pub: dt.date) -> _Layout:
    """One pass for triggers and punctuation, then the patterns near each trigger."""
    low = text.lower()
    if len(low) != len(text):  # a few scripts change length when lowered; keep offsets true
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    size, found, seen = len(text), [], set()
    paras, sents, clauses = [0], [0], [0]
    for last, (kind, cls, width) in _AUTO.iter(low):
        begin, stop = last + 1 - width, last + 1
        if kind == "mark":
            if cls == "para":
                paras.append(stop)
            elif cls == "clause":
                clauses.append(stop)
            elif cls == "sent" and _sentence_ends(text, begin, stop):
                sents.append(stop)
            continue
        if (begin and low[begin - 1].isalnum()) or (stop < size and low[stop].isalnum()):
            continue  # inside a longer word
        if cls in ("wd", "mon") and not text[begin].isupper():
            continue
        back, ahead, _ = _TRIGGERS[cls]
        lo = max(0, begin - back)
        hi = text.find(" ", min(size, stop + ahead))
        hi = size if hi < 0 else hi
        for name, rx, fn in _BY_CLASS[cls]:
            for m in rx.finditer(text, lo, hi):
                if (m.start(), m.end(), name) in seen:
                    continue
                seen.add((m.start(), m.end(), name))
                got = fn(m, pub)
                if got is not None:
                    found.append(_Expr(m.start(), m.end(), m.group(0), *got, m))
    found.sort(key=lambda e: (e.start - e.end, e.start))  # longest first
    kept: list[_Expr] = []
    for e in found:
        if all(e.end <= k.start or e.start >= k.end for k in kept):
            kept.append(e)
    kept.sort(key=lambda e: e.start)
    starts = [e.start for e in kept]
    # A comma inside "March 3, 2019" or a full stop in "Feb. 28" splits nothing.
    def free(pos: int) -> bool:
        i = bisect.bisect_left(starts, pos) - 1
        return i < 0 or kept[i].end < pos
    sents = sorted({p for p in sents if free(p)} | set(paras))
    clauses = sorted({p for p in clauses if free(p)} | set(sents))
    return _Layout(kept, starts, paras, sents, clauses)


def _sentence_ends(text: str, begin: int, stop: int) -> bool:
    if text[begin] == "\n":
        return True
    nxt = text[stop:stop + 2].lstrip("\"“‘(#")
    if not nxt or not (nxt[0].isupper() or nxt[0].isdigit()):
        return False
    word = text[max(0, begin - 6):begin].rsplit(None, 1)[-1:] or [""]
    return word[0].lower().rstrip(".") not in _ABBREV


def find_expressions(text: str, published: dt.date) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every temporal expression found: for tests and debugging."""
    return [(e.start, e.end, e.kind) for e in _scan(text, published).exprs]


def date_mentions(text: str, published: dt.date,
                  spans: Sequence[tuple[int, int]]) -> list[EventDate]:
    """One EventDate per (start, end) character span of a place mention in text."""
    if isinstance(published, dt.datetime):
        published = published.date()  # a datetime would not compare with the dates below
    elif not isinstance(published, dt.date):
        raise TypeError(f"published={published!r}: pass a datetime.date (the article's day)")
    for start, end in spans:
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"mention span ({start}, {end}) is outside the text of "
                             f"{len(text)} characters: pass offsets into this same text")
    layout = _scan(text, published)
    return [_govern(text, published, layout, start, end) for start, end in spans]


def _distance(e: _Expr, start: int, end: int) -> tuple[int, bool]:
    if e.end <= start:
        return start - e.end, False
    if e.start >= end:
        return e.start - end, True  # on a tie the expression before the mention wins
    return 0, False


def _span_of(bounds: list[int], pos: int, size: int) -> tuple[int, int]:
    i = bisect.bisect_right(bounds, pos)
    return bounds[i - 1], (bounds[i] if i < len(bounds) else size + 1)


def _govern(text: str, pub: dt.date, lay: _Layout, start: int, end: int) -> EventDate:
    s_lo, s_hi = _span_of(lay.sents, start, len(text))
    in_sentence = lay.exprs[bisect.bisect_left(lay.starts, s_lo):
                            bisect.bisect_left(lay.starts, s_hi)]
    chosen, where = None, "published"
    if in_sentence:
        clause = _span_of(lay.clauses, start, len(text))
        same = [e for e in in_sentence if _span_of(lay.clauses, e.start, len(text)) == clause]
        where = "clause" if same else "sentence"
        chosen = min(same or in_sentence, key=lambda e: _distance(e, start, end))
    else:
        p_lo, _ = _span_of(lay.paras, start, len(text))
        earlier = [e for e in lay.exprs[bisect.bisect_left(lay.starts, p_lo):
                                        bisect.bisect_left(lay.starts, s_lo)]
                   if e.kind not in ("background", "future")]
        if earlier:
            chosen, where = earlier[-1], "paragraph"
    if chosen is None:
        return EventDate(pub, None, "published", "no date expression governs this mention → "
                         f"publication date {describe_date(pub)}", "", CONFIDENCE["published"])
    first, last, kind = chosen.first, chosen.last, chosen.kind
    if kind == "duration":
        anchor = _anchor(in_sentence, chosen, pub)
        first, last, kind = anchor - (_duration_days(chosen.match) - 1) * DAY, anchor, "span"
    said = (f"'{chosen.text}'{' (earlier in the paragraph)' if where == 'paragraph' else ''}"
            f" in an article published {describe_date(pub)}")
    if kind == "future":
        return EventDate(pub, None, "published", f"{said} looks ahead → clamped to the "
                         f"publication date {describe_date(pub)}", chosen.text,
                         CONFIDENCE["published"])
    if kind == "background":
        rule = f"{said} → background, not a dated event"
    elif last is not None:
        rule = f"{said} → {describe_date(first)} – {describe_date(last)}"
    else:
        rule = f"{said} → {describe_date(first)}"
    return EventDate(first, last, kind, rule, chosen.text, CONFIDENCE[where])


def _anchor(candidates: Sequence[_Expr], e: _Expr, pub: dt.date) -> dt.date:
    """A duration ends at the closest dated expression of its sentence, else at pub."""
    dated = [c for c in candidates if c is not e and c.first is not None
             and c.kind not in ("future", "duration", "background")]
    if not dated:
        return pub
    best = min(dated, key=lambda c: _distance(c, e.start, e.end))
    return best.last or best.first
