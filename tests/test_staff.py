"""The staff console: sign-in, every route guarded, the board, help requests reaching only their
visit, resets, claim decisions, reports from real rows, the audit log, the kiosk's side."""
from __future__ import annotations

import csv
import io
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from kiosk.devices import default_kiosk
from kiosk.extensions import db
from kiosk.models import (
    AuditEntry,
    Capture,
    Claim,
    HelpRequest,
    Kiosk,
    KioskSession,
    OutboxMessage,
    Participant,
    StepEvent,
    utcnow,
)
from kiosk.staff import auth
from kiosk.staff.reports import compute, percentile
from tests.helpers import (
    claim_whole,
    identify,
    load_demo,
    main_attr,
    person,
    recognised,
    start,
)

PASSWORD = "correct horse battery"


@pytest.fixture
def staff(app):
    """Two accounts: Bu Sari (staff) and Pak Budi (supervisor)."""
    with app.app_context():
        auth.add_staff("sari", PASSWORD, "staff", "Bu Sari")
        auth.add_staff("budi", PASSWORD, "supervisor", "Pak Budi")
        default_kiosk()  # K01, as the one-box kiosk registers itself on its first request
    load_demo(app)
    return app


def sign_in(app, username: str = "sari", password: str = PASSWORD):
    client = app.test_client()
    client.get("/staff/login")
    answer = client.post("/staff/login", data={"username": username, "password": password})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:300]
    return client


def html(response) -> str:
    return response.get_data(as_text=True)


def audit_actions(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


# --- every route is guarded -------------------------------------------------------------------


def staff_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("staff.")]


def concrete(rule) -> str:
    values = {name: {"request_id": 1, "capture_id": 1, "kiosk_id": "K01",
                     "number": "090101000017"}[name] for name in rule.arguments}
    return rule.build(values)[1]


