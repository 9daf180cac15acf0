# SPDX-License-Identifier: AGPL-3.0-or-later
"""What a French payer expects on an invoice: the seller's IBAN/BIC, RCS or RM with its city, share capital and
logo (settings page, validated); a funder's invoice carries the funder's address from the address book, the
trainees and their hours, Chorus Pro fields for public buyers, and no internal code."""

import html
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from coopforma.billing import services
from coopforma.billing.models import Funder, Invoice
from coopforma.core.models import ActivityLog
from coopforma.documents.services import document_read
from coopforma.people.tests.factories import TraineeFactory
from coopforma.training_sessions.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

IBAN = "FR7630006000011234567890189"


def _text(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " ").replace("\u2019", "'"))


def _png(size: tuple[int, int] = (120, 40), fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (29, 78, 74)).save(out, format=fmt)
    return out.getvalue()


def _settings_data(org, **extra):  # type: ignore[no-untyped-def]
    data = {
        "name": org.name,
        "siret": org.siret,
        "nda": org.nda,
        "street": org.street,
        "postal_code": org.postal_code,
        "city": org.city,
        "fiscal_year_start_month": 1,
        "vat_regime": "exempt",
        "legal_form": "SCOP SARL",
        "trade_registry": "rcs",
        "trade_registry_city": "Rennes",
        "share_capital": "15 000,00",
        "variable_capital": "on",
        "iban": "FR76 3000 6000 0112 3456 7890 189",
        "bic": "AGRIFRPP",
    }
    data.update(extra)
    return data


def test_settings_page_saves_the_invoice_identity_and_a_clean_logo(org, admin_user, web):
    client = web(admin_user)
    logo = SimpleUploadedFile("logo.jpg", _png(fmt="JPEG"), content_type="image/jpeg")
    response = client.post(f"/o/{org.slug}/settings/", {**_settings_data(org), "logo": logo})
    assert response.status_code == 302, response.content.decode()[:2000]
    org.refresh_from_db()
    assert (org.iban, org.bic, org.trade_registry_city, org.share_capital_cents) == (
        IBAN,
        "AGRIFRPP",
        "Rennes",
        1500000,
    )
    assert bytes(org.logo).startswith(b"\x89PNG")  # re-encoded as PNG
    assert org.registry_mention == "RCS Rennes 732 829 320"
    log = ActivityLog.objects.filter(action="accounts.organisation.updated").latest("id")
    assert log.data["changes"]["logo"] == "replaced"


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"iban": "FR7630006000011234567890188"}, "iban", "ISO 13616"),
        ({"bic": "AGRI"}, "bic", "ISO 9362"),
        ({"trade_registry_city": ""}, "trade_registry_city", "R123-237"),
        ({"share_capital": "12,345"}, "share_capital", "deux décimales"),
    ],
)
def test_settings_refuse_bad_identity_with_the_rule(org, admin_user, web, extra, field, message):
    response = web(admin_user).post(f"/o/{org.slug}/settings/", _settings_data(org, **extra))
    assert response.status_code == 200
    assert message in response.content.decode()
    org.refresh_from_db()
    assert org.iban == "" and org.trade_registry == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a not really", "pas une image PNG ou JPEG lisible"),
        (b"%PDF-1.4 a pdf", "pas une image PNG ou JPEG lisible"),
    ],
)
def test_settings_refuse_a_logo_that_is_not_an_image(org, admin_user, web, content, message):
    logo = SimpleUploadedFile("logo.png", content, content_type="image/png")
    response = web(admin_user).post(f"/o/{org.slug}/settings/", {**_settings_data(org), "logo": logo})
    assert response.status_code == 200 and message in response.content.decode()
    org.refresh_from_db()
    assert bytes(org.logo) == b"" and org.iban == ""


def test_settings_refuse_a_huge_logo(org, admin_user, web):
    logo = SimpleUploadedFile("logo.png", _png((6000, 10)), content_type="image/png")
    response = web(admin_user).post(f"/o/{org.slug}/settings/", {**_settings_data(org), "logo": logo})
    assert response.status_code == 200 and "trop grand" in response.content.decode()


