# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the privacy app: the access/portability archive (RGPD art. 15, 20), erasure with legal holds
(art. 17), the scheduled purge of what is past its period (art. 5-1-e), the organisation's retention periods.
"""

import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import MagicLink, Organisation
from coopforma.attendance.services import attendance_participant_erase, attendance_trainer_erase
from coopforma.core.log import log_action
from coopforma.core.models import ActivityLog, DeliveryAttempt, OutboundEmail
from coopforma.core.money import format_cents
from coopforma.enquiries.models import Enquiry
from coopforma.evaluations.models import Answer, Invitation, QuestionnaireKind, Response
from coopforma.people.models import Contact, Trainee, Trainer
from coopforma.privacy import retention, selectors
from coopforma.privacy.models import Erasure, RetentionPeriod
from coopforma.privacy.pdf import export_pdf
from coopforma.privacy.selectors import Person
from coopforma.referentiel.record_services import credentials_erase
from coopforma.training_sessions.models import Enrolment, Participant

EXPORT_SCHEMA = "coopforma.privacy.export/1"
ERASED = "[effacé]"

# --- Access and portability ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Archive:
    filename: str
    content: bytes


def _export_data(people: list[Person]) -> dict[str, Any]:
    organisation = people[0].organisation
    return {
        "schema": EXPORT_SCHEMA,
        "generated_at": timezone.localtime().isoformat(),
        "controller": {"name": organisation.name, "slug": organisation.slug},
        "rights": _(
            "Accès (RGPD art. 15), portabilité (art. 20), rectification (art. 16), effacement (art. 17) dans les "
            "limites des obligations légales de conservation, opposition (art. 21), réclamation auprès de la CNIL."
        ),
        "subjects": [
            {
                "kind": selectors.person_kind(person),
                "id": person.pk,
                "name": selectors.person_label(person),
                "sections": [asdict(s) for s in selectors.person_inventory(person=person)],
            }
            for person in people
        ],
    }


def _archive(people: list[Person]) -> Archive:
    data = _export_data(people)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        archive.writestr("synthese.pdf", export_pdf(data))
        # The verifiable credentials as issued (signed JWTs), one file each, ready to present on /v/.
        for subject in data["subjects"]:
            for section in subject["sections"]:
                if section["key"] != "credentials":
                    continue
                for record in section["records"]:
                    if record.get("file") and record.get("token"):
                        archive.writestr(record["file"], record["token"])
    stamp = timezone.localdate().isoformat()
    first = people[0]
    return Archive(f"donnees-{selectors.person_kind(first)}-{first.pk}-{stamp}.zip", buffer.getvalue())


def privacy_export(*, actor: Actor, person: Person) -> Archive:
    """The archive of everything held on `person` (JSON + PDF summary), for the staff (`privacy.manage`)."""
    actor.require("privacy.manage")
    archive = _archive([person])
    log_action(actor=actor, obj=person, action="privacy.export.created", data={"by": "staff"})
    return archive


def privacy_portal_export(*, organisation_id: int, email: str) -> Archive | None:
    """A trainee's own archive, asked from the portal (their trainee records with that e-mail address)."""
    people: list[Person] = list(selectors.portal_trainees(organisation_id=organisation_id, email=email))
    if not people:
        return None
    archive = _archive(people)
    for person in people:
        log_action(actor=None, obj=person, action="privacy.export.created", data={"by": "portal"})
    return archive


# --- Erasure ---------------------------------------------------------------------------------------------


@dataclass
class ErasureReport:
    done: list[str] = field(default_factory=list)
    kept: list[selectors.Hold] = field(default_factory=list)
    deleted: bool = False


def _needles(person: Person, *, names: bool) -> list[str]:
    values = [getattr(person, "email", ""), getattr(person, "phone", "")]
    if names:
        values.append(selectors.person_label(person))
        values.append(f"{person.last_name} {person.first_name}")
    for name in ("adaptation_needs", "qualifications", "committee_decision", "suspension_reason"):
        values.append(getattr(person, name, ""))
    return [v.strip() for v in values if v and len(v.strip()) >= 4]


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_scrub(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, pattern) for k, v in value.items()}
    return value


