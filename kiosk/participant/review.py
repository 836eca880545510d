"""Review: every choice on one screen, each with a way to change it; one big Submit."""
from flask import g, get_template_attribute, request

from kiosk import captures, claims, receipts, visits
from kiosk.core import ClaimDraft
from kiosk.jht import mask_name
from kiosk.extensions import db
from kiosk.participant import bp
from kiosk.participant.bank import mask_account
from kiosk.participant.claim import identification_step, participant, picture
from kiosk.participant.journey import go, needs_session, show
from kiosk.participant.voice import review_voice

CHANGEABLE = ("reason", "bank", "phone", "documents")


def reason_name(code: str) -> str:
    """The reason's name as every screen shows it (components/labels.html)."""
    return str(get_template_attribute("components/labels.html", "reason_name")(code)).strip()


@bp.route("/review", methods=["GET", "POST"])
@needs_session
def review():
    row = g.kiosk_session
    if "claim" in row.data:  # submitted already: a second Submit shows the same receipt
        return go("receipt")
    if request.method == "POST":
        # A simultaneous second Submit of this visit finds the claim the first one saved.
        saved = claims.saved(claims.visit_key(row.id))
        if saved is not None:
            return _to_receipt(row, saved, saved.details.get("staff_reasons", []))
    record = participant()
    claim = picture(record) if record else None
    if claim is None or "phone" not in row.data:  # the amount screen confirms the phone
        return go(identification_step() if record is None else "amount")
    if claim.documents_needed and "documents" not in row.data:
        return go("documents")
    if request.method == "POST":
        return _submit(row, claim)
    return show("participant/review.html", "review", claim=claim,
                account=mask_account(claim.bank_account),
                voice=review_voice(claim, reason_name(claim.reason.value)))


@bp.post("/review/change")
@needs_session
def change():
    row = g.kiosk_session
    step = request.form.get("step")
    if step not in CHANGEABLE or "claim" in row.data:
        return go("review")
    row.data["changing"] = True
    visits.move_to(row, step, "change")
    db.session.commit()
    return go(step)


def _submit(row, claim):
    if row.practice:  # kept in the visit only: nothing saved, sent or counted
        from kiosk.participant import practice

        return practice.submit(row, claim)
    try:
        receipt = claims.save(_draft(row, claim))
    except claims.ClaimInProgress:
        # Another kiosk took a claim for this participant a moment ago: the balance says so.
        visits.move_to(row, "balance", "claim_in_progress")
        return go("balance")
    captures.attach_documents(row.id, receipt.number)
    return _to_receipt(row, receipt, claim.staff_reasons)


def _to_receipt(row, receipt, staff_reasons):
    """Remember the saved claim in the visit and show its receipt."""
    row.data["claim"] = {
        "number": receipt.number, "state": receipt.state, "net": receipt.net_amount,
        "payment_date": receipt.expected_payment_date.isoformat()
        if receipt.expected_payment_date else None,
        "staff_reasons": list(staff_reasons),
    }
    visits.move_to(row, "receipt", "submitted_" + receipt.state)
    return go("receipt")


def _draft(row, claim) -> ClaimDraft:
    """The claim as confirmed; one key per visit, so a double tap or a replay make one claim."""
    return ClaimDraft(
        idempotency_key=claims.visit_key(row.id),
        kiosk_id=row.kiosk_id, participant_id=claim.record.id, reason=claim.reason.value,
        gross_amount=claim.tax.gross, tax_amount=claim.tax.tax, net_amount=claim.tax.net,
        needs_staff=claim.needs_staff, expected_payment_date=claim.payment_date,
        bank_name=claim.bank_name, bank_account=claim.bank_account, phone=claim.phone,
        phone_changed=claim.phone_changed,
        details={"staff_reasons": list(claim.staff_reasons),
                 "documents_have": list(claim.documents_have),
                 "documents_needed": list(claim.documents_needed),
                 "documents_photographed": list(row.data.get("documents_photographed", [])),
                 "tax_method": claim.tax.method,
                 # How the participant was recognised: decision, distance and time, no image.
                 "identity": row.data.get("identity", {}),
                 # What the receipt shows of them, masked, so it prints while the core is away.
                 "masked_name": mask_name(claim.record.full_name),
                 "masked_kpj": receipts.mask_kpj(claim.record.kpj)},
    )
