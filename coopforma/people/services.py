# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes for people: member structures, trainers and their onboarding (parcours formateur), clients and
their contacts, trainees. Every function checks the actor's rights, validates, saves atomically and logs."""

import datetime as dt
import os
from collections.abc import Collection
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Membership, MembershipState, User
from coopforma.accounts.roles import Role
from coopforma.accounts.services import invite, membership_resume_for_trainer, membership_suspend_for_trainer
from coopforma.core.identifiers import compact
from coopforma.core.log import diff, log_action, snapshot
from coopforma.people import selectors
from coopforma.people.models import (
    Client,
    ClientKind,
    Contact,
    MemberStructure,
    OnboardingState,
    Trainee,
    Trainer,
    TrainerEmployer,
    TrainerStatus,
)
from coopforma.people.scope import actor_scope

Errors = dict[str, list[str]]


# --- Helpers -----------------------------------------------------------------------------------------------


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _validate(obj: models.Model, errors: Errors, *, exclude: list[str] | None = None) -> None:
    """Our own rules (already in `errors`) first, then the model's; one ValidationError with every field."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            if field not in errors:  # our message for this field already says it better
                errors[field] = list(messages)
    if errors:
        raise ValidationError(errors)


def _snapshot(obj: models.Model) -> dict[str, Any]:
    """`core.log.snapshot` with files as their stored names (FieldFile is not JSON)."""
    data = snapshot(obj)
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.FileField):
            data[field.attname] = getattr(obj, field.attname).name or ""
    return data


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _set_fields(obj: models.Model, fields: dict[str, Any], allowed: Collection[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields for {obj._meta.label}: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(obj, name, _strip(value))


def _clean_identifiers(obj: models.Model) -> None:
    for name in ("siret", "nda"):
        if hasattr(obj, name):
            setattr(obj, name, compact(getattr(obj, name) or ""))


def _org_member(actor: Actor, member_structure_id: Any, field: str = "member_structure") -> MemberStructure:
    """A member structure of the actor's organisation (422 on the field when unknown or inactive)."""
    member = MemberStructure.objects.filter(organisation=actor.organisation, pk=member_structure_id).first()
    if member is None:
        raise ValidationError({field: _("Structure membre inconnue (n° %(id)s).") % {"id": member_structure_id}})
    if not member.is_active:
        raise ValidationError(
            {
                field: _("La structure membre « %(name)s » n'est plus active : choisissez-en une autre.")
                % {"name": member}
            }
        )
    return member


# --- Member structures -------------------------------------------------------------------------------------

# The member structure's editable fields, in the order the form shows them.
MEMBER_FIELDS = (
    "name",
    "kind",
    "siret",
    "nda",
    "contribution_rate",
    "street",
    "postal_code",
    "city",
    "email",
    "phone",
    "is_active",
)


def _validate_member(member: MemberStructure) -> None:
    errors: Errors = {}
    _clean_identifiers(member)
    if not member.name:
        _add(errors, "name", _("Donnez le nom de la structure membre."))
    elif (
        MemberStructure.objects.filter(organisation_id=member.organisation_id, name__iexact=member.name)
        .exclude(pk=member.pk)
        .exists()
    ):
        _add(
            errors,
            "name",
            _("Une structure membre s'appelle déjà « %(name)s » dans l'organisme.") % {"name": member.name},
        )
    raw_rate = member.contribution_rate
    rate: Decimal | None
    try:
        rate = Decimal(str(raw_rate).replace(",", ".").strip()) if raw_rate not in (None, "") else None
    except InvalidOperation:
        rate = None
        _add(errors, "contribution_rate", _("Le taux de contribution doit être un nombre, par exemple 10 ou 12,5."))
    if rate is None:
        if "contribution_rate" not in errors:
            _add(errors, "contribution_rate", _("Indiquez le taux de contribution à l'OF (0 à 100 %)."))
    elif not Decimal("0") <= rate <= Decimal("100"):
        _add(
            errors,
            "contribution_rate",
            _("Le taux de contribution doit être compris entre 0 et 100 %% (reçu : %(rate)s).") % {"rate": rate},
        )
    elif rate != rate.quantize(Decimal("0.01")):
        _add(
            errors,
            "contribution_rate",
            _("Le taux de contribution a deux décimales au plus (reçu : %(rate)s).") % {"rate": rate},
        )
    else:
        member.contribution_rate = rate.quantize(Decimal("0.01"))
    _validate(member, errors)


