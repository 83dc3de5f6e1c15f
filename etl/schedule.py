"""``intl etl schedule``: the configured refreshes, run by APScheduler 3 as a process of its own.

The Procfile's ``clock: intl etl schedule`` line starts it. Each ``[[schedule]]`` table of the
TOML is one job::

    [scheduler]                       # optional
    timezone = "Asia/Shanghai"        # the zone the cron expressions are read in
    jobstore = "sqlite:///data/scheduler.db"   # default: the configured database
    misfire_grace_time = 3600         # a run missed by less than this (clock down) still runs
    coalesce = true                   # several missed runs make one
    lock_wait = 900                   # seconds a job waits for another ETL run to finish

    [[schedule]]
    name = "news"                     # job id "etl:news"; runs are logged with trigger "schedule:news"
    cron = "0 * * * *"                # minute hour day month weekday (crontab)
    sources = ["bistu-news"]          # default: every configured source

Why this shape:

- **Persistent job store** (``SQLAlchemyJobStore``): the next run time of each job survives
  a restart, so a run missed while the clock was down is noticed; ``misfire_grace_time``
  says how late it may still run and ``coalesce`` turns several missed runs into one.
  At start the store is reconciled with the TOML: a job whose settings did not change is left
  as stored (keeping its next run time), a changed one is updated, a new one added, and a job
  no longer in the TOML removed.
- **One job at a time per name** (``max_instances = 1``); across names and against manual
  runs, the ETL run lock decides: a job waits up to ``lock_wait`` seconds, then logs and skips.
- **Logs on stdout**, one line per event, as a process manager expects.
- **Hooks** run after a job's ETL run: a key of a ``[[schedule]]`` table other than the ones
  above names a hook registered with ``@after_run("key")`` (its value is the hook's options),
  e.g. ``report = {to = "leadership", format = "pdf"}``. Hooks live in modules listed in the
  TOML's top-level ``plugins``, so ``etl`` never imports the dashboard; an unknown key is an
  error at start, not a silently skipped report.
"""
from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from etl.config import Settings
from etl.sources.registry import NAME_RE, SourceConfigError, load_plugins

log = logging.getLogger("etl.schedule")

JOB_PREFIX = "etl:"
JOB_FUNC = "etl.schedule:run_job"
JOBS_TABLE = "apscheduler_jobs"
DEFAULTS = {"timezone": "Asia/Shanghai", "misfire_grace_time": 3600, "coalesce": True, "lock_wait": 900}
SPEC_KEYS = {"name", "cron", "sources", "misfire_grace_time", "coalesce"}

Hook = Callable[[Settings, Any, dict], None]
_HOOKS: dict[str, Hook] = {}
_SETTINGS: Settings | None = None


def after_run(key: str):
    """Register ``func(settings, run_info, options)`` to run after a scheduled job whose
    ``[[schedule]]`` table has ``key = {...options}``."""

    def deco(func: Hook) -> Hook:
        if key in SPEC_KEYS:
            raise ValueError(f"{key!r} is a schedule setting, not a hook name")
        _HOOKS[key] = func
        return func

    return deco


def hooks() -> dict[str, Hook]:
    return dict(_HOOKS)


@dataclass
class JobSpec:
    name: str
    cron: str
    trigger: Any
    sources: list[str] | None
    misfire_grace_time: int
    coalesce: bool
    hooks: dict[str, dict] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return JOB_PREFIX + self.name


def scheduler_options(settings: Settings) -> dict[str, Any]:
    opts = {**DEFAULTS, **settings.raw.get("scheduler", {})}
    unknown = set(opts) - set(DEFAULTS) - {"jobstore"}
    if unknown:
        raise SourceConfigError(f"[scheduler]: unknown option(s) {', '.join(sorted(unknown))} "
                                f"(accepted: {', '.join(sorted([*DEFAULTS, 'jobstore']))})")
    return opts


DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _weekdays(field: str) -> str:
    """A crontab day-of-week field (0 or 7 = Sunday) in APScheduler 3's terms, where numbers
    start at Monday: numeric days are spelt as names, which both read the same way."""
    if field == "*" or not any(c.isdigit() for c in field):
        return field
    days: set[int] = set()
    for item in field.split(","):
        rng, _, step = item.partition("/")
        if rng == "*":
            lo, hi = 0, 6
        elif "-" in rng:
            lo, hi = (int(x) for x in rng.split("-", 1))
        else:
            lo = int(rng)
            hi = 6 if step else lo  # "5/2" means from 5 to the end, every 2nd
        if not (0 <= lo <= 7 and 0 <= hi <= 7 and lo <= hi):
            raise ValueError(f"day of week {item!r} out of range 0-7")
        days.update(d % 7 for d in range(lo, hi + 1, int(step) if step else 1))
    return ",".join(DAY_NAMES[d] for d in sorted(days, key=lambda d: (d + 6) % 7))


def cron_trigger(expr: str, timezone: str):
    """A trigger for a standard crontab line ``minute hour day month weekday``.

    Two differences of APScheduler 3's own ``from_crontab`` are corrected: weekday numbers
    count from Sunday as in crontab (APScheduler 3 counts from Monday), and when both the day
    of the month and the weekday are restricted, either one matching fires (as cron does),
    not both."""
    from apscheduler.triggers.combining import OrTrigger
    from apscheduler.triggers.cron import CronTrigger

    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(f"a cron expression has 5 fields (minute hour day month weekday), got {len(fields)}")
    minute, hour, day, month, dow = fields
    dow = _weekdays(dow.lower())
    if day != "*" and dow != "*":
        return OrTrigger([CronTrigger(minute=minute, hour=hour, day=day, month=month, timezone=timezone),
                          CronTrigger(minute=minute, hour=hour, month=month, day_of_week=dow, timezone=timezone)])
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=dow, timezone=timezone)


def job_specs(settings: Settings) -> list[JobSpec]:
    """The ``[[schedule]]`` tables, checked: valid cron, known sources, registered hooks."""
    load_plugins(settings)
    opts = scheduler_options(settings)
    configured = {t.get("name") or t.get("kind") for t in settings.sources}
    specs, names = [], set()
    for i, table in enumerate(settings.schedule, 1):
        table = dict(table)
        name = table.get("name")
        where = f"[[schedule]] #{i} ({name or '?'})"
        if not name or not NAME_RE.match(str(name)) or len(name) > 30:
            raise SourceConfigError(f"{where}: name must be 1–30 letters, digits, '-', '_' or '.'")
        if name in names:
            raise SourceConfigError(f"{where}: two schedules are named {name!r}")
        names.add(name)
        if not table.get("cron"):
            raise SourceConfigError(f"{where}: no cron expression (e.g. cron = \"0 * * * *\")")
        try:
            trigger = cron_trigger(table["cron"], opts["timezone"])
        except (ValueError, KeyError) as exc:
            raise SourceConfigError(f"{where}: bad cron expression {table['cron']!r}: {exc}") from None
        sources = table.get("sources")
        if isinstance(sources, str):
            sources = [sources]
        missing = [s for s in sources or [] if s not in configured]
        if missing:
            raise SourceConfigError(f"{where}: no configured source named {', '.join(map(repr, missing))}")
        extra = {k: v for k, v in table.items() if k not in SPEC_KEYS}
        unknown = [k for k in extra if k not in _HOOKS]
        if unknown:
            raise SourceConfigError(f"{where}: unknown key(s) {', '.join(unknown)}: neither a schedule setting "
                                    f"({', '.join(sorted(SPEC_KEYS))}) nor a hook registered by a plugin "
                                    f"(registered: {', '.join(sorted(_HOOKS)) or 'none'})")
        specs.append(JobSpec(name=name, cron=table["cron"], trigger=trigger, sources=sources,
                             misfire_grace_time=int(table.get("misfire_grace_time", opts["misfire_grace_time"])),
                             coalesce=bool(table.get("coalesce", opts["coalesce"])),
                             hooks={k: dict(v) if isinstance(v, dict) else {"value": v} for k, v in extra.items()}))
    return specs


def _scheduler_class(blocking: bool):
    """APScheduler's Blocking/BackgroundScheduler, minus one pass of job processing that
    APScheduler 3 makes *after* ``shutdown()``: with the executor already closed it fails to
    submit the due jobs yet still advances their next run time, so a missed run was lost
    (seen with ``--list`` while the clock was down)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.base import STATE_STOPPED
    from apscheduler.schedulers.blocking import BlockingScheduler

    base = BlockingScheduler if blocking else BackgroundScheduler

    class Scheduler(base):
        def _process_jobs(self):
            if self.state == STATE_STOPPED:
                return None
            return super()._process_jobs()

    Scheduler.__name__ = Scheduler.__qualname__ = base.__name__
    return Scheduler


def make_scheduler(settings: Settings, *, blocking: bool = True):
    """A scheduler with the persistent job store, one worker thread and the misfire defaults."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    from etl.db import get_engine

    opts = scheduler_options(settings)
    store_url = opts.get("jobstore") or settings.database_url
    cls = _scheduler_class(blocking)
    # One worker: the ETL runs one at a time anyway (the run lock); a second due job queues.
    return cls(jobstores={"default": SQLAlchemyJobStore(engine=get_engine(store_url), tablename=JOBS_TABLE)},
               executors={"default": ThreadPoolExecutor(1)},
               job_defaults={"coalesce": True, "max_instances": 1,
                             "misfire_grace_time": int(opts["misfire_grace_time"])},
               timezone=opts["timezone"])


def _same(job, spec: JobSpec) -> bool:
    return (job.func_ref == JOB_FUNC and list(job.args) == [spec.name] and repr(job.trigger) == repr(spec.trigger)
            and job.misfire_grace_time == spec.misfire_grace_time and job.coalesce == spec.coalesce)


def sync_jobs(scheduler, specs: list[JobSpec]) -> dict[str, list[str]]:
    """Make the (started) scheduler's job store hold exactly the configured jobs.
    Unchanged jobs keep their stored next run time, which is what makes misfire handling work."""
    changes: dict[str, list[str]] = {"added": [], "updated": [], "kept": [], "removed": []}
    stored = {j.id: j for j in scheduler.get_jobs() if j.id.startswith(JOB_PREFIX)}
    for spec in specs:
        job = stored.pop(spec.id, None)
        if job is not None and _same(job, spec):
            changes["kept"].append(spec.name)
            continue
        scheduler.add_job(JOB_FUNC, trigger=spec.trigger, args=[spec.name], id=spec.id, name=spec.name,
                          misfire_grace_time=spec.misfire_grace_time, coalesce=spec.coalesce,
                          max_instances=1, replace_existing=True)
        changes["updated" if job is not None else "added"].append(spec.name)
    for job in stored.values():
        scheduler.remove_job(job.id)
        changes["removed"].append(job.name)
    for kind, names in changes.items():
        if names:
            log.info("jobs %s: %s", kind, ", ".join(names))
    return changes


def describe_jobs(scheduler) -> list[dict[str, Any]]:
    return [{"id": j.id, "name": j.name, "trigger": str(j.trigger),
             "next_run_time": j.next_run_time.isoformat() if j.next_run_time else None}
            for j in sorted(scheduler.get_jobs(), key=lambda j: j.id) if j.id.startswith(JOB_PREFIX)]


# -- the job ----------------------------------------------------------------------------------
def use_settings(settings: Settings) -> None:
    """The settings the jobs of this process run with (set by ``serve``/``run_once``)."""
    global _SETTINGS
    _SETTINGS = settings


def run_job(name: str) -> dict[str, Any] | None:
    """One scheduled refresh: an ETL run over the job's sources, then its hooks.
    Returns the run object, or None when another run held the lock for too long."""
    from etl.config import load_settings
    from etl.errors import LockedError
    from etl.pipeline import Pipeline

    settings = _SETTINGS or load_settings()
    spec = next((s for s in job_specs(settings) if s.name == name), None)
    if spec is None:
        log.error("job %s: no [[schedule]] named %r in the settings; nothing run", name, name)
        return None
    wait = float(scheduler_options(settings)["lock_wait"])
    log.debug("job %s: ETL run over %s", name, ", ".join(spec.sources) if spec.sources else "every source")
    try:
        info = Pipeline(settings, trigger=f"schedule:{name}"[:40], wait=wait).run_sources(spec.sources)
    except LockedError as exc:
        log.warning("job %s: skipped: %s", name, exc)
        return None
    d = info.documents
    log.info("job %s: run %s %s: documents new %d, changed %d, unchanged %d, failed %d; reports loaded %d; "
             "%d error(s)", name, info.run_id, info.status, d["new"], d["changed"], d["unchanged"], d["failed"],
             info.reports["loaded"], len(info.errors))
    for e in info.errors:
        log.warning("job %s: %s: %s", name, e["file"], e["reason"])
    for key, options in spec.hooks.items():
        try:
            _HOOKS[key](settings, info, options)
            log.info("job %s: hook %s done", name, key)
        except Exception:  # a failed report must not hide the run
            log.exception("job %s: hook %s failed", name, key)
    return info.to_dict()


