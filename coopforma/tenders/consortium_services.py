# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the consortium builder (docs/tenders.md, « Groupements »).

The network's moderators form a groupement from a notice with the member organisations that said « Ça
m'intéresse » (Code de la commande publique R2142-19 ff.: co-traitance conjointe or solidaire with a mandataire;
or sous-traitance, law n° 75-1334), set the shares of each lot in per-mille (integers; the shares of a lot add up
to 1000, or the lot is not answered), pick the team among the trainers proposed, set the milestones and record
the outcome. Members of the groupement read it; only the moderators change it. A won groupement's buyer becomes
a client of the mandataire's organisation, by a person of that organisation (people.services.client_create; an
existing client with the same SIRET is reused).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import actor_for as organisation_actor
from coopforma.accounts.models import Membership
from coopforma.billing.services import invoice_create_for_client
from coopforma.core.formatting import fr_date
from coopforma.core.identifiers import validate_siret
from coopforma.core.log import log_action
from coopforma.networks.access import NetworkActor
from coopforma.people.models import Client, ClientKind, Trainee
from coopforma.people.services import client_create
from coopforma.tenders.consortium_selectors import (
    answered_lots,
    interested_organisations,
    mandataire_trainings,
    team_proposals,
)
from coopforma.tenders.models import (
    Consortium,
    ConsortiumCalendarFeed,
    ConsortiumForm,
    ConsortiumLotContract,
    ConsortiumMember,
    ConsortiumMilestone,
    ConsortiumShare,
    ConsortiumState,
    ConsortiumTrainer,
    MilestoneKind,
    Nature,
    Notice,
)
from coopforma.training_sessions.models import EnrolmentStatus
from coopforma.training_sessions.services.enrolments import enrolment_create
from coopforma.training_sessions.services.participants import participant_add
from coopforma.training_sessions.services.sessions import session_create

FULL = 1000  # per-mille
DEADLINE_REMIND_DAYS = 7

# state -> the states it may go to.
TRANSITIONS: dict[str, set[str]] = {
    ConsortiumState.FORMING: {ConsortiumState.SUBMITTED, ConsortiumState.WITHDRAWN},
    ConsortiumState.SUBMITTED: {ConsortiumState.WON, ConsortiumState.LOST, ConsortiumState.WITHDRAWN},
    ConsortiumState.WON: set(),
    ConsortiumState.LOST: set(),
    ConsortiumState.WITHDRAWN: set(),
}


def _require_moderator(actor: NetworkActor, consortium: Consortium | None = None) -> None:
    actor.require("tenders.view")
    if not actor.is_moderator:
        raise PermissionDenied(_("Seul·es les modérateur·rices du réseau forment et modifient les groupements."))
    if consortium is not None and consortium.network_id != actor.network.pk:
        raise PermissionDenied


def _check_period(start: dt.date | None, end: dt.date | None) -> None:
    if start and end and end < start:
        raise ValidationError({"period_end": _("La fin d'exécution précède son début.")})


def consortium_create(
    *,
    actor: NetworkActor,
    notice: Notice,
    form: str,
    mandataire_id: int,
    member_ids: list[int],
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    shares: dict[tuple[int, int | None], int] | None = None,
) -> Consortium:
    """A groupement of at least two of the member organisations interested in `notice`, the mandataire among
    them; with `shares` (as consortium_shares_set), its lots shared in the same step (refused shares: nothing
    written, the errors under `shares`)."""
    _require_moderator(actor)
    errors: dict[str, str] = {}
    if form not in ConsortiumForm.values:
        errors["form"] = _("Forme inconnue : co-traitance conjointe, co-traitance solidaire ou sous-traitance.")
    if notice.cancelled:
        errors["__all__"] = _("Cet avis est annulé : on ne forme pas de groupement pour y répondre.")
    candidates = {o.pk for o in interested_organisations(network_id=actor.network.pk, notice=notice)}
    chosen = set(member_ids) | {mandataire_id}
    if mandataire_id not in candidates:
        errors["mandataire"] = _("Le ou la mandataire doit être une organisation membre intéressée par l'avis.")
    if chosen - candidates:
        errors["members"] = _(
            "Seules les organisations membres intéressées par l'avis peuvent faire partie du groupement."
        )
    elif len(chosen) < 2:
        errors["members"] = _("Un groupement réunit au moins deux organisations membres.")
    if errors:
        raise ValidationError(errors)
    _check_period(period_start, period_end)
    with transaction.atomic():
        consortium = Consortium.objects.create(
            network=actor.network,
            notice=notice,
            form=form,
            mandataire_id=mandataire_id,
            period_start=period_start,
            period_end=period_end,
            created_by=actor.user,
        )
        ConsortiumMember.objects.bulk_create(
            [ConsortiumMember(consortium=consortium, organisation_id=pk) for pk in sorted(chosen)]
        )
        if notice.current_deadline is not None:
            ConsortiumMilestone.objects.create(
                consortium=consortium,
                kind=MilestoneKind.DEADLINE,
                due_on=timezone.localdate(notice.current_deadline),
                remind_days=DEADLINE_REMIND_DAYS,
            )
        log_action(
            actor=actor.user,
            obj=consortium,
            action="tenders.consortium.created",
            data={"idweb": notice.idweb, "form": form, "mandataire": mandataire_id, "members": sorted(chosen)},
        )
        if shares is not None:
            _shares_named(actor, consortium, shares)
    return consortium


