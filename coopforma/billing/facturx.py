# SPDX-License-Identifier: AGPL-3.0-or-later
"""Factur-X (EN 16931 profile) of an issued invoice or credit note, made with the `factur-x` library.

The CII XML is built from what the piece froze at issue (number, dates, recipient, lines, totals, the seller's
mentions in `Invoice.legal`), so it says exactly what the PDF says; the Factur-X PDF is the stored, hash-checked PDF
with that XML embedded as `factur-x.xml` and the Factur-X XMP metadata (PDF/A-3 attachment, relationship « Data »).
Both are derived on demand from immutable data: the XML is the same bytes every time.

Mapping (norme EN 16931-1, French CIUS for Chorus Pro):
- BT-3 380 (facture) / 381 (avoir), BG-3 the corrected invoice of a credit note;
- BT-10 the Chorus Pro service code, BT-13 the commitment number (« n° d'engagement juridique »);
- BG-4 seller: SIREN (scheme 0002), VAT number, registry and capital in BT-33; BG-7 buyer: SIRET (scheme 0009);
- BG-23 VAT: category E with exemption reason VATEX-EU-132-1I and the printed wording (CGI art. 261-4-4° a,
  directive 2006/112/CE art. 132 1 i) when exempt, else S at the rate;
- BG-16 payment: credit transfer (30) to the organisation's IBAN/BIC.
"""

import re
from decimal import Decimal
from typing import Any

from coopforma.billing.models import Invoice, InvoiceKind
from coopforma.core.identifiers import compact
from coopforma.core.money import cents_to_decimal

LEVEL = "en16931"
TYPE_CODES = {InvoiceKind.INVOICE: "380", InvoiceKind.CREDIT_NOTE: "381"}
EXEMPTION_CODE = "VATEX-EU-132-1I"  # education and vocational training (directive 2006/112/CE art. 132 1 i)
_POSTCODE_CITY = re.compile(r"^\s*(\d{5})\s+(.+?)\s*$")


class FacturXUnavailable(Exception):
    """Raised for a piece that has no Factur-X: a quote or a draft."""


def _money(cents: int) -> str:
    return str(cents_to_decimal(cents))


def _address(text: str) -> dict[str, str]:
    """'3 rue des Lilas\\n35000 Rennes' → street lines, postcode and city (France)."""
    lines = [line.strip() for line in (text or "").replace(",", "\n").splitlines() if line.strip()]
    result: dict[str, str] = {"country_code": "FR"}
    if lines:
        match = _POSTCODE_CITY.match(lines[-1])
        if match:
            result["postcode"], result["city"] = match.groups()
            lines = lines[:-1]
    for key, line in zip(("addr_l1", "addr_l2", "addr_l3"), lines, strict=False):
        result[key] = line
    return result


