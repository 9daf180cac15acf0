# SPDX-License-Identifier: AGPL-3.0-or-later
"""The bridge from an exchange of know-how to a training action of one of the network's member organisations
(issue 18, point 4): services and selectors.

An exchange that becomes a paid or funded learning action turns, in one step and one transaction, into a training
(`catalogue`), a session with its slots (`training_sessions`) and the learners as trainees (`people`) of the chosen
organisation, through those apps' own services, so that the core's documents, attendance, evaluations and BPF
count it like any other action. Each operational objective is linked to its référentiel competency at the level
aimed (`referentiel.ObjectiveCompetency`): the skills assessment of the session then fills the trainees' competency
records.

Two kinds:
- an AFEST (action de formation en situation de travail, Code du travail D6313-3-2): modality « En situation de
  travail (AFEST) », a trainer designated beforehand who may act as tutor (2°), and one slot per phase, in order:
  the analysis of the work activity adapted for teaching (1°), the work situations, the reflexive phases distinct
  from the work situations (3°), the specific evaluations of what was learnt (4°); the session's programme names
  each slot's phase. The modality is also what the quality app reads to apply the FEST indicators (Qualiopi 28).
- a regular session: the duration spread over the days between the dates.

Who: a facilitator of the network (`exchanges.facilitate`) who also holds, in the chosen organisation, every flag
the catalogue and the sessions require for this: create a training (`catalogue.create`), validate its programme
(`catalogue.validate`: a session is created only from a validated programme, L6353-1), create a session
(`sessions.create`) and register trainees without a client yet (`clients.create`, the OF's whole scope). In
practice the OF's administrators and training/quality managers. Enrolments need a client and a funding: the
bridge creates none; the confirmation page lists what the OF's staff must still do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopforma.accounts.actor import Actor, actor_for
from coopforma.accounts.models import Membership, Organisation, User
from coopforma.catalogue import services as catalogue
from coopforma.catalogue.models import BpfObjective, Modality
from coopforma.catalogue.nsf import NSF_LABELS
from coopforma.catalogue.selectors import member_structure_choices
from coopforma.core.log import log_action
from coopforma.exchanges.access import can_facilitate, require_facilitate
from coopforma.exchanges.models import Exchange, ExchangeState, Participant, ParticipantRole
from coopforma.networks.access import NetworkActor
from coopforma.networks.models import NetworkOrganisation
from coopforma.people import services as people
from coopforma.people.models import Trainee, Trainer
from coopforma.referentiel import services as referentiel
from coopforma.referentiel.models import LEVELS, Item
from coopforma.training_sessions import services as sessions
from coopforma.training_sessions.models import Session

# What the organisation's role must allow (accounts.roles.FLAGS): see the module's docstring.
BRIDGE_FLAGS = ("catalogue.create", "catalogue.validate", "sessions.create", "clients.create")

AFEST = "afest"
SESSION = "session"
KINDS = [(AFEST, gettext_lazy("AFEST")), (SESSION, gettext_lazy("Session de formation"))]
KIND_CODES = [code for code, _label in KINDS]
LEVEL_CODES = [code for code, _label in LEVELS]

# The four phases of an AFEST (Code du travail D6313-3-2), in order, with their share of the duration (eighths).
AFEST_PHASES = [
    ("analysis", gettext_lazy("Analyse de l'activité de travail, adaptée à des fins pédagogiques"), 1),
    ("situations", gettext_lazy("Mises en situation de travail"), 4),
    ("reflexive", gettext_lazy("Phases réflexives, distinctes des mises en situation de travail"), 2),
    ("evaluation", gettext_lazy("Évaluations spécifiques des acquis"), 1),
]
LEARNER_ROLES = (ParticipantRole.LEARNER, ParticipantRole.BENEFICIARY)
DAY_START = dt.time(9, 0)
MAX_DAY_MINUTES = 10 * 60  # slots of one day from 9:00, ending by 19:00
MIN_PHASE_MINUTES = 15
MAX_DURATION_MINUTES = 400 * 60
MAX_DAYS = 20
MIN_YEAR, MAX_YEAR = 2000, 2100
MIN_OBJECTIVE_LENGTH = catalogue.MIN_OBJECTIVE_LENGTH


@dataclass(frozen=True)
class ObjectiveIn:
    """An operational objective: its text, and the competency of the exchange it aims at (with the level)."""

    text: str
    competency_id: int | None = None
    level: str = ""


@dataclass
class BridgeResult:
    exchange: Exchange
    trainees: list[Trainee] = field(default_factory=list)
    reused: list[Trainee] = field(default_factory=list)


# --- selectors --------------------------------------------------------------------------------------------------


def exchange_for_bridge(*, actor: NetworkActor, exchange_id: int) -> Exchange:
    """An exchange of the actor's network, for a facilitator (403 otherwise); 404 when it is not this network's."""
    require_facilitate(actor)
    exchange = (
        Exchange.objects.filter(network=actor.network, pk=exchange_id)
        .select_related("organisation", "training", "session", "bridged_by")
        .first()
    )
    if exchange is None:
        raise Http404
    return exchange


def _org_actor(user: User, organisation_id: int) -> Actor | None:
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=user, organisation_id=organisation_id, is_active=True)
        .first()
    )
    return actor_for(user, membership.organisation, membership.role) if membership else None


def _may_bridge(actor: Actor) -> bool:
    return all(actor.has(flag) for flag in BRIDGE_FLAGS)


def bridge_organisations(*, actor: NetworkActor) -> list[Organisation]:
    """The network's member organisations in which the actor may bridge (none unless they facilitate)."""
    if not can_facilitate(actor) or not actor.user.is_authenticated:
        return []
    member_ids = NetworkOrganisation.objects.filter(network=actor.network).values("organisation_id")
    memberships = (
        Membership.objects.filter(user=actor.user, is_active=True, organisation_id__in=member_ids)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return [m.organisation for m in memberships if _may_bridge(actor_for(actor.user, m.organisation, m.role))]


def bridge_trainers(*, organisation_ids: list[int]) -> QuerySet[Trainer]:
    """The trainers of these organisations who may deliver (validated or active): the designated trainer's choices.
    The caller passes `bridge_organisations`' ids only."""
    return (
        Trainer.objects.filter(organisation_id__in=organisation_ids)
        .select_related("organisation")
        .order_by("last_name", "first_name")
    )


def exchange_learners(*, exchange: Exchange) -> list[Participant]:
    """The participants who learn (the future trainees), with their person."""
    return list(
        Participant.objects.filter(exchange=exchange, role__in=LEARNER_ROLES)
        .select_related("member__user")
        .order_by("id")
    )


def exchange_competencies(*, exchange: Exchange) -> list[Item]:
    return list(exchange.competencies.order_by("position", "pk"))


@dataclass(frozen=True)
class BridgeBox:
    """What the exchange page shows of the bridge to the person reading it."""

    can_bridge: bool = False
    bridged: bool = False
    organisation_name: str = ""
    session_url: str = ""  # for the people of the organisation the exchange became a training action of


def bridge_box(*, actor: NetworkActor, exchange: Exchange) -> BridgeBox:
    """For the exchange page (`_bridge.html`): the link to the form for facilitators with a role in a member OF
    that may bridge; once bridged, the organisation's name for every reader, the session's link for the people of
    that OF only."""
    if exchange.bridged_at:
        organisation = exchange.organisation
        session_url = ""
        if organisation is not None and exchange.session_id and _org_actor(actor.user, organisation.pk) is not None:
            session_url = reverse("sessions:detail", kwargs={"org": organisation.slug, "pk": exchange.session_id})
        return BridgeBox(
            bridged=True, organisation_name=organisation.name if organisation else "", session_url=session_url
        )
    if exchange.state == ExchangeState.CANCELLED:
        return BridgeBox()
    return BridgeBox(can_bridge=bool(bridge_organisations(actor=actor)))


# --- the service ------------------------------------------------------------------------------------------------


def _clean_objectives(
    objectives: list[ObjectiveIn], competencies: dict[int, Item], errors: dict[str, list[str]]
) -> list[ObjectiveIn]:
    cleaned: list[ObjectiveIn] = []
    for objective in objectives:
        text = " ".join((objective.text or "").split())
        if not text:
            continue
        if objective.competency_id is not None and objective.competency_id not in competencies:
            errors["objectives"].append(
                _("L'objectif « %(text)s » vise une compétence qui n'est pas l'une de celles de l'échange.")
                % {"text": text}
            )
            continue
        if objective.level and objective.level not in LEVEL_CODES:
            labels = ", ".join(str(label) for _code, label in LEVELS)
            errors["objectives"].append(
                _("Niveau inconnu pour l'objectif « %(text)s » : choisissez parmi %(levels)s.")
                % {"text": text, "levels": labels}
            )
            continue
        cleaned.append(ObjectiveIn(text=text, competency_id=objective.competency_id, level=objective.level))
    if not cleaned and not errors["objectives"]:
        errors["objectives"].append(_("Indiquez au moins un objectif opérationnel."))
    return cleaned


def _weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    return [d for d in days if d.weekday() < 5] or days


def _plan(kind: str, duration: int, starts_on: dt.date, ends_on: dt.date) -> list[tuple[dt.date, int, str]]:
    """(day, minutes, phase label) of each slot, in order."""
    if kind == AFEST:
        span = (ends_on - starts_on).days
        shares = [duration * weight // 8 for _code, _label, weight in AFEST_PHASES]
        shares[1] += duration - sum(shares)  # the remainder to the work situations
        return [
            (starts_on + dt.timedelta(days=span * rank // 3), minutes, str(label))
            for rank, ((_code, label, _weight), minutes) in enumerate(zip(AFEST_PHASES, shares, strict=True))
        ]
    days = _weekdays(starts_on, ends_on)
    each, remainder = divmod(duration, len(days))
    return [(day, each + (remainder if n == 0 else 0), "") for n, day in enumerate(days)]


def _check_plan(kind: str, plan: list[tuple[dt.date, int, str]], errors: dict[str, list[str]]) -> None:
    per_day: dict[dt.date, int] = {}
    for day, minutes, _label in plan:
        per_day[day] = per_day.get(day, 0) + minutes
    if kind == AFEST and min(minutes for _day, minutes, _label in plan) < MIN_PHASE_MINUTES:
        errors["duration_minutes"].append(
            _("Une AFEST compte quatre phases d'au moins %(min)s minutes : indiquez au moins 2 heures.")
            % {"min": MIN_PHASE_MINUTES}
        )
    elif max(per_day.values()) > MAX_DAY_MINUTES:
        errors["duration_minutes"].append(
            _("Cela ferait plus de 10 heures de formation par jour : étalez les dates ou réduisez la durée.")
        )


def _aware(day: dt.date, minutes_after_start: int) -> dt.datetime:
    start = dt.datetime.combine(day, DAY_START) + dt.timedelta(minutes=minutes_after_start)
    return timezone.make_aware(start)


def _texts(*, exchange: Exchange, kind: str, trainer: Trainer | None, competencies: list[str]) -> dict[str, str]:
    """The programme's texts the form does not ask for, written from the exchange (the OF may adapt them)."""
    network = exchange.network.name
    origin = _("Issue de l'échange de savoir-faire « %(title)s » du réseau %(network)s.") % {
        "title": exchange.title,
        "network": network,
    }
    if kind == AFEST:
        phases = "\n".join(f"{n}. {label}" for n, (_code, label, _weight) in enumerate(AFEST_PHASES, start=1))
        content = _("Action de formation en situation de travail (art. D6313-3-2 du Code du travail) :\n%(phases)s") % {
            "phases": phases
        }
        methods = _(
            "Formation en situation de travail : l'activité de travail est analysée et, si besoin, adaptée à des fins "
            "pédagogiques ; des mises en situation alternent avec des phases réflexives, distinctes de la production, "
            "pour analyser les écarts entre ce qui était attendu, ce qui a été fait et ce qui a été appris. "
            "Formateur·rice désigné·e en amont, en capacité d'exercer le rôle de tuteur : %(trainer)s."
        ) % {"trainer": trainer.full_name if trainer else ""}
        evaluation = _(
            "Évaluations spécifiques des acquis, au fil de l'action et à son issue (évaluation des acquis par "
            "objectif, rattachée aux compétences du référentiel du réseau)."
        )
    else:
        content = exchange.plan.strip() or _("Déroulé repris de l'échange ; à préciser par l'organisme.")
        methods = _("Apprentissage entre pairs : %(format)s, apports et échanges de pratiques.") % {
            "format": exchange.get_format_display() or _("échange de savoir-faire")
        }
        evaluation = _("Évaluation des acquis par objectif à l'issue de la session.")
    if competencies:
        evaluation += " " + _("Compétences visées : %(list)s.") % {"list": ", ".join(competencies)}
    return {
        "summary": origin,
        "audience": _("Participant·es de l'échange « %(title)s » (réseau %(network)s).")
        % {"title": exchange.title, "network": network},
        "prerequisites": _("Aucun."),
        "content": content,
        "methods": methods,
        "evaluation_methods": evaluation,
        "accessibility": _(
            "Les situations de travail et les modalités sont adaptées aux besoins des personnes en situation de "
            "handicap : contactez le·la référent·e handicap de l'organisme avant l'action."
        ),
    }


def _remap(exc: ValidationError) -> ValidationError:
    """A core service's refusal, on the bridge's own fields (the others at the top, in their French words)."""
    names = {
        "trainers": "trainer_id",
        "trainer_ids": "trainer_id",
        "member_structure_id": "trainer_id",
        "starts_at": "starts_on",
        "ends_at": "starts_on",
        "first_date": "starts_on",
        "title": "title",
        "objectives": "objectives",
        "nsf_code": "nsf_code",
        "duration_minutes": "duration_minutes",
    }
    if not hasattr(exc, "error_dict"):
        return exc
    errors: dict[str, list[str]] = {}
    for name, messages in exc.message_dict.items():
        errors.setdefault(names.get(name, NON_FIELD_ERRORS), []).extend(messages)
    return ValidationError(errors)


def _structure_id(org_actor: Actor, trainer: Trainer | None) -> int:
    """The member structure that carries the training: the designated trainer's, else the organisation's only one."""
    if trainer is not None and trainer.member_structure_id:
        return trainer.member_structure_id
    structures = list(member_structure_choices(actor=org_actor).values_list("pk", flat=True)[:2])
    if len(structures) == 1:
        return structures[0]
    raise ValidationError(
        {
            "trainer_id": _(
                "Désignez un·e formateur·rice rattaché·e à une structure membre de l'organisme : sa structure portera "
                "la formation."
            )
        }
    )


def _trainee_names(user: User, display_name: str) -> tuple[str, str]:
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if first and last:
        return first, last
    words = display_name.split()
    if len(words) >= 2:
        return words[0], " ".join(words[1:])
    return first or display_name or user.email, last or display_name or user.email


def _trainees(org_actor: Actor, learners: list[Participant]) -> tuple[list[Trainee], list[Trainee]]:
    """The learners as the organisation's trainees: an existing trainee with the same e-mail is reused."""
    created: list[Trainee] = []
    reused: list[Trainee] = []
    seen: set[str] = set()
    for participant in learners:
        member = participant.member
        email = (member.user.email or member.email or "").strip().lower()
        if email in seen:
            continue
        existing = (
            Trainee.objects.filter(organisation=org_actor.organisation, email__iexact=email).order_by("pk").first()
            if email
            else None
        )
        if existing is not None:
            reused.append(existing)
        else:
            first, last = _trainee_names(member.user, member.display_name)
            created.append(people.trainee_create(actor=org_actor, first_name=first, last_name=last, email=email))
        if email:
            seen.add(email)
    return created, reused


@transaction.atomic
def exchange_bridge(
    *,
    actor: NetworkActor,
    exchange_id: int,
    organisation_id: int | None,
    kind: str,
    title: str,
    objectives: list[ObjectiveIn],
    duration_minutes: int | None,
    nsf_code: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None = None,
    trainer_id: int | None = None,
) -> BridgeResult:
    """Turn the exchange into a training action of `organisation_id` (a member organisation of the network): a
    validated training, a draft session with its slots, the learners as trainees; records the bridge on the
    exchange. All or nothing: a refusal writes nothing."""
    require_facilitate(actor)
    exchange = Exchange.objects.select_for_update().filter(network=actor.network, pk=exchange_id).first()
    if exchange is None:
        raise Http404
    if exchange.bridged_at:
        organisation = Organisation.objects.filter(pk=exchange.organisation_id).first()
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _("Cet échange est déjà devenu une action de formation de %(org)s, le %(day)s.")
                % {
                    "org": organisation.name if organisation else _("un organisme"),
                    "day": timezone.localtime(exchange.bridged_at).strftime("%d/%m/%Y"),
                }
            }
        )
    if exchange.state == ExchangeState.CANCELLED:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("Cet échange est annulé : il ne peut pas devenir une action de formation.")}
        )
    if organisation_id is None:
        raise ValidationError({"organisation_id": _("Choisissez l'organisme de formation.")})
    if not NetworkOrganisation.objects.filter(network=actor.network, organisation_id=organisation_id).exists():
        raise ValidationError(
            {
                "organisation_id": _(
                    "Cet organisme n'est pas membre du réseau %(network)s : seul un organisme membre du réseau peut "
                    "porter l'action de formation."
                )
                % {"network": actor.network.name}
            }
        )
    org_actor = _org_actor(actor.user, organisation_id)
    if org_actor is None or not _may_bridge(org_actor):
        raise PermissionDenied("exchanges.bridge")

    errors: dict[str, list[str]] = {
        name: []
        for name in (
            "kind",
            "title",
            "objectives",
            "duration_minutes",
            "nsf_code",
            "starts_on",
            "ends_on",
            "trainer_id",
        )
    }
    if kind not in KIND_CODES:
        errors["kind"].append(_("Choisissez « AFEST » ou « Session de formation »."))
    title = " ".join((title or "").split())
    if not title:
        errors["title"].append(_("Indiquez l'intitulé de l'action de formation."))
    elif len(title) > 200:
        errors["title"].append(_("L'intitulé compte 200 caractères au plus."))
    competencies = {item.pk: item for item in exchange_competencies(exchange=exchange)}
    cleaned = _clean_objectives(objectives, competencies, errors)
    if not duration_minutes or duration_minutes <= 0:
        errors["duration_minutes"].append(_("Indiquez la durée de l'action."))
    elif duration_minutes > MAX_DURATION_MINUTES:
        errors["duration_minutes"].append(_("400 heures au plus."))
    if nsf_code not in NSF_LABELS:
        errors["nsf_code"].append(_("Choisissez le code NSF (domaine de formation) de l'action."))
    if starts_on is None:
        errors["starts_on"].append(_("Indiquez la date de début."))
    ends_on = ends_on or starts_on
    for name, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day is not None and not MIN_YEAR <= day.year <= MAX_YEAR:
            errors[name].append(_("Choisissez une date entre %(min)s et %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR})
    dates_valid = not errors["starts_on"] and not errors["ends_on"] and starts_on and ends_on
    if dates_valid and starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"].append(_("La date de fin doit suivre la date de début."))
    elif dates_valid and starts_on and ends_on and kind == SESSION and len(_weekdays(starts_on, ends_on)) > MAX_DAYS:
        errors["ends_on"].append(
            _("%(max)s jours au plus : créez les autres créneaux depuis la session.") % {"max": MAX_DAYS}
        )
    trainer: Trainer | None = None
    if trainer_id is not None:
        trainer = Trainer.objects.filter(organisation_id=organisation_id, pk=trainer_id).first()
        if trainer is None:
            errors["trainer_id"].append(_("Ce·tte formateur·rice n'est pas l'un·e de ceux de l'organisme choisi."))
        elif not trainer.can_deliver:
            errors["trainer_id"].append(
                _("%(name)s ne peut pas encore animer (parcours formateur « %(state)s »).")
                % {"name": trainer.full_name, "state": trainer.get_onboarding_state_display()}
            )
    elif kind == AFEST:
        errors["trainer_id"].append(
            _(
                "Une AFEST demande un·e formateur·rice désigné·e en amont, en capacité d'exercer le rôle de tuteur "
                "(art. D6313-3-2, 2°, du Code du travail)."
            )
        )
    plan: list[tuple[dt.date, int, str]] = []
    if not any(errors.values()) and starts_on and ends_on and duration_minutes:
        plan = _plan(kind, duration_minutes, starts_on, ends_on)
        _check_plan(kind, plan, errors)
    if any(errors.values()):
        raise ValidationError({name: messages for name, messages in errors.items() if messages})
    assert starts_on is not None and ends_on is not None and duration_minutes is not None

    linked = [competencies[o.competency_id] for o in cleaned if o.competency_id is not None]
    structure_id = _structure_id(org_actor, trainer)
    try:
        training = catalogue.training_create(
            actor=org_actor,
            member_structure_id=structure_id,
            trainer_ids=[trainer.pk] if trainer else [],
            title=title,
            objectives=[o.text for o in cleaned],
            duration_minutes=duration_minutes,
            modality=Modality.WORK_BASED if kind == AFEST else Modality.ON_SITE,
            nsf_code=nsf_code,
            bpf_objective=BpfObjective.OTHER,
            **_texts(exchange=exchange, kind=kind, trainer=trainer, competencies=[c.label for c in linked]),
        )
        # A session follows a validated programme (L6353-1): the person bridging holds `catalogue.validate`.
        catalogue.training_validate(actor=org_actor, training_id=training.pk)
        for rank, objective in enumerate(cleaned):
            if objective.competency_id is not None:
                referentiel.objective_competency_link(
                    actor=org_actor,
                    training_id=training.pk,
                    objective=rank,
                    competency_id=objective.competency_id,
                    level=objective.level,
                )
        learners = exchange_learners(exchange=exchange)
        session = sessions.session_create(
            actor=org_actor,
            training_id=training.pk,
            title=title,
            max_capacity=max(12, len(learners)),
            notes=_("Issue de l'échange « %(title)s » du réseau %(network)s.")
            % {"title": exchange.title, "network": actor.network.name},
        )
        offsets: dict[dt.date, int] = {}
        schedule: list[str] = []
        for day, minutes, label in plan:
            start = offsets.get(day, 0)
            offsets[day] = start + minutes
            slot = sessions.slot_create(
                actor=org_actor,
                session_id=session.pk,
                starts_at=_aware(day, start),
                ends_at=_aware(day, start + minutes),
                trainer_ids=[trainer.pk] if trainer else [],
            )
            if label:
                begin, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
                schedule.append(f"{len(schedule) + 1}. {label} : {begin:%d/%m/%Y, %H:%M}–{end:%H:%M}")
        if schedule:
            sessions.session_programme_update(
                actor=org_actor,
                session_id=session.pk,
                programme={
                    "content": _("Phases de l'AFEST (art. D6313-3-2 du Code du travail), un créneau chacune :\n%(s)s")
                    % {"s": "\n".join(schedule)}
                },
            )
        created, reused = _trainees(org_actor, learners)
    except ValidationError as exc:
        raise _remap(exc) from exc
    exchange.organisation_id = organisation_id
    exchange.training = training
    exchange.session = session
    exchange.bridged_at = timezone.now()
    exchange.bridged_by = actor.user
    exchange.save(update_fields=["organisation", "training", "session", "bridged_at", "bridged_by", "updated_at"])
    log_action(
        actor=actor.user,
        obj=exchange,
        action="exchanges.exchange.bridged",
        data={
            "organisation": org_actor.organisation.name,
            "kind": kind,
            "training": training.pk,
            "session": session.pk,
            "trainees": [t.pk for t in created],
            "reused_trainees": [t.pk for t in reused],
        },
    )
    return BridgeResult(exchange=exchange, trainees=created, reused=reused)


def bridge_todo(*, exchange: Exchange) -> list[str]:
    """What the OF's staff must still do once the exchange became a training action (the confirmation page and the
    API's answer)."""
    if not exchange.bridged_at:
        return []
    return [
        _("Inscrire chaque stagiaire avec son client (employeur, lui-même, ou financeur) et son financement."),
        _("Établir la convention ou le contrat de formation, et le faire signer."),
        _("Envoyer les convocations avant le premier créneau."),
        _("Confirmer la session une fois les inscriptions faites."),
    ]


def bridged_session(*, actor: NetworkActor, exchange: Exchange) -> Session | None:
    """The session the exchange became, for the people of its organisation only (None for the others)."""
    if not exchange.bridged_at or not exchange.organisation_id:
        return None
    if _org_actor(actor.user, exchange.organisation_id) is None:
        return None
    return exchange.session


def bridge_learner_rows(*, actor: NetworkActor, exchange: Exchange) -> list[dict[str, Any]]:
    """The learners of a bridged exchange, with their trainee record of the organisation for the people of that
    organisation only (two queries)."""
    learners = exchange_learners(exchange=exchange)
    trainees: dict[str, Trainee] = {}
    if exchange.organisation_id and _org_actor(actor.user, exchange.organisation_id) is not None:
        emails = [(p.member.user.email or p.member.email or "").strip().lower() for p in learners]
        for trainee in Trainee.objects.filter(organisation_id=exchange.organisation_id, email__in=emails).order_by(
            "pk"
        ):
            trainees.setdefault(trainee.email, trainee)
    return [
        {
            "name": p.member.display_name,
            "role": p.get_role_display(),
            "trainee": trainees.get((p.member.user.email or p.member.email or "").strip().lower()),
        }
        for p in learners
    ]
