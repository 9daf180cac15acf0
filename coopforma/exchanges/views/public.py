# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of the exchanges: public (no login, 404 unless the network's pages are public).

- `exchanges:public` (public/): what the network's exchanges offer, from its consenting members only;
- `exchanges:gogocarto_json` (gogocarto.json) and `exchanges:gogocarto_csv` (gogocarto.csv): the open data
  export for GoGoCarto and the directories of the social and solidarity economy (exchanges/open_data.py)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from coopforma.exchanges import open_data
from coopforma.exchanges.models import ExchangeFormat
from coopforma.networks import selectors as network_selectors


def public_page(request: HttpRequest, network: str) -> HttpResponse:
    public = network_selectors.network_public_get(slug=network)
    context = {"network": public, "overview": open_data.overview(public), "formats": ExchangeFormat.choices}
    return render(request, "exchanges/public.html", context)


def gogocarto_json(request: HttpRequest, network: str) -> JsonResponse:
    public = network_selectors.network_public_get(slug=network)
    response = JsonResponse(open_data.gogocarto_json(public), json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # open data: a map on another site may read it
    return response


def gogocarto_csv(request: HttpRequest, network: str) -> HttpResponse:
    public = network_selectors.network_public_get(slug=network)
    response = HttpResponse(open_data.gogocarto_csv(public), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="echanges-{public.slug}-gogocarto.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


urls: list[URLPattern] = [
    path("public/", public_page, name="public"),
    path("gogocarto.json", gogocarto_json, name="gogocarto_json"),
    path("gogocarto.csv", gogocarto_csv, name="gogocarto_csv"),
]
