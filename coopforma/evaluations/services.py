# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the evaluations: questionnaires (builder), surveys per session, sending and reminders, answers,
the skills assessment by the trainer, the published indicators.

Sending (`send_due`, run by `coopforma evaluations send --due` and the task `evaluations_send_due`):
1. plan the surveys of confirmed, running and finished sessions (one per active questionnaire);
2. open the surveys due (send_on ≤ today): snapshot of the questions, one invitation per person, e-mails;
3. remind who has not answered after `reminder_days`, at most `max_reminders` times;
4. close the surveys whose `closes_at` has passed.

Links are /q/<survey id>/<token>/; only the SHA-256 of the token is stored. The token is an HMAC (keyed by
SECRET_KEY) of a random nonce, so a reminder repeats the same link; « nouveau lien » draws a new nonce.
"""

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Organisation
from coopforma.catalogue.models import Training
from coopforma.core.links import absolute_url
from coopforma.core.locking import id_or_404, lock_for_update
from coopforma.core.log import diff, log_action, snapshot
from coopforma.core.mail import send_mail_logged
from coopforma.core.mail_texts import mail_text_render
from coopforma.evaluations import mails
from coopforma.evaluations.models import (
    Answer,
    Invitation,
    PublishedIndicator,
    Question,
    Questionnaire,
    QuestionnaireKind,
    QuestionType,
    RespondentKind,
    Response,
    Survey,
    SurveyStatus,
)
from coopforma.evaluations.selectors import PUBLISHABLE
from coopforma.evaluations.templates_data import DEFAULT_QUESTIONNAIRES
from coopforma.training_sessions.models import (
    EnrolmentStatus,
    FundingLine,
    Participant,
    ParticipantStatus,
    PayerKind,
    Session,
    SessionStatus,
)
from coopforma.training_sessions.selectors import session_queryset_for

TOKEN_SALT = "coopforma.evaluations.invitation"  # noqa: S105 (an HMAC salt, not a secret)
INACTIVE_PARTICIPANTS = (ParticipantStatus.CANCELLED, ParticipantStatus.DROPPED_OUT)
PLANNED_SESSIONS = (SessionStatus.CONFIRMED, SessionStatus.RUNNING, SessionStatus.DONE)
# Payers asked for the funder's questionnaire (not the company itself, nor the trainee, nor another OF).
FUNDER_PAYERS = [k for k in PayerKind.values if k not in (PayerKind.COMPANY, PayerKind.INDIVIDUAL, PayerKind.OTHER_OF)]


def _refusal(message: str, code: str) -> ValidationError:
    """A refusal of a link, shown to the person on the page; `code` tells the page which status to answer."""
    return ValidationError({"token": ValidationError(message, code=code)})


def _require(actor: Actor, flag: str) -> None:
    if not actor.has(flag):
        raise PermissionDenied(flag)


def _survey_locked(actor: Actor | None, survey_id: int) -> Survey:
    """The survey, locked; in the actor's organisation when an actor acts (Http404 otherwise), any when the
    scheduler runs (`actor` None)."""
    surveys = Survey.objects.select_related("questionnaire", "session__organisation")
    if actor is not None:
        surveys = surveys.filter(organisation_id=actor.organisation_id)
    return lock_for_update(surveys, survey_id)


# --- Questionnaires ---------------------------------------------------------------------------------------------


@transaction.atomic
def questionnaires_ensure_defaults(organisation: Organisation) -> int:
    """Copy the shipped French questionnaires of the kinds the organisation has none of yet. Returns how many
    were created (0 once done: idempotent)."""
    existing = set(Questionnaire.objects.filter(organisation=organisation).values_list("kind", flat=True))
    created = 0
    for data in DEFAULT_QUESTIONNAIRES:
        if data["kind"] in existing:
            continue
        fields = {k: (str(v) if k in ("title", "intro") else v) for k, v in data.items() if k != "questions"}
        questionnaire = Questionnaire.objects.create(organisation=organisation, **fields)
        for position, question in enumerate(data["questions"], start=1):
            Question.objects.create(
                organisation=organisation,
                questionnaire=questionnaire,
                position=position,
                type=question["type"],
                label=str(question["label"]),
                help_text=str(question.get("help_text", "")),
                choices=[str(c) for c in question.get("choices", [])],
                required=question.get("required", True),
                measure=question.get("measure", ""),
            )
        created += 1
    return created


QUESTIONNAIRE_FIELDS = [
    "title",
    "intro",
    "is_anonymous",
    "is_active",
    "send_offset_days",
    "open_days",
    "reminder_days",
    "max_reminders",
]


def _validate_questionnaire(values: dict[str, Any]) -> None:
    errors = {}
    if not str(values.get("title", "")).strip():
        errors["title"] = _("Donnez un titre au questionnaire.")
    if values.get("open_days", 1) < 1:
        errors["open_days"] = _("Le questionnaire doit rester ouvert au moins un jour.")
    if values.get("reminder_days", 1) < 1:
        errors["reminder_days"] = _("La relance a lieu au moins un jour après l'envoi.")
    if not -365 <= values.get("send_offset_days", 0) <= 365:
        errors["send_offset_days"] = _("Le décalage d'envoi doit être compris entre -365 et 365 jours.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def questionnaire_create(*, actor: Actor, kind: str, respondent: str, **values: Any) -> Questionnaire:
    _require(actor, "evaluations.manage")
    errors = {}
    if kind not in QuestionnaireKind.values:
        errors["kind"] = _("Type de questionnaire inconnu.")
    if respondent not in RespondentKind.values:
        errors["respondent"] = _("Répondant·e inconnu·e.")
    if errors:
        raise ValidationError(errors)
    values = {k: v for k, v in values.items() if k in QUESTIONNAIRE_FIELDS}
    _validate_questionnaire(values)
    questionnaire = Questionnaire.objects.create(
        organisation=actor.organisation, kind=kind, respondent=respondent, **values
    )
    log_action(actor=actor, obj=questionnaire, action="evaluations.questionnaire.create", data={"kind": kind})
    return questionnaire


@transaction.atomic
def questionnaire_update(*, actor: Actor, questionnaire_id: int, **values: Any) -> Questionnaire:
    _require(actor, "evaluations.manage")
    questionnaire = lock_for_update(Questionnaire.objects.for_actor(actor), questionnaire_id)
    before = snapshot(questionnaire, QUESTIONNAIRE_FIELDS)
    for name, value in values.items():
        if name in QUESTIONNAIRE_FIELDS:
            setattr(questionnaire, name, value)
    _validate_questionnaire({name: getattr(questionnaire, name) for name in QUESTIONNAIRE_FIELDS})
    if (
        questionnaire.is_anonymous != before["is_anonymous"]
        and questionnaire.surveys.exclude(status=SurveyStatus.SCHEDULED).exists()
    ):
        raise ValidationError(
            {
                "is_anonymous": _(
                    "Ce questionnaire a déjà été envoyé : l'anonymat promis aux répondant·es ne peut plus changer. "
                    "Créez un nouveau questionnaire."
                )
            }
        )
    questionnaire.save()
    changes = diff(before, snapshot(questionnaire, QUESTIONNAIRE_FIELDS))
    log_action(actor=actor, obj=questionnaire, action="evaluations.questionnaire.update", data={"changes": changes})
    return questionnaire


QUESTION_FIELDS = ["type", "label", "help_text", "choices", "scale_max", "required", "measure"]


def _clean_question(values: dict[str, Any]) -> dict[str, Any]:
    errors = {}
    qtype = values.get("type")
    if qtype not in QuestionType.values:
        errors["type"] = _("Type de question inconnu.")
    if not str(values.get("label", "")).strip():
        errors["label"] = _("Écrivez la question.")
    choices = [str(c).strip() for c in values.get("choices") or [] if str(c).strip()]
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE) and len(choices) < 2:
        errors["choices"] = _("Donnez au moins deux choix, un par ligne.")
    scale_max = values.get("scale_max") or 5
    if qtype in (QuestionType.SCALE, QuestionType.OBJECTIVES) and not 2 <= scale_max <= 10:
        errors["scale_max"] = _("L'échelle va de 1 à un nombre compris entre 2 et 10.")
    measure = values.get("measure") or ""
    if measure and qtype not in (QuestionType.SCALE, QuestionType.YES_NO, QuestionType.OBJECTIVES):
        errors["measure"] = _("Seules les questions à échelle, oui/non ou par objectif alimentent une mesure.")
    if errors:
        raise ValidationError(errors)
    return {
        "type": qtype,
        "label": str(values["label"]).strip(),
        "help_text": str(values.get("help_text") or "").strip(),
        "choices": choices if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE) else [],
        "scale_max": scale_max,
        "required": bool(values.get("required", True)),
        "measure": measure,
    }


def question_was_sent(question: Question) -> bool:
    """Whether the question is part of what an opened survey asked (then it is frozen)."""
    if question.answers.exists():
        return True
    opened = Survey.objects.filter(questionnaire_id=question.questionnaire_id).exclude(status=SurveyStatus.SCHEDULED)
    return any(q.get("id") == question.pk for s in opened for q in s.snapshot.get("questions", []))


@transaction.atomic
def question_add(*, actor: Actor, questionnaire_id: int, **values: Any) -> Question:
    _require(actor, "evaluations.manage")
    questionnaire = lock_for_update(Questionnaire.objects.for_actor(actor), questionnaire_id)
    cleaned = _clean_question(values)
    last = questionnaire.questions.aggregate(m=Max("position"))["m"] or 0
    question = Question.objects.create(
        organisation=questionnaire.organisation, questionnaire=questionnaire, position=last + 1, **cleaned
    )
    log_action(actor=actor, obj=questionnaire, action="evaluations.question.add", data={"label": question.label})
    return question


@transaction.atomic
def question_update(*, actor: Actor, question_id: int, **values: Any) -> Question:
    """Edit a question never sent. A question already sent is frozen (its answers keep their meaning):
    archive it and add a new one (the new version)."""
    _require(actor, "evaluations.manage")
    question = lock_for_update(Question.objects.for_actor(actor), question_id)
    if question_was_sent(question):
        raise ValidationError(
            {
                "label": _(
                    "Cette question a déjà été envoyée : elle ne peut plus être modifiée, pour que les réponses "
                    "reçues gardent leur sens. Archivez-la et ajoutez une nouvelle version."
                )
            }
        )
    before = snapshot(question, QUESTION_FIELDS)
    for name, value in _clean_question(values).items():
        setattr(question, name, value)
    question.save()
    log_action(
        actor=actor,
        obj=question.questionnaire,
        action="evaluations.question.update",
        data={"question": question.pk, "changes": diff(before, snapshot(question, QUESTION_FIELDS))},
    )
    return question


@transaction.atomic
def question_remove(*, actor: Actor, question_id: int) -> str:
    """Delete a question never sent; archive one already sent (not asked any more, answers kept).
    Returns "deleted" or "archived"."""
    _require(actor, "evaluations.manage")
    question = lock_for_update(Question.objects.for_actor(actor), question_id)
    data = {"question": question.pk, "label": question.label}
    if question_was_sent(question):
        question.is_archived = True
        question.save(update_fields=["is_archived", "updated_at"])
        log_action(actor=actor, obj=question.questionnaire, action="evaluations.question.archive", data=data)
        return "archived"
    questionnaire = question.questionnaire
    question.delete()
    log_action(actor=actor, obj=questionnaire, action="evaluations.question.delete", data=data)
    return "deleted"


@transaction.atomic
def question_move(*, actor: Actor, question_id: int, direction: str) -> None:
    """Swap the question with its neighbour ("up" or "down") among the questions still asked (under the lock of
    their questionnaire: the order is the questionnaire's)."""
    _require(actor, "evaluations.manage")
    questionnaire_id = (
        Question.objects.for_actor(actor).filter(pk=id_or_404(question_id)).values_list("questionnaire_id", flat=True)
    ).first()
    questionnaire = lock_for_update(Questionnaire.objects.for_actor(actor), questionnaire_id)
    question = questionnaire.questions.get(pk=question_id)
    siblings = list(question.questionnaire.questions.filter(is_archived=False).order_by("position", "id"))
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, item in enumerate(siblings, start=1):
        if item.position != position:
            Question.objects.filter(pk=item.pk).update(position=position)
    log_action(
        actor=actor, obj=question.questionnaire, action="evaluations.question.move", data={"question": question.pk}
    )


# --- Surveys: planning, opening, reminders, closing -----------------------------------------------------------


def send_date(questionnaire: Questionnaire, session: Session) -> dt.date | None:
    """Negative offset: days before the start; otherwise days after the end."""
    if questionnaire.send_offset_days < 0:
        return session.start_date + dt.timedelta(days=questionnaire.send_offset_days) if session.start_date else None
    return session.end_date + dt.timedelta(days=questionnaire.send_offset_days) if session.end_date else None


def surveys_plan(*, session_id: int, today: dt.date | None = None, actor: Actor | None = None) -> list[Survey]:
    """Create the missing surveys of a session from the organisation's active questionnaires (shipped ones are
    copied first). A survey is not created when it would already be closed (its send date + opening time is
    past). Returns the surveys created. With an actor, a session they see (Http404 otherwise); without, the
    scheduler's (any). Creating twice is stopped by the unique constraint, so nothing needs a lock."""
    today = today or timezone.localdate()
    sessions = Session.objects.select_related("organisation") if actor is None else session_queryset_for(actor)
    session = sessions.filter(pk=id_or_404(session_id)).first()
    if session is None:
        raise Http404
    questionnaires_ensure_defaults(session.organisation)
    existing = set(session.surveys.values_list("questionnaire_id", flat=True))
    created = []
    for questionnaire in Questionnaire.objects.filter(organisation_id=session.organisation_id, is_active=True):
        if questionnaire.pk in existing:
            continue
        send_on = send_date(questionnaire, session)
        if send_on is None or send_on + dt.timedelta(days=questionnaire.open_days) < today:
            continue
        try:
            with transaction.atomic():
                survey = Survey.objects.create(
                    organisation_id=session.organisation_id,
                    session=session,
                    questionnaire=questionnaire,
                    send_on=send_on,
                )
        except IntegrityError:  # planned meanwhile by another run
            continue
        created.append(survey)
    if created and actor is not None:
        log_action(
            actor=actor, obj=session, action="evaluations.surveys.plan", data={"surveys": [s.pk for s in created]}
        )
    return created


def token_for(invitation: Invitation) -> str:
    return salted_hmac(TOKEN_SALT, invitation.nonce, algorithm="sha256").hexdigest()[:40]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_nonce(invitation: Invitation) -> str:
    invitation.nonce = secrets.token_hex(16)
    token = token_for(invitation)
    invitation.token_hash = hash_token(token)
    return token


def invitation_url(invitation: Invitation, token: str | None = None) -> str:
    token = token or token_for(invitation)
    path = reverse("evaluations_public:answer", kwargs={"survey_id": invitation.survey_id, "token": token})
    return absolute_url(path)


def _snapshot(survey: Survey) -> dict[str, Any]:
    questions = survey.questionnaire.questions.filter(is_archived=False).order_by("position", "id")
    return {
        "title": survey.questionnaire.title,
        "intro": survey.questionnaire.intro,
        "is_anonymous": survey.questionnaire.is_anonymous,
        "objectives": [str(o) for o in (survey.session.programme or {}).get("objectives") or []],
        "questions": [
            {
                "id": q.pk,
                "type": q.type,
                "label": q.label,
                "help_text": q.help_text,
                "choices": list(q.choices),
                "scale_max": q.scale_max,
                "required": q.required,
                "measure": q.measure,
            }
            for q in questions
        ],
    }


def _people(survey: Survey) -> list[dict[str, Any]]:
    """The invitations to create: who, and their e-mail address."""
    session = survey.session
    respondent = survey.questionnaire.respondent
    trainers = list(session.trainers.order_by("last_name", "first_name"))
    participants = (
        Participant.objects.filter(session=session).exclude(status__in=INACTIVE_PARTICIPANTS).select_related("trainee")
    )
    if survey.questionnaire.kind == QuestionnaireKind.SKILLS:
        # One per trainee, answered by a trainer of the session (the link goes to the first one's address;
        # `trainer` stays empty: the model allows one invitation per trainer and survey).
        email = trainers[0].email if trainers else ""
        return [{"participant": p, "email": email} for p in participants]
    if respondent == RespondentKind.TRAINEE:
        return [{"participant": p, "email": p.trainee.email} for p in participants]
    if respondent == RespondentKind.TRAINER:
        return [{"trainer": t, "email": t.email} for t in trainers]
    enrolments = session.enrolments.exclude(status=EnrolmentStatus.CANCELLED).select_related("client", "contact")
    if respondent == RespondentKind.FUNDER:
        funded = set(
            FundingLine.objects.filter(enrolment__session=session, payer_kind__in=FUNDER_PAYERS).values_list(
                "enrolment_id", flat=True
            )
        )
        return [{"enrolment": e, "email": ""} for e in enrolments if e.pk in funded]
    return [
        {"enrolment": e, "contact": e.contact, "email": (e.contact.email if e.contact else "") or e.client.email}
        for e in enrolments
    ]


def _mail(invitation: Invitation, token: str | None = None, *, reminder: bool = False) -> None:
    survey = invitation.survey
    url = invitation_url(invitation, token)
    session = survey.session
    subject, body = mail_text_render(
        organisation_id=session.organisation_id,
        code=(mails.REMINDER if reminder else mails.INVITATION).code,
        values={
            "title": survey.questionnaire.title,
            "session": session.title,
            "url": url,
            "closes": timezone.localtime(survey.closes_at).strftime("%d/%m/%Y") if survey.closes_at else "—",
            "anonymous": (" " + _("Vos réponses sont anonymes.")) if survey.questionnaire.is_anonymous else "",
            "org": session.organisation.name,
        },
    )
    if survey.questionnaire.kind == QuestionnaireKind.SKILLS and invitation.participant is not None:
        body = _("Évaluation des acquis de %(name)s.\n\n") % {"name": invitation.participant.trainee} + body
    send_mail_logged(
        organisation=session.organisation,
        to=invitation.email,
        subject=subject,
        body=body,
        purpose="evaluations.reminder" if reminder else "evaluations.invitation",
        about=invitation,
        secrets=[url],
    )


@transaction.atomic
def survey_open(
    *, survey_id: int, now: dt.datetime | None = None, actor: Actor | None = None, notify: bool = True
) -> int:
    """Open a scheduled survey: freeze its questions, create one invitation per person, e-mail the links
    (`notify=False`: no e-mail, used by the demo for past sessions). Returns the number of e-mails sent. With an
    actor, a survey of their organisation (Http404 otherwise); without, the scheduler's."""
    now = now or timezone.now()
    survey = _survey_locked(actor, survey_id)
    if survey.status != SurveyStatus.SCHEDULED:
        raise ValidationError({"survey": _("Ce questionnaire a déjà été envoyé.")})
    survey.snapshot = _snapshot(survey)
    survey.status = SurveyStatus.OPEN
    survey.opened_at = now
    survey.closes_at = now + dt.timedelta(days=survey.questionnaire.open_days)
    survey.save()
    sent = 0
    for person in _people(survey):
        invitation = Invitation(organisation_id=survey.organisation_id, survey=survey, **person)
        token = _new_nonce(invitation)
        if invitation.email:
            invitation.sent_at = now
        invitation.save()
        if invitation.email and notify:
            _mail(invitation, token)
            sent += 1
    log_action(actor=actor, obj=survey, action="evaluations.survey.open", data={"session": survey.session_id})
    return sent


@transaction.atomic
def survey_send_now(*, actor: Actor, survey_id: int) -> int:
    """« Envoyer maintenant »: open a scheduled survey before its date."""
    _require_survey_manage(actor, _survey_locked(actor, survey_id))
    return survey_open(survey_id=survey_id, actor=actor)


def _require_survey_manage(actor: Actor, survey: Survey) -> None:
    """The OF's quality team, or whoever may edit the session (its trainers, its structure's manager)."""
    if not actor.has("evaluations.manage") and not session_queryset_for(actor).filter(pk=survey.session_id).exists():
        raise PermissionDenied


@transaction.atomic
def survey_close(*, survey_id: int, now: dt.datetime | None = None, actor: Actor | None = None) -> None:
    """Close an open survey. With an actor, a survey of their organisation (Http404 otherwise) they manage."""
    now = now or timezone.now()
    survey = _survey_locked(actor, survey_id)
    if actor is not None:
        _require_survey_manage(actor, survey)
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.CLOSED, closes_at=min(now, survey.closes_at or now))
    log_action(actor=actor, obj=survey, action="evaluations.survey.close", data={"session": survey.session_id})


