"""English names for a Chinese university's units when no reference list names them.

``data/reference/unit_terms_zh.csv`` (zh,en,type,final) holds whole names of offices and a few
schools (国际合作与交流处 → Office of International Cooperation and Exchanges, 理学院 → School of
Science), names to skip (孔子学院: a partner's institute, not a unit), and the terms of
disciplines (机械 → Mechanical, 工程 → Engineering) from which "X学院" is named "School of X".
A term's ``final`` form is used when it ends the name (机械学院 → School of Mechanical
Engineering). A name with any part the table does not know keeps its Chinese form: a wrong
English name would be worse than the text's own.

"School of" is the commonest English form of 学院 on Chinese universities' sites; a university
that says "College of" needs its own reference list (home_units.json) to be named exactly.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from etl.resolve.reference import DEFAULT_DIR

_CONNECT = {"与": "and", "和": "and", "及": "and"}


@dataclass
class UnitTerms:
    whole: dict[str, tuple[str, str]] = field(default_factory=dict)  # zh → (English or "", type)
    terms: dict[str, tuple[str, str]] = field(default_factory=dict)  # zh → (English, final form)
    max_len: int = 1

    def segment(self, stem: str) -> list[str] | None:
        """English words of a stem made only of known terms and connectors (greedy, longest first)."""
        out: list[tuple[str, str]] = []
        i = 0
        while i < len(stem):
            if stem[i] in _CONNECT and out:
                out.append((_CONNECT[stem[i]], ""))
                i += 1
                continue
            for n in range(min(self.max_len, len(stem) - i), 0, -1):
                t = self.terms.get(stem[i:i + n])
                if t:
                    out.append(t)
                    i += n
                    break
            else:
                return None
        if not out or out[-1][0] == "and":
            return None
        words = [en for en, _ in out]
        if out[-1][1]:
            words[-1] = out[-1][1]
        return words

    def knows(self, stem: str) -> bool:
        return bool(stem) and self.segment(stem) is not None

    def english(self, name: str) -> str | None:
        """The English name of a Chinese unit name, or None."""
        if name in self.whole:
            en, _ = self.whole[name]
            return en or None
        for suffix, pattern in (("学院", "School of {}"), ("学部", "Faculty of {}")):
            if name.endswith(suffix) and len(name) > len(suffix):
                words = self.segment(name[: -len(suffix)])
                if words:
                    return pattern.format(" ".join(words))
        return None


@lru_cache(maxsize=2)
def load_unit_terms(directory: str | Path | None = None) -> UnitTerms:
    path = Path(directory or DEFAULT_DIR) / "unit_terms_zh.csv"
    out = UnitTerms()
    if not path.exists():
        return out
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            zh, en, typ = (row.get("zh") or "").strip(), (row.get("en") or "").strip(), (row.get("type") or "").strip()
            if not zh:
                continue
            if typ == "term":
                out.terms[zh] = (en, (row.get("final") or "").strip())
                out.max_len = max(out.max_len, len(zh))
            else:
                out.whole[zh] = (en, typ)
    return out
