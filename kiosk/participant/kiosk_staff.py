"""The kiosk's own side of the staff console: its heartbeat, and the staff PIN menu at the kiosk.

The heartbeat tells the board the kiosk is alive and how its devices are. The PIN menu opens by a
long press in the top-left corner (kiosk.js): each staff member's own PIN (set with `staff pin`;
none exists by default) opens a menu to reset the kiosk or see its devices. PIN tries are limited
per kiosk and every try is in the audit log.
"""
from __future__ import annotations

import time

from flask import abort, g, redirect, request, session, url_for

from kiosk import receipts, visits
from kiosk.extensions import db, limiter
from kiosk.models import Kiosk, StaffMember, utcnow
from kiosk.participant import bp
from kiosk.participant.journey import go, show
from kiosk.participant.keypad import apply_key, digits_only
from kiosk.staff import audit
from kiosk.staff.auth import staff_by_pin

DEVICE_STATES = {
    "camera": ("seen", "missing", "refused", "unplugged", "error", "unknown"),
    "speech": ("ok", "failed", "unknown"),
}
MENU_SECONDS = 120
PIN_MAX = 8


@bp.post("/heartbeat")
def heartbeat():
    """The kiosk browser is alive; remember what it says of its devices (known codes only)."""
    kiosk = db.session.get(Kiosk, g.kiosk.id)
    states = dict(kiosk.devices or {})
    for device, allowed in DEVICE_STATES.items():
        value = request.form.get(device, "unknown")
        states[device] = value if value in allowed else "unknown"
    # The printer is asked by the server (it may be on the network, not in the browser).
    printer = receipts.printer_status(kiosk)
    states["printer"] = printer["printer"]
    states["printer_problems"] = printer["problems"]
    kiosk.devices = states
    kiosk.last_heartbeat = utcnow()
    db.session.commit()
    return "", 204


def _menu_staff() -> StaffMember | None:
    """The staff member whose PIN opened the menu at this kiosk, within the last two minutes."""
    opened = session.get("staff_menu")
    if not opened or opened.get("kiosk") != g.kiosk.id or time.time() > opened.get("until", 0):
        return None
    return db.session.get(StaffMember, opened.get("staff"))


def _pin_screen(entry: str = "", error: str | None = None, status: int = 200):
    return show("staff/kiosk_menu.html", "staff-menu", state="error" if error else "pin",
                status=status, entry=entry, error=error, voice=None)


@bp.get("/staff-menu")
def staff_menu():
    staff = _menu_staff()
    if staff is None:
        return _pin_screen()
    return show("staff/kiosk_menu.html", "staff-menu", state="menu", staff=staff,
                kiosk=db.session.get(Kiosk, g.kiosk.id), voice=None)


@bp.post("/staff-menu")
@limiter.limit("5 per 15 minutes", methods=["POST"],
               exempt_when=lambda: "key" in request.form)
def staff_menu_pin():
    entry = digits_only(request.form.get("pin", ""))[:PIN_MAX]
    if "key" in request.form:  # the keypad without script
        return _pin_screen(apply_key(entry, request.form["key"], PIN_MAX))
    staff = staff_by_pin(entry)
    if staff is None:
        audit.record("pin_failed", kiosk_id=g.kiosk.id, staff=None)
        db.session.commit()
        return _pin_screen(error="pin", status=422)
    audit.record("pin_ok", kiosk_id=g.kiosk.id, staff=staff)
    db.session.commit()
    session["staff_menu"] = {"kiosk": g.kiosk.id, "staff": staff.id,
                             "until": time.time() + MENU_SECONDS}
    return redirect(url_for("participant.staff_menu"), code=303)


@bp.post("/staff-menu/reset")
def staff_menu_reset():
    staff = _menu_staff()
    if staff is None:
        abort(403)
    ended = visits.reset_kiosk(g.kiosk.id)
    audit.record("reset_kiosk", kiosk_id=g.kiosk.id, staff=staff,
                 detail=f"di kiosk dengan PIN; {ended} kunjungan diakhiri")
    db.session.commit()
    session.pop("staff_menu", None)
    return go("welcome")


@bp.post("/staff-menu/close")
def staff_menu_close():
    session.pop("staff_menu", None)
    return go("welcome" if g.get("kiosk_session") is None else g.kiosk_session.step)
