"""Resident identity numbers per GB 11643-1999, vectorised.

Layout: 6-digit region code (GB/T 2260) of the place of first registration, 8-digit birth
date, 3-digit sequence whose last digit is odd for men and even for women, and a check
character by ISO 7064 MOD 11-2 (0-9 or X).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK_CHARS = np.array(list("10X98765432"))
CHECK_BYTES = np.frombuffer(b"10X98765432", dtype=np.uint8)


@dataclass(frozen=True)
class Region:
    """A county-level region code of Hotan prefecture and the years it was valid."""

    code: str
    chinese: str
    uly: str
    valid_from: int  # first year IDs could be issued under this code
    valid_to: int | None = None


# Hotan prefecture (6532). Sources: GB/T 2260 and public administrative histories (Hotan city
# was split off Hotan county in 1983, code 653201; Kunyu city, 659009, a XPCC city carved out
# of Hotan, Karakax and Pishan counties in 2016); the years agree with the code table
# python-stdnum ships (stdnum/cn/loc.dat, from Chinese Wikipedia's list of GB/T 2260 codes:
# "[1983-]和田市", "[2016-]昆玉市"). See docs/testbed.md.
REGIONS: tuple[Region, ...] = (
    Region("653201", "和田市", "Xoten shehiri", 1983),
    Region("653221", "和田县", "Xoten nahiyesi", 1950),
    Region("653222", "墨玉县", "Qaraqash nahiyesi", 1950),
    Region("653223", "皮山县", "Guma nahiyesi", 1950),
    Region("653224", "洛浦县", "Lop nahiyesi", 1950),
    Region("653225", "策勒县", "Chira nahiyesi", 1950),
    Region("653226", "于田县", "Keriye nahiyesi", 1950),
    Region("653227", "民丰县", "Niye nahiyesi", 1950),
    Region("659009", "昆玉市", "Kunyu shehiri", 2016),
)
KARAKAX = "653222"


def _digits(bodies: np.ndarray) -> np.ndarray:
    """The 17 digits of each body (int64), one row per body."""
    digits = np.empty((len(bodies), 17), dtype=np.int64)
    rest = bodies.astype(np.int64).copy()
    for position in range(16, -1, -1):
        digits[:, position] = rest % 10
        rest //= 10
    return digits


def check_characters(bodies: np.ndarray) -> np.ndarray:
    """The MOD 11-2 check character of each 17-digit body (int64 array)."""
    return CHECK_CHARS[(_digits(bodies) @ WEIGHTS) % 11]


def compact_dates(dates: np.ndarray) -> np.ndarray:
    """YYYYMMDD as int64 for datetime64 dates (arithmetic, no string formatting)."""
    days = np.asarray(dates, dtype="datetime64[D]")
    months = days.astype("datetime64[M]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months).astype(np.int64) + 1
    return year * 10000 + month * 100 + day


def make_id_numbers(region_codes: np.ndarray, birth_dates: np.ndarray, sequences: np.ndarray) -> np.ndarray:
    """18-character ID numbers from region codes (int), birth dates (datetime64[D]) and
    sequences (0-999, parity already encoding sex)."""
    bodies = id_bodies(region_codes, birth_dates, sequences)
    digits = _digits(bodies)
    # ASCII bytes of the 17 digits and the check character, viewed as 18-byte strings:
    # formatting millions of numbers one by one is what this avoids.
    chars = np.empty((len(bodies), 18), dtype=np.uint8)
    chars[:, :17] = digits + ord("0")
    chars[:, 17] = CHECK_BYTES[(digits @ WEIGHTS) % 11]
    return chars.view("S18").ravel().astype("U18").astype(object)


def id_bodies(region_codes: np.ndarray, birth_dates: np.ndarray, sequences: np.ndarray) -> np.ndarray:
    """The first 17 digits as int64: region, birth date, sequence."""
    return (np.asarray(region_codes, dtype=np.int64) * 10**11 + compact_dates(birth_dates) * 1000
            + np.asarray(sequences, dtype=np.int64))


def draw_sequences(rng: np.random.Generator, male: np.ndarray) -> np.ndarray:
    """Sequence numbers 000-999 whose parity gives sex (odd = male)."""
    return rng.integers(0, 500, size=len(male)) * 2 + male.astype(np.int64)


def is_valid(id_number: str) -> bool:
    """True if an 18-character ID has a correct MOD 11-2 check character."""
    if len(id_number) != 18 or not id_number[:17].isdigit():
        return False
    total = sum(int(d) * int(w) for d, w in zip(id_number[:17], WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11] == id_number[17].upper()
