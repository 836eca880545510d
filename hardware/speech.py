"""Speech synthesis to WAV files: the `Synthesizer` interface and its two backends.

- `Pyttsx3Synthesizer`: pyttsx3 driving espeak-ng, run in a separate worker process per
  synthesis (`python -m hardware._speech_worker`), so a crash in espeak or pyttsx3 can never take
  the web process down; it becomes a `HardwareError` instead. Calls within one process are
  serialised by a lock (concurrent pyttsx3 use crashed the process, and the kiosk has two cores).
- `RecordingSynthesizer`: a test double that records every call and writes a valid WAV (a quiet
  tone) as long as espeak-ng's speech of the text, for tests that must not depend on espeak-ng.

`audio_problem` and `rates_fit` check that a WAV is as long as its text at its rate should be
(espeak-ng's pace, measured), so a file spoken at the wrong rate, cut short or silent is found.

Both write the WAV under a temporary name in the target's folder and `os.replace` it into place,
so nobody ever sees half a file under the final name.

Pure Python: nothing here imports Flask or pyttsx3 (only the worker imports pyttsx3).
"""
from __future__ import annotations

import abc
import array
import ctypes.util
import math
import os
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hardware import _speech_worker as worker_protocol
from hardware.errors import Offline, SynthesisFailed, TimedOut, UnknownVoice

DEVICE = "speech"

# espeak-ng's rate range in words per minute; outside it espeak clamps silently.
MIN_RATE = 80
MAX_RATE = 450
# A prompt is a screen's worth of speech; anything longer is a programming error.
MAX_TEXT_CHARS = 5000

# espeak-ng (and so pyttsx3's espeak driver) writes 16-bit PCM, mono, 22,050 Hz.
SAMPLE_RATE = 22050
CHANNELS = 1
SAMPLE_WIDTH = 2

# espeak-ng's pace at 150 words a minute, by voice: a pause (seconds) plus seconds per character of
# text, both scaled by 150 / rate. Fitted over every static prompt at both rates
# (bench/voice_pace.py); another voice gets the mean of the two.
PACE_AT_150: dict[str, tuple[float, float]] = {"poz/id": (0.38, 0.0825), "gmw/en": (0.14, 0.072)}
DEFAULT_PACE_AT_150 = (0.26, 0.077)
# A file's seconds over the expected seconds: measured 0.81-1.36 over every static prompt (a text
# with digits, said as words, runs long); a file said at espeak-ng's 200 words a minute instead
# of 115 comes out at about 0.56 of it.
DURATION_RANGE = (0.75, 1.5)
# For one text, (slower file's seconds / faster file's) over (faster rate / slower rate): measured
# 1.00-1.07; a pair with one file said at 200 words a minute gave 0.54-0.56 or 1.38-1.45.
RATE_RATIO_RANGE = (0.92, 1.15)
# Root mean square below which a file is silence: espeak-ng's speech measured 0.07 or more, the
# tone test double is 0.035.
MIN_RMS = 0.01

# The repository root, so the worker module is importable in the child whatever its cwd.
_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)

# One synthesis at a time per process (shared by every Pyttsx3Synthesizer instance).
_SYNTH_LOCK = threading.Lock()


# --------------------------------------------------------------------------------------------
# WAV files


@dataclass(frozen=True)
class WavInfo:
    """What a complete PCM WAV file holds."""

    channels: int
    sample_rate: int
    sample_width: int  # bytes per sample
    frames: int
    data_offset: int  # where the PCM data starts in the file
    file_size: int

    @property
    def duration(self) -> float:
        """Seconds of audio."""
        return self.frames / self.sample_rate

    @property
    def bytes_per_second(self) -> int:
        return self.sample_rate * self.channels * self.sample_width


