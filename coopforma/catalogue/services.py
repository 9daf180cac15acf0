# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the catalogue: create, update, duplicate, and the programme validation workflow.

draft → submitted (by whoever may edit it) → validated (flag `catalogue.validate`), or back to draft with a
comment; archived / unarchived. A programme must be complete to be submitted or validated (Code du travail
L6353-1: "programme préétabli"; Qualiopi indicator 1). Certification rules follow the BPF cadre F-3.
"""

import re
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.catalogue import selectors
from coopforma.catalogue.models import (
    CQP_WITHOUT_LEVEL,
    ActionCategory,
    BpfObjective,
    CertificationKind,
    Training,
    TrainingStatus,
)
from coopforma.catalogue.nsf import NSF_LABELS
from coopforma.catalogue.search import training_search_text
from coopforma.core.log import diff, log_action, snapshot
from coopforma.people.models import Trainer
from coopforma.people.scope import actor_scope

MAX_OBJECTIVES = 20
MIN_OBJECTIVE_LENGTH = 10

# What create/update accept besides member_structure_id and trainer_ids (the API and the form use these names).
EDITABLE_FIELDS = (
    "title",
    "reference",
    "summary",
    "objectives",
    "audience",
    "prerequisites",
    "content",
    "duration_minutes",
    "modality",
    "methods",
    "evaluation_methods",
    "accessibility",
    "access_delay",
    "price_inter_cents",
    "price_intra_cents",
    "price_on_quote",
    "certification_kind",
    "certification_code",
    "rncp_level",
    "certification_title",
    "certifier",
    "certification_blocks",
    "certification_equivalences",
    "certification_outlets",
    "certification_success_rate",
    "certification_success_period",
    "certification_success_sample",
    "nsf_code",
    "formacode",
    "bpf_objective",
    "action_category",
    "is_public",
)
NON_TEXT_FIELDS = {
    "objectives",
    "duration_minutes",
    "price_inter_cents",
    "price_intra_cents",
    "price_on_quote",
    "rncp_level",
    "certification_success_rate",
    "certification_success_sample",
    "is_public",
}
TEXT_FIELDS = set(EDITABLE_FIELDS) - NON_TEXT_FIELDS


# --- rules --------------------------------------------------------------------------------------------


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("Champ inconnu ou non modifiable.") for name in sorted(unknown)})
    for name in TEXT_FIELDS & set(fields):
        fields[name] = (fields[name] or "").strip()
    if "certification_code" in fields:
        fields["certification_code"] = re.sub(r"\s+", "", fields["certification_code"]).upper()
    return fields


def _take_objectives(fields: dict[str, Any], errors: dict[str, Any]) -> None:
    """Clean fields["objectives"] in place, or record its error (so every other error is reported too)."""
    if "objectives" not in fields:
        return
    try:
        fields["objectives"] = _clean_objectives(fields["objectives"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
        fields.pop("objectives")


def _clean_objectives(objectives: Any) -> list[str]:
    if objectives is None:
        return []
    if isinstance(objectives, str) or not isinstance(objectives, (list, tuple)):
        raise ValidationError({"objectives": _("Les objectifs doivent être une liste de phrases.")})
    cleaned = [str(item).strip() for item in objectives if str(item).strip()]
    if len(cleaned) > MAX_OBJECTIVES:
        raise ValidationError(
            {
                "objectives": _("%(count)d objectifs : %(max)d au plus. Regroupez les objectifs proches.")
                % {"count": len(cleaned), "max": MAX_OBJECTIVES}
            }
        )
    errors = [
        _("L'objectif n° %(n)d (« %(text)s ») est trop court : %(min)d caractères au moins.")
        % {"n": n, "text": text, "min": MIN_OBJECTIVE_LENGTH}
        for n, text in enumerate(cleaned, start=1)
        if len(text) < MIN_OBJECTIVE_LENGTH
    ]
    if errors:
        raise ValidationError({"objectives": errors})
    return cleaned


def _check_rules(training: Training) -> None:
    """Certification (BPF F-3), NSF and Formacode rules, all errors at once."""
    errors: dict[str, str] = {}
    # A bilan de compétences and a VAE accompaniment have their own BPF objective (cadre F-3, lines e and f),
    # whatever certification they lead to.
    own_objectives: dict[str, BpfObjective] = {
        ActionCategory.SKILLS_ASSESSMENT: BpfObjective.SKILLS_ASSESSMENT,
        ActionCategory.VAE: BpfObjective.VAE,
    }
    category_objective = own_objectives.get(training.action_category)
    kind, code, level, objective = (
        training.certification_kind,
        training.certification_code,
        training.rncp_level,
        training.bpf_objective,
    )
    if kind == CertificationKind.RNCP:
        if not re.fullmatch(r"RNCP\d+", code):
            errors["certification_code"] = _(
                "Une certification RNCP demande un code de la forme RNCP35219 (reçu : « %(code)s »)."
            ) % {"code": code}
        if level is None or not (2 <= level <= 8 or level == CQP_WITHOUT_LEVEL):
            errors["rncp_level"] = _(
                "Indiquez le niveau RNCP de la certification (de 2 à 8), ou « CQP sans niveau » pour un CQP "
                "enregistré au RNCP sans niveau (BPF cadre F-3 a)."
            )
        if not objective:
            training.bpf_objective = BpfObjective.RNCP
        elif objective != BpfObjective.RNCP:
            errors["bpf_objective"] = _("Une certification RNCP relève de l'objectif BPF « a » (cadre F-3).")
    elif kind == CertificationKind.RS:
        if not re.fullmatch(r"RS\d+", code):
            errors["certification_code"] = _(
                "Une certification du Répertoire spécifique demande un code de la forme RS5142 (reçu : « %(code)s »)."
            ) % {"code": code}
        if level is not None:
            errors["rncp_level"] = _("Une certification RS n'a pas de niveau RNCP : laissez ce champ vide.")
        if not objective:
            training.bpf_objective = BpfObjective.RS
        elif objective != BpfObjective.RS:
            errors["bpf_objective"] = _("Une certification RS relève de l'objectif BPF « b » (cadre F-3).")
    else:
        if code:
            errors["certification_code"] = _(
                "Une formation non certifiante n'a pas de code RNCP ou RS : videz ce champ ou choisissez la "
                "certification."
            )
        if level is not None:
            errors["rncp_level"] = _("Une formation non certifiante n'a pas de niveau RNCP : laissez ce champ vide.")
        if objective in {BpfObjective.RNCP, BpfObjective.RS}:
            errors["bpf_objective"] = _(
                "Les objectifs BPF « a » et « b » sont réservés aux certifications RNCP et RS : choisissez la "
                "certification ou un autre objectif."
            )
    if training.action_category not in ActionCategory.values:
        errors["action_category"] = _("Nature de l'action inconnue.")
    elif category_objective is not None:
        if not objective or objective in {BpfObjective.RNCP, BpfObjective.RS}:
            training.bpf_objective = category_objective
            errors.pop("bpf_objective", None)
        elif objective != category_objective:
            errors["bpf_objective"] = _("Pour cette nature d'action, l'objectif BPF est « %(label)s » (cadre F-3).") % {
                "label": category_objective.label
            }
    elif objective in {BpfObjective.SKILLS_ASSESSMENT, BpfObjective.VAE}:
        errors["action_category"] = _(
            "L'objectif BPF « %(label)s » suppose la nature d'action correspondante : choisissez-la."
        ) % {"label": BpfObjective(objective).label}
    if training.nsf_code and training.nsf_code not in NSF_LABELS:
        errors["nsf_code"] = _("Le code NSF « %(code)s » n'existe pas dans la nomenclature NSF.") % {
            "code": training.nsf_code
        }
    if training.formacode and not re.fullmatch(r"\d{5}", training.formacode):
        errors["formacode"] = _("Le Formacode doit compter 5 chiffres, par exemple 15043 (reçu : « %(value)s »).") % {
            "value": training.formacode
        }
    rate, sample = training.certification_success_rate, training.certification_success_sample
    if rate is not None and (sample is None or not training.certification_success_period.strip()):
        # Qualiopi indicators 2 and 3: a published rate says over which period and how many candidates.
        errors["certification_success_rate"] = _(
            "Un taux d'obtention se publie avec sa période et le nombre de candidat·es présenté·es : "
            "renseignez-les aussi."
        )
    if sample == 0 and rate is not None:
        errors["certification_success_sample"] = _("Aucun·e candidat·e présenté·e : pas de taux d'obtention à publier.")
    if training.is_public and training.status != TrainingStatus.VALIDATED:
        errors["is_public"] = _("Seule une formation validée peut être publiée au catalogue public.")
    if errors:
        raise ValidationError(errors)


def _validate(training: Training) -> None:
    """Our rules first (their messages are the precise ones), then the model's own validation."""
    rule_errors: dict[str, list[str]] = {}
    try:
        _check_rules(training)
    except ValidationError as exc:
        rule_errors = exc.message_dict
    try:
        training.full_clean(exclude=["organisation", "member_structure", *rule_errors])
    except ValidationError as exc:
        rule_errors.update(exc.message_dict)
    if rule_errors:
        raise ValidationError(rule_errors)


