"""In Chromium: names are text in the Schools and Partners grids (a partner named with a
Markdown link to another site shows that text and links nowhere but its own page), and the app
loads under the Content-Security-Policy with no violation at all: the sign-in page, the Overview's
charts and map, a chart's PNG download, the network graph. (Every other page is loaded under the
policy, with the same recording, in tests/browser/test_hostile_input.py's walk of every page.)

The hostile names are written into the database the way a report or an article could bring
them (a partner's and a school's name).
"""
from __future__ import annotations

import re

import pytest

from dashboard import ids
from tests.browser.conftest import LiveServer, load_sample, navigate
from tests.browser.test_hostile_input import settle, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.auth]

PHISH = "Phish University <https://evil.example/login>"
PHISH_MD = "Gamma Institute [sign in here](https://evil.example/sso) **now**"
PHISH_SCHOOL = "School of Phishing <https://evil.example/school>"
ADMIN = ("root", "root-password-123")
RECORD_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from sqlalchemy import select, update

    from etl.db import session_factory
    from etl.load.models import Partner, Unit
    from dashboard.users import add_user

    tmp = tmp_path_factory.mktemp("names")
    url = f"sqlite:///{tmp / 'intl.db'}"
    load_sample(url)
    with session_factory(url).begin() as s:
        partners = s.scalars(select(Partner.id).where(Partner.status != "rejected").order_by(Partner.id)).all()
        s.execute(update(Partner).where(Partner.id == partners[0]).values(name=PHISH))
        s.execute(update(Partner).where(Partner.id == partners[1]).values(name=PHISH_MD))
        school = s.scalars(select(Unit.id).order_by(Unit.id)).first()
        s.execute(update(Unit).where(Unit.id == school).values(name=PHISH_SCHOOL))
    add_user(url, ADMIN[0], ADMIN[1], "admin")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INTL_AUTH", "on")
        mp.setenv("INTL_SECRET_KEY", "browser-test-" + "n" * 40)
        mp.setenv("INTL_UPLOAD_DIR", str(tmp / "uploads"))
        with LiveServer(url) as srv:
            srv.ids = {"phish": partners[0], "phish_md": partners[1], "school": school}
            yield srv


def grid_cell(p, grid: str, text: str):
    if grid == ids.PA_GRID:  # the partners grid pages by 25: search it in place
        p.fill(f"#{ids.PA_SEARCH}", text)
    cell = p.locator(f"#{grid} .ag-center-cols-container .ag-cell", has_text=text).first
    cell.wait_for(state="visible")
    return cell


def foreign_links(p, base: str) -> list[str]:
    hrefs = p.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    return [h for h in hrefs if not h.startswith(base)]


def test_names_in_the_grids_are_text_and_link_only_to_their_own_page(server, page):
    p = page.page
    base = server.base
    sign_in(p, base, *ADMIN)
    # the pages reached as the app's links do, from the Overview the sign-in opens
    p.wait_for_function("() => !!(window.store && window.store.getState)")
    navigate(p, base, "/partners")
    for name, pid in ((PHISH, server.ids["phish"]), (PHISH_MD, server.ids["phish_md"])):
        cell = grid_cell(p, ids.PA_GRID, name.split()[0])
        assert cell.inner_text().strip() == name  # the literal text: brackets, URL, asterisks and all
        links = cell.locator("a")
        assert links.count() == 1 and links.first.get_attribute("href").startswith(f"/partners/{pid}")
        assert cell.locator("strong, em, img").count() == 0
    assert p.locator("a[href*='evil.example']").count() == 0
    assert foreign_links(p, base) == []
    # the link opens the partner's page
    cell = grid_cell(p, ids.PA_GRID, "Phish")
    cell.locator("a").first.click()
    p.wait_for_url(re.compile(rf"{re.escape(base)}/partners/{server.ids['phish']}(\?.*)?$"))
    settle(p)
    assert PHISH in p.inner_text("#_pages_content")
    assert p.locator("a[href*='evil.example']").count() == 0

    navigate(p, base, "/schools")
    cell = grid_cell(p, ids.SC_TABLE, "School of Phishing")
    assert cell.inner_text().strip() == PHISH_SCHOOL
    assert cell.locator("a").first.get_attribute("href").startswith(f"/schools/{server.ids['school']}")
    assert p.locator("a[href*='evil.example']").count() == 0 and foreign_links(p, base) == []


def test_the_app_loads_under_the_content_security_policy_without_a_violation(server, page):
    p = page.page
    # on a machine shared by other jobs (load 10+ on 2 cores) a page's charts can keep the browser busy past
    # the 20 s default
    p.set_default_timeout(60_000)
    base = server.base
    p.add_init_script(RECORD_CSP)
    console: list[str] = []
    p.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    resp = p.goto(base + "/auth/login")
    csp = resp.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "'unsafe-eval'" not in csp and "frame-ancestors 'self'" in csp
    assert re.search(r"script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+;", csp), csp  # no 'unsafe-inline' script
    assert p.evaluate("window.__csp") == []
    p.fill("#username", ADMIN[0])   # signed in from this page (sign_in would load it again)
    p.fill("#password", ADMIN[1])
    p.click("#login-submit")
    p.wait_for_url(base + "/")
    p.wait_for_function("() => !!(window.store && window.store.getState)")
    # the Overview the sign-in opens: its charts drew (plotly under the policy), the map included
    settle(p)
    assert p.locator("#_pages_content > *").count() > 0
    p.wait_for_selector(f"#{ids.OV_COUNTRY_MAP} .geo")
    assert p.locator(".js-plotly-plot").count() >= 4
    # A chart's PNG from its card's Export menu (plotly's camera button is off on purpose, see
    # dashboard/components/cards.py): assets/export.js fetches the file and saves it through a
    # blob: URL, both of which the policy must allow.
    menu = f"#export-menu-card-{ids.OV_PER_YEAR}"
    p.click(f"{menu} .export-toggle")
    with p.expect_download(timeout=60_000) as download:
        p.click(f"{menu} a.export-link[href*='activities_by_year.png']")
    assert download.value.suggested_filename.endswith(".png")
    with open(download.value.path(), "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    assert p.locator("#export-status .alert-danger").count() == 0
    assert p.evaluate("window.__csp") == []
    navigate(p, base, "/network")
    p.wait_for_selector(f"#{ids.NW_GRAPH} canvas", state="attached")
    assert p.evaluate("window.__csp") == []
    assert console == []
