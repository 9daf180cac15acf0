# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads for people: every list and `_get` is scoped with `people.scope.actor_scope(actor)`.

Who sees what (see `people.scope` for the rule of the whole OF):
- member structures: admin/quality all; a manager the structures they manage; a trainer their own;
- trainers: admin/quality all; a manager the trainers of their structure(s); a trainer only themself;
- clients: admin/quality all; others the clients of their structure(s), plus the clients enrolled in a
  session they may see (a manager: sessions of their structure or taught by one of its trainers; a trainer:
  the sessions they teach);
- trainees: admin/quality all; others the trainees of a client they see, or following a session they see.

The session rules are written as `Exists(...)` subqueries over the reverse relations (`enrolments__session`,
`participations__session`), so this app never imports `training_sessions` (it is below us in the layers) and
the lists never need DISTINCT.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Model, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Membership, User
from coopforma.core.identifiers import compact
from coopforma.core.log import history_for
from coopforma.core.models import ActivityLog
from coopforma.people.models import Client, ClientKind, Contact, MemberStructure, Trainee, Trainer
from coopforma.people.scope import Scope, actor_scope
from coopforma.registry.models import RegisteredOrganisation

HISTORY_LIMIT = 100
ONBOARDING_ACTIONS = (
    "people.trainer.proposed",
    "people.trainer.validated",
    "people.trainer.rejected",
    "people.trainer.activated",
    "people.trainer.suspended",
    "people.trainer.reactivated",
    "people.trainer.invited",
)


def _clean(filters: dict[str, Any] | None) -> dict[str, Any]:
    """Drop empty filter values (a blank search box means no filter)."""
    return {key: value for key, value in (filters or {}).items() if value not in (None, "")}


def _visible_session(scope: Scope, model: type[Model], path: str) -> Q:
    """Rows of `model` reaching, through `path`, a session the (non admin/quality) scope may see.

    A trainer sees the sessions they teach; a manager the sessions of their structure(s) and those taught by
    one of their trainers. Each rule is one EXISTS over `model` itself, so the outer query never duplicates.
    """

    def exists(**lookups: Any) -> Q:
        return Q(Exists(model._default_manager.filter(pk=OuterRef("pk"), **lookups)))

    if scope.trainer_id is not None:
        return exists(**{f"{path}__trainers": scope.trainer_id})
    ids = scope.member_structure_ids
    if not ids:
        return Q(pk__in=[])
    return exists(**{f"{path}__member_structure_id__in": ids}) | exists(
        **{f"{path}__trainers__member_structure_id__in": ids}
    )


def _client_visible(scope: Scope, model: type[Model] = Client, prefix: str = "") -> Q:
    """Clients of the scope's structures, or enrolled in a session it may see (on `model`, through `prefix`)."""
    own = Q(**{f"{prefix}member_structure_id__in": scope.member_structure_ids}) if scope.member_structure_ids else None
    enrolled = _visible_session(scope, model, f"{prefix}enrolments__session")
    return own | enrolled if own is not None else enrolled


# --- Member structures -------------------------------------------------------------------------------------


def member_queryset(*, actor: Actor) -> QuerySet[MemberStructure]:
    queryset = MemberStructure.objects.filter(organisation=actor.organisation)
    scope = actor_scope(actor)
    if not scope.all:
        queryset = queryset.filter(pk__in=scope.member_structure_ids)
    return queryset


