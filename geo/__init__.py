"""Place names in dated articles -> a timeline map. Stages, one package each (docs/architecture.md):
ingest -> geoparse (gazetteer, geocode) -> dating -> table -> view.

The few entry points, loaded on first use so that `import geo.config` stays light:
`build_events(settings)` (the offline build), `read_events(path)` (data/events.csv as a typed
table) and `Settings` (configuration from the environment).
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

_ENTRY_POINTS = {
    "build_events": "geo.table.pipeline",
    "read_events": "geo.table.store",
    "Settings": "geo.config",
}
__all__ = sorted(_ENTRY_POINTS)


def __getattr__(name: str) -> Any:
    if name in _ENTRY_POINTS:
        return getattr(import_module(_ENTRY_POINTS[name]), name)
    raise AttributeError(f"module 'geo' has no attribute {name!r}")