def _text_mentions(qs: Any, column: str, needles: list[str]) -> Any:
    """Rows whose `column` (text or JSON) mentions any needle (JSON text may escape non-ASCII characters)."""
    condition = Q(pk__in=[])
    annotated = qs.annotate(_text=Cast(column, TextField()))
    for needle in needles:
        condition |= Q(_text__icontains=needle) | Q(_text__icontains=json.dumps(needle)[1:-1])
    return annotated.filter(condition)


def _scrub_history(person: Person, needles: list[str], label: str) -> int:
    org_id = person.organisation_id
    if not needles:
        return 0
    pattern = re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)), re.IGNORECASE)
    entries = ActivityLog.objects.filter(organisation_id=org_id)
    about = entries.filter(selectors.person_history_filter(person=person))
    mentions = _text_mentions(entries, "data", needles).values("pk")
    named = entries.filter(Q(object_repr__iregex=pattern.pattern) | Q(actor_label__iregex=pattern.pattern))
    count = 0
    for entry in entries.filter(Q(pk__in=about.values("pk")) | Q(pk__in=mentions) | Q(pk__in=named.values("pk"))):
        repr_ = pattern.sub(label, entry.object_repr)
        ActivityLog.objects.filter(pk=entry.pk).update(
            data=_scrub(entry.data, pattern), object_repr=repr_, actor_label=pattern.sub(label, entry.actor_label)
        )
        count += 1
    return count


def _scrub_outbox(person: Person, needles: list[str]) -> int:
    org_id = person.organisation_id
    email = (getattr(person, "email", "") or "").strip()
    count = 0
    if email:
        # The transport's words on a failed attempt may quote the address (« recipient refused: … »).
        DeliveryAttempt.objects.filter(email__organisation_id=org_id, email__to__iexact=email, ok=False).update(
            detail=""
        )
        count += OutboundEmail.objects.filter(organisation_id=org_id, to__iexact=email).update(
            to=f"personne-effacee-{person.pk}@example.invalid", subject=ERASED, body=ERASED, html="", attachments=[]
        )
    if needles:
        pattern = re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)), re.IGNORECASE)
        for mail in _text_mentions(OutboundEmail.objects.filter(organisation_id=org_id), "body", needles):
            OutboundEmail.objects.filter(pk=mail.pk).update(
                subject=pattern.sub(ERASED, mail.subject), body=pattern.sub(ERASED, mail.body), html=""
            )
            count += 1
    return count


def _unlink_evaluations(person: Person, *, keep_skills: bool) -> int:
    """The person's non-anonymous evaluation responses lose their link to the person (`invitation` emptied): the
    answers stay, so every aggregated result (Qualiopi indicators 2, 11, 30) and response rate is unchanged; their
    free texts lose the person's name, e-mail and phone. `keep_skills`: the trainer's assessment of a trainee's
    skills stays linked while the proof of the training is held (it is the basis of the attestation, L6353-1).
    The invitations keep only *that* they were answered (their e-mail, the person's, is emptied)."""
    invitations = selectors.person_invitations(person=person)
    if keep_skills:
        invitations = invitations.exclude(survey__questionnaire__kind=QuestionnaireKind.SKILLS)
    responses = list(Response.objects.filter(invitation__in=invitations).values_list("pk", flat=True))
    needles = [n for n in _needles(person, names=True) if n]
    if needles and responses:
        pattern = re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)), re.IGNORECASE)
        for answer in Answer.objects.filter(response_id__in=responses).exclude(text=""):
            if pattern.search(answer.text):
                Answer.objects.filter(pk=answer.pk).update(text=pattern.sub(ERASED, answer.text))
    Response.objects.filter(pk__in=responses).update(invitation=None)
    # A skills invitation is addressed to the trainer, not to the trainee: its e-mail is not the person's.
    invitations.exclude(survey__questionnaire__kind=QuestionnaireKind.SKILLS).update(email="")
    return len(responses)


def _refuse_open_invoices(actor: Actor | None, person: Person) -> None:
    open_invoices = selectors.person_open_invoices(person=person)
    if not open_invoices:
        return
    listed = ", ".join(
        _("%(number)s (reste %(amount)s)") % {"number": i.number, "amount": format_cents(i.balance_cents)}
        for i in open_invoices
    )
    log_action(
        actor=actor,
        obj=person,
        action="privacy.erasure.refused",
        data={"invoices": [i.number for i in open_invoices]},
    )
    raise ValidationError(
        {
            "person": _(
                "Effacement refusé pour l'instant : %(invoices)s à payer ; les coordonnées de la personne "
                "servent au recouvrement (Code civil art. 1342 et s. ; RGPD art. 17-3-e). Rien n'a été effacé. "
                "Effacez après le paiement ou l'émission d'un avoir."
            )
            % {"invoices": listed}
        },
        code="open_invoices",
    )


