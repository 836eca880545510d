"""Benchmark the selfie step: the analysis alone, and whole requests, in one run on one machine.

1. Per-frame analysis at the sizes the kiosk uses against the naive baseline (detection on the
   full frame with upsampling), embedding, match and reference-photo embedding alone.
2. Whole requests through the Flask test client (server time: no network, no browser) on a fresh
   SQLite database (the one-box shape) with the rate limiter on, as in production: JOURNEYS
   visits that open the camera, send frames at the camera's pace (camera.js: 250 ms after each
   answer) until the picture is steady, turn the head slowly, and match. Frames are the same
   portrait with small shifts and sensor noise, so the kept frame changes as with a webcam.
   POST /selfie/frame is reported for all frames, and apart: camera frames (all the checks),
   head-turn frames (the face and its angle only), the first frame of the first visit (it embeds
   the reference photo, kept for the later visits) and the one frame a try that checks the
   turned face against the kept one (two embeddings; the kept one then serves the match).

Each figure is wall time and, beside it, the CPU time of the thread that served the request
(time.thread_time): on a machine shared with other work the wall time grows with the load, the
CPU time much less; waiting for the disk (SQLite's commit) counts only in the wall time.

Run: .venv/bin/python bench/selfie.py [--journeys 3] [--rounds 5]
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from kiosk import create_app  # noqa: E402
from kiosk.biometrics import analyse, decode_jpeg, embed, match, reference_embedding  # noqa: E402
from kiosk.biometrics import face  # noqa: E402
from kiosk.config import config_for_tests  # noqa: E402
from kiosk.extensions import db  # noqa: E402
from kiosk.models import Participant  # noqa: E402
from tests import facekit  # noqa: E402
from tests.helpers import FIXTURES, identify, load_demo, person  # noqa: E402
from tests.helpers import start as start_visit  # noqa: E402

WHO = "age56"
CAMERA_PAUSE = 0.25  # camera.js INTERVAL_MS


class Clock:
    """Wall and thread CPU milliseconds of what runs inside `with`."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.thread_time()
        return self

    def __exit__(self, *exc):
        self.wall = (time.perf_counter() - self.wall) * 1000
        self.cpu = (time.thread_time() - self.cpu) * 1000


def timed(work, items, rounds: int) -> list[tuple[float, float]]:
    times = []
    for _ in range(rounds):
        for item in items:
            with Clock() as clock:
                work(item)
            times.append((clock.wall, clock.cpu))
    return times


def naive(frame):
    """Full-resolution detection with upsampling (dlib's default use), then the same checks."""
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    return face.detect_faces(gray, width=0, upsample=1)


def p(values, q):
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def webcam_frames(name: str, count: int = 8) -> list[bytes]:
    """The frontal portrait as a webcam sends it: small shifts and noise, JPEG-encoded."""
    random = np.random.default_rng(7)
    frames = []
    for _ in range(count):
        frame = facekit.selfie_frame(name, dx=random.uniform(-0.01, 0.01),
                                     dy=random.uniform(-0.01, 0.01))
        noise = random.normal(0, 3, frame.shape)
        frames.append(facekit.jpeg(np.clip(frame + noise, 0, 255).astype(np.uint8)))
    return frames


def _app(folder: Path):
    config = config_for_tests(folder, f"sqlite:///{folder / 'kiosk.db'}", RATELIMIT_ENABLED=True)
    app = create_app(config)
    with app.app_context():
        upgrade()
    load_demo(app)
    with app.app_context():
        row = db.session.scalar(select(Participant).where(Participant.kpj == person(WHO).kpj))
        row.photo_path = str(FIXTURES / "faces" / "obama2.jpg")
        db.session.commit()
    return app


def _post(client, url: str, data: bytes | None = None):
    with Clock() as clock:
        if data is None:
            response = client.post(url)
        else:
            response = client.post(url, data=data, content_type="image/jpeg")
    return (clock.wall, clock.cpu), response.get_json(silent=True)


