"""Settings from the environment and Streamlit secrets: safe defaults, clear errors."""

from __future__ import annotations

import pytest

from geo.config import CAMPAIGN_VIEWBOX, ConfigError, Settings, Tiles


def test_defaults_are_offline():
    s = Settings.from_env({})
    assert s.nominatim_enabled is False
    assert s.timeout == 10.0 and s.min_delay == 1.0
    assert s.country_codes == ("sy", "iq") and s.viewbox == CAMPAIGN_VIEWBOX


def test_environment_and_secrets():
    env = {
        "GEO_NOMINATIM": "on",
        "GEO_NOMINATIM_DOMAIN": "127.0.0.1:8088",
        "GEO_NOMINATIM_SCHEME": "http",
        "GEO_USER_AGENT": "map/1.0 (me@example.org)",
        "GEO_COUNTRY_CODES": "SY, iq",
        "GEO_VIEWBOX": "33,38,37.5,42.5",
        "GEO_TIMEOUT": "5",
    }
    s = Settings.from_env(env, secrets={"GEO_EDITING": False, "GEO_TIMEOUT": 7})
    assert (
        s.nominatim_enabled
        and s.nominatim_domain == "127.0.0.1:8088"
        and s.nominatim_scheme == "http"
    )
    assert s.country_codes == ("sy", "iq") and s.viewbox == (33.0, 38.0, 37.5, 42.5)
    assert s.editing is False and s.timeout == 7.0  # secrets win over the environment


@pytest.mark.parametrize(
    "env, words",
    [
        ({"GEO_NOMINATIM": "maybe"}, "GEO_NOMINATIM='maybe'"),
        ({"GEO_TIMEOUT": "fast"}, "GEO_TIMEOUT='fast'"),
        ({"GEO_VIEWBOX": "1,2,3"}, "south,west,north,east"),
        ({"GEO_VIEWBOX": "40,38,33,42"}, "south must be below north"),
        ({"GEO_COUNTRY_CODES": "syria"}, "two-letter"),
        ({"GEO_NOMINATIM_SCHEME": "ftp"}, "http or https"),
        ({"GEO_TILES": "https://t.example.org/{z}/{x}/{y}.png"}, "attribution is missing"),
        ({"GEO_TILES": "https://t.example.org/{z}/{y}.png|© Example"}, "{z}, {x}, {y}"),
        ({"GEO_TILES": "file:///tiles/{z}/{x}/{y}.png|© Example"}, "GEO_TILES='file:"),
        ({"GEO_TILES": ""}, "or 'none' for the offline basemap"),
    ],
)
def test_bad_values_name_the_setting(env, words):
    with pytest.raises(ConfigError, match=None) as err:
        Settings.from_env(env)
    assert words in str(err.value)


def test_tiles_default_to_openstreetmap_and_can_be_switched_off():
    assert Settings.from_env({}).tiles == Tiles(
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors"
    )
    assert Settings.from_env({"GEO_TILES": " None "}).tiles is None
    own = Settings.from_env(
        {"GEO_TILES": "https://tiles.example.org/{z}/{x}/{y}.png | © Example, ODbL"}
    )
    assert own.tiles == Tiles("https://tiles.example.org/{z}/{x}/{y}.png", "© Example, ODbL")


def test_public_server_needs_an_identifying_agent():
    with pytest.raises(ConfigError, match="GEO_USER_AGENT"):
        Settings.from_env({"GEO_NOMINATIM": "on"})


def test_every_variable_sets_a_field_of_its_own():
    from dataclasses import fields

    from geo.config import VARIABLES

    names = [field_name for _, field_name, _, _ in VARIABLES]
    assert len(names) == len(set(names)) and set(names) <= {f.name for f in fields(Settings)}
