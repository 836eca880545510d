"""The voice in Chromium: every screen's audio loads and plays; Hear again, Slower, volume and
speech off work; speech stops when the participant moves on; a browser that blocks autoplay
starts speaking at the first tap; selfie advice is spoken.

The live server speaks with pyttsx3 + espeak-ng (synthesised on first use into its own folder).
Chromium runs with --autoplay-policy=no-user-gesture-required, as the kiosk does (README).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORTS
from e2e.journey import (PEOPLE_BY_KEY, action, choose_day, enter_number, every_screen, main,
                         setting, settled, start, tap_and_wait, toolbar, welcome)

# Speech plays four times as fast here (conftest.FAST_SPEECH_JS): these tests follow whole playlists.
pytestmark = pytest.mark.usefixtures("fast_speech")

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
    assert {"reason", "review/staff", "receipt/staff", "staff-coming", "error/not_found"} \
        <= set(heard)


def test_speech_stops_when_the_participant_moves_on(page: Page):
    welcome(page)
    start(page)
    speaking(page)
    page.evaluate("() => { window.spokenBefore = document.querySelector('main audio[data-voice]'); }")
    enter_number(page, PEOPLE_BY_KEY["age56"].kpj)  # Lanjut while the screen still speaks
    assert page.evaluate("() => window.spokenBefore.paused") is True
    assert page.evaluate("() => window.spokenBefore.isConnected") is False
    assert speaking(page)["name"] == "birth-date/day"
    # Back to welcome ends the visit: the page loads anew for the next person, and speaks.
    tap_and_wait(page, page.locator('nav [data-action="back"]'), "identify")
    tap_and_wait(page, page.locator('nav [data-action="back"]'), "welcome")
    assert speaking(page)["name"] == "welcome"


def test_hear_again_slower_volume_and_speech_off(page: Page):
    welcome(page)
    start(page)
    first = speaking(page)
    page.wait_for_timeout(1200)
    assert voice(page)["time"] > 0.5
    hear_again = toolbar(page, "hear-again")  # in the toolbar; the rest is behind Settings
    hear_again.click()
    page.wait_for_function("() => document.querySelector('main audio[data-voice]').currentTime < 0.9")

    slower = setting(page, "slower")
    slower.click()
    expect(slower).to_have_attribute("aria-pressed", "true")
    page.wait_for_function("() => { const a = document.querySelector('main audio[data-voice]');"
                           " return a.currentSrc === new URL(a.dataset.slowSrc, document.baseURI).href"
                           " && a.readyState >= 1; }")
    slow = speaking(page)
    ratio = slow["duration"] / first["duration"]
    assert 1.15 < ratio < 1.5, ratio  # 150 / 115 words a minute = 1.30

    setting(page, "volume-down").click()
    setting(page, "close-settings").click()
    page.wait_for_function("() => document.querySelector('main audio[data-voice]').volume === 0.5")

    # Remembered for the visit: the next screen is slow and quieter too.
    enter_number(page, PEOPLE_BY_KEY["age56"].kpj)
    audio = speaking(page)
    assert audio["src"].endswith(audio["slow"]) and audio["volume"] == 0.5

    speech_off = setting(page, "speech-off")
    speech_off.click()
    expect(speech_off).to_have_attribute("aria-pressed", "true")
    setting(page, "close-settings").click()
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


def test_hear_again_is_in_the_toolbar_and_the_voice_settings_are_large_targets(page: Page):
    welcome(page)
    hear = toolbar(page, "hear-again").bounding_box()
    assert hear["height"] >= 64 and hear["width"] >= 64, hear
    # Within reach at the bottom of the portrait screen, below the screen's own content.
    assert hear["y"] > page.locator("main h1").bounding_box()["y"]
    assert hear["y"] + hear["height"] > page.viewport_size["height"] - 100
    for action_name in ("slower", "volume-down", "volume-up", "speech-off"):
        box = setting(page, action_name).bounding_box()
        assert box["height"] >= 64 and box["width"] >= 64, (action_name, box)
    setting(page, "close-settings").click()
    assert action(page, "next").is_visible()


# --- every choice spoken ---------------------------------------------------------------------------

import json  # noqa: E402

from e2e.journey import choose, identify  # noqa: E402

PLAYLIST = 90_000  # ms: a screen's prompt and all its choices, said in real time


def spoken(page: Page) -> list[str]:
    return json.loads(page.evaluate("() => document.body.dataset.spoken || '[]'"))


def said_in_order(page: Page, names: list[str], timeout: int = PLAYLIST) -> None:
    page.wait_for_function(
        """names => { const log = JSON.parse(document.body.dataset.spoken || '[]');
                      let at = 0;
                      for (const name of log) if (name === names[at]) at += 1;
                      return at === names.length; }""", arg=names, timeout=timeout)


def choice_clips(page: Page) -> list[str]:
    """The clip of each choice on the screen, in order, as voice.js finds them."""
    page.wait_for_function("() => window.KioskVoice && window.KioskVoice.ready()")
    return page.evaluate("""() => [...document.querySelectorAll('main .choices button')]
                              .map(b => window.KioskVoice.clipFor(b))""")


def test_the_welcome_screen_says_each_language_after_its_prompt_and_hear_again_says_all(page):
    welcome(page)
    languages = choice_clips(page)
    assert languages == ["choice:language:id", "choice:language:en", "choice:language:jv",
                         "choice:language:su"]
    said_in_order(page, ["welcome", "choice:language:id", "state:pressed", *languages[1:]])
    # Each language's name is said by its own voice: four different sounds.
    sources = page.evaluate("""() => [...document.querySelectorAll('#voice-clips audio')]
                                 .filter(a => a.dataset.voice.startsWith('choice:language:'))
                                 .map(a => a.dataset.src)""")
    assert len(set(sources)) == 4
    page.evaluate("() => { document.body.dataset.spoken = '[]'; }")
    page.locator('.voicebar [data-action="hear-again"]').click()
    said_in_order(page, ["welcome", *languages])
    assert spoken(page)[0] == "welcome"


def test_the_reason_screen_reads_every_reason_with_its_line_and_a_touch_says_one(page):
    start(page)
    identify(page, PEOPLE_BY_KEY["age56"])  # the reason screen, which shows the balance
    reasons = choice_clips(page)
    assert reasons and all(name.startswith("choice:reason:") for name in reasons), reasons
    said_in_order(page, ["reason", *reasons])
    seconds = page.evaluate("""names => {
        const clips = [...document.querySelectorAll('#voice-clips audio')];
        const screen = document.querySelector('main audio[data-voice]');
        return screen.duration + names.reduce((total, name) =>
            total + clips.find(a => a.dataset.voice === name).duration, 0); }""", reasons)
    print(f"\nThe reason screen speaks {seconds:.1f} s: its prompt and {len(reasons)} reasons.")
    assert seconds > 4 * len(reasons)  # each reason with its line, not its name alone

    # Touched, a reason says its words at once; the next screen's voice waits for them.
    page.evaluate("() => { document.body.dataset.spoken = '[]'; }")
    target = page.locator('main [data-choice="retirement_age"]')
    box = target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_function("() => document.body.dataset.speaking === "
                           "'choice:reason:retirement_age'", timeout=SPEAKS)
    expect(main(page)).to_have_attribute("data-step", "reason")  # not chosen until let go
    page.mouse.up()
    settled(page, "amount")
    said_in_order(page, ["choice:reason:retirement_age", "amount/all"], timeout=SPEAKS * 2)
    assert spoken(page).index("choice:reason:retirement_age") < spoken(page).index("amount/all")


def test_a_paper_toggled_says_its_new_state_not_the_whole_screen(page):
    start(page)
    identify(page, PEOPLE_BY_KEY["age56"])
    choose(page, "disability", "amount")
    tap_and_wait(page, action(page, "next"), "documents")  # Ya, benar
    papers = choice_clips(page)
    assert papers and all(name.startswith("choice:documents:have-") for name in papers)
    said_in_order(page, ["documents", *papers])
    page.evaluate("() => { document.body.dataset.spoken = '[]'; }")
    first = papers[0].rsplit(":", 1)[1]
    choose(page, first, "documents")
    expect(page.locator(f'main [data-choice="{first}"]')).to_have_attribute("aria-pressed", "true")
    said_in_order(page, [papers[0], "state:pressed"], timeout=SPEAKS)
    page.wait_for_timeout(1500)
    assert "documents" not in spoken(page)  # the screen itself is not said again
