"""Staff sign-in: argon2 password hashes, Flask-Login sessions that expire after 30 idle minutes
and rotate on sign-in, roles, and the one check in front of every staff route."""
from __future__ import annotations

import time
from datetime import timedelta
from functools import wraps

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, abort, g, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy import select

from kiosk import htmx
from kiosk.extensions import db, limiter
from kiosk.models import StaffMember, utcnow
from kiosk.staff import bp

ROLES = ("staff", "supervisor")
IDLE_MINUTES = 30
PUBLIC_ENDPOINTS = {"staff.login"}
SUPERVISOR_ENDPOINTS: set[str] = set()
# A poll is not the staff member doing something: it does not keep a session alive.
POLL_ENDPOINTS = {"staff.board_fragment"}
SIGN_IN_SECONDS = 0.35  # every answer to a sign-in takes at least this long, right or wrong

hasher = PasswordHasher()
login_manager = LoginManager()
_dummy_hash: list[str] = []


class StaffError(ValueError):
    """A staff account cannot be made or changed; the message says why."""


class StaffUser(UserMixin):
    """The signed-in staff member, as Flask-Login sees them."""

    def __init__(self, row: StaffMember) -> None:
        self.row = row
        self.id, self.username, self.role = row.id, row.username, row.role
        self.display_name = row.display_name

    def get_id(self) -> str:
        # The session version makes "disable" and "sign out" reach every session of this person.
        return f"{self.row.id}:{self.row.session_version}"

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


@login_manager.user_loader
def _load_user(user_id: str) -> StaffUser | None:
    try:
        row_id, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    row = db.session.get(StaffMember, row_id)
    if row is None or row.disabled or row.session_version != version:
        return None
    return StaffUser(row)


def current_staff() -> StaffUser | None:
    """The signed-in staff member, or None."""
    return current_user if current_user.is_authenticated else None


# --- accounts (the `staff` CLI) ------------------------------------------------------------------


def hash_secret(secret: str) -> str:
    return hasher.hash(secret)


def check_secret(stored: str | None, secret: str) -> bool:
    """Verify a password or PIN against its argon2 hash; False for anything else."""
    if not stored:
        return False
    try:
        return hasher.verify(stored, secret)
    except (VerificationError, InvalidHashError):
        return False


def add_staff(username: str, password: str, role: str, display_name: str | None = None
              ) -> StaffMember:
    username = username.strip().lower()
    if not username or len(username) > 50 or not username.replace(".", "").replace("_", "")\
            .isalnum() or not username.isascii():
        raise StaffError("A username is 1 to 50 letters, digits, dots or underscores.")
    if role not in ROLES:
        raise StaffError(f"The role must be one of: {', '.join(ROLES)}.")
    if len(password) < 10:
        raise StaffError("A password needs at least 10 characters.")
    if db.session.scalar(select(StaffMember).where(StaffMember.username == username)):
        raise StaffError(f"Staff member {username} exists already.")
    row = StaffMember(username=username, display_name=(display_name or username).strip()[:100],
                      role=role, password_hash=hash_secret(password))
    db.session.add(row)
    db.session.commit()
    return row


def find_staff(username: str) -> StaffMember:
    row = db.session.scalar(select(StaffMember).where(
        StaffMember.username == username.strip().lower()))
    if row is None:
        raise StaffError(f"There is no staff member {username}.")
    return row


def set_pin(username: str, pin: str) -> None:
    if not (pin.isascii() and pin.isdigit() and 6 <= len(pin) <= 8):
        raise StaffError("A PIN is 6 to 8 digits.")
    row = find_staff(username)
    for other in db.session.scalars(select(StaffMember).where(
            StaffMember.pin_hash.is_not(None), StaffMember.id != row.id)):
        if check_secret(other.pin_hash, pin):
            raise StaffError("Another staff member has this PIN; choose another.")
    row.pin_hash = hash_secret(pin)
    db.session.commit()


def disable(username: str) -> None:
    row = find_staff(username)
    row.disabled = True
    row.session_version += 1
    db.session.commit()


def staff_by_pin(pin: str) -> StaffMember | None:
    """The active staff member whose kiosk PIN this is, or None."""
    if not (pin.isascii() and pin.isdigit()):
        return None
    for row in db.session.scalars(select(StaffMember).where(
            StaffMember.pin_hash.is_not(None), StaffMember.disabled.is_(False))):
        if check_secret(row.pin_hash, pin):
            return row
    return None


# --- sign-in ------------------------------------------------------------------------------------


def _verify(username: str, password: str) -> StaffMember | None:
    """The staff member these credentials belong to, or None; an unknown name costs the same."""
    row = db.session.scalar(select(StaffMember).where(
        StaffMember.username == username.strip().lower()))
    if row is None or row.disabled:
        if not _dummy_hash:
            _dummy_hash.append(hash_secret("not a password of anyone"))
        check_secret(_dummy_hash[0], password)
        return None
    return row if check_secret(row.password_hash, password) else None


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    from kiosk.staff import audit

    if request.method == "GET":
        return htmx.render("staff/login.html", error=None, username="")
    began = time.monotonic()
    username = request.form.get("username", "")[:50]
    row = _verify(username, request.form.get("password", "")[:200])
    if row is None:
        audit.record("sign_in_failed", detail=f"username {username.strip()[:50]!r}",
                     staff=None)
        db.session.commit()
        time.sleep(max(0.0, SIGN_IN_SECONDS - (time.monotonic() - began)))
        return htmx.render("staff/login.html", status=401, username=username,
                           error="Nama pengguna atau kata sandi salah.")
    # A new session for a new sign-in: nothing of the one before (and no planted id) survives.
    session.clear()
    user = StaffUser(row)
    login_user(user, fresh=True)
    session["staff_seen"] = time.time()
    audit.record("sign_in", staff=user)
    db.session.commit()
    time.sleep(max(0.0, SIGN_IN_SECONDS - (time.monotonic() - began)))
    return redirect(url_for("staff.board"), code=303)


@bp.post("/logout")
def logout():
    from kiosk.staff import audit

    audit.record("sign_out")
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("staff.login"), code=303)


def supervisor_only(view):
    """Mark a view as the supervisors' (the check itself is in _guard)."""
    SUPERVISOR_ENDPOINTS.add(f"staff.{view.__name__}")

    @wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)

    return wrapper


@bp.before_request
def _guard():
    """Every staff route: a signed-in, active staff member, not idle, with the right role."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return _to_login()
    seen = session.get("staff_seen", 0)
    if time.time() - seen > timedelta(minutes=IDLE_MINUTES).total_seconds():
        logout_user()
        session.clear()
        return _to_login(expired=True)
    if request.endpoint not in POLL_ENDPOINTS:
        session["staff_seen"] = time.time()
    if request.endpoint in SUPERVISOR_ENDPOINTS and not current_user.is_supervisor:
        abort(403)
    g.staff_now = utcnow()
    return None


def _to_login(expired: bool = False):
    if request.method != "GET":
        abort(401)
    target = url_for("staff.login", expired=1) if expired else url_for("staff.login")
    if request.headers.get("HX-Request"):
        return "", 204, {"HX-Redirect": target}
    return redirect(target, code=303)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
