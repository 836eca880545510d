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
    enter_birth_date,
    enter_number,
    enter_year,
    identify,
    main,
    mark_stale,
    number_for,
    setting,
    settled,
    start,
    tap_and_wait,
    toolbar,
    welcome,
)
from kiosk import visits
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


def test_start_over_asks_first_and_kembali_keeps_everything(page: Page, db):
    person = PEOPLE_BY_KEY["above_limit"]
    last_event = db.last_id(StepEvent)
    start(page)
    identify(page, person, number_for(person))
    tap_and_wait(page, action(page, "start-over"), "start-over")
    expect(page.locator("main h1")).to_be_focused()
    expect(page.locator("main audio[data-voice]")).to_have_attribute("data-voice", "start-over")
    # Kembali is the biggest answer, the first, and a different action from the yes.
    answers = page.locator("main button")
    expect(answers).to_have_count(2)
    boxes = {b.get_attribute("data-action"): b.bounding_box() for b in answers.all()}
    assert list(boxes) == ["back", "confirm-start-over"]
    area = {name: box["width"] * box["height"] for name, box in boxes.items()}
    assert area["back"] > area["confirm-start-over"] and \
        boxes["back"]["height"] > boxes["confirm-start-over"]["height"]
    tap_and_wait(page, action(page, "back"), "reason")  # which shows the balance
    expect(page.get_by_test_id("balance")).to_have_text(re.compile(r"75[.,]500[.,]000"))
    assert "start_over" not in [e["outcome"] for e in db.rows_after(StepEvent, last_event)]


def test_start_over_yes_wipes_the_visit_and_browser_back_shows_nothing_of_it(page: Page, db):
    person = PEOPLE_BY_KEY["above_limit"]
    last_event = db.last_id(StepEvent)
    start(page)
    identify(page, person, number_for(person))
    tap_and_wait(page, action(page, "start-over"), "start-over")
    tap_and_wait(page, action(page, "confirm-start-over"), "welcome")
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


def test_start_over_works_without_script(open_page):
    page = open_page(java_script_enabled=False)
    page.goto("/")
    page.locator('main [data-action="next"]').click()  # plain forms, whole pages
    expect(main(page)).to_have_attribute("data-step", "identify")
    page.locator('main [data-action="start-over"]').click()
    expect(main(page)).to_have_attribute("data-step", "start-over")
    page.locator('main [data-action="back"]').click()
    expect(main(page)).to_have_attribute("data-step", "identify")
    page.locator('main [data-action="start-over"]').click()
    page.locator('main [data-action="confirm-start-over"]').click()
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
    # Settings offers every language in its own words, the chosen one pressed.
    expect(setting(page, "id")).to_have_text(SHORT_NAMES["id"])
    expect(setting(page, "en")).to_have_attribute("aria-pressed", "true")
    setting(page, "close-settings").click()
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


def test_the_language_in_settings_works_in_the_middle_of_a_visit(page: Page):
    start(page)
    tap_and_wait(page, setting(page, "en"), "identify")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(toolbar(page, "settings")).to_have_text("Settings")


SIZES_JS = """() => {
  const px = (selector, property) => {
    const el = document.querySelector(selector);
    return el ? parseFloat(getComputedStyle(el)[property]) : null; };
  return {root: px('html', 'fontSize'), heading: px('main h1', 'fontSize'),
          key: px('main .key', 'fontSize'), keyHeight: px('main .key', 'height'),
          label: px('main .label', 'fontSize'), next: px('main [data-action="next"]', 'height'),
          toolbar: px('.toolbar [data-action="call-staff"]', 'fontSize'),
          toolbarHeight: px('.toolbar [data-action="call-staff"]', 'height'),
          back: px('main [data-action="back"]', 'height')};
}"""


def test_text_size_steps_100_125_150_and_scales_everything_for_the_visit(page: Page):
    start(page)
    html = page.locator("html")
    expect(html).to_have_attribute("data-text-size", "100")
    sizes = {100: page.evaluate(SIZES_JS)}
    assert sizes[100]["root"] == 28 and sizes[100]["toolbar"] >= 28
    for percent in (125, 150):
        setting(page, "text-size").click()  # in place: the dialog stays open
        expect(html).to_have_attribute("data-text-size", str(percent))
        expect(page.locator("dialog#settings")).to_be_visible()
        expect(page.locator("[data-text-size-value]")).to_have_text(f"{percent}%")
        sizes[percent] = page.evaluate(SIZES_JS)
    setting(page, "close-settings").click()
    for percent in (125, 150):
        for name, value in sizes[100].items():  # headings, labels, keys, targets, the toolbar
            scaled = sizes[percent][name]
            assert scaled >= value * percent / 100 - 1.5, (percent, name, value, scaled)
    # For the visit: the next screen too, and the server says so on a whole page.
    enter_number(page, PEOPLE_BY_KEY["age56"].kpj)
    expect(html).to_have_attribute("data-text-size", "150")
    page.reload()
    expect(html).to_have_attribute("data-text-size", "150")
    setting(page, "text-size").click()  # and round again
    expect(html).to_have_attribute("data-text-size", "100")


