"""Participants and contributions from CSV files (CONTRACT.md, "Participants CSV").

Parsing and validation are pure: text in, typed rows and plain-English errors out. Every row and
every column is checked and every problem reported, so an operator fixes the file in one pass.
`import_participants` then writes the rows with a given SQLAlchemy session, all or nothing.

Line numbers count the header as line 1 and follow the lines of the file as an editor shows them
(a quoted value spanning lines is reported at the line where its row starts).
"""
from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kiosk.jht.eligibility import EmploymentStatus
from kiosk.jht.identifiers import KPJ_LENGTH, NIK_LENGTH, NumberError, parse_nik
from kiosk.jht.phone import normalise_mobile
from kiosk.models import Contribution, Participant

BANK_CODES: tuple[str, ...] = (
    "BRI", "BNI", "MANDIRI", "BCA", "BSI", "BTN", "CIMB", "PERMATA", "DANAMON", "BJB",
)

PARTICIPANT_COLUMNS: tuple[str, ...] = (
    "kpj", "nik", "full_name", "birth_date", "gender", "phone", "membership_start",
    "employment_status", "employment_end", "balance", "partial_taken", "bank_name",
    "bank_account", "bank_holder", "photo",
)
OPTIONAL_PARTICIPANT_COLUMNS: frozenset[str] = frozenset({"bank_holder", "photo"})
CONTRIBUTION_COLUMNS: tuple[str, ...] = ("kpj", "year", "amount")

FIRST_CONTRIBUTION_YEAR = 1977  # the agency's first programme (Astek) began in 1977
NAME_MAX_LENGTH = 200  # Participant.full_name and bank_holder columns
PHOTO_MAX_LENGTH = 500  # Participant.photo_path
BANK_ACCOUNT_DIGITS = (6, 20)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BOM = "\ufeff"
_STATUS_CODES = ", ".join(status.value for status in EmploymentStatus)


@dataclass(frozen=True)
class RowError:
    """One problem in a CSV file: where it is and what is wrong, in plain words."""

    line: int
    column: str
    message: str
    source: str = ""  # the file's name when more than one file is involved

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}: {self.message}"
        return f"{self.source}: {where}" if self.source else where


@dataclass(frozen=True)
class ParticipantRow:
    """One valid row of the participants CSV, typed."""

    kpj: str
    nik: str
    full_name: str
    birth_date: date
    gender: str  # "M" | "F"
    phone: str  # normalised to the 08... form
    membership_start: date
    employment_status: EmploymentStatus
    employment_end: date | None
    balance: int
    partial_taken: date | None
    bank_name: str
    bank_account: str
    bank_holder: str  # full_name when the file leaves it empty
    photo: Path | None  # absolute
    line: int = 0


@dataclass(frozen=True)
class ContributionRow:
    """One valid row of the contributions CSV."""

    kpj: str
    year: int
    amount: int
    line: int = 0


@dataclass(frozen=True)
class ImportResult:
    """How many participants an import created and how many it updated."""

    created: int
    updated: int


