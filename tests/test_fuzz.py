"""Fuzz every participant form and both camera frame endpoints: no input may get a 500.

Each test walks the journey once to a step (a checkpoint), then Hypothesis sends one request per
example with random fields, values and headers; before each example the visit is put back as it
was at the checkpoint, so every request meets a view that really parses its fields. `app.testing`
is on, so a crash raises here instead of being turned into the error screen.

Bounded for the normal suite and derandomised, so a run is repeatable; FUZZ_EXAMPLES=N runs N
random examples per test instead (a longer hunt; failures are printed with the request).
"""
from __future__ import annotations

import copy
import io
import os
import struct

import cv2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kiosk import visits
from kiosk.extensions import db
from kiosk.models import KioskSession, utcnow
from tests import facekit, paperkit
from tests.helpers import load_demo, person, start
from tests.test_hostile_input import (
    WHO,
    to_amount,
    to_bank_account,
    to_birth_date,
    to_paper_camera,
    to_phone_entry,
    to_selfie_camera,
    to_year,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0"))


def bounded(examples: int) -> settings:
    """Settings for one fuzz test: `examples` derandomised examples, or FUZZ_EXAMPLES random."""
    return settings(max_examples=EXAMPLES or examples, derandomize=not EXAMPLES, deadline=None,
                    database=None, print_blob=bool(EXAMPLES),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- checkpoints: a visit walked to a step, put back before every example ------------------------

def to_selfie(client) -> None:
    to_selfie_camera(client.application, client)


def to_reason(client) -> None:
    to_amount(client)  # the reason chosen, on the amount screen: Back is the reason step
    client.post("/back")


def to_review(client) -> None:
    to_amount(client)
    client.post("/amount")  # Ya, benar: the account and the phone on file


def to_receipt(client) -> None:
    to_review(client)
    client.post("/review")


class Checkpoint:
    """The visit (or none) as a walk left it, and how to put it back."""

    def __init__(self, app, client):
        self.app, self.client = app, client
        with app.app_context():
            row = db.session.scalars(select(KioskSession)).one_or_none()
            self.row = None if row is None else {
                column.key: copy.deepcopy(getattr(row, column.key))
                for column in KioskSession.__table__.columns}

    def restore(self) -> None:
        with self.app.app_context():
            rows = db.session.scalars(select(KioskSession)).all()
            if self.row is not None and [row.id for row in rows] == [self.row["id"]]:
                # The usual case, and a quick one: the same visit, changed by the request.
                for key, value in copy.deepcopy(self.row).items():
                    setattr(rows[0], key, value)
                rows[0].updated_at = utcnow()
            else:
                visits.end_kiosk_visits(self.app.config["KIOSK_ID"], "replaced")
                if self.row is not None:
                    db.session.add(KioskSession(**{**copy.deepcopy(self.row),
                                                   "updated_at": utcnow()}))
            db.session.commit()
        with self.client.session_transaction() as cookie:
            cookie.pop("sid", None)
            if self.row is not None:
                cookie["sid"] = self.row["id"]


def checkpoint(app, client, walk) -> Checkpoint:
    load_demo(app)
    # Wrong pairs pile up across examples; the kiosk-wide lockout would hide the forms behind it.
    app.config["IDENTIFY_KIOSK_FAILURES"] = 10**9
    if walk is not None:
        walk(client)
    return Checkpoint(app, client)


# --- what a hostile or confused browser sends ----------------------------------------------------

FIELDS = ["number", "key", "day", "month", "year", "birth_date", "choice", "bank_name", "account",
          "confirm", "reason", "toggle", "done", "answer", "problem", "score", "language", "slow",
          "off", "volume", "step", "csrf_token"]
CODES = ["keep", "new", "yes", "no", "1", "0", "5", "31", "12", "13", "del", "clear", "BRI", "XXX",
         "retirement_age", "resignation", "partial_10", "partial_30", "death", "disability",
         "resignation_letter", "ktp", "up", "down", "id", "en", "jv", "su", "missing", "refused",
         "1970-01-01", "1966-05-15", "2026-02-29", "0000-00-00", person(WHO).kpj,
         person(WHO).birth_date.isoformat(), "081234567890", "+6281234567890", "12345678"]
ODD = ["²", "¹²", "²²²²", "٣", "١٢٣٤٥٦٧٨٩٠", "１２", "𝟗", "⁰⁸¹²", "-1", "+3", " 7", "3.0",
       "0x1f", "1e3", "NaN", "∞", "\x00", "\u200b1", "1\u0301", "null", "[]", "{}", "%00", "../"]
huge = st.builds(lambda unit, times: unit * times, st.sampled_from(["9", "²", "٣", "a", "\x00"]),
                 st.sampled_from([100, 4301, 100_000]))
# Two draws in three are odd or huge: those are what break parsers.
values = st.one_of(
    st.sampled_from(ODD), huge,
    st.one_of(st.sampled_from(CODES), st.text(max_size=30),
              st.text(alphabet="0123456789 .-+", max_size=30),
              st.integers(-10**30, 10**30).map(str)),
)


def forms(fields: list[str]):
    """A posted form: mostly the step's own fields, sometimes any field or a made-up one."""
    names = st.one_of(st.sampled_from(fields), st.sampled_from(FIELDS), st.text(max_size=8))
    return st.dictionaries(names, values, max_size=4)


header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF,
                                    exclude_characters="\x7f"), max_size=40)