def _shares_named(actor: NetworkActor, consortium: Consortium, shares: dict[tuple[int, int | None], int]) -> None:
    """consortium_shares_set, its errors (a list: they are about the table as a whole) under `shares`."""
    try:
        consortium_shares_set(actor=actor, consortium=consortium, shares=shares)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise ValidationError({"shares": exc.error_list}) from None


KEEP: Any = object()  # consortium_revise: this date does not change


def consortium_revise(
    *,
    actor: NetworkActor,
    consortium: Consortium,
    form: str | None = None,
    mandataire_id: int | None = None,
    member_ids: list[int] | None = None,
    shares: dict[tuple[int, int | None], int] | None = None,
    period_start: dt.date | None = KEEP,
    period_end: dt.date | None = KEEP,
) -> Consortium:
    """Change a forming groupement in one step, all or nothing (the API's PATCH): what is given changes (None:
    unchanged; a date of the period: KEEP unchanged, None emptied). `member_ids`: the members wanted (the
    mandataire is one). In this order, each step by its own service and rules: the organisations not yet in it
    are added (consortium_member_add), the shares replaced (consortium_shares_set), the members left out removed
    (consortium_member_remove: the mandataire only when `mandataire_id` names another member), then the form, the
    mandataire and the period (consortium_update)."""
    _require_moderator(actor, consortium)
    if consortium.state != ConsortiumState.FORMING:
        raise ValidationError(_("Le groupement n'est plus en constitution : il ne change plus."))
    with transaction.atomic():
        current = set(consortium.members.values_list("organisation_id", flat=True))
        wanted = current
        if member_ids is not None:
            wanted = set(member_ids) | ({mandataire_id} if mandataire_id is not None else set())
            for organisation_id in sorted(wanted - current):
                consortium_member_add(actor=actor, consortium=consortium, organisation_id=organisation_id)
        if shares is not None:
            _shares_named(actor, consortium, shares)
        for organisation_id in sorted(current - wanted):
            consortium_member_remove(
                actor=actor, consortium=consortium, organisation_id=organisation_id, new_mandataire_id=mandataire_id
            )
        if form is not None or mandataire_id is not None or period_start is not KEEP or period_end is not KEEP:
            consortium_update(
                actor=actor,
                consortium=consortium,
                form=consortium.form if form is None else form,
                mandataire_id=consortium.mandataire_id if mandataire_id is None else mandataire_id,
                period_start=consortium.period_start if period_start is KEEP else period_start,
                period_end=consortium.period_end if period_end is KEEP else period_end,
            )
    return consortium


