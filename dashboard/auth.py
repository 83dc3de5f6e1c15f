"""Sign-in, roles and CSRF protection for the whole dashboard: ``init_auth(app, settings)``.

Everything the Flask server answers needs a signed-in user: pages, Dash callbacks
(``/_dash-update-component``), Dash's own scripts and assets, downloads and JSON/CSV
endpoints. The only exceptions are the sign-in page itself and :data:`PUBLIC_ENDPOINTS`
(a test walks ``app.server.url_map`` to hold that line). An anonymous browser asking for
a page is sent to ``/auth/login?next=…``; anything else (a callback, an export, JSON)
gets ``401``.

Sessions. Flask's signed session cookie holds the user id, the user's ``session_epoch`` and
a random session token (flask-login); it is HttpOnly, SameSite=Lax, and Secure when
``INTL_SECURE_COOKIES=1`` (set it behind HTTPS). The server keeps each session as a row of
``user_sessions`` (the token's SHA-256, the user, the end: ``INTL_SESSION_HOURS`` after
sign-in), shared by every worker. Each request reads the user row and the session row in one
query, so signing out (the row is deleted), a removed user, a new password or a new role
(their rows are deleted, the epoch raised) end the session at once, and a copy of an old
cookie opens nothing. Passwords are Argon2id hashes (``dashboard/users.py``). There is no
default user and no default password.

CSRF. Every state-changing request (POST, PUT, PATCH, DELETE) must carry the session's
CSRF token, either as the ``X-CSRFToken`` header or as the ``csrf_token`` form field, and,
when the browser sends an ``Origin`` (or ``Referer``), come from this host. The token is
also put in the ``_csrf_token`` cookie (readable by scripts, SameSite=Strict), because
the Dash renderer already reads that cookie and sends it as ``X-CSRFToken`` with every
callback (``Dash(csrf_token_name=…)``): Dash's POST callbacks, uploads and background
jobs are therefore protected without any script of ours. The check compares the header
with the token in the *signed session*, not with the cookie, so a cookie planted by a
sibling sub-domain does not pass.

Roles. ``admin`` may upload, run the ETL, review and manage users; ``viewer`` may view
and export. The role is enforced here, before any view runs: paths under ``/admin`` and
every Dash callback whose output or input id starts with ``admin-`` (all the admin
pages' components do) need an administrator, however the request was crafted. Admin
layouts and callbacks check again (:func:`require_admin`).

Rate limit. Failed sign-ins are limited per client address and per user name at that
address (dashboard/login_limits.py): counted in Redis when ``REDIS_URL`` is set, else from
the audit log's ``login.failed`` lines, so every worker shares the counts, and nobody can
lock a user out from another address.

Settings (environment, else the ``[auth]`` table of intl.toml):

- ``INTL_AUTH=off``: **development only** — no sign-in, every request acts as a local
  administrator; a warning is logged at start. The default is on.
- ``INTL_SECRET_KEY``: the session signing key; else a random key kept in
  ``data/.secret_key`` (created once, mode 0600, gitignored) so that all workers agree.
- ``INTL_SECURE_COOKIES=1``: Secure cookies (behind HTTPS).
- ``INTL_LOGIN_RATE`` (default ``10 per minute;100 per hour`` per address) and
  ``INTL_LOGIN_USER_RATE`` (default ``5 per minute`` per user name and address): failed sign-ins.
- ``INTL_SESSION_HOURS`` (default 12): how long a session lasts.
- ``INTL_ADMIN_USER`` / ``INTL_ADMIN_PASSWORD``: create this administrator at start if missing.
- ``INTL_PROXY_HOPS=1``: behind that many reverse proxies, trust their ``X-Forwarded-For``,
  ``-Proto`` and ``-Host`` (werkzeug ProxyFix), so that the rate limit sees the client's
  address and the origin check the public host. Leave it unset when clients connect directly.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template_string,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from etl.config import ROOT

log = logging.getLogger("dashboard.auth")

CSRF_COOKIE = "_csrf_token"      # the name the Dash renderer reads (Dash's csrf_token_name default)
CSRF_HEADER = "X-CSRFToken"      # the header it sends (Dash's csrf_header_name default)
CSRF_FIELD = "csrf_token"        # hidden field of our HTML forms
SESSION_COOKIE = "intl_session"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ADMIN_ID_PREFIX = "admin-"       # every component id of an admin page starts with this
ADMIN_PATH_PREFIX = "/admin"
# Endpoints anyone may reach: the sign-in page (GET shows it, POST signs in, CSRF-checked)
# and the logout page. Nothing else; the route-walk test lists these explicitly.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.logout"})
DEFAULT_SECRET_FILE = ROOT / "data" / ".secret_key"
AUTH_EXT_KEY = "intl_auth"


# -- configuration --------------------------------------------------------------
def _truthy(v: Any) -> bool:
    return str(v).strip().lower() in ("1", "true", "yes", "on")


@dataclass
class AuthConfig:
    enabled: bool = True
    secure_cookies: bool = False
    login_rate: str = "10 per minute;100 per hour"
    login_user_rate: str = "5 per minute"
    session_hours: float = 12
    secret_key: str | None = None
    secret_file: Path = DEFAULT_SECRET_FILE
    admin_user: str | None = None
    admin_password: str | None = None
    proxy_hops: int = 0

    @classmethod
    def from_settings(cls, settings: Any = None, env: dict[str, str] | None = None) -> AuthConfig:
        env = dict(os.environ if env is None else env)
        raw = dict(getattr(settings, "raw", {}).get("auth", {}) if settings is not None else {})
        c = cls()
        if "enabled" in raw:
            c.enabled = _truthy(raw["enabled"])
        if env.get("INTL_AUTH"):
            c.enabled = env["INTL_AUTH"].strip().lower() not in ("off", "0", "false", "no")
        c.secure_cookies = _truthy(env.get("INTL_SECURE_COOKIES", raw.get("secure_cookies", False)))
        c.login_rate = env.get("INTL_LOGIN_RATE") or raw.get("login_rate") or c.login_rate
        c.login_user_rate = env.get("INTL_LOGIN_USER_RATE") or raw.get("login_user_rate") or c.login_user_rate
        c.session_hours = float(env.get("INTL_SESSION_HOURS") or raw.get("session_hours") or c.session_hours)
        c.secret_key = env.get("INTL_SECRET_KEY") or None
        if env.get("INTL_SECRET_KEY_FILE"):
            c.secret_file = Path(env["INTL_SECRET_KEY_FILE"])
        c.admin_user, c.admin_password = env.get("INTL_ADMIN_USER"), env.get("INTL_ADMIN_PASSWORD")
        c.proxy_hops = int(env.get("INTL_PROXY_HOPS") or raw.get("proxy_hops") or 0)
        return c


def load_or_create_secret(path: Path) -> str:
    """The key in ``path``, created once with 0600 permissions; safe when workers race.

    The new key is written to a temporary file and *linked* into place: a link fails if
    the file exists, so the first worker wins and every other worker reads its key.
    """
    path = Path(path)
    if path.exists():
        key = path.read_text().strip()
        if key:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_urlsafe(48))
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()


# -- the signed-in user ------------------------------------------------------------
class SessionUser(UserMixin):
    """What a request knows of its user; the session stores ``"<id>:<epoch>:<token>"``, the
    token naming the server-side session row (:func:`open_session`)."""

    def __init__(self, user_id: int, name: str, role: str, epoch: int, token: str = ""):
        self.user_id, self.name, self.role, self.epoch, self.token = user_id, name, role, epoch, token

    def get_id(self) -> str:
        return f"{self.user_id}:{self.epoch}:{self.token}"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class DevUser(SessionUser):
    """The user of every request when ``INTL_AUTH=off`` (development only)."""

    def __init__(self):
        super().__init__(0, "dev (auth off)", "admin", 0)


# -- server-side sessions ------------------------------------------------------------
def _token_key(token: str) -> str:
    """What the database keeps of a session token: its SHA-256 (a copy of the table opens nothing)."""
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(url: str, user_id: int, hours: float, ip: str | None = None) -> str:
    """A new session of ``user_id`` lasting ``hours`` from now; returns the token for the cookie.
    Sessions past their end are deleted on the way (the table stays small)."""
    from sqlalchemy import delete

    from etl.db import session_factory
    from etl.load.models import UserSession, _now

    token = secrets.token_urlsafe(32)
    now = _now()
    with session_factory(url).begin() as s:
        s.execute(delete(UserSession).where(UserSession.expires_at < now))
        s.add(UserSession(id=_token_key(token), user_id=user_id, created_at=now,
                          expires_at=now + dt.timedelta(hours=hours), ip=ip))
    return token


def close_session(url: str, token: str) -> None:
    """End one session: its cookie, wherever copied, no longer opens anything."""
    from sqlalchemy import delete

    from etl.db import session_factory
    from etl.load.models import UserSession

    if token:
        with session_factory(url).begin() as s:
            s.execute(delete(UserSession).where(UserSession.id == _token_key(token)))


def _load_user(session_id: str) -> SessionUser | None:
    """The user of a session cookie: its user row and its live session row, in one query.

    No row (signed out), a row past its end, another epoch (new password or role), an
    inactive or removed user: no user, so the request is refused.
    """
    from etl.db import connect
    from etl.load.models import _now

    try:
        uid_text, epoch_text, token = session_id.split(":", 2)
        uid, epoch = int(uid_text), int(epoch_text)
    except ValueError:
        return None
    if not token:
        return None
    try:
        with connect(_db_url()) as conn:  # the request's connection: its callback reads on it too
            row = conn.execute(_session_user_query(), {"key": _token_key(token), "uid": uid, "now": _now()}).first()
    except SQLAlchemyError:
        return None
    if row is None or not row.active or row.session_epoch != epoch:
        return None
    return SessionUser(row.id, row.name, row.role, row.session_epoch, token)


@functools.lru_cache(maxsize=1)
def _session_user_query():
    """The query of :func:`_load_user`, built once: every request runs it, and building the statement (and
    its cache key) anew each time cost several times what SQLite takes to answer it (0.2 ms a request)."""
    from sqlalchemy import bindparam, select

    from etl.load.models import User, UserSession

    U, S = User.__table__, UserSession.__table__
    return (select(U.c.id, U.c.name, U.c.role, U.c.active, U.c.session_epoch)
            .join(S, S.c.user_id == U.c.id)
            .where(S.c.id == bindparam("key"), U.c.id == bindparam("uid"), S.c.expires_at > bindparam("now")))


def _db_url() -> str:
    from dashboard.context import database_url

    return database_url()


def auth_enabled() -> bool:
    ext = current_app.extensions.get(AUTH_EXT_KEY)
    return bool(ext and ext["config"].enabled)


def current_user_name() -> str | None:
    """The signed-in user's name (``None`` outside a request or when anonymous)."""
    try:
        if not auth_enabled():
            return DevUser().name
        return current_user.name if current_user.is_authenticated else None
    except RuntimeError:  # no request context (a background job)
        return None