odd_urls = st.sampled_from(["http://[", "http://[::1", "http://localhost:99999/", "//", "http://a b/",
                            "http://localhost/bank"])
headers = st.fixed_dictionaries({}, optional={
    "HX-Request": st.sampled_from(["true", "true", "false", ""]),
    "HX-Current-URL": st.one_of(odd_urls, header_text),
    "HX-Boosted": st.sampled_from(["true", "false"]),
    "HX-History-Restore-Request": st.sampled_from(["true", "false"]),
    "HX-Trigger": header_text,
    "Accept-Language": header_text,
    "Cookie": header_text,
})

SIDE_DOORS = ["/back", "/start-over", "/language", "/text-size", "/call-staff", "/still-here",
              "/voice/settings", "/start"]
# checkpoint name: (walk, the forms posted there, the fields they read, the screens shown there)
CHECKPOINTS = {
    "welcome": (None, ["/start", "/language", "/identify", "/birth-date"], ["language"],
                ["/", "/identify"]),
    "identify": (start, ["/identify", "/birth-date"], ["number", "key"], ["/identify"]),
    "birth-date-day": (to_birth_date, ["/birth-date"], ["day", "month", "birth_date"],
                       ["/birth-date"]),
    "birth-date-year": (to_year, ["/birth-date"], ["year", "key", "day", "month", "birth_date"],
                        ["/birth-date"]),
    "selfie": (to_selfie, ["/selfie/start", "/selfie/prefer-staff", "/selfie/camera-failed",
                           "/selfie/match"], ["problem"], ["/selfie", "/selfie/wait"]),
    "reason": (to_reason, ["/balance", "/reason", "/amount"], ["reason", "confirm"],
               ["/balance", "/reason", "/amount"]),
    "bank": (to_bank_account, ["/bank"], ["account", "key", "bank_name", "choice", "confirm"],
             ["/bank"]),
    "phone": (to_phone_entry, ["/phone"], ["number", "key", "choice"], ["/phone"]),
    "documents": (to_paper_camera, ["/documents", "/documents/check", "/documents/skip"],
                  ["toggle", "done", "answer", "problem"], ["/documents", "/documents/photo"]),
    "review": (to_review, ["/review", "/review/change"], ["step", "confirm"], ["/review"]),
    "receipt": (to_receipt, ["/receipt", "/survey"], ["score"], ["/receipt", "/survey"]),
}


def requests_at(name: str):
    """One request a browser might send at this checkpoint: method, address, form, headers."""
    _walk, posts, fields, gets = CHECKPOINTS[name]
    own = st.tuples(st.just("POST"), st.sampled_from(posts), forms(fields), headers)
    side = st.tuples(st.just("POST"), st.sampled_from(SIDE_DOORS), forms(fields), headers)
    shown = st.tuples(st.just("GET"), st.sampled_from(gets), st.just({}), headers)
    # The step's own forms three times as often as a side door or a screen.
    return st.one_of(own, own, own, side, shown)

