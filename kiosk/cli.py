"""Operator commands (`flask --app wsgi ...`, CONTRACT.md "Command line")."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app, url_for
from flask.cli import AppGroup
from sqlalchemy import select

from hardware.errors import HardwareError
from kiosk import captures, clock, sessions
from kiosk.devices import KioskError, add_kiosk, re_enrol
from kiosk.extensions import db
from kiosk.i18n import LANGUAGES
from kiosk.models import HelpRequest, Kiosk, KioskSession, utcnow
from kiosk.participant.claim import identity_confirmed
from kiosk.participant.voice import PERSONAL_HOURS
from kiosk.participant.selfie import accept_by_staff
from kiosk.roster.csv_import import (
    ImportFailed,
    ImportResult,
    RowError,
    import_participants,
    parse_contributions,
    parse_participants,
)
from kiosk.roster.demo import demo_people, write_demo
from kiosk.voice import RATES, voice_for

DEFAULT_BASE_URL = "http://127.0.0.1:5000"

participants_cli = AppGroup("participants", help="Load participant data (CSV import, demo set).")
kiosk_cli = AppGroup("kiosk", help="Register kiosks, list them and reset a stuck one.")
identity_cli = AppGroup("identity", help="Confirm a participant's identity by hand.")
retention_cli = AppGroup("retention", help="Delete what is kept past its time.")
voice_cli = AppGroup("voice", help="The kiosk's spoken prompts.")


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
    with current_app.test_request_context(base_url=base_url):
        url = url_for("enrol", token=token, _external=True)
    click.echo(f"Kiosk {kiosk.id} added with code {kiosk.code:02d}.")
    click.echo(f"Open this address once on the kiosk's browser: {url}")


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
    with current_app.test_request_context(base_url=base_url):
        url = url_for("enrol", token=token, _external=True)
    click.echo(f"Kiosk {kiosk.id}: its earlier device cookie no longer works.")
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
    """End any visit on kiosk ID (its sessions are deleted) and send it back to welcome."""
    kiosk = db.session.get(Kiosk, kiosk_id)
    if kiosk is None:
        click.echo(f"There is no kiosk {kiosk_id}. See: flask --app wsgi kiosk list", err=True)
        raise SystemExit(1)
    deleted = sessions.end_kiosk_visits(kiosk.id)
    kiosk.current_step = "welcome"
    db.session.commit()
    click.echo(f"Kiosk {kiosk.id} reset to welcome; {deleted} session(s) ended.")


# --- identity and retention -------------------------------------------------------------------


@identity_cli.command("accept")
@click.argument("kiosk_id", metavar="KIOSK_ID")
def identity_accept_command(kiosk_id: str) -> None:
    """Accept the participant at kiosk KIOSK_ID after checking their e-KTP by hand."""
    kiosk = db.session.get(Kiosk, kiosk_id)
    if kiosk is None:
        click.echo(f"There is no kiosk {kiosk_id}. See: flask --app wsgi kiosk list", err=True)
        raise SystemExit(1)
    row = db.session.scalar(select(KioskSession).where(
        KioskSession.kiosk_id == kiosk.id, KioskSession.participant_id.is_not(None)))
    if row is None or identity_confirmed(row):
        click.echo(f"Nobody at kiosk {kiosk.id} is waiting for an identity check.", err=True)
        raise SystemExit(1)
    accept_by_staff(row)
    for call in db.session.scalars(select(HelpRequest).where(
            HelpRequest.kiosk_id == kiosk.id, HelpRequest.status != "resolved",
            HelpRequest.reason.in_(("identity_check", "camera")))):
        call.status, call.resolved_at = "resolved", utcnow()
    db.session.commit()
    click.echo(f"Identity accepted at kiosk {kiosk.id}; the screen goes on to the balance.")


@retention_cli.command("purge")
def retention_purge_command() -> None:
    """Delete kept selfies whose RETENTION_SELFIE_HOURS have passed, and old personal audio."""
    deleted = captures.purge()
    db.session.commit()
    spoken = current_app.extensions["voice"].personal.prune(PERSONAL_HOURS * 3600)
    click.echo(f"{deleted} kept image(s) deleted; {spoken} spoken prompt(s) with personal facts "
               "deleted.")


# --- voice -------------------------------------------------------------------------------------


@voice_cli.command("build")
def voice_build_command() -> None:
    """Synthesise every static prompt in every language at both speech rates."""
    voice = current_app.extensions["voice"]
    cache = voice.cache
    removed = cache.sweep_partials()
    todo = [(language, rate, text) for language, text in voice.static_prompts()
            for rate in RATES.values()]
    missing = [item for item in todo
               if cache.get(item[0], voice_for(item[0]), item[1], item[2]) is None]
    click.echo(f"{len(todo)} prompts ({len(LANGUAGES)} languages, {len(RATES)} speeds), "
               f"{len(todo) - len(missing)} built already"
               + (f"; {removed} unfinished files removed" if removed else ""))
    failed: list[HardwareError] = []
    with click.progressbar(missing, label="Building the voice", show_pos=True,
                           show_eta=True) as bar:
        for language, rate, text in bar:
            try:
                cache.ensure(language, voice_for(language), rate, text)
            except HardwareError as exc:
                failed.append(exc)
    click.echo(f"Voice cache: {cache.count()} files, {cache.size_bytes() / 1e6:.1f} MB in "
               f"{cache.root}")
    if failed:
        raise click.ClickException(
            f"{len(failed)} prompts could not be synthesised ({failed[0]}); is espeak-ng "
            "installed? The kiosk shows those screens without sound until they are built.")


def register_commands(app: Flask) -> None:
    """Add the operator command groups to app.cli."""
    app.cli.add_command(identity_cli)
    app.cli.add_command(retention_cli)
    app.cli.add_command(participants_cli)
    app.cli.add_command(kiosk_cli)
    app.cli.add_command(voice_cli)
