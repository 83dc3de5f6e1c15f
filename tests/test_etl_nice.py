"""An ETL run's reader process (etl/reader.py) runs at the ``[limits] nice`` CPU priority
(etl/limits.py): background work yields the cores to the web app; the run's own process keeps
its priority."""
from __future__ import annotations

import os

import pytest

from etl.config import ROOT
from etl.limits import Limits, lower_priority
from etl.reader import Guard


def test_nice_setting_is_checked():
    assert Limits().nice == 10
    assert Limits.from_table({"nice": 0}).nice == 0
    assert Limits.from_table({"nice": 19}).nice == 19
    for bad in (-1, 20, 2.5, True, "10"):
        with pytest.raises(ValueError, match="nice"):
            Limits.from_table({"nice": bad})


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="no process priorities here")
def test_the_reader_process_runs_niced_and_the_run_does_not():
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    want = min(19, mine + 3)
    guard = Guard(ROOT / "data" / "reference", Limits(nice=want))
    try:
        guard.ensure()
        assert os.getpriority(os.PRIO_PROCESS, guard._proc.pid) == want
    finally:
        guard.close()
    assert os.getpriority(os.PRIO_PROCESS, 0) == mine, "the run's own process keeps its priority"


def test_lower_priority_never_raises_it():
    if not hasattr(os, "nice"):
        pytest.skip("no nice here")
    now = os.nice(0)
    # asking for less than the current niceness (or 0) changes nothing
    assert lower_priority(Limits(nice=0)) == now
    assert lower_priority(Limits(nice=max(0, now - 1))) == now


_CHILD = """
import os, sys
from pathlib import Path
from typer.testing import CliRunner
from etl.cli import app
from etl.config import load_settings
from etl.pipeline import Pipeline

folder, url, config = sys.argv[1:4]
before = os.nice(0)
Pipeline(load_settings(config=Path(config), database_url=url)).run([folder])
in_process = os.nice(0)
result = CliRunner().invoke(app, ["etl", "run", folder, "--db", url, "--config", config])
print(before, in_process, os.nice(0), result.exit_code)
"""


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no process priorities here")
def test_intl_etl_run_runs_niced_and_the_pipeline_in_process_does_not(tmp_path):
    """``intl etl run`` lowers its own process's priority to ``[limits] nice`` (loading, programme
    linking, statistics: background work); the pipeline called in-process (a web worker, a test)
    leaves it as it was."""
    import shutil
    import subprocess
    import sys

    mine = os.nice(0)
    want = min(19, mine + 4)
    if want == mine:
        pytest.skip("already at the lowest priority")
    folder = tmp_path / "news"
    folder.mkdir()
    for name in ("en-0001.txt", "en-0005.txt"):
        shutil.copy(ROOT / "data" / "sample" / "docs" / name, folder / name)
    config = tmp_path / "intl.toml"
    config.write_text(f"[limits]\nnice = {want}\nisolate = false\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", _CHILD, str(folder), f"sqlite:///{tmp_path / 'intl.db'}", str(config)],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    before, in_process, after, code = map(int, out.stdout.split()[-4:])
    assert (before, in_process, code) == (mine, mine, 0)
    assert after == want
