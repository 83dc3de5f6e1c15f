"""The organisation registry: world universities and research organisations by name, acronym and
Chinese name (``registry.tsv.gz``, derived from the Research Organization Registry by
``etl/resolve/registry_build.py``; see ``data/reference/README.md``).

    reg = load_registry()                  # cached per process and reference folder
    reg.by_name("Saint Mary's University")  # every namesake: [CA …, GB …] (partners.csv first)
    reg.by_acronym("UQ")                    # case-sensitive; all records sharing it
    reg.by_zh("实践女子大学")                 # exact string, simplified or traditional
    reg.country("University of Salford")   # one country, or None when namesakes disagree

The office's ``partners.csv`` keeps precedence: a name, alias or Chinese name of a partner
returns the partner's entry first (``source == "partners"``, its country and kind as the office wrote
them), before any registry record; ``country()`` answers with the partner's country when it has one.

How it is held: about 120,000 rows would take ~150 MB as Python objects, so the rows stay UTF-8
bytes and are decoded one at a time when a lookup finds them (a small LRU cache keeps recent ones).
The lookup keys (``norm(name)`` of every name, alias and former name, also without accents; each
acronym; each Chinese name) are 64-bit hashes in one sorted array, with the row of each beside it:
a lookup is one hash and a binary search, and a name shared by several rows gives all of them.
The arrays and rows are built once from the ``.tsv.gz`` (a few seconds) into a cache file
(``$INTL_CACHE_DIR``, else ``$XDG_CACHE_HOME/intl-dashboard``, else ``~/.cache/intl-dashboard``), named
by a hash of the table and of ``norm``'s behaviour, and memory-mapped afterwards (tens of
milliseconds, a few MB resident). Where no cache folder is writable they are built in memory.
"""
from __future__ import annotations

import array
import gzip
import hashlib
import io
import json
import mmap
import os
import re
import struct
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from etl.resolve.reference import DEFAULT_DIR, norm, strip_accents

REGISTRY_FILE = "registry.tsv.gz"
_FORMAT = 1
_MAGIC = b"INTLREG\x00"
_COLUMNS = ["id", "name", "country", "kind", "acronyms", "zh", "aliases", "former", "source"]
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# norm's output on these strings is part of the cache key: a change of norm rebuilds the cache
_NORM_PROBES = ("The Université d'Été & Co.", "St. Mary's  University", "AGH-UST (Kraków)", "北京 大学", "ÆØÅ ß İı")


# words that name a kind of organisation or a field, not one organisation
_GENERIC_WORDS = frozenset("""
of and for the in at on de la le des du di del y et a an
university universities college colleges institute institutes school schools academy academies center centre centers
centres hospital hospitals clinic clinics laboratory laboratories lab labs department faculty office library museum
foundation association society council agency ministry bureau commission service services group company corporation
inc ltd co research science sciences technology technologies engineering education medicine medical health studies
national international state public federal central regional general polytechnic technical applied advanced graduate
""".split())


def generic_name(key: str) -> bool:
    """Whether a normalised name is made only of words that name a kind of organisation or a field
    ("institute of education", "university hospital", "center for international studies"): the
    registry has such names as some organisation's alias, but in a text they are no one's name."""
    words = key.split()
    return not words or all(w in _GENERIC_WORDS for w in words)


class RegistryError(ValueError):
    """The registry table cannot be read (the message names the file and line)."""


@dataclass(frozen=True, slots=True)
class RegistryOrg:
    """One organisation: ``id`` is its ROR id (``ror2021:…`` for names-only rows, ``partner:…`` for
    the office's partners), ``kind`` one of university, institute, company, government, ngo, other."""

    id: str
    name: str
    country: str | None
    kind: str
    acronyms: tuple[str, ...] = ()
    zh: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    former: tuple[str, ...] = ()
    source: str = "ror"  # ror | ror-2021 | partners
    row: int = -1  # position in the registry; -1 for a partners.csv entry


