"""Reference embeddings: each participant's reference photo is embedded once, then only compared.

Embedding a reference photo (finding the face at full size, then dlib's ResNet) takes about four
times as long as a whole match should; the match needs only the photo's 128 numbers. They are kept
in `reference_embedding`, keyed by the participant and the SHA-256 of the photo's bytes, so a
changed photo is embedded again and a photo taken away takes its embedding with it. The embedding
is as sensitive as the photo: the same retention (the participant's record) and the same access
(the kiosk's own database); it is never logged, never in a URL and never leaves the server.
"""
from __future__ import annotations

import hashlib

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kiosk.biometrics import decode_jpeg, from_bytes, reference_embedding, to_bytes
from kiosk.extensions import db
from kiosk.models import ReferenceEmbedding, utcnow

UPSERT = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def embedding(participant_id: int, photo: bytes | None) -> np.ndarray | None:
    """Return the embedding of this reference photo (or None), made and kept the first time."""
    if not photo:
        forget(participant_id)
        return None
    digest = hashlib.sha256(photo).hexdigest()
    kept = db.session.execute(select(ReferenceEmbedding.photo_sha256, ReferenceEmbedding.embedding)
                              .where(ReferenceEmbedding.participant_id == participant_id)).first()
    if kept is not None and kept.photo_sha256 == digest:
        return from_bytes(kept.embedding)
    image = decode_jpeg(photo)
    vector = reference_embedding(image) if image is not None else None
    if vector is None:
        forget(participant_id)
        return None
    data = to_bytes(vector)
    _keep(participant_id, digest, data)
    return from_bytes(data)  # as kept, so the first match and the next compare alike


def forget(participant_id: int) -> None:
    """Delete a participant's kept embedding (their photo is gone or has no face)."""
    db.session.execute(delete(ReferenceEmbedding).where(
        ReferenceEmbedding.participant_id == participant_id))


def _keep(participant_id: int, digest: str, data: bytes) -> None:
    # One statement that inserts or replaces: two processes matching one participant at once
    # (a retry on another worker) cannot collide on the key.
    values = {"photo_sha256": digest, "embedding": data, "created_at": utcnow()}
    insert = UPSERT[db.session.get_bind().dialect.name]
    db.session.execute(insert(ReferenceEmbedding).values(participant_id=participant_id, **values)
                       .on_conflict_do_update(index_elements=["participant_id"], set_=values))
