"""Amount: gross, estimated tax and net, in figures and in words."""
from flask import g, request
from flask_babel import get_locale

from kiosk.participant import bp
from kiosk.participant.claim import identification_step, participant, picture
from kiosk.participant.journey import advance, go, needs_session, show
from kiosk.participant.voice import screen_voice
from kiosk.voice.spoken import Rupiah, amount_words


@bp.route("/amount", methods=["GET", "POST"])
@needs_session
def amount():
    row = g.kiosk_session
    record = participant()
    claim = picture(record) if record else None
    if claim is None:
        return go("reason" if record else identification_step())
    if request.method == "POST":
        return advance(row, "amount")
    return show("participant/amount.html", "amount", claim=claim,
                net_words=amount_words(claim.tax.net, str(get_locale())),
                voice=screen_voice("amount", "staff" if claim.needs_staff else None, values={
                    "net": Rupiah(claim.tax.net),
                    "tax": Rupiah(claim.tax.tax) if claim.tax.tax else None}))
