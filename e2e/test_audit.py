"""The audit: every participant screen and state, checked as a whole and photographed.

Indonesian in both orientations at 100 and 150 % text and in high contrast (portrait, 125 %), with
a try that did not match, the practice band, and (where the default look and the narrowest) every
selfie advice and the demonstration's screens; every participant screen of a claim once in
English, Javanese and Sundanese; every staff console screen. Each screen fails on
any axe-core violation (WCAG 2.2 A/AA and best practice), any HTML_CodeSniffer error (WCAG2AAA on
participant screens, WCAG2AA on staff screens), participant text under 7:1 computed from the
rendered styles, a participant target under 64 x 64 px or closer than 8 px to another, a
participant screen that does not speak or has a choice it does not say, overflow, anything lying
over anything else (audit.overflow), and an untranslated string. One screenshot per screen and state: test-artifacts/audit/<config>/<name>.png
(and <name>-end.png, scrolled to its end, where the content scrolls);
the findings of each configuration in test-artifacts/audit/<config>/findings.json.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from e2e import audit
from e2e.conftest import ARTIFACTS, axe_violations, format_violations
from e2e.journey import (
    CAMERA_SECONDS,
    KIOSK_ID,
    PEOPLE_BY_KEY,
    ROOT,
    Screen,
    action,
    enter_birth_date,
    enter_digits,
    enter_number,
    every_screen,
    goto,
    main,
    mark_stale,
    pass_selfie,
    set_contrast,
    settled,
    set_text_size,
    start,
    tap_and_wait,
    toolbar,
    welcome,
)
from e2e.test_claim import to_review
from e2e.test_receipt import PERSON, a_printed_claim
from hardware.printer import FAULT_FILE
from kiosk import visits
from e2e.test_staff import DESK, TABLET, console, staff_accounts  # noqa: F401  (fixtures)
from kiosk.devices import default_kiosk
from kiosk.jht import make_claim_number
from kiosk.models import Claim, HelpRequest, Participant
from tests.facekit import FACES

AUDIT = ARTIFACTS / "audit"


@dataclass(frozen=True)
class Config:
    language: str
    orientation: str
    text_size: int = 100
    contrast: bool = False

    @property
    def name(self) -> str:
        return (f"{self.language}-{self.orientation}-{self.text_size}"
                + ("-contrast" if self.contrast else ""))


# At 150 % the content scrolls: the targets are checked at every half screen of it (audit.py).
CONFIGS = [
    Config("id", "portrait"), Config("id", "landscape"),
    # High contrast at 125 %: its colours are checked as at any size, and the side screens the
    # fit walk (test_layout.py, 125 and 150 %) does not pass are checked at 125 % here.
    Config("id", "portrait", 125, contrast=True),
    Config("en", "portrait"), Config("jv", "portrait"), Config("su", "portrait"),
    Config("id", "portrait", 150), Config("id", "landscape", 150),
]


def catalogue(language: str) -> dict[str, str]:
    """msgid -> msgstr of a language's catalogue ({} for Indonesian, the source)."""
    if language == "id":
        return {}
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and isinstance(m.id, str)
                and isinstance(m.string, str)}


def check_participant(page: Page, config: Config, words: dict[str, str]) -> list[str]:
    """Every finding of one participant screen as it shows now."""
    found = [line for violation in axe_violations(page, f"audit-{config.name}")
             for line in format_violations([violation]).splitlines()[:3]]
    found += audit.htmlcs_errors(page, "WCAG2AAA")
    found += audit.low_contrast(page)
    found += audit.small_targets(page)
    found += audit.overflow(page, config.text_size, config.orientation)
    found += audit.unspoken(page)
    if words:
        found += audit.untranslated(page, words)
    return found


SCROLLED_TO_END_JS = """() => { const screen = document.querySelector('main > .screen');
  if (!screen || screen.scrollHeight <= screen.clientHeight + 1) return false;
  screen.scrollTop = screen.scrollHeight; return true; }"""


