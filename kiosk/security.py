"""Response headers (a strict Content-Security-Policy, no caching of participant screens), a
request body read with a cap whatever its headers say, and the icon browsers ask for."""
from flask import Flask, abort, current_app, request, send_from_directory

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
    if request.endpoint not in ("static", "favicon", "voice.audio"):  # audio: kiosk.participant.voice
        # A shared screen: nothing of one participant may be kept for the next.
        response.headers["Cache-Control"] = "no-store"
    return response


def favicon():
    """Serve the icon every browser asks for at /favicon.ico (otherwise a 404 on every visit)."""
    return send_from_directory(current_app.static_folder, "img/favicon.svg",
                               mimetype="image/svg+xml", max_age=24 * 3600)


def init_app(app: Flask) -> None:
    app.after_request(_headers)
    app.add_url_rule("/favicon.ico", "favicon", favicon)
