"""Shared fixtures: the compiled gazetteer (built once per machine, then memory-mapped) and
the two recognisers."""
from __future__ import annotations

import pytest

from geo import gazetteer
from geo.config import Settings
from geo.places import Recogniser


@pytest.fixture(scope="session")
def gaz():
    s = Settings()
    return gazetteer.default(str(s.gazetteer_path), str(s.index_dir))


@pytest.fixture(scope="session", params=["fast", "model"])
def recognise(gaz, request):
    """Both recognisers: the gazetteer alone (`--fast`) and the gazetteer with the model."""
    if request.param == "fast":
        return Recogniser(gaz)
    from geo import ner
    from geo.toponyms import Toponyms
    both = Toponyms(Recogniser(gaz))
    return lambda text: both(text, ner.entities([text])[0])
