"""One speech synthesis in its own process: `python -m hardware._speech_worker`.

    python -m hardware._speech_worker --voice poz/id --rate 150 --out /path/file.wav [--wait 15]

The text comes on standard input (UTF-8). The worker writes the WAV at --out and exits with one
of the codes below; `hardware.speech.Pyttsx3Synthesizer` runs it and turns the exit into a result
or a HardwareError. Running each synthesis in a fresh process works around pyttsx3's pitfalls:
one `save_to_file` per loop (a second in the same loop replaces the first), a crash when used
from several threads, and `runAndWait()` returning before the file is complete (we poll for it).

The voice, rate and volume are set on espeak-ng before pyttsx3's loop, and the worker waits until
espeak-ng has applied them. pyttsx3 2.99 opens espeak-ng in its asynchronous mode, where a
parameter is only queued for espeak-ng's own command thread; `runAndWait()` applies the queued
properties and at once ends its loop with `EspeakDriver.stop()`, which calls `espeak_Cancel()`
whenever that thread is still busy, and Cancel throws away what it has not applied yet. On a
loaded machine the rate was thrown away now and then (1-5 % of syntheses, bench/voice_pace.py)
and the text spoken at the 200 words a minute the driver sets when it starts: "slower" came out
faster.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import sys
import time

EXIT_OK = 0
EXIT_FAILED = 1  # any other failure (also an uncaught exception)
EXIT_OFFLINE = 10  # pyttsx3 or the espeak-ng library cannot be loaded or initialised
EXIT_UNKNOWN_VOICE = 11  # espeak-ng has no such voice (pyttsx3 would silently keep another)
EXIT_INCOMPLETE = 12  # the WAV was not complete within --wait seconds
EXIT_NOT_APPLIED = 13  # espeak-ng did not take the rate or volume, or lost it while speaking

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


def current_parameter(espeak, parameter: int) -> int:
    """The value espeak-ng holds now for `parameter` (espeak.RATE, espeak.VOLUME)."""
    # pyttsx3's own GetParameter binding leaves out the `current` argument, so it returns the
    # default or the current value depending on what the register happens to hold.
    get = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.c_int)(
        ("espeak_GetParameter", espeak.dll))
    return get(parameter, 1)


def wait_until_applied(espeak, wanted: dict[int, int], timeout: float) -> bool:
    """Wait until espeak-ng's command thread is idle and holds `wanted`; False on timeout."""
    deadline = time.monotonic() + timeout
    while espeak.IsPlaying() or any(current_parameter(espeak, parameter) != value
                                    for parameter, value in wanted.items()):
        if time.monotonic() >= deadline:
            return False
        time.sleep(_POLL)
    return True


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
    from pyttsx3.drivers import _espeak
    from pyttsx3.drivers.espeak import EspeakDriver

    # Set straight on the driver (what the engine's queue would call) rather than queued through
    # engine.setProperty(): see the module's docstring for why the queue loses them.
    try:
        EspeakDriver.setProperty("voice", args.voice)
        EspeakDriver.setProperty("rate", args.rate)
        EspeakDriver.setProperty("volume", 1.0)
    except ValueError as exc:
        return _fail(EXIT_UNKNOWN_VOICE, f"espeak-ng refused voice {args.voice!r}: {exc}")
    settings = {_espeak.RATE: args.rate, _espeak.VOLUME: 100}
    if not wait_until_applied(_espeak, settings, args.wait):
        return _fail(EXIT_NOT_APPLIED, f"espeak-ng did not apply rate {args.rate} within "
                                       f"{args.wait:g} s")
    engine.save_to_file(text, args.out)  # one save_to_file per loop: a second would replace it
    engine.runAndWait()
    if errors:
        return _fail(EXIT_FAILED, f"pyttsx3 reported: {errors[0]!r}")
    current = engine.getProperty("voice")
    if (current or "").lower() != wanted:
        return _fail(EXIT_UNKNOWN_VOICE, f"voice {args.voice!r} was not applied ({current!r})")
    if not wait_for_complete_wav(args.out, args.wait):
        return _fail(EXIT_INCOMPLETE, f"no complete WAV at {args.out} after {args.wait:g} s")
    # A Cancel resets espeak-ng to the values it last applied: still ours, unless one was lost.
    held = {parameter: current_parameter(_espeak, parameter) for parameter in settings}
    if held != settings:
        return _fail(EXIT_NOT_APPLIED, f"espeak-ng spoke with {held}, not {settings}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
