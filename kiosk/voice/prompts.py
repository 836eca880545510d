"""The prompt catalogue: what each participant screen says aloud, by message id.

A screen is named by its step, or `step/sub` for a screen inside a step (a birth-date part, a
selfie phase, a bank sub-screen). Its `Prompt` is a list of message ids (Indonesian source
strings, translated where they are spoken): what this screen is and the one thing to do. Some
screens first say one thing chosen by a code (`before`): an error in what was typed, why a selfie
try did not succeed, why a staff member is coming. Placeholders (`%(amount)s`) are the dynamic
facts, filled with words by `kiosk.voice.spoken.say` (amounts, dates and claim numbers as a
listener needs them).

The same message ids are what the screens show, so a screen and its voice never disagree; the
selfie and paper advice and the typing errors live here and nowhere else.

Pure Python: no Flask here. `gettext` is passed in by the caller.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

Gettext = Callable[[str], str]

_FIELD = re.compile(r"%\((\w+)\)s")
_END = (".", "?", "!")


def N_(message: str) -> str:
    """Mark a message id for extraction; it is translated where it is spoken or shown."""
    return message


@dataclass(frozen=True)
class Prompt:
    """What one screen says: `parts` in order, after the `before` text its code picks."""

    parts: tuple[str, ...]
    before: Mapping[str, str | tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def fields(self, code: str | None = None) -> frozenset[str]:
        """The placeholders the screen's text needs (with `code`'s before-text)."""
        found = set()
        for message in self.messages(code):
            found.update(_FIELD.findall(message))
        return frozenset(found)

    def messages(self, code: str | None = None) -> tuple[str, ...]:
        """The message ids spoken, in order, for `code` (unknown codes say nothing extra)."""
        first = self.before.get(code, ()) if code is not None else ()
        return ((first,) if isinstance(first, str) else tuple(first)) + self.parts


def _prompt(*parts: str, before: Mapping[str, str | tuple[str, ...]] | None = None) -> Prompt:
    return Prompt(tuple(parts), MappingProxyType(dict(before or {})))


# --- words shared by several screens ---------------------------------------------------------

PRESS_NEXT = N_("Tekan Lanjut.")
PRESS_NEXT_WHEN_DONE = N_("Tekan Lanjut jika sudah.")
PRESS_A_CHOICE = N_("Tekan salah satu pilihan.")
STAFF_WILL_CHECK_CLAIM = N_("Petugas akan memeriksa klaim ini sebelum dibayar.")

# Typing errors, shown in the error summary and spoken before the screen's prompt.
IDENTIFY_ERRORS = {
    "empty": N_("Masukkan nomor kartu Anda dulu."),
    "not_digits": N_("Nomor hanya berisi angka. Periksa lagi nomor di kartu Anda."),
    "wrong_length": N_("Nomor ini punya %(n)s angka. Nomor kartu BPJS punya 11 angka. "
                       "Nomor KTP punya 16 angka."),
    "impossible_nik": N_("Nomor KTP ini tidak mungkin benar. Periksa lagi nomor di KTP Anda."),
    "wrong_pair": N_("Nomor dan tanggal lahir tidak cocok dengan data kami. Periksa nomor di kartu "
                     "Anda dan tanggal lahir Anda, lalu coba lagi."),
}
# After the second wrong pair the message also offers a person (shown and spoken alike).
OFFER_STAFF = N_("Atau tekan Panggil Petugas. Petugas akan membantu Anda.")
BIRTH_DATE_ERRORS = {
    "year": N_("Ketik tahun lahir dengan 4 angka, misalnya 1968."),
    "impossible_date": N_("Tanggal itu tidak ada di kalender. Pilih tanggal lahir Anda lagi."),
}
BANK_ERRORS = {
    "account_length": N_("Nomor rekening punya 6 sampai 20 angka. Periksa buku tabungan Anda."),
}
PHONE_ERRORS = {
    "mobile": N_("Nomor HP dimulai dengan 08 dan punya 10 sampai 13 angka."),
}

# Selfie advice, one per kiosk.biometrics.Advice code: shown big and spoken as it changes.
SELFIE_ADVICE = {
    "no-face": N_("Lihat ke layar. Wajah Anda belum terlihat."),
    "many-faces": N_("Hanya satu orang di depan kamera."),
    "closer": N_("Mendekat sedikit ke layar."),
    "back": N_("Mundur sedikit dari layar."),
    "centre": N_("Geser wajah Anda ke tengah lingkaran."),
    "more-light": N_("Wajah Anda terlalu gelap. Minta petugas menyalakan lampu."),
    "backlit": N_("Ada cahaya terang di belakang Anda. Geser sedikit."),
    "hold-still": N_("Tahan, jangan bergerak."),
    "look-straight": N_("Lihat lurus ke layar."),
    "open-eyes": N_("Buka mata Anda."),
    "glasses": N_("Lepaskan kacamata Anda."),
    "good": N_("Bagus. Tahan sebentar."),
}
# The head-turn challenge, shown and spoken when it starts.
SELFIE_TURN = N_("Menoleh pelan ke samping, lalu kembali melihat ke layar.")
# Why a selfie try did not succeed, said when the camera opens again.
SELFIE_RETRY = {
    "turn": N_("Kami belum melihat kepala Anda menoleh. Coba lagi pelan-pelan."),
    "no_match": N_("Foto belum cocok. Lepaskan kacamata dan topi, lalu coba lagi."),
    "lost": N_("Foto tadi kurang jelas. Coba lagi."),
}
# Why the kiosk called a staff member to the selfie step.
SELFIE_STAFF_WHY = {
    "tries": N_("Foto belum berhasil. Itu tidak apa-apa, akun Anda tidak diblokir."),
    "uncertain": N_("Kami belum yakin foto ini cocok. Petugas akan memastikannya."),
    "no_photo": N_("Kami belum punya foto Anda untuk dicocokkan."),
    "core_away": N_("Sistem pusat sedang tidak bisa dihubungi untuk mengambil foto Anda."),
    "preferred": N_("Anda memilih dibantu petugas."),
    "camera_missing": N_("Kamera kiosk ini tidak ditemukan."),
    "camera_refused": N_("Kamera kiosk ini tidak bisa dipakai."),
    "camera_unplugged": N_("Kamera kiosk ini terputus."),
    "camera_error": N_("Kamera kiosk ini tidak bisa dipakai."),
}
# Paper advice, one per kiosk.paper.PageAdvice code.
PAPER_ADVICE = {
    "no-page": N_("Pegang surat Anda di depan kamera."),
    "closer": N_("Dekatkan surat ke kamera."),
    "in-frame": N_("Geser surat ke tengah. Seluruh halaman harus terlihat."),
    "flatten": N_("Luruskan surat. Jangan dilipat."),
    "more-light": N_("Terlalu gelap. Dekatkan surat ke lampu."),
    "hold-still": N_("Tahan, jangan bergerak."),
    "good": N_("Bagus. Tahan sebentar."),
}
# Why a bank account goes to staff (also shown on the review and the receipt).
BANK_HOLDER = {
    "bank_holder": N_("Nama di rekening tidak sama dengan nama Anda. Petugas akan memeriksanya."),
    "bank_unverified": N_("Kami belum bisa memeriksa rekening baru ini. Petugas akan memeriksa "
                          "buku tabungan Anda."),
}

# The error screens: heading, then message (kiosk/errors.py).
ERROR_PAGES = {
    "not_found": (N_("Halaman tidak ada"), N_("Halaman ini tidak ada. Tekan Mulai lagi.")),
    "too_many": (N_("Tunggu sebentar"),
                 N_("Terlalu banyak percobaan dalam waktu singkat. Tunggu satu menit, atau tekan "
                    "Panggil Petugas.")),
    "failed": (N_("Ada masalah"),
               N_("Ada masalah di kiosk. Tekan Mulai lagi, atau tekan Panggil Petugas.")),
    "failed_safe": (N_("Ada masalah"),
                    N_("Ada masalah di kiosk. Data Anda aman. Tekan Mulai lagi, atau tekan "
                       "Panggil Petugas.")),
    "expired": (N_("Layar sudah lama terbuka"),
                N_("Layar ini sudah lama terbuka. Tekan Mulai lagi untuk memulai dari awal.")),
    "unregistered": (N_("Layar ini belum terdaftar"),
                     N_("Layar ini belum terdaftar sebagai kiosk. Minta petugas untuk "
                        "mendaftarkannya.")),
}

# Why the receipt did not print (kiosk.receipts; hardware.errors codes): shown and spoken.
PRINTER_FAULTS = {
    "paper_out": N_("Kertas struk habis. Klaim Anda sudah tersimpan. Petugas akan mencetak "
                    "struk Anda."),
    "cover_open": N_("Tutup printer struk terbuka. Klaim Anda sudah tersimpan. Petugas akan "
                     "mencetak struk Anda."),
    "offline": N_("Printer struk tidak bisa dipakai. Klaim Anda sudah tersimpan. Petugas akan "
                  "mencetak struk Anda."),
}
RECEIPT_PRINTING = N_("Struk Anda sedang dicetak.")
RECEIPT_PRINTED = N_("Ambil struk Anda.")
# The receipt read aloud: everything needed to check the claim (EN 301 549 5.1.3.16); every
# number in words (the reason was said on the review, and its name may hold digits: "Usia 56").
_RECEIPT_TITLE = N_("Klaim Anda sudah kami terima")
_RECEIPT_FACTS = (
    N_("Nomor klaim Anda %(number)s."), N_("Uang JHT yang diambil %(gross)s."), N_("Perkiraan pajak %(tax)s."),
    N_("Uang yang Anda terima %(net)s."),
    N_("Dikirim ke rekening %(bank)s yang berakhiran %(account)s."))
_RECEIPT_PAID = (N_("Uang dikirim ke rekening Anda paling lambat %(date)s."),
                 N_("Kami mengirim SMS ke nomor HP Anda saat uang sudah dikirim."))
_RECEIPT_STAFF = (N_("Petugas akan memeriksa klaim Anda dan menelepon Anda. Anda tidak perlu "
                     "mengantre lagi."), N_("Bawa ke petugas: %(bring)s."))
_RECEIPT_END = (N_("Untuk bertanya, datang ke loket layanan."), N_("Atau telepon %(phone)s."),
                N_("Simpan nomor klaim ini untuk menanyakan klaim Anda."), N_("Tekan Selesai."))
_RECEIPT_FIRST = {"printing": (RECEIPT_PRINTING,), "printed": (RECEIPT_PRINTED,),
                  "printer-error": ()}


def _receipt_screens() -> dict[str, Prompt]:
    """The receipt in each printing state, for a claim paid by a date and one staff finish.

    `receipt` and `receipt/staff` are the receipt while it prints; then `receipt/printed`,
    `receipt/printer-error` (after the fault's words), each with `-staff`.
    """
    screens = {}
    for state, first in _RECEIPT_FIRST.items():
        before = {**PRINTER_FAULTS, "timed_out": PRINTER_FAULTS["offline"],
                  "faulted": PRINTER_FAULTS["offline"]} if state == "printer-error" else None
        for suffix, middle in (("", _RECEIPT_PAID), ("-staff", _RECEIPT_STAFF)):
            name = (f"receipt{'/staff' if suffix else ''}" if state == "printing"
                    else f"receipt/{state}{suffix}")
            screens[name] = _prompt(
                _RECEIPT_TITLE, *first, *_RECEIPT_FACTS, *middle, *_RECEIPT_END, before=before)
    return screens


# The claim status look-up (kiosk.participant.status).
STATUS_TITLE = N_("Cek status klaim")
STATUS_HOW = N_("Tunjukkan kode QR di struk Anda ke kamera, atau ketik nomor klaim.")
STATUS_ERRORS = {
    "length": N_("Nomor klaim punya 12 angka. Periksa nomor di struk Anda."),
    "check": N_("Nomor klaim ini tidak mungkin benar. Periksa lagi nomor di struk Anda."),
    "no_match": N_("Nomor klaim dan tanggal lahir tidak cocok dengan data kami. Periksa lagi, "
                   "lalu coba lagi."),
}
STATUS_QR_ADVICE = N_("Pegang struk di depan kamera, kode QR menghadap ke layar.")
# What happens next, by claim state (CONTRACT.md codes); the date is said where there is one.
STATUS_NEXT = {
    "queued": N_("Klaim Anda sudah tersimpan dan segera dikirim untuk diproses."),
    "submitted": N_("Klaim Anda sedang diproses."),
    "needs_staff": N_("Petugas akan memeriksa klaim Anda dan menelepon Anda. Anda tidak perlu "
                      "mengantre lagi."),
    "approved": N_("Klaim Anda sudah disetujui."),
    "paid": N_("Uang sudah dikirim ke rekening Anda. Periksa buku tabungan Anda."),
    "rejected": N_("Klaim Anda tidak disetujui. Tanya petugas di loket layanan untuk "
                   "penjelasannya."),
}
_STATUS_STATE = N_("Keadaan klaim Anda: %(state)s.")
_STATUS_DATE = N_("Uang dikirim ke rekening Anda paling lambat %(date)s.")


def _status_screens() -> dict[str, Prompt]:
    """The look-up: the number (camera or keypad), the birth date, the answer by state."""
    screens = {
        "status/number": _prompt(STATUS_TITLE, STATUS_HOW, before=STATUS_ERRORS),
        "status/day": _prompt(N_("Tanggal berapa Anda lahir?"), N_("Tekan tanggal lahir Anda."),
                              before=BIRTH_DATE_ERRORS),
        "status/month": _prompt(N_("Bulan apa Anda lahir?"), N_("Tekan bulan lahir Anda."),
                                before=BIRTH_DATE_ERRORS),
        "status/year": _prompt(N_("Tahun berapa Anda lahir?"),
                               N_("Ketik 4 angka tahun lahir Anda"), PRESS_NEXT_WHEN_DONE,
                               before=BIRTH_DATE_ERRORS),
        "status/staff": _prompt(
            N_("Petugas akan membantu Anda"),
            N_("Jangan khawatir, akun Anda tidak diblokir. Seorang petugas bisa memeriksa kartu "
               "Anda dan membantu."), N_("Tekan Panggil Petugas.")),
        "status/resting": _prompt(
            N_("Kiosk ini sedang istirahat"),
            N_("Seorang petugas sudah dipanggil dan akan membantu Anda. Silakan tunggu di sini.")),
    }
    for state, words in STATUS_NEXT.items():
        screens[f"status/{state}"] = _prompt(
            N_("Nomor klaim Anda %(number)s."), _STATUS_STATE, words, _STATUS_DATE,
            N_("Tekan Selesai."))
    return screens


_TITLE_NUMBER = N_("Nomor kartu Anda")
_TYPE_NUMBER = N_("Ketik nomor di kartu BPJS Anda atau nomor KTP Anda")

SCREENS: dict[str, Prompt] = {
    "welcome": _prompt(
        N_("Selamat datang"),
        N_("Di sini Anda bisa mengambil uang JHT Anda sendiri. Kami bantu langkah demi langkah."),
        N_("Pilih bahasa, lalu tekan Mulai.")),
    "identify": _prompt(_TITLE_NUMBER, _TYPE_NUMBER, PRESS_NEXT_WHEN_DONE, before={
        **IDENTIFY_ERRORS, "wrong_pair_again": (IDENTIFY_ERRORS["wrong_pair"], OFFER_STAFF)}),
    "identify/resting": _prompt(
        N_("Kiosk ini sedang istirahat"),
        N_("Banyak nomor yang salah diketik di kiosk ini tadi. Ini bukan salah Anda."),
        N_("Seorang petugas sudah dipanggil dan akan membantu Anda. Silakan tunggu di sini.")),
    "identify/staff": _prompt(
        N_("Petugas akan membantu Anda"),
        N_("Kami belum bisa menemukan data Anda dengan nomor dan tanggal lahir itu."),
        N_("Jangan khawatir, akun Anda tidak diblokir. Seorang petugas bisa memeriksa kartu Anda "
           "dan membantu."),
        N_("Tekan Panggil Petugas.")),
    "birth-date/day": _prompt(N_("Tanggal berapa Anda lahir?"), N_("Tekan tanggal lahir Anda."),
                              before=BIRTH_DATE_ERRORS),
    "birth-date/month": _prompt(N_("Bulan apa Anda lahir?"), N_("Tekan bulan lahir Anda."),
                                before=BIRTH_DATE_ERRORS),
    "birth-date/year": _prompt(N_("Tahun berapa Anda lahir?"),
                               N_("Ketik 4 angka tahun lahir Anda"), PRESS_NEXT_WHEN_DONE,
                               before=BIRTH_DATE_ERRORS),
    "selfie/intro": _prompt(
        N_("Sebelum foto wajah"),
        N_("Kamera akan memotret wajah Anda untuk memastikan ini benar Anda."),
        N_("Lepaskan kacamata dan lensa kontak berwarna."),
        N_("Hadapkan wajah ke layar. Seluruh wajah harus terlihat."),
        N_("Diam sebentar sampai selesai."),
        N_("Tekan Buka kamera.")),
    "selfie/camera": _prompt(N_("Foto wajah Anda"), N_("Lihat ke layar dan ikuti petunjuknya."),
                             before=SELFIE_RETRY),
    "selfie/liveness": _prompt(N_("Foto wajah Anda"), SELFIE_TURN),
    "selfie/matching": _prompt(
        N_("Mohon tunggu sebentar. Kami mencocokkan foto Anda dengan data kami.")),
    "selfie/staff": _prompt(
        N_("Seorang petugas akan datang dan memeriksa e-KTP Anda. Silakan tunggu di sini."),
        before=SELFIE_STAFF_WHY),
    "balance": _prompt(N_("Uang JHT Anda %(amount)s."), PRESS_NEXT),
    "balance/claim-open": _prompt(
        N_("Anda sudah punya klaim yang sedang diproses."), N_("Nomor klaim Anda %(number)s."),
        N_("Anda belum bisa membuat klaim baru. Petugas bisa menjelaskan klaim Anda."),
        N_("Tekan Panggil Petugas.")),
    "reason": _prompt(N_("Kenapa Anda mengambil JHT?"), N_("Tekan alasan Anda.")),
    "reason/none": _prompt(N_("Saat ini Anda belum bisa mengambil uang JHT di kiosk."),
                           N_("Tekan Panggil Petugas.")),
    "amount": _prompt(N_("Uang yang Anda terima %(net)s."),
                      N_("Itu setelah perkiraan pajak %(tax)s."), PRESS_NEXT),
    "amount/staff": _prompt(N_("Uang yang Anda terima %(net)s."),
                            N_("Itu setelah perkiraan pajak %(tax)s."), STAFF_WILL_CHECK_CLAIM,
                            PRESS_NEXT),
    "bank/choose": _prompt(N_("Ke rekening mana uangnya dikirim?"), PRESS_A_CHOICE),
    "bank/bank-list": _prompt(N_("Pilih bank Anda"), PRESS_A_CHOICE),
    "bank/account": _prompt(N_("Ketik nomor rekening baru Anda."), PRESS_NEXT_WHEN_DONE,
                            before=BANK_ERRORS),
    "bank/holder": _prompt(N_("Klaim Anda tetap kami terima. Anda bisa melanjutkan."), PRESS_NEXT,
                           before=BANK_HOLDER),
    "phone/choose": _prompt(N_("Ke nomor HP mana kabar pembayaran dikirim?"), PRESS_A_CHOICE),
    "phone/entry": _prompt(N_("Ketik nomor HP Anda, mulai dengan 08"), PRESS_NEXT_WHEN_DONE,
                           before=PHONE_ERRORS),
    "documents": _prompt(N_("Surat yang Anda bawa"),
                         N_("Tekan setiap surat yang Anda bawa hari ini."),
                         N_("Lalu tekan Lanjut.")),
    "documents/camera": _prompt(
        N_("Tunjukkan surat ke kamera"),
        N_("Pegang surat dengan dua tangan di depan kamera, tulisannya menghadap ke layar.")),
    "documents/check": _prompt(N_("Apakah foto ini bisa dibaca?"),
                               N_("Tekan Ya, bisa dibaca. Atau tekan Foto lagi.")),
    "review": _prompt(N_("Periksa klaim Anda"), N_("Alasan: %(reason)s."),
                      N_("Uang yang Anda terima %(net)s."), N_("Dikirim ke rekening %(bank)s."),
                      N_("Jika sudah benar, tekan Kirim klaim.")),
    "review/staff": _prompt(N_("Periksa klaim Anda"), N_("Alasan: %(reason)s."),
                            N_("Uang yang Anda terima %(net)s."),
                            N_("Dikirim ke rekening %(bank)s."),
                            N_("Petugas akan memeriksa klaim ini."),
                            N_("Jika sudah benar, tekan Kirim klaim.")),
    "survey": _prompt(N_("Bagaimana pengalaman Anda hari ini?"),
                      N_("Pilih satu wajah. Boleh dilewati.")),
    "staff-coming": _prompt(
        N_("Petugas sudah dipanggil"),
        N_("Seorang petugas akan datang ke kiosk ini. Silakan tunggu di sini."),
        N_("Sambil menunggu, Anda boleh melanjutkan sendiri.")),
    # A waiting screen once a staff member has said they are coming (the console's Acknowledge).
    "staff-on-the-way": _prompt(N_("%(name)s sedang menuju ke sini."), N_("Silakan tunggu di sini.")),
    **{f"error/{name}": _prompt(*words) for name, words in ERROR_PAGES.items()},
    # The idle warning, an overlay on any screen.
    "idle": _prompt(N_("Anda masih di sini?"), N_("Tekan Saya masih di sini untuk melanjutkan.")),
    # The receipt, read aloud whole, as it prints (kiosk.receipts).
    **_receipt_screens(),
    # The claim status look-up from the welcome screen (kiosk.participant.status).
    **_status_screens(),
}

# Things said on their own while a screen stays: (group, code) -> message id.
CUES: dict[tuple[str, str], str] = {
    **{("selfie-advice", code): message for code, message in SELFIE_ADVICE.items()},
    ("selfie-turn", "turn"): SELFIE_TURN,
    **{("paper-advice", code): message for code, message in PAPER_ADVICE.items()},
    ("receipt", "printed"): RECEIPT_PRINTED,
    **{("receipt-fault", code): message for code, message in PRINTER_FAULTS.items()},
}


def sentence(text: str) -> str:
    """`text` trimmed, with a full stop added when it ends without one (titles)."""
    text = text.strip()
    return text if not text or text.endswith(_END) else text + "."


def compose(messages: tuple[str, ...], gettext: Gettext, values: Mapping[str, str | None]) -> str:
    """Translate each message, fill its placeholders from `values`, and join the sentences.

    A message whose fact is None is left out (a tax of nothing is not worth saying).
    """
    said = []
    for message in messages:
        translated = gettext(message)
        wanted = _FIELD.findall(message)
        if any(values[name] is None for name in wanted):
            continue
        said.append(sentence(translated % {name: values[name] for name in wanted}
                             if wanted else translated.replace("%%", "%")))
    return " ".join(part for part in said if part)


def screen_text(screen: str, gettext: Gettext, values: Mapping[str, str | None] | None = None,
                code: str | None = None) -> str:
    """What `screen` says, `values` already in words (see spoken.say)."""
    return compose(SCREENS[screen].messages(code), gettext, values or {})


def static_texts(gettext: Gettext) -> Iterator[str]:
    """Every text the kiosk can say that has no dynamic fact, in one language."""
    for prompt in SCREENS.values():
        for code in (None, *prompt.before):
            if not prompt.fields(code):
                yield compose(prompt.messages(code), gettext, {})
    for message in CUES.values():
        yield compose((message,), gettext, {})


def message_ids() -> set[str]:
    """Every message id in the catalogue (for checks that each is translated)."""
    ids = {message for prompt in SCREENS.values() for code in (None, *prompt.before)
           for message in prompt.messages(code)}
    return ids | set(CUES.values())
