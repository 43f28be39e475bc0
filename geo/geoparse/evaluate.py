"""Score predicted place spans and coordinates against a labelled (gold) set.

Gold and predicted documents are plain dicts as read from JSON Lines:
gold ``{"id", "text", "places": [{"start", "end", "name", "lat", "lon", "kind"}]}``,
predicted ``{"id", "places": [{"start", "end", "name", "lat", "lon", "kind", "score"}]}``
(a predicted lat/lon may be null: recognised but not resolved).

Spans are scored twice: exact (same start and end) and overlap (any shared
character). Overlap matching is one-to-one and greedy, so a gold span that two
predictions both touch is credited once and the other prediction is a false
positive. Coordinates are scored on the overlap-matched pairs only, and only
where the gold place has a coordinate: a gold lat/lon of null marks a place no
source locates (a river drawn as a line, a governorate), so it counts for the
spans but is left out of every distance share.
"""
from __future__ import annotations

import json
import logging
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from geo.geometry import haversine_km

log = logging.getLogger(__name__)

DEFAULT_MAX_KM = 161.0  # 100 miles: the usual "accuracy@161" of geoparsing papers
CLOSE_KM = 5.0


def read_jsonl(path: str | Path) -> list[dict]:
    """Read one JSON object per non-blank line; errors name the file and line."""
    docs = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not valid JSON ({exc.msg}); "
                                 "each line must hold one JSON object") from None
            if not isinstance(doc, dict) or "id" not in doc:
                raise ValueError(f"{path}:{number}: expected an object with an 'id' key")
            docs.append(doc)
    return docs


def _ratio(num: int, den: int) -> float:
    # An empty denominator scores 0: nothing predicted earns no precision credit.
    return num / den if den else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _span(place: Mapping) -> tuple[int, int]:
    return int(place["start"]), int(place["end"])


