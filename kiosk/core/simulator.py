"""The core simulator: a small Flask app that speaks docs/core-api.yaml, with faults on demand.

It serves the participants imported into the database its DATABASE_URL names (the same tables the
local adapter reads, so a demo or a test imports once for both) and keeps what it receives in its
own tables (CoreClaim, CoreRequest). Faults, per request:

- `none`: answer normally;
- `down`: close the connection without an answer, as an unreachable core looks to the client;
- `slow`: answer after `slow_seconds` (for a claim: the key is taken first, so a retry meanwhile
  gets 409 in flight, and a client that gave up finds the claim saved);
- `error`: answer 503 (maintenance) without doing anything;
- `lost-reply`: do the work and commit, then close the connection without the answer;
- `random:P`: with probability P one of the four faults above, chosen at random.

`GET /_received` lists what it accepted; `POST /_faults` changes the mode and `POST /_decide/N`
plays the agency deciding a claim (both for tests and demos only).
"""
from __future__ import annotations

import hashlib
import json
import logging
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flask import Flask, abort, current_app, g, jsonify, request
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.serving import BaseWSGIServer, make_server

from kiosk.core.schema import SchemaError, check_request
from kiosk.extensions import db
from kiosk.models import Contribution, CoreClaim, CoreRequest, Participant, utcnow

FAULTS = ("down", "slow", "error", "lost-reply")
OPEN_STATES = ("submitted", "needs_staff", "approved")
ACCEPTED_STATES = ("submitted", "approved")
# A key still "in flight" this long after it was taken belongs to a request that died with its
# process; nothing of it was committed (the claim and the answer commit together), so redo it.
ABANDONED_AFTER = timedelta(seconds=30)
PROBLEM = "https://jht-kiosk.invalid/problems/"
CONTROL_PATHS = ("/_received", "/_faults", "/_decide/")


@dataclass
class Faults:
    """The fault mode: one fault for every request, or a random one for a share of them."""

    mode: str = "none"
    share: float = 0.0
    slow_seconds: float = 6.0
    rng: random.Random = field(default_factory=random.Random)

    @classmethod
    def parse(cls, text: str, slow_seconds: float = 6.0, seed: int | None = None) -> Faults:
        """Read `none | down | slow | error | lost-reply | random:P`; ValueError otherwise."""
        text = text.strip()
        rng = random.Random(seed)
        if text.startswith("random:"):
            share = float(text.partition(":")[2])
            if not 0.0 <= share <= 1.0:
                raise ValueError("random:P takes P from 0 to 1")
            return cls("random", share, slow_seconds, rng)
        if text not in ("none",) + FAULTS:
            raise ValueError(f"unknown fault mode {text!r}: none, down, slow, error, lost-reply "
                             "or random:P")
        return cls(text, 0.0, slow_seconds, rng)

    def pick(self) -> str:
        """Return the fault for one request ('none' for none)."""
        if self.mode != "random":
            return self.mode
        return self.rng.choice(FAULTS) if self.rng.random() < self.share else "none"


