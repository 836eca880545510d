"""The local core adapter: participants by number, claims with their outbox message, once."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from kiosk import claims
from kiosk.core import ClaimDraft, get_core
from kiosk.devices import default_kiosk
from kiosk.extensions import db
from kiosk.jht import is_valid_damm, parse_participant_number
from kiosk.models import Claim, OutboxMessage
from tests.helpers import TODAY, load_demo, person


def _draft(participant_id: int, key: str, needs_staff: bool = False) -> ClaimDraft:
    return ClaimDraft(idempotency_key=key, kiosk_id="K01", participant_id=participant_id,
                      reason="retirement_age", gross_amount=12_345_678, tax_amount=0,
                      net_amount=12_345_678, needs_staff=needs_staff,
                      expected_payment_date=date(2026, 11, 30), bank_name="BRI",
                      bank_account="1234567890", phone="081234567890")


@pytest.fixture
def core(app):
    load_demo(app)
    with app.app_context():
        default_kiosk()
        yield get_core()


def test_a_participant_is_found_by_kpj_and_by_nik_with_contributions(core):
    who = person("age56")
    by_kpj = core.find_participant(parse_participant_number(who.kpj, TODAY))
    by_nik = core.find_participant(parse_participant_number(who.nik, TODAY))
    assert by_kpj == by_nik and by_kpj.full_name == who.full_name
    assert by_kpj.balance == 12_345_678 and len(by_kpj.contributions) == 8
    assert core.find_participant(parse_participant_number("99999999999", TODAY)) is None


def test_a_claim_and_its_outbox_message_are_written_together(core):
    who = core.find_participant(parse_participant_number(person("age56").kpj, TODAY))
    receipt = claims.save(_draft(who.id, "key-1"))
    claim = db.session.scalars(select(Claim)).one()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert receipt.created and receipt.state == "queued" == claim.state
    assert message.idempotency_key == "key-1" and message.payload["claim_number"] == claim.number
    assert message.sent_at is None


def test_the_same_claim_submitted_twice_is_one_claim(core):
    who = core.find_participant(parse_participant_number(person("age56").kpj, TODAY))
    first = claims.save(_draft(who.id, "key-1"))
    second = claims.save(_draft(who.id, "key-1"))
    assert first.number == second.number and not second.created
    assert db.session.scalar(select(func.count()).select_from(Claim)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_claim_numbers_are_twelve_digits_with_a_check_digit_and_never_repeat(core):
    who = core.find_participant(parse_participant_number(person("age56").kpj, TODAY))
    numbers = []
    for i in range(5):
        numbers.append(claims.save(_draft(who.id, f"key-{i}")).number)
        db.session.execute(update(Claim).values(state="paid"))  # the balance is free again
    assert len(set(numbers)) == 5
    for sequence, number in enumerate(numbers, start=1):
        assert len(number) == 12 and is_valid_damm(number)
        assert number.startswith("0901" + "01") and int(number[6:11]) == sequence


def test_a_claim_above_the_limit_is_saved_as_needs_staff(core):
    who = core.find_participant(parse_participant_number(person("above_limit").kpj, TODAY))
    assert claims.save(_draft(who.id, "key-x", needs_staff=True)).state == "needs_staff"


def test_if_the_outbox_write_fails_the_claim_is_not_saved_either(core):
    who = core.find_participant(parse_participant_number(person("age56").kpj, TODAY))
    db.session.add(OutboxMessage(kind="other", idempotency_key="taken", payload={}))
    db.session.commit()
    with pytest.raises(IntegrityError):
        claims.save(_draft(who.id, "taken"))
    assert db.session.scalar(select(func.count()).select_from(Claim)) == 0


def test_a_participant_with_an_open_claim_cannot_claim_the_balance_again(core):
    who = core.find_participant(parse_participant_number(person("age56").kpj, TODAY))
    first = claims.save(_draft(who.id, "visit-1"))
    with pytest.raises(claims.ClaimInProgress) as refused:
        claims.save(_draft(who.id, "visit-2"))
    assert refused.value.claim.number == first.number and refused.value.claim.state == "queued"
    again = core.get_participant(who.id)
    assert [c.number for c in again.open_claims] == [first.number]
    assert again.facts().claim_in_progress
    assert db.session.scalar(select(func.count()).select_from(Claim)) == 1


@pytest.mark.parametrize("state, still_open", [
    ("queued", True), ("submitted", True), ("needs_staff", True), ("approved", True),
    ("paid", False), ("rejected", False)])
def test_only_a_paid_or_rejected_claim_frees_the_balance(core, state, still_open):
    who = core.find_participant(parse_participant_number(person("age56").kpj, TODAY))
    claims.save(_draft(who.id, "visit-1"))
    db.session.execute(update(Claim).values(state=state))
    db.session.commit()
    assert bool(core.open_claims(who.id)) is still_open
    if still_open:
        with pytest.raises(claims.ClaimInProgress):
            claims.save(_draft(who.id, "visit-2"))
    else:
        assert claims.save(_draft(who.id, "visit-2")).created


def test_the_database_refuses_a_second_open_claim_that_slipped_past_the_check(core, monkeypatch):
    """Two kiosks asking at the same moment both see no open claim; the index stops the second."""
    who = core.find_participant(parse_participant_number(person("age56").kpj, TODAY))
    claims.save(_draft(who.id, "visit-1"))
    seen = iter([(), core.open_claims(who.id)])  # the check before insert saw nothing
    monkeypatch.setattr(type(core), "open_claims", lambda self, pid: next(seen))
    with pytest.raises(claims.ClaimInProgress):
        claims.save(_draft(who.id, "visit-2"))
    assert db.session.scalar(select(func.count()).select_from(Claim)) == 1


def test_a_new_phone_number_waits_for_the_claim_to_be_accepted(core):
    who = core.find_participant(parse_participant_number(person("age56").kpj, TODAY))
    old_phone = who.phone
    draft = _draft(who.id, "visit-1")
    draft = type(draft)(**{**draft.__dict__, "phone": "081299990000", "phone_changed": True})
    claims.save(draft)
    assert core.get_participant(who.id).phone == old_phone  # not yet: queued
    claim = db.session.scalars(select(Claim)).one()
    assert claim.new_phone == "081299990000"
    claims.set_state(claim, "submitted")  # delivered to the core
    db.session.commit()
    assert core.get_participant(who.id).phone == "081299990000"
    assert claim.new_phone is None


def test_a_needs_staff_claims_new_phone_is_applied_only_when_staff_approve(core):
    who = core.find_participant(parse_participant_number(person("above_limit").kpj, TODAY))
    draft = _draft(who.id, "visit-1", needs_staff=True)
    draft = type(draft)(**{**draft.__dict__, "phone": "081299990000", "phone_changed": True})
    claims.save(draft)
    claim = db.session.scalars(select(Claim)).one()
    assert core.get_participant(who.id).phone == who.phone
    claims.set_state(claim, "approved")
    db.session.commit()
    assert core.get_participant(who.id).phone == "081299990000"


def test_a_rejected_claim_leaves_the_phone_on_file(core):
    who = core.find_participant(parse_participant_number(person("above_limit").kpj, TODAY))
    draft = _draft(who.id, "visit-1", needs_staff=True)
    draft = type(draft)(**{**draft.__dict__, "phone": "081299990000", "phone_changed": True})
    claims.save(draft)
    claims.set_state(db.session.scalars(select(Claim)).one(), "rejected")
    db.session.commit()
    assert core.get_participant(who.id).phone == who.phone
