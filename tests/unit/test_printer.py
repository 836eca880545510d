"""hardware/printer.py: the layout read back from its bytes, the simulator, the URLs, real backends."""
from __future__ import annotations

import re
import socket
import threading

import numpy as np
import pytest
from PIL import Image

from hardware import printer
from hardware.errors import CoverOpen, Offline, PaperOut
from hardware.printer import Receipt, Section
from tests.escpos_decode import decode, read_qr

RECEIPT = Receipt(
    header=("BPJS Ketenagakerjaan", "Kantor Cabang Jakarta Selatan Setiabudi"),
    issued="23 November 2026 10.15",
    number_label="Nomor klaim",
    number="0901 01 00001 7",
    rows=(("Nama", "Bu•••• Sa•••••"), ("KPJ", "12 3•• ••• 901"),
          ("Alasan", "Berhenti kerja (mengundurkan diri)"), ("Jumlah", "Rp12.345.678"),
          ("Perkiraan pajak", "Rp617.284"), ("Yang Anda terima", "Rp11.728.394"),
          ("Bank", "BRI •••• 4567"), ("Dibayar paling lambat", "30 November 2026")),
    sections=(Section("Apa selanjutnya?", (
        "Uang dikirim ke rekening Anda. Kami mengirim SMS ke nomor HP Anda saat uang sudah "
        "dikirim.",)),
              Section("Bawa ke petugas", ("- Surat keterangan berhenti kerja (paklaring)",
                                          "- Kartu BPJS Ketenagakerjaan")),
              Section("Pertanyaan", ("Telepon 021-555-0199 atau tanya di loket layanan.",))),
    qr="090101000017",
    qr_caption="Tunjukkan kode ini ke kamera kiosk untuk cek status klaim.",
)
WIDTHS = {"58": (32, 384), "80": (42, 512)}


def words(text: str) -> list[str]:
    """The words of a text as printed (bullets as stars; a label wrapped alone ends in ":")."""
    return [word.rstrip(":") for word in text.replace("•", "*").split()]


@pytest.fixture(params=sorted(WIDTHS))
def width(request) -> str:
    return request.param


def test_the_profiles_give_the_columns_and_dots_of_58_and_80_mm_paper(width):
    prof = printer.profile(width)
    assert (prof.columns, prof.dots) == WIDTHS[width]
    # Many 58 mm printers (POS-5890) have no native QR; the 80 mm TM-T88V has.
    assert prof.native_qr is (width == "80")
    assert printer.profile("80", qr="image").native_qr is False


def test_every_word_of_the_receipt_is_printed_whole_within_the_paper(width):
    prof = printer.profile(width)
    printed = decode(printer.layout(RECEIPT, prof))
    for line in printed.lines:
        assert len(line.text) * line.size <= prof.columns, line
    text = "\n".join(line.text for line in printed.lines if set(line.text) != {"-"})
    wanted = [*RECEIPT.header, RECEIPT.issued, RECEIPT.number_label, RECEIPT.number,
              *(f"{label} {value}" for label, value in RECEIPT.rows),
              *(f"{s.title} {' '.join(s.lines)}" for s in RECEIPT.sections), RECEIPT.qr_caption]
    # No word is cut at the edge: the printed words, in order, are the receipt's words.
    printed_words = words(text)
    flat = [w for chunk in wanted for w in words(chunk)]
    position = 0
    for word in flat:
        position = printed_words.index(word, position) + 1
    assert len(printed_words) == len(flat)


def test_the_claim_number_is_big_and_centred_and_the_header_bold(width):
    printed = decode(printer.layout(RECEIPT, printer.profile(width)))
    number = next(line for line in printed.lines if line.text == RECEIPT.number)
    assert (number.size, number.align, number.bold) == (2, "center", True)
    issued = [line.text for line in printed.lines].index(RECEIPT.issued)
    assert all(line.bold and line.align == "center" for line in printed.lines[:issued])
    assert " ".join(line.text for line in printed.lines[:issued]) == " ".join(RECEIPT.header)


