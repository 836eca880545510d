"""Helpers for the core-link tests and benches: a simulator on a loopback port, many claims."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

import httpx
from sqlalchemy import func, select

from kiosk import claims
from kiosk.core import ClaimDraft
from kiosk.core.http import close_client
from kiosk.core.simulator import Faults, Running, create_simulator
from kiosk.devices import default_kiosk
from kiosk.extensions import db
from kiosk.models import OutboxMessage, Participant

_serial = itertools.count(1)


def start_simulator(app, faults: str = "none", slow_seconds: float = 0.3, seed: int = 13,
                    timeout: float = 0.2, retries: int = 2) -> Running:
    """Serve a simulator on the app's database and point the app's CORE_URL at it."""
    mode = Faults.parse(faults, slow_seconds=slow_seconds, seed=seed)
    running = Running(create_simulator(app.config["SQLALCHEMY_DATABASE_URI"], mode,
                                       photo_dir=app.instance_path + "/core-photos"))
    close_client(app)  # a client made for an earlier CORE_URL must not be reused
    app.config.update(CORE_URL=running.url, CORE_TIMEOUT_SECONDS=timeout, CORE_RETRIES=retries,
                      CORE_RETRY_WAIT_SECONDS=0.0, OUTBOX_BACKOFF_SECONDS=0.0)
    return running


def stop_simulator(app, running: Running) -> None:
    running.stop()
    close_client(app)


def received(running: Running) -> list[dict]:
    """What the simulator accepted (GET /_received)."""
    return httpx.get(running.url + "/_received", timeout=5).json()


def make_participants(count: int) -> list[int]:
    """Add `count` participants who may each claim (inside an app context); return their ids."""
    rows = []
    for _ in range(count):
        n = next(_serial)
        rows.append(Participant(
            kpj=f"9{n:010d}", nik=f"33740541{n:08d}"[:16], full_name=f"Peserta Uji {n}",
            birth_date=date(1968, 1, 1), gender="M", phone="081234567890",
            membership_start=date(1995, 1, 1), employment_status="retired",
            employment_end=date(2024, 1, 1), balance=5_000_000, partial_taken=None,
            bank_name="BRI", bank_account=f"{n:010d}", bank_holder=f"Peserta Uji {n}"))
    db.session.add_all(rows)
    db.session.commit()
    return [row.id for row in rows]


def draft(participant_id: int, key: str, needs_staff: bool = False,
          new_phone: str | None = None) -> ClaimDraft:
    return ClaimDraft(
        idempotency_key=key, kiosk_id=default_kiosk().id, participant_id=participant_id,
        reason="retirement_age", gross_amount=5_000_000, tax_amount=0, net_amount=5_000_000,
        needs_staff=needs_staff, expected_payment_date=date(2026, 11, 30), bank_name="BRI",
        bank_account="1234567890", phone=new_phone or "081234567890",
        phone_changed=new_phone is not None)


def save_claims(count: int, prefix: str = "key") -> list[str]:
    """Save `count` claims (inside an app context) as kiosks do; return their numbers."""
    return [claims.save(draft(pid, f"{prefix}-{pid}")).number
            for pid in make_participants(count)]


def unsent() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.sent_at.is_(None)))


@dataclass
class Tally:
    """A fault run's counts: tries sent by the kiosk, claims at the core, duplicates, lost."""

    claims: int
    sent: int
    delivered: int
    duplicates: int
    lost: int
    received_max: int

    def line(self) -> str:
        return (f"claims {self.claims}, sent {self.sent}, delivered {self.delivered}, "
                f"duplicates {self.duplicates}, lost {self.lost}, "
                f"most receipts of one key {self.received_max}")


def tally(numbers: list[str], running: Running) -> Tally:
    """Count at the simulator: each claim must be there once, under its own key."""
    got = received(running)
    at_core = [row["number"] for row in got]
    tries = db.session.scalar(select(func.sum(OutboxMessage.attempts))) or 0
    return Tally(
        claims=len(numbers), sent=tries, delivered=len(set(at_core) & set(numbers)),
        duplicates=len(at_core) - len(set(at_core)) + len(set(at_core) - set(numbers)),
        lost=len(set(numbers) - set(at_core)),
        received_max=max((row["times_received"] for row in got), default=0))
