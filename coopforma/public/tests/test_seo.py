# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public training page's JSON-LD Course, Open Graph and canonical link; sitemap.xml and robots.txt."""

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.public.tests.publishing import public_session, published_training

pytestmark = pytest.mark.django_db


def _json_ld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert len(blocks) == 1, "one JSON-LD block, whole"
    return json.loads(blocks[0])


def test_the_training_page_carries_a_course_with_its_upcoming_sessions(org, member):
    training = published_training(
        org, member, title="Gérer une coopérative", price_inter_cents=120000, duration_minutes=840,
        certification_kind="rs", certification_code="RS5678",
    )  # fmt: skip
    session = public_session(training, days_ahead=10)
    public_session(training, days_ahead=20, is_public=False)  # not in the agenda: not shown
    html = Client().get(f"/f/{org.slug}/{training.pk}/").content.decode()
    data = _json_ld(html)
    assert data["@type"] == "Course"
    assert data["name"] == "Gérer une coopérative"
    assert data["provider"] == {"@type": "Organization", "name": org.name, "url": f"https://of.example/f/{org.slug}/"}
    assert data["educationalCredentialAwarded"]["identifier"] == "RS5678"
    assert data["offers"] == [{"@type": "Offer", "category": "Inter", "price": "1200.00", "priceCurrency": "EUR"}]
    assert data["timeRequired"] == "PT14H"
    [instance] = data["hasCourseInstance"]
    slot = session.slots.order_by("starts_at").first()
    assert instance["startDate"] == timezone.localtime(slot.starts_at).isoformat()
    assert instance["startDate"][-6:] in {"+01:00", "+02:00"}  # Paris offset
    assert instance["courseMode"] == "Onsite"
    assert instance["location"]["address"]["addressLocality"] == "Rennes"
    assert instance["courseSchedule"]["repeatCount"] == 2
    assert instance["courseSchedule"]["duration"] == "PT3H30M"
    canonical = f"https://of.example/f/{org.slug}/{training.pk}/"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert '<meta property="og:title" content="Gérer une coopérative — Coop Formation Test">' in html
    assert '<meta name="twitter:card" content="summary">' in html


def test_a_training_without_price_nor_certification_has_no_offers_nor_credential(org, member):
    training = published_training(org, member, price_inter_cents=None, price_intra_cents=None)
    data = _json_ld(Client().get(f"/f/{org.slug}/{training.pk}/").content.decode())
    assert "offers" not in data
    assert "educationalCredentialAwarded" not in data
    assert "hasCourseInstance" not in data


def test_a_title_with_a_closing_script_tag_does_not_break_out(org, member):
    title = 'Atelier </script><script>alert("x")</script> & <!-- fin'
    training = published_training(org, member, title=title, summary="Résumé </SCRIPT> aussi")
    html = Client().get(f"/f/{org.slug}/{training.pk}/").content.decode()
    assert '<script>alert("x")</script>' not in html
    assert html.lower().count("</script>") == html.lower().count("<script")
    data = _json_ld(html)
    assert data["name"] == title  # the value survives intact once parsed
    assert data["description"] == "Résumé </SCRIPT> aussi"
    assert 'content="Atelier &lt;/script&gt;' in html  # and the meta tags are HTML-escaped


def test_the_sitemap_lists_catalogues_and_published_trainings_only(org, other_org, member):
    shown = published_training(org, member)
    hidden = TrainingFactory(organisation=org, member_structure=member, status="validated", is_public=False)
    draft = TrainingFactory(organisation=org, member_structure=member, status="draft", is_public=True)
    response = Client().get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    locations = [u.findtext("s:loc", namespaces=ns) for u in root.findall("s:url", ns)]
    assert f"https://of.example/f/{org.slug}/" in locations
    assert f"https://of.example/f/{org.slug}/{shown.pk}/" in locations
    assert f"https://of.example/f/{org.slug}/{hidden.pk}/" not in locations
    assert f"https://of.example/f/{org.slug}/{draft.pk}/" not in locations
    assert f"https://of.example/f/{other_org.slug}/" not in locations  # nothing published there
    lastmods = [u.findtext("s:lastmod", namespaces=ns) for u in root.findall("s:url", ns)]
    assert all(dt.date.fromisoformat(d) for d in lastmods)
    again = Client().get("/sitemap.xml", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_robots_points_to_the_sitemap_and_keeps_crawlers_out_of_private_routes():
    body = Client().get("/robots.txt").content.decode()
    assert "Sitemap: https://of.example/sitemap.xml" in body
    for path in ("/o/", "/p/", "/s/", "/e/", "/q/", "/cal/", "/api/", "/admin/"):
        assert f"Disallow: {path}\n" in body
