"""The claim steps from reason to survey, through the Flask client.

After the selfie the reason screen shows the balance; the amount screen confirms the amount, the
account and the phone together (its "Ganti" buttons lead to the bank and phone screens and back).
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from kiosk.i18n import LANGUAGES
from kiosk import claims as kiosk_claims
from kiosk.extensions import db
from kiosk.jht import Policy, claim_amount, estimate_tax, reason_statuses
from kiosk.jht.eligibility import ParticipantFacts
from kiosk.models import Capture, Claim, KioskSession, OutboxMessage, Participant, StepEvent
from tests import paperkit
from tests.helpers import (
    TODAY,
    load_demo,
    main_attr,
    person,
    post_frame,
    recognised,
    show_papers,
    start,
)


@pytest.fixture
def demo(app, client):
    load_demo(app)
    return client


def html(response) -> str:
    return response.get_data(as_text=True)


def to_reason(client, key: str):
    """Start, be recognised: the reason screen (with the balance) is the next one."""
    who = person(key)
    start(client)
    page = recognised(client, who.kpj, who.birth_date)
    assert main_attr(page, "data-step") == "reason"
    return page


def to_review(client, key: str, reason: str, papers: str = "all"):
    """Walk from welcome to the review screen: the reason, Ya benar, the papers."""
    to_reason(client, key)
    client.post("/reason", data={"reason": reason})
    client.post("/amount")
    page = client.get("/documents", follow_redirects=True)
    if main_attr(page, "data-step") == "documents":
        if papers == "all":
            for doc in re.findall(r'data-choice="have-([a-z_]+)"', html(page)):
                client.post("/documents", data={"toggle": doc})
        page = show_papers(client, client.post("/documents", data={"done": "1"},
                                               follow_redirects=True))
    assert main_attr(page, "data-step") == "review"
    return page


def submit(client):
    return client.post("/review", follow_redirects=True)


def claims(app) -> list[Claim]:
    with app.app_context():
        return db.session.scalars(select(Claim).order_by(Claim.id)).all()


def facts(key: str) -> ParticipantFacts:
    who = person(key)
    return ParticipantFacts(birth_date=who.birth_date, membership_start=who.membership_start,
                            employment_status=who.employment_status,
                            employment_end=who.employment_end, balance=who.balance,
                            partial_taken=who.partial_taken)


# --- reason -------------------------------------------------------------------------------------

def test_only_reasons_that_apply_now_are_choices_and_death_is_information(demo):
    page = html(to_reason(demo, "resigned_waiting"))
    choices = set(re.findall(r'data-choice="([a-z_0-9]+)"', page)) - set(LANGUAGES)
    expected = {s.reason.value for s in reason_statuses(facts("resigned_waiting"), TODAY)
                if s.available}
    assert choices == expected and "resignation" not in choices
    assert "Berhenti kerja (mengundurkan diri): bisa diambil mulai 13 Desember 2026" in page
    assert "keluarganya mengurus klaim" in page and 'data-choice="death"' not in page


def test_the_reason_screen_shows_the_balance_the_first_name_and_each_years_amount(demo):
    who = person("age56")
    page = html(to_reason(demo, "age56"))
    assert 'data-testid="balance">Rp12.345.678<' in page
    # The first name whole, the rest as initials: recognisable, not the whole name.
    assert 'data-testid="name">Budi S.<' in page and who.full_name not in page
    assert "JHT adalah tabungan hari tua Anda." in page
    # The chart: each year's amount (in millions) on the bars, in full in the table.
    year, amount = who.contributions[-1]
    assert f'class="bar-label">{year}<' in page
    assert f'class="bar-amount">{amount / 1_000_000:.1f}<'.replace(".", ",") in page
    assert f"<th scope=\"row\">{year}</th><td>Rp{amount:,}</td>".replace(",", ".") in page
    # Nothing to decide on the balance alone: its address leads to the reason.
    answer = demo.get("/balance")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/reason")


@pytest.mark.parametrize("size_taps", [1, 2])  # 125 %, 150 %
def test_at_larger_text_the_balance_has_its_own_screen_and_the_reasons_theirs(demo, size_taps):
    """The balance and five reasons do not fit one screen at larger text: Lanjut between them."""
    who = person("age56")
    start(demo)
    for _ in range(size_taps):
        demo.post("/text-size")
    page = recognised(demo, who.kpj, who.birth_date)
    assert main_attr(page, "data-step") == "balance"
    assert 'data-testid="balance">Rp12.345.678<' in html(page) and 'data-testid="name">Budi S.<' in html(page)
    assert 'class="bar-label"' in html(page) and 'data-action="next"' in html(page)
    assert 'data-voice="balance"' in html(page)
    page = demo.post("/balance", follow_redirects=True)
    assert main_attr(page, "data-step") == "reason"
    assert 'data-testid="balance"' not in html(page) and 'data-choice="retirement_age"' in html(page)
    assert 'data-voice="reason/apart"' in html(page)
    assert main_attr(demo.post("/back", follow_redirects=True), "data-step") == "balance"
    # Back at 100 %, the reason screen shows the balance again, and /balance leads to it.
    for _ in range(3 - size_taps):
        demo.post("/text-size")
    answer = demo.get("/balance")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/reason")


def test_the_reports_still_see_the_balance_reached(app, demo):
    from kiosk.staff.reports import compute

    to_reason(demo, "age56")
    with app.app_context():
        events = db.session.scalars(select(StepEvent).order_by(StepEvent.id)).all()
        assert ("balance", "shown_on_reason") in [(e.step, e.outcome) for e in events]
        funnel = dict(compute(TODAY.replace(year=2000), events[-1].at.date(), None)["funnel"])
    assert funnel["balance"] == funnel["selfie"] == 1


def test_a_reason_that_does_not_apply_cannot_be_posted(demo):
    to_reason(demo, "resigned_waiting")
    page = demo.post("/reason", data={"reason": "resignation"}, follow_redirects=True)
    assert main_attr(page, "data-step") == "reason"


# --- amount -------------------------------------------------------------------------------------

@pytest.mark.parametrize("key, reason", [("age56", "retirement_age"), ("above_limit",
                                         "retirement_age"), ("partial", "partial_10"),
                                         ("partial_taken", "resignation")])
def test_the_amount_shows_gross_estimated_tax_and_net_from_the_rules(demo, key, reason):
    to_reason(demo, key)
    page = html(demo.post("/reason", data={"reason": reason}, follow_redirects=True))
    gross = claim_amount(reason, facts(key), Policy())
    tax = estimate_tax(gross, TODAY, person(key).partial_taken, reason.startswith("partial"))
    rupiah = lambda n: "Rp" + f"{n:,}".replace(",", ".")  # noqa: E731
    assert f'data-testid="net-amount">{rupiah(tax.net)}<' in page
    # Where there is a tax: what is taken, the tax (an estimate, said once), what is left.
    assert ("Potongan pajak, kira-kira" in page) == (tax.tax > 0)
    assert ("Pajak yang pasti dihitung saat uang dikirim." in page) == (tax.tax > 0)
    if tax.tax:
        assert rupiah(gross) in page and rupiah(tax.tax) in page
    if key == "above_limit":
        assert tax.tax == (75_500_000 - 50_000_000) * 5 // 100
    if key == "partial_taken":
        assert tax.method == "progressive" and tax.tax > 0


def test_the_net_amount_is_also_in_words(demo):
    to_reason(demo, "age56")
    page = html(demo.post("/reason", data={"reason": "retirement_age"}, follow_redirects=True))
    assert "Dua belas juta tiga ratus empat puluh lima ribu enam ratus tujuh puluh delapan " \
           "rupiah" in page


# --- the amount screen: amount, account and phone confirmed together ------------------------------

def test_the_amount_screen_shows_where_the_money_and_the_sms_go_and_ya_benar_goes_on(app, demo):
    who = person("age56")
    to_reason(demo, "age56")
    page = html(demo.post("/reason", data={"reason": "retirement_age"}, follow_redirects=True))
    assert f"BRI •••• {who.bank_account[-4:]}" in page
    assert f"0812 ••••• {who.phone[-3:]}" in page and who.phone not in page
    assert 'data-action="next">Ya, benar<' in page
    assert page.count('data-action="change"') == 2
    assert ">Ganti rekening<" in page and ">Ganti nomor HP<" in page
    review = demo.post("/amount", follow_redirects=True)
    assert main_attr(review, "data-step") == "review"  # no papers beyond the cards
    with app.app_context():
        visit = db.session.scalars(select(KioskSession)).one()
        assert visit.data["bank"] == {"choice": "keep", "holder": "ok"}
        assert visit.data["phone"] == {}
        outcomes = db.session.scalars(select(StepEvent.outcome).order_by(StepEvent.id)).all()
    # The account and the phone are recorded as confirmed, as on their own screens before.
    assert outcomes[-3:] == ["bank_ok", "phone_keep", "next"]


def test_ganti_rekening_changes_the_account_and_comes_back_to_the_amount_screen(app, demo):
    to_reason(demo, "age56")
    demo.post("/reason", data={"reason": "retirement_age"})
    demo.post("/amount", data={"change": "bank"})
    demo.post("/bank", data={"bank_name": "BNI"})
    page = demo.post("/bank", data={"account": "1234567"}, follow_redirects=True)
    assert main_attr(page, "data-state") == "holder"  # an account nobody has on file
    page = demo.post("/bank", data={"confirm": "1"}, follow_redirects=True)
    assert main_attr(page, "data-step") == "amount" and "BNI •••• 4567" in html(page)
    # Changed again: the entry starts from the new account typed before.
    page = demo.post("/amount", data={"change": "bank"}, follow_redirects=True)
    page = demo.post("/bank", data={"bank_name": "BNI"}, follow_redirects=True)
    assert 'value="1234567"' in html(page) or "1234567" in html(page)
    demo.post("/back")
    demo.post("/back")
    demo.post("/amount")
    submit(demo)
    claim = claims(app)[0]
    assert (claim.bank_name, claim.bank_account) == ("BNI", "1234567")
    assert claim.details["staff_reasons"] == ["bank_unverified"]


def test_the_progress_counts_the_screens_a_participant_sees(demo):
    page = html(to_reason(demo, "age56"))
    assert "Langkah 4 dari 7" in page
    page = html(demo.post("/reason", data={"reason": "retirement_age"}, follow_redirects=True))
    assert "Langkah 5 dari 7" in page
    page = html(demo.post("/amount", data={"change": "phone"}, follow_redirects=True))
    assert "Langkah 5 dari 7" in page  # the phone is part of the amount screen's step


# --- bank ---------------------------------------------------------------------------------------

def test_a_titled_holder_name_on_file_is_the_participant(app, demo):
    to_review(demo, "phk", "termination")
    submit(demo)
    assert claims(app)[0].state == "queued"


def test_an_account_of_someone_else_goes_to_staff_not_a_dead_end(app, demo):
    other = person("resigned")
    to_reason(demo, "age56")
    demo.post("/reason", data={"reason": "retirement_age"})
    page = demo.post("/amount", data={"change": "bank"}, follow_redirects=True)
    assert (main_attr(page, "data-step"), main_attr(page, "data-state")) == ("bank", "bank-list")
    demo.post("/bank", data={"bank_name": other.bank_name})
    page = demo.post("/bank", data={"account": other.bank_account}, follow_redirects=True)
    assert main_attr(page, "data-state") == "holder"
    assert "Nama di rekening tidak sama dengan nama Anda" in html(page)
    page = demo.post("/bank", data={"confirm": "1"}, follow_redirects=True)
    # Back to the amount screen, which shows the new account and why staff will check it.
    assert main_attr(page, "data-step") == "amount"
    assert f"{other.bank_name} •••• {other.bank_account[-4:]}" in html(page)
    assert "Nama di rekening tidak sama dengan nama Anda" in html(page)
    page = demo.post("/amount", follow_redirects=True)
    assert main_attr(page, "data-step") == "review"
    receipt = html(submit(demo))
    claim = claims(app)[0]
    assert claim.state == "needs_staff" and claim.details["staff_reasons"] == ["bank_holder"]
    assert (claim.bank_name, claim.bank_account) == (other.bank_name, other.bank_account)
    assert "setelah diperiksa petugas" in receipt


def test_an_account_number_of_the_wrong_length_is_refused_in_plain_words(demo):
    to_reason(demo, "age56")
    demo.post("/reason", data={"reason": "retirement_age"})
    demo.post("/amount", data={"change": "bank"})
    demo.post("/bank", data={"bank_name": "BRI"})
    page = demo.post("/bank", data={"account": "12345"})
    assert page.status_code == 422 and "6 sampai 20 angka" in html(page)


def test_back_within_the_bank_step_undoes_one_screen_at_a_time(demo):
    to_reason(demo, "age56")
    demo.post("/reason", data={"reason": "retirement_age"})
    demo.post("/amount", data={"change": "bank"})
    demo.post("/bank", data={"bank_name": "BRI"})
    assert main_attr(demo.post("/back", follow_redirects=True), "data-state") == "bank-list"
    # Back from the list of banks: the amount screen the change began on, account unchanged.
    page = demo.post("/back", follow_redirects=True)
    assert main_attr(page, "data-step") == "amount"
    assert f"BRI •••• {person('age56').bank_account[-4:]}" in html(page)


# --- phone --------------------------------------------------------------------------------------

def test_a_new_phone_number_is_checked_and_saved_with_the_claim_until_it_is_accepted(app, demo):
    to_reason(demo, "age56")
    demo.post("/reason", data={"reason": "retirement_age"})
    page = demo.post("/amount", data={"change": "phone"}, follow_redirects=True)
    assert (main_attr(page, "data-step"), main_attr(page, "data-state")) == ("phone", "entry")
    bad = demo.post("/phone", data={"number": "0712345678"})
    assert bad.status_code == 422 and "dimulai dengan 08" in html(bad)
    page = demo.post("/phone", data={"number": "0813 1111 2222"}, follow_redirects=True)
    assert main_attr(page, "data-step") == "amount" and "0813 ••••• 222" in html(page)
    page = demo.post("/amount", follow_redirects=True)
    assert main_attr(page, "data-step") == "review" and "081311112222" in html(page)
    submit(demo)
    with app.app_context():
        claim = db.session.scalars(select(Claim)).one()
        assert claim.phone == "081311112222" and claim.new_phone == "081311112222"
        # The record on file changes only once the claim is accepted (kiosk.claims), so the
        # next visit still offers the number on file as "my number".
        assert db.session.get(Participant, claim.participant_id).phone == "081225560001"
        kiosk_claims.set_state(claim, "submitted")
        db.session.commit()
        assert db.session.get(Participant, claim.participant_id).phone == "081311112222"
        message = db.session.scalars(select(OutboxMessage)).one()
        assert message.payload["phone_changed"] is True


# --- documents ----------------------------------------------------------------------------------

def test_papers_are_asked_only_when_the_reason_needs_more_than_the_cards(demo):
    to_review(demo, "age56", "retirement_age")  # asserts it reached the review
    page = to_reason(demo, "resigned")
    demo.post("/reason", data={"reason": "resignation"})
    page = demo.post("/amount", follow_redirects=True)
    assert main_attr(page, "data-step") == "documents"
    assert re.findall(r'data-choice="(have-[a-z_]+)"', html(page)) == ["have-resignation_letter"]
    toggled = demo.post("/documents", data={"toggle": "resignation_letter"},
                        headers={"HX-Request": "true"})
    assert toggled.status_code == 200 and 'aria-pressed="true"' in html(toggled)


def test_missing_papers_mark_the_claim_for_staff_but_do_not_block_it(app, demo):
    review = html(to_review(demo, "resigned", "resignation", papers="none"))
    assert "0 dari 1 surat" in review and " / " not in review.split('class="review"')[1]
    page = html(submit(demo))
    claim = claims(app)[0]
    assert claim.state == "needs_staff" and claim.details["staff_reasons"] == ["documents_missing"]
    assert "Ada surat yang belum Anda bawa" in page


def _to_paper_camera(client):
    to_reason(client, "resigned")
    client.post("/reason", data={"reason": "resignation"})
    client.post("/amount")
    client.post("/documents", data={"toggle": "resignation_letter"})
    page = client.post("/documents", data={"done": "1"}, follow_redirects=True)
    assert main_attr(page, "data-step") == "documents" and main_attr(page, "data-state") == "camera"
    return page


def test_a_paper_held_up_to_the_camera_is_straightened_shown_back_and_attached_for_staff(
        app, demo):
    _to_paper_camera(demo)
    assert post_frame(demo, "/documents/frame", paperkit.page_frame(scale=0.35))["advice"] \
        == "closer"
    frame = paperkit.page_frame(angle=8, tilt=15)
    answers = [post_frame(demo, "/documents/frame", frame) for _ in range(6)]
    assert answers[-1]["state"] == "check"
    page = demo.get("/documents")
    assert main_attr(page, "data-state") == "check" and 'data-action="take-again"' in html(page)
    swap = demo.get("/documents", headers={"HX-Request": "true"})  # the block htmx swaps in
    assert swap.status_code == 200 and main_attr(swap, "data-state") == "check"
    photo = demo.get("/documents/photo")
    assert photo.mimetype == "image/jpeg" and photo.headers["Cache-Control"] == "no-store"
    assert photo.data[:2] == b"\xff\xd8"
    again = demo.post("/documents/check", data={"answer": "again"}, follow_redirects=True)
    assert main_attr(again, "data-state") == "camera"
    review = show_papers(demo, again, frame)
    assert main_attr(review, "data-step") == "review"
    submit(demo)
    claim = claims(app)[0]
    assert claim.state != "needs_staff" and claim.details["documents_photographed"] == [
        "resignation_letter"]
    with app.app_context():
        kept = db.session.scalars(select(Capture)).all()
        assert [(c.kind, c.document, c.claim_id) for c in kept if c.kind == "document"] == [
            ("document", "resignation_letter", claim.id)]
    demo.post("/start-over")  # the paper stays with the claim for staff
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Capture).where(
            Capture.kind == "document")) == 1


def test_a_paper_that_cannot_be_shown_still_lets_the_claim_go_to_staff(app, demo):
    _to_paper_camera(demo)
    page = demo.post("/documents/skip", data={"problem": "refused"}, follow_redirects=True)
    assert main_attr(page, "data-step") == "review"
    submit(demo)
    claim = claims(app)[0]
    assert claim.state == "needs_staff" and claim.details["staff_reasons"] == ["documents_missing"]


# --- review, submit, receipt, survey -------------------------------------------------------------

def test_change_on_the_review_returns_to_that_step_then_straight_back(demo):
    to_review(demo, "age56", "retirement_age")
    page = demo.post("/review/change", data={"step": "phone"}, follow_redirects=True)
    assert main_attr(page, "data-step") == "phone"
    back = demo.post("/phone", data={"choice": "keep"}, follow_redirects=True)
    assert main_attr(back, "data-step") == "review"


def test_submitting_twice_makes_one_claim_and_the_same_receipt(app, demo):
    to_review(demo, "age56", "retirement_age")
    first = html(submit(demo))
    second = html(submit(demo))
    number = re.search(r'data-testid="claim-number">([\d ]+)<', first).group(1)
    assert number in second
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Claim)) == 1
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_a_queued_claim_promises_five_working_days(app, demo):
    to_review(demo, "age56", "retirement_age")
    page = html(submit(demo))
    assert claims(app)[0].state == "queued"
    assert "30 November 2026 atau lebih cepat" in page  # Mon 23 Nov + 5 working days


@pytest.mark.parametrize("key, reason, staff_reason", [
    ("above_limit", "retirement_age", "above_limit"),
    ("partial", "partial_30", "finish_with_staff"),
    ("age56", "disability", "finish_with_staff"),
    ("age56", "leaving_indonesia", "finish_with_staff"),
])
def test_claims_staff_must_finish_are_still_taken_whole(app, demo, key, reason, staff_reason):
    to_review(demo, key, reason)
    page = html(submit(demo))
    claim = claims(app)[0]
    assert claim.state == "needs_staff" and claim.details["staff_reasons"] == [staff_reason]
    assert claim.expected_payment_date is None
    assert "setelah diperiksa petugas" in page and "menelepon Anda" in page


def test_the_receipt_has_no_way_back_into_the_claim(demo):
    to_review(demo, "age56", "retirement_age")
    submit(demo)
    assert main_attr(demo.post("/back", follow_redirects=True), "data-step") == "receipt"
    assert main_attr(demo.get("/review", follow_redirects=True), "data-step") == "receipt"


def test_the_survey_records_a_score_and_wipes_the_visit(app, demo):
    to_review(demo, "age56", "retirement_age")
    submit(demo)
    demo.post("/receipt")
    page = demo.post("/survey", data={"score": "5"}, follow_redirects=True)
    assert main_attr(page, "data-step") == "welcome"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(KioskSession)) == 0
        outcomes = db.session.scalars(select(StepEvent.outcome)).all()
        assert "score_5" in outcomes and "submitted_queued" in outcomes


def test_skipping_the_survey_also_wipes_the_visit(app, demo):
    to_review(demo, "age56", "retirement_age")
    submit(demo)
    demo.post("/receipt")
    demo.post("/survey", data={})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(KioskSession)) == 0
        assert "skipped" in db.session.scalars(select(StepEvent.outcome)).all()


def test_changing_to_a_reason_without_papers_returns_to_the_review(demo):
    to_review(demo, "age56", "disability")
    demo.post("/review/change", data={"step": "reason"})
    page = demo.post("/reason", data={"reason": "retirement_age"}, follow_redirects=True)
    assert main_attr(page, "data-step") == "review"
    assert "Usia 56 tahun" in html(page) and "Surat yang dibawa" not in html(page)


# --- the birth date's parts ----------------------------------------------------------------------

def test_a_part_of_the_birth_date_tapped_again_is_chosen_again_and_the_others_are_kept(demo):
    who = person("age56")
    start(demo)
    demo.post("/identify", data={"number": who.kpj})
    demo.post("/birth-date", data={"day": "5"})
    page = demo.post("/birth-date", data={"month": "3"})
    assert main_attr(page, "data-state") == "year"
    assert 'data-action="fix-day"' in html(page) and 'data-action="fix-month"' in html(page)
    page = demo.post("/birth-date", data={"fix": "day"})
    assert main_attr(page, "data-state") == "day"
    assert 'data-action="fix-month"' in html(page) and 'data-action="fix-day"' not in html(page)
    page = demo.post("/birth-date", data={"day": str(who.birth_date.day)})
    assert main_attr(page, "data-state") == "year"  # the month chosen before is kept
    demo.post("/birth-date", data={"fix": "month"})
    demo.post("/birth-date", data={"month": str(who.birth_date.month)})
    page = demo.post("/birth-date", data={"year": str(who.birth_date.year)},
                     follow_redirects=True)
    assert main_attr(page, "data-step") == "selfie"  # the right pair
    # A part not chosen yet cannot be "fixed"; the posted ISO date still works (CONTRACT.md).
    start(demo)
    demo.post("/identify", data={"number": who.kpj})
    assert main_attr(demo.post("/birth-date", data={"fix": "month"}), "data-state") == "day"
    page = demo.post("/birth-date", data={"birth_date": who.birth_date.isoformat()},
                     follow_redirects=True)
    assert main_attr(page, "data-step") == "selfie"