def test_every_staff_route_needs_a_signed_in_staff_member_with_the_right_role(staff):
    rules = staff_rules(staff)
    assert len(rules) >= 15
    anonymous = staff.test_client()
    signed_in = sign_in(staff, "sari")
    guarded = 0
    for rule in rules:
        url = concrete(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if rule.endpoint == "staff.login":
                continue
            answer = anonymous.open(url, method=method)
            if method == "GET":
                assert answer.status_code == 303 and "/staff/login" in answer.headers[
                    "Location"], (method, url)
            else:
                assert answer.status_code in (400, 401), (method, url)  # CSRF off in tests: 401
            if rule.endpoint in auth.SUPERVISOR_ENDPOINTS:
                assert signed_in.open(url, method=method).status_code == 403, (method, url)
            guarded += 1
    assert guarded >= 15
    # A kiosk browser (localhost is kiosk K01) is not a staff member either.
    assert anonymous.get("/staff/").status_code == 303
    # Nothing in the console edits or deletes the audit log.
    assert not any("audit" in rule.rule and rule.methods & {"POST", "PUT", "DELETE", "PATCH"}
                   for rule in rules)


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer_in_the_same_time(staff):
    client = staff.test_client()
    answers, took = [], []
    for username, password in (("sari", "wrong password!"), ("nobody", "wrong password!")):
        began = time.monotonic()
        answer = client.post("/staff/login", data={"username": username, "password": password})
        took.append(time.monotonic() - began)
        answers.append((answer.status_code, re.sub(r'(value|content)="[^"]*"', "", html(answer))))
    assert answers[0][0] == answers[1][0] == 401
    assert answers[0][1].replace("sari", "X") == answers[1][1].replace("nobody", "X")
    assert min(took) >= auth.SIGN_IN_SECONDS
    assert audit_actions(staff) == ["sign_in_failed", "sign_in_failed"]


def test_signing_in_starts_a_new_session(staff):
    client = staff.test_client()
    with client.session_transaction() as planted:
        planted["planted"] = "by someone else"
    client.post("/staff/login", data={"username": "sari", "password": PASSWORD})
    with client.session_transaction() as fresh:
        assert "planted" not in fresh and "_user_id" in fresh


def test_a_session_ends_after_30_idle_minutes_and_the_board_poll_does_not_keep_it(staff):
    client = sign_in(staff)
    assert client.get("/staff/board").status_code == 200
    with client.session_transaction() as s:
        s["staff_seen"] = time.time() - 29 * 60
    client.get("/staff/board")  # a poll: not the staff member doing something
    with client.session_transaction() as s:
        s["staff_seen"] -= 2 * 60
    answer = client.get("/staff/")
    assert answer.status_code == 303 and "expired=1" in answer.headers["Location"]
    assert client.get("/staff/").status_code == 303  # signed out


def test_disabling_a_staff_member_ends_their_sessions(staff, runner):
    client = sign_in(staff)
    assert client.get("/staff/").status_code == 200
    result = runner.invoke(args=["staff", "disable", "sari"])
    assert result.exit_code == 0
    assert client.get("/staff/").status_code == 303
    assert staff.test_client().post("/staff/login", data={
        "username": "sari", "password": PASSWORD}).status_code == 401


def test_supervisor_pages_are_for_supervisors(staff):
    assert sign_in(staff, "sari").get("/staff/reports").status_code == 403
    budi = sign_in(staff, "budi")
    assert budi.get("/staff/reports").status_code == 200
    assert budi.get("/staff/audit").status_code == 200


# --- the board and help requests --------------------------------------------------------------


def test_a_call_reaches_the_board_without_the_participants_name_or_number(staff):
    kiosk = staff.test_client()
    who = person("age56")
    start(kiosk)
    recognised(kiosk, who.kpj, who.birth_date)
    kiosk.post("/call-staff")
    board = html(sign_in(staff).get("/staff/"))
    assert re.search(r'data-help="\d+" data-reason="asked" data-status="open"', board)
    assert 'data-kiosk="K01"' in board
    for secret in (who.kpj, who.nik, who.full_name, who.full_name.split()[0]):
        assert secret not in board


def test_the_board_poll_answers_204_until_something_changes(staff):
    client = sign_in(staff)
    first = client.get("/staff/board")
    version = re.search(r"v=([0-9a-f]+)", html(first))[1]
    assert client.get(f"/staff/board?v={version}").status_code == 204
    kiosk = staff.test_client()
    start(kiosk)
    kiosk.post("/call-staff")
    changed = client.get(f"/staff/board?v={version}")
    assert changed.status_code == 200 and 'data-reason="asked"' in html(changed)


def test_acknowledge_shows_and_says_the_staff_members_name_at_that_kiosk(staff):
    kiosk = staff.test_client()
    start(kiosk)
    page = kiosk.post("/call-staff", follow_redirects=True)
    poll = re.search(r'hx-get="(/wait\?[^"]+)"', html(page))[1].replace("&amp;", "&")
    assert kiosk.get(poll).status_code == 204
    with staff.app_context():
        call = db.session.scalars(select(HelpRequest.id)).one()
    sari = sign_in(staff)
    sari.post(f"/staff/help/{call}/ack")
    answer = kiosk.get(poll)
    assert answer.status_code == 303
    page = kiosk.get(answer.headers["Location"])
    assert '<span data-testid="staff-on-the-way">Bu Sari</span>' in html(page)
    spoken = re.search(r'<audio[^>]*data-voice="staff-on-the-way"[^>]*data-text="([^"]*)"',
                       html(page))
    assert spoken and spoken[1].startswith("Bu Sari sedang menuju ke sini.")
    assert main_attr(page, "data-idle") == "waiting"
    assert audit_actions(staff)[-1] == "ack"
    twice = sari.post(f"/staff/help/{call}/ack", follow_redirects=True)
    assert "acknowledged already" in html(twice)  # said plainly, nothing changed


def test_accept_identity_from_the_board_lets_only_that_participant_on(staff):
    staff.config["DEMO"] = True
    a, b = person("age56"), person("resigned")
    kiosk = staff.test_client()
    start(kiosk)
    identify(kiosk, a.kpj, a.birth_date)
    kiosk.post("/selfie/prefer-staff")
    with staff.app_context():
        a_call = db.session.scalars(select(HelpRequest.id)).one()
    sari = sign_in(staff)
    assert 'data-action="accept-identity"' in html(sari.get("/staff/"))
    kiosk.post("/start-over")  # A leaves; B stops at the selfie intro
    start(kiosk)
    identify(kiosk, b.kpj, b.birth_date)
    answer = sari.post(f"/staff/help/{a_call}/accept-identity", follow_redirects=True)
    assert "has left" in html(answer)
    assert main_attr(kiosk.get("/selfie"), "data-state") == "intro"

    kiosk.post("/selfie/prefer-staff")
    with staff.app_context():
        b_call = db.session.scalars(select(HelpRequest.id).where(
            HelpRequest.status == "open")).one()
    sari.post(f"/staff/help/{b_call}/accept-identity")
    page = kiosk.get("/selfie", follow_redirects=True)
    assert main_attr(page, "data-step") == "reason"  # which shows the balance
    assert audit_actions(staff).count("accept_identity") == 1


def test_a_reset_from_the_board_wipes_the_kiosk_mid_claim(staff):
    kiosk = staff.test_client()
    who = person("age56")
    start(kiosk)
    page = recognised(kiosk, who.kpj, who.birth_date)
    poll = re.search(r'hx-get="(/wait\?[^"]+)"', html(page))[1].replace("&amp;", "&")
    sign_in(staff).post("/staff/kiosks/K01/reset")
    answer = kiosk.get(poll)
    assert answer.status_code == 303 and answer.headers["Location"] == "/"
    with staff.app_context():
        assert db.session.scalar(select(func.count()).select_from(KioskSession)) == 0
    assert main_attr(kiosk.get("/balance", follow_redirects=True), "data-step") == "welcome"
    with staff.app_context():
        entry = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "reset_kiosk")).one()
        assert (entry.username, entry.kiosk_id) == ("sari", "K01")