def survey_remind(*, survey_id: int, now: dt.datetime | None = None, force: bool = False) -> int:
    """E-mail again who has not answered: after `reminder_days` since the last e-mail, at most
    `max_reminders` times (`force`: now, still within the maximum). Returns the count. The scheduler's (any
    organisation): staff go through `survey_remind_now`."""
    now = now or timezone.now()
    survey = Survey.objects.select_related("questionnaire").get(pk=id_or_404(survey_id))
    questionnaire = survey.questionnaire
    due = now - dt.timedelta(days=questionnaire.reminder_days)
    invitations = (
        survey.invitations.filter(answered_at__isnull=True, sent_at__isnull=False)
        .exclude(email="")
        .filter(reminders_sent__lt=questionnaire.max_reminders)
        .select_related("survey__session__organisation", "survey__questionnaire", "participant__trainee")
    )
    if not force:
        invitations = invitations.filter(
            Q(last_reminded_at__lte=due) | Q(last_reminded_at__isnull=True, sent_at__lte=due)
        )
    count = 0
    for invitation in invitations:
        with transaction.atomic():
            Invitation.objects.filter(pk=invitation.pk).update(
                reminders_sent=invitation.reminders_sent + 1, last_reminded_at=now
            )
            _mail(invitation, reminder=True)
        count += 1
    return count


