"""Admin · Review queue (``/admin/review``): the names and facts the ETL was unsure of.

Each open item shows its evidence (the sentence and the document, or the report row);
an administrator accepts or rejects it, merges a partner into a known one (or maps a
school name to a known school), or sets a partner's country or kind. Every decision is
recorded by ``etl/load/curation.py`` as a curation (who, when), which every later ETL
run re-applies, and is written to the audit log.
"""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from dashboard.admin import ids, ui
from dashboard.admin.messages import Refusal, item_kind, reason, review_status, say
from dashboard.auth import client_ip, is_admin, require_admin
from dashboard.context import database_url, path_id, text_value
from dashboard.labels import add_translations, partner_kind_name, t, ui_lang
from etl.db import session_factory
from etl.load.models import Partner, ReviewItem, Unit

PATH = "/admin/review"
NAME = "Review queue"
TITLE = "Review queue · Administration"
KIND_OPTIONS = [{"label": "all", "value": "all"}, {"label": "partners", "value": "partner"},
                {"label": "schools", "value": "school"}, {"label": "facts", "value": "fact"}]
INTRO = "Names and facts the ETL was not sure of. Decisions are kept as curations and re-applied by every run."

add_translations({
    INTRO: "数据处理不能确定的名称和事实。审核决定保存为人工校订，每次运行都会重新应用。",
    "{n} open item(s)": "{n} 个待审核项", "Choose an item of the queue.": "请从队列中选择一项。",
    "Accept": "接受", "Reject": "驳回", "merge into / same as …": "合并到 / 等同于 …", "Merge": "合并",
    "country (ISO code or name)": "国家（ISO 代码或名称）", "Set country": "设置国家", "partner kind": "合作伙伴类型",
    "Set kind": "设置类型",
})
# The queue's item kinds ("partners" is also a chart's unit elsewhere: a context of their own).
add_translations({"all": "全部", "partners": "合作伙伴", "schools": "学院", "facts": "事实"}, context="review kind")
# An item's evidence, and what the page says after a decision (the curation layer's own refusals:
# dashboard/admin/messages.py).
add_translations({
    "This item no longer exists.": "此项已不存在。", "Choose an item of the queue first.": "请先从队列中选择一项。",
    "no review item #{id}": "没有审核项 #{id}",
    "item #{id} is already {status} (by {by})": "审核项 #{id} 已由 {by} 处理：{status}",
    "choose what to merge it into": "请选择要合并到的对象",
    "only partners and schools can be merged": "只有合作伙伴和学院可以合并",
    "country and kind are set on partners": "国家和类型只能为合作伙伴设置",
    "choose a value": "请选择一个值",
    "unknown action '{action}'": "未知操作：“{action}”",
    "database error: {error}": "数据库错误：{error}",
    "{kind} “{name}”: accept recorded.": "已记录：接受{kind}“{name}”。",
    "{kind} “{name}”: reject recorded.": "已记录：驳回{kind}“{name}”。",
    "{kind} “{name}”: merge → {value} recorded.": "已记录：将{kind}“{name}”合并到“{value}”。",
    "{kind} “{name}”: set country → {value} recorded.": "已记录：将{kind}“{name}”的国家设为“{value}”。",
    "{kind} “{name}”: set kind → {value} recorded.": "已记录：将{kind}“{name}”的类型设为“{value}”。",
})
add_translations({"Kind": "类型", "Name as written": "原文中的名称", "Status": "状态", "Evidence": "证据", "Document": "文档",
                  "Report file": "报表文件", "Report row": "报表行", "Country (as extracted)": "国家（抽取结果）",
                  "Partner kind (as extracted)": "合作伙伴类型（抽取结果）", "Fact": "事实"}, context="review detail")
DONE = {"accept": "{kind} “{name}”: accept recorded.", "reject": "{kind} “{name}”: reject recorded.",
        "merge": "{kind} “{name}”: merge → {value} recorded.",
        "set_country": "{kind} “{name}”: set country → {value} recorded.",
        "set_kind": "{kind} “{name}”: set kind → {value} recorded."}


class ReviewRefusal(Refusal):
    """A decision the page refuses before asking the curation layer."""

    codes = {"status": review_status}


def open_items(url: str, kind: str | None = None) -> list[ReviewItem]:
    from etl.load.curation import list_review

    with session_factory(url)() as s:
        return list_review(s, None if kind in (None, "", "all") else kind, "open")


def item_options(url: str, kind: str | None = None, lang: str = "en") -> list[dict[str, Any]]:
    return [{"label": say("{kind} · {name}", lang, kind=item_kind(i.kind, lang), name=i.name), "value": i.id}
            for i in open_items(url, kind)]


def open_count(n: int, lang: str = "en") -> str:
    """The item list's placeholder ("3 open item(s)")."""
    return say("{n} open item(s)", lang, n=n)


