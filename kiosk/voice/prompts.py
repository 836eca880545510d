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

Every choice and control has a static clip of its own (`clips`: a reason with its one line, a
paper, a face, a language, a button's words, a number, a state such as "chosen"): the page says
a screen's prompt and then its choices, a choice touched once, and in audio mode the control
that has the focus. `static_texts` holds them all, so `voice build` makes them before anyone comes.

Pure Python: no Flask here. `gettext` is passed in by the caller.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
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

# Words a participant may not know, explained once where they first come (and shown there too).
JHT_MEANS = N_("JHT adalah tabungan hari tua Anda.")
# What the kiosk is for, with what JHT is (the welcome screen shows and says it).
WELCOME_LEAD = N_("Di sini Anda bisa mengambil uang JHT, tabungan hari tua Anda.")
CLAIM_NUMBER_WHERE = N_("Nomor ini ada di struk Anda.")

# Typing errors, shown in the error summary and spoken before the screen's prompt.
IDENTIFY_ERRORS = {
    "empty": N_("Masukkan nomor kartu Anda dulu."),
    "not_digits": N_("Nomor hanya berisi angka. Periksa lagi nomor di kartu Anda."),
    "wrong_length": N_("Nomor ini punya %(n)s angka. Nomor kartu BPJS punya 11 angka. "
                       "Nomor KTP punya 16 angka."),
    "impossible_nik": N_("Nomor KTP ini tidak mungkin benar. Periksa lagi nomor di KTP Anda."),
    "wrong_pair": N_("Nomor dan tanggal lahir tidak cocok dengan data kami. Periksa nomor kartu "
                     "dan tanggal lahir Anda, lalu coba lagi."),
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
    # Before the first frames are judged (the camera is still starting): what to do, no verdict.
    "start": N_("Wajah Anda di dalam lingkaran."),
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
# The head-turn challenge: while the head turns it is the only instruction shown and said.
SELFIE_TURN = N_("Putar kepala pelan, lalu lihat layar lagi.")
SELFIE_ADVICE["turn"] = SELFIE_TURN
# Why a selfie try did not succeed, said on the pause before the next try ...
SELFIE_RETRY = {
    "turn": N_("Kami belum melihat kepala Anda berputar."),
    "no_match": N_("Foto belum cocok dengan data kami."),
    "lost": N_("Foto tadi kurang jelas."),
}
# ... and what to change before trying again (shown with a picture).
SELFIE_RETRY_HELP = {
    "turn": (SELFIE_TURN,),
    "no_match": (N_("Lepaskan kacamata dan topi."),
                 N_("Wajah harus terang. Jika gelap, minta petugas menyalakan lampu.")),
    "lost": (N_("Lihat ke layar, lalu diam sebentar."),),
}
# Why the kiosk called a staff member to the selfie step.
SELFIE_STAFF_WHY = {
    "tries": N_("Foto belum berhasil. Itu tidak apa-apa, akun Anda tidak diblokir."),
    "uncertain": N_("Kami belum yakin foto ini cocok. Petugas akan memastikannya."),
    "no_photo": N_("Kami belum punya foto Anda di data kami."),
    "core_away": N_("Foto Anda belum bisa diambil dari kantor pusat."),
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
_CLAIM_NUMBER = N_("Nomor klaim Anda %(number)s.")
_RECEIPT_FACTS = (
    _CLAIM_NUMBER, N_("Uang JHT yang diambil %(gross)s."),
    N_("Potongan pajak, kira-kira %(tax)s."),
    N_("Uang yang Anda terima %(net)s."),
    N_("Dikirim ke rekening %(bank)s yang berakhiran %(account)s."))
PAID_BY = N_("Uang masuk ke rekening tabungan Anda pada %(date)s atau lebih cepat.")
PAID_ON = N_("%(date)s atau lebih cepat")  # "when paid" on the screens and the receipt
_RECEIPT_PAID = (PAID_BY,
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
    `receipt/printer-error` (after the fault's words), each with `-staff`. At larger text the
    receipt is two screens (kiosk.participant.receipt): `receipt/<state>-first[-staff]`, the
    claim's facts and Lanjut, then `receipt/<state>-more[-staff]`, what happens next, where to
    ask, and Selesai; each begins with how the print goes, as each screen shows it.
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
            # The paid date is a row of the facts; the rest of `middle` is what happens next.
            paid = middle[:1] if middle is _RECEIPT_PAID else ()
            screens[f"receipt/{state}-first{suffix}"] = _prompt(
                _RECEIPT_TITLE, *first, *_RECEIPT_FACTS, *paid, PRESS_NEXT, before=before)
            screens[f"receipt/{state}-more{suffix}"] = _prompt(
                *first, *middle[len(paid):], *_RECEIPT_END, before=before)
    return screens


# The birth date, part by part (identification and the claim status look-up).
_BIRTH_DAY = (N_("Tanggal berapa Anda lahir?"), N_("Tekan tanggalnya."))
_BIRTH_MONTH = (N_("Bulan apa Anda lahir?"), N_("Tekan bulannya."))
_BIRTH_YEAR = (N_("Tahun berapa Anda lahir?"), N_("Ketik 4 angka, lalu tekan Lanjut."))

# The claim status look-up (kiosk.participant.status).
STATUS_TITLE = N_("Cek status klaim")
STATUS_HOW = (N_("Ketik nomor klaim di struk Anda."),
              N_("Atau tunjukkan kode QR di struk ke kamera."))
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
_STATUS_DATE = PAID_BY


def _status_screens() -> dict[str, Prompt]:
    """The look-up: the number (camera or keypad), the birth date, the answer by state."""
    screens = {
        "status/number": _prompt(STATUS_TITLE, *STATUS_HOW, before=STATUS_ERRORS),
        "status/day": _prompt(*_BIRTH_DAY, before=BIRTH_DATE_ERRORS),
        "status/month": _prompt(*_BIRTH_MONTH, before=BIRTH_DATE_ERRORS),
        "status/year": _prompt(*_BIRTH_YEAR, before=BIRTH_DATE_ERRORS),
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
            _CLAIM_NUMBER, _STATUS_STATE, words, _STATUS_DATE,
            N_("Tekan Selesai."))
    return screens


# The review (kiosk.participant.review): what the claim is, then why staff check it, if they do.
# The money, the account and the phone in the amount screen's words (_CONFIRM below): the whole
# balance without tax is "all your JHT money" (the reason screen has just said how much it is).
def _review_facts(whole: bool) -> tuple[str, ...]:
    return (N_("Periksa klaim Anda"), N_("Alasan: %(reason)s."),
            _CONFIRM_ALL[0] if whole else _CONFIRM[0], _CONFIRM_SMS,
            N_("Surat yang Anda bawa: %(have)s dari %(needed)s."))


_REVIEW_STAFF = N_("Petugas akan memeriksa klaim ini.")
# What the lobby should not hear is not read (the account and the phone by their last digits
# only); the screen says so.
REVIEW_NOT_READ = N_("Nomor rekening dan nomor HP tidak dibacakan lengkap.")
_REVIEW_SEND = N_("Tekan Kirim klaim.")
# Why staff check a claim (kiosk.jht staff reason codes), shown on the review and said after it.
STAFF_REASONS = {
    "above_limit": N_("Jumlahnya di atas batas klaim mandiri, jadi petugas memeriksanya dulu."),
    "finish_with_staff": N_("Alasan klaim ini diselesaikan oleh petugas."),
    **BANK_HOLDER,
    "documents_missing": N_("Ada surat yang belum Anda bawa. Petugas akan menghubungi Anda."),
}


def review_messages(staff_reasons: tuple[str, ...] | None = None,
                    whole: bool = False) -> tuple[str, ...]:
    """The review's message ids: its facts (`whole`: the whole balance without tax), and with
    `staff_reasons` (codes) why staff check it."""
    if staff_reasons is None:
        return SCREENS["review/all" if whole else "review"].parts
    why = tuple(STAFF_REASONS[code] for code in staff_reasons if code in STAFF_REASONS)
    return (*_review_facts(whole), _REVIEW_STAFF, *why, _REVIEW_SEND)


_BALANCE = N_("Uang JHT Anda %(amount)s.")
# Before the selfie: three things to do, each with a picture (selfie.html).
SELFIE_TIPS = (N_("Lepaskan kacamata dan topi."), N_("Lihat ke layar."), N_("Diam sebentar."))
# The amount, the account and the phone were said on the amount screen: the reason is new.
_TYPE_NUMBER = N_("Ketik nomor kartu BPJS atau nomor KTP Anda")
# What the amount screen confirms: the money, where it goes, where the SMS goes (the review
# says the same words).
_CONFIRM = (N_("Uang %(net)s ke rekening %(bank)s berakhiran %(account)s."),
            N_("Itu sudah dipotong pajak %(tax)s."))
# The whole balance without tax: the reason screen has just said how much it is.
_CONFIRM_ALL = (N_("Semua uang JHT Anda ke rekening %(bank)s berakhiran %(account)s."),)
_CONFIRM_SMS = N_("SMS ke HP berakhiran %(phone)s.")
PRESS_YES = N_("Jika benar, tekan Ya, benar.")

SCREENS: dict[str, Prompt] = {
    "welcome": _prompt(
        N_("Selamat datang"),
        WELCOME_LEAD,
        N_("Pilih bahasa, lalu tekan Mulai.")),
    "identify": _prompt(N_("Ketik nomor kartu BPJS atau KTP Anda, lalu tekan Lanjut."), before={
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
    "birth-date/day": _prompt(*_BIRTH_DAY, before=BIRTH_DATE_ERRORS),
    "birth-date/month": _prompt(*_BIRTH_MONTH, before=BIRTH_DATE_ERRORS),
    "birth-date/year": _prompt(*_BIRTH_YEAR, before=BIRTH_DATE_ERRORS),
    "selfie/intro": _prompt(
        N_("Kami memotret wajah Anda, untuk memastikan ini Anda."), *SELFIE_TIPS,
        N_("Tekan Buka kamera.")),
    # The camera opens: the advice shown first is said (more comes as cues, one at a time).
    "selfie/camera": _prompt(SELFIE_ADVICE["start"]),
    "selfie/liveness": _prompt(SELFIE_TURN),
    # A calm pause after a try that did not succeed: why, what to change, then the camera again.
    "selfie/retry": _prompt(
        N_("Tidak apa-apa, tidak perlu terburu-buru."),
        N_("Anda masih bisa mencoba %(tries)s kali."),
        N_("Tekan Buka kamera jika sudah siap."),
        before={code: (why, *SELFIE_RETRY_HELP[code]) for code, why in SELFIE_RETRY.items()}),
    "selfie/matching": _prompt(N_("Tunggu sebentar.")),
    "selfie/staff": _prompt(
        N_("Seorang petugas akan datang dan memeriksa e-KTP Anda. Silakan tunggu di sini."),
        before=SELFIE_STAFF_WHY),
    "balance": _prompt(_BALANCE, PRESS_NEXT),
    "balance/claim-open": _prompt(
        N_("Anda sudah punya klaim yang sedang diproses."), _CLAIM_NUMBER, CLAIM_NUMBER_WHERE,
        N_("Anda belum bisa membuat klaim baru. Petugas bisa menjelaskan klaim Anda."),
        N_("Tekan Panggil Petugas.")),
    # The reason screen shows the balance too (the balance is a screen of its own only when a
    # claim is open already).
    "reason": _prompt(_BALANCE, N_("Kenapa Anda mengambil JHT?"), N_("Tekan alasan Anda.")),
    # At larger text the balance has just had a screen of its own (kiosk.participant.balance).
    "reason/apart": _prompt(N_("Kenapa Anda mengambil JHT?"), N_("Tekan alasan Anda.")),
    "reason/none": _prompt(_BALANCE, N_("Saat ini Anda belum bisa mengambil uang JHT di kiosk."),
                           N_("Tekan Panggil Petugas.")),
    # The amount, the account and the phone confirmed on one screen.
    "amount": _prompt(*_CONFIRM, _CONFIRM_SMS, PRESS_YES, before=BANK_HOLDER),
    "amount/staff": _prompt(*_CONFIRM, _CONFIRM_SMS, STAFF_WILL_CHECK_CLAIM, PRESS_YES,
                            before=BANK_HOLDER),
    "amount/all": _prompt(*_CONFIRM_ALL, _CONFIRM_SMS, PRESS_YES, before=BANK_HOLDER),
    "amount/all-staff": _prompt(*_CONFIRM_ALL, _CONFIRM_SMS, STAFF_WILL_CHECK_CLAIM, PRESS_YES,
                                before=BANK_HOLDER),
    "bank/choose": _prompt(N_("Ke rekening mana uangnya dikirim?"), PRESS_A_CHOICE),
    "bank/bank-list": _prompt(N_("Pilih bank Anda"), PRESS_A_CHOICE),
    "bank/account": _prompt(N_("Ketik nomor rekening baru Anda."), PRESS_NEXT_WHEN_DONE,
                            before=BANK_ERRORS),
    "bank/holder": _prompt(N_("Klaim Anda tetap kami terima. Anda bisa melanjutkan."), PRESS_NEXT,
                           before=BANK_HOLDER),
    "phone/choose": _prompt(N_("Ke nomor HP mana SMS dikirim saat uang dibayar?"), PRESS_A_CHOICE),
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
    # The review says everything needed to check the claim, the account and the phone by their
    # last digits only (the screen says so); see review_messages for the staff reasons.
    "review": _prompt(*_review_facts(False), _REVIEW_SEND),
    "review/all": _prompt(*_review_facts(True), _REVIEW_SEND),
    "review/staff": _prompt(*_review_facts(False), _REVIEW_STAFF, _REVIEW_SEND),
    "survey": _prompt(N_("Bagaimana pengalaman Anda hari ini?"),
                      N_("Pilih satu wajah. Jika tidak mau, tekan Tidak, terima kasih.")),
    "staff-coming": _prompt(
        N_("Petugas sudah dipanggil"),
        N_("Seorang petugas akan datang ke kiosk ini. Silakan tunggu di sini."),
        N_("Sambil menunggu, Anda boleh melanjutkan sendiri.")),
    # A waiting screen once a staff member has said they are coming (the console's Acknowledge).
    "staff-on-the-way": _prompt(N_("%(name)s sedang menuju ke sini."), N_("Silakan tunggu di sini.")),
    **{f"error/{name}": _prompt(*words) for name, words in ERROR_PAGES.items()},
    # Start over asks first (kiosk.participant.side): what would be lost, and the two answers.
    "start-over": _prompt(
        N_("Mulai lagi dari awal?"), N_("Semua yang sudah Anda isi akan dihapus."),
        N_("Tekan Kembali untuk melanjutkan."), N_("Atau tekan Ya, mulai lagi.")),
    "start-over/saved": _prompt(
        N_("Mulai lagi dari awal?"), N_("Klaim Anda tetap tersimpan."),
        N_("Tekan Kembali untuk melanjutkan."), N_("Atau tekan Ya, mulai lagi.")),
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


def static_texts(gettext: Gettext, language: str = "id", *,
                 names: Mapping[str, str] | None = None, banks: Iterable[str] = ()) -> Iterator[str]:
    """Every text the kiosk can say that has no dynamic fact, in one language.

    The screens' prompts and errors, the cues, and every clip of a choice or control said in
    `language`'s own voice (see `clips`; `names` and `banks` as there).
    """
    for prompt in SCREENS.values():
        for code in (None, *prompt.before):
            if not prompt.fields(code):
                yield compose(prompt.messages(code), gettext, {})
    for message in CUES.values():
        yield compose((message,), gettext, {})
    for clip in clips(gettext, language, names=names, banks=banks):
        if clip.language == language:
            yield clip.text


def message_ids() -> set[str]:
    """Every message id in the catalogue (for checks that each is translated)."""
    ids = {message for prompt in SCREENS.values() for code in (None, *prompt.before)
           for message in prompt.messages(code)}
    return ids | set(CUES.values()) | set(STAFF_REASONS.values()) | clip_message_ids()


# --- practice and the demonstration (kiosk.participant.practice) ---------------------------------
# Practice says the practice facts the person types; its receipt says it is only practice. The
# demonstration ("how-it-works") says a few short words on each real screen it walks.

PRACTICE_PRINTER_FAULT = N_("Struk latihan tidak tercetak. Tidak apa-apa, ini hanya latihan.")
_PRACTICE = N_("Ini latihan. Tidak ada yang dikirim.")
_PRACTICE_RECEIPT = N_("Struk latihan")
_PRESS_DONE = N_("Tekan Selesai.")
_PRACTICE_PRINTS = (("", RECEIPT_PRINTING), ("printed-", RECEIPT_PRINTED),
                    ("printer-error-", PRACTICE_PRINTER_FAULT))
SCREENS.update({
    "practice/identify": _prompt(_PRACTICE, N_("Nomor latihan Anda %(number)s."), _TYPE_NUMBER,
                                 PRESS_NEXT_WHEN_DONE),
    "practice/birth-date": _prompt(N_("Tanggal lahir latihan Anda %(date)s."),
                                   N_("Tekan tanggal lahir Anda.")),
    # The receipt step of a practice visit (its own template, practice_receipt.html).
    "practice-receipt": _prompt(_PRACTICE_RECEIPT, _PRACTICE, RECEIPT_PRINTING, _PRESS_DONE),
    "practice-receipt/printed": _prompt(_PRACTICE_RECEIPT, _PRACTICE, RECEIPT_PRINTED,
                                        _PRESS_DONE),
    "practice-receipt/printer-error": _prompt(_PRACTICE_RECEIPT, _PRACTICE,
                                              PRACTICE_PRINTER_FAULT, _PRESS_DONE),
    # At larger text the receipt is two screens (kiosk.participant.receipt): Lanjut, then Selesai.
    **{f"practice-receipt/{state}first": _prompt(_PRACTICE_RECEIPT, _PRACTICE, words, PRESS_NEXT)
       for state, words in _PRACTICE_PRINTS},
    **{f"practice-receipt/{state}more": _prompt(_PRACTICE, words, _PRESS_DONE)
       for state, words in _PRACTICE_PRINTS},
    "how-it-works": _prompt(N_("Ini contoh cara mengambil uang JHT di kiosk."),
                            N_("Sentuh layar untuk berhenti.")),
    "how-it-works/identify": _prompt(N_("Ketik nomor di kartu BPJS Anda.")),
    "how-it-works/mistake": _prompt(N_("Salah angka? Tekan Hapus.")),
    "how-it-works/next": _prompt(PRESS_NEXT),
    "how-it-works/day": _prompt(N_("Tekan tanggal lahir Anda.")),
    "how-it-works/month": _prompt(N_("Tekan bulan lahir Anda.")),
    "how-it-works/year": _prompt(N_("Ketik tahun lahir Anda.")),
    "how-it-works/selfie": _prompt(N_("Lalu kamera memotret wajah Anda.")),
    "how-it-works/reason": _prompt(N_("Ini uang JHT Anda."), N_("Tekan alasan Anda mengambil JHT.")),
    "how-it-works/amount": _prompt(N_("Ini uang yang Anda terima."), PRESS_YES),
    "how-it-works/review": _prompt(N_("Periksa, lalu tekan Kirim klaim.")),
    "how-it-works/end": _prompt(N_("Struk Anda lalu dicetak."),
                                N_("Sekarang Anda bisa mencoba sendiri.")),
    "how-it-works/other": _prompt(PRESS_NEXT),
})
CUES[("practice", "printer-error")] = PRACTICE_PRINTER_FAULT


# --- the words of every choice and control ----------------------------------------------------
#
# A screen's voice is a playlist: its prompt, then each choice on it in order (voice.js reads a
# group of up to nine; the days and months of a birth date are not read one by one). A choice
# touched once says its words; in audio mode the control with the focus says its words and its
# state. Every one of them is a static clip that `voice build` makes (static_texts). The page
# finds a clip by the control's hooks: a choice by its step and data-choice code, a language by its
# code, a number field by its step and id, any other control by the words it shows (label_key).

# The claim's codes in words, as components/labels.html shows them (tests hold the two together).
REASON_NAMES = {
    "retirement_age": N_("Usia 56 tahun"),
    "resignation": N_("Berhenti kerja (mengundurkan diri)"),
    "termination": N_("Berhenti kerja (PHK)"),
    "contract_end": N_("Kontrak kerja selesai"),
    "bpu_stopped": N_("Peserta mandiri berhenti bekerja"),
    "leaving_indonesia": N_("Pindah ke luar negeri selamanya"),
    "disability": N_("Cacat, tidak bisa bekerja lagi"),
    "partial_10": N_("Ambil sebagian (10 persen)"),
    "partial_30": N_("Ambil sebagian untuk rumah (30 persen)"),
}
REASON_LINES = {
    "retirement_age": N_("Anda sudah berusia 56 tahun. Anda bisa mengambil semua uang JHT."),
    "resignation": N_("Anda sudah berhenti bekerja lebih dari 1 bulan."),
    "termination": N_("Anda terkena PHK lebih dari 1 bulan yang lalu."),
    "contract_end": N_("Kontrak kerja Anda sudah selesai."),
    "bpu_stopped": N_("Anda peserta mandiri dan sudah berhenti bekerja."),
    "leaving_indonesia": N_("Anda mulai di sini, petugas menyelesaikannya."),
    "disability": N_("Anda mulai di sini, petugas menyelesaikannya."),
    "partial_10": N_("Sisanya tetap ditabung. Hanya bisa sekali."),
    "partial_30": N_("Untuk membeli rumah. Petugas menyelesaikannya."),
}
DOCUMENT_NAMES = {
    "kpj_card": N_("Kartu BPJS Ketenagakerjaan"),
    "ektp": N_("KTP elektronik"),
    "resignation_letter": N_("Surat keterangan berhenti kerja (paklaring)"),
    "phk_proof": N_("Bukti PHK"),
    "contract_end_proof": N_("Bukti kontrak kerja selesai"),
    "bpu_stop_statement": N_("Surat pernyataan berhenti bekerja"),
    "passport": N_("Paspor"),
    "not_returning_statement": N_("Surat pernyataan tidak kembali ke Indonesia"),
    "proof_of_leaving_work": N_("Bukti berhenti bekerja"),
    "doctor_certificate": N_("Surat keterangan dokter"),
    "housing_proof": N_("Bukti beli rumah atau akad kredit"),
    "eligibility_letter": N_("Surat keterangan dari petugas layanan"),
}
SURVEY_FACES = {"1": N_("Sangat buruk"), "2": N_("Buruk"), "3": N_("Biasa"), "4": N_("Baik"),
                "5": N_("Sangat baik")}

# Each choice (CONTRACT.md codes) by step: its name, then its one line.
CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    "reason": {code: (REASON_NAMES[code], REASON_LINES[code]) for code in REASON_NAMES},
    # The kept account and phone are shown by their masked digits; said, they are "mine".
    "bank": {"keep": (N_("Rekening saya yang sudah terdaftar."),),
             "new": (N_("Rekening lain"), N_("Anda mengetik nomor rekening baru."))},
    "phone": {"keep": (N_("Nomor HP saya yang sudah terdaftar."),),
              "new": (N_("Nomor lain"), N_("Anda mengetik nomor HP baru."))},
    "documents": {f"have-{doc}": (name,) for doc, name in DOCUMENT_NAMES.items()},
    "survey": {score: (face,) for score, face in SURVEY_FACES.items()},
}
# The steps whose choices say exactly the words their buttons show.
SHOWN_AS_SAID = ("reason", "documents", "survey")

# Every other control of a participant screen, by the words it shows (or its aria-label): the
# toolbar, the step's buttons, Back and Start over, the keypad's words, number fields' labels,
# the review's row names (a Change button is said with its row's name). An error summary's link
# is said as the field it leads to.
LABELS: tuple[str, ...] = (
    N_("Langsung ke isi"), N_("Huruf besar"), N_("Panggil Petugas"), N_("Dengar lagi"),
    N_("Lebih pelan"), N_("Kecilkan suara"), N_("Keraskan suara"), N_("Tanpa suara"),
    N_("Saya masih di sini"), N_("Kembali"), N_("Mulai lagi"), N_("Mulai"),
    N_("Cek status klaim"), N_("Lanjut"), N_("Hapus"), N_("Hapus semua"), N_("Dengar angka"),
    _TYPE_NUMBER,
    N_("Ketik 4 angka tahun lahir Anda"), N_("Ketik nomor HP Anda, mulai dengan 08"),
    N_("Nomor klaim di struk Anda (12 angka)"), N_("Pakai kamera lagi"),
    N_("Buka kamera"), N_("Saya ingin dibantu petugas"), N_("Saya tidak bisa menunjukkannya"),
    N_("Ya, bisa dibaca"), N_("Foto lagi"), N_("Ubah"), N_("Kirim klaim"), N_("Alasan"),
    N_("Yang Anda terima"), N_("Rekening"), N_("Nomor HP"), N_("Surat yang dibawa"),
    N_("Selesai"), N_("Cetak struk"), N_("Lewati"), N_("Lanjutkan sendiri"),
    N_("Coba dulu"), N_("Lihat caranya"), N_("Berhenti"), N_("Pengaturan"),
    N_("Kontras tinggi"), N_("Tutup"), N_("Ya, benar"), N_("Ganti rekening"), N_("Ganti nomor HP"),
    N_("Tidak, terima kasih"),
)
# The text size button shows its words and the size now ("Ukuran huruf 125%"): one clip a size.
TEXT_SIZE_LABEL = N_("Ukuran huruf")
TEXT_SIZES = (100, 125, 150)
# A number field whose label holds a fact (the bank's name), by step and field id.
FIELDS = {"bank:account": N_("Ketik nomor rekening baru Anda.")}
# What a control is now: said after its words when the focus reaches it.
STATES = {"pressed": N_("Dipilih."), "not-pressed": N_("Belum dipilih."),
          "disabled": N_("Tidak bisa ditekan."), "empty": N_("Masih kosong.")}
# How many digits a number field holds, said as each is typed in audio mode (never the digits).
COUNT_ONE = N_("Satu angka.")
COUNT = N_("%(n)s angka")
MAX_COUNT = 20  # a bank account has 20 digits at most
DAYS = 31  # numbers said: a day of the month, and each digit when a number is read back
# Audio mode: said when a key press on the welcome screen starts it, and on a number screen.
AUDIO_MODE = (N_("Mode suara."), N_("Tekan panah untuk berpindah, tekan Enter untuk memilih."),
              N_("Tekan tombol tambah untuk mendengar lagi."))
AUDIO_NUMBER = (N_("Ketik angkanya, lalu tekan Enter."),
                N_("Tekan tombol bintang untuk mendengar angka Anda."))


@dataclass(frozen=True)
class Clip:
    """One static clip: `name` (language-independent, for tests), where the page looks it up
    (`group` and `key`), the `text` said, and the `language` whose voice says it."""

    name: str
    group: str
    key: str
    text: str
    language: str


def label_key(text: str) -> str:
    """The words of a control as the page matches them: spaces collapsed, lower case."""
    return " ".join(text.replace("%%", "%").split()).lower()


def clips(gettext: Gettext, language: str = "id", *, names: Mapping[str, str] | None = None,
          banks: Iterable[str] = ()) -> Iterator[Clip]:
    """Every clip of a choice or control for a page in `language` (translated by `gettext`).

    `names` are the languages' names (each said in its own language, kiosk.i18n.LANGUAGES),
    `banks` the bank codes of the bank list. Numbers are said by the voice of their words
    (spoken.NUMBER_LANGUAGE: Javanese and Sundanese pages share the Indonesian ones).
    """
    from kiosk.voice.spoken import NUMBER_LANGUAGE, month_names, number_words

    def said(*messages: str) -> str:
        return compose(messages, gettext, {})

    for step, choices in CHOICES.items():
        for code, messages in choices.items():
            yield Clip(f"choice:{step}:{code}", "choices", f"{step}:{code}", said(*messages),
                       language)
    for code, name in (names or {}).items():
        yield Clip(f"choice:language:{code}", "choices", f"language:{code}", sentence(name), code)
    for message in LABELS:
        yield Clip(f"label:{message}", "texts", label_key(gettext(message)), said(message),
                   language)
    for size in TEXT_SIZES:
        words = f"{gettext(TEXT_SIZE_LABEL)} {size}%"
        yield Clip(f"label:text-size:{size}", "texts", label_key(words),
                   sentence(f"{gettext(TEXT_SIZE_LABEL)} {number_words(size, language)}"),
                   language)
    for month, name in enumerate(month_names(language), start=1):
        yield Clip(f"month:{month}", "texts", label_key(name), sentence(name), language)
    for code in banks:
        yield Clip(f"bank:{code}", "texts", label_key(code), sentence(code), language)
    for key, message in FIELDS.items():
        yield Clip(f"field:{key}", "fields", key, said(message), language)
    for code, message in STATES.items():
        yield Clip(f"state:{code}", "states", code, said(message), language)
    yield Clip("count:1", "counts", "1", said(COUNT_ONE), language)
    for n in range(2, MAX_COUNT + 1):
        yield Clip(f"count:{n}", "counts", str(n),
                   compose((COUNT,), gettext, {"n": number_words(n, language)}), language)
    for n in range(DAYS + 1):
        yield Clip(f"number:{n}", "numbers", str(n), number_words(n, language),
                   NUMBER_LANGUAGE[language])
    yield Clip("audio-mode", "mode", "start", said(*AUDIO_MODE), language)
    yield Clip("audio-mode:number", "mode", "number", said(*AUDIO_NUMBER), language)


def clip_message_ids() -> set[str]:
    """The message ids of every choice and control clip."""
    return ({message for choices in CHOICES.values() for messages in choices.values()
             for message in messages}
            | {*LABELS, TEXT_SIZE_LABEL, *FIELDS.values(), *STATES.values(), COUNT_ONE, COUNT,
               *AUDIO_MODE, *AUDIO_NUMBER})
