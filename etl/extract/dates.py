"""Dates in news text: the publication date and the date of the reported event.

``find_dates`` finds every date expression (English and Chinese) with its span and
precision: a day ("7th March 2024", "March 7, 2024", "2024-03-07", "3月27日"), a range
("from 10th to 16th October 2016", "1月15日至2月2日"; its first day is what counts), a
month ("June 2020", "2023年2月") or a year.

``published_date`` reads header lines (``By Thu, 07 Mar 2024 GMT``, ``发布时间：2019-03-29``,
``Published: …``, ``Date: …``) and falls back to the page metadata.

``event_date`` reasons over the header, the dateline and the body:
1. a date without a year takes the year that puts it nearest before publication;
2. a date whose year puts it far from publication while the same day in the
   publication's year fits, and whose year the rest of the text does not support,
   is a typo'd year and is outvoted (the seed article's dateline says 2023 for a 2024
   event);
3. the event is the earliest plausible day (a range counts by its first day) in the
   first body paragraph that names one, else in the body, else the dateline's day;
4. a piece with no day but a year under review ("The year 2024 saw…") gets that year;
   one with only a month gets ``YYYY-MM``; else the publication date.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from etl.extract.fastre import guarded
from etl.extract.spans import SpanIndex, last_of, next_of
from etl.extract.zh_text import CJK

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MON = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
        r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19[5-9]\d|20\d\d)"
_WD = r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"
_TO = r"\s*(?:to|until|till|through|and|-|–|—|~)\s*"

# English: "7th March 2024", "7 March", "10th to 16th October 2016", "12th July to 6th August 2021", "28 Sep , 2023"
_EN_DMY = re.compile(  # (a day glued to its "on" by a typo, "on15th May 2015", still counts)
    rf"(?:(?<![\w+])|(?<=\bon)){_WD}(?P<d0>{_DAY})(?:\s+(?:of\s+)?(?P<m0>{_MON}))?(?:(?:,?|[ \t]+,)\s+(?P<y0>{_YEAR}))?"
    rf"(?:{_TO}(?P<d1>{_DAY})\s+(?:of\s+)?(?P<m1>{_MON}))?(?:,?\s+(?P<y1>{_YEAR}))?(?![\w+])")
# "March 7, 2024", "March 7-9, 2024", "March 7 to April 2, 2024"
_EN_MDY = re.compile(
    rf"(?<![\w+]){_WD}(?P<m0>{_MON})\s+(?P<d0>{_DAY})(?!\d)(?:(?:,?\s+|,)(?P<y0>{_YEAR}))?"
    rf"(?:{_TO}(?:(?P<m1>{_MON})\s+)?(?P<d1>{_DAY})(?!\d))?(?:,?\s+(?P<y1>{_YEAR}))?(?![\w+])")
# a stamp glued to the counter's label after it: "September 21, 2018Click:", "May 3, 2019Hits: 12"
_EN_MDY_GLUED = re.compile(rf"(?<![\w+]){_WD}(?P<m>{_MON})\s+(?P<d>{_DAY}),\s*(?P<y>{_YEAR})"
                           rf"(?=(?:Clicks?|Hits|Views?|Reads?|Visits?|Source|Author)\b)")
_ISO = re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>1[0-2]|0?[1-9])\s*[-/.月]\s*"
                  r"(?P<d>[12]\d|3[01]|0?[1-9])(?![\d.])(?!\s*(?:至|到|-|–|~|～)\s*\d{1,2}\s*[日号])\s*日?")
# "25/10/2023", "12.05.2023": day first (as news sites outside the United States write it) unless the
# first number cannot be a month's day order ("10/25/2023" → 25 October)
_NUM_DMY = re.compile(r"(?<![\d/.])(?P<a>[0-3]?\d)(?P<sep>[/.])(?P<b>[0-3]?\d)(?P=sep)(?P<y>(?:19|20)\d\d)(?![\d/.])")
# "Posted: 19 03,2023": day and month by a space, the year after a comma
_NUM_DM_Y = re.compile(r"(?<![\d/.:])(?P<a>[0-3]?\d)[ \t]+(?P<b>[01]?\d)[ \t]*,[ \t]*(?P<y>(?:19|20)\d\d)(?![\d/.])")
# a site's date stamp: "APR . 06 2018" (month in capitals, a dot), "2013 Sep 18" (year first)
_STAMP_MDY = re.compile(rf"(?<![\w+])(?P<m>(?i:{_MON}))[ \t]*\.[ \t]*(?P<d>{_DAY})[ \t]*,?[ \t]*(?P<y>{_YEAR})(?![\w+])|"
                        rf"(?<![\w+])(?P<m2>[A-Z]{{3,9}})[ \t]+(?P<d2>{_DAY}),?[ \t]+(?P<y2>{_YEAR})(?![\w+])")
_STAMP_YMD = re.compile(rf"(?<![\w+])(?P<y>{_YEAR})[ \t]+(?P<m>{_MON})[ \t]+(?P<d>{_DAY})(?![\w+])")
_MONTH_YEAR = re.compile(rf"(?<![\w+])(?P<m>{_MON})(?:\s+of)?,?\s+(?P<y>{_YEAR})(?!\d)")
# "3月27日", "12 月 5 日", ranges "1月15日至2月2日", "5月13-14日", "12 月 5 至 8 日" (the first day's 日 may be left out)
_ZH_DAY = re.compile(
    r"(?:(?P<y0>(?:19|20)\d\d)\s*年\s*)?(?<!\d)(?P<m0>1[0-2]|0?[1-9])\s*月\s*(?P<d0>[12]\d|3[01]|0?[1-9])"
    r"(?:\s*[日号]|(?=\s*(?:至|到|—|－|-|–|~|～)\s*(?:(?:19|20)\d\d\s*年\s*)?(?:(?:1[0-2]|0?[1-9])\s*月\s*)?"
    r"(?:[12]\d|3[01]|0?[1-9])\s*[日号]))"
    r"(?:\s*(?:至|到|—|－|-|–|~|～)\s*(?:(?P<y1>(?:19|20)\d\d)\s*年\s*)?(?:(?P<m1>1[0-2]|0?[1-9])\s*月\s*)?"
    r"(?P<d1>[12]\d|3[01]|0?[1-9])\s*[日号])?")
_ROC_DAY = re.compile(r"(?<![\d/.])(?P<y>1[01]\d)(?:[)）]?\s*年\s*|(?P<sep>[/.-]))(?P<m>1[0-2]|0?[1-9])(?:\s*月\s*|(?P=sep))"
                      r"(?P<d>[12]\d|3[01]|0?[1-9])(?(sep)(?![\d/.])|\s*[日号])")
_ZH_NUM_DAY = re.compile(r"(?<![一二三四五六七八九十〇零\d年])(?:(?P<y>[一二][〇零一二三四五六七八九]{3})年)?"
                         r"(?P<m>十[一二]?|[一二三四五六七八九]|元)月"
                         r"(?P<d>[一二]?十[一二三四五六七八九]?|三十一?|[一二三四五六七八九]|[12]\d|3[01]|0?[1-9])[日号]")


def _zh_num(s: str) -> int:
    """一 … 三十一 as a number."""
    digits = "一二三四五六七八九"
    if s == "元":
        return 1  # 元月: January
    if s.isdigit():
        return int(s)
    if "十" not in s:
        return digits.index(s) + 1
    a, _, b = s.partition("十")
    return (digits.index(a) + 1 if a else 1) * 10 + (digits.index(b) + 1 if b else 0)


_ZH_MONTH = re.compile(r"(?P<y>(?:19|20)\d\d)年(?P<m>1[0-2]|0?[1-9])月(?![\d日号])")
# a year; a Chinese character beside it is no word character ("于2024年", "2018年中英…")
_YEAR_RE = re.compile(r"(?<![A-Za-z0-9_+\-/.])(?P<y>(?:19[5-9]|20\d)\d)(?:年)?(?![A-Za-z0-9_+\-/])")
_WORDS_D = re.compile(r"(\d+)")
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d|\bcopyright\b|all\s+rights\s+reserved|版权所有|版权|ICP备", re.I)

# (a Chinese character beside a year is no word character: "召开2020年…", "2022暑假")
# an academic year: "2023/24", "2016-17", "2016–2017" (the second year the next of the first)
_ACADEMIC_YEAR = re.compile(r"(?<![\d/.-])((?:19|20)\d\d)\s*[-–/]\s*(?:(?:19|20)\d\d|\d\d)(?![\d/-]|\.\d)")
# a year that opens the name of a Chinese event or plan ("2017上海暑期学校", "2020年…推进会"), not a cohort (2017级, 2017届)
# nor a decade (80年代)
_ZH_YEAR_OPENS = re.compile(r"\d{4}(?:\s*年(?![代级届])|(?=[\u4e00-\u9fff])(?![级届]))")
_ZH_YEAR_OF = re.compile(r"\d{4}\s*年(?![代级届以起底末])(?!\d{1,2}\s*月)")
_ZH_SINCE = re.compile(r"[自从于至截到]|始于|成立|建于")
_ANY_YEAR = re.compile(r"(?<![A-Za-z0-9_+/.])((?:19[5-9]|20\d)\d)(?:\s*[-–/]\s*(?:(?:19|20)?\d\d))?(?![A-Za-z0-9_+/])")
PLAUSIBLE_BEFORE = 200  # days: how long before publication an event may still be "news"
PLAUSIBLE_AFTER = 3  # days: a piece may be dated the day before the event it announces


@dataclass
class DateMention:
    """A date in the text. ``y`` may be None (no year written); ``precision`` is day|month|year."""

    start: int
    end: int
    y: int | None
    m: int | None = None
    d: int | None = None
    precision: str = "day"
    text: str = ""
    is_range: bool = False
    year_written: bool = True
    notes: list[str] = field(default_factory=list)

    def date(self) -> dt.date | None:
        if self.y and self.m and self.d:
            try:
                return dt.date(self.y, self.m, self.d)
            except ValueError:
                return None
        return None

    def iso(self) -> str | None:
        if self.precision == "day" and self.date():
            return self.date().isoformat()
        if self.precision == "month" and self.y and self.m:
            return f"{self.y:04d}-{self.m:02d}"
        if self.y:
            return f"{self.y:04d}"
        return None


def _month(s: str | None) -> int | None:
    if not s:
        return None
    return MONTHS.get(s.rstrip(".").lower()) or MONTHS.get(s.rstrip(".").lower()[:3])


def _day(s: str | None) -> int | None:
    if not s:
        return None
    m = _WORDS_D.match(s)
    return int(m.group(1)) if m else None


# a Chinese day whose 月 a copy lost ("711日," for 7月11日, "1018日" for 10月18日), opening a sentence or a clause
_ZH_GLUED_DAY = re.compile(r"(?:(?<=^)|(?<=[\n。，,；;：:、\s]))(?P<n>[1-9]\d{2,3})\s*[日号](?=\s*[\u4e00-\u9fff，,])")


def _glued_month_day(n: str) -> tuple[int, int] | None:
    """The one month and day a run of three or four digits can be (711 → 7-11; 111 is 1-11 or 11-1: none)."""
    splits = [(int(n[:k]), int(n[k:])) for k in (1, 2) if len(n) - k in (1, 2)]
    ok = {(mo, d) for mo, d in splits if 1 <= mo <= 12 and 1 <= d <= 31}
    return ok.pop() if len(ok) == 1 else None


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Every date expression in ``text[start:end]``, in text order, without overlaps."""
    end = len(text) if end is None else end
    seg = text[start:end]
    out: list[DateMention] = []
    taken = SpanIndex()  # (spans.py: the dates found near a new one, not all of them)

    def add(m: re.Match, dm: DateMention) -> None:
        s, e = m.start() + start, m.end() + start
        if taken.overlaps(s, e):
            return
        dm.start, dm.end, dm.text = s, e, text[s:e]
        taken.add(s, e, dm)
        out.append(dm)

    for m in _ISO.finditer(seg):
        add(m, DateMention(0, 0, int(m["y"]), int(m["m"]), int(m["d"])))
    for m in _NUM_DMY.finditer(seg):
        a, b = int(m["a"]), int(m["b"])
        d, mo = (b, a) if b > 12 >= a else (a, b)
        if 1 <= mo <= 12 and 1 <= d <= 31:
            add(m, DateMention(0, 0, int(m["y"]), mo, d))
    for m in (_NUM_DM_Y.finditer(seg) if len(seg) <= 160 else ()):  # a header line's format ("Posted: 19 03,2023")
        a, b = int(m["a"]), int(m["b"])
        d, mo = (b, a) if b > 12 >= a else (a, b)
        if 1 <= mo <= 12 and 1 <= d <= 31:
            add(m, DateMention(0, 0, int(m["y"]), mo, d))
    for m in _ROC_DAY.finditer(seg):  # Taiwan's Republic of China years: 112年12月19日, 112/12/19 (= 2023)
        add(m, DateMention(0, 0, int(m["y"]) + 1911, int(m["m"]), int(m["d"])))
    for m in (_ZH_NUM_DAY.finditer(seg) if "月" in seg else ()):  # 一月十日, 十二月二十五日 (written in numerals)
        mo, d = _zh_num(m["m"]), _zh_num(m["d"])
        # a year in numerals too (二零二四年二月二十日)
        y = int("".join(str("〇一二三四五六七八九".index(c)) if c != "零" else "0" for c in m["y"])) if m["y"] else None
        if 1 <= mo <= 12 and 1 <= d <= 31:
            add(m, DateMention(0, 0, y if y and 1900 <= y <= 2100 else None, mo, d))
    for m in (_ZH_DAY.finditer(seg) if "月" in seg else ()):  # (every Chinese date has 月)
        y = m["y0"] or m["y1"]
        add(m, DateMention(0, 0, int(y) if y else None, int(m["m0"]), int(m["d0"]),
                           is_range=bool(m["d1"]), year_written=bool(y)))
    for m in (_ZH_GLUED_DAY.finditer(seg) if "日" in seg or "号" in seg else ()):
        md = _glued_month_day(m["n"])
        if md:
            add(m, DateMention(0, 0, None, md[0], md[1], year_written=False))
    stamp = len(seg) <= 160  # a site's date stamp stands on a header line of its own
    for m in (_STAMP_MDY.finditer(seg) if stamp else ()):
        mon = _month(m["m"] or m["m2"])
        if mon:
            add(m, DateMention(0, 0, int(m["y"] or m["y2"]), mon, _day(m["d"] or m["d2"])))
    for m in (_STAMP_YMD.finditer(seg) if stamp else ()):
        mon = _month(m["m"])
        if mon:
            add(m, DateMention(0, 0, int(m["y"]), mon, _day(m["d"])))
    for m in _EN_MDY_GLUED.finditer(seg):
        add(m, DateMention(0, 0, int(m["y"]), _month(m["m"]), _day(m["d"])))
    for rx in (_EN_DMY, _EN_MDY):
        for m in rx.finditer(seg):
            mon = _month(m["m0"]) or _month(m["m1"])
            if not mon:
                continue
            if rx is _EN_DMY and not m["m0"] and not m["d1"]:
                continue  # a bare number
            y = m["y0"] or m["y1"]
            add(m, DateMention(0, 0, int(y) if y else None, mon, _day(m["d0"]),
                               is_range=bool(m["d1"]), year_written=bool(y)))
    for m in (_ZH_MONTH.finditer(seg) if "月" in seg else ()):
        add(m, DateMention(0, 0, int(m["y"]), int(m["m"]), None, "month"))
    for m in _MONTH_YEAR.finditer(seg):
        add(m, DateMention(0, 0, int(m["y"]), _month(m["m"]), None, "month"))
    copyright_line: dict[tuple[int, int], bool] = {}  # (each line read once: a text of one long line was quadratic)
    for m in _YEAR_RE.finditer(seg):
        after = seg[m.end():m.end() + 12]
        ls, le = last_of(seg, "\n", m.start()) + 1, next_of(seg, "\n", m.end(), -1)
        line = (ls, le)
        if line not in copyright_line:
            copyright_line[line] = bool(_COPYRIGHT.search(seg[ls:le if le != -1 else len(seg)]))
        if copyright_line[line]:
            continue  # a copyright line's year is no date of the news
        # "2+2", "ICIIP 2022" are fine as years; "2024 students" is a count, not a year
        if re.match(r"\s*(?:students|participants|people|members|scholars)\b|\s*[名人位所个余多项篇家次万千百件元米平吨份]",
                    after):
            continue  # a count ("2024 students", "2000余名")
        add(m, DateMention(0, 0, int(m["y"]), None, None, "year"))
    out.sort(key=lambda x: x.start)
    return out


