"""The leadership report as a file: ``build_report(url, filters, "pptx"|"pdf", lang="en"|"zh",
settings=…)`` returns its bytes; :func:`export_options` reads the ``[export]`` settings every
export uses (the browser, the PDF's CJK font).
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


def build_report(url: str, f: Filters, fmt: str, *, lang: str = "en", settings: Any = None,
                 today: dt.date | None = None) -> bytes:
    """The leadership report for the filters ``f`` as PPTX or PDF bytes."""
    from dashboard.report.content import report_content

    fmt = fmt.lower()
    if fmt not in REPORT_FORMATS:
        raise ExportError(f"report format {fmt!r} is not one of {', '.join(REPORT_FORMATS)}")
    opts = export_options(settings)
    content = report_content(url, f, lang=lang, settings=settings, today=today,
                             browser_path=opts.get("browser_path"))
    if fmt == "pptx":
        from dashboard.report.pptx_writer import write_pptx

        return write_pptx(content)
    from dashboard.report.pdf_writer import write_pdf

    return write_pdf(content, font=opts.get("cjk_font"))


__all__ = ["build_report", "export_options", "REPORT_FORMATS"]