def member_slug_for(*, organisation_id: int, name: str) -> str:
    """A public address for a new member structure: its name slugified (« Coop Éole » → coop-eole), with -2, -3…
    when another structure of the organisation has it; "structure" when the name has no letter or digit."""
    base = (slugify(name)[:50].strip("-") or "structure").lower()
    taken = set(
        MemberStructure.objects.filter(organisation_id=organisation_id, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def member_create(*, actor: Actor, name: str, kind: str, **fields: Any) -> MemberStructure:
    """Create a member structure (administrator of the OF only)."""
    actor.require("members.manage")
    member = MemberStructure(organisation=actor.organisation)
    _set_fields(member, {"name": name, "kind": kind, **fields}, MEMBER_FIELDS)
    _validate_member(member)
    member.slug = member_slug_for(organisation_id=actor.organisation_id, name=member.name)
    member.save()
    log_action(actor=actor, obj=member, action="people.member.created", data={"fields": _snapshot(member)})
    return member


@transaction.atomic
def member_update(*, actor: Actor, member_id: int, **fields: Any) -> MemberStructure:
    actor.require("members.manage")
    member = MemberStructure.objects.select_for_update().filter(organisation=actor.organisation, pk=member_id).first()
    if member is None:
        raise Http404
    before = _snapshot(member)
    _set_fields(member, fields, MEMBER_FIELDS)
    _validate_member(member)
    member.save()
    changes = diff(before, _snapshot(member))
    if changes:
        log_action(actor=actor, obj=member, action="people.member.updated", data={"changes": changes})
    return member


@transaction.atomic
def member_manager_add(*, actor: Actor, member_id: int, user_id: int) -> MemberStructure:
    """Make a person of the organisation a manager (gérant·e) of the structure."""
    actor.require("members.manage")
    member = selectors.member_get(actor=actor, member_id=member_id)
    user = User.objects.filter(
        pk=user_id, memberships__organisation=actor.organisation, memberships__is_active=True, is_active=True
    ).first()
    if user is None:
        raise ValidationError({"user": _("Cette personne n'a pas d'accès actif à l'organisme.")})
    if member.managers.filter(pk=user.pk).exists():
        raise ValidationError({"user": _("%(user)s gère déjà « %(member)s ».") % {"user": user, "member": member}})
    member.managers.add(user)
    log_action(
        actor=actor,
        obj=member,
        action="people.member.manager_added",
        data={"user": {"id": user.pk, "label": user.email}},
    )
    return member


@transaction.atomic
def member_manager_remove(*, actor: Actor, member_id: int, user_id: int) -> MemberStructure:
    actor.require("members.manage")
    member = selectors.member_get(actor=actor, member_id=member_id)
    user = member.managers.filter(pk=user_id).first()
    if user is None:  # not one of this structure's managers: whoever it is, the link names nothing here
        raise Http404
    member.managers.remove(user)
    log_action(
        actor=actor,
        obj=member,
        action="people.member.manager_removed",
        data={"user": {"id": user.pk, "label": user.email}},
    )
    return member


# --- Trainers ----------------------------------------------------------------------------------------------

TRAINER_FIELDS = {
    "member_structure_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "status",
    "employer",
    "siret",
    "nda",
    "qualifications",
    "specialities",
    "cv",
}
# What trainers may change on their own profile (Qualiopi indicator 21/22 evidence); not their state or structure.
TRAINER_SELF_FIELDS = {"qualifications", "phone", "specialities", "cv"}

CV_SIGNATURES = {".pdf": b"%PDF", ".odt": b"PK\x03\x04", ".docx": b"PK\x03\x04"}
CV_MAX_BYTES = 5 * 1024 * 1024


def check_cv(cv: UploadedFile) -> None:
    """A CV is a PDF, ODT or DOCX file of 5 MB at most (checked on its name and its first bytes)."""
    name = os.path.basename(cv.name or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in CV_SIGNATURES:
        raise ValidationError(
            {"cv": _("Le CV « %(name)s » n'est pas accepté : envoyez un fichier PDF, ODT ou DOCX.") % {"name": name}}
        )
    if cv.size is not None and cv.size > CV_MAX_BYTES:
        size = f"{cv.size / (1024 * 1024):.1f}".replace(".", ",")
        raise ValidationError(
            {"cv": _("Le CV « %(name)s » pèse %(size)s Mo : 5 Mo au plus.") % {"name": name, "size": size}}
        )
    cv.seek(0)
    head = cv.read(len(CV_SIGNATURES[extension]))
    cv.seek(0)
    if head != CV_SIGNATURES[extension]:
        raise ValidationError(
            {
                "cv": _(
                    "Le fichier « %(name)s » n'est pas un vrai fichier %(kind)s : "
                    "enregistrez-le à nouveau dans ce format."
                )
                % {"name": name, "kind": extension[1:].upper()}
            }
        )


def _validate_trainer(trainer: Trainer, cv: Any = None) -> None:
    """The profile's rules, and the new CV's (if any), reported together."""
    errors: Errors = {}
    if cv:
        try:
            check_cv(cv)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    _clean_identifiers(trainer)
    trainer.email = (trainer.email or "").strip().lower()
    if trainer.email and (
        Trainer.objects.filter(organisation_id=trainer.organisation_id, email__iexact=trainer.email)
        .exclude(pk=trainer.pk)
        .exists()
    ):
        _add(
            errors,
            "email",
            _("Un·e formateur·rice a déjà l'e-mail « %(email)s » dans l'organisme.") % {"email": trainer.email},
        )
    if trainer.member_structure_id is None and trainer.employer != TrainerEmployer.SUBCONTRACTOR:
        _add(
            errors,
            "member_structure",
            _(
                "Choisissez la structure membre de ce·tte formateur·rice : seul·e un·e sous-traitant·e externe "
                "n'appartient à aucune structure membre."
            ),
        )
    if trainer.status == TrainerStatus.SUBCONTRACTOR and not trainer.siret:
        _add(
            errors,
            "siret",
            _("Un·e sous-traitant·e externe doit avoir un SIRET (14 chiffres) : il figure sur ses factures."),
        )
    _validate(trainer, errors, exclude=["cv"])


def _check_trainer_member(actor: Actor, member_structure_id: Any) -> MemberStructure | None:
    """The structure a trainer is attached to: any of the OF for admin/quality, one's own for a manager; none
    (an external subcontractor) only for admin/quality."""
    scope = actor_scope(actor)
    if member_structure_id in (None, "") and scope.all:
        return None
    if member_structure_id in (None, ""):
        raise ValidationError(
            {"member_structure": _("Choisissez laquelle de vos structures propose ce·tte formateur·rice.")}
        )
    member = _org_member(actor, member_structure_id)
    if not scope.all and member.pk not in scope.member_structure_ids:
        raise PermissionDenied(
            _("Vous ne pouvez rattacher un·e formateur·rice qu'à une structure que vous gérez (pas « %(name)s »).")
            % {"name": member}
        )
    return member


def _replace_cv(trainer: Trainer, cv: UploadedFile | bool | None) -> None:
    """New file: checked then stored; False: removed. The old file is deleted once the change is committed."""
    old = trainer.cv.name if trainer.cv else ""
    if cv is False:
        trainer.cv = ""
    elif isinstance(cv, UploadedFile):  # already checked by _validate_trainer
        trainer.cv.save(os.path.basename(cv.name or "cv"), cv, save=False)
    else:
        return
    if old and old != trainer.cv.name:
        storage = trainer.cv.storage
        transaction.on_commit(lambda: storage.delete(old))


@transaction.atomic
def trainer_propose(
    *,
    actor: Actor,
    member_structure_id: int | None,
    first_name: str,
    last_name: str,
    email: str,
    status: str,
    cv: UploadedFile | None = None,
    **fields: Any,
) -> Trainer:
    """Propose a trainer (start of the parcours formateur): state « candidature », for the comité de validation.

    A manager proposes only for a structure they manage.
    """
    actor.require("trainers.propose")
    member = _check_trainer_member(actor, member_structure_id)
    trainer = Trainer(
        organisation=actor.organisation,
        onboarding_state=OnboardingState.APPLIED,
        applied_at=timezone.now(),
    )
    if not fields.get("employer"):
        # Who employs them, seen from the OF (BPF cadre E); an external subcontractor by default when so stated.
        fields["employer"] = (
            TrainerEmployer.SUBCONTRACTOR if status == TrainerStatus.SUBCONTRACTOR else TrainerEmployer.MEMBER
        )
    _set_fields(
        trainer,
        {
            "member_structure_id": member.pk if member else None,
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "status": status,
            **fields,
        },
        TRAINER_FIELDS - {"cv"},
    )
    _validate_trainer(trainer, cv)
    trainer.save()
    if cv:
        trainer.cv.save(os.path.basename(cv.name or "cv"), cv, save=True)
    log_action(
        actor=actor,
        obj=trainer,
        action="people.trainer.proposed",
        data={"member_structure": member, "fields": _snapshot(trainer)},
    )
    return trainer


def _trainer_for_update(actor: Actor, trainer_id: int) -> Trainer:
    visible = selectors.trainer_get(actor=actor, trainer_id=trainer_id)
    return Trainer.objects.select_for_update().get(pk=visible.pk)


def trainer_editable_fields(*, actor: Actor, trainer: Trainer) -> set[str]:
    """The fields `actor` may change on `trainer` (empty: none)."""
    scope = actor_scope(actor)
    if scope.all and actor.has("trainers.validate"):
        return set(TRAINER_FIELDS)
    if actor.has("trainers.propose") and trainer.member_structure_id in scope.member_structure_ids:
        return set(TRAINER_FIELDS)
    if scope.trainer_id is not None and scope.trainer_id == trainer.pk:
        return set(TRAINER_SELF_FIELDS)
    return set()


@transaction.atomic
def trainer_update(*, actor: Actor, trainer_id: int, **fields: Any) -> Trainer:
    """Edit a trainer's profile. The onboarding state changes only through `trainer_decide`."""
    trainer = _trainer_for_update(actor, trainer_id)
    allowed = trainer_editable_fields(actor=actor, trainer=trainer)
    if not allowed:
        raise PermissionDenied(_("Vous ne pouvez pas modifier ce profil."))
    unknown = set(fields) - TRAINER_FIELDS
    if unknown:
        raise TypeError(f"unknown trainer fields: {sorted(unknown)}")
    refused = sorted(
        name
        for name, value in fields.items()
        if name not in allowed and name != "cv" and getattr(trainer, name) != value
    )
    if refused or ("cv" in fields and "cv" not in allowed and fields["cv"] not in (None, "")):
        raise PermissionDenied(
            _(
                "Sur votre profil, vous pouvez modifier vos qualifications, votre téléphone, vos domaines et votre CV, "
                "pas : %(fields)s."
            )
            % {"fields": ", ".join(refused or ["cv"])}
        )
    before = _snapshot(trainer)
    cv = fields.pop("cv", None)
    if "member_structure_id" in fields and fields["member_structure_id"] != trainer.member_structure_id:
        _check_trainer_member(actor, fields["member_structure_id"])
    _set_fields(trainer, {k: v for k, v in fields.items() if k in allowed}, TRAINER_FIELDS)
    _validate_trainer(trainer, cv)
    _replace_cv(trainer, cv)
    trainer.save()
    changes = diff(before, _snapshot(trainer))
    if changes:
        log_action(actor=actor, obj=trainer, action="people.trainer.updated", data={"changes": changes})
    return trainer


# decision -> (states it may start from, resulting state, logged verb)
DECISIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "validate": (frozenset({OnboardingState.APPLIED}), OnboardingState.VALIDATED, "validated"),
    "reject": (frozenset({OnboardingState.APPLIED}), OnboardingState.REJECTED, "rejected"),
    "activate": (frozenset({OnboardingState.VALIDATED}), OnboardingState.ACTIVE, "activated"),
    "suspend": (frozenset({OnboardingState.VALIDATED, OnboardingState.ACTIVE}), OnboardingState.SUSPENDED, "suspended"),
    "reactivate": (frozenset({OnboardingState.SUSPENDED}), OnboardingState.ACTIVE, "reactivated"),
}


def decision_labels() -> dict[str, str]:
    return {
        "validate": _("Valider (décision du comité)"),
        "reject": _("Refuser la candidature"),
        "activate": _("Activer"),
        "suspend": _("Suspendre"),
        "reactivate": _("Réactiver"),
    }


def decisions_for(trainer: Trainer) -> list[str]:
    """The decisions possible from the trainer's current state, in workflow order."""
    return [name for name, (sources, _target, _verb) in DECISIONS.items() if trainer.onboarding_state in sources]


def _reason_required_message(decision: str) -> str:
    return {
        "validate": _("Saisissez la décision du comité de validation (date, membres présents, motifs)."),
        "reject": _("Saisissez le motif du refus : il est conservé comme décision du comité."),
        "suspend": _("Saisissez le motif de la suspension."),
    }.get(decision, "")


@transaction.atomic
def trainer_decide(
    *, actor: Actor, trainer_id: int, decision: str, reason: str = "", decided_on: dt.date | None = None
) -> Trainer:
    """A decision of the comité de validation on the parcours formateur (Qualiopi indicator 21: the OF defines
    and checks the competences of its trainers).

    applied → validated (decision text required) or rejected (reason required); validated → active;
    validated/active → suspended (reason required); suspended → active. Anything else is refused.
    """
    actor.require("trainers.validate")
    if decision not in DECISIONS:
        raise ValidationError(
            {
                "decision": _("Décision inconnue « %(decision)s » : choisissez parmi %(choices)s.")
                % {"decision": decision, "choices": ", ".join(DECISIONS)}
            }
        )
    trainer = _trainer_for_update(actor, trainer_id)
    sources, target, verb = DECISIONS[decision]
    labels = decision_labels()
    if trainer.onboarding_state not in sources:
        states = dict(OnboardingState.choices)
        raise ValidationError(
            {
                "decision": _(
                    "« %(decision)s » est impossible pour %(name)s : son parcours est à l'étape « %(state)s » "
                    "(possible seulement depuis : %(sources)s)."
                )
                % {
                    "decision": labels[decision],
                    "name": trainer,
                    "state": states[trainer.onboarding_state],
                    "sources": ", ".join(str(states[s]) for s in sorted(sources)),
                }
            }
        )
    reason = (reason or "").strip()
    message = _reason_required_message(decision)
    if message and not reason:
        raise ValidationError({"reason": message})
    before = _snapshot(trainer)
    now = timezone.now()
    decided_at = _committee_date(trainer, decision, decided_on, now)
    trainer.onboarding_state = target
    if decision in {"validate", "reject"}:
        trainer.committee_decision = reason
        trainer.decided_by = actor.user
        trainer.decided_at = decided_at
    elif decision == "suspend":
        trainer.suspension_reason = reason
    elif decision == "reactivate":
        trainer.suspension_reason = ""
    trainer.save()
    # Access follows the onboarding: suspended or rejected, a trainer login stops at its next request or API call.
    if trainer.user_id and decision in {"suspend", "reject"}:
        membership_suspend_for_trainer(actor=actor, user_id=trainer.user_id)
    elif trainer.user_id and decision == "reactivate":
        membership_resume_for_trainer(actor=actor, user_id=trainer.user_id)
    log_action(
        actor=actor,
        obj=trainer,
        action=f"people.trainer.{verb}",
        data={
            "reason": reason,
            "changes": diff(before, _snapshot(trainer)),
            # A back-dated decision: the meeting's date, while the log keeps when it was recorded.
            **({"decided_on": decided_on.isoformat(), "recorded_at": now.isoformat()} if decided_on else {}),
        },
    )
    return trainer


def _committee_date(trainer: Trainer, decision: str, decided_on: dt.date | None, now: dt.datetime) -> dt.datetime:
    """When the comité de validation decided: now, or the date of its meeting recorded afterwards (a decision
    taken on paper). Never in the future, never before the application (Qualiopi indicator 21: the decision's
    date is evidence)."""
    if decided_on is None:
        return now
    if decision not in {"validate", "reject"}:
        raise ValidationError(
            {"decided_on": _("Seule une décision du comité (valider ou refuser) peut porter une date antérieure.")}
        )
    if decided_on > timezone.localdate(now):
        raise ValidationError({"decided_on": _("La date de la décision du comité ne peut pas être dans le futur.")})
    applied = timezone.localdate(trainer.created_at)
    if decided_on < applied:
        raise ValidationError(
            {
                "decided_on": _("La décision du comité ne peut pas précéder la candidature (enregistrée le %(date)s).")
                % {"date": applied.strftime("%d/%m/%Y")}
            }
        )
    return timezone.make_aware(dt.datetime.combine(decided_on, dt.time(12, 0)))


@transaction.atomic
def trainer_invite(*, actor: Actor, trainer_id: int) -> tuple[Trainer, Membership]:
    """Give the trainer a login: an invitation e-mailed to the trainer's address (accounts.services.invite), the
    profile linked to that account. Nobody here learns whether the address already has an account elsewhere;
    the trainer gets access once they accept. A person already active in the organisation is linked at once."""
    actor.require("trainers.validate")
    trainer = _trainer_for_update(actor, trainer_id)
    if trainer.onboarding_state in {OnboardingState.REJECTED, OnboardingState.SUSPENDED}:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _("%(name)s est « %(state)s » : pas d'accès tant que le parcours n'est pas rouvert.")
                % {"name": trainer, "state": trainer.get_onboarding_state_display()}
            }
        )
    email = (trainer.user.email if trainer.user is not None else trainer.email).strip().lower()
    if Trainer.objects.filter(organisation=actor.organisation, user__email=email).exclude(pk=trainer.pk).exists():
        raise ValidationError(
            {"email": _("Le compte %(email)s est déjà lié à un autre profil de formateur·rice.") % {"email": email}}
        )
    membership = (
        Membership.objects.filter(organisation=actor.organisation, user__email=email).select_related("user").first()
    )
    if membership is not None and membership.state == MembershipState.ACTIVE and trainer.user_id:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("%(name)s a déjà un accès (%(email)s).") % {"name": trainer, "email": email}}
        )
    if membership is not None and membership.state == MembershipState.REMOVED:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "%(email)s a été retiré·e de l'organisme : un·e administrateur·rice peut l'inviter de nouveau "
                    "depuis la page Utilisateurs."
                )
                % {"email": email}
            }
        )
    if membership is None or membership.state != MembershipState.ACTIVE:
        # Our own permission check is above (trainers.validate); org.manage is not needed to invite a trainer.
        membership = invite(
            actor=actor,
            email=email,
            # An invitation already pending keeps the role it offers (an admin may have chosen another one).
            role=membership.role
            if membership is not None and membership.state == MembershipState.INVITED
            else Role.TRAINER,
            first_name=trainer.first_name,
            last_name=trainer.last_name,
        )
    trainer.user = membership.user
    trainer.save(update_fields=["user", "updated_at"])
    log_action(
        actor=actor,
        obj=trainer,
        action="people.trainer.invited",
        data={"user": email, "role": membership.role, "state": membership.state},
    )
    return trainer, membership


