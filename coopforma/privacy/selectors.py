# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the privacy app: the retention table, a person's inventory (what we hold, where from, why), the
holds that keep part of it, the records-of-processing register. Every selector takes the actor first (or the
organisation, for the public notice and the scheduled purge).
"""

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Organisation
from coopforma.attendance.models import AttendanceRecord, ParticipantAttendance
from coopforma.billing.models import Invoice, InvoiceKind, InvoiceStatus
from coopforma.billing.selectors import InvoiceAmounts, with_amounts
from coopforma.core.links import absolute_url
from coopforma.core.log_actions import action_label
from coopforma.core.models import ActivityLog, OutboundEmail
from coopforma.documents.models import Document, DocumentStatus, Signature
from coopforma.enquiries.models import Enquiry
from coopforma.evaluations.models import Answer, Invitation, QuestionType, Response
from coopforma.networks.models import NetworkOrganisation, NetworkPerson, NetworkRole
from coopforma.people.models import ClientKind, Contact, Trainee, Trainer
from coopforma.privacy import retention
from coopforma.privacy.declarations import DECLARATIONS, DECLARED, PROCESSINGS
from coopforma.privacy.models import RetentionPeriod
from coopforma.referentiel.models import IssuedCredential
from coopforma.referentiel.record_selectors import status_list_url
from coopforma.referentiel.records import record_entries
from coopforma.training_sessions.models import Participant

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# The people whose data the organisation holds (GDPR subjects with an inventory, an export and an erasure).
Person = Trainee | Contact | Trainer
PERSON_MODELS: dict[str, type[Person]] = {"trainee": Trainee, "contact": Contact, "trainer": Trainer}
PERSON_LABELS = {"trainee": _("stagiaire"), "contact": _("contact"), "trainer": _("formateur·rice")}

# --- Retention ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionRow:
    category: retention.Category
    months: int
    overridden: bool


def retention_months(*, organisation: Organisation | int, category: str) -> int:
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    row = RetentionPeriod.objects.filter(organisation_id=organisation_id, category=category).first()
    return row.months if row else retention.CATEGORIES[category].months


def retention_table(*, organisation: Organisation) -> list[RetentionRow]:
    own = dict(RetentionPeriod.objects.filter(organisation=organisation).values_list("category", "months"))
    return [
        RetentionRow(category=c, months=own.get(c.code, c.months), overridden=c.code in own)
        for c in retention.CATEGORIES.values()
    ]


def months_label(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return _("%(n)s an") % {"n": years} if years == 1 else _("%(n)s ans") % {"n": years}
    return _("%(n)s mois") % {"n": months}


# --- The person ------------------------------------------------------------------------------------------


def person_get(*, actor: Actor, kind: str, person_id: int) -> Person:
    """A trainee, contact or trainer of the actor's organisation (404 otherwise); needs `privacy.manage`."""
    actor.require("privacy.manage")
    model = PERSON_MODELS.get(kind)
    if model is None:
        raise Http404
    person = model.objects.filter(organisation_id=actor.organisation_id, pk=person_id).first()
    if person is None:
        raise Http404
    return person


def person_kind(person: Person) -> str:
    return next(kind for kind, model in PERSON_MODELS.items() if isinstance(person, model))


def person_label(person: Person) -> str:
    return f"{person.first_name} {person.last_name}".strip()


def portal_trainees(*, organisation_id: int, email: str) -> list[Trainee]:
    """The trainee records of a portal visitor (their e-mail address, in the link's organisation)."""
    if not email:
        return []
    return list(Trainee.objects.filter(organisation_id=organisation_id, email__iexact=email).order_by("pk"))


def _participants(person: Person) -> models.QuerySet[Participant]:
    if isinstance(person, Trainee):
        return Participant.objects.filter(trainee=person).select_related("session")
    return Participant.objects.none()


def _email(person: Person) -> str:
    return (getattr(person, "email", "") or "").strip()


