"""Error screens in plain words, each with a way back to the start."""
from __future__ import annotations

from flask import Flask, g
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from kiosk import htmx


def error_page(heading: str, message: str, status: int):
    """Render a participant-friendly error screen with data-state="error"."""
    row = g.get("kiosk_session")
    return htmx.render("errors/page.html", status=status, step=row.step if row else "welcome",
                       state="error", progress=None, heading=heading, message=message,
                       kiosk_ok=g.get("kiosk") is not None)


def _http_error(exc: HTTPException):
    if exc.code == 404:
        return error_page(_("Halaman tidak ada"), _("Halaman ini tidak ada. Tekan Mulai lagi."), 404)
    if exc.code == 429:
        return error_page(_("Tunggu sebentar"),
                          _("Terlalu banyak percobaan dalam waktu singkat. Tunggu satu menit, "
                            "atau tekan Panggil Petugas."), 429)
    return error_page(_("Ada masalah"), _("Ada masalah di kiosk. Tekan Mulai lagi, atau tekan "
                                          "Panggil Petugas."), exc.code or 500)


def _csrf_error(_exc: CSRFError):
    return error_page(_("Layar sudah lama terbuka"),
                      _("Layar ini sudah lama terbuka. Tekan Mulai lagi untuk memulai dari awal."),
                      400)


def _server_error(_exc: Exception):
    return error_page(_("Ada masalah"), _("Ada masalah di kiosk. Data Anda aman. Tekan Mulai lagi, "
                                          "atau tekan Panggil Petugas."), 500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    if not app.testing:
        app.register_error_handler(Exception, _server_error)
