"""The scheduler (``intl etl schedule``): jobs from the TOML in a persistent store, misfire
handling, the job itself, hooks, and the process, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from etl import schedule
from etl.config import load_settings
from etl.db import get_engine, session_factory
from etl.load.lock import RunLock
from etl.load.models import Document, Run
from etl.sources.registry import SourceConfigError

from .conftest import CORPUS, ROOT, migrated

INTL = Path(sys.executable).with_name("intl")


def write_config(tmp_path, db_url: str, schedules: str, scheduler: str = "") -> Path:
    inbox = tmp_path / "inbox"
    if not inbox.exists():  # the first call: a new database, started at the schema's head (from the template)
        if ":memory:" not in db_url:
            migrated(db_url)
        inbox.mkdir()
        for stem in ("en-0001", "en-0002"):
            shutil.copy(CORPUS / "docs" / f"{stem}.txt", inbox)
        (tmp_path / "reports").mkdir()
    cfg = tmp_path / "intl.toml"
    cfg.write_text(textwrap.dedent(f"""
        [database]
        url = "{db_url}"
        [scheduler]
        timezone = "Asia/Shanghai"
        {scheduler}
        [[sources]]
        name = "inbox"
        kind = "folder"
        path = "inbox"
        [[sources]]
        name = "office"
        kind = "report"
        path = "reports"
        """) + textwrap.dedent(schedules), encoding="utf-8")
    return cfg


TWO_JOBS = """
    [[schedule]]
    name = "news"
    cron = "0 * * * *"
    sources = ["inbox"]
    [[schedule]]
    name = "reports"
    cron = "30 7 * * 1"
    sources = ["office"]
    misfire_grace_time = 600
    coalesce = false
    """


@pytest.fixture(autouse=True)
def _reset_settings():
    yield
    schedule.use_settings(None)


def paused(settings):
    sch = schedule.make_scheduler(settings, blocking=False)
    sch.start(paused=True)
    return sch


def runs(url: str) -> list[Run]:
    with session_factory(url)() as s:
        return list(s.scalars(select(Run).order_by(Run.id)))


def test_jobs_from_the_toml_are_registered_and_persisted(tmp_path, db_url):
    settings = load_settings(write_config(tmp_path, db_url, TWO_JOBS))
    jobs = {j["name"]: j for j in schedule.registered(settings)}
    assert set(jobs) == {"news", "reports"}
    assert jobs["news"]["trigger"] == "cron[month='*', day='*', day_of_week='*', hour='*', minute='0']"
    news_next = dt.datetime.fromisoformat(jobs["news"]["next_run_time"])
    assert news_next.utcoffset() == dt.timedelta(hours=8) and news_next.minute == 0
    reports_next = dt.datetime.fromisoformat(jobs["reports"]["next_run_time"])
    assert (reports_next.weekday(), reports_next.hour, reports_next.minute) == (0, 7, 30)
    assert schedule.JOBS_TABLE in inspect(get_engine(db_url)).get_table_names()

    # a new scheduler reads the same jobs from the store, with their settings
    sch = paused(settings)
    try:
        stored = {j.id: j for j in sch.get_jobs()}
        assert set(stored) == {"etl:news", "etl:reports"}
        assert stored["etl:reports"].misfire_grace_time == 600 and stored["etl:reports"].coalesce is False
        assert stored["etl:news"].misfire_grace_time == 3600 and stored["etl:news"].coalesce is True
        assert stored["etl:news"].args == ("news",) and stored["etl:news"].max_instances == 1
        assert stored["etl:news"].func_ref == "etl.schedule:run_job"
        # an unchanged job keeps its stored next run time (a missed run stays visible)
        past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
        sch.modify_job("etl:news", next_run_time=past)
        changes = schedule.sync_jobs(sch, schedule.job_specs(settings))
        assert changes == {"added": [], "updated": [], "kept": ["news", "reports"], "removed": []}
        assert sch.get_job("etl:news").next_run_time == past
    finally:
        sch.shutdown(wait=False)

    # the TOML changes: one job edited, one gone, one new
    settings = load_settings(write_config(tmp_path, db_url, """
        [[schedule]]
        name = "news"
        cron = "15 */2 * * *"
        [[schedule]]
        name = "nightly"
        cron = "0 2 * * *"
        """))
    sch = paused(settings)
    try:
        changes = schedule.sync_jobs(sch, schedule.job_specs(settings))
        assert changes == {"added": ["nightly"], "updated": ["news"], "kept": [], "removed": ["reports"]}
        assert str(sch.get_job("etl:news").trigger) == (
            "cron[month='*', day='*', day_of_week='*', hour='*/2', minute='15']")
        assert sch.get_job("etl:news").next_run_time > dt.datetime.now(dt.timezone.utc)
    finally:
        sch.shutdown(wait=False)


def test_a_missed_run_runs_once_within_grace_and_is_skipped_beyond(tmp_path, db_url):
    # hourly, half an hour from now: the ten missed runs are coalesced into one and no regular run can start
    # while the test waits (every minute, a minute boundary during the run made a second run)
    now = dt.datetime.now(dt.timezone.utc)
    settings = load_settings(write_config(tmp_path, db_url, f"""
        [[schedule]]
        name = "late"
        cron = "{(now.minute + 30) % 60} * * * *"
        sources = ["inbox"]
        [[schedule]]
        name = "too-late"
        cron = "0 3 * * *"
        sources = ["inbox"]
        misfire_grace_time = 60
        """))
    schedule.registered(settings)
    sch = paused(settings)
    sch.modify_job("etl:late", next_run_time=now - dt.timedelta(hours=10))  # ten missed runs
    sch.modify_job("etl:too-late", next_run_time=now - dt.timedelta(hours=2))
    sch.shutdown(wait=False)

    # the clock comes back: reconcile (jobs unchanged: kept as stored), then run what is due
    from apscheduler.events import EVENT_JOB_MISSED

    missed = []
    schedule.use_settings(settings)
    sch = paused(settings)
    sch.add_listener(lambda e: missed.append(e.job_id), EVENT_JOB_MISSED)
    assert schedule.sync_jobs(sch, schedule.job_specs(settings))["kept"] == ["late", "too-late"]
    sch.resume()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(r.status != "running" for r in runs(db_url)):
        time.sleep(0.1)
    sch.shutdown(wait=True)
    done = runs(db_url)
    assert [(r.trigger, r.status) for r in done] == [("schedule:late", "ok")]  # coalesced into one
    assert missed == ["etl:too-late"]
    with session_factory(db_url)() as s:
        assert len(s.scalars(select(Document)).all()) == 2


def test_run_job_runs_the_pipeline_and_its_hooks(tmp_path, db_url, monkeypatch):
    calls = []
    monkeypatch.setitem(schedule._HOOKS, "notify", lambda s, info, opts: calls.append((info.run_id, opts)))
    settings = load_settings(write_config(tmp_path, db_url, """
        [[schedule]]
        name = "news"
        cron = "0 * * * *"
        sources = ["inbox"]
        notify = {channel = "office", formats = ["pdf"]}
        """))
    schedule.use_settings(settings)
    out = schedule.run_job("news")
    assert out["status"] == "ok" and out["documents"]["new"] == 2
    assert list(out["sources"]) == ["inbox"]  # only the job's sources
    [run] = runs(db_url)
    assert run.trigger == "schedule:news" and run.id == out["run_id"]
    assert calls == [(run.id, {"channel": "office", "formats": ["pdf"]})]
    assert schedule.run_job("nope") is None


def test_a_job_skips_when_another_run_holds_the_lock(tmp_path, db_url):
    from etl.db import upgrade

    settings = load_settings(write_config(tmp_path, db_url, """
        [[schedule]]
        name = "news"
        cron = "0 * * * *"
        """, scheduler="lock_wait = 0"))
    upgrade(db_url)
    schedule.use_settings(settings)
    with RunLock(session_factory(db_url)):
        assert schedule.run_job("news") is None
    assert runs(db_url) == []
    assert schedule.run_job("news")["status"] == "ok"


@pytest.mark.parametrize("schedules, scheduler, message", [
    ('[[schedule]]\nname = "x"\ncron = "61 * * * *"\n', "", "bad cron expression"),
    ('[[schedule]]\nname = "x"\n', "", "no cron expression"),
    ('[[schedule]]\nname = "x"\ncron = "0 * * * *"\nsources = ["web"]\n', "", "no configured source named 'web'"),
    ('[[schedule]]\nname = "x"\ncron = "0 * * * *"\nmail = {to = "a"}\n', "", "unknown key(s) mail"),
    ('[[schedule]]\nname = "x"\ncron = "0 * * * *"\n[[schedule]]\nname = "x"\ncron = "1 * * * *"\n', "",
     "two schedules are named 'x'"),
    ("", "timezone_ = 'UTC'", "unknown option(s) timezone_"),
])
def test_bad_schedule_tables_are_refused(tmp_path, schedules, scheduler, message):
    settings = load_settings(write_config(tmp_path, "sqlite:///:memory:", schedules, scheduler))
    with pytest.raises(SourceConfigError) as exc:
        schedule.job_specs(settings)
    assert message in str(exc.value)


def _env():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "INTL_CONFIG")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def test_schedule_once_in_a_subprocess(tmp_path, sqlite_url):
    """(SQLite only: a scheduled run's record on both databases is test_run_job_runs_the_pipeline_and_its_hooks,
    the job store's in a process of its own test_schedule_process_starts_registers_and_stops_on_sigterm.)"""
    db_url = sqlite_url
    cfg = write_config(tmp_path, db_url, TWO_JOBS)
    p = subprocess.run([str(INTL), "etl", "schedule", "--config", str(cfg), "--once", "--job", "news"],
                       capture_output=True, text=True, timeout=120, cwd=ROOT, env=_env())
    assert p.returncode == 0, p.stdout + p.stderr
    assert "job news: run 1 ok: documents new 2" in p.stdout  # logs go to stdout
    assert [(r.trigger, r.status) for r in runs(db_url)] == [("schedule:news", "ok")]


def test_schedule_process_starts_registers_and_stops_on_sigterm(tmp_path, db_url):
    cfg = write_config(tmp_path, db_url, TWO_JOBS)
    proc = subprocess.Popen([str(INTL), "etl", "schedule", "--config", str(cfg)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, cwd=ROOT, env=_env())
    lines = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "job reports (" in line:
                break
        assert any("jobs added: news, reports" in ln for ln in lines), "".join(lines)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, "".join(lines) + out
    assert "scheduler stopped" in out
    # the jobs outlive the process, in the database's job store
    jobs = schedule.registered(load_settings(cfg))
    assert {j["name"] for j in jobs} == {"news", "reports"}


@pytest.mark.parametrize("cron, after, expected", [
    ("30 7 * * 1", "2025-01-05 00:00", "2025-01-06 07:30"),  # 1 = Monday, as in crontab
    ("0 0 * * 0", "2025-01-06 00:00", "2025-01-12 00:00"),  # 0 = Sunday
    ("0 0 * * 7", "2025-01-06 00:00", "2025-01-12 00:00"),  # 7 = Sunday too
    ("0 9 * * 1-5", "2025-01-10 10:00", "2025-01-13 09:00"),  # Friday after nine → Monday
    ("0 0 * * */2", "2025-01-05 01:00", "2025-01-07 00:00"),  # Sun, Tue, Thu, Sat
    ("0 8 1 * 1", "2025-01-02 00:00", "2025-01-06 08:00"),  # day 1 OR a Monday, as cron does
    ("0 8 1 * 1", "2025-01-28 00:00", "2025-02-01 08:00"),
    ("*/15 * * * *", "2025-01-05 10:07", "2025-01-05 10:15"),
])
def test_cron_expressions_read_as_crontab(cron, after, expected):
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    now = dt.datetime.fromisoformat(after).replace(tzinfo=tz)
    fire = schedule.cron_trigger(cron, "Asia/Shanghai").get_next_fire_time(None, now)
    assert fire == dt.datetime.fromisoformat(expected).replace(tzinfo=tz)


def test_the_scheduler_log_is_one_line_per_run_not_apschedulers_chatter():
    import logging

    from etl.schedule import log_to_stdout

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        log_to_stdout()
        for name in ("apscheduler.scheduler", "apscheduler.executors.default", "apscheduler.jobstores"):
            lg = logging.getLogger(name)
            assert not lg.isEnabledFor(logging.INFO) and lg.isEnabledFor(logging.WARNING), name
        assert logging.getLogger("etl.schedule").isEnabledFor(logging.INFO)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
