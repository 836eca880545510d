"""Errors raised by the kiosk's devices (the speech synthesizer, the receipt printer).

Every device failure is a `HardwareError`, so the web layer can catch one type, show a plain
"the kiosk has a problem" screen and keep serving. The subclasses say what kind of failure it was:

    HardwareError
    ├── Offline            the device (or its driver/library) is not there or does not answer
    ├── TimedOut           the device took longer than allowed; the attempt was abandoned
    └── Faulted            the device or its driver failed while working (crash, bad output)
        └── SynthesisFailed    the speech synthesizer did not produce a usable WAV
            └── UnknownVoice       ... because the voice id does not exist
    ├── PaperOut           the receipt printer has no paper
    └── CoverOpen          the receipt printer's cover is open

Each has a `code` (`offline`, `paper_out`, ...): what the kiosk records, shows staff and says.
A printer whose paper is nearly out still prints; that is a warning in its status, not an error.
"""
from __future__ import annotations


class HardwareError(Exception):
    """A device failed; `device` names it ("speech", "printer", ...) and `detail` says more."""

    code = "error"

    def __init__(self, message: str, *, device: str = "", detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.device = device
        self.detail = detail

    def __str__(self) -> str:
        text = f"{self.device}: {self.message}" if self.device else self.message
        return f"{text} ({self.detail})" if self.detail else text


class Offline(HardwareError):
    """The device, or the library that drives it, is missing or not reachable."""

    code = "offline"


class TimedOut(HardwareError):
    """The device did not finish within the time allowed."""

    code = "timed_out"


class Faulted(HardwareError):
    """The device or its driver failed while working (a crash, an error, unusable output)."""

    code = "faulted"


class SynthesisFailed(Faulted):
    """Speech synthesis did not produce a complete, valid WAV file."""


class UnknownVoice(SynthesisFailed):
    """The synthesizer has no voice with the id asked for."""


class PaperOut(HardwareError):
    """The receipt printer has no paper (or stopped at the paper end)."""

    code = "paper_out"


class CoverOpen(HardwareError):
    """The receipt printer's cover is open."""

    code = "cover_open"
