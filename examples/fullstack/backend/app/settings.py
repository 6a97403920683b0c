"""Settings come from the environment only; DATABASE_URL and SECRET_KEY have no defaults."""

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

PLACEHOLDER_SECRETS = {"", "changeme", "generate_random_value"}


def _configure_logging() -> logging.Logger:
    # uvicorn configures only its own loggers; ours gets the same shape of output without
    # propagating to the root logger (uvicorn's "uvicorn" logger propagates there too).
    logger = logging.getLogger("shop")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())
        logger.propagate = False
    return logger


log = _configure_logging()


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise RuntimeError(f"{name} is not set; see .env.example")
    return value


def _database_url(raw: str) -> str:
    # Hosting platforms often hand out postgres://, which SQLAlchemy 1.4+ no longer accepts.
    if raw.startswith("postgres://"):
        return "postgresql://" + raw[len("postgres://"):]
    return raw


def _read_version() -> str:
    for candidate in (os.environ.get("VERSION_FILE"), "/VERSION", Path(__file__).resolve().parents[2] / "VERSION"):
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text(encoding="utf-8").strip()
    return "unknown"


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    app_env: str
    version: str


def load() -> Settings:
    settings = Settings(
        database_url=_database_url(_required("DATABASE_URL")),
        secret_key=_required("SECRET_KEY"),
        app_env=os.environ.get("APP_ENV", "development"),
        version=_read_version(),
    )
    if settings.app_env == "production" and settings.secret_key in PLACEHOLDER_SECRETS:
        log.warning("SECRET_KEY still has its placeholder value; generate one (openssl rand -hex 32)")
    return settings


settings = load()
