"""Screenshots of the real pages for the README: ``python -m tests.browser.take_screenshots``.

Loads the bundled sample into a temporary SQLite database through the ETL pipeline,
serves the app on a free localhost port, signs in as a viewer created for the occasion
(as the leadership would see the page) and saves ``docs/screenshot-<page>.png`` with the
system Chromium.
"""
from __future__ import annotations

import argparse
import os
import secrets
import tempfile
from pathlib import Path

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, LiveServer, load_sample

PAGES = {"overview": "/", "schools": "/schools", "partners": "/partners", "programs": "/programs",
         "network": "/network", "sources": "/sources?q=summer%20school"}
# What shows that a page is drawn (default: a plotly chart).
READY = {"network": "#nw-graph canvas", "sources": ".result"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    ap.add_argument("--width", type=int, default=1440)
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
        add_user(url, "leadership", password, role="viewer")
        with LiveServer(url) as srv, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": 900})
            page.goto(srv.base + "/auth/login")
            page.fill("#username", "leadership")
            page.fill("#password", password)
            page.click("#login-submit")
            for name, path in PAGES.items():
                if args.pages and name not in args.pages:
                    continue
                page.goto(srv.base + path)
                page.wait_for_selector(READY.get(name, ".js-plotly-plot .main-svg"), state="attached")
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(800)  # let plotly finish its transitions
                out = args.out / f"screenshot-{name}.png"
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out), full_page=True)
                print(out)
            browser.close()


if __name__ == "__main__":
    main()
