"""The voice on the web: every screen names its prompt and serves it as audio, in four languages.

Most tests use the `tone` synthesizer (a test double writing a quiet tone, hardware.speech); the
real one (pyttsx3 + espeak-ng) speaks every static prompt in test_every_static_prompt_... and the
dynamic ones in test_dynamic_facts_..., whose durations are checked against the speaking rate
measured on the same run.
"""
from __future__ import annotations

import html as html_lib
import os
import re
import statistics
import time
from datetime import date

import pytest
from flask_babel import force_locale

from hardware.errors import SynthesisFailed
from hardware.speech import (RecordingSynthesizer, Synthesizer, espeak_available, read_wav_info,
                             wav_rms)
from kiosk import create_app
from kiosk.config import config_for_tests
from kiosk.i18n import LANGUAGES
from kiosk.voice import RATES, voice_for
from kiosk.voice.prompts import SCREENS
from kiosk.voice.spoken import Digits, Rupiah
from tests.conftest import empty_tables
from tests.helpers import identify, load_demo, person, post_frame, staff_accepts, start

AUDIO = re.compile(r"<audio\b[^>]*\bdata-voice=\"([^\"]+)\"[^>]*>")


def voices(response) -> dict[str, dict[str, str]]:
    """name -> attributes of each <audio data-voice> on the page (the screen's and the idle's)."""
    found = {}
    for match in AUDIO.finditer(response.get_data(as_text=True)):
        attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(0)))
        found[match.group(1)] = {k: html_lib.unescape(v) for k, v in attributes.items()}
    return found


def screen_voice_of(response) -> dict[str, str]:
    """The voice of the screen (the one inside <main>)."""
    main = response.get_data(as_text=True).split("<main", 1)[1].split("</main>", 1)[0]
    match = AUDIO.search(main)
    assert match, "this screen has no voice"
    attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(0)))
    return {k: html_lib.unescape(v) for k, v in attributes.items()}


@pytest.fixture
def tone_app(database_url, tmp_path):
    """The app with the tone synthesizer, so audio is made in milliseconds; DEMO=1 so that a
    participant without a reference photo sees the selfie screens (demo enrolment)."""
    app = create_app(config_for_tests(tmp_path, database_url, SPEECH="tone", DEMO=True))
    yield app
    empty_tables(app)


@pytest.fixture
def tone(tone_app):
    load_demo(tone_app)
    return tone_app.test_client()


def on_the_balance(app, client, key: str = "age56"):
    """Start a visit, identify `key`, let staff accept the identity; return the balance screen."""
    who = person(key)
    start(client)
    identify(client, who.kpj, who.birth_date)
    client.post("/selfie/prefer-staff")  # staff accept a request, never whoever is at the kiosk
    staff_accepts(app)
    return client.get("/selfie", follow_redirects=True)


