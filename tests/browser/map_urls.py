# SPDX-License-Identifier: AGPL-3.0-or-later
"""A stand-in for the network search page (branch mapsearch) to drive the map panel's search mode in a browser:
a page with the #network-map wrapper and a filter form, and the two JSON answers it reads, which note the query
strings they were asked with (`ASKED`)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import engines
from django.urls import include, path

ASKED: list[str] = []

PAGE = """{% extends "base.html" %}{% block title %}Carte{% endblock %}{% block content %}
<h1>Carte</h1>
<form method="get" data-map-filters><label for="q">Recherche</label><input id="q" name="q" value=""></form>
<div id="results"></div>
<div id="network-map" data-aggregates-url="/test-carte/aggregates?network=coop"
     data-points-url="/test-carte/points.geojson?network=coop">{% include "offers/_map_panel.html" %}</div>
{% endblock %}"""

POINTS = [
    (48.11, -1.68, "Coopérer à Rennes"),
    (48.12, -1.67, "Gouvernance partagée"),
    (48.10, -1.69, "Scop et Scic"),
    (43.30, 5.37, "Tiers-lieu à Marseille"),
]


def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(engines["django"].from_string(PAGE).render({}, request))


def aggregates(request: HttpRequest) -> JsonResponse:
    ASKED.append(request.get_full_path())
    narrow = request.GET.get("q") == "rennes"
    departements = [{"code": "35", "name": "Ille-et-Vilaine", "offers": 3}]
    if not narrow:
        departements.append({"code": "13", "name": "Bouches-du-Rhône", "offers": 1})
    return JsonResponse({"total": sum(d["offers"] for d in departements), "departements": departements,
                         "regions": [], "points": []})  # fmt: skip


def points(request: HttpRequest) -> JsonResponse:
    ASKED.append(request.get_full_path())
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"offer": n, "title": title, "url": f"/offres/{n}/"},
        }
        for n, (lat, lon, title) in enumerate(POINTS, start=1)
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


urlpatterns = [
    path("test-carte/", page),
    path("test-carte/aggregates", aggregates),
    path("test-carte/points.geojson", points),
    path("", include("config.urls")),
]
