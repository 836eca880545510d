"""Documents: which papers this reason needs, and which the participant has with them."""
from flask import g, request

from kiosk.participant import bp
from kiosk.participant.claim import participant, picture
from kiosk.participant.journey import advance, go, needs_session, show, skip_when


@skip_when("documents")
def _no_papers_needed(row) -> bool:
    """Reasons that need no paper beyond the identity cards skip this screen."""
    record = participant()
    claim = picture(record) if record else None
    return claim is not None and not claim.documents_needed


@bp.route("/documents", methods=["GET", "POST"])
@needs_session
def documents():
    row = g.kiosk_session
    record = participant()
    claim = picture(record) if record else None
    if claim is None or "phone" not in row.data:
        return go("identify" if record is None else "phone")
    if not claim.documents_needed:
        return go("review")
    have = list(row.data.get("documents", []))
    if request.method == "POST":
        doc = request.form.get("toggle")
        if doc in claim.documents_needed:
            have = [d for d in have if d != doc] if doc in have else have + [doc]
            row.data["documents"] = have
        elif request.form.get("done"):
            row.data["documents"] = have
            missing = len(claim.documents_needed) - len(
                [d for d in have if d in claim.documents_needed])
            return advance(row, "documents", "documents_missing" if missing else "documents_all")
    return show("participant/documents.html", "documents", claim=claim, have=have)
