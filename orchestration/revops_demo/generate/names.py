"""Word lists for names, companies and places (fictional, deterministic)."""

from __future__ import annotations

import numpy as np

FIRST_NAMES = [
    "Ada",
    "Alan",
    "Alice",
    "Amir",
    "Ana",
    "Ben",
    "Bea",
    "Carl",
    "Chen",
    "Chloe",
    "Dan",
    "Dara",
    "Eli",
    "Emma",
    "Eva",
    "Finn",
    "Gia",
    "Hana",
    "Hugo",
    "Ian",
    "Ines",
    "Ivan",
    "Jade",
    "Jon",
    "Kai",
    "Kate",
    "Lena",
    "Leo",
    "Lin",
    "Luca",
    "Maya",
    "Mia",
    "Nia",
    "Noah",
    "Omar",
    "Owen",
    "Pia",
    "Raj",
    "Rosa",
    "Sam",
    "Sara",
    "Tao",
    "Tess",
    "Theo",
    "Uma",
    "Vera",
    "Wes",
    "Yara",
    "Yuki",
    "Zoe",
]
LAST_NAMES = [
    "Abbott",
    "Adler",
    "Baker",
    "Berg",
    "Brandt",
    "Castro",
    "Chen",
    "Cole",
    "Costa",
    "Dalton",
    "Diaz",
    "Dubois",
    "Evans",
    "Fischer",
    "Ford",
    "Garcia",
    "Gupta",
    "Hale",
    "Hansen",
    "Ito",
    "Jensen",
    "Kaur",
    "Keller",
    "Khan",
    "Klein",
    "Lang",
    "Lopez",
    "Meyer",
    "Moreau",
    "Nakamura",
    "Novak",
    "Okafor",
    "Olsen",
    "Park",
    "Patel",
    "Quinn",
    "Rossi",
    "Sato",
    "Schmidt",
    "Silva",
    "Smith",
    "Tanaka",
    "Varga",
    "Wagner",
    "Weber",
    "Wong",
    "Young",
    "Zhang",
    "Ziegler",
]
COMPANY_A = [
    "Acme",
    "Apex",
    "Arbor",
    "Astra",
    "Atlas",
    "Aurora",
    "Beacon",
    "Blue",
    "Bright",
    "Cedar",
    "Clear",
    "Cobalt",
    "Coral",
    "Crest",
    "Delta",
    "Echo",
    "Ember",
    "Falcon",
    "Fern",
    "Flux",
    "Forge",
    "Granite",
    "Harbor",
    "Helix",
    "Horizon",
    "Indigo",
    "Iron",
    "Jade",
    "Juniper",
    "Kite",
    "Lumen",
    "Maple",
    "Meridian",
    "Nimbus",
    "Nova",
    "Oak",
    "Onyx",
    "Orbit",
    "Pine",
    "Pixel",
    "Polar",
    "Quartz",
    "Rapid",
    "Red",
    "Ridge",
    "Sage",
    "Silver",
    "Solar",
    "Spruce",
    "Stellar",
    "Summit",
    "Swift",
    "Terra",
    "Tidal",
    "Umber",
    "Vast",
    "Vertex",
    "Willow",
    "Zen",
    "Zephyr",
]
COMPANY_B = [
    "Analytics",
    "Bio",
    "Cloud",
    "Commerce",
    "Data",
    "Dynamics",
    "Energy",
    "Finance",
    "Foods",
    "Freight",
    "Health",
    "Insights",
    "Labs",
    "Learning",
    "Logic",
    "Logistics",
    "Media",
    "Metrics",
    "Mobility",
    "Networks",
    "Pay",
    "Robotics",
    "Security",
    "Software",
    "Systems",
    "Tech",
    "Therapeutics",
    "Ventures",
    "Works",
    "Retail",
    "Legal",
    "Travel",
    "Games",
    "Motors",
    "Capital",
    "Grid",
]
COMPANY_SUFFIX = ["Inc", "Ltd", "GmbH", "Group", "Co", "Corp", "AG", "SA", "LLC", "Partners"]
INDUSTRIES = [
    "Software",
    "Financial Services",
    "Healthcare",
    "Retail",
    "Manufacturing",
    "Media",
    "Education",
    "Logistics",
    "Professional Services",
    "Telecommunications",
]
INDUSTRY_WEIGHTS = [25, 12, 10, 9, 9, 6, 6, 7, 10, 6]

# Country -> (region, currency, top-level domain, weight)
COUNTRIES: dict[str, tuple[str, str, str, float]] = {
    "US": ("NA", "USD", "com", 50),
    "CA": ("NA", "USD", "ca", 8),
    "GB": ("EMEA", "GBP", "co.uk", 10),
    "IE": ("EMEA", "EUR", "ie", 2),
    "DE": ("EMEA", "EUR", "de", 7),
    "FR": ("EMEA", "EUR", "fr", 5),
    "NL": ("EMEA", "EUR", "nl", 3),
    "ES": ("EMEA", "EUR", "es", 2),
    "AU": ("APAC", "USD", "com.au", 6),
    "SG": ("APAC", "USD", "sg", 3),
    "JP": ("APAC", "USD", "jp", 2),
    "IN": ("APAC", "USD", "in", 2),
}

FREE_MAIL = [
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "icloud.com",
    "aol.com",
    "protonmail.com",
    "proton.me",
    "gmx.de",
    "web.de",
    "mail.com",
    "live.com",
]
FREE_MAIL_WEIGHTS = [40, 8, 8, 10, 6, 2, 3, 2, 3, 2, 1, 3]


def company_names(start: int, n: int) -> np.ndarray:
    """n distinct company names for the index range [start, start + n)."""
    idx = np.arange(start, start + n)
    a, b, s = len(COMPANY_A), len(COMPANY_B), len(COMPANY_SUFFIX)
    # A fixed permutation of the first block so neighbouring indexes do not look alike.
    first = np.asarray(COMPANY_A, dtype=object)[(idx * 7) % a]
    second = np.asarray(COMPANY_B, dtype=object)[(idx // a * 5 + idx) % b]
    suffix = np.asarray(COMPANY_SUFFIX, dtype=object)[(idx // (a * b)) % s]
    lap = idx // (a * b * s)
    names = first + " " + second + " " + suffix
    return np.where(lap > 0, names + " " + (lap + 1).astype(str), names)


def slug(names: np.ndarray) -> np.ndarray:
    """Company names as domain labels: 'Acme Data Inc 2' -> 'acmedata2'."""
    out = []
    drop = set(COMPANY_SUFFIX)
    for name in names:
        parts = [p for p in name.split(" ") if p not in drop]
        out.append("".join(parts).lower())
    return np.asarray(out, dtype=object)


def person_names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    first = np.asarray(FIRST_NAMES, dtype=object)[rng.integers(0, len(FIRST_NAMES), n)]
    last = np.asarray(LAST_NAMES, dtype=object)[rng.integers(0, len(LAST_NAMES), n)]
    return first, last


def phones(rng: np.random.Generator, n: int) -> np.ndarray:
    digits = rng.integers(1_000_000, 9_999_999, n).astype(str)
    area = rng.integers(200, 999, n).astype(str)
    return np.char.add(np.char.add(np.char.add("+1-", area), "-"), digits).astype(object)
