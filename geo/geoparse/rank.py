"""Resolution among gazetteer candidates: which Hajin, which Paris.

Pure scoring, no I/O. Evidence, as a careful editor weighs it: how big the place
is and what kind; which countries the article is about (countries it names and
places that are unambiguous); how close a candidate lies to the article's other
places; and, when the article is about the campaign, the campaign gazetteer and
region first.

Speed: what depends only on a name's candidates (priors, points, the country
vote) is worked out once per candidate tuple (the recogniser shares one tuple per
name across articles); per article, distances to its anchors are computed in one
vectorised call for all its names, and a name with one candidate is not scored.
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np

from geo.geometry import EARTH_RADIUS_KM, haversine_km
from geo.models import Candidate, Mention

KIND_PRIOR = {"country": 1.6, "region": 1.0, "natural feature": 0.8, "city": 0.6, "town": 0.3,
              "village": 0.0, "camp": 0.4, "site": 0.2}
KEEP = 12  # ranked alternatives kept per mention: enough for the editor, cheap to carry
_NUMPY_FROM = 24  # candidates; below this, scoring in plain Python is cheaper than numpy calls


def in_box(c: Candidate, box) -> bool:
    return box is not None and c.has_point and box[0] <= c.lat <= box[2] and box[1] <= c.lon <= box[3]


class _Facts:
    """What a candidate tuple says by itself, computed once per tuple."""
    __slots__ = ("cands", "prior", "country", "campaign", "votes", "vote_country", "anchor",
                 "campaign_place", "near_idx", "near_lat", "near_lon", "boxes", "twins", "arrays")

    def __init__(self, cands: tuple[Candidate, ...]):
        self.cands = cands  # held so the id() this is filed under stays this tuple's
        self.prior = [KIND_PRIOR.get(c.kind, 0.0) + 0.45 * math.log10(c.population + 10) for c in cands]
        self.country = [c.country for c in cands]
        self.campaign = [c.source == "campaign" for c in cands]
        codes = {c.country for c in cands if c.country}
        # A country name votes unless it is also a big place elsewhere ("Georgia" the US state).
        rival = any(c.kind != "country" and c.population >= 1_000_000 for c in cands)
        self.votes = bool(cands) and (len(codes) == 1 or (any(c.kind == "country" for c in cands) and not rival))
        self.vote_country: str | None = None
        self.anchor: tuple[float, float] | None = None
        if self.votes:
            best = max(cands, key=lambda c: (c.kind == "country", c.population))
            self.vote_country = best.country
            if best.lat is not None and best.lon is not None \
                    and best.kind not in ("country", "region", "natural feature"):
                self.anchor = (best.lat, best.lon)
        self.campaign_place = any(c.source == "campaign" and c.kind not in ("country", "region") for c in cands)
        # Nearness to the article's places speaks for a town or a county (which Scott County),
        # but not against the country of the same name that holds it: "Mexico" is the
        # country, not Mexico City near Puebla.
        named = {c.country for c in cands if c.kind == "country"}
        self.near_idx = [i for i, c in enumerate(cands) if c.has_point and c.country not in named
                         and (c.kind not in ("country", "region") or c.ref.startswith("admin2:"))]
        near = [cands[i] for i in self.near_idx]
        self.near_lat = np.radians(np.array([c.lat for c in near], dtype=np.float64))
        self.near_lon = np.radians(np.array([c.lon for c in near], dtype=np.float64))
        self.boxes: dict = {}  # campaign box -> [in box] per candidate
        self.twins: dict[tuple[int, int], bool] = {}  # same place listed twice (see _dedupe)
        # numpy copies for long tuples (prior, country, campaign), made on first use
        self.arrays: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def in_box(self, box) -> list[bool]:
        hit = self.boxes.get(box)
        if hit is None:
            hit = self.boxes[box] = [in_box(c, box) for c in self.cands]
        return hit

    def twin(self, i: int, j: int) -> bool:
        hit = self.twins.get((i, j))
        if hit is None:
            a, b = self.cands[i], self.cands[j]
            hit = self.twins[(i, j)] = (
                a.country == b.country and a.lat is not None and a.lon is not None
                and b.lat is not None and b.lon is not None  # has_point, so that mypy narrows
                and haversine_km(a.lat, a.lon, b.lat, b.lon) < 10)
        return hit


_FACTS: dict[int, _Facts] = {}
_FACTS_MAX = 200_000  # tuples; a long-running process starts afresh past this


def _facts(cands: tuple[Candidate, ...]) -> _Facts:
    f = _FACTS.get(id(cands))
    if f is None or f.cands is not cands:
        if len(_FACTS) >= _FACTS_MAX:
            _FACTS.clear()
        f = _FACTS[id(cands)] = _Facts(cands)
    return f


def _context(facts: list[_Facts | None], mentions: list[Mention]) -> tuple[Counter, list[tuple[float, float]], bool]:
    """Countries and points the article is unambiguously about."""
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


def _nearest_km(todo: list[_Facts], anchors: np.ndarray | None) -> list[np.ndarray]:
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
        out[n][f.near_idx] = near[at:at + len(f.near_idx)]
        at += len(f.near_idx)
    return out


def _bonus(km: float) -> float:
    return 1.5 if km < 50 else 1.0 if km < 150 else 0.5 if km < 400 else 0.0


def _scores(f: _Facts, countries: Counter, total: int, near, campaign: bool, box, inside) -> list[float]:
    """Each candidate's evidence, summed in a fixed order so every path gives the same floats."""
    boxed = f.in_box(box) if campaign and box is not None else None
    within = _inside_bonus(f, inside)
    out = []
    for i, s in enumerate(f.prior):
        cc = f.country[i]
        if total and cc:
            s += 2.5 * countries[cc] / total
        s += _bonus(near[i])
        if f.campaign[i]:
            s += 4.0 if campaign else 0.8
        elif boxed is not None and boxed[i]:
            s += 1.5
        out.append(s + within[i])
    return out


