"""Database models (SQLAlchemy 2.0 typed)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    text,
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
    # What the kiosk browser reported at its last heartbeat: camera, speech, printer.
    devices: Mapped[dict[str, Any] | None] = mapped_column(MutableDict.as_mutable(JSON),
                                                          default=dict)
    claim_sequence: Mapped[int] = mapped_column(default=0)
    enrol_token_hash: Mapped[str | None] = mapped_column(String(64))
    # The device cookie carries a secret whose hash is kept here; re-enrolling replaces it.
    device_secret_hash: Mapped[str | None] = mapped_column(String(64))
    enrolled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KioskSession(db.Model):
    """One participant's visit to a kiosk; deleting the row wipes what it held (kiosk/visits.py)."""

    # The server ends visits nobody touched (kiosk.visits.sweep): found by their last touch.
    __table_args__ = (Index("ix_kiosk_session_updated_at", "updated_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosk.id"), index=True)
    # A second random token, the only link between this visit and its anonymous step events.
    event_token: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(5), default="id")
    # How the screens look, for this visit only: text size in per cent (100, 125, 150; see
    # kiosk.participant.side.TEXT_SIZES) and the high-contrast theme.
    text_size: Mapped[int] = mapped_column(default=100)
    high_contrast: Mapped[bool] = mapped_column(default=False)
    # The voice, for this visit only: slower speech, speech off, volume (kiosk.participant.voice).
    speech_slow: Mapped[bool] = mapped_column(default=False)
    speech_off: Mapped[bool] = mapped_column(default=False)
    speech_volume: Mapped[int] = mapped_column(default=2)
    step: Mapped[str] = mapped_column(String(30), default="welcome")
    # A practice visit ("Coba dulu", "Lihat caranya"): its participant is the practice record of
    # kiosk.core.practice, it sends nothing and counts in no report (kiosk.participant.practice).
    practice: Mapped[bool] = mapped_column(default=False)
    # The participant's id in the core's records (not a foreign key: the HTTP core's participants
    # are not rows here, and a practice visit's is kiosk.core.practice.PRACTICE_ID).
    participant_id: Mapped[int | None]
    failed_pairs: Mapped[int] = mapped_column(default=0)
    data: Mapped[dict[str, Any]] = mapped_column(MutableDict.as_mutable(JSON), default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


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
    """A participant's or the kiosk's call for a staff member; it belongs to the visit that raised it.

    `session_id` links the request to its visit while the visit lasts (not a foreign key: visits
    are deleted in bulk, and kiosk.visits clears the link first). A request whose visit ended is
    resolved with `resolution` "visit_ended".
    """

    __table_args__ = (Index("ix_help_request_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosk.id"), index=True)
    session_id: Mapped[str | None] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    step: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | acknowledged | resolved
    # Raised in a practice visit: staff still come, the board says so, reports leave it out.
    practice: Mapped[bool] = mapped_column(default=False)
    resolution: Mapped[str | None] = mapped_column(String(20))  # kiosk.visits.RESOLUTIONS
    # The staff member who answered: shown on the kiosk ("Bu Sari sedang menuju ke sini").
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    staff_name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]


# Claim states that still hold the balance (kiosk.jht.OPEN_CLAIM_STATES): a participant has at
# most one such claim, enforced by the database too, so two kiosks cannot both take it.
_OPEN_STATES = "state IN ('queued', 'submitted', 'needs_staff', 'approved')"


class Claim(db.Model):
    """A JHT claim taken at a kiosk: the kiosk's own record (kiosk/claims.py)."""

    __table_args__ = (
        Index("uq_claim_open_per_participant", "participant_id", unique=True,
              sqlite_where=text(_OPEN_STATES), postgresql_where=text(_OPEN_STATES)),
    )

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
    # A new mobile number given with the claim: written to the participant's record only when
    # the claim is accepted (delivered to the core, or approved by staff), then cleared.
    new_phone: Mapped[str | None] = mapped_column(String(20))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]
    # A staff decision on a claim that needed staff: who, when, and why in plain words.
    decided_by: Mapped[str | None] = mapped_column(String(50))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(String(300))
    # When the outbox sender last asked the core for this claim's state (its decision comes back).
    core_checked_at: Mapped[datetime | None]


# A claim's first receipt is printed once (kiosk/receipts.py): a reload or a second tab finds the
# print already taken. Staff reprints are further rows.
_FIRST_PRINT = "kind = 'first'"


class ReceiptPrint(db.Model):
    """One print of a claim's receipt: the first after submit, or a staff reprint."""

    __table_args__ = (
        Index("uq_receipt_print_first", "claim_id", unique=True,
              sqlite_where=text(_FIRST_PRINT), postgresql_where=text(_FIRST_PRINT)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # first | reprint
    kiosk_id: Mapped[str] = mapped_column(String(20))  # whose printer printed it
    language: Mapped[str] = mapped_column(String(5))  # the visit's: a reprint uses it too
    state: Mapped[str] = mapped_column(String(10))  # printing | printed | failed
    fault: Mapped[str | None] = mapped_column(String(20))  # a hardware.errors code
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class OutboxMessage(db.Model):
    """A message for the core system, written in the same transaction as what it reports."""

    # The sender's question, many times a minute: what is still to send, and when.
    __table_args__ = (
        Index("ix_outbox_message_pending", "next_attempt_at", "id",
              sqlite_where=text("sent_at IS NULL"), postgresql_where=text("sent_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # When the sender may try again after a failure (exponential backoff; kiosk/core/outbox.py).
    next_attempt_at: Mapped[datetime | None]
    # What the core answered on delivery (e.g. needs_staff: it waits for the branch's staff).
    delivered_state: Mapped[str | None] = mapped_column(String(20))


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


class StaffMember(db.Model):
    """A branch staff member who signs in to the console (argon2 hashes; never a plain secret)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(12))  # staff | supervisor
    password_hash: Mapped[str] = mapped_column(String(200))
    pin_hash: Mapped[str | None] = mapped_column(String(200))  # the kiosk staff menu's PIN
    disabled: Mapped[bool] = mapped_column(default=False)
    # Changed on sign-out everywhere and on disable: every session made before stops working.
    session_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(db.Model):
    """One staff action: who, what, which kiosk, request or claim, when. Never edited."""

    __table_args__ = (Index("ix_audit_entry_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    username: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(40))
    kiosk_id: Mapped[str | None] = mapped_column(String(20))
    help_request_id: Mapped[int | None]
    claim_number: Mapped[str | None] = mapped_column(String(12))
    detail: Mapped[str | None] = mapped_column(String(300))


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


class CoreClaim(db.Model):
    """A claim the core simulator received (kiosk/core/simulator.py): the simulated core's record."""

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(12), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(258), unique=True)
    participant_id: Mapped[int] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(20))
    expected_payment_date: Mapped[date | None]
    new_phone: Mapped[str | None] = mapped_column(String(20))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CoreRequest(db.Model):
    """One Idempotency-Key the core simulator has seen: the request's fingerprint, its answer."""

    key: Mapped[str] = mapped_column(String(258), primary_key=True)
    operation: Mapped[str] = mapped_column(String(30))
    fingerprint: Mapped[str] = mapped_column(String(64))
    # in_flight while the first request with this key is processed; done once answered.
    status: Mapped[str] = mapped_column(String(10), default="in_flight")
    response_status: Mapped[int | None]
    response_body: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    times_received: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
