# SPDX-License-Identifier: AGPL-3.0-or-later
"""This app's part of the demo cooperative: twelve programmes of the member structures, written by their first
trainer when she has an account (Léa Moreau) or by the quality manager, submitted, validated by the quality
manager and published; one still awaits validation. Through the catalogue services. The validation is dated
about two years back by the ORM (history: the service dates it now).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from coopforma.accounts.demo import DemoContext
from coopforma.catalogue import services
from coopforma.catalogue.models import Training

# Half-days: 09:00–12:30 and 13:30–17:00 (7 hours a day).
DAY_MINUTES = 7 * 60

ACCESSIBILITY = (
    "Formation accessible aux personnes en situation de handicap : locaux de plain-pied ou avec ascenseur, "
    "supports adaptables (gros caractères, documents numériques accessibles), rythme aménageable. "
    "Contactez notre référente handicap, Samia Benhamou (handicap@ensemble.example, 04 78 28 14 62), "
    "au moins trois semaines avant le début pour étudier les adaptations."
)
ACCESS_DELAY = "Inscription jusqu'à 10 jours avant le début de la session, sous réserve de places disponibles."
EVALUATION = (
    "Positionnement en début de formation ; évaluation des acquis par mise en situation et questionnaire "
    "en fin de formation ; questionnaire de satisfaction à chaud puis à trois mois. Une attestation de fin "
    "de formation et un certificat de réalisation sont remis."
)


@dataclass(frozen=True)
class TrainingSpec:
    key: str
    title: str
    structure: str
    trainers: tuple[str, ...]
    days: int
    nsf: str
    formacode: str
    price_inter: int  # cents per trainee
    price_intra: int | None  # cents per group
    summary: str
    objectives: tuple[str, ...]
    audience: str
    prerequisites: str
    content: str
    methods: str
    modality: str = "on_site"
    bpf_objective: str = "d"
    certification_kind: str = "none"
    certification_code: str = ""
    rncp_level: int | None = None
    # What a certifying training publishes (Qualiopi indicators 1 and 3): the Training fields of that name.
    certification: tuple[tuple[str, Any], ...] = ()
    status: str = "validated"
    reference: str = ""
    minutes: int | None = None  # when not days x 7 h

    @property
    def duration_minutes(self) -> int:
        return self.minutes if self.minutes is not None else self.days * DAY_MINUTES


TRAININGS = [
    TrainingSpec(
        key="formateurs",
        reference="ENS-FORM-01",
        title="Formation de formateurs en coopérative",
        structure="cae",
        trainers=("lea", "karim"),
        days=3,
        nsf="333",
        formacode="44586",
        price_inter=84000,
        price_intra=390000,
        summary=(
            "Trois jours pour passer de l'expertise métier à la transmission : concevoir une séquence, "
            "l'animer avec des méthodes actives et évaluer les acquis, dans le cadre d'un OF coopératif."
        ),
        objectives=(
            "Concevoir une séquence de formation à partir d'objectifs opérationnels et évaluables",
            "Animer un groupe d'adultes en alternant apports, mises en situation et retours d'expérience",
            "Évaluer les acquis des stagiaires et la satisfaction avec des outils adaptés",
            "Situer son action dans les obligations d'un organisme de formation certifié Qualiopi",
        ),
        audience=(
            "Entrepreneur·es-salarié·es de CAE, salarié·es de coopératives et d'associations qui débutent "
            "ou veulent consolider une activité de formation."
        ),
        prerequisites="Avoir un projet de formation ou une première expérience d'animation de groupe.",
        content=(
            "Jour 1 : l'adulte en formation, rédiger des objectifs, construire un scénario pédagogique.\n"
            "Jour 2 : animer — méthodes actives, gestion du groupe, outils numériques simples.\n"
            "Jour 3 : évaluer — positionnement, évaluation des acquis, satisfaction ; le cadre Qualiopi "
            "dans un OF partagé ; micro-animation filmée et retours du groupe."
        ),
        methods=(
            "Pédagogie active : ateliers en sous-groupes, micro-animations, analyse de pratiques. Salle "
            "équipée (vidéoprojecteur, paperboard), support numérique remis à chaque stagiaire."
        ),
    ),
    TrainingSpec(
        key="appels_offres",
        reference="ENS-AO-02",
        title="Coopérer pour répondre aux appels d'offres",
        structure="scop",
        trainers=("julien", "lea"),
        days=2,
        nsf="333",
        formacode="44538",
        price_inter=62000,
        price_intra=280000,
        summary=(
            "Repérer les marchés de formation accessibles aux petites structures et y répondre à plusieurs : "
            "groupement momentané d'entreprises, co-traitance, sous-traitance, mémoire technique commun."
        ),
        objectives=(
            "Repérer et qualifier les appels d'offres de formation adaptés à sa structure",
            "Choisir la forme de coopération adaptée : co-traitance, groupement, sous-traitance",
            "Rédiger à plusieurs un mémoire technique cohérent et un bordereau de prix",
            "Organiser la gouvernance du groupement après l'attribution du marché",
        ),
        audience="Formateur·rices et responsables de coopératives, d'associations et de CAE.",
        prerequisites="Aucun ; avoir déjà lu un dossier de consultation est un plus.",
        content=(
            "Jour 1 : la commande publique de formation, veille (BOAMP, profils acheteurs), lecture d'un "
            "dossier de consultation, clauses sociales et marchés réservés à l'ESS.\n"
            "Jour 2 : monter un groupement, répartir les lots, rédiger le mémoire technique ; simulation "
            "sur un appel d'offres réel."
        ),
        methods="Études de cas sur des consultations réelles, atelier d'écriture collective, modèles de documents.",
    ),
    TrainingSpec(
        key="cooperation_territoriale",
        reference="ENS-TERR-03",
        title="Animer une coopération territoriale",
        structure="association",
        trainers=("nadia", "thomas"),
        days=3,
        nsf="341",
        formacode="12523",
        price_inter=81000,
        price_intra=420000,
        summary=(
            "Faire coopérer collectivités, associations et entreprises d'un territoire autour d'un projet "
            "commun : diagnostic partagé, gouvernance, animation dans la durée."
        ),
        objectives=(
            "Réaliser un diagnostic partagé des acteurs et des ressources d'un territoire",
            "Concevoir une gouvernance adaptée à une coopération multi-acteurs",
            "Animer des temps collectifs qui produisent des décisions",
            "Évaluer les effets d'une coopération et en rendre compte aux partenaires",
        ),
        audience="Agent·es de développement local, chargé·es de mission de collectivités, animateur·rices de réseaux.",
        prerequisites="Être impliqué·e dans un projet territorial, en cours ou en préparation.",
        content=(
            "Jour 1 : cartographie des acteurs, diagnostic partagé, enjeux de la coopération.\n"
            "Jour 2 : gouvernance (comités, conventions, Scic, PTCE), posture de l'animateur·rice.\n"
            "Jour 3 : outils d'animation, conduite du changement, évaluation et capitalisation."
        ),
        methods="Apports, études de cas de PTCE et de tiers-lieux, jeux de rôle, travail sur le projet de chacun·e.",
    ),
    TrainingSpec(
        key="gouvernance",
        reference="ENS-GOUV-04",
        title="Mettre en place une gouvernance partagée en Scop et en Scic",
        structure="scop",
        trainers=("julien", "sophie"),
        days=2,
        nsf="310",
        formacode="14286",
        price_inter=58000,
        price_intra=260000,
        summary="Faire vivre le multisociétariat et la décision collective : instances, rôles, règles et outils.",
        objectives=(
            "Expliquer les principes et le cadre juridique de la gouvernance coopérative",
            "Cartographier les instances et les circuits de décision de sa structure",
            "Choisir et animer des modes de décision adaptés (consentement, vote, sollicitation d'avis)",
            "Élaborer un plan d'action pour faire évoluer sa gouvernance",
        ),
        audience="Associé·es, gérant·es et salarié·es de Scop, de Scic et de CAE.",
        prerequisites="Aucun.",
        content=(
            "Jour 1 : loi de 1947, collèges de vote, rôle des instances ; diagnostic de sa gouvernance.\n"
            "Jour 2 : modes de décision, rôles et mandats, outils ; plan d'action."
        ),
        methods="Apports, diagnostic guidé, mises en situation de prise de décision.",
    ),
    TrainingSpec(
        key="intelligence_collective",
        reference="ENS-FAC-05",
        title="Faciliter l'intelligence collective",
        structure="independent",
        trainers=("camille",),
        days=2,
        nsf="413",
        formacode="14490",
        price_inter=56000,
        price_intra=250000,
        summary="Concevoir et faciliter des ateliers où chacun·e contribue et où le groupe produit vraiment.",
        objectives=(
            "Concevoir le déroulé d'un atelier participatif à partir de son intention",
            "Choisir des techniques d'animation adaptées au groupe et à l'objectif",
            "Faciliter les échanges et réguler les tensions avec une posture neutre",
            "Restituer et faire vivre les productions du groupe",
        ),
        audience="Toute personne amenée à animer des réunions ou des ateliers collectifs.",
        prerequisites="Aucun.",
        content=(
            "Jour 1 : posture du facilitateur, intention et déroulé, techniques d'émergence et de convergence.\n"
            "Jour 2 : entraînement à la facilitation en sous-groupes, régulation, restitution."
        ),
        methods="Pédagogie expérientielle : chaque technique est vécue puis analysée ; mises en pratique filmées.",
    ),
    TrainingSpec(
        key="tiers_lieu",
        reference="ENS-TL-06",
        title="Piloter un tiers-lieu",
        structure="association",
        trainers=("nadia", "thomas"),
        days=5,
        nsf="341",
        formacode="12523",
        price_inter=195000,
        price_intra=None,
        bpf_objective="b",
        certification_kind="rs",
        certification_code="RS5142",
        certification=(
            ("certification_title", "Piloter un tiers-lieu"),
            ("certifier", "France Tiers-Lieux"),
            ("certification_blocks", "Certification d'un seul bloc : l'épreuve porte sur l'ensemble des compétences."),
            ("certification_equivalences", "Pas d'équivalence ; passerelle vers les parcours de coordination."),
            ("certification_outlets", "Coordination, animation ou direction de tiers-lieux et de lieux hybrides."),
            ("certification_success_rate", 86),
            ("certification_success_period", "sessions 2025"),
            ("certification_success_sample", 14),
        ),
        summary=(
            "Parcours préparant à la certification « Piloter un tiers-lieu » (Répertoire spécifique) : "
            "projet stratégique, modèle socio-économique, communauté et gouvernance."
        ),
        objectives=(
            "Formaliser le projet stratégique d'un tiers-lieu avec ses parties prenantes",
            "Construire un modèle socio-économique viable et diversifié",
            "Animer une communauté apprenante et organiser sa participation à la gouvernance",
            "Présenter son projet devant le jury de certification",
        ),
        audience="Porteur·ses de projet et facilitateur·rices de tiers-lieux en activité ou en création.",
        prerequisites="Porter ou coordonner un projet de tiers-lieu ; entretien de positionnement préalable.",
        content=(
            "Module 1 (3 jours) : projet stratégique, diagnostic, communauté.\n"
            "Module 2 (2 jours) : modèle économique, gouvernance, préparation de l'épreuve de certification."
        ),
        methods="Alternance d'apports et de travail sur le projet de chacun·e ; visite d'un tiers-lieu ; tutorat.",
    ),
    TrainingSpec(
        key="comptabilite",
        reference="ENS-COMPTA-07",
        title="Comprendre les comptes d'une coopérative",
        structure="cae",
        trainers=("karim",),
        days=2,
        nsf="314",
        formacode="32663",
        price_inter=52000,
        price_intra=240000,
        summary="Lire un bilan et un compte de résultat de coopérative, comprendre les réserves impartageables.",
        objectives=(
            "Lire et interpréter le bilan et le compte de résultat d'une coopérative",
            "Expliquer la répartition des excédents et le rôle des réserves impartageables",
            "Construire un tableau de bord de gestion simple",
            "Préparer l'assemblée générale d'approbation des comptes",
        ),
        audience="Associé·es et gérant·es de Scop, Scic et CAE, administrateur·rices d'associations.",
        prerequisites="Aucun ; une calculatrice ou un tableur.",
        content=(
            "Jour 1 : bilan, compte de résultat, spécificités coopératives (capital variable, réserves).\n"
            "Jour 2 : ratios et tableau de bord, répartition des excédents, préparation de l'AG."
        ),
        methods="Exercices sur les comptes réels (anonymisés) de coopératives ; tableur fourni.",
    ),
    TrainingSpec(
        key="rgpd",
        reference="ENS-RGPD-08",
        title="Le RGPD pour les associations",
        structure="independent",
        trainers=("camille",),
        days=2,
        minutes=DAY_MINUTES,
        nsf="128",
        formacode="13254",
        price_inter=29000,
        price_intra=120000,
        modality="remote",
        summary="Deux matinées à distance pour mettre son association en conformité avec le RGPD, simplement.",
        objectives=(
            "Identifier les traitements de données personnelles de son association",
            "Tenir un registre des traitements et rédiger les mentions d'information",
            "Répondre à une demande d'exercice des droits d'une personne",
            "Réagir à une violation de données",
        ),
        audience="Salarié·es et bénévoles d'associations chargé·es des adhérent·es, des bénévoles ou des données.",
        prerequisites="Disposer d'un ordinateur avec micro et caméra et d'une connexion internet.",
        content=(
            "Matinée 1 : principes du RGPD, cartographie des traitements, registre.\n"
            "Matinée 2 : information et droits des personnes, sécurité, violations de données."
        ),
        methods=(
            "Classe virtuelle (visioconférence) en petit groupe ; modèles de registre et de mentions ; "
            "exercices sur les documents de l'association. Assistance technique la veille de la session."
        ),
    ),
    TrainingSpec(
        key="fpa",
        reference="ENS-FPA-09",
        title="Formateur professionnel d'adultes : concevoir et préparer la formation (bloc 1)",
        structure="cae",
        trainers=("lea",),
        days=5,
        nsf="333",
        formacode="44517",
        price_inter=185000,
        price_intra=None,
        bpf_objective="a",
        certification_kind="rncp",
        certification_code="RNCP37275",
        rncp_level=5,
        certification=(
            ("certification_title", "Formateur professionnel d'adultes"),
            ("certifier", "Ministère du Travail"),
            (
                "certification_blocks",
                "Bloc 1 : préparer et animer des actions de formation collectives. Bloc 2 : construire des "
                "parcours individualisés et accompagner les apprenant·es. Chaque bloc se valide séparément.",
            ),
            ("certification_equivalences", "Le bloc 1 vaut le certificat de compétences professionnelles (CCP) 1."),
            ("certification_outlets", "Formateur·rice, coordinateur·rice pédagogique ; suite : titre complet."),
            ("certification_success_rate", 91),
            ("certification_success_period", "sessions 2024 et 2025"),
            ("certification_success_sample", 22),
        ),
        summary=(
            "Préparation du premier bloc de compétences du titre professionnel Formateur professionnel "
            "d'adultes (niveau 5), en deux modules, avec l'expérience des formateur·rices de coopérative."
        ),
        objectives=(
            "Analyser une demande de formation et en déduire les compétences à acquérir",
            "Élaborer la progression pédagogique d'une formation multimodale",
            "Concevoir le scénario pédagogique et les ressources d'une séquence",
            "Préparer l'épreuve de certification du bloc 1",
        ),
        audience="Formateur·rices en activité souhaitant valider le bloc 1 du titre (CPF possible).",
        prerequisites="Expérience d'animation de formation ; entretien de positionnement préalable.",
        content=(
            "Module 1 (3 jours) : analyse de la demande, référentiels, progression pédagogique.\n"
            "Module 2 (2 jours) : scénario, ressources multimodales, préparation du dossier et de l'épreuve."
        ),
        methods="Ateliers de conception sur des commandes réelles, tutorat individuel, plateforme de ressources.",
    ),
    TrainingSpec(
        key="reunions",
        reference="ENS-REU-10",
        title="Conduire des réunions participatives",
        structure="association",
        trainers=("nadia",),
        days=1,
        nsf="413",
        formacode="32002",
        price_inter=29000,
        price_intra=130000,
        summary="Une journée pour des réunions plus courtes, plus vivantes et qui débouchent sur des décisions.",
        objectives=(
            "Préparer une réunion avec un objectif et un ordre du jour clairs",
            "Utiliser trois techniques simples pour faire participer chacun·e",
            "Conclure par des décisions et un relevé partagé",
        ),
        audience="Agent·es, salarié·es et bénévoles qui animent des réunions.",
        prerequisites="Aucun.",
        content="Matin : préparer, ouvrir, faire participer. Après-midi : décider, conclure, s'entraîner.",
        methods="Mises en situation sur les réunions réelles des stagiaires ; fiches pratiques.",
    ),
    TrainingSpec(
        key="utilite_sociale",
        reference="ENS-EVAL-11",
        title="Évaluer l'utilité sociale de son projet",
        structure="scop",
        trainers=("sophie", "julien"),
        days=2,
        nsf="123",
        formacode="14284",
        price_inter=56000,
        price_intra=250000,
        summary=(
            "Définir ses critères d'utilité sociale, choisir des indicateurs et les faire vivre avec ses "
            "parties prenantes."
        ),
        objectives=(
            "Définir avec ses parties prenantes ce que son projet change",
            "Construire des critères et des indicateurs d'utilité sociale",
            "Choisir des méthodes de collecte proportionnées à ses moyens",
            "Valoriser les résultats auprès des financeurs et des partenaires",
        ),
        audience="Dirigeant·es et chargé·es de projet de structures de l'économie sociale et solidaire.",
        prerequisites="Aucun.",
        content=(
            "Jour 1 : utilité sociale et impact, référentiel d'évaluation, parties prenantes.\n"
            "Jour 2 : indicateurs, collecte, restitution ; plan d'évaluation de son projet."
        ),
        methods="Apports, ateliers sur les projets des stagiaires, boîte à outils remise.",
    ),
    TrainingSpec(
        key="handicap",
        reference="ENS-HAND-12",
        title="Accueillir des stagiaires en situation de handicap",
        structure="scop",
        trainers=("sophie",),
        days=1,
        nsf="333",
        formacode="44521",
        price_inter=32000,
        price_intra=140000,
        status="submitted",
        summary="Adapter l'accueil, les supports et l'évaluation pour que chaque stagiaire puisse se former.",
        objectives=(
            "Identifier les besoins d'adaptation lors de l'entretien préalable",
            "Adapter supports, rythme et modalités d'évaluation",
            "Mobiliser le réseau des ressources handicap du territoire",
        ),
        audience="Formateur·rices et responsables pédagogiques d'organismes de formation.",
        prerequisites="Aucun.",
        content="Matin : cadre légal, recueil des besoins. Après-midi : adaptations, ressources, cas pratiques.",
        methods="Témoignages, études de cas, grille d'adaptation remise.",
    ),
]


def load(ctx: DemoContext) -> None:
    quality = ctx.actor("quality")
    validated_at = timezone.now() - dt.timedelta(days=700)
    for spec in TRAININGS:
        lead = ctx.trainers[spec.trainers[0]]
        author = ctx.actor("trainer") if lead.user_id and lead.user_id == ctx.users["trainer"].pk else quality
        training = services.training_create(
            actor=author,
            member_structure_id=ctx.structures[spec.structure].pk,
            trainer_ids=[ctx.trainers[key].pk for key in spec.trainers],
            title=spec.title,
            reference=spec.reference,
            summary=spec.summary,
            objectives=list(spec.objectives),
            audience=spec.audience,
            prerequisites=spec.prerequisites,
            content=spec.content,
            duration_minutes=spec.duration_minutes,
            modality=spec.modality,
            methods=spec.methods,
            evaluation_methods=EVALUATION,
            accessibility=ACCESSIBILITY,
            access_delay=ACCESS_DELAY,
            price_inter_cents=spec.price_inter,
            price_intra_cents=spec.price_intra,
            certification_kind=spec.certification_kind,
            certification_code=spec.certification_code,
            rncp_level=spec.rncp_level,
            price_on_quote=spec.price_intra is None,
            nsf_code=spec.nsf,
            formacode=spec.formacode,
            bpf_objective=spec.bpf_objective,
            **dict(spec.certification),
        )
        services.training_submit(actor=author, training_id=training.pk)
        if spec.status == "validated":
            services.training_validate(actor=quality, training_id=training.pk)
            # History: validated about two years ago (the service dates the validation now).
            Training.objects.filter(pk=training.pk).update(validated_at=validated_at)
            services.training_update(actor=quality, training_id=training.pk, is_public=True)
        training.refresh_from_db()
        ctx.trainings[spec.key] = training
