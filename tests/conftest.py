"""Shared fixtures: the compiled gazetteer (built once per machine, then memory-mapped) and
the two recognisers."""
from __future__ import annotations

import pytest

from geo.config import Settings
from geo.gazetteer import saved as gazetteer_index
from geo.geoparse.recognise import Recogniser
from tests.fake_nominatim import FakeNominatim


@pytest.fixture(scope="session")
def gaz():
    s = Settings()
    return gazetteer_index.load(str(s.gazetteer_path), str(s.index_dir))


@pytest.fixture(scope="session", params=["fast", "model"])
def recognise(gaz, request):
    """Both recognisers: the gazetteer alone (`--fast`) and the gazetteer with the model."""
    if request.param == "fast":
        return Recogniser(gaz)
    from geo.geoparse import ner
    from geo.geoparse.toponyms import Toponyms
    both = Toponyms(Recogniser(gaz))
    return lambda text: both(text, ner.entities([text])[0])


@pytest.fixture
def media(monkeypatch):
    """The media managers AppTest creates, so deferred downloads (exports) can be run as the
    server would run them on a click."""
    import streamlit.testing.v1.app_test as app_test_mod
    from streamlit.runtime.media_file_manager import MediaFileManager
    managers = []

    def recording(storage):
        manager = MediaFileManager(storage)
        managers.append(manager)
        return manager

    monkeypatch.setattr(app_test_mod, "MediaFileManager", recording)
    return managers


@pytest.fixture
def fake_nominatim():
    """A running FakeNominatim, stopped after the test."""
    with FakeNominatim() as server:
        yield server