@transaction.atomic
def survey_remind_now(*, actor: Actor, survey_id: int) -> int:
    survey = _survey_locked(actor, survey_id)
    _require_survey_manage(actor, survey)
    if survey.status != SurveyStatus.OPEN:
        raise ValidationError({"survey": _("Seul un questionnaire ouvert peut être relancé.")})
    count = survey_remind(survey_id=survey.pk, force=True)
    log_action(actor=actor, obj=survey.session, action="evaluations.survey.remind", data={"count": count})
    return count


@dataclass
class SendReport:
    planned: int = 0
    opened: int = 0
    sent: int = 0
    reminded: int = 0
    closed: int = 0

    def __str__(self) -> str:
        return (
            _(
                "%(planned)s envoi(s) programmé(s), %(opened)s ouvert(s), %(sent)s e-mail(s) d'invitation, "
                "%(reminded)s relance(s), %(closed)s clos."
            )
            % self.__dict__
        )


def send_due(*, now: dt.datetime | None = None, organisation: Organisation | None = None) -> SendReport:
    """The scheduled run (idempotent; cron every hour or every day)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = SendReport()
    sessions = Session.objects.filter(status__in=PLANNED_SESSIONS, start_date__isnull=False).select_related(
        "organisation"
    )
    if organisation is not None:
        sessions = sessions.filter(organisation=organisation)
    horizon = today - dt.timedelta(days=400)
    for session in sessions.filter(end_date__gte=horizon):
        report.planned += len(surveys_plan(session_id=session.pk, today=today))
    surveys = Survey.objects.select_related("questionnaire", "session__organisation")
    if organisation is not None:
        surveys = surveys.filter(organisation=organisation)
    for survey in surveys.filter(status=SurveyStatus.SCHEDULED, send_on__lte=today):
        if survey.session.status == SessionStatus.CANCELLED:
            continue
        report.sent += survey_open(survey_id=survey.pk, now=now)
        report.opened += 1
    for survey in surveys.filter(status=SurveyStatus.OPEN, closes_at__lte=now):
        survey_close(survey_id=survey.pk, now=now)
        report.closed += 1
    for survey in surveys.filter(status=SurveyStatus.OPEN):
        report.reminded += survey_remind(survey_id=survey.pk, now=now)
    return report


@dataclass
class NewLink:
    """What « Nouveau lien » did: e-mailed the link to `email`, or (no address, not a trainee) gave `url`."""

    email: str = ""
    url: str = ""


def _is_trainee_invitation(invitation: Invitation) -> bool:
    """A trainee answers it (not the skills assessment, which the trainer answers about a trainee)."""
    return bool(invitation.participant_id) and invitation.survey.questionnaire.kind != QuestionnaireKind.SKILLS


def _trainee_address(actor: Actor, invitation: Invitation) -> str:
    """Where a trainee's new link goes: their address; never shown to staff, who could answer in their place."""
    participant = invitation.participant
    address = ((participant.trainee.email if participant is not None else "") or "").strip().lower()
    if not address:
        raise ValidationError(
            {
                "invitation": _(
                    "Ce·tte stagiaire n'a pas d'adresse e-mail : ajoutez-la sur sa fiche, puis envoyez un nouveau "
                    "lien. Le lien personnel d'un·e stagiaire ne s'affiche jamais à l'écran."
                )
            }
        )
    if invitation.email and address != invitation.email.lower() and not actor.has("evaluations.manage"):
        # Changing a trainee's address then asking for a link would hand the link to whoever typed the address.
        raise ValidationError(
            {
                "invitation": _(
                    "L'adresse de ce·tte stagiaire a changé depuis l'envoi du questionnaire : seul·e le ou la "
                    "responsable qualité peut lui envoyer un nouveau lien."
                )
            }
        )
    return address


