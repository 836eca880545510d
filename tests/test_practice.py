"""Practice ("Coba dulu") and the demonstration ("Lihat caranya"): the whole journey with the
practice participant, and nothing of it reaches the core, the claim records, the staff queue, the
status look-up or the reports; its receipt is marked PRACTICE; the demonstration's page writes
nothing and its visit is wiped when it stops."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from html import unescape
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import func, select

from hardware import printer as hardware_printer
from kiosk import claims, receipts
from kiosk.core import ClaimDraft, CoreSystem
from kiosk.core.local import LocalCore
from kiosk.core.practice import (
    PRACTICE_BIRTH_DATE,
    PRACTICE_ID,
    PRACTICE_KPJ,
    PRACTICE_NIK,
    PracticeCore,
)
from kiosk.extensions import db
from kiosk.jht import make_claim_number
from kiosk.models import (
    Capture,
    Claim,
    FailedIdentification,
    HelpRequest,
    Kiosk,
    KioskSession,
    OutboxMessage,
    ReceiptPrint,
    ReferenceEmbedding,
    StepEvent,
    utcnow,
)
from kiosk.staff.board import board_data
from kiosk.staff.reports import compute
from tests import facekit
from tests.escpos_decode import decode
from tests.helpers import claim_whole, identify, load_demo, main_attr, person, start
from tests.test_selfie import camera_clock, frames_until  # noqa: F401  (camera_clock: autouse)

# What a practice visit's screens are answered with (by step; the others: their main action).
ANSWERS = {"reason": {"reason": "retirement_age"}, "bank": {"choice": "keep"},
           "phone": {"choice": "keep"}}
TABLES = (Claim, OutboxMessage, StepEvent, Capture, ReferenceEmbedding, ReceiptPrint,
          FailedIdentification, HelpRequest)


@pytest.fixture
def demo(app, client):
    load_demo(app)
    return client


@pytest.fixture
def core_calls(monkeypatch) -> list[str]:
    """Every call that reaches the real core adapter (the local tables), by method name."""
    calls: list[str] = []
    for name in CoreSystem.__abstractmethods__:
        original = getattr(LocalCore, name)

        def spy(self, *args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(LocalCore, name, spy)
    return calls


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def counts(app) -> dict[str, int]:
    return {model.__name__: count(app, model) for model in TABLES}


def the_visit(app) -> KioskSession:
    with app.app_context():
        return db.session.scalars(select(KioskSession)).one()


def html(page) -> str:
    return page.get_data(as_text=True)


def practise_to_selfie(client, seen: list | None = None):
    """Welcome's Coba dulu, then the practice number and birth date, typed as the band says."""
    seen = [] if seen is None else seen
    page = client.post("/practice", data={"language": "id"}, follow_redirects=True)
    assert main_attr(page, "data-step") == "identify"
    seen.append(page)
    shown = re.search(r'data-testid="practice-number">([^<]+)<', html(page)).group(1)
    page = client.post("/identify", data={"number": shown}, follow_redirects=True)
    seen.append(page)
    page = client.post("/birth-date", data={"birth_date": PRACTICE_BIRTH_DATE.isoformat()},
                       follow_redirects=True)
    seen.append(page)
    return page


def practise_selfie(client, face: str = "biden"):
    """Open the camera, hold still, turn the head: the practice match takes any face."""
    client.post("/selfie/start")
    frames_until(client, [facekit.selfie_frame(face)], "liveness")
    frames_until(client, facekit.head_turn_frames(face), "matching")
    return client.post("/selfie/match", follow_redirects=True)


def walk_to(client, page, wanted: str, seen: list | None = None):
    """Answer each screen by its step (choices by their codes, else its main action)."""
    for _ in range(20):
        step = main_attr(page, "data-step")
        if seen is not None:
            seen.append(page)
        if step == wanted:
            return page
        page = client.post(f"/{step}", data=ANSWERS.get(step, {}), follow_redirects=True)
    raise AssertionError(f"never reached {wanted}; stopped at {main_attr(page, 'data-step')}")