def journeys(count: int) -> dict[str, list[tuple[float, float]]]:
    """Walk `count` visits through the selfie step; return request times by kind."""
    front = webcam_frames("obama")
    turn = [facekit.jpeg(f) for f in facekit.head_turn_frames("obama")]
    kinds = ("frame", "frame_camera", "frame_turn", "frame_reference", "frame_check", "start",
             "match")
    times: dict[str, list[tuple[float, float]]] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory() as folder:
        client = _app(Path(folder)).test_client()
        for visit in range(count):
            start_visit(client)
            identify(client, person(WHO).kpj, person(WHO).birth_date)
            elapsed, _ = _post(client, "/selfie/start")
            times["start"].append(elapsed)
            sent, state, progress, first = 0, "camera", 0.0, visit == 0
            while state != "matching":
                source = front if state == "camera" else turn
                elapsed, answer = _post(client, "/selfie/frame", source[sent % len(source)])
                sent = sent + 1 if state == answer["state"] else 0
                check = state == "liveness" and answer["progress"] == 0.5 and progress != 0.5
                times["frame"].append(elapsed)
                kind = ("frame_reference" if first else "frame_check" if check
                        else "frame_camera" if state == "camera" else "frame_turn")
                times[kind].append(elapsed)
                state, progress, first = answer["state"], answer["progress"], False
                assert state in ("camera", "liveness", "matching"), answer
                time.sleep(CAMERA_PAUSE)
            elapsed, _ = _post(client, "/selfie/match")
            times["match"].append(elapsed)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--journeys", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    logging.disable(logging.INFO)
    frames = [facekit.selfie_frame(n) for n in facekit.PEOPLE]
    frames += [facekit.selfie_frame(n, 0.22) for n in facekit.PEOPLE]
    analyse(frames[0])  # load the models before timing
    reference = reference_embedding(facekit.load_face("obama2"))
    reports = [(f, analyse(f)) for f in frames]
    webcam = [decode_jpeg(data) for data in webcam_frames("obama")]
    alone = [
        (f"analyse(), detection at {face.DETECT_WIDTH} px wide",
         timed(analyse, frames, args.rounds)),
        ("analyse() of the journeys' webcam frames", timed(analyse, webcam, args.rounds)),
        ("naive detection only: 640x480, upsample 1", timed(naive, frames, args.rounds)),
        ("embed() (128-d ResNet)", timed(lambda fr: embed(*fr), reports, args.rounds)),
        ("match() (distance)", timed(lambda fr: match(embed(*fr), reference), reports[:2],
                                     args.rounds)),
        ("reference_embedding() of a photo", timed(reference_embedding,
                                                   [facekit.load_face("obama2")], args.rounds)),
    ]
    requests = journeys(args.journeys)
    labels = {
        "frame": "POST /selfie/frame, every frame",
        "frame_camera": "  camera frames (advice, keeping the best)",
        "frame_turn": "  head-turn frames",
        "frame_reference": "  first frame: embeds the reference photo",
        "frame_check": "  the turned-face check (one frame a try)",
        "start": "POST /selfie/start (opens the camera)",
        "match": "POST /selfie/match",
    }
    print(f"{len(frames)} frames of 640x480, {args.rounds} rounds; {args.journeys} journeys "
          f"through the test client (SQLite, limiter on); one process, this machine")
    print(f"{'':52s} {'':>4s} {'wall ms':^26s} {'CPU ms':^17s}")
    print(f"{'what':52s} {'n':>4s} {'p50':>8s} {'p95':>8s} {'max':>8s} {'p50':>8s} {'p95':>8s}")
    for label, values in alone + [(labels[k], v) for k, v in requests.items() if v]:
        wall, cpu = [v[0] for v in values], [v[1] for v in values]
        print(f"{label:52s} {len(values):4d} {p(wall, 50):8.1f} {p(wall, 95):8.1f} "
              f"{max(wall):8.1f} {p(cpu, 50):8.1f} {p(cpu, 95):8.1f}")
    ratio = p([v[0] for v in alone[2][1]], 50) / p([v[0] for v in alone[0][1]], 50)
    print(f"naive detection alone / whole analyse(), wall p50: {ratio:.1f}x")


if __name__ == "__main__":
    main()
