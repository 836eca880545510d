"""The claim from the reason screen (which shows the balance) to the receipt: every reason, staff
cases, the amount screen's Ganti rekening / Ganti nomor HP, Back, Ubah, double submit.

Expected amounts, papers and dates come from the rules (`kiosk.jht`) for the demo people on the
live server's KIOSK_TODAY, never from the screen. One page (one visit) per test, no sleeps.
The self-service and English tests tap every screen from welcome (the decision count is
test_journey.py's); the others send the identification forms directly (see `to_reason`) and tap
from the reason screen on.
axe on the claim screens is test_audit.py's (every_screen); only receipts are snapped here.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from babel.dates import format_date
from num2words import num2words
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from e2e.journey import (
    PEOPLE_BY_KEY,
    PRINTING,
    TODAY,
    action,
    choose,
    choose_day,
    choose_month,
    english,
    english_catalogue,
    enter_digits,
    enter_number,
    enter_year,
    goto,
    identify,
    main,
    mark_stale,
    number_for,
    rupiah,
    pass_selfie,
    settled,
    show_papers,
    start,
    tap_and_wait,
    welcome,
)
from kiosk.jht import (
    ParticipantFacts,
    Policy,
    Reason,
    claim_amount,
    documents_for,
    estimate_tax,
    expected_payment_date,
    group_number,
    is_partial,
    reason_statuses,
)
from kiosk.jht.eligibility import BASE_DOCUMENTS
from kiosk.models import Claim, Participant
from kiosk.roster.demo import DemoPerson

POLICY = Policy()
PAYMENT_DATE: date = expected_payment_date(TODAY, POLICY)
PAYMENT_DATE_ID = format_date(PAYMENT_DATE, format="long", locale="id")  # 30 November 2026
STAFF_CHECK_ID = "setelah diperiksa petugas"
ID_MONTHS = re.compile(r"Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|"
                       r"November|Desember")
CLAIM_NUMBER = re.compile(r"^0901 01 \d{5} \d$")
# The words for staff reasons (components/labels.html), as the receipt and the review show them.
STAFF_REASON_TEXT = {
    "above_limit": "Jumlahnya di atas batas klaim mandiri",
    "finish_with_staff": "Alasan klaim ini diselesaikan oleh petugas.",
    "bank_holder": "Nama di rekening tidak sama dengan nama Anda.",
    "bank_unverified": "Kami belum bisa memeriksa rekening baru ini.",
    "documents_missing": "Ada surat yang belum Anda bawa.",
}
NEW_PHONE = "081398765432"
UNKNOWN_ACCOUNT = "1234567"  # a possible account number nobody has on file


# --- what the rules say ------------------------------------------------------------------------

def facts(person: DemoPerson) -> ParticipantFacts:
    return ParticipantFacts(
        birth_date=person.birth_date, membership_start=person.membership_start,
        employment_status=person.employment_status, employment_end=person.employment_end,
        balance=person.balance, partial_taken=person.partial_taken)


def expected_tax(person: DemoPerson, reason: str):
    gross = claim_amount(Reason(reason), facts(person), POLICY)
    return estimate_tax(gross, paid_on=TODAY, first_payment=person.partial_taken,
                        is_partial=is_partial(Reason(reason)), policy=POLICY)


def papers(reason: str) -> tuple[str, ...]:
    """The papers beyond the KPJ card and e-KTP that this reason needs (the documents screen)."""
    return tuple(doc for doc in documents_for(Reason(reason)) if doc not in BASE_DOCUMENTS)


def available_reasons(person: DemoPerson) -> list[str]:
    return [s.reason.value for s in reason_statuses(facts(person), TODAY, POLICY) if s.available]


def participant_id(db, person: DemoPerson) -> int:
    return db.run(lambda s: s.scalar(select(Participant.id).where(Participant.kpj == person.kpj)))


def claims_of(db, person: DemoPerson, after: int) -> list[dict]:
    pid = participant_id(db, person)
    return [row for row in db.rows_after(Claim, after) if row["participant_id"] == pid]


# --- walking the claim -------------------------------------------------------------------------

def to_reason(page: Page, person: DemoPerson, by_taps: bool = False) -> None:
    """From welcome to the reason screen, which shows the balance.

    by_taps: Start, the number, day, month and year tapped as a person does. Otherwise (for
    tests whose subject starts at the reason, to keep this file fast) welcome shows, then Start,
    the number and the birth date are sent as those screens' forms send them (CONTRACT.md: the
    step accepts birth_date=YYYY-MM-DD, what the keypad UI posts), in the same visit; the
    selfie and everything after it are tapped. Identification by taps is test_identify.py's.
    """
    if by_taps:
        start(page)
        identify(page, person, number_for(person))
    else:
        welcome(page)
        token = page.locator("meta[name=csrf-token]").get_attribute("content")
        for path, form in (("/start", {"language": "id"}),
                           ("/identify", {"number": number_for(person)}),
                           ("/birth-date", {"birth_date": person.birth_date.isoformat()})):
            answer = page.request.post(path, form={"csrf_token": token, **form})
            assert answer.ok, f"POST {path}: {answer.status} {answer.url}"
        assert answer.url.endswith("/selfie"), answer.url
        goto(page, "/selfie", "selfie", "intro")
        pass_selfie(page)
        expect(page.get_by_test_id("balance")).to_have_text(rupiah(person.balance))
    settled(page, "reason", None)


def bank_button(page: Page, bank: str):
    return main(page).get_by_role("button", name=bank, exact=True)


def change_on_amount(page: Page, what: str, state: str) -> None:
    """On the amount screen: Ganti rekening (what="bank") or Ganti nomor HP (what="phone")."""
    tap_and_wait(page, page.locator(f'main [data-action="change"][value="{what}"]'), what, state)


def new_account(page: Page, bank: str, account: str, holder_notice: bool) -> None:
    """On the amount screen: Ganti rekening, the bank, the number; then the holder notice, or
    the amount screen again."""
    change_on_amount(page, "bank", "bank-list")
    tap_and_wait(page, bank_button(page, bank), "bank", "account")
    enter_digits(page, account)
    if holder_notice:
        tap_and_wait(page, action(page, "next"), "bank", "holder")
    else:
        tap_and_wait(page, action(page, "next"), "amount")


def after_amount(reason: str) -> str:
    return "documents" if papers(reason) else "review"


def new_phone(page: Page, number: str) -> None:
    """On the amount screen: Ganti nomor HP, the number, Lanjut; the amount screen again."""
    change_on_amount(page, "phone", "entry")
    enter_digits(page, number)
    tap_and_wait(page, action(page, "next"), "amount")


def bring_papers(page: Page, reason: str, have: tuple[str, ...] | None = None) -> None:
    """On documents: the screen lists exactly the reason's papers; toggle `have` on; Lanjut."""
    needed = papers(reason)
    have = needed if have is None else have
    toggles = page.locator('main [data-choice^="have-"]')
    expect(toggles).to_have_count(len(needed))
    assert [t.get_attribute("data-choice") for t in toggles.all()] == [f"have-{d}" for d in needed]
    for doc in have:
        toggle = page.locator(f'main [data-choice="have-{doc}"]')
        expect(toggle).to_have_attribute("aria-pressed", "false")
        tap_and_wait(page, toggle, "documents")
        expect(page.locator(f'main [data-choice="have-{doc}"]')).to_have_attribute(
            "aria-pressed", "true")
    tap_and_wait(page, action(page, "next"), "documents" if have else "review",
                 "camera" if have else None)
    show_papers(page)
    settled(page, "review", None)