# --- Clients and contacts ----------------------------------------------------------------------------------

CLIENT_FIELDS = {
    "kind",
    "name",
    "siret",
    "nda",
    "opco",
    "street",
    "postal_code",
    "city",
    "email",
    "phone",
    "notes",
    "member_structure_id",
}
SIRET_REQUIRED = {ClientKind.COMPANY, ClientKind.PUBLIC_BODY, ClientKind.TRAINING_ORG}


def _validate_client(client: Client) -> None:
    """Company, public body and training organisation: a SIRET (and for an OF its NDA, L6351-1, needed on the
    subcontracting contract and the BPF); a person paying for themself has none."""
    errors: Errors = {}
    _clean_identifiers(client)
    kinds = dict(ClientKind.choices)
    if not client.name:
        _add(errors, "name", _("Donnez le nom du client."))
    if client.kind in SIRET_REQUIRED and not client.siret:
        _add(
            errors,
            "siret",
            _("Un client « %(kind)s » doit avoir un SIRET (14 chiffres).") % {"kind": kinds[client.kind]},
        )
    if client.kind == ClientKind.TRAINING_ORG and not client.nda:
        _add(
            errors,
            "nda",
            _("Un organisme de formation client doit avoir son numéro de déclaration d'activité (NDA, 11 chiffres)."),
        )
    if client.kind == ClientKind.INDIVIDUAL and client.siret:
        _add(errors, "siret", _("Un particulier n'a pas de SIRET : laissez ce champ vide."))
    _validate(client, errors)


