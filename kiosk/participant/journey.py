"""The order of the steps, where each lives, and what every step view shares."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app, g, redirect, request, url_for

from kiosk import htmx, visits
from kiosk.config import policy_from_config
from kiosk.extensions import db
from kiosk.participant.voice import screen_voice

# The steps the progress indicator counts, in order (CONTRACT.md); later issues insert theirs.
JOURNEY: tuple[str, ...] = ("identify", "birth-date", "selfie", "balance", "reason", "amount",
                            "bank", "phone", "documents", "review")
# What the progress indicator counts: the screens a participant sees. The balance is shown on
# the reason screen, the account and the phone on the amount screen (their steps still exist:
# an open claim has the balance screen; "Ganti rekening" and "Ganti nomor HP" lead to entry).
PROGRESS: tuple[str, ...] = ("identify", "birth-date", "selfie", "reason", "amount", "documents",
                             "review")
SHOWN_WITH: dict[str, str] = {"balance": "reason", "bank": "amount", "phone": "amount"}
# After the review the claim is saved: the receipt and the survey only go forward.
AFTER_SUBMIT: tuple[str, ...] = ("receipt", "survey")
ENDPOINTS: dict[str, str] = {
    "welcome": "participant.welcome",
    "identify": "participant.identify",
    "birth-date": "participant.birth_date",
    "selfie": "participant.selfie",
    "balance": "participant.balance",
    "reason": "participant.reason",
    "amount": "participant.amount",
    "bank": "participant.bank",
    "phone": "participant.phone",
    "documents": "participant.documents",
    "review": "participant.review",
    "receipt": "participant.receipt",
    "survey": "participant.survey",
    "staff-coming": "participant.staff_coming",
}


def step_url(step: str) -> str:
    """Return the address of a step's screen."""
    return url_for(ENDPOINTS.get(step, "participant.welcome"))


def go(step: str):
    """Save the visit and send the browser to a step's screen (htmx follows the redirect)."""
    db.session.commit()
    return redirect(step_url(step), code=303)


# Steps that have nothing to ask of some participants register when to pass them by.
SKIP_WHEN: dict[str, Callable[[object], bool]] = {}


def skip_when(step: str):
    """Register `func(row) -> bool`: True when `step` has nothing to ask of this visit."""

    def register(func):
        SKIP_WHEN[step] = func
        return func

    return register


def _skipped(row, step: str) -> bool:
    return step in SKIP_WHEN and SKIP_WHEN[step](row)


def next_step(row, step: str) -> str:
    """Return the step after `step`, or the review when the participant came from it to change."""
    if row.data.get("changing") and step in JOURNEY:
        row.data.pop("changing")
        return "review"
    order = JOURNEY + AFTER_SUBMIT
    target = order[order.index(step) + 1]
    while _skipped(row, target):
        target = order[order.index(target) + 1]
    return target


# Steps with screens inside them register how Back undoes their last choice; see side.back.
BACK_WITHIN: dict[str, Callable[[object], bool]] = {}


def back_within(step: str):
    """Register `func(row) -> bool` to undo a sub-step of `step`; False when none is left."""

    def register(func):
        BACK_WITHIN[step] = func
        return func

    return register


def advance(row, step: str, outcome: str = "next"):
    """Record the step done and send the participant to the next one (or back to the review)."""
    target = next_step(row, step)
    visits.move_to(row, target, outcome)
    record_shown_with(row, step, target)
    db.session.commit()
    return go(target)


def record_shown_with(row, step: str, target: str) -> None:
    """The balance passed by on the way to the reason screen, which shows it: a step event all
    the same, so the reports' funnel still sees who reached the balance."""
    order = JOURNEY + AFTER_SUBMIT
    if step in order and target in order \
            and order.index(step) < order.index("balance") <= order.index(target) \
            and target == SHOWN_WITH["balance"]:
        visits.record_event(row, "balance", "shown_on_reason")


def previous_step(row, step: str) -> str:
    """Return the step before `step` in the journey (passing skipped ones), or welcome."""
    while step in JOURNEY and JOURNEY.index(step) > 0:
        step = JOURNEY[JOURNEY.index(step) - 1]
        if not _skipped(row, step):
            return step
    return "welcome"


def progress(step: str) -> dict | None:
    """Return {'current': n, 'total': m} for steps the progress indicator counts."""
    step = SHOWN_WITH.get(step, step)
    if step not in PROGRESS:
        return None
    return {"current": PROGRESS.index(step) + 1, "total": len(PROGRESS)}


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
    """Render a participant screen; it only renders (steps change in kiosk.visits.move_to).

    The screen speaks `voice` (kiosk.participant.voice.screen_voice); by default the prompt of
    `step/part` or `step/state`, after the words for the `error` shown. A POST that shows a
    screen (an error, a keypad key without script) saves what it changed first.
    """
    coming = visits.staff_on_the_way(g.get("kiosk_session"))
    if coming and (step == "staff-coming" or state in ("staff", "resting")):
        # The news on a waiting screen is who is coming (the screen itself was said before).
        context["voice"] = screen_voice("staff-on-the-way", values={"name": coming})
    if context.get("voice") is None:
        sub = context.get("part") or (state if state != "error" else None)
        context["voice"] = screen_voice(step, sub, context.get("error"))
    if visits.is_practice(g.get("kiosk_session")):
        # Practice says the practice number; the demonstration says its own short words.
        from kiosk.participant.practice import practice_voice

        context["voice"] = practice_voice(g.kiosk_session, step, state, context["voice"])
    if request.method == "POST" or g.get("voice_registered"):
        db.session.commit()
    return htmx.render(template, status=status, step=step, state=state,
                       progress=progress(step), **context)
