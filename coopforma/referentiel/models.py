# SPDX-License-Identifier: AGPL-3.0-or-later
"""The référentiel of a network: jobs, activities, competencies and cross-cutting blocks, in versions.

As ESCO and the ROME 4.0 do, what people cite is a published version (immutable: a correction is the next
version) and each item has two identities: its code (`M1`, `M1-C2`, `S4`, the notation people write) and its
key (a UUID shared by every version of the same item, so a renamed or re-coded item is still the same concept
and the diff between two versions follows it). Items of all kinds live in one table (`Item.kind`): the diff,
the search, the SKOS export and the stable URLs treat them alike.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import TenantModel
from coopforma.core.models import TimeStampedModel
from coopforma.networks.models import Network

DEFAULT_LICENCE = "CC BY-SA 4.0"
DEFAULT_TITLE = "Référentiel des métiers de la coopération"
LICENCE_URLS = {
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "Licence Ouverte / Open Licence 2.0 (Etalab)": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


class Referentiel(TimeStampedModel):
    """A network's référentiel (one per network)."""

    network = models.OneToOneField(
        Network, on_delete=models.CASCADE, related_name="referentiel", verbose_name=_("réseau")
    )
    title = models.CharField(_("titre"), max_length=200, default=DEFAULT_TITLE)
    licence = models.CharField(_("licence des versions publiées"), max_length=200, default=DEFAULT_LICENCE)

    class Meta:
        verbose_name = _("référentiel")

    def __str__(self) -> str:
        return str(self.title)

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS.get(self.licence, "")


class VersionState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")


