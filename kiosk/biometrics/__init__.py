"""Pure camera analysis for the selfie step: no Flask, no database (ARCHITECTURE.md).

analyse(frame) -> FrameReport with one Advice code; Steady smooths the advice between frames;
HeadTurn is the liveness challenge over the sequence of frames; embed/reference_embedding/match
compare faces (to_bytes/from_bytes keep an embedding).
"""
from kiosk.biometrics.face import SOFT_ADVICE, Advice, FrameReport, analyse, decode_jpeg, pose
from kiosk.biometrics.jpeg import CAMERA_MAX_SIDE, jpeg_size
from kiosk.biometrics.liveness import HeadTurn
from kiosk.biometrics.match import (
    MatchResult,
    distance,
    embed,
    from_bytes,
    match,
    reference_embedding,
    to_bytes,
)
from kiosk.biometrics.steady import Steady

__all__ = ["CAMERA_MAX_SIDE", "SOFT_ADVICE", "Advice", "FrameReport", "HeadTurn", "MatchResult",
           "Steady", "analyse", "decode_jpeg", "distance", "embed", "from_bytes", "jpeg_size",
           "match", "pose", "reference_embedding", "to_bytes"]
