"""Unit tests for kiosk.jht.payment."""

from datetime import date

from kiosk.jht.payment import expected_payment_date
from kiosk.jht.policy import Policy

FRIDAY = date(2026, 5, 15)
NEXT_MONDAY = date(2026, 5, 18)


def test_given_friday_submission_then_paid_by_the_following_friday():
    assert expected_payment_date(FRIDAY, Policy()) == date(2026, 5, 22)


def test_given_a_holiday_on_monday_then_paid_by_the_following_monday():
    policy = Policy(holidays=frozenset({NEXT_MONDAY}))
    assert expected_payment_date(FRIDAY, policy) == date(2026, 5, 25)


def test_given_a_midweek_submission_then_the_weekend_is_skipped():
    # Wednesday + 5 working days: Thu, Fri, Mon, Tue, Wed.
    assert expected_payment_date(date(2026, 5, 13), Policy()) == date(2026, 5, 20)


def test_given_a_holiday_on_a_weekend_then_nothing_extra_is_skipped():
    policy = Policy(holidays=frozenset({date(2026, 5, 16)}))  # a Saturday
    assert expected_payment_date(FRIDAY, policy) == date(2026, 5, 22)


def test_working_days_come_from_the_policy():
    assert expected_payment_date(FRIDAY, Policy(payment_working_days=1)) == NEXT_MONDAY


def test_holidays_may_be_given_as_a_set():
    policy = Policy(holidays={NEXT_MONDAY})
    assert expected_payment_date(FRIDAY, policy) == date(2026, 5, 25)
    assert isinstance(policy.holidays, frozenset)
