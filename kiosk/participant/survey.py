"""Survey: five faces, one tap, optional; then everything of this visit is wiped."""
from flask import g, request

from kiosk import visits
from kiosk.participant import bp
from kiosk.participant.journey import go, needs_session, show

SCORES = ("1", "2", "3", "4", "5")


@bp.route("/survey", methods=["GET", "POST"])
@needs_session
def survey():
    row = g.kiosk_session
    if "claim" not in row.data:
        return go("review")
    if request.method == "POST":
        score = request.form.get("score")
        visits.end(row, f"score_{score}" if score in SCORES else "skipped")
        return go("welcome")
    return show("participant/survey.html", "survey", scores=SCORES)
