"""Your balance: who you are (name partly masked), membership, status, the JHT money."""
from flask import g, request

from kiosk.clock import today
from kiosk.jht import full_years_between, group_number, mask_name
from kiosk.participant import bp
from kiosk.participant.claim import identification_step, participant
from kiosk.participant.journey import advance, go, needs_session, show
from kiosk.participant.receipt import CLAIM_NUMBER_GROUPS
from kiosk.participant.voice import screen_voice
from kiosk.voice.spoken import Digits, Rupiah

CHART_HEIGHT = 200


def contribution_bars(contributions: tuple[tuple[int, int], ...]) -> list[dict]:
    """Scale each year's contribution to a bar height for the chart."""
    top = max((amount for _, amount in contributions), default=0)
    return [{"year": year, "amount": amount,
             "height": round(CHART_HEIGHT * amount / top) if top else 0}
            for year, amount in contributions]


@bp.route("/balance", methods=["GET", "POST"])
@needs_session
def balance():
    row = g.kiosk_session
    record = participant()
    if record is None:
        return go(identification_step())
    # One claim per balance (the rules and the core decide): an open claim is shown, not a way on.
    open_claim = record.open_claims[0] if record.open_claims else None
    if request.method == "POST" and open_claim is None:
        return advance(row, "balance")
    if open_claim is not None:
        number = group_number(open_claim.number)
        voice = screen_voice("balance", "claim-open", values={
            "number": Digits(number, CLAIM_NUMBER_GROUPS)})
    else:
        number = ""
        voice = screen_voice("balance", values={"amount": Rupiah(record.balance)})
    return show("participant/balance.html", "balance", state="claim-open" if open_claim else None,
                record=record, open_claim=open_claim, open_claim_number=number,
                masked_name=mask_name(record.full_name), kpj=group_number(record.kpj),
                member_years=full_years_between(record.membership_start, today()),
                bars=contribution_bars(record.contributions), chart_height=CHART_HEIGHT,
                voice=voice)
