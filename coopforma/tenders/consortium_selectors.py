# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the consortium builder (docs/tenders.md, « Groupements »).

Who reads a groupement: the network's moderators all of the network's; a person of the network the groupements
one of the organisations they act for is a member of; any other id is 404 ("missing or not yours"), also for
another network's moderator with its own slug.

The team proposed and the response kit are computed from the records at each reading: nothing is invented, a
figure the records do not hold is left out (a member without a BPF turnover has no turnover line).
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from coopforma.accounts.models import Organisation, QualiopiCategory, User
from coopforma.catalogue.models import Training
from coopforma.evaluations.selectors import ANSWER_METRICS, figures_by_session
from coopforma.networks.access import NetworkActor
from coopforma.offers.relevance import WORD, normalise, stem
from coopforma.people.models import Trainee, Trainer
from coopforma.quality.models import Evidence
from coopforma.referentiel.models import TrainerCompetency, TrainerCompetencyState
from coopforma.reporting.models import BpfCharges
from coopforma.tenders.models import (
    Consortium,
    ConsortiumCalendarFeed,
    ConsortiumLotContract,
    ConsortiumMember,
    ConsortiumMilestone,
    ConsortiumShare,
    Interest,
    Notice,
    NoticeLot,
)
from coopforma.tenders.selectors import member_organisations, network_person
from coopforma.training_sessions.models import Session, SessionStatus, Slot

# Stems shorter than this are articles and prepositions (« de », « la », « et »): they prove no theme.
MIN_STEM = 4
REFERENCES_PER_MEMBER = 10


def consortium_queryset(*, actor: NetworkActor) -> QuerySet[Consortium]:
    actor.require("tenders.view")
    consortiums = Consortium.objects.filter(network=actor.network)
    if not actor.is_moderator:
        mine = [o.pk for o in member_organisations(actor=actor)]
        consortiums = consortiums.filter(members__organisation__in=mine).distinct()
    return consortiums


def consortium_list(*, actor: NetworkActor, notice: Notice | None = None) -> list[Consortium]:
    consortiums = consortium_queryset(actor=actor).select_related("notice", "mandataire")
    if notice is not None:
        consortiums = consortiums.filter(notice=notice)
    return list(
        consortiums.prefetch_related(
            Prefetch("members", queryset=ConsortiumMember.objects.select_related("organisation"))
        ).order_by("-created_at", "-pk")[:500]
    )


def consortium_get(*, actor: NetworkActor, consortium_id: int) -> Consortium:
    consortium = (
        consortium_queryset(actor=actor).select_related("notice", "mandataire", "client").filter(pk=consortium_id)
    ).first()
    if consortium is None:
        raise Http404
    return consortium


def person_consortium_get(*, user: User, consortium_id: int) -> tuple[NetworkActor, Consortium]:
    """A groupement by id for the API's writes, with the person's actor in its network: 404 when it is missing,
    when the person has no role in its network, or when the pages would not show it to them (`consortium_get`)."""
    network_id = Consortium.objects.filter(pk=consortium_id).values_list("network_id", flat=True).first()
    if network_id is None:
        raise Http404
    actor = network_person(user=user, network_id=network_id)
    return actor, consortium_get(actor=actor, consortium_id=consortium_id)


def consortium_by_feed_token(*, token: str) -> Consortium:
    """The groupement of the secret calendar address `token` (no login: the token is the key); 404 for an unknown,
    renewed or revoked address, and when its person may no longer read the groupement."""
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    from coopforma.networks.access import actor_for

    feed = (
        ConsortiumCalendarFeed.objects.select_related("user", "consortium__network")
        .filter(token_hash=ConsortiumCalendarFeed.hash_token(token))
        .first()
    )
    if feed is None or not feed.user.is_active:
        raise Http404
    try:
        consortium = consortium_get(
            actor=actor_for(feed.user, feed.consortium.network), consortium_id=feed.consortium_id
        )
    except PermissionDenied:
        raise Http404 from None
    ConsortiumCalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=timezone.now())
    return consortium


def organisation_consortiums(*, organisation: Organisation) -> QuerySet[Consortium]:
    """The API's « mine »: the groupements the token's organisation is a member of, in every network."""
    return (
        Consortium.objects.filter(members__organisation=organisation)
        .select_related("notice", "mandataire", "network")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=ConsortiumMember.objects.select_related("organisation").prefetch_related(
                    Prefetch("shares", queryset=ConsortiumShare.objects.select_related("lot"))
                ),
            ),
            Prefetch("milestones", queryset=ConsortiumMilestone.objects.select_related("rectified_by")),
            Prefetch("contracts", queryset=ConsortiumLotContract.objects.select_related("lot")),
        )
        .distinct()
        .order_by("-created_at", "-pk")
    )


