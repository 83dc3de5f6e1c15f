"""Organisations named in a news text, and which of them are partners.

Finding names (every mention keeps its span):
- the partner registry, the home institution's names and the non-partner list, matched
  as written (fast substring search, word boundaries checked);
- English names by pattern: runs of capitalised words around a head word ("X University",
  "University of X", "X Institute of Technology", "Embassy of X in Y", "X Group",
  "X Co., Ltd.", "X Society"), with sub-units split off ("Faculty of Mechanical
  Engineering of <org>" → <org>), events named after an organisation dropped
  ("… University Forum"), and an appositive company ("Siemens, the German technology
  company");
- Chinese names by pattern: a name ending in 大学 / 研究院 / 研究所 / 公司 / 集团 / 大使馆 / 协会 …,
  its left edge found at punctuation and function words, a leading country name
  split off (英国考文垂大学 → GB, 考文垂大学);
- acronyms and other names given in brackets after a name ("University of Technology
  Sydney (UTS)", "(Hochschule Darmstadt, h_da)"), then every later use of them.

Deciding who is a partner (the reason is kept on the organisation):
- the home institution is not a partner;
- the non-partner list (ministries, commissions, funders, publishers) by name or pattern,
  and Chinese government bodies by shape;
- context: "funded / sponsored / administered by X" (funders), "received his degree from X",
  "graduated from X", "毕业于X" (alma maters), "worked … at X" in a sentence about the past
  ("before joining", "previously", "曾在X任教") (former employers), "established by merging
  X and Y" (merged predecessors resolve to the new organisation);
- an organisation all of whose mentions are excluded is not a partner.

Country: the registry; else the text right after a mention ("X of Germany", "X in
Australia", "X (Korea)", "X in Kitakyushu, Japan", "英国X"); else a country, adjective
or place inside the name ("University of Wollongong" → AU, "Kazakh National
University" → KZ); else a place named in the same sentence or paragraph ("In Sydney, …").
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

from etl.extract.fastre import Prefiltered, guarded, prefiltered
from etl.extract.spans import SpanIndex
from etl.extract.text import PLANNED_VERB, Layout
from etl.extract.zh_orgs import (_ZH_EVENT_AFTER, _ZH_FIELD, _ZH_GENERIC, _ZH_HEADS, _ZH_KEEP_PREFIX,  # noqa: F401
                                  _ZH_LEAD_WORDS, _ZH_STOP, _foreign_college_re, _protected, _zh_abbreviation,
                                  ZH_BODY_HEADS, _zh_candidates, find_zh_named, find_zh_orgs, jp_registry_name, possessed_by,
                                  zh_affiliation, zh_venue,
                                  zh_short_forms)
from etl.extract.zh_orgs import lookup as zh_lookup
from etl.resolve.geo import Gazetteer, load_world_universities
from etl.resolve.reference import KnownInstitution, PartnerRef, Reference, load_known_institutions, norm

CJK = re.compile(r"[\u4e00-\u9fff]")

# head word → kind
HEADS = {
    "university": "university", "universität": "university", "universitat": "university",
    "universiti": "university", "universitas": "university", "università": "university", "universita": "university",
    "universidad": "university", "universidade": "university", "université": "university",
    "universite": "university", "universiteit": "university", "uniwersytet": "university",
    # French, Spanish, Italian and German names of schools of university rank ("École du Louvre", "Scuola Normale
    # Superiore", "Fachhochschule des Mittelstands", "Akademia Górniczo-Hutnicza")
    "école": "university", "ecole": "university", "escuela": "university", "scuola": "university",
    "fachhochschule": "university", "akademia": "university", "akademie": "university",
    "universitet": "university", "universitetet": "university", "institutet": "institute", "instituttet": "institute",
    "högskola": "university", "högskolan": "university", "hogeschool": "university",
    "politecnico": "university", "politechnika": "university", "polytechnic": "university",
    "polytechnique": "university", "hochschule": "university", "college": "university",
    "institute": "institute", "institut": "institute", "instituto": "institute", "istituto": "institute",
    "institution": "ngo", "academy": "institute", "laboratory": "institute", "laboratories": "institute",
    "embassy": "government", "consulate": "government", "consulate-general": "government", "consulate general": "government",
    "ministry": "government", "commission": "government", "bureau": "government", "province": "government",
    "government": "government", "council": "ngo", "society": "ngo", "association": "ngo",
    "federation": "ngo", "foundation": "ngo", "organization": "ngo", "organisation": "ngo",
    "service": "ngo", "agency": "government", "group": "company", "corporation": "company",
    "company": "company", "co.": "company", "co": "company", "corp.": "company", "inc.": "company",
    "inc": "company", "ltd.": "company", "ltd": "company", "limited": "company", "gmbh": "company",
    "alliance": "other", "consortium": "other",
    "ag": "company", "plc": "company", "llc": "company", "holdings": "company",
}
# heads that name a university even though the word says institute
_UNIVERSITY_INSTITUTES = re.compile(
    r"\b(?:Institut(?:e|ion)\s+of\s+Technology|Polytechnic\s+Institute|Institute\s+of\s+Science\s+and\s+Technology|"
    r"Technological\s+Institute|"
    # an Indian group of colleges ("Dronacharya Group of Institutions"), not a company
    r"Group\s+of\s+(?:Institutions|Colleges))\b", re.I)
# a capitalised word after a head that turns the name into an event or a thing
_EVENT_AFTER = {
    "forum", "conference", "workshop", "summit", "symposium", "program", "programme", "scholarship",
    "award", "awards", "campus", "library", "press", "day", "week", "cup", "challenge",
    "league", "games", "lecture", "lectures", "fair", "exhibition", "ranking", "rankings", "hospital",
    "museum", "stadium", "journal", "transactions", "model", "network", "union", "news",
    "member", "members",  # "Grand Council Member and Governor of …": a person's title
}
# heads whose modifiers follow them ("Universiti Teknologi Malaysia", "Politecnico di Milano")
_POSTMODIFIED = {"universiti", "universitas", "università", "universita", "universidad", "universidade", "université",
                 "universite", "politecnico", "politechnika", "uniwersytet", "instituto", "istituto", "institut",
                 "polytechnique", "hochschule", "école", "ecole", "escuela", "scuola", "fachhochschule", "akademia",
                 "akademie"}
# words that cannot start an organisation name (titles, sentence openers)
# verbs of headlines written in title case, after which a name does not go on
_TITLE_VERBS = {"visits", "visited", "visit", "meets", "met", "signs", "signed", "holds", "held", "welcomes",
                "welcomed", "receives", "received", "hosts", "hosted", "leads", "led", "launches", "launched",
                "renews", "renewed", "attends", "attended", "joins", "joined", "discusses", "explores", "sign", "meet",
                "delegation", "delegations", "team", "students"}
_NOT_MODIFIER = {
    "prof", "prof.", "professor", "dr", "dr.", "mr", "mr.", "ms", "ms.", "mrs", "mrs.", "vice", "president",
    "dean", "director", "chancellor", "vice-chancellor", "pro-vice-chancellor", "rector", "vice-rector",
    "head", "secretary", "counsellor", "counselor", "chairman", "chair", "provost", "principal",
    "vice-principal", "associate", "deputy", "executive", "coordinator", "manager", "minister",
    "ambassador", "consul", "lecturer", "student", "students", "delegation", "a", "an", "in", "on", "at",
    "from", "by", "with", "for", "to", "during", "after", "before", "since", "under", "this", "that",
    "these", "those", "both", "each", "later", "among", "according", "representatives", "participants",
    "and", "or", "but", "as", "if", "when", "while", "then", "there", "here", "its", "his", "her",
    "their", "our", "we", "it", "he", "she", "they", "all", "many", "most", "some", "every", "new",
    "leaders", "scholars", "guests", "members", "visits", "visit", "visited", "meets", "met", "signs",
    "signed", "holds", "held", "attends", "attend", "gives", "sign", "hosts", "hosted", "welcomes",
    "says", "said", "also", "keynote", "speeches", "speech", "researchers", "partner", "partners",
    "home",  # a breadcrumb's first item ("Home > News", "Home Confucius Institute")
}
_GENERIC_MODIFIER = {
    "international", "national", "graduate", "continuing", "the", "partner", "foreign", "overseas",
    "partnership", "sister", "member", "host", "counterpart",  # "on behalf of Partnership University": a role
    "chinese", "domestic", "joint", "local", "first", "second", "new", "other", "our", "applied",
    "technical", "open", "state", "public", "private", "sino-foreign", "engineering", "medical",
    # words of a unit's or a body's function, never a name by themselves ("the Alumni Association",
    # "University Internationalization Council", "an Independent Administrative Institution")
    "alumni", "internationalization", "internationalisation", "strategy", "strategic", "independent",
    "administrative", "global",
}
# words of a field of study: "X College" or "X School" made of them alone is a unit ("International Education
# College", "Business School"), never an organisation
_FIELD_WORDS = {
    "education", "educational", "business", "management", "law", "engineering", "science", "sciences", "arts", "art",
    "medicine", "economics", "language", "languages", "literature", "humanities", "technology", "information",
    "computer", "design", "music", "agriculture", "agricultural", "nursing", "pharmacy", "finance", "financial",
    "accounting", "journalism", "communication", "communications", "physics", "chemistry", "mathematics",
    "architecture", "environmental", "social", "software", "electronic", "electrical", "mechanical", "tourism",
    "marine", "aviation", "aeronautics", "cultural", "culture", "exchange", "cooperative", "english", "chinese",
    "japanese", "german", "french", "russian", "korean", "spanish", "oriental", "vocational", "continuing",
    "microelectronics", "electronics", "automation", "optics", "software", "materials", "energy", "biology",
    "chemical", "civil", "economic", "economics", "mathematical", "statistics", "telecommunication",
    "telecommunications", "journalism", "media", "humanities", "marxism", "sport", "sports", "physical",
}
_SUBUNIT = re.compile(r"^(?:[Tt]he\s+)?(?:Faculty|School|Department|Dept\.|Division|Graduate\s+School|Institute\s+for|"
                      r"Laborator(?:y|ies)|Lab|Cent(?:er|re)|Unit|Office|Chair|Group|College\s+of|Academy\s+of)\b")
_CONN = r"(?:of|and|for|the|de|di|del|della|degli|delle|dei|der|des|du|zu|für|fur|la|le|y|et|&)"
# ("Consulate General" is one head: "the Consulate General of Italy in Shanghai", "the French Consulate General")
_WORD = (r"(?:Consulate General(?![\w-])|(?:Co|Ltd|Inc|Corp|St|Sts|Ss|Dr|Prof|Mr|Ms|Mrs|Jr|Sr|[A-Z])\.|"
         r"[A-Z\u00C0-\u00DE\u0100-\u017F][\w\u00C0-\u024F'’\-]*|h_da|"
         r"[“\"](?=[A-Z])[\w\u00C0-\u024F'’\- ]{2,30}?[”\"])")  # a quoted word inside a name: University of Rome “Tor Vergata”
_SEQ = re.compile(rf"{_WORD}(?:(?:[^\S\n]+|(?<=[”\"])(?=[A-Z])|,[^\S\n]*(?=(?:Ltd|Inc|LLC|GmbH|Limited)\b))"
                  rf"(?:{_CONN}[^\S\n]+)*{_WORD})*")  # never across a line
_TOKEN = re.compile(rf"{_CONN}(?=\s)|{_WORD}")
_APPOSITIVE_COMPANY = re.compile(
    r"\b(?P<name>[A-Z][\w&\-]+(?:\s+[A-Z][\w&\-]+){0,2}),\s+(?:a|an|the)\s+(?P<mods>(?:[\w\-]+\s+){0,3}?)"
    r"(?:company|corporation|firm|enterprise|group|manufacturer|multinational|conglomerate|carmaker|automaker)\b"
    # (the appositive ends there: "Siemens, the German technology company, signed …"; not a clause going on: "…, the LU
    # group then went to Perth")
    r"(?=\s*[,.;:)]|\s+(?:based|headquartered|founded|that|which|with|from|in|of|and|known|listed|specialising|specializing)\b)")
_UNIT_BEFORE_PAREN = re.compile(r"\b(?:College|School|Faculty|Department|Academy)\s+(?:of|for)\s+(?:[A-Z][\w&'’-]*[^\S\n]+|and[^\S\n]+){0,5}"
                                r"[A-Z][\w&'’-]*[^\S\n]*$")
_PAREN = re.compile(r"\s*[(（]\s*(?P<inner>[^()（）\n]{1,80}?)\s*[)）]")
_US_STATE_SYSTEM = re.compile(
    r"^University\s+of\s+(?:California|Texas|Massachusetts|Wisconsin|Illinois|Michigan|Colorado|Missouri|"
    r"Maryland|North\s+Carolina|Hawaii|Nebraska|Alabama|Arkansas|Tennessee|Minnesota|Washington)$")

# the text before a mention that makes it a funder / alma mater / former employer
_FUNDER_BEFORE = re.compile(
    r"(?<!co-)\b(?:funded|sponsored|financed|supported|granted|administered|subsidi[sz]ed|paid)\s+by\s+"
    r"(?:the\s+)?(?:[^.;:]{0,120}?\s(?:and|or)\s+(?:the\s+)?|[^.;:]{0,120}?,\s*(?:the\s+)?)?$", re.I)
# "made possible through a grant by the Ministry of …", "funding from X": the one who pays
_GRANT_BEFORE = re.compile(r"\b(?:grants?|funding|sponsorship|scholarships?)\s+(?:from|by)\s+(?:the\s+)?$", re.I)
# "an academician of the Chinese Academy of Sciences", "Fellow of the Royal Society": a person's honour, no partner
_HONOUR_BEFORE = re.compile(r"\b(?:academicians?|(?:foreign\s+|honorary\s+)?fellows?|(?:foreign|honorary)\s+members?)\s+of\s+"
                            r"(?:both\s+)?(?:the\s+)?"
                            # (the second of two: "academician of the X Academy of Sciences and the Y Academy …")
                            r"(?:[A-Z][^.;:,]{0,80}?\s(?:and|as\s+well\s+as)\s+(?:of\s+)?(?:the\s+)?)?$", re.I)
_FUNDER_BEFORE_ZH = re.compile(r"(?:得到|获得|受到?)(?:了)?[^，。]{0,10}$|资助单位[:：]?$")
_FUNDER_AFTER_ZH = re.compile(r"^[^，。]{0,20}(?:资助|经费支持|基金支持)")
_ALMA_BEFORE = re.compile(
    r"\b(?:(?:received|obtained|earned|got|completed|holds|took|has|had|holding|receiving|obtaining|earning)\s+"
    r"(?:his|her|their|a|an|the)\s+[^.;]{0,40}?"
    r"(?:degree|Ph\.?\s?D\.?|doctorate|master'?s?|bachelor'?s?|MBA)\s+(?:degree\s+)?(?:in\s+[^.;]{0,40}?\s+)?(?:from|at)|"
    r"graduated\s+(?:with\s+[^.;]{0,30}\s+)?from|alumn(?:us|a|i|ae)\s+of|studied\s+at|"
    r"(?:is|was|are|were)\s+(?:an?\s+|both\s+)?(?:\w+\s+)?graduates?\s+of|"
    r"(?:been\s+|were\s+|was\s+|are\s+|got\s+)?admitted\s+(?:to|by|into)|further\s+stud(?:y|ies)\s+at)\s+(?:the\s+)?"
    r"(?:[^.;]{0,100}?(?:,|\band\b|\bor\b)\s*(?:the\s+)?)?$", re.I)
# where graduates go on to study: "received admission letters from the top 20 universities, such as X, Y and Z",
# "offers from X", "went to study in X" (not partners of the home: their next schools)
_DESTINATION_BEFORE = re.compile(
    r"\b(?:(?:admission|acceptance|offer)\s+(?:letters?|notices?|offers?)|offers?|admissions?)\s+(?:from|by|of)\s+(?:the\s+)?"
    r"(?:[^.;]{0,220}?(?:,|\band\b|\bor\b|\bsuch\s+as|\bincluding)\s*(?:the\s+)?)?$|"
    r"\bwent\s+(?:on\s+)?to\s+(?:study|pursue\s+\w+(?:\s+\w+)?\s+stud(?:y|ies))\s+(?:in|at)\s+(?:the\s+)?$", re.I)
_DESTINATION_AFTER = re.compile(r"\s+(?:for|to\s+pursue)\s+(?:(?:further|graduate|postgraduate|master'?s?|doctoral|PhD)\s+)+"
                                r"(?:stud(?:y|ies)|degrees?)\b", re.I)
_FORMER_BEFORE = re.compile(
    r"\b(?:worked|taught|served|was\s+employed|was\s+a\s+\w+|was\s+an\s+\w+)\b[^.;]{0,60}?\b(?:at|for|with|in|by)\s+"
    r"(?:the\s+)?$", re.I)
_PAST_CUE = re.compile(r"\b(?:before\s+joining|previously|formerly|former|prior\s+to|used\s+to|had\s+worked|"
                       r"for\s+\w+\s+years)\b", re.I)
# "former Scientific Attaché at the Italian Consulate", "as the President of X before"
_HEAD_IN = re.compile(r"\b(?:University|Institute|College|School|Academy)\b")
_HEAD_END = re.compile(r"^[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,4}\s+(?:University|Institute|College|School|Academy)$")
def _two_names(text: str, s: int, e: int, kind):
    """A pattern name that is two names joined by "and" ("France Institute of Higher Information Engineers and
    International Information Science School"): a head word on each side, the second part ending with its own head
    word and beginning with a capital, and the whole unknown to the registry."""
    if " and " not in text[s:e] or _known_name(norm(text[s:e])):
        return [(s, e, kind)]
    cut = text.find(" and ", s, e)
    while cut != -1:
        rest = text[cut + 5:e]
        if _HEAD_IN.search(text, s, cut) and _HEAD_END.search(rest) and not re.match(r"(?:the|of|for)\b", rest):
            return [(s, cut, kind), (cut + 5, e, kind)]
        cut = text.find(" and ", cut + 1, e)
    return [(s, e, kind)]


_FORMER_POST = re.compile(r"\bformer\s+(?:[\w'’-]+\s+){0,3}?(?:at|of|with|in)\s+(?:the\s+)?$|"
                          # "Former Permanent Representative of China to UNESCO": a post held before
                          r"\bformer\s+(?:[\w'’-]+\s+){1,3}?of\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?\s+to\s+(?:the\s+)?$", re.I)
_AS_POST = re.compile(r"\bas\s+(?:the\s+)?(?:\w+\s+){0,2}?(?:President|Rector|Dean|Director|Chancellor|Head)\s+of\s+(?:the\s+)?$",
                      re.I)
# an event held at a university ("a dialogue organised by the Ministry's department at Peking University", "the
# fair took place at X"): where it happened, not who worked with the home
_UNIT_ORGANISER = re.compile(r"\borgani[sz]ed\s+by\s+(?:the\s+|its\s+|our\s+)?(?:[A-Z][\w'’-]*\s+){0,4}(?:Faculty|Chair)\b")
_PLANNED_BEFORE = re.compile(r"\b(?:plans?\s+to|will|would|intends?\s+to|regarding|about)\s+" + PLANNED_VERB +
                             r"\s+(?:an?\s+|the\s+)?$", re.I)
_VENUE_BEFORE = re.compile(r"\b(?:was\s+held|were\s+held|took\s+place|organi[sz]ed\s+by\s+[^.;\n]{0,80}?|hosted\s+by\s+[^.;\n]{0,60}?)"
                           r"\s+(?:at|in)\s+(?:the\s+)?$", re.I)
# "ranks first in the Russian Engineering Education Association", "ranked 12th among the …": a standing, not a partner
_RANKED_IN = re.compile(r"\b(?:rank(?:s|ed|ing)?|placed|placing)\s+(?:(?:no\.?\s*)?\d+(?:st|nd|rd|th)?|first|second|third|"
                        r"fourth|fifth|top\s+\d+|\w+\s+place|highly|high|among\s+the\s+top\s+\d*)?\s*"
                        r"(?:\w+\s+){0,3}?(?:in|among|by|within|on)\s+(?:the\s+)?$", re.I)
_ALMA_BEFORE_ZH = re.compile(r"(?:毕业于|曾在|曾任职于|曾就读于|曾任教于|之前曾在|早年在|曾于|先后在)$")
_MEMBER_OF = re.compile(r"\b(?:founding\s+|full\s+|core\s+)?members?\s+(?:universities\s+|institutions\s+)?of\s+(?:the\s+)?$",
                        re.I)
_MEMBER_AFTER_ZH = re.compile(r"^(?:的)?(?:创始|核心|正式|首批|理事)?(?:成员|会员|理事)(?:单位|高校|大学|校|之一)?")
_MERGE = re.compile(r"\b(?:merg(?:ing|er\s+of|ed)|amalgamation\s+of|combination\s+of)\b", re.I)
_FORMER_NAME = re.compile(r"\b(?:known\s+as|formerly|renamed\s+from|former\s+name|(?:the|its)\s+predecessor\s+(?:of|was))\b", re.I)


@dataclass
class Mention_:
    start: int
    end: int
    text: str
    method: str


@dataclass
class Org:
    """One organisation of the document (all its mentions merged)."""

    name: str
    kind: str | None = None
    country: str | None = None
    country_method: str = ""
    registry: PartnerRef | None = None
    known: KnownInstitution | None = None  # an organisation known by name (known_orgs.csv)
    aliases: set[str] = field(default_factory=set)
    mentions: list[Mention_] = field(default_factory=list)
    status: str = "partner"  # partner | home | non_partner | subunit
    owner: str = ""  # for a subunit: the name of the organisation written as its owner ("UM" of "UM's X College")
    reason: str = ""
    confidence: float = 0.8

    @property
    def key(self) -> str:
        return norm(self.name)

    @property
    def first(self) -> Mention_:
        return min(self.mentions, key=lambda m: m.start)


def _boundary_ok(text: str, s: int, e: int, form: str) -> bool:
    if CJK.search(form):
        return True
    before = text[s - 1] if s > 0 else " "
    after = text[e] if e < len(text) else " "
    return not (before.isalnum() or before in "_-") and not (after.isalnum() or after in "_")


_FIRST_WORD = re.compile(r"[^\W_]+")
# id(forms) → (forms, size, [(form, target)] of the forms without a Latin first word or a Chinese character,
# {first word: [(form, target)]}, [(form, target)] of the forms with a Chinese character and no Latin first word)
_PREPARED: dict[int, tuple[dict, int, list, dict, list]] = {}


def _find_forms(text: str, forms: dict[str, object], words: set[str] | None = None) -> list[tuple[int, int, str, object]]:
    """Occurrences of the given surface forms (case-sensitive; longest first, no overlaps).

    ``words``: the text's words; a Latin form whose first word is not among them is not searched
    (most forms of a long list are absent, and a set lookup is cheaper than a scan of the text)."""
    hits = []
    if words is not None:
        key = id(forms)
        prepared = _PREPARED.get(key)
        if prepared is None or prepared[0] is not forms or prepared[1] != len(forms):
            always: list = []
            by_word: dict[str, list] = {}
            for form, target in forms.items():
                fw = None if CJK.match(form) else _FIRST_WORD.match(form)
                if fw:
                    by_word.setdefault(fw.group(0), []).append((form, target))
                else:
                    always.append((form, target))
            prepared = _PREPARED[key] = (forms, len(forms), [x for x in always if not CJK.search(x[0])], by_word,
                                         [x for x in always if CJK.search(x[0])])
        # (the forms whose first word the text has, found from the text's words, and those with a Chinese character
        # where the text has one: the order of the forms searched does not matter, the hits are sorted by length and
        # place, and no two forms have the same span)
        by_word = prepared[3]
        words = words if isinstance(words, (set, frozenset)) else set(words)
        todo = prepared[2] + [x for w in words.intersection(by_word) for x in by_word[w]] + \
            (prepared[4] if CJK.search(text) else [])
    else:
        todo = list(forms.items())
    for form, target in todo:
        if not form or len(form) < 2:
            continue
        i = text.find(form)
        while i != -1:
            e = i + len(form)
            if _boundary_ok(text, i, e, form):
                hits.append((i, e, form, target))
            i = text.find(form, i + 1)
    hits.sort(key=lambda h: (-(h[1] - h[0]), h[0]))
    out, taken = [], SpanIndex()
    for h in hits:
        if taken.overlaps(h[0], h[1]):
            continue
        taken.add(h[0], h[1], h)
        out.append(h)
    return sorted(out)


def _registry_forms(ref: Reference) -> dict[str, object]:
    if "orgforms" not in ref._cache:
        forms: dict[str, object] = {}
        for n in ref.non_partners:
            for f in [n.name, *n.aliases]:
                forms[f] = ("non", n)
        for p in ref.partners:
            for f in [p.name, *p.aliases, *([p.zh] if p.zh else [])]:
                forms[f] = ("partner", p)
                if f.startswith("The "):
                    forms[f[4:]] = ("partner", p)
                    forms["the " + f[4:]] = ("partner", p)
        for f in ref.home_forms():
            forms[f] = ("home", None)
        ref._cache["orgforms"] = forms
    return ref._cache["orgforms"]


# -- English pattern names ------------------------------------------------------------------
def _head_kind(tok: str) -> str | None:
    return HEADS.get(tok.lower().rstrip(","))


_POSSESSIVE = re.compile(r"(?<!^People)['’]s$")  # (not "the People's Republic of China")
_OWNER_BEFORE = re.compile(r"\b((?:[A-Z][\w&'’-]*[^\S\n]+){0,5}?(?:University|College|Institute|Universit\w+)|[A-Z]{2,8})['’]s[^\S\n]+$")
_PLACE_DASH = re.compile(r"(?<![\w-])([A-Z][\w'’]+)[^\S\n]+[-–][^\S\n]+$")
_CAMPUS = re.compile(r",[^\S\n]+([A-Z][\w'’-]+(?:[^\S\n]+[A-Z][\w'’-]+)?)")


_NAME_BEFORE = re.compile(r"(?:[^\S\n](?:of|and|for|the|&)|[A-Z][\w'’-]*)[^\S\n]+$")


_MISSION = re.compile(r"\b(?:Embassy|Consulate(?:[- ]General)?|High\s+Commission|Permanent\s+Mission|Consul(?:ate)?)\b", re.I)


def _sending_country(name: str, gaz: Gazetteer) -> str | None:
    """The country an embassy or consulate represents, from its name: "of (the) X" (before " in Y"), else an
    adjective or country written before the head ("Royal Thai Embassy", "Russian Embassy in China")."""
    m = _MISSION.search(name)
    if not m:
        return None
    after = re.match(r"\s+(?:General\s+)?of\s+(?:the\s+)?(.+?)(?:\s+(?:in|to|at)\s+.*)?$", name[m.end():])
    if after:
        words = after.group(1).split()
        for i in range(len(words)):  # "Islamic Republic of Pakistan": the country may end the phrase
            cand = " ".join(words[i:])
            code = gaz.country_name(cand) or gaz.country(cand)
            if code:
                return code
    for w in reversed(re.findall(r"[A-Z][\w'’-]+", name[:m.start()])):
        code = gaz.adjective(w) or gaz.country_name(w)
        if code:
            return code
    return None


_LIST_ITEM = re.compile(r"[A-Z][\w'’.-]*(?:[ \t]+(?:of[ \t]+)?[A-Z][\w'’.-]*){0,3}")
_SHORT_LIST = re.compile(r"[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,3}(?:,[ \t]+[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,3}){1,12}"
                         r",?[ \t]+and[ \t]+[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,3}")
_UNIVERSITY_CONTEXT = re.compile(r"\b(?:universities|institutions|partner\s+(?:universities|schools|institutions)|colleges|"
                                 r"partners(?=\s+(?:such\s+as|including|like)\b)|partnerships?\s+with)\b"
                                 r"[^.;\n]{0,40}$", re.I)


@lru_cache(maxsize=4096)
def _short_name_university(item: str) -> tuple[str, str | None] | None:
    """(official name, country or None) of the one university the registry knows as "University of <item>" or
    "<item> University" (or by <item> itself); None when it knows none."""
    reg = _registry()
    for form in (f"University of {item}", f"{item} University", item):
        recs = [r for r in reg.by_name(form) if r.kind == "university"]
        names = {norm(r.name) for r in recs}
        if recs and len(names) == 1:
            countries = {r.country for r in recs}
            return recs[0].name, (countries.pop() if len(countries) == 1 else None)
    return None


@lru_cache(maxsize=65536)
def _known_name(key: str) -> bool:
    """Whether the organisation registry knows a normalised name (cached: pages repeat their names)."""
    return _registry().has_norm(key)


def _the_generic_name(name: str) -> bool:
    """A name of generic words only that is still one organisation's: written with a capital "The" and known to
    the registry by exactly that name ("The Open University")."""
    return name.startswith("The ") and name.count(" ") >= 2 and any(
        r.name == name for r in _registry().by_name(name))


def _registry():
    from etl.resolve.registry import load_registry

    return load_registry()


def _cap(tok: str) -> bool:
    """A capitalised word of a name, or a quoted one ("“Tor Vergata”")."""
    return tok[:1].isupper() or (tok[:1] in "“\"" and tok[1:2].isupper())


def _place_pair(toks: list[tuple[int, int, str]], i: int, gaz: Gazetteer) -> bool:
    """Whether a word that cannot start a name otherwise ("New") starts a country or place with the next word
    ("New Zealand Embassy", "New South Wales")."""
    if toks[i][2] != "New" or i + 1 >= len(toks):
        return False
    pair = f"New {toks[i + 1][2]}"
    return bool(gaz.country_name(pair) or gaz.place(pair))


def _owner_possessive(tok: str, gaz: Gazetteer) -> bool:
    if not tok.endswith(("'s", "’s")):
        return False
    if _head_kind(tok[:-2]):
        return True  # "Tongji University's Guohao College": an organisation owns the name after it
    """A possessive that owns the name after it rather than being part of it: a country's or an acronym's
    ("China's Tianjin University", "Germany's University of Trier", "UOW's …"; not "King's College", "St Mary's
    University")."""
    stem = tok[:-2]
    return bool(gaz.country_name(stem) or re.fullmatch(r"[A-Z]{2,8}", stem))  # (not a place: "St Mary's University")


_CENTRE_NAME = re.compile(r"(?<![\w-])((?:[A-Z][\w'’-]+[^\S\n]+){1,4}(?:Center|Centre)[^\S\n]+(?:for|of)"
                          r"(?:[^\S\n]+(?:[A-Z][\w'’-]+|and|&|of|the)){1,8})")


def _registry_centres(text: str) -> list[tuple[int, int, str]]:
    """Centres the registry knows by their full name ("Chinese Center for Disease Control and Prevention"): "Centre"
    is no head word (most centres are a university's units), so only a known name is an organisation."""
    if "Cent" not in text:
        return []
    from etl.resolve.registry import generic_name

    out = []
    for m in _CENTRE_NAME.finditer(text):
        words = m.group(1).split()
        for n in range(len(words), 3, -1):  # the longest known name
            cand = " ".join(words[:n])
            if words[n - 1] in ("and", "&", "of", "the", "for"):
                continue
            if not generic_name(cand) and _known_name(norm(cand)):
                recs = _registry().by_name(cand)
                kind = recs[0].kind if recs and recs[0].kind in ("government", "ngo", "company", "institute") else "institute"
                s0 = m.start(1)
                out.append((s0, s0 + len(" ".join(text[s0:m.end(1)].split()[:n])) if "  " not in text[s0:m.end(1)]
                            else s0 + len(cand), kind))
                break
    return out


_TOWN_THEN_COUNTRY = re.compile(r"\s*,\s*[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?\s*(?:,\s*|[(（]\s*)(?:the\s+)?"
                                r"([A-Z][\w'’.-]*(?:\s+[A-Z][\w'’-]+){0,2})(?=\s*[)）,.;:]|\s+(?:on|in|and|to|at|for)\b|\s*$)")


def _polytechnic_gap(toks: list[tuple[int, int, str]], a: int, b: int) -> bool:
    """One word between "Polytechnic" and the head that ends the name ("California Polytechnic State University",
    "Odesa Polytechnic National University"): one name."""
    return b == a + 2 and toks[a][2].lower() in ("polytechnic", "politecnico", "polytechnique") and \
        toks[a + 1][2][:1].isupper() and not _head_kind(toks[a + 1][2]) and \
        toks[b][2].lower() in ("university", "institute", "universität", "université")


_ACR_TAIL = re.compile(r"(?P<tail>(?:[^\S\n]+(?:of|for|and|&|the|on|in)\b|[^\S\n]+[A-Z][\w'’-]*){1,8}?)?[^\S\n]*"
                       r"\((?P<a>[A-Z][A-Za-z]{1,7})\)")
_ACR_SKIP = {"of", "for", "and", "&", "the", "on", "in", "de", "di", "du"}


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w.lower() not in _ACR_SKIP).upper()


def _defines_acronym(part: str, name: str) -> bool:
    """Whether a bracketed ``part`` after ``name`` is the page's own acronym of it: capitals only (two to six
    letters), the initials of the name's words ("National Taiwan University (NTU)", "Saint Cloud State
    University (SCSU)": a leading "St." or "Saint" counts by its S)."""
    if not re.fullmatch(r"[A-Z]{2,6}", part):
        return False
    words = re.findall(r"[A-Za-z][\w'’-]*", name)
    ini = _initials(words)
    return ini == part or (len(part) >= 3 and ini.startswith(part) and len(ini) - len(part) <= 1)


def _acronym_bounds(text: str, s: int, e: int) -> tuple[int, int]:
    """A bracketed acronym right after a name fixes its bounds when its letters are the initials of a longer
    stretch: "Royal Academy of Cambodia (RAC)" (not "Royal Academy" and a country), "National Academy of Public
    Administration (NAPA)", "Public Administration Research and Training Institute (PARTI)"."""
    m = _ACR_TAIL.match(text, e)
    if not m:
        return s, e
    acr = m.group("a").upper()
    if len(acr) < 3:
        return s, e
    words = text[s:e].split()
    tail = (m.group("tail") or "").split()
    if _initials(words) == acr:
        return s, e
    # rightwards: the name and the words up to the bracket ("… of Cambodia (RAC)")
    if tail and tail[-1][0].isupper() and _initials(words + tail) == acr:
        return s, m.start("tail") + len(m.group("tail"))
    if tail:
        return s, e
    # leftwards: capitalised words and connectors on the same line before the name
    before = list(re.finditer(r"[A-Za-z][\w'’-]*|&", text[max(0, s - 90):s]))
    base = max(0, s - 90)
    for k in range(1, min(len(before), 8) + 1):
        seg = before[-k:]
        if text[base + seg[0].start():s].count("\n") or re.search(r"[,.;:()]", text[base + seg[0].start():s]):
            break
        ws = [x.group(0) for x in seg]
        if not (ws[0][0].isupper() or ws[0].lower() in _ACR_SKIP):
            break
        if ws[0][0].isupper() and _initials(ws + words) == acr:
            return base + seg[0].start(), e
    return s, e


def _after_own_mention(text: str, start: int, ends: set[int]) -> bool:
    """Whether ``start`` follows one of ``ends`` across nothing but a bracket and spaces ("X (XAS)"): the text
    between them is ``\\s*[(（]\\s*``."""
    i = start
    while i > 0 and text[i - 1].isspace():
        i -= 1
    if i == 0 or text[i - 1] not in "(（":
        return False
    i -= 1
    if i in ends:
        return True
    while i > 0 and text[i - 1].isspace():
        i -= 1
        if i in ends:
            return True
    return False


_GLUED_OF = re.compile(r"[A-Z][a-z]{4,}of")
# what a kind of institution is, not its name: "An Autonomous Institution", "a Leading Public University"
_STATUS_WORDS = {"research", "autonomous", "public", "private", "leading", "premier", "comprehensive", "deemed", "central", "top",
                 "renowned", "prestigious", "independent", "non-profit", "nonprofit"}


_SEASONS = {"Summer", "Winter", "Spring", "Autumn", "Fall"}
# the subjects of a unit "of" them, besides _FIELD_WORDS (an institute or school of these alone is a unit)
_UNIT_SUBJECTS = {"philology", "linguistics", "studies", "history", "philosophy", "psychology", "sociology", "geography",
                  "politics", "political", "relations", "affairs", "international", "modern", "foreign", "applied",
                  "natural", "sciences", "science", "health", "public", "policy", "administration", "literatures",
                  "cultures", "letters", "theology", "pedagogy", "education", "graduate", "advanced", "research",
                  "life", "earth", "biological", "chemical", "medical", "clinical", "fine", "visual", "performing",
                  "digital", "liberal", "polish", "slavic", "romance", "germanic", "classical", "asian", "african"}
# words of a university's kind (what it teaches, its status) that do not make a name alone ("Agricultural University")
_KIND_WORDS = {"state", "normal", "pedagogical", "pedagogic", "polytechnic", "technical", "technological", "medical",
               "agricultural", "teachers", "teacher", "open", "federal", "national", "private", "public", "research",
               "catholic", "christian", "islamic", "women's", "womens", "people's", "peoples", "city", "metropolitan",
               "sports", "forestry", "maritime", "fisheries", "petroleum", "mining", "pharmaceutical", "veterinary"}
# words that name a document, a scheme or an event after an organisation's name ("the University of X
# Progression Agreement", "University of X Exchange Programme"): the name ends before them
_DOCUMENT_WORDS = {"agreement", "agreements", "memorandum", "mou", "programme", "program", "project", "scholarship",
                   "scholarships", "forum", "conference", "summit", "symposium", "workshop", "award", "awards", "fellowship"}


def _document_run(toks: list[tuple[int, int, str]], j: int, name: str) -> bool:
    """Whether the capitalised words from ``toks[j]`` on (up to three) end with a word of a document or an event
    ("Progression Agreement", "Exchange Programme", "Agreement") while the name before them is one the registry
    knows ("University of X"): the words are the title of something of that organisation, no part of its
    name."""
    for n in range(0, 3):
        if j + n >= len(toks) or not _cap(toks[j + n][2]) or _head_kind(toks[j + n][2]):
            return False
        if toks[j + n][2].lower() in _DOCUMENT_WORDS:
            return n == 0 or _known_name(norm(name.strip()))
    return False


_EVENT_WORD_AFTER = re.compile(r"\s+(?:" + "|".join(_EVENT_AFTER) + r")\b", re.I)
_LEADERS_EVENT_AFTER = re.compile(r"\s+(?:Presidents?|Rectors?|Leaders?|Deans?)['’]?\s+(?:Forum|Conference|Summit|Meeting|"
                                  r"Dialogue|Roundtable)\b")


def _english_candidates(text: str, start: int, end: int, gaz: Gazetteer) -> list[tuple[int, int, str]]:
    """(start, end, kind) of organisation names found by head words in text[start:end]."""
    out = []
    for sm in _SEQ.finditer(text, start, end):
        toks = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text, sm.start(), sm.end())]
        if not toks:
            continue
        heads = [i for i, t in enumerate(toks) if _head_kind(t[2]) and t[2][0].isupper()]
        if not heads:
            continue
        # contiguous heads ("Polytechnic University", "Co., Ltd.") count as one: keep the last of a run
        runs: list[tuple[int, int]] = []
        for h in heads:
            if runs and (h == runs[-1][1] + 1 or _polytechnic_gap(toks, runs[-1][1], h)):
                runs[-1] = (runs[-1][0], h)
            else:
                runs.append((h, h))
        used_until = -1
        for rs, h in runs:
            # left edge: capitalised modifiers, not titles, not connectors (nor a word glued to "of" by a copy site's lost
            # space: "International Cooperationof Yanshan University" names Yanshan University)
            left = rs
            while left - 1 > used_until and toks[left - 1][2][0].isupper() and \
                    not _GLUED_OF.fullmatch(toks[left - 1][2]) and \
                    (toks[left - 1][2].lower().rstrip(".") not in _NOT_MODIFIER and
                     toks[left - 1][2].lower() not in _NOT_MODIFIER or _place_pair(toks, left - 1, gaz)) and \
                    not _owner_possessive(toks[left - 1][2], gaz):
                left -= 1
            # kinds joined by "and" before the head: "Xuchang Vocational and Technical College" (a place starts it)
            if left - 3 > used_until and left < rs + 1 and toks[left - 1][2] == "and" and \
                    toks[left][2].lower() in _GENERIC_MODIFIER | {"vocational", "technical", "polytechnic", "normal"} and \
                    toks[left - 2][2].lower() in {"vocational", "technical", "polytechnic", "normal", "professional",
                                                  "industrial", "commercial", "science", "engineering"} and \
                    _cap(toks[left - 3][2]) and not _head_kind(toks[left - 3][2]) and gaz.place(toks[left - 3][2]):
                left -= 3
            # saints' names joined by "and" belong to the name: "Ss. Cyril and Methodius University"
            if left - 3 > used_until and toks[left - 1][2] == "and" and toks[left - 2][2][0].isupper() and \
                    toks[left - 3][2] in ("Ss.", "Sts.", "St.", "Saints", "SS."):
                left -= 3
            if left - 1 > used_until and toks[left - 1][2] in ("The", "the") and left < rs + 1:
                left -= 1
            # right edge: "of X (and Y)", a place written after the head
            right = h
            s0_ = toks[left][0]
            post_end = -1
            j = h + 1
            while j < len(toks):
                t = toks[j][2]
                if t.lower() in ("of", "for", "the", "and", "&") or t in (
                        "de", "di", "del", "della", "degli", "delle", "dei", "der", "des", "du", "zu", "für", "fur", "la",
                        "le", "y", "et"):
                    # (a foreign connector is written in lower case: "College Du Zhenbo" names a person after it)
                    # look at what the connector leads to
                    k = j
                    while k < len(toks) and toks[k][2].lower() in ("of", "for", "de", "di", "del", "della",
                                                                   "degli", "delle", "dei", "der", "des", "du",
                                                                   "zu", "für", "fur", "la", "le", "y", "et",
                                                                   "the", "and", "&"):
                        k += 1
                    if k >= len(toks):
                        break
                    conn = toks[j][2].lower()
                    if conn == "for" and re.search(r"\b(?:Vice[- ])?(?:President|Rector|Dean|Chancellor|Provost)\s+of\s+(?:the\s+)?$",
                                                   text[max(0, toks[left][0] - 40):toks[left][0]], re.I):
                        post_end = k
                        while post_end + 1 < len(toks) and (_cap(toks[post_end + 1][2]) or toks[post_end + 1][2] in ("and", "&")):
                            post_end += 1
                        break  # "Vice-President of X University for Community Service": the post's portfolio, not the name
                    if conn in ("and", "&"):
                        if right == h:
                            break  # "Xidian University and Ericsson": "and" right after the head joins two names
                        nxt_tok = toks[k][2]
                        if nxt_tok.lower().rstrip(".") in _NOT_MODIFIER or toks[k - 1][2].lower() == "the":
                            break  # "… and Dr. X", "… and the School of …"
                        upto_of = []
                        for x in toks[k:k + 6]:
                            if x[2].lower() in ("of", "for") or (x[2] in ("and", "&") and toks[j][2] == "And"):
                                break  # (a second "and" in lower case after a capital "And" joins the next name:
                                # "X University of Culture And Arts and Y National University")
                            upto_of.append(x)
                        if any(_head_kind(x[2]) for x in upto_of):
                            break  # "X University and Y University": a second name
                    has_proper = any(x[2][0].isupper() and not _head_kind(x[2]) and
                                     x[2].lower() not in _GENERIC_MODIFIER for x in toks[left:right + 1])
                    if conn == "of" and (gaz.country_name(toks[k][2]) or (
                            toks[k - 1][2].lower() == "the" and any(
                                gaz.country_name(" ".join(x[2] for x in toks[k:k + n])) not in (None, "HK", "MO", "TW")
                                for n in (4, 3, 2) if k + n <= len(toks)))) and \
                            _head_kind(toks[h][2]) != "government" and has_proper:
                        break  # "of Germany": a country after the name (but "National University of Singapore")
                        # (or a country of several words after "the": "X University of the United States of America")
                    upto_and = []
                    for x in toks[k:]:
                        if x[2].lower() in ("and", "&"):
                            break  # "Changshu Institute of Technology and Birmingham City University": two names
                        upto_and.append(x)
                    if conn == "of" and any(_head_kind(x[2]) for x in upto_and):
                        # "Faculty … of <org>": what follows is another organisation
                        if _head_kind(toks[h][2]) in ("university",) and toks[h][2].lower() in ("university",) \
                                and not _head_kind(toks[k][2]):
                            pass
                        else:
                            break
                    right = k
                    j = k + 1
                    # keep consuming capitalised words of this "of" phrase
                    while j < len(toks) and _cap(toks[j][2]) and not _head_kind(toks[j][2]) and \
                            not _POSSESSIVE.search(toks[right][2]) and \
                            toks[j][2].lower().rstrip(".") not in _NOT_MODIFIER and \
                            toks[j][2].lower() not in _TITLE_VERBS and not _document_run(toks, j, text[s0_:toks[j][0]]):
                        # (a title's verb or a person's title ends the name: "University of Zaragoza Visited
                        # NanjingTech", "University of Mississippi Provost Morris Stocks")
                        right = j  # (but "University of Delaware's Lynn Okagaki" ends at the possessive)
                        j += 1
                    if _POSSESSIVE.search(toks[right][2]):
                        break
                    continue
                if _cap(t) and not _head_kind(t) and j == right + 1 and not CJK.search(t) and (
                        t[0] in "“\"" or (len(t) > 2 and gaz.place(t)) or gaz.country_name(t) or toks[h][2].lower() in _POSTMODIFIED):
                    right = j  # "Technische Universität Berlin", "Institute of Science Tokyo"
                    j += 1
                    continue
                break
            nxt = toks[right + 1][2].lower() if right + 1 < len(toks) else ""
            after_txt = text[toks[right][1]:toks[right][1] + 20]
            if nxt in _EVENT_AFTER or _EVENT_WORD_AFTER.match(after_txt) or \
                    _LEADERS_EVENT_AFTER.match(text[toks[right][1]:toks[right][1] + 40]):
                # (also "the 8th Japan-China University Presidents Conference": an event of presidents, no university)
                used_until = right
                continue
            s, e = toks[left][0], toks[right][1]
            s, e = _acronym_bounds(text, s, e)
            pm = _PLACE_DASH.search(text, max(0, s - 30), s) if "-" in text[max(0, s - 4):s] or "–" in text[max(0, s - 4):s] \
                else None
            if pm and (gaz.place(pm.group(1)) or gaz.country_name(pm.group(1))) and \
                    not (pm.group(1).isupper() and len(pm.group(1)) > 3):  # (not a dateline: "KARACHI - The University …")
                s = pm.start(1)  # "Beijing - Hong Kong Universities Alliance": two places joined by a dash
            if _POSSESSIVE.search(text[s:e]):
                e -= 2  # "the University of Birmingham's": the name without the possessive
            name = text[s:e]
            words = [x[2] for x in toks[left:right + 1]]
            kind = _head_kind(toks[h][2])
            proper = [w for w in words if w[0].isupper() and not _head_kind(w) and w.lower() not in _GENERIC_MODIFIER]
            am = _ACR_TAIL.match(text, e)
            if am and not am.group("tail") and len(am.group("a")) >= 3 and _initials(name.split()) == am.group("a").upper():
                proper = proper or [am.group("a")]  # "National Academy of Public Administration (NAPA)": named
            if not proper and not _the_generic_name(name):
                used_until = right
                continue  # "the Embassy", "the Institute": a reference back, not a name
            if re.search(r"(?<![\w-])(?:an?|An?)[^\S\n]+$", text[max(0, s - 4):s]) and \
                    all(gaz.adjective(w) or w.lower() in _STATUS_WORDS for w in proper):
                used_until = right
                continue  # "a British university", "an Egyptian college", "An Autonomous Institution": one of a kind, not a name
            if toks[h][2] in ("Council", "Senate", "Board") and right == h and proper and \
                    all(re.fullmatch(r"[A-Z]{2,8}", w) for w in proper):
                used_until = right
                continue  # "the SJTU Council (Chair)": a university's own governing body, not another organisation
            if rs > left and toks[rs - 1][2] in _SEASONS:  # (right before the head: not "Spring Arbor University")
                used_until = right
                continue  # "the Summer University of X", "Winter School": a programme a university holds, no organisation
            left_proper = [w for w in (x[2] for x in toks[left:rs]) if w.lower() not in _GENERIC_MODIFIER]
            of_words = [x[2].lower() for x in toks[h + 2:right + 1]] if right > h + 1 and toks[h + 1][2] == "of" else []
            if all(x[2] in ("the", "The") for x in toks[left:rs]) and rs == h and of_words and \
                    toks[h][2].lower() in ("institute", "school", "academy") and \
                    not re.search(r"(?:[A-Z][\w'’-]*|\bof|\band|\bfor|&)[^\S\n]+$", text[max(0, toks[left][0] - 30):toks[left][0]]) and \
                    all(w in _FIELD_WORDS or w in _UNIT_SUBJECTS or w in ("and", "&", "the") for w in of_words) and \
                    not _known_name(norm(name)):
                used_until = right
                continue  # "the Institute of English Philology", "School of Modern Languages": a unit named by its field
            if right == h and toks[h][2].lower() in ("university", "universities") and left_proper and \
                    all(w.lower() in _FIELD_WORDS or w.lower() in _KIND_WORDS for w in left_proper) and \
                    not _known_name(norm(name)) and not _the_generic_name(name):
                used_until = right
                continue  # "the Agricultural University", "the Medical University": a kind of university, the page's
                # short way back to a name it gave in full
            if toks[h][2].lower() in ("college", "school", "institute") and left_proper and right == h and \
                    all(w.lower() in _FIELD_WORDS for w in left_proper):
                used_until = right
                continue  # "International Education College", "Foreign Languages School": a unit named by its field
            of_place = right > h + 1 and toks[h + 1][2] == "of" and (
                gaz.place(" ".join(x[2] for x in toks[h + 2:right + 1])) or
                gaz.country_name(" ".join(x[2] for x in toks[h + 2:right + 1])))
            if toks[h][2].lower() == "college" and not left_proper and not of_place and \
                    not any(_head_kind(x[2]) == "university" and x[2].lower() != "college" for x in toks[rs:h]):
                used_until = right
                continue  # "(International) College of X": a unit, not an organisation ("University College Dublin" is one;
                # so is a college named after its town, "the College of Dunaújváros")
            if (re.match(r"(?:the\s+)?Sino-", name, re.I) and kind != "other") or re.search(r"\bJoint\b", name) or \
                    re.fullmatch(r"(?:the\s+)?Confucius\s+(?:Institute|Classroom)", name, re.I):
                used_until = right
                continue  # a joint institute, lab or centre ("Sino-Russian Institute of …", "X–Y Joint Laboratory"),
                # or "the Confucius Institute (at X)": the partner is named inside or after it
            if text[s - 1:s] in "(（" and s > 0 and _UNIT_BEFORE_PAREN.search(text, max(0, s - 90), s - 1):
                used_until = right
                continue  # "the College of International Education (Ural Institute) of X": the unit's other name
            if _UNIVERSITY_INSTITUTES.search(name):
                kind = "university"
            # US state systems: "University of California, Irvine"
            if _US_STATE_SYSTEM.match(name):
                m2 = re.match(r",\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\b", text[e:e + 30])
                if m2 and not _head_kind(m2.group(1).split()[0]):
                    e += m2.end()
            # embassies: "Embassy of X in Beijing"
            if kind == "government" and re.match(r"(?:Embassy|Consulate)", toks[h][2]):
                m2 = re.match(r"\s+in\s+(?:the\s+)?([A-Z][\w'’]+(?:\s+(?:of\s+)?[A-Z][\w'’]+)?)", text[e:e + 40])
                if m2:
                    e += m2.end()
            out.append((s, e, kind))
            used_until = max(right, post_end)
    return out


