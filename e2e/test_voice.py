"""The voice in Chromium: every screen's audio loads and plays; Hear again, Slower, volume and
speech off work; speech stops when the participant moves on; a browser that blocks autoplay
starts speaking at the first tap; selfie advice is spoken.

The live server speaks with pyttsx3 + espeak-ng (synthesised on first use into its own folder).
Chromium runs with --autoplay-policy=no-user-gesture-required, as the kiosk does (README).
"""
from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORTS
from e2e.journey import (PEOPLE_BY_KEY, action, choose_day, enter_number, every_screen, main,
                         settled, start, tap_and_wait, welcome)

SPEAKS = 15_000  # ms: a prompt not built yet is synthesised on first use (~0.2-1 s here)

VOICE = """() => {
  const a = document.querySelector('main audio[data-voice]');
  return a && {name: a.dataset.voice, state: a.dataset.voiceState || '', ready: a.readyState,
               duration: a.duration, time: a.currentTime, paused: a.paused, volume: a.volume,
               src: a.currentSrc, normal: a.dataset.src, slow: a.dataset.slowSrc,
               text: a.dataset.text};
}"""


def voice(page: Page) -> dict:
    return page.evaluate(VOICE)


def speaking(page: Page) -> dict:
    """Wait until the screen's audio has loaded and is playing (or has played); return it."""
    page.wait_for_function(
        """() => { const a = document.querySelector('main audio[data-voice]');
                   return a && a.readyState >= 2 && a.duration > 0
                     && ['playing', 'ended'].includes(a.dataset.voiceState); }""",
        timeout=SPEAKS)
    return voice(page)


def test_every_screen_plays_its_audio_and_says_it_in_the_live_region(page: Page):
    heard = []
    for screen in every_screen(page):
        audio = speaking(page)
        assert audio["text"].strip(), screen.name
        # A second of speech per ~14 characters at least: it is the prompt, not a click.
        assert audio["duration"] > len(audio["text"]) / 40, (screen.name, audio)
        if screen.name not in ("welcome", "error-page"):  # a swap, not a page load
            expect(page.locator("#live")).to_have_text(audio["text"])
        heard.append(audio["name"])
    assert heard[:3] == ["welcome", "identify", "identify"]
    assert {"balance", "review/staff", "receipt/staff", "staff-coming", "error/not_found"} \
        <= set(heard)


def test_speech_stops_when_the_participant_moves_on(page: Page):
    welcome(page)
    start(page)
    speaking(page)
    page.evaluate("() => { window.spokenBefore = document.querySelector('main audio[data-voice]'); }")
    tap_and_wait(page, page.locator('nav [data-action="back"]'), "welcome")
    assert page.evaluate("() => window.spokenBefore.paused") is True
    assert page.evaluate("() => window.spokenBefore.isConnected") is False
    assert speaking(page)["name"] == "welcome"


def test_hear_again_slower_volume_and_speech_off(page: Page):
    welcome(page)
    start(page)
    first = speaking(page)
    page.wait_for_timeout(1200)
    assert voice(page)["time"] > 0.5
    hear_again = page.locator('.voicebar [data-action="hear-again"]')
    hear_again.click()
    page.wait_for_function("() => document.querySelector('main audio[data-voice]').currentTime < 0.9")

    slower = page.locator('.voicebar [data-action="slower"]')
    slower.click()
    expect(slower).to_have_attribute("aria-pressed", "true")
    page.wait_for_function("() => { const a = document.querySelector('main audio[data-voice]');"
                           " return a.currentSrc === new URL(a.dataset.slowSrc, document.baseURI).href"
                           " && a.readyState >= 1; }")
    slow = speaking(page)
    ratio = slow["duration"] / first["duration"]
    assert 1.15 < ratio < 1.5, ratio  # 150 / 115 words a minute = 1.30

    page.locator('.voicebar [data-action="volume-down"]').click()
    page.wait_for_function("() => document.querySelector('main audio[data-voice]').volume === 0.5")

    # Remembered for the visit: the next screen is slow and quieter too.
    enter_number(page, PEOPLE_BY_KEY["age56"].kpj)
    audio = speaking(page)
    assert audio["src"].endswith(audio["slow"]) and audio["volume"] == 0.5

    speech_off = page.locator('.voicebar [data-action="speech-off"]')
    speech_off.click()
    expect(speech_off).to_have_attribute("aria-pressed", "true")
    assert voice(page)["paused"] is True
    choose_day(page, 1)
    page.wait_for_timeout(800)
    assert voice(page)["paused"] is True and voice(page)["state"] == ""
    hear_again.click()  # asked for by hand: said even with speech off
    assert speaking(page)["name"] == "birth-date/month"


def test_a_browser_that_blocks_autoplay_speaks_from_the_first_tap(playwright, base_url,
                                                                 page_problems):
    args = [arg for arg in CHROMIUM_ARGS if not arg.startswith("--autoplay-policy")]
    browser = playwright.chromium.launch(
        headless=True, executable_path=CHROMIUM,
        args=args + ["--autoplay-policy=user-gesture-required"])
    try:
        page = browser.new_context(base_url=base_url, viewport=VIEWPORTS["portrait"],
                                   locale="id-ID").new_page()
        page.goto("/")
        settled(page, "welcome")
        page.wait_for_function("() => document.querySelector('main audio[data-voice]')"
                               ".dataset.voiceState === 'blocked'", timeout=SPEAKS)
        main(page).locator("h1").click()  # any tap on the welcome screen
        assert speaking(page)["name"] == "welcome"
    finally:
        browser.close()


def test_the_voice_bar_has_large_targets_above_the_screen(page: Page):
    welcome(page)
    for action_name in ("hear-again", "slower", "volume-down", "volume-up", "speech-off"):
        box = page.locator(f'.voicebar [data-action="{action_name}"]').bounding_box()
        assert box["height"] >= 64 and box["width"] >= 64, (action_name, box)
    hear = page.locator('.voicebar [data-action="hear-again"]').bounding_box()
    assert hear["y"] + hear["height"] < page.locator("main h1").bounding_box()["y"]
    assert action(page, "next").is_visible()
