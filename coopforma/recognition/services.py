# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of certification projects. `actor` is a `networks.access.NetworkActor` of the project's network: the
committee and moderators (`recognition.edit`) build, submit and record the decision; a project of another network
is a 404 (« missing or not yours »), a lesser role a 403.

The linking back (`training_certification_adopt`) is the organisation's act, not the network's: once the
certification is registered, a person who may edit one of the trainings attached to the project copies the
certification's code, title, level and certifier into it (through `catalogue.services.training_update`, so the
catalogue's own rules and log apply). Nothing is written into an organisation's training without that act.
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from coopforma.accounts.actor import Actor
from coopforma.catalogue import selectors as catalogue_selectors
from coopforma.catalogue import services as catalogue_services
from coopforma.catalogue.models import BpfObjective, Training
from coopforma.core.identifiers import validate_rncp, validate_rs
from coopforma.core.locking import id_or_404
from coopforma.core.log import log_action
from coopforma.exchanges.models import Exchange, ExchangeState
from coopforma.networks.access import NetworkActor
from coopforma.networks.models import NetworkOrganisation, PartnerState, PartnerStructure
from coopforma.recognition import evidence
from coopforma.recognition.models import (
    BlockEvaluation,
    BlockExchange,
    BlockTraining,
    CertificationProject,
    ProjectBlock,
    ProjectState,
    Register,
)
from coopforma.referentiel.models import Item, ItemKind, Version, VersionState

EDIT = "recognition.edit"


def _project(actor: NetworkActor, project_id: int, *, flag: str = EDIT) -> CertificationProject:
    """The project, locked, in the actor's network (404 otherwise), if the actor holds `flag` (403 otherwise)."""
    project_id = id_or_404(project_id)
    project = (
        CertificationProject.objects.select_for_update(of=("self",))
        .filter(pk=project_id, network_id=actor.network_id)
        .select_related("version", "job")
        .first()
    )
    if project is None:
        raise Http404
    actor.require(flag)
    return project


def _block(project: CertificationProject, block_id: int) -> ProjectBlock:
    block = ProjectBlock.objects.filter(pk=id_or_404(block_id), project=project).first()
    if block is None:
        raise Http404
    return block


def _require_draft(project: CertificationProject) -> None:
    if project.state != ProjectState.DRAFT:
        raise ValidationError(
            {"state": f"Le projet est « {project.get_state_display()} » : seul un projet en préparation se modifie."}
        )


