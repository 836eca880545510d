"""Bank account: keep the one on file or enter a new one; the holder must be the participant.

The amount screen shows the account and confirms it; this step's screens are reached to change it
("Ganti rekening" there, or Ubah on the review) and go back where they came from when done.
"""
from __future__ import annotations

from flask import g, request

from kiosk.core import get_core
from kiosk.jht.names import names_match
from kiosk.participant import bp
from kiosk.participant.claim import identification_step, participant
from kiosk import visits
from kiosk.participant.journey import advance, back_within, go, needs_session, show
from kiosk.participant.keypad import apply_key, digits_only
from kiosk.participant.voice import screen_voice
from kiosk.roster.csv_import import BANK_ACCOUNT_DIGITS, BANK_CODES


def mask_account(account: str) -> str:
    """Show only the last four digits of an account number."""
    return "•••• " + account[-4:]


def holder_verdict(holder: str | None, full_name: str) -> str:
    """"ok" when the account holder is the participant, "mismatch", or "unknown" (no name)."""
    if holder is None:
        return "unknown"
    return "ok" if names_match(holder, full_name) else "mismatch"


@back_within("bank")
def _undo(row) -> bool:
    if row.data.pop("bank_pending", None):
        # Back from the holder notice: to the account entry (number kept) or the first choice.
        bank = row.data.pop("bank", {})
        if bank.get("choice") == "new":
            row.data["bank_entry"] = {"bank_name": bank["bank_name"], "account": bank["account"]}
        return True
    entry = row.data.get("bank_entry")
    if entry is None:
        return False
    if "bank_name" in entry:
        row.data["bank_entry"] = {}
        return True
    # Back from the list of banks: to the screen before the change (the amount screen).
    row.data.pop("bank_entry")
    return False


def _screen(state: str, record, error: str | None = None, account: str = "", status: int = 200):
    return show("participant/bank.html", "bank", state="error" if error else state,
                status=status, part=state, record=record, error=error, account=account,
                masked=mask_account(record.bank_account),
                banks=[{"value": code, "text": code} for code in BANK_CODES],
                entry=g.kiosk_session.data.get("bank_entry", {}),
                bank=g.kiosk_session.data.get("bank", {}), voice=_voice(state, error))


def _voice(state: str, error: str | None):
    """The holder screen first says why staff check the account; the others, a typing error."""
    if state == "holder":
        holder = g.kiosk_session.data.get("bank", {}).get("holder")
        return screen_voice("bank", state, "bank_holder" if holder == "mismatch" else "bank_unverified")
    return screen_voice("bank", state, error)


@bp.route("/bank", methods=["GET", "POST"])
@needs_session
def bank():
    row = g.kiosk_session
    record = participant()
    if record is None or "reason" not in row.data:
        return go(identification_step() if record is None else "reason")
    entry = row.data.get("bank_entry")
    form = request.form
    if request.method == "GET":
        if row.data.get("bank", {}).get("holder") in ("mismatch", "unknown") \
                and row.data.get("bank_pending"):
            return _screen("holder", record)
        if entry is None:
            return _screen("choose", record)
        return _screen("account" if "bank_name" in entry else "bank-list", record,
                       account=entry.get("account", ""))

    if form.get("confirm"):  # the participant has read why staff will check the account
        row.data.pop("bank_pending", None)
        return _done(row, "bank_" + row.data.get("bank", {}).get("holder", "ok"))
    if form.get("choice") == "keep":
        verdict = holder_verdict(record.bank_holder, record.full_name)
        row.data["bank"] = {"choice": "keep", "holder": verdict}
        row.data.pop("bank_entry", None)
        return _settled(row, verdict)
    if form.get("choice") == "new":
        # Coming back to a new account given before: start from it rather than from nothing.
        earlier = row.data.get("bank", {})
        row.data["bank_entry"] = ({"bank_name": earlier["bank_name"], "account": earlier["account"]}
                                  if earlier.get("choice") == "new" else {})
        return go("bank")
    if entry is not None and form.get("bank_name") in BANK_CODES:
        keep = entry.get("account", "") if entry.get("bank_name") == form["bank_name"] else ""
        row.data["bank_entry"] = {"bank_name": form["bank_name"], "account": keep}
        return go("bank")
    if entry and "bank_name" in entry:
        account = digits_only(form.get("account", ""))
        if "key" in form:
            return _screen("account", record, account=apply_key(account, form["key"],
                                                                BANK_ACCOUNT_DIGITS[1]))
        low, high = BANK_ACCOUNT_DIGITS
        if not low <= len(account) <= high:
            return _screen("account", record, error="account_length", account=account,
                           status=422)
        verdict = holder_verdict(get_core().account_holder(entry["bank_name"], account),
                                  record.full_name)
        row.data["bank"] = {"choice": "new", "bank_name": entry["bank_name"], "account": account,
                            "holder": verdict}
        row.data.pop("bank_entry")
        return _settled(row, verdict)
    return go("bank")


def _settled(row, verdict: str):
    """Go on when the holder is the participant; otherwise say plainly that staff will check."""
    if verdict == "ok":
        return _done(row, "bank_ok")
    row.data["bank_pending"] = True
    return go("bank")


def _done(row, outcome: str):
    """The account is settled: back to the review (Ubah) or to the amount screen (Ganti)."""
    if row.data.get("changing"):
        return advance(row, "bank", outcome)
    visits.move_to(row, "amount", outcome)
    return go("amount")
