"""Fixtures: `app`, `client`, `runner` on SQLite always, and PostgreSQL when TEST_DATABASE_URL is set."""
from __future__ import annotations

import os

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from kiosk import create_app
from kiosk.config import config_for_tests
from kiosk.extensions import db
from tests.databases import worker_database

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """Return a database migrated to the newest schema, once per backend per test run."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'kiosk.db'}"
    else:
        url = worker_database(os.environ["TEST_DATABASE_URL"])
    app = create_app(config_for_tests(tmp_path_factory.mktemp("instance"), url))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def app(database_url, tmp_path):
    """Return an app on the migrated database; every table is emptied after the test."""
    application = create_app(config_for_tests(tmp_path, database_url))
    yield application
    empty_tables(application)


def empty_tables(application) -> None:
    """Empty every table (the schema stays for the next test) and close the connections."""
    with application.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
