"""The kiosk's receipt printer: a receipt laid out as ESC/POS, sent to a printer chosen by a URL.

    layout(receipt, profile) -> bytes      pure: the receipt's words and QR as printer commands
    open_printer(url) -> ReceiptPrinter    usb://VID:PID, tcp://HOST:9100, serial:///dev/ttyS0?
                                           baudrate=9600, file:///path, sim://DIR
    printer.status()                       what the printer reports (paper, cover, online), if it can
    printer.print_receipt(receipt, job)    check, lay out, send; a fault is a HardwareError subclass

A profile says the paper's width: 58 mm (32 columns, 384 dots; python-escpos's POS-5890) or 80 mm
(42 columns, 512 dots; TM-T88V), or any python-escpos profile by name (`?profile=TM-T20II` for 48
columns, 576 dots). Add `&qr=image` to print the QR as an image on a printer whose profile claims a
native QR it does not have; the QR is an image wherever the profile has no native one.

The simulator (`sim://DIR`) writes the exact bytes (`JOB.bin`) and what they print (`JOB.png`,
drawn from the bytes by `render`) into DIR. It fails on demand: `?fault=paper_out` in its URL, or
a file DIR/FAULT holding one of FAULTS (tests and demos write it while the kiosk runs).

No Flask here, and no device is touched until a method is called.
"""
from __future__ import annotations

import re
import socket
import textwrap
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from hardware.errors import CoverOpen, Faulted, HardwareError, Offline, PaperOut, TimedOut

DEVICE = "printer"
SCHEMES = ("usb", "tcp", "serial", "file", "sim")
# The two paper widths the kiosk knows by name; any other python-escpos profile by its own name.
PROFILE_ALIASES = {"58": "POS-5890", "80": "TM-T88V"}
DEFAULT_PROFILE = "80"
FAULTS = ("paper_out", "paper_near_end", "cover_open", "offline")
FAULT_FILE = "FAULT"

QR_MODULE_DOTS = 8  # one QR module = 1 mm on a 203 dpi head: a webcam reads it at arm's length
CUT_FEED_LINES = 5  # the last line must pass the cutter (or the tear bar) before the cut
STATUS_TIMEOUT_SECONDS = 2.0
SEND_TIMEOUT_SECONDS = 10.0

ESC, GS, DLE = b"\x1b", b"\x1d", b"\x10"
CODE_PAGE_PC437 = ESC + b"t\x00"  # what printers start in; the encoder below writes into it
FULL_CUT = GS + b"V\x00"
# Characters the screen uses that PC437 lacks, as they are printed.
_PRINTABLE = str.maketrans({"\u2022": "*", "\u2013": "-", "\u2014": "-", "\u2019": "'",
                            "\u00a0": " ", "\u00b7": "-"})


# --- the profile -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """A printer model's paper: columns of font A, dots across, and what it can do."""

    name: str
    columns: int
    dots: int
    native_qr: bool
    cutter: bool

    @property
    def big_columns(self) -> int:
        """Columns of double-width text (the claim number)."""
        return self.columns // 2


@lru_cache(maxsize=None)
def profile(name: str = DEFAULT_PROFILE, qr: str = "") -> Profile:
    """The profile named (`58`, `80`, or a python-escpos profile); `qr="image"` forbids native QR."""
    from escpos.capabilities import CAPABILITIES

    escpos_name = PROFILE_ALIASES.get(name, name)
    data = CAPABILITIES["profiles"].get(escpos_name)
    if data is None:
        raise ValueError(f"unknown printer profile {name!r}")
    try:
        dots = int(data["media"]["width"]["pixels"])
    except (KeyError, ValueError):
        raise ValueError(f"printer profile {name!r} does not say its paper width") from None
    features = data["features"]
    return Profile(name=escpos_name, columns=int(data["fonts"]["0"]["columns"]), dots=dots,
                   native_qr=bool(features.get("qrCode")) and qr != "image",
                   cutter=bool(features.get("paperFullCut") or features.get("paperPartCut")))


# --- the receipt and its layout ----------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A heading and its lines; a line starting with "- " is a bullet."""

    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Receipt:
    """A receipt's content, already in the participant's words (kiosk.receipts makes it)."""

    header: tuple[str, ...]  # agency, branch: centred, bold
    issued: str  # date and time
    number_label: str
    number: str  # the claim number as shown (grouped): printed large
    rows: tuple[tuple[str, str], ...]  # label, value
    sections: tuple[Section, ...]
    qr: str  # what the QR code holds; empty: no QR (a practice receipt)
    qr_caption: str
    footer: tuple[str, ...] = ()


