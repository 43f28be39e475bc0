"""Name normalisation shared by the gazetteer index and the recogniser.

Both sides must fold text the same way, and the recogniser needs the folded text
to keep the original's character offsets, so folding is strictly one character
for one character: case, diacritics, dashes and apostrophes.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Arabic article prefixes as the press writes them ("al-Susah", "as-Sousah", "el-Bab"): the
# one list; the sun letters assimilate "al" into as-, ash-, ad-, ar-, at-, az-, an-.
ARTICLES = ("al", "el", "as", "ash", "ad", "ar", "at", "az", "an")
ARTICLE = "(?:" + "|".join(ARTICLES) + ")"  # for regular expressions that need one
ARTICLE_PREFIX = re.compile(rf"^{ARTICLE}[ -]", re.IGNORECASE)
_HYPHENATED = tuple(a + "-" for a in ARTICLES)


def article_at(text: str, i: int) -> bool:
    """Whether a hyphenated Arabic article ("al-", "ash-") starts at text[i]."""
    return text[i:i + 4].lower().startswith(_HYPHENATED)
# Word frequencies on wordfreq's Zipf scale (English; 3 = once per million words, 4 = ten
# times): how common a word must be before it stops being taken for a name.
EVERYDAY_ZIPF = 4.0  # a GeoNames alias this common is an everyday phrase ("The camp")
COMMON_NAME_ZIPF = 3.9  # a one-word place name this common needs more than a capital letter
CUE_NAME_ZIPF = 3.5  # after "the village of", a word this common is not part of a name


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    from wordfreq import zipf_frequency  # loads its tables on first use: only builds pay
    return zipf_frequency(word, "en")


_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212-"
_APOSTROPHES = "\u2018\u2019\u02bc\u02bb\u00b4`\u02bf\u02be"


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """One character in, one character out: lower case, no accents, plain punctuation."""
    if ch.isascii():
        return ch.lower()
    if ch in _DASHES:
        return " "
    if ch in _APOSTROPHES:
        return "'"
    base = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in base if not unicodedata.combining(c))
    low = base.lower()
    return low if len(low) == 1 else ch.lower() if len(ch.lower()) == 1 else ch


class _FoldTable(dict):
    """str.translate table that folds each new character once (fold_char) and remembers it."""

    def __missing__(self, code: int) -> str:
        out = self[code] = fold_char(chr(code))
        return out


_FOLD = _FoldTable()


def fold_text(text: str) -> str:
    """Fold every character; the result has exactly len(text) characters."""
    # Per-character joins cost ~1 ms an article; ASCII text only needs lower case.
    folded = text.lower() if text.isascii() else text.translate(_FOLD)
    return folded.replace("-", " ")


_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The lookup key of a gazetteer name: folded, single-spaced, trimmed."""
    return _SPACES.sub(" ", fold_text(name)).strip()


def strip_article(name: str) -> str | None:
    """'al-Raqqah' -> 'Raqqah'; None when the name has no Arabic article."""
    m = ARTICLE_PREFIX.match(name)
    return name[m.end():] if m else None


# Area words after a place name, as the area's canonical name writes them ("Governorate" and
# "province" name the same Syrian unit).
AREA_SUFFIXES = {"province": "province", "governorate": "province", "district": "district",
                 "region": "region", "county": "county", "countryside": "countryside"}


def area_name(surface: str, written: str, canonical: str) -> str:
    """One name per area, however the text spells it: the place name as written is replaced by
    the gazetteer's canonical one and the words around it are lower-cased ("Deir el-Zour
    Province" -> "Deir ez-Zor province", "Eastern Syria" -> "eastern Syria")."""
    before, found, after = surface.partition(written)
    if not found:
        return surface
    words = after.split()
    if words:
        last = words[-1].lower()
        possessive = last[-2:] if last[-2:] in ("'s", "’s") else ""
        words[-1] = AREA_SUFFIXES.get(last.removesuffix(possessive), last.removesuffix(possessive))
    head = " ".join(before.lower().split())
    return " ".join(part for part in (head, canonical.split(" (")[0], " ".join(words)) if part)


# Short forms the press uses for countries that the country tables do not list.
COUNTRY_ALIASES = {
    "US": "United States", "U.S.": "United States", "USA": "United States", "U.S.A.": "United States",
    "America": "United States", "UK": "United Kingdom", "U.K.": "United Kingdom",
    "Britain": "United Kingdom", "Great Britain": "United Kingdom", "UAE": "United Arab Emirates",
    "DR Congo": "DR Congo", "DRC": "DR Congo", "Ivory Coast": "Ivory Coast", "Burma": "Myanmar",
    "Czechia": "Czech Republic", "Holland": "Netherlands", "South Korea": "South Korea",
    "North Korea": "North Korea", "Russia": "Russia", "Vatican": "Vatican City",
}
# Countries whose countryinfo point (the CIA World Factbook's) lies over 200 km from GeoNames'
# point for the country: GeoNames' point, so results agree with GeoNames-based data.
# United States: geonameid 6252001 (countryinfo's 38 N 97 W is 235 km away).
COUNTRY_POINTS = {"US": (39.76, -98.5)}
# The United Kingdom's nations: countries in the press, absent from the country tables.
# Points are GeoNames' (geonameid 6269131, 2638360, 2634895, 2641364).
UK_NATIONS = {"England": (52.16045, -0.70312), "Scotland": (56.5, -4.0), "Wales": (52.5, -3.5),
              "Northern Ireland": (54.5, -6.5)}
# Peoples and faiths the press names like nations; recognised so they are never pinned.
EXTRA_DEMONYMS = ("Kurdish Kurd Kurds Arab Arabs Arabic Yazidi Yazidis Sunni Shia Shiite Alawite Turkmen "
                  "Assyrian Druze Pashtun Baloch Tamil Rohingya Uyghur Uighur Bedouin Berber Emirati "
                  "Saudi Saudis Israeli Israelis Palestinian Palestinians European Europeans African "
                  "Asian Latin Western Soviet Ottoman Persian British English Scottish Welsh Irish Dutch "
                  "Thai Filipino Swiss American Americans Chinese Japanese Texan Californian").split()