def target_options(url: str, item_id: int | None) -> list[dict[str, Any]]:
    """What an item may be merged into: known partners for a partner, schools for a school."""
    with session_factory(url)() as s:
        item = s.get(ReviewItem, item_id) if item_id else None
        if item is None or item.kind not in ("partner", "school"):
            return []
        if item.kind == "partner":
            rows = s.scalars(select(Partner).where(Partner.status == "known", Partner.name != item.name)
                             .order_by(Partner.name))
            return [{"label": f"{p.name} ({p.country or '?'})", "value": p.name} for p in rows]
        rows = s.scalars(select(Unit).where(Unit.name != item.name).order_by(Unit.name))
        return [{"label": u.name, "value": u.name} for u in rows]


def detail_view(url: str, item_id: int | None, lang: str = "en") -> Any:
    """An item's evidence: labels and codes (kind, status) in ``lang``, the evidence as extracted."""
    if not item_id:
        return html.P(t("Choose an item of the queue.", lang), className="text-muted")
    with session_factory(url)() as s:
        item = s.get(ReviewItem, item_id)
        if item is None:
            return html.P(t("This item no longer exists.", lang), className="text-muted")
        d = item.detail or {}

        def label(text: str) -> str:
            return t(text, lang, context="review detail")

        rows = [[label("Kind"), item_kind(item.kind, lang)], [label("Name as written"), item.name],
                [label("Status"), review_status(item.status, lang)]]
        for key, text in (("sentence", "Evidence"), ("document", "Document"), ("file", "Report file"),
                          ("row", "Report row"), ("country", "Country (as extracted)"),
                          ("kind", "Partner kind (as extracted)"), ("key", "Fact")):
            if d.get(key) not in (None, ""):
                rows.append([label(text), str(d[key])])
        return dbc.Table(html.Tbody([html.Tr([html.Th(k, style={"width": "14rem"}), html.Td(v)]) for k, v in rows]),
                         size="sm", className="admin-review-detail")


def decide(url: str, by: str, item_id: int, action: str, value: str | None = None,
           ip: str | None = None, lang: str = "en") -> tuple[bool, str]:
    """Apply one decision about review item ``item_id`` through etl/load/curation.py; (ok, message
    in the interface language ``lang``; names and the value as given)."""
    from dashboard.users import audit
    from etl.load import curation as cur

    try:
        with session_factory(url).begin() as s:
            item = s.get(ReviewItem, int(item_id))
            if item is None:
                raise ReviewRefusal("no review item #{id}", id=item_id)
            if item.status != "open":
                raise ReviewRefusal("item #{id} is already {status} (by {by})", id=item_id, status=item.status,
                                    by=item.decided_by)
            name, kind = item.name, item.kind
            if action in ("accept", "reject"):
                cur.decide(s, item.id, action == "accept", by=by)
            elif action == "merge":
                if not value:
                    raise ReviewRefusal("choose what to merge it into")
                if kind == "partner":
                    cur.merge_partner(s, name, value, by=by)
                elif kind == "school":
                    cur.alias_school(s, name, value, by=by)
                else:
                    raise ReviewRefusal("only partners and schools can be merged")
            elif action in ("set_country", "set_kind"):
                if kind != "partner":
                    raise ReviewRefusal("country and kind are set on partners")
                if not value:
                    raise ReviewRefusal("choose a value")
                (cur.set_country if action == "set_country" else cur.set_kind)(s, name, value, by=by)
            else:
                raise ReviewRefusal("unknown action '{action}'", action=action)
    except ReviewRefusal as exc:
        return False, exc.text(lang)
    except (cur.CurationError, ValueError, LookupError) as exc:
        return False, reason(exc, lang)
    except SQLAlchemyError as exc:
        return False, say("database error: {error}", lang, error=exc.__class__.__name__)
    audit(url, by, f"review.{action}", target=f"{kind}: {name}"[:1000], detail={"item": item_id, "value": value},
          ip=ip)
    return True, decided(action, kind, name, value, lang)


def decided(action: str, kind: str, name: str, value: str | None, lang: str = "en") -> str:
    """The message of a recorded decision."""
    if action == "set_kind" and value and lang == "zh":
        value = partner_kind_name(value, lang)
    return say(DONE[action], lang, kind=item_kind(kind, lang), name=name, value=value)


