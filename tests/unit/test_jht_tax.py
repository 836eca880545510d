"""Unit tests for kiosk.jht.tax."""

from datetime import date

import pytest

from kiosk.jht.policy import Policy
from kiosk.jht.tax import TaxEstimate, estimate_tax

PAID = date(2026, 5, 20)
M = 1_000_000


def final(gross: int) -> TaxEstimate:
    """Estimate a first-ever lump sum (always the final rate)."""
    return estimate_tax(gross, PAID, None, False, Policy())


def progressive(gross: int) -> TaxEstimate:
    """Estimate a lump sum paid three calendar years after the first payment."""
    return estimate_tax(gross, PAID, date(2023, 1, 1), False, Policy())


# --- Final rate ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gross", "tax"),
    [
        (0, 0),
        (10 * M, 0),
        (50 * M, 0),  # exactly the tax-free amount
        (50 * M + 1, 0),  # 5% of Rp1 rounds down to 0
        (50 * M + 19, 0),
        (50 * M + 20, 1),  # 5% of Rp20
        (100 * M, 2_500_000),
        (1_000 * M, 47_500_000),
    ],
)
def test_final_rate_is_zero_up_to_50m_then_5_percent_above(gross, tax):
    assert final(gross) == TaxEstimate(gross=gross, tax=tax, net=gross - tax, method="final")


def test_final_rate_numbers_come_from_the_policy():
    policy = Policy(tax_free_lump_sum=10 * M, final_tax_rate_percent=10)
    assert estimate_tax(20 * M, PAID, None, False, policy).tax == 1 * M


# --- The two-calendar-year clock ----------------------------------------------------------


@pytest.mark.parametrize(
    ("first_payment", "paid_on", "method"),
    [
        (date(2024, 1, 1), date(2024, 12, 31), "final"),  # same calendar year
        (date(2024, 12, 31), date(2025, 1, 1), "final"),  # next calendar year, one day later
        (date(2024, 1, 1), date(2025, 12, 31), "final"),  # last day of the next year
        (date(2024, 12, 31), date(2026, 1, 1), "progressive"),  # third calendar year, 1 Jan
        (date(2024, 1, 1), date(2026, 1, 1), "progressive"),
        (date(2020, 6, 1), date(2026, 5, 20), "progressive"),
    ],
)
def test_two_calendar_year_clock(first_payment, paid_on, method):
    assert estimate_tax(100 * M, paid_on, first_payment, False, Policy()).method == method


def test_given_no_earlier_payment_then_final():
    assert estimate_tax(100 * M, PAID, None, False, Policy()).method == "final"


def test_given_a_partial_payout_then_final_even_years_later():
    estimate = estimate_tax(100 * M, PAID, date(2010, 1, 1), True, Policy())
    assert (estimate.method, estimate.tax) == ("final", 2_500_000)


def test_tax_clock_comes_from_the_policy():
    policy = Policy(tax_clock_years=3)
    estimate = estimate_tax(100 * M, date(2026, 1, 1), date(2024, 12, 31), False, policy)
    assert estimate.method == "final"


# --- Progressive rates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gross", "tax"),
    [
        (1 * M, 50_000),  # no tax-free part: 5% from the first rupiah
        (60 * M, 3_000_000),  # top of the 5% bracket
        (60 * M + 1, 3_000_000),  # 15% of Rp1 rounds down to 0
        (60 * M + 7, 3_000_001),  # 15% of Rp7 = 1.05 -> 1
        (250 * M, 31_500_000),  # top of the 15% bracket: 3M + 190M * 15%
        (250 * M + 4, 31_500_001),  # 25% of Rp4
        (500 * M, 94_000_000),  # + 250M * 25%
        (5_000 * M, 1_444_000_000),  # + 4_500M * 30%
        (5_000 * M + 100, 1_444_000_035),  # 35% above 5B
        (19, 0),  # 5% of Rp19 = 0.95 -> 0
        (20, 1),
    ],
)
def test_progressive_brackets_round_each_bracket_down(gross, tax):
    expected = TaxEstimate(gross=gross, tax=tax, net=gross - tax, method="progressive")
    assert progressive(gross) == expected


def test_progressive_brackets_round_down_per_bracket_not_in_total():
    # Two brackets of Rp10 at 5% are Rp0.50 each: rounded per bracket 0 + 0 = 0; rounding the
    # sum (Rp1.00) instead would give 1.
    policy = Policy(progressive_brackets=((10, 5), (None, 5)))
    assert estimate_tax(20, PAID, date(2020, 1, 1), False, policy).tax == 0


def test_negative_gross_is_refused():
    with pytest.raises(ValueError):
        final(-1)
