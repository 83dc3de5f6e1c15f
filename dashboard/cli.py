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


@app.command()
def serve(db: DbOpt = None, host: str = "127.0.0.1", port: int = 8050, debug: bool = False) -> None:
    """The dashboard (development server); production is `gunicorn dashboard.app:server`."""
    if db:
        os.environ["DATABASE_URL"] = db
    from dashboard.app import create_app, settle

    dash_app = create_app()
    settle()
    dash_app.run(host=host, port=port, debug=debug)


@app.command()
def demo(db: DbOpt = None, host: str = "127.0.0.1", port: int = 8050,
         no_serve: Annotated[bool, typer.Option("--no-serve", help="load only")] = False) -> None:
    """Load the bundled sample data into the default SQLite and serve the dashboard."""
    from dashboard.users_cli import demo_sign_in_note
    from etl.pipeline import Pipeline

    _logging()
    s = load_settings(None, db)
    info = Pipeline(s, trigger="demo").run([SAMPLE_DIR / "docs", SAMPLE_DIR / "reports"])
    d = info.documents
    typer.echo(f"sample loaded: {d['new']} new, {d['changed']} changed, {d['unchanged']} unchanged documents; "
               f"{info.reports['loaded']} reports ({_safe_url(s.database_url)})")
    typer.echo(demo_sign_in_note(s.database_url))
    if not no_serve:
        typer.echo(f"dashboard on http://{host}:{port}")
        serve(db=s.database_url, host=host, port=port)


app.add_typer(users_app, name="users")
app.add_typer(export_app, name="export")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
