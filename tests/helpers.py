"""Helpers the Flask-client tests share: demo data, walking the journey, reading the page."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from kiosk.extensions import db
from kiosk.roster.csv_import import import_participants, parse_contributions, parse_participants
from kiosk.roster.demo import demo_csv, demo_person

TODAY = date(2026, 11, 23)  # config_for_tests's KIOSK_TODAY
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load_demo(app) -> None:
    """Import the demo participants for TODAY through the same code the CLI uses."""
    people_csv, contributions_csv = demo_csv(TODAY)
    with app.app_context():
        rows, errors = parse_participants(people_csv, base_dir=app.instance_path, today=TODAY)
        contributions, contribution_errors = parse_contributions(contributions_csv, today=TODAY)
        assert not errors and not contribution_errors
        import_participants(db.session, rows, contributions)


def person(key: str):
    return demo_person(key, TODAY)


def main_attr(response, name: str) -> str | None:
    """Return an attribute of <main> in a response."""
    match = re.search(r"<main\b[^>]*\b" + name + r'="([^"]*)"', response.get_data(as_text=True))
    return match.group(1) if match else None


def start(client, language: str = "id"):
    return client.post("/start", data={"language": language}, follow_redirects=True)


def identify(client, number: str, birth: date, follow: bool = True):
    """Enter a number and a birth date the way the keypad UI posts them."""
    client.post("/identify", data={"number": number})
    return client.post("/birth-date", data={"birth_date": birth.isoformat()},
                       follow_redirects=follow)


def staff_accepts(app, kiosk_id: str = "K01") -> None:
    """Do what a staff member does after checking the e-KTP by hand (`identity accept`)."""
    result = app.test_cli_runner().invoke(args=["identity", "accept", kiosk_id])
    assert result.exit_code == 0, result.output


def recognised(client, number: str, birth: date):
    """Identify, then pass the selfie step the quickest real way: a staff member accepts.

    The selfie itself (camera frames, head turn, match) has its own tests in test_selfie.py.
    """
    identify(client, number, birth)
    staff_accepts(client.application)
    return client.get("/selfie", follow_redirects=True)


def post_frame(client, url: str, frame) -> dict:
    """Post one camera frame as camera.js does (a JPEG body); return the JSON answer."""
    from tests.facekit import jpeg

    response = client.post(url, data=jpeg(frame), content_type="image/jpeg")
    return response.get_json()


def show_papers(client, page, frame=None, max_frames: int = 20):
    """Hold each paper up to the camera until the kiosk keeps it, then say it is readable."""
    from tests.paperkit import page_frame

    frame = page_frame(angle=4, tilt=10) if frame is None else frame
    while main_attr(page, "data-state") == "camera":
        for _ in range(max_frames):
            if post_frame(client, "/documents/frame", frame)["state"] == "check":
                break
        else:
            raise AssertionError("the kiosk never kept the page")
        page = client.post("/documents/check", data={"answer": "yes"}, follow_redirects=True)
    return page


def claim_whole(client, who, reason: str = "retirement_age", new_phone: str | None = None):
    """Start, be recognised, and claim `reason` keeping the bank account on file; return the
    receipt (or wherever the journey stopped)."""
    start(client)
    recognised(client, who.kpj, who.birth_date)
    client.post("/balance")
    client.post("/reason", data={"reason": reason})
    client.post("/amount")
    client.post("/bank", data={"choice": "keep"})
    if new_phone:
        client.post("/phone", data={"choice": "new"})
        client.post("/phone", data={"number": new_phone})
    else:
        client.post("/phone", data={"choice": "keep"})
    return client.post("/review", follow_redirects=True)
