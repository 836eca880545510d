"""Error screens in plain words, each with a way back to the start."""
from __future__ import annotations

from flask import Flask, g, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from kiosk import htmx
from kiosk.voice.prompts import ERROR_PAGES


def error_page(name: str, status: int):
    """Render the error screen `name` (kiosk.voice.prompts.ERROR_PAGES) with data-state="error"."""
    from kiosk.participant.voice import screen_voice

    heading, message = ERROR_PAGES[name]
    row = g.get("kiosk_session")
    return htmx.render("errors/page.html", status=status, step=row.step if row else "welcome",
                       state="error", progress=None, heading=_(heading), message=_(message),
                       kiosk_ok=g.get("kiosk") is not None,
                       voice=screen_voice("error", name))


STAFF_ERRORS = {
    401: ("Silakan masuk", "Halaman ini hanya untuk petugas yang sudah masuk."),
    403: ("Bukan untuk peran Anda", "Halaman ini hanya untuk supervisor."),
    404: ("Tidak ada", "Halaman atau data ini tidak ada."),
    429: ("Terlalu banyak percobaan", "Tunggu satu menit, lalu coba lagi."),
}


def _http_error(exc: HTTPException):
    if request.blueprint == "staff":
        heading, message = STAFF_ERRORS.get(exc.code, ("Ada masalah", "Coba lagi."))
        return htmx.render("staff/error.html", status=exc.code or 500, heading=heading,
                           message=message)
    if exc.code == 404:
        return error_page("not_found", 404)
    if exc.code == 429:
        return error_page("too_many", 429)
    return error_page("failed", exc.code or 500)


def _csrf_error(_exc: CSRFError):
    if request.blueprint == "staff":
        return htmx.render("staff/error.html", status=400, heading="Halaman sudah lama terbuka",
                           message="Muat ulang halaman, lalu coba lagi.")
    return error_page("expired", 400)


def _server_error(_exc: Exception):
    return error_page("failed_safe", 500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    if not app.testing:
        app.register_error_handler(Exception, _server_error)
