"""What the camera keeps, and for how long (ARCHITECTURE.md, Camera and biometrics).

Frames are analysed in memory and forgotten. Two kinds of image are kept:
- the best selfie frame of a visit, until the visit ends (RETENTION_SELFIE_HOURS = 0) or for that
  many hours after it;
- the papers a participant holds up, attached to the claim for staff when the claim is saved;
  a paper of a visit that ends without a claim is deleted with the visit.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from kiosk.extensions import db
from kiosk.models import Capture, Claim, utcnow

SELFIE = "selfie"
DOCUMENT = "document"


def kept(session_id: str, kind: str, document: str | None = None) -> Capture | None:
    """Return the image this visit kept of this kind (and paper), or None."""
    return db.session.scalar(select(Capture).where(
        Capture.session_id == session_id, Capture.kind == kind, Capture.document == document,
        Capture.claim_id.is_(None)))


def keep(session_id: str, kind: str, image: bytes, quality: float,
         document: str | None = None) -> Capture:
    """Keep `image` as this visit's capture of this kind, replacing the one kept before."""
    row = kept(session_id, kind, document)
    if row is None:
        row = Capture(session_id=session_id, kind=kind, document=document, image=image,
                      quality=quality)
        db.session.add(row)
    else:
        row.image, row.quality, row.created_at = image, quality, utcnow()
    return row


def forget(session_id: str, kind: str, document: str | None = None) -> None:
    """Delete this visit's unsubmitted capture of this kind (a retake, a finished selfie)."""
    db.session.execute(delete(Capture).where(
        Capture.session_id == session_id, Capture.kind == kind, Capture.document == document,
        Capture.claim_id.is_(None)))


def attach_documents(session_id: str, claim_number: str) -> int:
    """Attach the visit's papers to its saved claim for staff; return how many."""
    claim_id = db.session.scalar(select(Claim.id).where(Claim.number == claim_number))
    result = db.session.execute(update(Capture).where(
        Capture.session_id == session_id, Capture.kind == DOCUMENT,
        Capture.claim_id.is_(None)).values(claim_id=claim_id))
    return result.rowcount or 0


def end_visits(session_ids: Iterable[str]) -> None:
    """Apply the retention rules to what the ending visits kept (call before deleting them)."""
    ids = list(session_ids)
    if ids:
        # Not flushing the visit's own pending changes first: a second tap on Start over may
        # find its visit already deleted by the first, and must not fail on updating it.
        with db.session.no_autoflush:
            _end_visits(ids)


def _end_visits(ids: list[str]) -> None:
    hours = current_app.config["RETENTION_SELFIE_HOURS"]
    selfies = (Capture.session_id.in_(ids)) & (Capture.kind == SELFIE)
    if hours == 0:
        db.session.execute(delete(Capture).where(selfies))
    else:
        db.session.execute(update(Capture).where(selfies).values(
            session_id=None, delete_after=utcnow() + timedelta(hours=hours)))
    # Papers of a visit that saved no claim go with the visit.
    db.session.execute(delete(Capture).where(
        Capture.session_id.in_(ids), Capture.kind == DOCUMENT, Capture.claim_id.is_(None)))
    db.session.execute(update(Capture).where(Capture.session_id.in_(ids)).values(
        session_id=None))


def purge() -> int:
    """Delete kept selfies whose time is up; return how many (`flask retention purge`)."""
    result = db.session.execute(delete(Capture).where(
        Capture.delete_after.is_not(None), Capture.delete_after <= utcnow()))
    return result.rowcount or 0
