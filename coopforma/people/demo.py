# SPDX-License-Identifier: AGPL-3.0-or-later
"""This app's part of the demo cooperative: the four member structures, the trainers at every step of their
parcours, the clients with their signatory contacts and their trainees. Through the services, as the OF's
administrator (structures, clients) and its quality manager (the comité de validation's decisions) would do it.

History no service writes: a trainer's application made two years ago (the service dates it now) is back-dated
by the ORM; the comité's decisions carry their meeting's date (`decided_on`). Karim Benali is suspended by
`suspend(ctx)`, after the sessions he gave (a suspended trainer cannot be booked).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from coopforma.accounts.actor import Actor
from coopforma.accounts.demo import DemoContext, siret_for
from coopforma.people import services
from coopforma.people.models import Trainer

STRUCTURES = {
    "cae": {
        "name": "CAE Les Ateliers du Rhône",
        "kind": "cae",
        "siret": siret_for(81_245_603),
        "contribution_rate": Decimal("10.00"),
        "street": "3 rue Saint-Polycarpe",
        "postal_code": "69001",
        "city": "Lyon",
        "email": "accueil@ateliers-du-rhone.example",
        "phone": "04 72 00 31 10",
    },
    "scop": {
        "name": "Scop Les Tisserands du Lien",
        "kind": "scop",
        "siret": siret_for(79_830_114),
        "contribution_rate": Decimal("8.00"),
        "street": "27 rue d'Austerlitz",
        "postal_code": "69004",
        "city": "Lyon",
        "email": "contact@tisserands-du-lien.example",
        "phone": "04 78 30 52 41",
    },
    "association": {
        "name": "Association Territoires en commun",
        "kind": "association",
        "siret": siret_for(52_317_480),
        "contribution_rate": Decimal("12.00"),
        "street": "45 rue de la Thibaudière",
        "postal_code": "69007",
        "city": "Lyon",
        "email": "bonjour@territoires-en-commun.example",
        "phone": "04 37 65 20 08",
    },
    "independent": {
        "name": "Camille Roux Conseil & Formation (SASU)",
        "kind": "independent",
        "siret": siret_for(88_412_906),
        "contribution_rate": Decimal("10.00"),
        "street": "8 place Lazare-Goujon",
        "postal_code": "69100",
        "city": "Villeurbanne",
        "email": "camille@roux-formation.example",
        "phone": "06 41 22 87 30",
    },
}

ACTIVE, APPLIED, VALIDATED, SUSPENDED = "active", "applied", "validated", "suspended"

TRAINERS: dict[str, dict[str, Any]] = {
    "lea": {
        "structure": "cae",
        "first_name": "Léa",
        "last_name": "Moreau",
        "email": "lea.moreau@ateliers-du-rhone.example",
        "phone": "06 12 45 78 90",
        "status": "entrepreneur",
        "state": ACTIVE,
        "applied_days_ago": 820,
        "specialities": "Formation de formateurs, ingénierie pédagogique, coopération",
        "qualifications": (
            "Titre professionnel Formateur professionnel d'adultes (2016). Dix ans de conception et d'animation "
            "de formations pour adultes, dont six en coopérative d'activité et d'emploi."
        ),
    },
    "karim": {
        "structure": "cae",
        "first_name": "Karim",
        "last_name": "Benali",
        "email": "karim.benali@ateliers-du-rhone.example",
        "phone": "06 23 56 89 01",
        "status": "entrepreneur",
        "state": SUSPENDED,
        "applied_days_ago": 900,
        "specialities": "Comptabilité et gestion des coopératives, formation de formateurs",
        "qualifications": (
            "DSCG (2009). Ancien expert-comptable d'une union régionale des Scop ; forme les gérant·es de "
            "coopératives à la lecture des comptes depuis 2014."
        ),
        "suspension_reason": (
            "Mise en retrait à sa demande pendant un congé de longue durée ; reprise prévue au printemps. "
            "Ses sessions à venir sont confiées à d'autres formateur·rices."
        ),
    },
    "ines": {
        "structure": "cae",
        "first_name": "Inès",
        "last_name": "Fontaine",
        "email": "ines.fontaine@ateliers-du-rhone.example",
        "phone": "06 34 67 90 12",
        "status": "entrepreneur",
        "state": APPLIED,
        "applied_days_ago": 13,
        "specialities": "Communication des associations, réseaux sociaux",
        "qualifications": (
            "Chargée de communication pendant huit ans dans le secteur associatif ; souhaite proposer une "
            "formation « Communiquer sur son projet associatif ». Entretien d'accueil réalisé, dossier complet."
        ),
    },
    "julien": {
        "structure": "scop",
        "first_name": "Julien",
        "last_name": "Perrin",
        "email": "julien.perrin@tisserands-du-lien.example",
        "phone": "06 45 78 01 23",
        "status": "employee",
        "state": ACTIVE,
        "applied_days_ago": 860,
        "specialities": "Gouvernance coopérative, marchés publics, réponse collective aux appels d'offres",
        "qualifications": (
            "Master en droit public des affaires. Associé-salarié de la Scop depuis 2017, accompagne les "
            "groupements de coopératives dans leurs réponses aux marchés publics."
        ),
    },
    "sophie": {
        "structure": "scop",
        "first_name": "Sophie",
        "last_name": "Garnier",
        "email": "sophie.garnier@tisserands-du-lien.example",
        "phone": "06 56 89 12 34",
        "status": "employee",
        "state": VALIDATED,
        "applied_days_ago": 75,
        "specialities": "Gouvernance partagée, évaluation de l'utilité sociale, accessibilité",
        "qualifications": (
            "Sociologue de formation, dix ans d'accompagnement de Scic. Première intervention pour l'OF "
            "prévue ce trimestre, en binôme."
        ),
        "decision": "Dossier complet, entretien concluant : validée par le comité du {date} pour la gouvernance "
        "partagée et l'utilité sociale. Observation d'une première session en binôme.",
    },
    "nadia": {
        "structure": "association",
        "first_name": "Nadia",
        "last_name": "Haddad",
        "email": "nadia.haddad@territoires-en-commun.example",
        "phone": "06 67 90 23 45",
        "status": "employee",
        "state": ACTIVE,
        "applied_days_ago": 870,
        "specialities": "Coopération territoriale, tiers-lieux, animation participative",
        "qualifications": (
            "Ancienne cheffe de projet d'un pôle territorial de coopération économique (PTCE) ; anime des "
            "démarches de coopération entre collectivités, associations et entreprises depuis 2012."
        ),
    },
    "thomas": {
        "structure": "association",
        "first_name": "Thomas",
        "last_name": "Lefèvre",
        "email": "thomas.lefevre@lefevre-formation.example",
        "phone": "06 78 01 34 56",
        "status": "subcontractor",
        "state": ACTIVE,
        "applied_days_ago": 700,
        "siret": siret_for(90_127_345),
        "nda": "84380456738",
        "specialities": "Développement local, tiers-lieux en milieu rural",
        "qualifications": (
            "Consultant-formateur indépendant (organisme de formation déclaré, certifié Qualiopi). Intervient "
            "en sous-traitance pour l'OF, contrat de sous-traitance signé et vérifié (indicateur 27)."
        ),
    },
    "camille": {
        "structure": "independent",
        "first_name": "Camille",
        "last_name": "Roux",
        "email": "camille@roux-formation.example",
        "phone": "06 41 22 87 30",
        "status": "employee",
        "state": ACTIVE,
        "applied_days_ago": 800,
        "specialities": "Facilitation, intelligence collective, RGPD des associations",
        "qualifications": (
            "Présidente salariée de sa SASU. Facilitatrice certifiée, ancienne déléguée à la protection des "
            "données d'une fédération d'associations."
        ),
    },
}

FIRST_NAMES = [
    "Amandine", "Baptiste", "Cécile", "Damien", "Élise", "Fabien", "Gaëlle", "Henri", "Isabelle", "Jérôme",
    "Karine", "Laurent", "Mathilde", "Nicolas", "Océane", "Pascal", "Rachida", "Sébastien", "Tiphaine",
    "Valentin", "Yasmine", "Adrien", "Bérénice", "Clément", "Delphine", "Étienne", "Florence", "Guillaume",
    "Hélène", "Ismaël", "Juliette", "Kevin", "Lucie", "Maxime", "Nathalie", "Olivier", "Pauline", "Quentin",
    "Romane", "Simon", "Thérèse", "Victor", "Zoé", "Antoine", "Brigitte", "Cyril", "Dounia", "Émilie",
    "François", "Géraldine", "Hakim", "Inès", "Jonathan", "Laure", "Mehdi", "Noémie", "Patrice", "Rose",
    "Samuel", "Sylvie", "Thibault", "Vanessa",
]  # fmt: skip
LAST_NAMES = [
    "Arnaud", "Barbier", "Chevalier", "Da Silva", "Étienne", "Fournier", "Gauthier", "Henry", "Imbert",
    "Joly", "Klein", "Lacroix", "Marchal", "Nguyen", "Ollivier", "Picard", "Rolland", "Schmitt", "Tessier",
    "Vidal", "Weber", "Aubert", "Blanc", "Collin", "Dumas", "Faure", "Guérin", "Hoarau", "Jacob", "Leroy",
    "Mercier", "Noël", "Perret", "Renaud", "Sanchez", "Traoré", "Vincent", "Bertrand", "Caron", "Diallo",
    "Fabre", "Giraud", "Huet", "Lemoine", "Meunier", "Pons", "Roche", "Sauvage", "Tran", "Vasseur", "Bonnet",
    "Carpentier", "Deschamps", "Garnier", "Hamon", "Lebrun", "Marty", "Poulain", "Rey", "Simon", "Texier",
    "Valette",
]  # fmt: skip


@dataclass(frozen=True)
class ClientSpec:
    key: str
    kind: str
    name: str
    city: str
    postal_code: str
    street: str = ""
    domain: str = ""
    siret: str = ""
    nda: str = ""
    opco: str = ""
    opco_share: int = 100  # % of the price the OPCO pays (the company pays the rest)
    structure: str | None = None
    contact: tuple[str, str, str] | None = None  # first name, last name, job title (the signatory)
    staff: int = 0  # trainees employed by the client
    bpf_type: str = "a"
    payer: str = ""  # for individuals: "individual" (own money) or "cpf"
    job_title: str = ""


CLIENTS = [
    ClientSpec(
        "regie", "company", "Régie de quartier des Pentes", "Lyon", "69001", "9 montée de la Grande-Côte",
        domain="regie-des-pentes.example", siret=siret_for(43_908_215), opco="Uniformation", structure="cae",
        contact=("Agnès", "Morel", "Directrice"), staff=8,
    ),
    ClientSpec(
        "epicerie", "company", "Épicerie coopérative La Fourmilière (SCIC)", "Villeurbanne", "69100",
        "31 cours Émile-Zola", domain="la-fourmiliere.example", siret=siret_for(85_266_104),
        opco="OPCOMMERCE", opco_share=80, structure="cae", contact=("Rémi", "Chauvin", "Cogérant"), staff=6,
    ),
    ClientSpec(
        "velo", "company", "Scop Roue Libre", "Lyon", "69007", "18 rue Béchevelin", domain="roue-libre.example",
        siret=siret_for(50_431_877), opco="AKTO", structure="cae",
        contact=("Yanis", "Belkacem", "Gérant"), staff=5,
    ),
    ClientSpec(
        "charpente", "company", "Scop Charpentes du Pilat", "Pélussin", "42410", "ZA de la Voie romaine",
        domain="charpentes-pilat.example", siret=siret_for(39_512_640), opco="Constructys", opco_share=70,
        structure="scop", contact=("Gilles", "Pinatel", "Gérant"), staff=9,
    ),
    ClientSpec(
        "centre_social", "company", "Centre social et culturel des Canuts", "Lyon", "69004",
        "5 rue Dumenge", domain="cs-canuts.example", siret=siret_for(77_983_520), opco="Uniformation",
        structure="association", contact=("Fatima", "Ouali", "Directrice"), staff=9,
    ),
    ClientSpec(
        "bocal", "company", "SCIC Le Bocal, tiers-lieu de la Guillotière", "Lyon", "69007",
        "62 rue de Marseille", domain="le-bocal.example", siret=siret_for(89_102_733), opco="Uniformation",
        opco_share=90, structure="association", contact=("Jade", "Lambert", "Coordinatrice"), staff=6,
    ),
    ClientSpec(
        "vallons", "public_body", "Communauté de communes des Vallons de l'Ouest lyonnais", "Craponne", "69290",
        "2 place de la Mairie", domain="cc-vallons.example", siret=siret_for(20_004_918),
        structure="association", contact=("Bernard", "Villard", "Directeur général des services"),
        staff=12, bpf_type="e",
    ),
    ClientSpec(
        "formaterra", "training_org", "Institut Formaterra", "Grenoble", "38000", "11 avenue Alsace-Lorraine",
        domain="formaterra.example", siret=siret_for(51_874_302), nda="84380789238",
        contact=("Olivier", "Brun", "Responsable pédagogique"),
    ),
    ClientSpec(
        "marion", "individual", "Marion Lambert", "Lyon", "69003", "40 rue Paul-Bert", domain="courriel.example",
        payer="individual", bpf_type="d", job_title="Consultante en reconversion",
    ),
    ClientSpec(
        "youssef", "individual", "Youssef Amrani", "Vénissieux", "69200", "7 avenue Jean-Jaurès",
        domain="courriel.example", payer="cpf", bpf_type="c", job_title="En recherche d'emploi",
    ),
    ClientSpec(
        "chloe", "individual", "Chloé Vasseur", "Lyon", "69008", "23 rue Villon", domain="courriel.example",
        payer="cpf", bpf_type="a", job_title="Animatrice socioculturelle",
    ),
    ClientSpec(
        "bruno", "individual", "Bruno Garcia", "Oullins", "69600", "3 rue de la République",
        domain="courriel.example", payer="individual", bpf_type="d", job_title="Artisan menuisier",
    ),
]  # fmt: skip


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "-")


def load(ctx: DemoContext) -> None:
    admin, quality = ctx.actor("admin"), ctx.actor("quality")
    for key, data in STRUCTURES.items():
        ctx.structures[key] = services.member_create(actor=admin, **data)
    services.member_manager_add(actor=admin, member_id=ctx.structures["cae"].pk, user_id=ctx.users["manager"].pk)
    _trainers(ctx, quality)
    _clients(ctx, admin)


def _trainers(ctx: DemoContext, quality: Actor) -> None:
    now = timezone.now()
    for key, data in TRAINERS.items():
        trainer = services.trainer_propose(
            actor=quality,
            member_structure_id=ctx.structures[data["structure"]].pk,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            status=data["status"],
            phone=data["phone"],
            siret=data.get("siret", ""),
            nda=data.get("nda", ""),
            qualifications=data["qualifications"],
            specialities=data["specialities"],
        )
        # History: the application was made `applied_days_ago` days ago; the service dates it now.
        applied_at = now - dt.timedelta(days=data["applied_days_ago"])
        Trainer.objects.filter(pk=trainer.pk).update(applied_at=applied_at, created_at=applied_at)
        if data["state"] != APPLIED:
            decided_on = timezone.localdate(applied_at + dt.timedelta(days=21))
            default = "Dossier complet (CV, justificatifs, entretien d'accueil) : validé·e par le comité du {date}."
            services.trainer_decide(
                actor=quality,
                trainer_id=trainer.pk,
                decision="validate",
                reason=data.get("decision", default).format(date=decided_on.strftime("%d/%m/%Y")),
                decided_on=decided_on,
            )
        if data["state"] in {ACTIVE, SUSPENDED}:
            services.trainer_decide(actor=quality, trainer_id=trainer.pk, decision="activate")
        if data["email"] == ctx.users["trainer"].email:
            services.trainer_invite(actor=quality, trainer_id=trainer.pk)  # already active: linked at once
        trainer.refresh_from_db()
        ctx.trainers[key] = trainer


def suspend(ctx: DemoContext) -> None:
    """The comité's suspensions, after the sessions the trainers gave (called once the sessions exist)."""
    for key, data in TRAINERS.items():
        if data["state"] == SUSPENDED:
            ctx.trainers[key] = services.trainer_decide(
                actor=ctx.actor("quality"),
                trainer_id=ctx.trainers[key].pk,
                decision="suspend",
                reason=data["suspension_reason"],
            )


