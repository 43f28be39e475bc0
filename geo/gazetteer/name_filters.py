"""Which source names are worth indexing: names in a script English news uses, and not
phrases of everyday words that would fire on any text."""

from __future__ import annotations

from functools import cache

from geo.gazetteer.names import EVERYDAY_ZIPF, zipf


def latin(name: str) -> bool:
    """Names in Latin script (with accents) or Arabic script; others cannot occur in English
    news."""
    return all(ord(c) < 0x250 or 0x600 <= ord(c) <= 0x6FF or c in "ʿʾ'’" for c in name)


@cache
def everyday(word: str) -> bool:
    return zipf(word) >= EVERYDAY_ZIPF


def useful_alias(name: str) -> bool:
    """GeoNames alternate names include airport codes ("SDF" is Louisville), other scripts,
    and phrases of everyday words ("The camp", "White House") that would fire on any text."""
    if len(name) < 3 or not latin(name) or name.isupper() or any(c.isdigit() for c in name):
        return False
    return not everyday_phrase(name)


def everyday_phrase(name: str) -> bool:
    words = name.lower().replace("-", " ").split()
    return len(words) >= 2 and all(everyday(w) for w in words)
