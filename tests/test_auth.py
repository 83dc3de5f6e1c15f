"""Sign-in, sessions, CSRF, rate limit and roles (dashboard/auth.py), through Flask's test client.

The helpers at the top (``make_app``, ``Session``, ``callback_body``) are used by the
admin tests too: a ``Session`` signs in through the real login form and sends the CSRF
header the Dash renderer sends.
"""
from __future__ import annotations

import re
import stat

import pytest

pytestmark = pytest.mark.auth

PASSWORDS = {"alice": "alice-password-1", "vic": "viewer-password-1"}
LOGIN = "/auth/login"


# -- helpers ------------------------------------------------------------------
def make_users(url: str) -> None:
    from dashboard.users import add_user
    from tests.conftest import migrated

    migrated(url)  # on SQLite a copy of the worker's migrated file, where the database is new
    add_user(url, "alice", PASSWORDS["alice"], "admin")
    add_user(url, "vic", PASSWORDS["vic"], "viewer")


def make_app(url: str, monkeypatch, tmp_path, **env: str):
    """``create_app(url)`` with sign-in on; uploads and the secret kept under ``tmp_path``."""
    from dashboard.app import create_app

    monkeypatch.setenv("INTL_AUTH", "on")
    monkeypatch.setenv("INTL_SECRET_KEY_FILE", str(tmp_path / "secret_key"))
    monkeypatch.delenv("INTL_SECRET_KEY", raising=False)
    monkeypatch.setenv("INTL_UPLOAD_DIR", str(tmp_path / "uploads"))
    for k in ("INTL_ADMIN_USER", "INTL_ADMIN_PASSWORD", "INTL_SECURE_COOKIES", "INTL_LOGIN_RATE",
              "INTL_LOGIN_USER_RATE", "REDIS_URL"):
        monkeypatch.delenv(k, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return create_app(url)


def form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class Session:
    """A browser-like client: signs in through the form, sends the CSRF header on POSTs."""

    def __init__(self, app, ip: str | None = None):
        self.app = app
        self.c = app.server.test_client()
        if ip:  # the client's address (REMOTE_ADDR), as the sign-in limits see it
            self.c.environ_base["REMOTE_ADDR"] = ip

    def login(self, name: str, password: str | None = None, next: str = "/"):
        tok = form_token(self.c.get(LOGIN).text)
        return self.c.post(LOGIN, data={"username": name, "password": PASSWORDS[name] if password is None else password,
                                        "csrf_token": tok, "next": next})

    @property
    def csrf(self) -> str:
        cookie = self.c.get_cookie("_csrf_token")
        return cookie.value if cookie else ""

    def callback(self, body: dict, csrf: bool = True, **headers):
        h = {"X-CSRFToken": self.csrf} if csrf else {}
        h.update(headers)
        return self.c.post("/_dash-update-component", json=body, headers=h)

    def page(self, path: str):
        return self.c.get(path, headers={"Accept": "text/html"})


def callback_body(outputs: list[tuple[str, str]], inputs: list[tuple[str, str, object]],
                  state: list[tuple[str, str, object]] = (), changed: list[str] | None = None) -> dict:
    """The JSON the Dash renderer posts for a callback (hand-made: the crafted-request tests)."""
    if len(outputs) == 1:
        output = f"{outputs[0][0]}.{outputs[0][1]}"
        outs: object = {"id": outputs[0][0], "property": outputs[0][1]}
    else:
        output = ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
        outs = [{"id": i, "property": p} for i, p in outputs]
    return {"output": output, "outputs": outs,
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
            "changedPropIds": changed if changed is not None else [f"{inputs[0][0]}.{inputs[0][1]}"]}


def body_for(app, output_part: str, values: dict[tuple[str, str], object]) -> dict:
    """A request for the registered callback whose output names ``output_part``, every input and
    state filled from ``values`` (None elsewhere): it keeps up with the callbacks' signatures."""
    key = next(k for k in app.callback_map if output_part in k)
    cb = app.callback_map[key]
    outs = [tuple(o.rsplit(".", 1)) for o in key.strip(".").split("...")]
    ins = [(i["id"], i["property"], values.get((i["id"], i["property"]))) for i in cb["inputs"]]
    st = [(x["id"], x["property"], values.get((x["id"], x["property"]))) for x in cb["state"]]
    changed = [f"{i}.{p}" for i, p, v in ins if (i, p) in values] or [f"{ins[0][0]}.{ins[0][1]}"]
    return callback_body(outs, ins, st, changed=changed)


@pytest.fixture
def app(sqlite_url, monkeypatch, tmp_path):
    make_users(sqlite_url)
    return make_app(sqlite_url, monkeypatch, tmp_path)


# -- every route needs a signed-in user ------------------------------------------
PUBLIC = {"auth.login", "auth.logout"}  # the sign-in page and the sign-out page; nothing else


def _example_url(rule) -> str:
    url = rule.rule
    for arg in rule.arguments:
        url = re.sub(rf"<(?:[a-z]+:)?{arg}>", "dash/x.js" if "path" in arg else "x", url)
    return url


def test_every_registered_route_refuses_anonymous_requests(app):
    c = app.server.test_client()
    checked = 0
    rules = list(app.server.url_map.iter_rules())
    assert {r.endpoint for r in rules} >= PUBLIC | {"/_dash-update-component", "_dash_assets.static", "auth.me"}
    for rule in rules:
        if rule.endpoint in PUBLIC:
            continue
        url = _example_url(rule)
        for method in sorted(rule.methods - {"HEAD"}):
            for accept in ("text/html", "application/json"):
                r = c.open(url, method=method, headers={"Accept": accept})
                checked += 1
                ok = r.status_code in (401, 403) or (
                    r.status_code == 302 and r.headers["Location"].startswith(LOGIN))
                assert ok, f"{method} {url} ({rule.endpoint}) answered {r.status_code} to an anonymous client"
                assert b"ov-kpis" not in r.data and b"_dash-config" not in r.data
    assert checked >= 40
    # a page asked for by a browser goes to the sign-in page and comes back afterwards
    r = c.get("/?year_from=2020", headers={"Accept": "text/html"})
    assert r.status_code == 302 and r.headers["Location"] == "/auth/login?next=/?year_from%3D2020"


def test_the_public_endpoints_are_only_the_sign_in_pages(app):
    c = app.server.test_client()
    assert c.get(LOGIN).status_code == 200
    r = c.get("/auth/logout")
    assert r.status_code == 302 and r.headers["Location"].startswith(LOGIN)
    assert c.get("/auth/me").status_code == 401


# -- signing in ------------------------------------------------------------------
def test_sign_in_sets_a_session_that_opens_the_dashboard(app):
    s = Session(app)
    r = s.login("vic", next="/?kinds=conference")
    assert r.status_code == 302 and r.headers["Location"] == "/?kinds=conference"
    assert s.page("/").status_code == 200
    assert s.c.get("/auth/me").json == {"name": "vic", "role": "viewer", "auth": True}
    assert s.c.get("/_dash-layout").status_code == 200


def test_cookies_are_httponly_samesite_and_secure_when_configured(sqlite_url, monkeypatch, tmp_path):
    make_users(sqlite_url)
    for secure in (False, True):
        app = make_app(sqlite_url, monkeypatch, tmp_path, INTL_SECURE_COOKIES="1" if secure else "0")
        c = app.server.test_client()
        tok = form_token(c.get(LOGIN).text)
        r = c.post(LOGIN, data={"username": "vic", "password": PASSWORDS["vic"], "csrf_token": tok})
        cookies = r.headers.getlist("Set-Cookie")
        session = next(x for x in cookies if x.startswith("intl_session="))
        assert "HttpOnly" in session and "SameSite=Lax" in session
        assert ("Secure" in session) is secure
        csrf = next(x for x in cookies if x.startswith("_csrf_token="))
        assert "HttpOnly" not in csrf and "SameSite=Strict" in csrf  # the Dash renderer must read it
        assert ("Secure" in csrf) is secure


def test_wrong_passwords_and_unknown_users_are_refused_alike_and_audited(app, sqlite_url):
    from dashboard.users import recent_audit

    s = Session(app)
    r1 = s.login("vic", "not-the-password")
    r2 = s.login("nobody", "not-the-password")
    assert r1.status_code == r2.status_code == 401
    assert "Wrong user name or password." in r1.text and "Wrong user name or password." in r2.text
    assert s.c.get("/auth/me").status_code == 401
    actions = [(e.user, e.action) for e in recent_audit(sqlite_url)]
    assert ("vic", "login.failed") in actions and ("nobody", "login.failed") in actions
    s.login("vic")
    assert ("vic", "login") in [(e.user, e.action) for e in recent_audit(sqlite_url)]


def test_there_is_no_default_user(sqlite_url, monkeypatch, tmp_path):
    from dashboard.users import list_users
    from etl.db import upgrade

    upgrade(sqlite_url)
    app = make_app(sqlite_url, monkeypatch, tmp_path)
    s = Session(app)
    assert "intl users add NAME --role admin" in s.c.get(LOGIN).text  # how to make the first one
    for name, pw in (("admin", "admin"), ("admin", "password"), ("root", "root"), ("admin", "")):
        assert s.login(name, pw).status_code == 401
    assert list_users(sqlite_url) == []


def test_first_admin_from_the_environment_is_created_once_and_never_reset(sqlite_url, monkeypatch, tmp_path):
    from dashboard.users import get_user
    from etl.db import upgrade

    upgrade(sqlite_url)
    make_app(sqlite_url, monkeypatch, tmp_path, INTL_ADMIN_USER="boss", INTL_ADMIN_PASSWORD="first-password-1")
    u = get_user(sqlite_url, "boss")
    assert u is not None and u.role == "admin"
    app = make_app(sqlite_url, monkeypatch, tmp_path, INTL_ADMIN_USER="boss", INTL_ADMIN_PASSWORD="other-password-2")
    s = Session(app)
    assert s.login("boss", "other-password-2").status_code == 401
    assert s.login("boss", "first-password-1").status_code == 302


def test_next_never_leads_to_another_host(app):
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        s = Session(app)
        r = s.login("vic", next=target)
        assert r.status_code == 302 and r.headers["Location"] == "/", target


def test_sign_out_needs_the_token_and_ends_the_session(app):
    s = Session(app)
    s.login("vic")
    assert s.c.post("/auth/logout").status_code == 403  # no CSRF token: refused, still signed in
    assert s.c.get("/auth/me").status_code == 200
    r = s.c.post("/auth/logout", data={"csrf_token": s.csrf})
    assert r.status_code == 302 and r.headers["Location"].startswith(LOGIN)
    assert s.c.get("/auth/me").status_code == 401


def test_a_new_role_a_new_password_or_removal_ends_open_sessions(app, sqlite_url):
    from dashboard.users import add_user, remove_user, set_password, set_role

    add_user(sqlite_url, "carol", "carol-password-1", "viewer")
    steps = [("carol-password-1", lambda: set_role(sqlite_url, "carol", "admin")),
             ("carol-password-1", lambda: set_password(sqlite_url, "carol", "carol-password-2")),
             ("carol-password-2", lambda: remove_user(sqlite_url, "carol"))]
    for password, change in steps:
        s = Session(app)
        assert s.login("carol", password).status_code == 302
        assert s.c.get("/auth/me").status_code == 200
        change()
        assert s.c.get("/auth/me").status_code == 401


# -- CSRF -----------------------------------------------------------------------
def test_sign_in_form_needs_its_csrf_token(app):
    c = app.server.test_client()
    c.get(LOGIN)
    r = c.post(LOGIN, data={"username": "vic", "password": PASSWORDS["vic"]})
    assert r.status_code == 403
    other = app.server.test_client()
    foreign = form_token(other.get(LOGIN).text)  # a valid token of another session
    r = c.post(LOGIN, data={"username": "vic", "password": PASSWORDS["vic"], "csrf_token": foreign})
    assert r.status_code == 403
    assert c.get("/auth/me").status_code == 401


def _kpi_body(app):
    return body_for(app, "ov-kpis.children", {("filters-store", "data"): {}})


def test_callbacks_need_the_csrf_header_and_a_same_origin(app):
    s = Session(app)
    s.login("vic")
    assert s.callback(_kpi_body(app), csrf=False).status_code == 403
    assert s.c.post("/_dash-update-component", json=_kpi_body(app), headers={"X-CSRFToken": "forged"}).status_code == 403
    assert s.callback(_kpi_body(app), Origin="http://evil.example").status_code == 403
    assert s.callback(_kpi_body(app), Referer="http://evil.example/page").status_code == 403
    r = s.callback(_kpi_body(app), Origin="http://localhost")
    assert r.status_code in (200, 204), r.text
    r = s.callback(_kpi_body(app))
    assert r.status_code in (200, 204), r.text


# -- rate limit -------------------------------------------------------------------
def test_failed_sign_ins_are_rate_limited_successful_ones_are_not(sqlite_url, monkeypatch, tmp_path):
    make_users(sqlite_url)
    app = make_app(sqlite_url, monkeypatch, tmp_path, INTL_LOGIN_RATE="100 per minute",
                   INTL_LOGIN_USER_RATE="3 per minute")
    for _ in range(5):  # successes do not count
        assert Session(app).login("vic").status_code == 302
    s = Session(app)
    codes = [s.login("alice", "wrong-password-x").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    assert s.login("alice").status_code == 429  # even the right password waits
    assert "Too many sign-in attempts" in s.login("alice").text
    assert Session(app).login("vic").status_code == 302  # another user name is not blocked

    app = make_app(sqlite_url, monkeypatch, tmp_path, INTL_LOGIN_RATE="2 per minute",
                   INTL_LOGIN_USER_RATE="100 per minute")
    # the failures above are still counted (the store is the database): another address
    codes = [Session(app, ip="10.0.0.9").login(f"user{i}", "wrong-password-x").status_code for i in range(3)]
    assert codes == [401, 401, 429]  # per client address


# -- roles ------------------------------------------------------------------------
ADMIN_PATHS = ["/admin/uploads", "/admin/etl", "/admin/runs", "/admin/review", "/admin/users", "/admin/audit"]


def admin_callbacks(app) -> list[str]:
    return [k for k in app.callback_map if "admin-" in k]


def test_every_admin_callback_and_page_is_refused_to_a_viewer(app, sqlite_url):
    from dashboard.users import list_users

    keys = admin_callbacks(app)
    assert len(keys) >= 10
    s = Session(app)
    s.login("vic")
    for path in ADMIN_PATHS:
        r = s.page(path)
        # 403, but as the app's own page (its layout says "administrators only" in the
        # interface language), not raw JSON; a non-browser client still gets the JSON refusal
        assert r.status_code == 403 and r.mimetype == "text/html" and b"react-entry-point" in r.data, path
        j = s.c.get(path, headers={"Accept": "application/json"})
        assert j.status_code == 403 and j.get_json() == {"error": "administrators only"}, path
    for key, cb in app.callback_map.items():
        if key not in keys:
            continue
        outs = key.strip(".").split("...")
        body = callback_body([tuple(o.rsplit(".", 1)) for o in outs],
                             [(i["id"], i["property"], 1) for i in cb["inputs"]],
                             [(x["id"], x["property"], "x") for x in cb["state"]])
        r = s.callback(body)
        assert r.status_code == 403, (key, r.status_code)
    # the crafted "add user" request of a viewer: refused, and nobody was added
    body = callback_body(
        [("admin-users-message", "children"), ("admin-users-table", "children"), ("admin-users-select", "options"),
         ("admin-users-password", "value"), ("admin-users-new-password", "value")],
        [("admin-users-add", "n_clicks", 1), ("admin-users-set-role", "n_clicks", None),
         ("admin-users-set-password", "n_clicks", None), ("admin-users-remove", "n_clicks", None)],
        [("admin-users-name", "value", "mallory"), ("admin-users-role", "value", "admin"),
         ("admin-users-password", "value", "mallory-password-1"), ("admin-users-select", "value", None),
         ("admin-users-new-role", "value", None), ("admin-users-new-password", "value", None)])
    assert s.callback(body).status_code == 403
    # disguised: an admin output hidden behind a harmless-looking first output
    disguised = dict(body, outputs=[{"id": "ov-kpis", "property": "children"}])
    assert s.callback(disguised).status_code == 403
    assert "mallory" not in [u.name for u in list_users(sqlite_url)]

    a = Session(app)
    a.login("alice")
    r = a.callback(body)
    assert r.status_code == 200, r.text
    assert "User mallory added as admin" in r.text
    assert [u.role for u in list_users(sqlite_url) if u.name == "mallory"] == ["admin"]


def test_admin_layouts_refuse_a_viewer_even_through_the_pages_router(app):
    """The page router is a callback of its own: a viewer asking it for /admin/users gets a refusal."""
    from dashboard import auth
    from dashboard.pages import admin_users

    with app.server.test_request_context("/"):
        from flask_login import login_user

        login_user(auth.SessionUser(2, "vic", "viewer", 0))
        text = str(admin_users.layout())
        assert "Administrators only" in text and "admin-users-add" not in text
        login_user(auth.SessionUser(1, "alice", "admin", 0))
        assert "admin-users-add" in str(admin_users.layout())


def test_viewers_keep_viewing_and_exporting(app):
    s = Session(app)
    s.login("vic")
    assert s.page("/").status_code == 200
    r = s.callback(_kpi_body(app))
    assert r.status_code in (200, 204)


# -- switching it off is explicit only ------------------------------------------------------
def test_sign_in_is_on_unless_explicitly_switched_off(sqlite_url, monkeypatch, tmp_path):
    from dashboard.auth import AuthConfig

    assert AuthConfig.from_settings(None, env={}).enabled is True
    assert AuthConfig.from_settings(None, env={"INTL_AUTH": "on"}).enabled is True
    assert AuthConfig.from_settings(None, env={"INTL_AUTH": "off"}).enabled is False
    make_users(sqlite_url)
    app = make_app(sqlite_url, monkeypatch, tmp_path, INTL_AUTH="off")
    c = app.server.test_client()
    assert c.get("/", headers={"Accept": "text/html"}).status_code == 200
    assert c.get("/auth/me").json["auth"] is False


def test_the_secret_key_is_made_once_private_and_shared(tmp_path):
    from dashboard.auth import load_or_create_secret

    p = tmp_path / "d" / "secret"
    k1 = load_or_create_secret(p)
    assert len(k1) >= 40 and load_or_create_secret(p) == k1
    assert stat.S_IMODE(p.stat().st_mode) == 0o600
    assert list(p.parent.iterdir()) == [p]  # no temporary file left


def test_security_headers(app):
    r = app.server.test_client().get(LOGIN)
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "SAMEORIGIN"


# -- intl users ----------------------------------------------------------------------
def test_intl_users_commands(sqlite_url):
    from typer.testing import CliRunner

    from dashboard.cli import app as cli
    from dashboard.users import authenticate, get_user

    run = CliRunner().invoke
    r = run(cli, ["users", "add", "root1", "--role", "admin", "--password-stdin", "--db", sqlite_url],
            input="root-password-1\n")
    assert r.exit_code == 0, r.output
    assert authenticate(sqlite_url, "root1", "root-password-1") is not None
    assert get_user(sqlite_url, "root1").password_hash.startswith("$argon2id$")
    r = run(cli, ["users", "add", "v1", "--password-stdin", "--db", sqlite_url], input="short\n")
    assert r.exit_code == 2 and "too short" in r.output
    r = run(cli, ["users", "add", "../x", "--password-stdin", "--db", sqlite_url], input="long-enough-pw\n")
    assert r.exit_code == 2
    assert run(cli, ["users", "add", "v1", "--password-stdin", "--db", sqlite_url],
               input="viewer-password-1\n").exit_code == 0
    out = run(cli, ["users", "list", "--db", sqlite_url]).output
    assert re.search(r"root1\s+admin", out) and re.search(r"v1\s+viewer", out)
    assert run(cli, ["users", "set-role", "root1", "viewer", "--db", sqlite_url]).exit_code == 2  # last admin
    assert run(cli, ["users", "remove", "root1", "--db", sqlite_url]).exit_code == 2
    assert run(cli, ["users", "set-role", "v1", "admin", "--db", sqlite_url]).exit_code == 0
    assert run(cli, ["users", "remove", "root1", "--db", sqlite_url]).exit_code == 0
    assert get_user(sqlite_url, "root1") is None and get_user(sqlite_url, "v1").role == "admin"


def test_behind_a_proxy_the_client_address_and_public_host_are_used(sqlite_url, monkeypatch, tmp_path):
    make_users(sqlite_url)
    app = make_app(sqlite_url, monkeypatch, tmp_path, INTL_PROXY_HOPS="1", INTL_LOGIN_RATE="2 per minute",
                   INTL_LOGIN_USER_RATE="100 per minute")
    fwd = {"X-Forwarded-Host": "intl.example.edu", "X-Forwarded-Proto": "https"}

    def attempt(client_ip: str) -> int:
        c = app.server.test_client()
        h = {**fwd, "X-Forwarded-For": client_ip}
        tok = form_token(c.get(LOGIN, headers=h).text)
        return c.post(LOGIN, data={"username": "x", "password": "wrong-password", "csrf_token": tok},
                      headers={**h, "Origin": "https://intl.example.edu"}).status_code

    assert [attempt("10.0.0.1") for _ in range(3)] == [401, 401, 429]
    assert attempt("10.0.0.2") == 401  # another client behind the same proxy is not blocked


def test_every_callback_of_the_admin_pages_is_recognised_by_the_guard():
    """The guard knows admin callbacks by their ``admin-`` ids: every callback the admin pages
    register must name one in its output, or a viewer could reach it."""
    import dash

    from dashboard.admin import registry
    from dashboard.auth import callback_needs_admin

    app = dash.Dash(__name__, use_pages=True, pages_folder="")
    before = set(app.callback_map)
    registry.register(app, None)
    added = set(app.callback_map) - before
    assert len(added) >= 10
    for key in added:
        assert "admin-" in key and callback_needs_admin({"output": key}), key
    assert not callback_needs_admin({"output": "ov-kpis.children", "inputs": [{"id": "filters-store"}]})
    assert callback_needs_admin({"output": "x.children", "inputs": [{"id": {"type": "admin-row", "i": 1}}]})
    assert callback_needs_admin("not a dict") and callback_needs_admin({"output": None})


def test_old_hashes_are_upgraded_at_the_next_sign_in(sqlite_url):
    from argon2 import PasswordHasher

    from dashboard.users import authenticate, get_user
    from etl.db import session_factory, upgrade
    from etl.load.models import User

    upgrade(sqlite_url)
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("legacy-password-1")
    with session_factory(sqlite_url).begin() as s:
        s.add(User(name="old", password_hash=old, role="viewer"))
    assert authenticate(sqlite_url, "old", "legacy-password-1") is not None
    new = get_user(sqlite_url, "old").password_hash
    assert new != old and "m=19456,t=2,p=1" in new
    assert authenticate(sqlite_url, "old", "legacy-password-1") is not None
