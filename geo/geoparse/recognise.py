"""Recognition: which words of a text are place names. Offline, no model.

A gazetteer-driven matcher: at each capitalised word the trie gives every known
name starting there, the longest that ends on a word boundary wins, and context
rules (geo/geoparse/place_rules.py, an ordered table) then reject what news text uses place
names for that are not places —
people ("John Bolton", "Mustafa Bali"), organisations ("New York Times"), actor
modifiers ("US-led"), sentence-initial common words ("Reading the..."), demonyms.
Names the gazetteer lacks but the text marks as places ("the village of X",
"X camp"; geo/geoparse/cues.py) are kept without candidates, for Nominatim or the editor.
"""

from __future__ import annotations

import re

from geo.gazetteer.index import Gazetteer
from geo.gazetteer.names import ARTICLE, area_name, article_at, fold_text, name_key
from geo.geoparse.cues import context_mentions
from geo.geoparse.place_rules import PERSON, Judging, Verdict, judge
from geo.geoparse.roles import largest_population
from geo.models import SETTLEMENT_KINDS, Candidate, Mention

MAX_NAME = 48  # characters; longer gazetteer names do not occur in running text

# Where a name can start: a capital, an Arabic article, Arabic script, or after a hashtag.
_START = re.compile(rf"(?<![\w@])(?:[A-Z\u00c0-\u00de\u0100-\u024f\u0600-\u06ff]|{ARTICLE}-)")
LOCATIVE = re.compile(
    r"\b(?:in|at|to|from|near|into|outside|across|around|towards?|via|"
    r"(?:island|town|city|village|province|state) of)\s+$",
    re.IGNORECASE,
)


class Recogniser:
    """Finds place-name mentions in text; holds only the read-only gazetteer."""

    def __init__(self, gazetteer: Gazetteer):
        self.gaz = gazetteer
        # Per key: its candidates without demonyms and facts about them, worked out once, so
        # every article naming a place passes ranking the same candidate tuple (ranking
        # caches what it learns per tuple).
        self._keys: dict[int, tuple] = {}
        self._regions: dict[tuple[int, str], tuple[Candidate, ...]] = {}

    def _key_facts(self, key_id: int) -> tuple:
        """(candidates without demonyms, only demonyms?, a country among them?, small place?)"""
        hit = self._keys.get(key_id)
        if hit is None:
            cands = self.gaz.candidates_for(key_id)
            hit = self._keys[key_id] = (
                tuple(c for c in cands if c.kind != "demonym"),
                all(c.kind == "demonym" for c in cands),
                any(c.kind == "country" for c in cands),
                self._small_place(key_id),
            )
        return hit

    def known(self, name: str) -> tuple[tuple[Candidate, ...], tuple[Candidate, ...]]:
        """(place candidates, demonym candidates) the gazetteer holds for a name; the place
        tuple is shared by every call for the name (ranking caches per tuple)."""
        key_id = self.gaz.key_id(name_key(name))
        if key_id is None:
            return (), ()
        places = self._key_facts(key_id)[0]
        return places, tuple(c for c in self.gaz.candidates_for(key_id) if c.kind == "demonym")

    def __call__(self, text: str) -> list[Mention]:
        folded = fold_text(text)
        mentions: list[Mention] = []
        persons: set[str] = set()
        pos = 0
        for m in _START.finditer(text):
            i = m.start()
            if i < pos:
                continue
            found = self._match_at(text, folded, i)
            if found is None:
                continue
            start, end, key_id = found
            verdict = self._judge(text, start, end, key_id)
            pos = end
            if verdict == PERSON:
                if self._key_facts(key_id)[3]:  # "Bolton" propagates; "Biman Bangladesh" does not
                    persons.add(name_key(text[start:end]))
            elif isinstance(verdict, Mention):
                mentions.append(verdict)
        # A surname seen once as a person ("John Bolton") is a person elsewhere too
        # ("Bolton added"), unless the text uses it as a destination ("flew to London").
        mentions = [
            mn
            for mn in mentions
            if mn.key not in persons or LOCATIVE.search(text[max(0, mn.start - 12) : mn.start])
        ]
        return context_mentions(text, mentions)

    def _small_place(self, key_id: int) -> bool:
        cands = self.gaz.candidates_for(key_id)
        towns = tuple(c for c in cands if c.kind in SETTLEMENT_KINDS)
        return largest_population(towns) < 500_000 and not any(c.kind == "country" for c in cands)

    # -- matching
    def _match_at(self, text: str, folded: str, i: int) -> tuple[int, int, int] | None:
        first = text[i]
        if not (first.isupper() or "\u0600" <= first <= "\u06ff" or article_at(text, i)):
            return None
        if text[i : i + 3] in ("Al ", "El ") and text[i + 3 : i + 4].isupper():
            found = self._match_at(text, folded, i + 3)
            if found is not None:  # "Al Baghouz": the article written with a space
                return i, found[1], found[2]
        for key in reversed(self.gaz.prefixes(folded[i : i + MAX_NAME])):
            end = i + len(key)
            if end < len(folded) and (folded[end].isalnum() or folded[end] == "_"):
                continue  # not a word boundary: "Iraqi" is not "Iraq"
            if key.startswith(
                ("al ", "el ", "as ", "ash ", "ad ", "ar ", "at ", "az ", "an ")
            ) and not any(ch.isupper() for ch in text[i + 2 : end]):
                continue  # "at least" is not the Arabic article
            key_id = self.gaz.key_id(key)
            assert key_id is not None  # prefixes() returns keys of the same trie
            return i, end, key_id
        return None

    # -- judging one match in its context (place_rules.py)
    def _judge(self, text: str, start: int, end: int, key_id: int) -> Mention | Verdict | None:
        places, _, _, _ = self._key_facts(key_id)
        key = name_key(text[start:end])
        j = Judging(
            text,
            start,
            end,
            key,
            self.gaz.candidates_for(key_id),
            places,
            key in self.gaz.common_words,
        )
        verdict = judge(j)
        if verdict == PERSON:
            return verdict
        if verdict is not None:
            return None
        cands = self._areas(key_id, j) if j.area else places
        return Mention(
            start=j.start,
            end=j.end,
            surface=j.surface,
            key=key,
            candidates=cands,
            cue="gazetteer",
            role=j.role,
        )

    def _areas(self, key_id: int, j: Judging) -> tuple[Candidate, ...]:
        """The name's candidates as areas ("Hasakah province", "eastern Syria"), one shared
        tuple per name and wording (ranking caches per tuple)."""
        regions = self._regions.get((key_id, j.surface))
        if regions is None:
            if len(self._regions) > 100_000:
                self._regions.clear()
            places = self._key_facts(key_id)[0]
            regions = self._regions[(key_id, j.surface)] = tuple(
                Candidate(
                    c.name
                    if c.kind == "region"
                    else area_name(
                        j.surface, j.written, c.name if c.source == "campaign" else j.written
                    ),
                    c.lat,
                    c.lon,
                    "region",
                    c.country,
                    c.population,
                    c.source,
                    c.ref,
                )
                for c in places
            )
        return regions