def _client_member_for_create(actor: Actor, member_structure_id: Any) -> MemberStructure | None:
    """Admin/quality choose the structure (or none: a client of the OF); others create for their own."""
    scope = actor_scope(actor)
    if scope.all:
        return _org_member(actor, member_structure_id) if member_structure_id not in (None, "") else None
    own = sorted(scope.member_structure_ids)
    if member_structure_id in (None, ""):
        if len(own) == 1:
            return _org_member(actor, own[0])
        if not own:
            raise PermissionDenied(
                _("Vous n'êtes rattaché·e à aucune structure membre : demandez à l'OF de créer ce client.")
            )
        raise ValidationError({"member_structure": _("Choisissez laquelle de vos structures suit ce client.")})
    member = _org_member(actor, member_structure_id)
    if member.pk not in own:
        raise PermissionDenied(
            _("Un client que vous créez est rattaché à votre structure, pas à « %(name)s ».") % {"name": member}
        )
    return member


@transaction.atomic
def client_create(
    *, actor: Actor, kind: str, name: str, member_structure_id: int | None = None, **fields: Any
) -> Client:
    actor.require("clients.create")
    member = _client_member_for_create(actor, member_structure_id)
    client = Client(organisation=actor.organisation, member_structure=member)
    _set_fields(client, {"kind": kind, "name": name, **fields}, CLIENT_FIELDS - {"member_structure_id"})
    _validate_client(client)
    client.save()
    log_action(actor=actor, obj=client, action="people.client.created", data={"fields": _snapshot(client)})
    return client


