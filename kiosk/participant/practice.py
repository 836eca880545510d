"""Practice ("Coba dulu") and the demonstration ("Lihat caranya") from the welcome screen.

Practice is the whole journey on the real screens with the practice participant of
kiosk.core.practice, whose number and birth date the practice screens show and say. A practice
visit is an ordinary visit with `practice` set (kiosk.visits): every screen carries
`data-practice="true"` and the band "Latihan — tidak ada yang dikirim"; the core it talks to is
the practice core (kiosk.core.get_core), so no real participant is ever found, read or changed;
the selfie runs the camera and its coaching but is never matched and never kept; the claim is
kept in the visit only (no claim row, no outbox message, nothing for the staff queue, the status
look-up or the reports); its receipt is printed from the same receipt model, marked LATIHAN /
PRACTICE, with no claim number and no QR; no step event is written; a call for staff still calls
staff, marked practice on the board. It ends like any visit (Selesai and the survey, Start over,
idle), and ending it wipes it.

The demonstration walks the real screens by itself (static/js/demo.js): a practice visit marked
`demo`, whose screens say the demonstration's short words instead of their own prompts, while a
finger shows each tap, one typing mistake and its correction included. The demo page itself is a
GET that writes nothing; the visit begins with the script's first POST and is wiped when it
stops (Stop, any touch, or the end of the script).
"""
from __future__ import annotations

import secrets
from datetime import datetime

from flask import g, jsonify, request, url_for
from flask_babel import gettext as _

from kiosk import receipts, visits
from kiosk.core.practice import PRACTICE_BIRTH_DATE, PRACTICE_KPJ
from kiosk.extensions import db
from kiosk.i18n import DEFAULT_LANGUAGE, LANGUAGES
from kiosk.jht import group_number, mask_name
from kiosk.models import KioskSession, utcnow
from kiosk.participant import bp
from kiosk.participant.journey import advance, go, needs_session, next_step, show
from kiosk.participant.voice import cue_voice, screen_voice
from kiosk.voice.prompts import PRACTICE_PRINTER_FAULT, RECEIPT_PRINTED, RECEIPT_PRINTING
from kiosk.voice.spoken import Digits

KPJ_GROUPS = (2, 3, 3, 3)  # as the card prints it (kiosk.js groups the keypad's entry alike)
# The demonstration's pace: 1 is meant to be watched (about a minute); tests ask for more.
SPEEDS = (1, 20)
# What the demonstration says on each screen (kiosk.voice.prompts: "how-it-works/<scene>"), by
# step or step/state; any other screen says "Tekan Lanjut." and the finger taps Lanjut.
DEMO_SCENES = {
    "identify": "identify", "birth-date/day": "day", "birth-date/month": "month",
    "birth-date/year": "year", "selfie": "selfie", "reason": "reason", "amount": "amount",
    "review": "review",
}
# Words the demonstration says between a screen's own (the mistake, Lanjut, the end).
DEMO_CLIPS = ("mistake", "next", "end")
# The typing mistake: the digit at this place is typed wrong first, then deleted and retyped.
MISTAKE_AT = 5


def practice_number() -> str:
    """The practice participant's card number, grouped as the card prints it."""
    return group_number(PRACTICE_KPJ)


@bp.app_template_global()
def practice_facts() -> dict:
    """What the practice band shows: the practice number and birth date to type."""
    return {"number": practice_number(), "birth_date": PRACTICE_BIRTH_DATE}


