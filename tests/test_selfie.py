"""The selfie step through the Flask client, with real frames made from the fixture portraits."""
from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from kiosk.extensions import db
from kiosk.models import (
    Capture,
    Claim,
    HelpRequest,
    KioskSession,
    Participant,
    ReferenceEmbedding,
    StepEvent,
    utcnow,
)
from tests import facekit
from tests.facekit import jpeg
from tests.helpers import (
    FIXTURES,
    identify,
    load_demo,
    main_attr,
    person,
    post_frame,
    staff_accepts,
    start,
)

WHO = "age56"
FRAME_SECONDS = 0.3  # camera.js: an answer, then 250 ms, then the next frame


@pytest.fixture(autouse=True)
def camera_clock(monkeypatch):
    """Let each frame arrive FRAME_SECONDS after the one before, as from the kiosk's camera."""
    ticks = iter(range(1_000_000))
    monkeypatch.setattr("kiosk.participant.selfie.clock",
                        lambda: 1_800_000_000 + FRAME_SECONDS * next(ticks), raising=False)


def give_photo(app, key: str = WHO, photo: str | None = "obama2.jpg") -> None:
    """Set the reference photo (the e-KTP record's) of a demo participant."""
    with app.app_context():
        row = db.session.scalar(select(Participant).where(Participant.kpj == person(key).kpj))
        row.photo_path = str(FIXTURES / "faces" / photo) if photo else None
        db.session.commit()


@pytest.fixture
def at_selfie(app, client):
    load_demo(app)
    give_photo(app)
    start(client)
    who = person(WHO)
    page = identify(client, who.kpj, who.birth_date)
    assert main_attr(page, "data-step") == "selfie" and main_attr(page, "data-state") == "intro"
    return client


def open_camera(client):
    page = client.post("/selfie/start", follow_redirects=True)
    assert main_attr(page, "data-state") == "camera"
    return page


def frames_until(client, frames, wanted: str, limit: int = 60) -> dict:
    """Post frames (cycling) until the answer's state is `wanted`; return that answer."""
    for i in range(limit):
        answer = post_frame(client, "/selfie/frame", frames[i % len(frames)])
        if answer["state"] == wanted:
            return answer
    raise AssertionError(f"never reached {wanted}; last answer {answer}")


def one_try(client, name: str):
    """Steady frontal frames, the head turn, then the match; return the page it ends on."""
    frames_until(client, [facekit.selfie_frame(name)], "liveness")
    frames_until(client, facekit.head_turn_frames(name), "matching")
    return client.post("/selfie/match", follow_redirects=True)


def camera_again(client):
    """On the pause after a try: Buka kamera."""
    page = client.post("/selfie/start", follow_redirects=True)
    assert main_attr(page, "data-state") == "camera"
    return page


def outcomes(app) -> list[str]:
    with app.app_context():
        return [e.outcome for e in db.session.scalars(
            select(StepEvent).where(StepEvent.step == "selfie").order_by(StepEvent.id))]


def help_reasons(app) -> list[str]:
    with app.app_context():
        return [h.reason for h in db.session.scalars(select(HelpRequest).order_by(HelpRequest.id))]


def test_the_balance_stays_closed_until_the_face_is_checked(at_selfie):
    for url in ("/balance", "/reason", "/amount", "/review"):
        assert main_attr(at_selfie.get(url, follow_redirects=True), "data-step") == "selfie"


def test_the_intro_shows_three_pictures_and_a_staff_choice(at_selfie):
    html = at_selfie.get("/selfie").get_data(as_text=True)
    assert html.count('<li><img src="/static/img/selfie/') == 3
    assert 'data-action="prefer-staff"' in html and 'data-action="next"' in html