def _client_for_update(actor: Actor, client_id: int) -> Client:
    actor.require("clients.create")
    client = selectors.client_get(actor=actor, client_id=client_id)
    if not selectors.client_may_edit(actor=actor, client=client):
        raise PermissionDenied(
            _("Ce client est suivi par une autre structure : vous pouvez le consulter, pas le modifier.")
        )
    return Client.objects.select_for_update().get(pk=client.pk)


@transaction.atomic
def client_update(*, actor: Actor, client_id: int, **fields: Any) -> Client:
    client = _client_for_update(actor, client_id)
    if "member_structure_id" in fields and fields["member_structure_id"] in ("",):
        fields["member_structure_id"] = None
    new_member = fields.get("member_structure_id", client.member_structure_id)
    if new_member != client.member_structure_id:
        if not actor_scope(actor).all:
            raise PermissionDenied(_("Seule l'administration de l'OF change la structure qui suit un client."))
        if new_member is not None:
            _org_member(actor, new_member)
    before = _snapshot(client)
    _set_fields(client, fields, CLIENT_FIELDS)
    _validate_client(client)
    client.save()
    changes = diff(before, _snapshot(client))
    if changes:
        log_action(actor=actor, obj=client, action="people.client.updated", data={"changes": changes})
    return client


CONTACT_FIELDS = {"first_name", "last_name", "job_title", "email", "phone", "is_signatory"}


