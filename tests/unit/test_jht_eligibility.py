"""Unit tests for kiosk.jht.eligibility."""

from dataclasses import replace
from datetime import date

import pytest

from kiosk.jht.eligibility import (
    DEATH_DOCUMENTS,
    REASONS_IN_ORDER,
    EmploymentStatus,
    ParticipantFacts,
    Reason,
    ReasonStatus,
    claim_amount,
    needs_staff,
    reason_statuses,
)
from kiosk.jht.policy import Policy

TODAY = date(2026, 5, 20)
LIMIT = Policy().self_service_limit

# Aged 40, member for 5 years, still working, balance under the limit, no partial taken.
BASE = ParticipantFacts(
    birth_date=date(1986, 1, 1),
    membership_start=date(2021, 1, 1),
    employment_status=EmploymentStatus.active,
    employment_end=None,
    balance=10_000_000,
    partial_taken=None,
)


def status(facts: ParticipantFacts, reason: Reason, today: date = TODAY, policy=Policy()):
    """Return the ReasonStatus of one reason."""
    (found,) = [s for s in reason_statuses(facts, today, policy) if s.reason is reason]
    return found


# --- Shape --------------------------------------------------------------------------------


def test_reason_codes_and_order_are_the_contract_ones():
    assert [r.value for r in REASONS_IN_ORDER] == [
        "retirement_age",
        "resignation",
        "termination",
        "contract_end",
        "bpu_stopped",
        "leaving_indonesia",
        "disability",
        "partial_10",
        "partial_30",
    ]


def test_reason_statuses_gives_one_status_per_reason_in_order():
    statuses = reason_statuses(BASE, TODAY)
    assert [s.reason for s in statuses] == list(REASONS_IN_ORDER)
    assert all(isinstance(s, ReasonStatus) for s in statuses)


def test_employment_status_accepts_the_csv_code():
    facts = replace(BASE, employment_status="resigned", employment_end=date(2026, 1, 1))
    assert facts.employment_status is EmploymentStatus.resigned


def test_negative_balance_is_refused():
    with pytest.raises(ValueError):
        replace(BASE, balance=-1)


# --- Age 56 -------------------------------------------------------------------------------


def test_given_the_day_before_the_56th_birthday_then_age_claim_not_yet():
    facts = replace(BASE, birth_date=date(1970, 5, 21))
    s = status(facts, Reason.retirement_age)
    assert (s.available, s.why, s.available_from) == (False, "not_yet_56", date(2026, 5, 21))


def test_given_the_56th_birthday_then_age_claim_available_while_still_working():
    facts = replace(BASE, birth_date=date(1970, 5, 20))
    s = status(facts, Reason.retirement_age)
    assert (s.available, s.why, s.available_from, s.self_service) == (True, "ok", None, True)


def test_given_born_29_february_then_the_age_claim_opens_on_29_february_in_a_leap_year():
    facts = replace(BASE, birth_date=date(1968, 2, 29))  # turns 56 in 2024, a leap year
    assert status(facts, Reason.retirement_age, date(2024, 2, 28)).available is False
    assert status(facts, Reason.retirement_age, date(2024, 2, 29)).available is True


def test_given_born_29_february_then_the_age_claim_opens_on_1_march_in_a_non_leap_year():
    # 56 years after a 29 Feb is leap until 2100, so use a policy age that lands on 2027.
    policy = Policy(retirement_age=55)
    facts = replace(BASE, birth_date=date(1972, 2, 29))
    s = status(facts, Reason.retirement_age, date(2027, 2, 28), policy)
    assert (s.available, s.available_from) == (False, date(2027, 3, 1))
    assert status(facts, Reason.retirement_age, date(2027, 3, 1), policy).available is True


def test_retirement_age_comes_from_the_policy():
    facts = replace(BASE, birth_date=date(1970, 5, 20))
    s = status(facts, Reason.retirement_age, policy=Policy(retirement_age=57))
    assert (s.available, s.available_from) == (False, date(2027, 5, 20))


