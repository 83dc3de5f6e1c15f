"""Figures as files through the system Chromium (kaleido v1), on the sample (SQLite).

Every output is read back: PNG size at 2× and ink on it, SVG as XML with its title,
filters and Chinese, PDF text with pypdf, the map drawn from the local topojson. A missing
Chromium gives a sentence saying what to install, never a traceback.
"""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dashboard import export as E
from dashboard.queries import common as q
from dashboard.queries import overview as qo
from dashboard.queries.common import Filters
from dashboard.report import render

from .conftest import ROOT
from .test_export_sample import need_browser, png_stats, sample_sqlite


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    need_browser()
    return sample_sqlite(tmp_path_factory, "export-fig")


def _school(url: str, name: str) -> int:
    s = q.schools(url)
    return int(s.loc[s["name"] == name, "id"].iloc[0])


def test_png_is_twice_the_css_size_and_not_blank(url):
    f = Filters.make(year_from=2019)
    fig = E.export_figure("activities_by_year", url, f, width=800)
    data = E.figure_bytes("activities_by_year", url, f, "png", width=800)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    size, var, inked = png_stats(data)
    assert size == (1600, 2 * fig.layout.height)
    assert var > 500 and inked > 0.05, "bars, axes and text are drawn"
    size1, *_ = png_stats(E.figure_bytes("activities_by_year", url, f, "png", width=800, scale=1))
    assert size1 == (800, fig.layout.height)


def test_svg_carries_title_filters_source_and_a_cjk_font(url):
    auto = _school(url, "School of Automation")
    f = Filters.make(year_from=2020, year_to=2024, schools=[auto])
    root = ET.fromstring(E.figure_bytes("top_partners", url, f, "svg"))
    texts = " ".join(t for el in root.iter() for t in [el.text] if t)
    assert "Top partners" in texts
    assert "2020–2024" in texts and "School of Automation" in texts, "filters in the subtitle"
    info_docs = E.rq.data_info(url, f).documents
    assert f"{info_docs:,} of" in texts and "data as of" in texts, "source note with the number of documents"
    top = qo.top_partners(url, f)
    assert str(int(top["documents"].max())) in texts, "the query's numbers are on the bars"
    zh = ET.fromstring(E.figure_bytes("top_partners", url, f, "svg", lang="zh"))
    zh_texts = " ".join(el.text or "" for el in zh.iter())
    assert "主要合作伙伴" in zh_texts and "自动化学院" in zh_texts
    assert any(isinstance(z, str) and z in zh_texts for z in top["zh"]), "Chinese partner names"
    styles = " ".join(el.get("style", "") for el in zh.iter())
    assert "WenQuanYi Micro Hei" in styles


def test_pdf_figure_has_its_text(url):
    from pypdf import PdfReader

    f = Filters.make(year_to=2024)
    reader = PdfReader(io.BytesIO(E.figure_bytes("students_abroad", url, f, "pdf", lang="zh")))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "出国" in text and "2024" in text
    per_year = E.rq.students_per_year(url, f)
    assert f"{per_year[max(per_year)]:,}" in text, "the year's total from the query"


def test_map_draws_countries_from_the_local_topojson(url):
    data = E.figure_bytes("partner_countries", url, Filters(), "png", scale=1)
    from PIL import Image

    im = Image.open(io.BytesIO(data)).convert("RGB")
    # countries with partners are filled with the blues of figures.SEQUENTIAL; count dark ones
    dark_blue = sum(1 for r, g, b in im.getdata() if b > 90 and r < 90 and b - r > 50)
    assert dark_blue > 300, "partner countries are shaded: the outlines were loaded"
    assert render.topojson_url().startswith("file://") and (ROOT / "dashboard/assets/topojson/world_110m.json").is_file()


def test_every_export_renders(url):
    """Every registered chart renders (SVG, the cheapest); the formats are read back above."""
    f = Filters.make(year_from=2021)
    for name in E.names():
        root = ET.fromstring(E.figure_bytes(name, url, f, "svg"))
        texts = " ".join(el.text or "" for el in root.iter())
        assert E.get(name).title in texts, name


def test_the_browser_is_started_once_per_process(url):
    E.figure_bytes("top_countries", url, Filters(), "svg")
    first = render.renderer()
    E.figure_bytes("top_countries", url, Filters(), "png")
    assert render.renderer() is first and render.is_running()
    proc = first._kaleido.subprocess  # noqa: SLF001
    assert proc.poll() is None, "the same Chromium serves every export"


