"""Recognition on the campaign's traps (../shared/reference/README.md) and general news cases."""

from __future__ import annotations

import pytest

from geo.config import CAMPAIGN_VIEWBOX
from geo.geoparse.rank import rank


def found(recognise, text):
    return [
        (m.surface, m.candidates[0].name if m.candidates else None)
        for m in rank(recognise(text), CAMPAIGN_VIEWBOX)
    ]


def surfaces(recognise, text):
    return [s for s, _ in found(recognise, text)]


def test_seed_article_places(recognise):
    from pathlib import Path

    text = Path("data/articles/2019-03-03-pa-baghouz-last-stand.txt").read_text(encoding="utf-8")
    names = {name for _, name in found(recognise, text)}
    assert {"Al-Baghuz Fawqani", "Syria", "Iraq"} <= names
    assert "eastern Syria" in surfaces(recognise, text)
    for wrong in ("Bolton", "Bali", "Trump", "CNN", "Louisville"):
        assert wrong not in names and wrong not in surfaces(recognise, text)


@pytest.mark.parametrize(
    "text, person",
    [
        (
            "National security adviser John Bolton said the group was finished. Bolton added more.",
            "Bolton",
        ),
        ("SDF media chief Mustafa Bali said fighters advanced. Bali later tweeted.", "Bali"),
        ("Spokesman Adnan Afrin said the push had stalled.", "Afrin"),
        ("Commander Mazlum Kobane visited the front.", "Kobane"),
        ("YPG spokesman Shiyar Hasakah spoke to reporters.", "Hasakah"),
        ("The commander Mustafa Manbij was wounded.", "Manbij"),
        ("Sinjar Shammar led the unit.", "Shammar"),
        ("Chiya Firat said the offensive resumed.", "Firat"),
        ("Abu Bakr al-Baghdadi was believed to be hiding.", "al-Baghdadi"),
        ("The SDF launched Operation Cizire Storm on Monday.", "Cizire"),
        ("Operation Jazira Storm resumed after a pause.", "Jazira"),
    ],
)
def test_people_and_operations_are_not_places(recognise, text, person):
    assert not any(person in s for s in surfaces(recognise, text))


def test_actors_are_associative_not_literal(recognise):
    text = "The US-led coalition and US-backed fighters struck positions; Iraqi forces watched."
    got = [(m.surface, m.role) for m in recognise(text)]
    assert ("US", "associative") in got
    assert all(role == "associative" for _, role in got), got


@pytest.mark.parametrize(
    "text, surface",
    [
        ("Chicago police said the road was closed.", "Chicago"),
        ("Washington said the talks would go on.", "Washington"),
        ("Three cases of West Nile virus were confirmed.", "Nile"),
    ],
)
def test_modifiers_and_metonymy_are_associative(recognise, text, surface):
    got = {m.surface: m.role for m in recognise(text)}
    assert not any(surface in s and role == "literal" for s, role in got.items()), got


def test_currency_is_not_a_place(recognise):
    assert surfaces(recognise, "The fine was US$460 million.") == []


@pytest.mark.parametrize(
    "text, surface, name",
    [
        ("Fighters shelled Sousa and al-Susah overnight.", "Sousa", "Al-Susah"),
        ("Clashes went on in as-Sousah on Monday.", "as-Sousah", "Al-Susah"),
        ("The SDF entered Hajin on Friday.", "Hajin", "Hajin"),
        ("Families reached al-Hol camp in Hasakah.", "al-Hol camp", "Al-Hol camp"),
        ("Convoys left Baghuz for the north.", "Baghuz", "Al-Baghuz Fawqani"),
        ("The road from Deir al-Zor to Albukamal was closed.", "Deir al-Zor", "Deir ez-Zor"),
        ("The road from Deir al-Zor to Albukamal was closed.", "Albukamal", "Abu Kamal"),
        ("Al Mayadeen lies south of the oil fields.", "Al Mayadeen", "Mayadin"),
    ],
)
def test_campaign_variants_resolve_to_the_campaign_place(recognise, text, surface, name):
    assert (surface, name) in found(recognise, text)


