# SPDX-License-Identifier: AGPL-3.0-or-later
"""The network space: above the organisations of one installation.

A network (the cooperative training group, a regional PTCE network…) has people with a role in it (moderators,
committee members, members), member organisations (the OFs of this installation that belong to it) and partner
structures (PTCE, tiers-lieux, fabriques, CAE, Scop, Scic, associations) with their own public page. The map of
trainings (offers), the référentiel and the exchanges of know-how live in a network.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import Organisation
from coopforma.core.identifiers import validate_siret
from coopforma.core.models import TimeStampedModel


class NetworkRole(models.TextChoices):
    MODERATOR = "moderator", _("Modérateur·rice")
    COMMITTEE = "committee", _("Membre du comité")
    FACILITATOR = "facilitator", _("Animateur·rice des échanges")
    MEMBER = "member", _("Membre")


class PartnerKind(models.TextChoices):
    PTCE = "ptce", _("Pôle territorial de coopération économique (PTCE)")
    THIRD_PLACE = "tiers_lieu", _("Tiers-lieu")
    FABRIQUE = "fabrique", _("Fabrique à initiatives")
    CAE = "cae", _("Coopérative d'activité et d'emploi (CAE)")
    SCOP = "scop", _("Scop")
    SCIC = "scic", _("Scic")
    ASSOCIATION = "association", _("Association")
    TRAINING_ORG = "of", _("Organisme de formation")
    OTHER = "other", _("Autre structure")


class PartnerState(models.TextChoices):
    PROPOSED = "proposed", _("En attente de modération")
    PUBLISHED = "published", _("Publiée")
    REFUSED = "refused", _("Refusée")


class Network(TimeStampedModel):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant court"), max_length=60, unique=True)
    description = models.TextField(_("présentation"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    is_public = models.BooleanField(_("pages publiques visibles"), default=True)
    data_licence = models.CharField(
        _("licence des données publiées"), max_length=200, default="Licence Ouverte / Open Licence 2.0 (Etalab)"
    )

    class Meta:
        verbose_name = _("réseau")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NetworkPerson(TimeStampedModel):
    """A person's role in a network (one role per person and network; moderators and the committee are members)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="people", verbose_name=_("réseau"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_roles", verbose_name=_("personne")
    )
    role = models.CharField(_("rôle"), max_length=20, choices=NetworkRole.choices, default=NetworkRole.MEMBER)

    class Meta:
        verbose_name = _("personne du réseau")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "user"],
                name="networks_person_once",
                violation_error_message=_("Cette personne a déjà un rôle dans ce réseau."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class NetworkOrganisation(TimeStampedModel):
    """An organisation of this installation that belongs to the network (its published trainings feed the map)."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="organisations", verbose_name=_("réseau")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="networks", verbose_name=_("organisation")
    )

    class Meta:
        verbose_name = _("organisation membre du réseau")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "organisation"],
                name="networks_organisation_once",
                violation_error_message=_("Cette organisation est déjà membre de ce réseau."),
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class PartnerStructure(TimeStampedModel):
    """A structure of the network's territory (PTCE, tiers-lieu, fabrique…), with its own public page once published."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="partners", verbose_name=_("réseau"))
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant court"), max_length=80)
    kind = models.CharField(_("type de structure"), max_length=20, choices=PartnerKind.choices)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    description = models.TextField(_("présentation"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    street = models.CharField(_("adresse"), max_length=200, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    city = models.CharField(_("commune"), max_length=100, blank=True)
    insee_code = models.CharField(_("code INSEE de la commune"), max_length=5, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    state = models.CharField(_("état"), max_length=20, choices=PartnerState.choices, default=PartnerState.PROPOSED)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation de cette installation"),
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="partner_structures", verbose_name=_("gestionnaires")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(_("modérée le"), null=True, blank=True)
    moderation_reason = models.TextField(_("motif de la décision"), blank=True)

    class Meta:
        verbose_name = _("structure partenaire")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "slug"],
                name="networks_partner_slug_once",
                violation_error_message=_("Ce réseau a déjà une structure avec cet identifiant court."),
            )
        ]

    def __str__(self) -> str:
        return self.name
