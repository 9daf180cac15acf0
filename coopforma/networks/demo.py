# SPDX-License-Identifier: AGPL-3.0-or-later
"""This app's part of the demo: « Réseau des formations coopératives », with the demo cooperative as member
organisation, its administrator (Claire Dubois) as moderator, the member-structure manager (Martine Girard) as
member, and two partner structures published by the moderator: a PTCE and a tiers-lieu.

Creating the network and naming its first moderator is the staff superuser's step in the Django admin (no
service: the ORM writes it here); the rest goes through the network's services.
"""

from __future__ import annotations

from coopforma.accounts.demo import DEMO_SLUG, DemoContext, siret_for
from coopforma.networks import services
from coopforma.networks.access import actor_for
from coopforma.networks.models import Network, NetworkPerson, NetworkRole, PartnerKind

NETWORK_SLUG = "formations-cooperatives"
NETWORK_NAME = "Réseau des formations coopératives"

PARTNERS = [
    {
        "name": "Pôle Coop'Rhône",
        "kind": PartnerKind.PTCE,
        "siret": siret_for(91_522_408),
        "description": (
            "Pôle territorial de coopération économique de la vallée du Rhône : une Scic qui réunit entreprises de "
            "l'ESS, collectivités et habitant·es autour du réemploi et de l'alimentation. Le pôle accueille des "
            "expéditions apprenantes et accompagne l'émergence d'autres PTCE (transfert de savoir-faire)."
        ),
        "website": "https://coop-rhone.example",
        "email": "contact@coop-rhone.example",
        "street": "12 quai Perrache",
        "postal_code": "69002",
        "city": "Lyon",
        "insee_code": "69382",
        "latitude": 45.7485,
        "longitude": 4.8262,
    },
    {
        "name": "La Fabrique des Pentes",
        "kind": PartnerKind.THIRD_PLACE,
        "siret": siret_for(88_104_551),
        "description": (
            "Tiers-lieu associatif des pentes de la Croix-Rousse : atelier partagé, espace de travail et café. "
            "Il anime une communauté de pratique des facilitateur·rices de tiers-lieux de la région."
        ),
        "website": "https://fabrique-des-pentes.example",
        "email": "bonjour@fabrique-des-pentes.example",
        "street": "3 montée de la Grande-Côte",
        "postal_code": "69001",
        "city": "Lyon",
        "insee_code": "69381",
        "latitude": 45.7699,
        "longitude": 4.8317,
    },
]


def load(ctx: DemoContext) -> None:
    admin, manager = ctx.users["admin"], ctx.users["manager"]
    # The staff superuser's step in the admin: the network and its first moderator.
    network, _created = Network.objects.get_or_create(
        slug=NETWORK_SLUG,
        defaults={
            "name": NETWORK_NAME,
            "description": (
                "Le réseau des organismes de formation coopératifs, des PTCE, tiers-lieux et fabriques qui forment "
                "à la coopération : qui forme à quoi, où, et ce qui manque encore."
            ),
            "contact_email": "reseau@ensemble.example",
        },
    )
    NetworkPerson.objects.get_or_create(network=network, user=admin, defaults={"role": NetworkRole.MODERATOR})
    actor = actor_for(admin, network)
    services.membership_add(actor=actor, organisation_slug=DEMO_SLUG)
    services.person_add(actor=actor, email=manager.email, role=NetworkRole.MEMBER)
    for spec in PARTNERS:
        partner = services.partner_propose(actor=actor, **spec)
        services.partner_publish(actor=actor, partner_id=partner.pk)
        services.partner_manager_add(actor=actor, partner_id=partner.pk, email=manager.email)
