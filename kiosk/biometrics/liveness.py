"""The head-turn challenge, judged over the whole sequence of frames.

A real head turns in depth: with dlib's 5 landmarks the nose moves sideways relative to the eyes
(the yaw ratio of face.pose changes), while a flat photo held up and swung keeps the ratio, because
the photo is a plane. People hold their heads differently (frontal ratios from -0.08 to 0.13 on
the fixture selfies), so the change is judged from the participant's own frontal frames (the
baseline).

One turned frame is not enough: two still pictures would do (a photo, then its mirror image, whose
ratio has the opposite sign; or someone else's turned face). So the turn must be one continuous
movement of one face:
- the same face throughout: from one frame to the next the eyes keep their size, place and tilt
  (within what a moving head does), and the first turned frame's embedding is compared with the
  kept frame's (the view computes the distance; SAME_FACE_BELOW decides);
- gradual: on the way out the ratio changes by at most MAX_STEP a frame, at least MIN_BETWEEN
  frames lie between facing the screen and turned, and it never flips to the other side;
- in a plausible time: from leaving the baseline to facing the screen again between
  MIN_TURN_SECONDS and MAX_TURN_SECONDS, by the server's clock.
A jump, a flip or another face fails the try. A lost face, or a turn reached with no frame between,
only restarts the turn (a real face may leave the detector's view when turned far; a quick turn
may fall between two frames of a slow kiosk), which must then start again from the screen.

Measured on the five fixture portraits (tests/facekit.py; README, The camera): the synthetic slow
turn moves the ratio by at most 0.05-0.07 a frame and 0.21-0.28 in all; a flat photo swung up to
35 degrees by 0.04-0.11; a mirror image jumps it by 0.03-0.27 in one frame and turns the eye
line's tilt by 2-25 degrees; the first turned frame is 0.15-0.34 from the kept frame's embedding,
another person lined up on the participant's eyes 0.81-0.94.
"""
from __future__ import annotations

import math

import numpy as np

from kiosk.biometrics.face import pose

TURN = 0.15  # change from the baseline that counts as a turn
BACK = 0.06  # within this of the baseline counts as facing the screen
MAX_STEP = 0.15  # largest change a frame on the way out (~17 degrees of a head turn)
MIN_BETWEEN = 1  # frames on the way out between facing the screen and turned
# From one frame to the next: eye distance ratio, eye midpoint shift (in eye distances), tilt.
MAX_SCALE_STEP = 1.25
MAX_SHIFT = 0.5
MAX_ROLL_STEP = 10.0
SAME_FACE_BELOW = 0.6  # dlib's published operating point for "the same person"
MIN_TURN_SECONDS = 0.5
MAX_TURN_SECONDS = 10.0
MAX_FRAMES = 60  # about 15 s at four frames a second
MAX_SECONDS = 30.0

DONE = ("passed", "failed")


def geometry(report) -> list[float] | None:
    """Yaw ratio, roll, eye distance and eye midpoint of a frame's face, or None without one."""
    points = getattr(report, "landmarks", None)
    if points is None or getattr(report, "faces", 1) > 1:
        return None
    points = np.asarray(points, dtype=np.float64)
    yaw, roll = pose(points)
    eye_a, eye_b = points[0:2].mean(axis=0), points[2:4].mean(axis=0)
    middle = (eye_a + eye_b) / 2
    return [round(v, 4) for v in (yaw, roll, float(np.linalg.norm(eye_b - eye_a)), *middle)]


def jumped(before: list[float], after: list[float]) -> bool:
    """Whether the face moved between two frames more than one moving head does."""
    distance = max(before[2], 1.0)
    return (not 1 / MAX_SCALE_STEP <= after[2] / distance <= MAX_SCALE_STEP
            or math.dist(before[3:5], after[3:5]) / distance > MAX_SHIFT
            or abs(after[1] - before[1]) > MAX_ROLL_STEP)


