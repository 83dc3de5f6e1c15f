"""Hostile input in a real browser: an article whose title, body and partner name carry script
payloads is shown as text on every page (public and admin), and no payload ever runs.

The payloads set ``window.__xss`` or open a dialog if they execute; the test signs in as an
administrator (who sees every page), walks every page of ``dash.page_registry``, and
checks both that nothing ran and that the payload is visible as literal text. The same walk is
the Content-Security-Policy's (tests/browser/test_names_and_csp.py): every page loads without a
violation, hostile names and all.
"""
from __future__ import annotations

import pytest

from tests.browser import conftest as browser
from tests.browser.conftest import LiveServer, load_sample, navigate, pick_option

pytestmark = [pytest.mark.browser, pytest.mark.auth]

TITLE = '<script>window.__xss = "title"</script>Hostile <img src=x onerror="window.__xss=\'img\'"> visit'
PARTNER = '<img src=x onerror="window.__xss=\'partner\'">Zanzibar <b>Institute</b> of Marine Robotics'
BODY = (TITLE + "\n\nOn March 3, 2024, Beijing Information Science and Technology University signed a memorandum "
        "of understanding with the Zanzibar Institute of Marine Robotics of Tanzania. "
        '<script>alert("body")</script> The School of Automation will host 12 exchange students.\n')
# a joint programme's name as a report might carry it: Markdown, a blank line, a tag and braces (the /programs
# tables are HTML given to dcc.Markdown: all of it must stay the cell's text)
PROGRAMME = ('Joint *MSc* in [Robotics](javascript:window.__xss="md") `x`\n\n'
             '<img src=x onerror="window.__xss=\'programme\'"> {x} _Marine_ # end')
ADMIN = ("root", "root-password-123")


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    from sqlalchemy import update

    from dashboard.users import add_user
    from etl.config import load_settings
    from etl.db import session_factory
    from etl.load.models import Partner, Program, Programme, ProgrammeUnit, ReviewItem
    from etl.pipeline import Pipeline

    tmp = tmp_path_factory.mktemp("hostile")
    url = f"sqlite:///{tmp / 'intl.db'}"
    load_sample(url)
    docs = tmp / "docs"
    docs.mkdir()
    (docs / "hostile.txt").write_text(BODY, encoding="utf-8")
    Pipeline(load_settings(database_url=url), trigger="test").run([docs])
    with session_factory(url).begin() as s:  # the extracted partner gets the hostile name everywhere
        s.execute(update(Partner).where(Partner.name == "Zanzibar Institute of Marine Robotics").values(name=PARTNER))
        s.execute(update(ReviewItem).where(ReviewItem.name == "Zanzibar Institute of Marine Robotics")
                  .values(name=PARTNER))
        first = s.query(Program.id).order_by(Program.id).limit(1).scalar_subquery()
        assert s.execute(update(Program).where(Program.id == first).values(name=PROGRAMME)).rowcount == 1
        # a programme record of that programme's school gets the hostile name as its label (the school's and
        # the partner's pages list their records as one HTML table each)
        unit = s.query(Program.unit_id).order_by(Program.id).limit(1).scalar()
        assert unit is not None
        record = s.query(ProgrammeUnit.programme_id).filter(ProgrammeUnit.unit_id == unit).order_by(
            ProgrammeUnit.programme_id).limit(1).scalar()
        assert s.execute(update(Programme).where(Programme.id == record).values(label=PROGRAMME)).rowcount == 1
    add_user(url, ADMIN[0], ADMIN[1], "admin")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INTL_AUTH", "on")
        mp.setenv("INTL_SECRET_KEY", "browser-test-" + "s" * 40)
        mp.setenv("INTL_UPLOAD_DIR", str(tmp / "uploads"))
        with LiveServer(url) as srv:
            yield srv


def sign_in(page, base: str, name: str, password: str) -> None:
    page.goto(base + "/")
    page.wait_for_url("**/auth/login**")
    page.fill("#username", name)
    page.fill("#password", password)
    page.click("#login-submit")
    page.wait_for_url(base + "/")


def settle(page) -> None:
    page.wait_for_selector("#_pages_content > *", state="attached")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')", polling=browser.POLL)