def deadlines_follow(*, notice_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """After an import: the deadline milestones of the open groupements (forming or submitted) answering these
    notices follow the notice's deadline in force (`current_deadline`, moved by a rectification or an update of
    the notice). A moved milestone keeps its previous date, when it moved and the rectification that moved it,
    and its reminder is re-armed (sent again `remind_days` before the new date). Returns how many moved."""
    from coopforma.tenders.consortium_reminders import OPEN_STATES

    now = now or timezone.now()
    milestones = ConsortiumMilestone.objects.filter(
        kind=MilestoneKind.DEADLINE,
        consortium__state__in=OPEN_STATES,
        consortium__notice_id__in=list(notice_ids),
        consortium__notice__current_deadline__isnull=False,
    ).select_related("consortium", "consortium__notice")
    moved = 0
    for milestone in milestones.order_by("pk"):
        notice = milestone.consortium.notice
        assert notice.current_deadline is not None
        new_date = timezone.localdate(notice.current_deadline)
        if new_date == milestone.due_on:
            continue
        rectification = (
            Notice.objects.filter(
                links_out__target=notice, nature=Nature.RECTIFICATION, deadline=notice.current_deadline
            )
            .order_by("-published_on", "-idweb")
            .first()
        )
        previous = milestone.due_on
        milestone.moved_from, milestone.due_on = previous, new_date
        milestone.moved_at, milestone.rectified_by = now, rectification
        milestone.reminded_at = None
        milestone.save(update_fields=["moved_from", "due_on", "moved_at", "rectified_by", "reminded_at"])
        log_action(
            actor=None,
            obj=milestone.consortium,
            action="tenders.consortium.deadline_moved",
            data={
                "from": previous.isoformat(),
                "to": new_date.isoformat(),
                "rectification": rectification.idweb if rectification else None,
            },
        )
        moved += 1
    return moved


def consortium_update(
    *,
    actor: NetworkActor,
    consortium: Consortium,
    form: str,
    mandataire_id: int,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> Consortium:
    """The form, the mandataire (a member) and the execution period, while the groupement is forming."""
    _require_moderator(actor, consortium)
    if consortium.state != ConsortiumState.FORMING:
        raise ValidationError(_("Le groupement n'est plus en constitution : il ne change plus."))
    if form not in ConsortiumForm.values:
        raise ValidationError({"form": _("Forme inconnue : co-traitance conjointe, solidaire ou sous-traitance.")})
    if not consortium.members.filter(organisation_id=mandataire_id).exists():
        raise ValidationError({"mandataire": _("Le ou la mandataire doit être membre du groupement.")})
    _check_period(period_start, period_end)
    with transaction.atomic():
        consortium.form = form
        consortium.mandataire_id = mandataire_id
        consortium.period_start, consortium.period_end = period_start, period_end
        consortium.save()
        log_action(
            actor=actor.user,
            obj=consortium,
            action="tenders.consortium.updated",
            data={"form": form, "mandataire": mandataire_id},
        )
    return consortium


def _require_forming(consortium: Consortium) -> None:
    if consortium.state != ConsortiumState.FORMING:
        raise ValidationError(_("Le groupement n'est plus en constitution : ses membres ne changent plus."))


def consortium_member_add(*, actor: NetworkActor, consortium: Consortium, organisation_id: int) -> ConsortiumMember:
    """Add a member while forming: an organisation of the network interested in the notice, not yet in it. It
    has no share yet (the lots still add up); give it some with the shares form."""
    _require_moderator(actor, consortium)
    _require_forming(consortium)
    candidates = {o.pk for o in interested_organisations(network_id=actor.network.pk, notice=consortium.notice)}
    if organisation_id not in candidates:
        raise ValidationError(
            {
                "organisation": _(
                    "Seules les organisations membres intéressées par l'avis peuvent rejoindre le groupement."
                )
            }
        )
    if consortium.members.filter(organisation_id=organisation_id).exists():
        raise ValidationError({"organisation": _("Cette organisation est déjà membre du groupement.")})
    with transaction.atomic():
        member = ConsortiumMember.objects.create(consortium=consortium, organisation_id=organisation_id)
        log_action(
            actor=actor.user,
            obj=consortium,
            action="tenders.consortium.member_added",
            data={"organisation": organisation_id},
        )
    return member


def consortium_member_remove(
    *, actor: NetworkActor, consortium: Consortium, organisation_id: int, new_mandataire_id: int | None = None
) -> Consortium:
    """Remove a member while forming. The shares are re-checked: a member that still holds a share would leave
    its lots short of 1000 ‰, so its shares go to the others first (shares form). The mandataire leaves only
    with another member named mandataire in its place; at least two members stay. Its trainers leave the team."""
    _require_moderator(actor, consortium)
    _require_forming(consortium)
    member = consortium.members.select_related("organisation").filter(organisation_id=organisation_id).first()
    if member is None:
        raise ValidationError(_("Cette organisation n'est pas membre du groupement."))
    others = set(consortium.members.exclude(pk=member.pk).values_list("organisation_id", flat=True))
    errors: dict[str, str] = {}
    if len(others) < 2:
        errors["__all__"] = _("Un groupement réunit au moins deux organisations membres : ajoutez-en une d'abord.")
    mandataire_id = consortium.mandataire_id
    if organisation_id == consortium.mandataire_id:
        if new_mandataire_id is None:
            errors["mandataire"] = _("Nommez un autre membre mandataire avant de retirer le ou la mandataire.")
        elif new_mandataire_id not in others:
            errors["mandataire"] = _("Le ou la nouvelle mandataire doit être un autre membre du groupement.")
        else:
            mandataire_id = new_mandataire_id
    held = [
        str(share.lot) if share.lot else _("l'avis")
        for share in member.shares.select_related("lot").filter(per_mille__gt=0)
    ]
    if held:
        errors["shares"] = _(
            "%(org)s a encore des parts (%(lots)s) : répartissez ces lots entre les autres membres avant de la "
            "retirer, pour qu'ils fassent toujours 1000 ‰."
        ) % {"org": member.organisation.name, "lots": ", ".join(held)}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        consortium.team.filter(trainer__organisation_id=organisation_id).delete()
        member.delete()
        if mandataire_id != consortium.mandataire_id:
            consortium.mandataire_id = mandataire_id
            consortium.save(update_fields=["mandataire", "updated_at"])
        log_action(
            actor=actor.user,
            obj=consortium,
            action="tenders.consortium.member_removed",
            data={"organisation": organisation_id, "mandataire": mandataire_id},
        )
    return consortium


def consortium_shares_set(
    *, actor: NetworkActor, consortium: Consortium, shares: dict[tuple[int, int | None], int]
) -> Consortium:
    """Replace the shares: `shares[(member organisation id, lot id or None)] = per-mille`. Each lot's shares
    add up to 1000 (a lot nobody takes is left out: all zero); a notice without lots has one column (None).
    Anything wrong: a French error and nothing written."""
    _require_moderator(actor, consortium)
    if consortium.state != ConsortiumState.FORMING:
        raise ValidationError(_("Le groupement n'est plus en constitution : ses parts ne changent plus."))
    lots = {lot.pk: lot for lot in consortium.notice.lots.all()}
    columns: list[int | None] = list(lots) or [None]
    members = {m.organisation_id: m for m in consortium.members.select_related("organisation")}
    errors: list[str] = []
    totals: dict[int | None, int] = dict.fromkeys(columns, 0)
    for (org_id, lot_id), value in shares.items():
        if org_id not in members or lot_id not in totals:
            raise ValidationError(_("Une part vise un membre ou un lot qui n'est pas celui du groupement."))
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= FULL:
            errors.append(_("Une part est un nombre entier entre 0 et 1000 (pour mille)."))
            break
        totals[lot_id] += value
    for lot_id, total in totals.items():
        if total not in (0, FULL):
            where = _("le lot %(lot)s") % {"lot": lots[lot_id]} if lot_id is not None else _("l'avis")
            errors.append(
                _("Les parts de %(where)s font %(total)s ‰ : elles doivent faire 1000 ‰ (0 pour un lot non pris).")
                % {"where": where, "total": total}
            )
    if not errors and not any(totals.values()):
        errors.append(_("Aucun lot n'est réparti : donnez au moins un lot au groupement."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        ConsortiumShare.objects.filter(member__consortium=consortium).delete()
        ConsortiumShare.objects.bulk_create(
            [
                ConsortiumShare(member=members[org_id], lot_id=lot_id, per_mille=value)
                for (org_id, lot_id), value in sorted(shares.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))
                if value
            ]
        )
        log_action(
            actor=actor.user,
            obj=consortium,
            action="tenders.consortium.shares_set",
            data={"shares": [[o, lot, v] for (o, lot), v in shares.items() if v]},
        )
    return consortium


def consortium_state_set(
    *,
    actor: NetworkActor,
    consortium: Consortium,
    state: str,
    price_cents: int | None = None,
    feedback: str = "",
) -> Consortium:
    """forming → submitted (its shares set) or withdrawn; submitted → won, lost (the outcome: price in cents,
    the buyer's feedback) or withdrawn."""
    _require_moderator(actor, consortium)
    if state not in ConsortiumState.values:
        raise ValidationError({"state": _("État inconnu.")})
    if state not in TRANSITIONS[consortium.state]:
        raise ValidationError(
            {
                "state": _("Un groupement « %(from)s » ne peut pas passer à « %(to)s ».")
                % {"from": consortium.get_state_display(), "to": ConsortiumState(state).label}
            }
        )
    if (
        state == ConsortiumState.SUBMITTED
        and not ConsortiumShare.objects.filter(member__consortium=consortium).exists()
    ):
        raise ValidationError(_("Répartissez les lots entre les membres avant de déposer l'offre."))
    if price_cents is not None and price_cents < 0:
        raise ValidationError({"price_cents": _("Le prix ne peut pas être négatif.")})
    if len(feedback) > 5000:
        raise ValidationError({"feedback": _("Le retour fait plus de 5 000 caractères.")})
    with transaction.atomic():
        consortium.state = state
        if state in (ConsortiumState.WON, ConsortiumState.LOST):
            consortium.price_cents = price_cents
            consortium.feedback = feedback.strip()
            consortium.decided_at = timezone.now()
        consortium.save()
        log_action(
            actor=actor.user,
            obj=consortium,
            action="tenders.consortium.state_set",
            data={"state": state, "price_cents": price_cents},
        )
    return consortium


def consortium_team_set(*, actor: NetworkActor, consortium: Consortium, trainer_ids: list[int]) -> Consortium:
    """The team: trainers among those proposed (team_proposals), with the reasons they were proposed."""
    _require_moderator(actor, consortium)
    proposals = {p.trainer.pk: p for p in team_proposals(consortium)}
    unknown = set(trainer_ids) - set(proposals)
    if unknown:
        raise ValidationError(
            {"trainers": _("Choisissez l'équipe parmi les formateur·rices proposé·es pour cet avis.")}
        )
    with transaction.atomic():
        consortium.team.all().delete()
        ConsortiumTrainer.objects.bulk_create(
            [
                ConsortiumTrainer(consortium=consortium, trainer_id=pk, reasons=proposals[pk].reasons)
                for pk in sorted(set(trainer_ids))
            ]
        )
        log_action(
            actor=actor.user,
            obj=consortium,
            action="tenders.consortium.team_set",
            data={"trainers": sorted(trainer_ids)},
        )
    return consortium


def milestone_create(
    *,
    actor: NetworkActor,
    consortium: Consortium,
    kind: str,
    due_on: dt.date,
    label: str = "",
    remind_days: int = 3,
) -> ConsortiumMilestone:
    _require_moderator(actor, consortium)
    errors: dict[str, str] = {}
    if kind not in MilestoneKind.values:
        errors["kind"] = _("Étape inconnue.")
    if kind == MilestoneKind.OTHER and not label.strip():
        errors["label"] = _("Précisez l'étape.")
    if not 0 <= remind_days <= 60:
        errors["remind_days"] = _("Le rappel part entre 0 et 60 jours avant l'étape.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        milestone = ConsortiumMilestone.objects.create(
            consortium=consortium, kind=kind, label=label.strip()[:200], due_on=due_on, remind_days=remind_days
        )
        log_action(
            actor=actor.user,
            obj=consortium,
            action="tenders.consortium.milestone_created",
            data={"kind": kind, "due_on": due_on.isoformat()},
        )
    return milestone


def milestone_delete(*, actor: NetworkActor, consortium: Consortium, milestone_id: int) -> None:
    _require_moderator(actor, consortium)
    milestone = consortium.milestones.filter(pk=milestone_id).first()
    if milestone is None:
        raise ValidationError(_("Cette étape n'est pas celle du groupement."))
    with transaction.atomic():
        log_action(
            actor=actor.user,
            obj=consortium,
            action="tenders.consortium.milestone_deleted",
            data={"kind": milestone.kind, "due_on": milestone.due_on.isoformat()},
        )
        milestone.delete()


def consortium_client_create(*, actor: NetworkActor, consortium: Consortium, siret: str, **fields: Any) -> Client:
    """A won groupement: the public buyer becomes a client (« Organisme public ») of the mandataire's
    organisation, by a person of that organisation who may create clients there. A client of that organisation
    with the same SIRET is linked instead of created twice."""
    actor.require("tenders.view")
    if consortium.network_id != actor.network.pk:
        raise PermissionDenied
    if consortium.state != ConsortiumState.WON:
        raise ValidationError(_("Seul un groupement qui a remporté le marché fait de l'acheteur un client."))
    if consortium.client_id is not None:
        raise ValidationError(_("L'acheteur est déjà client de l'organisation mandataire."))
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=actor.user, organisation_id=consortium.mandataire_id, is_active=True)
        .first()
    )
    if membership is None:
        raise PermissionDenied(_("Seule une personne de l'organisation mandataire crée le client."))
    org_actor = organisation_actor(actor.user, membership.organisation, membership.role)
    org_actor.require("clients.create")
    digits = "".join(ch for ch in siret if ch.isdigit())
    with transaction.atomic():
        client = (
            Client.objects.filter(organisation_id=consortium.mandataire_id, siret=digits).first() if digits else None
        )
        if client is None:
            client = client_create(
                actor=org_actor,
                kind=ClientKind.PUBLIC_BODY,
                name=consortium.notice.buyer or fields.pop("name", ""),
                siret=digits,
                **{k: v for k, v in fields.items() if k in {"street", "postal_code", "city", "email", "phone"}},
            )
        consortium.client = client
        consortium.save(update_fields=["client", "updated_at"])
        log_action(
            actor=actor.user, obj=consortium, action="tenders.consortium.client_linked", data={"client": client.pk}
        )
    return client


CHORUS_CODE = re.compile(r"[A-Za-z0-9_./-]+")


def _mandataire_actor(actor: NetworkActor, consortium: Consortium, permission: str) -> Any:
    """The actor of the user in the mandataire's organisation (active membership), holding `permission`."""
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=actor.user, organisation_id=consortium.mandataire_id, is_active=True)
        .first()
    )
    if membership is None:
        raise PermissionDenied(_("Seule une personne de l'organisation mandataire lance le marché."))
    org_actor = organisation_actor(actor.user, membership.organisation, membership.role)
    org_actor.require(permission)
    return org_actor


