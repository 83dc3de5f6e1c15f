"""A Chinese university's schools and offices named in a Chinese text, when no reference list names them.

Another university's units are reported as the page writes them (国际交流与合作处, 外国语学院; 環球事務處 on a
traditional page): a translation would be a guess, and the university's own list (``home_units.json`` of a
deployment configured for it) names them in English. :func:`find_zh_units` finds them: whole names of the term
table, then names by pattern (a 学院 / 学部 / 研究生院 / 处 / 部 / 办公室 ending; 研究院 and 系 after a field alone:
冶金工程研究院, 外语系), in the body and in the news' source line (来源：…, 供稿单位：…) wherever it stands; never a
partner's unit (汉阳大学工学院, 中大的…中医学院), a name inside an organisation's, a joint institute being set up
(共建中俄工程学院), an institute named after a place abroad (墨尔本研究生院) or a name the table says to skip
(孔子学院, 文理学院); a short form of a unit named in full (国际处 for 国际合作与交流处) is that unit.
:func:`units_fit_list` tells whether the units of a 我校 text that names no university are the configured
home's.

``data/reference/unit_terms_zh.csv`` (zh,en,type,final) holds whole names of offices and a few schools
(国际合作与交流处 → Office of International Cooperation and Exchanges, 校办, 团委), names to skip, and the
terms of disciplines (机械 → Mechanical, 工程 → Engineering) from which "X学院" has an English name
("School of X"; a term's ``final`` form when it ends the name): kept with each unit as its English reading
(:class:`ZhUnit` ``en``), never in place of the name as written.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from etl.resolve.reference import DEFAULT_DIR

from etl.extract.zh_orgs import _ZH_AREA_LIST, possessed_by

CJK = re.compile(r"[\u4e00-\u9fff]")

_CONNECT = {"与": "and", "和": "and", "及": "and"}


@dataclass
class UnitTerms:
    whole: dict[str, tuple[str, str]] = field(default_factory=dict)  # zh → (English or "", type)
    terms: dict[str, tuple[str, str]] = field(default_factory=dict)  # zh → (English, final form)
    max_len: int = 1

    def segment(self, stem: str) -> list[str] | None:
        """English words of a stem made only of known terms and connectors (greedy, longest first)."""
        out: list[tuple[str, str]] = []
        i = 0
        while i < len(stem):
            if stem[i] in _CONNECT and out:
                out.append((_CONNECT[stem[i]], ""))
                i += 1
                continue
            for n in range(min(self.max_len, len(stem) - i), 0, -1):
                t = self.terms.get(stem[i:i + n])
                if t:
                    out.append(t)
                    i += n
                    break
            else:
                return None
        if not out or out[-1][0] == "and":
            return None
        words = [en for en, _ in out]
        if out[-1][1]:
            words[-1] = out[-1][1]
        return words

    def knows(self, stem: str) -> bool:
        return bool(stem) and self.segment(stem) is not None

    def english(self, name: str) -> str | None:
        """The English name of a Chinese unit name, or None."""
        if name in self.whole:
            en, _ = self.whole[name]
            return en or None
        for suffix, pattern in (("学院", "School of {}"), ("学部", "Faculty of {}")):
            if name.endswith(suffix) and len(name) > len(suffix):
                words = self.segment(name[: -len(suffix)])
                if words:
                    return pattern.format(" ".join(words))
        return None


@lru_cache(maxsize=2)
def load_unit_terms(directory: str | Path | None = None) -> UnitTerms:
    path = Path(directory or DEFAULT_DIR) / "unit_terms_zh.csv"
    out = UnitTerms()
    if not path.exists():
        return out
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            zh, en, typ = (row.get("zh") or "").strip(), (row.get("en") or "").strip(), (row.get("type") or "").strip()
            if not zh:
                continue
            if typ == "term":
                out.terms[zh] = (en, (row.get("final") or "").strip())
                out.max_len = max(out.max_len, len(zh))
            else:
                out.whole[zh] = (en, typ)
    return out


# -- Chinese unit names in a text ------------------------------------------------------------------
# a boundary before a unit name (punctuation, 我校, a function word)
ZH_OK_BEFORE = set("校与和及同由在到赴向对为是应托了会据经请受将等并或从给让把被于即以该本各有两，。、；：“”‘’《》（）() 　\n\t")
# an office by pattern needs one of these words (国际交流部, 学生工作处; not 教育部, 出入境管理处)
_ZH_OFFICE_WORDS = re.compile(r"(?:国际|合作|交流|外事|教务|科技|科研|人事|学生|招生|就业|研究生|财务|资产|后勤|保卫|党政|校长|宣传|"
                              r"组织|发展规划|港澳台|全球|对外|学务|社科|文科|学工|暑期|课程|留学)")
# the news' own source line: "来源：国际合作与交流处", "供稿单位：外国语学院", "新闻来源:全球事务部"
_SOURCE_LINE = re.compile(r"(?:资料|新闻|稿件|文字|信息|消息)?(?:来源|供稿单位|供稿部门|供稿|稿源|发布单位|发布部门|发稿单位)\s*[:：]\s*"
                          r"(?P<name>[\u4e00-\u9fff]{2,20})")
_INTERNATIONAL_OFFICE = re.compile(r"(?:国际|外事|对外|港澳台|全球|海外).{0,6}(?:处|部|办公室|办)$")
# words that end the text before a unit's name (参观了机电工程学院): verbs, never words inside a name (合作, 国际 …)
_UNIT_LEAD = ("入住", "访问", "参加", "来自", "前往", "邀请", "签署", "会见", "获得", "加入", "携手", "依托", "出席", "举办", "承办",
              "主办", "协办", "资助", "选派", "派出", "推荐", "接待", "欢迎", "走访", "考察", "参观了", "参观", "受邀", "应邀",
              "作为", "包括", "位于", "成立", "介绍", "听取", "了解", "来访", "到访", "一行", "陪同", "见证", "看望",
              "慰问", "问候", "这是", "组织", "负责人", "应", "共建", "筹建", "新建", "前来", "来到", "走进", "带领",
              "率领", "推进", "兼", "代表", "表示", "目前", "当前", "现在", "感谢", "感激", "谢谢",
              # (祝贺外国语学院…, 考入机械工程学院, 毕业于材料学院: verbs before a unit, never inside its name)
              "祝贺", "恭喜", "回到", "返回", "考入", "进入", "选择", "报考", "就读于", "就读", "毕业于", "通过", "经过",
              "支持", "帮助")
# a stop character that starts a word inside a unit's name (对外交流合作处)
_UNIT_INNER = {"对外", "和平"}
_MINISTRY_END = r"(?:教育|外交|科技|商务|财政|公安|文化和旅游)部$"
_UNIT_END = re.compile(r"(?:学院|学部|研究生院|研究院|处|部|办公室|办|中心|团委)$")


@dataclass
class ZhUnit:
    type: str  # school | office
    name: str  # as written
    start: int
    end: int
    en: str | None  # the English name the term table gives, if any
    method: str
    confidence: float


def zh_unit_spans(text: str, start: int, terms: UnitTerms | None = None,
                  org_spans: list[tuple[int, int, str]] | None = None, end: int | None = None
                  ) -> list[tuple[int, int, str | None]]:
    """Chinese unit names in text[start:end]: a 学院 / 学部 / 研究生院 / X处 / X部 / 办公室 ending, its left edge at
    punctuation, a function word or the end of an organisation's name (汉阳大学工学院 → 工学院, owned by 汉阳大学),
    leading verbs dropped (参观了机电工程学院 → 机电工程学院). Two fields joined by 与/和 are one name
    when the left one is a field too (信息与通信工程学院, 海洋与大气学院).

    Returns (start, end, owner): owner is the status of the organisation written right before the
    unit ("partner", "home" …) or of the one before "X与" for a joined name, else None."""
    from etl.extract.zh_orgs import _ZH_FIELD, _ZH_STOP

    end = len(text) if end is None else end
    ends = {e: st for _, e, st in (org_spans or [])}
    inside = [(a, b) for a, b, _ in (org_spans or [])]

    def in_org(pos: int) -> bool:
        return any(a <= pos < b for a, b in inside)

    def scan(j: int, limit: int) -> int:
        stop = j
        while j > start and CJK.match(text[j - 1]) and stop - j < limit and not in_org(j - 1) and (
                text[j - 1] not in _ZH_STOP or text[j - 1:j + 1] in _UNIT_INNER):
            j -= 1
        return j

    lead = _UNIT_LEAD
    out = []
    for m in re.finditer(r"学院|学部|研究生院|(?<=[\u4e00-\u9fff])处(?!长)|(?<=[\u4e00-\u9fff])(?<!干)部(?!长|分|门)|"
                         r"办公室|(?<=[\u4e00-\u9fff])(?:研究院|系(?!统|列|数))|(?<=[\u4e00-\u9fff]学)研究所|"
                         # (外事办, 港澳台办, 招生办: an office's short name; not 主办, 承办, 举办 …, nor 办学, 办公)
                         r"(?<=[\u4e00-\u9fff])(?<![主承协合举创开兴筹申督查代包操试])办(?![学理法事好成的到完得了]|\s*公)",
                         text[start:end]):
        if m.group(0) == "学院" and text[start + m.end():start + m.end() + 1] == "路":
            continue  # 学院路校区: a road's name (a campus on 学院路), no school
        if m.group(0) == "学院" and text[start + m.end():start + m.end() + 2] in ("大学", "短期"):
            continue  # 山梨学院大学, 青山学院大学: a university whose name holds 学院, no school
        if m.group(0) == "系" and text[start + m.start() - 1:start + m.start()] == "学" and \
                text[start + m.start() - 3:start + m.start() - 1] != "学科":
            # X学系 (a department: 国际贸易学系, 海洋工程暨资源学系, usual in Hong Kong and Taiwan), not 学科系
            # (a discipline "is" …)
            j0 = scan(start + m.start() - 1, 12)
            if start + m.start() - 1 - j0 < 2:
                continue
        elif m.group(0) in ("研究院", "系"):
            if m.group(0) == "系" and text[start + m.start() - 2:start + m.start()] == "学科":
                continue  # 物理学科系全国领先: the discipline "is" …
            j0 = scan(start + m.start(), 8)
            stem = re.sub(r"^(?:我校|学校|本校|我院|本院|校)", "", text[j0:start + m.start()])
            if not _ZH_FIELD.search(stem or "x") and not (terms is not None and m.group(0) == "系" and terms.knows(stem)):
                continue  # 冶金工程研究院, 外语系: a school named by its field alone (not 关系, 体系, 系哈佛大学博士);
                # (电机系, 营建系: a discipline of the term table)
        e = start + m.end()
        if in_org(start + m.start()):
            continue  # inside an organisation's name (理工学院 of 麻省理工学院)
        j = scan(start + m.start(), 12)
        owner = ends.get(j)
        if j - 1 > start and text[j - 1] in "与和及暨" and (_ZH_FIELD.search(text[j:start + m.start()] or "x") or
                                                       # (社会科学院: the field 社会科学 ends in the head's 学)
                                                       (text[start + m.start() - 1:start + m.start()] == "科" and
                                                        _ZH_FIELD.search(text[j:start + m.start() + 1])) or
                                                       # (X大学创意和数字产业学院: a joined name right after a partner's)
                                                       ends.get(scan(j - 1, 8)) not in (None, "home") or
                                                       re.search(r"学系$", text[j:e]) or
                                                       (terms is not None and terms.knows(text[j:start + m.start()]))):
            k = scan(j - 1, 8)
            for w in lead:
                p = text.find(w, k, j - 1)
                if p != -1:
                    k = p + len(w)
            pm = re.match(r"(?:我校|学校|本校|校)", text[k:j - 1])
            k += pm.end() if pm else 0
            left = text[k:j - 1]
            if len(left) >= 2 and (_ZH_FIELD.search(left) or (terms is not None and terms.knows(left)) or (
                    # (经济管理学院、土地与环境学院、食品学院: in a list of units, the word before 与 is the name's too)
                    len(left) <= 4 and text[j - 1] == "与" and "、" in (text[k - 1:k], text[e:e + 1]) and ends.get(k) is None and
                    not re.search(r"学院|大学|学校|我校|本校", left)) or (
                    ends.get(k) not in (None, "home") and len(left) <= 6) or (
                    re.search(r"学系$", text[j:e]) and left.endswith("学") and _ZH_FIELD.search(left[:-1] or "x"))):
                j = k  # 信息与通信工程学院, 海洋与大气学院
                owner = ends.get(k)
        if j > start and text[j - 1] == "率" and text[j:j + 1] == "领":
            j += 1  # 率领社会科学院院长…: the verb 率领 ends the name on the left
        if j > start and text[j - 1] in "到来出" and text[j:j + 1] == "访":
            j += 1  # 应邀到访国际教育学院: 到访 ends the name
        if j > start and text[j - 1] == "的" and text[j:j + 1] == "有":
            j += 1  # 参会的有对外交流合作处处长: 有 (there were) ends the phrase
        if j - 5 >= start and text[j - 3:j] in ("(境)", "（境）") and text[j - 5:j - 3] == "出国":
            j -= 5  # 出国（境）交流项目办公室: the official 出国（境） belongs to the name
        name = text[j:e]
        for w in lead:
            p = name.find(w)
            if 0 <= p < len(name) - 3 and not (w == "应" and name[p + 1:p + 2] == "用"):  # (应用日语系)
                name = name[p + len(w):]
                j = e - len(name)
        if any(a <= j < b for a, b, _ in out):
            continue
        out.append((j, e, owner))
    return out


def _find_whole(text: str, forms: dict[str, tuple[str, str]], start: int, end: int | None = None
                ) -> list[tuple[int, int, str, tuple[str, str]]]:
    """Occurrences of whole unit names in text[start:end] (longest first, no overlaps)."""
    end = len(text) if end is None else end
    hits = []
    for form, target in forms.items():
        i = text.find(form, start, end)
        while i != -1:
            hits.append((i, i + len(form), form, target))
            i = text.find(form, i + 1, end)
    hits.sort(key=lambda h: (-(h[1] - h[0]), h[0]))
    out: list = []
    for h in hits:
        if not any(h[0] < b and a < h[1] for a, b, _, _ in out):
            out.append(h)
    return sorted(out)


# a header line of a date or a short label and the publishing unit, no "来源:" written ("2023-11-02 国际事务处",
# "活动 环球事务处")
_HEADER_UNIT_LINE = re.compile(r"^[ \t]*(?:(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}日?|[\u4e00-\u9fff]{1,4})[ \t\u3000]+"
                               r"(?P<name>[\u4e00-\u9fff]{2,14}?(?:处|部|办公室|学院))[ \t]*$", re.M)


def source_units(text: str, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the unit a source line names ("来源：国际合作与交流处", "供稿单位：外国语学院"): the news'
    own office or school, wherever the line stands (header or footer)."""
    out = []
    for m in _SOURCE_LINE.finditer(text, 0, len(text) if end is None else end):
        name = m.group("name")
        um = None
        for um in re.finditer(r"学院|学部|研究生院|研究院|处|部|办公室|办|中心|团委", name):
            pass
        if um is not None and _UNIT_END.search(name[:um.end()]) and um.end() >= 3:
            out.append((m.start("name"), m.start("name") + um.end()))
    if end is None:
        for m in _HEADER_UNIT_LINE.finditer(text, 0, min(len(text), 400)):
            out.append((m.start("name"), m.end("name")))
    return out


