"""Each rule of the recogniser's judgement (geo/geoparse/place_rules.py) alone, on made-up
candidates: no gazetteer, so a failure names the rule that changed."""
from __future__ import annotations

import pytest

from geo.gazetteer.names import name_key
from geo.geoparse import place_rules as r
from geo.models import Candidate

TOWN = Candidate("Smallton", 10.0, 20.0, "town", "GB", 20_000, "geonames", "1")
CITY = Candidate("Bigton", 10.0, 20.0, "city", "US", 2_000_000, "geonames", "2")
MID = Candidate("Midton", 10.0, 20.0, "town", "US", 60_000, "geonames", "3")
COUNTRY = Candidate("Syria", 35.0, 38.0, "country", "SY", 17_000_000, "countryinfo", "SY")
REGION = Candidate("England", 52.0, -1.0, "region", "GB", 0, "geonames", "England")
CAMPAIGN = Candidate("Hajin", 34.7, 40.8, "town", "SY", 0, "campaign", "gazetteer.csv:9")
DEMONYM = Candidate("Syrian", None, None, "demonym", "SY", 0, "countryinfo", "SY")


def judging(text: str, name: str, *cands: Candidate, common: bool = False) -> r.Judging:
    cands = cands or (TOWN,)
    start = text.index(name)
    return r.Judging(text, start, start + len(name), name_key(name), cands,
                     tuple(c for c in cands if c.kind != "demonym"), common)


def unchanged(j: r.Judging, text: str, name: str) -> bool:
    start = text.index(name)
    return (j.start, j.end, j.surface, j.role, j.area) == (start, start + len(name), name,
                                                            "literal", False)


@pytest.mark.parametrize("text, name, verdict", [
    ("The fine was US$460 million.", "US", r.DROP),
    ("It cost $US 15.", "US", r.DROP),
    ("Strain B/Massachusetts/2/2012 spread.", "Massachusetts", r.DROP),
    ("They met in May to talk.", "May", r.DROP),
    ("They met in Smallton to talk.", "Smallton", None),
])
def test_not_a_name(text, name, verdict):
    assert r.not_a_name(judging(text, name)) == verdict


@pytest.mark.parametrize("text, name, cands, verdict", [
    ("The FAO said so.", "FAO", (TOWN,), r.DROP),
    ("The F.A.O. said so.", "F.A.O.", (TOWN,), r.DROP),
    ("The UK said so.", "UK", (COUNTRY,), None),
    ("The UK said so.", "UK", (REGION,), None),
    ("The SDF said so.", "SDF", (CAMPAIGN,), None),
    ("Smallton said so.", "Smallton", (TOWN,), None),
])
def test_acronym(text, name, cands, verdict):
    assert r.acronym(judging(text, name, *cands)) == verdict


@pytest.mark.parametrize("text, role", [
    ("The US-led coalition struck.", "associative"),
    ("US-backed fighters advanced.", "associative"),
    ("The US-Mexico border was shut.", "literal"),
])
def test_actor_suffix(text, role):
    j = judging(text, "US", COUNTRY)
    assert r.actor_suffix(j) is None and j.role == role


@pytest.mark.parametrize("text, role", [
    ("She studied at the University of Smallton.", "associative"),
    ("The Bank of Smallton raised rates.", "associative"),
    ("The road south of Smallton was shut.", "literal"),
])
def test_organisation_of(text, role):
    j = judging(text, "Smallton")
    assert r.organisation_of(j) is None and j.role == role


def test_arabic_article_joins_the_name():
    text = "Abu Bakr al-Baghdadi was hiding."
    j = judging(text, "Baghdadi")
    assert r.arabic_article(j) is None
    assert (j.surface, j.written, j.start) == ("al-Baghdadi", "al-Baghdadi", text.index("al-"))


def test_arabic_article_needs_the_article():
    text = "The cross-Smallton road."
    j = judging(text, "Smallton")
    assert r.arabic_article(j) is None and unchanged(j, text, "Smallton")


@pytest.mark.parametrize("text, verdict", [
    ("National security adviser John Smallton said no.", r.PERSON),
    ("Commander Smallton visited.", r.PERSON),
    ("They met President Smallton.", r.PERSON),
    ("They fled to Smallton.", None),
    ("Iran was blamed. Smallton denied it.", None),  # a full stop ends the sentence
    ("The UN Smallton office.", None),  # an acronym before is not a given name
    ("Fighting in Northern Smallton went on.", None),
])
def test_person_before(text, verdict):
    assert r.person_before(judging(text, "Smallton")) == verdict


