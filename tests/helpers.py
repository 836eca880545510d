"""Helpers the Flask-client tests share: demo data, walking the journey, reading the page."""
from __future__ import annotations

import re
from datetime import date

from kiosk.extensions import db
from kiosk.roster.csv_import import import_participants, parse_contributions, parse_participants
from kiosk.roster.demo import demo_csv, demo_person

TODAY = date(2026, 11, 23)  # config_for_tests's KIOSK_TODAY


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
