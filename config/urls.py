# SPDX-License-Identifier: AGPL-3.0-or-later
from django.contrib import admin
from django.urls import include, path

from coopforma.accounts import views as accounts_views
from coopforma.api.api import api
from coopforma.core import views as core_views
from coopforma.training_sessions import views as session_views

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("coopforma.accounts.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("coopforma.public.urls")),
    path("f/<slug:org>/", include("coopforma.enquiries.public_urls")),
    path("aide/", include("coopforma.help.urls")),
    path("e/", include("coopforma.attendance.public_urls")),
    path("q/", include("coopforma.evaluations.public_urls")),
    path("cal/<str:token>.ics", session_views.calendar_feed, name="calendar_feed"),
    path("confidentialite/", include("coopforma.privacy.public_urls")),
    path("reseaux/", include("coopforma.networks.urls")),
    path("reseaux/<slug:network>/", include("coopforma.offers.urls")),
    path("reseaux/<slug:network>/referentiel/projets/", include("coopforma.recognition.urls")),
    path("reseaux/<slug:network>/referentiel/", include("coopforma.referentiel.urls")),
    path("reseaux/<slug:network>/certificateurs/", include("coopforma.registry.urls")),
    path("reseaux/<slug:network>/appels-d-offres/", include("coopforma.tenders.urls")),
    path("reseaux/<slug:network>/echanges/", include("coopforma.exchanges.urls")),
    path(
        "o/<slug:org>/",
        include(
            [
                path("", include("coopforma.dashboard.urls")),
                path("", include("coopforma.accounts.org_urls")),
                path("people/", include("coopforma.people.urls")),
                path("catalogue/", include("coopforma.catalogue.urls")),
                path("sessions/", include("coopforma.training_sessions.urls")),
                path("documents/", include("coopforma.documents.urls")),
                path("attendance/", include("coopforma.attendance.urls")),
                path("evaluations/", include("coopforma.evaluations.urls")),
                path("billing/", include("coopforma.billing.urls")),
                path("quality/", include("coopforma.quality.urls")),
                path("bpf/", include("coopforma.reporting.urls")),
                path("privacy/", include("coopforma.privacy.urls")),
                path("demandes/", include("coopforma.enquiries.urls")),
                path("competences/", include("coopforma.referentiel.record_urls")),
                path("settings/webhooks/", include("coopforma.webhooks.urls")),
                path("certificateur/", include("coopforma.registry.org_urls")),
                path("aide/", include("coopforma.help.org_urls")),
                path("referentiel/", include("coopforma.referentiel.org_urls")),
            ]
        ),
    ),
]