def practise_claim(client, seen: list | None = None):
    """A whole practice claim, from welcome to its receipt."""
    practise_to_selfie(client, seen)
    page = practise_selfie(client)
    return walk_to(client, page, "receipt", seen)


def practice_receipts(app) -> list[Path]:
    return sorted((Path(app.instance_path) / "receipts").glob("practice-*.bin"))


def png_says(png: np.ndarray, text: str, bold: bool = True) -> float:
    """How well `text`, drawn as the printer simulator draws a line, matches somewhere in `png`
    (normalised correlation, 1.0 = the very pixels)."""
    prof = hardware_printer.profile()
    data = b"\x1b@" + (b"\x1bE\x01" if bold else b"") + text.encode("cp437") + b"\n"
    line = np.array(hardware_printer.render(data, prof).convert("L"))
    ys, xs = np.where(line < 128)
    template = line[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    scores = cv2.matchTemplate(png, template, cv2.TM_CCOEFF_NORMED)
    return float(scores.max())


# --- the practice visit ------------------------------------------------------------------------


def test_a_whole_practice_claim_reaches_its_receipt_and_nothing_of_it_is_kept(
        app, demo, core_calls):
    before = counts(app)
    receipt = practise_claim(demo)
    assert main_attr(receipt, "data-step") == "receipt"
    assert main_attr(receipt, "data-practice") == "true"
    visit = the_visit(app)
    assert visit.practice and visit.participant_id == PRACTICE_ID
    assert visit.data["identity"]["by"] == "practice" and visit.data["claim"]["number"] is None
    printed = demo.post("/receipt/print").get_json()
    assert printed["state"] == "printed"
    survey = demo.post("/receipt", follow_redirects=True)
    assert main_attr(survey, "data-step") == "survey"
    welcome = demo.post("/survey", data={"score": "5"}, follow_redirects=True)
    assert main_attr(welcome, "data-step") == "welcome"
    assert main_attr(welcome, "data-practice") is None
    # No claim, outbox message, event, kept face or paper, print record, wrong-pair mark, call.
    assert counts(app) == before == {name: 0 for name in before}
    assert core_calls == []  # the real core was never asked about anyone
    assert count(app, KioskSession) == 0  # ended like any visit: wiped


def test_the_spy_sees_a_real_visit_ask_the_core(app, demo, core_calls):
    """The core_calls spy above can fail: a real visit's identification asks the core."""
    who = person("age56")
    start(demo)
    identify(demo, who.kpj, who.birth_date)
    assert "find_participant" in core_calls


def test_every_practice_screen_is_marked_and_shows_the_band(app, demo):
    seen = []
    receipt = practise_claim(demo, seen)
    seen.append(demo.post("/receipt", follow_redirects=True))
    steps = [main_attr(page, "data-step") for page in seen]
    assert {"identify", "birth-date", "selfie", "reason", "amount", "review", "receipt",
            "survey"} <= set(steps), steps
    for page in seen:
        assert main_attr(page, "data-practice") == "true", main_attr(page, "data-step")
        assert 'data-testid="practice-band"' in html(page)
        assert "Latihan — tidak ada yang dikirim" in html(page)
    assert "12 345 678 901" in html(seen[0])  # the number to type, on the number screen
    birth = next(page for page in seen if main_attr(page, "data-step") == "birth-date")
    assert "17 Agustus 1965" in html(birth)
    # The receipt names no claim: the practice mark stands where its number would.
    assert 'data-testid="claim-number"' not in html(receipt)
    assert "LATIHAN / PRACTICE" in html(receipt)
    # A real visit's screens carry neither.
    real = start(demo)
    assert main_attr(real, "data-practice") is None and "practice-band" not in html(real)


def test_practice_says_the_practice_number_and_date_to_type(app, demo):
    page = demo.post("/practice", data={"language": "en"}, follow_redirects=True)
    said = re.search(r'<audio class="voice"[^>]*data-text="([^"]*)"', html(page)).group(1)
    assert said.startswith("This is practice. Nothing is sent. Your practice number is")
    assert "one two, three four five, six seven eight, nine zero one" in said  # in its groups
    demo.post("/identify", data={"number": PRACTICE_KPJ})
    page = demo.get("/birth-date")
    said = unescape(re.search(r'data-text="([^"]*)"', html(page)).group(1))
    assert "Your practice birth date is" in said and "1965" not in said  # said in words


def test_practice_never_finds_a_real_participant_nor_a_real_visit_the_practice_one(app, demo):
    who = person("age56")
    page = demo.post("/practice", data={"language": "id"}, follow_redirects=True)
    page = identify(demo, who.kpj, who.birth_date)
    assert main_attr(page, "data-step") == "identify" and main_attr(page, "data-state") == "error"
    assert the_visit(app).participant_id is None
    # A wrong pair in practice guesses nothing real: the kiosk's rest counts real pairs only.
    assert count(app, FailedIdentification) == 0
    start(demo)
    page = identify(demo, PRACTICE_KPJ, PRACTICE_BIRTH_DATE)
    assert main_attr(page, "data-state") == "error"  # the real core knows no practice person
    assert count(app, FailedIdentification) == 1


def test_the_practice_core_knows_the_practice_participant_only(app):
    core = PracticeCore()
    from kiosk.jht import parse_participant_number
    from tests.helpers import TODAY

    for number in (PRACTICE_KPJ, PRACTICE_NIK):
        found = core.find_participant(parse_participant_number(number, TODAY))
        assert found is not None and found.id == PRACTICE_ID
    assert core.find_participant(parse_participant_number(person("age56").kpj, TODAY)) is None
    assert core.get_participant(1) is None and core.claim_status("123456789012") is None
    assert core.reference_photo(PRACTICE_ID) is None and core.open_claims(PRACTICE_ID) == ()


def test_the_practice_selfie_coaches_but_never_matches_nor_keeps_a_face(app, demo):
    page = practise_to_selfie(demo)
    assert main_attr(page, "data-state") == "intro"
    demo.post("/selfie/start")
    from tests.helpers import post_frame

    too_far = facekit.selfie_frame("biden", face_width_frac=0.12)
    far = [post_frame(demo, "/selfie/frame", too_far) for _ in range(2)][-1]  # steady advice
    assert far["state"] == "camera" and far["advice"] == "closer" and far["text"]  # coached
    frames_until(demo, [facekit.selfie_frame("biden")], "liveness")
    assert count(app, Capture) == 0  # the good frame was judged, not kept
    frames_until(demo, facekit.head_turn_frames("biden"), "matching")  # the turn is still asked
    balance = demo.post("/selfie/match", follow_redirects=True)
    assert main_attr(balance, "data-step") == "reason"  # which shows the balance
    assert count(app, Capture) == 0 and count(app, ReferenceEmbedding) == 0
    assert the_visit(app).data["identity"]["by"] == "practice"


def test_a_practice_claim_is_never_saved_even_if_asked(app):
    draft = ClaimDraft(idempotency_key="k" * 32, kiosk_id="K01", participant_id=PRACTICE_ID,
                       reason="retirement_age", gross_amount=1, tax_amount=0, net_amount=1,
                       needs_staff=False, expected_payment_date=None, bank_name="BRI",
                       bank_account="123456", phone="081200001234")
    with app.test_request_context():
        with pytest.raises(claims.PracticeClaim):
            claims.save(draft)
    assert count(app, Claim) == 0 and count(app, OutboxMessage) == 0


def test_the_status_look_up_never_finds_a_practice_claim(app, demo):
    practise_claim(demo)
    demo.post("/receipt")
    with app.app_context():
        kiosk = db.session.get(Kiosk, "K01")
        # The practice claim took no claim number: the next real one is still the first.
        assert kiosk.claim_sequence == 0
        would_be = make_claim_number(app.config["BRANCH_CODE"], kiosk.code, 1)
        assert receipts.by_number(would_be) is None
        assert receipts.by_number(receipts.PRACTICE_MARK) is None
    demo.post("/status/start", data={"language": "id"})
    demo.post("/status", data={"number": would_be})
    page = demo.post("/status", data={"birth_date": PRACTICE_BIRTH_DATE.isoformat()},
                     follow_redirects=True)
    assert main_attr(page, "data-state") == "error" and "claim-status" not in html(page)
    # The same look-up finds a real claim by its number (so this test can fail).
    who = person("age56")
    real = claim_whole(demo, who)
    shown = re.search(r'data-testid="claim-number">([^<]+)<', html(real)).group(1)
    number = re.sub(r"\D", "", shown)
    demo.post("/status/start", data={"language": "id"})
    demo.post("/status", data={"number": number})
    page = demo.post("/status", data={"birth_date": who.birth_date.isoformat()},
                     follow_redirects=True)
    assert 'data-testid="claim-status"' in html(page)


def test_the_practice_receipt_is_marked_practice_in_its_escpos_bytes_and_picture(app, demo):
    practise_claim(demo)
    assert demo.post("/receipt/print").get_json()["state"] == "printed"
    assert demo.post("/receipt/print").get_json()["state"] == "printed"  # asked twice: once
    [job] = practice_receipts(app)
    paper = decode(job.read_bytes())
    first = paper.lines[0]
    assert first.text == "LATIHAN / PRACTICE" and first.bold and first.align == "center"
    big = [line for line in paper.lines if line.size == 2]
    assert [line.text for line in big] == ["LATIHAN / PRACTICE"]  # where a claim number stands
    assert [line.text for line in paper.lines if line.text][-1] == "LATIHAN / PRACTICE"
    assert "Ini hanya latihan. Bukan klaim." in paper.text
    assert "tidak dibayar, ini latihan" in paper.text
    assert not re.search(r"\d{4} \d{2} \d{5} \d", paper.text)  # nothing like a claim number
    assert paper.native_qr == [] and paper.images == []  # no QR to look up
    assert paper.cuts == [len(paper.items) - 1]
    png = cv2.imread(str(job.with_suffix(".png")), cv2.IMREAD_GRAYSCALE)
    assert png_says(png, "PRACTICE") > 0.95


def test_at_larger_text_the_practice_receipt_is_two_screens_like_a_claims(app, demo):
    receipt = practise_claim(demo)
    demo.post("/text-size")  # 125 %
    assert demo.post("/receipt/print").get_json()["state"] == "printed"
    first = demo.get("/receipt")
    assert 'data-testid="receipt-first"' in html(first) and 'data-testid="practice-mark"' in html(first)
    assert re.search(r'data-voice="practice-receipt/printed-first"', html(first))
    assert "Tekan Lanjut." in html(first) and "Selesai" not in html(first)
    more = demo.post("/receipt", data={"part": "more"}, follow_redirects=True)
    assert main_attr(more, "data-practice") == "true"
    assert 'data-testid="receipt-more"' in html(more) and "Tekan Selesai." in html(more)
    assert re.search(r'data-voice="practice-receipt/printed-more"', html(more))
    assert "Untuk klaim sungguhan" in html(more)
    survey = demo.post("/receipt", follow_redirects=True)
    assert main_attr(survey, "data-step") == "survey"
    assert len(practice_receipts(app)) == 1 and receipt is not None


def test_a_real_receipts_picture_does_not_say_practice(app, demo):
    """png_says above can fail: a claim's own receipt has no such word."""
    claim_whole(demo, person("age56"))
    demo.post("/receipt/print")
    [job] = sorted((Path(app.instance_path) / "receipts").glob("*.bin"))
    png = cv2.imread(str(job.with_suffix(".png")), cv2.IMREAD_GRAYSCALE)
    assert png_says(png, "PRACTICE") < 0.8
    assert png_says(png, "BPJS Ketenagakerjaan") > 0.95


def test_a_practice_printer_fault_calls_staff_marked_practice(app, demo):
    practise_claim(demo)
    folder = Path(app.instance_path) / "receipts"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hardware_printer.FAULT_FILE).write_text("paper_out")
    answer = demo.post("/receipt/print").get_json()
    assert answer["state"] == "printer-error" and "latihan" in answer["text"]
    with app.app_context():
        call = db.session.scalars(select(HelpRequest)).one()
        assert call.reason == "printer" and call.practice


