"""Indonesian mobile numbers: one form (08...) for storing, a masked form for a shared screen."""
from __future__ import annotations

import re

MOBILE_DIGITS = (10, 13)  # in the 08... form
_SEPARATORS = re.compile(r"[\s\-.()]+")


def normalise_mobile(value: str) -> str:
    """Return an Indonesian mobile number in the 08... form, or raise ValueError."""
    compact = _SEPARATORS.sub("", value)
    if compact.startswith("+62"):
        compact = "0" + compact[3:]
    if not (compact.isascii() and compact.isdigit() and compact.startswith("08")
            and MOBILE_DIGITS[0] <= len(compact) <= MOBILE_DIGITS[1]):
        raise ValueError(value)
    return compact


def mask_mobile(number: str) -> str:
    """Show only the first four and last three digits: 0812 ••••• 890."""
    hidden = len(number) - 7
    return f"{number[:4]} {'•' * hidden} {number[-3:]}" if hidden > 0 else number
