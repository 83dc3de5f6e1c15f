"""Derive ``data/reference/registry.tsv.gz`` from a Research Organization Registry (ROR) dump.

ROR (https://ror.org, CC0 1.0) describes about 120,000 research organisations: a display name, labels
in other languages (``zh``, ``ja``, …), aliases, acronyms, country, types, status and relationships.
The dump itself is large (a zip of ~30 MB) and is never committed; this script keeps what the
extractor needs, one row per active organisation:

    id  name  country  kind  acronyms  zh  aliases  former  source

- ``id``: the ROR id (``0xxxxxx00``), or ``ror2021:<cc>:<hash>`` for a name that only a names-only
  list gives (see ``--names-list``);
- ``kind``: ROR's types mapped onto ours (``education`` → university, ``facility`` → institute,
  ``company``, ``government``, ``nonprofit`` → ngo; ``healthcare``, ``archive``, ``funder``, ``other``
  → other; the first of that order wins when a record has several);
- ``acronyms``, ``aliases`` (labels in other languages and aliases), ``former`` (names of inactive or
  withdrawn records whose relationship names this one as successor, or who name it as predecessor)
  and ``zh`` (Chinese labels and aliases in simplified and traditional characters, and the Japanese
  labels written in kanji only, converted to simplified and traditional Chinese: 関東学院大学 →
  关东学院大学 / 關東學院大學), each separated by ``|``;
- ``source``: ``ror`` (a full record) or ``ror-2021`` (a names-only list).

Only active records are kept. Inputs, in any number:
- a dump file: ``.zip`` (the ROR release; its schema-v2 JSON is preferred), ``.json`` or ``.json.gz``
  (a JSON array of records, schema v1 or v2);
- a folder of one-record JSON files, such as a checkout of the ``ror-records`` repository: its release
  folders (``v1.0`` … ``v2.9``) are applied in version order, so the newest state of each record wins;
- ``--names-list PATH``: JSON arrays of ``{"name", "country_code", "types"}`` (a folder of them, or
  files), used for organisations no record gives (a name already known in the same country is skipped).

    python -m etl.resolve.registry_build DUMP [DUMP …] [--names-list PATH] [-o data/reference/registry.tsv.gz]

Chinese conversion uses OpenCC (``pip install -e '.[registry]'``); without it the Japanese labels give
no Chinese names and Chinese labels are kept as written.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import re
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from etl.resolve.reference import norm

COLUMNS = ["id", "name", "country", "kind", "acronyms", "zh", "aliases", "former", "source"]
MULTI = ("acronyms", "zh", "aliases", "former")
SEP = "|"
# ROR type → our kind, in order of precedence
KIND_ORDER = [("education", "university"), ("facility", "institute"), ("company", "company"),
              ("government", "government"), ("nonprofit", "ngo"), ("healthcare", "other"),
              ("archive", "other"), ("funder", "other"), ("other", "other")]
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class DumpError(ValueError):
    """A dump that cannot be read: the message names the file (and the record where it applies)."""


def kind_of(types: Iterable[str]) -> str:
    ts = {t.strip().lower() for t in types}
    for t, k in KIND_ORDER:
        if t in ts:
            return k
    return "other"


@dataclass
class Record:
    id: str
    status: str
    name: str
    country: str | None
    types: list[str]
    names: list[tuple[str, str | None, frozenset[str]]] = field(default_factory=list)  # value, lang, name types
    successors: set[str] = field(default_factory=set)
    predecessors: set[str] = field(default_factory=set)
    related_labels: list[tuple[str, str]] = field(default_factory=list)  # (label, id) of every related record


def _short(rid: str) -> str:
    return rid.rstrip("/").rsplit("/", 1)[-1]


def _clean(s: str | None) -> str:
    return re.sub(r"[\s|]+", " ", s or "").strip()


def parse_record(r: dict, where: str = "") -> Record:
    """One ROR record, schema v1 or v2, as a Record."""
    try:
        rid = _short(r["id"])
        status = (r.get("status") or "active").lower()
        names: list[tuple[str, str | None, frozenset[str]]] = []
        if "names" in r:  # schema v2
            display = ""
            for n in r["names"]:
                types = frozenset(n.get("types") or [])
                v = _clean(n.get("value"))
                if v:
                    names.append((v, n.get("lang"), types))
                    if "ror_display" in types:
                        display = v
            display = display or (names[0][0] if names else "")
            locs = r.get("locations") or []
            country = ((locs[0].get("geonames_details") or {}).get("country_code") if locs else None)
        else:  # schema v1
            display = _clean(r.get("name"))
            names.append((display, None, frozenset({"ror_display", "label"})))
            for lab in r.get("labels") or []:
                v = _clean(lab.get("label"))
                if v:
                    names.append((v, lab.get("iso639"), frozenset({"label"})))
            names += [(_clean(a), None, frozenset({"alias"})) for a in r.get("aliases") or [] if _clean(a)]
            names += [(_clean(a), None, frozenset({"acronym"})) for a in r.get("acronyms") or [] if _clean(a)]
            country = (r.get("country") or {}).get("country_code")
        rec = Record(rid, status, display, (country or "").upper() or None, [t.lower() for t in r.get("types") or []],
                     names)
        for rel in r.get("relationships") or []:
            t, other = (rel.get("type") or "").lower(), _short(rel.get("id") or "")
            if not other:
                continue
            if t == "successor":
                rec.successors.add(other)
            elif t == "predecessor":
                rec.predecessors.add(other)
            if rel.get("label"):
                rec.related_labels.append((_clean(rel["label"]), other))
        if not display:
            raise KeyError("name")
        return rec
    except (KeyError, TypeError, AttributeError, IndexError) as e:
        raise DumpError(f"{where}: not a ROR record ({type(e).__name__}: {e})") from None


def _version_key(name: str) -> tuple:
    return tuple(int(x) for x in re.findall(r"\d+", name)) or (0,)


def _load_json(data: bytes, where: str):
    try:
        return json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise DumpError(f"{where}: not JSON ({e})") from None


def iter_dump(path: str | Path) -> Iterator[Record]:
    """Records of one dump (file or folder), in the order they apply (a later one replaces an earlier one)."""
    p = Path(path)
    if not p.exists():
        raise DumpError(f"{p}: no such file or folder")
    if p.is_dir():
        releases = sorted((d for d in p.iterdir() if d.is_dir() and re.fullmatch(r"v\d+(?:\.\d+)*", d.name)),
                          key=lambda d: _version_key(d.name))
        folders = releases or [p]
        for d in folders:
            for f in sorted(d.glob("*.json")):
                yield parse_record(_load_json(f.read_bytes(), str(f)), str(f))
        return
    if p.suffix == ".zip":
        with zipfile.ZipFile(p) as z:
            members = [m for m in z.namelist() if m.endswith(".json")]
            v2 = [m for m in members if "schema_v2" in m]
            chosen = v2 or members
            if not chosen:
                raise DumpError(f"{p}: no JSON file in the zip")
            for m in chosen[:1]:
                yield from _records_of(_load_json(z.read(m), f"{p}:{m}"), f"{p}:{m}")
        return
    data = p.read_bytes()
    if p.suffix == ".gz":
        data = gzip.decompress(data)
    yield from _records_of(_load_json(data, str(p)), str(p))


def _records_of(obj, where: str) -> Iterator[Record]:
    if isinstance(obj, dict):
        obj = [obj]
    if not isinstance(obj, list):
        raise DumpError(f"{where}: expected a list of ROR records")
    for i, r in enumerate(obj):
        yield parse_record(r, f"{where} record {i + 1}")


def iter_names_lists(path: str | Path) -> Iterator[tuple[str, str, list[str]]]:
    """(name, country, types) from JSON arrays of {"name", "country_code", "types"}."""
    p = Path(path)
    files = sorted(p.glob("*.json")) if p.is_dir() else [p]
    for f in files:
        obj = _load_json(f.read_bytes(), str(f))
        if not isinstance(obj, list):
            raise DumpError(f"{f}: expected a list of names")
        for i, x in enumerate(obj):
            if not isinstance(x, dict) or not x.get("name"):
                raise DumpError(f"{f} entry {i + 1}: no name")
            cc = (x.get("country_code") or "").strip().upper()
            if len(cc) == 2:
                yield _clean(x["name"]), cc, [str(t) for t in x.get("types") or []]


class _Chinese:
    """Simplified and traditional forms of a Chinese or kanji-only Japanese name (OpenCC when installed)."""

    def __init__(self, enabled: bool = True):
        self.ok = False
        if enabled:
            try:
                import opencc  # type: ignore

                self.t2s, self.s2t, self.jp2t = (opencc.OpenCC(c) for c in ("t2s", "s2t", "jp2t"))
                self.ok = True
            except Exception:  # pragma: no cover - depends on the environment
                self.ok = False

    def zh_forms(self, value: str) -> list[str]:
        if not self.ok:
            return [value]
        s = self.t2s.convert(value)
        return _unique([value, s, self.s2t.convert(s)])

    def ja_forms(self, value: str) -> list[str]:
        """A Japanese name in kanji only (no kana) written as Chinese; nothing without OpenCC."""
        if not self.ok or _KANA.search(value) or not _CJK.search(value) or re.search(r"[A-Za-z]", value):
            return []
        t = self.jp2t.convert(value)
        s = self.t2s.convert(t)
        return _unique([s, self.s2t.convert(s)])


def _unique(xs: Iterable[str]) -> list[str]:
    seen, out = set(), []
    for x in xs:
        if x and x not in seen:
            seen.add(x)
            out.append(x)
    return out


@dataclass
class Row:
    id: str
    name: str
    country: str
    kind: str
    acronyms: list[str] = field(default_factory=list)
    zh: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    former: list[str] = field(default_factory=list)
    source: str = "ror"

    def keys(self) -> set[str]:
        return {norm(x) for x in [self.name, *self.aliases, *self.former]}

    def line(self) -> str:
        vals = [self.id, self.name, self.country, self.kind, *(SEP.join(getattr(self, c)) for c in MULTI), self.source]
        return "\t".join(vals)


_PAREN = re.compile(r"(?P<base>.+?)\s*\((?P<inner>[^()]+)\)")
_ACRONYM = re.compile(r"(?=(?:.*[A-Z]){2})[A-Za-z][A-Za-z0-9&.\-]{1,11}")
# country names ROR writes in brackets that pycountry's lookup does not know
_COUNTRY_WORDS = {"russia": "RU", "turkey": "TR", "kosovo": "XK", "the netherlands": "NL", "palestine": "PS",
                  "ivory coast": "CI", "brunei": "BN", "cape verde": "CV", "micronesia": "FM",
                  "democratic republic of the congo": "CD", "north korea": "KP", "south korea": "KR"}


def _country_code(word: str) -> str | None:
    import pycountry

    w = word.strip()
    try:
        return pycountry.countries.lookup(w).alpha_2
    except LookupError:
        return _COUNTRY_WORDS.get(w.casefold())


def _bracket_forms(name: str, country: str | None) -> tuple[list[str], list[str]]:
    """(other names, acronyms) a display name carries in brackets: "Hitachi (Japan)" is also "Hitachi" (ROR
    adds the country to tell apart a company's national branches); "Zimbabwe Library Association (ZimLA)" is
    also "Zimbabwe Library Association", acronym ZimLA."""
    m = _PAREN.fullmatch(name)
    if not m:
        return [], []
    base, inner = m["base"].strip(" ,-"), m["inner"].strip()
    if len(base) < 2:
        return [], []
    if country and _country_code(inner) == country:
        return [base], []
    if _ACRONYM.fullmatch(inner):
        return [base], [inner]
    return [], []


def _split_names(rec: Record, conv: _Chinese) -> tuple[list[str], list[str], list[str]]:
    """(acronyms, zh, other names) of a record, the display name left out."""
    other, acr = _bracket_forms(rec.name, rec.country)
    zh: list[str] = []
    for v, lang, types in rec.names:
        lang = (lang or "").lower()
        if "acronym" in types:
            if len(v) >= 2 and not _CJK.search(v):
                acr.append(v)
            continue
        if v == rec.name:
            continue
        if lang.startswith("zh") or (not lang and _CJK.search(v) and not _KANA.search(v)):
            zh += conv.zh_forms(v)
            continue
        if lang == "ja":
            zh += conv.ja_forms(v)
        other.append(v)
    if _CJK.search(rec.name) and not _KANA.search(rec.name):
        zh = conv.zh_forms(rec.name) + zh
    return _unique(acr), _unique(zh), other


def build_rows(dumps: Iterable[str | Path], names_lists: Iterable[str | Path] = (),
               chinese: bool = True) -> tuple[list[Row], dict]:
    """The derived rows (sorted by country, then name) and a summary of counts."""
    records: dict[str, Record] = {}
    for d in dumps:
        for rec in iter_dump(d):
            records[rec.id] = rec
    conv = _Chinese(chinese)
    stats: Counter = Counter(records=len(records))
    active = {rid: r for rid, r in records.items() if r.status == "active"}
    stats.update(f"status_{r.status}" for r in records.values())
    rows: dict[str, Row] = {}
    for rid, rec in active.items():
        acr, zh, other = _split_names(rec, conv)
        row = Row(rid, rec.name, rec.country or "", kind_of(rec.types), acr, zh)
        seen = {norm(rec.name)}
        for v in other:
            k = norm(v)
            if k and k not in seen:
                seen.add(k)
                row.aliases.append(v)
        rows[rid] = row
    # inactive and withdrawn records: their names become former names of their successors
    successors: dict[str, set[str]] = {}
    for rid, rec in records.items():
        for s in rec.successors:
            successors.setdefault(rid, set()).add(s)
        for p in rec.predecessors:
            successors.setdefault(p, set()).add(rid)
    for rid, rec in records.items():
        if rec.status == "active":
            continue
        targets = _active_successors(rid, successors, records)
        if not targets:
            stats["inactive_without_successor"] += 1
            continue
        stats["inactive_mapped"] += 1
        acr, zh, other = _split_names(rec, conv)
        for t in sorted(targets):
            row = rows[t]
            have = row.keys()
            for v in [rec.name, *other]:
                if norm(v) not in have:
                    have.add(norm(v))
                    row.former.append(v)
            row.acronyms = _unique([*row.acronyms, *acr])
            row.zh = _unique([*row.zh, *zh])
    # names-only lists: organisations no record gives
    if names_lists:
        known: set[tuple[str, str]] = set()
        for row in rows.values():
            known |= {(k, row.country) for k in row.keys()}
        for rec in records.values():  # inactive ones without a successor are not brought back
            known |= {(norm(v), rec.country or "") for v, _, t in rec.names if "acronym" not in t}
        label_ids: dict[str, set[str]] = {}  # a related record's label → its ROR id
        for rec in records.values():
            for label, other in rec.related_labels:
                label_ids.setdefault(norm(label), set()).add(other)
        for lst in names_lists:
            for name, cc, types in iter_names_lists(lst):
                k = norm(name)
                if not k or (k, cc) in known:
                    continue
                known.add((k, cc))
                ids = [i for i in label_ids.get(k, ()) if i not in records]
                rid = ids[0] if len(ids) == 1 else ""
                if not rid or rid in rows:  # no id, or a namesake in another country already took it
                    rid = f"ror2021:{cc.lower()}:{hashlib.sha1(f'{cc}|{name}'.encode()).hexdigest()[:10]}"
                    if rid in rows:
                        continue
                else:
                    stats["names_list_id_from_relationship"] += 1
                others, acrs = _bracket_forms(name, cc)
                rows[rid] = Row(rid, name, cc, kind_of(types), acrs, aliases=[x for x in others if norm(x) != k],
                                source="ror-2021")
                stats["names_list_added"] += 1
    out = sorted(rows.values(), key=lambda r: (r.country, r.name.casefold(), r.id))
    stats["rows"] = len(out)
    stats["rows_ror"] = sum(r.source == "ror" for r in out)
    stats["rows_with_zh"] = sum(bool(r.zh) for r in out)
    stats["rows_with_zh_outside_cn"] = sum(bool(r.zh) and r.country not in ("CN", "TW", "HK", "MO") for r in out)
    stats["rows_with_acronyms"] = sum(bool(r.acronyms) for r in out)
    stats["rows_with_former"] = sum(bool(r.former) for r in out)
    stats["names"] = sum(1 + len(r.aliases) + len(r.former) + len(r.acronyms) + len(r.zh) for r in out)
    stats["zh_names"] = sum(len(r.zh) for r in out)
    stats["chinese_conversion"] = conv.ok
    stats.update(f"kind_{r.kind}" for r in out)
    return out, dict(stats)


def _active_successors(rid: str, successors: dict[str, set[str]], records: dict[str, Record]) -> set[str]:
    """The active records a retired one leads to (following chains of successors)."""
    out, todo, seen = set(), list(successors.get(rid, ())), {rid}
    while todo:
        s = todo.pop()
        if s in seen:
            continue
        seen.add(s)
        r = records.get(s)
        if r is not None and r.status == "active":
            out.add(s)
        else:
            todo += successors.get(s, ())
    return out


def write_rows(rows: list[Row], out: str | Path) -> None:
    """The gzip'd TSV (a header line, then one row per organisation), byte-for-byte reproducible."""
    buf = io.StringIO()
    buf.write("\t".join(COLUMNS) + "\n")
    for r in rows:
        buf.write(r.line() + "\n")
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "wb") as fh, gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0, compresslevel=9) as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    tmp.replace(out)


def main(argv: list[str] | None = None) -> int:
    from etl.resolve.registry import REGISTRY_FILE
    from etl.resolve.reference import DEFAULT_DIR

    ap = argparse.ArgumentParser(prog="python -m etl.resolve.registry_build", description=__doc__.split("\n\n")[0])
    ap.add_argument("dumps", nargs="+", help="ROR dump: .zip, .json, .json.gz, or a folder of record files")
    ap.add_argument("--names-list", action="append", default=[], help="JSON names-only lists (file or folder)")
    ap.add_argument("-o", "--out", default=str(DEFAULT_DIR / REGISTRY_FILE))
    ap.add_argument("--no-chinese-conversion", action="store_true")
    a = ap.parse_args(argv)
    try:
        rows, stats = build_rows(a.dumps, a.names_list, chinese=not a.no_chinese_conversion)
    except (DumpError, OSError, zipfile.BadZipFile) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    write_rows(rows, a.out)
    stats["file_bytes"] = Path(a.out).stat().st_size
    print(json.dumps(stats, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
