"""Benchmark of the kiosk's voice: time to first audio, the full cache, `voice build`.

    .venv/bin/python bench/voice.py [--repeat 20] [--skip-build]

In one run, against the real app (pyttsx3 + espeak-ng, a fresh VOICE_DIR in a temporary folder):
- `voice build`: wall time and the size of the full cache (every static prompt, 4 languages,
  2 speeds);
- time to the first byte of audio as the kiosk browser asks for it (GET /voice/<key>.wav through
  the WSGI app, in process): a cached static prompt, and a first-time dynamic prompt (the balance
  screen with a new amount each time, so each one is synthesised), p50/p95 and their ratio.
Needs espeak-ng.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from kiosk import create_app  # noqa: E402
from kiosk.config import config_for_tests  # noqa: E402
from kiosk.extensions import db  # noqa: E402
from kiosk.models import Participant  # noqa: E402
from kiosk.participant.voice import screen_voice  # noqa: E402
from tests.helpers import identify, load_demo, person, staff_accepts  # noqa: E402
from tests.helpers import start as start_visit  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def first_byte(client, src: str) -> float:
    """Seconds until the first chunk of the audio response is in hand."""
    start = time.perf_counter()
    response = client.get(src, buffered=False)
    next(iter(response.response))
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    response.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--skip-build", action="store_true",
                        help="build only the prompts the timing needs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        app = create_app(config_for_tests(root, f"sqlite:///{root / 'kiosk.db'}",
                                          SPEECH="pyttsx3", VOICE_DIR=str(root / "voice")))
        with app.app_context():
            upgrade()
        voice = app.extensions["voice"]
        if not args.skip_build:
            start = time.perf_counter()
            result = app.test_cli_runner().invoke(args=["voice", "build"])
            build_seconds = time.perf_counter() - start
            assert result.exit_code == 0, result.output
            count, size = voice.cache.count(), voice.cache.size_bytes()
            with app.app_context():
                texts = list(voice.static_prompts())
            chars = sum(len(text) for _, text in texts)
            print(f"voice build: {count} files ({len(texts)} texts x 2 speeds, {chars} "
                  f"characters) in {build_seconds:.1f} s = {1000 * build_seconds / count:.0f} "
                  f"ms a file; cache {size / 1e6:.1f} MB ({size / count / 1e3:.0f} kB a file)")

        client = app.test_client()
        with app.test_request_context():
            static_src = screen_voice("identify")["src"]
        if args.skip_build:
            first_byte(client, static_src)  # build the one static prompt timed below
        cached = [first_byte(client, static_src) for _ in range(args.repeat)]

        # A participant on the balance screen, the balance changed before each visit to it so
        # that every request is a prompt never synthesised before.
        load_demo(app)
        age56 = person("age56")
        start_visit(client)
        identify(client, age56.kpj, age56.birth_date)
        staff_accepts(app)
        client.get("/selfie/wait")
        dynamic = []
        for i in range(args.repeat):
            with app.app_context():
                record = db.session.scalar(select(Participant).filter_by(kpj=age56.kpj))
                record.balance = 12_345_678 + 1_001 * i
                db.session.commit()
            page = client.get("/balance").get_data(as_text=True)
            src = re.search(r'<main.*?<audio[^>]*\bsrc="([^"]+)"', page, re.S).group(1)
            dynamic.append(first_byte(client, src))

    print(f"\ntime to first audio, {args.repeat} requests each     p50 ms   p95 ms")
    print(f"cached static prompt (identify)             {1000 * statistics.median(cached):7.2f}  "
          f"{1000 * percentile(cached, 0.95):7.2f}")
    print(f"first-time dynamic prompt (balance, synth)  {1000 * statistics.median(dynamic):7.1f}  "
          f"{1000 * percentile(dynamic, 0.95):7.1f}")
    print(f"ratio dynamic / cached (p50): {statistics.median(dynamic) / statistics.median(cached):.0f}x")


if __name__ == "__main__":
    main()
