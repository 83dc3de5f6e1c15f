"""ETL jobs started from the browser, run in the background with live progress.

One machine: Dash background callbacks on a :class:`SpawnManager` (Dash's diskcache
manager, the cache in ``data/cache/jobs``), whose job is a *new* Python process
(:mod:`dashboard.admin.spawned`), started with nothing of the web worker but its
environment: Dash's own manager forked the worker, and the copy kept the worker's client
connections open, so a viewer whose keep-alive connection the worker closed waited on a
socket nobody served until the job ended (3 of 8 viewers hung during a run). Several
machines, or a web tier that must stay responsive: when ``REDIS_URL`` is set, a
:class:`dash.CeleryManager` on Redis, and jobs run in the Celery worker of the
Procfile (``worker: celery -A dashboard.admin.worker:celery_app worker``).

A job is asked for in two steps, so that nobody can start one by posting a value of
their own making: an ordinary (request-time) callback checks the administrator, writes
the job's *spec* (what to load, who asked, which database) to the job store under a
random id, audits the request, and puts only the id in the page; the background
callback then *takes* the spec by that id (once). An id that was never issued, or was
already used, starts nothing. The database URL therefore never travels to the browser.

The page holds a *job reference*: the id, followed by ``:zh`` when the job was asked for from
the 中文 interface (:func:`job_ref`), so that the background callback — which sees nothing of
the page but that value — reports progress and result in the language of the page.
"""
from __future__ import annotations

import json
import logging
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dashboard.labels import add_translations, t
from etl.config import ROOT, load_settings

log = logging.getLogger("dashboard.jobs")
JOB_CACHE_DIR = ROOT / "data" / "cache" / "jobs"
SPEC_TTL = 3600  # seconds a requested job may wait for its background callback
_managers: dict[Any, Any] = {}
_celery: dict[tuple[str, str], Any] = {}
_stores: dict[str, Any] = {}

add_translations({"starting …": "正在启动 …", "done": "完成"}, context="job progress")


# -- managers ------------------------------------------------------------------------
def celery_app(redis_url: str):
    """The Celery app of the job queue on ``redis_url`` (one per URL and queue name per process:
    ``INTL_JOB_QUEUE`` is read on every call, so an app made earlier for another queue is never
    reused — its jobs would wait in a queue no worker reads)."""
    queue = os.environ.get("INTL_JOB_QUEUE", "intl-jobs")
    if (redis_url, queue) not in _celery:
        from celery import Celery

        app = Celery("intl_jobs", broker=redis_url, backend=redis_url)
        app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"],
                        worker_hijack_root_logger=False, broker_connection_retry_on_startup=True,
                        result_expires=24 * 3600, worker_prefetch_multiplier=1, task_acks_late=False,
                        task_default_queue=queue)
        _celery[(redis_url, queue)] = app
    return _celery[(redis_url, queue)]


class SpawnedJob:
    """What :class:`SpawnManager` keeps of a background callback: the importable name of its
    function (``module:name``), which the new process imports and runs."""

    def __init__(self, fn: Callable, progress: bool):
        qualname = getattr(fn, "__qualname__", "")
        self.target = f"{fn.__module__}:{qualname}" if qualname and "<locals>" not in qualname else None
        self.name, self.progress = getattr(fn, "__name__", "?"), bool(progress)


def _diskcache_manager_class():
    from dash import DiskcacheManager

    class SpawnManager(DiskcacheManager):
        """Dash's diskcache manager, whose jobs run in a new process, not a fork of the web worker.

        The new process (``python -m dashboard.admin.spawned``, all other descriptors closed,
        a session of its own) reads the job from its standard input — the callback's importable
        name, its arguments and context, the cache's folder — runs it as Dash's own job function
        would, and writes progress and result to the same cache, where the page's polling finds
        them. Only module-level functions can be run so (see ``ui.run_panel_job``).
        """

        def make_job_fn(self, fn, progress, key=None):
            return SpawnedJob(fn, progress)

        def call_job_fn(self, key, job_fn, args, context):
            if job_fn.target is None:
                raise RuntimeError(f"background callback {job_fn.name} is not a module-level function: "
                                   "it cannot run in a spawned process")
            spec = {"fn": job_fn.target, "progress": job_fn.progress, "cache": self.handle.directory,
                    "key": key, "progress_key": self._make_progress_key(key), "args": args,
                    "context": dict(context)}
            proc = subprocess.Popen([sys.executable, "-m", "dashboard.admin.spawned"], stdin=subprocess.PIPE,
                                    close_fds=True, start_new_session=True)
            try:  # the context holds the request's cookies: a pipe, never the command line
                proc.stdin.write(json.dumps(spec, default=str).encode())
            finally:
                proc.stdin.close()
            log.info("background job %s started as process %d", job_fn.name, proc.pid)
            return proc.pid

    return SpawnManager


def manager(redis_url: str | None = None):
    """The background-callback manager: Celery on Redis when ``redis_url``, else spawned processes
    on diskcache (:class:`SpawnManager`)."""
    key = (redis_url, os.environ.get("INTL_JOB_QUEUE", "intl-jobs")) if redis_url else "diskcache"
    if key not in _managers:
        if redis_url:
            from dash import CeleryManager

            _managers[key] = CeleryManager(celery_app(redis_url), expire=24 * 3600)
        else:
            import diskcache

            JOB_CACHE_DIR.mkdir(parents=True, exist_ok=True)
            _managers[key] = _diskcache_manager_class()(diskcache.Cache(str(JOB_CACHE_DIR)), expire=24 * 3600)
    return _managers[key]