@transaction.atomic
def invitation_new_link(*, actor: Actor, invitation_id: int) -> NewLink:
    """A new link for one person (the previous one stops working), e-mailed to them when they have an address.

    A trainee's link is only ever e-mailed to the trainee: shown on a staff page, a trainer could answer in the
    trainee's place (and an anonymous questionnaire would no longer be). Only a person with no address who is not
    a trainee (a funder, a client without e-mail) gets a link shown once, to hand over."""
    invitation = lock_for_update(
        Invitation.objects.filter(organisation_id=actor.organisation_id).select_related(
            "survey__questionnaire", "survey__session", "participant__trainee"
        ),
        invitation_id,
    )
    _require_survey_manage(actor, invitation.survey)
    if invitation.answered_at:
        raise ValidationError({"invitation": _("Cette personne a déjà répondu.")})
    if invitation.survey.status != SurveyStatus.OPEN:
        raise ValidationError({"invitation": _("Seul un questionnaire ouvert reçoit de nouveaux liens.")})
    address = _trainee_address(actor, invitation) if _is_trainee_invitation(invitation) else invitation.email
    token = _new_nonce(invitation)
    invitation.email = address
    if address:
        invitation.sent_at = invitation.sent_at or timezone.now()
    invitation.save(update_fields=["nonce", "token_hash", "email", "sent_at"])
    if address:
        _mail(invitation, token)
    log_action(
        actor=actor,
        obj=invitation.survey.session,
        action="evaluations.invitation.link",
        data={"invitation": invitation.pk, "sent_to": address},
    )
    return NewLink(email=address) if address else NewLink(url=invitation_url(invitation, token))