def data_dict(invoice: Invoice) -> dict[str, Any]:
    """The EN 16931 data of an issued invoice or credit note, keyed by business term (BT/BG) as `factur-x` reads."""
    if invoice.kind not in TYPE_CODES or invoice.status == "draft" or not invoice.number:
        raise FacturXUnavailable(str(invoice))
    legal = invoice.legal or {}
    exempt = invoice.vat_rate_bp == 0
    rate = str((Decimal(invoice.vat_rate_bp) / 100).quantize(Decimal("0.01")))
    category = "E" if exempt else "S"
    seller: dict[str, Any] = {"name": legal.get("name") or invoice.organisation.name}
    siret = compact(legal.get("siret", ""))
    if siret:
        seller["legal_identifier"] = siret[:9]
        seller["legal_identifier_schemeid"] = "0002"
    if legal.get("vat_number"):
        seller["vat_identifier"] = legal["vat_number"]
    info = ", ".join(p for p in [legal.get("legal_form", ""), legal.get("capital", ""), legal.get("registry", "")] if p)
    if info:
        seller["legal_info"] = info
    seller.update(_address(legal.get("address", "")))
    if legal.get("email"):
        seller["contacts"] = [{"email": legal["email"]}]
    buyer: dict[str, Any] = {"name": invoice.recipient_name}
    buyer_siret = compact(invoice.recipient_siret)
    if len(buyer_siret) == 14:
        buyer["legal_identifier"] = buyer_siret
        buyer["legal_identifier_schemeid"] = "0009"
    buyer.update(_address(invoice.recipient_address))
    lines = [
        {
            "BT-126": str(index),
            "BT-129": str(line.quantity),
            "BT-130": "C62",
            "BT-131": _money(line.amount_cents),
            "BT-146": _money(line.unit_price_cents),
            "BT-151": category,
            "BT-152": rate,
            "BT-153": line.label,
        }
        for index, line in enumerate(invoice.lines.all(), start=1)
    ]
    vat: dict[str, Any] = {
        "BT-116": _money(invoice.total_ht_cents),
        "BT-117": _money(invoice.total_vat_cents),
        "BT-118": category,
        "BT-119": rate,
    }
    if exempt:
        vat["BT-120"] = legal.get("vat_mention", "")
        vat["BT-121"] = EXEMPTION_CODE
    notes = [
        {"BT-21": "REG", "BT-22": legal["nda_mention"]} if legal.get("nda_mention") else None,
        {"BT-21": "AAB", "BT-22": invoice.payment_terms} if invoice.payment_terms else None,
        {"BT-21": "AAI", "BT-22": invoice.notes} if invoice.notes else None,
    ]
    data: dict[str, Any] = {
        "BT-1": invoice.number,
        "BT-2": invoice.issued_on,
        "BT-3": TYPE_CODES[invoice.kind],
        "BT-5": "EUR",
        "BG-1": [n for n in notes if n],
        "BG-4": seller,
        "BG-7": buyer,
        "BG-23": [vat],
        "BG-25": lines,
        "BT-106": _money(sum(line.amount_cents for line in invoice.lines.all())),
        "BT-109": _money(invoice.total_ht_cents),
        "BT-110": _money(invoice.total_vat_cents),
        "BT-112": _money(invoice.total_ttc_cents),
        "BT-115": _money(invoice.total_ttc_cents),
    }
    # Delivery (BG-13/BT-72, required by the schema): the last day of the training, else the issue date.
    session = invoice.session
    data["BT-72"] = (session.end_date if session and session.end_date else None) or invoice.issued_on
    if session and session.start_date and session.end_date:
        data["BT-73"], data["BT-74"] = session.start_date, session.end_date
    if invoice.due_on:
        data["BT-9"] = invoice.due_on
    if invoice.chorus_service_code:
        data["BT-10"] = invoice.chorus_service_code
    if invoice.commitment_number:
        data["BT-13"] = invoice.commitment_number
    if invoice.kind == InvoiceKind.CREDIT_NOTE and invoice.corrects_id:
        data["BG-3"] = [{"BT-25": invoice.corrects.number, "BT-26": invoice.corrects.issued_on}]
    if legal.get("iban"):
        data["BT-81"] = "30"
        data["BT-83"] = invoice.number
        data["BT-84"] = compact(legal["iban"]).upper()
        if legal.get("bic"):
            data["BT-86"] = legal["bic"]
    return data


def cii_xml(invoice: Invoice) -> bytes:
    """The CII XML (EN 16931 profile), checked by the library against the Factur-X XSD."""
    from facturx import generate_xml

    return generate_xml(data_dict(invoice), flavor="factur-x", level=LEVEL, check_xsd=True, check_schematron=False)


def facturx_pdf(invoice: Invoice) -> bytes:
    """The issued PDF (read from storage, checked against its SHA-256) with its CII XML embedded (Factur-X: PDF/A-3
    attachment and XMP metadata)."""
    from facturx import generate_from_binary

    from coopforma.documents.services import document_read

    xml = cii_xml(invoice)  # raises FacturXUnavailable for a draft or a quote
    if invoice.document_id is None:  # an issued piece always has its PDF; a record imported without one has none
        raise FacturXUnavailable(str(invoice))
    return generate_from_binary(
        document_read(invoice.document),
        xml,
        flavor="factur-x",
        level=LEVEL,
        check_xsd=False,  # cii_xml checked it
        lang="fr-FR",
        pdf_metadata={
            "author": (invoice.legal or {}).get("name", ""),
            "keywords": "Factur-X",
            "title": f"{invoice.get_kind_display()} {invoice.number}",
            "subject": f"{invoice.get_kind_display()} {invoice.number}",
        },
    )
