# SPDX-License-Identifier: AGPL-3.0-or-later
"""The Qualiopi system: applicability settings, uploaded evidence and notes, the registers the auditors ask
for (complaints and incidents, improvement actions, watch, subcontractor monitoring), audits and their
non-conformities, and the audit packs built for them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import TenantModel
from coopforma.people.models import MemberStructure, Trainer
from coopforma.quality.indicators import NUMBER_CHOICES, WATCH_INDICATORS
from coopforma.training_sessions.models import Participant, Session


class QualitySettings(TenantModel):
    """Which specific indicators apply. Empty (None) = detected from the records (see evidence.profile_for)."""

    certifying = models.BooleanField(_("actions certifiantes (RNCP, RS)"), null=True, blank=True)
    alternance = models.BooleanField(_("actions en alternance"), null=True, blank=True)
    work_based = models.BooleanField(_("périodes en situation de travail (AFEST)"), null=True, blank=True)
    subcontracting = models.BooleanField(_("recours à la sous-traitance ou au portage"), null=True, blank=True)
    acts_as_subcontractor = models.BooleanField(
        _("intervient uniquement en sous-traitance d'autres organismes de formation"),
        null=True,
        blank=True,
        help_text=_(
            "Guide de lecture V9 : les indicateurs 1, 2 et 3 relèvent alors du donneur d'ordre. Détecté : tous les "
            "clients de la période sont des organismes de formation."
        ),
    )
    principal_keeps = models.JSONField(
        _("indicateurs que le contrat de sous-traitance laisse au donneur d'ordre"),
        default=list,
        blank=True,
        help_text=_(
            "Parmi les indicateurs 7, 9, 13, 16 et 28, selon la répartition des missions écrite dans le contrat ; "
            "sans contrat, ils s'appliquent tous."
        ),
    )
    new_entrant = models.BooleanField(
        _("nouvel entrant"),
        default=False,
        help_text=_("Première année d'activité ou nouvelle catégorie : audit initial adapté (processus seuls)."),
    )

    class Meta:
        verbose_name = _("paramètres qualité")
        constraints = [models.UniqueConstraint(fields=["organisation"], name="quality_settings_one_per_org")]

    def __str__(self) -> str:
        return str(_("Paramètres qualité"))


class Evidence(TenantModel):
    """A proof uploaded or written by hand (procedure, minutes, note) for one or more indicators."""

    title = models.CharField(_("intitulé"), max_length=200)
    indicators = models.JSONField(_("indicateurs"), default=list)
    covers = models.BooleanField(
        _("couvre l'indicateur"),
        default=False,
        help_text=_("Cochez si cette preuve suffit à elle seule à satisfaire les indicateurs choisis."),
    )
    note = models.TextField(_("note"), blank=True)
    file = models.FileField(_("fichier"), upload_to="quality/evidence/%Y/%m/", blank=True)
    dated = models.DateField(_("date de la preuve"))
    member_structure = models.ForeignKey(
        MemberStructure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("structure membre concernée"),
        help_text=_("Vide : preuve de l'OF tout entier."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("preuve")
        ordering = ["-dated", "-id"]

    def __str__(self) -> str:
        return self.title


class ComplaintKind(models.TextChoices):
    COMPLAINT = "complaint", _("Réclamation")
    INCIDENT = "incident", _("Aléa ou incident")
    DROPOUT = "dropout", _("Abandon ou risque d'abandon (suivi)")


class Complaint(TenantModel):
    """The register of complaints, incidents and drop-out follow-ups (indicators 12 and 31)."""

    kind = models.CharField(_("nature"), max_length=12, choices=ComplaintKind.choices)
    received_on = models.DateField(_("reçue le"))
    source = models.CharField(_("émise par"), max_length=200, help_text=_("Stagiaire, client, financeur, formateur…"))
    description = models.TextField(_("description"))
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("session")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("stagiaire")
    )
    member_structure = models.ForeignKey(
        MemberStructure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("structure membre concernée"),
    )
    acknowledge_due = models.DateField(_("accusé de réception attendu le"))
    answer_due = models.DateField(_("réponse attendue le"))
    acknowledged_on = models.DateField(_("accusé de réception le"), null=True, blank=True)
    analysis = models.TextField(_("analyse (causes)"), blank=True)
    answered_on = models.DateField(_("réponse apportée le"), null=True, blank=True)
    answer = models.TextField(_("réponse apportée"), blank=True)
    closed_on = models.DateField(_("clôturée le"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("réclamation ou aléa")
        verbose_name_plural = _("réclamations et aléas")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du {self.received_on:%d/%m/%Y} ({self.source})"

    @property
    def state(self) -> str:
        if self.closed_on:
            return "closed"
        if self.answered_on:
            return "answered"
        if self.analysis:
            return "analysed"
        if self.acknowledged_on:
            return "acknowledged"
        return "received"


class ImprovementSource(models.TextChoices):
    COMPLAINT = "complaint", _("Réclamation ou aléa")
    EVALUATION = "evaluation", _("Évaluations (stagiaires, clients, financeurs, équipes)")
    AUDIT = "audit", _("Audit (non-conformité, observation)")
    WATCH = "watch", _("Veille")
    TEAM = "team", _("Équipe pédagogique")
    OTHER = "other", _("Autre")


class ImprovementAction(TenantModel):
    """The improvement plan (indicator 32): from a source and its cause, an action, an owner, a due date and
    the effect observed."""

    source = models.CharField(_("origine"), max_length=12, choices=ImprovementSource.choices)
    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("réclamation"),
    )
    cause = models.TextField(_("constat et cause"))
    action = models.TextField(_("action décidée"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pilote"),
    )
    due_on = models.DateField(_("échéance"))
    done_on = models.DateField(_("réalisée le"), null=True, blank=True)
    effect = models.TextField(_("effet constaté"), blank=True)
    indicators = models.JSONField(_("indicateurs concernés"), default=list, blank=True)
    last_reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("action d'amélioration")
        verbose_name_plural = _("actions d'amélioration")
        ordering = ["done_on", "due_on", "id"]

    def __str__(self) -> str:
        return self.action[:80]


class WatchEntry(TenantModel):
    """The watch log (indicators 23, 24, 25): what we read and what it changed in our practice."""

    indicator = models.PositiveSmallIntegerField(
        _("veille"), choices=[c for c in NUMBER_CHOICES if c[0] in WATCH_INDICATORS]
    )
    seen_on = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=300)
    summary = models.TextField(_("ce qui change"))
    practice_change = models.TextField(
        _("ce que nous avons changé"), blank=True, help_text=_("Vide tant que la veille n'a pas été exploitée.")
    )

    class Meta:
        verbose_name = _("entrée de veille")
        verbose_name_plural = _("veille")
        ordering = ["-seen_on", "-id"]

    def __str__(self) -> str:
        return self.source


class SubcontractorCheck(TenantModel):
    """The monitoring of an external trainer or subcontractor (indicator 27)."""

    trainer = models.ForeignKey(
        Trainer, on_delete=models.CASCADE, related_name="quality_checks", verbose_name=_("intervenant·e")
    )
    checked_on = models.DateField(_("vérifié le"))
    contract_signed = models.BooleanField(_("contrat de sous-traitance signé"), default=False)
    nda_checked = models.BooleanField(_("déclaration d'activité (NDA) vérifiée"), default=False)
    qualiopi_checked = models.BooleanField(_("certification Qualiopi ou engagement qualité vérifié"), default=False)
    notes = models.TextField(_("observations"), blank=True)
    next_check_on = models.DateField(_("prochaine vérification"), null=True, blank=True)

    class Meta:
        verbose_name = _("suivi d'un sous-traitant")
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.trainer} ({self.checked_on:%d/%m/%Y})"

    @property
    def is_complete(self) -> bool:
        return self.contract_signed and self.nda_checked and self.qualiopi_checked


class RegistryCheck(TenantModel):
    """A subcontractor looked up in the DGEFP « liste publique des organismes de formation » (indicator 27).

    Kept as evidence as it was seen: the number looked up, whether the list has it, whether it is Qualiopi for
    « actions de formation » (Code du travail L6316-1), and the date of the list's data (its last import).
    """

    trainer = models.ForeignKey(
        Trainer, on_delete=models.CASCADE, related_name="registry_checks", verbose_name=_("sous-traitant")
    )
    checked_at = models.DateTimeField(_("vérifié le"))
    nda = models.CharField(_("NDA recherché"), max_length=14, blank=True)
    siret = models.CharField(_("SIRET recherché"), max_length=20, blank=True)
    found = models.BooleanField(_("présent dans la liste publique"))
    registered_nda = models.CharField(_("NDA trouvé"), max_length=11, blank=True)
    registered_name = models.CharField(_("dénomination dans la liste"), max_length=300, blank=True)
    qualiopi_training = models.BooleanField(_("Qualiopi « actions de formation »"), null=True, blank=True)
    register_imported_at = models.DateTimeField(_("date de la liste publique"))
    register_source = models.CharField(_("source de la liste"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("vérification dans la liste publique des OF")
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.trainer} ({self.checked_at:%d/%m/%Y})"

    @property
    def conforms(self) -> bool:
        return self.found and bool(self.qualiopi_training)


class AuditKind(models.TextChoices):
    INITIAL = "initial", _("Audit initial")
    SURVEILLANCE = "surveillance", _("Audit de surveillance")
    RENEWAL = "renewal", _("Audit de renouvellement")
    ADDITIONAL = "additional", _("Audit complémentaire")


class Audit(TenantModel):
    kind = models.CharField(_("type d'audit"), max_length=12, choices=AuditKind.choices)
    planned_on = models.DateField(_("date prévue"))
    done_on = models.DateField(_("réalisé le"), null=True, blank=True)
    certifier = models.CharField(_("organisme certificateur"), max_length=200, blank=True)
    auditor = models.CharField(_("auditeur·rice"), max_length=200, blank=True)
    remote = models.BooleanField(_("à distance"), default=False)
    report = models.FileField(_("rapport d'audit"), upload_to="quality/audits/%Y/", blank=True)
    notes = models.TextField(_("observations"), blank=True)
    last_reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("audit")
        ordering = ["-planned_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.planned_on:%d/%m/%Y})"


class Severity(models.TextChoices):
    MINOR = "minor", _("Mineure")
    MAJOR = "major", _("Majeure")


class NonConformity(TenantModel):
    """A non-conformity found at an audit: 3 months to lift a major one, 6 months a minor one (arrêté du
    31 mai 2023)."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="nonconformities")
    indicator = models.PositiveSmallIntegerField(_("indicateur"), choices=NUMBER_CHOICES)
    severity = models.CharField(_("gravité"), max_length=5, choices=Severity.choices)
    description = models.TextField(_("constat"))
    due_on = models.DateField(_("à lever avant le"))
    action_plan = models.TextField(_("plan d'action"), blank=True)
    closed_on = models.DateField(_("levée le"), null=True, blank=True)
    closure_note = models.TextField(_("preuve de levée (description)"), blank=True)
    closure_proof = models.FileField(_("preuve de levée (fichier)"), upload_to="quality/nc/%Y/", blank=True)
    last_reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("non-conformité")
        ordering = ["closed_on", "due_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} — indicateur {self.indicator}"


class AuditPackStatus(models.TextChoices):
    PENDING = "pending", _("En préparation")
    READY = "ready", _("Prêt")
    FAILED = "failed", _("Échec")


class AuditPack(TenantModel):
    """A zip of the indicators' statuses with their evidence, built in the background."""

    period_start = models.DateField(_("du"), null=True, blank=True)
    period_end = models.DateField(_("au"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=AuditPackStatus.choices, default=AuditPackStatus.PENDING)
    file = models.FileField(upload_to="quality/packs/%Y/", blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("dossier d'audit")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(_("Dossier d'audit n° %(id)s") % {"id": self.pk})