def printable(text: str) -> str:
    """The text as PC437 can print it: accents kept where PC437 has them, else dropped."""
    out = []
    for char in text.translate(_PRINTABLE):
        try:
            char.encode("cp437")
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(base or "?")
    return "".join(out)


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Break text into lines of at most `width` columns at spaces (a word is never cut unless
    it is longer than a whole line)."""
    return textwrap.wrap(text, width, subsequent_indent=indent, break_long_words=True,
                         break_on_hyphens=False) or [""]


def row_lines(label: str, value: str, width: int) -> list[str]:
    """A label and its value on one line (value to the right), or the value indented under it."""
    if len(label) + 1 + len(value) <= width:
        return [label + " " * (width - len(label) - len(value)) + value]
    return wrap(label + ":", width) + textwrap.wrap(
        value, width, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False)


def section_lines(section: Section, width: int) -> list[str]:
    """A section's lines wrapped; bullets hang so the words line up under each other."""
    lines = []
    for line in section.lines:
        if line.startswith("- "):
            lines += wrap(line, width, indent="  ")
        else:
            lines += wrap(line, width)
    return lines


class _Commands:
    """ESC/POS through a python-escpos Dummy printer with the profile (widths, centring)."""

    def __init__(self, prof: Profile) -> None:
        from escpos.printer import Dummy

        self.profile = prof
        # The printer is put in PC437 here, and python-escpos's own text (the newlines around an
        # image QR) must not switch it to another code page.
        self.out = Dummy(profile=prof.name,
                         magic_encode_args={"encoding": "CP437", "disabled": True})
        self.out._raw(ESC + b"@" + CODE_PAGE_PC437)

    def style(self, align: str = "left", bold: bool = False, big: bool = False) -> None:
        self.out.set(align=align, bold=bold, double_width=big, double_height=big,
                     normal_textsize=not big)

    def line(self, text: str = "") -> None:
        self.out._raw(printable(text).encode("cp437") + b"\n")

    def qr(self, payload: str) -> None:
        from escpos.constants import QR_ECLEVEL_M

        if self.profile.native_qr:
            self.style(align="center")  # a native QR follows ESC a
            self.line()  # the blank lines are its quiet zone
            self.out.qr(payload, ec=QR_ECLEVEL_M, size=QR_MODULE_DOTS, native=True)
            self.line()
        else:  # an image, padded to the paper's width by python-escpos, so centred
            self.out.qr(payload, ec=QR_ECLEVEL_M, size=QR_MODULE_DOTS, native=False,
                        center=True)

    def cut(self) -> bytes:
        self.out.print_and_feed(CUT_FEED_LINES)
        # A tear-bar printer ignores the cut; one with a cutter under a tear-bar profile cuts.
        self.out._raw(FULL_CUT)
        return self.out.output


def layout(receipt: Receipt, prof: Profile) -> bytes:
    """Lay a receipt out for the profile's width: header, big number, rows, sections, QR, cut."""
    width = prof.columns
    out = _Commands(prof)
    out.style(align="center", bold=True)
    for text in receipt.header:
        for line in wrap(text, width):
            out.line(line)
    out.style(align="center")
    out.line(receipt.issued)
    out.line()
    out.line(receipt.number_label)
    big = len(receipt.number) <= prof.big_columns
    out.style(align="center", bold=True, big=big)
    out.line(receipt.number)
    out.style()
    out.line("-" * width)
    for label, value in receipt.rows:
        for line in row_lines(label, value, width):
            out.line(line)
    for section in receipt.sections:
        out.line("-" * width)
        out.style(bold=True)
        for line in wrap(section.title, width):
            out.line(line)
        out.style()
        for line in section_lines(section, width):
            out.line(line)
    out.line("-" * width)
    if receipt.qr:  # a practice receipt has no claim to look up, so no QR
        out.qr(receipt.qr)
    out.style(align="center")
    for line in wrap(receipt.qr_caption, width) if receipt.qr_caption else ():
        out.line(line)
    for text in receipt.footer:
        for line in wrap(text, width):
            out.line(line)
    out.style()
    return out.cut()


