"""Identify: one number on the keypad; 11 digits is a KPJ, 16 a NIK."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, request
from sqlalchemy import func, select

from kiosk import visits
from kiosk.clock import today
from kiosk.extensions import db
from kiosk.jht import NumberError, group_number, parse_participant_number
from kiosk.models import FailedIdentification, KioskSession, utcnow
from kiosk.participant import bp
from kiosk.participant.journey import go, needs_session, policy, show
from kiosk.participant.keypad import apply_key, digits_only
from kiosk.participant.voice import screen_voice

MAX_DIGITS = 16


def kiosk_failures_recent(kiosk_id: str, before_id: int | None = None) -> int:
    """Count wrong pairs on this kiosk within the configured window, across all visits."""
    window = timedelta(minutes=current_app.config["IDENTIFY_KIOSK_WINDOW_MINUTES"])
    query = select(func.count()).select_from(FailedIdentification).where(
        FailedIdentification.kiosk_id == kiosk_id, FailedIdentification.at >= utcnow() - window)
    if before_id is not None:
        query = query.where(FailedIdentification.id < before_id)
    return db.session.scalar(query) or 0


def kiosk_resting(kiosk_id: str) -> bool:
    """Tell whether too many wrong pairs on this kiosk, by anyone, have paused identification."""
    return kiosk_failures_recent(kiosk_id) >= current_app.config["IDENTIFY_KIOSK_FAILURES"]


def identification_stopped(row: KioskSession) -> str | None:
    """Why the kiosk stops asking for a number and offers staff (no account is locked), or None.

    "tries": this participant gave IDENTIFY_TRIES wrong pairs; "resting": the kiosk had too many
    wrong pairs from anyone lately, so it rests and calls staff without blaming this person.
    """
    if row.failed_pairs >= current_app.config["IDENTIFY_TRIES"]:
        return "tries"
    if kiosk_resting(row.kiosk_id):
        return "resting"
    return None


def rest_with_staff(row: KioskSession):
    """The kiosk rests: call a staff member for this visit and show the identify screen's notice."""
    visits.call_staff(row, "wrong_identity", "identify")
    visits.move_to(row, "identify", "kiosk_resting")
    return go("identify")


def _screen(number: str, error: str | None = None, status: int = 200):
    row = g.kiosk_session
    again = error == "wrong_pair" and row.failed_pairs >= 2
    return show("participant/identify.html", "identify",
                state="error" if error else None, status=status,
                number=number, grouped=group_number(number) if len(number) in (11, 16) else "",
                error=error, digit_count=len(number), offer_staff=again,
                voice=screen_voice("identify", None, "wrong_pair_again" if again else error,
                                   {"n": len(number)}))


@bp.route("/identify", methods=["GET", "POST"])
@needs_session
def identify():
    row = g.kiosk_session
    stopped = identification_stopped(row)
    if stopped is not None:
        if request.method == "POST" and stopped == "resting":
            return rest_with_staff(row)
        return show("participant/identify.html", "identify",
                    state="staff" if stopped == "tries" else "resting")
    if request.method == "GET":
        return _screen(row.data.get("number", ""),
                       error="wrong_pair" if row.data.get("pair_error") else None)

    row.data.pop("pair_error", None)
    entry = digits_only(request.form.get("number", ""))
    if "key" in request.form:  # the keypad without script: one key per request
        return _screen(apply_key(entry, request.form["key"], MAX_DIGITS))
    try:
        number = parse_participant_number(entry, today(), policy())
    except NumberError as exc:
        visits.record_event(row, "identify", f"invalid_{exc.code}")
        return _screen(entry, error=exc.code, status=422)
    row.data["number"] = number.digits
    row.data.pop("birth", None)
    row.participant_id = None
    row.data.pop("identity", None)
    row.data.pop("selfie", None)
    visits.move_to(row, "birth-date", f"number_{number.kind}")
    return go("birth-date")
