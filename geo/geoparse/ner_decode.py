"""The entity recogniser's greedy decoding, for a whole batch of texts at once with numpy.

spaCy decodes its transition-based recogniser state by state in compiled code that calls
its bundled BLIS for a tiny matrix product at every step. That BLIS picks its generic
kernel on CPUs it does not know (AMD Zen 3 and later, this project's machines), and the
loop then costs ~40 µs a token, more than the network before it. Here each step takes the
next token of every text still going: one gather, one maxout, one matrix product, and the
same rule as spaCy's for which moves are allowed (BILUO with no preset entities: an entity
does not start on whitespace, I and L keep the open entity's label, B and I need a next
token). The network's outputs are the model's own (its layers are called through thinc);
tests/test_ner_decode.py checks the entities against spaCy's decoding on real text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from thinc.api import Model, NumpyOps
from thinc.types import Floats2d

_KINDS = "BILUO"


class MatmulOps(NumpyOps):
    """thinc's CPU ops with numpy's matrix product (OpenBLAS, which knows the CPU) in place
    of BLIS's, which runs its generic kernel here: the token-to-vector layers 2-3x faster."""

    name = "numpy"

    def gemm(
        self,
        x: Floats2d,
        y: Floats2d,
        out: Floats2d | None = None,
        trans1: bool = False,
        trans2: bool = False,
    ) -> Floats2d:
        a: Any = x.T if trans1 else x  # thinc's array types are not numpy's to the type checker
        b: Any = y.T if trans2 else y
        if out is None:
            return cast(Floats2d, np.matmul(a, b))
        np.matmul(a, b, out=cast(Any, out))
        return out


@dataclass(frozen=True)
class Decoder:
    tok2vec: Model  # docs -> one (tokens, width) array for the whole batch
    lower: Model  # -> (tokens + 1, features, hidden, pieces); row 0 stands for "no token"
    bias: np.ndarray  # (hidden, pieces)
    upper_w: np.ndarray  # (classes, hidden)
    upper_b: np.ndarray  # (classes,)
    kind: np.ndarray  # per class: index into "BILUO", or -1 for a move never predicted
    label: np.ndarray  # per class: index into labels
    labels: tuple[str, ...]


def decoder(pipe: Any) -> Decoder | None:
    """A decoder for spaCy's "ner" pipe, or None when its model is not the greedy
    transition-based kind this module knows (the caller then uses spaCy's own loop)."""
    model = pipe.model
    if (
        pipe.cfg.get("beam_width", 1) != 1
        or not model.attrs.get("has_upper")
        or model.attrs.get("unseen_classes")
        or not all(model.has_ref(r) for r in ("tok2vec", "lower", "upper"))
    ):
        return None
    lower, upper = model.get_ref("lower"), model.get_ref("upper")
    if lower.get_dim("nF") != 3:
        return None
    names = [pipe.moves.get_class_name(i) for i in range(pipe.moves.n_moves)]
    labels = tuple(sorted({n[2:] for n in names if len(n) > 2}))
    kind = np.array(
        [_KINDS.index(n[0]) if n == "O" or (len(n) > 2 and n[0] in "BILU") else -1 for n in names]
    )
    label = np.array([labels.index(n[2:]) if len(n) > 2 else -1 for n in names])
    ops = MatmulOps()
    for node in model.walk():
        node.ops = ops
    return Decoder(
        model.get_ref("tok2vec"),
        lower,
        lower.get_param("b"),
        upper.get_param("W"),
        upper.get_param("b"),
        kind,
        label,
        labels,
    )


def entities(dec: Decoder, docs: list[Any]) -> list[list[tuple[int, int, str]]]:
    """(first token, end token, label) of each doc's entities, in order."""
    out: list[list[tuple[int, int, str]]] = [[] for _ in docs]
    keep = [n for n, d in enumerate(docs) if len(d)]
    if not keep:
        return out
    # Longest first, so the texts still going at step k are a prefix of the batch.
    keep.sort(key=lambda n: -len(docs[n]))
    ordered = [docs[n] for n in keep]
    lengths = np.array([len(d) for d in ordered])
    cached = dec.lower.predict(_layer_by_layer(dec.tok2vec, ordered))
    cached = cached.reshape(cached.shape[0], cached.shape[1], -1)
    space = np.concatenate([d.to_array("IS_SPACE") for d in ordered]).astype(bool)
    for row, start, end, lab in _decode(dec, cached, space, lengths):
        out[keep[row]].append((start, end, dec.labels[lab]))
    for ents in out:
        ents.sort()
    return out


def _layer_by_layer(model: Model, x: Any) -> Any:
    """model.predict(x), but a chain's layers are called one by one: thinc's chain keeps
    every layer's output (for a backward pass prediction never makes) until the whole
    chain returns, ~17 KB a token for this model; one by one, each is freed once used."""
    if len(model.layers) > 1 and model.name == ">>".join(layer.name for layer in model.layers):
        for layer in model.layers:
            x = _layer_by_layer(layer, x)
        return x
    return model.predict(x)


def _valid(
    dec: Decoder, is_open: np.ndarray, last: np.ndarray, space: np.ndarray, current: np.ndarray
) -> np.ndarray:
    """(states, classes): the moves spaCy allows each state (no preset entities)."""
    k, same = dec.kind[None, :], dec.label[None, :] == current[:, None]
    shut, opened = ~is_open[:, None], is_open[:, None]
    return (
        ((k == 4) & shut)
        | ((k == 0) & shut & ~(last | space)[:, None])
        | ((k == 3) & shut & ~space[:, None])
        | ((k == 1) & opened & ~last[:, None] & same)
        | ((k == 2) & opened & same)
    )


def _decode(
    dec: Decoder, cached: np.ndarray, space: np.ndarray, lengths: np.ndarray
) -> Iterator[tuple[int, int, int, int]]:
    """Yield (text, first token, end token, label) as the greedy moves close entities."""
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    n_docs = len(lengths)
    is_open, start, current = np.zeros(n_docs, bool), np.zeros(n_docs, int), np.zeros(n_docs, int)
    active = np.searchsorted(-lengths, -np.arange(lengths[0]), side="left")  # texts longer than k
    for k in range(lengths[0]):
        n = int(active[k])
        tok, opened = offsets[:n] + k, is_open[:n]
        # Features: this token; the open entity's first token and the token before this one.
        summed = (
            cached[tok + 1, 0]
            + cached[np.where(opened, offsets[:n] + start[:n] + 1, 0), 1]
            + cached[np.where(opened, tok, 0), 2]
        )
        hidden = (summed + dec.bias.reshape(-1)).reshape(n, dec.bias.shape[0], -1).max(axis=2)
        scores = hidden @ dec.upper_w.T + dec.upper_b
        scores[~_valid(dec, opened, lengths[:n] == k + 1, space[tok], current[:n])] = -np.inf
        best = scores.argmax(axis=1)
        kind, label = dec.kind[best], dec.label[best]
        for row in np.flatnonzero(kind == 2):
            yield int(row), int(start[row]), k + 1, int(current[row])
        for row in np.flatnonzero(kind == 3):
            yield int(row), k, k + 1, int(label[row])
        began = np.flatnonzero(kind == 0)
        is_open[began], start[began], current[began] = True, k, label[began]
        is_open[np.flatnonzero(kind == 2)] = False
