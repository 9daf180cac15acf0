# SPDX-License-Identifier: AGPL-3.0-or-later
"""This app's part of the demo (after networks/demo.py and referentiel/demo.py): calls for tenders about training
watched by « Réseau des formations coopératives », and two groupements.

- four fictional BOAMP notices, read by the BOAMP reader and imported through `tender_import` like a real export
  (written to a temporary file): a call in two lots whose deadline is in three weeks, a call already answered, a
  prior information notice and a call reserved to the ESS;
- a second member organisation of the network, « Scop Les Passeurs » (fictional, no login printed: nobody logs
  in as it), so that a groupement has the two members it needs;
- both organisations said « Ça m'intéresse » to the first two calls; a groupement being formed for the first one
  (co-traitance conjointe, the demo cooperative mandataire, lots shared, a milestone), and one won for the second
  (submitted then won, with its price and the buyer's feedback): making the buyer a client and starting the
  contract are left to try in the pages.

Idempotent: notices are upserted by idweb, and a network that already has groupements is left as it is.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from coopforma.accounts import services as accounts_services
from coopforma.accounts.demo import DemoContext, siret_for
from coopforma.accounts.models import Organisation
from coopforma.networks import services as network_services
from coopforma.networks.access import actor_for
from coopforma.networks.models import Network, NetworkRole
from coopforma.tenders import consortium_selectors, consortium_services, services
from coopforma.tenders.models import Consortium, MilestoneKind, Notice

NETWORK_SLUG = "formations-cooperatives"
PARTNER_SLUG = "scop-les-passeurs"
PARTNER_EMAIL = "contact@passeurs.example"


def _cpv(code: str) -> dict[str, Any]:
    return {"cbc:ItemClassificationCode": {"@listName": "cpv", "#text": code}}


def _donnees(main_cpv: str, lots: list[tuple[str, str, int]] | None = None, reserved: bool = False) -> str:
    notice: dict[str, Any] = {"cac:ProcurementProject": {"cac:MainCommodityClassification": _cpv(main_cpv)}}
    if lots:
        notice["cac:ProcurementProjectLot"] = [
            {
                "cbc:ID": {"#text": number},
                "cac:ProcurementProject": {
                    "cbc:Name": {"#text": title},
                    "cac:RequestedTenderTotal": {"cbc:EstimatedOverallContractAmount": {"#text": str(euros)}},
                },
            }
            for number, title, euros in lots
        ]
    if reserved:
        notice["cac:TenderingTerms"] = {
            "cac:TendererQualificationRequest": {"cbc:ReservedProcurementCode": {"#text": "res-pub-ser"}}
        }
    return json.dumps({"EFORMS": {"ContractNotice": notice}}, ensure_ascii=False)


def _record(idweb: str, today: dt.date, *, published: int, deadline: int | None, **fields: Any) -> dict[str, Any]:
    record = {
        "idweb": idweb,
        "id": idweb.replace("-", "_"),
        "dateparution": (today + dt.timedelta(days=published)).isoformat(),
        "datelimitereponse": f"{today + dt.timedelta(days=deadline)}T12:00:00+01:00" if deadline is not None else None,
        "nature": "APPEL_OFFRE",
        "famille": "MAPA",
        "type_marche": ["SERVICES"],
        "code_departement": ["69"],
        "titulaire": None,
        "annonce_lie": None,
        "url_avis": f"https://example.invalid/boamp/avis/{idweb}",
    }
    record.update(fields)
    return record


def notices(today: dt.date) -> list[dict[str, Any]]:
    """The demo's BOAMP records (fictional: idwebs 99-…, buyers « (FICTIF) », links to example.invalid)."""
    return [
        _record(
            "99-10001",
            today,
            published=-10,
            deadline=21,
            objet=(
                "Formation des agents et élus de la Métropole (FICTIF) : animer une coopération territoriale et "
                "faciliter l'intelligence collective"
            ),
            nomacheteur="MÉTROPOLE EXEMPLE (FICTIF)",
            criteres="Valeur technique 60 % ; prix 40 %",
            donnees=_donnees(
                "80530000-8",
                [
                    ("LOT-0001", "Animer une coopération territoriale", 24_000),
                    ("LOT-0002", "Faciliter l'intelligence collective", 16_000),
                ],
            ),
        ),
        _record(
            "99-10002",
            today,
            published=-75,
            deadline=-40,
            objet="Accompagnement et formation à la gouvernance partagée des Scic du département (FICTIF)",
            nomacheteur="DÉPARTEMENT EXEMPLE (FICTIF)",
            criteres="Valeur technique 70 % ; prix 30 %",
            donnees=_donnees("80532000-2"),
        ),
        _record(
            "99-10003",
            today,
            published=-3,
            deadline=None,
            nature="PRE_INFORMATION",
            objet="Programme de formation au pilotage de tiers-lieux 2027-2029 — avis de pré-information (FICTIF)",
            nomacheteur="RÉGION EXEMPLE (FICTIF)",
            donnees=_donnees("80500000-9"),
        ),
        _record(
            "99-10004",
            today,
            published=-2,
            deadline=30,
            objet="Formation à la conduite de réunions participatives, marché réservé aux structures de l'ESS (FICTIF)",
            nomacheteur="VILLE EXEMPLE (FICTIF)",
            donnees=_donnees("80570000-0", reserved=True),
        ),
    ]


def _import(today: dt.date) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "boamp-demo.json"
        path.write_text(json.dumps(notices(today), ensure_ascii=False), encoding="utf-8")
        services.tender_import(source=str(path))


def _partner(network: Network, moderator_actor: Any) -> Organisation:
    """« Scop Les Passeurs », a second member organisation of the network, with one person (no login printed)."""
    organisation = Organisation.objects.filter(slug=PARTNER_SLUG).first() or accounts_services.organisation_create(
        name="Scop Les Passeurs",
        slug=PARTNER_SLUG,
        legal_form="Scop SARL",
        siret=siret_for(52_310_774),
        street="8 rue des Tanneurs",
        postal_code="69007",
        city="Lyon",
        email="contact@passeurs.example",
        nda="84691234569",
        nda_region="Auvergne-Rhône-Alpes",
        qualiopi_categories=["training"],
        qualiopi_certifier="Afnor Certification",
        qualiopi_certificate_number="FR-QUA-2025-1203",
    )
    accounts_services.membership_add(
        organisation=organisation, email=PARTNER_EMAIL, role="admin", first_name="Nadia", last_name="Ferrand"
    )
    network_services.membership_add(actor=moderator_actor, organisation_slug=PARTNER_SLUG)
    network_services.person_add(actor=moderator_actor, email=PARTNER_EMAIL, role=NetworkRole.MEMBER)
    return organisation


def load(ctx: DemoContext) -> None:
    network = Network.objects.get(slug=NETWORK_SLUG)
    if Consortium.objects.filter(network=network).exists():
        return
    admin = ctx.users["admin"]
    moderator = actor_for(admin, network)
    _import(ctx.today)
    partner = _partner(network, moderator)
    partner_user = partner.memberships.get().user
    member = actor_for(partner_user, network)
    forming, won = Notice.objects.get(idweb="99-10001"), Notice.objects.get(idweb="99-10002")
    for notice, note_ours, note_theirs in [
        (forming, "Nos formations « coopération territoriale » y répondent.", "Nous prenons volontiers le lot 2."),
        (won, "Gouvernance partagée : notre cœur de métier.", "Nous accompagnons trois Scic du département."),
    ]:
        services.interest_create(actor=moderator, notice=notice, organisation_id=ctx.org.pk, note=note_ours)
        services.interest_create(actor=member, notice=notice, organisation_id=partner.pk, note=note_theirs)
    # Being formed: both lots shared, the technical memo's draft as a milestone.
    consortium = consortium_services.consortium_create(
        actor=moderator,
        notice=forming,
        form="joint",
        mandataire_id=ctx.org.pk,
        member_ids=[partner.pk],
        period_start=ctx.today + dt.timedelta(days=75),
        period_end=ctx.today + dt.timedelta(days=255),
    )
    lot1, lot2 = list(forming.lots.order_by("pk"))
    consortium_services.consortium_shares_set(
        actor=moderator,
        consortium=consortium,
        shares={(ctx.org.pk, lot1.pk): 1000, (ctx.org.pk, lot2.pk): 400, (partner.pk, lot2.pk): 600},
    )
    consortium_services.milestone_create(
        actor=moderator,
        consortium=consortium,
        kind=MilestoneKind.MEMO_DRAFT,
        due_on=ctx.today + dt.timedelta(days=12),
        remind_days=3,
    )
    proposals = consortium_selectors.team_proposals(consortium)
    if proposals:
        consortium_services.consortium_team_set(
            actor=moderator, consortium=consortium, trainer_ids=[p.trainer.pk for p in proposals[:3]]
        )
    # Won: the whole notice shared, submitted then won.
    answered = consortium_services.consortium_create(
        actor=moderator, notice=won, form="joint_several", mandataire_id=ctx.org.pk, member_ids=[partner.pk]
    )
    consortium_services.consortium_shares_set(
        actor=moderator, consortium=answered, shares={(ctx.org.pk, None): 700, (partner.pk, None): 300}
    )
    consortium_services.consortium_state_set(actor=moderator, consortium=answered, state="submitted")
    consortium_services.consortium_state_set(
        actor=moderator,
        consortium=answered,
        state="won",
        price_cents=3_150_000,
        feedback="Offre la mieux notée sur la valeur technique ; références de Scic appréciées.",
    )