def test_call_staff_in_practice_calls_staff_marked_practice_and_counts_in_no_report(app, demo):
    demo.post("/practice", data={"language": "id"})
    page = demo.post("/call-staff", follow_redirects=True)
    assert main_attr(page, "data-step") == "staff-coming"
    assert main_attr(page, "data-practice") == "true"
    with app.test_request_context():
        board = board_data()
        [call] = board["requests"]
        assert call["practice"] and call["reason"] == "asked"
        assert [k["practice"] for k in board["kiosks"] if k["id"] == "K01"] == [True]
        today = utcnow().date()
        report = compute(today - timedelta(days=1), today + timedelta(days=1), None)
    assert report["help"] == [] and report["visits"] == 0
    # A real visit's call counts (so the report can show one).
    demo.post("/start-over")
    start(demo)
    demo.post("/call-staff")
    with app.test_request_context():
        report = compute(today - timedelta(days=1), today + timedelta(days=1), None)
    assert [row["count"] for row in report["help"]] == [1] and report["visits"] == 1


def test_nothing_of_a_practice_claim_counts_in_the_reports(app, demo):
    practise_claim(demo)
    demo.post("/receipt")
    demo.post("/survey", data={"score": "1"})
    with app.test_request_context():
        today = utcnow().date()
        report = compute(today - timedelta(days=1), today + timedelta(days=1), None)
    assert report["visits"] == 0 and report["claims_by_reason"] == []
    assert report["satisfaction"] == [(score, 0) for score in "12345"]
    assert dict(report["funnel"])["receipt"] == 0 and report["selfie"]["cameras"] == 0


