"""The JHT claim rules, free of web and database code; every number comes from a Policy."""

from .claims import (
    ALLOWED_TRANSITIONS,
    ClaimState,
    damm_check_digit,
    is_valid_damm,
    make_claim_number,
    parse_claim_number,
    transition,
)
from .dates import (
    add_months,
    add_working_days,
    age_on,
    anniversary,
    full_years_between,
    is_working_day,
)
from .eligibility import (
    DEATH_DOCUMENTS,
    DOCUMENTS_BY_REASON,
    REASONS_IN_ORDER,
    EmploymentStatus,
    ParticipantFacts,
    Reason,
    ReasonStatus,
    claim_amount,
    documents_for,
    is_partial,
    needs_staff,
    reason_statuses,
)
from .identifiers import (
    NikInfo,
    NumberError,
    ParticipantNumber,
    group_number,
    mask_name,
    parse_nik,
    parse_participant_number,
)
from .payment import expected_payment_date
from .policy import Policy
from .tax import TaxEstimate, estimate_tax

__all__ = [
    "ALLOWED_TRANSITIONS",
    "DEATH_DOCUMENTS",
    "DOCUMENTS_BY_REASON",
    "REASONS_IN_ORDER",
    "ClaimState",
    "EmploymentStatus",
    "NikInfo",
    "NumberError",
    "ParticipantFacts",
    "ParticipantNumber",
    "Policy",
    "Reason",
    "ReasonStatus",
    "TaxEstimate",
    "add_months",
    "add_working_days",
    "age_on",
    "anniversary",
    "claim_amount",
    "damm_check_digit",
    "documents_for",
    "estimate_tax",
    "expected_payment_date",
    "full_years_between",
    "group_number",
    "is_partial",
    "is_valid_damm",
    "is_working_day",
    "make_claim_number",
    "mask_name",
    "needs_staff",
    "parse_claim_number",
    "parse_nik",
    "parse_participant_number",
    "reason_statuses",
    "transition",
]
