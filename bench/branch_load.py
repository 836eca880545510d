"""A branch under load: N kiosks walking the whole journey while 3 staff boards poll.

    .venv/bin/python bench/branch_load.py --database postgresql://postgres@127.0.0.1:5432/NAME \\
        [--kiosks 10,25,50,100] [--seconds 40] [--workers 2]
    .venv/bin/python bench/branch_load.py --database sqlite  [--workers 1]   # the one-box shape

Starts gunicorn (WORKERS x 4 threads) on a loopback port, Redis for the rate limits (PostgreSQL
shape), and `core sync` as its own process (PostgreSQL) or the one-box sender thread (SQLite).
Each simulated kiosk is a registered device (its own cookie) and, paced like a person (a second
or two per screen), walks: welcome, number, birth date, selfie (camera frames of a test photo,
3 a second, then "prefer staff"), waits for a staff board to accept its identity, balance,
reason, amount, bank, phone, review, submit, receipt, survey; and polls /wait every 4 s (2 s
while waiting for staff) like the real screen. Three staff boards poll every 2 s; one accepts
identities. Every request's time is taken from the client; runs are bounded by --seconds per N
and by each kiosk's journey count. Loopback only. Prints p50/p95/max per request kind, errors,
and the first N whose overall p95 passes 150 ms. The PostgreSQL database given is emptied.
Not part of the tests: it measures, it does not judge.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.facekit import jpeg, selfie_frame  # noqa: E402

PASSWORD = "bench password 1"
TODAY = "2026-11-23"
BIRTH = date(1968, 1, 1)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ACCEPT = re.compile(r'action="(/staff/help/\d+/accept-identity)"')
JOURNEYS_PER_KIOSK = 50  # a bound: a kiosk never walks more than this many journeys in a run
THINK = 1.2  # seconds a person spends on a screen


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Timings:
    """Every request's time in ms by kind, and the errors (5xx, unexpected 4xx, transport).

    Nothing is counted until `measuring` is set: enrolment and staff sign-in (argon2, on
    purpose slow) happen before the clock starts, as they do once a day in a branch.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.measuring = threading.Event()
        self.ms: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.statuses: dict[int, int] = defaultdict(int)

    def add(self, kind: str, ms: float, status: int) -> None:
        if not self.measuring.is_set():
            return
        with self.lock:
            self.ms[kind].append(ms)
            if status == 0 or status >= 500 or status in (400, 403, 404, 429):
                self.errors[kind] += 1
                self.statuses[status] += 1


def kind_of(request: httpx.Request) -> str:
    path = re.sub(r"/\d+", "/N", re.sub(r"^/enrol/.*", "/enrol/TOKEN", request.url.path))
    return f"{request.method} {path}"


def client(base: str, timings: Timings) -> httpx.Client:
    def done(response: httpx.Response) -> None:
        response.read()
        ms = response.elapsed.total_seconds() * 1000
        timings.add(kind_of(response.request), ms, response.status_code)

    # A browser retries a request that met a keep-alive connection the server had just closed;
    # one connection per request here keeps that noise out of the figures.
    return httpx.Client(base_url=base, timeout=30, follow_redirects=True,
                        limits=httpx.Limits(max_keepalive_connections=0),
                        event_hooks={"response": [done]})


