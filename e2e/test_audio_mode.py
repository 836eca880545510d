"""Audio mode, for a participant who cannot see the screen, with keyboard events only.

Nothing is clicked: a key press on the welcome screen starts audio mode; the arrow keys (and a
numeric keypad's) move through the controls, Enter presses one, digits type a number, * reads
the number back. Each step checks which clip the kiosk said for the control that has the focus
(body[data-spoken] lists the clips begun, body[data-speaking] the one heard now; voice.js) and
that a number typed is never said unless asked for.

The live server speaks with pyttsx3 + espeak-ng, each clip synthesised on first use.
"""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from e2e.journey import (CAMERA_SECONDS, PEOPLE_BY_KEY, digits_pattern, main, mark_stale,
                         settled, welcome)

# Speech plays four times as fast here (conftest.FAST_SPEECH_JS): these tests follow whole playlists.
pytestmark = pytest.mark.usefixtures("fast_speech")

SPEAKS = 15_000  # ms: a clip not built yet is synthesised on first use
AGE56 = PEOPLE_BY_KEY["age56"]


def spoken(page: Page) -> list[str]:
    """The clips begun since the log was last cleared, oldest first."""
    return json.loads(page.evaluate("() => document.body.dataset.spoken || '[]'"))


def forget(page: Page) -> None:
    """Clear the log of clips begun (voice.js appends to whatever the attribute holds)."""
    page.evaluate("() => { document.body.dataset.spoken = '[]'; }")


def said(page: Page, *names: str, timeout: int = SPEAKS) -> None:
    """Wait until the log holds `names` in this order (others may come between)."""
    page.wait_for_function(
        """names => { const log = JSON.parse(document.body.dataset.spoken || '[]');
                      let at = 0;
                      for (const name of log) if (name === names[at]) at += 1;
                      return at === names.length; }""", arg=list(names), timeout=timeout)


def heard(page: Page, name: str) -> None:
    """Wait until the clip `name` is actually played (its audio plays or has played)."""
    page.wait_for_function(
        """name => document.body.dataset.speaking === name
             || [...document.querySelectorAll('audio[data-voice]')].some(a =>
                  a.dataset.voice === name && ['playing', 'ended'].includes(a.dataset.voiceState))""",
        arg=name, timeout=SPEAKS)


def focused_clip(page: Page) -> str | None:
    return page.evaluate("() => window.KioskVoice.clipFor(document.activeElement)")


def move_to(page: Page, name: str, key: str = "ArrowDown", limit: int = 60) -> None:
    """Press `key` until the focused control is the one that says `name`; check it said so."""
    for _ in range(limit):
        forget(page)
        page.keyboard.press(key)
        if focused_clip(page) == name:
            said(page, name)
            return
    raise AssertionError(f"no control saying {name!r} within {limit} presses of {key}")


def press_and_wait(page: Page, key: str, step: str, state: str | None = None) -> None:
    mark_stale(page)
    page.keyboard.press(key)
    # The live server may be busy making clips on first use (a kiosk has them built already).
    expect(page.locator("main:not([data-e2e-stale])")).to_have_count(1, timeout=SPEAKS)
    settled(page, step, state)


def start_audio_mode(page: Page) -> None:
    welcome(page)
    page.wait_for_function("() => window.KioskVoice && window.KioskVoice.ready()")
    expect(page.locator("body")).to_have_attribute("data-audio-mode", "off")
    forget(page)
    page.keyboard.press("KeyA")  # any key
    expect(page.locator("body")).to_have_attribute("data-audio-mode", "on")
    said(page, "audio-mode")
    heard(page, "audio-mode")
    assert spoken(page)[0] == "audio-mode"  # how it works, said before anything else


def type_number(page: Page, digits: str, input_id: str) -> list[str]:
    """Type digits on the keyboard; return the clips begun meanwhile (the count, said when the
    typing pauses)."""
    forget(page)
    page.keyboard.type(digits)
    expect(page.locator(f"#{input_id}")).to_have_value(digits_pattern(digits))
    said(page, f"count:{len(digits)}")
    return spoken(page)


