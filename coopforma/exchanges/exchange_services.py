# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of an exchange's life (issue 18 points 2 and 3): its plan and state, its dated steps and their
attendance, each participant's debrief, the shared log, the capitalisation artefacts and their authors'
agreements; the creation of a learning expedition and of a compagnonnage, with its milestones.

Each service checks who acts (PermissionDenied: 403) and what is asked (ValidationError in French, keyed by the
field it refuses: nothing is written), saves in one transaction and logs the event (`exchanges.<noun>.<verb>`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.core.log import log_action
from coopforma.exchanges import artefact_files
from coopforma.exchanges.access import require_facilitate
from coopforma.exchanges.exchange_selectors import (
    can_manage,
    has_past_step,
    my_participant,
    network_competencies,
    network_members,
)
from coopforma.exchanges.models import (
    Artefact,
    ArtefactAgreement,
    ArtefactKind,
    Debrief,
    DebriefCompetency,
    Exchange,
    ExchangeFormat,
    ExchangeKind,
    ExchangeState,
    Licence,
    LogEntry,
    Member,
    Milestone,
    Participant,
    ParticipantRole,
    Step,
)
from coopforma.networks.access import NetworkActor
from coopforma.referentiel.models import LEVELS

LEVEL_CODES = {code for code, _label in LEVELS}
MAX_TEXT = 20000


def _require_manage(actor: NetworkActor, exchange: Exchange) -> None:
    if not can_manage(actor, exchange):
        raise PermissionDenied("exchanges.facilitate")


def _require_open(exchange: Exchange) -> None:
    if exchange.state == ExchangeState.CANCELLED:
        raise ValidationError(_("Cet échange est annulé : il ne change plus."))


def _check_dates(starts_on: dt.date | None, ends_on: dt.date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("La fin de l'échange doit suivre son début.")})


def _competencies(actor: NetworkActor, competency_ids: Iterable[int], field: str = "competency_ids") -> list[Any]:
    ids = {int(i) for i in competency_ids}
    items = list(network_competencies(network=actor.network).filter(pk__in=ids))
    if len(items) != len(ids):
        raise ValidationError({field: _("Choisissez des compétences du référentiel publié du réseau.")})
    return items


def _text(value: str, field: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("Ce champ est obligatoire.")})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: _("Ce texte est trop long (20 000 caractères au plus).")})
    return value


# --- the exchange ----------------------------------------------------------------------------------------------


def exchange_update(
    *,
    actor: NetworkActor,
    exchange: Exchange,
    title: str,
    format: str,
    plan: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    attendance_required: bool,
    competency_ids: Sequence[int] = (),
    themes: str = "",
    logistics: str = "",
    is_public: bool | None = None,
) -> Exchange:
    """The facilitators' edit: title, format, plan, dates, competencies (the network's published référentiel),
    whether attendance is taken at the steps; a compagnonnage's themes, an expedition's logistics; whether it is
    shown on the public map (`is_public`, None: unchanged), which needs each participant's consent as well
    (`facilitation.map_consent_set`, exchanges/publication.py)."""
    _require_manage(actor, exchange)
    _require_open(exchange)
    title = _text(title, "title", required=True)
    if len(title) > 200:
        raise ValidationError({"title": _("L'intitulé tient en 200 caractères.")})
    if format and format not in ExchangeFormat.values:
        raise ValidationError({"format": _("Ce format n'existe pas.")})
    _check_dates(starts_on, ends_on)
    items = _competencies(actor, competency_ids)
    with transaction.atomic():
        exchange.title = title
        exchange.format = format
        exchange.plan = _text(plan, "plan")
        exchange.themes = _text(themes, "themes")
        exchange.logistics = _text(logistics, "logistics")
        exchange.starts_on = starts_on
        exchange.ends_on = ends_on
        exchange.attendance_required = attendance_required
        if is_public is not None:
            exchange.is_public = is_public
        exchange.save()
        exchange.competencies.set(items)
        log_action(actor=actor.user, obj=exchange, action="exchanges.exchange.updated", data={"title": title})
    return exchange