def _h(kind: str, s: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{kind}\x00{s}".encode("utf-8"), digest_size=8).digest(), "little")


_NORM = getattr(norm, "__wrapped__", norm)  # the build normalises each name once: no use filling norm's cache
_ST = re.compile(r"\bst\b")


def _canon(key: str) -> str:
    """A second key for spellings that name the same organisation: "St" for "Saint"."""
    return _ST.sub("saint", key) if "st" in key else key


def _name_keys(name: str, normalise=norm) -> set[str]:
    """The lookup keys of a name: norm(name), without accents too, and with "St" read as "Saint"."""
    k = {normalise(name)}
    if not name.isascii():
        k.add(normalise(strip_accents(name)))
    k |= {_canon(x) for x in k}
    k.discard("")
    return k


def _split(v: str) -> tuple[str, ...]:
    return tuple(x for x in v.split("|") if x) if v else ()


def _cache_dir() -> Path:
    env = os.environ.get("INTL_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "intl-dashboard"


def _read_table(path: Path) -> tuple[bytes, int]:
    """The decompressed table and where its rows start (after the checked header line)."""
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as e:
        raise RegistryError(f"{path}: not a gzip file ({e})") from None
    nl = data.find(b"\n")
    head = data[: nl if nl >= 0 else len(data)]
    if head.decode("utf-8", "replace").split("\t") != _COLUMNS:
        raise RegistryError(f"{path} line 1: expected the columns {', '.join(_COLUMNS)}")
    return data, (nl + 1 if nl >= 0 else len(data))


_BUCKET_BITS = 18  # 262,144 buckets for ~260,000 keys: a lookup reads one or two entries


def _build_cache(data: bytes, start: int, path: Path, key: str) -> list:
    """The cache file's parts, written one after the other: header, row offsets, the rows, the sorted
    key hashes, their rows, and the first index of each bucket (a hash's top bits) in the hashes."""
    offsets = array.array("Q", [0])
    packed: list[int] = []  # hash << 32 | row: one int each, sorted once
    pos, i, end = start, 0, len(data)
    while pos < end:
        nl = data.find(b"\n", pos)
        nl = end if nl < 0 else nl
        try:
            f = data[pos:nl].decode("utf-8").split("\t")
        except UnicodeDecodeError:
            raise RegistryError(f"{path} line {i + 2}: not UTF-8") from None
        if len(f) != len(_COLUMNS) or not f[0] or not f[1]:
            raise RegistryError(f"{path} line {i + 2}: expected {len(_COLUMNS)} tab-separated fields "
                                "with an id and a name")
        keys: set[int] = set()
        for n in (f[1], *_split(f[6]), *_split(f[7])):
            keys |= {_h("n", k) for k in _name_keys(n, _NORM)}
        keys |= {_h("a", a) for a in _split(f[4])}
        keys |= {_h("z", z) for z in _split(f[5])}
        packed += [k << 32 | i for k in keys]
        pos = nl + 1
        i += 1
        offsets.append(pos - start)
    blob = min(pos, end) - start
    packed.sort()
    hashes = array.array("Q", (p >> 32 for p in packed))
    rows = array.array("I", (p & 0xFFFFFFFF for p in packed))
    del packed
    if len(rows) % 2:
        rows.append(0)  # keep the next section 8-byte aligned
    buckets = array.array("I", [0]) * ((1 << _BUCKET_BITS) + 1)
    shift, b = 64 - _BUCKET_BITS, 0
    for j, h in enumerate(hashes):
        top = h >> shift
        while b <= top:
            buckets[b] = j
            b += 1
    for j in range(b, len(buckets)):
        buckets[j] = len(hashes)
    header = json.dumps({"format": _FORMAT, "key": key, "rows": i, "keys": len(hashes),
                         "blob": blob, "bucket_bits": _BUCKET_BITS}).encode()
    header += b" " * (-(len(_MAGIC) + 4 + len(header)) % 8)
    body = memoryview(data)[start:start + blob]
    pad = b"\n" * (-blob % 8)
    return [_MAGIC, struct.pack("<I", len(header)), header, offsets, body, pad, hashes, rows, buckets]


def write_cache_file(cache: Path, prefix: str, write) -> None:
    """``write(fh)`` into ``cache`` atomically (a temporary file renamed over it: two processes building at once
    both end with a whole file), readable by all; OSError where the folder cannot be written."""
    cache.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=prefix)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, cache)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def prune_cache(keep: Path, pattern: str, days: float = 30) -> None:
    """Cache files matching ``pattern`` beside ``keep`` (built from other inputs: an update leaves one behind) and
    not used for ``days`` are removed."""
    limit = time.time() - days * 86400
    for p in keep.parent.glob(pattern):
        try:
            if p != keep and max(p.stat().st_atime, p.stat().st_mtime) < limit:
                p.unlink()
        except OSError:
            pass


