"""Temporal expressions -> event dates, anchored on the article's publication date.

A place mention takes the expression that governs it in its sentence's structure: an aside
(apposition or relative clause) dates its own places, the main clause the rest; background
("once straddled", "since 2014") reaches beyond its phrase only when nothing else is dated; then
the closest expression in the clause, else in the sentence (look-aheads last). A sentence with
none is background when it only locates places ("lies on the Euphrates", ", 100 km east of X"),
the publication day when it describes the present ("IS still holds"), else it takes the latest
earlier date of its paragraph, else the publication date. The expressions come from
geo.dating.layout (the table: geo.dating.patterns).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from geo.dating.expressions import Expr
from geo.dating.layout import Layout, is_dated, layout as layout_of
from geo.dating.resolvers import DAY

CONFIDENCE = {"clause": 1.0, "sentence": 0.8, "paragraph": 0.6, "published": 0.3}


@dataclass(frozen=True)
class EventDate:
    start: dt.date | None  # None only for background
    end: dt.date | None  # last day of a span, else None
    precision: str  # "day" | "span" | "week" | "month" | "published" | "background"
    rule: str
    expression: str  # the words used, "" for published
    confidence: float


_DAY_NAMES = "Mon Tue Wed Thu Fri Sat Sun".split()
_MONTH_NAMES = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@functools.lru_cache(maxsize=1024)
def describe_date(d: dt.date) -> str:
    """Fri 1 Mar 2019 (in English whatever the locale; strftime is also slow)."""
    return f"{_DAY_NAMES[d.weekday()]} {d.day} {_MONTH_NAMES[d.month - 1]} {d.year}"


# An aside opens with a determiner or relative word: ", the group's capital since 2017,".
_ASIDE = re.compile(
    r"\s*(?:the|a|an|its|their|his|her|which|who|whose|where|once|now|"
    r"long|itself|home\s+to|one\s+of)\b",
    re.I,
)
# A phrase that only says where a place is: ", in Hasakah province", ", about 100 km east of".
_LOCATOR = re.compile(
    r"\b(?:district|province|governorate|km|kilometres|kilometers|miles)\b"
    r"|\b(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+(?:of|bank)\b",
    re.I,
)
_LOCATOR_OPEN = re.compile(
    r"\s*(?:in|near|about|some|roughly|around|nearly|just|close\s+to|"
    r"\d)",
    re.I,
)
_SITUATES = re.compile(
    r"\b(?:lies|lie|sits|sit|stretches|stretch|borders|is\s+located|"
    r"are\s+located|is\s+situated|are\s+situated)\b"
)
_PRESENT = re.compile(r"\b(?:is|are|remains?|holds?|'s\s+still)\b")
_REPORTED = re.compile(r"\b(?:said|told|reported|added|announced|stated|confirmed)\b")


def date_mentions(
    text: str, published: dt.date, spans: Sequence[tuple[int, int]]
) -> list[EventDate]:
    """One EventDate per (start, end) character span of a place mention in text."""
    if isinstance(published, dt.datetime):
        published = published.date()  # a datetime would not compare with the dates below
    elif not isinstance(published, dt.date):
        raise TypeError(f"published={published!r}: pass a datetime.date (the article's day)")
    for start, end in spans:
        if not 0 <= start <= end <= len(text):
            raise ValueError(
                f"mention span ({start}, {end}) is outside the text of "
                f"{len(text)} characters: pass offsets into this same text"
            )
    layout = layout_of(text, published)
    return [_govern(published, layout, start, end) for start, end in spans]


def _distance(e: Expr, start: int, end: int) -> tuple[int, bool]:
    if e.end <= start:
        return start - e.end, False
    if e.start >= end:
        return e.start - end, True  # on a tie the expression before the mention wins
    return 0, False


def _span_of(bounds: list[int], pos: int, size: int) -> tuple[int, int]:
    i = bisect.bisect_right(bounds, pos)
    return bounds[i - 1], (bounds[i] if i < len(bounds) else size + 1)


def _asides(lay: Layout, s_lo: int, s_hi: int) -> list[tuple[int, int]]:
    """Appositions, relative clauses: a phrase after a comma that opens with a determiner or
    relative word, closed by another comma; not after a fronted date ("On Friday, the SDF")."""
    i = bisect.bisect_right(lay.phrases, s_lo)
    j = bisect.bisect_left(lay.phrases, s_hi, i)  # not a scan of every later phrase: quadratic
    bounds = [s_lo, *lay.phrases[i:j], s_hi]
    out = []
    for plo, lo, hi in zip(bounds, bounds[1:], bounds[2:], strict=False):
        closed = hi < s_hi and lay.text[hi - 1] in ",(—–)"
        opener = lay.text[lo:hi].lstrip()[:6].lower()
        if (
            lay.text[lo - 1] in ",(—–"
            and _ASIDE.match(lay.text, lo)
            and (closed or opener.startswith(("which", "where", "who")))
        ):
            fronted = [e for e in _exprs_in(lay, plo, lo) if e.start <= plo + 2 <= lo - 2 <= e.end]
            if not fronted:  # "On Friday, the SDF ..." is a main clause after a fronted date
                out.append((lo, hi))
    return out


def _exprs_in(lay: Layout, lo: int, hi: int) -> list[Expr]:
    return lay.exprs[bisect.bisect_left(lay.starts, lo) : bisect.bisect_left(lay.starts, hi)]


def _govern(pub: dt.date, lay: Layout, start: int, end: int) -> EventDate:
    size = len(lay.text)
    s_lo, s_hi = _span_of(lay.sents, start, size)
    asides = lay.asides.get(s_lo)
    if asides is None:
        asides = lay.asides[s_lo] = _asides(lay, s_lo, s_hi)
    home = next(((lo, hi) for lo, hi in asides if lo <= start < hi), None)
    pool = _candidates(lay, s_lo, s_hi, asides, home)
    p_lo, p_hi = _span_of(lay.phrases, start, size)
    located = _only_locates(pub, lay, home or (p_lo, p_hi), s_lo, home is not None)
    if located:
        return located
    if any(e.kind not in ("future", "background") for e in pool):
        # A dated main clause beats a look-ahead and another phrase's background.
        pool = [
            e
            for e in pool
            if e.kind != "future" and (e.kind != "background" or p_lo <= e.start < p_hi)
        ]
    if not pool:
        return _from_paragraph(pub, lay, start, (s_lo, s_hi), asides)
    clause = _span_of(lay.clauses, start, size)
    same = [e for e in pool if clause[0] <= e.start < clause[1]]
    chosen = min(same or pool, key=lambda e: _distance(e, start, end))
    return _resolve(pub, lay, chosen, "clause" if same else "sentence")


def _candidates(
    lay: Layout, s_lo: int, s_hi: int, asides: list[tuple[int, int]], home: tuple[int, int] | None
) -> list[Expr]:
    """The expressions that may date a mention of the sentence [s_lo, s_hi); home is the aside
    the mention is in, if any."""
    if home and _exprs_in(lay, *home):
        return _exprs_in(lay, *home)  # an aside dates its own places
    # The main clause's own dates, else (a description) the asides' ones.
    in_sentence = _exprs_in(lay, s_lo, s_hi)
    pool = [e for e in in_sentence if not any(lo <= e.start < hi for lo, hi in asides)]
    return pool or [e for e in in_sentence if e.kind == "background"]


def _only_locates(
    pub: dt.date, lay: Layout, phrase: tuple[int, int], s_lo: int, aside: bool
) -> EventDate | None:
    """Background for a mention whose phrase (or aside) only says where a place is, without a
    date of its own: ", in Hasakah province", ", about 100 km east of"."""
    bit = lay.text[phrase[0] : phrase[1]]
    if (
        (aside or phrase[0] > s_lo and _LOCATOR_OPEN.match(bit))
        and _LOCATOR.search(bit)
        and not _exprs_in(lay, *phrase)
    ):
        return _background(pub, f"'{bit.strip(' ,.')}' only says where a place is")
    return None


def _from_paragraph(
    pub: dt.date, lay: Layout, start: int, sentence: tuple[int, int], asides: list[tuple[int, int]]
) -> EventDate:
    """A sentence without a date expression: background or the present when its main clause
    says so, else the latest earlier date of the paragraph, else the publication date."""
    s_lo, s_hi = sentence
    main = "".join(
        lay.text[lo:hi]
        for lo, hi in zip(  # the sentence without its asides
            [s_lo] + [b for _, b in asides], [a for a, _ in asides] + [s_hi], strict=True
        )
    )
    quiet = _undated(main, pub)
    if quiet:
        return quiet
    chosen = _last_before(lay, _span_of(lay.paras, start, len(lay.text))[0], s_lo, lay.last_event)
    if chosen is None:
        return _published(pub, "no date expression governs this mention")
    return _resolve(pub, lay, chosen, "paragraph")


def _undated(sentence: str, pub: dt.date) -> EventDate | None:
    """A sentence without a governing date that the paragraph's date must not reach."""
    if _SITUATES.search(sentence):
        return _background(pub, "a sentence that says where places lie")
    if _PRESENT.search(sentence) and not _REPORTED.search(sentence):
        return _published(pub, "a present-tense description with no date of its own")
    return None


