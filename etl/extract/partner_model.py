"""A small learned check on the partners the rules accept (issue 12), English pages.

The rules of ``engine.py`` and ``orgs.py`` decide which organisations of a page are partners. This module
describes each candidate by numbers that hold no text of the page: its kind, whether the registry or the known
organisations list knows it, whether a country is known (and is the home's), how often and where the page names
it (title, lead, position, only at the end, on short navigation-like lines), single lower-case cue words next to
its mentions (signed, visit, delegation, from, with …; 中文 cues mapped to the same words), whether it is named
in a person's role, how much of its name is the home's or generic words. A logistic regression over them
(feature names, means, scales, weights, threshold; fitted by ``bench/train_partner_model.py`` on the ``dev``
pages only and judged there by leave-one-university-out cross-validation against the rules alone) gives each
accepted candidate a probability; where ``partner_model.json`` lies beside this module, the engine drops those
under its threshold from the partners, into ``Extraction.excluded`` with ``review: True``, so that the loader
still puts an unknown name in the review queue as the rules would have. Inference is plain Python (a dot product
per candidate). ``COLLECT`` is the training script's hook (it then extracts with the rules alone).

The first model measured (``bench/results/partner_model.json``) beat the rules on the folds but dropped partners of
four paraphrased cases of earlier rounds and one of ``tests/heldout``. **The shipped model** (``partner_model.json``
here) is guarded: it judges only universities, institutes and NGOs (the kinds among which the folds found the rules'
false partners) and never drops a candidate the rules tie precisely (``guards``: named in a person's role or
affiliation, given a short form by the page, an embassy or consulate); its "guard" and "guard_kinds" say so, and a
model without them (the first one) judges every candidate (README, Performance).
"""
from __future__ import annotations

import json
import math
import re
from bisect import bisect_left
from functools import lru_cache
from pathlib import Path

from etl.extract.fastre import guarded as _fast_guarded
from etl.extract.orgs import _defines_acronym
from etl.resolve.registry import _GENERIC_WORDS

MODEL_PATH = Path(__file__).with_name("partner_model.json")

# the training hook (bench/train_partner_model.py): when a list, the engine appends (doc, name, features, status) of
# every organisation of a page, status "partner" for those the rules accept; and to GUARDS, in step, the guards
# (below) each candidate meets
COLLECT: list | None = None
GUARDS: list | None = None

# candidates a model with a "guard" list never drops, where the rules are precise: named in a person's role or
# affiliation ("Se Lin, dean of X College", "Wang Li, dean of the School of Y of X University", "X University's
# president"), given a short form by the page ("the Leibniz Foundation (the Foundation)", "National Taiwan University
# (NTU)"), a country's embassy or consulate, or of a kind listed in the model's "guard_kinds"
GUARD_NAMES = ("role", "short_form", "mission")
_ROLE_WORD = (r"(?:professor|president|vice[- ]president|dean|director|chair(?:man|woman)?|lecturer|researcher|head|"
              r"ceo|founder|ambassador|minister|secretary|chancellor|provost|rector|consul|fellow|scholar|officer|"
              r"manager|coordinator|representative|scientist|expert)s?")
# a role, then within the same clause and line (no sentence stop, no semicolon) "of [the] …" up to the mention
_AFFIL_BEFORE = re.compile(r"\b" + _ROLE_WORD + r"\b[^.;!?\n]{0,90}?\bof\s+(?:the\s+)?$", re.I)
_POSSESSIVE_ROLE = re.compile(r"\s*['’]s?\s+(?:\w+\s+){0,2}?" + _ROLE_WORD + r"\b", re.I)
_BRACKET = re.compile(r"\s*\(\s*(?:the\s+)?([A-Z][\w&'’-]*)\s*\)")
_MISSION = re.compile(r"\b(?:embassy|consulate)\b", re.I)

KINDS = ("university", "institute", "government", "ngo", "company", "other")
# single lower-case words read near a mention (six words before, four after)
CUES = ("signed", "sign", "visit", "delegation", "agreement", "memorandum", "mou", "from", "with", "partner",
        "cooperation", "hosted", "welcomed", "exchange", "at", "by", "of", "funded", "according", "said",
        "professor", "president", "dean", "director", "ambassador", "students", "graduated", "member", "ranked",
        "including", "conference", "between", "and", "joint", "led", "met")
