"""How long a staff action takes to reach the kiosk: Acknowledge (the name on the waiting screen)
and Reset (the kiosk back at welcome), over N tries each, with a kiosk and a staff tablet in real
Chromium against gunicorn (2 workers) on a private SQLite database.

    .venv/bin/python bench/staff_latency.py [--tries 20]

Prints p50 / p95 / max in seconds. Not part of the tests: it measures, it does not judge.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench password 1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                   check=True, capture_output=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(share * len(ordered) + 0.4999)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tries", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="staff-bench-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'kiosk.db'}",
           "SECRET_KEY": "bench", "DEMO": "1", "SPEECH": "tone", "IDLE_SECONDS": "600",
           "VOICE_DIR": str(folder / "voice"), "STAFF_PASSWORD": PASSWORD}
    flask(env, "db", "upgrade")
    flask(env, "participants", "demo", "--folder", str(folder / "demo"))
    flask(env, "staff", "add", "sari", "--role", "staff", "--name", "Bu Sari")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b",
                               f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        acks, resets = run(base, args.tries)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"{args.tries} tries each; gunicorn 2 workers, SQLite; kiosk polls every 2 s while "
          "waiting for staff, every 4 s otherwise")
    for name, values in (("acknowledge -> name on the kiosk", acks),
                         ("reset -> kiosk at welcome", resets)):
        print(f"{name:36} p50 {statistics.median(values):.2f} s  "
              f"p95 {percentile(values, 0.95):.2f} s  max {max(values):.2f} s")


def run(base: str, tries: int) -> tuple[list[float], list[float]]:
    acks, resets = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--autoplay-policy=no-user-gesture-required"])
        kiosk = browser.new_context(base_url=base, viewport={"width": 1080, "height": 1920}
                                    ).new_page()
        staff = browser.new_context(base_url=base, viewport={"width": 1280, "height": 800}
                                    ).new_page()
        staff.goto("/staff/login")
        staff.fill("#username", "sari")
        staff.fill("#password", PASSWORD)
        staff.locator('[data-action="sign-in"]').click()
        expect(staff.locator("h1")).to_have_text("Papan kiosk")
        for _ in range(tries):
            kiosk.goto("/")
            kiosk.locator('main [data-action="next"]').click()
            expect(kiosk.locator('main[data-step="identify"]')).to_be_visible()
            kiosk.locator('[data-action="call-staff"]').first.click()
            expect(kiosk.locator('main[data-step="staff-coming"]')).to_be_visible()
            ack = staff.locator('#board [data-reason="asked"][data-status="open"] '
                                '[data-action="ack"]').first
            expect(ack).to_be_visible(timeout=10_000)
            began = time.monotonic()
            ack.click()
            expect(kiosk.get_by_test_id("staff-on-the-way")).to_be_visible(timeout=10_000)
            acks.append(time.monotonic() - began)

            kiosk.locator('main [data-action="back"]').click()  # go on alone: identify
            expect(kiosk.locator('main[data-step="identify"]')).to_be_visible()
            staff.goto("/staff/")
            reset = staff.locator('#board [data-kiosk] [data-action="reset-kiosk"]').first
            began = time.monotonic()
            reset.click()
            expect(kiosk.locator('main[data-step="welcome"]')).to_be_visible(timeout=10_000)
            resets.append(time.monotonic() - began)
        browser.close()
    return acks, resets


if __name__ == "__main__":
    main()