class Kiosk(threading.Thread):
    """One kiosk browser walking journeys until told to stop."""

    def __init__(self, base: str, token: str, participants: list[str], timings: Timings,
                 stop: threading.Event, frame: bytes) -> None:
        super().__init__(daemon=True)
        self.http = client(base, timings)
        self.token, self.participants, self.stop, self.frame = token, participants, stop, frame
        self.timings, self.csrf, self.journeys, self.failed = timings, "", 0, 0
        self.ready = threading.Event()

    def post(self, path: str, **data) -> httpx.Response:
        response = self.http.post(path, data={"csrf_token": self.csrf, **data})
        self._csrf(response)
        return response

    def _csrf(self, response: httpx.Response) -> None:
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)

    def pause(self, seconds: float, step: str, held: bool = False) -> bool:
        """Think on a screen, polling /wait like the page does; tell if the visit moved on."""
        end = time.monotonic() + seconds
        while time.monotonic() < end and not self.stop.is_set():
            self.stop.wait(min(2.0 if held else 4.0, max(0.0, end - time.monotonic())))
            answer = self.http.get("/wait", params={"at": step, "ack": "0",
                                                    "held": "1" if held else "0"})
            if answer.history or answer.status_code == 200:
                return True
        return False

    def run(self) -> None:
        try:
            self.http.get(f"/enrol/{self.token}")
            self.ready.set()
            self.timings.measuring.wait()
            while not self.stop.is_set() and self.participants and \
                    self.journeys < JOURNEYS_PER_KIOSK:
                try:
                    done = self.journey(self.participants.pop())
                except httpx.HTTPError:  # counted; the kiosk starts a new journey
                    self.timings.add("transport", 0.0, 0)
                    done = False
                self.journeys += done
                self.failed += not done
        finally:
            self.http.close()

    def journey(self, kpj: str) -> bool:
        self._csrf(self.http.get("/"))
        steps = [("/start", {"language": "id"}), ("/identify", {"number": kpj}),
                 ("/birth-date", {"birth_date": BIRTH.isoformat()})]
        for path, data in steps:
            self.post(path, **data)
            self.pause(THINK, path.strip("/"))
        self.post("/selfie/start")
        for _ in range(9):  # three seconds of camera frames, as camera.js sends them
            self.http.post("/selfie/frame", content=self.frame,
                           headers={"Content-Type": "image/jpeg", "X-CSRFToken": self.csrf})
            self.stop.wait(0.33)
        page = self.post("/selfie/prefer-staff")
        deadline = time.monotonic() + 60
        while 'data-step="balance"' not in page.text and time.monotonic() < deadline:
            if self.stop.is_set():
                return False
            if self.pause(2.0, "selfie", held=True):
                page = self.http.get("/selfie")
        if 'data-step="balance"' not in page.text:
            return False
        self._csrf(page)
        for path, data in [("/balance", {}), ("/reason", {"reason": "retirement_age"}),
                           ("/amount", {}), ("/bank", {"choice": "keep"}),
                           ("/phone", {"choice": "keep"})]:
            self.pause(THINK, path.strip("/"))
            page = self.post(path, **data)
            if 'data-state="holder"' in page.text:
                page = self.post("/bank", confirm="1")
        self.pause(THINK, "review")
        page = self.post("/review")
        ok = 'data-testid="claim-number"' in page.text
        self.pause(THINK, "receipt")
        self.post("/receipt")
        self.post("/survey", score="5")
        return ok


class Board(threading.Thread):
    """A staff tablet: the board's 2-second poll; the first board accepts identities."""

    def __init__(self, base: str, timings: Timings, stop: threading.Event, accepts: bool,
                 username: str) -> None:
        super().__init__(daemon=True)
        self.http = client(base, timings)
        self.stop, self.accepts, self.username = stop, accepts, username
        self.timings, self.ready = timings, threading.Event()

    def run(self) -> None:
        page = self.http.get("/staff/login")
        token = CSRF.search(page.text).group(1)
        self.http.post("/staff/login", data={"csrf_token": token, "username": self.username,
                                             "password": PASSWORD})
        version = ""
        self.ready.set()
        self.timings.measuring.wait()
        while not self.stop.is_set():
            try:
                version = self.poll(version, page)
            except httpx.HTTPError:
                self.timings.add("transport", 0.0, 0)
            self.stop.wait(2.0)
        self.http.close()

    def poll(self, version: str, page: httpx.Response) -> str:
        """One poll of the board; accept the identities it lists (the first board only)."""
        answer = self.http.get("/staff/board", params={"v": version})
        if answer.status_code == 200:
            found = re.search(r'hx-get="[^"]*\bv=([0-9a-f]+)', answer.text)
            version = found.group(1) if found else ""
            token = (CSRF.search(answer.text) or CSRF.search(page.text)).group(1)
            if self.accepts:
                for url in ACCEPT.findall(answer.text):
                    self.http.post(url, data={"csrf_token": token})
        return version


