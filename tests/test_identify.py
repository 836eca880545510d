"""Identify and birth date through the Flask client: the rules the screens enforce."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from kiosk.extensions import db
from kiosk.models import FailedIdentification, HelpRequest, KioskSession, StepEvent
from tests.helpers import identify, load_demo, main_attr, person, recognised, staff_accepts, start


@pytest.fixture
def demo_client(app, client):
    load_demo(app)
    start(client)
    return client


@pytest.mark.parametrize("kind", ["kpj", "nik"])
def test_GIVEN_a_demo_participant_WHEN_number_and_birth_date_match_THEN_balance_shows_their_money(
        demo_client, kind):
    who = person("age56")
    page = identify(demo_client, getattr(who, kind), who.birth_date)
    assert main_attr(page, "data-step") == "selfie"  # the face check comes before any money
    assert main_attr(demo_client.get("/balance", follow_redirects=True), "data-step") == "selfie"
    staff_accepts(demo_client.application)
    page = demo_client.get("/selfie", follow_redirects=True)
    assert main_attr(page, "data-step") == "reason"  # which shows the balance
    assert 'data-testid="balance">Rp12.345.678<' in page.get_data(as_text=True)


def test_the_name_on_the_balance_screen_is_the_first_name_and_initials(demo_client):
    who = person("age56")
    html = recognised(demo_client, who.kpj, who.birth_date).get_data(as_text=True)
    assert who.full_name not in html and who.full_name.split()[1] not in html
    assert 'data-testid="name">Budi S.<' in html  # recognisable by its owner


def test_a_nik_whose_own_date_is_wrong_still_identifies_with_the_recorded_birth_date(demo_client):
    who = person("nik_mismatch")
    assert who.nik[6:8] != f"{who.birth_date.day + 40:02d}"  # the NIK's day differs
    page = identify(demo_client, who.nik, who.birth_date)
    assert main_attr(page, "data-step") == "selfie"


def test_numbers_typed_with_spaces_as_printed_on_the_card_are_accepted(demo_client):
    who = person("resigned")
    grouped = f"{who.kpj[:2]} {who.kpj[2:5]} {who.kpj[5:8]} {who.kpj[8:]}"
    page = identify(demo_client, grouped, who.birth_date)
    assert main_attr(page, "data-step") == "selfie"


@pytest.mark.parametrize("entry, message", [
    ("", "Masukkan nomor kartu Anda dulu."),
    ("123456789012", "Nomor ini punya 12 angka."),
    ("3374052313701201", "Nomor KTP ini tidak mungkin benar."),  # month 13
    ("3374052309700000", "Nomor KTP ini tidak mungkin benar."),  # serial 0000
])
def test_an_entry_that_cannot_be_a_number_gets_a_plain_message_and_stays(demo_client, entry,
                                                                         message):
    response = demo_client.post("/identify", data={"number": entry})
    assert response.status_code == 422
    assert main_attr(response, "data-state") == "error"
    assert main_attr(response, "data-step") == "identify"
    assert message in response.get_data(as_text=True)
    assert "<title>Galat:" in response.get_data(as_text=True)


def test_wrong_pairs_give_one_message_that_never_says_which_part_was_wrong(demo_client):
    who, other = person("age56"), person("resigned")
    wrong_date = identify(demo_client, who.kpj, who.birth_date + timedelta(days=1))
    wrong_number = identify(demo_client, other.kpj, who.birth_date)
    unknown = identify(demo_client, "99999999999", who.birth_date)

    def first_message(page):
        html = page.get_data(as_text=True)
        return re.search(r'class="error-summary-list">\s*<li>(.*?)</li>', html, re.S).group(1)

    assert main_attr(wrong_date, "data-step") == "identify"
    assert "tidak cocok" in first_message(wrong_date)
    assert first_message(wrong_date) == first_message(wrong_number)
    assert main_attr(unknown, "data-state") == "staff"


def test_the_second_wrong_pair_offers_staff_in_the_same_message(demo_client):
    who = person("age56")
    first = identify(demo_client, who.kpj, who.birth_date + timedelta(days=1))
    second = identify(demo_client, who.kpj, who.birth_date + timedelta(days=2))
    assert "Atau tekan Panggil Petugas" not in first.get_data(as_text=True)
    assert "Atau tekan Panggil Petugas" in second.get_data(as_text=True)
    # What is shown is said: the screen's voice offers staff too, after the wrong-pair words.
    spoken = re.search(r'<audio[^>]*data-text="([^"]*)"', second.get_data(as_text=True))[1]
    assert spoken.startswith("Nomor dan tanggal lahir tidak cocok")
    assert "Atau tekan Panggil Petugas. Petugas akan membantu Anda." in spoken
    assert "Atau tekan Panggil Petugas" not in re.search(
        r'<audio[^>]*data-text="([^"]*)"', first.get_data(as_text=True))[1]


def test_GIVEN_three_wrong_pairs_THEN_the_kiosk_stops_asking_and_offers_staff_without_locking(
        app, demo_client, client):
    who = person("age56")
    for days in (1, 2, 3):
        page = identify(demo_client, who.kpj, who.birth_date + timedelta(days=days))
    assert main_attr(page, "data-state") == "staff"
    assert 'data-action="call-staff"' in page.get_data(as_text=True)
    # The kiosk no longer takes numbers in this visit...
    again = demo_client.post("/identify", data={"number": who.kpj}, follow_redirects=True)
    assert main_attr(again, "data-state") == "staff"
    # ...but nothing is held against the participant: a new visit lets the right pair in.
    start(client)
    assert main_attr(identify(client, who.kpj, who.birth_date), "data-step") == "selfie"


def test_failed_pairs_are_limited_per_kiosk_across_visits(app, client):
    load_demo(app)
    app.config["IDENTIFY_KIOSK_FAILURES"] = 4
    who = person("age56")
    for visit in range(2):
        start(client)
        for days in (1, 2):
            identify(client, who.kpj, who.birth_date + timedelta(days=days + 10 * visit))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FailedIdentification)) == 4
    # The next person is not blamed: the kiosk says it is resting and calls staff itself.
    page = start(client)
    assert main_attr(page, "data-state") == "resting"
    assert "tidak cocok" not in page.get_data(as_text=True)
    assert "bukan salah Anda" in page.get_data(as_text=True)
    with app.app_context():
        calls = db.session.scalars(select(HelpRequest)).all()
        assert [(c.reason, c.step, c.status) for c in calls] == [
            ("wrong_identity", "identify", "open")]
        assert calls[0].session_id == db.session.scalars(select(KioskSession)).one().id
    # Failures older than the window no longer count.
    with app.app_context():
        for row in db.session.scalars(select(FailedIdentification)):
            row.at -= timedelta(minutes=app.config["IDENTIFY_KIOSK_WINDOW_MINUTES"] + 1)
        db.session.commit()
    assert main_attr(client.get("/identify"), "data-state") is None


@pytest.mark.parametrize("posted", ["1970-02-30", "31-12-1970", "1899-12-31", "2027-01-01"])
def test_a_birth_date_that_cannot_be_is_refused_in_plain_words(demo_client, posted):
    demo_client.post("/identify", data={"number": person("age56").kpj})
    response = demo_client.post("/birth-date", data={"birth_date": posted})
    assert response.status_code == 422
    assert "Tanggal itu tidak ada di kalender" in response.get_data(as_text=True)


def test_the_date_by_parts_day_then_month_then_year(demo_client):
    who = person("age56")
    demo_client.post("/identify", data={"number": who.kpj})
    month = demo_client.post("/birth-date", data={"day": who.birth_date.day})
    assert main_attr(month, "data-state") == "month"
    year = demo_client.post("/birth-date", data={"month": who.birth_date.month})
    assert main_attr(year, "data-state") == "year"
    typed = demo_client.post("/birth-date", data={"year": "19", "key": "7"})
    assert 'value="197"' in typed.get_data(as_text=True)
    done = demo_client.post("/birth-date", data={"year": str(who.birth_date.year)},
                            follow_redirects=True)
    assert main_attr(done, "data-step") == "selfie"


def test_31_april_by_parts_is_refused_and_the_day_asked_again(demo_client):
    demo_client.post("/identify", data={"number": person("age56").kpj})
    demo_client.post("/birth-date", data={"day": 31})
    demo_client.post("/birth-date", data={"month": 4})
    response = demo_client.post("/birth-date", data={"year": "1970"})
    assert response.status_code == 422
    assert main_attr(response, "data-state") == "error"
    assert main_attr(demo_client.get("/birth-date"), "data-state") == "day"


def test_keypad_keys_work_without_script(demo_client):
    typed = demo_client.post("/identify", data={"number": "1234", "key": "5"})
    assert 'value="12345"' in typed.get_data(as_text=True)
    deleted = demo_client.post("/identify", data={"number": "12345", "key": "del"})
    assert 'value="1234"' in deleted.get_data(as_text=True)
    cleared = demo_client.post("/identify", data={"number": "12345", "key": "clear"})
    assert 'value=""' in cleared.get_data(as_text=True)
    full = demo_client.post("/identify", data={"number": "1" * 16, "key": "2"})
    assert 'value="111111 111111 1111"' in full.get_data(as_text=True)


def test_step_events_are_anonymous(app, demo_client):
    who = person("age56")
    identify(demo_client, who.kpj, who.birth_date)
    with app.app_context():
        events = db.session.scalars(select(StepEvent).order_by(StepEvent.id)).all()
        outcomes = [(e.step, e.outcome) for e in events]
        assert ("welcome", "start") in outcomes and ("birth-date", "identified") in outcomes
        visit = db.session.scalars(select(KioskSession)).one()
        for event in events:
            fields = f"{event.kiosk_id} {event.session_token} {event.step} {event.outcome}"
            for secret in (who.kpj, who.nik, who.full_name, visit.id):
                assert secret not in fields
        assert {e.session_token for e in events} == {visit.event_token}


def test_a_help_request_is_not_duplicated_while_one_is_open(app, demo_client):
    demo_client.post("/call-staff")
    demo_client.post("/back")
    demo_client.post("/call-staff")
    with app.app_context():
        requests = db.session.scalars(select(HelpRequest)).all()
        assert [(r.kiosk_id, r.reason, r.status) for r in requests] == [("K01", "asked", "open")]


def test_too_many_date_posts_from_one_address_are_slowed_in_plain_words(app, tmp_path,
                                                                       database_url):
    """`app` is requested so its teardown empties the tables this second app writes."""
    from kiosk import create_app
    from kiosk.config import config_for_tests
    from kiosk.extensions import limiter

    limited = create_app(config_for_tests(tmp_path, database_url, RATELIMIT_ENABLED=True))
    limiter.reset()
    client = limited.test_client()
    start(client)
    client.post("/identify", data={"number": person("age56").kpj})
    statuses = [client.post("/birth-date", data={"day": 1}).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429
    page = client.post("/birth-date", data={"day": 1})
    assert "Tunggu satu menit" in page.get_data(as_text=True)
    assert main_attr(page, "data-state") == "error"
    limiter.reset()