def test_a_member_manager_cannot_change_the_bank_details(org, manager_user, web):
    response = web(manager_user).post(f"/o/{org.slug}/settings/", _settings_data(org))
    assert response.status_code == 403
    org.refresh_from_db()
    assert org.iban == ""


@pytest.fixture
def identified_org(org):  # type: ignore[no-untyped-def]
    org.legal_form = "SCOP SARL"
    org.trade_registry, org.trade_registry_city = "rcs", "Rennes"
    org.variable_capital = True
    org.iban, org.bic = IBAN, "AGRIFRPP"
    org.logo = _png()
    org.save()
    return org


def test_an_opco_invoice_carries_the_funder_address_trainees_hours_and_seller_identity(
    identified_org, admin_actor, enrolment, opco_line
):
    trainee = TraineeFactory(
        organisation=identified_org, client=enrolment.client, first_name="Sacha", last_name="Dupont"
    )
    ParticipantFactory(enrolment=enrolment, trainee=trainee)
    drafts = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    opco = next(d for d in drafts if d.funder_id)
    assert opco.funder.name == "AKTO" and "14 rue Riquet" in opco.recipient_address
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=opco.pk)
    text = _text(document_read(invoice.document))
    assert "AKTO" in text and "14 rue Riquet" in text and "75019 Paris" in text
    assert "Sacha Dupont" in text and "7 h prévues" in text
    assert "FR76 3000 6000 0112 3456 7890 189" in text and "AGRIFRPP" in text
    assert "RCS Rennes 732 829 320" in text and "à capital variable" in text
    assert "(C-1)" not in text and "(C-2)" not in text and "Payeur" not in text
    page = PdfReader(io.BytesIO(document_read(invoice.document))).pages[0]
    assert list(page.images), "the logo is drawn on the invoice"
    assert invoice.legal["iban"] == "FR76 3000 6000 0112 3456 7890 189"


def test_a_funder_without_address_blocks_the_issue_with_the_rule(admin_actor, enrolment):
    from coopforma.training_sessions.tests.factories import FundingLineFactory

    FundingLineFactory(enrolment=enrolment, payer_kind="opco", payer_name="OCAPIAT", amount_cents=50000)
    drafts = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    opco = next(d for d in drafts if d.funder_id)
    with pytest.raises(Exception) as error:
        services.invoice_issue(actor=admin_actor, invoice_id=opco.pk)
    assert "242 nonies A" in str(error.value)
    assert Invoice.objects.get(pk=opco.pk).number == ""