def _type_of(name: str) -> str:
    if name.endswith("研究生院"):
        return "office"
    return "school" if name.endswith(("学院", "学部", "研究院", "系", "学研究所")) else "office"


def find_zh_units(text: str, lay, org_spans: list[tuple[int, int, str]], home_spans: list[tuple[int, int]],
                  form_ok=None, terms: UnitTerms | None = None) -> list[ZhUnit]:
    """The home university's schools and offices named in a Chinese text, as written: whole names the term
    table knows (国际合作与交流处, 团委, 校办), then names by pattern (机械工程学院, 国际交流部); never a
    partner's unit (赫瑞瓦特大学工程与物理科学学院), a name inside an organisation's, or a name the table
    says to skip (孔子学院). The body is read, and the news' source line wherever it stands."""
    terms = terms or load_unit_terms()
    body = lay.body_start()
    regions = [(body, len(text))] + [(s, e) for s, e in source_units(text) if s < body]
    if lay.title and lay.title[1] <= body:
        regions.append(lay.title)  # 国交处召开…行前教育会: the headline names the unit the body calls 我处
    taken: list[tuple[int, int]] = []
    out: list[ZhUnit] = []
    spans = org_spans + [(a, b, "home") for a, b in home_spans]

    def add(typ, name, s, e, en, method, conf):
        if any(s < te and ts < e for ts, te in taken):
            return
        taken.append((s, e))
        out.append(ZhUnit(typ, name, s, e, en, method, conf))

    skip: list[tuple[int, int]] = []
    for rs, re_ in regions:
        for s, e, form, (en, typ) in _find_whole(text, terms.whole, rs, re_):
            if typ == "skip":
                om = _OFFICE_OF_SKIPPED.match(text, e)
                if om and not any(a <= s < b for a, b, _ in org_spans) and not (
                        s > 0 and any(b == s and st not in (None, "home") for _, b, st in org_spans)):
                    # 孔子学院管理办公室: the home's office for what the name means, a unit (not a partner's: X大学孔子学院办公室)
                    add("office", text[s:om.end()], s, om.end(), None, "unit name (zh, an office of a skipped name)", 0.6)
                skip.append((s, e))  # never a unit (孔子学院)
                continue
            if (form_ok is not None and not form_ok(s, e, form)) or any(a <= s < b for a, b, _ in org_spans):
                continue
            if len(form) <= 3 and text[e - 1:e + 1] in ("办学", "办公", "处理", "部分", "部门"):
                continue  # 两校办学: 校办 is not the president's office there
            if s > 0 and CJK.match(text[s - 1]) and text[s - 1] not in ZH_OK_BEFORE and \
                    text[max(0, s - 2):s] not in ("我院", "本院") and not any(b == s for _, b in home_spans):
                continue  # 理学院 inside 经济管理学院, 工学院 of 汉阳大学工学院
            if _place_before(text, s):
                skip.append((s, e))  # 墨尔本研究生院: an institute named after a place abroad, not a unit
                continue
            if typ in ("office", "school"):
                if _partner_side(text, s, org_spans) or _credit_only(text, s, form) or _furniture_field(text, s):
                    continue  # 伦敦大学亚非学院副校长某、…、校长办公室主任某: the guests' office
                add(typ, form, s, e, en or None, "unit name (zh, unit_terms_zh.csv)", 0.7)
    for a, b, st in org_spans:
        # an institute the organisations' pass found to be the page's own (engine._zh_own_institutes): a school
        if st == "home" and b - a >= 4 and text[b - 3:b] in ("研究院", "研究所") and any(rs <= a < re_ for rs, re_ in regions):
            add("school", text[a:b], a, b, None, "the page's own institute (zh)", 0.6)
    planned: set[str] = set()  # names of joint institutes being set up (共建中俄工程学院): not (yet) units
    found = [(s, e, owner) for rs, re_ in regions for s, e, owner in zh_unit_spans(text, rs, terms, spans, re_)]
    for s, e, owner in found:
        if re.search(r"(?:共建|筹建|拟建|联合建立|合作建设)$", text[max(0, s - 6):s]):
            planned.add(text[s:e])
    for s, e, owner in found:
        if text[s:e] in planned or _ZH_AREA_LIST.match(text, e):
            continue  # (…、青年创业学院、…等领域展开合作: an area of the cooperation, not a unit that takes part)
        if _venue_elsewhere(text, s, e):
            continue  # 在上海浦东干部学院举行: another institution named after its city, the venue of an event
        if owner not in (None, "home"):
            js = _joint_school(text, s, org_spans, home_spans)
            if js is None:
                continue  # a partner's unit (赫瑞瓦特大学工程与物理科学学院)
            s = js  # 河北大学—中央兰开夏大学传媒与创意学院: the joint institute of the home and a partner
            add("school", text[s:e], s, e, None, "joint institute of the home and a partner (zh)", 0.6)
            continue
        if any(s < te and ts < e for ts, te in skip + taken):
            continue
        pos = possessed_by(text, s, org_spans)
        if pos is not None and pos[2] != "home":
            continue  # 中大的文物馆及中医学院: a partner's unit
        if _partner_side(text, s, org_spans):
            continue  # 德岛大学由综合科学部…, 率领该校国际交流中心主任、人文学院教授: the partner's units
        name = text[s:e]
        pm = re.match(r"^(?:我校|学校|本校|全校|我院|本院|校|[\u4e00-\u9fff]{1,2}大(?=[\u4e00-\u9fff]{2,}学院$))", name)
        if pm and len(name) - pm.end() >= 3:
            s += pm.end()
            name = text[s:e]
        if len(name) < (3 if name.endswith(("系", "办")) else 4) or "相关" in name or \
                re.match(r"^(?:这|该|各|本|两|相关|有关|学院|所在|下设|二级|现有)", name):
            continue
        if any(a <= s < b for a, b, _ in org_spans):
            continue
        if _foreign_lead(name):
            continue  # 俄罗斯滨海边疆区教育科学部: a body abroad, not the home's unit
        if re.search(r"[一二三四五六七八九十几数两\d]+[所家间]", name):
            continue  # (意大利)三所音乐学院: a count of institutions, no unit's name
        cm = _CENTRE_AFTER.match(text, e) if name.endswith(("学院", "研究院")) else None
        cm = cm if cm and not re.search(r"[与和及的、]", cm.group(0)) else None
        if cm:
            e = cm.end()  # 发展研究院金砖国家研究中心: the school's centre, the longer name, is the unit that acts
            name = text[s:e]
        typ = "school" if cm else _type_of(name)
        if _credit_only(text, s, name) or _furniture_field(text, s):
            continue
        if typ == "office" and (not _ZH_OFFICE_WORDS.search(name) or re.search(_MINISTRY_END, name)):
            continue  # (…登录教育部: a ministry, not a unit)
        add(typ, name, s, e, terms.english(name), "unit name pattern (zh)", 0.6)
    # one unit written two ways (国际合作交流处 and 国际合作与交流处, 国际交流合作处 and 国际合作交流处: the same words in
    # another order, or with a connector) is one unit, under the name written first
    first: dict[str, ZhUnit] = {}
    for u in sorted(out, key=lambda u: u.start):
        first.setdefault(_variant_key(u.name), u)
    out = [u for u in out if first[_variant_key(u.name)].name == u.name]
    # a short form of a unit named in full (国际处 for 国际合作与交流处, 国际学院 for 国际教育合作学院) is that unit
    names = {u.name for u in out}
    out = [u for u in out if not any(_abbreviates(u.name, n) for n in names)]
    return sorted(out, key=lambda u: u.start)


