"""How the dashboard's counts are answered at scale: indexes, IN lists, the ETL's rollups.

Behaviour, not timing (bench/dashboard.py measures the time): the Overview's counts must
read the covering indexes of migration 0005 (SQLite's ``EXPLAIN QUERY PLAN`` names them),
never walk the fact or activity tables; the rollups (activities by school, documents per
partner and per country) must give the expected answer for every filter set and follow every
write at once (tests/test_rollups.py compares them with a full rebuild after each kind of
write); the year copied into facts and activities must equal the document's, since the counts
filter years on the copy.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dashboard.queries import common as q
from dashboard.queries import overview as qo
from dashboard.queries.common import Filters
from etl.db import get_engine
from etl.load import rollups
from etl.load.models import Activity, Document, Fact
from tests.dashboard import fixture_db
from tests.dashboard.sql_log import Statements

SAMPLE_DOCS = Path(__file__).resolve().parents[2] / "data" / "sample" / "docs"


def _rebuild(url: str) -> None:
    """A full rebuild of the rollups (etl.load.rollups.rebuild) in a transaction of its own."""
    from etl.db import get_engine
    from etl.load import rollups

    with get_engine(url).begin() as conn:
        rollups.rebuild(conn)



def plans_of(url: str, fn, *args) -> list[str]:
    with Statements(url) as st:
        fn(url, *args)
    return st.plans()


FULL_SCAN = re.compile(r"\bSCAN (facts|activities|documents)\b(?! USING)")


def test_overview_counts_read_covering_indexes(sqlite_world):
    """The Overview's counts read the rollups when the filters are their dimensions, else the
    covering indexes of the facts; none walks a whole evidence table."""
    url = sqlite_world.url
    two = [sqlite_world.school_ids["School of Automation"], sqlite_world.school_ids["School of Computer Science"]]
    for f in (Filters(), Filters.make(year_from=2020, year_to=2022)):
        for fn in (qo.kpis, qo.top_partners, qo.countries, qo.activities_per_year, qo.activities_by_school):
            plans = " ".join(plans_of(url, fn, f))
            assert "rollup_" in plans and not re.search(r"\b(facts|activities)\b", plans), (fn.__name__, plans)
    for f in (Filters.make(schools=two), Filters.make(schools=two, year_from=2020, year_to=2022)):
        # two schools: a document naming both would count twice in a rollup's sum, so counted on the facts
        assert "COVERING INDEX ix_facts_type_partner_cover" in " ".join(plans_of(url, qo.top_partners, f))
        assert "COVERING INDEX ix_facts_" in " ".join(plans_of(url, qo.countries, f))
        by_school = " ".join(plans_of(url, qo.activities_by_school, Filters.make(countries=["DE", "JP"])))
        # on the school facts' covering index alone: their copy of the document's kinds, no join to activities
        assert "COVERING INDEX ix_facts_type_unit_cover" in by_school and "activities" not in by_school
        every = [p for fn in (qo.kpis, qo.top_partners, qo.countries, qo.activities_per_year, qo.activities_by_school)
                 for p in plans_of(url, fn, f)]
        assert not [p for p in every if FULL_SCAN.search(p)], "no count walks a whole evidence table"
    assert "ix_documents_run" in " ".join(plans_of(url, qo.latest_run))


def test_in_lists_never_look_facts_up_row_by_row(sqlite_world):
    """A school or country filter is a list of documents. A count over facts either tests each
    fact against it or walks it and seeks each document's facts in the covering (document_id,
    type, …) index (migration 0018); it never looks ids up in the facts table itself (a table
    row per id). A count over the documents tests each document against the list
    (``+documents.id IN``)."""
    url = sqlite_world.url
    one = sqlite_world.school_ids["School of Automation"]
    sets = [Filters.make(schools=[one], activity_kinds=["conference", "agreement"]),
            Filters.make(schools=[one], countries=["DE", "JP"], year_from=2019),
            Filters.make(countries=["DE", "JP"], activity_kinds=["conference"], language="en")]
    for f in sets:
        with Statements(url) as st:
            qo.kpis(url, f)
            qo.top_partners(url, f)
            qo.activities_by_school(url, f)
            qo.countries(url, f)
        plans = " ".join(st.plans())
        assert not re.search(r"USING INDEX (ix_facts_|sqlite_autoindex_facts)", plans), (f, plans)
        assert "ix_facts_document_id" not in plans
        assert "COVERING INDEX ix_facts_type_" in plans or len(f.schools) == 1, (f, plans)  # one school: rollups
    with Statements(url) as st:
        with get_engine(url).connect() as conn:
            conn.execute(q.scope(sets[1])).all()
    assert "+documents.id IN" in st.sql()


def test_rollups_give_the_expected_answer_for_every_filter_set(world):
    """The fixture's commits left the rollups exact: every count that reads them equals the
    fixture's own count, and each reads the rollup that answers its filters."""
    w = world
    url = w.url
    one = w.school_ids["School of Computer Science"]
    sets = fixture_db.filter_sets(w) + [Filters.make(language="en", year_from=2019),
                                        Filters.make(countries=["DE"], year_to=2022),
                                        Filters.make(schools=[one], countries=["DE", "JP"], language="en"),
                                        Filters.make(schools=[one], activity_kinds=["conference"], year_to=2023)]
    for f in sets:
        exp = fixture_db.expected(w, f)
        with Statements(url) as st:
            df = qo.activities_by_school(url, f)
        assert ("rollup_school_kinds" in st.sql()) == (not (f.countries or f.partner_kinds)), f
        got = {(int(r.unit_id), r.kind): int(r.activities) for r in df.itertuples()}
        assert got == exp["by_school"], f
        with Statements(url) as st:
            per_year = qo.activities_per_year(url, f)
        rolled = "rollup_kind_docs" in st.sql() or "rollup_school_kinds" in st.sql()
        assert rolled == (len(f.schools) <= 1 and not (f.countries or f.partner_kinds)), f
        assert {(int(r.year), r.kind): int(r.activities) for r in per_year.itertuples()} == exp["per_year"], f
        one_country = len(f.countries) == 1 and not f.partner_kinds and len(f.schools) <= 1
        assert one_country == ("rollup_country_docs" in st.sql() or "rollup_school_country_docs" in st.sql()), f
        with Statements(url) as st:
            top = qo.top_partners(url, f, limit=50)
        rolled = "rollup_partner_docs" in st.sql() or "rollup_school_partner_docs" in st.sql()
        assert rolled == (len(f.schools) <= 1), f  # kinds are a dimension (a bit set) of both
        assert {int(r.partner_id): int(r.documents) for r in top.itertuples()} == exp["partner_docs"], f
        assert list(top["documents"]) == sorted(top["documents"], reverse=True)
        with Statements(url) as st:
            c = qo.countries(url, f)
        assert ("rollup_country_docs" in st.sql() or "rollup_school_country_docs" in st.sql()) == \
            (len(f.schools) <= 1 and not f.partner_kinds), f
        assert {r.country: (int(r.partners), int(r.documents)) for r in c.itertuples()} == exp["countries"], f
        with Statements(url) as st:
            k = qo.kpis(url, f)
        assert k == exp["kpis"], f
        # partners, countries and schools always come from rollups; documents when exact
        # (schools: of the school–country rollup for countries alone, the school–partner-kind one for kinds alone)
        assert any(t in st.sql() for t in ("rollup_school_docs", "rollup_school_partner_docs",
                                           "rollup_school_country_docs", "rollup_school_partner_kind_docs")), f
        docs_rolled = (not (f.schools or f.countries or f.partner_kinds)
                       or (len(f.schools) == 1 and not (f.countries or f.partner_kinds))
                       or (len(f.countries) == 1 and not (f.schools or f.partner_kinds)))
        assert ("sum(rollup_" in st.sql()) == docs_rolled, f