def contract_start(
    *,
    actor: NetworkActor,
    consortium: Consortium,
    lots: dict[int | None, tuple[int, int]],
    buyer_siret: str,
    chorus_service_code: str = "",
    commitment_number: str = "",
) -> list[ConsortiumLotContract]:
    """A won groupement whose buyer is already a client: for each lot it answered (`lots`: lot id, or None for
    the whole notice → (training id, amount in cents)), a draft session of the chosen matching training in the
    mandataire's organisation (training_sessions' session_create, by a person of that organisation allowed to
    create sessions), and the lot's billing data: its amount and the buyer's Chorus Pro data. Once; any error
    (also one of session_create): a French message, nothing written."""
    actor.require("tenders.view")
    if consortium.network_id != actor.network.pk:
        raise PermissionDenied
    if consortium.state != ConsortiumState.WON:
        raise ValidationError(_("Seul un groupement qui a remporté le marché le lance dans l'organisation mandataire."))
    if consortium.client_id is None:
        raise ValidationError(_("Faites d'abord de l'acheteur un client de l'organisation mandataire."))
    if consortium.contracts.exists():
        raise ValidationError(_("Les sessions de ce marché sont déjà créées."))
    org_actor = _mandataire_actor(actor, consortium, "sessions.create")
    errors: dict[str, list[str]] = {}

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    wanted = answered_lots(consortium)
    wanted_ids = {lot.pk if lot else None for lot in wanted}
    if set(lots) != wanted_ids:
        error("__all__", _("Donnez une formation et un montant pour chaque lot remporté, et pour eux seulement."))
    trainings = {t.pk: t for t in mandataire_trainings(consortium)}
    for lot_id, (training_id, amount_cents) in lots.items():
        if training_id not in trainings:
            error(
                f"training_{lot_id or 0}",
                _("Choisissez une formation de l'organisation mandataire qui correspond à l'avis."),
            )
        if not isinstance(amount_cents, int) or isinstance(amount_cents, bool) or amount_cents <= 0:
            error(f"amount_{lot_id or 0}", _("Le montant du lot est un nombre de centimes supérieur à 0."))
    siret = "".join(ch for ch in buyer_siret if not ch.isspace())
    try:
        validate_siret(siret)
    except ValidationError as exc:
        errors.setdefault("buyer_siret", []).extend(exc.messages)
    service_code, commitment = chorus_service_code.strip(), commitment_number.strip()
    if service_code and (len(service_code) > 100 or not CHORUS_CODE.fullmatch(service_code)):
        error(
            "chorus_service_code",
            _("Le code service Chorus Pro : 100 caractères au plus, lettres, chiffres et « - _ . / »."),
        )
    if commitment and (len(commitment) > 50 or not CHORUS_CODE.fullmatch(commitment)):
        error(
            "commitment_number",
            _("Le n° d'engagement : 50 caractères au plus, lettres, chiffres et « - _ . / »."),
        )
    if errors:
        raise ValidationError(errors)
    names = {lot.pk: str(lot) for lot in wanted if lot is not None}
    contracts = []
    start, end = consortium.period_start, consortium.period_end
    notes = _("Marché public BOAMP n° %(idweb)s.") % {"idweb": consortium.notice.idweb}
    if start:
        notes += " " + (
            _("Période d'exécution : du %(start)s au %(end)s.") % {"start": fr_date(start), "end": fr_date(end)}
            if end
            else _("Période d'exécution : à partir du %(start)s.") % {"start": fr_date(start)}
        )
    with transaction.atomic():
        for lot_id, (training_id, amount_cents) in sorted(lots.items(), key=lambda kv: kv[0] or 0):
            training = trainings[training_id]
            title = training.title if lot_id is None else f"{training.title} — {_('lot')} {names[lot_id]}"
            # The execution period, when known, gives the session its first day (a whole day, default hours):
            # the OF then plans the other days in the session's calendar.
            session = session_create(
                actor=org_actor,
                training_id=training_id,
                title=title[:200],
                notes=notes,
                first_date=start,
                first_period="both" if start else "",
            )
            contracts.append(
                ConsortiumLotContract.objects.create(
                    consortium=consortium,
                    lot_id=lot_id,
                    session=session,
                    amount_cents=amount_cents,
                    buyer_siret=siret,
                    chorus_service_code=service_code,
                    commitment_number=commitment,
                    created_by=actor.user,
                )
            )
        log_action(
            actor=actor.user,
            obj=consortium,
            action="tenders.consortium.contract_started",
            data={"lots": [[c.lot_id, c.session_id, c.amount_cents] for c in contracts]},
        )
    return contracts


