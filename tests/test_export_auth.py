"""Downloads stay behind the sign-in: the guard of dashboard/auth.py covers /export/… routes."""
from __future__ import annotations

import pytest

from .test_auth import Session, make_app, make_users
from .test_export_sample import load_sample

pytestmark = pytest.mark.auth

ROUTES = ("/export/report.pdf?from=2020", "/export/report.pptx", "/export/figure/top_partners.png",
          "/export/data/top_partners.csv", "/export/data/joint_programs.xlsx?labels=zh")


def test_exports_need_a_signed_in_user_and_viewers_may_export(sqlite_url, monkeypatch, tmp_path):
    load_sample(sqlite_url)
    make_users(sqlite_url)
    app = make_app(sqlite_url, monkeypatch, tmp_path)
    anon = app.server.test_client()
    for path in ROUTES:
        r = anon.get(path, headers={"Accept": "application/json"})
        assert r.status_code == 401, path
        r = anon.get(path, headers={"Accept": "text/html"})
        assert r.status_code == 302 and r.headers["Location"].startswith("/auth/login"), path
    viewer = Session(app)
    viewer.login("vic")
    r = viewer.c.get("/export/data/top_partners.csv?from=2020")
    assert r.status_code == 200 and r.mimetype == "text/csv" and r.data.startswith(b"\xef\xbb\xbfPartner")
