# SPDX-License-Identifier: AGPL-3.0-or-later
"""This app's part of the demo (after networks/demo.py and referentiel/demo.py): the exchanges of know-how of
« Réseau des formations coopératives ».

- four joined members, each with offers and requests in the référentiel's competencies: Claire Dubois (the
  administrator, for herself), Martine Girard for the tiers-lieu « La Fabrique des Pentes » and for the PTCE
  « Pôle Coop'Rhône », and the demo trainer; all but Claire agreed to appear on the map and in the exports;
- an arranged exchange (a suggestion the facilitator turned into a meeting): a visit of the tiers-lieu ten days
  ago, Claire's debrief in référentiel competencies, and the sheet both wrote, published under CC BY-SA;
- a learning expedition in five weeks: two hosts (the PTCE and the tiers-lieu), a cohort, a timetable, its
  logistics and a first entry of its log, public on the map with every participant's agreement.

ORM writes (as referentiel/demo.py does for what has no service on this branch): the exchanges' services arrive
with their pages. The map is then published through `publication.publish_network`. Idempotent: a network that
already has exchange members is left as it is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from coopforma.accounts.demo import DemoContext
from coopforma.exchanges import publication
from coopforma.exchanges.models import (
    Artefact,
    ArtefactKind,
    Conditions,
    Debrief,
    DebriefCompetency,
    Exchange,
    ExchangeFormat,
    ExchangeKind,
    ExchangeState,
    Licence,
    Listing,
    ListingKind,
    LogEntry,
    Member,
    Participant,
    ParticipantRole,
    Step,
    Suggestion,
    SuggestionState,
)
from coopforma.networks.models import Network, NetworkPerson, NetworkRole, PartnerStructure
from coopforma.referentiel.models import Item, ItemKind, VersionState

NETWORK_SLUG = "formations-cooperatives"
LYON = {"city": "Lyon", "insee_code": "69123", "department": "69", "latitude": 45.7485, "longitude": 4.8467}
VILLEURBANNE = {
    "city": "Villeurbanne",
    "insee_code": "69266",
    "department": "69",
    "latitude": 45.7667,
    "longitude": 4.8833,
}


def _competencies(network: Network) -> dict[str, Item]:
    """The competencies of the network's published référentiel, by code (M4-C1…)."""
    items = Item.objects.filter(
        version__referentiel__network=network, version__state=VersionState.PUBLISHED, kind=ItemKind.COMPETENCY
    ).order_by("-version__major", "code")
    found: dict[str, Item] = {}
    for item in items:
        found.setdefault(item.code, item)
    return found


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _listing(member: Member, competencies: dict[str, Item], codes: list[str], **fields: Any) -> Listing:
    values = {"city": member.city, "insee_code": member.insee_code, "department": member.department}
    values.update(fields)
    listing = Listing.objects.create(network=member.network, member=member, **values)
    listing.competencies.set([competencies[code] for code in codes if code in competencies])
    return listing