def test_given_retired_status_under_56_then_no_reason_from_the_status():
    facts = replace(
        BASE, employment_status=EmploymentStatus.retired, employment_end=date(2025, 1, 1)
    )
    available = [s.reason for s in reason_statuses(facts, TODAY) if s.available]
    assert status(facts, Reason.retirement_age).why == "not_yet_56"
    assert Reason.resignation not in available
    assert Reason.termination not in available
    assert status(facts, Reason.resignation).why == "not_resigned"


# --- Resignation and PHK ------------------------------------------------------------------

WAITS = [
    # (employment_end, day before the wait ends, the day it ends)
    (date(2026, 4, 15), date(2026, 5, 14), date(2026, 5, 15)),
    (date(2026, 1, 31), date(2026, 2, 27), date(2026, 2, 28)),  # letter on 31 Jan
    (date(2024, 1, 31), date(2024, 2, 28), date(2024, 2, 29)),  # leap year
]


@pytest.mark.parametrize(
    ("reason", "employment_status"),
    [
        (Reason.resignation, EmploymentStatus.resigned),
        (Reason.termination, EmploymentStatus.terminated),
    ],
)
@pytest.mark.parametrize(("end", "day_before", "wait_ends"), WAITS)
def test_given_the_day_before_the_wait_ends_then_waiting(
    reason, employment_status, end, day_before, wait_ends
):
    facts = replace(BASE, employment_status=employment_status, employment_end=end)
    s = status(facts, reason, day_before)
    assert (s.available, s.why, s.available_from) == (False, "waiting_period", wait_ends)


@pytest.mark.parametrize(
    ("reason", "employment_status"),
    [
        (Reason.resignation, EmploymentStatus.resigned),
        (Reason.termination, EmploymentStatus.terminated),
    ],
)
@pytest.mark.parametrize(("end", "day_before", "wait_ends"), WAITS)
def test_given_the_day_the_wait_ends_then_available(
    reason, employment_status, end, day_before, wait_ends
):
    facts = replace(BASE, employment_status=employment_status, employment_end=end)
    s = status(facts, reason, wait_ends)
    assert (s.available, s.why, s.available_from, s.self_service) == (True, "ok", None, True)


@pytest.mark.parametrize(
    ("reason", "employment_status", "wait_ends"),
    [
        (Reason.resignation, EmploymentStatus.resigned, date(2026, 3, 31)),  # 2 months
        (Reason.termination, EmploymentStatus.terminated, date(2026, 4, 30)),  # 3 months
    ],
)
def test_resignation_and_phk_waits_come_from_the_policy(reason, employment_status, wait_ends):
    policy = Policy(resignation_wait_months=2, termination_wait_months=3)
    facts = replace(BASE, employment_status=employment_status, employment_end=date(2026, 1, 31))
    day_before = date.fromordinal(wait_ends.toordinal() - 1)
    assert status(facts, reason, day_before, policy).available_from == wait_ends
    assert status(facts, reason, wait_ends, policy).available is True


@pytest.mark.parametrize(
    ("employment_status", "reason", "why"),
    [
        (EmploymentStatus.active, Reason.resignation, "still_employed"),
        (EmploymentStatus.active, Reason.termination, "still_employed"),
        (EmploymentStatus.active, Reason.contract_end, "still_employed"),
        (EmploymentStatus.active, Reason.bpu_stopped, "still_employed"),
        (EmploymentStatus.terminated, Reason.resignation, "not_resigned"),
        (EmploymentStatus.resigned, Reason.termination, "not_terminated"),
        (EmploymentStatus.resigned, Reason.contract_end, "no_contract_end"),
        (EmploymentStatus.contract_end, Reason.bpu_stopped, "not_bpu"),
    ],
)
def test_employment_reasons_need_the_matching_status(employment_status, reason, why):
    facts = replace(BASE, employment_status=employment_status, employment_end=date(2025, 1, 1))
    s = status(facts, reason)
    assert (s.available, s.why, s.available_from) == (False, why, None)


