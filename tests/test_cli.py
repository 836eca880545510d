"""The operator commands: participants import/demo, kiosk add/list/reset."""
from __future__ import annotations

import re
import wave
from pathlib import Path

from sqlalchemy import func, select

import pytest
from sqlalchemy.exc import IntegrityError

from hardware.speech import RecordingSynthesizer, read_wav_info
from kiosk import create_app
from kiosk.config import config_for_tests
from kiosk.extensions import db
from kiosk.models import Contribution, Kiosk, KioskSession, Participant
from kiosk.roster import csv_import
from kiosk.roster.csv_import import (
    PARTICIPANT_COLUMNS,
    ContributionRow,
    ImportFailed,
    import_participants,
    parse_participants,
)
from kiosk.roster.demo import demo_people
from kiosk.voice import RATES, voice_for
from tests.conftest import empty_tables

TODAY_IN_TESTS = "2026-11-23"  # config_for_tests's KIOSK_TODAY

BUDI = {
    "kpj": "12345678901",
    "nik": "3374052309701201",
    "full_name": "Budi Santoso",
    "birth_date": "1970-09-23",
    "gender": "M",
    "phone": "+6281225560001",
    "membership_start": "2006-08-23",
    "employment_status": "retired",
    "employment_end": "2026-09-23",
    "balance": "12345678",
    "partial_taken": "",
    "bank_name": "BRI",
    "bank_account": "012301000561508",
    "bank_holder": "",
    "photo": "",
}
SITI = {
    **BUDI,
    "kpj": "12345678902",
    "nik": "3273125906882117",
    "full_name": "Siti Rahmawati",
    "birth_date": "1988-06-19",
    "gender": "F",
    "phone": "081338380002",
    "membership_start": "2017-05-23",
    "employment_status": "active",
    "employment_end": "",
    "balance": "8450000",
    "bank_name": "BNI",
    "bank_account": "0381129402",
}


def csv_text(*people: dict) -> str:
    lines = [",".join(PARTICIPANT_COLUMNS)]
    lines += [",".join(person[c] for c in PARTICIPANT_COLUMNS) for person in people]
    return "\n".join(lines) + "\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(app) -> list[tuple]:
    """Everything an import may change, as plain values."""
    with app.app_context():
        participants = [
            (p.kpj, p.nik, p.full_name, p.balance, p.phone, p.employment_status, p.bank_holder)
            for p in db.session.scalars(select(Participant).order_by(Participant.kpj))
        ]
        contributions = db.session.execute(
            select(Participant.kpj, Contribution.year, Contribution.amount)
            .join(Contribution.participant).order_by(Participant.kpj, Contribution.year)
        ).all()
        return participants + [tuple(c) for c in contributions]


# --- participants import ----------------------------------------------------------------------


def test_GIVEN_a_good_file_WHEN_imported_THEN_the_participants_are_in_the_database(app, runner, tmp_path):
    path = write(tmp_path, "roster.csv", csv_text(BUDI, SITI))
    contributions = write(tmp_path, "contrib.csv",
                          "kpj,year,amount\n12345678901,2024,2280000\n12345678901,2025,2376000\n")

    result = runner.invoke(args=["participants", "import", str(path),
                                 "--contributions", str(contributions)])

    assert result.exit_code == 0, result.output
    assert "Imported 2 new and updated 0 participants." in result.stdout
    with app.app_context():
        budi = db.session.scalar(select(Participant).where(Participant.kpj == "12345678901"))
        assert budi.nik == "3374052309701201"
        assert budi.phone == "081225560001"
        assert budi.balance == 12_345_678
        assert budi.bank_holder == "Budi Santoso"
        assert budi.employment_status == "retired"
        assert budi.photo_path is None
        assert [(c.year, c.amount) for c in budi.contributions] == [(2024, 2_280_000),
                                                                   (2025, 2_376_000)]
        siti = db.session.scalar(select(Participant).where(Participant.kpj == "12345678902"))
        assert siti.employment_end is None and siti.contributions == []


def test_a_photo_is_stored_as_an_absolute_path_next_to_the_csv(app, runner, tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "budi.jpg").write_bytes(b"\xff\xd8\xff")
    path = write(tmp_path, "roster.csv", csv_text({**BUDI, "photo": "photos/budi.jpg"}))

    result = runner.invoke(args=["participants", "import", str(path)])

    assert result.exit_code == 0, result.output
    with app.app_context():
        stored = db.session.scalar(select(Participant.photo_path))
    assert stored == str((tmp_path / "photos" / "budi.jpg").resolve())


