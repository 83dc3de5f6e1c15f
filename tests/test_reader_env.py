"""The reader process of a run (etl/reader.py) is reused while what it read at its start stays as it was: the
reference files and the environment variables its code reads (``CHILD_ENV``). A setting only the dashboard
reads (sign-in, the upload folder) keeps it; one the child reads starts a new one."""
from __future__ import annotations

import re

from etl.limits import Limits
from etl.reader import CHILD_ENV, guard_for

from .conftest import ROOT

# Environment variables named in etl/ that the reader's code never reads: the parent's settings (the database
# and the cache server, given to the pipeline in this process) and the command line's curator name.
PARENT_ONLY = {"DATABASE_URL": "etl/config.py", "REDIS_URL": "etl/config.py", "USER": "etl/review_cli.py"}

READ = re.compile(r"""(?:environ\.get|environ\[|getenv|env\.get|env\[)\(?\s*["']([A-Z][A-Z0-9_]*)["']""")


def test_every_environment_variable_read_in_etl_is_in_the_readers_stamp_or_read_by_the_parent_only():
    found: dict[str, set[str]] = {}
    for f in sorted((ROOT / "etl").rglob("*.py")):
        for name in READ.findall(f.read_text(encoding="utf-8")):
            found.setdefault(name, set()).add(f.relative_to(ROOT).as_posix())
    assert {"INTL_CACHE_DIR", "INTL_REFERENCE_DIR", "INTL_DEBUG_HOME"} <= set(found), found  # the scan sees them
    for name, files in found.items():
        if name in PARENT_ONLY:
            assert files == {PARENT_ONLY[name]}, (name, files)
        else:
            assert name in CHILD_ENV, f"{name} (read in {sorted(files)}) is not in etl.reader.CHILD_ENV"


def test_the_reader_is_kept_across_dashboard_settings_and_replaced_when_its_own_change(tmp_path, monkeypatch):
    ref = tmp_path / "ref"
    ref.mkdir()
    (ref / "partners.csv").write_text("name,country\n", encoding="utf-8")
    limits = Limits()
    first = guard_for(ref, limits)  # (a guard starts its process at its first document: these never do)
    monkeypatch.setenv("INTL_UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("INTL_AUTH", "on")
    monkeypatch.setenv("INTL_SECRET_KEY_FILE", str(tmp_path / "key"))
    assert guard_for(ref, limits) is first
    monkeypatch.setenv("INTL_CACHE_DIR", str(tmp_path / "cache"))
    second = guard_for(ref, limits)
    assert second is not first
    monkeypatch.setenv("INTL_REFERENCE_DIR", str(ref))
    third = guard_for(ref, limits)
    assert third is not second
    assert guard_for(ref, limits) is third
    (ref / "partners.csv").write_text("name,country\nAtlantis Polytechnic,GR\n", encoding="utf-8")
    assert guard_for(ref, limits) is not third  # the reference files changed
