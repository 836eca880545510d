"""Operator commands (`flask --app wsgi ...`, CONTRACT.md "Command line")."""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Flask, current_app, url_for
from flask.cli import AppGroup
from sqlalchemy import select

from hardware.errors import HardwareError
from kiosk import captures, clock, visits
from kiosk.devices import KioskError, add_kiosk, re_enrol
from kiosk.extensions import db
from kiosk.i18n import LANGUAGES
from kiosk.models import HelpRequest, Kiosk, StaffMember
from kiosk.participant.voice import PERSONAL_HOURS
from kiosk.roster.csv_import import (
    ImportFailed,
    ImportResult,
    RowError,
    import_participants,
    parse_contributions,
    parse_participants,
)
from kiosk.roster.demo import demo_people, write_demo
from kiosk.staff.auth import ROLES, StaffError, add_staff, disable, set_pin
from kiosk.voice import RATES, voice_for

DEFAULT_BASE_URL = "http://127.0.0.1:5000"

participants_cli = AppGroup("participants", help="Load participant data (CSV import, demo set).")
kiosk_cli = AppGroup("kiosk", help="Register kiosks, list them and reset a stuck one.")
identity_cli = AppGroup("identity", help="Confirm a participant's identity by hand.")
retention_cli = AppGroup("retention", help="Delete what is kept past its time.")
voice_cli = AppGroup("voice", help="The kiosk's spoken prompts.")
staff_cli = AppGroup("staff", help="Staff members of the console: add, PIN, list, disable.")


# --- participants -----------------------------------------------------------------------------


def _read_text(path: Path, source: str) -> tuple[str | None, list[RowError]]:
    """Read a CSV file as UTF-8 (a BOM is fine); report a file that is not text."""
    try:
        return path.read_bytes().decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        message = (f"the file is not UTF-8 text (byte {exc.start} cannot be read); "
                   "save it as 'CSV UTF-8'")
        return None, [RowError(1, "file", message, source)]
    except OSError as exc:
        return None, [RowError(1, "file", f"the file cannot be read ({exc.strerror})", source)]


def _fail(errors: list[RowError]) -> None:
    for error in errors:
        click.echo(str(error), err=True)
    click.echo("Nothing was imported.", err=True)
    raise SystemExit(1)


def _import_files(participants_path: Path, contributions_path: Path | None) -> ImportResult:
    """Parse, check and import the files; print every error and exit 1 if there is any."""
    today = clock.today()
    errors: list[RowError] = []
    text, read_errors = _read_text(participants_path, "")
    errors.extend(read_errors)
    rows = []
    if text is not None:
        rows, parse_errors = parse_participants(text, participants_path.resolve().parent, today)
        errors.extend(parse_errors)
    contributions = []
    source = contributions_path.name if contributions_path is not None else ""
    if contributions_path is not None:
        text, read_errors = _read_text(contributions_path, source)
        errors.extend(read_errors)
        if text is not None:
            contributions, parse_errors = parse_contributions(text, today, source=source)
            errors.extend(parse_errors)
    if errors:
        _fail(errors)
    try:
        return import_participants(db.session, rows, contributions, contributions_source=source)
    except ImportFailed as failure:
        _fail(failure.errors)
        raise  # unreachable: _fail exits


def _summary(result: ImportResult) -> str:
    return f"Imported {result.created} new and updated {result.updated} participants."


@participants_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--contributions", "contributions_file",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A CSV of kpj,year,amount; replaces the contributions of the "
                   "participants it names.")
def import_command(file: Path, contributions_file: Path | None) -> None:
    """Import participants from FILE (a CSV; see CONTRACT.md "Participants CSV").

    Every row is checked first. If any row is wrong, every error is printed with its line and
    column and nothing is imported. A KPJ already in the database is updated.
    """
    click.echo(_summary(_import_files(file, contributions_file)))


@participants_cli.command("demo")
@click.option("--folder", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the demo CSVs (default: <instance>/demo).")
def demo_command(folder: Path | None) -> None:
    """Write the demo participants for today (KIOSK_TODAY if set) and import them."""
    today = clock.today()
    folder = folder or Path(current_app.instance_path) / "demo"
    participants_path, contributions_path = write_demo(folder, today)
    result = _import_files(participants_path, contributions_path)
    click.echo(_summary(result))
    click.echo(f"Demo files: {participants_path} and {contributions_path} (dates as of {today}).")
    click.echo("Identify with the KPJ or the NIK, then the birth date:")
    header = ("key", "KPJ", "NIK", "birth date", "balance (Rp)")
    table = [header] + [
        (p.key, p.kpj, p.nik, p.birth_date.isoformat(), f"{p.balance:,}".replace(",", "."))
        for p in demo_people(today)
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        click.echo("  ".join(
            cell.rjust(width) if i == len(row) - 1 else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths))
        ).rstrip())


