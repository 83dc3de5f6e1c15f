"""First extractor: dates from header lines, units and partners from the reference
lists, activity kinds from keywords. The extraction issue deepens each stage."""
from __future__ import annotations

import datetime as dt
import re

from etl.extract.model import Extraction, Mention
from etl.resolve.reference import Reference, load_reference, norm
from etl.sources.base import SourceDocument

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}

ACTIVITY_WORDS = {
    "joint_program": [r"joint[- ]program", r"\b[234]\+[0-2]\b", r"dual degree", r"中外合作办学"],
    "study_abroad": [r"study(ing)? abroad", r"exchange students?", r"semester exchange", r"出国"],
    "summer_school": [r"summer school", r"winter school", r"summer camp", r"暑期"],
    "international_students": [r"international students", r"留学生"],
    "faculty_exchange": [r"visiting scholar", r"foreign expert", r"lecture", r"讲座"],
    "research_collaboration": [r"joint lab", r"joint research", r"research cooperation", r"联合实验室"],
    "agreement": [r"\bMoU\b", r"memorandum", r"agreement", r"协议"],
    "delegation_visit": [r"delegation", r"visited", r"代表团", r"来访"],
    "conference": [r"conference", r"forum", r"会议", r"论坛"],
}


def _sentence_at(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in ".。!?！？\n") + 1
    rights = [i for i in (text.find(c, end) for c in ".。!?！？\n") if i != -1]
    right = min(rights) + 1 if rights else len(text)
    return text[left:right].strip()


def _published(text: str) -> str | None:
    m = re.search(r"^By\s+\w{3},\s+(\d{1,2})\s+(\w{3})\w*\s+(\d{4})", text, re.M)
    if m:
        return dt.date(int(m[3]), MONTHS[m[2][:3].lower()], int(m[1])).isoformat()
    m = re.search(r"发布时间[:：]\s*(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    return None


def _find_forms(text: str, forms: dict[str, object], method: str):
    """Yield (match, target) for every surface form found, longest forms first, no overlaps."""
    taken: list[tuple[int, int]] = []
    for form in sorted(forms, key=len, reverse=True):
        cjk = bool(re.search(r"[\u4e00-\u9fff]", form))
        pat = re.escape(form) if cjk else r"(?<![\w-])" + re.escape(form) + r"(?![\w-])"
        for m in re.finditer(pat, text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            yield m, forms[form]


def extract(doc: SourceDocument, ref: Reference | None = None) -> Extraction:
    ref = ref or load_reference()
    text = doc.text
    out = Extraction(doc=doc.name, lang=doc.lang or "en", home=ref.home_name, title=doc.title)
    out.published = _published(text) or (doc.published.isoformat() if doc.published else None)
    out.event_date = out.published
    seen: set[str] = set()
    for m, unit in _find_forms(text, ref.unit_names(), "reference"):
        key = f"{unit.type}:{norm(unit.name)}"
        if key in seen:
            continue
        seen.add(key)
        out.mentions.append(Mention(unit.type, key, {"name": unit.name}, m[0],
                                    _sentence_at(text, m.start(), m.end()), m.start(), m.end(),
                                    "reference_list", 0.9))
    for m, p in _find_forms(text, ref.partner_names(), "reference"):
        key = f"partner:{norm(p.name)}"
        if key in seen:
            continue
        seen.add(key)
        out.mentions.append(Mention("partner", key, {"name": p.name, "country": p.country, "kind": p.kind},
                                    m[0], _sentence_at(text, m.start(), m.end()), m.start(), m.end(),
                                    "partner_registry", 0.9))
    for kind, pats in ACTIVITY_WORDS.items():
        for pat in pats:
            m = re.search(pat, text, re.I)
            if m:
                out.mentions.append(Mention("activity", f"activity:{kind}", {"kind": kind}, m[0],
                                            _sentence_at(text, m.start(), m.end()), m.start(), m.end(),
                                            f"keyword:{pat}", 0.6))
                break
    return out