def member_list(*, actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[MemberStructure]:
    """Filters: `q` (name), `kind`, `active` ("1"/"0")."""
    filters = _clean(filters)
    queryset = member_queryset(actor=actor).annotate(trainer_count=Count("trainers", distinct=True))
    if "q" in filters:
        queryset = queryset.filter(name__icontains=filters["q"].strip())
    if "kind" in filters:
        queryset = queryset.filter(kind=filters["kind"])
    if "active" in filters:
        queryset = queryset.filter(is_active=str(filters["active"]) in {"1", "true", "True"})
    return queryset.order_by("name", "pk")


def member_get(*, actor: Actor, member_id: int) -> MemberStructure:
    member = member_queryset(actor=actor).filter(pk=member_id).prefetch_related("managers").first()
    if member is None:
        raise Http404
    return member


def member_choices(*, actor: Actor, include_id: int | None = None) -> QuerySet[MemberStructure]:
    """The structures the actor may attach a trainer or a client to: active ones (and the current one)."""
    return member_queryset(actor=actor).filter(Q(is_active=True) | Q(pk=include_id)).order_by("name")


def member_manager_candidates(*, actor: Actor, member: MemberStructure) -> QuerySet[User]:
    """Active people of the organisation who do not manage `member` yet (for the admin's select)."""
    return (
        User.objects.filter(memberships__organisation=actor.organisation, memberships__is_active=True, is_active=True)
        .exclude(managed_structures=member)
        .order_by("last_name", "first_name", "email")
    )


def org_roles(*, actor: Actor, users: list[User]) -> dict[int, str]:
    """user id -> role label in the actor's organisation (one query)."""
    memberships = Membership.objects.filter(organisation=actor.organisation, user__in=users)
    return {m.user_id: m.get_role_display() for m in memberships}


# --- Trainers ----------------------------------------------------------------------------------------------


def trainer_queryset(*, actor: Actor) -> QuerySet[Trainer]:
    queryset = Trainer.objects.filter(organisation=actor.organisation)
    scope = actor_scope(actor)
    if scope.all:
        return queryset
    if scope.trainer_id is not None:
        return queryset.filter(pk=scope.trainer_id)
    if actor.has("trainers.propose"):
        return queryset.filter(member_structure_id__in=scope.member_structure_ids)
    return queryset.none()


def trainer_list(*, actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[Trainer]:
    """Filters: `q` (name or e-mail), `state`, `status`, `member` (structure id)."""
    filters = _clean(filters)
    queryset = trainer_queryset(actor=actor).select_related("member_structure")
    if "q" in filters:
        for word in str(filters["q"]).split():
            queryset = queryset.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
            )
    if "state" in filters:
        queryset = queryset.filter(onboarding_state=filters["state"])
    if "status" in filters:
        queryset = queryset.filter(status=filters["status"])
    if "member" in filters:
        queryset = queryset.filter(member_structure_id=filters["member"])
    return queryset.order_by("last_name", "first_name", "pk")


def trainer_get(*, actor: Actor, trainer_id: int) -> Trainer:
    trainer = (
        trainer_queryset(actor=actor).filter(pk=trainer_id).select_related("member_structure", "user", "decided_by")
    ).first()
    if trainer is None:
        raise Http404
    return trainer


def trainer_onboarding(*, trainer: Trainer) -> QuerySet[ActivityLog]:
    """The parcours formateur: the onboarding events of the trainer's history, oldest first."""
    return history_for(trainer).filter(action__in=ONBOARDING_ACTIONS).order_by("created_at", "id")


# --- Clients and contacts ----------------------------------------------------------------------------------


def client_queryset(*, actor: Actor) -> QuerySet[Client]:
    queryset = Client.objects.filter(organisation=actor.organisation)
    scope = actor_scope(actor)
    if not scope.all:
        queryset = queryset.filter(_client_visible(scope))
    return queryset


def client_list(*, actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[Client]:
    """Filters: `q` (name, SIRET or city), `kind`, `member` (structure id)."""
    filters = _clean(filters)
    queryset = client_queryset(actor=actor).select_related("member_structure")
    if "q" in filters:
        text = str(filters["q"]).strip()
        condition = Q(name__icontains=text) | Q(city__icontains=text)
        digits = compact(text)
        if digits.isdigit():
            condition |= Q(siret__contains=digits)
        queryset = queryset.filter(condition)
    if "kind" in filters:
        queryset = queryset.filter(kind=filters["kind"])
    if "member" in filters:
        queryset = queryset.filter(member_structure_id=filters["member"])
    return queryset.order_by("name", "pk")


def client_get(*, actor: Actor, client_id: int) -> Client:
    client = client_queryset(actor=actor).filter(pk=client_id).select_related("member_structure").first()
    if client is None:
        raise Http404
    return client


def client_may_edit(*, actor: Actor, client: Client) -> bool:
    """Visible is not editable: only the OF (admin/quality) and the client's own structure edit it."""
    if not actor.has("clients.create"):
        return False
    scope = actor_scope(actor)
    return scope.all or (
        client.member_structure_id is not None and client.member_structure_id in scope.member_structure_ids
    )


def client_contacts(*, client: Client) -> QuerySet[Contact]:
    return client.contacts.all().order_by("last_name", "first_name", "pk")


def client_trainees(*, actor: Actor, client: Client) -> QuerySet[Trainee]:
    return trainee_queryset(actor=actor).filter(client=client).order_by("last_name", "first_name", "pk")


# Enrolment and Participant live in training_sessions, below people in the import order: the reverse relations
# are typed (django-stubs knows them), but their model cannot be named here, hence `Any` in these signatures.
def client_enrolments(*, client: Client) -> QuerySet[Any]:
    """The client's enrolments (newest session first), through the reverse relation `client.enrolments`."""
    return client.enrolments.select_related("session").order_by("-session__start_date", "-pk")


def contact_get(*, actor: Actor, client: Client, contact_id: int) -> Contact:
    contact = Contact.objects.filter(organisation=actor.organisation, client=client, pk=contact_id).first()
    if contact is None:
        raise Http404
    return contact


# --- Trainees ----------------------------------------------------------------------------------------------


def trainee_queryset(*, actor: Actor) -> QuerySet[Trainee]:
    queryset = Trainee.objects.filter(organisation=actor.organisation)
    scope = actor_scope(actor)
    if not scope.all:
        queryset = queryset.filter(
            _client_visible(scope, Trainee, prefix="client__")
            | _visible_session(scope, Trainee, "participations__session")
        )
    return queryset


def trainee_list(*, actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[Trainee]:
    """Filters: `q` (name or e-mail), `client` (client id)."""
    filters = _clean(filters)
    queryset = trainee_queryset(actor=actor).select_related("client")
    if "q" in filters:
        for word in str(filters["q"]).split():
            queryset = queryset.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
            )
    if "client" in filters:
        queryset = queryset.filter(client_id=filters["client"])
    return queryset.order_by("last_name", "first_name", "pk")


def trainee_get(*, actor: Actor, trainee_id: int) -> Trainee:
    trainee = trainee_queryset(actor=actor).filter(pk=trainee_id).select_related("client").first()
    if trainee is None:
        raise Http404
    return trainee


def trainee_participations(*, actor: Actor, trainee: Trainee) -> QuerySet[Any]:
    """The sessions the trainee follows (only those the actor may see), through `trainee.participations`."""
    participations = trainee.participations.select_related("session")
    scope = actor_scope(actor)
    if not scope.all:
        participations = participations.filter(_visible_session(scope, participations.model, "session"))
    # Attended minutes from the attendance projection (`slot_attendances`, one row per signed or marked slot),
    # read through the reverse relation: no attendance row yet means the émargement is not entered.
    return participations.annotate(
        attended_minutes=Sum("slot_attendances__attended_minutes"),
        attendance_rows=Count("slot_attendances"),
    ).order_by("-session__start_date", "-pk")


def client_filter_choices(*, actor: Actor, include_id: int | None = None) -> QuerySet[Client]:
    """The clients offered in the trainee list filter and the trainee form (and a trainee's current client)."""
    queryset = client_queryset(actor=actor)
    if include_id is not None:
        queryset = queryset | Client.objects.filter(organisation=actor.organisation, pk=include_id)
    return queryset.order_by("name").only("pk", "name")


# --- Detail pages: one call gives a page everything it shows ------------------------------------------------


@dataclass
class MemberPage:
    member: MemberStructure
    trainers: list[Trainer]
    managers: list[User]
    roles: dict[int, str]
    history: list[ActivityLog]


def member_page(*, actor: Actor, member_id: int) -> MemberPage:
    member = member_get(actor=actor, member_id=member_id)
    managers = sorted(member.managers.all(), key=lambda u: (u.last_name, u.first_name, u.email))
    return MemberPage(
        member=member,
        trainers=list(trainer_list(actor=actor, filters={"member": member.pk})),
        managers=managers,
        roles=org_roles(actor=actor, users=managers),
        history=list(history_for(member)[:HISTORY_LIMIT]),
    )


@dataclass
class TrainerPage:
    trainer: Trainer
    onboarding: list[ActivityLog]
    history: list[ActivityLog]


def trainer_page(*, actor: Actor, trainer_id: int) -> TrainerPage:
    trainer = trainer_get(actor=actor, trainer_id=trainer_id)
    return TrainerPage(
        trainer=trainer,
        onboarding=list(trainer_onboarding(trainer=trainer)),
        history=list(history_for(trainer)[:HISTORY_LIMIT]),
    )


@dataclass
class ClientPage:
    client: Client
    may_edit: bool
    contacts: list[Contact]
    trainees: list[Trainee]
    enrolments: list[Model]
    history: list[ActivityLog]


def client_page(*, actor: Actor, client_id: int) -> ClientPage:
    client = client_get(actor=actor, client_id=client_id)
    return ClientPage(
        client=client,
        may_edit=client_may_edit(actor=actor, client=client),
        contacts=list(client_contacts(client=client)),
        trainees=list(client_trainees(actor=actor, client=client)),
        enrolments=list(client_enrolments(client=client)),
        history=list(history_for(client)[:HISTORY_LIMIT]),
    )


@dataclass
class TraineePage:
    trainee: Trainee
    participations: list[Any]  # Participant rows with attended_minutes and assiduity
    history: list[ActivityLog]


def trainee_page(*, actor: Actor, trainee_id: int) -> TraineePage:
    trainee = trainee_get(actor=actor, trainee_id=trainee_id)
    participations = list(trainee_participations(actor=actor, trainee=trainee))
    for participation in participations:
        planned = participation.session.total_minutes
        attended = participation.attended_minutes or 0
        # Assiduité in whole percent, rounded half up with integers only (hours are never floats).
        participation.assiduity = (attended * 200 + planned) // (2 * planned) if planned else None
    return TraineePage(
        trainee=trainee,
        participations=participations,
        history=list(history_for(trainee)[:HISTORY_LIMIT]),
    )


def trainer_access(*, actor: Actor, trainer: Trainer) -> Membership | None:
    """The membership of the trainer's account in the organisation (its state: invited, active…), if any."""
    if not trainer.user_id:
        return None
    return Membership.objects.filter(organisation=actor.organisation, user_id=trainer.user_id).first()


def client_fields_from_registry(found: RegisteredOrganisation) -> dict[str, str]:
    """The client form's fields from an organisation of the public list of OFs (a client that is an OF)."""
    return {
        "kind": ClientKind.TRAINING_ORG,
        "name": found.name,
        "siret": found.siret,
        "nda": found.nda,
        "street": found.street,
        "postal_code": found.postal_code,
        "city": found.city,
    }
