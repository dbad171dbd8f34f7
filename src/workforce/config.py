"""Settings, read once from the environment.

Tests set the environment before importing the app; everything else calls ``get_settings()``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


class ConfigError(RuntimeError):
    """The environment does not describe a usable configuration."""


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


@dataclass(frozen=True)
class Settings:
    environment: str
    database_url: str | None
    data_dir: Path
    secret_key: str
    base_url: str
    smtp_host: str
    smtp_port: int
    mail_from: str
    session_idle_minutes: int
    session_absolute_hours: int
    upload_max_bytes: int
    suppression_threshold: int
    db_pool_max: int
    log_queries: bool

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def engine(self) -> str:
        return "postgres" if self.database_url else "sqlite"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "workforce.sqlite"

    @property
    def upload_dir(self) -> Path:
        return self.data_dir / "uploads"


def _database_url() -> str | None:
    raw = os.environ.get("DATABASE_URL", "").strip()
    if not raw or raw.startswith("sqlite"):
        return None
    if raw.startswith(("postgres://", "postgresql://")):
        return raw
    raise ConfigError(
        f"DATABASE_URL must be empty (SQLite under ./var/) or a postgresql:// URL, got {raw.split(':')[0]}://..."
    )


def _data_dir() -> Path:
    raw = os.environ.get("WORKFORCE_DATA_DIR", "").strip()
    if raw:
        return Path(raw).resolve()
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith("sqlite:///"):
        return Path(database_url.removeprefix("sqlite:///")).resolve().parent
    return Path("var").resolve()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    environment = os.environ.get("WORKFORCE_ENV", "development").strip() or "development"
    if environment not in {"development", "test", "production"}:
        raise ConfigError(f"WORKFORCE_ENV must be development, test or production, got {environment!r}")
    secret_key = os.environ.get("SECRET_KEY", "")
    if not secret_key:
        if environment == "production":
            raise ConfigError("SECRET_KEY must be set in production (sessions and CSRF tokens depend on it)")
        # A fixed development key keeps sessions valid across restarts and workers on a developer machine.
        secret_key = "development-only-secret-key-change-me-" + "0" * 16
    if len(secret_key) < 32:
        raise ConfigError("SECRET_KEY must be at least 32 characters")
    return Settings(
        environment=environment,
        database_url=_database_url(),
        data_dir=_data_dir(),
        secret_key=secret_key,
        base_url=os.environ.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        smtp_host=os.environ.get("SMTP_HOST", "127.0.0.1"),
        smtp_port=_int("SMTP_PORT", 25),
        mail_from=os.environ.get("MAIL_FROM", "send-workforce@localhost"),
        session_idle_minutes=_int("SESSION_IDLE_MINUTES", 30),
        session_absolute_hours=_int("SESSION_ABSOLUTE_HOURS", 12),
        upload_max_bytes=_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024),
        suppression_threshold=_int("SUPPRESSION_THRESHOLD", 5),
        db_pool_max=_int("DB_POOL_MAX", 10),
        log_queries=_bool("LOG_QUERIES", False),
    )


def random_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)
