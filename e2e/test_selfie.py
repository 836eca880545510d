"""The selfie step in real Chromium, each video in a browser of its own (Chromium's fake camera).

A participant whose reference photo is obama2.jpg (imported with the CSV `photo` column) faces the
camera as obama.jpg (the same man, another photograph), as biden.jpg (someone else), or in the
dark.
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


def test_the_same_person_is_guided_through_and_accepted(camera_page, with_photo, db, snap):
    page = camera_page(facekit.selfie_video("obama"))
    last = db.last_id(StepEvent)
    to_selfie(page, with_photo)
    snap(page, "selfie-intro")
    tap_and_wait(page, action(page, "next"))
    expect(page.locator("main video")).to_be_visible()
    expect(page.get_by_test_id("advice")).to_have_attribute("data-advice", "good", timeout=WAIT)
    expect(page.locator('main[data-state="liveness"] .challenge')).to_be_visible(timeout=WAIT)
    snap(page, "selfie-liveness")
    expect(page.locator('main[data-step="balance"]')).to_be_visible(timeout=WAIT)
    settled(page, "balance", None)
    assert outcomes_after(db, last)[-1] == "accepted_first_try"


def test_someone_else_gets_retry_advice_then_a_staff_member(camera_page, with_photo, db, snap):
    page = camera_page(facekit.selfie_video("biden"))
    db.resolve_open_help_requests()
    last_help = db.last_id(HelpRequest)
    to_selfie(page, with_photo)
    tap_and_wait(page, action(page, "next"))
    expect(page.locator("main .retry-note")).to_be_visible(timeout=WAIT)
    snap(page, "selfie-retry")
    expect(page.locator('main[data-state="staff"]')).to_be_visible(timeout=3 * WAIT)
    expect(page.locator("main")).to_contain_text("memeriksa e-KTP Anda")
    snap(page, "selfie-staff")
    assert [h["reason"] for h in db.rows_after(HelpRequest, last_help)] == ["identity_check"]


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
    expect(page.locator('main[data-step="balance"]')).to_be_visible(timeout=15_000)
