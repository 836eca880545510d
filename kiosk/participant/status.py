"""Claim status at the kiosk: the receipt's QR to the camera (or the number typed), then the birth
date; then the claim's state, when it is paid and what happens next, shown and spoken.

Sub-states (data-state): number -> day -> month -> year -> the answer (`result`), or `staff` when
this visit used its tries, `resting` when the kiosk had too many wrong pairs. Nothing about a claim
is shown before the birth date matches, and a wrong number and a wrong date get the same message.
The tries are identification's (kiosk.participant.birth_date.take_pair_try): one limit for both.
The state is read from the kiosk's claim record, which the staff console and the core link update.
"""
from __future__ import annotations

from flask import abort, g, get_template_attribute, jsonify, request, url_for
from flask_babel import gettext as _

from kiosk import visits
from kiosk.biometrics import decode_jpeg
from kiosk.core import get_core
from kiosk.extensions import db, limiter
from kiosk.i18n import DEFAULT_LANGUAGE, LANGUAGES, month_name
from kiosk.jht import group_number, parse_claim_number
from kiosk.paper import read_qr
from kiosk.participant import bp
from kiosk.participant.birth_date import (
    NoTryLeft,
    current_part,
    give_back_pair_try,
    read_date,
    take_pair_try,
)
from kiosk.participant.identify import identification_stopped, kiosk_resting
from kiosk.participant.journey import ENDPOINTS, back_within, go, needs_session, show
from kiosk.participant.keypad import apply_key, digits_only
from kiosk.participant.voice import screen_voice
from kiosk.receipts import CLAIM_NUMBER_GROUPS, by_number
from kiosk.voice.prompts import STATUS_NEXT, STATUS_QR_ADVICE
from kiosk.voice.spoken import Digits

ENDPOINTS["status"] = "participant.status"
FRAME_MAX_BYTES = 2_000_000
CAMERA_MAX_FRAMES = 240  # about a minute of frames without a code: camera.js rests the camera


def _state(row) -> dict:
    """The look-up's part of the visit (a copy: assign it back)."""
    return dict(row.data.get("status") or {"part": "number"})


def _save(row, state: dict) -> None:
    row.data["status"] = state


@back_within("status")
def _undo(row) -> bool:
    """Back undoes the last date part, then returns from the date to the number."""
    state = _state(row)
    birth = dict(state.get("birth", {}))
    if state.get("part") in ("number", "result"):
        return False
    if birth:
        birth.pop(next(part for part in ("year", "month", "day") if part in birth))
        state.update(birth=birth, part=current_part(birth))
    else:
        state = {"part": "number", "number": state.get("number", "")}
    _save(row, state)
    return True


