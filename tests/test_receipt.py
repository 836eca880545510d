"""The receipt after submit: one model on the screen, in the voice and on paper; printed once;
faults told plainly with staff called; reprints; the printer's status for the heartbeat."""
from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import func, select

from hardware.printer import FAULT_FILE
from kiosk import receipts
from kiosk.extensions import db
from kiosk.models import Claim, HelpRequest, Kiosk, OutboxMessage, ReceiptPrint, StepEvent
from kiosk.voice.spoken import amount_words, digits_in_groups
from tests.escpos_decode import decode, read_qr
from tests.helpers import load_demo, main_attr, person
from tests.test_claim_steps import submit, to_review

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "receipts"


@pytest.fixture
def demo(app, client):
    load_demo(app)
    return client


def receipts_dir(app) -> Path:
    return Path(app.instance_path) / "receipts"


def printed_files(app) -> list[Path]:
    return sorted(receipts_dir(app).glob("*.bin"))


def the_claim(app) -> Claim:
    with app.app_context():
        return db.session.scalars(select(Claim)).one()


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def set_printer(app, url: str) -> None:
    with app.app_context():
        kiosk = db.session.get(Kiosk, "K01")
        kiosk.printer_url = url
        db.session.commit()


def print_now(client) -> dict:
    """What kiosk.js does once the receipt screen shows: ask for the print."""
    answer = client.post("/receipt/print", headers={"Accept": "application/json"})
    assert answer.status_code == 200
    return answer.get_json()


def test_the_receipt_screen_shows_at_once_while_printing_and_a_get_prints_nothing(app, demo):
    to_review(demo, "age56", "retirement_age")
    page = submit(demo)
    assert main_attr(page, "data-step") == "receipt"
    assert main_attr(page, "data-state") == "printing"
    assert 'data-print="pending"' in page.get_data(as_text=True)
    demo.get("/receipt")
    assert demo.get("/receipt/print").get_json()["state"] == "printing"
    assert printed_files(app) == [] and count(app, ReceiptPrint) == 0


def test_the_print_holds_the_claim_on_paper_and_the_screen_says_take_it(app, demo):
    who = person("age56")
    to_review(demo, "age56", "retirement_age")
    submit(demo)
    answer = print_now(demo)
    assert answer["state"] == "printed" and answer["text"] == "Ambil struk Anda."
    assert answer["voice"]["name"] == "receipt/printed"
    claim = the_claim(app)
    [job] = printed_files(app)
    paper = decode(job.read_bytes())
    text = paper.text
    assert "0901 01 00001" in text and claim.number[-1] in text
    assert "BPJS Ketenagakerjaan" in text and "Kantor Cabang Demo" in text
    assert "Nomor klaim" in text and "Usia 56 tahun" in text
    assert who.full_name not in text and who.kpj not in text  # masked on paper
    assert who.kpj[-3:] in text and who.kpj[:2] in text
    assert "Rp" + f"{claim.net_amount:,}".replace(",", ".") in text
    assert "30 November 2026 atau lebih cepat" in text
    assert paper.cuts == [len(paper.items) - 1]
    rendering = np.array(Image.open(job.with_suffix(".png")).convert("L"))
    assert read_qr(rendering) == claim.number
    screen = demo.get("/receipt")
    assert main_attr(screen, "data-state") == "printed"
    assert "Ambil struk Anda." in screen.get_data(as_text=True)


def test_a_reload_or_a_second_ask_never_prints_the_receipt_again(app, demo):
    to_review(demo, "age56", "retirement_age")
    submit(demo)
    print_now(demo)
    demo.get("/receipt")
    assert print_now(demo)["state"] == "printed"
    demo.post("/receipt/print", data={"page": "1"}, follow_redirects=True)  # the no-script button
    assert len(printed_files(app)) == 1
    assert count(app, ReceiptPrint) == 1


def test_two_asks_at_the_same_moment_take_the_first_print_once(app, demo):
    to_review(demo, "age56", "retirement_age")
    submit(demo)
    with app.test_request_context():
        claim = db.session.scalars(select(Claim)).one()
        first = receipts.first_print(claim, "id")
        second = receipts.first_print(claim, "id")
        assert first is not None and second is None
        assert count(app, ReceiptPrint) == 1


def test_without_script_the_button_prints_and_shows_the_screen(app, demo):
    to_review(demo, "age56", "retirement_age")
    page = submit(demo).get_data(as_text=True)
    assert "<noscript>" in page and 'name="page" value="1"' in page
    after = demo.post("/receipt/print", data={"page": "1"}, follow_redirects=True)
    assert main_attr(after, "data-state") == "printed"
    assert len(printed_files(app)) == 1


