# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue #6's browser flow: from the session page, issue a quote, turn it into an invoice, pay it, see the
member structure's share; then the member's manager finds it on their statement."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from coopforma.billing.models import Invoice
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.tests.factories import ClientFactory
from coopforma.training_sessions.tests.factories import PARIS, EnrolmentFactory, SessionFactory, SlotFactory
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_quote_invoice_payment_and_the_members_share(page, new_context, admin_user, manager_user, org, member, trainer):
    org.siret, org.nda, org.city = "73282932000074", "53350999935", "Rennes"
    org.save()
    training = TrainingFactory(organisation=org, member_structure=member, title="Animer une réunion coopérative")
    session = SessionFactory(training=training, title="Réunions coopératives", status="done")
    session.trainers.add(trainer)
    slot = SlotFactory(
        session=session,
        starts_at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS),
        ends_at=dt.datetime(2026, 3, 2, 12, 30, tzinfo=PARIS),
    )
    slot.trainers.add(trainer)
    client = ClientFactory(organisation=org, name="Scop Exemple", kind="company", city="Rennes")
    EnrolmentFactory(session=session, client=client, price_cents=84000)

    log_in(page, admin_user)
    page.wait_for_url(f"**/o/{org.slug}/")
    page.goto(f"/o/{org.slug}/sessions/{session.pk}/")
    page.get_by_role("link", name="Devis et factures Scop Exemple").click()
    page.get_by_role("button", name="Préparer un devis").click()
    page.get_by_role("button", name="Émettre", exact=True).click()
    year = timezone.localdate().year
    page.get_by_role("heading", level=1, name=re.compile(rf"Devis D-{year}-0001")).wait_for()
    page.get_by_role("button", name="Devis accepté").click()
    page.get_by_role("button", name="Transformer en facture").click()
    page.get_by_role("button", name="Émettre", exact=True).click()
    page.get_by_role("heading", level=1, name=re.compile(rf"Facture F-{year}-0001")).wait_for()

    page.get_by_role("link", name="Enregistrer un paiement").click()
    assert page.get_by_label("Date du paiement").input_value() == timezone.localdate().isoformat()
    page.get_by_label("Montant reçu (€)").fill("900,00")  # more than the balance: refused, input kept
    page.get_by_role("button", name="Enregistrer le paiement").click()
    page.get_by_text("Montant reçu (€)").first.wait_for()
    assert page.get_by_label("Montant reçu (€)").input_value() == "900,00"
    assert "dépasse" in page.locator("main").inner_text() or "solde" in page.locator("main").inner_text().lower()
    page.get_by_label("Montant reçu (€)").fill("840,00")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    payments = page.locator("section", has=page.get_by_role("heading", name="Paiements et avoirs"))
    assert re.search(r"Solde restant dû\s+0,00", payments.inner_text())
    shares = page.locator("section", has=page.get_by_role("heading", name="Parts des structures membres"))
    text = shares.inner_text().replace("\u202f", " ")
    assert member.name in text and "840,00" in text and "756,00" in text  # 10 % kept by the OF

    invoice = Invoice.objects.get(kind="invoice")
    manager = new_context().new_page()
    log_in(manager, manager_user)
    manager.wait_for_url(f"**/o/{org.slug}/")
    manager.goto(f"/o/{org.slug}/billing/statement/?member={member.pk}")
    statement = manager.locator("main").inner_text().replace("\u202f", " ")
    assert invoice.number in statement and "756,00" in statement