# ---------------------------------------------------------------------------------------
_PUB_LABEL = re.compile(
    r"^\s*(?:By\b|Posted\b|Published\b|Release[d]?\b|Date\b|Time\b|Updated\b|发布时间|发布日期|发表时间|"
    r"时间|日期|发稿时间|更新时间|보도일자?|작성일자?|등록일자?|게시일자?|날짜|日付|投稿日|掲載日|公開日)", re.I)


STRUCTURED = ("meta", "jsonld", "time", "itemprop", "feed")  # how a source read a date it can vouch for
# a first line that is a section's name and the day of the piece ("General News of Thursday, 14 January 2021")
_SECTION_STAMP = re.compile(r"\s*(?:[A-Z][\w&'’-]*\s+){1,4}of\s+(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+\d{1,2}\s+[A-Z][a-z]+,?\s+(?:19|20)\d\d\s*$")
_TITLE_STAMP = re.compile(r"(?P<d>(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*[\]】）)]?\s*$")


def published_date(header_lines: list[tuple[int, str]], meta_date: dt.date | None, text: str, *,
                   trusted: bool = False, site_lines: list[tuple[int, str]] | None = None,
                   title: tuple[int, int] | None = None, dateline: tuple[int, int] | None = None) -> str | None:
    """The publication date: the page's own metadata when ``trusted`` (a meta tag, a <time>, a feed's
    date), else a labelled header line (the byline), else the source's date, else the first full
    date in the header lines, in the page's furniture above the title ("2017.10.30About KUT / …"),
    stamped at the end of the title ("…held2015-11-05 15:14:00"), or a dateline of a date alone. A
    footer's copyright year is never one (only the page's top is read)."""
    if trusted and meta_date:
        return meta_date.isoformat()

    def first_day(off: int, end: int) -> str | None:
        for dm in find_dates(text, off, end):
            if dm.precision == "day" and dm.y and dm.date():
                return dm.date().isoformat()
        return None

    for off, line in header_lines:
        if _PUB_LABEL.match(line):
            d = first_day(off, off + len(line))
            if d:
                return d
    if meta_date:
        return meta_date.isoformat()
    for off, line in [*header_lines, *(site_lines or [])]:
        d = first_day(off, off + len(line))
        if d:
            return d
    if title and re.match(r"\s*(?:date|posted|published|updated|release\s+date)\s*[:：]?\s*\d", text[title[0]:title[1]], re.I):
        d = first_day(title[0], title[1])  # " date 2018-12-01 Share:": the first line is the page's stamp, no title
        if d:
            return d
    if title and _SECTION_STAMP.match(text, title[0], title[1]):
        d = first_day(title[0], title[1])  # "General News of Thursday, 14 January 2021": a news site's section stamp
        if d:
            return d
    if title:
        m = _TITLE_STAMP.search(text, title[0], title[1])
        if m:
            d = first_day(m.start("d"), m.end("d"))
            if d:
                return d
    if dateline and not re.match(r"\s*[A-Z][A-Za-z .'’-]{1,40}?,", text[dateline[0]:dateline[1]]):
        return first_day(*dateline)
    return None


