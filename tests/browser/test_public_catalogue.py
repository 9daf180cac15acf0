# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 15: the public catalogue and a training page, at 390 px and 1280 px, checked by axe-core.

axe-core (npm `axe-core`, MPL-2.0, tests/browser/vendor/) is injected into each page and run: no serious or
critical violation is allowed. The contexts bypass the Content-Security-Policy only so that the injected script
runs (the page's own policy is checked by the other browser tests); no page may scroll sideways at 390 px.
"""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.tests.factories import MemberStructureFactory
from coopforma.training_sessions.tests.factories import EnrolmentFactory, PlaceFactory, SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WIDTHS = [(390, 844), (1280, 900)]
# The violations axe found, as "rule (impact): where" lines, for the assertion's message.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


@pytest.fixture
def catalogue(org, member):  # type: ignore[no-untyped-def]
    org.city, org.email, org.phone = "Rennes", "contact@coop.example", "02 99 00 00 00"
    org.disability_referent_name, org.disability_referent_email = "Aïcha Référente", "handicap@coop.example"
    org.save()
    other = MemberStructureFactory(organisation=org, name="Scop Voisine")
    today = timezone.localdate()
    certifying = TrainingFactory(
        organisation=org, member_structure=member, is_public=True, title="Formateur d'adultes : bloc 1",
        certification_kind="rncp", certification_code="RNCP37275", rncp_level=5, bpf_objective="a",
        certification_title="Formateur professionnel d'adultes", certification_blocks="Bloc 1, bloc 2",
        certification_success_rate=90, certification_success_period="sessions 2025", certification_success_sample=20,
        price_on_quote=True,
    )  # fmt: skip
    for n in range(6):
        TrainingFactory(
            organisation=org, member_structure=other if n % 2 else member, is_public=True,
            title=f"Coopérer au quotidien, module {n + 1}", modality=["on_site", "remote"][n % 2],
        )  # fmt: skip
    for days, city, capacity in [(10, "Rennes", 12), (40, "Nantes", 2)]:
        start = today + dt.timedelta(days=days)
        session = SessionFactory(
            training=certifying, is_public=True, place=PlaceFactory(organisation=org, city=city),
            start_date=start, end_date=start + dt.timedelta(days=1), max_capacity=capacity,
        )  # fmt: skip
        EnrolmentFactory(session=session, entrusted_trainees=2)
    return org, certifying


def _axe_violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE)


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_the_catalogue_and_a_training_page_pass_axe(browser, live_server, catalogue, width, height):  # type: ignore[no-untyped-def]
    org, _training = catalogue
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": width, "height": height}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        found = {}
        page.goto(f"/f/{org.slug}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Les formations de")
        expect(page.locator("#results-count")).to_contain_text("7 formations")
        found["catalogue"] = _axe_violations(page)
        if width == 390:
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1

        # Searching without JavaScript's help works too (a GET form); here htmx refreshes the list.
        page.locator("#id_q").fill("formateur")
        expect(page.locator("#results-count")).to_contain_text("1 formation")
        page.get_by_role("link", name="Formateur d'adultes : bloc 1").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Formateur d'adultes : bloc 1")
        expect(page.locator("#upcoming-sessions")).to_contain_text("Nantes")
        expect(page.locator("#certification")).to_contain_text("90 %")
        found["training"] = _axe_violations(page)
        if width == 390:
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        # The figures for the issue's closing note (pytest -s shows them).
        print(width, {name: [(v["id"], v["impact"]) for v in violations] for name, violations in found.items()})
        serious = {
            name: [v for v in violations if v["impact"] in ("serious", "critical")]
            for name, violations in found.items()
        }
        assert serious == {"catalogue": [], "training": []}, serious
        page.get_by_role("link", name=f"Formations de {org.name}").click()
        expect(page.locator("#results-count")).to_contain_text("7 formations")
    finally:
        context.close()
