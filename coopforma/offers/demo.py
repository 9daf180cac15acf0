# SPDX-License-Identifier: AGPL-3.0-or-later
"""This app's part of the demo: the network's relevance rules for cooperation, the demo cooperative's published
catalogue as offers of the map (source a), and two offers of the partner structures (source d): a learning
expedition the moderator published, a community of practice awaiting moderation. Through the services."""

from __future__ import annotations

import datetime as dt

from coopforma.accounts.demo import DemoContext
from coopforma.networks.access import actor_for
from coopforma.networks.demo import NETWORK_SLUG
from coopforma.networks.models import Network, PartnerStructure
from coopforma.offers import relevance, services
from coopforma.offers.models import ExperienceMode

# What "on cooperation" means for the demo network. No Formacode yet: the moderators add the ones they checked in
# the Formacode thesaurus (docs/networks.md); NSF 310, 315 and 413 are broad, so they only count with a keyword.
KEYWORDS = [
    "coopérative",
    "coopération",
    "Scop",
    "Scic",
    "CAE",
    "coopérative d'activité et d'emploi",
    "ESS",
    "économie sociale et solidaire",
    "gouvernance partagée",
    "PTCE",
    "pôle territorial de coopération économique",
    "tiers-lieu",
    "fabrique à initiatives",
    "intelligence collective",
    "facilitation",
    "sociocratie",
    "entrepreneuriat collectif",
    "développement territorial",
    "utilité sociale",
    "mutualisation",
]
NSF_CODES = ["310", "315", "413"]


def load(ctx: DemoContext) -> None:
    network = Network.objects.get(slug=NETWORK_SLUG)
    actor = actor_for(ctx.users["admin"], network)
    services.rules_update(
        actor=actor,
        keywords=KEYWORDS,
        nsf_codes=NSF_CODES,
        formacodes=[],
        known_sirets=[ctx.org.siret] if ctx.org.siret else [],
    )
    services.sync_member_catalogue(ctx.org.pk)
    ptce = PartnerStructure.objects.get(network=network, name="Pôle Coop'Rhône")
    third_place = PartnerStructure.objects.get(network=network, name="La Fabrique des Pentes")
    expedition = services.partner_offer_create(
        actor=actor,
        partner_id=ptce.pk,
        title="Expédition apprenante : trois PTCE de la vallée du Rhône",
        summary=(
            "Trois jours de visites chez trois pôles territoriaux de coopération économique, avec leurs "
            "coordinateur·rices : gouvernance partagée, modèle socio-économique, relations avec les collectivités. "
            "Un temps de capitalisation clôt chaque journée."
        ),
        objectives="Comprendre comment naît et se gouverne un PTCE ; repartir avec des pistes pour son territoire.",
        experience_mode=ExperienceMode.LEARNING_EXPEDITION,
        modality="on_site",
        nsf_codes=["310"],
        session={
            "start": ctx.today + dt.timedelta(days=45),
            "end": ctx.today + dt.timedelta(days=47),
            "city": "Valence",
            "postal_code": "26000",
            "places_left": 12,
        },
    )
    services.partner_offer_publish(actor=actor, offer_id=expedition.pk)
    services.partner_offer_create(
        actor=actor,
        partner_id=third_place.pk,
        title="Communauté de pratique des facilitateur·rices de tiers-lieux",
        summary=(
            "Une demi-journée par mois entre pairs : chacun·e apporte une situation vécue dans son tiers-lieu, "
            "le groupe l'analyse (co-développement) et documente ce qui a été appris."
        ),
        experience_mode=ExperienceMode.COMMUNITY_OF_PRACTICE,
        modality="on_site",
        session={
            "start": ctx.today + dt.timedelta(days=20),
            "end": ctx.today + dt.timedelta(days=20),
            "city": "Lyon",
            "postal_code": "69001",
            "places_left": 15,
        },
    )
    relevance.score_offers(network)
