"""``intl users …``: dashboard accounts from the command line (the store: ``dashboard/users.py``).

There is no default user: the first administrator comes from ``intl users add NAME --role admin``
(password prompted, or read from standard input with ``--password-stdin``). The store (Argon2,
SQLAlchemy) is imported inside the commands, so ``intl etl …`` does not pay for it at start.
"""
from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer

app = typer.Typer(help="Dashboard users: add, list, set-role, set-password, remove.", no_args_is_help=True)
DbOpt = Annotated[Optional[str], typer.Option("--db", help="SQLAlchemy URL (default: DATABASE_URL or data/intl.db)")]


def _url(db: str | None) -> str:
    from etl.config import load_settings
    from etl.db import upgrade

    url = load_settings(None, db).database_url
    upgrade(url)
    return url


def _actor() -> str:
    try:
        return f"cli:{os.getlogin()}"
    except OSError:
        return "cli"


def _read_password(stdin: bool) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("password", hide_input=True, confirmation_prompt=True)


def _fail(exc: Exception) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(2)


@app.command("add")
def cli_add(name: str, role: Annotated[str, typer.Option(help="admin or viewer")] = "viewer",
            password_stdin: Annotated[bool, typer.Option("--password-stdin", help="read the password from stdin")] = False,
            db: DbOpt = None) -> None:
    """Add a user (the password is prompted, or read from stdin)."""
    from dashboard.users import UserError, add_user, check_name, check_role

    url = _url(db)
    try:
        check_name(name)
        check_role(role)
        add_user(url, name, _read_password(password_stdin), role, by=_actor())
    except UserError as exc:
        _fail(exc)
    typer.echo(f"user {name} added ({role})")


@app.command("list")
def cli_list(db: DbOpt = None) -> None:
    """Users, their role and last sign-in."""
    from dashboard.users import list_users

    users = list_users(_url(db))
    if not users:
        typer.echo("no users yet: intl users add NAME --role admin")
    for u in users:
        last = u.last_login_at.isoformat(timespec="seconds") if u.last_login_at else "never"
        typer.echo(f"{u.name:30s} {u.role:7s} {'active' if u.active else 'disabled':8s} last sign-in {last}")


@app.command("set-role")
def cli_set_role(name: str, role: str, db: DbOpt = None) -> None:
    """Change a user's role (ends their open sessions)."""
    from dashboard.users import UserError, set_role

    try:
        set_role(_url(db), name, role, by=_actor())
    except UserError as exc:
        _fail(exc)
    typer.echo(f"user {name} is now {role}")


@app.command("set-password")
def cli_set_password(name: str, password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
                     db: DbOpt = None) -> None:
    """Set a new password (ends the user's open sessions)."""
    from dashboard.users import UserError, set_password

    try:
        set_password(_url(db), name, _read_password(password_stdin), by=_actor())
    except UserError as exc:
        _fail(exc)
    typer.echo(f"password of {name} changed")


@app.command("remove")
def cli_remove(name: str, db: DbOpt = None) -> None:
    """Remove a user (the last administrator cannot be removed)."""
    from dashboard.users import UserError, remove_user

    try:
        remove_user(_url(db), name, by=_actor())
    except UserError as exc:
        _fail(exc)
    typer.echo(f"user {name} removed")


def demo_sign_in_note(url: str) -> str:
    """What ``intl demo`` prints about signing in; creates the demo administrator when there is no user.

    Sign-in stays on in the demo (the safer choice: the sample may be replaced by real data
    later, and ``intl demo --host 0.0.0.0`` would otherwise open it to the network). The
    random password is printed once, on the terminal that started the demo.
    """
    if os.environ.get("INTL_AUTH", "").strip().lower() in ("off", "0", "false", "no"):
        return "sign-in is OFF (INTL_AUTH=off, development only)"
    from dashboard.users import ensure_demo_admin
    from etl.db import upgrade

    upgrade(url)
    made = ensure_demo_admin(url)
    if made:
        return (f"sign in as {made[0]} with password {made[1]}  (a new administrator; change it with "
                f"`intl users set-password {made[0]}`, add people with `intl users add NAME`)")
    return "sign in with an existing user (`intl users list`; `intl users add NAME --role admin` adds one)"
