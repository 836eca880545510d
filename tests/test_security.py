"""Security headers, and the client's address behind a reverse proxy (who is the local kiosk)."""
from __future__ import annotations

import pytest

from kiosk import create_app
from kiosk.config import config_for_tests
from tests.helpers import main_attr

LAN = "192.0.2.20"  # a browser on the branch LAN
PROXY = "127.0.0.1"  # a reverse proxy on the branch server itself


def _app(database_url, tmp_path, **settings):
    return create_app(config_for_tests(tmp_path, database_url, **settings))


def test_the_camera_is_allowed_for_the_kiosks_own_origin_only(client):
    headers = client.get("/").headers
    policy = headers["Permissions-Policy"]
    assert "camera=(self)" in policy and "microphone=()" in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP on one box


def test_hsts_is_sent_when_the_kiosk_is_served_over_https(app, database_url, tmp_path):
    secure = _app(database_url, tmp_path, SESSION_COOKIE_SECURE=True)
    headers = secure.test_client().get("/").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


def _step(app, remote: str, forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    page = app.test_client().get("/", headers=headers, environ_base={"REMOTE_ADDR": remote})
    return page.status_code, main_attr(page, "data-state")


@pytest.mark.parametrize("forged", ["127.0.0.1", "::1", "127.0.0.1, 127.0.0.1"])
def test_a_forged_forwarded_for_does_not_make_a_lan_browser_the_local_kiosk(app, forged):
    assert _step(app, LAN, forged) == (403, "error")  # no proxy declared: the header is ignored
    assert _step(app, "127.0.0.1")[0] == 200  # the one-box kiosk itself


def test_behind_a_declared_proxy_the_client_address_is_the_proxys_last_entry(
        app, database_url, tmp_path):
    proxied = _app(database_url, tmp_path, TRUSTED_PROXIES=1)
    # The proxy appends the address it saw; a browser's own forged entries stay to the left.
    assert _step(proxied, PROXY, f"127.0.0.1, {LAN}") == (403, "error")
    assert _step(proxied, PROXY, LAN) == (403, "error")
    assert _step(proxied, PROXY, "127.0.0.1")[0] == 200  # Chromium on the server box


def test_an_undeclared_proxy_on_loopback_does_not_make_every_browser_the_kiosk(app):
    assert _step(app, PROXY, LAN) == (403, "error")
