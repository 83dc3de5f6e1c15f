"""Country names as offices write them → ISO 3166-1 alpha-2 codes.

Office reports mix forms ('UK', 'USA', 'Korea', 'Hong Kong, China', '德国'). A small
table the office can edit, ``country_aliases.csv`` (alias,code) in the reference
folder, is consulted first; then the code itself ('DE'); then pycountry's names and
alpha-3 codes. A name none of them knows is an error for the caller to report: a
country is never guessed.
"""
from __future__ import annotations

import csv
import os
import re
from functools import lru_cache
from pathlib import Path

import pycountry

ALIAS_FILE = "country_aliases.csv"


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", " ", str(text).casefold()).strip()


def reference_dir(directory: str | Path | None = None) -> Path:
    """The reference folder: the one given, else $INTL_REFERENCE_DIR, else data/reference."""
    from etl.resolve.reference import DEFAULT_DIR

    return Path(directory or os.environ.get("INTL_REFERENCE_DIR") or DEFAULT_DIR).resolve()


class Countries:
    """Resolve country names to alpha-2 codes (see the module docstring)."""

    def __init__(self, aliases: dict[str, str] | None = None):
        self.aliases = {_key(k): v.upper() for k, v in (aliases or {}).items()}

    @classmethod
    def from_dir(cls, directory: str | Path | None = None) -> Countries:
        return _cached(str(reference_dir(directory)))

    def code(self, text: str | None) -> str | None:
        """ISO alpha-2 for ``text``; None for a blank; LookupError for an unknown name."""
        if text is None or not str(text).strip():
            return None
        raw = str(text).strip()
        key = _key(raw)
        if key in self.aliases:
            return self.aliases[key]
        if len(raw) == 2 and raw.isalpha() and pycountry.countries.get(alpha_2=raw.upper()):
            return raw.upper()
        try:
            return pycountry.countries.lookup(raw).alpha_2
        except LookupError:
            raise LookupError(f"unknown country {raw!r}") from None


@lru_cache(maxsize=8)
def _cached(directory: str) -> Countries:
    aliases: dict[str, str] = {}
    f = Path(directory) / ALIAS_FILE
    if f.exists():
        with f.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                alias, code = (row.get("alias") or "").strip(), (row.get("code") or "").strip().upper()
                if alias and code:
                    if not pycountry.countries.get(alpha_2=code):
                        raise ValueError(f"{f}: {alias!r} maps to {code!r}, which is not an ISO alpha-2 code")
                    aliases[alias] = code
    return Countries(aliases)
