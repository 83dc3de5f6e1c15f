"""The words of the leadership report and of the exports' frames (filter line, source note,
data sheet), in English and Chinese: ``text(key, lang)``.

The words *inside* a chart (title, axes, legends, country and kind names) are the pages' own,
from :mod:`dashboard.labels`: figure functions take the language, so a Chinese export draws
the same Chinese as the 中文 page.
"""
from __future__ import annotations

LANGS = ("en", "zh")

TEXT: dict[str, tuple[str, str]] = {
    # report structure
    "report_title": ("International cooperation report", "国际合作工作报告"),
    "period": ("Period", "统计期间"),
    "all_years": ("all years on record", "全部年份"),
    "filters": ("Filters", "筛选条件"),
    "no_filter": ("none (all data)", "无（全部数据）"),
    "data_as_of": ("Data as of", "数据截至"),
    "generated": ("Generated", "生成时间"),
    "key_figures": ("Key figures", "主要指标"),
    "vs": ("vs", "较"),
    "no_previous": ("no earlier period on record", "无可比的上一期数据"),
    "kf_note": ("Each figure counts the whole period {p}; the arrow compares it with the {n} years before "
                "({q}); below it, the latest year against the year before.",
                "各项指标统计整个期间（{p}）；箭头为与此前{n}年（{q}）的比较；其下为最近一年与上一年的比较。"),
    "kf_note_first": ("Each figure counts the whole period {p}; the data does not reach back to an earlier "
                      "period of the same length; below it, the latest year against the year before.",
                      "各项指标统计整个期间（{p}）；数据不早于此，无同等长度的上一期可比；其下为最近一年与上一年的比较。"),
    "no_data": ("no data", "无数据"),
    "charts": ("Charts", "图表"),
    "expiring": ("Agreements expiring in the next 12 months", "未来12个月内到期的合作协议"),
    "expiring_none": ("No agreement expires in the next 12 months.", "未来12个月内没有到期的合作协议。"),
    "method": ("Method and sources", "方法与数据来源"),
    "page": ("Page", "第"),
    "continued": ("continued", "续"),
    "university_wide": ("University-wide", "全校"),
    # key figures
    "kf_documents": ("Documents", "新闻与报道"),
    "kf_partners": ("Partners", "合作伙伴"),
    "kf_countries": ("Countries", "国家和地区"),
    "kf_schools": ("Schools involved", "参与学院"),
    "kf_students": ("Students abroad", "出国（境）学生"),
    "kf_programs": ("New joint programmes", "新设合作办学项目"),
    "kf_active_programs": ("{n:,} active programmes", "在办项目{n:,}个"),
    "kf_range": ("{n:,} in the period", "统计期内共{n:,}"),
    # filters
    "f_years": ("Years", "年份"),
    "f_schools": ("Schools", "学院"),
    "f_countries": ("Countries", "国家和地区"),
    "f_partner_kinds": ("Partner kinds", "合作方类型"),
    "f_kinds": ("Activity kinds", "活动类型"),
    "f_language": ("Document language", "文档语言"),
    "from_year": ("from {y}", "{y}年起"),
    "until_year": ("until {y}", "至{y}年"),
    "more": ("+{n} more", "等{n}项"),
    # data sheet
    "about": ("About", "说明"),
    "data": ("Data", "数据"),
    "title": ("Title", "标题"),
    "etl_run": ("ETL run", "数据更新批次"),
    "docs_in_scope": ("Source documents (in the filters)", "来源文档数（筛选后）"),
    "docs_total": ("Source documents (all)", "来源文档数（全部）"),
    "reports": ("Office reports loaded", "已载入的国际处报表"),
    "exported": ("Exported", "导出时间"),
    "source": ("Source", "来源"),
    "not_run": ("no ETL run has finished yet", "尚无完成的数据更新"),
    # source notes
    "src_news": ("Source: university news and International Office reports, read automatically",
                 "来源：学校新闻及国际处报表，自动提取"),
    "src_reports": ("Source: International Office reports", "来源：国际处报表"),
    "src_docs": ("{n:,} of {t:,} documents", "{t:,}篇文档中的{n:,}篇"),
    "src_files": ("{n:,} report files", "{n:,}份报表"),
    "src_asof": ("data as of {d}", "数据截至{d}"),
}

METHOD: dict[str, str] = {
    "en": (
        "The figures on news come from {docs:,} documents (of {total:,} on record): news articles of the "
        "university and its schools and other texts, read automatically. For each text the extractor "
        "finds the schools, the partner organisations and the kinds of international activity it reports, "
        "each with the sentence that shows it; a document counts once per chart. Documents removed at their "
        "source, facts a curator rejected and partners a curator rejected are not counted. Joint "
        "programmes, agreements and outbound students come from the International Office's reports "
        "({reports:,} files, {rows:,} rows); a blank count in a report is unknown, never zero. Data as of "
        "{asof}. Filters: {filters}."
    ),
    "zh": (
        "新闻相关指标来自{docs:,}篇文档（库中共{total:,}篇），包括学校及各学院的新闻报道等文本，由系统自动读取。"
        "系统在每篇文本中识别涉及的学院、合作机构和国际交流活动类型，并保留对应的原文句子；每篇文档在每张图表中只计一次。"
        "来源处已删除的文档、经审核否定的事实和合作方均不计入。合作办学项目、合作协议和出国（境）学生数据来自国际处报表"
        "（{reports:,}份，共{rows:,}行）；报表中的空白数值视为未知，不按零计算。数据截至{asof}。筛选条件：{filters}。"
    ),
}

def lang_of(value: str | None) -> str:
    """``"zh"`` for zh, zh-CN, 中文…; ``"en"`` otherwise."""
    v = (value or "").strip().lower()
    return "zh" if v.startswith("zh") or v in ("cn", "中文") else "en"


def text(key: str, lang: str = "en", **fmt) -> str:
    en, zh = TEXT[key]
    s = zh if lang == "zh" else en
    return s.format(**fmt) if fmt else s


def colon(lang: str = "en") -> str:
    """The label separator: full-width in Chinese."""
    return "：" if lang == "zh" else ": "