def test_page(prof: Profile, title: str, lines: tuple[str, ...] = ()) -> bytes:
    """A short page that shows the printer prints text, full width, a QR and cuts."""
    out = _Commands(prof)
    out.style(align="center", bold=True)
    out.line(title)
    out.style()
    out.line("=" * prof.columns)
    for text in (*lines, f"{prof.name}: {prof.columns} columns, {prof.dots} dots"):
        for line in wrap(text, prof.columns):
            out.line(line)
    out.line("".join(str(i % 10) for i in range(1, prof.columns + 1)))
    out.qr("TEST")
    return out.cut()


# --- status ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said about itself; None where it cannot tell (a file, a mute printer)."""

    online: bool | None = None
    paper: str | None = None  # ok | near_end | out
    cover_open: bool | None = None

    @property
    def reported(self) -> bool:
        return self.online is not None or self.paper is not None or self.cover_open is not None

    def problems(self) -> list[str]:
        """The fault codes (FAULTS) this status shows, worst first."""
        found = []
        if self.online is False and not (self.paper == "out" or self.cover_open):
            found.append("offline")
        if self.cover_open:
            found.append("cover_open")
        if self.paper == "out":
            found.append("paper_out")
        if self.paper == "near_end":
            found.append("paper_near_end")
        return found

    def check(self) -> None:
        """Raise the fault that stops printing, if any (paper nearly out still prints)."""
        for code in self.problems():
            if code in FAULT_ERRORS:
                raise FAULT_ERRORS[code](_FAULT_WORDS[code], device=DEVICE)

    def as_dict(self) -> dict:
        return {"online": self.online, "paper": self.paper, "cover_open": self.cover_open,
                "problems": self.problems()}


FAULT_ERRORS: dict[str, type[HardwareError]] = {"paper_out": PaperOut, "cover_open": CoverOpen,
                                                "offline": Offline}
_FAULT_WORDS = {"paper_out": "out of paper", "cover_open": "cover open", "offline": "offline"}


def parse_status(online: bytes, cause: bytes, paper: bytes) -> PrinterStatus:
    """Read the answers to DLE EOT 1 (printer), 2 (offline cause) and 4 (roll paper).

    Every answer byte has bit 1 and bit 4 set and bits 0 and 7 clear (ESC/POS); one that does not
    is no answer, so the printer is taken as unable to tell.
    """
    def byte(answer: bytes) -> int | None:
        return answer[-1] if answer and answer[-1] & 0x93 == 0x12 else None

    first, second, third = byte(online), byte(cause), byte(paper)
    paper_state = None
    if third is not None:
        paper_state = "out" if third & 0x60 else "near_end" if third & 0x0C else "ok"
    if second is not None and second & 0x20:
        paper_state = "out"
    return PrinterStatus(online=None if first is None else not first & 0x08,
                         paper=paper_state,
                         cover_open=None if second is None else bool(second & 0x04))


# --- printers ----------------------------------------------------------------------------------


class ReceiptPrinter(ABC):
    """A receipt printer: ask its status, print a receipt (checked first where it can tell)."""

    def __init__(self, prof: Profile, url: str) -> None:
        self.profile = prof
        self.url = url

    @abstractmethod
    def status(self) -> PrinterStatus:
        """Ask the printer how it is (raises Offline when it cannot be reached)."""

    @abstractmethod
    def send(self, data: bytes, job: str) -> None:
        """Send laid-out bytes to the printer."""

    def print_receipt(self, receipt: Receipt, job: str) -> bytes:
        """Check the printer, lay the receipt out and print it; return the bytes sent."""
        self.status().check()
        data = layout(receipt, self.profile)
        self.send(data, job)
        return data

    def print_test(self, title: str, lines: tuple[str, ...] = ()) -> bytes:
        """Print a test page (devices check); return the bytes sent."""
        self.status().check()
        data = test_page(self.profile, title, lines)
        self.send(data, "test")
        return data


