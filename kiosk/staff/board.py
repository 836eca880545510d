"""The live board: kiosks, help requests by waiting time, claims for staff, the outbox; and the
actions a help request calls for (acknowledge, resolve, accept identity, reset the kiosk)."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from kiosk import htmx, receipts, visits
from kiosk.extensions import db
from kiosk.models import Claim, HelpRequest, Kiosk, KioskSession, OutboxMessage, utcnow
from kiosk.staff import audit, bp
from kiosk.staff.auth import current_staff

# What each help-request reason means, in the staff's words (codes: kiosk.visits.HELP_REASONS).
REASONS = {
    "asked": "Peserta memanggil petugas",
    "identity_check": "Periksa e-KTP: foto wajah belum berhasil",
    "wrong_identity": "Nomor dan tanggal lahir salah berkali-kali",
    "printer": "Struk tidak tercetak",
    "camera": "Kamera kiosk tidak bisa dipakai",
    "needs_staff": "Klaim perlu diperiksa petugas",
    "other": "Lainnya",
}
STEPS = {
    "welcome": "Layar awal", "identify": "Nomor kartu", "birth-date": "Tanggal lahir",
    "selfie": "Foto wajah", "balance": "Saldo", "reason": "Alasan", "amount": "Jumlah",
    "bank": "Rekening", "phone": "Nomor HP", "documents": "Surat", "review": "Periksa klaim",
    "receipt": "Struk", "survey": "Survei", "staff-coming": "Menunggu petugas",
    "status": "Cek status",
}
HEARTBEAT_LATE = timedelta(minutes=2)
DEVICE_WORDS = {"ok": "baik", "warning": "perlu perhatian", "fault": "rusak", "seen": "terlihat", "missing": "tidak ada", "refused": "ditolak",
                "unplugged": "terputus", "error": "rusak", "failed": "gagal",
                "paper-out": "kertas habis", "paper-low": "kertas hampir habis",
                "cover-open": "tutup terbuka", "offline": "mati", "unknown": "belum tahu"}


def ago(then: datetime | None, now: datetime) -> str:
    """A duration in the staff's words: '45 dtk', '3 mnt', '2 jam 5 mnt'."""
    if then is None:
        return "-"
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return f"{seconds} dtk"
    minutes = seconds // 60
    return f"{minutes} mnt" if minutes < 60 else f"{minutes // 60} jam {minutes % 60} mnt"


def _problems(devices: dict, name: str) -> str:
    """A device's problems in words, e.g. the printer's "paper nearly out"."""
    problems = devices.get(f"{name}_problems") or []
    return f" ({', '.join(receipts.FAULT_TEXT.get(p, p) for p in problems)})" if problems else ""


