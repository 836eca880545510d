"""The welcome screen: choose a language, then one big Start."""
from flask import g, request

from kiosk import visits
from kiosk.i18n import DEFAULT_LANGUAGE, LANGUAGES
from kiosk.participant import bp
from kiosk.participant.identify import kiosk_resting, rest_with_staff
from kiosk.participant.journey import go, show


@bp.get("/")
def welcome():
    return show("participant/welcome.html", "welcome")


@bp.post("/start")
def start():
    row = g.kiosk_session
    # The visit a language choice began on this screen is kept; anything further along is a
    # previous person's, ended now.
    if row is None or row.step != "welcome" or row.participant_id is not None or row.data:
        language = request.form.get("language", DEFAULT_LANGUAGE)
        row = visits.start(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    if kiosk_resting(row.kiosk_id):
        return rest_with_staff(row)
    visits.move_to(row, "identify", "start")
    return go("identify")
