"""etl/extract/fastre.py: a guarded or prefiltered pattern finds the same matches as the pattern itself.

Every compiled pattern of the extractor's modules (and every activity rule) is run as it is, guarded and
prefiltered over the written corpus and the held-out HTML pages, and over a few hand-made strings that probe the
edges (case, letters outside ASCII that match ASCII ones under re.I, a look-behind, a word boundary, Chinese);
the matches, spans and groups must be the same.
"""
from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import etl.extract as extract_pkg
from etl.extract import activities
from etl.extract.fastre import _FOLDS_TO_ASCII, Prefiltered, guarded, prefiltered
from etl.sources.files import read_path

ROOT = Path(__file__).resolve().parents[1]

PROBES = [
    "", "a", "The Delegation from Kelvin University visited BISTU.", "STUDENT EXCHANGE and ſtudent exchange",
    "Vice-President Dr. Anna Lee, dean of the School of Law, signed an MoU.", "学生代表团一行20人来我校交流学习。",
    "İnternational ınternational students; KELVIN Kelvin kelvin", "2+2 programme, 3 + 1, 4+0.",
    "  \n\t-- — «quoted» (aside) [bracket] \\ ^ ] -", "北京信息科技大学与英国考文垂大学签署合作协议",
    "The ſtudents HOPE to join; the firm Acme, a \u212aey company, MERGED with Beta (formerly Gamma).",
    "Students from 12 partner universities, such as Delta and Epsilon, attended; a student exchange and joint research.",
]


def _patterns() -> list[tuple[str, re.Pattern]]:
    out = []
    for mi in pkgutil.iter_modules(extract_pkg.__path__):
        mod = importlib.import_module(f"etl.extract.{mi.name}")
        for name, value in vars(mod).items():
            if isinstance(value, Prefiltered):
                value = value.rx
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                out.append((f"{mi.name}.{name}", value))
    for _, rule, rx, _ in activities.RULES + activities._TITLE_ONLY:
        out.append((f"activities rule {rule}", rx))
    return out


@pytest.fixture(scope="module")
def texts() -> list[str]:
    paths = sorted((ROOT / "tests" / "corpus" / "docs").glob("*.txt")) + \
        sorted(p for p in (ROOT / "tests" / "heldout" / "docs").glob("*.html") if p.is_file())
    return [read_path(p).text for p in paths] + PROBES


def _matches(rx: re.Pattern, text: str) -> list:
    return [(m.span(), m.groups(), m.groupdict()) for m in rx.finditer(text)]