def test_GIVEN_the_same_person_WHEN_good_frames_turn_and_match_THEN_the_balance_follows(
        app, at_selfie):
    open_camera(at_selfie)
    first = post_frame(at_selfie, "/selfie/frame", facekit.selfie_frame("obama"))
    # One good frame is not yet a verdict: the camera's opening words stay.
    assert first["state"] == "camera" and first["advice"] == "start" and first["text"]
    second = post_frame(at_selfie, "/selfie/frame", facekit.selfie_frame("obama"))
    assert second["advice"] == "good" and second["text"] == "Bagus. Tahan sebentar."
    liveness = frames_until(at_selfie, [facekit.selfie_frame("obama")], "liveness")
    assert liveness["advice"] == "turn"
    page = at_selfie.get("/selfie")
    assert main_attr(page, "data-state") == "liveness"
    frames_until(at_selfie, facekit.head_turn_frames("obama"), "matching")
    assert main_attr(at_selfie.get("/selfie"), "data-state") == "matching"
    balance = at_selfie.post("/selfie/match", follow_redirects=True)
    # The balance is shown on the reason screen.
    assert main_attr(balance, "data-step") == "reason"
    assert 'data-testid="balance">Rp12.345.678<' in balance.get_data(as_text=True)
    with app.app_context():
        visit = db.session.scalars(select(KioskSession)).one()
        identity = visit.data["identity"]
        assert identity["by"] == "selfie" and identity["decision"] == "accepted"
        assert 0.3 < identity["distance"] < 0.5  # obama.jpg against obama2.jpg: two photos
        assert identity["tries"] == 1
    assert "accepted_first_try" in outcomes(app)
    assert "advice_good" in outcomes(app)


def test_a_photo_swung_in_front_of_the_camera_does_not_pass_the_head_turn(app, at_selfie):
    app.config["SELFIE_TRIES"] = 5
    open_camera(at_selfie)
    frames_until(at_selfie, [facekit.selfie_frame("obama")], "liveness")
    attack = facekit.photo_attack_frames("obama")
    states = {post_frame(at_selfie, "/selfie/frame", attack[i % len(attack)])["state"]
              for i in range(70)}
    assert "matching" not in states
    assert "retry_turn" in outcomes(app)  # the try ran out: the camera opens again with advice


def post_all(client, frames) -> list[str]:
    """Post each frame once; return the states the kiosk answered."""
    return [post_frame(client, "/selfie/frame", frame)["state"] for frame in frames]


@pytest.mark.parametrize("name", ["obama2", "biden"])  # their mirror images move the yaw 0.27, 0.16
def test_a_photo_then_its_mirror_image_then_the_photo_again_is_not_a_head_turn(
        app, at_selfie, name):
    open_camera(at_selfie)
    photo = facekit.selfie_frame(name)
    frames_until(at_selfie, [photo], "liveness")
    states = post_all(at_selfie, [facekit.mirrored(photo), photo, photo])
    assert "matching" not in states and states[0] == "retry"  # the try ends at the jump
    assert "liveness_jump" in outcomes(app) and "retry_turn" in outcomes(app)


def test_another_persons_turned_face_shown_for_a_moment_is_not_a_head_turn(app, at_selfie):
    open_camera(at_selfie)
    frames_until(at_selfie, [facekit.selfie_frame("obama")], "liveness")
    states = post_all(at_selfie, [facekit.turned("biden", 0.3), facekit.selfie_frame("obama")])
    assert "matching" not in states and "liveness_jump" in outcomes(app)


def test_someone_else_turning_in_line_with_the_participants_photo_is_not_their_head_turn(
        app, at_selfie):
    # Eyes scaled and placed on the participant's, so only the faces themselves differ.
    open_camera(at_selfie)
    frames_until(at_selfie, [facekit.selfie_frame("obama")], "liveness")
    states = post_all(at_selfie, facekit.impostor_turn_frames("obama", "grace_hopper"))
    assert "matching" not in states and "liveness_other_face" in outcomes(app)


def test_a_head_turned_all_at_once_between_two_frames_is_not_a_slow_turn(app, at_selfie):
    open_camera(at_selfie)
    photo = facekit.selfie_frame("obama")
    frames_until(at_selfie, [photo], "liveness")
    states = post_all(at_selfie, [facekit.turned("obama", 0.45)] * 2 + [photo] * 2)
    assert "matching" not in states and "liveness_jump" in outcomes(app)


def test_GIVEN_another_person_WHEN_the_tries_run_out_THEN_staff_are_called_and_nothing_is_locked(
        app, at_selfie):
    open_camera(at_selfie)
    for attempt in range(1, 3):
        page = one_try(at_selfie, "biden")
        assert main_attr(page, "data-state") == "retry"
        assert "Foto belum cocok" in page.get_data(as_text=True)
        camera_again(at_selfie)
    page = one_try(at_selfie, "biden")
    assert main_attr(page, "data-state") == "staff"
    assert "memeriksa e-KTP" in page.get_data(as_text=True)
    assert help_reasons(app) == ["identity_check"]
    assert outcomes(app).count("retry_no_match") == 3 and "staff_tries" in outcomes(app)
    # The tries belong to this visit only: the next visit starts afresh.
    start(at_selfie)
    who = person(WHO)
    page = identify(at_selfie, who.kpj, who.birth_date)
    assert main_attr(page, "data-state") == "intro"


