"""Claim status at the kiosk: the receipt's QR to the camera or the number typed, then the birth
date; nothing shown before it matches; wrong tries limited like identification."""
from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from kiosk import claims as kiosk_claims
from kiosk.extensions import db
from kiosk.jht import make_claim_number
from kiosk.models import Claim, KioskSession
from kiosk.participant import status as status_step
from tests.helpers import load_demo, main_attr, person
from tests.test_claim_steps import submit, to_review

WHO = "age56"


@pytest.fixture
def claimed(app, client):
    """A claim made at this kiosk, its receipt printed, the visit finished."""
    load_demo(app)
    to_review(client, WHO, "retirement_age")
    submit(client)
    client.post("/receipt/print")
    client.post("/receipt")
    client.post("/survey", data={"score": "5"})
    with app.app_context():
        return db.session.scalars(select(Claim)).one().number


def html(response) -> str:
    return response.get_data(as_text=True)


def voice_text(response) -> str:
    return re.search(r'data-text="([^"]*)"', html(response)).group(1)


def look_up(client, number: str, birth=None):
    client.post("/status/start", data={"language": "id"})
    page = client.post("/status", data={"number": number}, follow_redirects=True)
    if birth is None or main_attr(page, "data-state") != "day":
        return page
    return client.post("/status", data={"birth_date": birth.isoformat()}, follow_redirects=True)


