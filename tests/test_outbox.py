"""The outbox sender: delivery moves claims on, failures stay visible, decisions come back, once."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from kiosk import claims
from kiosk.core import outbox
from kiosk.core.http import close_client
from kiosk.core.simulator import Faults
from kiosk.extensions import db
from kiosk.models import Claim, CoreClaim, OutboxMessage, Participant, utcnow
from tests.corekit import (
    draft,
    make_participants,
    received,
    save_claims,
    start_simulator,
    stop_simulator,
    tally,
    unsent,
)


@pytest.fixture
def simulator(app):
    # A normal answer has 1.5 s even on a loaded machine; a slow one (2 s) always times out.
    running = start_simulator(app, retries=1, timeout=1.5, slow_seconds=2.0)
    yield running
    stop_simulator(app, running)


def _claim(number: str) -> Claim:
    return db.session.scalar(select(Claim).where(Claim.number == number))


def _message(number: str, kind: str = "claim.submitted") -> OutboxMessage:
    return next(row for row in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == kind)) if row.payload["claim_number"] == number)


def test_the_local_core_delivers_a_queued_claim_and_applies_its_new_phone(app):
    with app.app_context():
        [pid] = make_participants(1)
        number = claims.save(draft(pid, "k1", new_phone="081399998888")).number
        result = outbox.run_pass()
        claim, message = _claim(number), _message(number)
        assert (result.sent, result.failed) == (1, 0)
        assert claim.state == "submitted" and message.sent_at is not None
        assert message.delivered_state == "submitted" and message.attempts == 1
        assert db.session.get(Participant, pid).phone == "081399998888"
        assert outbox.run_pass().sent == 0  # nothing goes twice


def test_a_claim_that_needs_staff_stays_so_and_its_delivery_is_on_the_outbox_row(app, simulator):
    with app.app_context():
        [pid] = make_participants(1)
        number = claims.save(draft(pid, "k1", needs_staff=True)).number
        assert outbox.run_pass().sent == 1
        assert _claim(number).state == "needs_staff"
        assert _message(number).delivered_state == "needs_staff"
        assert received(simulator)[0]["number"] == number


def test_a_failing_message_is_kept_with_its_error_and_waits_longer_each_time(app, simulator):
    app.config["OUTBOX_BACKOFF_SECONDS"] = 60.0
    simulator.set_faults("error")
    with app.app_context():
        [number] = save_claims(1)
        assert outbox.run_pass().failed == 1
        message = _message(number)
        assert message.attempts == 1 and "503" in message.last_error
        assert message.next_attempt_at > utcnow() + timedelta(seconds=40)
        assert outbox.run_pass().failed == 0  # not due yet: no hammering
        message.next_attempt_at = utcnow()
        db.session.commit()
        outbox.run_pass()
        again = _message(number)
        assert again.attempts == 2 and again.next_attempt_at > utcnow() + timedelta(seconds=90)
        assert _claim(number).state == "queued" and again.sent_at is None


def test_backoff_doubles_up_to_the_cap(app):
    app.config.update(OUTBOX_BACKOFF_SECONDS=5.0, OUTBOX_BACKOFF_MAX_SECONDS=60.0)
    with app.app_context():
        waits = [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4, 10)]
    assert 4.0 <= waits[0] <= 5.0 and 8.0 <= waits[1] <= 10.0 and 16.0 <= waits[2] <= 20.0
    assert 32.0 <= waits[3] <= 40.0 and 48.0 <= waits[4] <= 60.0


def test_the_staff_board_shows_failing_messages_with_their_last_error(app, simulator):
    from kiosk.staff import auth
    from tests.test_staff import PASSWORD, sign_in

    simulator.set_faults("error")
    with app.app_context():
        auth.add_staff("sari", PASSWORD, "staff", "Bu Sari")
        [number] = save_claims(1)
        outbox.run_pass()
    page = sign_in(app).get("/staff/").get_data(as_text=True)
    assert 'data-testid="outbox">1<' in page
    row = page[page.index('data-testid="outbox-failing"'):]
    assert number in row and "503 The core system is in maintenance" in row


def test_the_cores_decision_comes_back_into_the_claim(app, simulator):
    with app.app_context():
        first, second = save_claims(2)
        outbox.run_pass()
        httpx.post(f"{simulator.url}/_decide/{first}", json={"state": "paid"})
        httpx.post(f"{simulator.url}/_decide/{second}", json={"state": "rejected"})
        db.session.execute(Claim.__table__.update().values(core_checked_at=None))
        db.session.commit()
        assert outbox.run_pass().checked == 2
        assert (_claim(first).state, _claim(second).state) == ("paid", "rejected")


def test_a_staff_decision_waits_for_its_claim_to_reach_the_core(app, simulator):
    simulator.set_faults("error")
    with app.app_context():
        [pid] = make_participants(1)
        number = claims.save(draft(pid, "k1", needs_staff=True, new_phone="081377776666")).number
        outbox.run_pass()  # the core is away
        claim = _claim(number)
        claims.set_state(claim, "approved")  # staff approve meanwhile (kiosk/staff/claims_review)
        db.session.add(OutboxMessage(kind="claim.approved", idempotency_key="k1:approved",
                                     payload={"claim_number": number, "state": "approved",
                                              "note": "", "decided_by": "sari"}))
        _message(number).next_attempt_at = None
        db.session.commit()
        simulator.set_faults("none")
        result = outbox.run_pass()
        db.session.rollback()
        claim_message = _message(number)
        # The claim first, then the decision (and if not, what the claim's message says why).
        assert (result.sent, result.waiting) == (2, 0), (
            claim_message.sent_at, claim_message.next_attempt_at, claim_message.attempts,
            claim_message.last_error)
        with simulator.app.app_context():
            at_core = db.session.scalar(select(CoreClaim).where(CoreClaim.number == number))
            assert at_core.state == "approved"


def _run_until_sent(max_passes: int = 60) -> int:
    for passes in range(1, max_passes + 1):
        outbox.run_pass()
        if unsent() == 0:
            return passes
    raise AssertionError(f"{unsent()} message(s) still unsent after {max_passes} passes")


def test_random_faults_deliver_every_claim_exactly_once(app, simulator):
    simulator.set_faults("random:0.3")
    with app.app_context():
        numbers = save_claims(30)
        passes = _run_until_sent()
        counts = tally(numbers, simulator)
        states = {claim.state for claim in db.session.scalars(select(Claim))}
        print(f"\n[{db.engine.dialect.name}] {counts.line()} in {passes} passes")
    assert counts.delivered == 30 and counts.duplicates == 0 and counts.lost == 0
    assert counts.sent > 30  # the faults really struck
    assert states == {"submitted"}


def test_several_senders_at_once_send_each_message_once(app, simulator):
    # Each delivery takes 50 ms, so the three senders surely overlap; none times out.
    simulator.app.extensions["core_faults"] = Faults.parse("slow", slow_seconds=0.05)
    close_client(app)
    app.config["CORE_TIMEOUT_SECONDS"] = 5.0
    with app.app_context():
        numbers = save_claims(24)
        dialect = db.engine.dialect.name
    results = []

    def sender():
        with app.app_context():
            results.append(outbox.send_due())
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        counts = tally(numbers, simulator)
        assert unsent() == 0
    assert counts.delivered == 24 and counts.duplicates == 0 and counts.received_max == 1
    assert sum(result.sent for result in results) == 24
    if dialect == "sqlite":  # one sender per SQLite database; the others found it busy
        assert sum(result.busy for result in results) >= 1
    else:  # SKIP LOCKED: the senders shared the work
        assert sum(1 for result in results if result.sent) >= 2


def test_sync_once_reports_and_a_second_sqlite_sender_is_refused(app, runner):
    with app.app_context():
        save_claims(2)
    result = runner.invoke(args=["core", "sync", "--once"])
    assert result.exit_code == 0 and "sent 2, failed 0" in result.output
    assert "0 still to send" in result.output
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        with outbox.single_sender():
            held = threading.Event()
            outcome = []

            def other():  # another process would do the same; a thread has its own lock file
                outcome.append(runner.invoke(args=["core", "sync", "--once"]))
                held.set()

            thread = threading.Thread(target=other)
            thread.start()
            thread.join()
    assert outcome[0].exit_code != 0 and "Another sender" in outcome[0].output


def test_the_one_box_thread_delivers_and_is_off_unless_asked(app):
    assert outbox.start_thread(app) is None  # OUTBOX_THREAD is off by default
    app.config.update(OUTBOX_THREAD=True, OUTBOX_INTERVAL_SECONDS=0.05)
    with app.app_context():
        [number] = save_claims(1)
    thread = outbox.start_thread(app)
    try:
        assert outbox.start_thread(app) is thread  # once per process
        deadline = time.monotonic() + 5
        with app.app_context():
            while _claim(number).state == "queued" and time.monotonic() < deadline:
                db.session.rollback()
                time.sleep(0.05)
            assert _claim(number).state == "submitted"
    finally:
        thread.stop.set()
        thread.join(timeout=5)
