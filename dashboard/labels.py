"""Human labels for the codes stored in the database (activity kinds, countries, languages).

Kept apart from figures and layouts so that every chart, legend and dropdown names a
thing the same way, and so that the English/中文 switch has one place to look.
"""
from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass
from functools import lru_cache

log = logging.getLogger(__name__)

KIND_LABELS: dict[str, tuple[str, str]] = {
    "joint_program": ("Joint programme", "合作办学"),
    "study_abroad": ("Study abroad", "出国（境）学习"),
    "summer_school": ("Summer school", "暑期学校"),
    "international_students": ("International students", "来华留学"),
    "faculty_exchange": ("Faculty exchange", "教师交流"),
    "research_collaboration": ("Research collaboration", "科研合作"),
    "agreement": ("Agreement signed", "签署协议"),
    "delegation_visit": ("Delegation visit", "代表团访问"),
    "conference": ("Conference", "国际会议"),
}

PARTNER_KIND_LABELS: dict[str, str] = {
    "university": "University",
    "institute": "Research institute",
    "company": "Company",
    "government": "Government body",
    "ngo": "Association / NGO",
}

LANGUAGE_LABELS: dict[str, str] = {"en": "English", "zh": "中文"}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, (kind.replace("_", " ").capitalize(), ""))[0]


def partner_kind_label(kind: str | None) -> str:
    return PARTNER_KIND_LABELS.get(kind or "", (kind or "unknown").capitalize())


@lru_cache(maxsize=512)
def country_name(alpha2: str | None) -> str:
    """Short English name of an ISO 3166 alpha-2 code ("KR" → "South Korea")."""
    if not isinstance(alpha2, str) or not alpha2:  # None, or NaN from a pandas string column
        return "Unknown"
    try:
        import pycountry

        c = pycountry.countries.get(alpha_2=alpha2.upper())
    except (ImportError, KeyError, LookupError):
        c = None
    if c is None:
        return alpha2.upper()
    return getattr(c, "common_name", None) or c.name


@lru_cache(maxsize=512)
def alpha3(alpha2: str | None) -> str | None:
    """ISO alpha-3 for an alpha-2 code: the map's topojson keys countries by alpha-3."""
    if not isinstance(alpha2, str) or not alpha2:
        return None
    try:
        import pycountry

        c = pycountry.countries.get(alpha_2=alpha2.upper())
    except (ImportError, KeyError, LookupError):
        c = None
    return c.alpha_3 if c else None


