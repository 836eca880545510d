"""The HTTP core adapter against the simulator: the API file, idempotency keys, faults, retries."""
from __future__ import annotations

import threading
import time

import httpx
import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from kiosk.core import CoreRefused, CoreUnavailable, Message, get_core
from kiosk.core.http import HttpCore, submission_body
from kiosk.core.schema import SPEC_PATH, spec
from kiosk.core.simulator import ROUTES
from kiosk.jht import parse_participant_number
from tests.corekit import make_participants, received, start_simulator, stop_simulator
from tests.helpers import TODAY, load_demo, person


@pytest.fixture
def simulator(app):
    load_demo(app)
    running = start_simulator(app)
    yield running
    stop_simulator(app, running)


def _submission(participant_id: int, number: str = "090101000015") -> dict:
    payload = {"claim_number": number, "kiosk_id": "K01", "tax_amount": 0,
               "expected_payment_date": "2026-11-30", "state": "queued", "reason": "retirement_age",
               "participant_id": participant_id, "gross_amount": 5_000_000,
               "net_amount": 5_000_000, "bank_name": "BRI", "bank_account": "1234567890",
               "phone": "081234567890", "phone_changed": False, "details": {}}
    return submission_body(payload)


def _post_claim(running, body: dict, key: str | None = '"key-1"') -> httpx.Response:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return httpx.post(running.url + "/claims", json=body, headers=headers, timeout=5)


def test_the_api_file_is_valid_openapi_3_1_and_names_every_simulator_route():
    document, _ = read_from_filename(str(SPEC_PATH))
    validate(document)  # raises on any error
    assert document["openapi"].startswith("3.1")
    documented = {(path, method) for path, item in spec()["paths"].items() for method in item}
    for rule, _view, methods in ROUTES:
        if rule.startswith("/_"):
            continue  # test controls, not the API
        path = rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        assert (path, methods[0].lower()) in documented, rule


def test_the_adapter_finds_a_participant_by_number_and_birth_date_only(app, simulator):
    who = person("age56")
    with app.app_context():
        core = get_core()
        assert isinstance(core, HttpCore)
        by_kpj = core.find_participant(parse_participant_number(who.kpj, TODAY), who.birth_date)
        by_nik = core.find_participant(parse_participant_number(who.nik, TODAY), who.birth_date)
        wrong = core.find_participant(parse_participant_number(who.kpj, TODAY),
                                      who.birth_date.replace(day=1 + who.birth_date.day % 27))
    assert by_kpj == by_nik and by_kpj.full_name == who.full_name
    assert len(by_kpj.contributions) == 8 and by_kpj.open_claims == ()
    assert wrong is None


def test_photo_account_holder_and_claim_status_come_from_the_core(app, simulator):
    who = person("age56")
    with app.app_context():
        core = get_core()
        record = core.find_participant(parse_participant_number(who.kpj, TODAY), who.birth_date)
        assert core.reference_photo(record.id) is None  # the demo set has no photos
        assert core.account_holder(record.bank_name, record.bank_account) == record.bank_holder
        assert core.account_holder("BRI", "000000001") is None
        assert core.claim_status("090101000015") is None


def test_the_same_key_and_body_get_the_first_answer_and_make_one_claim(app, simulator):
    with app.app_context():
        [pid] = make_participants(1)
    first = _post_claim(simulator, _submission(pid))
    again = _post_claim(simulator, _submission(pid))
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert received(simulator) == [{"number": "090101000015", "idempotency_key": "key-1",
                                    "times_received": 2}]


def test_the_same_key_with_another_body_is_422_and_no_key_is_400(app, simulator):
    with app.app_context():
        [pid] = make_participants(1)
    assert _post_claim(simulator, _submission(pid)).status_code == 201
    other = _post_claim(simulator, dict(_submission(pid), net_amount=1))
    assert other.status_code == 422
    assert other.json()["type"].endswith("idempotency-key-reused")
    assert _post_claim(simulator, _submission(pid), key=None).status_code == 400


def test_the_same_key_while_the_first_is_in_flight_is_409(app, simulator):
    with app.app_context():
        [pid] = make_participants(1)
    simulator.set_faults("slow")  # the first request holds its key for 0.3 s
    first: list[httpx.Response] = []
    slow = threading.Thread(target=lambda: first.append(_post_claim(simulator, _submission(pid))))
    slow.start()
    for _ in range(100):
        if _key_taken(simulator):
            break
        time.sleep(0.005)
    simulator.set_faults("none")
    second = _post_claim(simulator, _submission(pid))
    slow.join()
    assert second.status_code == 409 and second.json()["type"].endswith("request-in-flight")
    assert first[0].status_code == 201
    assert _post_claim(simulator, _submission(pid)).json() == first[0].json()


