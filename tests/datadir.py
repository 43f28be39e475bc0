"""A throwaway copy of data/ for tests that add articles, corrections or a cache."""
from __future__ import annotations

import shutil
from pathlib import Path

from geo.config import ROOT, Settings

# An article that tries to run code wherever its text is shown: title, source, link and body.
# Anything that ran would set window.__pwned (checked by the browser test).
HOSTILE_ARTICLE = """---
date: 2019-03-04
title: "<script>window.__pwned=1</script> Baghouz report"
source: "<img src=x onerror=window.__pwned=3>"
url: "javascript:window.__pwned=4"
---
SDF fighters advanced into Baghouz on Monday <script>window.__pwned=1</script> while
an <img src=x onerror="window.__pwned=2"> image was posted from Baghouz.
"""


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
        from geo.table.pipeline import build_events
        from geo.table.store import write_events

        settings = Settings.from_env({"GEO_DATA_DIR": str(data)})
        table, _ = build_events(settings, online=False)
        write_events(table, settings.events_path)
    return data
