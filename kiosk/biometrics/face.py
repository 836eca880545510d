"""One camera frame in, one report out: where the face is, how good the picture is, what to say.

Detection runs on a copy scaled to DETECT_WIDTH pixels wide (dlib's HOG finds faces from about
80 px, so a face a sixth of the frame wide is still found); the 5 landmarks run on the full frame.
Thresholds were calibrated on the five public-domain portraits in tests/fixtures/faces and their
degraded variants (tests/facekit.py); the numbers are in bench/calibrate_selfie.py's output and
the closing note of the camera issue.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import cv2
import dlib
import numpy as np

from kiosk.biometrics import models
from kiosk.biometrics.jpeg import PHOTO_MAX_SIDE, jpeg_size

DETECT_WIDTH = 480

# Size: the face's width as a share of the frame's width.
MIN_SIZE = 0.20
MAX_SIZE = 0.62
# Centre: the face centre's distance from the frame centre, as a share of the frame.
MAX_OFFSET_X = 0.16
MAX_OFFSET_Y = 0.20
# Light: mean grey level (0-255) of the face, and how much brighter the surround is.
MIN_BRIGHTNESS = 65
BACKLIGHT_MARGIN = 32
BACKLIGHT_FACE_BELOW = 100
# Sharpness: variance of the Laplacian of the face scaled to SHARPNESS_WIDTH pixels wide.
SHARPNESS_WIDTH = 160
MIN_SHARPNESS = 50.0
# Pose: the nose's sideways offset from the eye midpoint over the eye distance, and eye-line tilt.
MAX_YAW = 0.35
MAX_ROLL_DEGREES = 14.0
# Eyes: Haar cascades look in a square of 2 x EYE_PATCH eye distances around each eye.
EYE_PATCH = 0.35
# Glasses: horizontal edges on the bridge between the eyes over its contrast. Without a frame
# the fixtures gave 0.86-0.99; Grace Hopper's glasses 1.87.
GLASSES_BRIDGE = 1.4


class Advice(StrEnum):
    """The one thing to tell the participant, most important first; words live in translations."""

    NO_FACE = "no-face"
    MANY_FACES = "many-faces"
    CLOSER = "closer"
    BACK = "back"
    CENTRE = "centre"
    MORE_LIGHT = "more-light"
    BACKLIT = "backlit"
    HOLD_STILL = "hold-still"
    LOOK_STRAIGHT = "look-straight"
    OPEN_EYES = "open-eyes"
    GLASSES = "glasses"
    GOOD = "good"


# Advice that is shown but does not hold the photo back: Haar eye checks can be wrong, and a
# participant must never be stuck on advice they cannot follow. The match decides.
SOFT_ADVICE = frozenset({Advice.OPEN_EYES, Advice.GLASSES})


@dataclass(frozen=True)
class FrameReport:
    """What one frame showed. Measures and positions only: never pixels."""

    advice: Advice
    face: tuple[int, int, int, int] | None = None  # x, y, w, h in the frame's pixels
    landmarks: tuple[tuple[float, float], ...] | None = None  # dlib's 5 points
    faces: int = 0
    size: float = 0.0
    offset: tuple[float, float] = (0.0, 0.0)
    brightness: float = 0.0
    backlight: float = 0.0
    sharpness: float = 0.0
    yaw: float | None = None
    roll: float | None = None
    eyes_found: int | None = None
    glasses: bool | None = None
    quality: float = 0.0

    @property
    def usable(self) -> bool:
        """Good enough to keep: good, or only soft advice."""
        return self.advice == Advice.GOOD or self.advice in SOFT_ADVICE


def decode_jpeg(data: bytes, max_side: int = 1280,
                largest: int = PHOTO_MAX_SIDE) -> np.ndarray | None:
    """Decode a JPEG to BGR, at most max_side long; None for anything else or above `largest`."""
    # The header is read first: a decoder allocates whatever size the header declares.
    size = jpeg_size(data)
    if size is None or max(size) > largest:
        return None
    try:
        image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    except cv2.error:
        return None
    if image is None or image.size == 0:
        return None
    longest = max(image.shape[:2])
    if longest > max_side:
        scale = max_side / longest
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return image


def detect_faces(gray: np.ndarray, width: int = DETECT_WIDTH, upsample: int = 0) -> list:
    """Find faces on a copy `width` pixels wide; return dlib rectangles in `gray`'s pixels."""
    scale = min(1.0, width / gray.shape[1]) if width else 1.0
    small = gray if scale == 1.0 else cv2.resize(gray, None, fx=scale, fy=scale,
                                                 interpolation=cv2.INTER_AREA)
    with models.LOCK:
        found = models.face_detector()(small, upsample)
    return [dlib.rectangle(int(r.left() / scale), int(r.top() / scale),
                           int(r.right() / scale), int(r.bottom() / scale)) for r in found]


def landmarks(gray: np.ndarray, rect) -> dlib.full_object_detection:
    with models.LOCK:
        return models.landmarks_5()(gray, rect)


def pose(points: np.ndarray) -> tuple[float, float]:
    """Yaw ratio and roll (degrees) from dlib's 5 points (two corners per eye, then the nose)."""
    eye_a = points[0:2].mean(axis=0)
    eye_b = points[2:4].mean(axis=0)
    axis = eye_b - eye_a
    distance = float(np.linalg.norm(axis)) or 1.0
    unit = axis / distance
    nose = points[4] - (eye_a + eye_b) / 2
    yaw = float(np.dot(nose, unit)) / distance
    roll = math.degrees(math.atan2(axis[1], axis[0]))
    if roll > 90:
        roll -= 180
    elif roll < -90:
        roll += 180
    return yaw, roll


