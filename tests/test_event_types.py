"""The event-type lexicon: order matters, words match whole, the table documents it."""
import pytest

from geo.dating.event_types import (
    DEFAULT_TYPE,
    EVENT_TYPES,
    LEXICON,
    classify,
    explain,
    lexicon_markdown,
)


@pytest.mark.parametrize("sentence, expected", [
    ("Islamic State fought back in Baghuz with car bombs and suicide attackers.", "car bomb / suicide attack"),
    ("Coalition air strikes hit a mosque in the Sousa area.", "air strike"),
    ("Several car bombs were destroyed by coalition airstrikes.", "car bomb / suicide attack"),
    ("A war monitor said SDF artillery shelled Hajeen on Tuesday.", "shelling / mortar"),
    ("Mines slowed the column for a day.", "mines / IED"),
    ("A mass grave holding dozens of bodies was found near Baghouz.", "casualties / graves"),
    ("A convoy of lorries carried women and children out of Baghuz.", "evacuation / civilians / aid"),
    ("Dozens of fighters surrendered at dawn.", "surrender / detention"),
    ("SDF units first entered Hajin last week.", "ground assault / advance"),
    ("An SDF commander said his forces took Sousah on Tuesday.", "ground assault / advance"),
    ("The SDF announced the start of the campaign.", "statement"),
    ("The town lies in the Abu Kamal district.", DEFAULT_TYPE),
    ("", DEFAULT_TYPE),
])
def test_classify(sentence, expected):
    assert classify(sentence) == expected


def test_whole_words_only():
    # "aid" must not fire inside "said", nor "mine" inside "determined".
    assert classify("He said they were determined.") == "statement"
    assert explain("Aid workers arrived.") == ("evacuation / civilians / aid", "Aid")


def test_every_type_is_documented_in_order():
    table = lexicon_markdown()
    lines = table.splitlines()[2:]
    assert [line.split(" | ")[1] for line in lines] == list(EVENT_TYPES)
    assert EVENT_TYPES[-1] == DEFAULT_TYPE and DEFAULT_TYPE not in LEXICON
