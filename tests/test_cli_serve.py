"""`intl demo` / `intl serve` on a port another program holds: a clear error at once (exit 2),
naming the port and how to choose another, before any work and before any "serving on" line."""
from __future__ import annotations

import socket

from typer.testing import CliRunner

from dashboard.cli import app


def test_a_busy_port_is_a_clear_error_before_any_work(tmp_path):
    db = tmp_path / "intl.db"
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        for args in (["demo", "--port", str(port), "--db", f"sqlite:///{db}"], ["serve", "--port", str(port)]):
            r = CliRunner().invoke(app, args)
            out = r.output + (r.stderr if hasattr(r, "stderr") and r.stderr_bytes is not None else "")
            assert r.exit_code == 2, out
            assert f"port {port} on 127.0.0.1 is in use" in out and f"make demo PORT={port + 10}" in out
            assert "dashboard on" not in out
    assert not db.exists(), "nothing was loaded"


def test_the_port_comes_from_the_environment_too(monkeypatch):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        monkeypatch.setenv("PORT", str(port))
        r = CliRunner().invoke(app, ["serve"])
        assert r.exit_code == 2 and f"port {port}" in r.output
