"""What the server refuses before any page or callback runs: ``init_hardening(app)``.

- **Request size.** Every request body is bounded: ``INTL_REQUEST_MAX_MB`` (default 2 MB) for
  callbacks, forms and everything else; an administrator's callbacks may carry uploads, up to
  ``INTL_UPLOAD_MAX_MB`` of files at a time (base64 in JSON: 4/3 of that, plus room), and
  only the upload callback may use more than the small limit. A body whose
  ``Content-Length`` says more is refused with ``413`` *before a byte of it is read*; a body
  sent without one (chunked) is cut off with ``413`` as soon as it passes the limit
  (werkzeug's bounded input stream, fed the limit per request). The connection is then closed,
  so the server never reads the rest. (Flask's ``MAX_CONTENT_LENGTH`` alone did not apply:
  the key exists, as ``None``, so a ``setdefault`` never set it.)
- **Callback requests.** A ``/_dash-update-component`` body must name a registered callback
  and send its inputs and states in the shape the callback declares (a list for an ``ALL``
  pattern, an object otherwise); URL properties (``search``, ``pathname``, ``hash``,
  ``href``) must be text, a ``pathname`` a path, and the filter store an object. Anything else is a ``400``, where
  Dash itself would raise (a 500) or hand a callback a value it cannot use.
- **Component-suite paths.** Dash serves only the files its packages registered; a request for
  another (``%2e%2e/…``, an unknown package) is a ``404``, not Dash's exception (a 500).
- **Headers.** A Content-Security-Policy (:func:`content_security_policy`), plus
  ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: SAMEORIGIN`` and
  ``Referrer-Policy: same-origin`` on every response.

Settings: ``INTL_REQUEST_MAX_MB`` (default 2), ``INTL_UPLOAD_MAX_MB`` (default 20,
dashboard/admin/uploads.py). One megabyte is 1,048,576 bytes everywhere (the upload page, its
refusals and these limits).
"""
from __future__ import annotations

import base64
import hashlib
import logging
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app, jsonify, request

from dashboard.admin.uploads import MB  # one megabyte, for every limit

log = logging.getLogger("dashboard.hardening")
DEFAULT_REQUEST_MAX_MB = 2
CALLBACK_PATH = "/_dash-update-component"
EXT_KEY = "intl_hardening"
# Properties that are text in every component that has them (dcc.Location's); a callback
# reading them calls string methods.
TEXT_PROPS = frozenset({"search", "pathname", "hash", "href"})
WILDCARDS = ('["ALL"]', '["ALLSMALLER"]')


# -- limits -----------------------------------------------------------------------------------------
def _mb(env: str, default: float) -> float:
    try:
        value = float(os.environ.get(env) or default)
    except ValueError:
        log.warning("%s is not a number: using %s", env, default)
        return default
    return value if value > 0 else default


def request_max_bytes() -> int:
    """The largest body of any request but an administrator's upload (``INTL_REQUEST_MAX_MB``)."""
    return int(_mb("INTL_REQUEST_MAX_MB", DEFAULT_REQUEST_MAX_MB) * MB)


def upload_request_max_bytes() -> int:
    """The largest body of an upload callback: the files at most (``INTL_UPLOAD_MAX_MB``), in base64."""
    from dashboard.admin.uploads import max_request_bytes

    return max(request_max_bytes(), max_request_bytes())


def mb_text(n: int) -> str:
    """``n`` bytes in megabytes as the pages say it (``20 MB``, ``1.5 MB``)."""
    from dashboard.admin.uploads import mb

    return mb(n) + " MB"


def too_large(limit: int, upload: bool = False):
    """The ``413`` answer; the connection closes, so the rest of the body is never read. An
    upload's answer names the upload limit, the number the upload page shows."""
    from dashboard.admin.uploads import max_upload_bytes, mb

    shown = max_upload_bytes() if upload else limit
    error = f"upload too large: at most {mb_text(shown)} at a time" if upload else \
        f"request too large: at most {mb_text(shown)}"
    resp = jsonify(error=error, upload=upload, limit_mb=mb(shown))
    resp.status_code = 413
    resp.headers["Connection"] = "close"
    return resp


def _is_callback() -> bool:
    return request.method == "POST" and request.path.endswith(CALLBACK_PATH)