def test_the_qr_holds_the_claim_number_and_the_receipt_ends_with_a_cut(width):
    prof = printer.profile(width)
    printed = decode(printer.layout(RECEIPT, prof))
    if prof.native_qr:
        assert printed.native_qr == [RECEIPT.qr] and printed.images == []
    else:
        assert printed.native_qr == [] and len(printed.images) == 1
        image = printed.images[0]
        assert image.shape[1] == prof.dots  # padded to the paper: centred
        assert read_qr(image) == RECEIPT.qr
    assert printed.cuts == [len(printed.items) - 1]
    # The last printed line is past the cutter: blank lines feed it out before the cut.
    assert all(line.text == "" for line in printed.items[-1 - printer.CUT_FEED_LINES:-1])


def test_the_simulator_writes_the_exact_bytes_and_a_rendering_whose_qr_reads(tmp_path, width):
    sim = printer.open_printer(f"sim://{tmp_path}?profile={width}")
    sent = sim.print_receipt(RECEIPT, "090101000017-1")
    assert (tmp_path / "090101000017-1.bin").read_bytes() == sent
    rendering = np.array(Image.open(tmp_path / "090101000017-1.png").convert("L"))
    assert rendering.shape[1] == printer.profile(width).dots + 2 * printer.MARGIN
    assert read_qr(rendering) == RECEIPT.qr


def test_accents_the_code_page_has_are_kept_and_others_printed_plain():
    assert printer.printable("Nopémber • Ağustus – 5") == "Nopémber * Agustus - 5"
    printed = decode(printer.layout(Receipt(("Nopémber",), "", "", "1", (), (), "1", ""),
                                    printer.profile("58")))
    assert "Nopémber" in printed.text


# --- faults in the simulator ---------------------------------------------------------------------

@pytest.mark.parametrize("fault, error", [("paper_out", PaperOut), ("cover_open", CoverOpen),
                                          ("offline", Offline)])
def test_a_fault_written_for_the_simulator_stops_the_print_before_a_byte(tmp_path, fault, error):
    sim = printer.open_printer(f"sim://{tmp_path}")
    (tmp_path / printer.FAULT_FILE).write_text(fault)
    with pytest.raises(error) as raised:
        sim.print_receipt(RECEIPT, "job")
    assert raised.value.code == fault
    assert not list(tmp_path.glob("*.bin"))
    (tmp_path / printer.FAULT_FILE).unlink()
    sim.print_receipt(RECEIPT, "job")
    assert (tmp_path / "job.bin").exists()


def test_paper_nearly_out_still_prints_and_says_so(tmp_path):
    sim = printer.open_printer(f"sim://{tmp_path}?fault=paper_near_end")
    assert sim.status().problems() == ["paper_near_end"]
    sim.print_receipt(RECEIPT, "job")
    assert (tmp_path / "job.bin").exists()


# --- URLs ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, scheme, target, options", [
    ("usb://0416:5011", "usb", "0416:5011", {"idVendor": 0x0416, "idProduct": 0x5011}),
    ("tcp://10.0.0.7", "tcp", "10.0.0.7:9100", {"host": "10.0.0.7", "port": 9100}),
    ("tcp://printer-2:9101?profile=58", "tcp", "printer-2:9101", {"host": "printer-2",
                                                                   "port": 9101}),
    ("serial:///dev/ttyS0?baudrate=19200", "serial", "/dev/ttyS0",
     {"devfile": "/dev/ttyS0", "baudrate": 19200}),
    ("file:///dev/usb/lp0", "file", "/dev/usb/lp0", {"devfile": "/dev/usb/lp0"}),
    ("sim://instance/receipts", "sim", "instance/receipts", {}),
])
def test_printer_urls_name_the_backend_and_its_place(url, scheme, target, options):
    parsed = printer.parse_url(url)
    assert (parsed.scheme, parsed.target, parsed.options) == (scheme, target, options)