def exchange_set_state(*, actor: NetworkActor, exchange: Exchange, state: str, reason: str = "") -> Exchange:
    """Planned; done only once a step has passed; cancelled with a reason (written in the exchange's log).
    Done and cancelled are final."""
    _require_manage(actor, exchange)
    if state not in ExchangeState.values:
        raise ValidationError({"state": _("Cet état n'existe pas.")})
    if exchange.state in (ExchangeState.DONE, ExchangeState.CANCELLED):
        raise ValidationError({"state": _("Un échange réalisé ou annulé ne change plus d'état.")})
    if state == exchange.state:
        raise ValidationError({"state": _("L'échange est déjà dans cet état.")})
    if state == ExchangeState.ARRANGING:
        raise ValidationError({"state": _("Un échange programmé ne revient pas à la mise en relation.")})
    if state == ExchangeState.DONE and not has_past_step(exchange=exchange):
        raise ValidationError({"state": _("Un échange est réalisé une fois qu'une de ses étapes a eu lieu.")})
    reason = _text(reason, "reason")
    if state == ExchangeState.CANCELLED and not reason:
        raise ValidationError({"reason": _("Dites pourquoi l'échange est annulé.")})
    with transaction.atomic():
        previous = exchange.state
        exchange.state = state
        exchange.save(update_fields=["state", "updated_at"])
        if state == ExchangeState.CANCELLED:
            LogEntry.objects.create(
                exchange=exchange, author=None, body=_("Échange annulé : %(reason)s") % {"reason": reason}
            )
        log_action(
            actor=actor.user,
            obj=exchange,
            action="exchanges.exchange.state_changed",
            data={"from": previous, "to": state, "reason": reason},
        )
    return exchange


# --- steps and attendance -----------------------------------------------------------------------------------