def interested_organisations(*, network_id: int, notice: Notice) -> list[Organisation]:
    """The member organisations of the network that said « Ça m'intéresse » for the notice: the candidates."""
    ids = Interest.objects.filter(network_id=network_id, notice=notice).values_list("organisation_id", flat=True)
    return list(Organisation.objects.filter(pk__in=list(ids), networks__network_id=network_id).order_by("name"))


def member_candidates(consortium: Consortium) -> list[tuple[int, str]]:
    """The interested member organisations not yet in the groupement: who may be added (id, name)."""
    inside = set(consortium.members.values_list("organisation_id", flat=True))
    orgs = interested_organisations(network_id=consortium.network_id, notice=consortium.notice)
    return [(o.pk, o.name) for o in orgs if o.pk not in inside]


def members(consortium: Consortium) -> list[ConsortiumMember]:
    return list(
        ConsortiumMember.objects.filter(consortium=consortium)
        .select_related("organisation")
        .prefetch_related(Prefetch("shares", queryset=ConsortiumShare.objects.select_related("lot")))
    )


def share_rows(consortium: Consortium) -> dict[str, Any]:
    """The shares table: one column per lot (or the whole notice when it has no lot), one row per member."""
    lots = list(consortium.notice.lots.all())
    columns: list[Any] = lots or [None]
    rows = []
    for member in members(consortium):
        by_lot = {share.lot_id: share.per_mille for share in member.shares.all()}
        rows.append({"member": member, "cells": [by_lot.get(lot.pk if lot else None) for lot in columns]})
    return {"columns": columns, "rows": rows}


# --- themes -------------------------------------------------------------------------------------------------------


def theme_stems(*texts: str) -> set[str]:
    """The stems (French Snowball, accent-insensitive: offers.relevance) of the meaningful words of `texts`."""
    return {stem(word) for text in texts for word in WORD.findall(normalise(text)) if len(word) >= MIN_STEM}


def notice_stems(notice: Notice) -> set[str]:
    return theme_stems(notice.object, *(lot.title for lot in notice.lots.all()))


def _words_for(stems: set[str], *texts: str) -> list[str]:
    """The words of `texts` whose stem is in `stems` (what the reasons show), in their first spelling."""
    found: dict[str, str] = {}
    for text in texts:
        for word in WORD.findall(normalise(text)):
            root = stem(word)
            if len(word) >= MIN_STEM and root in stems and root not in found:
                found[root] = word
    return sorted(found.values())


# --- the team -----------------------------------------------------------------------------------------------------


@dataclass
class Proposal:
    trainer: Trainer
    competencies: list[TrainerCompetency] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    busy_slots: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def free(self) -> bool:
        return self.busy_slots == 0


def team_proposals(consortium: Consortium) -> list[Proposal]:
    """Trainers of the members' organisations whose VALIDATED competencies of the network's référentiel share
    words with the notice's object and lots; with the execution period known, those with a session slot then
    are said busy. Sorted: free first, then by the number of matching competencies."""
    themes = notice_stems(consortium.notice)
    org_ids = list(consortium.members.values_list("organisation_id", flat=True))
    links = (
        TrainerCompetency.objects.filter(
            trainer__organisation_id__in=org_ids,
            state=TrainerCompetencyState.VALIDATED,
            competency__version__referentiel__network_id=consortium.network_id,
        )
        .select_related("trainer", "trainer__organisation", "competency")
        .order_by("trainer__last_name", "trainer__first_name", "competency__position")
    )
    proposals: dict[int, Proposal] = {}
    for link in links:
        label_texts = [link.competency.label, *[str(a) for a in link.competency.aliases or []]]
        shared = theme_stems(*label_texts) & themes
        if not shared:
            continue
        proposal = proposals.setdefault(link.trainer_id, Proposal(trainer=link.trainer))
        proposal.competencies.append(link)
        words = _words_for(shared, *label_texts)
        proposal.words = sorted(set(proposal.words) | set(words))
        proposal.reasons.append(f"{link.competency.label} ({link.get_level_display()}) : {', '.join(words)}")
    if proposals and consortium.period_start and consortium.period_end:
        busy: dict[int, int] = defaultdict(int)
        slots = (
            Slot.objects.filter(
                trainers__in=list(proposals),
                starts_at__date__lte=consortium.period_end,
                ends_at__date__gte=consortium.period_start,
            )
            .exclude(session__status=SessionStatus.CANCELLED)
            .values_list("trainers", flat=True)
        )
        for trainer_id in slots:
            if trainer_id in proposals:
                busy[trainer_id] += 1
        for trainer_id, count in busy.items():
            proposals[trainer_id].busy_slots = count
    return sorted(proposals.values(), key=lambda p: (not p.free, -len(p.competencies), p.trainer.last_name))


