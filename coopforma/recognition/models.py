# SPDX-License-Identifier: AGPL-3.0-or-later
"""A network's certification projects: from a published référentiel version towards a registration at France
compétences, in the Répertoire national des certifications professionnelles (RNCP, Code du travail L6113-1 and
L6113-5) or the Répertoire spécifique (RS, L6113-6).

France compétences asks, for each certification, three référentiels (activités, compétences, évaluation) and,
for the RNCP, blocs de compétences (L6113-1: « ensembles homogènes et cohérents de compétences contribuant à
l'exercice autonome d'une activité professionnelle et pouvant être évaluées et validées »). A project holds them
(`ProjectBlock`, `BlockEvaluation`), the trainings and the exchanges of know-how that prepare each bloc
(`BlockTraining`, `BlockExchange`), the evidence of need (a dated snapshot in `CertificationProject.evidence`) and,
once registered, the certification's code.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import Organisation
from coopforma.core.models import TimeStampedModel
from coopforma.networks.models import Network, PartnerStructure
from coopforma.referentiel.models import Item, Version


class Register(models.TextChoices):
    RNCP = "rncp", _("RNCP (Répertoire national des certifications professionnelles)")
    RS = "rs", _("Répertoire spécifique")


class ProjectState(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    SUBMITTED = "submitted", _("Déposé à France compétences")
    REGISTERED = "registered", _("Enregistré")
    REFUSED = "refused", _("Refusé")


# The national framework of qualifications (décret n° 2019-14 du 8 janvier 2019): the RNCP uses levels 3 to 8.
LEVELS = [(n, _("Niveau %(n)s") % {"n": n}) for n in range(3, 9)]


class CertificationProject(TimeStampedModel):
    """A certification project of a network, built from one published version of its référentiel."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="certification_projects", verbose_name=_("réseau")
    )
    version = models.ForeignKey(
        Version, on_delete=models.PROTECT, related_name="certification_projects", verbose_name=_("version")
    )
    job = models.ForeignKey(
        Item,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certification_projects",
        verbose_name=_("métier visé"),
    )
    title = models.CharField(_("intitulé de la certification"), max_length=300)
    register = models.CharField(_("répertoire visé"), max_length=10, choices=Register.choices)
    level = models.PositiveSmallIntegerField(_("niveau de qualification"), choices=LEVELS, null=True, blank=True)
    carrier_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation membre porteuse"),
    )
    carrier_partner = models.ForeignKey(
        PartnerStructure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("structure partenaire porteuse"),
    )
    state = models.CharField(_("état"), max_length=20, choices=ProjectState.choices, default=ProjectState.DRAFT)
    context = models.TextField(_("contexte et opportunité"), blank=True)
    access_conditions = models.TextField(_("modalités d'accès à la certification"), blank=True)
    code = models.CharField(_("code de la certification"), max_length=20, blank=True)
    submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    registered_on = models.DateField(_("enregistré le"), null=True, blank=True)
    decision_note = models.TextField(_("décision de France compétences"), blank=True)
    evidence = models.JSONField(_("preuves du besoin"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("projet de certification")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=3, level__lte=8),
                name="recognition_level_3_to_8",
                violation_error_message=_(
                    "Le niveau de qualification va de 3 à 8 (cadre national des certifications)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(carrier_organisation__isnull=True) | Q(carrier_partner__isnull=True),
                name="recognition_one_carrier",
                violation_error_message=_(
                    "Un projet a un seul porteur : une organisation ou une structure partenaire."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(state="registered") | ~Q(code=""),
                name="recognition_registered_has_code",
                violation_error_message=_("Un projet enregistré a son code RNCP ou RS."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def carrier_name(self) -> str:
        carrier = self.carrier_organisation or self.carrier_partner
        return carrier.name if carrier else ""


class ProjectBlock(models.Model):
    """A bloc de compétences: competencies of the version, and the activities they serve."""

    project = models.ForeignKey(
        CertificationProject, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("projet")
    )
    code = models.CharField(_("identifiant du bloc"), max_length=20)
    title = models.CharField(_("intitulé du bloc"), max_length=300)
    position = models.PositiveIntegerField(default=0)
    activities = models.ManyToManyField(Item, blank=True, related_name="+", verbose_name=_("activités"))
    competencies = models.ManyToManyField(Item, blank=True, related_name="+", verbose_name=_("compétences"))

    class Meta:
        verbose_name = _("bloc de compétences")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "code"],
                name="recognition_block_code_once",
                violation_error_message=_("Ce projet a déjà un bloc avec cet identifiant."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class BlockEvaluation(models.Model):
    """The référentiel d'évaluation of one competency in a bloc: situations, criteria, modalities."""

    block = models.ForeignKey(ProjectBlock, on_delete=models.CASCADE, related_name="evaluations")
    competency = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("compétence"))
    situations = models.TextField(_("situations d'évaluation"), blank=True)
    criteria = models.TextField(_("critères d'évaluation"), blank=True)
    modalities = models.TextField(_("modalités d'évaluation"), blank=True)

    class Meta:
        verbose_name = _("évaluation d'une compétence")
        ordering = ["competency__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["block", "competency"],
                name="recognition_evaluation_once",
                violation_error_message=_("Cette compétence a déjà son évaluation dans ce bloc."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.block} — {self.competency}"


class BlockTraining(models.Model):
    """A training of a member organisation that prepares a bloc."""

    block = models.ForeignKey(ProjectBlock, on_delete=models.CASCADE, related_name="trainings")
    training = models.ForeignKey(
        "catalogue.Training", on_delete=models.CASCADE, related_name="certification_blocks_prepared"
    )
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attached_at = models.DateTimeField(_("rattachée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("formation qui prépare un bloc")
        ordering = ["attached_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["block", "training"],
                name="recognition_block_training_once",
                violation_error_message=_("Cette formation prépare déjà ce bloc."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.block} ← {self.training_id}"


class BlockExchange(models.Model):
    """An exchange of know-how of the network (exchanges.Exchange) that the committee adopted as preparing a bloc.

    What it proves is what the exchange's records hold: its dates, its participants and the competencies they
    declared in their debriefs (declared, not assessed)."""

    block = models.ForeignKey(ProjectBlock, on_delete=models.CASCADE, related_name="exchanges")
    exchange = models.ForeignKey(
        "exchanges.Exchange", on_delete=models.CASCADE, related_name="certification_blocks_prepared"
    )
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    adopted_at = models.DateTimeField(_("retenu le"), auto_now_add=True)

    class Meta:
        verbose_name = _("échange qui prépare un bloc")
        ordering = ["adopted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["block", "exchange"],
                name="recognition_block_exchange_once",
                violation_error_message=_("Cet échange prépare déjà ce bloc."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.block} ← {self.exchange_id}"