def _fill_year(dm: DateMention, ref: dt.date) -> None:
    """Give a year-less day the year that puts it nearest on or before ``ref`` (+3 days)."""
    best = None
    for y in (ref.year, ref.year - 1, ref.year + 1):
        try:
            d = dt.date(y, dm.m, dm.d)
        except ValueError:
            continue
        delta = (ref - d).days
        score = delta if delta >= -PLAUSIBLE_AFTER else 10_000 - delta
        if best is None or score < best[0]:
            best = (score, y)
    if best:
        dm.y = best[1]
        dm.notes.append(f"year {best[1]} inferred from reference date {ref.isoformat()}")


def _plausible(d: dt.date, ref: dt.date) -> bool:
    return -PLAUSIBLE_AFTER <= (ref - d).days <= PLAUSIBLE_BEFORE


def _year_votes(mentions: list[DateMention], header_year: int | None) -> dict[int, int]:
    votes: dict[int, int] = {}
    for dm in mentions:
        if dm.y and dm.year_written:
            votes[dm.y] = votes.get(dm.y, 0) + 1
    if header_year:
        votes[header_year] = votes.get(header_year, 0) + 2
    return votes


def _correct_year(dm: DateMention, ref: dt.date, votes: dict[int, int]) -> None:
    """A written year that puts the day far from publication, where the publication's year
    (or the one before) fits and the text supports that year more: the year is a typo."""
    d = dm.date()
    if d is None or _plausible(d, ref):
        return
    for y in (ref.year, ref.year - 1):
        try:
            alt = dt.date(y, dm.m, dm.d)
        except ValueError:
            continue
        if _plausible(alt, ref) and votes.get(y, 0) > votes.get(dm.y, 0):
            dm.notes.append(f"written year {dm.y} outvoted by {y} (header and body)")
            dm.y = y
            return


