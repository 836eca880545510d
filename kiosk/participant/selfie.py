"""Selfie: a guided photo, a head-turn check and a match with the reference photo.

Sub-states (CONTRACT.md): intro -> camera -> liveness -> matching, retry (a calm pause after a
try that did not succeed: why, what to change, and "Buka kamera" when ready; the camera is off),
and staff, which is never further than one tap ("I prefer a staff member") and which the kiosk
calls itself after SELFIE_TRIES tries, on an uncertain match, without a camera, or without a
reference photo. The tries are counted in the visit, never against the participant's account.

One instruction at a time: the camera opens with what to do ("start", no verdict), a face lost
for a moment is not "no face" (NO_FACE_PATIENCE frames in a row first), and while the head turns
the turn is the only instruction shown and said.

The browser owns the camera (static/js/camera.js) and posts a JPEG frame a few times a second to
/selfie/frame; each answer is the one piece of advice to show and speak. Frames are analysed in
memory; the best good frame is kept until the visit ends (kiosk/captures.py); the claim keeps only
the decision, the distance and the time. The head turn is judged over the sequence of frames
(kiosk/biometrics/liveness.py); the reference photo's embedding is kept (kiosk/references.py).
"""
from __future__ import annotations

import base64
import time
from statistics import median

from flask import current_app, g, jsonify, request, url_for
from flask_babel import gettext as _

from kiosk import captures, references, visits
from kiosk.biometrics import (
    CAMERA_MAX_SIDE,
    SOFT_ADVICE,
    Advice,
    FrameReport,
    HeadTurn,
    Steady,
    analyse,
    decode_jpeg,
    distance,
    embed,
    from_bytes,
    match,
    to_bytes,
)
from kiosk.biometrics.liveness import geometry
from kiosk.core import CoreError, get_core
from kiosk.extensions import db, limiter
from kiosk.models import utcnow
from kiosk.participant import bp
from kiosk.participant.claim import identity_confirmed
from kiosk.participant.journey import (
    advance,
    back_within,
    go,
    needs_session,
    next_step,
    record_shown_with,
    show,
    skip_when,
)
from kiosk.participant.voice import cue_voice, screen_voice
from kiosk.security import read_body
from kiosk.voice.prompts import SELFIE_ADVICE, SELFIE_RETRY, SELFIE_RETRY_HELP, SELFIE_STAFF_WHY

FRAME_MAX_BYTES = 2_000_000  # a 1280x720 JPEG is ~150 kB; anything far larger is not a frame
BASELINE_FRAMES = 12  # the good frames whose head angle is the participant's own "straight"
CAMERA_MAX_FRAMES = 120  # about 30 s with a face in view but no steady good picture: a try
# A frame replaces the kept one only when clearly better: each replacement writes a JPEG of
# ~40 kB to the database, and a webcam's noise alone moves the quality by a few hundredths.
KEEP_BETTER_BY = 0.05
# What the camera screen shows before the frames say anything, and while the head turns.
START, TURN = "start", "turn"
# Frames in a row without a face before "no face" is shown: 2-3 s (a camera still starting, a
# face leaving the picture for a moment).
NO_FACE_PATIENCE = 10
clock = time.time  # when a frame arrived: the head turn's pace (any process may serve the next)

# Why the kiosk called a staff member to this step (their words: kiosk.voice.prompts).
STAFF_WHY = tuple(SELFIE_STAFF_WHY)


def advice_words(code: str) -> str:
    """The advice as shown and spoken (codes: kiosk.biometrics.Advice)."""
    return _(SELFIE_ADVICE[code])


def _state(row) -> dict:
    """The selfie's part of the visit (a copy: assign it back with _save)."""
    return dict(row.data.get("selfie") or {"phase": "intro", "tries": 0})


def _save(row, state: dict) -> None:
    row.data["selfie"] = state


def _demo_enrolment(row) -> bool:
    """With DEMO=1 only, a participant without a reference photo is enrolled from this selfie."""
    return (current_app.config["DEMO"] and not row.practice
            and get_core().reference_photo(row.participant_id) is None)


def _call_staff(row, state: dict, why: str) -> None:
    """Show the staff state and call a staff member to this visit (once while a call is open)."""
    state.update(phase="staff", why=why)
    _save(row, state)
    visits.call_staff(row, "camera" if why.startswith("camera") else "identity_check", "selfie")
    visits.record_event(row, "selfie", f"staff_{why}")


