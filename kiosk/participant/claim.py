"""The claim as the visit has shaped it so far, computed from the session and the rules."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import g

from kiosk.clock import today
from kiosk.core import CoreError, ParticipantRecord, get_core, record_from_json
from kiosk.jht import (
    Reason,
    ReasonStatus,
    TaxEstimate,
    claim_amount,
    documents_for,
    estimate_tax,
    expected_payment_date,
    is_partial,
    needs_staff,
    reason_statuses,
)
from kiosk.jht.eligibility import BASE_DOCUMENTS, STAFF_FINISHED_REASONS
from kiosk.participant.journey import policy

# Why a claim goes to a staff member; the receipt and the review explain each in plain words.
STAFF_REASONS = ("above_limit", "finish_with_staff", "bank_holder", "bank_unverified",
                 "documents_missing")


@dataclass(frozen=True)
class ClaimPicture:
    """Everything the amount, review and receipt screens show, and the claim draft needs."""

    record: ParticipantRecord
    reason: Reason
    status: ReasonStatus
    tax: TaxEstimate
    bank_name: str
    bank_account: str
    phone: str
    phone_changed: bool
    documents_needed: tuple[str, ...]
    documents_have: tuple[str, ...]
    staff_reasons: tuple[str, ...]

    @property
    def needs_staff(self) -> bool:
        return bool(self.staff_reasons)

    @property
    def payment_date(self) -> date | None:
        """The promised payment date, or None when staff must verify the claim first."""
        return None if self.needs_staff else expected_payment_date(today(), policy())


def identity_confirmed(row) -> bool:
    """Tell whether the selfie (or a staff member) has confirmed who the participant is."""
    return row.participant_id is not None and bool(row.data.get("identity"))


def participant(row=None) -> ParticipantRecord | None:
    """Return the participant of this visit (or of `row`) once their identity is confirmed.

    While the core cannot be reached, the record it gave at identification serves, so a
    participant already identified can finish the claim (it is saved and sent later).
    """
    row = row if row is not None else g.kiosk_session
    if not identity_confirmed(row):
        return None
    try:
        return get_core().get_participant(row.participant_id)
    except CoreError:
        kept = row.data.get("record")
        if kept is None or kept.get("id") != row.participant_id:
            raise
        return record_from_json(kept)


def identification_step() -> str:
    """Where a visit without a confirmed participant goes: the selfie once number and date match."""
    return "selfie" if g.kiosk_session.participant_id is not None else "identify"


def statuses(record: ParticipantRecord) -> list[ReasonStatus]:
    """Return every reason's status for this participant today."""
    return reason_statuses(record.facts(), today(), policy())


def picture(record: ParticipantRecord) -> ClaimPicture | None:
    """Return the claim so far, or None before a reason is chosen."""
    data = g.kiosk_session.data
    chosen = data.get("reason")
    status = next((s for s in statuses(record) if s.reason.value == chosen), None)
    if status is None or not status.available:
        return None
    reason = status.reason
    gross = claim_amount(reason, record.facts(), policy())
    tax = estimate_tax(gross, paid_on=today(), first_payment=record.partial_taken,
                       is_partial=is_partial(reason), policy=policy())
    bank = data.get("bank", {})
    phone = data.get("phone", {})
    # The KPJ card and e-KTP are what the kiosk's own identification checks; ask only for the
    # papers beyond them.
    needed = tuple(doc for doc in documents_for(reason) if doc not in BASE_DOCUMENTS)
    have = tuple(doc for doc in needed if doc in data.get("documents", ()))
    staff = []
    if reason in STAFF_FINISHED_REASONS:
        staff.append("finish_with_staff")
    elif needs_staff(reason, gross, record.facts(), policy()):
        staff.append("above_limit")
    if bank.get("holder") == "mismatch":
        staff.append("bank_holder")
    elif bank.get("holder") == "unknown":
        staff.append("bank_unverified")
    if "documents" in data and len(have) < len(needed):
        staff.append("documents_missing")
    return ClaimPicture(
        record=record, reason=reason, status=status, tax=tax,
        bank_name=bank.get("bank_name", record.bank_name),
        bank_account=bank.get("account", record.bank_account),
        phone=phone.get("number", record.phone), phone_changed="number" in phone,
        documents_needed=needed, documents_have=have, staff_reasons=tuple(staff))
