"""Receipt on screen: the claim number, the net amount, when it is paid, what happens next."""
from datetime import date

from flask import g, request

from kiosk.jht import group_number
from kiosk.participant import bp
from kiosk.participant.journey import advance, go, needs_session, show
from kiosk.participant.voice import screen_voice
from kiosk.voice.spoken import Digits

CLAIM_NUMBER_GROUPS = (4, 2, 5, 1)  # branch, kiosk, sequence, check digit (CONTRACT.md)


@bp.route("/receipt", methods=["GET", "POST"])
@needs_session
def receipt():
    row = g.kiosk_session
    claim = row.data.get("claim")
    if claim is None:
        return go("review")
    if request.method == "POST":
        return advance(row, "receipt")
    payment_date = date.fromisoformat(claim["payment_date"]) if claim["payment_date"] else None
    number = group_number(claim["number"])
    values = {"number": Digits(number, CLAIM_NUMBER_GROUPS), "date": payment_date}
    return show("participant/receipt.html", "receipt", claim=claim, number=number,
                payment_date=payment_date,
                voice=screen_voice("receipt", None if payment_date else "staff", values=values))
