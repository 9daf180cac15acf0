# SPDX-License-Identifier: AGPL-3.0-or-later
"""The shipped French questionnaires, copied into an organisation on first use (`questionnaires_ensure_defaults`).

One per `QuestionnaireKind`. Qualiopi: indicator 4 (needs analysis), 8 (positioning), 11 (assessment of the
acquired skills against each objective), 30 (appreciations of trainees, clients, funders, trainers),
2 (the published results: the `measure` of a question feeds them). The organisation then edits its copies.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

SATISFACTION_SCALE_HELP = _("1 = pas du tout satisfait·e, 5 = très satisfait·e")
OBJECTIVES_HELP = _("Pour chaque objectif : 1 = pas du tout atteint, 5 = complètement atteint")


def q(type: str, label: Any, **extra: Any) -> dict[str, Any]:
    return {"type": type, "label": label, **extra}


DEFAULT_QUESTIONNAIRES: list[dict[str, Any]] = [
    {
        "kind": "needs",
        "respondent": "trainee",
        "title": _("Analyse de vos besoins et positionnement"),
        "intro": _(
            "Avant la formation, aidez-nous à l'adapter à vos attentes et à votre niveau. "
            "Vos réponses sont lues par le ou la formateur·rice."
        ),
        "is_anonymous": False,
        "send_offset_days": -10,
        "open_days": 10,
        "reminder_days": 3,
        "max_reminders": 2,
        "questions": [
            q("text", _("Qu'attendez-vous de cette formation ?")),
            q("text", _("Dans quelle situation de travail utiliserez-vous ce que vous allez apprendre ?")),
            q(
                "objectives",
                _("Votre niveau actuel sur chacun des objectifs de la formation"),
                help_text=_("1 = je découvre, 5 = je maîtrise déjà"),
            ),
            q(
                "single",
                _("Avez-vous déjà suivi une formation sur ce sujet ?"),
                choices=[_("Non, jamais"), _("Oui, une initiation"), _("Oui, une formation approfondie")],
            ),
            q(
                "yes_no",
                _("Avez-vous besoin d'une adaptation (handicap, santé, contraintes particulières) ?"),
                help_text=_(
                    "Si oui, notre référent·e handicap vous contactera en toute confidentialité pour organiser "
                    "les aménagements."
                ),
            ),
            q("text", _("Si oui, précisez ce qui vous aiderait (facultatif)"), required=False),
        ],
    },
    {
        "kind": "hot",
        "respondent": "trainee",
        "title": _("Votre avis sur la formation (à chaud)"),
        "intro": _("La formation se termine : votre avis nous aide à l'améliorer. Questionnaire anonyme."),
        "is_anonymous": True,
        "send_offset_days": 0,
        "open_days": 14,
        "reminder_days": 3,
        "max_reminders": 2,
        "questions": [
            q(
                "scale",
                _("Globalement, êtes-vous satisfait·e de la formation ?"),
                measure="satisfaction",
                help_text=SATISFACTION_SCALE_HELP,
            ),
            q(
                "objectives",
                _("Les objectifs de la formation ont-ils été atteints pour vous ?"),
                measure="objectives",
                help_text=OBJECTIVES_HELP,
            ),
            q("scale", _("Qualité de l'animation par le ou la formateur·rice"), help_text=SATISFACTION_SCALE_HELP),
            q(
                "scale",
                _("Qualité des supports et de l'organisation (lieu, horaires, outils)"),
                help_text=SATISFACTION_SCALE_HELP,
            ),
            q("yes_no", _("Recommanderiez-vous cette formation à un·e collègue ?"), measure="recommendation"),
            q(
                "multiple",
                _("Qu'avez-vous le plus apprécié ?"),
                choices=[
                    _("Les apports théoriques"),
                    _("Les exercices pratiques"),
                    _("Les échanges entre stagiaires"),
                    _("Les supports remis"),
                ],
                required=False,
            ),
            q("text", _("Qu'est-ce qui pourrait être amélioré ?"), required=False),
        ],
    },
    {
        "kind": "cold",
        "respondent": "trainee",
        "title": _("Trois mois après la formation (à froid)"),
        "intro": _("Quelques semaines ont passé : qu'avez-vous mis en pratique ? Questionnaire anonyme."),
        "is_anonymous": True,
        "send_offset_days": 90,
        "open_days": 21,
        "reminder_days": 7,
        "max_reminders": 2,
        "questions": [
            q(
                "scale",
                _("Avec le recul, êtes-vous satisfait·e de la formation ?"),
                measure="satisfaction",
                help_text=SATISFACTION_SCALE_HELP,
            ),
            q(
                "objectives",
                _("Mettez-vous en pratique chacun des objectifs dans votre travail ?"),
                help_text=_("1 = pas du tout, 5 = régulièrement"),
            ),
            q("yes_no", _("La formation a-t-elle changé votre façon de travailler ?")),
            q("text", _("Un exemple concret, ou ce qui vous a manqué"), required=False),
        ],
    },
    {
        "kind": "client",
        "respondent": "client",
        "title": _("Satisfaction de l'entreprise ou de la structure cliente"),
        "intro": _("Vous avez inscrit des personnes à cette formation : votre avis compte."),
        "is_anonymous": False,
        "send_offset_days": 7,
        "open_days": 21,
        "reminder_days": 7,
        "max_reminders": 2,
        "questions": [
            q(
                "scale",
                _("Globalement, êtes-vous satisfait·e de la prestation ?"),
                measure="satisfaction",
                help_text=SATISFACTION_SCALE_HELP,
            ),
            q(
                "scale",
                _("Qualité des échanges avant la formation (devis, convention, convocations)"),
                help_text=SATISFACTION_SCALE_HELP,
            ),
            q("yes_no", _("La formation a-t-elle répondu au besoin de votre structure ?"), measure="objectives"),
            q("yes_no", _("Feriez-vous de nouveau appel à nous ?"), measure="recommendation"),
            q("text", _("Remarques et suggestions"), required=False),
        ],
    },
    {
        "kind": "funder",
        "respondent": "funder",
        "title": _("Satisfaction du financeur"),
        "intro": _("Vous avez financé cette formation : dites-nous si notre collaboration vous a convenu."),
        "is_anonymous": False,
        "send_offset_days": 14,
        "open_days": 30,
        "reminder_days": 10,
        "max_reminders": 1,
        "questions": [
            q(
                "scale",
                _("Globalement, êtes-vous satisfait·e de notre collaboration ?"),
                measure="satisfaction",
                help_text=SATISFACTION_SCALE_HELP,
            ),
            q(
                "yes_no",
                _(
                    "Les pièces demandées (convention, émargements, certificats) vous ont-elles été "
                    "transmises dans les délais ?"
                ),
            ),
            q("text", _("Remarques"), required=False),
        ],
    },
    {
        "kind": "trainer",
        "respondent": "trainer",
        "title": _("Bilan du ou de la formateur·rice"),
        "intro": _("Votre regard sur la session, pour l'amélioration continue (indicateur 30)."),
        "is_anonymous": False,
        "send_offset_days": 0,
        "open_days": 14,
        "reminder_days": 5,
        "max_reminders": 2,
        "questions": [
            q(
                "scale",
                _("Êtes-vous satisfait·e du déroulement de la session ?"),
                measure="satisfaction",
                help_text=SATISFACTION_SCALE_HELP,
            ),
            q(
                "scale",
                _("Le groupe correspondait-il au public visé et aux prérequis ?"),
                help_text=_("1 = pas du tout, 5 = tout à fait"),
            ),
            q("yes_no", _("Des difficultés sont-elles survenues (logistique, abandon, conflit, handicap) ?")),
            q("text", _("Précisez, et ce que vous proposez d'améliorer"), required=False),
        ],
    },
    {
        "kind": "skills",
        "respondent": "trainer",
        "title": _("Évaluation des acquis par objectif"),
        "intro": _(
            "Pour chaque stagiaire, évaluez l'atteinte de chacun des objectifs du programme de la session "
            "(indicateur 11)."
        ),
        "is_anonymous": False,
        "send_offset_days": 0,
        "open_days": 14,
        "reminder_days": 4,
        "max_reminders": 2,
        "questions": [
            q(
                "objectives",
                _("Acquis du ou de la stagiaire pour chaque objectif"),
                measure="objectives",
                help_text=_("1 = non acquis, 3 = en cours d'acquisition, 5 = acquis"),
            ),
            q(
                "single",
                _("Méthode d'évaluation utilisée"),
                choices=[_("Mise en situation"), _("Quiz ou QCM"), _("Étude de cas"), _("Observation en cours")],
            ),
            q("text", _("Commentaire pour le ou la stagiaire"), required=False),
        ],
    },
]