def test_staff_accept_by_hand_and_the_screen_goes_on(app, at_selfie):
    at_selfie.post("/selfie/prefer-staff")
    assert at_selfie.get("/wait?at=selfie&ack=0&held=1").status_code == 204  # still waiting
    staff_accepts(app)
    page = at_selfie.get("/selfie", follow_redirects=True)
    assert main_attr(page, "data-step") == "reason"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(HelpRequest).where(
            HelpRequest.status != "resolved")) == 0


def test_identity_accept_names_a_kiosk_with_nobody_waiting(app, client):
    load_demo(app)
    start(client)
    result = app.test_cli_runner().invoke(args=["identity", "accept", "K01"])
    assert result.exit_code == 1 and "Nobody at kiosk K01" in result.output
    result = app.test_cli_runner().invoke(args=["identity", "accept", "K99"])
    assert result.exit_code == 1 and "There is no kiosk K99" in result.output


@pytest.mark.parametrize(("frame", "advice"), [
    (lambda: facekit.dark(facekit.selfie_frame("obama")), "more-light"),
    (lambda: facekit.selfie_frame("obama", 0.14), "closer"),
    (lambda: facekit.two_faces(), "many-faces"),
    (lambda: facekit.blurred(facekit.selfie_frame("obama")), "hold-still"),
])
def test_each_frame_gets_the_one_advice_that_helps_and_it_does_not_flicker(
        at_selfie, frame, advice):
    open_camera(at_selfie)
    image = frame()
    answers = [post_frame(at_selfie, "/selfie/frame", image) for _ in range(2)]
    assert answers[-1]["advice"] == advice and answers[-1]["progress"] == 0
    # One good frame in between does not change what is shown.
    post_frame(at_selfie, "/selfie/frame", facekit.selfie_frame("obama"))
    assert post_frame(at_selfie, "/selfie/frame", image)["advice"] == advice


def test_no_camera_or_a_refusal_calls_staff_with_a_plain_message(app, at_selfie):
    open_camera(at_selfie)
    page = at_selfie.post("/selfie/camera-failed", data={"problem": "refused"},
                          follow_redirects=True)
    assert main_attr(page, "data-state") == "staff"
    assert "tidak bisa dipakai" in page.get_data(as_text=True)
    assert help_reasons(app) == ["camera"] and "staff_camera_refused" in outcomes(app)


def test_without_a_reference_photo_staff_check_the_e_ktp(app, client):
    load_demo(app)
    give_photo(app, photo=None)
    start(client)
    who = person(WHO)
    page = identify(client, who.kpj, who.birth_date)
    assert main_attr(page, "data-state") == "staff"
    assert help_reasons(app) == ["identity_check"]


def test_with_demo_on_a_participant_without_a_photo_is_enrolled_from_the_selfie(app, client):
    app.config["DEMO"] = True
    load_demo(app)
    give_photo(app, photo=None)
    start(client)
    who = person(WHO)
    page = identify(client, who.kpj, who.birth_date)
    assert main_attr(page, "data-state") == "intro" and "Demo:" in page.get_data(as_text=True)
    open_camera(client)
    assert main_attr(one_try(client, "biden"), "data-step") == "reason"
    with app.app_context():
        row = db.session.scalar(select(Participant).where(Participant.kpj == who.kpj))
        assert row.photo_path and row.photo_path.endswith(f"{who.kpj}.jpg")
    # The next visit is matched against that first selfie.
    start(client)
    identify(client, who.kpj, who.birth_date)
    open_camera(client)
    assert main_attr(one_try(client, "obama"), "data-state") == "retry"  # not biden


def test_bad_bytes_and_oversized_frames_are_refused_plainly(at_selfie):
    open_camera(at_selfie)
    junk = at_selfie.post("/selfie/frame", data=b"not a jpeg", content_type="image/jpeg")
    assert junk.status_code == 400 and junk.get_json()["advice"] == "start"
    huge = at_selfie.post("/selfie/frame", data=b"\xff" * 2_100_000, content_type="image/jpeg")
    assert huge.status_code == 413