class Version(TimeStampedModel):
    """One version of the référentiel: a draft while the committee prepares it, then published and frozen."""

    referentiel = models.ForeignKey(
        Referentiel, on_delete=models.CASCADE, related_name="versions", verbose_name=_("référentiel")
    )
    number = models.CharField(_("numéro"), max_length=20)
    major = models.PositiveIntegerField(default=0)
    minor = models.PositiveIntegerField(default=0)
    state = models.CharField(_("état"), max_length=20, choices=VersionState.choices, default=VersionState.DRAFT)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changelog = models.TextField(_("journal des modifications"), blank=True)

    class Meta:
        verbose_name = _("version du référentiel")
        ordering = ["-major", "-minor"]
        constraints = [
            models.UniqueConstraint(
                fields=["referentiel", "number"],
                name="referentiel_version_number_once",
                violation_error_message=_("Ce référentiel a déjà une version avec ce numéro."),
            ),
            models.UniqueConstraint(
                fields=["referentiel"],
                condition=Q(state="draft"),
                name="referentiel_one_draft",
                violation_error_message=_("Ce référentiel a déjà une version en brouillon."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referentiel} {self.number}"

    @property
    def is_published(self) -> bool:
        return self.state == VersionState.PUBLISHED


class ItemKind(models.TextChoices):
    BLOCK = "block", _("Bloc transversal")
    JOB = "job", _("Métier")
    ACTIVITY = "activity", _("Activité")
    COMPETENCY = "competency", _("Compétence")


# The levels of mastery of a competency, in order (their codes are the words of the files).
LEVELS = [
    ("notions", _("Notions")),
    ("pratique", _("Pratique")),
    ("maitrise", _("Maîtrise")),
    ("transmission", _("Transmission")),
]

# The optional cross-references, by code (their French names in REFERENCE_LABELS).
REFERENCE_KINDS = ["rome", "rncp", "rs", "nsf", "formacode"]
REFERENCE_LABELS = {
    "rome": _("Codes ROME"),
    "rncp": _("Blocs ou fiches RNCP"),
    "rs": _("Fiches du Répertoire spécifique"),
    "nsf": _("Codes NSF"),
    "formacode": _("Formacodes"),
}


class Item(models.Model):
    """A job, an activity, a competency or a block of one version."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="items", verbose_name=_("version"))
    kind = models.CharField(_("type"), max_length=20, choices=ItemKind.choices)
    key = models.UUIDField(_("clé de l'élément"), default=uuid.uuid4, help_text=_("La même dans toutes les versions."))
    code = models.CharField(_("identifiant"), max_length=30)
    label = models.CharField(_("libellé"), max_length=500)
    aliases = models.JSONField(_("autres appellations"), default=list, blank=True)
    description = models.TextField(_("mission ou définition"), blank=True)
    criteria = models.JSONField(_("critères observables"), default=list, blank=True)
    levels = models.JSONField(_("niveaux"), default=dict, blank=True)
    notes = models.JSONField(_("repères"), default=list, blank=True)
    codes = models.JSONField(_("références"), default=dict, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("métier")
    )
    blocks = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="tagged")
    position = models.PositiveIntegerField(default=0)
    search_text = models.TextField(blank=True, help_text="label, aliases and description, lower case, no accents")

    class Meta:
        verbose_name = _("élément du référentiel")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"],
                name="referentiel_item_code_once",
                violation_error_message=_("Cette version a déjà un élément avec cet identifiant."),
            ),
            models.UniqueConstraint(
                fields=["version", "key"],
                name="referentiel_item_key_once",
                violation_error_message=_("Cet élément figure déjà dans cette version."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class ProposalKind(models.TextChoices):
    ADD_COMPETENCY = "add_competency", _("Nouvelle compétence")
    ADD_ACTIVITY = "add_activity", _("Nouvelle activité")
    ADD_JOB = "add_job", _("Nouveau métier")
    REWORD = "reword", _("Reformulation")
    MERGE = "merge", _("Fusion de deux éléments")
    RETIRE = "retire_item", _("Retrait d'un élément")


class ProposalState(models.TextChoices):
    OPEN = "open", _("En discussion")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")


class Proposal(TimeStampedModel):
    """A change proposed by a member of the network, discussed, then accepted or refused by the committee.

    An accepted proposal is applied at once to the draft version (created from the latest published one if
    there is none): the draft is the sum of the accepted proposals, and its changelog lists them."""

    referentiel = models.ForeignKey(
        Referentiel, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("référentiel")
    )
    kind = models.CharField(_("nature"), max_length=20, choices=ProposalKind.choices)
    target_code = models.CharField(_("élément concerné"), max_length=30, blank=True)
    other_code = models.CharField(_("fusionné dans"), max_length=30, blank=True)
    label = models.CharField(_("libellé proposé"), max_length=500, blank=True)
    description = models.TextField(_("mission ou définition proposée"), blank=True)
    reason = models.TextField(_("raison"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("auteur")
    )
    state = models.CharField(_("état"), max_length=20, choices=ProposalState.choices, default=ProposalState.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decision_reason = models.TextField(_("motif de la décision"), blank=True)
    version = models.ForeignKey(
        Version,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("version où elle est appliquée"),
    )
    result_code = models.CharField(_("identifiant créé"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("proposition de modification")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target_code or self.label}".strip()


class ProposalComment(TimeStampedModel):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("commentaire"))

    class Meta:
        verbose_name = _("commentaire sur une proposition")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class ObjectiveCompetency(models.Model):
    """A training's operational objective (its rank in `Training.objectives`) linked to a competency of a version.

    The link that the competency records of trainees read: an acquired-skills assessment of that objective is
    evidence of that competency at that level."""

    training = models.ForeignKey(
        "catalogue.Training",
        on_delete=models.CASCADE,
        related_name="objective_competencies",
        verbose_name=_("formation"),
    )
    objective = models.PositiveSmallIntegerField(_("rang de l'objectif"), help_text=_("0 pour le premier objectif."))
    competency = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="objective_links", verbose_name=_("compétence")
    )
    level = models.CharField(_("niveau visé"), max_length=20, choices=LEVELS, blank=True)
    created_at = models.DateTimeField(_("lié le"), auto_now_add=True)

    class Meta:
        verbose_name = _("compétence d'un objectif")
        ordering = ["training", "objective", "competency__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "objective", "competency"],
                name="referentiel_objective_competency_once",
                violation_error_message=_("Cet objectif est déjà lié à cette compétence."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.training_id} #{self.objective} → {self.competency_id}"


class CredentialKey(TimeStampedModel):
    """An organisation's Ed25519 key pair that signs its trainees' verifiable credentials (docs/credentials.md).

    The private key is sealed (core.crypto, purpose « credentials.signing_key »): no page nor export shows it; the
    public key is published in the organisation's DID document (`/f/<org>/did.json`, did:web)."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="credential_key", verbose_name=_("organisme")
    )
    public_key = models.CharField(_("clé publique (base64url)"), max_length=64)
    private_key_sealed = models.TextField()
    # The key's id in the DID document (`<did>#key-1`, then key-2… after each rotation), the JWTs' `kid`.
    fragment = models.CharField(_("identifiant de la clé"), max_length=20, default="key-1")

    class Meta:
        verbose_name = _("clé de signature des attestations numériques")

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.public_key[:8]}…"


