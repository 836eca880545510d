"""The staff console with a kiosk beside it: two browser contexts, a kiosk and a staff tablet.

Call staff reaches the board; Acknowledge reaches the kiosk (name shown and said); an impostor's
selfie goes to staff, who accept the right person and nobody after; a remote reset wipes a kiosk
mid-claim; a decision on a claim that needs staff changes its state. The console's screens are
checked with axe and saved as screenshots at tablet (1280 x 800) and desk (1920 x 1080) sizes.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from e2e.conftest import SCREENSHOTS
from e2e.journey import (
    KIOSK_ID,
    PEOPLE_BY_KEY,
    action,
    choose,
    enter_birth_date,
    enter_number,
    settled,
    start,
    tap_and_wait,
    toolbar,
)
from e2e.test_selfie import WAIT, to_selfie, with_photo  # noqa: F401  (a fixture)
from kiosk.models import Claim, HelpRequest, StaffMember
from kiosk.staff import auth
from tests import facekit

PASSWORD = "staff password 1"
TABLET = {"width": 1280, "height": 800}
DESK = {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def staff_accounts(db):
    """Bu Sari (staff) and Pak Budi (supervisor) in the live server's database."""
    def work(session):
        for username, role, name in (("sari", "staff", "Bu Sari"),
                                     ("budi", "supervisor", "Pak Budi")):
            if session.scalar(select(StaffMember).where(StaffMember.username == username)):
                continue
            session.add(StaffMember(username=username, display_name=name, role=role,
                                    password_hash=auth.hash_secret(PASSWORD)))
    db.run(work)


@pytest.fixture
def console(new_context, page_problems, staff_accounts):
    """console(username, viewport): a staff browser context, signed in, on the board."""
    from e2e.conftest import _watch

    def _open(username: str = "sari", viewport: dict = TABLET, **context_args) -> Page:
        page = _watch(new_context(viewport=viewport, **context_args).new_page(), page_problems)
        page.goto("/staff/login")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.locator('[data-action="sign-in"]').click()
        expect(page.locator("h1")).to_have_text("Papan kiosk")
        return page

    return _open


def staff_snap(page: Page, name: str) -> Path:
    size = page.viewport_size
    path = SCREENSHOTS / "staff" / f"{name}-{size['width']}x{size['height']}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
    return path


def request_row(board: Page, reason: str):
    return board.locator(f'#board [data-help][data-reason="{reason}"]').first


def test_call_staff_reaches_the_board_and_acknowledge_reaches_the_kiosk(page: Page, console, db,
                                                                      axe):
    db.resolve_open_help_requests()
    board = console("sari", TABLET, bypass_csp=True)  # open before the call: it chimes for it
    start(page)
    tap_and_wait(page, toolbar(page, "call-staff"), "staff-coming")
    row = request_row(board, "asked")
    expect(row).to_be_visible(timeout=5_000)  # the board asks every 2 s
    expect(row).to_contain_text(KIOSK_ID)
    expect(board.locator("body")).to_have_attribute("data-last-alert", re.compile(r"\d+"),
                                                    timeout=5_000)
    staff_snap(board, "board-request")
    axe.check(board, "staff-board")

    clicked = time.monotonic()
    row.locator('[data-action="ack"]').click()
    coming = page.get_by_test_id("staff-on-the-way")
    expect(coming).to_have_text("Bu Sari", timeout=3_000)
    print(f"acknowledge -> kiosk shows the name: {time.monotonic() - clicked:.2f} s")
    spoken = page.locator('main audio[data-voice="staff-on-the-way"]')
    expect(spoken).to_have_attribute("data-text", re.compile(r"^Bu Sari sedang menuju"))
    expect(spoken).to_have_attribute("data-voice-state", re.compile("^(playing|ended)$"),
                                     timeout=15_000)
    expect(page.locator("main")).to_have_attribute("data-idle", "waiting")
    row = request_row(board, "asked")
    expect(row).to_contain_text("Bu Sari menuju ke sana", timeout=5_000)
    row.locator('[data-action="resolve"]').click()
    expect(board.locator('#board [data-help][data-reason="asked"]')).to_have_count(0)
    expect(page.locator("main")).to_have_attribute("data-idle", "on", timeout=5_000)