def ellipsize(name: str, width: int) -> str:
    """``name`` cut to at most ``width`` characters with "…", at a word boundary: never in the
    middle of a word ("International Relations and Cooperation Office" → "International
    Relations and…"). A name without spaces (Chinese) is cut at a character; a first word
    longer than ``width`` is cut inside, as nothing else fits."""
    name = " ".join(str(name or "").split())
    if len(name) <= width:
        return name
    head = name[: width - 1]
    if " " in name and name[width - 1] != " ":
        cut = head.rfind(" ")
        if cut >= max(1, width // 3):
            head = head[:cut]
    return head.rstrip(" ,;:-–&") + "…"


def short_school(name: str, width: int = 34) -> str:
    """A school name short enough for an axis label ("School of Automation" → "Automation"),
    shortened at a word boundary (:func:`ellipsize`)."""
    for prefix in ("School of ", "College of "):
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    return ellipsize(name, width)


# -- interface language (English / 中文) ----------------------------------------------
# The interface language travels in the URL query string as ``ui=zh`` (default English), so
# a link reproduces the language as well as the view. Every user-visible string goes through
# ``t(text, lang)``; each module registers the Chinese of its own strings with
# ``add_translations({...})`` at import, so pages never edit one shared dictionary.
#
# The table is keyed by the English text and shared by every module, so two modules that
# register *different* Chinese for the same English would make the result depend on import
# order. ``add_translations`` therefore keeps the first translation, records the clash in
# ``translation_conflicts()`` and logs it; the test suite imports every module and fails on
# any clash. When one English word really needs two translations (a chart axis "documents" =
# 文档数, a count "12 documents" = 12 篇文档), register the second under a *context*
# (``add_translations({...}, context="unit")``, read with ``t(text, lang, context="unit")``),
# as gettext's pgettext does.
UI_LANGS = ("en", "zh")
_ZH: dict[str, str] = {}
_ORIGIN: dict[str, str] = {}          # key → the module that registered it first
_CONFLICTS: list[TranslationConflict] = []
_CTX_SEP = "\x04"                     # gettext's separator between a context and the text


@dataclass(frozen=True)
class TranslationConflict:
    """Two modules registered different Chinese for the same English key."""

    key: str
    first: str
    first_module: str
    second: str
    second_module: str

    def __str__(self) -> str:
        key = self.key.replace(_CTX_SEP, " | ")
        return (f"{key!r}: {self.first_module} says {self.first!r}, "
                f"{self.second_module} says {self.second!r}")


def _key(text: str, context: str | None) -> str:
    return f"{context}{_CTX_SEP}{text}" if context else text


def add_translations(zh: dict[str, str], *, context: str | None = None, module: str | None = None) -> None:
    """Register Chinese translations, keyed by the English text (within ``context`` if given).

    Registering the same pair again is harmless (pages share many words); a *different*
    Chinese for a key already known is a conflict: the first translation is kept and the
    clash recorded (see :func:`translation_conflicts`). ``module`` names the registrant in
    that record (default: the calling module).
    """
    if module is None:
        module = sys._getframe(1).f_globals.get("__name__", "?")
    for en, cn in zh.items():
        key = _key(en, context)
        old = _ZH.get(key)
        if old is None:
            _ZH[key] = cn
            _ORIGIN[key] = module
        elif old != cn:
            clash = TranslationConflict(key, old, _ORIGIN.get(key, "?"), cn, module)
            if clash not in _CONFLICTS:
                _CONFLICTS.append(clash)
                log.warning("translation conflict: %s", clash)


def translation_conflicts() -> list[TranslationConflict]:
    """Every clash recorded so far (English keys given two different Chinese translations)."""
    return list(_CONFLICTS)


def translations() -> dict[str, str]:
    """A copy of the table (context-qualified keys contain ``"\\x04"``)."""
    return dict(_ZH)


def ui_lang(value: object) -> str:
    """The interface language from a URL parameter or store value; English unless 'zh'."""
    return "zh" if str(value or "").lower().startswith("zh") else "en"


def ui_from_search(search: str | None) -> str:
    """The interface language of a URL query string (``"?year_from=2020&ui=zh"`` → ``"zh"``)."""
    from urllib.parse import parse_qs

    values = parse_qs((search or "").lstrip("?")).get("ui") or [None]
    return ui_lang(values[-1])


def with_ui(search: str | None, lang: str) -> str:
    """``search`` with the interface language set to ``lang``: ``ui=zh`` added or replaced,
    or removed for English (the default), every other parameter kept in its order."""
    from urllib.parse import parse_qsl, urlencode

    params = [(k, v) for k, v in parse_qsl((search or "").lstrip("?"), keep_blank_values=True) if k != "ui"]
    if ui_lang(lang) == "zh":
        params.append(("ui", "zh"))
    return "?" + urlencode(params, safe=",") if params else ""


def t(text: str, lang: str | None = "en", context: str | None = None) -> str:
    """``text`` in the interface language (English text is the key; unknown text stays English).

    With a ``context``, the context-qualified translation is preferred, then the plain one.
    """
    if lang != "zh":
        return text
    if context:
        hit = _ZH.get(_key(text, context))
        if hit is not None:
            return hit
    return _ZH.get(text, text)


# -- names of things in the interface language ----------------------------------------
def kind_name(kind: str, lang: str | None = "en") -> str:
    """An activity kind in the interface language ("delegation_visit" → "Delegation visit" / "代表团访问")."""
    if lang == "zh" and kind in KIND_LABELS:
        return KIND_LABELS[kind][1]
    return kind_label(kind)


def partner_kind_name(kind: str | None, lang: str | None = "en") -> str:
    """A partner kind in the interface language ("institute" → "Research institute" / "研究机构")."""
    if not kind or kind == "unknown":
        return t("Unknown kind", lang)
    return t(partner_kind_label(kind), lang)


def language_name(code: str | None, lang: str | None = "en") -> str:
    """A document language in the interface language ("en" → "English" / "英文")."""
    return t(LANGUAGE_LABELS.get(code or "", code or ""), lang, context="language")


def local_name(name: str | None, zh: object = None, lang: str | None = "en") -> str:
    """A school's or partner's name in the interface language: its Chinese name under 中文
    when the database knows one, else the (English or original) name."""
    if lang == "zh" and isinstance(zh, str) and zh.strip():
        return zh.strip()
    return name or ""


add_translations({
    # the things the database stores codes for
    **{en: zh for en, zh in KIND_LABELS.values()},
    "University": "大学",
    "Research institute": "研究机构",
    "Company": "企业",
    "Government body": "政府机构",
    "Association / NGO": "协会 / 非政府组织",
    "Unknown kind": "类型未知",
    "Unknown": "未知",
    "Other": "其他",
})
add_translations({"English": "英文", "中文": "中文"}, context="language")
# A run's status and trigger are codes; their words are context-qualified (plain "ok" or "test" may mean
# something else elsewhere). Here, not in a page: the Overview, the run history and a background job's
# result (whose process imports only what the job runs: dashboard/admin/spawned.py) all name them.
add_translations({"ok": "成功", "partial": "部分成功", "failed": "失败", "running": "运行中", "aborted": "已中止"},
                 context="run status")
add_translations({"demo": "示例数据", "cli": "命令行", "test": "测试"}, context="run trigger")

# AG Grid's own words (pagination, loading, no rows) for the 中文 interface: the grids'
# ``dashGridOptions={"localeText": AG_GRID_ZH}``.
AG_GRID_ZH: dict[str, str] = {
    "page": "第", "to": "至", "of": "/", "more": "更多", "first": "首页", "previous": "上一页", "next": "下一页",
    "last": "末页", "loadingOoo": "加载中…", "noRowsToShow": "没有数据", "pageSizeSelectorLabel": "每页行数：",
    "ariaPageSizeSelectorLabel": "每页行数", "firstPage": "首页", "previousPage": "上一页", "nextPage": "下一页",
    "lastPage": "末页", "pageLastRowUnknown": "?", "filterOoo": "筛选…", "searchOoo": "搜索…",
}


# Programme types of the office's mobility reports ("summer school", "semester exchange"…):
# free text in the reports, so looked up case-blind; unknown types are shown as written.
PROGRAM_TYPES_ZH: dict[str, str] = {
    "summer school": "暑期学校", "winter school": "冬季学校", "semester exchange": "学期交换",
    "exchange": "交换学习", "student exchange": "学生交换", "research internship": "科研实习",
    "internship": "实习", "online summer program": "线上暑期项目", "online program": "线上项目",
    "study tour": "研学访问", "joint program": "联合培养", "joint programme": "联合培养",
    "dual degree": "双学位", "double degree": "双学位", "visiting student": "访问学生",
}


def program_type_name(value: object, lang: str | None = "en") -> str:
    """A mobility programme type in the interface language ("winter school" → "Winter school" / "冬季学校")."""
    text = str(value or "").strip()
    if lang == "zh":
        return PROGRAM_TYPES_ZH.get(" ".join(text.lower().split()), text)
    return text[:1].upper() + text[1:]


# Agreement types of the office's agreement reports ("MoU", "Student Exchange Agreement"…): free
# text too, looked up case-blind; "X agreement" with a known programme type X is "X协议";
# unknown types are shown as written.
AGREEMENT_TYPES_ZH: dict[str, str] = {
    "mou": "合作备忘录", "memorandum of understanding": "合作备忘录", "agreement": "协议",
    "framework agreement": "框架协议", "cooperation agreement": "合作协议", "exchange agreement": "交流协议",
    "student exchange agreement": "学生交流协议", "academic exchange agreement": "学术交流协议",
    "staff exchange agreement": "教师交流协议", "faculty exchange agreement": "教师交流协议",
    "joint program agreement": "合作办学协议", "joint programme agreement": "合作办学协议",
    "research cooperation agreement": "科研合作协议", "research agreement": "科研合作协议",
    "summer school agreement": "暑期学校协议", "dual degree agreement": "双学位协议",
    "double degree agreement": "双学位协议", "letter of intent": "合作意向书",
}


def agreement_type_name(value: object, lang: str | None = "en") -> str:
    """An agreement type in the interface language ("MoU" → "MoU" / "合作备忘录")."""
    text = str(value or "").strip()
    if lang != "zh" or not text:
        return text
    key = " ".join(text.lower().split())
    if key in AGREEMENT_TYPES_ZH:
        return AGREEMENT_TYPES_ZH[key]
    if key.endswith(" agreement") and key[: -len(" agreement")] in PROGRAM_TYPES_ZH:
        return PROGRAM_TYPES_ZH[key[: -len(" agreement")]] + "协议"
    return text


# How a fact was found (``facts.method`` / ``activities.method``, written by the extractor):
# the article view shows it next to each fact. Rules are "rule: NAME (score N)"; other
# methods are short phrases, some joined with "; " and prefixed "country: ".
METHODS_ZH: dict[str, str] = {
    "unit phrase → reference list": "单位短语 → 参考名录",
    "reference list": "参考名录",
    "partner registry": "合作伙伴名录",
    "title before the name": "姓名前的职务",
    "role before the name (zh)": "姓名前的职务（中文）",
    "role in apposition": "同位语中的职务",
    "surname + given name": "姓 + 名",
    "number before a counted noun": "计数名词前的数字",
    "number with a measure word (zh)": "带量词的数字（中文）",
    "N of them (what the previous number counted)": "其中 N 个（前一数字所计之物）",
    "number of X from N to M": "X 的数量从 N 增至 M",
    "noun numbered N": "编号为 N 的名词",
    "Latin name in brackets (zh)": "括号中的拉丁名称（中文）",
    "no dates in the text": "正文中没有日期",
}
_RULE = re.compile(r"^rule: (.+) \(score ([\d.]+)\)$")


def method_text(method: object, lang: str | None = "en") -> str:
    """How a fact was found, in the interface language (unknown phrases stay as written)."""
    text = str(method or "").strip()
    if lang != "zh" or not text:
        return text
    m = _RULE.match(text)
    if m:
        return f"规则：{m.group(1)}（得分 {m.group(2)}）"
    parts = []
    for part in text.split("; "):
        label, sep, rest = part.partition(": ")
        if sep and label == "country":
            parts.append("国家：" + METHODS_ZH.get(rest, rest))
        else:
            parts.append(METHODS_ZH.get(part, part))
    return "；".join(parts)
