# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of a network's certification projects under /reseaux/<network>/referentiel/projets/.

The network's members read them (`recognition.view`); its committee and moderators build, export, submit them
and record France compétences' decision (`recognition.edit`). Someone outside the network gets a 404."""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopforma.accounts.actor import actor_from_slug
from coopforma.core.forms import add_service_errors
from coopforma.networks.access import NetworkActor, network_actor
from coopforma.recognition import selectors, services
from coopforma.recognition.documents import dossier_pdf
from coopforma.recognition.dossier import project_dossier
from coopforma.recognition.forms import (
    AdoptExchangeForm,
    AttachTrainingForm,
    BlockForm,
    DecisionForm,
    EvaluationForm,
    ProjectCreateForm,
    ProjectForm,
    join_carrier,
)
from coopforma.recognition.models import CertificationProject, ProjectState


def _actor(request: HttpRequest, network: str, flag: str = selectors.VIEW) -> NetworkActor:
    actor = network_actor(request.user, network)  # type: ignore[arg-type]  # 404 outside the network
    actor.require(flag)
    return actor


def _context(actor: NetworkActor, **extra: Any) -> dict[str, Any]:
    return {
        "network": actor.network,
        "network_actor": actor,
        "can_edit": actor.has(services.EDIT),
        **extra,
    }


def _to_project(project: CertificationProject) -> HttpResponse:
    return redirect("recognition:detail", network=project.network.slug, project_id=project.pk)


@login_required
def project_list(request: HttpRequest, network: str) -> HttpResponse:
    actor = _actor(request, network)
    projects = selectors.project_list(actor=actor)
    return render(request, "recognition/project_list.html", _context(actor, projects=projects))


def _project_form_kwargs(actor: NetworkActor) -> dict[str, Any]:
    organisations, partners = selectors.carrier_choices(actor=actor)
    return {"organisations": organisations, "partners": partners}


@login_required
def project_create(request: HttpRequest, network: str) -> HttpResponse:
    actor = _actor(request, network, services.EDIT)
    jobs = [(v, j) for v in selectors.published_versions(actor=actor) for j in selectors.jobs_of(version=v)]
    form = ProjectCreateForm(request.POST or None, jobs=jobs, **_project_form_kwargs(actor))
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=actor, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Projet créé, avec des blocs proposés à partir des compétences du métier."))
            return _to_project(project)
    status = 422 if form.errors else 200
    context = _context(actor, form=form, has_versions=bool(jobs))
    return render(request, "recognition/project_form.html", context, status=status)


@login_required
def project_detail(request: HttpRequest, network: str, project_id: int) -> HttpResponse:
    actor = _actor(request, network)
    project = selectors.project_get(actor=actor, project_id=project_id)
    blocks = selectors.blocks_of(project=project)
    context = _context(
        actor,
        project=project,
        blocks=blocks,
        dossier=project_dossier(project),
        gaps=services.submission_gaps(project) if project.state == ProjectState.DRAFT else [],
        attach_form=AttachTrainingForm(trainings=selectors.member_trainings(actor=actor)),
        exchange_form=AdoptExchangeForm(exchanges=selectors.network_exchanges(actor=actor)),
        decision_form=DecisionForm(),
        my_organisations=selectors.organisations_of(user=request.user),
    )
    return render(request, "recognition/project_detail.html", context)


@login_required
def project_edit(request: HttpRequest, network: str, project_id: int) -> HttpResponse:
    actor = _actor(request, network, services.EDIT)
    project = selectors.project_get(actor=actor, project_id=project_id)
    initial = {
        "title": project.title,
        "register": project.register,
        "level": project.level,
        "carrier": join_carrier(project),
        "context": project.context,
        "access_conditions": project.access_conditions,
    }
    form = ProjectForm(request.POST or None, initial=initial, **_project_form_kwargs(actor))
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=actor, project_id=project.pk, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Projet enregistré."))
            return _to_project(project)
    status = 422 if form.errors else 200
    return render(request, "recognition/project_form.html", _context(actor, form=form, project=project), status=status)


