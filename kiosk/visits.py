"""The visit's life: start, move to a step, end and wipe; help requests; identity by staff; resets.

One module that the participant side, the staff console and the CLI all call (never the other way
round). A visit is a database row tied to a kiosk; the browser's cookie holds only its signed id.
Ending a visit deletes what it held (the row, its kept selfie and papers without a claim, its
spoken personal facts) and closes its help requests; the anonymous step events stay.

Help requests belong to the visit that raised them: a staff member's answer (acknowledge, accept
identity, resolve) acts on one request and so reaches only that visit, never the next person at
the same kiosk. While a visit has a request open it is never ended for being idle: the
participant is waiting for a person, not gone.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import Flask, current_app, g, request, session
from sqlalchemy import delete, exists, func, select, update

from kiosk import captures
from kiosk.extensions import db
from kiosk.models import FailedIdentification, HelpRequest, Kiosk, KioskSession, StepEvent, utcnow

SESSION_KEY = "sid"

# Help-request reasons and states (CONTRACT.md, Codes).
HELP_REASONS = ("asked", "identity_check", "wrong_identity", "printer", "camera", "needs_staff",
                "other")
OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"
WAITING = (OPEN, ACKNOWLEDGED)
# Why a request was resolved: staff did it, staff accepted the participant's identity, or the
# visit ended (Start over, finished, idle, reset).
RESOLUTIONS = ("staff", "identity_accepted", "visit_ended")
# Requests whose answer can be "this is the person": staff check the e-KTP by hand.
IDENTITY_REASONS = ("identity_check", "wrong_identity", "camera")
# Steps whose screens can say "wait here, staff are coming" and show nothing personal: a visit
# waiting there is not ended for being idle. On any other screen the idle rules hold.
WAITING_STEPS = ("staff-coming", "selfie", "identify")

# Grace past the browser's own warning, so a visit is never ended under a participant's finger.
EXPIRY_GRACE_SECONDS = 30
# Requests the kiosk makes by itself: they are not the participant doing something.
PASSIVE_ENDPOINTS = frozenset({"participant.heartbeat"})
SWEEP_EVERY_SECONDS = 10


class VisitError(ValueError):
    """A staff action cannot be done; the message says why in plain words."""


# --- the current visit -------------------------------------------------------------------------


def idle_limit() -> timedelta:
    """How long a visit may go untouched before the server ends it."""
    config = current_app.config
    return timedelta(seconds=config["IDLE_SECONDS"] + config["IDLE_WARNING_SECONDS"]
                     + EXPIRY_GRACE_SECONDS)


def _held_for_staff():
    """SQL: the visit waits on a staff screen with a help request still open or acknowledged."""
    return KioskSession.step.in_(WAITING_STEPS) & exists().where(
        HelpRequest.session_id == KioskSession.id, HelpRequest.status.in_(WAITING))


def held_for_staff(row: KioskSession | None) -> bool:
    """Tell whether this visit waits for a staff member on a screen that says so (no idle end)."""
    return row is not None and row.step in WAITING_STEPS and waiting_for_staff(row)


def _load() -> None:
    """Find this browser's visit on this kiosk (before every request); end it if it expired."""
    g.kiosk_session = None
    kiosk = g.get("kiosk")
    if kiosk is None:
        return
    sweep_if_due()
    sid = session.get(SESSION_KEY)
    if not sid:
        return
    row = db.session.get(KioskSession, sid)
    if row is None or row.kiosk_id != kiosk.id:
        session.pop(SESSION_KEY, None)
        return
    if utcnow() - row.updated_at > idle_limit() and not held_for_staff(row):
        end(row, "timed_out")
        return
    if request.method == "POST" and request.endpoint not in PASSIVE_ENDPOINTS:
        touch(row)  # the participant did something; a GET (a poll, a screen) does not count
    g.kiosk_session = row
    g.visit_language = row.language


def touch(row: KioskSession) -> None:
    """The participant did something: restart the visit's idle clock (a POST, never a GET)."""
    row.updated_at = utcnow()


