"""Micro-benchmark of speech synthesis: time per prompt, worker overhead, WAV sizes and pace.

    .venv/bin/python bench/voice_synth.py [--repeat 5]

Prints, for each voice and rate: the wall time of one `Pyttsx3Synthesizer.synthesize` call (a
worker process each), the audio seconds per character and per word, and bytes per prompt; then
the worker overhead (process start + pyttsx3 init, measured with a one-word text and with an
empty Python) and the WAV format. Needs espeak-ng.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hardware.speech import Pyttsx3Synthesizer, read_wav_info  # noqa: E402
from kiosk.voice import RATES, VOICES  # noqa: E402

PROMPTS = {
    "id": [
        "Silakan tempelkan kartu identitas Anda pada pembaca di bawah layar.",
        "Tekan tombol hijau jika data Anda sudah benar dan lengkap.",
        "Uang Anda akan dikirim ke rekening bank dalam tiga hari kerja.",
        "Lihat ke kamera dan tunggu sampai lampu di atas layar menyala.",
        "Jumlah yang Anda terima dua belas juta tiga ratus ribu rupiah.",
    ],
    "en": [
        "Please place your identity card on the reader below the screen.",
        "Press the green button if your details are correct and complete.",
        "Your money will be sent to your bank account within three working days.",
        "Look at the camera and wait until the light above the screen turns on.",
        "The amount you receive is twelve million three hundred thousand rupiah.",
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    synth = Pyttsx3Synthesizer()
    sizes: list[int] = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.wav"
        print(f"{'lang':4} {'rate':>4} {'ms/call':>8} {'s/char':>7} {'s/word':>7} {'KB/prompt':>9}")
        for language, prompts in PROMPTS.items():
            for speed, rate in RATES.items():
                times, per_char, per_word, kb = [], [], [], []
                for text in prompts:
                    for _ in range(args.repeat):
                        start = time.perf_counter()
                        synth.synthesize(text, VOICES[language], rate, out)
                        times.append(time.perf_counter() - start)
                    info = read_wav_info(out)
                    per_char.append(info.duration / len(text))
                    per_word.append(info.duration / len(text.split()))
                    kb.append(info.file_size / 1024)
                    sizes.append(info.file_size)
                print(f"{language:4} {rate:4} {1000 * statistics.median(times):8.0f} "
                      f"{statistics.mean(per_char):7.4f} {statistics.mean(per_word):7.3f} "
                      f"{statistics.mean(kb):9.0f}")
        info = read_wav_info(out)
        one_word = []
        for _ in range(args.repeat * 3):
            start = time.perf_counter()
            synth.synthesize("ya", VOICES["id"], RATES["normal"], out)
            one_word.append(time.perf_counter() - start)
        bare = []
        for _ in range(args.repeat * 3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            bare.append(time.perf_counter() - start)
    print(f"one-word synthesis (≈ worker overhead): {1000 * statistics.median(one_word):.0f} ms; "
          f"bare Python start: {1000 * statistics.median(bare):.0f} ms")
    print(f"WAV: {info.sample_rate} Hz, {info.channels} channel(s), {8 * info.sample_width}-bit "
          f"PCM, {info.bytes_per_second} bytes/s; mean {statistics.mean(sizes) / 1024:.0f} KB "
          f"per prompt over {len(sizes)} prompts")


if __name__ == "__main__":
    main()