_PROVINCES = ("北京", "上海", "天津", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
              "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "内蒙古", "广西",
              "西藏", "宁夏", "新疆", "香港", "澳门", "台湾")


_CENTRE_AFTER = re.compile(r"[\u4e00-\u9fff]{2,10}?研究中心")
# a skipped name (孔子学院) followed by an office's head: the home's office that runs them (孔子学院管理办公室)
_OFFICE_OF_SKIPPED = re.compile(r"(?:管理|工作)?办公室")


def _joint_school(text: str, s: int, org_spans: list[tuple[int, int, str]], home_spans: list[tuple[int, int]]
                  ) -> int | None:
    """Where a school named after the home and a partner joined by a dash starts (河北大学—中央兰开夏大学传媒与创意学院:
    a joint institute, the home's school as a Sino-foreign joint institute is), or None."""
    ps = next((a for a, b, st in org_spans if b == s and st not in ("home", None)), None)
    if ps is None or ps < 2 or text[ps - 1] not in "—-–－":
        return None
    return next((a for a, b in home_spans if b == ps - 1), None)


def _venue_elsewhere(text: str, s: int, e: int) -> bool:
    """在X学院举行: a 学院 named after a city or province (上海浦东干部学院), written right after 在 (no 我校) and before
    举行/举办/召开, is the venue of an event, another institution, not the home's unit."""
    if text[s - 1:s] != "在" or not re.match(r"[^，。；\n]{0,6}?(?:举行|举办|召开)", text[e:e + 10]):
        return False
    name = text[s:e]
    if name.startswith(_PROVINCES):
        return True
    from etl.extract.zh_orgs import _zh_places_en
    places = _zh_places_en()
    return any(name[:k] in places for k in (2, 3))


