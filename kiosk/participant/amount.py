"""Amount: what the participant receives, where it is sent and where the SMS goes, on one screen.

One decision: "Ya, benar" keeps the account and the phone shown (the ones on file, or those just
typed) and goes on; "Ganti rekening" and "Ganti nomor HP" lead to the bank and phone entry
screens, which come back here. The bank and phone steps are passed by otherwise (skip_when):
their screens are reached only to change something (from here or from the review's Ubah).
"""
from flask import g, request
from flask_babel import get_locale

from kiosk import visits
from kiosk.jht.phone import mask_mobile
from kiosk.participant import bp
from kiosk.participant.bank import holder_verdict, mask_account
from kiosk.participant.claim import identification_step, participant, picture
from kiosk.participant.journey import advance, go, needs_session, show, skip_when
from kiosk.participant.voice import screen_voice
from kiosk.voice.spoken import Digits, Rupiah, amount_words

# The digits of the account and the phone said aloud: what the screen shows unmasked.
ACCOUNT_DIGITS_SAID = 4
PHONE_DIGITS_SAID = 3


@skip_when("bank")
@skip_when("phone")
def _confirmed_on_the_amount_screen(row) -> bool:
    """The account and the phone are confirmed on the amount screen: their steps are passed by."""
    return True


def _bank_in_force(row, record) -> dict:
    """The account the claim uses: the one chosen in this visit, else the one on file."""
    chosen = row.data.get("bank")
    if chosen:
        return chosen
    return {"choice": "keep", "holder": holder_verdict(record.bank_holder, record.full_name)}


def _holder_code(bank: dict) -> str | None:
    """Why staff check the account (kiosk.voice.prompts.BANK_HOLDER), or None."""
    return {"mismatch": "bank_holder", "unknown": "bank_unverified"}.get(bank.get("holder"))


@bp.route("/amount", methods=["GET", "POST"])
@needs_session
def amount():
    row = g.kiosk_session
    record = participant()
    claim = picture(record) if record else None
    if claim is None:
        return go("reason" if record else identification_step())
    if request.method == "POST":
        change = request.form.get("change")
        if change == "bank":
            # Start from a new account given earlier in this visit rather than from nothing.
            earlier = row.data.get("bank", {})
            row.data["bank_entry"] = ({"bank_name": earlier["bank_name"],
                                       "account": earlier["account"]}
                                      if earlier.get("choice") == "new" else {})
            visits.move_to(row, "bank", "change_bank")
            return go("bank")
        if change == "phone":
            row.data["phone_entry"] = True
            visits.move_to(row, "phone", "change_phone")
            return go("phone")
        return _confirmed(row, record)
    bank = _bank_in_force(row, record)
    staff = claim.needs_staff or _holder_code(bank) is not None
    whole = claim.tax.tax == 0 and claim.tax.net == record.balance
    sub = "-".join(part for part in ("all" if whole else "", "staff" if staff else "") if part)
    account = claim.bank_account
    return show("participant/amount.html", "amount", claim=claim, holder=_holder_code(bank),
                account=mask_account(account), phone=mask_mobile(claim.phone),
                needs_staff=staff, net_words=amount_words(claim.tax.net, str(get_locale())),
                voice=screen_voice("amount", sub or None, _holder_code(bank), values={
                    "net": Rupiah(claim.tax.net),
                    "tax": Rupiah(claim.tax.tax) if claim.tax.tax else None,
                    "bank": claim.bank_name,
                    "account": Digits(account[-ACCOUNT_DIGITS_SAID:], (ACCOUNT_DIGITS_SAID,)),
                    "phone": Digits(claim.phone[-PHONE_DIGITS_SAID:], (PHONE_DIGITS_SAID,))}))


def _confirmed(row, record):
    """Ya, benar: the account and the phone shown are the claim's; on to the papers or review."""
    if "bank" not in row.data:
        bank = _bank_in_force(row, record)
        row.data["bank"] = bank
        # The bank and phone steps were passed here: recorded as they were on their own screens.
        visits.record_event(row, "bank", "bank_" + bank["holder"])
    if "phone" not in row.data:
        row.data["phone"] = {}
        visits.record_event(row, "phone", "phone_keep")
    return advance(row, "amount")
