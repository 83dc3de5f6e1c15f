"""The admin pages' messages in the interface language: what the uploads, ETL, review, users, run
history and audit pages say after an action — including the store's and the ETL's own reasons
and the background job's progress and result — is Chinese under ``ui=zh`` and English
otherwise, with the values they embed (names, file names, counts) kept as they are.

The callbacks' bodies are called as plain functions with ``lang``; the Dash callbacks are also
driven through the callback endpoint, where the language comes from the page's address (the
request's ``Referer``) and, for a background job, from the job reference the page holds."""
from __future__ import annotations

import base64
import json
import re
import string

import pytest

from tests.conftest import CORPUS
from tests.test_admin import NEWS, _item
from tests.test_auth import Session, callback_body, make_app, make_users

pytestmark = pytest.mark.auth

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z][A-Za-z']{2,}")
# Words that are the same in both interfaces: formats, encodings, units, file parts.
SAME_IN_BOTH = {"PDF", "CSV", "XLSX", "Excel", "HTML", "UTF", "zip", "MB", "YYYY", "UTC"}
SAME_NAMES = ("country_aliases.csv", "base64", "%PDF-", "xl/")  # a file name, an encoding, file parts
ZH_PAGE = "http://localhost{path}?ui=zh"


# -- helpers --------------------------------------------------------------------------
@pytest.fixture(scope="module", autouse=True)
def every_module():
    """Every module of the dashboard imported, as the app (and the job worker) has them: each
    registers the words of its own strings."""
    import importlib
    import pkgutil

    import dashboard

    for m in pkgutil.walk_packages(dashboard.__path__, "dashboard."):
        if m.name != "dashboard.admin.worker":
            importlib.import_module(m.name)


def text_of(component) -> str:
    """Every text of a component tree (children, placeholders, option labels), or a string."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(text_of(c) for c in component)
    if isinstance(component, dict):  # a component as the callback endpoint serialises it, or an option
        if "props" in component:
            return text_of(component["props"])
        return " ".join(text_of(v) for k, v in component.items() if k in ("label", "children", "placeholder"))
    return text_of(getattr(component, "children", None))


def english_left(text: str, *values: str) -> list[str]:
    """The English words of ``text`` that are not data: the given values (names, file names),
    whatever Chinese quotes “…” mark as a value, and the words both interfaces share."""
    for v in sorted((v for v in (*values, *SAME_NAMES) if v), key=len, reverse=True):
        text = text.replace(v, " ")
    text = re.sub(r"“[^”]*”", " ", text)
    return [w for w in WORD.findall(text) if w not in SAME_IN_BOTH and w.strip("'") not in SAME_IN_BOTH]


def assert_zh(text: str, *values: str) -> None:
    assert CJK.search(text), f"no Chinese in {text!r}"
    left = english_left(text, *values)
    assert left == [], f"English left in {text!r}: {left}"


def assert_en(text: str) -> None:
    assert text.strip() and not CJK.search(text), text


def data_url(data: bytes) -> str:
    return "data:text/plain;base64," + base64.b64encode(data).decode()


@pytest.fixture
def admin(sqlite_url, monkeypatch, tmp_path):
    """An app with sign-in on, alice (admin) signed in, uploads under ``tmp_path/uploads``."""
    make_users(sqlite_url)
    app = make_app(sqlite_url, monkeypatch, tmp_path)
    s = Session(app)
    assert s.login("alice").status_code == 302
    return app, s, sqlite_url, tmp_path


@pytest.fixture
def queued(admin):
    """An unknown partner waiting in the review queue (from one loaded article)."""
    from etl.config import load_settings
    from etl.pipeline import Pipeline

    app, s, url, tmp = admin
    folder = tmp / "docs"
    folder.mkdir()
    (folder / "news.txt").write_text(NEWS, encoding="utf-8")
    Pipeline(load_settings(database_url=url)).run([folder])
    return app, s, url


# -- the translation table of the admin pages ------------------------------------------------------
def _sample(template: str) -> str:
    """An English sentence made from a reason template, each placeholder given a plausible value."""
    from dashboard.admin.messages import NUMBER, QUOTED

    values = {}
    for _, name, _, _ in string.Formatter().parse(template):
        if name:
            values[name] = "'Atlantis Polytechnic'" if name in QUOTED else "7" if name in NUMBER else (
                "partner" if name == "item_kind" else "accepted" if name == "status" else
                "admin, viewer" if name == "roles" else "joint programs" if name == "title" else
                "empty document" if name == "reason" else "year" if name == "field" else "Zorg")
    return template.format(**values)


def test_every_reason_template_is_recognised_and_said_in_chinese():
    """Each reason of the user store, the curation layer and the ETL that the pages know is
    recognised from its own English and rebuilt in Chinese, the values kept."""
    from dashboard.admin.messages import REASONS_ZH, reason

    assert len(REASONS_ZH) > 40
    for template in REASONS_ZH:
        english = _sample(template)
        assert reason(english, "en") == english
        zh = reason(english, "zh")
        assert zh != english, f"not recognised: {english!r}"
        assert_zh(zh, "Zorg", "Atlantis Polytechnic")
        if "'Atlantis Polytechnic'" in english:
            assert "Atlantis Polytechnic" in zh and "'Atlantis" not in zh, zh
    assert reason("some reason nobody wrote a template for", "zh") == "some reason nobody wrote a template for"


def test_chinese_templates_keep_their_placeholders_and_no_key_has_two_translations():
    from dashboard import labels as L

    assert L.translation_conflicts() == [], "\n".join(map(str, L.translation_conflicts()))
    admin = [k for k, origin in L._ORIGIN.items()
             if origin.startswith(("dashboard.admin", "dashboard.pages.admin_"))]
    assert len(admin) > 100

    def fields(s: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(s) if name}

    for key in admin:
        en, zh = key.rsplit("\x04", 1)[-1], L.translations()[key]
        assert fields(en) == fields(zh), (en, zh)
        assert CJK.search(zh) or not WORD.search(re.sub(r"\{\w+\}", "", en)), (en, zh)


# -- users -----------------------------------------------------------------------------------------
def test_user_messages_in_chinese_and_in_english(admin):
    from dashboard.pages.admin_users import apply

    app, s, url, tmp = admin
    zh = [
        apply(url, "alice", "add", name="dora", role="viewer", password="dora-password-1", lang="zh"),
        apply(url, "alice", "add", name="dora", role="viewer", password="dora-password-1", lang="zh"),
        apply(url, "alice", "add", name="eve", role="viewer", password="short", lang="zh"),
        apply(url, "alice", "add", name="bad name!", role="viewer", password="long-enough-pass", lang="zh"),
        apply(url, "alice", "add", name="fred", role="owner", password="long-enough-pass", lang="zh"),
        apply(url, "alice", "set_role", name="dora", role="admin", lang="zh"),
        apply(url, "alice", "set_password", name="dora", password="dora-password-2", lang="zh"),
        apply(url, "alice", "set_role", name="nobody", role="admin", lang="zh"),
        apply(url, "alice", "remove", name="alice", lang="zh"),
        apply(url, "alice", "remove", name="dora", lang="zh"),
        apply(url, "alice", "remove", name=None, lang="zh"),
        apply(url, "alice", "rename", name="vic", lang="zh"),
    ]
    assert [ok for ok, _ in zh] == [True, False, False, False, False, True, True, False, False, True, False, False]
    for ok, msg in zh:
        assert_zh(msg, "dora", "nobody", "bad name!", "alice")
    assert zh[0][1] == "已添加用户 dora，角色为查看者。"
    assert "dora" in zh[1][1] and "已存在" in zh[1][1]
    assert "10" in zh[2][1] and "管理员" in zh[4][1] and "查看者" in zh[4][1]
    assert zh[5][1] == "dora 的角色已改为管理员。"
    # the last administrator cannot go
    ok, msg = apply(url, "alice", "set_role", name="alice", role="viewer", lang="zh")
    assert not ok
    assert_zh(msg)

    en = [
        apply(url, "alice", "add", name="gus", role="viewer", password="gus-password-1"),
        apply(url, "alice", "add", name="gus", role="viewer", password="gus-password-1", lang="en"),
        apply(url, "alice", "set_role", name="gus", role="admin", lang="en"),
        apply(url, "alice", "remove", name="alice", lang="en"),
        apply(url, "alice", "remove", name=None, lang="en"),
    ]
    assert [m for _, m in en] == ["User gus added as viewer.", "user 'gus' exists already", "gus is now admin.",
                                  "you cannot remove yourself", "choose a user"]


def test_users_page_after_an_action_through_the_callback(admin):
    """The Dash callback: the page's address says ``ui=zh`` → message, table and user list in Chinese."""
    app, s, url, tmp = admin

    def add(name: str, **headers):
        body = callback_body(
            [("admin-users-message", "children"), ("admin-users-table", "children"),
             ("admin-users-select", "options"), ("admin-users-password", "value"),
             ("admin-users-new-password", "value")],
            [("admin-users-add", "n_clicks", 1), ("admin-users-set-role", "n_clicks", None),
             ("admin-users-set-password", "n_clicks", None), ("admin-users-remove", "n_clicks", None)],
            [("admin-users-name", "value", name), ("admin-users-role", "value", "viewer"),
             ("admin-users-password", "value", "long-enough-pass"), ("admin-users-select", "value", None),
             ("admin-users-new-role", "value", None), ("admin-users-new-password", "value", None)])
        r = s.callback(body, **headers)
        assert r.status_code == 200, r.text
        return r.json["response"]

    out = add("hana", Referer=ZH_PAGE.format(path="/admin/users"))
    message = text_of(out["admin-users-message"]["children"])
    assert message == "已添加用户 hana，角色为查看者。"
    table = text_of(out["admin-users-table"]["children"])
    assert "角色" in table and "Role" not in table and "查看者" in table
    labels = [o["label"] for o in out["admin-users-select"]["options"]]
    assert "hana（查看者）" in labels and "alice（管理员）" in labels
    again = text_of(add("hana", Referer=ZH_PAGE.format(path="/admin/users"))["admin-users-message"]["children"])
    assert_zh(again, "hana")

    out = add("ivan")  # no page address: English
    assert text_of(out["admin-users-message"]["children"]) == "User ivan added as viewer."
    assert "ivan (viewer)" in [o["label"] for o in out["admin-users-select"]["options"]]
    out = add("jo", Referer="http://localhost/admin/users?from=2019")
    assert text_of(out["admin-users-message"]["children"]) == "User jo added as viewer."


# -- uploads and the background job -----------------------------------------------------------------
BAD_UPLOADS = [("../escape.txt", b"x"), ("/tmp/abs.txt", b"x"), ("a..b.txt", b"x"), ("report.exe", b"x"),
               ("noext", b"x"), ("fake.xlsx", b"not a workbook"), ("fake.pdf", b"<html>"), ("empty.txt", b""),
               ("prog.txt", b"MZ\x90\x00 windows program"), ("page.html", b"plain words, no markup"),
               ("bin.txt", (CORPUS / "bad" / "binary.txt").read_bytes())]


def test_every_refused_upload_says_why_in_either_language(monkeypatch, tmp_path):
    from dashboard.admin.uploads import ALLOWED_SUFFIXES, UploadError, check_content, clean_name, store, upload_dir
    from dashboard.pages.admin_uploads import decode

    monkeypatch.setenv("INTL_UPLOAD_DIR", str(tmp_path / "uploads"))
    refusals = []
    for name, data in BAD_UPLOADS:
        with pytest.raises(UploadError) as exc:
            store(name, data)
        refusals.append(exc.value)
    for call in (lambda: clean_name("x" * 300 + ".txt"), lambda: clean_name("a\x01.txt"), lambda: clean_name(""),
                 lambda: decode("no comma"), lambda: decode("data:text/plain;base64,***")):
        with pytest.raises(UploadError) as exc:
            call()
        refusals.append(exc.value)
    monkeypatch.setenv("INTL_UPLOAD_MAX_MB", "0.001")
    with pytest.raises(UploadError) as exc:
        check_content("a.txt", b"x" * 2000)
    refusals.append(exc.value)
    from dashboard.admin.uploads import ROOT

    served = ROOT / "dashboard" / "assets" / "uploads"
    monkeypatch.setenv("INTL_UPLOAD_DIR", str(served))
    with pytest.raises(UploadError) as exc:
        upload_dir()
    refusals.append(exc.value)

    assert len({r.template for r in refusals}) >= 14
    for r in refusals:
        assert r.text("en") == str(r)
        assert_en(r.text("en"))
        assert_zh(r.text("zh"), str(served.resolve()), ".exe", *ALLOWED_SUFFIXES)
    too_large = refusals[-2].text("zh")
    assert "文件太大" in too_large and "MB" in too_large


def test_upload_outcome_and_its_job_in_chinese(admin):
    from dash import no_update

    from dashboard.admin import ui
    from dashboard.pages.admin_uploads import upload_outcome

    app, s, url, tmp = admin
    names = ["../escape.txt", "news.txt", "fake.xlsx"]
    blobs = [b"escape", NEWS.encode(), b"not a workbook"]
    view, ref = upload_outcome(None, url, "alice", names, [data_url(b) for b in blobs], lang="zh")
    text = text_of(view)
    assert "已保存 1 个文件，拒绝 2 个。正在载入 …" in text
    assert "已保存" in text and "已拒绝" in text and "文档" in text and "字节" in text and "结果" in text
    assert_zh(text, *names)
    assert "news.txt" in text and "../escape.txt" in text, "file names as given"
    assert isinstance(ref, str) and ref.endswith(":zh")

    progress = []
    result = text_of(ui.job_result(None, ref, progress.append))
    assert "第 1 次运行：成功。" in result and "文档：新增 1" in result
    assert_zh(result)
    assert progress[0] == (0, "正在启动 …") and progress[-1] == (100, "完成")
    assert all(not WORD.search(p[1]) or "news.txt" in p[1] for p in progress), progress
    again = text_of(ui.job_result(None, ref))
    assert again == "此任务已经运行过，或从未被请求。"
    forged = text_of(ui.job_result(None, "x" * 32 + ":zh"))
    assert forged == again

    view, ref = upload_outcome(None, url, "alice", ["../escape.txt"], [data_url(b"x")], lang="zh")
    assert "已保存 0 个文件，拒绝 1 个。" in text_of(view) and "正在载入" not in text_of(view)
    assert ref is no_update

    # English: the same outcome in English words, the job reference a bare id
    view, ref = upload_outcome(None, url, "alice", ["n2.txt", "../x.txt"],
                               [data_url(NEWS.replace("12", "13").encode()), data_url(b"x")])
    text = text_of(view)
    assert "1 file(s) stored, 1 refused. Loading them now …" in text and "must not be a path" in text
    assert_en(text)
    assert isinstance(ref, str) and not ref.endswith(":zh")
    progress = []
    result = text_of(ui.job_result(None, ref, progress.append))
    assert "Run 2: ok" in result and "Documents: 1 new" in result
    assert_en(result)
    assert progress[0] == (0, "starting …") and progress[-1] == (100, "done")


def test_upload_callback_answers_in_the_language_of_the_page(admin):
    app, s, url, tmp = admin
    body = callback_body([("admin-upload-list", "children"), ("admin-upload-job", "data")],
                         [("admin-upload", "contents", [data_url(b"x"), data_url(NEWS.encode())])],
                         [("admin-upload", "filename", ["../evil.txt", "news.txt"])])
    r = s.callback(body, Referer=ZH_PAGE.format(path="/admin/uploads"))
    assert r.status_code == 200, r.text
    out = r.json["response"]
    text = json.dumps(out["admin-upload-list"], ensure_ascii=False)
    assert "已保存 1 个文件，拒绝 1 个" in text and "文件名不能是路径" in text
    assert "stored" not in text and "refused" not in text and "must not" not in text
    assert out["admin-upload-job"]["data"].endswith(":zh")


# -- the ETL page -----------------------------------------------------------------------------------
def test_etl_run_requested_and_its_result_in_chinese(admin):
    from dashboard.admin import ui
    from dashboard.admin.uploads import store
    from dashboard.pages.admin_etl import start

    app, s, url, tmp = admin
    store("good.txt", NEWS.encode(), tmp / "uploads")
    (tmp / "uploads" / "binary.txt").write_bytes((CORPUS / "bad" / "binary.txt").read_bytes())
    (tmp / "uploads" / "empty.txt").write_bytes(b"")
    (tmp / "uploads" / "programs.csv").write_bytes(
        (CORPUS / "bad" / "joint_programs_missing_partner.csv").read_bytes())

    uploaded = [str(f) for f in (tmp / "uploads").iterdir()]  # (the failed ones go to .quarantine/)
    alert, ref = start(None, url, "alice", "uploads", lang="zh")
    assert text_of(alert) == "已请求运行：重新载入已上传的文件 …"
    assert ref.endswith(":zh")
    progress = []
    result = ui.job_result(None, ref, progress.append)
    text = text_of(result)
    assert "第 1 次运行：部分成功。" in text, text
    assert "不是文本文档（二进制内容）" in text and "空文档" in text
    header = (CORPUS / "bad" / "joint_programs_missing_partner.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "合作办学项目报表需要：项目名称、学院、合作方" in text
    assert_zh(text, *uploaded,
              *(f"'{h}'" for h in header.split(",")))  # the file's own column names, as written
    assert "Why it failed" not in text and "失败原因" in text
    assert progress[-1] == (100, "完成")

    alert, ref = start(None, url, "alice", "sources", lang="zh")
    assert text_of(alert) == "已请求运行：刷新已配置的数据源 …"
    # the failed files of the first run were quarantined, not read again: a new bad one fails in English
    assert not (tmp / "uploads" / "binary.txt").exists()
    (tmp / "uploads" / "binary-again.txt").write_bytes((CORPUS / "bad" / "binary.txt").read_bytes())
    alert, ref = start(None, url, "alice", "uploads")
    assert text_of(alert) == "Run of the uploaded files requested …" and not ref.endswith(":zh")
    text = text_of(ui.job_result(None, ref))
    assert "Run 2:" in text and "not a text document (binary content)" in text
    assert_en(text)


def test_etl_start_callback_through_the_endpoint(admin):
    app, s, url, tmp = admin
    body = callback_body([("admin-etl-message", "children"), ("admin-etl-job", "data")],
                         [("admin-etl-sources", "n_clicks", None), ("admin-etl-uploads", "n_clicks", 1)],
                         changed=["admin-etl-uploads.n_clicks"])
    r = s.callback(body, Referer=ZH_PAGE.format(path="/admin/etl"))
    assert r.status_code == 200, r.text
    out = r.json["response"]
    assert "已请求运行" in json.dumps(out["admin-etl-message"], ensure_ascii=False)
    assert out["admin-etl-job"]["data"].endswith(":zh")


def test_a_run_that_cannot_start_says_why_in_chinese(admin, monkeypatch):
    from dashboard.admin import jobs, ui
    from etl.errors import LockedError
    from etl.pipeline import Pipeline

    app, s, url, tmp = admin

    def locked(self, *a, **k):
        raise LockedError("another ETL run is in progress by web-1:42 since 2024-05-01 10:00:00 UTC; "
                          "try again later or use --wait")

    monkeypatch.setattr(Pipeline, "run", locked)
    ref = jobs.job_ref(jobs.request_job(None, kind="paths", user="alice", database_url=url, paths=[str(tmp)]), "zh")
    text = text_of(ui.job_result(None, ref))
    assert "另一次数据处理正在运行" in text and "web-1:42" in text and "2024-05-01 10:00:00 UTC" in text
    assert_zh(text, "web-1:42")
    ref = jobs.request_job(None, kind="paths", user="alice", database_url=url, paths=[str(tmp)])
    text = text_of(ui.job_result(None, ref))
    assert text.startswith("The run did not start: another ETL run is in progress (by web-1:42")

    def broken(self, *a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Pipeline, "run", broken)
    ref = jobs.job_ref(jobs.request_job(None, kind="paths", user="alice", database_url=url, paths=[str(tmp)]), "zh")
    text = text_of(ui.job_result(None, ref))
    assert text == "运行未能开始：RuntimeError: disk full", "the exception itself as raised"


_JOB_WORDS = r"""
import json, sys
from dashboard.admin.spawned import job_function
job_function("dashboard.admin.ui:run_panel_job")  # what the job process imports for its callback
import dashboard.users, etl.pipeline  # and what the job runs
from plotly.utils import PlotlyJSONEncoder
from dashboard.admin import ui
from dashboard.labels import t
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("pandas", "numpy") or m.startswith("dashboard.pages"))
def said(r, lang):
    return json.dumps(ui.run_summary(r, lang), cls=PlotlyJSONEncoder, sort_keys=True, ensure_ascii=False)
words = {lang: [said(r, lang) for r in json.loads(sys.argv[1])]
         + [t(w, lang, context="job progress") for w in ("starting …", "done")]
         + [t("This job was already run, or never requested.", lang)] for lang in ("en", "zh")}
print(json.dumps({"heavy": heavy, "words": words}))
"""


def test_a_job_process_words_every_result_as_the_web_worker_does():
    """The background job's process imports only what the job runs (dashboard/admin/spawned.py: no page, no
    pandas); its progress and result — every run status, every reason a file can fail with, where in the
    file, a run that could not start — read exactly as in the web worker, which has every module."""
    import subprocess
    import sys

    from plotly.utils import PlotlyJSONEncoder

    from dashboard.admin import ui
    from dashboard.admin.messages import REASONS_ZH
    from dashboard.labels import t
    from tests.conftest import ROOT

    docs = {"new": 2, "changed": 1, "unchanged": 5, "duplicate": 1, "failed": 3}
    reps = {"loaded": 1, "unchanged": 2, "failed": 1}
    errors = [{"file": f"/up/{i}.csv", "reason": _sample(tp), **({"row": 4} if i % 3 == 1 else {}),
               **({"column": "Partner"} if i % 3 == 2 else {})} for i, tp in enumerate(REASONS_ZH)]
    errors.append({"file": "/up/x.txt", "reason": "some reason nobody wrote a template for"})
    results = [{"run_id": i + 1, "status": status, "documents": docs, "reports": reps,
                "errors": errors if status != "ok" else []}
               for i, status in enumerate(["ok", "partial", "failed", "running", "aborted"])]
    results += [{"status": "failed", "error": "another ETL run is in progress (x)", "why": "locked",
                 "holder": "web-1:42", "since": "2024-05-01 10:00:00 UTC"},
                {"status": "failed", "error": "another ETL run is in progress", "why": "locked"},
                {"status": "failed", "error": "RuntimeError: disk full", "why": "crashed"}]
    r = subprocess.run([sys.executable, "-c", _JOB_WORDS, json.dumps(results)], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    child = json.loads(r.stdout.strip().splitlines()[-1])
    assert child["heavy"] == []
    def said(x, lang):
        return json.dumps(ui.run_summary(x, lang), cls=PlotlyJSONEncoder, sort_keys=True, ensure_ascii=False)

    here = {lang: [said(x, lang) for x in results]
            + [t(w, lang, context="job progress") for w in ("starting …", "done")]
            + [t("This job was already run, or never requested.", lang)] for lang in ("en", "zh")}
    assert child["words"] == here
    zh = " ".join(here["zh"])
    for w in ("成功", "部分成功", "运行中", "已中止", "失败原因", "第 4 行", "正在启动", "完成", "另一次数据处理"):
        assert w in zh, w
    assert_en(" ".join(here["en"]))


# -- the run history and the audit log --------------------------------------------------------------
def test_run_history_and_audit_log_in_chinese(admin):
    from dashboard.pages.admin_audit import audit_view
    from dashboard.pages.admin_runs import runs_view
    from etl.config import load_settings
    from etl.pipeline import Pipeline

    app, s, url, tmp = admin
    folder = tmp / "in"
    folder.mkdir()
    (folder / "binary.txt").write_bytes((CORPUS / "bad" / "binary.txt").read_bytes())
    (folder / "text_value.xlsx").write_bytes((CORPUS / "bad" / "outbound_students_text_value.xlsx").read_bytes())
    Pipeline(load_settings(database_url=url), trigger="web:alice").run([folder])
    text = text_of(runs_view(url, "zh"))
    assert "网页：alice" in text and "不是文本文档（二进制内容）" in text and "第 1 次运行" in text
    assert re.search(r"第 \d+ 行", text), "where in the report, in Chinese"
    assert_zh(text, *(str(f) for f in folder.iterdir()), "alice")
    english = text_of(runs_view(url))
    assert "web:alice" in english and "not a text document (binary content)" in english
    assert_en(english.replace("text_value.xlsx", ""))

    r = s.callback(callback_body([("admin-runs-table", "children")], [("admin-runs-refresh", "n_clicks", 1)]),
                   Referer=ZH_PAGE.format(path="/admin/runs"))
    assert r.status_code == 200 and "不是文本文档" in r.json["response"]["admin-runs-table"]["children"].__str__()
    r = s.callback(callback_body([("admin-audit-table", "children")],
                                 [("admin-audit-user", "value", "alice"), ("admin-audit-action", "value", None)]),
                   Referer=ZH_PAGE.format(path="/admin/audit"))
    assert r.status_code == 200, r.text
    table = json.dumps(r.json["response"]["admin-audit-table"], ensure_ascii=False)
    assert "时间（UTC）" in table and "When (UTC)" not in table
    assert "When (UTC)" in text_of(audit_view(url, "alice"))
    empty = json.dumps(s.callback(callback_body(
        [("admin-audit-table", "children")],
        [("admin-audit-user", "value", "nobody"), ("admin-audit-action", "value", None)]),
        Referer=ZH_PAGE.format(path="/admin/audit")).json, ensure_ascii=False)
    assert "没有匹配的记录" in empty


# -- the review queue -------------------------------------------------------------------------------
ZANZIBAR = "Zanzibar Institute of Marine Robotics"


def test_review_decisions_and_evidence_in_chinese(queued):
    from dashboard.pages.admin_review import decide, detail_view, item_options, open_count
    from etl.db import session_factory
    from etl.load.models import Partner, ReviewItem
    from sqlalchemy import select

    app, s, url = queued
    item = _item(url, ZANZIBAR)
    with session_factory(url).begin() as ses:
        ses.add(Partner(name="Atlantis Polytechnic", status="new", aliases=[]))
        ses.add(ReviewItem(kind="partner", name="Atlantis Polytechnic", detail={"sentence": "…"}))
        ses.add(ReviewItem(kind="fact", name="twelve students", detail={"key": "count"}))
        known = ses.scalar(select(Partner.name).where(Partner.status == "known").limit(1))
    other, fact = _item(url, "Atlantis Polytechnic"), _item(url, "twelve students")

    labels = [o["label"] for o in item_options(url, lang="zh")]
    assert f"合作伙伴 · {ZANZIBAR}" in labels and "事实 · twelve students" in labels
    assert open_count(len(labels), "zh") == f"{len(labels)} 个待审核项"
    detail = detail_view(url, item.id, "zh")
    heads = [row.children[0].children for row in detail.children.children]
    assert heads[:3] == ["类型", "原文中的名称", "状态"] and all(CJK.search(h) for h in heads), heads
    assert "待审核" in text_of(detail) and "合作伙伴" in text_of(detail)
    assert text_of(detail_view(url, None, "zh")) == "请从队列中选择一项。"
    assert text_of(detail_view(url, 99999, "zh")) == "此项已不存在。"

    values = (ZANZIBAR, "Atlantis Polytechnic", "Narnia", "Kenya", "Nowhere University", known, "alice",
              "twelve students")
    msgs = [
        decide(url, "alice", other.id, "merge", None, lang="zh"),
        decide(url, "alice", other.id, "merge", "Nowhere University", lang="zh"),
        decide(url, "alice", fact.id, "merge", "x", lang="zh"),
        decide(url, "alice", fact.id, "set_country", "Kenya", lang="zh"),
        decide(url, "alice", item.id, "set_kind", None, lang="zh"),
        decide(url, "alice", item.id, "set_country", "Narnia", lang="zh"),
        decide(url, "alice", item.id, "shout", "x", lang="zh"),
        decide(url, "alice", 99999, "accept", lang="zh"),
        decide(url, "alice", item.id, "set_country", "Kenya", lang="zh"),
        decide(url, "alice", item.id, "set_kind", "university", lang="zh"),
        decide(url, "alice", other.id, "merge", known, lang="zh"),
    ]
    assert [ok for ok, _ in msgs] == [False] * 8 + [True, False, True], msgs
    for ok, msg in msgs:
        assert_zh(msg, *values)
    assert msgs[8][1] == f"已记录：将合作伙伴“{ZANZIBAR}”的国家设为“Kenya”。"
    assert "已由 alice 处理：已接受" in msgs[9][1], msgs[9][1]
    assert msgs[10][1] == f"已记录：将合作伙伴“Atlantis Polytechnic”合并到“{known}”。"
    assert "Narnia" in msgs[5][1] and "未知的国家" in msgs[5][1]

    ok, msg = decide(url, "alice", item.id, "set_kind", "university")
    assert not ok and msg == f"item #{item.id} is already accepted (by alice)"
    ok, msg = decide(url, "alice", fact.id, "reject", lang="en")
    assert not ok and msg.startswith("review item #") and "does not say which document" in msg


def test_review_callbacks_through_the_endpoint(queued):
    app, s, url = queued
    item = _item(url, ZANZIBAR)
    zh = {"Referer": ZH_PAGE.format(path="/admin/review")}

    def decide(button: str, item_id, **headers) -> str:
        body = callback_body(
            [("admin-review-message", "children"), ("admin-review-version", "data")],
            [("admin-review-accept", "n_clicks", None), ("admin-review-reject", "n_clicks", None),
             ("admin-review-merge", "n_clicks", None), ("admin-review-set-country", "n_clicks", None),
             ("admin-review-set-kind", "n_clicks", None)],
            [("admin-review-item", "value", item_id), ("admin-review-merge-into", "value", None),
             ("admin-review-country", "value", None), ("admin-review-partner-kind", "value", None),
             ("admin-review-version", "data", 0)],
            changed=[f"admin-review-{button}.n_clicks"])
        r = s.callback(body, **headers)
        assert r.status_code == 200, r.text
        return text_of(r.json["response"]["admin-review-message"]["children"])

    assert decide("accept", None, **zh) == "请先从队列中选择一项。"
    assert decide("accept", None) == "Choose an item of the queue first."
    assert decide("accept", item.id, **zh) == f"已记录：接受合作伙伴“{ZANZIBAR}”。"
    assert_zh(decide("reject", item.id, **zh), ZANZIBAR, "alice")
    assert "already accepted" in decide("reject", item.id)

    r = s.callback(callback_body([("admin-review-item", "options"), ("admin-review-item", "value"),
                                  ("admin-review-item", "placeholder")],
                                 [("admin-review-kind", "value", "all"), ("admin-review-version", "data", 1)]),
                   **zh)
    assert r.status_code == 200, r.text
    assert r.json["response"]["admin-review-item"]["placeholder"].endswith("个待审核项")
    r = s.callback(callback_body([("admin-review-detail", "children"), ("admin-review-merge-into", "options")],
                                 [("admin-review-item", "value", item.id)]), **zh)
    assert r.status_code == 200, r.text
    detail = json.dumps(r.json["response"]["admin-review-detail"], ensure_ascii=False)
    assert "原文中的名称" in detail and "已接受" in detail and "Name as written" not in detail


def test_the_audit_log_shows_readable_changes_not_json():
    from dashboard.pages.admin_audit import detail_text

    assert detail_text({"from": "viewer", "to": "admin"}) == "viewer → admin"
    up = detail_text({"original": "report.xlsx", "kind": "report", "bytes": 123456, "sha256": "ab" * 32})
    assert up == "file: report.xlsx · kind: report · size: 123,456 · SHA-256: abababababab…"
    run = detail_text({"status": "ok", "documents": {"new": 3, "changed": 0, "gone": 1}}, "zh")
    assert run == "状态: ok · 文档: new 3, gone 1" and "{" not in run and '"' not in run
    assert detail_text({}) == "" and detail_text(None) == ""


def test_every_review_item_kind_has_its_chinese_name():
    """The programme linker's ambiguous links join the review queue as kind 'programme' (issue 16)."""
    from dashboard.admin.messages import item_kind

    for kind, zh in {"partner": "合作伙伴", "school": "学院", "fact": "事实", "programme": "项目记录"}.items():
        assert item_kind(kind, "zh") == zh and item_kind(kind, "en") == kind
