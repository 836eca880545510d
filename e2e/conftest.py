"""End-to-end fixtures: one live server and one Chromium for the whole session.

- Chromium is Debian's (/usr/bin/chromium): Playwright cannot download browsers here.
- The live server runs the app in a subprocess (gunicorn, 1 worker, 4 threads) on a free port,
  on a fresh SQLite file, or on E2E_DATABASE_URL when set (the PostgreSQL smoke run:
  `E2E_DATABASE_URL=postgresql://... pytest e2e -m smoke`).
- `db` reads (and, standing in for the staff console, updates) that database from the tests.
- Every test gets a fresh browser context, so it starts at welcome with no visit; the server
  wipes the kiosk's earlier visit when Start is tapped.
- `snap(page, name)` saves screenshots into test-artifacts/screenshots/<orientation>/.
- `axe_page` (CSP bypassed so axe-core can be injected) and `axe` (violations, format, check).
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import cv2
import pytest
from playwright.sync_api import BrowserContext, Page
from sqlalchemy import func, select, update

from e2e.journey import KIOSK_ID, ROOT, TODAY
from kiosk import create_app
from kiosk.config import config_from_env
from kiosk.extensions import db as sqlalchemy_db
from kiosk.jht import OPEN_CLAIM_STATES
from kiosk.models import Claim, HelpRequest, utcnow
from tests.databases import worker_database

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root in a container
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",  # offline machine: no update checks, no field trials
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",  # as the kiosk runs it (README): screens speak
    "--no-first-run",
    "--disable-features=Translate",
]
VIEWPORTS: dict[str, dict[str, int]] = {
    "portrait": {"width": 1080, "height": 1920},
    "landscape": {"width": 1920, "height": 1080},
}
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_REPORTS = ARTIFACTS / "axe"
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "rules": {"color-contrast-enhanced": {"enabled": True}},
}
SERVER_START_SECONDS = 30
E2E_DIR = Path(__file__).resolve().parent


# --- markers -----------------------------------------------------------------------------------

def pytest_collection_modifyitems(config, items):
    """Mark every test under e2e/ with `e2e` (this hook sees the whole session's items)."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


# --- the live server ---------------------------------------------------------------------------

@dataclass(frozen=True)
class LiveServer:
    url: str
    env: dict[str, str]
    database_url: str
    log: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _flask(env: dict[str, str], *args: str) -> None:
    """Run `flask --app wsgi ARGS` with the server's environment; fail the session if it fails."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    if result.returncode != 0:
        pytest.exit(f"E2E setup failed: {' '.join(command[2:])} exited {result.returncode}\n"
                    f"{result.stdout}\n{result.stderr}", returncode=3)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("live-server")
    database_url = (worker_database(os.environ["E2E_DATABASE_URL"].strip())
                    if os.environ.get("E2E_DATABASE_URL", "").strip()
                    else f"sqlite:///{folder / 'kiosk.db'}")
    port = _free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("FLASK_", "WERKZEUG_"))}
    env.update({
        "DATABASE_URL": database_url,
        "SECRET_KEY": "e2e-secret-key-not-for-production",
        "KIOSK_TODAY": TODAY.isoformat(),
        "KIOSK_ID": KIOSK_ID,
        "DEMO": "1",
        "IDLE_SECONDS": "600",  # no idle warning in the middle of a test
        # Many wrong pairs on one kiosk within minutes are this suite, not an attack.
        "IDENTIFY_KIOSK_FAILURES": "100000",
        "PRINTER_URL": f"sim://{folder / 'receipts'}",
        # The voice as a newcomer's kiosk has it (pyttsx3 + espeak-ng), synthesised on demand
        # into the test's own folder rather than the project's prebuilt instance/voice.
        "SPEECH": "pyttsx3",
        "VOICE_DIR": str(folder / "voice"),
        "CORE_URL": "",
        "PYTHONUNBUFFERED": "1",
    })
    _flask(env, "db", "upgrade")
    _flask(env, "participants", "demo", "--folder", str(folder / "demo"))

    log = folder / "server.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "4",
             "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "3",
             "--error-logfile", "-", "e2e.live_app:app"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.exit(f"The e2e live server exited with {process.returncode} before "
                            f"listening on port {port}. Its log ({log}):\n{_tail(log)}",
                            returncode=3)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.exit(f"The e2e live server did not listen on port {port} within "
                                f"{SERVER_START_SECONDS} s. Its log ({log}):\n{_tail(log)}",
                                returncode=3)
                time.sleep(0.1)  # polling a port, not waiting for the page
        yield LiveServer(url=f"http://127.0.0.1:{port}", env=env, database_url=database_url,
                         log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """pytest-playwright gives this to every browser context, so page.goto("/") works."""
    return live_server.url


# --- the database, from the tests --------------------------------------------------------------

class Database:
    """Run queries on the live server's database in an app context of the test process."""

    def __init__(self, app):
        self.app = app

    def run(self, work: Callable[[Any], Any]) -> Any:
        """Call work(session) in an app context; commit what it changed; return its result."""
        with self.app.app_context():
            try:
                result = work(sqlalchemy_db.session)
                sqlalchemy_db.session.commit()
                return result
            finally:
                sqlalchemy_db.session.remove()

    def last_id(self, model) -> int:
        return self.run(lambda s: s.scalar(select(func.max(model.id))) or 0)

    def rows_after(self, model, last_id: int) -> list[dict]:
        """Rows of `model` with id > last_id, as dicts of their columns."""
        columns = [column.key for column in model.__table__.columns]
        return self.run(lambda s: [
            {name: getattr(row, name) for name in columns}
            for row in s.scalars(select(model).where(model.id > last_id).order_by(model.id))])

    def resolve_open_help_requests(self) -> None:
        """Do what staff do on the console, so the next call creates a new request."""
        self.run(lambda s: s.execute(
            update(HelpRequest).where(HelpRequest.status != "resolved")
            .values(status="resolved", resolved_at=utcnow())))


    def free_every_balance(self) -> None:
        """Mark every open claim paid, as the agency would in time: each test may claim again.

        A participant has one open claim at a time (kiosk.claims); the demo set is shared by
        all the tests of a run.
        """
        self.run(lambda s: s.execute(
            update(Claim).where(Claim.state.in_(sorted(OPEN_CLAIM_STATES)))
            .values(state="paid")))


@pytest.fixture(autouse=True)
def _every_balance_free(db) -> None:
    db.free_every_balance()


@pytest.fixture(scope="session")
def db(live_server: LiveServer, tmp_path_factory) -> Iterator[Database]:
    """The live server's database, e.g. db.rows_after(HelpRequest, db.last_id(HelpRequest))."""
    config = config_from_env(live_server.env, instance_dir=tmp_path_factory.mktemp("db-helper"))
    app = create_app(config)
    yield Database(app)
    with app.app_context():
        sqlalchemy_db.engine.dispose()


# --- the browser -------------------------------------------------------------------------------

def fake_camera_args(video: Path) -> list[str]:
    """Chromium's fake camera, playing `video` (YUV4MPEG2 4:2:0, looped), allowed without asking."""
    return ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"]


def kiosk_camera_video(folder: Path) -> Path:
    """What the kiosk camera sees in most tests: a face (facing the screen, a slow head turn and
    back) and then a paper held up; the loop takes about 8 s (tests/facekit.py, paperkit.py)."""
    from tests import facekit, paperkit

    face = facekit.selfie_video("obama")
    paper = [cv2.resize(frame, facekit.SIZE, interpolation=cv2.INTER_AREA)
             for frame in paperkit.document_video(seconds=3.0)]
    return facekit.write_y4m(face + paper, folder / "kiosk-camera.y4m")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, tmp_path_factory) -> dict:
    """pytest-playwright's launch options (--headed, --slowmo) plus Debian Chromium, offline,
    with the fake camera of kiosk_camera_video."""
    video = kiosk_camera_video(tmp_path_factory.mktemp("camera"))
    return {"headless": True, **browser_type_launch_args, "executable_path": CHROMIUM,
            "args": CHROMIUM_ARGS + fake_camera_args(video)}


