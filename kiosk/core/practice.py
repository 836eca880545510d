"""The practice core: answers for one fixed practice participant, and knows nobody else.

A practice visit ("Coba dulu", "Lihat caranya": kiosk.participant.practice) talks to this adapter
instead of the agency's core (kiosk.core.get_core), so it can never find, read or change a real
participant, and nothing it does reaches the core: it delivers nothing, keeps no photo and has
no claims. The practice participant's number and birth date are shown on the practice screens
so the person can type them.
"""
from __future__ import annotations

from datetime import date

from kiosk.core import (
    CoreRefused,
    CoreSystem,
    Delivery,
    Message,
    OpenClaim,
    ParticipantRecord,
)
from kiosk.jht import EmploymentStatus, ParticipantNumber

# No real participant has a negative id (core ids and local rows count from 1).
PRACTICE_ID = -1
PRACTICE_KPJ = "12345678901"
# A NIK for the same birth date (17-08-65, a man), for a person who practises with a KTP number.
PRACTICE_NIK = "3171011708650001"
PRACTICE_BIRTH_DATE = date(1965, 8, 17)  # 17 August: a date everyone in Indonesia remembers
PRACTICE_NAME = "Peserta Latihan"
PRACTICE_BALANCE = 12_500_000  # below the self-service limit: the practice claim is the usual one
PRACTICE_RECORD = ParticipantRecord(
    id=PRACTICE_ID, kpj=PRACTICE_KPJ, nik=PRACTICE_NIK, full_name=PRACTICE_NAME,
    birth_date=PRACTICE_BIRTH_DATE, gender="M", phone="081200001234",
    membership_start=date(1995, 3, 1), employment_status=EmploymentStatus.retired,
    employment_end=date(2021, 8, 31), balance=PRACTICE_BALANCE, partial_taken=None,
    bank_name="BRI", bank_account="001201234567", bank_holder=PRACTICE_NAME, has_photo=False,
    contributions=((2016, 1_080_000), (2017, 1_140_000), (2018, 1_200_000), (2019, 1_260_000),
                   (2020, 1_260_000), (2021, 900_000)),
    open_claims=())


class PracticeCore(CoreSystem):
    """The core as a practice visit sees it: the practice participant only, nothing sent."""

    def find_participant(self, number: ParticipantNumber,
                         birth_date: date | None = None) -> ParticipantRecord | None:
        if number.digits in (PRACTICE_KPJ, PRACTICE_NIK):
            return PRACTICE_RECORD
        return None

    def get_participant(self, participant_id: int) -> ParticipantRecord | None:
        return PRACTICE_RECORD if participant_id == PRACTICE_ID else None

    def account_holder(self, bank_name: str, account: str) -> str | None:
        # Any account typed in practice is the practice participant's: the practice goes on.
        return PRACTICE_NAME

    def reference_photo(self, participant_id: int) -> bytes | None:
        return None  # the practice selfie is never matched (kiosk.participant.selfie)

    def enrol_demo_photo(self, participant_id: int, jpeg: bytes) -> None:
        return None  # a practice face is never kept

    def open_claims(self, participant_id: int) -> tuple[OpenClaim, ...]:
        return ()

    def update_phone(self, participant_id: int, phone: str) -> None:
        return None

    def claim_status(self, number: str) -> OpenClaim | None:
        return None  # no practice claim exists anywhere

    def deliver(self, message: Message) -> Delivery:
        raise CoreRefused("a practice visit sends nothing to the core")