def walk(client, app, language: str):
    """Visit the screens of a claim that staff finish (disability) and the side screens; yield
    (expected voice name, response) for each."""
    age56 = person("age56")
    yield "welcome", client.get("/")
    yield "identify", start(client, language)
    yield "identify", client.post("/identify", data={"number": "123"})  # wrong_length
    yield "birth-date/day", client.post("/identify", data={"number": age56.kpj},
                                        follow_redirects=True)
    yield "birth-date/month", client.post("/birth-date", data={"day": age56.birth_date.day})
    yield "birth-date/year", client.post("/birth-date", data={"month": age56.birth_date.month})
    yield "birth-date/year", client.post("/birth-date", data={"year": "19"})  # error
    yield "selfie/intro", client.post("/birth-date",
                                      data={"year": str(age56.birth_date.year)},
                                      follow_redirects=True)
    yield "selfie/camera", client.post("/selfie/start", follow_redirects=True)
    yield "selfie/staff", client.post("/selfie/prefer-staff", follow_redirects=True)
    staff_accepts(app)
    yield "balance", client.get("/selfie", follow_redirects=True)
    yield "reason", client.post("/balance", follow_redirects=True)
    yield "amount/staff", client.post("/reason", data={"reason": "disability"},
                                      follow_redirects=True)
    yield "bank/choose", client.post("/amount", follow_redirects=True)
    yield "bank/bank-list", client.post("/bank", data={"choice": "new"}, follow_redirects=True)
    yield "bank/account", client.post("/bank", data={"bank_name": "BRI"}, follow_redirects=True)
    yield "bank/account", client.post("/bank", data={"account": "123"})  # error
    yield "bank/holder", client.post("/bank", data={"account": "1234567"}, follow_redirects=True)
    yield "phone/choose", client.post("/bank", data={"confirm": "1"}, follow_redirects=True)
    yield "phone/entry", client.post("/phone", data={"choice": "new"}, follow_redirects=True)
    yield "phone/entry", client.post("/phone", data={"number": "0812"})  # error
    yield "documents", client.post("/phone", data={"number": "081234567890"},
                                   follow_redirects=True)
    yield "review/staff", client.post("/documents", data={"done": "1"}, follow_redirects=True)
    yield "receipt/staff", client.post("/review", follow_redirects=True)
    yield "survey", client.post("/receipt", follow_redirects=True)
    yield "welcome", client.post("/survey", data={"score": "5"}, follow_redirects=True)
    start(client, language)
    yield "staff-coming", client.post("/call-staff", follow_redirects=True)
    yield "error/not_found", client.get("/no-such-page")


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_screen_speaks_its_prompt_and_serves_it_as_audio(tone_app, tone, language):
    seen = []
    for name, response in walk(tone, tone_app, language):
        voice = screen_voice_of(response)
        assert voice["data-voice"] == name, f"{name}: spoke {voice['data-voice']}"
        assert voice["data-text"].strip(), name
        assert "%(" not in voice["data-text"], name
        for src in (voice["src"], voice["data-slow-src"]):
            audio = tone.get(src)
            assert audio.status_code == 200 and audio.mimetype == "audio/wav", (name, src)
        seen.append(name)
        if name == "identify" and language == "id" and response.status_code == 422:
            assert voice["data-text"].startswith("Nomor ini punya tiga angka.")
    assert len(seen) == 28


def test_the_language_changes_the_words_and_the_voice_follows(tone):
    texts = {language: screen_voice_of(start(tone, language))["data-text"]
             for language in LANGUAGES}
    assert texts["id"].startswith("Nomor kartu Anda.")
    assert texts["en"].startswith("Your card number.")
    assert len(set(texts.values())) == 4  # Javanese and Sundanese have their own words


def test_the_error_is_said_before_the_screen_prompt(tone):
    start(tone)
    voice = screen_voice_of(tone.post("/identify", data={"number": ""}))
    assert voice["data-text"] == ("Masukkan nomor kartu Anda dulu. Nomor kartu Anda. Ketik nomor "
                                  "di kartu BPJS Anda atau nomor KTP Anda. Tekan Lanjut jika sudah.")


def test_amounts_dates_and_claim_numbers_are_spoken_as_words(tone_app, tone):
    balance = screen_voice_of(on_the_balance(tone_app, tone))["data-text"]
    assert balance == ("Uang JHT Anda dua belas juta tiga ratus empat puluh lima ribu enam ratus "
                       "tujuh puluh delapan rupiah. Tekan Lanjut.")
    tone.post("/balance")
    tone.post("/reason", data={"reason": "retirement_age"})
    tone.post("/amount")
    tone.post("/bank", data={"choice": "keep"})
    tone.post("/phone", data={"choice": "keep"})
    review = screen_voice_of(tone.get("/review"))["data-text"]
    assert "Alasan: Usia 56 tahun." in review and "rupiah" in review and "12" not in review
    receipt = tone.post("/review", follow_redirects=True)
    number = re.search(r'data-testid="claim-number">([\d ]+)<', receipt.get_data(as_text=True))
    spoken = screen_voice_of(receipt)["data-text"]
    digits = "nol satu dua tiga empat lima enam tujuh delapan sembilan".split()
    groups = [" ".join(digits[int(d)] for d in group) for group in number.group(1).split()]
    assert f"Nomor klaim Anda {', '.join(groups)}." in spoken
    assert re.search(r"paling lambat [a-z ]+ (Desember|November) dua ribu dua puluh enam\.",
                     spoken), spoken
    assert not re.search(r"\d", spoken)


