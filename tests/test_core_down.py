"""The core away: a claim is still saved and sent later; look-ups say so plainly and call staff."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.core import outbox
from kiosk.extensions import db
from kiosk.models import Claim, HelpRequest, KioskSession
from tests.corekit import received, start_simulator, stop_simulator
from tests.helpers import identify, load_demo, main_attr, person, start
from tests.test_claim_steps import html, submit, to_review


@pytest.fixture
def simulator(app):
    load_demo(app)
    running = start_simulator(app, retries=1, timeout=1.5)  # room for a loaded machine
    yield running
    stop_simulator(app, running)


def test_a_claim_submitted_while_the_core_is_down_gets_its_receipt_and_goes_later(
        app, client, simulator):
    to_review(client, "age56", "retirement_age")
    simulator.set_faults("down")
    page = submit(client)
    assert main_attr(page, "data-step") == "receipt"
    assert 'data-testid="claim-number"' in html(page)
    assert "akan dikirim otomatis" in html(page)
    with app.app_context():
        claim = db.session.scalars(select(Claim)).one()
        assert claim.state == "queued"
        assert outbox.run_pass().failed == 1  # still down: kept for later
        simulator.set_faults("none")
        assert outbox.run_pass().sent == 1
        db.session.refresh(claim)
        assert claim.state == "submitted"
    assert [row["number"] for row in received(simulator)] == [claim.number]


def test_identification_while_the_core_is_down_says_so_and_calls_staff(app, client, simulator):
    who = person("age56")
    start(client)
    simulator.set_faults("down")
    page = identify(client, who.kpj, who.birth_date)
    assert main_attr(page, "data-step") == "staff-coming"
    assert 'data-testid="core-away"' in html(page)
    with app.app_context():
        call = db.session.scalars(select(HelpRequest)).one()
        visit = db.session.scalars(select(KioskSession)).one()
        assert (call.reason, call.status, call.session_id) == ("other", "open", visit.id)
        assert visit.failed_pairs == 0 and visit.participant_id is None  # no try was spent
    simulator.set_faults("none")
    client.post("/back")  # "continue on my own": back to the number, which now works
    page = identify(client, who.kpj, who.birth_date)
    assert main_attr(page, "data-step") == "selfie"
    assert 'data-testid="core-away"' not in html(page)


def test_the_reference_photo_while_the_core_is_down_sends_the_selfie_to_staff(
        app, client, simulator, monkeypatch):
    from kiosk.core import CoreUnavailable
    from kiosk.core.http import HttpCore

    def away(_self, _participant_id):
        raise CoreUnavailable("getReferencePhoto: cannot reach the core")

    monkeypatch.setattr(HttpCore, "reference_photo", away)
    who = person("age56")
    start(client)
    page = identify(client, who.kpj, who.birth_date)
    assert (main_attr(page, "data-step"), main_attr(page, "data-state")) == ("selfie", "staff")
    with app.app_context():
        assert db.session.scalars(select(HelpRequest.reason)).one() == "identity_check"
