"""The home institution's schools and offices named in a text.

Two sources, combined:
- the reference list (names, aliases such as "SEM" or "the Computer School", Chinese names
  such as 计算机学院), matched as written;
- unit phrases by pattern: "School of X", "College of X", "Faculty of X", "X School",
  "Office of X", "X Office", "X Department", "Graduate School"; Chinese "X学院", "X处",
  "研究生院". A phrase resolves to the reference list by name, alias or a close spelling;
  without a list (or in another university's news) it is kept under the text's own name.

Never a home unit:
- a partner's unit: a phrase followed by "of/at <organisation>" ("School of Computing of
  DCU", "the Faculty of Computing and the Faculty of Electrical Engineering of UTM"),
  preceded by a partner's name ("UTS Business School", 汉阳大学工学院);
- a shorter name inside a longer one (理学院 inside 经济管理学院, "Graduate School" inside
  "Graduate School of Engineering");
- the units of the partner's people, where the text gives no owner: in a paragraph that opens at a
  partner ("At the University of Leeds, …"), among the people a delegation met with after a partner is
  named, among the members of a partner's delegation ("The delegation included …"), of people who then
  name the home as the other party ("… cooperate with <home>"), of someone called by another nation's
  side ("British representative X (Director of …)"), and the next items of a list a partner's unit opens;
- an "X School" or "X College" named in a list between other institutions.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from etl.extract.fastre import guarded
from etl.extract.spans import SpanIndex
from etl.extract.text import PLANNED_VERB, Layout
from etl.extract.zh_units import ZH_OK_BEFORE as _ZH_OK_BEFORE, find_zh_units
from etl.resolve.reference import Reference, UnitRef, norm

CJK = re.compile(r"[\u4e00-\u9fff]")
_CAP = r"[A-Z][\w'’\-]*"
_CONN = r"(?:of|and|for|the|&|in)"
_UNIT_HEADS = r"(?:School|College|Faculty|Department|Office|Division|Directorate|Institute|Academy|Centre|Center|Dean|Director|Prof)\b"
# a person's title ends a unit's name ("School of Humanities Associate Professor Kerry Taylor", "Faculty of Arts Dr X")
_TITLE_STOP = r"(?:(?:Associate|Assistant|Adjunct|Visiting|Emeritus)[ \t]+)?(?:Professor|Prof|Dr|Mr|Ms|Mrs|Sir|Madam|Dame|Acting)\b"
_NAMEWORDS = rf"{_CAP}(?:[ \t]+(?!and[ \t]+the\b)(?:{_CONN}[ \t]+)*(?!(?:{_CAP}[ \t]+){{0,3}}{_UNIT_HEADS}|The\b|Dr\.|Vice\b|{_TITLE_STOP}){_CAP})*"
_PROGRAMME_UNITS = re.compile(r"\b(?:Summer|Winter|Spring|Autumn|Sunday|High|Middle|Primary)\s+School\b|"
                              r"^(?:a|an|the)?\s*Business\s+School$", re.I)
# a government body, not a university's unit: "Shaanxi Provincial Department of Education", "U.S. Department of State"
_GOVERNMENT_BEFORE = re.compile(r"(?:\b(?:Provincial|Municipal|Ministry|Government|Federal|National|State|County|City)|"
                                r"\bU\.\s?S\.|\bUS|\bUK|\bEU)\s*$")
_INSTITUTION_WORDS = {"and", "&", "of", "college", "school", "university", "institute", "vocational", "technical", "polytechnic",
                      "normal", "teachers", "medical", "foreign", "languages", "language", "business", "management", "art",
                      "arts", "industrial", "professional", "science", "technology", "engineering", "international"}
_CREDIT_LINE = re.compile(r"[ \t(]*(?:Source|Editor|Edited\s+by|Translator|Translated\s+by|Reporter|Photos?|Author|"
                          r"Contributed\s+by|Written\s+by|Proofread\w*|Media\s+Contact)\b", re.I)
_VENUE_IN_NAME = re.compile(r"\b(?:Lecture[ \t]+(?:Theatre|Theater|Hall|Room)|Auditorium|Conference[ \t]+(?:Room|Hall)|"
                            r"Meeting[ \t]+Room|Seminar[ \t]+Room|Building|Hall)s?\b(?:[ \t]+(?:[IVX]+|\d+[A-Za-z]?))?$")
_YOUTH_LEAGUE = re.compile(r"\b(?:(?:Communist\s+)?Youth\s+League\s+Committee|University\s+Youth\s+League)\b")
_UNIT_EN = re.compile(
    rf"(?:(?P<pre>(?:{_CAP}[ \t]+){{0,3}}?)(?P<head>School|College|Faculty|Department|Institute|Academy|Office|Division|"
    rf"Directorate(?![ \t]+General)|"
    rf"Centre|Center)[ \t]+(?:of|for)[ \t]+(?P<of>(?!(?:School|College|Faculty|Department|Office)\b){_NAMEWORDS}))"
    rf"|(?:(?P<pre2>(?:{_CAP}[’']?s?[ \t]+(?:(?:and|&)[ \t]+(?={_CAP}[ \t]+(?:{_CAP}[ \t]+)?(?:Office|Department|"
    rf"Division|School|College)\b))?){{1,5}}?)(?P<head2>School|College|Office|Department|Division|Directorate|Centre|Center|Institute|Faculty)\b)")
# a department that teaches (a school) rather than administers (an office)
_ACADEMIC = re.compile(r"\b(?:Language|Languages|Literature|Linguistics|Philology|Studies|Physics|Chemistry|Mathematics|Biology|History|"
                       r"Philosophy|Architecture|Design|Engineering|Sciences?|Law|Economics|Arts|Music|Medicine|Nursing|"
                       r"Computing|Computer|Education|Psychology|Sociology|Geography|Humanities)\b")
_ADMIN = re.compile(r"\b(?:International|Cooperation|Co-operation|Exchanges?|Affairs|Personnel|Human\s+Resources|Finance|"
                    r"Financial|Training|Management|Admissions?|Administration|Development|Planning|Relations|Partnerships|"
                    r"Research\s+Management|Scientific\s+Research|Student|Students)\b")
_PERSON_ROLE_AFTER = re.compile(r",\s*(?:a\s+|the\s+)?(?:associate\s+|assistant\s+|vice\s+|deputy\s+)?(?:professor|dean|director|"
                                r"lecturer|head|chair|president|secretary|researcher|teacher)\b", re.I)
_PERSON_TITLE = r"(?:Professor|Prof|Dr|Mr|Ms|Mrs|Dean|Director|President|Vice|Deputy|Head|Associate|Assistant)\b"
_LIST_IN_NAME = re.compile(rf",[ \t]+(?:(?!{_PERSON_TITLE})[A-Z][\w'’-]*[ \t]+){{0,3}}?[A-Z][\w'’-]*[ \t]+(?:and|&)[ \t]+"
                           rf"[A-Z][\w'’-]*(?:[ \t]+(?:(?!{_PERSON_TITLE})[A-Z][\w'’-]*|and|of))*?"
                           rf"(?=[ \t]*[,.;:)]|[ \t]+(?:[a-z]|and[ \t]+the\b|{_PERSON_TITLE})|$)")
_PLURAL_UNITS = re.compile(r"\b(?P<head>Faculties|Schools|Colleges|Departments)[ \t]+of[ \t]+(?P<list>[A-Z][\w'’-]*"
                           r"(?:[ \t]+[A-Z][\w'’-]*)*(?:,[ \t]+[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*)*)*,?[ \t]+and[ \t]+"
                           r"[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*)*)")
_TITLE_WORDS = {"dean", "director", "vice", "deputy", "head", "president", "the", "a", "an", "of", "and", "at", "in",
                "pro", "vice-chancellor", "vice-president", "vice-rector", "chancellor", "rector", "provost", "acting",
                "from", "by", "with", "to", "for", "on", "prof", "professor", "dr", "mr", "ms", "secretary",
                "representatives", "representative", "staff", "teachers", "students", "student", "this", "that",
                "both", "each", "all", "its", "his", "her", "their", "our", "under", "after", "before", "invited",
                "during", "since", "when", "relevant", "responsible"}
# a sentence that opens at a partner or with its people: "At the University of Milan, …", "During the visit to X, …",
# "Representatives of X who joined the ceremony included …"
_PARTNER_OPENING = re.compile(r"\s*(?:At|During\s+(?:the|his|her|their|our)\s+visit\s+to|"
                              r"(?:The\s+)?(?:Representatives?|Delegates?|Members?|Guests?|Leaders?)\s+(?:of|from))\s+"
                              r"(?:the\s+)?(?=[A-Z])")


# the people a delegation meets: "… met with", "held talks with", "was received by"
_MET_WITH = re.compile(r"\b(?:met|meets|meet|meeting)(?:\s+with)?\s+(?=the\b|[A-Z])|\b(?:held|had|hold|holds)\s+(?:talks|a\s+meeting|"
                       r"(?:a\s+)?discussions?)\s+with\s+|\b(?:was|were)\s+(?:warmly\s+)?(?:received|welcomed|greeted)\s+by\s+")
# the home named as the other party: "… cooperation with <home>", "… visited <home>", "… a visit to <home>"
_OTHER_PARTY_BEFORE = re.compile(r"\b(?:with|visit(?:ed|ing|s)?|visit\s+to|came\s+to|arrived\s+at)\s+(?:the\s+)?$", re.I)
# a person called by a nation's side: "British representative", "the Korean delegates", "the French side"
_NATION_SIDE = re.compile(r"\b([A-Z][a-z]{3,})\s+(?:representatives?|delegates?|delegation|side|guests?|counterparts?)\b")
# the home's side joins the meeting: "accompanied by", "together with", "… attended"
_HOME_SIDE = re.compile(r";|\b(?:accompanied|together\s+with|along\s+with|attended|attending|joined|present|introduced|"
                        r"on\s+behalf|while|whereas|as\s+well\s+as)\b", re.I)
# a sentence that lists a delegation's members, and the delegation named before with its organisation
_DELEGATION_MEMBERS = re.compile(r"\s*(?:(?:The|This|That|Their|His|Her)\s+(?:visiting\s+)?(?:delegation|group|team)\s+(?:also\s+)?"
                                 r"(?:included|includes|comprised|consisted\s+of|was\s+made\s+up\s+of|was\s+composed\s+of)|"
                                 r"(?:Other\s+)?Members\s+of\s+the\s+(?:visiting\s+)?(?:delegation|group|team)\s+(?:included|were|are))\b")
_DELEGATION_WORD = re.compile(r"\b(?:delegation|group\s+of\s+(?:\w+\s+){0,2}?(?:staff|teachers|scholars|experts|leaders|"
                              r"representatives|officials|faculty|members)|team)\b", re.I)
_DELEGATION_FROM = re.compile(r"\s+(?:(?:led|headed)\s+by\s+[^,.;\n]{0,60}?\s+)?(?:from|of)\s+(?:the\s+)?")
# units written in lower case, one after another: "school of geosciences, school of chemical engineering and …"
_LOWER_UNITS = re.compile(r"(?<![A-Za-z])(?:school|college|faculty|department)\s+of\s+[a-z][a-z &]{2,80}"
                          r"(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?(?:school|college|faculty|department)\s+of\s+[a-z][a-z &]{2,80})+")
_LOWER_ITEM = re.compile(r"(?P<head>school|college|faculty|department)\s+of\s+(?P<of>[a-z][a-z &]*?)"
                         r"(?=\s*,|\s+and\s+(?:the\s+)?(?:school|college|faculty|department)\s+of\b|$)")
# a room of a building written before a centre's name: the centre is the building ("Room 204 of the X Center")
_ROOM_OF = re.compile(r"\b(?:Room|Hall|Auditorium|Theatre|Theater|Floor|Lobby)(?:[ \t]+[A-Z]?\d+[A-Za-z]?)?[ \t]+(?:of|in|at)[ \t]+"
                      r"(?:the[ \t]+)?$", re.I)
_DISCIPLINE = re.compile(r"\bCommission\s+for\s+Discipline\s+Inspection\b")
# someone's post or affiliation written before a unit: "Dean of the", "Director of the", "dr. X from the"
_ROLE_OR_FROM_BEFORE = re.compile(r"(?:\b(?:[Dd]ean|[Hh]ead|[Dd]irector|[Cc]hair|[Pp]rofessor|[Ll]ecturer|[Rr]esearcher|[Ff]ellow)\s+"
                                  r"(?:of|at)|\b[A-Z][\w'’-]+\s+[A-Z][\w'’-]+\s+from)\s+(?:the\s+)?$")
# a centre given an office's name in brackets: "the X Exchange Center (Overseas Office)": an office
_OFFICE_ALIAS_AFTER = re.compile(r"[ \t]*\((?:[A-Z][\w'’-]*[ \t]+){0,3}Office\)")
_GUEST_VERB = re.compile(r"\b(?:visited|visiting|visit\s+to|came\s+to|arrived\s+(?:at|in))\b", re.I)
_NEXT_ITEM = re.compile(r"(?:[ \t]*,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+)(?:the[ \t]+)?")
_PARTNER_PLACE_OPENING = re.compile(r"\s*(?:At|During\s+(?:the|his|her|their|our)\s+visit\s+to)\s+(?:the\s+)?(?=[A-Z])")


# a centre or institute of area or subject studies ("the Center for China Studies", "the Institute for Latin American
# Studies"): a university's own research unit, named by what it studies
_STUDIES_CENTRE = re.compile(r"^(?:the\s+)?(?:Cent(?:re|er)|Institute)\s+(?:of|for)\s+[^.;\n]*\bStudies$")
# an office named by the head it serves ("the Rector’s Office", "the Vice-Chancellor's Office"): the head's title is
# its name, not an owner
_ROLE_OFFICE = re.compile(r"(?:(?:Vice|Deputy|Pro)[- ]?)?(?:Rector|President|Provost|Chancellor|Principal|Dean|Registrar|"
                          r"Bursar|Director)['’]s[ \t]+Office")


# a full stop that ends a title or an initial, not a sentence ("Prof. Yu", "Dr. M.B Srinivas", "St. Petersburg")
_ABBREV_DOT = re.compile(r"(?<![\w.])(?:Prof|Dr|Mr|Mrs|Ms|Mme|St|Jr|Sr|Assoc|Asst|No|Nos|Vol|prof|dr|[A-Z])\.$")


# a body still to be set up: "plans to establish an Institute of …", "regarding establishing Sino-X Institute"
_PLANNED_BEFORE = re.compile(r"\b" + PLANNED_VERB + r"\s+(?:an?\s+|the\s+)?(?:[A-Z][a-z]+-)?$", re.I)


def _occurrences(text: str, form: str):
    i = text.find(form)
    while i != -1:
        yield i, i + len(form)
        i = text.find(form, i + 1)


# a sentence that lists who took part, and a paragraph's opening on a delegation's visit to a host
_PARTICIPANTS = re.compile(r"\s*(?:(?:Other|The)\s+)?(?:participants|attendees|those\s+present)\s+(?:included|were)\b", re.I)
_DELEGATION_VISITED = re.compile(r"\s*(?:On\s+[^,.\n]{3,30},\s+)?(?:the\s+|our\s+|[A-Z]{2,8}\s+)?delegation\s+(?:then\s+|also\s+|first\s+)?"
                                 r"(?:visited|paid\s+a\s+visit\s+to|arrived\s+at|went\s+to)\s+(?:the\s+)?(?=[A-Z])", re.I)


# the words a unit's subject is written in (what a person's name after it is not)
_SUBJECT_WORDS = {"studies", "research", "advanced", "applied", "international", "modern", "foreign", "public", "policy",
                  "health", "life", "earth", "food", "natural", "resources", "inorganic", "organic", "analytical", "general",
                  "affairs", "development", "distance", "learning", "teaching", "training", "planning", "data",
                  "biomedical", "clinical", "veterinary", "animal", "plant", "forestry", "ocean", "geology", "geosciences",
                  "history", "philosophy", "psychology", "sociology", "geography", "linguistics", "politics",
                  "political", "government", "administration", "relations", "innovation", "entrepreneurship",
                  "creative", "fine", "performing", "visual", "digital", "industrial", "textile", "textiles", "logistics",
                  "transport", "transportation", "urban", "rural", "construction", "mining", "petroleum", "sciences",
                  "science", "technology", "technologies", "systems", "network", "networks", "security", "medical",
                  "dental", "dentistry", "surgery", "sport", "languages", "literatures", "cultures", "media", "film",
                  "graduate", "undergraduate", "continuing", "professional", "vocational", "higher", "adult"}
# a role before the unit: its holder's name may follow the unit ("acting dean of the Faculty of Chemistry Alexey
# Knyazev, …", "associate professor of the Department of X Ludmila Y")
_ROLE_BEFORE_UNIT = re.compile(r"\b(?:dean|head|director|professor|lecturer|chair|chairman|chairperson|coordinator|manager|"
                               r"secretary|researcher|fellow|officer|principal)\s+(?:\w+\s+)?(?:of|at|from)\s+(?:the\s+)?$", re.I)


# an office written without a head word, after a role of its head or its staff ("director of International Exchange",
# "Director: Research Management and Support", "colleagues in the International Partnerships at …")
_HEADLESS_OFFICE = re.compile(
    r"\b(?:[Dd]irector|[Hh]ead|[Mm]anager|[Cc]olleagues|[Ss]taff)(?:[ \t]+(?:of|in|at)[ \t]+(?:the[ \t]+)?|:[ \t]*)"
    r"(?P<u>(?:[A-Z][\w'’-]+[ \t]+(?:(?:and|&)[ \t]+)?){1,3}(?:Exchanges?|Partnerships|Cooperation|Support|Counselling|"
    r"Mobility|Internationali[sz]ation))\b(?![ \t]+(?:[A-Z]|of\b|for\b|and\b|programs?\b|programmes?\b|projects?\b))")
_UNIT_HEAD_WORD = re.compile(r"\b(?:School|College|Faculty|Department|Office|Division|Centre|Center|Institute|University)\b")
# "Indian Ocean Island Countries Research Centre": a centre that does research (a school), not an office
_RESEARCH_CENTRE = re.compile(r"\bResearch[ \t]+Cent(?:re|er)$")
_SERVICE_CENTRE = re.compile(r"\b(?:International|Global|Exchange|Cooperation|Students?|Careers?|Admissions?|Services?)\b")
_OF_GOVERNMENT = re.compile(r"[ \t]+of[ \t]+(?:the[ \t]+)?[^.;\n]{0,120}?\b(?:[Pp]rovincial|[Mm]unicipal)[ \t]+(?:[Pp]arty[ \t]+"
                            r"[Cc]ommittee|[Gg]overnment|[Pp]eople['’]s[ \t]+[Gg]overnment|[Cc]ommission)")
_UNITS_SUCH_AS = re.compile(r"\b(?P<noun>faculties|schools|colleges|departments|units)\s+(?:at|of)\s+(?P<owner>(?:[Tt]he\s+)?[A-Z][\w&'’-]*"
                            r"(?:\s+[A-Z][\w&'’-]*){0,6})\s+(?:such\s+as|including|namely)\s+(?:the\s+)?"
                            r"(?P<list>[A-Z][^.;\n]{3,200}\band\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)")
# a list of units in lower case that the text closes as units ("… the school of foreign languages and other relevant
# units of NCWU")
_LOWER_UNIT_LIST = re.compile(r"(?:\b(?:of|from)\s+)(?:the\s+)?(?P<items>[a-z][a-z ,]{10,300}?)\s*,?\s+and\s+other\s+"
                              r"(?:relevant\s+|related\s+)?(?:units|departments|schools|colleges|offices|faculties)\b")


def _place_word(w: str) -> bool:
    """A city's or country's name (not a subject, not a title word): "Paris", "Geneva"."""
    from etl.resolve.geo import load_gazetteer

    gz = load_gazetteer()
    return w[:1].isupper() and w.lower() not in _TITLE_WORDS and w.lower() not in _SUBJECT_WORDS and \
        w.lower() not in _INSTITUTION_WORDS and bool(gz.place(w) or gz.country_name(w))


def _language_word(w: str) -> bool:
    """A language's name as a department writes it ("French", "German", "Russian"): a country's adjective."""
    from etl.resolve.geo import load_gazetteer

    return bool(load_gazetteer().adjective(w)) or w in ("Arabic", "Latin", "Swahili", "Hindi", "Persian", "Hebrew")


def _field_words() -> set[str]:
    from etl.extract.orgs import _FIELD_WORDS

    return _FIELD_WORDS


def _person_tail(text: str, s: int, of_start: int, e: int) -> int:
    """The end of a unit's name that runs on into the name of the person whose role it is ("… of the Faculty of
    Chemistry Alexey Knyazev,"): two or three capitalised words after the subject, none of them a subject word,
    right before a comma, a full stop or "and", where a role (dean, professor …) stands before the unit."""
    if not _ROLE_BEFORE_UNIT.search(text, max(0, s - 60), s):
        return e
    words = list(re.finditer(r"[A-Z][a-zà-öø-ÿ'’-]+", text[of_start:e]))
    if len(words) < 3 or not re.match(r"\s*(?:[,.;:)(]|and\b|\n|$)|[ \t]+[a-z]", text[e:e + 5]):
        return e
    n = 0
    for w in reversed(words):
        lw = w.group(0).lower()
        if lw in _SUBJECT_WORDS or lw in _INSTITUTION_WORDS or lw in _field_words() or _ACADEMIC.fullmatch(w.group(0)) or \
                _ADMIN.fullmatch(w.group(0)):
            break
        n += 1
    if 2 <= n <= 3 and n < len(words):
        cut = of_start + words[-n].start()
        if re.fullmatch(r"[ \t]+", text[of_start + words[-n - 1].end():cut]) and \
                re.fullmatch(r"[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+){1,2}", text[cut:e]):
            return of_start + words[-n - 1].end()
    return e


_LISTED_BEFORE = re.compile(r"\b(?:School|Faculty|College|Department)\s+(?:of|for)\s+[A-Z][^,;.\n()]{1,70}"
                            r"(?:,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+)(?:the[ \t]+)?$")
_LISTED_AFTER = re.compile(r"(?:,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+)(?:the[ \t]+)?(?:School|Faculty|College|Department)[ \t]+(?:of|for)[ \t]")


_HOME_WORD_NAME = re.compile(r"(?:[Tt]he\s+)?University\s+of\s+([A-Z][\w'’-]{2,})|([A-Z][\w'’-]{2,})\s+University")


def home_words(forms: list[str]) -> set[str]:
    """The home's own word, where its name is "University of W" or "W University" ("Helsinki", "Lancaster"): an
    institute or centre named with it is the home's."""
    out = set()
    for f in forms:
        m = _HOME_WORD_NAME.fullmatch(f)
        if m:
            out.add(m.group(1) or m.group(2))
    return out - {"National", "State", "Royal", "Federal", "Central", "Technical", "Open", "Normal"}


def subject_institute(name: str) -> bool:
    """Whether a name is an institute named by its subject alone ("Institute of Food Science and Technology",
    "Institute of Distance Learning"): no proper name, no place; as such it names nobody outside."""
    m = re.fullmatch(r"(?:the\s+)?Institute\s+(?:of|for)\s+(.+)", name.strip())
    if not m:
        return False
    words = re.findall(r"[\w'’-]+", m.group(1))
    return bool(words) and all(w.lower() in ("and", "of", "for", "&", "the") or w.lower() in _SUBJECT_WORDS or
                               w.lower() in _field_words() or _ACADEMIC.fullmatch(w) or _ADMIN.fullmatch(w)
                               for w in words)


def listed_with_units(text: str, s: int, e: int) -> bool:
    """Whether the phrase at s:e is an item of a list of units ("the School of Economics, School of Design, and the
    Institute of Food Science", "the Faculty of Chemistry, Institute of Distance Learning, and …")."""
    return bool(_LISTED_BEFORE.search(text, max(0, s - 100), s) or _LISTED_AFTER.match(text, e))


@dataclass
class UnitHit:
    type: str  # school | office
    name: str
    start: int
    end: int
    text: str
    method: str
    confidence: float


class UnitFinder:
    def __init__(self, text: str, lay: Layout, ref: Reference, *, use_list: bool, org_spans: list[tuple[int, int, str]],
                 home_spans: list[tuple[int, int]], lang: str, home_forms: list[str] | None = None,
                 keep_unlisted: bool = False, foreign_home: bool = False):
        self.text, self.lay, self.ref, self.use_list, self.lang = text, lay, ref, use_list, lang
        # the reference list applies but the page never names its university: a unit the list does not know is
        # kept under the text's own name (the page may be another university's)
        self.keep_unlisted = keep_unlisted
        self.foreign_home = foreign_home
        self.home_forms = sorted(home_forms or [], key=len, reverse=True)  # names of a home found on the page
        self.org_spans = org_spans  # (start, end, status) of organisations found
        self.home_spans = home_spans
        # the same, by position (spans.py: answers in list order, without a scan of every span)
        self._ox = SpanIndex(org_spans)
        self._hx = SpanIndex(home_spans)
        self._home_ends = {he for _, he in home_spans}
        self._partner_words: set[str] | None = None  # (words of the partners' names, made when first asked)
        self._home_words: set[str] | None = None
        self._gov_words = "rovincial" in text or "unicipal" in text  # (a government body's unit needs one of them)

    def resolve(self, phrase: str) -> UnitRef | None:
        """The reference unit a phrase names: exact, alias, then a close spelling."""
        if not self.use_list or not self.ref.units:
            return None
        p = re.sub(r"^(?:the|our|its)\s+", "", phrase.strip(), flags=re.I)
        u = self.ref.unit(p)
        if u:
            return u
        cache = self.ref._cache.setdefault("unit_fuzzy", {})
        key = norm(p)
        if key not in cache:
            idx = self.ref.unit_index()
            best = difflib.get_close_matches(key, list(idx), n=1, cutoff=0.9)
            if len(cache) > 20000:
                cache.clear()
            cache[key] = idx[best[0]] if best else None
        return cache[key]

    def _link_list_line(self, pos: int) -> bool:
        """Whether the line at ``pos`` is a row of unit names (two or more, set apart by wide spaces or bars) with
        no other words: the page's navigation or footer links."""
        text = self.text
        ls = text.rfind("\n", max(0, pos - 200), pos) + 1 or max(0, pos - 200)
        le = text.find("\n", pos, pos + 200)
        line = text[ls:le if le != -1 else min(len(text), pos + 200)]
        if len(re.findall(r"\b(?:Office|Department|School|College|Division)\b", line)) < 2 or \
                not re.search(r"\S(?: {2,}|\t|\s\|\s)\S", line.strip()):
            return False
        return all(w[0].isupper() or w.lower() in ("of", "and", "for", "the", "&", "|") for w in line.split())

    def _sentence(self, pos: int) -> tuple[int, int]:
        """The sentence around ``pos``: a full stop after a title or an initial ("Prof. Yu", "Dr. M. B. Srinivas")
        ends none."""
        text = self.text
        lo, hi = max(0, pos - 700), min(len(text), pos + 400)
        a = text.rfind(".", lo, pos)
        while a != -1 and _ABBREV_DOT.search(text, max(lo, a - 8), a + 1):
            a = text.rfind(".", lo, a)
        a = max(a, text.rfind("\n", lo, pos), lo - 1) + 1
        b = text.find(".", pos, hi)
        while b != -1 and _ABBREV_DOT.search(text, max(pos, b - 8), b + 1):
            b = text.find(".", b + 1, hi)
        b = min([x for x in (b, text.find("\n", pos, hi)) if x != -1] or [hi])
        return a, b

    def _outside_name(self, words: list[str]) -> bool:
        """Whether a unit-like name without "of" ("X Y College") is another institution's own name: its first word
        a place or country, or an acronym that is none of the home's names."""
        first = words[0].strip("’'").removesuffix("’s").removesuffix("'s")
        if any(" ".join(words).startswith(f) for f in self.home_forms) or self._home_word(first):
            return False  # ("Sydney Business School" on a page of the University of Sydney: the home's word begins it)  # "Lancaster University Management School": the home's own name begins it
        if re.fullmatch(r"[A-Z]{2,6}", first):
            return first not in self.home_forms and not (self.use_list and self.ref.unit(" ".join(words)))
        if first[:1].isupper() and first.lower() not in _TITLE_WORDS:
            from etl.resolve.geo import load_gazetteer

            gz = load_gazetteer()
            # (a place, then only words of a kind of institution: "Xuchang Vocational and Technical College", "Rotterdam
            # Business School"; not "Adam Smith Business School")
            return bool(gz.country_name(first) or (gz.place(first) and all(
                w.lower() in _INSTITUTION_WORDS for w in words[1:]))) and not (self.use_list and self.ref.unit(" ".join(words)))
        return False

    def _of_a_place(self, end: int) -> bool:
        """Whether the office phrase ending at ``end`` names a place: its "of" part runs on into a province or state
        ("… office of Kwazulu - Natal province") or a country follows ("… Office of Quanah in South Africa", not
        China: a Chinese university's own office abroad is rare)."""
        after = self.text[end:end + 60]
        if re.match(r"(?:[ \t]*[-–][ \t]*[A-Z][\w'’-]+)?[ \t]+(?:[Pp]rovince|[Ss]tate|[Pp]refecture|[Cc]ounty|"
                    r"[Mm]unicipality|[Rr]egion)\b", after):
            return True
        cm = re.match(r",?[ \t]+in[ \t]+(?:the[ \t]+)?([A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+){0,2})", after)
        if cm and not self.foreign_home:
            from etl.resolve.geo import load_gazetteer

            gz = load_gazetteer()
            words = cm.group(1).split()
            code = next((gz.country_name(" ".join(words[:n])) for n in range(len(words), 0, -1)
                         if gz.country_name(" ".join(words[:n]))), None)
            return code is not None and code not in ("CN", "HK", "MO", "TW")
        return False

    def _org_after(self, end: int) -> tuple[int, int, str] | None:
        """An organisation right after 'of/at' (skipping coordinated units)."""
        text = self.text
        pos = end
        for _ in range(4):
            m = re.match(rf"(?:,?\s+and|,)\s+(?:the\s+)?(?:{_CAP}\s+){{0,4}}?(?:School|College|Faculty|Department|"
                         rf"Institute|Division|Office|Cent(?:re|er))\s+(?:of|for)\s+{_NAMEWORDS}", text[pos:pos + 160])
            if m and not re.match(r"\s*(?:of|at)\s", text[pos:pos + 5]):
                # (the last unit's name may run on into the home: "… and the Office of International Affairs of
                # Nankai University" closes a list of the home's units; a partner there owns only its last unit)
                for a, b in self._hx.starting_in(pos + 1, pos + m.end()):
                    if re.search(r"\s(?:of|at)\s+(?:the\s+)?$", text[pos:a]):
                        return (a, b, "home")
                pos += m.end()
                continue
            break
        m = re.match(r"\s*(?:,\s*)?(?:of|at|from)\s+(?:the\s+)?", text[pos:pos + 12]) or \
            re.match(r"\s*,\s*(?:the\s+)?(?=[A-Z])", text[pos:pos + 12])  # "Department of Physics, University of Colorado"
        if not m:
            return None
        at = pos + m.end()
        for s, e, status in self._ox.at(at):
            return (s, e, status)
        if any(s <= at < e for s, e in self._hx.at(at)):
            return (at, at, "home")
        return None

    def _partner_sentence(self, pos: int) -> bool:
        """Whether the sentence at ``pos`` speaks of a partner's people: it opens at the partner ("At the University
        of Milan, … directors of the International Affairs Office") or with its people ("Representatives of X who
        joined included …, Director of the Office of …"). A unit there with no owner written is the partner's."""
        ss, _ = self._sentence(pos)
        m = _PARTNER_OPENING.match(self.text, ss, pos)
        if not m:
            # a paragraph that opens at a partner ("At the University of Leeds, the delegation met …"): its later
            # sentences are there too, unless the sentence names the home or "our" people
            ps = next((a for a, b in self.lay.paragraphs if a <= ss < b), None)
            pm = _PARTNER_PLACE_OPENING.match(self.text, ps, pos) if ps is not None and ps < ss else None
            if pm and any(st == "partner" for _, _, st in self._ox.at(pm.end())) and \
                    not re.search(r"\b(?:our|we)\b", self.text[ss:pos], re.I) and \
                    not any(ss <= hs < pos for hs, _ in self._hx.overlapping(ss, pos)):
                return True
            return self._hosted_paragraph(ss, pos) or self._hosts_met(ss, pos) or self._partner_delegation(ss, pos) or \
                self._home_as_other_party(ss, pos) or self._foreign_side(ss, pos)
        if re.search(r"\b(?:our|we)\b", self.text[m.end():pos], re.I):
            return False  # "At X, our School of …": the home's own people are there too
        return any(st == "partner" for _, _, st in self._ox.at(m.end()))

    def _staff_institute(self, s: int, e: int, words: list[str]) -> bool:
        """Whether an institute with no owner written is the home's own: the page's home is known by name, the
        institute is named by its subject alone ("the Global Education Institute", "the Institute of English
        Philology") and given as someone's post or affiliation ("Dean of the …", "dr. X from the …") in a sentence
        that names no partner."""
        if not self.home_forms or not _ROLE_OR_FROM_BEFORE.search(self.text, max(0, s - 60), s):
            return False
        if not all(w.lower() in ("and", "of", "for", "&", "the", "institute") or w.lower() in _SUBJECT_WORDS or
                   w.lower() in _field_words() or _ACADEMIC.fullmatch(w) or _ADMIN.fullmatch(w) or
                   _SERVICE_CENTRE.fullmatch(w) or _language_word(w) for w in words):
            return False
        ss, se = self._sentence(s)
        if _GUEST_VERB.search(self.text, ss, se):
            return False  # ("researchers from the Institute of Botany visited us": guests)
        return not any(st == "partner" for _, _, st in self._ox.overlapping(ss, se))

    def _home_as_other_party(self, ss: int, pos: int) -> bool:
        """Whether the unit at ``pos`` belongs to people who speak of the home as the other party later in the
        sentence ("X, Director of the Department of Commerce, … expressed their willingness to cooperate with YSU",
        "… of the Faculty of Law, visited Lakeside University"): the partner's, where neither the home nor "our"
        comes before the unit in that sentence."""
        _, se = self._sentence(pos)
        hs, he = next(((a, b) for a, b in self._hx.overlapping(pos, se) if a > pos), (None, None))
        if hs is None or not _OTHER_PARTY_BEFORE.search(self.text, max(pos, hs - 30), hs) or \
                re.match(r"['’]s\b", self.text[he:he + 3]):
            return False  # ("… with YSU's partners": the home's own)
        return not self._hx.overlapping(ss, pos) and not re.search(r"\b(?:our|we|us)\b", self.text[ss:hs], re.I)

    def _foreign_side(self, ss: int, pos: int) -> bool:
        """Whether the unit at ``pos`` is given to a person the sentence calls by the other side's nationality ("British
        representative X (Director of International Department)", "the Korean side, Dean of the …") in a Chinese
        university's news, or the Chinese side in a university's abroad: the partner's."""
        m = None
        for m in _NATION_SIDE.finditer(self.text, max(ss, pos - 120), pos):
            pass
        between = self.text[m.end():pos] if m is not None else ""
        if m is None or re.search(r"[;:)]|\b(?:our|we|us|and)\b", between, re.I) or between.count(",") > 1 or \
                self._hx.overlapping(m.end(), pos):
            return False  # (the person's own post only: not the next people listed, "… ) and all staff of the …")
        from etl.resolve.geo import load_gazetteer

        code = load_gazetteer().adjective(m.group(1))
        if not code:
            return False
        return code == "CN" if self.foreign_home else code not in ("CN", "HK", "MO", "TW")

    def _among_institutions(self, s: int, e: int) -> bool:
        """Whether the phrase at s:e stands in a list between organisations' names ("…, X University, the Y School
        (YS), and Z University"): an organisation named before it and one after it, each a comma or "and" away."""
        text = self.text
        bm = re.search(r"(?:,|\band)\s+(?:the\s+)?$", text[max(0, s - 12):s])
        if not bm:
            return False
        gap = s - (len(text[max(0, s - 12):s]) - bm.start())
        before = any(st == "partner" and not text[b:gap].strip() for _, b, st in self._ox.ending_in(gap - 2, gap))
        am = re.match(r"(?:\s*\([A-Z][A-Za-z]{1,9}\))?\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?", text[e:e + 30])
        after = bool(am) and any(st == "partner" for _, _, st in self._ox.at(e + am.end()))
        return before and after

    def _hosts_met(self, ss: int, pos: int) -> bool:
        """Whether the unit at ``pos`` stands among the people a sentence says were met ("… and his delegation met
        with the President of X, Dr. Y, Dean of the Graduate School, and Dr. Z, Head of the International Office"):
        a partner named after the verb, before the unit, and neither the home nor "our" in between."""
        vm = None
        for vm in _MET_WITH.finditer(self.text, ss, pos):
            pass
        if vm is None:
            return False
        if re.search(r"\b(?:our|we)\b", self.text[vm.end():pos], re.I) or self._hx.overlapping(vm.end(), pos) or \
                _HOME_SIDE.search(self.text, vm.end(), pos):
            return False  # ("… met with X's delegation, accompanied by the heads of the International Office": ours)
        if any(st == "partner" and vm.end() <= a < pos for a, _, st in self._ox.overlapping(vm.end(), pos)):
            return True
        # "The delegation then visited X. They met with the dean of the Faculty of …": a paragraph that opens with
        # the visit to a partner; whom they meet there is the partner's
        ps = next((a for a, b in self.lay.paragraphs if a <= ss < b), None)
        if ps is None or ps == ss or self._hx.overlapping(ps, pos):
            return False
        fm = _DELEGATION_VISITED.match(self.text, ps, ss)
        return bool(fm) and any(st == "partner" for _, _, st in self._ox.at(fm.end()))

    def _partner_delegation(self, ss: int, pos: int) -> bool:
        """Whether the sentence at ``ss`` lists the members of a delegation ("The delegation included …", "Members of
        the delegation were …") that the text gave a partner before ("a group of staff from X has visited …", "a
        delegation from X", "the X delegation"): their units are the partner's."""
        if not _DELEGATION_MEMBERS.match(self.text, ss, pos):
            return False
        last = None
        for last in _DELEGATION_WORD.finditer(self.text, max(0, ss - 3000), ss):
            pass
        if last is None:
            return False
        fm = _DELEGATION_FROM.match(self.text, last.end(), min(len(self.text), last.end() + 90))
        at = fm.end() if fm else None
        if at is not None:
            if any(a <= at < b for a, b in self._hx.at(at)):
                return False
            return any(st == "partner" for _, _, st in self._ox.at(at))
        # "the Hexi University delegation"
        for a, b, st in self._ox.ending_in(last.start() - 3, last.start()):
            if re.fullmatch(r"(?:['’]s)?\s", self.text[b:last.start()]):
                return st == "partner"
        return False

    def _hosted_paragraph(self, ss: int, pos: int) -> bool:
        """Whether the sentence at ``ss`` lists who took part ("Other participants included the directors … from
        X Office, Y College …") in a paragraph that opens with a delegation visiting a partner ("On October 26, the
        delegation visited Z University."): the hosts' people, so units with no owner written are the partner's."""
        if not _PARTICIPANTS.match(self.text, ss, pos):
            return False
        ps = next((a for a, b in self.lay.paragraphs if a <= ss < b), None)
        if ps is None or ps == ss:
            return False
        fm = _DELEGATION_VISITED.match(self.text, ps, ss)
        if not fm or re.search(r"\b(?:our|we)\b", self.text[ss:pos], re.I):
            return False
        return any(st == "partner" for _, _, st in self._ox.at(fm.end()))

    def _org_before(self, start: int) -> tuple[int, int, str] | None:
        before = self.text[max(0, start - 3):start]
        for s, e, status in self._ox.ending_in(start - 3, start):
            if e <= start and (start - e <= 1 or (start - e <= 3 and re.fullmatch(r"[’']s\s|\s", self.text[e:start]))):
                return (s, e, status)
        for s, e in self._hx.ending_in(start - 3, start):
            if e <= start and start - e <= 3:
                return (s, e, "home")
        del before
        return None

    def run(self) -> list[UnitHit]:
        hits: list[UnitHit] = []
        text = self.text
        phrases: list[tuple[int, int]] = []  # partners' units
        body = self.lay.body_start()
        # 1. English unit phrases by pattern
        list_end: int | None = None  # where a partner's unit ("… of <a partner>") ends: a list of units may go on
        if self.lang != "zh":
            for m in _UNIT_EN.finditer(text):
                s, e = m.start(), m.end()
                if m.group("head"):
                    # "Faculty of Business, Economics and Law", "Office for Hong Kong, Macao & Taiwan Affairs"
                    xm = _LIST_IN_NAME.match(text, e)
                    if xm and not re.search(rf"\b(?:{_UNIT_HEADS[3:-3]}|The|the)\b", xm.group(0)):
                        e = xm.end()
                    # "School of Engineering’s Professor X": a possessive ends the name (not "Women's Studies")
                    pz = re.search(r"(?<!Women)(?<!Children)(?<!People)(?<!Men)['’]s\b", text[m.start("of"):e])
                    if pz:
                        e = m.start("of") + pz.start()
                    e = _person_tail(text, s, m.start("of"), e)
                pre = m.group("pre") if m.group("head") else m.group("pre2")
                # drop title words at the front ("Dean", "the")
                words = text[s:e].split()
                rm = None if m.group("head") else _ROLE_OFFICE.search(text, s, e)
                rm = rm if rm and rm.end() == e else None
                if rm:
                    s = rm.start()  # "the Rector’s Office", "the President's Office": an office named by whom it serves
                    for w in reversed(re.findall(r"[A-Z][\w-]*[ \t]+", text[m.start():s])):
                        if w.strip().lower() in _TITLE_WORDS or not text[:s].endswith(w):
                            break
                        s -= len(w)  # "University Dean’s Office"
                    words = text[s:e].split()
                while words and not rm and words[0].lower().strip("’'s") in _TITLE_WORDS:
                    s = text.index(words[0], s) + len(words[0])
                    s += len(text[s:]) - len(text[s:].lstrip())
                    words = words[1:]
                if not words:
                    continue
                # "Purdue's Office of …", "the University's International Office": the owner is not in the name
                pm = re.match(r"[A-Z][\w-]*['’]s\s+", text[s:e])
                if pm and rm:
                    pm = None
                own = bool(pm) and bool(re.fullmatch(r"(?:University|College|Institute)['’]s\s+", pm.group(0)) or
                                        self._home_word(pm.group(0).strip()) or
                                        any(f == re.sub(r"['’]s\s+$", "", pm.group(0)) for f in self.home_forms)) or \
                    bool(re.search(r"\b(?:[Oo]ur|[Tt]he\s+(?:[Uu]niversity|[Cc]ollege)['’]s)\s+$", text[max(0, s - 20):s]))
                if pm:
                    if self._partner_owner(s, s + pm.end() - 1):
                        phrases.append((s + pm.end(), e))
                        continue  # "Fudan's School of Economics" in a page of another university: the partner's unit
                    s += pm.end()
                    words = text[s:e].split()
                    if not words:
                        continue
                # two units joined: "School of Management and SIE" (an acronym after "and" is another unit),
                # "Hunnan Campus Management Committee and Software College" (a head word before "and" ends a first unit)
                am = re.search(r"[ \t]+(?:and|&)[ \t]+[A-Z]{2,6}$", text[s:e])
                if am and m.group("head"):
                    e = s + am.start()
                    words = text[s:e].split()
                jm = None if m.group("head") else re.match(
                    r".*?\b(?:Committee|Office|Department|Division|Centre|Center|School|College|Faculty|Institute)[ \t]+"
                    r"(?:and|&)[ \t]+(?=[A-Z])", text[s:e])
                if jm:
                    s += jm.end()
                    words = text[s:e].split()
                if _GOVERNMENT_BEFORE.search(text[max(0, s - 20):s]) or \
                        re.search(r"\b(?:Provincial|Municipal|Ministry)\b", text[s:e]):
                    continue
                if self._gov_words and _OF_GOVERNMENT.match(text, e, min(len(text), e + 160)):
                    continue  # "the European and American Department of the foreign affairs office of the Henan provincial
                    # Party committee": a government body's unit
                ofm = None if m.group("head") else re.match(r"[ \t]+of[ \t]+[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+){0,2}",
                                                            text[e:e + 60])
                if (m.group("head") or m.group("head2")).lower() in ("office", "department", "division", "directorate") and \
                        (self._of_a_place(e) if m.group("head") else bool(ofm) and self._of_a_place(e + ofm.end())):
                    continue  # "the environmental affairs office of Kwazulu - Natal province", "… Office of X in South
                    # Africa": a government office of a place, not the university's
                head = m.group("head") or m.group("head2")
                phrase = text[s:e]
                if not m.group("head") and len(words) < 2:
                    continue
                if _VENUE_IN_NAME.search(phrase):
                    continue  # "the Faculty of Education Lecture Theatre II": a room of a building, where it happens
                if re.search(r"\b(?:Cent(?:re|er)|Institute|Office)[ \t]*\($", text[max(0, s - 12):s]) and \
                        re.match(r"[ \t]*\)", text[e:e + 3]):
                    continue  # "the X Exchange Center (Overseas Office)": another name of the unit before it
                if head.lower() in ("centre", "center") and _ROOM_OF.search(text, max(0, s - 40), s):
                    continue  # "in Meeting Room C314 of the Administrative Service Center": a building
                ls = text.rfind("\n", max(0, s - 40), s) + 1
                if (ls > 0 or s < 40) and _CREDIT_LINE.match(text, ls):
                    continue  # a credit line ("Source: Global Affairs Office", "Translator: News Office"): no part of the news
                if self._link_list_line(s):
                    continue  # a line of links ("Office of International Cooperation  Office of Taiwan Affairs"): navigation
                if m.group("head2") and head.lower() in ("school", "college", "institute", "academy") and \
                        self._among_institutions(s, e):
                    continue  # "… Irkutsk State University, the Blue Mountains Hotel Management School (BMHMS), and
                    # Woosuk University": an item of a list of institutions is one itself
                if not m.group("head") and self._outside_name(words):
                    continue  # "Xuchang Vocational and Technical College", "JCL Foreign Languages School": an institution
                    # of its own (named after a place or by an acronym the page never gives its home), not a unit
                pre_words = text[s:m.start("head")].split() if m.group("head") else []
                if len(pre_words) == 1 and not (self.use_list and self.ref.unit(text[s:e])) and \
                        not any(text[s:e].startswith(f) for f in self.home_forms) and \
                        not self._home_word(pre_words[0]) and _place_word(pre_words[0]) and \
                        not any(pre_words[0] in text[a:b] for a, b, _ in self.org_spans):  # (a partner's word: see engine)
                    phrases.append((s, e))
                    continue  # "the Paris School of International Affairs" in another city's partnership: a school
                    # named after its city is that city's institution's, not the home's (whose name would stand there)
                del pre
                owner = self._org_after(e) if m.group("head") or m.group("head2") == "Institute" else None
                if owner and owner[2] != "home":
                    phrases.append((s, e))
                    list_end = max(e, owner[1])
                    continue  # a partner's unit
                if owner is None and list_end is not None and _NEXT_ITEM.fullmatch(text, list_end, s) and \
                        not re.match(r"\s*(?:of|at|from)\s", text[e:e + 6]) and not self._org_after(e) and \
                        not self._hx.overlapping(s, e):
                    phrases.append((s, e))
                    list_end = e
                    continue  # "the International Office of X, the School of A and the School of B": the list goes on
                    # with X's units
                ob = self._org_before(s)
                if ob and ob[2] != "home":
                    phrases.append((s, e))
                    continue
                if owner is None and not m.group("head") and re.match(r"[ \t]+(?:from|of|at)[ \t]", text[e:e + 7]):
                    oa = self._org_after(e)  # "the Chinese Department from Hanoi Open University": the partner's
                    if oa and oa[2] != "home":
                        phrases.append((s, e))
                        list_end = max(e, oa[1])
                        continue
                if any(st != "home" for _, _, st in self._ox.overlapping(s, e)):
                    phrases.append((s, e))
                    continue
                if re.match(r"[ \t]+(?:Project|Program|Programme|Plan|Initiative|Scheme)s?\b", text[e:e + 12]):
                    continue  # "the International Cooperation School Project": a project's name, not a unit
                if not owner and not ob and any(re.search(r"\b(?:of|at)\s+(?:the\s+)?$", text[s:a]) for a, _ in
                                                self._hx.starting_in(s + 1, e)):
                    owner = (s, e, "home")  # "the Office of International Affairs of Nankai University": the home's
                if not owner and not ob and self._partner_sentence(s):
                    phrases.append((s, e))
                    continue  # a unit in a sentence about a partner's people (its representatives, a visit there)
                u = self.resolve(phrase)
                if u is None and head.lower() in ("school", "college") and m.group("head2"):
                    u = self.resolve(phrase)
                if u is not None:
                    hits.append(UnitHit(u.type, u.name, s, e, phrase, "unit phrase → reference list", 0.9))
                elif (not self.use_list or not self.ref.units or self.keep_unlisted or (owner and owner[2] == "home") or
                      (ob and ob[2] == "home")) and s >= body:
                    typ = "office" if head.lower() in ("office", "department", "division", "directorate", "centre", "center") and \
                        not _STUDIES_CENTRE.search(phrase) and not _RESEARCH_CENTRE.search(phrase) else "school"
                    # (a centre of studies, or a research centre, does research: a school)
                    if head.lower() in ("centre", "center") and self._home_word(words[0]) and \
                            not (_ADMIN.search(phrase) or _SERVICE_CENTRE.search(phrase)):
                        typ = "school"  # "Lancaster Environment Centre": a centre of a subject, named with the home's word
                    if head.lower() in ("department", "division") and _ACADEMIC.search(phrase) and not _ADMIN.search(phrase):
                        typ = "school"  # "German Language Department", "Department of Architecture and Design"
                    if head.lower() == "department" and m.group("head2") and len(words) == 2 and _language_word(words[0]):
                        typ = "school"  # "the French Department" (of a school of foreign languages): a language it teaches
                    if head.lower() in ("institute", "academy", "centre", "center") and not owner and \
                            not (subject_institute(phrase) and listed_with_units(text, s, e)) and \
                            not (self._home_word(words[0]) and len(words) >= 3 and "Confucius" not in phrase) and \
                            not (own and "Confucius" not in phrase) and \
                            not (head.lower() == "institute" and self._staff_institute(s, e, words)) and \
                            not (head.lower() in ("centre", "center") and _OFFICE_ALIAS_AFTER.match(text, e)) and \
                            not (m.group("head") and _STUDIES_CENTRE.search(phrase) and
                                 (self.home_forms or not self.use_list or self.keep_unlisted)) and \
                            not (m.group("head2") and head.lower() in ("centre", "center") and _SERVICE_CENTRE.search(phrase) and
                                 not re.search(r"\b(?:at|in|to|inside|into)\s+(?:the\s+)?$", text[max(0, s - 12):s]) and
                                 not re.search(r"\b(?:Research|Studies|Sciences?|Technology|Engineering|Innovation|Medical|"
                                               r"Conference|Convention|Exhibition|Trade|Cultural|Culture)\b", phrase)):
                        continue  # too often an outside body without a list to say otherwise (but an institute named
                        # by its subject among the units listed is one of them, and "the Global Education Center", "the
                        # International Exchange Center" serve the university's own students and partners: offices)
                    if _PROGRAMME_UNITS.search(phrase) and not (
                            re.fullmatch(r"(?:the\s+)?Business\s+School", phrase) and (not self.use_list or self.keep_unlisted)
                            and not any(st != "home" for _, _, st in self._ox.overlapping(*self._sentence(s)))):
                        continue  # "International Summer School": a programme, not a unit (but another university's
                        # news that names its "Business School" in a sentence naming no partner names its own)
                    name = re.sub(r"^(?:the|The)\s+", "", phrase)
                    # "CUMT Sun Yueqi Honors College", "Lancaster University's …": the owner is not part of the name
                    for f in self.home_forms:
                        if name.startswith(f) and (re.match(r"['’]s\s+[A-Z]", name[len(f):]) or
                                                   (f.isupper() and re.match(r"\s+[A-Z]", name[len(f):])) or
                                                   # "Soochow University School of Music": the home's full name before
                                                   re.match(r"\s+(?:School|College|Faculty|Department|Institute)\s+(?:of|for)\s",
                                                            name[len(f):])):
                            name = re.sub(r"^(?:['’]s)?\s+", "", name[len(f):])
                            break
                    # "School of Aerospace Engineering and Can Chanbao, professor …": a person after "and"
                    pa = re.search(r"\s+and\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}$", name)
                    if pa and _PERSON_ROLE_AFTER.match(text, e) and not all(
                            w.lower() in _SUBJECT_WORDS or w.lower() in _field_words() or _ACADEMIC.fullmatch(w) or
                            _ADMIN.fullmatch(w) for w in name[pa.start():].split()[1:]):
                        name = name[:pa.start()]  # (not "Faculty of Arts and Humanities, Professor X": a subject)
                    # "… of Arts and Humanities and Peking University's vice president": another university after "and"
                    # is no part of the unit's name
                    name = re.sub(r"\s+and\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s+){0,4}(?:University|Universit\w+)\b.*$", "", name)
                    # "… of BISTU", "… and Strathclyde": the owner or a partner is not part of the name
                    for os_, oe, st in self._ox.starting_in(s + 1, e) + [(a, b, "home") for a, b in
                                                                          self._hx.starting_in(s + 1, e)]:
                        if s < os_ < e:
                            name = re.sub(r"\s+(?:of|and|at)\s+(?:the\s+)?$", "", text[s:os_]).strip()
                            name = re.sub(r"^(?:the|The)\s+", "", name)
                            break
                    name = re.sub(r"\s+of\s+(?:the\s+)?[A-Z]{2,8}$", "", name)
                    pm2 = re.search(r"\s+in\s+([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)$", name)
                    if pm2:
                        from etl.resolve.geo import load_gazetteer

                        gz = load_gazetteer()
                        if gz.place(pm2.group(1)) or gz.country_name(pm2.group(1)):
                            name = name[:pm2.start()]  # "the Faculty of Engineering in Nottingham"
                    name = re.sub(r"-[A-Z]{2,6}$", "", name)  # "Department of Architecture and Design-DAD"
                    name = re.sub(r"(?<=[a-z]{4})of$", "", name)  # "Office of International Cooperationof Y": a lost space
                    parts = re.split(r"(?<=[a-z])(?=[A-Z])", name.split(" ", 1)[0])
                    if len(parts) > 1 and all(len(x) >= 4 for x in parts) and " " in name:
                        name = parts[-1] + " " + name.split(" ", 1)[1]  # "InternationalNewsInternational Office": glued menu
                    if name == "Graduate School" or re.fullmatch(r"(?:School|College)\s+of\s+(?:Undergraduate|Graduate|"
                                                                  r"Postgraduate)\s+(?:Studies|Education)", name):
                        # (the graduate school counts as an office, and so does its undergraduate twin)
                        typ = "office"
                    hits.append(UnitHit(typ, name, s, e, phrase, "unit phrase (text's own name)", 0.6))
            # "the Faculties of Literature, Linguistics, and Oriental Studies": one unit per item
            if not self.use_list or not self.ref.units or self.keep_unlisted:
                for m in _PLURAL_UNITS.finditer(text, body):
                    if self._org_after(m.end()):
                        continue
                    head = {"Faculties": "Faculty", "Schools": "School", "Colleges": "College",
                            "Departments": "Department"}[m.group("head")]
                    if re.match(r"[ \t]+(?:at|of|in)[ \t]+(?:both|the[ \t]+two)[ \t]+(?:universities|institutions|sides|schools)\b",
                                text[m.end():m.end() + 40]):
                        # "the Colleges of Languages and Translation at both universities": one college on each side
                        a = m.start("list")
                        hits.append(UnitHit("school" if head != "Department" else "office", f"{head} of {m.group('list')}", a,
                                            m.end(), m.group("list"), "a unit each side has (text's own name)", 0.6))
                        continue
                    for it in re.finditer(r"[A-Z][\w'’-]*(?:[ \t]+(?:of|and|&)?[ \t]*[A-Z][\w'’-]*)*?(?=,|[ \t]+and[ \t]+[A-Z]|$)",
                                          m.group("list")):
                        item = re.sub(r"^and\s+", "", it.group(0)).strip()
                        if not item:
                            continue
                        name = f"{head} of {item}"
                        typ = "office" if head == "Department" and (_ADMIN.search(item) or not _ACADEMIC.search(item)) \
                            else "school"
                        a = m.start("list") + it.start()
                        hits.append(UnitHit(typ, name, a, a + len(item), item, "unit list (text's own names)", 0.6))
            # a Confucius Institute of a university abroad is one of its units ("the Confucius Institute")
            if self.foreign_home:
                others = False  # the page names a partner's Confucius Institute: a bare "the Institute" is that one
                for m in re.finditer(r"\bConfucius\s+Institute\b(?:\s+(?:at|of|in)\s+(?:[Tt]he\s+)?)?", text[body:]):
                    a = body + m.start()
                    after = re.sub(r"^(?:[Tt]he\s+)", "", text[body + m.end():body + m.end() + 120])
                    if m.group(0).rstrip().endswith(("at", "of", "in", "the", "The")) and not any(
                            after.startswith(re.sub(r"^(?:[Tt]he\s+)", "", f)) for f in self.home_forms if f):
                        others = True
                        continue  # "the Confucius Institute at <a partner>": the partner's (but at the home: its own)
                    if others or re.search(r"\bConfucius\s+Institute\s+(?:at|of)\s+(?:[Tt]he\s+)?(?!" +
                                           "|".join(re.escape(re.sub(r"^(?:[Tt]he\s+)", "", f)) for f in self.home_forms if f) +
                                           r")[A-Z]", text) if self.home_forms else False:
                        continue
                    hits.append(UnitHit("school", "Confucius Institute", a, a + len(m.group(0).split(" at ")[0].split(" of ")[0].split(" in ")[0].rstrip()), m.group(0),
                                        "a Confucius Institute of the home university", 0.6))
            # "leaders of the international exchange and cooperation center, the school of foreign languages and other
            # relevant units of X": units written in lower case, in a list the text calls units (of the home)
            if (not (self.use_list and self.ref.units) or self.keep_unlisted) and "and other" in text:
                for lm in _LOWER_UNIT_LIST.finditer(text, body):
                    for it in re.finditer(r"(?:^|,\s*|\s+and\s+)(?:the\s+)?(?P<u>(?:[a-z]+\s+){0,5}?(?:school|college|faculty|"
                                          r"department|office|center|centre)(?:\s+(?:of|for)\s+[a-z]+(?:\s+(?:and\s+)?[a-z]+){0,4})?)"
                                          r"(?=\s*,|\s+and\b|$)", lm.group("items")):
                        u = it.group("u")
                        if not re.search(r"\b(?:school|college|faculty|department|office|center|centre)\b", u) or \
                                re.search(r"\b(?:other|relevant|related|these|those|all|some|several|many)\b", u):
                            continue
                        name = " ".join(w if w in ("of", "for", "and", "the") else w.capitalize() for w in u.split())
                        headw = re.search(r"\b(school|college|faculty|department|office|center|centre)\b", u).group(1)
                        typ = "school" if headw in ("school", "college", "faculty") or (
                            headw == "department" and _ACADEMIC.search(name) and not _ADMIN.search(name)) else "office"
                        a = lm.start("items") + it.start("u")
                        hits.append(UnitHit(typ, name, a, a + len(u), u, "unit in lower case, in a list of units", 0.5))
            # "talks with leaders from school of geosciences, school of chemical engineering and school of economics
            # and management": two or more units written in lower case, listed; each named by its subject's words
            if (not (self.use_list and self.ref.units) or self.keep_unlisted) and \
                    ("school of " in text or "college of " in text or "faculty of " in text or "department of " in text):
                hits += self._lower_listed(body)
            # "the MoU involves four faculties at UKM such as the Engineering and Built Environment, Islamic Studies, Fuel
            # Cell Institute and Graduate Centre": units of the home listed by their subjects
            if self.home_forms and (not (self.use_list and self.ref.units) or self.keep_unlisted) and \
                    (" such as " in text or " including " in text or " namely " in text):
                for lm in _UNITS_SUCH_AS.finditer(text, body):
                    owner = lm.group("owner")
                    if not any(owner == f or owner == re.sub(r"^(?:[Tt]he\s+)", "", f) for f in self.home_forms):
                        continue
                    noun = lm.group("noun").lower()
                    # (a comma list "A, B, C and D": only the last "and" joins two items; "Engineering and Built
                    # Environment" before a comma is one faculty)
                    lst = lm.group("list")
                    pieces, pos = [], 0
                    for piece in lst.split(","):
                        pieces.append((pos, piece))
                        pos += len(piece) + 1
                    items = pieces[:-1]
                    lp, last = pieces[-1]
                    cut = last.rfind(" and ")
                    items += [(lp, last[:cut]), (lp + cut + 5, last[cut + 5:])] if cut != -1 else [(lp, last)]
                    for off, raw in items:
                        item = re.sub(r"^(?:the)\s+", "", raw.strip())
                        if not item or not item[0].isupper():
                            continue
                        a = lm.start("list") + off + raw.find(item)
                        if re.search(r"\b(?:Institute|Centre|Center|School|College|Faculty|Department|Office)$", item):
                            name = item
                        else:
                            name = {"faculties": "Faculty", "schools": "School", "colleges": "College",
                                    "departments": "Department"}.get(noun, "Faculty") + " of " + item
                        typ = "office" if re.search(r"\bGraduate\b|\bOffice$", name) else "school"
                        hits.append(UnitHit(typ, name, a, a + len(item), item, "units listed by subject (text's own names)", 0.5))
            # "… Lancaster Environment Centre, the Law school and the financial office of Lancaster University", "the UQ
            # Employability office": units the text ties to the home by its name, written with a head in lower case
            if self.home_forms and (not (self.use_list and self.ref.units) or self.keep_unlisted):
                hits += self._home_owned(body)
            # "Heads of Graduate school, …": the graduate school written in lower case is an office too
            if not (self.use_list and self.ref.units) or self.keep_unlisted:
                for m in re.finditer(r"\bGraduate\s+school\b(?!\s+of\b)", text[body:]):
                    a = body + m.start()
                    if not self._org_before(a) and not self._org_after(body + m.end()):
                        hits.append(UnitHit("office", "Graduate School", a, body + m.end(), m.group(0),
                                            "unit phrase (text's own name)", 0.6))
            # "the Microelectronics Institute" (another university's news): an institute named by its field alone teaches
            if not (self.use_list and self.ref.units) or self.keep_unlisted:
                from etl.extract.orgs import _FIELD_WORDS

                for m in re.finditer(r"\b((?:[A-Z][a-z]+[ \t]+){1,3})Institute\b(?![ \t]+(?:of|for|at|in)\b)", text[body:]):
                    words = m.group(1).split()
                    a = body + m.start()
                    if all(w.lower() in _FIELD_WORDS for w in words) and not self._org_before(a) and \
                            not any(st != "home" for _, _, st in self._ox.overlapping(a, body + m.end())):
                        hits.append(UnitHit("school", m.group(0), a, body + m.end(), m.group(0),
                                            "unit phrase (an institute named by its field)", 0.6))
            # "the Youth League Committee" (校团委): an office with no Office/Department head word
            if not (self.use_list and self.ref.units):
                for m in _YOUTH_LEAGUE.finditer(text, body):
                    hits.append(UnitHit("office", "Youth League Committee", m.start(), m.end(), m.group(0),
                                        "unit phrase (Youth League Committee)", 0.6))
            # "the Commission for Discipline Inspection" (纪委): a Chinese university's office without an office's head
            # word (not a province's or a city's: one named with it is the government's)
            if (not (self.use_list and self.ref.units) or self.keep_unlisted) and "Discipline Inspection" in text:
                for m in _DISCIPLINE.finditer(text, body):
                    if not _GOVERNMENT_BEFORE.search(text[max(0, m.start() - 20):m.start()]) and \
                            not (self._gov_words and _OF_GOVERNMENT.match(text, m.end(), min(len(text), m.end() + 160))) and \
                            not self._org_after(m.end()):
                        hits.append(UnitHit("office", "Commission for Discipline Inspection", m.start(), m.end(), m.group(0),
                                            "unit phrase (Commission for Discipline Inspection)", 0.6))
            # an office named without a head word after its head's or staff's role: "director of International
            # Exchange", "(Director: Research Management and Support)", "colleagues in the International Partnerships at
            # <home>" (the phrase ends with an office's word; a partner named right after owns it)
            if not (self.use_list and self.ref.units) or self.keep_unlisted:
                taken_ = SpanIndex((h.start, h.end) for h in hits)
                for m in _HEADLESS_OFFICE.finditer(text, body):
                    a, b = m.start("u"), m.end("u")
                    if taken_.overlaps(a, b) or self._ox.overlapping(a, b) or _UNIT_HEAD_WORD.search(m.group("u")):
                        continue
                    oa = self._org_after(b)
                    if (oa and oa[2] != "home") or self._partner_sentence(a):
                        continue
                    hits.append(UnitHit("office", m.group("u"), a, b, m.group("u"), "office without a head word after a role", 0.5))
        # 2. reference forms as written (aliases such as "SEM", 计算机学院)
        if self.use_list and self.ref.units:
            forms = {}
            for u in self.ref.units:
                for f in [u.name, *u.aliases, *([u.zh] if u.zh else [])]:
                    forms[f] = u
            found = []
            for form, u in forms.items():
                i = text.find(form)
                while i != -1:
                    e = i + len(form)
                    if self._form_ok(i, e, form):
                        found.append((i, e, form, u))
                    i = text.find(form, i + 1)
            found.sort(key=lambda x: (-(x[1] - x[0]), x[0]))
            taken = SpanIndex((h.start, h.end) for h in hits)
            px = SpanIndex(phrases)
            for s, e, form, u in found:
                if taken.overlaps(s, e):
                    continue
                # inside a longer unit phrase that named something else (a partner's unit)
                if any(ps <= s and e <= pe and (pe - ps) > (e - s) for ps, pe in px.overlapping(s, e)):
                    continue
                if not CJK.search(form):
                    if self._org_after(e) and self._org_after(e)[2] != "home":
                        continue
                    ob = self._org_before(s)
                    if ob and ob[2] != "home":
                        continue
                taken.add(s, e, (s, e))
                hits.append(UnitHit(u.type, u.name, s, e, form, "reference list", 0.95))
        # 3. Chinese unit names (without a list, or in another university's news): as the text writes them
        # (zh_units.py)
        if self.lang == "zh" and not (self.use_list and self.ref.units):
            for u in find_zh_units(text, self.lay, self.org_spans, self.home_spans, self._form_ok):
                hits.append(UnitHit(u.type, u.name, u.start, u.end, text[u.start:u.end], u.method, u.confidence))
        # "College of Creative Art’s Dr X" beside "College of Creative Arts": the name the possessive cut short is
        # the same unit
        names = {h.name for h in hits}
        hits = [h for h in hits if h.name + "s" not in names or not h.name[-1:].isalpha()]
        # a unit still to be set up ("plans to establish a Sino-Finnish Institute"): no unit yet, wherever named
        planned = {h.name for h in hits if not CJK.search(h.text) and any(
            _PLANNED_BEFORE.search(text, max(0, i - 40), i) for i, _ in _occurrences(text, h.text))}
        return [h for h in hits if h.name not in planned]

    def _lower_listed(self, body: int) -> list[UnitHit]:
        """Units written in lower case one after another ("from school of geosciences, school of chemical engineering,
        school of economics and management and …"): each item's words are a subject's (so a clause after the last,
        "and exchanges ideas …", is none of it); a list of two or more, none written as a partner's."""
        text = self.text
        out: list[UnitHit] = []
        for lm in _LOWER_UNITS.finditer(text, body):
            items = []
            for it in _LOWER_ITEM.finditer(lm.group(0)):
                words = it.group("of").split()
                keep = []
                for w in words:
                    if w in ("and", "of", "for", "&") or w in _SUBJECT_WORDS or w in _field_words() or \
                            _ACADEMIC.fullmatch(w.capitalize()) or _ADMIN.fullmatch(w.capitalize()):
                        keep.append(w)
                    else:
                        if "and" in keep:  # "… economics and management and exchanges ideas": a clause after "and"
                            keep = keep[:len(keep) - 1 - keep[::-1].index("and")]
                        break
                while keep and keep[-1] in ("and", "of", "for", "&"):
                    keep.pop()
                if keep:
                    a = lm.start() + it.start()
                    phrase = f"{it.group('head')} of {' '.join(keep)}"
                    items.append((a, a + len(phrase), phrase))
            if len(items) < 2:
                continue
            last_end = items[-1][1]
            if self._org_after(last_end) and self._org_after(last_end)[2] != "home":
                continue
            if any(st != "home" for _, _, st in self._ox.overlapping(lm.start(), last_end)):
                continue
            for a, b, phrase in items:
                head, rest = phrase.split(" of ", 1)
                name = f"{head.capitalize()} of " + " ".join(w if w in ("and", "of", "for", "&") else w.capitalize()
                                                              for w in rest.split())
                typ = "office" if head == "department" and not (_ACADEMIC.search(name) and not _ADMIN.search(name)) \
                    else "school"
                out.append(UnitHit(typ, name, a, b, text[a:b], "units in lower case, listed (text's own names)", 0.5))
        return out

    def _home_word(self, w: str) -> bool:
        """Whether ``w`` is the home's own word ("Helsinki" of "University of Helsinki", "Lancaster" of "Lancaster
        University"): a unit named with it ("Helsinki Institute of Life Science") is the home's."""
        if self._home_words is None:
            self._home_words = home_words(self.home_forms)
        return re.sub(r"['’]s$", "", w) in self._home_words

    def _partner_owner(self, a: int, b: int) -> bool:
        """Whether the possessive owner text[a:b] ("Fudan's", "UCL’s") is a partner's name or a word of it (a
        partner named in full elsewhere on the page), not the home's."""
        owner = re.sub(r"['’]s?$", "", self.text[a:b]).strip()
        if not owner or owner in ("University", "College", "Institute", "School", "Academy") or \
                any(owner == f or f.startswith(owner + " ") or re.search(rf"\b{re.escape(owner)}\b", f)
                    for f in self.home_forms):
            return False
        if any(st not in ("home",) and s <= a < e for s, e, st in self._ox.overlapping(a, b)):
            return True
        if self._partner_words is None:
            ws: set[str] = set()
            for s, e, st in self.org_spans:
                if st == "partner":
                    ws.update(w for w in re.findall(r"[A-Z][\w'’-]+", self.text[s:e]) if len(w) > 2)
            self._partner_words = ws
        return owner in self._partner_words

    def _home_owned(self, body: int) -> list[UnitHit]:
        """Units the text ties to the home by its name whose head word is in lower case or that are centres (which
        the phrase scan leaves to a list): (1) the items of a list that closes "… of <the home>" ("meet directors from
        the Lancaster Environment Centre, the Law school and the financial office of Lancaster University"); (2) a
        unit written right after the home's short name ("the UQ Employability office")."""
        text = self.text
        forms = [f for f in self.home_forms if len(f) > 2 or (len(f) == 2 and f.isupper())]
        if not forms:
            return []
        alt = "|".join(re.escape(f) for f in forms)
        out: list[UnitHit] = []

        def emit(a: int, b: int, how: str) -> None:
            phrase = text[a:b]
            words = phrase.split()
            head = words[-1].lower()
            if _PROGRAMME_UNITS.search(phrase) or any(w.lower() in ("this", "that", "our", "its", "their", "his", "her",
                                                                   "post", "box", "press", "high", "middle", "primary")
                                                     for w in words[:-1]) and head == "school":
                return
            if any(st != "home" for _, _, st in self._ox.overlapping(a, b)):
                return
            name = " ".join(w if w.lower() in ("of", "and", "for", "&") else w[:1].upper() + w[1:] for w in words)
            if head in ("centre", "center"):
                typ = "office" if _ADMIN.search(name) or _SERVICE_CENTRE.search(name) else "school"
            elif head == "unit":
                typ = "office"
            else:
                typ = "school" if head in ("school", "faculty", "college", "institute") else "office"
            out.append(UnitHit(typ, name, a, b, phrase, how, 0.6))

        item_rx = re.compile(r"(?:^|(?<=\s))(?:the\s+)?(?P<u>(?:[A-Z][\w'’&-]*\s+){1,5}(?:Centre|Center|Institute|School|Office|"
                             r"Department|Faculty|College|Unit)|(?:School|Faculty|College|Department|Office|Institute|Cent(?:re|er))"
                             r"\s+(?:of|for)\s+[A-Z][\w'’&-]*(?:\s+[A-Z][\w'’&-]*){0,3}|"
                             r"(?:(?:[A-Z][\w'’&-]*|[a-z]{4,})\s+){1,3}(?:school|office|centre|center|unit))$")
        for m in re.finditer(rf"[ \t]+(?:of|at)[ \t]+(?:the[ \t]+)?(?:{alt})\b", text[body:]):
            end = body + m.start()
            ss = max(text.rfind(".", max(body, end - 300), end), text.rfind("\n", max(body, end - 300), end),
                     max(body, end - 300) - 1) + 1
            pos = end
            while pos > ss:
                im = item_rx.search(text, ss, pos)
                if not im:
                    break
                a, b = im.start("u"), im.end("u")
                last = text[a:b].split()[-1]
                if last in ("school", "office", "centre", "center", "unit") or \
                        (last in ("Centre", "Center", "Institute") and not re.match(r"(?:Institute|Cent(?:re|er))\s", text[a:b])):
                    emit(a, b, "unit listed as the home's (text's own name)")  # (the others: the phrase scan's)
                gap = re.search(r"(?:,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+)(?:the[ \t]+)?$", text[ss:im.start()])
                if not gap:
                    break
                pos = ss + gap.start()
        for m in re.finditer(rf"\b(?:{alt})[ \t]+(?P<u>(?:[A-Z][\w'’&-]*[ \t]+){{1,3}}(?:office|unit|centre|center))\b",
                             text[body:]):
            emit(body + m.start("u"), body + m.end("u"), "unit after the home's name (text's own name)")
        return out

    def _form_ok(self, s: int, e: int, form: str) -> bool:
        text = self.text
        if CJK.search(form):
            if s > 0 and CJK.match(text[s - 1]) and text[s - 1] not in _ZH_OK_BEFORE and \
                    s not in self._home_ends:
                return False  # 理学院 inside 经济管理学院, 工学院 inside 汉阳大学工学院 (but 吉林大学外国语学院 is home's)
            return True
        before = text[s - 1] if s > 0 else " "
        after = text[e] if e < len(text) else " "
        if before.isalnum() or after.isalnum() or before in "-_" or after in "-_":
            return False
        if form.isupper() and len(form) <= 4:
            return True
        return True


# the scans of this module that open with \b, a look-behind or a capital, faster with the same matches
# (fastre.py)
(_UNIT_EN, _ACADEMIC, _YOUTH_LEAGUE) = (
    guarded(p) for p in (_UNIT_EN, _ACADEMIC, _YOUTH_LEAGUE))


# more of this module's scans that open with \b, a look-behind or a repeated set, faster with the same matches
# (fastre.py)
(_ABBREV_DOT, _ROLE_BEFORE_UNIT, _PLANNED_BEFORE, _NATION_SIDE, _MET_WITH, _VENUE_IN_NAME, _GOVERNMENT_BEFORE,
 _ROLE_OFFICE) = (
    guarded(p) for p in (_ABBREV_DOT, _ROLE_BEFORE_UNIT, _PLANNED_BEFORE, _NATION_SIDE, _MET_WITH, _VENUE_IN_NAME,
                         _GOVERNMENT_BEFORE, _ROLE_OFFICE))