_CUE_FORMS = {
    "signed": ("signed", "signing", "signs"), "sign": ("sign",), "visit": ("visit", "visited", "visiting", "visits"),
    "delegation": ("delegation", "delegations", "delegates"), "agreement": ("agreement", "agreements"),
    "memorandum": ("memorandum",), "mou": ("mou", "moa"), "from": ("from",), "with": ("with",),
    "partner": ("partner", "partners", "partnership", "partnerships"),
    "cooperation": ("cooperation", "cooperate", "collaboration", "collaborate", "collaborative", "cooperative"),
    "hosted": ("hosted", "host", "hosts", "hosting"), "welcomed": ("welcomed", "welcome", "welcomes", "received"),
    "exchange": ("exchange", "exchanges"), "at": ("at",), "by": ("by",), "of": ("of",),
    "funded": ("funded", "sponsored", "supported", "funding"), "according": ("according",),
    "said": ("said", "says", "noted", "stated"), "professor": ("professor", "prof", "lecturer", "researcher"),
    "president": ("president", "chancellor", "rector", "provost"), "dean": ("dean",),
    "director": ("director", "head", "chair", "chairman", "ceo", "secretary"),
    "ambassador": ("ambassador", "consul", "minister"), "students": ("students", "student", "alumni"),
    "graduated": ("graduated", "graduate", "degree", "phd"), "member": ("member", "members", "membership"),
    "ranked": ("ranked", "ranking", "rankings"), "including": ("including", "such", "like"),
    "conference": ("conference", "forum", "summit", "symposium", "workshop"), "between": ("between",),
    "and": ("and",), "joint": ("joint", "jointly"), "led": ("led", "headed"), "met": ("met", "meeting", "talks"),
}
_WORD_CUE = {w: c for c, ws in _CUE_FORMS.items() for w in ws}
# the same cues in 中文 pages (read in the twelve characters before a mention and the eight after it)
_ZH_CUES = {"签署": "signed", "签订": "signed", "签约": "signed", "访问": "visit", "来访": "visit", "到访": "visit",
            "代表团": "delegation", "协议": "agreement", "备忘录": "memorandum", "来自": "from", "与": "with",
            "同": "with", "伙伴": "partner", "合作": "cooperation", "主办": "hosted", "承办": "hosted",
            "欢迎": "welcomed", "接待": "welcomed", "交流": "exchange", "在": "at", "由": "by", "的": "of",
            "资助": "funded", "据": "according", "表示": "said", "指出": "said", "教授": "professor",
            "校长": "president", "院长": "dean", "主任": "director", "大使": "ambassador", "领事": "ambassador",
            "学生": "students", "毕业": "graduated", "成员": "member", "排名": "ranked", "包括": "including",
            "等": "including", "会议": "conference", "论坛": "conference", "之间": "between", "和": "and",
            "及": "and", "联合": "joint", "率": "led", "会见": "met", "会谈": "met"}
_ZH_CUE = re.compile("|".join(sorted(_ZH_CUES, key=len, reverse=True)))
_ZH_ROLE_AFTER = re.compile(r"(?:副)?(?:校长|院长|教授|主任|书记|处长|部长|大使|总领事|领事|主席|理事长|博士|学者|研究员|专家)")
_WORD = re.compile(r"[a-z]+")
_ROLE_BEFORE = re.compile(
    r"\b(?:professor|president|dean|director|chair(?:man|woman)?|lecturer|researcher|head|ceo|founder|ambassador|"
    r"minister|secretary|chancellor|provost|rector|consul|student|fellow|scholar|alumn\w*|graduate|officer|"
    r"manager|coordinator|representative|scientist|expert)s?\b(?:\s+[\w.'’-]+){0,3}?\s*,?\s+(?:of|at|from|with)\s+"
    r"(?:the\s+)?$", re.I)
_STOP = {"the", "of", "and", "for", "in", "at", "university", "college", "institute", "school", "&"}

