"""Save an uploaded article as a front-matter .md file under the articles folder."""
from __future__ import annotations

import re
from pathlib import Path

from geo.files import atomic_write
from geo.ingest.articles import MAX_NAME_BYTES, article_ids, shorten
from geo.models import Article


def save_article(article: Article, folder: Path, *, editor: str, root: Path | None = None) -> Path:
    """Write `article` as a front-matter .md in `folder` and return its path.

    Its id on reload is its path under `root` (the articles folder; default `folder`) without
    the suffix. That id never equals one in use anywhere under `root` and no file is ever
    replaced: a taken name gets -2, -3 ... The name comes from the article's id, cut to
    MAX_NAME_BYTES. `editor` (who added it) is recorded as `added_by`.
    """
    folder = Path(folder)
    root = Path(root) if root is not None else folder
    folder.mkdir(parents=True, exist_ok=True)
    slug = shorten(re.sub(r"[^\w\-]+", "-", article.id), MAX_NAME_BYTES).strip("-_.") \
        or article.published.isoformat()
    if slug.lower() == "readme":
        slug += "-article"  # the loader skips README.md
    content = _front_matter_text(article, editor)
    taken = article_ids(root)
    for n in range(1, 10_000):
        target = folder / (f"{slug}.md" if n == 1 else f"{slug}-{n}.md")
        if target.relative_to(root).with_suffix("").as_posix() in taken:
            continue
        try:
            open(target, "x").close()  # reserve the name so a racing writer cannot take it
        except FileExistsError:
            continue
        _write_reserved(target, content, slug)
        return target
    raise FileExistsError(f"{folder}/{slug}.md and 9,999 numbered copies exist: clean up the folder")


def _front_matter_text(article: Article, editor: str) -> str:
    lines = ["---", f"date: {article.published.isoformat()}"]
    values = [(key, getattr(article, key)) for key in ("title", "source", "url", "link_note")]
    for key, value in values + [("added_by", editor[:200])]:
        value = " ".join(str(value).split())
        if value:
            lines.append(f'{key}: "{value}"')  # quoted so the loader's unquoting round-trips
    return "\n".join(lines + ["---", article.text.strip(), ""])


def _write_reserved(target: Path, content: str, slug: str) -> None:
    """Fill the reserved (empty) `target` atomically; on failure remove it, leave nothing."""
    try:
        atomic_write(target, content)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
