"""Sources from intl.toml: validation of the tables, new kinds registered like the built-ins,
the folder and report sources, and ``intl etl run`` without paths."""
from __future__ import annotations

import json
import shutil
import textwrap

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from etl.config import load_settings
from etl.db import session_factory
from etl.load.models import Document
from etl.pipeline import Pipeline
from etl.sources.registry import SourceConfigError, build_sources, kinds

from .conftest import CORPUS


def settings_from(tmp_path, body: str, db_url: str = "sqlite:///:memory:"):
    cfg = tmp_path / "intl.toml"
    cfg.write_text(textwrap.dedent(body).replace("@DB@", db_url), encoding="utf-8")
    return load_settings(cfg)


def test_builtin_kinds_are_registered():
    assert {"folder", "report", "site", "feed"} <= set(kinds())


@pytest.mark.parametrize("body, message", [
    ('[[sources]]\nname = "x"\nkind = "ftp"\n', "unknown kind 'ftp'"),
    ('[[sources]]\nname = "x"\n', "no kind"),
    ('[[sources]]\nname = "x"\nkind = "folder"\npath = "."\nglobb = "*.txt"\n', "unknown option(s) globb"),
    ('[[sources]]\nname = "x"\nkind = "site"\narticle_pattern = "a"\n', "missing option(s) url"),
    ('[[sources]]\nname = "x"\nkind = "site"\nurl = "http://h/"\n', "article_pattern"),
    ('[[sources]]\nname = "x"\nkind = "site"\nurl = "http://h/"\narticle_pattern = "("\n', "not a valid regular"),
    ('[[sources]]\nname = "x"\nkind = "site"\nurl = "http://h/"\narticle_selector = "a[["\n', "not a valid CSS"),
    ('[[sources]]\nname = "x"\nkind = "site"\nurl = "ftp://h/"\narticle_pattern = "a"\n', "must be http"),
    ('[[sources]]\nname = "x"\nkind = "feed"\nurl = "http://h/f"\ncontent = "all"\n', "content must be"),
    ('[[sources]]\nname = "x"\nkind = "folder"\npath = "a"\n[[sources]]\nname = "x"\nkind = "report"\npath = "b"\n',
     "two sources are named 'x'"),
    ('[[sources]]\nname = "bad name!"\nkind = "folder"\npath = "a"\n', "name must be"),
    ('plugins = ["no_such_plugin_module"]\n', "cannot be imported"),
])
def test_bad_source_tables_are_refused_with_the_reason(tmp_path, body, message):
    with pytest.raises(SourceConfigError) as exc:
        build_sources(settings_from(tmp_path, body))
    assert message in str(exc.value)


def test_selecting_sources_by_name(tmp_path):
    s = settings_from(tmp_path, """
        [[sources]]
        name = "a"
        kind = "folder"
        path = "docs"
        [[sources]]
        name = "b"
        kind = "report"
        path = "reports"
        """)
    assert [x.name for x in build_sources(s)] == ["a", "b"]
    assert [x.name for x in build_sources(s, ["b"])] == ["b"]
    with pytest.raises(SourceConfigError, match="no configured source named 'c'"):
        build_sources(s, ["c"])
    # relative paths are relative to the TOML file
    assert build_sources(s)[0].path == (tmp_path / "docs").resolve()


