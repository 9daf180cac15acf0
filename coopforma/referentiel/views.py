# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of a network's référentiel under /reseaux/<network>/referentiel/.

Published versions are public (no login), each with stable URLs per version and per item, and its open data
downloads; the unversioned item URLs redirect to the latest published version. The draft and the proposals are
for the network's members; deciding and publishing for its committee (access.py)."""

import csv
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopforma.core.forms import add_service_errors
from coopforma.core.pagination import paginate
from coopforma.core.views import is_htmx
from coopforma.networks.access import flags_for
from coopforma.networks.models import Network
from coopforma.referentiel import access, files, selectors, services, skos
from coopforma.referentiel.forms import CommentForm, DecisionForm, ProposalForm, SearchForm, TrainerDecisionForm
from coopforma.referentiel.models import Item, ProposalState, TrainerCompetencyState, Version

DOWNLOADS = {
    "json": ("application/json", "json"),
    "csv": ("text/csv", "csv"),
    "yaml": ("application/yaml", "yaml"),
    "jsonld": ("application/ld+json", "jsonld"),
}


def _context(request: HttpRequest, network: Network, **extra: Any) -> dict[str, Any]:
    role = access.network_role(request.user, network)
    return {
        "network": network,
        "referentiel": selectors.referentiel_get(network=network),
        "is_member": role is not None and "referentiel.propose" in flags_for(role),
        "is_committee": role is not None and "referentiel.decide" in flags_for(role),
        "may_validate_trainers": role is not None and "referentiel.validate_trainer" in flags_for(role),
        "levels": selectors.level_labels(),
        "reference_labels": selectors.reference_labels(),
        **extra,
    }


def item_url(network: Network, version: Version, item: Item) -> str:
    return reverse(
        f"referentiel:{selectors.KIND_SEGMENTS[item.kind]}",
        kwargs={"network": network.slug, "number": version.number, "code": item.code},
    )


# --- Public pages -------------------------------------------------------------------------------------------------


def index(request: HttpRequest, network: str) -> HttpResponse:
    """The latest published version (and, for members, the draft and the proposals)."""
    net = selectors.network_get(user=request.user, slug=network)
    version = selectors.latest_published(network=net)
    tree = selectors.version_tree(version=version) if version else None
    context = _context(
        request,
        net,
        version=version,
        tree=tree,
        versions=selectors.versions_visible(user=request.user, network=net),
        draft=selectors.draft_get(user=request.user, network=net),
        search_form=SearchForm(),
    )
    return render(request, "referentiel/index.html", context)


def version_detail(request: HttpRequest, network: str, number: str) -> HttpResponse:
    net = selectors.network_get(user=request.user, slug=network)
    version = selectors.version_get(user=request.user, network=net, number=number)
    context = _context(
        request,
        net,
        version=version,
        tree=selectors.version_tree(version=version),
        previous=selectors.previous_published(version=version),
        search_form=SearchForm(),
    )
    return render(request, "referentiel/version.html", context)


def version_diff(request: HttpRequest, network: str, number: str) -> HttpResponse:
    net = selectors.network_get(user=request.user, slug=network)
    version = selectors.version_get(user=request.user, network=net, number=number)
    previous = selectors.previous_published(version=version)
    changes = selectors.version_diff(old=previous, new=version)
    return render(
        request,
        "referentiel/diff.html",
        _context(request, net, version=version, previous=previous, changes=changes),
    )


def _item_page(request: HttpRequest, net: Network, version: Version, segment: str, code: str) -> HttpResponse:
    item = selectors.item_get(version=version, kind=selectors.SEGMENT_KINDS[segment], code=code)
    tree = selectors.version_tree(version=version)
    job = next((j for j in tree.jobs if j.job.pk in (item.pk, item.parent_id)), None)
    tagged = tree.by_block.get(item.pk, [])
    context = _context(request, net, version=version, item=item, job=job, tagged=tagged, segment=segment)
    return render(request, "referentiel/item.html", context)


def item_detail(request: HttpRequest, network: str, number: str, code: str, segment: str) -> HttpResponse:
    net = selectors.network_get(user=request.user, slug=network)
    version = selectors.version_get(user=request.user, network=net, number=number)
    return _item_page(request, net, version, segment, code)


