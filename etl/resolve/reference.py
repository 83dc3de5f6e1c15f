"""Reference data the office can edit: the home institution with its schools and
offices, the partner registry, and names that are never partners.

Files (in ``data/reference`` unless configured otherwise):
- ``home_units.json``: {"home": {...}, "schools": [...], "offices": [...]}, each
  entry with name, aliases and zh;
- ``partners.csv``: name,country,kind,zh,aliases (aliases separated by "|");
- ``non_partners.csv``: name,category,aliases,pattern: organisations that are never
  partners (ministries and commissions acting as supervisors, funders, publishers),
  by name and alias, or by a regular expression over the name (``pattern``).

Everything works without these files: the extractor then recognises the home
institution, its units and partners by pattern only.
"""
from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

_TRANSLIT = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss", "Æ": "Ae", "æ": "ae",
                           "Đ": "D", "đ": "d", "ı": "i", "Œ": "Oe", "œ": "oe"})


def strip_accents(s: str) -> str:
    """Latin text without diacritics: Łódź → Lodz, Universität → Universitat."""
    if s.isascii():  # nothing to change (most names): the same string, without the per-character walk
        return s
    s = s.translate(_TRANSLIT)
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


# The office's folder in a checkout (data/reference); an installed wheel carries the same files as
# package data (etl/reference_data is a symlink to data/reference that the wheel build copies).
_CHECKOUT_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"
DEFAULT_DIR = _CHECKOUT_DIR if _CHECKOUT_DIR.is_dir() else Path(__file__).resolve().parents[1] / "reference_data"


@lru_cache(maxsize=65536)
def norm(name: str) -> str:
    """Comparison form of a name: casefolded, '&' as 'and', punctuation and a leading 'the' dropped
    (cached: the extractor compares the same few hundred names in every document)."""
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
class NonPartnerRef:
    name: str
    category: str  # ministry | funder | publisher | other
    aliases: list[str] = field(default_factory=list)
    pattern: re.Pattern | None = None


@dataclass
class Reference:
    home_name: str | None = None
    home_zh: str | None = None
    home_aliases: list[str] = field(default_factory=list)
    units: list[UnitRef] = field(default_factory=list)
    partners: list[PartnerRef] = field(default_factory=list)
    non_partners: list[NonPartnerRef] = field(default_factory=list)
    # the home's campuses as a page writes them (小营校区, "Xiaoying Campus"): a page that never names its
    # university but places an event on one of them is the configured home's
    home_campuses: list[str] = field(default_factory=list)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def home_forms(self) -> list[str]:
        """Every name of the home institution (name, aliases, zh)."""
        return [x for x in [self.home_name, *self.home_aliases, self.home_zh] if x]

    def partner_index(self) -> dict[str, PartnerRef]:
        """norm(form) → partner, for every name, alias and zh name (first entry wins)."""
        if "pidx" not in self._cache:
            idx: dict[str, PartnerRef] = {}
            for p in self.partners:
                for form in [p.name, *p.aliases, *([p.zh] if p.zh else [])]:
                    idx.setdefault(norm(form), p)
            self._cache["pidx"] = idx
        return self._cache["pidx"]

    def unit_index(self) -> dict[str, UnitRef]:
        """norm(form) → unit, for every name, alias and zh name."""
        if "uidx" not in self._cache:
            idx: dict[str, UnitRef] = {}
            for u in self.units:
                for form in [u.name, *u.aliases, *([u.zh] if u.zh else [])]:
                    idx.setdefault(norm(form), u)
            self._cache["uidx"] = idx
        return self._cache["uidx"]

    def non_partner(self, name: str) -> NonPartnerRef | None:
        """The non-partner entry a name matches, by name/alias or by pattern."""
        if "npidx" not in self._cache:
            self._cache["npidx"] = {norm(f): n for n in self.non_partners for f in [n.name, *n.aliases]}
        hit = self._cache["npidx"].get(norm(name))
        if hit:
            return hit
        for n in self.non_partners:
            if n.pattern is not None and n.pattern.search(name):
                return n
        return None

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
        return self.partner_index().get(norm(name))

    def unit(self, name: str) -> UnitRef | None:
        return self.unit_index().get(norm(name))


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
        ref.home_campuses = list(home.get("campuses") or [])
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
    npc = d / "non_partners.csv"
    if npc.exists():
        with npc.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                pat = (row.get("pattern") or "").strip()
                ref.non_partners.append(NonPartnerRef(
                    name=row["name"].strip(),
                    category=(row.get("category") or "other").strip(),
                    aliases=[a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()],
                    pattern=re.compile(pat) if pat else None,
                ))
    return ref


