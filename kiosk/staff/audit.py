"""The audit log: every staff action, who, what, where and when; supervisors read and filter it."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import request
from sqlalchemy import select

from kiosk import htmx
from kiosk.extensions import db
from kiosk.models import AuditEntry
from kiosk.staff import bp
from kiosk.staff.auth import current_staff, supervisor_only

# What each action code means, for the log's readers.
ACTIONS = {
    "sign_in": "Masuk", "sign_out": "Keluar", "sign_in_failed": "Gagal masuk",
    "ack": "Menuju kiosk", "resolve": "Selesai membantu", "accept_identity": "Menerima identitas",
    "reset_kiosk": "Mengatur ulang kiosk", "approve": "Menyetujui klaim",
    "reject": "Menolak klaim", "reprint": "Mencetak ulang struk",
    "pin_ok": "PIN benar di kiosk", "pin_failed": "PIN salah di kiosk",
    "view_papers": "Melihat surat peserta",
}
PAGE = 200


def record(action: str, kiosk_id: str | None = None, help_request_id: int | None = None,
           claim_number: str | None = None, detail: str | None = None, staff=None) -> None:
    """Add an entry in the current transaction (the caller commits with the action itself)."""
    staff = staff or current_staff()
    db.session.add(AuditEntry(
        staff_id=staff.id if staff is not None else None,
        username=staff.username if staff is not None else "-",
        action=action, kiosk_id=kiosk_id, help_request_id=help_request_id,
        claim_number=claim_number, detail=(detail or "")[:300] or None))


def _date(raw: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@bp.get("/audit")
@supervisor_only
def audit_log():
    args = request.args
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if args.get("username"):
        query = query.where(AuditEntry.username == args["username"].strip())
    if args.get("action") in ACTIONS:
        query = query.where(AuditEntry.action == args["action"])
    if args.get("kiosk"):
        query = query.where(AuditEntry.kiosk_id == args["kiosk"].strip())
    since, until = _date(args.get("since")), _date(args.get("until"))
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until + timedelta(days=1))
    entries = db.session.scalars(query.limit(PAGE)).all()
    return htmx.render("staff/audit.html", entries=entries, actions=ACTIONS, filters=args,
                       page=PAGE)