def read_wav_info(path: Path | str) -> WavInfo:
    """Return the format of a complete 16/8-bit PCM WAV, or raise ValueError saying what is wrong.

    "Complete" means the RIFF size and every chunk size agree with the file's size, so a file
    still being written (whose header sizes are patched last) or cut short is refused.
    """
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        header = f.read(12)
        if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            raise ValueError("not a RIFF/WAVE file")
        riff_size = struct.unpack("<I", header[4:8])[0]
        if riff_size + 8 != size:
            raise ValueError(f"RIFF size {riff_size + 8} does not match file size {size}")
        fmt: tuple[int, ...] | None = None
        data: tuple[int, int] | None = None  # (offset, size)
        position = 12
        while position + 8 <= size:
            f.seek(position)
            chunk_id, chunk_size = struct.unpack("<4sI", f.read(8))
            if position + 8 + chunk_size > size:
                raise ValueError(f"chunk {chunk_id!r} runs past the end of the file")
            if chunk_id == b"fmt ":
                if chunk_size < 16:
                    raise ValueError("fmt chunk too short")
                fmt = struct.unpack("<HHIIHH", f.read(16))
            elif chunk_id == b"data":
                data = (position + 8, chunk_size)
            position += 8 + chunk_size + (chunk_size & 1)
    if fmt is None or data is None:
        raise ValueError("missing fmt or data chunk")
    audio_format, channels, sample_rate, _byte_rate, block_align, bits = fmt
    if audio_format != 1 or bits not in (8, 16) or channels < 1 or sample_rate <= 0:
        raise ValueError(f"not 8/16-bit PCM (format {audio_format}, {bits} bits)")
    if block_align != channels * bits // 8 or data[1] % block_align:
        raise ValueError("data size is not a whole number of frames")
    return WavInfo(channels=channels, sample_rate=sample_rate, sample_width=bits // 8,
                   frames=data[1] // block_align, data_offset=data[0], file_size=size)


def wav_is_complete(path: Path | str, *, min_frames: int = 1) -> bool:
    """True if `path` is a complete PCM WAV with at least `min_frames` frames."""
    try:
        return read_wav_info(path).frames >= min_frames
    except (OSError, ValueError, struct.error):
        return False


def wav_rms(path: Path | str) -> float:
    """Root mean square of a 16-bit WAV's samples, from 0.0 (silence) to 1.0 (full scale)."""
    import numpy  # here, not at the top: every speech worker imports this module at its start

    info = read_wav_info(path)
    if info.sample_width != 2:
        raise ValueError("only 16-bit WAV is supported")
    with open(path, "rb") as f:
        f.seek(info.data_offset)
        samples = numpy.frombuffer(f.read(info.frames * info.channels * 2), dtype="<i2")
    if not samples.size:
        return 0.0
    return math.sqrt(numpy.mean(numpy.square(samples, dtype=numpy.float64))) / 32768.0


# --------------------------------------------------------------------------------------------
# How long speech lasts


def expected_seconds(text: str, voice: str, rate: int) -> float:
    """Seconds espeak-ng takes to say `text` with `voice` at `rate` words a minute."""
    pause, per_char = PACE_AT_150.get(voice.lower(), DEFAULT_PACE_AT_150)
    return (pause + per_char * len(text.strip())) * 150 / rate


def duration_fits(seconds: float, text: str, voice: str, rate: int) -> bool:
    """True if `seconds` of audio is a length `text` can take at `rate` (see DURATION_RANGE)."""
    low, high = DURATION_RANGE
    return low <= seconds / expected_seconds(text, voice, rate) <= high


def rates_fit(seconds_by_rate: Mapping[int, float]) -> bool:
    """True if one text's files are each longer than the next faster one, by the rates' ratio."""
    low, high = RATE_RATIO_RANGE
    pairs = sorted(seconds_by_rate.items(), reverse=True)  # fastest first
    return all(slow > fast and low <= (slow / fast) / (fast_rate / slow_rate) <= high
               for (fast_rate, fast), (slow_rate, slow) in zip(pairs, pairs[1:]))


def audio_problem(path: Path | str, text: str, voice: str, rate: int) -> str | None:
    """Why the WAV at `path` cannot be `text` said by `voice` at `rate`; None if it can be."""
    try:
        seconds = read_wav_info(path).duration
        rms = wav_rms(path)
    except (OSError, ValueError, struct.error) as exc:
        return f"not a complete WAV ({exc})"
    if not duration_fits(seconds, text, voice, rate):
        return (f"{seconds:.2f} s long, {expected_seconds(text, voice, rate):.2f} s expected at "
                f"{rate} words a minute")
    if rms < MIN_RMS:
        return f"silent (RMS {rms:.3f})"
    return None


def _temporary_sibling(path: Path) -> Path:
    """A unique hidden name next to `path` (same folder, so os.replace is atomic)."""
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.part")


def _check_request(text: str, voice: str, rate: int, path: Path) -> Path:
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text to speak is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"text to speak is longer than {MAX_TEXT_CHARS} characters")
    if not isinstance(voice, str) or not voice or any(c.isspace() for c in voice):
        raise ValueError(f"bad voice id {voice!r}")
    if isinstance(rate, bool) or not isinstance(rate, int) or not MIN_RATE <= rate <= MAX_RATE:
        raise ValueError(f"rate must be an int from {MIN_RATE} to {MAX_RATE} words per minute")
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"folder {path.parent} does not exist")
    return path


