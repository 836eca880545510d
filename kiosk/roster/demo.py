"""The demo participants: one person per situation the kiosk must handle.

Every date is counted back from `today`, so the demo shows the same situations whatever the day
("turned 56 two months ago", "resigned ten days ago"). Birth dates, and with them the NIKs, move
with `today`; the keys and KPJs never change. Use `demo_people(today)` for a given date;
`DEMO_PEOPLE` is that list for the date this module was imported (KIOSK_TODAY if set, else the
real date), the same date the app uses when KIOSK_TODAY is set in the environment.
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from kiosk.jht.dates import add_months
from kiosk.jht.identifiers import NIK_FEMALE_DAY_OFFSET
from kiosk.roster.csv_import import CONTRIBUTION_COLUMNS, PARTICIPANT_COLUMNS

PARTICIPANTS_FILE = "participants.csv"
CONTRIBUTIONS_FILE = "contributions.csv"

# (province, regency/city, district) of first registration.
SEMARANG = ("33", "74", "05")  # Central Java, Kota Semarang
SOLO = ("33", "72", "03")  # Central Java, Kota Surakarta
BANDUNG = ("32", "73", "12")  # West Java, Kota Bandung
BEKASI = ("32", "75", "04")  # West Java, Kota Bekasi
JAKARTA_SELATAN = ("31", "74", "07")  # DKI Jakarta, Jakarta Selatan
JAKARTA_TIMUR = ("31", "75", "02")  # DKI Jakarta, Jakarta Timur
YOGYAKARTA = ("34", "71", "09")  # DI Yogyakarta, Kota Yogyakarta
SURABAYA = ("35", "78", "11")  # East Java, Kota Surabaya
TANGERANG = ("36", "71", "06")  # Banten, Kota Tangerang


@dataclass(frozen=True)
class DemoPerson:
    """One demo participant; `key` and `kpj` are stable, the dates follow `today`."""

    key: str
    kpj: str
    nik: str
    birth_date: date
    full_name: str
    balance: int
    gender: str
    phone: str
    membership_start: date
    employment_status: str
    employment_end: date | None
    partial_taken: date | None
    bank_name: str
    bank_account: str
    bank_holder: str
    contributions: tuple[tuple[int, int], ...]  # (year, amount)
    situation: str  # what the demo shows, for the operator's table


def years_before(d: date, years: int) -> date:
    """Return the same day `years` years earlier (29 Feb becomes 28 Feb in a non-leap year)."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def make_nik(region: tuple[str, str, str], nik_birth_date: date, gender: str, serial: int) -> str:
    """Build a NIK: region, DDMMYY (women: day + 40), and a 4-digit serial (never 0000)."""
    if not 1 <= serial <= 9999:
        raise ValueError("a NIK serial is 0001 to 9999")
    day = nik_birth_date.day + (NIK_FEMALE_DAY_OFFSET if gender == "F" else 0)
    return "".join(region) + (
        f"{day:02d}{nik_birth_date.month:02d}{nik_birth_date.year % 100:02d}{serial:04d}"
    )


def _contributions(first: int, last: int, amount: int, step: int) -> tuple[tuple[int, int], ...]:
    """Yearly contributions from first to last (inclusive), growing by step each year."""
    return tuple((year, amount + step * (year - first)) for year in range(first, last + 1))


def demo_people(today: date) -> list[DemoPerson]:
    """Return the demo set for `today`, one person per situation, in a fixed order."""
    t = today
    people: list[DemoPerson] = []

    def add(key: str, kpj: str, region, serial: int, *, nik_birth: date | None = None,
            **fields) -> None:
        nik = make_nik(region, nik_birth or fields["birth_date"], fields["gender"], serial)
        fields.setdefault("bank_holder", fields["full_name"])
        fields.setdefault("partial_taken", None)
        people.append(DemoPerson(key=key, kpj=kpj, nik=nik, **fields))

    # 1. Turned 56 two months ago; retired; the whole balance, self-service.
    turned_56 = add_months(t, -2)
    add("age56", "10000056001", SEMARANG, 1201,
        full_name="Budi Santoso", gender="M", birth_date=years_before(turned_56, 56),
        phone="081225560001", membership_start=years_before(add_months(t, -3), 20),
        employment_status="retired", employment_end=turned_56, balance=12_345_678,
        bank_name="BRI", bank_account="012301000561508",
        contributions=_contributions(t.year - 8, t.year - 1, 2_280_000, 96_000),
        situation="turned 56 two months ago, retired, Rp12.3M: age claim, self-service")

    # 2. Resigned two months ago (the one-month wait is over); 9 years of membership.
    resigned_on = add_months(t, -2)
    add("resigned", "10000038002", BANDUNG, 2117,
        full_name="Siti Rahmawati", gender="F",
        birth_date=years_before(t - timedelta(days=157), 38),
        phone="081338380002", membership_start=years_before(add_months(t, -6), 9),
        employment_status="resigned", employment_end=resigned_on, balance=8_450_000,
        bank_name="BNI", bank_account="0381129402",
        contributions=_contributions(resigned_on.year - 4, resigned_on.year, 1_140_000, 60_000),
        situation="woman, resigned two months ago, Rp8.45M: resignation claim, wait over")

    # 3. Resigned ten days ago: the one-month wait is not over yet.
    resigned_recently = t - timedelta(days=10)
    add("resigned_waiting", "10000029003", JAKARTA_SELATAN, 3048,
        full_name="Agus Setiawan", gender="M", birth_date=years_before(t - timedelta(days=250), 29),
        phone="081929290003", membership_start=years_before(add_months(t, -1), 6),
        employment_status="resigned", employment_end=resigned_recently, balance=6_200_000,
        bank_name="MANDIRI", bank_account="1270009384756",
        contributions=_contributions(resigned_recently.year - 3, resigned_recently.year,
                                     1_320_000, 72_000),
        situation="resigned ten days ago, Rp6.2M: must wait until a month has passed")

    # 4. PHK 40 days ago; balance one rupiah under the self-service limit.
    terminated_on = t - timedelta(days=40)
    add("phk", "10000045004", SOLO, 412,
        full_name="Ahmad Sutrisno", bank_holder="H. Ahmad Sutrisno", gender="M",
        birth_date=years_before(t - timedelta(days=301), 45), phone="085645450004",
        membership_start=years_before(add_months(t, -4), 15), employment_status="terminated",
        employment_end=terminated_on, balance=14_999_999, bank_name="BSI",
        bank_account="7145502391",
        contributions=_contributions(terminated_on.year - 5, terminated_on.year, 1_980_000, 84_000),
        situation="PHK 40 days ago, Rp14,999,999 (just under the limit); bank holder has a title")

    # 5. Fixed-term contract ended five days ago (no waiting period).
    contract_ended = t - timedelta(days=5)
    add("contract_end", "10000026005", BEKASI, 1730,
        full_name="Dewi Anggraini", gender="F", birth_date=years_before(t - timedelta(days=95), 26),
        phone="087826260005", membership_start=years_before(add_months(t, -2), 3),
        employment_status="contract_end", employment_end=contract_ended, balance=3_750_000,
        bank_name="BCA", bank_account="8410362957",
        contributions=_contributions(contract_ended.year - 2, contract_ended.year,
                                     1_080_000, 48_000),
        situation="woman, contract ended five days ago, Rp3.75M")

    # 6. A non-wage (BPU) participant who stopped working; no contribution rows at all.
    add("bpu", "10000033006", YOGYAKARTA, 655,
        full_name="Joko Prasetyo", gender="M", birth_date=years_before(t - timedelta(days=190), 33),
        phone="081333330006", membership_start=years_before(add_months(t, -9), 5),
        employment_status="bpu_stopped", employment_end=add_months(t, -1), balance=2_100_000,
        bank_name="BTN", bank_account="00071019283746", contributions=(),
        situation="BPU, stopped working, Rp2.1M; no contribution history")

    # 7. Active, 12 years of membership: the 10% partial payout is possible.
    add("partial", "10000041007", SURABAYA, 2290,
        full_name="Sri Wahyuni", gender="F", birth_date=years_before(t - timedelta(days=33), 41),
        phone="081241410007", membership_start=years_before(add_months(t, -7), 12),
        employment_status="active", employment_end=None, balance=45_000_000,
        bank_name="CIMB", bank_account="705821469300",
        contributions=_contributions(t.year - 6, t.year - 1, 3_360_000, 150_000),
        situation="woman, active, 12 years of membership, Rp45M: partial 10% possible")

    # 8. 57 and retired with a balance above the limit (staff) and above Rp50M (tax).
    turned_57 = t - timedelta(days=214)
    turned_56_earlier = years_before(turned_57, 1)
    add("above_limit", "10000057008", JAKARTA_TIMUR, 3307,
        full_name="Hendra Gunawan", gender="M", birth_date=years_before(turned_57, 57),
        phone="081157570008", membership_start=years_before(add_months(t, -11), 30),
        employment_status="retired", employment_end=turned_56_earlier, balance=75_500_000,
        bank_name="PERMATA", bank_account="4102558873",
        contributions=_contributions(t.year - 8, t.year - 2, 4_920_000, 180_000),
        situation="57, retired, Rp75.5M: above the limit (staff) and taxed above Rp50M")

    # 9. Resigned 3 months ago after a partial payout 3 years ago: progressive tax applies.
    left_on = add_months(t, -3)
    add("partial_taken", "10000048009", TANGERANG, 918,
        full_name="Rudi Kurniawan", gender="M",
        birth_date=years_before(t - timedelta(days=128), 48),
        phone="081348480009", membership_start=years_before(add_months(t, -5), 18),
        employment_status="resigned", employment_end=left_on, balance=62_000_000,
        partial_taken=years_before(t, 3), bank_name="DANAMON", bank_account="003591827465",
        contributions=_contributions(left_on.year - 5, left_on.year, 4_200_000, 210_000),
        situation="resigned 3 months ago, partial taken 3 years ago, Rp62M: progressive tax")

    # 10. Her NIK says she was born one day later than her recorded birth date (never fixable).
    recorded_birth = years_before(t - timedelta(days=275), 35)
    add("nik_mismatch", "10000035010", SEMARANG, 1466,
        nik_birth=recorded_birth + timedelta(days=1),
        full_name="Nur Aisyah", gender="F", birth_date=recorded_birth, phone="085735350010",
        membership_start=years_before(add_months(t, -2), 8), employment_status="active",
        employment_end=None, balance=5_000_000, bank_name="BJB", bank_account="0098123456700",
        contributions=_contributions(t.year - 4, t.year - 1, 1_500_000, 60_000),
        situation="woman whose NIK date is one day off her birth date; "
                  "identifies with the recorded one")

    return people