_REVIEW = re.compile(
    r"(?:\bthe\s+year\s+(?P<y1>(?:19|20)\d\d)\s+(?:saw|witnessed|was)|\b(?:in|during|throughout)\s+"
    r"(?P<y2>(?:19|20)\d\d),?\s+the\s+(?:university|school|college)|\b(?P<y3>(?:19|20)\d\d)\s+(?:in\s+review|"
    r"annual\s+report)|(?P<y4>(?:19|20)\d\d)年(?:度|全年|工作总结|.{0,6}回顾))", re.I)


_RECENTLY = re.compile(r"近日|日前|近期|不久前")


@dataclass
class EventDate:
    value: str | None
    start: int | None = None
    end: int | None = None
    text: str = ""
    method: str = ""
    confidence: float = 0.0
    notes: list[str] = field(default_factory=list)


def _range_end(text: str, dm: DateMention) -> dt.date | None:
    """The last day of a range mention ("July 10 to July 27", "10th to 30th July 2016", "1月15日至2月2日")."""
    for rx in (_EN_MDY, _EN_DMY, _ZH_DAY):
        m = rx.match(text, dm.start)
        if m and m.end() == dm.end and m.groupdict().get("d1"):
            mon = m.groupdict().get("m1")
            month = (int(mon) if mon and mon.isdigit() else _month(mon)) if mon else dm.m
            try:
                end = dt.date(dm.y, month, _day(m["d1"]))
            except (TypeError, ValueError):
                return None
            return end if end >= dm.date() else None
    return None


