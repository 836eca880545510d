"""Camera frames made in code from the public-domain portraits in tests/fixtures/faces.

Webcam-like selfies (a face placed in a 640 x 480 frame), the degraded variants the advice must
catch (dark, backlit, blurred, turned, small, off centre, two faces, closed eyes), a head turn made
by a landmark-driven warp that moves the nose and mouth sideways (eyes fixed), a "photo attack"
that only swings the flat photo in perspective, and YUV4MPEG2 4:2:0 files for Chromium's fake
camera. Nothing here is committed as an image: it is all made at test time.
"""
from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import cv2
import numpy as np

from kiosk.biometrics.face import detect_faces, landmarks

FACES = Path(__file__).resolve().parent / "fixtures" / "faces"
PEOPLE = ("obama", "obama2", "biden", "astronaut", "grace_hopper")
SIZE = (640, 480)
BACKGROUND = (170, 176, 180)  # a lobby wall, BGR


@cache
def load_face(name: str) -> np.ndarray:
    """The fixture photograph `name` (without extension), BGR."""
    for suffix in (".jpg", ".png"):
        path = FACES / f"{name}{suffix}"
        if path.exists():
            return cv2.imread(str(path))
    raise FileNotFoundError(name)


@cache
def _portrait(name: str) -> tuple[np.ndarray, np.ndarray]:
    """A square crop around the face (the face ~45% of its width) and its 5 landmarks in it."""
    image = load_face(name)
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    rect = max(detect_faces(gray, width=0, upsample=1), key=lambda r: r.width())
    cx, cy = (rect.left() + rect.right()) / 2, (rect.top() + rect.bottom()) / 2
    half = int(rect.width() * 1.1)
    pad = half * 2
    padded = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=BACKGROUND)
    x0, y0 = int(cx - half) + pad, int(cy - half) + pad
    crop = padded[y0:y0 + 2 * half, x0:x0 + 2 * half].copy()
    points = np.array([(p.x, p.y) for p in landmarks(gray, rect).parts()], dtype=np.float64)
    points -= (cx - half, cy - half)
    return crop, points


def _place(crop: np.ndarray, face_width_frac: float, dx: float, dy: float,
           frame: np.ndarray | None = None) -> np.ndarray:
    width, height = SIZE
    if frame is None:
        frame = np.full((height, width, 3), BACKGROUND, dtype=np.uint8)
    side = max(8, int(face_width_frac * width / 0.45))
    portrait = cv2.resize(crop, (side, side), interpolation=cv2.INTER_AREA)
    cx, cy = width / 2 + dx * width, height / 2 + dy * height
    x0, y0 = int(cx - side / 2), int(cy - side / 2)
    fx0, fy0 = max(0, x0), max(0, y0)
    fx1, fy1 = min(width, x0 + side), min(height, y0 + side)
    if fx1 > fx0 and fy1 > fy0:
        frame[fy0:fy1, fx0:fx1] = portrait[fy0 - y0:fy1 - y0, fx0 - x0:fx1 - x0]
    return frame


def selfie_frame(name: str, face_width_frac: float = 0.35, dx: float = 0.0,
                 dy: float = 0.0) -> np.ndarray:
    """A 640 x 480 frame with the person's face `face_width_frac` of the width, centred + dx, dy."""
    crop, _ = _portrait(name)
    return _place(crop, face_width_frac, dx, dy)


def dark(frame: np.ndarray, factor: float = 0.22) -> np.ndarray:
    return np.clip(frame.astype(np.float32) * factor, 0, 255).astype(np.uint8)


def backlit(name: str) -> np.ndarray:
    """A dim face in front of a bright window."""
    crop, _ = _portrait(name)
    dim = np.clip(crop.astype(np.float32) * 0.45, 0, 255).astype(np.uint8)
    window = np.full((SIZE[1], SIZE[0], 3), 250, dtype=np.uint8)
    return _place(dim, 0.35, 0, 0, frame=window)


