# SPDX-License-Identifier: AGPL-3.0-or-later
"""The tender watch: BOAMP notices (public data, no organisation owns them), their lots and links, the imports,
the watch profiles of a network or of one of its member organisations, what each profile's digest already sent,
and the members' « Ça m'intéresse » (the start of the consortium builder).

Notices come from `coopforma tenders import` (services.tender_import): BOAMP open data, Licence Ouverte / Etalab
2.0 (DILA), only the training ones (see `training.py`). Lists that pages filter on (départements, CPV codes) are
also kept as a space-separated text with a leading and trailing space (" 26 44 "), so that « has this one » and
« has a code starting with » are a `contains` on every database.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import Organisation
from coopforma.core.models import TimeStampedModel
from coopforma.networks.models import Network


class Nature(models.TextChoices):
    NOTICE = "contract_notice", _("Avis de marché")
    RECTIFICATION = "rectification", _("Rectificatif")
    CANCELLATION = "cancellation", _("Annulation")
    AWARD = "award", _("Résultat de marché")
    PRIOR_INFORMATION = "prior_information", _("Avis de pré-information")
    OTHER = "other", _("Autre avis")


class TenderImport(models.Model):
    """One run of `coopforma tenders import`: its source, its dates and what it did."""

    source = models.CharField(_("source"), max_length=500)
    started_at = models.DateTimeField(_("commencé le"))
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    records = models.PositiveIntegerField(_("avis lus"), default=0)
    created = models.PositiveIntegerField(_("nouveaux"), default=0)
    updated = models.PositiveIntegerField(_("mis à jour"), default=0)
    unchanged = models.PositiveIntegerField(_("inchangés"), default=0)
    skipped = models.PositiveIntegerField(_("écartés (pas de la formation)"), default=0)
    linked = models.PositiveIntegerField(_("liens établis"), default=0)
    rejected = models.PositiveIntegerField(_("avis rejetés"), default=0)
    errors = models.JSONField(_("premières erreurs"), default=list, blank=True)

    class Meta:
        verbose_name = _("import d'avis BOAMP")
        verbose_name_plural = _("imports d'avis BOAMP")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} ({self.started_at:%d/%m/%Y %H:%M})"


class Notice(models.Model):
    """A BOAMP notice about training (a call for tenders, its rectification or cancellation, an award)."""

    idweb = models.CharField(_("numéro BOAMP (idweb)"), max_length=40, unique=True)
    object = models.TextField(_("objet"))
    buyer = models.CharField(_("acheteur"), max_length=300, blank=True)
    published_on = models.DateField(_("publié le"), null=True, blank=True, db_index=True)
    deadline = models.DateTimeField(_("date limite de réponse"), null=True, blank=True)
    # The deadline after the latest rectification (its own deadline without one): what the lists filter on.
    current_deadline = models.DateTimeField(_("date limite en vigueur"), null=True, blank=True, db_index=True)
    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices, default=Nature.NOTICE)
    family = models.CharField(_("famille"), max_length=20, blank=True)
    market_types = models.JSONField(_("types de marché"), default=list, blank=True)
    departements = models.JSONField(_("départements"), default=list, blank=True)
    departements_text = models.CharField(max_length=300, blank=True, editable=False)
    descriptors = models.JSONField(_("descripteurs BOAMP"), default=list, blank=True)
    main_cpv = models.CharField(_("code CPV principal"), max_length=8, blank=True)
    cpv_codes = models.JSONField(_("codes CPV"), default=list, blank=True)
    cpv_text = models.CharField(max_length=1000, blank=True, editable=False)
    amount_cents = models.BigIntegerField(_("montant estimé (centimes)"), null=True, blank=True)
    reserved_ess = models.BooleanField(_("marché réservé à l'ESS"), default=False)
    social_clause = models.BooleanField(_("clause d'insertion ou marché réservé à l'insertion"), default=False)
    criteria = models.TextField(_("critères d'attribution"), blank=True)
    winners = models.JSONField(_("titulaires"), default=list, blank=True)
    linked_idwebs = models.JSONField(_("avis liés (idweb)"), default=list, blank=True)
    url = models.URLField(_("avis sur le BOAMP"), max_length=500, blank=True)
    # Normalised words of the object, lots and descriptors (offers.relevance.normalise), for keyword matching.
    search_text = models.TextField(blank=True, editable=False)
    cancelled = models.BooleanField(_("annulé"), default=False)
    content_hash = models.CharField(max_length=32, editable=False)
    imported = models.ForeignKey(
        TenderImport, on_delete=models.PROTECT, related_name="+", verbose_name=_("import qui l'a écrit en dernier")
    )
    first_seen_at = models.DateTimeField(_("importé pour la première fois le"), db_index=True)

    class Meta:
        verbose_name = _("avis d'appel public")
        verbose_name_plural = _("avis d'appel public")
        ordering = ["-published_on", "-idweb"]

    def __str__(self) -> str:
        return f"{self.idweb} — {self.object[:80]}"


class NoticeLot(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="lots", verbose_name=_("avis"))
    number = models.CharField(_("numéro"), max_length=40)
    title = models.CharField(_("intitulé"), max_length=500, blank=True)
    cpv_codes = models.JSONField(_("codes CPV"), default=list, blank=True)
    amount_cents = models.BigIntegerField(_("montant estimé (centimes)"), null=True, blank=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["notice", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class NoticeLink(models.Model):
    """A rectification, cancellation or award (`source`) naming the notice it is about (`annonce_lie`). The
    target may arrive in a later import (`target` empty until then)."""

    source = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="links_out", verbose_name=_("avis"))
    target_idweb = models.CharField(_("avis d'origine (idweb)"), max_length=40, db_index=True)
    target = models.ForeignKey(
        Notice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="links_in",
        verbose_name=_("avis d'origine"),
    )

    class Meta:
        verbose_name = _("lien entre avis")
        verbose_name_plural = _("liens entre avis")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target_idweb"],
                name="tenders_link_once",
                violation_error_message=_("Ce lien entre avis existe déjà."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.source.idweb} → {self.target_idweb}"


class Frequency(models.TextChoices):
    DAILY = "daily", _("Chaque jour")
    WEEKLY = "weekly", _("Chaque semaine (le lundi)")


class WatchProfile(TimeStampedModel):
    """What a network, or one of its member organisations, watches; its digest goes to `recipient`."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("réseau"))
    # Empty: the network's own profile (its moderators manage it).
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation membre"),
    )
    name = models.CharField(_("nom"), max_length=120)
    cpv_prefixes = models.CharField(
        _("codes CPV (débuts)"), max_length=300, blank=True, help_text=_("séparés par des espaces : 805 79632")
    )
    keywords = models.TextField(_("mots-clés"), blank=True, help_text=_("un par ligne ou séparés par des virgules"))
    departements = models.CharField(_("départements"), max_length=300, blank=True, help_text=_("ex. : 26 07 38"))
    reserved_first = models.BooleanField(_("marchés réservés à l'ESS en premier"), default=True)
    min_amount_cents = models.BigIntegerField(_("montant minimum (centimes)"), null=True, blank=True)
    max_amount_cents = models.BigIntegerField(_("montant maximum (centimes)"), null=True, blank=True)
    frequency = models.CharField(
        _("fréquence du récapitulatif"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("destinataire")
    )
    is_active = models.BooleanField(_("récapitulatif actif"), default=True)
    last_digest_at = models.DateTimeField(_("dernier récapitulatif"), null=True, blank=True)

    class Meta:
        verbose_name = _("profil de veille")
        verbose_name_plural = _("profils de veille")
        ordering = ["network", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class DigestEntry(models.Model):
    """A notice sent in a profile's digest: each notice is sent once per profile."""

    profile = models.ForeignKey(WatchProfile, on_delete=models.CASCADE, related_name="+", verbose_name=_("profil"))
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="+", verbose_name=_("avis"))
    sent_at = models.DateTimeField(_("envoyé le"))

    class Meta:
        verbose_name = _("avis envoyé dans un récapitulatif")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "notice"],
                name="tenders_digest_once",
                violation_error_message=_("Cet avis a déjà été envoyé pour ce profil."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} → {self.notice_id}"


