"""The administration as a person uses it, in headless Chromium: sign in through the form,
upload an article and watch the background ETL load it; a viewer is kept out of the admin
pages; signing out ends the session; the Dash callbacks work with the CSRF check on."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import LiveServer, load_sample, navigate
from tests.browser.test_hostile_input import settle, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.auth]
ADMIN = ("root", "root-password-123")
VIEWER = ("vera", "vera-password-123")
NEWS = ("BISTU signs cooperation agreement with Zanzibar Institute of Marine Robotics\n\n"
        "On March 3, 2024, Beijing Information Science and Technology University signed a memorandum of "
        "understanding with the Zanzibar Institute of Marine Robotics of Tanzania.\n")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from dashboard.users import add_user

    tmp = tmp_path_factory.mktemp("admin")
    url = f"sqlite:///{tmp / 'intl.db'}"
    load_sample(url)
    add_user(url, ADMIN[0], ADMIN[1], "admin")
    add_user(url, VIEWER[0], VIEWER[1], "viewer")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INTL_AUTH", "on")
        mp.setenv("INTL_SECRET_KEY", "browser-test-" + "a" * 40)
        mp.setenv("INTL_UPLOAD_DIR", str(tmp / "uploads"))
        with LiveServer(url) as srv:
            srv.tmp = tmp
            yield srv


def test_admin_uploads_an_article_and_the_background_etl_loads_it(server, page):
    from sqlalchemy import select

    from etl.db import session_factory
    from etl.load.models import Document, Run

    p = page.page
    # Signing in from an admin page's link: the form sends the administrator back to that page (where it
    # lands on "/", the Overview, is the viewer's test below; the Overview's charts cost Chromium 2-3 s).
    p.goto(server.base + "/admin/uploads")
    p.wait_for_url(re.compile(r"/auth/login\?next=(/|%2F)admin(/|%2F)uploads$"))
    p.fill("#username", ADMIN[0])
    p.fill("#password", ADMIN[1])
    p.click("#login-submit")
    p.wait_for_url(server.base + "/admin/uploads")
    settle(p)
    p.wait_for_selector("#auth-bar")
    assert "Signed in as root (admin)" in p.inner_text("#auth-bar")
    p.set_input_files("#admin-upload input[type=file]",
                      files=[{"name": "zanzibar.txt", "mimeType": "text/plain", "buffer": NEWS.encode()},
                             {"name": "fake.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf"}])
    p.wait_for_selector("text=1 file(s) stored, 1 refused")
    assert "not a PDF" in p.inner_text("#admin-upload-list")
    p.wait_for_selector("#admin-upload-result .alert", timeout=60_000)
    result = p.inner_text("#admin-upload-result")
    assert "ok" in result and "1 new" in result
    assert p.get_attribute("#admin-upload-progress .progress-bar", "aria-valuenow") == "100"
    with session_factory(server.database_url)() as s:
        assert s.scalar(select(Run.trigger).order_by(Run.id.desc()).limit(1)) == "web:root"
        titles = s.scalars(select(Document.title)).all()
    assert any("Zanzibar" in (t or "") for t in titles)

    # the bar's link leads to the administration; the run is in the history, the upload in the audit log
    # (reached as the app's own links do: one page load fewer each)
    p.click("#auth-admin-link")
    p.wait_for_url("**/admin/etl")
    settle(p)
    navigate(p, server.base, "/admin/runs")
    p.wait_for_selector("#admin-runs-table")
    assert "web:root" in p.inner_text("#admin-runs-table")
    navigate(p, server.base, "/admin/audit")
    p.wait_for_selector("#admin-audit-table")
    audit = p.inner_text("#admin-audit-table")
    assert "upload" in audit and "zanzibar.txt" in audit and "upload.refused" in audit


def test_a_viewer_sees_the_dashboard_but_not_the_administration(server, page):
    p = page.page
    sign_in(p, server.base, *VIEWER)
    settle(p)
    p.wait_for_selector("#auth-bar")
    assert "(viewer)" in p.inner_text("#auth-bar")
    assert p.locator("#auth-admin-link").count() == 0
    assert p.locator("#ov-kpis").count() == 1
    r = p.goto(server.base + "/admin/users")
    assert r.status == 403
    # the app's own page (header, navigation), saying so in words, not raw JSON
    p.wait_for_selector(".admin-forbidden")
    assert "Administrators only" in p.inner_text(".admin-forbidden")
    assert p.locator(".app-shell header, .app-shell nav").count() >= 1 and "{\"error\"" not in p.content()
    assert p.locator("#admin-users-table").count() == 0
    r = p.goto(server.base + "/admin/users?ui=zh")
    assert r.status == 403
    p.wait_for_selector(".admin-forbidden")
    assert "仅限管理员" in p.inner_text(".admin-forbidden")

    # sign out (from the bar of the page shown, as on any page of the app): the session ends, the
    # dashboard asks for the password again
    p.wait_for_selector("#auth-logout")
    p.click("#auth-logout")
    p.wait_for_url("**/auth/login**")
    assert "You have been signed out." in p.inner_text("body")
    p.goto(server.base + "/")
    p.wait_for_url("**/auth/login**")