def _sharpness(gray_face: np.ndarray) -> float:
    if gray_face.size == 0:
        return 0.0
    scale = SHARPNESS_WIDTH / gray_face.shape[1]
    face = cv2.resize(gray_face, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(face, cv2.CV_64F).var())


def _eyes_found(gray: np.ndarray, points: np.ndarray, eye_distance: float) -> int:
    """Count the eyes a Haar cascade finds open around the eye landmarks (0, 1 or 2)."""
    half = max(8, int(eye_distance * EYE_PATCH))
    cascades = (models.eye_cascade("haarcascade_eye.xml"),
                models.eye_cascade("haarcascade_eye_tree_eyeglasses.xml"))
    found = 0
    for pair in (points[0:2], points[2:4]):
        cx, cy = pair.mean(axis=0)
        patch = gray[max(0, int(cy - half)):int(cy + half), max(0, int(cx - half)):int(cx + half)]
        if min(patch.shape[:2]) < 8:
            continue
        patch = cv2.equalizeHist(cv2.resize(patch, (64, 64), interpolation=cv2.INTER_AREA))
        if any(len(c.detectMultiScale(patch, 1.1, 3, minSize=(12, 12))) for c in cascades):
            found += 1
    return found


def _glasses(gray: np.ndarray, points: np.ndarray, eye_distance: float) -> float:
    """How strongly the bridge between the eyes has horizontal edges (a glasses frame)."""
    mid = (points[1] + points[3]) / 2
    half_w = max(4, int(np.linalg.norm(points[1] - points[3]) * 0.5))
    half_h = max(4, int(eye_distance * 0.3))
    region = gray[max(0, int(mid[1] - half_h)):int(mid[1] + half_h),
                  max(0, int(mid[0] - half_w)):int(mid[0] + half_w)]
    if min(region.shape[:2]) < 4:
        return 0.0
    region = cv2.resize(region, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float64)
    edges = np.abs(cv2.Sobel(region, cv2.CV_64F, 0, 1, ksize=3)).mean()
    return float(edges / (region.std() + 1.0))


def analyse(frame: np.ndarray, eyes: bool = True) -> FrameReport:
    """Judge one BGR camera frame and choose the single most important advice.

    eyes=False skips the eye and glasses checks (a third of the time), for frames that only need
    where the face is and how it is turned (the head turn).
    """
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    height, width = gray.shape
    rects = detect_faces(gray)
    if not rects:
        return FrameReport(advice=Advice.NO_FACE, brightness=float(gray.mean()))
    rects.sort(key=lambda r: r.width() * r.height(), reverse=True)
    main = rects[0]
    # People far behind the participant are not "more than one face"; someone beside them is.
    faces = sum(1 for r in rects if r.width() >= 0.6 * main.width())
    x, y = max(0, main.left()), max(0, main.top())
    w, h = min(width, main.right()) - x, min(height, main.bottom()) - y
    face_pixels = gray[y:y + h, x:x + w]
    brightness = float(face_pixels.mean()) if face_pixels.size else 0.0
    mask = np.ones_like(gray, dtype=bool)
    mask[y:y + h, x:x + w] = False
    surround = float(gray[mask].mean()) if mask.any() else brightness
    backlight = surround - brightness
    sharpness = _sharpness(face_pixels)
    shape = landmarks(gray, main)
    points = np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)
    yaw, roll = pose(points)
    eye_distance = float(np.linalg.norm(points[0:2].mean(axis=0) - points[2:4].mean(axis=0)))
    eyes_found = _eyes_found(gray, points, eye_distance) if eyes else None
    glasses = _glasses(gray, points, eye_distance) > GLASSES_BRIDGE if eyes else None
    size = w / width
    offset = ((x + w / 2) / width - 0.5, (y + h / 2) / height - 0.5)

    if faces > 1:
        advice = Advice.MANY_FACES
    elif size < MIN_SIZE:
        advice = Advice.CLOSER
    elif size > MAX_SIZE:
        advice = Advice.BACK
    elif abs(offset[0]) > MAX_OFFSET_X or abs(offset[1]) > MAX_OFFSET_Y:
        advice = Advice.CENTRE
    elif backlight > BACKLIGHT_MARGIN and brightness < BACKLIGHT_FACE_BELOW:
        advice = Advice.BACKLIT
    elif brightness < MIN_BRIGHTNESS:
        advice = Advice.MORE_LIGHT
    elif sharpness < MIN_SHARPNESS:
        advice = Advice.HOLD_STILL
    elif abs(yaw) > MAX_YAW or abs(roll) > MAX_ROLL_DEGREES:
        advice = Advice.LOOK_STRAIGHT
    elif glasses:
        advice = Advice.GLASSES
    elif eyes_found == 0:
        advice = Advice.OPEN_EYES
    else:
        advice = Advice.GOOD
    quality = (min(sharpness, 400.0) / 400.0 + (1.0 - min(abs(yaw), 1.0))
               + (1.0 - min(1.0, 2 * math.hypot(*offset))) + (1.0 if advice == Advice.GOOD else 0.0))
    return FrameReport(
        advice=advice, face=(x, y, w, h),
        landmarks=tuple((float(px), float(py)) for px, py in points), faces=faces,
        size=round(size, 3), offset=(round(offset[0], 3), round(offset[1], 3)),
        brightness=round(brightness, 1), backlight=round(backlight, 1),
        sharpness=round(sharpness, 1), yaw=round(yaw, 3), roll=round(roll, 1),
        eyes_found=eyes_found, glasses=glasses, quality=round(quality, 3))