def empty_reference() -> Reference:
    """No lists at all: the extractor works by pattern only (how it meets another
    university's news without configuration)."""
    return Reference()


@dataclass
class KnownInstitution:
    """An organisation whose names are general knowledge, not the office's partner registry
    (``known_orgs.csv``): Chinese universities with their official English name, Chinese name,
    acronyms and short Chinese names (哈工大, 北邮); international organisations (UNESCO) and large
    companies (Huawei, Ericsson) whose one-word names no pattern finds. The extractor uses them to
    name an organisation in English, give its country and kind, and recognise the home institution
    of another university's news. Being known does not make an organisation a partner: the text
    decides that."""

    name: str
    zh: str | None = None
    aliases: list[str] = field(default_factory=list)
    country: str = "CN"
    kind: str = "university"


@dataclass
class KnownInstitutions:
    entries: list[KnownInstitution] = field(default_factory=list)
    index: dict[str, KnownInstitution] = field(default_factory=dict)  # norm(any name) → entry
    short_zh: dict[str, KnownInstitution] = field(default_factory=dict)  # 哈工大, 华为 → entry (searched as written)
    full_zh: dict[str, KnownInstitution] = field(default_factory=dict)  # 哈尔滨工业大学 → entry (searched as written)
    acronyms: dict[str, KnownInstitution] = field(default_factory=dict)  # HIT → entry (used once the full name is in the text)
    long_acronyms: dict[str, KnownInstitution] = field(default_factory=dict)  # BUPT, NJUPT: distinctive on their own
    english: dict[str, KnownInstitution] = field(default_factory=dict)  # names of companies and bodies (searched as written)

    def get(self, name: str) -> KnownInstitution | None:
        return self.index.get(norm(name))


_CJK = re.compile(r"[\u4e00-\u9fff]")
KNOWN_FILE = "known_orgs.csv"


@lru_cache(maxsize=8)
def load_known_institutions(directory: str | Path | None = None) -> KnownInstitutions:
    """``known_orgs.csv`` (name,zh,aliases,country,kind) of the reference folder, else of data/reference."""
    d = Path(directory or DEFAULT_DIR).resolve()
    if not (d / KNOWN_FILE).exists():
        d = DEFAULT_DIR.resolve()
    return _load_known(str(d))


_HEAD_WORD = re.compile(r"Universi|College|Institut|School|Academy|Polytechnic|Politecni|Hochschule|Ecole|École|Escuela|"
                        r"Scuola|Conservato", re.I)


def _headless(name: str) -> bool:
    """Whether an English name has no head word a pattern could find it by ("Sciences Po", not "X University")."""
    return not _CJK.search(name) and not _HEAD_WORD.search(name)


@lru_cache(maxsize=4)
def _load_known(directory: str) -> KnownInstitutions:
    out = KnownInstitutions()
    path = Path(directory) / KNOWN_FILE
    if not path.exists():
        return out
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            name = (row.get("name") or "").strip()
            if not name:
                continue
            aliases = [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]
            e = KnownInstitution(name, (row.get("zh") or "").strip() or None, aliases,
                                 (row.get("country") or "CN").strip().upper() or "CN",
                                 (row.get("kind") or "university").strip() or "university")
            out.entries.append(e)
            university = e.kind == "university"
            for form in [name, *([e.zh] if e.zh else [])]:
                out.index.setdefault(norm(form), e)
            if e.zh:
                (out.full_zh if university else out.short_zh).setdefault(e.zh, e)
            if not university or _headless(name):
                out.english.setdefault(name, e)  # (a university whose name has no head word: "Sciences Po")
            for a in aliases:
                out.index.setdefault(norm(a), e)
                if _CJK.search(a):
                    (out.short_zh if not university or len(a) < 4 else out.full_zh).setdefault(a, e)
                elif not university or (_headless(a) and " " in a):
                    out.english.setdefault(a, e)
                elif re.fullmatch(r"[A-Z][A-Za-z&]{1,7}", a):
                    out.acronyms.setdefault(a, e)
                    if len(a) >= 4 and a.isupper():
                        out.long_acronyms.setdefault(a, e)
    return out
