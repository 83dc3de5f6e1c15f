"""What the admin pages say after an action, in the interface language.

Two kinds of text end up in those messages:

* the pages' own sentences, written here and in the admin pages as English *templates* with
  named placeholders (``"User {name} added as {role}."``) and translated whole, so that each
  language puts the values (counts, names, file names) where its grammar wants them;
* the reasons given by the code the pages share with the command line — the user store (dashboard/users.py), the
  curation layer (etl/load/curation.py) and the ETL's per-file errors (etl/sources, etl/reports)
  — which are English sentences shared with the command line and the run log. :func:`reason`
  recognises them by the same templates (each placeholder stands for the value the sentence
  embeds) and rebuilds them in Chinese, keeping the values exactly as written. A reason no
  template knows is shown as written.

Values are never translated (user, partner, school and file names, ids), except codes the
interface already names in both languages (roles, partner kinds, review statuses).
"""
from __future__ import annotations

import ast
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from dashboard.labels import add_translations, partner_kind_name, t


def say(template: str, lang: str | None = "en", **values: Any) -> str:
    """``template`` in the interface language with its placeholders filled."""
    return t(template, lang).format(**values)


class Refusal(ValueError):
    """A refusal whose message is a template and its values: ``str()`` gives the English (for the
    audit log and the command line), :meth:`text` the interface language. ``codes`` names the
    values that are codes with a name in each language (placeholder → ``f(code, lang)``)."""

    codes: dict[str, Callable[[Any, str | None], str]] = {}

    def __init__(self, template: str, **values: Any):
        self.template, self.values = template, values
        super().__init__(template.format(**values))

    def text(self, lang: str | None = "en") -> str:
        return say(self.template, lang, **{k: self.codes[k](v, lang) if k in self.codes else v
                                           for k, v in self.values.items()})


# -- codes named in both languages -------------------------------------------------------
add_translations({"viewer": "查看者", "admin": "管理员"}, context="role")
add_translations({"partner": "合作伙伴", "school": "学院", "fact": "事实", "programme": "项目记录"}, context="review item")
add_translations({"open": "待审核", "accepted": "已接受", "rejected": "已驳回", "merged": "已合并",
                  "aliased": "已作为别名归入"}, context="review status")
add_translations({"joint programs": "合作办学项目", "partner agreements": "合作协议",
                  "outbound students": "学生出国（境）"}, context="report shape")


def item_kind(kind: str | None, lang: str | None = "en") -> str:
    """A review item's kind ("partner" → "合作伙伴")."""
    return t(kind or "", lang, context="review item")


def review_status(status: str | None, lang: str | None = "en") -> str:
    """A review item's status ("accepted" → "已接受")."""
    return t(status or "", lang, context="review status")


def role_name(role: str | None, lang: str | None = "en") -> str:
    """A user role ("viewer" → "查看者")."""
    return t(role or "", lang, context="role")


