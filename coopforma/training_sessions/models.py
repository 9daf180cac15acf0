# SPDX-License-Identifier: AGPL-3.0-or-later
"""Sessions (with a snapshot of their programme), slots, places, enrolments, funding lines, participants.

Inter, intra and subcontracting are not a type of session: they follow from the clients enrolled
(OPAGA's model): several companies -> inter; one company -> intra; a client that is another OF -> we
deliver as a subcontractor (BPF cadre G, revenue in C-10).
"""

import datetime
import hashlib

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import TenantModel
from coopforma.catalogue.models import Training
from coopforma.core.identifiers import validate_nda, validate_siret
from coopforma.people.models import Client, Contact, MemberStructure, Trainee, Trainer


class Place(TenantModel):
    name = models.CharField(_("nom du lieu"), max_length=200)
    street = models.CharField(_("adresse"), max_length=200, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    accessibility = models.TextField(_("accessibilité"), blank=True)
    # Printed on the access map sent with each convocation (training_sessions/documents/access_map.py).
    access_notes = models.TextField(
        _("accès"),
        blank=True,
        help_text=_("Transports, stationnement, entrée, étage, code de la porte… : joint aux convocations."),
    )
    capacity = models.PositiveIntegerField(_("capacité"), null=True, blank=True)

    class Meta:
        verbose_name = _("lieu")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})" if self.city else self.name

    @property
    def address(self) -> str:
        return ", ".join(p for p in [self.street, f"{self.postal_code} {self.city}".strip()] if p)


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    CONFIRMED = "confirmed", _("Confirmée")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminée")
    CANCELLED = "cancelled", _("Annulée")


class Session(TenantModel):
    training = models.ForeignKey(
        Training, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("formation")
    )
    member_structure = models.ForeignKey(
        MemberStructure, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("structure membre")
    )
    title = models.CharField(_("intitulé de la session"), max_length=200)
    # A copy of the training's programme (catalogue.models.PROGRAMME_FIELDS), adaptable for this session.
    programme = models.JSONField(_("programme de la session"), default=dict)
    status = models.CharField(_("état"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.DRAFT)
    is_public = models.BooleanField(_("visible dans l'agenda public"), default=False)
    min_capacity = models.PositiveIntegerField(_("effectif minimum"), default=1)
    max_capacity = models.PositiveIntegerField(_("effectif maximum"), default=12)
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("lieu principal"),
    )
    remote_url = models.URLField(_("lien de connexion (distanciel)"), blank=True)
    trainers = models.ManyToManyField(Trainer, blank=True, related_name="sessions", verbose_name=_("formateur·rices"))
    subcontracted_out = models.BooleanField(
        _("réalisée par un autre OF (sous-traitance confiée)"),
        default=False,
        help_text=_("Cochez si l'OF confie la réalisation de cette session à un autre organisme (BPF F-2)."),
    )
    # The OF this session is entrusted to (Qualiopi indicator 27: its identity, declaration and the contract are
    # checked; the contract is the « contrat de sous-traitance » document of the session).
    subcontractor_name = models.CharField(_("organisme sous-traitant"), max_length=200, blank=True)
    subcontractor_siret = models.CharField(
        _("SIRET du sous-traitant"), max_length=20, blank=True, validators=[validate_siret]
    )
    subcontractor_nda = models.CharField(
        _("NDA du sous-traitant"), max_length=14, blank=True, validators=[validate_nda]
    )
    notes = models.TextField(_("notes internes"), blank=True)
    # Kept in step with the slots by the services (lists and calendar read them without joins).
    start_date = models.DateField(_("début"), null=True, blank=True, db_index=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    total_minutes = models.PositiveIntegerField(_("durée planifiée (minutes)"), default=0)
    cancelled_reason = models.TextField(_("motif d'annulation"), blank=True)

    class Meta:
        verbose_name = _("session")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["organisation", "start_date"]),
            models.Index(fields=["organisation", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_capacity__gte=models.F("min_capacity")),
                name="session_capacity_ordered",
                violation_error_message=_("L'effectif maximum doit être supérieur ou égal à l'effectif minimum."),
            ),
        ]

    def __str__(self) -> str:
        date = self.start_date.strftime("%d/%m/%Y") if self.start_date else "?"
        return f"{self.title} ({date})"


