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