def audit_walk(page: Page, config: Config, walk: Iterator[Screen],
               check: Callable[[Page], list[str]]) -> dict[str, list[str]]:
    """Check and photograph each screen of `walk`; return the findings by screen."""
    folder = AUDIT / config.name
    folder.mkdir(parents=True, exist_ok=True)
    findings: dict[str, list[str]] = {}
    for screen in walk:
        page.screenshot(path=str(folder / f"{screen.name}.png"), animations="disabled",
                        caret="hide")
        problems = check(page)
        if problems:
            findings[screen.name] = problems
        if page.evaluate(SCROLLED_TO_END_JS):  # content that scrolls (150 %): its end too
            page.screenshot(path=str(folder / f"{screen.name}-end.png"), animations="disabled",
                            caret="hide")
            page.evaluate("() => { document.querySelector('main > .screen').scrollTop = 0; }")
    audit.save_findings(folder / "findings.json", findings)
    return findings


def report(config_name: str, findings: dict[str, list[str]]) -> str:
    return f"{config_name}: {sum(map(len, findings.values()))} finding(s)\n" + "\n".join(
        f"  {name}:\n" + "\n".join(f"    {line}" for line in lines)
        for name, lines in findings.items())


IDLE_MS = 600_000  # the live server's IDLE_SECONDS


