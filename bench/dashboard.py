"""Dashboard benchmark at scale: 100,000 documents and 1,000,000 evidence rows, in three states.

    python bench/dashboard.py [--docs 100000] [--evidence 1000000] [--reps 3] [--pg URL]
                              [--no-datasette] [--rebuild] [--pages NAMES] [--states fresh,after_curation,during_run]

1. **Builds** a synthetic database after ``etl.db.upgrade`` (the real schema, every
   migration), with plain ``sqlite3`` bulk inserts: ~15 schools, ~2,000 partners in ~80
   countries, 9 activity kinds, 2005–2025 with growth, English and Chinese, skewed
   (Zipf) popularity of schools, partners and countries, some rejected facts and partners,
   documents gone at the source. The file is cached under ``bench/.cache/`` keyed by the
   generator version and sizes, so reruns only upgrade it to the current migration head.
   Rows written without a session are counted once by a full rollup rebuild; from then on
   every write (the curations and the ETL run below) keeps the rollups exact by itself.
2. **Three states**, each measured in full: ``fresh`` (nothing written meanwhile),
   ``after_curation`` (each measurement right after its own curator's decision, committed
   through ``etl.load.curation``; the commit is timed, then undone) and ``during_run`` (an
   ETL run of the sample articles, changed on every pass, writing in another process that runs
   as the product's scheduler does: at the ``[limits] nice`` priority, ``--etl-nice``). The
   cached file is prepared as the ETL leaves a database: rollups counted, statistics taken,
   programme records linked once (otherwise the first run reads every text again).
3. In each state, for each filter set and repetition: **every page load** the way a browser
   does it (GET the page, layout and callback graph, then every initial POST to
   ``/_dash-update-component`` in the renderer's order; for the page filter sets), **every
   callback** that listens to the filter store on every page of ``dashboard.app.PAGES``, as
   its own function in a request and callback context (query cache cleared), and — interleaved
   with them — **a user's alternative**: the same questions in SQL on the raw tables, through
   Datasette's JSON API on the SQLite file (plain SQL if Datasette is not installed, and on
   PostgreSQL), and Datasette's facets once.

Writes ``bench/results/dashboard.json`` (with the commit measured) and prints a summary; exits
1 when a goal is missed (every callback p95 ≤ 150 ms, every page load p95 ≤ 500 ms in every
state, a curation's commit p95 ≤ 200 ms). ``--pg URL`` copies the same rows into a schema of
its own inside that database (bench/pg_schema.py; no database is created or dropped) and
measures there too.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CACHE_DIR = ROOT / "bench" / ".cache"
RESULTS = ROOT / "bench" / "results" / "dashboard.json"
SAMPLE_DOCS = ROOT / "data" / "sample" / "docs"
REFERENCE = ROOT / "data" / "reference"

# Bump whenever the generated rows change: the cached file's name carries it.
GENERATOR_VERSION = 4
GOAL_MS = 150.0

KINDS = (  # etl.load.models.ACTIVITY_KINDS with how common each is in the news
    ("delegation_visit", 22), ("agreement", 14), ("joint_program", 12), ("study_abroad", 12),
    ("conference", 11), ("research_collaboration", 10), ("summer_school", 8),
    ("international_students", 7), ("faculty_exchange", 4),
)
EXTRA_SCHOOLS = [("School of Mechanical Engineering", "机械工程学院"), ("School of Marxism", "马克思主义学院"),
                 ("School of Artificial Intelligence", "人工智能学院"), ("School of Arts and Design", "艺术设计学院")]
EXTRA_COUNTRIES = [  # beyond the reference partners' countries, until there are ~80
    "US", "GB", "DE", "FR", "JP", "KR", "RU", "AU", "CA", "IT", "ES", "NL", "SE", "FI", "DK", "NO", "BE",
    "CH", "AT", "PL", "CZ", "HU", "PT", "IE", "NZ", "SG", "MY", "TH", "VN", "ID", "PH", "IN", "PK", "BD",
    "LK", "NP", "KZ", "UZ", "KG", "MN", "TR", "IL", "AE", "SA", "EG", "ZA", "NG", "KE", "ET", "MA", "BR",
    "AR", "CL", "MX", "CO", "PE", "GR", "RO", "BG", "RS", "HR", "SK", "SI", "LT", "LV", "EE", "BY", "UA",
    "GE", "AM", "AZ", "IR", "IQ", "JO", "LB", "QA", "KW", "OM", "TZ", "GH", "CU", "LA", "KH", "MM",
]
PARTNER_KINDS = (("university", 70), ("institute", 10), ("company", 12), ("government", 5), ("ngo", 3))


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------
def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank on the sorted sample, linear between ranks)."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summary(ms: list[float]) -> dict[str, float]:
    return {"n": len(ms), "p50_ms": round(pct(ms, 50), 1), "p95_ms": round(pct(ms, 95), 1),
            "max_ms": round(max(ms), 1) if ms else float("nan")}


def zipf_weights(n: int, s: float) -> list[float]:
    return [1.0 / (i + 1) ** s for i in range(n)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(msg: str) -> None:
    print(msg, flush=True)


# ---------------------------------------------------------------------------
# 1. The synthetic database
# ---------------------------------------------------------------------------
def _sample_texts() -> tuple[list[tuple[str, str, str]], list[str]]:
    """(lang, title, text) of the bundled sample articles, and their sentences."""
    docs, sentences = [], []
    for p in sorted(SAMPLE_DOCS.glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        title = text.strip().splitlines()[0][:120] if text.strip() else p.stem
        lang = "zh" if p.name.startswith("zh") else "en"
        docs.append((lang, title, text))
        for part in text.replace("。", "。\n").replace(". ", ".\n").splitlines():
            if 40 <= len(part.strip()) <= 300:
                sentences.append(part.strip())
    return docs, sentences or ["A delegation visited the university."]


def _reference_units() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    units = json.loads((REFERENCE / "home_units.json").read_text(encoding="utf-8"))
    schools = [(s["name"], s.get("zh")) for s in units["schools"]] + EXTRA_SCHOOLS
    offices = [(o["name"], o.get("zh")) for o in units["offices"]]
    return schools[:15], offices


def _reference_partners() -> list[tuple[str, str, str, str | None]]:
    import csv

    with (REFERENCE / "partners.csv").open(encoding="utf-8") as fh:
        return [(r["name"], r["country"], r["kind"] or "university", r.get("zh") or None)
                for r in csv.DictReader(fh) if r.get("country")]


def cache_key(n_docs: int, n_evidence: int, seed: int) -> str:
    return f"v{GENERATOR_VERSION}-{n_docs}d-{n_evidence}e-s{seed}"


def build_sqlite(path: Path, n_docs: int, n_evidence: int, seed: int = 20251) -> dict[str, Any]:
    """Create the schema with Alembic, then bulk-insert the synthetic rows with sqlite3.

    Secondary indexes are dropped before the inserts and re-created from their own DDL
    afterwards (faster than maintaining them row by row; the schema ends up exactly as
    the migrations made it). Returns counts and the build time.
    """
    from etl.db import dispose_engines, upgrade
    from etl.load.rollups import kinds_mask

    t0 = time.perf_counter()
    tmp = path.with_suffix(".building")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    url = f"sqlite:///{tmp}"
    upgrade(url)
    dispose_engines()
    rng = random.Random(seed)
    con = sqlite3.connect(tmp, isolation_level=None)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-800000")
    con.execute("PRAGMA temp_store=MEMORY")
    con.execute("PRAGMA foreign_keys=OFF")
    indexes = con.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
                          "AND tbl_name IN ('documents','facts','activities','partners','units')").fetchall()
    for name, _sql in indexes:
        con.execute(f'DROP INDEX "{name}"')
    con.execute("BEGIN")

    # -- reference rows ---------------------------------------------------------------
    con.execute("INSERT INTO home_institutions (id, name, zh, aliases) VALUES (1, ?, ?, '[]')",
                ("Beijing Information Science and Technology University", "北京信息科技大学"))
    schools, offices = _reference_units()
    unit_rows, school_ids, office_ids = [], [], []
    for i, (name, zh) in enumerate(schools + offices, start=1):
        is_school = i <= len(schools)
        unit_rows.append((i, 1, "school" if is_school else "office", name, zh, "[]", "known"))
        (school_ids if is_school else office_ids).append(i)
    con.executemany("INSERT INTO units (id, home_id, type, name, zh, aliases, status) VALUES (?,?,?,?,?,?,?)",
                    unit_rows)
    ref = _reference_partners()
    countries = list(dict.fromkeys([c for _, c, _, _ in ref] + EXTRA_COUNTRIES))[:80]
    # Country popularity: the usual partners' countries first, Zipf-like tail.
    country_w = zipf_weights(len(countries), 0.9)
    kinds, kind_w = zip(*PARTNER_KINDS)
    partner_rows = []
    for i in range(2000):
        if i < len(ref):
            name, country, kind, zh = ref[i]
        else:
            country = rng.choices(countries, country_w)[0]
            kind = rng.choices(kinds, kind_w)[0]
            stem = {"university": "University", "institute": "Institute of Technology", "company": "Technologies Ltd",
                    "government": "Ministry of Education", "ngo": "Foundation"}[kind]
            name = f"{country} {stem} {i:04d}"
            zh = f"{country}合作机构{i:04d}" if rng.random() < 0.5 else None
        r = rng.random()
        status = "rejected" if r < 0.02 else "new" if r < 0.10 else "known"
        partner_rows.append((i + 1, name, country if rng.random() > 0.01 else None, kind, zh, "[]", status))
    con.executemany("INSERT INTO partners (id, name, country, kind, zh, aliases, status) VALUES (?,?,?,?,?,?,?)",
                    partner_rows)
    partner_ids = [r[0] for r in partner_rows]
    # Partner popularity: a few partners in many articles, a long tail mentioned once or twice.
    partner_w = zipf_weights(len(partner_ids), 1.0)
    rng.shuffle(partner_w)

    # -- runs ------------------------------------------------------------------------------
    n_runs = 24
    import datetime as dt

    t_first = dt.datetime(2024, 1, 1, 2, 0)
    runs = []
    for r in range(1, n_runs + 1):
        start = t_first + dt.timedelta(days=14 * r)
        runs.append((r, str(start), str(start + dt.timedelta(minutes=9)), "ok", "schedule",
                     json.dumps({"documents": {"new": 0, "changed": 0, "gone": 0}, "facts": {"added": 0}})))
    con.executemany("INSERT INTO etl_runs (id, started_at, finished_at, status, trigger, stats) "
                    "VALUES (?,?,?,?,?,?)", runs)

    # -- documents, activities, facts -----------------------------------------------------
    samples, sentences = _sample_texts()
    by_lang = {lang: [s for s in samples if s[0] == lang] or samples for lang in ("en", "zh")}
    years = list(range(2005, 2026))
    year_w = [1.13 ** (y - 2005) for y in years]
    kind_names, kind_weights = zip(*KINDS)
    school_w = zipf_weights(len(school_ids), 0.8)
    n_act = n_sch = n_off = n_par = 0
    doc_rows, act_rows, fact_rows = [], [], []
    plan_people = []  # (document_id, year, run_id) per document, to spread person/count facts later
    doc_dims: dict[int, tuple[str, int]] = {}  # document -> (lang, kinds bit set), copied into its facts
    first_new = n_docs - 300  # the latest run brings the last 300 documents
    fact_id = act_id = 0
    for d in range(1, n_docs + 1):
        lang = "zh" if rng.random() < 0.4 else "en"
        _l, title, text = by_lang[lang][d % len(by_lang[lang])]
        year = None if rng.random() < 0.01 else rng.choices(years, year_w)[0]
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        published = f"{year or 2024}-{month:02d}-{day:02d}"
        run_id = n_runs if d > first_new else 1 + (d * (n_runs - 1)) // (first_new + 1)
        created = str(dt.datetime.fromisoformat(runs[run_id - 1][1]) + dt.timedelta(seconds=30 + d % 400))
        status = "gone" if rng.random() < 0.02 else "active"
        doc_rows.append((d, "folder", f"/news/{year or 'undated'}/{d:06d}.html", f"{title} ({d})", lang,
                         published, published if year else None, year, f"{d:064x}", text, status, run_id,
                         created, created))
        n_kinds = rng.choices((0, 1, 2, 3, 4), (10, 30, 35, 20, 5))[0]
        picked = _pick_distinct(rng, kind_names, kind_weights, n_kinds)
        doc_dims[d] = (lang, kinds_mask(picked))
        for kind in picked:
            act_id += 1
            s = rng.choice(sentences)
            act_rows.append((act_id, d, kind, year, s, 10, 30, "rule: bench", 0.9, run_id))
            n_act += 1
        for uid in _pick_distinct(rng, school_ids, school_w, rng.choices((0, 1, 2, 3), (15, 35, 35, 15))[0]):
            fact_id += 1
            st = "rejected" if rng.random() < 0.01 else "ok"
            fact_rows.append((fact_id, d, "school", f"school:{uid}", year, uid, None, None, None, None, None, None,
                              unit_rows[uid - 1][3], rng.choice(sentences), 5, 25, "unit phrase", 0.9, st, run_id))
            n_sch += 1
        for uid in rng.sample(office_ids, rng.choices((0, 1, 2), (25, 50, 25))[0]):
            fact_id += 1
            fact_rows.append((fact_id, d, "office", f"office:{uid}", year, uid, None, None, None, None, None, None,
                              unit_rows[uid - 1][3], rng.choice(sentences), 5, 25, "unit phrase", 0.9, "ok", run_id))
            n_off += 1
        for pid in _pick_distinct(rng, partner_ids, partner_w, rng.choices((0, 1, 2, 3, 4), (20, 30, 30, 15, 5))[0]):
            fact_id += 1
            st = "rejected" if rng.random() < 0.01 else "ok"
            fact_rows.append((fact_id, d, "partner", f"partner:{pid}", year, None, pid, None, None, None, None, None,
                              partner_rows[pid - 1][1], rng.choice(sentences), 40, 70, "partner gazetteer", 0.85,
                              st, run_id))
            n_par += 1
        plan_people.append((d, year, run_id))
    # Person and count facts fill the evidence up to the requested total.
    rest = max(0, n_evidence - n_act - n_sch - n_off - n_par)
    per_doc: dict[int, int] = defaultdict(int)
    for _ in range(rest):
        per_doc[rng.randrange(n_docs)] += 1
    n_person = n_count = 0
    for idx, k in sorted(per_doc.items()):
        d, year, run_id = plan_people[idx]
        for j in range(k):
            fact_id += 1
            if rng.random() < 0.6:
                fact_rows.append((fact_id, d, "person", f"person:{j}", year, None, None, f"Person {d}-{j}",
                                  "President", "Partner University", None, None, f"Person {d}-{j}",
                                  rng.choice(sentences), 0, 12, "person pattern", 0.8, "ok", run_id))
                n_person += 1
            else:
                fact_rows.append((fact_id, d, "count", f"count:{j}", year, None, None, None, None, None,
                                  rng.randint(2, 300), "students", "students", rng.choice(sentences), 0, 12,
                                  "count pattern", 0.8, "ok", run_id))
                n_count += 1
    # Facts in document order, as the ETL writes them, with their document's language and kinds.
    fact_rows.sort(key=lambda r: (r[1], r[0]))
    fact_rows = [(*r, *doc_dims[r[1]]) for r in fact_rows]
    con.executemany(
        "INSERT INTO documents (id, source, uri, title, lang, published, event_date, year, content_hash, text, "
        "status, run_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", doc_rows)
    con.executemany(
        'INSERT INTO activities (id, document_id, kind, year, sentence, start, "end", method, confidence, run_id) '
        "VALUES (?,?,?,?,?,?,?,?,?,?)", act_rows)
    con.executemany(
        'INSERT INTO facts (id, document_id, type, key, year, unit_id, partner_id, name, role, org, value, what, '
        'text, sentence, start, "end", method, confidence, status, run_id, lang, kinds) '
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", fact_rows)
    con.execute("COMMIT")
    for _name, sql in indexes:
        con.execute(sql)
    con.execute("ANALYZE")
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    tmp.replace(path)
    counts = {"documents": n_docs, "activities": n_act, "facts": len(fact_rows), "evidence": n_act + len(fact_rows),
              "facts_by_type": {"school": n_sch, "office": n_off, "partner": n_par, "person": n_person,
                                "count": n_count},
              "schools": len(school_ids), "partners": len(partner_rows), "countries": len(countries),
              "runs": n_runs}
    return {"counts": counts, "build_s": round(time.perf_counter() - t0, 1)}


def _pick_distinct(rng: random.Random, items, weights, k: int) -> list:
    """k distinct items drawn by weight (k small: redraw on repeats)."""
    out: list = []
    k = min(k, len(items))
    while len(out) < k:
        x = rng.choices(items, weights)[0]
        if x not in out:
            out.append(x)
    return out


def sqlite_database(n_docs: int, n_evidence: int, rebuild: bool = False) -> tuple[Path, dict[str, Any]]:
    """The cached benchmark file, built if missing, upgraded to the current migration head."""
    from etl.db import current_revision, dispose_engines, upgrade

    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    key = cache_key(n_docs, n_evidence, 20251)
    path = CACHE_DIR / f"dashboard-{key}.db"
    meta_path = path.with_suffix(".json")
    if rebuild or not path.exists() or not meta_path.exists():
        log(f"building {path.name} ({n_docs:,} documents, {n_evidence:,} evidence rows) …")
        meta = build_sqlite(path, n_docs, n_evidence)
        meta_path.write_text(json.dumps(meta, indent=2))
        log(f"  built in {meta['build_s']} s")
    meta = json.loads(meta_path.read_text())
    url = f"sqlite:///{path}"
    before = current_revision(url)
    t = time.perf_counter()
    upgrade(url)
    after = current_revision(url)
    dispose_engines()
    if before != after:  # new indexes: give the planner their statistics
        con = sqlite3.connect(path)
        con.execute("ANALYZE")
        con.close()
        log(f"  upgraded {before} → {after} and analysed in {time.perf_counter() - t:.1f} s")
    _rollups(url)
    _programmes(url)
    meta["revision"] = after
    meta["file_mb"] = round(path.stat().st_size / 1e6, 1)
    return path, meta


def _rollups(url: str, force: bool = False) -> None:
    """Rows written without a session (the bulk build, the copy into PostgreSQL) are counted by a
    full rebuild, once: afterwards every write keeps the rollups exact by itself."""
    from sqlalchemy import text

    from etl.db import dispose_engines, get_engine
    from etl.load import rollups

    with get_engine(url).connect() as conn:
        uncounted = conn.execute(text("SELECT 1 FROM documents WHERE counted IS NULL AND status <> 'gone' "
                                      "LIMIT 1")).first()
    if uncounted is None and not force:
        return
    t = time.perf_counter()
    with get_engine(url).begin() as conn:
        rollups.update_statistics(conn)
        n = rollups.rebuild(conn)
    dispose_engines()
    log(f"  rollups rebuilt ({n:,} rows) in {time.perf_counter() - t:.1f} s")


def _programmes(url: str) -> None:
    """Link the programme records once, as the ETL's runs leave a database (etl/programmes/link.py):
    the bulk-built documents were never read for programme mentions, so without this the first
    ETL run of ``during_run`` would read all their texts (minutes at 100,000 documents, in one
    transaction) instead of the few it changed, and be killed before it finishes."""
    from sqlalchemy import select

    from etl.db import dispose_engines, session_factory
    from etl.load.models import DerivedStamp
    from etl.programmes.link import STAMP, link_programmes

    with session_factory(url)() as s:
        if s.scalar(select(DerivedStamp.fingerprint).where(DerivedStamp.name == STAMP)) is not None:
            return
    t = time.perf_counter()
    with session_factory(url).begin() as s:
        stats = link_programmes(s)
    dispose_engines()
    log(f"  programmes linked ({stats.get('texts_read', 0):,} texts read) in {time.perf_counter() - t:.1f} s")


def _vacuum(url: str) -> None:
    """VACUUM (ANALYZE) the tables of the bench's schema only (the search path of ``url``): the
    planner's statistics and the visibility map (index-only scans) as autovacuum keeps them."""
    from bench.pg_schema import connect

    with connect(url, autocommit=True) as c:
        tables = [r[0] for r in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
        for table in tables:
            c.execute(f'VACUUM (ANALYZE) "{table}"')


def pg_database(pg_url: str, sqlite_path: Path, key: str) -> str:
    """The same rows in PostgreSQL, copied with COPY into the schema ``intl_bench_<key>`` of the
    database given (bench/pg_schema.py: never a database of its own). A complete copy is marked
    in the table ``bench_copy`` and reused by later runs."""
    from etl.db import dispose_engines, upgrade
    from bench.pg_schema import connect, schema_url

    url, existed = schema_url(pg_url, "dashboard_" + key.replace("-", "_"), reset=False)
    if existed:
        with connect(url, autocommit=True) as c:
            done = c.execute("SELECT to_regclass('bench_copy') IS NOT NULL").fetchone()[0] and \
                c.execute("SELECT 1 FROM bench_copy WHERE key = %s", (key,)).fetchone()
        if done:
            upgrade(url)
            _rollups(url)
            _programmes(url)
            _vacuum(url)
            dispose_engines()
            return url
        url, _ = schema_url(pg_url, "dashboard_" + key.replace("-", "_"), reset=True)
    log(f"copying the rows into PostgreSQL ({url.rsplit('=', 1)[-1]}) …")
    t = time.perf_counter()
    upgrade(url)
    dispose_engines()
    src = sqlite3.connect(sqlite_path)
    tables = ["home_institutions", "units", "partners", "etl_runs", "documents", "activities", "facts"]
    with connect(url, autocommit=False) as c:
        for table in tables:
            cols = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
            collist = ", ".join(f'"{x}"' for x in cols)
            with c.cursor().copy(f'COPY "{table}" ({collist}) FROM STDIN') as cp:
                for row in src.execute(f'SELECT {collist} FROM "{table}" ORDER BY 1'):
                    cp.write_row(row)
            c.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                      f"(SELECT coalesce(max(id), 1) FROM \"{table}\"))")
        c.commit()
    src.close()
    _rollups(url, force=True)  # the rollup tables are not copied: counted from the copied rows
    _programmes(url)  # nor the programme records: linked from the copied documents
    _vacuum(url)  # the rollups' statistics were taken before they were filled
    with connect(url, autocommit=True) as c:
        c.execute("CREATE TABLE IF NOT EXISTS bench_copy (key text)")
        c.execute("INSERT INTO bench_copy VALUES (%s)", (key,))
    log(f"  copied in {time.perf_counter() - t:.1f} s")
    return url


