# SPDX-License-Identifier: AGPL-3.0-or-later
"""CPF: billed to the Caisse des dépôts after the EDOF cycle, never to the holder (issue 12 point 1)."""

import datetime as dt
import html

import pytest
from django.core.exceptions import ValidationError

from coopforma.attendance import services as attendance
from coopforma.attendance.models import SignMethod
from coopforma.billing import cpf, services
from coopforma.billing.models import Invoice, InvoiceKind, InvoiceStatus
from coopforma.people.tests.factories import ClientFactory, TraineeFactory
from coopforma.reporting.bpf import compute_bpf
from coopforma.training_sessions.models import Enrolment, Participant
from coopforma.training_sessions.tests.factories import FundingLineFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(org):  # type: ignore[no-untyped-def]
    return ClientFactory(
        organisation=org,
        name="Youssef Amrani",
        kind="individual",
        street="7 avenue Jean-Jaurès",
        postal_code="69200",
        city="Vénissieux",
        email="youssef@courriel.example",
    )


@pytest.fixture
def cpf_enrolment(org, session, holder):  # type: ignore[no-untyped-def]
    enrolment = Enrolment.objects.create(organisation=org, session=session, client=holder, price_cents=140000)
    FundingLineFactory(
        enrolment=enrolment,
        payer_kind="cpf",
        payer_name="Caisse des dépôts (Mon Compte Formation)",
        scheme="cpf",
        amount_cents=140000,
        reference="CPF-000042",
    )
    trainee = TraineeFactory(organisation=org, first_name="Youssef", last_name="Amrani")
    ParticipantFactory(session=session, enrolment=enrolment, trainee=trainee, bpf_trainee_type="c")
    return enrolment


def _emargement(session, actor, *, absent_on_second: bool) -> None:  # type: ignore[no-untyped-def]
    participant = Participant.objects.get(session=session)
    for index, slot in enumerate(session.slots.order_by("starts_at")):
        attendance.slot_open(actor=actor, slot_id=slot.pk, now=slot.starts_at - dt.timedelta(minutes=5))
        at = slot.starts_at + dt.timedelta(minutes=1)
        if index == 1 and absent_on_second:
            attendance.attendance_mark(
                actor=actor, slot_id=slot.pk, participant_id=participant.pk, mark="absent", now=at
            )
        else:
            attendance.attendance_sign(participant=participant, slot_id=slot.pk, method=SignMethod.QR, now=at)
        attendance.slot_close(actor=actor, slot_id=slot.pk, trainer_name="Léa Martin", now=slot.ends_at)


def _page(web, user, org, enrolment):  # type: ignore[no-untyped-def]
    page = web(user).get(f"/o/{org.slug}/billing/enrolment/{enrolment.pk}/").content.decode()
    return html.unescape(page).replace("\u00a0", " ")


def test_cpf_cycle_through_the_pages_bills_the_caisse_des_depots_pro_rata(
    web, admin_user, admin_actor, org, session, cpf_enrolment
):
    browser = web(admin_user)
    base = f"/o/{org.slug}/billing/enrolment/{cpf_enrolment.pk}/"
    # No quote and no invoice to the holder, whatever is clicked.
    response = browser.post(base, {"kind": "quote"}, follow=True)
    assert "ni devis, ni contrat, ni facture au titulaire" in html.unescape(response.content.decode())
    response = browser.post(base, {"kind": "invoice"}, follow=True)
    assert "après la déclaration du service fait sur EDOF" in html.unescape(response.content.decode())
    assert not Invoice.objects.filter(enrolment=cpf_enrolment).exists()
    # Step 1: the entry declared on EDOF (not before the training starts).
    response = browser.post(base + "cpf/", {"step": "entry", "entered_on": "2026-03-01"}, follow=True)
    assert "se déclare une fois la formation commencée" in html.unescape(response.content.decode())
    browser.post(base + "cpf/", {"step": "entry", "entered_on": "2026-03-02"})
    # Step 2: the service fait needs the closed émargement.
    response = browser.post(base + "cpf/", {"step": "service_done", "declared_on": "2026-03-05"}, follow=True)
    assert "n'est pas clos" in html.unescape(response.content.decode())
    assert Enrolment.objects.get(pk=cpf_enrolment.pk).cpf_state == "entry_declared"
    _emargement(session, admin_actor, absent_on_second=True)
    response = browser.post(base + "cpf/", {"step": "service_done", "declared_on": "2026-03-05"}, follow=True)
    page = _page(web, admin_user, org, cpf_enrolment)
    assert "Service fait déclaré" in page and "3 h 30 réalisées sur 7 h, taux de réalisation 50 %" in page
    # Step 3: one invoice, to the Caisse des dépôts, half the price; the holder gets nothing.
    browser.post(base, {"kind": "invoice"})
    (draft,) = Invoice.objects.filter(enrolment=cpf_enrolment)
    assert (draft.recipient_name, draft.payer_kind, draft.scheme, draft.total_ht_cents) == (
        "Caisse des dépôts et consignations — Mon Compte Formation",
        "cpf",
        "cpf",
        70000,
    )
    label = draft.lines.get().label.replace("\u00a0", " ")
    assert "CPF-000042" in label and "3 h 30 réalisées sur 7 h, taux de réalisation 50 %" in label
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk, issued_on=dt.date(2026, 3, 6))
    assert Enrolment.objects.get(pk=cpf_enrolment.pk).cpf_state == "invoiced"
    assert "Facturée à la Caisse des dépôts" in _page(web, admin_user, org, cpf_enrolment)
    # BPF: line C.2e, nothing in C.9 (individuals at their own expense).
    money = compute_bpf(org, 2026, with_anomalies=False).money
    assert (money["C.2e"], money["C.9"]) == (invoice.total_ht_cents, 0)