def _validate_contact(contact: Contact) -> None:
    errors: Errors = {}
    contact.email = (contact.email or "").strip().lower()
    if not contact.first_name and not contact.last_name:
        _add(errors, "last_name", _("Donnez au moins le nom du contact."))
    _validate(contact, errors)


@transaction.atomic
def contact_create(*, actor: Actor, client_id: int, **fields: Any) -> Contact:
    """Add a contact to a client (logged on the client's history)."""
    client = _client_for_update(actor, client_id)
    contact = Contact(organisation=actor.organisation, client=client)
    _set_fields(contact, fields, CONTACT_FIELDS)
    _validate_contact(contact)
    contact.save()
    log_action(
        actor=actor,
        obj=client,
        action="people.client.contact_added",
        data={"contact": contact, "fields": _snapshot(contact)},
    )
    return contact


@transaction.atomic
def contact_update(*, actor: Actor, client_id: int, contact_id: int, **fields: Any) -> Contact:
    client = _client_for_update(actor, client_id)
    contact = selectors.contact_get(actor=actor, client=client, contact_id=contact_id)
    before = _snapshot(contact)
    _set_fields(contact, fields, CONTACT_FIELDS)
    _validate_contact(contact)
    contact.save()
    changes = diff(before, _snapshot(contact))
    if changes:
        log_action(
            actor=actor,
            obj=client,
            action="people.client.contact_updated",
            data={"contact": contact, "changes": changes},
        )
    return contact


