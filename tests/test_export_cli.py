"""``intl export …`` and the scheduler's ``report`` hook, on the sample (SQLite).

The commands' files are read back and compared with the library calls they wrap; user
errors end with one line and an exit code; a scheduled job with ``report = {…}`` writes
the dated report and ``report-latest`` after its ETL run.
"""
from __future__ import annotations

import io
import textwrap
from types import SimpleNamespace

import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard import export as E
from dashboard.cli import app
from dashboard.export_cli import CliError, hook_plan, report_after_run, resolve_schools
from dashboard.queries import common as q
from dashboard.queries import overview as qo
from dashboard.queries import periods
from dashboard.queries.common import Filters
from etl import schedule

from .conftest import SAMPLE
from .test_export_sample import need_browser, sample_sqlite

runner = CliRunner()


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    return sample_sqlite(tmp_path_factory, "export-cli")


def _sid(url: str, name: str) -> int:
    s = q.schools(url)
    return int(s.loc[s["name"] == name, "id"].iloc[0])


def test_schools_by_id_english_chinese_short_or_unique_part(url):
    auto = _sid(url, "School of Automation")
    assert resolve_schools(url, [str(auto)]) == [auto]
    assert resolve_schools(url, ["School of Automation"]) == [auto]
    assert resolve_schools(url, ["自动化学院"]) == [auto]
    assert resolve_schools(url, ["automation"]) == [auto]
    with pytest.raises(CliError, match="no school matches"):
        resolve_schools(url, ["Astrology"])
    with pytest.raises(CliError, match="several schools"):
        resolve_schools(url, ["Engineering"])


def test_list_and_data_commands(url, tmp_path):
    r = runner.invoke(app, ["export", "list"])
    assert r.exit_code == 0 and all(n in r.stdout for n in E.names())
    out = tmp_path / "partners.csv"
    r = runner.invoke(app, ["export", "data", "top_partners", "-o", str(out), "--db", url, "--school", "自动化学院",
                            "--from", "2020", "--lang", "zh"])
    assert r.exit_code == 0, r.output
    f = Filters.make(year_from=2020, schools=[_sid(url, "School of Automation")])
    assert out.read_bytes() == E.data_bytes("top_partners", url, f, "csv", lang="zh")
    csv = pd.read_csv(out, encoding="utf-8-sig")
    assert list(csv["文档数"]) == list(qo.top_partners(url, f)["documents"])
    xlsx = tmp_path / "students.xlsx"
    r = runner.invoke(app, ["export", "data", "students_abroad", "-o", str(xlsx), "--db", url, "--to", "2023"])
    assert r.exit_code == 0 and xlsx.stat().st_size > 0


def test_user_errors_are_one_line_and_an_exit_code(url, tmp_path):
    cases = [
        (["export", "data", "top_partners", "-o", str(tmp_path / "x.parquet"), "--db", url], 2, "format"),
        (["export", "data", "nope", "-o", str(tmp_path / "x.csv"), "--db", url], 2, "no export named"),
        (["export", "data", "top_partners", "-o", str(tmp_path / "x.csv"), "--db", url, "--school", "Astrology"],
         2, "no school matches"),
        (["export", "data", "top_partners", "-o", str(tmp_path / "x.csv"), "--db", url, "--lang", "fr"], 2, "--lang"),
        (["export", "report", "-o", str(tmp_path / "x.docx"), "--db", url], 2, "format"),
        (["export", "data", "top_partners", "-o", str(tmp_path / "x.csv"), "--db",
          f"sqlite:///{tmp_path / 'empty.db'}"], 4, "intl init"),
    ]
    for args, code, words in cases:
        r = runner.invoke(app, args)
        assert r.exit_code == code, (args, r.output)
        assert words in r.output and "Traceback" not in r.output, r.output
        assert not any(p.name.startswith("x.") for p in tmp_path.iterdir())


def test_figure_and_report_commands(url, tmp_path):
    need_browser()
    from pptx import Presentation

    svg = tmp_path / "per-year.svg"
    r = runner.invoke(app, ["export", "figure", "activities_by_year", "-o", str(svg), "--db", url, "--from", "2020"])
    assert r.exit_code == 0, r.output
    assert svg.read_text(encoding="utf-8").startswith("<svg") and "Activities per year" in svg.read_text()
    deck = tmp_path / "report.pptx"
    r = runner.invoke(app, ["export", "report", "-o", str(deck), "--db", url, "--from", "2020", "--to", "2024",
                            "--school", "Automation"])
    assert r.exit_code == 0, r.output
    prs = Presentation(str(deck))
    first = "\n".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    assert "2020–2024" in first and "School of Automation" in first
    f = Filters.make(year_from=2020, year_to=2024, schools=[_sid(url, "School of Automation")])
    value = [s for s in prs.slides[1].shapes if s.name == "kf-value:documents"][0].text_frame.text
    assert value == f"{periods.kpi_periods(url, f)['total']['documents']:,}"   # the period's, as the Overview's card


