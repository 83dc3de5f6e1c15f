"""What the server refuses before a page or a callback runs (dashboard/hardening.py), and how
every route and callback answers hostile values: bodies over the size limit (refused before
they are read, with and without a Content-Length), one upload limit said the same way
everywhere, callback requests of the wrong shape, encoded ``..`` in Dash's script paths, CR/LF
in ``next=``, and a fuzz over every registered route, every filter parameter and every callback
input: never a 5xx.

The big bodies are generated here, never stored: a claimed length without the bytes, a
chunked body produced as it is sent (and stopped when the server closes), a 25 MB upload.
"""
from __future__ import annotations

import json
import re
import socket
import threading
from urllib.parse import quote

import pytest

from tests.test_admin import upload_body
from tests.test_auth import PASSWORDS, Session, body_for, callback_body, form_token, make_app, make_users

pytestmark = pytest.mark.auth

MB = 1024 * 1024


# -- the production server (the Procfile's gunicorn) for the raw-socket tests ---------------------------
@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """gunicorn as the Procfile runs it (one for the module's raw-socket tests, which only read). (werkzeug's
    development server drains a refused body on purpose, so that a client sees its 413; gunicorn closes
    the connection.)"""
    from tests.gunicorn_server import Gunicorn

    tmp_path = tmp_path_factory.mktemp("live")
    sqlite_url = f"sqlite:///{tmp_path / 'intl.db'}"
    make_users(sqlite_url)
    env = {"DATABASE_URL": sqlite_url, "INTL_AUTH": "on", "INTL_SECRET_KEY": "hardening-test-" + "k" * 40,
           "INTL_UPLOAD_DIR": str(tmp_path / "uploads"), "INTL_REQUEST_MAX_MB": None, "INTL_UPLOAD_MAX_MB": None,
           "REDIS_URL": None}
    with Gunicorn(env, tmp_path / "gunicorn.log", workers=1) as srv:
        yield srv


def live_cookies(base: str, name: str) -> tuple[str, str]:
    """Sign in through the form of the live server: (Cookie header, CSRF token)."""
    import requests

    s = requests.Session()
    tok = form_token(s.get(base + "/auth/login", timeout=30).text)
    r = s.post(base + "/auth/login", data={"username": name, "password": PASSWORDS[name], "csrf_token": tok},
               allow_redirects=False, timeout=30)
    assert r.status_code == 302, r.text
    return "; ".join(f"{k}={v}" for k, v in s.cookies.items()), s.cookies["_csrf_token"]


def raw_post(port: int, cookie: str, csrf: str, headers: dict[str, str]) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)  # a bound, never the point of the test
    lines = ["POST /_dash-update-component HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Cookie: {cookie}",
             f"X-CSRFToken: {csrf}", "Content-Type: application/json", *(f"{k}: {v}" for k, v in headers.items())]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    return sock


def read_response(sock: socket.socket) -> tuple[int, bytes]:
    data = b""
    try:
        while b"\r\n\r\n" not in data or len(data) < data.index(b"\r\n\r\n") + 4 + _length(data):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    assert m, f"no HTTP response: {data[:200]!r}"
    return int(m.group(1)), data.split(b"\r\n\r\n", 1)[1]


def _length(data: bytes) -> int:
    m = re.search(rb"(?i)\r\ncontent-length: (\d+)", data)
    return int(m.group(1)) if m else 0


@pytest.mark.slow
def test_a_callback_claiming_200_mb_is_refused_before_a_byte_of_it_is_sent(live):
    cookie, csrf = live_cookies(live.base, "vic")
    sock = raw_post(live.port, cookie, csrf, {"Content-Length": str(200 * MB)})
    try:
        status, body = read_response(sock)  # nothing of the body was sent: the answer comes from the headers
    finally:
        sock.close()
    assert status == 413
    assert json.loads(body) == {"error": "request too large: at most 2 MB", "upload": False, "limit_mb": "2"}
    # an administrator may send uploads, up to the upload limit: 25 MB of files is refused the same way
    cookie, csrf = live_cookies(live.base, "alice")
    claimed = 25 * MB * 4 // 3 + 2000
    sock = raw_post(live.port, cookie, csrf, {"Content-Length": str(claimed)})
    try:
        status, body = read_response(sock)
    finally:
        sock.close()
    assert status == 413 and json.loads(body)["error"] == "upload too large: at most 20 MB at a time"


