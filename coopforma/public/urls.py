# SPDX-License-Identifier: AGPL-3.0-or-later
"""No-login pages: document verification (/v/), signing (/s/), the client and trainee portal (/p/),
the public catalogue (/f/<org>/) and training pages (/f/<org>/<id>/)."""

from django.urls import path

from coopforma.public import catalogue_views, feeds, lheo_views, seo, views, widget

app_name = "public"
urlpatterns = [
    path("v/", views.verify, name="verify"),
    path("v/<str:code>", views.verify_code, name="verify_code"),
    path("s/<str:token>/", views.sign, name="sign"),
    path("s/<str:token>/pdf", views.sign_pdf, name="sign_pdf"),
    path("s/<str:token>/code", views.sign_code, name="sign_code"),
    path("p/", views.portal, name="portal"),
    path("p/espace/", views.portal_home, name="portal_home"),
    path("p/espace/documents/<int:pk>/", views.portal_document, name="portal_document"),
    path("p/espace/signer/<int:pk>/", views.portal_sign, name="portal_sign"),
    path("p/espace/creneaux/<int:slot_id>/", views.portal_slot, name="portal_slot"),
    path("p/espace/quitter/", views.portal_leave, name="portal_leave"),
    path("p/espace/competences/<int:trainee_id>/releve.pdf", views.portal_record_pdf, name="portal_record_pdf"),
    path(
        "p/espace/competences/<int:trainee_id>/<int:session_id>/<int:competency_id>/",
        views.portal_credential,
        name="portal_credential",
    ),
    path("p/espace/attestations/<int:credential_id>.jwt", views.portal_credential_file, name="portal_credential_file"),
    path("p/espace/mes-donnees/", views.portal_privacy_export, name="portal_privacy_export"),
    path("p/<str:token>/", views.portal_open, name="portal_open"),
    path("f/<slug:org>/", catalogue_views.catalogue, name="catalogue"),
    path("f/<slug:org>/<int:pk>/", catalogue_views.training_page, name="training"),
    path("f/<slug:org>/lheo.xml", lheo_views.lheo_feed, name="lheo_feed"),
    path("f/<slug:org>/logo.png", views.organisation_logo, name="logo"),
    path("f/<slug:org>/did.json", views.organisation_did, name="did"),
    path("f/<slug:org>/attestations/statut.jwt", views.credential_status_list, name="credential_status"),
    path("f/<slug:org>/couleur.css", views.organisation_color_css, name="color_css"),
    # For search engines and other sites (public/seo.py, feeds.py, widget.py; docs/public-feeds.md).
    path("sitemap.xml", seo.sitemap_xml, name="sitemap"),
    path("robots.txt", seo.robots_txt, name="robots"),
    path("f/<slug:org>/sessions.ics", feeds.sessions_ics, name="sessions_ics"),
    path("f/<slug:org>/sessions.atom", feeds.sessions_atom, name="sessions_atom"),
    path("f/<slug:org>/structures/<slug:structure>/sessions.ics", feeds.sessions_ics, name="structure_sessions_ics"),
    path("f/<slug:org>/structures/<slug:structure>/sessions.atom", feeds.sessions_atom, name="structure_sessions_atom"),
    path("f/<slug:org>/widget/", widget.widget_page, name="widget"),
    path("f/<slug:org>/structures/<slug:structure>/widget/", widget.widget_page, name="structure_widget"),
    path("f/<slug:org>/widget.js", widget.widget_js, name="widget_js"),
    path("f/<slug:org>/widget.css", widget.widget_css, name="widget_css"),
]
