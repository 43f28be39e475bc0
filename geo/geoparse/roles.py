"""Literal or associative: what the words around a place name say it is used for.

A name is associative (Gritta et al. 2019, "A pragmatic guide to geoparsing evaluation")
when it names who acted rather than where: a modifier ("US-led", "US troops", "Chicago
police"), metonymy by a country or capital ("Washington said"), a disease named after a
place ("West Nile virus"). Both recognisers (geo/geoparse/recognise.py,
geo/geoparse/toponyms.py) ask here.
"""

from __future__ import annotations

import re

from geo.models import Candidate

ACTOR_SUFFIX = re.compile(
    r"-(?:led|backed|allied|supported|funded|sponsored|aligned|brokered|"
    r"made|born|bound|registered|flagged)\b",
    re.IGNORECASE,
)
# Words as bare_word() leaves them ("troops" -> "troop", "virus" -> "viru", "denies" -> "denie").
ACTOR_NOUNS = frozenset(
    """troop force official soldier military army navy defence defense government
    administration authoritie diplomat envoy embassy officer president leader""".split()
)
# After a town's name too: "Chicago police", "Texas officials" name who acted, not where.
LOCAL_ACTOR_NOUNS = frozenset("police official authoritie officer mayor council".split())
# Metonymy: a capital or a country that speaks is its government ("Washington said").
SPEECH_VERBS = frozenset(
    """said say announced announce warned warn denied deny accused accuse
    urged urge condemned condemn insisted insist denie called told explained added""".split()
)
# A disease named after a place ("West Nile virus", "Marburg fever") is not that place.
DISEASE_WORDS = frozenset(
    "viru fever flu influenza ebolaviru strain disease hemorrhagic haemorrhagic".split()
)
CAPITAL_SIZE = 500_000  # a city this big that "said" something stands for its government
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:in|at|from|of|near|for|to|across|outside|inside)\s+"
    r"(?:(?:north|south|east|west)\w*\s+)?$",
    re.IGNORECASE,
)


def bare_word(word: str) -> str:
    """Lower case, without a possessive or one plural "s": "troops" -> "troop",
    "virus" -> "viru"."""
    low = word.lower().removesuffix("'s").removesuffix("’s").rstrip("'’")
    return low[:-1] if low.endswith("s") else low


def largest_population(cands: tuple[Candidate, ...]) -> int:
    return max((c.population for c in cands), default=0)


def associative_after(word: str, cands: tuple[Candidate, ...], before: str = "") -> bool:
    """Does the (bare_word) word after a name, with the text before it, make it an actor,
    not a place? "US troops", "Chicago police", "Washington said", "West Nile virus"."""
    country = any(c.kind == "country" for c in cands)
    if word in ACTOR_NOUNS and country or word in LOCAL_ACTOR_NOUNS or word in DISEASE_WORDS:
        return True
    # "Officials in Bangkok said": the officials speak, Bangkok is where they are.
    return (
        word in SPEECH_VERBS
        and (country or largest_population(cands) >= CAPITAL_SIZE)
        and not _PREPOSITION_BEFORE.search(before)
    )


def person_speaks(word: str, cands: tuple[Candidate, ...], before: str = "") -> bool:
    """ "Hartl said": a small town's name that speaks is a person's (campaign places excepted)."""
    return (
        word in SPEECH_VERBS
        and largest_population(cands) < CAPITAL_SIZE
        and not _PREPOSITION_BEFORE.search(before)
        and not any(c.source == "campaign" for c in cands)
    )
