# SPDX-License-Identifier: AGPL-3.0-or-later
"""This app's part of the demo cooperative: requests sent from the public catalogue, through the same service as
the public forms (with their e-mails), then one taken up by the quality manager with a note. Deterministic."""

from django.utils import timezone

from coopforma.accounts.demo import DemoContext
from coopforma.catalogue.models import Training, TrainingStatus
from coopforma.enquiries import services
from coopforma.training_sessions.models import Session, SessionStatus


def load(ctx: DemoContext) -> None:
    org = ctx.org
    upcoming = list(
        Session.objects.filter(
            organisation=org,
            is_public=True,
            status__in=(SessionStatus.DRAFT, SessionStatus.CONFIRMED),
            start_date__gte=timezone.localdate(),
            training__is_public=True,
            training__status=TrainingStatus.VALIDATED,
        ).order_by("start_date", "pk")[:2]
    )
    person = {"requester_kind": "individual", "funding_hint": "self"}
    if upcoming:
        first = services.enquiry_submit(
            organisation_slug=org.slug,
            session_id=upcoming[0].pk,
            consent=True,
            data={
                **person,
                "first_name": "Inès",
                "last_name": "Baptiste",
                "email": "ines.baptiste@example.org",
                "phone": "06 45 12 78 90",
                "message": "Je me reconvertis vers l'accompagnement de projets coopératifs.",
            },
        )
        services.enquiry_set_status(
            actor=ctx.actor("quality"),
            enquiry_id=first.pk,
            status="in_progress",
            note="Rappelée : elle attend la réponse de Transitions Pro.",
        )
    if len(upcoming) > 1:
        services.enquiry_submit(
            organisation_slug=org.slug,
            session_id=upcoming[1].pk,
            consent=True,
            data={
                **person,
                "first_name": "Hugo",
                "last_name": "Lemaire",
                "email": "hugo.lemaire@example.org",
                "funding_hint": "cpf",
            },
        )
    training = (
        Training.objects.filter(organisation=org, is_public=True, status=TrainingStatus.VALIDATED)
        .order_by("pk")
        .first()
    )
    if training is not None:
        services.enquiry_submit(
            organisation_slug=org.slug,
            training_id=training.pk,
            consent=True,
            data={
                "requester_kind": "company",
                "first_name": "Claire",
                "last_name": "Dubreuil",
                "email": "claire.dubreuil@example.org",
                "company_name": "Biocoop des Pentes",
                "people_count": 8,
                "wished_period": "au printemps",
                "wished_place": "dans nos locaux, à Lyon",
                "funding_hint": "opco",
                "message": "Une session intra pour l'équipe du magasin.",
            },
        )
