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
    # The reason screen shows the balance; the amount screen the account and the phone (the
    # whole balance, taken without tax: "amount/all"), their entry screens behind "Ganti".
    yield "reason", client.get("/selfie", follow_redirects=True)
    yield "amount/all-staff", client.post("/reason", data={"reason": "disability"},
                                          follow_redirects=True)
    yield "bank/bank-list", client.post("/amount", data={"change": "bank"},
                                        follow_redirects=True)
    yield "bank/account", client.post("/bank", data={"bank_name": "BRI"}, follow_redirects=True)
    yield "bank/account", client.post("/bank", data={"account": "123"})  # error
    yield "bank/holder", client.post("/bank", data={"account": "1234567"}, follow_redirects=True)
    yield "amount/all-staff", client.post("/bank", data={"confirm": "1"}, follow_redirects=True)
    yield "phone/entry", client.post("/amount", data={"change": "phone"}, follow_redirects=True)
    yield "phone/entry", client.post("/phone", data={"number": "0812"})  # error
    yield "amount/all-staff", client.post("/phone", data={"number": "081234567890"},
                                          follow_redirects=True)
    yield "documents", client.post("/amount", follow_redirects=True)
    yield "review/staff", client.post("/documents", data={"done": "1"}, follow_redirects=True)
    # The account and phone choices, from the review's Ubah.
    yield "bank/choose", client.post("/review/change", data={"step": "bank"},
                                     follow_redirects=True)
    yield "review/staff", client.post("/bank", data={"choice": "keep"}, follow_redirects=True)
    yield "phone/choose", client.post("/review/change", data={"step": "phone"},
                                      follow_redirects=True)
    yield "review/staff", client.post("/phone", data={"choice": "keep"}, follow_redirects=True)
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
    assert len(seen) == 31


def test_the_language_changes_the_words_and_the_voice_follows(tone):
    texts = {language: screen_voice_of(start(tone, language))["data-text"]
             for language in LANGUAGES}
    assert texts["id"].startswith("Ketik nomor kartu BPJS atau KTP Anda, lalu tekan Lanjut.")
    assert texts["en"].startswith("Type your BPJS card or KTP number, then press Continue.")
    assert len(set(texts.values())) == 4  # Javanese and Sundanese have their own words


def test_the_error_is_said_before_the_screen_prompt(tone):
    start(tone)
    voice = screen_voice_of(tone.post("/identify", data={"number": ""}))
    assert voice["data-text"] == ("Masukkan nomor kartu Anda dulu. Ketik nomor kartu BPJS atau "
                                  "KTP Anda, lalu tekan Lanjut.")


def test_amounts_dates_and_claim_numbers_are_spoken_as_words(tone_app, tone):
    balance = screen_voice_of(on_the_balance(tone_app, tone))["data-text"]
    assert balance == ("Uang JHT Anda dua belas juta tiga ratus empat puluh lima ribu enam ratus "
                       "tujuh puluh delapan rupiah. Kenapa Anda mengambil JHT? Tekan alasan Anda.")
    amount = screen_voice_of(tone.post("/reason", data={"reason": "retirement_age"},
                                       follow_redirects=True))["data-text"]
    # The last digits of the account and the phone, as words (all the balance: said just before).
    assert amount.startswith("Semua uang JHT Anda ke rekening BRI berakhiran satu lima nol "
                             "delapan. SMS ke HP berakhiran nol nol satu.")
    assert not re.search(r"\d", amount)
    tone.post("/amount")
    review = screen_voice_of(tone.get("/review"))["data-text"]
    assert "Alasan: Usia 56 tahun." in review and "12" not in review
    receipt = tone.post("/review", follow_redirects=True)
    number = re.search(r'data-testid="claim-number">([\d ]+)<', receipt.get_data(as_text=True))
    spoken = screen_voice_of(receipt)["data-text"]
    digits = "nol satu dua tiga empat lima enam tujuh delapan sembilan".split()
    groups = [" ".join(digits[int(d)] for d in group) for group in number.group(1).split()]
    assert f"Nomor klaim Anda {', '.join(groups)}." in spoken
    assert re.search(r"pada [a-z ]+ (Desember|November) dua ribu dua puluh enam atau lebih "
                     r"cepat\.", spoken), spoken
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
        # Outside <main> (the toolbar and Settings come after it), so no swap removes them.
        outside_main = page.split("<main", 1)[0] + page.split("</main>", 1)[1]
        for action in ("hear-again", "slower", "volume-down", "volume-up", "speech-off"):
            assert f'data-action="{action}"' in outside_main, action
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


