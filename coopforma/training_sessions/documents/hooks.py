# SPDX-License-Identifier: AGPL-3.0-or-later
"""The hooks the generic documents engine calls (`KindHooks`): resolvers that check an actor may see a subject, the
subjects of a session, whom a document of the whole session goes to, the records a template preview may use."""

from collections.abc import Callable
from typing import Any

from coopforma.accounts.models import QualiopiCategory
from coopforma.documents.registry import KindHooks
from coopforma.people.models import ClientKind
from coopforma.training_sessions import selectors
from coopforma.training_sessions.documents.cache import batch
from coopforma.training_sessions.documents.data import _is_cpf_funded, _session_category
from coopforma.training_sessions.models import (
    Enrolment,
    EnrolmentStatus,
    Participant,
    ParticipantStatus,
    Session,
)

# --- Resolvers (used by the generic engine to check visibility) ---------------------------------------------


def _resolve_session(actor: Any, session_id: int) -> Session:
    return selectors.session_get(actor=actor, session_id=int(session_id))


def _resolve_enrolment(actor: Any, subject_id: int) -> Enrolment:
    return selectors.enrolment_get(actor=actor, enrolment_id=int(subject_id))


def _resolve_participant(actor: Any, subject_id: int) -> Participant:
    return selectors.participant_get(actor=actor, participant_id=int(subject_id))


def _enrolments_of(actor: Any, session_id: int) -> list[Enrolment]:
    return [
        e for e in selectors.enrolment_list(actor=actor, session_id=session_id) if e.status != EnrolmentStatus.CANCELLED
    ]


def _participants_of(actor: Any, session_id: int) -> list[Participant]:
    return [
        p
        for p in selectors.participant_list(actor=actor, session_id=session_id)
        if p.status != ParticipantStatus.CANCELLED
    ]


def _session_itself(actor: Any, session_id: int) -> list[Session]:
    return [_resolve_session(actor, session_id)]


def _enrolment_applies(kind: str) -> Callable[[Enrolment], bool]:
    def applies(enrolment: Enrolment) -> bool:
        individual = enrolment.client.kind == ClientKind.INDIVIDUAL
        bilan = _session_category(enrolment.session) == QualiopiCategory.SKILLS_ASSESSMENT
        if kind == "contract":  # never for a CPF-funded enrolment: the platform's terms govern
            return individual and not _is_cpf_funded(enrolment)
        if kind == "convention":
            return not individual and not bilan
        if kind == "skills_assessment_convention":
            return not individual and bilan
        if kind == "quote":  # a CPF holder orders on Mon Compte Formation
            return not (individual and _is_cpf_funded(enrolment))
        return True

    return applies


def _session_trainees(session_id: int) -> list[tuple[str, str]]:
    """(name, e-mail) of each trainee of the session (not cancelled) who has an e-mail: who a document of the whole
    session (programme, règlement intérieur) is diffused to. Unscoped: the caller checked the staff member."""
    rows = (
        Participant.objects.filter(session_id=session_id)
        .exclude(status=ParticipantStatus.CANCELLED)
        .exclude(enrolment__status=EnrolmentStatus.CANCELLED)
        .exclude(trainee__email="")
        .select_related("trainee")
        .order_by("trainee__last_name", "trainee__first_name")
    )
    return [(p.trainee.full_name, p.trainee.email) for p in rows]


def _all_enrolments(session_id: int) -> list[Enrolment]:
    """Unscoped (the command line runs as the operator): the non-cancelled enrolments of the session."""
    qs = Enrolment.objects.filter(session_id=session_id).exclude(status=EnrolmentStatus.CANCELLED)
    return list(qs.select_related("session", "client", "contact").order_by("created_at"))


def _all_participants(session_id: int) -> list[Participant]:
    qs = Participant.objects.filter(session_id=session_id).exclude(status=ParticipantStatus.CANCELLED)
    return list(qs.select_related("session", "trainee", "enrolment__client"))


def _all_session(session_id: int) -> list[Session]:
    return list(Session.objects.filter(pk=session_id))


PREVIEW_LIMIT = 10


def _recent_sessions(actor: Any) -> Any:
    return selectors.session_queryset_for(actor).exclude(status="cancelled").order_by("-start_date", "-pk")


def _preview_enrolments(actor: Any) -> list[tuple[str, Enrolment]]:
    """Recent enrolments the actor may see, to preview a template on real data."""
    enrolments = (
        Enrolment.objects.filter(session__in=_recent_sessions(actor)[:PREVIEW_LIMIT])
        .exclude(status="cancelled")
        .select_related("client", "session")
        .order_by("-session__start_date", "pk")[:PREVIEW_LIMIT]
    )
    return [(f"{e.client.name} — {e.session}", e) for e in enrolments]


def _preview_sessions(actor: Any) -> list[tuple[str, Session]]:
    return [(str(s), s) for s in _recent_sessions(actor)[:PREVIEW_LIMIT]]


def _preview_participants(actor: Any) -> list[tuple[str, Participant]]:
    participants = (
        Participant.objects.filter(session__in=_recent_sessions(actor)[:PREVIEW_LIMIT])
        .exclude(status=ParticipantStatus.CANCELLED)
        .select_related("trainee", "session", "enrolment__client")
        .order_by("-session__start_date", "trainee__last_name")[:PREVIEW_LIMIT]
    )
    return [(f"{p.trainee.full_name} — {p.session}", p) for p in participants]


def _session_id_of(subject: Enrolment | Participant) -> int:
    return subject.session_id


def _own_session_id(session: Session) -> int:
    return session.pk


def _client_name(enrolment: Enrolment) -> str:
    return enrolment.client.name


def _session_title(session: Session) -> str:
    return session.title


def _trainee_name(participant: Participant) -> str:
    return participant.trainee.full_name


# The hooks of each kind of subject; `kinds._kind` adds those of the kind (applies, attachments, recipients).
SUBJECT_HOOKS: dict[str, KindHooks] = {
    "enrolment": KindHooks(
        resolve=_resolve_enrolment,
        session_id=_session_id_of,
        label=_client_name,
        resolve_session=_resolve_session,
        subjects_for_session=_enrolments_of,
        operator_subjects=_all_enrolments,
        preview_subjects=_preview_enrolments,
        batch=batch,
    ),
    "session": KindHooks(
        resolve=_resolve_session,
        session_id=_own_session_id,
        label=_session_title,
        resolve_session=_resolve_session,
        subjects_for_session=_session_itself,
        operator_subjects=_all_session,
        preview_subjects=_preview_sessions,
        batch=batch,
    ),
    "participant": KindHooks(
        resolve=_resolve_participant,
        session_id=_session_id_of,
        label=_trainee_name,
        resolve_session=_resolve_session,
        subjects_for_session=_participants_of,
        operator_subjects=_all_participants,
        preview_subjects=_preview_participants,
        batch=batch,
    ),
}
