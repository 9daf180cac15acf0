# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo's référentiel: the draft of the cooperation jobs (8 jobs, blocks S1–S8) loaded into the network
« Réseau des formations coopératives » and published as 0.1, then a proposal under discussion and a refused one.
The demo's administrator sits on the network's committee. Idempotent: a second run changes nothing."""

from pathlib import Path

from coopforma.accounts.demo import DemoContext
from coopforma.networks.models import Network, NetworkPerson, NetworkRole
from coopforma.referentiel import files, services
from coopforma.referentiel.models import Proposal, Version

DRAFT = Path(__file__).resolve().parent / "data" / "referentiel_metiers_cooperation_draft.yaml"
NETWORK_SLUG = "formations-cooperatives"


def load(ctx: DemoContext) -> None:
    # networks/demo.py creates the network with its people when it is there; get_or_create keeps this part
    # working without it (an ORM write: the network space has no creation service yet).
    network, _created = Network.objects.get_or_create(
        slug=NETWORK_SLUG, defaults={"name": "Réseau des formations coopératives"}
    )
    admin = ctx.users.get("admin")
    if admin is not None:  # an ORM write: the role is the network's business, given here for the demo
        NetworkPerson.objects.get_or_create(network=network, user=admin, defaults={"role": NetworkRole.COMMITTEE})
    if Version.objects.filter(referentiel__network=network).exists():
        return
    document = files.read(DRAFT.read_bytes(), "yaml")
    version = services.version_import(user=None, network_id=network.pk, document=document)
    services.version_publish(user=None, network_id=network.pk, number=version.number)
    if admin is None or Proposal.objects.filter(referentiel__network=network).exists():
        return
    services.proposal_create(
        user=admin,
        network_id=network.pk,
        kind="add_competency",
        target_code="M7",
        label="Adapter une formation aux personnes en situation de handicap",
        reason="Le référent handicap est une exigence du référentiel qualité (indicateur 26) : la compétence "
        "mérite d'être nommée à part.",
    )
    refused = services.proposal_create(
        user=admin,
        network_id=network.pk,
        kind="retire_item",
        target_code="M2-C5",
        reason="Trop générale : toute fonction demande d'argumenter.",
    )
    services.proposal_decide(
        user=admin,
        network_id=network.pk,
        proposal_id=refused.pk,
        accept=False,
        reason="Argumenter auprès d'élus est propre au développement territorial : on la garde.",
    )
