"""Unit tests for kiosk.jht.identifiers."""

from datetime import date

import pytest

from kiosk.jht.identifiers import (
    NikInfo,
    NumberError,
    ParticipantNumber,
    group_number,
    mask_name,
    parse_nik,
    parse_participant_number,
)
from kiosk.jht.policy import Policy

TODAY = date(2026, 5, 20)


def nik(ddmmyy: str, *, region: str = "320101", serial: str = "0001") -> str:
    """Build a 16-digit NIK around a DDMMYY birth field."""
    return region + ddmmyy + serial


def impossible(digits: str, today: date = TODAY) -> None:
    """Assert that parse_nik refuses digits as an impossible NIK."""
    with pytest.raises(NumberError) as excinfo:
        parse_nik(digits, today)
    assert excinfo.value.code == "impossible_nik"


# --- NIK contents -------------------------------------------------------------------------


def test_parse_nik_splits_every_field():
    assert parse_nik("3201024505900123", TODAY) == NikInfo(
        province="32",
        regency="01",
        district="02",
        birth_date=date(1990, 5, 5),
        gender="F",
        serial="0123",
    )


def test_parse_nik_given_day_up_to_31_then_male():
    info = parse_nik(nik("150590"), TODAY)
    assert (info.birth_date, info.gender) == (date(1990, 5, 15), "M")


@pytest.mark.parametrize(
    ("ddmmyy", "birth_date"),
    [
        ("410190", date(1990, 1, 1)),  # 41 is day 1
        ("710190", date(1990, 1, 31)),  # 71 is day 31
        ("700490", date(1990, 4, 30)),  # 70 is day 30 in a 30-day month
    ],
)
def test_parse_nik_given_women_day_plus_40_then_female(ddmmyy, birth_date):
    info = parse_nik(nik(ddmmyy), TODAY)
    assert (info.birth_date, info.gender) == (birth_date, "F")


@pytest.mark.parametrize(
    "ddmmyy",
    [
        "000190",  # day 00
        "320190",  # day 32
        "400190",  # 40 would be a woman's day 0
        "720190",  # 72 would be a woman's day 32
        "990190",
        "310490",  # 31 April
        "710490",  # a woman's 31 April
        "300290",  # 30 February
        "290201",  # 29 Feb 2001, not a leap year
        "690201",  # a woman's 29 Feb 2001
        "150090",  # month 00
        "151390",  # month 13
    ],
)
def test_parse_nik_refuses_impossible_dates(ddmmyy):
    impossible(nik(ddmmyy))


@pytest.mark.parametrize(
    ("ddmmyy", "birth_date"),
    [
        ("290204", date(2004, 2, 29)),
        ("690204", date(2004, 2, 29)),  # a woman's 29 Feb
        ("290200", date(2000, 2, 29)),  # 2000 is a leap year
    ],
)
def test_parse_nik_accepts_29_february_in_leap_years(ddmmyy, birth_date):
    assert parse_nik(nik(ddmmyy), TODAY).birth_date == birth_date


def test_parse_nik_given_year_00_in_the_1900s_then_29_february_is_impossible():
    # In 2010, "00" as 2000 would make the holder 9, so the century is 1900: not a leap year.
    today = date(2010, 1, 1)
    assert parse_nik(nik("280200"), today).birth_date == date(1900, 2, 28)
    impossible(nik("290200"), today)


def test_parse_nik_refuses_serial_0000():
    impossible(nik("150590", serial="0000"))


def test_parse_nik_accepts_serial_0001():
    assert parse_nik(nik("150590", serial="0001"), TODAY).serial == "0001"


def test_parse_nik_refuses_province_00():
    impossible(nik("150590", region="000101"))


@pytest.mark.parametrize(
    ("digits", "code"),
    [
        ("", "empty"),
        ("32010115059000011", "wrong_length"),
        ("320101150590001", "wrong_length"),
        ("32010115059O0001", "not_digits"),
    ],
)
def test_parse_nik_refuses_malformed_input(digits, code):
    with pytest.raises(NumberError) as excinfo:
        parse_nik(digits, TODAY)
    assert excinfo.value.code == code


