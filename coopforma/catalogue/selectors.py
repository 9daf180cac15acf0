# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the catalogue, scoped by who asks (people.scope): lists, one training, who may edit it.

Visibility: admin and quality see every training of the organisation; a member-structure manager sees the
trainings of their structure(s); a trainer sees the trainings of their structure and those they teach.
Editing: admin and quality edit all; a manager edits their structure's trainings; a trainer edits only the
trainings they teach.
"""

import datetime as dt
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Organisation
from coopforma.catalogue.models import ActionCategory, Training, TrainingStatus
from coopforma.catalogue.nsf import NSF_LABELS
from coopforma.people.models import DELIVERING_STATES, MemberStructure, Trainer
from coopforma.people.scope import actor_scope


def _taught_by(trainer_id: int) -> Q:
    # A subquery rather than a join on the M2M: no duplicate rows, no DISTINCT needed.
    through = Training.trainers.through.objects.filter(trainer_id=trainer_id).values("training_id")
    return Q(pk__in=through)


def _visible(actor: Actor) -> Q:
    scope = actor_scope(actor)
    if scope.all:
        return Q()
    visible = Q(member_structure_id__in=scope.member_structure_ids)
    if scope.trainer_id is not None:
        visible |= _taught_by(scope.trainer_id)
    return visible


def training_queryset(*, actor: Actor) -> QuerySet[Training]:
    """Every training the actor may see, archived ones included, without joins."""
    return Training.objects.filter(_visible(actor), organisation=actor.organisation)


def _trainers_prefetch() -> Prefetch:
    return Prefetch("trainers", queryset=Trainer.objects.only("pk", "first_name", "last_name", "organisation_id"))


def _nsf_codes_matching(text: str) -> list[str]:
    text = text.casefold()
    return [code for code, label in NSF_LABELS.items() if text in label.casefold()]


def training_list(*, actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[Training]:
    """The trainings the actor may see, filtered; archived ones only when the status filter asks for them.

    filters: q (title, reference, NSF code or label, Formacode), status, member_structure (id), modality,
    certification_kind, is_public (bool), mine (bool: the trainings I teach, or that I created).
    """
    filters = filters or {}
    qs = training_queryset(actor=actor)
    q = (filters.get("q") or "").strip()
    if q:
        match = Q(title__icontains=q) | Q(reference__icontains=q) | Q(formacode__startswith=q)
        match |= Q(nsf_code__startswith=q) if q.isdigit() else Q(nsf_code__in=_nsf_codes_matching(q))
        qs = qs.filter(match)
    status = filters.get("status") or ""
    qs = qs.filter(status=status) if status else qs.exclude(status=TrainingStatus.ARCHIVED)
    if filters.get("member_structure"):
        qs = qs.filter(member_structure_id=filters["member_structure"])
    if filters.get("modality"):
        qs = qs.filter(modality=filters["modality"])
    if filters.get("certification_kind"):
        qs = qs.filter(certification_kind=filters["certification_kind"])
    if filters.get("is_public") is not None:
        qs = qs.filter(is_public=filters["is_public"])
    if filters.get("mine"):
        trainer_id = actor_scope(actor).trainer_id
        qs = qs.filter(_taught_by(trainer_id)) if trainer_id is not None else qs.filter(created_by=actor.user)
    return qs.select_related("member_structure").prefetch_related(_trainers_prefetch()).order_by("title", "pk")


def training_get(*, actor: Actor, training_id: int) -> Training:
    """One training the actor may see; 404 when it is missing, in another organisation or not theirs."""
    training = (
        training_queryset(actor=actor)
        .select_related("member_structure", "validated_by", "created_by")
        .prefetch_related(_trainers_prefetch())
        .filter(pk=training_id)
        .first()
    )
    if training is None:
        raise Http404
    return training


def training_editable(*, actor: Actor, training: Training) -> bool:
    """May the actor change this (visible) training? Staff: all; manager: their structures; trainer: taught."""
    if training.organisation_id != actor.organisation_id:
        return False
    scope = actor_scope(actor)
    if scope.all:
        return True
    if scope.trainer_id is None:
        return training.member_structure_id in scope.member_structure_ids
    # The prefetched trainers when there are (no query), the through table otherwise.
    if "trainers" in getattr(training, "_prefetched_objects_cache", {}):
        return any(t.pk == scope.trainer_id for t in training.trainers.all())
    return training.trainers.filter(pk=scope.trainer_id).exists()


def training_session_list(*, actor: Actor, training: Training) -> QuerySet:
    """The sessions of one training the actor may see (through the reverse relation `training.sessions`)."""
    sessions = training.sessions.all()
    scope = actor_scope(actor)
    if not scope.all:
        if scope.trainer_id is not None:
            sessions = sessions.filter(trainers__id=scope.trainer_id)
        else:
            sessions = sessions.filter(member_structure_id__in=scope.member_structure_ids)
    return sessions.order_by("-start_date", "-pk")


def member_structure_choices(*, actor: Actor) -> QuerySet[MemberStructure]:
    """Where the actor may put a training: any active structure (staff), else their own structure(s)."""
    qs = MemberStructure.objects.filter(organisation=actor.organisation, is_active=True)
    scope = actor_scope(actor)
    if not scope.all:
        qs = qs.filter(pk__in=scope.member_structure_ids)
    return qs.order_by("name")


def member_structure_filter_choices(*, actor: Actor) -> QuerySet[MemberStructure]:
    """The structures offered in the list's filter: those whose trainings the actor may see."""
    qs = MemberStructure.objects.filter(organisation=actor.organisation)
    scope = actor_scope(actor)
    if not scope.all:
        qs = qs.filter(pk__in=scope.member_structure_ids)
    return qs.order_by("name")


