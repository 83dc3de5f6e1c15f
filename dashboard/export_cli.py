"""``intl export …``: figures, data and the leadership report as files; and the scheduler's
``report`` hook, which writes the report after each scheduled refresh.

::

    intl export list
    intl export figure NAME --format png|svg|pdf -o FILE [filters] [--lang en|zh] [--scale 2]
    intl export data NAME --format csv|xlsx|json -o FILE [filters] [--lang en|zh]
    intl export figure school_partners --school "Automation" -o FILE     # a school's page's chart
    intl export data partner_timeline --partner 29 -o FILE               # a partner's page's chart
    intl export data programme_sources --programme 12 -o FILE            # a programme record's page's chart
    intl export report --format pptx|pdf -o FILE [--from YEAR] [--to YEAR] [--school …] [--lang en|zh]

Filters: ``--from/--to YEAR``, ``--school`` (id, English or Chinese name; repeatable),
``--kind`` (activity kind), ``--country`` (ISO code), ``--partner-kind``, ``--doc-lang``
(language of the documents). ``--format`` defaults to the output file's suffix.

In a ``[[schedule]]`` table (intl.example.toml)::

    report = { format = ["pdf", "pptx"], lang = "zh", dir = "data/reports", from = 2019 }

writes ``report-<date>-run<id>.<format>`` and ``report-latest.<format>`` into ``dir``
(relative to the TOML file) after every run that did not fail.

The dashboard's queries and exports are imported inside the commands only, so the ``intl``
program (``dashboard/cli.py``) starts without loading them.
Every failure a user can cause or meet (no Chromium, unknown name, no schema) ends with
one line on stderr and a non-zero exit code, never a traceback.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from etl.config import load_settings
from etl.schedule import after_run

log = logging.getLogger("etl.export")

export_app = typer.Typer(help="Figures, data and the leadership report as files.", no_args_is_help=True)

DbOpt = Annotated[Optional[str], typer.Option("--db", help="SQLAlchemy URL (default: DATABASE_URL or data/intl.db)")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="TOML settings file (default: intl.toml)")]
OutOpt = Annotated[Path, typer.Option("--output", "-o", help="file to write")]
FromOpt = Annotated[Optional[int], typer.Option("--from", help="first year")]
ToOpt = Annotated[Optional[int], typer.Option("--to", help="last year")]
SchoolOpt = Annotated[Optional[list[str]], typer.Option("--school", help="school id or name (repeatable)")]
KindOpt = Annotated[Optional[list[str]], typer.Option("--kind", help="activity kind (repeatable)")]
CountryOpt = Annotated[Optional[list[str]], typer.Option("--country", help="partner country, ISO code (repeatable)")]
PKindOpt = Annotated[Optional[list[str]], typer.Option("--partner-kind", help="partner kind (repeatable)")]
DocLangOpt = Annotated[Optional[str], typer.Option("--doc-lang", help="only documents in this language (en, zh)")]
LangOpt = Annotated[str, typer.Option("--lang", help="language of titles and labels: en or zh")]
PartnerOpt = Annotated[Optional[int], typer.Option("--partner", help="partner id, for a partner's page's charts "
                                                                    "(partner_timeline …)")]
ProgrammeOpt = Annotated[Optional[int], typer.Option("--programme", help="programme record id, for a record's page's "
                                                                        "charts (programme_students …)")]

HOOK_OPTIONS = {"format", "lang", "dir", "from", "to", "school"}


class CliError(Exception):
    """A one-line error for the user."""


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def resolve_schools(url: str, values: list[str] | None) -> list[int]:
    """School ids from ids or names (English, Chinese, or the name without "School of"),
    exact first, else a unique case-insensitive part of a name."""
    if not values:
        return []
    from dashboard.queries import common as q

    table = q.schools(url)
    rows = [(int(r.id), r.name or "", r.zh or "") for r in table.itertuples()]
    out = []
    for raw in values:
        v = raw.strip()
        if v.isdigit() and any(i == int(v) for i, _, _ in rows):
            out.append(int(v))
            continue
        low = v.lower()
        exact = [i for i, n, z in rows if low in (n.lower(), z.lower(), n.lower().removeprefix("school of ").strip())]
        part = exact or [i for i, n, z in rows if low in n.lower() or (z and v in z)]
        if len(part) == 1:
            out.append(part[0])
        elif not part:
            raise CliError(f"no school matches {raw!r} (see the filter bar, or give an id)")
        else:
            names = ", ".join(n for i, n, _ in rows if i in part)
            raise CliError(f"{raw!r} matches several schools: {names}")
    return out


def _filters(url: str, year_from, year_to, school, kind=None, country=None, partner_kind=None, doc_lang=None):
    from dashboard.queries.common import Filters

    return Filters.make(year_from=year_from, year_to=year_to, schools=resolve_schools(url, school),
                        activity_kinds=kind or (), countries=country or (), partner_kinds=partner_kind or (),
                        language=doc_lang)


def _subject(url: str, name: str, f, partner: int | None, programme: int | None = None):
    """The school, partner or programme record a chart of one's page is about: the one ``--school``,
    ``--partner`` or ``--programme``."""
    from dashboard import export as E

    export = E.get(name)
    if export.subject == "school":
        if len(f.schools) != 1:
            raise CliError(f"{name} is the chart of one school's page: give one --school")
        return E.subject_info(name, url, f.schools[0])
    if export.subject == "partner":
        if partner is None:
            raise CliError(f"{name} is the chart of one partner's page: give --partner ID")
        return E.subject_info(name, url, partner)
    if export.subject == "programme":
        if programme is None:
            raise CliError(f"{name} is the chart of one programme record's page: give --programme ID")
        return E.subject_info(name, url, programme)
    if programme is not None:
        names = ", ".join(E.subject_names("programme"))
        raise CliError(f"--programme is for the charts of a programme's page ({names})")
    if partner is not None:
        raise CliError(f"--partner is for the charts of a partner's page ({', '.join(E.subject_names('partner'))})")
    return None


def _format(fmt: str | None, output: Path, allowed: tuple[str, ...]) -> str:
    fmt = (fmt or output.suffix.lstrip(".")).lower()
    if fmt not in allowed:
        raise CliError(f"format {fmt or '(none)'!r}: use --format {'|'.join(allowed)} (or an output file ending so)")
    return fmt


def current_umask() -> int:
    """The process's umask, read without changing it where the system says (Linux), else by the
    classic set-and-restore."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so a reader never sees half a file.

    The file gets the mode a plain ``open()`` would give (0666 less the umask: 0644 usually),
    not the temporary file's private 0600, so the people the reports are for can read them."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _run(action) -> None:
    """Run ``action()``; turn the failures a user meets into one line and an exit code."""
    from sqlalchemy.exc import SQLAlchemyError

    from dashboard.report.render import BrowserNotFound, ExportError

    try:
        action()
    except BrowserNotFound as exc:
        raise _fail(str(exc), 3) from None
    except (ExportError, CliError) as exc:
        raise _fail(str(exc)) from None
    except SQLAlchemyError as exc:
        raise _fail(f"the database cannot answer ({exc.__class__.__name__}): create it with `intl init`, "
                    "or load the sample with `intl demo --no-serve`", 4) from None


def _done(output: Path, data: bytes) -> None:
    write_atomic(output, data)
    typer.echo(f"wrote {output} ({len(data) / 1024:,.0f} KB)")


@export_app.command("list")
def list_exports() -> None:
    """The names `figure` and `data` accept."""
    from dashboard import export as E

    for name in E.names():
        typer.echo(f"{name:22s} {E.get(name).title}")
    for name in E.subject_names():   # the charts of one school's or partner's page
        typer.echo(f"{name:22s} {E.get(name).title} (one --{E.get(name).subject})")


@export_app.command("figure")
def figure(
    name: Annotated[str, typer.Argument(help="an export name (intl export list)")],
    output: OutOpt,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="png, svg or pdf")] = None,
    year_from: FromOpt = None, year_to: ToOpt = None, school: SchoolOpt = None, kind: KindOpt = None,
    country: CountryOpt = None, partner_kind: PKindOpt = None, doc_lang: DocLangOpt = None,
    lang: LangOpt = "en",
    scale: Annotated[Optional[float], typer.Option(help="pixel ratio of a PNG (default 2)")] = None,
    width: Annotated[Optional[int], typer.Option(help="width in CSS pixels")] = None,
    partner: PartnerOpt = None, programme: ProgrammeOpt = None, db: DbOpt = None, config: ConfigOpt = None,
) -> None:
    """One chart as PNG (2×), SVG or PDF, titled, with the filters and a source note."""
    def action():
        from dashboard import export as E
        from dashboard.report.build import export_options

        s = load_settings(config, db)
        f = _filters(s.database_url, year_from, year_to, school, kind, country, partner_kind, doc_lang)
        subject = _subject(s.database_url, name, f, partner, programme)
        data = E.figure_bytes(name, s.database_url, f, _format(fmt, output, E.FIGURE_FORMATS), lang=_lang(lang),
                              scale=scale, width=width, browser_path=export_options(s).get("browser_path"),
                              subject=subject)
        _done(output, data)

    _run(action)