CONTRAST_JS = """() => {
  const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || c[3] > 0.9) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el.closest('main, .toolbar, .brand-bar, dialog[open]')) continue;
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    if (!r.width || s.visibility === 'hidden' || el.closest('.visually-hidden, [hidden]')) continue;
    const fg = lum(parse(s.color)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < 7) low.push(`${el.tagName}.${el.className}: ${node.textContent.trim().slice(0, 30)} ${ratio.toFixed(2)}`);
  }
  return low;
}"""


def test_high_contrast_is_black_white_and_yellow_at_7_to_1_and_lasts_for_the_visit(page: Page):
    person = PEOPLE_BY_KEY["age56"]
    start(page)
    enter_number(page, "123", state="error")  # an error summary too
    assert page.evaluate(CONTRAST_JS) == []
    contrast = setting(page, "contrast")
    contrast.click()
    html = page.locator("html")
    expect(html).to_have_attribute("data-contrast", "high")
    expect(contrast).to_have_attribute("aria-pressed", "true")
    assert page.evaluate(CONTRAST_JS) == []  # Settings open: its controls too
    setting(page, "close-settings").click()
    colours = page.evaluate("""() => [getComputedStyle(document.body).backgroundColor,
        getComputedStyle(document.body).color,
        getComputedStyle(document.querySelector('main [data-action="next"]')).backgroundColor]""")
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)", "rgb(255, 255, 0)"]
    assert page.evaluate(CONTRAST_JS) == []
    page.locator('main [data-keypad="number"] [data-key="clear"]').click()
    enter_number(page, person.kpj)  # remembered on the next screen
    expect(html).to_have_attribute("data-contrast", "high")
    assert page.evaluate(CONTRAST_JS) == []


def test_the_next_person_gets_the_plain_look_whatever_ended_the_visit(page: Page, db):
    """Text size and contrast belong to the visit: after Start over's yes, and after a staff
    reset seen by the screen's poll, the page is the plain one again."""
    start(page)
    setting(page, "text-size").click()
    setting(page, "contrast").click()
    setting(page, "close-settings").click()
    html = page.locator("html")
    expect(html).to_have_attribute("data-contrast", "high")
    tap_and_wait(page, action(page, "start-over"), "start-over")
    tap_and_wait(page, action(page, "confirm-start-over"), "welcome")
    expect(html).to_have_attribute("data-text-size", "100")
    expect(html).to_have_attribute("data-contrast", "normal")

    start(page)
    setting(page, "text-size").click()
    setting(page, "close-settings").click()
    expect(html).to_have_attribute("data-text-size", "125")
    mark_stale(page)
    db.run(lambda s: visits.reset_kiosk(KIOSK_ID))  # staff reset; the screen asks every 4 s
    expect(page.locator('main[data-step="welcome"]:not([data-e2e-stale])')).to_be_visible(
        timeout=10_000)
    expect(html).to_have_attribute("data-text-size", "100")
    expect(page.locator("body")).to_have_attribute("data-visit", "")


def test_settings_is_a_dialog_that_keeps_and_returns_focus(page: Page):
    start(page)
    opener = toolbar(page, "settings")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog#settings")
    expect(dialog).to_be_visible()
    expect(dialog.locator("h2")).to_be_focused()  # its heading, named by the dialog
    # Focus stays inside while it is open: Tab all the way round.
    inside = []
    for _ in range(14):
        page.keyboard.press("Tab")
        inside.append(page.evaluate(
            "() => !!document.activeElement.closest('dialog#settings')"))
    assert all(inside), inside
    page.keyboard.press("Escape")
    expect(dialog).not_to_be_visible()
    expect(opener).to_be_focused()
    # Tutup closes it too, and so does a tap outside it.
    opener.click()
    setting(page, "close-settings").click()
    expect(dialog).not_to_be_visible()
    expect(opener).to_be_focused()
    opener.click()
    page.mouse.click(5, 900)  # the backdrop
    expect(dialog).not_to_be_visible()
    expect(main(page)).to_have_attribute("data-step", "identify")


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches `selector` (what a switch user does)."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def key_in(page: Page, digits: str, press: str = "Enter") -> None:
    """Type digits on the on-screen keypad: Tab to each key, then Enter or Space."""
    for digit in digits:
        tab_to(page, f'main [data-keypad] [data-key="{digit}"]', limit=80)
        page.keyboard.press(press)


