"""Unit tests for kiosk.roster.csv_import parsing and validation (pure: no database)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kiosk.jht.eligibility import EmploymentStatus
from kiosk.roster.csv_import import (
    BANK_CODES,
    PARTICIPANT_COLUMNS,
    ContributionRow,
    RowError,
    parse_contributions,
    parse_participants,
)

TODAY = date(2026, 11, 23)
HEADER = ",".join(PARTICIPANT_COLUMNS)

# A valid row for every column, in PARTICIPANT_COLUMNS order.
GOOD = {
    "kpj": "12345678901",
    "nik": "3374052309701201",  # Semarang, man born 23-09-1970, serial 1201
    "full_name": "Budi Santoso",
    "birth_date": "1970-09-23",
    "gender": "M",
    "phone": "081225560001",
    "membership_start": "2006-08-23",
    "employment_status": "retired",
    "employment_end": "2026-09-23",
    "balance": "12345678",
    "partial_taken": "",
    "bank_name": "BRI",
    "bank_account": "012301000561508",
    "bank_holder": "",
    "photo": "",
}


def row(**changes: str) -> str:
    values = {**GOOD, **changes}
    return ",".join(values[column] for column in PARTICIPANT_COLUMNS)


def other(n: int, **changes: str) -> str:
    """A valid row for a different participant (distinct KPJ and NIK serial)."""
    return row(**{"kpj": f"1234567{n:04d}", "nik": f"337405230970{n:04d}", **changes})


def parse(*lines: str, header: str = HEADER, base_dir: Path = Path("/nonexistent")):
    return parse_participants("\n".join([header, *lines]) + "\n", base_dir, TODAY)


def only_error(*lines: str, **kwargs) -> RowError:
    rows, errors = parse(*lines, **kwargs)
    assert rows == []
    assert len(errors) == 1, errors
    return errors[0]


# --- a good file --------------------------------------------------------------------------


def test_GIVEN_a_good_row_WHEN_parsed_THEN_every_field_is_typed():
    rows, errors = parse(row(phone="+62 812-2556-0001", bank_holder="H. Budi Santoso"))

    assert errors == []
    (parsed,) = rows
    assert parsed.kpj == "12345678901"
    assert parsed.nik == "3374052309701201"
    assert parsed.birth_date == date(1970, 9, 23)
    assert parsed.membership_start == date(2006, 8, 23)
    assert parsed.employment_status is EmploymentStatus.retired
    assert parsed.employment_end == date(2026, 9, 23)
    assert parsed.balance == 12_345_678 and isinstance(parsed.balance, int)
    assert parsed.partial_taken is None
    assert parsed.phone == "081225560001"  # +62 normalised to 08, separators dropped
    assert parsed.bank_holder == "H. Budi Santoso"
    assert parsed.photo is None
    assert parsed.line == 2


def test_empty_bank_holder_defaults_to_full_name():
    (parsed,), errors = parse(row(bank_holder=""))
    assert errors == []
    assert parsed.bank_holder == "Budi Santoso"


def test_bank_codes_are_exported_and_accepted():
    assert BANK_CODES == ("BRI", "BNI", "MANDIRI", "BCA", "BSI", "BTN", "CIMB", "PERMATA",
                          "DANAMON", "BJB")
    lines = [other(i + 1, bank_name=code) for i, code in enumerate(BANK_CODES)]
    rows, errors = parse(*lines)
    assert errors == []
    assert [r.bank_name for r in rows] == list(BANK_CODES)


def test_a_byte_order_mark_is_accepted():
    text = "\ufeff" + HEADER + "\n" + row() + "\n"
    rows, errors = parse_participants(text, Path("."), TODAY)
    assert errors == []
    assert rows[0].kpj == "12345678901"


def test_windows_line_endings_and_blank_lines_keep_line_numbers():
    text = HEADER + "\r\n" + other(1) + "\r\n\r\n" + other(2, gender="X") + "\r\n"
    rows, errors = parse_participants(text, Path("."), TODAY)
    assert errors == [RowError(4, "gender", "gender must be M or F, got 'X'")]


def test_optional_columns_may_be_left_out_of_the_header():
    columns = [c for c in PARTICIPANT_COLUMNS if c not in ("bank_holder", "photo")]
    line = ",".join(GOOD[c] for c in columns)
    rows, errors = parse(line, header=",".join(columns))
    assert errors == []
    assert rows[0].bank_holder == "Budi Santoso"
    assert rows[0].photo is None


def test_columns_may_come_in_any_order():
    columns = list(reversed(PARTICIPANT_COLUMNS))
    rows, errors = parse(",".join(GOOD[c] for c in columns), header=",".join(columns))
    assert errors == []
    assert rows[0].kpj == "12345678901"


def test_a_nik_whose_birth_date_differs_from_birth_date_is_accepted():
    # The NIK says 24-09-1970; the agency's record says 23-09-1970. Never a rejection.
    rows, errors = parse(row(nik="3374052409701201"))
    assert errors == []
    assert rows[0].birth_date == date(1970, 9, 23)
    assert rows[0].nik == "3374052409701201"


def test_a_womans_nik_has_day_plus_40():
    rows, errors = parse(row(nik="3374056309701201", gender="F"))
    assert errors == []


# --- header -------------------------------------------------------------------------------


def test_missing_required_columns_are_one_error_on_line_1_naming_them():
    columns = [c for c in PARTICIPANT_COLUMNS if c not in ("nik", "phone")]
    line = ",".join(GOOD[c] for c in columns)
    rows, errors = parse(line, header=",".join(columns))
    assert rows == []
    assert len(errors) == 1
    assert errors[0].line == 1
    assert "nik" in errors[0].message and "phone" in errors[0].message
    assert "missing" in errors[0].message


def test_missing_columns_do_not_hide_errors_in_the_other_columns():
    columns = [c for c in PARTICIPANT_COLUMNS if c != "nik"]
    line = ",".join({**GOOD, "gender": "L"}[c] for c in columns)
    rows, errors = parse(line, header=",".join(columns))
    assert [(e.line, e.column) for e in errors] == [(1, "header"), (2, "gender")]


def test_an_unknown_column_is_an_error_naming_it():
    error = only_error(row() + ",x", header=HEADER + ",nickname")
    assert (error.line, error.column) == (1, "nickname")
    assert "unknown column" in error.message


def test_a_column_named_twice_is_an_error():
    rows, errors = parse(row() + ",BRI", header=HEADER + ",bank_name")
    assert RowError(1, "bank_name", "column bank_name appears twice in the header") in errors


def test_an_empty_file_needs_a_header():
    for text in ("", "\ufeff", "\n\n"):
        rows, errors = parse_participants(text, Path("."), TODAY)
        assert rows == []
        assert [(e.line, e.column) for e in errors] == [(1, "header")]


def test_header_only_is_an_empty_roster():
    assert parse_participants(HEADER + "\n", Path("."), TODAY) == ([], [])


def test_a_row_with_the_wrong_number_of_values_is_reported():
    error = only_error(row() + ",extra")
    assert (error.line, error.column) == (2, "row")
    assert "16 values" in error.message and "15 columns" in error.message


# --- every column's bad value, with its line and column ------------------------------------

BAD_VALUES = [
    ("kpj", "1234567890", "KPJ must be 11 digits"),
    ("kpj", "1234567890a", "KPJ must be 11 digits"),
    ("kpj", "", "KPJ must be 11 digits"),
    ("nik", "337405230970120", "NIK must be 16 digits"),
    ("nik", "33740523097012010", "NIK must be 16 digits"),
    ("nik", "3374053209701201", "cannot be a NIK"),  # day 32
    ("nik", "3374053002701201", "cannot be a NIK"),  # 30 February
    ("nik", "3374052313701201", "cannot be a NIK"),  # month 13
    ("nik", "3374052309700000", "cannot be a NIK"),  # serial 0000
    ("full_name", "", "full_name must not be empty"),
    ("full_name", "x" * 201, "at most 200 characters"),
    ("birth_date", "23-09-1970", "birth_date must be a date as YYYY-MM-DD"),
    ("birth_date", "19700923", "birth_date must be a date as YYYY-MM-DD"),
    ("birth_date", "", "birth_date must be a date as YYYY-MM-DD"),
    ("birth_date", "1970-02-30", "not a real date"),
    ("birth_date", "2026-11-24", "in the future"),
    ("gender", "L", "gender must be M or F"),
    ("gender", "", "gender must be M or F"),
    ("phone", "0212345678", "Indonesian mobile"),  # a Jakarta landline
    ("phone", "08123", "Indonesian mobile"),  # too short
    ("phone", "0812345678901", None),  # 13 digits: fine
    ("phone", "08123456789012", "Indonesian mobile"),  # 14 digits
    ("phone", "+65812345678", "Indonesian mobile"),  # Singapore
    ("phone", "", "Indonesian mobile"),
    ("membership_start", "2006/08/23", "membership_start must be a date as YYYY-MM-DD"),
    ("membership_start", "1960-01-01", "before birth_date"),
    ("membership_start", "2027-01-01", "in the future"),
    ("employment_status", "pensioned", "employment_status must be one of"),
    ("employment_end", "", "employment_end is required"),
    ("employment_end", "2026-13-01", "not a real date"),
    ("employment_end", "1 Sept 2026", "employment_end must be a date as YYYY-MM-DD"),
    ("employment_end", "2000-01-01", "before membership_start"),
    ("balance", "12.345.678", "digits only"),
    ("balance", '"12,345,678"', "digits only"),
    ("balance", "Rp12345678", "digits only"),
    ("balance", "-5", "must not be negative"),
    ("balance", "", "digits only"),
    ("partial_taken", "yes", "partial_taken must be a date"),
    ("partial_taken", "2027-01-01", "in the future"),
    ("partial_taken", "2000-01-01", "before membership_start"),
    ("bank_name", "BANK JAGO", "bank_name must be one of"),
    ("bank_name", "", "bank_name must be one of"),
    ("bank_account", "12345", "bank_account must be 6 to 20 digits"),
    ("bank_account", "123456789012345678901", "bank_account must be 6 to 20 digits"),
    ("bank_account", "1234-5678", "bank_account must be 6 to 20 digits"),
    ("bank_account", "", "bank_account must be 6 to 20 digits"),
    ("photo", "missing.jpg", "does not exist"),
]


@pytest.mark.parametrize(("column", "value", "message"), BAD_VALUES)
def test_GIVEN_one_bad_value_WHEN_parsed_THEN_it_is_reported_at_its_line_and_column(
    column, value, message
):
    rows, errors = parse(other(1), other(2, **{column: value}), other(3))

    if message is None:
        assert errors == [] and len(rows) == 3
        return
    assert rows == []
    assert len(errors) == 1, errors
    assert (errors[0].line, errors[0].column) == (3, column)
    assert message in errors[0].message


def test_employment_end_must_be_empty_when_active():
    error = only_error(row(employment_status="active", employment_end="2026-01-01"))
    assert (error.line, error.column) == (2, "employment_end")
    assert error.message == "employment_end must be empty when employment_status is active"


@pytest.mark.parametrize("status", ["resigned", "terminated", "contract_end", "bpu_stopped", "retired"])
def test_employment_end_is_required_unless_active(status):
    error = only_error(row(employment_status=status, employment_end=""))
    assert (error.line, error.column) == (2, "employment_end")


def test_active_without_employment_end_is_fine():
    rows, errors = parse(row(employment_status="active", employment_end=""))
    assert errors == []
    assert rows[0].employment_end is None


def test_codes_are_accepted_in_either_case_and_stored_canonically():
    rows, errors = parse(row(gender="m", bank_name="bri", employment_status="Retired"))
    assert errors == []
    assert (rows[0].gender, rows[0].bank_name) == ("M", "BRI")
    assert rows[0].employment_status is EmploymentStatus.retired


def test_cells_are_trimmed():
    rows, errors = parse(row(kpj=" 12345678901 ", full_name="  Budi Santoso "))
    assert errors == []
    assert (rows[0].kpj, rows[0].full_name) == ("12345678901", "Budi Santoso")


# --- all errors, not only the first --------------------------------------------------------


def test_GIVEN_several_bad_rows_WHEN_parsed_THEN_every_error_of_every_row_is_reported():
    rows, errors = parse(
        other(1, kpj="123", gender="X"),
        other(2),
        other(3, balance="1.000", bank_account="12", phone="12345"),
        other(4, birth_date="tomorrow"),
    )

    assert rows == []
    assert [(e.line, e.column) for e in errors] == [
        (2, "kpj"), (2, "gender"),
        (4, "phone"), (4, "balance"), (4, "bank_account"),
        (5, "birth_date"),
    ]


def test_errors_read_as_line_and_column():
    assert str(RowError(3, "nik", "NIK must be 16 digits")) == "line 3, column nik: NIK must be 16 digits"
    assert str(RowError(2, "year", "bad", "c.csv")) == "c.csv: line 2, column year: bad"


# --- uniqueness within the file ------------------------------------------------------------


def test_a_kpj_twice_is_reported_naming_both_lines():
    rows, errors = parse(other(1), other(2), other(3, kpj="12345670001"))
    assert errors == [RowError(4, "kpj", "kpj 12345670001 appears twice (lines 2 and 4)")]


def test_a_kpj_three_times_is_one_error_naming_every_line():
    rows, errors = parse(row(), row(nik="3374052309701202"), row(nik="3374052309701203"))
    assert errors == [RowError(3, "kpj", "kpj 12345678901 appears 3 times (lines 2, 3 and 4)")]


def test_a_nik_twice_is_reported():
    rows, errors = parse(other(1), row(kpj="99999999999", nik="3374052309700001"))
    assert errors == [RowError(3, "nik", "nik 3374052309700001 appears twice (lines 2 and 3)")]


# --- photos --------------------------------------------------------------------------------


def test_a_photo_path_is_resolved_relative_to_the_csv_folder(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "budi.jpg").write_bytes(b"\xff\xd8\xff")
    rows, errors = parse(row(photo="photos/budi.jpg"), base_dir=tmp_path)
    assert errors == []
    assert rows[0].photo == (tmp_path / "photos" / "budi.jpg").resolve()
    assert rows[0].photo.is_absolute()


def test_a_photo_that_is_not_in_the_csv_folder_is_an_error(tmp_path, monkeypatch):
    (tmp_path / "budi.jpg").write_bytes(b"\xff\xd8\xff")
    monkeypatch.chdir(tmp_path)  # present in the working directory, not beside the CSV
    (tmp_path / "csv").mkdir()
    error = only_error(row(photo="budi.jpg"), base_dir=tmp_path / "csv")
    assert (error.line, error.column) == (2, "photo")


# --- contributions -------------------------------------------------------------------------


def test_GIVEN_good_contributions_WHEN_parsed_THEN_rows_are_typed():
    text = "\ufeffkpj,year,amount\n12345678901,2024,2280000\n12345678901,2025,2376000\n"
    rows, errors = parse_contributions(text, TODAY)
    assert errors == []
    assert rows == [ContributionRow("12345678901", 2024, 2_280_000, 2),
                    ContributionRow("12345678901", 2025, 2_376_000, 3)]


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("1234567890,2024,1", "kpj", "KPJ must be 11 digits"),
        ("12345678901,24,1", "year", "year must be 4 digits from 1977 to 2026"),
        ("12345678901,1976,1", "year", "year must be 4 digits from 1977 to 2026"),
        ("12345678901,2027,1", "year", "year must be 4 digits from 1977 to 2026"),
        ("12345678901,2024,1.000", "amount", "digits only"),
        ("12345678901,2024,-1", "amount", "must not be negative"),
        ("12345678901,2024,", "amount", "digits only"),
    ],
)
def test_a_bad_contribution_value_is_reported_at_its_line_and_column(line, column, message):
    text = f"kpj,year,amount\n12345678901,2023,5\n{line}\n"
    rows, errors = parse_contributions(text, TODAY)
    assert rows == []
    assert len(errors) == 1, errors
    assert (errors[0].line, errors[0].column) == (3, column)
    assert message in errors[0].message


def test_contributions_report_every_error_and_duplicate_years():
    text = (
        "kpj,year,amount\n"
        "12345678901,2023,5\n"
        "123,1900,x\n"
        "12345678901,2023,7\n"
        "12345678902,2023,7\n"
    )
    rows, errors = parse_contributions(text, TODAY)
    assert rows == []
    assert [(e.line, e.column) for e in errors] == [(3, "kpj"), (3, "year"), (3, "amount"),
                                                   (4, "year")]
    assert errors[3].message == "kpj 12345678901, year 2023 appears twice (lines 2 and 4)"


def test_contributions_need_their_header():
    rows, errors = parse_contributions("kpj,amount\n12345678901,5\n", TODAY)
    assert rows == []
    assert errors[0].line == 1 and "year" in errors[0].message


def test_contribution_errors_name_their_file_when_asked():
    rows, errors = parse_contributions("kpj,year,amount\n1,2020,5\n", TODAY, source="c.csv")
    assert str(errors[0]).startswith("c.csv: line 2, column kpj: ")