def test_a_public_buyer_invoice_carries_chorus_fields(admin_actor, enrolment, web, admin_user, org):
    from coopforma.training_sessions.tests.factories import FundingLineFactory

    response = web(admin_user).post(
        f"/o/{org.slug}/billing/funders/",
        {
            "kind": "region",
            "name": "Région Bretagne",
            "street": "283 avenue du Général Patton",
            "postal_code": "35700",
            "city": "Rennes",
            "siret": "23350001600040",
            "public_buyer": "on",
            "chorus_service_code": "FORMATION",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    FundingLineFactory(
        enrolment=enrolment,
        payer_kind="region",
        payer_name="Région Bretagne",
        amount_cents=60000,
        reference="EJ-2026-77",
    )
    drafts = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    region = next(d for d in drafts if d.funder_id)
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=region.pk)
    text = _text(document_read(invoice.document))
    assert "Code service : FORMATION" in text and "N° d'engagement : EJ-2026-77" in text
    assert "23350001600040" in text


def test_funders_page_lists_the_national_book_and_refuses_bad_input(org, admin_user, web):
    client = web(admin_user)
    page = client.get(f"/o/{org.slug}/billing/funders/").content.decode()
    for name in ("AFDAS", "AKTO", "OPCO Atlas", "Constructys", "OCAPIAT", "OPCO 2i", "L'Opcommerce", "OPCO EP",
                 "OPCO Mobilités", "OPCO Santé", "Uniformation"):  # fmt: skip
        assert name.replace("'", "&#x27;") in page
    assert Funder.objects.filter(organisation__isnull=True, kind="opco").count() == 11
    response = client.post(
        f"/o/{org.slug}/billing/funders/",
        {"kind": "region", "name": "Région X", "street": "", "postal_code": "", "city": "", "public_buyer": "on"},
    )
    assert response.status_code == 200
    assert not Funder.objects.filter(name="Région X").exists()


def test_funders_page_is_read_only_for_quality_and_closed_to_others(org, quality_user, stranger, web):
    assert web(quality_user).get(f"/o/{org.slug}/billing/funders/").status_code == 200
    data = {"kind": "region", "name": "R", "street": "1 rue A", "postal_code": "35000", "city": "Rennes"}
    assert web(quality_user).post(f"/o/{org.slug}/billing/funders/", data).status_code == 403
    assert web(stranger).get(f"/o/{org.slug}/billing/funders/").status_code == 404
    assert not Funder.objects.filter(name="R").exists()


MISSING_ADDRESS = ("OCAPIAT", "OPCO 2i", "OPCO EP", "OPCO Mobilités")


def test_the_four_opcos_without_a_known_address_ship_none():
    """No invented address: the national entries of these four OPCOs carry no street nor postcode and say so."""
    for name in MISSING_ADDRESS:
        funder = Funder.objects.get(organisation__isnull=True, name=name)
        assert funder.address_to_check and not funder.address_complete
        assert funder.street == "" and funder.postal_code == ""
    complete = Funder.objects.filter(organisation__isnull=True, kind="opco").exclude(name__in=MISSING_ADDRESS)
    assert all(f.address_complete and not f.address_to_check for f in complete)


@pytest.mark.parametrize("name", MISSING_ADDRESS)
def test_issuing_to_an_opco_without_address_says_which_field_and_where(
    admin_actor, admin_user, enrolment, web, org, name
):
    from coopforma.training_sessions.tests.factories import FundingLineFactory

    FundingLineFactory(enrolment=enrolment, payer_kind="opco", payer_name=name, amount_cents=50000)
    drafts = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    opco = next(d for d in drafts if d.funder_id)
    assert opco.recipient_name == name and opco.recipient_address == ""

    response = web(admin_user).post(
        f"/o/{org.slug}/billing/{opco.pk}/issue/", {"issued_on": timezone.localdate().isoformat()}
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert f"Adresse de {name} manquante (rue, code postal)" in page
    assert "« Adresse du destinataire »" in page and "« Modifier le brouillon »" in page
    assert "Facturation → « Financeurs »" in page and "242 nonies A" in page
    assert "recipient_address :" not in page  # the sentence, without the field's code
    assert Invoice.objects.get(pk=opco.pk).number == ""

    # Filled on the draft, the invoice is issued with that address.
    edit = web(admin_user).post(
        f"/o/{org.slug}/billing/{opco.pk}/edit/",
        {"recipient_name": name, "recipient_address": "1 rue de l'Exemple\n75001 Paris", "payer_kind": "opco"},
    )
    assert edit.status_code == 302, edit.content.decode()[:1500]
    issued = services.invoice_issue(actor=admin_actor, invoice_id=opco.pk)
    assert issued.number and issued.recipient_address.endswith("75001 Paris")


def test_an_organisation_entry_completes_a_national_opco_for_the_next_invoices(
    admin_actor, enrolment, web, admin_user, org
):
    from coopforma.training_sessions.tests.factories import FundingLineFactory

    response = web(admin_user).post(
        f"/o/{org.slug}/billing/funders/",
        {"kind": "opco", "name": "OPCO EP", "street": "1 rue de l'Exemple", "postal_code": "75001", "city": "Paris"},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    FundingLineFactory(enrolment=enrolment, payer_kind="opco", payer_name="OPCO EP", amount_cents=50000)
    drafts = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    opco = next(d for d in drafts if d.funder_id)
    assert opco.recipient_address == "1 rue de l'Exemple\n75001 Paris"
    assert services.invoice_issue(actor=admin_actor, invoice_id=opco.pk).number