def test_a_practice_visit_ends_like_any_visit(app, demo):
    demo.post("/practice", data={"language": "id"})
    page = demo.post("/start-over", follow_redirects=True)
    assert main_attr(page, "data-step") == "welcome" and count(app, KioskSession) == 0
    demo.post("/practice", data={"language": "id"})
    with app.app_context():
        visit = db.session.scalars(select(KioskSession)).one()
        visit.updated_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    page = demo.get("/identify", follow_redirects=True)
    assert main_attr(page, "data-step") == "welcome" and count(app, KioskSession) == 0
    # Welcome's Start after practice is a real visit, never the practice one continued.
    demo.post("/practice", data={"language": "id"})
    start(demo)
    assert not the_visit(app).practice


# --- the demonstration ---------------------------------------------------------------------------


def script_of(page) -> dict:
    raw = re.search(r'data-demo-script="([^"]*)"', html(page)).group(1)
    return json.loads(unescape(raw))


def test_the_demonstration_page_writes_nothing(app, demo):
    before = counts(app)
    page = demo.get("/how-it-works?speed=9")
    assert main_attr(page, "data-step") == "how-it-works"
    assert main_attr(page, "data-practice") == "true" and "practice-band" in html(page)
    assert 'data-action="stop-demo"' in html(page) and 'data-testid="demo-finger"' in html(page)
    script = script_of(page)
    assert script["speed"] == 9 and script["number"] == PRACTICE_KPJ
    assert script["wrongDigit"] != script["number"][script["mistakeAt"]]  # one digit typed wrong
    assert set(script["clips"]) == {"mistake", "next", "end"}
    assert all(clip["src"].startswith("/voice/") for clip in script["clips"].values())
    assert count(app, KioskSession) == 0 and counts(app) == before
    assert script_of(demo.get("/how-it-works?speed=500"))["speed"] == 20