# --- kiosk ------------------------------------------------------------------------------------


@kiosk_cli.command("add")
@click.argument("kiosk_id", metavar="ID")
@click.option("--name", required=True, help="A name staff recognise, e.g. 'Lobby left'.")
@click.option("--printer", "printer_url", default=None,
              help="The kiosk's receipt printer URL (default: the PRINTER_URL setting).")
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True,
              help="The address kiosk browsers use to reach this server.")
def kiosk_add_command(kiosk_id: str, name: str, printer_url: str | None, base_url: str) -> None:
    """Register kiosk ID and print its one-time enrolment address."""
    try:
        kiosk, token = add_kiosk(kiosk_id, name, printer_url)
    except KioskError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    click.echo(f"Kiosk {kiosk.id} added with code {kiosk.code:02d}.")
    _echo_enrolment(token, base_url)


@kiosk_cli.command("enrol")
@click.argument("kiosk_id", metavar="ID")
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True,
              help="The address kiosk browsers use to reach this server.")
def kiosk_enrol_command(kiosk_id: str, base_url: str) -> None:
    """Print a new one-time enrolment address for kiosk ID; the browser enrolled before stops
    being that kiosk at once (a replaced PC, a lost or copied cookie)."""
    try:
        kiosk, token = re_enrol(kiosk_id)
    except KioskError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    click.echo(f"Kiosk {kiosk.id}: its earlier device cookie no longer works.")
    _echo_enrolment(token, base_url)


def _echo_enrolment(token: str, base_url: str) -> None:
    with current_app.test_request_context(base_url=base_url):
        url = url_for("enrol", token=token, _external=True)
    click.echo(f"Open this address once on the kiosk's browser: {url}")