def person_email(person: Person) -> str:
    """The person's e-mail address ("" without one): what finds their data held elsewhere (signatures, e-mails,
    the exchanges of know-how)."""
    return _email(person)


# --- Inventory (art. 15, 20) -------------------------------------------------------------------------------


@dataclass
class Section:
    key: str
    title: str
    model: str
    source: str
    purpose: str
    legal_basis: str
    retention: str
    fields: dict[str, str]  # name -> French label
    records: list[dict[str, Any]] = field(default_factory=list)
    notes: str = ""  # what the section does not hold, and why


def _value(obj: models.Model, name: str) -> Any:
    model_field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if getattr(model_field, "choices", None):
        return str(getattr(obj, f"get_{name}_display")()) if value else ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if isinstance(value, models.Model):
        return str(value)
    return value


def _verbose_name(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    return str(field.verbose_name if isinstance(field, models.Field) else field.name)


def _section(key: str, title: str, model: type[models.Model], names: tuple[str, ...], organisation_id: int) -> Section:
    declaration = DECLARED[model._meta.label]
    processing = PROCESSINGS[declaration.processing]
    category = retention.CATEGORIES[declaration.retention]
    months = retention_months(organisation=organisation_id, category=category.code)
    labels = {n: _verbose_name(model, n) for n in names}
    return Section(
        key=key,
        title=title,
        model=model._meta.label,
        source=str(declaration.source),
        purpose=f"{processing.name} : {processing.purpose}",
        legal_basis=str(processing.legal_basis),
        retention=_("%(period)s après %(start)s (%(source)s)")
        % {"period": months_label(months), "start": category.starts, "source": category.source},
        fields=labels,
    )


def _records(section: Section, rows: Any, extra: Any = None) -> Section:
    for row in rows:
        own = {f.name for f in row._meta.concrete_fields}
        record = {name: _value(row, name) for name in section.fields if name in own}
        if extra is not None:
            record.update(extra(row))
        section.records.append(record)
    return section


# Sections that apps above privacy add to the archive (the exchanges of know-how: personal data held at network
# level): registered from their AppConfig.ready(), the way domain apps register document providers; privacy never
# imports them. A provider returns the sections it holds on the person (none: an empty list).
SectionProvider = Callable[[Person], list[Section]]
_SECTION_PROVIDERS: dict[str, SectionProvider] = {}


def register_section_provider(name: str, provider: SectionProvider) -> None:
    """Add `provider`'s sections to every person's inventory and archive (registering a name again replaces it)."""
    _SECTION_PROVIDERS[name] = provider


def network_people_sections(person: Person) -> list[Section]:
    """The person's roles in the networks the organisation is a member of (networks.NetworkPerson: member,
    facilitator, committee member, moderator), found by their account (a trainer's own, or the account with the
    person's e-mail address). Other networks stay out (that network answers for them)."""
    condition = Q(pk__in=[])
    email = person_email(person)
    if email:
        condition |= Q(user__email__iexact=email)
    if isinstance(person, Trainer) and person.user_id is not None:
        condition |= Q(user_id=person.user_id)
    networks = NetworkOrganisation.objects.filter(organisation_id=person.organisation_id).values("network_id")
    roles = list(
        NetworkPerson.objects.filter(network_id__in=networks)
        .filter(condition)
        .select_related("network")
        .order_by("network__name", "pk")
    )
    if not roles:
        return []
    names = ", ".join(dict.fromkeys(r.network.name for r in roles))
    section = Section(
        key="network_roles",
        title=_("Réseaux : rôle de la personne"),
        model=NetworkPerson._meta.label,
        source=_("Attribué par les modérateur·rices du réseau (%(networks)s) ; données tenues au niveau du réseau")
        % {"networks": names},
        purpose=_(
            "Fonctionnement du réseau : qui le modère, qui siège à son comité (référentiel, projets de "
            "certification), qui anime ses échanges de savoir-faire"
        ),
        legal_basis=_("Intérêt légitime du réseau et de ses membres à s'organiser (RGPD art. 6-1-f)"),
        retention=_("Tant que la personne a un rôle dans le réseau ; ses modérateur·rices le lui retirent"),
        fields={
            "network": _("réseau"),
            "role": _("rôle"),
            "committee": _("membre du comité"),
            "created_at": _("depuis le"),
        },
        notes=_(
            "Les rôles dans des réseaux dont l'organisme n'est pas membre n'y figurent pas : demandez-les aux "
            "modérateur·rices de ces réseaux."
        ),
    )
    for role in roles:
        section.records.append(
            {
                "network": role.network.name,
                "role": role.get_role_display(),
                "committee": _("oui") if role.role == NetworkRole.COMMITTEE else _("non"),
                "created_at": timezone.localtime(role.created_at).isoformat(),
            }
        )
    return [section]


def person_inventory(*, person: Person) -> list[Section]:
    """Every personal datum held on `person`, section by section, with its source, purpose and period."""
    org_id = person.organisation_id
    model = type(person)
    declaration = DECLARED[model._meta.label]
    sections = [
        _records(
            _section("person", str(model._meta.verbose_name).capitalize(), model, declaration.fields, org_id), [person]
        )
    ]
    participants = list(_participants(person))
    if participants:
        s = _section(
            "participations", _("Participations aux sessions"), Participant, ("bpf_trainee_type", "status"), org_id
        )
        s.fields = {"session": _("session"), "start_date": _("début"), "end_date": _("fin"), **s.fields}
        sections.append(
            _records(
                s,
                participants,
                lambda p: {
                    "session": p.session.title,
                    "start_date": p.session.start_date.isoformat() if p.session.start_date else "",
                    "end_date": p.session.end_date.isoformat() if p.session.end_date else "",
                },
            )
        )
        names = DECLARED["attendance.ParticipantAttendance"].fields
        s = _section("attendance", _("Émargement et heures suivies"), ParticipantAttendance, names, org_id)
        s.fields = {"slot": _("créneau"), **s.fields}
        rows = ParticipantAttendance.objects.filter(participant__in=participants).select_related("slot")
        sections.append(
            _records(
                s,
                rows.order_by("slot__starts_at"),
                lambda a: {"slot": timezone.localtime(a.slot.starts_at).isoformat()},
            )
        )
        s = _section(
            "attendance_log", _("Journal d'émargement (preuve chaînée)"), AttendanceRecord, ("ip", "user_agent"), org_id
        )
        s.fields = {"kind": _("événement"), "created_at": _("date"), **s.fields, "reason": _("motif")}
        records = AttendanceRecord.objects.filter(participant__in=participants).order_by("created_at", "pk")
        sections.append(
            _records(
                s,
                records,
                lambda r: {
                    "kind": r.get_kind_display(),
                    "created_at": timezone.localtime(r.created_at).isoformat(),
                    "reason": (r.payload or {}).get("reason", ""),
                },
            )
        )
    documents = person_documents(person=person)
    if documents:
        s = _section("documents", _("Documents émis"), Document, ("title", "status", "verification_code"), org_id)
        s.fields = {**s.fields, "finalised_at": _("émis le")}
        sections.append(
            _records(
                s,
                documents,
                lambda d: {"finalised_at": timezone.localtime(d.finalised_at).isoformat() if d.finalised_at else ""},
            )
        )
    email = _email(person)
    if email:
        signatures = Signature.objects.filter(organisation_id=org_id, signer_email__iexact=email).order_by("pk")
        if signatures.exists():
            names = ("signer_name", "signer_email", "status", "signed_at", "typed_name", "ip_address", "user_agent")
            s = _section("signatures", _("Signatures électroniques"), Signature, names, org_id)
            s.fields = {"document": _("document"), **s.fields}
            sections.append(
                _records(s, signatures.select_related("document"), lambda g: {"document": g.document.title})
            )
        mails = OutboundEmail.objects.filter(organisation_id=org_id, to__iexact=email).order_by("created_at", "pk")
        if mails.exists():
            names = ("to", "subject", "body", "status", "sent_at")
            s = _section("emails", _("E-mails envoyés"), OutboundEmail, names, org_id)
            s.fields = {**s.fields, "attachments": _("pièces jointes")}
            sections.append(_records(s, mails, lambda m: {"attachments": ", ".join(m.attachment_names)}))
        requests = Enquiry.objects.filter(organisation_id=org_id, email__iexact=email).order_by("created_at", "pk")
        if requests.exists():
            names = DECLARED["enquiries.Enquiry"].fields
            s = _section("enquiries", _("Demandes envoyées depuis le catalogue public"), Enquiry, names, org_id)
            s.fields = {"created_at": _("envoyée le"), **s.fields}
            sections.append(
                _records(s, requests, lambda e: {"created_at": timezone.localtime(e.created_at).isoformat()})
            )
    sections.extend(_evaluation_sections(person, org_id))
    if isinstance(person, Trainee):
        sections.extend(_competency_sections(person, org_id))
    sections.extend(network_people_sections(person))
    for provider in _SECTION_PROVIDERS.values():
        sections.extend(provider(person))
    entries = person_history(person=person)
    if entries:
        s = _section("history", _("Journal des actions"), ActivityLog, ("object_repr", "actor_label"), org_id)
        s.fields = {"created_at": _("date"), "action": _("action"), **s.fields}
        sections.append(
            _records(
                s,
                entries,
                lambda a: {
                    "created_at": timezone.localtime(a.created_at).isoformat(),
                    "action": action_label(a.action),
                },
            )
        )
    return sections


def person_invitations(*, person: Person) -> models.QuerySet[Invitation]:
    """The evaluation invitations of the person: a trainee's (their questionnaires, and the trainer's assessment
    of their skills), a client contact's, a trainer's own (their review of the session)."""
    org_id = person.organisation_id
    condition = {
        Trainee: Q(participant__trainee=person),
        Contact: Q(contact=person),
        Trainer: Q(trainer=person),
    }.get(type(person), Q(pk__in=[]))
    return Invitation.objects.filter(organisation_id=org_id).filter(condition)


def person_responses(*, person: Person) -> models.QuerySet[Response]:
    """The person's non-anonymous responses (an anonymous response has no invitation: it cannot be found)."""
    return Response.objects.filter(invitation__in=person_invitations(person=person))


def answer_text(answer: Answer, question: dict[str, Any], objectives: list[str]) -> str:
    """An answer as the person gave it, in words (the labels of the questionnaire as it was sent)."""
    kind = question.get("type")
    scale = question.get("scale_max") or 5
    choices = [str(c) for c in question.get("choices") or []]
    if kind == QuestionType.TEXT:
        return answer.text
    if kind == QuestionType.YES_NO:
        return "" if answer.value is None else (_("Oui") if answer.value else _("Non"))
    if kind == QuestionType.SINGLE:
        value = answer.value
        return choices[value] if value is not None and 0 <= value < len(choices) else ""
    if kind == QuestionType.MULTIPLE:
        return ", ".join(choices[i] for i in answer.choices or [] if isinstance(i, int) and 0 <= i < len(choices))
    if answer.value is None:
        return ""
    rating = f"{answer.value}/{scale}"
    if kind == QuestionType.OBJECTIVES and answer.objective_index is not None:
        index = answer.objective_index
        objective = objectives[index] if 0 <= index < len(objectives) else str(index + 1)
        return f"{objective} : {rating}"
    return rating


def _evaluation_sections(person: Person, org_id: int) -> list[Section]:
    invitations = list(
        person_invitations(person=person)
        .select_related("survey__session", "survey__questionnaire", "response")
        .order_by("survey__send_on", "pk")
    )
    if not invitations:
        return []
    anonymous_note = _(
        "Les réponses aux questionnaires anonymes ne sont reliées à aucune personne : l'OF sait seulement que "
        "vous avez répondu (date de réponse de l'invitation), jamais ce que vous avez répondu ; elles ne peuvent "
        "donc figurer ici ni vous être rattachées."
    )
    s = _section("evaluation_invitations", _("Questionnaires d'évaluation envoyés"), Invitation, ("email",), org_id)
    s.fields = {
        "questionnaire": _("questionnaire"),
        "session": _("session"),
        **s.fields,
        "sent_at": _("envoyé le"),
        "answered_at": _("répondu le"),
        "anonymous": _("réponses anonymes"),
    }
    s.notes = anonymous_note

    def when(value: dt.datetime | None) -> str:
        return timezone.localtime(value).isoformat() if value else ""

    def anonymous(invitation: Invitation) -> bool:
        snapshot = invitation.survey.snapshot or {}
        return bool(snapshot.get("is_anonymous", invitation.survey.questionnaire.is_anonymous))

    sections = [
        _records(
            s,
            invitations,
            lambda i: {
                "questionnaire": (i.survey.snapshot or {}).get("title") or i.survey.questionnaire.title,
                "session": i.survey.session.title,
                "sent_at": when(i.sent_at),
                "answered_at": when(i.answered_at),
                "anonymous": str(_("Oui") if anonymous(i) else _("Non")),
            },
        )
    ]
    s = _section("evaluations", _("Réponses aux questionnaires d'évaluation"), Response, ("submitted_on",), org_id)
    s.fields = {
        "questionnaire": _("questionnaire"),
        "session": _("session"),
        **s.fields,
        "question": _("question"),
        "answer": _("réponse"),
    }
    s.notes = anonymous_note
    answered = {i.pk: i for i in invitations if getattr(i, "response", None) is not None}
    answers = (
        Answer.objects.filter(response__invitation_id__in=answered)
        .select_related("response")
        .order_by("response__submitted_on", "response_id", "id")
    )
    for answer in answers:
        invitation_id = answer.response.invitation_id
        if invitation_id is None:  # an anonymous response (never selected above)
            continue
        invitation = answered[invitation_id]
        snapshot = invitation.survey.snapshot or {}
        question: dict[str, Any] = next(
            (q for q in snapshot.get("questions", []) if q.get("id") == answer.question_id), {}
        )
        s.records.append(
            {
                "questionnaire": snapshot.get("title") or invitation.survey.questionnaire.title,
                "session": invitation.survey.session.title,
                "submitted_on": answer.response.submitted_on.isoformat(),
                "question": question.get("label", ""),
                "answer": answer_text(answer, question, [str(o) for o in snapshot.get("objectives") or []]),
            }
        )
    sections.append(s)
    return sections


def _competency_sections(person: Trainee, org_id: int) -> list[Section]:
    """The trainee's competency record (what the trainers' skills assessments prove, docs/credentials.md) and the
    verifiable credentials issued from it: each with its id, date, status and the signed credential itself."""
    sections: list[Section] = []
    entries = record_entries(organisation_id=org_id, trainee_ids=[person.pk])
    if entries:
        s = _section("competency_record", _("Relevé de compétences"), Participant, (), org_id)
        s.source = str(
            _(
                "Évaluation des acquis de la formation par le ou la formateur·rice, reliée aux compétences d'un "
                "référentiel publié (les objectifs de la formation)"
            )
        )
        s.fields = {
            "competency": _("compétence"),
            "referentiel": _("référentiel"),
            "level": _("niveau atteint"),
            "objective": _("objectif de la formation"),
            "session": _("session"),
            "start_date": _("début"),
            "end_date": _("fin"),
            "evaluator": _("évalué·e par"),
            "assessed_on": _("évalué le"),
        }
        s.records = [
            {
                "competency": f"{e.competency_code} {e.competency_label}",
                "referentiel": f"{e.referentiel_title} {e.version_number}",
                "level": str(e.level_label),
                "objective": e.objective,
                "session": e.session_title,
                "start_date": e.start_date.isoformat() if e.start_date else "",
                "end_date": e.end_date.isoformat() if e.end_date else "",
                "evaluator": e.evaluator,
                "assessed_on": e.assessed_on.isoformat(),
            }
            for e in entries
        ]
        sections.append(s)
    issued = list(
        IssuedCredential.objects.filter(organisation_id=org_id, trainee=person)
        .select_related("competency", "session")
        .order_by("created_at", "pk")
    )
    if issued:
        names = ("level", "revoked_at", "revocation_reason", "token")
        s = _section("credentials", _("Attestations numériques de compétences"), IssuedCredential, names, org_id)
        s.fields = {
            "id": _("identifiant"),
            "issued_at": _("émise le"),
            "competency": _("compétence"),
            "session": _("session"),
            "status": _("statut"),
            **s.fields,
            "file": _("fichier de l'archive"),
            "verification": _("où la vérifier"),
            "status_list": _("liste de révocation publique"),
        }
        s.notes = str(
            _(
                "Chaque attestation signée (Open Badges 3.0, JWT) est aussi dans l'archive, dans le dossier "
                "« attestations » : déposez le fichier sur la page de vérification pour la contrôler. Une "
                "attestation révoquée à l'effacement de vos données n'a plus de contenu signé."
            )
        )
        verify = absolute_url(reverse("public:verify"))
        status_list = status_list_url(person.organisation.slug)
        _records(
            s,
            issued,
            lambda c: {
                "id": str(c),
                "issued_at": timezone.localtime(c.created_at).isoformat(),
                "competency": f"{c.competency.code} {c.competency.label}",
                "session": c.session.title,
                "status": str(_("révoquée") if c.revoked_at else _("en vigueur")),
                "file": credential_filename(c) if c.token else "",
                "verification": verify,
                "status_list": status_list if c.status_index is not None else "",
            },
        )
        sections.append(s)
    return sections


def credential_filename(credential: IssuedCredential) -> str:
    """Where the archive holds a credential's signed token."""
    return f"attestations/{credential.uid}.jwt"


def person_documents(*, person: Person) -> list[Document]:
    """The documents issued about the person (subject: them or one of their participations)."""
    subjects = Q(subject_type=ContentType.objects.get_for_model(type(person)), subject_id=person.pk)
    participant_ids = list(_participants(person).values_list("pk", flat=True))
    if participant_ids:
        subjects |= Q(subject_type=ContentType.objects.get_for_model(Participant), subject_id__in=participant_ids)
    return list(Document.objects.filter(organisation_id=person.organisation_id).filter(subjects).order_by("pk"))


def person_history_filter(*, person: Person) -> Q:
    """The activity-log entries about the person: on their record or one of their participations."""
    condition = Q(content_type=ContentType.objects.get_for_model(type(person)), object_id=person.pk)
    participant_ids = list(_participants(person).values_list("pk", flat=True))
    if participant_ids:
        condition |= Q(content_type=ContentType.objects.get_for_model(Participant), object_id__in=participant_ids)
    return condition


def person_history(*, person: Person) -> list[ActivityLog]:
    return list(
        ActivityLog.objects.filter(organisation_id=person.organisation_id)
        .filter(person_history_filter(person=person))
        .order_by("created_at", "pk")
    )


# --- Holds (art. 17-3-b and e) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hold:
    category: str
    what: str  # what is kept
    reason: str  # why (the legal source)
    until: dt.date


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months (the 31st becomes the month's last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def person_holds(*, person: Person, today: dt.date) -> list[Hold]:
    """What the law makes us keep about the person today, with the reason and the end date."""
    org_id = person.organisation_id
    holds: list[Hold] = []

    def category_hold(code: str, start: dt.date, what: str) -> None:
        category = retention.CATEGORIES[code]
        until = add_months(start, retention_months(organisation=org_id, category=code))
        if until > today:
            holds.append(Hold(code, what, str(category.source), until))

    ends = [day for p in _participants(person) if (day := p.session.end_date or p.session.start_date)]
    if ends:
        last = max(ends)
        category_hold(
            retention.ATTENDANCE,
            last,
            _("Identité (nom, prénom), émargements, heures et motifs d'absence des sessions suivies"),
        )
    issued = [d for d in person_documents(person=person) if d.status != DocumentStatus.DRAFT]
    signatures = (
        list(Signature.objects.filter(organisation_id=org_id, signer_email__iexact=_email(person)))
        if _email(person)
        else []
    )
    if issued or signatures:
        start = max([*(d.finalised_at or d.created_at for d in issued), *(s.created_at for s in signatures)]).date()
        category_hold(retention.DOCUMENTS, start, _("Documents émis et signatures, tels qu'émis (immuables)"))
    for invoice in person_invoices(person=person):
        if invoice.issued_on:
            closing = dt.date(invoice.fiscal_year or invoice.issued_on.year, 12, 31)
            category_hold(
                retention.INVOICES, closing, _("Pièce %(number)s, telle qu'émise") % {"number": invoice.number}
            )
    if isinstance(person, Trainer):
        taught = [day for s in person.sessions.all() if (day := s.end_date or s.start_date)]
        if taught:
            category_hold(
                retention.TRAINER_EVIDENCE,
                max(taught),
                _("Identité, qualifications et décision du comité (preuve Qualiopi) ; nom signé sur les émargements"),
            )
    return holds


def person_invoices(*, person: Person) -> list["WithAnnotations[Invoice, InvoiceAmounts]"]:
    """The issued invoices that name the person: as recipient (e-mail) or as the client paying personally."""
    org_id = person.organisation_id
    condition = Q(pk__in=[])
    if _email(person):
        condition |= Q(recipient_email__iexact=_email(person))
    if isinstance(person, Trainee) and person.client is not None and person.client.kind == ClientKind.INDIVIDUAL:
        condition |= Q(client_id=person.client_id)
    if isinstance(person, Contact) and person.client.kind == ClientKind.INDIVIDUAL:
        condition |= Q(client_id=person.client_id)
    qs = Invoice.objects.filter(organisation_id=org_id).exclude(status=InvoiceStatus.DRAFT).filter(condition)
    return list(with_amounts(qs.exclude(kind=InvoiceKind.QUOTE)).order_by("issued_on", "pk"))


def person_open_invoices(*, person: Person) -> list["WithAnnotations[Invoice, InvoiceAmounts]"]:
    """Issued invoices naming the person with something left to pay: they block erasure of contact details."""
    return [i for i in person_invoices(person=person) if i.kind == InvoiceKind.INVOICE and i.balance_cents > 0]


# --- The register (art. 30) --------------------------------------------------------------------------------


@dataclass
class RegisterEntry:
    processing: Any
    models: list[tuple[str, str, list[str]]]  # (model label, source, personal field labels)
    periods: list[str]


def register(*, organisation: Organisation) -> list[RegisterEntry]:
    """The records-of-processing register, built from the models' declarations and the organisation's periods."""
    from django.apps import apps

    entries = []
    for code, processing in PROCESSINGS.items():
        models_, periods = [], []
        for declaration in DECLARATIONS:
            if declaration.processing != code:
                continue
            model = apps.get_model(declaration.model)
            labels = [str(model._meta.get_field(n).verbose_name) for n in declaration.fields]
            models_.append((str(model._meta.verbose_name).capitalize(), str(declaration.source), labels))
            category = retention.CATEGORIES[declaration.retention]
            months = retention_months(organisation=organisation, category=category.code)
            text = f"{category.label} : {months_label(months)} après {category.starts} ({category.source})"
            if text not in periods:
                periods.append(text)
        entries.append(RegisterEntry(processing=processing, models=models_, periods=periods))
    return entries


def register_for(*, actor: Actor) -> list[RegisterEntry]:
    actor.require("privacy.manage")
    return register(organisation=actor.organisation)


def notice_organisation(*, slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation
