"""The demonstration ("Lihat caranya") in Chromium: it starts from welcome, walks the real screens
of a practice visit by itself with a finger, types one digit wrong and corrects it, and Stop (or
any touch) returns to welcome with the visit wiped. `?speed=N` keeps the walk short here; at
speed 1 it takes about a minute (measured once and reported, never asserted on time).
"""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from e2e.journey import action, main, settled, tap_and_wait, welcome
from kiosk.core.practice import PRACTICE_KPJ
from kiosk.models import Claim, KioskSession, OutboxMessage, StepEvent

SPEED = 20
# What the page notes while the demonstration runs (a test's own observer, kept in the tab's
# sessionStorage so it outlives the last navigation back to welcome).
OBSERVER = """
(() => {
  const log = (entry) => {
    const all = JSON.parse(sessionStorage.getItem("demo-log") || "[]");
    all.push(entry);
    sessionStorage.setItem("demo-log", JSON.stringify(all));
  };
  new MutationObserver((changes) => {
    for (const change of changes) {
      const el = change.target;
      if (change.type !== "attributes" || !(el instanceof Element)) continue;
      if (el.matches("[data-demo]") && change.attributeName === "data-demo-steps") {
        log({steps: el.dataset.demoSteps});
      }
      if (el.matches("[data-demo]") && change.attributeName === "data-demo-moment") {
        const input = document.querySelector("main #number");
        log({moment: el.dataset.demoMoment, number: input ? input.value : null});
      }
      if (el.matches("[data-demo-finger]") && change.attributeName === "style" && !el.hidden) {
        const target = document.querySelector(".demo-target");
        const box = target ? target.getBoundingClientRect() : null;
        log({finger: [Number(el.dataset.x), Number(el.dataset.y)],
             box: box ? [box.left, box.top, box.right, box.bottom] : null,
             target: target ? (target.dataset.key || target.dataset.choice || target.dataset.action
                               || target.name || "") : null});
      }
    }
  }).observe(document, {subtree: true, attributes: true});
})();
"""


def written(db) -> list[int]:
    """Claims, outbox messages and step events so far (a visit the demonstration's begins
    replaced, left by an earlier test, is that visit's event, not the demonstration's)."""
    return db.run(lambda s: [
        s.scalar(select(func.count()).select_from(Claim)),
        s.scalar(select(func.count()).select_from(OutboxMessage)),
        s.scalar(select(func.count()).select_from(StepEvent).where(
            StepEvent.outcome != "replaced"))])


def demo_log(page: Page) -> list[dict]:
    return json.loads(page.evaluate("() => sessionStorage.getItem('demo-log') || '[]'"))


def finger(page: Page):
    return page.get_by_test_id("demo-finger")


def test_watch_how_starts_from_welcome_shows_the_finger_and_stop_returns(page: Page, db, snap):
    welcome(page)
    tap_and_wait(page, action(page, "how-it-works"), "how-it-works")
    expect(main(page)).to_have_attribute("data-practice", "true")
    stop = page.locator('[data-action="stop-demo"]')
    expect(stop).to_be_visible()
    expect(stop).to_have_text("Berhenti")
    snap(page, "demo-intro")
    # At its own pace: the intro is said, the number screen comes, the finger moves to the keypad.
    expect(page.locator('main[data-step="identify"]')).to_be_visible(timeout=30_000)
    expect(finger(page)).to_be_visible(timeout=15_000)
    expect(page.locator("main .demo-target")).to_have_count(1, timeout=5_000)
    expect(stop).to_be_visible()  # still there over the real screen
    # The wrong digit: the finger rests on it while the kiosk says what to do.
    controls = page.get_by_test_id("demo-controls")
    expect(controls).to_have_attribute("data-demo-moment", "mistake", timeout=30_000)
    wrong = page.locator("main .demo-target")
    expect(wrong).to_have_attribute("data-key", str((int(PRACTICE_KPJ[5]) + 1) % 10))
    expect(page.locator("main #number")).to_have_value("12 345 7", timeout=5_000)
    expect(page.locator("[data-demo-caption]")).not_to_have_text("", timeout=10_000)
    box, key = finger(page).bounding_box(), wrong.bounding_box()
    tip = (box["x"] + 39, box["y"] + 6)  # where the fingertip is in its picture
    assert key["x"] <= tip[0] <= key["x"] + key["width"], (tip, key)
    assert key["y"] <= tip[1] <= key["y"] + key["height"], (tip, key)
    snap(page, "demo-finger")
    demo_visit = db.run(lambda s: s.scalars(select(KioskSession.id).where(
        KioskSession.practice)).all())
    assert len(demo_visit) == 1
    stop.click()
    settled(page, "welcome", None)
    expect(page.locator('[data-action="stop-demo"]')).to_have_count(0)
    assert db.run(lambda s: s.get(KioskSession, demo_visit[0])) is None  # wiped


