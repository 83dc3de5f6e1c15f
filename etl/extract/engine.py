"""The extractor: a SourceDocument → facts with evidence.

Stages (each in its own module): layout (title, header lines, dateline, paragraphs,
sentences) → dates → organisations (partners and their countries) → the home
institution → schools and offices → people → counts → activity kinds. Every fact is a
:class:`Mention` with its sentence, character span, method and confidence.

The home institution is the reference list's when the text names it (or names no other
university as its own); otherwise the university the text speaks for (the source in the
dateline, "(XJTU)", or the Chinese university named in the title and lead), whose units
are then recognised by pattern under their own names.
"""
from __future__ import annotations

import re

from etl.extract.activities import find_activities
from etl.extract.counts import find_counts_en, find_counts_zh
from etl.extract.dates import event_date, published_date
from etl.extract.model import Extraction, Mention
from etl.extract.orgs import Org, OrgFinder
from etl.extract.people import PeopleFinder
from etl.extract.text import layout
from etl.extract.units import UnitFinder
from etl.resolve.geo import load_gazetteer
from etl.resolve.reference import Reference, load_reference, norm
from etl.sources.base import SourceDocument

CJK = re.compile(r"[\u4e00-\u9fff]")


def _detect_home(text: str, lay, ref: Reference, orgs: list[Org], finder: OrgFinder, meta: dict) -> tuple[str | None, Org | None, bool]:
    """(home name, the Org that is home if found among the organisations, whether the reference
    list's units apply)."""
    names_ref = bool(finder.home_spans)
    site = " ".join(str(meta.get(k) or "") for k in ("sitename", "site", "hostname", "source"))
    if ref.home_name and (names_ref or any(norm(f) in norm(site) for f in ref.home_forms() if f)):
        return ref.home_name, None, True
    # the source in the dateline: "Beijing, 7 March 2024 (XJTU)---"
    cand = None
    if lay.dateline_source:
        src = lay.dateline_source
        for o in orgs:
            if src in o.aliases or norm(src) == norm(o.name):
                cand = o
                break
    if cand is None and ref.home_name:
        # with a configured home, another university is home only when the title starts with its name
        title = lay.title_text()
        for o in orgs:
            if o.kind == "university" and o.registry is None and o.country in (None, "CN") and title and \
                    any(title.startswith(a) for a in o.aliases):
                cand = o
                break
        if cand is None:
            return ref.home_name, None, True
    if cand is None:
        # a university of this country (or of none known) named in the title or the lead as the subject
        lead_end = lay.paragraphs[0][1] if lay.paragraphs else len(text)
        scored = []
        for o in orgs:
            if o.kind != "university" or o.status != "partner" or o.registry is not None:
                continue
            if o.country not in (None, "CN"):
                continue
            early = min(m.start for m in o.mentions)
            if early > lead_end:
                continue
            scored.append((-len(o.mentions), early, o))
        if scored and (not ref.home_name or re.search(r"我校|\bour\s+university\b", text, re.I) is None):
            scored.sort(key=lambda x: (x[0], x[1]))
            cand = scored[0][2]
    if cand is not None and not (ref.home_name and re.search(r"我校|本校", text) and not cand.mentions):
        if ref.home_name is None or cand.country in (None, "CN"):
            cand.status, cand.reason = "home", "home institution (recognised from the text)"
            return cand.name, cand, False
    return ref.home_name, None, bool(ref.home_name)


def extract(doc: SourceDocument, ref: Reference | None = None) -> Extraction:
    """Extract the facts of one document (pure: no database)."""
    ref = ref if ref is not None else load_reference()
    gaz = load_gazetteer()
    text = doc.text
    lang = doc.lang or ("zh" if len(CJK.findall(text[:2000])) > 20 else "en")
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
