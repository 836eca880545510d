"""The audit: every participant screen and state, checked as a whole and photographed.

Indonesian in both orientations at 100 % and 150 % text and in high contrast; every participant
screen once in English, Javanese and Sundanese; every staff console screen. Each screen fails on
any axe-core violation (WCAG 2.2 A/AA and best practice), any HTML_CodeSniffer error (WCAG2AAA on
participant screens, WCAG2AA on staff screens), participant text under 7:1 computed from the
rendered styles, a participant target under 64 x 64 px or closer than 8 px to another, a
participant screen that does not speak or has a choice it does not say, overflow, and an
untranslated string. One screenshot per screen and state: test-artifacts/audit/<config>/<name>.png;
the findings of each configuration in test-artifacts/audit/<config>/findings.json.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from e2e import audit
from e2e.conftest import ARTIFACTS, axe_violations, format_violations
from e2e.journey import (
    KIOSK_ID,
    PEOPLE_BY_KEY,
    ROOT,
    Screen,
    every_screen,
    start,
    tap_and_wait,
    toolbar,
)
from e2e.test_staff import DESK, TABLET, console, staff_accounts  # noqa: F401  (fixtures)
from kiosk.devices import default_kiosk
from kiosk.jht import make_claim_number
from kiosk.models import Claim, Participant

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


CONFIGS = [
    Config("id", "portrait"), Config("id", "landscape"),
    Config("id", "portrait", 150), Config("id", "landscape", 150),
    Config("id", "portrait", contrast=True),
    Config("en", "portrait"), Config("jv", "portrait"), Config("su", "portrait"),
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
    found += audit.overflow(page, config.text_size)
    found += audit.unspoken(page)
    if words:
        found += audit.untranslated(page, words)
    return found


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
    audit.save_findings(folder / "findings.json", findings)
    return findings


def report(config_name: str, findings: dict[str, list[str]]) -> str:
    return f"{config_name}: {sum(map(len, findings.values()))} finding(s)\n" + "\n".join(
        f"  {name}:\n" + "\n".join(f"    {line}" for line in lines)
        for name, lines in findings.items())


FAULTY_PAGE = """<!doctype html><html lang="id"><head><title>Uji</title></head><body>
<main data-step="welcome"><h1>Uji</h1>
<p class="pale" style="color:#999;background:#fff">Teks pucat</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="40" height="40">
<button data-action="next" style="width:40px;height:40px">Lanjut</button>
<button data-choice="a" style="width:100px;height:100px">Pilihan A</button>
<button data-choice="b" style="width:100px;height:100px">Mulai lagi</button>
<div style="width:4000px">lebar</div>
</main></body></html>"""


def test_the_checkers_find_what_they_are_for(open_page):
    """Each check fails on a page made to fail it: none of them can pass whatever it is given."""
    page = open_page("portrait", bypass_csp=True)
    page.set_content(FAULTY_PAGE)
    assert any("H37" in line for line in audit.htmlcs_errors(page, "WCAG2AAA"))  # img alt
    assert any("'Teks pucat'" in line for line in audit.low_contrast(page))
    assert any("'Lanjut'[next] is 40 x 40 px" in line for line in audit.small_targets(page))
    assert any("wide" in line for line in audit.overflow(page, 100))
    assert audit.unspoken(page) == ["voice: the screen has no spoken prompt"]
    page.evaluate("""() => { const a = document.createElement('audio');
        a.dataset.voice = 'x'; a.dataset.text = 'Uji. Pilihan A.';
        document.querySelector('main').append(a); }""")
    assert audit.unspoken(page) == ["voice: the choice 'b' ('Mulai lagi') is not spoken"]
    assert audit.untranslated(page, {"Mulai lagi": "Start over", "Uji": ""}) == [
        "untranslated: 'Mulai lagi'"]
    assert any(violation["id"] == "image-alt" for violation in axe_violations(page, "faulty"))


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
