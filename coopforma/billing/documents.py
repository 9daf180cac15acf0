# SPDX-License-Identifier: AGPL-3.0-or-later
"""The billing pieces' document kinds, registered with the documents engine by `BillingConfig.ready()`.

Kinds: `invoice` (facture), `credit_note` (avoir) and `billing_quote` (devis issued from billing; the enrolment's
`quote` kind of training_sessions stays a commercial proposal). Their subject is an `Invoice` row; the context is
built from what the piece froze at issue (number, dates, recipient, lines, totals, the seller's legal mentions in
`Invoice.legal`), so the PDF prints exactly the issued piece. A final document is generated and finalised in the
issuing transaction (`services._attach_pdf`); a draft is only previewed (`preview_pdf`, « BROUILLON », stored
nowhere).
"""

from typing import Any

from coopforma.billing.models import Invoice, InvoiceKind
from coopforma.core.formatting import fr_date, fr_money
from coopforma.core.hours import format_minutes
from coopforma.core.identifiers import format_iban
from coopforma.core.money import VAT_EXEMPT_MENTION, vat_mention
from coopforma.documents.branding import logo_svg
from coopforma.documents.default_templates import load_default
from coopforma.documents.registry import DocumentKind, Keyword, KindHooks, Missing, build_context, get_kind, register
from coopforma.training_sessions.documents import ORGANISATION_KEYWORDS, organisation_data

K = Keyword

TITLES = {InvoiceKind.INVOICE: "Facture", InvoiceKind.QUOTE: "Devis", InvoiceKind.CREDIT_NOTE: "Avoir"}
KIND_CODES = {
    InvoiceKind.INVOICE: "invoice",
    InvoiceKind.QUOTE: "billing_quote",
    InvoiceKind.CREDIT_NOTE: "credit_note",
}

PIECE_KEYWORDS = (
    K("piece.title", "Type de pièce (Facture, Devis, Avoir)", "Facture"),
    K("piece.number", "Numéro (vide sur un brouillon)", "F-2026-0001"),
    K("piece.draft", "Vrai tant que la pièce n'est pas émise", False),
    K("piece.issued_on", "Date d'émission", "02/03/2026"),
    K("piece.due_on", "Échéance de paiement (factures)", "01/04/2026"),
    K("piece.valid_until", "Valable jusqu'au (devis)", "01/04/2026"),
    K("piece.recipient_name", "Destinataire", "Scop Exemple"),
    K("piece.recipient_address", "Adresse du destinataire", "3 rue des Lilas\n35000 Rennes"),
    K("piece.recipient_siret", "SIRET du destinataire", "73282932000074"),
    K("piece.client_name", "Client (l'entreprise ou la personne formée)", "Scop Exemple"),
    K("piece.payer", "Payeur (financeur ou client)", "AKTO"),
    K("piece.funder", "Vrai quand la pièce est adressée à un financeur (OPCO, CDC, France Travail…)", False),
    K("piece.chorus_service_code", "Code service Chorus Pro (acheteurs publics)", ""),
    K("piece.commitment_number", "N° d'engagement / bon de commande (acheteurs publics)", ""),
    K(
        "piece.trainees",
        "Stagiaires (liste : {% for t in piece.trainees %} avec name, hours, basis)",
        [{"name": "Sacha Dupont", "hours": "7 h", "basis": "réalisées"}],
    ),
    K("piece.iban", "IBAN de l'organisme (virement)", "FR76 3000 6000 0112 3456 7890 189"),
    K("piece.bic", "BIC de l'organisme", "AGRIFRPP"),
    K("organisation.registry", "Immatriculation (RCS ou RM, ville, SIREN)", "RCS Rennes 732 829 320"),
    K("organisation.capital", "Capital social", "à capital variable"),
    K("organisation.has_logo", "Vrai si l'organisme a un logo (image « image_logo »)", False),
    K("piece.session_title", "Session facturée", "Animer une réunion coopérative"),
    K(
        "piece.lines",
        "Lignes (liste : {% for line in piece.lines %} avec label, quantity, unit_price, amount)",
        [
            {
                "label": "Formation « Animer une réunion »",
                "quantity": 1,
                "unit_price": "1 400,00 €",
                "amount": "1 400,00 €",
            }
        ],
    ),
    K("piece.total_ht", "Total HT", "1 400,00 €"),
    K("piece.total_vat", "TVA", "0,00 €"),
    K("piece.total_ttc", "Total TTC", "1 400,00 €"),
    K("piece.vat_rate", "Taux de TVA", "0 %"),
    K("piece.vat_exempt", "Exonéré de TVA (oui/non)", True),
    K("piece.vat_mention", "Mention de TVA", VAT_EXEMPT_MENTION),
    K("piece.payment_terms", "Conditions de paiement", "Paiement à 30 jours par virement."),
    K("piece.notes", "Notes", ""),
    K("piece.corrects_number", "Facture corrigée (avoirs)", "F-2026-0001"),
    K("piece.corrects_date", "Date de la facture corrigée (avoirs)", "02/03/2026"),
    K("piece.quote_number", "Devis d'origine (factures)", "D-2026-0001"),
)
DOCUMENT_KEYWORDS = (K("document.date", "Date du document", "02/03/2026"),)
KEYWORDS = ORGANISATION_KEYWORDS + PIECE_KEYWORDS + DOCUMENT_KEYWORDS


def kind_code(invoice: Invoice) -> str:
    return KIND_CODES[invoice.kind]


