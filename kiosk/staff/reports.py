"""Reports for supervisors, computed from the anonymous step events, help requests and claims.

Nothing is estimated or invented: every figure is counted from rows in the date range (and
kiosk) asked for, and each chart has its table. The same figures download as CSV.
"""
from __future__ import annotations

import csv
import io
import math
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from flask import request
from sqlalchemy import select

from kiosk import htmx
from kiosk.extensions import db
from kiosk.models import Claim, HelpRequest, Kiosk, StepEvent, utcnow
from kiosk.staff import bp
from kiosk.staff.auth import supervisor_only
from kiosk.staff.board import REASONS, STEPS

# The steps a visit passes, in order (kiosk.participant.journey.JOURNEY and after).
FUNNEL = ("welcome", "identify", "birth-date", "selfie", "balance", "reason", "amount", "bank",
          "phone", "documents", "review", "receipt", "survey")
LEAVING = {"start_over": "Mulai lagi", "timed_out": "Tidak disentuh (habis waktu)",
           "back_to_welcome": "Kembali ke awal", "staff_reset": "Diatur ulang petugas",
           "replaced": "Diganti kunjungan baru"}
DEFAULT_DAYS = 7


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (share 0.5 = median, 0.9 = 90th), or None without values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _range(args) -> tuple[date, date, str | None]:
    # Events carry real time stamps (never KIOSK_TODAY, the rules' date for demos and tests).
    now = utcnow().date()
    try:
        until = date.fromisoformat(args.get("until", "")) if args.get("until") else now
        since = (date.fromisoformat(args["since"]) if args.get("since")
                 else until - timedelta(days=DEFAULT_DAYS - 1))
    except ValueError:
        until, since = now, now - timedelta(days=DEFAULT_DAYS - 1)
    if since > until:
        since, until = until, since
    return since, until, (args.get("kiosk") or "").strip() or None


def compute(since: date, until: date, kiosk: str | None) -> dict:
    """Every figure of the report for [since, until] (whole days, UTC) and one kiosk or all."""
    start, end = datetime.combine(since, time.min), datetime.combine(until + timedelta(days=1),
                                                                      time.min)
    events_query = select(StepEvent).where(StepEvent.at >= start, StepEvent.at < end)
    claims_query = select(Claim).where(Claim.created_at >= start, Claim.created_at < end)
    # A practice visit writes no step events and saves no claim; its calls for staff are
    # marked practice and left out here (kiosk.participant.practice).
    help_query = select(HelpRequest).where(HelpRequest.created_at >= start,
                                           HelpRequest.created_at < end,
                                           HelpRequest.practice.is_(False))
    if kiosk:
        events_query = events_query.where(StepEvent.kiosk_id == kiosk)
        claims_query = claims_query.where(Claim.kiosk_id == kiosk)
        help_query = help_query.where(HelpRequest.kiosk_id == kiosk)
    events = db.session.scalars(events_query.order_by(StepEvent.at, StepEvent.id)).all()
    claims = db.session.scalars(claims_query).all()
    calls = db.session.scalars(help_query).all()

    by_visit: dict[str, list[StepEvent]] = defaultdict(list)
    for event in events:
        by_visit[event.session_token].append(event)

    claim_minutes, reached, left = [], Counter(), Counter()
    for visit_events in by_visit.values():
        began = next((e.at for e in visit_events if e.outcome == "start"), None)
        done = next((e.at for e in visit_events if e.outcome.startswith("submitted_")), None)
        if began and done:
            claim_minutes.append((done - began).total_seconds() / 60)
        steps = {e.step for e in visit_events}
        for step in FUNNEL:
            if step in steps:
                reached[step] += 1
        last = visit_events[-1]
        if last.outcome in LEAVING:
            left[(last.step, last.outcome)] += 1

    outcomes = Counter(e.outcome for e in events)
    cameras = outcomes["camera_opened"]
    advice = Counter({o.removeprefix("advice_"): n for o, n in outcomes.items()
                      if o.startswith("advice_") and o != "advice_good"})
    help_rows = []
    for reason in REASONS:
        of_reason = [c for c in calls if c.reason == reason]
        if not of_reason:
            continue
        to_ack = [(c.acknowledged_at - c.created_at).total_seconds() / 60
                  for c in of_reason if c.acknowledged_at]
        to_resolve = [(c.resolved_at - c.created_at).total_seconds() / 60 for c in of_reason
                      if c.resolved_at and c.resolution != "visit_ended"]
        help_rows.append({"reason": reason, "words": REASONS[reason], "count": len(of_reason),
                          "ack_median": percentile(to_ack, 0.5),
                          "ack_p90": percentile(to_ack, 0.9),
                          "resolve_median": percentile(to_resolve, 0.5),
                          "resolve_p90": percentile(to_resolve, 0.9),
                          "left": sum(1 for c in of_reason if c.resolution == "visit_ended")})
    days = [(since + timedelta(days=i)) for i in range((until - since).days + 1)]
    per_day = Counter(c.created_at.date() for c in claims)
    return {
        "since": since, "until": until, "kiosk": kiosk,
        "visits": len(by_visit),
        "claims_by_day": [(day.isoformat(), per_day[day]) for day in days],
        "claims_by_reason": sorted(Counter(c.reason for c in claims).items(),
                                   key=lambda item: (-item[1], item[0])),
        "claim_minutes": {"count": len(claim_minutes),
                          "median": percentile(claim_minutes, 0.5),
                          "p90": percentile(claim_minutes, 0.9)},
        "funnel": [(step, reached[step]) for step in FUNNEL],
        "left": sorted(((step, why, n) for (step, why), n in left.items()),
                       key=lambda item: -item[2]),
        "selfie": {"cameras": cameras, "first_try": outcomes["accepted_first_try"],
                   "share": outcomes["accepted_first_try"] / cameras if cameras else None,
                   "advice": advice.most_common(5)},
        "help": help_rows,
        "satisfaction": [(score, outcomes[f"score_{score}"]) for score in "12345"],
        "survey_skipped": outcomes["skipped"],
    }