# --- the response kit ---------------------------------------------------------------------------------------------


def _identity(org: Organisation) -> dict[str, Any]:
    """The DC1/DC2 identity data, as recorded in the organisation's settings (empty fields stay empty)."""
    return {
        "name": org.name,
        "legal_form": org.legal_form,
        "siret": org.siret,
        "address": ", ".join(part for part in [org.street, f"{org.postal_code} {org.city}".strip()] if part),
        "nda": org.nda,
        "nda_region": org.nda_region,
        "head": " — ".join(part for part in [org.head_name, org.head_title] if part),
        "email": org.email,
        "phone": org.phone,
        "qualiopi": {
            "certificate_number": org.qualiopi_certificate_number,
            "certifier": org.qualiopi_certifier,
            "valid_from": org.qualiopi_valid_from.isoformat() if org.qualiopi_valid_from else None,
            "valid_until": org.qualiopi_valid_until.isoformat() if org.qualiopi_valid_until else None,
        }
        if org.qualiopi_certificate_number
        else None,
    }


def _turnover(org: Organisation) -> dict[str, Any] | None:
    """The turnover of the last BPF that records one (frame D), or None: the kit then has no turnover line."""
    charges = BpfCharges.objects.filter(organisation=org, turnover_cents__isnull=False).order_by("-fiscal_year").first()
    if charges is None:
        return None
    return {"fiscal_year": charges.fiscal_year, "turnover_cents": charges.turnover_cents}


def _matching_trainings(org: Organisation, themes: set[str]) -> list[tuple[Training, list[str]]]:
    found = []
    for training in Training.objects.filter(organisation=org).order_by("title"):
        texts = [training.title, training.summary, *[str(o) for o in training.objectives or []]]
        shared = theme_stems(*texts) & themes
        if shared:
            found.append((training, _words_for(shared, *texts)))
    return found


def mandataire_trainings(consortium: Consortium) -> list[Training]:
    """The mandataire organisation's trainings matching the notice: those a won lot's session is made from."""
    return [t for t, _w in _matching_trainings(consortium.mandataire, notice_stems(consortium.notice))]


def answered_lots(consortium: Consortium) -> list[NoticeLot | None]:
    """The lots the groupement answered (a share above 0), in the notice's order; [None]: the whole notice."""
    lot_ids = set(
        ConsortiumShare.objects.filter(member__consortium=consortium, per_mille__gt=0).values_list("lot_id", flat=True)
    )
    lots: list[NoticeLot | None] = [lot for lot in consortium.notice.lots.all() if lot.pk in lot_ids]
    if None in lot_ids:
        lots.insert(0, None)
    return lots


def lot_contracts(consortium: Consortium) -> list[ConsortiumLotContract]:
    """The lots started of a won groupement, with their session and drafts (invoice, enrolment)."""
    return list(consortium.contracts.select_related("lot", "session", "invoice", "enrolment").order_by("lot__pk", "pk"))


def buyer_trainees(consortium: Consortium) -> list[Trainee]:
    """The trainees of the buyer (the groupement's client) recorded in the mandataire's organisation: those an
    enrolment of a won lot may be drafted with."""
    if consortium.client_id is None:
        return []
    return list(
        Trainee.objects.filter(organisation_id=consortium.mandataire_id, client_id=consortium.client_id).order_by(
            "last_name", "first_name", "pk"
        )
    )


def _rate(value: Decimal | None) -> int | None:
    return int(value) if value is not None else None


def _references(org: Organisation, trainings: list[Training]) -> list[dict[str, Any]]:
    """Past sessions (done) of the matching trainings: dates, trainees, hours, hot satisfaction rate (only when
    evaluations were answered), the kinds of their clients (the buyer type)."""
    sessions = list(
        Session.objects.filter(organisation=org, training__in=trainings, status=SessionStatus.DONE)
        .select_related("training")
        .prefetch_related("enrolments__client")
        .order_by("-start_date", "-pk")[:REFERENCES_PER_MEMBER]
    )
    figures = figures_by_session([s.pk for s in sessions])
    kind, measure = ANSWER_METRICS["satisfaction"]
    references = []
    for session in sessions:
        fig = figures.get(session.pk)
        sample = fig.sample(kind, measure) if fig else 0
        buyer_kinds = sorted({e.client.get_kind_display() for e in session.enrolments.all()})
        references.append(
            {
                "training": session.training.title,
                "session": session.title,
                "start_date": session.start_date.isoformat() if session.start_date else None,
                "end_date": session.end_date.isoformat() if session.end_date else None,
                "trainees": fig.participants if fig else 0,
                "hours": round(session.total_minutes / 60, 1),
                "satisfaction_percent": _rate(fig.rate(kind, measure)) if fig and sample else None,
                "satisfaction_sample": sample,
                "buyer_types": buyer_kinds,
            }
        )
    return references