@pytest.mark.parametrize("fault, words", [
    ("paper_out", "Kertas struk habis. Klaim Anda sudah tersimpan. Petugas akan mencetak struk "
                  "Anda."),
    ("cover_open", "Tutup printer struk terbuka."),
    ("offline", "Printer struk tidak bisa dipakai."),
])
def test_a_printer_fault_is_told_plainly_staff_are_called_and_the_claim_is_kept(
        app, demo, fault, words):
    to_review(demo, "age56", "retirement_age")
    submit(demo)
    receipts_dir(app).mkdir(parents=True, exist_ok=True)
    (receipts_dir(app) / FAULT_FILE).write_text(fault)
    answer = print_now(demo)
    assert answer["state"] == "printer-error" and answer["text"].startswith(words)
    assert answer["voice"]["name"] == f"receipt-fault/{fault}"
    screen = demo.get("/receipt")
    assert main_attr(screen, "data-state") == "printer-error"
    assert words in screen.get_data(as_text=True)
    assert words in re.search(r'data-text="([^"]*)"', screen.get_data(as_text=True)).group(1)
    assert printed_files(app) == []
    assert count(app, Claim) == 1 and count(app, OutboxMessage) == 1
    assert count(app, HelpRequest, HelpRequest.reason == "printer",
                 HelpRequest.status == "open") == 1
    assert count(app, StepEvent, StepEvent.outcome == f"printer_{fault}") == 1
    # Asking again neither prints nor calls staff twice.
    assert print_now(demo)["state"] == "printer-error"
    assert count(app, HelpRequest, HelpRequest.reason == "printer") == 1
    assert count(app, ReceiptPrint) == 1


def test_staff_reprint_after_a_fault_prints_it_and_the_screen_follows(app, demo, runner):
    to_review(demo, "age56", "retirement_age")
    submit(demo)
    receipts_dir(app).mkdir(parents=True, exist_ok=True)
    (receipts_dir(app) / FAULT_FILE).write_text("paper_out")
    print_now(demo)
    number = the_claim(app).number
    failed = runner.invoke(args=["receipt", "reprint", number])
    assert failed.exit_code == 1 and "out of paper" in failed.output
    (receipts_dir(app) / FAULT_FILE).unlink()  # staff put paper in
    result = runner.invoke(args=["receipt", "reprint", " ".join([number[:4], number[4:]])])
    assert result.exit_code == 0, result.output
    assert f"Receipt of claim {number} printed" in result.output
    assert len(printed_files(app)) == 1
    assert demo.get("/receipt/print").get_json()["state"] == "printed"
    assert count(app, ReceiptPrint) == 3  # the failed first, the failed reprint, the reprint


def test_reprint_of_a_claim_that_does_not_exist_says_so(app, runner):
    result = runner.invoke(args=["receipt", "reprint", "090101000017"])
    assert result.exit_code == 1 and "There is no claim 090101000017" in result.output


def test_a_print_whose_process_died_shows_as_a_fault_after_a_while(app, demo):
    to_review(demo, "age56", "retirement_age")
    submit(demo)
    with app.test_request_context():
        claim = db.session.scalars(select(Claim)).one()
        job = receipts.first_print(claim, "id")  # taken, never finished
        job.created_at -= timedelta(seconds=receipts.PRINT_STALE_SECONDS + 1)
        db.session.commit()
    answer = demo.get("/receipt/print").get_json()
    assert answer["state"] == "printer-error" and answer["fault"] == "timed_out"
    assert printed_files(app) == []


@pytest.mark.parametrize("profile, columns", [("58", 32), ("80", 42)])
@pytest.mark.parametrize("key, reason", [("age56", "retirement_age"), ("age56", "disability")])
def test_screen_voice_and_paper_say_the_same_at_both_widths(app, demo, profile, columns, key,
                                                             reason):
    to_review(demo, key, reason, papers="none")
    set_printer(app, f"sim://receipts?profile={profile}")
    page = submit(demo).get_data(as_text=True)
    print_now(demo)
    claim = the_claim(app)
    [job] = printed_files(app)
    paper = decode(job.read_bytes())
    assert max(len(line.text) * line.size for line in paper.lines) <= columns
    flat = " ".join(" ".join(line.text for line in paper.lines).split())
    rows = re.findall(r"<dt>([^<]*)</dt><dd[^>]*>([^<]*)</dd>", page)
    assert len(rows) == 8
    for label, value in rows:  # every fact on the screen is on the paper, word for word
        shown = " ".join(value.replace("&#39;", "'").replace("•", "*").split())
        assert shown in flat, (label, shown)
        assert label.split()[0] in flat
    voice = re.search(r'data-text="([^"]*)"', page).group(1)
    assert digits_in_groups(claim.number, (4, 2, 5, 1), "id") in voice
    assert amount_words(claim.net_amount, "id") in voice
    if claim.expected_payment_date is None:
        assert "setelah diperiksa petugas" in flat and "Bawa ke petugas" in flat
        assert "Bawa ke petugas: KTP elektronik, Kartu BPJS Ketenagakerjaan" in voice
        assert "Surat keterangan dokter" in flat  # the paper not shown to the camera
    else:
        assert "tiga puluh November dua ribu dua puluh enam" in voice
    assert read_qr(np.array(Image.open(job.with_suffix(".png")).convert("L"))) == claim.number
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(job.with_suffix(".png"), ARTIFACTS / f"receipt-{profile}mm-{reason}.png")


