"""The JHT claim kiosk: a Flask application for a touchscreen in a branch lobby."""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from kiosk.config import INSTANCE_DIR, config_from_env


def create_app(config: Mapping | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, commands."""
    config = config if config is not None else config_from_env()
    app = Flask(__name__, instance_path=config.get("INSTANCE_PATH", str(INSTANCE_DIR)))
    app.config.update(config)

    from kiosk.extensions import babel, csrf, db, htmx, limiter, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)

    from kiosk import i18n

    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _tune_sqlite(db.engine)

    from kiosk import devices, errors, security, visits
    from kiosk.participant import bp as participant_bp
    from kiosk.participant import voice

    devices.init_app(app)
    visits.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    app.register_blueprint(participant_bp)
    voice.init_app(app)

    from kiosk.staff import auth as staff_auth
    from kiosk.staff import bp as staff_bp

    staff_auth.init_app(app)
    app.register_blueprint(staff_bp)

    from kiosk.cli import register_commands

    register_commands(app)
    return app


def _tune_sqlite(engine: Engine) -> None:
    """Use WAL and a busy timeout so a kiosk's requests never fail on a held lock."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
