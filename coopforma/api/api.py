# SPDX-License-Identifier: AGPL-3.0-or-later
"""The API, versioned under /api/v1/; OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI

from coopforma.api import (
    accounts,
    attendance,
    billing,
    catalogue,
    documents,
    evaluations,
    people,
    quality,
    reporting,
    sessions,
)
from coopforma.api.auth import TokenAuth
from coopforma.api.errors import validation_error_payload

api = NinjaAPI(
    title="Coopforma API",
    version="1",
    description="API of a shared cooperative training organisation. Authenticate with a personal token "
    "(Authorization: Bearer cf_…), created on the « API » page; a token acts in one organisation.",
    auth=TokenAuth(),
    urls_namespace="api-v1",
)


@api.exception_handler(DjangoValidationError)
def on_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, validation_error_payload(exc), status=422)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "Permission denied", "code": "forbidden"}, status=403)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found", "code": "not_found"}, status=404)


api.add_router("/", accounts.router)
api.add_router("/", people.router)
api.add_router("/", catalogue.router)
api.add_router("/", sessions.router)
api.add_router("/", documents.router)
api.add_router("/", attendance.router)
api.add_router("/", evaluations.router)
api.add_router("/", billing.router)
api.add_router("/", quality.router)
api.add_router("/", reporting.router)
