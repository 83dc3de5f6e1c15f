"""Admin · Uploads (``/admin/uploads``): documents and office reports, loaded by the usual ETL.

Each file is checked (name, size, type from its content: dashboard/admin/uploads.py),
stored under ``data/uploads`` and audited; the accepted files are then loaded by a
background ETL job (``Pipeline(settings).run([paths])``) whose progress and per-file
errors show on the page.
"""
from __future__ import annotations

import base64
import binascii
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard.admin import ids, jobs, ui
from dashboard.admin import uploads as up
from dashboard.admin.messages import say
from dashboard.auth import client_ip, is_admin, require_admin
from dashboard.context import database_url
from dashboard.labels import add_translations, t, ui_lang

PATH = "/admin/uploads"
NAME = "Uploads"
TITLE = "Uploads · Administration"
INTRO = ("News articles (text, HTML, PDF) or the office's reports (CSV, XLSX), up to {mb} MB at a time. "
         "Accepted types: {types}. Each file is checked, stored and loaded by the same ETL as every other source.")

add_translations({
    "Upload documents and office reports": "上传文档和国际处报表",
    INTRO: "新闻稿（文本、HTML、PDF）或国际处报表（CSV、XLSX），每次上传合计不超过 {mb} MB。接受的类型：{types}。"
           "每个文件都会经过检查、保存，并由与其他数据源相同的数据处理流程载入。",
    "Drag files here, or ": "将文件拖到此处，或",
    "choose files": "选择文件",
    # after an upload
    "unreadable upload": "无法读取上传的内容",
    "unreadable upload (bad base64)": "无法读取上传的内容（base64 编码有误）",
    "{stored} file(s) stored, {refused} refused.": "已保存 {stored} 个文件，拒绝 {refused} 个。",
    "{stored} file(s) stored, {refused} refused. Loading them now …": "已保存 {stored} 个文件，拒绝 {refused} 个。正在载入 …",
    "Outcome": "结果",
    "{kind}, {size} bytes": "{kind}，{size} 字节",
})
add_translations({"stored": "已保存", "refused": "已拒绝"}, context="upload outcome")
add_translations({"document": "文档", "report": "报表"}, context="upload kind")


def layout(**query: Any) -> html.Div:
    lang = ui_lang(query.get("ui"))
    if not is_admin():
        return ui.forbidden(lang)
    accepted = ", ".join(sorted(up.ALLOWED_SUFFIXES))
    return ui.frame(
        PATH, "Upload documents and office reports",
        t(INTRO, lang).format(mb=up.mb(up.max_upload_bytes()), types=accepted),
        # No size check in the browser (it would drop a big file without a word): the server
        # refuses a too-large upload before reading it, and the page says why (assets/auth.js).
        dcc.Upload(
            id=ids.UPLOAD, multiple=True,
            children=html.Div([t("Drag files here, or ", lang), html.A(t("choose files", lang), href="#")]),
            className="admin-upload-zone",
            style={"border": "2px dashed #9aa8bb", "borderRadius": "8px", "padding": "2rem",
                   "textAlign": "center", "background": "#f8fafc", "cursor": "pointer"},
        ),
        html.Div(id=ids.UPLOAD_LIST, className="mt-3"),
        ui.job_panel(ids.UPLOAD_JOB),
        lang=lang,
    )


def decode(contents: str) -> bytes:
    """The bytes of a ``dcc.Upload`` value (``data:<type>;base64,<data>``)."""
    if not isinstance(contents, str) or "," not in contents:
        raise up.UploadError("unreadable upload")
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise up.UploadError("unreadable upload (bad base64)") from None


def store_uploads(url: str, user: str, names: list[str], contents: list[str], ip: str | None = None,
                  lang: str = "en") -> tuple[list[up.StoredUpload], list[tuple[str, str]]]:
    """Check and store each file; returns (stored, [(name, why refused, in ``lang``)]). Every
    outcome is audited (in English, like every audit entry)."""
    from dashboard.users import audit

    stored, refused = [], []
    for name, content in zip(names, contents):
        try:
            s = up.store(name, decode(content))
        except up.UploadError as exc:
            refused.append((str(name), exc.text(lang)))
            audit(url, user, "upload.refused", target=str(name)[:300], detail={"reason": str(exc)}, ip=ip)
            continue
        stored.append(s)
        audit(url, user, "upload", target=s.path.name,
              detail={"original": s.original, "kind": s.kind, "bytes": s.size, "sha256": s.sha256}, ip=ip)
    return stored, refused


def upload_outcome(redis_url: str | None, url: str, user: str, filenames: Any, contents: Any,
                   ip: str | None = None, lang: str = "en") -> tuple[Any, Any]:
    """Store the files of one ``dcc.Upload`` and ask for their load: what the page shows (the
    count, then each file with its outcome, in ``lang``; file names as given) and the job
    reference for its panel (``no_update`` when nothing was stored)."""
    contents = contents if isinstance(contents, list) else [contents]
    filenames = filenames if isinstance(filenames, list) else [filenames]
    stored, refused = store_uploads(url, user, filenames, contents, ip, lang)
    rows = [[s.original, t("stored", lang, context="upload outcome"),
             say("{kind}, {size} bytes", lang, kind=t(s.kind, lang, context="upload kind"), size=f"{s.size:,}")]
            for s in stored]
    rows += [[n, t("refused", lang, context="upload outcome"), why] for n, why in refused]
    job = no_update
    if stored:
        job = jobs.job_ref(jobs.request_job(redis_url, kind="paths", user=user, database_url=url,
                                            paths=[str(s.path) for s in stored]), lang)
    template = ("{stored} file(s) stored, {refused} refused. Loading them now …" if stored
                else "{stored} file(s) stored, {refused} refused.")
    msg = dbc.Alert(say(template, lang, stored=len(stored), refused=len(refused)),
                    color="info" if stored else "warning")
    return html.Div([msg, ui.table(["File", "Outcome", "Detail"], rows, lang=lang)]), job


def register_callbacks(app, settings) -> None:
    redis_url = getattr(settings, "redis_url", None)

    @app.callback(
        Output(ids.UPLOAD_LIST, "children"),
        Output(f"{ids.UPLOAD_JOB}-job", "data"),
        Input(ids.UPLOAD, "contents"),
        State(ids.UPLOAD, "filename"),
        prevent_initial_call=True,
    )
    def _upload(contents, filenames):
        user = require_admin()
        if not contents:
            raise PreventUpdate
        return upload_outcome(redis_url, database_url(), user, filenames, contents, client_ip(), ui.callback_lang())

    ui.register_job_runner(app, ids.UPLOAD_JOB, redis_url)
