# SPDX-License-Identifier: AGPL-3.0-or-later
"""A certification project as a structured dossier: one dict (the JSON export, `SCHEMA_VERSION`) that the PDF
(documents.py) prints as is. The sections follow what France compétences asks of a registration request
(RNCP: Code du travail R6113-9; RS: R6113-11): context and need, référentiel d'activités, de compétences,
d'évaluation, blocs de compétences, access conditions, training paths that prepare it.

Missing data is not left out: it is written `TO_COMPLETE` (« à compléter ») so that the dossier says what is left
to write. The schema is documented in docs/recognition.md; a change of its keys changes `SCHEMA_VERSION`.
"""

from typing import Any

from django.utils import timezone

from coopforma.recognition import selectors
from coopforma.recognition.models import CertificationProject

SCHEMA_VERSION = "1.0"
TO_COMPLETE = "à compléter"


def _text(value: str) -> str:
    return value.strip() or TO_COMPLETE


def _evidence(project: CertificationProject) -> dict[str, Any]:
    stored = project.evidence or {}
    found = stored.get("map") or {}
    tenders = stored.get("tenders")
    return {
        "gathered_at": stored.get("gathered_at", ""),
        "map": {
            "source": found.get("source", ""),
            "date": found.get("date", ""),
            "keywords": found.get("keywords", []),
            "offers": found.get("offers", 0),
            "sessions": found.get("sessions", 0),
            "regions": found.get("regions", []),
            "departments_without_offer": found.get("departments_without_offer", 0),
        },
        "tenders": tenders
        if tenders
        else {"source": "Veille des appels d'offres du réseau", "date": "", "available": False},
    }


def project_dossier(project: CertificationProject) -> dict[str, Any]:
    """The dossier of `project` (a project read through `selectors.project_get`)."""
    blocks = selectors.blocks_of(project=project)
    version = project.version
    job = project.job
    activities: dict[str, dict[str, str]] = {}
    competencies: dict[str, dict[str, Any]] = {}
    evaluations = []
    paths: dict[int, dict[str, Any]] = {}
    block_rows = []
    for view in blocks:
        for a in view.activities:
            activities.setdefault(a.code, {"code": a.code, "label": a.label})
        for c in view.competencies:
            competencies.setdefault(c.code, {"code": c.code, "label": c.label, "criteria": list(c.criteria)})
        for e in view.evaluations:
            evaluations.append(
                {
                    "block": view.block.code,
                    "competency": e.competency.code,
                    "competency_label": e.competency.label,
                    "situations": _text(e.situations),
                    "criteria": _text(e.criteria),
                    "modalities": _text(e.modalities),
                }
            )
        for row in view.trainings:
            path = paths.setdefault(
                row.training.pk,
                {
                    "title": row.training.title,
                    "organisation": row.training.organisation.name,
                    "duration_hours": round(row.training.duration_minutes / 60, 1),
                    "blocks": [],
                },
            )
            path["blocks"].append(view.block.code)
        block_rows.append(
            {
                "code": view.block.code,
                "title": view.block.title,
                "activities": [a.code for a in view.activities],
                "competencies": [c.code for c in view.competencies],
                "trainings": [r.training.title for r in view.trainings],
            }
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": timezone.now().isoformat(),
        "project": {
            "title": project.title,
            "register": project.register,
            "register_label": project.get_register_display(),
            "level": project.level,
            "level_label": project.get_level_display() if project.level else TO_COMPLETE,
            "state": project.state,
            "state_label": project.get_state_display(),
            "code": project.code,
            "registered_on": project.registered_on.isoformat() if project.registered_on else "",
            "carrier": project.carrier_name or TO_COMPLETE,
            "network": project.network.name,
        },
        "referentiel": {
            "title": version.referentiel.title,
            "version": version.number,
            "licence": version.referentiel.licence,
            "job": {
                "code": job.code if job else "",
                "label": job.label if job else TO_COMPLETE,
                "aliases": list(job.aliases) if job else [],
                "mission": _text(job.description) if job else TO_COMPLETE,
                "codes": {k: list(v) for k, v in job.codes.items()} if job else {},
            },
        },
        "context": _text(project.context),
        "evidence": _evidence(project),
        "activities": list(activities.values()),
        "competencies": list(competencies.values()),
        "evaluation": evaluations,
        "blocks": block_rows,
        "access_conditions": _text(project.access_conditions),
        "training_paths": list(paths.values()),
    }
