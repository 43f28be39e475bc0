"""A throwaway copy of data/ for tests that add articles, corrections or a cache."""
from __future__ import annotations

import shutil
from pathlib import Path

from geo.config import ROOT, Settings


def copy_data(tmp: Path, *, articles: bool = True, extra: dict[str, str] | None = None,
              build: bool = False) -> Path:
    """tmp/data with the campaign gazetteer, the bundled articles (unless `articles=False`) and
    `extra` articles (file name -> text); with `build`, events built offline into it."""
    data = tmp / "data"
    (data / "articles").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "data" / "gazetteer.csv", data / "gazetteer.csv")
    if articles:
        shutil.copytree(ROOT / "data" / "articles", data / "articles", dirs_exist_ok=True)
    for name, text in (extra or {}).items():
        (data / "articles" / name).write_text(text, encoding="utf-8")
    if build:
        from geo.events import write_events
        from geo.pipeline import build_events

        settings = Settings.from_env({"GEO_DATA_DIR": str(data)})
        table, _ = build_events(settings, online=False)
        write_events(table, settings.events_path)
    return data
