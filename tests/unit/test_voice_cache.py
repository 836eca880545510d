"""kiosk.voice.cache.VoiceCache: keys, paths, at-most-once synthesis, atomic files, checks."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
import wave
from pathlib import Path

import pytest

from hardware.errors import HardwareError, SynthesisFailed
from hardware.speech import (Pyttsx3Synthesizer, RecordingSynthesizer, Synthesizer,
                             espeak_available, expected_seconds, read_wav_info, wav_is_complete,
                             wav_rms)
from kiosk.voice import RATES, VOICES, rate_for, voice_for
from kiosk.voice.cache import VoiceCache, normalize_text

REPO = Path(__file__).resolve().parents[2]

needs_espeak = pytest.mark.skipif(
    not espeak_available() and not os.environ.get("CI"),
    reason="espeak-ng is not installed (scripts/setup.sh installs it; CI always runs these)")

ID = ("id", "poz/id", 150)


def partials(root: Path) -> list[Path]:
    return sorted(root.rglob("*.part")) if root.exists() else []


class HalfThenFail(Synthesizer):
    """Writes half a WAV at the path it is given, then fails, as a crashing device would."""

    def __init__(self) -> None:
        self.paths: list[Path] = []

    def synthesize(self, text, voice, rate, path):
        self.paths.append(Path(path))
        Path(path).write_bytes(b"RIFF\x00\x10\x00\x00WAVEfmt \x10\x00\x00\x00")
        raise SynthesisFailed("device fell over", device="speech")


class WritesGarbage(Synthesizer):
    """Claims success but leaves a file that is not a complete WAV."""

    def synthesize(self, text, voice, rate, path):
        Path(path).write_bytes(b"not a wav at all")


class PausesMidway(RecordingSynthesizer):
    """Signals `started` once writing has begun, then waits for `go`."""

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.go = threading.Event()

    def synthesize(self, text, voice, rate, path):
        Path(path).write_bytes(b"RIFF")  # a partial file at the synthesizer's path
        self.started.set()
        assert self.go.wait(10)
        super().synthesize(text, voice, rate, path)


# ---------------------------------------------------------------------------------------------
# Languages, voices, rates


def test_language_voice_and_rate_mapping():
    assert VOICES == {"id": "poz/id", "en": "gmw/en", "jv": "poz/id", "su": "poz/id"}
    assert RATES == {"normal": 150, "slow": 115}
    assert voice_for("jv") == "poz/id" and rate_for("slow") == 115 and rate_for() == 150
    with pytest.raises(ValueError):
        voice_for("fr")
    with pytest.raises(ValueError):
        rate_for("fast")


# ---------------------------------------------------------------------------------------------
# Keys and paths




def test_with_a_secret_the_key_is_an_hmac_that_guessing_the_text_cannot_reproduce():
    text = "Uang JHT Anda dua belas juta rupiah."
    keys = {VoiceCache.key(*ID, text), VoiceCache.key(*ID, text, b"s1"), VoiceCache.key(*ID, text, b"s2")}
    assert len(keys) == 3 and VoiceCache.key(*ID, text, b"s1") == VoiceCache.key(*ID, text, b"s1")


def test_a_secret_key_finds_its_own_file(tmp_path):
    cache = VoiceCache(tmp_path, RecordingSynthesizer())
    path = cache.ensure(*ID, "Nomor klaim Anda satu dua.", secret=b"s1")
    assert path.stem == cache.key(*ID, "Nomor klaim Anda satu dua.", b"s1")
    assert cache.get(*ID, "Nomor klaim Anda satu dua.", secret=b"s1") == path
    assert cache.get(*ID, "Nomor klaim Anda satu dua.") is None


def test_key_is_a_stable_sha256_hex():
    key = VoiceCache.key(*ID, "Selamat datang")
    assert len(key) == 64 and int(key, 16) >= 0
    assert key == VoiceCache.key(*ID, "Selamat datang")


@pytest.mark.parametrize("other", [
    ("id", "poz/id", 150, "Selamat pagi"),  # text
    ("jv", "poz/id", 150, "Selamat datang"),  # language (same voice)
    ("id", "gmw/en", 150, "Selamat datang"),  # voice
    ("id", "poz/id", 115, "Selamat datang"),  # rate
])
def test_each_part_changes_the_key(other):
    assert VoiceCache.key(*ID, "Selamat datang") != VoiceCache.key(*other)


def test_different_texts_give_different_keys():
    texts = ["Tekan tombol hijau.", "Tekan tombol merah.", "a|b", "a", "b", "a b", "ab"]
    assert len({VoiceCache.key(*ID, t) for t in texts}) == len(texts)


def test_fields_cannot_run_into_each_other():
    assert VoiceCache.key("id", "poz/id", 150, "x") != VoiceCache.key("id", "poz/id", 15, "0x")
    assert VoiceCache.key("i", "dpoz/id", 150, "x") != VoiceCache.key("id", "poz/id", 150, "x")


def test_whitespace_and_unicode_forms_share_a_key():
    assert normalize_text("  Nope\u0301mber\n\t2026 ") == "Nop\u00e9mber 2026"
    assert VoiceCache.key(*ID, " Selamat   datang\n") == VoiceCache.key(*ID, "Selamat datang")


def test_path_is_sharded_by_the_key(tmp_path):
    cache = VoiceCache(tmp_path, RecordingSynthesizer())
    key = cache.key(*ID, "Selamat datang")
    assert cache.path(key) == tmp_path / key[:2] / f"{key}.wav"


@pytest.mark.parametrize("bad", ["../../etc/passwd", "ABC", "a" * 63, "g" * 64, "A" * 64])
def test_path_refuses_what_is_not_a_key(tmp_path, bad):
    with pytest.raises(ValueError):
        VoiceCache(tmp_path, RecordingSynthesizer()).path(bad)


def test_rate_must_be_an_int():
    with pytest.raises(TypeError):
        VoiceCache.key("id", "poz/id", "150", "x")


# ---------------------------------------------------------------------------------------------
# get / ensure / count / size


def test_ensure_synthesises_once_and_get_finds_it(tmp_path):
    synth = RecordingSynthesizer()
    cache = VoiceCache(tmp_path / "voice", synth)
    assert cache.get(*ID, "Selamat datang") is None
    assert cache.count() == 0 and cache.size_bytes() == 0
    path = cache.ensure(*ID, "Selamat datang")
    assert path == cache.path(cache.key(*ID, "Selamat datang"))
    assert cache.get(*ID, "Selamat datang") == path
    assert cache.ensure(*ID, "Selamat  datang ") == path
    assert len(synth.calls) == 1
    assert synth.calls[0].text == "Selamat datang" and synth.calls[0].rate == 150
    assert cache.count() == 1 and cache.size_bytes() == path.stat().st_size
    cache.ensure("en", "gmw/en", 115, "Welcome")
    assert cache.count() == 2
    assert partials(tmp_path) == []


def test_ensure_passes_voice_and_rate_through(tmp_path):
    synth = RecordingSynthesizer()
    cache = VoiceCache(tmp_path, synth)
    cache.ensure("su", voice_for("su"), rate_for("slow"), "Wilujeng sumping")
    (call,) = synth.calls
    assert (call.voice, call.rate) == ("poz/id", 115)


def test_empty_text_is_refused(tmp_path):
    with pytest.raises(ValueError):
        VoiceCache(tmp_path, RecordingSynthesizer()).ensure(*ID, "  \n ")


def test_a_damaged_cached_file_is_not_served_and_is_remade(tmp_path):
    synth = RecordingSynthesizer()
    cache = VoiceCache(tmp_path, synth)
    path = cache.ensure(*ID, "Selamat datang")
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])  # e.g. a disk that filled up, a power cut
    assert cache.get(*ID, "Selamat datang") is None
    assert cache.ensure(*ID, "Selamat datang") == path
    assert path.read_bytes() == whole and len(synth.calls) == 2


def test_count_and_size_ignore_partial_and_foreign_files(tmp_path):
    cache = VoiceCache(tmp_path, RecordingSynthesizer())
    path = cache.ensure(*ID, "Selamat datang")
    (path.parent / f".{path.stem}.123.part").write_bytes(b"x" * 1000)
    (path.parent / "notes.wav").write_bytes(b"x" * 1000)
    assert cache.count() == 1 and cache.size_bytes() == path.stat().st_size


def test_sweep_partials_removes_only_old_leftovers(tmp_path):
    cache = VoiceCache(tmp_path, RecordingSynthesizer())
    path = cache.ensure(*ID, "Selamat datang")
    old = path.parent / f".{path.stem}.1.part"
    new = path.parent / f".{path.stem}.2.part"
    old.write_bytes(b"x")
    new.write_bytes(b"x")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert cache.sweep_partials(older_than=3600) == 1
    assert not old.exists() and new.exists() and path.exists()


# ---------------------------------------------------------------------------------------------
# check / repair: each file against its text and rate

TEXT = "Silakan tempelkan kartu identitas Anda pada pembaca di bawah layar."
BOTH = (RATES["normal"], RATES["slow"])


class IgnoresRate(RecordingSynthesizer):
    """Says everything at 200 words a minute, whatever it is asked: the lost-rate fault."""

    def synthesize(self, text, voice, rate, path):
        super().synthesize(text, voice, 200, path)


def plant(cache: VoiceCache, rate: int, frames: bytes | None = None, said_at: int = 0) -> Path:
    """Put a wrong file in the cache under TEXT's key at `rate`: raw `frames`, or TEXT said at
    `said_at` words a minute."""
    path = cache.path(cache.key("id", "poz/id", rate, TEXT))
    path.parent.mkdir(parents=True, exist_ok=True)
    if frames is None:
        RecordingSynthesizer().synthesize(TEXT, "poz/id", said_at, path)
    else:
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(22050)
            w.writeframes(frames)
    return path


def test_check_finds_nothing_wrong_with_files_of_the_right_length(tmp_path):
    cache = VoiceCache(tmp_path, RecordingSynthesizer())
    for rate in BOTH:
        cache.ensure("id", "poz/id", rate, TEXT)
    assert cache.check("id", "poz/id", BOTH, TEXT) == {}
    assert cache.check("id", "poz/id", BOTH, "Teks yang belum dibuat.") == {}  # missing: not off


def test_check_finds_a_slow_file_said_at_another_rate(tmp_path):
    cache = VoiceCache(tmp_path, RecordingSynthesizer())
    cache.ensure("id", "poz/id", RATES["normal"], TEXT)
    plant(cache, RATES["slow"], said_at=200)
    problems = cache.check("id", "poz/id", BOTH, TEXT)
    assert list(problems) == [RATES["slow"]]
    assert "expected at 115 words a minute" in problems[RATES["slow"]]


def test_check_finds_silence_and_a_cut_file(tmp_path):
    cache = VoiceCache(tmp_path, RecordingSynthesizer())
    plant(cache, RATES["normal"], frames=b"\x00\x00" * 22050 * 5)  # 5 s of silence
    plant(cache, RATES["slow"], frames=RecordingSynthesizer.tone(1.0))  # 1 s of a 7 s text
    problems = cache.check("id", "poz/id", BOTH, TEXT)
    assert problems[RATES["normal"]].startswith("silent")
    assert "s long" in problems[RATES["slow"]]


def test_check_wants_the_slow_file_longer_than_its_normal_twin(tmp_path):
    """Each file on its own is a possible length for the text, but the pair is not."""
    cache = VoiceCache(tmp_path, RecordingSynthesizer())
    seconds = expected_seconds(TEXT, "poz/id", RATES["normal"])
    plant(cache, RATES["normal"], frames=RecordingSynthesizer.tone(1.2 * seconds))
    plant(cache, RATES["slow"], frames=RecordingSynthesizer.tone(1.2 * seconds))
    problems = cache.check("id", "poz/id", BOTH, TEXT)
    assert set(problems) == set(BOTH)
    assert "slower is not longer" in problems[RATES["slow"]]


def test_a_word_or_two_may_run_long_by_espeaks_tail_but_not_short_or_at_another_rate(tmp_path):
    """English "one" lasts 0.78 s at 150 words a minute where the pace model says 0.36 s."""
    from kiosk.voice.cache import SHORT_TAIL_SECONDS

    cache = VoiceCache(tmp_path, RecordingSynthesizer())
    word = "one"

    def put(rate: int, seconds: float) -> None:
        path = cache.path(cache.key("en", "gmw/en", rate, word))
        path.parent.mkdir(parents=True, exist_ok=True)
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(22050)
            w.writeframes(RecordingSynthesizer.tone(seconds))

    normal, slow = RATES["normal"], RATES["slow"]
    put(normal, 0.78)
    put(slow, 0.78 * normal / slow)
    assert cache.check("en", "gmw/en", BOTH, word) == {}
    # The same lengths for a sentence are wrong: the tail is allowed to a short text only.
    assert expected_seconds(word, "gmw/en", normal) * 1.5 < 0.78
    tail = expected_seconds(word, "gmw/en", normal) * 1.5 + SHORT_TAIL_SECONDS + 0.2
    put(normal, tail)  # longer than a word and its tail
    put(slow, tail * normal / slow)
    assert set(cache.check("en", "gmw/en", BOTH, word)) == set(BOTH)
    put(normal, 0.1)  # cut short
    put(slow, 0.78 * normal / slow)
    assert normal in cache.check("en", "gmw/en", BOTH, word)
    put(normal, 0.78)  # each fits, but the slow one was said at the normal rate
    put(slow, 0.78)
    assert "slower is not longer" in cache.check("en", "gmw/en", BOTH, word)[slow]


def test_repair_rebuilds_only_what_is_off_and_in_place(tmp_path):
    synth = RecordingSynthesizer()
    cache = VoiceCache(tmp_path, synth)
    normal = cache.ensure("id", "poz/id", RATES["normal"], TEXT)
    before = normal.read_bytes()
    slow = plant(cache, RATES["slow"], said_at=200)
    synth.calls.clear()
    assert cache.repair("id", "poz/id", BOTH, TEXT) == (1, {})
    assert [call.rate for call in synth.calls] == [RATES["slow"]]
    assert normal.read_bytes() == before
    assert cache.check("id", "poz/id", BOTH, TEXT) == {}
    assert read_wav_info(slow).duration > read_wav_info(normal).duration
    assert partials(tmp_path) == []
    assert cache.repair("id", "poz/id", BOTH, TEXT) == (0, {})


def test_repair_says_what_is_still_off_when_the_synthesizer_keeps_erring(tmp_path):
    cache = VoiceCache(tmp_path, IgnoresRate())
    for rate in BOTH:
        cache.ensure("id", "poz/id", rate, TEXT)
    rebuilt, left = cache.repair("id", "poz/id", BOTH, TEXT)
    assert rebuilt == 2 and set(left) == set(BOTH)


def test_ensure_with_rebuild_replaces_a_complete_file(tmp_path):
    synth = RecordingSynthesizer()
    cache = VoiceCache(tmp_path, synth)
    path = plant(cache, RATES["slow"], said_at=200)
    assert cache.ensure("id", "poz/id", RATES["slow"], TEXT) == path and synth.calls == []
    assert cache.ensure("id", "poz/id", RATES["slow"], TEXT, rebuild=True) == path
    assert len(synth.calls) == 1
    assert cache.check("id", "poz/id", [RATES["slow"]], TEXT) == {}


# ---------------------------------------------------------------------------------------------
# Failures and atomic writes


def test_a_synthesizer_failing_midway_leaves_no_file(tmp_path):
    synth = HalfThenFail()
    cache = VoiceCache(tmp_path, synth)
    with pytest.raises(HardwareError, match="device fell over"):
        cache.ensure(*ID, "Selamat datang")
    final = cache.path(cache.key(*ID, "Selamat datang"))
    assert synth.paths and synth.paths[0] != final  # it was handed a temporary name
    assert not final.exists() and cache.get(*ID, "Selamat datang") is None
    assert cache.count() == 0 and partials(tmp_path) == []


def test_a_synthesizer_writing_garbage_is_a_hardware_error(tmp_path):
    cache = VoiceCache(tmp_path, WritesGarbage())
    with pytest.raises(SynthesisFailed, match="no usable WAV"):
        cache.ensure(*ID, "Selamat datang")
    assert cache.count() == 0 and partials(tmp_path) == []


def test_nothing_shows_under_the_final_name_while_synthesising(tmp_path):
    synth = PausesMidway()
    cache = VoiceCache(tmp_path, synth)
    final = cache.path(cache.key(*ID, "Selamat datang"))
    worker = threading.Thread(target=cache.ensure, args=(*ID, "Selamat datang"))
    worker.start()
    assert synth.started.wait(10)
    assert not final.exists() and cache.get(*ID, "Selamat datang") is None
    assert partials(tmp_path)  # the work in progress is under a temporary name
    synth.go.set()
    worker.join(10)
    assert wav_is_complete(final) and partials(tmp_path) == []


# ---------------------------------------------------------------------------------------------
# Concurrency


def test_concurrent_ensure_of_one_key_synthesises_once(tmp_path):
    synth = RecordingSynthesizer(delay=0.2)
    cache = VoiceCache(tmp_path, synth)
    barrier = threading.Barrier(8)
    results: list[tuple[Path, int, int]] = []
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            barrier.wait()
            path = cache.ensure(*ID, "Nomor klaim Anda")
            with wave.open(str(path), "rb") as w:  # every reader gets a complete file
                results.append((path, w.getnframes(), len(w.readframes(w.getnframes()))))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert errors == []
    assert len(synth.calls) == 1
    assert len(results) == 8 and len({r[0] for r in results}) == 1
    assert all(frames > 0 and data == 2 * frames for _, frames, data in results)
    assert cache._locks == {}  # per-key locks are dropped once unused
    assert partials(tmp_path) == []


def test_different_keys_do_not_wait_for_each_other(tmp_path):
    synth = RecordingSynthesizer(delay=0.4)
    cache = VoiceCache(tmp_path, synth)
    threads = [threading.Thread(target=cache.ensure, args=(*ID, f"Teks nomor {n}"))
               for n in range(4)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert time.monotonic() - start < 1.2  # one after another would take 1.6 s or more
    assert len(synth.calls) == 4 and cache.count() == 4


def test_two_processes_ensuring_one_key_both_get_a_complete_file(tmp_path):
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(REPO)!r})
        from pathlib import Path
        from hardware.speech import RecordingSynthesizer, read_wav_info
        from kiosk.voice.cache import VoiceCache
        cache = VoiceCache(Path({str(tmp_path)!r}), RecordingSynthesizer(delay=0.3))
        start = float(sys.argv[1])
        time.sleep(max(0.0, start - time.time()))
        path = cache.ensure("id", "poz/id", 150, "Dua proses sekaligus")
        print(read_wav_info(path).frames)
    """)
    start = str(time.time() + 1.0)
    procs = [subprocess.Popen([sys.executable, "-c", script, start], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=30) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    frames = {int(out.strip()) for out, _ in outputs}
    assert len(frames) == 1 and frames.pop() > 0
    cache = VoiceCache(tmp_path, RecordingSynthesizer())
    assert cache.count() == 1 and partials(tmp_path) == []


# ---------------------------------------------------------------------------------------------
# With the real synthesizer


@needs_espeak
@pytest.mark.parametrize("language", ["id", "en", "jv"])
def test_ensure_with_espeak(tmp_path, language):
    cache = VoiceCache(tmp_path, Pyttsx3Synthesizer())
    text = {"id": "Selamat datang", "en": "Welcome", "jv": "Sugeng rawuh"}[language]
    path = cache.ensure(language, voice_for(language), rate_for("normal"), text)
    info = read_wav_info(path)
    assert (info.sample_rate, info.channels, info.sample_width) == (22050, 1, 2)
    assert info.frames > 0 and wav_rms(path) > 0.03
    assert cache.get(language, voice_for(language), rate_for("normal"), text) == path
    assert partials(tmp_path) == []
