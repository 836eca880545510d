"""Phone: keep the mobile number for the payment notice, or give a new one (a data update)."""
from flask import g, request

from kiosk.jht.phone import MOBILE_DIGITS, mask_mobile, normalise_mobile
from kiosk.participant import bp
from kiosk.participant.claim import identification_step, participant
from kiosk.participant.journey import advance, back_within, go, needs_session, show
from kiosk.participant.keypad import apply_key, digits_only


@back_within("phone")
def _undo(row) -> bool:
    return row.data.pop("phone_entry", None) is not None


def _screen(state: str, record, error: str | None = None, number: str = "", status: int = 200):
    return show("participant/phone.html", "phone", state="error" if error else state,
                status=status, part=state, error=error, number=number,
                masked=mask_mobile(record.phone))


@bp.route("/phone", methods=["GET", "POST"])
@needs_session
def phone():
    row = g.kiosk_session
    record = participant()
    if record is None or "bank" not in row.data:
        return go(identification_step() if record is None else "bank")
    form = request.form
    if request.method == "GET":
        if row.data.get("phone_entry"):
            # A number typed earlier in this visit is shown again, not lost.
            return _screen("entry", record, number=row.data.get("phone", {}).get("number", ""))
        return _screen("choose", record)
    if form.get("choice") == "keep":
        row.data["phone"] = {}
        row.data.pop("phone_entry", None)
        return advance(row, "phone", "phone_keep")
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
        return advance(row, "phone", "phone_new")
    return go("phone")