def _is_admin() -> bool:
    from dashboard.auth import is_admin

    return is_admin()


def _limit_body():
    """First of every request: the body limit, checked on ``Content-Length`` and set on the
    request so that a chunked body is cut off at the same number."""
    limit = request_max_bytes()
    big = _is_callback() and _is_admin()
    if big:
        limit = upload_request_max_bytes()
    request.max_content_length = limit
    n = request.content_length
    if n is not None and n > limit:
        log.warning("refused %s %s: body of %d bytes, limit %d", request.method, request.path, n, limit)
        return too_large(limit, upload=big)
    if n is None and "chunked" in request.environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return _buffer_unsized_body(limit, big)
    return None


def _buffer_unsized_body(limit: int, big: bool):
    """A body without ``Content-Length`` (chunked): read up to one byte past the limit. More
    than the limit is a 413 at that point; otherwise the body becomes an ordinary one of known
    length. (werkzeug's bounded stream alone would hand the first ``limit`` bytes on as if
    they were the whole body: a truncated JSON, refused as something else.)"""
    import io

    env = request.environ
    stream = env["wsgi.input"]
    parts, got = [], 0
    while got <= limit:
        part = stream.read(min(64 * 1024, limit + 1 - got))
        if not part:
            break
        parts.append(part)
        got += len(part)
    if got > limit:
        log.warning("refused %s %s: chunked body over the limit %d", request.method, request.path, limit)
        return too_large(limit, upload=big)
    data = b"".join(parts)
    env["wsgi.input"] = io.BytesIO(data)
    env["CONTENT_LENGTH"] = str(len(data))
    env.pop("HTTP_TRANSFER_ENCODING", None)
    env.pop("wsgi.input_terminated", None)
    request.__dict__.pop("content_length", None)  # werkzeug caches it: read it again from the new headers
    return None


def _on_too_large(_exc):  # a chunked body passed the limit while it was read
    big = _is_callback() and _is_admin()
    return too_large(upload_request_max_bytes() if big else request_max_bytes(), upload=big)


# -- callback requests ----------------------------------------------------------------------------
def _upload_callbacks(app) -> frozenset[str]:
    """The callbacks taking a ``dcc.Upload``'s ``contents``: the only ones allowed a big body."""
    ext = current_app.extensions[EXT_KEY]
    if ext.get("uploads") is None:
        ext["uploads"] = frozenset(k for k, cb in app.callback_map.items()
                                   if any(i.get("property") == "contents" for i in cb.get("inputs", [])))
    return ext["uploads"]


def _entry_problem(declared: Mapping[str, Any], given: Any) -> str | None:
    did = str(declared.get("id"))
    if did.startswith("{") and any(w in did for w in WILDCARDS):
        if not isinstance(given, list):
            return f"{did}: a list expected"
        items = given
    else:
        items = [given]
    for item in items:
        if not isinstance(item, dict) or "id" not in item or item.get("property") != declared.get("property"):
            return f"{did}.{declared.get('property')}: not the declared input"
        value, prop = item.get("value"), item.get("property")
        if prop in TEXT_PROPS and value is not None and not isinstance(value, str):
            return f"{did}.{prop}: text expected"
        if prop == "pathname" and not (isinstance(value, str) and value.startswith("/")):
            return f"{did}.{prop}: a path expected"  # what a browser's location always has
        if (did, prop) == (_filters_id(), "data") and value is not None and not isinstance(value, dict):
            return f"{did}.{prop}: an object expected"
    return None


def _filters_id() -> str:
    from dashboard import ids

    return ids.FILTERS


def callback_problem(app, body: Any) -> str | None:
    """Why a ``/_dash-update-component`` body is no request for one of ``app``'s callbacks
    (``None`` when it is one): unknown output, inputs or states not as declared, a URL property
    that is not text, a filter store that is not an object."""
    if not isinstance(body, dict):
        return "not a JSON object"
    output = body.get("output")
    cb = app.callback_map.get(output) if isinstance(output, str) else None
    if cb is None or "callback" not in cb:  # no entry, or a clientside callback (nothing runs here)
        return "no such callback"
    outputs = body.get("outputs")
    n_out = len(output.strip(".").split("...")) if output.startswith("..") else 1
    if n_out > 1 and not (isinstance(outputs, list) and len(outputs) == n_out):
        return "outputs do not match"
    if n_out == 1 and not isinstance(outputs, (dict, list)):
        return "outputs do not match"
    for part in ("inputs", "state"):
        declared = cb.get(part) or []
        given = body.get(part, [] if part == "state" else None)
        if not isinstance(given, list) or len(given) != len(declared):
            return f"{part} do not match"
        for d, g in zip(declared, given):
            why = _entry_problem(d, g)
            if why:
                return why
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds is not a list of names"
    return None


