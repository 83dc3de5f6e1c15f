"""Admin pages: uploads (names, types, storage, ETL), background ETL jobs, run history,
review queue decisions, user management and the audit log — on SQLite and PostgreSQL
where the database matters, through the Dash callback endpoint where the wiring matters."""
from __future__ import annotations

import base64
import io
import json
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import CORPUS, SAMPLE
from tests.test_auth import Session, callback_body, make_app, make_users

pytestmark = pytest.mark.auth

NEWS = ("BISTU signs cooperation agreement with Zanzibar Institute of Marine Robotics\n\n"
        "On March 3, 2024, Beijing Information Science and Technology University signed a memorandum of "
        "understanding with the Zanzibar Institute of Marine Robotics of Tanzania. The School of Automation "
        "will host 12 exchange students from the partner in the autumn semester.\n")


def data_url(data: bytes, mime: str = "text/plain") -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def upload_body(names: list[str], blobs: list[bytes]) -> dict:
    return callback_body([("admin-upload-list", "children"), ("admin-upload-job", "data")],
                         [("admin-upload", "contents", [data_url(b) for b in blobs])],
                         [("admin-upload", "filename", names)])


def count(url: str, model) -> int:
    from etl.db import session_factory

    with session_factory(url)() as s:
        return s.scalar(select(func.count()).select_from(model))


# -- names and contents ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["../evil.txt", "../../etc/cron.d/x.csv", "/etc/passwd.txt", "..\\win.txt",
                                  "C:\\boot.txt", "a/b.txt", "~root.txt", "x\x00.txt", "a..b.txt", "..",
                                  "report.exe", "noext", ""])
def test_path_like_or_strange_names_are_refused(name):
    from dashboard.admin.uploads import UploadError, clean_name

    with pytest.raises(UploadError):
        clean_name(name)


def test_names_are_kept_readable_and_safe():
    from dashboard.admin.uploads import clean_name

    assert clean_name("Outbound students 2024.XLSX") == "Outbound_students_2024.xlsx"
    assert clean_name("国际交流 新闻.txt") == "国际交流_新闻.txt"
    assert clean_name("a;rm -rf $HOME.csv") == "a_rm_-rf_HOME.csv"


def test_types_are_checked_from_the_content(monkeypatch):
    from dashboard.admin.uploads import UploadError, check_content

    xlsx = (SAMPLE / "reports" / "outbound_students_2019_2024.xlsx").read_bytes()
    csv = (SAMPLE / "reports" / "joint_programs.csv").read_bytes()
    assert check_content("a.xlsx", xlsx) == "report"
    assert check_content("a.csv", csv) == "report"
    assert check_content("a.txt", NEWS.encode()) == "document"
    assert check_content("a.txt", "新闻 国际合作".encode("gb18030")) == "document"
    assert check_content("a.pdf", b"%PDF-1.7\n...") == "document"
    bad = [("a.pdf", b"<html>not a pdf</html>"), ("a.xlsx", csv), ("a.xlsx", b"PK\x03\x04broken"),
           ("a.csv", xlsx), ("a.txt", (CORPUS / "bad" / "binary.txt").read_bytes()),
           ("a.txt", b"MZ\x90\x00 windows program"), ("a.html", b"plain words, no markup"), ("a.txt", b"")]
    for name, data in bad:
        with pytest.raises(UploadError):
            check_content(name, data)
    # a zip that is no workbook
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(UploadError, match="xl/"):
        check_content("a.xlsx", buf.getvalue())
    monkeypatch.setenv("INTL_UPLOAD_MAX_MB", "0.001")
    with pytest.raises(UploadError, match="too large"):
        check_content("a.txt", b"x" * 2000)


def test_stored_files_never_overwrite_and_stay_in_the_upload_folder(tmp_path):
    from dashboard.admin.uploads import store

    a = store("news.txt", NEWS.encode(), tmp_path)
    b = store("news.txt", NEWS.encode(), tmp_path, now=None)
    assert a.path.parent == b.path.parent == tmp_path.resolve()
    assert a.path != b.path and a.path.read_bytes() == b.path.read_bytes() == NEWS.encode()
    assert a.path.name.endswith("-news.txt") and a.kind == "document"