# --- Answering --------------------------------------------------------------------------------------------------


def invitation_resolve(*, survey_id: int, token: str, now: dt.datetime | None = None) -> Invitation:
    """The invitation a link designates, if it may still answer; ValidationError with a message for the person
    otherwise (unknown link, another questionnaire's link, closed, already answered, no longer enrolled)."""
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_related(
            "survey__questionnaire", "survey__session__organisation", "participant__trainee", "trainer"
        )
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise _refusal(_("Ce lien n'est pas (ou plus) valide. Utilisez le dernier lien reçu par e-mail."), "unknown")
    if invitation.survey_id != survey_id:
        raise _refusal(
            _("Ce lien ne correspond pas à ce questionnaire. Utilisez le lien reçu pour celui-ci."), "other_survey"
        )
    check_can_answer(invitation, now=now)
    return invitation


def check_can_answer(invitation: Invitation, *, now: dt.datetime) -> None:
    survey = invitation.survey
    if invitation.answered_at is not None:
        raise _refusal(_("Vous avez déjà répondu à ce questionnaire. Merci !"), "answered")
    if survey.status == SurveyStatus.CLOSED or (survey.closes_at and survey.closes_at <= now):
        raise _refusal(_("Ce questionnaire est clos : il n'est plus possible d'y répondre."), "closed")
    if survey.status != SurveyStatus.OPEN:
        raise _refusal(_("Ce questionnaire n'est pas encore ouvert."), "not_open")
    if invitation.participant is not None and invitation.participant.status in INACTIVE_PARTICIPANTS:
        raise _refusal(_("Cette inscription n'est plus active : ce questionnaire ne vous concerne plus."), "inactive")


