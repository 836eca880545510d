"""Side doors on every screen: Back, Start over, language, text size, Call staff."""
from __future__ import annotations

from flask import g, redirect, request

from kiosk import visits
from kiosk.extensions import db
from kiosk.i18n import DEFAULT_LANGUAGE, LANGUAGES
from kiosk.models import KioskSession
from kiosk.participant import bp
from kiosk.participant.journey import (
    AFTER_SUBMIT,
    BACK_WITHIN,
    go,
    needs_session,
    previous_step,
    show,
    step_url,
)


def visit() -> KioskSession:
    """Return the visit in progress, or begin one on the welcome screen."""
    return g.kiosk_session or visits.start(DEFAULT_LANGUAGE)


@bp.post("/back")
@needs_session
def back():
    row = g.kiosk_session
    if row.step == "staff-coming":
        # "Go on alone": the call stays open, so the staff member still comes to this visit.
        target = row.data.pop("return_step", "welcome")
    elif row.step in BACK_WITHIN and BACK_WITHIN[row.step](row):
        # Within a step of several screens, Back undoes the last choice made there.
        return go(row.step)
    elif row.step in AFTER_SUBMIT:
        target = row.step  # the claim is saved: there is nothing to go back to
    else:
        target = previous_step(row, row.step)
    if target == "welcome":
        # Back to the start is leaving: nothing of this person may wait there for the next.
        visits.end(row, "back_to_welcome")
        return go("welcome")
    visits.move_to(row, target, "back")
    return go(target)


@bp.post("/start-over")
def start_over():
    visits.end(g.kiosk_session, "start_over")
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
    """Answer the idle warning: the visit's idle clock restarted as its POST loaded it."""
    if g.kiosk_session is not None:
        db.session.commit()
    return "", 204


@bp.post("/call-staff")
def call_staff():
    row = visit()
    visits.call_staff(row, "asked")
    if row.step != "staff-coming":
        row.data["return_step"] = row.step
    visits.move_to(row, "staff-coming", "call_staff")
    return go("staff-coming")


@bp.get("/staff-coming")
@needs_session
def staff_coming():
    return show("participant/staff_coming.html", "staff-coming",
                return_step=g.kiosk_session.data.get("return_step", "welcome"))


@bp.get("/wait")
@needs_session
def wait():
    """The screen's light poll of its own visit: 204 while nothing changed, else where to go.

    Every participant screen asks (every 2 s while waiting for staff, every 4 s otherwise) with
    what it showed: `at` the visit's step, `ack` whether a staff member was on the way, `held`
    whether it was waiting. Staff act through kiosk.visits (acknowledge, accept identity,
    resolve, reset); a reset ends the visit and needs_session sends the kiosk to welcome. It only
    reads: a poll is not the participant doing something, so it keeps no visit alive.
    """
    row = g.kiosk_session
    call = visits.open_request(row)
    now = {"at": row.step, "ack": "1" if call is not None and call.status == "acknowledged"
           else "0", "held": "1" if visits.held_for_staff(row) else "0"}
    if all(request.args.get(name) == value for name, value in now.items()):
        return "", 204
    return redirect(step_url(row.step), code=303)