def to_review(page: Page, person: DemoPerson, reason: str, by_taps: bool = False) -> None:
    """The shortest way to the review: Ya, benar to the account and phone, every paper."""
    to_reason(page, person, by_taps)
    choose(page, reason, "amount")
    tap_and_wait(page, action(page, "next"), after_amount(reason))
    if papers(reason):
        bring_papers(page, reason)


def send(page: Page) -> str:
    """Tap Kirim klaim on the review; return the claim number the receipt shows (grouped)."""
    expect(action(page, "next")).to_have_text("Kirim klaim")
    tap_and_wait(page, action(page, "next"), "receipt", PRINTING)
    number = page.get_by_test_id("claim-number").inner_text().strip()
    assert CLAIM_NUMBER.fullmatch(number), number
    return number


def paid_on(page: Page):
    """The receipt's "Dibayar" value."""
    return page.locator("main dl.facts div", has_text="Dibayar").locator("dd")


def review_rows(page: Page) -> list[str]:
    return [text.strip() for text in
            page.locator("main dl.review dd:not(.review-change)").all_inner_texts()]


def change(page: Page, step: str, state: str | None = None) -> None:
    """Tap Ubah on the review row of `step`."""
    tap_and_wait(page, page.locator(f'main [data-action="change"][value="{step}"]'), step, state)