# ---------------------------------------------------------------------------
# 2. The filter sets a user picks
# ---------------------------------------------------------------------------
def filter_sets(url: str) -> dict[str, Any]:
    """Realistic filter combinations, with the most mentioned school, kinds and countries."""
    from sqlalchemy import text

    from dashboard.queries.common import Filters
    from etl.db import get_engine

    with get_engine(url).connect() as c:
        school = c.execute(text("SELECT unit_id FROM facts WHERE type='school' GROUP BY unit_id "
                                "ORDER BY count(*) DESC LIMIT 2")).scalars().all()
        small_school = c.execute(text("SELECT unit_id FROM facts WHERE type='school' GROUP BY unit_id "
                                      "ORDER BY count(*) LIMIT 1")).scalar()
        countries = c.execute(text("SELECT p.country FROM facts f JOIN partners p ON p.id = f.partner_id "
                                   "WHERE f.type='partner' AND p.country IS NOT NULL GROUP BY p.country "
                                   "ORDER BY count(*) DESC LIMIT 3")).scalars().all()
        hi = c.execute(text("SELECT max(year) FROM documents")).scalar() or 2025
    return {
        "none": Filters(),
        "years": Filters.make(year_from=hi - 7, year_to=hi - 2),
        "latest_year": Filters.make(year_from=hi, year_to=hi),
        "one_school": Filters.make(schools=[school[0]]),
        "small_school": Filters.make(schools=[small_school]),
        "kinds": Filters.make(activity_kinds=["agreement", "joint_program", "study_abroad"]),
        "country": Filters.make(countries=[countries[0]]),
        "language": Filters.make(language="zh"),
        "years+school": Filters.make(year_from=hi - 5, year_to=hi, schools=[school[1]]),
        "years+kinds+countries": Filters.make(year_from=hi - 10, year_to=hi - 1, activity_kinds=["conference",
                                              "delegation_visit"], countries=countries[1:3]),
        "everything": Filters.make(year_from=hi - 12, year_to=hi, schools=school, countries=countries,
                                   partner_kinds=["university", "institute"], activity_kinds=["agreement",
                                   "research_collaboration", "faculty_exchange"], language="en"),
    }