def _ints(raw: list[str]) -> list[int] | None:
    try:
        return [int(v) for v in raw]
    except (TypeError, ValueError):
        return None


def answers_clean(survey: Survey, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Validate posted answers against the survey's snapshot. Field names: q<id> (q<id>_<objective index> for
    objectives; several q<id> values for multiple choices). Returns Answer field dicts; ValidationError with
    one message per field otherwise."""
    getlist = data.getlist if hasattr(data, "getlist") else (lambda k: data.get(k) or [])
    errors: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    objectives = survey.snapshot.get("objectives", [])
    for question in survey.snapshot.get("questions", []):
        name = f"q{question['id']}"
        qtype, required = question["type"], question["required"]
        missing = _("Répondez à cette question.")
        if qtype == QuestionType.OBJECTIVES:
            for index, _objective in enumerate(objectives):
                raw = str(data.get(f"{name}_{index}") or "").strip()
                if not raw:
                    if required:
                        errors[f"{name}_{index}"] = missing
                    continue
                value = _ints([raw])
                if value is None or not 1 <= value[0] <= question["scale_max"]:
                    errors[f"{name}_{index}"] = _("Choisissez une note de 1 à %(n)s.") % {"n": question["scale_max"]}
                    continue
                rows.append({"question_id": question["id"], "objective_index": index, "value": value[0]})
            continue
        if qtype == QuestionType.MULTIPLE:
            values = _ints([v for v in getlist(name) if str(v).strip()])
            if values is None or any(not 0 <= v < len(question["choices"]) for v in values):
                errors[name] = _("Choix inconnu.")
            elif not values and required:
                errors[name] = _("Cochez au moins un choix.")
            elif values:
                rows.append({"question_id": question["id"], "choices": sorted(set(values))})
            continue
        raw = str(data.get(name) or "").strip()
        if not raw:
            if required:
                errors[name] = missing
            continue
        if qtype == QuestionType.TEXT:
            if len(raw) > 5000:
                errors[name] = _("Réponse trop longue (5 000 caractères au plus).")
            else:
                rows.append({"question_id": question["id"], "text": raw})
            continue
        value = _ints([raw])
        bounds = {
            QuestionType.SCALE: (1, question["scale_max"]),
            QuestionType.YES_NO: (0, 1),
            QuestionType.SINGLE: (0, len(question["choices"]) - 1),
        }[qtype]
        if value is None or not bounds[0] <= value[0] <= bounds[1]:
            errors[name] = _("Réponse invalide.")
            continue
        rows.append({"question_id": question["id"], "value": value[0]})
    if errors:
        raise ValidationError(errors)
    return rows


def _save_response(invitation: Invitation, rows: list[dict[str, Any]], now: dt.datetime) -> Response:
    survey = invitation.survey
    updated = Invitation.objects.filter(pk=invitation.pk, answered_at__isnull=True).update(answered_at=now)
    if not updated:  # a double submission (two tabs, a double tap): the first one counts
        raise _refusal(_("Vous avez déjà répondu à ce questionnaire. Merci !"), "answered")
    anonymous = bool(survey.snapshot.get("is_anonymous", survey.questionnaire.is_anonymous))
    response = Response.objects.create(
        organisation_id=survey.organisation_id,
        survey=survey,
        invitation=None if anonymous else invitation,
        submitted_on=timezone.localdate(now),
    )
    Answer.objects.bulk_create(Answer(organisation_id=survey.organisation_id, response=response, **row) for row in rows)
    return response


@transaction.atomic
def response_submit(*, survey_id: int, token: str, data: Mapping[str, Any], now: dt.datetime | None = None) -> Response:
    """Record one person's answers (by their link). Refused: unknown or other survey's link, closed, already
    answered, participant no longer active, invalid answers."""
    now = now or timezone.now()
    invitation = invitation_resolve(survey_id=survey_id, token=token, now=now)
    Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    rows = answers_clean(invitation.survey, data)
    return _save_response(invitation, rows, now)


def _assessments_for(actor: Actor) -> Any:
    return Invitation.objects.filter(
        organisation_id=actor.organisation_id,
        survey__questionnaire__kind=QuestionnaireKind.SKILLS,
        survey__session__in=session_queryset_for(actor),
    ).select_related("survey__questionnaire", "survey__session", "participant__trainee")


def assessment_get(*, actor: Actor, invitation_id: int) -> Invitation:
    """A skills assessment (one trainee) the actor may fill in: a trainer of the session, or the quality team."""
    invitation = _assessments_for(actor).filter(pk=id_or_404(invitation_id)).first()
    if invitation is None:
        raise Http404
    return invitation


@transaction.atomic
def skills_assess(
    *, actor: Actor, invitation_id: int, data: Mapping[str, Any], now: dt.datetime | None = None
) -> Response:
    """The trainer's assessment of one trainee's acquired skills, from the staff page."""
    now = now or timezone.now()
    invitation = lock_for_update(_assessments_for(actor), invitation_id)
    if not (actor.has("evaluations.manage") or invitation.survey.session.trainers.filter(user=actor.user).exists()):
        raise PermissionDenied
    check_can_answer(invitation, now=now)
    rows = answers_clean(invitation.survey, data)
    response = _save_response(invitation, rows, now)
    log_action(
        actor=actor,
        obj=invitation.survey.session,
        action="evaluations.skills.assess",
        data={"participant": invitation.participant_id},
    )
    return response


# --- Published indicators --------------------------------------------------------------------------------------

INDICATOR_FIELDS = ["measure", "training", "period_months", "min_sample", "is_active", "per_training"]


def _clean_indicator(actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    errors = {}
    if values.get("measure") not in PUBLISHABLE:
        errors["measure"] = _("Indicateur inconnu.")
    training = values.get("training")
    if training is not None and (
        not isinstance(training, Training) or training.organisation_id != actor.organisation_id
    ):
        errors["training"] = _("Formation inconnue.")
    if not 1 <= (values.get("period_months") or 0) <= 60:
        errors["period_months"] = _("La période va de 1 à 60 mois.")
    if (values.get("min_sample") or 0) < 3:
        errors["min_sample"] = _("Un échantillon de moins de 3 réponses ne peut pas être publié.")
    if errors:
        raise ValidationError(errors)
    return {k: values[k] for k in INDICATOR_FIELDS if k in values}


@transaction.atomic
def indicator_save(*, actor: Actor, indicator_id: int | None = None, **values: Any) -> PublishedIndicator:
    """Create an indicator (`indicator_id` None) or change one of the actor's organisation (Http404 otherwise)."""
    _require(actor, "evaluations.manage")
    indicator = None
    if indicator_id is not None:
        indicator = lock_for_update(PublishedIndicator.objects.for_actor(actor), indicator_id)
    current = {k: getattr(indicator, k) for k in INDICATOR_FIELDS} if indicator else {}
    cleaned = _clean_indicator(actor, current | values)
    if indicator is None:
        indicator = PublishedIndicator.objects.create(organisation=actor.organisation, **cleaned)
        log_action(
            actor=actor, obj=indicator, action="evaluations.indicator.create", data={"measure": indicator.measure}
        )
        return indicator
    before = snapshot(indicator, ["measure", "period_months", "min_sample", "is_active", "per_training"])
    for name, value in cleaned.items():
        setattr(indicator, name, value)
    indicator.save()
    after = snapshot(indicator, ["measure", "period_months", "min_sample", "is_active", "per_training"])
    log_action(actor=actor, obj=indicator, action="evaluations.indicator.update", data={"changes": diff(before, after)})
    return indicator


@transaction.atomic
def indicator_delete(*, actor: Actor, indicator_id: int) -> None:
    _require(actor, "evaluations.manage")
    indicator = lock_for_update(PublishedIndicator.objects.for_actor(actor), indicator_id)
    log_action(actor=actor, obj=indicator, action="evaluations.indicator.delete", data={"measure": indicator.measure})
    indicator.delete()
