"""Read a JPEG's size from its header, so nothing is decoded that a camera could not have sent.

A decoder allocates what the header declares before it reads a single pixel: a 48 kB PNG can ask
for 1.2 GB. Reading the markers up to the start-of-frame costs microseconds and allocates nothing.
A progressive JPEG can also repeat a tiny scan: each one walks every block of the image again, so
375 kB of repeated 36-byte scans of a 1920 x 1920 frame took 6.4 s to decode here; encoders write
at most a dozen scans.
"""
from __future__ import annotations

# The longest side of a frame camera.js sends: 1280 wide at most (the paper camera), or a portrait
# camera's 1080 x 1920.
CAMERA_MAX_SIDE = 1920
# A reference photo from the core: far more than an ID photo needs; decodes in ~0.1 s into 50 MB.
PHOTO_MAX_SIDE = 4096

SOI = b"\xff\xd8"
# Start-of-frame markers a browser's canvas.toBlob or a webcam writes: baseline, extended
# sequential, progressive (Huffman-coded). Lossless, hierarchical and arithmetic-coded frames are
# refused: no camera sends them and each is a decoder path the kiosk never needs.
FRAME_MARKERS = frozenset({0xC0, 0xC1, 0xC2})
_OTHER_FRAME_MARKERS = frozenset({0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_NO_LENGTH = frozenset({0x01, *range(0xD0, 0xD8)})  # TEM and RSTn stand alone
_START_OF_SCAN, _END_OF_IMAGE = 0xDA, 0xD9
MAX_SCANS = 64  # libjpeg's progressive script writes 10 scans for colour, 6 for grey


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Return (width, height) from a JPEG's frame header, or None if it is not a plain JPEG."""
    # Byte stuffing keeps FF DA out of the compressed data, so this counts scans (or more).
    if not data.startswith(SOI) or data.count(b"\xff\xda") > MAX_SCANS:
        return None
    at = len(SOI)
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # a fill byte before the marker
            at += 1
            continue
        at += 2
        if marker in _NO_LENGTH:
            continue
        if marker in (_START_OF_SCAN, _END_OF_IMAGE) or marker in _OTHER_FRAME_MARKERS:
            return None  # pixels, or the end, before any frame header we decode
        length = int.from_bytes(data[at:at + 2], "big")
        if length < 2:
            return None
        if marker in FRAME_MARKERS:
            # length (2), sample precision (1), height (2), width (2), components (1)
            if length < 8 or at + 7 > len(data):
                return None
            height = int.from_bytes(data[at + 3:at + 5], "big")
            width = int.from_bytes(data[at + 5:at + 7], "big")
            return (width, height) if width and height else None
        at += length
    return None
