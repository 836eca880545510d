"""What every screen shares: Back, Start over, the language, Call staff, focus after a swap."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.journey import (
    KIOSK_ID,
    PEOPLE_BY_KEY,
    action,
    choose_day,
    choose_month,
    english,
    english_catalogue,
    enter_number,
    enter_year,
    identify,
    main,
    number_for,
    start,
    tap_and_wait,
    toolbar,
    welcome,
)
from kiosk.i18n import SHORT_NAMES
from kiosk.jht import group_number
from kiosk.models import HelpRequest, StepEvent

ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")


def test_focus_moves_to_the_new_screens_heading_after_start(page: Page):
    start(page)
    heading = page.locator("main h1")
    expect(heading).to_be_focused()
    assert page.evaluate("() => document.activeElement === document.querySelector('main h1')")


def test_back_from_birth_date_returns_to_identify_with_the_number_kept(page: Page):
    person = PEOPLE_BY_KEY["resigned"]
    start(page)
    enter_number(page, person.nik)
    tap_and_wait(page, action(page, "back"), "identify")
    expect(page.locator("#number")).to_have_value(group_number(person.nik))
    # ... and Lanjut goes on with that number, without typing it again.
    tap_and_wait(page, action(page, "next"), "birth-date", "day")


def test_back_within_the_birth_date_undoes_the_last_part(page: Page):
    person = PEOPLE_BY_KEY["partial"]
    start(page)
    enter_number(page, person.kpj)
    choose_day(page, person.birth_date.day)
    tap_and_wait(page, action(page, "back"), "birth-date", "day")  # month -> day
    expect(page.locator("main .date-part--current")).to_have_count(1)
    choose_day(page, person.birth_date.day)  # and the date can be finished from there
    choose_month(page, person.birth_date.month)
    enter_year(page, str(person.birth_date.year), "balance")


def test_start_over_wipes_the_visit_and_browser_back_shows_nothing_of_it(page: Page, db):
    person = PEOPLE_BY_KEY["above_limit"]
    last_event = db.last_id(StepEvent)
    start(page)
    identify(page, person, number_for(person))
    tap_and_wait(page, action(page, "start-over"), "welcome")
    assert "start_over" in [e["outcome"] for e in db.rows_after(StepEvent, last_event)]

    page.go_back()  # the address of the balance screen
    expect(main(page)).to_have_attribute("data-step", "welcome")
    expect(page.get_by_test_id("balance")).to_have_count(0)
    body = page.locator("body")
    expect(body).not_to_contain_text(re.compile(r"75[.,]500[.,]000"))
    expect(body).not_to_contain_text(person.kpj[-3:] + " ")
    # Nothing of the visit survives on the server either: identify asks for the start again.
    page.goto("/balance")
    expect(main(page)).to_have_attribute("data-step", "welcome")


def test_english_on_welcome_stays_through_to_the_balance(page: Page):
    """Headings come from the English catalogue (msgid while a message is untranslated)."""
    catalogue = english_catalogue()
    person = PEOPLE_BY_KEY["contract_end"]
    html = page.locator("html")
    welcome(page)
    expect(html).to_have_attribute("lang", "id")
    tap_and_wait(page, page.locator('main [data-choice="en"]'), "welcome")
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator('main [data-choice="en"]')).to_have_attribute("aria-pressed", "true")
    # The toolbar offers every language in its own words, the chosen one pressed.
    expect(page.locator("header.toolbar [data-choice='id']")).to_have_text(SHORT_NAMES["id"])
    expect(page.locator("header.toolbar [data-choice='en']")).to_have_attribute(
        "aria-pressed", "true")
    heading = page.locator("main h1")
    expect(heading).to_have_text(english("Selamat datang", catalogue))

    tap_and_wait(page, action(page, "next"), "identify")
    expect(heading).to_have_text(english("Nomor kartu Anda", catalogue))
    enter_number(page, person.kpj)
    expect(heading).to_have_text(english("Tanggal berapa Anda lahir?", catalogue))
    choose_day(page, person.birth_date.day)
    expect(heading).to_have_text(english("Bulan apa Anda lahir?", catalogue))
    # Month names come from the locale data, not the catalogue: always English here.
    expect(page.locator("main [data-choice]")).to_have_text(list(ENGLISH_MONTHS))
    tap_and_wait(page, page.locator(f'main [data-choice="{person.birth_date.month}"]'),
                 "birth-date", "year")
    expect(heading).to_have_text(english("Tahun berapa Anda lahir?", catalogue))
    enter_year(page, str(person.birth_date.year), "balance")
    expect(heading).to_have_text(english("Uang JHT Anda", catalogue))
    expect(page.get_by_test_id("balance")).to_have_text(
        re.compile(r"^Rp" + r"[.,]?".join(re.findall(r"\d", str(person.balance))) + "$"))
    expect(html).to_have_attribute("lang", "en")


def test_call_staff_from_the_toolbar_records_a_request_and_continue_by_myself_returns(
        page: Page, db):
    db.resolve_open_help_requests()
    last_help = db.last_id(HelpRequest)
    start(page)
    tap_and_wait(page, toolbar(page, "call-staff"), "staff-coming")
    expect(page.locator("main h1")).to_be_focused()
    requests = db.rows_after(HelpRequest, last_help)
    assert [(r["kiosk_id"], r["reason"], r["step"], r["status"]) for r in requests] == [
        (KIOSK_ID, "asked", "identify", "open")]
    expect(action(page, "back")).to_have_count(1)  # only "continue by myself", no footer Back
    tap_and_wait(page, action(page, "back"), "identify")
    expect(page.locator("#number")).to_be_visible()


def test_call_staff_from_the_toolbar_before_any_visit_works_and_continue_returns_to_welcome(
        page: Page, db):
    db.resolve_open_help_requests()
    last_help = db.last_id(HelpRequest)
    welcome(page)
    tap_and_wait(page, toolbar(page, "call-staff"), "staff-coming")
    requests = db.rows_after(HelpRequest, last_help)
    assert [(r["kiosk_id"], r["reason"], r["step"]) for r in requests] == [
        (KIOSK_ID, "asked", "welcome")]
    tap_and_wait(page, action(page, "back"), "welcome")


def test_the_toolbar_language_switch_works_in_the_middle_of_a_visit(page: Page):
    start(page)
    tap_and_wait(page, page.locator("header.toolbar [data-choice='en']"), "identify")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_large_text_in_the_toolbar_works_in_the_middle_of_a_visit(page: Page):
    start(page)
    size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    tap_and_wait(page, toolbar(page, "text-size"), "identify")
    expect(toolbar(page, "text-size")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)") > size


def test_the_idle_keep_alive_is_accepted_in_the_middle_of_a_visit(page: Page):
    """What kiosk.js posts every 20 s of touches, with the page's own <meta> CSRF token."""
    start(page)
    status = page.evaluate("""async () => {
        const token = document.querySelector('meta[name="csrf-token"]').content;
        const response = await fetch('/still-here', {method: 'POST', credentials: 'same-origin',
                                                     headers: {'X-CSRFToken': token}});
        return response.status; }""")
    assert status == 204