def side_screens(page: Page, db, printer: Path, settings: Callable[[Page], None],
                 advice: bool = True, demo: bool = True) -> Iterator[Screen]:
    """The states the claim's walk does not pass: the claim status look-up, a staff member on the
    way, the idle warning, the selfie's camera, head turn and staff states, a printer fault, the
    demonstration."""
    # The look is set once the walk's new visit has begun: Mulai (or the status, practice) ends
    # whatever visit the walk left before and begins one in the plain look.
    def start(page: Page) -> None:
        welcome(page)
        tap_and_wait(page, action(page, "next"), "identify")
        settings(page)

    db.free_every_balance()  # the walk's claims are done with: one open claim per balance
    number = a_printed_claim(db)
    welcome(page)
    tap_and_wait(page, action(page, "check-status"), "status", "number")
    settings(page)
    yield Screen("status-number", "status", "number")
    enter_digits(page, "123")
    tap_and_wait(page, action(page, "next"), "status", "error")
    yield Screen("status-number-error", "status", "error")
    page.locator('main [data-key="clear"]').click()
    enter_digits(page, number)
    tap_and_wait(page, action(page, "next"), "status", "day")
    yield Screen("status-day", "status", "day")
    tap_and_wait(page, page.locator('main [role="group"]').get_by_role(
        "button", name=str(PERSON.birth_date.day), exact=True), "status", "month")
    yield Screen("status-month", "status", "month")
    tap_and_wait(page, page.locator(f'main [data-choice="{PERSON.birth_date.month}"]'),
                 "status", "year")
    yield Screen("status-year", "status", "year")
    enter_digits(page, str(PERSON.birth_date.year))
    tap_and_wait(page, action(page, "next"), "status", "result")
    yield Screen("status-result", "status", "result")
    tap_and_wait(page, action(page, "next"), "welcome")

    # A call for staff that a staff member answered.
    db.resolve_open_help_requests()
    start(page)
    tap_and_wait(page, toolbar(page, "call-staff"), "staff-coming")
    call = db.run(lambda s: s.scalar(select(HelpRequest.id).where(
        HelpRequest.status == "open").order_by(HelpRequest.id.desc())))
    db.run(lambda s: visits.acknowledge(call, None, "Bu Sari"))
    expect(page.get_by_test_id("staff-on-the-way")).to_have_text("Bu Sari", timeout=6_000)
    yield Screen("staff-on-the-way", "staff-coming", None)
    db.resolve_open_help_requests()

    # The selfie: the camera coaching, the head turn, then a person who prefers staff.
    start(page)
    enter_number(page, PERSON.kpj)
    enter_birth_date(page, PERSON.birth_date, "selfie", "intro")
    tap_and_wait(page, action(page, "next"))
    expect(page.get_by_test_id("advice")).to_have_attribute("data-advice", "good",
                                                            timeout=CAMERA_SECONDS * 1000)
    # Every advice the camera gives, in the advice box as camera.js puts the server's answer there,
    # in the server's own words (advice_words). Meanwhile the server's answers to the frames are
    # held back (camera.js takes an empty answer as a lost frame), so none replaces the advice.
    frames = "**" + page.locator("main [data-camera]").get_attribute("data-frame-url")
    page.route(frames, lambda route: route.fulfill(status=200, content_type="application/json",
                                                   body="null"))
    shown_state = main(page).get_attribute("data-state")
    yield Screen("selfie-camera", "selfie", shown_state)
    for code, words in every_advice(db) if advice else ():
        page.evaluate("""([code, words]) => {
          const advice = document.querySelector('main [data-testid="advice"]');
          advice.dataset.advice = code; advice.textContent = words; }""", [code, words])
        yield Screen(f"selfie-advice-{code}", "selfie", shown_state)
    page.unroute(frames)
    expect(page.locator('main[data-state="liveness"]')).to_be_visible(timeout=CAMERA_SECONDS * 1000)
    yield Screen("selfie-liveness", "selfie", "liveness")
    # This person's claim printed above is still open: the balance shows it, and staff to ask.
    expect(page.locator('main[data-step="balance"], main[data-state="retry"]')).to_be_visible(
        timeout=CAMERA_SECONDS * 1000)
    if main(page).get_attribute("data-state") == "retry":  # the turn missed on a busy machine
        settled(page, "selfie", "retry")
        yield Screen("selfie-retry-turn", "selfie", "retry")
        pass_selfie(page)
    settled(page, "balance", "claim-open")
    yield Screen("balance-claim-open", "balance", "claim-open")
    start(page)
    enter_number(page, PERSON.kpj)
    enter_birth_date(page, PERSON.birth_date, "selfie", "intro")
    tap_and_wait(page, action(page, "prefer-staff"), "selfie", "staff")
    yield Screen("selfie-staff", "selfie", "staff")
    db.resolve_open_help_requests()
    # A try that did not match (the photo on record is someone else's): the calm pause between
    # tries, with what to change.
    other = PEOPLE_BY_KEY["resigned"]
    db.run(lambda session: photo_on_record(session, other.kpj, str(FACES / "biden.jpg")))
    try:
        start(page)
        enter_number(page, other.kpj)
        enter_birth_date(page, other.birth_date, "selfie", "intro")
        tap_and_wait(page, action(page, "next"))
        expect(page.locator('main[data-state="retry"]')).to_be_visible(
            timeout=CAMERA_SECONDS * 1000)
        settled(page, "selfie", "retry")
        yield Screen("selfie-retry", "selfie", "retry")
    finally:
        db.run(lambda session: photo_on_record(session, other.kpj, None))

    # A printer out of paper: the claim is kept, staff are called.
    db.free_every_balance()
    to_review(page, PERSON, "retirement_age")
    settings(page)
    (printer / FAULT_FILE).write_text("paper_out")
    try:
        tap_and_wait(page, action(page, "next"), "receipt", ("printing", "printer-error"))
        expect(main(page)).to_have_attribute("data-state", "printer-error")
        yield Screen("receipt-printer-error", "receipt", "printer-error")
    finally:
        (printer / FAULT_FILE).unlink(missing_ok=True)
    db.resolve_open_help_requests()

    if demo:  # before the idle warning installs the page's clock
        yield from demonstration_screens(page, settings)

    # The idle warning, over any screen (the page's clock moves on; nobody waits ten minutes).
    page.clock.install()
    start(page)
    page.clock.run_for(IDLE_MS + 2_000)
    expect(page.locator("#idle-dialog")).to_be_visible()
    yield Screen("idle-warning", "identify", None)
    page.locator('[data-action="still-here"]').click()

    # Practice: its band on the number and birth-date screens (the practice number and date
    # shown), and its receipt marked LATIHAN / PRACTICE is the receipt screen audited above.
    welcome(page)
    tap_and_wait(page, action(page, "practice"), "identify")
    settings(page)
    expect(main(page)).to_have_attribute("data-practice", "true")
    yield Screen("practice-identify", "identify", None)
    enter_number(page, "".join(page.get_by_test_id("practice-number").inner_text().split()))
    yield Screen("practice-birth-date", "birth-date", None)


# The demonstration's screens, in order, as they appear; the number screen twice (as it shows,
# and with the digit typed wrong, the finger on it and the words saying so).
DEMO_SCREENS = ["demo-how-it-works", "demo-identify-mistake", "demo-identify",
                "demo-birth-date-day", "demo-birth-date-month", "demo-birth-date-year",
                "demo-selfie-intro", "demo-reason", "demo-amount", "demo-review"]