def _same_image(data: bytes, fmt: str) -> bytes:
    """``data`` without what differs between two drawings of one figure: the random id plotly.js gives
    each plot (SVG) and the time of printing (PDF)."""
    if fmt == "svg":
        uid = re.search(rb'id="defs-([0-9a-f]+)"', data)
        return data.replace(uid.group(1), b"UID") if uid else data
    if fmt == "pdf":
        return re.sub(rb"/(CreationDate|ModDate) \(D:[^)]*\)", b"", data)
    return data


def _count_reloads(monkeypatch) -> list[int]:
    """A counter of the page reloads of kaleido's tabs (one element per reload)."""
    from kaleido._kaleido_tab import _tab

    reloads: list[int] = []
    original = _tab._KaleidoTab.reload

    async def reload(self):
        reloads.append(1)
        return await original(self)

    monkeypatch.setattr(_tab._KaleidoTab, "reload", reload)
    return reloads


def test_tabs_open_when_exports_overlap_and_are_reused_as_they_are(url, monkeypatch):
    """The renderer opens with one tab (a tab costs Chromium a process and plotly.js, seconds of CPU),
    opens a second when more exports are under way than there are tabs, and hands a tab the next
    figure without reloading plotly.js: the figures drawn after others of other sizes and formats (a
    PDF leaves its page styled) are the figures a freshly loaded page draws, byte for byte but for
    plotly's random ids and the PDF's date."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    f = Filters.make(year_from=2019)
    charts = (("top_partners", "svg"), ("activities_by_year", "png"), ("students_abroad", "pdf"),
              ("partner_countries", "png"))

    def jobs():
        out = []
        for name, fmt in charts:
            fig = E.export_figure(name, url, f, width=700)
            out.append((fig, fmt, 700, fig.layout.height, 1, E.get(name).geo))
        return out

    reloads = _count_reloads(monkeypatch)
    r = render.renderer()   # the module's (a renderer opens with one tab: test_a_crashed_browser_is_replaced)
    # overlapping exports of an earlier module in this process opened (or are opening) a second tab
    if r.open_tabs != 1 or r._opening is not None:  # noqa: SLF001
        render.shutdown()
        r = render.renderer()
    assert r.open_tabs == 1
    monkeypatch.setattr(render, "RELOAD_EVERY", 1)     # kaleido's way: a page loaded afresh for every figure
    r.render_many(jobs()[:1])   # the used tab is reloaded after this one: the next figure has a fresh page
    fresh = [r.render_many([job])[0] for job in jobs()]
    assert len(reloads) >= len(charts), "each figure had a freshly loaded page"
    monkeypatch.setattr(render, "RELOAD_EVERY", 50)
    r.render_many([(fig, fmt, 900, 350, 2, geo) for fig, fmt, *_, geo in reversed(jobs())])  # other sizes
    assert r.open_tabs == 1, "one export at a time, one call's figures together: one tab"
    reloads.clear()
    used = r.render_many(jobs())
    assert reloads == [], "the tab was reused as it was"
    for (name, fmt), a, b in zip(charts, fresh, used):
        assert _same_image(a, fmt) == _same_image(b, fmt), (name, fmt)
    # … and the comparison sees a difference where there is one: the same chart over other years
    other = E.figure_bytes("top_partners", url, Filters.make(year_from=2022), "svg", width=700)
    assert _same_image(other, "svg") != _same_image(fresh[0], "svg")

    # the one tab held, as by a long export: two exports waiting open a second tab, which serves them
    held = asyncio.run_coroutine_threadsafe(r._kaleido.tabs_ready.get(), r._loop).result(10)  # noqa: SLF001
    try:
        with ThreadPoolExecutor(2) as pool:
            svgs = list(pool.map(lambda job: r.render_many([job])[0], jobs()[:1] * 2))
        assert r.open_tabs == 2
    finally:
        asyncio.run_coroutine_threadsafe(r._kaleido.tabs_ready.put(held), r._loop).result(10)  # noqa: SLF001
    assert [_same_image(svg, "svg") for svg in svgs] == [_same_image(fresh[0], "svg")] * 2
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda job: r.render_many([job]), jobs()[:3]))
    assert r.open_tabs == 2 and render.renderer() is r, "never more than two"


def test_a_tab_whose_figure_failed_is_reloaded_before_it_draws_again(url, monkeypatch):
    reloads = _count_reloads(monkeypatch)
    E.figure_bytes("top_countries", url, Filters(), "svg")
    assert reloads == []
    with pytest.raises(E.ExportError, match="malformed"):
        render.render({"data": "not a list"}, "svg", width=400, height=300)
    assert len(reloads) == 1, "the failed figure's page is reloaded"
    root = ET.fromstring(E.figure_bytes("top_countries", url, Filters.make(year_from=2020), "svg"))
    assert E.get("top_countries").title in " ".join(el.text or "" for el in root.iter())


def test_no_chromium_is_a_sentence_saying_what_to_install(url, monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chromium"))
    with pytest.raises(E.BrowserNotFound, match="Install Chromium"):
        render.find_browser()
    monkeypatch.delenv("BROWSER_PATH")
    monkeypatch.delenv("INTL_BROWSER_PATH", raising=False)
    with pytest.raises(E.BrowserNotFound, match=r"\[export\] browser_path"):
        render.find_browser(tmp_path / "missing")
    path = os.environ.get("PATH", "")
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on PATH; the kaleido download may still exist
    try:
        found = render.find_browser()
        assert os.access(found, os.X_OK)
    except E.BrowserNotFound as exc:
        assert "apt-get install chromium" in str(exc)
    monkeypatch.setenv("PATH", path)
    # the command line in a fresh process: exit code 3, one line, no traceback
    out = tmp_path / "fig.png"
    env = {**os.environ, "BROWSER_PATH": str(tmp_path / "no-such-chromium")}
    r = subprocess.run([sys.executable, "-m", "dashboard.cli", "export", "figure", "top_partners", "-o", str(out),
                        "--db", url], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert r.returncode == 3, r.stderr
    assert "Install Chromium" in r.stderr and "Traceback" not in r.stderr + r.stdout
    assert not out.exists()


def test_bad_formats_and_names_are_refused(url):
    with pytest.raises(E.ExportError, match="figure format"):
        E.figure_bytes("top_partners", url, Filters(), "gif")
    with pytest.raises(E.UnknownExport):
        E.figure_bytes("no_such_chart", url, Filters(), "png")


def test_an_empty_selection_exports_the_empty_state_not_a_blank(url):
    f = Filters.make(countries=["ZZ"])
    root = ET.fromstring(E.figure_bytes("top_partners", url, f, "svg"))
    texts = " ".join(el.text or "" for el in root.iter())
    assert "Nothing matches these filters" in texts


def test_concurrent_exports_each_get_their_own_figure(url):
    """Web requests export at the same time: each answer must be the chart it asked for."""
    from concurrent.futures import ThreadPoolExecutor

    names = ["activities_by_year", "top_partners", "top_countries", "students_abroad", "joint_programs",
             "activities_by_school"]
    with ThreadPoolExecutor(len(names)) as pool:
        svgs = list(pool.map(lambda n: E.figure_bytes(n, url, Filters(), "svg"), names))
    for name, svg in zip(names, svgs):
        texts = " ".join(el.text or "" for el in ET.fromstring(svg).iter())
        assert E.get(name).title in texts, name
        assert not any(E.get(other).title in texts for other in names if other != name), name


def test_a_crashed_browser_is_replaced(url):
    import signal

    E.figure_bytes("top_countries", url, Filters(), "svg")
    first = render.renderer()
    pid = first._kaleido.subprocess.pid  # noqa: SLF001 - the Chromium this process started
    os.kill(pid, signal.SIGKILL)
    _wait_dead(pid)  # on a busy machine the killed browser can still answer one more figure
    svg = E.figure_bytes("top_countries", url, Filters(), "svg")
    assert b"Top partner countries" in svg
    assert render.renderer() is not first and render.is_running()
    assert render.renderer().open_tabs == 1, "a new renderer opens with one tab"


def test_a_browser_killed_just_before_a_figure_is_replaced_for_it(url):
    """The next figure asked for at once, while the killed Chromium may still be going: it is drawn (on a
    new browser when the old one failed it; on the old one if it answered before the kill took effect)."""
    import signal

    E.figure_bytes("top_countries", url, Filters(), "svg")
    first = render.renderer()
    os.kill(first._kaleido.subprocess.pid, signal.SIGKILL)  # noqa: SLF001 - no wait: the next figure at once
    svg = E.figure_bytes("top_countries", url, Filters(), "svg")
    assert b"Top partner countries" in svg
    assert render.is_running()
    svg = E.figure_bytes("top_partners", url, Filters(), "svg")  # and the one after it, on a live browser
    assert E.get("top_partners").title in " ".join(el.text or "" for el in ET.fromstring(svg).iter())
    assert render._alive(render.renderer())  # noqa: SLF001


def test_a_dying_browser_is_replaced_though_its_process_is_still_listed(url, monkeypatch):
    """Between the kill and the kernel's reaping, ``poll()`` still sees the browser run while its
    connection is already gone: the failure itself (a closed channel, the broker's cancelled answers)
    says it died. Pinned here by a ``poll`` that keeps saying "running" after the process is gone."""
    import signal

    E.figure_bytes("top_countries", url, Filters(), "svg")
    first = render.renderer()
    proc = first._kaleido.subprocess  # noqa: SLF001
    monkeypatch.setattr(proc, "poll", lambda: None)
    os.kill(proc.pid, signal.SIGKILL)
    _wait_dead(proc.pid)  # gone for certain: the figure cannot come from it
    svg = E.figure_bytes("top_countries", url, Filters(), "svg")
    assert b"Top partner countries" in svg
    assert render.renderer() is not first and render._alive(render.renderer())  # noqa: SLF001


def test_exports_under_way_together_when_the_browser_dies_each_get_their_figure(url):
    """Two requests fail on one dead browser: the first to see it starts a new one, the second uses it
    (and does not close it under the first)."""
    import signal
    from concurrent.futures import ThreadPoolExecutor

    E.figure_bytes("top_countries", url, Filters(), "svg")
    first = render.renderer()
    pid = first._kaleido.subprocess.pid  # noqa: SLF001
    os.kill(pid, signal.SIGKILL)
    _wait_dead(pid)
    names = ["top_partners", "top_countries", "activities_by_year"]
    with ThreadPoolExecutor(len(names)) as pool:
        svgs = list(pool.map(lambda n: E.figure_bytes(n, url, Filters(), "svg"), names))
    for name, svg in zip(names, svgs):
        assert E.get(name).title in " ".join(el.text or "" for el in ET.fromstring(svg).iter()), name
    assert render.renderer() is not first and render._alive(render.renderer())  # noqa: SLF001


def test_a_browser_that_dies_again_after_the_restart_is_a_clear_error(url, monkeypatch, caplog):
    """One restart per call: when the new Chromium fails that figure too, the caller gets a sentence
    saying so (not a CancelledError), and the next call starts a browser again and draws."""
    import signal

    E.figure_bytes("top_countries", url, Filters(), "svg")
    first = render.renderer()
    pid = first._kaleido.subprocess.pid  # noqa: SLF001
    started: list[int] = []
    original = render.Renderer.start

    def start_and_kill(self):
        original(self)
        started.append(self._kaleido.subprocess.pid)  # noqa: SLF001
        os.kill(started[-1], signal.SIGKILL)
        _wait_dead(started[-1])
        return self

    monkeypatch.setattr(render.Renderer, "start", start_and_kill)
    os.kill(pid, signal.SIGKILL)
    _wait_dead(pid)
    with pytest.raises(E.ExportError, match="Chromium stopped while drawing the figure, and again after a restart") \
            as info:
        E.figure_bytes("top_countries", url, Filters(), "svg")
    # the sentence names no internals, whichever error the dying browser gave; the cause is in the log
    assert not re.search(r"Traceback|Error\b|Error:", str(info.value)), str(info.value)
    assert "Chromium stopped again after a restart (" in caplog.text
    assert len(started) == 1, "restarted once, not in a loop"
    monkeypatch.undo()
    svg = E.figure_bytes("top_countries", url, Filters(), "svg")
    assert b"Top partner countries" in svg and render._alive(render.renderer())  # noqa: SLF001


def _wait_dead(pid: int, limit: float = 30.0) -> None:
    """Until ``pid`` is gone or a zombie (killed, not yet reaped): a kill takes effect when the kernel next runs it."""
    import time

    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return
        if state in ("Z", "X"):
            return
        time.sleep(0.01)
    raise AssertionError(f"process {pid} still alive {limit:.0f} s after SIGKILL")