# --- claims that need staff --------------------------------------------------------------------


def needs_staff_claim(app, client, new_phone: str | None = None) -> str:
    claim_whole(client, person("above_limit"), new_phone=new_phone)
    with app.app_context():
        return db.session.scalars(select(Claim.number)).one()


def test_a_claim_that_needs_staff_is_approved_and_the_core_and_the_participant_learn_it(staff):
    number = needs_staff_claim(staff, staff.test_client(), new_phone="081399990000")
    sari = sign_in(staff)
    queue = html(sari.get("/staff/claims"))
    assert f'data-claim="{number}"' in queue and "batas klaim mandiri" in queue
    detail = html(sari.get(f"/staff/claims/{number}"))
    assert 'data-action="approve"' in detail and 'data-action="reject"' in detail
    sari.post(f"/staff/claims/{number}/approve", data={"note": "e-KTP dan buku tabungan cocok"})
    with staff.app_context():
        claim = db.session.scalars(select(Claim)).one()
        assert (claim.state, claim.decided_by) == ("approved", "sari")
        assert db.session.get(Participant, claim.participant_id).phone == "081399990000"
        message = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "claim.approved")).one()
        assert message.payload["claim_number"] == number
    assert "approve" in audit_actions(staff)
    again = sari.post(f"/staff/claims/{number}/reject", data={"reason": "bank"},
                      follow_redirects=True)
    assert "tidak bisa diubah lagi" in html(again)


def test_a_rejection_needs_a_reason_in_plain_words(staff):
    number = needs_staff_claim(staff, staff.test_client())
    sari = sign_in(staff)
    assert "Pilih alasan" in html(sari.post(f"/staff/claims/{number}/reject",
                                             follow_redirects=True))
    sari.post(f"/staff/claims/{number}/reject", data={"reason": "documents", "note": "Surat PHK"})
    with staff.app_context():
        claim = db.session.scalars(select(Claim)).one()
        assert claim.state == "rejected" and claim.decision_note.startswith("Surat yang")


def test_a_claims_papers_are_shown_to_staff_only_for_that_claim(staff):
    number = needs_staff_claim(staff, staff.test_client())
    with staff.app_context():
        claim = db.session.scalars(select(Claim)).one()
        paper = Capture(kind="document", document="passport", claim_id=claim.id,
                        image=b"\xff\xd8jpeg", quality=1.0)
        other = Capture(kind="document", document="passport", image=b"\xff\xd8x", quality=1.0)
        db.session.add_all([paper, other])
        db.session.commit()
        paper_id, other_id = paper.id, other.id
    sari = sign_in(staff)
    answer = sari.get(f"/staff/claims/{number}/papers/{paper_id}.jpg")
    assert answer.status_code == 200 and answer.data == b"\xff\xd8jpeg"
    assert answer.headers["Cache-Control"] == "no-store"
    assert sari.get(f"/staff/claims/{number}/papers/{other_id}.jpg").status_code == 404
    assert staff.test_client().get(f"/staff/claims/{number}/papers/{paper_id}.jpg"
                                   ).status_code == 303


# --- reports, from real rows -------------------------------------------------------------------


