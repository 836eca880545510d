"""Face match: dlib's 128-d ResNet embedding and the distance between two of them.

dlib publishes 0.6 as the operating point of this embedding (99.38% on LFW). The kiosk accepts
clearly below it and rejects clearly above it; between ACCEPT_BELOW and REJECT_ABOVE a person
decides (staff check the e-KTP). Measured on the fixture photographs and their webcam-like
variants (tests/facekit.py: placed small, turned, re-encoded as JPEG): one person in two different
photographs (obama, obama2) 0.356-0.397; the same photograph 0.04-0.25; different people
0.641-0.890, the closest pair two women (astronaut, grace_hopper) at 0.641-0.708, which the band
sends to staff rather than rejecting.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import cv2
import dlib
import numpy as np

from kiosk.biometrics import models
from kiosk.biometrics.face import FrameReport, detect_faces, landmarks

ACCEPT_BELOW = 0.50
REJECT_ABOVE = 0.65
REFERENCE_MAX_SIDE = 1024


@dataclass(frozen=True)
class MatchResult:
    distance: float
    decision: Literal["accepted", "uncertain", "rejected"]


def _descriptor(image: np.ndarray, rect) -> np.ndarray:
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    shape = landmarks(gray, rect)
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    with models.LOCK:
        return np.array(models.face_encoder().compute_face_descriptor(rgb, shape))


def embed(frame: np.ndarray, face: FrameReport | Sequence[int]) -> np.ndarray:
    """Return the embedding of the face a report found, or of the face in box x, y, w, h."""
    x, y, w, h = (int(v) for v in (face.face if isinstance(face, FrameReport) else face))
    return _descriptor(frame, dlib.rectangle(x, y, x + w, y + h))


def distance(embedding: np.ndarray, other: np.ndarray) -> float:
    """Return the distance between two embeddings (dlib's: Euclidean)."""
    return float(np.linalg.norm(np.asarray(embedding) - np.asarray(other)))


def to_bytes(embedding: np.ndarray) -> bytes:
    """Return an embedding as 128 little-endian float32s (512 bytes), to keep it."""
    return np.asarray(embedding, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    """Return the embedding kept by to_bytes."""
    return np.frombuffer(data, dtype="<f4").astype(np.float64)


def reference_embedding(image: np.ndarray) -> np.ndarray | None:
    """Return the embedding of the largest face in a reference photo, or None without a face."""
    longest = max(image.shape[:2])
    if longest > REFERENCE_MAX_SIDE:
        scale = REFERENCE_MAX_SIDE / longest
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    rects = detect_faces(gray, width=0, upsample=1)
    if not rects:
        return None
    return _descriptor(image, max(rects, key=lambda r: r.width() * r.height()))


def match(embedding: np.ndarray, reference: np.ndarray) -> MatchResult:
    """Compare a selfie's embedding with the reference photo's."""
    apart = distance(embedding, reference)
    if apart < ACCEPT_BELOW:
        return MatchResult(apart, "accepted")
    if apart > REJECT_ABOVE:
        return MatchResult(apart, "rejected")
    return MatchResult(apart, "uncertain")
