# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 16: the gaps page's map in Chromium: Leaflet draws the département outlines shipped in static/ as a
choropleth of the themes without offer, with its legend and its table; no console error, no CSP violation (the
`page` fixture checks them), no request to another host when no tile server is configured, and the configured
tile layer when there is one."""

from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from coopforma.networks.tests.factories import NetworkFactory
from coopforma.offers.models import OfferRelevance, OfferSession, RelevanceRules, RelevanceVerdict
from coopforma.offers.tests.network_factories import feed_offer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({id: v.id,
    help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


@pytest.fixture
def network():  # type: ignore[no-untyped-def]
    network = NetworkFactory(slug="coop", name="Réseau coop")
    RelevanceRules.objects.create(network=network, formacodes=["15064"], nsf_codes=["315"])
    for title, codes, department in (("Coopérer à Rennes", {"formacodes": ["15064"]}, "35"),
                                     ("Gouvernance à Marseille", {"nsf_codes": ["315"]}, "13")):  # fmt: skip
        offer = feed_offer(title=title, **codes)
        OfferRelevance.objects.create(
            network=network, offer=offer, score=80, verdict=RelevanceVerdict.SHOWN, scored_at=timezone.now()
        )
        OfferSession.objects.create(offer=offer, department=department)
    return network


def _watch(page, live_server):  # type: ignore[no-untyped-def]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    return errors, outside


def test_the_gaps_map_draws_the_departements_without_tiles(page, live_server, network):  # type: ignore[no-untyped-def]
    errors, outside = _watch(page, live_server)
    page.goto("/reseaux/coop/lacunes/")
    region = page.get_by_role("region", name="Carte des lacunes par département")
    expect(region).to_be_visible()
    expect(region.locator("path.network-map__departement")).to_have_count(101)
    expect(region.locator("img.leaflet-tile")).to_have_count(0)
    svg = region.locator(".leaflet-overlay-pane svg")
    expect(svg).to_have_attribute("role", "img")
    legend = page.locator(".network-map__legend")
    expect(legend.get_by_role("heading", name="Thèmes sans offre à portée")).to_be_visible()
    expect(legend.locator("li")).to_have_count(3)  # 0, 1 and 2 themes without offer
    page.get_by_text("Les chiffres de la carte, en tableau").click()
    figures = page.locator(".network-map__figures tbody tr")
    expect(figures).to_have_count(101)
    expect(page.locator(".network-map__figures tbody tr", has_text="35 — Ille-et-Vilaine")).to_contain_text("1")
    expect(page.locator(".network-map__figures tbody tr", has_text="01 — Ain")).to_contain_text("2")
    # The big table is there too, with its gaps.
    gaps_table = page.locator("table.gaps-table")
    expect(gaps_table.get_by_role("rowheader", name="13 — Bouches-du-Rhône")).to_be_visible()
    expect(gaps_table.locator("td.gap")).to_have_count(101 * 2 - 2)
    # The map can be focused and moved with the keyboard.
    region.focus()
    page.keyboard.press("+")
    assert not errors, errors
    assert not outside, outside


def test_a_configured_tile_layer_is_drawn_under_the_outlines(page, live_server, network):  # type: ignore[no-untyped-def]
    # A tile "server" on the test server itself (same origin, so the CSP allows it): any image answers.
    tiles = live_server.url + "/static/vendor/leaflet/images/layers.png?z={z}&x={x}&y={y}"
    with override_settings(MAP_TILE_URL=tiles, MAP_TILE_ATTRIBUTION="Fonds de test"):
        errors, _outside = _watch(page, live_server)
        page.goto("/reseaux/coop/lacunes/")
        region = page.get_by_role("region", name="Carte des lacunes par département")
        expect(region.locator("path.network-map__departement")).to_have_count(101)
        expect(region.locator("img.leaflet-tile").first).to_be_attached()
        expect(region.locator(".leaflet-control-attribution")).to_contain_text("Fonds de test")
        expect(region.locator(".leaflet-control-attribution")).to_contain_text("GeoNames")
    assert not errors, errors


@override_settings(ROOT_URLCONF="tests.browser.map_urls")
def test_the_search_map_clusters_the_sessions_and_follows_the_filters(page, live_server):  # type: ignore[no-untyped-def]
    from tests.browser import map_urls

    map_urls.ASKED.clear()
    errors, outside = _watch(page, live_server)
    page.goto("/test-carte/")
    region = page.get_by_role("region", name="Carte des offres par département")
    expect(region.locator("path.network-map__departement")).to_have_count(101)
    expect(page.locator(".network-map__legend").get_by_role("heading", name="Offres par département")).to_be_visible()
    expect(region.locator(".marker-cluster")).to_have_count(1)  # the three sessions of Rennes
    expect(region.locator(".marker-cluster")).to_contain_text("3")
    marseille = region.get_by_role("button", name="Tiers-lieu à Marseille")
    marseille.click()
    popup = region.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Tiers-lieu à Marseille")
    expect(popup.get_by_role("link", name="Voir l’offre")).to_have_attribute("href", "/offres/4/")
    expect(page.locator(".network-map__figures tbody tr", has_text="13 — Bouches-du-Rhône")).to_contain_text("1")
    # The results were swapped by htmx after a new search: both URLs are read again with the form's filters.
    page.fill("#q", "rennes")
    page.evaluate("document.getElementById('results').dispatchEvent(new Event('htmx:afterSettle', {bubbles: true}))")
    expect(page.locator(".network-map__figures tbody tr", has_text="13 — Bouches-du-Rhône")).to_contain_text("0")
    assert "/test-carte/aggregates?network=coop&q=rennes" in map_urls.ASKED
    assert "/test-carte/points.geojson?network=coop&q=rennes" in map_urls.ASKED
    assert not errors, errors
    assert not outside, outside


def test_the_gaps_page_passes_axe(browser, live_server, network):  # type: ignore[no-untyped-def]
    # The context bypasses the CSP only so that the injected axe-core runs (the other tests check the policy).
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto("/reseaux/coop/lacunes/")
        expect(page.locator("path.network-map__departement")).to_have_count(101)
        page.get_by_text("Les chiffres de la carte, en tableau").click()
        page.add_script_tag(path=str(AXE))
        assert page.evaluate(RUN_AXE) == []
    finally:
        context.close()