def _anonymous_name(kind: str, pk: int) -> tuple[str, str]:
    return _("Personne effacée"), f"n° {kind[:2].upper()}-{pk}"


def _erase_trainee(person: Trainee, holds: list[selectors.Hold], now: dt.datetime, report: ErasureReport) -> None:
    keep_identity = any(h.category == retention.ATTENDANCE for h in holds)
    participants = list(Participant.objects.filter(trainee=person))
    if not participants and not selectors.person_documents(person=person):
        report.deleted = True
        return
    person.email = person.phone = person.job_title = person.adaptation_needs = ""
    report.done.append(_("e-mail, téléphone, fonction et besoins d'adaptation effacés"))
    if not keep_identity:
        person.first_name, person.last_name = _anonymous_name("trainee", person.pk)
        report.done.append(_("nom et prénom remplacés"))
        erased = sum(attendance_participant_erase(participant=p, now=now) for p in participants)
        if erased:
            report.done.append(_("émargement : motifs, adresses IP et navigateurs effacés (la chaîne reste valide)"))
    person.save(
        update_fields=["first_name", "last_name", "email", "phone", "job_title", "adaptation_needs", "updated_at"]
    )


def _erase_contact(person: Contact, holds: list[selectors.Hold], now: dt.datetime, report: ErasureReport) -> None:
    # Enrolments and evaluation invitations point to contacts with SET_NULL; what was issued keeps its own copy.
    report.deleted = True


def _erase_trainer(person: Trainer, holds: list[selectors.Hold], now: dt.datetime, report: ErasureReport) -> None:
    keep_identity = any(h.category == retention.TRAINER_EVIDENCE for h in holds)
    person.phone = ""
    report.done.append(_("téléphone effacé"))
    fields = ["phone", "updated_at"]
    if not keep_identity:
        name = selectors.person_label(person)
        slots = person.slots.all()
        if attendance_trainer_erase(slots=slots, name=name, now=now):
            report.done.append(_("nom signé sur les émargements effacé (la chaîne reste valide)"))
        person.first_name, person.last_name = _anonymous_name("trainer", person.pk)
        person.email = f"personne-effacee-{person.pk}@example.invalid"
        person.siret = person.nda = person.qualifications = person.specialities = ""
        person.committee_decision = person.suspension_reason = ""
        if person.cv:
            person.cv.delete(save=False)
            report.done.append(_("CV supprimé"))
        person.user = None
        fields += ["first_name", "last_name", "email", "siret", "nda", "qualifications", "specialities"]
        fields += ["committee_decision", "suspension_reason", "cv", "user"]
        report.done.append(_("identité, coordonnées, qualifications et décisions remplacées ou effacées"))
    person.save(update_fields=fields)


