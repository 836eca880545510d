"""The one fragment helper: render a page whole, or one named block for htmx."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import render_template, request
from htmx_flask import make_response
from jinja2_fragments.flask import render_block


def wants_fragment() -> bool:
    """Tell whether htmx asked for a swap of <main> rather than a whole page."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def _current_path() -> str | None:
    """Return the path of the page htmx is on (HX-Current-URL), or None if it is no URL."""
    try:
        return urlsplit(request.htmx.current_url or "").path
    except ValueError:  # "http://[" and the like: the header is the browser's to send, not ours
        return None


def render(template: str, block: str = "main", status: int = 200, **context):
    """Render `template` whole, or only `block` when htmx asks; vary caches on HX-Request."""
    context["fragment"] = wants_fragment()
    if context["fragment"]:
        # Push each new screen into history once; re-rendering the same screen replaces it.
        same_screen = _current_path() == request.path
        history = {"replace_url" if same_screen else "push_url": request.path}
        response = make_response(render_block(template, block, **context), status, **history)
    else:
        response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
