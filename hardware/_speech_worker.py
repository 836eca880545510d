"""One speech synthesis in its own process: `python -m hardware._speech_worker`.

    python -m hardware._speech_worker --voice poz/id --rate 150 --out /path/file.wav [--wait 15]

The text comes on standard input (UTF-8). The worker writes the WAV at --out and exits with one
of the codes below; `hardware.speech.Pyttsx3Synthesizer` runs it and turns the exit into a result
or a HardwareError. Running each synthesis in a fresh process works around pyttsx3's pitfalls:
one `save_to_file` per loop (a second in the same loop replaces the first), a crash when used
from several threads, and `runAndWait()` returning before the file is complete (we poll for it).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

EXIT_OK = 0
EXIT_FAILED = 1  # any other failure (also an uncaught exception)
EXIT_OFFLINE = 10  # pyttsx3 or the espeak-ng library cannot be loaded or initialised
EXIT_UNKNOWN_VOICE = 11  # espeak-ng has no such voice (pyttsx3 would silently keep another)
EXIT_INCOMPLETE = 12  # the WAV was not complete within --wait seconds

_POLL = 0.01


def wait_for_complete_wav(path: str, timeout: float) -> bool:
    """Wait until `path` is a complete WAV whose size held still over one poll; False on timeout."""
    from hardware.speech import wav_is_complete

    deadline = time.monotonic() + timeout
    last_size = -1
    while True:
        try:
            size = os.path.getsize(path)
        except OSError:
            size = -1
        if size > 0 and size == last_size and wav_is_complete(path):
            return True
        if time.monotonic() >= deadline:
            return False
        last_size = size
        time.sleep(_POLL)


def _fail(code: int, message: str) -> int:
    print(message, file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hardware._speech_worker")
    parser.add_argument("--voice", required=True)
    parser.add_argument("--rate", required=True, type=int)
    parser.add_argument("--out", required=True)
    parser.add_argument("--wait", type=float, default=15.0,
                        help="seconds to wait for the file to be complete after runAndWait()")
    args = parser.parse_args(argv)
    text = sys.stdin.buffer.read().decode("utf-8")
    if not text.strip():
        return _fail(EXIT_FAILED, "no text on standard input")

    # pyttsx3's espeak driver prints "Audio saved to ..." on stdout: keep stdout for nothing.
    sys.stdout = sys.stderr
    try:
        import pyttsx3

        engine = pyttsx3.init("espeak")
    except Exception as exc:  # ImportError, OSError (no libespeak-ng), RuntimeError (init)
        return _fail(EXIT_OFFLINE, f"cannot start pyttsx3 with espeak-ng: {exc!r}")

    # pyttsx3 swallows errors raised by queued commands (a bad voice id) and only "notifies"
    # them, so listen for them.
    errors: list[BaseException] = []
    engine.connect("error", lambda name=None, exception=None, **_: errors.append(exception))

    wanted = args.voice.lower()
    known = {voice.id.lower() for voice in engine.getProperty("voices")}
    if wanted not in known:
        return _fail(EXIT_UNKNOWN_VOICE, f"espeak-ng has no voice {args.voice!r}")
    engine.setProperty("voice", args.voice)
    engine.setProperty("rate", args.rate)
    engine.setProperty("volume", 1.0)
    engine.save_to_file(text, args.out)  # one save_to_file per loop: a second would replace it
    engine.runAndWait()
    if errors:
        return _fail(EXIT_FAILED, f"pyttsx3 reported: {errors[0]!r}")
    current = engine.getProperty("voice")
    if (current or "").lower() != wanted:
        return _fail(EXIT_UNKNOWN_VOICE, f"voice {args.voice!r} was not applied ({current!r})")
    if not wait_for_complete_wav(args.out, args.wait):
        return _fail(EXIT_INCOMPLETE, f"no complete WAV at {args.out} after {args.wait:g} s")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