def voice_of(page) -> tuple[str, str]:
    """The screen's voice: its prompt's name and its words."""
    text = page.get_data(as_text=True)
    return (re.search(r'data-voice="([^"]*)"', text).group(1),
            re.search(r'data-text="([^"]*)"', text).group(1))


@pytest.mark.parametrize("size_taps", [1, 2])  # 125 and 150 %
def test_at_larger_text_the_receipt_is_two_screens_facts_then_what_next(app, demo, size_taps):
    to_review(demo, "age56", "disability", papers="none")
    for _ in range(size_taps):
        demo.post("/text-size")
    first = submit(demo)
    print_now(demo)
    first = demo.get("/receipt")
    shown = first.get_data(as_text=True)
    assert 'data-testid="receipt-first"' in shown and 'data-testid="claim-number"' in shown
    assert "Bawa ke petugas" not in shown and "Selesai" not in shown and "Lanjut" in shown
    assert 'data-action="back"' not in shown  # the claim is saved: nothing before it
    name, words = voice_of(first)
    assert name == "receipt/printed-first-staff"
    claim = the_claim(app)
    assert words.startswith("Klaim Anda sudah kami terima. Ambil struk Anda.")
    assert digits_in_groups(claim.number, (4, 2, 5, 1), "id") in words
    assert words.endswith("Tekan Lanjut.") and "Bawa ke petugas" not in words

    # Lanjut turns the page (twice, from a double tap: never past the receipt); a reload keeps it.
    for _ in range(2):
        more = demo.post("/receipt", data={"part": "more"}, follow_redirects=True)
        assert main_attr(more, "data-step") == "receipt"
    more = demo.get("/receipt")
    shown = more.get_data(as_text=True)
    assert 'data-testid="receipt-more"' in shown and 'data-testid="claim-number"' not in shown
    assert "Bawa ke petugas" in shown and "Selesai" in shown and 'data-action="back"' in shown
    name, words = voice_of(more)
    assert name == "receipt/printed-more-staff"
    assert words.startswith("Ambil struk Anda. Petugas akan memeriksa klaim Anda")
    assert "Bawa ke petugas: KTP elektronik" in words and words.endswith("Tekan Selesai.")
    assert digits_in_groups(claim.number, (4, 2, 5, 1), "id") not in words

    # Back shows the facts again; Back there stays (the claim is saved).
    back = demo.post("/back", follow_redirects=True)
    assert 'data-testid="receipt-first"' in back.get_data(as_text=True)
    back = demo.post("/back", follow_redirects=True)
    assert main_attr(back, "data-step") == "receipt"
    assert 'data-testid="receipt-first"' in back.get_data(as_text=True)

    demo.post("/receipt", data={"part": "more"})
    done = demo.post("/receipt", follow_redirects=True)
    assert main_attr(done, "data-step") == "survey"
    assert len(printed_files(app)) == 1


def test_at_100_percent_the_receipt_is_one_screen(app, demo):
    to_review(demo, "age56", "retirement_age")
    shown = submit(demo).get_data(as_text=True)
    assert "receipt-first" not in shown and "receipt-more" not in shown
    assert 'data-testid="claim-number"' in shown and "Ada pertanyaan?" in shown
    assert "Selesai" in shown and "Lanjut" not in shown
    name, words = voice_of(demo.get("/receipt"))
    assert name == "receipt" and words.endswith("Tekan Selesai.")


def test_the_receipt_is_in_the_visits_language(app, demo):
    to_review(demo, "age56", "retirement_age")
    demo.post("/language", data={"language": "en"})
    submit(demo)
    print_now(demo)
    [job] = printed_files(app)
    text = decode(job.read_bytes()).text
    assert "Claim number" in text and "Nomor klaim" not in text
    assert "November 30, 2026 or sooner" in text


# --- the printer's status, for the heartbeat ---------------------------------------------------

@pytest.mark.parametrize("fault, level, problems", [
    (None, "ok", []), ("paper_near_end", "warning", ["paper_near_end"]),
    ("paper_out", "fault", ["paper_out"]), ("offline", "fault", ["offline"]),
])
def test_the_printer_status_says_what_the_printer_reports(app, fault, level, problems):
    with app.test_request_context():
        from kiosk.devices import default_kiosk

        kiosk = default_kiosk()
        receipts_dir(app).mkdir(parents=True, exist_ok=True)
        if fault:
            (receipts_dir(app) / FAULT_FILE).write_text(fault)
        status = receipts.printer_status(kiosk)
    assert (status["printer"], status["problems"]) == (level, problems)


