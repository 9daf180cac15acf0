# SPDX-License-Identifier: AGPL-3.0-or-later
"""The API, versioned under /api/v1/; OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from coopforma.api import (
    accounts,
    attendance,
    billing,
    catalogue,
    certifiers,
    documents,
    enquiries,
    errors,
    evaluations,
    exchanges,
    exchanges_bridge,
    exchanges_life,
    exchanges_matching,
    exchanges_open,
    network,
    people,
    quality,
    recognition,
    referentiel,
    registry,
    reporting,
    sessions,
    tenders,
)
from coopforma.api.auth import TokenAuth
from coopforma.api.guards import guarded
from coopforma.api.webhooks import add_webhooks

WHO = {"member": "any member of the organisation; what each role sees is scoped", "public": "no token"}


class CoopformaAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """The route's function name, `<noun>_<verb>` (`invoice_issue`, `session_list`): test_routes.py checks it."""
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None) -> OpenAPISchema:
        """The OpenAPI document, with the error answers (400, 401, 403, 404, 422: one envelope, `ErrorOut`)
        declared on every operation, and the webhook events (api/webhooks.py)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        self._add_permissions(schema)
        errors.add_error_responses(schema)  # completes the document in place
        add_webhooks(schema)
        return schema

    def _add_permissions(self, schema: dict) -> None:
        """Each operation says who may call it (`x-permission`: its flag, `member` or `public`; auth.permission)."""
        declared = {}
        for router in self._get_bound_routers():
            for path, path_view in router.path_operations.items():
                for operation in path_view.operations:
                    for method in operation.methods:
                        flag = getattr(operation.view_func, "permission", None)
                        declared[(method.lower(), "/" + path.lstrip("/"))] = flag
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                flag = declared.get((method, "/" + path.split("/api/v1/", 1)[-1]))
                if flag:
                    operation["x-permission"] = flag
                    who = WHO.get(flag, "a flag of the token's role")
                    note = f"Permission: `{flag}` ({who})."
                    operation["description"] = f"{operation.get('description') or ''}\n\n{note}".strip()


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


errors.install(api)

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
api.add_router("/", referentiel.router)
api.add_router("/", recognition.router)
api.add_router("/", enquiries.router)
api.add_router("/", certifiers.router)
api.add_router("/", registry.router)
api.add_router("/", tenders.router)
api.add_router("/", network.router)
api.add_router("/", exchanges.router)
api.add_router("/", exchanges_matching.router)
api.add_router("/", exchanges_life.router)
api.add_router("/", exchanges_bridge.router)
api.add_router("/", exchanges_open.router)
