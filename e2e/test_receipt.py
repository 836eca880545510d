"""Paper in the hand: a full claim prints its receipt; paper out is told and staff reprint it; the
claim status by the typed number and by the receipt's QR shown to the kiosk camera.

The live server prints to its simulator (PRINTER_URL=sim://FOLDER): the exact ESC/POS bytes and a
PNG drawn from them. The QR test's camera plays a video made from that PNG.
"""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import cv2
import numpy as np
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from e2e.conftest import ARTIFACTS, LiveServer
from e2e.journey import (
    PEOPLE_BY_KEY,
    action,
    enter_digits,
    main,
    mark_stale,
    set_text_size,
    settled,
    tap_and_wait,
    welcome,
)
from e2e.test_claim import send, to_review
from hardware.printer import FAULT_FILE
from kiosk import receipts
from kiosk.devices import default_kiosk
from kiosk.jht import make_claim_number
from kiosk.models import Claim, HelpRequest, Participant, ReceiptPrint
from tests import facekit
from tests.escpos_decode import decode, read_qr

PERSON = PEOPLE_BY_KEY["age56"]
SCREENSHOTS = ARTIFACTS / "receipts"
CAMERA_SECONDS = 30


@pytest.fixture
def printed_dir(live_server: LiveServer) -> Path:
    """The live server's simulated printer's folder."""
    folder = Path(urlsplit(live_server.env["PRINTER_URL"]).path)
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    (folder / FAULT_FILE).unlink(missing_ok=True)


def printed(folder: Path, number: str) -> list[Path]:
    return sorted(folder.glob(f"{number}-*.bin"))


def test_a_full_claim_prints_its_receipt_once(page: Page, db, printed_dir, snap):
    to_review(page, PERSON, "retirement_age")
    number = send(page).replace(" ", "")
    expect(main(page)).to_have_attribute("data-state", "printed")
    expect(page.get_by_test_id("print-status")).to_have_text("Ambil struk Anda.")
    [job] = printed(printed_dir, number)
    paper = decode(job.read_bytes())
    assert " ".join([number[:4], number[4:6], number[6:11], number[11]]) in paper.text
    assert paper.cuts == [len(paper.items) - 1]
    png = job.with_suffix(".png")
    assert read_qr(cv2.imread(str(png), cv2.IMREAD_GRAYSCALE)) == number
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(png, SCREENSHOTS / "e2e-receipt-printed.png")
    snap(page, "receipt-printed")
    # A reload shows how it went; it does not print again.
    page.reload()
    settled(page, "receipt", "printed")
    assert len(printed(printed_dir, number)) == 1
    assert db.run(lambda s: s.scalar(select(func.count()).select_from(ReceiptPrint).join(
        Claim, Claim.id == ReceiptPrint.claim_id).where(Claim.number == number))) == 1


def test_paper_out_is_told_staff_are_called_and_a_reprint_reaches_the_screen(
        page: Page, db, printed_dir, snap):
    to_review(page, PERSON, "retirement_age")
    (printed_dir / FAULT_FILE).write_text("paper_out")
    last_help = db.last_id(HelpRequest)
    tap_and_wait(page, action(page, "next"), "receipt", ("printing", "printer-error"))
    number = page.get_by_test_id("claim-number").inner_text().replace(" ", "")
    expect(main(page)).to_have_attribute("data-state", "printer-error")
    expect(page.get_by_test_id("print-status")).to_have_text(
        "Kertas struk habis. Klaim Anda sudah tersimpan. Petugas akan mencetak struk Anda.")
    snap(page, "receipt-paper-out")
    assert [r["reason"] for r in db.rows_after(HelpRequest, last_help)] == ["printer"]
    assert printed(printed_dir, number) == []
    (printed_dir / FAULT_FILE).unlink()  # staff put paper in, and reprint
    assert db.run(lambda s: receipts.reprint(number).state) == "printed"
    expect(main(page)).to_have_attribute("data-state", "printed", timeout=10_000)
    expect(page.get_by_test_id("print-status")).to_have_text("Ambil struk Anda.")
    assert len(printed(printed_dir, number)) == 1


# --- the claim status ----------------------------------------------------------------------------

def a_printed_claim(db, state: str = "approved") -> str:
    """A claim of PERSON's in `state`, as the staff console leaves it, its receipt printed."""
    def make(session):
        participant = session.scalar(select(Participant).where(Participant.kpj == PERSON.kpj))
        kiosk = default_kiosk()
        sequence = 90_000 + (session.scalar(select(func.count()).select_from(Claim)) or 0)
        number = make_claim_number("0901", kiosk.code, sequence)
        session.add(Claim(
            number=number, idempotency_key=f"e2e-status-{number}", kiosk_id="K01",
            participant_id=participant.id, reason="retirement_age", state=state,
            gross_amount=PERSON.balance, tax_amount=0, net_amount=PERSON.balance,
            expected_payment_date=date(2026, 11, 30), bank_name=PERSON.bank_name,
            bank_account=PERSON.bank_account, phone=PERSON.phone, details={}))
        session.commit()
        assert receipts.reprint(number).state == "printed"
        return number
    return db.run(make)