def setup(database: str, folder: Path, kiosks: int, people: int) -> tuple[dict, list, list]:
    """Migrate, add participants, kiosks and staff; return the server env, tokens, KPJs."""
    url = f"sqlite:///{folder / 'kiosk.db'}" if database == "sqlite" else database
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_")}
    env.update(DATABASE_URL=url, SECRET_KEY="bench-secret", KIOSK_TODAY=TODAY, DEMO="0",
               IDLE_SECONDS="600", IDENTIFY_KIOSK_FAILURES="100000", SPEECH="tone",
               PRINTER_URL=f"sim://{folder / 'receipts'}", VOICE_DIR=str(folder / "voice"),
               CORE_URL="", OUTBOX_INTERVAL_SECONDS="1")
    if database != "sqlite":
        env["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:6379/15"
    else:
        env["OUTBOX_THREAD"] = "1"
    os.environ.update(env)
    from flask_migrate import upgrade
    from sqlalchemy import text

    from kiosk import create_app
    from kiosk.config import config_from_env
    from kiosk.devices import add_kiosk
    from kiosk.extensions import db
    from kiosk.staff import auth
    from tests.corekit import make_participants

    app = create_app(config_from_env(env, instance_dir=folder))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        from kiosk.models import Participant

        ids = make_participants(people)
        kpjs = [db.session.get(Participant, pid).kpj for pid in ids]
        for pid in ids:  # the bench's people are all born on BIRTH
            db.session.get(Participant, pid).birth_date = BIRTH
        db.session.commit()
        tokens = [add_kiosk(f"B{n:03d}", f"Bench {n}")[1] for n in range(1, kiosks + 1)]
        for n in range(3):
            auth.add_staff(f"staff{n}", PASSWORD, "staff", f"Staff {n}")
        db.engine.dispose()
    return env, tokens, kpjs


def serve(env: dict, workers: int, port: int, folder: Path, database: str) -> list:
    """Start gunicorn (and the branch's own sender); return the processes."""
    log = open(folder / "server.log", "wb")
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", "4",
               "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "3", "wsgi:app"]
    if database == "sqlite":
        command[3:3] = ["--config", "python:kiosk.core.onebox"]
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)]
    if database != "sqlite":
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "core", "sync"], cwd=ROOT, env=env,
            stdout=log, stderr=log))
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return processes
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn did not start; see {folder / 'server.log'}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def run_level(base: str, tokens: list, kpjs: list, seconds: float, frame: bytes) -> dict:
    timings, stop = Timings(), threading.Event()
    per_kiosk = max(1, len(kpjs) // len(tokens))
    kiosks = [Kiosk(base, token, kpjs[i * per_kiosk:(i + 1) * per_kiosk], timings, stop, frame)
              for i, token in enumerate(tokens)]
    boards = [Board(base, timings, stop, accepts=n == 0, username=f"staff{n}") for n in range(3)]
    for thread in boards + kiosks:
        thread.start()
    for thread in boards + kiosks:
        thread.ready.wait(timeout=120)
    timings.measuring.set()
    time.sleep(seconds)
    stop.set()
    for thread in kiosks + boards:
        thread.join(timeout=40)
    every = [ms for values in timings.ms.values() for ms in values]
    return {"timings": timings, "all": every,
            "journeys": sum(k.journeys for k in kiosks), "unfinished": sum(k.failed for k in kiosks)}


def report(n: int, result: dict) -> float:
    timings, every = result["timings"], result["all"]
    p95 = percentile(every, 0.95)
    print(f"\nN={n}: {len(every)} requests, {sum(timings.errors.values())} errors "
          f"{dict(timings.statuses)}, "
          f"journeys finished {result['journeys']} (cut short {result['unfinished']}); "
          f"all requests p50 {percentile(every, 0.5):.0f} ms, p95 {p95:.0f} ms")
    print(f"  {'request':34} {'count':>6} {'p50':>7} {'p95':>7} {'max':>7} {'errors':>6}")
    for kind in sorted(timings.ms, key=lambda k: -len(timings.ms[k])):
        values = timings.ms[kind]
        print(f"  {kind:34} {len(values):6d} {statistics.median(values):7.0f} "
              f"{percentile(values, 0.95):7.0f} {max(values):7.0f} {timings.errors[kind]:6d}")
    return p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sqlite")
    parser.add_argument("--kiosks", default="10,25,50,99")  # 99: kiosk codes are 2 digits
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers (default: 1 on SQLite, 2 on PostgreSQL)")
    args = parser.parse_args()
    levels = [int(n) for n in args.kiosks.split(",")]
    workers = args.workers or (1 if args.database == "sqlite" else 2)
    frame = jpeg(selfie_frame("obama"))
    crossed = None
    for n in levels:
        folder = Path(tempfile.mkdtemp(prefix=f"branch-load-{n}-"))
        env, tokens, kpjs = setup(args.database, folder, n, n * 8)
        port = free_port()
        processes = serve(env, workers, port, folder, args.database)
        try:
            p95 = report(n, run_level(f"http://127.0.0.1:{port}", tokens, kpjs, args.seconds,
                                      frame))
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=15)
        if crossed is None and p95 > 150:
            crossed = n
    shape = "SQLite, one box" if args.database == "sqlite" else "PostgreSQL + Redis"
    print(f"\n{shape}, gunicorn {workers} worker(s) x 4 threads: "
          + (f"p95 passes 150 ms at N={crossed}" if crossed else
             "p95 stayed under 150 ms at every N tried"))


if __name__ == "__main__":
    main()
