"""Human labels for the codes stored in the database (activity kinds, countries, languages).

Kept apart from figures and layouts so that every chart, legend and dropdown names a
thing the same way, and so that the English/中文 switch has one place to look.
"""
from __future__ import annotations

from functools import lru_cache

KIND_LABELS: dict[str, tuple[str, str]] = {
    "joint_program": ("Joint programme", "合作办学"),
    "study_abroad": ("Study abroad", "出国（境）学习"),
    "summer_school": ("Summer school", "暑期学校"),
    "international_students": ("International students", "来华留学"),
    "faculty_exchange": ("Faculty exchange", "教师交流"),
    "research_collaboration": ("Research collaboration", "科研合作"),
    "agreement": ("Agreement signed", "签署协议"),
    "delegation_visit": ("Delegation visit", "代表团访问"),
    "conference": ("Conference", "国际会议"),
}

PARTNER_KIND_LABELS: dict[str, str] = {
    "university": "University",
    "institute": "Research institute",
    "company": "Company",
    "government": "Government body",
    "ngo": "Association / NGO",
}

LANGUAGE_LABELS: dict[str, str] = {"en": "English", "zh": "中文"}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, (kind.replace("_", " ").capitalize(), ""))[0]


def partner_kind_label(kind: str | None) -> str:
    return PARTNER_KIND_LABELS.get(kind or "", (kind or "unknown").capitalize())


@lru_cache(maxsize=512)
def country_name(alpha2: str | None) -> str:
    """Short English name of an ISO 3166 alpha-2 code ("KR" → "South Korea")."""
    if not isinstance(alpha2, str) or not alpha2:  # None, or NaN from a pandas string column
        return "Unknown"
    try:
        import pycountry

        c = pycountry.countries.get(alpha_2=alpha2.upper())
    except (ImportError, KeyError, LookupError):
        c = None
    if c is None:
        return alpha2.upper()
    return getattr(c, "common_name", None) or c.name


@lru_cache(maxsize=512)
def alpha3(alpha2: str | None) -> str | None:
    """ISO alpha-3 for an alpha-2 code: the map's topojson keys countries by alpha-3."""
    if not isinstance(alpha2, str) or not alpha2:
        return None
    try:
        import pycountry

        c = pycountry.countries.get(alpha_2=alpha2.upper())
    except (ImportError, KeyError, LookupError):
        c = None
    return c.alpha_3 if c else None


def short_school(name: str, width: int = 34) -> str:
    """A school name short enough for an axis label ("School of Automation" → "Automation")."""
    for prefix in ("School of ", "College of "):
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"


# -- interface language (English / 中文) ----------------------------------------------
# The interface language travels in the URL query string as ``ui=zh`` (default English), so
# a link reproduces the language as well as the view. Every user-visible string goes through
# ``t(text, lang)``; each module registers the Chinese of its own strings with
# ``add_translations({...})`` at import, so pages never edit one shared dictionary.
UI_LANGS = ("en", "zh")
_ZH: dict[str, str] = {}


def add_translations(zh: dict[str, str]) -> None:
    """Register Chinese translations, keyed by the English text."""
    _ZH.update(zh)


def ui_lang(value: object) -> str:
    """The interface language from a URL parameter or store value; English unless 'zh'."""
    return "zh" if str(value or "").lower().startswith("zh") else "en"


def t(text: str, lang: str | None = "en") -> str:
    """``text`` in the interface language (English text is the key; unknown text stays English)."""
    return _ZH.get(text, text) if lang == "zh" else text