DEMO_SPEED = 4  # ?speed=N: its pauses and words take 1/N of their time (test_demo.py)
# The demonstration steps by itself, on timers. While a screen is checked, the screen's requests
# wait (htmx:confirm, as voice.js makes Mulai wait for a setting): the next screen cannot come.
HOLD_JS = """() => { window.e2eHeld = [];
  document.addEventListener('htmx:confirm', event => {
    if (sessionStorage.getItem('e2e-hold') !== 'on') return;
    event.preventDefault();
    window.e2eHeld.push(() => event.detail.issueRequest(true));
  }); }"""
# Let the held requests go and tell whether a fresh screen (not the one checked) has settled.
NEXT_SCREEN_JS = """() => { (window.e2eHeld || []).splice(0).forEach(go => go());
  return !!document.querySelector('main:not([data-e2e-stale])')
    && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling'); }"""


def demonstration_screens(page: Page, settings: Callable[[Page], None]) -> Iterator[Screen]:
    """Lihat caranya: each real screen it walks, with its bar, its words and the finger (at
    DEMO_SPEED; the visit's look, set on welcome, is the demonstration's)."""
    page.add_init_script(f"({HOLD_JS})()")
    welcome(page)
    settings(page)
    page.evaluate("() => sessionStorage.setItem('e2e-hold', 'on')")
    try:
        goto(page, f"/how-it-works?speed={DEMO_SPEED}", "how-it-works")
        seen: list[str] = []
        while True:
            shown = main(page).evaluate("m => [m.dataset.step, m.dataset.state || null]")
            if shown[0] == "welcome":
                break
            name = "demo-" + "-".join(part for part in shown if part)
            if shown[0] == "identify":
                # The digit typed wrong, shown and said for a moment only (its typing goes on while
                # a screen is checked): photographed first, then the screen as it ends.
                expect(page.get_by_test_id("demo-controls")).to_have_attribute(
                    "data-demo-moment", "mistake", timeout=30_000)
                seen.append("demo-identify-mistake")
                yield Screen("demo-identify-mistake", "identify", None)
            seen.append(name)
            yield Screen(name, shown[0], shown[1])
            mark_stale(page)
            page.wait_for_function(NEXT_SCREEN_JS, timeout=60_000)
    finally:
        page.evaluate("() => { sessionStorage.removeItem('e2e-hold');"
                      " (window.e2eHeld || []).splice(0).forEach(go => go()); }")
    assert seen == DEMO_SCREENS, seen


def photo_on_record(session, kpj: str, path: str | None) -> None:
    session.scalar(select(Participant).where(Participant.kpj == kpj)).photo_path = path


def every_advice(db) -> list[tuple[str, str]]:
    """Each selfie advice code with its Indonesian words, as the server gives them."""
    from flask_babel import force_locale

    from kiosk.biometrics import Advice
    from kiosk.participant.selfie import advice_words
    with db.app.test_request_context(), force_locale("id"):
        return [(code.value, advice_words(code.value)) for code in Advice
                if code is not Advice.GOOD]


def visit_settings(config: Config) -> Callable[[Page], None]:
    """What a person sets on the welcome screen for their visit: language, text size, contrast."""
    def apply(page: Page) -> None:
        if config.language != "id":
            tap_and_wait(page, page.locator(f'main [data-choice="{config.language}"]'), "welcome")
        set_text_size(page, config.text_size)
        if config.contrast:
            set_contrast(page, True)
    return apply


# The claim's walk (journey.every_screen) passes these, in this order, in every configuration.
CLAIM_SCREENS = ["welcome", "identify", "identify-error", "birth-date-day", "birth-date-month",
                 "birth-date-year", "birth-date-year-error", "selfie-intro", "reason", "amount",
                 "bank-list", "bank-account", "bank-account-error", "bank-holder",
                 "phone-entry", "phone-error", "documents", "review", "bank-choose",
                 "phone-choose", "receipt", "survey", "identify-staff", "staff-coming",
                 "error-page"]