def start(language: str, practice: bool = False) -> KioskSession:
    """Begin a new visit on this kiosk, ending whatever an earlier visit left there.

    A practice visit (kiosk.participant.practice) talks to the practice core only, writes no
    step events and raises help requests marked practice: nothing of it is counted or sent.
    """
    kiosk = g.kiosk
    end_kiosk_visits(kiosk.id, "replaced")
    row = KioskSession(id=secrets.token_urlsafe(32), kiosk_id=kiosk.id,
                       event_token=secrets.token_hex(16), language=language, step="welcome",
                       practice=practice, data={})
    db.session.add(row)
    db.session.flush()
    # Only the visit id changes: the CSRF secret stays, because the toolbar and the page's
    # token sit outside <main> and are not re-rendered by a swap.
    session[SESSION_KEY] = row.id
    g.kiosk_session = row
    return row


def record_event(row: KioskSession, step: str, outcome: str) -> None:
    """Write an anonymous step event: kiosk, random token, step, outcome, time.

    A practice visit writes none: the reports count what participants really did.
    """
    if row.practice:
        return
    db.session.add(StepEvent(kiosk_id=row.kiosk_id, session_token=row.event_token, step=step,
                             outcome=outcome))


def move_to(row: KioskSession, step: str, outcome: str = "next") -> None:
    """Record leaving the current step and make `step` the visit's current one."""
    record_event(row, row.step, outcome)
    row.step = step
    touch(row)
    kiosk = db.session.get(Kiosk, row.kiosk_id)
    if kiosk is not None:
        kiosk.current_step = step


# --- ending a visit ----------------------------------------------------------------------------


def end(row: KioskSession | None, outcome: str) -> None:
    """End this browser's visit: record why, wipe everything it held, forget the cookie."""
    if row is not None:
        record_event(row, row.step, outcome)
        _end_rows([row])
        kiosk = db.session.get(Kiosk, row.kiosk_id)
        if kiosk is not None:
            kiosk.current_step = "welcome"
    session.pop(SESSION_KEY, None)
    g.kiosk_session = None
    db.session.commit()


def end_kiosk_visits(kiosk_id: str, outcome: str) -> int:
    """End every visit on a kiosk (a new Start, a staff reset); return how many ended."""
    rows = db.session.scalars(select(KioskSession).where(KioskSession.kiosk_id == kiosk_id)).all()
    for row in rows:
        record_event(row, row.step, outcome)
    _end_rows(rows)
    return len(rows)


def reset_kiosk(kiosk_id: str) -> int:
    """A staff reset: end the kiosk's visit, wipe it, and show welcome; return visits ended."""
    kiosk = db.session.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise VisitError(f"There is no kiosk {kiosk_id}.")
    ended = end_kiosk_visits(kiosk_id, "staff_reset")
    kiosk.current_step = "welcome"
    db.session.commit()
    return ended


def _end_rows(rows) -> None:
    """Close the visits' help requests, apply retention to what they kept, delete them."""
    ids = [row.id for row in rows]
    if not ids:
        return
    _forget_voice(rows)
    captures.end_visits(ids)
    now = utcnow()
    with db.session.no_autoflush:
        db.session.execute(update(HelpRequest).where(
            HelpRequest.session_id.in_(ids), HelpRequest.status.in_(WAITING)).values(
            status=RESOLVED, resolution="visit_ended", resolved_at=now))
        db.session.execute(update(HelpRequest).where(HelpRequest.session_id.in_(ids)).values(
            session_id=None))
        db.session.execute(delete(KioskSession).where(KioskSession.id.in_(ids)))
    for row in rows:
        if row in db.session:
            db.session.expunge(row)


def _forget_voice(rows) -> None:
    """Delete the spoken prompts with the visits' personal facts (kiosk.participant.voice)."""
    voice = current_app.extensions.get("voice")
    if voice is not None:
        for row in rows:
            voice.forget((row.data or {}).get("voice_personal", []))


