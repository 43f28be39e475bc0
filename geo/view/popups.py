"""The text of the map's points as safe HTML: popups (the newest events behind a point, the
place name marked in each sentence), tooltips and links (http(s) only).

Every string from an article is HTML-escaped here, before it reaches the page: Leaflet inserts
tooltip and popup fields as HTML, and the map runs in the app's page.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlparse

import pandas as pd


def safe_url(url: str) -> str:
    """Only http(s) links are ever drawn; anything else (javascript:, data:) becomes ''."""
    try:
        parsed = urlparse((url or "").strip())
    except ValueError:
        return ""
    return parsed.geturl() if parsed.scheme in ("http", "https") and parsed.netloc else ""


def highlight(sentence: str, surface: str) -> str:
    """The sentence, escaped, with the place name marked."""
    i = sentence.find(surface) if surface else -1
    if i < 0:
        return html.escape(sentence)
    return (
        html.escape(sentence[:i])
        + "<mark>"
        + html.escape(surface)
        + "</mark>"
        + html.escape(sentence[i + len(surface) :])
    )


def event_snippet(row: Any) -> str:
    """One event as safe HTML: when (and why), what, the sentence, where it was reported."""
    when = row.event_date.strftime("%a %d %b %Y") if pd.notna(row.event_date) else "background"
    if pd.notna(row.event_end):
        when += " – " + row.event_end.strftime("%a %d %b %Y")
    link = safe_url(row.url)
    title = html.escape(row.title)
    title_html = (
        (
            f'<a href="{html.escape(link, quote=True)}" target="_blank" rel="noopener noreferrer">'
            f"{title}</a>"
        )
        if link
        else title
    )
    if link and pd.notna(row.link_note) and row.link_note:
        title_html += f" <i>({html.escape(row.link_note)})</i>"
    return (
        f'<div class="ev"><b>{html.escape(when)}</b> · {html.escape(row.event_type)}'
        f'<br><span class="rule">date rule: {html.escape(row.date_rule)} '
        f"({html.escape(row.date_precision)})</span>"
        f"<br>“{highlight(row.sentence, row.surface)}”"
        f"<br>{title_html} — {html.escape(row.source)}, published "
        f"{row.published.strftime('%d %b %Y')}</div>"
    )


def with_snippets(df: pd.DataFrame) -> pd.DataFrame:
    """Precompute each row's popup HTML once per data version, not on every rerun."""
    out = df.copy()
    out["snippet"] = [event_snippet(r) for r in df.itertuples(index=False)]
    return out


def popup_html(place: str, vague: bool, snippets: list[str], n: int) -> str:
    """A point's popup: its name, the newest events' (already escaped) snippets, how many more."""
    return (
        f"<h4>{html.escape(place)}</h4>"
        + ("<p><i>approximate location</i></p>" if vague else "")
        + "".join(snippets)
        + (
            f"<p>… and {n - len(snippets)} more in the day brief and the CSV export.</p>"
            if n > len(snippets)
            else ""
        )
    )


def tooltip_html(place: str, n: int, articles: int, etype: str) -> str:
    return html.escape(
        f"{place} — {n} mention{'s' * (n != 1)}, "
        f"{articles} article{'s' * (articles != 1)} · {etype}"
    )
