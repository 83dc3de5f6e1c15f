"""Numbers written in digits that count students, faculty, participants, programmes,
projects, agreements, partner institutions or countries.

"More than 150" is 150; "from 25 to 35" gives both. Not counted: dates and years,
durations, credits, papers, presentations, sessions, money, ordinals, "2+2", page views,
words for numbers. "N of them" / "N are …" count what the previous number counted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

WHAT_EN = [
    # (pattern over the noun phrase after the number, what)
    (r"(?:undergraduate\s+and\s+postgraduate\s+)?students?\s+and\s+(?:young\s+)?(?:teachers|faculty|staff)|"
     r"(?:teachers|faculty)\s+and\s+students|participants|attendees|scholars|delegates|guests|people|representatives|"
     r"presidents|leaders|officials|heads|deans|rectors",
     "participants"),
    (r"(?:partner\s+)?(?:universities|institutions|partners|universities\s+and\s+institutions|institutes|colleges|"
     r"higher\s+education\s+institutions|partner\s+schools)", "partners"),
    (r"countries(?:\s+and\s+regions)?|nations", "countries"),
    (r"(?:faculty(?:\s+members)?|teachers|professors|lecturers|staff(?:\s+members)?|researchers|experts|"
     r"visiting\s+scholars|trainees)", "faculty"),
    (r"students?|undergraduates|postgraduates|graduates|doctoral\s+candidates|candidates|pupils|places|"
     r"learners|alumni|interns|studentships", "students"),
    (r"(?:programs?|programmes?|courses|projects?)", "programs"),
    (r"(?:agreements?|MoUs?|memorand(?:a|ums?)(?:\s+of\s+understanding)?|contracts)", "agreements"),
]
_ADJ = (r"(?:(?:(?:undergraduate|graduate|postgraduate|master's|doctoral|bachelor's?)\s+and|PhD|Ph\.D\.|MSc|MBA|strategic|"
        r"registered|enrolled|current|university|college|new|more|young|international|foreign|overseas|outbound|inbound|exchange|undergraduate|postgraduate|"
        r"graduate|doctoral|master|master's|bachelor|degree|full-time|short-term|long-term|online|joint|partner|"
        r"cooperation|cooperative|research|academic|visiting|senior|junior|first-year|chinese|korean|local|"
        r"[A-Z]{2,6}|BISTU|other|additional|top|high-level|key|major|excellent|outstanding|selected|first|"
        r"engineering|business|language|summer|winter|semester|study\s+abroad|of\s+the|of\s+its|of\s+our|"
        r"of\s+whom|of\s+them)\s+){0,4}")
_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+|\d+)"
_DIGIT = re.compile(r"\d")
_QUAL = r"(?:(?:more\s+than|over|about|around|nearly|almost|approximately|up\s+to|at\s+least|a\s+total\s+of|some)\s+)?"
_NEVER_AFTER = re.compile(
    r"^\s*(?:\+|-(?:year|week|day|month)|%|percent|per\s*cent|years?|months?|weeks?|days?|hours?|minutes?|credits?|"
    r"papers?|presentations?|sessions?|workshops?|times?|pages?|views?|yuan|rmb|dollars?|euros?|usd|eur|million|"
    r"billion|st\b|nd\b|rd\b|th\b|:\d|\.\d|parallel|km|meters?|kg|square|sq|floors?|rooms?|labs?|laboratories|"
    r"members?\s+delegation|-member|person\s+delegation)", re.I)

WHAT_ZH = [
    (r"师生|人次|嘉宾|代表|专家学者|学者|(?:大学|高校)?(?:校长|书记|领导)|[\u4e00-\u9fff]{0,4}?(?:学生|研究生|本科生)(?:和|及|与)"
     r"(?:青年)?(?:教师|老师)|教师(?:和|及|与)学生", "participants"),
    (r"(?:所)?(?:高校|大学|院校|合作院校|合作伙伴|合作高校|海外高校|机构)", "partners"),
    (r"个?国家(?:和地区)?", "countries"),
    (r"(?:名)?(?:[\u4e00-\u9fff]{0,4}?教师|教职工|老师|专家|访问学者)", "faculty"),
    (r"(?:名|位)?(?:[\u4e00-\u9fff]{0,4}?)(?:学生|本科生|研究生|留学生|博士生|硕士生|毕业生|交换生|同学|新生|学历生|学员)|人",
     "students"),
    (r"(?:个|项)?(?:[\u4e00-\u9fff]{0,6}?)(?:研究项目|科研项目|合作项目)", "projects"),
    (r"(?:个|项)?(?:[\u4e00-\u9fff]{0,6}?)(?:项目|专业)", "programs"),
    (r"(?:份|项|个)?(?:[\u4e00-\u9fff]{0,6}?)(?:协议|备忘录)", "agreements"),
]


@dataclass
class CountHit:
    value: int
    what: str
    context: str
    start: int
    end: int
    method: str
    confidence: float


def _is_year(num: str, after: str, before: str) -> bool:
    n = int(num.replace(",", ""))
    if 1950 <= n <= 2100 and not re.match(r"\s*(?:students|participants|people|scholars)\b", after):
        return True
    return bool(re.search(r"(?:\d[./-]|[./-])$", before)) or bool(re.match(r"[./-]\d", after))


def _project_or_program(phrase: str) -> str:
    return "projects" if re.search(r"research|project", phrase, re.I) else "programs"


_NUMBER_FROM_TO = re.compile(r"number\s+of\s+(?P<noun>\w+)[^.]{0,60}?\bfrom\s+(?P<a>\d+)\s+to\s+(?P<b>\d+)")


def find_counts_en(text: str, start: int, sentences: list[tuple[int, int]]) -> list[CountHit]:
    out: list[CountHit] = []
    last_what = None
    for ss, se in sentences:
        if se <= start:
            continue
        sent = text[ss:se]
        # "from 25 to 35": the number of <noun> … from N to M
        rng = _NUMBER_FROM_TO.search(sent)
        range_nums = set()
        if rng:
            what = _what_en(rng.group("noun")) or "students"
            for g in ("a", "b"):
                out.append(CountHit(int(rng.group(g)), what, sent.strip(), ss + rng.start(g), ss + rng.end(g),
                                    "number of X from N to M", 0.7))
                range_nums.add(ss + rng.start(g))
        for m in (re.finditer(rf"(?<![\w.+\-/])(?:{_QUAL}){_NUM}(?![\w+\-]|\.\d|,\d)", sent) if _DIGIT.search(sent)
                  else ()):  # (every count has a digit: a sentence without one is not scanned)
            s = ss + m.start("num")
            if s in range_nums:
                continue
            num = m.group("num")
            before, after = sent[:m.start("num")], sent[m.end():]
            if _is_year(num, after, before) or _NEVER_AFTER.match(after):
                continue
            if re.search(r"(?:[A-Za-z]|ICIIP|COVID)[\s-]*$", before[-3:]) and not re.search(r"\s$", before):
                continue
            value = int(num.replace(",", ""))
            # "<noun> numbered N"
            nb = re.search(r"(\w+)\s+(?:numbered|totalled|totaled|reached|was|were)\s+$", before)
            what, method = None, ""
            am = re.match(rf"\s+{_ADJ}(?P<noun>[A-Za-z][\w\-]*(?:\s+(?:members|and\s+regions|and\s+(?:young\s+)?"
                          rf"(?:teachers|faculty|staff)|and\s+students|scholars|candidates))?)", after)
            if am:
                what = _what_en(am.group("noun"), after[:am.end() + 40])
                method = "number before a counted noun"
                if what == "programs":
                    what = _project_or_program(am.group(0))
            if what is None and nb:
                what = _what_en(nb.group(1))
                method = "noun numbered N"
            if what is None and re.match(r"\s+(?:of\s+(?:them|whom|these|those)|are|were|is|come|came|will)\b", after) \
                    and last_what:
                what, method = last_what, "N of them (what the previous number counted)"
            if what is None:
                continue
            out.append(CountHit(value, what, sent.strip(), s, ss + m.end("num"), method, 0.75))
            last_what = what
    return out


def _what_en(noun: str, context: str = "") -> str | None:
    noun = noun.strip()
    for pat, what in WHAT_EN:
        if re.fullmatch(pat, noun, re.I) or re.match(rf"(?:{pat})\b", noun, re.I):
            if what == "students" and re.match(r"\s*\S+\s+(?:and|&)\s+(?:young\s+)?(?:teachers|faculty|staff)",
                                               context[len(noun):] if False else context, re.I):
                return "participants"
            return what
    return None


def find_counts_zh(text: str, start: int, sentences: list[tuple[int, int]]) -> list[CountHit]:
    out: list[CountHit] = []
    for ss, se in sentences:
        if se <= start:
            continue
        sent = text[ss:se]
        for m in re.finditer(r"(?<![\d.])(?P<num>\d+)(?P<more>余|多)?(?![\d.])", sent):
            num = m.group("num")
            after = sent[m.end():m.end() + 14]
            before = sent[max(0, m.start() - 14):m.start()]
            if re.match(r"\s*(?:年|月|日|号|时|点|周|天|小时|分钟|学分|篇|场|次|%|\+|元|万|亿|届|期|岁|层|米|公里|号|级)", after):
                continue
            if re.search(r"[+\-－—~～至到]$", before) and re.match(r"[^\d]", before[-1:] or "x") and \
                    re.search(r"\d[+\-]$", before):
                continue
            value = int(num)
            what = None
            # number then measure word and noun: 18名本科生, 3个联合研究项目, 19个国家
            for pat, w in WHAT_ZH:
                if re.match(r"(?:余|多)?(?:名|位|个|所|项|份|人)?\s*(?:" + pat + ")", after):
                    what = w
                    break
            if what is None:
                # noun then number: 项目32个, 学生412人, 协议2份
                for pat, w in WHAT_ZH:
                    if w == "students" and re.search(r"(?:学生|留学生|本科生|研究生)[^，。]{0,4}$", before) and \
                            re.match(r"(?:余|多)?人", after):
                        what = w
                        break
                    if re.search(r"(?:" + pat + r")(?:共计?|总计|合计|达|约|为)?$", before) and \
                            re.match(r"(?:余|多)?(?:个|项|份|人|所|名|位)", after):
                        what = w
                        break
            if what is None and re.match(r"(?:余|多)?人", after):
                what = "students"
            if what is None:
                continue
            if what in ("programs",) and re.search(r"研究项目|科研项目", after + before):
                what = "projects"
            out.append(CountHit(value, what, sent.strip(), ss + m.start("num"), ss + m.end("num"), "number with a "
                                "measure word (zh)", 0.75))
    return out
