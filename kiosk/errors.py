"""Error screens in plain words, each with a way back to the start; they never fail themselves."""
from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from werkzeug.exceptions import HTTPException

from kiosk import htmx
from kiosk.extensions import db
from kiosk.voice.prompts import ERROR_PAGES

# What is left when even the error screen cannot be rendered: no template, database or session;
# the kiosk's stylesheet and a link to the welcome screen, so the participant still has a way on.
BARE_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>{heading}</title>
<link rel="stylesheet" href="{root}/static/css/kiosk.css"></head>
<body><main id="main" data-step="welcome" data-state="error"><h1>{heading}</h1>
<p class="lead">{message}</p>
<p><a class="button button--primary button--big" href="{root}/">{back}</a></p></main></body></html>
"""


def error_page(name: str, status: int):
    """Render the error screen `name` (kiosk.voice.prompts.ERROR_PAGES) with data-state="error"."""
    try:
        return _render(name, status)
    except Exception:  # noqa: BLE001 - whatever broke the screen, the participant gets an answer
        current_app.logger.exception("the error screen %s could not be rendered", name)
        return _bare_page(name, status)


def _render(name: str, status: int):
    from kiosk.participant.voice import screen_voice

    heading, message = ERROR_PAGES[name]
    row = g.get("kiosk_session")
    try:
        step = row.step if row is not None else "welcome"
    except (ObjectDeletedError, InvalidRequestError):  # the visit ended meanwhile
        step = "welcome"
    return htmx.render("errors/page.html", status=status, step=step,
                       state="error", progress=None, heading=_(heading), message=_(message),
                       kiosk_ok=g.get("kiosk") is not None,
                       voice=screen_voice("error", name))


STAFF_ERRORS = {
    401: ("Silakan masuk", "Halaman ini hanya untuk petugas yang sudah masuk."),
    403: ("Bukan untuk peran Anda", "Halaman ini hanya untuk supervisor."),
    404: ("Tidak ada", "Halaman atau data ini tidak ada."),
    429: ("Terlalu banyak percobaan", "Tunggu satu menit, lalu coba lagi."),
}


def _bare_page(name: str, status: int):
    heading, message = ERROR_PAGES[name]
    back = "Mulai lagi"
    try:
        heading, message, back = _(heading), _(message), _("Mulai lagi")
    except Exception:  # noqa: BLE001 - the Indonesian words are better than none
        pass
    html = BARE_PAGE.format(heading=escape(heading), message=escape(message), back=escape(back),
                            root=escape(request.script_root))
    return html, status, {"Content-Type": "text/html; charset=utf-8"}


def _staff_request() -> bool:
    """A staff console address, also one that matched no page (it has no blueprint then)."""
    return request.blueprint == "staff" or request.path.startswith("/staff/")


def _http_error(exc: HTTPException):
    if _staff_request():
        heading, message = STAFF_ERRORS.get(exc.code, ("Ada masalah", "Coba lagi."))
        return htmx.render("staff/error.html", status=exc.code or 500, heading=heading,
                           message=message)
    if exc.code == 404:
        return error_page("not_found", 404)
    if exc.code == 429:
        return error_page("too_many", 429)
    return error_page("failed", exc.code or 500)


def _csrf_error(_exc: CSRFError):
    if _staff_request():
        return htmx.render("staff/error.html", status=400, heading="Halaman sudah lama terbuka",
                           message="Muat ulang halaman, lalu coba lagi.")
    return error_page("expired", 400)


def _server_error(_exc: Exception):
    # The request may have died inside a transaction: the error screen must not trip on it.
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001
        current_app.logger.exception("rollback after a server error failed")
    return error_page("failed_safe", 500)


def _visit_gone(_exc: Exception):
    """The visit ended in another request (Selesai, Start over, a staff reset, the idle wipe)
    while this one worked on it, e.g. a camera frame in flight: nothing of it is kept, and the
    answer is the screen for a page left open too long (a 4xx: the kiosk's script goes on)."""
    db.session.rollback()
    g.kiosk_session = None
    current_app.logger.info("a request outlived its visit: %s %s", request.method, request.path)
    return error_page("expired", 409)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(ObjectDeletedError, _visit_gone)
    app.register_error_handler(StaleDataError, _visit_gone)
    app.register_error_handler(HTTPException, _http_error)
    if not app.testing:
        app.register_error_handler(Exception, _server_error)
