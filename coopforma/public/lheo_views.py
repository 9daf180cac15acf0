# SPDX-License-Identifier: AGPL-3.0-or-later
"""The organisation's published offer as an LHEO 2.3 feed (/f/<org>/lheo.xml), for the Carif-Oref catalogues and
anyone who aggregates training offers: the same document as `coopforma catalogue export-lheo`.

Only published and validated trainings, of the organisation of the address only. The ETag is the document's
SHA-256 (places left and the day's upcoming sessions change it without touching a record), Last-Modified the last
change of a published training or of its sessions; a client that sends either back gets 304.
"""

import hashlib

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotFound
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_response_headers
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from coopforma.catalogue import lheo, selectors
from coopforma.formats.lheo_write import LheoError


@require_safe
def lheo_feed(request: HttpRequest, org: str) -> HttpResponseBase:
    organisation = selectors.catalogue_organisation_get(slug=org)
    trainings = list(selectors.published_training_list(organisation=organisation))
    if not trainings:
        return HttpResponseNotFound("Aucune formation publiée.", content_type="text/plain; charset=utf-8")
    try:
        body = lheo.lheo_file(trainings, today=timezone.localdate())
    except LheoError:
        # A published training the schema refuses (a postcode of 4 digits…): the feed says so rather than lying.
        return HttpResponse(
            "Le flux LHEO est momentanément indisponible.", status=503, content_type="text/plain; charset=utf-8"
        )
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    last = selectors.published_last_change(organisation=organisation)
    last_modified = int(last.timestamp()) if last is not None else None
    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if conditional is not None:
        return conditional
    response = HttpResponse(body, content_type="application/xml; charset=utf-8")
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["X-Content-Type-Options"] = "nosniff"
    patch_response_headers(response, cache_timeout=900)
    return response