# -- reasons given outside the dashboard ---------------------------------------------------
# English template (as the sentence is written in etl/, each embedded value a placeholder) →
# Chinese. Placeholders in QUOTED stand for a Python repr ('name'): matched as one and shown
# unquoted; those in NUMBER for digits; every other for any text.
REASONS_ZH: dict[str, str] = {
    # dashboard/users.py
    "password too short: at least {n} characters": "密码太短：至少需要 {n} 个字符",
    "password too long: at most {n} characters": "密码太长：最多 {n} 个字符",
    "user name: 1-120 letters, digits, '.', '_', '@' or '-', starting with a letter or digit":
        "用户名须由 1–120 个字母、数字或 . _ @ - 组成，并以字母或数字开头",
    "role must be one of {roles}": "角色必须是以下之一：{roles}",
    "user {name} exists already": "用户“{name}”已存在",
    "refused: that would leave no administrator": "已拒绝：这样将不再有任何管理员",
    "no user {name}": "没有用户“{name}”",
    # etl/load/curation.py (what the review queue's decisions may run into)
    "no partner named {name}": "没有名为“{name}”的合作伙伴",
    "{name} is ambiguous: {hits}": "“{name}”有歧义，可能是：{hits}",
    "no school or office named {name}": "没有名为“{name}”的学院或部门",
    "a curation needs the curator's name (by)": "人工校订必须注明校订人",
    "{name} is already merged into {into}": "“{name}”已合并到“{into}”",
    "{name} and {into} are the same partner": "“{name}”和“{into}”是同一个合作伙伴",
    "{name} was rejected as a partner; accept it before merging into it":
        "“{name}”已被驳回、不是合作伙伴；请先接受它，再合并到它",
    "no fact {key} in {uri}; its facts: {keys}": "{uri} 中没有事实“{key}”；它的事实有：{keys}",
    "no document {document}": "没有文档“{document}”",
    "the alias is empty": "别名为空",
    "{name} is already a name of {other}": "“{name}”已经是“{other}”的名称",
    "review item #{id} ({item_kind} {name}) is already {status} (by {by})":
        "审核项 #{id}（{item_kind}“{name}”）已由 {by} 处理：{status}",
    "review item #{id} does not say which document and fact it is about": "审核项 #{id} 没有说明涉及哪篇文档的哪条事实",
    "review item #{id} has an unknown kind {kind}": "审核项 #{id} 的类型未知：{kind}",
    "unknown country {country}": "未知的国家：“{country}”",
    "the country is empty": "国家为空",
    "unknown kind {kind}: one of {kinds}": "未知的类型“{kind}”：应为以下之一：{kinds}",
    # the ETL's reasons for a file it could not load (etl/sources/files.py, etl/reports/*)
    "empty document": "空文档",
    "not a text document (binary content)": "不是文本文档（二进制内容）",
    "not a text document: neither UTF-8 nor GB18030": "不是文本文档：编码既不是 UTF-8 也不是 GB18030",
    "unknown text encoding (not UTF-8)": "未知的文本编码（不是 UTF-8）",
    "no article text found in the HTML page": "HTML 页面中没有找到正文",
    "not a readable PDF ({error})": "无法读取的 PDF（{error}）",
    "empty document (PDF without text)": "空文档（PDF 中没有文字）",
    "cannot read file ({error})": "无法读取文件（{error}）",
    "unsupported report type {suffix} (CSV or XLSX expected)": "不支持的报表类型“{suffix}”（应为 CSV 或 XLSX）",
    "empty report": "空报表",
    "not a CSV text file (binary content)": "不是 CSV 文本文件（二进制内容）",
    "CSV text is neither UTF-8 nor GB18030": "CSV 文本的编码既不是 UTF-8 也不是 GB18030",
    "malformed CSV: {error}": "CSV 格式错误：{error}",
    "not a readable XLSX workbook ({error})": "无法读取的 XLSX 工作簿（{error}）",
    "no header row of a known report ({titles}) in the first {n} rows of any sheet":
        "所有工作表的前 {n} 行中都没有已知报表（{titles}）的表头行",
    "more than one sheet holds a report table ({sheets}); keep one table per file":
        "不止一个工作表含有报表（{sheets}）；每个文件只能有一张表",
    "missing required column {column} for a {title} report (header row {row}); columns seen: {seen}; "
    "the {title2} report needs {needed}":
        "{title}报表缺少必需的列“{column}”（表头在第 {row} 行）；表中的列：{seen}；{title2}报表需要：{needed}",
    "no header row of a known report ({titles}) in the first {n} rows of any sheet; seen: {seen}":
        "所有工作表的前 {n} 行中都没有已知报表（{titles}）的表头行；所见：{seen}",
    "the header row {row} fits both the {title} and the {title2} report; name its columns in the source's columns "
    "setting": "第 {row} 行的表头既像{title}报表，也像{title2}报表；请在数据源的列映射设置中指明各列",
    # notices: what a run says of a report it loaded
    "sheet {sheet} holds no report table (its first row: {cells}): not loaded":
        "工作表“{sheet}”中没有报表（第一行：{cells}）：未载入",
    "sheet {sheet} holds no report table (empty): not loaded": "工作表“{sheet}”中没有报表（空表）：未载入",
    "column {column} (header row {row}) is not a field of the {title} report: not loaded; name its field in the "
    "source's columns setting, or \"ignore\"":
        "列“{column}”（表头第 {row} 行）不是{title}报表的字段：未载入；可在数据源的列映射设置中指明它的字段，或设为忽略",
    "{field} {n} taken from the sheet's name {sheet} (the table has no {field2} column)":
        "{field} 取自工作表名“{sheet}”：{n}（表中没有 {field2} 列）",
    "{field} {n} taken from the title above the header (the table has no {field2} column)":
        "{field} 取自表头上方的标题：{n}（表中没有 {field2} 列）",
    "duplicate of {name2}": "与 {name2} 重复",
    "two columns hold {column}: {a} and {b}": "两列都是“{column}”：“{a}”和“{b}”",
    "blank {field}": "“{field}”为空",
    "expiry date {expiry} is before the signing date {signed}": "到期日期 {expiry} 早于签署日期 {signed}",
    "row names neither a school nor a partner": "该行既没有写学院，也没有写合作伙伴",
    "the totals row says {n} but the rows add up to {m}": "合计行为 {n}，但各行相加为 {m}",
    "not a whole number: {value}": "不是整数：“{value}”",
    "negative count: {n}": "计数为负数：{n}",
    "not a year: {value}": "不是年份：“{value}”",
    "year out of range: {n}": "年份超出范围：{n}",
    "not a date (YYYY-MM-DD expected): {value}": "不是日期（应为 YYYY-MM-DD）：“{value}”",
    "not a valid date: {value}": "无效的日期：“{value}”",
    "{reason} (add it to country_aliases.csv in the reference folder)":
        "{reason}（请把它加入参考资料文件夹中的 country_aliases.csv）",
}
add_translations(REASONS_ZH)

