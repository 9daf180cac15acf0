# SPDX-License-Identifier: AGPL-3.0-or-later
"""A draft invoice of one line to a client (a public buyer's contract, a lot of a won call for tenders): its
amount, its Chorus Pro data, a draft only — issued later through the normal flow, which gives the number and
the legal mentions. Only `billing.manage`; another organisation's client or session: refused, nothing written."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coopforma.billing import services
from coopforma.billing.models import Invoice
from coopforma.people.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

SIRET = "73282932000074"


@pytest.fixture
def buyer(org):  # type: ignore[no-untyped-def]
    return ClientFactory(
        organisation=org,
        name="Région Exemple",
        kind="public_body",
        siret="",
        street="1 place de l'Hôtel de Région",
        postal_code="35000",
        city="Rennes",
    )


def draft(actor, buyer, **changes):  # type: ignore[no-untyped-def]
    values = {
        "client_id": buyer.pk,
        "label": "Formation « Coopérer » — marché BOAMP 26-1 lot 1",
        "amount_cents": 800_050,
        "recipient_siret": SIRET,
        "chorus_service_code": "SERV-1",
        "commitment_number": "EJ-42",
    }
    values.update(changes)
    return services.invoice_create_for_client(actor=actor, **values)


def test_a_draft_of_one_line_with_the_chorus_data_issued_through_the_normal_flow(admin_actor, buyer, session):  # type: ignore[no-untyped-def]
    invoice = draft(admin_actor, buyer, session_id=session.pk)
    assert (invoice.status, invoice.number, invoice.legal) == ("draft", "", {})
    assert (invoice.total_ht_cents, invoice.recipient_name, invoice.recipient_siret) == (
        800_050,
        "Région Exemple",
        SIRET,
    )
    assert (invoice.chorus_service_code, invoice.commitment_number, invoice.session_id) == (
        "SERV-1",
        "EJ-42",
        session.pk,
    )
    assert "Rennes" in invoice.recipient_address
    issued = services.invoice_issue(actor=admin_actor, invoice_id=invoice.pk)
    assert issued.number.startswith("F-")
    assert issued.legal and issued.status == "issued"


def test_refused_writes_nothing(admin_actor, manager_actor, buyer, other_org, session):  # type: ignore[no-untyped-def]
    foreign = ClientFactory(organisation=other_org, name="Ailleurs")
    for changes, message in [
        ({"client_id": foreign.pk}, "Client introuvable"),
        ({"amount_cents": 0}, "supérieur à 0"),
        ({"label": " "}, "désignation"),
        ({"session_id": 10**9}, "Session introuvable"),
    ]:
        with pytest.raises(ValidationError, match=message):
            draft(admin_actor, buyer, **changes)
    with pytest.raises(PermissionDenied):
        draft(manager_actor, buyer)
    assert not Invoice.objects.exists()
