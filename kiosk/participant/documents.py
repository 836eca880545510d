"""Documents: which papers this reason needs, which the participant has, and a photo of each.

Sub-states: (none) choose the papers you brought -> camera (hold one up; kiosk/paper finds the
page and says what to do) -> check ("Is this readable?") -> the next paper. A paper the participant
cannot show (no camera, no script, "I cannot show it") counts as not brought: the claim can still
be sent, and staff finish it (documents_missing). The straightened photos are attached to the claim
for staff (kiosk/captures.py); a visit that ends without a claim takes them with it.
"""
from __future__ import annotations

from flask import abort, g, jsonify, make_response, request, url_for
from flask_babel import gettext as _

from kiosk import captures, visits
from kiosk.biometrics import CAMERA_MAX_SIDE, Steady, decode_jpeg
from kiosk.extensions import db, limiter
from kiosk.paper import PageAdvice, encode_jpeg, find_page, straighten
from kiosk.participant import bp
from kiosk.participant.claim import identification_step, participant, picture
from kiosk.participant.journey import advance, back_within, go, needs_session, show, skip_when
from kiosk.participant.voice import cue_voice
from kiosk.security import read_body
from kiosk.voice.prompts import PAPER_ADVICE

FRAME_MAX_BYTES = 2_000_000
# Why a paper was not photographed: the participant said so, or the camera (camera.js) failed.
SKIP_PROBLEMS = ("skipped", "missing", "refused", "unplugged", "error")



def page_words(code: str) -> str:
    """The paper advice as shown and spoken (codes: kiosk.paper.PageAdvice)."""
    return _(PAPER_ADVICE[code])


def _advice_body(code: str, progress: float = 0.0) -> dict:
    return {"state": "camera", "advice": str(code), "text": page_words(code),
            "voice": cue_voice("paper-advice", str(code)), "progress": progress}


@skip_when("documents")
def _no_papers_needed(row) -> bool:
    """Reasons that need no paper beyond the identity cards skip this screen."""
    record = participant()
    claim = picture(record) if record else None
    return claim is not None and not claim.documents_needed


@back_within("documents")
def _back_to_choosing(row) -> bool:
    """Back from a paper's camera or check returns to the list of papers."""
    if "paper" not in row.data:
        return False
    _forget_paper(row)
    return True


def _forget_paper(row) -> None:
    paper = row.data.pop("paper")
    captures.forget(row.id, captures.DOCUMENT, paper["doc"])


def _photographed(row) -> list[str]:
    return list(row.data.get("documents_photographed", []))


def _next_paper(row, claim):
    """Open the camera for the next paper brought and not yet photographed, or finish."""
    have = list(row.data.get("documents", []))
    waiting = [d for d in claim.documents_needed if d in have and d not in _photographed(row)]
    if waiting:
        row.data["paper"] = {"doc": waiting[0], "phase": "camera",
                             "steady": Steady(good=(PageAdvice.GOOD,), lost=PageAdvice.NO_PAGE).to_dict(), "best": None}
        db.session.commit()
        return go("documents")
    missing = len(claim.documents_needed) - len(have)
    return advance(row, "documents", "documents_missing" if missing else "documents_all")


def _claim_or_redirect():
    row = g.kiosk_session
    record = participant()
    claim = picture(record) if record else None
    if claim is None or "phone" not in row.data:  # the amount screen confirms the phone
        return None, go(identification_step() if record is None else "amount")
    if not claim.documents_needed:
        return None, go("review")
    return claim, None


@bp.route("/documents", methods=["GET", "POST"])
@needs_session
def documents():
    row = g.kiosk_session
    claim, elsewhere = _claim_or_redirect()
    if elsewhere:
        return elsewhere
    paper = row.data.get("paper")
    if paper:
        advice = paper.get("advice") or PageAdvice.NO_PAGE
        return show("participant/documents.html", "documents", state=paper["phase"], claim=claim,
                    paper=paper, advice=advice, advice_text=page_words(advice))
    have = list(row.data.get("documents", []))
    if request.method == "POST":
        doc = request.form.get("toggle")
        if doc in claim.documents_needed:
            have = [d for d in have if d != doc] if doc in have else have + [doc]
            row.data["documents"] = have
            row.data["documents_photographed"] = [d for d in _photographed(row) if d in have]
        elif request.form.get("done"):
            row.data["documents"] = have
            return _next_paper(row, claim)
    return show("participant/documents.html", "documents", claim=claim, have=have)


