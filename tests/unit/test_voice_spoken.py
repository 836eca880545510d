"""kiosk.voice.spoken: amounts, dates and digit groups as words for the voice."""
from __future__ import annotations

import re
from datetime import date

import pytest

from kiosk.voice.spoken import amount_words, date_words, digits_in_groups, month_names, number_words

CLAIM_GROUPS = (4, 2, 5, 1)  # kiosk.jht.identifiers: branch, kiosk, sequence, check digit
NIK_GROUPS = (6, 6, 4)
KPJ_GROUPS = (2, 3, 3, 3)


# ---------------------------------------------------------------------------------------------
# Amounts


def test_amount_in_indonesian():
    assert amount_words(12_345_678, "id") == (
        "dua belas juta tiga ratus empat puluh lima ribu enam ratus tujuh puluh delapan rupiah")


def test_amount_in_english():
    assert amount_words(12_345_678, "en") == (
        "twelve million, three hundred and forty-five thousand, six hundred and seventy-eight "
        "rupiah")


@pytest.mark.parametrize("language", ["jv", "su"])
def test_javanese_and_sundanese_amounts_use_indonesian_numbers(language):
    assert amount_words(12_345_678, language) == amount_words(12_345_678, "id")


@pytest.mark.parametrize("amount, words", [
    (0, "nol"),
    (1, "satu"),
    (11, "sebelas"),
    (100, "seratus"),
    (1_000, "seribu"),
    (1_001, "seribu satu"),
    (11_000, "sebelas ribu"),
    (100_000, "seratus ribu"),
    (1_000_000, "satu juta"),
    (1_100_000, "satu juta seratus ribu"),
    (15_000_000, "lima belas juta"),
    (1_000_000_000, "satu miliar"),
])
def test_indonesian_edge_cases(amount, words):
    assert number_words(amount, "id") == words
    assert amount_words(amount, "id") == f"{words} rupiah"


@pytest.mark.parametrize("amount, words", [
    (0, "zero rupiah"), (1_000, "one thousand rupiah"), (1_000_000, "one million rupiah"),
    (15_000_000, "fifteen million rupiah"),
])
def test_english_edge_cases(amount, words):
    assert amount_words(amount, "en") == words


@pytest.mark.parametrize("amount, error", [(-1, ValueError), (1.5, TypeError), (True, TypeError),
                                           ("1000", TypeError)])
def test_amount_must_be_a_non_negative_int(amount, error):
    with pytest.raises(error):
        amount_words(amount, "id")


def test_unknown_language_is_refused():
    for call in (lambda: amount_words(1, "fr"), lambda: date_words(date(2026, 1, 1), "fr"),
                 lambda: digits_in_groups("12", (2,), "fr")):
        with pytest.raises(ValueError):
            call()


# ---------------------------------------------------------------------------------------------
# Dates


def test_date_in_indonesian():
    assert date_words(date(2026, 11, 24), "id") == (
        "dua puluh empat November dua ribu dua puluh enam")


def test_date_in_english():
    assert date_words(date(2026, 11, 24), "en") == "twenty-fourth of November, twenty twenty-six"


def test_date_in_javanese_uses_babel_month_and_indonesian_numbers():
    assert date_words(date(2026, 8, 17), "jv") == "tujuh belas Agustus dua ribu dua puluh enam"


def test_date_in_sundanese_uses_sundanese_month_names():
    assert date_words(date(2026, 11, 24), "su") == (
        "dua puluh empat Nopémber dua ribu dua puluh enam")
    assert date_words(date(2025, 2, 1), "su") == "satu Pébruari dua ribu dua puluh lima"


@pytest.mark.parametrize("d, words", [
    (date(2000, 1, 1), "satu Januari dua ribu"),
    (date(1961, 12, 31), "tiga puluh satu Desember seribu sembilan ratus enam puluh satu"),
    (date(2030, 3, 10), "sepuluh Maret dua ribu tiga puluh"),
])
def test_indonesian_date_edges(d, words):
    assert date_words(d, "id") == words


def test_month_names_come_from_babel():
    assert month_names("id")[4] == "Mei" and month_names("id")[11] == "Desember"
    assert month_names("en")[0] == "January"
    assert len(month_names("su")) == 12


def test_dates_have_no_digits_left():
    for language in ("id", "en", "jv", "su"):
        for month in range(1, 13):
            assert not re.search(r"\d", date_words(date(2026, month, 28), language))


# ---------------------------------------------------------------------------------------------
# Digit groups


def test_claim_number_in_groups_indonesian():
    assert digits_in_groups("1234 56 78901 2", CLAIM_GROUPS, "id") == (
        "satu dua tiga empat, lima enam, tujuh delapan sembilan nol satu, dua")


def test_claim_number_in_groups_english():
    assert digits_in_groups("123456789012", CLAIM_GROUPS, "en") == (
        "one two three four, five six, seven eight nine zero one, two")


@pytest.mark.parametrize("language", ["jv", "su"])
def test_digit_groups_in_javanese_and_sundanese_are_indonesian(language):
    assert digits_in_groups("1234 56 78901 2", CLAIM_GROUPS, language) == digits_in_groups(
        "1234 56 78901 2", CLAIM_GROUPS, "id")


def test_nik_and_kpj():
    assert digits_in_groups("3174 0512-3456.7890", NIK_GROUPS, "id") == (
        "tiga satu tujuh empat nol lima, satu dua tiga empat lima enam, tujuh delapan sembilan nol")
    assert digits_in_groups("00 000 000 001", KPJ_GROUPS, "id") == (
        "nol nol, nol nol nol, nol nol nol, nol nol satu")


def test_each_digit_is_a_word_and_groups_are_comma_separated():
    spoken = digits_in_groups("9876543210", (3, 3, 4), "id")
    groups = spoken.split(", ")
    assert [len(g.split()) for g in groups] == [3, 3, 4]
    assert "sepuluh" not in spoken and not re.search(r"\d", spoken)


@pytest.mark.parametrize("number, groups", [
    ("12345", (2, 2)), ("12345", (3, 3)), ("", (1,)), ("12a45", (5,)), ("１２", (2,)),
    ("123", ()), ("123", (3, 0)), ("123", (4, -1)),
])
def test_bad_numbers_or_groups_are_refused(number, groups):
    with pytest.raises(ValueError):
        digits_in_groups(number, groups, "id")
