"""Languages and locale-aware formatting of money and dates (Babel)."""
from __future__ import annotations

from datetime import date

from babel.dates import get_month_names
from flask import Flask, g
from flask_babel import format_date, format_decimal, get_locale
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm.exc import ObjectDeletedError

from kiosk.voice import prompts

# Shown on the welcome screen in their own words, and shorter in the toolbar. Javanese and
# Sundanese are spoken by the Indonesian voice (kiosk.voice).
LANGUAGES: dict[str, str] = {"id": "Bahasa Indonesia", "en": "English", "jv": "Basa Jawa",
                             "su": "Basa Sunda"}
SHORT_NAMES: dict[str, str] = {"id": "Indonesia", "en": "English", "jv": "Jawa", "su": "Sunda"}
DEFAULT_LANGUAGE = "id"


def select_locale() -> str:
    """Use the language chosen in this kiosk session, else Indonesian."""
    kiosk_session = g.get("kiosk_session")
    language = None
    if kiosk_session is not None:
        try:
            language = kiosk_session.language
        except (ObjectDeletedError, InvalidRequestError):
            # The visit ended in another request while this one worked (Selesai during a
            # print): answer in the language it was loaded with.
            language = g.get("visit_language")
    if language in LANGUAGES:
        return language
    return g.get("language", DEFAULT_LANGUAGE)


def rupiah(amount: int) -> str:
    """Format whole rupiah the way Indonesians read them: Rp12.345.678."""
    return "Rp" + format_decimal(amount, format="#,##0")


def long_date(value: date) -> str:
    """Format a date with the month by name: 14 Desember 2026."""
    return format_date(value, format="long")


def month_name(month: int) -> str:
    """Name a month (1-12) in the participant's language."""
    return get_month_names("wide", locale=get_locale())[month]


def init_app(app: Flask) -> None:
    app.jinja_env.filters["rupiah"] = rupiah
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.jinja_env.globals["SHORT_NAMES"] = SHORT_NAMES
    app.jinja_env.globals["words"] = prompts
    app.jinja_env.globals["month_name"] = month_name
    app.jinja_env.globals["current_language"] = lambda: str(get_locale())
