"""Resolution among gazetteer candidates: which Hajin, which Paris.

Pure scoring, no I/O; geo.geoparse.evidence gathers what is weighed. Evidence, as a
careful editor weighs it: how big the place is and what kind; which countries the article
is about (countries it names and places that are unambiguous); how close a candidate lies
to the article's other places; and, when the article is about the campaign, the campaign
gazetteer and region first.

Speed: what depends only on a name's candidates (priors, points, the country
vote) is worked out once per candidate tuple (the recogniser shares one tuple per
name across articles); per article, distances to its anchors are computed in one
vectorised call for all its names, and a name with one candidate is not scored.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from geo.geometry import haversine_km
from geo.geoparse.evidence import (
    Box,
    Facts,
    Inside,
    article_context,
    containers,
    facts_for,
    nearest_km,
)
from geo.models import Candidate, Mention

KEEP = 12  # ranked alternatives kept per mention: enough for the editor, cheap to carry
_NUMPY_FROM = 24  # candidates; below this, scoring in plain Python is cheaper than numpy calls


def _bonus(km: float) -> float:
    return 1.5 if km < 50 else 1.0 if km < 150 else 0.5 if km < 400 else 0.0


def _scores(
    f: Facts,
    countries: Counter,
    total: int,
    near: list[float],
    campaign: bool,
    box: Box | None,
    inside: Inside | None,
) -> list[float]:
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


def _scores_np(
    f: Facts,
    countries: Counter,
    total: int,
    near: np.ndarray,
    campaign: bool,
    box: Box | None,
    inside: Inside | None,
) -> np.ndarray:
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


def _ranked(f: Facts, raw: list[float]) -> tuple[Candidate, ...]:
    order = sorted(range(len(raw)), key=lambda i: (-raw[i], i))
    top = raw[order[0]]
    weights = [math.exp(2.0 * (raw[i] - top)) for i in order]
    norm = sum(weights)
    return _dedupe(
        f, [(i, round(w / norm, 3)) for i, w in zip(order[:KEEP], weights, strict=False)]
    )


def _ranked_np(f: Facts, raw: np.ndarray) -> tuple[Candidate, ...]:
    order = np.argsort(-raw, kind="stable").tolist()  # stable: ties keep the gazetteer's order
    ordered = raw[order].tolist()
    top = ordered[0]
    weights = [math.exp(2.0 * (s - top)) for s in ordered]
    norm = sum(weights)
    return _dedupe(
        f, [(i, round(w / norm, 3)) for i, w in zip(order[:KEEP], weights, strict=False)]
    )


REGION_KM = 350  # a place "in" a state or province lies within this of the region's point


def _inside_bonus(f: Facts, inside: Inside | None) -> list[float]:
    """3 for each candidate in the container's country, 2 more within REGION_KM of its region."""
    if inside is None:
        return [0.0] * len(f.cands)
    cc, point = inside
    out = []
    for c in f.cands:
        b = 3.0 if c.country == cc else 0.0
        if (
            b
            and point is not None
            and c.lat is not None
            and c.lon is not None
            and haversine_km(c.lat, c.lon, *point) < REGION_KM
        ):
            b += 2.0
        out.append(b)
    return out


def rank(mentions: list[Mention], campaign_box: Box | None = None) -> list[Mention]:
    """The same mentions, each with candidates sorted best first and scored 0..1."""
    facts = [facts_for(mn.candidates) if mn.candidates else None for mn in mentions]
    countries, anchors, campaign = article_context(facts, mentions)
    total = sum(countries.values())
    placed_in = containers(mentions)
    # the same name in the same context ranks the same
    memos = [
        (mn.key, placed_in.get(n), mn.candidates[0].kind, len(mn.candidates))
        if mn.candidates
        else None
        for n, mn in enumerate(mentions)
    ]
    todo: dict[tuple, tuple[Facts, tuple | None]] = {}  # memo -> (facts, container)
    for memo, f in zip(memos, facts, strict=True):
        if memo is not None and f is not None and memo not in todo:
            todo[memo] = (f, memo[1])
    anchor_arr = np.radians(np.array(anchors, dtype=np.float64)) if anchors else None
    many = [f for f, _ in todo.values() if len(f.cands) > 1]
    nears = dict(zip(map(id, many), nearest_km(many, anchor_arr), strict=True))
    done: dict[tuple, tuple[Candidate, ...]] = {}
    for memo, (f, inside) in todo.items():
        if len(f.cands) == 1:  # one candidate: its weight is the whole sum, score 1.0
            done[memo] = (_scored(f.cands[0], 1.0),)
        elif len(f.cands) < _NUMPY_FROM:
            done[memo] = _ranked(
                f,
                _scores(f, countries, total, nears[id(f)].tolist(), campaign, campaign_box, inside),
            )
        else:
            done[memo] = _ranked_np(
                f, _scores_np(f, countries, total, nears[id(f)], campaign, campaign_box, inside)
            )
    return [
        mn
        if memo is None
        else Mention(mn.start, mn.end, mn.surface, mn.key, done[memo], mn.cue, mn.role)
        for mn, memo in zip(mentions, memos, strict=True)
    ]


def _scored(c: Candidate, score: float) -> Candidate:
    # dataclasses.replace is the slowest step here; the fields are spelled out instead.
    return Candidate(c.name, c.lat, c.lon, c.kind, c.country, c.population, c.source, c.ref, score)


def _dedupe(f: Facts, picked: list[tuple[int, float]]) -> tuple[Candidate, ...]:
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
