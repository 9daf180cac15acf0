# SPDX-License-Identifier: AGPL-3.0-or-later
"""Exchanges of know-how in a network (issue 18; cooperation.md §6).

The reciprocal principle of the RERS: whoever joins (`Member`: a person, for themself or for a partner structure
of the network) states at least one offer and one request of know-how (`Listing`); all knowledge has equal value,
so nothing here counts points or ranks people. Matching proposes pairs (`Suggestion`) to a facilitator, who
arranges the meeting: an `Exchange` with its participants, dated steps (visits, sessions, with attendance when it
matters), a plan, a debrief by each participant (`Debrief`, in référentiel competencies) and a capitalisation
artefact (`Artefact`) under a licence its authors chose. A learning expedition (several hosts, a cohort, a
timetable, logistics, a shared log) and a compagnonnage (a transfer of know-how from an experienced hub to an
emerging one: themes, plan, deliverables, milestones) are exchanges of their own kind.

Contact details are shared only with both parties' consent (`Participant.contact_consent_at`). An exchange that
becomes a paid or funded learning action turns into a training action of the network's OF (`Exchange.training`,
`Exchange.session`: an AFEST with its four phases of Code du travail D6313-3-2, or a regular session).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import Organisation
from coopforma.catalogue.models import Training
from coopforma.core.models import TimeStampedModel
from coopforma.networks.models import Network, PartnerStructure
from coopforma.referentiel.models import LEVELS, Item
from coopforma.training_sessions.models import Session


class ExchangeFormat(models.TextChoices):
    VISIT = "visit", _("Visite")
    SHADOWING = "shadowing", _("Observation en situation")
    IMMERSION = "immersion", _("Immersion")
    MENTORING = "mentoring", _("Mentorat")
    WORKSHOP = "workshop", _("Atelier")
    CODEVELOPMENT = "codevelopment", _("Codéveloppement")
    LEARNING_EXPEDITION = "learning_expedition", _("Expédition apprenante")
    COMMUNITY_OF_PRACTICE = "community_of_practice", _("Communauté de pratique")


class Conditions(models.TextChoices):
    FREE = "free", _("Gratuit")
    RECIPROCITY = "reciprocity", _("Réciprocité")
    COST_SHARING = "cost_sharing", _("Partage des frais")


class ListingKind(models.TextChoices):
    OFFER = "offer", _("Je propose")
    REQUEST = "request", _("Je cherche")


class ListingState(models.TextChoices):
    OPEN = "open", _("Ouverte")
    PAUSED = "paused", _("En pause")
    CLOSED = "closed", _("Close")


class Member(TimeStampedModel):
    """A person in the exchanges of a network, for themself or for one of the network's partner structures.

    Joined (`joined_at` set) once they have at least one offer and one request: the reciprocal principle."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="exchange_members", verbose_name=_("réseau")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exchange_memberships",
        verbose_name=_("personne"),
    )
    partner = models.ForeignKey(
        PartnerStructure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exchange_members",
        verbose_name=_("structure représentée"),
    )
    display_name = models.CharField(_("nom affiché"), max_length=200)
    presentation = models.TextField(_("présentation"), blank=True)
    # Private: shown to the other participants of an exchange only when both consented (Participant).
    email = models.EmailField(_("e-mail de contact"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    city = models.CharField(_("commune"), max_length=100, blank=True)
    insee_code = models.CharField(_("code INSEE de la commune"), max_length=5, blank=True)
    department = models.CharField(_("département"), max_length=3, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    travel_km = models.PositiveIntegerField(_("distance de déplacement acceptée (km)"), default=50)
    charter_accepted_at = models.DateTimeField(_("charte acceptée le"), null=True, blank=True)
    joined_at = models.DateTimeField(_("inscription complète le"), null=True, blank=True)
    # Consent to appear on the public map and in the open-data exports (GoGoCarto).
    on_map = models.BooleanField(_("visible sur la carte et dans les exports"), default=False)
    digest = models.BooleanField(_("recevoir le récapitulatif par e-mail"), default=True)
    digest_sent_at = models.DateTimeField(_("dernier récapitulatif envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("membre des échanges")
        verbose_name_plural = _("membres des échanges")
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "user"],
                condition=models.Q(partner__isnull=True),
                name="exchanges_member_once",
                violation_error_message=_("Cette personne est déjà inscrite aux échanges de ce réseau."),
            ),
            models.UniqueConstraint(
                fields=["network", "user", "partner"],
                condition=models.Q(partner__isnull=False),
                name="exchanges_member_once_per_partner",
                violation_error_message=_("Cette personne est déjà inscrite aux échanges pour cette structure."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name


class Listing(TimeStampedModel):
    """An offer or a request of know-how: what, at which level, in which formats, where, when, on what terms."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("réseau"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="listings", verbose_name=_("membre"))
    kind = models.CharField(_("offre ou demande"), max_length=10, choices=ListingKind.choices)
    title = models.CharField(_("savoir-faire"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    competencies = models.ManyToManyField(
        Item, blank=True, related_name="exchange_listings", verbose_name=_("compétences du référentiel")
    )
    level = models.CharField(_("niveau"), max_length=20, choices=LEVELS, blank=True)
    formats = models.JSONField(_("formats"), default=list, blank=True)  # ExchangeFormat values
    is_remote = models.BooleanField(_("possible à distance"), default=False)
    city = models.CharField(_("commune"), max_length=100, blank=True)
    insee_code = models.CharField(_("code INSEE de la commune"), max_length=5, blank=True)
    department = models.CharField(_("département"), max_length=3, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    available_from = models.DateField(_("disponible à partir du"), null=True, blank=True)
    available_until = models.DateField(_("disponible jusqu'au"), null=True, blank=True)
    availability = models.CharField(_("disponibilités"), max_length=300, blank=True)
    conditions = models.CharField(
        _("conditions"), max_length=20, choices=Conditions.choices, default=Conditions.RECIPROCITY
    )
    state = models.CharField(_("état"), max_length=10, choices=ListingState.choices, default=ListingState.OPEN)

    class Meta:
        verbose_name = _("offre ou demande de savoir-faire")
        verbose_name_plural = _("offres et demandes de savoir-faire")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["network", "kind", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(available_until__isnull=True)
                | models.Q(available_from__isnull=True)
                | models.Q(available_from__lte=models.F("available_until")),
                name="exchanges_listing_dates_ordered",
                violation_error_message=_("La fin des disponibilités doit suivre leur début."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class SuggestionState(models.TextChoices):
    PROPOSED = "proposed", _("À examiner")
    ARRANGED = "arranged", _("Mise en relation organisée")
    DISMISSED = "dismissed", _("Écartée")


class Suggestion(TimeStampedModel):
    """An offer that fits a request, proposed to the facilitators with its reasons (competencies in common,
    distance, dates). Several suggestions on one offer make a group."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("réseau"))
    offer = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="suggestions_as_offer", verbose_name=_("offre")
    )
    request = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="suggestions_as_request", verbose_name=_("demande")
    )
    score = models.PositiveSmallIntegerField(_("score"), default=0)
    reasons = models.JSONField(_("raisons"), default=list, blank=True)  # [{"code", "label"}…] in French
    distance_km = models.PositiveIntegerField(_("distance (km)"), null=True, blank=True)
    state = models.CharField(
        _("état"), max_length=10, choices=SuggestionState.choices, default=SuggestionState.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    exchange = models.ForeignKey(
        "Exchange", on_delete=models.SET_NULL, null=True, blank=True, related_name="suggestions"
    )

    class Meta:
        verbose_name = _("suggestion de mise en relation")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "request"],
                name="exchanges_suggestion_once",
                violation_error_message=_("Cette offre est déjà suggérée pour cette demande."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer} ↔ {self.request}"


class ExchangeKind(models.TextChoices):
    EXCHANGE = "exchange", _("Échange")
    EXPEDITION = "expedition", _("Expédition apprenante")
    TRANSFER = "transfer", _("Compagnonnage (transfert de savoir-faire)")


class ExchangeState(models.TextChoices):
    ARRANGING = "arranging", _("Mise en relation en cours")
    PLANNED = "planned", _("Programmé")
    DONE = "done", _("Réalisé")
    CANCELLED = "cancelled", _("Annulé")


class Exchange(TimeStampedModel):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="exchanges", verbose_name=_("réseau"))
    kind = models.CharField(_("type"), max_length=12, choices=ExchangeKind.choices, default=ExchangeKind.EXCHANGE)
    title = models.CharField(_("intitulé"), max_length=200)
    format = models.CharField(_("format"), max_length=30, choices=ExchangeFormat.choices, blank=True)
    state = models.CharField(_("état"), max_length=10, choices=ExchangeState.choices, default=ExchangeState.ARRANGING)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_exchanges",
        verbose_name=_("animateur·rice"),
    )
    offer = models.ForeignKey(
        Listing, on_delete=models.SET_NULL, null=True, blank=True, related_name="exchanges", verbose_name=_("offre")
    )
    plan = models.TextField(_("déroulé prévu"), blank=True)
    # A compagnonnage's themes; an expedition's logistics (travel, lodging, meals).
    themes = models.TextField(_("thèmes"), blank=True)
    logistics = models.TextField(_("logistique"), blank=True)
    competencies = models.ManyToManyField(
        Item, blank=True, related_name="exchanges", verbose_name=_("compétences travaillées")
    )
    starts_on = models.DateField(_("début"), null=True, blank=True)
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    attendance_required = models.BooleanField(_("émargement aux étapes"), default=False)
    # Shown on the public map (experience-based modes) once its participants all agreed (Participant.on_map).
    is_public = models.BooleanField(_("visible sur la carte"), default=False)
    # The bridge to training: the training action of the network's OF this exchange became.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisme de formation"),
    )
    training = models.ForeignKey(
        Training, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("formation")
    )
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("session")
    )
    bridged_at = models.DateTimeField(_("devenu action de formation le"), null=True, blank=True)
    bridged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("échange de savoir-faire")
        verbose_name_plural = _("échanges de savoir-faire")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(starts_on__lte=models.F("ends_on")),
                name="exchanges_exchange_dates_ordered",
                violation_error_message=_("La fin de l'échange doit suivre son début."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class ParticipantRole(models.TextChoices):
    PROVIDER = "provider", _("Transmet son savoir-faire")
    LEARNER = "learner", _("Apprend")
    HOST = "host", _("Accueille")
    COMPAGNON = "compagnon", _("Structure compagnon")
    BENEFICIARY = "beneficiary", _("Structure accompagnée")


class Participant(TimeStampedModel):
    exchange = models.ForeignKey(
        Exchange, on_delete=models.CASCADE, related_name="participants", verbose_name=_("échange")
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="participations", verbose_name=_("membre")
    )
    role = models.CharField(_("rôle"), max_length=12, choices=ParticipantRole.choices)
    request = models.ForeignKey(
        Listing, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("demande")
    )
    # Consent to share their e-mail and phone with the other participants (both sides must consent).
    contact_consent_at = models.DateTimeField(_("accord pour partager ses coordonnées le"), null=True, blank=True)
    on_map = models.BooleanField(_("accord pour montrer l'échange sur la carte"), default=False)

    class Meta:
        verbose_name = _("participant·e")
        ordering = ["exchange", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["exchange", "member"],
                name="exchanges_participant_once",
                violation_error_message=_("Cette personne participe déjà à cet échange."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.get_role_display()})"


class Step(TimeStampedModel):
    """A dated meeting of an exchange: the visit, a mentoring session, one stop of an expedition (its host), a
    milestone meeting of a compagnonnage."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="steps", verbose_name=_("échange"))
    title = models.CharField(_("intitulé"), max_length=200)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    host = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("accueilli par")
    )
    place = models.CharField(_("lieu"), max_length=300, blank=True)
    is_remote = models.BooleanField(_("à distance"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    present = models.ManyToManyField(
        Participant, blank=True, related_name="steps_attended", verbose_name=_("présent·es")
    )
    attendance_taken_at = models.DateTimeField(_("émargement relevé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("étape d'un échange")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="exchanges_step_times_ordered",
                violation_error_message=_("La fin de l'étape doit suivre son début."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(TimeStampedModel):
    """A compagnonnage's milestone and its deliverable."""

    exchange = models.ForeignKey(
        Exchange, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("échange")
    )
    title = models.CharField(_("jalon"), max_length=200)
    deliverable = models.CharField(_("livrable"), max_length=300, blank=True)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    done_on = models.DateField(_("atteint le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jalon")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class LogEntry(TimeStampedModel):
    """An entry of an exchange's shared log (an expedition's logbook, a compagnonnage's journal)."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="log", verbose_name=_("échange"))
    author = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("auteur"))
    body = models.TextField(_("texte"))

    class Meta:
        verbose_name = _("entrée du journal")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class Debrief(TimeStampedModel):
    """What a participant says they learnt (or passed on), in their words and in référentiel competencies.

    Declared, not assessed: shown as such on the person's competency record (only an OF's assessment proves)."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="debrief", verbose_name=_("participant·e")
    )
    learnt = models.TextField(_("ce que j'ai appris ou transmis"))
    next_steps = models.TextField(_("et maintenant ?"), blank=True)
    rating = models.PositiveSmallIntegerField(_("utilité ressentie (1 à 5)"), null=True, blank=True)

    class Meta:
        verbose_name = _("bilan d'un·e participant·e")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="exchanges_debrief_rating_range",
                violation_error_message=_("L'utilité ressentie se note de 1 à 5."),
            )
        ]

    def __str__(self) -> str:
        return str(self.participant)


