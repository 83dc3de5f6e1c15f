"""``intl review`` through typer's CliRunner, on SQLite and PostgreSQL."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from etl.db import session_factory
from etl.load.models import Curation, Document, Fact, Partner, Program, ReviewItem, Unit
from etl.pipeline import Pipeline
from etl.review_cli import review_app

from .conftest import SAMPLE

REPORT = """program_name,school,partner,country,level,mode,start_year,status,enrolment
Pathway 2+2,School of Economics and Management,UTS Pathways College,AU,undergraduate,2+2,2023,active,10
Control 3+1,Sch. of Automation & Control,Unseen University,,undergraduate,3+1,2024,active,5
Tourism 2+2,Faculty of Tourism,Ankh-Morpork Tourist Board,UK,undergraduate,2+2,2024,pending,
"""

runner = CliRunner()


@pytest.fixture
def loaded(settings, tmp_path):
    f = tmp_path / "programs.csv"
    f.write_text(REPORT, encoding="utf-8")
    info = Pipeline(settings).run([f, SAMPLE / "docs" / "en-0003.txt"])
    assert not info.errors
    return settings.database_url


def cli(url, *args, user="tester"):
    res = runner.invoke(review_app, [*args, "--db", url], env={"USER": user})
    return res


def queue(url) -> dict[str, int]:
    res = cli(url, "list", "--json")
    assert res.exit_code == 0, res.output
    return {it["name"]: it["id"] for it in json.loads(res.output)}


def test_list_shows_the_queue_with_where_each_name_was_seen(loaded):
    res = cli(loaded, "list")
    assert res.exit_code == 0
    for name in ("UTS Pathways College", "Unseen University", "Sch. of Automation & Control", "Faculty of Tourism"):
        assert name in res.output
    assert "programs.csv row 3" in res.output
    items = json.loads(cli(loaded, "list", "--json", "--kind", "school").output)
    assert {i["name"] for i in items} == {"Sch. of Automation & Control", "Faculty of Tourism"}
    assert all(i["kind"] == "school" and i["status"] == "open" for i in items)


def test_accept_reject_merge_set_alias_and_log(loaded):
    q = queue(loaded)
    res = cli(loaded, "accept", str(q["Unseen University"]), "--country", "Ireland", "--kind", "university",
              "--by", "alice")
    assert res.exit_code == 0, res.output
    assert cli(loaded, "reject", str(q["Ankh-Morpork Tourist Board"])).exit_code == 0
    assert cli(loaded, "reject", str(q["Faculty of Tourism"])).exit_code == 0
    res = cli(loaded, "merge", "UTS Pathways College", "--into", "UTS", "--by", "bob")
    assert res.exit_code == 0, res.output
    res = cli(loaded, "set", "University of California, Irvine", "--kind", "institute", "--country", "us")
    assert res.exit_code == 0, res.output
    res = cli(loaded, "alias", "Sch. of Automation & Control", "--unit", "自动化学院")
    assert res.exit_code == 0, res.output
    assert queue(loaded) == {}
    assert "nothing to review" in cli(loaded, "list").output

    with session_factory(loaded)() as s:
        rows = {p.name: p for p in s.scalars(select(Program))}
        unseen = s.get(Partner, rows["Control 3+1"].partner_id)
        assert (unseen.status, unseen.country, unseen.kind) == ("known", "IE", "university")
        assert s.get(Partner, rows["Pathway 2+2"].partner_id).name == "University of Technology Sydney"
        assert rows["Tourism 2+2"].partner_id is None
        assert s.get(Unit, rows["Control 3+1"].unit_id).name == "School of Automation"
        uci = s.scalar(select(Partner).where(Partner.name == "University of California, Irvine"))
        assert (uci.kind, uci.country) == ("institute", "US")
        who = {c.action: c.created_by for c in s.scalars(select(Curation))}
        assert who["accept_partner"] == "alice" and who["merge_partner"] == "bob"
        assert who["reject_partner"] == "tester" and who["alias_school"] == "tester"  # $USER by default

    log = json.loads(cli(loaded, "log", "--json").output)
    assert [r["action"] for r in log][:3] == ["alias_school", "set_kind", "set_country"]
    assert all(r["by"] and r["at"] for r in log)
    decided = json.loads(cli(loaded, "list", "--json", "--status", "all").output)
    assert {i["status"] for i in decided} == {"accepted", "rejected", "merged", "aliased"}


def test_reject_fact(loaded):
    with session_factory(loaded)() as s:
        uri, key = s.execute(select(Document.uri, Fact.key).join(Fact).where(Fact.type == "partner")
                             .order_by(Fact.key)).first()
    res = cli(loaded, "reject-fact", uri, key, "--by", "carol")
    assert res.exit_code == 0, res.output
    with session_factory(loaded)() as s:
        fact = s.scalar(select(Fact).join(Document).where(Document.uri == uri, Fact.key == key))
        assert fact.status == "rejected"


def test_errors_exit_non_zero_with_a_message_and_change_nothing(loaded):
    q = queue(loaded)
    res = cli(loaded, "merge", "Hogwarts", "--into", "UTS")
    assert res.exit_code == 2 and "no partner named 'Hogwarts'" in res.output
    res = cli(loaded, "set", "UTS")
    assert res.exit_code == 2 and "--country" in res.output
    res = cli(loaded, "accept", "99999")
    assert res.exit_code == 2 and "no review item" in res.output
    # an accept whose --country is wrong is undone whole: the item stays open
    res = cli(loaded, "accept", str(q["Unseen University"]), "--country", "Narnia")
    assert res.exit_code == 2 and "Narnia" in res.output
    assert queue(loaded) == q
    with session_factory(loaded)() as s:
        assert s.scalars(select(Curation)).all() == []
        assert s.scalar(select(ReviewItem.status).where(ReviewItem.name == "Unseen University")) == "open"


def test_registered_in_the_intl_command():
    from etl.cli import app

    res = runner.invoke(app, ["review", "--help"])
    assert res.exit_code == 0
    for cmd in ("list", "accept", "reject", "merge", "set", "reject-fact", "alias"):
        assert cmd in res.output
