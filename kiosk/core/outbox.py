"""The outbox sender: deliver every message to the core once, never drop one, bring decisions back.

A claim and its message are written in one transaction (kiosk/claims.py); this sends them.
- PostgreSQL (a branch): each message is taken with `SELECT ... FOR UPDATE SKIP LOCKED` and held
  while it is delivered, so several senders (`flask --app wsgi core sync` processes) never send
  one message at the same time.
- SQLite (one box): one sender at a time, held by a file lock beside the database; the message
  is read, the transaction ended, the core called, then the result written in a short
  transaction (a SQLite transaction held across a network call would stall the kiosk).
A failed delivery stays on its row with `attempts` and `last_error` and waits exponentially
longer (OUTBOX_BACKOFF_SECONDS, doubling, up to OUTBOX_BACKOFF_MAX_SECONDS) before the next try.
The core's idempotency key makes a repeat after a lost answer harmless.
"""
from __future__ import annotations

import fcntl
import logging
import os
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import func, or_, select

from kiosk import claims
from kiosk.core import CoreError, Message, get_core
from kiosk.extensions import db
from kiosk.jht import ClaimState
from kiosk.models import Claim, OutboxMessage, utcnow

log = logging.getLogger(__name__)
SUBMITTED = "claim.submitted"
ERROR_LENGTH = 500  # OutboxMessage.last_error
STATUS_BATCH = 50  # claims whose state is asked of the core in one pass
# Delivered claims whose decision the core still owes the branch.
AWAITING_CORE = (ClaimState.submitted.value, ClaimState.approved.value)


@dataclass
class PassResult:
    """What one pass of the sender did."""

    sent: int = 0
    failed: int = 0
    waiting: int = 0  # decisions held back until their claim's submission is delivered
    checked: int = 0  # delivered claims whose state was asked of the core
    busy: bool = False  # another sender holds the SQLite database