def prepare(row) -> None:
    """The participant was identified: without a reference photo to match, call staff now."""
    if row.practice:
        return  # the practice selfie accepts any face: there is nothing to match it with
    try:
        if not _demo_enrolment(row) and get_core().reference_photo(row.participant_id) is None:
            _call_staff(row, _state(row), "no_photo")
    except CoreError:  # the core is away: a staff member checks the e-KTP by hand
        _call_staff(row, _state(row), "core_away")


def _open_camera(row, state: dict, retry: str | None = None) -> None:
    """Start a (new) try: fresh advice smoothing, no kept frame."""
    # Soft advice (glasses, eyes) is shown but counts towards the photo: the match decides.
    steady = Steady(good=(Advice.GOOD, *sorted(SOFT_ADVICE)), shown=START,
                    patience={Advice.NO_FACE: NO_FACE_PATIENCE})
    state.update(phase="camera", steady=steady.to_dict(), yaws=[], best=None, best_face=None,
                 kept_embedding=None, turn=None, advice=START, retry=retry, frames=0)
    captures.forget(row.id, captures.SELFIE)
    _save(row, state)


def _retry(row, state: dict, why: str) -> None:
    """Count a try that did not succeed; pause (camera off) with what to change, or call staff
    after the last. The participant opens the camera again when ready."""
    state["tries"] = state.get("tries", 0) + 1
    visits.record_event(row, "selfie", f"retry_{why}")
    if state["tries"] >= current_app.config["SELFIE_TRIES"]:
        _call_staff(row, state, "tries")
    else:
        captures.forget(row.id, captures.SELFIE)
        for key in ("steady", "yaws", "best", "best_face", "kept_embedding", "turn", "advice"):
            state.pop(key, None)
        state.update(phase="retry", retry=why)
        _save(row, state)


@skip_when("selfie")
def _confirmed(row) -> bool:
    """Back from the balance passes the selfie by once the participant is recognised."""
    return identity_confirmed(row)


@back_within("selfie")
def _back_to_intro(row) -> bool:
    """Back from the camera (or a staff call the participant chose) returns to the pictures."""
    state = _state(row)
    if state.get("phase", "intro") == "intro" \
            or state.get("why") in ("tries", "no_photo", "core_away"):
        return False
    _save(row, {"phase": "intro", "tries": state.get("tries", 0)})
    return True


@bp.get("/selfie")
@needs_session
def selfie():
    row = g.kiosk_session
    if row.participant_id is None:
        return go("identify")
    if identity_confirmed(row):
        return go("balance")
    state = _state(row)
    demo = _demo_enrolment(row)
    phase = state.get("phase", "intro")
    advice = state.get("advice") or START
    retry = state.get("retry") if state.get("retry") in SELFIE_RETRY else "lost"
    tries_left = current_app.config["SELFIE_TRIES"] - state.get("tries", 0)
    said_first = state.get("why") if phase == "staff" else retry
    return show("participant/selfie.html", "selfie", state=phase, selfie=state, demo=demo,
                tries_left=tries_left, advice=advice, advice_text=advice_words(advice),
                retry=retry, retry_text=_(SELFIE_RETRY[retry]),
                retry_help=[_(message) for message in SELFIE_RETRY_HELP[retry]],
                voice=screen_voice("selfie", phase, said_first, values={"tries": tries_left}))


@bp.post("/selfie/start")
@needs_session
def selfie_start():
    row = g.kiosk_session
    if row.participant_id is None:
        return go("identify")
    state = _state(row)
    if state.get("phase") in ("intro", None):
        _open_camera(row, state)
        visits.record_event(row, "selfie", "camera_opened")
    elif state.get("phase") == "retry":  # the participant is ready for the next try
        _open_camera(row, state, retry=state.get("retry"))
        visits.record_event(row, "selfie", "camera_again")
    return go("selfie")


@bp.post("/selfie/prefer-staff")
@needs_session
def selfie_prefer_staff():
    row = g.kiosk_session
    if row.participant_id is not None and not identity_confirmed(row):
        _call_staff(row, _state(row), "preferred")
    return go("selfie")