class EscposPrinter(ReceiptPrinter):
    """A real printer through one of python-escpos's backends (Usb, Network, Serial, File)."""

    def __init__(self, prof: Profile, url: str, backend: str, options: dict) -> None:
        super().__init__(prof, url)
        self.backend = backend
        self.options = options

    def _open(self, timeout: float):
        from escpos import printer as escpos_printer
        from escpos.exceptions import DeviceNotFoundError

        options = dict(self.options)
        if self.backend in ("Network", "Serial"):
            options["timeout"] = timeout
        if self.backend == "Usb":
            options["timeout"] = int(timeout * 1000)
        try:
            device = getattr(escpos_printer, self.backend)(profile=self.profile.name, **options)
            device.open()
        except DeviceNotFoundError as exc:
            raise Offline("cannot be reached", device=DEVICE, detail=_first_line(exc)) from None
        except Exception as exc:  # a driver's own error (no libusb, a port in use): offline
            raise Offline("cannot be opened", device=DEVICE, detail=_first_line(exc)) from None
        return device

    def status(self) -> PrinterStatus:
        device = self._open(STATUS_TIMEOUT_SECONDS)
        if self.backend == "File":  # it opens, so it is there; a file cannot answer
            _close(device)
            return PrinterStatus()
        try:
            answers = []
            for query in (b"\x01", b"\x02", b"\x04"):
                device._raw(DLE + b"\x04" + query)
                answers.append(bytes(device._read() or b""))
            return parse_status(*answers)
        except (socket.timeout, TimeoutError, OSError, ValueError):
            # Connected, but it does not answer status queries (many do not): it cannot tell.
            return PrinterStatus()
        except Exception:  # pyusb's timeout and the like: the same
            return PrinterStatus()
        finally:
            _close(device)

    def send(self, data: bytes, job: str) -> None:
        device = self._open(SEND_TIMEOUT_SECONDS)
        try:
            device._raw(data)
        except (socket.timeout, TimeoutError) as exc:
            raise TimedOut("did not take the receipt in time", device=DEVICE,
                           detail=str(exc)) from None
        except Exception as exc:
            raise Faulted("failed while printing", device=DEVICE,
                          detail=_first_line(exc)) from None
        finally:
            _close(device)


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [exc.__class__.__name__])[0][:200]


def _close(device) -> None:
    try:
        device.close()
    except Exception:  # closing a half-open device must not hide what went wrong
        pass


class SimulatedPrinter(ReceiptPrinter):
    """Writes JOB.bin (the exact bytes) and JOB.png (what they print) into a folder.

    Told to fail by `fault` (from the URL) or by a file FAULT in the folder holding a code of
    FAULTS: `offline` cannot be reached, `paper_out` and `cover_open` stop printing,
    `paper_near_end` prints and says so.
    """

    def __init__(self, prof: Profile, url: str, folder: Path, fault: str | None = None) -> None:
        super().__init__(prof, url)
        self.folder = folder
        self.fault = fault

    def current_fault(self) -> str | None:
        try:
            written = (self.folder / FAULT_FILE).read_text().strip()
        except OSError:
            written = ""
        return written or self.fault

    def status(self) -> PrinterStatus:
        fault = self.current_fault()
        if fault == "offline":
            raise Offline("cannot be reached", device=DEVICE, detail="simulated")
        return PrinterStatus(online=fault is None or fault == "paper_near_end",
                             paper={"paper_out": "out", "paper_near_end": "near_end"}.get(
                                 fault or "", "ok"),
                             cover_open=fault == "cover_open")

    def send(self, data: bytes, job: str) -> None:
        if self.current_fault() == "offline":
            raise Offline("cannot be reached", device=DEVICE, detail="simulated")
        self.folder.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.folder / f"{job}.bin", data)
        image = render(data, self.profile)
        temporary = self.folder / f".{job}.png.part"
        image.save(temporary, format="PNG")
        temporary.replace(self.folder / f"{job}.png")


def _write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_bytes(data)
    temporary.replace(path)


# --- URLs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrinterURL:
    """A printer URL taken apart: scheme, where, options, the profile's name and QR choice."""

    scheme: str
    target: str
    options: dict = field(default_factory=dict)
    profile: str = DEFAULT_PROFILE
    qr: str = ""
    fault: str | None = None


_USB = re.compile(r"^(?:0x)?([0-9a-fA-F]{1,4}):(?:0x)?([0-9a-fA-F]{1,4})$")


