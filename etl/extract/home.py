"""Whose news is it: the home institution of a page, decided from the page itself.

A news page speaks for one university (its site's owner, "our university", 我校); every other
organisation it names is a partner, a visitor, a funder… The configured home (the reference
list's, e.g. BISTU) is only one candidate among the universities the page names: a page of
another university's site is read as that university's news, with its units under their own
names, and a page naming no university at all falls back to the configured home, whose canonical unit
names apply only where the page shows the home (its campuses or a unit acronym of its list; for 中文, units
that fit its list): a page on another campus is another university's, an English page without that evidence
gives its units as written (a generic "International Education College" is every university's).

Signals, scored per candidate university (every one read from the text, none from a list of
pages):
- the site: the page's furniture above the title (breadcrumb, menu, the site's name), its
  byline and source lines ("Translator: News Agency of BIT"), the page's metadata; a
  distinctive acronym there (BIT, LZU) names a known university even when the full name is
  never written;
- the dateline's source ("Beijing, 7 March 2024 (BISTU)---");
- the title's subject ("Exeter and Fudan agree …", "Purdue, IIT Madras sign …"), unless the
  title says it visits ("X Delegation Visits Y");
- the text's voice: mentions, a mention in the lead, units written as its own (X's School of …,
  the Office of … of X, X大学外国语学院);
- where the page stands: the writer locates the other party, never itself ("Xiamen University,
  China", "Harbin Institute of Technology in China", "China's Tianjin University", 英国萨里大学),
  and a page that speaks of China as abroad ("travelled to China", "Chinese partners") is not a
  Chinese university's; otherwise a Chinese university is the likelier home of this domain;
- a visit: the host of a visit is likelier home than its visitor (a weak signal: a delegation of
  the home travels as often as it receives one);
- a known partner of the configured home (partners.csv) is not its home.

A university of another country than the page's own perspective needs a strong signal (site,
dateline, title subject) or the page's foreign perspective.
"""
from __future__ import annotations

import re
from functools import lru_cache

from etl.extract.fastre import guarded
from etl.extract.cues import cue
from etl.extract.orgs import Mention_, Org, OrgFinder
from etl.extract.spans import last_of, next_of
from etl.extract.text import Layout
from etl.extract.zh_units import units_fit_list
from etl.resolve.geo import Gazetteer
from etl.resolve.reference import Reference, norm

_UNIVERSITY_NAME = re.compile(r"universi(?:t|dad)|college|institut(?:e|ion)\s+of\s+(?:\w+\s+){0,2}?technology|polytechnic|vocational|"
                              # "Dronacharya Group of Institutions": an Indian group of colleges
                              r"\bgroup\s+of\s+institutions\b|politecnico|hochschule|大学|学院|大學|學院|"
                              # "Indian Institute for Science Education and Research": an institute that teaches
                              r"\binstitute\s+(?:of|for)\s+(?:\w+\s+){0,2}?(?:science|sciences|technology|engineering|management)"
                              r"\s+(?:education|and\s+technology|studies)\b",
                              re.I)
# the page's own voice in a university's press release: "the University's partnerships", "the University" (not "the
# University of X")
_UNI_VOICE = re.compile(r"\bthe\s+University(?:['’]s)?\b(?!\s+of\b)")
# a title whose subject visits: "KTH Delegation Visits BISTU", "X President Visits Y", "英国X大学副校长一行访问我校"
_TITLE_VISITOR = re.compile(r"^[’']?s?\s+(?:[A-Z][\w-]*\s+){0,3}?(?:Delegation|President|Rector|Vice-Chancellor|Chancellor|"
                            r"Provost|Leaders?|Team|Ambassador|Minister)s?\s+(?:Visits?|Pays?|Arrives?|Comes?|Calls?)\b|"
                            r"^[’']?s?\s+(?:[A-Z][\w-]*\s+){0,2}?(?:Professor|Scholar|Expert|Researcher|Lecturer)s?\s+[A-Z]?[a-z]+s?\b|"
                            r"^[\u4e00-\u9fff·（）()A-Za-z\s]{0,20}?(?:代表团|一行|访问团)?(?:访问|来访|到访|来校|访)(?:我校|本校)?",
                            re.I)
# English unit names ("School of Mechanical and Electrical Engineering", "International Cooperation Office")
_EN_UNIT = re.compile(r"\b(?:School|College|Faculty|Department|Office|Division)\s+(?:of|for)\s+[A-Z][\w'’-]*"
                      r"(?:[^\S\n]+(?:and|&|of)?[^\S\n]*[A-Z][\w'’-]*)*|"
                      r"\b(?:[A-Z][\w'’-]*[^\S\n]+(?:and[^\S\n]+|&[^\S\n]+)?){1,5}(?:Office|Department|Division)\b(?![^\S\n]+(?:of|Building))")
# two-character words that read like a short form "X大" of a university (重庆大学 → 重大) but are common words
_ZH_SHORT_COMMON = frozenset({"重大", "广大", "廣大", "中大", "长大", "長大", "大大", "新大", "强大", "伟大", "远大", "高大",
                              "博大", "最大", "更大", "很大", "较大", "宏大", "盛大", "巨大", "庞大", "壮大", "扩大", "加大"})
_ACRONYM_PART = re.compile(r"(?<![\w])[A-Z][A-Za-z]{0,2}[A-Z]{1,6}(?![\w])")
# a page about two parties (home news of a partnership)
_TWO_PARTIES = re.compile(r"\b(?:both|the\s+two)\s+(?:universities|institutions)\b", re.I)
# an acronym used as a party: "UA-SJTU", "UA staff", "MMARAU delegation", "UA's"
_PARTY_ACRONYM = re.compile(r"(?:-[A-Z]{2,}\b|[’']s\b|\s+(?:staff|students|delegation|council|officials|management|"
                            r"community|team|President|Vice[- ]Chancellor|Rector)\b)", re.I)
_DEBUG = bool(__import__("os").environ.get("INTL_DEBUG_HOME"))
# China's provinces and regions (short forms, as a university's name starts: 江西农业大学, 内蒙古大学)
_CN_PROVINCES = {"河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南",
                 "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "内蒙古", "广西", "西藏", "宁夏", "新疆",
                 "北京", "天津", "上海", "重庆"}
_TITLE_ROLE_OF = re.compile(r"(?:(?:Vice[- ]|Deputy\s+|Senior\s+)?(?:President|Rector|Chancellor|Provost|Executives?|Leaders?|"
                            r"Leadership|Dean|Staff|Faculty|Students?|Researchers?|Scholars?|Team)s?\s+)+(?:of|from)\s+(?:the\s+)?")
# a page about its international students (the ones it receives)
_INTERNATIONAL_STUDENTS = re.compile(r"\binternational\s+(?:exchange\s+)?students\b", re.I)
_OUR = re.compile(r"我校|本校|\bour\s+(?:university|school|institute|college)\b", re.I)
# the text's own voice: a unit or office right after the name (X大学外国语学院, "X's School of", "X University
# International Office") or before it ("the Office of International Cooperation of YSU")
_OWNS_UNIT = re.compile(r"^(?:[’']s\s+|\s+)?(?:[A-Z][\w-]*\s+){0,4}?(?:School|College|Faculty|Office|Department)\b|"
                        r"^[\u4e00-\u9fff]{2,14}?(?:学院|学部|研究生院|处|办公室)")
_UNIT_BEFORE = re.compile(r"\b(?:Office|Department|Division|School|College|Faculty)\s+(?:of|for)\s+(?:[A-Z][\w&’'-]*\s+|and\s+|&\s+)"
                          r"{1,6}(?:of|at)\s+(?:the\s+)?$")
_VISITOR_BEFORE = re.compile(r"\b(?:delegations?|delegates?|guests?|visitors?|(?:visiting\s+)?(?:professors|scholars|experts)|"
                             r"(?:an?\s+)?(?:international\s+)?(?:exchange|visiting)\s+students?)\s+"
                             r"(?:\w+\s+){0,2}?from\s+(?:the\s+)?$|"
                             r"\bdelegations?\s+(?:led|headed)\s+by\s+[^.;\n]{0,90}?\bof\s+(?:the\s+)?$|"
                             # "GUIMC hosted a delegation of X": the one received is the guest
                             r"\b(?:hosted|hosts|received|receives|welcomed|welcomes)\s+(?:a|the|an)\s+(?:[\w-]+\s+){0,2}?"
                             r"delegation\s+of\s+(?:the\s+)?$", re.I)
_PROGRAMME_NAME = re.compile(r"(?:the\s+)?(?:International\s+)?(?:Summer|Winter|Spring|Autumn)\s+(?:University|School|College|Academy)\b",
                             re.I)
_FROM_SITE = re.compile(r"\b(?:From|Source)\s*[:：]\s*([a-z]{3,6})\b")
# lower-case words of a site's lines that are no site's short name
_SITE_WORDS = frozenset({"www", "http", "https", "edu", "com", "org", "net", "html", "htm", "php", "asp", "aspx", "index",
                         "news", "home", "from", "the", "and", "for", "read", "count", "date", "view", "views", "more", "page"})
# our people visiting: "President X … (beginning with) a visit to", "our students visited"
_OUR_VOICE_VISIT = re.compile(r"\b(?:visited|visiting|(?:a|the|his|her|their)\s+visit\s+to|paid\s+a\s+visit\s+to|"
                              r"travell?ed\s+to|went\s+to)\s+(?:the\s+)?$")
# a university the page calls a partner in an appositive: "X (China), a partner university with which our university …"
_PARTNER_APPOSITIVE = re.compile(r"(?:\s*\([^()\n]{1,30}\))?,\s+(?:a|an|our|one\s+of\s+(?:our|the))\s+(?:[\w-]+\s+){0,4}?"
                                 r"(?:partner|sister|exchange\s+agreement)\b")
# a list the page calls its partners: "from the following partner universities: A, B, and C"
_PARTNERS_LISTED = re.compile(r"\bpartner\s+(?:universities|institutions|schools|colleges)\s*(?::|,|such\s+as|including|namely|"
                              r"like)\s*(?:[^.;:\n]{0,200}?(?:,|\band)\s+)?(?:the\s+)?$", re.I)