class ImportFailed(Exception):
    """An import that changed nothing; `errors` says every reason."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} error(s); nothing was imported")
        self.errors = errors


# --- reading ----------------------------------------------------------------------------------


@dataclass
class _Record:
    line: int
    values: dict[str, str]


@dataclass
class _Table:
    header: list[str] = field(default_factory=list)
    records: list[_Record] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _read_table(
    text: str, required: tuple[str, ...], optional: frozenset[str] = frozenset()
) -> _Table:
    """Split CSV text into header-keyed records; report header and row-shape problems."""
    table = _Table()
    if text.startswith(_BOM):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        table.errors.append(RowError(1, "header", f"the header row cannot be read ({exc})"))
        return table
    if header is None or not any(name.strip() for name in header):
        table.errors.append(RowError(1, "header", "the file is empty; a header row is required"))
        return table

    names = [name.strip().lower() for name in header]
    known = set(required) | set(optional)
    missing = [name for name in required if name not in names and name not in optional]
    if missing:
        table.errors.append(RowError(
            1, "header", "required columns are missing: " + ", ".join(missing)
            + " (the header row must name the columns: " + ", ".join(required) + ")",
        ))
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            table.errors.append(RowError(1, f"#{position}", f"column {position} has no name"))
        elif name not in known:
            table.errors.append(RowError(
                1, name, f"unknown column {name!r}; the columns are: " + ", ".join(required),
            ))
        elif name in seen:
            table.errors.append(RowError(1, name, f"column {name} appears twice in the header"))
        seen.add(name)
    table.header = names

    previous_end = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            table.errors.append(
                RowError(previous_end + 1, "row", f"the row cannot be read ({exc})")
            )
            break
        line = previous_end + 1
        previous_end = reader.line_num
        if not cells or not any(cell.strip() for cell in cells):
            continue  # blank line
        if len(cells) != len(names):
            table.errors.append(RowError(
                line, "row",
                f"the row has {len(cells)} values but the header has {len(names)} columns",
            ))
            continue
        values: dict[str, str] = {}
        for name, cell in zip(names, cells):
            if name in known and name not in values:
                values[name] = cell.strip()
        table.records.append(_Record(line, values))
    return table


# --- single values ----------------------------------------------------------------------------


class _Invalid(ValueError):
    """A value that cannot be used; the message is for the operator."""


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _date(column: str, value: str) -> date:
    if not _ISO_DATE.fullmatch(value):
        raise _Invalid(f"{column} must be a date as YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Invalid(f"{column} {value} is not a real date") from None


def _past_date(column: str, value: str, today: date) -> date:
    parsed = _date(column, value)
    if parsed > today:
        raise _Invalid(f"{column} {value} is in the future")
    return parsed


def _amount(column: str, value: str) -> int:
    if value.startswith("-") and _digits(value[1:]):
        raise _Invalid(f"{column} must not be negative")
    if not _digits(value):
        raise _Invalid(
            f"{column} must be a whole number of rupiah, digits only (no dots, commas or "
            f"'Rp'), got {value!r}"
        )
    return int(value)


# --- participants -----------------------------------------------------------------------------


def parse_participants(
    text: str, base_dir: Path, today: date
) -> tuple[list[ParticipantRow], list[RowError]]:
    """Parse and check a participants CSV; return the rows only when there is no error at all."""
    table = _read_table(text, PARTICIPANT_COLUMNS, OPTIONAL_PARTICIPANT_COLUMNS)
    errors = list(table.errors)
    rows: list[ParticipantRow] = []
    for record in table.records:
        row = _participant(record, base_dir, today, errors)
        if row is not None:
            rows.append(row)
    errors.extend(_duplicates([(r.line, r.values.get("kpj", "")) for r in table.records
                               if _digits(r.values.get("kpj", ""))], "kpj"))
    errors.extend(_duplicates([(r.line, r.values.get("nik", "")) for r in table.records
                               if _digits(r.values.get("nik", ""))], "nik"))
    errors.sort(key=lambda e: (e.line, _column_order(e.column)))
    return (rows if not errors else []), errors


def _column_order(column: str) -> int:
    return PARTICIPANT_COLUMNS.index(column) if column in PARTICIPANT_COLUMNS else -1


def _duplicates(
    values: list[tuple[int, str]], column: str, label: str | None = None
) -> list[RowError]:
    """One error per value that appears on more than one line, reported at its second line."""
    lines: dict[str, list[int]] = defaultdict(list)
    for line, value in values:
        lines[value].append(line)
    errors = []
    for value, where in lines.items():
        if len(where) > 1:
            times = "twice" if len(where) == 2 else f"{len(where)} times"
            listed = ", ".join(str(n) for n in where[:-1]) + f" and {where[-1]}"
            name = f"{label or column} {value}"
            errors.append(RowError(where[1], column, f"{name} appears {times} (lines {listed})"))
    return errors


def _participant(
    record: _Record, base_dir: Path, today: date, errors: list[RowError]
) -> ParticipantRow | None:
    """Check every column of one record; append its errors; return the row if it has none."""
    values = record.values
    parsed: dict[str, object] = {}
    count_before = len(errors)

    def check(column: str, parse) -> None:
        if column not in values:
            return  # a missing column, reported once on the header line
        try:
            parsed[column] = parse(values[column])
        except _Invalid as exc:
            errors.append(RowError(record.line, column, str(exc)))

    def kpj(value: str) -> str:
        if not (_digits(value) and len(value) == KPJ_LENGTH):
            raise _Invalid(f"KPJ must be {KPJ_LENGTH} digits, got {value!r}")
        return value

    def nik(value: str) -> str:
        if not (_digits(value) and len(value) == NIK_LENGTH):
            raise _Invalid(f"NIK must be {NIK_LENGTH} digits, got {value!r}")
        try:
            parse_nik(value, today)
        except NumberError as exc:
            raise _Invalid(f"NIK {value} cannot be a NIK: {exc}") from None
        return value

    def full_name(value: str) -> str:
        if not value:
            raise _Invalid("full_name must not be empty")
        if len(value) > NAME_MAX_LENGTH:
            raise _Invalid(f"full_name must be at most {NAME_MAX_LENGTH} characters")
        return value

    def gender(value: str) -> str:
        if value.upper() not in ("M", "F"):
            raise _Invalid(f"gender must be M or F, got {value!r}")
        return value.upper()

    def phone(value: str) -> str:
        try:
            return normalise_mobile(value)
        except ValueError:
            raise _Invalid(
                f"phone must be an Indonesian mobile number such as 081234567890 or "
                f"+6281234567890 (10 to 13 digits starting 08), got {value!r}"
            ) from None

    def status(value: str) -> EmploymentStatus:
        try:
            return EmploymentStatus(value.lower())
        except ValueError:
            raise _Invalid(
                f"employment_status must be one of: {_STATUS_CODES}; got {value!r}"
            ) from None

    def optional_date(column: str):
        return lambda value: _past_date(column, value, today) if value else None

    def bank_name(value: str) -> str:
        if value.upper() not in BANK_CODES:
            raise _Invalid(f"bank_name must be one of: {', '.join(BANK_CODES)}; got {value!r}")
        return value.upper()

    def bank_account(value: str) -> str:
        low, high = BANK_ACCOUNT_DIGITS
        if not (_digits(value) and low <= len(value) <= high):
            raise _Invalid(f"bank_account must be {low} to {high} digits, got {value!r}")
        return value

    def bank_holder(value: str) -> str:
        if len(value) > NAME_MAX_LENGTH:
            raise _Invalid(f"bank_holder must be at most {NAME_MAX_LENGTH} characters")
        return value

    def photo(value: str) -> Path | None:
        if not value:
            return None
        path = (base_dir / value).resolve()
        if not path.is_file():
            raise _Invalid(f"photo file {value} does not exist (looked for {path})")
        if len(str(path)) > PHOTO_MAX_LENGTH:
            raise _Invalid(f"photo path must be at most {PHOTO_MAX_LENGTH} characters")
        return path

    check("kpj", kpj)
    check("nik", nik)
    check("full_name", full_name)
    check("birth_date", lambda v: _past_date("birth_date", v, today))
    check("gender", gender)
    check("phone", phone)
    check("membership_start", lambda v: _past_date("membership_start", v, today))
    check("employment_status", status)
    check("employment_end", lambda v: _date("employment_end", v) if v else None)
    check("balance", lambda v: _amount("balance", v))
    check("partial_taken", optional_date("partial_taken"))
    check("bank_name", bank_name)
    check("bank_account", bank_account)
    check("bank_holder", bank_holder)
    check("photo", photo)

    # Checks across columns, where both values are good on their own.
    def fail(column: str, message: str) -> None:
        errors.append(RowError(record.line, column, message))

    birth, start = parsed.get("birth_date"), parsed.get("membership_start")
    if isinstance(birth, date) and isinstance(start, date) and start < birth:
        fail("membership_start", f"membership_start {start} is before birth_date {birth}")
    employment = parsed.get("employment_status")
    if "employment_end" in parsed and employment is not None:
        end = parsed["employment_end"]
        if employment == EmploymentStatus.active and end is not None:
            fail("employment_end", "employment_end must be empty when employment_status is active")
        elif employment != EmploymentStatus.active and end is None:
            fail("employment_end",
                 f"employment_end is required (a date as YYYY-MM-DD) when employment_status "
                 f"is {employment}")
        elif isinstance(end, date) and isinstance(start, date) and end < start:
            fail("employment_end", f"employment_end {end} is before membership_start {start}")
    partial = parsed.get("partial_taken")
    if isinstance(partial, date) and isinstance(start, date) and partial < start:
        fail("partial_taken", f"partial_taken {partial} is before membership_start {start}")

    if len(errors) > count_before or any(
        column not in values for column in PARTICIPANT_COLUMNS
        if column not in OPTIONAL_PARTICIPANT_COLUMNS
    ):
        return None
    return ParticipantRow(
        kpj=parsed["kpj"],
        nik=parsed["nik"],
        full_name=parsed["full_name"],
        birth_date=parsed["birth_date"],
        gender=parsed["gender"],
        phone=parsed["phone"],
        membership_start=parsed["membership_start"],
        employment_status=parsed["employment_status"],
        employment_end=parsed["employment_end"],
        balance=parsed["balance"],
        partial_taken=parsed["partial_taken"],
        bank_name=parsed["bank_name"],
        bank_account=parsed["bank_account"],
        bank_holder=parsed.get("bank_holder") or parsed["full_name"],
        photo=parsed.get("photo"),
        line=record.line,
    )


# --- contributions ----------------------------------------------------------------------------


def parse_contributions(
    text: str, today: date | None = None, source: str = ""
) -> tuple[list[ContributionRow], list[RowError]]:
    """Parse and check a contributions CSV (kpj,year,amount); rows only when there is no error."""
    today = today or date.today()
    table = _read_table(text, CONTRIBUTION_COLUMNS)
    errors = list(table.errors)
    rows: list[ContributionRow] = []
    for record in table.records:
        values = record.values
        before = len(errors)
        kpj = values.get("kpj")
        if kpj is not None and not (_digits(kpj) and len(kpj) == KPJ_LENGTH):
            errors.append(
                RowError(record.line, "kpj", f"KPJ must be {KPJ_LENGTH} digits, got {kpj!r}")
            )
        year = values.get("year")
        if year is not None and not (
            _digits(year) and len(year) == 4 and FIRST_CONTRIBUTION_YEAR <= int(year) <= today.year
        ):
            errors.append(RowError(
                record.line, "year",
                f"year must be 4 digits from {FIRST_CONTRIBUTION_YEAR} to {today.year}, "
                f"got {year!r}",
            ))
        amount = values.get("amount")
        if amount is not None:
            try:
                amount_value = _amount("amount", amount)
            except _Invalid as exc:
                errors.append(RowError(record.line, "amount", str(exc)))
        if len(errors) == before and kpj is not None and year is not None and amount is not None:
            rows.append(ContributionRow(kpj, int(year), amount_value, record.line))

    keyed = [(row.line, f"{row.kpj}, year {row.year}") for row in rows]
    errors.extend(_duplicates(keyed, "year", label="kpj"))
    errors.sort(key=lambda e: (e.line, CONTRIBUTION_COLUMNS.index(e.column)
                               if e.column in CONTRIBUTION_COLUMNS else -1))
    if source:
        errors = [RowError(e.line, e.column, e.message, source) for e in errors]
    return (rows if not errors else []), errors


# --- writing ----------------------------------------------------------------------------------


def import_participants(
    session: Session,
    rows: list[ParticipantRow],
    contributions: list[ContributionRow] | None = None,
    contributions_source: str = "",
) -> ImportResult:
    """Create or update participants (by KPJ) and replace their contributions, all or nothing.

    Everything is checked against the database before anything is written; then the whole import
    is one transaction, committed at the end or rolled back on any failure (which also discards
    whatever the session held uncommitted). Raises ImportFailed listing every problem.
    """
    contributions = contributions or []
    try:
        errors = _check_against_database(session, rows, contributions, contributions_source)
        if errors:
            raise ImportFailed(errors)
        result = _write(session, rows, contributions)
        session.commit()
        return result
    except ImportFailed:
        session.rollback()
        raise
    except SQLAlchemyError as exc:
        session.rollback()
        detail = getattr(exc, "orig", None) or exc
        raise ImportFailed(
            [RowError(0, "database", f"the database refused the import ({detail})")]
        ) from exc
    except BaseException:
        session.rollback()
        raise


def _check_against_database(
    session: Session, rows: list[ParticipantRow], contributions: list[ContributionRow], source: str
) -> list[RowError]:
    errors: list[RowError] = []
    errors.extend(_duplicates([(row.line, row.kpj) for row in rows], "kpj"))
    errors.extend(_duplicates([(row.line, row.nik) for row in rows], "nik"))

    file_kpjs = {row.kpj for row in rows}
    wanted_kpjs = file_kpjs | {c.kpj for c in contributions}
    existing: dict[str, Participant] = {
        p.kpj: p
        for p in session.scalars(select(Participant).where(Participant.kpj.in_(wanted_kpjs)))
    } if wanted_kpjs else {}

    niks = {row.nik for row in rows}
    holders = session.execute(
        select(Participant.nik, Participant.kpj).where(Participant.nik.in_(niks))
    ).all() if niks else []
    nik_owner = {nik: kpj for nik, kpj in holders}
    for row in rows:
        owner = nik_owner.get(row.nik)
        # The owner keeps that NIK only if this file does not give the owner another one.
        if owner is not None and owner != row.kpj and owner not in file_kpjs:
            errors.append(RowError(
                row.line, "nik",
                f"NIK {row.nik} already belongs to the participant with KPJ {owner}",
            ))

    for contribution in contributions:
        if contribution.kpj not in file_kpjs and contribution.kpj not in existing:
            errors.append(RowError(
                contribution.line, "kpj",
                f"kpj {contribution.kpj} is neither in the participants file nor already imported",
                source,
            ))
    return sorted(errors, key=lambda e: (e.source, e.line))


def _write(
    session: Session, rows: list[ParticipantRow], contributions: list[ContributionRow]
) -> ImportResult:
    by_kpj: dict[str, list[ContributionRow]] = defaultdict(list)
    for contribution in contributions:
        by_kpj[contribution.kpj].append(contribution)
    kpjs = {row.kpj for row in rows} | set(by_kpj)
    existing = {
        p.kpj: p for p in session.scalars(select(Participant).where(Participant.kpj.in_(kpjs)))
    } if kpjs else {}

    # NIKs may move between participants of this file (a swap): park changed ones first so the
    # unique constraint never sees two rows with one NIK in between.
    moved = [(existing[row.kpj], row) for row in rows
             if row.kpj in existing and existing[row.kpj].nik != row.nik]
    for participant, _row in moved:
        participant.nik = f"~{participant.id}"
    # Old contribution years must be gone before new rows with the same years go in.
    for kpj in by_kpj:
        if kpj in existing:
            existing[kpj].contributions.clear()
    session.flush()

    created = updated = 0
    for row in rows:
        fields = {
            "nik": row.nik,
            "full_name": row.full_name,
            "birth_date": row.birth_date,
            "gender": row.gender,
            "phone": row.phone,
            "membership_start": row.membership_start,
            "employment_status": str(row.employment_status),
            "employment_end": row.employment_end,
            "balance": row.balance,
            "partial_taken": row.partial_taken,
            "bank_name": row.bank_name,
            "bank_account": row.bank_account,
            "bank_holder": row.bank_holder,
            "photo_path": str(row.photo) if row.photo is not None else None,
        }
        participant = existing.get(row.kpj)
        if participant is None:
            participant = Participant(kpj=row.kpj, **fields)
            session.add(participant)
            existing[row.kpj] = participant
            created += 1
        else:
            for name, value in fields.items():
                setattr(participant, name, value)
            updated += 1
    for kpj, items in by_kpj.items():
        existing[kpj].contributions.extend(
            Contribution(year=item.year, amount=item.amount) for item in items
        )
    session.flush()
    return ImportResult(created=created, updated=updated)