_GOVERNMENT_OF = re.compile(r"(?<![\w-])government\s+of\s+(?:the\s+)?(?P<c>[A-Z][\w'’-]+(?:[^\S\n]+[A-Z][\w'’-]+){0,2})")
_CAMPUS_OF = re.compile(r"\b([A-Z][\w'’-]+(?:[^\S\n]+[A-Z][\w'’-]+)?)[^\S\n]+[Cc]ampus[^\S\n]+of[^\S\n]+(?:the[^\S\n]+)?$")
# a university's head word in a language other than English (its name is that country's, whatever its web address)
_FOREIGN_HEAD = re.compile(r"\b(?:Universitas|Universiti|Universidad|Universidade|Universit[éeàa]|Universität|Universitat|"
                           r"Uniwersytet|Instituto|Institut|Istituto|Politecnico|Politechnika|Hochschule|[ÉE]cole|Escuela)\b")
# a sentence that says two sides work together (or meet): an organisation in it is not named in passing
_WORKING_TOGETHER = re.compile(r"\b(?:sign(?:s|ed|ing)?|agreements?|memorand(?:um|a)|MoUs?|MOUs?|partner(?:s|ship|ships)?|"
                               r"cooperat\w*|co-operat\w*|collaborat\w*|jointly|visit(?:s|ed|ing)?|delegations?|met|meets?|"
                               r"welcomed|hosted|exchange)\b", re.I)