def claim_walk(page: Page, config: Config, seen: list[str]) -> Iterator[Screen]:
    """every_screen, noting the names it passes; the balance's chart has its bars drawn."""
    for screen in every_screen(page, on_welcome=visit_settings(config)):
        seen.append(screen.name)
        if main(page).locator("svg.bars").count():
            expect(page.locator("main svg.bars rect")).not_to_have_count(0)
        yield screen


@pytest.mark.parametrize("config", CONFIGS, ids=lambda config: config.name)
def test_every_participant_screen_passes_the_audit(open_page, db, live_server, config: Config):
    page = open_page(config.orientation, bypass_csp=True)  # the checkers are injected scripts
    words = catalogue(config.language)
    seen: list[str] = []
    walk = claim_walk(page, config, seen)
    if config.language == "id":  # the side screens once per orientation, size and contrast
        printer = Path(urlsplit(live_server.env["PRINTER_URL"]).path)
        printer.mkdir(parents=True, exist_ok=True)
        # Every advice in the kiosk's default look (portrait, 100 %) and where the advice box is
        # narrowest for its words (landscape, 150 %): advice codes differ only in that box's words.
        # The demonstration likewise: it walks the real screens audited above, with its bar.
        advice = config in (Config("id", "portrait"), Config("id", "landscape", 150))
        walk = chain(walk, side_screens(page, db, printer, visit_settings(config), advice,
                                        demo=advice))
    findings = audit_walk(page, config, walk, lambda page: check_participant(page, config, words))
    assert [name for name in seen if name in CLAIM_SCREENS] == CLAIM_SCREENS, seen
    assert not findings, report(config.name, findings)


FAULTY_PAGE = """<!doctype html><html lang="id"><head><title>Uji</title></head><body>
<main data-step="welcome"><h1>Uji</h1>
<p class="pale" style="color:#999;background:#fff">Teks pucat</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="40" height="40">
<button data-action="next" style="width:40px;height:40px">Lanjut</button>
<button data-choice="a" style="width:100px;height:100px">Pilihan A</button>
<button data-choice="b" style="width:100px;height:100px">Mulai lagi</button>
<div style="width:4000px">lebar</div>
<p style="height:20px;font-size:30px">Kata yang keluar dari kotaknya</p>
<button style="width:150px;height:120px;font-size:30px;overflow-wrap:anywhere">September</button>
<div style="display:grid;grid-template-rows:40px"><div style="grid-row:1;grid-column:1">Di bawah</div><img alt="menutupi" style="grid-row:1;grid-column:1;width:100px;height:100px" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></div>
</main></body></html>"""


def test_the_checkers_find_what_they_are_for(open_page):
    """Each check fails on a page made to fail it: none of them can pass whatever it is given."""
    page = open_page("portrait", bypass_csp=True)
    page.set_content(FAULTY_PAGE)
    assert any("H37" in line for line in audit.htmlcs_errors(page, "WCAG2AAA"))  # img alt
    assert any("'Teks pucat'" in line for line in audit.low_contrast(page))
    assert any("'Lanjut'[next] is 40 x 40 px" in line for line in audit.small_targets(page))
    overflow = audit.overflow(page, 100, "portrait")
    assert any("wide" in line for line in overflow)
    assert any("'Kata yang keluar" in line and "run out" in line for line in overflow), overflow
    assert any("'Di bawah'" in line and "lie over" in line for line in overflow), overflow
    assert any("'September'" in line and "broken" in line for line in overflow), overflow
    assert audit.unspoken(page) == ["voice: the screen has no spoken prompt"]
    page.evaluate("""() => { const a = document.createElement('audio');
        a.dataset.voice = 'x'; a.dataset.text = 'Uji. Pilihan A.';
        document.querySelector('main').append(a); }""")
    assert audit.unspoken(page) == ["voice: the choice 'b' ('Mulai lagi') is not spoken"]
    assert audit.untranslated(page, {"Mulai lagi": "Start over", "Uji": ""}) == [
        "untranslated: 'Mulai lagi'"]
    assert any(violation["id"] == "image-alt" for violation in axe_violations(page, "faulty"))


