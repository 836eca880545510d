"""The core system as local SQL tables: demo and imported participants, claims, the outbox."""
from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from kiosk.core import ClaimDraft, ClaimReceipt, CoreSystem, ParticipantRecord
from kiosk.extensions import db
from kiosk.jht import ClaimState, EmploymentStatus, ParticipantNumber, make_claim_number
from kiosk.models import Claim, Kiosk, OutboxMessage, Participant


def _record(row: Participant) -> ParticipantRecord:
    return ParticipantRecord(
        id=row.id, kpj=row.kpj, nik=row.nik, full_name=row.full_name,
        birth_date=row.birth_date, gender=row.gender, phone=row.phone,
        membership_start=row.membership_start,
        employment_status=EmploymentStatus(row.employment_status),
        employment_end=row.employment_end, balance=row.balance,
        partial_taken=row.partial_taken, bank_name=row.bank_name,
        bank_account=row.bank_account, bank_holder=row.bank_holder,
        has_photo=bool(row.photo_path),
        contributions=tuple((c.year, c.amount) for c in row.contributions),
    )


def _receipt(claim: Claim, created: bool) -> ClaimReceipt:
    return ClaimReceipt(number=claim.number, state=claim.state, net_amount=claim.net_amount,
                        expected_payment_date=claim.expected_payment_date, created=created)


class LocalCore(CoreSystem):
    """Read participants from, and write claims to, this kiosk's own database."""

    def __init__(self, branch_code: str) -> None:
        self.branch_code = branch_code

    def find_participant(self, number: ParticipantNumber) -> ParticipantRecord | None:
        column = Participant.kpj if number.kind == "kpj" else Participant.nik
        row = db.session.scalar(select(Participant).where(column == number.digits))
        return _record(row) if row else None

    def get_participant(self, participant_id: int) -> ParticipantRecord | None:
        row = db.session.get(Participant, participant_id)
        return _record(row) if row else None

    def account_holder(self, bank_name: str, account: str) -> str | None:
        # The local tables know only the accounts on file; a real core asks the bank.
        return db.session.scalar(select(Participant.bank_holder).where(
            Participant.bank_name == bank_name, Participant.bank_account == account).limit(1))

    def reference_photo(self, participant_id: int) -> bytes | None:
        row = db.session.get(Participant, participant_id)
        if row is None or not row.photo_path:
            return None
        try:
            return Path(row.photo_path).read_bytes()
        except OSError:
            return None  # a photo moved or lost: staff check the e-KTP instead

    def enrol_demo_photo(self, participant_id: int, jpeg: bytes) -> None:
        if not current_app.config["DEMO"]:
            raise RuntimeError("demo enrolment is only for DEMO=1")
        row = db.session.get(Participant, participant_id)
        folder = Path(current_app.config["INSTANCE_PATH"]) / "demo-photos"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{row.kpj}.jpg"
        path.write_bytes(jpeg)
        row.photo_path = str(path)

    def submit_claim(self, draft: ClaimDraft) -> ClaimReceipt:
        existing = self._claim_with_key(draft.idempotency_key)
        if existing is not None:
            return _receipt(existing, created=False)
        # One UPDATE ... RETURNING takes the next number atomically, across processes too.
        sequence = db.session.scalar(
            update(Kiosk).where(Kiosk.id == draft.kiosk_id)
            .values(claim_sequence=Kiosk.claim_sequence + 1)
            .returning(Kiosk.claim_sequence))
        kiosk_code = db.session.scalar(select(Kiosk.code).where(Kiosk.id == draft.kiosk_id))
        state = ClaimState.needs_staff if draft.needs_staff else ClaimState.queued
        claim = Claim(
            number=make_claim_number(self.branch_code, kiosk_code, sequence),
            idempotency_key=draft.idempotency_key, kiosk_id=draft.kiosk_id,
            participant_id=draft.participant_id, reason=draft.reason, state=state.value,
            gross_amount=draft.gross_amount, tax_amount=draft.tax_amount,
            net_amount=draft.net_amount, expected_payment_date=draft.expected_payment_date,
            bank_name=draft.bank_name, bank_account=draft.bank_account, phone=draft.phone,
            details=draft.details,
        )
        db.session.add(claim)
        if draft.phone_changed:  # the data update, in the same transaction as the claim
            db.session.execute(update(Participant).where(Participant.id == draft.participant_id)
                               .values(phone=draft.phone))
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
            # A concurrent request with the same key won the race: answer with its claim.
            existing = self._claim_with_key(draft.idempotency_key)
            if existing is None:
                raise
            return _receipt(existing, created=False)
        return _receipt(claim, created=True)

    @staticmethod
    def _claim_with_key(key: str) -> Claim | None:
        return db.session.scalar(select(Claim).where(Claim.idempotency_key == key))