def test_the_upload_folder_cannot_be_a_served_folder(monkeypatch):
    from dashboard.admin.uploads import ROOT, UploadError, upload_dir

    monkeypatch.setenv("INTL_UPLOAD_DIR", str(ROOT / "dashboard" / "assets" / "uploads"))
    with pytest.raises(UploadError):
        upload_dir()


# -- uploads through the page, then the ETL --------------------------------------------------
@pytest.fixture
def admin_app(db_url, monkeypatch, tmp_path):
    make_users(db_url)
    app = make_app(db_url, monkeypatch, tmp_path)
    s = Session(app)
    assert s.login("alice").status_code == 302
    return app, s, db_url, tmp_path


def test_upload_stores_good_files_refuses_bad_ones_and_loads_through_the_etl(admin_app):
    from dashboard.admin import jobs
    from dashboard.users import recent_audit
    from etl.load.models import AuditEntry, Document, ReviewItem

    app, s, url, tmp = admin_app
    names = ["../escape.txt", "/tmp/abs.txt", "news.txt", "fake.xlsx"]
    blobs = [b"escape", b"absolute", NEWS.encode(), b"not a workbook"]
    r = s.callback(upload_body(names, blobs))
    assert r.status_code == 200, r.text
    out = r.json["response"]
    text = json.dumps(out["admin-upload-list"])
    assert "1 file(s) stored, 3 refused" in text and "must not be a path" in text
    stored = list((tmp / "uploads").iterdir())
    assert len(stored) == 1 and stored[0].name.endswith("-news.txt")
    assert not (tmp / "escape.txt").exists() and not Path("/tmp/abs.txt").exists()
    job_id = out["admin-upload-job"]["data"]
    assert isinstance(job_id, str) and len(job_id) >= 20
    assert count(url, Document) == 0
    spec = jobs.take_job(None, job_id)
    assert spec["user"] == "alice" and spec["paths"] == [str(stored[0])]
    assert jobs.take_job(None, job_id) is None  # one time only
    result = jobs.run_job(spec)
    assert result["status"] == "ok" and result["documents"]["new"] == 1
    assert count(url, Document) == 1
    assert count(url, ReviewItem) >= 1  # the unknown partner waits for review
    actions = [(e.user, e.action) for e in recent_audit(url)]
    assert actions.count(("alice", "upload.refused")) == 3
    assert ("alice", "upload") in actions and ("alice", "etl.finished") in actions
    assert count(url, AuditEntry) >= 6


def _poll_background(s: Session, body: dict, limit_s: float = 90) -> dict:
    """Drive a Dash background callback as the renderer does: start, then poll until it answers."""
    r = s.callback(body)
    assert r.status_code == 200, r.text
    first = r.json
    assert "cacheKey" in first and "job" in first, first
    progress_seen = []
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        r = s.c.post(f"/_dash-update-component?cacheKey={first['cacheKey']}&job={first['job']}",
                     json=body, headers={"X-CSRFToken": s.csrf})
        assert r.status_code in (200, 204), r.text
        if r.status_code == 200:
            data = r.json
            if data.get("progress"):
                progress_seen.append(data["progress"])
            if "response" in data:
                return {"response": data["response"], "progress": progress_seen}
        time.sleep(0.2)
    raise AssertionError("background job did not finish")


