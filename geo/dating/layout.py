"""A text's layout for dating: its temporal expressions and its paragraph, sentence, phrase and
clause boundaries, found in one Aho-Corasick pass over the text."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import ahocorasick

from geo.dating import patterns as date_patterns
from geo.dating.expressions import Expr, expressions_near

# Longer "sentences" are cut at a comma or space (see _capped): real ones are far shorter.
MAX_SENTENCE_CHARS = 3_000

# Paragraph, sentence, phrase (comma-like) and clause marks, found in one Aho-Corasick pass.
_MARKS = {
    "para": ["\n\n", "\n \n"],
    "sent": [". ", "! ", "? ", '." ', ".” ", "\n"],
    "phrase": [",", ";", ":", "(", ")", "—", "–", " - "],
    "clause": [" and ", " but ", " while ", " whereas "],
}
_ABBREV = frozenset(
    "jan feb mar apr jun jul aug sep sept oct nov dec mr mrs ms dr st gen col "
    "lt maj capt sgt brig no vs u.s".split()
)


def _automaton() -> ahocorasick.Automaton:
    """Trigger words of the date patterns and the punctuation marks, for one pass."""
    classes: dict[str, tuple[str, ...]] = {}
    for cls, (_, _, keys) in date_patterns.TRIGGERS.items():
        for key in keys:  # "month" wakes two classes
            classes[key] = classes.get(key, ()) + (cls,)
    entries: dict[str, tuple[str, str | tuple[str, ...], int]] = {
        key: ("mark", kind, len(key)) for kind, keys in _MARKS.items() for key in keys
    }
    entries.update((key, ("word", got, len(key))) for key, got in classes.items())
    auto = ahocorasick.Automaton()
    for key, value in entries.items():
        auto.add_word(key, value)
    auto.make_automaton()
    return auto


_AUTO = _automaton()


def _sentence_ends(text: str, begin: int, stop: int) -> bool:
    """'. ' ends a sentence before a capital or digit, not after "Feb." or "Gen."."""
    if text[begin] == "\n":
        return True
    nxt = text[stop : stop + 2].lstrip('"“‘(#')
    if not nxt or not (nxt[0].isupper() or nxt[0].isdigit()):
        return False
    word = text[max(0, begin - 6) : begin].rsplit(None, 1)[-1:] or [""]
    return word[0].lower().rstrip(".") not in _ABBREV


@dataclass
class Layout:
    text: str
    exprs: list[Expr]
    starts: list[int]  # of exprs
    paras: list[int]  # start offsets
    sents: list[int]
    phrases: list[int]
    clauses: list[int]
    asides: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # by sentence
    # For each expression, the index of the last one up to it that is an event (not background
    # or look-ahead) / a dated anchor for a stretch; -1 for none. Found once, so looking back
    # through a long paragraph costs nothing per mention.
    last_event: list[int] = field(default_factory=list)
    last_dated: list[int] = field(default_factory=list)


def scan(text: str, pub: dt.date) -> tuple[list[Expr], list[tuple[str, int, int]]]:
    """Expressions (sorted, none overlapping: the longest wins) and raw marks, in one pass."""
    low = text.lower()
    if len(low) != len(text):  # a few scripts change length when lowered; keep offsets true
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    size, found, marks = len(text), [], []
    seen: set[tuple[int, int, str]] = set()  # (start, end, pattern) already tried
    for last, (kind, what, width) in _AUTO.iter(low):
        begin, stop = last + 1 - width, last + 1
        if kind == "mark":
            marks.append((what, begin, stop))
        elif not ((begin and low[begin - 1].isalnum()) or (stop < size and low[stop].isalnum())):
            for cls in what:  # months and weekdays only capitalised: not "may", "march"
                if cls not in ("wd", "mon") or text[begin].isupper():
                    found += expressions_near(text, begin, stop, cls, pub, low, seen)
    found.sort(key=lambda e: (e.start - e.end, e.start))
    # Characters already taken by a longer expression. Looking at the few characters of each
    # expression keeps this linear; comparing with every kept expression was quadratic (33 s
    # of a 2 MB text).
    taken, kept = bytearray(size), []
    for e in found:
        if taken.find(1, e.start, e.end) < 0:
            taken[e.start : e.end] = b"\x01" * (e.end - e.start)
            kept.append(e)
    return sorted(kept, key=lambda e: e.start), marks


def layout(text: str, pub: dt.date) -> Layout:
    exprs, marks = scan(text, pub)
    starts = [e.start for e in exprs]

    def free(pos: int) -> bool:  # the comma in "March 3, 2019", the stop in "Feb. 28" split nothing
        i = bisect.bisect_left(starts, pos) - 1
        return i < 0 or exprs[i].end < pos

    found: dict[str, list[int]] = {kind: [0] for kind in _MARKS}
    for kind, begin, stop in marks:
        if free(stop) and (kind != "sent" or _sentence_ends(text, begin, stop)):
            found[kind].append(stop)
    sents = _capped(sorted(set(found["sent"]) | set(found["para"])), sorted(found["phrase"]), text)
    phrases = sorted(set(found["phrase"]) | set(sents))
    clauses = sorted(set(found["clause"]) | set(phrases))
    return Layout(
        text,
        exprs,
        starts,
        found["para"],
        sents,
        phrases,
        clauses,
        last_event=_last_index(exprs, _is_event),
        last_dated=_last_index(exprs, is_dated),
    )


def _is_event(e: Expr) -> bool:
    return e.kind not in ("background", "future")


def is_dated(e: Expr) -> bool:
    return e.first is not None and e.kind in ("day", "span", "week", "month")


def _last_index(exprs: list[Expr], wanted: Callable[[Expr], bool]) -> list[int]:
    out, last = [], -1
    for i, e in enumerate(exprs):
        last = i if wanted(e) else last
        out.append(last)
    return out


def _capped(sents: list[int], phrases: list[int], text: str) -> list[int]:
    """Sentence starts, with extra cuts so that no sentence runs over MAX_SENTENCE_CHARS.

    Each mention weighs every date of its sentence: in a run-on "sentence" (a list without
    full stops, a pasted table) that made the work quadratic in the text's size. Cuts fall
    on the last phrase mark (a comma...) in the second half of the window, else a space."""
    out, half = [], MAX_SENTENCE_CHARS // 2
    for lo, hi in zip(sents, sents[1:] + [len(text)], strict=True):
        out.append(lo)
        while hi - lo > MAX_SENTENCE_CHARS:
            i = bisect.bisect_right(phrases, lo + MAX_SENTENCE_CHARS) - 1
            if i >= 0 and phrases[i] > lo + half:
                lo = phrases[i]
            else:
                lo = (
                    text.rfind(" ", lo + half, lo + MAX_SENTENCE_CHARS) + 1
                    or lo + MAX_SENTENCE_CHARS
                )
            out.append(lo)
    return out


def find_expressions(text: str, published: dt.date) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every temporal expression found: for tests and debugging."""
    return [(e.start, e.end, e.kind) for e in scan(text, published)[0]]