class Interest(TimeStampedModel):
    """« Ça m'intéresse »: a member organisation of the network considers answering the notice."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("réseau"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation membre")
    )
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="interests", verbose_name=_("avis"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signalé par"),
    )

    class Meta:
        verbose_name = _("intérêt pour un avis")
        verbose_name_plural = _("intérêts pour des avis")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "organisation", "notice"],
                name="tenders_interest_once",
                violation_error_message=_("Votre organisation a déjà signalé son intérêt pour cet avis."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.notice.idweb}"


# --- the consortium builder (groupements) -------------------------------------------------------------------------


class ConsortiumForm(models.TextChoices):
    """CCP R2142-19 ff. (co-traitance) and law n° 75-1334 of 31 December 1975 (sous-traitance)."""

    JOINT = "joint", _("Co-traitance conjointe")
    JOINT_AND_SEVERAL = "joint_several", _("Co-traitance solidaire")
    SUBCONTRACTING = "subcontracting", _("Sous-traitance")


class ConsortiumState(models.TextChoices):
    FORMING = "forming", _("En constitution")
    SUBMITTED = "submitted", _("Offre déposée")
    WON = "won", _("Remporté")
    LOST = "lost", _("Perdu")
    WITHDRAWN = "withdrawn", _("Abandonné")


class Consortium(TimeStampedModel):
    """A groupement formed by the network's moderators to answer a notice: its form, its mandataire (one of the
    member organisations that said « Ça m'intéresse »), its members with their shares per lot, the team, its
    milestones and its outcome."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("réseau"))
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="consortiums", verbose_name=_("avis"))
    form = models.CharField(_("forme du groupement"), max_length=20, choices=ConsortiumForm.choices)
    mandataire = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("mandataire")
    )
    state = models.CharField(_("état"), max_length=20, choices=ConsortiumState.choices, default=ConsortiumState.FORMING)
    # The execution period when known (the notice does not always give it): the team's availability.
    period_start = models.DateField(_("début d'exécution prévu"), null=True, blank=True)
    period_end = models.DateField(_("fin d'exécution prévue"), null=True, blank=True)
    price_cents = models.BigIntegerField(_("prix (centimes, HT)"), null=True, blank=True)
    feedback = models.TextField(_("retour de l'acheteur"), blank=True)
    decided_at = models.DateTimeField(_("résultat enregistré le"), null=True, blank=True)
    # A won groupement: the public buyer as a client of the mandataire's organisation (people.Client).
    client = models.ForeignKey(
        "people.Client",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("client (acheteur public)"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("groupement")
        verbose_name_plural = _("groupements")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_cents__isnull=True) | models.Q(price_cents__gte=0),
                name="tenders_consortium_price_not_negative",
                violation_error_message=_("Le prix ne peut pas être négatif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} — {self.notice.idweb}"


class ConsortiumMember(models.Model):
    """A member organisation of the network in the groupement (the mandataire is one of them)."""

    consortium = models.ForeignKey(
        Consortium, on_delete=models.CASCADE, related_name="members", verbose_name=_("groupement")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation membre")
    )

    class Meta:
        verbose_name = _("membre d'un groupement")
        verbose_name_plural = _("membres d'un groupement")
        ordering = ["consortium", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "organisation"],
                name="tenders_consortium_member_once",
                violation_error_message=_("Cette organisation est déjà membre du groupement."),
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class ConsortiumShare(models.Model):
    """A member's share of a lot (no lot: of the whole notice), in per-mille: the shares of a lot add up to
    1000 (checked by the service)."""

    member = models.ForeignKey(
        ConsortiumMember, on_delete=models.CASCADE, related_name="shares", verbose_name=_("membre")
    )
    lot = models.ForeignKey(
        NoticeLot, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("lot")
    )
    per_mille = models.PositiveIntegerField(_("part (pour mille)"))

    class Meta:
        verbose_name = _("part d'un lot")
        verbose_name_plural = _("parts des lots")
        ordering = ["member", "lot", "pk"]

    def __str__(self) -> str:
        return f"{self.member} {self.lot or '-'} {self.per_mille}‰"


class ConsortiumTrainer(models.Model):
    """A trainer of a member organisation the moderator picked for the team, with the reasons proposed."""

    consortium = models.ForeignKey(
        Consortium, on_delete=models.CASCADE, related_name="team", verbose_name=_("groupement")
    )
    trainer = models.ForeignKey(
        "people.Trainer", on_delete=models.CASCADE, related_name="+", verbose_name=_("formateur·rice")
    )
    reasons = models.JSONField(_("raisons"), default=list, blank=True)

    class Meta:
        verbose_name = _("formateur·rice de l'équipe")
        verbose_name_plural = _("équipe du groupement")
        ordering = ["consortium", "trainer__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "trainer"],
                name="tenders_consortium_trainer_once",
                violation_error_message=_("Cette personne est déjà dans l'équipe."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.consortium_id} → {self.trainer_id}"


class MilestoneKind(models.TextChoices):
    # Written when the groupement is formed, from the notice's deadline then in force.
    DEADLINE = "deadline", _("Date limite de réponse de l'avis")
    MEMO_DRAFT = "memo_draft", _("Projet de mémoire technique")
    SIGNATURES = "signatures", _("Signatures des membres")
    SUBMISSION = "submission", _("Dépôt de l'offre")
    OTHER = "other", _("Autre étape")


class ConsortiumMilestone(models.Model):
    """One of the groupement's own dates, with a reminder e-mail `remind_days` before it."""

    consortium = models.ForeignKey(
        Consortium, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("groupement")
    )
    kind = models.CharField(_("étape"), max_length=20, choices=MilestoneKind.choices)
    label = models.CharField(_("précision"), max_length=200, blank=True)
    due_on = models.DateField(_("pour le"))
    remind_days = models.PositiveSmallIntegerField(_("rappel (jours avant)"), default=3)
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)
    # The notice's deadline moved after the groupement was formed (consortium_services.deadlines_follow): the date
    # it had before, when it moved and the rectification that moved it (empty: the notice itself was updated).
    moved_from = models.DateField(_("date précédente"), null=True, blank=True)
    moved_at = models.DateTimeField(_("date modifiée le"), null=True, blank=True)
    rectified_by = models.ForeignKey(
        Notice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("avis rectificatif"),
    )

    class Meta:
        verbose_name = _("étape d'un groupement")
        verbose_name_plural = _("étapes d'un groupement")
        ordering = ["consortium", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on}"


class ConsortiumLotContract(TimeStampedModel):
    """A lot of a won groupement, started in the mandataire's organisation (consortium_services.contract_start):
    the draft session made from the matching training chosen for it, and what billing needs for the lot — its
    amount and the Chorus Pro data of the public buyer (SIRET, service code, commitment number; the same fields
    as billing.Invoice's). No lot: the whole notice, when it has none."""

    consortium = models.ForeignKey(
        Consortium, on_delete=models.CASCADE, related_name="contracts", verbose_name=_("groupement")
    )
    lot = models.ForeignKey(
        NoticeLot, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("lot")
    )
    session = models.ForeignKey(
        "training_sessions.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("session"),
    )
    amount_cents = models.BigIntegerField(_("montant du lot (centimes, HT)"))
    buyer_siret = models.CharField(_("SIRET de l'acheteur (Chorus Pro)"), max_length=14)
    chorus_service_code = models.CharField(_("code service Chorus Pro"), max_length=100, blank=True)
    commitment_number = models.CharField(_("n° d'engagement (bon de commande)"), max_length=50, blank=True)
    # The drafts made from the started lot (consortium_services.contract_drafts_create): the buyer's enrolment
    # in the session when its trainees are known, else the headcount planned; the lot's draft invoice.
    planned_headcount = models.PositiveIntegerField(_("effectif prévu"), null=True, blank=True)
    enrolment = models.ForeignKey(
        "training_sessions.Enrolment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inscription (brouillon)"),
    )
    invoice = models.ForeignKey(
        "billing.Invoice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facture (brouillon)"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("lot d'un marché remporté")
        verbose_name_plural = _("lots d'un marché remporté")
        ordering = ["consortium", "lot", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gte=0),
                name="tenders_lot_contract_amount_not_negative",
                violation_error_message=_("Le montant ne peut pas être négatif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consortium_id} {self.lot or '-'}"


class ConsortiumCalendarFeed(TimeStampedModel):
    """A person's secret iCalendar address of a groupement's dates, for a calendar app (which cannot log in).

    The same mechanism as training_sessions.CalendarFeed: a random token of which only the SHA-256 is kept;
    renewing replaces the hash (the old address answers 404), revoking deletes the row. Read, the address still
    checks that its person may read the groupement (404 otherwise)."""

    consortium = models.ForeignKey(
        Consortium, on_delete=models.CASCADE, related_name="calendar_feeds", verbose_name=_("groupement")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("personne")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("adresse d'agenda d'un groupement")
        verbose_name_plural = _("adresses d'agenda des groupements")
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "user"],
                name="tenders_consortium_feed_once",
                violation_error_message=_("Vous avez déjà une adresse d'agenda pour ce groupement."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.consortium_id} → {self.user_id}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
