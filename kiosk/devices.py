"""Which kiosk a browser is: a long-lived signed device cookie, or KIOSK_ID on localhost."""
from __future__ import annotations

import hashlib
import ipaddress
import secrets

from flask import Flask, current_app, g, redirect, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from kiosk.extensions import db
from kiosk.models import Kiosk, utcnow

DEVICE_COOKIE = "kiosk_device"
DEVICE_COOKIE_AGE = 5 * 365 * 24 * 3600


class KioskError(ValueError):
    """A kiosk cannot be added or found; the message says why in plain words."""


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="kiosk-device")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


def add_kiosk(kiosk_id: str, name: str, printer_url: str | None = None) -> tuple[Kiosk, str]:
    """Register a kiosk with the next free two-digit code; return it and a one-time token."""
    kiosk_id = kiosk_id.strip()
    if not kiosk_id or len(kiosk_id) > 20:
        raise KioskError("A kiosk ID must be 1 to 20 characters.")
    if db.session.get(Kiosk, kiosk_id) is not None:
        raise KioskError(f"Kiosk {kiosk_id} exists already.")
    if printer_url:
        printer_url = _checked_printer_url(printer_url)
    used = set(db.session.scalars(select(Kiosk.code)))
    free = [code for code in range(1, 100) if code not in used]
    if not free:
        raise KioskError("All 99 kiosk codes of this branch are in use.")
    token = secrets.token_urlsafe(24)
    kiosk = Kiosk(id=kiosk_id, code=free[0], name=name, printer_url=printer_url,
                  enrol_token_hash=_hash(token))
    db.session.add(kiosk)
    db.session.commit()
    return kiosk, token


def _checked_printer_url(url: str) -> str:
    """The URL as given, once hardware.printer can use it (usb:// only works in the one-box shape,
    where the printer is plugged into the machine that runs the app)."""
    from hardware.printer import parse_url

    try:
        parse_url(url)
    except ValueError as exc:
        raise KioskError(f"The printer URL is wrong: {exc}.") from None
    return url.strip()


def default_kiosk() -> Kiosk:
    """Return the one-box kiosk (KIOSK_ID), registering it on first use."""
    kiosk_id = current_app.config["KIOSK_ID"]
    kiosk = db.session.get(Kiosk, kiosk_id)
    if kiosk is None:
        next_code = (db.session.scalar(select(func.max(Kiosk.code))) or 0) + 1
        kiosk = Kiosk(id=kiosk_id, code=next_code, name=kiosk_id)
        db.session.add(kiosk)
        db.session.commit()
    return kiosk


def _load_kiosk() -> None:
    g.kiosk = None
    if request.endpoint == "static":
        return
    cookie = request.cookies.get(DEVICE_COOKIE)
    if cookie:
        try:
            g.kiosk = db.session.get(Kiosk, _serializer().loads(cookie))
        except BadSignature:
            g.kiosk = None
    if g.kiosk is None and _is_loopback(request.remote_addr):
        g.kiosk = default_kiosk()


def enrol(token: str):
    """Make this browser the kiosk whose one-time token this is."""
    kiosk = db.session.scalar(select(Kiosk).where(Kiosk.enrol_token_hash == _hash(token)))
    if kiosk is None:
        return "This enrolment link has been used or is wrong. Ask for a new one.", 404
    kiosk.enrol_token_hash = None
    kiosk.enrolled_at = utcnow()
    db.session.commit()
    response = redirect(url_for("participant.welcome"))
    response.set_cookie(DEVICE_COOKIE, _serializer().dumps(kiosk.id), max_age=DEVICE_COOKIE_AGE,
                        httponly=True, samesite="Strict", secure=request.is_secure)
    return response


def init_app(app: Flask) -> None:
    app.before_request(_load_kiosk)
    app.add_url_rule("/enrol/<token>", "enrol", enrol)