@kiosk_cli.command("list")
def kiosk_list_command() -> None:
    """List the registered kiosks: ID, code, name, printer, current step, last heartbeat."""
    kiosks = db.session.scalars(select(Kiosk).order_by(Kiosk.code)).all()
    if not kiosks:
        click.echo("No kiosks yet. Add one with: flask --app wsgi kiosk add ID --name NAME")
        return
    header = ("id", "code", "name", "printer", "step", "last heartbeat")
    table = [header] + [
        (
            k.id,
            f"{k.code:02d}",
            k.name,
            k.printer_url or "(default)",
            k.current_step or "-",
            k.last_heartbeat.strftime("%Y-%m-%d %H:%M:%S UTC") if k.last_heartbeat else "never",
        )
        for k in kiosks
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


@kiosk_cli.command("reset")
@click.argument("kiosk_id", metavar="ID")
def kiosk_reset_command(kiosk_id: str) -> None:
    """End any visit on kiosk ID (everything of it wiped) and send it back to welcome."""
    try:
        ended = visits.reset_kiosk(kiosk_id)
    except visits.VisitError as exc:
        click.echo(f"{exc} See: flask --app wsgi kiosk list", err=True)
        raise SystemExit(1) from None
    click.echo(f"Kiosk {kiosk_id} reset to welcome; {ended} visit(s) ended.")


# --- identity and retention -------------------------------------------------------------------


@identity_cli.command("accept")
@click.argument("kiosk_id", metavar="KIOSK_ID")
@click.option("--request", "request_id", type=int, default=None,
              help="The help request to answer (default: the kiosk's one open identity check).")
def identity_accept_command(kiosk_id: str, request_id: int | None) -> None:
    """Accept the participant who asked for an identity check at KIOSK_ID, after their e-KTP.

    It answers one help request and reaches only the visit that raised it: a participant who has
    left (Start over, idle, reset) is not waiting any more, and nobody else is let through.
    """
    if db.session.get(Kiosk, kiosk_id) is None:
        click.echo(f"There is no kiosk {kiosk_id}. See: flask --app wsgi kiosk list", err=True)
        raise SystemExit(1)
    if request_id is None:
        waiting = [r for r in visits.kiosk_requests(kiosk_id)
                   if r.reason in visits.IDENTITY_REASONS]
        if not waiting:
            click.echo(f"Nobody at kiosk {kiosk_id} is waiting for an identity check.", err=True)
            raise SystemExit(1)
        request_id = waiting[-1].id
    else:
        request = db.session.get(HelpRequest, request_id)
        if request is None or request.kiosk_id != kiosk_id:
            click.echo(f"Kiosk {kiosk_id} has no help request {request_id}.", err=True)
            raise SystemExit(1)
    try:
        visits.accept_identity(request_id)
    except visits.VisitError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    click.echo(f"Identity accepted at kiosk {kiosk_id} (help request {request_id}); the screen "
               "goes on to the balance.")


@retention_cli.command("purge")
def retention_purge_command() -> None:
    """End abandoned visits, and delete what has outlived its time (selfies, audio, records)."""
    ended = visits.sweep()
    deleted = captures.purge()
    records = visits.purge_records()
    db.session.commit()
    spoken = current_app.extensions["voice"].personal.prune(PERSONAL_HOURS * 3600)
    click.echo(f"{ended} abandoned visit(s) ended; {deleted} kept image(s) deleted; {spoken} "
               f"spoken prompt(s) with personal facts deleted; {records} visit record(s) older "
               f"than {current_app.config['RETENTION_SESSION_DAYS']} days deleted.")


# --- voice -------------------------------------------------------------------------------------


@voice_cli.command("build")
def voice_build_command() -> None:
    """Synthesise every static prompt in every language at both speech rates; check each file."""
    voice = current_app.extensions["voice"]
    cache = voice.cache
    removed = cache.sweep_partials()
    texts = list(voice.static_prompts())
    todo = [(language, rate, text) for language, text in texts for rate in RATES.values()]
    missing = [item for item in todo
               if cache.get(item[0], voice_for(item[0]), item[1], item[2]) is None]
    click.echo(f"{len(todo)} prompts ({len(LANGUAGES)} languages, {len(RATES)} speeds), "
               f"{len(todo) - len(missing)} built already"
               + (f"; {removed} unfinished files removed" if removed else ""))
    failed: list[HardwareError] = []
    # Each file is made by a process of its own (hardware.speech), so one thread per core keeps
    # every core busy: the first build takes half the time on two cores.
    workers = os.cpu_count() or 1
    with click.progressbar(length=len(missing), label="Building the voice", show_pos=True,
                           show_eta=True) as bar:
        for _, error in _each_in_threads(
                lambda item: cache.ensure(item[0], voice_for(item[0]), item[1], item[2]),
                missing, workers):
            if error is not None:
                failed.append(error)
            bar.update(1)
    # A file may be whole yet wrong (said at another rate, cut short, silent): check each one
    # against its text and rate, built now or before, and build again what is off.
    rebuilt, still_off = 0, []
    with click.progressbar(length=len(texts), label="Checking every file", show_pos=True) as bar:
        for (language, text), result in zip(texts, _results_in_threads(
                lambda item: cache.repair(item[0], voice_for(item[0]), RATES.values(), item[1]),
                texts, workers)):
            bar.update(1)
            if isinstance(result, HardwareError):
                failed.append(result)
                continue
            count, left = result
            rebuilt += count
            still_off += [f"{language} at {rate} ({text[:40]!r}): {why}"
                          for rate, why in left.items()]
    click.echo(f"{rebuilt} file(s) did not fit their text and rate and were rebuilt" if rebuilt
               else "Every file fits its text and rate")
    click.echo(f"Voice cache: {cache.count()} files, {cache.size_bytes() / 1e6:.1f} MB in "
               f"{cache.root}")
    if failed:
        raise click.ClickException(
            f"{len(failed)} prompts could not be synthesised ({failed[0]}); is espeak-ng "
            "installed? The kiosk shows those screens without sound until they are built.")
    if still_off:
        raise click.ClickException(
            f"{len(still_off)} file(s) are still off after being rebuilt, so the synthesizer "
            f"does not say what it is asked: {'; '.join(still_off[:3])}")


def _each_in_threads(work, items: list, workers: int):
    """Run `work` on each item in `workers` threads; yield (item, HardwareError or None) as each
    ends. Any other error is raised."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(work, item): item for item in items}
        for future in as_completed(futures):
            try:
                future.result()
            except HardwareError as exc:
                yield futures[future], exc
            else:
                yield futures[future], None


def _results_in_threads(work, items: list, workers: int):
    """Run `work` on each item in `workers` threads; yield each result (or its HardwareError)
    in the items' order."""
    from concurrent.futures import ThreadPoolExecutor

    def guarded(item):
        try:
            return work(item)
        except HardwareError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(guarded, items)


# --- staff ------------------------------------------------------------------------------------


def _staff_fail(exc: Exception) -> None:
    click.echo(str(exc), err=True)
    raise SystemExit(1)


@staff_cli.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", "display_name", default=None,
              help='The name the kiosk shows and says, e.g. "Bu Sari".')