@bp.post("/selfie/camera-failed")
@needs_session
def selfie_camera_failed():
    """The browser found no camera, was refused it, or lost it: staff check the e-KTP instead."""
    row = g.kiosk_session
    problem = request.form.get("problem", "error")
    why = f"camera_{problem}" if f"camera_{problem}" in STAFF_WHY else "camera_error"
    if row.participant_id is not None and not identity_confirmed(row):
        _call_staff(row, _state(row), why)
    return go("selfie")


def _answer(state: dict, progress: float = 0.0, status: int = 200):
    """The frame's answer: the sub-state, the advice to show and speak, the progress."""
    advice = state.get("advice") or START
    body = {"state": state["phase"], "advice": advice, "text": advice_words(advice),
            "voice": cue_voice("selfie-advice", advice), "progress": round(progress, 2)}
    if state["phase"] not in ("camera", "liveness"):
        body["next"] = url_for("participant.selfie")
    return jsonify(body), status


def _show_advice(row, state: dict, code: str) -> None:
    """Remember the advice shown; record it as an event when it changes (never the image)."""
    if state.get("advice") != code:
        state["advice"] = code
        visits.record_event(row, "selfie", f"advice_{code}")


@bp.post("/selfie/frame")
@needs_session
@limiter.limit("600 per minute")
def selfie_frame():
    row = g.kiosk_session
    state = _state(row)
    if row.participant_id is None or state.get("phase") not in ("camera", "liveness"):
        state.setdefault("phase", "intro")
        return _answer(state)
    data = read_body(FRAME_MAX_BYTES)
    frame = decode_jpeg(data, largest=CAMERA_MAX_SIDE)
    if frame is None:
        return _answer(state, status=400)
    # The head turn needs the face and its angle only, not the eye and glasses checks.
    report = analyse(frame, eyes=state["phase"] == "camera")
    if state["phase"] == "camera":
        progress = _camera_frame(row, state, report, data)
    else:
        progress = _liveness_frame(row, state, frame, report)
    _save(row, state)
    # Answer before the commit: afterwards the visit's row would be read again for its language.
    answer = _answer(state, progress)
    db.session.commit()
    return answer


def _camera_frame(row, state: dict, report: FrameReport, jpeg: bytes) -> float:
    if not state.get("reference_ready"):
        # While the participant settles in front of the camera, not when they tap or wait for
        # the match: embed the reference photo (kept, so once per participant and photo).
        if not row.practice:
            references.embedding(row.participant_id,
                                 get_core().reference_photo(row.participant_id))
        state["reference_ready"] = True
    steady = Steady.from_dict(state["steady"])
    shown, progress, ready = steady.update(report)
    state["steady"] = steady.to_dict()
    _show_advice(row, state, str(shown))
    if report.usable:
        state["yaws"] = (state.get("yaws") or [])[-(BASELINE_FRAMES - 1):] + [report.yaw]
        if state.get("best") is None or report.quality > state["best"] + KEEP_BETTER_BY:
            if not row.practice:  # a practice face is coached, never kept
                captures.keep(row.id, captures.SELFIE, jpeg, report.quality)
            state["best"], state["best_face"] = report.quality, list(report.face)
    if report.advice != Advice.NO_FACE:
        state["frames"] = state.get("frames", 0) + 1
        if state["frames"] > CAMERA_MAX_FRAMES:  # advice shown all along did not help: a try
            _retry(row, state, "lost")
            return 0.0
    if ready and state.get("best") is not None:
        state["phase"] = "liveness"
        # The turn starts from this frame's face: a picture swapped in next is a jump.
        state["turn"] = HeadTurn(baseline=median(state["yaws"]), last=geometry(report)).to_dict()
        visits.record_event(row, "selfie", "steady")
        _show_advice(row, state, TURN)  # from now on, the one instruction is the turn
        return 0.0
    return progress


def _liveness_frame(row, state: dict, frame, report: FrameReport) -> float:
    turn = HeadTurn.from_dict(state["turn"])
    status = turn.update(report, clock())
    if turn.needs_face_check:
        # Practice keeps no face to compare: any face is the practice participant's.
        status = turn.same_face(0.0 if row.practice
                                else _distance_from_kept(row, state, frame, report))
    state["turn"] = turn.to_dict()
    # One instruction while the head turns: the turn (a turned head may not be found as a face;
    # the turn times out by itself). Only a second person in the picture is said instead.
    _show_advice(row, state, str(Advice.MANY_FACES) if report.advice == Advice.MANY_FACES
                 else TURN)
    if status == "passed":
        state["phase"] = "matching"
        visits.record_event(row, "selfie", "turned")
        return 1.0
    if status == "failed":
        visits.record_event(row, "selfie", f"liveness_{turn.reason}")
        _retry(row, state, "turn")
        return 0.0
    return 0.5 if status == "turned" else 0.0


