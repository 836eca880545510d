"""The whole journey in one go: the smoke test (also run on PostgreSQL)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.journey import (
    KIOSK_ID,
    PEOPLE_BY_KEY,
    PRINTING,
    action,
    choose,
    choose_day,
    choose_month,
    enter_number,
    enter_year,
    main,
    rupiah,
    tap_and_wait,
    welcome,
)
from kiosk.models import Claim, KioskSession, StepEvent


@pytest.mark.smoke
def test_an_age_56_claim_from_welcome_to_receipt_and_survey(page: Page, db):
    person = PEOPLE_BY_KEY["age56"]
    last_event = db.last_id(StepEvent)
    welcome(page)
    expect(page.locator("main h1")).to_be_visible()

    tap_and_wait(page, action(page, "next"), "identify")
    expect(page.locator("main h1")).to_be_focused()
    enter_number(page, person.kpj)
    choose_day(page, person.birth_date.day)
    choose_month(page, person.birth_date.month)
    enter_year(page, str(person.birth_date.year), "balance")
    expect(page.get_by_test_id("balance")).to_have_text(rupiah(person.balance))
    expect(main(page)).to_contain_text(person.kpj[-3:])

    tap_and_wait(page, action(page, "next"), "reason")
    choose(page, "retirement_age", "amount")
    expect(page.get_by_test_id("net-amount")).to_have_text(rupiah(person.balance))
    tap_and_wait(page, action(page, "next"), "bank", "choose")
    choose(page, "keep", "phone", "choose")
    choose(page, "keep", "review")  # no papers beyond the cards: no documents screen
    tap_and_wait(page, action(page, "next"), "receipt", PRINTING)
    number = page.get_by_test_id("claim-number").inner_text()
    assert re.fullmatch(r"0901 01 \d{5} \d", number), number
    expect(main(page)).to_contain_text("30 November 2026")  # 5 working days after Mon 23 Nov
    expect(main(page)).to_have_attribute("data-state", "printed")  # the receipt is taken
    tap_and_wait(page, action(page, "next"), "survey")
    choose(page, "4", "welcome")
    expect(page.get_by_test_id("balance")).to_have_count(0)

    claim = db.run(lambda s: s.query(Claim).filter_by(number=number.replace(" ", "")).one()
                   .state)
    assert claim == "queued"
    # (The visit an earlier test left on this kiosk ends with "replaced" at this Start.)
    events = [e for e in db.rows_after(StepEvent, last_event) if e["outcome"] != "replaced"]
    # The selfie records what it showed (advice codes vary with the frames) and how it ended.
    selfie = [e["outcome"] for e in events if e["step"] == "selfie"]
    assert selfie[0] == "camera_opened" and {"steady", "turned"} <= set(selfie)
    assert selfie[-1] == "accepted_first_try"
    assert [(e["step"], e["outcome"]) for e in events
            if e["step"] != "selfie" or e["outcome"].startswith("accepted")] == [
        ("welcome", "start"), ("identify", "number_kpj"), ("birth-date", "identified"),
        ("selfie", "accepted_first_try"), ("balance", "next"), ("reason", "reason_retirement_age"), ("amount", "next"),
        ("bank", "bank_ok"), ("phone", "phone_keep"), ("review", "submitted_queued"), ("receipt", "printed"), ("receipt", "next"), ("survey", "score_4")]
    assert len({e["session_token"] for e in events}) == 1
    assert db.run(lambda s: s.query(KioskSession).filter_by(kiosk_id=KIOSK_ID).count()) == 0
