# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the quality app: settings, evidence, the registers, audits and non-conformities, audit packs.

Every function checks the actor's flag, validates (ValidationError with a dict field -> message), saves in a
transaction and logs the event ("quality.<noun>.<verb>"). Updates take the record's id and lock it inside their
transaction (404 for "missing or not yours"); they change only the fields named in `EDITABLE`.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.core.dates import add_months
from coopforma.core.locking import lock_for_update
from coopforma.core.log import diff, log_action, snapshot
from coopforma.people.models import Trainer
from coopforma.quality.indicators import BY_NUMBER, SUBCONTRACTOR_PER_CONTRACT
from coopforma.quality.models import (
    Audit,
    AuditPack,
    Complaint,
    Evidence,
    ImprovementAction,
    NonConformity,
    QualitySettings,
    RegistryCheck,
    Severity,
    SubcontractorCheck,
    WatchEntry,
)
from coopforma.registry import selectors as registry_selectors

# Our own deadlines for the complaints register (the RNQ asks for a traced handling, not fixed delays).
ACKNOWLEDGE_DAYS = 5
ANSWER_DAYS = 30
# Arrêté du 31 mai 2023: a major non-conformity is lifted within 3 months, a minor one within 6 months.
NC_MONTHS = {Severity.MAJOR: 3, Severity.MINOR: 6}
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024  # an uploaded evidence file


# The fields each update service may change (the forms' fields); any other name is refused.
EDITABLE: dict[type[models.Model], frozenset[str]] = {
    QualitySettings: frozenset(
        {
            "certifying",
            "alternance",
            "work_based",
            "subcontracting",
            "acts_as_subcontractor",
            "principal_keeps",
            "new_entrant",
        }
    ),
    Complaint: frozenset(
        {
            "kind",
            "received_on",
            "source",
            "description",
            "session",
            "participant",
            "member_structure",
            "acknowledged_on",
            "analysis",
            "answered_on",
            "answer",
            "closed_on",
        }
    ),
    ImprovementAction: frozenset(
        {"source", "complaint", "cause", "action", "owner", "due_on", "done_on", "effect", "indicators"}
    ),
    WatchEntry: frozenset({"indicator", "seen_on", "source", "summary", "practice_change"}),
    Audit: frozenset({"kind", "planned_on", "done_on", "certifier", "auditor", "remote", "report", "notes"}),
    NonConformity: frozenset({"description", "action_plan", "closed_on", "closure_note", "closure_proof"}),
}


def _locked(actor: Actor, model: type[Any], pk: int, flag: str = "quality.manage") -> Any:
    """The organisation's record `pk`, locked; 404 when missing or another organisation's."""
    actor.require(flag)
    return lock_for_update(model.objects.for_actor(actor), pk)


def _check_tenant(actor: Actor, obj: models.Model) -> None:
    if getattr(obj, "organisation_id", None) != actor.organisation.pk:
        raise ValidationError({"__all__": _("Enregistrement d'un autre organisme.")})


def _save(actor: Actor, obj: Any, *, action: str, before: dict[str, Any] | None = None) -> Any:
    obj.organisation = actor.organisation
    obj.full_clean()
    obj.save()
    data = {"changes": diff(before, snapshot(obj))} if before is not None else {}
    log_action(actor=actor, obj=obj, action=action, data=data)
    return obj


def _apply(obj: Any, data: dict[str, Any]) -> None:
    """Set the editable fields of `data` on `obj`; a name outside `EDITABLE` is a programming error."""
    unknown = sorted(set(data) - EDITABLE[type(obj)])
    if unknown:
        raise TypeError(f"{type(obj).__name__}: fields not editable here: {', '.join(unknown)}")
    for name, value in data.items():
        setattr(obj, name, value)


def _not_future(errors: dict[str, str], today: dt.date, **dates: dt.date | None) -> None:
    for name, value in dates.items():
        if value and value > today:
            errors[name] = _("Cette date est dans le futur.")


