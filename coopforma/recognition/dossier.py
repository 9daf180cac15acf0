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

SCHEMA_VERSION = "1.1"
TO_COMPLETE = "à compléter"
EXCHANGES_NOTE = (
    "Ce que prouvent les traces des échanges de savoir-faire retenus par le comité : leurs dates, leur nombre de "
    "participant·es et de bilans, et les compétences que les participant·es déclarent dans leurs bilans. Ces "
    "compétences sont déclarées, non évaluées : seule une évaluation par un organisme de formation les atteste."
)


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
    exchanges: dict[int, dict[str, Any]] = {}
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
        adopted = [row for row in view.exchanges if row.adopted]
        for row in adopted:
            exchange = row.exchange
            record = exchanges.setdefault(
                exchange.pk,
                {
                    "title": exchange.title,
                    "kind": exchange.kind,
                    "kind_label": exchange.get_kind_display(),
                    "state": exchange.state,
                    "state_label": exchange.get_state_display(),
                    "starts_on": exchange.starts_on.isoformat() if exchange.starts_on else "",
                    "ends_on": exchange.ends_on.isoformat() if exchange.ends_on else "",
                    "participants": row.participants,
                    "debriefs": row.debriefs,
                    "declared_competencies": [],
                    "blocks": [],
                },
            )
            record["blocks"].append(view.block.code)
            record["declared_competencies"].extend(
                {"block": view.block.code, "competency": code, "debriefs": count}
                for code, count in row.declared.items()
            )
        block_rows.append(
            {
                "code": view.block.code,
                "title": view.block.title,
                "activities": [a.code for a in view.activities],
                "competencies": [c.code for c in view.competencies],
                "trainings": [r.training.title for r in view.trainings],
                "exchanges": [r.exchange.title for r in adopted],
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
        "exchanges": {"note": EXCHANGES_NOTE, "records": list(exchanges.values())},
    }