def test_area_word_after_widens_into_an_area():
    text = "Clashes in Smallton province went on."
    j = judging(text, "Smallton")
    assert r.area_word_after(j) is None
    assert (j.surface, j.written, j.area) == ("Smallton province", "Smallton", True)


@pytest.mark.parametrize("text", ["Clashes in Smallton city.", "Clashes in Smallton went on.",
                                  "Clashes in Smallton."])
def test_area_word_after_only_for_area_words(text):
    j = judging(text, "Smallton")
    assert r.area_word_after(j) is None and unchanged(j, text, "Smallton")


@pytest.mark.parametrize("text, verdict", [
    ("Bigton Hilton arrived.", r.DROP),
    ("Bigton United won.", r.DROP),
    ("The Bigton May fair.", None),  # a month after the name
    ("Bigton Province was hit.", None),  # a place word
    ("Bigton NATO base.", None),  # an acronym
    ("Bigton was hit.", None),
])
def test_name_after(text, verdict):
    assert r.name_after(judging(text, "Bigton", CITY)) == verdict


@pytest.mark.parametrize("text, cands, verdict", [
    ("Smallton said the talks failed.", (TOWN,), r.DROP),
    ("Bigton said the talks failed.", (CITY,), None),  # a capital speaks for its government
    ("Officials in Smallton said so.", (TOWN,), None),
    ("Hajin said nothing.", (CAMPAIGN,), None),
])
def test_speaks_after(text, cands, verdict):
    assert r.speaks_after(judging(text, cands[0].name, *cands)) == verdict


@pytest.mark.parametrize("text, name, cands, role", [
    ("Bigton police closed the road.", "Bigton", (CITY,), "associative"),
    ("Syria troops moved.", "Syria", (COUNTRY,), "associative"),
    ("Bigton said the talks failed.", "Bigton", (CITY,), "associative"),
    ("Bigton streets were empty.", "Bigton", (CITY,), "literal"),
    ("Bigton state police.", "Bigton", (CITY,), "literal"),  # a place word: not this rule's
])
def test_actor_after(text, name, cands, role):
    j = judging(text, name, *cands)
    assert r.actor_after(j) is None and j.role == role


@pytest.mark.parametrize("text, cands, role", [
    ("He joined the England squad.", (REGION,), "associative"),
    ("He joined an England squad.", (REGION,), "literal"),
    ("He joined the England squad.", (TOWN,), "literal"),
])
def test_team_after(text, cands, role):
    j = judging(text, "England", *cands)
    assert r.team_after(j) is None and j.role == role


def test_only_demonyms():
    assert r.only_demonyms(judging("Syrian forces.", "Syrian", DEMONYM)) == r.DROP
    assert r.only_demonyms(judging("Syria forces.", "Syria", DEMONYM, COUNTRY)) is None


@pytest.mark.parametrize("text, name, cands, common, verdict", [
    ("They met in Smallton.", "Smallton", (TOWN,), False, None),
    ("Smallton the statement said.", "Smallton", (TOWN,), True, r.DROP),
    ("They read it in Smallton.", "Smallton", (TOWN,), True, r.DROP),  # small: 100,000 needed
    ("Midton the statement said.", "Midton", (MID,), True, r.DROP),  # sentence start: 1,000,000
    ("They met in Bigton.", "Bigton", (CITY,), True, None),
    ("They met in Hajin.", "Hajin", (CAMPAIGN,), True, None),
    ("Syrian forces.", "Syrian", (DEMONYM,), False, r.DROP),  # no place at all
])
def test_everyday_word(text, name, cands, common, verdict):
    assert r.everyday_word(judging(text, name, *cands, common=common)) == verdict


def test_direction_before_a_country_makes_an_area():
    text = "Fighting in eastern Syria went on."
    j = judging(text, "Syria", COUNTRY)
    assert r.direction_before(j) is None
    assert (j.surface, j.written, j.area) == ("eastern Syria", "Syria", True)


def test_direction_before_a_town_changes_nothing():
    text = "Fighting in eastern Smallton went on."
    j = judging(text, "Smallton")
    assert r.direction_before(j) is None and unchanged(j, text, "Smallton")


def test_rules_are_named_once_and_judge_stops_at_the_first_verdict():
    names = [name for name, _ in r.RULES]
    assert len(set(names)) == len(names) == len(r.RULES)
    # person_before comes before everyday_word: a person, not a dropped everyday word
    assert r.judge(judging("John Smallton said.", "Smallton", common=True)) == r.PERSON
    text = "Clashes in eastern Syria province."
    j = judging(text, "Syria", COUNTRY)
    assert r.judge(j) is None
    assert (j.surface, j.area, j.role) == ("eastern Syria province", True, "literal")
