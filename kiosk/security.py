"""Response headers (a strict Content-Security-Policy, the camera for this origin only, HSTS over
HTTPS, no caching of participant screens), the client address behind a reverse proxy, a request
body read with a cap whatever its headers say, and the icon browsers ask for.

Behind a reverse proxy every request reaches the app from the proxy's address, often 127.0.0.1,
which would make every LAN browser the one-box kiosk (kiosk/devices.py). TRUSTED_PROXIES = the
number of proxies in front: werkzeug's ProxyFix then takes the client's address from that many
X-Forwarded-For entries, counted from the right (the ones the proxies appended), so a browser
that sends its own "X-Forwarded-For: 127.0.0.1" is still seen at its own address.
"""
import ipaddress
import logging

from flask import Flask, abort, current_app, request, send_from_directory
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
READ_CHUNK = 64 * 1024
# The kiosk's own page may use the camera (selfie, papers); nothing else may use anything.
PERMISSIONS_POLICY = ", ".join([
    "camera=(self)", "microphone=()", "geolocation=()", "payment=()", "usb=()",
    "display-capture=()", "interest-cohort=()",
])
HSTS = "max-age=31536000"  # a year; the branch's host name only (no includeSubDomains)
FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")
# What a request relayed by an undeclared proxy is seen as: not an address, so never loopback.
RELAYED = "relayed-by-undeclared-proxy"
log = logging.getLogger(__name__)


def read_body(limit: int) -> bytes:
    """Return the request body, or answer 413 as soon as it passes `limit` bytes."""
    # Content-Length may be absent (a chunked body) or lie: count what actually arrives.
    if (request.content_length or 0) > limit:
        abort(413)
    chunks, size = [], 0
    while size <= limit:
        chunk = request.stream.read(min(READ_CHUNK, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    abort(413)


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE"):  # served over HTTPS: keep it so
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint not in ("static", "favicon", "voice.audio"):  # audio: kiosk.participant.voice
        # A shared screen: nothing of one participant may be kept for the next.
        response.headers["Cache-Control"] = "no-store"
    return response


def favicon():
    """Serve the icon every browser asks for at /favicon.ico (otherwise a 404 on every visit)."""
    return send_from_directory(current_app.static_folder, "img/favicon.svg",
                               mimetype="image/svg+xml", max_age=24 * 3600)


class UndeclaredProxy:
    """With TRUSTED_PROXIES=0, a loopback request carrying forwarding headers came through a
    proxy nobody declared: it is some LAN browser, never the one-box kiosk."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if any(name in environ for name in FORWARDED_HEADERS) \
                and _loopback(environ.get("REMOTE_ADDR")):
            log.warning("a request relayed by a proxy reached the app, but TRUSTED_PROXIES is 0;"
                        " it is not treated as the local kiosk (README: deployment)")
            environ["REMOTE_ADDR"] = RELAYED
        return self.wsgi_app(environ, start_response)


def _loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


def _wrap_proxies(app: Flask) -> None:
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    else:
        app.wsgi_app = UndeclaredProxy(app.wsgi_app)


def init_app(app: Flask) -> None:
    _wrap_proxies(app)
    app.after_request(_headers)
    app.add_url_rule("/favicon.ico", "favicon", favicon)