class DebriefCompetency(models.Model):
    debrief = models.ForeignKey(Debrief, on_delete=models.CASCADE, related_name="competencies")
    competency = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("compétence"))
    level = models.CharField(_("niveau"), max_length=20, choices=LEVELS, blank=True)

    class Meta:
        verbose_name = _("compétence d'un bilan")
        constraints = [
            models.UniqueConstraint(
                fields=["debrief", "competency"],
                name="exchanges_debrief_competency_once",
                violation_error_message=_("Ce bilan cite déjà cette compétence."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.debrief_id} → {self.competency_id}"


class ArtefactKind(models.TextChoices):
    SHEET = "sheet", _("Fiche pratique")
    STORY = "story", _("Récit")
    TOOL = "tool", _("Outil")


class Licence(models.TextChoices):
    CC_BY = "cc-by-4.0", _("Creative Commons Attribution 4.0 (CC BY)")
    CC_BY_SA = "cc-by-sa-4.0", _("Creative Commons Attribution – Partage dans les mêmes conditions 4.0 (CC BY-SA)")
    CC_BY_NC_SA = (
        "cc-by-nc-sa-4.0",
        _("Creative Commons Attribution – Pas d'utilisation commerciale – Partage dans les mêmes conditions 4.0"),
    )
    CC0 = "cc0-1.0", _("Domaine public (CC0 1.0)")
    ETALAB = "etalab-2.0", _("Licence Ouverte / Open Licence 2.0 (Etalab)")


class Artefact(TimeStampedModel):
    """What an exchange leaves for others: a sheet, a story or a tool, published under its authors' licence."""

    exchange = models.ForeignKey(
        Exchange, on_delete=models.CASCADE, related_name="artefacts", verbose_name=_("échange")
    )
    kind = models.CharField(_("type"), max_length=10, choices=ArtefactKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("contenu"))
    file = models.FileField(_("fichier joint"), upload_to="exchanges/artefacts/%Y/", blank=True)
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices)
    authors = models.ManyToManyField(Member, related_name="artefacts", verbose_name=_("auteur·rices"))
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("capitalisation")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ArtefactAgreement(models.Model):
    """An author's agreement to publish an artefact as it stands, under its licence: the artefact is published
    once every author agreed (an edit before publication asks the others again)."""

    artefact = models.ForeignKey(Artefact, on_delete=models.CASCADE, related_name="agreements")
    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("auteur·rice"))
    agreed_at = models.DateTimeField(_("accord donné le"))

    class Meta:
        verbose_name = _("accord de publication")
        constraints = [
            models.UniqueConstraint(
                fields=["artefact", "author"],
                name="exchanges_artefact_agreement_once",
                violation_error_message=_("Cette personne a déjà donné son accord."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.author_id} → {self.artefact_id}"