def keyboard_swap(page: Page, key: str, step: str, state: str | None = None) -> None:
    mark_stale(page)
    page.keyboard.press(key)
    settled(page, step, state)
    expect(page.locator("main h1")).to_be_focused()  # after every swap, the new heading
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") \
        == "solid"  # and it shows: a keyboard user sees where they are


def test_the_claim_by_keyboard_alone_from_welcome_to_the_selfie(page: Page):
    """Tab, Enter and Space only (a switch or a keyboard), nothing clicked."""
    person = PEOPLE_BY_KEY["age56"]
    welcome(page)
    tab_to(page, 'main [data-action="next"]')
    keyboard_swap(page, "Enter", "identify")
    key_in(page, person.kpj, press="Space")
    expect(page.locator("#number")).to_have_value(re.compile(r"^10 000 056 001$"))
    tab_to(page, 'main [data-action="next"]')
    keyboard_swap(page, "Enter", "birth-date", "day")
    tab_to(page, f'main [name="day"][value="{person.birth_date.day}"]')
    keyboard_swap(page, "Space", "birth-date", "month")
    tab_to(page, f'main [data-choice="{person.birth_date.month}"]')
    keyboard_swap(page, "Enter", "birth-date", "year")
    key_in(page, str(person.birth_date.year))
    tab_to(page, 'main [data-action="next"]')
    keyboard_swap(page, "Enter", "selfie", "intro")
    # The focus ring: 4 px, solid, 3:1 against what is around it (the ring is drawn in
    # --focus-ring with a --focus-gap band inside it).
    tab_to(page, 'main [data-action="next"]')
    ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow]; }""")
    assert ring[:3] == ["solid", "4px", "rgb(11, 12, 12)"] and "rgb(255, 221, 0)" in ring[3]


def test_the_idle_warning_takes_focus_and_gives_it_back(page: Page):
    page.clock.install()
    start(page)
    key = page.locator('main [data-keypad] [data-key="5"]')
    key.focus()
    page.clock.run_for(600_000 + 2_000)
    dialog = page.locator("#idle-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator('[data-action="still-here"]')).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).not_to_be_visible()
    expect(key).to_be_focused()


def test_reduced_motion_stops_every_animation_and_transition(open_page):
    """The selfie's head-turn picture moves; with reduced motion nothing does."""
    found = {}
    for motion in ("no-preference", "reduce"):
        page = open_page(reduced_motion=motion)
        person = PEOPLE_BY_KEY["age56"]
        start(page)
        enter_number(page, person.kpj)
        enter_birth_date(page, person.birth_date, "selfie", "intro")
        tap_and_wait(page, action(page, "next"))  # the camera, with the head-turn picture
        found[motion] = page.evaluate("""() => [...document.querySelectorAll('*')]
            .flatMap(el => [getComputedStyle(el), getComputedStyle(el, '::before'),
                            getComputedStyle(el, '::after')].map(s => ({el, s})))
            .filter(({s}) => s.animationName !== 'none' || parseFloat(s.transitionDuration) > 0)
            .map(({el, s}) => `${el.tagName}.${el.getAttribute('class')}: ${s.animationName}`
                              + ` ${s.transitionDuration}`)""")
        page.context.close()
    assert any("turn-head" in moving for moving in found["no-preference"]), found
    assert found["reduce"] == []


def test_the_idle_keep_alive_is_accepted_in_the_middle_of_a_visit(page: Page):
    """What kiosk.js posts every 20 s of touches, with the page's own <meta> CSRF token."""
    start(page)
    status = page.evaluate("""async () => {
        const token = document.querySelector('meta[name="csrf-token"]').content;
        const response = await fetch('/still-here', {method: 'POST', credentials: 'same-origin',
                                                     headers: {'X-CSRFToken': token}});
        return response.status; }""")
    assert status == 204