def test_the_demonstration_walks_five_screens_and_more_with_a_mistake_corrected(
        open_page, db, snap, orientation):
    page = open_page(orientation)
    page.add_init_script(OBSERVER)
    before = written(db)
    page.goto(f"/how-it-works?speed={SPEED}")
    if orientation == "landscape":
        expect(page.locator('main[data-step="birth-date"]')).to_be_visible(timeout=30_000)
        snap(page, "demo-birth-date")
    # It ends by itself (on the review) and shows welcome again.
    expect(page.locator('main[data-step="welcome"]')).to_be_visible(timeout=60_000)
    log = demo_log(page)
    steps = [entry["steps"] for entry in log if "steps" in entry][-1].split()
    assert steps[:4] == ["identify", "birth-date/day", "birth-date/month", "birth-date/year"]
    assert steps[4:] == ["selfie/intro", "reason", "amount", "review"], steps  # 8 screens
    moments = {entry["moment"]: entry["number"] for entry in log if "moment" in entry}
    typed = PRACTICE_KPJ[:5]
    wrong = str((int(PRACTICE_KPJ[5]) + 1) % 10)
    digits = lambda text: "".join(ch for ch in text or "" if ch.isdigit())  # noqa: E731
    assert digits(moments["mistake"]) == typed + wrong  # the wrong digit shows...
    assert digits(moments["corrected"]) == typed  # ...and Hapus takes it away
    assert "end" in moments
    moves = [entry for entry in log if "finger" in entry]
    for move in moves:  # each time, the finger goes to the control it marks
        (x, y), (left, top, right, bottom) = move["finger"], move["box"]
        assert left <= x <= right and top <= y <= bottom, move
    targets = [move["target"] for move in moves]
    assert targets.count("del") == 1 and "retirement_age" in targets
    assert "next" in targets[targets.index("retirement_age"):]  # the amount's Ya, benar
    assert all(0 <= x <= page.viewport_size["width"] and 0 <= y <= page.viewport_size["height"]
               for x, y in (entry["finger"] for entry in log if "finger" in entry))
    # Nothing of it was saved, sent or counted, and its visit is gone.
    assert written(db) == before
    assert db.run(lambda s: s.scalar(select(func.count()).select_from(KioskSession).where(
        KioskSession.practice))) == 0


def test_any_touch_stops_the_demonstration_and_does_not_act_on_the_screen(page: Page, db):
    page.goto("/how-it-works?speed=2")
    expect(page.locator('main[data-step="identify"]')).to_be_visible(timeout=30_000)
    key = page.locator('main [data-keypad] [data-key="9"]')
    key.click()  # a person's own tap, on a key the demonstration might have pressed
    settled(page, "welcome", None)
    assert db.run(lambda s: s.scalar(select(func.count()).select_from(KioskSession).where(
        KioskSession.practice))) == 0


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_the_finger_jumps_under_reduced_motion(open_page, motion):
    page = open_page("portrait", reduced_motion=motion)
    page.goto("/how-it-works?speed=4")
    expect(finger(page)).to_be_visible(timeout=30_000)
    duration = finger(page).evaluate("el => getComputedStyle(el).transitionDuration")
    assert (duration == "0s") == (motion == "reduce"), duration
    page.locator('[data-action="stop-demo"]').click()
    settled(page, "welcome", None)


AXE_ALL = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                  "wcag22aa", "best-practice"]},
           "rules": {"color-contrast-enhanced": {"enabled": True}}}


def axe_all(page: Page) -> list[dict]:
    """axe-core with best practice too (landmarks, headings), as the audit suite will run it."""
    from e2e.conftest import AXE_SCRIPT

    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    return page.evaluate("options => axe.run(document, options)", AXE_ALL)["violations"]


def test_the_demonstration_and_a_practice_screen_pass_axe(axe_page, axe):
    page = axe_page
    page.goto("/how-it-works?speed=1")
    expect(page.get_by_test_id("demo-controls")).to_have_attribute("data-demo", "running")
    found = axe_all(page)
    assert not found, axe.format(found)
    expect(page.locator('main[data-step="identify"]')).to_be_visible(timeout=30_000)
    expect(finger(page)).to_be_visible(timeout=15_000)
    found = axe_all(page)  # a demonstration frame: the bar, the finger, the real screen
    assert not found, axe.format(found)
    page.locator('[data-action="stop-demo"]').click()
    settled(page, "welcome", None)
    found = axe_all(page)
    assert not found, axe.format(found)
    tap_and_wait(page, action(page, "practice"), "identify")
    found = axe_all(page)  # a practice screen with its band
    assert not found, axe.format(found)