_FURNITURE_FIELD = re.compile(r"[ \t]*[•·\-*|]?[ \t]*(?:受理部门|维护部门|承办部门|主办单位|技术支持|版权所有|联系部门|网站维护)[ \t]*[:：]")


def _furniture_field(text: str, s: int) -> bool:
    """A unit named in the site's furniture (• 受理部门：党政办, 版权所有：…): the page's keeper, not a unit of the news."""
    ls = text.rfind("\n", 0, s) + 1
    return s - ls <= 40 and bool(_FURNITURE_FIELD.match(text, ls))


def _credit_only(text: str, s: int, name: str) -> bool:
    """The publicity office named in the piece's credits (编辑 | 党委宣传部, (宣传部) at the end): the writer of the
    news, not a unit that takes part."""
    if not re.search(r"宣传部|新闻中心|融媒体中心|新闻网", name):
        return False
    ls = text.rfind("\n", 0, s) + 1
    le = text.find("\n", s)
    line = text[ls:le if le != -1 else len(text)]
    return bool(re.search(r"编辑|审核|责编|摄影|图片|撰稿|供稿|来源|文字|[（(]\s*$", line[:s - ls])) or \
        bool(re.match(r"[)）]\s*$", text[s + len(name):s + len(name) + 3]))


_SPAN_MAPS: dict[int, tuple] = {}