# -- the job store: spec by one-time id ------------------------------------------------------
class _DiskStore:
    def __init__(self):
        import diskcache

        JOB_CACHE_DIR.mkdir(parents=True, exist_ok=True)
        self.cache = diskcache.Cache(str(JOB_CACHE_DIR / "specs"))

    def put(self, key: str, value: str) -> None:
        self.cache.set(key, value, expire=SPEC_TTL)

    def take(self, key: str) -> str | None:
        return self.cache.pop(key, default=None)


class _RedisStore:
    def __init__(self, url: str):
        import redis

        self.r = redis.Redis.from_url(url)

    def put(self, key: str, value: str) -> None:
        self.r.set("intl-job-spec:" + key, value, ex=SPEC_TTL)

    def take(self, key: str) -> str | None:
        v = self.r.getdel("intl-job-spec:" + key)
        return v.decode() if v is not None else None


def store(redis_url: str | None = None):
    key = redis_url or "diskcache"
    if key not in _stores:
        _stores[key] = _RedisStore(redis_url) if redis_url else _DiskStore()
    return _stores[key]


def request_job(redis_url: str | None, *, kind: str, user: str, database_url: str,
                paths: list[str] | None = None, sources: list[str] | None = None) -> str:
    """Record what to run; returns the one-time id the page hands to the background callback."""
    if kind not in ("paths", "sources"):
        raise ValueError(f"unknown job kind {kind!r}")
    job_id = secrets.token_urlsafe(24)
    spec = {"kind": kind, "user": user, "url": database_url, "paths": [str(p) for p in paths or []],
            "sources": list(sources or []), "requested": time.time()}
    store(redis_url).put(job_id, json.dumps(spec))
    return job_id


def job_ref(job_id: str, lang: str | None = "en") -> str:
    """What the page holds for a requested job: its id, plus the interface language unless English."""
    return f"{job_id}:zh" if lang == "zh" else job_id


def parse_job_ref(ref: Any) -> tuple[Any, str]:
    """(job id, interface language) of a job reference (a bare id: English)."""
    if isinstance(ref, str) and ref.endswith(":zh"):
        return ref[:-3], "zh"
    return ref, "en"


def take_job(redis_url: str | None, job_id: Any) -> dict[str, Any] | None:
    job_id = parse_job_ref(job_id)[0]
    if not isinstance(job_id, str) or not 20 <= len(job_id) <= 64:
        return None
    raw = store(redis_url).take(job_id)
    return json.loads(raw) if raw else None


# -- running a job ------------------------------------------------------------------------
_LOCK_HOLDER = re.compile(r" by (?P<holder>.+?) since (?P<since>.+? UTC)")

def run_job(spec: dict[str, Any], set_progress: Callable[[tuple], None] | None = None,
            lang: str | None = "en") -> dict[str, Any]:
    """Run one ETL job described by ``spec``; returns the run object (``RunInfo.to_dict``)
    or ``{"status": "failed", "error": …, "why": "locked" | "crashed"}`` when the run could not
    start (``error`` in English, as audited; ``dashboard.admin.ui.run_summary`` words it for the
    page). The progress texts are in the interface language ``lang``."""
    from dashboard.users import audit
    from etl.errors import LockedError
    from etl.pipeline import Pipeline

    settings = load_settings(database_url=spec["url"])
    user = spec.get("user") or "?"
    last = [0.0]

    def progress(done: int, total: int, name: str) -> None:
        now = time.monotonic()
        if set_progress and (done == total or now - last[0] > 0.25):
            last[0] = now
            pct = 100 * done / total if total else 100
            set_progress((round(pct, 1), f"{done} / {total} · {Path(str(name)).name[:60]}"))

    if set_progress:
        set_progress((0, t("starting …", lang, context="job progress")))
    try:
        pipeline = Pipeline(settings, trigger=f"web:{user}"[:40], progress=progress)
        if spec["kind"] == "paths":
            # uploads: a file that fails is moved aside (.quarantine/), not read again by the next "re-load"
            info = pipeline.run([Path(p) for p in spec["paths"]], quarantine=True)
        else:
            info = pipeline.run_sources(spec.get("sources") or None)
    except LockedError as exc:
        result = {"status": "failed", "error": f"another ETL run is in progress ({exc})", "why": "locked"}
        held = _LOCK_HOLDER.search(str(exc))
        if held:
            result.update(holder=held.group("holder"), since=held.group("since"))
        audit(settings.database_url, user, "etl.refused", detail=result)
        return result
    except Exception as exc:  # noqa: BLE001 - the page shows why; the log has the traceback
        log.exception("ETL job failed")
        result = {"status": "failed", "error": f"{exc.__class__.__name__}: {exc}", "why": "crashed"}
        audit(settings.database_url, user, "etl.failed", detail=result)
        return result
    result = info.to_dict()
    audit(settings.database_url, user, "etl.finished", target=f"run {info.run_id}",
          detail={"status": info.status, "documents": info.documents, "reports": info.reports,
                  "errors": len(info.errors)})
    if set_progress:
        set_progress((100, t("done", lang, context="job progress")))
    return result