def test_hook_options_are_checked(url, tmp_path):
    s = SimpleNamespace(database_url=url, config_path=tmp_path / "intl.toml")
    f, lang, files = hook_plan(s, {}, run_id=4)
    assert f == Filters() and lang == "en"
    [(fmt, path, latest)] = files
    assert fmt == "pdf" and path.parent == tmp_path / "data" / "reports" and path.name.endswith("-run4.pdf")
    assert latest.name == "report-latest.pdf"
    f, lang, files = hook_plan(s, {"format": ["pptx", "pdf"], "lang": "zh", "dir": "out", "from": 2021,
                                   "school": "自动化学院"})
    assert [x[0] for x in files] == ["pptx", "pdf"] and lang == "zh" and files[0][1].parent == tmp_path / "out"
    assert f == Filters.make(year_from=2021, schools=[_sid(url, "School of Automation")])
    for bad, words in (({"to_whom": "x"}, "unknown option"), ({"format": "docx"}, "format"),
                       ({"lang": "fr"}, "lang")):
        with pytest.raises(ValueError, match=words):
            hook_plan(s, bad)
    assert report_after_run(s, SimpleNamespace(status="failed", run_id=5), {"dir": "out"}) == []
    assert not (tmp_path / "out").exists(), "a failed run writes no report"


def test_a_scheduled_refresh_writes_the_report(tmp_path):
    need_browser()
    from pptx import Presentation

    from etl.config import load_settings

    db = f"sqlite:///{tmp_path / 'intl.db'}"
    cfg = tmp_path / "intl.toml"
    cfg.write_text(textwrap.dedent(f"""
        plugins = ["dashboard.export_cli"]
        [database]
        url = "{db}"
        [[sources]]
        name = "archive"
        kind = "folder"
        path = "{SAMPLE / 'docs'}"
        [[sources]]
        name = "office"
        kind = "report"
        path = "{SAMPLE / 'reports'}"
        [[schedule]]
        name = "nightly"
        cron = "0 2 * * *"
        report = {{ format = "pptx", lang = "zh", dir = "leadership" }}
        """), encoding="utf-8")
    settings = load_settings(cfg)
    schedule.use_settings(settings)
    try:
        out = schedule.run_job("nightly")
    finally:
        schedule.use_settings(None)
    assert out["status"] == "ok"
    folder = tmp_path / "leadership"
    dated = sorted(folder.glob(f"report-*-run{out['run_id']}.pptx"))
    assert len(dated) == 1 and (folder / "report-latest.pptx").read_bytes() == dated[0].read_bytes()
    prs = Presentation(io.BytesIO(dated[0].read_bytes()))
    assert "国际合作工作报告" in "\n".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    value = [s for s in prs.slides[1].shapes if s.name == "kf-value:documents"][0].text_frame.text
    assert value == f"{periods.kpi_periods(db, Filters())['total']['documents']:,}"


def test_reports_are_written_readable_by_others_as_the_umask_says(tmp_path):
    import os
    import stat

    from dashboard.export_cli import write_atomic

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "r" / "report.pdf", b"%PDF-1.4 x")
        assert stat.S_IMODE((tmp_path / "r" / "report.pdf").stat().st_mode) == 0o644
        os.umask(0o027)
        write_atomic(tmp_path / "r" / "report.pdf", b"%PDF-1.4 y")
        assert stat.S_IMODE((tmp_path / "r" / "report.pdf").stat().st_mode) == 0o640
    finally:
        os.umask(old)
    assert not [p for p in (tmp_path / "r").iterdir() if p.name.startswith(".")], "no temporary file left"


def test_the_charts_of_a_school_s_and_a_partner_s_page(url, tmp_path):
    """``--school`` (one) or ``--partner ID`` picks whose page's chart; without it, one line saying so."""
    r = runner.invoke(app, ["export", "list"])
    assert "school_partners" in r.stdout and "partner_timeline" in r.stdout and "(one --partner)" in r.stdout
    auto = _sid(url, "School of Automation")
    out = tmp_path / "school.csv"
    r = runner.invoke(app, ["export", "data", "school_partners", "-o", str(out), "--db", url, "--school", "自动化学院",
                            "--from", "2020"])
    assert r.exit_code == 0, r.output
    f = Filters.make(year_from=2020, schools=[auto])
    from dashboard.queries import partners as qp
    from dashboard.queries import schools as qs

    assert list(pd.read_csv(out, encoding="utf-8-sig")["Documents"]) == list(qs.school_partners(url, f, auto)["documents"])
    pid = int(qp.partners_table(url, Filters()).iloc[0]["partner_id"])
    out = tmp_path / "partner.csv"
    r = runner.invoke(app, ["export", "data", "partner_schools", "-o", str(out), "--db", url, "--partner", str(pid)])
    assert r.exit_code == 0, r.output
    assert out.read_bytes() == E.data_bytes("partner_schools", url, Filters(), "csv",
                                            subject=qp.partner_info(url, pid))
    for args, words in ((["school_kinds"], "give one --school"), (["partner_mobility"], "give --partner ID"),
                        (["partner_mobility", "--partner", "999999"], "no partner with id 999999"),
                        (["top_partners", "--partner", str(pid)], "--partner is for the charts")):
        r = runner.invoke(app, ["export", "data", *args, "-o", str(tmp_path / "x.csv"), "--db", url])
        assert r.exit_code == 2 and words in r.output and "Traceback" not in r.output, (args, r.output)
