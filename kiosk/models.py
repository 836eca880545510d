"""Database models (SQLAlchemy 2.0 typed)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk.extensions import db


def utcnow() -> datetime:
    """Return the current time in UTC, naive, as every timestamp column stores it."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Participant(db.Model):
    """A JHT participant as the core system knows them (local adapter's table)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kpj: Mapped[str] = mapped_column(String(11), unique=True)
    nik: Mapped[str] = mapped_column(String(16), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date]
    gender: Mapped[str] = mapped_column(String(1))
    phone: Mapped[str] = mapped_column(String(20))
    membership_start: Mapped[date]
    employment_status: Mapped[str] = mapped_column(String(20))
    employment_end: Mapped[date | None]
    balance: Mapped[int] = mapped_column(BigInteger)
    partial_taken: Mapped[date | None]
    bank_name: Mapped[str] = mapped_column(String(20))
    bank_account: Mapped[str] = mapped_column(String(30))
    bank_holder: Mapped[str] = mapped_column(String(200))
    photo_path: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    contributions: Mapped[list[Contribution]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", order_by="Contribution.year"
    )


class Contribution(db.Model):
    """Contributions paid for a participant in one calendar year."""

    __table_args__ = (UniqueConstraint("participant_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    year: Mapped[int]
    amount: Mapped[int] = mapped_column(BigInteger)

    participant: Mapped[Participant] = relationship(back_populates="contributions")


class Kiosk(db.Model):
    """A registered kiosk device in the branch."""

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    code: Mapped[int] = mapped_column(unique=True)  # 1..99, two digits in claim numbers
    name: Mapped[str] = mapped_column(String(100))
    printer_url: Mapped[str | None] = mapped_column(String(300))
    current_step: Mapped[str | None] = mapped_column(String(30))
    last_heartbeat: Mapped[datetime | None]
    claim_sequence: Mapped[int] = mapped_column(default=0)
    enrol_token_hash: Mapped[str | None] = mapped_column(String(64))
    enrolled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KioskSession(db.Model):
    """One participant's visit to a kiosk; deleting the row wipes what it held."""

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosk.id"), index=True)
    # A second random token, the only link between this visit and its anonymous step events.
    event_token: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(5), default="id")
    large_text: Mapped[bool] = mapped_column(default=False)
    # The voice, for this visit only: slower speech, speech off, volume (kiosk.participant.voice).
    speech_slow: Mapped[bool] = mapped_column(default=False)
    speech_off: Mapped[bool] = mapped_column(default=False)
    speech_volume: Mapped[int] = mapped_column(default=2)
    step: Mapped[str] = mapped_column(String(30), default="welcome")
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"))
    failed_pairs: Mapped[int] = mapped_column(default=0)
    data: Mapped[dict[str, Any]] = mapped_column(MutableDict.as_mutable(JSON), default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    participant: Mapped[Participant | None] = relationship()


class StepEvent(db.Model):
    """An anonymous record of one step transition; never a name or a number."""

    __table_args__ = (Index("ix_step_event_kiosk_at", "kiosk_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(20))
    session_token: Mapped[str] = mapped_column(String(32), index=True)
    step: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class FailedIdentification(db.Model):
    """A wrong number and birth-date pair at a kiosk, kept only to rate-limit guessing."""

    __table_args__ = (Index("ix_failed_identification_kiosk_at", "kiosk_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class HelpRequest(db.Model):
    """A participant's or the kiosk's call for a staff member."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosk.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    step: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | acknowledged | resolved
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]


class Claim(db.Model):
    """A JHT claim taken at a kiosk."""

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(12), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosk.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    reason: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(20))
    gross_amount: Mapped[int] = mapped_column(BigInteger)
    tax_amount: Mapped[int] = mapped_column(BigInteger)
    net_amount: Mapped[int] = mapped_column(BigInteger)
    expected_payment_date: Mapped[date | None]
    bank_name: Mapped[str] = mapped_column(String(20))
    bank_account: Mapped[str] = mapped_column(String(30))
    phone: Mapped[str] = mapped_column(String(20))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(db.Model):
    """A message for the core system, written in the same transaction as what it reports."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))


class Capture(db.Model):
    """An image the kiosk camera kept: the best selfie frame, or a participant's paper.

    A selfie lives only while the visit needs it (RETENTION_SELFIE_HOURS, 0 = until the visit
    ends); a paper is attached to the claim for staff. Never logged, never shown to anyone but the
    participant who held it up and the staff who check the claim.
    """

    __table_args__ = (Index("ix_capture_session_kind", "session_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # selfie | document
    document: Mapped[str | None] = mapped_column(String(30))  # the paper's code, for documents
    # The visit that captured it; not a foreign key, because visits are deleted in bulk and the
    # captures are cleared first (kiosk/captures.py).
    session_id: Mapped[str | None] = mapped_column(String(64))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)
    image: Mapped[bytes] = mapped_column(LargeBinary)
    quality: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delete_after: Mapped[datetime | None]


class ReferenceEmbedding(db.Model):
    """The face embedding of a participant's reference photo, so a match only compares.

    As sensitive as the photo: it is deleted with the participant's record and replaced when the
    photo changes (photo_sha256 no longer matches). Never logged, never in a URL, never sent to a
    browser.
    """

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True)
    photo_sha256: Mapped[str] = mapped_column(String(64))
    embedding: Mapped[bytes] = mapped_column(LargeBinary)  # 128 little-endian float32
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
