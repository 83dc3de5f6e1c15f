"""Faster scans of the extractor's patterns, with the same matches.

Python's regular-expression engine skips quickly to the places where a match can start only when the
pattern opens with a literal character or a set written case-sensitively. Most cue patterns open with
``\\b``, a look-behind or an alternation of words under ``re.I`` ("\\b(?:received|welcomed|hosted)…"): the
engine then enters the whole pattern at every position of the text, and tries every alternative there.

``guarded(rx)`` puts a look-ahead in front of such a pattern: the set of characters that any match of it can
start with, read from the pattern's own parse (``(?=[rwh])(?:\\b(?:received|welcomed|hosted)…)``). At most
positions the look-ahead fails on one character test. The look-ahead only states what every match already
satisfies, so the matches, their spans and their groups are the same; a pattern that can match the empty
string, whose first character can be any, that is anchored at the start (``^``, ``\\A``), that opens with a
look-ahead (one already guarded) or that the engine already scans fast is returned as it is (so is any pattern
this module cannot read: the guard is a speed-up, never a condition).

The guarded pattern is named by that look-ahead form, but compiled (``_skipping``) as the engine compiles a
pattern that opens with a set: the set goes into the block of information the engine reads before a search,
which then skips in one tight loop to the next character of the set and enters the pattern only there.
"""
from __future__ import annotations

import re
import sys
from functools import lru_cache

try:  # the engine's own parser (Python 3.11+); without it, patterns are used as they are
    import _sre
    from re import _compiler as _C, _constants as _K, _parser as _P
except ImportError:  # pragma: no cover
    _sre = _C = _K = _P = None


class _Open(Exception):
    """The first character of a match cannot be told as a set (any character, a negated set, a back-reference)."""


_CATEGORIES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_SPACE": r"\s", "CATEGORY_WORD": r"\w"}


def _first_of(seq, flags: int, out: list) -> bool:
    """Add to ``out`` the (item, ignore-case) that can open a match of the sequence ``seq``; whether ``seq`` can
    match the empty string (then what follows it can open the match too)."""
    for op, av in seq:
        if op in (_K.AT, _K.ASSERT, _K.ASSERT_NOT):
            continue  # zero-width: the next item opens the match
        if not _first_of_item(op, av, flags, out):
            return False
    return True


def _first_of_item(op, av, flags: int, out: list) -> bool:
    ic = bool(flags & re.I)
    if op is _K.LITERAL:
        out.append((("lit", av), ic))
        return False
    if op is _K.IN:
        if av and av[0][0] is _K.NEGATE:
            raise _Open
        for o, a in av:
            if o is _K.LITERAL:
                out.append((("lit", a), ic))
            elif o is _K.RANGE:
                out.append((("range", a), ic))
            elif o is _K.CATEGORY and str(a) in _CATEGORIES:
                out.append((("cat", str(a)), ic))
            else:
                raise _Open
        return False
    if op is _K.BRANCH:
        empty = False
        for alt in av[1]:
            empty = _first_of(alt, flags, out) or empty
        return empty
    if op is _K.SUBPATTERN:
        _, add, remove, sub = av
        return _first_of(sub, (flags | add) & ~remove, out)
    if op in (_K.MAX_REPEAT, _K.MIN_REPEAT, _K.POSSESSIVE_REPEAT):
        lo, _, sub = av
        return _first_of(sub, flags, out) or lo == 0
    if op is _K.ATOMIC_GROUP:
        return _first_of(av, flags, out)
    raise _Open


def _charset(items) -> str:
    parts = []
    for kind, a in items:
        if kind == "lit":
            parts.append("\\" + chr(a) if chr(a) in "-]\\^[" else re.escape(chr(a)))
        elif kind == "range":
            parts.append(f"{re.escape(chr(a[0]))}-{re.escape(chr(a[1]))}")
        else:
            parts.append(_CATEGORIES[a])
    return "[" + "".join(dict.fromkeys(parts)) + "]"


