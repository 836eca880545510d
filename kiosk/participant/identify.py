"""Identify: one number on the keypad; 11 digits is a KPJ, 16 a NIK."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, request
from sqlalchemy import func, select

from kiosk import sessions
from kiosk.clock import today
from kiosk.extensions import db
from kiosk.jht import NumberError, group_number, parse_participant_number
from kiosk.models import FailedIdentification, KioskSession, utcnow
from kiosk.participant import bp
from kiosk.participant.journey import go, needs_session, policy, show
from kiosk.participant.keypad import apply_key, digits_only
from kiosk.participant.voice import screen_voice

MAX_DIGITS = 16


def kiosk_failures_recent(kiosk_id: str) -> int:
    """Count wrong pairs on this kiosk within the configured window, across all visits."""
    window = timedelta(minutes=current_app.config["IDENTIFY_KIOSK_WINDOW_MINUTES"])
    return db.session.scalar(
        select(func.count()).select_from(FailedIdentification).where(
            FailedIdentification.kiosk_id == kiosk_id,
            FailedIdentification.at >= utcnow() - window)) or 0


def identification_stopped(row: KioskSession) -> bool:
    """Tell whether the kiosk should stop asking and offer staff instead (no account is locked)."""
    config = current_app.config
    return (row.failed_pairs >= config["IDENTIFY_TRIES"]
            or kiosk_failures_recent(row.kiosk_id) >= config["IDENTIFY_KIOSK_FAILURES"])


def _screen(number: str, error: str | None = None, status: int = 200):
    row = g.kiosk_session
    return show("participant/identify.html", "identify",
                state="error" if error else None, status=status,
                number=number, grouped=group_number(number) if len(number) in (11, 16) else "",
                error=error, digit_count=len(number), failed_pairs=row.failed_pairs,
                voice=screen_voice("identify", None, error, {"n": len(number)}))


@bp.route("/identify", methods=["GET", "POST"])
@needs_session
def identify():
    row = g.kiosk_session
    if identification_stopped(row):
        return show("participant/identify.html", "identify", state="staff")
    if request.method == "GET":
        error = "wrong_pair" if row.data.pop("pair_error", False) else None
        return _screen(row.data.get("number", ""), error=error)

    entry = digits_only(request.form.get("number", ""))
    if "key" in request.form:  # the keypad without script: one key per request
        return _screen(apply_key(entry, request.form["key"], MAX_DIGITS))
    try:
        number = parse_participant_number(entry, today(), policy())
    except NumberError as exc:
        sessions.record_event(row, "identify", f"invalid_{exc.code}")
        return _screen(entry, error=exc.code, status=422)
    row.data["number"] = number.digits
    row.data.pop("birth", None)
    row.participant_id = None
    row.data.pop("identity", None)
    row.data.pop("selfie", None)
    sessions.move_to(row, "birth-date", f"number_{number.kind}")
    db.session.commit()
    return go("birth-date")
