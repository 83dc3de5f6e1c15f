"""Reference data the office can edit: the home institution with its schools and
offices, the partner registry, and names that are never partners.

Files (in ``data/reference`` unless configured otherwise):
- ``home_units.json``: {"home": {...}, "schools": [...], "offices": [...]}, each
  entry with name, aliases and zh;
- ``partners.csv``: name,country,kind,zh,aliases (aliases separated by "|").
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"


def norm(name: str) -> str:
    """Comparison form of a name: casefolded, '&' as 'and', punctuation and a leading 'the' dropped."""
    s = str(name).casefold().replace("&", " and ")
    s = re.sub(r"[^\w\s]", " ", s)
    s = re.sub(r"^\s*the\s+", "", s)
    return re.sub(r"\s+", " ", s).strip()


@dataclass
class UnitRef:
    name: str
    type: str  # school | office
    zh: str | None = None
    aliases: list[str] = field(default_factory=list)


@dataclass
class PartnerRef:
    name: str
    country: str | None = None
    kind: str | None = None
    zh: str | None = None
    aliases: list[str] = field(default_factory=list)


@dataclass
class Reference:
    home_name: str | None = None
    home_zh: str | None = None
    home_aliases: list[str] = field(default_factory=list)
    units: list[UnitRef] = field(default_factory=list)
    partners: list[PartnerRef] = field(default_factory=list)

    def unit_names(self) -> dict[str, UnitRef]:
        """Every surface form (name, aliases, zh) → unit."""
        out: dict[str, UnitRef] = {}
        for u in self.units:
            for form in [u.name, *u.aliases, *( [u.zh] if u.zh else [])]:
                out[form] = u
        return out

    def partner_names(self) -> dict[str, PartnerRef]:
        out: dict[str, PartnerRef] = {}
        for p in self.partners:
            for form in [p.name, *p.aliases, *([p.zh] if p.zh else [])]:
                out[form] = p
        return out

    def partner(self, name: str) -> PartnerRef | None:
        key = norm(name)
        for form, p in self.partner_names().items():
            if norm(form) == key:
                return p
        return None


def load_reference(directory: str | Path | None = None) -> Reference:
    return _load(str(Path(directory or DEFAULT_DIR).resolve()))


@lru_cache(maxsize=8)
def _load(directory: str) -> Reference:
    d = Path(directory)
    ref = Reference()
    hu = d / "home_units.json"
    if hu.exists():
        data = json.loads(hu.read_text(encoding="utf-8"))
        home = data.get("home") or {}
        ref.home_name, ref.home_zh = home.get("name"), home.get("zh")
        ref.home_aliases = list(home.get("aliases") or [])
        for typ, key in (("school", "schools"), ("office", "offices")):
            for u in data.get(key) or []:
                ref.units.append(UnitRef(u["name"], typ, u.get("zh"), list(u.get("aliases") or [])))
    pc = d / "partners.csv"
    if pc.exists():
        with pc.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                ref.partners.append(PartnerRef(
                    name=row["name"].strip(),
                    country=(row.get("country") or "").strip().upper() or None,
                    kind=(row.get("kind") or "").strip() or None,
                    zh=(row.get("zh") or "").strip() or None,
                    aliases=[a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()],
                ))
    return ref