def is_admin() -> bool:
    try:
        if not auth_enabled():
            return True
        return bool(current_user.is_authenticated and current_user.is_admin)
    except RuntimeError:
        return False


def require_admin() -> str:
    """For admin layouts and callbacks: the admin's name, or a 403 for anyone else."""
    if not is_admin():
        abort(403)
    return current_user_name() or "?"


def client_ip() -> str | None:
    try:
        return request.remote_addr
    except RuntimeError:
        return None


# -- CSRF -----------------------------------------------------------------------------
def csrf_token() -> str:
    """The session's CSRF token (created on first use)."""
    tok = session.get("csrf")
    if not tok:
        tok = session["csrf"] = secrets.token_urlsafe(32)
    return tok


def _same_origin(value: str) -> bool:
    parts = urlsplit(value)
    return bool(parts.netloc) and parts.netloc.lower() == request.host.lower() and \
        parts.scheme in ("http", "https")


def csrf_ok() -> tuple[bool, str]:
    """Whether the current state-changing request carries the session's token and comes from here."""
    origin = request.headers.get("Origin")
    if origin and origin != "null" and not _same_origin(origin):
        return False, "cross-origin request"
    if origin == "null":
        return False, "opaque origin"
    if not origin and request.referrer and not _same_origin(request.referrer):
        return False, "cross-site referrer"
    expected = session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if not sent and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sent = request.form.get(CSRF_FIELD)
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        return False, "missing or wrong CSRF token"
    return True, ""


