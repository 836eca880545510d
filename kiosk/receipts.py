"""The claim's receipt: one model that the screen, the voice and the printer all take their words
from, printed once after submit, reprinted by staff; and the kiosk printer's health.

    model_for(claim, language) -> ReceiptModel   the facts (masked where the paper leaves the kiosk)
    paper(model) -> hardware.printer.Receipt      its words in the visit's language (screen, paper)
    spoken(model) -> dict                         its facts for the voice (kiosk.voice.spoken)
    first_print(claim, language) -> job | None    the one print after submit (None: taken already)
    run(job)                                      print it; the job records printed or the fault
    reprint(number)                               a staff reprint (CLI, console)
    printer_status(kiosk) -> dict                 what the kiosk's printer says (heartbeat, board)

A first print is a row in receipt_print with kind "first", unique per claim in the database, so a
reload, a second tab or a double request can never print it twice; a print whose process died is
shown as failed after PRINT_STALE_SECONDS and staff reprint it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask import current_app, get_template_attribute
from flask_babel import force_locale, gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hardware import printer as hardware_printer
from hardware.errors import HardwareError
from kiosk.core import get_core
from kiosk.extensions import db
from kiosk.i18n import rupiah
from kiosk.jht import group_number, mask_name
from kiosk.models import Claim, Kiosk, ReceiptPrint, utcnow
from kiosk.voice.prompts import N_, PAID_ON, PRINTER_FAULTS
from kiosk.voice.spoken import Digits, Rupiah

AGENCY = "BPJS Ketenagakerjaan"
CLAIM_NUMBER_GROUPS = (4, 2, 5, 1)  # branch, kiosk, sequence, check digit (CONTRACT.md)
FIRST, REPRINT = "first", "reprint"
PRINTING, PRINTED, FAILED = "printing", "printed", "failed"
# The receipt screen's sub-states (CONTRACT.md) for a print's state.
SCREEN_STATES = {PRINTING: "printing", PRINTED: "printed", FAILED: "printer-error"}
PRINT_STALE_SECONDS = 60  # longer than any printer takes: the process printing it has died
# Papers every participant whose claim staff finish shows at the counter.
ALWAYS_BRING = ("ektp", "kpj_card")

# The paper's words (the screen shows the same).
WORDS = {
    "branch": N_("Kantor Cabang %(name)s"),
    "number": N_("Nomor klaim"),
    "name": N_("Nama"),
    "kpj": N_("Nomor kartu BPJS"),
    "reason": N_("Alasan"),
    "gross": N_("Uang JHT yang diambil"),
    "tax": N_("Potongan pajak, kira-kira"),
    "net": N_("Yang Anda terima"),
    "account": N_("Rekening"),
    "when": N_("Kapan dibayar"),
    "by_date": PAID_ON,
    "after_staff": N_("setelah diperiksa petugas"),
    "next": N_("Apa selanjutnya?"),
    "paid_next": N_("Uang dikirim ke rekening Anda. Kami mengirim SMS ke nomor HP Anda saat uang "
                    "sudah dikirim."),
    "staff_next": N_("Petugas akan memeriksa klaim Anda dan menelepon Anda. Anda tidak perlu "
                     "mengantre lagi."),
    "bring": N_("Bawa ke petugas"),
    "questions": N_("Ada pertanyaan?"),
    "counter": N_("Untuk bertanya, datang ke loket layanan."),
    "phone": N_("Atau telepon %(phone)s."),
    "qr": N_("Tunjukkan kode ini ke kamera kiosk untuk cek status klaim."),
    "keep": N_("Simpan nomor klaim ini untuk menanyakan klaim Anda."),
    # A practice receipt (kiosk.participant.practice): no claim number, nothing paid.
    "practice_label": N_("Ini hanya latihan. Bukan klaim."),
    "practice_when": N_("tidak dibayar, ini latihan"),
    "practice_next": N_("Tidak ada yang dikirim. Tidak ada uang yang dibayar."),
    "practice_real": N_("Untuk klaim sungguhan, tekan Mulai di layar awal."),
    "practice_footer": N_("Struk latihan"),
}
# The mark of a practice receipt, the same in every language (a stamp, read at a glance).
PRACTICE_MARK = "LATIHAN / PRACTICE"


def _word(key: str, **values) -> str:
    """A word of the receipt in the current language (a helper, so extraction sees only WORDS)."""
    return _(WORDS[key], **values)


class ReceiptError(ValueError):
    """A receipt cannot be printed as asked; the message says why in plain words."""


@dataclass(frozen=True)
class ReceiptModel:
    """What a claim's receipt says, as facts; names and numbers masked as they leave the kiosk."""

    number: str  # 12 digits
    language: str
    issued_at: datetime  # in the branch's time zone
    branch_name: str
    branch_phone: str
    name: str  # masked
    kpj: str  # masked, grouped
    reason: str  # a reason code
    gross: int
    tax: int
    net: int
    bank_name: str
    account_last4: str
    payment_date: date | None  # None: after staff check it
    state: str
    staff_reasons: tuple[str, ...]
    bring: tuple[str, ...]  # paper codes to bring to staff (only when staff finish the claim)
    practice: bool = False  # a practice receipt: no number, no QR, nothing paid (practice_model)

    @property
    def grouped_number(self) -> str:
        return group_number(self.number)


