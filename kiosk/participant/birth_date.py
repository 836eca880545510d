"""Birth date: the day, then the month by name, then the year; then check the pair."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask import current_app, g, request

from kiosk import visits
from kiosk.clock import today
from kiosk.core import CoreError, get_core, record_to_json
from kiosk.extensions import db, limiter
from kiosk.i18n import month_name
from kiosk.jht import parse_participant_number
from kiosk.models import FailedIdentification
from kiosk.participant import bp, selfie
from kiosk.participant.identify import (
    identification_stopped,
    kiosk_failures_recent,
    rest_with_staff,
)
from kiosk.participant.journey import back_within, go, needs_session, policy, show
from kiosk.participant.keypad import apply_key, digits_only, whole_number

PARTS = ("day", "month", "year")
EARLIEST_YEAR = 1900
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def current_part(birth: dict) -> str:
    """Return the part of the date still to choose."""
    return next((part for part in PARTS if part not in birth), "year")


def _screen(birth: dict, error: str | None = None, year_entry: str = "", status: int = 200):
    part = current_part(birth)
    return show("participant/birth_date.html", "birth-date",
                state="error" if error else part, status=status, part=part, birth=birth,
                error=error, year_entry=year_entry,
                day_items=[{"value": d, "text": d} for d in range(1, 32)],
                month_items=[{"value": m, "text": month_name(m), "choice": m} for m in range(1, 13)])


@back_within("birth-date")
def _undo_part(row) -> bool:
    """Back within the date undoes the last part chosen."""
    birth = dict(row.data.get("birth", {}))
    if not birth:
        return False
    birth.pop(next(part for part in reversed(PARTS) if part in birth))
    row.data["birth"] = birth
    return True


def _parse_iso(raw: str) -> date | None:
    """Read YYYY-MM-DD in ASCII digits (fromisoformat also takes 19700101 and 1970-W01-4)."""
    if not ISO_DATE.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


@bp.route("/birth-date", methods=["GET", "POST"])
@needs_session
@limiter.limit("30 per minute", methods=["POST"])
def birth_date():
    row = g.kiosk_session
    if "number" not in row.data:
        return go("identify")
    if identification_stopped(row):
        return go("identify")
    birth = dict(row.data.get("birth", {}))
    if request.method == "GET":
        return _screen(birth)

    entry = read_date(request.form, birth)
    if entry.chosen is not None:
        return _check_pair(entry.chosen)
    row.data["birth"] = entry.birth
    if entry.error:
        return _screen(entry.birth, error=entry.error, year_entry=entry.year_entry, status=422)
    db.session.commit()
    return _screen(entry.birth, year_entry=entry.year_entry)


@dataclass(frozen=True)
class DateEntry:
    """One post of the date screens read: the parts so far, or the whole date, or an error."""

    birth: dict
    chosen: date | None = None
    error: str | None = None  # a BIRTH_DATE_ERRORS code
    year_entry: str = ""


def read_date(form, birth: dict) -> DateEntry:
    """Read a day, a month, the year (or `birth_date=YYYY-MM-DD`) posted after `birth`'s parts;
    `fix=day|month` takes a part chosen before back to be chosen again.

    Shared by identification and the claim status look-up.
    """
    fix = form.get("fix")
    if fix in ("day", "month") and fix in birth:  # a part tapped on the date so far: again
        return DateEntry({part: value for part, value in birth.items() if part != fix})
    if "birth_date" in form:  # what the keypad UI (and QA) posts: YYYY-MM-DD
        chosen = _parse_iso(form["birth_date"])
        if chosen is None or not EARLIEST_YEAR <= chosen.year <= today().year:
            return DateEntry({}, error="impossible_date")
        return DateEntry({}, chosen=chosen)
    day, month = whole_number(form.get("day"), 2), whole_number(form.get("month"), 2)
    # A part chosen again (after `fix`) keeps the others: the next part missing comes next.
    if day is not None and 1 <= day <= 31 and current_part(birth) == "day":
        return DateEntry({**birth, "day": day})
    if month is not None and 1 <= month <= 12 and "day" in birth:
        return DateEntry({**birth, "month": month})
    if current_part(birth) == "year" and "month" in birth:
        entry = digits_only(form.get("year", ""))
        if "key" in form:  # the keypad without script
            return DateEntry(birth, year_entry=apply_key(entry, form["key"], 4))
        if len(entry) != 4 or not EARLIEST_YEAR <= int(entry) <= today().year:
            return DateEntry(birth, error="year", year_entry=entry)
        try:
            return DateEntry({}, chosen=date(int(entry), birth["month"], birth["day"]))
        except ValueError:  # 31 April, 29 February in a common year
            return DateEntry({}, error="impossible_date")
    return DateEntry(birth)


class NoTryLeft(Exception):
    """No number-and-date pair may be checked now: `why` is "tries" (this visit) or "resting"."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def take_pair_try(row) -> FailedIdentification | None:
    """Take one try at a pair for the visit and the kiosk before it is checked; raise NoTryLeft.

    The try is taken before the pair is checked, for the visit and for the kiosk, so a burst of
    simultaneous posts can never check more pairs than the limits allow (kiosk.visits). The mark
    returned stays when the pair is wrong; give_back_pair_try when it matches. Identification and
    the claim status look-up share these tries.
    """
    if not visits.reserve_pair_try(row, current_app.config["IDENTIFY_TRIES"]):
        raise NoTryLeft("tries")
    if row.practice:
        return None  # a practice pair guesses nothing real: the kiosk's rest counts real ones
    mark = FailedIdentification(kiosk_id=row.kiosk_id)
    db.session.add(mark)
    db.session.commit()
    if kiosk_failures_recent(row.kiosk_id, before_id=mark.id) \
            >= current_app.config["IDENTIFY_KIOSK_FAILURES"]:
        give_back_pair_try(row, mark)
        raise NoTryLeft("resting")
    return mark