def _span_maps(org_spans: list[tuple[int, int, str]]) -> tuple[dict[int, str], dict[int, str]]:
    """(end → status, start → status) of the organisations' spans, built once per list."""
    key = id(org_spans)
    got = _SPAN_MAPS.get(key)
    if got is None or got[0] is not org_spans:
        got = (org_spans, {b: st for _, b, st in org_spans}, {a: st for a, _, st in org_spans})
        _SPAN_MAPS.clear()
        _SPAN_MAPS[key] = got
    return got[1], got[2]


def starts_in(ends: dict[int, str], starts: dict[int, str], a: int, b: int) -> bool:
    """Whether a partner's name (not the home's) starts in [a, b) or this sentence follows one ("该校")."""
    return any(a <= p < b and st not in ("home", None) for p, st in starts.items()) if len(starts) < 200 else True


# a unit's name (its head at the end), for one joined to a partner's: 接合科学研究所, 农学研究科, 工程学院
_ZH_UNIT_TAIL = re.compile(r"[\u4e00-\u9fff]{1,14}?(?:学院|学部|研究所|研究院|研究科|研究中心|中心|系|处|部|办公室)")


def _partner_side(text: str, s: int, org_spans: list[tuple[int, int, str]]) -> bool:
    """A unit written right after a partner's name and 由 or 的 (德岛大学由综合科学部…), or in a clause that speaks of
    "that university" (该校, 对方) after the last 我校/本校/学校 of its sentence: the partner's."""
    ends, starts = _span_maps(org_spans)
    k = s - 1
    if k > 0 and text[k] in "由的和及、" and ends.get(k) not in ("home", None):
        return True
    ss = max(text.rfind("。", 0, s), text.rfind("\n", 0, s)) + 1
    if k > 0 and text[k] in "和及与、" and ends:
        # 大阪大学接合科学研究所和国际合作处代表: a unit joined to a partner's unit written right after the partner's name
        for p in range(max(ss, k - 16), k - 2):
            if ends.get(p) not in ("home", None) and _ZH_UNIT_TAIL.fullmatch(text, p, k) and \
                    not any(c in ZH_OK_BEFORE for c in text[p:k]) and "一行" not in text[p:k]:
                return True
    seg = text[ss:s]
    if re.search(r"(?:^|[，。；])(?:其|该校|该大学)(?:还)?(?:拥有|设有|现有|下设)", text[max(0, ss - 1):s]) or \
            re.search(r"(?:设有|现有|拥有|下设)", seg) and starts_in(ends, starts, ss, s) and not re.search(r"我校|本校", seg):
        return True  # 该校现有外国语学院、…等九大学院 / 灵山大学设有…: the described university's schools
    if re.search(r"(?:代表团|一行)(?:的)?成员(?:包括|有)|(?:外方|对方|[美英俄法德日韩澳加意泰越新]方)(?:大学|高校)?"
                 r"(?:参会|出席|来访)?(?:代表|人员|成员)(?:包括|有)", seg) and \
            not re.search(r"我校|本校", seg):
        return True  # 出席会见的X大学代表团成员包括人文学院执行院长…: the guests' units
    # a list of the guests' people (X大学副校长某某、人文学院院长某某、…): the first item names the partner
    i = s
    while text[s - 1:s] == "、":
        k2 = text.rfind("、", ss, i)
        item_start = max(k2 + 1, ss, text.rfind("，", ss, i) + 1, text.rfind(",", ss, i) + 1)
        if re.search(r"我校|本校", text[item_start:i]):
            break
        if starts.get(item_start) not in ("home", None):
            return True
        if k2 == -1 or k2 < item_start - 1:
            break
        i = k2
        if ends.get(k2) == "home":
            break
    # a sentence set at a partner (在X大学，代表团与…学院负责人座谈; 在X大学访问期间，…) that names no home: its units are
    # the partner's
    if re.match(r"在[^，,。；]{2,30}?(?:访问|交流)?(?:期间)?[，,]", seg) and starts_in(ends, starts, ss + 1, ss + 6) and \
            not re.search(r"我校|本校|学校|我院", seg):
        return True
    # a list of the guests' people (会见了X大学副校长某某教授、Y学院院长某某): the item before names a partner and
    # ends with its person's title
    if text[s - 1:s] == "、":
        ps = max(text.rfind("、", ss, s - 1), text.rfind("，", ss, s - 1), text.rfind(",", ss, s - 1), ss - 1) + 1
        prev = text[ps:s - 1]
        pstarts = [p for p, st in starts.items() if ps <= p < s - 1 and st not in ("home", None)] if len(starts) < 200 else []
        if pstarts and re.search(r"(?:校长|院长|主任|教授|院士|博士|先生|女士)$", prev) and \
                not re.search(r"我校|本校|我院", text[max(pstarts):s - 1]):
            return True
    # the people a delegation meets, listed after 与/同/会见 (与X大学校长某某、副校长某某以及教务处处长某某交流): in a sentence
    # whose last organisation before the unit is a partner, with no home named after it, the listed units are the
    # partner's
    cs = max(text.rfind(c, ss, s) for c in "，,；;") + 1
    if cs <= ss:
        cs = ss
    if re.search(r"(?:与|同|会见了?|会晤了?|拜会了?)[^，,；;。]*?(?:校长|院长|主任|处长|部长|教授|院士)[^，,；;。]*?(?:、|以及|及|和)$",
                 text[cs:s]) and len(starts) < 200:
        pst = [p for p, st in starts.items() if ss <= p < s and st not in ("home", None)]
        if pst and not any(max(pst) < p < s for p, st in starts.items() if st == "home") and \
                not re.search(r"我校|本校|我院|学校", text[max(pst):s]):
            return True
    their = max(seg.rfind("该校"), seg.rfind("对方"), seg.rfind("外方"))
    ours = max(seg.rfind("我校"), seg.rfind("本校"), seg.rfind("学校"))
    if their != -1 and their > ours and _home_listed_before(text, s, ss, ends):
        return False  # 该校…与台师大文学院、理学院…签有协议: units written after the home's own name are the home's
    return their != -1 and their > ours