FEATURES = ("bias", "zh", *(f"kind_{k}" for k in KINDS), "registry", "known", "country", "country_home", "mentions",
            "title", "lead", "position", "tail_only", "short_line", "acronym_only", "home_overlap", "words", "generic",
            "person_role", "home_sentence", "others_sentence", *(f"cue_{c}" for c in CUES))


def _short_line(text: str, pos: int, zh: bool) -> bool:
    """Whether the line holding ``pos`` is short and ends without a sentence's stop (a menu's, a footer's line);
    a line longer than 400 characters either side is none (read within that window: linear on one-line texts)."""
    a = text.rfind("\n", max(0, pos - 400), pos)
    b = text.find("\n", pos, pos + 400)
    if (a < 0 and pos > 400) or (b < 0 and pos + 400 < len(text)):
        return False
    ln = text[a + 1:b if b >= 0 else len(text)].strip()
    return (len(ln) < 25 if zh else len(ln.split()) < 8) and not ln.endswith((".", "!", "?", "”", "\"", "。", "！", "？"))


class Page:
    """What the features of every candidate of one page read: the home's mentions and the partners' (sorted)."""

    def __init__(self, home_spans: list[tuple[int, int]], partners: list):
        self.home = sorted(a for a, _ in home_spans)
        self.starts = sorted(m.start for p in partners for m in p.mentions)
        self.partner_ids = {id(p) for p in partners}

    def count(self, starts: list[int], s: int, e: int) -> int:
        return bisect_left(starts, e) - bisect_left(starts, s)


def features(o, text: str, lay, home: str | None, home_country: str | None, page: Page,
             lang: str = "en") -> list[float]:
    """The numbers that describe candidate ``o`` (an orgs.Org with mentions) on ``page``, in FEATURES order."""
    n = max(1, len(text))
    ms = o.mentions
    zh = lang == "zh"
    x = [1.0, 1.0 if zh else 0.0] + [1.0 if o.kind == k else 0.0 for k in KINDS]
    x += [1.0 if o.registry is not None else 0.0, 1.0 if o.known is not None else 0.0,
          1.0 if o.country else 0.0, 1.0 if o.country and o.country == home_country else 0.0,
          math.log1p(len(ms))]
    t = lay.title
    x.append(1.0 if t and any(t[0] <= m.start < t[1] for m in ms) else 0.0)
    p0 = next((p for p in lay.paragraphs if not t or p[0] >= t[1]), None)
    x.append(1.0 if p0 and any(p0[0] <= m.start < p0[1] for m in ms) else 0.0)
    first = min(m.start for m in ms)
    x.append(first / n)
    x.append(1.0 if all(m.start > 0.85 * n for m in ms) else 0.0)
    short = sum(1 for m in ms if _short_line(text, m.start, zh))
    x.append(short / len(ms))
    x.append(1.0 if all(" " not in m.text and m.text.isupper() for m in ms) else 0.0)
    if zh:  # (characters of the name shared with the home's, words: one per four characters)
        nw, hw = set(o.name) - set("大学学院的"), set(home or "") - set("大学学院的")
    else:
        nw = {w for w in _WORD.findall(o.name.lower()) if w not in _STOP}
        hw = {w for w in _WORD.findall((home or "").lower()) if w not in _STOP}
    x.append(len(nw & hw) / len(nw | hw) if nw and hw else 0.0)
    x.append(math.log1p(len(o.name) / 4 if zh else len(o.name.split())))
    ws = _WORD.findall(o.name.lower())
    x.append(0.0 if zh or not ws else sum(1 for w in ws if w in _GENERIC_WORDS) / len(ws))
    if zh:
        role = sum(1 for m in ms if _ZH_ROLE_AFTER.match(text, m.end))
    else:
        role = sum(1 for m in ms if _ROLE_BEFORE.search(text, max(0, m.start - 50), m.start))
    x.append(role / len(ms))
    sents = lay.sentences
    home_sent = 0
    others_sent = 0
    own = sorted(m.start for m in ms) if id(o) in page.partner_ids else []
    for m in ms:
        if sents:
            s, e = sents[lay.sentence_index(m.start)]
        else:
            s, e = max(0, m.start - 200), m.end + 200
        if page.count(page.home, s, e):
            home_sent = 1
        others_sent = max(others_sent, page.count(page.starts, s, e) - page.count(own, s, e))
    x.append(float(home_sent))
    x.append(math.log1p(others_sent))
    cues = dict.fromkeys(CUES, 0.0)
    for m in ms:
        if zh:
            for w in _ZH_CUE.findall(text[max(0, m.start - 12):m.start]) + _ZH_CUE.findall(text[m.end:m.end + 8]):
                cues[_ZH_CUES[w]] = 1.0
            continue
        for w in _WORD.findall(text[max(0, m.start - 50):m.start].lower())[-6:] + \
                _WORD.findall(text[m.end:m.end + 40].lower())[:4]:
            c = _WORD_CUE.get(w)
            if c:
                cues[c] = 1.0
    x += [cues[c] for c in CUES]
    return x


