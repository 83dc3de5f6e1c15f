"""Screenshots of the real pages for the README: ``python -m tests.browser.take_screenshots``.

Loads the bundled sample into a temporary SQLite database through the ETL pipeline,
serves the app on a free localhost port and saves ``docs/screenshot-<page>.png`` with the
system Chromium (sign-in switched off for this throw-away local server).
"""
from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, LiveServer, load_sample

PAGES = {"overview": "/"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    ap.add_argument("--width", type=int, default=1440)
    args = ap.parse_args()
    # The screenshots show the pages, not the sign-in form: a throw-away local server.
    os.environ.setdefault("INTL_AUTH", "off")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'intl.db'}"
        load_sample(url)
        with LiveServer(url) as srv, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": 900})
            for name, path in PAGES.items():
                page.goto(srv.base + path)
                page.wait_for_selector(".js-plotly-plot .main-svg", state="attached")
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(800)  # let plotly finish its transitions
                out = args.out / f"screenshot-{name}.png"
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out), full_page=True)
                print(out)
            browser.close()


if __name__ == "__main__":
    main()
