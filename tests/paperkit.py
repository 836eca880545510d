"""Papers drawn in code and "photographed" by a fake webcam: flat, at an angle, far, blurred,
partly out of frame, dark, curled; and a frame with no paper. Nothing is committed as an image.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

PAGE_SIZE = (840, 1188)  # A4 at ~100 dpi, portrait (w, h)
FRAME = (1280, 720)
DESK = (58, 66, 74)  # a dark desk/shirt behind the paper, BGR
LINES = (
    "SURAT KETERANGAN BERHENTI BEKERJA",
    "",
    "Yang bertanda tangan di bawah ini",
    "menerangkan bahwa:",
    "Nama      : BUDI SANTOSO",
    "NIK       : 3302011505700001",
    "Jabatan   : Operator Produksi",
    "Mulai     : 01 Maret 2008",
    "Berhenti  : 30 Juni 2026",
    "",
    "Demikian surat ini dibuat untuk",
    "dipergunakan sebagaimana mestinya.",
    "",
    "Purwokerto, 1 Juli 2026",
    "PT Maju Bersama",
)


def page_image() -> np.ndarray:
    """A white A4 page with a title and lines of text (BGR)."""
    width, height = PAGE_SIZE
    page = np.full((height, width, 3), 246, dtype=np.uint8)
    y = 120
    for i, line in enumerate(LINES):
        scale, thick = (1.05, 3) if i == 0 else (0.95, 2)
        cv2.putText(page, line, (70, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (20, 20, 20), thick,
                    cv2.LINE_AA)
        y += 64
    return page


def _frame() -> np.ndarray:
    width, height = FRAME
    frame = np.full((height, width, 3), DESK, dtype=np.uint8)
    noise = np.random.default_rng(7).normal(0, 4, frame.shape)
    return np.clip(frame + noise, 0, 255).astype(np.uint8)


def page_corners(scale: float = 0.8, angle: float = 0.0, tilt: float = 0.0,
                 dx: float = 0.0, dy: float = 0.0) -> np.ndarray:
    """Where the page's corners land in the frame: `scale` of the frame height tall, rotated
    `angle` degrees in the image plane, tilted `tilt` degrees away (perspective), moved by dx, dy
    (shares of the frame)."""
    width, height = FRAME
    page_h = scale * height
    page_w = page_h * PAGE_SIZE[0] / PAGE_SIZE[1]
    focal = 1200.0
    theta = math.radians(tilt)
    corners = []
    for px, py in ((-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)):
        x, y = px * page_w, py * page_h
        z = y * math.sin(theta)  # tilted about the horizontal axis: the top leans back
        x, y = focal * x / (focal + z), focal * y * math.cos(theta) / (focal + z)
        a = math.radians(angle)
        x, y = x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)
        corners.append((x + width / 2 + dx * width, y + height / 2 + dy * height))
    return np.float32(corners)


def page_frame(scale: float = 0.8, angle: float = 0.0, tilt: float = 0.0, dx: float = 0.0,
               dy: float = 0.0) -> np.ndarray:
    """A 1280 x 720 webcam frame of the page held up in front of a dark background."""
    page = page_image()
    width, height = PAGE_SIZE
    source = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    matrix = cv2.getPerspectiveTransform(source, page_corners(scale, angle, tilt, dx, dy))
    frame = _frame()
    warped = cv2.warpPerspective(page, matrix, FRAME)
    mask = cv2.warpPerspective(np.full((height, width), 255, np.uint8), matrix, FRAME)
    frame[mask > 127] = warped[mask > 127]
    return frame


def blurred(frame: np.ndarray, length: int = 31) -> np.ndarray:
    kernel = np.zeros((length, length), dtype=np.float32)
    kernel[:, length // 2] = 1.0 / length  # shaking up and down
    return cv2.filter2D(frame, -1, kernel)


def dark(frame: np.ndarray, factor: float = 0.3) -> np.ndarray:
    return np.clip(frame.astype(np.float32) * factor, 0, 255).astype(np.uint8)


def curled(scale: float = 0.8) -> np.ndarray:
    """The page with its right edge bent back in a curve: the outline is no quadrilateral."""
    page = page_image()
    height, width = page.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    bend = np.clip((xs - width * 0.55) / (width * 0.45), 0, 1)
    wave = (np.sin(ys / height * math.pi) * 0.35 * width * bend ** 2).astype(np.float32)
    bent = cv2.remap(page, xs + wave, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                     borderValue=(0, 0, 0))
    outline = cv2.remap(np.full((height, width), 255, np.uint8), xs + wave, ys,
                        cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    frame = _frame()
    corners = page_corners(scale)
    source = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    matrix = cv2.getPerspectiveTransform(source, corners)
    warped = cv2.warpPerspective(bent, matrix, FRAME)
    mask = cv2.warpPerspective(outline, matrix, FRAME)
    frame[mask > 127] = warped[mask > 127]
    return frame


def no_page() -> np.ndarray:
    return _frame()


def document_video(seconds: float = 4.0, fps: int = 15) -> list[np.ndarray]:
    """A page held up and steady, with a little hand tremor, for a looping fake camera."""
    frames = []
    for i in range(int(seconds * fps)):
        wobble = math.sin(i / fps * 2 * math.pi * 0.5)
        frames.append(page_frame(scale=0.8, angle=3 + wobble, tilt=8, dx=0.01 * wobble))
    return frames
