"""Sources configured in ``intl.toml``, built-in kinds and new ones registered the same way.

A ``[[sources]]`` table names a source and its kind; the other keys are the kind's options::

    [[sources]]
    name = "bistu-news"          # unique; stored with each document and in source_state
    kind = "site"                # a registered kind: folder, site, feed, report, or a plugin's
    url = "https://english.bistu.edu.cn/news/"
    article_pattern = '/news/\\d+\\.html$'

A kind is a :class:`Source` subclass decorated with ``@register("kind")`` whose ``Options``
dataclass lists the keys it accepts (unknown keys are refused, so a typo is an error, not a
silently ignored setting). Modules named in the top-level ``plugins = [...]`` list of the
TOML file are imported before the sources are built, which is how a new kind (or a schedule
hook) is added without touching this package.

A source yields, in order, the items the pipeline loads:

- :class:`~etl.sources.base.SourceDocument`: an article read;
- :class:`~etl.errors.InputError`: a bad item (file or URL + reason); the run logs it, goes on;
- :class:`pathlib.Path` or :class:`~etl.sources.base.ReportPath` (with the source's column map):
  an office report file (csv/xlsx) for the report loader;
- :class:`~etl.sources.base.Unchanged`: a stored document seen again as it was;
- :class:`~etl.sources.base.Gone`: a stored web page that no longer exists (404/410 on a revisit).
"""
from __future__ import annotations

import dataclasses
import importlib
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Union

from etl.config import Settings
from etl.errors import InputError
from etl.sources.base import Gone, ReportPath, SourceDocument, Unchanged

log = logging.getLogger("etl.sources")

SourceItem = Union[SourceDocument, Unchanged, Gone, InputError, Path, ReportPath]
BUILTIN_MODULES = ("etl.sources.folder", "etl.sources.site", "etl.sources.feed")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


class SourceConfigError(ValueError):
    """A ``[[sources]]`` (or ``[[schedule]]``) table that cannot be used; says which and why."""


@dataclass
class SourceContext:
    """What the pipeline lends a source for one run.

    ``known(uri)``: True when a document with that URI is already stored (a web source
    fetches only the others). ``state``: where validators for conditional GET are kept
    (:class:`~etl.sources.http.StateStore`). ``source_hash(uri)``: the SHA-256 of the bytes a
    stored file was read from, so that a disk source skips unchanged files without decoding.
    ``stored(uri)``: the content hash of the document stored under ``uri`` — asked after yielding
    a document, it tells whether the pipeline stored it (a web source then keeps the page's
    validators). ``documents(source, since)``: the URIs a source stored, those first seen since a
    time when given: the articles a revisit re-checks. ``read``: the reader to read files and pages with.
    """

    known: Callable[[str], bool] = lambda uri: False
    state: Any = None
    source_hash: Callable[[str], str | None] = lambda uri: None  # raw-bytes hash of a stored file
    stored: Callable[[str], str | None] = lambda uri: None  # content hash of the stored document, after a yield
    documents: Callable[..., list[str]] = lambda source, since=None: []  # a source's stored URIs (first seen since)
    # read(data, uri, source=…, content_type=…) → SourceDocument: the reader within the run's [limits]
    # (etl/limits.py: a child process with time and memory limits); None: etl.sources.files.read_bytes
    read: Callable[..., Any] | None = None

    def __post_init__(self):
        if self.state is None:
            from etl.sources.http import MemoryStateStore

            self.state = MemoryStateStore()


class Source:
    """A configured source. Subclasses set ``Options`` (a dataclass) and implement ``items``."""

    kind: ClassVar[str] = ""

    @dataclass
    class Options:
        pass

    def __init__(self, name: str, options: Any, settings: Settings | None = None):
        self.name, self.options, self.settings = name, options, settings
        self.stats: dict[str, int] = {}
        self.revisit_all = False  # this run re-checks every stored article (intl etl run --revisit)

    def items(self, ctx: SourceContext) -> Iterator[SourceItem]:
        raise NotImplementedError

    @property
    def roots(self) -> list[Path]:
        """Folders this source scans in full: documents stored from them whose file has
        vanished are marked gone after the run."""
        return []

    def count(self, key: str, n: int = 1) -> None:
        self.stats[key] = self.stats.get(key, 0) + n

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} {self.name!r}>"


_KINDS: dict[str, type[Source]] = {}


