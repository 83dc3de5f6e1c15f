"""Domestic partners: which partners count as *international*.

A company or university in the home institution's own country (a Chinese company for BISTU) is
a partner, but not an international one: it must not make "Countries 25" out of 24 foreign
countries, nor colour the home country on the world map. :func:`is_international` is the one
rule; the Overview's KPIs, its maps and the Partners page's map apply it (through
:func:`adjust_kpis` and :func:`split_countries`), and show the domestic partners apart.

The home country is a setting, read once per process, first found of:

1. ``INTL_HOME_COUNTRY`` (an ISO 3166 alpha-2 code; ``none`` switches the split off);
2. ``home_country`` in the ``[institution]`` table of ``intl.toml``;
3. ``"country"`` of ``home`` in the reference data's ``home_units.json`` (``CN`` for BISTU).
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any

import pandas as pd

from dashboard.queries.common import Filters

OFF = ("", "none", "off", "-")


@lru_cache(maxsize=1)
def home_country() -> str | None:
    """The home institution's country (alpha-2, upper case), or None when not set (no split)."""
    env = os.environ.get("INTL_HOME_COUNTRY")
    if env is not None:
        return None if env.strip().lower() in OFF else env.strip().upper()
    try:
        from etl.config import load_settings

        s = load_settings()
    except Exception:  # noqa: BLE001 - a broken config must not break the pages; no split then
        return None
    value = ((getattr(s, "raw", None) or {}).get("institution") or {}).get("home_country")
    if value is not None:
        return None if str(value).strip().lower() in OFF else str(value).strip().upper()
    try:
        home = json.loads((s.reference_dir / "home_units.json").read_text(encoding="utf-8")).get("home") or {}
    except (OSError, ValueError):
        return None
    code = str(home.get("country") or "").strip()
    return code.upper() if code and code.lower() not in OFF else None


def is_international(country: Any, home: str | None = None) -> bool:
    """Whether a partner of ``country`` counts as international: its country is known and is
    not the home country. The one rule for the KPIs and the maps."""
    home = home_country() if home is None else home
    if not isinstance(country, str) or not country:
        return False
    return not home or country.upper() != home


def split_countries(df: pd.DataFrame, home: str | None = None) -> pd.DataFrame:
    """A per-country frame (``country, partners, documents``) without the home country, which
    goes to ``attrs["domestic"]`` (``{"country", "partners", "documents"}``) for a note beside
    the map; unchanged (with no note) when there is no home country or no domestic partner."""
    home = home_country() if home is None else home
    if df is None or df.empty or "country" not in df or not home:
        return df
    mask = df["country"].map(lambda c: is_international(c, home))
    if mask.all():
        return df
    dom = df[~mask & (df["country"].astype(str).str.upper() == home)]
    out = df[mask].reset_index(drop=True)
    if not dom.empty:
        out.attrs["domestic"] = {"country": home, "partners": int(dom["partners"].sum()),
                                 "documents": int(dom["documents"].sum())}
    return out


def countries(url: str, f: Filters) -> pd.DataFrame:
    """:func:`dashboard.queries.overview.countries` for international partners only (the maps'
    and the country charts' frame), the domestic ones in ``attrs["domestic"]``."""
    from dashboard.queries.overview import countries as all_countries

    return split_countries(all_countries(url, f))


def adjust_kpis(url: str, f: Filters, k: dict[str, int] | None) -> dict[str, int] | None:
    """The KPIs ``k`` (of the filters ``f``) with "countries" counting international partners'
    countries only: the home country is taken out when a partner there is in scope."""
    home = home_country()
    if k is None or not home or "countries" not in k:
        return k
    from dashboard.queries.overview import countries as all_countries

    df = all_countries(url, f)
    if not df.empty and (df["country"].astype(str).str.upper() == home).any():
        return {**k, "countries": max(0, int(k["countries"]) - 1)}
    return k


__all__ = ["home_country", "is_international", "split_countries", "countries", "adjust_kpis"]