def staff_add_command(username: str, role: str, display_name: str | None) -> None:
    """Add a staff member; the password comes from STAFF_PASSWORD or is asked for."""
    password = os.environ.get("STAFF_PASSWORD") or click.prompt(
        "Password (at least 10 characters)", hide_input=True, confirmation_prompt=True)
    try:
        row = add_staff(username, password, role, display_name)
    except StaffError as exc:
        _staff_fail(exc)
    click.echo(f"Staff member {row.username} ({row.role}, shown as {row.display_name!r}) added.")


@staff_cli.command("pin")
@click.argument("username")
def staff_pin_command(username: str) -> None:
    """Set USERNAME's own PIN for the kiosk's staff menu (6 to 8 digits; asked for)."""
    pin = os.environ.get("STAFF_PIN") or click.prompt("PIN (6 to 8 digits)", hide_input=True,
                                                      confirmation_prompt=True)
    try:
        set_pin(username, pin)
    except StaffError as exc:
        _staff_fail(exc)
    click.echo(f"PIN set for {username}.")


@staff_cli.command("list")
def staff_list_command() -> None:
    """List the staff members: username, role, name, PIN set, disabled."""
    rows = db.session.scalars(select(StaffMember).order_by(StaffMember.username)).all()
    if not rows:
        click.echo("No staff members yet. Add one with: flask --app wsgi staff add USERNAME "
                   "--role staff")
        return
    for row in rows:
        click.echo(f"{row.username:<20} {row.role:<10} {row.display_name:<24} "
                   f"{'PIN' if row.pin_hash else 'no PIN':<6} "
                   f"{'disabled' if row.disabled else 'active'}")


@staff_cli.command("disable")
@click.argument("username")
def staff_disable_command(username: str) -> None:
    """Disable USERNAME: their sessions end at once and they cannot sign in."""
    try:
        disable(username)
    except StaffError as exc:
        _staff_fail(exc)
    click.echo(f"Staff member {username} disabled; their sessions have ended.")


def register_commands(app: Flask) -> None:
    """Add the operator command groups to app.cli."""
    app.cli.add_command(staff_cli)
    app.cli.add_command(identity_cli)
    app.cli.add_command(retention_cli)
    app.cli.add_command(participants_cli)
    app.cli.add_command(kiosk_cli)
    app.cli.add_command(voice_cli)
    app.cli.add_command(receipt_cli)
    app.cli.add_command(devices_cli)
    app.cli.add_command(core_cli)


# --- receipts ----------------------------------------------------------------------------------

receipt_cli = AppGroup("receipt", help="Print a claim's receipt again; list receipts not printed.")


@receipt_cli.command("reprint")
@click.argument("claim_number", nargs=-1, required=True)
@click.option("--kiosk", "kiosk_id", default=None,
              help="Print on this kiosk's printer (default: the kiosk where the claim was made).")
def receipt_reprint_command(claim_number: tuple[str, ...], kiosk_id: str | None) -> None:
    """Print the receipt of CLAIM_NUMBER again (spaces between its groups are fine)."""
    from kiosk import receipts

    number = "".join(claim_number)
    try:
        job = receipts.reprint(number, kiosk_id)
    except receipts.ReceiptError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    claim = db.session.get(receipts.Claim, job.claim_id)
    if job.state != receipts.PRINTED:
        click.echo(f"The receipt of claim {claim.number} was not printed on kiosk {job.kiosk_id}'s "
                   f"printer: {receipts.FAULT_TEXT.get(job.fault, job.fault)}. Fix the printer and "
                   "run this again.", err=True)
        raise SystemExit(1)
    click.echo(f"Receipt of claim {claim.number} printed on kiosk {job.kiosk_id}'s printer.")


