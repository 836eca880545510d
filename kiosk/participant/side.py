"""Side doors on every screen: Back, Start over (asked first), language, text size, contrast,
Call staff."""
from __future__ import annotations

import hashlib

from flask import g, jsonify, redirect, request
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm.exc import ObjectDeletedError

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
from kiosk.voice import prompts

# Text sizes in per cent of the base size (28 px): each tap on `text-size` takes the next. The
# voice catalogue (pure) holds them, since the size button's words say each one.
TEXT_SIZES: tuple[int, ...] = prompts.TEXT_SIZES


def larger_text(row) -> bool:
    """Whether the visit's text is larger than 100 %: the balance and the receipt, whose words
    do not fit one screen there, are each shown as two (kiosk.participant.balance, .receipt)."""
    return (row.text_size or TEXT_SIZES[0]) > TEXT_SIZES[0]


def screen_look() -> dict:
    """How the screens look for this visit, for <html> and <main>: text size (per cent),
    contrast (normal | high), and `visit`, a tag that tells one visit's screens from the next
    one's (kiosk.js loads the page anew when a swap brings another visit's screen, so nothing
    outside <main> keeps the last person's language, size or voice). The tag is a hash: it
    says nothing about the visit's id."""
    plain = {"text_size": TEXT_SIZES[0], "contrast": "normal", "visit": ""}
    row = g.get("kiosk_session")
    if row is None:
        return plain
    try:
        return {"text_size": row.text_size if row.text_size in TEXT_SIZES else TEXT_SIZES[0],
                "contrast": "high" if row.high_contrast else "normal",
                "visit": hashlib.sha256(row.id.encode()).hexdigest()[:16]}
    except (ObjectDeletedError, InvalidRequestError):  # the visit ended meanwhile (an error page)
        return plain


@bp.app_context_processor
def _frame_context() -> dict:
    return {"screen_look": screen_look}


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


@bp.get("/start-over")
def start_over_question():
    """Start over asks first: "Mulai lagi dari awal?", with Kembali the biggest answer.

    Only a question: nothing changes until its yes posts to /start-over. Kembali is a plain GET
    of the screen the participant was on, so nothing of the visit is lost. Before a visit, or
    on the welcome screen, there is nothing to lose and nothing to ask.
    """
    row = g.kiosk_session
    if row is None or row.step == "welcome":
        return go("welcome")
    return show("participant/start_over.html", "start-over",
                "saved" if row.step in AFTER_SUBMIT else None,
                return_url=step_url(row.step))


@bp.post("/start-over")
def start_over():
    """End the visit and wipe it: the question's yes, the idle warning run out (no question)."""
    visits.end(g.kiosk_session, "start_over")
    return go("welcome")


@bp.post("/language")
def language():
    choice = request.form.get("language", DEFAULT_LANGUAGE)
    row = visit()
    row.language = choice if choice in LANGUAGES else DEFAULT_LANGUAGE
    db.session.commit()
    return go(row.step)


def _wants_json() -> bool:
    """kiosk.js asks for JSON and changes the page in place; a plain form reloads the screen."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) \
        == "application/json"


def _look(row: KioskSession):
    """Answer a change of the screen's look: JSON for kiosk.js, else the screen again."""
    if _wants_json():
        db.session.commit()
        return jsonify(screen_look())
    return go(row.step)


@bp.post("/text-size")
def text_size():
    """Step the text size 100 -> 125 -> 150 -> 100 %, for this visit."""
    row = visit()
    at = TEXT_SIZES.index(row.text_size) if row.text_size in TEXT_SIZES else -1
    row.text_size = TEXT_SIZES[(at + 1) % len(TEXT_SIZES)]
    return _look(row)


@bp.post("/contrast")
def contrast():
    """Turn the high-contrast theme on or off, for this visit."""
    row = visit()
    row.high_contrast = not row.high_contrast
    return _look(row)


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