@pytest.fixture
def camera_page(playwright, base_url, page_problems, tmp_path) -> Iterator[Callable[..., Page]]:
    """camera_page(frames): a portrait page in a browser of its own whose camera plays `frames`
    (Chromium fixes the fake camera's video when it starts, so each video needs its browser)."""
    from tests import facekit

    browsers = []

    def _open(frames) -> Page:
        video = facekit.write_y4m(frames, tmp_path / f"camera-{len(browsers)}.y4m")
        browser = playwright.chromium.launch(headless=True, executable_path=CHROMIUM,
                                             args=CHROMIUM_ARGS + fake_camera_args(video))
        browsers.append(browser)
        context = browser.new_context(base_url=base_url, viewport=VIEWPORTS["portrait"],
                                      device_scale_factor=1, locale="id-ID",
                                      timezone_id="Asia/Jakarta")
        return _watch(context.new_page(), page_problems)

    yield _open
    for browser in browsers:
        browser.close()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """Every context: 1 CSS px = 1 device px, an Indonesian browser (the viewport: open_page)."""
    return {**browser_context_args, "device_scale_factor": 1, "locale": "id-ID",
            "timezone_id": "Asia/Jakarta"}


# Messages a page may log that are not problems: HTTP error statuses the kiosk answers on purpose
# (422 for a number that cannot be, 404 for the unknown page).
EXPECTED_CONSOLE = ("Failed to load resource: the server responded with a status of 4",)


