"""A new partner's name keeps no leading lowercase "the" (a sentence's article, not the name), and
exported levels and statuses read as the dashboard and the reference write them (PhD, not Phd)."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from etl.db import session_factory
from etl.load.models import Partner, Program, ReviewItem
from etl.pipeline import Pipeline


def test_a_new_partner_keeps_no_leading_lowercase_the(settings, tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("program_name,school,partner,country,level,mode,start_year,status,enrolment\n"
                 "Marine Robotics 2+2,School of Automation,the University of Nowhere,UK,Bachelor,2+2,2025,active,4\n"
                 "Data Law 3+1,SEM,The Open Polytechnic of Atlantis,UK,PhD,3+1,2025,active,2\n", encoding="utf-8")
    info = Pipeline(settings).run([f])
    assert info.reports["loaded"] == 1, info.errors
    with session_factory(settings.database_url)() as s:
        names = set(s.scalars(select(Partner.name).where(Partner.status == "new")))
        assert names == {"University of Nowhere", "The Open Polytechnic of Atlantis"}
        # the report row keeps the name as written; the review queue names the partner row
        assert set(s.scalars(select(Program.partner_name))) == {"the University of Nowhere",
                                                                "The Open Polytechnic of Atlantis"}
        assert set(s.scalars(select(Program.level))) == {"undergraduate", "phd"}
        assert s.scalar(select(ReviewItem.id).where(ReviewItem.name == "University of Nowhere"))
    again = Pipeline(settings).run([f.with_name("p.csv")])  # the same name again finds the same partner
    with session_factory(settings.database_url)() as s:
        assert s.scalar(select(Partner.id).where(Partner.name == "University of Nowhere"))
        assert len(s.scalars(select(Partner).where(Partner.status == "new")).all()) == 2
    assert again.reports["unchanged"] == 1


def test_exported_levels_and_statuses_read_as_written_in_the_reference():
    from dashboard.export import readable

    df = pd.DataFrame({"program": ["A", "B", "C"], "level": ["phd", "master", "undergraduate"],
                       "status": ["pending approval", "active", "closed"], "mode": ["2+2", "1+1", "3+1"],
                       "enrolment": [1, 2, 3]})
    en, _ = readable("joint_programs", df, "en")
    assert list(en["Level"]) == ["PhD", "Master's", "Undergraduate"]
    assert list(en["Status"]) == ["Pending approval", "Active", "Closed"]
    zh, _ = readable("joint_programs", df, "zh")
    assert list(zh["层次"]) == ["博士", "硕士", "本科"]