@bp.post("/documents/frame")
@needs_session
@limiter.limit("600 per minute")
def documents_frame():
    """One camera frame of the paper: the advice, and the straightened page once it is steady."""
    row = g.kiosk_session
    paper = dict(row.data.get("paper") or {})
    if paper.get("phase") != "camera":
        return jsonify({"state": paper.get("phase", "choose"), "next": url_for("participant.documents")})
    frame = decode_jpeg(read_body(FRAME_MAX_BYTES), largest=CAMERA_MAX_SIDE)
    if frame is None:
        return jsonify(_advice_body(PageAdvice.NO_PAGE)), 400
    report = find_page(frame)
    steady = Steady.from_dict(paper["steady"])
    shown, progress, ready = steady.update(report.advice)
    paper["steady"] = steady.to_dict()
    if paper.get("advice") != str(shown):
        paper["advice"] = str(shown)
        visits.record_event(row, "documents", f"advice_{shown}")
    if report.advice == PageAdvice.GOOD and (paper["best"] is None
                                             or report.quality > paper["best"]):
        captures.keep(row.id, captures.DOCUMENT, encode_jpeg(straighten(frame, report)),
                      report.quality, document=paper["doc"])
        paper["best"] = report.quality
    body = _advice_body(shown, round(progress, 2))
    if ready and paper["best"] is not None:
        paper["phase"] = "check"
        visits.record_event(row, "documents", "page_kept")
        body.update(state="check", next=url_for("participant.documents"))
    row.data["paper"] = paper
    db.session.commit()
    return jsonify(body)


@bp.get("/documents/photo")
@needs_session
def documents_photo():
    """The straightened page this visit kept, shown back big to the participant who held it."""
    row = g.kiosk_session
    paper = row.data.get("paper") or {}
    kept = captures.kept(row.id, captures.DOCUMENT, paper.get("doc")) if paper else None
    if kept is None:
        abort(404)
    response = make_response(kept.image)
    response.headers["Content-Type"] = "image/jpeg"
    return response


@bp.post("/documents/check")
@needs_session
def documents_check():
    """Is the photo readable? Yes keeps it for staff; Take again opens the camera again."""
    row = g.kiosk_session
    claim, elsewhere = _claim_or_redirect()
    if elsewhere:
        return elsewhere
    paper = row.data.get("paper")
    if not paper or paper["phase"] != "check":
        return go("documents")
    if request.form.get("answer") == "yes":
        row.data["documents_photographed"] = _photographed(row) + [paper["doc"]]
        row.data.pop("paper")
        visits.record_event(row, "documents", "page_readable")
        return _next_paper(row, claim)
    captures.forget(row.id, captures.DOCUMENT, paper["doc"])
    row.data["paper"] = {**paper, "phase": "camera", "advice": None, "best": None,
                         "steady": Steady(good=(PageAdvice.GOOD,), lost=PageAdvice.NO_PAGE).to_dict()}
    visits.record_event(row, "documents", "page_again")
    db.session.commit()
    return go("documents")


@bp.post("/documents/skip")
@needs_session
def documents_skip():
    """The participant cannot show this paper (or the camera failed): staff will see it."""
    row = g.kiosk_session
    claim, elsewhere = _claim_or_redirect()
    if elsewhere:
        return elsewhere
    paper = row.data.get("paper")
    if paper:
        _forget_paper(row)
        row.data["documents"] = [d for d in row.data.get("documents", []) if d != paper["doc"]]
        problem = request.form.get("problem", "skipped")
        problem = problem if problem in SKIP_PROBLEMS else "skipped"
        visits.record_event(row, "documents", f"page_{problem}")
    return _next_paper(row, claim)