@pytest.mark.parametrize(
    ("employment_status", "reason"),
    [
        (EmploymentStatus.resigned, Reason.resignation),
        (EmploymentStatus.terminated, Reason.termination),
    ],
)
def test_given_no_employment_end_then_wait_cannot_be_counted(employment_status, reason):
    facts = replace(BASE, employment_status=employment_status, employment_end=None)
    s = status(facts, reason)
    assert (s.available, s.why) == (False, "employment_end_missing")


@pytest.mark.parametrize(
    ("employment_status", "reason"),
    [
        (EmploymentStatus.contract_end, Reason.contract_end),
        (EmploymentStatus.bpu_stopped, Reason.bpu_stopped),
    ],
)
def test_contract_end_and_bpu_stop_are_available_at_once(employment_status, reason):
    facts = replace(BASE, employment_status=employment_status, employment_end=TODAY)
    s = status(facts, reason)
    assert (s.available, s.why, s.self_service) == (True, "ok", True)


# --- Leaving Indonesia and disability -----------------------------------------------------


@pytest.mark.parametrize("reason", [Reason.leaving_indonesia, Reason.disability])
def test_leaving_and_disability_can_always_start_but_finish_with_staff(reason):
    s = status(BASE, reason)
    assert (s.available, s.self_service, s.why) == (True, False, "needs_documents_with_staff")


# --- Partial payouts ----------------------------------------------------------------------


@pytest.mark.parametrize("reason", [Reason.partial_10, Reason.partial_30])
def test_given_the_day_before_10_years_of_membership_then_partial_not_yet(reason):
    facts = replace(BASE, membership_start=date(2016, 5, 21))
    s = status(facts, reason)
    assert (s.available, s.why, s.available_from) == (
        False,
        "membership_under_10_years",
        date(2026, 5, 21),
    )


@pytest.mark.parametrize("reason", [Reason.partial_10, Reason.partial_30])
def test_given_exactly_10_years_of_membership_then_partial_available(reason):
    facts = replace(BASE, membership_start=date(2016, 5, 20))
    s = status(facts, reason)
    assert (s.available, s.available_from) == (True, None)


@pytest.mark.parametrize("reason", [Reason.partial_10, Reason.partial_30])
def test_given_a_partial_already_taken_then_no_second_partial(reason):
    facts = replace(BASE, membership_start=date(2010, 1, 1), partial_taken=date(2022, 3, 1))
    s = status(facts, reason)
    assert (s.available, s.why, s.available_from) == (False, "partial_already_taken", None)


def test_partial_10_is_self_service_and_partial_30_finishes_with_staff():
    facts = replace(BASE, membership_start=date(2010, 1, 1))
    p10, p30 = status(facts, Reason.partial_10), status(facts, Reason.partial_30)
    assert (p10.why, p10.self_service) == ("ok", True)
    assert (p30.why, p30.self_service) == ("needs_documents_with_staff", False)


def test_partials_do_not_depend_on_full_claim_reasons():
    facts = replace(
        BASE,
        birth_date=date(1960, 1, 1),
        membership_start=date(2010, 1, 1),
        employment_status=EmploymentStatus.resigned,
        employment_end=date(2025, 1, 1),
    )
    available = {s.reason for s in reason_statuses(facts, TODAY) if s.available}
    expected = {Reason.retirement_age, Reason.resignation, Reason.partial_10, Reason.partial_30}
    assert expected <= available


def test_membership_years_come_from_the_policy():
    facts = replace(BASE, membership_start=date(2021, 5, 20))  # exactly 5 years
    assert status(facts, Reason.partial_10, policy=Policy(partial_min_years=5)).available is True


