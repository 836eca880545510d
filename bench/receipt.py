"""Benchmark of the receipt: layout time and byte size per paper width, and the simulator's PNG.

    .venv/bin/python bench/receipt.py [--repeat 200]

Pure hardware/printer.py on a full receipt (a claim staff finish, with papers to bring, the
longest there is): `layout` (receipt -> ESC/POS bytes, python-escpos building the commands and,
at 58 mm, the QR image) and `render` (bytes -> the simulator's PNG), p50/p95 in milliseconds, the
bytes sent to the printer and what a real printer needs to take them at 9600 baud (a serial
printer's usual speed; USB and TCP take them in well under a second).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hardware.printer import Receipt, Section, layout, profile, render  # noqa: E402

RECEIPT = Receipt(
    header=("BPJS Ketenagakerjaan", "Kantor Cabang Jakarta Selatan Setiabudi"),
    issued="30 November 2026 10.15", number_label="Nomor klaim", number="0901 01 00001 6",
    rows=(("Nama", "Bu** Sa*****"), ("Nomor kartu BPJS", "10 0** *** 001"),
          ("Alasan", "Cacat total tetap"), ("Uang JHT yang diambil", "Rp12.345.678"),
          ("Perkiraan pajak", "Rp0"), ("Yang Anda terima", "Rp12.345.678"),
          ("Rekening", "BRI **** 1508"), ("Kapan dibayar", "setelah diperiksa petugas")),
    sections=(
        Section("Apa selanjutnya?", (
            "Petugas akan memeriksa klaim Anda dan menelepon Anda. Anda tidak perlu mengantre "
            "lagi.", "- Alasan klaim ini diselesaikan oleh petugas.",
            "- Ada surat yang belum Anda bawa. Petugas akan menghubungi Anda.")),
        Section("Bawa ke petugas", ("- KTP elektronik", "- Kartu BPJS Ketenagakerjaan",
                                    "- Surat keterangan dokter")),
        Section("Ada pertanyaan?", ("Untuk bertanya, datang ke loket layanan.",
                                    "Atau telepon 021 555 0199."))),
    qr="090101000016", qr_caption="Tunjukkan kode ini ke kamera kiosk untuk cek status klaim.",
    footer=("Simpan nomor klaim ini untuk menanyakan klaim Anda.",))
SERIAL_BYTES_PER_SECOND = 9600 / 10  # 8 data bits, a start and a stop bit


def timed(work, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    print(f"receipt layout and rendering, {args.repeat} runs each (ms)")
    print(f"{'paper':<8}{'profile':<10}{'QR':<8}{'layout p50':>11}{'p95':>7}{'render p50':>12}"
          f"{'p95':>7}{'bytes':>8}{'9600 baud':>11}")
    for name in ("58", "80"):
        prof = profile(name)
        layout(RECEIPT, prof)  # python-escpos's capabilities load once per process
        data = layout(RECEIPT, prof)
        lay = timed(lambda: layout(RECEIPT, prof), args.repeat)
        draw = timed(lambda: render(data, prof), max(args.repeat // 4, 5))
        print(f"{name + ' mm':<8}{prof.name:<10}{'native' if prof.native_qr else 'image':<8}"
              f"{statistics.median(lay):>11.2f}{p95(lay):>7.2f}{statistics.median(draw):>12.1f}"
              f"{p95(draw):>7.1f}{len(data):>8}{len(data) / SERIAL_BYTES_PER_SECOND:>10.1f}s")
    image = profile("80", qr="image")
    data = layout(RECEIPT, image)
    lay = timed(lambda: layout(RECEIPT, image), args.repeat)
    print(f"{'80 mm':<8}{image.name:<10}{'image':<8}{statistics.median(lay):>11.2f}"
          f"{p95(lay):>7.2f}{'':>12}{'':>7}{len(data):>8}"
          f"{len(data) / SERIAL_BYTES_PER_SECOND:>10.1f}s")


if __name__ == "__main__":
    main()
