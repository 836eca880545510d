"""The payment date promised on the receipt."""

from __future__ import annotations

from datetime import date

from .dates import add_working_days
from .policy import Policy


def expected_payment_date(submitted_on: date, policy: Policy = Policy()) -> date:
    """Return the last day the agency may pay: the policy's working days after submission."""
    return add_working_days(submitted_on, policy.payment_working_days, policy.holidays)