def _map(path: Path):
    """A cache file memory-mapped read-only, or None if it cannot be."""
    try:
        with open(path, "rb") as fh:
            return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None


def _write_parts(parts: list, fh) -> None:
    for part in parts:
        fh.write(part)


class Registry:
    """Lookups over the registry table (see the module docstring)."""

    def __init__(self, table: Path | None, partners: list | None = None):
        t0 = time.perf_counter()
        self.path = table
        self.cache_path: Path | None = None
        self._mm = None
        self._n = 0
        self._nkeys = 0
        if table is not None and table.exists():
            self._open(table)
        self._partners: list[RegistryOrg] = []
        self._p_names: dict[str, list[int]] = {}
        self._p_zh: dict[str, list[int]] = {}
        self._p_acr: dict[str, list[int]] = {}
        for p in partners or []:
            self._add_partner(p)
        self._record = lru_cache(maxsize=4096)(self._decode)
        self.load_seconds = time.perf_counter() - t0

    # -- loading ---------------------------------------------------------------------------------
    def _open(self, table: Path) -> None:
        raw = table.read_bytes()
        probe = "\x1f".join(norm(p) for p in _NORM_PROBES)
        key = hashlib.sha1(raw + f"|{_FORMAT}|{probe}".encode()).hexdigest()[:20]
        cache = _cache_dir() / f"registry-{key}.bin"
        if cache.exists() and self._attach(_map(cache), key):
            self.cache_path = cache
            return
        data, start = _read_table(table)
        parts = _build_cache(data, start, table, key)
        try:
            write_cache_file(cache, ".registry-", lambda fh: _write_parts(parts, fh))
            mapped = _map(cache)
        except OSError:
            mapped = None
        if mapped is not None and self._attach(mapped, key):
            self.cache_path = cache
            prune_cache(cache, "registry-*.bin")
            return
        mem = io.BytesIO()  # no writable cache folder: kept in memory
        _write_parts(parts, mem)
        if not self._attach(mem.getbuffer(), key):  # pragma: no cover - the bytes were just built
            raise RegistryError(f"{table}: the index built from it does not read back")

    def _attach(self, buf, key: str) -> bool:
        """Use a cache file's bytes if they are whole and built from this table (else False: rebuild)."""
        if buf is None:
            return False
        try:
            mv = memoryview(buf)
            if bytes(mv[:8]) != _MAGIC:
                return False
            (hlen,) = struct.unpack("<I", mv[8:12])
            head = json.loads(bytes(mv[12:12 + hlen]))
            if head.get("key") != key or head.get("format") != _FORMAT:
                return False
            n, nk, blob, bits = head["rows"], head["keys"], head["blob"], head["bucket_bits"]
            p = 12 + hlen
            sizes = [8 * (n + 1), blob + (-blob % 8), 8 * nk, 4 * (nk + nk % 2), 4 * ((1 << bits) + 1)]
            if len(mv) != p + sum(sizes):
                return False  # cut short (a disk that filled up) or something else
            self._offsets = mv[p:p + 8 * (n + 1)].cast("Q")
            p += sizes[0]
            self._blob = mv[p:p + blob]
            p += sizes[1]
            self._hashes = mv[p:p + 8 * nk].cast("Q")
            p += sizes[2]
            self._rows = mv[p:p + 4 * nk].cast("I")
            p += sizes[3]
            self._shift = 64 - bits
            self._buckets = mv[p:p + 4 * ((1 << bits) + 1)].cast("I")
        except (ValueError, KeyError, TypeError, struct.error):
            return False
        self._mm, self._n, self._nkeys = buf, n, nk
        return True

    def _add_partner(self, p) -> None:
        i = len(self._partners)
        rec = RegistryOrg(f"partner:{norm(p.name)}", p.name, p.country, p.kind or "university",
                          tuple(a for a in p.aliases if re.fullmatch(r"[A-Z][A-Za-z&\-]{1,9}", a)),
                          tuple(x for x in [p.zh, *p.aliases] if x and _CJK.search(x)),
                          tuple(a for a in p.aliases if not _CJK.search(a)), (), "partners", -1)
        self._partners.append(rec)
        for f in (rec.name, *rec.aliases):
            for k in _name_keys(f):
                self._p_names.setdefault(k, []).append(i)
        for z in rec.zh:
            self._p_zh.setdefault(z, []).append(i)
        for a in rec.acronyms:
            self._p_acr.setdefault(a, []).append(i)

    # -- rows ------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._n

    def _decode(self, row: int) -> RegistryOrg:
        s, e = self._offsets[row], self._offsets[row + 1] - 1
        f = bytes(self._blob[s:e]).decode("utf-8").split("\t")
        return RegistryOrg(f[0], f[1], f[2] or None, f[3] or "other", _split(f[4]), _split(f[5]), _split(f[6]),
                           _split(f[7]), f[8] or "ror", row)

    def record(self, row: int) -> RegistryOrg:
        """The registry row ``row`` (0 ≤ row < len(self))."""
        if not 0 <= row < self._n:
            raise IndexError(row)
        return self._record(row)

    def records(self) -> Iterator[RegistryOrg]:
        """Every registry row, in table order (decoded one by one; not cached)."""
        for i in range(self._n):
            yield self._decode(i)

    @property
    def partners(self) -> list[RegistryOrg]:
        return list(self._partners)

    def _rows_for(self, h: int) -> list[int]:
        if not self._nkeys:
            return []
        b = h >> self._shift
        hs = self._hashes
        return sorted(self._rows[i] for i in range(self._buckets[b], self._buckets[b + 1]) if hs[i] == h)

    # -- lookups ---------------------------------------------------------------------------------
    def _probe(self, h: int) -> bool:
        b = h >> self._shift
        hs = self._hashes
        return any(hs[i] == h for i in range(self._buckets[b], self._buckets[b + 1]))

    def has_norm(self, key: str) -> bool:
        """Whether a normalised name (``norm(name)``) is any row's name, alias or former name
        (no row is decoded: cheap enough to probe every candidate span of a text)."""
        if key in self._p_names:
            return True
        if not self._nkeys:
            return False
        if self._probe(_h("n", key)):
            return True
        c = _canon(key)
        return c != key and self._probe(_h("n", c))

    def by_norm(self, key: str) -> list[RegistryOrg]:
        """Organisations one of whose names, aliases or former names normalises to ``key`` ("St" and
        "Saint" alike); partners.csv entries first, then registry rows (namesakes in several countries
        all come back, in table order). Keys are 64-bit hashes: a false match would take billions of
        billions of lookups, so the rows found are not checked again."""
        keys = {key, _canon(key)}
        out = [self._partners[i] for i in sorted({i for k in keys for i in self._p_names.get(k, ())})]
        rows = sorted({r for k in keys for r in self._rows_for(_h("n", k))})
        return out + [self._record(r) for r in rows]

    def by_name(self, name: str) -> list[RegistryOrg]:
        """``by_norm`` of the name; if nothing, of the name without accents (Universitat → Universität)."""
        keys = [norm(name)]
        if not name.isascii():
            keys.append(norm(strip_accents(name)))
        seen, out = set(), []
        for k in keys:
            for rec in self.by_norm(k):
                if (rec.id, rec.row) not in seen:
                    seen.add((rec.id, rec.row))
                    out.append(rec)
        return out

    def by_acronym(self, acronym: str) -> list[RegistryOrg]:
        """Organisations with this acronym, exactly as written (case-sensitive): often several."""
        acronym = acronym.strip()
        out = [self._partners[i] for i in self._p_acr.get(acronym, ())]
        out += [rec for r in self._rows_for(_h("a", acronym)) if acronym in (rec := self._record(r)).acronyms]
        return out

    def by_zh(self, name: str) -> list[RegistryOrg]:
        """Organisations with this Chinese name, exactly as written (simplified or traditional)."""
        name = name.strip()
        out = [self._partners[i] for i in self._p_zh.get(name, ())]
        out += [rec for r in self._rows_for(_h("z", name)) if name in (rec := self._record(r)).zh]
        return out

    def lookup(self, name: str) -> list[RegistryOrg]:
        """A name as found in a text: Chinese by ``by_zh``, else ``by_name``."""
        return self.by_zh(name) if _CJK.search(name) else self.by_name(name)

    def country(self, name: str) -> str | None:
        """The country of a name: a partners.csv entry's when it gives one; else the registry's when all
        its records of that name agree; else None (namesakes in several countries, or unknown)."""
        return self._country_of(self.lookup(name))

    def country_for_norm(self, key: str) -> str | None:
        """``country`` for a name already normalised (Chinese names as written)."""
        return self._country_of(self.by_zh(key) if _CJK.search(key) else self.by_norm(key))

    @staticmethod
    def _country_of(cands: list[RegistryOrg]) -> str | None:
        for c in cands:
            if c.source == "partners" and c.country:
                return c.country
        codes = {c.country for c in cands if c.source != "partners"}
        return codes.pop() if len(codes) == 1 else None

    def iter_names(self, fields: tuple[str, ...] = ("name", "aliases", "former", "acronyms", "zh")
                   ) -> Iterator[tuple[str, str, int]]:
        """(surface form, field, row) for every form of every registry row, for building matchers
        (``record(row)`` gives the organisation). Partners are not included: they are the Reference's."""
        for i in range(self._n):
            rec = self._decode(i)
            for fld in fields:
                vals = (rec.name,) if fld == "name" else getattr(rec, fld)
                for v in vals:
                    yield v, fld, i

    def stats(self) -> dict:
        return {"records": self._n, "index_keys": self._nkeys, "partners": len(self._partners),
                "table": str(self.path) if self.path else None,
                "cache": str(self.cache_path) if self.cache_path else None,
                "load_seconds": round(self.load_seconds, 4)}


def registry_table(directory: str | Path | None = None) -> Path:
    """``registry.tsv.gz`` of the reference folder, else the one shipped in data/reference."""
    d = Path(directory or DEFAULT_DIR).resolve()
    p = d / REGISTRY_FILE
    return p if p.exists() else DEFAULT_DIR.resolve() / REGISTRY_FILE


def load_registry(directory: str | Path | None = None) -> Registry:
    """The registry of a reference folder (its ``registry.tsv.gz``, else the shipped one), with that
    folder's ``partners.csv`` taking precedence. Cached per process and folder."""
    return _load(str(Path(directory or DEFAULT_DIR).resolve()))


@lru_cache(maxsize=4)
def _load(directory: str) -> Registry:
    from etl.resolve.reference import load_reference

    return Registry(registry_table(directory), load_reference(directory).partners)
