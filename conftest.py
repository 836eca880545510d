"""The whole run's end: say where a failing end-to-end test left its Playwright trace."""
from __future__ import annotations

from pathlib import Path

PLAYWRIGHT_ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts" / "playwright"


def pytest_terminal_summary(terminalreporter) -> None:
    """pytest-playwright keeps a failing test's trace and screenshot (pyproject's addopts)."""
    kept = sorted(PLAYWRIGHT_ARTIFACTS.glob("*/trace.zip")) if PLAYWRIGHT_ARTIFACTS.is_dir() else []
    if not kept:
        return
    terminalreporter.section("Playwright traces of failing tests")
    for trace in kept:
        terminalreporter.write_line(f"{trace.parent}  (trace.zip, screenshots)")
    terminalreporter.write_line(
        "Open one with: .venv/bin/playwright show-trace test-artifacts/playwright/NAME/trace.zip")
