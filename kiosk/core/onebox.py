"""Gunicorn settings for the one-box shape: the web worker also runs the outbox sender.

    gunicorn --config python:kiosk.core.onebox --workers 1 --threads 4 wsgi:app

Only with OUTBOX_THREAD=1 (scripts/run.sh sets it). A branch leaves it off and runs
`flask --app wsgi core sync` as its own process; never a sender in every web worker.
"""
from __future__ import annotations


def post_worker_init(worker) -> None:
    """Start the sender thread in this worker once the app is loaded (OUTBOX_THREAD=1 only)."""
    from kiosk.core.outbox import start_thread

    app = worker.wsgi
    if worker.cfg.workers > 1 and app.config["OUTBOX_THREAD"]:
        worker.log.warning("OUTBOX_THREAD=1 with %s workers: each runs a sender; one box runs "
                           "one worker (a branch runs `core sync` instead)", worker.cfg.workers)
    if start_thread(app) is not None:
        worker.log.info("outbox sender thread started (OUTBOX_THREAD=1)")
