# SPDX-License-Identifier: AGPL-3.0-or-later
"""Offers of the network space's tests: a partner structure's offer, an offer of a shared source."""

import itertools

from coopforma.networks.models import PartnerStructure
from coopforma.offers.models import Offer, OfferSource, SourceKind
from coopforma.offers.services import partner_source_for

_n = itertools.count(1)


def partner_offer(partner: PartnerStructure, status: str = "pending", **fields: object) -> Offer:
    values: dict[str, object] = {"title": f"Offre partenaire {next(_n)}", "provider_name": partner.name}
    values.update(fields)
    return Offer.objects.create(
        source=partner_source_for(partner.network),
        external_id=f"test-{next(_n)}",
        partner=partner,
        status=status,
        **values,
    )


def feed_source(name: str = "flux-test") -> OfferSource:
    source, _created = OfferSource.objects.get_or_create(
        name=name, defaults={"label": "Flux de test", "kind": SourceKind.LHEO}
    )
    return source


def feed_offer(source: OfferSource | None = None, **fields: object) -> Offer:
    values: dict[str, object] = {"title": f"Offre {next(_n)}", "status": "active"}
    values.update(fields)
    return Offer.objects.create(source=source or feed_source(), external_id=f"lheo-{next(_n)}", **values)