def _home_listed_before(text: str, s: int, ss: int, ends: dict[int, str]) -> bool:
    """Whether the unit at ``s`` follows the home's name right away, or is a later item of a 、-list that does
    (台师大文学院、理学院、科技与工程学院)."""
    k = s
    while k > ss:
        if ends.get(k) == "home":
            return True
        p = text.rfind("、", ss, k)
        if p == -1 or p != k - 1:
            # the start of this list item: step back over the item's text to the 、 or the home's name
            q = max(text.rfind("、", ss, k - 1), ss)
            if any(ends.get(x) == "home" for x in range(q, k)):
                return True
            if q == ss or text[q] != "、":
                return False
            k = q
        else:
            k = p


def _variant_key(name: str) -> str:
    """The same key for one unit's names written with its words in another order or with a connector (与, 和, 及):
    the head, then the other characters sorted."""
    head = _UNIT_END.search(name)
    h = head.group(0) if head else ""
    body = re.sub(r"[与和及]", "", name[:len(name) - len(h)])
    return "".join(sorted(body)) + "|" + h if len(body) >= 4 else name


def _abbreviates(short: str, long: str) -> bool:
    """``short`` is a short form of ``long``: the same ending (处, 学院 …), the same first character, its characters
    in order in ``long``, and shorter."""
    if len(short) >= len(long) or short[0] != long[0]:
        return False
    head = _UNIT_END.search(short)
    if head is None or not long.endswith(head.group(0)):
        return False
    it = iter(long)
    return all(ch in it for ch in short)


