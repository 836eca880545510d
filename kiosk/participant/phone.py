"""Phone: keep the mobile number for the payment SMS, or give a new one (a data update).

The amount screen shows the number and confirms it; this step's screens are reached to change it
("Ganti nomor HP" there, or Ubah on the review) and go back where they came from when done.
"""
from flask import g, request

from kiosk import visits
from kiosk.jht.phone import MOBILE_DIGITS, mask_mobile, normalise_mobile
from kiosk.participant import bp
from kiosk.participant.claim import identification_step, participant
from kiosk.participant.journey import advance, back_within, go, needs_session, show
from kiosk.participant.keypad import apply_key, digits_only


@back_within("phone")
def _undo(row) -> bool:
    """Back from the number entry: to the screen before the change (the amount screen)."""
    row.data.pop("phone_entry", None)
    return False


def _screen(state: str, record, error: str | None = None, number: str = "", status: int = 200):
    return show("participant/phone.html", "phone", state="error" if error else state,
                status=status, part=state, error=error, number=number,
                masked=mask_mobile(record.phone))


@bp.route("/phone", methods=["GET", "POST"])
@needs_session
def phone():
    row = g.kiosk_session
    record = participant()
    if record is None or "reason" not in row.data:
        return go(identification_step() if record is None else "reason")
    form = request.form
    if request.method == "GET":
        if row.data.get("phone_entry"):
            # A number typed earlier in this visit is shown again, not lost.
            return _screen("entry", record, number=row.data.get("phone", {}).get("number", ""))
        return _screen("choose", record)
    if form.get("choice") == "keep":
        row.data["phone"] = {}
        row.data.pop("phone_entry", None)
        return _done(row, "phone_keep")
    if form.get("choice") == "new":
        row.data["phone_entry"] = True
        return go("phone")
    if row.data.get("phone_entry"):
        number = digits_only(form.get("number", ""))
        if "key" in form:
            return _screen("entry", record, number=apply_key(number, form["key"],
                                                             MOBILE_DIGITS[1]))
        try:
            row.data["phone"] = {"number": normalise_mobile(number)}
        except ValueError:
            return _screen("entry", record, error="mobile", number=number, status=422)
        row.data.pop("phone_entry")
        return _done(row, "phone_new")
    return go("phone")


def _done(row, outcome: str):
    """The number is settled: back to the review (Ubah) or to the amount screen (Ganti)."""
    if row.data.get("changing"):
        return advance(row, "phone", outcome)
    visits.move_to(row, "amount", outcome)
    return go("amount")