def parse_url(url: str) -> PrinterURL:
    """Take a printer URL apart; ValueError says what is wrong with it in plain words."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise ValueError(f"a printer URL starts with one of {', '.join(s + '://' for s in SCHEMES)}"
                         f"; got {url!r}")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    prof, qr, fault = query.pop("profile", DEFAULT_PROFILE), query.pop("qr", ""), query.pop(
        "fault", None)
    profile(prof, qr)  # refuses an unknown profile now, not at the first receipt
    if fault is not None and fault not in FAULTS:
        raise ValueError(f"fault must be one of {', '.join(FAULTS)}; got {fault!r}")
    options: dict = {}
    if scheme == "usb":
        found = _USB.match(parts.netloc + parts.path.rstrip("/"))
        if not found:
            raise ValueError(f"a USB printer is usb://VID:PID in hex, e.g. usb://0416:5011; "
                             f"got {url!r}")
        target = f"{found.group(1)}:{found.group(2)}"
        options = {"idVendor": int(found.group(1), 16), "idProduct": int(found.group(2), 16)}
    elif scheme == "tcp":
        if not parts.hostname:
            raise ValueError(f"a network printer is tcp://HOST:9100; got {url!r}")
        try:
            port = parts.port or 9100
        except ValueError:
            raise ValueError(f"the port in {url!r} is not a number") from None
        target = f"{parts.hostname}:{port}"
        options = {"host": parts.hostname, "port": port}
    else:
        target = unquote(parts.netloc + parts.path)
        if not target:
            raise ValueError(f"{scheme}:// needs a path, e.g. {scheme}:///dev/ttyS0; got {url!r}")
        if scheme == "serial":
            options = {"devfile": target}
            if "baudrate" in query:
                if not query["baudrate"].isdigit():
                    raise ValueError(f"baudrate must be a number; got {query['baudrate']!r}")
                options["baudrate"] = int(query.pop("baudrate"))
        elif scheme == "file":
            options = {"devfile": target}
    if query:
        raise ValueError(f"unknown option(s) {', '.join(sorted(query))} in {url!r}")
    return PrinterURL(scheme, target, options, prof, qr, fault)


_BACKENDS = {"usb": "Usb", "tcp": "Network", "serial": "Serial", "file": "File"}


def open_printer(url: str, base: Path | None = None) -> ReceiptPrinter:
    """The printer a URL names; a relative sim:// folder is under `base` (the instance folder)."""
    parsed = parse_url(url)
    prof = profile(parsed.profile, parsed.qr)
    if parsed.scheme == "sim":
        folder = Path(parsed.target)
        if not folder.is_absolute() and base is not None:
            folder = base / folder
        return SimulatedPrinter(prof, url, folder, parsed.fault)
    return EscposPrinter(prof, url, _BACKENDS[parsed.scheme], parsed.options)


# --- the simulator's rendering -----------------------------------------------------------------

CELL = (12, 24)  # font A: 12 x 24 dots
MARGIN = 16
_FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono{}.ttf",)