# --------------------------------------------------------------------------------------------
# The interface


class Synthesizer(abc.ABC):
    """Turns text into a WAV file."""

    @abc.abstractmethod
    def synthesize(self, text: str, voice: str, rate: int, path: Path) -> None:
        """Write `text` spoken by `voice` at `rate` words per minute as a WAV file at `path`.

        The file appears complete under `path` or not at all. Raises ValueError for a bad
        request and a `hardware.errors.HardwareError` subclass when the device fails.
        """


# --------------------------------------------------------------------------------------------
# pyttsx3 + espeak-ng, one worker process per synthesis


def espeak_available() -> bool:
    """True if the espeak-ng library pyttsx3 loads is installed."""
    return bool(ctypes.util.find_library("espeak-ng")) or shutil.which("espeak-ng") is not None


class Pyttsx3Synthesizer(Synthesizer):
    """pyttsx3 with espeak-ng, run in a child process (`python -m hardware._speech_worker`).

    - `timeout`: seconds one synthesis may take, process start included; the worker is killed
      after it and `TimedOut` is raised.
    - `lock_timeout`: seconds to wait for this process's other syntheses to finish first.
    - `worker`: the command to run (default: this interpreter with the worker module); tests
      swap it to simulate crashes.
    """

    def __init__(self, *, timeout: float = 30.0, lock_timeout: float = 120.0,
                 worker: list[str] | None = None) -> None:
        self.timeout = timeout
        self.lock_timeout = lock_timeout
        self.worker = list(worker) if worker else [sys.executable, "-m", worker_protocol.__name__]

    def synthesize(self, text: str, voice: str, rate: int, path: Path) -> None:
        path = _check_request(text, voice, rate, path)
        temporary = _temporary_sibling(path)
        command = [*self.worker, "--voice", voice, "--rate", str(rate), "--out", str(temporary),
                   "--wait", str(max(1.0, self.timeout / 2))]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
        if not _SYNTH_LOCK.acquire(timeout=self.lock_timeout):
            raise TimedOut("the synthesizer stayed busy", device=DEVICE,
                           detail=f"waited {self.lock_timeout:g} s for other syntheses")
        try:
            try:
                result = subprocess.run(command, input=text.encode("utf-8"), capture_output=True,
                                        timeout=self.timeout, env=env, close_fds=True)
            except subprocess.TimeoutExpired:  # run() has killed and reaped the worker
                raise TimedOut("speech synthesis took too long", device=DEVICE,
                               detail=f"worker killed after {self.timeout:g} s") from None
            except OSError as exc:
                raise Offline("cannot start the speech worker", device=DEVICE,
                              detail=str(exc)) from exc
            finally:
                _SYNTH_LOCK.release()
            self._raise_for_exit(result, voice)
            try:
                read_wav_info(temporary)
            except (OSError, ValueError, struct.error) as exc:
                raise SynthesisFailed("the speech worker wrote no usable WAV", device=DEVICE,
                                      detail=str(exc)) from exc
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)

    @staticmethod
    def _raise_for_exit(result: subprocess.CompletedProcess, voice: str) -> None:
        code = result.returncode
        if code == 0:
            return
        tail = result.stderr.decode("utf-8", "replace").strip()[-500:]
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            raise SynthesisFailed("the speech worker crashed", device=DEVICE,
                                  detail=f"killed by {name}" + (f": {tail}" if tail else ""))
        if code == worker_protocol.EXIT_OFFLINE:
            raise Offline("espeak-ng is not available", device=DEVICE, detail=tail)
        if code == worker_protocol.EXIT_UNKNOWN_VOICE:
            raise UnknownVoice(f"no voice {voice!r}", device=DEVICE, detail=tail)
        if code == worker_protocol.EXIT_NOT_APPLIED:
            raise SynthesisFailed("espeak-ng did not apply the speech rate", device=DEVICE,
                                  detail=tail)
        raise SynthesisFailed("speech synthesis failed", device=DEVICE,
                              detail=f"worker exit {code}" + (f": {tail}" if tail else ""))


