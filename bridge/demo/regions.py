"""Province and regency records, and where in Indonesia each province's capital lies."""

from __future__ import annotations

import random
from dataclasses import dataclass

# The seat of each province's government, matched on the end of the normalised regency name.
CAPITALS = {
    "11": "kotabandaaceh", "12": "kotamedan", "13": "kotapadang", "14": "kotapekanbaru", "15": "kotajambi",
    "16": "kotapalembang", "17": "kotabengkulu", "18": "kotabandarlampung", "19": "kotapangkalpinang",
    "21": "kotatanjungpinang", "31": "kotajakartapusat", "32": "kotabandung", "33": "kotasemarang",
    "34": "kotayogyakarta", "35": "kotasurabaya", "36": "kotaserang", "51": "kotadenpasar", "52": "kotamataram",
    "53": "kotakupang", "61": "kotapontianak", "62": "kotapalangkaraya", "63": "kotabanjarbaru",
    "64": "kotasamarinda", "65": "kabupatenbulungan", "71": "kotamanado", "72": "kotapalu", "73": "kotamakassar",
    "74": "kotakendari", "75": "kotagorontalo", "76": "kabupatenmamuju", "81": "kotaambon",
    "82": "kotatidorekepulauan", "91": "kotajayapura", "92": "kabupatenmanokwari", "93": "kabupatenmerauke",
    "94": "kabupatennabire", "95": "kabupatenjayawijaya", "96": "kotasorong",
}  # fmt: skip

# Approximate coordinates of each province's capital; branches scatter around them.
CENTRES = {
    "11": (5.55, 95.32), "12": (3.59, 98.67), "13": (-0.95, 100.35), "14": (0.51, 101.45), "15": (-1.61, 103.61),
    "16": (-2.98, 104.76), "17": (-3.80, 102.27), "18": (-5.43, 105.26), "19": (-2.13, 106.11),
    "21": (0.92, 104.45), "31": (-6.18, 106.83), "32": (-6.91, 107.61), "33": (-6.99, 110.42),
    "34": (-7.80, 110.36), "35": (-7.25, 112.75), "36": (-6.12, 106.15), "51": (-8.65, 115.22),
    "52": (-8.58, 116.12), "53": (-10.18, 123.60), "61": (-0.03, 109.33), "62": (-2.21, 113.92),
    "63": (-3.44, 114.83), "64": (-0.50, 117.15), "65": (2.84, 117.37), "71": (1.47, 124.84), "72": (-0.90, 119.87),
    "73": (-5.15, 119.43), "74": (-3.97, 122.51), "75": (0.54, 123.06), "76": (-2.68, 118.89), "81": (-3.70, 128.18),
    "82": (0.74, 127.56), "91": (-2.53, 140.72), "92": (-0.86, 134.06), "93": (-8.50, 140.40),
    "94": (-3.37, 135.50), "95": (-4.10, 138.95), "96": (-0.88, 131.25),
}  # fmt: skip
INDONESIA_BOX = ((-11.0, 6.0), (95.0, 141.0))


@dataclass(frozen=True)
class Regency:
    id: int
    province_id: int
    code: str
    name: str


@dataclass(frozen=True)
class Province:
    id: int
    code: str
    name: str
    regencies: tuple[Regency, ...]


def normalise(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def province_capital(province: Province) -> Regency:
    """The province's capital by name; else its first city; else its first regency."""
    key = CAPITALS.get(province.code)
    if key:
        for regency in province.regencies:
            if normalise(regency.name).endswith(key):
                return regency
    cities = [r for r in province.regencies if r.name.lower().startswith("kota")]
    return (cities or list(province.regencies))[0]


def coordinates(rng: random.Random, province_code: str) -> tuple[float, float]:
    """A point near the province's capital, kept inside Indonesia's bounding box."""
    (lat_lo, lat_hi), (lon_lo, lon_hi) = INDONESIA_BOX
    centre = CENTRES.get(province_code)
    if centre is None:
        return round(rng.uniform(lat_lo, lat_hi), 8), round(rng.uniform(lon_lo, lon_hi), 8)
    lat = min(lat_hi, max(lat_lo, centre[0] + rng.uniform(-0.6, 0.6)))
    lon = min(lon_hi, max(lon_lo, centre[1] + rng.uniform(-0.6, 0.6)))
    return round(lat, 8), round(lon, 8)
