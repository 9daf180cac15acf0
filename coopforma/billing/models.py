# SPDX-License-Identifier: AGPL-3.0-or-later
"""Quotes, invoices, credit notes, payments and each member structure's share.

One model, `Invoice`, holds the three kinds of billing pieces (quote, invoice, credit note): they share lines,
totals, legal mentions and the PDF path; each kind has its own gapless numbering per fiscal year
(`InvoiceSequence`, incremented under a row lock when a piece is issued). A draft has no number and may be
edited; an issued piece is never changed in place: a credit note corrects an invoice. Money is integer cents;
credit notes store positive amounts and subtract by their kind.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import Organisation, TenantModel
from coopforma.core.identifiers import validate_siret
from coopforma.core.models import TimeStampedModel
from coopforma.people.models import Client, MemberStructure
from coopforma.training_sessions.models import Enrolment, FundingLine, FundingScheme, PayerKind, Session


class InvoiceKind(models.TextChoices):
    QUOTE = "quote", _("Devis")
    INVOICE = "invoice", _("Facture")
    CREDIT_NOTE = "credit_note", _("Avoir")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    ISSUED = "issued", _("Émis")
    ACCEPTED = "accepted", _("Accepté")  # quotes only
    DECLINED = "declined", _("Refusé")  # quotes only


def _refuse_if_issued(status: str | None, number: str) -> None:
    """The last guard of "nothing issued is changed in place" (the services never try: they filter on drafts)."""
    if status is not None and status != InvoiceStatus.DRAFT:
        raise ValidationError(
            {
                "status": _(
                    "La pièce %(number)s est émise : elle ne peut plus être modifiée ni supprimée. "
                    "Corrigez une facture par un avoir."
                )
                % {"number": number or "?"}
            }
        )


class FunderKind(models.TextChoices):
    OPCO = "opco", _("Opérateur de compétences (OPCO)")
    CDC = "cdc", _("Caisse des dépôts (CPF)")
    FRANCE_TRAVAIL = "france_travail", _("France Travail")
    REGION = "region", _("Région")
    STATE = "state", _("État")
    TRANSITIONS_PRO = "transitions_pro", _("Transitions Pro")
    OTHER_PUBLIC = "other_public", _("Autre financeur public")
    OTHER = "other", _("Autre financeur")


class Funder(TimeStampedModel):
    """The address book of funders an invoice may be sent to (CGI annexe II art. 242 nonies A: the buyer's name and
    address). `organisation` empty: the national list shipped with Coopforma (the 11 OPCOs, the Caisse des dépôts,
    France Travail), read-only; otherwise a funder an organisation added (a Région, a Transitions Pro…).
    A public buyer receives its invoices through Chorus Pro: its SIRET and service code are then needed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(_("type de financeur"), max_length=20, choices=FunderKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    street = models.CharField(_("adresse"), max_length=200, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    siret = models.CharField(_("SIRET"), max_length=20, blank=True, validators=[validate_siret])
    email = models.EmailField(_("e-mail de facturation"), blank=True)
    public_buyer = models.BooleanField(_("acheteur public (factures par Chorus Pro)"), default=False)
    chorus_service_code = models.CharField(_("code service Chorus Pro"), max_length=100, blank=True)
    address_to_check = models.BooleanField(_("adresse à vérifier"), default=False)
    aliases = models.JSONField(_("autres noms"), default=list, blank=True)  # « OPCOMMERCE » for L'Opcommerce

    class Meta:
        verbose_name = _("financeur")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="funder_name_unique"),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(organisation__isnull=True),
                name="funder_national_name_unique",
                violation_error_message=_("Un financeur national porte déjà ce nom."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        return "\n".join(p for p in [self.street, f"{self.postal_code} {self.city}".strip()] if p)

    @staticmethod
    def normalised(name: str) -> str:
        """« L'Opcommerce » → « lopcommerce »: lowercase ASCII letters and digits only, to match a typed name."""
        import unicodedata

        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        return "".join(c for c in ascii_name.lower() if c.isalnum())

    def answers_to(self, name: str) -> bool:
        wanted = self.normalised(name)
        return bool(wanted) and any(self.normalised(n) == wanted for n in [self.name, *self.aliases])

    @property
    def address_complete(self) -> bool:
        return bool(self.street and self.postal_code and self.city)


class Invoice(TenantModel):
    kind = models.CharField(_("type de pièce"), max_length=12, choices=InvoiceKind.choices)
    status = models.CharField(
        _("état"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT, db_index=True
    )
    # Numbering: empty while a draft; on issue, the next number of (organisation, kind, fiscal year).
    fiscal_year = models.PositiveSmallIntegerField(_("exercice"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("rang dans l'exercice"), null=True, blank=True)
    number = models.CharField(_("numéro"), max_length=30, blank=True)
    issued_on = models.DateField(_("date d'émission"), null=True, blank=True, db_index=True)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)  # quotes
    # Who is billed. `client` is the enrolment's client; the recipient may be its OPCO or another funder.
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("client"))
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices", verbose_name=_("session")
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("inscription"),
    )
    # BPF cadre C: who pays this piece. Empty = unclassified, an anomaly of the BPF (never line 11 by default).
    payer_kind = models.CharField(_("catégorie du payeur (BPF)"), max_length=20, choices=PayerKind.choices, blank=True)
    scheme = models.CharField(
        _("dispositif (lignes 2a–2h du BPF)"), max_length=30, choices=FundingScheme.choices, blank=True
    )
    recipient_name = models.CharField(_("destinataire"), max_length=200)
    recipient_address = models.TextField(_("adresse du destinataire"), blank=True)
    recipient_siret = models.CharField(_("SIRET du destinataire"), max_length=20, blank=True)
    recipient_email = models.EmailField(_("e-mail du destinataire"), blank=True)
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices", verbose_name=_("financeur")
    )
    # Chorus Pro (public buyers): the buyer's service code and the commitment number (n° d'engagement juridique).
    chorus_service_code = models.CharField(_("code service Chorus Pro"), max_length=100, blank=True)
    commitment_number = models.CharField(_("n° d'engagement (bon de commande)"), max_length=50, blank=True)
    # Frozen with the draft: the trainees the piece bills, [{"name": "Sacha Dupont", "minutes": 420}].
    trainees = models.JSONField(_("stagiaires"), default=list, blank=True)
    # Links between pieces.
    quote = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices_from_quote",
        verbose_name=_("devis d'origine"),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("facture corrigée"),
    )
    # VAT in basis points (2000 = 20 %); 0 with the training exemption mention.
    vat_rate_bp = models.PositiveIntegerField(_("taux de TVA (points de base)"), default=0)
    # Totals, recomputed from the lines while a draft and frozen on issue.
    total_ht_cents = models.BigIntegerField(_("total HT (centimes)"), default=0)
    total_vat_cents = models.BigIntegerField(_("TVA (centimes)"), default=0)
    total_ttc_cents = models.BigIntegerField(_("total TTC (centimes)"), default=0)
    # Snapshot of the seller's legal mentions at issue (name, address, SIRET, NDA, VAT number or exemption).
    legal = models.JSONField(_("mentions légales"), default=dict, blank=True)
    payment_terms = models.TextField(_("conditions de paiement"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("pièce de facturation")
        verbose_name_plural = _("pièces de facturation")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "fiscal_year", "sequence"],
                condition=models.Q(sequence__isnull=False),
                name="invoice_gapless_number_unique",
                violation_error_message=_("Ce numéro de facture est déjà attribué."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(sequence__isnull=False, issued_on__isnull=False),
                name="invoice_issued_has_number",
                violation_error_message=_("Une facture émise doit avoir un numéro et une date d'émission."),
            ),
            models.CheckConstraint(
                condition=models.Q(total_ht_cents__gte=0) & models.Q(total_vat_cents__gte=0),
                name="invoice_amounts_not_negative",
                violation_error_message=_(
                    "Les montants d'une facture ne peuvent pas être négatifs (un avoir corrige une facture)."
                ),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "kind", "status", "issued_on"])]

    def __str__(self) -> str:
        return self.number or f"{self.get_kind_display()} ({self.get_status_display()})"

    def _stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return Invoice.objects.filter(pk=self.pk).values_list("status", flat=True).first()

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Only a draft is ever saved again (issuing is the last save of a draft)."""
        _refuse_if_issued(self._stored_status(), self.number)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        _refuse_if_issued(self._stored_status(), self.number)
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def sign(self) -> int:
        """+1 for an invoice, -1 for a credit note (which stores positive amounts), 0 for a quote."""
        return {InvoiceKind.INVOICE: 1, InvoiceKind.CREDIT_NOTE: -1}.get(self.kind, 0)


class InvoiceLine(TenantModel):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("rang"), default=0)
    label = models.CharField(_("désignation"), max_length=300)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    funding_line = models.ForeignKey(
        FundingLine, on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_lines"
    )
    quantity = models.PositiveIntegerField(_("quantité"), default=1)
    unit_price_cents = models.BigIntegerField(_("prix unitaire HT (centimes)"))
    amount_cents = models.BigIntegerField(_("montant HT (centimes)"))  # quantity × unit price, exact

    class Meta:
        verbose_name = _("ligne")
        ordering = ["invoice", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit_price_cents__gte=0) & models.Q(amount_cents__gte=0),
                name="invoice_line_not_negative",
                violation_error_message=_("Le prix et le montant d'une ligne ne peuvent pas être négatifs."),
            )
        ]

    def __str__(self) -> str:
        return self.label

    def _invoice_status(self) -> str | None:
        return Invoice.objects.filter(pk=self.invoice_id).values_list("status", flat=True).first()

    def save(self, *args: Any, **kwargs: Any) -> None:
        _refuse_if_issued(self._invoice_status(), "")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        _refuse_if_issued(self._invoice_status(), "")
        return super().delete(*args, **kwargs)


class InvoiceSequence(TenantModel):
    """The last number given per (organisation, kind, fiscal year); locked with select_for_update on issue."""

    kind = models.CharField(max_length=12, choices=InvoiceKind.choices)
    fiscal_year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "fiscal_year"], name="invoice_sequence_unique")
        ]


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Virement")
    CHEQUE = "cheque", _("Chèque")
    CARD = "card", _("Carte")
    CASH = "cash", _("Espèces")
    OTHER = "other", _("Autre")


class Payment(TenantModel):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(_("date du paiement"))
    amount_cents = models.BigIntegerField(_("montant (centimes)"))
    method = models.CharField(_("moyen"), max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.TRANSFER)
    reference = models.CharField(_("référence"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("paiement")
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0),
                name="payment_positive",
                violation_error_message=_("Le montant du paiement doit être supérieur à zéro."),
            )
        ]


class MemberShare(TenantModel):
    """Frozen on issue: the part of an invoice (or credit note, subtracted) attributed to a member structure."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="shares")
    member_structure = models.ForeignKey(MemberStructure, on_delete=models.PROTECT, related_name="invoice_shares")
    basis_cents = models.BigIntegerField(_("chiffre d'affaires attribué HT (centimes)"))
    contribution_rate = models.DecimalField(_("taux de contribution"), max_digits=5, decimal_places=2)
    contribution_cents = models.BigIntegerField(_("contribution à l'OF (centimes)"))
    due_cents = models.BigIntegerField(_("montant dû à la structure (centimes)"))

    class Meta:
        verbose_name = _("part d'une structure membre")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "member_structure"], name="member_share_unique"),
        ]


