# SPDX-License-Identifier: AGPL-3.0-or-later
"""The document kind « Dossier de projet de certification », registered with the documents engine by
`RecognitionConfig.ready()`: its keywords are the keys of the dossier (`dossier.py`), its default template
`templates/recognition/dossier.typ`. The PDF is a working copy (no verification code: it is not an issued
document); the carrier organisation may adapt the template in its « Modèles de documents » like any other kind.
"""

from functools import cache
from pathlib import Path
from typing import Any

from coopforma.documents.registry import DocumentKind, Keyword, KindHooks, Missing, all_kinds, register
from coopforma.recognition.dossier import EXCHANGES_NOTE, TO_COMPLETE, project_dossier
from coopforma.recognition.models import CertificationProject

KIND = "certification_dossier"
TEMPLATE = Path(__file__).resolve().parent / "templates" / "recognition" / "dossier.typ"

K = Keyword
_BLOCK = {
    "code": "BC01",
    "title": "Animer, faciliter, réguler un collectif",
    "activities": ["M1-A3"],
    "competencies": ["M1-C2", "M1-C4"],
    "trainings": ["Faciliter l'intelligence collective"],
    "exchanges": ["Codéveloppement entre animateur·rices"],
}
KEYWORDS = (
    K("dossier.project.title", "Intitulé de la certification", "Animateur·rice de coopération territoriale"),
    K("dossier.project.register_label", "Répertoire visé", "RNCP (Répertoire national des certifications)"),
    K("dossier.project.level_label", "Niveau de qualification", "Niveau 6"),
    K("dossier.project.state_label", "État du projet", "En préparation"),
    K("dossier.project.code", "Code RNCP ou RS (une fois enregistrée)", ""),
    K("dossier.project.carrier", "Porteur (futur certificateur)", "Coop Formation Bretagne"),
    K("dossier.project.network", "Réseau", "Réseau des formations coopératives"),
    K("dossier.referentiel.title", "Titre du référentiel", "Référentiel des métiers de la coopération"),
    K("dossier.referentiel.version", "Version du référentiel", "1.0"),
    K("dossier.referentiel.licence", "Licence du référentiel", "CC BY-SA 4.0"),
    K("dossier.referentiel.job.code", "Code du métier", "M1"),
    K("dossier.referentiel.job.label", "Métier visé", "Animateur·rice de coopération territoriale"),
    K("dossier.referentiel.job.mission", "Mission du métier", "Faire travailler ensemble des acteurs hétérogènes."),
    K("dossier.context", "Contexte et opportunité", TO_COMPLETE),
    K("dossier.evidence.map.source", "Source des chiffres de la carte", "Carte des formations du réseau"),
    K("dossier.evidence.map.date", "Date des chiffres de la carte", "2026-12-04"),
    K("dossier.evidence.map.offers", "Offres qui citent le métier", 12),
    K("dossier.evidence.map.sessions", "Sessions de ces offres", 30),
    K("dossier.evidence.map.departments_without_offer", "Départements sans session", 80),
    K(
        "dossier.evidence.map.regions",
        "Offres et sessions par région (liste : name, offers, sessions)",
        [{"code": "53", "name": "Bretagne", "offers": 4, "sessions": 9}],
    ),
    K("dossier.evidence.tenders.available", "Chiffres des appels d'offres disponibles (oui/non)", False),
    K("dossier.evidence.tenders.source", "Source des appels d'offres", "Veille des appels d'offres du réseau"),
    K("dossier.evidence.tenders.date", "Date des chiffres des appels d'offres", ""),
    K("dossier.evidence.tenders.summary", "Chiffres des appels d'offres (phrase)", ""),
    K(
        "dossier.activities",
        "Activités (liste : code, label)",
        [{"code": "M1-A3", "label": "Animer des temps collectifs"}],
    ),
    K(
        "dossier.competencies",
        "Compétences (liste : code, label, criteria)",
        [{"code": "M1-C2", "label": "Faciliter l'intelligence collective", "criteria": ["Choisit une méthode"]}],
    ),
    K(
        "dossier.evaluation",
        "Évaluation par compétence (liste : block, competency, competency_label, situations, criteria, modalities)",
        [
            {
                "block": "BC01",
                "competency": "M1-C2",
                "competency_label": "Faciliter l'intelligence collective",
                "situations": "Mise en situation professionnelle",
                "criteria": "- Choisit une méthode adaptée",
                "modalities": "Observation et entretien",
            }
        ],
    ),
    K(
        "dossier.blocks",
        "Blocs de compétences (liste : code, title, activities, competencies, trainings, exchanges)",
        [_BLOCK],
    ),
    K("dossier.access_conditions", "Modalités d'accès", TO_COMPLETE),
    K(
        "dossier.training_paths",
        "Parcours de formation (liste : title, organisation, duration_hours, blocks)",
        [{"title": "Faciliter", "organisation": "Coop Formation", "duration_hours": 21.0, "blocks": ["BC01"]}],
    ),
    K("dossier.exchanges.note", "Ce que prouvent les échanges de savoir-faire (phrase)", EXCHANGES_NOTE),
    K(
        "dossier.exchanges.records",
        "Échanges de savoir-faire retenus (liste : title, kind_label, state_label, starts_on, ends_on, participants, "
        "debriefs, declared_competencies [block, competency, debriefs], blocks)",
        [
            {
                "title": "Codéveloppement entre animateur·rices",
                "kind": "exchange",
                "kind_label": "Échange",
                "state": "done",
                "state_label": "Réalisé",
                "starts_on": "2026-10-02",
                "ends_on": "2026-10-02",
                "participants": 4,
                "debriefs": 3,
                "declared_competencies": [{"block": "BC01", "competency": "M1-C2", "debriefs": 3}],
                "blocks": ["BC01"],
            }
        ],
    ),
)


@cache
def default_template() -> str:
    return TEMPLATE.read_text(encoding="utf-8")


def dossier_context(project: CertificationProject) -> dict[str, Any]:
    return {"dossier": project_dossier(project)}


def dossier_missing(project: CertificationProject) -> list[Missing]:
    return []  # a working copy: what is missing is printed « à compléter »


def kind() -> DocumentKind:
    return DocumentKind(
        code=KIND,
        label="Dossier de projet de certification",
        subject="certification_project",
        keywords=KEYWORDS,
        build_context=dossier_context,
        missing=dossier_missing,
        default_template=default_template(),
        description="Dossier d'un projet de certification du réseau (RNCP ou Répertoire spécifique), à compléter "
        "avant son dépôt à France compétences.",
        hooks=KindHooks(label=str),
    )


def register_kinds() -> None:
    """Called by RecognitionConfig.ready() (registering twice is a no-op)."""
    if KIND not in {k.code for k in all_kinds()}:
        register(kind())


def dossier_pdf(project: CertificationProject) -> bytes:
    """The dossier as a PDF (the carrier organisation's active template of this kind, else the default)."""
    from coopforma.documents.services import active_template, render_pdf

    template = active_template(project.carrier_organisation_id, KIND) if project.carrier_organisation_id else None
    body = template.body if template is not None else default_template()
    return render_pdf(body, dossier_context(project), code=None, draft=False)
