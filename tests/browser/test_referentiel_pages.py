# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 20: the published référentiel on a phone (390 px, no sideways scrolling), its search as one types
(htmx), and a member's proposal commented without reloading the page."""

import pytest
from playwright.sync_api import expect

from coopforma.referentiel.tests.factories import load_draft, network_with_people
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BASE = "/reseaux/formations-cooperatives/referentiel/"
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 391)
  .slice(-5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def assert_fits(phone, path: str) -> None:  # type: ignore[no-untyped-def]
    phone.goto(path)
    phone.wait_for_load_state()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 391, (path, width, phone.evaluate(WIDEST))


def test_the_referentiel_on_a_phone(phone):  # type: ignore[no-untyped-def]
    people = network_with_people()
    load_draft(people["network"], publish=True)
    for path in ("", "v/0.1/", "v/0.1/modifications/", "v/0.1/metiers/M8/", "v/0.1/competences/M1-C2/",
                 "v/0.1/blocs/S4/", "recherche/?q=cooperation"):  # fmt: skip
        assert_fits(phone, BASE + path)
    phone.goto(BASE)
    phone.get_by_label("Rechercher un métier, une compétence, un bloc").fill("reciprocite")
    expect(phone.locator("#results")).to_contain_text("Pédagogie de la réciprocité")
    phone.get_by_role("link", name="M6-C1").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("M6-C1")


def test_a_member_comments_a_proposal(page):  # type: ignore[no-untyped-def]
    people = network_with_people()
    load_draft(people["network"], publish=True)
    log_in(page, people["member"])
    page.goto(BASE + "propositions/nouvelle/")
    page.get_by_label("Nature de la proposition").select_option(label="Reformulation")
    page.get_by_label("Élément concerné").fill("M1-C3")
    page.get_by_label("Libellé proposé").fill("Tenir une posture de tiers")
    page.get_by_label("Pourquoi ce changement ?").fill("Plus court.")
    page.get_by_role("button", name="Déposer la proposition").click()
    expect(page.locator("#proposal-state")).to_have_text("En discussion")
    page.get_by_label("Votre commentaire").fill("D'accord avec cette version.")
    page.get_by_role("button", name="Commenter").click()
    expect(page.locator("#comments")).to_contain_text("D'accord avec cette version.")
