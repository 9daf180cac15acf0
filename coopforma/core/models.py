# SPDX-License-Identifier: AGPL-3.0-or-later
"""Base models and the activity log (the object timelines and the Qualiopi evidence read it)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class ActivityLog(models.Model):
    """One row per business event: who did what to which record, and the fields that changed."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="activity", null=True, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    object_repr = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=100)  # "domain.noun.verb", e.g. "catalogue.training.updated"
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class OutboundEmailStatus(models.TextChoices):
    QUEUED = "queued", _("En attente d'envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")


# Why each e-mail was sent, as staff read it in the outbox: `purpose` code (given to core.mail.send_mail_logged)
# -> French label. A new purpose needs its label here (core/tests/test_email_purposes.py reads the calls).
EMAIL_PURPOSES = {
    "attendance.link": _("Lien d'émargement"),
    "billing.reminder": _("Relance de paiement"),
    "dashboard_digest": _("Récapitulatif hebdomadaire"),
    "document_diffused": _("Envoi d'un document"),
    "enquiries.acknowledgement": _("Accusé de réception d'une demande"),
    "exchanges.digest": _("Récapitulatif des échanges de savoir-faire"),
    "enquiries.received": _("Nouvelle demande reçue"),
    "evaluations.invitation": _("Questionnaire à remplir"),
    "evaluations.reminder": _("Relance de questionnaire"),
    "exchanges.arranged": _("Mise en relation pour un échange de savoir-faire"),
    "exchanges.asked": _("Mise en relation demandée par un membre"),
    "membership_invitation": _("Invitation à rejoindre l'organisme"),
    "password_reset": _("Mot de passe oublié"),
    "portal_link": _("Lien vers l'espace client et stagiaire"),
    "quality_reminder": _("Échéances qualité"),
    "sessions.message": _("Message aux participant·es d'une session"),
    "signature_code": _("Code de signature"),
    "signature_request": _("Demande de signature"),
    "tenders.digest": _("Veille des appels d'offres"),
    "tenders.consortium_reminder": _("Rappel d'une étape d'un groupement"),
}


class OutboundEmail(TimeStampedModel):
    """Every e-mail the application sends (the outbox): written first, sent by a background task, retried."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    # A message a network sends (the exchanges of know-how: no organisation sends it): its moderators and
    # facilitators read it in the network's outbox (exchanges/mail_selectors.py). Core names the model only.
    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    to = models.EmailField(_("destinataire"))
    subject = models.CharField(_("objet"), max_length=300)
    body = models.TextField(_("texte"))
    html = models.TextField(blank=True)
    purpose = models.CharField(_("motif"), max_length=60, blank=True, db_index=True)
    # The record the message is about (a document, a signature…), if any.
    ref_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    ref_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=OutboundEmailStatus.choices, default=OutboundEmailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    # The one-time links and codes of the message, encrypted (core.mail): the subject, body and html above hold
    # placeholders instead, so nobody reading the outbox can use them. Emptied once the message is sent.
    sealed_secrets = models.TextField(blank=True, editable=False)
    # Files attached when the message is sent, as references to stored files (core.mail.MailAttachment):
    # [{"storage_name", "file_name", "mime_type", "sha256"}]; read from default_storage at sending time.
    attachments = models.JSONField(_("pièces jointes"), default=list, blank=True, editable=False)
    # A « Renvoyer » of staff: the message this one sends again (core.mail.email_resend).
    resent_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="resends", editable=False
    )

    class Meta:
        verbose_name = _("e-mail envoyé")
        verbose_name_plural = _("e-mails envoyés")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"]),
            models.Index(fields=["network", "-created_at"]),
            models.Index(fields=["status", "attempts"]),
            models.Index(fields=["ref_type", "ref_id", "purpose"]),
        ]

    def __str__(self) -> str:
        return f"{self.to} — {self.readable_subject}"

    @property
    def purpose_label(self) -> str:
        """Why it was sent, in French (never the code); « — » for a message without purpose."""
        if not self.purpose:
            return "—"
        label = EMAIL_PURPOSES.get(self.purpose)
        return str(label) if label is not None else str(_("Autre message"))

    @property
    def readable_subject(self) -> str:
        from coopforma.core.mail import readable

        return readable(self.subject)

    @property
    def readable_body(self) -> str:
        from coopforma.core.mail import readable

        return readable(self.body)

    @property
    def attachment_names(self) -> list[str]:
        """The file names of the attachments (what the outbox page shows)."""
        return [str(item.get("file_name", "")) for item in self.attachments or [] if isinstance(item, dict)]


class DeliveryAttempt(models.Model):
    """One attempt at sending an outbox message (core.mail.deliver): when, whether it left, why not (in French)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    email = models.ForeignKey(OutboundEmail, on_delete=models.CASCADE, related_name="delivery_attempts")
    at = models.DateTimeField(_("le"), db_index=True)
    ok = models.BooleanField(_("envoyé"))
    error = models.TextField(_("erreur"), blank=True)  # what went wrong, in French (core.mail.explain_error)
    detail = models.TextField(_("détail technique"), blank=True)  # the transport's own words, for a technician

    class Meta:
        verbose_name = _("tentative d'envoi")
        verbose_name_plural = _("tentatives d'envoi")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.email_id} {self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'échec'}"


class PeriodicRunStatus(models.TextChoices):
    RUNNING = "running", _("En cours")
    OK = "ok", _("Terminé")
    FAILED = "failed", _("Échec")


class PeriodicRun(models.Model):
    """The last run of one periodic job of `coopforma cron` (core.periodic): claimed before it runs."""

    name = models.CharField(_("tâche"), max_length=40, unique=True)
    last_started_at = models.DateTimeField(_("dernier lancement"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("dernière fin"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=PeriodicRunStatus.choices, blank=True)
    last_output = models.TextField(_("dernière sortie"), blank=True)

    class Meta:
        verbose_name = _("tâche périodique")
        verbose_name_plural = _("tâches périodiques")

    def __str__(self) -> str:
        return self.name


class MailTextOverride(TimeStampedModel):
    """An organisation's (or a network's) own subject and body for one of the e-mails the application sends
    (core.mail_texts): exactly one of the two owns it."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    code = models.CharField(_("e-mail"), max_length=60)
    subject = models.CharField(_("objet"), max_length=300)
    body = models.TextField(_("texte"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("texte d'e-mail de l'organisme")
        verbose_name_plural = _("textes d'e-mails de l'organisme")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="mail_text_once_per_org"),
            models.UniqueConstraint(fields=["network", "code"], name="mail_text_once_per_network"),
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False, network__isnull=True)
                | models.Q(organisation__isnull=True, network__isnull=False),
                name="mail_text_one_owner",
                violation_error_message=_("Un texte d'e-mail appartient à un organisme ou à un réseau, pas aux deux."),
            ),
        ]

    def __str__(self) -> str:
        return self.code