@pytest.mark.parametrize("url, says", [
    ("lpt://1", "starts with"), ("usb://printer", "VID:PID"), ("tcp://", "HOST"),
    ("tcp://host:port", "not a number"), ("serial://", "needs a path"),
    ("sim:///tmp/x?profile=77", "unknown printer profile"), ("sim:///tmp/x?fault=fire", "fault"),
    ("serial:///dev/ttyS0?baud=9600", "unknown option"),
])
def test_a_wrong_printer_url_is_refused_in_plain_words(url, says):
    with pytest.raises(ValueError, match=says):
        printer.parse_url(url)


def test_a_relative_simulator_folder_is_under_the_instance_folder(tmp_path):
    sim = printer.open_printer("sim://receipts?profile=58", base=tmp_path)
    assert sim.folder == tmp_path / "receipts" and sim.profile.columns == 32


# --- status answers and the real backends ---------------------------------------------------------

def test_status_answers_are_read_as_esc_pos_defines_them():
    ok, cover, paper_end, near, offline = 0x12, 0x16, 0x72, 0x1E, 0x1A
    assert printer.parse_status(bytes([ok]), bytes([ok]), bytes([ok])).problems() == []
    assert printer.parse_status(bytes([offline]), bytes([cover]), bytes([ok])).problems() == [
        "cover_open"]
    assert printer.parse_status(bytes([ok]), bytes([ok]), bytes([paper_end])).problems() == [
        "paper_out"]
    assert printer.parse_status(bytes([ok]), bytes([ok]), bytes([near])).problems() == [
        "paper_near_end"]
    silent = printer.parse_status(b"", b"", b"\x00")
    assert not silent.reported and silent.problems() == []


class FakeNetworkPrinter:
    """A printer on TCP: answers DLE EOT n with `answers[n]` and keeps every other byte."""

    def __init__(self, answers: dict[int, int] | None = None) -> None:
        self.answers = answers if answers is not None else {1: 0x12, 2: 0x12, 4: 0x12}
        self.received = bytearray()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                while chunk := connection.recv(65536):
                    for query in re.findall(rb"\x10\x04([\x01\x02\x04])", chunk):
                        if query[0] in self.answers:
                            connection.sendall(bytes([self.answers[query[0]]]))
                    self.received += re.sub(rb"\x10\x04[\x01\x02\x04]", b"", chunk)

    def close(self) -> None:
        self.server.close()


def test_a_network_printer_gets_the_laid_out_bytes_after_a_good_status():
    fake = FakeNetworkPrinter()
    try:
        real = printer.open_printer(f"tcp://127.0.0.1:{fake.port}?profile=58")
        assert real.status().problems() == [] and real.status().reported
        sent = real.print_receipt(RECEIPT, "job")
        for _ in range(100):
            if len(fake.received) >= len(sent):
                break
            threading.Event().wait(0.02)  # the fake's thread is still reading
        assert bytes(fake.received) == sent
    finally:
        fake.close()


def test_a_network_printer_out_of_paper_gets_no_receipt():
    fake = FakeNetworkPrinter({1: 0x1A, 2: 0x32, 4: 0x72})
    try:
        real = printer.open_printer(f"tcp://127.0.0.1:{fake.port}")
        with pytest.raises(PaperOut):
            real.print_receipt(RECEIPT, "job")
        assert bytes(fake.received) == b""
    finally:
        fake.close()


def test_a_network_printer_nobody_answers_is_offline():
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]
    with pytest.raises(Offline):
        printer.open_printer(f"tcp://127.0.0.1:{port}").print_receipt(RECEIPT, "job")


def test_a_file_printer_cannot_report_but_prints(tmp_path):
    device = tmp_path / "lp0"
    real = printer.open_printer(f"file://{device}")
    assert not real.status().reported
    assert device.read_bytes() == b""  # the status query is not left in the printout
    sent = real.print_receipt(RECEIPT, "job")
    assert device.read_bytes() == sent