def test_the_demonstration_walks_a_practice_visit_and_stop_wipes_it(app, demo):
    page = demo.post("/how-it-works/begin", data={"language": "jv"}, follow_redirects=True)
    assert main_attr(page, "data-step") == "identify" and main_attr(page, "data-practice") == "true"
    visit = the_visit(app)
    assert visit.practice and visit.data["demo"] and visit.language == "jv"
    # The screen says the demonstration's words, not its own prompt.
    assert 'data-voice="how-it-works/identify"' in html(page)
    page = demo.post("/how-it-works/next", follow_redirects=True)  # nothing to skip here
    assert main_attr(page, "data-step") == "identify"
    demo.post("/identify", data={"number": PRACTICE_KPJ})
    page = demo.post("/birth-date", data={"birth_date": PRACTICE_BIRTH_DATE.isoformat()},
                     follow_redirects=True)
    assert 'data-voice="how-it-works/selfie"' in html(page)
    page = demo.post("/how-it-works/next", follow_redirects=True)  # no face to show: it goes on
    assert main_attr(page, "data-step") == "reason"  # which shows the balance
    assert 'data-voice="how-it-works/reason"' in html(page)
    page = demo.post("/how-it-works/stop", follow_redirects=True)
    assert main_attr(page, "data-step") == "welcome"
    assert count(app, KioskSession) == 0  # wiped, as after Start over
    assert counts(app) == {name: 0 for name in counts(app)}


