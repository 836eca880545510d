"""Participant numbers (KPJ and NIK): parsing, grouping for display, and name masking.

A NIK has no checksum and its birth date may be wrong for life (PP 40/2019), so we reject only
what cannot be a NIK at all; a mismatch with the recorded birth date is for the caller to judge.

The two-digit birth year of a NIK is placed in the latest year ending in those digits that makes
the holder at least `policy.min_working_age` years old on `today`. A JHT participant has worked,
so an age below that is implausible: with today in 2026 and a minimum of 15, "10" is 2010 (age
15 or 16) while "15" is 1915, because 2015 would make the holder 10 or 11. The age is counted as
`dates.age_on` counts it, so the birthday matters: on 1 Jan 2026 "11" is 2011 for someone born
1 January (just 15) but 1911 for someone born in December (2011 would give 14). 29 February is
valid only if the chosen year is a leap year: for "00", 2000 is and 1900 is not.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .dates import years_since
from .policy import Policy

KPJ_LENGTH = 11
NIK_LENGTH = 16
CLAIM_NUMBER_LENGTH = 12

# Women's NIK birth day is the real day plus this offset (so 41..71).
NIK_FEMALE_DAY_OFFSET = 40
_CENTURY = 100

# What people and printed cards put between digit groups.
_SEPARATORS = re.compile(r"[\s.\-]+")

# Group sizes for reading a number aloud and on screen, by length.
_GROUPS: dict[int, tuple[int, ...]] = {
    NIK_LENGTH: (6, 6, 4),  # region, birth date, serial
    KPJ_LENGTH: (2, 3, 3, 3),
    CLAIM_NUMBER_LENGTH: (4, 2, 5, 1),  # branch, kiosk, sequence, check digit
}

_MASK = "\u2022"  # bullet
_MASK_KEEP = 2


class NumberError(ValueError):
    """Signal an entry that cannot be a participant number; `code` says which way it fails."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code  # "empty" | "not_digits" | "wrong_length" | "impossible_nik"


@dataclass(frozen=True)
class NikInfo:
    """Hold what a NIK says about its holder."""

    province: str
    regency: str
    district: str
    birth_date: date
    gender: str  # "M" | "F"
    serial: str


@dataclass(frozen=True)
class ParticipantNumber:
    """Hold a parsed KPJ or NIK."""

    kind: str  # "kpj" | "nik"
    digits: str
    nik: NikInfo | None

    @property
    def grouped(self) -> str:
        """Return the digits grouped for display."""
        return group_number(self.digits)


def is_ascii_digits(text: str) -> bool:
    """Tell whether text is non-empty and only ASCII 0-9 (str.isdigit also accepts '²' and '٣')."""
    return text.isascii() and text.isdigit()


def normalize_number(text: str) -> str:
    """Drop spaces, dots and dashes from a typed or printed number."""
    return _SEPARATORS.sub("", text)


def parse_participant_number(
    text: str, today: date, policy: Policy = Policy()
) -> ParticipantNumber:
    """Parse an 11-digit KPJ or a 16-digit NIK, ignoring spaces, dots and dashes."""
    digits = normalize_number(text)
    if not digits:
        raise NumberError("empty", "no number entered")
    if not is_ascii_digits(digits):
        raise NumberError("not_digits", "a participant number has digits only")
    if len(digits) == KPJ_LENGTH:
        # A KPJ has no public check digit, so any 11 digits may be one.
        return ParticipantNumber(kind="kpj", digits=digits, nik=None)
    if len(digits) == NIK_LENGTH:
        return ParticipantNumber(kind="nik", digits=digits, nik=parse_nik(digits, today, policy))
    raise NumberError(
        "wrong_length", f"expected {KPJ_LENGTH} or {NIK_LENGTH} digits, got {len(digits)}"
    )


def parse_nik(digits: str, today: date, policy: Policy = Policy()) -> NikInfo:
    """Split a 16-digit NIK into region, birth date, gender and serial; refuse an impossible one."""
    if not digits:
        raise NumberError("empty", "no number entered")
    if not is_ascii_digits(digits):
        raise NumberError("not_digits", "a NIK has digits only")
    if len(digits) != NIK_LENGTH:
        raise NumberError("wrong_length", f"a NIK has {NIK_LENGTH} digits, got {len(digits)}")

    province, regency, district = digits[0:2], digits[2:4], digits[4:6]
    raw_day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    serial = digits[12:16]

    if province == "00":
        raise NumberError("impossible_nik", "province code 00 does not exist")
    if int(serial) == 0:
        raise NumberError("impossible_nik", "serial 0000 is never issued")
    if not 1 <= month <= 12:
        raise NumberError("impossible_nik", f"month {month:02d} does not exist")

    if raw_day > NIK_FEMALE_DAY_OFFSET:
        gender, day = "F", raw_day - NIK_FEMALE_DAY_OFFSET
    else:
        gender, day = "M", raw_day

    # Choose the year before checking the day: 29 Feb depends on the century.
    year = _nik_birth_year(yy, month, day, today, policy)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise NumberError(
            "impossible_nik", f"day {raw_day:02d} is impossible in {year}-{month:02d}"
        )

    return NikInfo(
        province=province,
        regency=regency,
        district=district,
        birth_date=date(year, month, day),
        gender=gender,
        serial=serial,
    )


def _nik_birth_year(yy: int, month: int, day: int, today: date, policy: Policy) -> int:
    """Return the latest year ending in yy that makes the holder old enough to work on today."""
    year = today.year - (today.year - yy) % _CENTURY  # latest year <= today's ending in yy
    # years_since, not age_on: the day is not validated yet (29 Feb may not exist in a candidate).
    while years_since(year, month, day, today) < policy.min_working_age:
        year -= _CENTURY
    return year


def group_number(digits: str) -> str:
    """Group a NIK (6 6 4), KPJ (2 3 3 3) or claim number (4 2 5 1); leave anything else as is."""
    sizes = _GROUPS.get(len(digits))
    if sizes is None or not is_ascii_digits(digits):
        return digits
    parts: list[str] = []
    position = 0
    for size in sizes:
        parts.append(digits[position : position + size])
        position += size
    return " ".join(parts)


def mask_name(full_name: str) -> str:
    """Keep the first two characters of each word and hide the rest behind bullets."""
    # Replacing only the non-space runs keeps the original spacing.
    return re.sub(
        r"\S+",
        lambda m: m.group()[:_MASK_KEEP] + _MASK * max(len(m.group()) - _MASK_KEEP, 0),
        full_name,
    )
