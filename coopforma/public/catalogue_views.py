# SPDX-License-Identifier: AGPL-3.0-or-later
"""An organisation's public catalogue (/f/<org>/) and its training pages (/f/<org>/<id>/), without login.

What a training page shows of the programme is `catalogue.public_page.public_items`, the list Qualiopi indicator 1
is judged on; its results are the indicators the organisation publishes (evaluations, indicator 2).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from coopforma.catalogue.models import Modality
from coopforma.catalogue.nsf import NSF_LABELS
from coopforma.catalogue.public_page import certification_url, disability_referent, public_items
from coopforma.core.pagination import paginate
from coopforma.core.views import is_htmx
from coopforma.evaluations.selectors import published_results
from coopforma.public import catalogue_selectors as selectors
from coopforma.public.forms import PublicCatalogueForm
from coopforma.referentiel.selectors import public_training_competencies

PAGE_SIZE = 20


def catalogue(request: HttpRequest, org: str) -> HttpResponse:
    """The published trainings, searched and filtered by a GET form; htmx refreshes only the results."""
    organisation = selectors.public_catalogue_organisation(organisation_slug=org)
    form = PublicCatalogueForm(
        request.GET,
        choices=selectors.public_catalogue_choices(organisation=organisation),
        modalities=list(Modality.choices),
    )
    filters = form.filters()
    page_obj = paginate(request, selectors.public_catalogue(organisation=organisation, filters=filters), PAGE_SIZE)
    trainings = list(page_obj.object_list)
    selectors.attach_upcoming(trainings, organisation=organisation)
    context = {
        "organisation": organisation,
        "brand_org": organisation,
        "filter_form": form,
        "filtered": any(value not in (None, "", False) for value in filters.values()),
        "page_obj": page_obj,
        "trainings": trainings,
    }
    template = "public/_catalogue_results.html" if is_htmx(request) else "public/catalogue.html"
    return render(request, template, context)


def training_page(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """A published training: the indicator 1 items, the certification (indicator 3), the published results
    (indicator 2), the upcoming sessions with places left, and the links to ask for an enrolment or a quote."""
    training = selectors.public_training_get(organisation_slug=org, training_id=pk)
    organisation = training.organisation
    context = {
        "training": training,
        "organisation": organisation,
        "brand_org": organisation,
        "results": published_results(organisation, training),
        # The same items Qualiopi indicator 1 is judged on (catalogue.public_page).
        "items": public_items(training),
        "disability_referent": disability_referent(training),
        "certification_url": certification_url(training),
        "nsf_label": NSF_LABELS.get(training.nsf_code, ""),
        "sessions": selectors.public_training_sessions(training=training),
        # The competencies of the networks' référentiels its objectives aim at (referentiel.ObjectiveCompetency).
        "competencies": public_training_competencies(training=training),
        # The mark only while the certificate is valid and covers the training's category (R6316-1).
        "qualiopi_mark": organisation.qualiopi_mark(training.action_category, timezone.localdate()),
    }
    return render(request, "public/training.html", context)
