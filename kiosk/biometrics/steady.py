"""Advice that does not flicker, and progress while the picture stays good.

The state is a small dict of plain values so it can wait in the visit's JSON column between two
frames (several web processes may serve one kiosk).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping


class Steady:
    """Show a new advice code only after `switch` frames in a row agree; count good frames.

    `good` codes fill the progress; `need` good frames in a row (about a second at four frames a
    second) make the picture ready. One bad frame among good ones steps the count back rather than
    to zero (a blink should not restart the countdown); a lost face (`lost` code) does reset it.

    `shown` may start as a neutral code (what to do, not a verdict) that stays until a frame's
    code has held `switch` frames; `patience` asks more frames in a row of some codes before
    they are shown: a camera still starting, or a face lost for a moment, is not "no face".
    (With `patience` and no starting `shown`, the first frames may show nothing: None.)
    """

    def __init__(self, good: Iterable[str] = ("good",), need: int = 4, switch: int = 2,
                 lost: str = "no-face", shown: str | None = None, candidate: str | None = None,
                 run: int = 0, streak: int = 0, patience: Mapping[str, int] | None = None) -> None:
        self.good = tuple(str(code) for code in good)
        self.need, self.switch, self.lost = need, switch, str(lost)
        self.shown, self.candidate, self.run, self.streak = shown, candidate, run, streak
        self.patience = {str(code): int(n) for code, n in (patience or {}).items()}

    def update(self, code) -> tuple[str, float, bool]:
        """Take one frame's advice code; return (advice to show, progress 0..1, ready)."""
        code = str(getattr(code, "advice", code))
        if code == self.candidate:
            self.run += 1
        else:
            self.candidate, self.run = code, 1
        if self.shown is None:  # nothing shown yet: the first code at once, unless it must wait
            if self.run >= self.patience.get(self.candidate, 1):
                self.shown = self.candidate
        elif self.candidate != self.shown \
                and self.run >= self.patience.get(self.candidate, self.switch):
            self.shown = self.candidate
        if code in self.good:
            self.streak += 1
        elif code == self.lost:
            self.streak = 0
        else:
            self.streak = max(0, self.streak - 2)
        return self.shown, min(1.0, self.streak / self.need), self.streak >= self.need

    def to_dict(self) -> dict:
        return {"good": list(self.good), "need": self.need, "switch": self.switch,
                "lost": self.lost, "shown": self.shown, "candidate": self.candidate,
                "run": self.run, "streak": self.streak, "patience": dict(self.patience)}

    @classmethod
    def from_dict(cls, data: dict) -> Steady:
        return cls(**data)
