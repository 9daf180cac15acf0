# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from coopforma.privacy import views

app_name = "privacy"


def _person(kind: str, prefix: str, id_kwarg: str) -> list:  # type: ignore[type-arg]
    base = f"{prefix}/<int:{id_kwarg}>/"
    options = {"kind": kind, "id_kwarg": id_kwarg}
    return [
        path(base, views.PersonView.as_view(**options), name=f"{kind}_page"),
        path(f"{base}export/", views.PersonExportView.as_view(**options), name=f"{kind}_export"),
        path(f"{base}erase/", views.PersonEraseView.as_view(**options), name=f"{kind}_erase"),
    ]


urlpatterns = [
    path("", views.RegisterView.as_view(), name="register"),
    path("register.pdf", views.RegisterPdfView.as_view(), name="register_pdf"),
    path("retention/", views.RetentionUpdateView.as_view(), name="retention_update"),
    *_person("trainee", "trainees", "trainee_id"),
    *_person("contact", "contacts", "contact_id"),
    *_person("trainer", "trainers", "trainer_id"),
]