def test_a_blind_participant_claims_with_the_keyboard_alone(page: Page, snap):
    start_audio_mode(page)
    # The first control of the screen: the language in use, said as chosen.
    move_to(page, "choice:language:id")
    said(page, "choice:language:id", "state:pressed")
    move_to(page, "label:Mulai")
    heard(page, "label:Mulai")
    press_and_wait(page, "Enter", "identify")

    # The number screen says how to type; the number typed is never said, only how long it is.
    said(page, "identify", "audio-mode:number")
    typed = type_number(page, AGE56.kpj, "number")
    assert typed == [f"count:{len(AGE56.kpj)}"], typed
    # One digit more, typed after a pause: the count again, never the digit.
    forget(page)
    page.keyboard.press("Backspace")
    said(page, f"count:{len(AGE56.kpj) - 1}")
    page.keyboard.press(AGE56.kpj[-1])
    said(page, f"count:{len(AGE56.kpj)}")
    assert not any(name.startswith("number:") for name in spoken(page)), spoken(page)
    # The field says what it is for and how many digits it holds; "Dengar angka" reads them.
    move_to(page, "label:Ketik nomor kartu BPJS atau nomor KTP Anda")
    said(page, "label:Ketik nomor kartu BPJS atau nomor KTP Anda",
         f"count:{len(AGE56.kpj)}")
    move_to(page, "label:Dengar angka")
    expect(page.locator('main [data-action="hear-digits"]')).to_be_visible()
    forget(page)
    page.keyboard.press("Enter")
    digits = [f"number:{digit}" for digit in AGE56.kpj]
    said(page, *digits, timeout=30_000)
    assert [name for name in spoken(page) if name.startswith("number:")] == digits
    snap(page, "audio-mode-identify")
    move_to(page, "label:Lanjut")
    press_and_wait(page, "Enter", "birth-date", "day")

    # Days and months are said as the focus reaches them; the numeric keypad moves too.
    said(page, "birth-date/day")
    move_to(page, f"number:{AGE56.birth_date.day}", key="Numpad2")
    press_and_wait(page, "Enter", "birth-date", "month")
    move_to(page, f"month:{AGE56.birth_date.month}")
    press_and_wait(page, "Enter", "birth-date", "year")
    year = f"{AGE56.birth_date.year:04d}"
    assert type_number(page, year, "year") == ["count:4"]
    forget(page)
    page.keyboard.press("NumpadMultiply")  # * reads the number back when asked
    said(page, *[f"number:{digit}" for digit in year])
    # Enter sends the number from anywhere on a number screen.
    press_and_wait(page, "Enter", "selfie", "intro")

    said(page, "selfie/intro")
    expect(page.locator("body")).to_have_attribute("data-audio-mode", "on")
    snap(page, "audio-mode-selfie-intro")
    for _ in range(3):  # a head turn the fake camera missed on a busy machine: again, by keys
        move_to(page, "label:Buka kamera")
        mark_stale(page)
        page.keyboard.press("Enter")
        expect(page.locator('main[data-step="reason"], main[data-state="retry"]')).to_be_visible(
            timeout=CAMERA_SECONDS * 1000)
        if page.locator("main").get_attribute("data-state") != "retry":
            break
        settled(page, "selfie", "retry")
    settled(page, "reason", None)  # which shows the balance

    # The reasons are said after the screen's prompt; the focus says one with its line.
    said(page, "reason", "choice:reason:retirement_age")
    move_to(page, "choice:reason:retirement_age")
    press_and_wait(page, "Enter", "amount")
    # The money, the account and the phone together: Ya, benar.
    said(page, "amount/all")
    move_to(page, "label:Ya, benar")
    press_and_wait(page, "Enter", "review")

    # The review says the claim, the account and phone by their last digits only; the screen
    # says that the numbers are not read in full.
    text = main(page).locator("audio[data-voice]").get_attribute("data-text")
    assert text.count("berakhiran") == 2, text
    # Numbers said in words (the reason's name is said as shown: "Usia 56 tahun").
    assert not any(character.isdigit() for character in text.replace("Usia 56 tahun", "")), text
    expect(page.get_by_test_id("not-read-aloud")).to_be_visible()
    # A Change button is said with the name of its row.
    move_to(page, "label:Ubah")
    said(page, "label:Ubah", "label:Alasan")
    snap(page, "audio-mode-review")


def test_audio_mode_lasts_for_the_visit_and_ends_with_it(page: Page):
    start_audio_mode(page)
    move_to(page, "label:Mulai")
    press_and_wait(page, "Enter", "identify")
    # The visit that Start began is in audio mode too: a page loaded anew still is.
    page.wait_for_load_state("networkidle")
    page.reload()
    settled(page, "identify")
    expect(page.locator("body")).to_have_attribute("data-audio-mode", "on")
    expect(page.locator('main [data-action="hear-digits"]')).to_be_visible()
    # Back to the welcome screen ends the visit, and audio mode with it.
    move_to(page, "label:Kembali")
    press_and_wait(page, "Enter", "welcome")
    expect(page.locator("body")).to_have_attribute("data-audio-mode", "off")
    page.reload()
    settled(page, "welcome")
    expect(page.locator("body")).to_have_attribute("data-audio-mode", "off")


def test_a_tap_starts_no_audio_mode_and_the_keypad_says_no_digit(page: Page):
    """Audio mode starts from a key press only; digits tapped on the keypad are not said."""
    welcome(page)
    mark_stale(page)
    page.locator('main [data-action="next"]').click()
    settled(page, "identify")
    page.locator('main [data-key="1"]').click()
    expect(page.locator("body")).to_have_attribute("data-audio-mode", "off")
    expect(page.locator('main [data-action="hear-digits"]')).to_be_hidden()
    assert not any(name.startswith(("number:", "count:")) for name in spoken(page))
