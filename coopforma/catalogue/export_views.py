# SPDX-License-Identifier: AGPL-3.0-or-later
"""The catalogue's exports from the back office: « Exporter pour le CPF (EDOF) » and « Exporter en LHEO ».

Each is a page first (what goes in the file, and for the CPF what each training still lacks, with a link to fix it),
then a download. Both cover every published training of the organisation, so they are for the roles that see them
all (`org.view_all`: administration and quality); the EDOF download answers 409 while something blocks.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView, View

from coopforma.accounts.mixins import OrgViewMixin
from coopforma.catalogue import lheo, selectors
from coopforma.core.links import absolute_url
from coopforma.formats.lheo_write import LheoError


class _ExportMixin(OrgViewMixin):
    required_flag = "org.view_all"

    def trainings(self) -> list:
        return list(selectors.published_training_list(organisation=self.actor.organisation))


class EdofExportView(_ExportMixin, TemplateView):
    template_name = "catalogue/export_edof.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        checks = lheo.edof_check(self.trainings(), today=timezone.localdate())
        context.update(
            checks=checks,
            blocked=lheo.edof_blocked(checks),
            eligible=sum(1 for c in checks if c.eligible),
            ready=sum(1 for c in checks if c.ready),
        )
        return context


class EdofDownloadView(_ExportMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        today = timezone.localdate()
        checks = lheo.edof_check(self.trainings(), today=today)
        if lheo.edof_blocked(checks):
            return HttpResponse(
                "Export bloqué : corrigez d'abord les points listés sur la page d'export.",
                status=409,
                content_type="text/plain; charset=utf-8",
            )
        data = lheo.edof_file(checks, today=today)
        response = HttpResponse(data, content_type="application/xml; charset=iso-8859-1")
        name = f"edof-{self.actor.organisation.slug}-{today:%Y%m%d}.xml"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class LheoExportView(_ExportMixin, TemplateView):
    template_name = "catalogue/export_lheo.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        trainings = self.trainings()
        error = ""
        if trainings:
            try:
                lheo.lheo_file(trainings, today=timezone.localdate())
            except LheoError as exc:
                error = str(exc)
        feed = reverse("public:lheo_feed", kwargs={"org": self.actor.organisation.slug})
        context.update(trainings=trainings, error=error, feed_url=absolute_url(feed))
        return context


class LheoDownloadView(_ExportMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        today = timezone.localdate()
        trainings = self.trainings()
        try:
            data = lheo.lheo_file(trainings, today=today)
        except LheoError as exc:
            return HttpResponse(f"Export impossible : {exc}", status=409, content_type="text/plain; charset=utf-8")
        response = HttpResponse(data, content_type="application/xml; charset=utf-8")
        name = f"lheo-{self.actor.organisation.slug}-{today:%Y%m%d}.xml"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
