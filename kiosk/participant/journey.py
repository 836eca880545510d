"""The order of the steps, where each lives, and what every step view shares."""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, redirect, url_for

from kiosk import htmx
from kiosk.config import policy_from_config
from kiosk.extensions import db

# The steps a participant walks through, in order (CONTRACT.md); later issues insert theirs.
JOURNEY: tuple[str, ...] = ("identify", "birth-date", "balance")
ENDPOINTS: dict[str, str] = {
    "welcome": "participant.welcome",
    "identify": "participant.identify",
    "birth-date": "participant.birth_date",
    "balance": "participant.balance",
    "staff-coming": "participant.staff_coming",
}


def step_url(step: str) -> str:
    """Return the address of a step's screen."""
    return url_for(ENDPOINTS.get(step, "participant.welcome"))


def go(step: str):
    """Send the browser to a step's screen (htmx follows the redirect and swaps <main>)."""
    return redirect(step_url(step), code=303)


def previous_step(step: str) -> str:
    """Return the step before `step` in the journey, or welcome."""
    if step in JOURNEY and JOURNEY.index(step) > 0:
        return JOURNEY[JOURNEY.index(step) - 1]
    return "welcome"


def progress(step: str) -> dict | None:
    """Return {'current': n, 'total': m} for steps the progress indicator counts."""
    if step not in JOURNEY:
        return None
    return {"current": JOURNEY.index(step) + 1, "total": len(JOURNEY)}


def policy():
    """Return the claim rules' Policy for this deployment."""
    return policy_from_config(current_app.config)


def needs_session(view):
    """Send a browser with no visit in progress back to the welcome screen."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("kiosk_session") is None:
            return go("welcome")
        return view(*args, **kwargs)

    return wrapper


def show(template: str, step: str, state: str | None = None, status: int = 200, **context):
    """Render a participant screen and remember it as the visit's current step."""
    row = g.get("kiosk_session")
    if row is not None and row.step != step:
        row.step = step
    if g.get("kiosk") is not None:
        g.kiosk.current_step = step
    db.session.commit()
    return htmx.render(template, status=status, step=step, state=state,
                       progress=progress(step), **context)
