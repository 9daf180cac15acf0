# SPDX-License-Identifier: AGPL-3.0-or-later
"""An organisation's webhook endpoints, the deliveries of events to them and each attempt of a delivery."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import TenantModel
from coopforma.webhooks.events import BY_CODE


class WebhookEndpoint(TenantModel):
    """An HTTPS address of the organisation that receives the events it chose, signed with its own secret."""

    url = models.URLField(_("adresse"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("événements"), default=list, blank=True)  # event codes (events.py)
    is_active = models.BooleanField(_("actif"), default=True)
    # The signing secret, encrypted (core.crypto, purpose "webhooks.secret"): shown once at creation or
    # rotation, never again; only the sending task opens it to sign.
    sealed_secret = models.TextField(editable=False)
    secret_rotated_at = models.DateTimeField(_("secret renouvelé le"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("point de réception (webhook)")
        verbose_name_plural = _("points de réception (webhooks)")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.url

    @property
    def event_labels(self) -> list[str]:
        return [str(BY_CODE[code].label) for code in self.events if code in BY_CODE]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    SUCCEEDED = "succeeded", _("Remise")
    FAILED = "failed", _("Abandonnée")


class WebhookDelivery(TenantModel):
    """One event for one endpoint: the exact body sent, signed again at each attempt, until it is accepted (2xx)
    or the retries run out. A replay is a new delivery of the same event (same event id, same body)."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(_("identifiant de l'événement"), default=uuid.uuid4, db_index=True)
    event_type = models.CharField(_("événement"), max_length=60)
    body = models.TextField(editable=False)  # the JSON payload as sent (the signature covers these bytes)
    status = models.CharField(_("état"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("remise le"), null=True, blank=True)
    replay_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("rejeu de")
    )

    class Meta:
        verbose_name = _("envoi de webhook")
        verbose_name_plural = _("envois de webhooks")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id}"

    @property
    def event_label(self) -> str:
        event = BY_CODE.get(self.event_type)
        return str(event.label) if event else self.event_type


class WebhookAttempt(TenantModel):
    """One HTTP request of a delivery, with what came back."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_rows")
    number = models.PositiveSmallIntegerField(_("n°"))
    status_code = models.PositiveSmallIntegerField(_("code HTTP"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("durée (ms)"), default=0)
    response_excerpt = models.TextField(_("début de la réponse"), blank=True)
    error = models.CharField(_("erreur"), max_length=500, blank=True)
    succeeded = models.BooleanField(_("réussie"), default=False)

    class Meta:
        verbose_name = _("tentative d'envoi")
        verbose_name_plural = _("tentatives d'envoi")
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"