MAX_HEADCOUNT = 10_000
MAX_ENROLMENT_PRICE_CENTS = 2_147_483_647  # training_sessions.Enrolment.price_cents (a positive integer field)


def contract_drafts_create(
    *,
    actor: NetworkActor,
    consortium: Consortium,
    trainees: dict[int | None, list[int]] | None = None,
    headcounts: dict[int | None, int | None] | None = None,
) -> list[ConsortiumLotContract]:
    """From a started contract (contract_start), in the mandataire's organisation, by a person allowed to bill
    there (`billing.manage`): per lot (lot id, None for the whole notice), a draft invoice to the buyer (the
    client) for the lot's amount with its Chorus Pro data (billing's `invoice_create_for_client`: a draft, the OF
    issues it through the normal billing flow, which gives the number and the legal mentions); and, only when the
    trainees are known (`trainees[lot]`: trainees of the buyer recorded in the organisation), a provisional
    enrolment of the buyer in the lot's session at the lot's amount with those trainees — otherwise the planned
    headcount (`headcounts[lot]`), when given, is kept on the lot. Once; any error: a French message, nothing
    written."""
    actor.require("tenders.view")
    if consortium.network_id != actor.network.pk:
        raise PermissionDenied
    trainees, headcounts = trainees or {}, headcounts or {}
    contracts = {c.lot_id: c for c in consortium.contracts.select_related("lot", "session").order_by("pk")}
    if consortium.state != ConsortiumState.WON or not contracts or consortium.client_id is None:
        raise ValidationError(_("Lancez d'abord le marché remporté : les sessions par lot viennent avant."))
    if any(c.invoice_id or c.enrolment_id for c in contracts.values()):
        raise ValidationError(_("Les brouillons de ce marché sont déjà préparés."))
    org_actor = _mandataire_actor(actor, consortium, "billing.manage")
    errors: dict[str, list[str]] = {}

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if set(trainees) - set(contracts) or set(headcounts) - set(contracts):
        error("__all__", _("Un lot indiqué n'est pas un lot lancé de ce marché."))
    known = set(
        Trainee.objects.filter(organisation_id=consortium.mandataire_id, client_id=consortium.client_id).values_list(
            "pk", flat=True
        )
    )
    for lot_id, ids in trainees.items():
        if set(ids) - known:
            error(
                f"trainees_{lot_id or 0}",
                _("Choisissez des stagiaires de l'acheteur enregistré·es dans l'organisation mandataire."),
            )
    for lot_id, count in headcounts.items():
        if count is not None and (
            not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_HEADCOUNT
        ):
            error(f"headcount_{lot_id or 0}", _("L'effectif prévu est un nombre entier entre 1 et 10 000."))
    for lot_id, contract in contracts.items():
        if contract.session is None:
            error("__all__", _("La session d'un lot a été supprimée : ce lot ne peut plus être préparé ici."))
        if trainees.get(lot_id) and contract.amount_cents > MAX_ENROLMENT_PRICE_CENTS:
            error(f"trainees_{lot_id or 0}", _("Le montant de ce lot dépasse le prix d'une inscription."))
    if errors:
        raise ValidationError(errors)
    notice = consortium.notice
    with transaction.atomic():
        for lot_id, contract in sorted(contracts.items(), key=lambda kv: kv[0] or 0):
            assert contract.session is not None
            where = _("lot %(lot)s") % {"lot": contract.lot} if contract.lot else _("avis entier")
            reference = _("Marché public BOAMP n° %(idweb)s — %(where)s") % {"idweb": notice.idweb, "where": where}
            enrolment = None
            chosen = sorted(set(trainees.get(lot_id) or []))
            if chosen:
                enrolment = enrolment_create(
                    actor=org_actor,
                    session_id=contract.session.pk,
                    client_id=consortium.client_id,
                    price_cents=contract.amount_cents,
                    status=EnrolmentStatus.PROVISIONAL,
                    notes=reference,
                )
                for trainee_id in chosen:
                    participant_add(
                        actor=org_actor,
                        session_id=contract.session.pk,
                        enrolment_id=enrolment.pk,
                        trainee_id=trainee_id,
                    )
            invoice = invoice_create_for_client(
                actor=org_actor,
                client_id=consortium.client_id,
                session_id=contract.session.pk,
                enrolment_id=enrolment.pk if enrolment else None,
                label=f"{contract.session.title} — {reference}"[:300],
                amount_cents=contract.amount_cents,
                recipient_siret=contract.buyer_siret,
                chorus_service_code=contract.chorus_service_code,
                commitment_number=contract.commitment_number,
                notes=reference,
            )
            contract.enrolment, contract.invoice = enrolment, invoice
            contract.planned_headcount = headcounts.get(lot_id)
            contract.save(update_fields=["enrolment", "invoice", "planned_headcount", "updated_at"])
        log_action(
            actor=actor.user,
            obj=consortium,
            action="tenders.consortium.drafts_created",
            data={
                "lots": [
                    [c.lot_id, c.invoice_id, c.enrolment_id, c.planned_headcount]
                    for c in sorted(contracts.values(), key=lambda c: c.lot_id or 0)
                ]
            },
        )
    return list(contracts.values())


def calendar_feed_renew(*, actor: NetworkActor, consortium: Consortium) -> str:
    """A new secret address of the groupement's calendar for the actor's person (who reads it: the view got it
    through consortium_get); the previous one stops working. Returns the clear token, shown once."""
    actor.require("tenders.view")
    if consortium.network_id != actor.network.pk:
        raise PermissionDenied
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        ConsortiumCalendarFeed.objects.update_or_create(
            consortium=consortium,
            user=actor.user,
            defaults={"token_hash": ConsortiumCalendarFeed.hash_token(token), "last_read_at": None},
        )
        log_action(actor=actor.user, obj=consortium, action="tenders.consortium.calendar_feed_renewed")
    return token


def calendar_feed_revoke(*, actor: NetworkActor, consortium: Consortium) -> bool:
    """The actor's address of the groupement's calendar stops working (404); True when there was one."""
    actor.require("tenders.view")
    with transaction.atomic():
        deleted, _rows = ConsortiumCalendarFeed.objects.filter(consortium=consortium, user=actor.user).delete()
        if deleted:
            log_action(actor=actor.user, obj=consortium, action="tenders.consortium.calendar_feed_revoked")
    return bool(deleted)
