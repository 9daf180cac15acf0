# SPDX-License-Identifier: AGPL-3.0-or-later
"""This app's part of the demo cooperative, built from the records the earlier parts created
(`dashboard.demo` calls the parts in order).

The quality system of a real OF in its third year: the audits of its certificate (the initial audit before
the certificate's start, a surveillance audit in the 14–22-month window with a minor non-conformity since
lifted), a complaint and an incident handled, a drop-out followed up, improvement actions, the watch log, the
monitoring of the subcontracted trainer, and a few procedures written as evidence. Gaps are left on purpose
(no skills-development plan for indicator 22, one watch entry not yet exploited, CVs not uploaded…), so the
dashboard shows mixed, honest statuses. Everything is recorded through the quality services by the quality
manager, with the dates on which it happened (the services refuse only dates in the future).
"""

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from coopforma.accounts.actor import Actor
from coopforma.accounts.demo import DemoContext
from coopforma.core.dates import add_months
from coopforma.people.models import Trainer, TrainerStatus
from coopforma.quality import services
from coopforma.quality.models import (
    AuditKind,
    ComplaintKind,
    Severity,
)
from coopforma.training_sessions.models import Participant, ParticipantStatus, Session

COMPLAINTS_PROCEDURE = """Procédure de traitement des réclamations et des aléas — Coopérative de formation Ensemble

1. Toute personne (stagiaire, client, financeur, formateur·rice) peut formuler une réclamation, à l'oral ou
   par écrit (contact@ensemble.example). Quiconque la reçoit l'enregistre dans le registre Coopforma.
2. Accusé de réception sous 5 jours ; analyse des causes par le responsable qualité avec la structure membre.
3. Réponse écrite sous 30 jours ; clôture une fois la réponse acceptée.
4. Chaque réclamation est examinée en revue qualité trimestrielle : une action d'amélioration est ouverte
   quand la cause peut se reproduire.
"""


def load(ctx: DemoContext) -> None:
    org, today, users = ctx.org, ctx.today, ctx.users
    actor = ctx.actor("quality")
    certified_on = org.qualiopi_valid_from or dt.date(today.year - 2, 3, 18)
    _audits(actor, certified_on=certified_on, today=today)
    past = list(
        Session.objects.filter(organisation=org, end_date__lt=today - dt.timedelta(days=60))
        .exclude(status="cancelled")
        .order_by("-end_date")[:2]
    )
    complaint = None
    if past:
        session = past[0]
        received = session.end_date + dt.timedelta(days=3)
        complaint = services.complaint_report(
            actor=actor,
            kind=ComplaintKind.COMPLAINT,
            received_on=received,
            source="Cliente (responsable formation de l'entreprise)",
            description="Les supports de la formation ont été envoyés aux stagiaires dix jours après la fin de "
            "la session au lieu du lendemain, comme annoncé dans le programme.",
            session=session,
            member_structure=session.member_structure,
            acknowledged_on=received + dt.timedelta(days=1),
            analysis="Envoi laissé à la charge de chaque formateur·rice, sans rappel ni vérification.",
            answered_on=received + dt.timedelta(days=8),
            answer="Excuses présentées, supports envoyés le jour même ; l'envoi est désormais automatique.",
            closed_on=received + dt.timedelta(days=15),
        )
    if len(past) > 1:
        session = past[1]
        day = session.start_date or today - dt.timedelta(days=90)
        services.complaint_report(
            actor=actor,
            kind=ComplaintKind.INCIDENT,
            received_on=day,
            source="Formateur·rice",
            description="Salle indisponible le matin du premier jour (dégât des eaux) : session déplacée dans "
            "la salle de réunion de la coopérative.",
            session=session,
            member_structure=session.member_structure,
            acknowledged_on=day,
            analysis="Aléa extérieur ; le déplacement a pris une heure, rattrapée en fin de journée.",
            answered_on=day,
            answer="Stagiaires prévenus par SMS ; horaires tenus ; lieu de repli noté pour chaque session.",
            closed_on=day + dt.timedelta(days=2),
        )
    dropout = (
        Participant.objects.filter(organisation=org, status=ParticipantStatus.DROPPED_OUT, session__end_date__lt=today)
        .select_related("session")
        .order_by("session__start_date")
        .first()
    )
    if dropout is not None:
        day = dropout.session.end_date or today
        services.complaint_report(
            actor=actor,
            kind=ComplaintKind.DROPOUT,
            received_on=day,
            source="Formateur·rice",
            description="Absence à partir du deuxième jour.",
            session=dropout.session,
            participant=dropout,
            member_structure=dropout.session.member_structure,
            acknowledged_on=day,
            analysis="Appel du stagiaire : surcharge de travail, l'employeur n'a pas libéré le temps prévu.",
            answered_on=day + dt.timedelta(days=2),
            answer="Échange avec l'employeur ; place proposée sur la session suivante.",
            closed_on=day + dt.timedelta(days=2),
        )
    if complaint is not None:
        services.improvement_create(
            actor=actor,
            source="complaint",
            complaint=complaint,
            cause="Envoi des supports laissé à l'initiative de chaque formateur·rice.",
            action="Déposer les supports dans l'espace stagiaire avant la fin de la session ; "
            "vérification par la responsable qualité lors de la clôture.",
            owner=users["quality"],
            due_on=complaint.received_on + dt.timedelta(days=30),
            done_on=complaint.received_on + dt.timedelta(days=20),
            effect="Plus aucun retard constaté sur les sessions suivantes.",
            indicators=[19, 32],
        )
    services.improvement_create(
        actor=actor,
        source="evaluation",
        cause="Évaluations à chaud : le rythme du troisième jour est jugé trop dense par plusieurs groupes.",
        action="Alléger le déroulé du jour 3 de la formation de formateurs et tester une séquence en sous-groupes.",
        owner=users["trainer"],
        due_on=today + dt.timedelta(days=45),
        indicators=[6, 32],
    )
    _watch(actor, today=today)
    subcontractor = Trainer.objects.filter(organisation=org, status=TrainerStatus.SUBCONTRACTOR).first()
    if subcontractor is not None:
        services.check_create(
            actor=actor,
            trainer=subcontractor,
            checked_on=today - dt.timedelta(days=120),
            contract_signed=True,
            nda_checked=True,
            qualiopi_checked=True,
            notes="Certificat Qualiopi en cours de validité, contrat de sous-traitance signé, CV à jour.",
            next_check_on=today + dt.timedelta(days=245),
        )
    _evidence(actor, today=today)


