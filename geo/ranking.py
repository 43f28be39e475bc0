"""Resolution among gazetteer candidates: which Hajin, which Paris.

Pure scoring, no I/O. Evidence, as a careful editor weighs it: how big the place
is and what kind; which countries the article is about (countries it names and
places that are unambiguous); how close a candidate lies to the article's other
places; and, when the article is about the campaign, the campaign gazetteer and
region first.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace

import numpy as np

from .models import Candidate, Mention

KIND_PRIOR = {"country": 1.6, "region": 1.0, "natural feature": 0.8, "city": 0.6, "town": 0.3,
              "village": 0.0, "camp": 0.4, "site": 0.2}
EARTH_KM = 6371.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def in_box(c: Candidate, box) -> bool:
    return box is not None and c.has_point and box[0] <= c.lat <= box[2] and box[1] <= c.lon <= box[3]


def _context(mentions: list[Mention], campaign_box) -> tuple[Counter, list[tuple[float, float]], bool]:
    """Countries and points the article is unambiguously about."""
    countries: Counter = Counter()
    anchors: list[tuple[float, float]] = []
    campaign: set[str] = set()
    for mn in mentions:
        cands = mn.candidates
        if not cands:
            continue
        codes = {c.country for c in cands if c.country}
        # A country name votes unless it is also a big place elsewhere ("Georgia" the US state).
        rival = any(c.kind != "country" and c.population >= 1_000_000 for c in cands)
        if len(codes) == 1 or (any(c.kind == "country" for c in cands) and not rival):
            best = max(cands, key=lambda c: (c.kind == "country", c.population))
            countries[best.country] += 1
            if best.has_point and best.kind not in ("country", "region", "natural feature"):
                anchors.append((best.lat, best.lon))
        if any(c.source == "campaign" and c.kind not in ("country", "region") for c in cands):
            campaign.add(mn.key)
    # About the campaign: two of its places, or one of them with Syria or Iraq named.
    focus = len(campaign) >= 2 or (len(campaign) == 1 and countries["SY"] + countries["IQ"] > 0)
    return countries, anchors, focus


KEEP = 12  # ranked alternatives kept per mention: enough for the editor, cheap to carry


def _nearest_km(cands: tuple[Candidate, ...], anchors: np.ndarray | None) -> np.ndarray:
    """Distance from each candidate to the closest anchor (inf without a point); vectorised
    because a common name ("Victoria") has hundreds of candidates."""
    out = np.full(len(cands), np.inf)
    if anchors is None or not len(anchors):
        return out
    idx = [i for i, c in enumerate(cands) if c.has_point and c.kind not in ("country", "region")]
    if not idx:
        return out
    lat = np.radians([cands[i].lat for i in idx])[:, None]
    lon = np.radians([cands[i].lon for i in idx])[:, None]
    alat, alon = anchors[:, 0][None, :], anchors[:, 1][None, :]
    a = np.sin((alat - lat) / 2) ** 2 + np.cos(lat) * np.cos(alat) * np.sin((alon - lon) / 2) ** 2
    out[idx] = (2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(1.0, a)))).min(axis=1)
    return out


def _score(c: Candidate, countries: Counter, near: float, campaign: bool, campaign_box) -> float:
    s = KIND_PRIOR.get(c.kind, 0.0) + 0.45 * math.log10(c.population + 10)
    total = sum(countries.values())
    if total and c.country:
        s += 2.5 * countries[c.country] / total
    s += 1.5 if near < 50 else 1.0 if near < 150 else 0.5 if near < 400 else 0.0
    if c.source == "campaign":
        s += 4.0 if campaign else 0.8
    elif campaign and in_box(c, campaign_box):
        s += 1.5
    return s


def _containers(mentions: list[Mention]) -> dict[int, str]:
    """'Paris, Texas' / 'Hajin, Syria': the country a name is placed in by the next name."""
    out = {}
    for i, (mn, nxt) in enumerate(zip(mentions, mentions[1:])):
        areas = [c for c in nxt.candidates if c.kind in ("country", "region") and c.country]
        if nxt.start - mn.end == 2 and areas:
            out[i] = areas[0].country
    return out


def rank(mentions: list[Mention], campaign_box=None) -> list[Mention]:
    """The same mentions, each with candidates sorted best first and scored 0..1."""
    countries, anchors, campaign = _context(mentions, campaign_box)
    anchor_arr = np.radians(np.array(anchors, dtype=np.float64)) if anchors else None
    containers = _containers(mentions)
    out = []
    done: dict[tuple, tuple[Candidate, ...]] = {}  # the same name in the same context ranks the same
    for n, mn in enumerate(mentions):
        if not mn.candidates:
            out.append(mn)
            continue
        inside = containers.get(n)
        memo = (mn.key, inside, mn.candidates[0].kind, len(mn.candidates))
        if memo not in done:
            near = _nearest_km(mn.candidates, anchor_arr)
            raw = [(_score(c, countries, near[i], campaign, campaign_box) + (3.0 if inside == c.country else 0.0),
                    i, c) for i, c in enumerate(mn.candidates)]
            raw.sort(key=lambda t: (-t[0], t[1]))
            top = raw[0][0]
            weights = [math.exp(2.0 * (s - top)) for s, _, _ in raw]
            norm = sum(weights)
            ranked = tuple(_scored(c, round(w / norm, 3)) for (s, _, c), w in zip(raw[:KEEP], weights))
            done[memo] = _dedupe(ranked)
        out.append(replace(mn, candidates=done[memo]))
    return out


def _scored(c: Candidate, score: float) -> Candidate:
    # dataclasses.replace is the slowest step here; the fields are spelled out instead.
    return Candidate(c.name, c.lat, c.lon, c.kind, c.country, c.population, c.source, c.ref, score)


def _dedupe(cands: tuple[Candidate, ...]) -> tuple[Candidate, ...]:
    """Drop lower-ranked entries for the same place (the campaign row and its GeoNames twin)."""
    kept: list[Candidate] = []
    for c in cands:
        twin = next((i for i, k in enumerate(kept) if k.country == c.country and k.has_point
                     and c.has_point and distance_km(k.lat, k.lon, c.lat, c.lon) < 10), None)
        if twin is None:
            kept.append(c)
        elif c.source == "campaign" and kept[twin].source != "campaign":
            kept[twin] = replace(c, score=kept[twin].score)  # the sourced campaign entry speaks for both
    return tuple(kept)
