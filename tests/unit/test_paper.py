"""kiosk.paper on pages drawn in code and photographed by a fake webcam (tests/paperkit.py)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from kiosk.paper import PageAdvice, encode_jpeg, find_page, straighten
from tests import paperkit


@pytest.mark.parametrize(("frame", "advice"), [
    (lambda: paperkit.page_frame(), PageAdvice.GOOD),
    (lambda: paperkit.page_frame(angle=12, tilt=20), PageAdvice.GOOD),
    (lambda: paperkit.page_frame(scale=0.35), PageAdvice.CLOSER),
    (lambda: paperkit.page_frame(dx=0.35), PageAdvice.IN_FRAME),
    (lambda: paperkit.blurred(paperkit.page_frame()), PageAdvice.HOLD_STILL),
    (lambda: paperkit.dark(paperkit.page_frame()), PageAdvice.MORE_LIGHT),
    (lambda: paperkit.curled(), PageAdvice.FLATTEN),
    (lambda: paperkit.no_page(), PageAdvice.NO_PAGE),
])
def test_each_picture_of_a_paper_gets_its_advice(frame, advice):
    assert find_page(frame()).advice == advice


def test_corners_are_found_in_order_where_the_page_is():
    wanted = paperkit.page_corners(angle=12, tilt=20)
    report = find_page(paperkit.page_frame(angle=12, tilt=20))
    found = np.array(report.corners)
    assert np.abs(found - wanted).max() < 12  # pixels, in a 1280 x 720 frame


def _rows_of_text(image: np.ndarray) -> int:
    """Count the dark horizontal bands (lines of text) in a page image."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    inked = (gray < 128).mean(axis=1) > 0.01
    return int(np.count_nonzero(inked[1:] & ~inked[:-1]))


def _likeness(image: np.ndarray, other: np.ndarray) -> float:
    def small(picture):
        gray = cv2.cvtColor(picture, cv2.COLOR_BGR2GRAY)
        return cv2.resize(gray, (310, 310 * gray.shape[0] // gray.shape[1]),
                          interpolation=cv2.INTER_AREA)
    return float(cv2.matchTemplate(small(image), small(other), cv2.TM_CCOEFF_NORMED).max())


def test_an_angled_page_comes_out_upright_readable_and_a4_shaped():
    frame = paperkit.page_frame(angle=12, tilt=20)
    page = straighten(frame, find_page(frame))
    height, width = page.shape[:2]
    assert width == 1240 and abs(height / width - 297 / 210) < 0.08
    flat = cv2.resize(paperkit.page_image(), (width, height))
    # The lines of text are horizontal again: as many bands as on the flat page, give or take one
    # that the warp's resampling joins to its neighbour.
    assert abs(_rows_of_text(page) - _rows_of_text(flat)) <= 1 and _rows_of_text(page) >= 12
    # It lines up with the page as drawn (measured 0.63) far better than with the page upside
    # down (0.17) or moved by two lines (-0.06), compared at 310 px wide.
    assert _likeness(page, flat) > 0.5
    assert _likeness(page, cv2.flip(flat, 0)) < 0.3 and _likeness(page, np.roll(flat, 40, 0)) < 0.3
    assert encode_jpeg(page)[:2] == b"\xff\xd8"


@pytest.mark.parametrize("frame", [np.zeros((480, 640, 3), np.uint8),
                                   np.full((8, 8, 3), 255, np.uint8), None])
def test_blank_tiny_and_missing_frames_are_no_page(frame):
    assert find_page(frame).advice == PageAdvice.NO_PAGE


def test_an_empty_desk_sent_as_jpeg_is_no_page():
    """Found by the voice tests: JPEG blocks joined the desk's noise into a page-sized blob that
    Otsu split off, so an empty camera said "move the paper to the centre"."""
    from kiosk.biometrics import decode_jpeg

    for quality in (70, 85, 95):
        ok, data = cv2.imencode(".jpg", paperkit.no_page(), [cv2.IMWRITE_JPEG_QUALITY, quality])
        assert find_page(decode_jpeg(data.tobytes())).advice == PageAdvice.NO_PAGE, quality
