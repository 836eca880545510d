"""kiosk.biometrics on the fixture portraits and their degraded variants (tests/facekit.py)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from kiosk.biometrics import (
    Advice,
    FrameReport,
    HeadTurn,
    Steady,
    analyse,
    decode_jpeg,
    embed,
    match,
)
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


@pytest.mark.parametrize("name", facekit.PEOPLE)
def test_the_head_turn_analysis_without_the_eye_checks_finds_the_same_face_and_angle(name):
    frame = facekit.turned(name, 0.3)
    full, quick = analyse(frame), analyse(frame, eyes=False)
    assert (quick.face, quick.landmarks, quick.yaw) == (full.face, full.landmarks, full.yaw)
    assert quick.eyes_found is None and quick.glasses is None


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


def _face(yaw: float, roll: float = 0.0, eyes: float = 90.0, at=(320.0, 200.0), faces: int = 1):
    """A report whose 5 landmarks give this yaw ratio, tilt, eye distance and eye midpoint."""
    corners = [(-eyes / 2 - 12, 0), (-eyes / 2 + 12, 0), (eyes / 2 - 12, 0), (eyes / 2 + 12, 0),
               (yaw * eyes, 0.6 * eyes)]
    turn = np.radians(roll)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    points = np.array(corners) @ rotation.T + np.array(at)
    return FrameReport(advice=Advice.GOOD, face=(int(at[0] - eyes), int(at[1] - eyes), 200, 200),
                       landmarks=tuple(map(tuple, points)), faces=faces, yaw=yaw)


def _play(turn: HeadTurn, reports, start: float = 0.0, every: float = 0.3,
          face_distance: float = 0.3) -> list[str]:
    """Feed reports `every` seconds apart; answer the face check with `face_distance`."""
    statuses = []
    for i, report in enumerate(reports):
        status = turn.update(report, start + i * every)
        if turn.needs_face_check:
            status = turn.same_face(face_distance)
        statuses.append(status)
    return statuses


SLOW_TURN = [0.0, 0.0, 0.07, 0.12, 0.17, 0.2, 0.17, 0.12, 0.07, 0.02]


def test_a_slow_turn_out_and_back_passes_and_survives_json_half_way():
    turn = HeadTurn(baseline=0.0)
    first = _play(turn, [_face(y) for y in SLOW_TURN[:5]])
    assert first == ["waiting", "waiting", "turning", "turning", "turned"]
    turn = HeadTurn.from_dict(json.loads(json.dumps(turn.to_dict())))
    assert _play(turn, [_face(y) for y in SLOW_TURN[5:]], start=1.5)[-1] == "passed"


@pytest.mark.parametrize("name", facekit.PEOPLE)
def test_the_synthetic_head_turn_passes_and_a_swung_photo_does_not(name):
    for frames, wanted in ((facekit.head_turn_frames(name), "passed"),
                           (facekit.photo_attack_frames(name), "waiting")):
        reports = [analyse(f) for f in frames]
        turn = HeadTurn(baseline=float(np.median([r.yaw for r in reports[:4]])))
        assert _play(turn, reports)[-1] == wanted


@pytest.mark.parametrize("name", facekit.PEOPLE)
def test_a_photo_then_its_mirror_image_never_passes(name):
    photo = facekit.selfie_frame(name)
    reports = [analyse(f) for f in [photo] * 4 + [facekit.mirrored(photo), photo] * 3]
    turn = HeadTurn(baseline=reports[0].yaw)
    statuses = _play(turn, reports)
    assert "passed" not in statuses
    # Where the mirror image moves the angle past facing the screen, it is a jump.
    if abs(reports[4].yaw - reports[0].yaw) > 0.06:
        assert statuses[4] == "failed" and turn.reason == "jump"


@pytest.mark.parametrize(("yaws", "reason"), [
    ([0.0, 0.2], "jump"),  # turned between two frames
    ([0.0, 0.1, 0.3], "jump"),  # a step of 0.2 on the way out
    ([0.0, 0.08, 0.16, 0.2, -0.08], "flip"),  # to the other side without facing the screen
])
def test_a_turn_that_is_not_one_gradual_movement_fails(yaws, reason):
    turn = HeadTurn(baseline=0.0)
    assert _play(turn, [_face(y) for y in yaws])[-1] == "failed" and turn.reason == reason


@pytest.mark.parametrize(("change", "value"), [("eyes", 120.0), ("at", (380.0, 200.0)),
                                               ("roll", 12.0)])
def test_a_face_that_changes_size_place_or_tilt_at_once_is_a_jump(change, value):
    turn = HeadTurn(baseline=0.0)
    assert _play(turn, [_face(0.0), _face(0.03, **{change: value})]) == ["waiting", "failed"]
    assert turn.reason == "jump"


def test_a_turn_may_end_quickly_but_another_face_at_the_turn_fails():
    quick_back = [0.0, 0.07, 0.13, 0.18, 0.0]
    assert _play(HeadTurn(baseline=0.0), [_face(y) for y in quick_back])[-1] == "passed"
    turn = HeadTurn(baseline=0.0)
    assert _play(turn, [_face(y) for y in quick_back], face_distance=0.8)[-2] == "failed"
    assert turn.reason == "other_face"
    unchecked = HeadTurn(baseline=0.0)
    for i, yaw in enumerate(quick_back):
        unchecked.update(_face(yaw), i * 0.3)
    assert unchecked.status == "failed" and unchecked.reason == "other_face"


@pytest.mark.parametrize(("every", "reason"), [(0.04, "fast"), (2.0, "slow")])
def test_a_turn_in_an_implausible_time_fails(every, reason):
    turn = HeadTurn(baseline=0.0)
    assert _play(turn, [_face(y) for y in SLOW_TURN], every=every)[-1] == "failed"
    assert turn.reason == reason


def test_a_turn_seen_without_a_frame_between_is_not_counted_and_must_be_made_again():
    turn = HeadTurn(baseline=0.0)
    statuses = _play(turn, [_face(y) for y in (0.0, 0.05, 0.16, 0.2, 0.1, 0.0)])
    assert statuses == ["waiting", "waiting", "waiting", "waiting", "waiting", "waiting"]
    assert _play(turn, [_face(y) for y in SLOW_TURN[1:]], start=2.0)[-1] == "passed"


def test_a_lost_face_restarts_the_turn_from_the_screen():
    turn = HeadTurn(baseline=0.0)
    lost = FrameReport(advice=Advice.NO_FACE)
    statuses = _play(turn, [_face(0.0), _face(0.08), _face(0.16), lost, _face(0.16), _face(0.1),
                            _face(0.0)])
    assert statuses == ["waiting", "turning", "turned", "waiting", "waiting", "waiting",
                        "waiting"]
    assert _play(turn, [_face(y) for y in SLOW_TURN[1:]], start=3.0)[-1] == "passed"
    assert HeadTurn(baseline=0.0).update(_face(0.0, faces=2), 0.0) == "waiting"


def test_no_turn_fails_after_its_frames_or_its_time():
    turn = HeadTurn(baseline=0.0, max_frames=5)
    assert _play(turn, [_face(0.01)] * 5) == ["waiting"] * 4 + ["failed"]
    assert turn.reason == "timeout"
    slow = HeadTurn(baseline=0.0)
    assert _play(slow, [_face(0.01)] * 3, every=20.0)[-1] == "failed"


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


def test_steady_starts_with_a_neutral_code_and_waits_before_a_patient_code():
    from kiosk.biometrics import Steady

    steady = Steady(shown="start", patience={"no-face": 5})
    shown = [steady.update("no-face")[0] for _ in range(5)]
    assert shown == ["start"] * 4 + ["no-face"]
    assert [steady.update("good")[0] for _ in range(2)] == ["no-face", "good"]
    # Kept in the visit between frames: the patience goes with it.
    again = Steady.from_dict(steady.to_dict())
    assert [again.update("no-face")[0] for _ in range(4)] == ["good"] * 4


def test_steady_without_patience_shows_the_first_code_at_once():
    from kiosk.biometrics import Steady

    assert Steady().update("closer")[0] == "closer"