# ---------------------------------------------------------------------------
# 3. A page load as the Dash renderer performs it
# ---------------------------------------------------------------------------
def _is_component(x: Any) -> bool:
    return isinstance(x, dict) and "type" in x and "namespace" in x and "props" in x


def _id_key(cid: Any) -> str:
    """Dash's string form of an id (dict ids: JSON with sorted keys, no spaces)."""
    return json.dumps(cid, sort_keys=True, separators=(",", ":")) if isinstance(cid, dict) else str(cid)


def _split_output(output: str) -> list[tuple[str, str]]:
    """``"..a.x...b.y.."`` / ``"a.x@hash"`` → ``[(id, prop)]`` as the renderer splits them (last dot)."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    out = []
    for part in parts:
        dot = part.rfind(".")
        out.append((part[:dot], part[dot + 1:].split("@")[0]))
    return out


class PageSession:
    """The component tree and property values a browser holds, and the callbacks it fires."""

    def __init__(self, client, deps: list[dict], path: str, search: str):
        self.client, self.deps, self.path, self.search = client, deps, path, search
        self.ids: dict[str, Any] = {}              # id key -> id (str or dict)
        self.props: dict[str, dict[str, Any]] = {}  # id key -> {prop: value}
        self.initial_done: set[int] = set()
        self.requests: list[tuple[str, float, int]] = []  # (what, ms, bytes)
        self.mounted: set[tuple[str, str]] = set()  # props a component set when it mounted

    # -- the tree -----------------------------------------------------------------------------
    def add_tree(self, node: Any) -> None:
        if isinstance(node, list):
            for x in node:
                self.add_tree(x)
            return
        if not _is_component(node):
            return
        props = node["props"]
        cid = props.get("id")
        if cid is not None:
            key = _id_key(cid)
            self.ids[key] = cid
            self.props[key] = dict(props)
            if node["type"] == "Location":  # dcc.Location reports the address on mount
                self.props[key].update(pathname=self.path, search=self.search, hash="",
                                       href="http://localhost" + self.path + self.search)
                self.mounted |= {(key, p) for p in ("pathname", "search", "hash", "href")}
        for v in props.values():
            if isinstance(v, (list, dict)):
                self.add_tree(v)

    def matches(self, dep_id: str) -> list[str]:
        if not dep_id.startswith("{"):
            return [dep_id] if dep_id in self.props else []
        pattern = json.loads(dep_id)
        out = []
        for key, cid in self.ids.items():
            if isinstance(cid, dict) and set(cid) == set(pattern) and all(
                    isinstance(v, list) or cid[k] == v for k, v in pattern.items()):
                out.append(key)
        return out

    def value(self, key: str, prop: str) -> Any:
        if prop == "id":
            return self.ids[key]
        return self.props.get(key, {}).get(prop)

    # -- callbacks ------------------------------------------------------------------------------
    def _outputs(self, i: int) -> list[tuple[str, str]]:
        return _split_output(self.deps[i]["output"])

    def can_fire(self, i: int) -> bool:
        dep = self.deps[i]
        if dep.get("clientside_function"):
            return False
        for dep_id, _prop in [(d["id"], d["property"]) for d in dep["inputs"]] + self._outputs(i):
            if not dep_id.startswith("{") and dep_id not in self.props:
                return False
        return True

    def initial(self) -> list[int]:
        out = []
        for i, dep in enumerate(self.deps):
            if i in self.initial_done or dep.get("prevent_initial_call") or not self.can_fire(i):
                continue
            self.initial_done.add(i)
            out.append(i)
        return out

    def _fill(self, specs: list[dict], with_value: bool) -> list:
        filled = []
        for d in specs:
            dep_id, prop = d["id"], d["property"].split("@")[0]
            if dep_id.startswith("{"):
                filled.append([{"id": self.ids[k], "property": prop, **({"value": self.value(k, prop)}
                                                                         if with_value else {})}
                               for k in self.matches(dep_id)])
            else:
                filled.append({"id": dep_id, "property": prop, **({"value": self.value(dep_id, prop)}
                                                                  if with_value else {})})
        return filled

    def body(self, i: int, changed: list[str]) -> dict:
        dep = self.deps[i]
        outs = self._fill([{"id": a, "property": b} for a, b in self._outputs(i)], with_value=False)
        return {"output": dep["output"], "outputs": outs if dep["output"].startswith("..") else outs[0],
                "inputs": self._fill(dep["inputs"], True), "state": self._fill(dep.get("state", []), True),
                "changedPropIds": changed}

    def fire(self, i: int, changed: list[str]) -> set[tuple[str, str]]:
        body = self.body(i, changed)
        t = time.perf_counter()
        resp = self.client.post("/_dash-update-component", json=body)
        ms = (time.perf_counter() - t) * 1000
        data = resp.get_data()
        self.requests.append((self.deps[i]["output"], ms, len(data)))
        if resp.status_code == 204:
            return set()
        if resp.status_code != 200:
            raise RuntimeError(f"callback {self.deps[i]['output']} answered {resp.status_code}: {data[:300]!r}")
        updated = set()
        for key, props in (json.loads(data).get("response") or {}).items():
            for prop, val in props.items():
                self.props.setdefault(key, {})[prop] = val
                updated.add((key, prop))
                if isinstance(val, (list, dict)):
                    self.add_tree(val)
        return updated

    def triggered_by(self, updated: set[tuple[str, str]], skip: int | None) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for j, dep in enumerate(self.deps):
            if j == skip or dep.get("clientside_function") or not self.can_fire(j):
                continue
            hits = [f"{k}.{p}" for d in dep["inputs"] for k in self.matches(d["id"])
                    for (k2, p) in updated if k2 == k and p == d["property"]]
            if hits:
                out[j] = hits
        return out

    def load(self) -> dict[str, Any]:
        """GET the page, its layout and callback graph, then every callback the renderer would call."""
        t0 = time.perf_counter()
        for what, target in (("html", self.path + self.search), ("layout", "/_dash-layout"),
                             ("dependencies", "/_dash-dependencies")):
            t = time.perf_counter()
            resp = self.client.get(target)
            ms = (time.perf_counter() - t) * 1000
            if resp.status_code != 200:
                raise RuntimeError(f"GET {target} answered {resp.status_code}")
            data = resp.get_data()
            self.requests.append((what, ms, len(data)))
            if what == "layout":
                self.add_tree(json.loads(data))
        pending: dict[int, list[str]] = {i: [] for i in self.initial()}

        def merge(found: dict[int, list[str]]) -> None:
            for j, hits in found.items():
                pending.setdefault(j, []).extend(h for h in hits if h not in pending.get(j, []))

        steps = 0
        while steps < 200:
            # A dcc.Location reports the address when it mounts: a change, so even callbacks
            # with prevent_initial_call (the pages router) fire.
            if self.mounted:
                merge(self.triggered_by(self.mounted, skip=None))
                self.mounted = set()
            if not pending:
                break
            steps += 1
            # Like the renderer: a callback waits while another pending one produces one of its inputs.
            blocked = set()
            for i in pending:
                ins = {(k, d["property"]) for d in self.deps[i]["inputs"] for k in self.matches(d["id"])}
                for j in pending:
                    if j != i and any((k, p) in ins for a, p in self._outputs(j) for k in self.matches(a)):
                        blocked.add(i)
            ready = [i for i in pending if i not in blocked] or [next(iter(pending))]
            for i in ready:
                changed = pending.pop(i)
                updated = self.fire(i, changed)
                for j in self.initial():
                    pending.setdefault(j, [])
                merge(self.triggered_by(updated, skip=i))
        total_ms = (time.perf_counter() - t0) * 1000
        by = defaultdict(int)
        for what, _ms, n in self.requests:
            by[what if what in ("html", "layout", "dependencies") else "callbacks"] += n
        return {"ms": total_ms, "requests": len(self.requests), "bytes": dict(by),
                "callbacks": [(w, ms, n) for w, ms, n in self.requests if w not in ("html", "layout", "dependencies")]}


def make_app(url: str):
    os.environ["INTL_AUTH"] = "off"  # development switch: no sign-in for the bench client
    os.environ.pop("REDIS_URL", None)  # the in-process cache, cleared between measurements
    import logging

    logging.getLogger("dashboard.auth").setLevel(logging.ERROR)
    from dashboard.app import create_app, settle

    app = create_app(url)
    settle()  # as a server process does once its app is built (gunicorn's dashboard.app:server, intl serve)
    return app


def clear_cache(app) -> None:
    from dashboard.cache import cache

    with app.server.app_context():
        cache.clear()


def page_paths(url: str) -> list[tuple[str, str, Any]]:
    """(name, path, module) of every page in dashboard.app.PAGES; templated paths get a real id."""
    import re

    from sqlalchemy import text

    from dashboard import app as app_mod
    from etl.db import get_engine

    with get_engine(url).connect() as c:
        fill = {
            "school": c.execute(text("SELECT unit_id FROM facts WHERE type='school' GROUP BY unit_id "
                                     "ORDER BY count(*) DESC LIMIT 1")).scalar(),
            "partner": c.execute(text("SELECT partner_id FROM facts WHERE type='partner' GROUP BY partner_id "
                                      "ORDER BY count(*) DESC LIMIT 1")).scalar(),
            "doc": c.execute(text("SELECT max(id) FROM documents")).scalar(),
        }
    out = []
    for page in app_mod.PAGES:
        template = getattr(page, "PATH_TEMPLATE", None)
        for path in [template] if template else [page.PATH]:  # a template's PATH is its placeholder
            if "<" in path:
                def sub(m):
                    name = m.group(1).lower()
                    for k, v in fill.items():
                        if k in name or (k == "school" and "unit" in name):
                            return str(v)
                    return m.group(0)
                path = re.sub(r"<([^>]+)>", sub, path)
                if "<" in path:
                    continue
            out.append((page.NAME, path, page))
    return out


# ---------------------------------------------------------------------------
# 4. Callbacks as plain functions, with the SQL they run
# ---------------------------------------------------------------------------
class SqlCapture:
    """Records every statement (SQL, parameters, ms) an engine executes while ``active``."""

    def __init__(self, url: str):
        from sqlalchemy import event

        from etl.db import get_engine

        self.active = False
        self.statements: list[tuple[str, Any, float]] = []
        engine = get_engine(url)

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
            conn.info["bench_t"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
            if self.active:
                self.statements.append((statement, parameters, (time.perf_counter() - conn.info["bench_t"]) * 1000))

    def start(self) -> None:
        self.statements, self.active = [], True

    def stop(self) -> list[tuple[str, Any, float]]:
        self.active = False
        return self.statements


def page_callbacks(app, session: PageSession, shell_ids: set[str]) -> list[str]:
    """The callbacks of a page that listen to the filter store (callback-map keys)."""
    from dashboard import ids

    out = []
    for key, entry in app.callback_map.items():
        if not any(d["id"] == ids.FILTERS and d["property"] == "data" for d in entry["inputs"]):
            continue
        outs = _split_output(key)
        if all(o in session.props and o not in shell_ids for o, _p in outs):
            out.append(key)
    return out


def call_plain(app, session: PageSession, key: str, path: str, f) -> None:
    """Call the callback's own function (what ``@app.callback`` wrapped) with the page's values,
    inside a callback context that says the filter store triggered it (``ctx.triggered_id``),
    as Dash's dispatcher would."""
    from dash._callback_context import context_value
    from dash._utils import AttributeDict
    from dash.exceptions import PreventUpdate

    from dashboard import ids

    entry = app.callback_map[key]
    args = []
    for d in list(entry["inputs"]) + list(entry["state"]):
        if d["id"] == ids.FILTERS and d["property"] == "data":
            args.append(f.to_dict())
        elif d["id"] == ids.URL and d["property"] == "search":
            args.append(f.to_search())
        elif d["id"].startswith("{"):
            args.append([session.value(k, d["property"]) for k in session.matches(d["id"])])
        else:
            args.append(session.value(d["id"], d["property"]))
    fn = getattr(entry["callback"], "__wrapped__", None)
    if fn is None or isinstance(entry.get("inputs_state_indices"), dict):
        raise TypeError("not a plain positional callback")
    i = next(n for n, dep in enumerate(session.deps) if dep["output"] == key)
    body = session.body(i, [f"{ids.FILTERS}.data"])
    triggered = [{"prop_id": f"{ids.FILTERS}.data", "value": f.to_dict()}]
    token = context_value.set(AttributeDict(
        triggered_inputs=triggered, inputs_list=body["inputs"], states_list=body["state"],
        outputs_list=body["outputs"], input_values={}, state_values={}, callback_context_id=key,
        ignore_register_page=False, updated_props={}))
    try:
        with app.server.test_request_context(path + f.to_search()):
            try:
                fn(*args)
            except PreventUpdate:
                pass
    finally:
        context_value.reset(token)


def call_http(client, session: PageSession, deps: list[dict], key: str, f) -> None:
    from dashboard import ids

    i = next(n for n, d in enumerate(deps) if d["output"] == key)
    session.props.setdefault(ids.FILTERS, {})["data"] = f.to_dict()
    session.props.setdefault(ids.URL, {})["search"] = f.to_search()
    resp = client.post("/_dash-update-component", json=session.body(i, [f"{ids.FILTERS}.data"]))
    if resp.status_code not in (200, 204):
        raise RuntimeError(f"{key}: HTTP {resp.status_code}")


PAGE_FILTERS = ("none", "years", "one_school", "years+kinds+countries")
STATES = ("fresh", "after_curation", "during_run")
PAGE_GOAL_MS = 500.0


# ---------------------------------------------------------------------------
# 5. The three states: fresh, right after a curation, during an ETL run
# ---------------------------------------------------------------------------
class Curations:
    """A curator's decision right before a measurement: one partner fact rejected (committed
    through etl.load.curation, as the admin page and ``intl review`` do; its commit timed),
    undone after the measurement so that the data stays the same from run to run."""

    def __init__(self, url: str, n: int = 400, seed: int = 7):
        from sqlalchemy import text

        from etl.db import get_engine, session_factory

        self.sessions = session_factory(url)
        with get_engine(url).connect() as c:
            rows = c.execute(text(
                "SELECT d.uri, f.key FROM facts f JOIN documents d ON d.id = f.document_id "
                "WHERE f.type = 'partner' AND f.status = 'ok' AND d.status = 'active' "
                "ORDER BY f.id LIMIT 20000")).all()
        self.picks = random.Random(seed).sample([tuple(r) for r in rows], min(n, len(rows)))
        self.i = 0
        self.commit_ms: list[float] = []

    def apply(self) -> tuple[str, str]:
        from etl.load.curation import reject_fact

        uri, key = self.picks[self.i % len(self.picks)]
        self.i += 1
        t = time.perf_counter()
        with self.sessions.begin() as s:
            reject_fact(s, uri, key, by="bench")
        self.commit_ms.append((time.perf_counter() - t) * 1000)
        return uri, key

    def undo(self, pick: tuple[str, str] | None) -> None:
        if pick is None:
            return
        from sqlalchemy import delete, select

        from etl.load.models import Curation, Document, Fact

        uri, key = pick
        with self.sessions.begin() as s:
            for f in s.scalars(select(Fact).join(Document).where(Document.uri == uri, Fact.key == key)):
                f.status = "ok"
            s.execute(delete(Curation).where(Curation.action == "reject_fact", Curation.target == uri,
                                             Curation.created_by == "bench"))


class EtlRun:
    """An ETL run in progress in another process: ``python bench/dashboard.py --writer URL`` loads
    the bundled sample articles, changed on every pass, through ``etl.pipeline.Pipeline`` (one
    transaction per document, the rollups moved in each) for as long as the state lasts."""

    def __init__(self, url: str, name: str):
        self.url, self.folder = url, CACHE_DIR / f"writer-{name}"

    def __enter__(self) -> "EtlRun":
        self.proc = subprocess.Popen([sys.executable, __file__, "--writer", self.url, "--writer-dir", str(self.folder)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()  # "writing": its first run has started loading documents
        if not line.startswith("writing"):
            raise RuntimeError("the ETL writer did not start: " + self.proc.stderr.read()[-800:])
        time.sleep(1.0)
        return self

    def __exit__(self, *exc) -> None:
        if self.proc.poll() is not None:
            raise RuntimeError("the ETL writer stopped during the measurement: " + self.proc.stderr.read()[-800:])
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def writer_main(url: str, folder: Path) -> int:
    """The ETL writer's loop (see :class:`EtlRun`); stopped by SIGTERM. It runs as the product's
    scheduler does (``intl etl schedule``, etl/cli.py): its own process and its reader process at
    the ``[limits] nice`` priority."""
    from etl.config import load_settings
    from etl.limits import Limits, lower_priority
    from etl.pipeline import Pipeline

    folder.mkdir(parents=True, exist_ok=True)
    config = folder.with_name(folder.name + ".toml")  # beside the folder loaded, not in it
    nice = os.environ.get("BENCH_ETL_NICE")  # [limits] nice: the setting's default unless --etl-nice says otherwise
    config.write_text(f"[limits]\nnice = {int(nice)}\n" if nice else "", encoding="utf-8")
    settings = load_settings(config=config, database_url=url)
    lower_priority(Limits.from_table(settings.limits))  # as intl etl run / intl etl schedule do
    bases = sorted(SAMPLE_DOCS.glob("*.txt"))
    n = 0
    while True:
        for p in bases:
            (folder / p.name).write_text(p.read_text(encoding="utf-8") + f"\n\n(Pass {n}.)\n", encoding="utf-8")
        if n == 0:
            print("writing", flush=True)
        Pipeline(settings, trigger="bench").run([folder], mark_gone=False)
        n += 1


# ---------------------------------------------------------------------------
# 6. What a user would otherwise do: SQL on the raw tables (through Datasette on SQLite)
# ---------------------------------------------------------------------------
def _lit(v: Any) -> str:
    return str(int(v)) if isinstance(v, (int, bool)) else "'" + str(v).replace("'", "''") + "'"


def _in(values) -> str:
    return "(" + ", ".join(_lit(v) for v in values) + ")"


def user_questions(f) -> dict[str, str]:
    """The dashboard's main questions for filter set ``f`` as a user would write them in SQL over
    the raw tables (documents, facts, activities, partners): no rollups, no covering-index
    tricks. The scope: documents not gone, in the years and language, naming one of the chosen
    schools, a partner of the chosen countries and kinds, and reporting one of the chosen kinds."""
    cond = ["d.status <> 'gone'"]
    if f.year_from is not None:
        cond.append(f"d.year >= {int(f.year_from)}")
    if f.year_to is not None:
        cond.append(f"d.year <= {int(f.year_to)}")
    if f.language:
        cond.append(f"d.lang = {_lit(f.language)}")
    if f.schools:
        cond.append("EXISTS (SELECT 1 FROM facts s WHERE s.document_id = d.id AND s.type = 'school' "
                    f"AND s.status <> 'rejected' AND s.unit_id IN {_in(f.schools)})")
    if f.countries or f.partner_kinds:
        pc = [f"p.country IN {_in(f.countries)}"] if f.countries else []
        pc += [f"p.kind IN {_in(f.partner_kinds)}"] if f.partner_kinds else []
        cond.append("EXISTS (SELECT 1 FROM facts x JOIN partners p ON p.id = x.partner_id WHERE x.document_id = d.id "
                    "AND x.type = 'partner' AND x.status <> 'rejected' AND p.status <> 'rejected' AND "
                    + " AND ".join(pc) + ")")
    if f.activity_kinds:
        cond.append(f"EXISTS (SELECT 1 FROM activities a WHERE a.document_id = d.id AND a.kind IN {_in(f.activity_kinds)})")
    scope = "WITH scope AS (SELECT d.id, d.year FROM documents d WHERE " + " AND ".join(cond) + ") "
    partner_facts = ("FROM facts f JOIN scope s ON s.id = f.document_id JOIN partners p ON p.id = f.partner_id "
                     "WHERE f.type = 'partner' AND f.status <> 'rejected' AND p.status <> 'rejected'")
    school_facts = ("FROM facts f JOIN scope s ON s.id = f.document_id "
                    "WHERE f.type = 'school' AND f.status <> 'rejected' AND f.unit_id IS NOT NULL")
    kinds = f" AND a.kind IN {_in(f.activity_kinds)}" if f.activity_kinds else ""
    return {
        "documents": scope + "SELECT count(*) FROM scope",
        "partners and countries": scope + f"SELECT count(DISTINCT f.partner_id), count(DISTINCT p.country) {partner_facts}",
        "schools": scope + f"SELECT count(DISTINCT f.unit_id) {school_facts}",
        "activities per year and kind": scope + "SELECT s.year, a.kind, count(*) FROM activities a JOIN scope s "
                                                f"ON s.id = a.document_id WHERE s.year IS NOT NULL{kinds} "
                                                "GROUP BY s.year, a.kind",
        "activities by school": scope + "SELECT f.unit_id, a.kind, count(DISTINCT a.document_id) FROM facts f JOIN "
                                        "scope s ON s.id = f.document_id JOIN activities a ON a.document_id = f.document_id "
                                        f"WHERE f.type = 'school' AND f.status <> 'rejected'{kinds} GROUP BY f.unit_id, a.kind",
        "top partners": scope + f"SELECT f.partner_id, count(DISTINCT f.document_id) AS n {partner_facts} "
                                "GROUP BY f.partner_id ORDER BY n DESC LIMIT 10",
        "partner countries": scope + f"SELECT p.country, count(DISTINCT f.partner_id), count(DISTINCT f.document_id) "
                                     f"{partner_facts} AND p.country IS NOT NULL GROUP BY p.country",
        "school-partner pairs": scope + "SELECT u.unit_id, f.partner_id, count(DISTINCT f.document_id) FROM facts f "
                                        "JOIN scope s ON s.id = f.document_id JOIN partners p ON p.id = f.partner_id "
                                        "JOIN facts u ON u.document_id = f.document_id AND u.type = 'school' "
                                        "AND u.status <> 'rejected' AND u.unit_id IS NOT NULL "
                                        "WHERE f.type = 'partner' AND f.status <> 'rejected' AND p.status <> 'rejected' "
                                        "GROUP BY u.unit_id, f.partner_id",
    }


class UserAlternative:
    """Runs :func:`user_questions` the way a user would: through Datasette's JSON API on the
    SQLite file (``/db.json?sql=``) when Datasette is installed, else (and on PostgreSQL, which
    Datasette does not serve) as plain SQL on a connection of its own."""

    def __init__(self, url: str, db_path: Path | None, use_datasette: bool):
        self.url, self.db_path, self.use_datasette = url, db_path, use_datasette
        self.via = "sql"

    def __enter__(self) -> "UserAlternative":
        self._stack = contextlib.ExitStack()
        if self.db_path is not None and self.use_datasette:
            try:
                self.base, self.db, version = self._stack.enter_context(datasette_server(self.db_path))
                self.via = f"datasette {version}"
                return self
            except (OSError, RuntimeError) as exc:
                log(f"  Datasette unavailable ({exc}); plain SQL on the raw tables instead")
        from etl.db import get_engine

        self.conn = self._stack.enter_context(get_engine(self.url).connect())
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def time(self, sql: str) -> float:
        if self.via.startswith("datasette"):
            ms, data = _get_ms(f"{self.base}/{self.db}.json?_shape=array&sql=" + urllib.parse.quote(sql))
            if not data.startswith(b"["):
                raise RuntimeError(f"datasette refused {sql[:200]}: {data[:200]!r}")
            return ms
        from sqlalchemy import text

        t = time.perf_counter()
        self.conn.execute(text(sql.replace(":", r"\:"))).all()
        self.conn.rollback()  # no snapshot kept open between questions (a run writes meanwhile)
        return (time.perf_counter() - t) * 1000

    def facets(self, fsets: dict[str, Any], reps: int) -> dict[str, Any]:
        """Datasette's own grouped counts (one column at a time) on the evidence tables."""
        if not self.via.startswith("datasette"):
            return {}
        y0, y1 = fsets["years"].year_from, fsets["years"].year_to
        db = self.db
        facet_urls = {
            "activities by kind and year": f"/{db}/activities.json?_facet=kind&_facet=year",
            "activities by kind and year, year range": f"/{db}/activities.json?_facet=kind&_facet=year"
                                                       f"&year__gte={y0}&year__lte={y1}",
            "partner mentions by partner": f"/{db}/facts.json?type=partner&_facet=partner_id",
            "school mentions by school and year": f"/{db}/facts.json?type=school&_facet=unit_id&_facet=year",
            "documents by year and language": f"/{db}/documents.json?_facet=year&_facet=lang",
        }
        out = {}
        for name, path in facet_urls.items():
            times = [_get_ms(self.base + path + "&_size=0&_facet_size=max&_nocount=1")[0] for _ in range(reps)]
            out[name] = {"p50_ms": round(pct(times, 50), 1), "url": path}
        return out


# ---------------------------------------------------------------------------
# 7. One backend: every page load and callback in each state, the user's SQL interleaved
# ---------------------------------------------------------------------------
def run_backend(url: str, fsets: dict[str, Any], reps: int, name: str, db_path: Path | None = None,
                use_datasette: bool = True, only_pages: list[str] | None = None,
                states: tuple[str, ...] = STATES) -> dict[str, Any]:
    """Page loads, callbacks and the user's alternative on one database, in each state.

    For each state, filter set and repetition: every page load (for the page filter sets), every
    callback, then every user question, one after the other, so that the three are measured
    under the same conditions (interleaved). In the state ``after_curation`` each measurement
    follows its own curator's decision (committed right before it; the commit is timed, and
    undone after); in ``during_run`` an ETL run writes in another process throughout.
    """
    app = make_app(url)
    client = app.server.test_client()
    cap = SqlCapture(url)
    deps = client.get("/_dash-dependencies").get_json()
    shell = PageSession(client, deps, "/", "")
    shell.add_tree(client.get("/_dash-layout").get_json())
    shell_ids = set(shell.props) - {"_pages_content"}
    plan = []
    for page_name, path, _page in page_paths(url):
        if only_pages and not any(o.lower() in page_name.lower() for o in only_pages):
            continue
        clear_cache(app)
        warm = PageSession(client, deps, path, "")
        res = warm.load()  # imports, first figures: not timed
        payload = dict(res["bytes"], total=sum(res["bytes"].values()), requests=res["requests"])
        cbs = [k for k in page_callbacks(app, warm, shell_ids)]
        plan.append((page_name, path, warm, cbs, payload))
    seen: set[str] = set()
    for entry in plan:  # a callback shared by pages is timed once, with the first page
        entry[3][:] = [k for k in entry[3] if not (k in seen or seen.add(k))]
    questions = {fname: user_questions(f) for fname, f in fsets.items()}
    cur = Curations(url)
    out: dict[str, Any] = {"states": {}}
    via: dict[str, str] = {}
    with UserAlternative(url, db_path, use_datasette) as alt:
        out["user_alternative"] = {"via": alt.via, "states": {}}
        for state in states:
            log(f"  state {state}")
            pages_ms, cb_ms, cb_sql, alt_ms = defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list)
            cb_cpu = defaultdict(list)
            per_filter = defaultdict(lambda: defaultdict(list))
            run = EtlRun(url, name) if state == "during_run" else contextlib.nullcontext()
            with run:
                for fname, f in fsets.items():
                    for _r in range(reps):
                        for page_name, path, warm, cbs, _payload in plan:
                            if fname in PAGE_FILTERS:
                                pick = cur.apply() if state == "after_curation" else None
                                clear_cache(app)
                                s = PageSession(client, deps, path, f.to_search())
                                s.load()
                                pages_ms[page_name].append(sum(ms for _w, ms, _n in s.requests))
                                cur.undo(pick)
                            for key in cbs:
                                pick = cur.apply() if state == "after_curation" else None
                                clear_cache(app)
                                cap.start()
                                t, c = time.perf_counter(), time.process_time()
                                if via.get(key, "plain") == "plain":
                                    try:
                                        call_plain(app, warm, key, path, f)
                                        via[key] = "plain"
                                    except TypeError:
                                        via[key] = "http"
                                if via[key] == "http":
                                    call_http(client, warm, deps, key, f)
                                ms = (time.perf_counter() - t) * 1000
                                cb_cpu[key].append((time.process_time() - c) * 1000)
                                stmts = cap.stop()
                                cur.undo(pick)
                                cb_ms[key].append(ms)
                                cb_sql[key].append(sum(x[2] for x in stmts))
                                per_filter[key][fname].append(ms)
                        for q, sql in questions[fname].items():
                            pick = cur.apply() if state == "after_curation" else None
                            ms = alt.time(sql)
                            cur.undo(pick)
                            alt_ms[q].append(ms)
                            per_filter["user: " + q][fname].append(ms)
            pages = {}
            for page_name, path, _w, _c, payload in plan:
                if pages_ms[page_name]:
                    pages[page_name] = {"path": path, **summary(pages_ms[page_name]), "payload_bytes": payload}
            callbacks = {}
            for page_name, _path, _w, cbs, _p in plan:
                for key in cbs:
                    callbacks[key] = {"page": page_name, "via": via.get(key), **summary(cb_ms[key]),
                                      "sql_p50_ms": round(pct(cb_sql[key], 50), 1),
                                      "cpu_p50_ms": round(pct(cb_cpu[key], 50), 1),
                                      "cpu_p95_ms": round(pct(cb_cpu[key], 95), 1),
                                      "per_filter_p50_ms": {k: round(pct(v, 50), 1) for k, v in per_filter[key].items()}}
            user = {q: {**summary(v), "per_filter_p50_ms": {k: round(pct(x, 50), 1)
                                                           for k, x in per_filter["user: " + q].items()}}
                    for q, v in alt_ms.items()}
            over = {k: v["p95_ms"] for k, v in callbacks.items() if v["p95_ms"] > GOAL_MS}
            slow_pages = {k: v["p95_ms"] for k, v in pages.items() if v["p95_ms"] > PAGE_GOAL_MS}
            out["states"][state] = {"pages": pages, "callbacks": callbacks,
                                    "slowest_callback_p95_ms": max((v["p95_ms"] for v in callbacks.values()), default=None),
                                    "slowest_page_p95_ms": max((v["p95_ms"] for v in pages.values()), default=None),
                                    "over_goal": {"callbacks": over, "pages": slow_pages}}
            out["user_alternative"]["states"][state] = user
            ours = [v["p50_ms"] for v in callbacks.values()]
            theirs = [v["p50_ms"] for v in user.values()]
            log(f"    callbacks p50 median {pct(ours, 50):.1f} ms, slowest p95 "
                f"{out['states'][state]['slowest_callback_p95_ms']} ms; pages slowest p95 "
                f"{out['states'][state]['slowest_page_p95_ms']} ms; user's SQL ({alt.via}) p50 median "
                f"{pct(theirs, 50):.1f} ms, slowest p95 {max((v['p95_ms'] for v in user.values()), default=0)} ms")
        out["user_alternative"]["facets"] = alt.facets(fsets, reps)
    out["curation_commit"] = summary(cur.commit_ms)
    out["goal_met"] = all(not s["over_goal"]["callbacks"] and not s["over_goal"]["pages"]
                          for s in out["states"].values()) and (out["curation_commit"]["p95_ms"] or 0) <= 200
    return out


# ---------------------------------------------------------------------------
# 8. Datasette on the same file
# ---------------------------------------------------------------------------
@contextlib.contextmanager
def datasette_server(db_path: Path):
    port = free_port()
    exe = Path(sys.executable).with_name("datasette")
    cmd = [str(exe) if exe.exists() else "datasette", "serve", str(db_path), "--host", "127.0.0.1",
           "--port", str(port), "--setting", "sql_time_limit_ms", "120000",
           "--setting", "facet_time_limit_ms", "120000", "--setting", "max_returned_rows", "100000",
           "--setting", "suggest_facets", "off", "--setting", "num_sql_threads", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("datasette exited: " + proc.stderr.read().decode()[-500:]) from None
                time.sleep(0.1)
        else:
            raise RuntimeError("datasette did not start")
        version = json.loads(urllib.request.urlopen(base + "/-/versions.json", timeout=5).read())
        yield base, db_path.stem, version.get("datasette", {}).get("version")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _get_ms(url: str) -> tuple[float, bytes]:
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as resp:
        data = resp.read()
    return (time.perf_counter() - t) * 1000, data


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    import platform

    import sqlalchemy

    info = {"cpus": os.cpu_count(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "sqlalchemy": sqlalchemy.__version__, "platform": platform.platform()}
    with contextlib.suppress(Exception):
        import dash

        info["dash"] = dash.__version__
    return info


def _print_state(title: str, st: dict[str, Any], user: dict[str, Any]) -> None:
    log(f"\n{title}")
    for key, r in st["callbacks"].items():
        mark = "  > goal" if r["p95_ms"] > GOAL_MS else ""
        log(f"  callback {key[:66]:<66} p50 {r['p50_ms']:>7.1f}  p95 {r['p95_ms']:>7.1f}{mark}")
    for key, r in st["pages"].items():
        mark = "  > goal" if r["p95_ms"] > PAGE_GOAL_MS else ""
        log(f"  page {key[:70]:<70} p50 {r['p50_ms']:>7.1f}  p95 {r['p95_ms']:>7.1f}{mark}")
    for key, r in user.items():
        log(f"  user's SQL: {key[:63]:<63} p50 {r['p50_ms']:>7.1f}  p95 {r['p95_ms']:>7.1f}")


def _no_nan(x: Any) -> Any:
    """NaN (a percentile of no samples) as null: the file stays strict JSON."""
    if isinstance(x, float) and x != x:
        return None
    if isinstance(x, dict):
        return {k: _no_nan(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_no_nan(v) for v in x]
    return x


def _write(out: Path, result: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(_no_nan(result), indent=2, ensure_ascii=False, default=str, allow_nan=False) + "\n",
                   encoding="utf-8")
    tmp.replace(out)


def _commit() -> str | None:
    out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return (out.stdout.strip() + ("+changes" if dirty else "")) or None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--evidence", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=3, help="repetitions per callback and filter set")
    ap.add_argument("--pg", default=None, metavar="URL",
                    help="also on PostgreSQL: the database to work in (a schema is made inside it)")
    ap.add_argument("--no-datasette", action="store_true", help="the user's SQL as plain SQL, not through Datasette")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached database")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--pages", default="", help="only these pages (comma-separated names), for quick checks")
    ap.add_argument("--states", default=",".join(STATES), help="of " + ", ".join(STATES))
    ap.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only (the SQLite file is still built: "
                    "it is the source of the copy)")
    ap.add_argument("--etl-nice", type=int, default=None, metavar="N",
                    help="during_run: the ETL's [limits] nice, of the run's process and its reader (default: the "
                         "setting's default, 10; 0: not niced)")
    ap.add_argument("--writer", help=argparse.SUPPRESS)
    ap.add_argument("--writer-dir", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.writer:
        return writer_main(args.writer, args.writer_dir)
    if args.etl_nice is not None:  # read by the writer process (writer_main)
        os.environ["BENCH_ETL_NICE"] = str(args.etl_nice)
    states = tuple(x for x in args.states.split(",") if x)
    if set(states) - set(STATES):
        raise SystemExit(f"unknown state(s): {', '.join(set(states) - set(STATES))}")

    path, meta = sqlite_database(args.docs, args.evidence, rebuild=args.rebuild)
    url = f"sqlite:///{path}"
    fsets = filter_sets(url)
    result: dict[str, Any] = {
        "what": "dashboard callbacks and page loads on a synthetic database (bench/dashboard.py), in three "
                "states, with a user's SQL on the raw tables interleaved",
        "goal": f"every callback p95 <= {GOAL_MS:.0f} ms and every page load p95 <= {PAGE_GOAL_MS:.0f} ms in every "
                "state; a curation's commit p95 <= 200 ms",
        "commit": _commit(), "machine": machine(), "dataset": meta, "reps": args.reps,
        "etl_nice": args.etl_nice if args.etl_nice is not None else "default ([limits] nice, 10)",
        "states": {"fresh": "nothing written since the last write", "after_curation": "each measurement right "
                   "after its own curator's decision (one partner fact rejected, committed; undone after)",
                   "during_run": "an ETL run (the sample articles, changed each pass) writing in another "
                   "process throughout, at the [limits] nice priority as the scheduler runs"},
        "filter_sets": {k: f.to_query() for k, f in fsets.items()},
        "page_filter_sets": list(PAGE_FILTERS),
        "notes": ["callback times: the callback's own function called in a request context and a callback "
                  "context (triggered by the filter store), query cache cleared before each call (cold); "
                  "sql_p50_ms = time inside cursor.execute",
                  "page load: GET page + /_dash-layout + /_dash-dependencies, then every initial callback "
                  "POST the renderer sends, in its order, sequentially, cache cleared; sign-in off",
                  "user_alternative: the same questions as SQL on the raw tables (no rollups), through "
                  "Datasette's /db.json?sql= on SQLite when installed, plain SQL otherwise and on PostgreSQL; "
                  "timed between our measurements, for the same filter sets, in the same states",
                  "payload_bytes: uncompressed response bodies of one unfiltered load",
                  "cpu_p50_ms / cpu_p95_ms: the bench process's own CPU time during a callback (process_time): "
                  "its cost without the wait for a core on a loaded machine (on PostgreSQL the server's work is "
                  "not in it)"],
    }
    only = [p for p in args.pages.split(",") if p.strip()]
    result["load_average_before"] = os.getloadavg()
    if not args.no_sqlite:
        log(f"SQLite: {url}")
        result["sqlite"] = run_backend(url, fsets, args.reps, "sqlite", db_path=path,
                                       use_datasette=not args.no_datasette, only_pages=only, states=states)
        _write(args.out, result)  # the SQLite figures are kept even if the PostgreSQL part fails
    if args.pg:
        from etl.db import dispose_engines

        pg_url = pg_database(args.pg, path, cache_key(args.docs, args.evidence, 20251))
        log(f"PostgreSQL: {pg_url}")
        result["postgresql"] = run_backend(pg_url, filter_sets(pg_url), args.reps, "postgresql",
                                           only_pages=only, states=states)
        dispose_engines()
    result["load_average_after"] = os.getloadavg()
    _write(args.out, result)

    met = True
    for backend in ("sqlite", "postgresql"):
        if backend not in result:
            continue
        r = result[backend]
        for state, st in r["states"].items():
            _print_state(f"{backend}, {state} (ms)", st, r["user_alternative"]["states"][state])
        log(f"  {backend}: a curation's commit p50 {r['curation_commit']['p50_ms']} ms, "
            f"p95 {r['curation_commit']['p95_ms']} ms; goals met: {r['goal_met']}")
        met = met and r["goal_met"]
    log(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
