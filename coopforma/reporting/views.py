# SPDX-License-Identifier: AGPL-3.0-or-later
"""The BPF pages: the Cerfa laid out with its checks and assistant, frame D, the drill-down of every line,
the exports (CSV, JSON, PDF) and the per-member-structure report (not a Cerfa)."""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from coopforma.accounts.mixins import OrgViewMixin
from coopforma.core.forms import add_service_errors
from coopforma.core.pagination import paginate
from coopforma.reporting import selectors, services
from coopforma.reporting.bpf import C_LINES, F1_LINES, F3_LINES, LINE_LABELS, Bpf
from coopforma.reporting.forms import BpfChargesForm
from coopforma.reporting.outputs import bpf_csv, bpf_json, bpf_pdf


def _year(request: HttpRequest, actor: Any) -> int:
    raw = request.GET.get("year")
    if raw:
        try:
            return selectors.check_year(int(raw))
        except ValueError as exc:
            raise Http404 from exc
    return selectors.current_fiscal_year(actor.organisation)


def _context(bpf: Bpf, **extra: Any) -> dict[str, Any]:
    return {
        "bpf": bpf,
        "c_lines": [(code, label, bpf.money[code]) for code, label in C_LINES],
        "f1_lines": [(code, label, bpf.f1[code]) for code, label in F1_LINES],
        "f3_lines": [(code, label, bpf.f3[code]) for code, label in F3_LINES],
        "unclassified": bpf.money["C.unclassified"],
        "unclassified_label": LINE_LABELS["C.unclassified"],
        "f1_remote": bpf.f1["F1.remote"],
        "remote_label": LINE_LABELS["F1.remote"],
        **extra,
    }


class BpfView(OrgViewMixin, View):
    required_flag = "bpf.view"

    def get(self, request: HttpRequest, org: str) -> HttpResponse:
        year = _year(request, self.actor)
        bpf = selectors.bpf_get(actor=self.actor, year=year)
        context = _context(bpf, org=self.actor.organisation, actor=self.actor, base=f"/o/{org}/bpf/{year}")
        return render(request, "reporting/bpf.html", context)


class BpfExportView(OrgViewMixin, View):
    required_flag = "bpf.view"

    def get(self, request: HttpRequest, org: str, year: int, fmt: str) -> HttpResponse:
        bpf = selectors.bpf_get(actor=self.actor, year=year)
        return export(bpf, fmt, f"bpf-{org}-{year}")


def export(bpf: Bpf, fmt: str, name: str) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(bpf_json(bpf), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    elif fmt == "csv":
        response = HttpResponse("\ufeff" + bpf_csv(bpf), content_type="text/csv; charset=utf-8")
    elif fmt == "pdf":
        response = HttpResponse(bpf_pdf(bpf), content_type="application/pdf")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


class BpfChargesView(OrgViewMixin, View):
    required_flag = "bpf.edit"

    def _render(self, request: HttpRequest, year: int, form: BpfChargesForm) -> HttpResponse:
        context = {"org": self.actor.organisation, "actor": self.actor, "year": year, "form": form}
        return render(request, "reporting/charges.html", context, status=400 if form.errors else 200)

    def get(self, request: HttpRequest, org: str, year: int) -> HttpResponse:
        charges = selectors.bpf_charges_get(actor=self.actor, year=year)
        initial = {f: getattr(charges, f) for f in services.FIELDS} if charges else {}
        return self._render(request, year, BpfChargesForm(initial=initial))

    def post(self, request: HttpRequest, org: str, year: int) -> HttpResponse:
        selectors.check_year(year)
        form = BpfChargesForm(request.POST)
        if form.is_valid():
            try:
                services.bpf_charges_save(actor=self.actor, year=year, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect(reverse("reporting:bpf", kwargs={"org": org}) + f"?year={year}")
        return self._render(request, year, form)


class BpfLineView(OrgViewMixin, View):
    """The records a line sums: invoices, trainees (with their hours), trainers or entrusted enrolments."""

    required_flag = "bpf.view"

    def get(self, request: HttpRequest, org: str, year: int, code: str, member_id: int | None = None) -> HttpResponse:
        if member_id is None:
            bpf = selectors.bpf_get(actor=self.actor, year=year)
        else:
            bpf = selectors.member_report_get(actor=self.actor, year=year, member_id=member_id)
        drill = selectors.line_drill(bpf=bpf, code=code)
        page = paginate(request, drill.queryset)
        rows = list(page.object_list)
        if drill.kind == "participants":
            for p in rows:
                p.counted_minutes = selectors.participant_minutes(p)
        if drill.kind == "trainers":
            for t in rows:
                t.delivered = sum(int(d.total_seconds()) // 60 for d in (t.slot_minutes, t.session_minutes) if d)
        context = {
            "org": self.actor.organisation,
            "actor": self.actor,
            "bpf": bpf,
            "drill": drill,
            "page": page,
            "rows": rows,
            "extra": drill.extra or [],
        }
        return render(request, "reporting/line.html", context)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if kwargs.get("member_id") is not None:
            self.required_flag = "bpf.member_report"
        return super().dispatch(request, *args, **kwargs)


class MemberListView(OrgViewMixin, View):
    required_flag = "bpf.member_report"

    def get(self, request: HttpRequest, org: str) -> HttpResponse:
        year = _year(request, self.actor)
        members = list(selectors.member_structures_for(self.actor))
        context = {"org": self.actor.organisation, "actor": self.actor, "year": year, "members": members}
        return render(request, "reporting/members.html", context)


class MemberReportView(OrgViewMixin, View):
    required_flag = "bpf.member_report"

    def get(self, request: HttpRequest, org: str, year: int, member_id: int, fmt: str = "") -> HttpResponse:
        bpf = selectors.member_report_get(actor=self.actor, year=year, member_id=member_id)
        if fmt:
            return export(bpf, fmt, f"rapport-{org}-{member_id}-{year}")
        base = f"/o/{org}/bpf/{year}/members/{member_id}"
        context = _context(bpf, org=self.actor.organisation, actor=self.actor, base=base)
        return render(request, "reporting/bpf.html", context)
