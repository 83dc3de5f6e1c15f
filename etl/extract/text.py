"""The layout of a news text: title, header lines, dateline, paragraphs and sentences.

Spans are always offsets into the document text as read, so evidence can be shown
in place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from etl.extract.cues import cue
from etl.extract.fastre import guarded

_HEADER = re.compile(
    r"^\s*(?:By\b|Posted\b|Published\b|Released?\b|Date\b|Time\b|Updated\b|Source\b|Author\b|Editor\b|"
    r"Writer\b|Written\s+by\b|Translat(?:or|ed\s+by)\b|Reporter\b|Photo\b|Views?\b|Clicks?\b|Hits\b|发布时间|发布日期|发表时间|时间[:：]|日期[:：]|来源|作者|"
    r"编辑|责任编辑|审核|供稿|摄影|点击|浏览|(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?:日|\s|$))", re.I)
_DATELINE_EN = re.compile(
    r"^\s*(?P<place>[A-Z][A-Za-z .'’-]{1,40}?),\s*(?P<date>[^()\n]{4,40}?)\s*(?:\((?P<src>[^)\n]{1,40})\))?\s*"
    r"(?:-{2,}|—+|–+|:|\s-\s)\s*")
# a dateline of a date alone (and a time): "9:26 a.m., April 26, 2016–", "12 May 2023 —"
_DATELINE_DATE = re.compile(r"^\s*(?:\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?,?\s*)?(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"
                            r"(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+(?:19|20)\d\d|\d{1,2}\s+[A-Z][a-z]{2,8}\.?,?\s+(?:19|20)\d\d)"
                            r"\s*(?:[–—]+|-{1,2}|\s-\s)\s*")
_DATELINE_ZH = re.compile(r"^\s*(?:【[^】]{0,20}】)?\s*(?:本网讯|本报讯|新闻网讯|[\u4e00-\u9fff]{0,8}讯)[\s　:：（(]*"
                          r"(?:[^）)]{0,20}[）)])?[\s　]*")
_ABBREV = re.compile(r"(?:\b(?:Prof|Dr|Mr|Mrs|Ms|St|No|Co|Ltd|Inc|Jr|Sr|Dept|Univ|vs|etc|e\.g|i\.e|Mt|Assoc|"
                     r"Gen|Gov|Rep|Sen|Corp|Ave|approx|ca|Fig|Vol|pp)\.|\b[A-Z]\.)$")


# the page's furniture above the article: a breadcrumb ("Your present position: HOME > News > BIT News",
# "Home > Events > Content", 当前位置：首页 > 新闻), a menu ("About KUT / Academics / Research"), a greeting
# ("Welcome to …"), a close-window link. Kept as site lines: they name the site (whose news it is).
_NAV = cue("nav")  # data/reference/page_cues.csv
_EN_FUNCTION = {"the", "of", "and", "in", "to", "for", "with", "a", "an", "on", "at", "is", "as", "by", "from", "its"}
_FOREIGN_FUNCTION = {"della", "delle", "dello", "di", "del", "al", "il", "nel", "per", "con", "la", "le", "les", "des", "du",
                     "der", "die", "das", "und", "mit", "für", "el", "los", "las", "de", "y", "em", "da", "do", "och", "och",
                     "van", "het", "een"}
# the verb of a body still to be set up ("plans to establish an Institute of …", "regarding setting up X"); the
# unit and the organisation finders each build their own "before the name" pattern on it
PLANNED_VERB = r"(?:establish(?:ing)?|set(?:ting)?\s+up|found(?:ing)?|creat(?:e|ing))"
_MENU_SEP = re.compile(r"\s+[/|｜]\s+")
_SENTENCE_END = re.compile(r"[.。!?！？]['’\"”)]?\s*$")
_LATIN = re.compile(r"[A-Za-z]")
_CJK = re.compile(r"[\u4e00-\u9fff\uac00-\ud7af\u3040-\u30ff]")


def _is_paragraph(line: str) -> bool:
    """A line that reads as body text, not as a title: a sentence of twelve words or more, or a very long line;
    in Chinese, thirty characters or more that end a sentence (。！？) or hold one (a title has no 。)."""
    words = len(line.split())
    if len(line) > 300 or (words >= 12 and bool(_SENTENCE_END.search(line))):
        return True
    line = line.strip()
    return (len(_CJK.findall(line)) >= 30 and bool(re.search(r"[。！？]", line))) or \
        (bool(re.search(r"[，,]", line)) and bool(re.search(r"[。！？]$", line)) and bool(_CJK.search(line)))


def _title_like(line: str) -> bool:
    return not _is_paragraph(line) and not _HEADER.match(line) and len(line.strip()) >= 2


def _furniture(lines: list[tuple[int, str]], i: int, latin_doc: bool) -> bool:
    """Whether line ``i`` of the page's top is furniture (see _NAV) rather than the title: a breadcrumb or menu,
    a line in another script than an English article's (the site's Chinese or Korean name), or a short label
    ("Media Center", "Events", "Josai University Educational Corporation") right above a title-like line."""
    ln = lines[i][1].strip()
    if _NAV.search(ln) or len(_MENU_SEP.split(ln)) >= 3:
        return True
    if latin_doc and _CJK.search(ln) and not _LATIN.search(ln):
        return True
    words_l = [w.lower().strip(",.;:") for w in ln.split()]
    if latin_doc and len(words_l) >= 3 and not _EN_FUNCTION & set(words_l) and len(_FOREIGN_FUNCTION & set(words_l)) >= 2:
        return True  # a caption in the site's own language ("Veduta della città di Pechino al crepuscolo")
    nxt = lines[i + 1][1].strip() if i + 1 < len(lines) else ""
    words = ln.split()
    label = all(w[0].isupper() or w.lower() in ("of", "and", "&", "the", "for") for w in words)
    if label and len(words) <= 5 and not re.search(r"\d|[.:;!?。]$", ln) and nxt and (
            _NAV.search(nxt) or (_title_like(nxt) and len(nxt) > len(ln) and len(nxt.split()) >= 4)):
        return True
    return False


# lines that are no part of the article: spam injected into a mirror page (gambling, pills, loans, adult
# content), and the page's footer (copyright, record numbers). Their words give no facts and their years no dates.
_SPAM = cue("spam")
_FOOTER = cue("footer")


# substrings one of which a noise line holds (a quick test before the patterns)
_NOISE_TRIGGERS = ("casino", "gambl", "sportsbook", "betting", "slot", "poker", "baccarat", "roulette", "free spin", "viagra",
                   "cialis", "porn", "xxx", "escort", "payday", "replica", "essay writing", "buy cheap", "buy followers",
                   "buy likes", "buy diploma", "copyright", "©", "(c) ", "all rights reserved", "tel:", "tel：", "fax:",
                   "email:", "e-mail:", "phone:", "media contact", "press contact", "| |", "|\n", "more news about",
                   "tags:", "tag:", "keywords:", "filed under", "related news:", "related topics:")
_NOISE_TRIGGERS_ZH = ("上一条", "下一条", "上一篇", "下一篇", "博彩", "赌", "娱乐城", "彩票", "棋牌", "百家乐", "老虎机", "真人视讯", "色情", "代孕", "办证", "发票", "版权所有",
                      "ICP备", "地址")


# punctuation of a page decoded in the wrong character set (GBK read as Latin-1 on mirror sites: ¡°Tor Vergata¡±;
# UTF-8 read as cp1252: â€œ…â€), each repaired to the character meant, padded with spaces to the same length
_MOJIBAKE = {"¡°": " “", "¡±": "” ", "¡®": " ‘", "¡¯": "’ ", "¡¡": "  ", "â€œ": "  “", "â€\x9d": "”  ", "â€™": "’  ",
             "â€˜": "  ‘"}
_MOJIBAKE_RE = re.compile("|".join(re.escape(k) for k in sorted(_MOJIBAKE, key=len, reverse=True)))


def repair_mojibake(text: str) -> str:
    """``text`` with mis-decoded quotes and spaces repaired (same length, so every span stays valid)."""
    if "鈥" in text:
        text = _GBK_QUOTE.sub(_gbk_quote, text)
    if "¡" not in text and "â€" not in text:
        return text
    return _MOJIBAKE_RE.sub(lambda m: _MOJIBAKE[m.group(0)], text)


# UTF-8 punctuation (E2 80 xx: ’ ‘ “ ” – —) read as GBK: "Xi’An" shows as "Xi鈥橝n" (E2 80 → 鈥, then the quote's last byte
# and the next ASCII letter → one GBK character): the same two characters back
_GBK_QUOTE = re.compile(r"鈥([^\x00-\x7f])")


def _gbk_quote(m: re.Match) -> str:
    try:
        b = m.group(1).encode("gbk")
    except UnicodeEncodeError:
        return m.group(0)
    if len(b) == 2 and 0x93 <= b[0] <= 0x9d and b[1] < 0x80:
        try:
            return bytes([0xE2, 0x80, b[0]]).decode("utf-8") + chr(b[1])
        except UnicodeDecodeError:
            return m.group(0)
    return m.group(0)


def mask_noise(text: str) -> str:
    """``text`` with spam lines and footer lines blanked out (same length, so every span stays valid)."""
    low = text.lower()
    if not any(w in low for w in _NOISE_TRIGGERS) and not any(w in text for w in _NOISE_TRIGGERS_ZH):
        return text
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip() and (_SPAM.search(body) or _FOOTER.search(body) or re.search(r"©\s*\d{4}|Copyright\s*©?\s*\d{4}", body)):
            out.append(" " * len(body) + line[len(body):])
        else:
            out.append(line)
    return "".join(out)


@dataclass
class Layout:
    text: str
    title: tuple[int, int] | None = None
    header: list[tuple[int, str]] = field(default_factory=list)
    # the page's furniture above the title (breadcrumbs, menus, the site's name): whose page it is
    site_lines: list[tuple[int, str]] = field(default_factory=list)
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

_MONTH_ABBREV = re.compile(r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.$")


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
            if ch == "." and _MONTH_ABBREV.search(text[max(s, e - 6):e]) and re.match(r"\s+\d", text[e:e + 3]):
                continue  # "on campus Nov. 6 and 7"
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
    head = text[:3000]
    # an English page (a Chinese character weighs three letters); ASCII characters stand for letters: counting is fast
    latin_doc = len(head.encode("ascii", "ignore")) > 4 * len(_CJK.findall(head))
    while i < min(len(lines) - 1, 8) and _furniture(lines, i, latin_doc):
        lay.site_lines.append(lines[i])
        i += 1
    first = i
    if i < len(lines):
        o, ln = lines[i]
        is_title = not _is_paragraph(ln) and ((title and ln.strip() == title.strip()) or (
            len(ln) < 200 and not _HEADER.match(ln) and not re.search(r"[.。]\s*$", ln.strip())))
        if is_title and len(lines) > i + 1:
            lay.title = (o + len(ln) - len(ln.lstrip()), o + len(ln.rstrip()))
            i += 1
    title_line = lay.title_text().strip()

    def header_line(k: int) -> bool:
        ln = lines[k][1]
        st = ln.strip()
        if _is_paragraph(ln):
            return False  # (a Chinese sentence line, however short its date, is body text)
        if _HEADER.match(ln):
            return True
        if k - first >= 6:
            return False
        if title_line and st == title_line:
            return True  # the title repeated by the page
        if len(ln) < 60 and k - first < 4 and re.search(r"\d{4}", ln) and not _DATELINE_EN.match(ln) and \
                not re.search(r"[。！？]\s*$|[.!?]\s*$", ln):
            return True
        # a byline or counter in bullets ("• Kim Hye-won", "• 댓글 0"), or in another script than the article's
        return len(st) < 40 and (st[:1] in "•·▪■" or (latin_doc and _CJK.search(st) is not None and
                                                       len(_CJK.findall(st)) * 2 > len(st.replace(" ", ""))))

    while i < len(lines) and header_line(i):
        lay.header.append(lines[i])
        i += 1
    for o, ln in lines[i:]:
        s = o + len(ln) - len(ln.lstrip())
        lay.paragraphs.append((s, o + len(ln.rstrip())))
    if lay.paragraphs:
        ps, pe = lay.paragraphs[0]
        first = text[ps:pe]
        m = _DATELINE_EN.match(first)
        md = _DATELINE_DATE.match(first)
        if m and re.search(r"\d", m["date"]):
            lay.dateline = (ps, ps + m.end())
            lay.dateline_source = (m["src"] or "").strip() or None
        elif md:
            lay.dateline = (ps, ps + md.end())  # "9:26 a.m., April 26, 2016–Xiamen University's campus …"
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


def detect_lang(text: str) -> str:
    """'zh' when Chinese characters carry the text, else 'en': an English page with a Chinese name or a
    line of the site's Chinese furniture is English (a Chinese character stands for about three letters)."""
    head = text[:4000]
    cjk = len(re.findall(r"[\u4e00-\u9fff]", head))
    latin = len(re.findall(r"[A-Za-z]", head))
    return "zh" if cjk > 20 and cjk * 3 > latin else "en"


# more of this module's scans that open with \b, a look-behind or a repeated set, faster with the same matches
# (fastre.py)
(_ABBREV, _MONTH_ABBREV, _NAV) = (
    guarded(p) for p in (_ABBREV, _MONTH_ABBREV, _NAV))