def test_reports_count_what_happened_and_nothing_else(staff):
    now = utcnow()
    with staff.app_context():
        def visit(token, steps, minutes):
            at = now - timedelta(minutes=minutes)
            for i, (step, outcome) in enumerate(steps):
                db.session.add(StepEvent(kiosk_id="K01", session_token=token, step=step,
                                         outcome=outcome, at=at + timedelta(minutes=i)))
        visit("a", [("welcome", "start"), ("selfie", "camera_opened"),
                    ("selfie", "advice_closer"), ("selfie", "accepted_first_try"),
                    ("review", "submitted_queued"), ("survey", "score_5")], 30)
        visit("b", [("welcome", "start"), ("selfie", "camera_opened"),
                    ("selfie", "advice_closer"), ("selfie", "advice_more-light"),
                    ("selfie", "start_over")], 20)
        visit("c", [("welcome", "start"), ("identify", "timed_out")], 10)
        call = HelpRequest(kiosk_id="K01", reason="asked", step="identify", status="resolved",
                           resolution="staff", created_at=now - timedelta(minutes=9),
                           acknowledged_at=now - timedelta(minutes=8),
                           resolved_at=now - timedelta(minutes=5))
        db.session.add(call)
        db.session.commit()
        report = compute(now.date() - timedelta(days=1), now.date(), None)
    assert report["visits"] == 3
    assert report["claim_minutes"] == {"count": 1, "median": 4.0, "p90": 4.0}
    assert dict(report["funnel"])["selfie"] == 2 and dict(report["funnel"])["review"] == 1
    assert ("selfie", "start_over", 1) in report["left"]
    assert ("identify", "timed_out", 1) in report["left"]
    assert report["selfie"]["cameras"] == 2 and report["selfie"]["first_try"] == 1
    assert report["selfie"]["advice"][0] == ("closer", 2)
    asked = report["help"][0]
    assert (asked["count"], asked["ack_median"], asked["resolve_median"]) == (1, 1.0, 4.0)
    assert dict(report["satisfaction"])["5"] == 1
    budi = sign_in(staff, "budi")
    page = html(budi.get("/staff/reports"))
    assert "median 4.0 menit" in page and "<svg" in page and "<table" in page
    rows = list(csv.reader(io.StringIO(html(budi.get("/staff/reports.csv")))))
    assert ["start_to_receipt_minutes", "median", "4.0"] in rows
    assert ["satisfaction", "5", "1"] in rows


def test_percentiles_are_nearest_rank():
    assert percentile([], 0.5) is None
    assert percentile([5, 1, 3], 0.5) == 3
    assert percentile(list(range(1, 11)), 0.9) == 9


def test_the_audit_log_lists_and_filters_staff_actions(staff):
    sari = sign_in(staff)
    sari.post("/staff/kiosks/K01/reset")
    budi = sign_in(staff, "budi")
    page = html(budi.get("/staff/audit?username=sari"))
    assert 'data-audit="reset_kiosk"' in page and 'data-audit="sign_in"' in page
    assert "budi" not in re.sub(r"<header.*?</header>", "", page, flags=re.S)
    only = html(budi.get("/staff/audit?action=reset_kiosk"))
    assert only.count('data-audit="') == 1


# --- the kiosk's side --------------------------------------------------------------------------


def test_the_heartbeat_reports_devices_and_keeps_no_visit_alive(staff):
    kiosk = staff.test_client()
    start(kiosk)
    with staff.app_context():
        before = db.session.scalars(select(KioskSession.updated_at)).one()
    kiosk.post("/heartbeat", data={"camera": "seen", "speech": "<script>"})
    with staff.app_context():
        row = db.session.get(Kiosk, "K01")
        assert row.devices == {"camera": "seen", "speech": "unknown", "printer": "ok",
                               "printer_problems": []}  # the simulated printer, asked now
        assert row.last_heartbeat is not None
        assert db.session.scalars(select(KioskSession.updated_at)).one() == before
    board = html(sign_in(staff).get("/staff/"))
    assert "kamera: terlihat" in board