class ClosedFiscalYear(TenantModel):
    """A fiscal year whose accounts are closed: nothing may be issued or paid with a date inside it."""

    fiscal_year = models.PositiveSmallIntegerField(_("exercice"))
    closed_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "fiscal_year"], name="closed_fiscal_year_unique")
        ]


# --- Reminders of overdue invoices ------------------------------------------------------------------------------

DEFAULT_REMINDER_SUBJECT = "{relance} : facture {numero} échue le {echeance}"
DEFAULT_REMINDER_BODY = (
    "Bonjour,\n\n"
    "Sauf erreur de notre part, la facture {numero} du {emission}, échue le {echeance}, reste impayée : "
    "{montant_du} restent dus.\n\n"
    "Si vous avez réglé cette somme entre-temps, merci de ne pas tenir compte de ce message. Sinon, nous vous "
    "remercions de procéder au paiement dans les meilleurs délais.\n"
    "{penalites}\n"
    "Cordialement,\n{organisme}"
)


class ReminderSettings(TenantModel):
    """An organisation's reminders of overdue invoices: on or off, the delays after the due date (days) of up to
    three reminders (0 = no such reminder), and the e-mail text with its placeholders (`billing.reminders`)."""

    enabled = models.BooleanField(_("relances automatiques activées"), default=False)
    days_1 = models.PositiveSmallIntegerField(_("1re relance, jours après l'échéance"), default=7)
    days_2 = models.PositiveSmallIntegerField(_("2e relance, jours après l'échéance (0 : aucune)"), default=21)
    days_3 = models.PositiveSmallIntegerField(_("3e relance, jours après l'échéance (0 : aucune)"), default=45)
    subject = models.CharField(_("objet de l'e-mail"), max_length=200, default=DEFAULT_REMINDER_SUBJECT)
    body = models.TextField(_("texte de l'e-mail"), default=DEFAULT_REMINDER_BODY)

    class Meta:
        verbose_name = _("réglages des relances")
        constraints = [models.UniqueConstraint(fields=["organisation"], name="reminder_settings_unique")]

    def delays(self) -> list[int]:
        """The delays of the reminders that exist, by rank (1, 2, 3): [7, 21, 45]; stops at the first 0."""
        found = []
        for days in (self.days_1, self.days_2, self.days_3):
            if not days:
                break
            found.append(days)
        return found


class Reminder(TenantModel):
    """One reminder e-mailed about an overdue invoice (the invoice itself, issued, never changes): rank 1 to 3,
    at most one per rank (a unique constraint: never twice, even when two runs overlap)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="reminders")
    rank = models.PositiveSmallIntegerField(_("rang"))
    sent_at = models.DateTimeField(_("envoyée le"))
    to = models.EmailField(_("destinataire"))
    balance_cents = models.BigIntegerField(_("montant dû (centimes)"))
    email = models.ForeignKey("core.OutboundEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sent_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("relance")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "rank"], name="reminder_rank_unique"),
            models.CheckConstraint(
                condition=models.Q(rank__gte=1, rank__lte=3),
                name="reminder_rank_1_to_3",
                violation_error_message=_("Une facture a au plus trois relances (rang 1 à 3)."),
            ),
        ]

    def __str__(self) -> str:
        return f"Relance {self.rank} — {self.invoice}"
