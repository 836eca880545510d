"""Exactly once, measured: N claims through the core simulator with faults, counted at the core.

    .venv/bin/python bench/core_exactly_once.py [--claims 1000] [--faults random:0.3]
        [--database sqlite | postgresql://...] [--senders 2]

Saves N claims as kiosks do (claim + outbox message in one transaction), serves the simulator on
a loopback port of the same database, and runs the outbox sender until nothing is left to send
(bounded: --max-seconds). Several senders run at once on PostgreSQL (SKIP LOCKED); SQLite has
one. Prints: claims, tries sent, delivered, duplicates, lost, the most receipts of one key, and
the time. Not part of the tests: it measures, it does not judge. The PostgreSQL database given
is emptied first.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from kiosk import create_app  # noqa: E402
from kiosk.config import config_for_tests  # noqa: E402
from kiosk.core import outbox  # noqa: E402
from kiosk.extensions import db  # noqa: E402
from tests.corekit import save_claims, start_simulator, stop_simulator, tally, unsent  # noqa: E402


def make_app(database: str, folder: Path):
    url = f"sqlite:///{folder / 'bench.db'}" if database == "sqlite" else database
    app = create_app(config_for_tests(folder, url))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
    return app


def deliver_all(app, senders: int, max_seconds: float) -> int:
    """Run `senders` sender threads until the outbox is empty or time is up; return passes."""
    deadline = time.monotonic() + max_seconds
    passes = [0]

    def sender():
        with app.app_context():
            while time.monotonic() < deadline:
                outbox.run_pass()
                passes[0] += 1
                if unsent() == 0:
                    break
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return passes[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--faults", default="random:0.3")
    parser.add_argument("--database", default="sqlite")
    parser.add_argument("--senders", type=int, default=None,
                        help="sender threads (default: 2 on PostgreSQL, 1 on SQLite)")
    parser.add_argument("--max-seconds", type=float, default=600.0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="core-bench-"))
    app = make_app(args.database, folder)
    running = start_simulator(app, faults=args.faults, slow_seconds=0.3, timeout=0.2, retries=1)
    try:
        with app.app_context():
            dialect = db.engine.dialect.name
            started = time.monotonic()
            numbers = save_claims(args.claims, prefix="bench")
            saved = time.monotonic() - started
        senders = args.senders or (2 if dialect == "postgresql" else 1)
        started = time.monotonic()
        passes = deliver_all(app, senders, args.max_seconds)
        took = time.monotonic() - started
        with app.app_context():
            counts = tally(numbers, running)
            left = unsent()
        print(f"{dialect}, faults {args.faults}, {senders} sender(s): {counts.line()}; "
              f"{left} unsent; saved in {saved:.1f} s, delivered in {took:.1f} s, "
              f"{passes} passes")
    finally:
        stop_simulator(app, running)
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
