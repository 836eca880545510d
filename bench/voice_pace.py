"""Every static prompt at both rates: is each file as long as its text at its rate should be?

    .venv/bin/python bench/voice_pace.py [--jobs 3] [--worker path/to/worker.py]

Synthesises every static prompt (4 languages) at the normal and the slow rate with the real
pyttsx3/espeak-ng worker, `--jobs` at a time in separate processes (more jobs than cores is the
load under which the rate used to be lost), then prints:
- the slow/normal duration ratio of each text's pair (min, max) and how many pairs
  `hardware.speech.rates_fit` refuses;
- each file's seconds over `expected_seconds` by voice (min, max) and how many files
  `duration_fits` refuses; the lowest RMS;
- a least-squares fit of seconds x rate / 150 = pause + per_char x characters by voice, the figures
  behind `PACE_AT_150`.
`--worker` runs another worker script instead of `hardware._speech_worker` (e.g. an old one, to
measure before a fix). Needs espeak-ng; takes a minute or two.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hardware.speech import (Pyttsx3Synthesizer, duration_fits, expected_seconds,  # noqa: E402
                             rates_fit, read_wav_info, wav_rms)
from kiosk import create_app  # noqa: E402
from kiosk.config import config_for_tests  # noqa: E402
from kiosk.voice import RATES, voice_for  # noqa: E402

_synth: Pyttsx3Synthesizer | None = None


def _start(worker: str | None) -> None:
    global _synth
    _synth = Pyttsx3Synthesizer(worker=[sys.executable, worker] if worker else None)


def _say(item: tuple[int, str, str, int, str]) -> tuple[str, str, int, float, float]:
    number, language, text, rate, folder = item
    out = Path(folder) / f"{number}-{rate}.wav"
    _synth.synthesize(text, voice_for(language), rate, out)
    return language, text, rate, read_wav_info(out).duration, wav_rms(out)


def static_prompts() -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        app = create_app(config_for_tests(root, f"sqlite:///{root / 'kiosk.db'}", SPEECH="tone",
                                          VOICE_DIR=str(root / "voice")))
        with app.app_context():
            return list(app.extensions["voice"].static_prompts())


def fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least squares y = a + b x."""
    mean_x = statistics.mean(x for x, _ in points)
    mean_y = statistics.mean(y for _, y in points)
    b = (sum((x - mean_x) * (y - mean_y) for x, y in points)
         / sum((x - mean_x) ** 2 for x, _ in points))
    return mean_y - b * mean_x, b


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=3)
    parser.add_argument("--worker", help="a worker script to run instead of the kiosk's")
    args = parser.parse_args()
    texts = static_prompts()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        items = [(number, language, text, rate, folder)
                 for number, (language, text) in enumerate(texts) for rate in RATES.values()]
        with ProcessPoolExecutor(args.jobs, initializer=_start, initargs=(args.worker,)) as pool:
            results = list(pool.map(_say, items, chunksize=4))
    elapsed = time.perf_counter() - start
    print(f"{len(results)} files ({len(texts)} texts x {len(RATES)} rates), {args.jobs} jobs, "
          f"{elapsed:.0f} s")

    seconds = {}
    for language, text, rate, duration, _ in results:
        seconds.setdefault((language, text), {})[rate] = duration
    normal, slow = RATES["normal"], RATES["slow"]
    ratios = sorted(pair[slow] / pair[normal] for pair in seconds.values())
    refused = sum(not rates_fit(pair) for pair in seconds.values())
    print(f"slow/normal: min {ratios[0]:.3f}, median {statistics.median(ratios):.3f}, max "
          f"{ratios[-1]:.3f} (rates {normal / slow:.3f}); {refused} of {len(ratios)} pairs "
          "refused by rates_fit")

    voices = sorted({voice_for(language) for language, *_ in results})
    for voice in voices:
        mine = [r for r in results if voice_for(r[0]) == voice]
        share = sorted(duration / expected_seconds(text, voice, rate)
                       for _, text, rate, duration, _ in mine)
        misfits = sum(not duration_fits(duration, text, voice, rate)
                      for _, text, rate, duration, _ in mine)
        print(f"{voice}: seconds / expected min {share[0]:.3f}, max {share[-1]:.3f}; {misfits} "
              f"of {len(mine)} files refused by duration_fits; lowest RMS "
              f"{min(r[4] for r in mine):.3f}")
        for rate in RATES.values():
            pause, per_char = fit([(len(text), duration * rate / 150)
                                   for _, text, r, duration, _ in mine if r == rate])
            print(f"    fit at {rate}: {pause:.3f} s + {per_char:.4f} s a character (at 150)")


if __name__ == "__main__":
    main()
