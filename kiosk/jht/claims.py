"""Claim states and claim numbers.

A claim number is branch (4 digits) + kiosk (2) + sequence (5) + a Damm check digit = 12
digits. Branch and kiosk make it unique without a central server. Damm, not Luhn: Damm catches
every single-digit error and every adjacent transposition, Luhn misses 09 <-> 90.
"""

from __future__ import annotations

from enum import StrEnum

from .identifiers import CLAIM_NUMBER_LENGTH, is_ascii_digits, normalize_number


class ClaimState(StrEnum):
    """Name a claim's state; the values are the codes the kiosk uses."""

    queued = "queued"  # saved at the kiosk, not yet delivered to the core system
    submitted = "submitted"
    needs_staff = "needs_staff"
    approved = "approved"
    paid = "paid"
    rejected = "rejected"


# A claim in these states still holds the balance: no second claim may be taken on it.
OPEN_CLAIM_STATES: frozenset[ClaimState] = frozenset(
    {ClaimState.queued, ClaimState.submitted, ClaimState.needs_staff, ClaimState.approved}
)

ALLOWED_TRANSITIONS: dict[ClaimState, frozenset[ClaimState]] = {
    ClaimState.queued: frozenset({ClaimState.submitted, ClaimState.needs_staff}),
    ClaimState.submitted: frozenset(
        {ClaimState.approved, ClaimState.rejected, ClaimState.needs_staff}
    ),
    ClaimState.needs_staff: frozenset({ClaimState.approved, ClaimState.rejected}),
    ClaimState.approved: frozenset({ClaimState.paid}),
    ClaimState.paid: frozenset(),
    ClaimState.rejected: frozenset(),
}

BRANCH_CODE_LENGTH = 4
KIOSK_CODE_LENGTH = 2
SEQUENCE_LENGTH = 5
KIOSK_CODE_RANGE = range(1, 10**KIOSK_CODE_LENGTH)  # 1..99
SEQUENCE_RANGE = range(1, 10**SEQUENCE_LENGTH)  # 1..99999

# The weakly totally anti-symmetric quasigroup of order 10 from Damm (2004).
_DAMM_TABLE: tuple[tuple[int, ...], ...] = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def transition(current: ClaimState, new: ClaimState) -> ClaimState:
    """Return the new state if a claim may move there from current; else raise ValueError."""
    current, new = ClaimState(current), ClaimState(new)
    if new not in ALLOWED_TRANSITIONS[current]:
        raise ValueError(f"a claim cannot go from {current} to {new}")
    return new


def _damm_interim(digits: str) -> int:
    """Run digits through the Damm table and return the final interim digit."""
    if not is_ascii_digits(digits):
        raise ValueError("Damm works on ASCII digits only")
    interim = 0
    for ch in digits:
        interim = _DAMM_TABLE[interim][int(ch)]
    return interim


def damm_check_digit(digits: str) -> str:
    """Return the Damm check digit to append to digits."""
    return str(_damm_interim(digits))


def is_valid_damm(digits: str) -> bool:
    """Tell whether digits end in a correct Damm check digit."""
    return is_ascii_digits(digits) and _damm_interim(digits) == 0


def make_claim_number(branch_code: str, kiosk_code: int, sequence: int) -> str:
    """Build the 12-digit claim number for one kiosk's sequence number."""
    if len(branch_code) != BRANCH_CODE_LENGTH or not is_ascii_digits(branch_code):
        raise ValueError(f"branch code must be exactly {BRANCH_CODE_LENGTH} digits")
    _check_int("kiosk code", kiosk_code, KIOSK_CODE_RANGE)
    _check_int("sequence", sequence, SEQUENCE_RANGE)
    body = f"{branch_code}{kiosk_code:0{KIOSK_CODE_LENGTH}d}{sequence:0{SEQUENCE_LENGTH}d}"
    return body + damm_check_digit(body)


def _check_int(name: str, value: int, allowed: range) -> None:
    """Raise ValueError unless value is an int (not a bool) within allowed."""
    # bool is an int subclass; True would silently become kiosk 01.
    if not isinstance(value, int) or isinstance(value, bool) or value not in allowed:
        raise ValueError(f"{name} must be an integer from {allowed.start} to {allowed.stop - 1}")


def parse_claim_number(text: str) -> str | None:
    """Return the 12 digits of a typed claim number if it is well formed, else None."""
    digits = normalize_number(text)  # spaces, and dots or dashes as on other numbers
    if len(digits) != CLAIM_NUMBER_LENGTH or not is_valid_damm(digits):
        return None
    return digits