@export_app.command("data")
def data(
    name: Annotated[str, typer.Argument(help="an export name (intl export list)")],
    output: OutOpt,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="csv, xlsx or json")] = None,
    year_from: FromOpt = None, year_to: ToOpt = None, school: SchoolOpt = None, kind: KindOpt = None,
    country: CountryOpt = None, partner_kind: PKindOpt = None, doc_lang: DocLangOpt = None,
    lang: LangOpt = "en", partner: PartnerOpt = None, programme: ProgrammeOpt = None, db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """The data of one chart or table as CSV or XLSX, with the filters applied."""
    def action():
        from dashboard import export as E

        s = load_settings(config, db)
        f = _filters(s.database_url, year_from, year_to, school, kind, country, partner_kind, doc_lang)
        subject = _subject(s.database_url, name, f, partner, programme)
        _done(output, E.data_bytes(name, s.database_url, f, _format(fmt, output, E.DATA_FORMATS), lang=_lang(lang),
                                   subject=subject))

    _run(action)


@export_app.command("report")
def report(
    output: OutOpt,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="pptx or pdf")] = None,
    year_from: FromOpt = None, year_to: ToOpt = None, school: SchoolOpt = None, kind: KindOpt = None,
    country: CountryOpt = None, partner_kind: PKindOpt = None, doc_lang: DocLangOpt = None,
    lang: LangOpt = "en", db: DbOpt = None, config: ConfigOpt = None,
) -> None:
    """The leadership report: key figures, charts, expiring agreements, method and sources."""
    def action():
        from dashboard.report.build import REPORT_FORMATS, build_report

        s = load_settings(config, db)
        f = _filters(s.database_url, year_from, year_to, school, kind, country, partner_kind, doc_lang)
        _done(output, build_report(s.database_url, f, _format(fmt, output, REPORT_FORMATS), lang=_lang(lang),
                                   settings=s))

    _run(action)


def _lang(value: str) -> str:
    v = (value or "en").strip().lower()
    if v not in ("en", "zh"):
        raise CliError(f"--lang {value!r}: use en or zh")
    return v


# -- the scheduler hook ---------------------------------------------------------------------
def hook_plan(settings: Any, options: dict, now: dt.datetime | None = None, run_id: int | None = None):
    """What the ``report`` hook will write: ``(filters, lang, [(format, path, latest_path)…])``.
    Unknown options and bad values raise ValueError (the run logs it as the hook's failure)."""
    from dashboard.queries.common import Filters

    unknown = set(options) - HOOK_OPTIONS
    if unknown:
        raise ValueError(f"report hook: unknown option(s) {', '.join(sorted(unknown))} "
                         f"(accepted: {', '.join(sorted(HOOK_OPTIONS))})")
    formats = options.get("format", "pdf")
    formats = [formats] if isinstance(formats, str) else list(formats)
    bad = [x for x in formats if x not in ("pptx", "pdf")]
    if bad or not formats:
        raise ValueError(f"report hook: format {bad or formats!r}: use pdf, pptx or both")
    lang = str(options.get("lang", "en"))
    if lang not in ("en", "zh"):
        raise ValueError(f"report hook: lang {lang!r}: use en or zh")
    base = settings.config_path.parent if getattr(settings, "config_path", None) else Path.cwd()
    folder = (base / str(options.get("dir", "data/reports"))).resolve()
    schools = options.get("school") or []
    schools = [schools] if isinstance(schools, (str, int)) else list(schools)
    f = Filters.make(year_from=options.get("from"), year_to=options.get("to"),
                     schools=resolve_schools(settings.database_url, [str(x) for x in schools]))
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M")
    run = f"-run{run_id}" if run_id is not None else ""
    files = [(fmt, folder / f"report-{stamp}{run}.{fmt}", folder / f"report-latest.{fmt}") for fmt in formats]
    return f, lang, files


@after_run("report")
def report_after_run(settings: Any, info: Any, options: dict) -> list[Path]:
    """After a scheduled run: the leadership report into ``dir``, dated and as ``report-latest``.
    A failed run writes nothing (the last good report stays the latest)."""
    if getattr(info, "status", None) == "failed":
        log.warning("report hook: run %s failed; no report written", getattr(info, "run_id", "?"))
        return []
    from dashboard.report.build import build_reports

    f, lang, files = hook_plan(settings, options, run_id=getattr(info, "run_id", None))
    # both formats from one content: the queries run and the charts are drawn once
    reports = build_reports(settings.database_url, f, [fmt for fmt, _, _ in files], lang=lang, settings=settings)
    written = []
    for fmt, path, latest in files:
        data = reports[fmt]
        write_atomic(path, data)
        write_atomic(latest, data)
        log.info("report hook: wrote %s (%d KB)", path, len(data) // 1024)
        written.append(path)
    return written