class Slot(TenantModel):
    """One sitting (usually a half-day). Hours are derived exactly from start and end."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="slots", verbose_name=_("lieu")
    )
    remote_url = models.URLField(_("lien de connexion"), blank=True)
    trainers = models.ManyToManyField(Trainer, blank=True, related_name="slots", verbose_name=_("formateur·rices"))

    class Meta:
        verbose_name = _("créneau")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["organisation", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="slot_ends_after_start",
                violation_error_message=_("Le créneau doit finir après son début."),
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{local:%d/%m/%Y %H:%M}–{end:%H:%M}"

    @property
    def minutes(self) -> int:
        """Exact minutes, computed in UTC (so a slot spanning a DST change counts its real length)."""
        return int(
            (self.ends_at.astimezone(datetime.UTC) - self.starts_at.astimezone(datetime.UTC)).total_seconds() // 60
        )

    @property
    def half_day(self) -> str:
        """'am' or 'pm' (the start's local time before or after 13:00)."""
        return "am" if timezone.localtime(self.starts_at).hour < 13 else "pm"

    @property
    def is_remote(self) -> bool:
        return bool(self.remote_url) and self.place_id is None


class EnrolmentStatus(models.TextChoices):
    PROVISIONAL = "provisional", _("Pré-inscription")
    CONFIRMED = "confirmed", _("Confirmée")
    CANCELLED = "cancelled", _("Annulée")


class CpfState(models.TextChoices):
    """Where a CPF-funded enrolment stands in the EDOF cycle of the Caisse des dépôts (CGU and conditions
    particulières des organismes de formation): entry declared, « service fait » declared, then invoiced."""

    NONE = "", _("Non déclarée")
    ENTRY_DECLARED = "entry_declared", _("Entrée en formation déclarée")
    SERVICE_DONE = "service_done", _("Service fait déclaré")
    INVOICED = "invoiced", _("Facturée à la Caisse des dépôts")


class Enrolment(TenantModel):
    """A client in a session, with its price and who pays it (funding lines)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="enrolments")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("client"))
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("contact")
    )
    status = models.CharField(
        _("état"), max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.CONFIRMED
    )
    price_cents = models.PositiveIntegerField(_("prix HT (centimes)"), default=0)
    # When the client is another OF (we are its subcontractor), only counts are recorded (BPF cadre G).
    entrusted_trainees = models.PositiveIntegerField(_("nombre de stagiaires confiés"), default=0)
    entrusted_minutes = models.PositiveIntegerField(_("heures-stagiaires confiées (minutes)"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    # CPF (EDOF): the states of the dossier, recorded as the OF declares them on EDOF.
    cpf_state = models.CharField(_("dossier CPF (EDOF)"), max_length=20, choices=CpfState.choices, blank=True)
    cpf_entry_on = models.DateField(_("entrée en formation déclarée le"), null=True, blank=True)
    cpf_service_done_on = models.DateField(_("service fait déclaré le"), null=True, blank=True)
    cpf_realised_minutes = models.PositiveIntegerField(_("heures réalisées (minutes)"), null=True, blank=True)
    cpf_planned_minutes = models.PositiveIntegerField(_("heures prévues (minutes)"), null=True, blank=True)
    cpf_completion_rate = models.PositiveSmallIntegerField(_("taux de réalisation (%)"), null=True, blank=True)
    # Contract with an individual paying personally (L6353-3 to -7), when signed on paper (an e-signed contract
    # carries its own date): the withdrawal period and the payment schedule run from it.
    contract_signed_on = models.DateField(_("contrat signé le"), null=True, blank=True)
    contract_at_distance = models.BooleanField(
        _("contrat conclu à distance ou hors établissement"),
        default=False,
        help_text=_("Délai de rétractation de 14 jours (art. L221-18 du Code de la consommation) au lieu de 10."),
    )

    class Meta:
        verbose_name = _("inscription")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "client"],
                condition=~models.Q(status="cancelled"),
                name="enrolment_client_once_per_session",
                violation_error_message=_("Ce client est déjà inscrit à cette session."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} — {self.session}"


class PayerKind(models.TextChoices):
    """Who pays the OF; maps to Cerfa 10443 cadre C lines."""

    COMPANY = "company", _("Entreprise (C-1)")
    OPCO = "opco", _("OPCO ou organisme gestionnaire de fonds (C-2)")
    CPF = "cpf", _("Caisse des dépôts — CPF (C-2e)")
    PUBLIC_EMPLOYER = "public_employer", _("Employeur public pour ses agents (C-3)")
    EUROPE = "europe", _("Instances européennes (C-4)")
    STATE = "state", _("État (C-5)")
    REGION = "region", _("Conseil régional (C-6)")
    FRANCE_TRAVAIL = "france_travail", _("France Travail (C-7)")
    OTHER_PUBLIC = "other_public", _("Autre ressource publique (C-8)")
    INDIVIDUAL = "individual", _("Particulier à ses frais (C-9)")
    OTHER_OF = "other_of", _("Autre organisme de formation (C-10)")
    OTHER = "other", _("Autre produit (C-11)")


class FundingScheme(models.TextChoices):
    """For funds managers (OPCO, CDC, Transition Pro…): Cerfa 10443 lines 2a–2h."""

    APPRENTICESHIP = "apprenticeship", _("2a. Contrat d'apprentissage")
    PROFESSIONALISATION = "professionalisation", _("2b. Contrat de professionnalisation")
    PRO_A = "pro_a", _("2c. Promotion ou reconversion par alternance (Pro-A)")
    TRANSITION = "transition", _("2d. Projet de transition professionnelle")
    CPF = "cpf", _("2e. Compte personnel de formation")
    JOB_SEEKERS = "job_seekers", _("2f. Personnes en recherche d'emploi")
    NON_SALARIED = "non_salaried", _("2g. Travailleurs non-salariés")
    SKILLS_PLAN = "skills_plan", _("2h. Plan de développement des compétences ou autre")


class FundingBasis(models.TextChoices):
    """What the convention says the payer owes when hours are not all delivered (Code du travail L6354-1: the
    sums received for hours not delivered are refunded, unless the convention provides a drop-out clause)."""

    FLAT = "flat", _("Prix forfaitaire, dû en entier")
    HOURS = "hours", _("Heures réalisées au taux horaire")
    DROPOUT_CLAUSE = "dropout_clause", _("Heures réalisées, plus le dédit de la convention en cas d'abandon")


class FundingLine(TenantModel):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="funding_lines")
    payer_kind = models.CharField(_("payeur"), max_length=20, choices=PayerKind.choices)
    payer_name = models.CharField(
        _("nom du payeur"),
        max_length=200,
        blank=True,
        help_text=_("Ex. : AKTO, Uniformation, Région Bretagne"),
    )
    scheme = models.CharField(_("dispositif"), max_length=30, choices=FundingScheme.choices, blank=True)
    amount_cents = models.PositiveIntegerField(_("montant HT (centimes)"))
    reference = models.CharField(_("référence (n° de prise en charge, dossier CPF…)"), max_length=100, blank=True)
    basis = models.CharField(
        _("base de facturation"), max_length=20, choices=FundingBasis.choices, default=FundingBasis.FLAT
    )
    # Heures réalisées: the hourly rate per trainee; empty = the amount divided by the planned trainee-hours.
    hourly_rate_cents = models.PositiveIntegerField(_("taux horaire HT (centimes)"), null=True, blank=True)
    # Clause de dédit: the share of the unrealised hours of a trainee who abandoned that is still due.
    dropout_fee_percent = models.PositiveSmallIntegerField(_("dédit en cas d'abandon (%)"), null=True, blank=True)

    class Meta:
        verbose_name = _("ligne de financement")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_payer_kind_display()} {self.amount_cents / 100:.2f} €"  # display only


class BpfTraineeType(models.TextChoices):
    """Cerfa 10443 cadre F-1."""

    PRIVATE_EMPLOYEE = "a", _("a. Salarié·e d'employeur privé (hors apprenti·e)")
    APPRENTICE = "b", _("b. Apprenti·e")
    JOB_SEEKER = "c", _("c. Personne en recherche d'emploi")
    INDIVIDUAL = "d", _("d. Particulier à ses propres frais")
    OTHER = "e", _("e. Autre stagiaire (agent public, non-salarié…)")


class ParticipantStatus(models.TextChoices):
    REGISTERED = "registered", _("Inscrit·e")
    ATTENDING = "attending", _("En formation")
    COMPLETED = "completed", _("Formation terminée")
    DROPPED_OUT = "dropped_out", _("Abandon")
    CANCELLED = "cancelled", _("Annulé·e")


class Participant(TenantModel):
    """A trainee in a session, enrolled through a client (the enrolment)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participants")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="participants")
    trainee = models.ForeignKey(
        Trainee, on_delete=models.PROTECT, related_name="participations", verbose_name=_("stagiaire")
    )
    bpf_trainee_type = models.CharField(
        _("type de stagiaire (BPF F-1)"), max_length=1, choices=BpfTraineeType.choices, blank=True
    )
    status = models.CharField(
        _("état"), max_length=20, choices=ParticipantStatus.choices, default=ParticipantStatus.REGISTERED
    )

    class Meta:
        verbose_name = _("participant·e")
        ordering = ["trainee__last_name", "trainee__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "trainee"], name="participant_once_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} — {self.session}"


class CalendarFeed(TenantModel):
    """A secret iCalendar address (RFC 5545) of a trainer's slots or of a place's slots, for a calendar app.

    Calendar apps cannot log in: the address carries a random token, of which only the SHA-256 is kept. Renewing
    the address replaces the hash (the old address answers 404); revoking deletes the row.
    """

    trainer = models.OneToOneField(
        Trainer, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feed"
    )
    place = models.OneToOneField(Place, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("flux iCalendar")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trainer__isnull=False, place__isnull=True)
                | models.Q(trainer__isnull=True, place__isnull=False),
                name="calendar_feed_trainer_xor_place",
                violation_error_message=_(
                    "Une adresse d'agenda est celle d'un·e formateur·rice ou d'un lieu, pas des deux."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainer or self.place}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
