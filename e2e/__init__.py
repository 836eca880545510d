"""End-to-end tests: real Chromium against a live kiosk server (see conftest.py)."""
