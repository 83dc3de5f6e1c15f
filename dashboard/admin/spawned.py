"""The process of one background job (``python -m dashboard.admin.spawned``), started by
:class:`dashboard.admin.jobs.SpawnManager` with the job on its standard input.

A new interpreter, not a fork of the web worker: it holds none of the worker's sockets (its
listening socket, its clients' connections), so closing a connection in the worker closes it,
and no viewer waits on the job. It imports the callback's function by name, runs it through
Dash's own job function (progress, result and errors in the format the page's polling reads),
writing to the same diskcache folder, and exits.

It imports what the job runs and no more (no page, no pandas, no figures: ~0.8 s of CPU instead of
1.6 s for every job): the words of a job's progress and result are registered by the modules that
word them (dashboard/admin/ui.py, messages.py, jobs.py, labels.py). tests/test_admin_i18n.py checks
that a process with only these imports words every kind of result as the web worker does.
"""
from __future__ import annotations

import importlib
import json
import logging
import sys
from collections.abc import Callable


def job_function(target: str) -> Callable:
    """The background callback named ``module:qualname``, imported (with the words it says)."""
    module, _, name = target.partition(":")
    fn = importlib.import_module(module)
    for part in name.split("."):
        fn = getattr(fn, part)
    return fn


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    spec = json.load(sys.stdin)
    import diskcache
    # Dash's job function for diskcache: the format of progress, result and errors that its
    # polling expects (the same one Dash's own DiskcacheManager runs in its forked process).
    from dash.background_callback.managers.diskcache_manager import _make_job_fn

    fn = job_function(spec["fn"])
    cache = diskcache.Cache(spec["cache"])
    try:
        _make_job_fn(fn, cache, spec["progress"])(spec["key"], spec["progress_key"], spec["args"], spec["context"])
    finally:
        cache.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
