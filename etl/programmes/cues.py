"""Programme mentions in a news text: which partner, which kind of programme, with what mode and level.

Pure functions (no database): :func:`mentions` takes a document's text, the partners its facts
name (each with every form it goes by) and its schools, and returns one :class:`Mention` per
(partner or BISTU's own summer school, kind, variant) the text speaks of as a programme, with the
sentence that says it. The linker (link.py) matches them to records.

How a mention is found:

1. the text is cut into paragraphs and sentences (with their offsets);
2. a *cue* is a phrase that names a kind of programme: "3+1 program", "semester exchange",
   "winter camp", "joint laboratory", "中外合作办学", "暑期项目" … (tables below). A cue that is one
   item of a list of cooperation areas ("student exchange, joint research and …", the body of an
   MoU) names no programme and is dropped;
3. every occurrence of a partner's forms in a sentence that has cues takes the cue nearest to it
   (one kind in the sentence: that kind); a cue sentence that names no partner takes the partners
   of the one or two sentences before it in its paragraph, and in a document about a single
   partner, that partner;
4. "BISTU International Summer School" (and 国际暑期学校 at home) is BISTU's own inbound summer
   school: partners near it are senders, not hosts, and the mention is of that one record.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

HOME = "(home)"  # the partner key of BISTU's own inbound summer school

# kind, variant, pattern. Variants tell programmes of one partner apart: a winter camp and a summer
# school are two programmes, a research internship is not the semester exchange.
_EN = [
    ("joint_programme", None, r"[\"“”']?\b\d\s*\+\s*\d\b[\"“”']?(?:\s+(?:joint\s+)?(?:undergraduate\s+|master\s+|"
                              r"postgraduate\s+)?(?:program(?:me)?s?|pathways?|degree))?"),
    ("joint_programme", None, r"\bjoint\s+(?:undergraduate\s+|master(?:'s)?\s+|doctoral\s+|phd\s+|postgraduate\s+|"
                              r"degree\s+)*(?:training\s+)?program(?:me)?s?\b"),
    ("joint_programme", None, r"\bdouble\s+(?:master|degree|bachelor)(?:'s)?(?:\s+degree)?(?:\s+program(?:me)?s?)?"),
    ("joint_programme", None, r"\bdual[\s-]+degree(?:\s+program(?:me)?s?)?"),
    ("joint_programme", None, r"\bsino-foreign\s+cooperative\s+(?:\w+\s+){0,2}program(?:me)?s?\b"),
    ("joint_programme", None, r"\bjoint[\s-]+running\s+(?:educational\s+)?program(?:me)?s?\b"),
    ("exchange", "internship", r"\bresearch\s+internships?\b|\binternships?\s+abroad\b"),
    ("exchange", "semester", r"\b(?:semester|student)\s+exchange(?:\s+(?:program(?:me)?s?|agreements?|"
                             r"memorand(?:um|a)|study))?\b"),
    ("exchange", "semester", r"\bexchange\s+(?:program(?:me)?s?|students?|study)\b"),
    ("exchange", "semester", r"\bone[\s-]semester(?:\s+exchange)?\b|\bfor\s+one\s+semester\b|"
                             r"\bstudy\s+one\s+semester\b"),
    ("summer_school", "winter", r"\bwinter\s+(?:(?!and\b|or\b|summer\b)[a-z]+\s+){0,2}?(?:school|camp|program(?:me)?s?)\b"),
    ("summer_school", "summer", r"\b(?:online\s+)?summer\s+(?:(?!and\b|or\b|winter\b)[a-z]+\s+){0,2}?"
                                r"(?:school|camp|program(?:me)?s?)\b"),
    ("summer_school", None, r"\bshort[\s-]term\s+program(?:me)?s?\b|\bstudy\s+tours?\b"),
    ("visiting_scholar", None, r"\bvisiting\s+(?:scholars?|research(?:ers?)?|professors?\s+program(?:me)?)\b|"
                               r"\b(?:teaching\s+)?training\s+program(?:me)?s?\b"),
    ("research_centre", None, r"\bjoint\s+(?:research\s+)?(?:laborator(?:y|ies)|labs?|research\s+(?:cent(?:er|re)s?|"
                              r"groups?|institutes?)|innovation\s+cent(?:er|re)s?)\b|\binnovation\s+cent(?:er|re)\b"),
]
_ZH = [
    ("joint_programme", None, r"[“\"]?\d\s*[+＋]\s*\d[”\"]?(?:本科|硕士)?(?:联合培养|双学位)?项目?"),
    ("joint_programme", None, r"中外合作办学(?:项目|机构)?|合作办学项目|联合培养项目|双学位项目|合作举办的?[^，。；、]{0,20}?项目"),
    ("exchange", "internship", r"科研实习(?:项目)?"),
    ("exchange", "semester", r"学生交换(?:协议|项目)?|交换学习|交换生|交换学生|学期交换(?:项目)?|交换项目"),
    ("summer_school", "winter", r"寒假研修(?:项目)?|冬令营|冬季学校|寒假项目"),
    ("summer_school", "summer", r"暑期学校|暑期项目|暑期研修(?:项目)?|夏令营|暑假项目"),
    ("summer_school", None, r"短期研修(?:项目)?"),
    ("visiting_scholar", None, r"访问学者(?:项目)?|(?:教学|能力|师资)[^，。；]{0,6}培训(?:项目)?|培训项目"),
    ("research_centre", None, r"联合实验室|联合研究中心|联合创新中心|联合研究院"),
]
_HOME_EN = re.compile(r"\b(?:BISTU\s+(?:International\s+)?Summer\s+School|international\s+summer\s+school)\b", re.I)
_HOME_ZH = re.compile(r"(?:我校|北京信息科技大学)?国际暑期学校")
# a cue followed by another cooperation area: one item of a list ("student exchange, joint research and …")
_LIST_NEXT = re.compile(r"^\s*(?:,|，|、|;|和|及|与|and\b)\s*(?:the\s+)?(?:joint|faculty|staff|research|teacher|"
                        r"academic|postgraduate|scientific|合作|科研|教师|联合|学术)", re.I)

_HOST_KINDS = ("exchange", "summer_school", "visiting_scholar")  # kinds whose hosts a text may list apart
_BOTH_SIDES = re.compile(r"\b(?:two|both)\s+(?:sides|universities|parties|institutions|schools)\b|双方|两校", re.I)
# "winter and summer programs": a kind of programme in general, not one
_LIST_PREV = re.compile(r"\b(?:winter|summer)\s+(?:and|or)\s+$", re.I)
_LEVELS = [
    ("phd", re.compile(r"\b(?:doctoral|ph\.?\s?d|doctorate)\b|博士", re.I)),
    ("master", re.compile(r"\bmaster(?:'s)?\b|\bmsc\b|\bpostgraduate\b|硕士", re.I)),
    ("undergraduate", re.compile(r"\bundergraduate\b|\bbachelor(?:'s)?\b|本科", re.I)),
]
_MODE = re.compile(r"(?<![\d.])(\d)\s*[+＋]\s*(\d)(?![\d.])")

_CUES = {"en": [(k, v, re.compile(p, re.I)) for k, v, p in _EN], "zh": [(k, v, re.compile(p)) for k, v, p in _ZH]}


_ANY = re.compile("|".join(f"(?:{p})" for _k, _v, p in _EN) + "|" + _HOME_EN.pattern, re.I)
_ANY_ZH = re.compile("|".join(f"(?:{p})" for _k, _v, p in _ZH) + "|" + _HOME_ZH.pattern)


# every cue holds one of these words: a plain substring test rules most sentences out before any regex
_KEYWORDS = ("program", "exchange", "summer", "winter", "semester", "intern", "joint", "double", "dual", "+",
             "＋", "visiting", "training", "lab", "center", "centre", "research group", "study tour", "short",
             "项目", "交换", "暑期", "暑假", "寒假", "实验室", "中心", "培训", "访问学者", "研修", "夏令营", "冬令营",
             "中外合作", "研究院", "实习", "暑期学校", "冬季学校")


def _maybe(text: str) -> bool:
    low = text.casefold()
    return any(k in low for k in _KEYWORDS)


def any_cue(text: str) -> bool:
    """Whether a text names any kind of programme at all (most news do not: they are skipped at once)."""
    return _maybe(text) and bool(_ANY.search(text) or _ANY_ZH.search(unicodedata.normalize("NFKC", text)))


@dataclass(frozen=True)
class Cue:
    kind: str
    variant: str | None
    start: int
    end: int
    text: str
    home: bool = False


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


@dataclass
class Mention:
    """A programme the text speaks of: ``partner`` is a partner id (or HOME), kind and variant say
    which of its programmes; mode and level when the text gives them; evidence is the sentence."""

    partner: int | str | None
    kind: str
    variant: str | None
    sentence: str
    start: int  # the sentence's offsets in the text
    end: int
    cue: str
    mode: str | None = None
    level: str | None = None
    schools: set[int] = field(default_factory=set)
    how: str = "sentence"  # sentence | context (partner from the sentences before) | single partner | no partner
    counts: list[tuple[int, str]] = field(default_factory=list)  # (value, what) stated in the sentence


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their offsets; each line is a paragraph (news paragraphs are lines), and an
    abbreviation ("Prof.", "Dr.", "Co.") does not end a sentence."""
    out: list[Sentence] = []
    pos = 0
    for para, line in enumerate(text.splitlines(keepends=True)):
        if line.strip():
            for m in re.finditer(r"[^.!?。！？]+(?:[.!?。！？]+[”\"’)）]?|$)", line):
                s = m.group(0)
                if not s.strip():
                    continue
                lead = len(s) - len(s.lstrip())
                sent = Sentence(pos + m.start() + lead, pos + m.end(), s.strip(), para)
                if out and out[-1].paragraph == para and re.search(
                        r"(?:\b(?:Prof|Dr|Mr|Mrs|Ms|Co|Ltd|No|St|Inc|Univ|Dept|vs)|\b[A-Z])\.$", out[-1].text):
                    prev = out[-1]
                    out[-1] = Sentence(prev.start, sent.end, prev.text + " " + sent.text, para)
                else:
                    out.append(sent)
        pos += len(line)
    return out