def load(ctx: DemoContext) -> None:
    network = Network.objects.filter(slug=NETWORK_SLUG).first()
    admin, manager = ctx.users.get("admin"), ctx.users.get("manager")
    if network is None or admin is None or manager is None:
        return
    if Member.objects.filter(network=network).exists():
        return
    competencies = _competencies(network)
    now = timezone.now()
    ptce = PartnerStructure.objects.filter(network=network, name="Pôle Coop'Rhône").first()
    third_place = PartnerStructure.objects.filter(network=network, name="La Fabrique des Pentes").first()

    claire = Member.objects.create(
        network=network,
        user=admin,
        display_name=admin.get_full_name() or "Claire Dubois",
        presentation="Responsable pédagogique de la coopérative de formation Ensemble.",
        email=admin.email,
        charter_accepted_at=now,
        joined_at=now,
        on_map=False,  # she did not (yet) agree to appear on the map
        **LYON,
    )
    fabrique = Member.objects.create(
        network=network,
        user=manager,
        partner=third_place,
        display_name="La Fabrique des Pentes",
        presentation="Tiers-lieu associatif des pentes de la Croix-Rousse : atelier partagé, café, communauté.",
        email="bonjour@fabrique-des-pentes.example",
        charter_accepted_at=now,
        joined_at=now,
        on_map=True,
        **LYON,
    )
    pole = Member.objects.create(
        network=network,
        user=manager,
        partner=ptce,
        display_name="Pôle Coop'Rhône",
        presentation="PTCE de la vallée du Rhône : réemploi, alimentation, coopérations entre entreprises de l'ESS.",
        email="contact@coop-rhone.example",
        charter_accepted_at=now,
        joined_at=now,
        on_map=True,
        **LYON,
    )
    members = [claire, fabrique, pole]
    trainer = ctx.users.get("trainer")
    if trainer is not None:
        NetworkPerson.objects.get_or_create(network=network, user=trainer, defaults={"role": NetworkRole.MEMBER})
        members.append(
            Member.objects.create(
                network=network,
                user=trainer,
                display_name=trainer.get_full_name() or "Formateur·rice",
                presentation="Formateur en facilitation et en intelligence collective.",
                charter_accepted_at=now,
                joined_at=now,
                on_map=True,
                **VILLEURBANNE,
            )
        )

    # Offers and requests (the reciprocal principle: each member has at least one of each).
    community = _listing(
        fabrique,
        competencies,
        ["M4-C1", "M4-C5"],
        kind=ListingKind.OFFER,
        title="Animer la communauté d'un tiers-lieu",
        description="Accueil des nouveaux usager·es, règles communes, programmation avec la communauté.",
        level="pratique",
        formats=[ExchangeFormat.VISIT, ExchangeFormat.SHADOWING, ExchangeFormat.COMMUNITY_OF_PRACTICE],
        availability="Le mardi et le jeudi, sur rendez-vous.",
        conditions=Conditions.RECIPROCITY,
    )
    _listing(
        fabrique,
        competencies,
        ["M3-C2"],
        kind=ListingKind.REQUEST,
        title="Construire un modèle économique hybride",
        formats=[ExchangeFormat.MENTORING],
        conditions=Conditions.RECIPROCITY,
    )
    _listing(
        pole,
        competencies,
        ["M3-C3", "M3-C5"],
        kind=ListingKind.OFFER,
        title="Faire coopérer des acteurs aux logiques différentes",
        description="Comment le pôle réunit entreprises, collectivités et habitant·es : gouvernance, instances.",
        formats=[ExchangeFormat.LEARNING_EXPEDITION, ExchangeFormat.IMMERSION],
        conditions=Conditions.COST_SHARING,
        available_from=ctx.today,
        available_until=ctx.today + dt.timedelta(days=180),
    )
    _listing(
        pole,
        competencies,
        ["M4-C5"],
        kind=ListingKind.REQUEST,
        title="Documenter nos pratiques de coopération",
        formats=[ExchangeFormat.WORKSHOP, ExchangeFormat.CODEVELOPMENT],
        is_remote=True,
    )
    _listing(
        claire,
        competencies,
        ["M3-C5"],
        kind=ListingKind.OFFER,
        title="Évaluer l'utilité sociale d'une formation",
        formats=[ExchangeFormat.WORKSHOP],
        conditions=Conditions.FREE,
    )
    request = _listing(
        claire,
        competencies,
        ["M4-C1"],
        kind=ListingKind.REQUEST,
        title="Animer une communauté apprenante",
        formats=[ExchangeFormat.VISIT],
    )
    if len(members) > 3:
        _listing(
            members[3],
            competencies,
            ["M3-C3"],
            kind=ListingKind.OFFER,
            title="Faciliter un codéveloppement",
            formats=[ExchangeFormat.CODEVELOPMENT],
            is_remote=True,
        )
        _listing(
            members[3],
            competencies,
            ["M3-C2"],
            kind=ListingKind.REQUEST,
            title="Comprendre le modèle économique d'un PTCE",
            formats=[ExchangeFormat.LEARNING_EXPEDITION],
        )

    # An arranged exchange: the visit ten days ago, Claire's debrief, their sheet.
    visit_day = ctx.today - dt.timedelta(days=10)
    visit = Exchange.objects.create(
        network=network,
        title="Visite de La Fabrique des Pentes",
        format=ExchangeFormat.VISIT,
        state=ExchangeState.DONE,
        facilitator=admin,
        offer=community,
        plan="Une matinée au tiers-lieu : tour du lieu, rencontre avec la communauté, temps d'échange sur les règles.",
        starts_on=visit_day,
        ends_on=visit_day,
    )
    visit.competencies.set([competencies[c] for c in ("M4-C1",) if c in competencies])
    Suggestion.objects.create(
        network=network,
        offer=community,
        request=request,
        score=80,
        reasons=[{"code": "competency", "label": "Compétence en commun"}, {"code": "distance", "label": "Même ville"}],
        state=SuggestionState.ARRANGED,
        decided_by=admin,
        decided_at=now,
        exchange=visit,
    )
    host = Participant.objects.create(
        exchange=visit, member=fabrique, role=ParticipantRole.PROVIDER, contact_consent_at=now, on_map=True
    )
    learner = Participant.objects.create(
        exchange=visit, member=claire, role=ParticipantRole.LEARNER, request=request, contact_consent_at=now
    )
    step = Step.objects.create(
        exchange=visit,
        title="Visite du tiers-lieu",
        starts_at=_at(visit_day, 9),
        ends_at=_at(visit_day, 12),
        host=fabrique,
        place="3 montée de la Grande-Côte, Lyon",
    )
    step.present.set([host, learner])
    debrief = Debrief.objects.create(
        participant=learner,
        learnt="Accueillir un nouveau membre en binôme ; écrire les règles communes avec celles et ceux qui les "
        "vivent.",
        next_steps="Essayer le binôme d'accueil avec les stagiaires de la coopérative.",
        rating=5,
    )
    if "M4-C1" in competencies:
        DebriefCompetency.objects.create(debrief=debrief, competency=competencies["M4-C1"], level="pratique")
    sheet = Artefact.objects.create(
        exchange=visit,
        kind=ArtefactKind.SHEET,
        title="Accueillir un nouveau membre en binôme",
        body="1. Un binôme d'accueil par arrivée.\n2. Une visite du lieu.\n3. Les règles communes relues ensemble.",
        licence=Licence.CC_BY_SA,
        published_at=now,
    )
    sheet.authors.set([fabrique, claire])

    # A learning expedition in five weeks: two hosts, a cohort, a timetable, logistics, a log.
    first_day = ctx.today + dt.timedelta(days=35)
    expedition = Exchange.objects.create(
        network=network,
        kind=ExchangeKind.EXPEDITION,
        title="Expédition apprenante : coopérer sur un territoire, du PTCE au tiers-lieu",
        format=ExchangeFormat.LEARNING_EXPEDITION,
        state=ExchangeState.PLANNED,
        facilitator=admin,
        plan="Deux jours, deux lieux : la gouvernance du pôle, puis la communauté du tiers-lieu ; un temps de "
        "capitalisation chaque soir.",
        logistics="Train jusqu'à Lyon Part-Dieu, puis transports en commun. Déjeuners sur place, partagés.",
        starts_on=first_day,
        ends_on=first_day + dt.timedelta(days=1),
        is_public=True,
    )
    expedition.competencies.set([competencies[c] for c in ("M3-C3", "M4-C1") if c in competencies])
    Participant.objects.create(exchange=expedition, member=pole, role=ParticipantRole.HOST, on_map=True)
    Participant.objects.create(exchange=expedition, member=fabrique, role=ParticipantRole.HOST, on_map=True)
    for member in members[:1] + members[3:]:
        Participant.objects.create(exchange=expedition, member=member, role=ParticipantRole.LEARNER, on_map=True)
    Step.objects.create(
        exchange=expedition,
        title="Journée au Pôle Coop'Rhône",
        starts_at=_at(first_day, 9),
        ends_at=_at(first_day, 17),
        host=pole,
        place="12 quai Perrache, Lyon",
    )
    Step.objects.create(
        exchange=expedition,
        title="Journée à La Fabrique des Pentes",
        starts_at=_at(first_day + dt.timedelta(days=1), 9),
        ends_at=_at(first_day + dt.timedelta(days=1), 17),
        host=fabrique,
        place="3 montée de la Grande-Côte, Lyon",
    )
    LogEntry.objects.create(
        exchange=expedition, author=pole, body="Programme envoyé à la cohorte ; reste à réserver la salle du soir."
    )
    publication.publish_network(network)
