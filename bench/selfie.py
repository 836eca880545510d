"""Benchmark the selfie analysis: per-frame time at the sizes the kiosk uses against the naive
baseline (detection on the full frame with upsampling), in the same run on the same frames;
embedding and match time. Prints a table. Run: .venv/bin/python bench/selfie.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.biometrics import analyse, embed, match, reference_embedding  # noqa: E402
from kiosk.biometrics import face  # noqa: E402
from tests import facekit  # noqa: E402

ROUNDS = 5


def timed(work, items) -> list[float]:
    times = []
    for _ in range(ROUNDS):
        for item in items:
            start = time.perf_counter()
            work(item)
            times.append((time.perf_counter() - start) * 1000)
    return times


def naive(frame):
    """Full-resolution detection with upsampling (dlib's default use), then the same checks."""
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    return face.detect_faces(gray, width=0, upsample=1)


def p(values, q):
    return statistics.quantiles(values, n=100)[q - 1]


def main() -> None:
    frames = [facekit.selfie_frame(n) for n in facekit.PEOPLE]
    frames += [facekit.selfie_frame(n, 0.22) for n in facekit.PEOPLE]
    analyse(frames[0])  # load the models before timing
    reference = reference_embedding(facekit.load_face("obama2"))
    reports = [(f, analyse(f)) for f in frames]
    rows = [
        (f"analyse(), detection at {face.DETECT_WIDTH} px wide", timed(analyse, frames)),
        ("naive detection only: 640x480, upsample 1", timed(naive, frames)),
        ("embed() (128-d ResNet)", timed(lambda fr: embed(*fr), reports)),
        ("match() (distance)", timed(lambda fr: match(embed(*fr), reference), reports[:2])),
        ("reference_embedding() of a photo", timed(reference_embedding,
                                                   [facekit.load_face("obama2")])),
    ]
    print(f"{len(frames)} frames of 640x480, {ROUNDS} rounds, one process, this machine")
    print(f"{'what':48s} {'p50 ms':>8s} {'p95 ms':>8s}")
    for label, values in rows:
        print(f"{label:48s} {p(values, 50):8.1f} {p(values, 95):8.1f}")
    ratio = p(rows[1][1], 50) / p(rows[0][1], 50)
    print(f"naive detection alone / whole analyse(), p50: {ratio:.1f}x")


if __name__ == "__main__":
    main()
