"""Packaging: every runtime dependency is declared in pyproject.toml, and the built wheel installs
into a fresh ``python3 -m venv`` (its stock pip, never upgraded) where every module imports and an
HTML page, a report and the migrations work.

The fast test reads the imports of etl/ and dashboard/ and maps them to their distributions. The slow
one builds the wheel and installs it with the fresh venv's own pip, as an office's IT person does on a
new machine. That pip is the one ``python -m venv`` puts there: the wheels ensurepip bundles (pip, and
setuptools on 3.11), unpacked into a ``--without-pip`` venv here; ensurepip would install them by running
pip, 4 s of CPU for the same files (it is used where no bundled wheel is found). The wheel's dependencies
are not downloaded and installed again there: the venv sees this environment's installed distributions
(a path line, so their editable work-tree install stays out), and the test checks that the wheel
declares exactly pyproject's dependencies and that each one is satisfied there (``pip check`` and our
own reading of Requires-Dist). That those dependencies resolve from the package registry is what
``make install`` does before every ``make test`` on a clean clone.
"""
from __future__ import annotations

import ast
import importlib.metadata as md
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGES = ("etl", "dashboard")


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    return {_canon(re.split(r"[\s\[<>=!~;]", d, maxsplit=1)[0]) for d in deps}


def imported_modules() -> dict[str, list[str]]:
    """Top-level modules imported by the project's code (absolute imports only) → the files importing them."""
    out: dict[str, list[str]] = {}
    for pkg in PACKAGES:
        for f in sorted((ROOT / pkg).rglob("*.py")):
            tree = ast.parse(f.read_text(encoding="utf-8"), str(f))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for n in names:
                    out.setdefault(n.split(".")[0], []).append(str(f.relative_to(ROOT)))
    return out


def test_every_imported_distribution_is_declared():
    dists = md.packages_distributions()
    deps = declared()
    missing = {}
    for mod, files in imported_modules().items():
        if mod in PACKAGES or mod in sys.stdlib_module_names or mod == "__future__":
            continue
        names = dists.get(mod)
        assert names, f"{mod} (imported by {files[0]}) belongs to no installed distribution"
        if not {_canon(n) for n in names} & deps:
            missing[mod] = (names, files[0])
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"
    # jusText (under trafilatura) imports lxml.html.clean, a package of its own since lxml 5.2
    assert "lxml-html-clean" in deps


CHECK = r'''
import importlib, json, pkgutil, sys, tempfile, pathlib
import etl, dashboard
root = pathlib.Path(etl.__file__).resolve().parents[1]
failed, n = [], 0
for pkg in (etl, dashboard):
    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        if ".migrations." in m.name:
            continue  # Alembic's env script and revisions, loaded by Alembic itself (the upgrade below)
        try:
            importlib.import_module(m.name)
            n += 1
        except BaseException as exc:
            failed.append((m.name, f"{exc.__class__.__name__}: {exc}"))
from etl.sources.files import read_html
page = ("<html><head><title>Lab visit</title><meta property='article:published_time' content='2024-03-08'></head>"
        "<body><article><h1>Lab visit</h1>" + "<p>Engineers from a partner university toured the robotics "
        "laboratory and discussed a joint summer course for next year.</p>" * 6 + "</article></body></html>")
doc = read_html(page.encode(), "http://example.org/a.html")
from etl.reports import parse_report
csv = pathlib.Path(tempfile.mkdtemp()) / "p.csv"
csv.write_text("Programme,College,Partner institution(s),Mode of delivery\nX,SEM,UTS,2+2\n", encoding="utf-8")
rep = parse_report(csv)
from etl.db import upgrade, current_revision
db = pathlib.Path(tempfile.mkdtemp()) / "t.db"
upgrade(f"sqlite:///{db}")
print(json.dumps({"root": str(root), "modules": n, "failed": failed, "published": str(doc.published),
                  "kind": rep.shape.kind, "mode": rep.rows[0]["mode"], "revision": current_revision(f"sqlite:///{db}")}))
'''


