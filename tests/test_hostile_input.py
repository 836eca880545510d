"""Hostile and odd input: image bombs, unbounded bodies, odd digits and headers, device cookies."""
from __future__ import annotations

import io
import re
import struct
import zlib

import cv2
import numpy as np
import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from kiosk import create_app
from kiosk.config import ConfigError, config_for_tests, config_from_env
from kiosk.extensions import db
from kiosk.models import KioskSession, Participant
from tests import facekit
from tests.helpers import FIXTURES, load_demo, main_attr, person, recognised, start

WHO = "age56"
SELFIE, PAPER = "/selfie/frame", "/documents/frame"


# --- walking to the screens that read numbers and frames ------------------------------------------

def visit_data(app) -> dict:
    with app.app_context():
        return db.session.scalars(select(KioskSession)).one().data


def to_birth_date(client) -> None:
    start(client)
    client.post("/identify", data={"number": person(WHO).kpj})


def to_selfie_camera(app, client) -> None:
    """Identified, with a reference photo, the camera open: frames are analysed."""
    who = person(WHO)
    with app.app_context():
        row = db.session.scalar(select(Participant).where(Participant.kpj == who.kpj))
        row.photo_path = str(FIXTURES / "faces" / "obama2.jpg")
        db.session.commit()
    to_birth_date(client)
    client.post("/birth-date", data={"birth_date": who.birth_date.isoformat()})
    page = client.post("/selfie/start", follow_redirects=True)
    assert main_attr(page, "data-state") == "camera"


def to_amount(client, key: str = WHO, reason: str = "retirement_age") -> None:
    """To the amount screen, which shows the account and the phone (Ganti leads to their entry)."""
    who = person(key)
    start(client)
    recognised(client, who.kpj, who.birth_date)
    client.post("/reason", data={"reason": reason})


def to_bank_account(client) -> None:
    to_amount(client)
    client.post("/amount", data={"change": "bank"})
    page = client.post("/bank", data={"bank_name": "BRI"}, follow_redirects=True)
    assert main_attr(page, "data-state") == "account"


def to_phone_entry(client) -> None:
    to_amount(client)
    page = client.post("/amount", data={"change": "phone"}, follow_redirects=True)
    assert main_attr(page, "data-state") == "entry"


def to_paper_camera(client) -> None:
    to_amount(client, "resigned", "resignation")
    client.post("/amount")  # Ya, benar
    client.post("/documents", data={"toggle": "resignation_letter"})
    page = client.post("/documents", data={"done": "1"}, follow_redirects=True)
    assert main_attr(page, "data-state") == "camera"


@pytest.fixture
def demo(app, client):
    load_demo(app)
    return client


@pytest.fixture(params=[SELFIE, PAPER])
def camera(request, app, demo):
    """The client at one of the two camera screens; the frame address as `camera.url`."""
    if request.param == SELFIE:
        to_selfie_camera(app, demo)
    else:
        to_paper_camera(demo)
    demo.url = request.param
    return demo


# --- images: JPEG only, the size read from the header, the body capped as it streams -------------

def small_jpeg(width: int = 64, height: int = 48) -> bytes:
    return facekit.jpeg(np.full((height, width, 3), 128, np.uint8))


def with_declared_size(jpeg: bytes, width: int, height: int) -> bytes:
    """The same JPEG whose start-of-frame header claims another size (what a bomb does)."""
    at = jpeg.index(b"\xff\xc0") + 5  # marker, length, precision, then height and width
    return jpeg[:at] + struct.pack(">HH", height, width) + jpeg[at + 4:]