def _key_taken(running) -> bool:
    from kiosk.extensions import db
    from kiosk.models import CoreRequest

    with running.app.app_context():
        return db.session.get(CoreRequest, "key-1") is not None


def test_a_lost_reply_resolves_to_one_claim_by_its_key(app, simulator):
    with app.app_context():
        [pid] = make_participants(1)
        message = Message("claim.submitted", "key-lost",
                          {"claim_number": "090101000015", "kiosk_id": "K01", "tax_amount": 0,
                           "expected_payment_date": None, "state": "queued",
                           "reason": "retirement_age", "participant_id": pid,
                           "gross_amount": 1, "net_amount": 1, "bank_name": "BRI",
                           "bank_account": "1", "phone": "081234567890", "details": {}})
        simulator.set_faults("lost-reply")
        with pytest.raises(CoreUnavailable):
            get_core().deliver(message)  # saved at the core twice over; both answers lost
        simulator.set_faults("none")
        delivery = get_core().deliver(message)
    assert delivery.number == "090101000015" and delivery.state == "submitted"
    assert received(simulator) == [{"number": "090101000015", "idempotency_key": "key-lost",
                                    "times_received": 3}]


@pytest.mark.parametrize("fault", ["down", "slow", "error"])
def test_a_core_that_is_down_slow_or_failing_raises_core_unavailable(app, simulator, fault):
    who = person("age56")
    simulator.set_faults(fault)
    with app.app_context(), pytest.raises(CoreUnavailable):
        get_core().find_participant(parse_participant_number(who.kpj, TODAY), who.birth_date)


def test_a_closed_port_is_core_unavailable(app):
    app.config.update(CORE_URL="http://127.0.0.1:9", CORE_RETRIES=1, CORE_TIMEOUT_SECONDS=0.5)
    with app.app_context(), pytest.raises(CoreUnavailable, match="cannot reach"):
        get_core().claim_status("090101000015")


def _mock_core(handler, attempts: int = 3) -> HttpCore:
    client = httpx.Client(base_url="http://core.test", transport=httpx.MockTransport(handler))
    return HttpCore(client, attempts=attempts, wait=0.0)


def test_calls_are_retried_a_bounded_number_of_times():
    calls = []

    def flaky(request):
        calls.append(request)
        if len(calls) < 3:
            return httpx.Response(503, json={"type": "x/unavailable", "title": "maintenance"})
        return httpx.Response(404, json={"type": "x/not-found", "title": "none"})

    assert _mock_core(flaky).claim_status("090101000015") is None and len(calls) == 3
    calls.clear()
    with pytest.raises(CoreUnavailable, match="503"):
        _mock_core(flaky, attempts=2).claim_status("090101000015")
    assert len(calls) == 2


def test_an_answer_that_breaks_the_api_file_is_refused():
    def wrong(_request):
        return httpx.Response(200, json={"number": "090101000015", "state": "lost"})

    with pytest.raises(CoreRefused, match="getClaim 200"):
        _mock_core(wrong).claim_status("090101000015")


def test_the_claim_body_carries_the_key_as_a_structured_field_string():
    seen = []

    def core(request):
        seen.append(request)
        return httpx.Response(201, json={"number": "090101000015", "state": "submitted",
                                         "reason": "retirement_age",
                                         "expected_payment_date": None,
                                         "updated_at": "2026-11-23T08:00:00Z"})

    payload = {"claim_number": "090101000015", "kiosk_id": "K01", "tax_amount": 0,
               "expected_payment_date": None, "state": "needs_staff", "reason": "retirement_age",
               "participant_id": 7, "gross_amount": 1, "net_amount": 1, "bank_name": "BRI",
               "bank_account": "1", "phone": "081234567890", "phone_changed": True}
    _mock_core(core).deliver(Message("claim.submitted", "abc", payload))
    assert seen[0].headers["Idempotency-Key"] == '"abc"'
    body = httpx.Response(200, content=seen[0].content).json()
    assert body["needs_staff"] is True and body["new_phone"] == "081234567890"
