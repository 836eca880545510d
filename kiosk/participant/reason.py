"""Reason: the balance, then only the reasons that apply now, each with a picture; the others
with when they open."""
from datetime import timedelta

from flask import g, request

from kiosk.clock import today
from kiosk.participant import bp
from kiosk.participant.balance import balance_facts
from kiosk.participant.claim import identification_step, participant, statuses
from kiosk.participant.journey import advance, go, needs_session, show
from kiosk.participant.side import larger_text
from kiosk.participant.voice import screen_voice
from kiosk.voice.spoken import Rupiah


# Reasons that open within this many days are listed with their date; later ones would be noise
# (a 29-year-old does not need to read when the age claim opens).
LATER_HORIZON_DAYS = 365


@bp.route("/reason", methods=["GET", "POST"])
@needs_session
def reason():
    row = g.kiosk_session
    record = participant()
    if record is None:
        return go(identification_step())
    if record.open_claims:  # one claim at a time: the balance screen says which is open
        return go("balance")
    all_statuses = statuses(record)
    if request.method == "POST":
        chosen = request.form.get("reason", "")
        if any(s.reason.value == chosen and s.available for s in all_statuses):
            if row.data.get("reason") != chosen:
                # A different reason needs different papers and may change the amount.
                row.data.pop("documents", None)
            row.data["reason"] = chosen
            return advance(row, "reason", f"reason_{chosen}")
    horizon = today() + timedelta(days=LATER_HORIZON_DAYS)
    available = [s for s in all_statuses if s.available]
    # At larger text the balance had a screen of its own just before: the reasons alone here.
    apart = larger_text(row)
    return show("participant/reason.html", "reason", available=available, apart=apart,
                voice=screen_voice("reason", "none" if not available else
                                   "apart" if apart else None,
                                   values={"amount": Rupiah(record.balance)}),
                later=[s for s in all_statuses
                       if not s.available and s.available_from and s.available_from <= horizon],
                chosen=row.data.get("reason"), facts=balance_facts(record))
