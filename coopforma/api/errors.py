# SPDX-License-Identifier: AGPL-3.0-or-later
"""The API's error bodies: one schema each, used by the exception handlers (api.py) and declared in the
OpenAPI of every operation (`error_responses`), so that what the API answers is what it documents."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from ninja import Schema
from pydantic import ConfigDict


class ErrorOut(Schema):
    """400, 401, 403, 404: what went wrong, in a sentence and as a stable code."""

    detail: str
    code: str


class FieldErrorOut(Schema):
    """One refused value: where it is (["body", field], ["query", parameter], ["path", parameter]), why."""

    model_config = ConfigDict(extra="allow")  # pydantic's own errors also carry "ctx"

    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    """422: every refused value of the request; nothing was saved."""

    detail: list[FieldErrorOut]


ERROR_RESPONSES: dict[int, tuple[type[Schema], str]] = {
    400: (ErrorOut, "The body is not valid JSON."),
    401: (ErrorOut, "No token, or a token that is revoked, expired or not a member's any more."),
    403: (ErrorOut, "The token's role may not do this."),
    404: (ErrorOut, "Missing, or not visible to the token's role and organisation."),
    422: (ValidationErrorOut, "A refused value (a field, a parameter or a business rule); nothing was saved."),
}


def error_body(detail: str, code: str) -> dict[str, Any]:
    return ErrorOut(detail=detail, code=code).model_dump()


def validation_error_payload(exc: ValidationError) -> dict:
    """422 body: {"detail": [{"loc": [..., field], "msg": ..., "type": code}]}, like ninja's own errors."""
    detail = []
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                loc = ["body"] if field == NON_FIELD_ERRORS else ["body", field]
                detail.append({"loc": loc, "msg": " ".join(error.messages), "type": error.code or "invalid"})
    else:
        for error in exc.error_list:
            detail.append({"loc": ["body"], "msg": " ".join(error.messages), "type": error.code or "invalid"})
    return {"detail": detail}


def add_error_responses(openapi: dict[str, Any]) -> dict[str, Any]:
    """Declare the error answers in every operation of an OpenAPI document (in place), with their schemas.

    400 only where there is a JSON body to parse; the others everywhere: every route needs a token (401),
    checks the role (403), looks up what it names (404) and validates its input (422)."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    for model, _ in ERROR_RESPONSES.values():
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    for path_item in openapi.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, (model, description) in ERROR_RESPONSES.items():
                if status == 400 and "requestBody" not in operation:
                    continue
                if status in responses or str(status) in responses:
                    continue
                responses[status] = {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
                }
    return openapi
