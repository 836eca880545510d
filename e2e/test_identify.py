"""Identify: the number on the keypad, the birth date by day, month name and year; wrong pairs."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from playwright.sync_api import Page, expect

from e2e.journey import (
    KIOSK_ID,
    NIK_KEYS,
    PEOPLE,
    PEOPLE_BY_KEY,
    UNKNOWN_KPJ,
    action,
    choose_day,
    choose_month,
    clear_keys,
    enter_birth_date,
    enter_year,
    enter_number,
    error_items,
    identify,
    main,
    number_for,
    rupiah,
    start,
    tap_and_wait,
    wrong_date,
)
from kiosk.models import FailedIdentification, HelpRequest, Participant, StepEvent
from kiosk.roster.demo import DEMO_KEYS

# Words a plain message does not use (KIOSK-UX: "Check the number on your card", not "Invalid KPJ").
TECHNICAL_WORDS = ("invalid", "error", "galat", "kpj", "nik", "tidak valid", "format")


def test_the_demo_set_is_the_one_the_server_imported(db):
    assert tuple(p.key for p in PEOPLE) == DEMO_KEYS
    assert NIK_KEYS <= set(DEMO_KEYS) and NIK_KEYS != set(DEMO_KEYS)  # both kinds are covered
    imported = db.run(lambda s: {(p.kpj, p.nik, p.birth_date, p.balance)
                                 for p in s.scalars(select(Participant))})
    assert {(p.kpj, p.nik, p.birth_date, p.balance) for p in PEOPLE} <= imported


@pytest.mark.parametrize("key", DEMO_KEYS)
def test_each_demo_participant_identifies_by_taps_and_sees_exactly_their_balance(page: Page, key):
    person = PEOPLE_BY_KEY[key]
    start(page)
    identify(page, person, number_for(person))
    expect(page.get_by_test_id("balance")).to_have_text(rupiah(person.balance))
    expect(page).to_have_url(re.compile(r"/reason$"))  # the balance is on the reason screen


def test_the_nik_whose_own_date_is_one_day_off_identifies_with_the_recorded_birth_date(page):
    person = PEOPLE_BY_KEY["nik_mismatch"]
    recorded = f"{person.birth_date.day + 40:02d}{person.birth_date.month:02d}"  # women: day + 40
    assert person.nik[6:10] != recorded  # the demo's premise: her NIK says another day
    start(page)
    identify(page, person, person.nik)


def test_a_part_of_the_birth_date_chosen_before_is_tapped_to_fix_it(oriented_page: Page, snap):
    page = oriented_page
    person = PEOPLE_BY_KEY["age56"]
    birth = person.birth_date
    wrong_day = birth.day % 28 + 1
    wrong_month = birth.month % 12 + 1
    start(page)
    enter_number(page, person.kpj)
    choose_day(page, wrong_day)
    # The day chosen is a button on the date so far; the month is being chosen; the year waits.
    parts = page.locator("main .date-parts")
    expect(parts.locator('[data-action="fix-day"]')).to_contain_text(str(wrong_day))
    expect(parts.locator(".date-part--current")).to_have_text("Bulan")
    expect(parts.locator("button")).to_have_count(1)
    tap_and_wait(page, parts.locator('[data-action="fix-day"]'), "birth-date", "day")
    choose_day(page, birth.day)
    choose_month(page, wrong_month)
    snap(page, "birth-date-parts")
    expect(page.locator('main [data-action="fix-month"]')).to_be_visible()
    tap_and_wait(page, page.locator('main [data-action="fix-month"]'), "birth-date", "month")
    # Fixing the month keeps the day: straight on to the year after it.
    expect(page.locator('main [data-action="fix-day"]')).to_contain_text(str(birth.day))
    choose_month(page, birth.month)
    enter_year(page, f"{birth.year:04d}", "selfie", "intro")  # the right pair: recognised


def test_wrong_pairs_get_one_message_then_staff_after_three(page: Page, db):
    person = PEOPLE_BY_KEY["age56"]
    db.resolve_open_help_requests()
    last_failure, last_event = db.last_id(FailedIdentification), db.last_id(StepEvent)
    last_help = db.last_id(HelpRequest)
    start(page)

    # 1. The right number with a wrong date.
    enter_number(page, person.kpj)
    enter_birth_date(page, wrong_date(person.birth_date), "identify", "error")
    right_number_wrong_date = error_items(page)
    expect(page.locator("main .error-summary")).to_have_attribute("role", "alert")
    expect(page.locator("main .error-summary")).to_be_focused()
    assert len(right_number_wrong_date) == 1

    # 2. A wrong number with the right date: the same words, so it never says which was wrong.
    clear_keys(page, "number")
    enter_number(page, UNKNOWN_KPJ)
    enter_birth_date(page, person.birth_date, "identify", "error")
    wrong_number_right_date = error_items(page)
    assert wrong_number_right_date[0] == right_number_wrong_date[0]
    assert len(wrong_number_right_date) == 2  # the second time, staff is offered in the message

    # 3. A third wrong pair: the kiosk stops asking and offers staff (no account is locked).
    tap_and_wait(page, action(page, "next"), "birth-date", "day")
    enter_birth_date(page, wrong_date(person.birth_date), "identify", "staff")
    expect(page.locator("main .error-summary")).to_have_count(0)
    expect(page.locator("main [data-keypad]")).to_have_count(0)
    call = action(page, "call-staff")
    expect(call).to_be_visible()
    tap_and_wait(page, call, "staff-coming")

    assert len(db.rows_after(FailedIdentification, last_failure)) == 3
    outcomes = [e["outcome"] for e in db.rows_after(StepEvent, last_event)]
    assert outcomes.count("wrong_pair") == 3
    assert "call_staff" in outcomes
    requests = db.rows_after(HelpRequest, last_help)
    assert [(r["kiosk_id"], r["reason"], r["step"], r["status"]) for r in requests] == [
        (KIOSK_ID, "asked", "identify", "open")]


@pytest.mark.parametrize("digits, code", [
    ("123456789012", "wrong_length"),       # 12 digits: neither a KPJ nor a NIK
    ("3374051513651201", "impossible_nik"),  # a NIK born in month 13
])
def test_a_number_that_cannot_be_gets_a_plain_message_and_nothing_else(page: Page, db, digits,
                                                                     code):
    last_event, last_failure = db.last_id(StepEvent), db.last_id(FailedIdentification)
    last_help = db.last_id(HelpRequest)
    start(page)
    enter_number(page, digits, state="error")

    summary = page.locator("main .error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    items = error_items(page)
    assert len(items) == 1 and items[0]
    assert not any(word in items[0].lower() for word in TECHNICAL_WORDS), items[0]
    if code == "wrong_length":
        assert "12" in items[0]  # it says how many digits were typed
    expect(page.locator("#number")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(re.compile(r"/identify$"))
    expect(main(page)).to_have_attribute("data-step", "identify")

    assert [e["outcome"] for e in db.rows_after(StepEvent, last_event)
            if e["outcome"] != "replaced"] == [
        "start", f"invalid_{code}"]
    assert db.rows_after(FailedIdentification, last_failure) == []  # not a wrong pair
    assert db.rows_after(HelpRequest, last_help) == []