def test_a_language_chosen_on_welcome_stays_for_practice_and_counts_nothing(app, demo):
    demo.post("/language", data={"language": "su"})
    chosen = the_visit(app)
    page = demo.post("/practice", data={"language": "su"}, follow_redirects=True)
    assert main_attr(page, "data-practice") == "true"
    visit = the_visit(app)
    assert visit.id == chosen.id and visit.practice and visit.language == "su"
    assert count(app, StepEvent) == 0  # no "replaced" visit, nothing else either
    demo.post("/start-over")
    demo.post("/language", data={"language": "jv"})
    demo.post("/how-it-works/begin", data={"language": "jv"})
    visit = the_visit(app)
    assert visit.practice and visit.data["demo"] and visit.language == "jv"
    assert count(app, StepEvent) == 0


def test_the_demonstrations_next_acts_only_on_its_own_selfie(app, demo):
    """A real visit at its selfie cannot use the demonstration's door past the camera."""
    who = person("age56")
    start(demo)
    page = identify(demo, who.kpj, who.birth_date)
    assert main_attr(page, "data-step") == "selfie"
    page = demo.post("/how-it-works/next", follow_redirects=True)
    assert main_attr(page, "data-step") == "selfie" and "identity" not in the_visit(app).data
    page = demo.post("/how-it-works/stop", follow_redirects=True)
    assert main_attr(page, "data-step") == "welcome"
    assert the_visit(app).participant_id is not None  # Stop of no demonstration ends nothing


def test_the_practice_visit_is_a_column_that_defaults_to_false(app):
    with app.app_context():
        visit = KioskSession(id="x" * 20, kiosk_id="K01", event_token="t", language="id",
                             step="welcome", data={})
        db.session.add(Kiosk(id="K01", code=1, name="Kiosk 1"))
        db.session.add(visit)
        db.session.commit()
        assert db.session.get(KioskSession, "x" * 20).practice is False


def test_the_practice_receipt_model_is_never_a_claim_receipt(app):
    with app.test_request_context():
        kept = {"masked_name": "Pe•• La•••", "masked_kpj": "12 3•• ••• 901",
                "reason": "retirement_age", "gross": 1000, "tax": 0, "net": 1000,
                "bank_name": "BRI", "account": "0012345"}
        model = receipts.practice_model(kept, "en", datetime(2026, 11, 23, 3, 0))
        paper = receipts.paper(model)
        assert paper.header[0] == receipts.PRACTICE_MARK and paper.qr == ""
        assert paper.number == receipts.PRACTICE_MARK
        assert paper.number_label == "This is only practice. Not a claim."
        assert dict(paper.rows)["When you are paid"] == "not paid, this is practice"