def mask_kpj(kpj: str) -> str:
    """Show the first three and last three digits of a KPJ: 12 3•• ••• 901."""
    masked = kpj[:3] + "\u2022" * (len(kpj) - 6) + kpj[-3:]
    sizes, parts, at = (2, 3, 3, 3), [], 0
    for size in sizes:
        parts.append(masked[at:at + size])
        at += size
    return " ".join(parts)


def local_time(moment: datetime) -> datetime:
    """A stored UTC time in the branch's time zone (TIMEZONE)."""
    return moment.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(current_app.config["TIMEZONE"]))


def model_for(claim: Claim, language: str) -> ReceiptModel:
    """The receipt model of a saved claim, in `language` (the visit's).

    The masked name and KPJ were kept with the claim when it was saved, so a receipt prints
    while the core cannot be reached; older claims ask the core.
    """
    details = claim.details or {}
    if "masked_name" in details and "masked_kpj" in details:
        name, kpj = details["masked_name"], details["masked_kpj"]
    else:
        record = get_core().get_participant(claim.participant_id)
        if record is None:
            raise ReceiptError(f"The participant of claim {claim.number} is not known.")
        name, kpj = mask_name(record.full_name), mask_kpj(record.kpj)
    needs_staff = claim.expected_payment_date is None
    shown = set(details.get("documents_photographed", []))
    bring = (ALWAYS_BRING + tuple(doc for doc in details.get("documents_needed", [])
                                  if doc not in shown and doc not in ALWAYS_BRING)
             if needs_staff else ())
    config = current_app.config
    return ReceiptModel(
        number=claim.number, language=language, issued_at=local_time(claim.created_at),
        branch_name=config["BRANCH_NAME"], branch_phone=config["BRANCH_PHONE"],
        name=name, kpj=kpj, reason=claim.reason,
        gross=claim.gross_amount, tax=claim.tax_amount, net=claim.net_amount,
        bank_name=claim.bank_name, account_last4=claim.bank_account[-4:],
        payment_date=claim.expected_payment_date, state=claim.state,
        staff_reasons=tuple(details.get("staff_reasons", [])), bring=bring)


# The rows of `paper`, in order: the screen marks some (data-testid="net-amount").
ROW_KEYS = ("name", "kpj", "reason", "gross", "tax", "net", "account", "when")


def _label(macro: str, code: str) -> str:
    return str(get_template_attribute("components/labels.html", macro)(code)).strip()


