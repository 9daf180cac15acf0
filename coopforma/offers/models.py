# SPDX-License-Identifier: AGPL-3.0-or-later
"""The map of trainings: offers from four sources in one model, with their provenance (issue 16).

Sources: (a) the published trainings of this installation's organisations, (b) LHEO feeds of the Carif-Oref
network, (c) other Coopforma installations (federation), (d) offers entered by a network's partner structures,
moderated before publication. An offer is upserted by (source, external_id): the LHEO ``numero`` for a feed,
``<org-slug>/<training id>`` for a member catalogue. An offer that vanished from its source is retired, never
deleted. Whether an offer is "on cooperation" is judged per network (relevance), not here.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopforma.catalogue.models import Modality, Training
from coopforma.core.models import TimeStampedModel
from coopforma.networks.models import Network, PartnerStructure


class SourceKind(models.TextChoices):
    MEMBER_CATALOGUE = "member_catalogue", _("Catalogue d'une organisation membre")
    LHEO = "lheo", _("Flux LHEO (réseau des Carif-Oref)")
    FEDERATION = "federation", _("Autre installation Coopforma")
    PARTNER = "partner", _("Saisie par une structure partenaire")
    EXCHANGES = "exchanges", _("Échanges de savoir-faire du réseau")


class OfferStatus(models.TextChoices):
    ACTIVE = "active", _("Publiée")
    PENDING = "pending", _("En attente de modération")
    REFUSED = "refused", _("Refusée")
    RETIRED = "retired", _("Retirée de sa source")


class ExperienceMode(models.TextChoices):
    """Experience-based ways of learning (cooperation.md §6), next to formal training."""

    PEER_LEARNING = "peer_learning", _("Apprentissage entre pairs")
    LEARNING_EXPEDITION = "learning_expedition", _("Expédition apprenante")
    COMPAGNONNAGE = "compagnonnage", _("Compagnonnage")
    AFEST = "afest", _("Action de formation en situation de travail (AFEST)")
    COMMUNITY_OF_PRACTICE = "community_of_practice", _("Communauté de pratique")
    MOOC = "mooc", _("MOOC")


class OfferSource(TimeStampedModel):
    name = models.SlugField(_("identifiant de la source"), max_length=80, unique=True)
    label = models.CharField(_("nom de la source"), max_length=200)
    kind = models.CharField(_("type de source"), max_length=20, choices=SourceKind.choices)
    url = models.URLField(_("adresse du flux"), max_length=500, blank=True)
    licence = models.CharField(_("licence des données"), max_length=200, blank=True)
    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="offer_sources",
        verbose_name=_("réseau abonné"),
    )
    last_import_at = models.DateTimeField(_("dernier import le"), null=True, blank=True)
    etag = models.CharField(max_length=200, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = _("source d'offres")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class Offer(TimeStampedModel):
    source = models.ForeignKey(OfferSource, on_delete=models.CASCADE, related_name="offers", verbose_name=_("source"))
    external_id = models.CharField(_("identifiant dans la source"), max_length=200)
    title = models.CharField(_("intitulé"), max_length=255)
    summary = models.TextField(_("présentation"), blank=True)
    objectives = models.TextField(_("objectifs"), blank=True)
    content = models.TextField(_("contenu"), blank=True)
    expected_results = models.TextField(_("résultats attendus"), blank=True)
    price_cents = models.PositiveIntegerField(_("prix total TTC (centimes)"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("durée totale (minutes)"), null=True, blank=True)
    url = models.URLField(_("page de l'offre"), max_length=500, blank=True)
    provider_name = models.CharField(_("organisme"), max_length=255, blank=True)
    provider_siret = models.CharField(_("SIRET de l'organisme"), max_length=14, blank=True)
    provider_nda = models.CharField(_("NDA de l'organisme"), max_length=11, blank=True)
    modality = models.CharField(_("modalité"), max_length=20, choices=Modality.choices, blank=True)
    certifying = models.BooleanField(_("certifiante"), default=False)
    certification_codes = models.JSONField(_("codes RNCP, RS ou CPF"), default=list, blank=True)
    cpf_eligible = models.BooleanField(_("éligible au CPF"), default=False)
    formacodes = models.JSONField(_("Formacodes"), default=list, blank=True)
    nsf_codes = models.JSONField(_("codes NSF"), default=list, blank=True)
    rome_codes = models.JSONField(_("codes ROME"), default=list, blank=True)
    experience_mode = models.CharField(
        _("mode d'apprentissage par l'expérience"), max_length=30, choices=ExperienceMode.choices, blank=True
    )
    training = models.ForeignKey(
        Training, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("formation")
    )
    partner = models.ForeignKey(
        PartnerStructure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("structure partenaire"),
    )
    status = models.CharField(_("état"), max_length=20, choices=OfferStatus.choices, default=OfferStatus.ACTIVE)
    # What the import found doubtful (codes from offers' own list, shown with their French label).
    flags = models.JSONField(_("points douteux"), default=list, blank=True)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    first_seen_at = models.DateTimeField(_("vue pour la première fois le"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("vue pour la dernière fois le"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    # A partner's offer is moderated before publication (source d): the reason of a refusal is shown to its authors.
    moderation_reason = models.TextField(_("motif de la décision"), blank=True)
    moderated_at = models.DateTimeField(_("modérée le"), null=True, blank=True)
    # What a federated feed said of the offer's origin (offers/federation.py): {"numero": its LHEO numero if any,
    # "chain": [{"installation", "source", "licence", "url"}…]} — the installations it went through before ours.
    origin = models.JSONField(_("origine dans le flux fédéré"), default=dict, blank=True)

    class Meta:
        verbose_name = _("offre de formation")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                name="offers_offer_once_per_source",
                violation_error_message=_("Cette source a déjà une offre avec cet identifiant."),
            )
        ]
        indexes = [models.Index(fields=["status", "title"]), models.Index(fields=["provider_siret"])]

    def __str__(self) -> str:
        return self.title


class OfferProvenance(models.Model):
    """Another source that carries an offer already known (federation's deduplication, offers/federation.py): the
    offer is kept once, and each extra source that brings it is recorded here, with its own identifier there."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="provenances", verbose_name=_("offre"))
    source = models.ForeignKey(
        OfferSource, on_delete=models.CASCADE, related_name="provenances", verbose_name=_("source")
    )
    external_id = models.CharField(_("identifiant dans la source"), max_length=200)
    url = models.URLField(_("page de l'offre dans la source"), max_length=500, blank=True)
    chain = models.JSONField(_("installations traversées"), default=list, blank=True)
    first_seen_at = models.DateTimeField(_("vue pour la première fois le"))
    last_seen_at = models.DateTimeField(_("vue pour la dernière fois le"))

    class Meta:
        verbose_name = _("autre provenance d'une offre")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                name="offers_provenance_once_per_source",
                violation_error_message=_("Cette source a déjà une provenance avec cet identifiant."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer} ← {self.source}"


class DatePrecision(models.TextChoices):
    DAY = "day", _("au jour près")
    MONTH = "month", _("au mois près")
    YEAR = "year", _("à l'année près")


class GeoPrecision(models.TextChoices):
    PRECISE = "precise", _("Position précise")
    APPROXIMATE = "approximate", _("Position approximative")


class OfferSession(models.Model):
    """A dated session of an offer, with its place (coordinates may be rounded or missing: see ``geo_precision``)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("offre"))
    external_id = models.CharField(_("identifiant dans la source"), max_length=200, blank=True)
    start = models.DateField(_("début"), null=True, blank=True)  # None: unknown (LHEO 00000000)
    end = models.DateField(_("fin"), null=True, blank=True)  # None: unknown or open (LHEO 99999999)
    # LHEO AAAAMM00 / AAAA0000: start is the first day of the month / year, end its last day.
    date_precision = models.CharField(_("précision des dates"), max_length=5, choices=DatePrecision.choices, blank=True)
    street = models.CharField(_("adresse"), max_length=200, blank=True)
    city = models.CharField(_("commune"), max_length=100, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    insee_code = models.CharField(_("code INSEE de la commune"), max_length=5, blank=True)
    department = models.CharField(_("département"), max_length=3, blank=True)
    region = models.CharField(_("région"), max_length=2, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    geo_precision = models.CharField(
        _("précision de la position"), max_length=20, choices=GeoPrecision.choices, blank=True
    )  # "": no usable coordinates
    places_left = models.PositiveIntegerField(_("places restantes"), null=True, blank=True)
    is_remote = models.BooleanField(_("à distance"), default=False)

    class Meta:
        verbose_name = _("session d'une offre")
        ordering = ["start"]
        indexes = [models.Index(fields=["department", "start"]), models.Index(fields=["start"])]

    def __str__(self) -> str:
        return f"{self.offer} ({self.start or '?'})"


class RelevanceVerdict(models.TextChoices):
    SHOWN = "shown", _("Affichée")
    QUEUE = "queue", _("À examiner par les modérateur·rices")
    HIDDEN = "hidden", _("Écartée")


class RelevanceDecision(models.TextChoices):
    KEEP = "keep", _("Gardée par les modérateur·rices")
    REJECT = "reject", _("Écartée par les modérateur·rices")


class RelevanceRules(TimeStampedModel):
    """What a network calls "on cooperation": codes, words and organisations, their weights, two thresholds.

    An offer's score is the sum of the weights of what it matches (``offers.relevance``); at or above
    ``high_threshold`` it is shown, at or above ``low_threshold`` it goes to the moderators' queue, below it is
    hidden. Keywords are matched without accents and with French stemming (« coopératives » finds « coopérative »).
    """

    network = models.OneToOneField(
        Network, on_delete=models.CASCADE, related_name="relevance_rules", verbose_name=_("réseau")
    )
    formacodes = models.JSONField(_("Formacodes"), default=list, blank=True)
    nsf_codes = models.JSONField(_("codes NSF"), default=list, blank=True)
    keywords = models.JSONField(_("mots-clés"), default=list, blank=True)
    known_sirets = models.JSONField(_("SIRET des organismes connus du réseau"), default=list, blank=True)
    formacode_weight = models.PositiveSmallIntegerField(_("poids d'un Formacode de la liste"), default=50)
    nsf_weight = models.PositiveSmallIntegerField(_("poids d'un code NSF de la liste"), default=20)
    keyword_weight = models.PositiveSmallIntegerField(_("poids de chaque mot-clé trouvé"), default=25)
    keyword_cap = models.PositiveSmallIntegerField(_("nombre de mots-clés comptés au plus"), default=3)
    known_weight = models.PositiveSmallIntegerField(_("poids d'un organisme connu du réseau"), default=40)
    high_threshold = models.PositiveSmallIntegerField(_("seuil d'affichage"), default=60)
    low_threshold = models.PositiveSmallIntegerField(_("seuil d'examen par les modérateur·rices"), default=25)

    class Meta:
        verbose_name = _("règles de pertinence")
        verbose_name_plural = _("règles de pertinence")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(low_threshold__lt=models.F("high_threshold")),
                name="offers_rules_thresholds_ordered",
                violation_error_message=_("Le seuil d'examen doit être inférieur au seuil d'affichage."),
            )
        ]

    def __str__(self) -> str:
        return str(_("Règles de pertinence de %(network)s") % {"network": self.network})


class OfferRelevance(models.Model):
    """An offer's relevance for one network: its last score with the reasons, and the moderators' decision.

    The decision, once taken, wins over every later score (a new import rescores, it never undoes a decision).
    """

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("réseau"))
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="relevances", verbose_name=_("offre"))
    score = models.PositiveSmallIntegerField(_("score"), default=0)
    reasons = models.JSONField(_("raisons"), default=list, blank=True)
    verdict = models.CharField(_("verdict des règles"), max_length=10, choices=RelevanceVerdict.choices)
    scored_at = models.DateTimeField(_("calculé le"))
    decision = models.CharField(
        _("décision des modérateur·rices"), max_length=10, choices=RelevanceDecision.choices, blank=True
    )
    decision_reason = models.TextField(_("motif de la décision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("pertinence d'une offre pour un réseau")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "offer"],
                name="offers_relevance_once",
                violation_error_message=_("Cette offre a déjà une pertinence pour ce réseau."),
            )
        ]
        indexes = [models.Index(fields=["network", "verdict", "decision"])]

    def __str__(self) -> str:
        return f"{self.offer} · {self.network} ({self.score})"

    @property
    def is_shown(self) -> bool:
        if self.decision:
            return self.decision == RelevanceDecision.KEEP
        return self.verdict == RelevanceVerdict.SHOWN


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échoué")


class ImportPhase(models.TextChoices):
    FETCHING = "fetching", _("Téléchargement")
    CHECKING = "checking", _("Vérification du fichier")
    IMPORTING = "importing", _("Import des offres")
    RETIRING = "retiring", _("Retrait des offres disparues")


class ImportRun(models.Model):
    """One import of a feed into a source: its progress while it runs (a web page polls it), then its counts and
    the records it rejected with their reason (offers/importing.py)."""

    source = models.ForeignKey(OfferSource, on_delete=models.CASCADE, related_name="imports", verbose_name=_("source"))
    location = models.CharField(_("fichier ou adresse"), max_length=1000)
    status = models.CharField(_("état"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    phase = models.CharField(_("étape"), max_length=10, choices=ImportPhase.choices, blank=True)
    records_total = models.PositiveIntegerField(_("formations dans le flux"), default=0)
    records_done = models.PositiveIntegerField(_("formations lues"), default=0)
    sessions_done = models.PositiveIntegerField(_("sessions lues"), default=0)
    created = models.PositiveIntegerField(_("créées"), default=0)
    updated = models.PositiveIntegerField(_("mises à jour"), default=0)
    unchanged = models.PositiveIntegerField(_("inchangées"), default=0)
    retired = models.PositiveIntegerField(_("retirées"), default=0)
    rejected = models.PositiveIntegerField(_("rejetées"), default=0)
    # [{"numero", "line", "reason"}], the first 1,000 (the count says how many in all)
    rejections = models.JSONField(_("formations rejetées"), default=list, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("import d'un flux")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def percent(self) -> int:
        return min(100, self.records_done * 100 // self.records_total) if self.records_total else 0


class CompetencyOrigin(models.TextChoices):
    SUGGESTED = "suggested", _("Suggérée d'après le texte de l'offre")
    CONFIRMED = "confirmed", _("Confirmée par les modérateur·rices")
    PARTNER = "partner", _("Indiquée par la structure partenaire")


class OfferCompetency(models.Model):
    """A competency of a network's référentiel that an offer (partner, LHEO, federated, exchanges) aims at, for the
    map's filter and facet and the gaps by competency (offers/competencies.py). The member catalogues' offers are
    not linked here: their trainings' objectives link them exactly (referentiel's ObjectiveCompetency).

    The competency is its item's key (the same in every version of the référentiel). A suggested link is replaced
    at each scoring of the offer; a confirmed one, one set by the partner structure, and one a moderator removed
    (``removed``: never suggested again) are never touched by the suggestions."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("réseau"))
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="competencies", verbose_name=_("offre"))
    competency_key = models.UUIDField(_("clé de la compétence"))
    origin = models.CharField(_("origine du lien"), max_length=10, choices=CompetencyOrigin.choices)
    score = models.PositiveSmallIntegerField(_("score de la suggestion"), default=0)
    removed = models.BooleanField(_("écartée par les modérateur·rices"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("compétence visée par une offre")
        verbose_name_plural = _("compétences visées par les offres")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "offer", "competency_key"],
                name="offers_competency_once",
                violation_error_message=_("Cette offre est déjà liée à cette compétence."),
            )
        ]
        indexes = [models.Index(fields=["network", "competency_key", "removed"])]

    def __str__(self) -> str:
        return f"{self.offer} · {self.competency_key}"


class MapChange(models.Model):
    """A note that the map's tables changed, written by database triggers only (migration 0008, search.MAP_TABLES):
    on PostgreSQL one row per writing transaction, on SQLite one row. Its token tells each web process when to
    rebuild its map index (offers/map_index.py); `coopforma offers_map_prune` deletes the rows older than a day."""

    installation_content = False  # a fresh installation has its row too (core.backup: an empty installation)

    txid = models.BigIntegerField(_("transaction"), unique=True, error_messages={"unique": _("Déjà noté.")})
    n = models.PositiveIntegerField(_("écritures"), default=1)
    at = models.DateTimeField(_("noté le"), default=timezone.now)

    class Meta:
        verbose_name = _("modification de la carte")
        verbose_name_plural = _("modifications de la carte")

    def __str__(self) -> str:
        return f"{self.txid}"
