"""Settings from HGKIEMTRA_* environment variables, with embedded defaults.

Unknown HGKIEMTRA_* variables are rejected (a typo must not silently fall back
to a default), the settings are frozen once read, and production mode refuses
a default or weak secret key.
"""

from __future__ import annotations

import base64
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

PREFIX = "HGKIEMTRA_"
DEFAULT_SECRET_KEY = "dev-only-insecure-secret-key-change-me"
MIN_SECRET_LENGTH = 32

# HGKIEMTRA_TEST_* variables are read by the test-suite and the tooling, not
# by the application itself.
_TEST_PREFIX = "TEST_"


class ConfigError(RuntimeError):
    pass


@dataclass(frozen=True)
class Settings:
    ENV: str = "development"  # development | production | testing
    DATABASE_URL: str = ""  # empty: SQLite file in the instance folder
    REDIS_URL: str = ""  # empty: embedded broker (SQLite), no server needed
    SECRET_KEY: str = DEFAULT_SECRET_KEY
    # Key of the audit seal (cases/audit.py); empty: derived from SECRET_KEY.
    # Changing it (or the secret key when this is empty) needs `hgkiemtra audit seal --reseal`.
    AUDIT_KEY: str = ""
    BASE_URL: str = "http://127.0.0.1:5000"
    STORAGE_DIR: str = ""  # empty: instance/storage
    # Where documents and export files live, shared by every node: empty (the
    # folder STORAGE_DIR), file:///path, or s3://bucket/prefix?endpoint=URL&region=R
    # (credentials below, else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
    STORAGE_URL: str = ""
    STORAGE_ACCESS_KEY: str = ""
    STORAGE_SECRET_KEY: str = ""
    INSTANCE_DIR: str = ""  # empty: ./instance
    SMTP_HOST: str = ""  # empty: the local mail sink (readable by admins in the UI)
    SMTP_PORT: int = 25
    SMTP_USER: str = ""
    SMTP_PASSWORD: str = ""
    SMTP_STARTTLS: bool = False
    MAIL_FROM: str = "hgkiemtra@localhost"
    MAX_UPLOAD_MB: int = 20
    MAX_JSON_KB: int = 256
    API_PAGE_SIZE_MAX: int = 200
    LOG_LEVEL: str = "INFO"
    LOG_FORMAT: str = "text"  # text | json (one object per line, for log collectors)
    # Reverse proxies (nginx) in front of the app that set X-Forwarded-For/-Proto/-Host.
    # 0: trust no such header (served directly); 1: one nginx in front. Too high a
    # number lets a client forge its address and slip past the login throttle.
    PROXY_HOPS: int = 0
    # Case lists longer than this are exported by a background job (a Celery
    # task with a progress bar), not in the request.
    EXPORT_BACKGROUND_ROWS: int = 5000
    # Finished export files are deleted this many hours after they were made.
    EXPORT_KEEP_HOURS: int = 72
    # Seconds between the scheduler's ticks (due reminders -> outbox rows -> mail).
    # With several beats a standby takes over within about 1.3 ticks (beat_lock.py).
    REMINDER_TICK_SECONDS: int = 60
    # A mail claimed for sending longer ago than this is taken to belong to a
    # deliverer that died mid-send, and is sent again. Keep it well above the
    # longest SMTP conversation: a live sender's mail would go out twice.
    OUTBOX_CLAIM_TIMEOUT_SECONDS: int = 900
    # Fernet key(s) encrypting denouncers' identities (denunciations/vault.py):
    # comma-separated, the first encrypts, every one decrypts (key rotation).
    # Required in production; in development a key file is made in the instance
    # folder; in testing, without a key identities are refused.
    VAULT_KEY: str = ""
    # A PostgreSQL streaming replica for the statistics and the risk ranking
    # (read-only transactions; writes always go to DATABASE_URL). Empty: the primary.
    REPORTS_DATABASE_URL: str = ""
    # Above this replay lag (seconds) the statistics page warns that figures may be late.
    REPORTS_MAX_LAG_SECONDS: int = 60

    @property
    def is_production(self) -> bool:
        return self.ENV == "production"


def _coerce(raw: str, typ: Any, name: str) -> Any:
    if typ in (int, "int"):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{PREFIX}{name} must be an integer, got {raw!r}") from None
    if typ in (bool, "bool"):
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
        raise ConfigError(f"{PREFIX}{name} must be true or false, got {raw!r}")
    return raw


