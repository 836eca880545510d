"""The idle warning: spoken and shown, 'I am still here', and the wipe.

The live server warns after IDLE_SECONDS=600 and gives IDLE_WARNING_SECONDS (30 by default);
Playwright's clock moves the page's time on, so nobody waits ten minutes.
"""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.journey import KIOSK_ID, settled, start
from kiosk.models import KioskSession

IDLE_MS = 600_000
WARNING_MS = 30_000


def test_a_quiet_screen_warns_and_still_here_keeps_the_visit(page: Page, db):
    page.clock.install()
    start(page)
    dialog = page.locator("#idle-dialog")
    expect(dialog).not_to_be_visible()
    page.clock.run_for(IDLE_MS + 2_000)
    expect(dialog).to_be_visible()
    expect(dialog.locator('[data-action="still-here"]')).to_be_focused()
    spoken = dialog.locator('audio[data-voice="idle"]')
    expect(spoken).to_have_attribute("data-voice-state", re.compile("^(playing|ended)$"),
                                     timeout=15_000)
    page.locator('[data-action="still-here"]').click()
    expect(dialog).not_to_be_visible()
    assert spoken.evaluate("audio => audio.paused") is True  # the warning stops being said
    expect(page.locator("main")).to_have_attribute("data-step", "identify")


def test_with_no_answer_the_visit_is_wiped_and_the_welcome_screen_returns(page: Page, db):
    page.clock.install()
    start(page)
    page.clock.run_for(IDLE_MS + 2_000)
    count = page.locator("[data-idle-count]")
    expect(count).to_have_text(re.compile(r"^(2[0-9]|30)$"))  # seconds left, counting down
    page.clock.run_for(WARNING_MS)
    settled(page, "welcome")
    assert db.run(lambda s: s.query(KioskSession).filter_by(kiosk_id=KIOSK_ID).count()) == 0


def test_the_welcome_screen_never_warns(page: Page):
    page.clock.install()
    page.goto("/")
    page.clock.run_for(IDLE_MS + WARNING_MS + 5_000)
    expect(page.locator("#idle-dialog")).not_to_be_visible()
    expect(page.locator("main")).to_have_attribute("data-step", "welcome")


def test_an_old_welcome_screen_loads_itself_anew_so_start_never_meets_an_expired_page(page: Page):
    """The page's security token ages with it; the first person after a quiet hour taps Start."""
    page.clock.install()
    page.goto("/")
    page.evaluate("window.loadedBefore = true")
    page.clock.run_for(21 * 60 * 1000)  # past REFRESH_AFTER_MS in kiosk.js, nobody touching
    page.wait_for_function("window.loadedBefore === undefined")  # a new page, a new token
    settled(page, "welcome")
    start(page)
    expect(page.locator("main")).to_have_attribute("data-step", "identify")


def test_a_participant_waiting_for_staff_is_never_timed_out_and_is_reminded(page: Page, db):
    page.clock.install()
    start(page)
    page.locator('main [data-action="call-staff"], [data-action="call-staff"]').first.click()
    settled(page, "staff-coming")
    expect(page.locator("main")).to_have_attribute("data-idle", "waiting")
    page.evaluate("""() => {
        window.reminded = 0;
        document.addEventListener("click", e => {
            if (e.target.closest('[data-action="hear-again"]')) window.reminded += 1;
        }, true);
    }""")
    page.clock.run_for(IDLE_MS + WARNING_MS + 5_000)
    expect(page.locator("#idle-dialog")).not_to_be_visible()
    expect(page.locator("main")).to_have_attribute("data-step", "staff-coming")
    assert page.evaluate("window.reminded") >= 10  # a gentle "staff are coming" each minute
    db.resolve_open_help_requests()
    page.clock.run_for(3_000)  # the screen's poll learns that staff answered
    expect(page.locator("main")).to_have_attribute("data-idle", "on")
