"""Find a paper in a camera frame, judge it, and straighten it for staff to read.

A page is the largest bright region (Otsu threshold on a blurred grey copy DETECT_WIDTH wide) whose
outline simplifies (approxPolyDP) to a convex quadrilateral. Thresholds were chosen on pages drawn
in code (tests/paperkit.py): the numbers are in the tests and the closing note of the camera issue.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np

DETECT_WIDTH = 640
MIN_AREA = 0.04  # below this share of the frame nothing counts as a page
MIN_COVERAGE = 0.18  # a page smaller than this share of the frame is too far to read
EDGE_MARGIN = 4  # px at DETECT_WIDTH: a page touching the border is partly outside
MIN_SOLIDITY = 0.93  # area / convex hull area: lower means folded or curled
MAX_CORNER_DRIFT = 0.025  # outline pixels off the quadrilateral, as a share of its perimeter
MIN_BRIGHTNESS = 90
# A page is much brighter than what is around it; Otsu splits even an empty desk in two, and
# JPEG blocks (the browser posts JPEG) join its noise into page-sized blobs a few levels apart.
MIN_CONTRAST = 25
MIN_SHARPNESS = 1500.0  # variance of the Laplacian inside the page, at DETECT_WIDTH
A4_RATIO = 297 / 210
A4_SNAP = 0.15


class PageAdvice(StrEnum):
    NO_PAGE = "no-page"
    IN_FRAME = "in-frame"
    CLOSER = "closer"
    FLATTEN = "flatten"
    MORE_LIGHT = "more-light"
    HOLD_STILL = "hold-still"
    GOOD = "good"


@dataclass(frozen=True)
class PageReport:
    advice: PageAdvice
    corners: tuple[tuple[float, float], ...] | None = None  # TL, TR, BR, BL in frame pixels
    coverage: float = 0.0
    sharpness: float = 0.0
    brightness: float = 0.0
    quality: float = 0.0


def order_corners(points: np.ndarray) -> np.ndarray:
    """Order four points top-left, top-right, bottom-right, bottom-left."""
    points = np.asarray(points, dtype=np.float32).reshape(4, 2)
    total = points.sum(axis=1)
    diff = np.diff(points, axis=1).ravel()
    return np.array([points[np.argmin(total)], points[np.argmin(diff)],
                     points[np.argmax(total)], points[np.argmax(diff)]], dtype=np.float32)


def find_page(frame: np.ndarray) -> PageReport:
    """Judge one BGR frame: is there a page, whole, near, flat, lit and sharp?"""
    if frame is None or frame.ndim != 3 or min(frame.shape[:2]) < 16:
        return PageReport(PageAdvice.NO_PAGE)
    scale = min(1.0, DETECT_WIDTH / frame.shape[1])
    small = frame if scale == 1.0 else cv2.resize(frame, None, fx=scale, fy=scale,
                                                  interpolation=cv2.INTER_AREA)
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    height, width = gray.shape
    blurred = cv2.GaussianBlur(gray, (7, 7), 0)
    _, mask = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return PageReport(PageAdvice.NO_PAGE, brightness=float(gray.mean()))
    outline = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(outline)
    coverage = area / (width * height)
    if coverage < MIN_AREA or coverage > 0.97:
        return PageReport(PageAdvice.NO_PAGE, coverage=round(coverage, 3),
                          brightness=float(gray.mean()))
    inside = np.zeros_like(gray)
    cv2.drawContours(inside, [outline], -1, 255, -1)
    brightness = float(gray[inside > 0].mean())
    around = gray[inside == 0]
    if around.size and brightness - float(around.mean()) < MIN_CONTRAST:
        return PageReport(PageAdvice.NO_PAGE, coverage=round(coverage, 3),
                          brightness=round(brightness, 1))
    sharpness = float(cv2.Laplacian(gray, cv2.CV_64F)[cv2.erode(inside, np.ones((15, 15), np.uint8)) > 0].var()) \
        if area > 400 else 0.0
    x, y, w, h = cv2.boundingRect(outline)
    perimeter = cv2.arcLength(outline, True)
    quad = cv2.approxPolyDP(outline, MAX_CORNER_DRIFT * perimeter, True)
    hull_area = cv2.contourArea(cv2.convexHull(outline))
    solidity = area / hull_area if hull_area else 0.0
    corners = None
    if len(quad) == 4 and cv2.isContourConvex(quad):
        corners = tuple((float(px / scale), float(py / scale))
                        for px, py in order_corners(quad.reshape(4, 2)))
    touches = (x <= EDGE_MARGIN or y <= EDGE_MARGIN or x + w >= width - EDGE_MARGIN
               or y + h >= height - EDGE_MARGIN)
    if touches:
        advice = PageAdvice.IN_FRAME
    elif coverage < MIN_COVERAGE:
        advice = PageAdvice.CLOSER
    elif corners is None or solidity < MIN_SOLIDITY:
        advice = PageAdvice.FLATTEN
    elif brightness < MIN_BRIGHTNESS:
        advice = PageAdvice.MORE_LIGHT
    elif sharpness < MIN_SHARPNESS:
        advice = PageAdvice.HOLD_STILL
    else:
        advice = PageAdvice.GOOD
    quality = coverage + min(sharpness, 2000.0) / 2000.0
    return PageReport(advice, corners if advice == PageAdvice.GOOD or corners else None,
                      round(coverage, 3), round(sharpness, 1), round(brightness, 1),
                      round(quality, 3))


def straighten(frame: np.ndarray, report: PageReport, width: int = 1240) -> np.ndarray:
    """Warp the page upright, `width` pixels wide, A4-shaped or at its own aspect ratio."""
    corners = np.array(report.corners, dtype=np.float32)
    top = np.linalg.norm(corners[1] - corners[0])
    bottom = np.linalg.norm(corners[2] - corners[3])
    left = np.linalg.norm(corners[3] - corners[0])
    right = np.linalg.norm(corners[2] - corners[1])
    ratio = ((left + right) / 2) / max(1.0, (top + bottom) / 2)
    # A page tilted away looks shorter than it is; a ratio near A4's is A4 (most letters are).
    for a4 in (A4_RATIO, 1 / A4_RATIO):
        if abs(ratio - a4) / a4 < A4_SNAP:
            ratio = a4
    height = int(round(width * ratio))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]],
                      dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    return cv2.warpPerspective(frame, matrix, (width, height), flags=cv2.INTER_CUBIC)


def encode_jpeg(image: np.ndarray, quality: int = 85) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("the image could not be encoded as JPEG")
    return data.tobytes()