def blurred(frame: np.ndarray, length: int = 25) -> np.ndarray:
    """Motion blur, as from shaking."""
    kernel = np.zeros((length, length), dtype=np.float32)
    kernel[length // 2, :] = 1.0 / length
    return cv2.filter2D(frame, -1, kernel)


def two_faces(first: str = "obama", second: str = "biden") -> np.ndarray:
    frame = _place(_portrait(first)[0], 0.28, -0.22, 0)
    return _place(_portrait(second)[0], 0.28, 0.22, 0, frame=frame)


def closed_eyes(name: str) -> np.ndarray:
    """The face with skin painted over both eyes (lids shut), as a webcam selfie."""
    crop, points = _portrait(name)
    crop = crop.copy()
    eye_distance = float(np.linalg.norm(points[0:2].mean(axis=0) - points[2:4].mean(axis=0)))
    nose = points[4].astype(int)
    skin = crop[nose[1] - 3:nose[1] + 3, nose[0] - 3:nose[0] + 3].reshape(-1, 3).mean(axis=0)
    for pair in (points[0:2], points[2:4]):
        centre = tuple(int(v) for v in pair.mean(axis=0))
        axes = (int(eye_distance * 0.32), int(eye_distance * 0.16))
        cv2.ellipse(crop, centre, axes, 0, 0, 360, tuple(float(v) for v in skin), -1)
        cv2.line(crop, (centre[0] - axes[0] // 2, centre[1]), (centre[0] + axes[0] // 2, centre[1]),
                 tuple(float(v) * 0.55 for v in skin), 2)
    return _place(crop, 0.35, 0, 0)


def _turned_crop(name: str, amount: float) -> np.ndarray:
    """Move the nose and mouth region sideways by `amount` eye distances; the eyes stay."""
    crop, points = _portrait(name)
    eye_y = points[0:4, 1].mean()
    nose_x, nose_y = points[4]
    eye_distance = float(np.linalg.norm(points[0:2].mean(axis=0) - points[2:4].mean(axis=0)))
    ys, xs = np.mgrid[0:crop.shape[0], 0:crop.shape[1]].astype(np.float32)
    across = np.exp(-((xs - nose_x) ** 2) / (2 * (0.55 * eye_distance) ** 2))
    down = np.clip((ys - eye_y) / max(1.0, nose_y - eye_y), 0, 1)
    below = np.exp(-np.maximum(0, ys - (nose_y + 0.9 * eye_distance)) ** 2
                   / (2 * (0.4 * eye_distance) ** 2))
    shift = (amount * eye_distance * across * down * below).astype(np.float32)
    return cv2.remap(crop, xs - shift, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def turned(name: str, amount: float = 0.45) -> np.ndarray:
    """A head turned sideways (synthetic: nose and mouth moved by `amount` eye distances)."""
    return _place(_turned_crop(name, amount), 0.35, 0, 0)


def mirrored(frame: np.ndarray) -> np.ndarray:
    """The frame flipped left to right: a mirrored copy of a photo shown to the camera."""
    return cv2.flip(frame, 1)


def _aligned_crop(crop: np.ndarray, points: np.ndarray, name: str) -> np.ndarray:
    """Warp a crop so its eye corners land on `name`'s eye corners (size, place and tilt)."""
    target_crop, target = _portrait(name)
    matrix, _ = cv2.estimateAffinePartial2D(points[0:4].astype(np.float32),
                                            target[0:4].astype(np.float32))
    height, width = target_crop.shape[:2]
    return cv2.warpAffine(crop, matrix, (width, height), borderValue=BACKGROUND)


def impostor_turned(name: str, impostor: str, amount: float) -> np.ndarray:
    """`impostor`'s head turned by `amount`, scaled and placed with its eyes on `name`'s eyes."""
    return _place(_aligned_crop(_turned_crop(impostor, amount), _portrait(impostor)[1], name),
                  0.35, 0, 0)


def impostor_turn_frames(name: str, impostor: str, amount: float = 0.45,
                         steps: int = 6) -> list[np.ndarray]:
    """A slow turn by someone else, lined up with the participant's face, then back to them."""
    turn = [impostor_turned(name, impostor, amount * (i + 1) / steps) for i in range(steps)]
    return turn + turn[::-1] + [selfie_frame(name)] * 4


def _swung(frame: np.ndarray, degrees: float) -> np.ndarray:
    """The frame as a flat photo rotated about its vertical axis, seen in perspective."""
    height, width = frame.shape[:2]
    theta, focal = math.radians(degrees), 900.0
    cx, cy = width / 2, height / 2
    source = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    target = []
    for x, y in source:
        X, Y = x - cx, y - cy
        z = X * math.sin(theta)
        target.append([focal * X * math.cos(theta) / (focal + z) + cx, focal * Y / (focal + z) + cy])
    matrix = cv2.getPerspectiveTransform(source, np.float32(target))
    return cv2.warpPerspective(frame, matrix, (width, height), borderValue=BACKGROUND)


def head_turn_frames(name: str, amount: float = 0.45, steps: int = 6,
                     hold: int = 4) -> list[np.ndarray]:
    """Frontal, a slow turn to one side and back, frontal again."""
    frontal = selfie_frame(name)
    turn = [turned(name, amount * (i + 1) / steps) for i in range(steps)]
    return [frontal] * hold + turn + turn[::-1] + [frontal] * hold


def photo_attack_frames(name: str, degrees: float = 35, steps: int = 6,
                        hold: int = 4) -> list[np.ndarray]:
    """A printed photo held up and swung to one side and back: the picture only moves as a plane."""
    frontal = selfie_frame(name)
    swing = [_swung(frontal, degrees * (i + 1) / steps) for i in range(steps)]
    return [frontal] * hold + swing + swing[::-1] + [frontal] * hold


def selfie_video(name: str, fps: int = 15, is_dark: bool = False) -> list[np.ndarray]:
    """A looping fake-camera clip: ~1.5 s facing the screen, a slow turn (1.5 s out, 0.5 s held,
    1.5 s back: 0.1 eye distances between two of the kiosk's ~3 frames a second), ~1 s facing."""
    frontal = selfie_frame(name)
    steps = int(1.5 * fps)
    turn = [turned(name, 0.45 * (i + 1) / steps) for i in range(steps)]
    held = [turn[-1]] * (fps // 2)
    frames = [frontal] * int(1.5 * fps) + turn + held + turn[::-1] + [frontal] * fps
    return [dark(f) for f in frames] if is_dark else frames


def write_y4m(frames: list[np.ndarray], path: Path, fps: int = 15) -> Path:
    """Write YUV4MPEG2 4:2:0 (what Chromium's --use-file-for-fake-video-capture reads)."""
    height, width = frames[0].shape[:2]
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            out.write(b"FRAME\n")
            out.write(cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes())
    return path


def jpeg(frame: np.ndarray, quality: int = 85) -> bytes:
    """Encode a frame as the browser's canvas.toBlob('image/jpeg') would."""
    ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return data.tobytes()
