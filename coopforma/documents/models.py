# SPDX-License-Identifier: AGPL-3.0-or-later
"""Templates per organisation, issued documents (immutable once final) and their signatures."""

import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import TenantModel


class DocumentTemplate(TenantModel):
    """An organisation's text for one document kind (typst markup with keywords)."""

    kind = models.CharField(_("type de document"), max_length=40)
    name = models.CharField(_("nom"), max_length=200)
    body = models.TextField(_("texte du modèle"))
    # A simple template (documents/structured.py): its title and sections, of which `body` is the compiled text.
    # None: a code template (typst + Jinja written by hand). Structured → code is allowed, not the reverse.
    structure = models.JSONField(_("modèle simple (sections)"), null=True, blank=True)
    is_active = models.BooleanField(_("modèle utilisé pour ce type"), default=True)
    requires_quality_signature = models.BooleanField(
        _("signature du ou de la responsable de l'OF requise"), default=False
    )
    signers = models.JSONField(_("signataires"), default=list, blank=True)  # among client, trainee, trainer
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("modèle de document")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=models.Q(is_active=True),
                name="one_active_template_per_kind",
                violation_error_message=_("Un seul modèle peut être en usage pour ce type de document."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    FINAL = "final", _("Définitif")
    AWAITING_SIGNATURES = "awaiting_signatures", _("En attente de signatures")
    SIGNED = "signed", _("Signé")
    DIFFUSED = "diffused", _("Diffusé")
    REPLACED = "replaced", _("Remplacé par une nouvelle version")


def _verification_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
    return "".join(secrets.choice(alphabet) for _ in range(10))


class Document(TenantModel):
    """A generated document. Once final, its file and SHA-256 never change; a correction is a new version."""

    kind = models.CharField(_("type de document"), max_length=40)
    title = models.CharField(_("titre"), max_length=300)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.BigIntegerField()
    # The session the document belongs to (for the session's documents page and bulk actions), if any.
    session_id_ref = models.BigIntegerField(null=True, blank=True, db_index=True)
    template = models.ForeignKey(DocumentTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    template_body = models.TextField()  # the text used, as it was
    context = models.JSONField(default=dict)  # every value printed, as it was
    status = models.CharField(_("état"), max_length=30, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    file = models.FileField(upload_to="documents/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    verification_code = models.CharField(max_length=12, unique=True, default=_verification_code)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requires_quality_signature = models.BooleanField(default=False)
    signers = models.JSONField(default=list, blank=True)
    signed_file = models.FileField(upload_to="documents/signed/%Y/%m/", blank=True)
    signed_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    diffused_at = models.DateTimeField(null=True, blank=True)
    scan = models.FileField(_("copie signée numérisée"), upload_to="documents/scans/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("document")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "subject_type", "subject_id", "kind"])]

    def __str__(self) -> str:
        return self.title


class DeliveryVia(models.TextChoices):
    DIFFUSION = "diffusion", _("Diffusion du document")
    ATTACHMENT = "attachment", _("Joint à un autre document (convocation)")


class Delivery(TenantModel):
    """A document that reached a person: e-mailed to them with a link to their portal, where they read and
    download it — on its own (diffusion) or with their convocation (the programme and the règlement intérieur
    the convocation says are attached). Qualiopi indicator 9 counts these, not documents merely issued."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="deliveries")
    name = models.CharField(_("destinataire"), max_length=200)
    email = models.EmailField(_("e-mail"))
    via = models.CharField(_("remis par"), max_length=12, choices=DeliveryVia.choices)
    with_document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("joint à")
    )

    class Meta:
        verbose_name = _("remise d'un document")
        verbose_name_plural = _("remises de documents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "email"])]

    def __str__(self) -> str:
        return f"{self.document} → {self.email}"


class SignatureStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    SIGNED = "signed", _("Signé")
    REVOKED = "revoked", _("Annulé")


class SignatoryRole(models.TextChoices):
    """In what capacity a person signs a document (shown on the signing page, the list and the PDF's block)."""

    QUALITY = "quality", _("Pour l'organisme de formation")
    CLIENT = "client", _("Client")
    TRAINEE = "trainee", _("Stagiaire")
    TRAINER = "trainer", _("Formateur·rice")


class Signature(TenantModel):
    """A simple electronic signature (eIDAS « simple »): link by e-mail, code by e-mail, typed name."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(_("qualité"), max_length=20, choices=SignatoryRole.choices)
    signer_name = models.CharField(_("nom du ou de la signataire"), max_length=200)
    signer_email = models.EmailField(_("e-mail"))
    status = models.CharField(max_length=20, choices=SignatureStatus.choices, default=SignatureStatus.PENDING)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    typed_name = models.CharField(max_length=200, blank=True)
    drawn_signature = models.TextField(blank=True)  # SVG path data, optional
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)  # the hash the signer saw and signed
    # What the signer stated by ticking it when signing, e.g. the express request of L221-25 Code de la
    # consommation: [{"article": …, "text": …, "at": ISO 8601}].
    statements = models.JSONField(_("déclarations faites en signant"), default=list, blank=True)

    class Meta:
        verbose_name = _("signature")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.signer_name} ({self.get_role_display()})"