_REPR = r"(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
QUOTED = {"name", "into", "other", "key", "document", "kind", "country", "suffix", "column", "a", "b", "sheet"}
NUMBER = {"n", "m", "id", "row"}
_FIELD = re.compile(r"\{(\w+)\}")


@lru_cache(maxsize=None)
def _pattern(template: str) -> re.Pattern[str]:
    parts, pos = [], 0
    for m in _FIELD.finditer(template):
        name = m.group(1)
        parts.append(re.escape(template[pos:m.start()]))
        if name in QUOTED:
            body = _REPR
        elif name in NUMBER:
            body = r"-?\d+"
        elif name == "field":
            body = r"\S+"
        else:
            body = r".+?"
        parts.append(f"(?P<{name}>{body})")
        pos = m.end()
    parts.append(re.escape(template[pos:]))
    return re.compile("".join(parts), re.DOTALL)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        try:
            out = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value
        return out if isinstance(out, str) else value
    return value


def _zh_value(name: str, value: str) -> str:
    value = _unquote(value)
    if name == "roles":
        return "、".join(role_name(r.strip(), "zh") for r in value.split(","))
    if name == "kinds":
        return "、".join(partner_kind_name(k.strip(), "zh") for k in value.split(","))
    if name == "item_kind":
        return item_kind(value, "zh")
    if name == "status":
        return review_status(value, "zh")
    if name in ("title", "title2"):
        return t(value, "zh", context="report shape")
    if name == "titles":
        return "、".join(t(x.strip(), "zh", context="report shape") for x in value.split(","))
    if name == "keys" and value == "(none)":
        return "（无）"
    if name == "reason":
        return reason(value, "zh")
    if name in ("needed", "field", "field2"):  # a report kind's fields, by their Chinese names
        from etl.reports.shapes import field_names_zh

        names = field_names_zh()
        return "、".join(names.get(x.strip(), x.strip()) for x in value.split(","))
    return value


_SHEET = re.compile(rf"^sheet (?P<sheet>{_REPR}): (?P<rest>.+)$", re.DOTALL)
add_translations({"sheet {sheet}: {reason}": "工作表“{sheet}”：{reason}"})


def reason(text: Any, lang: str | None = "en") -> str:
    """A reason given by the user store, the curation layer or the ETL, in the interface language
    (English: as written; Chinese: rebuilt from its template, unknown reasons as written). A
    report's reason about one sheet ("sheet '2023': …") keeps the sheet's name in front."""
    text = str(text if text is not None else "")
    if lang != "zh" or not text:
        return text
    m = _SHEET.match(text)
    if m and not any(_pattern(tp).fullmatch(text) for tp in REASONS_ZH):
        return say("sheet {sheet}: {reason}", lang, sheet=_unquote(m["sheet"]), reason=reason(m["rest"], lang))
    for template in REASONS_ZH:
        m = _pattern(template).fullmatch(text)
        if m:
            return t(template, "zh").format(**{k: _zh_value(k, v) for k, v in m.groupdict().items()})
    return text


def notice_text(text: Any, lang: str | None = "en") -> str:
    """What a run noted of a file (a duplicate, a sheet without a table, a column not loaded), in the
    interface language."""
    return reason(text, lang)


WHERE = re.compile(r"^(?P<reason>.*?)(?:, row (?P<row>\d+))?(?:, column (?P<column>.+))?$", re.DOTALL)
add_translations({
    "{reason}, row {row}, column {column}": "{reason}（第 {row} 行，“{column}”列）",
    "{reason}, row {row}": "{reason}（第 {row} 行）",
    "{reason}, column {column}": "{reason}（“{column}”列）",
})


def file_reason(text: Any, lang: str | None = "en", row: Any = None, column: Any = None) -> str:
    """Why the ETL could not load a file, with where in it (row, column) when known.

    ``row``/``column`` are the keys of a run object's error; without them, the ``", row N,
    column C"`` the run log appends to the stored reason is read back from ``text``."""
    text = str(text if text is not None else "")
    if row is None and column is None:
        m = WHERE.match(text)
        if m and (m.group("row") or m.group("column")):
            text, row, column = m.group("reason"), m.group("row"), m.group("column")
    if lang != "zh":
        where = "".join(f", {k} {v}" for k, v in (("row", row), ("column", column)) if v is not None)
        return text + where
    why = reason(text, lang)
    if row is not None and column is not None:
        return say("{reason}, row {row}, column {column}", lang, reason=why, row=row, column=column)
    if row is not None:
        return say("{reason}, row {row}", lang, reason=why, row=row)
    if column is not None:
        return say("{reason}, column {column}", lang, reason=why, column=column)
    return why
