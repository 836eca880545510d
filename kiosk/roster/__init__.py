"""Participant data from the operator's side: CSV import and the demo set."""
from kiosk.roster.csv_import import (
    BANK_CODES,
    ContributionRow,
    ImportFailed,
    ImportResult,
    ParticipantRow,
    RowError,
    import_participants,
    parse_contributions,
    parse_participants,
)

__all__ = [
    "BANK_CODES",
    "ContributionRow",
    "ImportFailed",
    "ImportResult",
    "ParticipantRow",
    "RowError",
    "import_participants",
    "parse_contributions",
    "parse_participants",
]
