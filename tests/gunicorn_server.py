"""The Procfile's ``web:`` line (gunicorn) as a test server on a free localhost port.

For the tests that need the production server's own behaviour: how it closes a connection
after a refused body (werkzeug's development server drains the rest on purpose, gunicorn
does not), and its keep-alive connections that a forked job used to keep open.
"""
from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.browser.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]


def web_command(port: int, workers: int | None = None) -> list[str]:
    """The Procfile's web line bound to 127.0.0.1:``port`` (``workers`` replaces its count)."""
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:"))
    cmd = shlex.split(line.split(":", 1)[1].replace("${PORT:-8050}", str(port)))
    out, i = [], 0
    while i < len(cmd):
        if cmd[i] == "--bind":
            out += ["--bind", f"127.0.0.1:{port}"]
            i += 2
        elif cmd[i] == "--workers" and workers is not None:
            out += ["--workers", str(workers)]
            i += 2
        else:
            out.append(cmd[i])
            i += 1
    out[0] = str(Path(sys.executable).parent / out[0])
    return out


class Gunicorn:
    """``with Gunicorn(env) as srv: srv.base …`` — started in its own process group, stopped with it."""

    def __init__(self, env: dict[str, str | None], log: Path, workers: int | None = None):
        """``env`` is added to this process's environment; a ``None`` value unsets that variable."""
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        merged = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
        self.env = {k: v for k, v in merged.items() if v is not None}
        self.log_path, self.workers = log, workers
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(web_command(self.port, self.workers), cwd=ROOT, env=self.env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_up()
        except BaseException:  # never leave a server behind
            self.__exit__()
            raise
        return self

    def _wait_up(self) -> None:
        import requests

        deadline = time.monotonic() + 120  # a bound for a slow start on a busy machine
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log_path.read_text()[-3000:]
            try:
                if requests.get(self.base + "/auth/login", timeout=30).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or its worker still importing
                pass
            time.sleep(0.3)
        raise AssertionError("gunicorn did not start:\n" + self.log_path.read_text()[-3000:])

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text()
