"""The layout of a news text: title, header lines, dateline, paragraphs and sentences.

Spans are always offsets into the document text as read, so evidence can be shown
in place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADER = re.compile(
    r"^\s*(?:By\b|Posted\b|Published\b|Released?\b|Date\b|Time\b|Updated\b|Source\b|Author\b|Editor\b|"
    r"Writer\b|Reporter\b|Photo\b|Views?\b|Clicks?\b|发布时间|发布日期|发表时间|时间[:：]|日期[:：]|来源|作者|"
    r"编辑|责任编辑|审核|供稿|摄影|点击|浏览|(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?:日|\s|$))", re.I)
_DATELINE_EN = re.compile(
    r"^\s*(?P<place>[A-Z][A-Za-z .'’-]{1,40}?),\s*(?P<date>[^()\n]{4,40}?)\s*(?:\((?P<src>[^)\n]{1,40})\))?\s*"
    r"(?:-{2,}|—+|–+|:|\s-\s)\s*")
_DATELINE_ZH = re.compile(r"^\s*(?:【[^】]{0,20}】)?\s*(?:本网讯|本报讯|新闻网讯|[\u4e00-\u9fff]{0,8}讯)[\s　:：（(]*"
                          r"(?:[^）)]{0,20}[）)])?[\s　]*")
_ABBREV = re.compile(r"(?:\b(?:Prof|Dr|Mr|Mrs|Ms|St|No|Co|Ltd|Inc|Jr|Sr|Dept|Univ|vs|etc|e\.g|i\.e|Mt|Assoc|"
                     r"Gen|Gov|Rep|Sen|Corp|Ave|approx|ca|Fig|Vol|pp)\.|\b[A-Z]\.)$")


@dataclass
class Layout:
    text: str
    title: tuple[int, int] | None = None
    header: list[tuple[int, str]] = field(default_factory=list)
    dateline: tuple[int, int] | None = None
    dateline_source: str | None = None
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    sentence_par: list[int] = field(default_factory=list)

    def title_text(self) -> str:
        return self.text[self.title[0]:self.title[1]] if self.title else ""

    def sentence_index(self, pos: int) -> int:
        """Index of the sentence holding ``pos`` (binary search)."""
        lo, hi = 0, len(self.sentences) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            s, e = self.sentences[mid]
            if pos < s:
                hi = mid - 1
            elif pos >= e:
                lo = mid + 1
            else:
                return mid
        return max(0, min(lo, len(self.sentences) - 1))

    def sentence_at(self, pos: int) -> str:
        if not self.sentences:
            return ""
        s, e = self.sentences[self.sentence_index(pos)]
        return self.text[s:e].strip()

    def body_start(self) -> int:
        return self.paragraphs[0][0] if self.paragraphs else 0


def _lines(text: str):
    pos = 0
    for line in text.splitlines(keepends=True):
        yield pos, line.rstrip("\r\n")
        pos += len(line)


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences in ``text[start:end]``: ends at . ! ? 。！？； followed by space/quote/CJK,
    except after abbreviations (Prof., Dr., Co., initials)."""
    out = []
    s = start
    for m in re.finditer(r"[.!?。！？；;]+[”’\"')）]*", text[start:end]):
        e = start + m.end()
        ch = text[start + m.start()]
        if ch in ".!?;":
            nxt = text[e:e + 1]
            if nxt and not nxt.isspace():
                continue  # "Co.,Ltd", "3.5", "U.S.A"
            if ch == "." and _ABBREV.search(text[max(s, e - 8):e]):
                continue
            if ch == ";":
                continue  # an English semicolon joins clauses of one sentence
        if text[s:e].strip():
            out.append((s, e))
        s = e
    if text[s:end].strip():
        out.append((s, end))
    # trim leading blanks
    return [(a + len(text[a:b]) - len(text[a:b].lstrip()), b) for a, b in out]


def layout(text: str, title: str | None = None) -> Layout:
    """Find the title, header lines, dateline, paragraphs and sentences of ``text``."""
    lay = Layout(text)
    lines = [(o, ln) for o, ln in _lines(text) if ln.strip()]
    i = 0
    if lines:
        o, ln = lines[0]
        is_title = (title and ln.strip() == title.strip()) or (
            len(ln) < 200 and not _HEADER.match(ln) and not re.search(r"[.。]\s*$", ln.strip()))
        if is_title and len(lines) > 1:
            lay.title = (o + len(ln) - len(ln.lstrip()), o + len(ln.rstrip()))
            i = 1
    while i < len(lines) and (_HEADER.match(lines[i][1]) or (len(lines[i][1]) < 60 and i < 4 and
                                                              re.search(r"\d{4}", lines[i][1]) and
                                                              not _DATELINE_EN.match(lines[i][1]) and
                                                              not re.search(r"[。！？]\s*$|[.!?]\s*$", lines[i][1]))):
        lay.header.append(lines[i])
        i += 1
    for o, ln in lines[i:]:
        s = o + len(ln) - len(ln.lstrip())
        lay.paragraphs.append((s, o + len(ln.rstrip())))
    if lay.paragraphs:
        ps, pe = lay.paragraphs[0]
        first = text[ps:pe]
        m = _DATELINE_EN.match(first)
        if m and re.search(r"\d", m["date"]):
            lay.dateline = (ps, ps + m.end())
            lay.dateline_source = (m["src"] or "").strip() or None
        else:
            m = _DATELINE_ZH.match(first)
            if m:
                # the Chinese lead names the date right after 本网讯: the dateline runs to the first comma
                cut = re.search(r"[，,]", first[m.end():])
                lay.dateline = (ps, ps + m.end() + (cut.start() if cut else 0))
    for pi, (ps, pe) in enumerate(lay.paragraphs):
        for s, e in split_sentences(text, ps, pe):
            lay.sentences.append((s, e))
            lay.sentence_par.append(pi)
    if lay.title:
        # the title is a sentence of its own (partners and activities are often named there)
        lay.sentences.insert(0, lay.title)
        lay.sentence_par.insert(0, -1)
    return lay
