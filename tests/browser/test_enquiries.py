# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 15, point 3, end to end: a visitor on a phone asks for a place on a public session; the OF's
administrator finds the request under « Demandes » and converts it into an enrolment in one step."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.training_sessions.tests.factories import SessionFactory
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_requests_a_place_and_staff_converts_it_into_an_enrolment(
    page, phone, monkeypatch, settings, admin_user, org, member
):
    monkeypatch.setattr("coopforma.enquiries.forms.MIN_FILL_SECONDS", 0)  # a robot-fast test, not a robot
    settings.SITE_URL = "http://testserver"
    training = TrainingFactory(
        organisation=org, member_structure=member, title="Animer une coopérative", is_public=True
    )
    start = timezone.localdate() + dt.timedelta(days=21)
    session = SessionFactory(training=training, is_public=True, start_date=start, end_date=start, max_capacity=8)

    # The visitor, on a phone, without an account.
    phone.goto(f"/f/{org.slug}/sessions/{session.pk}/demande/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Demander une inscription")
    phone.get_by_label("Prénom").fill("Léa")
    phone.locator("#id_last_name").fill("Martin")
    phone.get_by_label("E-mail").fill("lea.martin@example.org")
    phone.get_by_label("J'accepte que mes données servent").check()
    phone.get_by_role("button", name="Envoyer ma demande d'inscription").click()
    expect(phone.get_by_role("heading", name="Merci, votre demande est envoyée")).to_be_visible()

    # The administrator, on a desktop.
    log_in(page, admin_user)
    page.goto(f"/o/{org.slug}/")
    expect(page.get_by_role("link", name="1 demande nouvelle reçue du catalogue public, à traiter")).to_be_visible()
    page.get_by_role("link", name="1 demande nouvelle reçue du catalogue public, à traiter").click()
    page.get_by_role("link", name="Léa Martin").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Inscription — Léa Martin")
    page.get_by_role("button", name="En inscription à la session").click()
    expect(page.get_by_text("Demande convertie : pré-inscription de « Léa Martin »")).to_be_visible()
    expect(page.locator("#enquiry-status")).to_have_text("Convertie")
    page.get_by_role("link", name=str(session)).first.click()
    expect(page.get_by_text("Léa Martin").first).to_be_visible()