@lru_cache(maxsize=1024)
def guarded(rx: re.Pattern) -> re.Pattern:
    """``rx`` with a look-ahead of the characters its matches start with (see the module docstring), or ``rx``
    itself where that would not help or cannot be told."""
    src, flags = rx.pattern, rx.flags
    if _P is None or not isinstance(src, str) or flags & re.X:
        return rx
    try:
        tree = _P.parse(src, flags)
        gflags = tree.state.flags
        if tree.getwidth()[0] == 0:
            return rx  # can match the empty string
        if tree.data and (tree.data[0][0] is _K.ASSERT or (tree.data[0][0] is _K.AT and tree.data[0][1] in (
                _K.AT_BEGINNING, _K.AT_BEGINNING_STRING))):
            return rx  # opens with a look-ahead already (a guarded pattern), or at the start only (^, \A)
        if _C._get_literal_prefix(tree, gflags)[0] or _C._get_charset_prefix(tree, gflags):
            return rx  # the engine already skips to a literal prefix or a set
        items: list = []
        if _first_of(tree.data, gflags, items):
            return rx
        ignore = bool(gflags & re.I)
        sensitive = [i for i, ic in items if not ic]
        insensitive = [i for i, ic in items if ic]
        sets = []
        if sensitive:
            sets.append(("(?-i:" if ignore else "(?:") + _charset(sensitive) + ")")
        if insensitive:
            sets.append(("(?:" if ignore else "(?i:") + _charset(insensitive) + ")")
        new = re.compile(f"(?={'|'.join(sets)})(?:{src})", flags)
    except (_Open, re.error, AttributeError, TypeError, ValueError, IndexError):
        return rx
    if new.groups != rx.groups or new.groupindex != rx.groupindex:
        return rx
    if not _skipping_works():
        return new
    try:
        fast = _skipping(tree, rx, items, new.pattern)
    except (re.error, AttributeError, TypeError, ValueError, IndexError, AssertionError, RuntimeError):
        fast = None
    return new if fast is None or fast.groups != rx.groups or fast.groupindex != rx.groupindex else fast


# (pattern, flags) pairs whose matches the engine-level skip must reproduce before it is used at all: the byte code
# of ``_skipping`` follows CPython's own compiler (re._compiler), a private layout a later Python may change; a
# Python on which these probes differ, or fail, keeps the look-ahead form, whose matches are the plain pattern's
_PROBES = ((r"\b(?:visit(?:ed|s)?|delegation)\b", re.I), (r"(?<![A-Za-z])[A-Z][a-z]+\s+University\b", 0),
           (r"\d{1,2}\s*(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Z][a-z]+", 0), (r"(?:签署|签订)[^，。]{0,20}?协议", 0),
           (r"\b(?P<a>exchange|summer)\s+(?P<b>students?|school)\b", re.I))
_PROBE_TEXT = ("The Delegation VISITED Kelvin University on 3rd of May; a summer School and EXCHANGE students. "
               "双方签署了学生交换协议。 Visits by the delegation of ſtate Ktech University on 12 June. delegation.")


@lru_cache(maxsize=1)
def _skipping_works() -> bool:
    """Whether ``_skipping``'s patterns find exactly what the plain patterns find on this Python (see _PROBES)."""
    if _sre is None or _C is None:
        return False
    try:
        for src, flags in _PROBES:
            rx = re.compile(src, flags)
            tree = _P.parse(src, flags)
            items: list = []
            if _first_of(tree.data, tree.state.flags, items):
                return False
            fast = _skipping(tree, rx, items, src)
            if fast is None:
                continue
            want = [(m.span(), m.groups()) for m in rx.finditer(_PROBE_TEXT)]
            if not want or [(m.span(), m.groups()) for m in fast.finditer(_PROBE_TEXT)] != want:
                return False
    except Exception:  # noqa: BLE001 - any failure of the private layout: the look-ahead form is used
        return False
    return True