def enter_birth_date(page: Page, birth: date, state: str) -> None:
    """On the status's date screens: the day, the month by name, the year, then `state`."""
    tap_and_wait(page, page.locator('main [role="group"]').get_by_role(
        "button", name=str(birth.day), exact=True), "status", "month")
    tap_and_wait(page, page.locator(f'main [data-choice="{birth.month}"]'), "status", "year")
    enter_digits(page, str(birth.year))
    tap_and_wait(page, action(page, "next"), "status", state)


def test_the_status_by_the_typed_number_after_a_wrong_date(page: Page, db, snap):
    number = a_printed_claim(db)
    welcome(page)
    tap_and_wait(page, action(page, "check-status"), "status", "number")
    enter_digits(page, number)
    tap_and_wait(page, action(page, "next"), "status", "day")
    expect(main(page)).not_to_contain_text(PERSON.full_name.split()[0])
    enter_birth_date(page, PERSON.birth_date.replace(year=PERSON.birth_date.year - 1), "error")
    expect(main(page).locator(".error-summary")).to_contain_text("tidak cocok")
    page.locator('main [data-key="clear"]').click()
    enter_digits(page, number)
    tap_and_wait(page, action(page, "next"), "status", "day")
    enter_birth_date(page, PERSON.birth_date, "result")
    status = page.get_by_test_id("claim-status")
    expect(status).to_have_attribute("data-status", "approved")
    expect(status).to_have_text("Sudah disetujui, menunggu dibayar")
    expect(main(page)).to_contain_text("30 November 2026 atau lebih cepat")
    snap(page, "status-result")
    tap_and_wait(page, action(page, "next"), "welcome")


def qr_video_frames(png: Path) -> list[np.ndarray]:
    """What the kiosk camera sees: the receipt's lower half, QR and all, held up and moving a
    little, in front of a lobby wall (640 x 480, 3 s at 15 fps)."""
    paper = cv2.imread(str(png))
    padded = cv2.copyMakeBorder(paper, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=(255, 255, 255))
    found, points = cv2.QRCodeDetector().detect(padded)
    assert found
    top = max(0, int(points[0][:, 1].min()) - 40 - 120)
    piece = paper[top:top + 440]
    frames = []
    for i in range(45):
        frame = np.full((480, 640, 3), facekit.BACKGROUND, np.uint8)
        x = (640 - piece.shape[1]) // 2 + int(6 * np.sin(i / 5))
        y = 20 + int(4 * np.cos(i / 7))
        frame[y:y + piece.shape[0], x:x + piece.shape[1]] = piece
        frames.append(frame)
    return frames


def test_the_status_by_the_receipts_qr_shown_to_the_camera(camera_page, db, live_server, snap):
    number = a_printed_claim(db, "needs_staff")
    folder = Path(urlsplit(live_server.env["PRINTER_URL"]).path)
    [png] = sorted(folder.glob(f"{number}-*.png"))
    page = camera_page(qr_video_frames(png))
    welcome(page)
    mark_stale(page)
    action(page, "check-status").click()
    settled(page, "status", ("number", "day"))  # the camera may read the code at once
    expect(page.locator('main[data-state="day"]')).to_be_visible(timeout=CAMERA_SECONDS * 1000)
    settled(page, "status", "day")
    enter_birth_date(page, PERSON.birth_date, "result")
    expect(page.get_by_test_id("claim-status")).to_have_attribute("data-status", "needs_staff")
    expect(page.get_by_test_id("claim-number")).to_have_text(
        " ".join([number[:4], number[4:6], number[6:11], number[11]]))
    snap(page, "status-by-qr")


def test_at_larger_text_a_typing_error_hides_the_qr_preview_and_the_camera_still_reads(
        camera_page):
    """Portrait at 125 %: the preview with its advice beside it; after a typing error both hide
    (the field and the keys need the room) and the camera goes on reading frames from the hidden
    video, so a code held up is still found."""
    frames = [np.full((480, 640, 3), facekit.BACKGROUND, np.uint8)] * 30  # a lobby wall
    page = camera_page(frames)
    welcome(page)
    tap_and_wait(page, action(page, "check-status"), "status", "number")
    set_text_size(page, 125)
    aim = page.locator("main .qr-aim")
    expect(aim).to_be_visible()
    preview, advice = (page.locator("main .camera--qr").bounding_box(),
                       page.get_by_test_id("advice").bounding_box())
    assert advice["x"] >= preview["x"] + preview["width"]  # side by side
    enter_digits(page, "123")
    tap_and_wait(page, action(page, "next"), "status", "error")
    expect(aim).to_be_hidden()
    expect(page.locator("main #number")).to_be_in_viewport()
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url)
            if request.url.endswith("/status/frame") else None)
    page.wait_for_timeout(3000)
    assert len(sent) >= 2, sent
    expect(aim).to_be_hidden()  # the frames' answers leave it hidden

