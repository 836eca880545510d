"""axe-core (WCAG 2.0/2.1/2.2 A and AA, plus AAA contrast) on every screen and state, both ways up.

A screenshot of each is saved in test-artifacts/screenshots/<orientation>/ and axe's full report
(incomplete checks included) in test-artifacts/axe/<orientation>/.
"""
from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.journey import every_screen

EXPECTED_SCREENS = ["welcome", "identify", "identify-error", "birth-date-day", "birth-date-month",
                    "birth-date-year", "birth-date-year-error", "selfie-intro", "reason", "amount",
                    "bank-list", "bank-account", "bank-account-error", "bank-holder",
                    "phone-entry", "phone-error", "documents", "review", "bank-choose",
                    "phone-choose", "receipt", "survey", "identify-staff", "staff-coming",
                    "error-page"]


def test_every_screen_and_state_has_no_axe_violations(axe_page: Page, orientation, axe, snap):
    found: dict[str, list[dict]] = {}
    seen: list[str] = []
    for screen in every_screen(axe_page):
        seen.append(screen.name)
        if screen.name == "reason":  # the age56 person has contributions: the chart shows
            expect(axe_page.locator("main svg.bars rect")).not_to_have_count(0)
        snap(axe_page, screen.name)
        violations = axe.violations(axe_page, screen.name)
        if violations:
            found[screen.name] = violations
    assert seen == EXPECTED_SCREENS
    assert not found, f"axe violations ({orientation}):\n" + "\n".join(
        f"{name}:\n{axe.format(violations)}" for name, violations in found.items())
