"""What an editor's changes do, apart from the UI: parse a submission, save articles, append a
correction, and rebuild the events table. Writes happen under the one rebuild lock
(geo.editing.access.rebuild_lock), which refuses a second writer instead of queueing it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from geo.config import Settings
from geo.editing.access import rebuild_lock
from geo.geoparse.corrections import Correction, Corrections
from geo.ingest.articles import parse_upload
from geo.ingest.save import save_article
from geo.models import Article, Problem
from geo.table.store import write_events

if TYPE_CHECKING:  # the build's modules load the gazetteer: imported only when rebuilding
    from geo.table.pipeline import Summary


def parse_submission(
    name: str, data: bytes, settings: Settings
) -> tuple[list[Article], list[Problem]]:
    """A pasted or uploaded file's articles, within the settings' size and count limits."""
    return parse_upload(
        name, data, settings.max_upload_bytes, max_articles=settings.max_articles_per_upload
    )


def add_articles(
    articles: list[Article], settings: Settings, editor: str
) -> tuple[list[Path], Summary]:
    """Save the articles under articles/added (recording `editor`) and rebuild."""
    folder, root = settings.articles_dir / "added", settings.articles_dir
    with rebuild_lock(settings.data_dir):
        saved = [save_article(a, folder, editor=editor, root=root) for a in articles]
        return saved, rebuild_events(settings)


def add_correction(correction: Correction, settings: Settings) -> Summary:
    """Append the correction to corrections.csv and rebuild."""
    with rebuild_lock(settings.data_dir):
        current, _ = Corrections.load(settings.corrections_path)
        current.added(correction, settings.corrections_path)
        return rebuild_events(settings)


def rebuild_events(settings: Settings) -> Summary:
    """Re-run the offline build and rewrite events.csv atomically (readers see the old file or
    the new one). Call it holding the rebuild lock."""
    from geo.table.pipeline import build_events

    table, summary = build_events(settings, online=False)
    write_events(table, settings.events_path)
    return summary