def _erase(actor: Actor | None, person: Person, today: dt.date) -> ErasureReport:
    now = timezone.now()
    kind = selectors.person_kind(person)
    holds = selectors.person_holds(person=person, today=today)
    report = ErasureReport(kept=holds)
    names = kind == "contact" or not any(
        h.category in (retention.ATTENDANCE, retention.TRAINER_EVIDENCE) for h in holds
    )
    needles = _needles(person, names=names)
    label = " ".join(_anonymous_name(kind, person.pk))
    scrubbed = _scrub_history(person, needles, label)
    if scrubbed:
        report.done.append(_("%(n)s entrée(s) du journal caviardée(s)") % {"n": scrubbed})
    mails = _scrub_outbox(person, needles)
    if mails:
        report.done.append(_("%(n)s e-mail(s) de la boîte d'envoi effacé(s)") % {"n": mails})
    keep_skills = kind == "trainee" and any(h.category == retention.ATTENDANCE for h in holds)
    unlinked = _unlink_evaluations(person, keep_skills=keep_skills)
    if unlinked:
        report.done.append(
            _("%(n)s réponse(s) aux questionnaires d'évaluation détachée(s) de la personne (résultats inchangés)")
            % {"n": unlinked}
        )
    email = (getattr(person, "email", "") or "").strip()
    if email:
        MagicLink.objects.filter(organisation_id=person.organisation_id, email__iexact=email).delete()
    if isinstance(person, Trainee):
        # Their verifiable credentials: revoked (bit set in the published list) and the stored tokens removed.
        if credentials_erase(trainee=person, now=now):
            report.done.append(_("attestations numériques révoquées et effacées"))
        _erase_trainee(person, holds, now, report)
    elif isinstance(person, Contact):
        _erase_contact(person, holds, now, report)
    else:
        _erase_trainer(person, holds, now, report)
    kept = [{"category": h.category, "what": h.what, "reason": h.reason, "until": h.until.isoformat()} for h in holds]
    erasure = Erasure.objects.create(
        organisation_id=person.organisation_id,
        person_kind=kind,
        person_id=person.pk,
        erased_at=now,
        by_label=(actor.user.get_full_name() or actor.user.email) if actor and actor.user else "système",
        deleted=report.deleted,
        kept=kept,
    )
    if report.deleted:
        report.done.append(_("fiche supprimée"))
        person.delete()
        log_action(actor=actor, obj=erasure, action="privacy.erasure.done", data={"deleted": True, "kept": kept})
    else:
        log_action(actor=actor, obj=person, action="privacy.erasure.done", data={"done": report.done, "kept": kept})
    return report


def person_erase(*, actor: Actor, person: Person, today: dt.date | None = None) -> ErasureReport:
    """Erase a trainee, contact or trainer (RGPD art. 17) except what a legal hold keeps (art. 17-3-b, e).

    Refused while an invoice naming them is unpaid. Issued documents, invoices and the émargement proof are
    never altered: their hashes and the BPF of past years stay true.
    """
    actor.require("privacy.manage")
    _refuse_open_invoices(actor, person)  # logs the refusal (outside the erasure's transaction), then raises
    with transaction.atomic():
        return _erase(actor, person, today or timezone.localdate())


# --- Retention periods ------------------------------------------------------------------------------------


@transaction.atomic
def retention_set(*, actor: Actor, category: str, months: int) -> RetentionPeriod:
    """An organisation's period for one category, within the law's bounds (`retention.Category`)."""
    actor.require("org.manage")
    spec = retention.CATEGORIES.get(category)
    if spec is None:
        raise ValidationError({"category": _("Catégorie de données inconnue.")})
    if months < spec.minimum:
        raise ValidationError(
            {
                "months": _("%(label)s : au moins %(min)s mois, la loi l'impose (%(source)s).")
                % {"label": spec.label, "min": spec.minimum, "source": spec.source}
            }
        )
    if months > spec.maximum:
        raise ValidationError(
            {
                "months": _("%(label)s : au plus %(max)s mois (%(source)s).")
                % {"label": spec.label, "max": spec.maximum, "source": spec.source}
            }
        )
    row, _created = RetentionPeriod.objects.update_or_create(
        organisation=actor.organisation, category=category, defaults={"months": months}
    )
    log_action(actor=actor, obj=actor.organisation, action="privacy.retention.set", data={category: months})
    return row


# --- Purge (art. 5-1-e) -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeItem:
    organisation: str
    what: str
    label: str


def _cutoff(organisation: Organisation, category: str, today: dt.date) -> dt.date:
    return selectors.add_months(today, -selectors.retention_months(organisation=organisation, category=category))