# --- 1. every self-service reason, start to end ------------------------------------------------

SELF_SERVICE = [
    ("age56", "retirement_age"),
    ("resigned", "resignation"),
    ("phk", "termination"),
    ("contract_end", "contract_end"),
    ("bpu", "bpu_stopped"),
    ("partial", "partial_10"),
]


@pytest.mark.parametrize(("key", "reason"), SELF_SERVICE, ids=[r for _, r in SELF_SERVICE])
def test_a_self_service_claim_is_queued_with_the_rules_amount_and_payment_date(
        page: Page, db, snap, key, reason):
    person = PEOPLE_BY_KEY[key]
    tax = expected_tax(person, reason)
    needed = papers(reason)
    last = db.last_id(Claim)

    to_reason(page, person, by_taps=True)
    # Only the reasons open today are buttons; death is never one.
    choices = page.locator("main [data-choice]")
    assert [c.get_attribute("data-choice") for c in choices.all()] == available_reasons(person)
    assert reason in available_reasons(person)
    choose(page, reason, "amount")
    expect(page.get_by_test_id("net-amount")).to_have_text(rupiah(tax.net))
    if tax.tax:  # the tax taken off, where there is one
        expect(main(page).locator("dl.sums")).to_contain_text(rupiah(tax.gross))
        expect(main(page).locator("dl.sums")).to_contain_text(rupiah(tax.tax))
    else:
        expect(main(page).locator("dl.sums")).to_have_count(0)
    expect(main(page).locator("p.words")).to_have_text(
        f"{num2words(tax.net, lang='id')} rupiah".capitalize())
    # The account and the phone on file, on the same screen; no holder notice, also for `phk`,
    # whose account on file is in the name "H. Ahmad Sutrisno" (titles aside, his name).
    expect(page.get_by_test_id("account")).to_contain_text(
        f"{person.bank_name} •••• {person.bank_account[-4:]}")
    expect(main(page).locator(".notice")).to_have_count(0)
    # Ya, benar: the documents screen exactly when papers are needed.
    tap_and_wait(page, action(page, "next"), after_amount(reason))
    if needed:
        bring_papers(page, reason)
    expect(main(page).locator(".notice")).to_have_count(0)  # nothing for staff to check
    number = send(page)

    expect(page.get_by_test_id("net-amount")).to_have_text(rupiah(tax.net))
    expect(paid_on(page)).to_have_text(f"{PAYMENT_DATE_ID} atau lebih cepat")
    expect(main(page)).not_to_contain_text(STAFF_CHECK_ID)
    if key == "age56":
        snap(page, "claim-receipt-queued")
    if key == "phk":  # the account holder on file has a title: still him, not a mismatch
        assert person.bank_holder == "H. Ahmad Sutrisno" != person.full_name
    tap_and_wait(page, action(page, "next"), "survey")
    choose(page, "5", "welcome")

    [claim] = claims_of(db, person, last)
    assert claim["number"] == number.replace(" ", "")
    assert claim["state"] == "queued"
    assert claim["reason"] == reason
    assert (claim["gross_amount"], claim["tax_amount"], claim["net_amount"]) == (
        tax.gross, tax.tax, tax.net)
    assert claim["expected_payment_date"] == PAYMENT_DATE
    assert (claim["bank_name"], claim["bank_account"]) == (person.bank_name, person.bank_account)
    assert claim["details"]["staff_reasons"] == []
    assert claim["details"]["documents_needed"] == list(needed)
    assert claim["details"]["documents_have"] == list(needed)


# --- 2. claims staff finish: above the limit, staff-only reasons --------------------------------

STAFF_CASES = [
    ("above_limit", "retirement_age", "above_limit"),
    ("bpu", "disability", "finish_with_staff"),
    ("contract_end", "leaving_indonesia", "finish_with_staff"),
    ("partial", "partial_30", "finish_with_staff"),
]


@pytest.mark.parametrize(("key", "reason", "staff_reason"), STAFF_CASES,
                         ids=[f"{k}-{r}" for k, r, _ in STAFF_CASES])