@pytest.fixture
def page_problems(live_server: LiveServer) -> Iterator[list[str]]:
    """Console errors and uncaught exceptions of the test's pages (CSP refusals among them)."""
    problems: list[str] = []
    yield problems
    assert not problems, "The page logged errors:\n" + "\n".join(problems) + (
        f"\nThe live server's log ({live_server.log}) ends:\n{_tail(live_server.log)}"
        if any(problem.startswith("server error") for problem in problems) else "")


def _watch(page: Page, problems: list[str]) -> Page:
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    # Which request failed, so that the server log's traceback can be found.
    page.on("response", lambda response: problems.append(
        f"server error: {response.status} {response.request.method} {response.url}")
        if response.status >= 500 else None)
    page.on("console", lambda msg: problems.append(f"console.{msg.type}: {msg.text}")
            if msg.type == "error" and not msg.text.startswith(EXPECTED_CONSOLE) else None)
    return page


@pytest.fixture
def open_page(new_context, page_problems) -> Callable[..., Page]:
    """open_page(orientation="portrait", **context_args): a page in a fresh browser context."""

    def _open(orientation: str = "portrait", **context_args) -> Page:
        context: BrowserContext = new_context(viewport=VIEWPORTS[orientation], **context_args)
        return _watch(context.new_page(), page_problems)

    return _open


@pytest.fixture
def page(open_page) -> Page:
    """A portrait page in a fresh context (no visit yet), watched for console errors."""
    return open_page("portrait")


# The kiosk's clips played four times as fast. What the tests of the voice follow is which clips
# are said, in what order, after what (voice.js starts each when the last has ended); waiting out
# every playlist at the pace a person hears it took them minutes. The clips are the real ones.
FAST_SPEECH_JS = """(() => { const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function () {
    this.preservesPitch = false; this.playbackRate = 4; return play.call(this); }; })();"""


@pytest.fixture
def fast_speech(page: Page) -> Page:
    """`page`, whose clips play four times as fast (FAST_SPEECH_JS)."""
    page.add_init_script(FAST_SPEECH_JS)
    return page


@pytest.fixture(params=list(VIEWPORTS))
def orientation(request) -> str:
    """Portrait 1080 x 1920 (the kiosk's way up), then landscape 1920 x 1080."""
    return request.param


@pytest.fixture
def oriented_page(open_page, orientation) -> Page:
    return open_page(orientation)


@pytest.fixture
def axe_page(open_page, orientation) -> Page:
    """A page in `orientation` whose context ignores the app's CSP, so axe-core can be injected."""
    return open_page(orientation, bypass_csp=True)


# --- screenshots -------------------------------------------------------------------------------

def orientation_of(page: Page) -> str:
    size = page.viewport_size or VIEWPORTS["portrait"]
    return "portrait" if size["height"] >= size["width"] else "landscape"


def save_screenshot(page: Page, name: str) -> Path:
    """Save what the screen shows as test-artifacts/screenshots/<orientation>/<name>.png."""
    path = SCREENSHOTS / orientation_of(page) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    return path


@pytest.fixture
def snap() -> Callable[[Page, str], Path]:
    """snap(page, name): save the screen as test-artifacts/screenshots/<orientation>/<name>.png."""
    return save_screenshot


# --- axe-core ----------------------------------------------------------------------------------

def run_axe(page: Page) -> dict:
    """Inject axe-core if this document has none yet and run it on the whole document."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        if not AXE_SCRIPT.exists():
            pytest.fail(f"{AXE_SCRIPT} is missing: run scripts/vendor.sh (npm ci) first")
        page.add_script_tag(path=str(AXE_SCRIPT))
    return page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']} "
                     f"({violation['helpUrl']})")
        for node in violation["nodes"][:8]:
            target = " ".join(json.dumps(part) if not isinstance(part, str) else part
                              for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"      {target}  -- {summary[:300]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"      ... and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def axe_violations(page: Page, name: str) -> list[dict]:
    """Run axe, keep its full report in test-artifacts/axe/<orientation>/<name>.json, return the
    violations."""
    results = run_axe(page)
    report = AXE_REPORTS / orientation_of(page) / f"{name}.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps({key: results[key] for key in
                                  ("url", "violations", "incomplete", "testEngine")},
                                 indent=1, ensure_ascii=False))
    return results["violations"]


def assert_no_axe_violations(page: Page, name: str) -> None:
    violations = axe_violations(page, name)
    assert not violations, (f"axe found {len(violations)} violation(s) on {name} "
                            f"({orientation_of(page)}):\n{format_violations(violations)}")


@pytest.fixture
def axe() -> SimpleNamespace:
    """axe.violations(page, name) -> list; axe.format(violations) -> text; axe.check(page, name)
    asserts there are none. Use with `axe_page` (the app's CSP would refuse the injected script)."""
    return SimpleNamespace(violations=axe_violations, format=format_violations,
                           check=assert_no_axe_violations)
