"""Curators' decisions about programme records: merge, split, rename, accept or reject a link,
link a document. Each is a ``Curation`` row (who, when, what) like the other curations
(etl/load/curation.py); the linker re-applies every active one on every run, after it has rebuilt
the records, so no run undoes them. Applying one here re-runs the linker on the spot: the effect a
curator sees now is the effect every later run has.

A record is named by its id ("12" or "#12"), its key (``programs|p5|accounting 2 2``) or its label
when that is unique. A link is named by a document (its URI or file name) or a report row
(``file.csv:ROW`` or ``file.xlsx[Sheet]:ROW``, the file's own row number).
"""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from etl.load.curation import CurationError, _record
from etl.load.models import Document, Programme, ProgrammeLink, ReportFile
from etl.programmes.link import link_programmes


def find_programme(session: Session, ref: str | int) -> Programme:
    """The record called ``ref``: its id, its key or its (unique) label; a merged one leads on."""
    s = str(ref).strip()
    row = None
    if re.fullmatch(r"#?\d+", s):
        row = session.get(Programme, int(s.lstrip("#")))
    if row is None:
        row = session.scalar(select(Programme).where(Programme.key == s))
    if row is None:
        hits = session.scalars(select(Programme).where(func.lower(Programme.label) == s.lower(),
                                                       Programme.state != "gone")).all()
        if len(hits) > 1:
            raise CurationError(f"{s!r} is ambiguous: " + "; ".join(f"#{h.id} {h.key}" for h in hits))
        row = hits[0] if hits else None
    if row is None:
        raise CurationError(f"no programme {s!r} (give its id, key or label: intl programmes list)")
    seen = set()
    while row.state == "merged" and row.merged_into_id and row.id not in seen:
        seen.add(row.id)
        row = session.get(Programme, row.merged_into_id)
    return row


def link_ref(session: Session, ref: str) -> dict[str, Any]:
    """A link's name → the payload that names it in a curation (stable through runs)."""
    ref = ref.strip()
    m = re.fullmatch(r"(.+?)(?:\[(.+)\])?:(\d+)", ref)
    if m and re.search(r"\.(csv|xlsx|xlsm)$", m.group(1), re.I):
        name, sheet, row = m.group(1), m.group(2), int(m.group(3))
        files = [rf for rf in session.scalars(select(ReportFile).where(ReportFile.status == "active"))
                 if rf.uri == name or rf.uri.endswith("/" + name.lstrip("/"))]
        if sheet is not None:
            files = [rf for rf in files if rf.sheet == sheet]
        if not files:
            raise CurationError(f"no report {name!r}" + (f" with a sheet {sheet!r}" if sheet else ""))
        if len({(rf.uri, rf.sheet) for rf in files}) > 1:
            raise CurationError(f"{name!r} holds several tables: name the sheet, {name}[Sheet]:{row}")
        return {"report": files[0].uri, "sheet": files[0].sheet, "row": row, "table": files[0].kind}
    uri = session.scalar(select(Document.uri).where(Document.uri == ref))
    if uri is None:
        hits = session.scalars(select(Document.uri).where(Document.uri.endswith("/" + ref.lstrip("/")))).all()
        if len(hits) > 1:
            raise CurationError(f"{ref!r} is ambiguous: {', '.join(sorted(hits))}")
        uri = hits[0] if hits else None
    if uri is None:
        raise CurationError(f"no document or report row {ref!r} (a report row: file.csv:ROW)")
    return {"document": uri}


def _links_of(session: Session, row: Programme) -> list[ProgrammeLink]:
    return list(session.scalars(select(ProgrammeLink).where(ProgrammeLink.programme_id == row.id)))


def _same(session: Session, link: ProgrammeLink, ref: dict[str, Any]) -> bool:
    if "document" in ref:
        return link.document_id is not None and session.scalar(
            select(Document.uri).where(Document.id == link.document_id)) == ref["document"]
    if link.report_id is None or link.row != ref["row"]:
        return False
    rf = session.get(ReportFile, link.report_id)
    return rf is not None and rf.uri == ref["report"] and rf.sheet == ref.get("sheet")


def merge_programme(session: Session, name: str, into: str, *, by: str):
    """``name`` is the same programme as ``into``: its links move there, for good."""
    src, dst = find_programme(session, name), find_programme(session, into)
    if src.id == dst.id:
        raise CurationError(f"{name!r} and {into!r} are the same programme (#{src.id})")
    c = _record(session, "merge_programme", src.key, by, into=dst.key, programme_id=src.id, into_id=dst.id)
    link_programmes(session)
    return c


def split_programme(session: Session, name: str, links: list[str], *, label: str, by: str):
    """The links named (documents, report rows) speak of another programme: they move to a new
    record called ``label``, for good."""
    src = find_programme(session, name)
    if not label or not label.strip():
        raise CurationError("a split needs the new programme's label")
    if not links:
        raise CurationError("name the documents or report rows that belong to the new programme")
    refs = [link_ref(session, x) for x in links]
    have = _links_of(session, src)
    for x, ref in zip(links, refs):
        if not any(_same(session, lk, ref) for lk in have):
            raise CurationError(f"{x!r} is not a link of programme #{src.id} ({src.label})")
    n = 1 + session.scalar(select(func.count()).select_from(Programme).where(Programme.key.like(src.key + "#split-%")))
    new_key = f"{src.key}#split-{n}"
    c = _record(session, "split_programme", src.key, by, new_key=new_key, label=" ".join(label.split()),
                links=refs, programme_id=src.id)
    link_programmes(session)
    return c


def rename_programme(session: Session, name: str, to: str, *, by: str):
    """The programme's canonical label (the names the sources give it stay as they are)."""
    row = find_programme(session, name)
    to = " ".join((to or "").split())
    if not to:
        raise CurationError("the new label is empty")
    c = _record(session, "rename_programme", row.key, by, to=to, programme_id=row.id)
    link_programmes(session)
    return c


def link_source(session: Session, source: str, programme: str, *, by: str):
    """A document (or report row) speaks of ``programme``: linked now and on every run."""
    row = find_programme(session, programme)
    ref = link_ref(session, source)
    c = _record(session, "link_programme", row.key, by, programme_id=row.id, **ref)
    link_programmes(session)
    return c


def unlink_source(session: Session, source: str, programme: str, *, by: str):
    """A document (or report row) does not speak of ``programme``: the link stays rejected."""
    row = find_programme(session, programme)
    ref = link_ref(session, source)
    if not any(_same(session, lk, ref) for lk in _links_of(session, row)):
        raise CurationError(f"{source!r} is not a link of programme #{row.id} ({row.label})")
    c = _record(session, "reject_programme_link", row.key, by, programme_id=row.id, **ref)
    link_programmes(session)
    return c
