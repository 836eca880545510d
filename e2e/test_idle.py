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
