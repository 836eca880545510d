"""hardware.speech: the pyttsx3/espeak-ng backend (a worker process), WAV checks, the test double.

Tests marked `needs_espeak` are skipped only when espeak-ng is genuinely missing AND the CI
variable is unset; in CI they always run (the setup script installs espeak-ng).
"""
from __future__ import annotations

import os
import sys
import textwrap
import threading
import time
import wave
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from hardware import _speech_worker
from hardware.errors import (Faulted, HardwareError, Offline, SynthesisFailed, TimedOut,
                             UnknownVoice)
from hardware.speech import (Pyttsx3Synthesizer, RecordingSynthesizer, SynthesisCall,
                             audio_problem, duration_fits, espeak_available, expected_seconds,
                             rates_fit, read_wav_info, wav_is_complete, wav_rms)
from kiosk.voice import RATES, VOICES

needs_espeak = pytest.mark.skipif(
    not espeak_available() and not os.environ.get("CI"),
    reason="espeak-ng is not installed (scripts/setup.sh installs it; CI always runs these)")

# Ten-word prompts of the kind the kiosk speaks.
TEXTS = {
    "id": "Silakan tempelkan kartu identitas Anda pada pembaca di bawah layar.",
    "en": "Please place your identity card on the reader below the screen.",
}
# espeak-ng speech measures RMS 0.09..0.12 of full scale; silence is 0.
MIN_SPEECH_RMS = 0.03


def wave_params(path: Path) -> tuple[int, int, int, int]:
    with wave.open(str(path), "rb") as w:
        return w.getnchannels(), w.getframerate(), w.getsampwidth(), w.getnframes()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


@pytest.fixture(scope="module")
def synth() -> Pyttsx3Synthesizer:
    return Pyttsx3Synthesizer(timeout=30)


# ---------------------------------------------------------------------------------------------
# pyttsx3 + espeak-ng


@needs_espeak
@pytest.mark.parametrize("language", ["id", "en"])
def test_pyttsx3_writes_valid_wav(synth, tmp_path, language):
    out = tmp_path / "prompt.wav"
    synth.synthesize(TEXTS[language], VOICES[language], RATES["normal"], out)
    channels, rate, width, frames = wave_params(out)
    assert (channels, rate, width) == (1, 22050, 2)
    assert frames > 0
    assert read_wav_info(out).frames == frames
    assert leftovers(tmp_path) == []


@needs_espeak
@pytest.mark.parametrize("speed", ["normal", "slow"])
@pytest.mark.parametrize("language", ["id", "en"])
def test_pyttsx3_duration_is_plausible(synth, tmp_path, language, speed):
    out = tmp_path / "prompt.wav"
    rate = RATES[speed]
    synth.synthesize(TEXTS[language], VOICES[language], rate, out)
    assert audio_problem(out, TEXTS[language], VOICES[language], rate) is None


@needs_espeak
@pytest.mark.parametrize("language", ["id", "en"])
def test_pyttsx3_slow_rate_is_longer(synth, tmp_path, language):
    normal, slow = tmp_path / "normal.wav", tmp_path / "slow.wav"
    synth.synthesize(TEXTS[language], VOICES[language], RATES["normal"], normal)
    synth.synthesize(TEXTS[language], VOICES[language], RATES["slow"], slow)
    ratio = read_wav_info(slow).duration / read_wav_info(normal).duration
    # 150 / 115 = 1.30; measured 1.31..1.33.
    assert 1.15 <= ratio <= 1.5, ratio
    assert rates_fit({RATES["normal"]: read_wav_info(normal).duration,
                      RATES["slow"]: read_wav_info(slow).duration})