def _range_holding(text: str, day: DateMention, ranges: list[DateMention]) -> DateMention | None:
    """A range that starts before ``day`` and runs through it."""
    d = day.date()
    for r in ranges:
        start = r.date()
        end = _range_end(text, r)
        if start and end and start < d <= end:
            return r
    return None


_FULL_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_THIS_MONTH = re.compile(rf"\b(?P<w>this|last)\s+(?P<m>{_FULL_MONTH})\b(?!\s*,?\s*(?:19|20)\d\d)", re.I)
# a stay of a semester or more: its start may lie most of a year before the report of its end
_LONG_STAY = re.compile(r"\b(?:semesters?|six-month|one-year|year-long|(?:six|nine|twelve)\s+months)\b", re.I)
_LAST_WEEK = re.compile(r"\blast\s+week\b", re.I)
_STAMP_LABEL = re.compile(r"(?:\bdatetime|\bdate|\btime|\bposted|\bpublished|\bupdated|(?:publish|release|post)(?:ed)?\s*(?:time|date)|"
                          r"发布时间|发布日期|日期|时间|"
                          # Korean and Japanese sites' labels (report, written, registered, posted date; 日付, 投稿日, 掲載日)
                          r"보도일자?|작성일자?|등록일자?|게시일자?|날짜|日付|投稿日|掲載日|公開日)\s*[:：]?\s*$", re.I)


# a date labelled as the page's last change ("Updated: 2025-01-05", "Last modified 3 May 2024", 更新时间): never the event's
_UPDATED_LABEL = re.compile(r"(?:\b(?:last\s+)?(?:updated|modified|revised|edited)(?:\s+(?:on|at))?|\bupdate\s*(?:time|date)|"
                            r"更新时间|更新日期|修改时间|修改日期|最后更新)\s*[:：]?\s*$", re.I)


def _updated_stamp(text: str, dm: DateMention) -> bool:
    """Whether the date's own line labels it as the page's last change, within 40 characters before it (a bounded
    look back: last_of's list of marks is kept for one text at a time, and the callers' texts alternate)."""
    lo = max(0, dm.start - 40)
    line = text.rfind("\n", lo, dm.start)
    return bool(_UPDATED_LABEL.search(text, line + 1 if line >= 0 else lo, dm.start))


# a credit line's labels (source, author, editor): a full date ending such a line is the page's stamp
_CREDIT_LABEL = re.compile(r"(?:来源|作者|编辑|责任编辑|审核|审稿|供稿|撰稿|\b(?:Source|Author|Editor|Written\s+by))\s*[:：]", re.I)


def _stamp(text: str, dm: DateMention) -> bool:
    """Whether a date in the body is the page's own stamp: labelled ("Datetime:", "date") or alone on its line."""
    ls = max(last_of(text, "\n", dm.start) + 1, dm.start - 60)
    le = min(next_of(text, "\n", dm.end, len(text)), dm.end + 60)
    before, after = text[ls:dm.start], text[dm.end:le]
    # (a time and a view counter may follow the stamp: "Tue, Apr 30 2024 11:54 times", "2023-05-06 10:21 Views: 35")
    after = re.sub(r"^[ \t]*\d{1,2}:\d{2}(?::\d{2})?", "", after)
    after = re.sub(r"(?i:\b(?:views?|hits|clicks|reads|times|visits)\b)[ \t:：]*\d*", "", after)
    # (or set apart at the end of the title's line by a wide space: "A New Centre Opens  Jul 08, 2016")
    return bool(_STAMP_LABEL.search(before)) or not (before + after).strip(" \t|·-") or \
        (bool(re.search(r"\S(?: {2,}|\t)$", before)) and not after.strip()) or \
        (not after.strip(" \t|·-") and bool(_CREDIT_LABEL.search(before)))  # "来源:某社 责任编辑:某某 2022-07-01 10:54"


def body_stamp(text: str, paragraphs: list[tuple[int, int]]) -> str | None:
    """The page's date stamp written in its first paragraphs when no header line gives one: a full date labelled
    ("Datetime:2010-10-10", " date 2019-11-03 …") or alone on its line ("2024.11.06")."""
    for ps, pe in paragraphs:
        if ps > 800:
            break
        for dm in find_dates(text, ps, min(pe, 1500)):
            if dm.precision == "day" and dm.y and dm.date() and _stamp(text, dm):
                return dm.date().isoformat()
    return None


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# a day named relative to the publication: "yesterday", "on Tuesday", "here Monday", "last Monday" (not "Monday, 20
# March", which writes the date)
_REL_DAY = re.compile(r"\b(?:(?P<y>yesterday)|(?P<w>[Ll]ast|[Tt]his|[Pp]ast|on|here)\s+(?P<d>Monday|Tuesday|Wednesday|Thursday|"
                      r"Friday|Saturday|Sunday)\b(?!\s*,?\s*(?:\d|January|February|March|April|May|June|July|August|"
                      r"September|October|November|December)))")


# a Chinese wire report's dateline ("新华社香港7月1日电") and, later in its sentence, the event's day of the month alone
# ("…30日以在线形式举办", "记者20日从…获悉")
_BARE_ZH_DAY = re.compile(r"(?<![\d月至到~～\-–—])(?P<d>[12]\d|3[01]|[1-9])\s*日(?![电讯])")


def _wire_day(text: str, day: DateMention) -> EventDate | None:
    """The day a Chinese wire dateline's sentence names by its number alone: in the dateline's month, or the month
    before when the number is past the dateline's day."""
    d0 = day.date()
    if d0 is None or day.is_range or not text.startswith("电", day.end):
        return None
    stop = text.find("。", day.end + 1, day.end + 121)
    m = _BARE_ZH_DAY.search(text, day.end + 1, stop if stop >= 0 else min(len(text), day.end + 121))
    if not m:
        return None
    n = int(m.group("d"))
    y, mon = (d0.year, d0.month) if n <= d0.day else ((d0.year, d0.month - 1) if d0.month > 1 else (d0.year - 1, 12))
    try:
        d = dt.date(y, mon, n)
    except ValueError:
        return None
    return EventDate(d.isoformat(), m.start(), m.end(), m.group(0), "the day a wire dateline's sentence names", 0.8)


# words that make the day after them an end ("until", "runs through", "closes on", "deadline", 截至)
_END_BEFORE = re.compile(r"(?:\b(?:until|till|(?:runs?|lasts?|continues?)\s+(?:through|to)|(?:ends?|closes?|concludes?)\s+on|"
                         r"deadline(?:\s+is)?|no\s+later\s+than|by)\s*[:：]?\s*(?:the\s+)?(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?"
                         r"|截至|截止(?:日期|时间)?[:：]?\s*)$", re.I)


def _relative_day(text: str, pub: dt.date | None, paragraphs: list[tuple[int, int]]) -> EventDate | None:
    """The day a lead names relative to the publication date (see _REL_DAY), or None."""
    if pub is None or not paragraphs:
        return None
    rel = _REL_DAY.search(text, paragraphs[0][0], min(len(text), paragraphs[0][0] + 600))
    if not rel:
        return None
    if rel.group("y"):
        d, how = pub - dt.timedelta(days=1), "yesterday: the day before publication"
    else:
        back = (pub.weekday() - _WEEKDAYS.index(rel.group("d").lower())) % 7
        if back == 0 and (rel.group("w") or "").lower() in ("last", "past"):
            back = 7
        d, how = pub - dt.timedelta(days=back), "a weekday: the latest one up to publication"
    return EventDate(d.isoformat(), rel.start(), rel.end(), rel.group(0), how, 0.6)


_EN_MONTH_ALONE = re.compile(
    r"\b(?:in|at|by|since|from|during|through|throughout|until|till)\s+(?:the\s+)?(?:(?:early|mid|late|end\s+of|beginning\s+of|"
    r"start\s+of|middle\s+of|(?:first|second|latter)\s+half\s+of)[-\s]+(?:the\s+month\s+of\s+)?)?"
    rf"(?P<m>{_FULL_MONTH})\b(?![-\s]*\d)(?!,?\s*(?:19|20)\d\d)(?!\s+of\s+(?:19|20)\d\d)")
_ZH_MONTH_ALONE = re.compile(r"(?<![\d年一二三四五六七八九十个〇零./-])(?P<m>1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])\s*月"
                             r"(?:上旬|中旬|下旬|初|底|末|中|份)?(?![\d一二三四五六七八九十日号])")
_AHEAD = re.compile(r"\b(?:will|shall|next|plans?|planned|planning|upcoming|scheduled|expected|due)\b|将|计划|拟|预计|下|将于|即将",
                    re.I)


def _yearless_month(text: str, paragraphs: list[tuple[int, int]], ref: dt.date):
    """Months the body writes without a year and without a day, in text order, each given the year that puts its
    first day on or before ``ref`` (and within ``PLAUSIBLE_BEFORE`` days of it); none the text looks ahead to."""
    for ps, pe in paragraphs:
        for rx in (_EN_MONTH_ALONE, _ZH_MONTH_ALONE):
            for m in rx.finditer(text, ps, pe):
                g = m.group("m")
                mon = _month(g) if g.isascii() and not g.isdigit() else _zh_num(g)
                lo = max(ps, m.start() - 60)
                sent_start = max([text.rfind(c, lo, m.start()) + 1 for c in ".。!?！？\n"] + [lo])
                if _AHEAD.search(text, sent_start, m.start()):
                    continue
                y = ref.year if mon <= ref.month else ref.year - 1
                if (ref - dt.date(y, mon, 1)).days > PLAUSIBLE_BEFORE:
                    continue
                yield DateMention(m.start(), m.end(), y, mon, None, precision="month", text=m.group(0))


