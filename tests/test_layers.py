"""The layers point one way, and the project's modules import each other without a cycle.

Both checks read the source with :mod:`ast` (nothing is imported), so they see every import
statement: at module level, inside functions and methods, under ``try`` or ``if``. An import
inside a function still makes the two modules depend on each other, only later.

``etl`` never imports ``dashboard``: the ETL, its loaders and its commands run without the
web app (README, "How it works"); the ``intl`` program that joins both is ``dashboard/cli.py``.

The import graph has a node per module of the ``etl`` and ``dashboard`` packages (a package
is its ``__init__.py``) and an edge from a module to each project module it imports:

- ``import a.b.c`` and ``from a.b import c`` (``c`` a module) import ``a.b.c``, and also the
  packages around it, ``a`` and ``a.b``, since Python runs their ``__init__.py`` first — except
  the packages that contain the importing module itself: Python has initialised those before
  the module's first line, so ``dashboard.admin.ui`` importing ``dashboard.admin.jobs`` says
  nothing about ``dashboard/admin/__init__.py``;
- ``from a.b import name`` (``name`` not a module) imports ``a.b`` itself, even from inside
  ``a.b``: the name must already be defined in ``a/b/__init__.py``;
- relative imports are resolved against the importing module's package.

Modules imported by a name computed at run time (``importlib.import_module`` of the built-in
source kinds or of a TOML's ``plugins``) are not followed: they are not edges between modules
the code names, and a plugin is the user's module, not the project's.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("etl", "dashboard")


def project_modules() -> dict[str, Path]:
    """``{"dashboard.queries.common": path, "dashboard": path/__init__.py, …}``."""
    mods = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            mods[".".join(parts)] = path
    return mods


def imports_of(module: str, path: Path) -> list[tuple[str, int, bool]]:
    """``(imported name, line, explicit)`` for every import statement of the file, wherever it is.

    ``explicit`` is False for a package imported only as the container of the module named
    (``from a.b import c`` with ``c`` a module: ``a.b`` is implied, ``a.b.c`` explicit)."""
    out = []
    mods = _MODULES
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno, True) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[:len(parts) - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in mods]
            out += [(s, node.lineno, True) for s in subs]
            out.append((base, node.lineno, len(subs) < len(node.names)))
    return out


_MODULES = project_modules()


def import_graph() -> dict[str, dict[str, int]]:
    """``{module: {imported project module: line of the first such import}}``."""
    graph: dict[str, dict[str, int]] = {m: {} for m in _MODULES}
    for module, path in _MODULES.items():
        for name, line, explicit in imports_of(module, path):
            parts = name.split(".")
            for i in range(1, len(parts) + 1):
                target = ".".join(parts[:i])
                if target not in _MODULES or target == module:
                    continue
                whole = i == len(parts)
                containing = module.startswith(target + ".")
                if containing and not (whole and explicit):
                    continue  # a package around the importer: initialised before it anyway
                graph[module].setdefault(target, line)
    return graph


def find_cycle(graph: dict[str, dict[str, int]]) -> list[str] | None:
    """One cycle ``[a, b, …, a]`` of the graph, or None (depth-first search, iterative)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(graph):
        if start in state:
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph[nxt])))
    return None


def _describe(graph, cycle: list[str]) -> str:
    return "\n".join(f"  {a} imports {b} ({_MODULES[a].relative_to(ROOT)}:{graph[a][b]})"
                     for a, b in zip(cycle, cycle[1:]))


def test_etl_never_imports_dashboard():
    found = []
    for module, path in _MODULES.items():
        if module.split(".")[0] != "etl":
            continue
        for name, line, explicit in imports_of(module, path):
            if explicit and (name == "dashboard" or name.startswith("dashboard.")):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert not found, "etl must not import dashboard:\n" + "\n".join(found)


def test_the_import_graph_has_no_cycle():
    graph = import_graph()
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle:\n" + _describe(graph, cycle)


def test_the_checks_see_what_they_must():
    """The checks would fail on what they forbid: a function-level import is an edge, a package's
    ``__init__`` counts for importers outside it only, and a cycle through it is found."""
    graph = import_graph()
    # function-level imports count: dashboard/cli.py imports the app inside `serve`
    assert "dashboard.app" in graph["dashboard.cli"]
    # a page importing dashboard.admin.ui also imports the package dashboard.admin (__init__) …
    assert {"dashboard.admin", "dashboard.admin.ui"} <= set(graph["dashboard.pages.admin_users"])
    # … which a module inside that package does not
    assert "dashboard.admin" not in graph["dashboard.admin.ui"]
    assert find_cycle({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b": 1}, "b": {}, "c": {"a": 1, "b": 1}}) is None
    # etl's modules are all seen, the scan reaches nested packages
    assert {"etl.cli", "etl.load.models", "etl.sources.registry"} <= set(_MODULES)


def test_intl_is_the_dashboard_cli_with_every_command():
    """``[project.scripts] intl`` is the program composed on the dashboard's side, with every
    command of the README's table."""
    import tomllib

    from typer.main import get_command

    from dashboard.cli import app

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["intl"] == "dashboard.cli:app"
    intl = get_command(app)
    assert list(intl.commands) == ["init", "extract", "serve", "demo", "etl", "review", "programmes", "users",
                                   "export"]
    assert set(intl.commands["programmes"].commands) == {"list", "show", "check", "merge", "split", "rename", "link",
                                                         "unlink", "relink"}
    assert set(intl.commands["etl"].commands) == {"run", "schedule", "status"}
    assert set(intl.commands["users"].commands) == {"add", "list", "set-role", "set-password", "remove"}
    assert set(intl.commands["export"].commands) == {"list", "figure", "data", "report"}