# (used with .match at a position: no "^")
# X … visited our university / came to us: X is the guest
# "… received this morning, in his office, Dr. Ahmed Dalal, President of X": the one received leads the guests
_RECEIVED_LEADER = re.compile(r"[A-Z][\w'’.-]*(?:[^\S\n]+[A-Z][\w'’.-]*){0,3},[^\S\n]+(?:the[^\S\n]+)?(?:Vice[- ])?(?:President|Rector|Chancellor|Provost|"
                              r"Dean)[^\S\n]+of[^\S\n]+(?:the[^\S\n]+)?$")
_RECEIVED_VERB = re.compile(r"\b(?:received|welcomed|hosted)\b")
_VISITS_US = re.compile(r"[^.;\n]{0,60}?\b(?:visit(?:ed|s)?|paid\s+(?:a\s+)?(?:\w+\s+)?visit\s+to|came\s+to|arrived\s+at)\s+"
                        r"(?:our\s+(?:university|campus|school|college|institute|faculty)|us)\b", re.I)
_VISITOR_AFTER = re.compile(r"\)?(?:[’']s)?\s+(?:delegation|delegates|guests|visitors)\b|[\u4e00-\u9fff]{0,6}(?:代表团|一行)|"
                            r"[\u4e00-\u9fff]{0,12}协办", re.I)  # 协办: a co-organiser
_HOST_BEFORE = re.compile(r"\b(?:visit(?:ed|s|ing)?|(?:paid|pay|pays)\s+(?:a\s+)?visit\s+to|came\s+to|arrived\s+at)\s+(?:the\s+)?"
                          r"(?:(?:[A-Z][\w&'’-]*\s+|and\s+){1,7}(?:of|at)\s+(?:the\s+)?)?$|"
                          r"(?:访问|来到|到访)$", re.I)
_OUR_DELEGATION_EN = re.compile(r"\b(?:(?:a|the|our)\s+delegation\s+(?:of\s+\w+\s+)?(?:led|headed)\s+by\b|"
                                r"\b(?:led|headed|leading|heading)\s+(?:a|an|the|our)\s+(?:[\w-]+\s+)?delegation\b|"
                                # "Yi Hong and his delegation visited …": a person's own delegation
                                r"\band\s+(?:his|her|their)\s+delegation\b|"
                                # "During their visit to Ukraine, the delegation paid a visit to X": the page's own
                                # delegation, introduced before as led by its leader
                                r"\b(?:the|our)\s+delegation\s+(?:also\s+|then\s+|first\s+)?(?=paid\s+a\s+visit\s+to\b|visited\b))", re.I)
# a diplomat leading or heading a delegation: a foreign state's mission (a university's own delegation has none)
_DIPLOMAT = re.compile(r"\b(?:[Aa]mbassadors?|[Cc]onsuls?(?:[- ][Gg]eneral)?|[Ee]nvoys?|[Ee]mbass(?:y|ies)|[Cc]onsulates?|"
                       r"[Cc]harg[ée]\s+d['’][Aa]ffaires)\b")
_VISIT_VERB_EN = re.compile(r"\b(?:visit(?:ed|s)?|visit\s+to|went\s+to|travell?ed\s+to)\b", re.I)
_OUR_VISIT = re.compile(r"(?:代表团|一行|师生|学生|团组)[^。，]{0,6}(?:访问|前往|赴|出访|拜访|走访|考察)了?$")
# our leader speaking or signing for a university named right after 代表: that university is ours
_ZH_SPEAKS_FOR = re.compile(r"(?:^|[，。；\n])(?:我校|本校|校)?(?:党委)?(?:书记|校长|副校长|副书记)[^，。；\n]{0,10}?代表$")
_VENUE_AFTER = re.compile(r"[^。，；]{0,12}?(?:联合)?(?:举办|举行|召开)")
_WITH_BEFORE = re.compile(r"\b(?:(?:signed|signs|sign|worked|works|work|cooperat\w+|collaborat\w+|partnership|agreements?|"
                          r"MoUs?|memorand\w+|ties|links)\s+with|between\s+[\w\s]{2,40}?\s+and)\s+(?:the\s+)?$", re.I)
# X in the subject of a visit: "…, dean of the College of … of X, and vice dean Li visited …"
_SUBJECT_VISITED = re.compile(r"(?:[^.;\n]{0,80}?,)?[^.;\n]{0,30}?\b(?:visited|paid\s+a\s+visit|came\s+to)\b(?!\s+by)")
_HOST_AFTER = re.compile(r"(?:\s*\([^()]{1,20}\))?\s+(?:received|welcomed|hosted)\b|(?:联合)?主办|"
                         # "… President of X, received this morning …": X's leader receives
                         r",\s+(?:received|welcomed|hosted)\b|"
                         # "Dr Le, Vice Rector of X, Y, Hanoi, welcomed the guests": the welcomer's university hosts
                         r"(?:,[^.;\n]{0,50}?)?,\s+(?:warmly\s+)?(?:welcomed|received|greeted|met\s+with)\s+(?:the\s+)?"
                         r"(?:\w+\s+)?(?:guests?|delegation|delegates|visitors)\b", re.I)
# the page speaks of China as abroad: a foreign university's news about its Chinese partners
_CHINA_ABROAD = cue("china_abroad")  # data/reference/page_cues.csv
# "the Chinese partner institution for the new Confucius Institute": a Chinese university naming its own role in a
# Confucius Institute abroad, not a page abroad speaking of its Chinese partners
_AS_ROLE = re.compile(r"\b(?:[Aa]s|is|was|being)\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?$")
_CI_CHINESE_PARTNER = re.compile(r"[^.\n]{0,80}?\bConfucius\s+(?:Institutes?|Classrooms?)\b")
# a place written beside a name: "X, China", "X in China", "X (Korea)", "X of Germany"
_LOC_AFTER = re.compile(r"(?:\s*[(（](?P<b>[^()（）\n]{2,40})[)）]|\s*,\s*(?:in\s+)?(?P<c>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,2})|"
                        r"\s+(?:in|of|from)\s+(?:the\s+)?(?P<i>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,2}))")
_APPOSITIVE_LOC = re.compile(r",\s+(?:one\s+of\s+)?(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,3}?(?:universit(?:y|ies)|institutions?|"
                             r"colleges?)\s+in\s+(?:the\s+)?(?P<c>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)"
                             r"(?:,\s+(?P<c2>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?))?")
_LOC_BEFORE = re.compile(r"(?P<c>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)['’]s\s+(?:partner\s+)?$")
_GENERIC_WORDS = {"university", "universiti", "universitas", "universidad", "college", "institute", "technology", "science",
                  "sciences", "national", "state", "international", "studies", "applied", "engineering", "medical",
                  "normal", "federal", "royal", "central", "polytechnic", "academy", "school", "research"}
# a campus named by its place: 洞山校区, "Xianlin Campus" (not 主校区, 新校区, "the main campus")
_CAMPUS = re.compile(r"(?P<zh>[\u4e00-\u9fff]{2})(?<![主新本两各该老东西南北分总])校区|"
                     r"\b(?P<en>(?!Main\b|New\b|Old\b|East\b|West\b|South\b|North\b|Central\b|The\b|Our\b|Its\b|Each\b)"
                     r"[A-Z][a-z]{2,})\s+Campus\b")
# 中文 headline or lead sentence whose subject is a university: what may stand before the name on its line (a
# date, a news agency's dateline 香港新闻网7月2日电, 本网讯) and a clause that makes it a visitor instead
_ZH_LEAD_PREFIX = re.compile(r"\s*(?:date\s*)?(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s*)?"
                             r"(?:[\u4e00-\u9fff]{2,12}?\d{1,2}月\d{1,2}日电\s*|本网讯[：:]?\s*|"
                             r"(?:\d{4}年)?\d{1,2}月\d{1,2}日[上中下]?[午晚]?[，,]?\s*|(?:今日|近日|日前)[，,]?\s*)?")
_ZH_INBOUND = re.compile(r"(?:访问|莅临|到访|来到|抵达|考察)(?:了)?(?:我校|本校)|来(?:我校|本校)(?:访问|参观|交流)")
_ZH_LEAD_VISITOR = re.compile(r"(?:(?:与|和|同|向|对|给|来|到|赴|至)(?:我校|本校)|来访|莅临|到访|抵达|来到|拜访|来校|(?:访问|考察)(?:了)?(?:我校|本校|[^，。；\n]{0,20}?(?:大学|学院)))")
_ACRONYM = re.compile(r"(?<![\w-])[A-Z][A-Za-z]{0,2}[A-Z]{1,6}(?![\w-])")
# 中文: "X(short)校长某某教授率领代表团…" — the university whose leader leads the page's delegation (its own trip)
_ZH_LEADS_DELEGATION = re.compile(r"(?:[（(][^（()）]{1,8}[)）])?(?:党委)?(?:常务)?(?:副)?(?:校长|书记|院长|校监|主席)"
                                  r"[\u4e00-\u9fff·]{1,6}?(?:教授|博士|院士|先生|女士)?(?:亲自)?(?:率领|带领|率)(?:[^，。；\n]{0,12}?)"
                                  r"(?:代表团|访问团|考察团|一行)")
# a photo caption on a line of its own (华中科技大学校门口合影): neither the headline nor the lead
_ZH_CAPTION_LINE = re.compile(r"[^，。；！？\n]{2,60}?(?:合影|合照|留影|现场|剪影|一角)\s*(?:[（(][^（()）\n]{1,40}[)）])?\s*$")


def _forms(o: Org) -> list[str]:
    forms = {a for a in o.aliases | {o.name} if len(a) >= 2}
    if o.known is not None:
        forms |= {a for a in o.known.aliases if len(a) >= 2}
        if o.known.zh:
            forms.add(o.known.zh)
    if o.registry is not None:
        forms |= {a for a in o.registry.aliases if len(a) >= 2}
    return sorted(forms, key=len, reverse=True)


def find_word(text: str, w: str, hyphen: bool = True):
    """(start, end) of every occurrence of ``w`` in ``text`` as a whole word (a string search, no pattern to
    compile: the forms change from page to page). ``hyphen``: a hyphen next to it joins it to a longer word."""
    edge = "_-" if hyphen else "_"
    i = text.find(w)
    while i != -1:
        e = i + len(w)
        before = text[i - 1] if i > 0 else " "
        after = text[e] if e < len(text) else " "
        if not (before.isalnum() or before in edge) and not (after.isalnum() or after in edge):
            yield i, e
        i = text.find(w, i + 1)


def _in(form: str, text: str) -> bool:
    if form not in text:
        return False
    if re.search(r"[\u4e00-\u9fff]", form):
        return True
    return next(find_word(text, form), None) is not None