def find_cues(sentence: str, lang: str) -> list[Cue]:
    """The programme cues of a sentence (list items dropped), longest first where they overlap."""
    s = unicodedata.normalize("NFKC", sentence) if lang == "zh" else sentence
    if not _maybe(s) or not (_ANY.search(s) or (lang == "zh" and _ANY_ZH.search(s))):
        return []  # most sentences name no programme: one search says so
    hits: list[Cue] = []
    home = _HOME_ZH if lang == "zh" else _HOME_EN
    for m in home.finditer(s):
        hits.append(Cue("summer_school", "summer", m.start(), m.end(), m.group(0), home=True))
    for kind, variant, rx in _CUES["zh" if lang == "zh" else "en"] + (_CUES["en"] if lang == "zh" else []):
        for m in rx.finditer(s):
            if (_LIST_NEXT.match(s[m.end():]) and kind == "exchange") or _LIST_PREV.search(s[:m.start()]):
                continue
            hits.append(Cue(kind, variant, m.start(), m.end(), m.group(0)))
    hits.sort(key=lambda c: (c.start, -(c.end - c.start)))
    out: list[Cue] = []
    for c in hits:
        if out and c.start < out[-1].end:  # overlaps the one before: keep the longer (home wins)
            if out[-1].home or (out[-1].end - out[-1].start) >= (c.end - c.start):
                continue
            out.pop()
        out.append(c)
    return out