def guards(o, text: str, lang: str = "en") -> list[str]:
    """The guards (of GUARD_NAMES) candidate ``o`` meets on an English page (none on a 中文 one)."""
    if lang != "en":
        return []
    out = []
    ms = o.mentions
    if any(_AFFIL_BEFORE.search(text, max(0, m.start - 140), m.start) or _POSSESSIVE_ROLE.match(text, m.end)
           for m in ms):
        out.append("role")
    words = {w.lower() for w in re.findall(r"[A-Za-z][\w'’-]*", o.name)}
    for m in ms:
        b = _BRACKET.match(text, m.end)
        if b and (b.group(1).lower() in words or _defines_acronym(b.group(1), o.name)):
            out.append("short_form")
            break
    if _MISSION.search(o.name):
        out.append("mission")
    return out


def collect(doc: str, o, status: str, text: str, lay, home, home_country, page, lang: str) -> None:
    """The training script's record of one candidate: its features to ``COLLECT`` and, where asked, its guards to
    ``GUARDS`` (in step)."""
    COLLECT.append((doc, o.name, features(o, text, lay, home, home_country, page, lang), status))
    if GUARDS is not None:
        GUARDS.append((o.kind, guards(o, text, lang)))


def doubt(o, text: str, lay, home, home_country, page, lang: str, model: dict) -> float | None:
    """The model's probability for the rules' partner ``o`` where the model drops it (below its threshold and not
    :func:`guarded`), else None. A kind the model leaves to the rules is not scored at all."""
    if o.kind in model.get("guard_kinds", ()):
        return None
    p = probability(features(o, text, lay, home, home_country, page, lang), model)
    return p if p < model["threshold"] and not guarded(o, text, lang, model) else None


def guarded(o, text: str, lang: str, model: dict) -> bool:
    """Whether ``model`` may not drop candidate ``o``: a guard the model lists, or a kind it leaves to the rules."""
    if o.kind in model.get("guard_kinds", ()):
        return True
    g = model.get("guard")
    return bool(g) and any(x in g for x in guards(o, text, lang))


def load(path: str | Path) -> dict:
    """A model written by the training script (``{"features", "mean", "scale", "intercept", "weights",
    "threshold", ...}``); its features must be this module's."""
    p = Path(path)
    m = json.loads(p.read_text(encoding="utf-8"))
    if list(m["features"]) != list(FEATURES):
        raise ValueError(f"{p}: its features are not this module's FEATURES (retrain it)")
    return m


@lru_cache(maxsize=1)
def shipped() -> dict | None:
    """The model the extractor uses (``partner_model.json`` beside this module), or None where there is none."""
    return load(MODEL_PATH) if MODEL_PATH.exists() else None


def probability(x: list[float], model: dict) -> float:
    """The model's probability that the candidate described by ``x`` is a partner."""
    z = model["intercept"]
    for v, mu, sd, w in zip(x, model["mean"], model["scale"], model["weights"]):
        z += w * (v - mu) / sd
    return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0


# more of this module's scans that open with \b, a look-behind or a repeated set, faster with the same matches
# (fastre.py)
(_WORD, _ROLE_BEFORE) = (
    _fast_guarded(p) for p in (_WORD, _ROLE_BEFORE))
