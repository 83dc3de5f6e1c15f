"""The process of one background job (``python -m dashboard.admin.spawned``), started by
:class:`dashboard.admin.jobs.SpawnManager` with the job on its standard input.

A new interpreter, not a fork of the web worker: it holds none of the worker's sockets (its
listening socket, its clients' connections), so closing a connection in the worker closes it,
and no viewer waits on the job. It imports the callback's function by name, runs it through
Dash's own job function (progress, result and errors in the format the page's polling reads),
writing to the same diskcache folder, and exits.
"""
from __future__ import annotations

import importlib
import json
import logging
import sys


def _interface_words() -> None:
    """Import every page module: each registers its texts' translations when imported (a run's
    status words, for one, come with the Overview), which the web worker had and a job
    reporting in 中文 needs."""
    import pkgutil

    import dashboard.pages

    for mod in pkgutil.iter_modules(dashboard.pages.__path__):
        importlib.import_module(f"dashboard.pages.{mod.name}")


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    spec = json.load(sys.stdin)
    import diskcache
    # Dash's job function for diskcache: the format of progress, result and errors that its
    # polling expects (the same one Dash's own DiskcacheManager runs in its forked process).
    from dash.background_callback.managers.diskcache_manager import _make_job_fn

    _interface_words()
    module, _, name = spec["fn"].partition(":")
    fn = importlib.import_module(module)
    for part in name.split("."):
        fn = getattr(fn, part)
    cache = diskcache.Cache(spec["cache"])
    try:
        _make_job_fn(fn, cache, spec["progress"])(spec["key"], spec["progress_key"], spec["args"], spec["context"])
    finally:
        cache.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