def _clean_fields(
    network_id: int,
    *,
    title: str,
    register: str,
    level: int | None,
    carrier_organisation_id: int | None,
    carrier_partner_id: int | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Donnez l'intitulé de la certification visée."
    elif len(title.strip()) > 300:
        errors["title"] = "L'intitulé tient en 300 caractères au plus."
    if register not in Register.values:
        errors["register"] = "Choisissez le répertoire visé : RNCP ou Répertoire spécifique."
    if level is not None and not 3 <= level <= 8:
        errors["level"] = "Le niveau de qualification va de 3 à 8 (cadre national des certifications)."
    if register == Register.RS and level is not None:
        errors["level"] = "Le Répertoire spécifique n'a pas de niveau de qualification : laissez-le vide."
    if carrier_organisation_id and carrier_partner_id:
        errors["carrier_partner_id"] = (
            "Choisissez un seul porteur : une organisation membre ou une structure partenaire."
        )
    if (
        carrier_organisation_id
        and not NetworkOrganisation.objects.filter(
            network_id=network_id, organisation_id=carrier_organisation_id
        ).exists()
    ):
        errors["carrier_organisation_id"] = "Cette organisation n'est pas membre du réseau."
    if (
        carrier_partner_id
        and not PartnerStructure.objects.filter(network_id=network_id, pk=carrier_partner_id)
        .exclude(state=PartnerState.REFUSED)
        .exists()
    ):
        errors["carrier_partner_id"] = "Cette structure n'est pas une structure partenaire du réseau."
    return errors


def _default_blocks(project: CertificationProject) -> None:
    """Blocs proposed from the job: its competencies grouped by their cross-cutting block (S1…), those without
    one in a bloc of their own; each bloc with the job's activities. The committee reworks them."""
    job = project.job
    if job is None:
        return
    competencies = list(
        Item.objects.filter(version=project.version, parent=job, kind=ItemKind.COMPETENCY)
        .prefetch_related("blocks")
        .order_by("position")
    )
    activities = list(Item.objects.filter(version=project.version, parent=job, kind=ItemKind.ACTIVITY))
    groups: dict[str, tuple[str, list[Item]]] = {}
    for competency in competencies:
        tag = min(competency.blocks.all(), key=lambda b: b.position, default=None)
        key = tag.code if tag else ""
        title = tag.label if tag else f"Compétences du métier « {job.label} »"
        groups.setdefault(key, (title, []))[1].append(competency)
    for position, (title, items) in enumerate(groups.values(), start=1):
        block = ProjectBlock.objects.create(project=project, code=f"BC{position:02d}", title=title, position=position)
        block.activities.set(activities)
        block.competencies.set(items)
        _sync_evaluations(block)


def _prefill(competency: Item) -> str:
    return "\n".join(f"- {c}" for c in competency.criteria)


def _sync_evaluations(block: ProjectBlock) -> None:
    """One evaluation per competency of the bloc: new ones prefilled from the observable criteria, those of
    competencies taken out of the bloc removed."""
    competencies = list(block.competencies.all())
    block.evaluations.exclude(competency__in=competencies).delete()
    existing = set(block.evaluations.values_list("competency_id", flat=True))
    BlockEvaluation.objects.bulk_create(
        BlockEvaluation(block=block, competency=c, criteria=_prefill(c)) for c in competencies if c.pk not in existing
    )


def project_create(
    *,
    actor: NetworkActor,
    version_id: int,
    job_code: str,
    title: str,
    register: str,
    level: int | None = None,
    carrier_organisation_id: int | None = None,
    carrier_partner_id: int | None = None,
    context: str = "",
    access_conditions: str = "",
) -> CertificationProject:
    """A project from a published version of the network's référentiel, for one of its jobs, with blocs proposed
    from the job's competencies (see `_default_blocks`)."""
    actor.require(EDIT)
    with transaction.atomic():
        version = (
            Version.objects.filter(
                pk=id_or_404(version_id), referentiel__network_id=actor.network_id, state=VersionState.PUBLISHED
            )
            .select_related("referentiel")
            .first()
        )
        errors = _clean_fields(
            actor.network_id,
            title=title,
            register=register,
            level=level,
            carrier_organisation_id=carrier_organisation_id,
            carrier_partner_id=carrier_partner_id,
        )
        job = None
        if version is None:
            errors["version_id"] = "Choisissez une version publiée du référentiel du réseau."
        elif not job_code.strip():
            errors["job_code"] = "Choisissez le métier visé par la certification."
        else:
            job = version.items.filter(kind=ItemKind.JOB, code=job_code.strip()).first()
            if job is None:
                errors["job_code"] = f"Le métier « {job_code.strip()} » n'existe pas dans la version {version.number}."
        if errors or version is None or job is None:
            raise ValidationError(errors)
        project = CertificationProject.objects.create(
            network_id=actor.network_id,
            version=version,
            job=job,
            title=title.strip(),
            register=register,
            level=level,
            carrier_organisation_id=carrier_organisation_id or None,
            carrier_partner_id=carrier_partner_id or None,
            context=context.strip(),
            access_conditions=access_conditions.strip(),
            created_by=actor.user,
        )
        _default_blocks(project)
        project.evidence = evidence.gather(network=actor.network, job=job)
        project.save(update_fields=["evidence"])
        log_action(
            actor=actor.user,
            obj=project,
            action="recognition.project.created",
            data={"version": version.number, "job": job.code},
        )
        return project


def project_update(
    *,
    actor: NetworkActor,
    project_id: int,
    title: str,
    register: str,
    level: int | None = None,
    carrier_organisation_id: int | None = None,
    carrier_partner_id: int | None = None,
    context: str = "",
    access_conditions: str = "",
) -> CertificationProject:
    with transaction.atomic():
        project = _project(actor, project_id)
        _require_draft(project)
        errors = _clean_fields(
            actor.network_id,
            title=title,
            register=register,
            level=level,
            carrier_organisation_id=carrier_organisation_id,
            carrier_partner_id=carrier_partner_id,
        )
        if errors:
            raise ValidationError(errors)
        project.title = title.strip()
        project.register = register
        project.level = level
        project.carrier_organisation_id = carrier_organisation_id or None
        project.carrier_partner_id = carrier_partner_id or None
        project.context = context.strip()
        project.access_conditions = access_conditions.strip()
        project.save()
        log_action(actor=actor.user, obj=project, action="recognition.project.updated")
        return project


def _items(project: CertificationProject, codes: list[str], kind: str, field: str) -> list[Item]:
    codes = [c.strip() for c in codes if c.strip()]
    items = {i.code: i for i in project.version.items.filter(kind=kind, code__in=codes)}
    unknown = [c for c in codes if c not in items]
    if unknown:
        raise ValidationError({field: f"Inconnu(s) dans la version {project.version.number} : {', '.join(unknown)}."})
    return [items[c] for c in dict.fromkeys(codes)]


def block_save(
    *,
    actor: NetworkActor,
    project_id: int,
    block_id: int | None = None,
    title: str,
    activity_codes: list[str],
    competency_codes: list[str],
) -> ProjectBlock:
    """Create a bloc (`block_id` None) or change one: its title, activities and competencies (codes of the
    project's version). The evaluations follow the competencies (`_sync_evaluations`)."""
    with transaction.atomic():
        project = _project(actor, project_id)
        _require_draft(project)
        block = _block(project, block_id) if block_id is not None else None
        if not title.strip():
            raise ValidationError({"title": "Donnez l'intitulé du bloc."})
        activities = _items(project, activity_codes, ItemKind.ACTIVITY, "activity_codes")
        competencies = _items(project, competency_codes, ItemKind.COMPETENCY, "competency_codes")
        if not competencies:
            raise ValidationError({"competency_codes": "Un bloc regroupe au moins une compétence."})
        if block is None:
            position = project.blocks.count() + 1
            code = f"BC{position:02d}"
            while project.blocks.filter(code=code).exists():
                position += 1
                code = f"BC{position:02d}"
            block = ProjectBlock.objects.create(
                project=project, code=code, title=title.strip()[:300], position=position
            )
            action = "recognition.block.created"
        else:
            block.title = title.strip()[:300]
            block.save(update_fields=["title"])
            action = "recognition.block.updated"
        block.activities.set(activities)
        block.competencies.set(competencies)
        _sync_evaluations(block)
        log_action(actor=actor.user, obj=project, action=action, data={"block": block.code})
        return block


def block_delete(*, actor: NetworkActor, project_id: int, block_id: int) -> None:
    with transaction.atomic():
        project = _project(actor, project_id)
        _require_draft(project)
        block = _block(project, block_id)
        code = block.code
        block.delete()
        log_action(actor=actor.user, obj=project, action="recognition.block.deleted", data={"block": code})


def evaluation_update(
    *, actor: NetworkActor, project_id: int, evaluation_id: int, situations: str, criteria: str, modalities: str
) -> BlockEvaluation:
    """The référentiel d'évaluation of one competency: situations, criteria and modalities (free text)."""
    with transaction.atomic():
        project = _project(actor, project_id)
        _require_draft(project)
        evaluation = BlockEvaluation.objects.filter(pk=id_or_404(evaluation_id), block__project=project).first()
        if evaluation is None:
            raise Http404
        evaluation.situations = situations.strip()
        evaluation.criteria = criteria.strip()
        evaluation.modalities = modalities.strip()
        evaluation.save()
        log_action(
            actor=actor.user,
            obj=project,
            action="recognition.evaluation.updated",
            data={"block": evaluation.block.code, "competency": evaluation.competency.code},
        )
        return evaluation


def block_training_attach(*, actor: NetworkActor, project_id: int, block_id: int, training_id: int) -> BlockTraining:
    """A training of one of the network's member organisations prepares the bloc."""
    with transaction.atomic():
        project = _project(actor, project_id)
        block = _block(project, block_id)
        member_ids = NetworkOrganisation.objects.filter(network_id=actor.network_id).values("organisation_id")
        training = Training.objects.filter(pk=id_or_404(training_id), organisation_id__in=member_ids).first()
        if training is None:
            raise ValidationError(
                {"training_id": "Cette formation n'est pas celle d'une organisation membre du réseau."}
            )
        if block.trainings.filter(training=training).exists():
            raise ValidationError({"training_id": "Cette formation prépare déjà ce bloc."})
        link = BlockTraining.objects.create(block=block, training=training, attached_by=actor.user)
        log_action(
            actor=actor.user,
            obj=project,
            action="recognition.training.attached",
            data={"block": block.code, "training": training.pk},
        )
        return link


def block_training_detach(*, actor: NetworkActor, project_id: int, block_id: int, training_id: int) -> None:
    with transaction.atomic():
        project = _project(actor, project_id)
        block = _block(project, block_id)
        deleted, _rows = block.trainings.filter(training_id=id_or_404(training_id)).delete()
        if not deleted:
            raise Http404
        log_action(
            actor=actor.user,
            obj=project,
            action="recognition.training.detached",
            data={"block": block.code, "training": training_id},
        )


def block_exchange_adopt(*, actor: NetworkActor, project_id: int, block_id: int, exchange_id: int) -> BlockExchange:
    """An exchange of know-how of the network (not cancelled) prepares the bloc: the committee adopts it (what it
    proves is what its records hold: dates, participants, competencies declared in the debriefs)."""
    with transaction.atomic():
        project = _project(actor, project_id)
        block = _block(project, block_id)
        exchange = (
            Exchange.objects.filter(pk=id_or_404(exchange_id), network_id=actor.network_id)
            .exclude(state=ExchangeState.CANCELLED)
            .first()
        )
        if exchange is None:
            raise ValidationError({"exchange_id": "Cet échange n'est pas un échange de savoir-faire du réseau."})
        if block.exchanges.filter(exchange=exchange).exists():
            raise ValidationError({"exchange_id": "Cet échange prépare déjà ce bloc."})
        link = BlockExchange.objects.create(block=block, exchange=exchange, adopted_by=actor.user)
        log_action(
            actor=actor.user,
            obj=project,
            action="recognition.exchange.adopted",
            data={"block": block.code, "exchange": exchange.pk},
        )
        return link


def block_exchange_remove(*, actor: NetworkActor, project_id: int, block_id: int, exchange_id: int) -> None:
    with transaction.atomic():
        project = _project(actor, project_id)
        block = _block(project, block_id)
        deleted, _rows = block.exchanges.filter(exchange_id=id_or_404(exchange_id)).delete()
        if not deleted:
            raise Http404
        log_action(
            actor=actor.user,
            obj=project,
            action="recognition.exchange.removed",
            data={"block": block.code, "exchange": exchange_id},
        )


def project_evidence_refresh(*, actor: NetworkActor, project_id: int) -> CertificationProject:
    """Gather the evidence of need again (the map today, the tenders when available), dated."""
    with transaction.atomic():
        project = _project(actor, project_id)
        project.evidence = evidence.gather(network=actor.network, job=project.job)
        project.save(update_fields=["evidence", "updated_at"])
        log_action(actor=actor.user, obj=project, action="recognition.project.evidence_refreshed")
        return project


def submission_gaps(project: CertificationProject) -> list[str]:
    """What a project lacks before it is filed at France compétences (each as a French sentence)."""
    gaps = []
    if not project.carrier_organisation_id and not project.carrier_partner_id:
        gaps.append("Le porteur (futur certificateur) n'est pas choisi.")
    if project.register == Register.RNCP and project.level is None:
        gaps.append("Le niveau de qualification (3 à 8) n'est pas choisi : le RNCP l'exige.")
    blocks = list(project.blocks.prefetch_related("competencies"))
    if not blocks:
        gaps.append("Le projet n'a aucun bloc de compétences.")
    for block in blocks:
        if not block.competencies.all():
            gaps.append(f"Le bloc {block.code} n'a aucune compétence.")
    return gaps


def project_submit(*, actor: NetworkActor, project_id: int) -> CertificationProject:
    """The dossier is filed at France compétences: the project no longer changes, until the decision."""
    with transaction.atomic():
        project = _project(actor, project_id)
        _require_draft(project)
        gaps = submission_gaps(project)
        if gaps:
            raise ValidationError({"state": gaps})
        project.state = ProjectState.SUBMITTED
        project.submitted_at = timezone.now()
        project.save(update_fields=["state", "submitted_at", "updated_at"])
        log_action(actor=actor.user, obj=project, action="recognition.project.submitted")
        return project


def clean_code(register: str, code: str) -> str:
    """The certification code, upper case, checked against its register (RNCP12345, RS1234)."""
    code = (code or "").strip().upper().replace(" ", "")
    try:
        (validate_rncp if register == Register.RNCP else validate_rs)(code)
    except ValidationError as error:
        raise ValidationError({"code": error.messages}) from error
    return code


def project_record_decision(
    *,
    actor: NetworkActor,
    project_id: int,
    registered: bool,
    code: str = "",
    registered_on: date | None = None,
    note: str = "",
) -> CertificationProject:
    """France compétences' decision on a submitted project: registered (with the code it gave) or refused."""
    with transaction.atomic():
        project = _project(actor, project_id)
        if project.state != ProjectState.SUBMITTED:
            raise ValidationError({"state": "Seul un projet déposé reçoit une décision : déposez-le d'abord."})
        if registered:
            project.code = clean_code(project.register, code)
            project.registered_on = registered_on or timezone.localdate()
            project.state = ProjectState.REGISTERED
        else:
            if not note.strip():
                raise ValidationError({"note": "Notez le motif du refus donné par France compétences."})
            project.state = ProjectState.REFUSED
        project.decision_note = note.strip()
        project.save()
        action = "recognition.project.registered" if registered else "recognition.project.refused"
        log_action(actor=actor.user, obj=project, action=action, data={"code": project.code})
        return project


def project_reopen(*, actor: NetworkActor, project_id: int) -> CertificationProject:
    """A refused project goes back to preparation (for a new filing)."""
    with transaction.atomic():
        project = _project(actor, project_id)
        if project.state != ProjectState.REFUSED:
            raise ValidationError({"state": "Seul un projet refusé se rouvre."})
        project.state = ProjectState.DRAFT
        project.save(update_fields=["state", "updated_at"])
        log_action(actor=actor.user, obj=project, action="recognition.project.reopened")
        return project


def training_certification_adopt(*, actor: Actor, project_id: int, training_id: int) -> Training:
    """The organisation takes the registered certification into one of its trainings attached to the project:
    kind, code, exact title, level, certifier (the carrier), blocs and the BPF objective that goes with them.
    `actor` is the organisation's (accounts.Actor): the catalogue's rules decide whether they may edit it."""
    project = (
        CertificationProject.objects.filter(pk=id_or_404(project_id))
        .select_related("carrier_organisation", "carrier_partner")
        .first()
    )
    if project is None or not project.blocks.filter(trainings__training_id=id_or_404(training_id)).exists():
        raise Http404
    training = catalogue_selectors.training_get(actor=actor, training_id=training_id)  # 404 when not theirs
    if project.state != ProjectState.REGISTERED:
        raise ValidationError({"code": "La certification n'est pas encore enregistrée : elle n'a pas de code."})
    if not actor.has("catalogue.create"):
        raise PermissionDenied("catalogue.create")
    fields: dict[str, Any] = {
        "certification_kind": project.register,
        "certification_code": project.code,
        "certification_title": project.title,
        "certifier": project.carrier_name,
        # BPF cadre F-3: a training preparing an RNCP certification is objective « a », an RS one « b ».
        "bpf_objective": BpfObjective.RNCP if project.register == Register.RNCP else BpfObjective.RS,
        "certification_blocks": "\n".join(f"{b.code} — {b.title}" for b in project.blocks.all()),
    }
    if project.level is not None:
        fields["rncp_level"] = project.level
    return catalogue_services.training_update(actor=actor, training_id=training.pk, **fields)
