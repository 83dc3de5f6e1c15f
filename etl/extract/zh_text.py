"""Traditional Chinese text read through a simplified view, with every offset kept.

Pages from Hong Kong, Macao and Taiwan write 國際事務處, 澳門大學, 簽署協議; the extractor's rules
and reference tables are written in simplified characters. :func:`simplified` converts a text
with OpenCC's ``t2s`` conversion (Apache-2.0, the ``opencc`` package) and guarantees the result
has the same length, character for character, so that a span found in the simplified view is
the same span in the text as written; :func:`restore` puts the written forms back into an
extraction made on the view (units and people are reported as written: 環球事務處, not 环球事务处;
partners keep the simplified form, one key for a name however a page writes it).

A phrase conversion that would change the length (rare in ``t2s``) falls back to converting
that text one character at a time.
"""
from __future__ import annotations

import re
from functools import lru_cache

CJK = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _converter():
    try:
        import opencc
    except ImportError:  # pragma: no cover - declared in pyproject.toml
        return None
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=8192)
def _char(ch: str) -> str:
    conv = _converter()
    out = conv.convert(ch) if conv is not None else ch
    return out if len(out) == 1 else ch


def simplified(text: str) -> str:
    """``text`` with traditional characters in simplified form, the same length as ``text``."""
    conv = _converter()
    if conv is None or not CJK.search(text):
        return text
    out = conv.convert(text)
    if len(out) == len(text):
        return out
    return "".join(_char(c) if CJK.match(c) else c for c in text)


_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_ASCII_PUNCT = re.compile(r"(?<=[\u4e00-\u9fff”’」』》）)])[,;:!?](?=\s*\S)|[,;:!?](?=[\u4e00-\u9fff“‘「『《（(])")


def zh_view(text: str) -> str:
    """The view the 中文 rules read: simplified characters, and the ASCII , ; : ! ? that many pages (and copies of
    them) write between Chinese words in their full-width form (，；：！？), so that a clause ends where the
    writer ended it. The same length as ``text``, character for character."""
    view = simplified(text)
    return _ASCII_PUNCT.sub(lambda m: _FULL[m.group(0)], view) if CJK.search(view) else view


def is_traditional(text: str) -> bool:
    """Whether the text writes traditional characters (its simplified view differs)."""
    return simplified(text) != text


def written(original: str, view: str, s: str) -> str:
    """The form of ``s`` (a string taken from the simplified ``view``) as ``original`` writes it:
    the first place where the view has it, read in the original; ``s`` itself when absent."""
    if not s or s not in view:
        return s
    i = view.find(s)
    return original[i:i + len(s)]


def restore(ex, original: str, view: str) -> None:
    """Give an extraction made on the simplified ``view`` the evidence and unit names of the ``original``
    text: every mention's text and sentence are read from the original at the same span; school, office and
    partner names written in Chinese (names as written) come back in the original's characters."""
    from etl.extract.model import Extraction

    assert isinstance(ex, Extraction)
    for m in ex.mentions:
        if m.start is not None and m.end is not None:
            m.text = original[m.start:m.end]
        if m.sentence:
            m.sentence = written(original, view, m.sentence)
        if m.type in ("school", "office", "partner") and CJK.search(m.data.get("name") or ""):
            m.data["name"] = _written_at(original, view, m.data["name"], m.start, m.end)
        if m.type == "person":
            m.data["name"] = _written_at(original, view, m.data.get("name") or "", m.start, m.end)
            if m.data.get("role"):
                m.data["role"] = written(original, view, m.data["role"])
        if m.type == "count" and m.data.get("context"):
            m.data["context"] = written(original, view, m.data["context"])
    if ex.title:
        ex.title = written(original, view, ex.title)
    ev = ex.evidence.get("event_date") if ex.evidence else None
    if ev and ev.get("text"):
        ev["text"] = written(original, view, ev["text"])


def _written_at(original: str, view: str, name: str, start: int | None, end: int | None) -> str:
    if start is not None and end is not None:
        i = view.find(name, start, end)
        if i != -1:
            return original[i:i + len(name)]
    return written(original, view, name)


# copy sites that print a pinyin note after some characters of a traditional text (學(xué), 長(zhǎng), 師(shī)): the
# note holds a tone-marked vowel (or ü); the rules read the text without the notes
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PINYIN_NOTE = re.compile(rf"(?<=[\u4e00-\u9fff])[（(](?=[a-z{_TONED}]*[{_TONED}])[a-z{_TONED}]{{1,7}}[)）]")


def strip_pinyin_notes(text: str) -> tuple[str, list[int]]:
    """``text`` without the pinyin notes a copy site puts after characters, and for every character of the
    result its offset in ``text`` (the same text and no offsets when there are no notes)."""
    if "(" not in text and "（" not in text or not _PINYIN_NOTE.search(text):
        return text, []
    out, idx, last = [], [], 0
    for m in _PINYIN_NOTE.finditer(text):
        out.append(text[last:m.start()])
        idx.extend(range(last, m.start()))
        last = m.end()
    out.append(text[last:])
    idx.extend(range(last, len(text)))
    return "".join(out), idx


def remap(ex, idx: list[int]) -> None:
    """Put the spans of an extraction made on a text without pinyin notes back on the text as written."""
    for m in ex.mentions:
        if m.start is not None and m.end is not None and m.end > m.start and m.end <= len(idx):
            m.start, m.end = idx[m.start], idx[m.end - 1] + 1
