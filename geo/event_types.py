"""What happened at a place: an event type from the words of its sentence.

A documented keyword lexicon, checked in order: the first type whose words occur
in the sentence wins, so the more specific types come first (a "car bomb" is not
a plain "attack"). Matching is on whole words, case-insensitive.
"""
from __future__ import annotations

import re

# type -> words and phrases (regular-expression fragments, whole-word matched)
LEXICON: dict[str, tuple[str, ...]] = {
    "car bomb / suicide attack": ("car bombs?", "vbieds?", "suicide (?:bomb(?:er|ers|ing)?|attacks?|vests?)",
                                  "booby-trapped (?:car|vehicle)s?", "inghimasi\\w*"),
    "air strike": ("air ?strikes?", "airstrikes?", "air raids?", "bombing raids?", "warplanes?",
                   "jets?", "drones?", "coalition aircraft", "bombard\\w*", "struck from the air"),
    "shelling / mortar": ("shell(?:s|ed|ing)?", "mortars?", "artillery", "rockets?", "missiles?",
                          "howitzers?", "barrages?"),
    "mines / IED": ("mines?", "landmines?", "ieds?", "improvised explosive", "roadside bombs?",
                    "booby[- ]traps?", "explosive devices?"),
    "evacuation / civilians / aid": ("evacuat\\w*", "civilians?", "refugees?", "displaced", "fled",
                                     "fleeing", "trucks? carrying", "aid", "humanitarian", "camps? for",
                                     "women and children", "families", "convoys?", "screening"),
    "surrender / detention": ("surrender\\w*", "detain\\w*", "captured fighters", "prisoners?",
                              "arrest\\w*", "handed themselves", "gave themselves up", "custody"),
    "ground assault / advance": ("advanc\\w*", "offensive", "assault\\w*", "attack\\w*", "storm\\w*",
                                 "recaptur\\w*", "captur\\w*", "retook", "retake\\w*", "seiz\\w*",
                                 "push(?:ed)? into", "clashes", "fighting", "battle", "counter-?attack\\w*",
                                 "besieg\\w*", "siege", "encircl\\w*", "took control", "liberat\\w*"),
    "statement": ("said", "announc\\w*", "declar\\w*", "statement", "told", "claimed", "confirmed",
                  "tweet\\w*", "spokesm[ae]n", "press conference"),
}
DEFAULT_TYPE = "other"
EVENT_TYPES = tuple(LEXICON) + (DEFAULT_TYPE,)

_PATTERNS = [(name, re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE))
             for name, words in LEXICON.items()]


def classify(sentence: str) -> str:
    """The first lexicon type whose words occur in the sentence, else 'other'."""
    for name, pattern in _PATTERNS:
        if pattern.search(sentence):
            return name
    return DEFAULT_TYPE
