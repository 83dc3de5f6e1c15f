"""ETL from the browser on Celery + Redis: the Procfile's worker, as a real subprocess, runs the job.

Redis is the one of this machine (``TEST_REDIS_URL``, default ``redis://127.0.0.1:6379/15``);
the job queue gets a name of its own for this test, so nothing else on that Redis is touched.
Without Redis the test skips, except under ``CI=true`` where it fails.
"""
from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import IN_CI, ROOT
from tests.test_admin import NEWS, upload_body
from tests.test_auth import Session, callback_body, make_app, make_users

pytestmark = [pytest.mark.auth, pytest.mark.slow]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        why = f"Redis not reachable at {REDIS_URL}: {exc.__class__.__name__}"
        if IN_CI:
            pytest.fail(why + " (CI=true)")
        pytest.skip(why)


def _procfile_worker() -> list[str]:
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("worker:"))
    cmd = shlex.split(line.split(":", 1)[1])
    assert cmd[0] == "celery"
    return [str(Path(sys.executable).parent / "celery"), *cmd[1:]]


def test_an_upload_is_loaded_by_the_celery_worker(sqlite_url, monkeypatch, tmp_path):
    _redis_or_skip()
    queue = f"intl-test-{uuid.uuid4().hex[:8]}"
    env_extra = {"REDIS_URL": REDIS_URL, "INTL_JOB_QUEUE": queue, "DATABASE_URL": sqlite_url,
                 "INTL_SECRET_KEY": "celery-test-" + "k" * 40}
    make_users(sqlite_url)
    app = make_app(sqlite_url, monkeypatch, tmp_path, **env_extra)
    from dashboard.admin import jobs

    assert type(jobs.manager(REDIS_URL)).__name__ == "CeleryManager"

    log = (tmp_path / "worker.log").open("w")
    env = {**os.environ, **env_extra, "INTL_AUTH": "on", "INTL_UPLOAD_DIR": str(tmp_path / "uploads")}
    worker = subprocess.Popen(_procfile_worker() + ["--pool=solo", "--without-gossip", "--without-mingle"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        s = Session(app)
        assert s.login("alice").status_code == 302
        r = s.callback(upload_body(["news.txt"], [NEWS.encode()]))
        assert r.status_code == 200, r.text
        job_id = r.json["response"]["admin-upload-job"]["data"]
        body = callback_body([("admin-upload-result", "children")], [("admin-upload-job", "data", job_id)])
        r = s.callback(body)
        assert r.status_code == 200, r.text
        first = r.json
        assert "cacheKey" in first and "job" in first
        result, progress = None, []
        deadline = time.monotonic() + 120  # bounded wait for a worker that may be starting
        while time.monotonic() < deadline and result is None:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            r = s.c.post(f"/_dash-update-component?cacheKey={first['cacheKey']}&job={first['job']}",
                         json=body, headers={"X-CSRFToken": s.csrf})
            assert r.status_code in (200, 204), r.text
            if r.status_code == 200:
                progress += [r.json["progress"]] if r.json.get("progress") else []
                result = r.json.get("response")
            time.sleep(0.25)
        assert result is not None, (tmp_path / "worker.log").read_text()[-3000:]
        assert "Run 1: ok" in json.dumps(result)
        from sqlalchemy import select

        from etl.db import session_factory
        from etl.load.models import Document, Run

        with session_factory(sqlite_url)() as ses:
            assert ses.scalar(select(Run.trigger)) == "web:alice"
            assert len(ses.scalars(select(Document)).all()) == 1
        worker_log = (tmp_path / "worker.log").read_text()
        assert "background_callback_" in worker_log and "succeeded" in worker_log
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        log.close()


def test_the_job_queue_name_is_read_per_call_not_frozen_by_an_earlier_app(monkeypatch):
    """An app made earlier in the process for another queue (another test, another page) must not
    send this job to a queue that no worker reads: the full suite once waited 120 s on that."""
    from dashboard.admin import jobs

    url = "redis://127.0.0.1:6379/15"
    monkeypatch.delenv("INTL_JOB_QUEUE", raising=False)
    default = jobs.celery_app(url)
    monkeypatch.setenv("INTL_JOB_QUEUE", "intl-test-queue-a")
    mine = jobs.celery_app(url)
    assert default.conf.task_default_queue == "intl-jobs"
    assert mine is not default and mine.conf.task_default_queue == "intl-test-queue-a"
    assert jobs.celery_app(url) is mine
