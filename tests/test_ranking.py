"""Ranking evidence, one kind at a time, on hand-made candidates (no index needed)."""
from __future__ import annotations

from geo.config import CAMPAIGN_VIEWBOX
from geo.geoparse.rank import rank
from geo.models import Candidate, Mention

SUSAH = Candidate("Al-Susah", 34.5289, 40.9675, "town", "SY", 0, "campaign", "gazetteer.csv:6")
SOUSSE = Candidate("Sousse", 35.8254, 10.6370, "city", "TN", 164123, "geonames", "2464915")
HAJIN = Candidate("Hajin", 34.6894, 40.8308, "town", "SY", 0, "campaign", "gazetteer.csv:5")
SYRIA = Candidate("Syria", 35.0, 38.0, "country", "SY", 17_000_000, "campaign", "SY")
PARIS_FR = Candidate("Paris", 48.85341, 2.3488, "city", "FR", 2_138_551, "geonames", "2988507")
PARIS_TX = Candidate("Paris", 33.66094, -95.55551, "town", "US", 25_171, "geonames", "4717560")
TEXAS = Candidate("Texas", 30.7, -99.0, "region", "US", 21_000_000, "geonames", "admin1:US:Texas")
GEORGIA_C = Candidate("Georgia", 42.0, 43.5, "country", "GE", 4_490_500, "countryinfo", "GE")
GEORGIA_S = Candidate("Georgia", 32.9, -83.2, "region", "US", 4_487_589, "geonames", "admin1:US:Georgia")
ATLANTA = Candidate("Atlanta", 33.749, -84.388, "city", "US", 463_878, "geonames", "4180439")
TBILISI = Candidate("Tbilisi", 41.6941, 44.8337, "city", "GE", 1_049_498, "geonames", "611717")


def mention(start, surface, *cands):
    return Mention(start=start, end=start + len(surface), surface=surface, key=surface.lower(),
                   candidates=tuple(cands))


def best(ranked, i):
    return ranked[i].candidates[0]


def test_campaign_context_beats_a_bigger_namesake():
    ranked = rank([mention(0, "Hajin", HAJIN), mention(10, "Susa", SOUSSE, SUSAH)], CAMPAIGN_VIEWBOX)
    assert best(ranked, 1).name == "Al-Susah"


def test_without_campaign_context_population_wins():
    ranked = rank([mention(0, "Susa", SOUSSE, SUSAH)], None)
    assert best(ranked, 0).name == "Sousse"


def test_container_after_a_comma_decides():
    # "Paris, Texas": the next name, two characters on, places the first in its country.
    ranked = rank([mention(0, "Paris", PARIS_FR, PARIS_TX), mention(7, "Texas", TEXAS)], None)
    assert best(ranked, 0).country == "US"
    alone = rank([mention(0, "Paris", PARIS_FR, PARIS_TX)], None)
    assert best(alone, 0).country == "FR"


def test_country_focus_picks_the_state_or_the_country():
    us = rank([mention(0, "Atlanta", ATLANTA), mention(20, "Georgia", GEORGIA_C, GEORGIA_S)], None)
    assert best(us, 1).kind == "region" and best(us, 1).country == "US"
    ge = rank([mention(0, "Tbilisi", TBILISI), mention(20, "Georgia", GEORGIA_C, GEORGIA_S)], None)
    assert best(ge, 1).kind == "country"


def test_scores_are_a_distribution_and_alternatives_are_kept():
    ranked = rank([mention(0, "Syria", SYRIA), mention(10, "Susa", SOUSSE, SUSAH)], CAMPAIGN_VIEWBOX)
    cands = ranked[1].candidates
    assert [c.name for c in cands] == ["Al-Susah", "Sousse"]
    assert abs(sum(c.score for c in cands) - 1.0) < 0.01 and cands[0].score > cands[1].score


def test_campaign_row_speaks_for_its_geonames_twin():
    twin = Candidate("Hajīn", 34.69, 40.83, "town", "SY", 37_935, "geonames", "170000")
    ranked = rank([mention(0, "Hajin", twin, HAJIN), mention(10, "Syria", SYRIA)], CAMPAIGN_VIEWBOX)
    assert [c.source for c in ranked[0].candidates] == ["campaign"]