# an acronym in the text's own voice: a possessive, or its leader's title right after it
_ACRONYM_VOICE = re.compile(r"[’']s\s|\s+(?:[Pp]resident|[Vv]ice[- ][Pp]resident|[Pp]arty\s+[Ss]ecretary|[Rr]ector|[Cc]hancellor)\b")
_LEADER_OF = re.compile(r"\b(?:[Pp]resident|[Rr]ector|[Cc]hancellor|[Ss]ecretary|[Dd]ean)\s+of\s+(?:the\s+)?$")
_LEADS_DELEGATION = re.compile(r"(?:\s*\([^()]{1,12}\))?\s*,\s*(?:(?:led|headed)\s+(?:a|an|the)\s+(?:[\w-]+\s+)?delegation|"
                               r"and\s+(?:his|her|their)\s+delegation)\b")
_ABBR_TOKEN = re.compile(r"(?<![\w])(?:[A-Z][a-z]{0,4}){2,8}(?![\w])")  # "UQ", "PoliTo", the parts of "VNU-USSH"
_NAME_CONNECTORS = {"of", "the", "and", "&", "for", "in", "at", "di", "de", "del", "della", "des", "du", "der", "für", "la", "le"}


# acronyms of documents and titles, not of organisations
_GENERIC_ACRONYMS = frozenset({"MOU", "MoU", "MOA", "CPC", "PhD", "PRC", "USA", "UK", "US", "EU", "UN", "AI", "IT", "HSK",
                               "COVID", "CEO", "VIP", "QS", "STEM", "ICT", "RMB", "USD", "GDP", "MBA", "VC"})


@lru_cache(maxsize=65536)
def abbreviates(tok: str, name: str) -> bool:
    """Whether ``tok`` abbreviates ``name`` word by word: each of its capitalised chunks begins the next word of
    the name, connectors skipped, every word used ("UQ" The University of Queensland, "BISU" Beijing International
    Studies University, "PoliTo" Politecnico di Torino, "SYSU" Sun Yat-sen University)."""
    if tok[0].lower() not in name.lower():
        return False
    name = re.sub(r"\s+named\s+after\s+.*$", "", name)  # "KSU" of "Kyrgyz State University named after I. Arabaev"
    chunks = re.findall(r"[A-Z][a-z]*", tok)
    words = [w for w in re.split(r"[\s\-–]+", re.sub(r"[,.()'’]", " ", name)) if w and w.lower() not in _NAME_CONNECTORS]
    if len(chunks) < 2:
        return False
    if len(chunks) == len(words) and all(w.lower().startswith(c.lower()) for c, w in zip(chunks, words)):
        return True
    if len(chunks) <= len(words) or any(len(c) > 1 for c in chunks):
        return False
    # a word may stand for two letters or more: a compass compound ("NWU" Northwest University) or a Chinese place
    # name's syllables ("ZZU" Zhengzhou University, "SJTU" Shanghai Jiaotong University, "NJU" Nanjing University)
    return _spread("".join(chunks).lower(), tuple(w.lower() for w in words))


_COMPASS = re.compile(r"(north|south)(east|west)(?:ern)?$")
_PY_INITIAL = r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])"
_PY_FINAL = r"(?:iang|iong|uang|ang|eng|ing|ong|iao|ian|uai|uan|ai|ei|ui|ao|ou|iu|ie|ue|ve|er|an|en|in|un|ia|ua|uo|a|o|e|i|u|v)"
_PINYIN_WORD = re.compile(rf"(?:{_PY_INITIAL}?{_PY_FINAL})(?:{_PY_INITIAL}{_PY_FINAL}){{1,3}}")


@lru_cache(maxsize=4096)
def _syllable_heads(word: str) -> tuple[str, ...]:
    """The first letters of the parts a word may be read as: (n, w) for "northwest", the syllables' initials of a
    Chinese name written as one word ("zhengzhou" → z, z; "jiaotong" → j, t), several readings where the syllables
    may be cut in more than one way."""
    m = _COMPASS.match(word)
    if m:
        return (m.group(1)[0] + m.group(2)[0],)
    if not _PINYIN_WORD.fullmatch(word):
        return ()
    out: set[str] = set()

    def cut(rest: str, heads: str, first: bool) -> None:
        if not rest:
            if len(heads) >= 2:
                out.add(heads)
            return
        for n in range(min(6, len(rest)), 0, -1):
            piece = rest[:n]
            if re.fullmatch(rf"{_PY_INITIAL}{'?' if first else ''}{_PY_FINAL}", piece):
                cut(rest[n:], heads + piece[0], False)

    cut(word, "", True)
    return tuple(sorted(out))


def _spread(letters: str, words: tuple[str, ...]) -> bool:
    """Whether the letters spell the words' initials, a word giving one letter or the letters of its parts."""
    if not words:
        return not letters
    if not letters:
        return False
    w = words[0]
    if w[0] == letters[0] and _spread(letters[1:], words[1:]):
        return True
    return any(letters.startswith(h) and _spread(letters[len(h):], words[1:]) for h in _syllable_heads(w))


_COUNTRY_WORDS: dict[int, dict[str, tuple[str, ...]]] = {}


def _country_words(gaz: Gazetteer) -> dict[str, tuple[str, ...]]:
    """ISO code → the country's names and adjectives as written (Title Case), for a word search."""
    if id(gaz) not in _COUNTRY_WORDS:
        out: dict[str, set[str]] = {}
        for d in (gaz.countries, gaz.adjectives):
            for k, code in d.items():
                if len(k) >= 4 and k.isascii():
                    out.setdefault(code, set()).add(" ".join(w[:1].upper() + w[1:] for w in k.split()))
                elif 2 <= len(k) <= 3 and k.isalpha() and d is gaz.countries:
                    out.setdefault(code, set()).add(k.upper())  # "UK", "USA"
        _COUNTRY_WORDS[id(gaz)] = {c: tuple(sorted(v)) for c, v in out.items()}
    return _COUNTRY_WORDS[id(gaz)]


@lru_cache(maxsize=1)
def _notable_universities() -> frozenset[str]:
    """Names (normalised, without "The" and without a ", University of London"-like tail) of
    ``world_universities.csv``: the universities the list of the world's universities knows."""
    import csv

    from etl.resolve.reference import DEFAULT_DIR

    out: set[str] = set()
    path = DEFAULT_DIR / "world_universities.csv"
    if path.exists():
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                name = re.sub(r"^The\s+", "", (row.get("name") or "").strip())
                if name:
                    out.add(norm(name))
                    out.add(norm(name.split(",")[0]))
    return frozenset(out)


@lru_cache(maxsize=4096)
def _registry_universities(a: str) -> dict:
    """norm(name) → the registry's universities with the acronym ``a`` (a campus counts as its university)."""
    from etl.resolve.registry import load_registry

    recs = {}
    for r in load_registry().by_acronym(a):
        if r.kind == "university":
            recs.setdefault(norm(r.name), r)
    # a campus ("Universiti Tunku Abdul Rahman Sungai Long Campus") is its university
    return {k: r for k, r in recs.items() if not any(k != k2 and k.startswith(k2 + " ") for k2 in recs)}


