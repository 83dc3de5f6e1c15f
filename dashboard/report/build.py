"""The leadership report as a file: ``build_report(url, filters, "pptx"|"pdf", lang="en"|"zh",
settings=…)`` returns its bytes, ``build_reports(url, filters, ["pptx", "pdf"], …)`` those of several
formats made from one content; :func:`export_options` reads the ``[export]`` settings every export
uses (the browser, the PDF's CJK font).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from dashboard.queries.common import Filters
from dashboard.report.render import ExportError

REPORT_FORMATS = ("pptx", "pdf")


def export_options(settings: Any) -> dict[str, Any]:
    """The ``[export]`` table of the settings (``browser_path``, ``cjk_font``)."""
    raw = getattr(settings, "raw", None) or {}
    opts = dict(raw.get("export", {}) or {})
    unknown = set(opts) - {"browser_path", "cjk_font"}
    if unknown:
        raise ExportError(f"[export]: unknown option(s) {', '.join(sorted(unknown))} (accepted: browser_path, cjk_font)")
    base = getattr(settings, "config_path", None)
    for key in ("browser_path", "cjk_font"):
        if opts.get(key) and base is not None and not str(opts[key]).startswith("/"):
            opts[key] = str((base.parent / opts[key]).resolve())
    return opts


def build_reports(url: str, f: Filters, formats: list[str] | tuple[str, ...], *, lang: str = "en",
                  settings: Any = None, today: dt.date | None = None) -> dict[str, bytes]:
    """The leadership report for the filters ``f`` in each of ``formats`` (PPTX, PDF): ``{format: bytes}``.
    The content (queries, charts drawn by Chromium) is computed once for all of them: the
    scheduled report in both formats costs one report's work, and both files say the same."""
    fmts = [str(x).lower() for x in formats]
    if bad := [x for x in fmts if x not in REPORT_FORMATS] or ([] if fmts else ["(none)"]):
        raise ExportError(f"report format {bad[0]!r} is not one of {', '.join(REPORT_FORMATS)}")
    from dashboard.report.content import report_content

    opts = export_options(settings)
    content = report_content(url, f, lang=lang, settings=settings, today=today,
                             browser_path=opts.get("browser_path"))
    out: dict[str, bytes] = {}
    for fmt in dict.fromkeys(fmts):
        if fmt == "pptx":
            from dashboard.report.pptx_writer import write_pptx

            out[fmt] = write_pptx(content)
        else:
            from dashboard.report.pdf_writer import write_pdf

            out[fmt] = write_pdf(content, font=opts.get("cjk_font"))
    return out


def build_report(url: str, f: Filters, fmt: str, *, lang: str = "en", settings: Any = None,
                 today: dt.date | None = None) -> bytes:
    """The leadership report for the filters ``f`` as PPTX or PDF bytes."""
    return build_reports(url, f, [fmt], lang=lang, settings=settings, today=today)[str(fmt).lower()]


__all__ = ["build_report", "build_reports", "export_options", "REPORT_FORMATS"]
