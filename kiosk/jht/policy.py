"""The numbers the JHT rules depend on, in one place.

Every threshold, rate and period used by `kiosk.jht` comes from a `Policy`; the logic holds no
literals, so a change in regulation is a change of settings (see JHT-RULES.md for sources).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Art. 17 rates after the 2021 HPP law: (upper bound, or None for no bound; percent).
DEFAULT_PROGRESSIVE_BRACKETS: tuple[tuple[int | None, int], ...] = (
    (60_000_000, 5),
    (250_000_000, 15),
    (500_000_000, 25),
    (5_000_000_000, 30),
    (None, 35),
)


@dataclass(frozen=True)
class Policy:
    """Hold the settings of the JHT rules; amounts are whole rupiah."""

    retirement_age: int = 56
    partial_min_years: int = 10
    partial_10_percent: int = 10
    partial_30_percent: int = 30
    resignation_wait_months: int = 1  # counted from employment_end (the resignation letter date)
    termination_wait_months: int = 1  # counted from employment_end (the PHK date)
    self_service_limit: int = 15_000_000  # inclusive: a balance equal to the limit is self-service
    payment_working_days: int = 5
    holidays: frozenset[date] = frozenset()
    tax_free_lump_sum: int = 50_000_000  # final tax: 0% up to and including this amount
    final_tax_rate_percent: int = 5  # final tax on the part above tax_free_lump_sum
    tax_clock_years: int = 2  # "within 2 calendar years" of the first JHT payment
    progressive_brackets: tuple[tuple[int | None, int], ...] = DEFAULT_PROGRESSIVE_BRACKETS
    min_working_age: int = 15  # decides a NIK's century

    def __post_init__(self) -> None:
        # Accept any iterable of dates (config may pass a set or list); keep the policy hashable.
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(
            self, "progressive_brackets", tuple(tuple(b) for b in self.progressive_brackets)
        )
        _check_brackets(self.progressive_brackets)


def _check_brackets(brackets: tuple[tuple[int | None, int], ...]) -> None:
    """Refuse brackets the tax calculation cannot use."""
    if not brackets or brackets[-1][0] is not None:
        raise ValueError("progressive_brackets must end with an unbounded (None) bracket")
    bounds = [bound for bound, _ in brackets[:-1]]
    if any(bound is None for bound in bounds):
        raise ValueError("only the last progressive bracket may be unbounded")
    if any(later <= earlier for earlier, later in zip(bounds, bounds[1:])) or (
        bounds and bounds[0] <= 0
    ):
        raise ValueError("progressive bracket bounds must be positive and ascending")
