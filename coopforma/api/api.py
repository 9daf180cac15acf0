# SPDX-License-Identifier: AGPL-3.0-or-later
"""The API, versioned under /api/v1/; OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.openapi.schema import OpenAPISchema

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
from coopforma.api.errors import add_error_responses, error_body, validation_error_payload
from coopforma.api.guards import guarded
from coopforma.api.webhooks import add_webhooks


class CoopformaAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None) -> OpenAPISchema:
        """The OpenAPI document, with the error answers (400, 401, 403, 404, 422) declared on every operation and
        the webhook events (api/webhooks.py)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        add_webhooks(add_error_responses(schema))  # both complete the document in place
        return schema


api = CoopformaAPI(
    title="Coopforma API",
    version="1",
    description="API of a shared cooperative training organisation. Authenticate with a personal token "
    "(Authorization: Bearer cf_…), created on the « API » page; a token acts in one organisation.",
    auth=TokenAuth(),
    urls_namespace="api-v1",
)
# Every operation: values no column can hold refused (422), a write in one transaction (all or nothing).
api.add_decorator(guarded)


@api.exception_handler(DjangoValidationError)
def on_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, validation_error_payload(exc), status=422)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, error_body("Permission denied", "forbidden"), status=403)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, error_body("Not found", "not_found"), status=404)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, error_body("Unauthorized", "unauthorized"), status=401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals: an unreadable body (400), a throttled client (429)."""
    code = {400: "bad_request", 429: "throttled"}.get(exc.status_code, "error")
    return api.create_response(request, error_body(str(exc), code), status=exc.status_code)


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