def test_a_remaining_share_is_documented_never_invoiced_to_the_holder(admin_actor, session, cpf_enrolment):
    Enrolment.objects.filter(pk=cpf_enrolment.pk).update(price_cents=150000)
    cpf_enrolment.refresh_from_db()
    cpf.cpf_entry_declare(actor=admin_actor, enrolment=cpf_enrolment, entered_on=dt.date(2026, 3, 2))
    _emargement(session, admin_actor, absent_on_second=False)
    cpf.cpf_service_done_declare(actor=admin_actor, enrolment=cpf_enrolment, declared_on=dt.date(2026, 3, 4))
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=cpf_enrolment.pk)
    assert draft.payer_kind == "cpf" and draft.total_ht_cents == 140000
    assert "Reste à charge du titulaire : 100,00" in draft.notes and "ne le lui facture pas" in draft.notes


def test_an_old_quote_to_a_cpf_holder_cannot_become_an_invoice(admin_actor, org, cpf_enrolment, holder):
    quote = Invoice.objects.create(
        organisation=org,
        kind=InvoiceKind.QUOTE,
        client=holder,
        enrolment=cpf_enrolment,
        payer_kind="individual",
        recipient_name=holder.name,
    )
    with pytest.raises(ValidationError, match="ni devis, ni contrat, ni facture au titulaire"):
        services.invoice_issue(actor=admin_actor, invoice_id=quote.pk)
    Invoice.objects.filter(pk=quote.pk).update(
        status=InvoiceStatus.ACCEPTED, number="D-2026-0001", fiscal_year=2026, sequence=1, issued_on=dt.date(2026, 3, 1)
    )
    with pytest.raises(ValidationError, match="Mon Compte Formation"):
        services.quote_convert(actor=admin_actor, quote_id=quote.pk)
    assert not Invoice.objects.filter(kind="invoice").exists()


def test_cpf_api_cycle_and_refusals(api, admin_user, quality_user, stranger, other_org, org, session, cpf_enrolment):
    client = api(admin_user, org)
    url = f"/api/v1/billing/enrolments/{cpf_enrolment.pk}/cpf"
    state = client.get(url).json()
    assert (state["cpf_funded"], state["state"], state["state_label"]) == (True, "", "Non déclarée")
    response = client.post(url + "/entry", {"entered_on": "2026-12-01"}, content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["loc"] == ["body", "entered_on"]
    assert "futur" in response.json()["errors"][0]["message"]
    response = client.post(url + "/service-done", {}, content_type="application/json")
    assert response.status_code == 422 and "Déclarez d'abord l'entrée" in response.json()["errors"][0]["message"]
    # Another organisation's admin (our ids, their slug and ours) and a reader without billing.manage.
    assert api(stranger, other_org).get(url).status_code == 404
    assert (
        api(stranger, other_org)
        .post(url + "/entry", {"entered_on": "2026-03-02"}, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        api(quality_user, org).post(url + "/entry", {"entered_on": "2026-03-02"}, content_type="application/json")
    ).status_code == 403
    assert Enrolment.objects.get(pk=cpf_enrolment.pk).cpf_state == ""
    response = client.post(url + "/entry", {"entered_on": "2026-03-02"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "entry_declared"
    response = client.post(url + "/entry", {"entered_on": "2026-03-02"}, content_type="application/json")
    assert response.status_code == 422 and "déjà déclarée" in response.json()["errors"][0]["message"]
    drafts = client.post(
        f"/api/v1/billing/enrolments/{cpf_enrolment.pk}/drafts", {"kind": "quote"}, content_type="application/json"
    )
    assert drafts.status_code == 422 and "CPF" in drafts.json()["errors"][0]["message"]


def test_a_company_enrolment_has_no_cpf_dossier(api, admin_user, org, enrolment):
    response = api(admin_user, org).post(
        f"/api/v1/billing/enrolments/{enrolment.pk}/cpf/entry",
        {"entered_on": "2026-03-02"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "n'a pas de financement par le CPF" in response.json()["errors"][0]["message"]