@pytest.mark.slow
def test_a_chunked_body_is_cut_off_at_the_limit(live):
    """No Content-Length: the server reads until the limit, answers 413 and closes; the client
    cannot push the 200 MB it meant to (it read 200 MB whole before)."""
    cookie, csrf = live_cookies(live.base, "vic")
    sock = raw_post(live.port, cookie, csrf, {"Transfer-Encoding": "chunked"})
    sent = [0]
    block = b'{"output": "ov-kpis.children", "pad": "' + b"x" * (64 * 1024) + b'"}'
    chunk = f"{len(block):x}\r\n".encode() + block + b"\r\n"

    def push():
        try:
            while sent[0] < 200 * MB:
                sock.sendall(chunk)
                sent[0] += len(block)
            sock.sendall(b"0\r\n\r\n")
        except OSError:  # the server closed the connection: it stopped reading
            pass

    pusher = threading.Thread(target=push, daemon=True)
    pusher.start()
    try:
        status, body = read_response(sock)
    finally:
        pusher.join(timeout=60)
        sock.close()
    assert status == 413 and b"at most 2 MB" in body
    assert sent[0] < 40 * MB, f"{sent[0] / MB:.0f} MB went in before the server stopped reading"


def test_one_upload_limit_said_the_same_way_everywhere(sqlite_url, monkeypatch, tmp_path):
    from dashboard.admin.uploads import UploadError, check_content

    make_users(sqlite_url)
    app = make_app(sqlite_url, monkeypatch, tmp_path)
    s = Session(app)
    assert s.login("alice").status_code == 302
    r = s.callback(body_for(app, "_pages_content.children", {("_pages_location", "pathname"): "/admin/uploads",
                                                             ("_pages_location", "search"): ""}))
    assert "up to 20 MB at a time" in r.text
    with pytest.raises(UploadError, match=r"file too large: 20\.5 MB, limit 20 MB$"):
        check_content("big.txt", b"x" * int(20.5 * MB))
    # a file just over the limit fits the request room: read, refused with the page's number
    r = s.callback(upload_body(["big.txt"], [b"a" * int(20.5 * MB)]))
    assert r.status_code == 200 and "limit 20 MB" in r.text and "1 refused" in r.text
    # 25 MB: over the request limit, refused before the callback runs
    r = s.callback(upload_body(["huge.txt"], [b"a" * 25 * MB]))
    assert r.status_code == 413 and r.json["error"] == "upload too large: at most 20 MB at a time"
    # within the limit: stored
    r = s.callback(upload_body(["news.txt"], [b"BISTU news.\n" * (19 * MB // 12)]))
    assert r.status_code == 200 and "1 file(s) stored, 0 refused" in r.text
    # only the upload callback may be that big: another admin callback of 3 MB is refused
    big = callback_body([("admin-audit-table", "children")],
                        [("admin-audit-user", "value", "x" * 3 * MB), ("admin-audit-action", "value", "")])
    r = s.callback(big)
    assert r.status_code == 413 and r.json["error"] == "request too large: at most 2 MB"
    # and a viewer's callbacks are small, whatever they claim to be
    v = Session(app)
    v.login("vic")
    r = v.callback(upload_body(["news.txt"], [b"a" * 3 * MB]))
    assert r.status_code == 413 and r.json["error"] == "request too large: at most 2 MB"


def test_the_request_limit_is_configurable(sqlite_url, monkeypatch, tmp_path):
    make_users(sqlite_url)
    app = make_app(sqlite_url, monkeypatch, tmp_path, INTL_REQUEST_MAX_MB="1")
    s = Session(app)
    s.login("vic")
    kpis = body_for(app, "ov-kpis.children", {("filters-store", "data"): {}})
    assert s.callback(kpis).status_code in (200, 204)
    padded = dict(kpis, pad="x" * (MB + 10))
    r = s.callback(padded)
    assert r.status_code == 413 and r.json["error"] == "request too large: at most 1 MB"
    assert app.server.config["MAX_CONTENT_LENGTH"] == MB  # assigned (Flask holds the key, as None)


# -- callback requests of the wrong shape ------------------------------------------------------------
@pytest.fixture
def viewer(sqlite_url, monkeypatch, tmp_path):
    """The sample, its app and a signed-in viewer, all the test's own (the fuzz tests: they send every
    route and callback, an administrator's too, whatever they may change)."""
    from tests.browser.conftest import load_sample

    load_sample(sqlite_url)
    make_users(sqlite_url)
    app = make_app(sqlite_url, monkeypatch, tmp_path)
    s = Session(app)
    assert s.login("vic").status_code == 302
    return app, s


@pytest.fixture(scope="module")
def _reading_app(tmp_path_factory):
    """One sample database and its app for the module's tests that only read (refused requests, filters,
    script paths): each of them signs in with a client of its own (``read_viewer``)."""
    from tests.browser.conftest import load_sample

    tmp_path = tmp_path_factory.mktemp("hardening-read")
    url = f"sqlite:///{tmp_path / 'intl.db'}"
    load_sample(url)
    make_users(url)
    with pytest.MonkeyPatch.context() as mp:
        yield make_app(url, mp, tmp_path)


@pytest.fixture
def read_viewer(_reading_app):
    """A viewer signed in with a new client (cookies of its own) on the module's reading app."""
    s = Session(_reading_app)
    assert s.login("vic").status_code == 302
    return _reading_app, s


def test_a_filter_store_that_is_not_an_object_is_a_400(read_viewer):
    app, s = read_viewer
    for value in ([1, 2], "abc", 5, 1.5, True):
        r = s.callback(body_for(app, "ov-kpis.children", {("filters-store", "data"): value}))
        assert r.status_code == 400 and "an object expected" in r.json["error"], value
    # values inside the object that are no filter are ignored: the same answer as no filter
    everything = s.callback(body_for(app, "ov-kpis.children", {("filters-store", "data"): {}})).json
    for value in ({"year_from": "99999999999999999999"}, {"year_to": 10**20, "schools": 10**20}, {"schools": "abc"},
                  {"year_from": [1]}, {"activity_kinds": {"a": 1}}, {"schools": [10**30, -1, "1e9"]},
                  {"language": ["en"]}, {"year_from": 1e308}):
        r = s.callback(body_for(app, "ov-kpis.children", {("filters-store", "data"): value}))
        assert r.status_code == 200 and r.json == everything, value


def test_url_parameters_out_of_range_are_ignored_filters(read_viewer):
    from dashboard.queries.common import Filters

    app, s = read_viewer
    for search in ("?from=99999999999999999999", "?to=-99999999999999999999&school=99999999999999999999",
                   "?from=1e308&to=inf&school=NaN", "?school=" + ",".join(["1"] * 5000)):
        r = s.callback(body_for(app, "filters-store.data", {("url", "search"): search}))
        assert r.status_code == 200, search
        stored = Filters.from_dict(r.json["response"]["filters-store"]["data"])
        assert (stored.year_from, stored.year_to) == (None, None) and stored.schools in ((), (1,)), search
    assert s.page("/?from=99999999999999999999").status_code == 200
    r = s.c.get("/export/data/activities_by_year.csv?from=99999999999999999999&school=99999999999999999999")
    assert r.status_code == 200 and r.mimetype == "text/csv"


@pytest.mark.parametrize("body, why", [  # an administrator's requests: a viewer's unreadable ones are a 403 already
    ("not json", "not a JSON object"),
    ([1, 2], "not a JSON object"),
    ({"output": "no-such.children", "outputs": {}, "inputs": []}, "no such callback"),
    ({"output": "pa-partners-grid.dashGridOptions", "outputs": {}, "inputs": [], "state": []}, "no such callback"),
    ({"output": "ov-kpis.children", "outputs": {"id": "ov-kpis", "property": "children"}, "inputs": "x"},
     "inputs do not match"),
    ({"output": "ov-kpis.children", "outputs": {"id": "ov-kpis", "property": "children"},
      "inputs": [{"id": "filters-store", "property": "nope", "value": {}}]}, "not the declared input"),
    ("changed", "changedPropIds"),
])
def test_callback_requests_of_the_wrong_shape_are_400(read_viewer, body, why):
    app, _ = read_viewer
    s = Session(app)
    assert s.login("alice").status_code == 302
    if body == "changed":
        body = dict(body_for(app, "ov-kpis.children", {("filters-store", "data"): {}}), changedPropIds="x")
    kw = {"data": body, "content_type": "application/json"} if isinstance(body, str) else {"json": body}
    r = s.c.post("/_dash-update-component", headers={"X-CSRFToken": s.csrf}, **kw)
    assert r.status_code == 400 and why in r.json["error"]


def test_url_properties_must_be_text(read_viewer):
    app, s = read_viewer
    for value in (5, [1], {"a": 1}):
        r = s.callback(body_for(app, "filters-store.data", {("url", "search"): value}))
        assert r.status_code == 400 and "text expected" in r.json["error"]


def test_encoded_dots_in_script_paths_are_404(read_viewer):
    app, s = read_viewer
    for path in ("/_dash-component-suites/dash/%2e%2e/%2e%2e/etc/passwd", "/_dash-component-suites/dash/..%2fapp.py",
                 "/_dash-component-suites/%2e%2e/x.js", "/_dash-component-suites/dash/..%5c..%5cx.js",
                 "/_dash-component-suites/os/path.py", "/_dash-component-suites/dash/x%00.js"):
        r = s.c.get(path)
        assert r.status_code == 404, path
        assert b"Registered libraries" not in r.data


def test_cr_lf_in_next_never_reaches_a_header(sqlite_url, monkeypatch, tmp_path):
    make_users(sqlite_url)
    app = make_app(sqlite_url, monkeypatch, tmp_path)
    for target in ("/\r\nSet-Cookie: evil=1", "/%0d%0aSet-Cookie:%20evil=1", "/a\nb", "/\x00", "/" + "a" * 5000):
        c = app.server.test_client()
        assert c.get("/auth/login?next=" + quote(target)).status_code == 200
        tok = form_token(c.get("/auth/login").text)
        r = c.post("/auth/login", data={"username": "vic", "password": PASSWORDS["vic"], "csrf_token": tok,
                                        "next": target})
        assert r.status_code == 302 and r.headers["Location"] in ("/", target), repr(target)
        assert "evil" not in str(r.headers.get_all("Set-Cookie"))


# -- the fuzz: every route, every filter parameter, every callback input -----------------------------
HOSTILE_SEGMENTS = ["x", "0", "-1", "99999999999999999999", "%2e%2e", "..%2f..%2fetc%2fpasswd", "%00",
                    "a" * 3000, "%E4%B8%AD", "%ff%fe", "1.5", "dash/%2e%2e/x.js", "%0d%0aX:1"]
HOSTILE_VALUES = ["99999999999999999999", "-99999999999999999999", "1e308", "inf", "NaN", "x", "", ",,,", "%00",
                  "%0d%0a", "a" * 5000, "1,2," * 600, "[1]", "{}", "%ff", "' OR 1=1 --", "2020,2021", "%2e%2e%2f"]
FILTER_KEYS = ["from", "to", "school", "kind", "country", "pkind", "lang", "ui", "q", "page", "next", "labels",
               "what", "year", "partner", "id"]
HOSTILE_JSON = [None, "", "x", 5, -1, 10**20, 1e308, [], [None], [10**20], {}, {"a": 1}, "99999999999999999999",
                "../../etc/passwd", True, [[1]], "?from=99999999999999999999&school=x", "%2e%2e/%0d%0a", "a" * 5000]


def _fill(rule: str, arguments, segment: str) -> str:
    for arg in arguments:
        rule = re.sub(rf"<(?:[a-z]+:)?{arg}>", segment, rule)
    return rule


@pytest.mark.slow
def test_every_route_and_filter_parameter_answers_hostile_values_without_a_5xx(viewer):
    from dashboard.export import REGISTRY

    app, s = viewer
    s.c.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    admin = Session(app, ip="10.1.2.4")
    assert admin.login("alice").status_code == 302
    queries = [""] + ["?" + "&".join(f"{k}={v}" for k in FILTER_KEYS) for v in HOSTILE_VALUES]
    urls = set()
    for rule in app.server.url_map.iter_rules():
        if rule.endpoint in ("export.figure", "export.report"):
            continue  # they render through Chromium: their names and formats are fuzzed below, filters via data
        segments = HOSTILE_SEGMENTS if rule.arguments else [""]
        for seg in segments:
            for q in queries:
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    urls.add((method, _fill(rule.rule, rule.arguments, seg) + q))
    name = next(iter(REGISTRY))
    for q in queries:  # the data downloads, with a real name: the filters reach the queries
        for fmt in ("csv", "xlsx", "json"):
            urls.add(("GET", f"/export/data/{name}.{fmt}{q}"))
    for seg in HOSTILE_SEGMENTS:
        urls |= {("GET", f"/export/figure/{seg}.png"), ("GET", f"/export/figure/{name}.{seg}"),
                 ("GET", f"/export/report.{seg}")}
    pages = ["/", "/schools", "/partners", "/programs", "/network", "/sources", "/schools/1", "/partners/1",
             "/sources/doc/1", "/admin/uploads", "/admin/review"]
    for p in pages:
        urls |= {("GET", p + q) for q in queries}
    failures = []
    for method, url in sorted(urls):
        for client in (s, admin):
            r = client.c.open(url, method=method, headers={"Accept": "text/html"},
                              data=b"{}" if method == "POST" else None,
                              content_type="application/json" if method == "POST" else None)
            if r.status_code >= 500:
                failures.append((method, url[:120], r.status_code))
    assert len(urls) > 1000
    assert failures == []


@pytest.mark.slow
def test_every_callback_answers_hostile_values_without_a_5xx(viewer):
    """Each input and state of every server-side callback in turn set to a hostile value (the
    others plausible): a 400, a 204 or an answer, never a 5xx. Background jobs are not started."""
    app, s = viewer
    admin = Session(app, ip="10.1.2.5")
    assert admin.login("alice").status_code == 302
    checked, failures = 0, []

    def plausible(cid: str, prop: str):
        return {"data": {}, "pathname": "/", "search": "", "hash": "", "href": ""}.get(
            "data" if (cid, prop) == ("filters-store", "data") else prop)
    for key, cb in list(app.callback_map.items()):
        if "callback" not in cb or cb.get("background"):
            continue
        outs = [tuple(o.rsplit(".", 1)) for o in key.strip(".").split("...")]
        named = [(i["id"], i["property"]) for i in cb["inputs"]] + [(x["id"], x["property"]) for x in cb["state"]]
        if any(cid.startswith("{") for cid, _ in named):
            continue  # pattern-matching inputs: their shape is checked by the guard (test above)
        n_in = len(cb["inputs"])
        for pos, (cid, prop) in enumerate(named):
            for value in HOSTILE_JSON:
                vals = [value if j == pos else plausible(*named[j]) for j in range(len(named))]
                body = callback_body(outs, [(i, p, v) for (i, p), v in zip(named[:n_in], vals[:n_in])],
                                     [(i, p, v) for (i, p), v in zip(named[n_in:], vals[n_in:])],
                                     changed=[f"{cid}.{prop}"] if pos < n_in else None)
                client = admin if "admin-" in key else s
                r = client.callback(body)
                checked += 1
                if r.status_code >= 500:
                    failures.append((key[:80], f"{cid}.{prop}", repr(value)[:40], r.status_code))
    assert checked > 1500
    assert failures == []
