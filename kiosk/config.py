"""Settings, every one read from the environment (CONTRACT.md, Settings)."""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.jht.identifiers import is_ascii_digits
from kiosk.jht.policy import Policy

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
TRANSLATIONS_DIR = PROJECT_ROOT / "translations"


_TRUE, _FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})
# Every body the kiosk takes is a form or a camera frame (2 MB at most: kiosk.participant.selfie).
MAX_CONTENT_LENGTH = 4 * 1024 * 1024


class ConfigError(ValueError):
    """A setting in the environment cannot be used; the message names it."""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not value >= minimum:  # also refuses nan
        raise ConfigError(f"{name} must be at least {minimum}, got {raw}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in _TRUE | _FALSE:
        raise ConfigError(f"{name} must be 1 or 0, got {raw!r}")
    return raw in _TRUE


def _date(name: str, raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must hold dates as YYYY-MM-DD, got {raw!r}") from None


def _printer_url(raw: str) -> str:
    """Refuse a printer URL that cannot work now rather than at the first participant's receipt."""
    from hardware.printer import parse_url

    try:
        parse_url(raw)
    except ValueError as exc:
        raise ConfigError(f"PRINTER_URL: {exc}") from None
    return raw.strip()


def _timezone(raw: str) -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"TIMEZONE must be a zone such as Asia/Jakarta, got {raw!r}") from None
    return raw


def _database_url(raw: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs that name no driver."""
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def _secret_key(env: Mapping[str, str], instance_dir: Path) -> str:
    """Return SECRET_KEY, or one generated once into instance/ so restarts keep sessions."""
    if env.get("SECRET_KEY"):
        return env["SECRET_KEY"]
    key_file = instance_dir / "secret_key"
    if not key_file.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def config_from_env(env: Mapping[str, str] | None = None, instance_dir: Path = INSTANCE_DIR) -> dict:
    """Build the Flask config mapping from environment variables."""
    env = os.environ if env is None else env
    holidays = frozenset(
        _date("HOLIDAYS", part) for part in env.get("HOLIDAYS", "").split(",") if part.strip()
    )
    today_raw = env.get("KIOSK_TODAY", "").strip()
    branch_code = env.get("BRANCH_CODE", "0901").strip()
    if not (len(branch_code) == 4 and is_ascii_digits(branch_code)):
        raise ConfigError(f"BRANCH_CODE must be 4 digits, got {branch_code!r}")
    return {
        "INSTANCE_PATH": str(instance_dir),
        "SECRET_KEY": _secret_key(env, instance_dir),
        "SQLALCHEMY_DATABASE_URI": _database_url(
            env.get("DATABASE_URL") or f"sqlite:///{instance_dir / 'kiosk.db'}"
        ),
        "KIOSK_ID": env.get("KIOSK_ID", "K01").strip(),
        "BRANCH_CODE": branch_code,
        "BRANCH_NAME": env.get("BRANCH_NAME", "Demo").strip(),
        "BRANCH_PHONE": env.get("BRANCH_PHONE", "").strip(),
        "PRINTER_URL": _printer_url(env.get("PRINTER_URL", "").strip()
                                    or f"sim://{instance_dir / 'receipts'}"),
        # The branch's clock on receipts (WIB; WITA is Asia/Makassar, WIT Asia/Jayapura).
        "TIMEZONE": _timezone(env.get("TIMEZONE", "").strip() or "Asia/Jakarta"),
        "CORE_URL": env.get("CORE_URL", "").strip(),
        # One HTTP call to the core: the connect and the read timeout each (kiosk/core/http.py).
        "CORE_TIMEOUT_SECONDS": _float(env, "CORE_TIMEOUT_SECONDS", 5.0, minimum=0.01),
        # Tries of one call (backoff with jitter from CORE_RETRY_WAIT_SECONDS between them).
        "CORE_RETRIES": _int(env, "CORE_RETRIES", 3, minimum=1),
        "CORE_RETRY_WAIT_SECONDS": _float(env, "CORE_RETRY_WAIT_SECONDS", 0.2),
        # The outbox sender (kiosk/core/outbox.py): a pass every OUTBOX_INTERVAL_SECONDS; a failed
        # message waits OUTBOX_BACKOFF_SECONDS, doubling per failure up to the maximum; a
        # delivered claim's state is asked of the core every OUTBOX_STATUS_SECONDS.
        "OUTBOX_INTERVAL_SECONDS": _float(env, "OUTBOX_INTERVAL_SECONDS", 2.0, minimum=0.01),
        "OUTBOX_BACKOFF_SECONDS": _float(env, "OUTBOX_BACKOFF_SECONDS", 5.0),
        "OUTBOX_BACKOFF_MAX_SECONDS": _float(env, "OUTBOX_BACKOFF_MAX_SECONDS", 600.0),
        "OUTBOX_STATUS_SECONDS": _float(env, "OUTBOX_STATUS_SECONDS", 300.0),
        # 1 only in the one-box shape: the web server's one worker also runs the sender
        # (scripts/run.sh). A branch runs `flask --app wsgi core sync` as its own process instead.
        "OUTBOX_THREAD": _bool(env, "OUTBOX_THREAD", False),
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host; 0 = none,
        # and those headers are ignored (a LAN browser could forge "I am localhost" otherwise).
        "TRUSTED_PROXIES": _int(env, "TRUSTED_PROXIES", 0),
        "SELF_SERVICE_LIMIT": _int(env, "SELF_SERVICE_LIMIT", 15_000_000),
        "HOLIDAYS": holidays,
        "SELFIE_TRIES": _int(env, "SELFIE_TRIES", 3, minimum=1),
        "IDLE_SECONDS": _int(env, "IDLE_SECONDS", 60, minimum=10),
        # WCAG 2.2.1 asks at least 20 s to answer a timeout warning.
        "IDLE_WARNING_SECONDS": _int(env, "IDLE_WARNING_SECONDS", 30, minimum=20),
        "RETENTION_SELFIE_HOURS": _int(env, "RETENTION_SELFIE_HOURS", 0),
        "RETENTION_SESSION_DAYS": _int(env, "RETENTION_SESSION_DAYS", 30),
        "IDENTIFY_TRIES": _int(env, "IDENTIFY_TRIES", 3, minimum=1),
        "IDENTIFY_KIOSK_FAILURES": _int(env, "IDENTIFY_KIOSK_FAILURES", 10, minimum=1),
        "IDENTIFY_KIOSK_WINDOW_MINUTES": _int(env, "IDENTIFY_KIOSK_WINDOW_MINUTES", 15, minimum=1),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "KIOSK_TODAY": _date("KIOSK_TODAY", today_raw) if today_raw else None,
        "DEMO": env.get("DEMO", "0").strip() in {"1", "true", "yes"},
        # The voice: pyttsx3 (espeak-ng) or tone (a test double that writes a quiet tone).
        "SPEECH": env.get("SPEECH", "pyttsx3").strip(),
        "SPEECH_TIMEOUT_SECONDS": _int(env, "SPEECH_TIMEOUT_SECONDS", 10, minimum=1),
        "VOICE_DIR": env.get("VOICE_DIR", "").strip() or str(instance_dir / "voice"),
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_TRANSLATION_DIRECTORIES": str(TRANSLATIONS_DIR),
        "SESSION_COOKIE_SAMESITE": "Strict",
        "SESSION_COOKIE_HTTPONLY": True,
        # 1 where the branch serves the kiosk over HTTPS (also behind a proxy that ends TLS, where
        # the app itself sees plain HTTP): the session and the device cookie go over HTTPS only.
        "SESSION_COOKIE_SECURE": _bool(env, "SESSION_COOKIE_SECURE", False),
        "MAX_CONTENT_LENGTH": MAX_CONTENT_LENGTH,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    }


def config_for_tests(tmp_dir: Path, database_url: str | None = None, **overrides) -> dict:
    """Return a config for tests: a private instance folder, a fixed date, CSRF off."""
    env = {"SECRET_KEY": "test-secret", "KIOSK_TODAY": "2026-11-23"}
    if database_url:
        env["DATABASE_URL"] = database_url
    config = config_from_env(env, instance_dir=tmp_dir)
    config.update(TESTING=True, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    config.update(overrides)
    return config


def policy_from_config(config: Mapping) -> Policy:
    """Build the claim-rules Policy from the settings that vary by deployment."""
    return Policy(self_service_limit=config["SELF_SERVICE_LIMIT"], holidays=config["HOLIDAYS"])