@receipt_cli.command("unprinted")
def receipt_unprinted_command() -> None:
    """List the claims whose receipt did not print (staff owe these participants a receipt)."""
    from kiosk import receipts

    owed = receipts.unprinted()
    if not owed:
        click.echo("Every receipt has printed.")
        return
    for claim, job in owed:
        click.echo(f"{claim.number}  kiosk {job.kiosk_id}  "
                   f"{receipts.FAULT_TEXT.get(job.fault, job.fault)}  "
                   f"{job.created_at:%Y-%m-%d %H:%M} UTC")


# --- devices -----------------------------------------------------------------------------------

devices_cli = AppGroup("devices", help="Check a kiosk's printer, camera and voice for real.")


@devices_cli.command("check")
@click.argument("kiosk_id", metavar="[KIOSK_ID]", required=False)
def devices_check_command(kiosk_id: str | None) -> None:
    """Print a test page, report the camera the kiosk browser last saw, synthesise speech.

    Each line is PASS or FAIL from trying the device now (the camera: from the kiosk browser's
    last heartbeat). Exits 1 if anything failed.
    """
    from kiosk import device_check

    kiosk_id = kiosk_id or current_app.config["KIOSK_ID"]
    kiosk = db.session.get(Kiosk, kiosk_id)
    if kiosk is None:
        click.echo(f"There is no kiosk {kiosk_id}. See: flask --app wsgi kiosk list", err=True)
        raise SystemExit(1)
    results = device_check.check(kiosk)
    for result in results:
        click.echo(f"{'PASS' if result.passed else 'FAIL'}  {result.device:<8} {result.detail}")
    if not all(result.passed for result in results):
        raise SystemExit(1)


# --- core (the agency's core system: the outbox sender and the simulator) ----------------------

core_cli = AppGroup("core", help="The link to the agency's core system: deliver, simulate.")


def _pass_line(result) -> str:
    return (f"sent {result.sent}, failed {result.failed}, waiting {result.waiting}, "
            f"checked {result.checked}")


@core_cli.command("sync")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@click.option("--interval", type=float, default=None,
              help="Seconds between passes (default OUTBOX_INTERVAL_SECONDS).")
def core_sync_command(once: bool, interval: float | None) -> None:
    """Deliver the outbox to the core system (run as its own process in a branch)."""
    import signal
    import threading

    from kiosk.core import outbox

    with outbox.single_sender() as alone:
        if not alone:
            raise click.ClickException("Another sender is delivering this SQLite database's "
                                       "outbox already; one box runs one sender.")
        if once:
            result = outbox.run_pass()
            summary = outbox.pending_summary()
            click.echo(f"{_pass_line(result)}; {summary['pending']} still to send "
                       f"({summary['failing_count']} failing).")
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        click.echo("Delivering the outbox (Ctrl+C stops).")
        outbox.run_forever(stop, interval)


@core_cli.command("status")
def core_status_command() -> None:
    """Show how many messages wait for the core and which keep failing."""
    from kiosk.core import outbox

    summary = outbox.pending_summary(limit=50)
    click.echo(f"{summary['pending']} message(s) to send, {summary['failing_count']} failing.")
    for row in summary["failing"]:
        click.echo(f"  #{row['id']} {row['kind']} {row['number'] or ''} tries {row['attempts']}: "
                   f"{row['last_error']}")


@core_cli.command("simulator")
@click.option("--port", type=int, default=5001, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--faults", default="none", show_default=True,
              help="none | down | slow | error | lost-reply | random:P")
@click.option("--slow-seconds", type=float, default=6.0, show_default=True,
              help="How long a 'slow' answer takes.")
@click.option("--seed", type=int, default=None, help="Seed for random:P (repeatable runs).")
def core_simulator_command(port: int, host: str, faults: str, slow_seconds: float,
                           seed: int | None) -> None:
    """Serve a simulated core system (docs/core-api.yaml) on this app's database."""
    from kiosk.core.simulator import Faults, create_simulator

    try:
        mode = Faults.parse(faults, slow_seconds, seed)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--faults") from None
    simulator = create_simulator(current_app.config["SQLALCHEMY_DATABASE_URI"], mode,
                                 photo_dir=Path(current_app.instance_path) / "core-photos")
    click.echo(f"Core simulator on http://{host}:{port} (faults: {faults})")
    simulator.run(host=host, port=port, threaded=True, use_reloader=False)
