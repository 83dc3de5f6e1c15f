"""Filters → the school–partner network (aggregated in SQL, no Dash imports).

Nodes are the home institution's schools and its partners; an edge joins a school and a
partner that appear in the same documents, weighted by how many documents (in scope of
the filters) name both — "shared activities". Rejected facts and rejected partners never
count, like everywhere else (:mod:`dashboard.queries.common`).

The pair counts come from the rollup ``rollup_school_partner_docs`` (documents per school,
partner, year, language and activity kinds; :mod:`etl.load.rollups`, exact after every
write), or its totals over all years and languages when no range or language is chosen.
The result has at most schools × partners rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import distinct, func, select

from dashboard.queries.common import (
    P,
    U,
    Filters,
    partner_passes,
    _rollup_cond,
)
from dashboard.queries.programs import nones
from etl.db import connect
from etl.load.models import RollupSchoolPartnerDocs, RollupSchoolPartnerTotals

RSP = RollupSchoolPartnerDocs.__table__
RST = RollupSchoolPartnerTotals.__table__

DEFAULT_TOP = 40


@dataclass
class Network:
    """The graph to draw: schools, partners, the edges between them, and what was left out."""

    schools: pd.DataFrame      # unit_id, name, zh, shared, degree
    partners: pd.DataFrame     # partner_id, name, zh, country, kind, shared, degree
    edges: pd.DataFrame        # unit_id, partner_id, documents
    partners_total: int = 0    # partners linked to some school before trimming to the top ones
    edges_total: int = 0       # edges before trimming
    stats: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.edges.empty


def _pairs_rollup(f: Filters, table=RSP):
    """(school, partner, documents) summed from the rollup (documents per school, partner, year,
    language and set of activity kinds): exact for every filter. ``table`` may be the
    totals over all years and languages (``rollup_school_partner_totals``) when no year
    range or language is chosen: one row per edge then."""
    cond = _rollup_cond(table, f)
    if f.schools:
        cond.append(table.c.unit_id.in_(f.schools))
    return (select(table.c.unit_id, table.c.partner_id, func.sum(table.c.documents))
            .where(*cond, partner_passes(table.c.partner_id, f))
            .group_by(table.c.unit_id, table.c.partner_id))


def _pairs_stmt(url: str, f: Filters):
    if f.year_from is None and f.year_to is None and not f.language:
        return _pairs_rollup(f, RST)
    return _pairs_rollup(f)


def _top_pairs(url: str, f: Filters, top: int, min_shared: int) -> tuple[pd.DataFrame, int, int]:
    """The edges of the ``top`` partners (``unit_id, partner_id, documents, shared``) among the
    pairs with at least ``min_shared`` documents, and how many pairs and partners there are in
    all: ranked and trimmed in the database, so only the drawn edges leave it (tens of
    thousands of pairs otherwise, most of the Network page's time)."""
    inner = _pairs_stmt(url, f).subquery("q")
    u, pa, n = inner.c
    pairs = select(u.label("unit_id"), pa.label("partner_id"), n.label("documents")).cte("pairs")
    # every pair has a document: with no threshold the pairs are kept as they are
    kept = pairs if min_shared <= 1 else select(pairs).where(pairs.c.documents >= min_shared).cte("kept")
    shared = func.sum(kept.c.documents)
    tops = (select(kept.c.partner_id, shared.label("shared")).group_by(kept.c.partner_id)
            .order_by(shared.desc(), kept.c.partner_id).limit(top).subquery("tops"))
    edges_total = select(func.count()).select_from(pairs).scalar_subquery()
    partners_total = select(func.count(distinct(pairs.c.partner_id))).scalar_subquery()
    stmt = (select(kept.c.unit_id, kept.c.partner_id, kept.c.documents, tops.c.shared, edges_total, partners_total)
            .join_from(kept, tops, tops.c.partner_id == kept.c.partner_id))
    with connect(url) as conn:
        rows = conn.execute(stmt).all()
        if rows:
            n_edges, n_partners = int(rows[0][4]), int(rows[0][5])
        else:  # nothing kept: the totals on their own
            n_edges, n_partners = conn.execute(select(edges_total, partners_total)).one()
    df = pd.DataFrame([tuple(r[:4]) for r in rows], columns=["unit_id", "partner_id", "documents", "shared"])
    return (df.astype("int64") if not df.empty else df), int(n_edges or 0), int(n_partners or 0)


def pair_counts(url: str, f: Filters) -> pd.DataFrame:
    """Documents in scope per (school, partner) pair: ``unit_id, partner_id, documents``.

    From the rollups (the totals when no year range or language is chosen).
    """
    stmt = _pairs_stmt(url, f)
    with connect(url) as conn:
        rows = conn.execute(stmt).all()
    df = pd.DataFrame([tuple(r) for r in rows], columns=["unit_id", "partner_id", "documents"])
    return df.astype("int64") if not df.empty else df


def _names(url: str, table, ids: list[int], columns: list) -> list[tuple]:
    with connect(url) as conn:
        return [tuple(r) for r in conn.execute(select(table.c.id, *columns).where(table.c.id.in_(ids)))]


def network(url: str, f: Filters, top: int = DEFAULT_TOP, min_shared: int = 1) -> Network:
    """The graph in scope of ``f``: edges with at least ``min_shared`` shared documents, trimmed to
    the ``top`` partners with the most shared documents (ties by id), and every school those
    edges reach.

    Per node: ``shared`` sums the documents of its drawn edges (its size on the graph: how
    much it works with the other side; a partner's counts all its edges, drawn or not, since
    it is what ranks it), ``degree`` counts its drawn edges. The documents behind a node are
    counted by the drill-down when it is clicked.
    """
    top = max(1, int(top))
    min_shared = max(1, int(min_shared))
    drawn, edges_total, partners_total = _top_pairs(url, f, top, min_shared)
    empty_s = pd.DataFrame(columns=["unit_id", "name", "zh", "shared", "degree"])
    empty_p = pd.DataFrame(columns=["partner_id", "name", "zh", "country", "kind", "shared", "degree"])
    if drawn.empty:
        return Network(empty_s, empty_p, pd.DataFrame(columns=["unit_id", "partner_id", "documents"]),
                       partners_total=partners_total, edges_total=edges_total)
    shared = (drawn[["partner_id", "shared"]].drop_duplicates("partner_id")
              .sort_values(["shared", "partner_id"], ascending=[False, True]).reset_index(drop=True))
    edges = drawn[["unit_id", "partner_id", "documents"]]
    edges = edges.sort_values(["documents", "unit_id", "partner_id"], ascending=[False, True, True]) \
        .reset_index(drop=True)
    degree_p = edges.groupby("partner_id").size()
    pnames = pd.DataFrame(_names(url, P, [int(i) for i in shared["partner_id"]],
                                 [P.c.name, P.c.zh, P.c.country, P.c.kind]),
                          columns=["partner_id", "name", "zh", "country", "kind"])
    pnodes = nones(shared.merge(pnames, on="partner_id"))
    pnodes["degree"] = pnodes["partner_id"].map(degree_p).astype("int64")
    pnodes = pnodes[["partner_id", "name", "zh", "country", "kind", "shared", "degree"]]
    by_school = edges.groupby("unit_id")["documents"].agg(["sum", "size"])
    snames = pd.DataFrame(_names(url, U, [int(i) for i in by_school.index], [U.c.name, U.c.zh]),
                          columns=["unit_id", "name", "zh"])
    snodes = nones(snames.assign(shared=snames["unit_id"].map(by_school["sum"]).astype("int64"),
                                 degree=snames["unit_id"].map(by_school["size"]).astype("int64")))
    snodes = snodes.sort_values(["shared", "name"], ascending=[False, True]).reset_index(drop=True)
    return Network(snodes, pnodes.reset_index(drop=True), edges,
                   partners_total=int(partners_total), edges_total=int(edges_total))


__all__ = ["Network", "network", "pair_counts", "DEFAULT_TOP"]
