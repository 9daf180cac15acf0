# SPDX-License-Identifier: AGPL-3.0-or-later
"""Template editor pages: the kinds and their templates, edit with keywords and preview, reset, history."""

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from coopforma.accounts.mixins import OrgViewMixin
from coopforma.core.forms import add_service_errors
from coopforma.core.pagination import paginate
from coopforma.core.views import is_htmx
from coopforma.documents import rendering, structured
from coopforma.documents import template_selectors as selectors
from coopforma.documents import template_services as services
from coopforma.documents.registry import DocumentKind, Keyword
from coopforma.documents.template_forms import (
    PreviewForm,
    SectionFormSet,
    StructuredTemplateForm,
    TemplateForm,
    section_initial,
    structure_from_forms,
)


def _example_text(example: Any) -> str:
    if isinstance(example, (list, tuple, dict)):
        text = json.dumps(example, ensure_ascii=False, default=str)
        return text if len(text) <= 120 else text[:117] + "…"
    return str(example)


def _snippet(keyword: Keyword) -> str:
    """What a click on a keyword inserts: the value, or a loop over a list with its items' fields."""
    example = keyword.example
    if isinstance(example, (list, tuple)):
        last = keyword.name.rsplit(".", 1)[-1]
        item = last[:-1] if last.endswith("s") and len(last) > 1 else "item"
        first = example[0] if example else None
        inner = " ".join(f"{{{{ {item}.{key} }}}}" for key in first) if isinstance(first, dict) else f"{{{{ {item} }}}}"
        return f"{{% for {item} in {keyword.name} %}}\n- {inner}\n{{% endfor %}}\n"
    return f"{{{{ {keyword.name} }}}}"


def _keyword_rows(kind: DocumentKind) -> list[dict[str, str]]:
    return [
        {"name": k.name, "label": str(k.label), "example": _example_text(k.example), "snippet": _snippet(k)}
        for k in kind.keywords
    ]


def _error_line(form: TemplateForm) -> int | None:
    return getattr(form, "error_line", None)


class TemplateKindMixin(OrgViewMixin):
    required_flag = selectors.TEMPLATE_FLAG
    kind: DocumentKind

    def get_kind(self) -> DocumentKind:
        if not hasattr(self, "kind"):
            self.kind = selectors.kind_get(actor=self.actor, code=str(self.kwargs["kind"]))
        return self.kind


class TemplateListView(OrgViewMixin, TemplateView):
    template_name = "documents/template_list.html"
    required_flag = selectors.TEMPLATE_FLAG

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(rows=selectors.template_overview(actor=self.actor), **kwargs)


