"""Shared fixtures: the compiled gazetteer (built once per machine, then memory-mapped)."""
from __future__ import annotations

import pytest

from geo import gazetteer
from geo.config import Settings
from geo.places import Recogniser


@pytest.fixture(scope="session")
def gaz():
    s = Settings()
    return gazetteer.default(str(s.gazetteer_path), str(s.index_dir))


@pytest.fixture(scope="session")
def recognise(gaz):
    return Recogniser(gaz)
