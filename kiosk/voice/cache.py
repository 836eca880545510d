"""An on-disk cache of spoken prompts: one WAV per (language, voice, rate, text).

Files live at `root/<first two hex digits of the key>/<key>.wav`, where the key is the sha256 of
the four values. A file is only ever put in place with `os.replace` from a temporary name in the
same folder (after an fsync), so a reader in any thread or process sees a complete file or none.

`ensure()` synthesises at most once per key per process at a time (a per-key lock); two
processes asking for the same new key at the same moment may both synthesise, and the second
rename simply replaces the first file with an identical one.

`check()` finds the files of a text that are not that text at their rate (too short or long for
it, silent, or a slower one not longer by the rates' ratio); `repair()` rebuilds them in place.

Pure Python: no Flask here.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import struct
import threading
import time
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from hardware.errors import SynthesisFailed
from hardware.speech import (DURATION_RANGE, MIN_RMS, Synthesizer, audio_problem,
                             expected_seconds, rates_fit, read_wav_info, wav_is_complete, wav_rms)

# Bump to orphan every cached file (e.g. after changing how texts are normalised).
KEY_VERSION = 1
# espeak-ng says a word or two (a number, a button's name) with a lead-in and a tail that the
# pace model of hardware.speech, fitted over whole sentences, leaves out: English "one" lasts
# 0.78 s at 150 words a minute where it expects 0.36 s. A text this short may run longer than the
# model by SHORT_TAIL_SECONDS (at 150, scaled by the rate); shorter is still wrong, and the
# rates' ratio still holds.
SHORT_TEXT_CHARS = 16
SHORT_TAIL_SECONDS = 1.0

_KEY = re.compile(r"[0-9a-f]{64}")
_SPACES = re.compile(r"\s+")
_SUFFIX = ".wav"
_PARTIAL = ".part"


def normalize_text(text: str) -> str:
    """NFC, runs of whitespace to one space, trimmed: texts that sound the same share a file."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