def test_etl_from_the_browser_runs_as_a_background_job_with_progress(sqlite_url, monkeypatch, tmp_path):
    from dashboard.admin.uploads import store
    from etl.load.models import Document, Run

    make_users(sqlite_url)
    app = make_app(sqlite_url, monkeypatch, tmp_path)
    s = Session(app)
    s.login("alice")
    for i in range(3):
        store(f"n{i}.txt", NEWS.replace("12", str(20 + i)).encode(), tmp_path / "uploads")
    start = callback_body([("admin-etl-message", "children"), ("admin-etl-job", "data")],
                          [("admin-etl-sources", "n_clicks", None), ("admin-etl-uploads", "n_clicks", 1)],
                          changed=["admin-etl-uploads.n_clicks"])
    r = s.callback(start)
    assert r.status_code == 200, r.text
    job_id = r.json["response"]["admin-etl-job"]["data"]
    body = callback_body([("admin-etl-result", "children")], [("admin-etl-job", "data", job_id)])
    done = _poll_background(s, body)
    text = json.dumps(done["response"])
    assert "Run 1: ok" in text
    assert count(sqlite_url, Document) == 3 and count(sqlite_url, Run) == 1
    # the same id again: nothing runs twice
    again = _poll_background(s, body)
    assert "already run, or never requested" in json.dumps(again["response"])
    forged = callback_body([("admin-etl-result", "children")], [("admin-etl-job", "data", "x" * 32)])
    assert "already run, or never requested" in json.dumps(_poll_background(s, forged)["response"])
    assert count(sqlite_url, Run) == 1


def test_run_history_shows_each_failed_file_with_its_reason(admin_app):
    from dashboard.pages.admin_runs import runs_view
    from etl.config import load_settings
    from etl.pipeline import Pipeline

    app, s, url, tmp = admin_app
    folder = tmp / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(NEWS, encoding="utf-8")
    (folder / "binary.txt").write_bytes((CORPUS / "bad" / "binary.txt").read_bytes())
    Pipeline(load_settings(database_url=url)).run([folder])
    text = str(runs_view(url))
    assert "binary.txt" in text and "binary" in text.split("binary.txt", 1)[1]
    assert "partial" in text or "failed" in text
    r = s.callback(callback_body([("admin-runs-table", "children")], [("admin-runs-refresh", "n_clicks", 1)]))
    assert r.status_code == 200 and "binary.txt" in r.text


# -- review queue ------------------------------------------------------------------------------
@pytest.fixture
def queued(admin_app):
    """A database with an unknown partner (and its evidence) waiting in the review queue."""
    from etl.config import load_settings
    from etl.pipeline import Pipeline

    app, s, url, tmp = admin_app
    folder = tmp / "docs"
    folder.mkdir()
    (folder / "news.txt").write_text(NEWS, encoding="utf-8")
    Pipeline(load_settings(database_url=url)).run([folder])
    return app, s, url, folder


def _item(url: str, name: str):
    from etl.db import session_factory
    from etl.load.models import ReviewItem

    with session_factory(url)() as ses:
        return ses.scalar(select(ReviewItem).where(ReviewItem.name == name))


def test_review_queue_shows_evidence_and_records_decisions_as_curations(queued):
    from dashboard.pages.admin_review import decide, detail_view, item_options
    from dashboard.users import recent_audit
    from etl.db import session_factory
    from etl.load.models import Curation, Partner

    app, s, url, folder = queued
    item = _item(url, "Zanzibar Institute of Marine Robotics")
    assert item is not None and item.status == "open"
    assert any(o["value"] == item.id for o in item_options(url))
    detail = str(detail_view(url, item.id))
    assert "signs cooperation agreement" in detail and "news.txt" in detail

    ok, msg = decide(url, "alice", item.id, "set_country", "Kenya")
    assert ok, msg
    ok, msg = decide(url, "alice", item.id, "set_kind", "university")
    assert not ok and "already" in msg  # set_country settled the item
    with session_factory(url)() as ses:
        p = ses.scalar(select(Partner).where(Partner.name == item.name))
        assert p.country == "KE"
        c = ses.scalars(select(Curation).where(Curation.target == item.name)).all()
        assert [x.action for x in c] == ["set_country"] and c[0].created_by == "alice"
    assert ("alice", "review.set_country") in [(e.user, e.action) for e in recent_audit(url)]

    # the decision survives another run over the same document
    from etl.config import load_settings
    from etl.pipeline import Pipeline

    (folder / "news.txt").write_text(NEWS + "\nUpdated.\n", encoding="utf-8")
    Pipeline(load_settings(database_url=url)).run([folder])
    with session_factory(url)() as ses:
        assert ses.scalar(select(Partner.country).where(Partner.name == item.name)) == "KE"
    assert _item(url, item.name).status != "open"