class HomeDetector:
    def __init__(self, text: str, lay: Layout, ref: Reference, gaz: Gazetteer, finder: OrgFinder, meta: dict,
                 lang: str):
        self.text, self.lay, self.ref, self.gaz, self.finder, self.lang = text, lay, ref, gaz, finder, lang
        site = " ".join(str(meta.get(k) or "") for k in ("sitename", "site", "hostname", "source"))
        self.site_text = " \n ".join([site] + [ln for _, ln in lay.site_lines] + [ln for _, ln in lay.header])
        self.site_lower = self.site_text.lower()
        self.orgs: list[Org] = []  # the page's organisations (detect)
        self.supported: set[str] = set()  # registry universities an acronym names with the page's support
        self.uni_voice: bool | None = None  # the page speaks as "the University" (computed once)
        self._site_toks: list[str] | None = None
        self._our_voice: bool | None = None  # the text speaks as "our university" (computed once)
        self.dateline_source = lay.dateline_source
        self.title = lay.title_text()
        self.lead_end = lay.paragraphs[0][1] if lay.paragraphs else len(text)
        # how often the page speaks of China as abroad
        self.abroad = sum(1 for m in _CHINA_ABROAD.finditer(text) if not (
            _CI_CHINESE_PARTNER.match(text, m.end()) and _AS_ROLE.search(text, max(0, m.start() - 50), m.start()))) \
            if "China" in text or "Chinese" in text else 0
        # the page's own perspective: in Chinese, a university of Hong Kong, Macao or Taiwan is as local as a
        # mainland one (澳门大学's news in Chinese)
        # the region whose universities are local in this domain's news (Hong Kong, Macao and Taiwan too)
        self.local = ("CN", "HK", "MO", "TW")

    # -- where a mention stands -----------------------------------------------------------------
    def located(self, o: Org) -> tuple[str, str] | None:
        """(country, "country" | "place") the text writes beside a mention of ``o`` (the writer locating the
        other party): "X, China", "X in China", "X (Korea)", "China's X", "X in Shanghai", 英国X大学."""
        text, gaz = self.text, self.gaz
        place = None  # a place beside one mention; a country beside another tells more ("X in Changchun" … "X in China")
        for m in o.mentions:
            got = self._located_at(m)
            if got and got[1] == "country":
                return got
            place = place or got
        if place:
            return place
        if o.country and o.country_method and re.search(r"[\u4e00-\u9fff]", o.name) and re.match(
                r"(?:text after the name|bracket after the name|country written before|appositive)", o.country_method):
            return o.country, "place"
        return None

    def _located_at(self, m) -> tuple[str, str] | None:
        """(country, "country" | "place") written beside one mention."""
        text, gaz = self.text, self.gaz
        if m.text.isupper() and len(m.text) > 8:
            return None  # a name in a document's capitalised title ("… CHIANG MAI UNIVERSITY, THAILAND")
        tail = self.finder.place_tails.get(m.start)
        if tail and gaz.country_name(tail) and m.text.endswith(tail):
            return gaz.country_name(tail), "country"  # "X University of China": written with its country
        am = _LOC_AFTER.match(text, m.end, min(len(text), m.end + 60))
        if am and am["b"] and not gaz.country_name(am["b"].strip()):
            # "X (XISU) in China": an acronym in brackets, then the place
            am = _LOC_AFTER.match(text, am.end(), min(len(text), am.end() + 60)) or am
        if am:
            if am["b"]:
                code = gaz.country_name(am["b"].strip())
                if code:
                    return code, "country"
            cap = am["c"] or am["i"]
            if am["c"] and not gaz.country_name(cap):
                ws = cap.split()
                # "X, China. This MOU …": the country ends the sentence, the words after it are the next one's
                cap = next((" ".join(ws[:n]) for n in range(len(ws) - 1, 0, -1)
                            if ws[n - 1].endswith(".") and gaz.country_name(" ".join(ws[:n]))), cap)
            if am["c"] and not gaz.country_name(cap):
                # ", Henan, China" locates; "The Chinese University of Hong Kong, Shenzhen" is a campus
                nxt = re.match(r"\s*,\s*(?:the\s+)?([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)", text[am.end():am.end() + 30])
                if not (nxt and gaz.country_name(nxt.group(1))):
                    cap = None
            if cap:
                words = cap.split()
                for n in range(len(words), 0, -1):
                    cand = " ".join(words[:n])
                    code = gaz.country_name(cand)
                    how = "country"
                    if not code:
                        code, how = gaz.place(cand), "place"
                    if code and (n == len(words) or not words[n][0].isupper() or cand.endswith(".") or
                                 gaz.country_name(" ".join(words[n:]))):
                        # ("in Shenzhen. Doctoral students …": the sentence ends the place)
                        # "in Shanghai" (not "in Shanghai Jiao Tong University"): the place ends the words
                        at = am.start("c" if am["c"] else "i") + len(cand)
                        if not re.match(r"\s+(?:[A-Z][\w'’-]+\s+)*(?:University|College|Institute)\b", text[at:at + 40]):
                            nxt = re.match(r"\s*,\s*(?:the\s+)?([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)", text[at:at + 30])
                            if how == "place" and nxt and gaz.country_name(nxt.group(1)):
                                return gaz.country_name(nxt.group(1)), "country"  # ", Henan, China"
                            return code, how
        # an appositive that describes it: "X, one of the top universities in Beijing, China"
        ap = _APPOSITIVE_LOC.match(text, m.end, min(len(text), m.end + 120))
        if ap:
            for cand in (ap["c2"], ap["c"]):
                if cand and gaz.country_name(cand):
                    return gaz.country_name(cand), "country"
            if gaz.place(ap["c"]):
                return gaz.place(ap["c"]), "place"
        bm = _LOC_BEFORE.search(text, max(0, m.start - 40), m.start)
        if bm and gaz.country_name(bm["c"]):
            return gaz.country_name(bm["c"]), "country"
        if re.search(r"[\u4e00-\u9fff]", m.text):
            before = text[max(0, m.start - 18):m.start]
            hits = gaz.find_zh_countries(before)
            # (the state's last character may have been read into the name: 路易斯安那|州X大学)
            pm = re.match(r"[\u4e00-\u9fff·]{0,9}?(?:州|省|县|府|郡)(?=[\u4e00-\u9fff·]{2,}(?:大学|学院)$)", m.text)
            if hits and (hits[-1][1] == len(before) or hits[-1][2] not in self.local and re.fullmatch(
                    r"[\u4e00-\u9fff·]{1,9}?(?:州|省|县|府|郡|道)", before[hits[-1][1]:] + (pm.group(0) if pm else ""))):
                # 英国X大学, 美国路易斯安那州X大学 (a country, then a state or province of it)
                return hits[-1][2], "country"
        return None

    def visitor(self, o: Org) -> int:
        """How plainly the page names ``o`` as the visiting side: 4 for "X … visited our university", 2 for "a delegation from X", "a delegation led by
        … of X", "X delegation" (but not "the X delegation to Y": a page tells of its own delegation's trips as
        often as of its guests); 1 for X in the subject of "visited" ("the dean of a college of X … visited");
        0 otherwise."""
        text = self.text
        weak = False
        if any(_VISITS_US.match(text, m.end, min(len(text), m.end + 90)) for m in o.mentions):
            return 4  # "a delegation of X visited our university": the page says plainly who is the guest
        for m in o.mentions:
            if _VISITOR_BEFORE.search(text, max(0, m.start - 100), m.start):
                return 2
            if _RECEIVED_LEADER.search(text, max(0, m.start - 80), m.start):
                ss = max(last_of(text, "\n", m.start - 1) + 1, m.start - 200)  # (its line: "Dr." is no sentence's end)
                rv = _RECEIVED_VERB.search(text, ss, m.start)
                if rv and not any(ss <= x.start < rv.start() for x in o.mentions):
                    return 2
            am = _VISITOR_AFTER.match(text, m.end, min(len(text), m.end + 24))
            if am and not re.match(r"\s+(?:to|in|visited|visits|paid|went|travell?ed)\b", text[am.end():am.end() + 12]):
                return 2  # (not "X delegation visited Y": a page tells of its own delegation's trips as often)
            if _SUBJECT_VISITED.match(text, m.end, min(len(text), m.end + 100)):
                weak = True
        return 1 if weak else 0

    def _our_visit(self, m) -> bool:
        """In 我校 news, "代表团访问X" with no organisation named before the delegation in its clause: our own
        delegation visits X (not "Y大学校长一行访问X", another's)."""
        text = self.text
        vm = _OUR_VISIT.search(text, max(0, m.start - 20), m.start)
        if not vm:
            return False
        cs = last_of(text, "。，；！？\n", vm.start()) + 1
        return not any(cs <= x.start < vm.start() for o in self.finder.orgs.values() for x in o.mentions) and \
            not any(cs <= s < vm.start() for s, _ in self.finder.home_spans) or bool(_OUR.search(text, cs, vm.start()))

    def _zh_other_party(self, o: Org) -> bool:
        """In 中文 news that speaks as 我校/本校: ``o`` is the other party when a mention is what our people visit
        (我校代表团访问X), signs with us (X…与本校签约), or goes somewhere to visit (X副校长…到Y参访)."""
        text = self.text
        # a page whose visit comes to us (X一行访问我校): a Chinese university its guests say they are visiting
        # (客人表示,很高兴访问Y大学) is ours
        inbound = bool(_ZH_INBOUND.search(text))
        for m in o.mentions:
            se = next_of(text, "。！？\n", m.end, len(text))
            after = text[m.end:min(se, m.end + 80)]
            cs = max(text.rfind(c, 0, m.start) for c in "。，；！？\n") + 1
            if re.match(r"[^。；]{0,40}?(?:与|和|同)(?:我校|本校)", after) or \
                    (re.search(r"应[^，。；]{0,40}$", text[cs:m.start]) and re.match(r"[^，。；]{0,40}?邀请", after)) or \
                    (text[max(0, m.start - 1):m.start] == "在" and re.match(r"(?:交流学习|留学|学习|攻读)", after)) or \
                    re.search(r"(?:会见|接见|会晤)(?:了)?", text[cs:m.start]) or \
                    (re.search(r"(?:前往|拜访|拜会|走访|访问)了?$", text[max(0, m.start - 4):m.start]) and
                     not any(cs <= x.start < m.start for x2 in self.finder.orgs.values() for x in x2.mentions) and
                     not (inbound and (o.country in self.local or self._zh_local(o)) and
                          re.search(r"(?:表示|说|谈到|致辞)[，,:：]?[^。；，]{0,20}?(?:访问|来到|到访)了?$",
                                    text[max(0, m.start - 40):m.start]))) or \
                    re.match(r"[^。]{0,40}?(?:莅临|来访|访问|来到|到访|抵达)(?:我校|本校)", after) or \
                    re.match(r"[^。]{0,60}?(?:到|来到|赴|抵达)[^，。；]{1,20}?(?:参访|访问|考察)", after) or \
                    self._our_visit(m) or self._our_counterpart(m) or \
                    re.search(r"(?:同学|学生|学子|师生|代表团|一行)[^。；\n]{0,8}?(?:分赴|赴|前往)(?:[\u4e00-\u9fff·]{2,20}?[、和及与])*[\u4e00-\u9fff]{0,5}$",
                              text[last_of(text, "。！？\n", m.start - 1) + 1:m.start]):
                # (这11名同学分赴A、B和C: where our students go is the other party)
                return True
        return False

    def _zh_welcomes_for(self, m) -> bool:
        """…校长代表X欢迎来宾, …代表X对与会专家表示欢迎: someone welcomes the guests in X's name, X is the host (the
        page's own university, whatever its guests say they visit)."""
        text = self.text
        return text[max(0, m.start - 2):m.start] == "代表" and \
            bool(re.match(r"[^。；！？\n]{0,24}?欢迎", text[m.end:m.end + 30]))

    def _visits_countries(self, rest: str) -> bool:
        """Whether a title's "… Delegation Visits A, B and C" visits countries (or regions), not an organisation."""
        vm = re.search(r"\b(?:Visits?|Visited|Tours?)\s+(?P<o>.+)$", rest, re.I)
        if not vm:
            return False
        items = [x.strip() for x in re.split(r",|\band\b|&", vm.group("o")) if x.strip()]
        return bool(items) and all(self.gaz.country_name(x) or self.gaz.country_name(re.sub(r"^the\s+", "", x, flags=re.I))
                                   for x in items)

    def _our_counterpart(self, m) -> bool:
        """In 我校 news, a university named in the same sentence after 我校 as what 我校's people visit ("我校副书记…
        先后访问了A、B和C") or as whom 我校 works with ("我校研究院与A、B联合…"): the other party, never the home."""
        text = self.text
        ss = last_of(text, "。！？\n", m.start - 1) + 1
        seg = text[ss:m.start]
        om = None
        for om in _OUR.finditer(seg):
            pass
        if om is None:
            return False
        rest = seg[om.end():]
        return bool(re.search(r"(?:访问|前往|出访|拜访|走访|考察|赴)了?(?:[\u4e00-\u9fff·]{2,20}?[、和及与])*$", rest) and
                    len(rest) < 60) or bool(re.search(r"^[^。，；]{0,20}?(?:与|同)(?:[\u4e00-\u9fff·]{2,20}?[、和及])*$", rest))

    def _our_visit_en(self, m, o: Org) -> bool:
        """In English news, "a delegation led by <a person and their title> visited X", "<person> headed a
        delegation … on a visit to A, B and X" with no organisation named before the visit: the page's own
        delegation visits X, the other party."""
        text = self.text
        ss = last_of(text, ".!?\n", m.start - 1) + 1
        seg = text[ss:m.start]
        dm = _OUR_DELEGATION_EN.search(seg)
        if self._our_voice is None:
            self._our_voice = bool(_OUR.search(text))  # (once: a search of the whole text per mention is quadratic)
        if not dm and self._our_voice:
            # a page that speaks as "our university": "President X … beginning with a visit to Y", "our students
            # visited Y": Y, named after the visit with no other organisation before it in the sentence, is the host
            vm = _OUR_VOICE_VISIT.search(seg)
            return bool(vm) and not any(
                ss <= x.start < m.start for p in self.finder.orgs.values() for x in p.mentions)
        if not dm:
            return False
        vm = None
        for vm in _VISIT_VERB_EN.finditer(seg, dm.start()):
            pass
        if vm is None:
            return False
        if len(seg) - vm.end() > 160 and not self._only_names_between(ss + vm.end(), m.start):
            return False  # (a long list of the universities visited goes on to its last item)
        if any(ss <= x.start < ss + vm.start() for x in o.mentions):
            return False  # "XTU President Z headed a delegation to visit …": the subject's university is the home
        dip = _DIPLOMAT.search(seg, 0, vm.start())
        if dip and not re.search(r"\baccompanied\s+by\b[^.;]{0,40}$", seg[:dip.start()], re.I):
            return False  # "the delegation led by X, the Cuban Ambassador, visited Y": a foreign state's guests, never ours
        if re.match(r"(?:the|our)\s", dm.group(0), re.I) and not re.search(r"\b(?:led|headed)\b", dm.group(0), re.I) and \
                any(x.start < ss and _HOST_BEFORE.search(self.text, max(0, x.start - 90), x.start) for x in o.mentions):
            return False  # "a delegation … visited X. The delegation also visited X's new campus": the guests go on
        # ("Accompanied by …, X and his delegation visited …": only the delegation's own clause tells whose it is)
        cs = ss + (last_of(seg, ",;", dm.start()) + 1 if re.match(r"and\s", dm.group(0), re.I) else 0)
        return not any(cs <= x.start < ss + vm.start() and not re.search(r"\binvitation\s+of\b[^,;]*$", text[ss:x.start])
                       for p in self.finder.orgs.values() for x in p.mentions)  # (the inviter is the other party too)

    def _only_names_between(self, a: int, b: int) -> bool:
        """Whether [a, b) holds nothing but organisations' names joined by commas and "and" (a list)."""
        spans = sorted((x.start, x.end) for p in self.finder.orgs.values() for x in p.mentions if a <= x.start and x.end <= b)
        rest, pos = [], a
        for s_, e_ in spans:
            if s_ >= pos:
                rest.append(self.text[pos:s_])
                pos = e_
        rest.append(self.text[pos:b])
        return bool(spans) and re.fullmatch(r"(?:\s|,|\band\b|\bthe\b)*", " ".join(rest), re.I) is not None

    def host(self, o: Org) -> bool:
        text = self.text
        return any(_HOST_BEFORE.search(text, max(0, m.start - 90), m.start) or
                   _HOST_AFTER.match(text, m.end, min(len(text), m.end + 100)) for m in o.mentions)

    @staticmethod
    def _distinctive(o: Org) -> list[str]:
        """The distinctive part of a university's name, lower case ("jilin" of Jilin University, "queensland" of
        The University of Queensland), for the site's own spelling ("JiLin Unlveiversity")."""
        short = re.sub(r"^(?:the\s+)?(?:university\s+of\s+)?|\s+university$", "", o.name, flags=re.I).lower()
        return [short] if len(short) >= 4 and not re.search(r"[\u4e00-\u9fff]", short) and \
            short not in _GENERIC_WORDS else []

    def other_spans(self, o: Org) -> list[tuple[int, int]]:
        """Where the page names organisations other than ``o`` (for short forms read inside them: 西澳大学)."""
        return [(m.start, m.end) for x in self.orgs if x is not o for m in x.mentions]

    def _zh_short_uses(self, o: Org) -> int:
        """How often a 中文 page calls a university by the short form Chinese news gives a university of its own
        voice: the first character of the name (after 香港, 澳门, 国立) and 大 (岭大 of 岭南大学, 城大 of 城市大学,
        厦大), or the first and third characters of a longer name (天外 of 天津外国语大学, 华师 of 华东师范大学),
        outside the full name and not as a visiting party (天外代表团, 访问天外). Short forms that are common words
        (重大, 广大) are not counted."""
        if self.lang != "zh":
            return 0
        forms: dict[str, str] = {}  # short form -> the name's character that follows its last one
        heads = set()
        for m in o.mentions:
            t = re.sub(r"^(?:香港|澳门|澳門|国立|國立|私立)", "", m.text)
            mm = re.fullmatch(r"([\u4e00-\u9fff]{2,8})(大学|大學|学院|學院)", t)
            if not mm:
                continue
            core = mm.group(1)
            heads.add(core[0])
            if mm.group(2) in ("大学", "大學"):
                forms[core[0] + "大"] = core[1] if core[1] != "大" else core[2:3]
            if len(core) >= 4:
                forms[core[0] + core[2]] = core[3]
        if not heads:
            return 0
        # (or a short form the tables give for it: a mention of two or three characters that opens with the name's
        # first character and is not the start of the name, 北科大)
        for m in o.mentions:
            if 2 <= len(m.text) <= 3 and m.text[0] in heads and re.fullmatch(r"[\u4e00-\u9fff]+", m.text) and \
                    not any(x.text.startswith(m.text) or x.text[2:].startswith(m.text) for x in o.mentions
                            if len(x.text) > 3):
                forms.setdefault(m.text, "")
        for w in _ZH_SHORT_COMMON:
            forms.pop(w, None)
        if not forms:
            return 0
        text, n = self.text, 0
        spans = [(m.start, m.end) for m in o.mentions if m.text not in forms] + self.other_spans(o)
        for f, nxt in forms.items():
            i = text.find(f)
            while i != -1:
                e = i + len(f)
                # (not where the characters run on as the name or a word would: 澳大利亚, 两国关系)
                if not any(a <= i < b for a, b in spans) and not (nxt and text[e:e + 1] == nxt) and \
                        not re.match(r"[\u4e00-\u9fff]?(?:代表团|代表團|一行|访问团|訪問團)", text[e:e + 4]) and \
                        not re.search(r"(?:访问|訪問|来访|來訪|到访|到訪|赴|前往)$", text[max(0, i - 3):i]):
                    n += 1
                i = text.find(f, e)
        return n

    # -- scoring ------------------------------------------------------------------------------------
    def _zh_local(self, o: Org) -> str | None:
        """The country of a Chinese name the tables do not know, from a Chinese province or city at its start
        (江西农业大学, 南昌工程学院): CN."""
        if o.country is not None or self.lang != "zh" or not re.match(r"[\u4e00-\u9fff]", o.name):
            return o.country
        for n in (3, 2):
            head = o.name[:n]
            if head in _CN_PROVINCES or (len(o.name) > n + 2 and self.gaz.zh_place(head) == "CN"):
                return "CN"
        return None

    def _zh_lead_subject(self, m) -> bool:
        """A mention that opens one of the page's first lines (its headline, the lead's first sentence), after
        at most a date or a dateline, as the subject of a clause that is no visit to another university."""
        text = self.text
        if m.start > max(self.lead_end, 0) + 300 or m.start > 600:
            return False
        ls = text.rfind("\n", 0, m.start) + 1
        if not _ZH_LEAD_PREFIX.fullmatch(text, ls, m.start):
            return False
        le = text.find("\n", m.start)
        if ls > 0 and _ZH_CAPTION_LINE.fullmatch(text, ls, len(text) if le == -1 else le):
            return False  # a photo caption (X大学校门口合影), not the page's headline or lead
        ce = next_of(text, "，。；！？\n", m.end, len(text))
        clause = text[m.end:min(ce, m.end + 60)]
        return not _ZH_LEAD_VISITOR.search(clause) and not re.match(r"\s*(?:代表团|一行|访问团)", clause)

    def score(self, o: Org, forms: list[str]) -> tuple[float, str]:
        """How strongly the page speaks for ``o``, and its strong signal if any (site, dateline, title)."""
        text = self.text
        score, strong = 0.0, ""
        if o.country is None and self._zh_local(o):
            o.country, o.country_method = "CN", "a Chinese province or city at the start of its name"
        if (self.site_text.strip() and (any(len(f) >= 2 and _in(f, self.site_text) for f in forms) or
                                        any(_in(f, self.site_lower) for f in self._distinctive(o)))) or \
                any(abbreviates(t.upper(), o.name) for t in self._site_tokens()):
            # (the site's short name in any case: "From: zzu" for Zhengzhou University)
            score, strong = score + 6, "site"
        ds = self.dateline_source
        if ds and (ds in forms or norm(ds) in {norm(f) for f in forms}):
            score, strong = score + 6, "dateline"
        title = self.title
        if title:
            short = re.sub(r"^(?:the\s+)?(?:university\s+of\s+)?|\s+university$", "", o.name, flags=re.I)
            t = re.sub(r"^(?:The\s+)", "", title)
            lead = next((f for f in forms if t.startswith(f) or title.startswith(f)), None)
            rm = _TITLE_ROLE_OF.match(t)
            if lead is None and rm:
                # "Executive of Chiang Mai University together with …": the title's subject is this university's people
                lead = next((f for f in forms if t[rm.end():].startswith(f)), None)
                if lead is not None:
                    t = t[rm.end():]
            if lead is None and len(short) >= 4 and " " not in short and re.match(rf"{re.escape(short)}\b", t):
                lead = short
            first = re.sub(r"^The\s+", "", o.name).split(" ", 1)[0]
            if lead is None and len(first) >= 5 and first[0].isupper() and not first.isupper() and \
                    re.match(rf"{re.escape(first)}\s+(?!University|College|Institute|School|Academy|Polytechnic|"
                             rf"Normal|State|National)[A-Z]?[a-z]", t) and \
                    len(o.name.split()) > 1 and not (self.gaz.place(first) or self.gaz.country_name(first) or
                                                     self.gaz.adjective(first)):
                lead = first  # "Wittenborg Strengthens Ties …" for Wittenborg University of Applied Sciences: its
                # distinctive first word (no place) opens the title as its subject
            if lead is not None:
                rest = t[len(lead):] if t.startswith(lead) else title[len(lead):]
                if (not _TITLE_VISITOR.match(rest) or self._visits_countries(rest)) and \
                        not (rm and re.match(r"\s+(?:visits?|pays?|arrives?|calls?|tours?)\b", rest, re.I)):
                    # (but "X Delegation Visits Cambodia and Laos": a delegation that visits countries goes abroad
                    # from home)
                    # (not "Rector of X visits Y": X's people are the guests)
                    score, strong = score + 4, strong or "title"
            elif any(_in(f, title) for f in forms) or (len(short) >= 4 and " " not in short and _in(short, title)):
                score += 1.5
                if any(re.search(rf"\b(?:at|[Vv]isits?|[Vv]isited|[Rr]eceives?|[Hh]osts?|[Ww]elcomes?)\s+(?:the\s+)?"
                                 rf"{re.escape(f)}\s*$", title) for f in forms):
                    score += 2  # "… Lecture Series at HEU", "… Delegation Visits BISTU": the host
        if self.lang == "zh" and (o.country in self.local or (o.country is None and self._zh_local(o))) and \
                any(self._zh_lead_subject(m) for m in o.mentions):
            score, strong = score + 4, strong or "lead"  # 四川大学第四届…举行, 香港新闻网…电 香港中文大学公布…
        if self._zh_short_uses(o) >= 2:
            score += 4  # the page's own short form of the name, again and again (岭大, 天外): it speaks for it
        score += 0.5 * min(len(o.mentions), 6)
        if any(m.start < self.lead_end for m in o.mentions):
            score += 1
        owns = sum(1 for m in o.mentions if _OWNS_UNIT.match(text[m.end:m.end + 40]) or
                   _UNIT_BEFORE.search(text, max(0, m.start - 90), m.start))
        score += 2 * min(owns, 2)
        # an acronym in the page's own voice: "KUST President Wang …", "NJIT's international …", "Vice President of QFNU"
        voice = sum(1 for m in o.mentions if re.fullmatch(r"[A-Z][A-Za-z]{0,2}[A-Z]{1,6}", m.text) and (
            _ACRONYM_VOICE.match(text, m.end, min(len(text), m.end + 20)) or
            _LEADER_OF.search(text, max(0, m.start - 40), m.start)))
        score += 1.5 * min(voice, 2)
        # its leader leads the page's delegation: "Feng Lin, Vice President of X, led a delegation to …", "Yi Hong, the
        # CPC Secretary of X, and his delegation paid a visit to …"
        if any(_LEADER_OF.search(text, max(0, m.start - 40), m.start) and
               _LEADS_DELEGATION.match(text, m.end, min(len(text), m.end + 60)) for m in o.mentions):
            score, strong = score + 6, strong or "leader"
        if self.lang == "zh" and any(_ZH_LEADS_DELEGATION.match(text, m.end, min(len(text), m.end + 50))
                                     for m in o.mentions):
            score, strong = score + 6, strong or "leader"  # 香港教育大学(教大)校长李子建教授率领代表团…拜访…
        # 我校…代表团访问X: the university our own delegation visits is not ours (and not the host of the news)
        ours = self.lang == "zh" and bool(_OUR.search(text)) and any(
            self._our_visit(m) or ((text[m.start - 1:m.start] == "在" or re.search(
                r"在[\u4e00-\u9fff]{1,12}?(?:市|省|州|岛)$", text[max(0, m.start - 14):m.start])) and
                _VENUE_AFTER.match(text, m.end)) or
            self._our_counterpart(m) for m in o.mentions) or (  # …or a venue (会议在X大学举行) in a text that calls itself 我校
            self.lang != "zh" and any(self._our_visit_en(m, o) for m in o.mentions))
        if self.host(o) and not ours:
            # the host of a visit: likelier home when local (a trip abroad visits hosts too), else a little
            score += 2 if o.country in self.local else 1
        if any(_WITH_BEFORE.search(text, max(0, m.start - 40), m.start) for m in o.mentions):
            score -= 1  # "signed an agreement with X", "worked with X": the other party
        if any(_PARTNERS_LISTED.search(text, max(0, m.start - 240), m.start) or
               _PARTNER_APPOSITIVE.match(text, m.end, min(len(text), m.end + 90)) for m in o.mentions):
            score -= 4  # "students came from these partner universities: X, Y and Z": the page calls it a partner
        v = self.visitor(o)
        if self.uni_voice is None:
            self.uni_voice = bool(_UNI_VOICE.search(text))
        if not ours and v == 0 and self.uni_voice and self.located(o) is None and \
                not any(_WITH_BEFORE.search(text, max(0, m.start - 40), m.start) for m in o.mentions):
            score += 3  # a press release that speaks as "the University": one of the universities it names that nobody
            # visits, locates or works with
        if v == 1 and o.country in self.local and not self.abroad:
            v = 0  # "President X of <a Chinese university> visited …" in a page at home in China: its own trip, as often
        score -= v
        if ours:
            score -= 3 if self.lang == "zh" else 6
        if o.country in self.local:
            if self.abroad:
                score -= 2 * min(self.abroad, 2)
            else:
                score += 1.5 + (1 if _OUR.search(text) else 0)
        elif o.country is not None and self.abroad:
            score += 1.5 * min(self.abroad, 2)
        elif o.country is None:
            score += 0.5
        if o.registry is not None and not self.abroad:
            score -= 3  # a known partner of the configured home (in a Chinese university's news)
        return score, strong

    def _site_tokens(self) -> list[str]:
        """The short words of the site's lines written in lower case ("From: zzu", "www.hit.edu.cn"): a site's short
        name as its address writes it (an upper-case one is among the page's acronyms already)."""
        if self._site_toks is None:
            # (and the source a byline gives near the top: "Publisher: X   From: zzu   Publish Date: …")
            src = " ".join(m.group(1) for m in _FROM_SITE.finditer(self.text, 0, min(len(self.text), 800)))
            self._site_toks = sorted({t for t in re.findall(r"(?<![A-Za-z])[a-z]{3,6}(?![A-Za-z])", self.site_text + " " + src)
                                      if t not in _SITE_WORDS})
        return self._site_toks

    # -- acronyms of the site ---------------------------------------------------------------------
    def _acronym_university(self, a: str):
        """The university an acronym names on this page: known_orgs.csv, else the organisation registry's
        universities with that acronym, namesakes told apart by a distinctive word of their name that the
        page writes ("UD" and "Delaware" → University of Delaware), else the Chinese one in a Chinese
        university's news. None when the page cannot tell."""
        known = self.finder.known
        e = known.acronyms.get(a) or known.long_acronyms.get(a)
        if e is not None:
            return e if e.kind == "university" else None
        recs = _registry_universities(a)
        # a registry record needs the page's support: a distinctive word of its name ("Delaware") or its
        # country ("Malaysia") written in the text, or being the Chinese one in a Chinese university's news
        words = [r for r in recs.values() if any(
            len(w) >= 4 and w.lower() not in _GENERIC_WORDS and _in(w, self.text)
            for w in re.findall(r"[A-Z][\w'’-]+", r.name))]
        if len(words) == 1:
            self.supported.add(norm(words[0].name))
            return words[0]
        if words:
            return None
        country = [r for r in recs.values() if r.country and self._names_country(r.country)]
        if len(country) == 1:
            return country[0]
        cn = [r for r in recs.values() if r.country == "CN"]
        if len(cn) == 1 and not self.abroad and not country:
            return cn[0]
        # else the one namesake the list of the world's universities knows ("UCL": University College London, not
        # a college in Lahore; "ANU": the Australian National University)
        notable = [r for r in recs.values() if norm(re.sub(r"^The\s+", "", r.name)) in _notable_universities()]
        return notable[0] if len(notable) == 1 and not country else None

    def _names_country(self, code: str) -> bool:
        names = _country_words(self.gaz).get(code, ())
        return any(_in(n, self.text) for n in names)

    def site_acronym_orgs(self, orgs: list[Org]) -> list[Org]:
        """Universities named only by an acronym in the site lines, byline, dateline or title ("News Agency
        of BIT", "2013 LZU International Summer Program"), or by one the text uses at least twice ("UTAR
        President …"): every use of the acronym becomes a mention. Known ones (known_orgs.csv) stay
        organisations of the page; the registry's only count as candidates for home."""
        have = {a for o in orgs for a in o.aliases} | set(self.ref.home_forms())
        home_names = {norm(f) for f in self.ref.home_forms()}
        out: list[Org] = []
        seen: set[str] = set()
        body: dict[str, int] = {}
        for m in _ACRONYM.finditer(self.text):
            body[m.group(0)] = body.get(m.group(0), 0) + 1
            if _ACRONYM_VOICE.match(self.text, m.end(), min(len(self.text), m.end() + 20)):
                body[m.group(0)] += 1  # "SUIBE's exchanges", "ZSTU president Chen …": the text speaks of its own
        for place in (self.site_text, self.dateline_source or "", self.title, " ".join(a for a, n in body.items() if n >= 2)):
            for m in _ACRONYM.finditer(place):
                a = m.group(0)
                if a in have or a in seen:
                    continue
                seen.add(a)
                # a university the page writes in full whose initials the acronym is ("DSU" beside "Delaware State
                # University") is the one it names, whatever other namesakes the tables know
                full = [o for o in orgs if o.mentions and o.kind == "university" and abbreviates(a, o.name)]
                e = full[0] if len(full) == 1 else self._acronym_university(a)
                if e is None or norm(e.name) in home_names:
                    continue
                same = [o for o in orgs if o.mentions and norm(o.name) == norm(e.name)]
                if same:
                    org = same[0]  # the page writes the full name too: the acronym is one more of its names
                elif hasattr(e, "row"):  # a registry record: a home candidate only
                    org = Org(e.name, e.kind, e.country, "organisation registry")
                    org.reason = "registry acronym"
                else:
                    org = self.finder._org_for(e.name, e.kind, None, e)
                for hs, he in find_word(self.text, a):
                    if not any(x.start == hs for x in org.mentions):
                        org.mentions.append(Mention_(hs, he, a, "acronym (site or repeated)"))
                org.aliases.add(a)
                if org.mentions and org not in orgs and org not in out and not same:
                    out.append(org)
        return out

    def site_name_orgs(self, orgs: list[Org]) -> list[Org]:
        """Universities named by pattern only in the page's furniture ("Josai University Educational
        Corporation"): candidates for home, never partners."""
        from etl.resolve.geo import load_world_universities

        world = load_world_universities()
        out: list[Org] = []
        have = {norm(a) for o in orgs for a in o.aliases | {o.name}}
        for s, e, kind in self.finder.site_names:
            name = self.text[s:e]
            m = re.search(r"^(?:.*?\s)??((?:[A-Z][\w'’-]*\s+)*(?:University|College|Institute\s+of\s+Technology|Polytechnic)"
                          r"(?:\s+of(?:\s+[A-Z][\w'’-]*)+)?)", name)
            if not m or norm(m.group(1)) in have or any(d in m.group(1).lower() for o in orgs if o.mentions
                                                         for d in self._distinctive(o)):
                continue  # a university the page names anyway, as the site spells it
            s2 = s + m.start(1)
            o = Org(m.group(1), "university", world.get(norm(m.group(1))))
            o.mentions = [Mention_(s2, s2 + len(m.group(1)), m.group(1), "site name")]
            o.aliases = {m.group(1)}
            out.append(o)
        return out

    # -- deciding -----------------------------------------------------------------------------------
    def detect(self, orgs: list[Org]) -> tuple[str | None, Org | None, bool]:
        """(home name, the Org that is home if it is one of the page's organisations, whether the reference
        list's units apply)."""
        ref, finder = self.ref, self.finder
        cands = []
        self.orgs = orgs
        own_acr = self._own_acronym(orgs)
        taken = {a for o in orgs for a in o.aliases}
        abbrs = {m.group(0) for m in _ABBR_TOKEN.finditer(self.text)} - taken
        for o in orgs:
            if o.status != "partner" or not o.mentions:
                continue
            if o.kind not in ("university", "institute") or not any(_UNIVERSITY_NAME.search(a) for a in
                                                                     o.aliases | {o.name}):
                continue
            if _PROGRAMME_NAME.match(o.name):
                continue  # "the Summer University of X": a programme a university runs, not a university
            # its name glued without the space before its head word ("toYanshanUniversity", a copy site's lost spaces)
            glued = re.sub(r"\s+(?=(?:University|College|Institute)\b)", "", o.name)
            if glued != o.name and len(glued) > 12 and glued in self.text:
                i = self.text.find(glued)
                while i != -1:
                    if not any(x.start <= i < x.end for x in o.mentions):
                        o.mentions.append(Mention_(i, i + len(glued), glued, "name without its space"))
                    i = self.text.find(glued, i + 1)
            # an abbreviation the page uses for it without introducing it ("UQ students", "the PoliTo Alumni …")
            for a in sorted(x for x in abbrs if abbreviates(x, o.name)):
                for hs, he in find_word(self.text, a, hyphen=False):
                    if not any(x.start <= hs < x.end for x in o.mentions):
                        o.mentions.append(Mention_(hs, he, a, "abbreviation of the name"))
                o.aliases.add(a)
            if self.lang == "zh" and _OUR.search(self.text) and self._zh_other_party(o) and \
                    not any(self._zh_lead_subject(m) or self._zh_welcomes_for(m) for m in o.mentions):
                # (unless it opens the headline or the lead as its subject: 四川大学…开幕式…本校学生参加)
                continue  # in 我校 news: the university we visit, sign with or that visits us is never the home
            sc, strong = self.score(o, _forms(o))
            if self.lang == "zh" and any(_ZH_SPEAKS_FOR.search(self.text, max(0, m.start - 30), m.start) for m in o.mentions):
                sc += 4  # "校党委书记…代表上海应用技术大学致辞": our leader speaks for it
            if o is own_acr:
                sc, strong = sc + 4, strong or "acronym"
            cands.append([sc, -o.first.start, o, self.located(o), strong])
        # the writer locates the other party, never itself (unless it locates every party: a formal text)
        # the page looks at China from abroad: it says so, or it locates a Chinese university in China
        abroad = bool(self.abroad) or any(c[3] == ("CN", "country") for c in cands)
        if len(cands) < 2 or not all(c[3] for c in cands):
            for c in cands:
                if c[3] and not (self.abroad and c[2].country not in (*self.local, None) and c[3][1] == "place" and
                                 all(x[2].country in self.local for x in cands if x is not c)):
                    # (but a page written abroad about Chinese partners names its own city: "the University of X in
                    # Warsaw" beside Chinese universities only)
                    c[0] -= 6
        # the configured home, when the page names it, is one candidate (it wins ties: its own news is the
        # common case)
        conf = None
        if ref.home_name and (finder.home_spans or self._names_configured_site()):
            c = Org(ref.home_name, "university", None)
            c.mentions = [Mention_(s, e, self.text[s:e], "home list") for s, e in finder.home_spans]
            c.aliases = set(ref.home_forms())
            sc, _ = self.score(c, sorted(ref.home_forms(), key=len, reverse=True))
            sc += 3
            if c.mentions and self.located(c):
                sc -= 6
            conf = sc
        # a university of another country than the page's perspective needs a strong signal (site, dateline,
        # title), the page's foreign perspective, or to be clearly the page's subject where no Chinese
        # university could be home
        viable_cn = any(c[0] >= 2.5 for c in cands if c[2].country in (*self.local, None))
        if _DEBUG:
            print("before the country filter:", [(round(c[0], 1), c[2].name, c[2].country, c[3], c[4], self.visitor(c[2])) for c in cands])
        # (a plain host and guest: a university whose people receive a party named as the visitor needs less)
        relax = not viable_cn and conf is None and any(2.5 <= c[0] < 4 for c in cands)
        guests = [c for c in cands if self.visitor(c[2]) >= 2] if relax else []
        kept = list(cands)
        cands = [c for c in cands if c[2].country in (*self.local, None) or c[4] or abroad or
                 (not viable_cn and conf is None and (c[0] >= 4 or (c[0] >= 2.5 and guests and c not in guests and (any(
                     _HOST_AFTER.match(self.text, m.end, min(len(self.text), m.end + 100)) for m in c[2].mentions) or
                     # (or every other university is a guest the text locates: "the NMU delegation with officials of
                     # UCC", "X in South Africa" — the one left, unlocated, receives them)
                     (c[3] is None and all(x in guests and x[3] for x in cands if x is not c))))) and
                  not (self.lang == "zh" and _OUR.search(self.text)))]
        # (a 中文 page that speaks as 我校 is a Chinese university's: a body abroad it names is not its home without
        # a strong signal)
        if not cands and not viable_cn and conf is None and not _OUR.search(self.text) and len(kept) >= 2 and \
                all(c[2].country not in (*self.local, None) for c in kept):
            # two (or more) parties abroad, none in China, the configured home not named: the one university the page
            # names without locating it, where it locates every other by its country ("an MoU between X and the
            # University of Y, Canada", "X, Zaria, and the University of Y, Kenya"), is the writer's own
            alone = [c for c in kept if c[3] is None or (c[3][1] == "place" and c[3][0] == c[2].country)]
            if len(alone) == 1 and alone[0][0] >= 2.5 and self.visitor(alone[0][2]) < 2 and all(
                    c[3] and c[3][1] == "country" and c[3][0] != alone[0][2].country for c in kept if c is not alone[0]):
                cands = alone
        cands.sort(key=lambda c: (c[0], c[1]), reverse=True)
        if _DEBUG:
            print("home candidates:", [(round(c[0], 1), c[2].name, c[3], c[4]) for c in cands], "configured:", conf)
        best = cands[0] if cands else None
        if best is not None and not best[4]:
            # a page's strong signal (its site, dateline or title subject) outweighs a slightly higher count of
            # weaker ones (mentions, units written as its own)
            # (but not one too weak to be home at all: "… University Signs with X" in the title of a page that speaks
            # for X, the title's subject located abroad)
            strong = next((c for c in cands[1:] if c[4] and c[0] >= best[0] - 2 and c[0] >= 2.5), None)
            if strong is not None:
                cands.remove(strong)
                cands.insert(0, strong)
                best = strong
        if best is not None and conf is None and self.lang != "zh" and not best[4] and \
                len([c for c in cands if c[0] >= 2.5]) == 1 and self._unknown_own_acronym(best[2], orgs):
            best = None  # the page's own university goes by an acronym the tables do not know: the one named is the other
        if conf is not None and (best is None or conf >= best[0]):
            return ref.home_name, None, True
        if (best is None or best[0] < 2.5) and conf is None and self.lang != "zh" and self.abroad <= 1 and \
                not any(c[3] == ("CN", "country") for c in kept) and _INTERNATIONAL_STUDENTS.search(self.text):
            # (one cue of China abroad is allowed, and its penalty: such a page speaks of the students' "experience in
            # China")
            # an English page at home in China about its international students that names one Chinese university
            # only, every other one abroad (where the students come from): the one that receives them is the
            # page's own, however seldom it is named ("… the life in X", "time at X")
            local = [c for c in kept if c[2].country in self.local]
            if len(local) == 1 and local[0][0] > (-2 if self.abroad else 0) and local[0][3] is None and \
                    self.visitor(local[0][2]) == 0 and not self.host(local[0][2]) and \
                    all(c[2].country is not None and (c is local[0] or c[0] < 2.5) for c in kept):
                # (nor when a university abroad the page names could be its home: a page abroad about its students)
                # (not a university the students visit: "our international students visited X" is an outing)
                o = local[0][2]
                o.status, o.reason = "home", "home institution (the one Chinese university of a page about its international students)"
                return o.name, o, False
        if best is None or best[0] < 2.5 or (len(cands) > 1 and cands[1][0] == best[0] and not best[4]):
            # nobody the page clearly speaks for: the configured home, unless the page looks at China from abroad
            if ref.home_name and (conf is not None or not abroad):
                campus = self._campus_evidence() if conf is None else 0
                if campus < 0:
                    return None, None, False  # the page's event is on a campus the configured home does not have
                if conf is None and self.lang == "zh" and not units_fit_list(
                        self.text, self.lay, ref, [(m.start, m.end, o.status) for o in orgs for m in o.mentions],
                        finder.home_spans):
                    return None, None, False  # Chinese news of a university it never names (zh_units.py)
                if conf is None and self.lang != "zh" and _OUR.search(self.text) and not self._en_units_fit():
                    return None, None, False  # English news that speaks as "our university" of units not the home's
                if conf is None and campus == 0 and self.lang != "zh" and not self._home_unit_acronym():
                    # English news that never names the configured home nor its campuses: its units are written
                    # as the page gives them (a generic "School of Computer Science" or "International Education
                    # College" is every university's), not under the home's canonical names
                    return ref.home_name, None, False
                return ref.home_name, None, True
            return None, None, False
        o = best[2]
        o.status, o.reason = "home", "home institution (recognised from the page)"
        return o.name, o, False

    def _unknown_own_acronym(self, o: Org, orgs: list[Org]) -> bool:
        """A page about two universities ("the two universities", "both institutions") that names one of them, ``o``,
        and calls the other only by an acronym nobody's name gives (no organisation of the page, no list): used at
        least twice, and once as a party ("UA-SJTU Laboratory", "senior UA staff", "the MMARAU delegation", "UA's").
        The acronym is then the writer's own university, ``o`` the other party."""
        text = self.text
        if not _TWO_PARTIES.search(text):
            return False
        names = [x.name for x in orgs] + [a for x in orgs for a in x.aliases]
        counts: dict[str, int] = {}
        at: dict[str, list[tuple[int, int]]] = {}
        for m in _ACRONYM_PART.finditer(text):  # (the parts of "UA-SJTU" too)
            counts[m.group(0)] = counts.get(m.group(0), 0) + 1
            at.setdefault(m.group(0), []).append(m.span())
        for a, n in counts.items():
            if n < 2 or a in _GENERIC_ACRONYMS or len(a) < 2 or (len(a) > 2 and self.gaz.country_name(a)) or \
                    any(a == x or abbreviates(a, x) for x in names):
                continue
            if any(_PARTY_ACRONYM.match(text, e) or re.search(r"\b(?:from|host|hosting|of)\s+(?:the\s+)?$", text[max(0, s - 12):s])
                   for s, e in at[a]):
                return True
        return False

    def _own_acronym(self, orgs: list[Org]) -> Org | None:
        """The university a page introduces as "Full Name (ACR)" and then calls by that acronym again and again
        (at least three more times, and two more than any other acronym so introduced): the page's own short name
        for itself ("… the president of X Institute of Technology (XIT) … XIT's international cooperation …")."""
        if self.lang == "zh":
            return None
        uses: list[tuple[int, Org]] = []
        for o in orgs:
            if not o.mentions or o.kind not in ("university", "institute"):
                continue
            best, am_best = 0, ""
            for m in o.mentions:
                am = re.match(r"\s*\(\s*([A-Z][A-Za-z]{0,2}[A-Z]{1,6})\s*\)", self.text[m.end:m.end + 14])
                first = re.sub(r"^the\s+", "", o.name, flags=re.I)[:1].lower()
                if am and (abbreviates(am.group(1), o.name) or (am.group(1)[0].lower() == first and
                                                                _subsequence(am.group(1).lower(), o.name.lower()))):
                    n = sum(1 for _ in find_word(self.text, am.group(1)))
                    if n > best:
                        best, am_best = n, am.group(1)
            if best:
                uses.append((best, o, am_best))
        uses.sort(key=lambda x: -x[0])
        if not uses or uses[0][0] < 4 or (len(uses) > 1 and uses[0][0] < uses[1][0] + 2):
            return None
        # (and at least twice as often as any other acronym the page uses: not "Xuchang University (XCU)" eight
        # times beside "UTAR" six times, the page's own)
        counts: dict[str, int] = {}
        for m in _ACRONYM.finditer(self.text):
            counts[m.group(0)] = counts.get(m.group(0), 0) + 1
        if any(2 * n > uses[0][0] for a, n in counts.items() if a != uses[0][2] and a not in _GENERIC_ACRONYMS):
            return None
        return uses[0][1]

    def _en_units_fit(self) -> bool:
        """Whether the English units a text names are the configured home's (as units_fit_list for Chinese): no
        unit named, or more of them in the home's list than not; an international office the list does not have
        counts double against it (a university has one)."""
        if not self.ref.units:
            return True
        known = unknown = 0.0
        for m in _EN_UNIT.finditer(self.text):
            name = re.sub(r"^the\s+", "", m.group(0).strip(), flags=re.I)
            if re.search(r"\b(?:University|Institute\s+of\s+Technology)\b", name):
                continue
            if self.ref.unit(name) is not None:
                known += 1
            else:
                unknown += 2 if re.search(r"\b(?:International|Global|Foreign|Overseas)\b", name) and re.search(r"\b(?:Office|Department|Division)\b",
                                                                                    name) else 1
        return known >= unknown

    def _home_unit_acronym(self) -> bool:
        """Whether the page names a unit of the configured home by an acronym of the home's list ("SEM", "ICE
        School"): a short form of the home's own, unlike a generic name every university has."""
        for u in self.ref.units:
            for a in u.aliases:
                if re.search(r"\b[A-Z]{2,6}\b", a) and a.isascii() and _in(a, self.text):
                    return True
        return False

    def _campus_evidence(self) -> int:
        """Where a page that never names a university places itself: +1 when it names a campus of the configured
        home (reference list: 小营校区, "Xiaoying Campus"), -1 when it names only campuses of its own that the
        home does not have ("在洞山校区举行"), 0 when it names none. A campus written after another
        university's name (迪肯大学墨尔本校区, "Deakin University's Burwood Campus") is that university's."""
        camp = [c for c in self.ref.home_campuses if c]
        if not camp:
            return 0
        if any(_in(c, self.text) for c in camp):
            return 1
        stems = {c[:-2] for c in camp if c.endswith("校区")} | {c.rsplit(" ", 1)[0] for c in camp if c.endswith(" Campus")}
        for m in _CAMPUS.finditer(self.text):
            stem = m.group("zh") or m.group("en")
            if stem in stems or any(x.endswith(stem) or stem.endswith(x) for x in stems):
                continue
            before = self.text[max(0, m.start() - 12):m.start()]
            if re.search(r"(?:大学|学院|大學|學院)[\u4e00-\u9fff]{0,4}$" if m.group("zh") else
                         r"(?:University|College|Institute|School)(?:[’']s)?\s*,?\s*(?:[A-Z][a-z]+\s+)?$", before):
                continue  # a campus of a named university (迪肯大学墨尔本校区)
            return -1
        return 0

    def _names_configured_site(self) -> bool:
        return any(len(norm(f)) >= 3 and _in(f, self.site_text) for f in self.ref.home_forms() if f)