# --- Amounts and the self-service limit ---------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "balance", "amount"),
    [
        (Reason.retirement_age, 12_345_679, 12_345_679),
        (Reason.resignation, 12_345_679, 12_345_679),
        (Reason.partial_10, 12_345_679, 1_234_567),  # 1_234_567.9 rounded down
        (Reason.partial_30, 12_345_679, 3_703_703),  # 3_703_703.7 rounded down
        (Reason.partial_10, 0, 0),
    ],
)
def test_claim_amount(reason, balance, amount):
    assert claim_amount(reason, replace(BASE, balance=balance), Policy()) == amount


def test_claim_amount_percentages_come_from_the_policy():
    policy = Policy(partial_10_percent=20, partial_30_percent=40)
    facts = replace(BASE, balance=1_000)
    assert claim_amount(Reason.partial_10, facts, policy) == 200
    assert claim_amount(Reason.partial_30, facts, policy) == 400


@pytest.mark.parametrize(
    ("balance", "staff"),
    [(LIMIT - 1, False), (LIMIT, False), (LIMIT + 1, True)],
)
def test_full_claim_needs_staff_only_above_the_limit(balance, staff):
    facts = replace(BASE, balance=balance)
    assert needs_staff(Reason.retirement_age, balance, facts, Policy()) is staff


def test_full_claim_checks_the_balance_even_if_given_a_smaller_gross():
    facts = replace(BASE, balance=LIMIT + 1)
    assert needs_staff(Reason.resignation, LIMIT, facts, Policy()) is True


@pytest.mark.parametrize(("gross", "staff"), [(LIMIT, False), (LIMIT + 1, True)])
def test_partial_10_needs_staff_on_its_gross_above_the_limit(gross, staff):
    facts = replace(BASE, balance=gross * 10)
    assert needs_staff(Reason.partial_10, gross, facts, Policy()) is staff


@pytest.mark.parametrize("reason", [Reason.partial_30, Reason.disability, Reason.leaving_indonesia])
def test_some_reasons_always_need_staff(reason):
    facts = replace(BASE, balance=1)
    assert needs_staff(reason, 1, facts, Policy()) is True


def test_limit_comes_from_the_policy():
    facts = replace(BASE, balance=LIMIT)
    assert needs_staff(Reason.retirement_age, LIMIT, facts, Policy(self_service_limit=LIMIT - 1))


@pytest.mark.parametrize(
    ("balance", "self_service", "why"),
    [(LIMIT, True, "ok"), (LIMIT + 1, False, "above_self_service_limit")],
)
def test_given_balance_at_or_over_the_limit_then_status_says_so(balance, self_service, why):
    facts = replace(BASE, birth_date=date(1960, 1, 1), balance=balance)
    s = status(facts, Reason.retirement_age)
    assert (s.available, s.self_service, s.why) == (True, self_service, why)


# --- Documents ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "documents"),
    [
        (Reason.retirement_age, ("kpj_card", "ektp")),
        (Reason.resignation, ("kpj_card", "ektp", "resignation_letter")),
        (Reason.termination, ("kpj_card", "ektp", "phk_proof")),
        (Reason.contract_end, ("kpj_card", "ektp", "contract_end_proof")),
        (Reason.bpu_stopped, ("kpj_card", "ektp", "bpu_stop_statement")),
        (
            Reason.leaving_indonesia,
            ("kpj_card", "ektp", "passport", "not_returning_statement", "proof_of_leaving_work"),
        ),
        (Reason.disability, ("kpj_card", "ektp", "doctor_certificate")),
        (Reason.partial_10, ("kpj_card", "ektp")),
        (Reason.partial_30, ("kpj_card", "ektp", "housing_proof", "eligibility_letter")),
    ],
)
def test_documents_per_reason(reason, documents):
    assert status(BASE, reason).documents == documents


def test_death_is_information_only():
    assert DEATH_DOCUMENTS == ("death_certificate", "heir_certificate", "heir_ektp", "family_card")
    assert "death" not in {r.value for r in Reason}
