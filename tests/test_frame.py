"""The frame every participant screen shares: htmx fragments, headers, sessions, side doors."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from kiosk import create_app
from kiosk.config import config_for_tests
from kiosk.extensions import db
from kiosk.models import HelpRequest, Kiosk, KioskSession
from tests.helpers import identify, load_demo, main_attr, person, recognised, start

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://localhost/"}


def test_a_full_page_on_first_load_and_only_main_for_htmx(client):
    page = client.get("/").get_data(as_text=True)
    fragment = client.get("/", headers=HTMX)
    html = fragment.get_data(as_text=True)
    assert page.startswith("<!doctype html>") and 'data-action="call-staff"' in page
    assert html.lstrip().startswith("<title>Selamat datang – Kiosk JHT</title>")
    assert "<main" in html and "<header" not in html and 'id="live"' not in html
    assert "HX-Request" in fragment.headers["Vary"]


def test_boosted_and_history_restore_requests_get_the_whole_page(client):
    for extra in ({"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}):
        html = client.get("/", headers={**HTMX, **extra}).get_data(as_text=True)
        assert html.startswith("<!doctype html>")


def test_htmx_pushes_a_new_screen_and_replaces_the_same_one(app, client):
    load_demo(app)
    start(client)
    moved = client.get("/identify", headers=HTMX)
    assert moved.headers["HX-Push-Url"] == "/identify"
    again = client.post("/identify", data={"number": "1"},
                        headers={**HTMX, "HX-Current-URL": "http://localhost/identify"})
    assert again.headers["HX-Replace-Url"] == "/identify" and "HX-Push-Url" not in again.headers


def test_participant_pages_are_never_cached_and_carry_a_strict_csp(client):
    response = client.get("/")
    assert response.headers["Cache-Control"] == "no-store"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert 'hx-history="false"' in response.get_data(as_text=True)
    assert '"historyCacheSize": 0' in response.get_data(as_text=True)


def test_the_cookie_holds_a_signed_id_and_nothing_of_the_participant(app, client):
    load_demo(app)
    who = person("age56")
    start(client)
    identify(client, who.kpj, who.birth_date)
    with client.session_transaction() as cookie_session:
        assert set(cookie_session) <= {"sid", "csrf_token"}
        sid = cookie_session["sid"]
    with app.app_context():
        assert db.session.get(KioskSession, sid).participant_id is not None
    raw_cookie = client.get_cookie("session").value
    for secret in (who.kpj, who.nik, who.full_name, str(who.balance)):
        assert secret not in raw_cookie


def test_post_without_csrf_token_is_refused_with_a_plain_screen(app, tmp_path, database_url):
    """`app` is requested so its teardown empties the tables this second app writes."""
    strict = create_app(config_for_tests(tmp_path, database_url, WTF_CSRF_ENABLED=True))
    response = strict.test_client().post("/start")
    assert response.status_code == 400
    assert main_attr(response, "data-state") == "error"
    assert "Tekan Mulai lagi" in response.get_data(as_text=True)


def test_start_over_wipes_the_visit(app, client):
    load_demo(app)
    who = person("age56")
    start(client)
    identify(client, who.kpj, who.birth_date)
    page = client.post("/start-over", follow_redirects=True)
    assert main_attr(page, "data-step") == "welcome"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(KioskSession)) == 0
    # The balance is gone for whoever comes next.
    assert main_attr(client.get("/balance", follow_redirects=True), "data-step") == "welcome"


def test_starting_a_visit_wipes_what_the_last_person_left_on_this_kiosk(app, client):
    load_demo(app)
    who = person("age56")
    start(client)
    identify(client, who.kpj, who.birth_date)
    next_person = app.test_client()
    start(next_person)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(KioskSession)) == 1
    assert main_attr(client.get("/balance", follow_redirects=True), "data-step") == "welcome"


def test_back_walks_the_journey_backwards(app, client):
    load_demo(app)
    who = person("age56")
    start(client)
    client.post("/identify", data={"number": who.kpj})
    client.post("/birth-date", data={"day": 5})
    assert main_attr(client.post("/back", follow_redirects=True), "data-state") == "day"
    back = client.post("/back", follow_redirects=True)
    assert main_attr(back, "data-step") == "identify"
    assert 'value="10 000 056 001"' in back.get_data(as_text=True)  # the number is kept
    assert main_attr(client.post("/back", follow_redirects=True), "data-step") == "welcome"


def test_english_is_one_tap_away_and_stays_for_the_visit(app, client):
    load_demo(app)
    who = person("age56")
    welcome = client.post("/language", data={"language": "en"}, follow_redirects=True)
    assert '<html lang="en" ' in welcome.get_data(as_text=True)
    identify_page = client.post("/start", follow_redirects=True)
    assert "Your card number" in identify_page.get_data(as_text=True)
    balance = recognised(client, who.kpj, who.birth_date).get_data(as_text=True)
    since = who.membership_start
    assert "Your JHT money" in balance and "In BPJS since" in balance
    assert f"{since:%B} {since.day}, {since.year}" in balance  # Babel's English long date


def html_attr(response, name: str) -> str | None:
    """An attribute of <html> in a whole page."""
    match = re.search(r"<html\b[^>]*\b" + name + r'="([^"]*)"', response.get_data(as_text=True))
    return match.group(1) if match else None


def test_text_size_steps_through_100_125_150_and_lasts_for_the_visit(app, client):
    page = start(client)
    assert html_attr(page, "data-text-size") == "100"
    seen = []
    for _ in range(4):
        page = client.post("/text-size", follow_redirects=True)  # the plain form: the screen again
        assert main_attr(page, "data-step") == "identify"
        seen.append(html_attr(page, "data-text-size"))
        # The Settings button shows the size it is at.
        assert f'data-text-size-value>{seen[-1]}%</span>' in page.get_data(as_text=True)
    assert seen == ["125", "150", "100", "125"]
    assert html_attr(client.get("/identify"), "data-text-size") == "125"  # every screen after
    with app.app_context():
        assert db.session.scalars(select(KioskSession)).one().text_size == 125
    # The next person starts at 100 %.
    client.post("/start-over")
    assert html_attr(start(client), "data-text-size") == "100"


def test_kiosk_js_gets_the_new_look_as_json_and_the_screen_is_not_sent_again(client):
    start(client)
    answer = client.post("/text-size", headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.is_json
    look = answer.get_json()
    assert (look["text_size"], look["contrast"]) == (125, "normal") and len(look["visit"]) == 16
    look = client.post("/contrast", headers={"Accept": "application/json"}).get_json()
    assert (look["text_size"], look["contrast"]) == (125, "high")


def test_high_contrast_toggles_for_the_visit_and_before_any_visit(app, client):
    welcome = client.get("/")
    assert html_attr(welcome, "data-contrast") == "normal"
    page = client.post("/contrast", follow_redirects=True)  # on the welcome screen: a visit begins
    assert main_attr(page, "data-step") == "welcome"
    assert html_attr(page, "data-contrast") == "high"
    assert re.search(r'data-action="contrast"\s+aria-pressed="true"', page.get_data(as_text=True))
    assert html_attr(start(client), "data-contrast") == "high"  # Mulai keeps the visit's look
    page = client.post("/contrast", follow_redirects=True)
    assert html_attr(page, "data-contrast") == "normal"
    assert re.search(r'data-action="contrast"\s+aria-pressed="false"', page.get_data(as_text=True))


def test_the_visit_tag_tells_one_visit_from_the_next_and_hides_its_id(app, client):
    page = start(client).get_data(as_text=True)
    tag = re.search(r'<body\b[^>]*\bdata-visit="([0-9a-f]{16})"', page).group(1)
    assert f'data-visit="{tag}"' in page.split("<main", 1)[1].split(">", 1)[0]
    with client.session_transaction() as cookie_session:
        assert tag not in cookie_session["sid"]
    client.post("/start-over")
    assert main_attr(client.get("/", headers=HTMX), "data-visit") == ""
    assert main_attr(start(client), "data-visit") not in ("", tag)


def test_start_over_asks_first_and_asking_changes_nothing(app, client):
    load_demo(app)
    who = person("age56")
    start(client)
    identify(client, who.kpj, who.birth_date)  # the selfie's intro
    asked = client.get("/start-over")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and main_attr(asked, "data-step") == "start-over"
    assert "Mulai lagi dari awal?" in html and "Semua yang sudah Anda isi akan dihapus." in html
    # Kembali first (the biggest answer), a GET of the screen the participant was on; the yes
    # posts to /start-over.
    main = html.split("<main", 1)[1]
    assert main.index('data-action="back"') < main.index('data-action="confirm-start-over"')
    assert re.search(r'<form method="get" action="/selfie"[^>]*>\s*<button class="button '
                     r'button--primary button--big[^"]*"\s*data-action="back"', main)
    assert re.search(r'<form method="post" action="/start-over"[^>]*>\s*<input[^>]*>\s*'
                     r'<button[^>]*data-action="confirm-start-over"', main)
    assert 'data-action="start-over"' not in main  # no second Start over on the question
    # It is said aloud, as every screen is.
    assert re.search(r'data-voice="start-over"[^>]*data-text="Mulai lagi dari awal\? Semua yang '
                     r'sudah Anda isi akan dihapus\.', main)
    # Nothing changed: the visit is where it was, and Kembali shows that screen again.
    with app.app_context():
        row = db.session.scalars(select(KioskSession)).one()
        assert (row.step, row.participant_id is not None) == ("selfie", True)
    assert main_attr(client.get("/selfie"), "data-step") == "selfie"
    # The yes ends the visit.
    assert main_attr(client.post("/start-over", follow_redirects=True), "data-step") == "welcome"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(KioskSession)) == 0


def test_every_screen_asks_through_the_question_and_the_welcome_screen_has_nothing_to_ask(client):
    # Before a visit, or on welcome, there is nothing to lose: the question is not asked.
    assert main_attr(client.get("/start-over", follow_redirects=True), "data-step") == "welcome"
    client.post("/language", data={"language": "en"})  # a visit on the welcome screen
    assert main_attr(client.get("/start-over", follow_redirects=True), "data-step") == "welcome"
    page = start(client).get_data(as_text=True)
    assert re.search(r'<form method="get" action="/start-over" hx-get="/start-over">\s*'
                     r'<button[^>]*data-action="start-over"', page)
    asked = client.get("/start-over")
    assert "Start over from the beginning?" in asked.get_data(as_text=True)  # the visit's language


def test_after_the_claim_is_sent_the_question_says_it_stays_saved(app, client):
    start(client)
    with app.app_context():
        db.session.scalars(select(KioskSession)).one().step = "receipt"
        db.session.commit()
    asked = client.get("/start-over")
    assert (main_attr(asked, "data-step"), main_attr(asked, "data-state")) == ("start-over", "saved")
    html = asked.get_data(as_text=True)
    assert "Klaim Anda tetap tersimpan." in html and "akan dihapus" not in html
    assert 'data-voice="start-over/saved"' in html


def test_the_frame_has_three_controls_in_the_toolbar_and_the_rest_in_settings(client):
    page = start(client).get_data(as_text=True)
    after_main = page.split("</main>", 1)[1]
    toolbar = after_main.split('<section class="toolbar"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'data-action="([\w-]+)"', toolbar) == ["hear-again", "settings", "call-staff"]
    assert 'commandfor="settings" command="show-modal"' in toolbar
    settings = after_main.split('<dialog id="settings"', 1)[1].split("</dialog>", 1)[0]
    assert re.findall(r'data-action="([\w-]+)"', settings) == [
        "text-size", "contrast", "slower", "volume-down", "volume-up", "speech-off",
        "close-settings"]
    assert re.findall(r'data-choice="(\w+)"', settings) == ["id", "en", "jv", "su"]
    assert 'aria-labelledby="settings-title"' in page and 'id="settings-title"' in settings
    # Each hook once on the page: the voice controls are voice.js's (.voicebar).
    for hook in ("hear-again", "slower", "volume-down", "volume-up", "speech-off", "text-size",
                 "contrast", "settings"):
        assert page.count(f'data-action="{hook}"') == 1, hook
    assert '<div class="voicebar' in toolbar and 'class="setting voicebar"' in settings


def test_call_staff_records_a_request_and_continuing_returns_to_the_step(app, client):
    start(client)
    page = client.post("/call-staff", follow_redirects=True)
    assert main_attr(page, "data-step") == "staff-coming"
    with app.app_context():
        request = db.session.scalars(select(HelpRequest)).one()
        assert (request.kiosk_id, request.reason, request.step) == ("K01", "asked", "identify")
    assert main_attr(client.post("/back", follow_redirects=True), "data-step") == "identify"


def test_call_staff_works_before_any_visit_started(app, client):
    page = client.post("/call-staff", follow_redirects=True)
    assert main_attr(page, "data-step") == "staff-coming"
    assert main_attr(client.post("/back", follow_redirects=True), "data-step") == "welcome"


def test_a_visit_left_alone_past_the_idle_warning_is_wiped_by_the_server(app, client):
    start(client)
    with app.app_context():
        row = db.session.scalars(select(KioskSession)).one()
        row.updated_at -= timedelta(seconds=app.config["IDLE_SECONDS"]
                                    + app.config["IDLE_WARNING_SECONDS"] + 31)
        db.session.commit()
    assert main_attr(client.get("/identify", follow_redirects=True), "data-step") == "welcome"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(KioskSession)) == 0


def test_still_here_keeps_the_visit(app, client):
    start(client)
    assert client.post("/still-here").status_code == 204
    assert main_attr(client.get("/identify"), "data-step") == "identify"


def test_a_browser_on_the_network_without_a_device_cookie_is_not_a_kiosk(client):
    response = client.get("/", environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert response.status_code == 403
    assert "belum terdaftar" in response.get_data(as_text=True)


def test_an_enrolled_browser_is_its_kiosk_and_the_link_works_once(app, runner):
    result = runner.invoke(args=["kiosk", "add", "K02", "--name", "Lobby right"])
    assert result.exit_code == 0, result.output
    path = "/enrol/" + result.output.split("/enrol/")[1].split()[0]
    browser = app.test_client()
    browser.get(path, environ_base={"REMOTE_ADDR": "192.0.2.20"})
    page = browser.get("/", environ_base={"REMOTE_ADDR": "192.0.2.20"})
    assert page.status_code == 200
    browser.post("/start", environ_base={"REMOTE_ADDR": "192.0.2.20"})
    with app.app_context():
        assert db.session.scalars(select(KioskSession)).one().kiosk_id == "K02"
        assert db.session.get(Kiosk, "K02").current_step == "identify"
    assert app.test_client().get(path).status_code == 404


def test_an_unknown_page_is_a_plain_screen_with_a_way_back(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert main_attr(response, "data-state") == "error"
    assert 'data-action="start-over"' in response.get_data(as_text=True)


def test_settings_come_from_the_environment_and_bad_ones_are_named(tmp_path):
    import pytest

    from kiosk.config import ConfigError, config_from_env

    config = config_from_env({"SELF_SERVICE_LIMIT": "10000000", "HOLIDAYS": "2026-12-25,2026-12-26",
                              "DATABASE_URL": "postgresql://u@h/db"}, instance_dir=tmp_path)
    assert config["SELF_SERVICE_LIMIT"] == 10_000_000
    assert len(config["HOLIDAYS"]) == 2
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert (tmp_path / "secret_key").read_text() == config["SECRET_KEY"]
    for name, value in [("SELF_SERVICE_LIMIT", "15jt"), ("HOLIDAYS", "25-12-2026"),
                        ("IDLE_WARNING_SECONDS", "5"), ("BRANCH_CODE", "12")]:
        with pytest.raises(ConfigError, match=name):
            config_from_env({name: value}, instance_dir=tmp_path)
