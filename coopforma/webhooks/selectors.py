# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the webhooks app, scoped to the actor's organisation (404 for "missing or not yours")."""

from django.db.models import Count, QuerySet
from django.http import Http404

from coopforma.accounts.actor import Actor
from coopforma.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

FLAG = "org.manage"


def endpoint_list(*, actor: Actor) -> QuerySet[WebhookEndpoint]:
    actor.require(FLAG)
    return (
        WebhookEndpoint.objects.filter(organisation_id=actor.organisation_id)
        .defer("sealed_secret")
        .annotate(delivery_count=Count("deliveries"))
    )


def endpoint_get(*, actor: Actor, endpoint_id: int) -> WebhookEndpoint:
    actor.require(FLAG)
    endpoint = (
        WebhookEndpoint.objects.filter(organisation_id=actor.organisation_id, pk=endpoint_id)
        .defer("sealed_secret")
        .first()
    )
    if endpoint is None:
        raise Http404
    return endpoint


def delivery_list(*, actor: Actor, endpoint_id: int, limit: int = 100) -> QuerySet[WebhookDelivery]:
    """The endpoint's latest deliveries, newest first."""
    endpoint = endpoint_get(actor=actor, endpoint_id=endpoint_id)
    return WebhookDelivery.objects.filter(organisation_id=actor.organisation_id, endpoint=endpoint).defer("body")[
        :limit
    ]


def delivery_get(*, actor: Actor, delivery_id: int) -> WebhookDelivery:
    actor.require(FLAG)
    delivery = (
        WebhookDelivery.objects.select_related("endpoint")
        .defer("endpoint__sealed_secret")
        .filter(organisation_id=actor.organisation_id, pk=delivery_id)
        .first()
    )
    if delivery is None:
        raise Http404
    return delivery


def attempt_list(*, actor: Actor, delivery: WebhookDelivery) -> QuerySet[WebhookAttempt]:
    return WebhookAttempt.objects.filter(organisation_id=actor.organisation_id, delivery=delivery)
