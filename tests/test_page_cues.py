"""data/reference/page_cues.csv: the page's cue patterns as data (etl/extract/cues.py)."""
from __future__ import annotations

import pytest

from etl.extract.cues import KINDS, CueError, cue, load_cues


def test_every_kind_has_cues_with_unique_ids():
    table = load_cues()
    assert all(table[k] for k in KINDS)
    ids = [cid for rows in table.values() for cid, _, _ in rows]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("kind,text,hit", [
    ("nav", "Your present position: HOME > News", True),
    ("nav", "Tallinn University signs an agreement", False),
    ("spam", "best online casino bonus", True),
    ("footer", "Copyright © 2021 Example University", True),
    ("china_abroad", "our staff travelled to China in March", True),
    ("china_abroad", "students from China studied here", False),
    ("list_frame", "The two sides exchanged views on student exchange", True),
    ("background", "He hopes to send students next year", True),
    ("profile", "It has offered a number of exchange programs", True),
])
def test_cues_match_what_their_notes_say(kind, text, hit):
    assert bool(cue(kind).search(text)) is hit


@pytest.mark.parametrize("row,message", [
    ("x1,nowhere,,abc,n", "unknown kind"),
    ("x1,spam,,(unclosed,n", "not a regular expression"),
    ("x1,spam,g,abc,n", "flags"),
])
def test_a_bad_table_names_file_and_row(tmp_path, row, message):
    (tmp_path / "page_cues.csv").write_text(f"id,kind,flags,pattern,note\n{row}\n", encoding="utf-8")
    with pytest.raises(CueError) as e:
        load_cues(str(tmp_path))
    assert "page_cues.csv row 2" in str(e.value) and message in str(e.value)