def test_a_claim_staff_must_finish_is_taken_whole_and_saved_as_needs_staff(
        page: Page, db, snap, key, reason, staff_reason):
    person = PEOPLE_BY_KEY[key]
    tax = expected_tax(person, reason)
    last = db.last_id(Claim)

    to_reason(page, person)
    choose(page, reason, "amount")
    expect(page.get_by_test_id("net-amount")).to_have_text(rupiah(tax.net))
    expect(main(page)).to_contain_text("Petugas akan memeriksa klaim ini sebelum dibayar.")
    tap_and_wait(page, action(page, "next"), after_amount(reason))
    if papers(reason):
        bring_papers(page, reason)
    expect(main(page).locator(".notice")).to_contain_text(STAFF_REASON_TEXT[staff_reason])
    number = send(page)

    expect(page.get_by_test_id("net-amount")).to_have_text(rupiah(tax.net))
    expect(paid_on(page)).to_have_text(STAFF_CHECK_ID)
    expect(main(page)).not_to_contain_text("atau lebih cepat")
    expect(paid_on(page)).not_to_have_text(ID_MONTHS)
    expect(main(page)).to_contain_text(STAFF_REASON_TEXT[staff_reason])
    if key == "above_limit":
        snap(page, "claim-receipt-needs-staff")
    tap_and_wait(page, action(page, "next"), "survey")
    tap_and_wait(page, action(page, "next"), "welcome")  # the survey skipped

    [claim] = claims_of(db, person, last)
    assert claim["number"] == number.replace(" ", "")
    assert claim["state"] == "needs_staff"
    assert claim["reason"] == reason
    assert (claim["gross_amount"], claim["tax_amount"], claim["net_amount"]) == (
        tax.gross, tax.tax, tax.net)
    assert claim["expected_payment_date"] is None
    assert claim["details"]["staff_reasons"] == [staff_reason]


# --- 3. the account holder ---------------------------------------------------------------------

def test_an_account_of_another_participant_shows_the_holder_notice_and_needs_staff(
        page: Page, db):
    person, other = PEOPLE_BY_KEY["age56"], PEOPLE_BY_KEY["resigned"]
    assert other.bank_name != person.bank_name
    last = db.last_id(Claim)

    to_reason(page, person)
    choose(page, "retirement_age", "amount")
    new_account(page, other.bank_name, other.bank_account, holder_notice=True)
    expect(main(page)).to_contain_text(STAFF_REASON_TEXT["bank_holder"])
    tap_and_wait(page, action(page, "next"), "amount")  # the journey goes on
    expect(page.get_by_test_id("account")).to_contain_text(
        f"{other.bank_name} •••• {other.bank_account[-4:]}")
    expect(main(page).locator(".notice")).to_contain_text(STAFF_REASON_TEXT["bank_holder"])
    tap_and_wait(page, action(page, "next"), "review")
    expect(main(page).locator(".notice")).to_contain_text(STAFF_REASON_TEXT["bank_holder"])
    expect(main(page)).to_contain_text(f"{other.bank_name} •••• {other.bank_account[-4:]}")
    send(page)
    expect(paid_on(page)).to_have_text(STAFF_CHECK_ID)

    [claim] = claims_of(db, person, last)
    assert claim["state"] == "needs_staff"
    assert "bank_holder" in claim["details"]["staff_reasons"]
    assert (claim["bank_name"], claim["bank_account"]) == (other.bank_name, other.bank_account)


# --- 4. Back -----------------------------------------------------------------------------------

