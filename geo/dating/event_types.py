"""What happened at a place: an event type from the words of its sentence.

The lexicon below is the whole method, so a reader can check any colour on the
map against it. Rules:

- Matching is case-insensitive and on whole words; each entry is a regular
  expression fragment (``strikes?`` matches "strike" and "strikes").
- Types are tried in the order listed and the first one with a match wins, so
  the specific comes before the general: a "car bomb" is not a plain "attack",
  a sentence about an air strike that killed people is an air strike, and
  "statement" (said, announced...) only catches sentences that name no action.
- A sentence that matches nothing is "other".
- The unit is the sentence that holds the place name: two places in one
  sentence share its type.

`explain()` returns the word that decided, for popups and for checking.
`lexicon_markdown()` renders the table in docs/event-types.md.
"""
from __future__ import annotations

import re

# type -> words and phrases (regular-expression fragments, whole-word matched)
LEXICON: dict[str, tuple[str, ...]] = {
    "car bomb / suicide attack": ("car bombs?", "vbieds?", "suicide (?:bomb(?:er|ers|ing)?|attacks?|vests?|belts?)",
                                  "booby-trapped (?:car|vehicle)s?", "inghimasi\\w*", "bomb-laden"),
    "air strike": ("air ?strikes?", "airstrikes?", "air raids?", "bombing raids?", "warplanes?",
                   "jets?", "drones?", "coalition aircraft", "helicopters?", "bombard\\w*",
                   "struck from the air", "strikes? (?:by|from) the coalition", "coalition strikes?"),
    "shelling / mortar": ("shell(?:s|ed|ing)?", "mortars?", "artillery", "rockets?", "missiles?",
                          "howitzers?", "barrages?"),
    "mines / IED": ("mines?", "landmines?", "ieds?", "improvised explosive", "roadside bombs?",
                    "booby[- ]traps?", "explosive devices?"),
    "casualties / graves": ("mass graves?", "bodies", "death toll", "casualt(?:y|ies)", "killed",
                            "dead", "deaths?", "wounded", "injured"),
    "evacuation / civilians / aid": ("evacuat\\w*", "civilians?", "refugees?", "displaced", "fled",
                                     "fleeing", "trucks? carrying", "aid", "humanitarian", "camps? for",
                                     "women and children", "families", "convoys?", "screening",
                                     "lorr(?:y|ies)", "buses", "trucks", "arrivals?", "residents"),
    "surrender / detention": ("surrender\\w*", "detain\\w*", "captured fighters", "prisoners?",
                              "arrest\\w*", "handed themselves", "gave themselves up", "custody"),
    "ground assault / advance": ("advanc\\w*", "offensive", "assault\\w*", "attack\\w*", "storm\\w*",
                                 "recaptur\\w*", "captur\\w*", "retook", "retake\\w*", "seiz\\w*",
                                 "push(?:ed)? into", "clashes", "fighting", "fought", "battle",
                                 "counter-?(?:attack|offensive)\\w*", "snipers?", "tunnels?",
                                 "besieg\\w*", "siege", "encircl\\w*", "took control", "liberat\\w*",
                                 "front ?lines?", "took", "taken", "entered", "lost", "fell", "freed",
                                 "secured", "(?:under|took|in) control", "holds", "holding out",
                                 "beat back", "push(?:es|ing)?", "withdr[ae]w\\w*", "clear(?:ed|ing)"),
    "statement": ("said", "says", "announc\\w*", "declar\\w*", "statement", "told", "claimed",
                  "confirmed", "tweet\\w*", "spokes(?:man|men|woman|person)", "press conference"),
}
DEFAULT_TYPE = "other"
EVENT_TYPES = tuple(LEXICON) + (DEFAULT_TYPE,)

_PATTERNS = [(name, re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE))
             for name, words in LEXICON.items()]


def explain(sentence: str) -> tuple[str, str]:
    """(type, the words that decided it); ('other', '') when no lexicon entry occurs."""
    for name, pattern in _PATTERNS:
        match = pattern.search(sentence or "")
        if match:
            return name, match.group(0)
    return DEFAULT_TYPE, ""


# The same patterns for lower-cased ASCII text, without the leading \b (checked by hand):
# a pattern that starts with plain letters lets the regex engine skip every position whose
# character cannot begin a word of the list, which IGNORECASE and \b both prevent.
_FAST = [(name, re.compile(r"(?:" + "|".join(words) + r")\b")) for name, words in LEXICON.items()]


def _occurs(pattern: re.Pattern, low: str) -> bool:
    m = pattern.search(low)
    while m:
        i = m.start()
        if i == 0 or not (low[i - 1].isalnum() or low[i - 1] == "_"):
            return True
        m = pattern.search(low, i + 1)
    return False


def classify(sentence: str) -> str:
    """The first lexicon type whose words occur in the sentence, else 'other'."""
    if not sentence or not sentence.isascii():
        return explain(sentence)[0]
    low = sentence.lower()  # for ASCII text the same as IGNORECASE matching
    for name, pattern in _FAST:
        if _occurs(pattern, low):
            return name
    return DEFAULT_TYPE


def lexicon_markdown() -> str:
    """The lexicon as a Markdown table, in the order it is applied."""
    rows = ["| order | type | words (regular expressions, whole words, any case) |",
            "|---|---|---|"]
    for n, (name, words) in enumerate(LEXICON.items(), start=1):
        cell = ", ".join(f"`{w}`" for w in words).replace("|", "\\|")
        rows.append(f"| {n} | {name} | {cell} |")
    rows.append(f"| {len(LEXICON) + 1} | {DEFAULT_TYPE} | (no match) |")
    return "\n".join(rows)
