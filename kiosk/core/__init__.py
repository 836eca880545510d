"""The agency's core system, behind one interface: look up participants and their open claims.

The kiosk's own claim record is saved by kiosk/claims.py; the core adapter looks up and (with the
outbox sender) delivers.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from datetime import date

from flask import current_app, g, has_request_context, request

from kiosk.jht import EmploymentStatus, ParticipantFacts, ParticipantNumber


@dataclass(frozen=True)
class OpenClaim:
    """A claim of the participant's that still holds the balance (kiosk.jht.OPEN_CLAIM_STATES)."""

    number: str
    state: str
    reason: str
    expected_payment_date: date | None


@dataclass(frozen=True)
class ParticipantRecord:
    """What the core system tells the kiosk about one participant."""

    id: int
    kpj: str
    nik: str
    full_name: str
    birth_date: date
    gender: str
    phone: str
    membership_start: date
    employment_status: EmploymentStatus
    employment_end: date | None
    balance: int
    partial_taken: date | None
    bank_name: str
    bank_account: str
    bank_holder: str
    has_photo: bool
    contributions: tuple[tuple[int, int], ...] = ()  # (year, amount), oldest first
    open_claims: tuple[OpenClaim, ...] = ()  # newest first

    def facts(self) -> ParticipantFacts:
        """Return the facts the claim rules judge."""
        return ParticipantFacts(
            birth_date=self.birth_date, membership_start=self.membership_start,
            employment_status=self.employment_status, employment_end=self.employment_end,
            balance=self.balance, partial_taken=self.partial_taken,
            claim_in_progress=bool(self.open_claims),
        )


def record_to_json(record: ParticipantRecord) -> dict:
    """The record as JSON, for the visit to keep while the core may go away (see record_from_json)."""
    data = asdict(record)
    for name in ("birth_date", "membership_start", "employment_end", "partial_taken"):
        data[name] = data[name].isoformat() if data[name] else None
    data["employment_status"] = record.employment_status.value
    data["open_claims"] = [dict(claim, expected_payment_date=claim["expected_payment_date"]
                                .isoformat() if claim["expected_payment_date"] else None)
                           for claim in data["open_claims"]]
    return data


def record_from_json(data: dict) -> ParticipantRecord:
    """The record record_to_json kept."""
    day = lambda raw: date.fromisoformat(raw) if raw else None  # noqa: E731
    return ParticipantRecord(**{
        **data,
        "birth_date": day(data["birth_date"]), "membership_start": day(data["membership_start"]),
        "employment_end": day(data["employment_end"]), "partial_taken": day(data["partial_taken"]),
        "employment_status": EmploymentStatus(data["employment_status"]),
        "contributions": tuple(tuple(pair) for pair in data["contributions"]),
        "open_claims": tuple(OpenClaim(**dict(claim, expected_payment_date=day(
            claim["expected_payment_date"]))) for claim in data["open_claims"]),
    })


@dataclass(frozen=True)
class ClaimDraft:
    """A claim as the participant confirmed it on the review screen."""

    idempotency_key: str
    kiosk_id: str
    participant_id: int
    reason: str
    gross_amount: int
    tax_amount: int
    net_amount: int
    needs_staff: bool
    expected_payment_date: date | None
    bank_name: str
    bank_account: str
    phone: str
    phone_changed: bool = False  # the participant gave a new mobile number: update the record
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ClaimReceipt:
    """What the participant is told once a claim is saved."""

    number: str
    state: str
    net_amount: int
    expected_payment_date: date | None
    created: bool  # False when the same draft was submitted before


@dataclass(frozen=True)
class Message:
    """An outbox message as the sender hands it to the core: its kind, its key, what it says."""

    kind: str  # claim.submitted | claim.approved | claim.rejected
    idempotency_key: str
    payload: dict


@dataclass(frozen=True)
class Delivery:
    """The core's answer to a delivered message: the claim's state there now."""

    number: str
    state: str


class CoreError(Exception):
    """The core system could not give an answer; the message says why, for staff and logs."""


class CoreUnavailable(CoreError):
    """The core cannot be reached now (down, too slow, in maintenance): try again later."""


class CoreRefused(CoreError):
    """The core answered, but refused the request or said something the API file does not allow."""


class CoreSystem(ABC):
    """The agency's participant and claim records."""

    @abstractmethod
    def find_participant(self, number: ParticipantNumber,
                         birth_date: date | None = None) -> ParticipantRecord | None:
        """Return the participant with this KPJ or NIK (and, when given, this birth date), or None.

        Raises CoreError when the core cannot answer now (every method that asks the core may).
        """

    @abstractmethod
    def get_participant(self, participant_id: int) -> ParticipantRecord | None:
        """Return the participant with this id, or None."""

    @abstractmethod
    def account_holder(self, bank_name: str, account: str) -> str | None:
        """Return the name on a bank account, or None when it cannot be checked now."""

    @abstractmethod
    def reference_photo(self, participant_id: int) -> bytes | None:
        """Return the participant's reference photo (the e-KTP record's), or None."""

    @abstractmethod
    def enrol_demo_photo(self, participant_id: int, jpeg: bytes) -> None:
        """Demo only (DEMO=1): keep this selfie as the reference of a participant without one."""

    @abstractmethod
    def open_claims(self, participant_id: int) -> tuple[OpenClaim, ...]:
        """Return the participant's claims that still hold the balance, newest first."""

    @abstractmethod
    def update_phone(self, participant_id: int, phone: str) -> None:
        """Make `phone` the participant's mobile number (a data update its claim carried)."""

    @abstractmethod
    def claim_status(self, number: str) -> OpenClaim | None:
        """Return a claim as the core knows it now (its state), or None if the core has none."""

    @abstractmethod
    def deliver(self, message: Message) -> Delivery:
        """Deliver one outbox message, idempotently by its key; raise CoreError if not delivered."""


def practice_visit() -> bool:
    """Tell whether this request serves a practice visit's screens (kiosk.core.practice)."""
    if not has_request_context() or request.blueprint != "participant":
        return False
    row = g.get("kiosk_session")
    return row is not None and bool(row.practice)


def get_core() -> CoreSystem:
    """Return the core-system adapter the settings choose: CORE_URL set = the HTTP API.

    A practice visit gets the practice core, whatever the settings: it knows only the practice
    participant and sends nothing.
    """
    if practice_visit():
        from kiosk.core.practice import PracticeCore

        return PracticeCore()
    if current_app.config["CORE_URL"]:
        from kiosk.core.http import HttpCore

        return HttpCore.for_app(current_app)
    from kiosk.core.local import LocalCore

    return LocalCore()
