"""The ``intl`` command (``[project.scripts]``): one CLI for every job (see README).

It is composed here, on the dashboard's side, because ``etl`` never imports ``dashboard``:

- the ETL's commands from ``etl/cli.py``: ``init``, ``extract``, ``etl run|schedule|status``, ``review``;
- the dashboard's own: ``serve``, ``demo`` (loads the sample, then serves), ``users``
  (``dashboard/users_cli.py``) and ``export`` (``dashboard/export_cli.py``, which also registers
  the scheduler's ``report`` hook, so ``intl etl schedule`` can write the leadership report).

Start-up stays light: the dashboard app, the Argon2 store and the export machinery are
imported inside the commands that need them, so ``intl etl …`` does not load Dash.
"""
from __future__ import annotations

import os
import shutil
import socket
import sys
from pathlib import Path
from typing import Annotated

import typer

from dashboard.export_cli import export_app
from dashboard.users_cli import app as users_app
from etl import cli as etl_cli
from etl.cli import DbOpt, _logging, _safe_url
from etl.config import SAMPLE_DIR, load_settings

app = typer.Typer(help="International-programs analytics: ETL and dashboard.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
# The ETL's commands and groups first, as they were listed before the split (init, extract, … etl, review).
app.registered_commands.extend(etl_cli.app.registered_commands)
app.registered_groups.extend(etl_cli.app.registered_groups)


PortOpt = Annotated[int, typer.Option(envvar="PORT", help="port to serve on (`make demo PORT=8060`)")]


def intl_command() -> str:
    """How this terminal calls ``intl``: ``intl`` when it is on PATH, else the path of this very
    program (``.venv/bin/intl`` after ``make demo``, whose virtual environment is not activated)."""
    me = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    found = shutil.which("intl")
    if found and (me is None or Path(found).resolve() == me or me.name != "intl"):
        return "intl"
    if me is not None and me.name == "intl":
        try:
            return str(me.relative_to(Path.cwd()))
        except ValueError:
            return str(me)
    return "intl"


def check_port(host: str, port: int) -> None:
    """Exit with a sentence when ``host:port`` cannot be served on (another program holds it),
    before any work is done and before any "serving on" is printed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        typer.echo(f"error: cannot serve on {host}:{port}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError as exc:
            typer.echo(f"error: port {port} on {host} is in use ({exc.strerror}); another dashboard may be "
                       f"running. Choose another port: `{intl_command()} demo --port {port + 10}` or "
                       f"`make demo PORT={port + 10}`.", err=True)
            raise typer.Exit(2) from None


@app.command()
def serve(db: DbOpt = None, host: str = "127.0.0.1", port: PortOpt = 8050, debug: bool = False) -> None:
    """The dashboard (development server); production is `gunicorn dashboard.app:server`."""
    check_port(host, port)
    if db:
        os.environ["DATABASE_URL"] = db
    from dashboard.app import create_app, settle

    dash_app = create_app()
    settle()
    dash_app.run(host=host, port=port, debug=debug)


@app.command()
def demo(db: DbOpt = None, host: str = "127.0.0.1", port: PortOpt = 8050,
         no_serve: Annotated[bool, typer.Option("--no-serve", help="load only")] = False) -> None:
    """Load the bundled sample data into the default SQLite and serve the dashboard."""
    from dashboard.users_cli import demo_sign_in_note
    from etl.pipeline import Pipeline

    if not no_serve:
        check_port(host, port)  # before loading: a busy port is said at once, not after the work
    _logging()
    s = load_settings(None, db)
    info = Pipeline(s, trigger="demo").run([SAMPLE_DIR / "docs", SAMPLE_DIR / "reports"])
    d = info.documents
    typer.echo(f"sample loaded: {d['new']} new, {d['changed']} changed, {d['unchanged']} unchanged documents; "
               f"{info.reports['loaded']} reports ({_safe_url(s.database_url)})")
    if info.programmes:
        typer.echo(f"programmes: {info.programmes.get('records', 0)} records of joint programmes, exchanges, summer "
                   f"schools … ({info.programmes.get('review', 0)} links to review); `intl programmes list`, "
                   f"`intl programmes check` (the Ministry's register)")
    typer.echo(demo_sign_in_note(s.database_url).replace("`intl ", f"`{intl_command()} "))
    if not no_serve:
        typer.echo(f"dashboard on http://{host}:{port}  (stop with Ctrl+C; other commands: "
                   f"`{intl_command()} --help`)")
        serve(db=s.database_url, host=host, port=port)


app.add_typer(users_app, name="users")
app.add_typer(export_app, name="export")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