def give_back_pair_try(row, mark: FailedIdentification | None) -> None:
    """The pair matched (or was never checked): it was not a wrong one."""
    if mark is not None:
        db.session.delete(mark)
    visits.return_pair_try(row)


def _check_pair(chosen: date):
    """Let the participant in when number and date match; else one message that hides which."""
    row = g.kiosk_session
    row.data.pop("birth", None)
    try:
        mark = take_pair_try(row)
    except NoTryLeft as stop:
        # The identify screen offers staff, or rests and calls them.
        return go("identify") if stop.why == "tries" else rest_with_staff(row)
    number = parse_participant_number(row.data["number"], today(), policy())
    row.data.pop("core_away", None)
    try:
        record = get_core().find_participant(number, chosen)
    except CoreError:
        return core_away(row, mark)
    if record is not None and record.birth_date == chosen:
        give_back_pair_try(row, mark)
        if row.participant_id != record.id:
            row.data.pop("identity", None)
            row.data.pop("selfie", None)
        row.participant_id = record.id
        row.data["record"] = record_to_json(record)  # kiosk.participant.claim.participant
        visits.move_to(row, "selfie", "identified")
        selfie.prepare(row)
        return go("selfie")
    visits.move_to(row, "identify", "wrong_pair")
    row.data["pair_error"] = True
    return go("identify")


def core_away(row, mark: FailedIdentification | None):
    """The core cannot be asked now: no try is spent, staff are called, and the screen says why."""
    db.session.rollback()
    if mark is not None:
        db.session.delete(mark)
    visits.return_pair_try(row)
    visits.call_staff(row, "other", "birth-date")
    row.data["core_away"] = True
    row.data["return_step"] = "identify"
    visits.move_to(row, "staff-coming", "core_unavailable")
    db.session.commit()
    return go("staff-coming")
