"""Which kiosk a browser is: a long-lived signed device cookie, or KIOSK_ID on localhost.

The cookie carries the kiosk's id and a random secret whose hash the kiosk row keeps, so
re-enrolling a kiosk (`kiosk enrol ID`) revokes the cookie of the browser enrolled before, and
knowing SECRET_KEY alone is not enough to make one.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets

from flask import Flask, current_app, g, redirect, request, url_for
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import func, select

from kiosk.extensions import db
from kiosk.models import Kiosk, utcnow

DEVICE_COOKIE = "kiosk_device"
DEVICE_COOKIE_AGE = 5 * 365 * 24 * 3600


class KioskError(ValueError):
    """A kiosk cannot be added or found; the message says why in plain words."""


def _serializer() -> URLSafeSerializer:
    # A new salt for the [id, secret] cookie: the old id-only cookies no longer even verify.
    return URLSafeSerializer(current_app.secret_key, salt="kiosk-device-secret")


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
    kiosk = Kiosk(id=kiosk_id, code=free[0], name=name, printer_url=printer_url)
    token = _new_enrolment(kiosk)
    db.session.add(kiosk)
    db.session.commit()
    return kiosk, token


def re_enrol(kiosk_id: str) -> tuple[Kiosk, str]:
    """Revoke a kiosk's device cookie now; return it and a new one-time enrolment token."""
    kiosk = db.session.get(Kiosk, kiosk_id.strip())
    if kiosk is None:
        raise KioskError(f"There is no kiosk {kiosk_id}.")
    kiosk.device_secret_hash = None
    kiosk.enrolled_at = None
    token = _new_enrolment(kiosk)
    db.session.commit()
    return kiosk, token


def _new_enrolment(kiosk: Kiosk) -> str:
    token = secrets.token_urlsafe(24)
    kiosk.enrol_token_hash = _hash(token)
    return token


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


def _kiosk_of(cookie: str) -> Kiosk | None:
    """Return the kiosk a device cookie names, if it carries that kiosk's current secret."""
    try:
        payload = _serializer().loads(cookie)
    except BadData:  # a wrong signature, or an old id-only cookie (another salt)
        return None
    if not (isinstance(payload, list) and len(payload) == 2
            and all(isinstance(part, str) for part in payload)):
        return None
    kiosk_id, secret = payload
    kiosk = db.session.get(Kiosk, kiosk_id)
    if kiosk is None or kiosk.device_secret_hash is None:
        return None
    return kiosk if hmac.compare_digest(kiosk.device_secret_hash, _hash(secret)) else None


def _load_kiosk() -> None:
    g.kiosk = None
    if request.endpoint in ("static", "favicon") or request.blueprint == "staff":
        return  # staff routes are never a kiosk's: they need a signed-in staff member instead
    cookie = request.cookies.get(DEVICE_COOKIE)
    if cookie:
        g.kiosk = _kiosk_of(cookie)
    if g.kiosk is None and _is_loopback(request.remote_addr):
        g.kiosk = default_kiosk()


def enrol(token: str):
    """Make this browser the kiosk whose one-time token this is."""
    kiosk = db.session.scalar(select(Kiosk).where(Kiosk.enrol_token_hash == _hash(token)))
    if kiosk is None:
        return "This enrolment link has been used or is wrong. Ask for a new one.", 404
    secret = secrets.token_urlsafe(32)
    kiosk.enrol_token_hash = None
    kiosk.device_secret_hash = _hash(secret)
    kiosk.enrolled_at = utcnow()
    db.session.commit()
    response = redirect(url_for("participant.welcome"))
    # SESSION_COOKIE_SECURE: behind a proxy that ends TLS, request.is_secure is False.
    secure = current_app.config.get("SESSION_COOKIE_SECURE", False) or request.is_secure
    response.set_cookie(DEVICE_COOKIE, _serializer().dumps([kiosk.id, secret]),
                        max_age=DEVICE_COOKIE_AGE, httponly=True, samesite="Strict", secure=secure)
    return response


def init_app(app: Flask) -> None:
    app.before_request(_load_kiosk)
    app.add_url_rule("/enrol/<token>", "enrol", enrol)
