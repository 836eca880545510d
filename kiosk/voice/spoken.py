"""How dynamic facts are spoken: amounts, dates and long numbers, as words for the voice.

Numbers are spelled by num2words, never by hand. Javanese and Sundanese screens are spoken by
the Indonesian voice (see kiosk.voice.VOICES), so their numbers are Indonesian words; month names
come from Babel's locale for the language (Sundanese has its own spellings, e.g. "Nopémber").

    amount_words(12_345_678, "id")  -> "dua belas juta tiga ratus empat puluh lima ribu enam
                                        ratus tujuh puluh delapan rupiah"
    date_words(date(2026, 11, 24), "id") -> "dua puluh empat November dua ribu dua puluh enam"
    digits_in_groups("1234 56 78901 2", (4, 2, 5, 1), "id")
        -> "satu dua tiga empat, lima enam, tujuh delapan sembilan nol satu, dua"

`say(value, language)` picks the right one by the value's type: `Rupiah`, `date`, `Digits`, a
plain int (a count) or a str (already words, e.g. a translated reason).

Pure Python: no Flask here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from babel import Locale
from num2words import num2words

# num2words language for each kiosk language's numbers.
NUMBER_LANGUAGE: dict[str, str] = {"id": "id", "en": "en", "jv": "id", "su": "id"}

CURRENCY_WORD = "rupiah"  # the same word in every kiosk language

# What people and printed cards put between digit groups.
_SEPARATORS = re.compile(r"[\s.\-]+")
# Separating groups with a comma makes espeak-ng pause between them.
GROUP_SEPARATOR = ", "


def _number_language(language: str) -> str:
    try:
        return NUMBER_LANGUAGE[language]
    except KeyError:
        raise ValueError(f"unsupported language {language!r}") from None


def _check_int(value: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int")
    if value < 0:
        raise ValueError(f"{what} must not be negative")


def number_words(number: int, language: str) -> str:
    """A whole number in words: 1000 -> "seribu" (id, jv, su), "one thousand" (en)."""
    _check_int(number, "number")
    return num2words(number, lang=_number_language(language))


def amount_words(amount: int, language: str) -> str:
    """An amount of rupiah in words, e.g. 15_000_000 -> "lima belas juta rupiah"."""
    _check_int(amount, "amount")
    return f"{number_words(amount, language)} {CURRENCY_WORD}"


@lru_cache(maxsize=None)
def month_names(language: str) -> tuple[str, ...]:
    """January..December for `language`, from Babel (the names used inside a date)."""
    _number_language(language)
    months = Locale.parse(language).months["format"]["wide"]
    return tuple(months[month] for month in range(1, 13))


def date_words(d: date, language: str) -> str:
    """A date for the voice: day, month name, year.

    id/jv/su: "dua puluh empat November dua ribu dua puluh enam" (Indonesian numbers);
    en: "twenty-fourth of November, twenty twenty-six" (as British English reads a date).
    """
    month = month_names(language)[d.month - 1]
    if _number_language(language) == "en":
        day = num2words(d.day, lang="en", to="ordinal")
        year = num2words(d.year, lang="en", to="year")
        return f"{day} of {month}, {year}"
    return f"{number_words(d.day, language)} {month} {number_words(d.year, language)}"


def digits_in_groups(number: str, groups: tuple[int, ...], language: str) -> str:
    """Read a number digit by digit in groups, a comma (a pause) between groups.

    `number` may contain spaces, dots or hyphens between its digits (as shown on screen);
    `groups` are the group sizes and must add up to the number of digits.
    """
    digits = _SEPARATORS.sub("", number)
    if not digits or not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"not a number of digits: {number!r}")
    if not groups or any(size <= 0 for size in groups) or sum(groups) != len(digits):
        raise ValueError(f"groups {groups} do not fit {len(digits)} digits")
    lang = _number_language(language)
    words = [num2words(int(digit), lang=lang) for digit in "0123456789"]
    spoken: list[str] = []
    position = 0
    for size in groups:
        spoken.append(" ".join(words[int(digit)] for digit in digits[position:position + size]))
        position += size
    return GROUP_SEPARATOR.join(spoken)


class Rupiah(int):
    """An amount of money: said as words followed by "rupiah"."""


@dataclass(frozen=True)
class Digits:
    """A number said digit by digit in groups (a claim number: `1234 56 78901 2`)."""

    number: str
    groups: tuple[int, ...]


def say(value: object, language: str) -> str:
    """A dynamic fact as the voice says it in `language` (see the module docstring)."""
    if isinstance(value, Rupiah):
        return amount_words(int(value), language)
    if isinstance(value, date):
        return date_words(value, language)
    if isinstance(value, Digits):
        return digits_in_groups(value.number, value.groups, language)
    if isinstance(value, int) and not isinstance(value, bool):
        return number_words(value, language)
    if isinstance(value, str):
        return value
    raise TypeError(f"cannot say a {type(value).__name__}")
