# SPDX-License-Identifier: AGPL-3.0-or-later
"""The API docs page works offline: Swagger UI from our static files, under the Content-Security-Policy."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_without_any_other_origin(page, live_server):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/v1/docs")
    page.locator(".swagger-ui .info .title").filter(has_text="Coopforma API").wait_for()
    assert page.locator(".opblock").count() > 20  # the routes, read from /api/v1/openapi.json
    assert requested and all(url.startswith(live_server.url) or url.startswith("data:") for url in requested)
