"""The application the end-to-end live server runs.

It is the real factory with the real settings from the environment (`config_from_env`), with one
difference: the per-address rate limiter is off. Every test browser reaches the server from
127.0.0.1, so the suite's hundred-odd birth-date taps a minute would be refused as one very fast
person (`@limiter.limit("30 per minute")` on /birth-date). Set E2E_RATELIMIT=1 to keep it on.
"""
from __future__ import annotations

import os

from kiosk import create_app
from kiosk.config import config_from_env

config = config_from_env()
config["RATELIMIT_ENABLED"] = os.environ.get("E2E_RATELIMIT", "").strip() in {"1", "true", "yes"}
app = create_app(config)