def _skipping(tree, rx: re.Pattern, items: list, pattern: str) -> re.Pattern | None:
    """``rx`` compiled with the set of its first characters in the block of information that opens the engine's
    code, as the engine's own compiler writes it for a pattern that opens with a set: a search then skips, in one
    tight loop, every position whose character is not in the set and enters the pattern only at the others (the
    look-ahead of ``guarded`` is entered at every position). The set is written case-sensitively, so a letter
    under re.I stands for both its cases and for the letters outside ASCII that match an ASCII letter under re.I
    (``_FOLDS_TO_ASCII``: a larger set skips less, never a match). None where a letter outside ASCII would be
    matched ignoring case (its other cases are not told here). ``pattern`` is the look-ahead form, which has the
    same matches."""
    ops = []
    folds = False
    for (kind, a), ic in items:
        if kind == "lit":
            ch = chr(a)
            chars = {ch}
            if ic and ch.lower() != ch.upper():
                if not ch.isascii():
                    return None
                chars |= {ch.lower(), ch.upper()}
                folds = True
            ops += [(_K.LITERAL, ord(c)) for c in sorted(chars)]
        elif kind == "range":
            lo, hi = a
            if ic and any(chr(c).lower() != chr(c).upper() for c in range(lo, hi + 1)):
                if hi > 0x7F:
                    return None
                ops += [(_K.LITERAL, ord(c)) for c in sorted({x for c in range(lo, hi + 1)
                                                               for x in (chr(c), chr(c).lower(), chr(c).upper())})]
                folds = True
            else:
                ops.append((_K.RANGE, (lo, hi)))
        else:
            ops.append((_K.CATEGORY, getattr(_K, a)))
    if folds:
        ops += [(_K.LITERAL, ord(c)) for c in _FOLDS_TO_ASCII]
    flags = rx.flags
    lo, hi = tree.getwidth()
    if lo == 0:
        return None
    charset, hascased = _C._optimize_charset(ops)
    if hascased:
        return None
    code = [_K.INFO, 0, _K.SRE_INFO_CHARSET, min(lo, _C.MAXCODE), min(hi, _C.MAXCODE)]
    _C._compile_charset(charset, flags, code)
    code[1] = len(code) - 1
    _C._compile(code, tree.data, flags)
    code.append(_K.SUCCESS)
    groupindex = tree.state.groupdict
    indexgroup = [None] * tree.state.groups
    for k, i in groupindex.items():
        indexgroup[i] = k
    return _sre.compile(pattern, flags, code, tree.state.groups - 1, groupindex, tuple(indexgroup))


# -- words a match must hold ---------------------------------------------------------------------------------------
# Non-ASCII characters that match an ASCII letter under re.I (İ ı ſ K): a text holding one is scanned as it is.
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


def _factors(seq, flags: int) -> list[tuple[str, bool]] | None:
    """Strings one of which every match of ``seq`` holds, as (string, ignore case), or None where none can be
    told. Of the candidates (runs of literal characters, groups and alternations that must match) the one whose
    shortest string is longest is kept."""
    cands: list[list[tuple[str, bool]]] = []
    run: list[str] = []
    mode = None  # whether the run's cased letters ignore case (None: no cased letter yet)

    def close() -> None:
        nonlocal run, mode
        if run:
            cands.append([("".join(run), mode is True)])
        run, mode = [], None

    for op, av in seq:
        if op is _K.LITERAL:
            ch = chr(av)
            cased = ch.lower() != ch.upper()
            ic = cased and bool(flags & re.I)
            if (ic and not ch.isascii()) or (not cased and ch.lower() != ch):
                close()  # (a cased letter outside ASCII under re.I: no plain substring test)
                continue
            if cased and mode is not None and mode != ic:
                close()
            if cased:
                mode = ic
            run.append(ch.lower() if ic else ch)
            continue
        close()
        sub = None
        if op is _K.SUBPATTERN:
            sub = _factors(av[3], (flags | av[1]) & ~av[2])
        elif op is _K.BRANCH:
            alts = [_factors(alt, flags) for alt in av[1]]
            sub = None if any(a is None for a in alts) else [f for a in alts for f in a]
        elif op in (_K.MAX_REPEAT, _K.MIN_REPEAT, _K.POSSESSIVE_REPEAT) and av[0] >= 1:
            sub = _factors(av[2], flags)
        elif op is _K.ATOMIC_GROUP:
            sub = _factors(av, flags)
        if sub:
            cands.append(sub)
    close()
    if not cands:
        return None
    return max(cands, key=lambda fs: (min(len(f) for f, _ in fs), -len(fs)))