def demo_person(key: str, today: date) -> DemoPerson:
    """Return the demo person with this key for `today`."""
    for person in demo_people(today):
        if person.key == key:
            return person
    raise KeyError(key)


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def demo_csv(today: date) -> tuple[str, str]:
    """Return (participants CSV, contributions CSV) for the demo set on `today`."""
    people = demo_people(today)
    participants = io.StringIO()
    writer = csv.writer(participants, lineterminator="\n")
    writer.writerow(PARTICIPANT_COLUMNS)
    for p in people:
        writer.writerow([
            p.kpj, p.nik, p.full_name, _iso(p.birth_date), p.gender, p.phone,
            _iso(p.membership_start), p.employment_status, _iso(p.employment_end), p.balance,
            _iso(p.partial_taken), p.bank_name, p.bank_account,
            "" if p.bank_holder == p.full_name else p.bank_holder,
            "",  # photo: none in the demo
        ])
    contributions = io.StringIO()
    writer = csv.writer(contributions, lineterminator="\n")
    writer.writerow(CONTRIBUTION_COLUMNS)
    for p in people:
        for year, amount in p.contributions:
            writer.writerow([p.kpj, year, amount])
    return participants.getvalue(), contributions.getvalue()


def write_demo(folder: Path, today: date) -> tuple[Path, Path]:
    """Write the demo CSVs into folder (created if needed); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    participants_text, contributions_text = demo_csv(today)
    participants_path = folder / PARTICIPANTS_FILE
    contributions_path = folder / CONTRIBUTIONS_FILE
    participants_path.write_text(participants_text, encoding="utf-8")
    contributions_path.write_text(contributions_text, encoding="utf-8")
    return participants_path, contributions_path


def _import_day() -> date:
    raw = os.environ.get("KIOSK_TODAY", "").strip()
    try:
        return date.fromisoformat(raw) if raw else date.today()
    except ValueError:
        return date.today()


DEMO_PEOPLE: list[DemoPerson] = demo_people(_import_day())
DEMO_KEYS: tuple[str, ...] = tuple(person.key for person in DEMO_PEOPLE)
