"""The whole front line on the bundled data: every campaign place with a sourced coordinate that a
brief names is recognised, resolved and drawn on the last day (cumulative), and the spellings the
press uses for the places added to the gazetteer are recognised and placed on the campaign entry.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from geo.geoparse.rank import rank
from geo.ingest.articles import load_articles
from geo.table import store
from geo.view import layer, popups, slices

ROOT = Path(__file__).resolve().parents[1]
GAZETTEER = ROOT / "data" / "gazetteer.csv"


def gazetteer_rows() -> list[dict]:
    with GAZETTEER.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


AREA_AFTER = re.compile(r"\s+(?:district|province|governorate|countryside|region)\b", re.IGNORECASE)


def dated_place_names() -> set[str]:
    """Places the corpus author lists as named on a day (tests/data/corpus_expectations.csv),
    leaving out background mentions and names used for an area ("Abu Kamal district")."""
    bodies = {
        Path(a.path).name: a.text for a in load_articles(ROOT / "data" / "articles" / "briefs")[0]
    }
    out = set()
    with (ROOT / "tests" / "data" / "corpus_expectations.csv").open(
        encoding="utf-8", newline=""
    ) as fh:
        for row in csv.DictReader(fh):
            if row["precision"] == "background":
                continue
            rx = re.compile(r"(?<![\w-])" + re.escape(row["surface"]) + r"(?![\w-])")
            end = list(rx.finditer(bodies[row["file"]]))[int(row["occurrence"]) - 1].end()
            if not AREA_AFTER.match(bodies[row["file"]], end):
                out.add(row["place"])
    return out


def test_last_day_shows_every_sourced_campaign_place_named_in_a_brief():
    sourced = {r["name"] for r in gazetteer_rows() if r["lat"] and r["pinned"] == "yes"}
    named = sourced & dated_place_names()
    assert {"Abu al-Hasan", "Al-Bubadran", "Al-Omar oil field", "Al-Shaddadah", "Kobani"} <= named

    table = popups.with_snippets(store.read_events(ROOT / "data" / "events.csv"))
    first, last = slices.day_range(table)
    mask = slices.DayIndex(table).mask(last, "cumulative", clock="event")
    drawn = {f["properties"]["place"] for f in layer.PointIndex(table).features(mask)["features"]}
    assert named <= drawn, f"named in a brief but not on the map on {last}: {sorted(named - drawn)}"


def test_places_without_a_sourced_coordinate_stay_unresolved():
    table = store.read_events(ROOT / "data" / "events.csv")
    blank = {r["name"] for r in gazetteer_rows() if not r["lat"]}
    rows = table[table["place"].isin(blank)]
    assert {"Abu Khatir", "Al-Shajlah", "Al-Safafinah", "Al-Baghuz Tahtani"} <= set(rows["place"])
    assert rows["lat"].isna().all()


SPELLINGS = {
    "Qamishli": "Qamishli",
    "al-Shaddadah": "Al-Shaddadah",
    "Shaddadi": "Al-Shaddadah",
    "Ayn Issa": "Ayn Issa",
    "Ain Issa": "Ayn Issa",
    "Tishrin dam": "Tishrin Dam",
    "Tabqa dam": "Tabqa Dam",
    "Sheikh Maqsood": "Sheikh Maqsood (Aleppo)",
    "Sheikh Maqsoud": "Sheikh Maqsood (Aleppo)",
    "Abu al-Hasan": "Abu al-Hasan",
    "Abu Hassan": "Abu al-Hasan",
    "al-Bubadran": "Al-Bubadran",
    "al-Boubadran": "Al-Bubadran",
    "Al Boubadran": "Al-Bubadran",
    "Gharanij": "Gharanij",
    "Abu Hamam": "Abu Hamam",
    "al-Shuhayl": "Al-Shuhayl",
    "Diban": "Diban",
    "al-Busayrah": "Al-Busayrah",
    "Tal Abyad": "Tell Abyad",
    "Kobane": "Kobani",
    "al-Omar oil field": "Al-Omar oil field",
}


@pytest.mark.parametrize("surface", SPELLINGS)
def test_press_spellings_resolve_to_the_campaign_place(recognise, surface):
    text = f"SDF fighters clashed with Islamic State near {surface} in eastern Syria on Tuesday."
    found = [m for m in rank(recognise(text)) if m.surface.startswith(surface.split()[0])]
    assert found, f"{surface!r} not recognised in {text!r}"
    best = found[0].candidates[0]
    assert (best.name, best.source) == (SPELLINGS[surface], "campaign")
    assert best.has_point