def _clients(ctx: DemoContext, admin: Actor) -> None:
    names = iter(zip(FIRST_NAMES, LAST_NAMES, strict=True))
    for spec in CLIENTS:
        email = (
            f"{_ascii(spec.name).replace('-', '.')}@{spec.domain}"
            if spec.kind == "individual"
            else f"contact@{spec.domain}"
        )
        client = services.client_create(
            actor=admin,
            kind=spec.kind,
            name=spec.name,
            member_structure_id=ctx.structures[spec.structure].pk if spec.structure else None,
            siret=spec.siret,
            nda=spec.nda,
            opco=spec.opco,
            street=spec.street,
            postal_code=spec.postal_code,
            city=spec.city,
            email=email,
        )
        ctx.clients[spec.key] = client
        if spec.contact:
            first, last, job = spec.contact
            ctx.contacts[spec.key] = services.contact_create(
                actor=admin,
                client_id=client.pk,
                first_name=first,
                last_name=last,
                job_title=job,
                email=f"{_ascii(first)}.{_ascii(last)}@{spec.domain}",
                is_signatory=True,
            )
        if spec.kind == "individual":
            first, last = spec.name.split(" ", 1)
            people = [(first, last, spec.job_title)]
        else:
            job = "Agent·e territorial·e" if spec.kind == "public_body" else "Salarié·e"
            people = [(*next(names), job) for _person in range(spec.staff)]
        ctx.trainees[spec.key] = [
            services.trainee_create(
                actor=admin,
                first_name=first,
                last_name=last,
                client_id=client.pk,
                email=f"{_ascii(first)}.{_ascii(last)}@{spec.domain}",
                job_title=job,
                adaptation_needs=(
                    "Malentendante : placer en début de table, supports écrits remis en amont."
                    if (spec.key, i) == ("centre_social", 2)
                    else ""
                ),
            )
            for i, (first, last, job) in enumerate(people)
        ]