class VoiceCache:
    """WAV files for spoken prompts under `root`, made by `synthesizer` when missing."""

    def __init__(self, root: Path, synthesizer: Synthesizer) -> None:
        self.root = Path(root)
        self.synthesizer = synthesizer
        self._guard = threading.Lock()
        self._locks: dict[str, list] = {}  # key -> [Lock, number of threads using it]

    # -- keys and paths --------------------------------------------------------------------

    @staticmethod
    def key(language: str, voice: str, rate: int, text: str, secret: bytes = b"") -> str:
        """sha256 (hex) of the language, voice, rate and normalised text.

        With a `secret` it is an HMAC-sha256: a prompt with a personal fact in it (a balance)
        gets a key, and so an address in a log, that nobody can match to its text by hashing
        guesses. Static prompts use no secret, so their prebuilt files outlive a new SECRET_KEY.
        """
        if isinstance(rate, bool) or not isinstance(rate, int):
            raise TypeError("rate must be an int (words per minute)")
        payload = json.dumps([KEY_VERSION, language, voice, rate, normalize_text(text)],
                             ensure_ascii=False, separators=(",", ":"))
        if secret:
            return hmac.new(secret, payload.encode("utf-8"), hashlib.sha256).hexdigest()
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def path(self, key: str) -> Path:
        """Where the WAV for `key` lives (whether or not it exists yet)."""
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a cache key: {key!r}")
        return self.root / key[:2] / f"{key}{_SUFFIX}"

    # -- reading and filling ---------------------------------------------------------------

    def get(self, language: str, voice: str, rate: int, text: str,
            secret: bytes = b"") -> Path | None:
        """The cached WAV's path if a complete one is there, else None."""
        path = self.path(self.key(language, voice, rate, text, secret))
        return path if wav_is_complete(path) else None

    def ensure(self, language: str, voice: str, rate: int, text: str,
               secret: bytes = b"", *, rebuild: bool = False) -> Path:
        """The cached WAV's path, synthesising it first if missing (or always, with `rebuild`).

        Raises ValueError for a bad request and a HardwareError subclass when synthesis fails;
        either way no new file is left under the final name (a rebuilt one replaces the old
        one in a single rename, so readers never miss it).
        """
        text = normalize_text(text)
        if not text:
            raise ValueError("text to speak is empty")
        key = self.key(language, voice, rate, text, secret)
        path = self.path(key)
        if not rebuild and wav_is_complete(path):
            return path
        with self._lock_for(key):
            if not rebuild and wav_is_complete(path):  # another thread made it while we waited
                return path
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(
                f".{key}.{os.getpid()}.{threading.get_ident()}.{uuid.uuid4().hex[:8]}{_PARTIAL}")
            try:
                self.synthesizer.synthesize(text, voice, rate, temporary)
                try:
                    read_wav_info(temporary)
                except (OSError, ValueError, struct.error) as exc:
                    raise SynthesisFailed("the synthesizer wrote no usable WAV", device="speech",
                                          detail=str(exc)) from exc
                fd = os.open(temporary, os.O_RDONLY)
                try:
                    os.fsync(fd)  # the data reaches the disk before the name does
                finally:
                    os.close(fd)
                os.replace(temporary, path)
            finally:
                temporary.unlink(missing_ok=True)
        return path

    # -- checking ----------------------------------------------------------------------------

    def check(self, language: str, voice: str, rates: Iterable[int], text: str,
              secret: bytes = b"") -> dict[int, str]:
        """Why each of `text`'s cached files at `rates` is not `text` at its rate, by rate.

        A file that is missing is not checked (building it is `ensure`'s job). A slower file
        that is not longer than the faster one by the rates' ratio puts both in the answer.
        """
        text = normalize_text(text)
        problems: dict[int, str] = {}
        seconds: dict[int, float] = {}
        for rate in rates:
            path = self.path(self.key(language, voice, rate, text, secret))
            if not path.exists():
                continue
            problem = _audio_problem(path, text, voice, rate)
            if problem:
                problems[rate] = problem
            else:
                seconds[rate] = read_wav_info(path).duration
        if not rates_fit(seconds):
            pace = ", ".join(f"{seconds[rate]:.2f} s at {rate}" for rate in sorted(seconds))
            problems.update(dict.fromkeys(seconds, f"slower is not longer by the rates' ratio "
                                                   f"({pace})"))
        return problems

    def repair(self, language: str, voice: str, rates: Iterable[int], text: str,
               secret: bytes = b"") -> tuple[int, dict[int, str]]:
        """Rebuild `text`'s files that `check` finds off; return how many, and what is still off."""
        rates = list(rates)
        problems = self.check(language, voice, rates, text, secret)
        for rate in problems:
            self.ensure(language, voice, rate, text, secret, rebuild=True)
        return len(problems), (self.check(language, voice, rates, text, secret) if problems
                               else {})

    # -- housekeeping ----------------------------------------------------------------------

    def size_bytes(self) -> int:
        """Total size of the cached WAV files."""
        return sum(path.stat().st_size for path in self._files())

    def count(self) -> int:
        """Number of cached WAV files."""
        return sum(1 for _ in self._files())

    def prune(self, older_than: float) -> int:
        """Delete cached files made more than `older_than` seconds ago; return how many."""
        return _remove_older(self._files(), older_than)

    def sweep_partials(self, older_than: float = 3600.0) -> int:
        """Delete temporary files left by killed processes; return how many were removed."""
        if not self.root.is_dir():
            return 0
        return _remove_older(self.root.glob(f"??/.*{_PARTIAL}"), older_than)

    def _files(self) -> Iterator[Path]:
        if not self.root.is_dir():
            return iter(())
        return (p for p in self.root.glob(f"??/*{_SUFFIX}")
                if not p.name.startswith(".") and _KEY.fullmatch(p.stem))

    def _lock_for(self, key: str) -> _KeyLock:
        return _KeyLock(self, key)


def _audio_problem(path: Path, text: str, voice: str, rate: int) -> str | None:
    """Why the WAV cannot be `text` at `rate` (hardware.speech.audio_problem), a short text
    allowed its tail (SHORT_TEXT_CHARS)."""
    problem = audio_problem(path, text, voice, rate)
    if problem is None or len(text) >= SHORT_TEXT_CHARS:
        return problem
    try:
        seconds = read_wav_info(path).duration
        loud = wav_rms(path) >= MIN_RMS
    except (OSError, ValueError, struct.error):
        return problem
    expected = expected_seconds(text, voice, rate)
    low, high = DURATION_RANGE
    fits = low * expected <= seconds <= high * expected + SHORT_TAIL_SECONDS * 150 / rate
    return None if fits and loud else problem


def _remove_older(paths: Iterator[Path], older_than: float) -> int:
    """Delete the files among `paths` last written more than `older_than` seconds ago."""
    removed = 0
    cutoff = time.time() - older_than
    for path in list(paths):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            pass
    return removed


class _KeyLock:
    """Hold the per-key lock; the entry is dropped when no thread uses it any more."""

    def __init__(self, cache: VoiceCache, key: str) -> None:
        self.cache = cache
        self.key = key

    def __enter__(self) -> None:
        with self.cache._guard:
            entry = self.cache._locks.setdefault(self.key, [threading.Lock(), 0])
            entry[1] += 1
        entry[0].acquire()

    def __exit__(self, *exc_info) -> None:
        with self.cache._guard:
            entry = self.cache._locks[self.key]
            entry[0].release()
            entry[1] -= 1
            if entry[1] == 0:
                del self.cache._locks[self.key]