# a sentence that lists the members of a delegation or a group
_MEMBERS = re.compile(r"\b(?:includ(?:ed|es|ing)|consist(?:ed|s|ing)\s+of|compris(?:ed|es|ing)|composed\s+of|members?|"
                      r"accompanied\s+by|along\s+with)\b", re.I)
_ALUMNI = re.compile(r"\b(?:graduates|alumni|alumnus|alumna|alumnae|alma\s+mater)\b", re.I)
# a person's post right before a name: "(former) President of (the) X", "Deputy Director of the X"
_POST_OF = re.compile(r"\b(?:[Pp]resident|[Cc]hairman|[Cc]hairwoman|[Cc]hair|CEO|[Ff]ounder|[Dd]irector|[Hh]ead|[Dd]ean|"
                      r"[Mm]anager|[Ss]ecretary(?:[- ]General)?|[Cc]hief\s+\w+)\s+of\s+(?:the\s+)?$")


def _in_name_list(text: str, s: int, e: int) -> bool:
    """Whether [s, e) is one item of a list of three names or more written with commas ("A, B, C and D", "A, B, C
    etc."): two more items before or after it, or one on each side (the list's first item may follow other words,
    its last may go on with "etc.")."""
    item = r"[A-Z][\w&'’./-]*(?:[^\S\n]+[A-Z][\w&'’./-]*){0,3}"
    sep = re.compile(r",[^\S\n]*(?:and[^\S\n]+)?|[^\S\n]+and[^\S\n]+")
    left = re.split(r"[;:()\n]|\.\s", text[max(0, s - 200):s])[-1]
    right = re.split(r"[;:()\n]|\.(?:\s|$)", text[e:e + 200])[0]
    n = 0
    parts = sep.split(left)
    if len(parts) > 1 and not parts[-1].strip():
        for part in reversed(parts[:-1]):
            if re.fullmatch(item, part.strip()):
                n += 1
                continue
            if re.search(rf"(?:^|\s){item}$", part.strip()):
                n += 1  # the list's first item after other words ("an exam centre of Acme Testing, …")
            break
    parts = sep.split(right)
    if len(parts) > 1 and not parts[0].strip():
        for part in parts[1:]:
            p = part.strip()
            if re.fullmatch(rf"{item}(?:[^\S\n]+etc\.?)?", p):
                n += 1
                continue
            if re.match(rf"{item}\b", p) and re.fullmatch(r"[A-Z][\w&'’./-]*(?:\s+[A-Z][\w&'’./-]*){0,3}\s+etc\b.*", p):
                n += 1
            break
    return n >= 2