def test_a_file_printer_cannot_report_and_says_unknown(app, tmp_path):
    set_printer_url = f"file://{tmp_path / 'lp0'}"
    with app.test_request_context():
        from kiosk.devices import default_kiosk

        kiosk = default_kiosk()
        kiosk.printer_url = set_printer_url
        assert receipts.printer_status(kiosk)["printer"] == "unknown"


def test_a_kiosk_gets_its_printer_url_checked_when_added(app, runner):
    wrong = runner.invoke(args=["kiosk", "add", "K02", "--name", "Lobby", "--printer", "lpt://1"])
    assert wrong.exit_code == 1 and "The printer URL is wrong" in wrong.output
    good = runner.invoke(args=["kiosk", "add", "K02", "--name", "Lobby",
                               "--printer", "tcp://10.0.0.8:9100?profile=58"])
    assert good.exit_code == 0, good.output
    with app.app_context():
        assert db.session.get(Kiosk, "K02").printer_url == "tcp://10.0.0.8:9100?profile=58"


# --- devices check ------------------------------------------------------------------------------

@pytest.fixture
def tone_runner(database_url, tmp_path):
    from kiosk import create_app
    from kiosk.config import config_for_tests
    from tests.conftest import empty_tables

    application = create_app(config_for_tests(tmp_path, database_url, SPEECH="tone"))
    with application.test_request_context():
        from kiosk.devices import default_kiosk

        default_kiosk()
    yield application, application.test_cli_runner()
    empty_tables(application)


def test_devices_check_prints_a_test_page_speaks_and_fails_without_a_camera_report(tone_runner):
    application, runner = tone_runner
    result = runner.invoke(args=["devices", "check", "K01"])
    lines = result.output.splitlines()
    assert lines[0].startswith("PASS  printer") and "test page printed" in lines[0]
    assert lines[1].startswith("FAIL  camera") and "not reported" in lines[1]
    assert lines[2].startswith("PASS  speech") and " s, loudness " in lines[2]
    assert result.exit_code == 1  # the camera was never seen: never "OK" without trying
    page = decode((receipts_dir(application) / "test.bin").read_bytes())
    assert "TES PRINTER" in page.text and page.cuts


def test_devices_check_fails_the_printer_that_is_out_of_paper(tone_runner):
    application, runner = tone_runner
    receipts_dir(application).mkdir(parents=True, exist_ok=True)
    (receipts_dir(application) / FAULT_FILE).write_text("paper_out")
    result = runner.invoke(args=["devices", "check"])
    assert result.output.splitlines()[0].startswith("FAIL  printer")
    assert "out of paper" in result.output and result.exit_code == 1
    assert not (receipts_dir(application) / "test.bin").exists()


def test_devices_check_of_an_unknown_kiosk_says_so(tone_runner):
    _, runner = tone_runner
    result = runner.invoke(args=["devices", "check", "K99"])
    assert result.exit_code == 1 and "There is no kiosk K99" in result.output


def test_done_before_the_screen_asked_for_the_print_still_prints_it_once(app, demo):
    to_review(demo, "age56", "retirement_age")
    submit(demo)
    page = demo.post("/receipt", follow_redirects=True)  # Selesai at once, no print asked yet
    assert main_attr(page, "data-step") == "survey"
    assert len(printed_files(app)) == 1
    assert print_now(demo)["state"] == "printed"  # the screen's late ask prints nothing more
    assert len(printed_files(app)) == 1 and count(app, ReceiptPrint) == 1


def test_a_visit_that_ends_while_its_receipt_prints_still_gets_an_answer(app, demo, monkeypatch):
    """Selesai (or a staff reset) in another request while the printer works: the print's own
    request must still answer, in the visit's language, and the receipt counts as printed."""
    from kiosk import visits

    to_review(demo, "age56", "retirement_age")
    demo.post("/language", data={"language": "en"})
    submit(demo)
    real = receipts.printer_for

    def printer_that_outlives_the_visit(kiosk_id):
        device = real(kiosk_id)
        printing = device.print_receipt

        def print_receipt(*args, **kwargs):
            printing(*args, **kwargs)
            with app.app_context():  # another request: the visit ends meanwhile
                assert visits.end_kiosk_visits("K01", "staff_reset") == 1
                db.session.commit()
        device.print_receipt = print_receipt
        return device

    monkeypatch.setattr(receipts, "printer_for", printer_that_outlives_the_visit)
    answer = print_now(demo)
    assert answer["state"] == "printed"
    assert answer["text"] == "Take your receipt."
    assert len(printed_files(app)) == 1 and count(app, ReceiptPrint) == 1
