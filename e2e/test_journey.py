"""The whole journey in one go: the smoke test (also run on PostgreSQL), and what the age-56 claim
costs a participant: how many decisions (taps other than keypad digits) and how many seconds of
the kiosk talking, from welcome to the receipt."""
from __future__ import annotations

import re
import struct

import pytest
from playwright.sync_api import Page, expect

from e2e.journey import (
    KIOSK_ID,
    PEOPLE_BY_KEY,
    PRINTING,
    action,
    choose,
    choose_day,
    choose_month,
    enter_number,
    enter_year,
    main,
    pass_selfie,
    rupiah,
    start,
    tap_and_wait,
    tap_keys,
    welcome,
)
from kiosk.models import Claim, KioskSession, StepEvent


@pytest.mark.smoke
def test_an_age_56_claim_from_welcome_to_receipt_and_survey(page: Page, db):
    person = PEOPLE_BY_KEY["age56"]
    last_event = db.last_id(StepEvent)
    welcome(page)
    expect(page.locator("main h1")).to_be_visible()

    tap_and_wait(page, action(page, "next"), "identify")
    expect(page.locator("main h1")).to_be_focused()
    enter_number(page, person.kpj)
    choose_day(page, person.birth_date.day)
    choose_month(page, person.birth_date.month)
    enter_year(page, str(person.birth_date.year), "reason")
    # The balance is on the reason screen: the money, the first name, the card number.
    expect(page.get_by_test_id("balance")).to_have_text(rupiah(person.balance))
    expect(page.get_by_test_id("name")).to_have_text("Budi S.")
    expect(main(page)).to_contain_text(person.kpj[-3:])

    choose(page, "retirement_age", "amount")
    # The amount, the account and the phone on one screen; Ya, benar goes on.
    expect(page.get_by_test_id("net-amount")).to_have_text(rupiah(person.balance))
    expect(page.get_by_test_id("account")).to_contain_text(f"BRI •••• {person.bank_account[-4:]}")
    expect(page.get_by_test_id("phone")).to_contain_text(person.phone[-3:])
    tap_and_wait(page, action(page, "next"), "review")  # no papers beyond the cards
    tap_and_wait(page, action(page, "next"), "receipt", PRINTING)
    number = page.get_by_test_id("claim-number").inner_text()
    assert re.fullmatch(r"0901 01 \d{5} \d", number), number
    expect(main(page)).to_contain_text("30 November 2026")  # 5 working days after Mon 23 Nov
    expect(main(page)).to_have_attribute("data-state", "printed")  # the receipt is taken
    tap_and_wait(page, action(page, "next"), "survey")
    choose(page, "4", "welcome")
    expect(page.get_by_test_id("balance")).to_have_count(0)

    claim = db.run(lambda s: s.query(Claim).filter_by(number=number.replace(" ", "")).one()
                   .state)
    assert claim == "queued"
    # (The visit an earlier test left on this kiosk ends with "replaced" at this Start.)
    events = [e for e in db.rows_after(StepEvent, last_event) if e["outcome"] != "replaced"]
    # The selfie records what it showed (advice codes vary with the frames) and how it ended.
    selfie = [e["outcome"] for e in events if e["step"] == "selfie"]
    assert selfie[0] == "camera_opened" and {"steady", "turned"} <= set(selfie)
    # First try, or (the fake camera's head turn missed on a busy machine) after the pause.
    accepted = selfie[-1]
    assert accepted == "accepted_first_try" or (
        re.fullmatch(r"accepted_try_[23]", accepted) and "camera_again" in selfie), selfie
    # The balance, the account and the phone are shown on other screens; the reports still see
    # them reached (the selfie's end and the amount screen record them).
    assert [(e["step"], e["outcome"]) for e in events
            if e["step"] != "selfie" or e["outcome"].startswith("accepted")] == [
        ("welcome", "start"), ("identify", "number_kpj"), ("birth-date", "identified"),
        ("selfie", accepted), ("balance", "shown_on_reason"),
        ("reason", "reason_retirement_age"),
        ("bank", "bank_ok"), ("phone", "phone_keep"), ("amount", "next"),
        ("review", "submitted_queued"), ("receipt", "printed"), ("receipt", "next"),
        ("survey", "score_4")]
    assert len({e["session_token"] for e in events}) == 1
    assert db.run(lambda s: s.query(KioskSession).filter_by(kiosk_id=KIOSK_ID).count()) == 0


# --- what the claim costs a participant ---------------------------------------------------------

MAX_DECISIONS = 9
MAX_SPOKEN_SECONDS = 90