# -- the process --------------------------------------------------------------------------------
def log_to_stdout(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    root.handlers[:] = [logging.StreamHandler(sys.stdout)]
    root.handlers[0].setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # APScheduler's own INFO lines ("Running job…", "executed successfully", "Added job…") repeat
    # what our one line per run says; its warnings and errors still show.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _log_events(event) -> None:
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED

    if event.code == EVENT_JOB_MISSED:
        log.warning("job %s missed its run time %s (beyond misfire_grace_time)", event.job_id,
                    event.scheduled_run_time)
    elif event.code == EVENT_JOB_ERROR:
        log.error("job %s failed: %r", event.job_id, event.exception)


def serve(settings: Settings) -> int:
    """Run the scheduler in the foreground until SIGTERM/SIGINT (the Procfile clock)."""
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, EVENT_SCHEDULER_STARTED

    from etl.db import upgrade

    specs = job_specs(settings)  # a bad TOML fails here, before anything starts
    if not specs:
        log.error("no [[schedule]] tables in %s: nothing to schedule", settings.config_path or "the settings")
        return 2
    upgrade(settings.database_url)
    use_settings(settings)
    scheduler = make_scheduler(settings, blocking=True)
    failed = []

    def on_start(_event) -> None:
        try:
            sync_jobs(scheduler, specs)
            for j in describe_jobs(scheduler):
                log.info("job %s (%s): next run %s", j["name"], j["trigger"], j["next_run_time"])
        except Exception as exc:  # the store is unusable: stop rather than run nothing quietly
            log.exception("could not register the jobs")
            failed.append(exc)
            scheduler.shutdown(wait=False)

    def stop(signum, _frame) -> None:
        log.info("%s received: stopping after the running job", signal.Signals(signum).name)
        scheduler.shutdown(wait=True)

    scheduler.add_listener(on_start, EVENT_SCHEDULER_STARTED)
    scheduler.add_listener(_log_events, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("scheduler starting: %d job(s), time zone %s", len(specs), scheduler.timezone)
    scheduler.start()
    log.info("scheduler stopped")
    return 1 if failed else 0


def registered(settings: Settings) -> list[dict[str, Any]]:
    """Reconcile the job store with the TOML and list the jobs, without running anything."""
    from etl.db import upgrade

    specs = job_specs(settings)
    upgrade(settings.database_url)
    scheduler = make_scheduler(settings, blocking=False)
    scheduler.start(paused=True)
    try:
        sync_jobs(scheduler, specs)
        return describe_jobs(scheduler)
    finally:
        scheduler.shutdown(wait=False)


def run_once(settings: Settings, names: list[str] | None = None) -> int:
    """Register the jobs, then run each (or those named) once now, in TOML order; exit code 1
    when a run failed or was skipped. For deploy checks and for hosts that have cron instead."""
    specs = job_specs(settings)
    if names:
        unknown = [n for n in names if n not in {s.name for s in specs}]
        if unknown:
            raise SourceConfigError(f"no [[schedule]] named {', '.join(map(repr, unknown))}")
    for j in registered(settings):
        log.info("job %s (%s): next run %s", j["name"], j["trigger"], j["next_run_time"])
    use_settings(settings)
    code = 0
    for spec in specs:
        if names and spec.name not in names:
            continue
        out = run_job(spec.name)
        if out is None or out["status"] == "failed":
            code = 1
    return code
