"""Editor corrections: validated, stored as reviewable CSV, applied by the resolver."""
from __future__ import annotations

import pytest

from geo.config import Settings
from geo.geoparse.corrections import Correction, Corrections
from geo.geoparse.resolve import Resolver
from geo.models import Candidate, Mention

HAJIN = Candidate("Hajin", 34.6894, 40.8308, "town", "SY", 0, "campaign", "gazetteer.csv:5", 0.9)
SAIMBEYLI = Candidate("Saimbeyli", 37.9861, 36.0947, "town", "TR", 5423, "geonames", "296852", 0.1)


def mention(surface="Hajin", cands=(HAJIN, SAIMBEYLI)):
    return Mention(0, len(surface), surface, surface.lower(), cands, "gazetteer")


def resolver(corrections):
    return Resolver(Settings(), corrections)


def test_round_trip_and_application(tmp_path):
    path = tmp_path / "corrections.csv"
    c = Corrections()
    c = c.added(Correction("a1", "Hajin", "pick", ref="296852", reason="the Turkish town"), path)
    c = c.added(Correction("*", "Bolton", "reject", reason="a person"), path)
    c = c.added(Correction("*", "Gharanij", "coords", lat=34.75, lon=40.80, kind="village"), path)
    loaded, problems = Corrections.load(path)
    assert problems == [] and len(loaded) == 3
    assert "reason" in path.read_text().splitlines()[0]
    r = resolver(loaded)
    assert r.resolve("a1", mention()).name == "Saimbeyli"
    assert r.resolve("a2", mention()).name == "Hajin"  # only that article
    assert r.resolve("x", mention("Bolton", ())) is None
    p = r.resolve("x", mention("Gharanij", ()))
    assert (p.lat, p.lon, p.kind, p.source) == (34.75, 40.80, "village", "correction")


def test_bad_rows_are_reported_and_others_kept(tmp_path):
    path = tmp_path / "corrections.csv"
    path.write_text("article_id,surface,action,name,ref,lat,lon,kind,reason,editor,decided\n"
                    "*,Hajin,move,,,,,,,,\n"
                    "*,Susa,coords,,,north,,,,,\n"
                    "*,Bolton,reject,,,,,,person,,\n")
    loaded, problems = Corrections.load(path)
    assert len(loaded) == 1
    assert [p.line for p in problems] == [2, 3]
    assert "not one of reject, pick, coords" in problems[0].reason
    assert "decimal lat and lon" in problems[1].reason


def test_invalid_correction_is_refused(tmp_path):
    with pytest.raises(ValueError, match="out of range"):
        Corrections().added(Correction("*", "X", "coords", lat=95, lon=0), tmp_path / "c.csv")
    assert not (tmp_path / "c.csv").exists()