def sweep(now: datetime | None = None) -> int:
    """End every visit left untouched past the idle limit that waits for nobody; return how many.

    Called at most every SWEEP_EVERY_SECONDS by any kiosk's request, and by `retention purge`, so
    an abandoned visit is wiped even when its own browser is gone.
    """
    now = now or utcnow()
    cutoff = now - idle_limit()
    rows = db.session.scalars(select(KioskSession).where(
        KioskSession.updated_at < cutoff, ~_held_for_staff())).all()
    for row in rows:
        record_event(row, row.step, "timed_out")
        kiosk = db.session.get(Kiosk, row.kiosk_id)
        if kiosk is not None:
            kiosk.current_step = "welcome"
    _end_rows(rows)
    db.session.commit()
    if g.get("kiosk_session") is not None and g.kiosk_session.id in {row.id for row in rows}:
        g.kiosk_session = None
    return len(rows)


_last_sweep: dict[str, datetime] = {}  # per app process: a hint to skip a query, not state


def sweep_if_due() -> None:
    """Sweep expired visits unless this process did so in the last few seconds."""
    key = current_app.config["SQLALCHEMY_DATABASE_URI"]
    now = utcnow()
    last = _last_sweep.get(key)
    if last is not None and now - last < timedelta(seconds=SWEEP_EVERY_SECONDS):
        return
    _last_sweep[key] = now
    sweep(now)


def purge_records(now: datetime | None = None) -> int:
    """Delete visit records older than RETENTION_SESSION_DAYS; return how many rows went.

    What outlives a visit: its anonymous step events and help requests, and the wrong-pair marks
    that rate-limit guessing. With 0 days nothing of an ended visit is kept past the purge.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["RETENTION_SESSION_DAYS"])
    gone = 0
    for model, column in ((StepEvent, StepEvent.at), (FailedIdentification, FailedIdentification.at)):
        gone += db.session.execute(delete(model).where(column < cutoff)).rowcount or 0
    gone += db.session.execute(delete(HelpRequest).where(
        HelpRequest.status == RESOLVED, HelpRequest.created_at < cutoff)).rowcount or 0
    return gone


# --- help requests -----------------------------------------------------------------------------


def open_request(row: KioskSession) -> HelpRequest | None:
    """Return this visit's help request still waiting for staff, or None."""
    return db.session.scalar(select(HelpRequest).where(
        HelpRequest.session_id == row.id, HelpRequest.status.in_(WAITING))
        .order_by(HelpRequest.id.desc()).limit(1))


def waiting_for_staff(row: KioskSession | None) -> bool:
    """Tell whether this visit has called a staff member who has not finished yet."""
    return row is not None and open_request(row) is not None


def call_staff(row: KioskSession, reason: str, step: str | None = None) -> HelpRequest:
    """Raise a help request for this visit, or return the one it has open already."""
    if reason not in HELP_REASONS:
        raise ValueError(f"unknown help reason {reason!r}")
    current = open_request(row)
    if current is not None:
        return current
    request = HelpRequest(kiosk_id=row.kiosk_id, session_id=row.id, reason=reason,
                          step=step or row.step, practice=bool(row.practice))
    db.session.add(request)
    db.session.flush()
    return request


def _request(request_id: int) -> HelpRequest:
    request = db.session.get(HelpRequest, request_id)
    if request is None:
        raise VisitError(f"There is no help request {request_id}.")
    return request


def _staff_touch(request: HelpRequest) -> None:
    """A staff member answering counts as activity: the visit's idle clock starts afresh."""
    row = db.session.get(KioskSession, request.session_id) if request.session_id else None
    if row is not None:
        touch(row)


def acknowledge(request_id: int, staff_id: int | None = None,
                staff_name: str | None = None) -> HelpRequest:
    """A staff member is on the way to this request; the kiosk shows and says their name."""
    request = _request(request_id)
    if request.status != OPEN:
        raise VisitError(f"Help request {request_id} is {request.status} already.")
    request.status, request.acknowledged_at = ACKNOWLEDGED, utcnow()
    request.staff_id, request.staff_name = staff_id, (staff_name or "Petugas").strip()[:100]
    _staff_touch(request)
    db.session.commit()
    return request


