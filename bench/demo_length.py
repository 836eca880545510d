"""How long "Lihat caranya" takes at its own pace (speed 1), with the voice as a kiosk has it.

    .venv/bin/python bench/demo_length.py [--language id] [--runs 2]

Starts the app (gunicorn, a fresh SQLite file, pyttsx3 speech into a temporary voice folder) and
Debian's Chromium as the kiosk runs it (autoplay allowed), opens /how-it-works and times it from
the first screen until welcome shows again. The first run also synthesises the prompts it says;
later runs play them from the cache, as on a kiosk after `flask voice build`. Prints each run's
seconds, the screens it walked, and when the mistake and its correction came.
Not part of the tests: it measures, it does not judge.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="id", choices=("id", "en", "jv", "su"))
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="demo-length-"))
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'kiosk.db'}",
           "SECRET_KEY": "bench", "KIOSK_ID": "K01", "DEMO": "1", "SPEECH": "pyttsx3",
           "VOICE_DIR": str(folder / "voice"), "PRINTER_URL": f"sim://{folder / 'receipts'}",
           "CORE_URL": ""}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "4", "--bind",
         f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for run in range(1, args.runs + 1):
                page = browser.new_context(viewport={"width": 1080, "height": 1920}).new_page()
                page.on("console", lambda msg: print("  console:", msg.text))
                page.goto(f"http://127.0.0.1:{port}/")
                if args.language != "id":
                    page.locator(f'main [data-choice="{args.language}"]').click()
                    page.wait_for_load_state()
                page.locator('main [data-action="how-it-works"]').click()
                began = time.monotonic()
                controls = page.get_by_test_id("demo-controls")
                marks = {}
                steps = ""
                while not page.locator('main[data-step="welcome"]').count():
                    moment = (controls.get_attribute("data-demo-moment")
                              if controls.count() else None)
                    if moment and moment not in marks:
                        marks[moment] = time.monotonic() - began
                    if controls.count():
                        now = controls.get_attribute("data-demo-steps") or steps
                        if now != steps:
                            marks[now.split()[-1]] = time.monotonic() - began
                        steps = now
                    if time.monotonic() - began > 300:
                        raise SystemExit(f"no end after 300 s: {steps}")
                    page.wait_for_timeout(100)  # sampling what the page shows, not a wait
                took = time.monotonic() - began
                said = ", ".join(f"{name} at {at:.1f} s" for name, at in marks.items())
                print(f"run {run} ({args.language}): {took:.1f} s from the first screen to "
                      f"welcome; {said}")
                print(f"  screens: {steps}")
                page.context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
