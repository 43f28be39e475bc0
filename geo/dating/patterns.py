"""The temporal-expression table: each pattern's regex, trigger words and resolver.

geo.dating.layout finds the trigger words (TRIGGERS) in one pass; geo.dating.expressions then
runs a pattern only in a small window around a trigger it needs. How a match becomes dates is
geo.dating.resolvers; geo.dating.event_dates settles which expression dates a mention.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from geo.dating import resolvers
from geo.dating.resolvers import MONTHS, NUMBERS, WEEKDAYS, Span

WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
WD1, WD2 = WD.replace("<wd>", "<wd1>"), WD.replace("<wd>", "<wd2>")
PART = r"(?:\s+(?i:night|morning|afternoon|evening))?"
POSS = r"(?:'s|’s)?"
MON = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
N = r"(?P<n>\d{1,3}|(?i:an?|" + "|".join(list(NUMBERS)[1:15]) + r"))"
UNIT = r"(?P<unit>(?i:hours?|days?|weeks?|months?))"
ORD = r"(?:st|nd|rd|th)?"
SINCE = r"(?:(?P<since>(?i:since))\s+)?"


# The pattern table: (name, trigger classes, needs, regex, resolver). Every match contains one
# of its triggers and one of its `|`-separated needed words (a substring test far cheaper than
# the regex); among overlapping matches the longest wins ("Saturday, March 23" beats
# "Saturday"). A resolver returns (first, last, kind) or None to drop the match.
PATTERNS: list[tuple[str, str, str, str, Callable[[re.Match, dt.date], Span | None]]] = [
    (
        "weekday",
        "wd",
        "",
        r"\b(?:(?P<since>(?i:since))\s+|(?P<last>(?i:last|this past|past))"
        r"\s+|(?i:(?:early|late)\s+(?:on\s+)?|(?:at\s+(?:dawn|dusk|noon|midday)\s+)?on\s+))?"
        + WD
        + POSS
        + PART
        + POSS,
        resolvers.weekday,
    ),
    (
        "weekday range",
        "wd",
        "from",
        r"\b(?i:from\s+)" + WD1 + PART + r"\s+(?i:until|till|to"
        r"|through)\s+(?:(?i:dawn|dusk|noon|midday|early|late)\s+)?(?i:on\s+)?" + WD2 + PART,
        resolvers.weekday_pair,
    ),
    (
        "weekday pair",
        "wd",
        " and | or ",
        r"\b(?i:on\s+)?" + WD1 + r"\s+(?i:and|or)\s+"
        r"(?i:on\s+)?" + WD2 + PART,
        resolvers.weekday_pair,
    ),
    ("next weekday", "wd", "next|coming", r"\b(?i:next|this coming)\s+" + WD, resolvers.FUTURE),
    (
        "today",
        "today",
        "",
        r"\b(?i:today|this\s+(?:morning|afternoon|evening)|tonight)\b",
        resolvers.DAYS_BACK[0],
    ),
    (
        "yesterday",
        "yesterday",
        "",
        r"\b(?i:yesterday(?:\s+(?:morning|afternoon|evening))?"
        r"|overnight|last\s+night|a\s+day\s+earlier|the\s+previous\s+day)\b",
        resolvers.DAYS_BACK[1],
    ),
    (
        "day before yesterday",
        "yesterday",
        "before",
        r"\b(?i:the\s+day\s+before\s+yesterday)\b",
        resolvers.DAYS_BACK[2],
    ),
    (
        "days ago",
        "ago",
        "",
        r"\b" + N + r"\s+(?i:days?\s+ago)\b",
        resolvers.days_ago,
    ),
    ("week", "week", "", r"\b(?i:last\s+week|(?:earlier\s+)?this\s+week)\b", resolvers.week_span),
    (
        "month",
        "month",
        "",
        r"\b(?i:last\s+month|(?:earlier\s+)?this\s+month)\b",
        resolvers.month_span,
    ),
    (
        "weekend",
        "weekend",
        "",
        r"\b(?i:(?:over|at|during)\s+the\s+weekend"
        r"|(?:this|last)\s+weekend)\b",
        resolvers.weekend,
    ),
    (
        "future",
        "future week month unit today",
        "tomorrow|next|coming|later|by ",
        r"\b(?i:tomorrow|next\s+(?:week|month|year)|in\s+the\s+coming\s+(?:days|weeks)"
        r"|later\s+this\s+(?:week|month)|by\s+(?:tonight|tomorrow"
        r"|the\s+end\s+of\s+(?:the\s+)?(?:day|week|month|year)))\b",
        resolvers.FUTURE,
    ),
    (
        "date d month",
        "mon",
        "",
        SINCE
        + r"(?P<date>(?:"
        + WD
        + r",?\s+)?\b\d{1,2}"
        + ORD
        + r"\s+(?:of\s+)?"
        + MON
        + r"(?:,?\s+\d{4})?)\b",
        resolvers.explicit_date,
    ),
    (
        "date month d",
        "mon",
        "",
        SINCE
        + r"(?P<date>(?:"
        + WD
        + r",?\s+)?\b"
        + MON
        + r"\s+\d{1,2}"
        + ORD
        + r"(?:,?\s+\d{4})?)\b",
        resolvers.explicit_date,
    ),
    (
        "date numeric",
        "year",
        "",
        r"\b(?P<since>)(?P<date>\d{1,2}/\d{1,2}/\d{4}"
        r"|\d{4}-\d{2}-\d{2})\b",
        resolvers.explicit_date,
    ),
    (
        "month name",
        "mon",
        "",
        r"\b(?:(?P<since>(?i:since))|(?i:in|during|throughout))\s+"
        r"(?:(?i:early|mid|late)[- ]?)?(?P<mon>" + MON + r")(?:\s+(?P<y>\d{4}))?\b(?!\s*\d)",
        resolvers.month_name,
    ),
    (
        "the nth",
        "ord",
        "on the",
        r"\b(?i:on\s+the)\s+(?P<d>\d{1,2})(?:st|nd|rd|th)\b",
        resolvers.nth_day,
    ),
    (
        "between",
        "mon",
        "between|from",
        r"\b(?i:between|from)\s+(?P<d1>\d{1,2})"
        + ORD
        + r"(?:\s+(?P<m1>"
        + MON
        + r"))?\s+(?i:and|to|until)\s+(?P<d2>\d{1,2})"
        + ORD
        + r"\s+(?P<m2>"
        + MON
        + r")(?:,?\s+(?P<y>\d{4}))?",
        resolvers.between,
    ),
    (
        "past n",
        "unit week month",
        "past|last",
        r"\b(?i:(?:(?:during|in|over|for)\s+)?the"
        r"\s+(?:past|last))\s+(?:" + N + r"\s+)?" + UNIT + r"\b",
        resolvers.past_n,
    ),
    (
        "for n",
        "unit week month",
        "for ",
        r"\b(?i:for\s+(?:(?:more\s+than|over|nearly|about"
        r"|almost|at\s+least)\s+)?)" + N + r"\s+" + UNIT + r"\b",
        resolvers.DURATION,
    ),
    (
        "n-unit pause",
        "unit week",
        "pause|lull|truce|ceasefire|halt|siege|battle|offensive",
        r"\b(?i:an?)\s+" + N + r"[- ]" + UNIT.replace("s?", "") + r"\s+(?i:pause|lull|truce"
        r"|ceasefire|halt|siege|battle|offensive)\b",
        resolvers.DURATION,
    ),
    (
        "background",
        "background",
        "",
        r"\b(?i:once\s+(?:straddled|controlled|ruled|held"
        r"|stretched|covered|spanned)|(?:has|have|had)\s+(?:held|controlled|ruled|occupied)"
        r"(?!\s+out)[^.;]{0,40}?\bsince|at\s+its\s+(?:height|peak))\b",
        resolvers.BACKGROUND,
    ),
    # "since the battle for Raqqa": an earlier event named as a yardstick, place included.
    (
        "since event",
        "background",
        "since",
        r"\b(?i:since\s+the\s+(?:battle|fall|capture|siege"
        r"|liberation|loss|defeat|collapse|start|beginning|end)\s+(?:for|of|in|at)\s+(?:the\s+)?)"
        r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3}",
        resolvers.BACKGROUND,
    ),
    (
        "since year",
        "year",
        "",
        r"\b(?i:since\s+(?:(?:early|mid|late)[- ])?)(?:19|20)\d\d\b",
        resolvers.BACKGROUND,
    ),
    (
        "in year",
        "year",
        "",
        r"\b(?i:(?:in|during|throughout|by)\s+(?:(?:early|mid|late)[- ])?)"
        r"(?P<y>(?:19|20)\d\d)\b",
        resolvers.earlier_year,
    ),
]
# Trigger class -> (chars a match may reach before the trigger, after it, the lower-case
# words that raise it). Months and weekdays must be capitalised in the text, so "may" and
# "march" as verbs do not wake the date patterns.
TRIGGERS = {
    "wd": (14, 40, [w.lower() for w in WEEKDAYS]),
    "mon": (45, 16, [m.lower() for m in MONTHS]),
    "today": (12, 4, "today tonight morning afternoon evening".split()),
    "yesterday": (18, 12, "yesterday overnight night earlier previous".split()),
    "ago": (16, 2, ["ago"]),
    "week": (30, 16, ["week"]),
    "month": (30, 2, ["month"]),
    "weekend": (12, 2, ["weekend"]),
    "future": (8, 4, ["tomorrow", "year"]),
    "unit": (30, 12, "day days hour hours weeks months".split()),
    "ord": (10, 2, [f"{d}{s}" for d in range(1, 32) for s in ("st", "nd", "rd", "th")]),
    "year": (25, 8, [str(y) for y in range(1900, 2100)]),
    "background": (60, 50, "once since height peak".split()),
}