def test_back_returns_to_the_step_before_and_nothing_is_lost(page: Page):
    person = PEOPLE_BY_KEY["resigned"]
    reason = "resignation"

    def back(step: str, state: str | None = None) -> None:
        tap_and_wait(page, action(page, "back"), step, state)

    to_reason(page, person)
    choose(page, reason, "amount")
    back("reason")
    expect(page.locator(f'main [data-choice="{reason}"]')).to_have_attribute(
        "aria-pressed", "true")
    expect(page.get_by_test_id("balance")).to_have_text(rupiah(person.balance))
    choose(page, reason, "amount")
    # From the bank and phone screens, Back undoes one screen, then returns to the amount screen.
    change_on_amount(page, "bank", "bank-list")
    back("amount")
    change_on_amount(page, "bank", "bank-list")
    tap_and_wait(page, bank_button(page, person.bank_name), "bank", "account")
    back("bank", "bank-list")
    back("amount")
    change_on_amount(page, "phone", "entry")
    enter_digits(page, "0812")
    back("amount")
    expect(page.get_by_test_id("account")).to_contain_text(person.bank_account[-4:])
    expect(page.get_by_test_id("phone")).to_contain_text(person.phone[-3:])  # nothing changed
    tap_and_wait(page, action(page, "next"), "documents")
    tap_and_wait(page, page.locator('main [data-choice="have-resignation_letter"]'), "documents")
    tap_and_wait(page, action(page, "next"), "documents", "camera")
    show_papers(page)
    settled(page, "review", None)
    before = review_rows(page)
    assert person.phone in before and "1 dari 1 surat" in before

    # From the review back to the reason, one step at a time ...
    back("documents")
    expect(page.locator('main [data-choice="have-resignation_letter"]')).to_have_attribute(
        "aria-pressed", "true")
    back("amount")
    back("reason")
    # ... and forward again with the same choices: the same review.
    expect(page.locator(f'main [data-choice="{reason}"]')).to_have_attribute(
        "aria-pressed", "true")
    choose(page, reason, "amount")
    tap_and_wait(page, action(page, "next"), "documents")
    expect(page.locator('main [data-choice="have-resignation_letter"]')).to_have_attribute(
        "aria-pressed", "true")  # the paper ticked before is still ticked
    tap_and_wait(page, action(page, "next"), "review")
    assert review_rows(page) == before


def test_back_from_the_review_keeps_the_new_phone_number_typed_before(page: Page):
    person = PEOPLE_BY_KEY["age56"]
    to_reason(page, person)
    choose(page, "retirement_age", "amount")
    new_phone(page, NEW_PHONE)
    expect(page.get_by_test_id("phone")).to_contain_text(NEW_PHONE[-3:])
    tap_and_wait(page, action(page, "next"), "review")
    tap_and_wait(page, action(page, "back"), "amount")
    change_on_amount(page, "phone", "entry")
    value = page.locator("#number").input_value()
    assert re.sub(r"\D", "", value) == NEW_PHONE, f"the entry shows {value!r}"


def test_back_from_the_holder_notice_returns_to_the_account_entry(page: Page):
    person = PEOPLE_BY_KEY["age56"]
    to_reason(page, person)
    choose(page, "retirement_age", "amount")
    new_account(page, "BRI", UNKNOWN_ACCOUNT, holder_notice=True)
    tap_and_wait(page, action(page, "back"), "bank", "account")
    value = page.locator("#account").input_value()
    assert re.sub(r"\D", "", value) == UNKNOWN_ACCOUNT, f"the entry shows {value!r}"


# --- 5. one claim, however often it is sent ----------------------------------------------------

def test_a_double_tap_on_send_makes_one_claim(page: Page, db):
    person = PEOPLE_BY_KEY["age56"]
    to_review(page, person, "retirement_age")
    last = db.last_id(Claim)
    mark_stale(page)
    action(page, "next").dblclick()
    settled(page, "receipt", PRINTING)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    number = page.get_by_test_id("claim-number").inner_text().strip()
    [claim] = claims_of(db, person, last)
    assert claim["number"] == number.replace(" ", "")


def test_simultaneous_sends_of_one_review_make_one_claim(page: Page, db):
    """Two taps that reach the server together (a slow network): its own key stops the second."""
    person = PEOPLE_BY_KEY["partial"]
    to_review(page, person, "partial_10")
    last = db.last_id(Claim)
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    answers = page.evaluate("""async token => {
      const send = () => fetch('/review', {method: 'POST', body: new URLSearchParams(
        {csrf_token: token})}).then(async r => [r.status, new URL(r.url).pathname, await r.text()]);
      return Promise.all([send(), send(), send()]);
    }""", token)
    assert [(status, path) for status, path, _ in answers] == [(200, "/receipt")] * 3
    [claim] = claims_of(db, person, last)
    grouped = group_number(claim["number"])
    assert all(grouped in text for _, _, text in answers)


def test_after_sending_there_is_no_way_back_and_no_second_claim(page: Page, db):
    person = PEOPLE_BY_KEY["bpu"]
    to_review(page, person, "bpu_stopped")
    # The same review in a second tab: a stale screen whose Kirim klaim is tapped later.
    stale = page.context.new_page()
    stale.goto("/review")
    settled(stale, "review")
    last = db.last_id(Claim)
    number = send(page)
    token = page.locator("meta[name=csrf-token]").get_attribute("content")

    # The receipt has no Back, and a Back sent anyway stays on the receipt.
    expect(action(page, "back")).to_have_count(0)
    answer = page.request.post("/back", form={"csrf_token": token})
    assert answer.ok and answer.url.endswith("/receipt")
    assert number in answer.text()

    # The browser's Back to /review shows the receipt of the claim sent, not the review.
    mark_stale(page)
    page.go_back()
    settled(page, "receipt", PRINTING)
    expect(page.get_by_test_id("claim-number")).to_have_text(number)
    expect(action(page, "back")).to_have_count(0)

    # Kirim klaim on the stale review.
    tap_and_wait(stale, action(stale, "next"), "receipt", PRINTING)
    expect(stale.get_by_test_id("claim-number")).to_have_text(number)
    stale.close()

    # The request replayed.
    answer = page.request.post("/review", form={"csrf_token": token})
    assert answer.ok and answer.url.endswith("/receipt")
    assert number in answer.text()
    assert len(claims_of(db, person, last)) == 1

    # The survey has no Back either; after it the visit is gone and a replay makes nothing.
    page.goto("/receipt")
    settled(page, "receipt", PRINTING)
    tap_and_wait(page, action(page, "next"), "survey")
    expect(action(page, "back")).to_have_count(0)
    choose(page, "3", "welcome")
    answer = page.request.post("/review", form={"csrf_token": token})
    assert answer.url.endswith("/")
    [claim] = claims_of(db, person, last)
    assert claim["number"] == number.replace(" ", "")


# --- 6. Ubah on the review ---------------------------------------------------------------------

def test_ubah_returns_to_the_step_and_then_straight_back_to_the_review(page: Page, db):
    person = PEOPLE_BY_KEY["resigned"]
    last = db.last_id(Claim)
    to_review(page, person, "resignation")
    expect(page.locator('main [data-action="change"]')).to_have_count(4)

    change(page, "reason")
    expect(page.locator('main [data-choice="resignation"]')).to_have_attribute(
        "aria-pressed", "true")
    choose(page, "resignation", "review")  # not the amount, the bank, ...

    change(page, "bank", "choose")
    choose(page, "new", "bank", "bank-list")
    tap_and_wait(page, bank_button(page, "BRI"), "bank", "account")
    enter_digits(page, UNKNOWN_ACCOUNT)
    tap_and_wait(page, action(page, "next"), "bank", "holder")
    tap_and_wait(page, action(page, "next"), "review")  # not the amount screen
    expect(main(page)).to_contain_text(f"BRI •••• {UNKNOWN_ACCOUNT[-4:]}")
    expect(main(page).locator(".notice")).to_contain_text(STAFF_REASON_TEXT["bank_unverified"])

    change(page, "phone", "choose")
    choose(page, "keep", "review")  # not the documents

    change(page, "documents")
    tap_and_wait(page, page.locator('main [data-choice="have-resignation_letter"]'), "documents")
    tap_and_wait(page, action(page, "next"), "review")
    expect(main(page)).to_contain_text("0 dari 1 surat")
    send(page)

    [claim] = claims_of(db, person, last)
    assert (claim["bank_name"], claim["bank_account"]) == ("BRI", UNKNOWN_ACCOUNT)
    assert claim["details"]["staff_reasons"] == ["bank_unverified", "documents_missing"]
    assert claim["state"] == "needs_staff"


# --- 7. a new phone number ---------------------------------------------------------------------

def test_a_new_phone_number_is_saved_with_the_claim_until_it_is_accepted(page: Page, db):
    person = PEOPLE_BY_KEY["partial"]
    assert person.phone != NEW_PHONE
    last = db.last_id(Claim)
    try:
        to_reason(page, person)
        choose(page, "partial_10", "amount")
        new_phone(page, NEW_PHONE)
        tap_and_wait(page, action(page, "next"), "review")
        expect(main(page)).to_contain_text(NEW_PHONE)
        send(page)

        [claim] = claims_of(db, person, last)
        assert claim["phone"] == NEW_PHONE and claim["new_phone"] == NEW_PHONE
        assert claim["state"] == "queued"  # a new number is a data update, not a staff case
        # The record on file changes when the claim is accepted (delivered), not before.
        saved = db.run(lambda s: s.scalar(
            select(Participant.phone).where(Participant.kpj == person.kpj)))
        assert saved == person.phone
    finally:  # the demo person as imported, for the tests after this one
        db.run(lambda s: s.execute(update(Participant).where(Participant.kpj == person.kpj)
                                   .values(phone=person.phone)))


# --- 8. English --------------------------------------------------------------------------------

def english_money(amount: int) -> re.Pattern:
    return re.compile(r"^Rp" + r"[.,]?".join(re.findall(r"\d", str(amount))) + "$")


def test_the_whole_claim_in_english(page: Page, db):
    catalogue = english_catalogue()
    person = PEOPLE_BY_KEY["contract_end"]
    reason = "contract_end"
    tax = expected_tax(person, reason)
    heading = page.locator("main h1")
    last = db.last_id(Claim)

    def shows(msgid: str) -> None:
        assert catalogue.get(msgid) and catalogue[msgid] != msgid, f"{msgid!r} is not translated"
        expect(heading).to_have_text(english(msgid, catalogue))

    welcome(page)
    tap_and_wait(page, page.locator('main [data-choice="en"]'), "welcome")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    tap_and_wait(page, action(page, "next"), "identify")
    enter_number(page, number_for(person))
    choose_day(page, person.birth_date.day)
    choose_month(page, person.birth_date.month)
    enter_year(page, str(person.birth_date.year), "reason")
    shows("Uang JHT Anda")
    expect(page.locator("main h2.reason-title")).to_have_text(
        english("Kenapa Anda mengambil JHT?", catalogue))
    choose(page, reason, "amount")
    shows("Apakah ini benar?")
    expect(page.get_by_test_id("net-amount")).to_have_text(english_money(tax.net))
    words = f"{num2words(tax.net, lang='en')} rupiah".capitalize()
    expect(main(page).locator("p.words")).to_have_text(words)
    expect(action(page, "next")).to_have_text(english("Ya, benar", catalogue))
    tap_and_wait(page, action(page, "next"), "documents")
    shows("Surat yang Anda bawa")
    bring_papers(page, reason)
    shows("Periksa klaim Anda")
    expect(action(page, "next")).to_have_text(english("Kirim klaim", catalogue))
    tap_and_wait(page, action(page, "next"), "receipt", PRINTING)
    shows("Klaim Anda sudah kami terima")
    expect(page.get_by_test_id("net-amount")).to_have_text(english_money(tax.net))
    date_en = format_date(PAYMENT_DATE, format="long", locale="en")  # November 30, 2026
    expect(main(page)).to_contain_text(
        english("%(date)s atau lebih cepat", catalogue) % {"date": date_en})
    tap_and_wait(page, action(page, "next"), "survey")
    shows("Bagaimana pengalaman Anda hari ini?")
    choose(page, "4", "welcome")
    assert claims_of(db, person, last)[0]["state"] == "queued"


# --- 9. the reason and amount screens, both ways up ---------------------------------------------

def scrolls(page: Page) -> dict:
    return page.evaluate("""() => ({
        height: document.scrollingElement.scrollHeight, innerHeight: window.innerHeight,
        width: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth})""")


def test_the_reason_and_amount_screens_fit_both_ways_up(oriented_page: Page, orientation, snap):
    page = oriented_page
    person = PEOPLE_BY_KEY["age56"]
    to_reason(page, person)
    # The chart's amounts are readable: at least the base text size, one per year.
    # The chart: the last years' amounts readable on the bars, every year in the table.
    assert len(person.contributions) > 6
    expect(page.locator("main svg.bars .bar-amount")).to_have_count(6)
    expect(page.locator("main #chart-table tbody tr")).to_have_count(len(person.contributions))
    label = page.locator("main svg.bars .bar-amount").first.bounding_box()
    assert label and label["height"] >= 20, label
    snap(page, "reason")
    for name in ("reason", "amount"):
        if name == "amount":
            choose(page, "retirement_age", "amount")
            snap(page, "amount-confirm")
        size = scrolls(page)
        assert size["width"] <= size["innerWidth"], (name, size)
        assert size["height"] <= size["innerHeight"], (name, size)