def _distance_from_kept(row, state: dict, frame, report: FrameReport) -> float | None:
    """How far the first turned face is from the kept frame's face (two embeddings, once a try).

    The kept frame's embedding then waits in the visit, like the kept frame itself, for the match.
    """
    kept = captures.kept(row.id, captures.SELFIE)
    image = decode_jpeg(kept.image) if kept is not None else None
    if image is None or not state.get("best_face"):
        return None
    selfie = embed(image, state["best_face"])
    state["kept_embedding"] = base64.b64encode(to_bytes(selfie)).decode("ascii")
    return distance(embed(frame, report), selfie)


def _kept_embedding(state: dict, image: bytes):
    """The kept frame's embedding: made for the head turn's face check, or made now."""
    if state.get("kept_embedding"):
        return from_bytes(base64.b64decode(state["kept_embedding"]))
    frame = decode_jpeg(image)
    return embed(frame, state["best_face"]) if frame is not None else None


@bp.post("/selfie/match")
@needs_session
def selfie_match():
    row = g.kiosk_session
    state = _state(row)
    if row.participant_id is None or state.get("phase") != "matching":
        return go("selfie")
    if row.practice:  # any face passes: never matched against a reference, never kept
        accept_practice(row)
        return advance(row, "selfie", "accepted_practice")
    kept = captures.kept(row.id, captures.SELFIE)
    selfie = _kept_embedding(state, kept.image) if kept and state.get("best_face") else None
    if selfie is None:
        _retry(row, state, "lost")
        db.session.commit()
        return go("selfie")
    core = get_core()
    try:
        reference = core.reference_photo(row.participant_id)
    except CoreError:
        _call_staff(row, state, "core_away")
        db.session.commit()
        return go("selfie")
    if reference is None and current_app.config["DEMO"]:
        core.enrol_demo_photo(row.participant_id, kept.image)
        return _accepted(row, state, {"by": "demo_enrolment"})
    wanted = references.embedding(row.participant_id, reference)
    if wanted is None:
        _call_staff(row, state, "no_photo")
        db.session.commit()
        return go("selfie")
    result = match(selfie, wanted)
    if result.decision == "accepted":
        return _accepted(row, state, {"by": "selfie", "decision": result.decision,
                                      "distance": round(result.distance, 3)})
    if result.decision == "uncertain":
        _call_staff(row, state, "uncertain")
    else:
        _retry(row, state, "no_match")
    db.session.commit()
    return go("selfie")


def _accepted(row, state: dict, identity: dict):
    tries = state.get("tries", 0) + 1
    row.data["identity"] = {**identity, "tries": tries, "at": utcnow().isoformat(timespec="seconds")}
    _save(row, {"phase": "accepted", "tries": tries})
    outcome = "accepted_first_try" if tries == 1 else f"accepted_try_{tries}"
    return advance(row, "selfie", outcome)


def accept_practice(row) -> None:
    """A practice visit's selfie is accepted, whatever the face (kiosk.participant.practice)."""
    if not row.practice:
        raise ValueError("only a practice visit's selfie is accepted without a match")
    tries = _state(row).get("tries", 0) + 1
    row.data["identity"] = {"by": "practice", "tries": tries,
                            "at": utcnow().isoformat(timespec="seconds")}
    _save(row, {"phase": "accepted", "tries": tries})


def accept_by_staff(row) -> None:
    """A staff member checked the e-KTP (kiosk.visits.accept_identity): the participant goes on."""
    state = _state(row)
    row.data["identity"] = {"by": "staff", "tries": state.get("tries", 0),
                            "at": utcnow().isoformat(timespec="seconds")}
    _save(row, {"phase": "accepted", "tries": state.get("tries", 0)})
    target = next_step(row, "selfie")
    visits.move_to(row, target, "staff_accepted")
    record_shown_with(row, "selfie", target)