def test_GIVEN_bad_rows_WHEN_imported_THEN_every_error_is_printed_and_nothing_changes(app, runner, tmp_path):
    path = write(tmp_path, "roster.csv", csv_text(
        BUDI,
        {**SITI, "nik": "123", "gender": "W"},
        {**SITI, "kpj": "12345678903", "nik": "3273125906882118", "balance": "8.450.000"},
    ))

    result = runner.invoke(args=["participants", "import", str(path)])

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "line 3, column nik: NIK must be 16 digits, got '123'",
        "line 3, column gender: gender must be M or F, got 'W'",
        "line 4, column balance: balance must be a whole number of rupiah, digits only "
        "(no dots, commas or 'Rp'), got '8.450.000'",
        "Nothing was imported.",
    ]
    assert "Imported" not in result.output
    assert snapshot(app) == []


def test_GIVEN_a_previous_import_WHEN_a_bad_file_is_imported_THEN_nothing_changes(app, runner, tmp_path):
    good = write(tmp_path, "good.csv", csv_text(BUDI, SITI))
    contributions = write(tmp_path, "c.csv", "kpj,year,amount\n12345678901,2024,100\n")
    assert runner.invoke(args=["participants", "import", str(good), "--contributions",
                               str(contributions)]).exit_code == 0
    before = snapshot(app)
    # Budi's new balance is fine, Siti's row is not: Budi must not change either.
    bad = write(tmp_path, "bad.csv", csv_text({**BUDI, "balance": "1"}, {**SITI, "bank_name": "XYZ"}))
    new_contributions = write(tmp_path, "c2.csv", "kpj,year,amount\n12345678901,2024,999\n")

    result = runner.invoke(args=["participants", "import", str(bad), "--contributions",
                                 str(new_contributions)])

    assert result.exit_code == 1
    assert "line 3, column bank_name: bank_name must be one of" in result.stderr
    assert "Nothing was imported." in result.stderr
    assert snapshot(app) == before
    assert ("12345678901", 2024, 100) in before  # the old contribution is still there


def test_GIVEN_a_contribution_for_an_unknown_kpj_WHEN_imported_THEN_nothing_is_written(app, runner, tmp_path):
    path = write(tmp_path, "roster.csv", csv_text(BUDI))
    contributions = write(tmp_path, "contrib.csv",
                          "kpj,year,amount\n12345678901,2024,100\n99999999999,2024,100\n")

    result = runner.invoke(args=["participants", "import", str(path),
                                 "--contributions", str(contributions)])

    assert result.exit_code == 1
    assert ("contrib.csv: line 3, column kpj: kpj 99999999999 is neither in the participants "
            "file nor already imported") in result.stderr
    assert snapshot(app) == []


def test_bad_contribution_rows_are_reported_with_their_file(app, runner, tmp_path):
    path = write(tmp_path, "roster.csv", csv_text(BUDI))
    contributions = write(tmp_path, "contrib.csv", "kpj,year,amount\n12345678901,1900,100\n")

    result = runner.invoke(args=["participants", "import", str(path),
                                 "--contributions", str(contributions)])

    assert result.exit_code == 1
    assert "contrib.csv: line 2, column year:" in result.stderr
    assert snapshot(app) == []


def test_a_nik_that_belongs_to_another_kpj_in_the_database_is_refused(app, runner, tmp_path):
    assert runner.invoke(args=["participants", "import",
                               str(write(tmp_path, "a.csv", csv_text(BUDI)))]).exit_code == 0
    before = snapshot(app)
    thief = {**SITI, "nik": BUDI["nik"], "gender": "M"}

    result = runner.invoke(args=["participants", "import",
                                 str(write(tmp_path, "b.csv", csv_text(thief)))])

    assert result.exit_code == 1
    assert (f"line 2, column nik: NIK {BUDI['nik']} already belongs to the participant with "
            f"KPJ {BUDI['kpj']}") in result.stderr
    assert snapshot(app) == before


