"""Amount: gross, estimated tax and net, in figures and in words."""
from flask import g, request
from flask_babel import get_locale
from num2words import num2words

from kiosk.participant import bp
from kiosk.participant.claim import identification_step, participant, picture
from kiosk.participant.journey import advance, go, needs_session, show


def in_words(amount: int) -> str:
    """Spell an amount of rupiah in the participant's language."""
    language = str(get_locale())
    return f"{num2words(amount, lang=language if language == 'en' else 'id')} rupiah"


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
                net_words=in_words(claim.tax.net))
