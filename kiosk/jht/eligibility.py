"""Which claim reasons a participant may use today, and what each needs.

`ReasonStatus.why` codes:

- ``ok``: available now and can be finished alone at the kiosk.
- ``needs_documents_with_staff``: available to start now; the reason itself (leaving Indonesia,
  disability, partial 30% for housing) is always finished by staff checking documents.
- ``above_self_service_limit``: available now, but the amount is above
  `Policy.self_service_limit`, so the claim is taken and marked needs_staff.
- ``waiting_period``: resignation or PHK whose waiting period has not ended; `available_from` is
  the first day it may be claimed.
- ``employment_end_missing``: status resigned or terminated but no employment_end date on record,
  so the waiting period cannot be counted (a data problem for staff).
- ``not_yet_56``: below `Policy.retirement_age` (the code keeps the statutory 56 in its name);
  `available_from` is the birthday on which that age is reached.
- ``still_employed``: an employment-ending reason while the status is ``active``.
- ``not_resigned`` / ``not_terminated`` / ``no_contract_end`` / ``not_bpu``: the status is not
  active and is not the one the reason needs.
- ``membership_under_10_years``: a partial payout before `Policy.partial_min_years` of
  membership; `available_from` is the membership anniversary that completes them.
- ``partial_already_taken``: a partial payout was already made (it can be taken once);
  `available_from` is None.
- ``claim_in_progress``: the participant has an open claim (queued, submitted, needs staff or
  approved) that still holds the balance; no reason is available until it is paid or rejected.

Judgment call: status ``retired`` (retired by the employer) unlocks nothing by itself. Under the
retirement age such a participant sees ``not_yet_56`` for the age claim and ``not_resigned`` etc.
for the others, because the regulation ties the lump sum to age 56 and lists resignation, PHK,
contract end and BPU stop, not an employer's early retirement; staff decide such cases.

`self_service` is computed whether or not the reason is available yet, so a screen can say in
advance whether the participant could finish alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .dates import add_months, age_on, anniversary, full_years_between
from .policy import Policy


class Reason(StrEnum):
    """Name a claim reason; the values are the codes the kiosk uses."""

    retirement_age = "retirement_age"
    resignation = "resignation"
    termination = "termination"
    contract_end = "contract_end"
    bpu_stopped = "bpu_stopped"
    leaving_indonesia = "leaving_indonesia"
    disability = "disability"
    partial_10 = "partial_10"
    partial_30 = "partial_30"


REASONS_IN_ORDER: tuple[Reason, ...] = tuple(Reason)


class EmploymentStatus(StrEnum):
    """Name a participant's employment status as recorded by the agency."""

    active = "active"
    resigned = "resigned"
    terminated = "terminated"
    contract_end = "contract_end"
    bpu_stopped = "bpu_stopped"
    retired = "retired"


PARTIAL_REASONS: frozenset[Reason] = frozenset({Reason.partial_10, Reason.partial_30})

# Reasons that can be started at the kiosk but are always finished by staff.
STAFF_FINISHED_REASONS: frozenset[Reason] = frozenset(
    {Reason.leaving_indonesia, Reason.disability, Reason.partial_30}
)

BASE_DOCUMENTS: tuple[str, ...] = ("kpj_card", "ektp")

DOCUMENTS_BY_REASON: dict[Reason, tuple[str, ...]] = {
    Reason.retirement_age: BASE_DOCUMENTS,
    Reason.resignation: BASE_DOCUMENTS + ("resignation_letter",),
    Reason.termination: BASE_DOCUMENTS + ("phk_proof",),
    Reason.contract_end: BASE_DOCUMENTS + ("contract_end_proof",),
    Reason.bpu_stopped: BASE_DOCUMENTS + ("bpu_stop_statement",),
    Reason.leaving_indonesia: BASE_DOCUMENTS
    + ("passport", "not_returning_statement", "proof_of_leaving_work"),
    Reason.disability: BASE_DOCUMENTS + ("doctor_certificate",),
    Reason.partial_10: BASE_DOCUMENTS,
    Reason.partial_30: BASE_DOCUMENTS + ("housing_proof", "eligibility_letter"),
}

# Death is information only (heirs claim at the counter), never a kiosk reason.
DEATH_DOCUMENTS: tuple[str, ...] = (
    "death_certificate",
    "heir_certificate",
    "heir_ektp",
    "family_card",
)

# The status each employment-ending reason needs, and the code when the status is another one.
_STATUS_REASONS: dict[Reason, tuple[EmploymentStatus, str]] = {
    Reason.resignation: (EmploymentStatus.resigned, "not_resigned"),
    Reason.termination: (EmploymentStatus.terminated, "not_terminated"),
    Reason.contract_end: (EmploymentStatus.contract_end, "no_contract_end"),
    Reason.bpu_stopped: (EmploymentStatus.bpu_stopped, "not_bpu"),
}


@dataclass(frozen=True)
class ParticipantFacts:
    """Hold what the rules need to know about a participant."""

    birth_date: date
    membership_start: date
    employment_status: EmploymentStatus
    employment_end: date | None  # resignation letter or PHK date
    balance: int  # rupiah
    partial_taken: date | None  # date of the partial payout, if any
    claim_in_progress: bool = False  # an open claim holds the balance (the core knows)

    def __post_init__(self) -> None:
        if self.balance < 0:
            raise ValueError("balance must not be negative")
        # Accept the plain string code too, but store the enum.
        object.__setattr__(self, "employment_status", EmploymentStatus(self.employment_status))