def test_static_audio_is_cached_a_year_and_personal_audio_is_never_stored(tone_app, tone):
    welcome = voices(tone.get("/"))["welcome"]
    audio = tone.get(welcome["src"])
    assert {"public", "immutable"} <= set(audio.headers["Cache-Control"].replace(" ", "")
                                          .split(",")) and "max-age=31536000" in \
        audio.headers["Cache-Control"]
    balance = screen_voice_of(on_the_balance(tone_app, tone))
    personal = tone.get(balance["src"])
    assert personal.status_code == 200 and personal.headers["Cache-Control"] == "no-store"
    # Another browser (the next person) cannot have it made, nor fetch a stranger's address.
    stranger = tone_app.test_client()
    assert stranger.get(balance["data-slow-src"]).status_code == 404
    assert stranger.get("/voice/" + "0" * 64 + ".wav").status_code == 404
    assert stranger.get("/voice/not-a-key.wav").status_code == 404


def test_a_personal_prompt_has_an_address_that_does_not_reveal_the_amount(tone_app, tone):
    """The address is an HMAC with the app's secret: hashing the text gives another key."""
    from kiosk.voice.cache import VoiceCache

    balance = screen_voice_of(on_the_balance(tone_app, tone))
    plain = VoiceCache.key("id", "poz/id", RATES["normal"], balance["data-text"])
    assert plain not in balance["src"]


def test_personal_audio_is_deleted_when_the_visit_ends_and_by_retention_purge(tone_app, tone):
    balance = screen_voice_of(on_the_balance(tone_app, tone))
    tone.get(balance["src"])
    personal = tone_app.extensions["voice"].personal
    assert personal.count() == 1
    tone.post("/start-over")
    assert personal.count() == 0

    tone.get(screen_voice_of(on_the_balance(tone_app, tone))["src"])
    old = time.time() - 2 * 3600
    for path in personal.root.glob("??/*.wav"):
        os.utime(path, (old, old))
    output = tone_app.test_cli_runner().invoke(args=["retention", "purge"]).output
    assert "1 spoken prompt(s) with personal facts deleted" in output
    assert personal.count() == 0


def test_slower_speech_volume_and_speech_off_are_remembered_for_the_visit(tone_app, tone):
    start(tone)
    page = tone.get("/identify").get_data(as_text=True)
    assert 'data-speech-slow="off"' in page and 'data-speech-volume="0.75"' in page
    identify_voice = screen_voice_of(tone.get("/identify"))
    assert identify_voice["src"] != identify_voice["data-slow-src"]
    assert tone.post("/voice/settings", data={"slow": "1"}).status_code == 204
    for _ in range(5):
        tone.post("/voice/settings", data={"volume": "up"})
    tone.post("/voice/settings", data={"off": "1"})
    response = tone.get("/identify")
    page = response.get_data(as_text=True)
    assert 'data-speech-slow="on"' in page and 'data-speech-off="on"' in page
    assert 'data-speech-volume="1.0"' in page  # the top of the scale, not past it
    assert screen_voice_of(response)["src"] == identify_voice["data-slow-src"]
    assert 'data-action="slower" aria-pressed="true"' in page
    for _ in range(9):
        tone.post("/voice/settings", data={"volume": "down"})
    assert 'data-speech-volume="0.25"' in tone.get("/identify").get_data(as_text=True)
    tone.post("/start-over")  # the next person starts with the defaults
    page = start(tone).get_data(as_text=True)
    assert 'data-speech-slow="off"' in page and 'data-speech-off="off"' in page


def test_every_screen_has_a_hear_again_button_outside_main(tone):
    for response in (tone.get("/"), start(tone), tone.get("/no-such-page")):
        page = response.get_data(as_text=True)
        before_main = page.split("<main", 1)[0]
        for action in ("hear-again", "slower", "volume-down", "volume-up", "speech-off"):
            assert f'data-action="{action}"' in before_main, action
        assert "idle" in voices(response)


