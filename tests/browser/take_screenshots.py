"""Screenshots of the real pages for the README: ``python -m tests.browser.take_screenshots``.

Loads the bundled sample into a temporary SQLite database through the ETL pipeline,
serves the app on a free localhost port, signs in as an administrator created for the
occasion and saves ``docs/screenshot-<page>.png`` (English) and ``docs/screenshot-<page>-zh.png``
(中文) with the system Chromium, the administration's pages included; with ``--report``, the
first pages of the leadership report (PDF, English and 中文) as ``docs/report-<lang>-<n>.png``
(pdftoppm).
"""
from __future__ import annotations

import argparse
import os
import secrets
import tempfile
from pathlib import Path

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, LiveServer, load_sample

PAGES = {"overview": "/", "schools": "/schools", "partners": "/partners", "programs": "/programs",
         "network": "/network", "sources": "/sources?q=summer%20school", "school": "/schools/{school}",
         "partner": "/partners/{partner}", "programme": "/programs/{programme}", "admin-runs": "/admin/runs", "admin-audit": "/admin/audit",
         "admin-etl": "/admin/etl"}
# What shows that a page is drawn (default: a plotly chart).
READY = {"network": "#nw-graph canvas", "sources": ".result", "admin-runs": ".admin-run", "admin-audit": "table",
         "admin-etl": "#admin-export-check"}


def showcase_programme(url: str) -> int:
    """A programme record whose page has something in every part: the joint programme with the most
    sources linked (articles and report rows), students in several years first."""
    from dashboard.queries import programmes as qg
    from dashboard.queries.common import Filters

    df = qg.records(url, Filters())
    joint = df[df["kind"] == "joint_programme"]
    df = joint if not joint.empty else df
    best = df.assign(_n=df["documents"] + df["report_rows"] + df["register"]).sort_values(
        ["_n", "programme_id"], ascending=[False, True])
    return int(best.iloc[0]["programme_id"])


def report_pages(url: str, out: Path, pages: int = 3) -> None:
    """The leadership report's first pages as PNGs, in English and Chinese."""
    import subprocess

    from dashboard.queries.common import Filters
    from dashboard.report.build import build_report

    for lang in ("en", "zh"):
        pdf = build_report(url, Filters.make(year_from=2021), "pdf", lang=lang)
        src = out / f".report-{lang}.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", str(pages), str(src),
                        str(out / f"report-{lang}")], check=True, timeout=120)
        src.unlink()
        for p in sorted(out.glob(f"report-{lang}-*.png")):
            print(p)


def subjects(url: str) -> tuple[int, int]:
    """The school and the partner whose pages are shown: the most documents among those whose
    every card has something to draw (students abroad from the reports included)."""
    from dashboard.queries import overview as qo
    from dashboard.queries import partners as qp
    from dashboard.queries import schools as qs
    from dashboard.queries.common import Filters

    f = Filters()
    summary = qs.school_summary(url, f)
    ids = [int(i) for i in summary["unit_id"]]
    school = next((i for i in ids if not qs.school_mobility(url, f, i).empty), ids[0])
    top = [int(i) for i in qo.top_partners(url, f)["partner_id"]]
    partner = next((i for i in top if not qp.partner_mobility(url, f, qp.partner_info(url, i)).empty), top[0])
    return school, partner


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    ap.add_argument("--width", type=int, default=1440)
    ap.add_argument("--report", action="store_true", help="also the report's first pages (docs/report-*.png)")
    ap.add_argument("--langs", default="en,zh", help="interface languages (default: en,zh)")
    ap.add_argument("pages", nargs="*", help=f"only these pages, of {', '.join(PAGES)} (default: all)")
    args = ap.parse_args()
    if set(args.pages) - set(PAGES):
        ap.error(f"unknown page(s): {', '.join(sorted(set(args.pages) - set(PAGES)))}")
    from playwright.sync_api import sync_playwright

    from dashboard.users import add_user

    os.environ["INTL_AUTH"] = "on"
    os.environ.setdefault("INTL_SECRET_KEY", secrets.token_hex(32))  # a throw-away session key
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'intl.db'}"
        load_sample(url)
        password = secrets.token_urlsafe(18)
        add_user(url, "leadership", password, role="admin")
        school, partner = subjects(url)
        programme = showcase_programme(url)
        if args.report:
            report_pages(url, args.out)
        with LiveServer(url) as srv, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": 900})
            page.goto(srv.base + "/auth/login")
            page.fill("#username", "leadership")
            page.fill("#password", password)
            page.click("#login-submit")
            for lang in args.langs.split(","):
                for name, path in PAGES.items():
                    if args.pages and name not in args.pages:
                        continue
                    path = path.format(school=school, partner=partner, programme=programme)
                    if lang == "zh":
                        path += ("&" if "?" in path else "?") + "ui=zh"
                    page.goto(srv.base + path)
                    page.wait_for_selector(READY.get(name, ".js-plotly-plot .main-svg"), state="attached")
                    page.wait_for_load_state("networkidle")
                    page.wait_for_timeout(800)  # let plotly finish its transitions
                    out = args.out / f"screenshot-{name}{'-zh' if lang == 'zh' else ''}.png"
                    out.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(out), full_page=True)
                    print(out)
            browser.close()


if __name__ == "__main__":
    main()
