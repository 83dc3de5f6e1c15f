""""Since the last refresh": an hourly refresh that finds nothing new must not hide the last real
change; the panel shows the last run that changed something and when the sources were last checked."""
from __future__ import annotations

import shutil

from dash import dcc

from dashboard.components.html_table import text_of
from dashboard.pages.overview import changes_panel
from dashboard.queries import overview as qo
from etl.pipeline import Pipeline
from tests.conftest import CORPUS


def _text(component) -> str:
    out = []

    def walk(c):
        if isinstance(c, (str, int, float)):
            out.append(str(c))
        elif isinstance(c, dcc.Markdown):   # a panel as one component: its HTML's text
            out.append(text_of(c.children))
        elif isinstance(c, (list, tuple)):
            for x in c:
                walk(x)
        elif c is not None and hasattr(c, "children"):
            walk(c.children)
    walk(component)
    return " ".join(out)


def test_the_last_change_survives_no_op_refreshes(settings, tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for stem in ("en-0001", "en-0002"):
        shutil.copy(CORPUS / "docs" / f"{stem}.txt", folder / f"{stem}.txt")
    url = settings.database_url
    first = Pipeline(settings, trigger="test").run([folder])
    assert first.documents["new"] == 2
    state = qo.refresh_state(url)
    assert state["last_change"][0] == state["last_check"][0] == first.run_id

    noop = [Pipeline(settings, trigger="test").run([folder]) for _ in range(2)]
    assert all(r.documents["new"] == r.documents["changed"] == 0 for r in noop)
    state = qo.refresh_state(url)
    assert state["last_change"][0] == first.run_id, "a refresh that found nothing new is no change"
    assert state["last_check"][0] == noop[-1].run_id

    panel = _text(changes_panel(url, "en"))
    assert f"Run #{first.run_id}" in panel and "Last change" in panel
    assert "2 new documents" in panel, panel
    assert "Sources last checked" in panel and "nothing new since" in panel
    assert "Nothing new: every document was already up to date." not in panel
    zh = _text(changes_panel(url, "zh"))
    assert "最近一次有变化的更新" in zh and "最近一次检查来源" in zh

    # a real change again: it becomes the one shown, checked at the same time
    (folder / "en-0001.txt").write_text((folder / "en-0001.txt").read_text() + "\nA further paragraph.\n")
    again = Pipeline(settings, trigger="test").run([folder])
    assert again.documents["changed"] == 1
    state = qo.refresh_state(url)
    assert state["last_change"][0] == state["last_check"][0] == again.run_id
    assert "nothing new since" not in _text(changes_panel(url, "en"))