def _forms_rx(forms: list[str]) -> re.Pattern | None:
    return _forms_rx_cached(tuple(sorted(set(forms))))


@functools.lru_cache(maxsize=4096)
def _forms_rx_cached(forms: tuple[str, ...]) -> re.Pattern | None:
    parts = []
    for f in sorted({f for f in forms if f and len(f.strip()) >= 2}, key=len, reverse=True):
        f = f.strip()
        if re.search(r"[\u4e00-\u9fff]", f):
            parts.append(re.escape(f))
        elif len(f) >= 3 or f.isupper():
            parts.append(r"(?<!\w)" + re.escape(f) + r"(?![\w-])")  # "BISTU-Siemens" names Siemens
    return re.compile("|".join(parts)) if parts else None


def _level(text: str) -> str | None:
    found = [name for name, rx in _LEVELS if rx.search(text)]
    return found[0] if len(found) == 1 else None


def _mode(text: str) -> str | None:
    modes = {f"{a}+{b}" for a, b in _MODE.findall(unicodedata.normalize("NFKC", text))}
    return modes.pop() if len(modes) == 1 else None


def mentions(text: str, lang: str | None, partners: dict[int, list[str]], schools: dict[int, list[str]] | None = None,
             counts: list[tuple[int, str, int]] | None = None) -> list[Mention]:
    """The programme mentions of a text. ``partners``: partner id → the forms it goes by (the
    document's partner facts); ``schools``: unit id → forms; ``counts``: (value, what, offset)."""
    lang = "zh" if lang == "zh" else "en"
    sents = split_sentences(text)
    prx = {pid: rx for pid, forms in partners.items() if (rx := _forms_rx(forms)) is not None}
    srx = {uid: rx for uid, forms in (schools or {}).items() if (rx := _forms_rx(forms)) is not None}
    # where each partner is named: sentence index → [(partner, offset in sentence)]
    named: dict[int, list[tuple[int, int, int]]] = {}
    for i, s in enumerate(sents):
        spans: list[tuple[int, int, int]] = []
        for pid, rx in prx.items():
            for m in rx.finditer(s.text):
                spans.append((m.start(), m.end(), pid))
        spans.sort(key=lambda x: (x[0], -(x[1] - x[0])))
        kept: list[tuple[int, int, int]] = []
        for sp in spans:  # "University of Sydney" inside "The University of Sydney": one mention
            if kept and sp[0] < kept[-1][1]:
                continue
            kept.append(sp)
        if kept:
            named[i] = kept
    out: dict[tuple, Mention] = {}

    def add(pid, cue: Cue, s: Sentence, how: str, around: str) -> None:
        key = (pid, cue.kind, cue.variant if cue.kind != "joint_programme" else None)
        mode = _mode(around) if cue.kind == "joint_programme" else None
        level = _level(around) if cue.kind == "joint_programme" else None
        m = out.get(key)
        if m is None:
            m = out[key] = Mention(pid, cue.kind, cue.variant, s.text, s.start, s.end, cue.text, mode, level, how=how)
        else:
            m.mode = m.mode or mode
            m.level = m.level or level
        m.schools |= {uid for uid, rx in srx.items() if rx.search(s.text)}
        for value, what, at in counts or ():
            if s.start <= at < s.end and (value, what) not in m.counts:
                m.counts.append((value, what))

    doc_partners = sorted({p for spans in named.values() for _, _, p in spans})
    cues_of = [find_cues(s.text, lang) for s in sents]
    borrowed: set[int] = set()  # cue sentences whose partner came from the sentences before
    for i, s in enumerate(sents):
        cues = cues_of[i]
        spans = named.get(i, [])
        for c in cues:
            if c.home:
                add(HOME, c, s, "sentence", s.text)
        plain = [c for c in cues if not c.home]
        if spans and cues:
            for a, b, pid in spans:
                # the nearest cue; on a tie the one after ("X的暑期项目", "X introduces its summer school")
                cue = min(cues, key=lambda c: (max(c.start - b, a - c.end, 0), c.start < a))
                if cue.home:
                    continue  # a sender of BISTU's own summer school
                add(pid, cue, s, "sentence", s.text[min(b, cue.start):max(a, cue.end)])
            continue
        if spans:  # partners without a cue: the cue of the sentence(s) just before, if it names no partner
            for j in (i - 1, i - 2):  # (a list of hosts after "… study abroad for one semester")
                if j < 0 or sents[j].paragraph != s.paragraph or j in named or j in borrowed:
                    break
                ctx_cues = [c for c in cues_of[j] if not c.home and c.kind in _HOST_KINDS]
                if ctx_cues:
                    for _a, _b, pid in spans:
                        for c in ctx_cues:
                            add(pid, c, s, "context", c.text)
                    break
            continue
        if not plain:
            continue
        # a cue and no partner here: the partners of the sentence(s) just before, in the same paragraph
        ctx: list[int] = []
        for j in (i - 1, i - 2):
            if j >= 0 and sents[j].paragraph == s.paragraph and j in named:
                ctx = sorted({p for _, _, p in named[j]})
                break
        how = "context"
        if not ctx and len(doc_partners) == 1 and _BOTH_SIDES.search(s.text):
            ctx, how = doc_partners, "single partner"
        if ctx:
            borrowed.add(i)
        for pid in ctx:
            for c in plain:
                add(pid, c, s, how, c.text)
        if not ctx:
            for c in plain:
                if c.kind == "joint_programme":
                    add(None, c, s, "no partner", s.text)
    return list(out.values())