@transaction.atomic
def contact_delete(*, actor: Actor, client_id: int, contact_id: int) -> None:
    client = _client_for_update(actor, client_id)
    contact = selectors.contact_get(actor=actor, client=client, contact_id=contact_id)
    data = {"contact": {"id": contact.pk, "label": str(contact)}, "fields": _snapshot(contact)}
    contact.delete()
    log_action(actor=actor, obj=client, action="people.client.contact_removed", data=data)


# --- Trainees ----------------------------------------------------------------------------------------------

TRAINEE_FIELDS = {"first_name", "last_name", "email", "phone", "client_id", "job_title", "adaptation_needs"}
CONFIDENTIAL = "(confidentiel)"


def _trainee_client(actor: Actor, client_id: Any) -> Client | None:
    """The trainee's client must be one the actor sees; only the OF may record a trainee without client."""
    if client_id in (None, ""):
        if not actor_scope(actor).all:
            raise ValidationError(
                {"client": _("Choisissez le client du stagiaire (son employeur, ou lui-même s'il paie sa formation).")}
            )
        return None
    try:
        return selectors.client_get(actor=actor, client_id=int(client_id))
    except (Http404, ValueError, TypeError):
        raise ValidationError(
            {"client": _("Client inconnu ou hors de votre périmètre (n° %(id)s).") % {"id": client_id}}
        ) from None


