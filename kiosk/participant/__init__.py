"""The participant's claim journey: one module per step, one template per step."""
from flask import Blueprint, g

bp = Blueprint("participant", __name__)


@bp.before_request
def _registered_kiosks_only():
    """Serve the journey only to a registered kiosk (or localhost in the one-box shape)."""
    if g.get("kiosk") is None:
        from kiosk.errors import error_page

        return error_page("unregistered", 403)

from kiosk.participant import (  # noqa: E402,F401
    amount,
    balance,
    bank,
    birth_date,
    documents,
    identify,
    kiosk_staff,
    phone,
    practice,
    reason,
    receipt,
    review,
    selfie,
    status,
    side,
    voice,
    survey,
    welcome,
)
