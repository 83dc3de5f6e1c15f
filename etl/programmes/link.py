"""The programme linker: report rows, register entries and news mentions → programme records.

``link_programmes(session)`` rebuilds what the records should be from everything loaded, then
writes only the difference (so a run over unchanged data writes nothing, and a record keeps its
id and key through runs). It runs at the end of every ETL run (etl/pipeline.py) and after a
curator's decision about a programme (curation.py in this package).

What makes a refresh cheap when little changed: a run whose input did not change is skipped (a
fingerprint in derived_stamps); the expensive part of a run, finding each news text's programme
mentions (cues.py), is kept per document in programme_mentions with a digest of all it reads, so
only new or changed documents (or those whose partners' forms or facts changed) are read again;
the matching, cheap with each record's attributes memoized, runs over every source in the same
order, so the records are those a full rebuild makes; and the child rows (links, partners,
schools, students) are compared in one read per table and only the rows that differ written.
And a refresh whose only changes are documents that change no programme mention (an edit outside
the programme sentences, an article naming no programme, added or gone) keeps the records without
matching anything: only the documents changed since the last link are looked at
(``Linker.refresh``; everything else the linker reads is digested by ``Linker.inputs``).
Where a record's status was read is kept as fields (``Programme.status_from``, see status_text).

Order and rules:

1. every row of a joint-programs report is a joint programme; a row of a later report that has
   the same partner, school, level and mode and a similar name is the same programme;
2. every register entry (the Ministry's list) is matched to a joint programme by partner and
   level (school, mode, approval year and name break ties), else it is a record of its own;
3. every news mention (cues.py) is matched to a record of its partner and kind (mode, level,
   school, year and the words of its name break ties), else it starts one;
4. every outbound-students row, by its programme type (2+2 → joint programme, semester exchange,
   research internship, summer or winter school); every agreement row whose type names a
   programme (joint-program, student-exchange, summer-school agreements; research-cooperation
   agreements link to a joint lab or centre that the news names, and never start one).

A match between two or more equally good records links to the best of them (the earliest) with
status ``review`` and queues a review item (kind ``programme``). Curators' decisions (merge, split,
rename, accept or reject a link, link a document) are ``Curation`` rows re-applied here on every
run, after the records are rebuilt, so no run undoes them.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from etl.load.models import (
    Agreement,
    Curation,
    Document,
    Fact,
    Mobility,
    Partner,
    Program,
    Programme,
    ProgrammeLink,
    ProgrammeMention,
    ProgrammePartner,
    ProgrammeStudents,
    ProgrammeUnit,
    RegisterEntry,
    ReportFile,
    ReviewItem,
    Unit,
    _now,
)
from etl.programmes import cues as _cues
from etl.programmes.cues import HOME, Mention, any_cue, mentions
from etl.resolve.entities import merge_redirects, partner_forms, unit_forms
from etl.resolve.reference import norm

log = logging.getLogger("etl.programmes")

CURATION_ACTIONS = ("merge_programme", "split_programme", "rename_programme", "accept_programme_link",
                    "reject_programme_link", "link_programme")
STATUS_WORDS = {"active": "active", "running": "active", "suspended": "suspended", "closed": "closed",
                "pending approval": "pending", "pending": "pending", "approved": "active", "expired": "closed"}
_STOP = frozenset("""a an and the of in for at to with on by program programme programs programmes joint
degree undergraduate master masters phd doctoral double sino foreign cooperative bistu university
school students student agreement""".split())
_KIND_WORDS = {("joint_programme", None): "joint programme", ("exchange", "semester"): "student exchange",
               ("exchange", "internship"): "research internship", ("exchange", None): "exchange",
               ("summer_school", "summer"): "summer programme", ("summer_school", "winter"): "winter programme",
               ("summer_school", None): "short-term programme", ("visiting_scholar", None): "visiting scholars",
               ("research_centre", None): "joint research centre"}
SOURCE_RANK = {"programs": 0, "register": 1, "agreements": 2, "mobility": 3, "document": 4, "curator": 5}


# the cue tables and rules as they are: a kept document's mentions are found again when they change
_CUES_SOURCE = hashlib.sha256(open(_cues.__file__, "rb").read()).hexdigest()[:16]
# the linker as it is: records kept from a run of other code are built again (see link_programmes)
_LINK_SOURCE = hashlib.sha256(open(__file__, "rb").read()).hexdigest()[:16]


def _digest(content_hash: str | None, lang: str | None, year: int | None, inputs: tuple) -> str:
    """What finding a document's mentions reads, and the year they are kept with, hashed
    (programme_mentions.digest)."""
    partners, schools, counts = inputs
    raw = json.dumps([_CUES_SOURCE, content_hash, lang, year, list(partners.items()), list(schools.items()), counts],
                     ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _mention_json(m: Mention, year: int | None) -> dict[str, Any]:
    """A mention as programme_mentions keeps it, with its document's year (where matching places it)."""
    return {"partner": m.partner, "kind": m.kind, "variant": m.variant, "sentence": m.sentence, "start": m.start,
            "end": m.end, "cue": m.cue, "mode": m.mode, "level": m.level, "schools": sorted(m.schools),
            "how": m.how, "counts": [list(c) for c in m.counts], "year": year}