def practice_model(kept: dict, language: str, issued_at: datetime) -> ReceiptModel:
    """The receipt model of a practice claim, from what its visit kept (never a Claim row)."""
    config = current_app.config
    return ReceiptModel(
        number="", language=language, issued_at=local_time(issued_at),
        branch_name=config["BRANCH_NAME"], branch_phone=config["BRANCH_PHONE"],
        name=kept["masked_name"], kpj=kept["masked_kpj"], reason=kept["reason"],
        gross=kept["gross"], tax=kept["tax"], net=kept["net"], bank_name=kept["bank_name"],
        account_last4=kept["account"][-4:], payment_date=None, state="practice",
        staff_reasons=(), bring=(), practice=True)


def _practice_paper(model: ReceiptModel, issued: str, rows: tuple) -> hardware_printer.Receipt:
    """A practice receipt: marked LATIHAN / PRACTICE at the top, in place of the claim number
    and at the foot; no claim number, no payment date, no QR to look up."""
    rows = tuple((label, _word("practice_when")) if label == _word("when") else (label, value)
                 for label, value in rows)
    contact = (_word("counter"),) + (
        (_word("phone", phone=model.branch_phone),) if model.branch_phone else ())
    return hardware_printer.Receipt(
        header=(PRACTICE_MARK, AGENCY, _word("branch", name=model.branch_name)), issued=issued,
        number_label=_word("practice_label"), number=PRACTICE_MARK, rows=rows,
        sections=(hardware_printer.Section(_word("next"), (_word("practice_next"),
                                                           _word("practice_real"))),
                  hardware_printer.Section(_word("questions"), contact)),
        qr="", qr_caption="", footer=(_word("practice_footer"), PRACTICE_MARK))


def paper(model: ReceiptModel) -> hardware_printer.Receipt:
    """The receipt's words in the model's language: what is printed and what the screen shows."""
    with force_locale(model.language):
        issued = (format_date(model.issued_at, "long", locale=model.language) + " "
                  + format_time(model.issued_at, "short", locale=model.language))
        when = (_word("by_date", date=format_date(model.payment_date, "long",
                                                       locale=model.language))
                if model.payment_date else _word("after_staff"))
        rows = ((_word("name"), model.name), (_word("kpj"), model.kpj),
                (_word("reason"), _label("reason_name", model.reason)),
                (_word("gross"), rupiah(model.gross)), (_word("tax"), rupiah(model.tax)),
                (_word("net"), rupiah(model.net)),
                (_word("account"), f"{model.bank_name} \u2022\u2022\u2022\u2022 "
                                      f"{model.account_last4}"),
                (_word("when"), when))
        if model.practice:
            return _practice_paper(model, issued, rows)
        if model.payment_date:
            next_lines = (_word("paid_next"),)
        else:
            next_lines = (_word("staff_next"),
                          *(f"- {_label('staff_reason', code)}" for code in model.staff_reasons))
        sections = [hardware_printer.Section(_word("next"), next_lines)]
        if model.bring:
            sections.append(hardware_printer.Section(
                _word("bring"), tuple(f"- {_label('document_name', code)}"
                                         for code in model.bring)))
        contact = (_word("counter"),) + (
            (_word("phone", phone=model.branch_phone),) if model.branch_phone else ())
        sections.append(hardware_printer.Section(_word("questions"), contact))
        return hardware_printer.Receipt(
            header=(AGENCY, _word("branch", name=model.branch_name)), issued=issued,
            number_label=_word("number"), number=model.grouped_number, rows=rows,
            sections=tuple(sections), qr=model.number, qr_caption=_word("qr"),
            footer=(_word("keep"),))


def _phone_digits(phone: str) -> Digits | None:
    """A phone number said digit by digit, in the groups it is written in."""
    groups = tuple(len(part) for part in re.split(r"[\s.\-]+", phone.strip()) if part)
    digits = re.sub(r"[\s.\-]+", "", phone)
    if not groups or not digits.isdigit():
        return None
    return Digits(phone, groups)