def _language(form) -> str:
    chosen = form.get("language", DEFAULT_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def is_demo(row: KioskSession | None) -> bool:
    """Tell whether this visit is the demonstration walking itself."""
    return visits.is_practice(row) and bool(row.data.get("demo"))


# --- practice ----------------------------------------------------------------------------------


def _practice_visit(form, demo: bool = False) -> KioskSession:
    """A practice visit: the visit a language choice began on welcome becomes one (as Start
    keeps it), so the language stays and nothing is counted for it; otherwise a new one."""
    row = g.kiosk_session
    if row is not None and row.step == "welcome" and row.participant_id is None \
            and not row.data and not row.practice:
        row.practice = True
    else:
        row = visits.start(_language(form), practice=True)
    if demo:
        row.data["demo"] = True
    return row


@bp.post("/practice")
def practice():
    """Welcome's "Coba dulu": a practice visit of its own, on the number screen."""
    row = _practice_visit(request.form)
    visits.move_to(row, "identify", "start")
    return go("identify")


def practice_voice(row: KioskSession, step: str, state: str | None, voice: dict | None):
    """The voice of a practice screen: the screen's own, with the practice facts to type.

    The demonstration's screens say its short words instead (kiosk.voice.prompts).
    """
    if is_demo(row):
        return demo_voice(step, state)
    if step == "identify" and state is None:
        return screen_voice("practice", "identify", values={
            "number": Digits(practice_number(), KPJ_GROUPS)})
    if step == "birth-date" and state == "day":
        return screen_voice("practice", "birth-date", values={"date": PRACTICE_BIRTH_DATE})
    return voice


def submit(row: KioskSession, claim):
    """The practice claim: kept in the visit for its receipt; nothing saved, sent or counted."""
    row.data["claim"] = {
        "practice": True, "number": None, "state": "practice", "net": claim.tax.net,
        "payment_date": None, "staff_reasons": [],
        "receipt": {"issued_at": utcnow().isoformat(timespec="seconds"),
                    "masked_name": mask_name(claim.record.full_name),
                    "masked_kpj": receipts.mask_kpj(claim.record.kpj),
                    "reason": claim.reason.value, "gross": claim.tax.gross, "tax": claim.tax.tax,
                    "net": claim.tax.net, "bank_name": claim.bank_name,
                    "account": claim.bank_account}}
    visits.move_to(row, "receipt", "submitted_practice")
    return go("receipt")


def _model(row: KioskSession) -> receipts.ReceiptModel:
    kept = row.data["claim"]["receipt"]
    return receipts.practice_model(kept, row.language, datetime.fromisoformat(kept["issued_at"]))


def _print_state(row: KioskSession) -> tuple[str, str | None]:
    """(printing | printed | printer-error, fault) of the practice receipt's one print."""
    done = row.data["claim"].get("print") or {}
    return receipts.SCREEN_STATES[done.get("state", receipts.PRINTING)], done.get("fault")


def _print_words(state: str) -> str:
    return {"printing": _(RECEIPT_PRINTING), "printed": _(RECEIPT_PRINTED)}.get(
        state) or _(PRACTICE_PRINTER_FAULT)


def _print_once(row: KioskSession) -> None:
    """Print the practice receipt unless this visit printed it already (or is printing it)."""
    if row.data["claim"].get("print"):
        return
    row.data["claim"] = {**row.data["claim"], "print": {"state": receipts.PRINTING}}
    db.session.commit()
    state, fault = receipts.print_practice(row.kiosk_id, _model(row),
                                           f"practice-{secrets.token_hex(6)}")
    db.session.refresh(row)
    row.data["claim"] = {**row.data["claim"], "print": {"state": state, "fault": fault}}
    if state == receipts.FAILED:
        # The printer needs a person whatever was printed on it: staff come (marked practice).
        visits.call_staff(row, "printer", "receipt")
    db.session.commit()


def receipt(row: KioskSession, part: str | None = None):
    """The practice receipt's screen (GET), or Selesai (POST): printed once, then the survey.
    `part`: which of its two screens at larger text (kiosk.participant.receipt), or None."""
    if not row.data.get("claim", {}).get("practice"):
        return go("review")
    if request.method == "POST":
        _print_once(row)
        return advance(row, "receipt")
    model = _model(row)
    paper = receipts.paper(model)
    state, fault = _print_state(row)
    pending = not row.data["claim"].get("print")
    return show("participant/receipt.html", "receipt", state=state, paper=paper, claim=None,
                **receipts.paper_on_screen(paper), pending=pending, print_words=_print_words(state),
                mark=receipts.PRACTICE_MARK, receipt_part=part,
                voice=screen_voice("practice-receipt", "-".join(
                    word for word in (None if state == "printing" else state, part) if word)))


def receipt_print(row: KioskSession):
    """POST: print the practice receipt (once); GET: how it went. JSON for kiosk.js."""
    if not row.data.get("claim", {}).get("practice"):
        return go("review")
    if request.method == "POST":
        _print_once(row)
        if request.form.get("page"):
            return go("receipt")
    state, fault = _print_state(row)
    voice = {"printed": cue_voice("receipt", "printed"),
             "printer-error": cue_voice("practice", "printer-error")}.get(state)
    return jsonify({"state": state, "fault": fault, "text": _print_words(state), "voice": voice})


# --- the demonstration -------------------------------------------------------------------------


def demo_voice(step: str, state: str | None) -> dict | None:
    """What the demonstration says on a real screen: its words for that screen, or "Lanjut"."""
    scene = DEMO_SCENES.get(f"{step}/{state}") or DEMO_SCENES.get(step) or "other"
    return screen_voice("how-it-works", scene)


def _speed() -> int:
    raw = request.args.get("speed", "1")
    speed = int(raw) if raw.isdigit() else 1
    return min(max(speed, SPEEDS[0]), SPEEDS[1])


def demo_script() -> dict:
    """What demo.js needs: the practice facts to type, the mistake, its words, the addresses."""
    day, month, year = PRACTICE_BIRTH_DATE.day, PRACTICE_BIRTH_DATE.month, PRACTICE_BIRTH_DATE.year
    digits = PRACTICE_KPJ
    wrong = str((int(digits[MISTAKE_AT]) + 1) % 10)
    return {
        "speed": _speed(),
        "number": digits, "mistakeAt": MISTAKE_AT, "wrongDigit": wrong,
        "day": str(day), "month": str(month), "year": str(year),
        "reason": "retirement_age",
        "scenes": DEMO_SCENES,
        "clips": {code: screen_voice("how-it-works", code) for code in DEMO_CLIPS},
        "begin": url_for("participant.how_it_works_begin"),
        "next": url_for("participant.how_it_works_next"),
        "stop": url_for("participant.how_it_works_stop"),
    }


@bp.get("/how-it-works")
def how_it_works():
    """The demonstration's first screen: it writes nothing (the script's first POST begins)."""
    return show("participant/how_it_works.html", "how-it-works", practice=True,
                script=demo_script())


@bp.post("/how-it-works/begin")
def how_it_works_begin():
    """The demonstration begins: a practice visit of its own, marked demo, on the number screen."""
    row = _practice_visit(request.form, demo=True)
    visits.move_to(row, "identify", "start")
    return go("identify")


@bp.post("/how-it-works/next")
@needs_session
def how_it_works_next():
    """What the demonstration cannot act out with a finger: the selfie (no face to show)."""
    row = g.kiosk_session
    if is_demo(row) and row.step == "selfie" and row.participant_id is not None:
        from kiosk.participant.selfie import accept_practice

        accept_practice(row)
        visits.move_to(row, next_step(row, "selfie"), "demo")
    return go(row.step)


@bp.post("/how-it-works/stop")
def how_it_works_stop():
    """Stop (or any touch, or the end): the demonstration's visit is wiped; welcome again, as
    after Start over (a visit left behind for the language would be counted when it times out)."""
    row = g.kiosk_session
    if is_demo(row):
        visits.end(row, "demo_stopped")
    return go("welcome")