# -- what a request asks for ----------------------------------------------------------------
def _ids_in(value: Any) -> list[Any]:
    """Component ids named anywhere in a Dash callback request body part."""
    out: list[Any] = []
    if isinstance(value, dict):
        if "id" in value:
            out.append(value["id"])
        for v in value.values():
            if isinstance(v, (list, dict)):
                out.extend(_ids_in(v))
    elif isinstance(value, list):
        for v in value:
            out.extend(_ids_in(v))
    return out


def _is_admin_id(cid: Any) -> bool:
    if isinstance(cid, str):
        return cid.startswith(ADMIN_ID_PREFIX)
    if isinstance(cid, dict):
        return any(isinstance(v, str) and v.startswith(ADMIN_ID_PREFIX) for v in cid.values())
    return False


def callback_needs_admin(body: Any) -> bool:
    """Whether a ``/_dash-update-component`` body touches an admin component.

    Dash picks the function to run from ``body["output"]`` alone, so an admin callback
    cannot be reached without naming one of its (``admin-``) outputs; inputs and states
    are checked too, for good measure. An unreadable body counts as admin (refused to
    viewers; Dash would refuse it anyway).
    """
    if not isinstance(body, dict):
        return True
    output = body.get("output")
    if not isinstance(output, str):
        return True
    if ADMIN_ID_PREFIX in output:
        return True
    return any(_is_admin_id(i) for part in ("outputs", "inputs", "state") for i in _ids_in(body.get(part)))


