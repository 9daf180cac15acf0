# SPDX-License-Identifier: AGPL-3.0-or-later
"""The trainer's live slot page (htmx polling), the session's attendance and hours, the CSV export."""

import csv
import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView, View

from coopforma.accounts.mixins import OrgViewMixin
from coopforma.attendance import paper, selectors, services
from coopforma.attendance.forms import CloseForm, CorrectForm, MarkForm, PaperEntryForm, ScanForm
from coopforma.attendance.models import AttendanceStatus
from coopforma.attendance.qr import qr_svg
from coopforma.core.forms import add_service_errors
from coopforma.core.hours import minutes_to_hours
from coopforma.core.links import site_base

T = "attendance/"


class SlotPageView(OrgViewMixin, TemplateView):
    """GET: the page. The POST views below re-render it with their bound form when the service refuses."""

    template_name = T + "slot.html"
    forms: dict[str, Any]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        live = selectors.slot_live(actor=self.actor, slot_id=self.kwargs["slot_id"])
        participants = [row.participant for row in live.rows]
        forms = {
            "mark_form": MarkForm(participants=participants, prefix="mark"),
            "correct_form": CorrectForm(participants=participants, prefix="correct"),
            "close_form": CloseForm(prefix="close", initial={"trainer_name": self.actor.user.get_full_name()}),
            "paper_form": PaperEntryForm(participants=participants, prefix="paper"),
            "scan_form": ScanForm(prefix="scan"),
        }
        forms.update(getattr(self, "forms", {}))
        qr = qr_svg(self.request, live.slot) if live.head.state == "open" else None
        context.update(live=live, slot=live.slot, qr=qr, scans=selectors.slot_scans(live.slot), **forms)
        return context


class SlotRowsView(OrgViewMixin, TemplateView):
    """The participants' states (polled every 5 s)."""

    template_name = T + "_slot_rows.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["live"] = selectors.slot_live(actor=self.actor, slot_id=self.kwargs["slot_id"])
        return context


class SlotQrView(OrgViewMixin, TemplateView):
    """The rotating QR code (refreshed every 30 s; a token lives 45 to 90 s)."""

    template_name = T + "_slot_qr.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        live = selectors.slot_live(actor=self.actor, slot_id=self.kwargs["slot_id"])
        context.update(live=live, qr=qr_svg(self.request, live.slot) if live.head.state == "open" else None)
        return context


