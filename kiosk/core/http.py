"""The core system over HTTP (docs/core-api.yaml): timeouts, bounded retries, checked answers.

Every call has explicit connect and read timeouts (CORE_TIMEOUT_SECONDS) and is retried a bounded
number of times (CORE_RETRIES) with exponential backoff and jitter by stamina, on a transport
failure, a timeout, a 5xx or a 409 (the same key still in flight). Claims and decisions carry an
Idempotency-Key, so a retry after a lost answer finds the first one. Every answer is checked
against the API file before the kiosk believes it.
"""
from __future__ import annotations

import json
from datetime import date
from typing import Any

import httpx
import stamina
from flask import Flask, current_app
from sqlalchemy import select

from kiosk.core import (
    CoreError,
    CoreRefused,
    CoreSystem,
    CoreUnavailable,
    Delivery,
    Message,
    OpenClaim,
    ParticipantRecord,
)
from kiosk.core.schema import SchemaError, check_response
from kiosk.extensions import db
from kiosk.jht import OPEN_CLAIM_STATES, EmploymentStatus, ParticipantNumber
from kiosk.models import Claim

RETRY_WAIT_MAX = 3.0  # seconds: one call never waits longer than this between tries


class _Again(Exception):
    """An answer worth asking again for (5xx, 409 in flight)."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"{response.status_code} {_title(response)}")
        self.response = response


def _title(response: httpx.Response) -> str:
    try:
        return str(response.json().get("title", ""))[:200]
    except (ValueError, AttributeError):
        return response.reason_phrase


def _retry_after(exc: Exception) -> bool | float:
    """Tell stamina whether to try again; a Retry-After (seconds) sets the wait."""
    if isinstance(exc, httpx.TransportError):  # connect, read, timeouts, dropped connections
        return True
    if isinstance(exc, _Again):
        raw = exc.response.headers.get("Retry-After", "")
        if raw.isdigit():
            return min(float(raw), RETRY_WAIT_MAX)
        return True
    return False


def _date(raw: str | None) -> date | None:
    return date.fromisoformat(raw) if raw else None


def _open_claim(data: dict) -> OpenClaim:
    return OpenClaim(number=data["number"], state=data["state"], reason=data["reason"],
                     expected_payment_date=_date(data["expected_payment_date"]))


class HttpCore(CoreSystem):
    """Talk to the agency's core system at CORE_URL."""

    def __init__(self, client: httpx.Client, attempts: int, wait: float,
                 demo: bool = False) -> None:
        self.client, self.attempts, self.wait, self.demo = client, attempts, wait, demo

    @classmethod
    def for_app(cls, app: Flask) -> HttpCore:
        """Return the adapter with the app's one shared client (connections are reused)."""
        client = app.extensions.get("core_http_client")
        if client is None:
            timeout = app.config["CORE_TIMEOUT_SECONDS"]
            client = httpx.Client(
                base_url=app.config["CORE_URL"].rstrip("/"),
                timeout=httpx.Timeout(timeout, connect=timeout),
                headers={"Accept": "application/json", "User-Agent": "jht-kiosk"},
                limits=httpx.Limits(max_connections=20, max_keepalive_connections=5))
            client = app.extensions.setdefault("core_http_client", client)
        return cls(client, app.config["CORE_RETRIES"], app.config["CORE_RETRY_WAIT_SECONDS"],
                   demo=app.config["DEMO"])

    # --- one call ------------------------------------------------------------------------------

    def _call(self, operation: str, method: str, path: str, **kwargs) -> httpx.Response:
        """Make one call, retried within bounds; return the answer once its status is final."""
        try:
            for attempt in stamina.retry_context(
                    on=_retry_after, attempts=self.attempts, timeout=None,
                    wait_initial=self.wait, wait_max=RETRY_WAIT_MAX, wait_jitter=self.wait):
                with attempt:
                    response = self.client.request(method, path, **kwargs)
                    if response.status_code >= 500 or response.status_code == 409:
                        raise _Again(response)
        except httpx.TimeoutException as exc:
            raise CoreUnavailable(f"{operation}: no answer in time ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise CoreUnavailable(f"{operation}: cannot reach the core ({type(exc).__name__}: "
                                  f"{exc})") from exc
        except _Again as exc:
            raise CoreUnavailable(f"{operation}: {exc}") from exc
        return response

    def _json(self, operation: str, response: httpx.Response) -> Any:
        """Return the answer's JSON body once it follows the API file; else raise CoreRefused."""
        try:
            body = response.json() if response.content else None
        except ValueError:
            raise CoreRefused(f"{operation}: {response.status_code} answer is not JSON") from None
        media = response.headers.get("Content-Type", "application/json").split(";")[0].strip()
        try:
            check_response(operation, response.status_code, body, media)
        except SchemaError as exc:
            raise CoreRefused(str(exc)) from None
        return body

    def _get(self, operation: str, path: str, missing_ok: bool = True) -> Any:
        """GET a JSON resource: its body, or None for a 404."""
        response = self._call(operation, "GET", path)
        body = self._json(operation, response)
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code != 200:
            raise CoreRefused(f"{operation}: {response.status_code} {_title(response)}")
        return body

    # --- look-ups ------------------------------------------------------------------------------

    def _record(self, data: dict) -> ParticipantRecord:
        contributions = self._get("getContributions", f"/participants/{data['id']}/contributions")
        return ParticipantRecord(
            id=data["id"], kpj=data["kpj"], nik=data["nik"], full_name=data["full_name"],
            birth_date=date.fromisoformat(data["birth_date"]), gender=data["gender"],
            phone=data["phone"], membership_start=date.fromisoformat(data["membership_start"]),
            employment_status=EmploymentStatus(data["employment_status"]),
            employment_end=_date(data["employment_end"]), balance=data["balance"],
            partial_taken=_date(data["partial_taken"]), bank_name=data["bank_name"],
            bank_account=data["bank_account"], bank_holder=data["bank_holder"],
            has_photo=data["has_photo"],
            contributions=tuple((c["year"], c["amount"])
                                for c in (contributions or {}).get("contributions", [])),
            open_claims=self.open_claims(data["id"]),
        )

    def find_participant(self, number: ParticipantNumber,
                         birth_date: date | None = None) -> ParticipantRecord | None:
        if birth_date is None:
            raise ValueError("the core API finds a participant by number and birth date together")
        operation = "findParticipant"
        response = self._call(operation, "POST", "/participants/search", json={
            "number": number.digits, "birth_date": birth_date.isoformat()})
        data = self._json(operation, response)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise CoreRefused(f"{operation}: {response.status_code} {_title(response)}")
        return self._record(data)

    def get_participant(self, participant_id: int) -> ParticipantRecord | None:
        data = self._get("getParticipant", f"/participants/{participant_id}")
        return self._record(data) if data is not None else None

    def account_holder(self, bank_name: str, account: str) -> str | None:
        try:
            data = self._get("getAccountHolder", f"/bank-accounts/{bank_name}/{account}")
        except CoreError:
            return None  # cannot be checked now: the kiosk asks the participant to confirm
        return data["holder"] if data else None

    def reference_photo(self, participant_id: int) -> bytes | None:
        operation = "getReferencePhoto"
        response = self._call(operation, "GET", f"/participants/{participant_id}/photo")
        if response.status_code == 404:
            return None
        media = response.headers.get("Content-Type", "").split(";")[0].strip()
        if response.status_code != 200 or media != "image/jpeg":
            raise CoreRefused(f"{operation}: {response.status_code} {media}")
        return response.content

    def enrol_demo_photo(self, participant_id: int, jpeg: bytes) -> None:
        if not self.demo:
            raise RuntimeError("demo enrolment is only for DEMO=1")
        response = self._call("enrolDemoPhoto", "PUT", f"/participants/{participant_id}/photo",
                              content=jpeg, headers={"Content-Type": "image/jpeg"})
        if response.status_code != 204:
            raise CoreRefused(f"enrolDemoPhoto: {response.status_code} {_title(response)}")

    def open_claims(self, participant_id: int) -> tuple[OpenClaim, ...]:
        data = self._get("getOpenClaims", f"/participants/{participant_id}/claims")
        known = tuple(_open_claim(claim) for claim in (data or {}).get("claims", []))
        return _not_yet_delivered(participant_id, {claim.number for claim in known}) + known

    def update_phone(self, participant_id: int, phone: str) -> None:
        # Nothing to send: the claim carries `new_phone`, and the core applies it itself when it
        # accepts the claim (docs/core-api.yaml, submitClaim), so the update cannot be lost.
        return None

    def claim_status(self, number: str) -> OpenClaim | None:
        data = self._get("getClaim", f"/claims/{number}")
        return _open_claim(data) if data is not None else None

    # --- delivery --------------------------------------------------------------------------------

    def deliver(self, message: Message) -> Delivery:
        if message.kind == "claim.submitted":
            operation, path, body = "submitClaim", "/claims", submission_body(message.payload)
        elif message.kind in ("claim.approved", "claim.rejected"):
            number = message.payload["claim_number"]
            operation, path = "decideClaim", f"/claims/{number}/decisions"
            body = {"state": message.payload["state"], "note": message.payload.get("note", ""),
                    "decided_by": message.payload.get("decided_by") or "staff"}
        else:
            raise CoreRefused(f"no core operation for a {message.kind!r} message")
        # A Structured Field string (the IETF draft): the key in double quotes.
        key = json.dumps(message.idempotency_key)
        response = self._call(operation, "POST", path, json=body,
                              headers={"Idempotency-Key": key})
        data = self._json(operation, response)
        if response.status_code != 201:
            raise CoreRefused(f"{operation}: {response.status_code} {_title(response)}")
        return Delivery(number=data["number"], state=data["state"])


def submission_body(payload: dict) -> dict:
    """The submitClaim body for a claim.submitted payload: the same payload, the same bytes."""
    return {
        "number": payload["claim_number"], "kiosk_id": payload["kiosk_id"],
        "participant_id": payload["participant_id"], "reason": payload["reason"],
        "needs_staff": payload["state"] == "needs_staff",
        "gross_amount": payload["gross_amount"], "tax_amount": payload["tax_amount"],
        "net_amount": payload["net_amount"],
        "expected_payment_date": payload["expected_payment_date"],
        "bank_name": payload["bank_name"], "bank_account": payload["bank_account"],
        "phone": payload["phone"],
        "new_phone": payload["phone"] if payload.get("phone_changed") else None,
        "details": payload.get("details") or {},
    }


def _not_yet_delivered(participant_id: int, known: set[str]) -> tuple[OpenClaim, ...]:
    """The branch's own open claims the core has not listed (still in the outbox): they count."""
    rows = db.session.scalars(select(Claim).where(
        Claim.participant_id == participant_id,
        Claim.state.in_([state.value for state in OPEN_CLAIM_STATES])).order_by(Claim.id.desc()))
    return tuple(OpenClaim(number=row.number, state=row.state, reason=row.reason,
                           expected_payment_date=row.expected_payment_date)
                 for row in rows if row.number not in known)


def close_client(app: Flask | None = None) -> None:
    """Close the app's shared HTTP client (tests, and a sender that stops)."""
    app = app or current_app
    client = app.extensions.pop("core_http_client", None)
    if client is not None:
        client.close()