def test_two_participants_may_swap_niks_in_one_import(app, runner, tmp_path):
    assert runner.invoke(args=["participants", "import",
                               str(write(tmp_path, "a.csv", csv_text(BUDI, SITI)))]).exit_code == 0
    swapped = csv_text({**BUDI, "nik": SITI["nik"]}, {**SITI, "nik": BUDI["nik"]})

    result = runner.invoke(args=["participants", "import", str(write(tmp_path, "b.csv", swapped))])

    assert result.exit_code == 0, result.output
    with app.app_context():
        niks = dict(db.session.execute(select(Participant.kpj, Participant.nik)).all())
    assert niks == {BUDI["kpj"]: SITI["nik"], SITI["kpj"]: BUDI["nik"]}


def test_GIVEN_an_imported_participant_WHEN_reimported_THEN_the_participant_is_updated(app, runner, tmp_path):
    contributions = write(tmp_path, "c.csv", "kpj,year,amount\n12345678901,2023,100\n12345678901,2024,200\n")
    first = runner.invoke(args=["participants", "import",
                                str(write(tmp_path, "a.csv", csv_text(BUDI, SITI))),
                                "--contributions", str(contributions)])
    assert first.exit_code == 0, first.output
    new_contributions = write(tmp_path, "c2.csv", "kpj,year,amount\n12345678901,2024,250\n12345678901,2025,300\n")

    result = runner.invoke(args=["participants", "import",
                                 str(write(tmp_path, "b.csv", csv_text({**BUDI, "balance": "13000000",
                                                                        "phone": "081299998888"}))),
                                 "--contributions", str(new_contributions)])

    assert result.exit_code == 0, result.output
    assert "Imported 0 new and updated 1 participants." in result.stdout
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Participant)) == 2
        budi = db.session.scalar(select(Participant).where(Participant.kpj == BUDI["kpj"]))
        assert budi.balance == 13_000_000
        assert budi.phone == "081299998888"
        assert [(c.year, c.amount) for c in budi.contributions] == [(2024, 250), (2025, 300)]
        siti = db.session.scalar(select(Participant).where(Participant.kpj == SITI["kpj"]))
        assert siti.balance == 8_450_000  # not in the second file: untouched


def test_reimporting_without_contributions_keeps_the_old_ones(app, runner, tmp_path):
    contributions = write(tmp_path, "c.csv", "kpj,year,amount\n12345678901,2023,100\n")
    roster = write(tmp_path, "a.csv", csv_text(BUDI))
    assert runner.invoke(args=["participants", "import", str(roster), "--contributions",
                               str(contributions)]).exit_code == 0

    assert runner.invoke(args=["participants", "import", str(roster)]).exit_code == 0

    with app.app_context():
        assert db.session.execute(select(Contribution.year, Contribution.amount)).all() == [(2023, 100)]


