"""The kiosk's own claim record: saved with its outbox message in one transaction, state changes.

The core adapter (kiosk/core) only looks up and delivers; what the kiosk promised a participant is
written here. A participant has at most one open claim (queued, submitted, needs_staff, approved):
the core says which claims are open before one is taken, and a partial unique index in the
database stops two kiosks that ask at the same moment.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from kiosk.core import ClaimDraft, ClaimReceipt, CoreError, OpenClaim, get_core
from kiosk.core.practice import PRACTICE_ID
from kiosk.extensions import db
from kiosk.jht import OPEN_CLAIM_STATES, ClaimState, make_claim_number, transition
from kiosk.jht.claims import ALLOWED_TRANSITIONS
from kiosk.models import Claim, Kiosk, OutboxMessage, utcnow

# A new mobile number becomes the participant's own once the claim is accepted: delivered to
# the core (a self-service claim) or approved by staff (a claim that needed them).
ACCEPTED_STATES = frozenset({ClaimState.submitted, ClaimState.approved})


class PracticeClaim(ValueError):
    """A practice visit's claim reached the real record: it must never be saved or sent."""


class ClaimInProgress(Exception):
    """The participant already has an open claim on this balance."""

    def __init__(self, claim: OpenClaim) -> None:
        super().__init__(f"claim {claim.number} is {claim.state}")
        self.claim = claim


def visit_key(visit_id: str) -> str:
    """The idempotency key of a visit's claim: a double tap or a replay makes one claim.

    Derived, not stored, so showing the review never writes; keyed with the app's secret so the
    key tells nothing about the visit's cookie.
    """
    secret = current_app.secret_key.encode()
    return hmac.new(secret, b"claim:" + visit_id.encode(), hashlib.sha256).hexdigest()[:32]


def _receipt(claim: Claim, created: bool) -> ClaimReceipt:
    return ClaimReceipt(number=claim.number, state=claim.state, net_amount=claim.net_amount,
                        expected_payment_date=claim.expected_payment_date, created=created)


def saved(key: str) -> Claim | None:
    """Return the claim saved with this idempotency key, or None."""
    return db.session.scalar(select(Claim).where(Claim.idempotency_key == key))


def open_claims_now(participant_id: int) -> tuple[OpenClaim, ...]:
    """The participant's open claims: the core's, or the branch's own while the core is away.

    A claim is saved even when the core cannot be asked (the participant gets a receipt and the
    outbox sends it later); the partial unique index still stops a second one at this branch.
    """
    try:
        return get_core().open_claims(participant_id)
    except CoreError:
        rows = db.session.scalars(select(Claim).where(
            Claim.participant_id == participant_id,
            Claim.state.in_([state.value for state in OPEN_CLAIM_STATES])).order_by(Claim.id.desc()))
        return tuple(OpenClaim(number=row.number, state=row.state, reason=row.reason,
                               expected_payment_date=row.expected_payment_date) for row in rows)


def save(draft: ClaimDraft) -> ClaimReceipt:
    """Save a claim and its outbox message together; the same draft twice makes one claim.

    Raises ClaimInProgress when the participant has another open claim. A practice claim is
    never saved (kiosk.participant.practice keeps it in its visit): it raises PracticeClaim.
    """
    if draft.participant_id == PRACTICE_ID:
        raise PracticeClaim("a practice claim is never saved nor sent")
    existing = saved(draft.idempotency_key)
    if existing is not None:
        return _receipt(existing, created=False)
    open_claims = open_claims_now(draft.participant_id)
    if open_claims:
        raise ClaimInProgress(open_claims[0])
    # One UPDATE ... RETURNING takes the next number atomically, across processes too.
    sequence = db.session.scalar(
        update(Kiosk).where(Kiosk.id == draft.kiosk_id)
        .values(claim_sequence=Kiosk.claim_sequence + 1)
        .returning(Kiosk.claim_sequence))
    kiosk_code = db.session.scalar(select(Kiosk.code).where(Kiosk.id == draft.kiosk_id))
    state = ClaimState.needs_staff if draft.needs_staff else ClaimState.queued
    claim = Claim(
        number=make_claim_number(current_app.config["BRANCH_CODE"], kiosk_code, sequence),
        idempotency_key=draft.idempotency_key, kiosk_id=draft.kiosk_id,
        participant_id=draft.participant_id, reason=draft.reason, state=state.value,
        gross_amount=draft.gross_amount, tax_amount=draft.tax_amount,
        net_amount=draft.net_amount, expected_payment_date=draft.expected_payment_date,
        bank_name=draft.bank_name, bank_account=draft.bank_account, phone=draft.phone,
        new_phone=draft.phone if draft.phone_changed else None, details=draft.details,
    )
    db.session.add(claim)
    db.session.add(OutboxMessage(
        kind="claim.submitted", idempotency_key=draft.idempotency_key,
        payload={"claim_number": claim.number, "reason": draft.reason,
                 "participant_id": draft.participant_id, "state": state.value,
                 "gross_amount": draft.gross_amount, "net_amount": draft.net_amount,
                 "bank_name": draft.bank_name, "bank_account": draft.bank_account,
                 "phone": draft.phone, "phone_changed": draft.phone_changed,
                 "details": draft.details},
    ))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        # A concurrent request won: the same visit (its claim answers), or another kiosk's
        # claim for the same participant (the open-claim index), which this one must not repeat.
        existing = saved(draft.idempotency_key)
        if existing is not None:
            return _receipt(existing, created=False)
        open_claims = open_claims_now(draft.participant_id)
        if open_claims:
            raise ClaimInProgress(open_claims[0]) from None
        raise
    return _receipt(claim, created=True)


def set_state(claim: Claim, new: ClaimState | str) -> Claim:
    """Move a claim to a new state (ValueError if not allowed); apply a phone change it accepts.

    Called by the outbox sender (delivered: submitted) and the staff console (approve, reject).
    """
    claim.state = transition(ClaimState(claim.state), ClaimState(new)).value
    claim.updated_at = utcnow()
    if claim.new_phone and ClaimState(claim.state) in ACCEPTED_STATES:
        get_core().update_phone(claim.participant_id, claim.new_phone)
        claim.new_phone = None
    return claim


# --- the core's answers: delivery and decisions come back into the kiosk's record ------------------


def _path(current: ClaimState, target: ClaimState) -> list[ClaimState]:
    """The allowed steps from `current` to `target` (none if it cannot get there)."""
    paths = {current: []}
    frontier = [current]
    while frontier:
        state = frontier.pop(0)
        if state == target:
            return paths[state]
        for following in sorted(ALLOWED_TRANSITIONS[state]):
            if following not in paths:
                paths[following] = paths[state] + [following]
                frontier.append(following)
    return []


def follow_core(claim: Claim, core_state: ClaimState | str) -> bool:
    """Bring the claim to the state the core reports, step by allowed step; tell if it moved.

    A state the claim cannot reach (the core lags behind the branch, e.g. it still says
    needs_staff after staff approved) changes nothing.
    """
    steps = _path(ClaimState(claim.state), ClaimState(core_state))
    for step in steps:
        set_state(claim, step)
    return bool(steps)


def record_delivery(claim: Claim, delivered_state: str) -> None:
    """A claim.submitted message reached the core: queued becomes submitted (or what the core says).

    A needs_staff claim stays needs_staff: its delivery is recorded on the outbox row only.
    """
    if claim.state == ClaimState.queued:
        set_state(claim, ClaimState.needs_staff if delivered_state == ClaimState.needs_staff
                  else ClaimState.submitted)
    follow_core(claim, delivered_state)
