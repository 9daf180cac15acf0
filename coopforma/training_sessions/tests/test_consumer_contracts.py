# SPDX-License-Identifier: AGPL-3.0-or-later
"""Contracts with individuals follow consumer law (issue 11 point 6): model withdrawal form, withdrawal by any
unambiguous statement, express request when the training starts within the withdrawal period (L221-25), the
consumer mediator (L612-1), no contract for a CPF-funded enrolment, and a quote to an individual is not an order."""

import datetime as dt
import html
import io
import re

import pytest
import time_machine
from pypdf import PdfReader

from coopforma.documents.services import MissingData, document_generate, document_read
from coopforma.people.tests.factories import ClientFactory, TraineeFactory
from coopforma.training_sessions.tests.factories import (
    PARIS,
    EnrolmentFactory,
    FundingLineFactory,
    ParticipantFactory,
    SessionFactory,
    SlotFactory,
)

pytestmark = pytest.mark.django_db

MEDIATOR = "CM2C, 49 rue de Ponthieu, 75008 Paris"


def text_of(document) -> str:  # type: ignore[no-untyped-def]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(document_read(document))).pages)
    text = text.replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def world(org, member, trainer):  # type: ignore[no-untyped-def]
    org.siret, org.nda, org.nda_region = "73282932000074", "53350999935", "Bretagne"
    org.street, org.postal_code, org.city = "12 rue de la Coopération", "35000", "Rennes"
    org.head_name, org.email = "Claire Dubois", "contact@coop.example"
    org.consumer_mediator_name, org.consumer_mediator_website = MEDIATOR, "https://www.cm2c.net"
    org.save()
    session = SessionFactory(training__organisation=org, training__member_structure=member, title="Animer")
    session.trainers.add(trainer)
    SlotFactory(session=session, starts_at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS))
    session.start_date = session.end_date = dt.date(2026, 3, 2)
    session.save()
    person = ClientFactory(organisation=org, kind="individual", name="Alex Martin", siret="", city="Rennes")
    individual = EnrolmentFactory(session=session, organisation=org, client=person, price_cents=90000)
    ParticipantFactory(
        enrolment=individual,
        trainee=TraineeFactory(organisation=org, first_name="Alex", last_name="Martin", client=person),
    )
    company = ClientFactory(organisation=org, name="Scop Exemple", siret="73282932000074", city="Quimper")
    enrolment = EnrolmentFactory(session=session, organisation=org, client=company, price_cents=140000)
    return {"org": org, "session": session, "individual": individual, "company": enrolment}


def test_the_contract_is_a_consumer_distance_contract(world, admin_actor):
    with time_machine.travel(dt.datetime(2026, 1, 10, 10, 0, tzinfo=PARIS), tick=False):
        early = text_of(document_generate(actor=admin_actor, kind="contract", subject=world["individual"]))
    for mention in [
        "Annexe — Formulaire de rétractation",
        "annexe à l'article R221-1 du Code de la consommation",
        "Je vous notifie par la présente ma rétractation du contrat",
        "toute déclaration dénuée d'ambiguïté",
        "L221-21",
        "quatorze jours",
        "contact@coop.example",
        MEDIATOR,
        "https://www.cm2c.net",
        "L612-1",
        "Aucune pénalité de retard ni indemnité forfaitaire",
        "270,00 €",  # the 30 % advance of 900 €, in the schedule
        "630,00 €",  # the balance, for the training of March
    ]:
        assert mention in early, mention
    # Starting more than 14 days later: no express request is needed.
    assert "L221-25" not in early
    with time_machine.travel(dt.datetime(2026, 2, 20, 10, 0, tzinfo=PARIS), tick=False):
        late = text_of(document_generate(actor=admin_actor, kind="contract", subject=world["individual"]))
    assert "demande expressément qu'elle commence avant cette expiration" in late and "L221-25" in late


def test_a_contract_needs_the_consumer_mediator(world, admin_actor, admin_user, web):
    world["org"].consumer_mediator_name = ""
    world["org"].save()
    with pytest.raises(MissingData) as missing:
        document_generate(actor=admin_actor, kind="contract", subject=world["individual"])
    assert "Le médiateur de la consommation" in str(missing.value.missing)
    page = web(admin_user).get(f"/o/{world['org'].slug}/settings/")
    assert page.status_code == 200 and "Médiateur de la consommation" in html.unescape(page.content.decode())


def test_no_contract_and_no_quote_for_a_cpf_funded_enrolment(world, admin_user, web):
    enrolment = world["individual"]
    FundingLineFactory(enrolment=enrolment, organisation=world["org"], payer_kind="cpf", amount_cents=90000)
    browser = web(admin_user)
    slug = world["org"].slug
    response = browser.post(f"/o/{slug}/documents/generate/contract/{enrolment.pk}/")
    assert "finance sa formation par son CPF : pas de contrat" in html.unescape(response.content.decode())
    response = browser.post(f"/o/{slug}/documents/generate/quote/{enrolment.pk}/")
    assert "finance sa formation par son CPF : pas de devis" in html.unescape(response.content.decode())
    page = browser.get(f"/o/{slug}/documents/session/{world['session'].pk}/").content.decode()
    assert f"generate/contract/{enrolment.pk}/" not in page
    assert f"generate/convention/{world['company'].pk}/" in page


def test_a_quote_to_an_individual_is_not_an_order(world, admin_actor):
    individual = text_of(document_generate(actor=admin_actor, kind="quote", subject=world["individual"]))
    assert "ne vaut pas commande" in individual and "L6353-3" in individual
    assert "vaut commande ;" not in individual and "Bon pour accord" not in individual and "40 €" not in individual
    company = text_of(document_generate(actor=admin_actor, kind="quote", subject=world["company"]))
    assert "vaut commande" in company and "Bon pour accord" in company and "40 €" in company
