"""Receipt: the claim shown, read aloud and printed from one receipt model (kiosk/receipts.py).

The screen appears at once in `printing`; its script (kiosk.js) then asks /receipt/print to print
it, which prints the claim's first receipt once however often it is asked, and answers `printed`
or `printer-error` (a help request `printer` is raised, the claim is safe). Without script a
button prints it. A reload shows how the print went; it never prints again.

At larger text (125 and 150 %) the receipt's words do not fit one screen: it is two, as the
balance is. The first shows the claim's number and facts with Lanjut; the second what happens
next, the papers to bring and where to ask, with Selesai (and Back to the first). Both show how
the print goes. At 100 % it is one screen, with Selesai.
"""
from flask import g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm.exc import ObjectDeletedError

from kiosk import receipts, visits
from kiosk.extensions import db
from kiosk.participant import bp, practice
from kiosk.participant.journey import advance, back_within, go, needs_session, show
from kiosk.participant.side import larger_text
from kiosk.participant.voice import cue_voice, screen_voice
from kiosk.voice.prompts import RECEIPT_PRINTED, RECEIPT_PRINTING

CLAIM_NUMBER_GROUPS = receipts.CLAIM_NUMBER_GROUPS  # where the balance screen looks for them
MORE = "receipt_more"  # the visit's mark: the second of the receipt's two screens is showing
PARTS = ("first", "more")


def receipt_part(row) -> str | None:
    """Which of the receipt's two screens shows (larger text), or None: one screen (100 %)."""
    if not larger_text(row):
        return None
    return PARTS[1] if row.data.get(MORE) else PARTS[0]


def turn_the_page(row):
    """Lanjut on the receipt's first screen: the second shows (a POST; a reload keeps it)."""
    row.data[MORE] = True
    return go("receipt")


@back_within("receipt")
def _back_to_the_first(row) -> bool:
    """Back on the receipt's second screen shows the first again; on the first, nothing to undo
    (the claim is saved)."""
    return row.data.pop(MORE, None) is not None


def _claim(row):
    saved = row.data.get("claim")
    return receipts.by_number(saved["number"]) if saved else None


def _status(job) -> tuple[str, str | None, str]:
    """The screen state, the fault and the words for a print (None: not started yet)."""
    state, fault = receipts.state_of(job)
    screen_state = receipts.SCREEN_STATES[state]
    words = {"printing": _(RECEIPT_PRINTING), "printed": _(RECEIPT_PRINTED)}.get(
        screen_state) or receipts.fault_words(fault)
    return screen_state, fault, words


@bp.route("/receipt", methods=["GET", "POST"])
@needs_session
def receipt():
    row = g.kiosk_session
    if row.step == "receipt" and request.method == "POST" \
            and request.form.get("part") == PARTS[1]:
        return turn_the_page(row)  # a second tap on Lanjut turns it again, never ends it
    part = receipt_part(row)
    if row.practice:  # a practice claim has no claim row: its receipt is the visit's own
        return practice.receipt(row, part)
    claim = _claim(row)
    if claim is None:
        return go("review")
    if request.method == "POST":
        # Selesai before the screen's script asked for the print (no script, a very quick tap):
        # print it now, so no participant leaves the receipt without one being tried.
        if receipts.latest(claim) is None:
            job = receipts.first_print(claim, row.language)
            if job is not None:
                _record(row, receipts.run(job))
        return advance(row, "receipt")
    model = receipts.model_for(claim, row.language)
    paper = receipts.paper(model)
    job = receipts.latest(claim)
    state, fault, words = _status(job)
    return show("participant/receipt.html", "receipt", state=state, paper=paper, claim=claim,
                **receipts.paper_on_screen(paper), pending=job is None, print_words=words,
                receipt_part=part,
                voice=screen_voice("receipt", receipts.prompt_part(model, state, part),
                                   fault if state == "printer-error" else None,
                                   receipts.spoken(model)))


@bp.route("/receipt/print", methods=["GET", "POST"])
@needs_session
def receipt_print():
    """POST: print the claim's receipt (once, however often asked); GET: how the print goes.

    Answers JSON for kiosk.js; the no-script button (`page=1`) comes back to the screen.
    """
    row = g.kiosk_session
    if row.practice:
        return practice.receipt_print(row)
    claim = _claim(row)
    if claim is None:
        return go("review")
    if request.method == "POST":
        job = receipts.first_print(claim, row.language)
        if job is not None:
            _record(row, receipts.run(job))
        if request.form.get("page"):
            return go("receipt")
    state, fault, words = _status(receipts.latest(claim))
    voice = None
    if state == "printed":
        voice = cue_voice("receipt", "printed")
    elif state == "printer-error":
        voice = cue_voice("receipt-fault", fault if fault in receipts.FAULT_CUES else "offline")
    return jsonify({"state": state, "fault": fault, "text": words, "voice": voice})


def _record(row, job) -> None:
    """After the first print: staff are called to a fault; the step event says how it went."""
    try:
        db.session.refresh(row)
    except (ObjectDeletedError, InvalidRequestError):
        # The participant tapped Selesai (or staff reset the kiosk) while the printer worked:
        # the visit is gone; a receipt that failed is owed all the same (receipts.unprinted).
        db.session.rollback()
        return
    if job.state == receipts.FAILED:
        visits.call_staff(row, "printer", "receipt")
        visits.record_event(row, "receipt", f"printer_{job.fault}")
    else:
        visits.record_event(row, "receipt", "printed")
    db.session.commit()
