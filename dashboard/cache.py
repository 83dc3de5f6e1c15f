"""Query results cached per filter set (flask-caching).

In-process ``SimpleCache`` by default; Redis when ``REDIS_URL`` (or ``[cache] redis_url``)
is set, so that several gunicorn workers share one cache. A key is the query function,
the database URL, the database's *data version* (latest ETL run and its state, the highest
document and fact ids, the latest curation and how many are active) and the arguments: a run
starting or finishing, each document it commits and each curator's decision therefore
invalidate every cached result at once, without anyone having to clear the cache. A cache that fails (Redis down) is bypassed, never fatal.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Flask, current_app, g, has_app_context, has_request_context
from flask_caching import Cache

log = logging.getLogger("dashboard.cache")
cache = Cache()
T = TypeVar("T")
TIMEOUT = 600  # seconds; the data version already invalidates on every run
_warned: set[str] = set()


def _redis_url_with_timeouts(url: str) -> str:
    """A page must not hang on an unreachable Redis: short socket timeouts unless given."""
    parts = urlsplit(url)
    q = dict(parse_qsl(parts.query))
    q.setdefault("socket_timeout", "1")
    q.setdefault("socket_connect_timeout", "1")
    return urlunsplit(parts._replace(query=urlencode(q)))


def init_cache(server: Flask, redis_url: str | None = None, timeout: int = TIMEOUT) -> None:
    if redis_url:
        config = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": _redis_url_with_timeouts(redis_url),
                  "CACHE_KEY_PREFIX": "intl-dash:", "CACHE_DEFAULT_TIMEOUT": timeout}
    else:
        config = {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000, "CACHE_DEFAULT_TIMEOUT": timeout}
    cache.init_app(server, config=config)
    server.config["INTL_CACHE_TYPE"] = config["CACHE_TYPE"]


def _warn_once(what: str, exc: Exception) -> None:
    if what not in _warned:
        _warned.add(what)
        log.warning("cache %s failed, bypassing it: %s", what, exc)


def _key_part(value: Any) -> Any:
    """An argument as it enters a key: a frame (a query's rows handed to the next query, the
    Partner page's per-year sets) by a hash of its contents, its other arguments by their repr.

    A frame's repr was both slow (6 ms for the busiest partner's 2,700 rows, on every call) and
    not the whole frame (pandas elides the middle rows, so two frames differing there shared a key)."""
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        try:
            cells = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
        except TypeError:  # unhashable cells (lists): the whole text, not pandas' elided repr
            cells = value.to_json(orient="split", date_format="iso", default_handler=str).encode("utf-8")
        return ("frame", tuple(map(str, value.columns)), tuple(map(str, value.dtypes)), hashlib.sha1(cells).hexdigest())
    return value


def cache_key(fn: Callable, url: str, version: tuple, args: tuple, kwargs: dict) -> str:
    raw = repr((fn.__module__, fn.__qualname__, url, version, tuple(_key_part(a) for a in args),
                sorted((k, _key_part(v)) for k, v in kwargs.items())))
    return "q:" + hashlib.sha1(raw.encode("utf-8")).hexdigest()


def _version(url: str) -> tuple:
    """The database's data version, read once per request: a callback's queries (five or six
    through :func:`cached`) share it instead of a round trip each (on a busy PostgreSQL server
    a few ms each). Outside a request (a test's app context, a script) it is read every time."""
    from dashboard.queries.common import data_version

    if not has_request_context():
        return data_version(url)
    seen = g.setdefault("intl_data_versions", {})
    if url not in seen:
        seen[url] = data_version(url)
    return seen[url]


def cached(fn: Callable[..., T], url: str, *args: Any, **kwargs: Any) -> T:
    """``fn(url, *args, **kwargs)`` through the app's cache (a plain call outside an app)."""
    if not has_app_context() or cache not in current_app.extensions.get("cache", {}):
        return fn(url, *args, **kwargs)
    key = cache_key(fn, url, _version(url), args, kwargs)
    try:
        hit = cache.get(key)
    except Exception as exc:  # noqa: BLE001 - any backend failure means "no cache"
        _warn_once("get", exc)
        hit = None
    if hit is not None:
        return hit
    value = fn(url, *args, **kwargs)
    try:
        cache.set(key, value)
    except Exception as exc:  # noqa: BLE001
        _warn_once("set", exc)
    return value