def _scores_np(f: _Facts, countries: Counter, total: int, near: np.ndarray, campaign: bool, box,
               inside) -> np.ndarray:
    """_scores for long tuples ("Victoria" has hundreds of candidates): the same sums, by column."""
    if f.arrays is None:
        f.arrays = (np.array(f.prior), np.array(f.country, dtype=object), np.array(f.campaign))
    prior, country, camp = f.arrays
    s = prior.copy()
    if total:
        share = {cc: 2.5 * countries[cc] / total for cc in set(f.country) if cc}
        s += np.array([share.get(cc, 0.0) for cc in f.country])
    s += np.where(near < 50, 1.5, np.where(near < 150, 1.0, np.where(near < 400, 0.5, 0.0)))
    s += np.where(camp, 4.0 if campaign else 0.8, 0.0)
    if campaign and box is not None:
        s += np.where(~camp & np.array(f.in_box(box)), 1.5, 0.0)
    return s + np.array(_inside_bonus(f, inside)) if inside is not None else s


def _ranked(f: _Facts, raw: list[float]) -> tuple[Candidate, ...]:
    order = sorted(range(len(raw)), key=lambda i: (-raw[i], i))
    top = raw[order[0]]
    weights = [math.exp(2.0 * (raw[i] - top)) for i in order]
    norm = sum(weights)
    return _dedupe(f, [(i, round(w / norm, 3)) for i, w in zip(order[:KEEP], weights, strict=False)])


def _ranked_np(f: _Facts, raw: np.ndarray) -> tuple[Candidate, ...]:
    order = np.argsort(-raw, kind="stable").tolist()  # stable: ties keep the gazetteer's order
    ordered = raw[order].tolist()
    top = ordered[0]
    weights = [math.exp(2.0 * (s - top)) for s in ordered]
    norm = sum(weights)
    return _dedupe(f, [(i, round(w / norm, 3)) for i, w in zip(order[:KEEP], weights, strict=False)])


