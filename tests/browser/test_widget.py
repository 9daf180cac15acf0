# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue #15 §5 in a browser: a member structure's website pastes the widget's snippet; the script replaces the
link with the iframe, sized to its content; without JavaScript the link to the catalogue stays. The widget page
itself fits a phone's 390 px."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from coopforma.public import widget
from coopforma.public.tests.publishing import public_session, published_training
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site():  # type: ignore[no-untyped-def]
    """The member structure's website: another origin (127.0.0.1, another port) serving `site.html` (a real
    local server: Chromium keeps a page it cannot place on the network from reaching a local one)."""
    state = {"html": ""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = state["html"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/"
    yield state
    server.shutdown()
    server.server_close()


def _snippet(org, member):  # type: ignore[no-untyped-def]
    context = widget.snippet_context(org, member, {"widget_color": "#c0392b", "widget_size": "18"})
    return f"<!DOCTYPE html><html lang='fr'><head><title>Site</title></head><body><h1>Nos formations</h1>" \
        f"{context['script_snippet']}<p id='after'>Après</p></body></html>"  # fmt: skip


def test_a_site_shows_the_widget_sized_to_its_content(new_context, live_server, site, settings, org, member):  # type: ignore[no-untyped-def]
    settings.SITE_URL = live_server.url
    member.slug = "cae-test"
    member.save()
    for n in range(8):
        public_session(published_training(org, member, title=f"Formation coopérative {n}"), days_ahead=5 + n)
    context = new_context()
    page = context.new_page()
    site["html"] = _snippet(org, member)
    page.goto(site["url"])
    frame_element = page.locator("iframe")
    expect(frame_element).to_be_visible()
    assert page.locator("[data-coopforma-fallback]").count() == 0  # the link gave way to the iframe
    frame = page.frame_locator("iframe")
    expect(frame.get_by_role("link", name="Formation coopérative 0").first).to_be_visible()
    page.wait_for_function("document.querySelector('iframe').style.height !== '420px'")
    height = page.evaluate("document.querySelector('iframe').getBoundingClientRect().height")
    inner = page.frames[1].evaluate("document.documentElement.scrollHeight")
    assert abs(height - inner) <= 2
    assert page.frames[1].evaluate("document.cookie") == ""
    assert context.cookies() == []


def test_without_javascript_the_snippet_is_a_link_to_the_catalogue(
    new_context, live_server, site, settings, org, member
):  # type: ignore[no-untyped-def]
    settings.SITE_URL = live_server.url
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    site["html"] = _snippet(org, member)
    page.goto(site["url"])
    link = page.get_by_role("link", name="Voir nos formations et nos prochaines sessions")
    expect(link).to_be_visible()
    assert link.get_attribute("href") == f"{live_server.url}/f/{org.slug}/"


def test_the_widget_page_fits_a_phone(phone, settings, org, member):  # type: ignore[no-untyped-def]
    title = "Une formation au titre vraiment très long " * 3
    public_session(published_training(org, member, title=title), days_ahead=3)
    phone.goto(f"/f/{org.slug}/widget/")
    expect(phone.get_by_role("heading", name="Nos formations")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_training_page_with_its_json_ld_breaks_no_content_security_policy(phone, org, member):  # type: ignore[no-untyped-def]
    training = published_training(org, member, title="Coopérer </script> sans peur")
    public_session(training, days_ahead=4)
    phone.goto(f"/f/{org.slug}/{training.pk}/")
    expect(phone.get_by_role("heading", name="Coopérer </script> sans peur")).to_be_visible()
    # the `phone` fixture fails the test on any CSP violation the console reports


def test_the_back_office_preview_follows_the_options(page, live_server, settings, org, member, admin_user):  # type: ignore[no-untyped-def]
    settings.SITE_URL = live_server.url
    member.slug = "cae-test"
    member.save()
    public_session(published_training(org, member, title="Formation en aperçu"), days_ahead=4)
    log_in(page, admin_user)
    page.goto(f"/o/{org.slug}/people/members/{member.pk}/")
    expect(page.frame_locator(".widget-preview").get_by_role("link", name="Formation en aperçu").first).to_be_visible()
    page.get_by_label("Taille du texte (pixels)").fill("20")
    page.get_by_label("Taille du texte (pixels)").dispatch_event("change")
    expect(page.locator("#widget-code-script")).to_contain_text('data-size="20"')
    expect(page.locator(".widget-preview")).to_have_attribute("src", re.compile(r"size=20"))
