"""Participant sessions: a database row per visit; the cookie holds only its signed id."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Flask, current_app, g, session
from sqlalchemy import delete, select

from kiosk import captures
from kiosk.extensions import db
from kiosk.models import KioskSession, StepEvent, utcnow

SESSION_KEY = "sid"


def _expired(row: KioskSession) -> bool:
    """A visit left alone past the idle warning is over, even if no browser script reset it."""
    config = current_app.config
    limit = timedelta(seconds=config["IDLE_SECONDS"] + config["IDLE_WARNING_SECONDS"] + 30)
    return utcnow() - row.updated_at > limit


def _load_session() -> None:
    g.kiosk_session = None
    sid = session.get(SESSION_KEY)
    kiosk = g.get("kiosk")
    if not sid or kiosk is None:
        return
    row = db.session.get(KioskSession, sid)
    if row is None or row.kiosk_id != kiosk.id:
        session.pop(SESSION_KEY, None)
        return
    if _expired(row):
        record_event(row, row.step, "timed_out")
        wipe(row)
        return
    row.updated_at = utcnow()
    g.kiosk_session = row


def start(language: str) -> KioskSession:
    """Begin a new visit on this kiosk, wiping whatever an earlier visit left there."""
    kiosk = g.kiosk
    end_kiosk_visits(kiosk.id)
    row = KioskSession(id=secrets.token_urlsafe(32), kiosk_id=kiosk.id,
                       event_token=secrets.token_hex(16), language=language, step="welcome",
                       data={})
    db.session.add(row)
    db.session.flush()
    # Only the visit id changes: the CSRF secret stays, because the toolbar and the page's
    # token sit outside <main> and are not re-rendered by a swap.
    session[SESSION_KEY] = row.id
    g.kiosk_session = row
    return row


def end_kiosk_visits(kiosk_id: str) -> int:
    """Delete every visit on a kiosk and what it kept; return how many visits ended."""
    rows = db.session.scalars(select(KioskSession).where(KioskSession.kiosk_id == kiosk_id)).all()
    ids = [row.id for row in rows]
    _forget_voice(rows)
    captures.end_visits(ids)
    db.session.execute(delete(KioskSession).where(KioskSession.kiosk_id == kiosk_id))
    return len(ids)


def _forget_voice(rows) -> None:
    """Delete the spoken prompts with the visits' personal facts (kiosk.participant.voice)."""
    voice = current_app.extensions.get("voice")
    if voice is not None:
        for row in rows:
            voice.forget((row.data or {}).get("voice_personal", []))


def wipe(row: KioskSession | None) -> None:
    """Delete a visit and everything it held; the step events stay, anonymous."""
    if row is not None:
        _forget_voice([row])
        captures.end_visits([row.id])
        db.session.delete(row)
    session.pop(SESSION_KEY, None)
    g.kiosk_session = None
    db.session.commit()


def record_event(row: KioskSession, step: str, outcome: str) -> None:
    """Write an anonymous step event: kiosk, random token, step, outcome, time."""
    db.session.add(StepEvent(kiosk_id=row.kiosk_id, session_token=row.event_token, step=step,
                             outcome=outcome))


def move_to(row: KioskSession, step: str, outcome: str = "next") -> None:
    """Record leaving the current step and make `step` the visit's current one."""
    record_event(row, row.step, outcome)
    row.step = step
    if g.get("kiosk") is not None:
        g.kiosk.current_step = step


def init_app(app: Flask) -> None:
    app.before_request(_load_session)
    app.context_processor(lambda: {"kiosk_session": g.get("kiosk_session")})
