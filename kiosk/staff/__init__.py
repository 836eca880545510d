"""The staff console: sign-in, the live board, help requests, resets, claim decisions, reports.

Written in Indonesian for the branch's staff (no participant ever sees it). Every route but the
sign-in needs a signed-in staff member; supervisor-only routes say so with @supervisor_only. The
checks live in one before_request (kiosk.staff.auth), so no route can forget them, and a test
walks the URL map to prove it.
"""
from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from kiosk.staff import auth, board, claims_review, reports, audit  # noqa: E402,F401