def _subsequence(short: str, full: str) -> bool:
    it = iter(full)
    return all(ch in it for ch in short)


def _zh_short_forms_to_full(orgs: list[Org]) -> list[Org]:
    """A Chinese short form (北科大, 暨大) that several universities share names the one the page writes in full:
    a university the page names only by a short form whose characters run, in order, through another
    university's full name on the same page (国立台北科技大学) is that university, not the one a table gives
    for the short form."""
    full = [(o, m.text) for o in orgs for m in o.mentions
            if len(m.text) >= 5 and re.search(r"(?:大学|学院)$", m.text)]
    drop = []
    for o in orgs:
        if not o.mentions or any(len(m.text) > 4 for m in o.mentions):
            continue
        shorts = {m.text for m in o.mentions}
        if not all(len(t) >= 3 and re.fullmatch(r"[\u4e00-\u9fff]+", t) for t in shorts):
            continue
        # (only across regions: 北科大 of Beijing or Taipei; 中科大 beside 中国科学院大学 stays two universities)
        owners = {id(b): b for b, f in full if b is not o and all(_subsequence(t, f) for t in shorts) and
                  not (b.country and o.country and b.country == o.country)}
        if len(owners) != 1:
            continue
        b = next(iter(owners.values()))
        b.mentions = sorted(b.mentions + o.mentions, key=lambda m: m.start)
        b.aliases |= shorts
        drop.append(o)
    # 美国俄亥俄州X大学 read as one name "俄亥俄州X大学" beside the bare X大学: one university, its state written
    # before it (the mention keeps the state, so the country before it still locates it)
    bare = {o.name: o for o in orgs if re.fullmatch(r"[\u4e00-\u9fff·]{3,}(?:大学|学院)", o.name)}
    for o in orgs:
        if o in drop or not o.mentions or o.registry is not None or o.known is not None:
            continue
        for name, b in bare.items():
            if b is not o and all(re.fullmatch(rf"[\u4e00-\u9fff·]{{0,9}}?(?:州|省|县|府|郡){re.escape(name)}", m.text)
                                  for m in o.mentions):
                b.mentions = sorted(b.mentions + o.mentions, key=lambda m: m.start)
                drop.append(o)
                break
    return [o for o in orgs if all(o is not d for d in drop)] if drop else orgs


