"""The batch decoder (geo/geoparse/ner_decode.py) takes the same entities as spaCy's own loop."""

from __future__ import annotations

import json

import pytest

from geo.config import ROOT
from geo.geoparse import ner, ner_decode

# Edge cases of the moves: an entity on the last token, whitespace tokens (no entity may start
# on one), a one-token text, an empty text, a long run of capitalised words.
EDGES = [
    "Hajin",
    "",
    "  \n\n  ",
    "They met in Paris",
    "Fighters left Baghouz.\n\n  \nThe Syrian "
    "Democratic Forces and the United Nations Office for the Coordination of Humanitarian "
    "Affairs in New York said so.",
    "he said\n\nLondon",
]


def _passages() -> list[str]:
    out = list(EDGES)
    for path in sorted((ROOT / "tests" / "data" / "geoparse").glob("*.jsonl")):
        out += [json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip()]
    return out


@pytest.fixture(scope="module")
def spacy_own():
    """A second copy of the model left as spaCy loads it: its ops and its own decoding."""
    import spacy

    return spacy.load(ner.MODEL, exclude=list(ner.UNUSED_PIPES))


def test_the_decoder_takes_the_entities_spacy_takes(spacy_own):
    texts = _passages()
    want = [[(e.start, e.end, e.label_) for e in doc.ents] for doc in spacy_own.pipe(texts)]
    nlp = ner.model()
    dec = ner_decode.decoder(nlp.get_pipe("ner"))
    assert dec is not None
    docs = [nlp.make_doc(t) for t in texts]
    got = [
        g for at in range(0, len(docs), 50) for g in ner_decode.entities(dec, docs[at : at + 50])
    ]
    assert sum(map(len, want)) > 500  # the passages are full of names
    assert got == want


def test_entities_are_the_same_through_spacys_loop(monkeypatch):
    texts = _passages()[:40]
    fast = ner.entities(texts)
    monkeypatch.setattr(ner, "_decoder", None)  # a model the decoder does not know
    assert ner.entities(texts) == fast


def test_a_beam_model_is_left_to_spacy():
    pipe = ner.model().get_pipe("ner")
    pipe.cfg["beam_width"] = 4
    try:
        assert ner_decode.decoder(pipe) is None
    finally:
        pipe.cfg["beam_width"] = 1
