"""What ranking weighs, before any scoring (geo.geoparse.rank adds it up): what a candidate
tuple says by itself (priors, points, the country it votes for), computed once per tuple, and
what an article says (the countries and points it is unambiguously about, whether it is about
the campaign, the area a name is placed in, each candidate's distance to its places)."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from geo.geometry import EARTH_RADIUS_KM, haversine_km
from geo.models import Candidate, Mention

KIND_PRIOR = {
    "country": 1.6,
    "region": 1.0,
    "natural feature": 0.8,
    "city": 0.6,
    "town": 0.3,
    "village": 0.0,
    "camp": 0.4,
    "site": 0.2,
}
Box = tuple[float, float, float, float]  # south, west, north, east
Inside = tuple[str, tuple[float, float] | None]  # see containers


def in_box(c: Candidate, box: Box | None) -> bool:
    return (
        box is not None
        and c.lat is not None
        and c.lon is not None  # has_point, spelt out so that mypy narrows
        and box[0] <= c.lat <= box[2]
        and box[1] <= c.lon <= box[3]
    )


class Facts:
    """What a candidate tuple says by itself, computed once per tuple."""

    __slots__ = (
        "cands",
        "prior",
        "country",
        "campaign",
        "votes",
        "vote_country",
        "anchor",
        "campaign_place",
        "near_idx",
        "near_lat",
        "near_lon",
        "boxes",
        "twins",
        "arrays",
    )

    def __init__(self, cands: tuple[Candidate, ...]):
        self.cands = cands  # held so the id() this is filed under stays this tuple's
        self.prior = [
            KIND_PRIOR.get(c.kind, 0.0) + 0.45 * math.log10(c.population + 10) for c in cands
        ]
        self.country = [c.country for c in cands]
        self.campaign = [c.source == "campaign" for c in cands]
        self.votes, self.vote_country, self.anchor = _vote(cands)
        self.campaign_place = any(
            c.source == "campaign" and c.kind not in ("country", "region") for c in cands
        )
        self.near_idx = _near_idx(cands)
        near = [cands[i] for i in self.near_idx]
        self.near_lat = np.radians(np.array([c.lat for c in near], dtype=np.float64))
        self.near_lon = np.radians(np.array([c.lon for c in near], dtype=np.float64))
        self.boxes: dict[Box, list[bool]] = {}  # campaign box -> [in box] per candidate
        self.twins: dict[tuple[int, int], bool] = {}  # same place listed twice (see rank)
        # numpy copies for long tuples (prior, country, campaign), made on first use
        self.arrays: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def in_box(self, box: Box) -> list[bool]:
        hit = self.boxes.get(box)
        if hit is None:
            hit = self.boxes[box] = [in_box(c, box) for c in self.cands]
        return hit

    def twin(self, i: int, j: int) -> bool:
        hit = self.twins.get((i, j))
        if hit is None:
            a, b = self.cands[i], self.cands[j]
            hit = self.twins[(i, j)] = (
                a.country == b.country
                and a.lat is not None
                and a.lon is not None
                and b.lat is not None
                and b.lon is not None  # has_point, so that mypy narrows
                and haversine_km(a.lat, a.lon, b.lat, b.lon) < 10
            )
        return hit


def _vote(cands: tuple[Candidate, ...]) -> tuple[bool, str | None, tuple[float, float] | None]:
    """(whether the name votes for a country, that country, the point it anchors the article
    at: a place's, not a country's or a region's)."""
    codes = {c.country for c in cands if c.country}
    # A country name votes unless it is also a big place elsewhere ("Georgia" the US state).
    rival = any(c.kind != "country" and c.population >= 1_000_000 for c in cands)
    votes = bool(cands) and (
        len(codes) == 1 or (any(c.kind == "country" for c in cands) and not rival)
    )
    if not votes:
        return votes, None, None
    best = max(cands, key=lambda c: (c.kind == "country", c.population))
    if (
        best.lat is not None
        and best.lon is not None
        and best.kind not in ("country", "region", "natural feature")
    ):
        return votes, best.country, (best.lat, best.lon)
    return votes, best.country, None


def _near_idx(cands: tuple[Candidate, ...]) -> list[int]:
    """The candidates that nearness to the article's places speaks for."""
    # Nearness speaks for a town or a county (which Scott County), but not against the
    # country of the same name that holds it: "Mexico" is the country, not Mexico City near
    # Puebla.
    named = {c.country for c in cands if c.kind == "country"}
    return [
        i
        for i, c in enumerate(cands)
        if c.has_point
        and c.country not in named
        and (c.kind not in ("country", "region") or c.ref.startswith("admin2:"))
    ]


_FACTS: dict[int, Facts] = {}
_FACTS_MAX = 200_000  # tuples; a long-running process starts afresh past this


def facts_for(cands: tuple[Candidate, ...]) -> Facts:
    """The Facts of a candidate tuple, kept per tuple (the recogniser shares one per name)."""
    f = _FACTS.get(id(cands))
    if f is None or f.cands is not cands:
        if len(_FACTS) >= _FACTS_MAX:
            _FACTS.clear()
        f = _FACTS[id(cands)] = Facts(cands)
    return f


def article_context(
    facts: list[Facts | None], mentions: list[Mention]
) -> tuple[Counter, list[tuple[float, float]], bool]:
    """Countries and points the article is unambiguously about, and whether it is about the
    campaign."""
    countries: Counter = Counter()
    anchors: list[tuple[float, float]] = []
    campaign: set[str] = set()
    for f, mn in zip(facts, mentions, strict=True):
        if f is None:
            continue
        if f.votes:
            countries[f.vote_country] += 1
            if f.anchor is not None:
                anchors.append(f.anchor)
        if f.campaign_place:
            campaign.add(mn.key)
    # About the campaign: two of its places, or one of them with Syria or Iraq named.
    focus = len(campaign) >= 2 or (len(campaign) == 1 and countries["SY"] + countries["IQ"] > 0)
    return countries, anchors, focus


def nearest_km(todo: list[Facts], anchors: np.ndarray | None) -> list[np.ndarray]:
    """Per facts, the distance from each candidate to the closest anchor (inf without a
    point); one vectorised haversine for the whole article."""
    out = [np.full(len(f.cands), np.inf) for f in todo]
    if anchors is None or not len(anchors):
        return out
    with_points = [(n, f) for n, f in enumerate(todo) if f.near_idx]
    if not with_points:
        return out
    lat = np.concatenate([f.near_lat for _, f in with_points])[:, None]
    lon = np.concatenate([f.near_lon for _, f in with_points])[:, None]
    alat, alon = anchors[:, 0][None, :], anchors[:, 1][None, :]
    a = np.sin((alat - lat) / 2) ** 2 + np.cos(lat) * np.cos(alat) * np.sin((alon - lon) / 2) ** 2
    near = (2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(1.0, a)))).min(axis=1)
    at = 0
    for n, f in with_points:
        out[n][f.near_idx] = near[at : at + len(f.near_idx)]
        at += len(f.near_idx)
    return out


def containers(mentions: list[Mention]) -> dict[int, Inside]:
    """'Paris, Texas' / 'Hajin, Syria': the area a name is placed in by the next name, as
    (country, point of a first-level region or None)."""
    out: dict[int, Inside] = {}
    for i, (mn, nxt) in enumerate(zip(mentions, mentions[1:], strict=False)):
        if nxt.start - mn.end == 2:
            areas = [c for c in nxt.candidates if c.kind in ("country", "region") and c.country]
            if areas:
                a = areas[0]
                point = (
                    (a.lat, a.lon)
                    if a.kind == "region" and a.lat is not None and a.lon is not None
                    else None
                )
                out[i] = (a.country, point)
    return out