def resolve(request_id: int, resolution: str = "staff") -> HelpRequest:
    """Close a help request (staff helped, or the participant went on alone)."""
    if resolution not in RESOLUTIONS:
        raise ValueError(f"unknown resolution {resolution!r}")
    request = _request(request_id)
    if request.status == RESOLVED:
        raise VisitError(f"Help request {request_id} is resolved already.")
    request.status, request.resolution, request.resolved_at = RESOLVED, resolution, utcnow()
    _staff_touch(request)
    db.session.commit()
    return request


def accept_identity(request_id: int) -> KioskSession:
    """A staff member checked the e-KTP of the participant who raised this request: let them on.

    Acts only on the request's own visit: a request whose visit ended (Start over, idle, reset)
    reaches nobody, so the next person at the kiosk can never be let through by it.
    """
    from kiosk.participant.selfie import accept_by_staff  # the selfie step owns its state

    request = _request(request_id)
    if request.reason not in IDENTITY_REASONS:
        raise VisitError(f"Help request {request_id} is not about identity ({request.reason}).")
    if request.status == RESOLVED or request.session_id is None:
        raise VisitError(f"Help request {request_id} is closed: that participant has left.")
    row = db.session.get(KioskSession, request.session_id)
    if row is None or row.participant_id is None:
        raise VisitError(f"The participant of help request {request_id} has not given a "
                         "number and birth date that match yet.")
    accept_by_staff(row)
    request.status, request.resolution, request.resolved_at = (
        RESOLVED, "identity_accepted", utcnow())
    db.session.commit()
    return row


def kiosk_requests(kiosk_id: str) -> list[HelpRequest]:
    """The help requests of a kiosk still waiting for staff, oldest first."""
    return list(db.session.scalars(select(HelpRequest).where(
        HelpRequest.kiosk_id == kiosk_id, HelpRequest.status.in_(WAITING))
        .order_by(HelpRequest.created_at, HelpRequest.id)))


# --- wrong number-and-date pairs ---------------------------------------------------------------


def reserve_pair_try(row: KioskSession, limit: int) -> bool:
    """Take one of the visit's tries at a number-and-date pair, atomically; False when none left.

    The try is counted before the pair is checked, in one UPDATE, so simultaneous requests can
    never check more pairs than the limit; a pair that matches gives its try back.
    """
    taken = db.session.execute(
        update(KioskSession).where(KioskSession.id == row.id, KioskSession.failed_pairs < limit)
        .values(failed_pairs=KioskSession.failed_pairs + 1)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    db.session.refresh(row)
    return bool(taken)


def return_pair_try(row: KioskSession) -> None:
    """The pair matched: it was not a wrong one."""
    db.session.execute(update(KioskSession).where(KioskSession.id == row.id).values(
        failed_pairs=func.max(KioskSession.failed_pairs - 1, 0)
        if db.engine.dialect.name == "sqlite"
        else func.greatest(KioskSession.failed_pairs - 1, 0))
        .execution_options(synchronize_session=False))
    db.session.refresh(row, ["failed_pairs"])


def init_app(app: Flask) -> None:
    app.before_request(_load)
    app.context_processor(_context)


def staff_on_the_way(row: KioskSession | None) -> str | None:
    """The name of the staff member coming to this visit, once they have said so."""
    call = open_request(row) if row is not None else None
    return call.staff_name if call is not None and call.status == ACKNOWLEDGED else None


def is_practice(row: KioskSession | None) -> bool:
    """Tell whether this is a practice visit (kiosk.participant.practice)."""
    return row is not None and bool(row.practice)


def _context() -> dict:
    row = g.get("kiosk_session")
    return {"kiosk_session": row, "held_for_staff": held_for_staff(row),
            "staff_on_the_way": staff_on_the_way(row), "practice": is_practice(row)}