def test_script_payloads_are_shown_as_text_on_every_page(hostile_server, page):
    import dash

    from tests.browser.test_names_and_csp import RECORD_CSP

    p = page.page
    dialogs: list[str] = []
    p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # every page under the Content-Security-Policy too: each violation recorded (window.__csp, set again in
    # every new document) and said on the console
    p.add_init_script(RECORD_CSP)
    console: list[str] = []
    p.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    base = hostile_server.base
    sign_in(p, base, *ADMIN)
    # and a programme's record; a school's, a partner's and an article's page are checked below, where the
    # hostile names are looked for on them
    paths = sorted({v["path"] for v in dash.page_registry.values()} | {"/programs/1"})
    assert "/" in paths and "/admin/review" in paths and "/admin/uploads" in paths and "/network" in paths
    for path in paths:  # the first one loaded, the others reached as the app's links do
        navigate(p, base, path)
        assert p.evaluate("window.__xss") is None, path
        assert p.locator("#_pages_content script").count() == 0, path
        assert p.locator("#_pages_content > *").count() > 0, path
        assert p.evaluate("window.__csp") == [], path
    assert dialogs == []

    # the Overview lists the latest run's new document and partner: as written, as text
    p.goto(base + "/")
    settle(p)
    assert p.evaluate("window.__csp") == []
    p.wait_for_selector(".changes-title")
    text = p.inner_text("body")
    assert '<script>window.__xss = "title"</script>Hostile' in text
    assert "<img src=x onerror=" in text and "<b>Institute</b>" in text
    # the panel is one HTML component: the new document's title and the new partner's name are its text
    assert TITLE in p.locator(".changes-title").all_inner_texts()
    assert any(PARTNER in c for c in p.locator(".changes .chip").all_inner_texts())
    assert p.locator(".changes img, .changes script, .changes b").count() == 0
    assert p.evaluate("window.__xss") is None

    # the joint programmes' table: the hostile name is one cell's text, no element made from it
    navigate(p, base, "/programs")
    cell = p.locator(".html-table td.cell-strong", has_text="Joint *MSc*")
    cell.wait_for()
    assert cell.evaluate("td => td.textContent") == PROGRAMME
    assert p.locator(".html-table td img, .html-table td em, .html-table td code, .html-table td script").count() == 0
    assert p.evaluate("window.__xss") is None and dialogs == []

    # the programme's school and partner: the report tables and the records list (one HTML table each), the
    # partner's interactions (one HTML list): each hostile name or title one cell's or link's text
    from sqlalchemy import text as sql

    from dashboard import ids
    from etl.db import get_engine

    with get_engine(hostile_server.database_url).connect() as c:
        unit, partner = c.execute(sql("SELECT unit_id, partner_id FROM programs ORDER BY id LIMIT 1")).one()
        assert partner is not None
        zanzibar = c.execute(sql("SELECT id FROM partners WHERE name = :n"), {"n": PARTNER}).scalar_one()
    made = "img, em, code, script, b, a[href*='javascript']"
    for path, tables in ((f"/schools/{unit}", (ids.SCD_REPORTS, ids.SCD_PROGRAMMES)),
                         (f"/partners/{partner}", (ids.PAD_REPORTS,))):
        navigate(p, base, path)
        for table in tables:
            cell = p.locator(f"#{table} .html-table td", has_text="Joint *MSc*").first
            cell.wait_for()
            assert cell.evaluate("td => td.textContent") == PROGRAMME, (path, table)
            assert p.locator(f"#{table} .html-table").locator(made).count() == 0, (path, table)
    navigate(p, base, f"/schools/{unit}")
    record = p.locator(f"#{ids.SCD_PROGRAMMES} a", has_text="Joint *MSc*")   # still a link, to its record
    assert record.evaluate("a => a.textContent") == PROGRAMME and "/programs/" in record.get_attribute("href")
    navigate(p, base, f"/partners/{zanzibar}")
    assert p.inner_text(".page-title") == PARTNER
    title = p.locator(f"#{ids.PAD_LIST} .tl-title", has_text="Hostile")
    title.wait_for()
    assert title.evaluate("a => a.textContent") == TITLE and "/sources/doc/" in title.get_attribute("href")
    assert p.locator(f"#{ids.PAD_LIST}").locator(made).count() == 0
    assert p.evaluate("window.__csp") == []

    # the article (its text with the evidence marked, and the side list of facts: one HTML component each),
    # reached from that title as a link of the app: the payloads as text, the partner's name a fact's text
    since = p.evaluate("() => { window.__samePage = true; return window.store.getState().callbacks.completed; }")
    title.click()
    p.wait_for_url("**/sources/doc/**")
    p.wait_for_function(browser._SETTLED, arg=since, polling=browser.POLL)
    assert p.evaluate("window.__samePage") is True, "the title is a link of the app (no page load)"
    assert p.locator(".article-text mark").count() >= 1
    text = p.locator(f"#{ids.DOC_TEXT}").evaluate("e => e.textContent")
    assert '<script>alert("body")</script> The School of Automation will host 12 exchange students.' in text
    facts = p.locator(f"#{ids.DOC_FACTS} .fact-item", has_text="Zanzibar")
    assert any(PARTNER in x for x in facts.all_text_contents())
    assert p.locator(f"#{ids.DOC_TEXT}, #{ids.DOC_FACTS}").locator(made).count() == 0
    assert p.evaluate("window.__xss") is None and dialogs == []
    assert p.evaluate("window.__csp") == []

    # the review queue: the hostile partner and its evidence, as text
    p.goto(base + "/admin/review")
    settle(p)
    # chosen as a user would, by clicking the filtered option: pressing Enter before the menu has filtered
    # chose the queue's first item on a busy machine (a clean-clone CI run)
    pick_option(p, "admin-review-item", "Zanzibar", "Zanzibar")
    p.wait_for_function("() => (document.querySelector('.admin-review-detail') || {}).innerText?.includes('Zanzibar')",
                        polling=browser.POLL)
    detail = p.inner_text(".admin-review-detail")
    assert PARTNER in detail
    assert p.locator(".admin-review-detail img").count() == 0
    assert p.evaluate("window.__xss") is None and dialogs == []
    assert p.evaluate("window.__csp") == [] and console == []