def spoken(model: ReceiptModel) -> dict:
    """The receipt's facts for the voice (the placeholders of the receipt prompts)."""
    return {
        "number": Digits(model.grouped_number, CLAIM_NUMBER_GROUPS),
        "gross": Rupiah(model.gross), "tax": Rupiah(model.tax) if model.tax else None,
        "net": Rupiah(model.net), "bank": model.bank_name,
        "account": Digits(model.account_last4, (len(model.account_last4),)),
        "date": model.payment_date,
        "bring": ", ".join(_label("document_name", code) for code in model.bring) or None,
        "phone": _phone_digits(model.branch_phone) if model.branch_phone else None,
    }


def prompt_part(model: ReceiptModel, screen_state: str, part: str | None = None) -> str | None:
    """The receipt prompt's part for a screen state: receipt[/staff], receipt/printed[-staff]...;
    with `part` (first | more: the receipt as two screens) receipt/printed-first[-staff]..."""
    staff = model.payment_date is None
    if part:
        return f"{screen_state}-{part}" + ("-staff" if staff else "")
    if screen_state == "printing":
        return "staff" if staff else None
    return f"{screen_state}-staff" if staff else screen_state


# --- printing ------------------------------------------------------------------------------------


def printer_for(kiosk_id: str) -> hardware_printer.ReceiptPrinter:
    """The kiosk's printer: its URL in the registry, else PRINTER_URL (the one-box default)."""
    kiosk = db.session.get(Kiosk, kiosk_id)
    url = (kiosk.printer_url if kiosk is not None else None) or current_app.config["PRINTER_URL"]
    return hardware_printer.open_printer(url, base=Path(current_app.instance_path))


def by_number(number: str) -> Claim | None:
    """The claim with this number (digits only, spaces allowed), or None."""
    digits = re.sub(r"\D", "", number)
    return db.session.scalar(select(Claim).where(Claim.number == digits)) if digits else None


def latest(claim: Claim) -> ReceiptPrint | None:
    """The claim's most recent print (a reprint after a failed first print says printed)."""
    return db.session.scalar(select(ReceiptPrint).where(ReceiptPrint.claim_id == claim.id)
                             .order_by(ReceiptPrint.id.desc()).limit(1))


def state_of(job: ReceiptPrint | None) -> tuple[str, str | None]:
    """(printing | printed | failed, fault) of a print; None is a print not started yet."""
    if job is None:
        return PRINTING, None
    if job.state == PRINTING and utcnow() - job.created_at > timedelta(
            seconds=PRINT_STALE_SECONDS):
        return FAILED, "timed_out"
    return job.state, job.fault


def first_print(claim: Claim, language: str) -> ReceiptPrint | None:
    """Take the claim's first print for this request; None when it was taken already."""
    job = ReceiptPrint(claim_id=claim.id, kind=FIRST, kiosk_id=claim.kiosk_id,
                       language=language, state=PRINTING)
    db.session.add(job)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return job


def run(job: ReceiptPrint) -> ReceiptPrint:
    """Print a job on its kiosk's printer; record printed, or failed with the fault's code."""
    claim = db.session.get(Claim, job.claim_id)
    try:
        device = printer_for(job.kiosk_id)
        device.print_receipt(paper(model_for(claim, job.language)),
                             f"{claim.number}-{job.id}")
        job.state, job.fault = PRINTED, None
    except HardwareError as exc:
        current_app.logger.warning("receipt %s not printed: %s", job.id, exc)
        job.state, job.fault = FAILED, exc.code
    except ValueError as exc:  # a printer URL that cannot work: a fault staff must fix
        current_app.logger.warning("receipt %s not printed: %s", job.id, exc)
        job.state, job.fault = FAILED, "offline"
    job.finished_at = utcnow()
    db.session.commit()
    return job


