# SPDX-License-Identifier: AGPL-3.0-or-later
"""Requests sent from the public catalogue (« Demandes »): an enrolment on a session, a quote or an intra session
for a training, a place on a session's waiting list; their handling by staff and what they became."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import TenantModel
from coopforma.billing.models import Invoice
from coopforma.catalogue.models import Training
from coopforma.core.identifiers import validate_siret
from coopforma.people.models import Client
from coopforma.training_sessions.models import Enrolment, Session


class EnquiryKind(models.TextChoices):
    ENROLMENT = "enrolment", _("Inscription")
    QUOTE = "quote", _("Devis ou session intra")
    WAITING_LIST = "waiting_list", _("Liste d'attente")


class EnquiryStatus(models.TextChoices):
    NEW = "new", _("Nouvelle")
    IN_PROGRESS = "in_progress", _("En cours")
    CONVERTED = "converted", _("Convertie")
    CLOSED = "closed", _("Close sans suite")


class RequesterKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Un particulier (à titre personnel)")
    COMPANY = "company", _("Une entreprise, une association ou un organisme")


class FundingHint(models.TextChoices):
    UNKNOWN = "", _("Je ne sais pas encore")
    SELF = "self", _("Sur mes fonds personnels")
    EMPLOYER = "employer", _("Par l'employeur")
    OPCO = "opco", _("Par un OPCO")
    CPF = "cpf", _("Par le CPF (Mon Compte Formation)")
    FRANCE_TRAVAIL = "france_travail", _("Par France Travail")
    OTHER = "other", _("Autre financement")


class Enquiry(TenantModel):
    """One request of a visitor. Personal data (privacy.declarations): kept 3 years after the last contact when it
    led to nothing (CNIL, « gestion commerciale »); a converted request lives on in the client it became."""

    kind = models.CharField(_("type de demande"), max_length=20, choices=EnquiryKind.choices)
    status = models.CharField(_("état"), max_length=20, choices=EnquiryStatus.choices, default=EnquiryStatus.NEW)
    training = models.ForeignKey(
        Training, on_delete=models.PROTECT, related_name="enquiries", verbose_name=_("formation")
    )
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="enquiries", verbose_name=_("session")
    )
    requester_kind = models.CharField(
        _("demandeur"), max_length=20, choices=RequesterKind.choices, default=RequesterKind.INDIVIDUAL
    )
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    company_name = models.CharField(_("entreprise ou organisme"), max_length=200, blank=True)
    company_siret = models.CharField(_("SIRET"), max_length=20, blank=True, validators=[validate_siret])
    people_count = models.PositiveSmallIntegerField(_("nombre de personnes"), default=1)
    wished_period = models.CharField(_("période souhaitée"), max_length=200, blank=True)
    wished_place = models.CharField(_("lieu souhaité"), max_length=200, blank=True)
    funding_hint = models.CharField(
        _("financement envisagé"), max_length=20, choices=FundingHint.choices, blank=True, default=""
    )
    message = models.TextField(_("message"), blank=True)
    # The consent the form asked for (RGPD art. 7: proof of consent), and which version of the notice was linked.
    consent_at = models.DateTimeField(_("consentement donné le"))
    notice_version = models.CharField(_("version de la notice"), max_length=20)
    converted_client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("client créé")
    )
    converted_enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inscription créée"),
    )
    converted_quote = models.ForeignKey(
        Invoice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("devis créé")
    )

    class Meta:
        verbose_name = _("demande")
        verbose_name_plural = _("demandes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(people_count__gte=1),
                name="enquiry_people_count_positive",
                violation_error_message=_("Le nombre de personnes doit être d'au moins 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.full_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