def _programme(training: Training, words: list[str]) -> dict[str, Any]:
    return {
        "title": training.title,
        "matching_words": words,
        "summary": training.summary,
        "objectives": [str(o) for o in training.objectives or []],
        "audience": training.audience,
        "prerequisites": training.prerequisites,
        "content": training.content,
        "duration_hours": round(training.duration_minutes / 60, 1),
        "modality": training.get_modality_display(),
        "methods": training.methods,
        "evaluation_methods": training.evaluation_methods,
    }


SESSIONS_PER_CV = 10


def sessions_delivered(trainer_ids: list[int]) -> dict[int, list[Session]]:
    """The sessions each trainer delivered (done, the trainer among its trainers), latest first: the generated
    CV's experience, only what the records prove."""
    found: dict[int, list[Session]] = defaultdict(list)
    if not trainer_ids:
        return found
    through = Session.trainers.through
    pairs = (
        through.objects.filter(trainer_id__in=trainer_ids, session__status=SessionStatus.DONE)
        .select_related("session")
        .order_by("-session__end_date", "-session__start_date", "-session_id")
    )
    for pair in pairs:
        found[pair.trainer_id].append(pair.session)
    return found


def _cv(
    consortium: Consortium, trainer: Trainer, competencies: list[dict[str, Any]], delivered: dict[int, list[Session]]
) -> dict[str, Any]:
    """A team trainer's CV: the file of their people profile when it holds one (downloaded through the
    groupement by those who read it), else one generated from the records only — their validated competencies of
    the network's référentiel and the sessions they delivered."""
    if trainer.cv:
        return {
            "kind": "file",
            "filename": os.path.basename(trainer.cv.name or ""),
            "url": reverse(
                "tenders:consortium_kit_cv",
                kwargs={"network": consortium.network.slug, "consortium_id": consortium.pk, "trainer_id": trainer.pk},
            ),
        }
    sessions = delivered.get(trainer.pk, [])
    return {
        "kind": "records",
        "competencies": competencies,
        "sessions_delivered": len(sessions),
        "hours_delivered": sum(s.total_minutes for s in sessions) // 60,
        "recent_sessions": [
            {
                "title": s.title,
                "start_date": s.start_date.isoformat() if s.start_date else None,
                "end_date": s.end_date.isoformat() if s.end_date else None,
                "hours": s.total_minutes // 60,
            }
            for s in sessions[:SESSIONS_PER_CV]
        ],
    }


def _is_qualiopi_certificate(title: str) -> bool:
    words = normalise(title)
    return "certificat" in words and "qualiopi" in words


def qualiopi_certificate_files(organisation_ids: list[int]) -> dict[int, Evidence]:
    """Per organisation, its Qualiopi certificate file when it recorded one: the latest proof of the whole OF
    (no member structure) with a file, whose title says « certificat » and « Qualiopi »."""
    found: dict[int, Evidence] = {}
    proofs = (
        Evidence.objects.filter(organisation_id__in=organisation_ids, member_structure__isnull=True)
        .exclude(file="")
        .filter(title__icontains="qualiopi")
        .order_by("-dated", "-pk")
    )
    for proof in proofs:
        if proof.organisation_id not in found and _is_qualiopi_certificate(proof.title):
            found[proof.organisation_id] = proof
    return found


def _certificates(consortium: Consortium, org: Organisation, proof: Evidence | None) -> list[dict[str, Any]]:
    """The OF's certificates as recorded: the Qualiopi certificate (number, certifier, dates, categories, in
    force today) and its file when one is recorded; nothing when neither is."""
    if not org.qualiopi_certificate_number and proof is None:
        return []
    until = org.qualiopi_valid_until_or_deduced
    return [
        {
            "kind": "qualiopi",
            "label": "Certificat Qualiopi",
            "number": org.qualiopi_certificate_number,
            "certifier": org.qualiopi_certifier,
            "categories": [
                str(QualiopiCategory(code).label) if code in QualiopiCategory.values else str(code)
                for code in org.qualiopi_categories or []
            ],
            "valid_from": org.qualiopi_valid_from.isoformat() if org.qualiopi_valid_from else None,
            "valid_until": until.isoformat() if until else None,
            "in_force": org.qualiopi_valid_on(timezone.localdate()),
            "file": {
                "filename": os.path.basename(proof.file.name or ""),
                "dated": proof.dated.isoformat(),
                "url": reverse(
                    "tenders:consortium_kit_certificate",
                    kwargs={
                        "network": consortium.network.slug,
                        "consortium_id": consortium.pk,
                        "organisation_id": org.pk,
                    },
                ),
            }
            if proof is not None
            else None,
        }
    ]