CROWDED_PAGE = """<!doctype html><html lang="id"><head><title>Uji</title></head><body>
<main data-step="identify"><h1>Uji</h1>
<input id="nomor" value="3302010101700001" style="width:120px;height:80px;font-size:40px">
<button style="display:block;width:100px;height:100px;margin:0">Atas</button>
<button style="display:block;width:100px;height:100px;margin:0">Bawah</button>
<div style="position:relative;margin-top:40px">
  <button style="display:block;width:100px;height:100px;margin:0">Tertutup</button>
  <div style="position:absolute;inset:0;background:#fff"></div>
</div>
<button style="display:block;width:100px;height:100px;margin:0">Di bawahnya</button>
</main></body></html>"""


def test_the_target_check_counts_what_a_finger_can_touch(open_page):
    """Targets that touch are found; a target under an opaque cover (as a key scrolled under the
    main action's box) is not, for no finger reaches it; a field that cuts off a number is."""
    page = open_page("portrait", bypass_csp=True)
    page.set_content(CROWDED_PAGE)
    found = audit.small_targets(page)
    assert "targets 'Atas'[] and 'Bawah'[] are 0 px apart" in found
    assert not [line for line in found if "'Tertutup'" in line and "apart" in line]
    assert any(line.startswith("overflow: the field nomor") for line in audit.overflow(page, 100, "portrait"))


# --- the staff console -------------------------------------------------------------------------

def a_claim_for_staff(db) -> str:
    """A claim above the limit, waiting for a staff decision (as a kiosk leaves it)."""
    person = PEOPLE_BY_KEY["above_limit"]

    def make(session):
        participant = session.scalar(select(Participant).where(Participant.kpj == person.kpj))
        sequence = 80_000 + (session.scalar(select(func.count()).select_from(Claim)) or 0)
        number = make_claim_number("0901", default_kiosk().code, sequence)
        session.add(Claim(
            number=number, idempotency_key=f"e2e-audit-{number}", kiosk_id=KIOSK_ID,
            participant_id=participant.id, reason="retirement_age", state="needs_staff",
            gross_amount=person.balance, tax_amount=0, net_amount=person.balance,
            expected_payment_date=None, bank_name=person.bank_name,
            bank_account=person.bank_account, phone=person.phone,
            details={"staff_reasons": ["above_limit"]}))
        session.commit()
        return number
    return db.run(make)


STAFF_VIEWPORTS = {"tablet": TABLET, "desk": DESK}


@pytest.mark.parametrize("size", list(STAFF_VIEWPORTS))
def test_every_staff_screen_passes_the_audit(page: Page, new_context, page_problems, console,
                                             db, size):
    """Sign-in, the board with a waiting call, the claims queue, a claim, reports, the audit
    log, an unknown page: axe and HTML_CodeSniffer (WCAG2AA) find nothing; photographed."""
    from e2e.conftest import _watch

    folder = AUDIT / f"staff-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    findings: dict[str, list[str]] = {}

    def check(screen: Page, name: str) -> None:
        screen.screenshot(path=str(folder / f"{name}.png"), full_page=True,
                          animations="disabled", caret="hide")
        found = [line for violation in axe_violations(screen, f"audit-staff-{name}")
                 for line in format_violations([violation]).splitlines()[:3]]
        found += audit.htmlcs_errors(screen, "WCAG2AA")
        if found:
            findings[name] = found

    viewport = STAFF_VIEWPORTS[size]
    login = _watch(new_context(viewport=viewport, bypass_csp=True).new_page(), page_problems)
    login.goto("/staff/login")
    check(login, "login")
    db.resolve_open_help_requests()
    number = a_claim_for_staff(db)
    start(page)
    tap_and_wait(page, toolbar(page, "call-staff"), "staff-coming")
    board = console("budi", viewport, bypass_csp=True)
    expect(board.locator('#board [data-help][data-reason="asked"]')).to_be_visible(timeout=5_000)
    check(board, "board")
    board.goto("/staff/claims")
    check(board, "claims")
    board.goto(f"/staff/claims/{number}")
    check(board, "claim")
    for name in ("reports", "audit", "no-such-page"):
        board.goto(f"/staff/{name}")
        check(board, name)
    audit.save_findings(folder / "findings.json", findings)
    db.resolve_open_help_requests()
    assert not findings, report(f"staff-{size}", findings)
