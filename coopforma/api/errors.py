# SPDX-License-Identifier: AGPL-3.0-or-later
"""The API's one error envelope, the same for every refusal (400, 401, 403, 404, 409, 422, 429):

    {"detail": "<a sentence, in French>", "code": "<stable code>",
     "errors": [{"loc": ["body", "issued_on"], "field": "issued_on", "message": "<why>", "code": "<code>"}]}

`errors` lists the refused values (empty but for a 422). The exception handlers (`install`, called in api.py)
answer it; `add_error_responses` declares it in the OpenAPI of every operation, so that what the API answers is
what it documents."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

# The name every route gives its JSON body (checked by test_routes.py): ninja puts it in the `loc` of its own
# errors (["body", "payload", "name"]); `field` leaves it out, so that every error names a field the same way.
BODY_PARAMETER = "payload"


class FieldErrorOut(Schema):
    """One refused value."""

    loc: list[str | int]
    field: str
    message: str
    code: str


class ErrorOut(Schema):
    """Every refusal: what went wrong in a sentence, a stable code, and the refused values (422)."""

    detail: str
    code: str
    errors: list[FieldErrorOut]


ERROR_RESPONSES: dict[int, str] = {
    400: "The body is not valid JSON.",
    401: "No token, or a token that is revoked, expired or not a member's any more.",
    403: "The token's role may not do this.",
    404: "Missing, or not visible to the token's role and organisation.",
    422: "A refused value (a field, a parameter or a business rule), listed in `errors`; nothing was saved.",
}


def field_error(loc: Iterable[str | int], message: str, code: str) -> dict[str, Any]:
    """One item of `errors`: `loc` is where the value is (["body", field, …], ["query", name], ["path", name];
    ninja's own type errors have ["body", "payload", field, …]), `field` the field it names, dotted
    ("funding_lines.0.amount_cents"; "" for the whole body)."""
    where = list(loc)
    parts = where[1:]
    if where[:2] == ["body", BODY_PARAMETER]:
        parts = where[2:]
    return {
        "loc": where,
        "field": ".".join(str(part) for part in parts),
        "message": str(message),
        "code": code or "invalid",
    }


def error_body(detail: str, code: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"detail": str(detail), "code": code, "errors": errors or []}


def refusal_body(errors: list[dict[str, Any]], code: str = "invalid") -> dict[str, Any]:
    """A 422 body: the first refusal's message as the sentence when it is the only one."""
    detail = errors[0]["message"] if len(errors) == 1 else _("Valeurs refusées : voir la liste « errors ».")
    return error_body(detail, code, errors)


# Pydantic's messages are English: the usual ones said in French (the others keep pydantic's wording).
PYDANTIC_FR: dict[str, Any] = {
    "missing": gettext_lazy("Champ obligatoire."),
    "int_parsing": gettext_lazy("Un nombre entier est attendu."),
    "int_type": gettext_lazy("Un nombre entier est attendu."),
    "float_parsing": gettext_lazy("Un nombre est attendu."),
    "bool_parsing": gettext_lazy("Vrai ou faux (true/false) est attendu."),
    "string_type": gettext_lazy("Un texte est attendu."),
    "date_from_datetime_parsing": gettext_lazy("Une date AAAA-MM-JJ est attendue."),
    "date_parsing": gettext_lazy("Une date AAAA-MM-JJ est attendue."),
    "date_type": gettext_lazy("Une date AAAA-MM-JJ est attendue."),
    "datetime_parsing": gettext_lazy("Une date et une heure ISO 8601 sont attendues."),
    "datetime_from_date_parsing": gettext_lazy("Une date et une heure ISO 8601 sont attendues."),
    "list_type": gettext_lazy("Une liste est attendue."),
    "dict_type": gettext_lazy("Un objet JSON est attendu."),
    "model_attributes_type": gettext_lazy("Un objet JSON est attendu."),
    "json_invalid": gettext_lazy("Le JSON envoyé est illisible."),
    "extra_forbidden": gettext_lazy("Ce champ n'existe pas."),
    "enum": gettext_lazy("Valeur inconnue."),
    "literal_error": gettext_lazy("Valeur inconnue."),
}


def ninja_errors(exc: NinjaValidationError) -> list[dict[str, Any]]:
    """ninja's errors (pydantic's, and those of `guards.guarded`) as items of `errors`, in French where pydantic's
    message is one of the usual ones."""
    return [
        field_error(
            error.get("loc", ["body"]),
            str(PYDANTIC_FR.get(error.get("type", "")) or error.get("msg", "")),
            error.get("type", ""),
        )
        for error in exc.errors
    ]


def django_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """A service's ValidationError as items of `errors` (a field's error under ["body", field])."""
    errors: list[dict[str, Any]] = []
    if hasattr(exc, "error_dict"):
        for field, items in exc.error_dict.items():
            loc = ["body"] if field == NON_FIELD_ERRORS else ["body", field]
            errors.extend(field_error(loc, " ".join(e.messages), e.code or "invalid") for e in items)
    else:
        errors.extend(field_error(["body"], " ".join(e.messages), e.code or "invalid") for e in exc.error_list)
    return errors


def install(api: NinjaAPI) -> None:
    """Answer every refusal of `api` with the envelope."""

    def answer(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return answer(request, 422, refusal_body(django_errors(exc)))

    def on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return answer(request, 422, refusal_body(ninja_errors(exc)))

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return answer(request, 403, error_body(_("Votre rôle ne permet pas cette action."), "forbidden"))

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        detail = _("Introuvable, ou hors de ce que votre rôle et votre organisme permettent de voir.")
        return answer(request, 404, error_body(detail, "not_found"))

    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        detail = _("Jeton absent, révoqué ou expiré, ou d'une personne qui n'est plus membre de l'organisme.")
        return answer(request, 401, error_body(detail, "unauthorized"))

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        """ninja's own refusals: an unreadable body (400), a throttled client (429)."""
        status = exc.status_code
        detail, code = {
            400: (_("Corps de la requête illisible : ce n'est pas du JSON valide."), "bad_request"),
            409: (_("Conflit avec l'état de la ressource : relisez-la et recommencez."), "conflict"),
            429: (_("Trop de requêtes : réessayez dans un moment."), "throttled"),
        }.get(status, (str(exc), "error"))
        return answer(request, status, error_body(detail, code))

    api.exception_handler(ValidationError)(on_validation)
    api.exception_handler(NinjaValidationError)(on_ninja_validation)
    api.exception_handler(PermissionDenied)(on_permission_denied)
    api.exception_handler(Http404)(on_not_found)
    api.exception_handler(AuthenticationError)(on_authentication_error)
    api.exception_handler(HttpError)(on_http_error)


def add_error_responses(openapi: dict[str, Any]) -> dict[str, Any]:
    """Declare the error answers in every operation of an OpenAPI document (in place), with their schema.

    400 only where there is a JSON body to parse; the others everywhere: every route needs a token (401),
    checks the role (403), looks up what it names (404) and validates its input (422)."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(schema.pop("$defs", {}))
    schemas[ErrorOut.__name__] = schema
    for path_item in openapi.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                if status == 400 and "requestBody" not in operation:
                    continue
                if status in responses or str(status) in responses:
                    continue
                responses[status] = {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
                }
    return openapi
