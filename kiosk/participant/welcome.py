"""The welcome screen: choose a language, then one big Start."""
from flask import g, request

from kiosk import sessions
from kiosk.extensions import db
from kiosk.i18n import DEFAULT_LANGUAGE, LANGUAGES
from kiosk.participant import bp
from kiosk.participant.journey import go, show


@bp.get("/")
def welcome():
    return show("participant/welcome.html", "welcome")


@bp.post("/start")
def start():
    row = g.kiosk_session
    if row is None or row.step != "welcome":
        language = request.form.get("language", DEFAULT_LANGUAGE)
        row = sessions.start(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    sessions.move_to(row, "identify", "start")
    db.session.commit()
    return go("identify")