def _require_complete(training: Training, verb: str) -> None:
    missing = training.missing_programme_fields()
    if missing:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _("Programme incomplet, impossible de %(verb)s : il manque %(fields)s.")
                % {"verb": verb, "fields": ", ".join(missing)}
            }
        )


def _resolve_structure(actor: Actor, member_structure_id: int | None, current_id: int | None = None) -> int:
    """The member structure of a training: chosen by staff, forced to one's own for a trainer or manager."""
    allowed = list(selectors.member_structure_choices(actor=actor).values_list("pk", flat=True))
    if member_structure_id is None:
        if current_id is not None:
            return current_id
        if len(allowed) == 1 and not actor_scope(actor).all:
            return allowed[0]
        if not allowed:
            raise ValidationError(
                {"member_structure_id": _("Vous n'êtes rattaché·e à aucune structure membre active de l'organisme.")}
            )
        raise ValidationError({"member_structure_id": _("Choisissez la structure membre qui porte la formation.")})
    member_structure_id = int(member_structure_id)
    if member_structure_id == current_id:
        return member_structure_id
    scope = actor_scope(actor)
    if current_id is not None and scope.trainer_id is not None and not scope.all:
        raise ValidationError(
            {"member_structure_id": _("Seul·e un·e gérant·e ou l'équipe qualité peut changer la structure membre.")}
        )
    if member_structure_id in allowed:
        return member_structure_id
    raise ValidationError(
        {
            "member_structure_id": _(
                "Cette structure membre n'est pas l'une de celles où vous pouvez créer une formation."
            )
        }
    )


def _resolve_trainers(actor: Actor, trainer_ids: list[int], keep_ids: set[int]) -> list[int]:
    """Trainers of this organisation who may deliver (validated or active); those already assigned may stay."""
    wanted = list(dict.fromkeys(int(pk) for pk in trainer_ids))
    found = {t.pk: t for t in Trainer.objects.filter(organisation=actor.organisation, pk__in=wanted)}
    unknown = [pk for pk in wanted if pk not in found]
    if unknown:
        raise ValidationError(
            {"trainer_ids": _("Formateur·rice inconnu·e dans cet organisme : %(ids)s.") % {"ids": unknown}}
        )
    not_ready = [found[pk].full_name for pk in wanted if pk not in keep_ids and not found[pk].can_deliver]
    if not_ready:
        raise ValidationError(
            {
                "trainer_ids": _(
                    "Seul·es les formateur·rices validé·es ou actif·ves peuvent être associé·es : %(names)s."
                )
                % {"names": ", ".join(not_ready)}
            }
        )
    return wanted


def _get_for_update(actor: Actor, training_id: int) -> Training:
    """Lock a visible training (404 otherwise); the selector's scope, then a row lock."""
    selectors.training_get(actor=actor, training_id=training_id)
    return Training.objects.select_for_update().get(pk=training_id, organisation=actor.organisation)


def _require_editable(actor: Actor, training: Training) -> None:
    if not selectors.training_editable(actor=actor, training=training):
        raise PermissionDenied("catalogue.edit")


def _trainer_ids(training: Training) -> list[int]:
    return sorted(training.trainers.values_list("pk", flat=True))


# --- writes -------------------------------------------------------------------------------------------