def _audits(actor: Actor, *, certified_on: dt.date, today: dt.date) -> None:
    certifier = actor.organisation.qualiopi_certifier or "AFNOR Certification"
    initial_on = certified_on - dt.timedelta(days=26)
    services.audit_create(
        actor=actor,
        kind=AuditKind.INITIAL,
        planned_on=initial_on,
        done_on=initial_on,
        certifier=certifier,
        auditor="Anne Lemaire",
        notes="Audit initial sur site, une journée ; aucune non-conformité majeure.",
    )
    surveillance_on = add_months(certified_on, 17)
    if surveillance_on <= today:
        audit = services.audit_create(
            actor=actor,
            kind=AuditKind.SURVEILLANCE,
            planned_on=surveillance_on,
            done_on=surveillance_on,
            certifier=certifier,
            auditor="Anne Lemaire",
            remote=True,
            notes="Audit de surveillance à distance : une non-conformité mineure.",
        )
        closed = min(surveillance_on + dt.timedelta(days=75), today)
        nonconformity = services.nonconformity_create(
            actor=actor,
            audit_id=audit.pk,
            indicator=23,
            severity=Severity.MINOR,
            description="La veille réglementaire est tenue mais son exploitation n'est pas tracée.",
            action_plan="Registre de veille dans Coopforma, avec pour chaque entrée ce qui a changé chez nous.",
        )
        services.nonconformity_update(
            actor=actor,
            nonconformity_id=nonconformity.pk,
            closed_on=closed,
            closure_note="Registre de veille tenu depuis ; mise à jour des conditions générales "
            "(reste à charge CPF) tracée.",
        )


def _watch(actor: Actor, *, today: dt.date) -> None:
    entries = [
        (23, 200, "Décret n° 2024-394 du 29 avril 2024 (participation forfaitaire CPF)",
         "Une participation du titulaire s'applique désormais aux formations financées par le CPF.",
         "Conditions générales, devis et contrats avec les particuliers mis à jour ; information donnée avant "
         "l'inscription."),
        (24, 150, "Observatoire de l'économie sociale et solidaire — panorama régional",
         "Forte demande de compétences en gouvernance partagée dans les Scic.",
         "Ouverture d'une session supplémentaire « Gouvernance partagée » et recrutement d'une formatrice."),
        (25, 40, "Rencontre du réseau des formateur·rices coopératif·ves — pédagogie inversée",
         "Retours d'expérience sur les classes inversées pour les formations courtes.", ""),
    ]  # fmt: skip
    for number, days_ago, source, summary, change in entries:
        services.watch_create(
            actor=actor,
            indicator=number,
            seen_on=today - dt.timedelta(days=days_ago),
            source=source,
            summary=summary,
            practice_change=change,
        )


def _evidence(actor: Actor, *, today: dt.date) -> None:
    notes = [
        ([6], True, "Procédure de conception des programmes",
         "Chaque programme est conçu par le ou la formateur·rice avec la fiche de conception (objectifs, "
         "séquences, évaluation), relu par le comité pédagogique puis validé dans Coopforma."),
        ([10], True, "Adaptation des parcours",
         "Entretien préalable avec chaque stagiaire signalant un besoin ; adaptations notées sur sa fiche "
         "(ex. : supports remis en amont pour une stagiaire malentendante)."),
        ([12], True, "Procédure de prévention des abandons",
         "Appel du stagiaire dès la première absence non justifiée ; échange avec l'employeur ; report proposé."),
        ([18], False, "Organigramme fonctionnel (brouillon)",
         "Répartition des rôles entre l'OF et les structures membres ; version à faire valider par le CA."),
        ([19], True, "Ressources pédagogiques",
         "Supports déposés dans l'espace stagiaire avant la fin de chaque session (action d'amélioration)."),
    ]  # fmt: skip
    for numbers, covers, title, note in notes:
        services.evidence_create(
            actor=actor,
            title=title,
            indicators=numbers,
            covers=covers,
            note=note,
            dated=today - dt.timedelta(days=90),
        )
    # One fixed name: loading the demo again reuses the file instead of piling up copies.
    name = "quality/evidence/demo/procedure-reclamations.txt"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(COMPLAINTS_PROCEDURE.encode()))
    services.evidence_create(
        actor=actor,
        title="Procédure de traitement des réclamations et des aléas",
        indicators=[31],
        covers=True,
        note="Affichée dans le livret d'accueil et sur le site.",
        dated=today - dt.timedelta(days=300),
        file=name,
    )