def test_an_impostor_goes_to_staff_who_accept_that_person_and_nobody_after(
        camera_page, with_photo, console, db):  # noqa: F811
    db.resolve_open_help_requests()
    kiosk = camera_page(facekit.selfie_video("biden"))
    to_selfie(kiosk, with_photo)
    tap_and_wait(kiosk, action(kiosk, "next"))
    for _ in range(2):  # a try that does not match pauses until the participant tries again
        expect(kiosk.locator('main[data-state="retry"]')).to_be_visible(timeout=WAIT)
        settled(kiosk, "selfie", "retry")
        tap_and_wait(kiosk, action(kiosk, "next"), "selfie", "camera")
    expect(kiosk.locator('main[data-state="staff"]')).to_be_visible(timeout=WAIT)
    board = console("sari")
    row = request_row(board, "identity_check")
    expect(row).to_be_visible(timeout=5_000)
    row.locator('[data-action="accept-identity"]').click()
    expect(board.locator(".flash")).to_contain_text("Identitas diterima")
    expect(kiosk.locator('main[data-step="reason"]')).to_be_visible(timeout=5_000)

    # The next person at the same kiosk: nothing of that acceptance reaches them.
    tap_and_wait(kiosk, kiosk.locator('main [data-action="start-over"]'), "start-over")
    # Start over asks first.
    tap_and_wait(kiosk, kiosk.locator('main [data-action="confirm-start-over"]'), "welcome")
    start(kiosk)
    other = PEOPLE_BY_KEY["age56"]
    enter_number(kiosk, other.kpj)
    enter_birth_date(kiosk, other.birth_date, "selfie", "intro")
    board.reload()
    expect(board.locator('#board [data-action="accept-identity"]')).to_have_count(0)
    kiosk.wait_for_timeout(4_500)  # the kiosk's poll runs at least once more
    expect(kiosk.locator("main")).to_have_attribute("data-step", "selfie")
    calls = db.run(lambda s: [(c.reason, c.resolution) for c in s.scalars(
        select(HelpRequest).where(HelpRequest.reason == "identity_check")
        .order_by(HelpRequest.id.desc()).limit(1))])
    assert calls == [("identity_check", "identity_accepted")]


def test_a_remote_reset_wipes_a_kiosk_mid_claim(page: Page, console, db):
    person = PEOPLE_BY_KEY["age56"]
    start(page)
    enter_number(page, person.kpj)
    enter_birth_date(page, person.birth_date, "selfie", "intro")
    board = console("sari")
    clicked = time.monotonic()
    board.locator(f'#board [data-kiosk="{KIOSK_ID}"] [data-action="reset-kiosk"]').click()
    expect(page.locator('main[data-step="welcome"]')).to_be_visible(timeout=5_000)
    print(f"reset -> kiosk at welcome: {time.monotonic() - clicked:.2f} s")
    expect(page.locator("main")).not_to_contain_text(person.kpj)
    page.go_back()
    expect(page.locator("main")).to_have_attribute("data-step", "welcome")


def test_a_staff_decision_changes_the_claims_state(page: Page, console, db, axe):
    person = PEOPLE_BY_KEY["above_limit"]
    start(page)
    enter_number(page, person.kpj)
    enter_birth_date(page, person.birth_date, "selfie", "intro")
    tap_and_wait(page, action(page, "prefer-staff"), "selfie", "staff")
    board = console("budi", DESK, bypass_csp=True)
    request_row(board, "identity_check").locator('[data-action="accept-identity"]').click()
    expect(page.locator('main[data-step="reason"]')).to_be_visible(timeout=5_000)
    settled(page, "reason", None)
    choose(page, "retirement_age", "amount")
    tap_and_wait(page, action(page, "next"), "review")  # Ya, benar
    tap_and_wait(page, action(page, "next"), "receipt", ("printing", "printed"))
    number = re.sub(r"\D", "", page.get_by_test_id("claim-number").inner_text())

    board.goto("/staff/claims")
    row = board.locator(f'[data-claim="{number}"]')
    expect(row).to_be_visible()
    staff_snap(board, "claims-queue")
    row.locator("a").click()
    expect(board.locator("h1")).to_contain_text("Klaim")
    staff_snap(board, "claim-review")
    axe.check(board, "staff-claim")
    board.fill("#approve-note", "e-KTP dan buku tabungan sudah diperiksa")
    board.locator('[data-action="approve"]').click()
    expect(board.locator(".flash")).to_contain_text("disetujui")
    assert db.run(lambda s: s.scalar(select(Claim.state).where(Claim.number == number))) \
        == "approved"
    board.goto("/staff/reports")
    staff_snap(board, "reports")
    axe.check(board, "staff-reports")
    board.goto("/staff/audit")
    expect(board.locator('[data-audit="approve"]').first).to_be_visible()
    staff_snap(board, "audit")


@pytest.mark.parametrize("viewport", [TABLET, DESK], ids=["tablet", "desk"])
def test_the_console_screens_pass_axe_and_work_by_keyboard(new_context, page_problems,
                                                          staff_accounts, axe, viewport):
    from e2e.conftest import _watch

    page = _watch(new_context(viewport=viewport, bypass_csp=True).new_page(), page_problems)
    page.goto("/staff/login")
    axe.check(page, "staff-login")
    staff_snap(page, "login")
    expect(page.locator("#username")).to_be_focused()  # the one thing to do first
    page.keyboard.type("budi")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Papan kiosk")
    staff_snap(page, "board")
    axe.check(page, "staff-board-empty")
    for path in ("/staff/claims", "/staff/reports", "/staff/audit"):
        page.goto(path)
        axe.check(page, f"staff{path.replace('/', '-')}")