# -- the document's organisations ----------------------------------------------------------------
class OrgFinder:
    def __init__(self, text: str, lay: Layout, ref: Reference, gaz: Gazetteer, lang: str):
        self.text, self.lay, self.ref, self.gaz, self.lang = text, lay, ref, gaz, lang
        self.orgs: dict[str, Org] = {}
        self.by_form: dict[str, Org] = {}  # surface form → org
        self.home_spans: list[tuple[int, int]] = []
        self.site_names: list[tuple[int, int, str]] = []  # pattern names in the page's furniture (whose site it is)
        # pattern names that go on with "of <place>" as the registry knows them ("Minzu University of China"): the place
        # still locates them for the page's perspective (home.py), as it did when it stood after the name
        self.place_tails: dict[int, str] = {}
        self.non_partner_spans: list[tuple[int, int, str]] = []
        self.known = load_known_institutions()
        # the live mentions of every organisation, the home's and the non-partners' spans, by position (spans.py):
        # kept in step with org.mentions, home_spans and non_partner_spans while run() finds the names
        self._mx = SpanIndex()
        self._owner: dict[int, Org] = {}  # id(mention) → its organisation
        self._hx = SpanIndex()
        self._nx = SpanIndex()
        self._seq: dict[int, int] = {}  # id(org) → its place in self.orgs (organisations are never removed)

    def _add_home(self, s: int, e: int) -> None:
        self.home_spans.append((s, e))
        self._hx.add(s, e, (s, e))

    def _add_non(self, s: int, e: int, category: str) -> None:
        x = (s, e, category)
        self.non_partner_spans.append(x)
        self._nx.add(s, e, x)

    def _drop_mention(self, o: Org, m: Mention_) -> None:
        o.mentions.remove(m)
        self._mx.discard(m.start, m.end, m)
        self._owner.pop(id(m), None)

    def _overlapping(self, s: int, e: int) -> list[tuple[Org, Mention_]]:
        """(organisation, mention) of the mentions overlapping [s, e)."""
        return [(self._owner[id(m)], m) for m in self._mx.overlapping(s, e)]

    # -- building -------------------------------------------------------------------------------
    def _org_for(self, name: str, kind: str | None, registry: PartnerRef | None,
                 known: KnownInstitution | None = None) -> Org:
        if registry is None and known is not None:
            key = "cn:" + norm(known.name)
            if key not in self.orgs:
                self.orgs[key] = Org(known.name, known.kind, known.country, "known organisation", known=known)
                self._seq[id(self.orgs[key])] = len(self._seq)
            return self.orgs[key]
        if registry is not None:
            key = "reg:" + norm(registry.name)
            if key not in self.orgs:
                self.orgs[key] = Org(registry.name, registry.kind or kind, registry.country,
                                     "partner registry" if registry.country else "", registry)
                self._seq[id(self.orgs[key])] = len(self._seq)
            return self.orgs[key]
        if norm(name) in self.by_form_norm():
            return self.by_form_norm()[norm(name)]
        key = "pat:" + norm(name)
        if key not in self.orgs:
            self.orgs[key] = Org(name, kind)
            self._seq[id(self.orgs[key])] = len(self._seq)
        return self.orgs[key]

    def by_form_norm(self) -> dict[str, Org]:
        return {norm(f): o for f, o in self.by_form.items()}

    def _add(self, org: Org, s: int, e: int, method: str) -> None:
        form = self.text[s:e]
        if any(m.end == e and self._owner.get(id(m)) is org for m in self._mx.starting_in(s, s + 1)):
            return
        m = Mention_(s, e, form, method)
        org.mentions.append(m)
        self._mx.add(s, e, m)
        self._owner[id(m)] = org
        org.aliases.add(form)
        self.by_form.setdefault(form, org)

    def _taken(self, s: int, e: int) -> bool:
        return self._mx.overlaps(s, e) or self._hx.overlaps(s, e) or self._nx.overlaps(s, e)

    def run(self) -> list[Org]:
        text, ref = self.text, self.ref
        body_start = self.lay.body_start()
        # 1. registry, home and non-partner names as written
        words = set(_FIRST_WORD.findall(text))
        for s, e, form, (what, target) in _find_forms(text, _registry_forms(ref), words):
            if what == "home":
                self._add_home(s, e)
            elif what == "non":
                self._add_non(s, e, target.category)
            else:
                self._add(self._org_for(target.name, target.kind, target), s, e, "partner registry")
        # 1b. known organisations as written: Chinese names of universities (中国海洋大学, 同济大学),
        # names of companies and international bodies (Ericsson, UNESCO)
        if self.lang == "zh" or CJK.search(text[:2000]):
            for s, e, form, entry, country in find_zh_orgs(text, self.gaz):
                if self._taken(s, e) and not self._release_inner_zh(s, e):
                    continue
                if entry is None:  # a branch campus of a known university (…分校) the tables do not name
                    org = self._org_for(form, "university", None)
                    if org.country is None and country:
                        org.country, org.country_method = country, "its university's"
                    self._add(org, s, e, "pattern (a known university's campus)")
                    continue
                reg = ref.partner(entry.name)  # the office's own entry first
                self._add(self._org_for(entry.name, entry.kind, reg, None if reg else entry), s, e,
                          "partner registry" if reg else "known name (zh)")
            # embassies and consulates (also through their head's title), foreign governments leading a visit,
            # companies written in Latin letters beside 公司
            for s, e, name, kind, country in find_zh_named(text, self.gaz):
                if self._taken(s, e) and not self._release_inner_zh(s, e):
                    continue
                org = self._org_for(name, kind, ref.partner(name))
                if org.country is None and country:
                    org.country, org.country_method = country, "country written before the name"
                org.kind = org.kind or kind
                self._add(org, s, e, "country and role (zh)")
        # 1c. names of known companies and international bodies as written (Ericsson, UNESCO); a longer name
        # found by pattern around one of them is another organisation ("IEEE Photonics Society")
        for s, e, form, entry in _find_forms(text, self.known.english, words):
            if not self._taken(s, e):
                self._add(self._org_for(entry.name, entry.kind, None, entry), s, e, "known organisation")
        # 2. names by pattern
        cands = _zh_candidates(text, 0, len(text), _protected(self.gaz, self.known)) if self.lang == "zh" else []
        if self.lang == "zh":
            # "法国里昂高等师范学院", "英国帝国理工学院": a 学院 named after a foreign country is an organisation abroad
            for m in _foreign_college_re(self.gaz).finditer(text):
                if _ZH_GENERIC.search(m.group("rest")):
                    continue  # 意大利三所音乐学院: a count of colleges, no name
                if "大学" not in m.group(0):
                    cands.append((m.start(), m.end(), "university"))
        cands += _english_candidates(text, 0, len(text), self.gaz)
        cands += _registry_centres(text)
        for m in _APPOSITIVE_COMPANY.finditer(text):
            cands.append((m.start("name"), m.end("name"), "company"))
        if self.lang != "zh" and "government of" in text:
            # "the government of Mexico" in lower case: a country's government (the capitalised form has its head word)
            for m in _GOVERNMENT_OF.finditer(text):
                words = m.group("c").split()
                for n in range(len(words), 0, -1):
                    if self.gaz.country_name(" ".join(words[:n])):
                        cands.append((m.start(), m.start("c") + len(" ".join(words[:n])), "government"))
                        break
        cands = [c for cand in cands for c in _two_names(text, *cand)]
        for s, e, kind in sorted(cands, key=lambda c: (-(c[1] - c[0]), c[0])):
            if self._taken(s, e) and not self._release_known(s, e) and not self._release_non_partner(s, e):
                continue
            words_ = [w for w in text[s:e].split() if len(w) > 3]
            if sum(1 for w in words_ if w.isupper()) >= 3:
                continue  # a document's title written in capitals ("MEMORANDUM OF UNDERSTANDING BETWEEN …")
            s = self._registry_left(s, e)
            e0, e = e, self._registry_right(s, e)
            if e != e0:
                self.place_tails[s] = re.sub(r"^\s+of\s+(?:the\s+)?", "", text[e0:e])
            tm = re.search(r"(?<=[a-z])[^\S\n]+(?:USA|U\.S\.A\.?|UK|U\.K\.|PRC)$", text[s:e]) or \
                re.search(r"(?:(?<=University)|(?<=Institute)|(?<=College)|(?<=Academy)|(?<=Nationalities)|(?<=Technology)|"
                          r"(?<=Science)|(?<=Sciences)|(?<=Studies)),?[^\S\n]+China$", text[s:e]) or \
                re.search(r"(?:(?<=University)|(?<=College)|(?<=Institute))[^\S\n]+of[^\S\n]+the[^\S\n]+People['’]s"
                          r"[^\S\n]+Republic(?:[^\S\n]+of[^\S\n]+China)?$", text[s:e])
            # ("Lanzhou University of the People's Republic of China": a page abroad locating its partner formally)
            nm = re.match(r"[^\S\n]+named[^\S\n]+after[^\S\n]+(?:[A-Z][a-z]?\.[^\S\n]*){1,2}[A-Z][\w'’-]+", text[e:e + 50])
            if nm and re.search(r"\b(?:University|Institute|College|Academy|Conservatory)$", text[s:e]):
                e += nm.end()  # "Kyrgyz State University named after I. Arabaev": the founder's name is part of it
            # ("South Central University for Nationalities China": the country is not part of the name either)
            if tm:
                e = s + tm.start()  # "St. Joseph University of Pennsylvania USA": the country is not part of the name
            if " and " in text[s:e] and not _known_name(norm(text[s:e])):
                # "University of Wisconsin-Madison and Penn State": where the registry knows the part before
                # an "and", the rest is another name
                cut = text.find(" and ", s, e)
                while cut != -1:
                    if _known_name(norm(text[s:cut])):
                        e = cut
                        break
                    cut = text.find(" and ", cut + 1, e)
            cm = _CAMPUS.match(text, e, min(len(text), e + 40))
            if cm and (_known_name(norm(f"{text[s:e]}, {cm.group(1)}")) or
                       self.known.get(f"{text[s:e]}, {cm.group(1)}") is not None):
                e = cm.end()  # "The Chinese University of Hong Kong, Shenzhen": the campus is part of the name
            name = text[s:e]
            if s < body_start and name not in text[body_start:]:
                if any(o <= s < o + len(ln) for o, ln in self.lay.site_lines):
                    self.site_names.append((s, e, kind))  # the site's own name, for home detection
                continue  # a title-only pattern name (title case misleads the pattern)
            np = ref.non_partner(name)
            if np is not None:
                self._add_non(s, e, np.category)
                continue
            if re.search(r"\b(?:Department|Bureau|Division|Office)\s+(?:of|for)\s+(?:the\s+)?$", text[max(0, s - 30):s]) and \
                    re.match(r"\s+of\s+(?:the\s+)?Ministry\b", text[e:e + 20]):
                continue  # "the Department of Foreign Expert Service of the Ministry of …": a ministry's department
            if any(norm(name) == norm(f) for f in ref.home_forms()):
                self._add_home(s, e)
                continue
            reg = ref.partner(name)
            zh_code = None
            if CJK.search(name):
                zh_code, rest = self.gaz.zh_prefix(name)
                if zh_code and rest in _ZH_HEADS and reg is None and zh_lookup(name) is None:
                    continue  # 澳洲大学, 英国大学: the country's universities, not a name
                if zh_code and rest.startswith("国") and len(rest) > 3 and _ZH_KEEP_PREFIX.search(rest[1:]):
                    rest = name  # "蒙古国国立科技大学": the country is 蒙古国, and 国立 belongs to the name
                if zh_code == "CN" and rest.endswith(ZH_BODY_HEADS):
                    rest = name  # 中国孔子基金会: China's bodies carry 中国 in their names
                elif zh_code and rest.startswith("共和国") and rest.endswith(("大学", "学院")) and \
                        _ZH_FIELD.fullmatch(rest[3:-2] or "国立"):
                    rest = name  # 乌拉圭共和国大学: a name of generic words only (the Republic's) keeps its country
                elif zh_code and rest.endswith(ZH_BODY_HEADS) and self.gaz.zh_prefix(rest)[0]:
                    rest = name  # 日本台湾交流协会: a body named after two countries carries both
                if zh_code and not _ZH_KEEP_PREFIX.search(rest):
                    reg = reg or ref.partner(rest)
                    name = rest
            if CJK.search(name) and reg is None:
                # "日本国立北海道大学", "国立广岛大学": 国立 (national) before a name the tables know without it
                m_nat = re.match(r"^(?:[\u4e00-\u9fff]{1,5}?)?国立(?P<inner>[\u4e00-\u9fff]{2,}(?:大学|学院))$", name)
                if m_nat and not _ZH_FIELD.search(m_nat.group("inner")[:-2] or "x"):
                    inner = m_nat.group("inner")
                    if ref.partner(inner) is not None or zh_lookup(inner, zh_code) is not None or \
                            self.known.get(inner) is not None:
                        reg = ref.partner(inner)
                        name = inner
            known = self.known.get(name) if reg is None else None
            if reg is None and known is None and CJK.search(name):
                known = zh_lookup(name, zh_code)  # a Chinese name the tables know (zh_orgs.py)
                if known is None:
                    known = jp_registry_name(name, zh_code)  # 长崎外国语大学: a Japanese city and a kind
                reg = ref.partner(known.name) if known is not None else None
                known = None if reg is not None else known
            if reg is None and known is None and not CJK.search(name):
                # "Huawei ICT Academy", "Siemens Digital Industries": a known company's programme or division
                first = name.split()[0]
                k2 = self.known.get(first)
                if k2 is not None and k2.kind == "company" and first in self.known.english:
                    known, e = k2, s + len(first)
            org = self._org_for(name, kind, reg, known)
            if zh_code and not org.country:
                org.country, org.country_method = zh_code, "country written before the name"
            if org.kind is None:
                org.kind = kind
            self._add(org, s, e, "pattern" if reg is None and known is None else
                      "partner registry" if reg is not None else "known Chinese university")
        # 2a. a list of universities by their short names ("universities including Cambridge, Oxford, Warwick,
        # Tokyo and New South Wales"), each the registry's "University of X" or "X University"
        low = text.lower()
        if self.lang != "zh" and ("universities" in low or "institutions" in low or "colleges" in low or "partners" in low):
            self._short_name_lists()
        # 2b. short Chinese names of known universities (哈工大, 北邮), and the known names of
        # those found (acronyms such as HIT count once the full name is in the text)
        if self.lang == "zh" or CJK.search(text):
            for s, e, form, entry in _find_forms(text, self.known.short_zh):
                if self._taken(s, e) or (s > 0 and CJK.match(text[s - 1]) and text[s - 1] not in _ZH_STOP and
                                         text[s - 1] not in "我校与和同"):
                    continue
                self._add(self._org_for(entry.name, entry.kind, None, entry), s, e, "known short name")
        # distinctive acronyms (four letters or more: BUPT, NJUPT, XJTU) name their university alone
        for s, e, form, entry in _find_forms(text, self.known.long_acronyms, words):
            if not self._taken(s, e):
                self._add(self._org_for(entry.name, entry.kind, None, entry), s, e, "known acronym")
        for org in list(self.orgs.values()):
            if org.known is not None and org.mentions:
                for form in [org.known.name, *([org.known.zh] if org.known.zh else []), *org.known.aliases]:
                    self.by_form.setdefault(form, org)
        # 3. bracketed aliases after a name: "(UTS)", "(Hochschule Darmstadt, h_da)"
        for org in list(self.orgs.values()):
            for m in list(org.mentions):
                pm = _PAREN.match(text, m.end)
                if not pm:
                    continue
                for part in re.split(r"[,;，；]|\bor\b", pm["inner"]):
                    part = part.strip()
                    if not part or self.gaz.country(part) or re.fullmatch(r"\d{4}|[\d\s.-]+", part):
                        continue
                    if len(part) > 60 or (not re.search(r"[A-Z]", part) and not CJK.search(part) and
                                          not re.fullmatch(r"[a-z]\w*_\w+", part)):
                        continue
                    ps = pm.start("inner") + pm["inner"].find(part)
                    # a pattern org found inside the brackets is this one
                    # (the mentions starting inside the brackets, by organisation: spans.py)
                    inside: dict[int, list[Mention_]] = {}
                    for x in self._mx.starting_in(pm.start(), pm.end()):
                        inside.setdefault(id(self._owner[id(x)]), []).append(x)
                    near = {id(self._owner[id(xs[0])]): self._owner[id(xs[0])] for xs in inside.values()}
                    defines = _defines_acronym(part, org.name)
                    for other in sorted(near.values(), key=lambda o: self._seq[id(o)]):
                        if other is not org and all(ps <= x.start and x.end <= ps + len(part) + 1
                                                    for x in inside[id(other)]) \
                                and (other.registry is None or (
                                    defines and all(x.text == part for x in other.mentions))):
                            # (a registry's namesake read from the bare acronym gives way to the page's own
                            # definition: "National Taiwan University (NTU)" is not Nanyang's NTU here)
                            keep = (org.country, org.country_method) if other.registry is not None else None
                            self._merge(other, org)
                            if keep is not None:
                                org.country, org.country_method = keep
                    org.aliases.add(part)
                    if defines and self.by_form.get(part) is not org:
                        self.by_form[part] = org  # the page's definition of the acronym wins over any list's
                    self.by_form.setdefault(part, org)
        # 4. every use of every known form (and of short Chinese forms such as 澳大 for 澳门大学: zh_orgs.py)
        if self.lang == "zh":
            for form, org in zh_short_forms(text, [o for o in self.orgs.values() if o.mentions]).items():
                self.by_form.setdefault(form, org)
        forms = {f: o for f, o in self.by_form.items() if len(f) >= 2}
        for s, e, form, org in _find_forms(text, forms):
            if self._taken(s, e):
                continue
            self._add(org, s, e, "alias in document")
        self._link_acronyms()
        self._merge_short_of_place()
        self._merge_reordered()
        self._merge_zh_tails()
        self._merge_college_parents()
        self._merges_and_renames()
        self._decide()
        return [o for o in self.orgs.values() if o.mentions]

    def _short_name_lists(self) -> None:
        text = self.text
        for lm in _SHORT_LIST.finditer(text):
            ss, se = self.lay.sentences[self.lay.sentence_index(lm.start())] if self.lay.sentences else (0, len(text))
            if not _UNIVERSITY_CONTEXT.search(text, max(ss, lm.start() - 80), lm.start()):
                continue  # a list of places or people, not of universities
            if re.search(r"\b(?:Faculties|Schools|Colleges|Departments|Institutes)\s+of\s+(?:the\s+)?$",
                         text[max(ss, lm.start() - 40):lm.start()]) or \
                    re.match(r"(?:\S+\s+)?(?:Faculties|Schools|Colleges|Departments|Institutes)\s+of\b", text[lm.start():lm.end()]):
                continue  # "NTU's Colleges of Law, Social Sciences, and Liberal Arts": the fields of units, not universities
            items = [(m.start(), m.end(), m.group(0)) for m in _LIST_ITEM.finditer(text, lm.start(), lm.end())
                     if m.group(0) not in ("and", "the")]
            found = []
            for a, b, item in items:
                if self._taken(a, b) or self.gaz.country_name(item):
                    continue
                rec = _short_name_university(item)
                if rec is not None:
                    found.append((a, b, rec))
            if len(found) < 2:
                continue  # one name alone is not a list of universities
            for a, b, rec in found:
                org = self._org_for(rec[0], "university", None)
                if org.country is None and rec[1]:
                    org.country, org.country_method = rec[1], "organisation registry"
                self._add(org, a, b, "short name in a list of universities (registry)")

    def _release_inner_zh(self, s: int, e: int) -> bool:
        """A longer known Chinese name [s, e) takes the place of partner-registry names written inside it
        (剑桥大学圣约翰学院 around 剑桥大学): the longest name wins."""
        inner = self._overlapping(s, e)
        # (and non-partner names strictly inside: 外交部驻澳门特派员公署 around 外交部, a name the tables know)
        nps = self._nx.overlapping(s, e)
        if (not inner and not nps) or any(not (s <= m.start and m.end <= e) or (m.start, m.end) == (s, e) or
                                           not CJK.search(m.text) for _, m in inner):
            return False
        if self._hx.overlaps(s, e) or any(not (s <= x[0] and x[1] <= e) or (x[0], x[1]) == (s, e) for x in nps):
            return False
        for o, m in inner:
            self._drop_mention(o, m)
        for x in nps:
            self.non_partner_spans.remove(x)
            self._nx.discard(x[0], x[1], x)
        return True

    def _registry_right(self, s: int, e: int) -> int:
        """The end of a longer name the registry knows that begins with [s, e) and goes on with "of <place>":
        "Minzu University of China", "City University of Macau" (not "Minzu University" located in China)."""
        # (or "in <place>": "The American University in Cairo", "American University in Dubai")
        m = re.match(r"[^\S\n]+(?:of|in)[^\S\n]+(?:the[^\S\n]+)?([A-Z][\w'’-]+(?:[^\S\n]+[A-Z][\w'’-]+){0,2})",
                     self.text[e:e + 60])
        if not m or _known_name(norm(self.text[s:e])) and not re.search(r"\b(?:University|College|Institute)$",
                                                                        self.text[s:e]):
            return e
        words = list(re.finditer(r"[A-Z][\w'’-]+", m.group(1)))
        for w in reversed(words):  # longest first
            end = e + m.start(1) + w.end()
            if _known_name(norm(self.text[s:end])):
                return end
        return e

    def _registry_left(self, s: int, e: int) -> int:
        """The start of a longer name the registry knows that ends with [s, e): "University of" before "Chinese
        Academy of Sciences", "Illawarra Health and" before "Medical Research Institute"."""
        if not _NAME_BEFORE.search(self.text, max(0, s - 40), s):
            return s  # no capitalised word or connector right before: no longer name to look up
        before = self.text[max(0, s - 60):s]
        m = re.search(r"((?:[A-Z][\w'’-]*[^\S\n]+(?:(?:of|and|for|the|&)[^\S\n]+)?){1,5})$", before)
        if not m:
            return s
        words = list(re.finditer(r"[A-Z][\w'’-]*", m.group(1)))
        reg = _registry()
        for w in words:  # longest first
            start = s - len(before) + m.start(1) + w.start()
            if _known_name(norm(self.text[start:e])):
                return start
        return s

    def _release_non_partner(self, s: int, e: int) -> bool:
        """A pattern name [s, e) of another country's body that strictly contains a non-partner name ("Russian
        Ministry of Education and Science" around "Ministry of Education", the Chinese ministry of the list)
        takes its place."""
        near = self._nx.overlapping(s, e)
        inner = [x for x in near if s <= x[0] and x[1] <= e and (x[0], x[1]) != (s, e)]
        if not inner or any(s < x[1] and x[0] < e and x not in inner for x in near):
            return False
        name = self.text[s:e]
        lead = re.match(r"(?:the\s+)?([A-Z][\w'’-]+)", name)
        code = lead and (self.gaz.adjective(lead.group(1)) or self.gaz.country_name(lead.group(1)))
        tail = re.search(r"\bof\s+(?:the\s+)?([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3})$", name)
        code = code or (tail and self.gaz.country_name(tail.group(1)))
        if not code or code == "CN" or self._hx.overlaps(s, e):
            return False
        if self._mx.overlaps(s, e):
            return False
        for x in inner:
            self.non_partner_spans.remove(x)
            self._nx.discard(x[0], x[1], x)
        return True

    def _release_known(self, s: int, e: int) -> bool:
        """A pattern name [s, e) that strictly contains mentions of known companies or bodies (and overlaps
        nothing else) takes their place: 'IEEE Photonics Society' around 'IEEE'."""
        inner = self._overlapping(s, e)
        if not inner or any(m.method != "known organisation" or CJK.search(m.text) or not (s <= m.start and m.end <= e) or
                            (m.start == s and m.end == e) for _, m in inner):
            return False
        if self._hx.overlaps(s, e) or self._nx.overlaps(s, e):
            return False
        for o, m in inner:
            self._drop_mention(o, m)
        return True

    def _merge(self, src: Org, dst: Org) -> None:
        if src is dst:
            return
        starts = {x.start for x in dst.mentions}
        for m in src.mentions:
            if m.start not in starts:
                dst.mentions.append(m)
                starts.add(m.start)
                self._owner[id(m)] = dst
            else:
                self._mx.discard(m.start, m.end, m)
                self._owner.pop(id(m), None)
        dst.aliases |= src.aliases
        if dst.country is None and src.country:
            dst.country, dst.country_method = src.country, src.country_method
        for f, o in list(self.by_form.items()):
            if o is src:
                self.by_form[f] = dst
        src.mentions = []

    def _merge_zh_tails(self) -> None:
        """'伦敦玛丽女王大学' and '玛丽女王大学' are one university when the longer name is the shorter one
        with a place or country written before it."""
        orgs = [o for o in self.orgs.values() if o.mentions and CJK.search(o.name)]
        for a in orgs:
            for b in orgs:
                if a is b or not a.mentions or not b.mentions or b.registry is not None or b.known is not None:
                    continue
                if len(b.name) >= 4 and a.name.endswith(b.name):
                    head = a.name[: -len(b.name)]
                    if head and (self.gaz.zh_place(head) or self.gaz.country(head)):
                        self._merge(b, a)
                        continue
                if _zh_abbreviation(b.name, a.name):
                    self._merge(b, a)  # 马普学会 for 马克斯·普朗克学会
                    continue
                lat = re.match(r"[A-Za-z][A-Za-z'’\- ]*(?=[\u4e00-\u9fff])", b.name)
                if lat and a.name.startswith(lat.group(0)) and len(a.name) > len(b.name) and \
                        b.name[len(lat.group(0)):] in ("大学", "学院") and a.name.endswith(b.name[-2:]):
                    self._merge(b, a)  # Kufstein大学 for Kufstein应用科学大学: the same university, named short

    def _merge_college_parents(self) -> None:
        """A college of a collegiate university ("St John's College, University of Cambridge") and, in the same
        text, its university named alone: the university stands for the college (剑桥大学代表 after 剑桥大学圣约翰学院)."""
        orgs = [o for o in self.orgs.values() if o.mentions]
        for c in orgs:
            cm = re.match(r".+?,\s+(?:the\s+)?(University\s+of\s+\w+)$", c.name)
            if not cm:
                continue
            for p in orgs:
                if p is not c and p.mentions and norm(p.name) == norm(cm.group(1)):
                    self._merge(p, c)

    def _merge_short_of_place(self) -> None:
        """'St. Joseph University' and 'St. Joseph University of Pennsylvania' on one page are one university: the
        shorter name is the longer one without its place (not a registry namesake elsewhere)."""
        orgs = [o for o in self.orgs.values() if o.mentions and not CJK.search(o.name)]
        for b in orgs:
            m = re.match(r"(.+?\b(?:University|College|Institute))\s+of\s+(?:the\s+)?([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)$",
                         b.name)
            if not m or not (self.gaz.place(m.group(2)) or self.gaz.country_name(m.group(2))):
                continue
            for a in orgs:
                if a is not b and a.mentions and norm(a.name) == norm(m.group(1)):
                    keep = (b.country, b.country_method)
                    self._merge(a, b)
                    if keep[0] or a.registry is not None:
                        b.country, b.country_method = keep  # (not a namesake's country: Beirut's St. Joseph)
                    b.aliases.discard(a.name)  # (nor the registry's reading of the short name)

    def _merge_reordered(self) -> None:
        """'Opole University' and 'University of Opole' on one page are one university: the same place word before the
        head or after "of", both names of one record of the registry (not 'Washington University' and 'University of
        Washington', two universities). The office's partner entry, else the "University of X" form, is kept."""
        orgs = [o for o in self.orgs.values() if o.mentions and not CJK.search(o.name)]
        of_form = {}
        for o in orgs:
            m = re.fullmatch(r"(?:[Tt]he\s+)?University\s+of\s+([A-Z][\w'’-]+)", o.name)
            if m:
                of_form[m.group(1)] = o
        if not of_form:
            return
        for o in orgs:
            m = re.fullmatch(r"(?:[Tt]he\s+)?([A-Z][\w'’-]+)\s+University", o.name)
            other = of_form.get(m.group(1)) if m else None
            if other is None or other is o or not o.mentions or not other.mentions or \
                    (self.gaz.place(m.group(1)) is None and self.gaz.country_name(m.group(1)) is None):
                continue
            a = {(r.name, r.country) for r in _registry().by_name(o.name)}
            b = {(r.name, r.country) for r in _registry().by_name(other.name)}
            if not a or a != b or len(a) != 1:
                continue  # not one record of the registry under both names ('Washington University' is not the
                # University of Washington)
            if o.registry is not None and other.registry is None:
                self._merge(other, o)
            else:
                self._merge(o, other)

    def _link_acronyms(self) -> None:
        """'BAIC Group' and 'Beijing Automotive Industry Holding Co., Ltd.' are one company
        when the short name's acronym is the long name's initials."""
        orgs = [o for o in self.orgs.values() if o.mentions]
        for a in orgs:
            acr = re.match(r"^([A-Z]{2,6})\b", a.name)
            if not acr or a.kind != "company":
                continue  # companies only: "CUMT Sun Yueqi Honors College" is a unit of CUMT, not CUMT
            for b in orgs:
                if b is a or not b.mentions:
                    continue
                words = [w for w in re.findall(r"[A-Z][\w'’-]*", b.name)
                         if w.lower() not in ("holding", "holdings", "group", "ltd", "limited", "inc", "the")]
                initials = "".join(w[0] for w in words)
                if initials and initials.startswith(acr.group(1)) and len(acr.group(1)) >= 3 and b.registry is None:
                    self._merge(b, a)

    def _merges_and_renames(self) -> None:
        """'X was established by merging A and B': A and B resolve to X.
        'X, known as A before 2023': A is X's former name."""
        if not any(p.may_match(self.text) if isinstance(p, Prefiltered) else True for p in (_MERGE, _FORMER_NAME)):
            return  # (a text without the words either cue needs has no sentence with them: fastre.Prefiltered)
        for (ss, se) in self.lay.sentences:
            sent = self.text[ss:se]
            mm = _MERGE.search(sent)
            fm = _FORMER_NAME.search(sent)
            if not mm and not fm:
                continue
            cue = mm or fm
            found = [(m.start, self._owner[id(m)]) for m in self._mx.starting_in(ss, se)]
            if len({p for p, _ in found}) == len(found):
                in_sent = sorted(found, key=lambda x: x[0])
            else:  # two mentions at one place: in the organisations' order
                in_sent = sorted(((m.start, o) for o in self.orgs.values() if o.mentions for m in o.mentions
                                  if ss <= m.start < se), key=lambda x: x[0])
            before = [o for p, o in in_sent if p < ss + cue.start()]
            if not before:
                continue
            new = before[-1]  # the organisation the clause is about: the nearest one before the cue
            # the clause of the cue: a former name is the one name right after it ("X (formerly Y), Z and W"),
            # merged predecessors run to the end of the clause (a bracket, a semicolon)
            cs = ss + cue.end()
            end_m = re.search(r"[);]|,\s+(?:which|who|and\s+the|while)\b", self.text[cs:se])
            ce = cs + end_m.start() if end_m else se
            after = [o for p, o in in_sent if cs <= p < ce]
            if cue is fm and not mm:
                after = after[:1] if after and not re.search(r"[,;)]", self.text[cs:min(p for p, o in in_sent
                                                                                      if o is after[0] and p >= cs)])\
                    else []
            for o in after:
                if o is not new:
                    o.reason = f"merged into or renamed {new.name}"
                    self._merge(o, new)

    # -- deciding -------------------------------------------------------------------------------
    def _excluded_context(self, m: Mention_) -> str | None:
        text = self.text
        si = self.lay.sentence_index(m.start)
        ss = self.lay.sentences[si][0] if self.lay.sentences else 0
        before = text[max(ss, m.start - 200):m.start]
        after = text[m.end:m.end + 40]
        sent = text[ss:self.lay.sentences[si][1]] if self.lay.sentences else ""
        if _FUNDER_BEFORE.search(before) or _FUNDER_BEFORE_ZH.search(before) and _FUNDER_AFTER_ZH.search(after) or \
                self.lang != "zh" and _GRANT_BEFORE.search(before):
            return "funder (funded/sponsored/administered by)"
        if self.lang != "zh" and _HONOUR_BEFORE.search(before) and re.search(r"\b(?:Academ(?:y|ies)|Society)\b", m.text):
            return "a person's honour (academician or fellow of an academy or society)"
        if _MEMBER_OF.search(before) or _MEMBER_AFTER_ZH.match(after) or (
                re.search(r"\b(?:a|an)\s+$", before) and
                re.match(r"\s+(?:member\s+)?(?:universit(?:y|ies)|institutions?|members?)\b", after)):
            return "a network the institutions belong to (members of; 'a Russell Group university')"
        if _PLANNED_BEFORE.search(before):
            return "a body still to be set up (plans to establish X)"
        if _VENUE_BEFORE.search(before) and not _UNIT_ORGANISER.search(text):
            # (but an event a faculty or department organised is held at its own university: "… was held at X. The
            # event was organised by the Kyrgyz-Chinese Faculty …")
            return "the venue of an event others organised (held at X)"
        if self.lang != "zh" and _RANKED_IN.search(before):
            return "a ranking or standing (ranks first in X, ranked by Y)"
        if _ALMA_BEFORE.search(before) or _ALMA_BEFORE_ZH.search(before) or re.match(r"^\s*毕业", after):
            return "alma mater"
        if self.lang != "zh" and (_DESTINATION_BEFORE.search(before) or _DESTINATION_AFTER.match(after)):
            return "where graduates go on to study (offers, admission letters from; further study at)"
        if (_FORMER_BEFORE.search(before) and _PAST_CUE.search(sent)) or _FORMER_POST.search(before) or \
                (_AS_POST.search(before) and re.match(r"\s*,?\s*before\b", after)):
            return "former employer"
        if self.lang == "zh":
            why = zh_affiliation(text, m.start, m.end)  # 系哈佛大学博士，曾任X教授 … (zh_orgs.py)
            if why:
                return why
            if zh_venue(text, m.start, m.end, ((x.start, x.end) for o in self.orgs.values() for x in o.mentions)):
                return "the venue of others' meeting (A与B在X举办)"
        if re.search(r"(?:之前|以前|此前)", after[:12]) and re.search(r"加入", before[-6:]):
            return None  # 加入X之前: X is the current employer
        return None

    def _decide(self) -> None:
        text = self.text
        for org in self.orgs.values():
            if not org.mentions:
                continue
            name = org.name
            if self.lang != "zh" and org.registry is None and org.known is None and self.gaz.country_name(name):
                org.status, org.reason = "non_partner", "a country's name (a place, no organisation)"
                continue
            np = self.ref.non_partner(name)
            if np is not None and self.lang == "zh" and org.kind == "government" and \
                    self.gaz.zh_prefix(name)[0] not in (None, "CN", "HK", "MO", "TW"):
                np = None  # 爱尔兰科克市政府: a foreign city's government, not one of China's bodies the list means
            if np is not None:
                org.status, org.reason = "non_partner", f"non-partner list: {np.category}"
                continue
            # Chinese government bodies, ministries of China
            # (missions are not: embassies, consulates, the Foreign Ministry's commissioner's offices in Hong Kong and Macao)
            if org.kind == "government" and not re.search(r"Embassy|Consulate|Office of the Commissioner|大使馆|领事馆", name):
                c = self._country(org) or ""
                if c in ("CN", "") or re.search(r"Beijing|China|Chinese|Municipal|Provincial", name):
                    org.status, org.reason = "non_partner", "Chinese government body"
                    continue
            # a unit written with its owner's possessive: "UM's Choi Kai Yau College", "Tongji University's Guohao
            # College" (the owner decides: the home's unit, or a partner's)
            if org.registry is None and org.known is None and org.kind in ("university", "institute", "other"):
                om = next((m2 for m in org.mentions for m2 in [_OWNER_BEFORE.search(text, max(0, m.start - 80), m.start)]
                           if m2), None)
                if om:
                    org.status, org.reason, org.owner = "subunit", f"a unit of {om.group(1)}", om.group(1)
                    continue
            # an institute or college "of <a university>" ("the MSU Institute of Nanjing Agricultural University")
            if org.registry is None and org.known is None and re.search(r"\b(?:Institute|College|School|Academy|Centre|Center)$",
                                                                        name):
                owner = self._university_after(org)
                if owner is not None:
                    org.status, org.reason, org.owner = "subunit", f"a unit of {owner.name}", owner.name
                    continue
            # a partner's sub-unit: "Institute for X of <org>"
            first = org.first
            if org.registry is None and _SUBUNIT.match(name) and re.match(r"\s+of\s+(?:the\s+)?[A-Z]", text[first.end:first.end + 8]):
                org.status, org.reason = "subunit", "a unit of another organisation"
                continue
            if self.lang == "zh" and org.registry is None and org.known is None and all(
                    possessed_by(text, m.start, ((x.start, x.end, "") for o in self.orgs.values() if o is not org
                                                 for x in o.mentions)) for m in org.mentions):
                org.status, org.reason = "subunit", "a unit of another organisation (X的…)"
                continue
            # (an acronym in brackets right after the name shares the name's context: "academician of the X (XAS)")
            # (by the mentions' ends: a scan of every pair made long texts quadratic)
            ends = {p.end for p in org.mentions}
            ms = [m for m in org.mentions if not _after_own_mention(text, m.start, ends)]
            reasons = [self._excluded_context(m) for m in ms or org.mentions]
            if all(reasons):
                org.status, org.reason = "non_partner", reasons[0]
                continue
            why = self._in_passing(org) if self.lang != "zh" else None
            if why:
                org.status, org.reason = "non_partner", why
                continue
            if org.registry is not None and norm(org.registry.name) in {norm(f) for f in self.ref.home_forms()}:
                org.status, org.reason = "home", "home institution"
                continue
            self._country(org)
            if org.kind is None:
                org.kind = "other"

    def _in_passing(self, org: Org) -> str | None:
        """Why every mention of ``org`` names it in passing, not as one the home works with (or None):
        - a company in a list of three names or more ("certified training centre of A, B, C, D etc.") in a sentence
          that says nothing of working together;
        - an organisation named as the post of a person the sentence counts among a university's graduates
          ("the president of X Group, Y, is one of its alumni");
        - a laboratory or centre named only as the post of a delegation's member ("The delegation included …, Deputy
          Director of the X Laboratory Prof. Y"): a unit of the person's university."""
        text = self.text
        ms = org.mentions
        if not ms:
            return None

        def at(m: Mention_) -> int:  # where the name starts after a leading "the"
            lm = re.match(r"[Tt]he\s+", m.text)
            return m.start + (lm.end() if lm else 0)

        def sentence(m: Mention_) -> str:
            if not self.lay.sentences:
                return text
            ss, se = self.lay.sentences[self.lay.sentence_index(m.start)]
            return text[ss:se]

        if org.kind == "company" and all(
                not _WORKING_TOGETHER.search(sentence(m)) and _in_name_list(text, m.start, m.end) for m in ms):
            return "a company in a list named in passing (no work together said)"
        if all(_ALUMNI.search(sentence(m)) and _POST_OF.search(text, max(0, at(m) - 40), at(m)) and
               not _WORKING_TOGETHER.search(sentence(m)) for m in ms):
            return "the employer of a graduate the page names"
        if org.registry is None and org.known is None and re.search(r"\b(?:Laborator(?:y|ies)|Lab|Cent(?:re|er))$", org.name) and \
                all(_POST_OF.search(text, max(0, at(m) - 40), at(m)) and _MEMBERS.search(sentence(m)) for m in ms):
            return "a laboratory or centre named only as the post of a delegation's member"
        return None

    def _university_after(self, org: Org) -> Org | None:
        """The university named right after a mention of ``org`` by "of"/"at" ("… Institute of Nanjing
        Agricultural University"), if any."""
        for m in org.mentions:
            om = re.match(r"[^\S\n]+(?:of|at)[^\S\n]+(?:the[^\S\n]+)?", self.text[m.end:m.end + 12])
            if not om:
                continue
            at = m.end + om.end()
            there = [self._owner[id(x)] for x in self._mx.starting_in(at, at + 1)]
            for o in sorted(there, key=lambda o: self._seq[id(o)]):
                if o is not org and o.kind == "university":
                    return o
        return None

    def list_countries(self, orgs: list[Org]) -> None:
        """Universities listed together in one sentence share a country when every listed one whose country is
        known has the same and at least two do ("… from Hannover University of Applied Sciences, Jade University
        of Applied Sciences and Luebeck University of Applied Sciences"): the others get it."""
        by_sent: dict[int, list[Org]] = {}
        for o in orgs:
            if o.status != "partner" or not o.mentions or o.kind not in ("university", "institute"):
                continue
            for si in {self.lay.sentence_index(m.start) for m in o.mentions}:
                by_sent.setdefault(si, []).append(o)
        for si, orgs in by_sent.items():
            known = {o.country for o in orgs if o.country}
            if len(known) != 1 or sum(1 for o in orgs if o.country) < 2:
                continue
            code = known.pop()
            for o in orgs:
                if o.country is None:
                    o.country, o.country_method = code, "the country of the names listed with it"

    def _country(self, org: Org) -> str | None:
        if org.country:
            return org.country
        text, gaz = self.text, self.gaz
        # 0. an embassy or consulate belongs to the country that sends it ("Embassy of the Islamic Republic of
        # Pakistan in China", "Royal Thai Embassy", "Consulate General of Italy in Shanghai"), not where it is
        code = _sending_country(org.name, gaz)
        if code:
            org.country, org.country_method = code, "the country an embassy or consulate represents"
            return code
        if org.kind == "other" and re.search(r"\b(?:Alliance|Consortium)$", org.name):
            # an alliance or consortium: the first place its name writes ("Sino-" is China), else none
            for w in re.findall(r"Sino(?=-)|[A-Z][\w'’]+(?:\s+[A-Z][\w'’]+)?", org.name):
                code = "CN" if w == "Sino" else (gaz.country_name(w) or gaz.place(w) or gaz.adjective(w) or
                                                  gaz.place(w.split()[0]))
                if code:
                    org.country, org.country_method = code, f"first place in the alliance's name: {w!r}"
                    return code
            return None
        # 0b. a campus abroad: "the Dubai campus of X" is where it stands, whatever the registry says of X
        for m in sorted(org.mentions, key=lambda x: x.start):
            cm = _CAMPUS_OF.search(text, max(0, m.start - 60), m.start)
            code = cm and (gaz.country_name(cm.group(1)) or gaz.place(cm.group(1)))
            if code:
                org.country, org.country_method = code, f"a campus in {cm.group(1)!r}"
                return code
        # 1. right after a mention
        for m in sorted(org.mentions, key=lambda x: x.start):
            after = text[m.end:m.end + 80]
            after = _PAREN.sub("", after, count=1) if _PAREN.match(after) else after
            cm = re.match(r"^\s*(?:,\s*|\s+(?:of|in|from|at)\s+)(?:the\s+)?([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3})",
                          after)
            if cm and self._in_org(m.end + cm.start(1) + (len(text[m.end:m.end + 80]) - len(after))):
                cm = None  # ", Lodz University of Technology": the next name in a list
            if cm:
                words = cm.group(1).split()
                for n in range(len(words), 0, -1):
                    cand = " ".join(words[:n])
                    code = gaz.country_name(cand) or gaz.place(cand)
                    if code and any(_head_kind(w) or w.lower() in ("center", "centre") for w in words[n:]):
                        break  # ", China Research Communication Center": the next name in a list starts with a place
                    if code and not gaz.country_name(cand) and re.match(r"^\s*,\s*the\s", after):
                        break  # ", the Blue Mountains … School": the next item of a list (a town takes no "the")
                    if code:
                        if not gaz.country_name(cand):
                            tail = after[cm.start(1) + len(cand):]
                            m2 = re.match(r"^,\s*(?:the\s+)?([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})", tail)
                            if m2 and gaz.country_name(m2.group(1)):
                                code = gaz.country_name(m2.group(1))
                        org.country, org.country_method = code, f"text after the name: {cand!r}"
                        return code
            pm = re.match(r"^\s*[(（]\s*([^()（）]{2,30})\s*[)）]", text[m.end:m.end + 40])
            if pm and gaz.country_name(pm.group(1)):
                org.country, org.country_method = gaz.country_name(pm.group(1)), "bracket after the name"
                return org.country
            # a campus or town, then the country: "St Mary's University, Twickenham, UK", "X, Lahti (Finland)"
            pm = _TOWN_THEN_COUNTRY.match(text, m.end, min(len(text), m.end + 60))
            if pm and gaz.country_name(pm.group(1)) and not self._in_org(pm.start(1)):
                org.country, org.country_method = gaz.country_name(pm.group(1)), "country after the name's town"
                return org.country
            if CJK.search(m.text):
                code, _ = gaz.zh_prefix(m.text)
                if code is None:
                    before = text[max(0, m.start - 6):m.start]
                    hits = gaz.find_zh_countries(before)
                    if hits and hits[-1][1] == len(before):
                        code = hits[-1][2]
                if code:
                    org.country, org.country_method = code, "country written before the name"
                    return code
        # 1b. an organisation the registry or world list knows by this exact name ("World Maritime University" → SE)
        world = load_world_universities()
        for form in sorted(org.aliases | {org.name}, key=len, reverse=True):
            code = world.get(norm(form))
            if code == "US" and _FOREIGN_HEAD.search(form) and not world.registry.by_norm(norm(form)):
                code = None  # the domain list's US is a ".edu" address, not a country ("Universitas Pendidikan
                # Indonesia" at upi.edu): the name's own place decides
            if code:
                org.country, org.country_method = code, "organisation registry"
                if org.kind in (None, "institute", "other") and world.kind(norm(form)) == "university":
                    org.kind = "university"  # "Karolinska Institutet" is a university
                return code
        # 2. a place inside the name (longest first: "British Columbia" before "British")
        for form in sorted(org.aliases, key=len, reverse=True):
            if CJK.search(form):
                code, _ = gaz.zh_prefix(form)
                if code:
                    org.country, org.country_method = code, "country in the name"
                    return code
                for n in range(min(6, len(form) - 2), 1, -1):
                    code = gaz.zh_place(form[:n])
                    if code:
                        org.country, org.country_method = code, f"place in the name: {form[:n]!r}"
                        return code
                continue
            # ("St. Petersburg" is "Saint Petersburg": read whole, not as Petersburg, Virginia)
            words = re.findall(r"[A-Z\u00C0-\u017F][\w\u00C0-\u024F'’-]*", re.sub(r"\bSt\.?\s+(?=[A-Z])", "Saint ", form))
            best = None
            for n in (3, 2, 1):
                for i in range(len(words) - n + 1):
                    cand = " ".join(words[i:i + n])
                    if _head_kind(words[i]) or _head_kind(words[i + n - 1]):
                        continue
                    code = gaz.country_name(cand) or gaz.place(cand)
                    kind = "place"
                    if not code and n == 1:
                        code, kind = gaz.adjective(cand), "adjective"
                    if code:
                        best = (code, cand)
                        break
                if best:
                    break
            if best:
                org.country, org.country_method = best[0], f"place in the name: {best[1]!r}"
                return best[0]
        # 3. an appositive adjective ("Siemens, the German technology company")
        for m in org.mentions:
            am = re.match(r",\s+(?:a|an|the)\s+((?:[\w-]+\s+){0,3}?)(?:company|corporation|firm|enterprise|group)",
                          text[m.end:m.end + 80])
            if am:
                for w in am.group(1).split():
                    code = gaz.adjective(w) or gaz.country_name(w)
                    if code:
                        org.country, org.country_method = code, f"appositive: {w!r}"
                        return code
        # 4. a place named in the sentence, then in the paragraph ("In Sydney, the delegation …")
        for m in sorted(org.mentions, key=lambda x: x.start):
            si = self.lay.sentence_index(m.start)
            ss, se = self.lay.sentences[si]
            code = self._place_in(ss, se, exclude=org)
            if code:
                org.country, org.country_method = code, "place in the sentence"
                return code
        for m in sorted(org.mentions, key=lambda x: x.start):
            pi = self.lay.sentence_par[self.lay.sentence_index(m.start)]
            if pi < 0:
                continue
            ps, pe = self.lay.paragraphs[pi]
            pm = re.match(r"\s*(?:In\s+([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?),|在([\u4e00-\u9fff]{2,6})[，,])",
                          self.text[ps:pe])
            if pm:
                pl = pm.group(1) or pm.group(2)
                code = self.gaz.place(pl) or self.gaz.country_name(pl) or self.gaz.zh_place(pl)
                if code and code != "CN":
                    org.country, org.country_method = code, f"paragraph set in {pl!r}"
                    return code
        return None

    def _in_org(self, pos: int) -> bool:
        return any(m.start <= pos < m.end for m in self._mx.at(pos))

    def _place_in(self, s: int, e: int, exclude: Org) -> str | None:
        text = self.text
        for pm in re.finditer(r"\b(?:in|to|at)\s+(?:the\s+)?([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)", text[s:e]):
            ps = s + pm.start(1)
            if self._in_org(ps):
                continue
            name = pm.group(1)
            code = self.gaz.country_name(name) or self.gaz.place(name) or self.gaz.place(name.split()[0])
            if code and code != "CN":
                return code
        return None