def _published(pub: dt.date, why: str, expression: str = "") -> EventDate:
    return EventDate(
        pub,
        None,
        "published",
        f"{why} → publication date {describe_date(pub)}",
        expression,
        CONFIDENCE["published"],
    )


def _background(pub: dt.date, why: str) -> EventDate:
    return EventDate(
        None,
        None,
        "background",
        f"{why} in an article published {describe_date(pub)} → background, not a dated event",
        "",
        CONFIDENCE["sentence"],
    )


def _resolve(pub: dt.date, lay: Layout, chosen: Expr, where: str) -> EventDate:
    first, last, kind, upto = chosen.first, chosen.last, chosen.kind, ""
    if kind in ("duration", "since"):
        anchor = _anchor(lay, chosen)
        end_day = pub
        if anchor is not None and anchor.first is not None:  # _anchor finds dated ones only
            end_day = anchor.last or anchor.first
        if kind == "duration":
            first = end_day - (chosen.days - 1) * DAY
        elif first is not None and end_day < first:  # a "since" always has its first day
            end_day = pub
        last, kind = end_day, "span"
        upto = f", up to '{anchor.text}'" if anchor else ""
    said = (
        f"'{chosen.text}'{' (earlier in the paragraph)' if where == 'paragraph' else ''}"
        f"{upto} in an article published {describe_date(pub)}"
    )
    if kind == "future":
        return _published(pub, f"{said} looks ahead, so it is clamped", chosen.text)
    if kind == "background":
        rule = f"{said} → background, not a dated event"
    elif last is not None:
        rule = f"{said} → {describe_date(first)} – {describe_date(last)}"
    else:
        rule = f"{said} → {describe_date(first)}"
    return EventDate(first, last, kind, rule, chosen.text, CONFIDENCE[where])


def _anchor(lay: Layout, e: Expr) -> Expr | None:
    """A stretch ends at the closest dated expression of its sentence, else at the paragraph's
    latest earlier one (the time of speaking), else at the publication date (None)."""
    s_lo, s_hi = _span_of(lay.sents, e.start, len(lay.text))
    here = [c for c in _exprs_in(lay, s_lo, s_hi) if c is not e and is_dated(c)]
    if here:
        return min(here, key=lambda c: _distance(c, e.start, e.end))
    return _last_before(lay, _span_of(lay.paras, e.start, len(lay.text))[0], s_lo, lay.last_dated)


def _last_before(lay: Layout, lo: int, hi: int, last: list[int]) -> Expr | None:
    """The last expression starting in [lo, hi) that `last` (a _last_index table) marks."""
    i = bisect.bisect_left(lay.starts, hi) - 1
    j = last[i] if i >= 0 else -1
    return lay.exprs[j] if j >= 0 and lay.exprs[j].start >= lo else None
