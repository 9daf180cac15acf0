# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma offers_pull`: pull every feed a network subscribed to (offers/federation.py), conditionally (a feed
that did not change answers 304 and nothing is written); prints the counts. Every hour through `coopforma cron`."""

from typing import Any

from django.core.management.base import BaseCommand

from coopforma.offers.federation import subscriptions_pull_all


class Command(BaseCommand):
    help = "Carte des formations : relève les flux auxquels les réseaux sont abonnés."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = subscriptions_pull_all()
        self.stdout.write("Flux relevés : {done}, inchangés : {not_modified}, en échec : {failed}".format(**counts))