# --- Century choice -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yy", "year"),
    [
        ("10", 2010),  # 2010 gives 16, at least 15
        ("11", 2011),  # 2011 gives 15 on 1 Jan: exactly old enough
        ("12", 1912),  # 2012 gives 14
        ("15", 1915),  # 2015 gives 11
        ("26", 1926),  # 2026 gives 0
        ("99", 1999),
        ("00", 2000),
    ],
)
def test_parse_nik_chooses_the_latest_plausible_century(yy, year):
    assert parse_nik(nik("0101" + yy), TODAY).birth_date.year == year


def test_parse_nik_century_depends_on_whether_the_birthday_has_passed():
    today = date(2026, 1, 1)
    assert parse_nik(nik("010111"), today).birth_date == date(2011, 1, 1)  # just 15
    assert parse_nik(nik("020111"), today).birth_date == date(1911, 1, 2)  # would be 14


def test_parse_nik_century_uses_the_policy_minimum_age():
    policy = Policy(min_working_age=17)
    assert parse_nik(nik("010110"), TODAY, policy).birth_date.year == 1910


# --- Participant numbers ------------------------------------------------------------------


def test_parse_participant_number_given_11_digits_then_kpj():
    number = parse_participant_number("12345678901", TODAY)
    assert number == ParticipantNumber(kind="kpj", digits="12345678901", nik=None)


def test_parse_participant_number_given_16_digits_then_nik():
    number = parse_participant_number(nik("450190"), TODAY)
    assert number.kind == "nik"
    assert number.digits == "3201014501900001"
    assert number.nik is not None and number.nik.birth_date == date(1990, 1, 5)


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("12 345 678 901", "12345678901"),
        ("12.345.678.901", "12345678901"),
        ("12-345-678-901", "12345678901"),
        (" 12345678901 ", "12345678901"),
        ("3201 0145 0190 0001", "3201014501900001"),
        ("320101.450190.0001", "3201014501900001"),
    ],
)
def test_parse_participant_number_ignores_spaces_dots_and_dashes(text, digits):
    assert parse_participant_number(text, TODAY).digits == digits


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("  . - ", "empty"),
        ("1234567890", "wrong_length"),  # 10
        ("123456789012", "wrong_length"),  # 12
        ("320101450190000", "wrong_length"),  # 15
        ("32010145019000011", "wrong_length"),  # 17
        ("1234567890a", "not_digits"),
        ("１２３４５６７８９０１", "not_digits"),  # full-width digits
        ("3201010001900001", "impossible_nik"),  # day 00
    ],
)
def test_parse_participant_number_refuses_bad_entries(text, code):
    with pytest.raises(NumberError) as excinfo:
        parse_participant_number(text, TODAY)
    assert excinfo.value.code == code


def test_number_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_participant_number("1", TODAY)


# --- Grouping and masking -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "grouped"),
    [
        ("3201014501900001", "320101 450190 0001"),
        ("12345678901", "12 345 678 901"),
        ("123456789012", "1234 56 78901 2"),
        ("1234567890", "1234567890"),
        ("", ""),
        ("12345abcdef", "12345abcdef"),
    ],
)
def test_group_number(digits, grouped):
    assert group_number(digits) == grouped


def test_participant_number_grouped():
    assert parse_participant_number("12345678901", TODAY).grouped == "12 345 678 901"


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("SITI AMINAH", "SI•• AM••••"),
        ("BUDI", "BU••"),
        ("ABU", "AB•"),
        ("AL", "AL"),  # two characters kept whole
        ("A", "A"),
        ("MUHAMMAD AL FATIH", "MU•••••• AL FA•••"),
        ("SITI  AMINAH", "SI••  AM••••"),  # spacing kept
        ("", ""),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked
