"""Walking the kiosk the way a person does: taps on the screen's own buttons, nothing typed.

Every helper that causes a swap waits for the new <main> (marked old before the tap), so two
screens in the same state (a second wrong pair, a second error) are never mistaken for each other.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.messages.pofile import read_po
from playwright.sync_api import Locator, Page, expect

from kiosk.roster.demo import DemoPerson, demo_people

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 23)  # KIOSK_TODAY of the live server
# The demo set as the live server imported it: DEMO_PEOPLE for KIOSK_TODAY (DEMO_PEOPLE itself is
# computed for whatever KIOSK_TODAY the test process had when kiosk.roster.demo was first imported).
PEOPLE: list[DemoPerson] = demo_people(TODAY)
PEOPLE_BY_KEY: dict[str, DemoPerson] = {p.key: p for p in PEOPLE}
# Who identifies with the NIK (the others use the KPJ): women and men, and the woman whose NIK
# date is one day off her recorded birth date.
NIK_KEYS = frozenset({"resigned", "phk", "bpu", "above_limit", "nik_mismatch"})
KIOSK_ID = "K01"
UNKNOWN_KPJ = "19999999999"  # 11 digits, so a possible KPJ, but nobody's
# The receipt shows at once while it prints (data-state="printing"); by the time a test looks at
# it, the print may be done. `settled` takes a tuple of states for such a screen.
PRINTING = ("printing", "printed")


def number_for(person: DemoPerson) -> str:
    return person.nik if person.key in NIK_KEYS else person.kpj


def rupiah(amount: int) -> str:
    """Rp12.345.678: what [data-testid=balance] shows in Indonesian."""
    return "Rp" + f"{amount:,}".replace(",", ".")


def digits_pattern(digits: str) -> re.Pattern:
    """Match an input showing these digits in any grouping."""
    return re.compile(r"^\s*" + r"\s*".join(digits) + r"\s*$")


# --- English catalogue -------------------------------------------------------------------------

PO_FILE = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def english_catalogue() -> dict[str, str]:
    """msgid -> msgstr of the English catalogue (empty msgstr when not translated yet)."""
    if not PO_FILE.exists():
        return {}
    with PO_FILE.open("rb") as handle:
        catalogue = read_po(handle)
    return {m.id: m.string for m in catalogue if m.id and isinstance(m.id, str)
            and isinstance(m.string, str)}


def english(msgid: str, catalogue: dict[str, str]) -> str:
    """What the English screen shows for msgid: the translation, or msgid while untranslated."""
    return catalogue.get(msgid) or msgid


# --- the screen --------------------------------------------------------------------------------

def main(page: Page) -> Locator:
    return page.locator("main")


def mark_stale(page: Page) -> None:
    page.evaluate("() => document.querySelector('main')?.setAttribute('data-e2e-stale', '')")


def settled(page: Page, step: str | None = None, state: str | None = None) -> None:
    """Wait for a fresh <main> (not the one marked before the tap) and check its hooks.

    With a step, `state` is exact: None means the screen shows no sub-state (data-state absent);
    a tuple is any of its states (PRINTING). Without a step, only a given state is checked.
    """
    fresh = page.locator("main:not([data-e2e-stale])")
    expect(fresh).to_have_count(1)
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
        " && document.readyState === 'complete'")
    # A fresh <main> is the screen the tap led to (htmx follows redirects before it swaps), so
    # its hooks are final: check them at once rather than waiting for them to change.
    shown = fresh.evaluate("m => ({step: m.dataset.step, state: m.dataset.state || null,"
                           " heading: (m.querySelector('h1') || {}).textContent || ''})")
    wanted = (step if step is not None else shown["step"],
              state if step is not None or state is not None else shown["state"])
    if isinstance(wanted[1], tuple) and shown["state"] in wanted[1]:
        wanted = (wanted[0], shown["state"])
    assert (shown["step"], shown["state"]) == wanted, (
        f"expected data-step={wanted[0]!r} data-state={wanted[1]!r}, but the screen is "
        f"data-step={shown['step']!r} data-state={shown['state']!r}: "
        f"{shown['heading'].strip()!r} ({page.url})")


def tap_and_wait(page: Page, target: Locator, step: str | None = None,
                 state: str | None = None) -> None:
    """Tap a button that changes the screen and wait for the new one."""
    mark_stale(page)
    target.click()
    settled(page, step, state)


def action(page: Page, code: str) -> Locator:
    """The button with data-action=code inside <main>."""
    return page.locator(f'main [data-action="{code}"]')


def toolbar(page: Page, code: str) -> Locator:
    """A control of the toolbar every screen has: hear-again, settings, call-staff."""
    return page.locator(f'.toolbar [data-action="{code}"]')


def open_settings(page: Page) -> Locator:
    """Tap Settings in the toolbar (unless its dialog is open already); return the dialog."""
    dialog = page.locator("dialog#settings")
    if not dialog.evaluate("d => d.open"):
        toolbar(page, "settings").click()
    expect(dialog).to_be_visible()
    return dialog


def setting(page: Page, code: str) -> Locator:
    """A control behind Settings, the dialog opened first: data-action=code (text-size,
    contrast, slower, volume-down, volume-up, speech-off, close-settings) or a language's
    data-choice (id, en, jv, su)."""
    return open_settings(page).locator(f'[data-action="{code}"], [data-choice="{code}"]')


def set_text_size(page: Page, percent: int) -> None:
    """Tap Settings' text size until the screen is at `percent`, then close Settings."""
    html = page.locator("html")
    for _ in range(3):
        if html.get_attribute("data-text-size") == str(percent):
            break
        before = html.get_attribute("data-text-size") or ""  # read before the tap: it may be quick
        setting(page, "text-size").click()
        page.wait_for_function("size => document.documentElement.dataset.textSize !== size",
                               arg=before)
    expect(html).to_have_attribute("data-text-size", str(percent))
    if page.locator("dialog#settings").evaluate("d => d.open"):
        setting(page, "close-settings").click()


def set_contrast(page: Page, high: bool) -> None:
    """Turn high contrast on or off in Settings, then close Settings."""
    html = page.locator("html")
    wanted = "high" if high else "normal"
    if html.get_attribute("data-contrast") != wanted:
        setting(page, "contrast").click()
    expect(html).to_have_attribute("data-contrast", wanted)
    if page.locator("dialog#settings").evaluate("d => d.open"):
        setting(page, "close-settings").click()


def choose(page: Page, code: str, step: str | None = None, state: str | None = None) -> None:
    """Tap the choice with data-choice=code inside <main> and wait for the next screen."""
    tap_and_wait(page, page.locator(f'main [data-choice="{code}"]'), step, state)


def enter_digits(page: Page, digits: str) -> None:
    """Tap digits on the keypad inside <main> (no screen change)."""
    for digit in digits:
        page.locator("main .keypad").get_by_role("button", name=digit, exact=True).click()


def goto(page: Page, path: str, step: str | None = None, state: str | None = None) -> None:
    page.goto(path)
    settled(page, step, state)


def welcome(page: Page) -> None:
    goto(page, "/", "welcome")


def start(page: Page) -> None:
    """Open the welcome screen and tap Start: the identify screen shows."""
    welcome(page)
    tap_and_wait(page, action(page, "next"), "identify")


def tap_keys(page: Page, digits: str, input_id: str) -> None:
    """Tap digits on the keypad that fills #input_id and check they all arrived."""
    keypad = page.locator(f'main [data-keypad="{input_id}"]')
    for digit in digits:
        keypad.get_by_role("button", name=digit, exact=True).click()
    expect(page.locator(f"#{input_id}")).to_have_value(digits_pattern(digits))


def clear_keys(page: Page, input_id: str) -> None:
    page.locator(f'main [data-keypad="{input_id}"] [data-key="clear"]').click()
    expect(page.locator(f"#{input_id}")).to_have_value("")


def enter_number(page: Page, digits: str, state: str | None = None) -> None:
    """On identify: tap the number and Lanjut; birth-date (day) shows unless `state` says else."""
    tap_keys(page, digits, "number")
    if state is None:
        tap_and_wait(page, action(page, "next"), "birth-date", "day")
    else:
        tap_and_wait(page, action(page, "next"), "identify", state)


def choose_day(page: Page, day: int) -> None:
    expect(main(page)).to_have_attribute("data-state", "day")
    days = page.locator('main [role="group"]')
    tap_and_wait(page, days.get_by_role("button", name=str(day), exact=True), "birth-date", "month")


def choose_month(page: Page, month: int) -> None:
    expect(main(page)).to_have_attribute("data-state", "month")
    tap_and_wait(page, page.locator(f'main [data-choice="{month}"]'), "birth-date", "year")


def enter_year(page: Page, year: str, step: str | None = None, state: str | None = None) -> None:
    """Tap the year and Lanjut. To "reason" (or "balance", shown on the reason screen): through
    the selfie with the kiosk's fake camera."""
    tap_keys(page, year, "year")
    if step in ("balance", "reason"):
        tap_and_wait(page, action(page, "next"), "selfie", "intro")
        pass_selfie(page)
    else:
        tap_and_wait(page, action(page, "next"), step, state)


CAMERA_SECONDS = 45  # the fake camera's loop is ~8 s; a selfie or a paper needs one good stretch


def pass_selfie(page: Page) -> int:
    """On selfie/intro: open the camera and wait while the face, the head turn and the match
    happen (the fake camera plays the person's video); the reason screen, with the balance,
    follows. A try that did not succeed (the fake camera's head turn missed on a busy machine)
    pauses on selfie/retry: open the camera again, as a participant would. Returns the tries."""
    for tries in range(1, 4):
        tap_and_wait(page, action(page, "next"))  # the camera state moves on by itself
        expect(page.locator('main:is([data-step="reason"], [data-step="balance"]), '
                            'main[data-state="retry"]')).to_be_visible(
            timeout=CAMERA_SECONDS * 1000)
        if main(page).get_attribute("data-state") != "retry":
            break
        settled(page, "selfie", "retry")
    # The reason screen, or the balance on a screen of its own before it (at larger text, or
    # with a claim still open).
    settled(page, main(page).get_attribute("data-step"), main(page).get_attribute("data-state"))
    return tries


def show_papers(page: Page) -> None:
    """On documents/camera: hold each paper up until the kiosk keeps it, then say it is readable."""
    while main(page).get_attribute("data-state") == "camera":
        expect(page.locator('main[data-state="check"]')).to_be_visible(
            timeout=CAMERA_SECONDS * 1000)
        expect(page.locator("main img.paper-photo")).to_be_visible()
        tap_and_wait(page, action(page, "next"), None)


def enter_birth_date(page: Page, birth: date, step: str = "balance",
                     state: str | None = None) -> None:
    choose_day(page, birth.day)
    choose_month(page, birth.month)
    enter_year(page, f"{birth.year:04d}", step, state)


def identify(page: Page, person: DemoPerson, number: str | None = None) -> None:
    """From the identify screen to this person's balance, by taps only."""
    enter_number(page, number or number_for(person))
    enter_birth_date(page, person.birth_date)
    expect(page.get_by_test_id("balance")).to_have_text(rupiah(person.balance))


def wrong_date(birth: date) -> date:
    """A possible birth date that is not this one (same day and month, a year earlier)."""
    return birth.replace(year=birth.year - 1, day=min(birth.day, 28))


def error_items(page: Page) -> list[str]:
    return [text.strip() for text in
            page.locator("main .error-summary li").all_inner_texts()]


# --- every screen and state, in one visit and a second one --------------------------------------

@dataclass(frozen=True)
class Screen:
    name: str
    step: str
    state: str | None


def receipt_turns_the_page(page: Page) -> bool:
    """At larger text the receipt is two screens: tap its first one's Lanjut, and say whether
    there was one (at 100 % the receipt is one screen with Selesai)."""
    if not page.get_by_test_id("receipt-first").count():
        return False
    state = main(page).get_attribute("data-state")
    tap_and_wait(page, action(page, "next"), "receipt", (state, "printed"))
    expect(page.get_by_test_id("receipt-more")).to_be_visible()
    return True


def every_screen(page: Page, person: DemoPerson | None = None,
                 on_welcome: Callable[[Page], None] | None = None) -> Iterator[Screen]:
    """Walk through every screen and state the kiosk has; yield each one while it shows.

    Two visits: one through the whole claim (the reason screen shows the balance with a
    contributions chart for the `age56` person by default; from the amount screen a new bank
    account nobody has on file and a new phone number, each with a typing error; one paper
    missing; the review's Ubah for the bank and phone choices), one with three wrong pairs, then
    Call staff; then an unknown address.
    `on_welcome(page)` runs on the welcome screen before each visit starts (a language, a text
    size: what a person sets for their visit).
    """
    person = person or PEOPLE_BY_KEY["age56"]
    welcome(page)
    if on_welcome:
        on_welcome(page)
    yield Screen("welcome", "welcome", None)
    tap_and_wait(page, action(page, "next"), "identify")
    yield Screen("identify", "identify", None)
    enter_number(page, "123456789012", state="error")  # 12 digits
    yield Screen("identify-error", "identify", "error")
    clear_keys(page, "number")
    enter_number(page, person.kpj)
    yield Screen("birth-date-day", "birth-date", "day")
    choose_day(page, person.birth_date.day)
    yield Screen("birth-date-month", "birth-date", "month")
    choose_month(page, person.birth_date.month)
    yield Screen("birth-date-year", "birth-date", "year")
    enter_year(page, "19", "birth-date", "error")
    yield Screen("birth-date-year-error", "birth-date", "error")
    clear_keys(page, "year")
    enter_year(page, str(person.birth_date.year), "selfie", "intro")
    yield Screen("selfie-intro", "selfie", "intro")
    pass_selfie(page)
    # Grouped by dots in Indonesian, by commas in English (the language set on welcome).
    expect(page.get_by_test_id("balance")).to_have_text(
        re.compile(re.escape(rupiah(person.balance)).replace(r"\.", "[.,]")))
    if main(page).get_attribute("data-step") == "balance":  # larger text: the balance apart
        yield Screen("balance", "balance", None)
        tap_and_wait(page, action(page, "next"), "reason")
    yield Screen("reason", "reason", None)
    # Disability: a paper to bring (the documents screen shows) and a staff finish (the receipt
    # explains why staff will check).
    choose(page, "disability", "amount")
    yield Screen("amount", "amount", None)
    tap_and_wait(page, page.locator('main [data-action="change"][value="bank"]'), "bank",
                 "bank-list")
    yield Screen("bank-list", "bank", "bank-list")
    tap_and_wait(page, page.locator("main").get_by_role("button", name="BRI", exact=True),
                 "bank", "account")
    yield Screen("bank-account", "bank", "account")
    enter_digits(page, "123")
    tap_and_wait(page, action(page, "next"), "bank", "error")
    yield Screen("bank-account-error", "bank", "error")
    enter_digits(page, "4567")
    tap_and_wait(page, action(page, "next"), "bank", "holder")  # an account nobody has on file
    yield Screen("bank-holder", "bank", "holder")
    tap_and_wait(page, action(page, "next"), "amount")  # back to the amount screen
    tap_and_wait(page, page.locator('main [data-action="change"][value="phone"]'), "phone",
                 "entry")
    yield Screen("phone-entry", "phone", "entry")
    enter_digits(page, "0812")
    tap_and_wait(page, action(page, "next"), "phone", "error")
    yield Screen("phone-error", "phone", "error")
    enter_digits(page, "3456789")
    tap_and_wait(page, action(page, "next"), "amount")
    tap_and_wait(page, action(page, "next"), "documents")
    yield Screen("documents", "documents", None)
    tap_and_wait(page, action(page, "next"), "review")  # without the doctor's certificate
    yield Screen("review", "review", None)
    # The account and phone choices, reached from the review's Ubah.
    tap_and_wait(page, page.locator('main [data-action="change"][value="bank"]'), "bank",
                 "choose")
    yield Screen("bank-choose", "bank", "choose")
    choose(page, "new", "bank", "account")  # the new account typed before, shown again
    tap_and_wait(page, action(page, "next"), "bank", "holder")
    tap_and_wait(page, action(page, "next"), "review")
    tap_and_wait(page, page.locator('main [data-action="change"][value="phone"]'), "phone",
                 "choose")
    yield Screen("phone-choose", "phone", "choose")
    choose(page, "keep", "review")
    tap_and_wait(page, action(page, "next"), "receipt", PRINTING)
    expect(main(page)).to_have_attribute("data-state", "printed")
    yield Screen("receipt", "receipt", "printed")
    if receipt_turns_the_page(page):  # larger text: the receipt is two screens
        yield Screen("receipt-more", "receipt", "printed")
    tap_and_wait(page, action(page, "next"), "survey")
    yield Screen("survey", "survey", None)
    choose(page, "5", "welcome")

    if on_welcome:
        on_welcome(page)
    tap_and_wait(page, action(page, "next"), "identify")
    enter_number(page, person.kpj)
    for attempt in range(3):
        if attempt:
            tap_and_wait(page, action(page, "next"), "birth-date", "day")
        enter_birth_date(page, wrong_date(person.birth_date), "identify",
                         "staff" if attempt == 2 else "error")
    yield Screen("identify-staff", "identify", "staff")
    # The Call staff button on this screen (the toolbar has its own test in test_frame.py).
    tap_and_wait(page, action(page, "call-staff"), "staff-coming")
    yield Screen("staff-coming", "staff-coming", None)

    goto(page, "/no-such-page", state="error")
    yield Screen("error-page", main(page).get_attribute("data-step") or "", "error")
