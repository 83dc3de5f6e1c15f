"""The extractor: a SourceDocument → facts with evidence.

Stages (each in its own module): layout (title, header lines, dateline, paragraphs,
sentences) → dates → organisations (partners and their countries) → the home
institution → schools and offices → people → counts → activity kinds. Every fact is a
:class:`Mention` with its sentence, character span, method and confidence.

The home institution is the reference list's when the text or the page's site names it;
otherwise the university the text speaks for, so that another university's news is read as
its own even with BISTU configured: scored on the page's site name, the dateline's source
("(XJTU)"), the title's subject, mentions, units written right after it (X大学外国语学院) and a
Chinese university's prior in this domain; a university of another country needs the site,
the dateline or the title (and then wins over a Chinese university that is only the visiting
delegation). Its units are then recognised by pattern under their own names (Chinese ones in
English through data/reference/unit_terms_zh.csv). Known organisations (known_orgs.csv: Chinese
universities, international bodies, companies) and a world universities list
(world_universities.csv) name organisations and give their country and kind.
"""
from __future__ import annotations

import dataclasses
import re

from etl.extract.activities import find_activities
from etl.extract.counts import find_counts_en, find_counts_zh
from etl.extract.dates import event_date, published_date
from etl.extract.model import Extraction, Mention
from etl.extract.orgs import Org, OrgFinder
from etl.extract.people import PeopleFinder
from etl.extract.text import layout
from etl.extract.units import UnitFinder
from etl.extract.zh_units import units_fit_list
from etl.extract.zh_text import is_traditional, restore, simplified
from etl.resolve.geo import load_gazetteer
from etl.resolve.reference import Reference, load_reference, norm
from etl.sources.base import SourceDocument

CJK = re.compile(r"[\u4e00-\u9fff]")


_UNIVERSITY_NAME = re.compile(r"universit|college|institute\s+of\s+technology|polytechnic|大学|学院", re.I)
# a title whose subject visits: "KTH Delegation Visits BISTU", "X President Visits Y", "英国X大学副校长一行访问我校"
_TITLE_VISITOR = re.compile(r"^[’']?s?\s+(?:[A-Z][\w-]*\s+){0,3}?(?:Delegation|President|Rector|Vice-Chancellor|Chancellor|"
                            r"Provost|Leaders?|Team|Ambassador|Minister)s?\s+(?:Visits?|Pays?|Arrives?|Comes?|Calls?)\b|"
                            r"^[\u4e00-\u9fff·（）()A-Za-z\s]{0,20}?(?:代表团|一行|访问团)?(?:访问|来访|到访|来校|访)(?:我校|本校)?",
                            re.I)
_OUR = re.compile(r"我校|本校|\bour\s+university\b", re.I)
# the text's own voice: a unit or office right after the name (X大学外国语学院, "X's School of", "X University
# International Office") belongs to the university whose news it is
_OWNS_UNIT = re.compile(r"^(?:[’']s\s+|\s+)?(?:[A-Z][\w-]*\s+){0,4}?(?:School|College|Faculty|Office|Department)\b|"
                        r"^[\u4e00-\u9fff]{2,14}?(?:学院|学部|研究生院|处|办公室)")


_VISITOR_BEFORE = re.compile(r"\b(?:delegations?|guests?|visitors?)\s+(?:\w+\s+){0,2}?from\s+(?:the\s+)?$", re.I)
_VISITOR_AFTER = re.compile(r"^\s+(?:delegation|guests|visitors)\b", re.I)


def _visitor(o: Org, text: str) -> bool:
    """The text names ``o`` as the visiting side ("a delegation from X", "X delegation") and never as the title's
    subject: in another country's university news a Chinese partner's delegation is the guest."""
    return any(_VISITOR_BEFORE.search(text[max(0, m.start - 60):m.start]) or _VISITOR_AFTER.match(text[m.end:m.end + 20])
               for m in o.mentions)


def _site_text(meta: dict) -> str:
    return " ".join(str(meta.get(k) or "") for k in ("sitename", "site", "hostname", "source"))