def item_latest(request: HttpRequest, network: str, code: str, segment: str) -> HttpResponse:
    """The unversioned URL of an item: to its page in the latest published version."""
    net = selectors.network_get(user=request.user, slug=network)
    version, item = selectors.item_in_latest(network=net, kind=selectors.SEGMENT_KINDS[segment], code=code)
    return redirect(item_url(net, version, item))


def search(request: HttpRequest, network: str) -> HttpResponse:
    """Search the latest published version (a member may search the draft with ?version=)."""
    net = selectors.network_get(user=request.user, slug=network)
    form = SearchForm(request.GET)
    number = request.GET.get("version", "")
    version = (
        selectors.version_get(user=request.user, network=net, number=number)
        if number
        else selectors.latest_published(network=net)
    )
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = selectors.item_search(version=version, query=query) if version else []
    context = _context(request, net, version=version, form=form, query=query, results=results)
    template = "referentiel/_results.html" if is_htmx(request) else "referentiel/search.html"
    return render(request, template, context)


def download(request: HttpRequest, network: str, number: str, fmt: str) -> HttpResponse:
    """Open data: a version as JSON, CSV, YAML or JSON-LD (SKOS). A draft only for members, as its pages."""
    if fmt not in DOWNLOADS:
        raise Http404
    net = selectors.network_get(user=request.user, slug=network)
    version = selectors.version_get(user=request.user, network=net, number=number)
    content_type, extension = DOWNLOADS[fmt]
    if fmt == "jsonld":
        tree = selectors.version_tree(version=version)
        scheme_url = request.build_absolute_uri(
            reverse("referentiel:version", kwargs={"network": net.slug, "number": version.number})
        )
        data = skos.concept_scheme(
            version=version,
            tree=tree,
            scheme_url=scheme_url,
            item_url=lambda item: request.build_absolute_uri(item_url(net, version, item)),
        )
        body = json.dumps(data, ensure_ascii=False, indent=2)
    else:
        body = files.write(selectors.document_for(version=version), fmt)
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    filename = f"referentiel-{net.slug}-{version.number}{'' if version.is_published else '-brouillon'}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: readable from any site
    return response


# --- Coverage: the competencies × the member organisations' trainings ----------------------------------------------


def _coverage(request: HttpRequest, network: str) -> tuple[Network, Version, list[selectors.CoverageRow]]:
    net = selectors.network_get(user=request.user, slug=network)
    number = request.GET.get("version", "")[:20] or "latest"
    version = selectors.published_version_get(network=net, number=number)
    return net, version, selectors.coverage(network=net, version=version)


def coverage(request: HttpRequest, network: str) -> HttpResponse:
    """Which competencies the trainings of the network's member organisations aim at, and which none does."""
    net, version, rows = _coverage(request, network)
    context = _context(
        request,
        net,
        version=version,
        rows=rows,
        uncovered=sum(1 for row in rows if not row.count),
        versions=selectors.published_versions(network=net),
    )
    return render(request, "referentiel/coverage.html", context)


def coverage_csv(request: HttpRequest, network: str) -> HttpResponse:
    net, version, rows = _coverage(request, network)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="couverture-{net.slug}-{version.number}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 with its BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Métier"), _("Identifiant"), _("Compétence"), _("Formations"), _("Intitulés des formations")])
    for row in rows:
        titles = " | ".join(f"{t.title} ({t.organisation})" for t in row.trainings)
        writer.writerow([row.group, row.item.code, row.item.label, row.count, titles])
    return response


# --- Committee: the competencies trainers declare -----------------------------------------------------------------


@login_required
def trainer_queue(request: HttpRequest, network: str) -> HttpResponse:
    """The trainers' declared competencies of the network's référentiel: the committee validates or refuses."""
    net = _member_network(request, network)
    if not access.may_validate_trainers(request.user, net):
        raise PermissionDenied
    state = request.GET.get("etat", TrainerCompetencyState.PROPOSED)
    if state not in TrainerCompetencyState.values and state != "tout":
        state = TrainerCompetencyState.PROPOSED
    lines = selectors.trainer_queue(user=request.user, network=net, state="" if state == "tout" else state)
    context = _context(request, net, page=paginate(request, lines), state=state, states=TrainerCompetencyState.choices)
    return render(request, "referentiel/trainer_queue.html", context)