def test_voice_build_makes_every_clip_of_every_choice_and_control(tone_app):
    """The page's map of choice and control clips (/voice/labels/<language>.json) names only
    files that `voice build` made, and the audio endpoint serves each of them."""
    result = tone_app.test_cli_runner().invoke(args=["voice", "build"])
    assert result.exit_code == 0, result.output
    cache = tone_app.extensions["voice"].cache
    client = tone_app.test_client()
    total = 0
    for language in LANGUAGES:
        answer = client.get(f"/voice/labels/{language}.json")
        assert answer.status_code == 200 and answer.mimetype == "application/json"
        groups = {key: value for key, value in answer.get_json().items() if key != "language"}
        assert set(groups) == {"choices", "texts", "fields", "states", "counts", "numbers", "mode"}
        for group in groups.values():
            for clip in group.values():
                for src in (clip["src"], clip["slow_src"]):
                    key = src.rsplit("/", 1)[1][:-4]
                    assert cache.path(key).exists(), (language, clip)
                    total += 1
        sample = groups["choices"]["reason:partial_10"]
        audio = client.get(sample["slow_src"])
        assert audio.status_code == 200 and audio.mimetype == "audio/wav"
    assert total > 4 * 2 * 140
    assert client.get("/voice/labels/xx.json").status_code == 404


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
    measured over all of this language's prompts in this run (no constant assumed).

    A word or two (a button's name, a number) is mostly espeak-ng's lead-in and tail: it is held
    to the cache's own check instead (kiosk.voice.cache.SHORT_TEXT_CHARS). Of the numbers, counts
    and months, all made alike by num2words and Babel, a few stand for the rest.
    """
    from kiosk.voice.cache import SHORT_TEXT_CHARS
    from kiosk.voice.prompts import clips

    voice = espeak_app.extensions["voice"]
    with espeak_app.app_context(), force_locale(language):
        from flask_babel import gettext

        alike = {clip.text for clip in clips(gettext, language)
                 if clip.group in ("numbers", "counts") or clip.name.startswith("month:")}
        kept = {clip.text for clip in clips(gettext, language)
                if clip.name in ("number:0", "number:7", "number:11", "number:31", "count:1",
                                 "count:2", "count:20", "month:1", "month:12")}
        texts = [text for lang, text in voice.static_prompts()
                 if lang == language and (text not in alike or text in kept)]
    rate = RATES["normal"]
    lengths = {}
    for text in texts:
        path = voice.cache.ensure(language, voice_for(language), rate, text)
        info = read_wav_info(path)
        assert info.sample_rate == 22050 and info.channels == 1, text
        assert wav_rms(path) > 0.02, f"silent: {text}"
        lengths[text] = info.duration
    seconds_per_char = statistics.median(lengths[t] / len(t) for t in texts
                                         if len(t) >= SHORT_TEXT_CHARS)
    assert 0.03 < seconds_per_char < 0.15  # a human speaking pace, measured not assumed
    for text, seconds in lengths.items():
        if len(text) < SHORT_TEXT_CHARS:
            assert voice.cache.check(language, voice_for(language), [rate], text) == {}, text
            continue
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
    spoken = screen_voice_of(tone.post("/reason", data={"reason": "retirement_age"},
                                       follow_redirects=True))["data-text"]
    assert ("dipotong pajak" in spoken) is said_tax, spoken
    # The amount is said where it is not the whole balance (the reason screen said that).
    assert spoken.startswith("Uang " if said_tax else "Semua uang JHT Anda "), spoken
    assert ("rupiah" in spoken) is said_tax, spoken


# --- every choice spoken, and audio mode ----------------------------------------------------------

from html.parser import HTMLParser  # noqa: E402

from kiosk.voice.prompts import label_key  # noqa: E402

CONTROL_TAGS = {"button", "a", "input"}


class Controls(HTMLParser):
    """The controls of a page as voice.js names them: (attributes, words, main's step)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[dict] = []
        self.open: list[dict] = []  # controls whose words are being read
        self.hidden_depth = 0  # inside an aria-hidden element
        self.stack: list[tuple[str, bool]] = []
        self.labels: dict[str, str] = {}  # <label for> -> words
        self.label: list | None = None
        self.step = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        hidden = attributes.get("aria-hidden") == "true"
        if tag == "main":
            self.step = attributes.get("data-step", "")
        if tag not in ("input", "img", "br", "meta", "link", "path", "rect", "circle", "source"):
            self.stack.append((tag, hidden))
            self.hidden_depth += hidden
        if tag == "label" and attributes.get("for"):
            self.label = [attributes["for"], ""]
        if tag in CONTROL_TAGS and not (tag == "a" and "href" not in attributes) and \
                attributes.get("type") != "hidden":
            control = {"tag": tag, "attributes": attributes, "words": "", "step": self.step,
                       "parts": [], "depth": len(self.stack)}
            self.found.append(control)
            if tag != "input":
                self.open.append(control)
        elif self.open and len(self.stack) == self.open[-1]["depth"] + 1:
            self.open[-1]["parts"].append("")  # a child element of a control: one of its parts

    def handle_endtag(self, tag):
        if any(open_tag == tag for open_tag, _ in self.stack):
            while self.stack:  # an element left open (a <p> before a <div>) closes here too
                open_tag, hidden = self.stack.pop()
                self.hidden_depth -= hidden
                if open_tag == tag:
                    break
        if tag == "label" and self.label:
            self.labels[self.label[0]] = self.label[1]
            self.label = None
        if self.open and self.open[-1]["tag"] == tag:
            self.open.pop()

    def handle_data(self, data):
        if self.hidden_depth:
            return
        for control in self.open:
            control["words"] += data
            if control["parts"] and len(self.stack) > control["depth"]:  # inside a part
                control["parts"][-1] += data
        if self.label:
            self.label[1] += data


def clip_of(control: dict, labels: dict, clip_map: dict, fields: dict) -> dict | None:
    """Find a control's clip the way voice.js does (choice, field, words, number, and for an
    error link without words of its own, the field it leads to)."""
    attributes = control["attributes"]
    code = attributes.get("data-choice")
    if code:
        clip = clip_map["choices"].get(f"language:{code}") if "lang" in attributes else None
        clip = clip or clip_map["choices"].get(f"{control['step']}:{code}")
        if clip:
            return clip
    if control["tag"] == "input":
        field = clip_map["fields"].get(f"{control['step']}:{attributes.get('id')}")
        if field:
            return field
        words = labels.get(attributes.get("id"), "")
    else:
        words = attributes.get("aria-label") or control["words"]
    words = " ".join(words.split())
    clip = clip_map["texts"].get(label_key(words)) or (
        clip_map["numbers"].get(words) if words.isdigit() else None)
    href = attributes.get("href", "")
    if clip is None and href.startswith("#") and href[1:] in fields:
        return clip_of(fields[href[1:]], labels, clip_map, fields)  # a link to a field
    if clip is None and control.get("parts"):  # said part by part (a date part, then "Ubah")
        parts = [" ".join(part.split()) for part in control["parts"]]
        found = [clip_map["texts"].get(label_key(part)) or
                 (clip_map["numbers"].get(part) if part.isdigit() else None) for part in parts]
        if all(found):
            return found[0]
    return clip


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_choice_and_control_of_every_screen_has_its_clip(tone_app, tone, language):
    maps = {code: tone.get(f"/voice/labels/{code}.json").get_json() for code in LANGUAGES}
    choices_seen = set()
    for name, response in walk(tone, tone_app, language):
        page_language = re.search(r'<html lang="(\w+)"', response.get_data(as_text=True))
        clip_map = maps[page_language.group(1)]  # the page's own (welcome is Indonesian first)
        parser = Controls()
        parser.feed(response.get_data(as_text=True))
        missing = []
        fields = {control["attributes"].get("id"): control for control in parser.found
                  if control["tag"] == "input"}
        for control in parser.found:
            attributes = control["attributes"]
            clip = clip_of(control, parser.labels, clip_map, fields)
            if clip is None:
                missing.append((control["tag"], " ".join(control["words"].split()),
                                {k: v for k, v in attributes.items()
                                 if k in ("data-choice", "data-action", "id", "aria-label")}))
            elif attributes.get("data-choice"):
                choices_seen.add(clip["name"])
        assert missing == [], f"{language} {name}: controls without a clip: {missing}"
    assert {"choice:language:en", "choice:reason:disability", "choice:bank:new",
            "choice:phone:new", "choice:survey:5"} <= choices_seen


def test_a_choice_says_the_words_its_button_shows(tone_app, tone):
    """The reasons, papers and faces say exactly their buttons' words (the bank and phone
    choices say "mine" for the masked number shown)."""
    clip_map = tone.get("/voice/labels/id.json").get_json()
    checked = 0
    for name, response in walk(tone, tone_app, "id"):
        parser = Controls()
        parser.feed(response.get_data(as_text=True))
        for control in parser.found:
            code = control["attributes"].get("data-choice")
            # (A language, in Settings on every screen, is said in its own language instead.)
            if code and control["step"] in ("reason", "documents", "survey") \
                    and "lang" not in control["attributes"]:
                clip = clip_map["choices"][f"{control['step']}:{code}"]
                shown = re.sub(r"[.\s]+", " ", control["words"]).strip()
                assert re.sub(r"[.\s]+", " ", clip["text"]).strip() == shown, (clip, shown)
                checked += 1
    assert checked >= 9


def test_the_review_says_the_account_and_phone_by_their_last_digits_and_shows_so(tone_app, tone):
    on_the_balance(tone_app, tone, "above_limit")
    tone.post("/balance")
    tone.post("/reason", data={"reason": "retirement_age"})
    tone.post("/amount")
    tone.post("/bank", data={"choice": "keep"})
    tone.post("/phone", data={"choice": "new"})
    tone.post("/phone", data={"number": "081234567890"})
    response = tone.get("/review", follow_redirects=True)
    if 'data-step="documents"' in response.get_data(as_text=True):
        response = tone.post("/documents", data={"done": "1"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    spoken = screen_voice_of(response)
    assert spoken["data-voice"] == "review/staff"
    text = spoken["data-text"]
    who = person("above_limit")
    last = " ".join("nol satu dua tiga empat lima enam tujuh delapan sembilan".split()[int(d)]
                    for d in who.bank_account[-4:])
    assert f"rupiah ke rekening {who.bank_name} berakhiran {last}." in text
    assert "SMS ke HP berakhiran delapan sembilan nol." in text
    assert "Jumlahnya di atas batas klaim mandiri, jadi petugas memeriksanya dulu." in text
    assert text.endswith("Tekan Kirim klaim.")
    # Every number in words (the reason's name is said as shown), the account never in full.
    assert not re.search(r"\d", text.replace("Usia 56 tahun", ""))
    assert 'data-testid="not-read-aloud">Nomor rekening dan nomor HP tidak dibacakan lengkap.<' \
        in page


def test_audio_mode_is_kept_by_the_visit_and_ends_with_it(tone):
    assert 'data-audio-mode="off"' in tone.get("/").get_data(as_text=True)
    # A key press on the welcome screen: the page asks the visit to remember it.
    assert tone.post("/voice/settings", data={"audio": "1", "off": "1"}).status_code == 204
    page = tone.get("/").get_data(as_text=True)
    assert 'data-audio-mode="on"' in page and 'data-speech-off="off"' in page  # it needs the voice
    swapped = start(tone)  # Start begins a visit of its own: the page tells it again
    assert swapped.status_code == 200
    identify_screen = tone.get("/identify", headers={"HX-Request": "true"})
    assert identify_screen.headers["X-Audio-Mode"] == "off"
    tone.post("/voice/settings", data={"audio": "1"})
    assert tone.get("/identify", headers={"HX-Request": "true"}).headers["X-Audio-Mode"] == "on"
    assert 'data-audio-mode="on"' in tone.get("/identify").get_data(as_text=True)
    assert "X-Audio-Mode" not in tone.get("/identify").headers  # a whole page says it on <body>
    tone.post("/start-over")  # the visit ends: the next person starts without it
    assert 'data-audio-mode="off"' in tone.get("/").get_data(as_text=True)
    assert 'data-audio-mode="off"' in start(tone).get_data(as_text=True)
    tone.post("/voice/settings", data={"audio": "1"})
    tone.post("/voice/settings", data={"audio": "0"})
    assert 'data-audio-mode="off"' in tone.get("/identify").get_data(as_text=True)


def test_a_number_field_offers_its_digits_read_back_only_in_audio_mode(tone):
    page = start(tone).get_data(as_text=True)
    button = re.search(r'<button[^>]*data-action="hear-digits"[^>]*>', page)
    assert button and "hidden" in button.group(0) and 'type="button"' in button.group(0)
    assert 'data-hear-digits="number"' in button.group(0)
