"""The on-screen keypad's server side, for browsers that run no script."""
from __future__ import annotations

from kiosk.jht.identifiers import is_ascii_digits

KEYS = tuple("1234567890") + ("del", "clear")
# Longer than any number the kiosk asks for (a bank account has 20 digits at most), so an entry cut
# here is still too long to pass, but a pasted megabyte is never echoed back or spoken.
ENTRY_MAX_DIGITS = 32


def digits_only(text: str) -> str:
    """Keep the ASCII digits of an entry; cards print spaces and dots between groups."""
    # Not str.isdigit: it also keeps '²' and '٣', which int() refuses or misreads.
    return "".join(ch for ch in text if is_ascii_digits(ch))[:ENTRY_MAX_DIGITS]


def whole_number(text: str | None, max_digits: int) -> int | None:
    """Return a short run of ASCII digits as a number, or None for anything else."""
    # The length first: int() refuses more than 4300 digits with a ValueError.
    if not text or len(text) > max_digits or not is_ascii_digits(text):
        return None
    return int(text)


def apply_key(entry: str, key: str, max_length: int) -> str:
    """Return the entry after one key press: a digit appends (up to max_length), del, clear."""
    entry = digits_only(entry)
    if key == "del":
        return entry[:-1]
    if key == "clear":
        return ""
    if len(key) == 1 and is_ascii_digits(key) and len(entry) < max_length:
        return entry + key
    return entry
