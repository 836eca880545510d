"""The core system as local SQL tables: demo and imported participants, claims, the outbox."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from kiosk.core import CoreSystem, Delivery, Message, OpenClaim, ParticipantRecord
from kiosk.extensions import db
from kiosk.jht import OPEN_CLAIM_STATES, EmploymentStatus, ParticipantNumber
from kiosk.models import Claim, Participant


def _record(row: Participant, open_claims: tuple[OpenClaim, ...]) -> ParticipantRecord:
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
        open_claims=open_claims,
    )


class LocalCore(CoreSystem):
    """Read participants from, and write claims to, this kiosk's own database."""

    def find_participant(self, number: ParticipantNumber,
                         birth_date: date | None = None) -> ParticipantRecord | None:
        # The birth date is checked by the caller (the local tables hide nothing from the kiosk).
        column = Participant.kpj if number.kind == "kpj" else Participant.nik
        row = db.session.scalar(select(Participant).where(column == number.digits))
        return _record(row, self.open_claims(row.id)) if row else None

    def get_participant(self, participant_id: int) -> ParticipantRecord | None:
        row = db.session.get(Participant, participant_id)
        return _record(row, self.open_claims(row.id)) if row else None

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

    def open_claims(self, participant_id: int) -> tuple[OpenClaim, ...]:
        # The local tables are the core: the kiosk's own claims are all the claims there are.
        rows = db.session.scalars(select(Claim).where(
            Claim.participant_id == participant_id,
            Claim.state.in_([state.value for state in OPEN_CLAIM_STATES]))
            .order_by(Claim.id.desc()))
        return tuple(OpenClaim(number=row.number, state=row.state, reason=row.reason,
                               expected_payment_date=row.expected_payment_date) for row in rows)

    def update_phone(self, participant_id: int, phone: str) -> None:
        db.session.execute(update(Participant).where(Participant.id == participant_id)
                           .values(phone=phone))

    def claim_status(self, number: str) -> OpenClaim | None:
        row = db.session.scalar(select(Claim).where(Claim.number == number))
        return OpenClaim(number=row.number, state=row.state, reason=row.reason,
                         expected_payment_date=row.expected_payment_date) if row else None

    def deliver(self, message: Message) -> Delivery:
        # The local tables are the core: the kiosk's claim is already its record, so delivering
        # only marks the message sent (the sender does that); the claim's state is the answer.
        number = message.payload["claim_number"]
        if message.kind == "claim.submitted":
            waits = message.payload.get("state") == "needs_staff"
            return Delivery(number=number, state="needs_staff" if waits else "submitted")
        return Delivery(number=number, state=message.payload["state"])
