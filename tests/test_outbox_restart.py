"""Restart safety: a server or sender killed before, during or after a submit leaves no half-made
claim and sends nothing twice."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kiosk.core import outbox
from kiosk.extensions import db
from kiosk.models import Claim, CoreRequest, KioskSession, OutboxMessage
from tests.corekit import received, save_claims, start_simulator, stop_simulator
from tests.helpers import main_attr
from tests.test_claim_steps import submit, to_review

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def demo(app, client):
    from tests.helpers import load_demo

    load_demo(app)
    return client


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Claim)),
                db.session.scalar(select(func.count()).select_from(OutboxMessage)))


def test_a_server_that_dies_before_submit_resumes_the_same_review(app, demo):
    to_review(demo, "age56", "retirement_age")
    # A restart: a new app (new process, new engine) on the same database; the browser keeps
    # only its signed cookie, so everything it resumes must come from the database.
    from kiosk import create_app

    again = create_app(dict(app.config))
    browser = again.test_client()
    for cookie in demo._cookies.values():
        browser.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    page = browser.get("/", follow_redirects=True)
    assert main_attr(page, "data-step") in ("review", "welcome")
    page = browser.get("/review", follow_redirects=True)
    assert main_attr(page, "data-step") == "review"
    assert _counts(app) == (0, 0)  # nothing half-made
    assert main_attr(submit(browser), "data-step") == "receipt"
    assert _counts(app) == (1, 1)
    with again.app_context():
        db.engine.dispose()


def test_a_server_that_dies_during_submit_makes_one_claim_when_the_tap_comes_again(
        app, demo, monkeypatch):
    to_review(demo, "age56", "retirement_age")

    def killed():  # the process dies inside the transaction: nothing of it is committed
        raise SystemExit("killed during submit")

    monkeypatch.setattr(db.session, "commit", killed)
    with pytest.raises(SystemExit):
        demo.post("/review")
    monkeypatch.undo()
    with app.app_context():
        db.session.rollback()
    assert _counts(app) == (0, 0)
    page = demo.get("/review", follow_redirects=True)
    assert main_attr(page, "data-step") == "review"  # resumes the same step
    assert main_attr(submit(demo), "data-step") == "receipt"
    assert main_attr(submit(demo), "data-step") == "receipt"  # and a second tap: one claim
    assert _counts(app) == (1, 1)
    with app.app_context():
        assert db.session.scalars(select(KioskSession.step)).one() == "receipt"


def _sync(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "core", "sync",
                             *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def test_a_sender_killed_during_delivery_delivers_once_after_restart(app, tmp_path):
    running = start_simulator(app, faults="slow", slow_seconds=1.5, timeout=5.0, retries=1)
    try:
        with app.app_context():
            [number] = save_claims(1)
        env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
               "SECRET_KEY": "test-secret", "CORE_URL": running.url,
               "CORE_TIMEOUT_SECONDS": "5", "CORE_RETRIES": "1", "OUTBOX_BACKOFF_SECONDS": "0",
               "KIOSK_TODAY": "2026-11-23"}
        sender = _sync(env)
        with running.app.app_context():  # wait until the core has taken the claim's key
            deadline = time.monotonic() + 30  # the sender process starts (imports) first
            while not db.session.scalar(select(func.count()).select_from(CoreRequest)):
                assert time.monotonic() < deadline, "the sender never reached the core"
                db.session.remove()
                time.sleep(0.02)
            db.session.remove()
        sender.send_signal(signal.SIGKILL)  # no goodbye, no cleanup, the SQLite lock with it
        sender.wait(timeout=10)
        with app.app_context():
            message = db.session.scalars(select(OutboxMessage)).one()
            assert message.sent_at is None  # the kiosk never heard back
        time.sleep(1.6)  # the core finishes the claim the dead sender asked for
        running.set_faults("none")
        restarted = _sync(env, "--once")
        output, _ = restarted.communicate(timeout=60)
        assert restarted.returncode == 0, output
        assert "sent 1, failed 0" in output
        with app.app_context():
            assert db.session.scalar(select(Claim.state)) == "submitted"
            assert outbox.pending_summary()["pending"] == 0
        # One claim at the core; its key arrived twice (the dead sender's and the restart's).
        assert [(row["number"], row["times_received"]) for row in received(running)] \
            == [(number, 2)]
    finally:
        stop_simulator(app, running)