def detect_home(text: str, lay: Layout, ref: Reference, gaz: Gazetteer, orgs: list[Org], finder: OrgFinder,
                meta: dict, lang: str) -> tuple[str | None, Org | None, bool, list[Org]]:
    """(home name, home Org or None, whether the reference list's units apply, the page's organisations
    including any named only by the site's acronym)."""
    det = HomeDetector(text, lay, ref, gaz, finder, meta, lang)
    if ref.home_name and lay.dateline_source and finder.home_spans and \
            norm(lay.dateline_source) in {norm(f) for f in ref.home_forms()}:
        return ref.home_name, None, True, orgs  # the dateline's source is the configured home: its own news
    if lang == "zh":
        orgs = _zh_short_forms_to_full(orgs)
    extra = [o for o in det.site_acronym_orgs(orgs) if o not in orgs]
    site = det.site_name_orgs(orgs + extra)
    home, home_org, use_list = det.detect(orgs + extra + site)
    # organisations that were only candidates for home (registry acronyms, the site's name) are no partners
    # (a registry acronym the page supports by a distinctive word of the name names a partner too: "UD" on a page
    # that writes "Delaware")
    keep = [o for o in extra + site if o is home_org or (o.known is not None and o.reason != "registry acronym") or
            (o.reason == "registry acronym" and norm(o.name) in det.supported and len(o.mentions) >= 2)]
    for o in keep:
        if o.reason == "registry acronym" and o is not home_org:
            o.reason = ""
    return home, home_org, use_list, orgs + keep


# the scans of this module that open with \b, a look-behind or a capital, faster with the same matches
# (fastre.py)
(_CHINA_ABROAD, _VISITOR_BEFORE, _WITH_BEFORE, _HOST_BEFORE, _TITLE_ROLE_OF, _UNIVERSITY_NAME, _OUR_DELEGATION_EN,
 _ZH_LEAD_VISITOR, _ZH_INBOUND, _OUR) = (
    guarded(p) for p in (_CHINA_ABROAD, _VISITOR_BEFORE, _WITH_BEFORE, _HOST_BEFORE, _TITLE_ROLE_OF, _UNIVERSITY_NAME,
                         _OUR_DELEGATION_EN, _ZH_LEAD_VISITOR, _ZH_INBOUND, _OUR))
