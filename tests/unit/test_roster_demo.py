"""Unit tests for kiosk.roster.demo: the demo set is valid and shows what it claims, any day."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk.jht.dates import add_months, age_on, full_years_between
from kiosk.jht.eligibility import ParticipantFacts, Reason, reason_statuses
from kiosk.jht.identifiers import parse_nik
from kiosk.jht.policy import Policy
from kiosk.jht.tax import uses_final_rate
from kiosk.roster.csv_import import parse_contributions, parse_participants
from kiosk.roster.demo import (
    DEMO_KEYS,
    DEMO_PEOPLE,
    demo_csv,
    demo_people,
    demo_person,
    make_nik,
    write_demo,
)

DAYS = [
    date(2026, 11, 23),  # the tests' KIOSK_TODAY
    date(2028, 2, 29),  # leap day
    date(2027, 2, 28),
    date(2028, 3, 1),
    date(2026, 12, 31),
    date(2027, 1, 1),
    date(2027, 3, 31),  # "two months ago" lands on 31 January
    date(2028, 4, 29),  # "two months ago" lands on 29 February
    date(2030, 5, 31),
]
KEYS = ("age56", "resigned", "resigned_waiting", "phk", "contract_end", "bpu", "partial",
        "above_limit", "partial_taken", "nik_mismatch")


def person(key: str, today: date):
    return demo_person(key, today)


def facts(p) -> ParticipantFacts:
    return ParticipantFacts(birth_date=p.birth_date, membership_start=p.membership_start,
                            employment_status=p.employment_status,
                            employment_end=p.employment_end, balance=p.balance,
                            partial_taken=p.partial_taken)


def status(p, reason: Reason, today: date):
    return next(s for s in reason_statuses(facts(p), today) if s.reason is reason)


def test_the_demo_set_has_one_person_per_situation_with_stable_keys():
    assert DEMO_KEYS == KEYS
    assert tuple(p.key for p in DEMO_PEOPLE) == KEYS


def test_keys_and_kpjs_do_not_move_with_the_date():
    first = [(p.key, p.kpj) for p in demo_people(DAYS[0])]
    for today in DAYS[1:]:
        assert [(p.key, p.kpj) for p in demo_people(today)] == first


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_GIVEN_any_day_WHEN_the_demo_csv_is_parsed_THEN_it_has_no_errors(today):
    participants, contributions = demo_csv(today)

    rows, errors = parse_participants(participants, Path("."), today)
    contribution_rows, contribution_errors = parse_contributions(contributions, today)

    assert errors == []
    assert contribution_errors == []
    people = demo_people(today)
    assert [(r.kpj, r.nik, r.birth_date, r.full_name, r.balance) for r in rows] == [
        (p.kpj, p.nik, p.birth_date, p.full_name, p.balance) for p in people
    ]
    assert all(r.photo is None for r in rows)
    assert "photo" in participants.splitlines()[0].split(",")
    # Every contribution belongs to a demo person.
    assert {c.kpj for c in contribution_rows} <= {p.kpj for p in people}


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_niks_agree_with_birth_date_and_gender_except_the_mismatch(today):
    for p in demo_people(today):
        info = parse_nik(p.nik, today)
        assert info.gender == p.gender, p.key
        assert info.province in {"31", "32", "33", "34", "35", "36"}, p.key
        if p.key == "nik_mismatch":
            assert info.birth_date == p.birth_date + timedelta(days=1)
        else:
            assert info.birth_date == p.birth_date, p.key


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_every_demo_person_is_in_the_situation_it_claims(today):
    age56 = person("age56", today)
    assert age56.gender == "M" and age56.employment_status == "retired"
    assert age_on(age56.birth_date, today) == 56
    assert age_on(age56.birth_date, add_months(today, -2) - timedelta(days=1)) == 55
    assert age56.balance == 12_345_678 and age56.bank_name == "BRI"
    assert full_years_between(age56.membership_start, today) == 20
    assert [year for year, _ in age56.contributions] == list(range(today.year - 8, today.year))
    assert status(age56, Reason.retirement_age, today).why == "ok"

    resigned = person("resigned", today)
    assert resigned.gender == "F" and age_on(resigned.birth_date, today) == 38
    assert resigned.employment_end == add_months(today, -2)
    assert resigned.balance == 8_450_000
    assert full_years_between(resigned.membership_start, today) == 9
    assert status(resigned, Reason.resignation, today).why == "ok"
    assert status(resigned, Reason.partial_10, today).why == "membership_under_10_years"

    waiting = person("resigned_waiting", today)
    assert waiting.gender == "M" and waiting.employment_status == "resigned"
    assert waiting.employment_end == today - timedelta(days=10)
    assert waiting.balance == 6_200_000
    assert status(waiting, Reason.resignation, today).why == "waiting_period"

    phk = person("phk", today)
    assert phk.gender == "M" and phk.employment_status == "terminated"
    assert phk.employment_end == today - timedelta(days=40)
    assert phk.balance == 14_999_999
    assert status(phk, Reason.termination, today).why == "ok"
    assert status(phk, Reason.termination, today).self_service

    contract = person("contract_end", today)
    assert contract.gender == "F" and contract.employment_status == "contract_end"
    assert contract.employment_end == today - timedelta(days=5)
    assert contract.balance == 3_750_000
    assert status(contract, Reason.contract_end, today).why == "ok"

    bpu = person("bpu", today)
    assert bpu.gender == "M" and bpu.employment_status == "bpu_stopped"
    assert bpu.balance == 2_100_000 and bpu.contributions == ()
    assert status(bpu, Reason.bpu_stopped, today).why == "ok"

    partial = person("partial", today)
    assert partial.gender == "F" and partial.employment_status == "active"
    assert partial.employment_end is None and partial.partial_taken is None
    assert full_years_between(partial.membership_start, today) == 12
    assert partial.balance == 45_000_000
    assert status(partial, Reason.partial_10, today).why == "ok"

    above = person("above_limit", today)
    assert above.gender == "M" and age_on(above.birth_date, today) == 57
    assert above.employment_status == "retired" and above.balance == 75_500_000
    assert above.balance > Policy().self_service_limit
    assert above.balance > Policy().tax_free_lump_sum
    assert status(above, Reason.retirement_age, today).why == "above_self_service_limit"

    taken = person("partial_taken", today)
    assert taken.gender == "M" and taken.employment_status == "resigned"
    assert taken.employment_end == add_months(today, -3)
    assert full_years_between(taken.partial_taken, today) == 3
    assert taken.balance == 62_000_000
    assert not uses_final_rate(today, taken.partial_taken, is_partial=False)
    assert status(taken, Reason.partial_10, today).why == "partial_already_taken"

    mismatch = person("nik_mismatch", today)
    assert mismatch.gender == "F" and mismatch.employment_status == "active"
    assert mismatch.balance == 5_000_000


def test_only_one_person_has_a_titled_bank_holder():
    titled = [p for p in demo_people(DAYS[0]) if p.bank_holder != p.full_name]
    assert [(p.full_name, p.bank_holder) for p in titled] == [("Ahmad Sutrisno", "H. Ahmad Sutrisno")]
    participants, _ = demo_csv(DAYS[0])
    rows, _ = parse_participants(participants, Path("."), DAYS[0])
    assert {r.bank_holder for r in rows if r.full_name == "Ahmad Sutrisno"} == {"H. Ahmad Sutrisno"}


def test_kpjs_and_niks_are_unique_and_of_the_right_length():
    people = demo_people(DAYS[0])
    assert len({p.kpj for p in people}) == len({p.nik for p in people}) == len(people)
    assert all(len(p.kpj) == 11 and p.kpj.isdigit() for p in people)
    assert all(len(p.nik) == 16 and p.nik.isdigit() for p in people)


def test_make_nik_adds_40_to_a_womans_day():
    assert make_nik(("33", "74", "05"), date(1988, 6, 19), "F", 7) == "3374055906880007"
    assert make_nik(("33", "74", "05"), date(1988, 6, 19), "M", 7) == "3374051906880007"
    with pytest.raises(ValueError):
        make_nik(("33", "74", "05"), date(1988, 6, 19), "M", 0)


def test_write_demo_writes_both_files(tmp_path):
    participants_path, contributions_path = write_demo(tmp_path / "demo", DAYS[0])
    assert (participants_path.read_text(encoding="utf-8"),
            contributions_path.read_text(encoding="utf-8")) == demo_csv(DAYS[0])
    assert participants_path.parent == tmp_path / "demo"