class FormerCredentialKey(TimeStampedModel):
    """A signing key the organisation replaced (`record_services.credential_key_rotate`): only its public key is
    kept, still listed in the DID document, so that the credentials it signed keep verifying; it signs nothing."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="former_credential_keys",
        verbose_name=_("organisme"),
    )
    fragment = models.CharField(_("identifiant de la clé"), max_length=20)
    public_key = models.CharField(_("clé publique (base64url)"), max_length=64)
    retired_at = models.DateTimeField(_("remplacée le"))

    class Meta:
        verbose_name = _("ancienne clé de signature des attestations numériques")
        ordering = ["retired_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "fragment"], name="referentiel_former_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.fragment}"


class IssuedCredential(TenantModel):
    """One Open Badges 3.0 credential issued to a trainee for one competency evidenced in one session.

    Issued on demand (the trainee shares it, or the staff downloads it); stored as signed so that sharing it again
    gives the same credential; revoked by the organisation (`revoked_at`), which the verification page says."""

    uid = models.UUIDField(_("identifiant"), default=uuid.uuid4, unique=True, editable=False)
    # SET_NULL: when an erased trainee's record is deleted, the revocation (and its reason) stays answerable.
    trainee = models.ForeignKey(
        "people.Trainee",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="credentials",
        verbose_name=_("stagiaire"),
    )
    session = models.ForeignKey(
        "training_sessions.Session", on_delete=models.PROTECT, related_name="+", verbose_name=_("session")
    )
    competency = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("compétence"))
    level = models.CharField(_("niveau"), max_length=20, choices=LEVELS)
    token = models.TextField(_("attestation signée (JWT)"), blank=True)  # emptied when the trainee is erased
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)
    revocation_reason = models.CharField(_("motif de la révocation"), max_length=300, blank=True)
    # Its position in the organisation's revocation list (CredentialStatusList); None for the credentials issued
    # before the list existed (their status is the table's).
    status_index = models.PositiveIntegerField(_("position dans la liste de statut"), null=True, blank=True)

    class Meta:
        verbose_name = _("attestation numérique de compétence")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "status_index"],
                name="referentiel_credential_status_index_once",
                violation_error_message=_("Cette position de la liste de statut est déjà attribuée."),
            ),
            models.UniqueConstraint(
                fields=["trainee", "session", "competency"],
                name="referentiel_credential_once",
                violation_error_message=_("Cette compétence a déjà une attestation numérique pour cette session."),
            ),
        ]

    def __str__(self) -> str:
        return f"urn:uuid:{self.uid}"


class CredentialStatusList(TimeStampedModel):
    """An organisation's revocation list (W3C Bitstring Status List v1.0): one bit per issued credential, at the
    credential's `status_index`, 1 when revoked. Published signed at `/f/<org>/attestations/statut.jwt`.

    `next_index` only grows: an index is never given twice, even when a credential's row is gone. `bits` is the
    raw bitstring (most significant bit first), kept here so that a bit stays set whatever happens to the row."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="credential_status_list",
        verbose_name=_("organisme"),
    )
    next_index = models.PositiveIntegerField(_("prochaine position"), default=0)
    bits = models.BinaryField(_("bits (révoquées)"), default=b"")

    class Meta:
        verbose_name = _("liste de révocation des attestations numériques")

    def __str__(self) -> str:
        return f"{self.organisation_id} ({self.next_index})"


class TrainerCompetencyState(models.TextChoices):
    PROPOSED = "proposed", _("Déclarée, à valider")
    VALIDATED = "validated", _("Validée par le comité")
    REFUSED = "refused", _("Refusée par le comité")


class TrainerCompetency(TimeStampedModel):
    """A competency of the référentiel that a trainer declares at a level during their onboarding (people app),
    validated or refused line by line by the committee of the competency's network."""

    trainer = models.ForeignKey(
        "people.Trainer",
        on_delete=models.CASCADE,
        related_name="referentiel_competencies",
        verbose_name=_("formateur·rice"),
    )
    competency = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="trainer_links", verbose_name=_("compétence")
    )
    level = models.CharField(_("niveau"), max_length=20, choices=LEVELS)
    state = models.CharField(
        _("état"), max_length=20, choices=TrainerCompetencyState.choices, default=TrainerCompetencyState.PROPOSED
    )
    evidence = models.TextField(_("éléments de preuve"), blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    validated_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decision_reason = models.TextField(_("motif de la décision"), blank=True)

    class Meta:
        verbose_name = _("compétence d'un·e formateur·rice")
        ordering = ["trainer", "competency__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainer", "competency"],
                name="referentiel_trainer_competency_once",
                violation_error_message=_("Cette compétence est déjà déclarée pour ce ou cette formateur·rice."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainer_id} → {self.competency_id} ({self.level})"
