"""A small ESC/POS decoder for the tests: the bytes a printer gets, read back into what it prints.

No package reads ESC/POS back, so the tests carry this one. It knows the commands the kiosk sends
and refuses any other (a stray byte would print as garbage on paper):

    ESC @  init            ESC t n  code page      ESC a n  align         ESC E n  bold
    ESC ! n  print mode    GS ! n   character size ESC d n  feed n lines  ESC 2    line spacing
    LF     print the line  GS v 0   raster image   GS ( k   native QR      GS V     cut

`decode(data)` gives the printed lines (text, alignment, bold, size), the raster images as numpy
arrays (black = 0), the native QR payloads, and the cuts, in the order they come.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

ESC, GS = 0x1B, 0x1D
CODE_PAGES = {0: "cp437"}


@dataclass
class Line:
    text: str
    align: str  # left | center | right
    bold: bool
    size: int  # 1 normal, 2 double width and height


@dataclass
class Printed:
    """What the bytes print, in order: `items` holds Line, ("image", array), ("qr", payload),
    ("cut", mode)."""

    items: list = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [item for item in self.items if isinstance(item, Line)]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def images(self) -> list[np.ndarray]:
        return [item[1] for item in self.items if isinstance(item, tuple) and item[0] == "image"]

    @property
    def native_qr(self) -> list[str]:
        return [item[1] for item in self.items if isinstance(item, tuple) and item[0] == "qr"]

    @property
    def cuts(self) -> list[int]:
        """Where each cut is, as an index into items."""
        return [i for i, item in enumerate(self.items)
                if isinstance(item, tuple) and item[0] == "cut"]


class DecodeError(ValueError):
    """The bytes hold something the kiosk never sends."""


def decode(data: bytes) -> Printed:
    printed = Printed()
    align, bold, size, code_page = "left", False, 1, "cp437"
    current = bytearray()
    qr_data = None
    i = 0

    def arg(offset: int) -> int:
        if i + offset >= len(data):
            raise DecodeError(f"command cut short at byte {i}")
        return data[i + offset]

    while i < len(data):
        byte = data[i]
        if byte == 0x0A:
            printed.items.append(Line(current.decode(code_page), align, bold, size))
            current = bytearray()
            i += 1
        elif byte == ESC:
            command = chr(arg(1))
            if command == "@":
                align, bold, size, code_page = "left", False, 1, "cp437"
                i += 2
            elif command == "2":
                i += 2
            elif command == "t":
                if arg(2) not in CODE_PAGES:
                    raise DecodeError(f"code page {arg(2)} at byte {i}")
                code_page = CODE_PAGES[arg(2)]
                i += 3
            elif command == "a":
                align = {0: "left", 1: "center", 2: "right"}[arg(2) % 48]
                i += 3
            elif command == "E":
                bold = bool(arg(2) & 1)
                i += 3
            elif command == "!":
                mode = arg(2)
                bold = bool(mode & 0x08)
                size = 2 if mode & 0x30 == 0x30 else 1
                i += 3
            elif command == "d":
                for _ in range(arg(2)):
                    printed.items.append(Line(current.decode(code_page), align, bold, size))
                    current = bytearray()
                i += 3
            else:
                raise DecodeError(f"unknown ESC {command!r} at byte {i}")
        elif byte == GS:
            command = chr(arg(1))
            if command == "!":
                size = max((arg(2) >> 4) + 1, (arg(2) & 0x07) + 1)
                i += 3
            elif command == "V":
                mode = arg(2)
                printed.items.append(("cut", mode))
                i += 4 if mode in (65, 66) else 3
            elif command == "v":
                if arg(2) != ord("0"):
                    raise DecodeError(f"GS v {arg(2)} at byte {i}")
                width_bytes = arg(4) + 256 * arg(5)
                height = arg(6) + 256 * arg(7)
                raster = data[i + 8:i + 8 + width_bytes * height]
                if len(raster) != width_bytes * height:
                    raise DecodeError(f"raster image cut short at byte {i}")
                bits = np.unpackbits(np.frombuffer(raster, dtype=np.uint8))
                image = np.where(bits.reshape(height, width_bytes * 8) == 1, 0, 255)
                printed.items.append(("image", image.astype(np.uint8)))
                i += 8 + width_bytes * height
            elif command == "(" and arg(2) == ord("k"):
                length = arg(3) + 256 * arg(4)
                body = data[i + 5:i + 5 + length]
                if body[:1] != b"1":
                    raise DecodeError(f"2D code other than QR at byte {i}")
                if body[1] == 80:
                    qr_data = body[3:].decode("utf-8")
                elif body[1] == 81:
                    printed.items.append(("qr", qr_data))
                i += 5 + length
            else:
                raise DecodeError(f"unknown GS {command!r} at byte {i}")
        elif byte < 0x20:
            raise DecodeError(f"control byte {byte:#04x} at byte {i}")
        else:
            current.append(byte)
            i += 1
    if current:
        raise DecodeError(f"text {bytes(current)!r} never printed (no line feed)")
    return printed


def read_qr(image: np.ndarray) -> str:
    """The payload of the QR code in a picture (OpenCV's detector), or "" if none is found."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    # A quiet zone all round, as the paper gives it.
    padded = cv2.copyMakeBorder(gray, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
    payload, _, _ = cv2.QRCodeDetector().detectAndDecode(padded)
    return payload
