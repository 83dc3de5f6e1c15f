"""Span look-ups in time independent of the text's length.

The extraction rules ask, again and again, "which names overlap [s, e)?", "which name covers this
position?", "which name ends just before here?". Answered by a scan of every name found so far, a
text twice as long took four times as long (1 MB of text: 19 s). :class:`SpanIndex` files each span
under the fixed-width blocks of text it touches, so that a question about a short range looks at
the few spans near it only. The answers are the same as a scan's, in the same order (the order
the spans were added), so every rule reads as it did.
"""
from __future__ import annotations

import bisect
import re
from typing import Any, Iterator

_W = 64  # characters per block


class SpanIndex:
    """Spans ``(start, end, item)``, added and removed, looked up by position.

    Items are compared by identity (``discard`` removes the entry holding that very object)."""

    __slots__ = ("_blocks", "_ends", "_seq", "_n")

    def __init__(self, spans=None) -> None:
        self._blocks: dict[int, list[tuple[int, int, int, Any]]] = {}
        self._ends: dict[int, list[tuple[int, int, int, Any]]] = {}
        self._seq = 0
        self._n = 0
        for sp in spans or ():
            self.add(sp[0], sp[1], sp)

    def __len__(self) -> int:
        return self._n

    def add(self, s: int, e: int, item: Any) -> None:
        entry = (self._seq, s, e, item)
        self._seq += 1
        self._n += 1
        for b in range(s // _W, max(s, e - 1) // _W + 1):
            self._blocks.setdefault(b, []).append(entry)
        self._ends.setdefault(e, []).append(entry)

    def discard(self, s: int, e: int, item: Any) -> None:
        """Remove the entry of ``item`` at [s, e) (nothing when there is none)."""
        found = False
        for b in range(s // _W, max(s, e - 1) // _W + 1):
            lst = self._blocks.get(b)
            if not lst:
                continue
            for i, x in enumerate(lst):
                if x[3] is item and x[1] == s and x[2] == e:
                    del lst[i]
                    found = True
                    break
        lst = self._ends.get(e)
        if lst:
            for i, x in enumerate(lst):
                if x[3] is item and x[1] == s:
                    del lst[i]
                    break
        if found:
            self._n -= 1

    def _near(self, s: int, e: int) -> list[tuple[int, int, int, Any]]:
        seen: dict[int, tuple[int, int, int, Any]] = {}
        for b in range(s // _W, max(s, e - 1) // _W + 1):
            for x in self._blocks.get(b, ()):
                seen[x[0]] = x
        return [seen[k] for k in sorted(seen)]

    def overlapping(self, s: int, e: int) -> list[Any]:
        """Items whose span overlaps [s, e) (``start < e and s < end``), in the order they were added."""
        return [x[3] for x in self._near(s, e) if x[1] < e and s < x[2]]

    def overlaps(self, s: int, e: int) -> bool:
        for b in range(s // _W, max(s, e - 1) // _W + 1):
            for x in self._blocks.get(b, ()):
                if x[1] < e and s < x[2]:
                    return True
        return False

    def starting_in(self, s: int, e: int) -> list[Any]:
        """Items whose span starts in [s, e), in the order they were added."""
        return [x[3] for x in self._near(s, e) if s <= x[1] < e]

    def at(self, pos: int) -> list[Any]:
        """Items whose span covers ``pos`` or starts there (``start <= pos < end or pos == start``), in order."""
        return [x[3] for x in self._near(pos, pos + 1) if x[1] <= pos < x[2] or pos == x[1]]

    def ending_in(self, s: int, e: int) -> list[Any]:
        """Items whose span ends in [s, e], in the order they were added."""
        out = []
        for end in range(s, e + 1):
            out.extend(self._ends.get(end, ()))
        out.sort(key=lambda x: x[0])
        return [x[3] for x in out]

    def items(self) -> Iterator[Any]:
        seen: dict[int, Any] = {}
        for lst in self._blocks.values():
            for x in lst:
                seen[x[0]] = x[3]
        return iter([seen[k] for k in sorted(seen)])


# -- the nearest punctuation ---------------------------------------------------------------------
# "the clause around a name" was max(text.rfind(ch, 0, pos) for ch in "。，；…"): a scan back to the start of the
# text whenever one of the marks is absent from it. The marks' places are listed once per text instead.
_MARKS: dict[str, tuple[str, list[int]]] = {}


def _marks(text: str, chars: str) -> list[int]:
    got = _MARKS.get(chars)
    if got is None or got[0] is not text:
        got = _MARKS[chars] = (text, [i for i, c in enumerate(text) if c in chars] if len(chars) > 1 else
                               [m.start() for m in re.finditer(re.escape(chars), text)])
    return got[1]


def last_of(text: str, chars: str, pos: int) -> int:
    """``max(text.rfind(ch, 0, pos) for ch in chars)``: where the last of the marks before ``pos`` is (-1: none)."""
    marks = _marks(text, chars)
    # a mark at p counts when p + 1 <= pos (rfind(ch, 0, pos) finds ch within text[0:pos])
    i = bisect.bisect_left(marks, pos) - 1
    return marks[i] if i >= 0 else -1


def next_of(text: str, chars: str, pos: int, default: int) -> int:
    """``min((i for i in (text.find(ch, pos) for ch in chars) if i != -1), default=default)``."""
    marks = _marks(text, chars)
    i = bisect.bisect_left(marks, pos)
    return marks[i] if i < len(marks) else default
