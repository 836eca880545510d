"""Sizes a person's eyes and fingers need (KIOSK-UX.md), on every screen, in both orientations."""
from __future__ import annotations

from itertools import combinations

import pytest
from playwright.sync_api import Page

from e2e.journey import every_screen, start, tap_and_wait, toolbar, welcome
from kiosk.i18n import LANGUAGES

MIN_TARGET = 64  # CSS px, both sides
MIN_GAP = 8  # CSS px between neighbouring targets
MIN_BASE_FONT = 28  # CSS px, portrait

BUTTONS_JS = """() => {
  const shown = el => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
      && !el.closest('dialog:not([open])');
  };
  return [...document.querySelectorAll('main button, header.toolbar button')].filter(shown)
    .map(b => {
      const r = b.getBoundingClientRect();
      const name = b.innerText || b.getAttribute('aria-label') || '';
      return {name: name.replace(/\\s+/g, ' ').trim(),
              hook: b.dataset.action || b.dataset.key || b.dataset.choice || b.value || '',
              keypad: !!b.closest('[data-keypad]'),
              left: r.left, top: r.top, right: r.right, bottom: r.bottom,
              width: r.width, height: r.height};
    });
}"""


def gap(a: dict, b: dict) -> float:
    """Distance between two boxes (0 when they touch or overlap)."""
    dx = max(0.0, b["left"] - a["right"], a["left"] - b["right"])
    dy = max(0.0, b["top"] - a["bottom"], a["top"] - b["bottom"])
    return max(dx, dy)


def label(button: dict) -> str:
    return f"{button['name']!r}[{button['hook']}]"


def test_every_button_is_a_big_target_with_room_around_it(oriented_page: Page, orientation):
    problems: list[str] = []
    for screen in every_screen(oriented_page):
        buttons = oriented_page.evaluate(BUTTONS_JS)
        assert buttons, f"{screen.name}: no buttons found"
        for button in buttons:
            if button["width"] < MIN_TARGET or button["height"] < MIN_TARGET:
                problems.append(f"{screen.name}: {label(button)} is {button['width']:.0f} x "
                                f"{button['height']:.0f} px")
        for a, b in combinations(buttons, 2):
            distance = gap(a, b)
            if distance < MIN_GAP:
                where = "keypad keys" if a["keypad"] and b["keypad"] else "buttons"
                problems.append(f"{screen.name}: {where} {label(a)} and {label(b)} are "
                                f"{distance:.0f} px apart")
        if orientation == "portrait":
            size = oriented_page.evaluate(
                "() => parseFloat(getComputedStyle(document.body).fontSize)")
            if size < MIN_BASE_FONT:
                problems.append(f"{screen.name}: body text is {size} px")
    assert not problems, f"{orientation}:\n" + "\n".join(problems)


@pytest.mark.parametrize("orientation", ["landscape"], indirect=True)
@pytest.mark.parametrize("screen_name", [
    "welcome", "identify", "birth-date-day", "birth-date-month", "birth-date-year",
    "selfie-intro", "balance", "reason", "amount", "bank-choose", "bank-list", "bank-account",
    "bank-holder",
    "phone-entry", "documents", "review", "receipt", "survey",
])
def test_in_landscape_the_screen_does_not_scroll(oriented_page: Page, orientation, screen_name):
    for screen in every_screen(oriented_page):
        if screen.name == screen_name:
            break
    else:
        pytest.fail(f"the walk never reached {screen_name}")
    size = oriented_page.evaluate("""() => ({
        height: document.scrollingElement.scrollHeight, innerHeight: window.innerHeight,
        width: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth})""")
    assert size["height"] <= size["innerHeight"] and size["width"] <= size["innerWidth"], (
        f"{screen_name} scrolls: content {size['width']} x {size['height']} px in a "
        f"{size['innerWidth']} x {size['innerHeight']} px window")


@pytest.mark.parametrize("text_size", ["normal", "large"])
def test_the_toolbar_and_voice_bar_fit_in_every_language(oriented_page: Page, orientation,
                                                       text_size):
    """Javanese and Sundanese labels are the longest: every button stays on the screen, big
    enough, and in landscape the identify screen (keypad and all) still does not scroll."""
    page = oriented_page
    welcome(page)
    start(page)
    if text_size == "large":
        tap_and_wait(page, toolbar(page, "text-size"), "identify")
    for language in LANGUAGES:
        tap_and_wait(page, page.locator(f"header.toolbar [data-choice='{language}']"),
                     "identify")
        buttons = page.evaluate(BUTTONS_JS)
        size = page.evaluate("() => [innerWidth, innerHeight, "
                             "document.scrollingElement.scrollWidth, "
                             "document.scrollingElement.scrollHeight]")
        for button in buttons:
            assert button["right"] <= size[0] and button["left"] >= 0, (language, button)
            assert button["width"] >= MIN_TARGET and button["height"] >= MIN_TARGET, \
                (language, button)
        assert size[2] <= size[0], (language, size)
        if orientation == "landscape":
            assert size[3] <= size[1], (language, text_size, size)
