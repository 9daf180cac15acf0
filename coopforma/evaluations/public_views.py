# SPDX-License-Identifier: AGPL-3.0-or-later
"""The questionnaire on a phone, without an account: /q/<survey id>/<token>/ (the e-mailed personal link).

GET shows the questions (or why the link cannot be used); POST records the answers once. Every refusal is a
clear message on the page; a refused answer loses nothing (the form comes back with what was typed).
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from coopforma.evaluations import services
from coopforma.evaluations.forms import answer_fields

T = "evaluations/phone/"


def _refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    codes = {getattr(e, "code", "") for e in exc.error_dict.get("token", [])} if hasattr(exc, "error_dict") else set()
    status = 404 if codes & {"unknown", "other_survey"} else 410 if codes & {"closed", "inactive"} else 200
    return render(request, T + "message.html", {"message": " ".join(exc.messages), "level": "error"}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, survey_id: int, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_resolve(survey_id=survey_id, token=token)
    except ValidationError as exc:
        return _refused(request, exc)
    survey = invitation.survey
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.response_submit(survey_id=survey_id, token=token, data=request.POST)
        except ValidationError as exc:
            if "token" in exc.message_dict:
                return _refused(request, exc)
            errors = {field: " ".join(messages) for field, messages in exc.message_dict.items()}
        else:
            message = _("Merci, vos réponses sont enregistrées.")
            return render(request, T + "message.html", {"message": message, "level": "success"})
    context = {
        "survey": survey,
        "snapshot": survey.snapshot,
        "organisation": survey.session.organisation,
        "fields": answer_fields(survey, request.POST if request.method == "POST" else None, errors),
        "errors": errors,
        "subject": invitation.participant.trainee if survey.questionnaire.kind == "skills" else None,
    }
    return render(request, T + "answer.html", context, status=200)
