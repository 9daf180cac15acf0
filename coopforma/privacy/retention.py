# SPDX-License-Identifier: AGPL-3.0-or-later
"""The one table of retention periods (durées de conservation), with their legal sources.

Each organisation may lengthen a period (`RetentionPeriod`); a period the law imposes cannot be shortened below
its legal minimum (the law wins over convenience), and a period the CNIL caps cannot be lengthened beyond it.
docs/privacy.md reproduces this table.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    months: int  # the default period
    starts: str  # from when the period runs
    source: str  # the legal source
    minimum: int = 1  # the law's minimum (months): an organisation cannot go below
    maximum: int = 1200  # a cap (months): an organisation cannot go beyond
    legal_hold: bool = False  # True: the law obliges us to keep (erasure refused while it runs)


INVOICES = "invoices"
ATTENDANCE = "attendance"
DOCUMENTS = "documents"
TRAINER_EVIDENCE = "trainer_evidence"
OUTBOX = "outbox"
PROSPECTS = "prospects"
HISTORY = "history"
EVALUATIONS = "evaluations"

CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in (
        Category(
            INVOICES,
            _("Factures, avoirs et pièces comptables"),
            120,
            _("la clôture de l'exercice"),
            _("Code de commerce, art. L123-22 (10 ans) ; LPF art. L102 B (6 ans)"),
            minimum=120,
            legal_hold=True,
        ),
        Category(
            ATTENDANCE,
            _("Preuves de réalisation : émargements, connexions, heures (derrière le certificat de réalisation)"),
            72,
            _("la fin de la session"),
            _(
                "Engagement du certificat de réalisation (3 ans après l'année du dernier paiement, plus avec un "
                "cofinancement européen) ; contrôles des financeurs et de l'administration (Code du travail "
                "L6362-5 et suivants), les OPCO demandent jusqu'à 6 ans"
            ),
            minimum=48,
            legal_hold=True,
        ),
        Category(
            DOCUMENTS,
            _("Documents émis : conventions, certificats, attestations et leurs signatures"),
            72,
            _("la fin de la session"),
            _(
                "Code du travail L6353-1 et L6353-2 (conventions, attestations) ; prescription contractuelle "
                "de 5 ans (Code civil art. 2224) ; mêmes contrôles que les preuves de réalisation"
            ),
            minimum=60,
            legal_hold=True,
        ),
        Category(
            TRAINER_EVIDENCE,
            _("Dossier des formateur·rices (compétences, CV, décision du comité)"),
            36,
            _("la dernière session animée"),
            _("Qualiopi, indicateurs 21 et 22 (preuves sur le cycle de certification de 3 ans, R6316-3)"),
            minimum=36,
            legal_hold=True,
        ),
        Category(
            OUTBOX,
            _("Textes des e-mails envoyés (boîte d'envoi)"),
            3,
            _("l'envoi"),
            _("Aucune obligation légale : le temps de traiter une erreur d'envoi (RGPD art. 5-1-e, minimisation)"),
            maximum=12,
        ),
        Category(
            PROSPECTS,
            _("Personnes jamais inscrites (prospects, demandes sans suite)"),
            36,
            _("le dernier contact"),
            _("CNIL, référentiel « gestion commerciale » : 3 ans après le dernier contact"),
            maximum=36,
        ),
        Category(
            EVALUATIONS,
            _("Réponses nominatives aux questionnaires d'évaluation (lien entre la réponse et la personne)"),
            36,
            _("la fin de la session"),
            _(
                "Qualiopi, indicateurs 2, 11 et 30 : preuves sur le cycle de certification de 3 ans (R6316-3) ; "
                "ensuite les réponses restent, sans lien avec la personne, dans les résultats agrégés"
            ),
            maximum=72,
        ),
        Category(
            HISTORY,
            _("Historique des actions (journal)"),
            72,
            _("l'action"),
            _("Preuve Qualiopi et des contrôles : suit la durée des preuves de réalisation"),
            minimum=12,
        ),
    )
}