def board_data() -> dict:
    """Everything the board shows: never a participant's name or number."""
    now = utcnow()
    visits_by_kiosk = {row.kiosk_id: row for row in db.session.scalars(select(KioskSession))}
    kiosks = []
    for kiosk in db.session.scalars(select(Kiosk).order_by(Kiosk.code)):
        visit = visits_by_kiosk.get(kiosk.id)
        devices = kiosk.devices or {}
        kiosks.append({
            "id": kiosk.id, "name": kiosk.name,
            "step": STEPS.get(visit.step if visit else "welcome", "-"),
            "practice": bool(visit is not None and visit.practice),
            "idle": ago(visit.updated_at, now) if visit else "-",
            "heartbeat": ago(kiosk.last_heartbeat, now),
            "late": kiosk.last_heartbeat is None or now - kiosk.last_heartbeat > HEARTBEAT_LATE,
            "devices": [(name, DEVICE_WORDS.get(str(state), str(state)) + _problems(devices, name),
                         state in ("ok", "seen"))
                        for name, state in sorted(devices.items())
                        if not name.endswith("_problems")],
        })
    requests = []
    for call in db.session.scalars(select(HelpRequest).where(
            HelpRequest.status.in_(visits.WAITING)).order_by(HelpRequest.created_at)):
        visit = db.session.get(KioskSession, call.session_id) if call.session_id else None
        requests.append({
            "id": call.id, "kiosk": call.kiosk_id, "reason": call.reason,
            # A practice visit's call: someone practising needs a person all the same.
            "practice": bool(call.practice),
            "reason_words": REASONS.get(call.reason, call.reason),
            "step": STEPS.get(call.step, call.step), "status": call.status,
            "waited": ago(call.created_at, now), "staff_name": call.staff_name,
            "can_accept": call.reason in visits.IDENTITY_REASONS and visit is not None
            and visit.participant_id is not None and not visit.data.get("identity"),
            "claim": (visit.data.get("claim") or {}).get("number") if visit is not None
            and call.reason == "printer" else None,
        })
    return {
        "kiosks": kiosks, "requests": requests,
        "claims_waiting": db.session.scalar(select(func.count()).select_from(Claim).where(
            Claim.state == "needs_staff")),
        "outbox": db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.sent_at.is_(None))),
        # Receipts owed to participants: the last print of these claims failed.
        "unprinted": [{"number": claim.number, "kiosk": job.kiosk_id,
                       "fault": receipts.FAULT_TEXT.get(job.fault, job.fault),
                       "since": ago(job.created_at, now)}
                      for claim, job in receipts.unprinted()],
        # Messages the core keeps refusing or cannot take: never dropped, shown until they go.
        "outbox_failing": _failing_messages(now),
    }


def _failing_messages(now: datetime) -> list[dict]:
    from kiosk.core import outbox

    return [dict(row, waited=ago(row["since"], now))
            for row in outbox.pending_summary(limit=10)["failing"]]


@bp.get("/")
def board():
    return htmx.render("staff/board.html", **board_data(), version="")


@bp.get("/board")
def board_fragment():
    """The board's own poll (every 2 s): 204 while nothing changed, else the new board."""
    data = board_data()
    # The board's data, not its HTML (each render carries a fresh CSRF token).
    version = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()
                             ).hexdigest()[:16]
    if request.args.get("v") == version:
        return "", 204
    return render_template("staff/board_fragment.html", **data, version=version)


def _done(message: str):
    flash(message)
    return redirect(url_for("staff.board"), code=303)


def _act(request_id: int, action: str, work) -> str | None:
    """Do `work(call)` on a help request and audit it; return an error in plain words or None."""
    call = db.session.get(HelpRequest, request_id)
    if call is None:
        return "Permintaan bantuan itu tidak ada."
    try:
        work(call)
    except visits.VisitError as exc:
        db.session.rollback()
        return str(exc)
    audit.record(action, kiosk_id=call.kiosk_id, help_request_id=call.id)
    db.session.commit()
    return None


@bp.post("/help/<int:request_id>/ack")
def acknowledge(request_id: int):
    staff = current_staff()
    error = _act(request_id, "ack", lambda call: visits.acknowledge(
        call.id, staff_id=staff.id, staff_name=staff.display_name))
    return _done(error or "Kiosk diberi tahu bahwa Anda sedang menuju ke sana.")


@bp.post("/help/<int:request_id>/resolve")
def resolve(request_id: int):
    error = _act(request_id, "resolve", lambda call: visits.resolve(call.id))
    return _done(error or "Permintaan bantuan selesai.")


@bp.post("/help/<int:request_id>/accept-identity")
def accept_identity(request_id: int):
    error = _act(request_id, "accept_identity", lambda call: visits.accept_identity(call.id))
    return _done(error or "Identitas diterima. Peserta melanjutkan ke saldo.")


@bp.post("/kiosks/<kiosk_id>/reset")
def reset_kiosk(kiosk_id: str):
    try:
        ended = visits.reset_kiosk(kiosk_id)
    except visits.VisitError:
        db.session.rollback()
        return _done("Kiosk itu tidak ada.")
    audit.record("reset_kiosk", kiosk_id=kiosk_id, detail=f"{ended} kunjungan diakhiri")
    db.session.commit()
    return _done(f"Kiosk {kiosk_id} kembali ke layar awal.")