@pytest.mark.parametrize("name", list(CHECKPOINTS))
def test_no_form_at_any_step_gets_a_500(app, client, name):
    point = checkpoint(app, client, CHECKPOINTS[name][0])

    @bounded(60)
    @given(request=requests_at(name))
    def one_request(request):
        method, url, form, sent = request
        point.restore()
        response = client.open(url, method=method, data=form, headers=sent)
        assert response.status_code < 500, (method, url, form, sent)
        if response.mimetype == "text/html":  # the strict CSP refuses inline styles
            assert b" style=" not in response.data and b"<style" not in response.data

    one_request()


# --- camera frames: random bytes, broken and bomb-shaped JPEGs, other formats ---------------------

def _jpeg(frame, **flags) -> bytes:
    params = [cv2.IMWRITE_JPEG_PROGRESSIVE, 1] if flags.get("progressive") else []
    ok, data = cv2.imencode(".jpg", frame, params)
    return data.tobytes()


def _base_frames() -> list[bytes]:
    face = cv2.resize(facekit.selfie_frame("obama"), (320, 240))
    paper = cv2.resize(paperkit.page_frame(), (320, 180))
    ok, png = cv2.imencode(".png", face)
    return [_jpeg(face), _jpeg(paper), _jpeg(face, progressive=True), png.tobytes()]


BASES = _base_frames()


def _declared(jpeg: bytes, width: int, height: int) -> bytes:
    at = jpeg.find(b"\xff\xc0") + 5 if b"\xff\xc0" in jpeg else jpeg.find(b"\xff\xc2") + 5
    return jpeg[:at] + struct.pack(">HH", height, width) + jpeg[at + 4:]


def _mutated(base: bytes, edits: list[tuple[int, int]]) -> bytes:
    data = bytearray(base)
    for position, byte in edits:
        data[position % len(data)] = byte
    return bytes(data)


bases = st.sampled_from(BASES[:3])
frame_bodies = st.one_of(
    st.binary(max_size=4096),
    st.sampled_from(BASES),
    st.builds(lambda base, cut: base[:cut], bases, st.integers(0, 4000)),
    st.builds(_mutated, bases, st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)),
                                        min_size=1, max_size=12)),
    st.builds(_declared, bases, st.integers(0, 65535), st.integers(0, 65535)),
    st.builds(lambda tail: b"\xff\xd8" + tail, st.binary(max_size=512)),
    st.builds(lambda base, times: base[:-2] + base[base.find(b"\xff\xda"):-2] * times + base[-2:],
              bases, st.integers(1, 80)),
)
content_types = st.sampled_from(["image/jpeg", "image/png", "application/octet-stream",
                                 "application/x-www-form-urlencoded", "multipart/form-data",
                                 "text/plain", None])


@pytest.mark.parametrize("name, url", [("selfie", "/selfie/frame"),
                                       ("documents", "/documents/frame")])
def test_no_frame_gets_a_500(app, client, name, url):
    point = checkpoint(app, client, CHECKPOINTS[name][0])

    @bounded(60)
    @given(body=frame_bodies, content_type=content_types, chunked=st.booleans(), sent=headers)
    def one_frame(body, content_type, chunked, sent):
        point.restore()
        if chunked:  # no Content-Length: the server reads until the stream ends
            response = client.post(url, input_stream=io.BytesIO(body), content_type=content_type,
                                   headers={**sent, "Transfer-Encoding": "chunked"},
                                   environ_overrides={"wsgi.input_terminated": True})
        else:
            response = client.post(url, data=body, content_type=content_type, headers=sent)
        assert response.status_code < 500, (body[:64], len(body), content_type, chunked, sent)

    one_frame()


def test_the_fuzzed_frames_include_ones_the_camera_screens_accept(app, client):
    """Guard the fuzz itself: its unbroken frames reach the analysis (200), not only refusals."""
    checkpoint(app, client, CHECKPOINTS["selfie"][0])
    answers = [client.post("/selfie/frame", data=body, content_type="image/jpeg").status_code
               for body in BASES]
    assert answers == [200, 200, 200, 400]  # the PNG is refused
