"""Unit tests for kiosk.jht.claims."""

import pytest

from kiosk.jht.claims import (
    ALLOWED_TRANSITIONS,
    ClaimState,
    damm_check_digit,
    is_valid_damm,
    make_claim_number,
    parse_claim_number,
    transition,
)
from kiosk.jht.identifiers import group_number

# --- States -------------------------------------------------------------------------------

ALLOWED = {
    ("queued", "submitted"),
    ("queued", "needs_staff"),
    ("submitted", "approved"),
    ("submitted", "rejected"),
    ("submitted", "needs_staff"),
    ("needs_staff", "approved"),
    ("needs_staff", "rejected"),
    ("approved", "paid"),
}
ALL_PAIRS = [(a.value, b.value) for a in ClaimState for b in ClaimState]


def test_state_codes_are_the_contract_ones():
    assert [s.value for s in ClaimState] == [
        "queued",
        "submitted",
        "needs_staff",
        "approved",
        "paid",
        "rejected",
    ]


@pytest.mark.parametrize(("current", "new"), sorted(ALLOWED))
def test_allowed_transitions_return_the_new_state(current, new):
    assert transition(ClaimState(current), ClaimState(new)) is ClaimState(new)


@pytest.mark.parametrize(("current", "new"), sorted(set(ALL_PAIRS) - ALLOWED))
def test_other_transitions_are_refused(current, new):
    with pytest.raises(ValueError):
        transition(ClaimState(current), ClaimState(new))


def test_allowed_transitions_table_matches():
    table = {(a.value, b.value) for a, targets in ALLOWED_TRANSITIONS.items() for b in targets}
    assert table == ALLOWED
    assert ALLOWED_TRANSITIONS[ClaimState.paid] == frozenset()
    assert ALLOWED_TRANSITIONS[ClaimState.rejected] == frozenset()


def test_transition_accepts_plain_codes_and_refuses_unknown_ones():
    assert transition("queued", "submitted") is ClaimState.submitted
    with pytest.raises(ValueError):
        transition("queued", "lost")


# --- Damm ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "check"),
    [("572", "4"), ("5724", "0"), ("112946", "0"), ("0", "0"), ("1", "3")],
)
def test_damm_check_digit_known_values(digits, check):
    # 572 -> 4 is the worked example in Damm's paper and most references.
    assert damm_check_digit(digits) == check


def test_is_valid_damm():
    assert is_valid_damm("5724")
    assert not is_valid_damm("5723")
    assert not is_valid_damm("")
    assert not is_valid_damm("57a4")


def test_damm_refuses_non_digits():
    with pytest.raises(ValueError):
        damm_check_digit("12a")


SAMPLE = make_claim_number("0901", 1, 12345)


def single_digit_errors(number: str):
    """Yield every number that differs from number in exactly one digit."""
    for i, old in enumerate(number):
        for new in "0123456789":
            if new != old:
                yield number[:i] + new + number[i + 1 :]


def adjacent_transpositions(number: str):
    """Yield every number made by swapping two different adjacent digits."""
    for i in range(len(number) - 1):
        if number[i] != number[i + 1]:
            yield number[:i] + number[i + 1] + number[i] + number[i + 2 :]


def test_damm_catches_every_single_digit_error():
    wrong = list(single_digit_errors(SAMPLE))
    assert len(wrong) == 12 * 9
    assert not any(is_valid_damm(w) for w in wrong)


@pytest.mark.parametrize("number", [SAMPLE, "090190901902", make_claim_number("9090", 90, 90909)])
def test_damm_catches_every_adjacent_transposition(number):
    body = number[:-1]
    number = body + damm_check_digit(body)
    swapped = list(adjacent_transpositions(number))
    assert swapped
    assert not any(is_valid_damm(s) for s in swapped)


# --- Claim numbers ------------------------------------------------------------------------


def test_make_claim_number_layout():
    number = make_claim_number("0901", 7, 42)
    assert len(number) == 12
    assert number[:11] == "09010700042"
    assert number[11] == damm_check_digit("09010700042")
    assert is_valid_damm(number)
    assert group_number(number) == "0901 07 00042 " + number[11]


@pytest.mark.parametrize(
    ("kiosk", "sequence", "body"),
    [(1, 1, "12340100001"), (99, 99999, "12349999999")],
)
def test_make_claim_number_range_edges_are_accepted(kiosk, sequence, body):
    assert make_claim_number("1234", kiosk, sequence)[:11] == body


@pytest.mark.parametrize(
    ("branch", "kiosk", "sequence"),
    [
        ("123", 1, 1),  # branch too short
        ("12345", 1, 1),  # branch too long
        ("12a4", 1, 1),
        ("", 1, 1),
        ("１２３４", 1, 1),  # full-width digits
        ("1234", 0, 1),
        ("1234", 100, 1),
        ("1234", 1, 0),
        ("1234", 1, 100_000),
        ("1234", True, 1),  # a bool is not a kiosk code
        ("1234", "01", 1),
    ],
)
def test_make_claim_number_refuses_out_of_range_parts(branch, kiosk, sequence):
    with pytest.raises(ValueError):
        make_claim_number(branch, kiosk, sequence)


def test_parse_claim_number_accepts_the_printed_grouping():
    assert parse_claim_number(group_number(SAMPLE)) == SAMPLE
    assert parse_claim_number(f"  {SAMPLE} ") == SAMPLE


@pytest.mark.parametrize(
    "text",
    [
        "",
        SAMPLE[:-1],  # 11 digits
        SAMPLE + "0",  # 13 digits
        SAMPLE[:-1] + str((int(SAMPLE[-1]) + 1) % 10),  # wrong check digit
        SAMPLE[:5] + "x" + SAMPLE[6:],
    ],
)
def test_parse_claim_number_refuses_malformed_numbers(text):
    assert parse_claim_number(text) is None