def problem(status: int, kind: str, title: str):
    """An application/problem+json answer (RFC 9457)."""
    response = jsonify({"type": PROBLEM + kind, "title": title, "status": status})
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _drop_connection() -> None:
    """Close the client's connection, so it gets no answer at all (werkzeug or gunicorn)."""
    sock = request.environ.get("werkzeug.socket") or request.environ.get("gunicorn.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _before():
    if request.path.startswith(CONTROL_PATHS):
        g.fault = "none"
        return None
    g.fault = current_app.extensions["core_faults"].pick()
    if g.fault == "down":
        _drop_connection()
        return problem(503, "unavailable", "down")  # written to a closed socket: never read
    if g.fault == "error":
        response = problem(503, "unavailable", "The core system is in maintenance")
        response.headers["Retry-After"] = "0"
        return response
    if g.fault == "slow" and request.method == "GET":
        time.sleep(current_app.extensions["core_faults"].slow_seconds)
    return None


def _after(response):
    if g.get("fault") == "lost-reply":
        _drop_connection()  # the work is committed; only the answer is lost
    return response


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _participant_json(row: Participant) -> dict:
    return {
        "id": row.id, "kpj": row.kpj, "nik": row.nik, "full_name": row.full_name,
        "birth_date": row.birth_date.isoformat(), "gender": row.gender, "phone": row.phone,
        "membership_start": row.membership_start.isoformat(),
        "employment_status": row.employment_status, "employment_end": _iso(row.employment_end),
        "balance": row.balance, "partial_taken": _iso(row.partial_taken),
        "bank_name": row.bank_name, "bank_account": row.bank_account,
        "bank_holder": row.bank_holder, "has_photo": bool(row.photo_path),
    }


def _claim_json(row: CoreClaim) -> dict:
    return {"number": row.number, "state": row.state, "reason": row.reason,
            "expected_payment_date": _iso(row.expected_payment_date),
            "updated_at": row.updated_at.replace(microsecond=0).isoformat() + "Z"}


def _participant_or_404(participant_id: int) -> Participant:
    row = db.session.get(Participant, participant_id)
    if row is None:
        abort(problem(404, "not-found", "No such participant"))
    return row


def find_participant():
    body = request.get_json(silent=True)
    try:
        check_request("findParticipant", body)
    except SchemaError as exc:
        return problem(400, "invalid-request", str(exc))
    column = Participant.kpj if len(body["number"]) == 11 else Participant.nik
    row = db.session.scalar(select(Participant).where(column == body["number"]))
    if row is None or row.birth_date.isoformat() != body["birth_date"]:
        return problem(404, "not-found", "No participant with this number and birth date")
    return jsonify(_participant_json(row))


def get_participant(participant_id: int):
    return jsonify(_participant_json(_participant_or_404(participant_id)))


def get_contributions(participant_id: int):
    _participant_or_404(participant_id)
    rows = db.session.scalars(select(Contribution).where(
        Contribution.participant_id == participant_id).order_by(Contribution.year))
    return jsonify({"contributions": [{"year": r.year, "amount": r.amount} for r in rows]})


def get_open_claims(participant_id: int):
    _participant_or_404(participant_id)
    rows = db.session.scalars(select(CoreClaim).where(
        CoreClaim.participant_id == participant_id, CoreClaim.state.in_(OPEN_STATES))
        .order_by(CoreClaim.id.desc()))
    return jsonify({"claims": [_claim_json(row) for row in rows]})


def get_photo(participant_id: int):
    row = _participant_or_404(participant_id)
    try:
        data = Path(row.photo_path).read_bytes() if row.photo_path else None
    except OSError:
        data = None
    if data is None:
        return problem(404, "not-found", "No reference photo")
    return data, 200, {"Content-Type": "image/jpeg"}


def put_photo(participant_id: int):
    row = _participant_or_404(participant_id)
    folder = Path(current_app.config["PHOTO_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{row.kpj}.jpg"
    path.write_bytes(request.get_data())
    row.photo_path = str(path)
    db.session.commit()
    return "", 204


def get_account_holder(bank_name: str, account: str):
    holder = db.session.scalar(select(Participant.bank_holder).where(
        Participant.bank_name == bank_name, Participant.bank_account == account).limit(1))
    if holder is None:
        return problem(404, "not-found", "No such account")
    return jsonify({"holder": holder})


def get_claim(number: str):
    row = db.session.scalar(select(CoreClaim).where(CoreClaim.number == number))
    if row is None:
        return problem(404, "not-found", "No such claim")
    return jsonify(_claim_json(row))


# --- idempotent POSTs (the IETF Idempotency-Key draft) ------------------------------------------


def _key() -> str | None:
    raw = request.headers.get("Idempotency-Key", "").strip()
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        raw = raw[1:-1]  # a Structured Field string
    return raw or None


def _fingerprint(body) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _take_key(key: str, operation: str, fingerprint: str):
    """Reserve the key for this request; or return the answer a repeat of it gets."""
    db.session.add(CoreRequest(key=key, operation=operation, fingerprint=fingerprint))
    try:
        db.session.commit()
        return None
    except IntegrityError:
        db.session.rollback()
    db.session.execute(update(CoreRequest).where(CoreRequest.key == key)
                       .values(times_received=CoreRequest.times_received + 1))
    db.session.commit()
    seen = db.session.get(CoreRequest, key)
    if seen.fingerprint != fingerprint or seen.operation != operation:
        return problem(422, "idempotency-key-reused",
                       "This Idempotency-Key was used with another request")
    if seen.status == "done":
        response = jsonify(seen.response_body)
        response.status_code = seen.response_status
        return response
    retaken = db.session.execute(update(CoreRequest).where(
        CoreRequest.key == key, CoreRequest.status == "in_flight",
        CoreRequest.created_at < utcnow() - ABANDONED_AFTER).values(created_at=utcnow()))
    db.session.commit()
    if retaken.rowcount == 1:
        return None
    return problem(409, "request-in-flight", "A request with this key is still being processed")


def _answer(key: str, status: int, body: dict):
    """Keep the answer with the key (same transaction as the work) and send it."""
    db.session.execute(update(CoreRequest).where(CoreRequest.key == key).values(
        status="done", response_status=status, response_body=body))
    db.session.commit()
    response = jsonify(body)
    response.status_code = status
    if status >= 400:
        response.mimetype = "application/problem+json"
    return response


def _idempotent(operation: str, work):
    key = _key()
    if key is None:
        return problem(400, "idempotency-key-missing", "The Idempotency-Key header is required")
    body = request.get_json(silent=True)
    try:
        check_request(operation, body)
    except SchemaError as exc:
        return problem(400, "invalid-request", str(exc))
    repeat = _take_key(key, operation, _fingerprint(body))
    if repeat is not None:
        return repeat
    if g.fault == "slow":
        time.sleep(current_app.extensions["core_faults"].slow_seconds)
    status, answer = work(key, body)
    return _answer(key, status, answer)


def _set_phone(participant_id: int, phone: str | None) -> None:
    if phone:
        db.session.execute(update(Participant).where(Participant.id == participant_id)
                           .values(phone=phone))


def _submit(key: str, body: dict) -> tuple[int, dict]:
    if db.session.get(Participant, body["participant_id"]) is None:
        return 422, {"type": PROBLEM + "not-found", "title": "No such participant", "status": 422}
    taken = db.session.scalar(select(func.count()).select_from(CoreClaim).where(
        CoreClaim.participant_id == body["participant_id"], CoreClaim.state.in_(OPEN_STATES)))
    if taken or db.session.scalar(select(CoreClaim.id).where(CoreClaim.number == body["number"])):
        return 422, {"type": PROBLEM + "claim-in-progress", "status": 422,
                     "title": "The participant has another open claim"}
    state = "needs_staff" if body["needs_staff"] else "submitted"
    claim = CoreClaim(
        number=body["number"], idempotency_key=key, participant_id=body["participant_id"],
        reason=body["reason"], state=state, new_phone=body["new_phone"], body=body,
        expected_payment_date=date.fromisoformat(body["expected_payment_date"])
        if body["expected_payment_date"] else None)
    if state in ACCEPTED_STATES:
        _set_phone(claim.participant_id, claim.new_phone)
    db.session.add(claim)
    db.session.flush()
    return 201, _claim_json(claim)


def submit_claim():
    return _idempotent("submitClaim", _submit)


def decide_claim(number: str):
    def work(_key: str, body: dict) -> tuple[int, dict]:
        claim = db.session.scalar(select(CoreClaim).where(CoreClaim.number == number))
        if claim is None:
            return 404, {"type": PROBLEM + "not-found", "title": "No such claim", "status": 404}
        if claim.state != "needs_staff":
            return 422, {"type": PROBLEM + "invalid-request", "status": 422,
                         "title": f"The claim is {claim.state}, not waiting for staff"}
        claim.state, claim.updated_at = body["state"], utcnow()
        if claim.state in ACCEPTED_STATES:
            _set_phone(claim.participant_id, claim.new_phone)
        return 201, _claim_json(claim)

    return _idempotent("decideClaim", work)


# --- test and demo controls -----------------------------------------------------------------------


def received():
    """Every claim the simulator accepted, with how often its key arrived."""
    rows = db.session.execute(select(CoreClaim.number, CoreClaim.idempotency_key,
                                     CoreRequest.times_received)
                              .join(CoreRequest, CoreRequest.key == CoreClaim.idempotency_key)
                              .order_by(CoreClaim.id))
    return jsonify([{"number": number, "idempotency_key": key, "times_received": times}
                    for number, key, times in rows])


def set_faults():
    faults = current_app.extensions["core_faults"]
    try:
        new = Faults.parse(str((request.get_json(silent=True) or {}).get("mode", "")),
                           faults.slow_seconds)
    except ValueError as exc:
        return problem(400, "invalid-request", str(exc))
    new.rng = faults.rng
    current_app.extensions["core_faults"] = new
    return jsonify({"mode": request.get_json()["mode"]})


def decide(number: str):
    """Play the agency: move a received claim to approved, paid or rejected."""
    state = (request.get_json(silent=True) or {}).get("state")
    claim = db.session.scalar(select(CoreClaim).where(CoreClaim.number == number))
    if claim is None or state not in ("approved", "paid", "rejected"):
        return problem(404 if claim is None else 400, "invalid-request", "No such claim or state")
    claim.state, claim.updated_at = state, utcnow()
    db.session.commit()
    return jsonify(_claim_json(claim))


ROUTES = (
    ("/participants/search", find_participant, ["POST"]),
    ("/participants/<int:participant_id>", get_participant, ["GET"]),
    ("/participants/<int:participant_id>/contributions", get_contributions, ["GET"]),
    ("/participants/<int:participant_id>/claims", get_open_claims, ["GET"]),
    ("/participants/<int:participant_id>/photo", get_photo, ["GET"]),
    ("/participants/<int:participant_id>/photo", put_photo, ["PUT"]),
    ("/bank-accounts/<bank_name>/<account>", get_account_holder, ["GET"]),
    ("/claims", submit_claim, ["POST"]),
    ("/claims/<number>", get_claim, ["GET"]),
    ("/claims/<number>/decisions", decide_claim, ["POST"]),
    ("/_received", received, ["GET"]),
    ("/_faults", set_faults, ["POST"]),
    ("/_decide/<number>", decide, ["POST"]),
)


def create_simulator(database_url: str, faults: Faults | str = "none",
                     photo_dir: str | Path = "instance/core-photos") -> Flask:
    """Build the simulator app on the database `database_url` names (already migrated)."""
    from kiosk import _tune_sqlite

    app = Flask("kiosk.core.simulator")
    app.config.update(SQLALCHEMY_DATABASE_URI=database_url, PHOTO_DIR=str(photo_dir),
                      SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})
    app.extensions["core_faults"] = Faults.parse(faults) if isinstance(faults, str) else faults
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _tune_sqlite(db.engine)
    app.before_request(_before)
    app.after_request(_after)
    for rule, view, methods in ROUTES:
        app.add_url_rule(rule, f"{view.__name__}_{methods[0].lower()}", view, methods=methods)
    return app


class Running:
    """A simulator served on a loopback port from a thread (tests and benches)."""

    def __init__(self, app: Flask, port: int = 0) -> None:
        self.app = app
        self.server: BaseWSGIServer = make_server("127.0.0.1", port, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                        daemon=True, name="core-simulator")
        self._thread.start()

    def set_faults(self, mode: str) -> None:
        """Change the fault mode of the running simulator."""
        old = self.app.extensions["core_faults"]
        new = Faults.parse(mode, old.slow_seconds)
        new.rng = old.rng
        self.app.extensions["core_faults"] = new

    def stop(self) -> None:
        """Stop serving and close the simulator's database connections."""
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
        with self.app.app_context():
            db.engine.dispose()
