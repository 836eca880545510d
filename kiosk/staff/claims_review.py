"""Claims that need staff: the queue, one claim with its reasons and papers, approve or reject."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, request, url_for
from sqlalchemy import select

from kiosk import claims, htmx, receipts
from kiosk.captures import DOCUMENT
from kiosk.core import get_core
from kiosk.extensions import db
from kiosk.jht import group_number
from kiosk.models import Capture, Claim, OutboxMessage, utcnow
from kiosk.staff import audit, bp
from kiosk.staff.auth import current_staff

STAFF_REASONS = {
    "above_limit": "Jumlahnya di atas batas klaim mandiri",
    "finish_with_staff": "Alasan ini selalu diselesaikan petugas",
    "bank_holder": "Nama pemilik rekening tidak sama dengan nama peserta",
    "bank_unverified": "Rekening baru belum bisa diperiksa",
    "documents_missing": "Ada surat yang belum ditunjukkan",
}
REJECT_REASONS = {
    "documents": "Surat yang diperlukan tidak lengkap atau tidak sah",
    "bank": "Rekening tidak bisa dipakai atau bukan milik peserta",
    "identity": "Identitas peserta tidak cocok",
    "not_eligible": "Peserta belum memenuhi syarat untuk alasan ini",
    "other": "Alasan lain (tulis di catatan)",
}


def _claim(number: str) -> Claim:
    claim = db.session.scalar(select(Claim).where(Claim.number == number))
    if claim is None:
        abort(404)
    return claim


@bp.get("/claims")
def claims_queue():
    rows = db.session.scalars(select(Claim).where(Claim.state == "needs_staff")
                              .order_by(Claim.created_at)).all()
    return htmx.render("staff/claims.html", claims=rows, reasons=STAFF_REASONS,
                       group=group_number, now=utcnow())


@bp.get("/claims/<number>")
def claim_detail(number: str):
    claim = _claim(number)
    record = get_core().get_participant(claim.participant_id)
    papers = db.session.scalars(select(Capture.id, Capture.document).where(
        Capture.claim_id == claim.id, Capture.kind == DOCUMENT)).all()
    return htmx.render("staff/claim.html", claim=claim, number=group_number(claim.number),
                       name=record.full_name if record else "-",
                       kpj=group_number(record.kpj) if record else "-",
                       papers=papers, reasons=STAFF_REASONS, reject_reasons=REJECT_REASONS)


@bp.get("/claims/<number>/papers/<int:capture_id>.jpg")
def claim_paper(number: str, capture_id: int):
    """A paper the participant held up, for staff checking this claim (never cached)."""
    claim = _claim(number)
    paper = db.session.get(Capture, capture_id)
    if paper is None or paper.claim_id != claim.id or paper.kind != DOCUMENT:
        abort(404)
    response = make_response(paper.image)
    response.headers["Content-Type"] = "image/jpeg"
    response.headers["Cache-Control"] = "no-store"
    return response


def _decide(number: str, state: str, note: str):
    claim = _claim(number)
    staff = current_staff()
    try:
        claims.set_state(claim, state)
    except ValueError:
        db.session.rollback()
        flash(f"Klaim {group_number(number)} tidak bisa diubah lagi (sekarang: {claim.state}).")
        return redirect(url_for("staff.claim_detail", number=number), code=303)
    claim.decided_by, claim.decided_at, claim.decision_note = staff.username, utcnow(), note
    # The decision goes to the core with the claim's outbox (the core link delivers it).
    db.session.add(OutboxMessage(
        kind=f"claim.{state}", idempotency_key=f"{claim.idempotency_key}:{state}",
        payload={"claim_number": claim.number, "state": state, "note": note,
                 "decided_by": staff.username}))
    audit.record("approve" if state == "approved" else "reject", kiosk_id=claim.kiosk_id,
                 claim_number=claim.number, detail=note)
    db.session.commit()
    flash(f"Klaim {group_number(number)}: "
          + ("disetujui." if state == "approved" else "ditolak."))
    return redirect(url_for("staff.claims_queue"), code=303)


@bp.post("/claims/<number>/approve")
def approve(number: str):
    return _decide(number, "approved", request.form.get("note", "").strip()[:300])


@bp.post("/claims/<number>/reject")
def reject(number: str):
    reason = request.form.get("reason", "")
    if reason not in REJECT_REASONS:
        flash("Pilih alasan penolakan.")
        return redirect(url_for("staff.claim_detail", number=number), code=303)
    note = request.form.get("note", "").strip()[:250]
    if reason == "other" and not note:
        flash("Tulis alasan penolakan di catatan.")
        return redirect(url_for("staff.claim_detail", number=number), code=303)
    return _decide(number, "rejected", f"{REJECT_REASONS[reason]}. {note}".strip())


@bp.post("/claims/<number>/reprint")
def reprint(number: str):
    """Print a claim's receipt again on its kiosk's printer (a fault, a lost receipt)."""
    try:
        job = receipts.reprint(number)
    except receipts.ReceiptError as exc:
        flash(str(exc))
        return redirect(url_for("staff.board"), code=303)
    audit.record("reprint", kiosk_id=job.kiosk_id, claim_number=number,
                 detail=job.state if job.fault is None else f"{job.state}: {job.fault}")
    db.session.commit()
    if job.state == receipts.PRINTED:
        flash(f"Struk klaim {group_number(number)} dicetak ulang di kiosk {job.kiosk_id}.")
    else:
        flash(f"Struk klaim {group_number(number)} belum tercetak: "
              f"{receipts.FAULT_TEXT.get(job.fault, job.fault)}.")
    return redirect(url_for("staff.board"), code=303)