def receipt_frame(app, number: str, scale: float = 0.55) -> bytes:
    """A 640 x 480 camera frame of the printed receipt held up, QR and all (a JPEG)."""
    png = next(Path(app.instance_path, "receipts").glob(f"{number}-*.png"))
    paper = cv2.imread(str(png), cv2.IMREAD_GRAYSCALE)
    paper = cv2.resize(paper, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    frame = np.full((480, 640), 90, np.uint8)  # a dim room behind the paper
    qr_row = int(np.argmax([row.min() == 0 and row.mean() < 200 for row in paper[paper.shape[0] // 2:]]))
    top = max(0, paper.shape[0] // 2 + qr_row - 120)
    piece = paper[top:top + 460]
    x = (640 - piece.shape[1]) // 2
    frame[10:10 + piece.shape[0], x:x + piece.shape[1]] = piece
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR),
                            [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return jpeg.tobytes()


def test_welcome_offers_the_status_look_up(client):
    page = client.get("/")
    assert 'data-action="check-status"' in html(page)
    page = client.post("/status/start", data={"language": "id"}, follow_redirects=True)
    assert (main_attr(page, "data-step"), main_attr(page, "data-state")) == ("status", "number")
    assert voice_text(page).startswith("Cek status klaim.")


def test_the_typed_number_and_birth_date_show_the_state_date_and_what_next(app, client, claimed):
    who = person(WHO)
    page = look_up(client, claimed, who.birth_date)
    assert main_attr(page, "data-state") == "result"
    assert re.search(r'data-testid="claim-status" data-status="queued"', html(page))
    assert "Sudah kami terima" in html(page) and "30 November 2026 atau lebih cepat" in html(page)
    spoken = voice_text(page)
    assert "Keadaan klaim Anda: Sudah kami terima." in spoken
    assert "tiga puluh November dua ribu dua puluh enam" in spoken
    assert "12" not in spoken  # numbers in words


def test_nothing_of_the_claim_shows_before_the_birth_date_matches(app, client, claimed):
    who = person(WHO)
    client.post("/status/start", data={"language": "id"})
    day = client.post("/status", data={"number": claimed}, follow_redirects=True)
    assert main_attr(day, "data-state") == "day"
    for private in (who.full_name.split()[0], "claim-status", "Sudah kami terima", "Rp"):
        assert private not in html(day)


def test_a_wrong_date_and_an_unknown_number_get_the_same_answer(app, client, claimed):
    who = person(WHO)
    wrong_date = look_up(client, claimed, who.birth_date.replace(year=who.birth_date.year - 1))
    nobody = make_claim_number("0901", 1, 99)
    unknown = look_up(client, nobody, who.birth_date)
    for page in (wrong_date, unknown):
        assert main_attr(page, "data-state") == "error"
        assert "Nomor klaim dan tanggal lahir tidak cocok dengan data kami" in html(page)
        assert "claim-status" not in html(page)


@pytest.mark.parametrize("typed, error", [("0901010000", "punya 12 angka"),
                                          ("090101000010", "tidak mungkin benar")])
def test_a_mistyped_number_is_caught_before_the_date(client, typed, error):
    client.post("/status/start", data={"language": "id"})
    page = client.post("/status", data={"number": typed})
    assert page.status_code == 422 and error in html(page)


def test_wrong_tries_are_limited_like_identification(app, client, claimed):
    who = person(WHO)
    wrong = who.birth_date.replace(year=who.birth_date.year - 1)
    client.post("/status/start", data={"language": "id"})
    for _ in range(app.config["IDENTIFY_TRIES"]):
        client.post("/status", data={"number": claimed})
        client.post("/status", data={"birth_date": wrong.isoformat()})
    client.post("/status", data={"number": claimed})
    page = client.post("/status", data={"birth_date": who.birth_date.isoformat()},
                       follow_redirects=True)
    assert main_attr(page, "data-state") == "staff"  # the right pair is not checked any more
    assert "claim-status" not in html(page) and 'data-action="call-staff"' in html(page)


def test_staff_decisions_and_deliveries_show_here(app, client, claimed):
    who = person(WHO)
    with app.test_request_context():
        claim = db.session.scalars(select(Claim)).one()
        kiosk_claims.set_state(claim, "submitted")
        kiosk_claims.set_state(claim, "approved")
        db.session.commit()
    page = look_up(client, claimed, who.birth_date)
    assert 'data-status="approved"' in html(page) and "Klaim Anda sudah disetujui." in html(page)
    with app.test_request_context():
        kiosk_claims.set_state(db.session.scalars(select(Claim)).one(), "paid")
        db.session.commit()
    client.post("/status/done")
    page = look_up(client, claimed, who.birth_date)
    assert 'data-status="paid"' in html(page) and "Periksa buku tabungan Anda" in html(page)
    assert "atau lebih cepat" not in html(page)


def test_the_receipts_qr_held_to_the_camera_gives_the_number(app, client, claimed):
    who = person(WHO)
    client.post("/status/start", data={"language": "id"})
    answer = client.post("/status/frame", data=receipt_frame(app, claimed),
                         content_type="image/jpeg").get_json()
    assert answer["state"] == "day" and answer["next"].endswith("/status")
    page = client.post("/status", data={"birth_date": who.birth_date.isoformat()},
                       follow_redirects=True)
    assert 'data-status="queued"' in html(page)


def blank_frame() -> bytes:
    ok, blank = cv2.imencode(".jpg", np.full((480, 640, 3), 120, np.uint8))
    assert ok
    return blank.tobytes()


def test_a_frame_without_a_code_asks_to_hold_the_receipt_up_and_changes_nothing(app, client):
    client.post("/status/start", data={"language": "id"})
    answer = client.post("/status/frame", data=blank_frame(), content_type="image/jpeg")
    assert answer.get_json()["advice"] == "qr" and "Pegang struk" in answer.get_json()["text"]
    with app.app_context():
        assert db.session.scalars(select(KioskSession)).one().data["status"] == {"part": "number"}


def test_a_frame_still_in_flight_never_undoes_the_number_typed(app, client, claimed):
    client.post("/status/start", data={"language": "id"})
    client.post("/status", data={"number": claimed})
    answer = client.post("/status/frame", data=blank_frame(), content_type="image/jpeg")
    assert answer.get_json()["state"] == "day"
    assert main_attr(client.get("/status"), "data-state") == "day"


def test_the_camera_rests_after_a_while_and_the_keypad_stays(client):
    client.post("/status/start", data={"language": "id"})
    page = client.get("/status")
    assert f'data-max-frames="{status_step.CAMERA_MAX_FRAMES}"' in html(page)
    page = client.post("/status/camera", data={"problem": "rested"}, follow_redirects=True)
    assert "data-camera" not in html(page) and 'name="again"' in html(page)
    assert 'data-keypad="number"' in html(page)  # typing is still there
    page = client.post("/status/camera", data={"again": "1"}, follow_redirects=True)
    assert "data-camera" in html(page)


def test_back_walks_the_look_up_back_and_then_leaves(app, client, claimed):
    client.post("/status/start", data={"language": "id"})
    client.post("/status", data={"number": claimed})
    client.post("/status", data={"day": "5"})
    page = client.post("/back", follow_redirects=True)
    assert main_attr(page, "data-state") == "day"
    page = client.post("/back", follow_redirects=True)
    assert main_attr(page, "data-state") == "number"
    page = client.post("/back", follow_redirects=True)
    assert main_attr(page, "data-step") == "welcome"
    with app.app_context():
        assert db.session.scalars(select(KioskSession)).all() == []


def test_done_ends_the_look_up_visit(app, client, claimed):
    look_up(client, claimed, person(WHO).birth_date)
    page = client.post("/status/done", follow_redirects=True)
    assert main_attr(page, "data-step") == "welcome"
    with app.app_context():
        assert db.session.scalars(select(KioskSession)).all() == []
