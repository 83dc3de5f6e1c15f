"""Cue patterns of a news page, kept as data: ``data/reference/page_cues.csv``.

One row per cue: ``id`` (canonical, unique), ``kind``, ``flags`` (``i`` to ignore case), ``pattern`` (a Python
regular expression) and a ``note`` saying what it catches. The kinds:

- ``nav``: the page's furniture above the article (breadcrumbs, where-you-are labels);
- ``spam``, ``footer``: lines that are no part of the article (injected spam of a mirror page, copyright,
  records, contact details, layout tables) — blanked before extraction;
- ``china_abroad``: a page that speaks of China as abroad (a foreign university's news about its Chinese
  partners);
- ``list_frame``: the start of a list of areas of cooperation (its items are topics, not activities);
- ``background``: a clause of wishes, aims or the past (its cues count half);
- ``profile``: a sentence describing an institution rather than reporting an event.

``cue(kind)`` is the kind's rows joined in file order, each under its own flags. A table that cannot be read
is an error naming the file and the row.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from etl.resolve.reference import DEFAULT_DIR

CUES_FILE = "page_cues.csv"
KINDS = ("nav", "spam", "footer", "china_abroad", "list_frame", "background", "profile")


class CueError(ValueError):
    """The cue table cannot be used (the message names the file and row)."""


@lru_cache(maxsize=4)
def load_cues(directory: str | None = None) -> dict[str, list[tuple[str, str, str]]]:
    """kind → [(id, flags, pattern)] of the reference folder's page_cues.csv (else the shipped one)."""
    d = Path(directory or DEFAULT_DIR)
    path = d / CUES_FILE if (d / CUES_FILE).exists() else Path(DEFAULT_DIR) / CUES_FILE
    out: dict[str, list[tuple[str, str, str]]] = {k: [] for k in KINDS}
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), 2):
            cid, kind = (row.get("id") or "").strip(), (row.get("kind") or "").strip()
            flags, pattern = (row.get("flags") or "").strip(), row.get("pattern") or ""
            if not cid or cid in seen:
                raise CueError(f"{path} row {n}: a missing or repeated id {cid!r}")
            if kind not in KINDS:
                raise CueError(f"{path} row {n}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
            if flags not in ("", "i"):
                raise CueError(f"{path} row {n}: flags must be empty or 'i', not {flags!r}")
            try:
                re.compile(pattern)
            except re.error as e:
                raise CueError(f"{path} row {n} ({cid}): not a regular expression: {e}") from None
            seen.add(cid)
            out[kind].append((cid, flags, pattern))
    return out


@lru_cache(maxsize=64)
def cue(kind: str, directory: str | None = None) -> re.Pattern:
    """The compiled alternation of every cue of ``kind`` (a pattern that never matches when there is none)."""
    rows = load_cues(directory)[kind]
    if not rows:
        return re.compile(r"(?!)")
    return re.compile("|".join(_branch(flags, pattern) for _, flags, pattern in rows))


@lru_cache(maxsize=64)
def cue_parts(kind: str, directory: str | None = None) -> tuple[re.Pattern, ...]:
    """The alternatives of ``cue(kind)`` compiled one by one, in order (fastre.first_of searches them so)."""
    return tuple(re.compile(_branch(flags, pattern)) for _, flags, pattern in load_cues(directory)[kind])


def _branch(flags: str, pattern: str) -> str:
    return f"(?{flags}:{pattern})" if flags else f"(?:{pattern})"