def test_back_from_the_camera_returns_to_the_pictures(at_selfie):
    open_camera(at_selfie)
    page = at_selfie.post("/back", follow_redirects=True)
    assert main_attr(page, "data-step") == "selfie" and main_attr(page, "data-state") == "intro"
    page = at_selfie.post("/back", follow_redirects=True)
    assert main_attr(page, "data-step") == "birth-date"


def test_biometric_data_is_kept_only_while_needed_and_never_logged(app, at_selfie, caplog):
    caplog.set_level(logging.DEBUG)
    open_camera(at_selfie)
    frames_until(at_selfie, [facekit.selfie_frame("obama")], "liveness")
    frames_until(at_selfie, facekit.head_turn_frames("obama"), "matching")
    with app.app_context():  # the kept frame's embedding waits for the match in the visit...
        assert db.session.scalars(select(KioskSession)).one().data["selfie"]["kept_embedding"]
    page = at_selfie.post("/selfie/match", follow_redirects=True)
    assert main_attr(page, "data-step") == "reason"
    with app.app_context():
        assert "kept_embedding" not in db.session.scalars(select(KioskSession)).one().data[
            "selfie"]  # ...and no longer
        kept = db.session.scalars(select(Capture)).all()
        assert [c.kind for c in kept] == ["selfie"]  # the best frame, while the visit lasts
        image = kept[0].image
    # Walk to a saved claim; the claim keeps the decision, the distance and the time only.
    at_selfie.post("/reason", data={"reason": "retirement_age"})
    at_selfie.post("/amount")
    at_selfie.get("/review")
    at_selfie.post("/review")
    with app.app_context():
        claim = db.session.scalars(select(Claim)).one()
        assert set(claim.details["identity"]) == {"by", "decision", "distance", "tries", "at"}
    at_selfie.post("/start-over")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Capture)) == 0
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert image[:64].hex() not in logged.replace(" ", "")
    assert "\xff\xd8" not in logged and "distance" not in logged


def test_the_reference_photo_is_embedded_once_until_it_changes_and_goes_with_the_participant(
        app, at_selfie, monkeypatch, caplog):
    from kiosk import references

    caplog.set_level(logging.DEBUG)
    computed = []
    embed_photo = references.reference_embedding
    monkeypatch.setattr(references, "reference_embedding",
                        lambda image: computed.append(1) or embed_photo(image))
    open_camera(at_selfie)
    post_frame(at_selfie, "/selfie/frame", facekit.selfie_frame("biden"))
    assert len(computed) == 1  # with the first frame, before any match
    for _ in range(2):  # two tries that do not match, then another visit: no new embedding
        assert main_attr(one_try(at_selfie, "biden"), "data-state") == "retry"
        camera_again(at_selfie)
    start(at_selfie)
    identify(at_selfie, person(WHO).kpj, person(WHO).birth_date)
    open_camera(at_selfie)
    assert main_attr(one_try(at_selfie, "obama"), "data-step") == "reason"
    assert len(computed) == 1
    with app.app_context():
        kept = db.session.scalars(select(ReferenceEmbedding)).one()
        assert len(kept.embedding) == 128 * 4 and len(kept.photo_sha256) == 64
        vector = kept.embedding
    give_photo(app, photo="biden.jpg")  # a new photo on the record: embedded again
    start(at_selfie)
    identify(at_selfie, person(WHO).kpj, person(WHO).birth_date)
    open_camera(at_selfie)
    assert main_attr(one_try(at_selfie, "obama"), "data-state") == "retry"  # not biden
    assert len(computed) == 2
    with app.app_context():
        assert db.session.scalars(select(ReferenceEmbedding)).one().embedding != vector
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert vector[:32].hex() not in logged.replace(" ", "")
    start(at_selfie)  # the participant's record goes: the embedding goes with it
    with app.app_context():
        db.session.execute(delete(Participant).where(Participant.kpj == person(WHO).kpj))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(ReferenceEmbedding)) == 0


def test_a_retention_period_keeps_the_selfie_that_long_and_purge_deletes_it(app, at_selfie):
    app.config["RETENTION_SELFIE_HOURS"] = 2
    open_camera(at_selfie)
    one_try(at_selfie, "obama")
    at_selfie.post("/start-over")
    runner = app.test_cli_runner()
    assert "0 kept image(s) deleted" in runner.invoke(args=["retention", "purge"]).output
    with app.app_context():
        kept = db.session.scalars(select(Capture)).one()
        assert kept.session_id is None
        assert kept.delete_after - utcnow() > timedelta(hours=1, minutes=59)
        kept.delete_after = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert "1 kept image(s) deleted" in runner.invoke(args=["retention", "purge"]).output


