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
from dashboard.auth import client_ip, is_admin, require_admin
from dashboard.context import database_url
from dashboard.labels import add_translations, t, ui_lang

PATH = "/admin/uploads"
NAME = "Uploads"
TITLE = "Uploads · Administration"
INTRO = ("News articles (text, HTML, PDF) or the office's reports (CSV, XLSX), up to {mb} MB each. "
         "Accepted types: {types}. Each file is checked, stored and loaded by the same ETL as every other source.")

add_translations({
    "Upload documents and office reports": "上传文档和国际处报表",
    INTRO: "新闻稿（文本、HTML、PDF）或国际处报表（CSV、XLSX），每个文件不超过 {mb} MB。接受的类型：{types}。"
           "每个文件都会经过检查、保存，并由与其他数据源相同的数据处理流程载入。",
    "Drag files here, or ": "将文件拖到此处，或",
    "choose files": "选择文件",
})


def layout(**query: Any) -> html.Div:
    lang = ui_lang(query.get("ui"))
    if not is_admin():
        return ui.forbidden(lang)
    accepted = ", ".join(sorted(up.ALLOWED_SUFFIXES))
    return ui.frame(
        PATH, "Upload documents and office reports",
        t(INTRO, lang).format(mb=up.max_upload_bytes() // (1024 * 1024), types=accepted),
        dcc.Upload(
            id=ids.UPLOAD, multiple=True, max_size=up.max_upload_bytes(),
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


def store_uploads(url: str, user: str, names: list[str], contents: list[str], ip: str | None = None
                  ) -> tuple[list[up.StoredUpload], list[tuple[str, str]]]:
    """Check and store each file; returns (stored, [(name, why refused)]). Every outcome is audited."""
    from etl.users_cli import audit

    stored, refused = [], []
    for name, content in zip(names, contents):
        try:
            s = up.store(name, decode(content))
        except up.UploadError as exc:
            refused.append((str(name), str(exc)))
            audit(url, user, "upload.refused", target=str(name)[:300], detail={"reason": str(exc)}, ip=ip)
            continue
        stored.append(s)
        audit(url, user, "upload", target=s.path.name,
              detail={"original": s.original, "kind": s.kind, "bytes": s.size, "sha256": s.sha256}, ip=ip)
    return stored, refused


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
        contents = contents if isinstance(contents, list) else [contents]
        filenames = filenames if isinstance(filenames, list) else [filenames]
        url = database_url()
        stored, refused = store_uploads(url, user, filenames, contents, client_ip())
        rows = [[s.original, "stored", f"{s.kind}, {s.size:,} bytes"] for s in stored]
        rows += [[n, "refused", why] for n, why in refused]
        job = no_update
        if stored:
            job = jobs.request_job(redis_url, kind="paths", user=user, database_url=url,
                                   paths=[str(s.path) for s in stored])
        msg = dbc.Alert(f"{len(stored)} file(s) stored, {len(refused)} refused."
                        + (" Loading them now …" if stored else ""),
                        color="info" if stored else "warning")
        return html.Div([msg, ui.table(["File", "Outcome", "Detail"], rows)]), job

    ui.register_job_runner(app, ids.UPLOAD_JOB, redis_url)
