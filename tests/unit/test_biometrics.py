"""kiosk.biometrics on the fixture portraits and their degraded variants (tests/facekit.py)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from kiosk.biometrics import Advice, HeadTurn, Steady, analyse, decode_jpeg, embed, match
from kiosk.biometrics import reference_embedding
from tests import facekit

CLEAN = ("obama", "obama2", "biden", "astronaut")


@pytest.mark.parametrize("name", CLEAN)
def test_a_clean_selfie_of_each_person_is_good(name):
    report = analyse(facekit.selfie_frame(name))
    assert report.advice == Advice.GOOD and report.faces == 1 and len(report.landmarks) == 5


@pytest.mark.parametrize("name", facekit.PEOPLE)
@pytest.mark.parametrize(("variant", "advice"), [
    (lambda n: facekit.dark(facekit.selfie_frame(n)), Advice.MORE_LIGHT),
    (lambda n: facekit.backlit(n), Advice.BACKLIT),
    (lambda n: facekit.selfie_frame(n, 0.14), Advice.CLOSER),
    (lambda n: facekit.selfie_frame(n, 0.75), Advice.BACK),
    (lambda n: facekit.selfie_frame(n, dx=0.25), Advice.CENTRE),
    (lambda n: facekit.closed_eyes(n), Advice.OPEN_EYES),
])
def test_each_degraded_variant_gets_its_advice(name, variant, advice):
    assert analyse(variant(name)).advice == advice


@pytest.mark.parametrize("name", CLEAN)
def test_shaking_blurs_the_picture_and_the_advice_is_to_hold_still(name):
    assert analyse(facekit.blurred(facekit.selfie_frame(name))).advice == Advice.HOLD_STILL


def test_no_face_and_two_faces():
    assert analyse(np.full((480, 640, 3), 170, np.uint8)).advice == Advice.NO_FACE
    assert analyse(facekit.two_faces()).advice == Advice.MANY_FACES


def test_a_head_turned_far_is_asked_to_look_straight():
    assert analyse(facekit.turned("biden", 0.6)).advice == Advice.LOOK_STRAIGHT


def test_glasses_are_noticed_on_the_one_portrait_with_glasses_and_nowhere_else():
    assert analyse(facekit.selfie_frame("grace_hopper")).advice == Advice.GLASSES
    assert not any(analyse(facekit.selfie_frame(n)).glasses for n in CLEAN)


def test_decode_refuses_what_is_not_an_image_and_shrinks_what_is_huge():
    assert decode_jpeg(b"") is None and decode_jpeg(b"GIF89a nonsense") is None
    big = np.zeros((3000, 2000, 3), np.uint8)
    assert max(decode_jpeg(facekit.jpeg(big)).shape[:2]) == 1280


def test_steady_advice_changes_only_when_frames_agree_and_survives_json():
    steady = Steady(good=("good",), need=4)
    assert steady.update("closer")[0] == "closer"
    for code in ("back", "closer", "back", "closer"):  # alternating: no flicker
        assert steady.update(code)[0] == "closer"
    steady = Steady.from_dict(json.loads(json.dumps(steady.to_dict())))
    assert steady.update("back")[0] == "closer" and steady.update("back")[0] == "back"
    results = [steady.update("good") for _ in range(4)]
    assert [r[1] for r in results] == [0.25, 0.5, 0.75, 1.0] and results[-1][2]


def test_steady_progress_steps_back_on_a_blip_and_restarts_when_the_face_is_lost():
    steady = Steady(need=4)
    for _ in range(3):
        steady.update("good")
    assert steady.update("hold-still")[1] == 0.25
    assert steady.update("no-face")[1] == 0.0


@pytest.mark.parametrize("name", facekit.PEOPLE)
def test_a_head_turn_passes_and_a_swung_photo_does_not(name):
    for frames, wanted in ((facekit.head_turn_frames(name), "passed"),
                           (facekit.photo_attack_frames(name), "waiting")):
        reports = [analyse(f) for f in frames]
        turn = HeadTurn(baseline=float(np.median([r.yaw for r in reports[:4]])))
        assert [turn.update(r) for r in reports][-1] == wanted


def test_a_head_turn_that_never_comes_fails_after_its_frames_and_survives_json():
    turn = HeadTurn(baseline=0.0, max_frames=5)
    statuses = [turn.update(0.01) for _ in range(5)]
    assert statuses == ["waiting"] * 4 + ["failed"]
    again = HeadTurn.from_dict(json.loads(json.dumps(HeadTurn(0.1).to_dict())))
    assert again.update(None) == "waiting" and again.update(0.3) == "turned"
    assert again.update(0.12) == "passed"


@pytest.fixture(scope="module")
def references():
    return {n: reference_embedding(facekit.load_face(n)) for n in facekit.PEOPLE}


def _embedding(frame):
    return embed(frame, analyse(frame))


def test_the_same_person_in_another_photo_is_accepted(references):
    result = match(_embedding(facekit.selfie_frame("obama")), references["obama2"])
    assert result.decision == "accepted" and 0.3 < result.distance < 0.5


@pytest.mark.parametrize(("selfie", "reference"), [
    ("biden", "obama2"), ("obama", "biden"), ("grace_hopper", "obama"), ("astronaut", "biden")])
def test_another_person_is_rejected(references, selfie, reference):
    assert match(_embedding(facekit.selfie_frame(selfie)), references[reference]).decision \
        == "rejected"


def test_the_band_between_sends_close_calls_to_staff(references):
    # Two women, both photographed in the 1960s-80s: the closest different-person pair measured.
    result = match(_embedding(facekit.turned("astronaut", 0.45)), references["grace_hopper"])
    assert result.decision in ("uncertain", "rejected") and result.distance > 0.6
    assert match(np.zeros(128), np.full(128, 0.05)).decision == "uncertain"  # distance 0.566


def test_a_reference_photo_without_a_face_gives_none():
    assert reference_embedding(np.full((400, 300, 3), 200, np.uint8)) is None