def test_review_accept_reject_merge_through_the_callback_endpoint(queued):
    from etl.db import session_factory
    from etl.load.models import Curation, Partner, ReviewItem

    app, s, url, folder = queued
    with session_factory(url).begin() as ses:
        known = ses.scalar(select(Partner).where(Partner.status == "known").limit(1))
        known_name = known.name
        ses.add(Partner(name="Atlantis Polytechnic", status="new", aliases=[]))
        ses.add(ReviewItem(kind="partner", name="Atlantis Polytechnic", detail={"sentence": "…"}))
    item = _item(url, "Zanzibar Institute of Marine Robotics")
    other = _item(url, "Atlantis Polytechnic")

    def act(button: str, item_id: int, into: str | None = None):
        body = callback_body(
            [("admin-review-message", "children"), ("admin-review-version", "data")],
            [("admin-review-accept", "n_clicks", None), ("admin-review-reject", "n_clicks", None),
             ("admin-review-merge", "n_clicks", None), ("admin-review-set-country", "n_clicks", None),
             ("admin-review-set-kind", "n_clicks", None)],
            [("admin-review-item", "value", item_id), ("admin-review-merge-into", "value", into),
             ("admin-review-country", "value", None), ("admin-review-partner-kind", "value", None),
             ("admin-review-version", "data", 0)],
            changed=[f"admin-review-{button}.n_clicks"])
        for i in body["inputs"]:
            if i["id"] == f"admin-review-{button}":
                i["value"] = 1
        r = s.callback(body)
        assert r.status_code == 200, r.text
        return json.dumps(r.json["response"])

    assert "recorded" in act("merge", other.id, into=known_name)
    assert "recorded" in act("accept", item.id)
    assert "already" in act("reject", item.id)
    with session_factory(url)() as ses:
        actions = sorted(c.action for c in ses.scalars(select(Curation)))
        assert actions == ["accept_partner", "merge_partner"]
        assert ses.scalar(select(Partner.status).where(Partner.name == item.name)) == "known"
        assert {i.status for i in ses.scalars(select(ReviewItem))} <= {"accepted", "merged", "rejected"}


# -- users and audit log ------------------------------------------------------------------------
def test_user_management_checks_and_audits(admin_app):
    from dashboard.pages.admin_audit import audit_rows
    from dashboard.pages.admin_users import apply
    from dashboard.users import authenticate, get_user

    app, s, url, tmp = admin_app
    assert apply(url, "alice", "add", name="dora", role="viewer", password="dora-password-1")[0]
    assert not apply(url, "alice", "add", name="dora", role="viewer", password="dora-password-1")[0]
    ok, msg = apply(url, "alice", "add", name="eve", role="viewer", password="short")
    assert not ok and "too short" in msg
    assert apply(url, "alice", "set_role", name="dora", role="admin")[0]
    assert apply(url, "alice", "set_password", name="dora", password="dora-password-2")[0]
    assert authenticate(url, "dora", "dora-password-2") is not None
    ok, msg = apply(url, "alice", "remove", name="alice")
    assert not ok and "yourself" in msg
    assert apply(url, "alice", "remove", name="dora")[0]
    assert get_user(url, "dora") is None
    rows = audit_rows(url, user="alice")
    acts = [r[2] for r in rows]
    assert {"user.add", "user.set_role", "user.set_password", "user.remove"} <= set(acts)
    assert all(r[1] == "alice" for r in rows)
    assert [r[2] for r in audit_rows(url, action="user.set")] and \
        all(r[2].startswith("user.set") for r in audit_rows(url, action="user.set"))


def test_every_admin_page_renders_for_an_admin(admin_app):
    from dashboard.admin.registry import pages

    app, s, url, tmp = admin_app
    with app.server.test_request_context("/"):
        from flask_login import login_user

        from dashboard.auth import SessionUser

        login_user(SessionUser(1, "alice", "admin", 0))
        for page in pages():
            text = str(page.layout())
            assert "Administrators only" not in text and "admin-nav" in text, page.PATH
    for page in pages():
        assert s.page(page.PATH).status_code == 200