# the scans of this module that open with \b, a look-behind or a capital, faster with the same matches
# (fastre.py)
(_SEQ, _TOKEN, _ALMA_BEFORE, _FORMER_NAME, _MERGE, _FUNDER_BEFORE, _FORMER_BEFORE, _DESTINATION_BEFORE,
 _VENUE_BEFORE, _MEMBER_OF, _MISSION, _UNIVERSITY_CONTEXT, _UNIVERSITY_INSTITUTES, _PAST_CUE, _OWNER_BEFORE) = (
    guarded(p) for p in (_SEQ, _TOKEN, _ALMA_BEFORE, _FORMER_NAME, _MERGE, _FUNDER_BEFORE, _FORMER_BEFORE,
                         _DESTINATION_BEFORE, _VENUE_BEFORE, _MEMBER_OF, _MISSION,
                         _UNIVERSITY_CONTEXT, _UNIVERSITY_INSTITUTES, _PAST_CUE, _OWNER_BEFORE))
# the company appositive and three tests of a name's context: skipped where the text holds none of the words a match
# needs (fastre.py)
_APPOSITIVE_COMPANY, _FORMER_NAME, _MERGE, _ALMA_BEFORE = (
    prefiltered(p) for p in (_APPOSITIVE_COMPANY, _FORMER_NAME, _MERGE, _ALMA_BEFORE))


# more of this module's scans that open with \b, a look-behind or a repeated set, faster with the same matches
# (fastre.py)
(_HONOUR_BEFORE, _PLANNED_BEFORE, _GRANT_BEFORE, _RANKED_IN, _FUNDER_BEFORE_ZH, _FORMER_POST, _POSSESSIVE, _AS_POST,
 _ALUMNI, _CENTRE_NAME) = (
    guarded(p) for p in (_HONOUR_BEFORE, _PLANNED_BEFORE, _GRANT_BEFORE, _RANKED_IN, _FUNDER_BEFORE_ZH, _FORMER_POST,
                         _POSSESSIVE, _AS_POST, _ALUMNI, _CENTRE_NAME))