def _home_score(o: Org, text: str, lay, site: str, lead_end: int) -> tuple[float, str]:
    """How strongly the text speaks for university ``o`` (the home institution of the news), and
    the strong signal that says so, if any: "site" (the page's site name), "dateline" (its source), "title"
    (the title's subject, unless it is a visitor: "X Delegation Visits Y")."""
    forms = [a for a in o.aliases | {o.name} if len(a) >= 2]
    score, strong = 0.0, ""
    site_n = norm(site)
    if site_n and any(len(norm(f)) >= 3 and re.search(rf"(?<!\w){re.escape(norm(f))}(?!\w)", site_n) for f in forms):
        score, strong = score + 6, "site"  # the page's site name
    if lay.dateline_source and (lay.dateline_source in o.aliases or norm(lay.dateline_source) == norm(o.name)):
        score, strong = score + 6, "dateline"  # "Beijing, 7 March 2024 (BISTU)---"
    title = lay.title_text()
    if title:
        # the title's subject: the name, or its distinctive word ("Purdue, IIT Madras sign …", "Leeds and …")
        short = re.sub(r"^(?:the\s+)?(?:university\s+of\s+)?|\s+university$", "", o.name, flags=re.I)
        lead = next((f for f in sorted(forms, key=len, reverse=True) if title.startswith(f)), None)
        if lead is None and len(short) >= 4 and " " not in short and re.match(rf"{re.escape(short)}\b", title):
            lead = short
        if lead is not None:
            if not _TITLE_VISITOR.match(title[len(lead):]):  # not the visitor ("X Delegation Visits Y")
                score, strong = score + 3, strong or "title"
        elif any(f in title for f in forms):
            score += 1.5
    n = len(o.mentions)
    score += 0.5 * min(n, 6)
    if any(m.start < lead_end for m in o.mentions):
        score += 1
    owns = sum(1 for m in o.mentions if _OWNS_UNIT.match(text[m.end:m.end + 40]))
    score += 2 * min(owns, 2)
    if o.country == "CN":
        score += 1.5 + (1 if _OUR.search(text) else 0)
    elif o.country is None:
        score += 0.5
    if o.registry is not None:
        score -= 4  # a known partner of the configured home
    return score, strong


def _detect_home(text: str, lay, ref: Reference, orgs: list[Org], finder: OrgFinder, meta: dict) -> tuple[str | None, Org | None, bool]:
    """(home name, the Org that is home if found among the organisations, whether the reference
    list's units apply).

    The configured home is the home when the text or the page's site names it. Otherwise the news
    is another university's (or the configured home's, naming no one): the university the text speaks
    for is chosen by its signals (site name, dateline source, title, mentions, units named right after it,
    a Chinese university in Chinese or Chinese-English news); a visiting delegation's university counts
    against. A university of another country is home only with a strong signal (site, dateline, title).
    """
    names_ref = bool(finder.home_spans)
    site = _site_text(meta)
    if ref.home_name and (names_ref or any(len(norm(f)) >= 3 and norm(f) in norm(site) for f in ref.home_forms() if f)):
        return ref.home_name, None, True
    lead_end = lay.paragraphs[0][1] if lay.paragraphs else len(text)
    scored, foreign = [], []
    for o in orgs:
        if o.status != "partner" or not o.mentions:
            continue
        if o.kind not in ("university", "institute") or not any(_UNIVERSITY_NAME.search(a) for a in o.aliases | {o.name}):
            continue
        sc, strong = _home_score(o, text, lay, site, lead_end)
        if o.country == "CN":
            scored.append((sc, -o.first.start, o))
        elif strong:
            foreign.append((sc, -o.first.start, o, strong))
    # a university of another country: by the page's site or dateline, or by the title when no Chinese
    # university of the text could be home or those that could are visitors ("a delegation from X visited Y")
    cn_best = max((x[0] for x in scored), default=0)
    cn_hosts = [x for x in scored if x[0] >= 2.5 and not _visitor(x[2], text)]
    by_title = [x[:3] for x in foreign if x[3] == "title"]
    if cn_best >= 2.5 and not cn_hosts and by_title:
        scored = [x for x in scored if not _visitor(x[2], text)]  # the Chinese visitors are not home
    scored += [x[:3] for x in foreign if x[3] in ("site", "dateline") or cn_best < 2.5 or
               (x[3] == "title" and not cn_hosts)]
    cand = None
    if scored:
        scored.sort(key=lambda x: (x[0], x[1]), reverse=True)
        best = scored[0]
        if best[0] >= 2.5 and (len(scored) == 1 or best[0] > scored[1][0]):
            cand = best[2]
    if cand is not None:
        cand.status, cand.reason = "home", "home institution (recognised from the text)"
        return cand.name, cand, False
    if finder.lang == "zh" and ref.home_name and not units_fit_list(
            text, lay, ref, [(m.start, m.end, o.status) for o in orgs for m in o.mentions], finder.home_spans):
        return None, None, False  # another university's news that does not write its name (zh_units.py)
    return ref.home_name, None, bool(ref.home_name)


