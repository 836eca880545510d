"""Pure camera analysis for the selfie step: no Flask, no database (ARCHITECTURE.md).

analyse(frame) -> FrameReport with one Advice code; Steady smooths the advice between frames;
HeadTurn is the liveness challenge over the sequence of frames; embed/reference_embedding/match
compare faces (to_bytes/from_bytes keep an embedding).
"""
from kiosk.biometrics.face import SOFT_ADVICE, Advice, FrameReport, analyse, decode_jpeg, pose
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

__all__ = ["SOFT_ADVICE", "Advice", "FrameReport", "HeadTurn", "MatchResult", "Steady", "analyse",
           "decode_jpeg", "distance", "embed", "from_bytes", "match", "pose", "reference_embedding",
           "to_bytes"]