def _validate_trainee(trainee: Trainee) -> None:
    errors: Errors = {}
    trainee.email = (trainee.email or "").strip().lower()
    _validate(trainee, errors)


def _trainee_log_data(data: dict[str, Any]) -> dict[str, Any]:
    """Adaptation needs may be health data: the log says that they changed, not what they say."""
    if "adaptation_needs" in data:
        value = data["adaptation_needs"]
        if isinstance(value, list):
            data["adaptation_needs"] = [CONFIDENTIAL if v else "" for v in value]
        else:
            data["adaptation_needs"] = CONFIDENTIAL if value else ""
    return data


@transaction.atomic
def trainee_create(
    *, actor: Actor, first_name: str, last_name: str, client_id: int | None = None, **fields: Any
) -> Trainee:
    """Register a trainee (stagiaire). Whoever may create clients may register their trainees."""
    actor.require("clients.create")
    client = _trainee_client(actor, client_id)
    trainee = Trainee(organisation=actor.organisation, client=client)
    _set_fields(trainee, {"first_name": first_name, "last_name": last_name, **fields}, TRAINEE_FIELDS - {"client_id"})
    _validate_trainee(trainee)
    trainee.save()
    log_action(
        actor=actor,
        obj=trainee,
        action="people.trainee.created",
        data={"fields": _trainee_log_data(_snapshot(trainee))},
    )
    return trainee


@transaction.atomic
def trainee_update(*, actor: Actor, trainee_id: int, **fields: Any) -> Trainee:
    visible = selectors.trainee_get(actor=actor, trainee_id=trainee_id)
    actor.require("clients.create")
    trainee = Trainee.objects.select_for_update().get(pk=visible.pk)
    if "client_id" in fields and fields["client_id"] != trainee.client_id:
        client = _trainee_client(actor, fields["client_id"])
        fields["client_id"] = client.pk if client else None
    before = _snapshot(trainee)
    _set_fields(trainee, fields, TRAINEE_FIELDS)
    _validate_trainee(trainee)
    trainee.save()
    changes = diff(before, _snapshot(trainee))
    if changes:
        log_action(
            actor=actor, obj=trainee, action="people.trainee.updated", data={"changes": _trainee_log_data(changes)}
        )
    return trainee
