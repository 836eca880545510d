"""Sizes a person's eyes and fingers need (KIOSK-UX.md), on every screen, in both orientations."""
from __future__ import annotations

from itertools import combinations

import pytest
from playwright.sync_api import Page

from e2e.journey import every_screen

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