def _foreign_lead(name: str) -> bool:
    """A unit name that starts with a foreign country's name (俄罗斯…教育科学部)."""
    from etl.resolve.geo import load_gazetteer

    gaz = load_gazetteer()
    for n in range(min(6, len(name) - 2), 1, -1):
        code = gaz.country(name[:n])
        if code and code not in ("CN", "HK", "MO", "TW"):
            return True
    return False


def _place_before(text: str, s: int) -> bool:
    """A foreign place or country written right before position ``s`` (墨尔本|研究生院)."""
    from etl.resolve.geo import load_gazetteer

    gaz = load_gazetteer()
    before = text[max(0, s - 5):s]
    for i in range(len(before) - 1):
        w = before[i:]
        code = gaz.zh_place(w) or gaz.country(w)
        if code and code not in ("CN",):
            return True
    return False


def units_fit_list(text: str, lay, ref, org_spans: list[tuple[int, int, str]], home_spans: list[tuple[int, int]]) -> bool:
    """Whether the Chinese units a text names (as in :func:`find_zh_units`) are the configured home's: no
    unit named, or more of them in the home's list (name, alias or Chinese name) than not. A text
    that speaks as 我校 of 高级翻译学院 and 国际交流与合作处, units the configured home does not have, is
    another university's news even when it never writes that university's name. Weighed: a name every university
    has (教务处, 国际处: the term table's whole names) counts half for the home; an international office the home's
    list does not have counts double against it (a university has one)."""
    if not ref.units:
        return True
    units = {u.name: u for u in find_zh_units(text, lay, org_spans, home_spans)}
    if not units:
        return True
    terms = load_unit_terms()
    known = unknown = 0.0
    for name in units:
        if ref.unit(name) is not None:
            known += 0.5 if name in terms.whole else 1  # 教务处, 国际处: every university has one
        else:
            unknown += 2 if _INTERNATIONAL_OFFICE.search(name) else 1  # a university has one international office
    return known > unknown