def test_selfie_and_paper_advice_carry_their_spoken_cue(tone_app, tone):
    from tests import facekit, paperkit

    resigned = person("resigned")
    start(tone)
    identify(tone, resigned.nik, resigned.birth_date)
    tone.post("/selfie/start")
    answer = post_frame(tone, "/selfie/frame", facekit.dark(facekit.selfie_frame("obama")))
    assert answer["voice"]["name"] == f"selfie-advice/{answer['advice']}"
    assert answer["voice"]["text"] == answer["text"]
    cue = tone.get(answer["voice"]["src"])
    assert cue.status_code == 200 and "public" in cue.headers["Cache-Control"]

    tone.post("/selfie/prefer-staff")
    staff_accepts(tone_app)
    tone.post("/balance")
    tone.post("/reason", data={"reason": "resignation"})
    tone.post("/amount")
    tone.post("/bank", data={"choice": "keep"})
    tone.post("/phone", data={"choice": "keep"})
    tone.post("/documents", data={"toggle": "resignation_letter"})
    tone.post("/documents", data={"done": "1"})
    answer = post_frame(tone, "/documents/frame", paperkit.no_page())
    assert answer["voice"]["name"] == "paper-advice/no-page"
    assert tone.get(answer["voice"]["src"]).status_code == 200


class Broken(Synthesizer):
    def synthesize(self, text, voice, rate, path):
        raise SynthesisFailed("espeak crashed", device="speech")


