# SPDX-License-Identifier: AGPL-3.0-or-later
"""Trainings ("formations sur étagère"): every field a Qualiopi programme and the BPF need."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import QualiopiCategory, TenantModel
from coopforma.catalogue.nsf import NSF_CHOICES
from coopforma.core.identifiers import validate_formacode, validate_nsf
from coopforma.people.models import MemberStructure, Trainer


class Modality(models.TextChoices):
    ON_SITE = "on_site", _("Présentiel")
    REMOTE = "remote", _("À distance")
    HYBRID = "hybrid", _("Mixte (présentiel et distance)")
    WORK_BASED = "work_based", _("En situation de travail (AFEST)")


class CertificationKind(models.TextChoices):
    NONE = "none", _("Non certifiante")
    RNCP = "rncp", _("Certification RNCP (diplôme, titre, CQP)")
    RS = "rs", _("Certification ou habilitation au Répertoire spécifique (RS)")


class BpfObjective(models.TextChoices):
    """Cerfa 10443 cadre F-3 (objectif général des prestations)."""

    RNCP = "a", _("a. Diplôme, titre ou CQP enregistré au RNCP")
    RS = "b", _("b. Certification ou habilitation enregistrée au RS")
    CQP = "c", _("c. CQP non enregistré au RNCP ni au RS")
    OTHER = "d", _("d. Autres formations professionnelles")
    SKILLS_ASSESSMENT = "e", _("e. Bilans de compétences")
    VAE = "f", _("f. Accompagnement VAE")


# The nature of the action (Code du travail L6313-1): training, skills assessment (bilan de compétences), VAE,
# apprenticeship. The same four categories as the Qualiopi certificate's (R6316-1), so one set of values.
ActionCategory = QualiopiCategory


class TrainingStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Soumise à validation")
    VALIDATED = "validated", _("Validée")
    ARCHIVED = "archived", _("Archivée")


# 0: a CQP registered at the RNCP without a level (BPF F-3 a « CQP sans niveau »), distinct from « not entered ».
CQP_WITHOUT_LEVEL = 0
RNCP_LEVELS = [(n, _("Niveau %(n)s") % {"n": n}) for n in range(2, 9)] + [(CQP_WITHOUT_LEVEL, _("CQP sans niveau"))]

# The programme: what a session copies when it is created (and may then adapt).
PROGRAMME_FIELDS = [
    "title",
    "summary",
    "objectives",
    "audience",
    "prerequisites",
    "content",
    "duration_minutes",
    "modality",
    "methods",
    "evaluation_methods",
    "accessibility",
    "certification_kind",
    "certification_code",
    "rncp_level",
    "nsf_code",
    "formacode",
    "bpf_objective",
]

# What a programme must state before it is submitted or validated, with the label shown when it is missing.
REQUIRED_PROGRAMME_FIELDS = {
    "title": _("Intitulé"),
    "objectives": _("Objectifs (au moins un)"),
    "audience": _("Public visé"),
    "prerequisites": _("Prérequis"),
    "duration_minutes": _("Durée"),
    "content": _("Contenu"),
    "methods": _("Méthodes pédagogiques et moyens"),
    "evaluation_methods": _("Modalités d'évaluation"),
    "accessibility": _("Accessibilité aux personnes en situation de handicap"),
    "nsf_code": _("Code NSF"),
    "bpf_objective": _("Objectif BPF (cadre F-3)"),
}


def _is_filled(training: "Training", name: str) -> bool:
    value = getattr(training, name)
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(str(item).strip() for item in value)
    return bool(value)


class Training(TenantModel):
    title = models.CharField(_("intitulé"), max_length=200)
    reference = models.CharField(_("référence interne"), max_length=30, blank=True)
    summary = models.TextField(_("présentation"), blank=True)
    objectives = models.JSONField(
        _("objectifs opérationnels et évaluables"),
        default=list,
        blank=True,
        help_text=_("Un objectif par ligne, formulé avec un verbe d'action (« être capable de … »)."),
    )
    audience = models.TextField(_("public visé"), blank=True)
    prerequisites = models.TextField(_("prérequis"), blank=True)
    content = models.TextField(_("contenu (déroulé)"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"), default=0)
    modality = models.CharField(_("modalité"), max_length=20, choices=Modality.choices, default=Modality.ON_SITE)
    methods = models.TextField(_("méthodes pédagogiques et moyens"), blank=True)
    evaluation_methods = models.TextField(_("modalités d'évaluation"), blank=True)
    accessibility = models.TextField(_("accessibilité aux personnes en situation de handicap"), blank=True)
    access_delay = models.CharField(_("délai d'accès"), max_length=200, blank=True)
    price_inter_cents = models.PositiveIntegerField(_("prix inter par stagiaire (centimes, HT)"), null=True, blank=True)
    price_intra_cents = models.PositiveIntegerField(_("prix intra par groupe (centimes, HT)"), null=True, blank=True)
    price_on_quote = models.BooleanField(
        _("tarif sur devis"),
        default=False,
        help_text=_("Le prix (intra, sur mesure) est établi sur devis : la page publique l'écrit « sur devis »."),
    )
    certification_kind = models.CharField(
        _("certification"), max_length=10, choices=CertificationKind.choices, default=CertificationKind.NONE
    )
    certification_code = models.CharField(_("code RNCP ou RS"), max_length=20, blank=True)
    rncp_level = models.PositiveSmallIntegerField(_("niveau RNCP"), choices=RNCP_LEVELS, null=True, blank=True)
    # What Qualiopi indicators 1 and 3 ask a certifying action to publish (exact title, blocks, equivalences and
    # bridges, outlets and next steps, success rate with its period and sample).
    certification_title = models.CharField(_("intitulé exact de la certification"), max_length=300, blank=True)
    certifier = models.CharField(_("certificateur"), max_length=200, blank=True)
    certification_blocks = models.TextField(_("blocs de compétences"), blank=True)
    certification_equivalences = models.TextField(_("équivalences et passerelles"), blank=True)
    certification_outlets = models.TextField(_("débouchés et suites de parcours"), blank=True)
    certification_success_rate = models.PositiveSmallIntegerField(
        _("taux d'obtention de la certification (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    certification_success_period = models.CharField(
        _("période du taux d'obtention"), max_length=100, blank=True, help_text=_("Par exemple : « sessions 2025 ».")
    )
    certification_success_sample = models.PositiveIntegerField(
        _("candidat·es présenté·es (taux d'obtention)"), null=True, blank=True
    )
    nsf_code = models.CharField(_("code NSF"), max_length=4, blank=True, choices=NSF_CHOICES, validators=[validate_nsf])
    formacode = models.CharField(_("Formacode"), max_length=5, blank=True, validators=[validate_formacode])
    bpf_objective = models.CharField(
        _("objectif BPF (cadre F-3)"), max_length=1, choices=BpfObjective.choices, blank=True
    )
    action_category = models.CharField(
        _("nature de l'action (L6313-1)"),
        max_length=20,
        choices=ActionCategory.choices,
        default=ActionCategory.TRAINING,
    )
    member_structure = models.ForeignKey(
        MemberStructure,
        on_delete=models.PROTECT,
        related_name="trainings",
        verbose_name=_("structure membre"),
    )
    trainers = models.ManyToManyField(Trainer, blank=True, related_name="trainings", verbose_name=_("formateur·rices"))
    is_public = models.BooleanField(_("publiée au catalogue public"), default=False)
    status = models.CharField(_("état"), max_length=20, choices=TrainingStatus.choices, default=TrainingStatus.DRAFT)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(
        _("commentaire de relecture"),
        blank=True,
        help_text=_("Pourquoi le programme a été renvoyé en brouillon (effacé à la soumission suivante)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The words of the public search, lowercased without accents (catalogue.search; refreshed by the services).
    search_text = models.TextField(blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("formation")
        ordering = ["title"]
        indexes = [
            models.Index(fields=["organisation", "title"]),
            # The public catalogue: an organisation's published trainings in title order.
            models.Index(fields=["organisation", "is_public", "status", "title"], name="training_public_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def missing_programme_field_names(self) -> list[str]:
        """The programme items still empty (Code du travail L6353-1; Qualiopi indicator 1)."""
        return [name for name in REQUIRED_PROGRAMME_FIELDS if not _is_filled(self, name)]

    def missing_programme_fields(self) -> list[str]:
        """The same, as French labels for people."""
        return [str(REQUIRED_PROGRAMME_FIELDS[name]) for name in self.missing_programme_field_names()]

    @property
    def is_programme_complete(self) -> bool:
        return not self.missing_programme_fields()

    def programme_snapshot(self) -> dict:
        """The programme a new session starts from (JSON-safe)."""
        return {name: getattr(self, name) for name in PROGRAMME_FIELDS}