def layout(**query: Any) -> html.Div:
    lang = ui_lang(query.get("ui"))
    if not is_admin():
        return ui.forbidden(lang)
    from etl.load.curation import PARTNER_KINDS

    url = database_url()
    try:
        options = item_options(url, lang=lang)
    except SQLAlchemyError:
        options = []
    return ui.frame(
        PATH, "Review queue", INTRO,
        dcc.Store(id=ids.REVIEW_VERSION, data=0),
        dbc.Row([
            dbc.Col(dcc.Dropdown(id=ids.REVIEW_KIND, options=[{**o, "label": t(o["label"], lang, context="review kind")}
                                                             for o in KIND_OPTIONS],
                                 value="all", clearable=False), md=2),
            dbc.Col(dcc.Dropdown(id=ids.REVIEW_ITEM, options=options,
                                 placeholder=open_count(len(options), lang)), md=10),
        ], className="g-2 mb-3"),
        html.Div(html.P(t("Choose an item of the queue.", lang), className="text-muted"), id=ids.REVIEW_DETAIL),
        html.Div([
            dbc.Button(t("Accept", lang), id=ids.REVIEW_ACCEPT, color="success", className="me-2"),
            dbc.Button(t("Reject", lang), id=ids.REVIEW_REJECT, color="danger", outline=True, className="me-2"),
        ], className="mb-3"),
        dbc.Row([
            dbc.Col(dcc.Dropdown(id=ids.REVIEW_MERGE_INTO, placeholder=t("merge into / same as …", lang)), md=6),
            dbc.Col(dbc.Button(t("Merge", lang), id=ids.REVIEW_MERGE, color="secondary"), md=2),
        ], className="g-2 mb-2"),
        dbc.Row([
            dbc.Col(dcc.Input(id=ids.REVIEW_COUNTRY, placeholder=t("country (ISO code or name)", lang),
                              className="form-control"), md=3),
            dbc.Col(dbc.Button(t("Set country", lang), id=ids.REVIEW_SET_COUNTRY, color="secondary"), md=2),
            dbc.Col(dcc.Dropdown(id=ids.REVIEW_PKIND,
                                 options=[{"label": partner_kind_name(k, lang), "value": k} for k in PARTNER_KINDS],
                                 placeholder=t("partner kind", lang)), md=3),
            dbc.Col(dbc.Button(t("Set kind", lang), id=ids.REVIEW_SET_KIND, color="secondary"), md=2),
        ], className="g-2 mb-3"),
        html.Div(id=ids.REVIEW_MESSAGE, **{"aria-live": "polite"}),
        lang=lang,
    )


def register_callbacks(app, settings) -> None:
    @app.callback(
        Output(ids.REVIEW_DETAIL, "children"),
        Output(ids.REVIEW_MERGE_INTO, "options"),
        Input(ids.REVIEW_ITEM, "value"),
        prevent_initial_call=True,
    )
    def _show(item_id):
        require_admin()
        item_id = path_id(item_id)  # a crafted value is no item
        url = database_url()
        return detail_view(url, item_id, ui.callback_lang()), target_options(url, item_id)

    @app.callback(
        Output(ids.REVIEW_ITEM, "options"),
        Output(ids.REVIEW_ITEM, "value"),
        Output(ids.REVIEW_ITEM, "placeholder"),
        Input(ids.REVIEW_KIND, "value"),
        Input(ids.REVIEW_VERSION, "data"),
        prevent_initial_call=True,
    )
    def _list(kind, _version):
        require_admin()
        lang = ui.callback_lang()
        opts = item_options(database_url(), text_value(kind, 40) or None, lang)
        return opts, None, open_count(len(opts), lang)

    @app.callback(
        Output(ids.REVIEW_MESSAGE, "children"),
        Output(ids.REVIEW_VERSION, "data"),
        Input(ids.REVIEW_ACCEPT, "n_clicks"),
        Input(ids.REVIEW_REJECT, "n_clicks"),
        Input(ids.REVIEW_MERGE, "n_clicks"),
        Input(ids.REVIEW_SET_COUNTRY, "n_clicks"),
        Input(ids.REVIEW_SET_KIND, "n_clicks"),
        State(ids.REVIEW_ITEM, "value"),
        State(ids.REVIEW_MERGE_INTO, "value"),
        State(ids.REVIEW_COUNTRY, "value"),
        State(ids.REVIEW_PKIND, "value"),
        State(ids.REVIEW_VERSION, "data"),
        prevent_initial_call=True,
    )
    def _decide(_a, _r, _m, _c, _k, item_id, into, country, pkind, version):
        by = require_admin()
        actions = {ids.REVIEW_ACCEPT: ("accept", None), ids.REVIEW_REJECT: ("reject", None),
                   ids.REVIEW_MERGE: ("merge", into), ids.REVIEW_SET_COUNTRY: ("set_country", country),
                   ids.REVIEW_SET_KIND: ("set_kind", pkind)}
        if ctx.triggered_id not in actions:
            raise PreventUpdate
        lang = ui.callback_lang()
        item_id, version = path_id(item_id), version if isinstance(version, int) and 0 <= version < 2**31 else 0
        if not item_id:
            return dbc.Alert(t("Choose an item of the queue first.", lang), color="warning"), version
        action, value = actions[ctx.triggered_id]
        ok, msg = decide(database_url(), by, item_id, action, text_value(value) or None, client_ip(), lang)
        return dbc.Alert(msg, color="success" if ok else "danger"), version + (1 if ok else 0)
