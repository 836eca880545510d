"""The head-turn challenge: a real head turns, a photo held up and swung does not.

With dlib's 5 landmarks the nose moves sideways relative to the eyes when a head turns (the yaw
ratio of face.pose changes), while a flat photo rotated in front of the camera keeps the ratio,
because the photo is a plane. Measured on the fixture portraits (ARCHITECTURE.md and the test
data in tests/facekit.py): a synthetic turn of 0.30-0.45 eye distances changed the ratio by
0.15-0.25; a flat photo swung up to 35 degrees changed it by at most 0.03. People hold their heads
differently (frontal ratios from -0.21 to 0.06), so the change is judged from the participant's
own frontal frames (the baseline).
"""
from __future__ import annotations

TURN = 0.15  # change from the baseline that counts as a turn
BACK = 0.06  # within this of the baseline counts as facing the screen again
MAX_FRAMES = 60  # about 15 s at four frames a second


class HeadTurn:
    """waiting -> turned -> passed, or failed after MAX_FRAMES frames."""

    def __init__(self, baseline: float, status: str = "waiting", frames: int = 0,
                 peak: float = 0.0, max_frames: int = MAX_FRAMES) -> None:
        self.baseline, self.status, self.frames = baseline, status, frames
        self.peak, self.max_frames = peak, max_frames

    def update(self, report) -> str:
        """Take one frame's report (its yaw, None without a face); return the status."""
        if self.status in ("passed", "failed"):
            return self.status
        self.frames += 1
        yaw = getattr(report, "yaw", report)
        if yaw is not None:
            change = abs(yaw - self.baseline)
            self.peak = max(self.peak, change)
            if self.status == "waiting" and change >= TURN:
                self.status = "turned"
            elif self.status == "turned" and change <= BACK:
                self.status = "passed"
                return self.status
        if self.frames >= self.max_frames:
            self.status = "failed"
        return self.status

    def to_dict(self) -> dict:
        return {"baseline": self.baseline, "status": self.status, "frames": self.frames,
                "peak": round(self.peak, 4), "max_frames": self.max_frames}

    @classmethod
    def from_dict(cls, data: dict) -> HeadTurn:
        return cls(**data)
