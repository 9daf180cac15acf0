# SPDX-License-Identifier: AGPL-3.0-or-later
"""Member structures, trainers (with onboarding), clients and their contacts, trainees."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import TenantModel
from coopforma.core.identifiers import validate_nda, validate_siret


class MemberKind(models.TextChoices):
    CAE = "cae", _("Coopérative d'activité et d'emploi (CAE)")
    SCOP = "scop", _("Scop")
    SCIC = "scic", _("Scic")
    ASSOCIATION = "association", _("Association")
    INDEPENDENT = "independent", _("Formateur·rice indépendant·e")
    OTHER = "other", _("Autre")


class MemberStructure(TenantModel):
    """A structure that pools its training activity in the OF; the OF keeps a contribution on its turnover."""

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=MemberKind.choices)
    siret = models.CharField(_("SIRET"), max_length=20, blank=True, validators=[validate_siret])
    nda = models.CharField(
        _("NDA de la structure"),
        max_length=14,
        blank=True,
        validators=[validate_nda],
        help_text=_(
            "Si la structure a sa propre déclaration d'activité : les sessions qu'elle réalise sont de la "
            "sous-traitance pour l'OF (BPF : cadre F-2, et ce que l'OF lui reverse est un achat du cadre D)."
        ),
    )
    contribution_rate = models.DecimalField(
        _("taux de contribution à l'OF (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Part du chiffre d'affaires formation conservée par l'OF, en pourcentage."),
    )
    street = models.CharField(_("adresse"), max_length=200, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_structures", verbose_name=_("gérant·es")
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The structure's name in public addresses (/f/<org>/structures/<slug>/: its feeds and widget), set once at
    # creation by people.services.member_create and kept when the structure is renamed (links on other sites).
    slug = models.SlugField(_("adresse publique"), max_length=60, blank=True, default="")

    class Meta:
        verbose_name = _("structure membre")
        verbose_name_plural = _("structures membres")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="member_name_unique_per_org"),
            models.UniqueConstraint(
                fields=["organisation", "slug"],
                condition=~models.Q(slug=""),
                name="member_slug_unique_per_org",
                violation_error_message=_("Une autre structure membre de l'organisme a déjà cette adresse publique."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TrainerStatus(models.TextChoices):
    ENTREPRENEUR = "entrepreneur", _("Entrepreneur·e-salarié·e (CAE)")
    EMPLOYEE = "employee", _("Salarié·e")
    SUBCONTRACTOR = "subcontractor", _("Sous-traitant·e externe")


class TrainerEmployer(models.TextChoices):
    """Who employs the trainer, seen from the OF (BPF cadre E, docs/bpf.md): only the OF's own staff are
    « personnes de votre organisme »; everyone else delivers under a contract with another legal entity."""

    OF = "of", _("Salarié·e ou dirigeant·e de l'OF lui-même")
    MEMBER = "member", _("Salarié·e d'une structure membre (entrepreneur·e-salarié·e d'une CAE, salarié·e d'une Scop…)")
    OWN_COMPANY = "own_company", _("Indépendant·e, par sa propre entreprise")
    SUBCONTRACTOR = "subcontractor", _("Sous-traitant·e externe (organisme hors structures membres)")


class OnboardingState(models.TextChoices):
    APPLIED = "applied", _("Candidature")
    VALIDATED = "validated", _("Validé·e par le comité")
    ACTIVE = "active", _("Actif·ve")
    SUSPENDED = "suspended", _("Suspendu·e")
    REJECTED = "rejected", _("Refusé·e")


# The onboarding states in which a trainer may be put on trainings, sessions and slots.
DELIVERING_STATES = (OnboardingState.VALIDATED, OnboardingState.ACTIVE)


class Trainer(TenantModel):
    """A person who delivers training for the OF, through a member structure (parcours formateur)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainer_profiles",
    )
    member_structure = models.ForeignKey(
        MemberStructure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainers",
        verbose_name=_("structure membre"),
        help_text=_("Aucune pour un·e sous-traitant·e externe, qui n'appartient à aucune structure membre."),
    )
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    status = models.CharField(_("statut"), max_length=20, choices=TrainerStatus.choices)
    employer = models.CharField(
        _("employeur au regard de l'OF"),
        max_length=20,
        choices=TrainerEmployer.choices,
        default=TrainerEmployer.MEMBER,
        help_text=_(
            "BPF cadre E : seules les personnes salariées de l'OF lui-même sont « personnes de votre organisme » ; "
            "les autres interviennent par un contrat avec une autre structure (« personnes extérieures »)."
        ),
    )
    siret = models.CharField(_("SIRET (sous-traitant)"), max_length=20, blank=True, validators=[validate_siret])
    nda = models.CharField(_("NDA (sous-traitant)"), max_length=14, blank=True, validators=[validate_nda])
    qualifications = models.TextField(_("qualifications et expériences"), blank=True)
    specialities = models.CharField(_("domaines d'intervention"), max_length=300, blank=True)
    cv = models.FileField(_("CV"), upload_to="trainers/cv/", blank=True)
    onboarding_state = models.CharField(
        _("parcours formateur"),
        max_length=20,
        choices=OnboardingState.choices,
        default=OnboardingState.APPLIED,
    )
    applied_at = models.DateTimeField(_("candidature le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décision prise par"),
    )
    decided_at = models.DateTimeField(_("décision le"), null=True, blank=True)
    committee_decision = models.TextField(_("décision du comité de validation"), blank=True)
    suspension_reason = models.TextField(_("motif de suspension"), blank=True)

    class Meta:
        verbose_name = _("formateur·rice")
        verbose_name_plural = _("formateur·rices")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "email"], name="trainer_email_unique_per_org"),
            # One trainer profile per login and organisation (people.scope relies on it).
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(user__isnull=False),
                name="trainer_user_unique_per_org",
                violation_error_message=_("Ce compte a déjà une fiche formateur·rice dans l'organisme."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def can_deliver(self) -> bool:
        return self.onboarding_state in DELIVERING_STATES


class ClientKind(models.TextChoices):
    COMPANY = "company", _("Entreprise ou association employeuse")
    INDIVIDUAL = "individual", _("Particulier à ses frais")
    TRAINING_ORG = "training_org", _("Autre organisme de formation (sous-traitance)")
    PUBLIC_BODY = "public_body", _("Organisme public")


class Client(TenantModel):
    """Who buys a training: a company, a person paying personally, another OF, a public body."""

    kind = models.CharField(_("type de client"), max_length=20, choices=ClientKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    siret = models.CharField(_("SIRET"), max_length=20, blank=True, validators=[validate_siret])
    nda = models.CharField(_("NDA de l'organisme"), max_length=14, blank=True, validators=[validate_nda])
    opco = models.CharField(_("OPCO de l'entreprise"), max_length=100, blank=True)
    street = models.CharField(_("adresse"), max_length=200, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    member_structure = models.ForeignKey(
        MemberStructure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clients",
        verbose_name=_("structure membre référente"),
        help_text=_("La structure membre qui suit ce client (vide : client suivi par l'OF)."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("client")
        ordering = ["name"]
        indexes = [models.Index(fields=["organisation", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_training_org(self) -> bool:
        return self.kind == ClientKind.TRAINING_ORG


class Contact(TenantModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    job_title = models.CharField(_("fonction"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    is_signatory = models.BooleanField(_("signataire des conventions"), default=False)

    class Meta:
        verbose_name = _("contact")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Trainee(TenantModel):
    """A person who follows training (stagiaire), usually through a client (employer, themself, a funder)."""

    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainees",
        verbose_name=_("client (employeur ou payeur)"),
    )
    job_title = models.CharField(_("fonction"), max_length=100, blank=True)
    adaptation_needs = models.TextField(
        _("besoins d'adaptation (handicap, etc.)"),
        blank=True,
        help_text=_("Confidentiel : visible des personnes qui organisent la session."),
    )

    class Meta:
        verbose_name = _("stagiaire")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["organisation", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