def _wants_html() -> bool:
    if request.path.startswith("/_dash-") or request.method != "GET":
        return False
    best = request.accept_mimetypes.best_match(["text/html", "application/json", "text/csv"])
    return best == "text/html" or not request.accept_mimetypes.values()


def _safe_next(target: str | None) -> str:
    """Only local paths: never another host (no open redirect), never a control character (a
    CR/LF would split the ``Location`` header: werkzeug refuses it, which was a 500)."""
    if not target or not isinstance(target, str) or len(target) > 2000 or \
            any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


# -- the guard ---------------------------------------------------------------------------------
def _guard():
    cfg: AuthConfig = current_app.extensions[AUTH_EXT_KEY]["config"]
    if not cfg.enabled:
        g.intl_user = DevUser()
        return None
    endpoint = request.endpoint or ""
    public = endpoint in PUBLIC_ENDPOINTS
    if not public and not current_user.is_authenticated:
        if _wants_html():
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return jsonify(error="sign in required", login=url_for("auth.login")), 401
    if request.method in UNSAFE_METHODS:
        ok, why = csrf_ok()
        if not ok:
            log.warning("refused %s %s: %s", request.method, request.path, why)
            return jsonify(error=f"refused: {why}"), 403
    if public:
        return None
    if not current_user.is_admin:
        page = request.path.startswith(ADMIN_PATH_PREFIX + "/") or request.path == ADMIN_PATH_PREFIX
        if page and _wants_html():
            # A viewer following an admin link: the app's own frame, whose admin page layout
            # says "administrators only" in the interface language (admin/ui.forbidden); the
            # page shell holds no admin data, and every admin callback stays refused below.
            g.intl_forbidden_page = True
            return None
        needs = page
        if request.path.endswith("/_dash-update-component") and request.method == "POST":
            needs = needs or callback_needs_admin(request.get_json(silent=True))
        if needs:
            return jsonify(error="administrators only"), 403
    return None


def _after(response):
    cfg: AuthConfig = current_app.extensions[AUTH_EXT_KEY]["config"]
    if g.get("intl_forbidden_page") and response.status_code == 200:
        response.status_code = 403  # the page explains; the status says it too
    if cfg.enabled and (current_user.is_authenticated or request.endpoint in PUBLIC_ENDPOINTS):
        tok = csrf_token()
        if request.cookies.get(CSRF_COOKIE) != tok:
            response.set_cookie(CSRF_COOKIE, tok, httponly=False, samesite="Strict", secure=cfg.secure_cookies,
                                path="/", max_age=int(cfg.session_hours * 3600))
    return response


