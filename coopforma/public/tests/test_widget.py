# SPDX-License-Identifier: AGPL-3.0-or-later
"""The embeddable widget: framable by any site, no cookie, styled within bounds, scoped to its organisation, and
its snippet in the back office."""

import django
import pytest
from django.test import Client

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.tests.factories import MemberStructureFactory
from coopforma.public import widget
from coopforma.public.tests.publishing import public_session, published_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def shown(org, member, other_member):  # type: ignore[no-untyped-def]
    member.slug = "cae-test"
    member.save()
    session = public_session(published_training(org, member, title="Compta coopérative"), days_ahead=5)
    public_session(published_training(org, other_member, title="Gouvernance partagée"), days_ahead=8)
    TrainingFactory(organisation=org, member_structure=member, status="draft", is_public=True, title="Brouillon X")
    TrainingFactory(organisation=org, member_structure=member, status="validated", is_public=False, title="Privée Y")
    return session


def test_the_widget_shows_published_trainings_and_next_sessions_in_new_tabs(org, shown):
    response = Client().get(f"/f/{org.slug}/widget/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Compta coopérative" in html and "Gouvernance partagée" in html
    assert "Brouillon X" not in html and "Privée Y" not in html
    assert f'href="/f/{org.slug}/{shown.training_id}/#session-{shown.pk}" target="_blank" rel="noopener"' in html
    assert f'href="https://of.example/f/{org.slug}/" target="_blank" rel="noopener"' in html


def test_the_widget_sets_no_cookie_and_may_be_framed_by_any_site(org, shown, settings):
    settings.SECURE_CSP = {"default-src": ["'self'"]}
    for url in (f"/f/{org.slug}/widget/", f"/f/{org.slug}/widget.js", f"/f/{org.slug}/widget.css"):
        response = Client().get(url)
        assert response.status_code == 200
        assert "Set-Cookie" not in response, url
        assert not response.cookies, url
    page = Client().get(f"/f/{org.slug}/widget/")
    assert "X-Frame-Options" not in page
    if django.VERSION >= (6, 0):  # the Content-Security-Policy middleware is Django 6's (none on the 5.2 fallback)
        assert "frame-ancestors *" in page["Content-Security-Policy"]
    # every other page keeps refusing to be framed
    assert Client().get(f"/f/{org.slug}/{shown.training_id}/")["X-Frame-Options"] == "DENY"


def test_a_structure_widget_shows_its_part_only_and_another_organisations_structure_is_404(org, other_org, shown):
    html = Client().get(f"/f/{org.slug}/structures/cae-test/widget/").content.decode()
    assert "Compta coopérative" in html and "Gouvernance partagée" not in html
    foreign = MemberStructureFactory(organisation=other_org, name="Ailleurs", slug="ailleurs")
    assert Client().get(f"/f/{org.slug}/structures/ailleurs/widget/").status_code == 404
    assert Client().get(f"/f/{org.slug}/structures/{foreign.pk}/widget/").status_code == 404
    assert Client().get(f"/f/{other_org.slug}/structures/cae-test/widget/").status_code == 404


@pytest.mark.parametrize(
    ("params", "color", "size"),
    [
        ("color=c0392b&size=18", "#c0392b", "18px"),
        ("color=%23fff&size=99", None, "22px"),  # white on white: darkened until readable; size capped
        ("color=red;}body{x&size=-4", "default", "12px"),  # not a colour: the organisation's
        ("color=</style>&size=abc", "default", "16px"),
    ],
)
def test_style_parameters_stay_within_safe_bounds(org, params, color, size):
    css = Client().get(f"/f/{org.slug}/widget.css?{params}").content.decode()
    value = css.split("--widget-color: ")[1].split(";")[0]
    assert value.startswith("#") and len(value) == 7
    assert widget.contrast_on_white(value) >= 4.5
    if color == "default":
        assert value == widget.widget_options({}, org)["color"]
    elif color:
        assert value == color
    assert f"--widget-size: {size};" in css
    assert "body" not in css and "</style>" not in css


def test_the_script_builds_the_iframe_from_its_data_attributes(org):
    js = Client().get(f"/f/{org.slug}/widget.js").content.decode()
    assert 'var origin = "https://of.example";' in js
    assert "data-coopforma-org" in js and "data-structure" in js and "postMessage" not in js
    assert "event.origin !== origin" in js  # heights are taken from our frame only


def test_the_member_structure_page_and_the_settings_show_the_snippet(admin_user, org, member, shown):
    admin_client = Client()
    admin_client.force_login(admin_user)
    page = admin_client.get(f"/o/{org.slug}/people/members/{member.pk}/?widget_color=%23c0392b&widget_size=20")
    html = page.content.decode()
    assert "Publier le catalogue sur votre site" in html
    assert "data-coopforma-org=&quot;coop-test&quot; data-structure=&quot;cae-test&quot;" in html
    assert "data-color=&quot;c0392b&quot; data-size=&quot;20&quot;" in html
    assert "data-coopforma-fallback&gt;Voir nos formations" in html  # works without JavaScript
    assert f'src="/f/{org.slug}/structures/cae-test/widget/?color=c0392b&amp;size=20&amp;limit=5"' in html
    settings_page = admin_client.get(f"/o/{org.slug}/settings/").content.decode()
    assert f"https://of.example/f/{org.slug}/widget.js" in settings_page
    assert "data-structure" not in settings_page
