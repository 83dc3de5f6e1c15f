"""Header cells → fields, from the tables of spellings in etl/reports/kinds/*.toml.

The engine is small and the spellings are data: each kind's fields list the ways an office
writes their header, in English and Chinese. A cell is matched in steps, each more lenient than
the one before, and the first step that places it wins:

1. its normalised text (:func:`header_key`: NFKC, case folded, punctuation as spaces, plurals
   as singulars) is a spelling of a field;
2. the same without what stands in brackets: units and notes ("人数（人）", "Enrolment (students)",
   "Partner institution(s)", "Signed [YYYY-MM-DD]");
3. a cell listing alternatives ("学院/学部/所属学院", "School / College") whose listed parts that
   are spellings all name one field;
4. its words in any order, small words left out ("Mode of delivery" = "delivery mode",
   "Type of agreement" = "agreement type").

A column map (``columns = {"My header" = "mode"}`` in a source of intl.toml) is consulted first;
it names a field, ``kind.field`` (for one kind only) or ``ignore`` (a column left out on purpose,
without a notice).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

IGNORE = "ignore"
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕|<[^<>]*>")
_ALTERNATIVES = re.compile(r"\s*(?:/|\\|、|\||;|；|\bor\b|或)\s*")
_SMALL_WORDS = frozenset({"of", "the", "a", "an", "in", "for", "at", "to", "by", "and", "s"})
_ASCII_WORD = re.compile(r"^[a-z]+$")


def _singular(word: str) -> str:
    """An English plural read as its singular ("schools" → "school", "countries" → "country");
    applied to spellings and cells alike, so "status" and "statu" never need to be told apart."""
    if not _ASCII_WORD.match(word) or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def header_key(value: Any) -> str:
    """The comparison form of a header cell or a spelling ("" for a blank)."""
    if value is None:
        return ""
    s = unicodedata.normalize("NFKC", str(value)).casefold().replace("&", " and ")
    s = s.replace("'s", "s").replace("’s", "s")
    words = re.sub(r"[\W_]+", " ", s).split()
    return " ".join(_singular(w) for w in words)


def _bare(value: str) -> str:
    """The cell without bracketed parts (units, notes) and without a required-field star."""
    s = unicodedata.normalize("NFKC", str(value))
    prev = None
    while prev != s:
        prev, s = s, _BRACKETS.sub(" ", s)
    return s.strip().strip("*※").strip()


def _words(key: str) -> frozenset[str]:
    return frozenset(w for w in key.split() if w not in _SMALL_WORDS)


@dataclass
class HeaderTable:
    """One kind's spellings: normalised spelling → field, and word set → field."""

    kind: str
    exact: dict[str, str] = field(default_factory=dict)
    by_words: dict[frozenset[str], str] = field(default_factory=dict)

    @classmethod
    def build(cls, kind: str, spellings: Mapping[str, Iterable[str]]) -> HeaderTable:
        t = cls(kind)
        for name, forms in spellings.items():
            for form in forms:
                key = header_key(_bare(form)) or header_key(form)
                if not key:
                    raise ValueError(f"report kind {kind!r}, field {name!r}: an empty header spelling")
                other = t.exact.get(key)
                if other is not None and other != name:
                    raise ValueError(f"report kind {kind!r}: the header {form!r} is a spelling of both "
                                     f"{other!r} and {name!r}")
                t.exact[key] = name
                words = _words(key)
                if words and t.by_words.get(words, name) != name:
                    t.by_words[words] = ""  # two fields share these words: no match by words alone
                else:
                    t.by_words.setdefault(words, name)
        return t

    def field_of(self, cell: Any, column_map: Mapping[str, str] | None = None) -> tuple[str | None, str]:
        """(field name, how it was placed) for a header cell; (None, "") when nothing places it,
        (IGNORE, "column map") for a column the map leaves out on purpose."""
        if cell is None or not str(cell).strip():
            return None, ""
        if column_map:
            for key in (header_key(cell), header_key(_bare(cell))):
                target = column_map.get(key)
                if target is not None:
                    if target == IGNORE:
                        return IGNORE, "column map"
                    kind, _, name = target.rpartition(".")
                    if not kind or kind == self.kind:
                        return name, "column map"
        key = header_key(cell)
        if key in self.exact:
            return self.exact[key], "spelling"
        bare = header_key(_bare(cell))
        if bare and bare in self.exact:
            return self.exact[bare], "spelling without its brackets"
        parts = [header_key(p) for p in _ALTERNATIVES.split(_bare(cell)) if header_key(p)]
        if len(parts) > 1:
            names = {self.exact[p] for p in parts if p in self.exact}
            if len(names) == 1:
                return names.pop(), "one of the alternatives listed"
        for k in (key, bare):
            name = self.by_words.get(_words(k)) if k else None
            if name:
                return name, "the same words in another order"
        return None, ""


def column_map(table: Mapping[str, Any] | None, fields: Mapping[str, set[str]], where: str = "columns") -> dict[str, str]:
    """A ``columns`` setting checked: header → field (``name``, ``kind.name`` or ``ignore``), keyed by
    :func:`header_key`. ``fields``: kind → its field names. Raises ValueError naming what is wrong."""
    if not table:
        return {}
    if not isinstance(table, Mapping):
        raise ValueError(f"{where} must be a table of header = field, e.g. columns = {{\"My header\" = \"mode\"}}")
    every = set().union(*fields.values()) if fields else set()
    out: dict[str, str] = {}
    for header, target in table.items():
        if not isinstance(target, str) or not target.strip():
            raise ValueError(f"{where}: {header!r} must name a field (a string), got {target!r}")
        target = target.strip()
        kind, _, name = target.rpartition(".")
        ok = target == IGNORE or (name in fields.get(kind, ()) if kind else name in every)
        if not ok:
            known = ", ".join(f"{k}: {', '.join(sorted(v))}" for k, v in sorted(fields.items()))
            raise ValueError(f"{where}: {header!r} = {target!r} names no field of a report kind "
                             f"(fields — {known}; or \"ignore\")")
        key = header_key(header)
        if not key:
            raise ValueError(f"{where}: an empty header name")
        out[key] = target
    return out
