"""A source kind for tests (``plugins = ["tests.gate_source"]``): a run that takes as long as
the test wants. Its ``items`` writes the ``started`` file (the process id), then waits until
the ``gate`` file exists (at most ``timeout`` seconds) and yields nothing."""
from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from etl.sources.registry import Source, register


@register("test-gate")
class GateSource(Source):
    @dataclass
    class Options:
        started: str = ""
        gate: str = ""
        timeout: float = 120.0

    def items(self, ctx) -> Iterator:
        Path(self.options.started).write_text(str(os.getpid()))
        deadline = time.monotonic() + self.options.timeout
        while not Path(self.options.gate).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        yield from ()
