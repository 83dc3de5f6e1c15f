"""The publication date of an HTML page, from what the page says of itself, in order of trust:

1. **metadata**: JSON-LD ``datePublished``; ``<meta>`` tags of publication (``article:published_time``,
   ``pubdate``, ``publishdate``, Dublin Core ``DC.date.issued``, the CMS tags ``PubDate``,
   ``firstpublishedtime`` …); a ``<time>`` element (``pubdate``, ``itemprop=datePublished``, else
   the first with a ``datetime``);
2. **the byline**: a short line of the page that labels a date ("By Fri, 08 Mar 2024 GMT",
   "Posted on …", "发布时间：2024-03-08"), or a short date element whose class says it is one
   (``<span class="date">``);
3. **the dateline** of the first paragraph ("Beijing, 7 March 2024 —", "本网讯 …2024年3月7日");
4. the date in the page's URL (``/2024/03/08/``, ``t20240308_123.html``).

Never a footer: ``<footer>``, ``<nav>``, ``<aside>`` and elements whose class or id says foot,
copyright or bottom are left out, and so is any line with ©, "Copyright", 版权所有, "All rights
reserved" or an ICP licence — "Copyright © 2008-2025" is the site's age, not the article's. Only
a whole day counts (a year or a month alone is not a publication date). A date after the time
the page was read (with the widest time-zone margin, 14 hours) or before 1990 is refused, and
the next source of the list is asked. Modification dates are not publication dates.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from etl.extract.dates import find_dates

# <meta name|property|itemprop="…">, compared case-insensitively
META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "og:published_time", "article:published",
    "published_time", "published-time", "pubdate", "pub_date", "publishdate", "publish_date", "publish-date",
    "publishtime", "publish_time", "pubtime", "publication_date", "publicationdate", "datepublished",
    "date.published", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "dcterms.created",
    "dc.date.created", "citation_publication_date", "citation_date", "sailthru.date", "parsely-pub-date",
    "article.published", "date", "pdate", "firstpublishedtime", "releasedate", "release_date", "og:release_date",
    "bytedance:published_time", "weibo: article:create_at", "createdate", "contentdate", "issued",
)
_FOOTER_ATTR = re.compile(r"foot|copyright|copy-right|bottom|banquan|版权", re.I)
_FURNITURE = ("footer", "nav", "aside", "script", "style", "noscript", "template")
_COPYRIGHT = re.compile(r"©|&copy;|\(c\)\s*\d{4}|copyright|版权所有|版权|all\s+rights\s+reserved|icp\s*[备证]|"
                        r"公网安备", re.I)
# a label of the publication date: at the line's start or after a separator ("News | Posted on …",
# "来源：国际处  发布时间：…"), never inside a phrase ("Event date:", "活动时间：" are the event's)
_LABEL = re.compile(
    r"(?:^|[|｜·•/\]】)）]\s*|\s{2,})\s*(?:By|Posted(?:\s+(?:on|at|date|time))?|"
    r"Publish(?:ed)?(?:\s+(?:on|at|date|time))?|"
    r"Released?(?:\s+(?:on|at))?|Release\s+(?:date|time)|Publication\s+date|Date(?:\s+(?:posted|published))?|"
    r"Time)\s*[:：]?\s*|(?<![\u4e00-\u9fff])(?:发布时间|发布日期|发表时间|发表日期|发稿时间|发文时间|发文日期|刊发时间|发布于|时间|日期)\s*[:：]?\s*", re.I)
_DATE_ATTR = re.compile(r"date|time|pub|posted|byline|article-?info|meta", re.I)
_DATELINE_EN = re.compile(r"^\s*[A-Z][A-Za-z .'’-]{1,40},\s*(?P<rest>.{6,40}?)\s*(?:\([^)\n]{1,40}\))?\s*(?:-{2,}|—|–|:|\s-\s)")
_DATELINE_ZH = re.compile(r"^\s*(?:【[^】]{0,20}】)?\s*(?:本网讯|本报讯|新闻网讯|[\u4e00-\u9fff]{0,8}讯)")
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?!\d)")
MARGIN = dt.timedelta(hours=14)  # the widest time-zone offset: a page dated "tomorrow" here may be today there
EARLIEST = dt.date(1990, 1, 1)


@dataclass
class PageDate:
    date: dt.date
    method: str  # meta:<name> | jsonld | time | byline | dateline | url
    text: str  # what it was read from


def _norm(s: Any) -> str:
    return re.sub(r"[ \t\u3000\xa0\r\n]+", " ", str(s or "")).strip()


def _day(text: str) -> dt.date | None:
    """The first whole day written in ``text`` (ISO timestamps too), else None."""
    text = _norm(text)
    m = re.match(r"\s*((?:19|20)\d\d)-(\d\d)-(\d\d)(?:[T ]|$)", text)
    if m:
        try:
            return dt.date(*map(int, m.groups()))
        except ValueError:
            return None
    for dm in find_dates(text):
        if dm.precision == "day" and dm.y and dm.date():
            return dm.date()
    return None


def _in_furniture(el) -> bool:
    for a in el.iterancestors():
        if a.tag in _FURNITURE:
            return True
        attrs = f"{a.get('class', '')} {a.get('id', '')}"
        if attrs.strip() and _FOOTER_ATTR.search(attrs):
            return True
    attrs = f"{el.get('class', '')} {el.get('id', '')}"
    return bool(attrs.strip() and _FOOTER_ATTR.search(attrs))


def _jsonld(tree) -> list[tuple[str, str]]:
    out = []
    for script in tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        try:
            data = json.loads(script.text_content() or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            d = stack.pop()
            if isinstance(d, list):
                stack.extend(d)
            elif isinstance(d, dict):
                if isinstance(d.get("datePublished"), str):
                    out.append(("jsonld", d["datePublished"]))
                stack.extend(v for k, v in d.items() if k == "@graph" or isinstance(v, (dict, list)))
    return out


def _metadata(tree) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    found += _jsonld(tree)
    wanted = {n: i for i, n in enumerate(META_PUBLISHED)}
    metas = []
    for m in tree.iter("meta"):
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (m.get(attr) or "").strip().lower()
            if key in wanted and m.get("content"):
                metas.append((wanted[key], f"meta:{key}", m.get("content")))
                break
    found += [(how, value) for _, how, value in sorted(metas, key=lambda x: x[0])]
    times = [t for t in tree.iter("time") if not _in_furniture(t)]
    marked = [t for t in times if t.get("pubdate") is not None or (t.get("itemprop") or "").lower() == "datepublished"
              or re.search(r"publish|pubdate|post-?date|entry-date", t.get("class") or "", re.I)]
    for el in tree.xpath('//*[@itemprop="datePublished" or @itemprop="datepublished"]'):
        if el.tag != "time" and not _in_furniture(el):
            found.append(("itemprop", el.get("content") or el.get("datetime") or el.text_content()))
    for t in marked + [t for t in times if t not in marked]:
        value = t.get("datetime") or t.text_content()
        if value:
            found.append(("time", value))
    return found


def _lines(tree):
    """Short text elements outside the page furniture: (element, its text)."""
    for el in tree.iter("p", "div", "span", "li", "td", "em", "small", "strong", "b", "i", "font", "h1", "h2",
                        "h3", "h4", "h5", "h6", "header", "address", "dd", "dt"):
        txt = _norm(el.text_content())
        if 6 <= len(txt) <= 200 and not _in_furniture(el):
            yield el, txt


def _day_span(text: str) -> tuple[dt.date, int] | None:
    """(the first whole day in ``text``, where its mention ends)."""
    m = re.match(r"\s*((?:19|20)\d\d)-(\d\d)-(\d\d)(?:[T ][\d:]+)?", text)
    if m:
        try:
            return dt.date(*map(int, m.groups()[:3])), m.end()
        except ValueError:
            return None
    for dm in find_dates(text):
        if dm.precision == "day" and dm.y and dm.date():
            return dm.date(), dm.end
    return None


def _labelled(txt: str) -> tuple[dt.date, str] | None:
    """(the day right after a date label of ``txt``, the label and the date as written):
    "发布时间：2024-03-08" in "来源：国际处 发布时间：2024-03-08 点击：12", "By Fri, 08 Mar 2024 GMT"."""
    for m in _LABEL.finditer(txt):
        got = _day_span(txt[m.end():m.end() + 60])
        if got:
            end = m.end() + got[1]
            tz = re.match(r"\s*(?:GMT|UTC|CST|[+-]\d\d:?\d\d)\b", txt[end:])
            end += tz.end() if tz else 0
            return got[0], txt[m.start():end].strip(" |｜·•/")
    return None


def _byline(tree) -> list[tuple[str, str, dt.date]]:
    out = []
    for el, txt in _lines(tree):
        if _COPYRIGHT.search(txt):
            continue
        got = _labelled(txt)
        if got is not None:
            out.append(("byline", got[1], got[0]))
            continue
        attrs = f"{el.get('class', '')} {el.get('id', '')}"
        if len(txt) <= 60 and attrs.strip() and _DATE_ATTR.search(attrs) and (day := _day(txt)):
            out.append(("byline", txt, day))
    return out


def _dateline(tree) -> list[tuple[str, str, dt.date]]:
    for el, txt in _lines(tree):
        if el.tag != "p":
            continue
        if _COPYRIGHT.search(txt):
            continue
        m = _DATELINE_EN.match(txt)
        if m and (day := _day(m["rest"])):
            return [("dateline", txt[:m.end()], day)]
        m = _DATELINE_ZH.match(txt)
        if m:
            head = re.split(r"[，,。]", txt[m.end():], maxsplit=1)[0]
            if day := _day(head):
                return [("dateline", txt[:m.end() + len(head)], day)]
        if len(txt) >= 40:
            return []  # only the first paragraph of the text has a dateline
    return []


def page_date(tree, url: str = "", crawled: dt.datetime | None = None) -> PageDate | None:
    """The page's publication date (see the module docstring), or None."""
    crawled = crawled or dt.datetime.now(dt.timezone.utc)
    if crawled.tzinfo is None:
        crawled = crawled.replace(tzinfo=dt.timezone.utc)
    latest = (crawled + MARGIN).date()

    def ok(day: dt.date | None) -> bool:
        return day is not None and EARLIEST <= day <= latest

    for how, value in _metadata(tree):
        day = _day(value)
        if ok(day):
            return PageDate(day, how, _norm(value))
    for how, text, day in _byline(tree) + _dateline(tree):
        if ok(day):
            return PageDate(day, how, text)
    path = re.sub(r"^[a-z]+://[^/]+", "", url or "")
    for m in _URL_DATE.finditer(path):
        try:
            day = dt.date(*map(int, m.groups()))
        except ValueError:
            continue
        if ok(day):
            return PageDate(day, "url", m.group(0))
    return None