@lru_cache(maxsize=4)
def _font(size: int, bold: bool):
    from PIL import ImageFont

    for pattern in _FONT_PATHS:
        try:
            return ImageFont.truetype(pattern.format("-Bold" if bold else ""), size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def render(data: bytes, prof: Profile):
    """Draw what the bytes print on paper of the profile's width (a PIL image, white paper).

    Understands what `layout` writes: ESC @, ESC t, ESC a, ESC E, ESC !, GS !, ESC d, LF,
    GS v 0 (raster image), GS ( k (native QR), GS V (drawn as a dashed cut line).
    """
    from PIL import Image, ImageOps

    pieces: list = []  # ("text", chars, align, bold, scale) | ("image", img, align) | ("cut",)
    state = {"align": 0, "bold": False, "scale": 1}
    line: list[tuple[str, bool, int]] = []
    qr: dict = {"size": 3, "ec": 0, "data": b""}

    def flush():
        pieces.append(("text", list(line), state["align"]))
        line.clear()

    i = 0
    while i < len(data):
        byte = data[i]
        if byte == 0x0A:
            flush()
            i += 1
        elif data[i:i + 1] == ESC:
            command = data[i + 1:i + 2]
            if command == b"@":
                state.update(align=0, bold=False, scale=1)
                i += 2
            elif command in (b"t", b"a", b"E", b"!", b"d", b"-", b"3", b"M"):
                value = data[i + 2]
                if command == b"a":
                    state["align"] = value % 48 if value >= 48 else value
                elif command == b"E":
                    state["bold"] = bool(value & 1)
                elif command == b"!":
                    state["scale"] = 2 if value & 0x30 == 0x30 else 1
                    state["bold"] = bool(value & 0x08)
                elif command == b"d":
                    for _ in range(value):
                        flush()
                i += 3
            elif command == b"2":
                i += 2
            else:
                raise ValueError(f"render: unknown ESC {command!r} at byte {i}")
        elif data[i:i + 1] == GS:
            command = data[i + 1:i + 2]
            if command == b"!":
                state["scale"] = max((data[i + 2] >> 4) + 1, (data[i + 2] & 7) + 1)
                i += 3
            elif command == b"V":
                i += 3 if data[i + 2] in (0, 1, 48, 49) else 4
                pieces.append(("cut",))
            elif command == b"v":
                width_bytes = data[i + 4] + 256 * data[i + 5]
                height = data[i + 6] + 256 * data[i + 7]
                size = width_bytes * height
                bits = data[i + 8:i + 8 + size]
                # A set bit is a black dot; in a PIL "1" image a set bit is white.
                image = ImageOps.invert(
                    Image.frombytes("1", (width_bytes * 8, height), bits).convert("L"))
                pieces.append(("image", image, state["align"]))
                i += 8 + size
            elif command == b"(" and data[i + 2:i + 3] == b"k":
                length = data[i + 3] + 256 * data[i + 4]
                body = data[i + 5:i + 5 + length]
                function = body[1]
                if function == 67:
                    qr["size"] = body[2]
                elif function == 69:
                    qr["ec"] = body[2] - 48
                elif function == 80:
                    qr["data"] = body[3:]
                elif function == 81:
                    pieces.append(("image", _qr_image(qr["data"].decode(), qr["size"],
                                                      qr["ec"]), state["align"]))
                i += 5 + length
            else:
                raise ValueError(f"render: unknown GS {command!r} at byte {i}")
        elif byte < 0x20:
            raise ValueError(f"render: unknown control byte {byte:#04x} at byte {i}")
        else:
            line.append((bytes([byte]).decode("cp437"), state["bold"], state["scale"]))
            i += 1
    if line:
        flush()
    return _draw(pieces, prof)


def _qr_image(payload: str, module: int, ec: int):
    import qrcode

    levels = [qrcode.constants.ERROR_CORRECT_L, qrcode.constants.ERROR_CORRECT_M,
              qrcode.constants.ERROR_CORRECT_Q, qrcode.constants.ERROR_CORRECT_H]
    code = qrcode.QRCode(box_size=module, border=0, error_correction=levels[min(ec, 3)])
    code.add_data(payload)
    code.make(fit=True)
    return code.make_image().get_image().convert("1")


def _draw(pieces: list, prof: Profile):
    from PIL import Image, ImageDraw

    width, cell_w, cell_h = prof.dots, CELL[0], CELL[1]
    height = MARGIN * 2
    for piece in pieces:
        if piece[0] == "text":
            height += cell_h * max([scale for _, _, scale in piece[1]] or [1])
        elif piece[0] == "image":
            height += piece[1].height
        else:
            height += cell_h
    paper = Image.new("L", (width + MARGIN * 2, height), 255)
    draw = ImageDraw.Draw(paper)
    y = MARGIN
    for piece in pieces:
        if piece[0] == "cut":
            for x in range(0, paper.width, 12):
                draw.line([(x, y + cell_h // 2), (x + 6, y + cell_h // 2)], fill=128, width=2)
            y += cell_h
            continue
        if piece[0] == "image":
            image, align = piece[1], piece[2]
            paper.paste(image.convert("L"), (MARGIN + _x(align, width, image.width), y))
            y += image.height
            continue
        chars, align = piece[1], piece[2]
        line_h = cell_h * max([scale for _, _, scale in chars] or [1])
        used = sum(cell_w * scale for _, _, scale in chars)
        x = MARGIN + _x(align, width, used)
        for char, bold, scale in chars:
            font = _font(int(cell_h * 0.8 * scale), bold)
            draw.text((x, y + line_h - cell_h * scale), char, fill=0, font=font)
            x += cell_w * scale
        y += line_h
    return paper


def _x(align: int, width: int, used: int) -> int:
    return {1: (width - used) // 2, 2: width - used}.get(align, 0) if used <= width else 0