@transaction.atomic
def training_create(
    *,
    actor: Actor,
    member_structure_id: int | None = None,
    trainer_ids: list[int] | None = None,
    **fields: Any,
) -> Training:
    """A new draft programme. A trainer who creates it is added to its trainers."""
    actor.require("catalogue.create")
    fields = _normalise(fields)
    errors: dict[str, Any] = {}
    _take_objectives(fields, errors)
    try:
        structure_id = _resolve_structure(actor, member_structure_id)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        structure_id = None
    trainers: list[int] = []
    try:
        trainers = _resolve_trainers(actor, trainer_ids or [], keep_ids=set())
    except ValidationError as exc:
        errors.update(exc.message_dict)
    training = Training(organisation=actor.organisation, status=TrainingStatus.DRAFT, created_by=actor.user, **fields)
    if structure_id is not None:  # otherwise its error is already in `errors`
        training.member_structure_id = structure_id
    try:
        _validate(training)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    training.search_text = training_search_text(training)
    training.save()
    own_trainer_id = actor_scope(actor).trainer_id
    if own_trainer_id is not None and own_trainer_id not in trainers:
        trainers.append(own_trainer_id)
    training.trainers.set(trainers)
    log_action(
        actor=actor,
        obj=training,
        action="catalogue.training.created",
        data={"title": training.title, "member_structure": structure_id, "trainers": sorted(trainers)},
    )
    return training


@transaction.atomic
def training_update(
    *,
    actor: Actor,
    training_id: int,
    member_structure_id: int | None = None,
    trainer_ids: list[int] | None = None,
    **fields: Any,
) -> Training:
    """Change a programme. Without `catalogue.validate`, changing a validated programme sends it back to draft.

    Only the fields given change (None for member_structure_id / trainer_ids: unchanged).
    """
    training = _get_for_update(actor, training_id)
    _require_editable(actor, training)
    if training.status == TrainingStatus.ARCHIVED:
        raise ValidationError({NON_FIELD_ERRORS: _("Cette formation est archivée : désarchivez-la pour la modifier.")})
    fields = _normalise(fields)
    before = snapshot(training)
    before_trainers = _trainer_ids(training)
    errors: dict[str, Any] = {}
    _take_objectives(fields, errors)
    try:
        training.member_structure_id = _resolve_structure(actor, member_structure_id, training.member_structure_id)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    new_trainers = before_trainers
    if trainer_ids is not None:
        try:
            new_trainers = sorted(_resolve_trainers(actor, trainer_ids, keep_ids=set(before_trainers)))
        except ValidationError as exc:
            errors.update(exc.message_dict)
        own_trainer_id = actor_scope(actor).trainer_id
        if not actor_scope(actor).all and own_trainer_id in before_trainers and own_trainer_id not in new_trainers:
            errors["trainer_ids"] = [
                _("Vous ne pouvez pas vous retirer des formateur·rices : vous ne pourriez plus modifier la formation.")
            ]
    for name, value in fields.items():
        setattr(training, name, value)
    # Publishing or unpublishing alone does not touch the programme, so it does not need a new review.
    programme_changes = {k for k in diff(before, snapshot(training)) if k != "is_public"}
    changed = bool(programme_changes) or new_trainers != before_trainers
    returned_to_draft = changed and training.status == TrainingStatus.VALIDATED and not actor.has("catalogue.validate")
    if returned_to_draft:
        # A validated programme is what the OF vouches for: any change by its author needs a new review.
        training.status = TrainingStatus.DRAFT
        training.is_public = False
        training.validated_by = None
        training.validated_at = None
    try:
        _validate(training)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    training.search_text = training_search_text(training)
    training.save()
    if new_trainers != before_trainers:
        training.trainers.set(new_trainers)
    changes = diff(before, snapshot(training))
    changes.pop("search_text", None)  # derived from the fields whose changes are logged
    if new_trainers != before_trainers:
        changes["trainers"] = [before_trainers, new_trainers]
    if changes:
        data: dict[str, Any] = {"changes": changes}
        if returned_to_draft:
            data["returned_to_draft"] = True
        log_action(actor=actor, obj=training, action="catalogue.training.updated", data=data)
    return training


@transaction.atomic
def training_submit(*, actor: Actor, training_id: int) -> Training:
    """Ask for validation: the programme must be complete."""
    training = _get_for_update(actor, training_id)
    _require_editable(actor, training)
    if training.status != TrainingStatus.DRAFT:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _("Seule une formation en brouillon peut être soumise (état actuel : %(status)s).")
                % {"status": training.get_status_display()}
            }
        )
    _require_complete(training, _("soumettre le programme"))
    training.status = TrainingStatus.SUBMITTED
    training.review_comment = ""
    training.save(update_fields=["status", "review_comment", "updated_at"])
    log_action(actor=actor, obj=training, action="catalogue.training.submitted", data={})
    return training


