# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchanges' tests: a network with its people, members who joined (one offer and one request each), and an
exchange between two of them; `objects_with_id` for tests/test_every_route.py."""

import datetime as dt
import itertools
from typing import Any

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from coopforma.accounts.models import User
from coopforma.accounts.tests.factories import UserFactory
from coopforma.exchanges.models import (
    Artefact,
    ArtefactKind,
    Debrief,
    Exchange,
    ExchangeFormat,
    Licence,
    Listing,
    ListingKind,
    LogEntry,
    Member,
    Milestone,
    Participant,
    ParticipantRole,
    Step,
    Suggestion,
)
from coopforma.networks.models import Network, NetworkPerson, NetworkRole
from coopforma.networks.tests.factories import NetworkFactory, walk_network

_n = itertools.count(1)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    network = factory.SubFactory(NetworkFactory)
    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Membre {n}")
    email = factory.Sequence(lambda n: f"membre{n}@example.org")
    phone = "06 12 34 56 78"
    city = "Lyon"
    insee_code = "69123"
    department = "69"
    latitude = 45.758
    longitude = 4.835
    charter_accepted_at = factory.LazyFunction(timezone.now)
    joined_at = factory.LazyFunction(timezone.now)


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Listing

    member = factory.SubFactory(MemberFactory)
    network = factory.LazyAttribute(lambda o: o.member.network)
    kind = ListingKind.OFFER
    title = factory.Sequence(lambda n: f"Animer une réunion en gouvernance partagée {n}")
    description = "Des outils concrets, essayés dans notre tiers-lieu."
    formats = factory.LazyFunction(lambda: [ExchangeFormat.VISIT])
    city = factory.LazyAttribute(lambda o: o.member.city)
    insee_code = factory.LazyAttribute(lambda o: o.member.insee_code)
    department = factory.LazyAttribute(lambda o: o.member.department)
    latitude = factory.LazyAttribute(lambda o: o.member.latitude)
    longitude = factory.LazyAttribute(lambda o: o.member.longitude)


def joined_member(network: Network, user: User | None = None, **fields: Any) -> Member:
    """A network person (role « Membre » unless they have one) who joined with one offer and one request."""
    user = user or UserFactory()
    NetworkPerson.objects.get_or_create(network=network, user=user, defaults={"role": NetworkRole.MEMBER})
    member = MemberFactory(network=network, user=user, **fields)
    ListingFactory(member=member, kind=ListingKind.OFFER)
    ListingFactory(member=member, kind=ListingKind.REQUEST, title=f"Apprendre le codéveloppement {next(_n)}")
    return member


def exchange_between(provider: Member, learner: Member, **fields: Any) -> Exchange:
    """A planned exchange of `provider`'s first offer with `learner`, with one step tomorrow 9:00–12:00."""
    offer = provider.listings.filter(kind=ListingKind.OFFER).first()
    values: dict[str, Any] = {
        "network": provider.network,
        "title": offer.title if offer else "Échange",
        "format": ExchangeFormat.VISIT,
        "offer": offer,
        "starts_on": timezone.localdate() + dt.timedelta(days=1),
    }
    values.update(fields)
    exchange = Exchange.objects.create(**values)
    Participant.objects.create(exchange=exchange, member=provider, role=ParticipantRole.PROVIDER)
    Participant.objects.create(
        exchange=exchange,
        member=learner,
        role=ParticipantRole.LEARNER,
        request=learner.listings.filter(kind=ListingKind.REQUEST).first(),
    )
    start = timezone.make_aware(dt.datetime.combine(values["starts_on"], dt.time(9)))
    Step.objects.create(exchange=exchange, title="Visite", starts_at=start, ends_at=start + dt.timedelta(hours=3))
    return exchange


def objects_with_id(i: int, **records: Any) -> None:
    """tests/test_every_route.py: in the network `i` (records["admin"] is a moderator, so a facilitator), a member
    `i` (the admin) with an offer `i`, a request, an exchange `i` with the participant `i`, a step, a milestone,
    a log entry, a debrief, an artefact and a suggestion, all with id `i`."""
    network = walk_network(i, **records)
    mark = records["mark"]
    admin = records["admin"]
    other = UserFactory()
    NetworkPerson.objects.create(network=network, user=other, role=NetworkRole.MEMBER)
    member = MemberFactory(pk=i, network=network, user=admin, display_name=f"Membre {mark}", on_map=True)
    peer = MemberFactory(network=network, user=other, display_name=f"Pair {mark}")
    offer = ListingFactory(pk=i, member=member, kind=ListingKind.OFFER, title=f"Savoir-faire {mark}")
    ListingFactory(member=member, kind=ListingKind.REQUEST, title=f"Demande {mark}")
    request = ListingFactory(member=peer, kind=ListingKind.REQUEST, title=f"Demande du pair {mark}")
    ListingFactory(member=peer, kind=ListingKind.OFFER, title=f"Offre du pair {mark}")
    exchange = Exchange.objects.create(
        pk=i, network=network, title=f"Échange {mark}", format=ExchangeFormat.VISIT, offer=offer, facilitator=admin
    )
    participant = Participant.objects.create(
        pk=i, exchange=exchange, member=member, role=ParticipantRole.PROVIDER, contact_consent_at=timezone.now()
    )
    Participant.objects.create(exchange=exchange, member=peer, role=ParticipantRole.LEARNER, request=request)
    start = timezone.make_aware(dt.datetime(2026, 3, 10, 9))
    Step.objects.create(
        pk=i, exchange=exchange, title=f"Visite {mark}", starts_at=start, ends_at=start + dt.timedelta(hours=3)
    )
    Milestone.objects.create(pk=i, exchange=exchange, title=f"Jalon {mark}")
    LogEntry.objects.create(pk=i, exchange=exchange, author=member, body=f"Journal {mark}")
    Debrief.objects.create(pk=i, participant=participant, learnt=f"Appris {mark}")
    artefact = Artefact.objects.create(
        pk=i,
        exchange=exchange,
        kind=ArtefactKind.SHEET,
        title=f"Fiche {mark}",
        body="…",
        licence=Licence.CC_BY_SA,
        file=ContentFile(f"Fiche {mark}".encode(), name="fiche.txt"),
    )
    artefact.authors.add(member)
    Suggestion.objects.create(pk=i, network=network, offer=offer, request=request, score=50)
