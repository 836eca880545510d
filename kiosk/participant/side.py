"""Side doors on every screen: Back, Start over, language, text size, Call staff."""
from __future__ import annotations

from flask import g, request

from kiosk import sessions
from kiosk.extensions import db
from kiosk.i18n import DEFAULT_LANGUAGE, LANGUAGES
from kiosk.models import HelpRequest, KioskSession
from kiosk.participant import bp
from kiosk.participant.journey import (
    AFTER_SUBMIT,
    BACK_WITHIN,
    go,
    needs_session,
    previous_step,
    show,
)


def visit() -> KioskSession:
    """Return the visit in progress, or begin one on the welcome screen."""
    return g.kiosk_session or sessions.start(DEFAULT_LANGUAGE)


@bp.post("/back")
@needs_session
def back():
    row = g.kiosk_session
    if row.step == "staff-coming":
        target = row.data.pop("return_step", "welcome")
    elif row.step in BACK_WITHIN and BACK_WITHIN[row.step](row):
        # Within a step of several screens, Back undoes the last choice made there.
        db.session.commit()
        return go(row.step)
    elif row.step in AFTER_SUBMIT:
        target = row.step  # the claim is saved: there is nothing to go back to
    else:
        target = previous_step(row, row.step)
    sessions.move_to(row, target, "back")
    db.session.commit()
    return go(target)


@bp.post("/start-over")
def start_over():
    row = g.kiosk_session
    if row is not None:
        sessions.record_event(row, row.step, "start_over")
        sessions.wipe(row)
    return go("welcome")


@bp.post("/language")
def language():
    choice = request.form.get("language", DEFAULT_LANGUAGE)
    row = visit()
    row.language = choice if choice in LANGUAGES else DEFAULT_LANGUAGE
    db.session.commit()
    return go(row.step)


@bp.post("/text-size")
def text_size():
    row = visit()
    row.large_text = not row.large_text
    db.session.commit()
    return go(row.step)


@bp.post("/still-here")
def still_here():
    """Answer the idle warning: the visit's clock was reset when its session loaded."""
    if g.kiosk_session is not None:
        db.session.commit()
    return "", 204


@bp.post("/call-staff")
def call_staff():
    row = visit()
    open_request = db.session.query(HelpRequest).filter_by(
        kiosk_id=row.kiosk_id, reason="asked", status="open").first()
    if open_request is None:
        db.session.add(HelpRequest(kiosk_id=row.kiosk_id, reason="asked", step=row.step))
    if row.step != "staff-coming":
        row.data["return_step"] = row.step
    sessions.move_to(row, "staff-coming", "call_staff")
    db.session.commit()
    return go("staff-coming")


@bp.get("/staff-coming")
@needs_session
def staff_coming():
    return show("participant/staff_coming.html", "staff-coming",
                return_step=g.kiosk_session.data.get("return_step", "welcome"))