@bp.post("/status/start")
def status_start():
    """Welcome's "Cek status klaim": a visit of its own, on the number screen."""
    row = g.kiosk_session
    if row is None or row.step != "welcome" or row.participant_id is not None or row.data:
        language = request.form.get("language", DEFAULT_LANGUAGE)
        row = visits.start(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    _save(row, {"part": "number"})
    if kiosk_resting(row.kiosk_id):
        _rest(row)
    visits.move_to(row, "status", "check_status")
    return go("status")


def _rest(row) -> None:
    """Too many wrong pairs on this kiosk lately: rest, and call staff to this visit."""
    _save(row, {"part": "resting"})
    visits.call_staff(row, "wrong_identity", "status")


@bp.route("/status", methods=["GET", "POST"])
@needs_session
@limiter.limit("30 per minute", methods=["POST"])
def status():
    row = g.kiosk_session
    state = _state(row)
    part = state.get("part", "number")
    if part not in ("result", "resting") and identification_stopped(row) == "tries":
        part, state = "staff", {"part": "staff"}
    if request.method == "GET" or part in ("result", "staff", "resting"):
        return _screen(state)
    if part == "number":
        return _number(row, state)
    return _date(row, state)


def _number(row, state: dict):
    entry = digits_only(request.form.get("number", ""))
    if "key" in request.form:  # the keypad without script
        state["number"] = apply_key(entry, request.form["key"], 12)
        _save(row, state)
        return _screen(state)
    error = "length" if len(entry) != 12 else None if parse_claim_number(entry) else "check"
    if error:
        visits.record_event(row, "status", f"invalid_{error}")
        return _screen({**state, "number": entry}, error=error, status=422)
    _save(row, {"part": "day", "number": entry, "birth": {}, "by": "keypad"})
    visits.record_event(row, "status", "number_typed")
    return go("status")


def _date(row, state: dict):
    entry = read_date(request.form, dict(state.get("birth", {})))
    if entry.chosen is not None:
        return _check(row, state, entry.chosen)
    state.update(birth=entry.birth, part=current_part(entry.birth))
    _save(row, state)
    if entry.error:
        return _screen(state, error=entry.error, year_entry=entry.year_entry, status=422)
    db.session.commit()
    return _screen(state, year_entry=entry.year_entry)


def _check(row, state: dict, chosen):
    """Show the claim when number and birth date belong together; else one message for both."""
    try:
        mark = take_pair_try(row)
    except NoTryLeft as stop:
        if stop.why == "resting":
            _rest(row)
        else:
            _save(row, {"part": "staff"})
        visits.record_event(row, "status", f"stopped_{stop.why}")
        return go("status")
    claim = by_number(state["number"])
    record = get_core().get_participant(claim.participant_id) if claim is not None else None
    if record is None or record.birth_date != chosen:
        _save(row, {"part": "number", "number": state["number"], "error": "no_match"})
        visits.record_event(row, "status", "wrong_pair")
        db.session.commit()
        return go("status")
    give_back_pair_try(row, mark)
    _save(row, {"part": "result", "number": claim.number})
    visits.record_event(row, "status", f"shown_{claim.state}")
    return go("status")


@bp.post("/status/done")
@needs_session
def status_done():
    """Selesai: the look-up is over; nothing of it waits for the next person."""
    visits.end(g.kiosk_session, "status_done")
    return go("welcome")


@bp.post("/status/frame")
@needs_session
@limiter.limit("600 per minute")
def status_frame():
    """One camera frame: the receipt's QR read; once it holds a claim number, the date follows."""
    row = g.kiosk_session
    state = _state(row)
    if state.get("part") != "number" or state.get("camera") == "off":
        return jsonify({"state": state.get("part", "number"), "next": url_for("participant.status")})
    if (request.content_length or 0) > FRAME_MAX_BYTES:
        abort(413)
    frame = decode_jpeg(request.get_data(cache=False))
    if frame is None:
        return jsonify(_qr_advice()), 400
    number = parse_claim_number(read_qr(frame))
    if number is None:
        # Nothing is written for a frame without a code: a frame in flight must never undo
        # what the participant typed meanwhile. camera.js rests the camera after max-frames.
        return jsonify(_qr_advice())
    _save(row, {"part": "day", "number": number, "birth": {}, "by": "qr"})
    visits.record_event(row, "status", "number_from_qr")
    db.session.commit()
    return jsonify({"state": "day", "next": url_for("participant.status")})


@bp.post("/status/camera")
@needs_session
def status_camera():
    """The camera failed (camera.js) or rested; `again=1` opens it again. The keypad stays."""
    row = g.kiosk_session
    state = _state(row)
    if state.get("part") == "number":
        state.update(camera="on" if request.form.get("again") else "off")
        _save(row, state)
        if not request.form.get("again"):
            visits.record_event(row, "status", f"camera_{request.form.get('problem', 'off')}")
    return go("status")


def _qr_advice() -> dict:
    return {"state": "number", "advice": "qr", "text": _(STATUS_QR_ADVICE),
            "voice": None, "progress": 0}


def _screen(state: dict, error: str | None = None, year_entry: str = "", status: int = 200):
    part = state.get("part", "number")
    error = error or state.pop("error", None)
    if part == "result":
        return _result(state)
    number = state.get("number", "")
    voice = screen_voice("status", part, error)
    return show("participant/status.html", "status", state="error" if error else part,
                status=status, part=part, number=number, error=error, year_entry=year_entry,
                birth=state.get("birth", {}), camera=state.get("camera", "on") != "off",
                max_frames=CAMERA_MAX_FRAMES,
                advice_text=_(STATUS_QR_ADVICE), voice=voice,
                day_items=[{"value": d, "text": d} for d in range(1, 32)],
                month_items=[{"value": m, "text": month_name(m), "choice": m}
                             for m in range(1, 13)])


def _result(state: dict):
    claim = by_number(state["number"])
    if claim is None:  # a claim is never deleted; a number that went is a visit gone wrong
        abort(404)
    label = str(get_template_attribute("components/labels.html", "claim_state")(claim.state))
    grouped = group_number(claim.number)
    values = {"number": Digits(grouped, CLAIM_NUMBER_GROUPS), "state": label.strip(),
              "date": claim.expected_payment_date if claim.state in (
                  "queued", "submitted", "approved") else None}
    return show("participant/status.html", "status", state="result", part="result",
                claim=claim, number=grouped, state_label=label.strip(),
                next_words=_(STATUS_NEXT[claim.state]), payment_date=values["date"],
                voice=screen_voice("status", claim.state, values=values))

