"""Unit tests for kiosk.jht.dates."""

from datetime import date

import pytest

from kiosk.jht.dates import (
    add_months,
    add_working_days,
    age_on,
    anniversary,
    full_years_between,
    is_working_day,
)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # clamped, non-leap
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # clamped, leap
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # year rollover
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 31), 13, date(2027, 2, 28)),
        (date(2026, 5, 20), 0, date(2026, 5, 20)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("birth", "today", "expected"),
    [
        (date(1970, 5, 20), date(2026, 5, 19), 55),  # the day before the birthday
        (date(1970, 5, 20), date(2026, 5, 20), 56),  # the birthday
        (date(1970, 5, 20), date(2026, 12, 31), 56),
        (date(1970, 2, 28), date(2026, 2, 27), 55),
        (date(1970, 2, 28), date(2026, 2, 28), 56),
    ],
)
def test_age_on_counts_the_birthday_itself(birth, today, expected):
    assert age_on(birth, today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 2, 28), 24),  # non-leap year: not yet on 28 Feb
        (date(2025, 3, 1), 25),  # non-leap year: a year older on 1 Mar
        (date(2024, 2, 28), 23),
        (date(2024, 2, 29), 24),  # leap year: on the day itself
    ],
)
def test_age_on_given_born_29_february_then_older_on_1_march_in_non_leap_years(today, expected):
    assert age_on(date(2000, 2, 29), today) == expected


@pytest.mark.parametrize(
    ("start", "today", "expected"),
    [
        (date(2016, 3, 10), date(2026, 3, 9), 9),
        (date(2016, 3, 10), date(2026, 3, 10), 10),
        (date(2016, 2, 29), date(2026, 2, 28), 9),
        (date(2016, 2, 29), date(2026, 3, 1), 10),
        (date(2026, 3, 10), date(2026, 3, 10), 0),
    ],
)
def test_full_years_between_counts_the_anniversary(start, today, expected):
    assert full_years_between(start, today) == expected


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (date(1970, 5, 20), 56, date(2026, 5, 20)),
        (date(2000, 2, 29), 25, date(2025, 3, 1)),  # non-leap target
        (date(2000, 2, 29), 24, date(2024, 2, 29)),  # leap target
    ],
)
def test_anniversary_agrees_with_age_on(start, years, expected):
    assert anniversary(start, years) == expected
    assert age_on(start, expected) == years
    assert age_on(start, date.fromordinal(expected.toordinal() - 1)) == years - 1


@pytest.mark.parametrize(
    ("d", "holidays", "expected"),
    [
        (date(2026, 5, 15), frozenset(), True),  # Friday
        (date(2026, 5, 16), frozenset(), False),  # Saturday
        (date(2026, 5, 17), frozenset(), False),  # Sunday
        (date(2026, 5, 18), frozenset(), True),  # Monday
        (date(2026, 5, 18), frozenset({date(2026, 5, 18)}), False),  # Monday holiday
    ],
)
def test_is_working_day(d, holidays, expected):
    assert is_working_day(d, holidays) is expected


def test_add_working_days_given_friday_then_skips_the_weekend():
    # Friday 15 May 2026 + 1 working day is Monday, not Saturday.
    assert add_working_days(date(2026, 5, 15), 1, frozenset()) == date(2026, 5, 18)


def test_add_working_days_given_saturday_start_then_counts_from_monday():
    assert add_working_days(date(2026, 5, 16), 1, frozenset()) == date(2026, 5, 18)


def test_add_working_days_does_not_count_the_start_day():
    # Monday + 1 is Tuesday: counting the start would give Monday.
    assert add_working_days(date(2026, 5, 18), 1, frozenset()) == date(2026, 5, 19)


def test_add_working_days_skips_holidays():
    holidays = {date(2026, 5, 19)}
    assert add_working_days(date(2026, 5, 18), 1, holidays) == date(2026, 5, 20)


def test_add_working_days_zero_returns_start():
    assert add_working_days(date(2026, 5, 16), 0, frozenset()) == date(2026, 5, 16)


def test_add_working_days_refuses_negative():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 5, 18), -1, frozenset())
