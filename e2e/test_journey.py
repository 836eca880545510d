"""The whole journey as built so far, in one go: the smoke test (also run on PostgreSQL)."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.journey import (
    KIOSK_ID,
    PEOPLE_BY_KEY,
    action,
    choose_day,
    choose_month,
    enter_number,
    enter_year,
    main,
    rupiah,
    tap_and_wait,
    welcome,
)
from kiosk.models import KioskSession, StepEvent


@pytest.mark.smoke
def test_welcome_identify_birth_date_balance_done_and_back_to_welcome(page: Page, db):
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

    tap_and_wait(page, action(page, "next"), "welcome")  # Selesai
    expect(page.get_by_test_id("balance")).to_have_count(0)

    events = db.rows_after(StepEvent, last_event)
    assert [(e["step"], e["outcome"]) for e in events] == [
        ("welcome", "start"), ("identify", "number_kpj"), ("birth-date", "identified"),
        ("balance", "finished")]
    assert len({e["session_token"] for e in events}) == 1
    assert db.run(lambda s: s.query(KioskSession).filter_by(kiosk_id=KIOSK_ID).count()) == 0