def _indicators(errors: dict[str, str], numbers: list[Any], *, required: bool) -> list[int]:
    try:
        values = sorted({int(n) for n in numbers})
    except (TypeError, ValueError):
        values = [0]
    if required and not values:
        errors["indicators"] = _("Choisissez au moins un indicateur.")
    if any(n not in BY_NUMBER for n in values):
        errors["indicators"] = _("Les indicateurs sont numérotés de 1 à 32.")
    return values


# --- Settings and evidence -----------------------------------------------------------------------------------


@transaction.atomic
def settings_update(*, actor: Actor, **data: Any) -> QualitySettings:
    actor.require("quality.manage")
    if "principal_keeps" in data:
        try:
            keeps = sorted({int(n) for n in data["principal_keeps"] or []})
        except (TypeError, ValueError):
            keeps = [0]
        if any(n not in SUBCONTRACTOR_PER_CONTRACT for n in keeps):
            raise ValidationError(
                {
                    "principal_keeps": _(
                        "Seuls les indicateurs 7, 9, 13, 16 et 28 peuvent être laissés au donneur d'ordre par le "
                        "contrat de sous-traitance (guide de lecture V9)."
                    )
                }
            )
        data["principal_keeps"] = keeps
    obj, _created = QualitySettings.objects.select_for_update().get_or_create(organisation=actor.organisation)
    before = snapshot(obj)
    _apply(obj, data)
    return _save(actor, obj, action="quality.settings.updated", before=before)


@transaction.atomic
def evidence_create(*, actor: Actor, **data: Any) -> Evidence:
    actor.require("quality.manage")
    errors: dict[str, str] = {}
    data["indicators"] = _indicators(errors, data.get("indicators") or [], required=True)
    if not data.get("file") and not (data.get("note") or "").strip():
        errors["note"] = _("Déposez un fichier ou écrivez une note.")
    upload = data.get("file")
    if upload and getattr(upload, "size", 0) > MAX_EVIDENCE_BYTES:
        errors["file"] = _("Le fichier dépasse %(max)s Mo : déposez une version plus légère (PDF compressé…).") % {
            "max": MAX_EVIDENCE_BYTES // (1024 * 1024)
        }
    member = data.get("member_structure")
    if member is not None:
        _check_tenant(actor, member)
    if errors:
        raise ValidationError(errors)
    return _save(actor, Evidence(created_by=actor.user, **data), action="quality.evidence.created")


@transaction.atomic
def evidence_delete(*, actor: Actor, evidence_id: int) -> None:
    evidence = _locked(actor, Evidence, evidence_id)
    log_action(actor=actor, obj=evidence, action="quality.evidence.deleted", data={"title": evidence.title})
    evidence.delete()


# --- Complaints and incidents ---------------------------------------------------------------------------------