def test_a_new_kind_is_registered_like_the_builtins(tmp_path, db_url, monkeypatch):
    """A plugin module named in the TOML registers a kind; the pipeline loads what it yields."""
    (tmp_path / "memo_source.py").write_text(textwrap.dedent('''
        from dataclasses import dataclass
        from etl.errors import InputError
        from etl.sources.base import SourceDocument
        from etl.sources.registry import Source, register

        @register("memo")
        class MemoSource(Source):
            @dataclass
            class Options:
                texts: list

            def items(self, ctx):
                for i, text in enumerate(self.options.texts):
                    uri = f"memo://{self.name}/{i}"
                    if ctx.known(uri):
                        continue
                    if not text:
                        yield InputError(uri, "empty memo")
                    else:
                        yield SourceDocument(uri=uri, text=text, source=self.name)
        '''), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    text = (CORPUS / "docs" / "en-0001.txt").read_text(encoding="utf-8")
    s = settings_from(tmp_path, f"""
        plugins = ["memo_source"]
        [database]
        url = "@DB@"
        [[sources]]
        name = "memos"
        kind = "memo"
        texts = [{json.dumps(text)}, ""]
        """, db_url)
    info = Pipeline(s).run_sources()
    assert info.documents["new"] == 1 and info.documents["failed"] == 1
    assert info.errors == [{"file": "memo://memos/1", "reason": "empty memo"}]
    with session_factory(db_url)() as ses:
        doc = ses.scalar(select(Document))
        assert (doc.uri, doc.source) == ("memo://memos/0", "memos")
    again = Pipeline(s).run_sources()  # known() hides the stored one
    assert again.documents["seen"] == 1 and again.documents["new"] == 0


def _folder(tmp_path):
    docs = tmp_path / "inbox"
    docs.mkdir()
    for stem in ("en-0001", "zh-0002"):
        shutil.copy(CORPUS / "docs" / f"{stem}.txt", docs / f"{stem}.txt")
    shutil.copy(CORPUS / "bad" / "empty.txt", docs / "empty.txt")
    (docs / "minutes.docx").write_bytes(b"PK\x03\x04 not really")
    (docs / "reports").mkdir()
    shutil.copy(CORPUS / "reports" / "joint_programs.csv", docs / "reports" / "joint_programs.csv")
    (docs / "reports" / "README.md").write_text("Reports of the office.\n", encoding="utf-8")
    return docs


def test_folder_source_reads_documents_and_hands_reports_on(tmp_path, db_url):
    docs = _folder(tmp_path)
    s = settings_from(tmp_path, """
        [database]
        url = "@DB@"
        [[sources]]
        name = "inbox"
        kind = "folder"
        path = "inbox"
        """, db_url)
    info = Pipeline(s).run_sources()
    assert info.documents["new"] == 3  # two articles and the README
    assert info.documents["failed"] == 2
    assert {e["file"] for e in info.errors} >= {str(docs / "empty.txt"), str(docs / "minutes.docx")}
    assert info.reports["seen"] == 1
    # the broken Word file is read as a document now (.docx is a document type) and fails with its reason
    assert info.sources["inbox"] == {"documents": 5, "failed": 2, "reports": 1}
    assert any(e["file"] == str(docs / "minutes.docx") and "not a readable Word document" in e["reason"]
               for e in info.errors)
    with session_factory(db_url)() as ses:
        assert {d.source for d in ses.scalars(select(Document))} == {"inbox"}
    # a file removed from the folder is marked gone, not deleted
    (docs / "en-0001.txt").unlink()
    again = Pipeline(s).run_sources()
    assert again.documents["gone"] == 1 and again.documents["new"] == 0
    with session_factory(db_url)() as ses:
        gone = ses.scalar(select(Document).where(Document.uri == str(docs / "en-0001.txt")))
        assert gone is not None and gone.status == "gone"


def test_folder_glob_and_report_source(tmp_path, db_url):
    docs = _folder(tmp_path)
    s = settings_from(tmp_path, """
        [database]
        url = "@DB@"
        [[sources]]
        name = "articles"
        kind = "folder"
        path = "inbox"
        glob = "*.txt"
        [[sources]]
        name = "office"
        kind = "report"
        path = "inbox/reports"
        """, db_url)
    info = Pipeline(s).run_sources()
    assert info.sources["articles"] == {"documents": 3, "failed": 1}  # en-0001, zh-0002, empty.txt
    assert info.documents["new"] == 2
    assert info.sources["office"] == {"reports": 1}  # README.md left alone
    assert info.reports["seen"] == 1
    assert str(docs / "minutes.docx") not in {e["file"] for e in info.errors}


def test_missing_folder_is_an_error_of_the_run(tmp_path, db_url):
    s = settings_from(tmp_path, """
        [database]
        url = "@DB@"
        [[sources]]
        name = "nowhere"
        kind = "folder"
        path = "no/such/dir"
        """, db_url)
    info = Pipeline(s).run_sources()
    assert info.status == "partial"
    assert info.errors[0]["file"] == str((tmp_path / "no/such/dir").resolve())
    assert "no such file or folder" in info.errors[0]["reason"]


def test_cli_etl_run_without_paths_uses_the_configured_sources(tmp_path, db_url):
    from etl.cli import app

    _folder(tmp_path)
    cfg = tmp_path / "intl.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n[[sources]]\nname = "inbox"\nkind = "folder"\n'
                   f'path = "inbox"\nglob = "*.txt"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["etl", "run", "--config", str(cfg), "--json"])
    assert result.exit_code == 0, result.output
    run = json.loads(result.stdout.strip().splitlines()[-1])
    assert run["documents"]["new"] == 2 and run["sources"]["inbox"]["documents"] == 3
    cfg.write_text(f'[database]\nurl = "{db_url}"\n[[sources]]\nname = "inbox"\nkind = "folderz"\n')
    bad = CliRunner().invoke(app, ["etl", "run", "--config", str(cfg)])
    assert bad.exit_code == 2 and "unknown kind 'folderz'" in bad.output
    nothing = CliRunner().invoke(app, ["etl", "run", "--config", str(cfg), "--source", "inbox", "--db", db_url])
    assert nothing.exit_code == 2


def test_option_types_are_checked(tmp_path):
    s = settings_from(tmp_path, '[[sources]]\nname = "x"\nkind = "site"\nurl = "http://h/"\n'
                                'article_pattern = "a"\ndelay = "2"\n')
    with pytest.raises(SourceConfigError, match="option delay must be float, got '2'"):
        build_sources(s)
    s = settings_from(tmp_path, '[[sources]]\nname = "x"\nkind = "site"\nurl = "http://h/"\n'
                                'article_pattern = "a"\ndelay = 2\nmax_pages = true\n')
    with pytest.raises(SourceConfigError, match="option max_pages must be int"):
        build_sources(s)


def test_the_example_toml_loads_and_documents_every_option():
    import dataclasses
    import re

    from etl import schedule
    from etl.config import ROOT

    example = ROOT / "intl.example.toml"
    settings = load_settings(example)
    sources = build_sources(settings)
    assert {s.kind for s in sources} == {"folder", "report", "site", "feed"}
    assert [j.name for j in schedule.job_specs(settings)] == ["news", "office"]
    mentioned = set(re.findall(r"^\s*#?\s*([a-z_]+)\s*=", example.read_text(encoding="utf-8"), re.M))
    for kind, cls in kinds().items():
        if cls.__module__.startswith("etl.sources."):
            missing = {f.name for f in dataclasses.fields(cls.Options)} - mentioned
            assert not missing, f"{kind}: {missing} not in intl.example.toml"
    assert set(schedule.DEFAULTS) | {"jobstore"} | schedule.SPEC_KEYS <= mentioned