def test_a_file_that_is_not_utf8_is_refused(app, runner, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(csv_text({**BUDI, "full_name": "Budi Sant\u00f6so"}).encode("latin-1"))

    result = runner.invoke(args=["participants", "import", str(path)])

    assert result.exit_code == 1
    assert "not UTF-8" in result.stderr
    assert snapshot(app) == []


def test_GIVEN_a_database_failure_mid_import_THEN_everything_written_so_far_is_rolled_back(
    app, runner, tmp_path, monkeypatch
):
    assert runner.invoke(args=["participants", "import",
                               str(write(tmp_path, "a.csv", csv_text(BUDI)))]).exit_code == 0
    before = snapshot(app)
    rows, errors = parse_participants(csv_text({**BUDI, "balance": "1"}, SITI), tmp_path,
                                      app.config["KIOSK_TODAY"])
    assert errors == []
    real_write = csv_import._write

    def write_then_fail(session, rows, contributions):
        real_write(session, rows, contributions)  # flushed: the rows are in the transaction
        raise IntegrityError("INSERT", {}, Exception("disk full"))

    monkeypatch.setattr(csv_import, "_write", write_then_fail)
    with app.app_context():
        with pytest.raises(ImportFailed) as failure:
            import_participants(db.session, rows, [ContributionRow(SITI["kpj"], 2024, 5, 2)])
        # Still in the same session: the flushed rows are gone, not just uncommitted.
        assert db.session.scalars(select(Participant.kpj)).all() == [BUDI["kpj"]]
        assert db.session.scalar(select(Participant.balance)) == 12_345_678
    assert failure.value.errors[0].column == "database"
    assert snapshot(app) == before


# --- participants demo ------------------------------------------------------------------------


def test_GIVEN_an_empty_database_WHEN_demo_runs_THEN_every_demo_person_is_imported(app, runner, tmp_path):
    app.instance_path = str(tmp_path / "instance")

    result = runner.invoke(args=["participants", "demo"])

    assert result.exit_code == 0, result.output
    people = demo_people(app.config["KIOSK_TODAY"])
    assert str(app.config["KIOSK_TODAY"]) == TODAY_IN_TESTS
    assert f"Imported {len(people)} new and updated 0 participants." in result.stdout
    assert (tmp_path / "instance" / "demo" / "participants.csv").is_file()
    assert (tmp_path / "instance" / "demo" / "contributions.csv").is_file()
    with app.app_context():
        stored = {p.kpj: p for p in db.session.scalars(select(Participant))}
        assert set(stored) == {p.kpj for p in people}
        for person in people:
            row = stored[person.kpj]
            assert (row.nik, row.birth_date, row.full_name, row.balance) == (
                person.nik, person.birth_date, person.full_name, person.balance)
            assert [(c.year, c.amount) for c in row.contributions] == list(person.contributions)
    # The table tells a newcomer what to type.
    for person in people:
        line = next(line for line in result.stdout.splitlines() if line.startswith(person.key + " "))
        assert person.kpj in line and person.nik in line and person.birth_date.isoformat() in line


def test_running_demo_twice_updates_instead_of_duplicating(app, runner, tmp_path):
    folder = tmp_path / "demo"
    assert runner.invoke(args=["participants", "demo", "--folder", str(folder)]).exit_code == 0

    result = runner.invoke(args=["participants", "demo", "--folder", str(folder)])

    assert result.exit_code == 0, result.output
    people = demo_people(app.config["KIOSK_TODAY"])
    assert f"Imported 0 new and updated {len(people)} participants." in result.stdout
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Participant)) == len(people)


# --- kiosk add / list / reset -----------------------------------------------------------------


def test_GIVEN_a_new_id_WHEN_kiosk_add_THEN_an_enrolment_url_is_printed_and_the_kiosk_listed(app, runner):
    result = runner.invoke(args=["kiosk", "add", "K07", "--name", "Lobby left",
                                 "--printer", "tcp://10.0.0.7:9100",
                                 "--base-url", "https://kiosk.branch.example"])

    assert result.exit_code == 0, result.output
    assert re.search(r"^Kiosk K07 added with code \d\d\.$", result.stdout, re.M)
    match = re.search(r"Open this address once on the kiosk's browser: (\S+)", result.stdout)
    assert match, result.stdout
    url = match.group(1)
    assert url.startswith("https://kiosk.branch.example/enrol/")
    token = url.rsplit("/enrol/", 1)[1]
    assert len(token) >= 20

    listing = runner.invoke(args=["kiosk", "list"])
    assert listing.exit_code == 0
    line = next(line for line in listing.stdout.splitlines() if line.startswith("K07"))
    assert "Lobby left" in line and "tcp://10.0.0.7:9100" in line and "never" in line


def test_the_printed_enrolment_url_enrols_a_browser(app, runner):
    result = runner.invoke(args=["kiosk", "add", "K08", "--name", "Lobby right"])
    url = re.search(r"(http://127\.0\.0\.1:5000/enrol/\S+)", result.stdout).group(1)

    response = app.test_client().get(url.removeprefix("http://127.0.0.1:5000"))

    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Kiosk, "K08").enrolled_at is not None


def test_adding_a_kiosk_twice_fails(app, runner):
    assert runner.invoke(args=["kiosk", "add", "K07", "--name", "Lobby"]).exit_code == 0

    result = runner.invoke(args=["kiosk", "add", "K07", "--name", "Lobby again"])

    assert result.exit_code == 1
    assert "K07" in result.stderr and "exists" in result.stderr
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Kiosk)) == 1
        assert db.session.get(Kiosk, "K07").name == "Lobby"


def test_kiosks_get_different_codes(app, runner):
    runner.invoke(args=["kiosk", "add", "K01", "--name", "One"])
    runner.invoke(args=["kiosk", "add", "K02", "--name", "Two"])

    listing = runner.invoke(args=["kiosk", "list"]).stdout.splitlines()

    codes = {line.split()[0]: line.split()[1] for line in listing if line.startswith("K0")}
    assert codes == {"K01": "01", "K02": "02"}