def _minutes(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def csv_rows(report: dict) -> list[tuple]:
    """The report as (section, key, value) rows."""
    rows = [("range", "since", report["since"].isoformat()),
            ("range", "until", report["until"].isoformat()),
            ("range", "kiosk", report["kiosk"] or "all"), ("visits", "count", report["visits"])]
    rows += [("claims_by_day", day, n) for day, n in report["claims_by_day"]]
    rows += [("claims_by_reason", reason, n) for reason, n in report["claims_by_reason"]]
    minutes = report["claim_minutes"]
    rows += [("start_to_receipt_minutes", "count", minutes["count"]),
             ("start_to_receipt_minutes", "median", _minutes(minutes["median"])),
             ("start_to_receipt_minutes", "p90", _minutes(minutes["p90"]))]
    rows += [("funnel_reached", step, n) for step, n in report["funnel"]]
    rows += [("left_at", f"{step}/{why}", n) for step, why, n in report["left"]]
    selfie = report["selfie"]
    rows += [("selfie", "cameras_opened", selfie["cameras"]),
             ("selfie", "accepted_first_try", selfie["first_try"])]
    rows += [("selfie_advice", code, n) for code, n in selfie["advice"]]
    for row in report["help"]:
        rows += [(f"help_{row['reason']}", key, _minutes(row[key]) if "_" in key else row[key])
                 for key in ("count", "ack_median", "ack_p90", "resolve_median", "resolve_p90",
                             "left")]
    rows += [("satisfaction", score, n) for score, n in report["satisfaction"]]
    rows += [("satisfaction", "skipped", report["survey_skipped"])]
    return rows


@bp.get("/reports")
@supervisor_only
def reports():
    report = compute(*_range(request.args))
    kiosks = db.session.scalars(select(Kiosk.id).order_by(Kiosk.code)).all()
    return htmx.render("staff/reports.html", report=report, kiosks=kiosks, steps=STEPS,
                       leaving=LEAVING, minutes=_minutes)


@bp.get("/reports.csv")
@supervisor_only
def reports_csv():
    report = compute(*_range(request.args))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("section", "key", "value"))
    writer.writerows(csv_rows(report))
    name = f"laporan-kiosk-{report['since']}-{report['until']}.csv"
    return out.getvalue(), 200, {"Content-Type": "text/csv; charset=utf-8",
                                 "Content-Disposition": f'attachment; filename="{name}"'}
