"""One raw Nominatim result (json or jsonv2) as a Candidate: its name in the wanted language,
its point, and our kind from Nominatim's addresstype, class/type and place rank."""

from __future__ import annotations

from geo.models import Candidate

_REGION = {"state", "province", "county", "region", "state_district", "district"}
_VILLAGE = {"village", "hamlet", "suburb", "neighbourhood", "quarter", "isolated_dwelling"}
_NATURAL_CLASSES = {"natural", "waterway", "water"}
_NATURAL_TYPES = {
    "river",
    "water",
    "stream",
    "mountain",
    "peak",
    "valley",
    "ridge",
    "desert",
    "wadi",
    "lake",
    "island",
    "mountain_range",
}


def place_kind(raw: dict) -> str:
    """Our kind (see geo.models.KINDS) from Nominatim's addresstype, class/type and rank."""
    cls = raw.get("class") or raw.get("category") or ""
    typ = raw.get("type") or ""
    addresstype = raw.get("addresstype") or ""
    # OSM tags camps as amenity=refugee_site now (refugee_camp is the older value).
    if (
        {"refugee_camp", "refugee_site"} & {typ, addresstype}
        or cls == "military"
        or (cls, typ) in {("tourism", "camp_site"), ("landuse", "military")}
    ):
        return "camp"
    if cls in _NATURAL_CLASSES or typ in _NATURAL_TYPES:
        return "natural feature"
    for value in (addresstype, typ):
        if value == "country":
            return "country"
        if value in _REGION:
            return "region"
        if value in {"city", "town"}:
            return value
        if value in _VILLAGE:
            return "village"
    try:
        rank = int(raw.get("place_rank", ""))  # missing, None or junk: a site
    except (TypeError, ValueError):
        return "site"
    # Nominatim's ranks: 4 country, 5-12 regions, 13-16 cities, 17-18 towns, 19-25 villages.
    for top, kind in ((4, "country"), (12, "region"), (16, "city"), (18, "town"), (25, "village")):
        if rank <= top:
            return kind
    return "site"


def candidate_from_raw(raw: dict, language: str = "en") -> Candidate:
    """One Nominatim result (json or jsonv2) as a Candidate; ValueError if it has no point."""
    names = raw.get("namedetails") or {}
    name = (
        names.get(f"name:{language}")
        or names.get("name:en")
        or names.get("name")
        or str(raw.get("display_name") or "").split(",")[0].strip()
    )
    try:
        lat, lon = float(raw["lat"]), float(raw["lon"])
    except (KeyError, TypeError, ValueError):
        raise ValueError(
            f"Nominatim result {raw.get('osm_type')}/{raw.get('osm_id')} has no "
            f"usable lat/lon: {raw.get('lat')!r}, {raw.get('lon')!r}"
        ) from None
    try:
        score = float(raw.get("importance") or 0.0)
    except (TypeError, ValueError):
        score = 0.0
    address = raw.get("address") or {}
    return Candidate(
        name=name or "?",
        lat=lat,
        lon=lon,
        kind=place_kind(raw),
        country=str(address.get("country_code") or "").upper(),
        source="nominatim",
        ref=f"{raw.get('osm_type', '')}/{raw.get('osm_id', '')}",
        score=score,
    )