def _containers(mentions: list[Mention]) -> dict[int, tuple]:
    """'Paris, Texas' / 'Hajin, Syria': the area a name is placed in by the next name, as
    (country, point of a first-level region or None)."""
    out = {}
    for i, (mn, nxt) in enumerate(zip(mentions, mentions[1:], strict=False)):
        if nxt.start - mn.end == 2:
            areas = [c for c in nxt.candidates if c.kind in ("country", "region") and c.country]
            if areas:
                a = areas[0]
                out[i] = (a.country, (a.lat, a.lon) if a.kind == "region" and a.has_point else None)
    return out


REGION_KM = 350  # a place "in" a state or province lies within this of the region's point


def _inside_bonus(f: _Facts, inside) -> list[float]:
    """3 for each candidate in the container's country, 2 more within REGION_KM of its region."""
    if inside is None:
        return [0.0] * len(f.cands)
    cc, point = inside
    out = []
    for c in f.cands:
        b = 3.0 if c.country == cc else 0.0
        if b and point is not None and c.lat is not None and c.lon is not None \
                and haversine_km(c.lat, c.lon, *point) < REGION_KM:
            b += 2.0
        out.append(b)
    return out


def rank(mentions: list[Mention], campaign_box=None) -> list[Mention]:
    """The same mentions, each with candidates sorted best first and scored 0..1."""
    facts = [_facts(mn.candidates) if mn.candidates else None for mn in mentions]
    countries, anchors, campaign = _context(facts, mentions)
    total = sum(countries.values())
    containers = _containers(mentions)
    # the same name in the same context ranks the same
    memos = [(mn.key, containers.get(n), mn.candidates[0].kind, len(mn.candidates)) if mn.candidates else None
             for n, mn in enumerate(mentions)]
    todo: dict[tuple, tuple[_Facts, tuple | None]] = {}  # memo -> (facts, container)
    for memo, f in zip(memos, facts, strict=True):
        if memo is not None and f is not None and memo not in todo:
            todo[memo] = (f, memo[1])
    anchor_arr = np.radians(np.array(anchors, dtype=np.float64)) if anchors else None
    many = [f for f, _ in todo.values() if len(f.cands) > 1]
    nears = dict(zip(map(id, many), _nearest_km(many, anchor_arr), strict=True))
    done: dict[tuple, tuple[Candidate, ...]] = {}
    for memo, (f, inside) in todo.items():
        if len(f.cands) == 1:  # one candidate: its weight is the whole sum, score 1.0
            done[memo] = (_scored(f.cands[0], 1.0),)
        elif len(f.cands) < _NUMPY_FROM:
            done[memo] = _ranked(f, _scores(f, countries, total, nears[id(f)].tolist(), campaign,
                                            campaign_box, inside))
        else:
            done[memo] = _ranked_np(f, _scores_np(f, countries, total, nears[id(f)], campaign,
                                                  campaign_box, inside))
    return [mn if memo is None else
            Mention(mn.start, mn.end, mn.surface, mn.key, done[memo], mn.cue, mn.role)
            for mn, memo in zip(mentions, memos, strict=True)]


def _scored(c: Candidate, score: float) -> Candidate:
    # dataclasses.replace is the slowest step here; the fields are spelled out instead.
    return Candidate(c.name, c.lat, c.lon, c.kind, c.country, c.population, c.source, c.ref, score)


def _dedupe(f: _Facts, picked: list[tuple[int, float]]) -> tuple[Candidate, ...]:
    """Drop lower-ranked entries for the same place (the campaign row and its GeoNames twin);
    `picked` is (candidate index, score), best first."""
    kept: list[list] = []  # [index of the candidate shown, its score]
    for i, score in picked:
        twin = next((k for k in kept if f.twin(k[0], i)), None)
        if twin is None:
            kept.append([i, score])
        elif f.campaign[i] and not f.campaign[twin[0]]:
            twin[0] = i  # the sourced campaign entry speaks for both, at the twin's score
    return tuple(_scored(f.cands[i], score) for i, score in kept)
