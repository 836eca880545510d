"""Today's date for the rules: KIOSK_TODAY in tests and demos, the real date otherwise."""
from datetime import date

from flask import current_app


def today() -> date:
    """Return the date the claim rules should use."""
    return current_app.config.get("KIOSK_TODAY") or date.today()
