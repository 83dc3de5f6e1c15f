"""The Celery worker of the background ETL jobs (Procfile ``worker:`` line)::

    celery -A dashboard.admin.worker:celery_app worker --loglevel=INFO --concurrency=1

Importing :mod:`dashboard.app` builds the dashboard exactly as the web processes do,
which registers every background callback of the admin pages as a Celery task on the
queue of ``REDIS_URL``. Without ``REDIS_URL`` there is nothing to do: jobs then run on
the web machine (diskcache).
"""
from __future__ import annotations

from dashboard.admin import jobs
from etl.config import load_settings

_settings = load_settings()
if not _settings.redis_url:
    raise SystemExit("REDIS_URL is not set: background jobs run in the web process (diskcache); no worker needed")

import dashboard.app  # noqa: E402,F401 - registers the background callbacks as tasks

celery_app = jobs.celery_app(_settings.redis_url)
