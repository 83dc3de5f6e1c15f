"""Filters → the school–partner network (aggregated in SQL, no Dash imports).

Nodes are the home institution's schools and its partners; an edge joins a school and a
partner that appear in the same documents, weighted by how many documents (in scope of
the filters) name both — "shared activities". Rejected facts and rejected partners never
count, like everywhere else (:mod:`dashboard.queries`).

The pair counts come from one grouped self-join of ``facts`` on ``document_id`` (school
facts × partner facts of the same document) restricted to the documents in scope; the
result has at most schools × partners rows, so the ranking and trimming to the
``top`` partners happen in pandas on that small frame.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import distinct, func, select

from dashboard.queries import F, P, U, Filters, _partner_ok, scope
from dashboard.queries_programs import nones
from etl.db import get_engine

DEFAULT_TOP = 40


@dataclass
class Network:
    """The graph to draw: schools, partners, the edges between them, and what was left out."""

    schools: pd.DataFrame      # unit_id, name, zh, documents, degree
    partners: pd.DataFrame     # partner_id, name, zh, country, kind, documents, degree, shared
    edges: pd.DataFrame        # unit_id, partner_id, documents
    partners_total: int = 0    # partners linked to some school before trimming to the top ones
    edges_total: int = 0       # edges before trimming
    partner_only_documents: int = 0   # documents in scope naming a partner but no school
    stats: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.edges.empty


def _school_cond(f: Filters, fs) -> list:
    cond = [fs.c.type == "school", fs.c.status != "rejected", fs.c.unit_id.is_not(None)]
    if f.schools:
        cond.append(fs.c.unit_id.in_(f.schools))
    return cond


def pair_counts(url: str, f: Filters) -> pd.DataFrame:
    """Documents in scope per (school, partner) pair: ``unit_id, partner_id, documents``."""
    fs, fp = F.alias("fs"), F.alias("fp")
    n = func.count(distinct(fs.c.document_id))
    stmt = (select(fs.c.unit_id, fp.c.partner_id, n)
            .select_from(fs.join(fp, fp.c.document_id == fs.c.document_id).join(P, P.c.id == fp.c.partner_id))
            .where(*_school_cond(f, fs), fp.c.type == "partner", fp.c.status != "rejected",
                   fs.c.document_id.in_(scope(f)), *_partner_ok(f))
            .group_by(fs.c.unit_id, fp.c.partner_id))
    with get_engine(url).connect() as conn:
        rows = conn.execute(stmt).all()
    df = pd.DataFrame([tuple(r) for r in rows], columns=["unit_id", "partner_id", "documents"])
    return df.astype("int64") if not df.empty else df


def _school_nodes(url: str, f: Filters, unit_ids: list[int]) -> pd.DataFrame:
    fs = F.alias("fs")
    n = func.count(distinct(fs.c.document_id))
    stmt = (select(U.c.id, U.c.name, U.c.zh, n)
            .select_from(fs.join(U, U.c.id == fs.c.unit_id))
            .where(*_school_cond(f, fs), fs.c.unit_id.in_(unit_ids), fs.c.document_id.in_(scope(f)))
            .group_by(U.c.id, U.c.name, U.c.zh))
    with get_engine(url).connect() as conn:
        rows = conn.execute(stmt).all()
    return nones(pd.DataFrame([tuple(r) for r in rows], columns=["unit_id", "name", "zh", "documents"]))


def _partner_nodes(url: str, f: Filters, partner_ids: list[int]) -> pd.DataFrame:
    n = func.count(distinct(F.c.document_id))
    stmt = (select(P.c.id, P.c.name, P.c.zh, P.c.country, P.c.kind, n)
            .select_from(F.join(P, P.c.id == F.c.partner_id))
            .where(F.c.type == "partner", F.c.status != "rejected", F.c.partner_id.in_(partner_ids),
                   F.c.document_id.in_(scope(f)), *_partner_ok(f))
            .group_by(P.c.id, P.c.name, P.c.zh, P.c.country, P.c.kind))
    with get_engine(url).connect() as conn:
        rows = conn.execute(stmt).all()
    return nones(pd.DataFrame([tuple(r) for r in rows],
                              columns=["partner_id", "name", "zh", "country", "kind", "documents"]))


def partner_only_documents(url: str, f: Filters) -> int:
    """Documents in scope that name a (counted) partner but no school: they have no edge to draw."""
    fs = F.alias("fs")
    with_school = select(fs.c.document_id).where(fs.c.type == "school", fs.c.status != "rejected")
    stmt = (select(func.count(distinct(F.c.document_id))).select_from(F.join(P, P.c.id == F.c.partner_id))
            .where(F.c.type == "partner", F.c.status != "rejected", F.c.document_id.in_(scope(f)),
                   F.c.document_id.not_in(with_school), *_partner_ok(f)))
    with get_engine(url).connect() as conn:
        return int(conn.execute(stmt).scalar() or 0)


def network(url: str, f: Filters, top: int = DEFAULT_TOP, min_shared: int = 1) -> Network:
    """The graph in scope of ``f``: edges with at least ``min_shared`` shared documents, trimmed to
    the ``top`` partners with the most shared documents (ties by name), and every school those
    edges reach. ``degree`` counts a node's edges in the drawn graph; ``documents`` counts the
    documents in scope that name the node at all (its size on the graph).
    """
    top = max(1, int(top))
    min_shared = max(1, int(min_shared))
    pairs = pair_counts(url, f)
    empty_s = pd.DataFrame(columns=["unit_id", "name", "zh", "documents", "degree"])
    empty_p = pd.DataFrame(columns=["partner_id", "name", "zh", "country", "kind", "documents", "degree", "shared"])
    lonely = partner_only_documents(url, f)
    if pairs.empty:
        return Network(empty_s, empty_p, pairs, partner_only_documents=lonely)
    edges_total = len(pairs)
    partners_total = pairs["partner_id"].nunique()
    pairs = pairs[pairs["documents"] >= min_shared]
    if pairs.empty:
        return Network(empty_s, empty_p, pairs, partners_total=partners_total, edges_total=edges_total,
                       partner_only_documents=lonely)
    shared = pairs.groupby("partner_id")["documents"].sum()
    pnodes = _partner_nodes(url, f, [int(p) for p in shared.index])
    pnodes["shared"] = pnodes["partner_id"].map(shared).astype("int64")
    pnodes = pnodes.sort_values(["shared", "documents", "name"], ascending=[False, False, True]).head(top)
    edges = pairs[pairs["partner_id"].isin(pnodes["partner_id"])].reset_index(drop=True)
    snodes = _school_nodes(url, f, sorted(int(u) for u in edges["unit_id"].unique()))
    snodes["degree"] = snodes["unit_id"].map(edges.groupby("unit_id").size()).fillna(0).astype("int64")
    pnodes["degree"] = pnodes["partner_id"].map(edges.groupby("partner_id").size()).fillna(0).astype("int64")
    snodes = snodes.sort_values(["documents", "name"], ascending=[False, True]).reset_index(drop=True)
    return Network(snodes, pnodes.reset_index(drop=True), edges.sort_values(
        ["documents", "unit_id", "partner_id"], ascending=[False, True, True]).reset_index(drop=True),
        partners_total=int(partners_total), edges_total=int(edges_total), partner_only_documents=lonely)


__all__ = ["Network", "network", "pair_counts", "partner_only_documents", "DEFAULT_TOP"]
