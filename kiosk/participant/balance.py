"""Your balance: who you are (first name, card number), since when, the JHT money, the chart.

The balance is shown on the reason screen (one screen, one decision: the reason). The balance
step keeps its own screen for a participant whose claim is still open (the claim, and a person to
ask), and at larger text (125 and 150 %), where the balance and five reasons do not fit one
screen: there it shows the balance with Lanjut, and the reason screen shows the reasons alone.
Otherwise the step is passed by (skip_when), and /balance leads to the reason.
"""
from babel.numbers import format_decimal
from flask import g, request
from flask_babel import get_locale

from kiosk.clock import today
from kiosk.jht import full_years_between, group_number
from kiosk.jht.names import short_name
from kiosk.participant import bp
from kiosk.participant.claim import identification_step, participant
from kiosk.participant.journey import advance, go, needs_session, show, skip_when
from kiosk.participant.receipt import CLAIM_NUMBER_GROUPS
from kiosk.participant.side import larger_text
from kiosk.participant.voice import screen_voice
from kiosk.voice.spoken import Digits, Rupiah

CHART_HEIGHT = 200
CHART_YEARS = 6  # the bars shown (each readable); the table for screen readers has every year


def contribution_bars(contributions: tuple[tuple[int, int], ...],
                      language: str = "id") -> list[dict]:
    """Scale each year's contribution to a bar height, with its amount in millions as a label."""
    top = max((amount for _, amount in contributions), default=0)
    return [{"year": year, "amount": amount,
             "millions": format_decimal(amount / 1_000_000, format="#,##0.0", locale=language),
             "height": round(CHART_HEIGHT * amount / top) if top else 0}
            for year, amount in contributions]


def balance_facts(record) -> dict:
    """What the balance shows of the participant (the reason screen and the balance screen)."""
    return {"record": record, "short_name": short_name(record.full_name),
            "kpj": group_number(record.kpj),
            "member_years": full_years_between(record.membership_start, today()),
            "bars": contribution_bars(record.contributions, _number_locale()),
            "chart_height": CHART_HEIGHT, "chart_years": CHART_YEARS}


def _number_locale() -> str:
    # Javanese and Sundanese write numbers as Indonesian does.
    language = str(get_locale())
    return "en" if language == "en" else "id"


@skip_when("balance")
def _no_open_claim(row) -> bool:
    """Without an open claim the balance is shown on the reason screen (at 100 % text)."""
    record = participant(row)
    return record is not None and not record.open_claims and not larger_text(row)


@bp.route("/balance", methods=["GET", "POST"])
@needs_session
def balance():
    row = g.kiosk_session
    record = participant()
    if record is None:
        return go(identification_step())
    # One claim per balance (the rules and the core decide): an open claim is shown, not a way on.
    open_claim = record.open_claims[0] if record.open_claims else None
    if open_claim is None:
        if request.method == "POST":  # the balance's own Lanjut (larger text)
            return advance(row, "balance")
        if not larger_text(row):
            return go("reason")
        return show("participant/balance.html", "balance", open_claim=None,
                    voice=screen_voice("balance", values={"amount": Rupiah(record.balance)}),
                    facts=balance_facts(record))
    number = group_number(open_claim.number)
    voice = screen_voice("balance", "claim-open", values={
        "number": Digits(number, CLAIM_NUMBER_GROUPS)})
    return show("participant/balance.html", "balance", state="claim-open",
                open_claim=open_claim, open_claim_number=number, voice=voice,
                facts=balance_facts(record))
