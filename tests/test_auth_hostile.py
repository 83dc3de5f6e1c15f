"""Hostile requests from a signed-in user: SQL-injection strings in URL parameters and in
filter values change nothing (no table touched, no filter widened, no secret answered),
on SQLite and PostgreSQL. Script payloads are covered in the browser (tests/browser/test_hostile_input.py);
``../`` upload names and missing CSRF tokens in tests/test_admin.py and tests/test_auth.py."""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from sqlalchemy import func, inspect, select, text

from tests.test_auth import Session, body_for, make_app, make_users

pytestmark = pytest.mark.auth

INJECTIONS = [
    "1 OR 1=1",
    "1; DROP TABLE documents; --",
    "' OR '1'='1",
    "2019) UNION SELECT name, password_hash FROM users --",
    '" OR ""="',
    "1' ; DELETE FROM users WHERE '1'='1",
    "%' OR 1=1 --",
]


def table_counts(url: str) -> dict[str, int]:
    from etl.db import get_engine

    eng = get_engine(url)
    with eng.connect() as c:
        return {t: c.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one()
                for t in inspect(eng).get_table_names() if t not in ("audit_log", "alembic_version")}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    """One signed-in viewer's app on the sample, per backend, for the module's three tests: each of them
    counts every table before and after, so what one changed would show in that one."""
    from tests.conftest import new_database, sample_database

    tmp = tmp_path_factory.mktemp("hostile")
    with new_database(request.param, tmp) as url, pytest.MonkeyPatch.context() as mp:
        sample_database(url)  # data/sample through the pipeline (once per run, then copied)
        make_users(url)
        app = make_app(url, mp, tmp)
        s = Session(app)
        assert s.login("vic").status_code == 302
        yield app, s, url


def kpis(s: Session, app, filters: dict) -> dict:
    r = s.callback(body_for(app, "ov-kpis.children", {("filters-store", "data"): filters}))
    assert r.status_code == 200, r.text
    return r.json["response"]


def test_injection_strings_in_url_parameters_change_nothing(world):
    from dashboard.queries.common import Filters

    app, s, url = world
    before = table_counts(url)
    answered = 0
    for inj in INJECTIONS:
        q = "&".join(f"{k}={quote(inj)}" for k in ("from", "to", "school", "kind", "country", "pkind", "lang"))
        assert s.page("/?" + q).status_code == 200
        body = body_for(app, "filters-store.data", {("url", "search"): "?" + q})
        r = s.callback(body)
        assert r.status_code in (200, 204), r.text
        if r.status_code == 200:
            answered += 1
            stored = r.json["response"]["filters-store"]["data"]
            f = Filters.from_dict(stored)
            # numbers and closed lists drop what is not theirs; free text stays a bound value
            assert (f.year_from, f.year_to, f.schools, f.activity_kinds, f.language) == (None, None, (), (), None)
        assert "argon2" not in r.text
    assert answered == len(INJECTIONS)
    assert table_counts(url) == before


def test_injection_strings_in_filter_values_widen_nothing(world):
    app, s, url = world
    before = table_counts(url)
    everything = kpis(s, app, {})
    nothing = kpis(s, app, {"countries": ["ZZ"]})
    assert everything != nothing
    for inj in INJECTIONS:
        assert kpis(s, app, {"schools": [inj], "activity_kinds": [inj], "year_from": inj, "year_to": inj,
                             "language": inj}) == everything
        assert kpis(s, app, {"countries": [inj]}) == nothing
        assert kpis(s, app, {"partner_kinds": [inj]}) == kpis(s, app, {"partner_kinds": ["no-such-kind"]})
        for fig in ("ov-activities-per-year.figure", "ov-top-partners.figure"):
            r = s.callback(body_for(app, fig, {("filters-store", "data"): {"schools": [inj], "countries": [inj]}}))
            assert r.status_code == 200 and "argon2" not in r.text
    assert table_counts(url) == before


def test_injection_strings_in_admin_inputs_are_only_data(world):
    """An administrator's free-text inputs (audit filter, user names) are bound values too."""
    from dashboard.pages.admin_audit import audit_rows
    from dashboard.pages.admin_users import apply
    from etl.db import session_factory
    from etl.load.models import User

    app, s, url = world
    before = table_counts(url)
    for inj in INJECTIONS:
        assert audit_rows(url, user=inj, action=inj) == []
        ok, _ = apply(url, "alice", "add", name=inj, role="viewer", password="long-enough-password")
        assert not ok  # user names are letters, digits and . _ @ -
        ok, _ = apply(url, "alice", "set_role", name=inj, role="admin")
        assert not ok
    with session_factory(url)() as ses:
        assert ses.scalar(select(func.count()).select_from(User)) == 2
    assert table_counts(url) == before
    assert json.dumps(audit_rows(url)).count("password_hash") == 0