def _step_values(
    exchange: Exchange,
    *,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    host_id: int | None,
    place: str,
    is_remote: bool,
    notes: str,
) -> dict[str, Any]:
    title = _text(title, "title", required=True)
    if len(title) > 200:
        raise ValidationError({"title": _("L'intitulé tient en 200 caractères.")})
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValidationError({"starts_at": _("Donnez l'heure avec son fuseau horaire.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("La fin de l'étape doit suivre son début.")})
    host = None
    if host_id is not None:
        host = Member.objects.filter(pk=host_id, participations__exchange=exchange).first()
        if host is None:
            raise ValidationError({"host_id": _("La personne qui accueille doit participer à l'échange.")})
    place = _text(place, "place")
    if len(place) > 300:
        raise ValidationError({"place": _("Le lieu tient en 300 caractères.")})
    if not place and not is_remote:
        raise ValidationError({"place": _("Indiquez le lieu, ou que l'étape a lieu à distance.")})
    return {
        "title": title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "host": host,
        "place": place,
        "is_remote": is_remote,
        "notes": _text(notes, "notes"),
    }


def step_create(*, actor: NetworkActor, exchange: Exchange, **fields: Any) -> Step:
    _require_manage(actor, exchange)
    _require_open(exchange)
    values = _step_values(exchange, **fields)
    with transaction.atomic():
        step = Step.objects.create(exchange=exchange, **values)
        log_action(actor=actor.user, obj=exchange, action="exchanges.step.created", data={"step": step.pk})
    return step


def step_update(*, actor: NetworkActor, step: Step, **fields: Any) -> Step:
    exchange = step.exchange
    _require_manage(actor, exchange)
    _require_open(exchange)
    values = _step_values(exchange, **fields)
    with transaction.atomic():
        for name, value in values.items():
            setattr(step, name, value)
        step.save()
        log_action(actor=actor.user, obj=exchange, action="exchanges.step.updated", data={"step": step.pk})
    return step


def step_delete(*, actor: NetworkActor, step: Step) -> None:
    exchange = step.exchange
    _require_manage(actor, exchange)
    if step.attendance_taken_at is not None:
        raise ValidationError(_("L'émargement de cette étape est relevé : elle ne peut plus être supprimée."))
    with transaction.atomic():
        step_id = step.pk
        step.delete()
        log_action(actor=actor.user, obj=exchange, action="exchanges.step.deleted", data={"step": step_id})


def can_take_attendance(actor: NetworkActor, step: Step) -> bool:
    """The facilitators, or the step's host."""
    return can_manage(actor, step.exchange) or (step.host is not None and step.host.user_id == actor.user.pk)


def attendance_record(*, actor: NetworkActor, step: Step, participant_ids: Iterable[int]) -> Step:
    """Who was present at a step, recorded after it started by the facilitators or its host, when the exchange
    takes attendance."""
    exchange = step.exchange
    if not can_take_attendance(actor, step):
        raise PermissionDenied("exchanges.attendance")
    if not exchange.attendance_required:
        raise ValidationError(_("Cet échange ne relève pas l'émargement."))
    if step.starts_at > timezone.now():
        raise ValidationError(_("L'émargement se relève une fois l'étape commencée."))
    ids = {int(i) for i in participant_ids}
    present = list(Participant.objects.filter(exchange=exchange, pk__in=ids))
    if len(present) != len(ids):
        raise ValidationError({"present": _("Choisissez des participant·es de cet échange.")})
    with transaction.atomic():
        step.present.set(present)
        step.attendance_taken_at = timezone.now()
        step.save(update_fields=["attendance_taken_at", "updated_at"])
        log_action(
            actor=actor.user,
            obj=exchange,
            action="exchanges.attendance.recorded",
            data={"step": step.pk, "present": sorted(p.pk for p in present)},
        )
    return step


# --- debriefs ------------------------------------------------------------------------------------------------


def debrief_save(
    *,
    actor: NetworkActor,
    exchange: Exchange,
    learnt: str,
    next_steps: str = "",
    rating: int | None = None,
    competencies: Sequence[tuple[int, str]] = (),
) -> Debrief:
    """The person's own debrief (created or replaced): declared, not assessed. Only a participant writes one, once
    a step of the exchange has passed."""
    participant = my_participant(actor=actor, exchange=exchange)
    if participant is None:
        raise PermissionDenied("exchanges.debrief")
    if exchange.state == ExchangeState.CANCELLED:
        raise ValidationError(_("Cet échange est annulé : il n'a pas de bilan."))
    if not has_past_step(exchange=exchange):
        raise ValidationError(_("Le bilan s'écrit une fois qu'une étape de l'échange a eu lieu."))
    learnt = _text(learnt, "learnt", required=True)
    if rating is not None and not 1 <= rating <= 5:
        raise ValidationError({"rating": _("L'utilité ressentie se note de 1 à 5.")})
    levels: dict[int, str] = {}
    for competency_id, level in competencies:
        if level and level not in LEVEL_CODES:
            raise ValidationError({"competencies": _("Ce niveau n'existe pas.")})
        if int(competency_id) in levels:
            raise ValidationError({"competencies": _("Chaque compétence ne se cite qu'une fois.")})
        levels[int(competency_id)] = level or ""
    items = _competencies(actor, levels, field="competencies")
    with transaction.atomic():
        debrief, created = Debrief.objects.update_or_create(
            participant=participant,
            defaults={"learnt": learnt, "next_steps": _text(next_steps, "next_steps"), "rating": rating},
        )
        debrief.competencies.all().delete()
        DebriefCompetency.objects.bulk_create(
            DebriefCompetency(debrief=debrief, competency=item, level=levels[item.pk]) for item in items
        )
        log_action(
            actor=actor.user,
            obj=exchange,
            action="exchanges.debrief.written" if created else "exchanges.debrief.updated",
            data={"participant": participant.pk, "competencies": sorted(levels)},
        )
    return debrief


# --- the shared log ------------------------------------------------------------------------------------------


def log_entry_create(*, actor: NetworkActor, exchange: Exchange, body: str) -> LogEntry:
    """Every participant writes in the shared log (an expedition's logbook, a compagnonnage's journal)."""
    participant = my_participant(actor=actor, exchange=exchange)
    if participant is None:
        raise PermissionDenied("exchanges.log")
    body = _text(body, "body", required=True)
    with transaction.atomic():
        entry = LogEntry.objects.create(exchange=exchange, author=participant.member, body=body)
        log_action(actor=actor.user, obj=exchange, action="exchanges.log.written", data={"entry": entry.pk})
    return entry


# --- capitalisation ------------------------------------------------------------------------------------------


def _artefact_values(
    exchange: Exchange, *, kind: str, title: str, body: str, licence: str, coauthor_ids: Iterable[int]
) -> tuple[dict[str, Any], list[Member]]:
    if kind not in ArtefactKind.values:
        raise ValidationError({"kind": _("Ce type de capitalisation n'existe pas.")})
    if licence not in Licence.values:
        raise ValidationError({"licence": _("Choisissez une des licences proposées.")})
    title = _text(title, "title", required=True)
    if len(title) > 200:
        raise ValidationError({"title": _("Le titre tient en 200 caractères.")})
    ids = {int(i) for i in coauthor_ids}
    coauthors = list(Member.objects.filter(pk__in=ids, participations__exchange=exchange).distinct())
    if len(coauthors) != len(ids):
        raise ValidationError({"coauthor_ids": _("Les co-auteur·rices sont choisi·es parmi les participant·es.")})
    values = {"kind": kind, "title": title, "body": _text(body, "body", required=True), "licence": licence}
    return values, coauthors


class _PendingFile:
    """An uploaded file checked before anything is written, stored inside the service's transaction, removed
    again if that transaction fails; the file it replaces is removed once the transaction committed."""

    def __init__(self, exchange: Exchange, upload: Any) -> None:
        self.data, self.type = artefact_files.read_upload(upload)
        self.name = artefact_files.storage_name(network_id=exchange.network_id, file_type=self.type)
        self.stored = ""

    def store(self) -> str:
        self.stored = default_storage.save(self.name, ContentFile(self.data))
        return self.stored

    def discard(self) -> None:
        if self.stored:
            default_storage.delete(self.stored)


def _delete_on_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def artefact_create(
    *,
    actor: NetworkActor,
    exchange: Exchange,
    kind: str,
    title: str,
    body: str,
    licence: str,
    coauthor_ids: Iterable[int] = (),
    file: Any = None,
) -> Artefact:
    """A participant drafts a sheet, a story or a tool with co-authors among the participants, under a licence,
    with a file attached if they wish (`artefact_files`: type read from the content, 10 Mo at most); the drafter
    agrees at once, the others are asked (published when all agreed)."""
    participant = my_participant(actor=actor, exchange=exchange)
    if participant is None:
        raise PermissionDenied("exchanges.artefact")
    values, coauthors = _artefact_values(
        exchange, kind=kind, title=title, body=body, licence=licence, coauthor_ids=coauthor_ids
    )
    pending = _PendingFile(exchange, file) if file else None
    try:
        with transaction.atomic():
            artefact = Artefact(exchange=exchange, **values)
            if pending:
                artefact.file.name = pending.store()
            artefact.save()
            artefact.authors.set({participant.member, *coauthors})
            data: dict[str, Any] = {"artefact": artefact.pk}
            if pending:
                data["file"] = pending.type.label
            log_action(actor=actor.user, obj=exchange, action="exchanges.artefact.drafted", data=data)
            _agree(actor, artefact, participant.member)
    except BaseException:
        if pending:
            pending.discard()
        raise
    return artefact


def _my_authorship(actor: NetworkActor, artefact: Artefact) -> Member:
    member = artefact.authors.filter(user=actor.user).first()
    if member is None:
        raise PermissionDenied("exchanges.artefact")
    return member


def _require_draft(artefact: Artefact) -> None:
    """A published artefact is frozen, its file included: its authors agreed to that content under that licence,
    and its public page shows it. To change it, they draft a new artefact."""
    if artefact.published_at is not None:
        raise ValidationError(_("Cette capitalisation est publiée : elle ne change plus."))


def artefact_update(
    *,
    actor: NetworkActor,
    artefact: Artefact,
    kind: str,
    title: str,
    body: str,
    licence: str,
    coauthor_ids: Iterable[int] = (),
    file: Any = None,
    remove_file: bool = False,
) -> Artefact:
    """An author edits the draft (a new file replaces the old one; `remove_file` takes it away): the other
    authors' agreements are asked again. A published artefact is frozen (its public URL shows what its authors
    agreed to): refused."""
    member = _my_authorship(actor, artefact)
    _require_draft(artefact)
    values, coauthors = _artefact_values(
        artefact.exchange, kind=kind, title=title, body=body, licence=licence, coauthor_ids=coauthor_ids
    )
    pending = _PendingFile(artefact.exchange, file) if file else None
    try:
        with transaction.atomic():
            for name, value in values.items():
                setattr(artefact, name, value)
            data: dict[str, Any] = {"artefact": artefact.pk}
            if pending or (remove_file and artefact.file):
                _delete_on_commit(artefact.file.name)
                artefact.file.name = pending.store() if pending else ""
                data["file"] = pending.type.label if pending else ""
            artefact.save()
            artefact.authors.set({member, *coauthors})
            _ask_again(actor, artefact, member, data)
    except BaseException:
        if pending:
            pending.discard()
        raise
    return artefact


def artefact_file_replace(*, actor: NetworkActor, artefact: Artefact, file: Any) -> Artefact:
    """An author attaches a file to the draft, or replaces its file (the API's upload): an edit like any other,
    the other authors' agreements are asked again; refused once published."""
    member = _my_authorship(actor, artefact)
    _require_draft(artefact)
    if not file:
        raise ValidationError({"file": _("Choisissez le fichier à joindre.")})
    pending = _PendingFile(artefact.exchange, file)
    try:
        with transaction.atomic():
            _delete_on_commit(artefact.file.name)
            artefact.file.name = pending.store()
            artefact.save(update_fields=["file", "updated_at"])
            _ask_again(actor, artefact, member, {"artefact": artefact.pk, "file": pending.type.label})
    except BaseException:
        pending.discard()
        raise
    return artefact


def _ask_again(actor: NetworkActor, artefact: Artefact, member: Member, data: dict[str, Any]) -> None:
    artefact.agreements.all().delete()
    log_action(actor=actor.user, obj=artefact.exchange, action="exchanges.artefact.updated", data=data)
    _agree(actor, artefact, member)


def _agree(actor: NetworkActor, artefact: Artefact, member: Member) -> None:
    now = timezone.now()
    ArtefactAgreement.objects.get_or_create(artefact=artefact, author=member, defaults={"agreed_at": now})
    authors = set(artefact.authors.values_list("pk", flat=True))
    agreed = set(artefact.agreements.values_list("author_id", flat=True))
    if authors <= agreed and artefact.published_at is None:
        artefact.published_at = now
        artefact.save(update_fields=["published_at", "updated_at"])
        log_action(
            actor=actor.user,
            obj=artefact.exchange,
            action="exchanges.artefact.published",
            data={"artefact": artefact.pk, "licence": artefact.licence},
        )


def artefact_agree(*, actor: NetworkActor, artefact: Artefact) -> Artefact:
    """An author agrees to publish the artefact as it stands under its licence; the last agreement publishes it."""
    member = _my_authorship(actor, artefact)
    with transaction.atomic():
        log_action(
            actor=actor.user, obj=artefact.exchange, action="exchanges.artefact.agreed", data={"artefact": artefact.pk}
        )
        _agree(actor, artefact, member)
    return artefact


# --- expeditions and compagnonnage ----------------------------------------------------------------------------


def _members(actor: NetworkActor, ids: Iterable[int], field: str) -> list[Member]:
    ids = [int(i) for i in ids]
    if len(set(ids)) != len(ids):
        raise ValidationError({field: _("Une même personne est choisie deux fois.")})
    found = list(network_members(network=actor.network).filter(pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({field: _("Choisissez des membres inscrit·es aux échanges de ce réseau.")})
    return found


def _new_exchange(
    actor: NetworkActor,
    *,
    kind: str,
    format: str,
    title: str,
    plan: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    **extra: Any,
) -> Exchange:
    title = _text(title, "title", required=True)
    if len(title) > 200:
        raise ValidationError({"title": _("L'intitulé tient en 200 caractères.")})
    _check_dates(starts_on, ends_on)
    return Exchange.objects.create(
        network=actor.network,
        kind=kind,
        format=format,
        title=title,
        plan=_text(plan, "plan"),
        starts_on=starts_on,
        ends_on=ends_on,
        state=ExchangeState.PLANNED,
        facilitator=actor.user,
        **extra,
    )


def expedition_create(
    *,
    actor: NetworkActor,
    title: str,
    learner_ids: Sequence[int],
    host_ids: Sequence[int],
    logistics: str = "",
    plan: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    attendance_required: bool = False,
) -> Exchange:
    """A learning expedition: a cohort (learners) visits several hosts along a timetable of steps (added next,
    each with its host), with its logistics and a shared log."""
    require_facilitate(actor)
    learners = _members(actor, learner_ids, "learner_ids")
    hosts = _members(actor, host_ids, "host_ids")
    if not learners:
        raise ValidationError({"learner_ids": _("Choisissez au moins une personne de la cohorte.")})
    if not hosts:
        raise ValidationError({"host_ids": _("Choisissez au moins une structure qui accueille.")})
    if {m.pk for m in learners} & {m.pk for m in hosts}:
        raise ValidationError({"host_ids": _("Une même personne ne peut pas être à la fois dans la cohorte et hôte.")})
    with transaction.atomic():
        exchange = _new_exchange(
            actor,
            kind=ExchangeKind.EXPEDITION,
            format=ExchangeFormat.LEARNING_EXPEDITION,
            title=title,
            plan=plan,
            starts_on=starts_on,
            ends_on=ends_on,
            logistics=_text(logistics, "logistics"),
            attendance_required=attendance_required,
        )
        Participant.objects.bulk_create(
            [Participant(exchange=exchange, member=m, role=ParticipantRole.LEARNER) for m in learners]
            + [Participant(exchange=exchange, member=m, role=ParticipantRole.HOST) for m in hosts]
        )
        log_action(
            actor=actor.user,
            obj=exchange,
            action="exchanges.expedition.created",
            data={"learners": [m.pk for m in learners], "hosts": [m.pk for m in hosts]},
        )
    return exchange


def transfer_create(
    *,
    actor: NetworkActor,
    title: str,
    compagnon_id: int,
    beneficiary_ids: Sequence[int],
    themes: str = "",
    plan: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Exchange:
    """A compagnonnage: the experienced structure's member (compagnon) transfers know-how to the emerging
    one(s) (beneficiaries), on themes, along a plan with milestones (added next)."""
    require_facilitate(actor)
    (compagnon,) = _members(actor, [compagnon_id], "compagnon_id")
    beneficiaries = _members(actor, beneficiary_ids, "beneficiary_ids")
    if not beneficiaries:
        raise ValidationError({"beneficiary_ids": _("Choisissez au moins une structure accompagnée.")})
    if compagnon.pk in {m.pk for m in beneficiaries}:
        raise ValidationError({"beneficiary_ids": _("La structure compagnon ne peut pas être aussi accompagnée.")})
    with transaction.atomic():
        exchange = _new_exchange(
            actor,
            kind=ExchangeKind.TRANSFER,
            format=ExchangeFormat.MENTORING,
            title=title,
            plan=plan,
            starts_on=starts_on,
            ends_on=ends_on,
            themes=_text(themes, "themes"),
        )
        Participant.objects.bulk_create(
            [Participant(exchange=exchange, member=compagnon, role=ParticipantRole.COMPAGNON)]
            + [Participant(exchange=exchange, member=m, role=ParticipantRole.BENEFICIARY) for m in beneficiaries]
        )
        log_action(
            actor=actor.user,
            obj=exchange,
            action="exchanges.transfer.created",
            data={"compagnon": compagnon.pk, "beneficiaries": [m.pk for m in beneficiaries]},
        )
    return exchange


def _milestone_values(exchange: Exchange, *, title: str, deliverable: str, due_on: dt.date | None) -> dict[str, Any]:
    title = _text(title, "title", required=True)
    if len(title) > 200:
        raise ValidationError({"title": _("Le jalon tient en 200 caractères.")})
    deliverable = _text(deliverable, "deliverable")
    if len(deliverable) > 300:
        raise ValidationError({"deliverable": _("Le livrable tient en 300 caractères.")})
    if due_on and exchange.starts_on and due_on < exchange.starts_on:
        raise ValidationError({"due_on": _("L'échéance ne peut pas précéder le début de l'échange.")})
    if due_on and exchange.ends_on and due_on > exchange.ends_on:
        raise ValidationError({"due_on": _("L'échéance ne peut pas suivre la fin de l'échange.")})
    return {"title": title, "deliverable": deliverable, "due_on": due_on}


def milestone_create(
    *, actor: NetworkActor, exchange: Exchange, title: str, deliverable: str = "", due_on: dt.date | None = None
) -> Milestone:
    _require_manage(actor, exchange)
    _require_open(exchange)
    values = _milestone_values(exchange, title=title, deliverable=deliverable, due_on=due_on)
    with transaction.atomic():
        milestone = Milestone.objects.create(exchange=exchange, **values)
        log_action(actor=actor.user, obj=exchange, action="exchanges.milestone.created", data={"m": milestone.pk})
    return milestone


def milestone_update(
    *, actor: NetworkActor, milestone: Milestone, title: str, deliverable: str = "", due_on: dt.date | None = None
) -> Milestone:
    exchange = milestone.exchange
    _require_manage(actor, exchange)
    _require_open(exchange)
    values = _milestone_values(exchange, title=title, deliverable=deliverable, due_on=due_on)
    with transaction.atomic():
        for name, value in values.items():
            setattr(milestone, name, value)
        milestone.save()
        log_action(actor=actor.user, obj=exchange, action="exchanges.milestone.updated", data={"m": milestone.pk})
    return milestone


def milestone_mark(*, actor: NetworkActor, milestone: Milestone, done: bool) -> Milestone:
    """Marked done today (in Paris), or back to be done."""
    exchange = milestone.exchange
    _require_manage(actor, exchange)
    with transaction.atomic():
        milestone.done_on = timezone.localdate() if done else None
        milestone.save(update_fields=["done_on", "updated_at"])
        log_action(
            actor=actor.user, obj=exchange, action="exchanges.milestone.marked", data={"m": milestone.pk, "done": done}
        )
    return milestone


def milestone_delete(*, actor: NetworkActor, milestone: Milestone) -> None:
    exchange = milestone.exchange
    _require_manage(actor, exchange)
    with transaction.atomic():
        milestone_id = milestone.pk
        milestone.delete()
        log_action(actor=actor.user, obj=exchange, action="exchanges.milestone.deleted", data={"m": milestone_id})
