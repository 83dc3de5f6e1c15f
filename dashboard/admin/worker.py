"""The Celery worker of the background ETL jobs (Procfile ``worker:`` line)::

    celery -A dashboard.admin.worker:celery_app worker --loglevel=INFO --concurrency=1

Building the dashboard's served app (``dashboard.app.app``, as the web processes do) registers
every background callback of the admin pages as a Celery task on the queue of ``REDIS_URL``;
importing :mod:`dashboard.app` alone builds nothing, so the worker asks for the app. Without
``REDIS_URL`` there is nothing to do: jobs then run on the web machine (diskcache).
"""
from __future__ import annotations

from dashboard.admin import jobs
from etl.config import load_settings

_settings = load_settings()
if not _settings.redis_url:
    raise SystemExit("REDIS_URL is not set: background jobs run in the web process (diskcache); no worker needed")

import dashboard.app  # noqa: E402

dashboard.app.app  # noqa: B018 - built on first use: registers the background callbacks as tasks

celery_app = jobs.celery_app(_settings.redis_url)
