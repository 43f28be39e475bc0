"""Names the text marks as places that the gazetteer may lack: "the village of X", "X camp".
They are kept without candidates (for Nominatim or the editor), unless the name is made of
common words ("the Islamic State camp") or lies inside a gazetteer match."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from geo.gazetteer.names import ARTICLE, CUE_NAME_ZIPF, name_key, zipf
from geo.models import Mention

_CONTEXT_CUES = (
    re.compile(
        r"\b(?:the\s+)?(?P<cue>village|town|city|hamlet|camp|district|province|governorate|"
        rf"area|neighbourhood|neighborhood)\s+of\s+(?P<name>(?:{ARTICLE}-)?"
        rf"[A-Z][\w'’]+(?:[ -](?:{ARTICLE}-)?[A-Z][\w'’]+){{0,2}})"
    ),
    re.compile(
        rf"(?P<name>(?:{ARTICLE}-)?[A-Z][\w'’]+(?:[ -][A-Z][\w'’]+){{0,1}})"
        r"\s+(?P<cue>camp|village|refugee camp|oil field|hill|crossing|border crossing)\b"
    ),
)


# Scanning a whole article with the cue patterns tried a match at every character (~1 ms an
# article). Every match holds a literal word ("of" after the cue, or the cue itself), so the
# patterns are tried only at the few positions a match through such a word could start at.
_OF_CUE_WORDS = ("of",)
_AFTER_CUE_WORDS = (
    "camp",
    "village",
    "refugee camp",
    "oil field",
    "hill",
    "crossing",
    "border crossing",
)
_AFTER_CUE = re.compile(r"(?:camp|village|refugee camp|oil field|hill|crossing|border crossing)\b")


def _literal_hits(text: str, words: Iterable[str]) -> list[int]:
    """Sorted positions of the words, each preceded by white space."""
    out = set()
    for w in words:
        at = text.find(w, 1)
        while at != -1:
            if text[at - 1].isspace():
                out.add(at)
            at = text.find(w, at + 1)
    return sorted(out)


def _ws_back(text: str, i: int) -> int:
    """Start of the run of white space that ends at i."""
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return i


def _of_windows(text: str) -> Iterator[tuple[int, int]]:
    """(first, last) start positions for cue pattern 0: '[the] <cue> of <Name>'."""
    for at in _literal_hits(text, _OF_CUE_WORDS):
        if at + 2 < len(text) and text[at + 2].isspace():
            cue = _ws_back(text, at)
            word = cue
            while word > 0 and text[word - 1].isalpha():
                word -= 1
            yield max(0, _ws_back(text, word) - 3), cue


def _after_windows(text: str) -> Iterator[tuple[int, int]]:
    """(first, last) start positions for cue pattern 1: '<Name> <cue>': the name holds at most
    one white-space character, so it starts after the second one before the cue."""
    for at in _literal_hits(text, _AFTER_CUE_WORDS):
        if not _AFTER_CUE.match(text, at):
            continue
        end = _ws_back(text, at)
        i, spaces = end, 0
        while i > 0:
            if text[i - 1].isspace():
                spaces += 1
                if spaces == 2:
                    break
            i -= 1
        yield i, end


def _cue_matches(
    pattern: re.Pattern, text: str, windows: Iterable[tuple[int, int]]
) -> list[re.Match]:
    """What pattern.finditer(text) finds, trying pattern.match only inside the windows (which
    cover every position a match can start at, in increasing order)."""
    out, pos, tried = [], 0, -1
    for first, last in windows:
        for s in range(max(first, pos, tried + 1), last):
            tried = s
            m = pattern.match(text, s)
            if m:
                out.append(m)
                pos = m.end()
                break
    return out


def context_mentions(text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions, with the names the text marks as places added in text order."""
    # Characters inside a mention: checking a name's own characters keeps this linear
    # (comparing with every mention was quadratic on a long text).
    taken = bytearray(len(text))
    for mn in mentions:
        taken[mn.start : mn.end] = b"\x01" * (mn.end - mn.start)
    extra = []
    for pattern, windows in zip(_CONTEXT_CUES, (_of_windows, _after_windows), strict=True):
        for m in _cue_matches(pattern, text, windows(text)):
            s, e = m.span("name")
            words = re.split(r"[ -]", m.group("name"))
            if taken.find(1, s, e) >= 0:
                continue
            if any(
                zipf(w.lower()) >= CUE_NAME_ZIPF for w in words if w.lower() not in {"al", "el"}
            ):
                continue  # "the Islamic State camp", "The town of Many"
            cue = m.group("cue").lower()
            extra.append(
                Mention(
                    start=s,
                    end=e,
                    surface=text[s:e],
                    key=name_key(text[s:e]),
                    candidates=(),
                    cue=f"context:{cue}",
                )
            )
            taken[s:e] = b"\x01" * (e - s)
    return sorted(mentions + extra, key=lambda mn: mn.start)