def test_guarded_patterns_find_the_same_matches(texts):
    guarded_count = 0
    for name, rx in _patterns():
        g = guarded(rx)
        if g is rx:
            continue
        guarded_count += 1
        assert g.groups == rx.groups and g.groupindex == rx.groupindex, name
        for text in texts:
            assert _matches(g, text) == _matches(rx, text), (name, text[:80])
            for pos in (0, 1, len(text) // 2):
                m1, m2 = rx.match(text, pos), g.match(text, pos)
                assert (m1 and m1.span()) == (m2 and m2.span()), (name, pos)
    assert guarded_count >= 20  # (most of the extractor's cue patterns open with \b or an alternation)


def test_guard_is_the_set_of_first_characters():
    g = guarded(re.compile(r"\b(?:received|welcomed)\b|(?<!学生)代表团", re.I))
    assert g.pattern.startswith("(?=") and all(c in g.pattern.split(")(?:")[0] for c in "rw代")
    assert g.flags == re.compile("", re.I).flags
    # a scoped flag keeps its own case rule
    g = guarded(re.compile(r"\b(?:x|(?i:y))z"))
    assert g.search("Yz") and not g.search("Xz") and g.search("xz")


@pytest.mark.parametrize("pattern, flags", [
    (r"abc", 0),  # the engine already skips to a literal prefix
    (r"[,;]\s", 0),  # … or to a set
    (r"\d*", 0),  # can match the empty string
    (r".x", 0),  # any character can open a match
    (r"[^a]b", 0),
    (r"(?i)\bx", 0),  # a global flag must stay first
    (r"(a)\1", 0),
])
def test_patterns_left_as_they_are(pattern, flags):
    rx = re.compile(pattern, flags)
    assert guarded(rx) is rx


def test_prefiltered_patterns_find_the_same_matches(texts):
    tested = 0
    for name, rx in _patterns():
        p = prefiltered(rx)
        if not isinstance(p, Prefiltered):
            continue
        tested += 1
        for text in texts:
            assert _matches(p, text) == _matches(rx, text), (name, text[:80])
            assert p.findall(text) == rx.findall(text), name
            assert p.sub("#", text) == rx.sub("#", text), name
            if p.search(text):
                assert p.may_match(text)
    assert tested >= 20


def test_prefilter_skips_a_text_without_its_words():
    p = prefiltered(re.compile(r"\b(?:signed|renewed)\s+(?:an?\s+)?(?:MoU|agreement)", re.I))
    assert isinstance(p, Prefiltered)
    assert not p.may_match("The delegation visited the campus.")
    assert p.may_match("They SIGNED an MoU.") and p.search("They SIGNED an MoU.")
    assert p.search("They \u017figned an agreement.")  # (ſ matches s under re.I: such a text is scanned as it is)
    # a pattern whose matches need no word of two letters or more is only guarded
    assert not isinstance(prefiltered(re.compile(r"\b[A-Z]\w+")), Prefiltered)


def test_the_letters_that_match_ascii_under_ignore_case_are_known():
    ascii_like = re.compile(r"[a-z]", re.I)
    found = {chr(c) for c in range(128, 0x110000) if ascii_like.fullmatch(chr(c))}
    assert found == set(_FOLDS_TO_ASCII)


def test_guarded_pattern_skips_with_the_engines_own_set():
    # the guard is written into the engine's code (a set of first characters it skips to), not entered at every
    # position: the compiled code differs from that of the look-ahead form it is named by, the matches do not
    rx = re.compile(r"\b(?:received|welcomed)\s+\w+|(?<!学生)代表团", re.I)
    g = guarded(rx)
    plain = re.compile(g.pattern, g.flags)
    assert g != plain and g.pattern == plain.pattern
    text = "They RECEIVED guests; the 代表团 and 学生代表团 were Welcomed here."
    assert _matches(g, text) == _matches(rx, text) == _matches(plain, text)


@pytest.mark.parametrize("pattern, text", [
    (r"\bkelvin\b", "a \u212aelvin scale"),  # (Kelvin sign: k under re.I)
    (r"\bsigned\b", "they \u017figned"),  # (long s)
    (r"\binternational\b", "\u0130nternational and \u0131nternational"),  # (dotted capital I, dotless i)
    (r"\b[a-c]x", "Ax bX \u212ax"),  # a range of letters under re.I
    (r"\b(?:élan|x)", "ÉLAN"),  # a letter outside ASCII under re.I: the look-ahead form
    (r"\b(?:[Α-Ω]\w+|y)", "λόγος ΛΌΓΟΣ"),  # a range of Greek capitals under re.I
])
def test_guarded_ignore_case_letters_match_all_their_cases(pattern, text):
    rx = re.compile(pattern, re.I)
    g = guarded(rx)
    assert g is not rx
    assert _matches(g, text) == _matches(rx, text) and _matches(rx, text)


def test_first_of_finds_the_alternations_match(texts):
    from etl.extract.cues import KINDS, cue, cue_parts
    from etl.extract.fastre import FirstOf, first_of

    tested = 0
    for kind in KINDS:
        joined = cue(kind)
        f = first_of(cue_parts(kind), joined)
        if not isinstance(f, FirstOf):
            continue
        tested += 1
        for text in texts:
            # (the whole text, its lines, and from a few places on)
            for s in [text] + text.splitlines():
                for pos in (0, 1, len(s) // 2):
                    m1, m2 = joined.search(s, pos), f.search(s, pos)
                    assert (m1 and (m1.span(), m1.group(0))) == (m2 and (m2.span(), m2.group(0))), (kind, s[:80], pos)
    assert tested >= 3
    # the first alternative wins at one place, the leftmost place wins over the order
    f = first_of([re.compile("ab"), re.compile("abc"), re.compile("b")], re.compile("(?:ab)|(?:abc)|(?:b)"))
    assert f.search("xabc").group(0) == "ab" and f.search("xbab").span() == (1, 2)
    # an alternative with a group of its own: the alternation as it is
    assert not isinstance(first_of([re.compile("(a)"), re.compile("b")], re.compile("(?:(a))|(?:b)")), FirstOf)


def test_the_engine_level_skip_is_used_only_where_its_probes_match_the_plain_patterns(monkeypatch):
    """fastre._skipping writes the engine's private byte code; a Python where that layout differs (here: a skip
    that finds nothing) must keep the look-ahead form, whose matches are the plain pattern's."""
    import re as _re

    from etl.extract import fastre

    assert fastre._skipping_works()  # on this Python the skip is in use …
    rx = _re.compile(r"\b(?:memorandum|agreement)\s+of\s+understanding\b", _re.I)
    fastre.guarded.cache_clear()
    assert fastre.guarded(rx).pattern.startswith("(?=")
    text = "They signed an Agreement of Understanding and a memorandum of understanding."
    want = [m.span() for m in rx.finditer(text)]
    assert [m.span() for m in fastre.guarded(rx).finditer(text)] == want

    broken = _re.compile(r"(?!)")  # a "skip" whose code matches nothing
    monkeypatch.setattr(fastre, "_skipping", lambda *a, **k: broken)
    fastre._skipping_works.cache_clear()
    fastre.guarded.cache_clear()
    try:
        assert not fastre._skipping_works()
        g = fastre.guarded(rx)
        assert g is not broken and [m.span() for m in g.finditer(text)] == want
    finally:
        monkeypatch.undo()
        fastre._skipping_works.cache_clear()
        fastre.guarded.cache_clear()