class HeadTurn:
    """waiting -> turning -> turned -> passed, or failed with a reason.

    Reasons: timeout (no turn in MAX_FRAMES or MAX_SECONDS), jump (the face or its angle moved at
    once), flip (the angle changed sides), other_face (the turned face is not the kept one),
    fast / slow (the turn took less than MIN_TURN_SECONDS or more than MAX_TURN_SECONDS).
    Plain values only, so the state can wait in the visit's JSON column between frames.
    """

    def __init__(self, baseline: float, status: str = "waiting", frames: int = 0,
                 peak: float = 0.0, max_frames: int = MAX_FRAMES, reason: str | None = None,
                 last: list[float] | None = None, side: int = 0, between: int = 0,
                 began: float | None = None, left_at: float | None = None,
                 checked: bool = False) -> None:
        self.baseline, self.status, self.frames = baseline, status, frames
        self.peak, self.max_frames, self.reason = peak, max_frames, reason
        self.last, self.side, self.between = last, side, between
        self.began, self.left_at, self.checked = began, left_at, checked

    @property
    def needs_face_check(self) -> bool:
        """Turned, and the turned face not yet compared with the kept one (see same_face)."""
        return self.status == "turned" and not self.checked

    def update(self, report, now: float) -> str:
        """Take one frame's report at `now` (seconds, the server's clock); return the status."""
        if self.status in DONE:
            return self.status
        self.frames += 1
        self.began = now if self.began is None else self.began
        shape, before = geometry(report), self.last
        self.last = shape
        if shape is None:
            self._restart()
        elif before is not None and jumped(before, shape):
            self._fail("jump")
        else:
            self._follow(shape[0] - self.baseline, None if before is None
                         else before[0] - self.baseline, now)
        if self.status not in DONE and (self.frames >= self.max_frames
                                        or now - self.began > MAX_SECONDS):
            self._fail("timeout")
        return self.status

    def same_face(self, distance: float | None) -> str:
        """Take the embedding distance of the first turned frame from the kept frame."""
        if self.needs_face_check:
            if distance is None or distance >= SAME_FACE_BELOW:
                self._fail("other_face")
            else:
                self.checked = True
        return self.status

    def _follow(self, change: float, before: float | None, now: float) -> None:
        size = abs(change)
        self.peak = max(self.peak, size)
        if self.status == "waiting":
            if size > BACK and before is not None and abs(before) <= BACK:
                self.status, self.side, self.between, self.left_at = (
                    "turning", 1 if change > 0 else -1, 0, now)
            else:
                return  # a turn starts from the screen, seen in the frame before
        if change * self.side < -BACK:
            return self._fail("flip")
        if before is not None and size > abs(before) and size - abs(before) > MAX_STEP:
            return self._fail("jump")
        if now - self.left_at > MAX_TURN_SECONDS:
            return self._fail("slow")
        if self.status == "turning":
            if size >= TURN:
                if self.between < MIN_BETWEEN:
                    # Turned without being seen turning: too quick for the frame rate, or two
                    # pictures. Not a turn; it must be made again, from the screen.
                    return self._restart()
                self.status = "turned"
            elif size > BACK:
                self.between += 1
            else:
                self.status = "waiting"  # back before turning far enough: start again
        elif self.status == "turned" and size <= BACK:
            if not self.checked:
                return self._fail("other_face")
            if now - self.left_at < MIN_TURN_SECONDS:
                return self._fail("fast")
            self.status = "passed"

    def _restart(self) -> None:
        """Any turn under way must be made again, in view and from the screen."""
        if self.status in ("turning", "turned"):
            self.status, self.side, self.between, self.checked = "waiting", 0, 0, False

    def _fail(self, reason: str) -> None:
        self.status, self.reason = "failed", reason

    def to_dict(self) -> dict:
        return {"baseline": self.baseline, "status": self.status, "frames": self.frames,
                "peak": round(self.peak, 4), "max_frames": self.max_frames,
                "reason": self.reason, "last": self.last, "side": self.side,
                "between": self.between, "began": self.began, "left_at": self.left_at,
                "checked": self.checked}

    @classmethod
    def from_dict(cls, data: dict) -> HeadTurn:
        return cls(**data)
