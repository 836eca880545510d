"""Calendar arithmetic for claims: months, ages, anniversaries and working days.

Birthdays on 29 February: Indonesia has no statute on when such a person turns a year older. We
take 1 March in non-leap years (the day after 28 February has passed, as in several civil-law
countries), and use the same convention for every anniversary (membership years, age 56).
"""

from __future__ import annotations

import calendar
from collections.abc import Container
from datetime import date, timedelta

_SATURDAY = 5  # date.weekday(): Monday is 0, so 5 and 6 are the weekend


def add_months(d: date, n: int) -> date:
    """Return the same day n months later (or earlier), clamped to the end of a shorter month."""
    month_index = d.year * 12 + (d.month - 1) + n
    year, month0 = divmod(month_index, 12)
    month = month0 + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def anniversary(start: date, years: int) -> date:
    """Return the day `years` full years after start (29 Feb becomes 1 Mar in non-leap years)."""
    year = start.year + years
    if start.month == 2 and start.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return start.replace(year=year)


def full_years_between(start: date, today: date) -> int:
    """Count the full years from start to today; an anniversary counts on its own day."""
    return years_since(start.year, start.month, start.day, today)


def years_since(year: int, month: int, day: int, today: date) -> int:
    """Count full years since (year, month, day), which need not be a real date (29 Feb 1900)."""
    # Comparing (month, day) pairs gives the 1 March convention for 29 Feb starts for free:
    # on 28 Feb (2, 28) < (2, 29) so the year is not yet full; on 1 Mar it is.
    before_anniversary = (today.month, today.day) < (month, day)
    return today.year - year - int(before_anniversary)


def age_on(birth: date, today: date) -> int:
    """Return the age in whole years on today (29 Feb births age on 1 Mar in non-leap years)."""
    return full_years_between(birth, today)


def is_working_day(d: date, holidays: Container[date] = frozenset()) -> bool:
    """Tell whether d is a weekday that is not a holiday."""
    return d.weekday() < _SATURDAY and d not in holidays


def add_working_days(start: date, n: int, holidays: Container[date] = frozenset()) -> date:
    """Return the n-th working day after start (start itself never counts; n=0 returns start)."""
    if n < 0:
        raise ValueError("n must not be negative")
    d = start
    remaining = n
    while remaining:
        d += timedelta(days=1)
        if is_working_day(d, holidays):
            remaining -= 1
    return d