def test_a_frame_in_flight_when_the_visit_ends_is_answered_not_crashed(app, at_selfie, monkeypatch):
    """Start over (or a staff reset) in another request while a frame is analysed: the frame's
    request answers the page-left-open screen (a 4xx, which camera.js takes in its stride) and
    keeps nothing of the visit."""
    from kiosk import visits
    from kiosk.participant import selfie

    open_camera(at_selfie)
    real = selfie.analyse

    def analyse_while_the_visit_ends(*args, **kwargs):
        with app.app_context():
            assert visits.end_kiosk_visits("K01", "staff_reset") == 1
            db.session.commit()
        return real(*args, **kwargs)

    monkeypatch.setattr(selfie, "analyse", analyse_while_the_visit_ends)
    answer = at_selfie.post("/selfie/frame", data=jpeg(facekit.selfie_frame("obama")),
                            content_type="image/jpeg")
    assert answer.status_code == 409
    assert main_attr(answer, "data-state") == "error"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(KioskSession)) == 0
        assert db.session.scalar(select(func.count()).select_from(Capture)) == 0


# --- one instruction at a time; a calm pause between tries ---------------------------------------

def test_the_camera_opens_with_what_to_do_and_no_face_is_said_only_after_a_while(app, at_selfie):
    from kiosk.participant.selfie import NO_FACE_PATIENCE

    page = open_camera(at_selfie).get_data(as_text=True)
    assert 'data-advice="start"' in page and "Wajah Anda belum terlihat" not in page
    nobody = facekit.dark(facekit.selfie_frame("obama"), 0.0)  # a camera still starting: black
    answers = [post_frame(at_selfie, "/selfie/frame", nobody) for _ in range(NO_FACE_PATIENCE)]
    assert [a["advice"] for a in answers[:-1]] == ["start"] * (NO_FACE_PATIENCE - 1)
    assert answers[-1]["advice"] == "no-face"
    # A face that leaves the picture for a moment is not "no face" either.
    for _ in range(3):
        post_frame(at_selfie, "/selfie/frame", facekit.selfie_frame("obama"))
    shown = [post_frame(at_selfie, "/selfie/frame", nobody)["advice"] for _ in range(3)]
    assert "no-face" not in shown


def test_while_the_head_turns_the_turn_is_the_only_instruction(at_selfie):
    open_camera(at_selfie)
    frames_until(at_selfie, [facekit.selfie_frame("obama")], "liveness")
    answers = [post_frame(at_selfie, "/selfie/frame", frame)
               for frame in facekit.head_turn_frames("obama")[:6]]
    assert {a["advice"] for a in answers if a["state"] == "liveness"} == {"turn"}
    assert all(a["text"] == "Putar kepala pelan, lalu lihat layar lagi." for a in answers
               if a["state"] == "liveness")
    page = at_selfie.get("/selfie")
    assert main_attr(page, "data-state") == "liveness"
    shown = re.sub(r"<[^>]*>", " ", re.search(r"<main.*</main>", page.get_data(as_text=True),
                                              re.S).group())  # the words on screen, not in tags
    assert "Tahan sebentar" not in shown and shown.count("Putar kepala pelan") == 1


def test_after_a_try_that_does_not_match_the_camera_waits_for_the_participant(app, at_selfie):
    open_camera(at_selfie)
    page = one_try(at_selfie, "biden")
    text = page.get_data(as_text=True)
    assert main_attr(page, "data-state") == "retry"
    assert "Foto belum cocok dengan data kami." in text  # why
    assert "Lepaskan kacamata dan topi." in text and "no-glasses.svg" in text  # what to change
    assert "Anda masih bisa mencoba 2 kali." in text
    assert 'data-action="next">Buka kamera<' in text and 'data-action="prefer-staff"' in text
    assert "data-camera" not in text  # the camera is off while the participant gets ready
    # Frames that still arrive (a page left open) do not use up a try.
    answer = post_frame(at_selfie, "/selfie/frame", facekit.selfie_frame("biden"))
    assert answer["state"] == "retry" and answer["next"]
    with app.app_context():
        assert db.session.scalars(select(KioskSession)).one().data["selfie"]["tries"] == 1
    camera_again(at_selfie)
    assert outcomes(app)[-2:] == ["retry_no_match", "camera_again"]