# espeak-ng (as pyttsx3 opens it) applies a parameter on its own command thread, in order, and
# espeak_Cancel() throws away the ones that thread has not applied yet; pyttsx3's runAndWait()
# ends with that Cancel while the thread is busy. This stand-in worker makes the thread take
# 50 ms a parameter, as a loaded machine can: the rate set through the engine was then lost and
# the text spoken at the 200 words a minute pyttsx3's driver starts with.
SLOW_ESPEAK_WORKER = textwrap.dedent("""
    import queue, sys, threading, time
    from pyttsx3.drivers import _espeak
    from hardware._speech_worker import main

    set_now, cancel_now, playing_now = _espeak.SetParameter, _espeak.Cancel, _espeak.IsPlaying
    commands, cancels = queue.Queue(), [0]

    def apply_later():
        while True:
            cancels_then, parameter = commands.get()
            time.sleep(0.05)
            if cancels_then == cancels[0]:
                set_now(*parameter)
            commands.task_done()

    def set_parameter(name, value, relative=0):
        commands.put((cancels[0], (name, value, relative)))
        return 0

    def cancel():
        cancels[0] += 1
        return cancel_now()

    threading.Thread(target=apply_later, daemon=True).start()
    _espeak.SetParameter, _espeak.Cancel = set_parameter, cancel
    _espeak.IsPlaying = lambda: commands.unfinished_tasks > 0 or playing_now()
    sys.exit(main(sys.argv[1:]))
""")


@needs_espeak
def test_rate_is_applied_even_when_espeak_applies_it_late(tmp_path):
    synth = Pyttsx3Synthesizer(worker=[sys.executable, "-c", SLOW_ESPEAK_WORKER])
    seconds = {}
    for rate in RATES.values():
        out = tmp_path / f"{rate}.wav"
        synth.synthesize(TEXTS["id"], VOICES["id"], rate, out)
        assert audio_problem(out, TEXTS["id"], VOICES["id"], rate) is None
        seconds[rate] = read_wav_info(out).duration
    assert rates_fit(seconds), seconds


def _say_slowly(path: Path) -> float:
    """Synthesise TEXTS["id"] at the slow rate in this (pool) process; return its seconds."""
    Pyttsx3Synthesizer().synthesize(TEXTS["id"], VOICES["id"], RATES["slow"], path)
    return read_wav_info(path).duration


@needs_espeak
def test_slow_rate_is_applied_in_every_one_of_many_parallel_syntheses(tmp_path):
    """Four worker processes at a time on two cores, 24 syntheses: each one at the slow rate."""
    paths = [tmp_path / f"{n}.wav" for n in range(24)]
    with ProcessPoolExecutor(4) as pool:
        seconds = list(pool.map(_say_slowly, paths))
    misfits = [(path.name, round(s, 2)) for path, s in zip(paths, seconds)
               if not duration_fits(s, TEXTS["id"], VOICES["id"], RATES["slow"])]
    assert misfits == []
    assert len(set(seconds)) == 1  # espeak-ng says one text at one rate the same every time


@needs_espeak
def test_pyttsx3_longer_text_gives_longer_file(synth, tmp_path):
    short, long = tmp_path / "short.wav", tmp_path / "long.wav"
    synth.synthesize("Selamat datang.", VOICES["id"], RATES["normal"], short)
    synth.synthesize("Selamat datang. " + TEXTS["id"] + " " + TEXTS["id"], VOICES["id"],
                     RATES["normal"], long)
    assert read_wav_info(long).duration > 3 * read_wav_info(short).duration


@needs_espeak
@pytest.mark.parametrize("language", ["id", "en"])
def test_pyttsx3_output_is_not_silence(synth, tmp_path, language):
    out = tmp_path / "prompt.wav"
    synth.synthesize(TEXTS[language], VOICES[language], RATES["normal"], out)
    assert wav_rms(out) > MIN_SPEECH_RMS


@needs_espeak
def test_pyttsx3_voices_differ(synth, tmp_path):
    """The voice id is really applied (pyttsx3 alone would silently keep its default voice)."""
    ind, eng = tmp_path / "id.wav", tmp_path / "en.wav"
    synth.synthesize("dua puluh empat", VOICES["id"], 150, ind)
    synth.synthesize("dua puluh empat", VOICES["en"], 150, eng)
    assert ind.read_bytes() != eng.read_bytes()