def print_practice(kiosk_id: str, model: ReceiptModel, job: str) -> tuple[str, str | None]:
    """Print a practice receipt on the kiosk's printer; (printed | failed, fault).

    No receipt_print row: a practice claim is no claim (its visit remembers how the print went).
    """
    if not model.practice:
        raise ReceiptError("only a practice receipt is printed without its claim")
    try:
        printer_for(kiosk_id).print_receipt(paper(model), job)
    except HardwareError as exc:
        current_app.logger.warning("practice receipt not printed: %s", exc)
        return FAILED, exc.code
    except ValueError as exc:
        current_app.logger.warning("practice receipt not printed: %s", exc)
        return FAILED, "offline"
    return PRINTED, None


def reprint(number: str, kiosk_id: str | None = None) -> ReceiptPrint:
    """Print a claim's receipt again (staff), on its kiosk's printer or on `kiosk_id`'s."""
    claim = by_number(number)
    if claim is None:
        raise ReceiptError(f"There is no claim {number}.")
    if kiosk_id is not None and db.session.get(Kiosk, kiosk_id) is None:
        raise ReceiptError(f"There is no kiosk {kiosk_id}.")
    first = db.session.scalar(select(ReceiptPrint).where(
        ReceiptPrint.claim_id == claim.id, ReceiptPrint.kind == FIRST))
    job = ReceiptPrint(claim_id=claim.id, kind=REPRINT, kiosk_id=kiosk_id or claim.kiosk_id,
                       language=first.language if first else "id", state=PRINTING)
    db.session.add(job)
    db.session.commit()
    return run(job)


def unprinted() -> list[tuple[Claim, ReceiptPrint]]:
    """Claims whose latest print failed (or died): staff owe these participants a receipt."""
    jobs = db.session.scalars(select(ReceiptPrint).order_by(ReceiptPrint.id)).all()
    newest: dict[int, ReceiptPrint] = {}
    for job in jobs:
        newest[job.claim_id] = job
    return [(db.session.get(Claim, claim_id), job) for claim_id, job in newest.items()
            if state_of(job)[0] == FAILED]


def printer_status(kiosk: Kiosk) -> dict:
    """What the kiosk's printer says now, for the heartbeat and the staff board.

    {"printer": "ok" | "warning" | "fault" | "unknown", "problems": [codes], "url": ...}:
    "unknown" is a printer that is there but cannot report (a file, a mute network printer).
    """
    url = kiosk.printer_url or current_app.config["PRINTER_URL"]
    try:
        status = printer_for(kiosk.id).status()
    except HardwareError as exc:
        return {"printer": "fault", "problems": [exc.code], "url": url}
    except ValueError:
        return {"printer": "fault", "problems": ["offline"], "url": url}
    problems = status.problems()
    stopping = [code for code in problems if code in hardware_printer.FAULT_ERRORS]
    level = ("fault" if stopping else "warning" if problems
             else "ok" if status.reported else "unknown")
    return {"printer": level, "problems": problems, "url": url}


# Staff's words for a fault (the CLI, the console).
FAULT_TEXT = {"paper_out": "out of paper", "paper_near_end": "paper nearly out",
              "cover_open": "cover open", "offline": "offline or unreachable",
              "timed_out": "did not finish in time", "faulted": "failed while printing"}
FAULT_CUES = tuple(PRINTER_FAULTS)  # faults with words of their own; any other is "offline"


def fault_words(fault: str | None) -> str:
    """What the participant is told about a printer fault (shown and spoken)."""
    code = fault if fault in PRINTER_FAULTS else "offline"
    return _(PRINTER_FAULTS[code])


def paper_on_screen(paper) -> dict:
    """What the receipt screen shows of the paper (a claim's, or practice's): its rows by key,
    and its sections with their lines and bullets."""
    return {"rows": [dict(key=key, label=label, value=value)
                     for key, (label, value) in zip(ROW_KEYS, paper.rows)],
            "sections": [{"title": section.title,
                          "text": [line for line in section.lines if not line.startswith("- ")],
                          "bullets": [line[2:] for line in section.lines
                                      if line.startswith("- ")]}
                         for section in paper.sections]}
