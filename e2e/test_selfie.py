"""The selfie step in real Chromium, each video in a browser of its own (Chromium's fake camera).

A participant whose reference photo is obama2.jpg (imported with the CSV `photo` column) faces the
camera as obama.jpg (the same man, another photograph), as biden.jpg (someone else), or in the
dark. One instruction at a time: no "no face" while the face is in the oval, only the turn while
the head turns; after a try that did not succeed, a calm pause until the participant is ready.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from e2e.journey import (
    CAMERA_SECONDS,
    PEOPLE_BY_KEY,
    action,
    choose_day,
    choose_month,
    enter_number,
    settled,
    start,
    tap_and_wait,
    tap_keys,
    welcome,
)
from kiosk.models import HelpRequest, Participant, StepEvent
from tests import facekit

WAIT = CAMERA_SECONDS * 1000


@pytest.fixture
def with_photo(db):
    """Give the demo participant `resigned` a reference photo: obama2.jpg."""
    kpj = PEOPLE_BY_KEY["resigned"].kpj

    def set_photo(path):
        def work(session):
            row = session.scalar(select(Participant).where(Participant.kpj == kpj))
            row.photo_path = path
        db.run(work)

    set_photo(str(facekit.FACES / "obama2.jpg"))
    yield PEOPLE_BY_KEY["resigned"]
    set_photo(None)


def to_selfie(page: Page, person) -> None:
    welcome(page)
    start(page)
    enter_number(page, person.kpj)
    choose_day(page, person.birth_date.day)
    choose_month(page, person.birth_date.month)
    tap_keys(page, f"{person.birth_date.year:04d}", "year")
    tap_and_wait(page, action(page, "next"), "selfie", "intro")


def outcomes_after(db, last: int) -> list[str]:
    return [e["outcome"] for e in db.rows_after(StepEvent, last) if e["step"] == "selfie"]


# What the advice line showed and what was said, in order, kept in the page while the camera runs.
WATCH_ADVICE = """
(() => {
  window.e2eAdvice = [];
  window.e2eSaid = [];
  document.addEventListener('kiosk:speak', event => window.e2eSaid.push(event.detail.name));
  new MutationObserver(() => {
    const advice = document.querySelector('main [data-testid="advice"]');
    const main = document.querySelector('main');
    if (!advice) return;
    const shown = [main.dataset.state, advice.dataset.advice, advice.textContent.trim(),
                   (main.querySelector('.challenge') || {}).textContent || ''];
    const last = window.e2eAdvice[window.e2eAdvice.length - 1];
    if (!last || last.join('|') !== shown.join('|')) window.e2eAdvice.push(shown);
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();
"""


def test_the_same_person_is_guided_through_and_accepted(camera_page, with_photo, db, snap):
    page = camera_page(facekit.selfie_video("obama"))
    page.add_init_script(WATCH_ADVICE)
    last = db.last_id(StepEvent)
    to_selfie(page, with_photo)
    snap(page, "selfie-intro")
    tap_and_wait(page, action(page, "next"))
    expect(page.locator("main video")).to_be_visible()
    # The camera opens with what to do, not with a verdict.
    expect(page.get_by_test_id("advice")).to_have_attribute("data-advice", "start")
    expect(page.get_by_test_id("advice")).to_have_text("Wajah Anda di dalam lingkaran.")
    expect(page.get_by_test_id("advice")).to_have_attribute("data-advice", "good", timeout=WAIT)
    expect(page.locator('main[data-state="liveness"] .challenge')).to_be_visible(timeout=WAIT)
    # While the head turns, the turn is the one instruction shown.
    expect(page.get_by_test_id("advice")).to_have_text(
        "Putar kepala pelan, lalu lihat layar lagi.")
    snap(page, "selfie-liveness")
    expect(page.locator('main[data-step="reason"]')).to_be_visible(timeout=WAIT)
    settled(page, "reason", None)
    assert outcomes_after(db, last)[-1] == "accepted_first_try"
    shown = page.evaluate("() => window.e2eAdvice")
    said = page.evaluate("() => window.e2eSaid")
    assert shown and all(advice != "no-face" for _, advice, _, _ in shown), shown
    assert "selfie-advice/no-face" not in said, said
    during_turn = [text for state, _, text, _ in shown if state == "liveness"]
    assert during_turn and set(during_turn) <= {"Putar kepala pelan, lalu lihat layar lagi."}
    assert not any("Tahan" in challenge for _, _, _, challenge in shown)


def test_someone_else_pauses_with_what_to_change_then_a_staff_member(camera_page, with_photo, db,
                                                                     snap):
    page = camera_page(facekit.selfie_video("biden"))
    db.resolve_open_help_requests()
    last_help = db.last_id(HelpRequest)
    last = db.last_id(StepEvent)
    to_selfie(page, with_photo)
    tap_and_wait(page, action(page, "next"))
    for tries_left in (2, 1):
        # A try that does not match: the camera stops and waits for the participant.
        expect(page.locator('main[data-state="retry"]')).to_be_visible(timeout=WAIT)
        settled(page, "selfie", "retry")
        expect(page.locator("main video")).to_have_count(0)
        expect(page.locator("main h1")).to_have_text("Coba lagi")
        expect(page.locator("main")).to_contain_text(f"Anda masih bisa mencoba {tries_left} kali.")
        if tries_left == 2:
            snap(page, "selfie-retry")
        # Nothing happens by itself: the next try begins when the participant taps.
        page.wait_for_timeout(1500)
        expect(page.locator('main[data-state="retry"]')).to_be_visible()
        tap_and_wait(page, action(page, "next"), "selfie", "camera")
    expect(page.locator('main[data-state="staff"]')).to_be_visible(timeout=WAIT)
    expect(page.locator("main")).to_contain_text("memeriksa e-KTP Anda")
    snap(page, "selfie-staff")
    assert [h["reason"] for h in db.rows_after(HelpRequest, last_help)] == ["identity_check"]
    tried = outcomes_after(db, last)
    assert tried.count("camera_again") == 2 and tried[-1] == "staff_tries"


def test_in_the_dark_the_advice_is_more_light_shown_announced_and_said(camera_page, with_photo,
                                                                        axe, snap):
    page = camera_page(facekit.selfie_video("obama", is_dark=True))
    to_selfie(page, with_photo)
    tap_and_wait(page, action(page, "next"))
    advice = page.get_by_test_id("advice")
    expect(advice).to_have_attribute("data-advice", "more-light", timeout=WAIT)
    expect(advice).to_contain_text("terlalu gelap")
    expect(page.locator("#live")).to_contain_text("terlalu gelap")  # what a screen reader says
    # And said aloud, after the screen's own prompt (voice.js keeps the cue in #voice-cues).
    spoken = page.locator('#voice-cues audio[data-voice="selfie-advice/more-light"]')
    expect(spoken).to_have_attribute("data-voice-state", re.compile("^(playing|ended)$"),
                                     timeout=20_000)
    snap(page, "selfie-camera-dark")


def test_i_prefer_a_staff_member_and_staff_accept_by_hand(camera_page, with_photo, live_server):
    import subprocess
    import sys

    page = camera_page(facekit.selfie_video("biden"))
    to_selfie(page, with_photo)
    tap_and_wait(page, action(page, "prefer-staff"), "selfie", "staff")
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "identity", "accept",
                             "K01"], cwd=facekit.FACES.parents[2], env=live_server.env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    # The waiting screen asks every 3 s and goes on by itself.
    expect(page.locator('main[data-step="reason"]')).to_be_visible(timeout=15_000)


@pytest.mark.parametrize("way_up", ["portrait", "landscape"])
def test_the_pause_between_tries_fits_both_ways_up(camera_page, with_photo, snap, way_up):
    from e2e.conftest import VIEWPORTS

    page = camera_page(facekit.selfie_video("biden"))
    page.set_viewport_size(VIEWPORTS[way_up])
    to_selfie(page, with_photo)
    tap_and_wait(page, action(page, "next"))
    expect(page.locator('main[data-state="retry"]')).to_be_visible(timeout=WAIT)
    settled(page, "selfie", "retry")
    snap(page, "selfie-pause")
    size = page.evaluate("""() => [document.scrollingElement.scrollWidth, innerWidth,
                                   document.scrollingElement.scrollHeight, innerHeight]""")
    assert size[0] <= size[1] and size[2] <= size[3], size
    expect(action(page, "next")).to_be_in_viewport()
    expect(action(page, "prefer-staff")).to_be_in_viewport()