@transaction.atomic
def training_validate(*, actor: Actor, training_id: int) -> Training:
    """The OF vouches for the programme (flag `catalogue.validate`); it must be complete."""
    training = _get_for_update(actor, training_id)
    actor.require("catalogue.validate")
    if training.status not in {TrainingStatus.DRAFT, TrainingStatus.SUBMITTED}:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _("Cette formation ne peut pas être validée dans l'état « %(status)s ».")
                % {"status": training.get_status_display()}
            }
        )
    _require_complete(training, _("valider le programme"))
    training.status = TrainingStatus.VALIDATED
    training.validated_by = actor.user
    training.validated_at = timezone.now()
    training.review_comment = ""
    training.save(update_fields=["status", "validated_by", "validated_at", "review_comment", "updated_at"])
    log_action(actor=actor, obj=training, action="catalogue.training.validated", data={})
    return training


@transaction.atomic
def training_return_to_draft(*, actor: Actor, training_id: int, comment: str) -> Training:
    """Send a submitted (or validated) programme back to its authors, saying what to change."""
    training = _get_for_update(actor, training_id)
    actor.require("catalogue.validate")
    comment = (comment or "").strip()
    errors: dict[str, str] = {}
    if training.status not in {TrainingStatus.SUBMITTED, TrainingStatus.VALIDATED}:
        errors[NON_FIELD_ERRORS] = _("Seule une formation soumise ou validée peut être renvoyée en brouillon.")
    if not comment:
        errors["comment"] = _("Expliquez ce qui doit être repris dans le programme.")
    if errors:
        raise ValidationError(errors)
    before_status = training.status
    training.status = TrainingStatus.DRAFT
    training.is_public = False
    training.validated_by = None
    training.validated_at = None
    training.review_comment = comment
    training.save(update_fields=["status", "is_public", "validated_by", "validated_at", "review_comment", "updated_at"])
    log_action(
        actor=actor,
        obj=training,
        action="catalogue.training.returned",
        data={"comment": comment, "changes": {"status": [before_status, TrainingStatus.DRAFT]}},
    )
    return training


@transaction.atomic
def training_archive(*, actor: Actor, training_id: int, archived: bool = True) -> Training:
    """Take a programme out of the catalogue (and the public site), or bring it back as a draft to review."""
    training = _get_for_update(actor, training_id)
    _require_editable(actor, training)
    is_archived = training.status == TrainingStatus.ARCHIVED
    if archived == is_archived:
        message = _("Cette formation est déjà archivée.") if archived else _("Cette formation n'est pas archivée.")
        raise ValidationError({NON_FIELD_ERRORS: message})
    before = snapshot(training, ["status", "is_public"])
    training.status = TrainingStatus.ARCHIVED if archived else TrainingStatus.DRAFT
    training.is_public = False
    training.save(update_fields=["status", "is_public", "updated_at"])
    log_action(
        actor=actor,
        obj=training,
        action="catalogue.training.archived" if archived else "catalogue.training.unarchived",
        data={"changes": diff(before, snapshot(training, ["status", "is_public"]))},
    )
    return training


@transaction.atomic
def training_duplicate(*, actor: Actor, training_id: int) -> Training:
    """A new draft copy ("Copie de …") the actor may edit: same structure when they may use it, else theirs."""
    actor.require("catalogue.create")
    source = selectors.training_get(actor=actor, training_id=training_id)
    allowed = set(selectors.member_structure_choices(actor=actor).values_list("pk", flat=True))
    same_structure = actor_scope(actor).all or source.member_structure_id in allowed
    structure_id = source.member_structure_id if same_structure else _resolve_structure(actor, None)
    copy = Training(
        organisation=actor.organisation,
        member_structure_id=structure_id,
        status=TrainingStatus.DRAFT,
        created_by=actor.user,
        **{name: getattr(source, name) for name in EDITABLE_FIELDS if name not in {"is_public", "reference"}},
    )
    copy.title = (_("Copie de %(title)s") % {"title": source.title})[: Training._meta.get_field("title").max_length]
    copy.objectives = list(source.objectives or [])
    copy.search_text = training_search_text(copy)
    copy.save()
    trainers = [t.pk for t in source.trainers.all()] if same_structure else []
    own_trainer_id = actor_scope(actor).trainer_id
    if own_trainer_id is not None and own_trainer_id not in trainers:
        trainers.append(own_trainer_id)
    copy.trainers.set(trainers)
    log_action(
        actor=actor,
        obj=copy,
        action="catalogue.training.duplicated",
        data={"source": {"id": source.pk, "label": source.title}, "trainers": sorted(trainers)},
    )
    return copy
