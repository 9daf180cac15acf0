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
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import actor_for as organisation_actor
from coopforma.accounts.models import Membership
from coopforma.core.log import log_action
from coopforma.networks.access import NetworkActor
from coopforma.people.models import Client, ClientKind
from coopforma.people.services import client_create
from coopforma.tenders.consortium_selectors import interested_organisations, team_proposals
from coopforma.tenders.models import (
    Consortium,
    ConsortiumForm,
    ConsortiumMember,
    ConsortiumMilestone,
    ConsortiumShare,
    ConsortiumState,
    ConsortiumTrainer,
    MilestoneKind,
    Notice,
)

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
) -> Consortium:
    """A groupement of at least two of the member organisations interested in `notice`, the mandataire among
    them."""
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
    return consortium


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