# Kept in the tab's sessionStorage, so they survive swaps and page loads of the visit:
# every tap on a button except a keypad digit; every screen's prompt audio (one per <main>) and
# every cue said while a screen stays (camera.js's kiosk:speak: the selfie's advice).
RECORD = """
(() => {
  const keep = (key, item) => {
    const list = JSON.parse(sessionStorage.getItem(key) || '[]');
    list.push(item);
    sessionStorage.setItem(key, JSON.stringify(list));
  };
  document.addEventListener('click', event => {
    const button = event.target instanceof Element && event.target.closest('button');
    if (!button || (button.closest('.keypad') && /^[0-9]$/.test(button.dataset.key || ''))) return;
    keep('e2e-taps', button.dataset.action || button.dataset.choice || button.textContent.trim());
  }, true);
  const seen = new WeakSet();
  new MutationObserver(() => document.querySelectorAll('main audio[data-voice]').forEach(audio => {
    if (seen.has(audio)) return;
    seen.add(audio);
    const screen = audio.closest('main');
    const state = screen.dataset.state ? '/' + screen.dataset.state : '';
    keep('e2e-voices', [screen.dataset.step + state, audio.dataset.src, audio.dataset.text]);
  })).observe(document, {childList: true, subtree: true});
  document.addEventListener('kiosk:speak', event =>
    keep('e2e-voices', ['cue ' + event.detail.name, event.detail.src, event.detail.text]));
})();
"""


def wav_seconds(body: bytes) -> float:
    """The length of a PCM WAV from its header: the data chunk's size over the byte rate."""
    assert body[:4] == b"RIFF" and body[8:12] == b"WAVE", body[:12]
    position, byte_rate = 12, None
    while position + 8 <= len(body):
        chunk, size = struct.unpack("<4sI", body[position:position + 8])
        if chunk == b"fmt ":
            byte_rate = struct.unpack("<I", body[position + 16:position + 20])[0]
        elif chunk == b"data":
            assert byte_rate, "no fmt chunk before the data"
            return size / byte_rate
        position += 8 + size + (size & 1)
    raise AssertionError("no data chunk")


def stored(page: Page, key: str) -> list:
    return page.evaluate(f"() => JSON.parse(sessionStorage.getItem('{key}') || '[]')")


def walk_to_the_reason(page: Page, person) -> int:
    """Welcome to the reason screen by taps; return the selfie's tries."""
    page.evaluate("() => sessionStorage.clear()")
    start(page)
    enter_number(page, person.kpj)
    choose_day(page, person.birth_date.day)
    choose_month(page, person.birth_date.month)
    tap_keys(page, f"{person.birth_date.year:04d}", "year")
    tap_and_wait(page, action(page, "next"), "selfie", "intro")
    return pass_selfie(page)


def test_an_age_56_claim_takes_at_most_nine_decisions_and_ninety_seconds_of_speech(page: Page):
    """From welcome to the receipt by taps, as a first-timer does it, with the selfie: count the
    taps that are decisions and add up the prompts the screens (and the selfie's cues) say.

    The path measured is the one where the selfie passes at the first try; when the fake
    camera's head turn is missed (a busy machine), the walk begins again, at most twice."""
    person = PEOPLE_BY_KEY["age56"]
    page.add_init_script(RECORD)
    welcome(page)
    for _ in range(3):
        if walk_to_the_reason(page, person) == 1:
            break
    else:
        pytest.fail("the selfie never passed at the first try")
    choose(page, "retirement_age", "amount")
    tap_and_wait(page, action(page, "next"), "review")
    tap_and_wait(page, action(page, "next"), "receipt", PRINTING)

    taps = stored(page, "e2e-taps")
    said = stored(page, "e2e-voices")
    # The receipt reads the whole claim back once it is made: counted apart, not in the path.
    receipt = [item for item in said if item[0].removeprefix("cue ").startswith("receipt")]
    path = [item for item in said if item not in receipt]
    lines, total = [], 0.0
    for screen, src, text in path:
        answer = page.request.get(src)
        assert answer.ok, f"{screen}: {answer.status} {src}"
        seconds = wav_seconds(answer.body())
        total += seconds
        lines.append(f"{seconds:5.1f} s  {screen:22} {text}")
    receipt_seconds = sum(wav_seconds(page.request.get(src).body()) for _, src, _ in receipt)
    print(f"\ndecisions: {len(taps)} ({', '.join(taps)})")
    print("\n".join(lines))
    print(f"spoken from welcome to the receipt: {total:.1f} s "
          f"(the receipt read back then: {receipt_seconds:.1f} s)")

    # Every screen on the way spoke, the selfie's cues included (not a silent pass).
    screens = [screen for screen, _, _ in path]
    assert {"welcome", "identify", "birth-date/day", "birth-date/month", "birth-date/year",
            "selfie/intro", "selfie/camera", "reason", "amount", "review"} <= set(screens)
    assert any(screen.startswith("cue selfie-advice/turn") for screen in screens), screens
    assert taps[-1] == "next" and len(taps) <= MAX_DECISIONS, taps
    assert total <= MAX_SPOKEN_SECONDS, "\n".join(lines)