class _SlotAction(SlotPageView):
    http_method_names = ["post"]

    def slot_url(self) -> str:
        return reverse(
            "attendance:slot", kwargs={"org": self.actor.organisation.slug, "slot_id": self.kwargs["slot_id"]}
        )

    def slot(self) -> Any:
        return selectors.slot_run_get(actor=self.actor, slot_id=self.kwargs["slot_id"])

    def participants(self, slot: Any) -> list[Any]:
        return [row.participant for row in selectors.slot_live(actor=self.actor, slot_id=slot.pk).rows]

    def refused(self, name: str, form: Any) -> HttpResponse:
        self.forms = {name: form}
        return self.render_to_response(self.get_context_data(), status=200)

    def submit(self, name: str, form: Any, action: Any, success: Any) -> HttpResponse:
        """Run `action(form)` (one service call) for a valid form, then back to the slot page with
        `success(form, result)`; a refusal shows the page again with the errors beside the typed values."""
        if form.is_valid():
            try:
                result = action(form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(self.request, success(form, result))
                return redirect(self.slot_url())
        return self.refused(name, form)

    def participant_change(self, form: Any, slot: Any, **fields: Any) -> dict[str, Any]:
        """The arguments every per-trainee change shares (mark, correct, paper entry)."""
        return {
            "actor": self.actor,
            "slot_id": slot.pk,
            "participant_id": form.chosen().pk,
            "reason": form.cleaned_data["reason"],
            "arrival": form.cleaned_data["arrival"],
            "origin": services.Origin.of(self.request),
            **fields,
        }


class SlotOpenView(_SlotAction):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.slot_open(actor=self.actor, slot_id=self.kwargs["slot_id"], origin=services.Origin.of(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Émargement ouvert : affichez le QR code aux stagiaires."))
        return redirect(self.slot_url())


class SlotCloseView(_SlotAction):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        slot = self.slot()
        form = CloseForm(request.POST, prefix="close")
        return self.submit(
            "close_form",
            form,
            lambda f: services.slot_close(
                actor=self.actor,
                slot_id=slot.pk,
                trainer_name=f.cleaned_data["trainer_name"],
                confirm_unsigned=f.cleaned_data["confirm_unsigned"],
                origin=services.Origin.of(request),
            ),
            lambda f, _result: _("Feuille signée et créneau clos."),
        )


class SlotMarkView(_SlotAction):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        slot = self.slot()
        form = MarkForm(request.POST, prefix="mark", participants=self.participants(slot))
        return self.submit(
            "mark_form",
            form,
            lambda f: services.attendance_mark(**self.participant_change(f, slot, mark=f.cleaned_data["mark"])),
            lambda f, _result: _("Présence de %(name)s enregistrée.") % {"name": f.chosen().trainee},
        )


class SlotCorrectView(_SlotAction):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        slot = selectors.slot_get(actor=self.actor, slot_id=self.kwargs["slot_id"])
        live_participants = [row.participant for row in selectors.slot_live(actor=self.actor, slot_id=slot.pk).rows]
        form = CorrectForm(request.POST, prefix="correct", participants=live_participants)
        return self.submit(
            "correct_form",
            form,
            lambda f: services.attendance_correct(**self.participant_change(f, slot, status=f.cleaned_data["status"])),
            lambda f, _result: _("Correction enregistrée (les enregistrements précédents sont conservés)."),
        )


class SlotSendLinksView(_SlotAction):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        count = services.links_send(actor=self.actor, slot_id=self.kwargs["slot_id"], base_url=site_base())
        messages.success(request, _("%(count)s lien(s) d'émargement envoyé(s) par e-mail.") % {"count": count})
        return redirect(self.slot_url())


class SessionAttendanceView(OrgViewMixin, TemplateView):
    template_name = T + "session.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["summary"] = selectors.session_attendance(actor=self.actor, session_id=self.kwargs["session_id"])
        return context


def _local(value: dt.datetime | None) -> str:
    """A CSV date and time as the user reads it: Europe/Paris wall-clock time, « 03/12/2026 10:00 »."""
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


class SessionExportView(OrgViewMixin, View):
    """One line per trainee and slot: status, method, times, minutes (hours as exact decimals)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        summary = selectors.session_attendance(actor=self.actor, session_id=self.kwargs["session_id"])
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="emargement-session-{summary.session.pk}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(
            [
                _("stagiaire"),
                _("créneau"),
                _("début"),
                _("fin"),
                _("présence"),
                _("mode"),
                _("signé le"),
                _("arrivée"),
                _("motif"),
                _("minutes suivies"),
                _("heures suivies"),
            ]
        )
        for line in summary.lines:
            for slot, cell in zip(summary.slots, line.cells, strict=True):
                minutes = cell.attended_minutes if cell else 0
                writer.writerow(
                    [
                        str(line.participant.trainee),
                        slot.pk,
                        _local(slot.starts_at),
                        _local(slot.ends_at),
                        cell.get_status_display() if cell else AttendanceStatus.UNKNOWN.label,
                        cell.get_method_display() if cell and cell.method else "",
                        _local(cell.signed_at) if cell else "",
                        _local(cell.arrival_at) if cell else "",
                        cell.reason if cell else "",
                        minutes,
                        # A French spreadsheet reads « 3,5 »: the decimal comma, as the « ; » separator says.
                        str(minutes_to_hours(minutes)).replace(".", ","),
                    ]
                )
        return response


# --- Paper fallback -----------------------------------------------------------------------------------------


def pdf_response(data: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@method_decorator(never_cache, name="dispatch")
class SlotSheetView(OrgViewMixin, View):
    """The slot's printable attendance sheet (PDF)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        sheet = selectors.paper_sheet_for_slot(actor=self.actor, slot_id=self.kwargs["slot_id"])
        services.attendance_seal(slot_id=sheet.slots[0].pk, wait=True)  # the sheet prints a chained émargement
        return pdf_response(paper.sheet_pdf(sheet), f"feuille-emargement-creneau-{self.kwargs['slot_id']}.pdf")


@method_decorator(never_cache, name="dispatch")
class SessionSheetView(OrgViewMixin, View):
    """The session's printable attendance sheet: every half-day (PDF)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        sheet = selectors.paper_sheet_for_session(actor=self.actor, session_id=self.kwargs["session_id"])
        services.attendance_seal_session(session_id=sheet.session.pk)  # the sheet prints a chained émargement
        return pdf_response(paper.sheet_pdf(sheet), f"feuille-emargement-session-{self.kwargs['session_id']}.pdf")


@method_decorator(never_cache, name="dispatch")
class SessionExportPdfView(OrgViewMixin, View):
    """The session's attendance and hours as a PDF (beside the CSV)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        summary = selectors.session_attendance(actor=self.actor, session_id=self.kwargs["session_id"])
        data = paper.export_pdf(summary, self.actor.organisation.name)
        return pdf_response(data, f"emargement-session-{summary.session.pk}.pdf", attachment=True)


class SlotPaperEntryView(_SlotAction):
    """Manual entry from the signed paper sheet (the existing `attendance_paper_entry` service)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        slot = self.slot()
        form = PaperEntryForm(request.POST, prefix="paper", participants=self.participants(slot))
        return self.submit(
            "paper_form",
            form,
            lambda f: services.attendance_paper_entry(
                **self.participant_change(f, slot, status=f.cleaned_data["status"])
            ),
            lambda f, _result: (
                _("Présence de %(name)s saisie d'après la feuille papier.") % {"name": f.chosen().trainee}
            ),
        )


class SlotScanUploadView(_SlotAction):
    """Upload of the signed paper sheet (stored with its SHA-256, recorded in the chain)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        slot = self.slot()
        form = ScanForm(request.POST, request.FILES, prefix="scan")
        return self.submit(
            "scan_form",
            form,
            lambda f: services.paper_scan_upload(
                actor=self.actor, slot_id=slot.pk, upload=f.cleaned_data["scan"], origin=services.Origin.of(request)
            ),
            lambda f, record: (
                _("Feuille signée enregistrée (SHA-256 %(sha)s…).") % {"sha": record.payload["sha256"][:12]}
            ),
        )


class SlotScanView(OrgViewMixin, View):
    """An uploaded scan, checked against the SHA-256 of its record."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        record = selectors.scan_get(
            actor=self.actor, slot_id=self.kwargs["slot_id"], record_id=self.kwargs["record_id"]
        )
        data = services.scan_read(record)
        extension = record.payload["file"].rsplit(".", 1)[-1]
        response = HttpResponse(data, content_type=record.payload["content_type"])
        response["Content-Disposition"] = (
            f'attachment; filename="feuille-signee-creneau-{record.slot_id}-{record.sequence}.{extension}"'
        )
        return response