@login_required
@require_POST
def trainer_decide(request: HttpRequest, network: str, line_id: int) -> HttpResponse:
    net = _member_network(request, network)
    form = TrainerDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez de valider ou de refuser."))
        return redirect("referentiel:trainer_queue", network=net.slug)
    try:
        services.trainer_competency_decide(
            user=request.user,
            network_id=net.pk,
            line_id=line_id,
            accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Décision enregistrée."))
    return redirect("referentiel:trainer_queue", network=net.slug)


# --- Members: proposals -------------------------------------------------------------------------------------------


def _member_network(request: HttpRequest, network: str) -> Network:
    net = selectors.network_get(user=request.user, slug=network)
    if not access.is_member(request.user, net):
        raise Http404
    return net


@login_required
def proposals(request: HttpRequest, network: str) -> HttpResponse:
    net = _member_network(request, network)
    state = request.GET.get("etat", "")
    page = paginate(request, selectors.proposal_list(user=request.user, network=net, state=state))
    context = _context(request, net, page=page, state=state, states=ProposalState.choices)
    return render(request, "referentiel/proposals.html", context)


@login_required
def proposal_create(request: HttpRequest, network: str) -> HttpResponse:
    net = _member_network(request, network)
    form = ProposalForm(request.POST or None, initial={"target_code": request.GET.get("element", "")})
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(user=request.user, network_id=net.pk, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Proposition déposée : le réseau peut la commenter, le comité la décider."))
            return redirect("referentiel:proposal", network=net.slug, proposal_id=proposal.pk)
    return render(request, "referentiel/proposal_form.html", _context(request, net, form=form))


@login_required
def proposal_detail(request: HttpRequest, network: str, proposal_id: int) -> HttpResponse:
    net = _member_network(request, network)
    proposal = selectors.proposal_get(user=request.user, network=net, proposal_id=proposal_id)
    context = _context(request, net, proposal=proposal, comment_form=CommentForm(), decision_form=DecisionForm())
    return render(request, "referentiel/proposal.html", context)


@login_required
@require_POST
def proposal_comment(request: HttpRequest, network: str, proposal_id: int) -> HttpResponse:
    net = _member_network(request, network)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_comment(
                user=request.user, network_id=net.pk, proposal_id=proposal_id, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = CommentForm()
    proposal = selectors.proposal_get(user=request.user, network=net, proposal_id=proposal_id)
    context = _context(request, net, proposal=proposal, comment_form=form)
    if is_htmx(request):
        return render(request, "referentiel/_comments.html", context)
    if form.errors:
        context["decision_form"] = DecisionForm()
        return render(request, "referentiel/proposal.html", context, status=422)
    return redirect("referentiel:proposal", network=net.slug, proposal_id=proposal_id)


@login_required
@require_POST
def proposal_decide(request: HttpRequest, network: str, proposal_id: int) -> HttpResponse:
    net = _member_network(request, network)
    proposal = selectors.proposal_get(user=request.user, network=net, proposal_id=proposal_id)  # 404 first
    if not access.is_committee(request.user, net):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_decide(
                user=request.user,
                network_id=net.pk,
                proposal_id=proposal.pk,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Décision enregistrée."))
            return redirect("referentiel:proposal", network=net.slug, proposal_id=proposal.pk)
    context = _context(request, net, proposal=proposal, comment_form=CommentForm(), decision_form=form)
    return render(request, "referentiel/proposal.html", context, status=422)


@login_required
@require_POST
def version_publish(request: HttpRequest, network: str, number: str) -> HttpResponse:
    net = _member_network(request, network)
    version = selectors.version_get(user=request.user, network=net, number=number)  # 404 first
    if not access.is_committee(request.user, net):
        raise PermissionDenied
    try:
        services.version_publish(user=request.user, network_id=net.pk, number=version.number)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Version %(number)s publiée : elle ne changera plus.") % {"number": number})
    return redirect("referentiel:version", network=net.slug, number=version.number)
