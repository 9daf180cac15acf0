# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo's certification project: « Animateur·rice de coopération territoriale » (job M1 of the published
0.1), aimed at the RNCP level 6, carried by the demo's organisation when it belongs to the network, with a first
bloc's evaluation written. Runs after referentiel/demo.py; idempotent: a second run changes nothing."""

from coopforma.accounts.demo import DemoContext
from coopforma.networks.access import actor_for
from coopforma.networks.models import Network, NetworkOrganisation
from coopforma.recognition import services
from coopforma.recognition.models import CertificationProject
from coopforma.referentiel.demo import NETWORK_SLUG
from coopforma.referentiel.models import VersionState


def load(ctx: DemoContext) -> None:
    network = Network.objects.filter(slug=NETWORK_SLUG).first()
    admin = ctx.users.get("admin")
    if network is None or admin is None or CertificationProject.objects.filter(network=network).exists():
        return
    version = network.referentiel.versions.filter(state=VersionState.PUBLISHED).order_by("-major", "-minor").first()
    if version is None:
        return
    actor = actor_for(admin, network)  # the demo's administrator sits on the committee (referentiel/demo.py)
    organisation = getattr(ctx, "org", None)
    carrier_id = (
        organisation.pk
        if organisation is not None
        and NetworkOrganisation.objects.filter(network=network, organisation=organisation).exists()
        else None
    )
    project = services.project_create(
        actor=actor,
        version_id=version.pk,
        job_code="M1",
        title="Animateur·rice de coopération territoriale",
        register="rncp",
        level=6,
        carrier_organisation_id=carrier_id,
        context="Les collectivités, les PTCE et les tiers-lieux recrutent des chargé·es de coopération sans "
        "certification qui nomme ce métier ; les formations existantes en couvrent des morceaux.",
    )
    evaluation = project.blocks.get().evaluations.select_related("competency").first()
    if evaluation is not None:
        services.evaluation_update(
            actor=actor,
            project_id=project.pk,
            evaluation_id=evaluation.pk,
            situations="Mise en situation professionnelle : conduire un diagnostic d'acteurs sur un territoire réel.",
            criteria=evaluation.criteria or "La carte des acteurs et de leurs intérêts est complète et argumentée.",
            modalities="Dossier écrit et soutenance devant un jury de deux professionnel·les.",
        )