@dataclass(frozen=True)
class ReasonStatus:
    """Say whether one reason may be claimed now, from when, why, and with which documents."""

    reason: Reason
    available: bool
    available_from: date | None
    why: str
    self_service: bool
    documents: tuple[str, ...]


@dataclass(frozen=True)
class _Verdict:
    """Hold the availability part of a ReasonStatus."""

    available: bool
    why: str
    available_from: date | None = None


def documents_for(reason: Reason) -> tuple[str, ...]:
    """Return the document codes a reason needs."""
    return DOCUMENTS_BY_REASON[Reason(reason)]


def is_partial(reason: Reason) -> bool:
    """Tell whether a reason pays part of the balance rather than all of it."""
    return Reason(reason) in PARTIAL_REASONS


def claim_amount(reason: Reason, facts: ParticipantFacts, policy: Policy = Policy()) -> int:
    """Return the gross amount: the whole balance, or the partial percentage rounded down."""
    reason = Reason(reason)
    if reason is Reason.partial_10:
        return facts.balance * policy.partial_10_percent // 100
    if reason is Reason.partial_30:
        return facts.balance * policy.partial_30_percent // 100
    return facts.balance


def needs_staff(
    reason: Reason, gross_amount: int, facts: ParticipantFacts, policy: Policy = Policy()
) -> bool:
    """Tell whether a claim must be finished by staff rather than alone at the kiosk.

    A full claim pays the whole balance, so it is checked against the larger of the gross and the
    balance (a stale gross cannot slip under the limit); a partial is checked on its gross.
    """
    reason = Reason(reason)
    if reason in STAFF_FINISHED_REASONS:
        return True
    amount = gross_amount if is_partial(reason) else max(gross_amount, facts.balance)
    return amount > policy.self_service_limit  # the limit itself is still self-service


def reason_statuses(
    facts: ParticipantFacts, today: date, policy: Policy = Policy()
) -> list[ReasonStatus]:
    """Return one status per reason, in REASONS_IN_ORDER."""
    statuses = []
    for reason in REASONS_IN_ORDER:
        verdict = _verdict(reason, facts, today, policy)
        staff = needs_staff(reason, claim_amount(reason, facts, policy), facts, policy)
        why = verdict.why
        if verdict.available and staff:
            why = (
                "needs_documents_with_staff"
                if reason in STAFF_FINISHED_REASONS
                else "above_self_service_limit"
            )
        statuses.append(
            ReasonStatus(
                reason=reason,
                available=verdict.available,
                available_from=verdict.available_from,
                why=why,
                self_service=not staff,
                documents=documents_for(reason),
            )
        )
    return statuses


def _verdict(reason: Reason, facts: ParticipantFacts, today: date, policy: Policy) -> _Verdict:
    """Decide whether one reason is available today."""
    if facts.claim_in_progress:
        return _Verdict(False, "claim_in_progress")
    if reason is Reason.retirement_age:
        return _age_verdict(facts, today, policy)
    if reason in (Reason.leaving_indonesia, Reason.disability):
        # Always open to start; staff check the documents that prove it.
        return _Verdict(True, "ok")
    if reason in PARTIAL_REASONS:
        return _partial_verdict(facts, today, policy)
    return _status_verdict(reason, facts, today, policy)


def _age_verdict(facts: ParticipantFacts, today: date, policy: Policy) -> _Verdict:
    """Open the age claim from the birthday of retirement age, working or not."""
    if age_on(facts.birth_date, today) >= policy.retirement_age:
        return _Verdict(True, "ok")
    return _Verdict(False, "not_yet_56", anniversary(facts.birth_date, policy.retirement_age))


def _partial_verdict(facts: ParticipantFacts, today: date, policy: Policy) -> _Verdict:
    """Open a partial payout once, after the minimum years of membership."""
    if facts.partial_taken is not None:
        return _Verdict(False, "partial_already_taken")
    if full_years_between(facts.membership_start, today) >= policy.partial_min_years:
        return _Verdict(True, "ok")
    return _Verdict(
        False,
        "membership_under_10_years",
        anniversary(facts.membership_start, policy.partial_min_years),
    )


def _status_verdict(
    reason: Reason, facts: ParticipantFacts, today: date, policy: Policy
) -> _Verdict:
    """Open an employment-ending reason when the status matches and any wait is over."""
    needed_status, wrong_status_code = _STATUS_REASONS[reason]
    if facts.employment_status is not needed_status:
        if facts.employment_status is EmploymentStatus.active:
            return _Verdict(False, "still_employed")
        return _Verdict(False, wrong_status_code)

    wait_months = {
        Reason.resignation: policy.resignation_wait_months,
        Reason.termination: policy.termination_wait_months,
    }.get(reason)
    if wait_months is None:
        return _Verdict(True, "ok")  # contract end and BPU stop have no waiting period
    if facts.employment_end is None:
        return _Verdict(False, "employment_end_missing")
    wait_ends = add_months(facts.employment_end, wait_months)
    if today >= wait_ends:
        return _Verdict(True, "ok")
    return _Verdict(False, "waiting_period", wait_ends)