def _matching_input(kept: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """All that matching reads of a document's kept mentions: each mention but its offsets (an edit
    elsewhere in the text moves them), with whether it is alone in its sentence, and the year. Two
    equal values: the document's links are the same wherever it stands among the others."""
    kept = json.loads(json.dumps(kept or []))  # the same types whether read back or just found
    per_sentence: dict[Any, int] = defaultdict(int)
    for x in kept:
        per_sentence[x.get("start")] += 1
    return [{**{k: v for k, v in x.items() if k not in ("start", "end")}, "alone": per_sentence[x.get("start")] == 1}
            for x in kept]


def _mention_of(x: dict[str, Any]) -> Mention:
    return Mention(partner=x["partner"], kind=x["kind"], variant=x["variant"], sentence=x["sentence"],
                   start=x["start"], end=x["end"], cue=x["cue"], mode=x["mode"], level=x["level"],
                   schools=set(x["schools"]), how=x["how"], counts=[tuple(c) for c in x["counts"]])


def _tokens(text: str | None) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", (text or "").casefold()) if w not in _STOP and len(w) > 2}


def program_type_kind(label: str | None) -> tuple[str, str | None, str | None] | None:
    """An outbound row's programme type → (kind, variant, mode); None: not a programme we know."""
    t = (label or "").casefold()
    m = re.search(r"(\d)\s*\+\s*(\d)", t)
    if m:
        return "joint_programme", None, f"{m.group(1)}+{m.group(2)}"
    if "intern" in t or "实习" in t:
        return "exchange", "internship", None
    if "winter" in t or "寒假" in t or "冬令营" in t:
        return "summer_school", "winter", None
    if "summer" in t or "暑期" in t or "夏令营" in t:
        return "summer_school", "summer", None
    if "short" in t or "研修" in t or "camp" in t:
        return "summer_school", None, None
    if "exchange" in t or "交换" in t or "semester" in t or "study abroad" in t:
        return "exchange", "semester", None
    if "joint" in t or "double" in t or "dual" in t or "联合培养" in t:
        return "joint_programme", None, None
    return None


def agreement_kind(agreement_type: str | None) -> tuple[str, str | None] | None:
    t = (agreement_type or "").casefold()
    if "joint program" in t or "joint degree" in t or "合作办学" in t or "联合培养" in t:
        return "joint_programme", None
    if "student exchange" in t or "学生交换" in t:
        return "exchange", "semester"
    if "summer school" in t or "暑期" in t:
        return "summer_school", "summer"
    if "research" in t or "科研" in t:
        return "research_centre", None
    return None


# -- what a source says of its programme ---------------------------------------------------

@dataclass
class Link:
    """One source of a record, with what it contributes to the record's attributes."""

    target: str  # document | programs | agreements | mobility | register | curator
    document_id: int | None = None
    report_id: int | None = None
    row: int | None = None
    row_id: int | None = None
    year: int | None = None
    evidence: str | None = None
    method: str = ""
    confidence: float = 1.0
    status: str = "linked"
    candidates: list[str] = field(default_factory=list)  # the other keys an ambiguous link could have
    # contributions
    partners: list[tuple[int | None, str]] = field(default_factory=list)
    units: set[int] = field(default_factory=set)
    name: str | None = None
    level: str | None = None
    mode: str | None = None
    start_year: int | None = None
    years: set[int] = field(default_factory=set)
    status_said: tuple[str, dict] | None = None  # (status, where: status_from's fields) as a report says it
    validity: tuple[int | None, dict] | None = None  # (expiry year, where): an agreement or the register
    students: list[dict[str, Any]] = field(default_factory=list)
    ref: str = ""  # a readable reference of the source (file name and row, document)

    @property
    def lkey(self) -> tuple:
        return (self.target, self.document_id, self.report_id, self.row)


@dataclass
class Rec:
    key: str
    kind: str
    origin: str
    partner: int | str | None  # the partner it was keyed on (id, HOME, or a name)
    variant: str | None = None
    label: str | None = None
    links: dict[tuple, Link] = field(default_factory=dict)
    state: str = "ok"
    merged_into: str | None = None
    # what live(), first(), units, names and first_year worked out: a record of a popular programme
    # has thousands of links, and matching asks these of every candidate for every source. A new
    # link updates them in place (first: the value of the earliest link in live()'s order, units and
    # name words: unions, the earliest year: a min); a replaced link forgets them, and so do the
    # curations, which change links in place (forget() on every record after each decision)
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def forget(self) -> None:
        self.memo.clear()

    def add(self, link: Link) -> None:
        old = self.links.get(link.lkey)
        if old is None:
            self.links[link.lkey] = link
            self._grown(link)
        elif (old.status == "review" and link.status == "linked") or link.confidence > old.confidence:
            self.links[link.lkey] = link
            self.memo.clear()

    def _grown(self, lk: Link) -> None:
        m = self.memo
        if not m or lk.status == "rejected":  # nothing worked out yet, or not a live link
            return
        for k in ("live", "names"):
            m.pop(k, None)
        key = _order(lk)
        for k in [k for k in m if isinstance(k, tuple)]:
            v = getattr(lk, k[1])
            if v not in (None, "", set(), []) and (m[k] is None or key < m[k][0]):
                m[k] = (key, v)
        if "units" in m and lk.units:
            m["units"] = m["units"] | frozenset(lk.units)
        if "tokens" in m and lk.name:
            m["tokens"] = m["tokens"] | frozenset(_tokens(lk.name))
        if "min_year" in m and lk.years:
            low = min(lk.years)
            m["min_year"] = low if m["min_year"] is None else min(m["min_year"], low)
        if "sino_foreign" in m and _sino_foreign(lk.name):
            m["sino_foreign"] = True

    def live(self) -> list[Link]:
        got = self.memo.get("live")
        if got is None:
            got = self.memo["live"] = sorted((lk for lk in self.links.values() if lk.status != "rejected"), key=_order)
        return list(got)

    def first(self, attr: str):
        key = ("first", attr)
        if key not in self.memo:
            out = None
            for lk in self.live():
                v = getattr(lk, attr)
                if v not in (None, "", set(), []):
                    out = (_order(lk), v)
                    break
            self.memo[key] = out
        got = self.memo[key]
        return None if got is None else got[1]

    @property
    def units(self) -> set[int]:
        if "units" not in self.memo:
            self.memo["units"] = frozenset(u for lk in self.live() for u in lk.units)
        return set(self.memo["units"])

    @property
    def names(self) -> list[str]:
        if "names" not in self.memo:
            out: list[str] = []
            seen: set[str] = set()
            for lk in self.live():
                if lk.name and lk.name not in seen:
                    seen.add(lk.name)
                    out.append(lk.name)
            self.memo["names"] = tuple(out)
        return list(self.memo["names"])

    @property
    def sino_foreign(self) -> bool:
        """Whether one of its names says it is a Sino-foreign cooperative programme (what a news
        mention without a partner is matched on): whatever the links' order, so a new link keeps
        it up to date instead of making the next call sort all of them (:meth:`_grown`)."""
        if "sino_foreign" not in self.memo:
            self.memo["sino_foreign"] = any(_sino_foreign(n) for n in self.names)
        return self.memo["sino_foreign"]

    def name_tokens(self) -> frozenset[str]:
        """The words of all its names (what matching compares a source's words with)."""
        if "tokens" not in self.memo:
            self.memo["tokens"] = frozenset(set().union(*(_tokens(n) for n in self.names or [""])))
        return self.memo["tokens"]

    @property
    def first_year(self) -> int | None:
        start = self.first("start_year")
        if start is not None:
            return start
        if "min_year" not in self.memo:
            self.memo["min_year"] = min((y for lk in self.live() for y in lk.years), default=None)
        return self.memo["min_year"]


def _sino_foreign(name: str | None) -> bool:
    return bool(name) and ("sino-foreign" in name.casefold() or "中外合作" in name)


def _order(lk: Link) -> tuple:
    """A record's links in this order: the office's reports, the register, agreements, outbound rows,
    news, curators' links; then by year, report, row, document."""
    return (SOURCE_RANK.get(lk.target, 9), lk.year or 0, lk.report_id or 0, lk.row or 0, lk.document_id or 0)


class Linker:
    def __init__(self, session: Session):
        self.s = session
        rows = {p.id: p for p in session.scalars(select(Partner))}
        self.redirect = merge_redirects(session, rows)
        self.partners = rows
        self.units = {u.id: u for u in session.scalars(select(Unit))}
        self.recs: dict[str, Rec] = {}
        self.mentions_read = 0  # documents whose programme mentions were found again this run
        self.touched = 0  # documents added, changed or gone since the last link (refresh)
        self.index: dict[tuple, list[Rec]] = defaultdict(list)  # (kind, partner) → records

    # -- helpers --------------------------------------------------------------------------
    def pid(self, partner_id: int | None) -> int | None:
        return None if partner_id is None else self.redirect.get(partner_id, partner_id)

    def pkey(self, partner_id: int | None, name: str | None) -> int | str | None:
        pid = self.pid(partner_id)
        if pid is not None:
            return pid
        return norm(name) if name else None

    def pname(self, partner: int | str | None, fallback: str | None = None) -> str:
        if isinstance(partner, int) and partner in self.partners:
            return self.partners[partner].name
        if partner == HOME:
            return "BISTU"
        return fallback or str(partner or "")

    def _pslug(self, partner: int | str | None) -> str:
        return f"p{partner}" if isinstance(partner, int) else ("home" if partner == HOME else f"n:{partner or ''}")

    def new(self, key: str, kind: str, origin: str, partner, variant: str | None = None) -> Rec:
        rec = self.recs.get(key)
        if rec is None:
            rec = self.recs[key] = Rec(key, kind, origin, partner, variant)
            self.index[(kind, partner)].append(rec)
        return rec

    def match(self, kind: str, partner, *, variant: str | None = None, mode: str | None = None,
              level: str | None = None, units: Iterable[int] = (), year: int | None = None,
              words: str | None = None) -> tuple[Rec | None, list[Rec], bool]:
        """(best record, the other candidates, ambiguous?) among the records of this partner and kind."""
        cands = []
        for r in self.index.get((kind, partner), []):
            if kind in ("exchange", "summer_school") and variant and r.variant and variant != r.variant:
                continue
            if kind == "joint_programme":
                rm, rl = r.first("mode"), r.first("level")
                if mode and rm and mode != rm:
                    continue
                if level and rl and level != rl:
                    continue
            cands.append(r)
        if not cands:
            return None, [], False
        units = set(units)
        wt = _tokens(words)

        def score(r: Rec) -> float:
            sc = 0.0
            if mode and r.first("mode") == mode:
                sc += 1
            if level and r.first("level") == level:
                sc += 1
            if units and not units.isdisjoint(r.units):
                sc += 1
            if wt:
                sc += 2 * min(1, len(wt & r.name_tokens()))
            fy = r.first_year
            if year is not None and fy is not None and fy > year:
                sc -= 0.5  # not started yet at the time of the source
            return sc

        scored = sorted(((score(r), r) for r in cands),
                        key=lambda x: (-x[0], x[1].first_year or 9999, x[1].key))
        best = scored[0]
        ambiguous = len(scored) > 1 and scored[1][0] == best[0]
        return best[1], [r for _, r in scored[1:]], ambiguous

    # -- sources --------------------------------------------------------------------------
    def programs(self) -> None:
        q = (select(Program, ReportFile).join(ReportFile, ReportFile.id == Program.report_id)
             .where(ReportFile.status == "active").order_by(ReportFile.uri, ReportFile.sheet, Program.row))
        for p, rf in self.s.execute(q):
            partner = self.pkey(p.partner_id, p.partner_name)
            units = {p.unit_id} if p.unit_id else set()
            link = Link("programs", report_id=rf.id, row=p.row, row_id=p.id, year=p.start_year,
                        evidence=_row_text(p.name, p.school_name, p.partner_name, p.level, p.mode, p.start_year,
                                           p.status, p.enrolment),
                        method="report row", name=p.name, level=p.level, mode=p.mode, start_year=p.start_year,
                        partners=[(self.pid(p.partner_id), p.partner_name or "")] if p.partner_name else [],
                        units=units, years={p.start_year} if p.start_year else set(),
                        ref=f"{_file(rf)} row {p.row}")
            if p.status:
                link.status_said = (STATUS_WORDS.get(p.status, "unknown"), {**_where(rf, p.row), "said": p.status})
            if p.enrolment is not None:
                link.students.append({"year": None, "students": p.enrolment, "source": "report", "what": "enrolment",
                                      "report_id": rf.id, "row": p.row, "evidence": f"{_file(rf)} row {p.row}"})
            same = None
            for r in self.index.get(("joint_programme", partner), []):
                if (r.first("mode") == p.mode and r.first("level") == p.level and (units & r.units or not units)
                        and any(_similar(p.name, n) for n in r.names)):
                    same = r
                    break
            rec = same or self.new(f"programs|{self._pslug(partner)}|{norm(p.name)}", "joint_programme", "report",
                                   partner)
            rec.add(link)

    def register(self) -> None:
        q = (select(RegisterEntry, ReportFile).join(ReportFile, ReportFile.id == RegisterEntry.report_id)
             .where(ReportFile.status == "active").order_by(ReportFile.uri, ReportFile.sheet, RegisterEntry.row))
        for e, rf in self.s.execute(q):
            partner = self.pkey(e.partner_id, e.partner_name)
            years = {y for y in (e.approval_year,) if y}
            students = []
            for y, n in sorted((e.enrolment_by_year or {}).items()):
                if n is not None and str(y).isdigit():
                    years.add(int(y))
                    students.append({"year": int(y), "students": int(n), "source": "register", "what": "intake",
                                     "report_id": rf.id, "row": e.row,
                                     "evidence": f"{_file(rf)} row {e.row}: {y} 招生 {n}"})
            link = Link("register", report_id=rf.id, row=e.row, row_id=e.id, year=e.approval_year,
                        evidence=f"{e.approval_no} {e.programme_name}", method="register entry",
                        name=e.programme_name, level=e.degree_level, mode=e.programme_mode,
                        partners=[(self.pid(e.partner_id), e.partner_name or "")] if e.partner_name else [],
                        units={e.unit_id} if e.unit_id else set(), years=years, students=students,
                        ref=f"{_file(rf)} row {e.row} ({e.approval_no})")
            if e.reg_status:
                link.status_said = (STATUS_WORDS.get(e.reg_status, "unknown"),
                                    {"kind": "register", "approval_no": e.approval_no, "said": e.reg_status})
            if e.expiry_year:
                link.validity = (e.expiry_year, {"kind": "register", "approval_no": e.approval_no,
                                                 "until": e.expiry_year})
            best, others, ambiguous = self.match("joint_programme", partner, mode=e.programme_mode,
                                                 level=e.degree_level, units=link.units, year=e.approval_year,
                                                 words=e.programme_name)
            if best is not None and any(lk.target == "register" for lk in best.links.values()):
                best = None  # one register entry per programme: a second entry is a programme of its own
            if best is None:
                self.new(f"register|{e.approval_no}", "joint_programme", "register", partner).add(link)
                continue
            link.method = "register entry: partner + level" + (" (ambiguous)" if ambiguous else "")
            link.confidence = 0.5 if ambiguous else 0.9
            if ambiguous:
                link.status, link.candidates = "review", [r.key for r in others]
            best.add(link)

    def documents(self) -> None:
        """Every active document's programme mentions, matched in order (year, URI). Finding a text's
        mentions is the expensive part: they are kept in programme_mentions with a digest of all
        that finding them reads (the text's hash, its language, the partner and school forms and
        the counts of its facts, the cue tables' source; and the document's year, kept with them),
        so only the documents whose digest changed are read again; the matching runs over all of
        them, in the same order, as before."""
        docs = self.s.execute(select(Document.id, Document.uri, Document.year, Document.lang, Document.content_hash)
                              .where(Document.status == "active").order_by(Document.year, Document.uri)).all()
        kept = {r.document_id: (r.digest, r.mentions)
                for r in self.s.execute(select(ProgrammeMention.document_id, ProgrammeMention.digest,
                                               ProgrammeMention.mentions))}
        found_of = self._find(docs, kept, every=True)
        active = {d.id for d in docs}
        self._forget([doc_id for doc_id in kept if doc_id not in active])
        for d in docs:
            found = [_mention_of(x) for x in found_of.get(d.id) or []]
            per_sentence: dict[int, int] = defaultdict(int)
            for m in found:
                per_sentence[m.start] += 1
            for m in found:
                self._mention(d, m, alone=per_sentence[m.start] == 1)

    def _find(self, docs: list, kept: dict[int, tuple], *, every: bool = False) -> dict[int, list[dict]]:
        """The kept mentions (as programme_mentions keeps them) of each of ``docs``, found again in
        the texts whose digest changed, and written back. ``every``: ``docs`` are all the active
        documents (their facts in one read)."""
        facts_of: dict[int, list] = defaultdict(list)
        fq = (select(Fact.document_id, Fact.type, Fact.partner_id, Fact.unit_id, Fact.text, Fact.value, Fact.what,
                     Fact.start)
              .where(Fact.status == "ok", Fact.type.in_(("partner", "school", "count")))
              .order_by(Fact.document_id, Fact.start, Fact.id))
        if every:
            queries = [fq.join(Document, Document.id == Fact.document_id).where(Document.status == "active")]
        else:
            ids = [d.id for d in docs]
            queries = [fq.where(Fact.document_id.in_(ids[i:i + 500])) for i in range(0, len(ids), 500)]
        for q in queries:
            for f in self.s.execute(q):
                facts_of[f.document_id].append(f)
        found_of: dict[int, list[dict]] = {}
        todo: dict[int, tuple] = {}
        for d in docs:
            inputs = self._inputs(facts_of.get(d.id, []))
            digest = _digest(d.content_hash, d.lang, d.year, inputs)
            old = kept.get(d.id)
            if old is not None and old[0] == digest:
                found_of[d.id] = old[1] or []
            else:
                todo[d.id] = (digest, inputs, old is not None)
        self.mentions_read += len(todo)
        doc_of = {d.id: d for d in docs}
        ids = list(todo)
        now = _now()
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            texts = dict(self.s.execute(select(Document.id, Document.text).where(Document.id.in_(chunk))).all())
            fresh, stale = [], []
            for doc_id in chunk:
                digest, (partners, schools, counts), had = todo[doc_id]
                d = doc_of[doc_id]
                text = texts.get(doc_id) or ""
                found = mentions(text, d.lang, partners, schools, counts) if any_cue(text) else []
                found_of[doc_id] = [_mention_json(m, d.year) for m in found]
                row = dict(document_id=doc_id, digest=digest, mentions=found_of[doc_id], built_at=now)
                (stale if had else fresh).append(row)
            if stale:
                self.s.execute(delete(ProgrammeMention).where(
                    ProgrammeMention.document_id.in_([r["document_id"] for r in stale])))
            if fresh or stale:
                self.s.execute(insert(ProgrammeMention), fresh + stale)
        return found_of

    def _forget(self, doc_ids: list[int]) -> None:
        """The kept mentions of documents no longer active go."""
        for i in range(0, len(doc_ids), 500):
            self.s.execute(delete(ProgrammeMention).where(ProgrammeMention.document_id.in_(doc_ids[i:i + 500])))

    def refresh(self, since) -> bool:
        """The documents added, changed or gone since the last link (``since``: the newest document
        change that link saw) have their mentions found again where their digest changed, kept or
        forgotten. True when none of them changes what matching reads, so that the records built
        last time are those a full re-link would build now (the rest of the linker's input is
        unchanged: the caller checks :meth:`inputs`): a document whose matching input (its
        mentions but their offsets, its year) is as it was, or that has no mention before and
        after, changes no record, because matching is a function of that input and its order.
        False when one does, or when a curation names one (a decision that waited for it, or
        reads its year): then everything is matched again (:meth:`build`)."""
        from sqlalchemy import or_

        docs = self.s.execute(
            select(Document.id, Document.uri, Document.year, Document.lang, Document.content_hash)
            .outerjoin(ProgrammeMention, ProgrammeMention.document_id == Document.id)
            .where(Document.status == "active",
                   or_(Document.updated_at >= since, ProgrammeMention.document_id.is_(None)))).all()
        gone = self.s.execute(select(ProgrammeMention.document_id, ProgrammeMention.mentions, Document.uri)
                              .join(Document, Document.id == ProgrammeMention.document_id)
                              .where(Document.status != "active")).all()
        ids = [d.id for d in docs]
        kept: dict[int, tuple] = {}
        for i in range(0, len(ids), 500):
            kept.update((r.document_id, (r.digest, r.mentions)) for r in self.s.execute(
                select(ProgrammeMention.document_id, ProgrammeMention.digest, ProgrammeMention.mentions)
                .where(ProgrammeMention.document_id.in_(ids[i:i + 500]))))
        found_of = self._find(docs, kept)
        self._forget([g.document_id for g in gone])
        self.touched = len(docs) + len(gone)
        if any(g.mentions for g in gone):
            return False
        for d in docs:
            old = kept.get(d.id)
            if _matching_input(old[1] if old else []) != _matching_input(found_of[d.id]):
                return False
        named = self._curated_documents()
        if named:
            for uri in [d.uri for d in docs] + [g.uri for g in gone]:
                if any(uri == n or uri.endswith("/" + n.lstrip("/")) for n in named):
                    return False
        return True

    def _curated_documents(self) -> set[str]:
        """The documents (URIs or their ends) the active programme curations name."""
        out: set[str] = set()
        for p in self.s.scalars(select(Curation.payload).where(Curation.action.in_(CURATION_ACTIONS),
                                                               Curation.active.is_(True))):
            for ref in [p or {}, *((p or {}).get("links") or [])]:
                if isinstance(ref, dict) and ref.get("document"):
                    out.add(str(ref["document"]))
        return out

    def inputs(self, upto: tuple[int, int] | None = None) -> str:
        """A digest of all the linker reads but the documents and their facts (whose changes
        :meth:`refresh` finds): the partners (names, forms, status, merges), the schools, the
        report files, every active curation, and the linker's and the cues' code; then the highest
        partner and school ids (``digest:partner:school``). Equal to the last link's, with
        ``upto`` its highest ids: the records can be kept for what the documents did not change.
        A partner or school added since counts only through the documents whose facts name it
        (those were added or changed since; a report row names one only when its file is loaded
        again, and a merge is a curation)."""
        top = (max(self.partners, default=0), max(self.units, default=0))
        pmax, umax = upto or top
        rep = self.s.execute(select(ReportFile.id, ReportFile.uri, ReportFile.sheet, ReportFile.kind,
                                    ReportFile.status, ReportFile.content_hash, ReportFile.loaded_at)
                             .order_by(ReportFile.id)).all()
        cur = self.s.execute(select(Curation.id, Curation.action, Curation.target, Curation.payload)
                             .where(Curation.active.is_(True)).order_by(Curation.id)).all()
        parts = [LINKER_VERSION, _CUES_SOURCE, _LINK_SOURCE,
                 [(p.id, p.name, p.status, partner_forms(p)) for i, p in sorted(self.partners.items()) if i <= pmax],
                 sorted(self.redirect.items()),
                 [(u.id, unit_forms(u)) for i, u in sorted(self.units.items()) if i <= umax],
                 [list(r) for r in rep], [list(c) for c in cur]]
        raw = json.dumps(parts, ensure_ascii=False, default=str, sort_keys=True, separators=(",", ":"))
        return f"{hashlib.sha256(raw.encode('utf-8')).hexdigest()}:{top[0]}:{top[1]}"

    def _inputs(self, facts: list) -> tuple[dict[int, list[str]], dict[int, list[str]], list[tuple[int, str, int]]]:
        """A document's facts → what cues.mentions reads of them: partner id → forms, school id → forms, counts."""
        partners: dict[int, list[str]] = {}
        schools: dict[int, list[str]] = {}
        counts = []
        for f in facts:
            if f.type == "partner" and f.partner_id is not None:
                pid = self.pid(f.partner_id)
                p = self.partners.get(pid)
                if p is None or p.status == "rejected":
                    continue
                forms = partners.setdefault(pid, partner_forms(p))
                if f.text and f.text not in forms:
                    forms.append(f.text)
            elif f.type == "school" and f.unit_id is not None and f.unit_id in self.units:
                forms = schools.setdefault(f.unit_id, unit_forms(self.units[f.unit_id]))
                if f.text and f.text not in forms:
                    forms.append(f.text)
            elif f.type == "count" and f.value is not None and f.start is not None:
                counts.append((f.value, f.what or "", f.start))
        return partners, schools, counts

    def _mention(self, d, m: Mention, *, alone: bool) -> None:
        base = {"document": 0.9, "sentence": 0.9, "context": 0.8, "single partner": 0.75, "no partner": 0.6}
        link = Link("document", document_id=d.id, year=d.year, evidence=m.sentence[:1000], units=set(m.schools),
                    years={d.year} if d.year else set(), level=m.level, mode=m.mode,
                    name=f"{m.cue} ({self.pname(m.partner)})" if m.partner is not None else m.cue,
                    partners=[(m.partner, self.pname(m.partner))] if isinstance(m.partner, int) else [],
                    ref=d.uri.rsplit("/", 1)[-1])
        if alone:
            for value, what in m.counts:
                if what in ("students", "participants", "people"):
                    link.students.append({"year": d.year, "students": value, "source": "news", "what": "participants",
                                          "document_id": d.id, "evidence": m.sentence[:500]})
        how = f"{m.kind} cue “{m.cue}”" + ("" if m.how == "sentence" else f", partner from {m.how}")
        if m.partner is None:  # "the Sino-foreign cooperative master program": the one record that fits
            if not m.level:
                return
            fits = [r for r in self.recs.values() if r.kind == "joint_programme" and r.first("level") == m.level
                    and (r.sino_foreign
                         or any(lk.target == "register" for lk in r.links.values()))]
            if len(fits) == 1:
                link.method, link.confidence = how + "; the only Sino-foreign programme of that level", 0.6
                fits[0].add(link)
            return
        if m.partner == HOME:
            link.method, link.confidence = "BISTU's own international summer school", 0.9
            rec = self.new("summer_school|home", "summer_school", "news", HOME, "summer")
            rec.label = rec.label or "BISTU International Summer School"
            rec.add(link)
            return
        best, others, ambiguous = self.match(m.kind, m.partner, variant=m.variant, mode=m.mode, level=m.level,
                                             units=m.schools, year=d.year, words=m.sentence)
        conf = base.get(m.how, 0.7)
        if best is None:
            variant = m.variant if m.kind in ("exchange", "summer_school") else None
            key = f"{m.kind}|{self._pslug(m.partner)}" + (f"|{variant}" if variant else "")
            if m.kind == "joint_programme":
                key += f"|{m.mode or ''}|{m.level or ''}"
            rec = self.new(key, m.kind, "news", m.partner, variant)
            link.method, link.confidence = how + "; first source of this programme", conf
            rec.add(link)
            return
        link.method = how + ("; one of several equally likely programmes" if ambiguous else "")
        link.confidence = 0.5 if ambiguous else conf
        if ambiguous:
            link.status, link.candidates = "review", [r.key for r in others]
        best.add(link)

    def mobility(self) -> None:
        q = (select(Mobility, ReportFile).join(ReportFile, ReportFile.id == Mobility.report_id)
             .where(ReportFile.status == "active").order_by(ReportFile.uri, ReportFile.sheet, Mobility.row))
        for r, rf in self.s.execute(q):
            kind = program_type_kind(r.program_type)
            partner = self.pkey(r.partner_id, r.partner_name)
            if kind is None or partner is None:
                continue
            k, variant, mode = kind
            link = Link("mobility", report_id=rf.id, row=r.row, row_id=r.id, year=r.year,
                        evidence=_row_text(r.year, r.school_name, r.partner_name, r.program_type, r.students),
                        name=f"{r.program_type} ({r.partner_name})", mode=mode,
                        partners=[(self.pid(r.partner_id), r.partner_name or "")],
                        units={r.unit_id} if r.unit_id else set(), years={r.year} if r.year else set(),
                        ref=f"{_file(rf)} row {r.row}")
            if r.students is not None:
                link.students.append({"year": r.year, "students": r.students, "source": "report", "what": "outbound",
                                      "report_id": rf.id, "row": r.row, "evidence": f"{_file(rf)} row {r.row}"})
            self._report_link(link, k, variant, mode, partner, r.year, r.program_type, create=True)

    def agreements(self) -> None:
        q = (select(Agreement, ReportFile).join(ReportFile, ReportFile.id == Agreement.report_id)
             .where(ReportFile.status == "active").order_by(ReportFile.uri, ReportFile.sheet, Agreement.row))
        for a, rf in self.s.execute(q):
            kind = agreement_kind(a.type)
            partner = self.pkey(a.partner_id, a.partner_name)
            if kind is None or partner is None:
                continue
            k, variant = kind
            year = a.signed_date.year if a.signed_date else None
            link = Link("agreements", report_id=rf.id, row=a.row, row_id=a.id, year=year,
                        evidence=_row_text(a.partner_name, a.type, a.signed_date, a.expiry_date,
                                           "; ".join(a.school_names or [])),
                        name=f"{a.type} ({a.partner_name})",
                        partners=[(self.pid(a.partner_id), a.partner_name or "")],
                        units=set(a.unit_ids or []), years={year} if year else set(), ref=f"{_file(rf)} row {a.row}")
            where = {**_where(rf, a.row), "agreement_type": a.type}
            if a.expiry_date:
                link.validity = (a.expiry_date.year, {**where, "until": a.expiry_date.isoformat()})
            else:
                link.validity = (None, {**where, "open_ended": True})
            self._report_link(link, k, variant, None, partner, year, a.type, create=k != "research_centre")

    def _report_link(self, link: Link, kind: str, variant, mode, partner, year, words, *, create: bool) -> None:
        best, others, ambiguous = self.match(kind, partner, variant=variant, mode=mode, units=link.units, year=year,
                                             words=words)
        what = f"{link.target} row: {kind}" + (f" {variant}" if variant else "") + (f" {mode}" if mode else "")
        if best is None:
            if not create:
                return
            key = f"{kind}|{self._pslug(partner)}" + (f"|{variant}" if variant else "")
            if kind == "joint_programme":
                key += f"|{mode or ''}|"
            link.method, link.confidence = what + "; first source of this programme", 0.9
            self.new(key, kind, "report", partner, variant).add(link)
            return
        link.method = what + ("; one of several equally likely programmes" if ambiguous else " + partner")
        link.confidence = 0.5 if ambiguous else 0.9
        if ambiguous:
            link.status, link.candidates = "review", [r.key for r in others]
        best.add(link)

    # -- curators' decisions ---------------------------------------------------------------
    def curations(self) -> None:
        cs = self.s.scalars(select(Curation).where(Curation.action.in_(CURATION_ACTIONS), Curation.active.is_(True))
                            .order_by(Curation.id))
        for c in cs:
            p = c.payload or {}
            try:
                getattr(self, "_c_" + c.action)(c.target, p)
            except KeyError as exc:  # a record the data no longer has: the decision waits for it
                log.info("curation #%s (%s %s) not applied: %s", c.id, c.action, c.target, exc)
            for rec in self.recs.values():  # a decision changes links in place: what was worked out goes
                rec.forget()

    def _live(self, key: str) -> Rec:
        if key not in self.recs:  # keyed on a partner merged since: the key of the partner it leads to
            moved = re.sub(r"\bp(\d+)\b", lambda m: f"p{self.pid(int(m.group(1)))}", key)
            key = moved if moved in self.recs else key
        seen = set()
        rec = self.recs[key]
        while rec.state == "merged" and rec.merged_into and rec.key not in seen:
            seen.add(rec.key)
            rec = self.recs[rec.merged_into]
        return rec

    def _find_link(self, p: dict) -> tuple[Rec, Link] | None:
        want = _link_ref(p, self.s)
        for rec in self.recs.values():
            for lk in rec.links.values():
                if (lk.target, lk.document_id, lk.report_id, lk.row) == want:
                    return rec, lk
        return None

    def _c_merge_programme(self, key: str, p: dict) -> None:
        src, dst = self._live(key), self._live(p["into"])
        if src is dst:
            return
        for lk in src.links.values():
            dst.add(lk)
        src.links = {}
        src.state, src.merged_into = "merged", dst.key

    def _c_split_programme(self, key: str, p: dict) -> None:
        src = self._live(key)
        new = self.recs.get(p["new_key"]) or self.new(p["new_key"], p.get("kind") or src.kind, "split", src.partner,
                                                      src.variant)
        new.label = p.get("label") or new.label
        for ref in p.get("links", []):
            want = _link_ref(ref, self.s)
            for lk in list(src.links.values()):
                if (lk.target, lk.document_id, lk.report_id, lk.row) == want:
                    del src.links[lk.lkey]
                    lk.method = f"split from {src.key} by a curator"
                    new.add(lk)

    def _c_rename_programme(self, key: str, p: dict) -> None:
        self._live(key).label = p["to"]

    def _c_accept_programme_link(self, key: str, p: dict) -> None:
        hit = self._find_link(p)
        if hit is not None:
            rec, lk = hit
            dst = self._live(key)
            if rec is not dst:
                del rec.links[lk.lkey]
                dst.links[lk.lkey] = lk
            lk.status, lk.confidence, lk.candidates = "linked", 1.0, []
            lk.method = (lk.method or "") + "; accepted by a curator"

    def _c_reject_programme_link(self, key: str, p: dict) -> None:
        rec = self._live(key)
        want = _link_ref(p, self.s)
        for lk in rec.links.values():
            if (lk.target, lk.document_id, lk.report_id, lk.row) == want:
                lk.status, lk.candidates = "rejected", []

    def _c_link_programme(self, key: str, p: dict) -> None:
        rec = self._live(key)
        target, doc_id, rep_id, row = _link_ref(p, self.s)
        if target == "document" and doc_id is None:
            return
        year = None
        if doc_id is not None:
            year = self.s.scalar(select(Document.year).where(Document.id == doc_id))
        lk = Link(target, document_id=doc_id, report_id=rep_id, row=row, year=year, evidence=p.get("note"),
                  method="linked by a curator", confidence=1.0, years={year} if year else set(),
                  ref=str(p.get("document") or p.get("report")))
        rec.links[lk.lkey] = lk
        for other in self.recs.values():  # a curator's link replaces the linker's guess for that source
            if other is not rec and lk.lkey in other.links and other.links[lk.lkey].status == "review":
                del other.links[lk.lkey]

    def build(self) -> dict[str, Rec]:
        self.programs()
        self.register()
        self.documents()
        self.mobility()
        self.agreements()
        self.curations()
        return self.recs


def _link_ref(p: dict, s: Session) -> tuple:
    """(target, document id, report id, row) of a link named in a curation's payload: a document by its
    URI (or the end of it), a report row by the report's URI (or file name), sheet and row."""
    if p.get("document"):
        uri = p["document"]
        doc_id = s.scalar(select(Document.id).where(Document.uri == uri))
        if doc_id is None:
            hits = s.scalars(select(Document.id).where(Document.uri.endswith("/" + uri.lstrip("/")))).all()
            doc_id = hits[0] if len(hits) == 1 else None
        return ("document", doc_id, None, None)
    q = select(ReportFile).where(ReportFile.status == "active")
    files = [rf for rf in s.scalars(q) if rf.uri == p.get("report") or rf.uri.endswith("/" + str(p.get("report")))]
    if p.get("sheet") is not None:
        files = [rf for rf in files if rf.sheet == p["sheet"]]
    rf = files[0] if files else None
    return (rf.kind if rf else p.get("table"), None, rf.id if rf else None, p.get("row"))


def _where(rf: ReportFile, row: int | None) -> dict[str, Any]:
    """A report row as status_from names it: the file's name, its sheet, the row."""
    return {"kind": "report", "file": rf.uri.rsplit("/", 1)[-1], "sheet": rf.sheet, "row": row}


def status_text(src: dict[str, Any] | None) -> str:
    """Where a record's status was read (``Programme.status_from``), in English: "joint_programs.csv row 4:
    active", "partner_agreements.csv row 21: Student Exchange Agreement valid until 2028-05-10",
    "register MOE…: approved until 2027", "last spoken of in 2024" (the dashboard words it in 中文 too)."""
    if not src:
        return ""
    kind = src.get("kind")
    if kind == "years":
        return f"last spoken of in {src.get('year')}"
    if kind == "register":
        where = f"register {src.get('approval_no') or ''}".strip()
    else:
        where = f"{src.get('file') or ''}" + (f" [{src['sheet']}]" if src.get("sheet") else "")
        where += f" row {src['row']}" if src.get("row") is not None else ""
    if src.get("said"):
        what = str(src["said"])
    elif kind == "register":
        what = f"approved until {src.get('until')}"
    elif src.get("open_ended"):
        what = f"{src.get('agreement_type') or 'agreement'}, open-ended"
    else:
        what = f"{src.get('agreement_type') or 'agreement'} valid until {src.get('until')}"
    if src.get("before"):
        what += f" (before {src['before']})"
    return f"{where}: {what}"


def _file(rf: ReportFile) -> str:
    return rf.uri.rsplit("/", 1)[-1] + (f" [{rf.sheet}]" if rf.sheet else "")


def _row_text(*values) -> str:
    return " | ".join("" if v is None else str(v) for v in values)


def _similar(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    if norm(a) == norm(b):
        return True
    ta, tb = _tokens(a), _tokens(b)
    return bool(ta and tb) and len(ta & tb) / len(ta | tb) >= 0.6


# -- the records as they should be, and writing the difference -------------------------------

def _newest_first(links: list[Link]) -> list[Link]:
    """Report links, the most recently loaded report first (a later report says what is true now)."""
    return sorted(links, key=lambda lk: (SOURCE_RANK.get(lk.target, 9), -(lk.report_id or 0), lk.row or 0))


def _status(rec: Rec, ref_year: int | None) -> tuple[str, bool, dict | None]:
    """(status, inferred?, where it was read: the fields of ``status_from``, see status_text)."""
    for lk in _newest_first(rec.live()):
        if lk.status_said and lk.status_said[0] != "unknown":
            return lk.status_said[0], False, lk.status_said[1]
    validity = [lk.validity for lk in rec.live() if lk.validity]
    if validity and ref_year:
        if any(v[0] is None or v[0] >= ref_year for v in validity):
            ok = next(v for v in validity if v[0] is None or v[0] >= ref_year)
            return "active", True, ok[1]
        last = max(validity, key=lambda v: v[0] or 0)
        return "closed", True, {**last[1], "before": ref_year}
    years = [y for lk in rec.live() for y in lk.years]
    if years and ref_year:
        last = max(years)
        if last >= ref_year - 2:
            return "active", True, {"kind": "years", "year": last}
        return "unknown", True, {"kind": "years", "year": last}
    return "unknown", True, None


def _label(lk: Linker, rec: Rec) -> str:
    if rec.label:
        return rec.label
    first = rec.live()[0] if rec.live() else None
    if first is not None and first.target in ("programs", "register") and first.name:
        return first.name
    partner = lk.pname(rec.partner)
    words = _KIND_WORDS.get((rec.kind, rec.variant if rec.kind in ("exchange", "summer_school") else None), rec.kind)
    if rec.kind == "joint_programme":
        extra = " ".join(x for x in (rec.first("level"), rec.first("mode")) if x)
        words = f"{extra} {words}".strip()
    return f"{partner} {words}"


def _students(rec: Rec) -> tuple[int | None, int | None]:
    """The record's current figure: a report's enrolment, else the latest year's figure of the best source."""
    rows = [st for lk in _newest_first(rec.live()) for st in lk.students]
    enrol = [st for st in rows if st["what"] == "enrolment"]
    if enrol:
        return enrol[0]["students"], None
    by_year: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for st in rows:
        if st["year"] is not None:
            by_year[st["year"]][st["source"]] += st["students"]
    if not by_year:
        return None, None
    year = max(by_year)
    for src in ("report", "register", "news"):
        if src in by_year[year]:
            return by_year[year][src], year
    return None, None


LINKER_VERSION = "2"  # 2: status_from fields
STAMP = "programmes:linker"  # its row in derived_stamps: the fingerprint of the data last linked


def fingerprint(session: Session) -> str:
    """A short string that changes whenever what the linker reads may have changed: documents, facts,
    report files, partners, schools, curations (and the linker's own version)."""
    from sqlalchemy import func

    parts: list[Any] = [LINKER_VERSION]
    parts += session.execute(select(func.count(), func.max(Document.id), func.max(Document.updated_at))
                             .where(Document.status == "active")).one()
    parts += session.execute(select(func.count(), func.max(Fact.id))).one()
    parts += session.execute(select(func.count(), func.max(ReportFile.id), func.max(ReportFile.loaded_at))
                             .where(ReportFile.status == "active")).one()
    parts += session.execute(select(func.count(), func.max(Curation.id)).where(Curation.active.is_(True))).one()
    parts += session.execute(select(func.count(), func.max(Partner.id))).one()
    parts += [session.scalar(select(func.count()).select_from(Partner).where(Partner.status.in_(("rejected", "merged"))))]
    parts += session.execute(select(func.count(), func.max(Unit.id))).one()
    return "|".join("-" if p is None else str(p) for p in parts)[:400]


INPUTS_STAMP = "programmes:inputs"  # Linker.inputs() at the last link; built_at: the newest document change it saw


def link_programmes(session: Session, run_id: int | None = None, *, force: bool = False) -> dict[str, int]:
    """Rebuild the programme records from the loaded data and curations; write the difference.
    Returns counts: records, created, changed, gone, links, review, texts_read (the documents whose
    programme mentions were found again: the others' were kept), matched (1: every document's
    mentions were matched again; 0: the records were kept, see below) — and skipped: 1 when nothing
    the linker reads changed since it last ran, so that a no-op ETL refresh stays cheap.

    Incremental: when nothing but documents changed since the last link (:meth:`Linker.inputs`), only
    the documents added, changed or gone since then are looked at (:meth:`Linker.refresh`); if none
    of them changes what matching reads (their mentions are as they were, or they have none) the
    records stand as built, which is what a full re-link gives (tests/test_programmes_incremental.py
    compares them). Otherwise, or with ``force``, every document's mentions are matched again, in
    order: a mention's record depends on every source before it (the first one starts the record,
    each link adds to the attributes the next ones are matched on), so a re-match of the changed
    documents alone could not build what a full re-link builds."""
    from sqlalchemy import func

    from etl.load.models import DerivedStamp

    stamp = fingerprint(session)
    last = session.get(DerivedStamp, STAMP)
    if not force and last is not None and last.fingerprint == stamp:
        return {**_counts(session), "created": 0, "changed": 0, "gone": 0, "texts_read": 0, "skipped": 1}
    seen_until = session.scalar(select(func.max(Document.updated_at))) or _now()
    lk = Linker(session)
    inputs = lk.inputs()
    mark = session.get(DerivedStamp, INPUTS_STAMP)
    if not force and mark is not None and _same_inputs(lk, mark.fingerprint, inputs) and lk.refresh(mark.built_at):
        stats = {**_counts(session), "created": 0, "changed": 0, "gone": 0, "texts_read": lk.mentions_read,
                 "matched": 0}
        log.info("programmes: %d documents changed since the last link, none changes a record", lk.touched)
    else:
        stats = _link(session, run_id, lk)
        stats["matched"] = 1
    for name, value, at in ((STAMP, stamp, _now()), (INPUTS_STAMP, inputs, seen_until)):
        row = session.get(DerivedStamp, name)
        if row is None:
            session.add(DerivedStamp(name=name, fingerprint=value, built_at=at))
        else:
            row.fingerprint, row.built_at = value, at
    session.flush()
    return stats


def _same_inputs(lk: Linker, last: str, now: str) -> bool:
    """Whether all the linker reads but the documents is as at the last link (see Linker.inputs)."""
    if last == now:
        return True
    try:
        _, pmax, umax = last.split(":")
        return lk.inputs((int(pmax), int(umax))) == f"{last.split(':')[0]}:{now.split(':', 1)[1]}"
    except ValueError:
        return False


def _counts(session: Session) -> dict[str, int]:
    """records, links and review of the records as they are."""
    from sqlalchemy import func

    return {"records": session.scalar(select(func.count()).select_from(Programme)
                                      .where(Programme.state == "ok")) or 0,
            "links": session.scalar(select(func.count()).select_from(ProgrammeLink)
                                    .where(ProgrammeLink.status != "rejected")) or 0,
            "review": session.scalar(select(func.count()).select_from(ProgrammeLink)
                                     .where(ProgrammeLink.status == "review")) or 0}


def _link(session: Session, run_id: int | None, lk: Linker | None = None) -> dict[str, int]:
    lk = lk or Linker(session)
    recs = lk.build()
    years = [y for r in recs.values() for link in r.live() for y in link.years]
    ref_year = max(years) if years else None
    stats = dict.fromkeys(("records", "created", "changed", "gone", "links", "review"), 0)
    stats["texts_read"] = lk.mentions_read  # the documents whose mentions were found again (the rest were kept)
    existing = {p.key: p for p in session.scalars(select(Programme))}
    now = _now()
    rows: dict[str, Programme] = {}
    for key in sorted(recs):
        rec = recs[key]
        live = rec.live()
        if rec.state != "merged" and not live:
            continue
        row = existing.get(key)
        status, inferred, source = _status(rec, ref_year)
        students, students_year = _students(rec)
        years_all = [y for link in live for y in link.years]
        names = rec.names
        values = dict(
            name=(names[0] if names else _label(lk, rec))[:500], label=_label(lk, rec)[:500], names=names,
            kind=rec.kind, level=rec.first("level"), mode=rec.first("mode"), first_year=rec.first_year,
            last_year=max(years_all) if years_all else None, status=status, status_inferred=inferred,
            status_from=source, students=students, students_year=students_year, origin=rec.origin,
            state=rec.state,
        )
        if rec.state == "merged" and row is not None:
            values = {k: v for k, v in values.items() if k in ("state",)}  # a merged record keeps what it had
        elif rec.state == "merged":
            continue
        if row is None:
            row = Programme(key=key, run_id=run_id, created_at=now, updated_at=now, **values)
            session.add(row)
            stats["created"] += 1
        else:
            changed = False
            for k, v in values.items():
                if getattr(row, k) != v:
                    setattr(row, k, v)
                    changed = True
            if changed:
                row.updated_at, row.run_id = now, run_id
                stats["changed"] += 1
        rows[key] = row
    session.flush()
    want: dict[type, dict[tuple, dict[str, Any]]] = {m: {} for m in _CHILDREN}
    for key, row in rows.items():
        rec = recs[key]
        into = rows.get(lk._live(key).key) if rec.state == "merged" else None
        want_into = into.id if into is not None and into is not row else None
        if row.merged_into_id != want_into:
            row.merged_into_id = want_into
        _want_children(want, row.id, rec, lk)
        stats["records"] += rec.state == "ok"
        stats["links"] += sum(1 for link in rec.links.values() if link.status != "rejected")
        stats["review"] += sum(1 for link in rec.links.values() if link.status == "review")
    for key, row in existing.items():
        if key not in rows and row.state != "gone":
            row.state, row.updated_at, row.merged_into_id = "gone", now, None
            stats["gone"] += 1
    session.flush()
    _sync_all(session, want)  # a gone record wants no children: its rows go too
    _review_items(session, recs, rows)
    session.flush()
    return stats


# each child table: the columns that name a row within its record, and the columns it holds
_CHILDREN: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # links (a rejected one is kept, so that the curator's decision shows)
    ProgrammeLink: (("target", "document_id", "report_id", "row"),
                    ("row_id", "year", "evidence", "method", "confidence", "status")),
    ProgrammePartner: (("partner_name",), ("partner_id",)),
    ProgrammeUnit: (("unit_id",), ()),
    # students per year, each figure with its source
    ProgrammeStudents: (("source", "what", "year", "document_id", "report_id", "row"), ("students", "evidence")),
}


def _want_children(want: dict, pid: int, rec: Rec, lk: Linker) -> None:
    """The child rows record ``pid`` should have, into ``want[model][(pid, *natural key)]``."""
    for link in rec.links.values():
        if link.target == "curator":
            continue
        want[ProgrammeLink][(pid, *link.lkey)] = dict(
            programme_id=pid, target=link.target, document_id=link.document_id, report_id=link.report_id,
            row=link.row, row_id=link.row_id, year=link.year, evidence=link.evidence,
            method=(link.method or "")[:120], confidence=round(link.confidence, 3), status=link.status)
    live = rec.live() if rec.state == "ok" else []
    partners: dict[str, dict] = {}
    by_id: dict[int, str] = {}
    for link in live:
        for p_id, name in link.partners:
            if p_id is not None:
                by_id.setdefault(p_id, lk.pname(p_id, name))
            elif name:
                partners.setdefault(name[:300], dict(programme_id=pid, partner_id=None, partner_name=name[:300]))
    for p_id, name in by_id.items():
        partners[name[:300]] = dict(programme_id=pid, partner_id=p_id, partner_name=name[:300])
    for name, v in partners.items():
        want[ProgrammePartner][(pid, name)] = v
    for u in sorted({u for link in live for u in link.units}):
        want[ProgrammeUnit][(pid, u)] = dict(programme_id=pid, unit_id=u)
    for link in live:
        for st in link.students:
            k = (st["source"], st["what"], st["year"], st.get("document_id"), st.get("report_id"), st.get("row"))
            want[ProgrammeStudents][(pid, *k)] = dict(
                programme_id=pid, year=st["year"], students=st["students"], source=st["source"], what=st["what"],
                document_id=st.get("document_id"), report_id=st.get("report_id"), row=st.get("row"),
                evidence=st.get("evidence"))


def _sync_all(session: Session, want: dict[type, dict[tuple, dict[str, Any]]]) -> None:
    """Write the difference between the child rows there are and those wanted, table by table, in
    set operations: one read, then deletes, updates and inserts of the rows that differ only (a
    refresh after one changed document writes a handful of rows, not every record's)."""
    session.flush()
    for model, (natural, held) in _CHILDREN.items():
        t = model.__table__
        cols = [t.c.id, t.c.programme_id, *(t.c[c] for c in natural), *(t.c[c] for c in held)]
        have: dict[tuple, Any] = {}
        extra: list[int] = []
        for r in session.execute(select(*cols).order_by(t.c.id)):
            k = (r.programme_id, *(getattr(r, c) for c in natural))
            if k in have:
                extra.append(have[k].id)  # a duplicate (never written so): the newest stays
            have[k] = r
        wanted = want.get(model, {})
        gone = extra + [r.id for k, r in have.items() if k not in wanted]
        changed, new = [], []
        for k, v in wanted.items():
            r = have.get(k)
            if r is None:
                new.append(v)
            elif any(getattr(r, c) != v[c] for c in held):
                changed.append({"id": r.id, **{c: v[c] for c in held}})
        for i in range(0, len(gone), 500):
            session.execute(delete(model).where(t.c.id.in_(gone[i:i + 500])))
        if changed:
            session.execute(update(model), changed)
        if new:
            session.execute(insert(model), new)
    # the session's objects of those tables (a curation read them) are read again when used
    for obj in list(session.identity_map.values()):
        if isinstance(obj, tuple(_CHILDREN)):
            session.expire(obj)
        elif isinstance(obj, Programme):
            session.expire(obj, ["partners", "units"])


def _review_items(session: Session, recs: dict[str, Rec], rows: dict[str, Programme]) -> None:
    """One review item per ambiguous link: which programme does this source speak of?"""
    open_items = {i.name: i for i in session.scalars(select(ReviewItem).where(ReviewItem.kind == "programme"))}
    wanted = set()
    asked = [lk for rec in recs.values() for lk in rec.links.values() if lk.status == "review"]
    doc_ids = sorted({lk.document_id for lk in asked if lk.document_id is not None})
    doc_uri: dict[int, str] = {}
    for i in range(0, len(doc_ids), 500):
        doc_uri.update(session.execute(select(Document.id, Document.uri)
                                       .where(Document.id.in_(doc_ids[i:i + 500]))).all())
    report_uri = dict(session.execute(select(ReportFile.id, ReportFile.uri)).all()) if asked else {}
    for key, rec in sorted(recs.items()):
        for link in rec.links.values():
            if link.status != "review":
                continue
            name = f"{link.ref} → {rec.key}"[:400]
            wanted.add(name)
            detail = {"target": link.target, "document": doc_uri.get(link.document_id),
                      "report": report_uri.get(link.report_id), "row": link.row, "programme": rec.key,
                      "programme_id": rows[key].id if key in rows else None, "candidates": link.candidates,
                      "evidence": link.evidence, "method": link.method,
                      # the keys the admin review page shows (Evidence, Report file)
                      "sentence": link.evidence, "file": report_uri.get(link.report_id)}
            item = open_items.get(name)
            if item is None:
                session.add(ReviewItem(kind="programme", name=name, detail=detail, status="open"))
            elif item.status == "open" and item.detail != detail:
                item.detail = detail
    for name, item in open_items.items():
        if item.status == "open" and name not in wanted:  # decided by a curation, or no longer ambiguous
            item.status, item.decided_at = "accepted", _now()
            item.decided_by = item.decided_by or "linker"


def snapshot(session: Session) -> dict[str, tuple]:
    """Every record as comparable values, by key (what it is, its links, partners, schools and
    students; no ids or times): two builds of the same data give equal snapshots."""
    keys = {p.id: p.key for p in session.scalars(select(Programme))}
    out: dict[str, Any] = {}
    for p in session.scalars(select(Programme)):
        out[p.key] = {"row": (p.name, p.label, tuple(p.names or ()), p.kind, p.level, p.mode, p.first_year,
                              p.last_year, p.status, p.status_inferred, _frozen(_status_of(p)), p.students,
                              p.students_year, p.origin, p.state, keys.get(p.merged_into_id)),
                      "links": [], "partners": [], "units": [], "students": []}
    for x in session.scalars(select(ProgrammeLink)):
        out[keys[x.programme_id]]["links"].append((x.target, x.document_id, x.report_id, x.row, x.row_id, x.year,
                                                   x.evidence, x.method, x.confidence, x.status))
    for x in session.scalars(select(ProgrammePartner)):
        out[keys[x.programme_id]]["partners"].append((x.partner_id, x.partner_name))
    for x in session.scalars(select(ProgrammeUnit)):
        out[keys[x.programme_id]]["units"].append(x.unit_id)
    for x in session.scalars(select(ProgrammeStudents)):
        out[keys[x.programme_id]]["students"].append((x.source, x.what, x.year, x.document_id, x.report_id, x.row,
                                                      x.students, x.evidence))
    return {k: (v["row"], *(tuple(sorted(v[n], key=repr)) for n in ("links", "partners", "units", "students")))
            for k, v in out.items()}


def _frozen(v):
    return tuple(sorted(v.items())) if isinstance(v, dict) else v


def _status_of(p: Programme):
    return p.status_from