class TemplateEditView(TemplateKindMixin, FormView):
    """The text, the signers and the keywords; saving checks the text against the kind's examples."""

    template_name = "documents/template_edit.html"
    form_class = TemplateForm

    def get_initial(self) -> dict[str, Any]:
        kind = self.get_kind()
        source = None
        if self.request.GET.get("from", "").isdigit():  # start from an older version (history page)
            source = selectors.template_version_get(
                actor=self.actor, kind=kind, template_id=int(self.request.GET["from"])
            )
        active = selectors.active_template(organisation=self.actor.organisation, kind=kind)
        source = source or active
        if source is None:
            return {
                "body": kind.default_template,
                "name": str(kind.label),
                "requires_quality_signature": "quality" in kind.default_signers,
                "signers": [s for s in kind.default_signers if s != "quality"],
            }
        return {
            "body": source.body,
            "name": source.name,
            "requires_quality_signature": source.requires_quality_signature,
            "signers": source.signers,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kind = self.get_kind()
        subjects = selectors.preview_subjects(actor=self.actor, kind=kind)
        context = super().get_context_data(**kwargs)
        context.update(
            kind=kind,
            active=selectors.active_template(organisation=self.actor.organisation, kind=kind),
            keywords=_keyword_rows(kind),
            preview_form=kwargs.get("preview_form") or PreviewForm(subjects=subjects),
            error_line=_error_line(context["form"]),
            from_version=self.request.GET.get("from", ""),
        )
        return context

    def form_valid(self, form: TemplateForm) -> HttpResponse:
        kind = self.get_kind()
        active = selectors.active_template(organisation=self.actor.organisation, kind=kind)
        try:
            template = services.template_save(actor=self.actor, kind=kind, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
            form.error_line = getattr(exc, "line", None)  # type: ignore[attr-defined]
            return self.form_invalid(form)
        if active is not None and template.pk == active.pk:
            messages.info(self.request, _("Aucune modification : le modèle en usage est inchangé."))
        else:
            messages.success(
                self.request,
                _(
                    "Modèle « %(name)s » enregistré (version %(version)s) : "
                    "il sera utilisé pour les prochains documents."
                )
                % {"name": template.name, "version": template.version},
            )
        return redirect("documents:template_edit", org=self.actor.organisation.slug, kind=kind.code)


class TemplateResetView(TemplateKindMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        kind = self.get_kind()
        try:
            services.template_reset(actor=self.actor, kind=kind)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _(
                    "« %(kind)s » utilise de nouveau le modèle par défaut ; "
                    "les versions précédentes restent dans l'historique."
                )
                % {"kind": kind.label},
            )
        return redirect("documents:template_edit", org=self.actor.organisation.slug, kind=kind.code)


class TemplatePreviewView(TemplateKindMixin, View):
    """Renders the typed (unsaved) text as PNG pages: a fragment for htmx, the whole editor otherwise."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        kind = self.get_kind()
        subjects = selectors.preview_subjects(actor=self.actor, kind=kind)
        preview_form = PreviewForm(request.POST, subjects=subjects)
        subject = preview_form.cleaned_data["subject"] if preview_form.is_valid() else None
        body = request.POST.get("body", "").replace("\r\n", "\n")
        preview = selectors.template_preview(actor=self.actor, kind=kind, body=body, subject=subject)
        problem_message = (
            services.template_problem_message(preview.problem, body=body, kind=kind) if preview.problem else ""
        )
        context = {
            "actor": self.actor,
            "org": self.actor.organisation,
            "kind": kind,
            "preview": preview,
            "problem_message": problem_message,
        }
        if is_htmx(request):
            return render(request, "documents/template_preview.html", context)
        # Without JavaScript: the editor again, with what was typed and the preview below it.
        context.update(
            form=TemplateForm(request.POST),
            preview_form=preview_form,
            active=selectors.active_template(organisation=self.actor.organisation, kind=kind),
            keywords=_keyword_rows(kind),
            error_line=preview.problem.line if preview.problem else None,
            show_preview=True,
        )
        return render(request, "documents/template_edit.html", context)


class TemplateHistoryView(TemplateKindMixin, TemplateView):
    template_name = "documents/template_history.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kind = self.get_kind()
        page = paginate(self.request, selectors.template_versions(actor=self.actor, kind=kind), per_page=20)
        context = super().get_context_data(**kwargs)
        context.update(
            kind=kind,
            page_obj=page,
            versions=page.object_list,
            history=selectors.template_events(actor=self.actor, kind=kind)[:50],
        )
        return context


# --- The simple editor: title and sections, keywords from a list, preview ---------------------------------


def _value_at(context: dict[str, Any], name: str) -> Any:
    node: Any = context
    for part in name.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _simple_keyword_rows(kind: DocumentKind, context: dict[str, Any]) -> list[dict[str, Any]]:
    """Each keyword with its French label and its value in the preview's data; records lists are for code."""
    rows = []
    for keyword in kind.keywords:
        value = _value_at(context, keyword.name)
        records = isinstance(keyword.example, dict) or (
            isinstance(keyword.example, (list, tuple)) and any(isinstance(i, (dict, list)) for i in keyword.example)
        )
        if isinstance(value, (list, tuple)) and not records:
            shown = ", ".join(str(item) for item in value)
        else:
            shown = _example_text(value if value is not None else "")
        rows.append(
            {
                "name": keyword.name,
                "label": str(keyword.label),
                "value": shown if len(shown) <= 120 else shown[:117] + "…",
                "snippet": "{{ " + keyword.name + " }}",
                "insertable": not records,
            }
        )
    return rows


class TemplateStructuredView(TemplateKindMixin, TemplateView):
    """The simple editor: a title and ordered sections of simple text, compiled to typst by our code."""

    template_name = "documents/template_structured.html"

    def _subject(self) -> int | None:
        raw = self.request.GET.get("subject", "")
        return int(raw) if raw.isdigit() else None

    def _initial(self) -> tuple[dict[str, Any], structured.Structure]:
        kind = self.get_kind()
        active = selectors.active_template(organisation=self.actor.organisation, kind=kind)
        if active is not None and active.structure is not None:
            form = {
                "name": active.name,
                "requires_quality_signature": active.requires_quality_signature,
                "signers": active.signers,
            }
            structure = structured.Structure.from_json(active.structure)
        else:
            form = {
                "name": str(kind.label),
                "requires_quality_signature": "quality" in kind.default_signers,
                "signers": [s for s in kind.default_signers if s != "quality"],
            }
            structure = structured.starter(kind)
        form["title"] = structure.title
        return form, structure

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kind = self.get_kind()
        subject = self._subject()
        subjects = selectors.preview_subjects(actor=self.actor, kind=kind)
        if "form" not in kwargs:
            initial, structure = self._initial()
            kwargs["form"] = StructuredTemplateForm(initial=initial)
            kwargs["sections"] = SectionFormSet(initial=section_initial(structure), prefix="sections")
        active = selectors.active_template(organisation=self.actor.organisation, kind=kind)
        values = selectors.preview_context(actor=self.actor, kind=kind, subject=subject)
        context = super().get_context_data(**kwargs)
        context.update(
            kind=kind,
            active=active,
            active_is_code=active is not None and active.structure is None,
            keywords=_simple_keyword_rows(kind, values),
            preview_form=PreviewForm(initial={"subject": subject}, subjects=subjects),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        kind = self.get_kind()
        form = StructuredTemplateForm(request.POST)
        sections = SectionFormSet(request.POST, prefix="sections")
        if not (form.is_valid() and sections.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, sections=sections))
        active = selectors.active_template(organisation=self.actor.organisation, kind=kind)
        data = form.cleaned_data
        try:
            template = services.template_save(
                actor=self.actor,
                kind=kind,
                name=data["name"],
                body="",
                requires_quality_signature=data["requires_quality_signature"],
                signers=data["signers"],
                structure=structure_from_forms(form, sections),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.render_to_response(self.get_context_data(form=form, sections=sections))
        if active is not None and template.pk == active.pk:
            messages.info(request, _("Aucune modification : le modèle en usage est inchangé."))
        else:
            messages.success(
                request,
                _(
                    "Modèle « %(name)s » enregistré (version %(version)s) : "
                    "il sera utilisé pour les prochains documents."
                )
                % {"name": template.name, "version": template.version},
            )
        return redirect("documents:template_structured", org=self.actor.organisation.slug, kind=kind.code)


class TemplateStructuredPreviewView(TemplateKindMixin, View):
    """The typed (unsaved) simple template: PNG pages for htmx, else the PDF itself (« Aperçu PDF »)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        kind = self.get_kind()
        subjects = selectors.preview_subjects(actor=self.actor, kind=kind)
        preview_form = PreviewForm(request.POST, subjects=subjects)
        subject = preview_form.cleaned_data["subject"] if preview_form.is_valid() else None
        form = StructuredTemplateForm(request.POST)
        sections = SectionFormSet(request.POST, prefix="sections")
        problem_message = ""
        body = ""
        if form.is_valid() and sections.is_valid():
            try:
                body = structured.compile_structure(structure_from_forms(form, sections), kind)
            except ValidationError as exc:
                problem_message = " ".join(exc.messages)
        else:
            problem_message = _("Le formulaire contient des erreurs : enregistrez-le pour les voir.")
        if not is_htmx(request) and not problem_message:
            try:
                pdf = selectors.template_preview_pdf(actor=self.actor, kind=kind, body=body, subject=subject)
            except rendering.TemplateProblem as problem:
                problem_message = str(problem)
            else:
                response = HttpResponse(pdf, content_type="application/pdf")
                response["Content-Disposition"] = f'inline; filename="apercu-{kind.code}.pdf"'
                return response
        preview = (
            selectors.template_preview(actor=self.actor, kind=kind, body=body, subject=subject)
            if body and not problem_message
            else selectors.Preview()
        )
        if preview.problem:
            problem_message = str(preview.problem)
        context = {"kind": kind, "preview": preview, "problem_message": problem_message}
        return render(request, "documents/template_preview.html", context, status=200)