def event_date(text: str, *, published: str | None, header_lines: list[tuple[int, str]],
               dateline: tuple[int, int] | None, paragraphs: list[tuple[int, int]]) -> EventDate:
    """The date the reported event began (see the module docstring)."""
    pub = dt.date.fromisoformat(published) if published and len(published) == 10 else None
    year_end_ref = False  # the reference is only the end of the latest year written with a month or a day
    body_mentions: list[tuple[int, DateMention]] = []
    for i, (ps, pe) in enumerate(paragraphs):
        for dm in find_dates(text, ps, pe):
            if pub is not None and dm.precision == "day" and dm.date() == pub and _stamp(text, dm):
                continue  # the page's own date stamp in the body ("Datetime:2010-10-10", a line of a date alone)
            if _updated_stamp(text, dm):
                continue  # when the page was last changed, not when anything happened
            body_mentions.append((i, dm))
        if pub is not None:
            for m in re.finditer(r"本月(\d{1,2})[日号]", text[ps:pe]):  # 本月15日: a day of the publication's month
                d = int(m.group(1))
                if 1 <= d <= 31:
                    dm = DateMention(ps + m.start(), ps + m.end(), pub.year, pub.month, d, text=m.group(0))
                    body_mentions.append((i, dm))
    body_mentions.sort(key=lambda x: (x[0], x[1].start))  # (once: sorted after every paragraph, the work grew with its square)
    dl = None
    if dateline:
        for i, dm in body_mentions:
            if dateline[0] <= dm.start < dateline[1] and dm.precision == "day":
                dl = dm
                break
    header_year = pub.year if pub else None
    votes = _year_votes([dm for _, dm in body_mentions if dm is not dl], header_year)
    ref = pub
    if ref is None and dl is not None and dl.y and dl.date():
        ref = dl.date()
    if ref is None:
        for _, dm in body_mentions:
            if dm.precision == "day" and dm.y and dm.date():
                ref = dm.date()
                break
    if ref is None:
        # no date with a year anywhere: a day without one takes the latest year the text writes before it
        # ("2013 LZU International Summer Program was held from July 28 …", "in April and June 2023 … between
        # April 11th and 22nd"; a range of years "2013-2014" counts by its first); a year written nowhere
        # stays unknown
        years = [(m.start(), int(m.group(1))) for m in _ANY_YEAR.finditer(text)]
        for i, dm in body_mentions:
            if dm.precision == "day" and dm.y is None and dm.m:
                # an academic year written in the day's paragraph ("On 5 September … the winter semester 2023/24", "the
                # second semester 2016-17 … will start on 6 February"): autumn days are its first year, spring days its
                # second
                ps, pe = paragraphs[i] if i < len(paragraphs) else (0, len(text))
                ac = _ACADEMIC_YEAR.search(text, max(0, ps - 300) if i > 0 else 0, pe)
                if ac and dm.m not in (6, 7):  # (June and July lie between two academic years: no telling)
                    dm.y = int(ac.group(1)) + (0 if dm.m >= 8 else 1)
                    dm.notes.append(f"year {dm.y}: the academic year {ac.group(0)} written with it")
                    if dm.date():
                        ref = dm.date()
                        break
            if dm.precision == "day" and dm.y is None:
                before = [y for p, y in years if p < dm.start]
                if not before:
                    # "6月3日,副校长主持召开了2020年…推进会": a year written later in the same Chinese sentence
                    # "On July 17, the opening of 2023 Experience China Summer Program was held": a year that opens the
                    # title of the event later in the same English sentence
                    se = next_of(text, "。\n", dm.end, len(text))
                    se_en = next_of(text, ".\n", dm.end, len(text))
                    before = [y for p, y in years if dm.end <= p < se and _ZH_YEAR_OPENS.match(text, p) or
                              dm.end <= p < se_en and re.match(r"\d{4}[ \t]+[A-Z][a-z]", text[p:p + 7])][:1]
                if not before and CJK.search(text, dm.start, dm.end):
                    # "5月13日至21日，…访问了…。…共同申请“2015年…计划项目”": no year before it and none in its sentence, a
                    # year written later in its paragraph as a year of something (2015年…, not 自2008年以来 or 2015级)
                    ps, pe = paragraphs[i] if i < len(paragraphs) else (0, len(text))
                    before = [y for p, y in years if dm.end <= p < min(pe, dm.end + 300) and _ZH_YEAR_OF.match(text, p)
                              and not _ZH_SINCE.search(text, max(0, p - 3), p)][:1]
                if before:
                    dm.y = max(before)  # the latest: background years ("since 2020", "founded in 1952") are older
                    dm.notes.append(f"year {dm.y}: the latest year written before it")
                    if dm.date():
                        ref = dm.date()
                        break
    if ref is None:
        # no publication date and no full date: the last day of the latest year the text writes with a month or
        # a day (a report written that year), else the year it names most
        yrs = [dm.y for _, dm in body_mentions if dm.y and dm.year_written and dm.precision in ("day", "month")]
        if yrs:
            ref = dt.date(max(yrs), 12, 31)
            year_end_ref = True
    if ref is None:
        # nothing in the body to reckon from: the latest day the header writes with its year (an issue's span,
        # "Newsletter No. 45 (2009.07.01~2009.08.31)", gives its last day)
        hdays = [dm for off, line in header_lines for dm in find_dates(text, off, off + len(line))
                 if dm.precision == "day" and dm.y and dm.date()]
        for dm in hdays:
            end = _range_end(text, dm) if dm.is_range else None
            d = end or dm.date()
            if ref is None or d > ref:
                ref = d
    if ref is None and not any(dm.precision == "day" for _, dm in body_mentions) and votes:
        y = max(votes, key=lambda k: (votes[k], k))
        return EventDate(str(y), method="the year the text names most (no date in the text)", confidence=0.4)
    if ref is None:
        return EventDate(published, method="no dates in the text", confidence=0.2)
    days: list[tuple[int, DateMention]] = []
    for i, dm in body_mentions:
        if dm.precision != "day":
            continue
        if dm.y is None:
            _fill_year(dm, ref)
        else:
            _correct_year(dm, ref, votes)
        d = dm.date()
        if d and _plausible(d, ref):
            days.append((i, dm))
    body_days = [(i, dm) for i, dm in days if dm is not dl]
    ends = [(i, dm) for i, dm in body_days if not dm.is_range and _END_BEFORE.search(text, max(0, dm.start - 40), dm.start)]
    if ends:
        # "The programme will last until August 4, 2018": the day something ends is not when it began; a text whose
        # only days are such ends gives the event's year alone
        if len(ends) == len(body_days):
            last = max(dm.date() for _, dm in ends)
            return EventDate(str(last.year), ends[0][1].start, ends[0][1].end, ends[0][1].text,
                             "the year of the day the event lasts until (its start not given)", 0.5)
        body_days = [x for x in body_days if x not in ends]
    if CJK.search(text):
        # a Chinese page's line that holds only a full date ("• 2014-01-13") is the page's stamp, not the event's day,
        # when the text gives another day
        alone = [(i, dm) for i, dm in body_days if dm.year_written is not False and re.fullmatch(
            r"[\s•·*\-]*", text[last_of(text, "\n", dm.start - 1) + 1:dm.start]) and re.fullmatch(
            r"\s*", text[dm.end:next_of(text, "\n", dm.end, len(text))])]
        if alone and len(alone) < len(body_days):
            body_days = [x for x in body_days if x not in alone]
    for dm in ([dl] if dl is not None else []) + [dm for _, dm in body_days[:4]]:  # (a stamp line may come first)
        wire = _wire_day(text, dm)
        if wire is not None:
            return wire
    if body_days:
        first_par = min(i for i, _ in body_days)
        lead = [dm for i, dm in body_days if i == first_par]
        best = min(lead, key=lambda x: (x.date(), x.start))
        if pub is not None and best.date() == pub and best.start - paragraphs[first_par][0] < 40 and len(body_days) == 1:
            # the lead's only day is its dateline's ("KOTA KINABALU (April 4): … yesterday"): a day it names relative
            # to it is the event's
            rel = _relative_day(text, pub, paragraphs)
            if rel is not None:
                return rel
        # a day inside a range the body gives ("the closing ceremony on July 27" of a programme "running from
        # July 10 to July 27"): the event began on the range's first day
        span = _range_holding(text, best, [dm for _, dm in days if dm.is_range and dm is not best])
        if span is not None:
            return EventDate(span.date().isoformat(), span.start, span.end, span.text,
                             "first day of the range that holds the lead's day", 0.8, span.notes)
        return EventDate(best.date().isoformat(), best.start, best.end, best.text,
                         "earliest day in the first dated paragraph" + (" (range start)" if best.is_range else ""),
                         0.9, best.notes)
    # no day in the body: a day named relative to the publication ("yesterday", "on Tuesday", "signed here Monday",
    # "last Monday") in the lead, a year under review, the dateline, a month
    rel = _relative_day(text, pub, paragraphs)
    if rel is not None and (dl is None or not dl.date() or dl.date().isoformat() >= rel.value):
        return rel
    review = _REVIEW.search(text, paragraphs[0][0] if paragraphs else 0)
    if review:
        y = next(g for g in review.groups() if g)
        return EventDate(y, review.start(), review.end(), review.group(0), "year under review", 0.7)
    if dl is not None and dl.date() and _plausible(dl.date(), ref):
        return EventDate(dl.date().isoformat(), dl.start, dl.end, dl.text, "dateline", 0.75, dl.notes)
    months = [dm for _, dm in body_mentions if dm.precision == "month" and dm.y]
    long_stay = bool(_LONG_STAY.search(text))
    for dm in months:
        first = dt.date(dm.y, dm.m, 1)
        if -31 <= (ref - first).days <= (PLAUSIBLE_BEFORE if not long_stay else 366) or (year_end_ref and dm.y == ref.year):
            # ("in January 2020" on a page with no other date: the month is the event's)
            return EventDate(dm.iso(), dm.start, dm.end, dm.text, "month in the body", 0.5)
    # a month written without its year ("since the end of October", "in mid-May", 8月上旬): the latest such month on
    # or before the reference, unless the text looks ahead to it
    for dm in _yearless_month(text, paragraphs, ref):
        return EventDate(dm.iso(), dm.start, dm.end, dm.text, "a month without its year, before the reference", 0.45)
    # "this September", "last March": the month of the publication's year (or the year before)
    rm = _THIS_MONTH.search(text, paragraphs[0][0] if paragraphs else 0)
    if rm and pub is not None:
        mon = _month(rm.group("m"))
        y = pub.year if rm.group("w").lower() == "this" or mon < pub.month else pub.year - 1
        return EventDate(f"{y}-{mon:02d}", rm.start(), rm.end(), rm.group(0), "a month of this or last year", 0.5)
    # "近日" (recently), "日前": the text does not say the day; the year it names in the lead, else the publication's
    lead = text[paragraphs[0][0]:paragraphs[0][1]] if paragraphs else ""
    if _RECENTLY.search(lead[:40]):
        lead_years = [dm.y for dm in find_dates(text, paragraphs[0][0], paragraphs[0][1]) if dm.y and dm.year_written]
        y = lead_years[0] if lead_years else ref.year
        return EventDate(str(y), method="a recent event whose day the text does not give", confidence=0.4)
    wm = _LAST_WEEK.search(text, paragraphs[0][0] if paragraphs else 0, (paragraphs[0][0] if paragraphs else 0) + 1500)
    if wm and pub is not None:
        d = pub - dt.timedelta(days=7)
        return EventDate(f"{d.year}-{d.month:02d}", wm.start(), wm.end(), wm.group(0), "the week before publication", 0.4)
    return EventDate(published, method="publication date (no event date in the text)", confidence=0.3)


# the scans of this module that open with \b, a look-behind or a capital, faster with the same matches
# (fastre.py)
(_ISO, _NUM_DMY, _ROC_DAY, _EN_DMY, _EN_MDY, _MONTH_YEAR, _COPYRIGHT, _REVIEW, _LONG_STAY, _REL_DAY, _STAMP_LABEL,
 _ZH_DAY, _ZH_NUM_DAY, _NUM_DM_Y) = (
    guarded(p) for p in (_ISO, _NUM_DMY, _ROC_DAY, _EN_DMY, _EN_MDY, _MONTH_YEAR, _COPYRIGHT, _REVIEW, _LONG_STAY,
                         _REL_DAY, _STAMP_LABEL, _ZH_DAY, _ZH_NUM_DAY, _NUM_DM_Y))


# more of this module's scans that open with \b, a look-behind or a repeated set, faster with the same matches
# (fastre.py)
(_EN_MDY_GLUED, _YEAR_RE, _UPDATED_LABEL, _STAMP_MDY, _STAMP_YMD, _END_BEFORE) = (
    guarded(p) for p in (_EN_MDY_GLUED, _YEAR_RE, _UPDATED_LABEL, _STAMP_MDY, _STAMP_YMD, _END_BEFORE))