def png_bomb(side: int = 20000) -> bytes:
    """A 1-bit grey PNG of side x side: a few dozen kB that decode to side² x 3 bytes."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    row = b"\x00" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
            + chunk(b"IEND", b""))


def test_the_header_reader_finds_the_size_and_refuses_what_is_not_a_plain_jpeg():
    from kiosk.biometrics.jpeg import jpeg_size

    assert jpeg_size(small_jpeg(64, 48)) == (64, 48)
    ok, progressive = cv2.imencode(".jpg", np.zeros((30, 40, 3), np.uint8),
                                   [cv2.IMWRITE_JPEG_PROGRESSIVE, 1])
    assert jpeg_size(progressive.tobytes()) == (40, 30)
    assert jpeg_size(with_declared_size(small_jpeg(), 20000, 20000)) == (20000, 20000)
    assert jpeg_size(b"\xff\xd8\xff\xff\xff" + small_jpeg()[2:]) == (64, 48)  # fill bytes
    for not_one in (b"", b"\xff\xd8", b"\x89PNG\r\n\x1a\n", small_jpeg()[:20], b"\xff\xd8\xff\xd9",
                    b"\xff\xd8\xff\xe0\x00\x01", png_bomb(64)):
        assert jpeg_size(not_one) is None, not_one[:12]


@pytest.mark.parametrize("body", [
    pytest.param(lambda: png_bomb(), id="png-20000"),
    pytest.param(lambda: with_declared_size(small_jpeg(), 20000, 20000), id="jpeg-header-20000"),
    pytest.param(lambda: facekit.jpeg(np.zeros((1800, 2400, 3), np.uint8)), id="jpeg-2400"),
])
def test_a_bomb_or_more_than_a_camera_sends_is_refused_before_any_decoding(camera, monkeypatch,
                                                                         body):
    decoded = []
    # Stand in for the decoder: recording instead of decoding keeps the bomb harmless here.
    monkeypatch.setattr(cv2, "imdecode", lambda buffer, flags: decoded.append(len(buffer)))
    answer = camera.post(camera.url, data=body(), content_type="image/jpeg")
    assert answer.status_code == 400 and answer.get_json()["advice"]
    assert decoded == []
    camera.post(camera.url, data=small_jpeg(), content_type="image/jpeg")
    assert len(decoded) == 1  # the stand-in is on the path a camera frame takes


def test_a_chunked_body_without_a_length_is_cut_at_the_cap(camera):
    body = small_jpeg() + b"\x00" * 7_900_000  # a decoder reads the JPEG and ignores the tail
    answer = camera.post(camera.url, input_stream=io.BytesIO(body), content_type="image/jpeg",
                         headers={"Transfer-Encoding": "chunked"},
                         environ_overrides={"wsgi.input_terminated": True})
    assert answer.status_code == 413


def test_a_frame_with_a_length_above_the_cap_is_refused(camera):
    answer = camera.post(camera.url, data=small_jpeg() + b"\x00" * 2_500_000,
                         content_type="image/jpeg")
    assert answer.status_code == 413


# --- numbers: ASCII digits only, and no length makes int() fail -------------------------------

def short(value: str) -> str:
    """A test id for a value that may be 100,000 characters long."""
    return repr(value[:6]) + (f"+{len(value) - 6}" if len(value) > 6 else "")


ODD_NUMBERS = ["²", "¹²", "٣", "１２", "9" * 100_000, "-1", "+3", " 3", "3.0", "0x1f", ""]


@pytest.mark.parametrize("value", ODD_NUMBERS, ids=short)
def test_an_odd_day_is_not_a_day(app, demo, value):
    to_birth_date(demo)
    page = demo.post("/birth-date", data={"day": value})
    assert page.status_code < 500 and main_attr(page, "data-state") == "day"
    assert "day" not in visit_data(app).get("birth", {})


@pytest.mark.parametrize("value", ODD_NUMBERS, ids=short)
def test_an_odd_month_is_not_a_month(app, demo, value):
    to_birth_date(demo)
    demo.post("/birth-date", data={"day": "1"})
    page = demo.post("/birth-date", data={"month": value})
    assert page.status_code < 500 and main_attr(page, "data-state") == "month"
    assert visit_data(app)["birth"] == {"day": 1}


def to_year(client) -> None:
    to_birth_date(client)
    client.post("/birth-date", data={"day": "1"})
    client.post("/birth-date", data={"month": "1"})


@pytest.mark.parametrize("value", ["²²²²", "١٩٧٠", "１９７０"], ids=short)
def test_an_odd_year_is_refused_in_plain_words(app, demo, value):
    to_year(demo)
    page = demo.post("/birth-date", data={"year": value})
    assert page.status_code == 422 and main_attr(page, "data-state") == "error"
    assert value[:4] not in page.get_data(as_text=True)


@pytest.mark.parametrize("value", ["١٩٧٠-٠١-٠١", "19700101", "1970-W01-1", "1970-01-01 ",
                                   "9" * 100_000], ids=short)
def test_only_a_plain_iso_birth_date_is_a_birth_date(demo, value):
    to_birth_date(demo)
    page = demo.post("/birth-date", data={"birth_date": value})
    assert page.status_code == 422 and main_attr(page, "data-state") == "error"


@pytest.mark.parametrize("url, field", [("/identify", "number"), ("/birth-date", "year")])
def test_a_keypad_key_that_is_not_an_ascii_digit_types_nothing(demo, url, field):
    to_birth_date(demo)
    if url == "/birth-date":
        demo.post(url, data={"day": "1"})
        demo.post(url, data={"month": "1"})
    else:
        demo.get("/identify")
    for key in ("²", "٣", "１", "12", "x"):
        page = demo.post(url, data={field: "19", "key": key})
        entry = re.search(rf'<input id="{field}"[^>]*value="([^"]*)"', page.get_data(as_text=True))
        assert entry.group(1).replace(" ", "") == "19", key


@pytest.mark.parametrize("account", ["١٢٣٤٥٦٧٨٩٠", "¹²³⁴⁵⁶⁷⁸⁹⁰", "１２３４５６７８９０"])
def test_odd_digits_are_never_stored_as_a_bank_account(app, demo, account):
    to_bank_account(demo)
    page = demo.post("/bank", data={"account": account})
    assert page.status_code == 422 and main_attr(page, "data-state") == "error"
    assert "bank" not in visit_data(app)


@pytest.mark.parametrize("number", ["٠٨١٢٣٤٥٦٧٨٩٠", "⁰⁸¹²³⁴⁵⁶⁷⁸⁹⁰"])
def test_odd_digits_are_never_stored_as_a_phone_number(app, demo, number):
    to_phone_entry(demo)
    page = demo.post("/phone", data={"number": number})
    assert page.status_code == 422 and main_attr(page, "data-state") == "error"
    assert "phone" not in visit_data(app)


@pytest.mark.parametrize("walk, url, field, kept", [
    (start, "/identify", "number", "number"), (to_year, "/birth-date", "year", "identity"),
    (to_bank_account, "/bank", "account", "bank"), (to_phone_entry, "/phone", "number", "phone"),
], ids=["identify", "year", "bank", "phone"])
def test_a_hundred_thousand_digits_are_refused_without_being_echoed_back(app, demo, walk, url,
                                                                          field, kept):
    walk(demo)
    page = demo.post(url, data={field: "9" * 100_000})
    assert page.status_code == 422 and main_attr(page, "data-state") == "error"
    assert len(page.get_data()) < 50_000
    assert kept not in visit_data(app)


# --- odd headers, and the error page itself ------------------------------------------------------

BAD_URLS = ["http://[", "http://[::1", "http://a:b:c/", "::::", "\x00"]


@pytest.mark.parametrize("current_url", BAD_URLS, ids=short)
def test_an_odd_hx_current_url_is_ignored(demo, current_url):
    start(demo)
    page = demo.get("/identify", headers={"HX-Request": "true", "HX-Current-URL": current_url})
    assert page.status_code == 200 and page.headers["HX-Push-Url"] == "/identify"


@pytest.fixture
def production_app(app, tmp_path, database_url):
    """The app as it runs for real (not testing): a crash gets the error page. `app` empties
    the tables this one writes."""
    return create_app(config_for_tests(tmp_path, database_url, TESTING=False))


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true", "HX-Current-URL": "http://["}])
def test_a_crash_gets_the_error_page_with_a_way_back_even_with_odd_headers(production_app,
                                                                         monkeypatch, headers):
    def crash(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("kiosk.participant.welcome.show", crash)
    page = production_app.test_client().get("/", headers=headers)
    assert page.status_code == 500 and main_attr(page, "data-state") == "error"
    assert 'data-action="start-over"' in page.get_data(as_text=True)


def test_the_error_page_still_answers_when_it_cannot_be_rendered(production_app, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("kiosk.participant.welcome.show", crash)
    monkeypatch.setattr("kiosk.htmx.render_template", crash)  # the error page's own renderer
    page = production_app.test_client().get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 500 and main_attr(page, "data-state") == "error"
    assert 'href="/"' in html and "<script" not in html and "style=" not in html


# --- small things a browser or a branch notices --------------------------------------------------

def test_the_favicon_is_served(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype.startswith("image/")


def test_the_secure_cookie_setting_comes_from_the_environment(tmp_path):
    assert config_from_env({}, instance_dir=tmp_path)["SESSION_COOKIE_SECURE"] is False
    assert config_from_env({"SESSION_COOKIE_SECURE": "1"},
                           instance_dir=tmp_path)["SESSION_COOKIE_SECURE"] is True
    with pytest.raises(ConfigError, match="SESSION_COOKIE_SECURE"):
        config_from_env({"SESSION_COOKIE_SECURE": "maybe"}, instance_dir=tmp_path)


def enrolment_path(output: str) -> str:
    return "/enrol/" + output.split("/enrol/")[1].split()[0]


LAN = {"REMOTE_ADDR": "192.0.2.20"}  # not localhost: only the device cookie makes it a kiosk


def test_behind_https_both_cookies_are_secure(app, tmp_path, database_url):
    secure = create_app(config_for_tests(tmp_path, database_url, SESSION_COOKIE_SECURE=True))
    added = secure.test_cli_runner().invoke(args=["kiosk", "add", "K02", "--name", "Lobby"])
    browser = secure.test_client()
    enrolled = browser.get(enrolment_path(added.output), environ_base=LAN)
    started = browser.post("/start", environ_base=LAN)
    for response, name in ((enrolled, "kiosk_device"), (started, "session")):
        cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(name))
        assert "Secure" in cookie, cookie


def test_a_device_cookie_is_not_derived_from_the_kiosk_id_alone(app, runner):
    runner.invoke(args=["kiosk", "add", "K02", "--name", "Lobby right"])
    browser = app.test_client()
    # What the cookie used to be: anyone with SECRET_KEY could make it, and it never changed.
    forged = URLSafeSerializer(app.secret_key, salt="kiosk-device").dumps("K02")
    browser.set_cookie("kiosk_device", forged)
    assert browser.get("/", environ_base=LAN).status_code == 403


def test_re_enrolling_a_kiosk_revokes_its_old_cookie(app, runner):
    first = runner.invoke(args=["kiosk", "add", "K02", "--name", "Lobby right"])
    old_browser, new_browser = app.test_client(), app.test_client()
    old_browser.get(enrolment_path(first.output), environ_base=LAN)
    assert old_browser.get("/", environ_base=LAN).status_code == 200

    again = runner.invoke(args=["kiosk", "enrol", "K02"])
    assert again.exit_code == 0, again.output
    assert old_browser.get("/", environ_base=LAN).status_code == 403
    assert new_browser.get(enrolment_path(first.output), environ_base=LAN).status_code == 404
    new_browser.get(enrolment_path(again.output), environ_base=LAN)
    assert new_browser.get("/", environ_base=LAN).status_code == 200
    assert old_browser.get("/", environ_base=LAN).status_code == 403


def test_enrolling_an_unknown_kiosk_says_so(runner):
    result = runner.invoke(args=["kiosk", "enrol", "K99"])
    assert result.exit_code == 1 and "K99" in result.output