class SenderBusy(RuntimeError):
    """Another sender is already delivering this SQLite database's outbox."""


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: doubling from the base, capped, with jitter."""
    base = current_app.config["OUTBOX_BACKOFF_SECONDS"]
    cap = current_app.config["OUTBOX_BACKOFF_MAX_SECONDS"]
    seconds = min(cap, base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=seconds * random.uniform(0.8, 1.0))  # jitter: senders spread out


def _is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


_held = threading.local()  # this thread holds the SQLite sender lock already (re-entrant)


@contextmanager
def single_sender() -> Iterator[bool]:
    """On SQLite, hold the one-sender file lock (yield False if another holds it); else no-op."""
    if not _is_sqlite() or getattr(_held, "depth", 0):
        _held.depth = getattr(_held, "depth", 0) + 1
        try:
            yield True
        finally:
            _held.depth -= 1
        return
    database = Path(db.engine.url.database or current_app.instance_path)
    # flock, not a row: it is released by the kernel when a killed sender's process ends.
    with open(database.with_name(database.name + ".outbox.lock"), "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        _held.depth = 1
        try:
            yield True
        finally:
            _held.depth = 0
            fcntl.flock(handle, fcntl.LOCK_UN)


def _due(after_id: int, now: datetime):
    return (select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.id > after_id,
                   or_(OutboxMessage.next_attempt_at.is_(None),
                       OutboxMessage.next_attempt_at <= now))
            .order_by(OutboxMessage.id).limit(1))


def _claim_of(message: OutboxMessage) -> Claim | None:
    number = message.payload.get("claim_number")
    return db.session.scalar(select(Claim).where(Claim.number == number)) if number else None


def _waits_for_submission(message: OutboxMessage, claim: Claim | None) -> bool:
    """A staff decision goes only after the claim it decides reached the core."""
    if message.kind == SUBMITTED or claim is None:
        return False
    submission = db.session.scalar(select(OutboxMessage.sent_at).where(
        OutboxMessage.idempotency_key == claim.idempotency_key))
    return submission is None


def _snapshot(message: OutboxMessage, claim: Claim | None) -> Message:
    """The message as the core gets it; fields older payloads lack come from the claim row."""
    payload = dict(message.payload)
    if message.kind == SUBMITTED and claim is not None:
        payload.setdefault("kiosk_id", claim.kiosk_id)
        payload.setdefault("tax_amount", claim.tax_amount)
        payload.setdefault("expected_payment_date", claim.expected_payment_date.isoformat()
                           if claim.expected_payment_date else None)
    return Message(kind=message.kind, idempotency_key=message.idempotency_key, payload=payload)


def _deliver_one(message: OutboxMessage, result: PassResult) -> None:
    """Deliver one taken message and write what happened (the caller's transaction is open)."""
    message_id = message.id
    claim = _claim_of(message)
    if _waits_for_submission(message, claim):
        result.waiting += 1
        db.session.rollback()
        return
    snapshot = _snapshot(message, claim)
    if _is_sqlite():
        db.session.rollback()  # no SQLite transaction stays open across the network call
    try:
        delivery = get_core().deliver(snapshot)
    except CoreError as exc:
        _failed(message_id, str(exc))
        result.failed += 1
        return
    if _is_sqlite():
        db.session.rollback()  # a fresh transaction: the kiosk may have written meanwhile
    message = db.session.get(OutboxMessage, message_id)
    now = utcnow()
    message.sent_at, message.attempts = now, message.attempts + 1
    message.last_error, message.next_attempt_at = None, None
    message.delivered_state = delivery.state
    claim = _claim_of(message)
    if claim is not None and message.kind == SUBMITTED:
        claims.record_delivery(claim, delivery.state)
        claim.core_checked_at = now
    db.session.commit()
    result.sent += 1


def _failed(message_id: int, error: str) -> None:
    """Keep the message, count the try, say why, and wait longer before the next one."""
    if _is_sqlite():
        db.session.rollback()  # on PostgreSQL the row stays locked by this transaction
    message = db.session.get(OutboxMessage, message_id)
    message.attempts += 1
    message.last_error = error[:ERROR_LENGTH]
    message.next_attempt_at = utcnow() + backoff(message.attempts)
    db.session.commit()
    log.warning("outbox message %s not delivered (try %s): %s", message_id, message.attempts,
                error)


def send_due(limit: int | None = None) -> PassResult:
    """Deliver the messages that are due, oldest first, one transaction each."""
    result = PassResult()
    with single_sender() as alone:
        if not alone:
            result.busy = True
            return result
        last_id, now = 0, utcnow()
        while limit is None or result.sent + result.failed < limit:
            query = _due(last_id, now)
            if not _is_sqlite():
                query = query.with_for_update(skip_locked=True)
            message = db.session.scalar(query)
            if message is None:
                db.session.rollback()
                break
            last_id = message.id
            _deliver_one(message, result)
    return result


def check_decisions(batch: int = STATUS_BATCH) -> int:
    """Ask the core about delivered claims not checked lately; bring its decisions back."""
    due = utcnow() - timedelta(seconds=current_app.config["OUTBOX_STATUS_SECONDS"])
    query = (select(Claim).where(Claim.state.in_(AWAITING_CORE),
                                 or_(Claim.core_checked_at.is_(None), Claim.core_checked_at <= due))
             .order_by(Claim.core_checked_at.nullsfirst(), Claim.id).limit(batch))
    numbers = [claim.number for claim in db.session.scalars(query)]
    db.session.rollback()
    checked = 0
    for number in numbers:
        try:
            known = get_core().claim_status(number)
        except CoreError as exc:
            log.warning("claim status not checked: %s", exc)
            break  # the core is away: try the rest on a later pass
        claim = db.session.scalar(select(Claim).where(Claim.number == number))
        if known is not None:
            claims.follow_core(claim, known.state)
        claim.core_checked_at = utcnow()
        db.session.commit()
        checked += 1
    return checked


def run_pass() -> PassResult:
    """One pass of the sender: what is due, then the decisions the core has made."""
    result = send_due()
    if not result.busy:
        with single_sender() as alone:
            if alone:
                result.checked = check_decisions()
    return result


def run_forever(stop: threading.Event, interval: float | None = None) -> None:
    """Run passes until `stop` is set; a failing pass is logged, never fatal."""
    interval = interval or current_app.config["OUTBOX_INTERVAL_SECONDS"]
    while not stop.is_set():
        try:
            run_pass()
        except Exception:  # the sender must outlive a database hiccup; the row keeps the work
            db.session.rollback()
            log.exception("outbox pass failed")
        finally:
            db.session.remove()
        stop.wait(interval)


def pending_summary(limit: int = 10) -> dict:
    """What the staff board shows: messages not yet sent, and those failing with their error."""
    unsent = OutboxMessage.sent_at.is_(None)
    failing = db.session.scalars(select(OutboxMessage).where(
        unsent, OutboxMessage.last_error.is_not(None)).order_by(OutboxMessage.id).limit(limit))
    return {
        "pending": db.session.scalar(select(func.count()).select_from(OutboxMessage).where(unsent)),
        "failing_count": db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            unsent, OutboxMessage.last_error.is_not(None))),
        "failing": [{"id": row.id, "kind": row.kind, "attempts": row.attempts,
                     "last_error": row.last_error, "since": row.created_at,
                     "number": row.payload.get("claim_number")} for row in failing],
    }


_thread_lock = threading.Lock()


def start_thread(app: Flask) -> threading.Thread | None:
    """Start the one-box sender thread in this process, once (OUTBOX_THREAD=1 only)."""
    if not app.config["OUTBOX_THREAD"]:
        return None
    with _thread_lock:
        running = app.extensions.get("outbox_thread")
        if running is not None and running.is_alive():
            return running
        stop = threading.Event()

        def work() -> None:
            with app.app_context():
                run_forever(stop)

        thread = threading.Thread(target=work, name=f"outbox-sender-{os.getpid()}", daemon=True)
        thread.stop = stop  # type: ignore[attr-defined]
        app.extensions["outbox_thread"] = thread
        thread.start()
        return thread
