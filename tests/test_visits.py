"""A visit's life (kiosk/visits.py): it ends at welcome, on its own when abandoned, never under a
participant waiting for staff; help requests belong to the visit that raised them; limits hold
under simultaneous requests; a GET changes nothing."""
from __future__ import annotations

import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from kiosk import create_app, visits
from kiosk.config import config_for_tests
from kiosk.extensions import db
from kiosk.models import (
    Claim,
    FailedIdentification,
    HelpRequest,
    Kiosk,
    KioskSession,
    StepEvent,
    utcnow,
)
from tests.conftest import empty_tables
from tests.helpers import (
    claim_whole,
    identify,
    load_demo,
    main_attr,
    person,
    recognised,
    staff_accepts,
    start,
)


@pytest.fixture
def demo(app):
    load_demo(app)
    return app.test_client()


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def the_visit(app) -> KioskSession | None:
    with app.app_context():
        row = db.session.scalars(select(KioskSession)).one_or_none()
        if row is not None:
            db.session.expunge(row)
        return row


def age_visits(app, seconds: float) -> None:
    """Move every visit's last touch back in time (a fake clock for the server's idle rule)."""
    with app.app_context():
        for row in db.session.scalars(select(KioskSession)):
            row.updated_at -= timedelta(seconds=seconds)
        db.session.commit()


def idle_limit(app) -> float:
    config = app.config
    return config["IDLE_SECONDS"] + config["IDLE_WARNING_SECONDS"] + visits.EXPIRY_GRACE_SECONDS


# --- 3. Back to welcome ends the visit ---------------------------------------------------------


def test_back_to_welcome_ends_the_visit_and_the_next_person_starts_clean(app, demo):
    who = person("age56")
    start(demo)
    page = recognised(demo, who.kpj, who.birth_date)
    assert main_attr(page, "data-step") == "reason"  # which shows the balance
    for _ in range(6):
        page = demo.post("/back", follow_redirects=True)
        if main_attr(page, "data-step") == "welcome":
            break
    assert main_attr(page, "data-step") == "welcome"
    assert the_visit(app) is None  # nothing of this person waits for the next
    assert main_attr(demo.get("/balance", follow_redirects=True), "data-step") == "welcome"
    page = start(demo)
    assert who.kpj not in page.get_data(as_text=True)
    assert the_visit(app).participant_id is None and the_visit(app).data == {}


# --- 4. Abandoned visits are ended by the server ----------------------------------------------


def test_the_server_ends_an_abandoned_visit_and_its_personal_audio(app, demo):
    who = person("age56")
    start(demo)
    recognised(demo, who.kpj, who.birth_date)  # the balance: a personal prompt is registered
    visit = the_visit(app)
    personal = visit.data["voice_personal"]
    assert personal and visit.participant_id is not None
    voice = app.extensions["voice"]
    for key in personal:  # as if the browser had played them
        path = voice.personal.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"RIFF")

    age_visits(app, idle_limit(app) - 5)
    with app.app_context():
        assert visits.sweep() == 0  # not yet
    age_visits(app, 10)
    with app.app_context():
        assert visits.sweep() == 1
        outcomes = db.session.scalars(select(StepEvent.outcome)).all()
    assert the_visit(app) is None
    assert outcomes[-1] == "timed_out"
    assert not any(voice.personal.path(key).exists() for key in personal)


def test_any_kiosk_request_sweeps_abandoned_visits_of_every_kiosk(app, demo):
    start(demo)
    demo.post("/identify", data={"number": person("age56").kpj})
    age_visits(app, idle_limit(app) + 1)
    visits._last_sweep.clear()
    other = app.test_client()  # the next participant, who only looks at the welcome screen
    other.get("/")
    assert the_visit(app) is None