# -- the sign-in pages ---------------------------------------------------------------------------
LOGIN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · {{ title }}</title>
<style>
 body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
      background:#f4f6f9;color:#243044;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
 main{background:#fff;border:1px solid #dfe4ec;border-radius:8px;padding:2rem 2.2rem;width:min(360px,90vw);
      box-shadow:0 2px 10px rgba(20,40,80,.06)}
 h1{font-size:1.2rem;margin:0 0 .3rem} p.sub{margin:0 0 1.4rem;color:#5b6b82;font-size:.9rem}
 label{display:block;font-size:.85rem;margin:.8rem 0 .25rem;font-weight:600}
 input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.55rem .6rem;border:1px solid #c9d1dc;
      border-radius:5px;font-size:1rem}
 button{margin-top:1.3rem;width:100%;padding:.6rem;border:0;border-radius:5px;background:#1f4e8c;color:#fff;
      font-size:1rem;cursor:pointer} button:focus,input:focus{outline:3px solid #86b4db;outline-offset:1px}
 .msg{background:#fbeaea;border:1px solid #e5b5b5;color:#7a1f1f;padding:.5rem .7rem;border-radius:5px;font-size:.9rem}
 .note{background:#eaf2fa;border:1px solid #bcd5ec;padding:.5rem .7rem;border-radius:5px;font-size:.9rem}
</style></head>
<body><main>
<h1>{{ title }}</h1><p class="sub">Sign in to continue.</p>
{% if message %}<p class="{{ 'note' if note else 'msg' }}" role="alert" id="login-message">{{ message }}</p>{% endif %}
{% if form %}
<form method="post" action="{{ action }}" autocomplete="on">
 <input type="hidden" name="csrf_token" value="{{ csrf }}">
 <input type="hidden" name="next" value="{{ next }}">
 <label for="username">User name</label>
 <input type="text" id="username" name="username" value="{{ username }}" autocomplete="username" required autofocus>
 <label for="password">Password</label>
 <input type="password" id="password" name="password" autocomplete="current-password" required>
 <button type="submit" id="login-submit">Sign in</button>
</form>
{% endif %}
</main></body></html>"""

LOGOUT_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign out</title></head>
<body style="font-family:system-ui,sans-serif;margin:3rem">
<form method="post" action="{{ action }}"><input type="hidden" name="csrf_token" value="{{ csrf }}">
<p>Signed in as <b>{{ name }}</b>.</p><button type="submit" id="logout-submit">Sign out</button>
<a href="/">Back to the dashboard</a></form></body></html>"""


def _title() -> str:
    return current_app.config.get("INTL_TITLE") or "International Cooperation Dashboard"


def _login_view():
    from dashboard.users import authenticate

    nxt = _safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(nxt)
        msg = "You have been signed out." if request.args.get("bye") else None
        if msg is None and _no_user_yet():
            msg = "No user exists yet: create the first administrator with `intl users add NAME --role admin`."
        return render_template_string(LOGIN_PAGE, title=_title(), message=msg, note=True, form=True,
                                      csrf=csrf_token(), next=nxt, username="", action=url_for("auth.login"))
    name = request.form.get("username", "")
    ip, limits = client_ip(), current_app.extensions[AUTH_EXT_KEY]["limits"]
    cfg: AuthConfig = current_app.extensions[AUTH_EXT_KEY]["config"]
    try:
        if limits.blocked(_db_url(), ip, name):  # refused before the password is even checked
            log.warning("sign-in refused: too many failures from %s (user name %r)", ip, name[:120])
            return _too_many()
        user = authenticate(_db_url(), name, request.form.get("password", ""), ip=ip)
        token = open_session(_db_url(), user.id, cfg.session_hours, ip) if user is not None else None
    except SQLAlchemyError as exc:
        log.error("sign-in impossible, database not ready: %s", exc.__class__.__name__)
        return render_template_string(LOGIN_PAGE, title=_title(), form=False, csrf="", next="/", username="",
                                      message="The database is not ready: run `intl init` and "
                                              "`intl users add NAME --role admin`."), 503
    if user is None:
        limits.failed(ip, name)
        return render_template_string(LOGIN_PAGE, title=_title(), message="Wrong user name or password.",
                                      form=True, csrf=csrf_token(), next=nxt, username=name[:120],
                                      action=url_for("auth.login")), 401
    session.clear()  # a new session (and CSRF token) at sign-in: no session fixation
    session.permanent = True
    login_user(SessionUser(user.id, user.name, user.role, user.session_epoch, token))
    csrf_token()
    return redirect(nxt)


def _no_user_yet() -> bool:
    """A fresh installation: say how to create the first administrator (there is no default one)."""
    from sqlalchemy import func, select

    from etl.db import session_factory
    from etl.load.models import User

    try:
        with session_factory(_db_url())() as s:
            return not s.scalar(select(func.count()).select_from(User))
    except SQLAlchemyError:
        return True


def _logout_view():
    from dashboard.users import audit

    if request.method == "GET":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        return render_template_string(LOGOUT_PAGE, action=url_for("auth.logout"), csrf=csrf_token(),
                                      name=current_user.name)
    if current_user.is_authenticated:
        try:
            close_session(_db_url(), current_user.token)  # the server forgets it: a replayed cookie opens nothing
            audit(_db_url(), current_user.name, "logout", ip=client_ip())
        except SQLAlchemyError:
            log.error("sign-out of %s not recorded: database unavailable", current_user.name)
            return render_template_string(LOGIN_PAGE, title=_title(), form=False, csrf="", next="/", username="",
                                          message="Signing out failed: the database is unavailable. "
                                                  "Try again."), 503
    logout_user()
    session.clear()
    return redirect(url_for("auth.login", bye=1))


def _me_view():
    if not auth_enabled():
        return jsonify(name=DevUser().name, role="admin", auth=False)
    return jsonify(name=current_user.name, role=current_user.role, auth=True)


def _too_many() -> Any:
    return make_response(render_template_string(
        LOGIN_PAGE, title=_title(), form=False, csrf="", next="/", username="",
        message="Too many sign-in attempts. Wait a minute and try again."), 429)


def _blueprint() -> Blueprint:
    bp = Blueprint("auth", __name__, url_prefix="/auth")
    bp.add_url_rule("/login", "login", _login_view, methods=["GET", "POST"])
    bp.add_url_rule("/logout", "logout", _logout_view, methods=["GET", "POST"])
    bp.add_url_rule("/me", "me", _me_view, methods=["GET"])
    return bp


# -- wiring ---------------------------------------------------------------------------------------
def init_auth(app, settings: Any = None) -> AuthConfig:
    """Protect ``app`` (a Dash app): sign-in, roles, CSRF, rate limit.

    Call once per app, after its pages are registered (``create_app``, which then registers the
    admin pages: ``dashboard/admin/registry.py``; they import this module, never the reverse).
    """
    server: Flask = app.server
    cfg = AuthConfig.from_settings(settings)
    server.extensions[AUTH_EXT_KEY] = {"config": cfg}
    if cfg.proxy_hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        h = cfg.proxy_hops
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=h, x_proto=h, x_host=h)
    server.secret_key = cfg.secret_key or load_or_create_secret(cfg.secret_file)
    server.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=cfg.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=cfg.secure_cookies,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=cfg.session_hours),
        # the session ends on the server session_hours after sign-in (its row's expires_at, never moved): the
        # cookie, set at sign-in with the same lifetime, is not signed and sent again on every response, which
        # only pushed its expiry past the server's end (and cost each request a signing)
        SESSION_REFRESH_EACH_REQUEST=False,
        INTL_TITLE=(getattr(settings, "branding", None) or {}).get("title"),
    )

    lm = LoginManager()
    lm.init_app(server)
    lm.user_loader(_load_user)
    lm.session_protection = "basic"

    from dashboard.login_limits import LoginLimits

    server.extensions[AUTH_EXT_KEY]["limits"] = LoginLimits(cfg.login_rate, cfg.login_user_rate,
                                                            getattr(settings, "redis_url", None))
    server.register_blueprint(_blueprint())
    server.before_request(_guard)
    server.after_request(_after)

    if not cfg.enabled:
        log.warning("INTL_AUTH=off: sign-in is DISABLED, every visitor acts as an administrator. "
                    "Development only: never expose this server.")
    elif cfg.admin_user and cfg.admin_password:
        from dashboard.users import ensure_env_admin
        from etl.db import upgrade

        url = server.config["INTL_DATABASE_URL"]
        try:
            upgrade(url)
            if ensure_env_admin(url, {"INTL_ADMIN_USER": cfg.admin_user, "INTL_ADMIN_PASSWORD": cfg.admin_password}):
                log.info("administrator %s created from INTL_ADMIN_USER", cfg.admin_user)
        except SQLAlchemyError as exc:  # a second worker racing the first on a new database
            log.warning("INTL_ADMIN_USER not applied: %s", exc.__class__.__name__)

    return cfg