def _validate_complaint(c: Complaint, today: dt.date) -> None:
    errors: dict[str, str] = {}
    _not_future(errors, today, received_on=c.received_on, acknowledged_on=c.acknowledged_on,
                answered_on=c.answered_on, closed_on=c.closed_on)  # fmt: skip
    for name in ("acknowledged_on", "answered_on", "closed_on"):
        value = getattr(c, name)
        if value and c.received_on and value < c.received_on and name not in errors:
            errors[name] = _("Cette date précède la réception.")
    if c.answered_on and not c.answer.strip():
        errors["answer"] = _("Décrivez la réponse apportée.")
    if c.closed_on and not c.answered_on:
        errors["closed_on"] = _("Une réclamation se clôture après avoir reçu une réponse.")
    if c.session_id and c.participant is not None and c.participant.session_id != c.session_id:
        errors["participant"] = _("Ce ou cette stagiaire ne participe pas à la session choisie.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def complaint_report(*, actor: Actor, **data: Any) -> Complaint:
    """Anyone in the organisation records a complaint or an incident (flag quality.report)."""
    actor.require("quality.report")
    for key in ("session", "participant", "member_structure"):
        if data.get(key) is not None:
            _check_tenant(actor, data[key])
    complaint = Complaint(reported_by=actor.user, **data)
    if not complaint.member_structure_id and complaint.session is not None:
        complaint.member_structure_id = complaint.session.member_structure_id
    received = complaint.received_on or timezone.localdate()
    complaint.acknowledge_due = received + dt.timedelta(days=ACKNOWLEDGE_DAYS)
    complaint.answer_due = received + dt.timedelta(days=ANSWER_DAYS)
    if complaint.received_on:
        _validate_complaint(complaint, timezone.localdate())
    return _save(actor, complaint, action="quality.complaint.reported")


@transaction.atomic
def complaint_update(*, actor: Actor, complaint_id: int, **data: Any) -> Complaint:
    complaint = _locked(actor, Complaint, complaint_id)
    for key in ("session", "participant", "member_structure"):
        if data.get(key) is not None:
            _check_tenant(actor, data[key])
    before = snapshot(complaint)
    _apply(complaint, data)
    _validate_complaint(complaint, timezone.localdate())
    return _save(actor, complaint, action="quality.complaint.updated", before=before)


# --- Improvement actions, watch, subcontractor monitoring ----------------------------------------------------


def _validate_action(a: ImprovementAction, today: dt.date) -> None:
    errors: dict[str, str] = {}
    a.indicators = _indicators(errors, a.indicators or [], required=False)
    _not_future(errors, today, done_on=a.done_on)
    if a.complaint is not None and a.complaint.organisation_id != a.organisation_id:
        errors["complaint"] = _("Réclamation d'un autre organisme.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def improvement_create(*, actor: Actor, **data: Any) -> ImprovementAction:
    actor.require("quality.manage")
    action = ImprovementAction(organisation=actor.organisation, **data)
    _validate_action(action, timezone.localdate())
    return _save(actor, action, action="quality.improvement.created")


@transaction.atomic
def improvement_update(*, actor: Actor, improvement_id: int, **data: Any) -> ImprovementAction:
    improvement = _locked(actor, ImprovementAction, improvement_id)
    before = snapshot(improvement)
    _apply(improvement, data)
    _validate_action(improvement, timezone.localdate())
    return _save(actor, improvement, action="quality.improvement.updated", before=before)


def _validate_watch(entry: WatchEntry, today: dt.date) -> None:
    errors: dict[str, str] = {}
    _not_future(errors, today, seen_on=entry.seen_on)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def watch_create(*, actor: Actor, **data: Any) -> WatchEntry:
    actor.require("quality.manage")
    entry = WatchEntry(**data)
    _validate_watch(entry, timezone.localdate())
    return _save(actor, entry, action="quality.watch.created")


@transaction.atomic
def watch_update(*, actor: Actor, entry_id: int, **data: Any) -> WatchEntry:
    entry = _locked(actor, WatchEntry, entry_id)
    before = snapshot(entry)
    _apply(entry, data)
    _validate_watch(entry, timezone.localdate())
    return _save(actor, entry, action="quality.watch.updated", before=before)


@transaction.atomic
def check_create(*, actor: Actor, **data: Any) -> SubcontractorCheck:
    actor.require("quality.manage")
    check = SubcontractorCheck(**data)
    _check_tenant(actor, check.trainer)
    errors: dict[str, str] = {}
    _not_future(errors, timezone.localdate(), checked_on=check.checked_on)
    if check.next_check_on and check.checked_on and check.next_check_on <= check.checked_on:
        errors["next_check_on"] = _("La prochaine vérification doit suivre celle-ci.")
    if errors:
        raise ValidationError(errors)
    return _save(actor, check, action="quality.subcontractor_check.created")


@transaction.atomic
def registry_check_create(*, actor: Actor, trainer_id: int) -> RegistryCheck:
    """Look a subcontractor up in the public list of OFs and keep what was found as evidence (indicator 27).

    Any trainer of the organisation may be looked up (one with their own NDA, about to become a subcontractor);
    the page offers it for the subcontractors."""
    actor.require("quality.manage")
    trainer = lock_for_update(Trainer.objects.for_actor(actor), trainer_id)
    if not trainer.nda and not trainer.siret:
        raise ValidationError(
            {"__all__": _("Renseignez le NDA ou le SIRET de ce sous-traitant sur sa fiche pour le vérifier.")}
        )
    latest = registry_selectors.latest_import()
    if latest is None or latest.finished_at is None:
        raise ValidationError(
            {"__all__": _("La liste publique des organismes de formation n'a pas encore été importée ici.")}
        )
    found = registry_selectors.find(nda=trainer.nda, siret=trainer.siret)
    check = RegistryCheck(
        organisation=actor.organisation,
        trainer=trainer,
        checked_at=timezone.now(),
        nda=trainer.nda,
        siret=trainer.siret,
        found=found is not None and found.present,
        registered_nda=found.nda if found else "",
        registered_name=found.name if found else "",
        qualiopi_training=found.qualiopi_training if found and found.present else None,
        register_imported_at=latest.finished_at,
        register_source=latest.source,
    )
    return _save(actor, check, action="quality.registry_check.created")


# --- Audits and non-conformities ------------------------------------------------------------------------------


def _validate_audit(audit: Audit, today: dt.date) -> None:
    errors: dict[str, str] = {}
    _not_future(errors, today, done_on=audit.done_on)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def audit_create(*, actor: Actor, **data: Any) -> Audit:
    actor.require("quality.manage")
    audit = Audit(**data)
    if not audit.certifier:
        audit.certifier = actor.organisation.qualiopi_certifier
    _validate_audit(audit, timezone.localdate())
    return _save(actor, audit, action="quality.audit.created")


@transaction.atomic
def audit_update(*, actor: Actor, audit_id: int, **data: Any) -> Audit:
    audit = _locked(actor, Audit, audit_id)
    before = snapshot(audit)
    _apply(audit, data)
    _validate_audit(audit, timezone.localdate())
    return _save(actor, audit, action="quality.audit.updated", before=before)


def nonconformity_due(audit: Audit, severity: str) -> dt.date:
    return add_months(audit.done_on or audit.planned_on, NC_MONTHS[Severity(severity)])


@transaction.atomic
def nonconformity_create(*, actor: Actor, audit_id: int, **data: Any) -> NonConformity:
    """Record a non-conformity found at the audit; its deadline follows its severity (3 or 6 months)."""
    audit = _locked(actor, Audit, audit_id)
    nc = NonConformity(audit=audit, **data)
    if nc.severity in Severity.values:
        nc.due_on = nonconformity_due(audit, nc.severity)
    if nc.severity == Severity.MINOR and nc.indicator in BY_NUMBER and not BY_NUMBER[nc.indicator].minor_allowed:
        raise ValidationError(
            {
                "severity": _("Sur l'indicateur %(n)s, un écart est toujours une non-conformité majeure.")
                % {"n": nc.indicator}
            }
        )
    return _save(actor, nc, action="quality.nonconformity.created")


@transaction.atomic
def nonconformity_update(*, actor: Actor, nonconformity_id: int, **data: Any) -> NonConformity:
    """Write the action plan; close it with a proof (a note or a file)."""
    nonconformity = _locked(actor, NonConformity, nonconformity_id)
    before = snapshot(nonconformity)
    _apply(nonconformity, data)
    errors: dict[str, str] = {}
    _not_future(errors, timezone.localdate(), closed_on=nonconformity.closed_on)
    if nonconformity.closed_on and not (nonconformity.closure_note.strip() or nonconformity.closure_proof):
        errors["closure_note"] = _("Pour lever la non-conformité, décrivez ou déposez la preuve de levée.")
    if errors:
        raise ValidationError(errors)
    verb = "closed" if nonconformity.closed_on and not before.get("closed_on") else "updated"
    return _save(actor, nonconformity, action=f"quality.nonconformity.{verb}", before=before)


# --- Audit packs ---------------------------------------------------------------------------------------------


@transaction.atomic
def audit_pack_request(*, actor: Actor, period_start: dt.date | None, period_end: dt.date | None) -> AuditPack:
    """Record the request and build the zip in the background (tasks.build_audit_pack) once committed."""
    actor.require("quality.manage")
    if period_start and period_end and period_end < period_start:
        raise ValidationError({"period_end": _("La fin de la période précède son début.")})
    pack = _save(
        actor,
        AuditPack(period_start=period_start, period_end=period_end, requested_by=actor.user),
        action="quality.audit_pack.requested",
    )
    from coopforma.quality.tasks import build_audit_pack

    transaction.on_commit(lambda: build_audit_pack.enqueue(pack.pk))
    return pack