def test_sousse_is_never_chosen_in_a_campaign_text(recognise):
    text = "SDF fighters advanced from Hajin towards Susa and Baghouz."
    assert ("Susa", "Al-Susah") in found(recognise, text)


def test_possessive_region_and_river(recognise):
    text = "Syria's war reached eastern Syria, where fighters crossed the Euphrates."
    got = {m.surface: m for m in rank(recognise(text), CAMPAIGN_VIEWBOX)}
    assert got["Syria"].candidates[0].kind == "country"
    assert got["eastern Syria"].candidates[0].kind == "region"
    assert got["Euphrates"].candidates[0].kind == "natural feature"


def test_province_is_a_region(recognise):
    got = rank(recognise("Fighting spread across Deir ez-Zor province."), CAMPAIGN_VIEWBOX)
    assert [(m.surface, m.candidates[0].kind) for m in got] == [("Deir ez-Zor province", "region")]


def test_demonyms_are_not_literal_places(recognise):
    got = rank(recognise("Syrian and Iraqi officials met Kurdish leaders."), CAMPAIGN_VIEWBOX)
    assert all(m.role == "associative" and m.candidates[0].kind == "demonym" for m in got), got


@pytest.mark.parametrize(
    "text",
    [
        "Reading the statement aloud, he paused.",
        "Mobile phones were confiscated.",
        "Bath time was over.",
        "Early on Sunday, the shelling stopped.",
        "Sunday was quiet.",
        "March was a hard month.",
    ],
)
def test_sentence_initial_common_words_are_not_places(recognise, text):
    assert surfaces(recognise, text) == []


def test_organisations_and_people_named_after_places(recognise):
    text = "Manchester United beat Real Madrid; the New York Times interviewed Paris Hilton."
    assert surfaces(recognise, text) == []


def test_surname_elsewhere_used_as_destination_is_kept(recognise):
    text = "Jack London wrote the book. Years later the manuscript was flown to London."
    assert surfaces(recognise, text) == ["London"]


def test_container_disambiguates(recognise):
    got = dict(found(recognise, "A storm hit Paris, Texas, on Monday."))
    cands = rank(recognise("A storm hit Paris, Texas, on Monday."), None)[0].candidates
    assert cands[0].country == "US" and got["Texas"] == "Texas"


def test_context_marks_unknown_places(recognise):
    text = "Residents fled to the village of Tayana and then to Rukban camp."
    got = recognise(text)
    unknown = [m for m in got if not m.candidates]
    assert [m.surface for m in unknown] == ["Tayana"]
    assert unknown[0].cue == "context:village"


def test_offsets_point_into_the_text(recognise):
    text = "Strikes hit al-Shafa, Hajin’s market and the outskirts of Abu Kamal."
    for m in recognise(text):
        assert text[m.start : m.end] == m.surface


def test_cue_windows_find_what_a_full_scan_finds():
    """The context cues are tried only near their literal words; that must find exactly the
    matches a scan of the whole text finds (random texts rich in cues, names and dashes)."""
    import random

    from geo.geoparse import cues as P

    rnd = random.Random(1)
    tokens = [
        "the",
        "The",
        "village",
        "of",
        "camp",
        "refugee",
        "camp",
        "oil",
        "field",
        "hill",
        "crossing",
        "border",
        "al-Hol",
        "Al-Foo",
        "Foo",
        "Bar-Baz",
        "al-",
        "el-Bab",
        "x",
        "\n",
        "  ",
        "Hol's",
        "O’Neil",
        "town",
        "area",
        "of\n",
        "\t",
        "Camp",
        "Xcamp",
        "campx",
        "-",
        "ÉCole",
        "al-Q",
    ]
    found = 0
    for _ in range(1500):
        text = "".join(
            rnd.choice(tokens) + rnd.choice([" ", "", " ", "-", "\n"])
            for _ in range(rnd.randint(1, 40))
        )
        for pattern, windows in zip(
            P._CONTEXT_CUES, (P._of_windows, P._after_windows), strict=True
        ):
            full = [m.span() for m in pattern.finditer(text)]
            assert [m.span() for m in P._cue_matches(pattern, text, windows(text))] == full, text
            found += len(full)
    assert found > 500  # the texts do exercise both patterns