def _check_callback():
    """After sign-in and CSRF (dashboard/auth.py): the callback request's shape, and the small
    limit for every callback but an upload."""
    if not _is_callback():
        return None
    ext = current_app.extensions[EXT_KEY]
    app = ext["dash"]
    body = request.get_json(silent=True)
    why = callback_problem(app, body)
    if why:
        return jsonify(error=f"bad callback request: {why}"), 400
    small = request_max_bytes()
    if (request.content_length or len(request.get_data(cache=True))) > small and \
            body.get("output") not in _upload_callbacks(app):
        return too_large(small)
    return None


def _component_suite_not_found(_exc):
    return jsonify(error="not found"), 404


# -- headers ---------------------------------------------------------------------------------------
def inline_script_hashes(app) -> list[str]:
    """CSP sources (``'sha256-…'``) of the inline scripts of the page shell: Dash's renderer
    start-up and the clientside callbacks written as strings (``Dash.csp_hashes``)."""
    return list(app.csp_hashes("sha256"))


def style_hash(css: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"


def content_security_policy(app, extra_styles: tuple[str, ...] = ()) -> str:
    """The policy of every response.

    Scripts: this server's files and the hashed inline scripts of the page shell — no other
    inline script, no ``eval`` (plotly's traces used here need none: the browser test sees no
    violation). Styles: this server's files, and inline styles: Dash's renderer, its dropdowns,
    React, AG Grid, cytoscape and plotly all write ``<style>`` elements or style attributes at
    run time (without ``'unsafe-inline'`` every page had 26–57 violations), and the sign-in
    page has its own ``<style>``; a style cannot run code. Images: this server, ``data:`` and
    ``blob:`` (plotly's "download plot" draws the chart through a data URL). Everything else:
    this server only; no plugin objects; no framing by other sites.
    """
    scripts = " ".join(["'self'", *inline_script_hashes(app)])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'" + "".join(" " + s for s in extra_styles),
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ])


def _headers(response):
    ext = current_app.extensions[EXT_KEY]
    if ext.get("csp") is None:  # built at the first response: every clientside callback is registered by then
        ext["csp"] = content_security_policy(ext["dash"])
    h = response.headers
    h.setdefault("Content-Security-Policy", ext["csp"])
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "SAMEORIGIN")
    # same-origin: the app's own requests keep the query string (?ui=zh) in their Referer
    # (dashboard/admin/ui.callback_lang), other sites get none.
    h.setdefault("Referrer-Policy", "same-origin")
    return response


# -- wiring ----------------------------------------------------------------------------------------
def init_hardening(app) -> None:
    """Install the limits, checks and headers on ``app`` (a Dash app). Call after ``init_auth``,
    so that the callback check runs after sign-in and CSRF, and the body limit before both."""
    from dash.exceptions import DependencyException
    from werkzeug.exceptions import RequestEntityTooLarge

    server: Flask = app.server
    server.extensions[EXT_KEY] = {"dash": app, "csp": None}
    server.config["MAX_CONTENT_LENGTH"] = request_max_bytes()  # assigned: Flask holds the key already
    funcs = server.before_request_funcs.setdefault(None, [])
    funcs.insert(0, _limit_body)       # before anything reads the body (or the session's user)
    funcs.append(_check_callback)      # after the sign-in guard
    server.after_request(_headers)
    server.register_error_handler(RequestEntityTooLarge, _on_too_large)
    server.register_error_handler(DependencyException, _component_suite_not_found)


__all__ = ["init_hardening", "callback_problem", "content_security_policy", "request_max_bytes",
           "upload_request_max_bytes", "mb_text", "too_large", "MB"]
