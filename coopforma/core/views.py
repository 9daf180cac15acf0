# SPDX-License-Identifier: AGPL-3.0-or-later
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from coopforma.accounts.selectors import organisations_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Straight to the dashboard when the person belongs to one organisation; a chooser otherwise."""
    orgs = list(organisations_of(request.user))
    if len(orgs) == 1:
        return redirect("dashboard:home", org=orgs[0].slug)
    return render(request, "accounts/choose_organisation.html", {"organisations": orgs})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