def kit_cv_file(consortium: Consortium, trainer_id: int) -> Trainer:
    """The CV file of a trainer of the groupement's team (404: not in the team, or no file)."""
    link = consortium.team.select_related("trainer").filter(trainer_id=trainer_id).first()
    if link is None or not link.trainer.cv:
        raise Http404
    return link.trainer


def kit_certificate_file(consortium: Consortium, organisation_id: int) -> Evidence:
    """The Qualiopi certificate file of a member organisation of the groupement (404 otherwise)."""
    if not consortium.members.filter(organisation_id=organisation_id).exists():
        raise Http404
    proof = qualiopi_certificate_files([organisation_id]).get(organisation_id)
    if proof is None:
        raise Http404
    return proof


def response_kit(consortium: Consortium) -> dict[str, Any]:
    """Everything the answer needs that our records hold, per member; see the module's docstring."""
    notice = consortium.notice
    themes = notice_stems(notice)
    team = list(consortium.team.select_related("trainer").order_by("trainer__last_name", "trainer__first_name", "pk"))
    validated = defaultdict(list)
    for link in (
        TrainerCompetency.objects.filter(
            trainer_id__in=[t.trainer_id for t in team],
            state=TrainerCompetencyState.VALIDATED,
            competency__version__referentiel__network_id=consortium.network_id,
        )
        .select_related("competency")
        .order_by("competency__position")
    ):
        validated[link.trainer_id].append(
            {"code": link.competency.code, "label": link.competency.label, "level": link.get_level_display()}
        )
    lots = {lot.pk: lot for lot in notice.lots.all()}
    delivered = sessions_delivered([t.trainer_id for t in team])
    certificate_files = qualiopi_certificate_files(
        [m.organisation_id for m in consortium.members.all()]  # one query, not one per member
    )
    kit_members = []
    memo_trainings: list[dict[str, Any]] = []
    for member in members(consortium):
        org = member.organisation
        matching = _matching_trainings(org, themes)
        entry: dict[str, Any] = {
            "member_id": member.pk,
            "organisation_id": org.pk,
            "mandataire": org.pk == consortium.mandataire_id,
            "identity": _identity(org),
            "shares": [
                {
                    "lot": lots[s.lot_id].number if s.lot_id in lots else None,
                    "lot_title": lots[s.lot_id].title if s.lot_id in lots else "",
                    "per_mille": s.per_mille,
                }
                for s in member.shares.all()
            ],
            "references": _references(org, [t for t, _w in matching]),
            "trainers": [
                {
                    "trainer_id": t.trainer_id,
                    "name": t.trainer.full_name,
                    "qualifications": t.trainer.qualifications,
                    "has_cv": bool(t.trainer.cv),
                    "competencies": validated.get(t.trainer_id, []),
                    "cv": _cv(consortium, t.trainer, validated.get(t.trainer_id, []), delivered),
                }
                for t in team
                if t.trainer.organisation_id == org.pk
            ],
            "certificates": _certificates(consortium, org, certificate_files.get(org.pk)),
        }
        turnover = _turnover(org)
        if turnover is not None:
            entry["turnover"] = turnover
        kit_members.append(entry)
        memo_trainings.extend({"organisation": org.name, **_programme(t, w)} for t, w in matching)
    return {
        "notice": {
            "idweb": notice.idweb,
            "object": notice.object,
            "buyer": notice.buyer,
            "deadline": notice.current_deadline.isoformat() if notice.current_deadline else None,
            "lots": [{"number": lot.number, "title": lot.title} for lot in lots.values()],
        },
        "groupement": {
            "form": consortium.get_form_display(),
            "form_code": consortium.form,
            "mandataire": consortium.mandataire.name,
            "state": consortium.get_state_display(),
        },
        "members": kit_members,
        "technical_memo": {
            "sections": [
                "Compréhension du besoin de l'acheteur",
                "Organisation du groupement et répartition des lots",
                "Équipe pédagogique",
                "Programmes proposés",
                "Modalités d'évaluation et suivi qualité",
                "Références",
            ],
            "programmes": memo_trainings,
        },
    }