# --------------------------------------------------------------------------------------------
# Test double


@dataclass(frozen=True)
class SynthesisCall:
    text: str
    voice: str
    rate: int
    path: Path


class RecordingSynthesizer(Synthesizer):
    """A test double: records each call and writes a valid WAV of a quiet 441 Hz tone.

    The duration is `expected_seconds(text, voice, rate)`, what espeak-ng gives, so a slower rate
    gives a longer file and the file passes `audio_problem`. `delay` seconds are spent between
    writing the first and second half (to widen race windows in concurrency tests).
    """

    AMPLITUDE = 0.05  # of full scale: quiet but clearly not silence

    def __init__(self, *, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls: list[SynthesisCall] = []
        self._lock = threading.Lock()

    def synthesize(self, text: str, voice: str, rate: int, path: Path) -> None:
        path = _check_request(text, voice, rate, path)
        with self._lock:
            self.calls.append(SynthesisCall(text, voice, rate, path))
        frames = self.tone(expected_seconds(text, voice, rate))
        temporary = _temporary_sibling(path)
        try:
            header = _wav_header(len(frames))
            with open(temporary, "wb") as f:
                half = len(frames) // 2
                f.write(header + frames[:half])
                f.flush()
                if self.delay:
                    time.sleep(self.delay)
                f.write(frames[half:])
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)

    @classmethod
    def tone(cls, seconds: float) -> bytes:
        """16-bit mono PCM of a 441 Hz sine (50 samples a period at 22,050 Hz)."""
        period = array.array("h", (round(cls.AMPLITUDE * 32767 * math.sin(2 * math.pi * i / 50))
                                   for i in range(50)))
        if sys.byteorder != "little":
            period.byteswap()
        frames = round(seconds * SAMPLE_RATE)
        return (period.tobytes() * (frames // 50 + 1))[: frames * SAMPLE_WIDTH]


def _wav_header(data_bytes: int) -> bytes:
    block_align = CHANNELS * SAMPLE_WIDTH
    return struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + data_bytes, b"WAVE", b"fmt ", 16, 1,
                       CHANNELS, SAMPLE_RATE, SAMPLE_RATE * block_align, block_align,
                       SAMPLE_WIDTH * 8, b"data", data_bytes)
