"""Settings in one place: defaults, then ``intl.toml``, then environment variables.

- ``INTL_CONFIG``: path of the TOML file (default ``./intl.toml`` when present)
- ``DATABASE_URL``: any SQLAlchemy URL (default: SQLite file ``data/intl.db``)
- ``INTL_REFERENCE_DIR``: reference data folder (default ``data/reference``)
- ``REDIS_URL``: cache (and job queue) backend for the dashboard
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB_PATH = ROOT / "data" / "intl.db"
SAMPLE_DIR = ROOT / "data" / "sample"


@dataclass
class Settings:
    database_url: str = f"sqlite:///{DEFAULT_DB_PATH}"
    reference_dir: Path = ROOT / "data" / "reference"
    redis_url: str | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)
    schedule: list[dict[str, Any]] = field(default_factory=list)
    branding: dict[str, Any] = field(default_factory=dict)
    limits: dict[str, Any] = field(default_factory=dict)  # [limits]: per-document budgets (etl/limits.py)
    config_path: Path | None = None
    raw: dict[str, Any] = field(default_factory=dict)


def load_settings(config: str | Path | None = None, database_url: str | None = None) -> Settings:
    s = Settings()
    path = Path(config or os.environ.get("INTL_CONFIG") or "intl.toml")
    if path.exists():
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        s.raw, s.config_path = raw, path.resolve()
        db = raw.get("database", {})
        if db.get("url"):
            s.database_url = db["url"]
        ref = raw.get("reference", {})
        if ref.get("dir"):
            s.reference_dir = (path.parent / ref["dir"]).resolve()
        s.sources = list(raw.get("sources", []))
        s.schedule = list(raw.get("schedule", []))
        s.branding = dict(raw.get("branding", {}))
        s.limits = dict(raw.get("limits", {}))
        s.redis_url = raw.get("cache", {}).get("redis_url")
    env = os.environ
    if env.get("DATABASE_URL"):
        s.database_url = env["DATABASE_URL"]
    if env.get("INTL_REFERENCE_DIR"):
        s.reference_dir = Path(env["INTL_REFERENCE_DIR"]).resolve()
    if env.get("REDIS_URL"):
        s.redis_url = env["REDIS_URL"]
    if database_url:
        s.database_url = database_url
    s.database_url = normalise_url(s.database_url)
    return s


def normalise_url(url: str) -> str:
    """Accept the ``postgres://`` and ``postgresql://`` forms hosting platforms give and use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url