def test_kiosk_list_with_no_kiosks_says_how_to_add_one(app, runner):
    result = runner.invoke(args=["kiosk", "list"])
    assert result.exit_code == 0
    assert "kiosk add" in result.stdout


def test_GIVEN_sessions_on_a_kiosk_WHEN_reset_THEN_they_are_deleted_and_it_shows_welcome(app, runner):
    runner.invoke(args=["kiosk", "add", "K01", "--name", "One"])
    runner.invoke(args=["kiosk", "add", "K02", "--name", "Two"])
    with app.app_context():
        db.session.add_all([
            KioskSession(id="s1", kiosk_id="K01", event_token="e1", step="bank", data={}),
            KioskSession(id="s2", kiosk_id="K01", event_token="e2", step="review", data={}),
            KioskSession(id="s3", kiosk_id="K02", event_token="e3", step="selfie", data={}),
        ])
        db.session.get(Kiosk, "K01").current_step = "bank"
        db.session.commit()

    result = runner.invoke(args=["kiosk", "reset", "K01"])

    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalars(select(KioskSession.id).order_by(KioskSession.id)).all() == ["s3"]
        assert db.session.get(Kiosk, "K01").current_step == "welcome"
    line = next(line for line in runner.invoke(args=["kiosk", "list"]).stdout.splitlines()
                if line.startswith("K01"))
    assert "welcome" in line


def test_resetting_an_unknown_kiosk_fails(app, runner):
    result = runner.invoke(args=["kiosk", "reset", "K99"])
    assert result.exit_code == 1
    assert "K99" in result.stderr


# --- voice build ---------------------------------------------------------------------------------


@pytest.fixture
def tone_app(database_url, tmp_path):
    """The app with the tone synthesizer, so audio is made in milliseconds."""
    application = create_app(config_for_tests(tmp_path, database_url, SPEECH="tone"))
    yield application
    empty_tables(application)


class IgnoresRate(RecordingSynthesizer):
    """Says `text` at 200 words a minute, whatever rate it is asked: the lost-rate fault."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def synthesize(self, text, voice, rate, path):
        super().synthesize(text, voice, 200 if text == self.text else rate, path)


def test_voice_build_checks_every_file_and_rebuilds_those_that_do_not_fit(tone_app):
    runner = tone_app.test_cli_runner()
    first = runner.invoke(args=["voice", "build"])
    assert first.exit_code == 0, first.output
    assert "Every file fits its text and rate" in first.output
    voice = tone_app.extensions["voice"]
    with tone_app.app_context():
        (language, text), (other_language, other) = list(voice.static_prompts())[:2]
    # "Slower" said at 200 words a minute, and a normal file of the right length but silent.
    slow = voice.cache.path(voice.key(language, RATES["slow"], text))
    RecordingSynthesizer().synthesize(text, voice_for(language), 200, slow)
    normal = voice.cache.path(voice.key(other_language, RATES["normal"], other))
    frames = read_wav_info(normal).frames
    with wave.open(str(normal), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(b"\x00\x00" * frames)

    again = runner.invoke(args=["voice", "build"])
    assert again.exit_code == 0, again.output
    assert "built already" in again.output
    assert "2 file(s) did not fit their text and rate and were rebuilt" in again.output
    assert voice.cache.check(language, voice_for(language), RATES.values(), text) == {}
    assert voice.cache.check(other_language, voice_for(other_language), RATES.values(),
                             other) == {}


def test_voice_build_fails_loudly_when_a_rebuilt_file_is_still_off(tone_app):
    voice = tone_app.extensions["voice"]
    with tone_app.app_context():  # the longest prompt: at any rate it is said too fast to pass
        language, text = max(voice.static_prompts(), key=lambda prompt: len(prompt[1]))
    voice.cache.synthesizer = IgnoresRate(text)
    result = tone_app.test_cli_runner().invoke(args=["voice", "build"])
    assert result.exit_code != 0
    assert "2 file(s) did not fit their text and rate and were rebuilt" in result.output
    assert "2 file(s) are still off after being rebuilt" in result.output
    assert "expected at 115 words a minute" in result.output
