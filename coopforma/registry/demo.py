# SPDX-License-Identifier: AGPL-3.0-or-later
"""This app's part of the demo: the directory of Qualiopi certifiers (the curated list shipped with the app,
`registry/data/certifiers.csv`, loaded through `certifiers_load` — an upsert by code, so loading it again changes
nothing), and the demo cooperative's certifier — the one named on its certificate, Afnor Certification — shown to
its networks (the audit calendar, the certifier's page)."""

from __future__ import annotations

from coopforma.accounts.demo import DemoContext
from coopforma.registry.models import Certifier
from coopforma.registry.services_certifiers import certifier_choose, certifiers_load

DEMO_CERTIFIER = "afnor-certification"


def load(ctx: DemoContext) -> None:
    certifiers_load()
    certifier = Certifier.objects.filter(code=DEMO_CERTIFIER).first()
    if certifier is not None:
        certifier_choose(actor=ctx.actor("admin"), certifier_id=certifier.pk, visible_to_network=True)