@needs_espeak
def test_unknown_voice_raises_and_caller_survives(synth, tmp_path):
    out = tmp_path / "prompt.wav"
    with pytest.raises(UnknownVoice) as caught:
        synth.synthesize("halo", "xx/nothing", 150, out)
    assert isinstance(caught.value, HardwareError)
    assert not out.exists() and leftovers(tmp_path) == []
    synth.synthesize("halo", VOICES["id"], 150, out)  # the caller carries on
    assert wav_is_complete(out)


@needs_espeak
def test_concurrent_threads_are_serialised_and_all_succeed(synth, tmp_path):
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(2):
                synth.synthesize(f"Nomor antrean {n} {i}.", VOICES["id"], 150,
                                 tmp_path / f"{n}-{i}.wav")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert all(wav_is_complete(tmp_path / f"{n}-{i}.wav") for n in range(4) for i in range(2))


# ---------------------------------------------------------------------------------------------
# Worker failures (a stand-in worker command; no espeak needed)


def fake_worker(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_worker_segfault_raises_hardware_error(tmp_path):
    """The worker writes part of a WAV, then crashes: an error, and nothing is left behind."""
    out = tmp_path / "prompt.wav"
    code = ("import ctypes, sys; out = sys.argv[sys.argv.index('--out') + 1];"
            " open(out, 'wb').write(b'RIFF\\x24\\x00\\x00\\x00WAVEfmt '); ctypes.string_at(0)")
    synth = Pyttsx3Synthesizer(worker=fake_worker(code))
    with pytest.raises(SynthesisFailed, match="crashed") as caught:
        synth.synthesize("halo", "poz/id", 150, out)
    assert isinstance(caught.value, Faulted) and "SIGSEGV" in str(caught.value)
    assert not out.exists() and leftovers(tmp_path) == []


@needs_espeak
def test_worker_killed_after_writing_is_not_trusted(tmp_path):
    """The real worker writes a complete WAV, then is killed before it can exit 0."""
    out = tmp_path / "prompt.wav"
    code = ("import os, signal, sys; from hardware._speech_worker import main; main(sys.argv[1:]);"
            " os.kill(os.getpid(), signal.SIGKILL)")
    synth = Pyttsx3Synthesizer(worker=fake_worker(code))
    with pytest.raises(SynthesisFailed, match="SIGKILL"):
        synth.synthesize("halo", "poz/id", 150, out)
    assert not out.exists() and leftovers(tmp_path) == []


def test_worker_hang_times_out_and_is_killed(tmp_path):
    out = tmp_path / "prompt.wav"
    synth = Pyttsx3Synthesizer(timeout=1, worker=fake_worker("import time; time.sleep(30)"))
    start = time.monotonic()
    with pytest.raises(TimedOut):
        synth.synthesize("halo", "poz/id", 150, out)
    assert time.monotonic() - start < 10
    assert not out.exists() and leftovers(tmp_path) == []


def test_workers_of_one_process_never_overlap(tmp_path):
    """Syntheses from several threads run one at a time (the lock), not side by side."""
    log = tmp_path / "log"
    code = ("import sys, time; log = open(sys.argv[1], 'a'); t = time.monotonic();"
            " time.sleep(0.15); print(t, time.monotonic(), file=log)")
    synth = Pyttsx3Synthesizer(worker=fake_worker(code) + [str(log)])
    errors: list[BaseException] = []

    def work() -> None:
        try:
            synth.synthesize("halo", "poz/id", 150, tmp_path / "x.wav")
        except SynthesisFailed:
            pass  # the stand-in writes no WAV; only the timing matters here
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert errors == []
    spans = sorted(tuple(map(float, line.split())) for line in log.read_text().splitlines())
    assert len(spans) == 4
    assert all(end <= next_start for (_, end), (next_start, _) in zip(spans, spans[1:]))


def test_worker_that_cannot_start_is_offline(tmp_path):
    synth = Pyttsx3Synthesizer(worker=[str(tmp_path / "no-such-python")])
    with pytest.raises(Offline):
        synth.synthesize("halo", "poz/id", 150, tmp_path / "prompt.wav")


@pytest.mark.parametrize("code, error", [
    (_speech_worker.EXIT_OFFLINE, Offline),
    (_speech_worker.EXIT_UNKNOWN_VOICE, UnknownVoice),
    (_speech_worker.EXIT_INCOMPLETE, SynthesisFailed),
    (_speech_worker.EXIT_NOT_APPLIED, SynthesisFailed),
    (_speech_worker.EXIT_FAILED, SynthesisFailed),
])
def test_worker_exit_codes_map_to_errors(tmp_path, code, error):
    synth = Pyttsx3Synthesizer(worker=fake_worker(
        f"import sys; print('worker says why', file=sys.stderr); sys.exit({code})"))
    with pytest.raises(error) as caught:
        synth.synthesize("halo", "poz/id", 150, tmp_path / "prompt.wav")
    assert "worker says why" in str(caught.value)
    assert not (tmp_path / "prompt.wav").exists()


def test_worker_exit_zero_without_wav_fails(tmp_path):
    """Exit 0 is not enough: the WAV itself must be complete."""
    code = ("import sys; out = sys.argv[sys.argv.index('--out') + 1];"
            " open(out, 'wb').write(b'RIFF\\x24\\x00\\x00\\x00WAVEfmt ')")
    synth = Pyttsx3Synthesizer(worker=fake_worker(code))
    with pytest.raises(SynthesisFailed, match="no usable WAV"):
        synth.synthesize("halo", "poz/id", 150, tmp_path / "prompt.wav")
    assert not (tmp_path / "prompt.wav").exists() and leftovers(tmp_path) == []


def test_failed_synthesis_keeps_the_previous_file(tmp_path):
    out = tmp_path / "prompt.wav"
    RecordingSynthesizer().synthesize("lama", "poz/id", 150, out)
    before = out.read_bytes()
    synth = Pyttsx3Synthesizer(worker=fake_worker("import os; os.abort()"))
    with pytest.raises(SynthesisFailed, match="SIGABRT"):
        synth.synthesize("baru", "poz/id", 150, out)
    assert out.read_bytes() == before


@pytest.mark.parametrize("text, voice, rate", [
    ("", "poz/id", 150), ("   ", "poz/id", 150), ("halo", "", 150), ("halo", "poz/id", 10),
    ("halo", "poz/id", 1000), ("halo", "poz/id", 150.0), ("halo", "poz/id", True),
    ("x" * 6000, "poz/id", 150),
])
def test_bad_requests_are_value_errors(tmp_path, text, voice, rate):
    with pytest.raises(ValueError):
        Pyttsx3Synthesizer().synthesize(text, voice, rate, tmp_path / "prompt.wav")


def test_missing_folder_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        Pyttsx3Synthesizer().synthesize("halo", "poz/id", 150, tmp_path / "nope" / "p.wav")


# ---------------------------------------------------------------------------------------------
# WAV checks and the worker's wait for a complete file


def write_wav(path: Path, frames: bytes) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(frames)


def test_read_wav_info_accepts_a_complete_file(tmp_path):
    path = tmp_path / "a.wav"
    write_wav(path, b"\x01\x00" * 1000)
    info = read_wav_info(path)
    assert (info.channels, info.sample_rate, info.sample_width, info.frames) == (1, 22050, 2, 1000)
    assert info.bytes_per_second == 44100
    assert info.duration == pytest.approx(1000 / 22050)


def test_read_wav_info_refuses_truncated_and_unpatched_files(tmp_path):
    path = tmp_path / "a.wav"
    write_wav(path, b"\x01\x00" * 1000)
    whole = path.read_bytes()
    path.write_bytes(whole[:-100])  # cut short
    assert not wav_is_complete(path)
    # What the wave module writes first: a header whose sizes say 0, then frames after it.
    unpatched = whole[:4] + b"\x24\x00\x00\x00" + whole[8:40] + b"\x00\x00\x00\x00" + whole[44:]
    path.write_bytes(unpatched)
    assert not wav_is_complete(path)
    path.write_bytes(whole[:4] + (len(whole) - 16).to_bytes(4, "little") + whole[8:])
    with pytest.raises(ValueError, match="RIFF size"):  # the RIFF size must be filled in too
        read_wav_info(path)
    path.write_bytes(whole + b"\x00" * 8)  # sizes say less than the file holds
    assert not wav_is_complete(path)
    path.write_bytes(b"")
    assert not wav_is_complete(path)
    assert not wav_is_complete(tmp_path / "missing.wav")
    write_wav(path, b"")
    assert not wav_is_complete(path)  # complete but empty: no frames


def test_worker_waits_until_the_file_is_complete(tmp_path):
    path = tmp_path / "a.wav"
    write_wav(path, b"\x01\x00" * 1000)
    whole = path.read_bytes()
    path.write_bytes(whole[:500])

    def finish() -> None:
        time.sleep(0.3)
        path.write_bytes(whole)

    writer = threading.Thread(target=finish)
    writer.start()
    start = time.monotonic()
    assert _speech_worker.wait_for_complete_wav(str(path), timeout=5)
    assert time.monotonic() - start >= 0.25
    writer.join()


def test_worker_wait_gives_up_on_an_incomplete_file(tmp_path):
    path = tmp_path / "a.wav"
    path.write_bytes(b"RIFF\x00\x00")
    start = time.monotonic()
    assert not _speech_worker.wait_for_complete_wav(str(path), timeout=0.3)
    assert 0.25 <= time.monotonic() - start < 3


# ---------------------------------------------------------------------------------------------
# RecordingSynthesizer


def test_recording_synthesizer_records_calls_and_writes_valid_wav(tmp_path):
    synth = RecordingSynthesizer()
    a, b = tmp_path / "a.wav", tmp_path / "b.wav"
    synth.synthesize("Selamat datang", "poz/id", 150, a)
    synth.synthesize("Welcome", "gmw/en", 115, b)
    assert synth.calls == [SynthesisCall("Selamat datang", "poz/id", 150, a),
                           SynthesisCall("Welcome", "gmw/en", 115, b)]
    channels, rate, width, frames = wave_params(a)
    assert (channels, rate, width) == (1, 22050, 2) and frames > 0
    assert read_wav_info(a).frames == frames
    assert 0.02 < wav_rms(a) < 0.1  # a quiet tone, not silence
    assert leftovers(tmp_path) == []


def test_recording_synthesizer_duration_follows_text_and_rate(tmp_path):
    synth = RecordingSynthesizer()
    short, long, slow = tmp_path / "s.wav", tmp_path / "l.wav", tmp_path / "slow.wav"
    text = TEXTS["id"]
    synth.synthesize(text, "poz/id", 150, short)
    synth.synthesize(text + " " + text, "poz/id", 150, long)
    synth.synthesize(text, "poz/id", 115, slow)
    d_short, d_long, d_slow = (read_wav_info(p).duration for p in (short, long, slow))
    assert d_long > 1.8 * d_short
    assert d_slow / d_short == pytest.approx(150 / 115, rel=0.01)
    assert d_short == pytest.approx(expected_seconds(text, "poz/id", 150), abs=0.001)
    assert audio_problem(short, text, "poz/id", 150) is None
    assert audio_problem(slow, text, "poz/id", 115) is None


def test_recording_synthesizer_validates_like_the_real_one(tmp_path):
    with pytest.raises(ValueError):
        RecordingSynthesizer().synthesize("", "poz/id", 150, tmp_path / "a.wav")


# ---------------------------------------------------------------------------------------------
# How long speech lasts: the check `voice build` runs over every file


def test_expected_seconds_grows_with_the_text_and_with_a_slower_rate():
    text = TEXTS["id"]
    assert expected_seconds(text + " " + text, "poz/id", 150) > 1.8 * expected_seconds(
        text, "poz/id", 150)
    assert expected_seconds(text, "poz/id", 115) / expected_seconds(text, "poz/id", 150) \
        == pytest.approx(150 / 115)
    assert expected_seconds(text, "POZ/ID", 150) == expected_seconds(text, "poz/id", 150)
    assert 0 < expected_seconds(text, "xx/other", 150) < expected_seconds(text, "xx/other", 80)


@pytest.mark.parametrize("seconds, fits", [
    (6.94, True),  # measured: TEXTS["id"] at 115 words a minute
    (3.90, False),  # the same text said at 200: the lost rate
    (4.51, False),  # ... at espeak-ng's own default, 175
    (2.00, False),  # cut short
    (16.0, False),  # far too long for the text
])
def test_duration_fits_the_measured_pace_and_refuses_another_rate(seconds, fits):
    assert duration_fits(seconds, TEXTS["id"], "poz/id", RATES["slow"]) is fits


@pytest.mark.parametrize("seconds, fits", [
    ({150: 5.28, 115: 6.94}, True),  # measured, ratio 1.31 for 150/115 = 1.30
    ({150: 5.28, 115: 3.90}, False),  # "slower" said at 200: shorter than normal
    ({150: 3.90, 115: 6.94}, False),  # normal said at 200: slow is 1.78 x as long
    ({150: 5.28, 115: 5.28}, False),  # slower but no longer
    ({150: 5.28, 115: 9.00}, False),
    ({150: 5.28}, True),  # a single file has no twin to compare with
    ({}, True),
])
def test_rates_fit_wants_the_slower_file_longer_by_the_rates_ratio(seconds, fits):
    assert rates_fit(seconds) is fits


def test_rates_fit_orders_by_rate_not_by_the_order_given():
    assert rates_fit({115: 6.94, 150: 5.28, 80: 9.5})
    assert not rates_fit({115: 6.94, 150: 5.28, 80: 6.0})


def test_audio_problem_accepts_a_file_of_the_right_length(tmp_path):
    out = tmp_path / "a.wav"
    RecordingSynthesizer().synthesize(TEXTS["en"], "gmw/en", 115, out)
    assert audio_problem(out, TEXTS["en"], "gmw/en", 115) is None


def test_audio_problem_finds_a_file_said_at_another_rate(tmp_path):
    out = tmp_path / "a.wav"
    RecordingSynthesizer().synthesize(TEXTS["id"], "poz/id", 200, out)
    problem = audio_problem(out, TEXTS["id"], "poz/id", 115)
    assert problem and "expected at 115 words a minute" in problem


def test_audio_problem_finds_a_file_cut_short(tmp_path):
    whole, cut = tmp_path / "whole.wav", tmp_path / "cut.wav"
    RecordingSynthesizer().synthesize(TEXTS["id"], "poz/id", 150, whole)
    info = read_wav_info(whole)
    with open(whole, "rb") as f:
        f.seek(info.data_offset)
        write_wav(cut, f.read(info.frames))  # a complete WAV with half the sound
    assert wav_is_complete(cut)
    assert "s long" in audio_problem(cut, TEXTS["id"], "poz/id", 150)


def test_audio_problem_finds_silence_of_the_right_length(tmp_path):
    out = tmp_path / "silent.wav"
    seconds = expected_seconds(TEXTS["id"], "poz/id", 150)
    write_wav(out, b"\x00\x00" * round(seconds * 22050))
    assert audio_problem(out, TEXTS["id"], "poz/id", 150).startswith("silent")


def test_audio_problem_finds_a_broken_or_missing_file(tmp_path):
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF\x00\x00")
    assert audio_problem(broken, "halo", "poz/id", 150).startswith("not a complete WAV")
    assert audio_problem(tmp_path / "none.wav", "halo", "poz/id", 150).startswith("not a complete")