@login_required
def block_edit(request: HttpRequest, network: str, project_id: int, block_id: int | None = None) -> HttpResponse:
    """Create a bloc (no `block_id`) or change one."""
    actor = _actor(request, network, services.EDIT)
    project = selectors.project_get(actor=actor, project_id=project_id)
    block = selectors.block_get(actor=actor, project=project, block_id=block_id) if block_id is not None else None
    initial = {}
    if block is not None:
        initial = {
            "title": block.title,
            "activity_codes": [a.code for a in block.activities.all()],
            "competency_codes": [c.code for c in block.competencies.all()],
        }
    choices = selectors.version_choices(project=project)
    form = BlockForm(request.POST or None, initial=initial, **choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.block_save(
                actor=actor, project_id=project.pk, block_id=block.pk if block else None, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Bloc enregistré."))
            return _to_project(project)
    status = 422 if form.errors else 200
    context = _context(actor, form=form, project=project, block=block)
    return render(request, "recognition/block_form.html", context, status=status)


@login_required
def evaluation_edit(request: HttpRequest, network: str, project_id: int, evaluation_id: int) -> HttpResponse:
    actor = _actor(request, network, services.EDIT)
    project = selectors.project_get(actor=actor, project_id=project_id)
    evaluation = selectors.evaluation_get(actor=actor, project=project, evaluation_id=evaluation_id)
    initial = {
        "situations": evaluation.situations,
        "criteria": evaluation.criteria,
        "modalities": evaluation.modalities,
    }
    form = EvaluationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_update(
                actor=actor, project_id=project.pk, evaluation_id=evaluation.pk, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Évaluation enregistrée."))
            return _to_project(project)
    status = 422 if form.errors else 200
    context = _context(actor, form=form, project=project, evaluation=evaluation)
    return render(request, "recognition/evaluation_form.html", context, status=status)


def _act(request: HttpRequest, project: CertificationProject, action: Any, success: str) -> HttpResponse:
    """Run a button's service; its refusal shown as messages."""
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return _to_project(project)


@login_required
@require_POST
def block_delete(request: HttpRequest, network: str, project_id: int, block_id: int) -> HttpResponse:
    actor = _actor(request, network, services.EDIT)
    project = selectors.project_get(actor=actor, project_id=project_id)
    return _act(
        request,
        project,
        lambda: services.block_delete(actor=actor, project_id=project.pk, block_id=block_id),
        _("Bloc supprimé."),
    )


@login_required
@require_POST
def training_attach(request: HttpRequest, network: str, project_id: int, block_id: int) -> HttpResponse:
    actor = _actor(request, network, services.EDIT)
    project = selectors.project_get(actor=actor, project_id=project_id)
    form = AttachTrainingForm(request.POST, trainings=selectors.member_trainings(actor=actor))
    if not form.is_valid():
        messages.error(request, _("Choisissez une formation d'une organisation membre du réseau."))
        return _to_project(project)
    return _act(
        request,
        project,
        lambda: services.block_training_attach(
            actor=actor, project_id=project.pk, block_id=block_id, training_id=form.cleaned_data["training"]
        ),
        _("Formation rattachée au bloc."),
    )


@login_required
@require_POST
def training_detach(
    request: HttpRequest, network: str, project_id: int, block_id: int, training_id: int
) -> HttpResponse:
    actor = _actor(request, network, services.EDIT)
    project = selectors.project_get(actor=actor, project_id=project_id)
    return _act(
        request,
        project,
        lambda: services.block_training_detach(
            actor=actor, project_id=project.pk, block_id=block_id, training_id=training_id
        ),
        _("Formation détachée du bloc."),
    )


@login_required
@require_POST
def exchange_adopt(request: HttpRequest, network: str, project_id: int, block_id: int) -> HttpResponse:
    actor = _actor(request, network, services.EDIT)
    project = selectors.project_get(actor=actor, project_id=project_id)
    form = AdoptExchangeForm(request.POST, exchanges=selectors.network_exchanges(actor=actor))
    if not form.is_valid():
        messages.error(request, _("Choisissez un échange de savoir-faire du réseau."))
        return _to_project(project)
    return _act(
        request,
        project,
        lambda: services.block_exchange_adopt(
            actor=actor, project_id=project.pk, block_id=block_id, exchange_id=form.cleaned_data["exchange"]
        ),
        _("Échange retenu pour le bloc."),
    )


@login_required
@require_POST
def exchange_remove(
    request: HttpRequest, network: str, project_id: int, block_id: int, exchange_id: int
) -> HttpResponse:
    actor = _actor(request, network, services.EDIT)
    project = selectors.project_get(actor=actor, project_id=project_id)
    return _act(
        request,
        project,
        lambda: services.block_exchange_remove(
            actor=actor, project_id=project.pk, block_id=block_id, exchange_id=exchange_id
        ),
        _("Échange retiré du bloc."),
    )


@login_required
@require_POST
def evidence_refresh(request: HttpRequest, network: str, project_id: int) -> HttpResponse:
    actor = _actor(request, network, services.EDIT)
    project = selectors.project_get(actor=actor, project_id=project_id)
    return _act(
        request,
        project,
        lambda: services.project_evidence_refresh(actor=actor, project_id=project.pk),
        _("Preuves du besoin recalculées à la date du jour."),
    )


@login_required
@require_POST
def project_submit(request: HttpRequest, network: str, project_id: int) -> HttpResponse:
    actor = _actor(request, network, services.EDIT)
    project = selectors.project_get(actor=actor, project_id=project_id)
    return _act(
        request,
        project,
        lambda: services.project_submit(actor=actor, project_id=project.pk),
        _("Projet marqué comme déposé à France compétences."),
    )


@login_required
@require_POST
def project_reopen(request: HttpRequest, network: str, project_id: int) -> HttpResponse:
    actor = _actor(request, network, services.EDIT)
    project = selectors.project_get(actor=actor, project_id=project_id)
    return _act(
        request,
        project,
        lambda: services.project_reopen(actor=actor, project_id=project.pk),
        _("Projet rouvert : il se prépare à nouveau."),
    )


@login_required
@require_POST
def project_decision(request: HttpRequest, network: str, project_id: int) -> HttpResponse:
    actor = _actor(request, network, services.EDIT)
    project = selectors.project_get(actor=actor, project_id=project_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la décision de France compétences (enregistrée ou refusée)."))
        return _to_project(project)
    return _act(
        request,
        project,
        lambda: services.project_record_decision(actor=actor, project_id=project.pk, **form.cleaned_data),
        _("Décision de France compétences enregistrée."),
    )


@login_required
@require_POST
def training_adopt(request: HttpRequest, network: str, project_id: int, training_id: int) -> HttpResponse:
    """The organisation of a training attached to the project takes the registered certification into it."""
    actor = _actor(request, network)
    project = selectors.project_get(actor=actor, project_id=project_id)
    training = selectors.project_training_get(project=project, training_id=training_id)
    org_actor = actor_from_slug(request.user, training.organisation.slug)  # type: ignore[arg-type]  # 404: not theirs
    return _act(
        request,
        project,
        lambda: services.training_certification_adopt(actor=org_actor, project_id=project.pk, training_id=training.pk),
        _("La formation porte désormais le code de la certification."),
    )


@login_required
def dossier_json(request: HttpRequest, network: str, project_id: int) -> HttpResponse:
    actor = _actor(request, network)
    project = selectors.project_get(actor=actor, project_id=project_id)
    body = json.dumps(project_dossier(project), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dossier-certification-{project.pk}.json"'
    return response


@login_required
def dossier_pdf_download(request: HttpRequest, network: str, project_id: int) -> HttpResponse:
    actor = _actor(request, network)
    project = selectors.project_get(actor=actor, project_id=project_id)
    try:
        pdf = dossier_pdf(project)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _to_project(project)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="dossier-certification-{project.pk}.pdf"'
    return response
