"""Errors raised by the kiosk's devices (speech now, the receipt printer later).

Every device failure is a `HardwareError`, so the web layer can catch one type, show a plain
"the kiosk has a problem" screen and keep serving. The subclasses say what kind of failure it was:

    HardwareError
    ├── Offline            the device (or its driver/library) is not there or does not answer
    ├── TimedOut           the device took longer than allowed; the attempt was abandoned
    └── Faulted            the device or its driver failed while working (crash, bad output)
        └── SynthesisFailed    the speech synthesizer did not produce a usable WAV
            └── UnknownVoice       ... because the voice id does not exist

A printer adds its own (e.g. `PaperOut(HardwareError)`, `CoverOpen(HardwareError)`) next to these.
"""
from __future__ import annotations


class HardwareError(Exception):
    """A device failed; `device` names it ("speech", "printer", ...) and `detail` says more."""

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


class TimedOut(HardwareError):
    """The device did not finish within the time allowed."""


class Faulted(HardwareError):
    """The device or its driver failed while working (a crash, an error, unusable output)."""


class SynthesisFailed(Faulted):
    """Speech synthesis did not produce a complete, valid WAV file."""


class UnknownVoice(SynthesisFailed):
    """The synthesizer has no voice with the id asked for."""
