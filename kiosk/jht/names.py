"""Comparing a bank account holder's name with the participant's name.

Bank records and e-KTPs write the same person differently: "H. Ahmad Sutrisno, S.E." on the
account, "AHMAD SUTRISNO" on the card. The names match when they are equal after ignoring case,
honorific and academic titles, punctuation and spacing. Nothing fuzzier: a different spelling is a
different name, and a person at the counter settles it (never a dead end for the participant).
"""

from __future__ import annotations

import re
import unicodedata

# Titles written before or after Indonesian names, compared without dots or spaces.
TITLES = frozenset({
    # religious and honorific
    "h", "hj", "haji", "hajjah", "kh", "ust", "ustadz", "bpk", "bapak", "ibu", "sdr", "sdri",
    "tn", "ny", "nn", "raden", "rr", "r", "ra", "rm",
    # academic and professional
    "dr", "drs", "dra", "ir", "prof", "se", "sh", "sked", "skom", "spd", "st", "ssos", "sag",
    "mm", "mba", "msi", "mt", "mkes", "mpd", "amd", "skm", "sip", "sap",
})

_SPLIT = re.compile(r"[\s,]+")


def _words(name: str) -> list[str]:
    """Return the name's words in lower case, without accents, punctuation or titles."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = []
    for part in _SPLIT.split(text):
        word = re.sub(r"[^a-z0-9]", "", part)
        if word and word not in TITLES:
            words.append(word)
    return words


def names_match(holder: str, participant: str) -> bool:
    """Tell whether an account holder's name is the participant's name (titles aside)."""
    # Spacing is ignored too: "Sri Wahyuni" and "SriWahyuni" are one name.
    holder_letters, participant_letters = "".join(_words(holder)), "".join(_words(participant))
    return bool(holder_letters) and holder_letters == participant_letters


def short_name(full_name: str) -> str:
    """The name as a person recognises it on a shared screen: the first name whole, the others as
    initials, in the case people write names ("BUDI SANTOSO" -> "Budi S.").

    Titles are left out ("H. Ahmad Sutrisno, S.E." -> "Ahmad S."); a one-word name is shown whole.
    The printed receipt keeps its stronger masking (kiosk.jht.mask_name): paper leaves the kiosk.
    """
    words = [word for word in _SPLIT.split(full_name.strip())
             if word and re.sub(r"[^a-z0-9]", "", _plain(word)) not in TITLES]
    words = [word for word in words if any(ch.isalnum() for ch in word)]
    if not words:
        return ""
    first = _capitalised(words[0])
    initials = " ".join(_capitalised(word)[0] + "." for word in words[1:])
    return f"{first} {initials}".strip()


def _plain(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()


def _capitalised(word: str) -> str:
    """"BUDI" -> "Budi", "siti-aminah" -> "Siti-Aminah", "O'NEIL" -> "O'Neil"."""
    word = word.strip(".,")
    return re.sub(r"[^\W\d_]+", lambda m: m.group()[0].upper() + m.group()[1:].lower(), word)