def _requires_dist(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        text = z.read(meta).decode("utf-8")
    return [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Requires-Dist:")]


def _bundled_wheels() -> list[Path]:
    """The wheels ``python -m venv`` installs (ensurepip's bundled pip and setuptools), or [] where
    this Python has none (a distribution that strips them)."""
    import ensurepip

    folder = os.environ.get("WHEEL_PKG_DIR") or getattr(ensurepip, "_WHEEL_PKG_DIR", None) or \
        Path(ensurepip.__file__).parent / "_bundled"
    wheels = sorted(Path(folder).glob("*.whl"))
    return wheels if any(w.name.startswith("pip-") for w in wheels) else []


SATISFIED = r'''
import importlib.metadata as md, json, sys
from packaging.requirements import Requirement
bad = []
for line in json.loads(sys.argv[1]):
    req = Requirement(line)
    if req.marker is not None and not req.marker.evaluate({"extra": ""}):
        continue  # an extra's dependency (test tools) or another platform's
    try:
        version = md.version(req.name)
    except md.PackageNotFoundError:
        bad.append(f"{req}: not installed")
        continue
    if not req.specifier.contains(version, prereleases=True):
        bad.append(f"{req}: {version}")
ours = md.distribution("intl-dashboard")
print(json.dumps({"bad": bad, "pip": md.version("pip"), "ours": [ours.version, str(ours.locate_file(""))]}))
'''


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv_with_its_stock_pip(tmp_path):
    wheels = tmp_path / "wheels"
    # built from the files git tracks, copied: the work tree's build/ and *.egg-info of an earlier build would
    # otherwise lend the wheel files that package-data no longer names (a clean clone has neither)
    tracked = subprocess.run(["git", "ls-files", "-z"], capture_output=True, text=True, cwd=ROOT)
    src = ROOT
    if tracked.returncode == 0 and tracked.stdout.strip("\0"):
        src = tmp_path / "src"
        for rel in filter(None, tracked.stdout.split("\0")):
            path = ROOT / rel
            if not (path.is_symlink() or path.is_file()):
                continue  # (deleted in the work tree, not yet in git)
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            if path.is_symlink():  # kept a link (etl/reference_data -> ../data/reference)
                (src / rel).symlink_to(os.readlink(path))
            else:
                shutil.copy2(path, src / rel)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(src)],
                   check=True, cwd=tmp_path)
    wheel = next(wheels.glob("intl_dashboard-*.whl"))
    # every file of the two packages that git tracks is in the wheel: the shipped models and tables too, not only
    # the modules (a data file left out of package-data makes the installed extractor quietly run without it)
    with zipfile.ZipFile(wheel) as z:
        in_wheel = set(z.namelist())
    tracked = subprocess.run(["git", "ls-files", "etl", "dashboard"], capture_output=True, text=True, cwd=ROOT)
    if tracked.returncode == 0 and tracked.stdout.strip():
        wanted = set()
        for rel in tracked.stdout.split("\n"):
            path = ROOT / rel
            if not rel or "__pycache__" in rel:
                continue
            if path.is_dir():  # a link to a folder (etl/reference_data): its files
                wanted |= {f"{rel}/{f.name}" for f in path.iterdir() if f.is_file()}
            elif path.is_file():
                wanted.add(rel)
        missing = sorted(wanted - in_wheel)
        assert not missing, f"tracked files the wheel lacks (pyproject's package-data): {missing}"
        assert {"etl/extract/partner_model.json", "etl/extract/activity_model.json"} <= in_wheel
    # the wheel declares exactly what pyproject.toml does (an extra's lines carry a marker)
    requires = _requires_dist(wheel)
    runtime = {_canon(re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0]) for r in requires if "extra ==" not in r}
    assert runtime == declared(), (sorted(runtime), sorted(declared()))

    venv = tmp_path / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    bundled = _bundled_wheels()
    subprocess.run([base, "-m", "venv", *(["--without-pip"] if bundled else []), str(venv)], check=True)
    py = venv / "bin" / "python"
    site = Path(subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    for whl in bundled:  # the venv's stock pip: the files ensurepip would install
        with zipfile.ZipFile(whl) as z:
            z.extractall(site)
    pip_version = subprocess.run([py, "-m", "pip", "--version"], capture_output=True, text=True, check=True).stdout
    assert pip_version.startswith("pip ") and str(site) in pip_version, pip_version
    # the dependencies: this environment's distributions, on a path line (no .pth of theirs runs, so the
    # editable install of the work tree is not importable in the venv)
    ours = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "zz_test_dependencies.pth").write_text("".join(f"{p}\n" for p in ours), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    r = subprocess.run([py, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], capture_output=True, text=True,
                       env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    # every dependency the wheel requires is there at a version it accepts: pip's word and ours
    r = subprocess.run([py, "-m", "pip", "check"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert not [x for x in r.stdout.splitlines() if _canon(x.split(" ", 1)[0]) == "intl-dashboard"], r.stdout
    r = subprocess.run([py, "-c", SATISFIED, json.dumps(requires)], capture_output=True, text=True, env=env,
                       cwd=tmp_path)  # (not the work tree, whose intl_dashboard.egg-info "-c" would find first)
    assert r.returncode == 0, r.stderr[-3000:]
    got = json.loads(r.stdout)
    assert got["bad"] == []
    # the wheel is installed, and the venv's pip is still the one venv bundled: nothing upgraded it
    assert got["ours"] == [wheel.name.split("-")[1], str(site)]  # the wheel's, not the work tree's
    assert pip_version.split()[1] == got["pip"], (pip_version, got["pip"])
    env.update(INTL_AUTH="off", REDIS_URL=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
    env.pop("DATABASE_URL", None)
    r = subprocess.run([py, "-c", CHECK], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-4000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["root"].startswith(str(venv)), "imported from the installed wheel, not the work tree"
    assert out["failed"] == [] and out["modules"] > 90
    assert out["published"] == "2024-03-08"
    assert (out["kind"], out["mode"]) == ("programs", "2+2")
    assert out["revision"]