def load_settings(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    env = os.environ if environ is None else environ
    known = {f.name: f for f in fields(Settings)}
    values: dict[str, Any] = {}
    for key, raw in env.items():
        if not key.startswith(PREFIX):
            continue
        name = key[len(PREFIX):]
        if name.startswith(_TEST_PREFIX):
            continue
        if name not in known:
            raise ConfigError(f"unknown setting {key}; known: {', '.join(sorted(known))}")
        values[name] = _coerce(raw, known[name].type, name)
    for name, value in overrides.items():
        if name not in known:
            raise ConfigError(f"unknown setting {name}")
        values[name] = value
    settings = Settings(**values)
    _check(settings)
    return _with_defaults(settings)


def _check(settings: Settings) -> None:
    if settings.AUDIT_KEY and len(settings.AUDIT_KEY) < MIN_SECRET_LENGTH:
        raise ConfigError(f"{PREFIX}AUDIT_KEY must be at least {MIN_SECRET_LENGTH} characters")
    if settings.ENV not in {"development", "production", "testing"}:
        raise ConfigError(f"{PREFIX}ENV must be development, production or testing")
    if settings.LOG_FORMAT not in ("text", "json"):
        raise ConfigError(f"{PREFIX}LOG_FORMAT must be text or json")
    if settings.LOG_LEVEL.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ConfigError(f"{PREFIX}LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
    if not 0 <= settings.PROXY_HOPS <= 5:
        raise ConfigError(f"{PREFIX}PROXY_HOPS must be between 0 and 5")
    if not 1 <= settings.REMINDER_TICK_SECONDS <= 3600:
        raise ConfigError(f"{PREFIX}REMINDER_TICK_SECONDS must be between 1 and 3600")
    if settings.OUTBOX_CLAIM_TIMEOUT_SECONDS < 5:
        raise ConfigError(f"{PREFIX}OUTBOX_CLAIM_TIMEOUT_SECONDS must be at least 5")
    if settings.EXPORT_BACKGROUND_ROWS < 1 or settings.EXPORT_KEEP_HOURS < 1:
        raise ConfigError(f"{PREFIX}EXPORT_BACKGROUND_ROWS and {PREFIX}EXPORT_KEEP_HOURS "
                          "must be at least 1")
    if settings.is_production:
        key = settings.SECRET_KEY
        if key == DEFAULT_SECRET_KEY or len(key) < MIN_SECRET_LENGTH or len(set(key)) < 10:
            raise ConfigError(
                f"refusing to start in production with a default or weak {PREFIX}SECRET_KEY "
                f"(use at least {MIN_SECRET_LENGTH} random characters, e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
            )
    _check_vault_key(settings)
    _check_storage_and_replica(settings)


def _check_storage_and_replica(settings: Settings) -> None:
    from hgkiemtra.core.storage import parse_storage_url

    try:
        parse_storage_url(settings.STORAGE_URL, settings.STORAGE_DIR)
    except ValueError as exc:
        raise ConfigError(f"{PREFIX}STORAGE_URL: {exc}") from None
    if bool(settings.STORAGE_ACCESS_KEY) != bool(settings.STORAGE_SECRET_KEY):
        raise ConfigError(f"{PREFIX}STORAGE_ACCESS_KEY and {PREFIX}STORAGE_SECRET_KEY "
                          "go together: set both or neither")
    replica = normalise_database_url(settings.REPORTS_DATABASE_URL)
    if replica and not replica.startswith("postgresql"):
        raise ConfigError(f"{PREFIX}REPORTS_DATABASE_URL must be a PostgreSQL URL (a replica)")
    if settings.REPORTS_MAX_LAG_SECONDS < 1:
        raise ConfigError(f"{PREFIX}REPORTS_MAX_LAG_SECONDS must be at least 1")


def vault_keys(raw: str) -> list[str]:
    """The Fernet keys of VAULT_KEY, in order (the first encrypts)."""
    return [part.strip() for part in raw.split(",") if part.strip()]


def _check_vault_key(settings: Settings) -> None:
    # Never echo a key back: the message says which one, not what it is.
    for number, key in enumerate(vault_keys(settings.VAULT_KEY), start=1):
        try:
            valid = len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
        except (ValueError, UnicodeEncodeError):
            valid = False
        if not valid:
            raise ConfigError(
                f"{PREFIX}VAULT_KEY: key {number} is not a Fernet key (32 url-safe base64 "
                "bytes); make one with `python -c \"from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())\"`"
            )
    if settings.is_production and not vault_keys(settings.VAULT_KEY):
        raise ConfigError(
            f"refusing to start in production without {PREFIX}VAULT_KEY: denouncers' "
            "identities must be encrypted with a key kept outside the database"
        )


def _with_defaults(settings: Settings) -> Settings:
    data = asdict(settings)
    instance = Path(data["INSTANCE_DIR"] or Path.cwd() / "instance").resolve()
    data["INSTANCE_DIR"] = str(instance)
    if not data["DATABASE_URL"]:
        data["DATABASE_URL"] = f"sqlite:///{instance / 'hgkiemtra.sqlite'}"
    data["DATABASE_URL"] = normalise_database_url(data["DATABASE_URL"])
    if data["STORAGE_URL"].startswith("file:"):
        from hgkiemtra.core.storage import parse_storage_url

        # One folder, named once: STORAGE_DIR follows a file:/// storage URL.
        data["STORAGE_DIR"] = parse_storage_url(data["STORAGE_URL"], "").folder
    if not data["STORAGE_DIR"]:
        data["STORAGE_DIR"] = str(instance / "storage")
    data["REPORTS_DATABASE_URL"] = normalise_database_url(data["REPORTS_DATABASE_URL"])
    return Settings(**data)


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres:// and postgresql:// URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
