"""A benchmark's own schema inside a PostgreSQL database it was given, never a database of its own.

The benchmarks used to drop and create a database (``intl_bench``) next to the one in
``TEST_DATABASE_URL``: a bench run could destroy a database nobody handed it. Now the caller
names the database (``--pg URL``, required), and the bench works in a schema inside it,
``intl_bench_<name>``, which it creates and marks with a comment. It only ever drops a schema
carrying that mark; anything else of the same name is refused.
"""
from __future__ import annotations

import re

MARK = "made by bench/ (intl): may be dropped by the benchmarks"


def _conninfo(url: str) -> str:
    from sqlalchemy.engine import make_url

    from etl.config import normalise_url

    return make_url(normalise_url(url)).set(drivername="postgresql").render_as_string(hide_password=False)


def schema_url(url: str, name: str, *, reset: bool) -> tuple[str, bool]:
    """(the SQLAlchemy URL of schema ``intl_bench_<name>`` in the database at ``url``, whether it
    existed already). ``reset`` drops it first (only if this module made it) and makes it anew.

    The URL sets the connections' ``search_path`` to the schema, so the migrations, the ETL and
    the dashboard all work inside it and leave the rest of the database alone.
    """
    import psycopg
    from sqlalchemy.engine import make_url

    from etl.config import normalise_url

    if not url:
        raise SystemExit("--pg needs the URL of a database to work in (a schema is made inside it)")
    schema = "intl_bench_" + re.sub(r"[^a-z0-9_]", "_", name.lower())
    with psycopg.connect(_conninfo(url), autocommit=True) as c:
        row = c.execute("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
                        (schema,)).fetchone()
        if row is not None and row[0] != MARK:
            raise SystemExit(f"refusing to use schema {schema}: it exists and was not made by the benchmarks")
        existed = row is not None
        if existed and reset:
            c.execute(f'DROP SCHEMA "{schema}" CASCADE')
            existed = False
        if not existed:
            c.execute(f'CREATE SCHEMA "{schema}"')
            c.execute(f"COMMENT ON SCHEMA \"{schema}\" IS '{MARK}'")
    u = make_url(normalise_url(url))
    u = u.update_query_dict({"options": f"-csearch_path={schema}"})
    return u.render_as_string(hide_password=False), existed


def connect(url: str, **kw):
    """A psycopg connection for a :func:`schema_url` URL (its ``search_path`` option kept)."""
    import psycopg

    return psycopg.connect(_conninfo(url), **kw)
