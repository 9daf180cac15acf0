# SPDX-License-Identifier: AGPL-3.0-or-later
import csv
from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from coopforma.accounts.mixins import OrgViewMixin
from coopforma.accounts.roles import Role
from coopforma.core.formatting import fr_date, fr_hours, fr_money
from coopforma.core.hours import minutes_to_hours
from coopforma.dashboard.charts import bar_chart
from coopforma.dashboard.figures import Figures, figures_get, member_choices
from coopforma.dashboard.forms import FiguresFilterForm
from coopforma.dashboard.selectors import dashboard_for, digest_subscribed
from coopforma.dashboard.services import digest_subscription_set


class DashboardView(OrgViewMixin, TemplateView):
    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        context["dashboard"] = dashboard_for(actor=self.actor)
        context["role_label"] = Role(self.actor.role).label
        context["digest_subscribed"] = digest_subscribed(actor=self.actor)
        return context


class DigestSubscriptionView(OrgViewMixin, View):
    """Receive or stop the Monday e-mail of one's alerts (POST `subscribed` = « 1 » or « 0 »)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        subscribed = request.POST.get("subscribed") == "1"
        digest_subscription_set(actor=self.actor, subscribed=subscribed)
        if subscribed:
            messages.success(request, _("Vous recevrez chaque lundi le récapitulatif de vos alertes."))
        else:
            messages.success(request, _("Vous ne recevrez plus le récapitulatif du lundi."))
        return HttpResponseRedirect(reverse("dashboard:home", kwargs={"org": self.actor.organisation.slug}))


def _figures(view: OrgViewMixin, request: HttpRequest) -> tuple[FiguresFilterForm, Figures]:
    view.actor.require("billing.view")  # money: not for trainers
    form = FiguresFilterForm(request.GET or None, members=member_choices(actor=view.actor))
    member = form.cleaned_data.get("member") if form.is_bound and form.is_valid() else None
    period = form.period(timezone.localdate())
    return form, figures_get(actor=view.actor, period=period, member_id=member.pk if member else None)


def _cents(value: int) -> str:
    """Euros with a decimal comma for a French spreadsheet: 125050 -> « 1250,50 »."""
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value) // 100},{abs(value) % 100:02d}"


def _rate(value: Decimal | None) -> str:
    return "" if value is None else str(value).replace(".", ",")


class FiguresView(OrgViewMixin, TemplateView):
    """Turnover, fill rate, hours, margins and satisfaction of a period, with charts and their tables."""

    template_name = "dashboard/figures.html"
    required_flag = "billing.view"

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        form, figures = _figures(self, self.request)
        members = [(m.name, m.invoiced_cents, fr_money(m.invoiced_cents)) for m in figures.per_member]
        trainers = [(name, minutes, fr_hours(minutes)) for name, minutes in figures.trainer_minutes]
        period = f"{fr_date(figures.period.start)} – {fr_date(figures.period.end)}"
        context.update(
            form=form,
            figures=figures,
            period_label=period,
            csv_query=self.request.GET.urlencode(),
            members_chart=bar_chart(
                chart_id="chart-members",
                title=_("Chiffre d'affaires facturé HT par structure membre"),
                desc=_("Du %(period)s : ") % {"period": period}
                + "; ".join(f"{label} {shown}" for label, _v, shown in members),
                rows=members,
            ),
            trainers_chart=bar_chart(
                chart_id="chart-trainers",
                title=_("Heures de formation animées par formateur·rice"),
                desc=_("Du %(period)s : ") % {"period": period}
                + "; ".join(f"{label} {shown}" for label, _v, shown in trainers),
                rows=trainers,
            ),
        )
        return context


class FiguresCsvView(OrgViewMixin, View):
    """One line per session of the period, then the totals; `;`-separated, UTF-8 with BOM, decimal comma."""

    required_flag = "billing.view"

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        _form, figures = _figures(self, request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        start, end = figures.period.start, figures.period.end
        response["Content-Disposition"] = f'attachment; filename="chiffres-{start:%Y-%m-%d}-{end:%Y-%m-%d}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(
            [
                _("session"),
                _("début"),
                _("fin"),
                _("structure membre"),
                _("stagiaires"),
                _("places"),
                _("taux de remplissage (%)"),
                _("heures suivies"),
                _("facturé HT (€)"),
                _("dû aux structures (€)"),
                _("marge de l'OF (€)"),
                _("satisfaction (%)"),
            ]
        )
        for row in figures.sessions:
            s = row.session
            writer.writerow(
                [
                    s.title,
                    fr_date(s.start_date),
                    fr_date(s.end_date),
                    s.member_structure.name if s.member_structure else "",
                    row.trainees,
                    row.capacity,
                    _rate(row.fill_rate),
                    _rate(minutes_to_hours(row.attended_minutes)),
                    _cents(row.invoiced_cents),
                    _cents(row.due_to_members_cents),
                    _cents(row.margin_cents),
                    _rate(row.satisfaction),
                ]
            )
        writer.writerow(
            [
                _("Total"),
                fr_date(start),
                fr_date(end),
                "",
                figures.trainees,
                figures.capacity,
                _rate(figures.fill_rate),
                _rate(minutes_to_hours(sum(r.attended_minutes for r in figures.sessions))),
                _cents(sum(r.invoiced_cents for r in figures.sessions)),
                _cents(sum(r.due_to_members_cents for r in figures.sessions)),
                _cents(figures.margin_cents),
                _rate(figures.satisfaction),
            ]
        )
        return response
