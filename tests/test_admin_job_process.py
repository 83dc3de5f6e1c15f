"""An ETL job started from the browser runs in a process that holds none of the web server's
sockets, so other users never wait on it.

The server is the Procfile's gunicorn (one worker, so that every connection is that worker's);
the job is a run of a configured source that lasts until the test opens its gate
(tests/gate_source.py). While it runs, eight signed-in viewers whose keep-alive connections the
worker closed in the meantime make their next requests: all are answered. (When the job was a
fork of the worker, it kept those connections open: the worker's close sent nothing, the
viewers' next requests went into sockets nobody read, and they hung until the job ended.)
"""
from __future__ import annotations

import json
import threading
import time

import psutil
import pytest
import requests

from tests.gunicorn_server import Gunicorn
from tests.test_auth import PASSWORDS, callback_body, form_token, make_users

pytestmark = [pytest.mark.auth, pytest.mark.slow]
VIEWERS = 8


def sign_in(base: str, name: str, password: str) -> requests.Session:
    s = requests.Session()
    tok = form_token(s.get(base + "/auth/login", timeout=30).text)
    r = s.post(base + "/auth/login", data={"username": name, "password": password, "csrf_token": tok},
               allow_redirects=False, timeout=30)
    assert r.status_code == 302, r.text
    return s


def post(s: requests.Session, base: str, body: dict, query: str = "") -> requests.Response:
    return s.post(base + "/_dash-update-component" + query, json=body, timeout=60,
                  headers={"X-CSRFToken": s.cookies.get("_csrf_token", "")})


def wait_for(what, condition, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit  # a bound on a busy machine, not a measurement
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {limit:.0f} s"
        time.sleep(0.1)


def job_processes(master: int) -> list[psutil.Process]:
    """The processes the web workers started (the jobs): children of the master's children."""
    workers = psutil.Process(master).children()
    return [c for w in workers for c in w.children(recursive=True)]


def test_a_browser_job_holds_no_socket_of_the_server_and_viewers_never_wait(sqlite_url, tmp_path):
    from dashboard.users import add_user

    make_users(sqlite_url)
    for i in range(VIEWERS):
        add_user(sqlite_url, f"viewer{i}", f"viewer-password-{i}", "viewer")
    started, gate = tmp_path / "started", tmp_path / "gate"
    config = tmp_path / "intl.toml"
    config.write_text(f'plugins = ["tests.gate_source"]\n\n[[sources]]\nname = "gate"\nkind = "test-gate"\n'
                      f'started = "{started}"\ngate = "{gate}"\n', encoding="utf-8")
    env = {"DATABASE_URL": sqlite_url, "INTL_CONFIG": str(config), "INTL_AUTH": "on", "REDIS_URL": None,
           "INTL_SECRET_KEY": "job-test-" + "k" * 40, "INTL_UPLOAD_DIR": str(tmp_path / "uploads")}
    with Gunicorn(env, tmp_path / "gunicorn.log", workers=1) as srv:
        base = srv.base
        admin = sign_in(base, "alice", PASSWORDS["alice"])
        viewers = [sign_in(base, f"viewer{i}", f"viewer-password-{i}") for i in range(VIEWERS)]
        start = callback_body([("admin-etl-message", "children"), ("admin-etl-job", "data")],
                              [("admin-etl-sources", "n_clicks", 1), ("admin-etl-uploads", "n_clicks", None)],
                              changed=["admin-etl-sources.n_clicks"])
        r = post(admin, base, start)
        assert r.status_code == 200, r.text
        job_ref = r.json()["response"]["admin-etl-job"]["data"]
        run = callback_body([("admin-etl-result", "children")], [("admin-etl-job", "data", job_ref)])

        # every viewer has a live keep-alive connection to the worker when the job starts
        for v in viewers:
            assert v.get(base + "/auth/me", timeout=30).status_code == 200
        first = post(admin, base, run)
        assert first.status_code == 200, first.text
        handles = first.json()
        wait_for("the job's run started", started.exists)
        jobs = job_processes(srv.proc.pid)
        assert len(jobs) == 1, jobs
        job = jobs[0]

        # the job holds none of the server's sockets: not the listening one, no client's
        conns = getattr(job, "net_connections", None) or job.connections  # psutil 6 renamed it
        held = [c for c in conns(kind="inet") if srv.port in (c.laddr.port, c.raddr and c.raddr.port)]
        assert held == [], held

        # the worker closes idle keep-alive connections after 2 s (gunicorn's default): wait until it has
        # closed every one of ours (none left ESTABLISHED on our side; the viewers' sessions still hold
        # them, half-closed); then each viewer's next request, on the connection it kept, must be
        # answered while the job runs
        def ours(state: str) -> int:
            return sum(1 for c in psutil.Process().net_connections(kind="inet")
                       if c.raddr and c.raddr.port == srv.port and c.status == state)

        wait_for("the worker closed the idle connections", lambda: ours(psutil.CONN_ESTABLISHED) == 0)
        assert ours(psutil.CONN_CLOSE_WAIT) >= VIEWERS
        answers: dict[int, object] = {}

        def view(i: int) -> None:
            try:
                answers[i] = viewers[i].get(base + "/_dash-layout", timeout=30).status_code
            except requests.RequestException as exc:
                answers[i] = f"{exc.__class__.__name__}"

        threads = [threading.Thread(target=view, args=(i,)) for i in range(VIEWERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert answers == {i: 200 for i in range(VIEWERS)}
        assert job.is_running() and not gate.exists()  # all of it while the job still ran

        # open the gate: the job ends and the page gets its result
        gate.write_text("go")
        result = None

        def finished() -> bool:
            nonlocal result
            r = post(admin, base, run, f"?cacheKey={handles['cacheKey']}&job={handles['job']}")
            assert r.status_code in (200, 204), r.text
            if r.status_code == 200 and "response" in r.json():
                result = r.json()["response"]
            return result is not None

        wait_for("the job's result", finished)
        assert "Run 1: ok" in json.dumps(result), result
        wait_for("the job's process to end", lambda: not job.is_running() or job.status() == psutil.STATUS_ZOMBIE)


def test_the_spawned_job_reports_in_the_language_of_the_page(sqlite_url, monkeypatch, tmp_path):
    """The job process starts from nothing: it still words its result in 中文 for a page in 中文."""
    from dashboard.admin.uploads import store
    from tests.test_admin import NEWS, _poll_background
    from tests.test_auth import Session, make_app

    make_users(sqlite_url)
    app = make_app(sqlite_url, monkeypatch, tmp_path)
    s = Session(app)
    assert s.login("alice").status_code == 302
    store("news.txt", NEWS.encode(), tmp_path / "uploads")
    start = callback_body([("admin-etl-message", "children"), ("admin-etl-job", "data")],
                          [("admin-etl-sources", "n_clicks", None), ("admin-etl-uploads", "n_clicks", 1)],
                          changed=["admin-etl-uploads.n_clicks"])
    r = s.callback(start, Referer="http://localhost/admin/etl?ui=zh")
    ref = r.json["response"]["admin-etl-job"]["data"]
    assert ref.endswith(":zh")
    done = _poll_background(s, callback_body([("admin-etl-result", "children")], [("admin-etl-job", "data", ref)]))
    text = json.dumps(done["response"], ensure_ascii=False)
    assert "第 1 次运行：成功。" in text and "文档：新增 1" in text, text