def trainer_choices(*, actor: Actor, include_ids: list[int] | None = None) -> QuerySet[Trainer]:
    """The organisation's trainers who may deliver (validated or active), plus those already assigned."""
    allowed = Q(onboarding_state__in=DELIVERING_STATES)
    if include_ids:
        allowed |= Q(pk__in=include_ids)
    return (
        Trainer.objects.filter(allowed, organisation=actor.organisation)
        .select_related("member_structure")
        .order_by("last_name", "first_name")
    )


def qualiopi_warning(*, organisation: Organisation, category: str, day: dt.date) -> str:
    """Why an action of `category` is not covered by the organisation's Qualiopi certificate on `day`, or "".

    Certification is granted per category of action (L6313-1, R6316-1); without it an action cannot be funded
    by public or mutualised money (L6316-1) and the mark may not be printed for it."""
    if organisation.qualiopi_covers(category, day):
        return ""
    label = str(ActionCategory(category).label).lower() if category in ActionCategory.values else category
    until = organisation.qualiopi_valid_until_or_deduced
    if not organisation.qualiopi_certificate_number:
        why = _("L'organisme n'est pas certifié Qualiopi.")
    elif until is not None and until < day:
        why = _("Le certificat Qualiopi a expiré le %(d)s.") % {"d": until.strftime("%d/%m/%Y")}
    elif not organisation.qualiopi_valid_on(day):
        why = _("Le certificat Qualiopi n'est pas en cours de validité (dates à renseigner ou pas encore en vigueur).")
    else:
        why = _("Le certificat Qualiopi ne couvre pas la catégorie « %(c)s ».") % {"c": label}
    return (
        str(why)
        + " "
        + str(
            _(
                "Une action de cette nature (%(c)s) ne peut pas être financée par des fonds publics ou "
                "mutualisés (OPCO, CPF, État, régions, France Travail) — article L6316-1 du Code du travail — et la "
                "marque Qualiopi n'est imprimée ni sur ses documents ni sur sa page publique."
            )
            % {"c": label}
        )
    )


def uncertified_categories_sold(*, actor: Actor, day: dt.date) -> list[tuple[str, int]]:
    """The categories of the validated trainings the actor sees that the Qualiopi certificate does not cover on
    `day`, with how many trainings each (one query)."""
    counts = (
        training_queryset(actor=actor)
        .filter(status=TrainingStatus.VALIDATED)
        .values("action_category")
        .annotate(n=Count("pk"))
        .order_by("action_category")
    )
    org = actor.organisation
    return [(r["action_category"], r["n"]) for r in counts if not org.qualiopi_covers(r["action_category"], day)]


def published_training_list(*, organisation: Organisation) -> QuerySet[Training]:
    """The trainings of the organisation's public catalogue (published and validated), for its LHEO and EDOF
    exports: the public feed has no actor, and the back office's export is for roles that see every training."""
    return (
        Training.objects.filter(organisation=organisation, is_public=True, status=TrainingStatus.VALIDATED)
        .select_related("organisation", "member_structure")
        .order_by("title", "pk")
    )


def published_last_change(*, organisation: Organisation) -> dt.datetime | None:
    """When a published training or one of its sessions last changed (the feed's Last-Modified), or None."""
    found = Training.objects.filter(
        organisation=organisation, is_public=True, status=TrainingStatus.VALIDATED
    ).aggregate(trainings=Max("updated_at"), sessions=Max("sessions__updated_at"))
    days = [d for d in (found["trainings"], found["sessions"]) if d is not None]
    return max(days) if days else None


def catalogue_organisation_get(*, slug: str) -> Organisation:
    """The organisation of a public catalogue address (/f/<slug>/…), every field loaded; 404 when unknown."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation
