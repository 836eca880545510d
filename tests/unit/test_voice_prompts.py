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
    facts = {"net": "lima juta rupiah", "bank": "BRI", "account": "satu dua tiga empat",
             "phone": "satu dua tiga"}
    said = screen_text("amount", identity, {**facts, "tax": None})
    assert said == ("Uang lima juta rupiah ke rekening BRI berakhiran satu dua tiga empat. SMS ke "
                    "HP berakhiran satu dua tiga. Jika benar, tekan Ya, benar.")
    taxed = screen_text("amount", identity, {**facts, "tax": "dua ribu rupiah"})
    assert "Itu sudah dipotong pajak dua ribu rupiah." in taxed


def test_static_texts_are_every_prompt_and_error_without_a_fact_and_every_cue():
    texts = set(static_texts(identity))
    assert "Tahun berapa Anda lahir? Ketik 4 angka, lalu tekan Lanjut." in texts
    assert ("Ketik tahun lahir dengan 4 angka, misalnya 1968. Tahun berapa Anda lahir? Ketik 4 "
            "angka, lalu tekan Lanjut.") in texts
    assert "Mundur sedikit dari layar." in texts  # a selfie cue
    assert not any("%(" in text for text in texts)
    assert not any(text.startswith("Nomor ini punya") for text in texts)  # wrong_length has %(n)s
    assert not any(text.startswith("Uang JHT Anda") for text in texts)  # the balance is dynamic


def test_every_selfie_and_paper_advice_code_has_words():
    # Every code the analysis gives, and the camera's opening words and the head turn.
    assert set(prompts.SELFIE_ADVICE) == {str(code) for code in Advice} | {"start", "turn"}
    assert set(prompts.SELFIE_RETRY) == set(prompts.SELFIE_RETRY_HELP)
    assert set(prompts.PAPER_ADVICE) == {str(code) for code in PageAdvice}


def test_every_number_error_code_has_words():
    source = (ROOT / "kiosk" / "jht" / "identifiers.py").read_text()
    codes = set(re.findall(r'NumberError\(\s*"(\w+)"', source))
    assert codes and codes <= set(prompts.IDENTIFY_ERRORS)


def test_every_step_template_has_a_prompt():
    # (Templates named _like_this are parts of other screens.)
    steps = {path.stem.replace("_", "-") for path in TEMPLATES.glob("*.html")
             if not path.stem.startswith("_")}
    named = {name.split("/", 1)[0] for name in SCREENS}
    assert steps - named == set()


def test_every_message_is_extracted_for_translation():
    from babel.messages.pofile import read_po

    with (ROOT / "translations" / "messages.pot").open("rb") as handle:
        extracted = {message.id for message in read_po(handle) if message.id}
    assert message_ids() - extracted == set()


# --- the words of every choice and control ------------------------------------------------------

from babel.messages.pofile import read_po  # noqa: E402

from kiosk.jht import DOCUMENTS_BY_REASON, Reason  # noqa: E402
from kiosk.voice.prompts import (CHOICES, DOCUMENT_NAMES, LABELS, REASON_LINES,  # noqa: E402
                                 REASON_NAMES, STAFF_REASONS, SURVEY_FACES, clip_message_ids,
                                 clips, label_key, review_messages)

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English", "jv": "Basa Jawa", "su": "Basa Sunda"}
TRANSLATIONS = ROOT / "translations"
COMPONENTS = ROOT / "kiosk" / "templates" / "components"


def catalogue(language: str) -> dict[str, str]:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and isinstance(m.id, str)}


def gettext_for(language: str):
    if language == "id":
        return identity
    words = catalogue(language)
    return lambda message: words.get(message) or message


def test_every_choice_of_the_contract_has_its_words():
    assert set(CHOICES["reason"]) == {str(reason) for reason in Reason}  # death is no choice
    papers = {doc for docs in DOCUMENTS_BY_REASON.values() for doc in docs}
    assert {f"have-{doc}" for doc in papers} <= set(CHOICES["documents"])
    assert set(CHOICES["survey"]) == {"1", "2", "3", "4", "5"}
    assert set(CHOICES["bank"]) == set(CHOICES["phone"]) == {"keep", "new"}
    for step, choices in CHOICES.items():
        for code, messages in choices.items():
            assert messages and all(message.strip() for message in messages), (step, code)
    # A reason is said with its name and its one line.
    assert all(len(CHOICES["reason"][code]) == 2 for code in REASON_NAMES)


@pytest.mark.parametrize("language", ["en", "jv", "su"])
def test_every_choice_and_control_is_translated(language):
    words = catalogue(language)
    wanted = clip_message_ids() | set(STAFF_REASONS.values())
    missing = sorted(message for message in wanted if not words.get(message))
    assert missing == [], f"{language}: not translated: {missing}"
    if language == "en":  # English never reads like the Indonesian source
        same = sorted(m for m in wanted if words[m] == m and not m.startswith("%("))
        assert same == [], same


def test_the_voice_says_the_words_the_screens_show():
    """components/labels.html and survey.html show these codes' words; the voice says them."""
    labels = (COMPONENTS / "labels.html").read_text()

    def macro(name: str) -> dict[str, str]:
        body = labels.split(f"macro {name}(", 1)[1].split("endmacro", 1)[0]
        return dict(re.findall(r'"(\w+)": _\("([^"]+)"\)', body))

    assert macro("reason_name") == REASON_NAMES
    assert macro("reason_line") == REASON_LINES
    assert macro("document_name") == DOCUMENT_NAMES
    shown_reasons = macro("staff_reason")
    assert {code: STAFF_REASONS[code] for code in shown_reasons} == shown_reasons
    survey = (TEMPLATES / "survey.html").read_text()
    assert dict(re.findall(r'"(\d)": _\("([^"]+)"\)', survey)) == SURVEY_FACES


@pytest.mark.parametrize("language", ["id", "en", "jv", "su"])
def test_each_clip_is_found_by_one_key_and_says_something(language):
    found: dict[tuple[str, str], str] = {}
    names: dict[str, str] = {}
    for clip in clips(gettext_for(language), language, names=LANGUAGE_NAMES, banks=("BRI", "BNI")):
        assert clip.text.strip() and "%(" not in clip.text and "%%" not in clip.text, clip
        where = (clip.group, clip.key)
        # Two controls may show the same words; then they say the same thing.
        assert found.setdefault(where, clip.text) == clip.text, (where, clip, found[where])
        assert names.setdefault(clip.name, clip.text) == clip.text, clip
    assert ("choices", "language:en") in found and ("choices", "reason:partial_10") in found
    assert ("texts", label_key(gettext_for(language)("Lanjut"))) in found
    assert ("numbers", "31") in found and ("counts", "20") in found
    assert ("mode", "start") in found


def test_a_clip_says_a_choice_with_its_line_and_numbers_in_the_language_of_its_voice():
    said = {clip.name: clip for clip in clips(identity, "id", names=LANGUAGE_NAMES)}
    assert said["choice:reason:partial_10"].text == \
        "Ambil sebagian (10 persen). Sisanya tetap ditabung. Hanya bisa sekali."
    assert said["choice:language:en"].text == "English." and said["choice:language:en"].language == "en"
    assert said["count:1"].text == "Satu angka." and said["count:12"].text == "dua belas angka."
    assert said["month:8"].text == "Agustus."
    javanese = {clip.name: clip for clip in clips(gettext_for("jv"), "jv")}
    # Javanese is spoken by the Indonesian voice: its numbers are the Indonesian clips.
    assert javanese["number:7"].language == "id" and javanese["number:7"].text == "tujuh"
    assert javanese["label:Lanjut"].language == "jv"
    english = {clip.name: clip for clip in clips(gettext_for("en"), "en")}
    assert english["number:7"].text == "seven" and english["count:3"].text == "three digits."


def test_static_texts_hold_every_clip_said_in_the_language_of_their_voice():
    banks = ("BRI", "MANDIRI")
    for language in ("id", "en", "jv"):
        gettext = gettext_for(language)
        texts = set(static_texts(gettext, language, names=LANGUAGE_NAMES, banks=banks))
        for clip in clips(gettext, language, names=LANGUAGE_NAMES, banks=banks):
            assert (clip.text in texts) is (clip.language == language), (language, clip)
    indonesian = set(static_texts(identity, "id", names=LANGUAGE_NAMES, banks=banks))
    assert {"Rekening lain. Anda mengetik nomor rekening baru.", "Mode suara. Tekan panah untuk "
            "berpindah, tekan Enter untuk memilih. Tekan tombol tambah untuk mendengar lagi.",
            "Bahasa Indonesia.", "MANDIRI.", "tiga puluh satu", "Dipilih."} <= indonesian
    assert "English." not in indonesian  # said by the English voice, with the English texts


def test_label_keys_are_the_words_as_the_page_matches_them():
    assert label_key("  Dengar\n   Lagi ") == "dengar lagi"
    assert label_key("Ambil 10%% saja") == "ambil 10% saja"


def test_the_review_says_why_staff_check_it_before_the_note_and_the_send():
    plain = review_messages()
    assert plain == SCREENS["review"].parts
    staff = review_messages(("above_limit", "bank_holder", "no-such-code"))
    assert staff[-3:] == (STAFF_REASONS["above_limit"], STAFF_REASONS["bank_holder"],
                          "Tekan Kirim klaim.")
    assert prompts.REVIEW_NOT_READ not in staff  # the screen says it; the voice does not
    values = {"reason": "Usia 56 tahun", "net": "lima juta rupiah", "bank": "BRI",
              "account": "satu dua tiga empat", "phone": "tujuh delapan sembilan",
              "have": None, "needed": None}
    said = compose(plain, identity, values)
    assert said == ("Periksa klaim Anda. Alasan: Usia 56 tahun. Uang lima juta rupiah ke rekening "
                    "BRI berakhiran satu dua tiga empat. SMS ke HP berakhiran tujuh delapan "
                    "sembilan. Tekan Kirim klaim.")
    # The whole balance without tax: "all your JHT money" (the reason screen said how much).
    assert compose(review_messages(whole=True), identity, values).startswith(
        "Periksa klaim Anda. Alasan: Usia 56 tahun. Semua uang JHT Anda ke rekening BRI")
    assert "Surat yang Anda bawa: satu dari dua." in compose(plain, identity, {
        **values, "have": "satu", "needed": "dua"})


def test_every_label_is_a_message_once():
    assert len(LABELS) == len(set(LABELS))
    assert set(LABELS) <= message_ids()