def test_the_kiosk_pin_menu_opens_only_with_a_staff_members_own_pin(staff, runner):
    kiosk = staff.test_client()
    assert kiosk.post("/staff-menu", data={"pin": "000000"}).status_code == 422  # no default
    result = runner.invoke(args=["staff", "pin", "sari"], env={"STAFF_PIN": "246810"})
    assert result.exit_code == 0, result.output
    start(kiosk)
    kiosk.post("/identify", data={"number": person("age56").kpj})
    opened = kiosk.post("/staff-menu", data={"pin": "246810"}, follow_redirects=True)
    assert main_attr(opened, "data-state") == "menu" and "Bu Sari" in html(opened)
    kiosk.post("/staff-menu/reset")
    with staff.app_context():
        assert db.session.scalar(select(func.count()).select_from(KioskSession)) == 0
    assert audit_actions(staff)[-2:] == ["pin_ok", "reset_kiosk"]
    assert kiosk.post("/staff-menu/reset").status_code == 403  # the menu closed with the reset


def test_pin_tries_at_a_kiosk_are_limited_and_logged(app, tmp_path, database_url):
    from kiosk import create_app
    from kiosk.config import config_for_tests
    from kiosk.extensions import limiter

    limited = create_app(config_for_tests(tmp_path, database_url, RATELIMIT_ENABLED=True))
    limiter.reset()
    kiosk = limited.test_client()
    statuses = [kiosk.post("/staff-menu", data={"pin": f"{i:06d}"}).status_code
                for i in range(6)]
    assert statuses == [422] * 5 + [429]
    with limited.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "pin_failed")) == 5
    limiter.reset()


def test_staff_commands_add_list_and_refuse_bad_input(app, runner):
    result = runner.invoke(args=["staff", "add", "Sari", "--role", "staff", "--name", "Bu Sari"],
                           env={"STAFF_PASSWORD": PASSWORD})
    assert result.exit_code == 0 and "sari" in result.output
    again = runner.invoke(args=["staff", "add", "sari", "--role", "staff"],
                          env={"STAFF_PASSWORD": PASSWORD})
    assert again.exit_code == 1 and "exists already" in again.output
    short = runner.invoke(args=["staff", "add", "x", "--role", "staff"],
                          env={"STAFF_PASSWORD": "short"})
    assert short.exit_code == 1 and "10 characters" in short.output
    listed = runner.invoke(args=["staff", "list"])
    assert "Bu Sari" in listed.output and "no PIN" in listed.output
    with app.app_context():
        stored = db.session.scalars(select(auth.StaffMember.password_hash)).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_receipt_that_did_not_print_is_reprinted_from_the_board(staff):
    from pathlib import Path

    from hardware.printer import FAULT_FILE

    folder = Path(staff.instance_path) / "receipts"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / FAULT_FILE).write_text("paper_out")
    kiosk = staff.test_client()
    claim_whole(kiosk, person("age56"))
    assert kiosk.post("/receipt/print").get_json()["state"] == "printer-error"
    with staff.app_context():
        number = db.session.scalars(select(Claim.number)).one()
    sari = sign_in(staff)
    board = html(sari.get("/staff/"))
    assert re.search(r'data-help="\d+" data-reason="printer"', board)
    assert f'data-claim="{number}"' in board and 'data-action="reprint"' in board
    still_out = html(sari.post(f"/staff/claims/{number}/reprint", follow_redirects=True))
    assert "belum tercetak" in still_out and "out of paper" in still_out
    (folder / FAULT_FILE).unlink()  # staff put paper in
    printed = html(sari.post(f"/staff/claims/{number}/reprint", follow_redirects=True))
    assert "dicetak ulang" in printed
    assert f'data-claim="{number}"' not in html(sari.get("/staff/board"))
    assert any(number in path.name for path in folder.glob("*.bin"))
    assert audit_actions(staff).count("reprint") == 2


def test_devices_check_reads_the_camera_the_heartbeat_reported(staff, runner):
    kiosk = staff.test_client()
    kiosk.post("/heartbeat", data={"camera": "missing", "speech": "ok"})
    result = runner.invoke(args=["devices", "check", "K01"])
    assert "FAIL  camera" in result.output and "missing" in result.output
    kiosk.post("/heartbeat", data={"camera": "seen", "speech": "ok"})
    result = runner.invoke(args=["devices", "check", "K01"])
    assert "PASS  camera" in result.output
    with staff.app_context():
        assert db.session.get(Kiosk, "K01").devices["printer"] in ("ok", "unknown")


def test_an_unknown_console_address_answers_with_the_console_s_own_page(staff):
    """Not the participant's error screen (kiosk toolbar, Start over) on a staff tablet."""
    answer = sign_in(staff).get("/staff/no-such-page")
    assert answer.status_code == 404
    assert "<h1>Tidak ada</h1>" in html(answer)
    assert 'data-action="call-staff"' not in html(answer)
