"""Practice in Chromium: "Coba dulu" on welcome, a whole practice claim to its printed receipt.

Every screen of the practice visit carries data-practice="true" and the band; the practice number
and birth date are read off the band and typed as a person would; the selfie runs the kiosk's
fake camera (a face that is nobody's) and is accepted without a match; the receipt prints on the
simulator, marked LATIHAN / PRACTICE, and its picture says so. Nothing is saved, sent, kept or
counted; Call staff in practice reaches the board marked Latihan.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import cv2
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from e2e.conftest import ARTIFACTS, LiveServer
from e2e.journey import (
    CAMERA_SECONDS,
    PRINTING,
    action,
    main,
    settled,
    tap_and_wait,
    tap_keys,
    toolbar,
    welcome,
)
from e2e.test_staff import console, request_row, staff_accounts  # noqa: F401  (fixtures)
from kiosk.models import (
    Capture,
    Claim,
    HelpRequest,
    KioskSession,
    OutboxMessage,
    ReceiptPrint,
    StepEvent,
)
from tests.escpos_decode import decode
from tests.test_practice import png_says

RECEIPTS = ARTIFACTS / "receipts"
MONTHS = ("Januari Februari Maret April Mei Juni Juli Agustus September Oktober November "
          "Desember").split()
# Each step answered by its hooks, whatever the screens look like (choices by code, else Lanjut).
CHOICES = {"reason": "retirement_age"}


@pytest.fixture
def printed_dir(live_server: LiveServer) -> Path:
    folder = Path(urlsplit(live_server.env["PRINTER_URL"]).path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def counts(db) -> dict[str, int]:
    """Rows a practice claim must not add (a visit it replaced, left by an earlier test, writes
    its own "replaced" event: that is not the practice's)."""
    models = (Claim, OutboxMessage, Capture, ReceiptPrint)
    found = db.run(lambda s: {m.__name__: s.scalar(select(func.count()).select_from(m))
                              for m in models})
    found["StepEvent"] = db.run(lambda s: s.scalar(select(func.count()).select_from(
        StepEvent).where(StepEvent.outcome != "replaced")))
    return found


def marked(page: Page) -> str:
    """Check the screen is a practice one with its band; return its step(/state)."""
    screen = main(page)
    expect(screen).to_have_attribute("data-practice", "true")
    expect(page.get_by_test_id("practice-band")).to_be_visible()
    expect(page.get_by_test_id("practice-band")).to_contain_text("Latihan — tidak ada yang dikirim")
    step, state = screen.get_attribute("data-step"), screen.get_attribute("data-state")
    return f"{step}/{state}" if state else step


def practise_birth_date(page: Page) -> None:
    """Read the practice birth date off the band, then tap it in, part by part."""
    shown = page.get_by_test_id("practice-birth-date").inner_text().split()
    day, month, year = int(shown[0]), MONTHS.index(shown[1]) + 1, shown[2]
    tap_and_wait(page, page.locator('main [role="group"]').get_by_role("button", name=str(day),
                                                                      exact=True))
    marked(page)
    tap_and_wait(page, page.locator(f'main [data-choice="{month}"]'))
    marked(page)
    tap_keys(page, year, "year")
    tap_and_wait(page, action(page, "next"), "selfie", "intro")


def test_a_whole_practice_claim_in_chromium_prints_a_practice_receipt(
        open_page, db, printed_dir, snap, orientation):
    page = open_page(orientation)
    before = counts(db)
    already = set(printed_dir.glob("practice-*.bin"))
    welcome(page)
    snap(page, "welcome")
    expect(action(page, "practice")).to_have_text("Coba dulu")
    expect(action(page, "how-it-works")).to_have_text("Lihat caranya")
    tap_and_wait(page, action(page, "practice"), "identify")
    seen = [marked(page)]
    snap(page, "practice-identify")
    number = page.get_by_test_id("practice-number").inner_text()
    assert number == "12 345 678 901"
    tap_keys(page, re.sub(r"\D", "", number), "number")
    tap_and_wait(page, action(page, "next"), "birth-date", "day")
    seen.append(marked(page))
    snap(page, "practice-birth-date")
    practise_birth_date(page)
    seen.append(marked(page))
    # The kiosk's fake camera shows a face that is nobody's: practice takes any face.
    tap_and_wait(page, action(page, "next"))
    seen.append(marked(page))
    expect(page.locator('main[data-step="reason"]')).to_be_visible(timeout=CAMERA_SECONDS * 1000)
    settled(page, "reason", None)  # which shows the balance
    for _ in range(12):
        here = marked(page)
        seen.append(here)
        step = main(page).get_attribute("data-step")
        if step == "receipt":
            break
        if step == "review":
            snap(page, "practice-review")
        target = (page.locator(f'main [data-choice="{CHOICES[step]}"]') if step in CHOICES
                  else action(page, "next"))
        tap_and_wait(page, target)
    else:
        pytest.fail(f"the practice claim never reached its receipt: {seen}")
    settled(page, "receipt", PRINTING)
    expect(main(page)).to_have_attribute("data-state", "printed", timeout=10_000)
    expect(page.get_by_test_id("practice-mark")).to_have_text("LATIHAN / PRACTICE")
    expect(page.get_by_test_id("claim-number")).to_have_count(0)
    snap(page, "practice-receipt")
    steps = {screen.split("/")[0] for screen in seen}
    assert {"identify", "birth-date", "selfie", "reason", "amount", "review", "receipt"} <= steps, seen

    [job] = set(printed_dir.glob("practice-*.bin")) - already
    paper = decode(job.read_bytes())
    assert paper.lines[0].text == "LATIHAN / PRACTICE" and paper.native_qr == []
    png = cv2.imread(str(job.with_suffix(".png")), cv2.IMREAD_GRAYSCALE)
    assert png_says(png, "PRACTICE") > 0.95 and png_says(png, "LATIHAN") > 0.95
    RECEIPTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(job.with_suffix(".png"), RECEIPTS / "e2e-practice-receipt.png")

    tap_and_wait(page, action(page, "next"), "survey")
    marked(page)
    tap_and_wait(page, page.locator('main [data-choice="5"]'), "welcome")
    expect(main(page)).not_to_have_attribute("data-practice", "true")
    expect(page.get_by_test_id("practice-band")).to_have_count(0)
    # Nothing was saved, sent, kept, printed on record or counted; the visit is gone.
    assert counts(db) == before
    assert db.run(lambda s: s.scalar(select(func.count()).select_from(KioskSession).where(
        KioskSession.practice))) == 0


def test_call_staff_in_practice_reaches_the_board_marked_practice(
        page: Page, console, db):  # noqa: F811
    db.resolve_open_help_requests()
    board = console("sari")
    welcome(page)
    tap_and_wait(page, action(page, "practice"), "identify")
    tap_and_wait(page, toolbar(page, "call-staff"), "staff-coming")
    marked(page)
    row = request_row(board, "asked")
    expect(row).to_be_visible(timeout=5_000)
    expect(row).to_have_attribute("data-practice", "true")
    expect(row).to_contain_text("Latihan")
    expect(board.locator('#board [data-kiosk="K01"]')).to_contain_text("Latihan")
    assert db.run(lambda s: s.scalars(select(HelpRequest.practice).where(
        HelpRequest.status != "resolved")).all()) == [True]
    row.locator('[data-action="ack"]').click()
    expect(page.get_by_test_id("staff-on-the-way")).to_have_text("Bu Sari", timeout=5_000)
    request_row(board, "asked").locator('[data-action="resolve"]').click()
