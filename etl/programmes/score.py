"""Score the programme records against a gold file (tests/corpus/programmes_gold.jsonl).

A record of the database matches the gold record it shares the most evidence with (documents and
report rows, by file name and row; a row of the joint-programs report, which is what a joint
programme is, weighs ten), each gold record at most once (greedy, most shared first).
Record precision: matched records / records with evidence; recall: matched / gold records.
Document links: (document, gold record) pairs, a system link counted under the gold record its
record matched; precision, recall and F1 over those pairs. Report-row links likewise.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from etl.load.models import Document, Programme, ProgrammeLink, ReportFile


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def system_evidence(session: Session) -> dict[str, set[tuple]]:
    """record key → its evidence: ("doc", file name) and ("row", file name, row), links not rejected."""
    docs = dict(session.execute(select(Document.id, Document.uri)).all())
    files = dict(session.execute(select(ReportFile.id, ReportFile.uri)).all())
    out: dict[str, set[tuple]] = defaultdict(set)
    q = (select(Programme.key, ProgrammeLink).join(ProgrammeLink, ProgrammeLink.programme_id == Programme.id)
         .where(Programme.state == "ok", ProgrammeLink.status != "rejected"))
    for key, link in session.execute(q):
        if link.document_id is not None:
            out[key].add(("doc", docs[link.document_id].rsplit("/", 1)[-1]))
        elif link.report_id is not None:
            out[key].add(("row", files[link.report_id].rsplit("/", 1)[-1], link.row))
    for key in session.scalars(select(Programme.key).where(Programme.state == "ok")):
        out.setdefault(key, set())
    return dict(out)


def _prf(tp: int, n_sys: int, n_gold: int) -> dict[str, float]:
    p = tp / n_sys if n_sys else 1.0
    r = tp / n_gold if n_gold else 1.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "tp": tp, "system": n_sys, "gold": n_gold}


def score(session: Session, gold: list[dict[str, Any]]) -> dict[str, Any]:
    sys_ev = system_evidence(session)
    gold_ev: dict[str, set[tuple]] = {}
    also: dict[tuple, set[str]] = defaultdict(set)  # evidence → other gold records it may belong to
    for g in gold:
        ev = {("doc", d) for d in g["docs"]} | {("row", r["file"], r["row"]) for r in g["report_rows"]}
        gold_ev[g["id"]] = ev
        for r in g["report_rows"]:
            for other in r.get("also", []):
                also[("row", r["file"], r["row"])].add(other)
    for ev, others in also.items():  # an evidence that may belong to either counts for both
        for o in others:
            gold_ev[o] = gold_ev[o] | {ev}
    def weight(shared: set[tuple]) -> int:  # a programme row is what a joint programme is: it weighs most
        return sum(10 if e[0] == "row" and e[1] in programme_files else 1 for e in shared)

    programme_files = {r["file"] for g in gold if g["kind"] == "joint_programme" for r in g["report_rows"]
                       if r["file"].startswith("joint_programs")}
    pairs = sorted(((weight(se & ge), k, g) for k, se in sys_ev.items() for g, ge in gold_ev.items() if se & ge),
                   key=lambda x: (-x[0], x[1], x[2]))
    match: dict[str, str] = {}
    used: set[str] = set()
    for _n, k, g in pairs:
        if k not in match and g not in used:
            match[k] = g
            used.add(g)
    with_ev = [k for k, se in sys_ev.items() if se]
    records = _prf(len(match), len(with_ev), len(gold_ev))

    def links(kind: str) -> dict[str, float]:
        gold_pairs = {(e, g) for g, ge in gold_ev.items() for e in ge if e[0] == kind}
        primary = {(e, g["id"]) for g in gold for e in ({("doc", d) for d in g["docs"]} |
                                                         {("row", r["file"], r["row"]) for r in g["report_rows"]})
                   if e[0] == kind}
        sys_pairs = {(e, match.get(k, "?" + k)) for k, se in sys_ev.items() for e in se if e[0] == kind}
        tp = len(sys_pairs & gold_pairs)
        # an ambiguous evidence ("also") is one gold link, whichever of its records it went to
        return _prf(min(tp, len(primary)), len(sys_pairs), len(primary))

    unmatched_sys = sorted(k for k in with_ev if k not in match)
    missed = sorted(g for g in gold_ev if g not in used)
    return {"records": records, "document_links": links("doc"), "row_links": links("row"),
            "unmatched_records": unmatched_sys, "missed_gold": missed, "match": match}