def piece_context(invoice: Invoice) -> dict[str, Any]:
    """Plain data of the piece; the seller's mentions come from the snapshot frozen at issue when there is one."""
    organisation = dict(organisation_data(invoice.organisation))
    legal = invoice.legal or {}
    org = invoice.organisation
    organisation["registry"] = org.registry_mention
    organisation["capital"] = org.capital_mention
    for key in (
        "name",
        "legal_form",
        "address",
        "siret",
        "naf_code",
        "nda",
        "nda_mention",
        "email",
        "phone",
        "registry",
        "capital",
    ):
        if key in legal:
            organisation[key] = legal[key]
    logo = bytes(org.logo or b"")
    organisation["has_logo"] = bool(logo)
    exempt = invoice.vat_rate_bp == 0
    mention = legal.get("vat_mention") or vat_mention(invoice.vat_rate_bp)
    organisation["vat_mention"] = mention
    organisation["vat_exempt"] = exempt
    organisation["vat_number"] = legal.get("vat_number", organisation.get("vat_number", ""))
    lines = [
        {
            "label": line.label,
            "quantity": line.quantity,
            "unit_price": fr_money(line.unit_price_cents),
            "amount": fr_money(line.amount_cents),
        }
        for line in invoice.lines.all()
    ]
    piece = {
        "title": TITLES[invoice.kind],
        "number": invoice.number,
        "draft": invoice.status == "draft",
        "issued_on": fr_date(invoice.issued_on),
        "due_on": fr_date(invoice.due_on),
        "valid_until": fr_date(invoice.valid_until),
        "recipient_name": invoice.recipient_name,
        "recipient_address": invoice.recipient_address,
        "recipient_siret": invoice.recipient_siret,
        "client_name": invoice.client.name,
        "payer": invoice.recipient_name,
        "funder": bool(invoice.funder_id),
        "chorus_service_code": invoice.chorus_service_code,
        "commitment_number": invoice.commitment_number,
        "trainees": [
            {
                "name": t.get("name", ""),
                "hours": format_minutes(t.get("minutes") or 0),
                "basis": "réalisées" if t.get("basis") == "attended" else "prévues",
            }
            for t in invoice.trainees or []
        ],
        "iban": legal.get("iban", format_iban(org.iban) if org.iban else ""),
        "bic": legal.get("bic", org.bic),
        "session_title": invoice.session.title if invoice.session_id else "",
        "lines": lines,
        "total_ht": fr_money(invoice.total_ht_cents),
        "total_vat": fr_money(invoice.total_vat_cents),
        "total_ttc": fr_money(invoice.total_ttc_cents),
        "vat_rate": f"{invoice.vat_rate_bp // 100} %",
        "vat_exempt": exempt,
        "vat_mention": mention,
        "payment_terms": invoice.payment_terms,
        "notes": invoice.notes,
        "corrects_number": invoice.corrects.number if invoice.corrects_id else "",
        "corrects_date": fr_date(invoice.corrects.issued_on) if invoice.corrects_id else "",
        "quote_number": invoice.quote.number if invoice.quote_id else "",
    }
    context: dict[str, Any] = {
        "organisation": organisation,
        "piece": piece,
        "document": {"date": piece["issued_on"] or fr_date(invoice.created_at.date())},
    }
    if logo:
        context["images"] = {"logo": logo_svg(logo)}
    return context


def piece_missing(invoice: Invoice) -> list[Missing]:
    """A piece's final PDF is made once, by its issue (`services._attach_pdf`): the engine's generic generation
    (documents page, `POST /api/v1/documents`) is refused for a draft and for a piece that already has its PDF, so
    nobody makes a second version of an issued piece."""
    from django.urls import reverse

    url = reverse("billing:detail", kwargs={"org": invoice.organisation.slug, "pk": invoice.pk})
    if invoice.status == "draft":
        return [Missing(f"{invoice} n'est pas émis(e) : son PDF définitif est créé à l'émission", url)]
    if invoice.document_id:
        return [Missing(f"{invoice} a déjà son PDF définitif, qui ne change plus", url)]
    return []


def _resolve(actor: Any, invoice_id: int) -> Invoice:
    from coopforma.billing.selectors import invoice_get

    return invoice_get(actor=actor, invoice_id=invoice_id, amounts=False)


def _label(invoice: Invoice) -> str:
    return str(invoice)


def _kind(code: str, label: str, template: str) -> DocumentKind:
    return DocumentKind(
        code=code,
        label=label,
        subject="invoice",
        keywords=KEYWORDS,
        build_context=piece_context,
        missing=piece_missing,
        default_template=load_default(template),
        description="Pièce de facturation émise (numérotée, mentions légales figées à l'émission).",
        hooks=KindHooks(resolve=_resolve, label=_label),
        pdf_standard="a-3b",  # Factur-X embeds its CII XML in a PDF/A-3 (billing/facturx.py)
    )


def kinds() -> list[DocumentKind]:
    return [
        _kind("invoice", "Facture", "invoice"),
        _kind("credit_note", "Avoir", "credit_note"),
        _kind("billing_quote", "Devis (facturation)", "invoice"),
    ]


def register_kinds() -> None:
    """Called by BillingConfig.ready() (registering twice is a no-op: the same objects are kept)."""
    from coopforma.documents.registry import all_kinds

    known = {k.code for k in all_kinds()}
    for kind in kinds():
        if kind.code not in known:
            register(kind)


def preview_pdf(invoice: Invoice) -> bytes:
    """A draft's PDF, with the « BROUILLON » background and no verification code; stored nowhere."""
    from coopforma.documents.services import active_template, render_pdf

    kind = get_kind(kind_code(invoice))
    template = active_template(invoice.organisation_id, kind.code)
    body = template.body if template else kind.default_template
    return render_pdf(body, build_context(kind, invoice), code=None, draft=True)
