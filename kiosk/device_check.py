"""`devices check`: try each of a kiosk's devices now and say plainly whether it works.

- printer: a test page printed on the kiosk's printer (a fault or a printer that cannot be reached
  is a FAIL; paper nearly out passes with a warning);
- camera: what the kiosk browser reported at its last heartbeat (the browser owns the camera), as
  `Kiosk.devices["camera"]` (seen, missing, refused, unplugged, error; kiosk.js's heartbeat);
  no report is a FAIL, never a guess;
- speech: a sentence synthesised now, its WAV measured (length and loudness).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app

from hardware.errors import HardwareError
from hardware.speech import read_wav_info, wav_rms
from kiosk import receipts
from kiosk.models import Kiosk
from kiosk.voice import RATES, voice_for

SPEECH_SENTENCE = "Tes suara kiosk JHT. Satu, dua, tiga."
MIN_SPEECH_SECONDS = 1.0  # the sentence takes about two seconds to say
MIN_SPEECH_RMS = 0.005  # of full scale: a silent file is about 0, espeak-ng speech ~0.1


@dataclass(frozen=True)
class Result:
    device: str
    passed: bool
    detail: str


def check(kiosk: Kiosk) -> list[Result]:
    """Try the printer, read the camera's last report, synthesise speech: one result each."""
    return [check_printer(kiosk), check_camera(kiosk), check_speech()]


def check_printer(kiosk: Kiosk) -> Result:
    url = kiosk.printer_url or current_app.config["PRINTER_URL"]
    try:
        device = receipts.printer_for(kiosk.id)
        warnings = device.status().problems()
        now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        device.print_test("TES PRINTER", (f"Kiosk {kiosk.id} - {kiosk.name}", now))
    except HardwareError as exc:
        return Result("printer", False, f"{url}: {receipts.FAULT_TEXT.get(exc.code, exc.code)} "
                                        f"({exc})")
    except ValueError as exc:
        return Result("printer", False, f"{url}: {exc}")
    note = f"; warning: {', '.join(receipts.FAULT_TEXT[code] for code in warnings)}" \
        if warnings else ""
    where = f" (pages in {device.folder})" if hasattr(device, "folder") else ""
    return Result("printer", True, f"test page printed on {url}{where}, {device.profile.name} "
                                   f"{device.profile.columns} columns{note}")


def check_camera(kiosk: Kiosk) -> Result:
    devices = getattr(kiosk, "devices", None) or {}
    camera = devices.get("camera") if isinstance(devices, dict) else None
    if kiosk.last_heartbeat is None or camera in (None, "unknown"):
        return Result("camera", False, "the kiosk browser has not reported its camera yet "
                                       "(open the kiosk screen and wait for its heartbeat)")
    seen = kiosk.last_heartbeat.strftime("%Y-%m-%d %H:%M:%S UTC")
    return Result("camera", camera == "seen", f"as the kiosk browser saw it at {seen}: {camera}")


def check_speech() -> Result:
    from kiosk.participant.voice import make_synthesizer

    synthesizer = make_synthesizer(current_app.config)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "check.wav"
        try:
            synthesizer.synthesize(SPEECH_SENTENCE, voice_for("id"), RATES["normal"], path)
            info, loudness = read_wav_info(path), wav_rms(path)
        except (HardwareError, ValueError, OSError) as exc:
            return Result("speech", False, f"{current_app.config['SPEECH']}: {exc}")
    passed = info.duration >= MIN_SPEECH_SECONDS and loudness >= MIN_SPEECH_RMS
    return Result("speech", passed, f"{current_app.config['SPEECH']} said {len(SPEECH_SENTENCE)} "
                                    f"characters in {info.duration:.1f} s, loudness {loudness:.3f}"
                                    + ("" if passed else " (too short or silent)"))