class Prefiltered:
    """A pattern with a cheap test before its scans: the words one of which every match holds (read from the
    pattern's parse, ``_factors``), looked for with one case-sensitive scan of the text (lower-cased for the words
    under re.I). A text without any of them has no match, so the scan is skipped; otherwise the pattern runs as it
    is. The methods the extractor uses are those of ``re.Pattern``, with the same results."""

    __slots__ = ("rx", "_cs", "_ci", "pattern", "flags", "groups", "groupindex")
    _last: tuple[str | None, str | None] = (None, None)  # (text, its lower-cased form): the last text tested

    def __init__(self, rx: re.Pattern, cs: re.Pattern | None, ci: re.Pattern | None) -> None:
        self.rx, self._cs, self._ci = rx, cs, ci
        self.pattern, self.flags, self.groups, self.groupindex = rx.pattern, rx.flags, rx.groups, rx.groupindex

    def may_match(self, string: str) -> bool:
        if self._cs is not None and self._cs.search(string):
            return True
        if self._ci is None:
            return False
        last = Prefiltered._last
        if last[0] is string:
            low = last[1]
        else:
            low = None if any(c in string for c in _FOLDS_TO_ASCII) else string.lower()
            Prefiltered._last = (string, low)
        return low is None or self._ci.search(low) is not None

    def search(self, string, *a, **k):
        return self.rx.search(string, *a, **k) if self.may_match(string) else None

    def match(self, string, *a, **k):
        return self.rx.match(string, *a, **k) if self.may_match(string) else None

    def fullmatch(self, string, *a, **k):
        return self.rx.fullmatch(string, *a, **k) if self.may_match(string) else None

    def finditer(self, string, *a, **k):
        return self.rx.finditer(string, *a, **k) if self.may_match(string) else iter(())

    def findall(self, string, *a, **k):
        return self.rx.findall(string, *a, **k) if self.may_match(string) else []

    def sub(self, repl, string, *a, **k):
        return self.rx.sub(repl, string, *a, **k) if self.may_match(string) else string

    def __repr__(self) -> str:
        return f"Prefiltered({self.rx!r})"


@lru_cache(maxsize=1024)
def prefiltered(rx: re.Pattern):
    """``rx`` (guarded) behind a test of the words its matches hold (``Prefiltered``), or the guarded ``rx`` where
    no such words can be told or the shortest is a single character (no cheaper than the scan)."""
    g = guarded(rx)
    if _P is None or not isinstance(rx.pattern, str) or rx.flags & re.X:
        return g
    try:
        tree = _P.parse(rx.pattern, rx.flags)
        fs = _factors(tree.data, tree.state.flags)
    except (re.error, AttributeError, TypeError, ValueError, IndexError, RecursionError):
        return g
    if not fs or any(len(f) < 2 and f.isascii() for f, _ in fs):
        return g  # (a single Latin letter or sign is in most texts)
    cs = sorted({f for f, ic in fs if not ic}, key=len, reverse=True)
    ci = sorted({f for f, ic in fs if ic}, key=len, reverse=True)
    return Prefiltered(g, re.compile("|".join(map(re.escape, cs))) if cs else None,
                       re.compile("|".join(map(re.escape, ci))) if ci else None)


class FirstOf:
    """The alternation of whole patterns (``A|B|C``, none with a group of its own) searched one alternative at a
    time, each guarded (``guarded``): the alternation enters all its branches at every place where any of them can
    start, an alternative only where it can (the three alternations of list frames, each of a dozen cues, took
    twice as long so). The match is that of the alternation: the leftmost of the alternatives' matches, and of
    those starting at one place the first alternative's (the engine tries an alternation's branches in order at
    each place and keeps the first that matches). Only ``search`` is offered; its match has the alternation's
    start, end and text."""

    __slots__ = ("parts", "pattern", "flags")

    def __init__(self, parts: list[re.Pattern], joined: re.Pattern) -> None:
        self.parts = tuple(guarded(p) for p in parts)
        self.pattern, self.flags = joined.pattern, joined.flags

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize):
        best = None
        for p in self.parts:
            m = p.search(string, pos, endpos)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
                if m.start() <= pos:
                    break  # (no later alternative starts before it; at the same place the earlier one wins)
        return best

    def __repr__(self) -> str:
        return f"FirstOf({self.pattern!r})"


def first_of(parts: list[re.Pattern], joined: re.Pattern):
    """``FirstOf(parts)`` for the alternation ``joined`` of the patterns ``parts``, or ``joined`` guarded where an
    alternative has a group (its number in the alternation is not its own)."""
    if not parts or any(p.groups for p in parts) or joined.groups:
        return guarded(joined)
    return FirstOf(parts, joined)