def _purge_org(organisation: Organisation, today: dt.date, dry_run: bool) -> list[PurgeItem]:
    items: list[PurgeItem] = []
    erased = Erasure.objects.filter(organisation=organisation)
    # 1. Outbox bodies after a short period.
    cutoff = _cutoff(organisation, retention.OUTBOX, today)
    mails = OutboundEmail.objects.filter(organisation=organisation, created_at__date__lt=cutoff, status="sent").exclude(
        body=ERASED
    )
    for mail in mails.order_by("pk"):
        items.append(PurgeItem(organisation.slug, _("texte de l'e-mail"), f"{mail.pk} ({mail.created_at:%d/%m/%Y})"))
    if not dry_run:
        # The attachment references go with the text (the files themselves follow their own category).
        mails.update(subject=ERASED, body=ERASED, html="", sealed_secrets="", attachments=[])
    # 1b. Named evaluation responses: detached from the person after the « évaluations » period (the answers
    # stay in the results). The skills assessment follows the trainee (it backs the attestation, L6353-1).
    cutoff = _cutoff(organisation, retention.EVALUATIONS, today)
    responses = (
        Response.objects.filter(
            organisation=organisation, invitation__isnull=False, survey__session__end_date__lt=cutoff
        )
        .exclude(survey__questionnaire__kind=QuestionnaireKind.SKILLS)
        .select_related("survey__session")
    )
    for response in responses.order_by("pk"):
        items.append(
            PurgeItem(
                organisation.slug,
                _("lien d'une réponse d'évaluation avec la personne"),
                f"{response.pk} ({response.survey.session.title})",
            )
        )
    if not dry_run:
        invitations = list(responses.values_list("invitation_id", flat=True))
        Response.objects.filter(invitation_id__in=invitations).update(invitation=None)
        Invitation.objects.filter(pk__in=invitations).update(email="")
    # 2. Prospects never enrolled, after the last contact.
    cutoff = _cutoff(organisation, retention.PROSPECTS, today)
    trainees = Trainee.objects.filter(organisation=organisation, updated_at__date__lt=cutoff, participations=None)
    enrolled_clients = Enrolment.objects.filter(organisation=organisation).values("client_id")
    contacts = Contact.objects.filter(organisation=organisation, updated_at__date__lt=cutoff).exclude(
        client_id__in=enrolled_clients
    )
    # 2b. Requests from the public catalogue, after the last contact: deleted (a converted one lives on in the
    # client, enrolment or quote it became, which have their own periods).
    enquiries = Enquiry.objects.filter(organisation=organisation, updated_at__date__lt=cutoff)
    for enquiry in enquiries.order_by("pk"):
        items.append(PurgeItem(organisation.slug, _("demande reçue du catalogue public"), f"enquiry {enquiry.pk}"))
    if not dry_run:
        enquiries.delete()
    # 3. Trainees of finished sessions, once no hold runs any more (the longest hold has ended).
    done = erased.filter(person_kind="trainee").values("person_id")
    finished = (
        Trainee.objects.filter(organisation=organisation)
        .exclude(pk__in=done)
        .annotate(last_end=Max("participations__session__end_date"))
        .filter(last_end__lt=today)
    )
    candidates: list[Person] = [*trainees.order_by("pk"), *contacts.order_by("pk")]
    for trainee in finished.order_by("pk"):
        if not selectors.person_holds(person=trainee, today=today) and not selectors.person_open_invoices(
            person=trainee
        ):
            candidates.append(trainee)
    for person in candidates:
        kind = selectors.person_kind(person)
        items.append(PurgeItem(organisation.slug, str(selectors.PERSON_LABELS[kind]), f"{kind} {person.pk}"))
        if not dry_run and not selectors.person_open_invoices(person=person):
            with transaction.atomic():
                _erase(None, person, today)
    return items


def privacy_purge(*, today: dt.date, dry_run: bool, organisation_slug: str | None = None) -> list[PurgeItem]:
    """What is past its period, anonymised (or only listed with `dry_run`). Run daily: `privacy purge --due`."""
    organisations = Organisation.objects.order_by("pk")
    if organisation_slug:
        organisations = organisations.filter(slug=organisation_slug)
    items: list[PurgeItem] = []
    for organisation in organisations:
        items += _purge_org(organisation, today, dry_run)
    if not organisation_slug:
        items += _purge_network_mails(today, dry_run)
    return items


def _purge_network_mails(today: dt.date, dry_run: bool) -> list[PurgeItem]:
    """The texts of the messages no organisation sent (a network's: the exchanges of know-how), after the outbox's
    default period: a network sets no retention periods of its own."""
    cutoff = selectors.add_months(today, -retention.CATEGORIES[retention.OUTBOX].months)
    mails = OutboundEmail.objects.filter(organisation__isnull=True, created_at__date__lt=cutoff, status="sent").exclude(
        body=ERASED
    )
    items = [
        PurgeItem(
            mail.network.slug if mail.network else "-",
            _("texte de l'e-mail"),
            f"{mail.pk} ({mail.created_at:%d/%m/%Y})",
        )
        for mail in mails.select_related("network").order_by("pk")
    ]
    if not dry_run:
        mails.update(subject=ERASED, body=ERASED, html="", sealed_secrets="", attachments=[])
    return items