_UNIT_ORG = re.compile(r"\b(?:College|School|Institute|Academy|Faculty)\b(?!.*\bUniversity\b)")
_OF_OWNER = re.compile(r"\s*(?:[(（][^()（）]{1,20}[)）]\s*)?,?\s*(?:of|at)\s+(?:the\s+)?")


def _home_units_among_orgs(text: str, orgs: list[Org], home_spans: list[tuple[int, int]]) -> None:
    """A college or institute named by pattern as an organisation that the text places under the home
    institution ("the Beijing-Dublin International College (BDIC) of Beijing University of Technology")
    is one of the home institution's units, not a partner."""
    if not home_spans:
        return
    for o in orgs:
        if o.status != "partner" or o.registry is not None or o.known is not None or not _UNIT_ORG.search(o.name):
            continue
        for m in o.mentions:
            om = _OF_OWNER.match(text, m.end)
            if om and any(hs <= om.end() < he for hs, he in home_spans):
                o.status, o.reason = "home", "a unit of the home institution"
                break


def extract(doc: SourceDocument, ref: Reference | None = None) -> Extraction:
    """Extract the facts of one document (pure: no database)."""
    ref = ref if ref is not None else load_reference()
    gaz = load_gazetteer()
    text = doc.text
    lang = doc.lang or ("zh" if len(CJK.findall(text[:2000])) > 20 else "en")
    if lang == "zh" and is_traditional(text):
        # traditional characters: read through a simplified view of the same length (zh_text.py)
        view = simplified(text)
        ex = extract(dataclasses.replace(doc, text=view, lang=lang, title=simplified(doc.title or "") or None), ref)
        restore(ex, text, view)
        return ex
    lay = layout(text, doc.title)
    out = Extraction(doc=doc.name, lang=lang, title=doc.title or lay.title_text() or None)

    # dates
    out.published = published_date(lay.header, doc.published, text)
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
    home, home_org, use_list = _detect_home(text, lay, ref, orgs, finder, doc.meta or {})
    out.home = home
    home_spans = list(finder.home_spans) + ([(m.start, m.end) for m in home_org.mentions] if home_org else [])
    _home_units_among_orgs(text, orgs, home_spans)
    partners = [o for o in orgs if o.status == "partner"]
    org_spans = [(m.start, m.end, o.status) for o in orgs for m in o.mentions]

    # schools and offices
    uf = UnitFinder(text, lay, ref, use_list=use_list, org_spans=org_spans, home_spans=home_spans, lang=lang)
    seen: set[str] = set()
    for h in uf.run():
        key = f"{h.type}:{norm(h.name)}"
        if key in seen:
            continue
        seen.add(key)
        out.mentions.append(Mention(h.type, key, {"name": h.name}, h.text, lay.sentence_at(h.start), h.start, h.end,
                                    h.method, h.confidence))

    # partners
    for o in sorted(partners, key=lambda x: x.first.start):
        f = o.first
        conf = 0.95 if o.registry is not None else 0.75
        method = o.first.method + (f"; country: {o.country_method}" if o.country_method else "")
        out.mentions.append(Mention("partner", f"partner:{norm(o.name)}",
                                    {"name": o.name, "country": o.country, "kind": o.kind},
                                    f.text, lay.sentence_at(f.start), f.start, f.end, method, conf))
    out.excluded = [{"name": o.name, "status": o.status, "reason": o.reason} for o in orgs if o.status != "partner"]

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
    for p in PeopleFinder(text, lay, org_mentions, unit_name, lang).run():
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
    for a in find_activities(text, lay.sentences, lay.title, partner_spans, ref.home_forms() if use_list else
                             ([home] if home else []), lead=lay.paragraphs[0] if lay.paragraphs else None):
        out.mentions.append(Mention("activity", f"activity:{a.kind}", {"kind": a.kind}, a.text, lay.sentence_at(a.start),
                                    a.start, a.end, f"rule: {a.rule} (score {a.score:.1f})", a.confidence))
    return out