def _point(place: Mapping) -> tuple[float, float] | None:
    lat, lon = place.get("lat"), place.get("lon")
    if lat is None or lon is None:
        return None
    return float(lat), float(lon)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_exact(gold: Sequence[Mapping], pred: Sequence[Mapping]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index) with identical spans."""
    free: dict[tuple[int, int], list[int]] = {}
    for gi, g in enumerate(gold):
        free.setdefault(_span(g), []).append(gi)
    pairs = []
    for pi, p in enumerate(pred):
        waiting = free.get(_span(p))
        if waiting:
            pairs.append((waiting.pop(0), pi))
    return pairs


def match_overlap(gold: Sequence[Mapping], pred: Sequence[Mapping]) -> list[tuple[int, int]]:
    """One-to-one greedy pairs (gold index, pred index) of overlapping spans.

    The pairs sharing the most characters are taken first (ties: earlier gold,
    then earlier prediction), so the result does not depend on input order
    beyond that tie-break.
    """
    scored = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            shared = _overlap(_span(g), _span(p))
            if shared:
                scored.append((-shared, gi, pi))
    scored.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, gi, pi in scored:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return sorted(pairs)


@dataclass(frozen=True)
class DocErrors:
    """What went wrong in one document, for debugging."""
    id: str
    false_positives: tuple[dict, ...]  # predicted places matching no gold span (overlap)
    false_negatives: tuple[dict, ...]  # gold places no prediction overlaps
    mislocated: tuple[dict, ...]  # matched, but unresolved or farther than max_km


@dataclass(frozen=True)
class Scores:
    docs: int
    gold: int
    predicted: int
    exact_tp: int
    exact_precision: float
    exact_recall: float
    exact_f1: float
    overlap_tp: int
    overlap_precision: float
    overlap_recall: float
    overlap_f1: float
    max_km: float
    within_max_km: float  # share of overlap matches resolved within max_km
    within_5km: float  # share of overlap matches resolved within 5 km
    median_error_km: float | None  # over resolved matches; None if there are none
    unresolved: int  # overlap matches whose prediction has no coordinates
    errors: tuple[DocErrors, ...] = ()
    gold_unlocated: int = 0  # overlap matches whose gold place has no coordinate (not scored for distance)

    def summary(self) -> str:
        median = "n/a" if self.median_error_km is None else f"{self.median_error_km:.1f} km"
        return (
            f"{self.docs} docs, {self.gold} gold, {self.predicted} predicted\n"
            f"  exact   P {self.exact_precision:.3f}  R {self.exact_recall:.3f}  "
            f"F1 {self.exact_f1:.3f}  (tp {self.exact_tp})\n"
            f"  overlap P {self.overlap_precision:.3f}  R {self.overlap_recall:.3f}  "
            f"F1 {self.overlap_f1:.3f}  (tp {self.overlap_tp})\n"
            f"  resolution on {self.overlap_tp - self.gold_unlocated} matched with a gold point: "
            f"<= {self.max_km:g} km {self.within_max_km:.3f}, <= {CLOSE_KM:g} km "
            f"{self.within_5km:.3f}, median error {median}, unresolved {self.unresolved}"
        )

    def as_dict(self, with_errors: bool = False) -> dict:
        out = asdict(self)
        if not with_errors:
            out.pop("errors")
        return out


def _brief(place: Mapping, **extra: object) -> dict:
    out = {"start": place["start"], "end": place["end"], "name": place.get("name", "")}
    out.update(extra)
    return out


@dataclass
class _Tally:
    """Counts over the documents scored so far."""
    max_km: float
    gold: int = 0
    predicted: int = 0
    exact_tp: int = 0
    matched: int = 0
    unresolved: int = 0
    gold_unlocated: int = 0
    errors_km: list[float] = field(default_factory=list)
    errors: list[DocErrors] = field(default_factory=list)

    def add(self, doc_id: str, gold: Sequence[Mapping], pred: Sequence[Mapping]) -> None:
        self.gold += len(gold)
        self.predicted += len(pred)
        self.exact_tp += len(match_exact(gold, pred))
        pairs = match_overlap(gold, pred)
        self.matched += len(pairs)
        mislocated = [m for gi, pi in pairs
                      if (m := self._mislocated(gold[gi], pred[pi])) is not None]
        hit_g = {gi for gi, _ in pairs}
        hit_p = {pi for _, pi in pairs}
        fps = tuple(_brief(p) for i, p in enumerate(pred) if i not in hit_p)
        fns = tuple(_brief(g) for i, g in enumerate(gold) if i not in hit_g)
        if fps or fns or mislocated:
            self.errors.append(DocErrors(doc_id, fps, fns, tuple(mislocated)))

    def _mislocated(self, gold: Mapping, pred: Mapping) -> dict | None:
        """The prediction's brief when it is unresolved or too far from the gold point."""
        g_pt, p_pt = _point(gold), _point(pred)
        if g_pt is None:
            self.gold_unlocated += 1
            return None
        if p_pt is None:
            self.unresolved += 1
            return _brief(pred, gold=gold.get("name", ""), km=None)
        km = haversine_km(*g_pt, *p_pt)
        self.errors_km.append(km)
        return _brief(pred, gold=gold.get("name", ""), km=round(km, 1)) if km > self.max_km else None

    def scores(self, docs: int) -> Scores:
        ep, er = _ratio(self.exact_tp, self.predicted), _ratio(self.exact_tp, self.gold)
        op, orec = _ratio(self.matched, self.predicted), _ratio(self.matched, self.gold)
        located = self.matched - self.gold_unlocated
        kms = self.errors_km
        return Scores(
            docs=docs, gold=self.gold, predicted=self.predicted,
            exact_tp=self.exact_tp, exact_precision=ep, exact_recall=er, exact_f1=_f1(ep, er),
            overlap_tp=self.matched, overlap_precision=op, overlap_recall=orec,
            overlap_f1=_f1(op, orec), max_km=self.max_km,
            within_max_km=_ratio(sum(km <= self.max_km for km in kms), located),
            within_5km=_ratio(sum(km <= CLOSE_KM for km in kms), located),
            median_error_km=statistics.median(kms) if kms else None,
            unresolved=self.unresolved, errors=tuple(self.errors),
            gold_unlocated=self.gold_unlocated,
        )


def evaluate(gold_docs: Iterable[Mapping], pred_docs: Iterable[Mapping],
             max_km: float = DEFAULT_MAX_KM) -> Scores:
    """Score predictions against gold; a gold document with no prediction counts as empty."""
    preds: dict[str, Sequence[Mapping]] = {str(d["id"]): d.get("places") or [] for d in pred_docs}
    gold_ids: set[str] = set()
    tally = _Tally(max_km)
    for doc in gold_docs:
        doc_id = str(doc["id"])
        gold_ids.add(doc_id)
        tally.add(doc_id, doc.get("places") or [], preds.get(doc_id, []))
    stray = sorted(set(preds) - gold_ids)
    if stray:
        log.warning("ignored %d predicted documents with no gold: %s", len(stray), stray[:5])
    return tally.scores(len(gold_ids))