def test_retention_purge_ends_abandoned_visits_and_old_records(app, demo, runner):
    start(demo)
    demo.post("/identify", data={"number": person("age56").kpj})
    age_visits(app, idle_limit(app) + 1)
    with app.app_context():
        db.session.add(FailedIdentification(kiosk_id="K01", at=utcnow() - timedelta(days=31)))
        db.session.add(StepEvent(kiosk_id="K01", session_token="x", step="welcome",
                                 outcome="start", at=utcnow() - timedelta(days=31)))
        db.session.commit()
    result = runner.invoke(args=["retention", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 abandoned visit(s) ended" in result.output
    assert "2 visit record(s) older than 30 days deleted" in result.output
    assert the_visit(app) is None
    assert count(app, FailedIdentification) == 0


# --- 5. Waiting for staff never times out -----------------------------------------------------


def test_a_participant_waiting_for_staff_is_never_wiped_for_being_idle(app, demo):
    start(demo)
    page = demo.post("/call-staff", follow_redirects=True)
    assert main_attr(page, "data-step") == "staff-coming"
    assert main_attr(page, "data-idle") == "waiting"  # kiosk.js: no idle warning, a reminder
    assert 'hx-get="/wait?at=staff-coming&amp;ack=0&amp;held=1"' in page.get_data(as_text=True)
    age_visits(app, idle_limit(app) * 10)
    with app.app_context():
        assert visits.sweep() == 0
    assert demo.get("/wait?at=staff-coming&ack=0&held=1").status_code == 204  # not wiped

    with app.app_context():
        request_id = db.session.scalars(select(HelpRequest.id)).one()
        visits.resolve(request_id)
    answer = demo.get("/wait?at=staff-coming&ack=0&held=1")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/staff-coming")
    assert main_attr(demo.get("/staff-coming"), "data-idle") == "on"  # the idle rules again


def test_a_participant_who_went_on_alone_is_timed_out_as_usual(app, demo):
    start(demo)
    demo.post("/call-staff")
    demo.post("/back")  # "Lanjutkan sendiri": the call stays open, the screen is the identify
    assert main_attr(demo.get("/identify"), "data-idle") == "on"
    with app.app_context():
        db.session.execute(update(KioskSession).values(step="birth-date"))
        db.session.commit()
    age_visits(app, idle_limit(app) + 1)
    with app.app_context():
        assert visits.sweep() == 1
        assert db.session.scalars(select(HelpRequest.resolution)).one() == "visit_ended"


# --- 6. Help requests belong to their visit ---------------------------------------------------


def test_each_visit_raises_its_own_help_request_and_ending_it_closes_it(app, demo):
    start(demo)
    demo.post("/call-staff")
    first = the_visit(app).id
    demo.post("/start-over")
    start(demo)
    demo.post("/call-staff")  # another person: a request of their own, not merged
    with app.app_context():
        calls = db.session.scalars(select(HelpRequest).order_by(HelpRequest.id)).all()
        assert [(c.reason, c.status, c.resolution) for c in calls] == [
            ("asked", "resolved", "visit_ended"), ("asked", "open", None)]
        assert calls[0].session_id is None  # the link to the ended visit is gone
        assert calls[1].session_id == the_visit(app).id != first


def test_identity_accept_never_lets_the_next_person_through(app, demo, runner):
    """Person A asks for staff at the selfie and leaves; B stops at the selfie intro."""
    app.config["DEMO"] = True  # both have no reference photo: the selfie intro, not staff
    a, b = person("age56"), person("resigned")
    start(demo)
    identify(demo, a.kpj, a.birth_date)
    demo.post("/selfie/prefer-staff")
    with app.app_context():
        a_request = db.session.scalars(select(HelpRequest.id)).one()
    demo.post("/start-over")
    start(demo)
    page = identify(demo, b.kpj, b.birth_date)
    assert main_attr(page, "data-state") == "intro"

    result = runner.invoke(args=["identity", "accept", "K01"])
    assert result.exit_code == 1 and "Nobody at kiosk K01" in result.output
    result = runner.invoke(args=["identity", "accept", "K01", "--request", str(a_request)])
    assert result.exit_code == 1 and "has left" in result.output
    page = demo.get("/selfie", follow_redirects=True)
    assert main_attr(page, "data-step") == "selfie" and main_attr(page, "data-state") == "intro"
    assert "identity" not in the_visit(app).data


def test_identity_accept_answers_the_request_of_the_person_who_asked(app, demo):
    app.config["DEMO"] = True
    who = person("age56")
    start(demo)
    identify(demo, who.kpj, who.birth_date)
    demo.post("/selfie/prefer-staff")
    page = demo.get("/selfie")
    assert main_attr(page, "data-idle") == "waiting"
    assert demo.get("/wait?at=selfie&ack=0&held=1").status_code == 204
    staff_accepts(app)
    answer = demo.get("/wait?at=selfie&ack=0&held=1")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/reason")
    with app.app_context():
        call = db.session.scalars(select(HelpRequest)).one()
        assert (call.status, call.resolution) == ("resolved", "identity_accepted")


def test_a_kiosk_reset_ends_the_visit_and_closes_its_requests(app, demo, runner):
    who = person("age56")
    start(demo)
    recognised(demo, who.kpj, who.birth_date)
    demo.post("/call-staff")
    result = runner.invoke(args=["kiosk", "reset", "K01"])
    assert result.exit_code == 0 and "1 visit(s) ended" in result.output
    assert the_visit(app) is None
    assert demo.get("/wait?at=staff-coming&ack=0&held=1").headers["Location"].endswith("/")
    with app.app_context():
        assert db.session.get(Kiosk, "K01").current_step == "welcome"
        assert db.session.scalars(select(HelpRequest.resolution).where(
            HelpRequest.reason == "asked")).one() == "visit_ended"
        assert db.session.scalars(select(StepEvent.outcome)).all()[-1] == "staff_reset"


# --- 7. Limits hold under simultaneous requests -----------------------------------------------


def _burst(app, cookie: str, bodies: list[dict]) -> list[int]:
    def post(body):
        client = app.test_client()
        client.set_cookie("session", cookie)
        return client.post("/birth-date", data=body).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        return list(pool.map(post, bodies))


@pytest.mark.parametrize("right_at", [None, 0, 7, 19])
def test_simultaneous_pairs_never_check_more_than_the_limit(app, demo, right_at):
    who = person("age56")
    start(demo)
    demo.post("/identify", data={"number": who.kpj})
    cookie = demo.get_cookie("session").value
    bodies = [{"birth_date": (who.birth_date + timedelta(days=1 + i)).isoformat()}
              for i in range(20)]
    if right_at is not None:
        bodies[right_at] = {"birth_date": who.birth_date.isoformat()}
    statuses = _burst(app, cookie, bodies)
    assert all(status < 500 for status in statuses)
    with app.app_context():
        outcomes = db.session.scalars(select(StepEvent.outcome)).all()
        # Never more wrong pairs checked than the limit; a matching pair gives its try back.
        assert outcomes.count("wrong_pair") <= app.config["IDENTIFY_TRIES"]
        assert outcomes.count("identified") <= 1
        wrong = db.session.scalar(select(func.count()).select_from(FailedIdentification))
        assert wrong == outcomes.count("wrong_pair")
        assert the_visit(app).failed_pairs == outcomes.count("wrong_pair")


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set")
def test_two_app_processes_share_one_rate_limit_through_redis(app, tmp_path, database_url):
    """Two workers (two apps) of a branch count one kiosk's posts together in Redis."""
    prefix = "test-" + secrets.token_hex(4)
    config = dict(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=os.environ["TEST_REDIS_URL"],
                  RATELIMIT_KEY_PREFIX=prefix)
    apps = [create_app(config_for_tests(tmp_path / str(i), database_url, **config))
            for i in range(2)]
    try:
        load_demo(apps[0])
        first = apps[0].test_client()
        start(first)
        first.post("/identify", data={"number": person("age56").kpj})
        second = apps[1].test_client()
        second.set_cookie("session", first.get_cookie("session").value)
        statuses = [client.post("/birth-date", data={"day": 1}).status_code
                    for _ in range(16) for client in (first, second)]
        assert statuses[:30] == [200] * 30 and statuses[30:] == [429, 429]
    finally:
        for other in apps[1:]:
            empty_tables(other)


# --- 8. The kiosk-wide limit does not blame the next person (see also test_identify) ----------


def test_a_resting_kiosk_calls_staff_once_and_waits(app, demo):
    app.config["IDENTIFY_KIOSK_FAILURES"] = 2
    with app.app_context():
        for _ in range(2):
            db.session.add(FailedIdentification(kiosk_id="K01"))
        db.session.commit()
    page = start(demo)
    assert main_attr(page, "data-state") == "resting"
    assert main_attr(page, "data-idle") == "waiting"
    demo.post("/identify", data={"number": person("age56").kpj})
    assert count(app, HelpRequest) == 1


# --- 1. One claim per balance, on the screens -------------------------------------------------


def test_a_second_visit_sees_the_claim_in_progress_and_cannot_claim_again(app, demo):
    who = person("age56")
    claim_whole(demo, who)
    with app.app_context():
        number = db.session.scalars(select(Claim.number)).one()
    demo.post("/survey", data={"score": "5"})

    start(demo)
    page = recognised(demo, who.kpj, who.birth_date)
    text = page.get_data(as_text=True)
    assert main_attr(page, "data-state") == "claim-open"
    assert 'data-status="queued"' in text
    assert f"{number[:4]} {number[4:6]} {number[6:11]} {number[11]}" in text
    assert 'data-action="call-staff"' in text and 'data-action="next"' not in text
    assert "Nomor klaim Anda" in the_visit(app).data["voice"][next(iter(
        the_visit(app).data["voice"]))][2]
    assert main_attr(demo.post("/balance", follow_redirects=True), "data-step") == "balance"
    demo.post("/reason", data={"reason": "retirement_age"})
    assert "reason" not in the_visit(app).data
    claim_whole(demo, who)  # the whole way again
    assert count(app, Claim) == 1


# --- A GET never writes -----------------------------------------------------------------------


def _snapshot(app):
    with app.app_context():
        row = db.session.scalars(select(KioskSession)).one()
        data = {k: v for k, v in row.data.items() if k not in ("voice", "voice_personal")}
        return (row.step, data, row.updated_at, row.failed_pairs,
                db.session.get(Kiosk, "K01").current_step,
                db.session.scalar(select(func.count()).select_from(StepEvent)),
                db.session.scalar(select(func.count()).select_from(HelpRequest)))


def test_looking_at_any_screen_changes_nothing(app, demo):
    who = person("above_limit")
    start(demo)
    recognised(demo, who.kpj, who.birth_date)
    before = _snapshot(app)
    for url in ("/", "/identify", "/birth-date", "/selfie", "/balance", "/reason", "/amount",
                "/bank", "/phone", "/documents", "/review", "/receipt", "/survey",
                "/staff-coming", "/wait?step=balance"):
        assert demo.get(url).status_code < 500, url
    assert _snapshot(app) == before
