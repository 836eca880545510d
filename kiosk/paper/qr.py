"""A QR code held up to the kiosk camera (a receipt's), read from one frame: pure OpenCV."""
from __future__ import annotations

import cv2
import numpy as np

# A receipt held at arm's length fills a small part of a 640 x 480 frame; a second, enlarged try
# reads the small ones the first misses.
UPSCALE_BELOW = 800


def read_qr(frame: np.ndarray) -> str:
    """The text of the QR code in a BGR or grey frame, or "" when none can be read."""
    gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    detector = cv2.QRCodeDetector()
    text, _, _ = detector.detectAndDecode(gray)
    if text or max(gray.shape) >= UPSCALE_BELOW:
        return text or ""
    bigger = cv2.resize(gray, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    text, _, _ = detector.detectAndDecode(bigger)
    return text or ""