def test_rollup_follows_a_rejected_fact(world):
    """Rejecting a school fact changes the count at once (in the curation's own commit), to what
    a full rebuild gives."""
    from sqlalchemy.orm import Session

    from etl.load.curation import reject_fact

    w = world
    url, engine = w.url, get_engine(w.url)
    before = qo.activities_by_school(url, Filters())
    doc = next(d for d in w.docs if d.status != "gone" and d.kinds and [u for u, st in d.schools if st == "ok"])
    unit = next(u for u, st in doc.schools if st == "ok")
    others = [u2 for u2, st in doc.schools if st == "ok" and u2 == unit]
    assert len(others) == 1
    with Session(engine) as s, s.begin():
        uri = s.execute(select(Document.uri).where(Document.id == doc.id)).scalar_one()
        reject_fact(s, uri, f"school:{unit}", by="test")
    after = qo.activities_by_school(url, Filters())
    n = lambda df, k: int(df[(df.unit_id == unit) & (df.kind == k)]["activities"].sum())  # noqa: E731
    assert all(n(after, k) == n(before, k) - 1 for k in doc.kinds)
    _rebuild(url)
    assert qo.activities_by_school(url, Filters()).equals(after)


def test_an_etl_run_leaves_exact_rollups_and_exact_year_copies(settings):
    from etl.pipeline import Pipeline

    url = settings.database_url
    paths = sorted(SAMPLE_DOCS.glob("*.txt"))[:12]
    Pipeline(settings).run(paths)
    engine = get_engine(url)
    with engine.connect() as conn:
        D, F, A = Document.__table__, Fact.__table__, Activity.__table__
        for T in (F, A):
            differ = conn.execute(select(func.count()).select_from(T.join(D, D.c.id == T.c.document_id))
                                  .where(T.c.year.is_distinct_from(D.c.year))).scalar()
            assert differ == 0, f"{T.name}.year is its document's year"
        # a fact's language and kinds are its document's, as stored by the ETL (and as denormalise rewrites them)
        stored = conn.execute(select(F.c.id, F.c.lang, F.c.kinds).order_by(F.c.id)).all()
        assert conn.execute(select(func.count()).select_from(F.join(D, D.c.id == F.c.document_id))
                            .where(F.c.lang.is_distinct_from(D.c.lang))).scalar() == 0
        assert {k for _i, _l, k in stored} - {0}, "some documents report activities"
    with engine.begin() as conn:
        from etl.load.documents import denormalise

        denormalise(conn)
        assert conn.execute(select(F.c.id, F.c.lang, F.c.kinds).order_by(F.c.id)).all() == stored
    with engine.connect() as conn:
        years = [y for y in conn.execute(select(D.c.year).distinct()).scalars() if y is not None]
    assert years
    sets = [Filters(), Filters.make(year_from=min(years), year_to=max(years)), Filters.make(language="en"),
            Filters.make(activity_kinds=["agreement", "delegation_visit"])]
    fns = (qo.activities_by_school, qo.top_partners, qo.countries, qo.activities_per_year)
    from_rollup = [[fn(url, f) for fn in fns] for f in sets]
    assert all(not df.empty for df in from_rollup[0])
    _rebuild(url)  # what each document's commit left equals a full rebuild
    for f, frames in zip(sets, from_rollup):
        for fn, df in zip(fns, frames):
            assert df.equals(fn(url, f)), (fn.__name__, f)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """bench/dashboard.py's synthetic database at a tenth of its size (10,000 documents,
    100,000 evidence rows; same skew of schools, partners and countries), analysed and with
    its rollups built, as the ETL leaves a database."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_dashboard", Path(__file__).resolve().parents[2]
                                                  / "bench" / "dashboard.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    path = tmp_path_factory.mktemp("synthetic") / "bench.db"
    bench.build_sqlite(path, 10_000, 100_000)
    url = f"sqlite:///{path}"
    with get_engine(url).begin() as conn:
        rollups.update_statistics(conn)
        rollups.rebuild(conn)
    return url, bench.filter_sets(url)


def test_at_scale_short_lists_are_walked_and_pages_stop_early(synthetic, monkeypatch):
    """With realistic statistics the planner walks a short list of documents (two countries'
    documents) on the facts' document-led covering index (migration 0018) and keeps scanning
    the school facts for a long one (one big school); the Sources list walks the documents
    newest first on ix_documents_newest (migration 0019) with EXISTS probes, and the page equals
    the one built from lists."""
    from dashboard.queries import schools as qs
    from dashboard.queries import sources as qsrc

    url, sets = synthetic
    for name, walks in (("years+kinds+countries", True), ("everything", True), ("one_school", False)):
        with Statements(url) as st:
            qs.school_year(url, sets[name])
        plans = " ".join(st.plans())
        assert ("COVERING INDEX ix_facts_document_cover" in plans) == walks, (name, plans)
        assert not re.search(r"USING INDEX (ix_facts_|sqlite_autoindex_facts)", plans), (name, plans)
        with Statements(url) as st:
            walked = qsrc.search(url, sets[name], page=2)
        assert "COVERING INDEX ix_documents_newest" in " ".join(st.plans()) and "EXISTS" in st.sql(), name
        with monkeypatch.context() as m:
            m.setattr(qsrc, "WALK_MAX", 0)  # never walk: the scope's lists, then the order
            listed = qsrc.search(url, sets[name], page=2)
        assert (walked.total, list(walked.rows["id"])) == (listed.total, list(listed.rows["id"])), name
