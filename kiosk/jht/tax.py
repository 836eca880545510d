"""Estimate the income tax (PPh 21) withheld from a JHT payout.

Reading of PP 68/2009 Art. 5 and PMK 16/2010 used here:

- The final rate (0% up to `Policy.tax_free_lump_sum` inclusive, `final_tax_rate_percent` on the
  part above) applies to a partial payout, to a payout with no earlier JHT payment, and to a
  payout "within 2 calendar years" of the first JHT payment, read as: paid in the same calendar
  year as the first payment or in the next one (`paid_on.year - first_payment.year <
  tax_clock_years`). A partial payout starts that clock.
- From the third calendar year on, the whole gross is taxed at the progressive Art. 17 rates
  (`Policy.progressive_brackets`), with no tax-free part.

Rounding: each bracket's tax is rounded down to whole rupiah before the brackets are added, so
the estimate never exceeds the exact tax. It is an estimate and the kiosk labels it so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .policy import Policy

FINAL = "final"
PROGRESSIVE = "progressive"
_PERCENT = 100


@dataclass(frozen=True)
class TaxEstimate:
    """Hold the gross payout, the estimated tax and what is left."""

    gross: int
    tax: int
    net: int
    method: str  # "final" | "progressive"


def estimate_tax(
    gross: int,
    paid_on: date,
    first_payment: date | None,
    is_partial: bool,
    policy: Policy = Policy(),
) -> TaxEstimate:
    """Estimate the tax on a payout of gross rupiah paid on paid_on."""
    if gross < 0:
        raise ValueError("gross must not be negative")
    if uses_final_rate(paid_on, first_payment, is_partial, policy):
        method, tax = FINAL, _final_tax(gross, policy)
    else:
        method, tax = PROGRESSIVE, _progressive_tax(gross, policy)
    return TaxEstimate(gross=gross, tax=tax, net=gross - tax, method=method)


def uses_final_rate(
    paid_on: date, first_payment: date | None, is_partial: bool, policy: Policy = Policy()
) -> bool:
    """Tell whether the final rate applies (see the module docstring for the reading)."""
    if is_partial or first_payment is None:
        return True
    return paid_on.year - first_payment.year < policy.tax_clock_years


def _final_tax(gross: int, policy: Policy) -> int:
    """Tax the part above the tax-free amount at the final rate, rounded down."""
    taxable = max(gross - policy.tax_free_lump_sum, 0)
    return taxable * policy.final_tax_rate_percent // _PERCENT


def _progressive_tax(gross: int, policy: Policy) -> int:
    """Tax the whole gross bracket by bracket, rounding each bracket's tax down."""
    tax = 0
    lower = 0
    for upper, percent in policy.progressive_brackets:
        if gross <= lower:
            break
        top = gross if upper is None else min(gross, upper)
        tax += (top - lower) * percent // _PERCENT
        if upper is None:
            break
        lower = upper
    return tax
