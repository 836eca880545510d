"""The prompt catalogue (kiosk.voice.prompts): pure, with gettext passed in."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.biometrics import Advice
from kiosk.paper import PageAdvice
from kiosk.voice import prompts
from kiosk.voice.prompts import SCREENS, compose, message_ids, screen_text, sentence, static_texts

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "kiosk" / "templates" / "participant"


def identity(message: str) -> str:
    return message


def test_titles_become_sentences_and_sentences_stay():
    assert sentence("Nomor kartu Anda") == "Nomor kartu Anda."
    assert sentence(" Tahun berapa Anda lahir? ") == "Tahun berapa Anda lahir?"
    assert sentence("") == ""


def test_compose_translates_fills_facts_and_joins():
    english = {"Uang JHT Anda %(amount)s.": "Your JHT money is %(amount)s.",
               "Tekan Lanjut.": "Press Continue."}
    text = compose(("Uang JHT Anda %(amount)s.", "Tekan Lanjut."), english.get,
                   {"amount": "twelve rupiah"})
    assert text == "Your JHT money is twelve rupiah. Press Continue."
    assert compose(("Ambil 10%% saja",), identity, {}) == "Ambil 10% saja."


def test_a_screen_says_its_error_first_then_its_prompt():
    said = screen_text("phone/entry", identity, code="mobile")
    assert said == ("Nomor HP dimulai dengan 08 dan punya 10 sampai 13 angka. Ketik nomor HP Anda, "
                    "mulai dengan 08. Tekan Lanjut jika sudah.")
    assert screen_text("phone/entry", identity, code="no-such-code") == \
        "Ketik nomor HP Anda, mulai dengan 08. Tekan Lanjut jika sudah."


def test_a_missing_fact_is_an_error_not_a_silent_gap():
    with pytest.raises(KeyError):
        screen_text("balance", identity, {})


def test_a_fact_of_none_leaves_its_sentence_out():
    said = screen_text("amount", identity, {"net": "lima juta rupiah", "tax": None})
    assert said == "Uang yang Anda terima lima juta rupiah. Tekan Lanjut."


def test_static_texts_are_every_prompt_and_error_without_a_fact_and_every_cue():
    texts = set(static_texts(identity))
    assert "Tahun berapa Anda lahir? Ketik 4 angka tahun lahir Anda. Tekan Lanjut jika sudah." \
        in texts
    assert ("Ketik tahun lahir dengan 4 angka, misalnya 1968. Tahun berapa Anda lahir? Ketik 4 "
            "angka tahun lahir Anda. Tekan Lanjut jika sudah.") in texts
    assert "Mundur sedikit dari layar." in texts  # a selfie cue
    assert not any("%(" in text for text in texts)
    assert not any(text.startswith("Nomor ini punya") for text in texts)  # wrong_length has %(n)s
    assert not any(text.startswith("Uang JHT Anda") for text in texts)  # the balance is dynamic


def test_every_selfie_and_paper_advice_code_has_words():
    assert set(prompts.SELFIE_ADVICE) == {str(code) for code in Advice}
    assert set(prompts.PAPER_ADVICE) == {str(code) for code in PageAdvice}


def test_every_number_error_code_has_words():
    source = (ROOT / "kiosk" / "jht" / "identifiers.py").read_text()
    codes = set(re.findall(r'NumberError\(\s*"(\w+)"', source))
    assert codes and codes <= set(prompts.IDENTIFY_ERRORS)


def test_every_step_template_has_a_prompt():
    steps = {path.stem.replace("_", "-") for path in TEMPLATES.glob("*.html")}
    named = {name.split("/", 1)[0] for name in SCREENS}
    assert steps - named == set()


def test_every_message_is_extracted_for_translation():
    from babel.messages.pofile import read_po

    with (ROOT / "translations" / "messages.pot").open("rb") as handle:
        extracted = {message.id for message in read_po(handle) if message.id}
    assert message_ids() - extracted == set()