def register(kind: str):
    """Class decorator: make ``kind`` usable in ``[[sources]]`` tables."""

    def deco(cls: type[Source]) -> type[Source]:
        if kind in _KINDS and _KINDS[kind] is not cls:
            raise ValueError(f"source kind {kind!r} is already registered by {_KINDS[kind].__qualname__}")
        cls.kind = kind
        _KINDS[kind] = cls
        return cls

    return deco


def kinds() -> dict[str, type[Source]]:
    """Every registered kind (built-ins imported first)."""
    for mod in BUILTIN_MODULES:
        importlib.import_module(mod)
    return dict(_KINDS)


def load_plugins(settings: Settings) -> None:
    """Import the modules of the TOML's top-level ``plugins`` list (they register kinds or hooks)."""
    plugins = settings.raw.get("plugins", [])
    if isinstance(plugins, str):
        plugins = [plugins]
    for mod in plugins:
        try:
            importlib.import_module(mod)
        except ImportError as exc:
            raise SourceConfigError(f"plugin module {mod!r} cannot be imported: {exc}") from None


def base_dir(settings: Settings | None) -> Path:
    """Relative paths in the TOML are relative to the TOML file (else to the working directory)."""
    if settings is not None and settings.config_path is not None:
        return settings.config_path.parent
    return Path.cwd()


def parse_options(cls: type[Source], table: dict[str, Any], where: str) -> Any:
    """The ``Options`` dataclass of ``cls`` from a TOML table; unknown or missing keys are errors."""
    fields = {f.name: f for f in dataclasses.fields(cls.Options)}
    unknown = sorted(set(table) - set(fields))
    if unknown:
        raise SourceConfigError(f"{where}: unknown option(s) {', '.join(unknown)} for kind {cls.kind!r} "
                                f"(accepted: {', '.join(sorted(fields))})")
    missing = [n for n, f in fields.items() if n not in table and f.default is dataclasses.MISSING
               and f.default_factory is dataclasses.MISSING]
    if missing:
        raise SourceConfigError(f"{where}: missing option(s) {', '.join(missing)} for kind {cls.kind!r}")
    for key, value in table.items():
        table[key] = _typed(fields[key], value, where)
    try:
        opts = cls.Options(**table)
    except (TypeError, ValueError) as exc:
        raise SourceConfigError(f"{where}: {exc}") from None
    check = getattr(opts, "check", None)
    if check is not None:
        try:
            check()
        except (TypeError, ValueError) as exc:
            raise SourceConfigError(f"{where}: {exc}") from None
    return opts


def _typed(f: dataclasses.Field, value: Any, where: str) -> Any:
    """Check a value against the type of the option's default (bool, int, float, str)."""
    default = f.default
    if default is dataclasses.MISSING or default is None:
        return value
    want = type(default)
    ok = isinstance(value, want) and not (want is int and isinstance(value, bool))
    if want is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not ok:
        raise SourceConfigError(f"{where}: option {f.name} must be {want.__name__}, got {value!r}")
    return value


def build_sources(settings: Settings, names: Iterable[str] | None = None) -> list[Source]:
    """The configured sources, in TOML order (only those named, when ``names`` is given)."""
    load_plugins(settings)
    registered = kinds()
    out: list[Source] = []
    seen: set[str] = set()
    for i, table in enumerate(settings.sources, 1):
        table = dict(table)
        kind = table.pop("kind", None) or table.pop("type", None)
        name = table.pop("name", None) or kind
        where = f"[[sources]] #{i} ({name or '?'})"
        if not kind:
            raise SourceConfigError(f"{where}: no kind (one of {', '.join(sorted(registered))})")
        if kind not in registered:
            raise SourceConfigError(f"{where}: unknown kind {kind!r} (registered: {', '.join(sorted(registered))})")
        if not NAME_RE.match(str(name)):
            raise SourceConfigError(f"{where}: name must be 1–40 letters, digits, '-', '_' or '.'")
        if name in seen:
            raise SourceConfigError(f"{where}: two sources are named {name!r}")
        seen.add(name)
        cls = registered[kind]
        out.append(cls(name, parse_options(cls, table, where), settings))
    if names is not None:
        wanted = list(names)
        unknown = [n for n in wanted if n not in seen]
        if unknown:
            raise SourceConfigError(f"no configured source named {', '.join(map(repr, unknown))} "
                                    f"(configured: {', '.join(sorted(seen)) or 'none'})")
        out = [s for s in out if s.name in wanted]
    return out