def test_speech_settings_belong_to_a_kiosk(tone_app):
    stranger = tone_app.test_client()
    response = stranger.post("/voice/settings", data={"slow": "1"},
                             environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert response.status_code == 403


def test_a_failing_synthesizer_answers_retry_later_and_the_screen_still_works(tone_app, tone):
    tone_app.extensions["voice"].cache.synthesizer = Broken()
    page = tone.get("/")
    assert page.status_code == 200
    audio = tone.get(voices(page)["welcome"]["src"])
    assert audio.status_code == 503 and audio.headers["Retry-After"] == "2"
    assert audio.headers["Cache-Control"] == "no-store"


def test_voice_build_makes_every_static_prompt_once_with_a_progress_bar(tone_app):
    runner = tone_app.test_cli_runner()
    result = runner.invoke(args=["voice", "build"])
    assert result.exit_code == 0, result.output
    voice = tone_app.extensions["voice"]
    with tone_app.app_context():
        static = list(voice.static_prompts())
    assert voice.cache.count() == len(static) * len(RATES)
    assert f"{len(static) * len(RATES)} prompts (4 languages, 2 speeds), 0 built already" \
        in result.output
    assert "Building the voice" in result.output
    again = runner.invoke(args=["voice", "build"])
    assert f"{len(static) * len(RATES)} built already" in again.output
    # Every static prompt of every screen is among them: no participant waits for one.
    with tone_app.test_request_context():
        for language in LANGUAGES:
            with force_locale(language):
                from kiosk.participant.voice import screen_voice
                for name, prompt in SCREENS.items():
                    if not prompt.fields():
                        key = screen_voice(*name.split("/", 1))["src"].rsplit("/", 1)[1][:-4]
                        assert voice.cache.path(key).exists(), (language, name)


def test_voice_build_says_when_speech_cannot_be_made(tone_app):
    tone_app.extensions["voice"].cache.synthesizer = Broken()
    result = tone_app.test_cli_runner().invoke(args=["voice", "build"])
    assert result.exit_code != 0
    assert "could not be synthesised" in result.output and "espeak-ng" in result.output


# --- the real voice ---------------------------------------------------------------------------

needs_espeak = pytest.mark.skipif(not espeak_available(), reason="espeak-ng is not installed")


@pytest.fixture(scope="module")
def espeak_app(tmp_path_factory):
    """The app with the real synthesizer; SQLite is enough for speaking."""
    folder = tmp_path_factory.mktemp("espeak")
    return create_app(config_for_tests(folder, f"sqlite:///{folder / 'kiosk.db'}",
                                       SPEECH="pyttsx3"))


@needs_espeak
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_static_prompt_is_real_speech_as_long_as_its_text(espeak_app, language):
    """espeak-ng speaks each prompt; each WAV's length fits its text at the speaking rate
    measured over all of this language's prompts in this run (no constant assumed)."""
    voice = espeak_app.extensions["voice"]
    with espeak_app.app_context():
        texts = [text for lang, text in voice.static_prompts() if lang == language]
    rate = RATES["normal"]
    lengths = {}
    for text in texts:
        path = voice.cache.ensure(language, voice_for(language), rate, text)
        info = read_wav_info(path)
        assert info.sample_rate == 22050 and info.channels == 1, text
        assert wav_rms(path) > 0.02, f"silent: {text}"
        lengths[text] = info.duration
    seconds_per_char = statistics.median(lengths[t] / len(t) for t in texts)
    assert 0.03 < seconds_per_char < 0.15  # a human speaking pace, measured not assumed
    for text, seconds in lengths.items():
        expected = seconds_per_char * len(text)
        assert 0.6 * expected < seconds < 1.6 * expected, (text, seconds, expected)


@needs_espeak
def test_slow_speech_is_slower_by_the_rates_ratio(espeak_app):
    voice = espeak_app.extensions["voice"]
    text = "Ketik nomor di kartu BPJS Anda atau nomor KTP Anda. Tekan Lanjut jika sudah."
    normal = read_wav_info(voice.cache.ensure("id", "poz/id", RATES["normal"], text)).duration
    slow = read_wav_info(voice.cache.ensure("id", "poz/id", RATES["slow"], text)).duration
    wanted = RATES["normal"] / RATES["slow"]  # 1.30
    assert 0.85 * wanted < slow / normal < 1.2 * wanted


@needs_espeak
def test_dynamic_facts_are_spoken_at_the_same_pace_as_the_static_prompts(espeak_app):
    """A balance in words takes as long to say as its words: no digits read one by one."""
    with espeak_app.test_request_context():
        from kiosk.participant.voice import screen_voice, voice

        cache = voice().personal
        said = {}
        for name, sub, values in (
                ("balance", None, {"amount": Rupiah(12_345_678)}),
                ("receipt", None, {"number": Digits("0901 01 00001 7", (4, 2, 5, 1)),
                                   "date": date(2026, 11, 30), "gross": Rupiah(12_345_678),
                                   "tax": None, "net": Rupiah(12_345_678), "bank": "BRI",
                                   "account": Digits("4567", (4,)), "bring": None,
                                   "phone": None})):
            text = screen_voice(name, sub, values=values)["text"]
            path = cache.ensure("id", "poz/id", RATES["normal"], text, voice().secret)
            said[text] = read_wav_info(path).duration
        reference = "Ketik nomor di kartu BPJS Anda atau nomor KTP Anda. Tekan Lanjut jika sudah."
        base = read_wav_info(voice().cache.ensure("id", "poz/id", RATES["normal"], reference))
        pace = base.duration / len(reference)
    for text, seconds in said.items():
        assert 0.6 * pace * len(text) < seconds < 1.6 * pace * len(text), (text, seconds)


def test_each_language_is_spoken_with_the_voice_its_readers_understand(tone_app):
    with tone_app.test_request_context():
        from kiosk.participant.voice import screen_voice

        keys = set()
        for language in LANGUAGES:
            with force_locale(language):
                keys.add(screen_voice("welcome")["src"])
    assert len(keys) == 4


@pytest.mark.parametrize("key, said_tax", [("age56", False), ("above_limit", True)])
def test_the_tax_is_said_only_when_there_is_one(tone_app, tone, key, said_tax):
    on_the_balance(tone_app, tone, key)
    tone.post("/balance")
    spoken = screen_voice_of(tone.post("/reason", data={"reason": "retirement_age"},
                                       follow_redirects=True))["data-text"]
    assert ("perkiraan pajak" in spoken) is said_tax, spoken
    assert spoken.startswith("Uang yang Anda terima ") and "rupiah" in spoken
