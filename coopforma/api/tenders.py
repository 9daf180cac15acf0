# SPDX-License-Identifier: AGPL-3.0-or-later
"""The tender watch's routes: BOAMP training notices (public data, Licence Ouverte / Etalab 2.0: any token reads
them) and the token's organisation's « Ça m'intéresse » in the networks it is a member of.

`notice_id` is the notice's BOAMP number (`idweb`, e.g. `26-12345`)."""

import os
from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from coopforma.api.auth import MEMBER, get_actor, permission
from coopforma.api.params import coded, paged
from coopforma.networks.access import NetworkActor, actor_for
from coopforma.tenders import consortium_selectors, consortium_services, selectors, services
from coopforma.tenders.models import (
    Consortium,
    ConsortiumForm,
    ConsortiumLotContract,
    ConsortiumMilestone,
    ConsortiumState,
    Frequency,
    Interest,
    MilestoneKind,
    Nature,
    Notice,
    WatchProfile,
)

router = Router(tags=["tenders"])


class LotOut(Schema):
    number: str
    title: str
    cpv_codes: list[str]
    amount_cents: int | None


class NoticeOut(Schema):
    idweb: str = Field(description="the BOAMP number of the notice")
    object: str
    buyer: str
    nature: str = coded(Nature)
    published_on: date | None
    deadline: datetime | None = Field(description="the deadline for answers, as published in this notice")
    current_deadline: datetime | None = Field(description="the deadline after the latest rectification")
    cancelled: bool
    departements: list[str]
    main_cpv: str
    cpv_codes: list[str] = Field(description="CPV codes (8 digits) of the notice and its lots")
    amount_cents: int | None = Field(description="estimated amount, in cents, when the notice gives one")
    reserved_ess: bool = Field(description="reserved to ESS entities (Code de la commande publique L2113-15)")
    social_clause: bool
    winners: list[str] = Field(description="the winners (award notices)")
    linked_idwebs: list[str] = Field(description="the notices this one rectifies, cancels or awards")
    url: str = Field(description="the notice on the BOAMP")
    lots: list[LotOut]

    @staticmethod
    def resolve_lots(obj: Notice) -> list[dict]:
        return [
            {"number": lot.number, "title": lot.title, "cpv_codes": lot.cpv_codes, "amount_cents": lot.amount_cents}
            for lot in obj.lots.all()
        ]


class NoticeFilters(Schema):
    q: str = Field("", max_length=200, description="words of the object or the buyer")
    departement: str = Field("", max_length=3, description="a département number (26, 2A, 974)")
    reserved: bool = Field(False, description="only contracts reserved to ESS entities")
    open_only: bool = Field(False, description="only notices whose deadline has not passed and not cancelled")
    nature: str = coded(Nature, default="", what="only notices of this nature")


class InterestIn(Schema):
    network_id: int = Field(..., description="the network (one the token's organisation is a member of)")
    note: str = Field("", max_length=2000)


class InterestOut(Schema):
    id: int
    notice: str = Field(description="the notice's BOAMP number (idweb)")
    notice_object: str
    network_id: int
    network: str = Field(description="the network's short name")
    note: str
    created_at: datetime

    @staticmethod
    def resolve_notice(obj: Interest) -> str:
        return obj.notice.idweb

    @staticmethod
    def resolve_notice_object(obj: Interest) -> str:
        return obj.notice.object

    @staticmethod
    def resolve_network(obj: Interest) -> str:
        return obj.network.slug


def _notices(filters: NoticeFilters) -> list[Notice]:
    notices = selectors.notice_queryset().prefetch_related("lots")
    if filters.q.strip():
        for word in filters.q.split()[:8]:
            notices = notices.filter(Q(object__icontains=word) | Q(buyer__icontains=word))
    if filters.departement.strip():
        notices = notices.filter(departements_text__contains=f" {filters.departement.strip().upper()} ")
    if filters.reserved:
        notices = notices.filter(reserved_ess=True)
    if filters.open_only:
        notices = notices.filter(current_deadline__gte=timezone.now(), cancelled=False)
    if filters.nature:
        notices = notices.filter(nature=filters.nature)
    return notices  # type: ignore[return-value]


@router.get("/tenders/notices", response=list[NoticeOut], summary="Training notices from the BOAMP")
@permission(MEMBER)
@paged
def tender_notice_list(request: HttpRequest, filters: Query[NoticeFilters]) -> list[Notice]:
    return _notices(filters)


@router.get("/tenders/notices/{notice_id}", response=NoticeOut, summary="One notice, by its BOAMP number")
@permission(MEMBER)
def tender_notice_get(request: HttpRequest, notice_id: str) -> Notice:
    notice = selectors.notice_queryset().prefetch_related("lots").filter(idweb=notice_id).first()
    if notice is None:
        raise Http404
    return notice


@router.get("/tenders/interests", response=list[InterestOut], summary="My organisation's interests")
@permission(MEMBER)
@paged
def tender_interest_list(request: HttpRequest) -> list[Interest]:
    return selectors.organisation_interests(organisation=get_actor(request).organisation)  # type: ignore[return-value]


@router.post(
    "/tenders/notices/{notice_id}/interests",
    response={201: InterestOut},
    summary="« Ça m'intéresse »: my organisation considers answering this notice",
)
@permission(MEMBER)
def tender_interest_create(request: HttpRequest, notice_id: str, payload: InterestIn) -> Status:
    notice = selectors.notice_queryset().filter(idweb=notice_id).first()
    if notice is None:
        raise Http404
    interest = services.interest_create_for_organisation(
        actor=get_actor(request), network_id=payload.network_id, notice=notice, note=payload.note
    )
    return Status(201, interest)


# --- groupements (the consortium builder) -------------------------------------------------------------------------


class ConsortiumShareOut(Schema):
    organisation_id: int
    organisation: str
    lot: str | None = Field(description="the lot's number; null: the whole notice (a notice without lots)")
    per_mille: int = Field(description="the member's share of the lot, in per-mille (a lot's shares add up to 1000)")


class ConsortiumMilestoneOut(Schema):
    kind: str = coded(MilestoneKind)
    label: str
    due_on: date
    remind_days: int
    moved_from: date | None = Field(description="the date before the notice's deadline moved (deadline milestone)")
    moved_at: datetime | None = Field(description="when the deadline milestone followed the notice's new deadline")
    rectified_by: str | None = Field(description="the BOAMP number of the rectification that moved it, if any")

    @staticmethod
    def resolve_rectified_by(obj: ConsortiumMilestone) -> str | None:
        return obj.rectified_by.idweb if obj.rectified_by else None


class ConsortiumLotContractOut(Schema):
    lot: str | None = Field(description="the lot's number; null: the whole notice")
    session_id: int | None = Field(description="the draft session created in the mandataire's organisation")
    amount_cents: int = Field(description="the lot's amount, in cents, excluding VAT")
    buyer_siret: str
    chorus_service_code: str
    commitment_number: str
    invoice_id: int | None = Field(description="the lot's draft invoice to the buyer, once the drafts are prepared")
    enrolment_id: int | None = Field(description="the buyer's provisional enrolment, when its trainees were known")
    planned_headcount: int | None = Field(description="the headcount planned, when the trainees were not known")

    @staticmethod
    def resolve_lot(obj: ConsortiumLotContract) -> str | None:
        return obj.lot.number if obj.lot else None


class ConsortiumOut(Schema):
    id: int
    network_id: int
    notice: str = Field(description="the notice's BOAMP number (idweb)")
    notice_object: str
    form: str = coded(ConsortiumForm)
    state: str = coded(ConsortiumState)
    mandataire_id: int
    mandataire: str
    members: list[str] = Field(description="the member organisations' names")
    shares: list[ConsortiumShareOut]
    price_cents: int | None = Field(description="the price of the offer, in cents, once the outcome is recorded")
    feedback: str
    period_start: date | None
    period_end: date | None
    milestones: list[ConsortiumMilestoneOut]
    contracts: list[ConsortiumLotContractOut] = Field(
        description="a won groupement started in the mandataire's organisation: per lot, its session and billing data"
    )

    @staticmethod
    def resolve_milestones(obj: Consortium) -> list[ConsortiumMilestone]:
        return list(obj.milestones.all())

    @staticmethod
    def resolve_contracts(obj: Consortium) -> list[ConsortiumLotContract]:
        return list(obj.contracts.all())

    @staticmethod
    def resolve_notice(obj: Consortium) -> str:
        return obj.notice.idweb

    @staticmethod
    def resolve_notice_object(obj: Consortium) -> str:
        return obj.notice.object

    @staticmethod
    def resolve_mandataire(obj: Consortium) -> str:
        return obj.mandataire.name

    @staticmethod
    def resolve_members(obj: Consortium) -> list[str]:
        return [m.organisation.name for m in obj.members.all()]

    @staticmethod
    def resolve_shares(obj: Consortium) -> list[dict]:
        return [
            {
                "organisation_id": m.organisation_id,
                "organisation": m.organisation.name,
                "lot": share.lot.number if share.lot else None,
                "per_mille": share.per_mille,
            }
            for m in obj.members.all()
            for share in m.shares.all()
        ]


def _my_consortium(request: HttpRequest, consortium_id: int) -> Consortium:
    consortium = (
        consortium_selectors.organisation_consortiums(organisation=get_actor(request).organisation)
        .filter(pk=consortium_id)
        .first()
    )
    if consortium is None:
        raise Http404
    return consortium


@router.get("/tenders/consortiums", response=list[ConsortiumOut], summary="The groupements my organisation is in")
@permission(MEMBER)
@paged
def tender_consortium_list(request: HttpRequest) -> list[Consortium]:
    return consortium_selectors.organisation_consortiums(  # type: ignore[return-value]
        organisation=get_actor(request).organisation
    )


@router.get("/tenders/consortiums/{consortium_id}", response=ConsortiumOut, summary="One of my groupements")
@permission(MEMBER)
def tender_consortium_get(request: HttpRequest, consortium_id: int) -> Consortium:
    return _my_consortium(request, consortium_id)


@router.get(
    "/tenders/consortiums/{consortium_id}/kit",
    response=dict,
    summary="The response kit of one of my groupements, from the records (DC1/DC2 data, references, team, memo)",
)
@permission(MEMBER)
def tender_consortium_kit_get(request: HttpRequest, consortium_id: int) -> dict:
    """Each file of the kit (a team trainer's CV, a member's Qualiopi certificate) has its `url` (the page, for a
    logged-in browser) and its `api_url` (this API, with the token)."""
    consortium = _my_consortium(request, consortium_id)
    return _with_api_urls(consortium_selectors.response_kit(consortium), consortium)


def _with_api_urls(kit: dict[str, Any], consortium: Consortium) -> dict[str, Any]:
    members = {m.organisation_id: m.pk for m in consortium.members.all()}
    for member in kit["members"]:
        for trainer in member["trainers"]:
            if trainer["cv"].get("kind") == "file":
                trainer["cv"]["api_url"] = reverse(
                    "api-v1:tender_consortium_kit_cv_get",
                    kwargs={"consortium_id": consortium.pk, "trainer_id": trainer["trainer_id"]},
                )
        for certificate in member["certificates"]:
            if certificate.get("file"):
                certificate["file"]["api_url"] = reverse(
                    "api-v1:tender_consortium_kit_certificate_get",
                    kwargs={"consortium_id": consortium.pk, "member_id": members[member["organisation_id"]]},
                )
    return kit


def _file(field: Any) -> FileResponse:
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(field.name))


@router.get(
    "/tenders/consortiums/{consortium_id}/kit/cvs/{trainer_id}",
    summary="The CV file of a trainer of the groupement's team (404: not in the team, or no file)",
)
@permission(MEMBER)
def tender_consortium_kit_cv_get(request: HttpRequest, consortium_id: int, trainer_id: int) -> FileResponse:
    trainer = consortium_selectors.kit_cv_file(_my_consortium(request, consortium_id), trainer_id)
    return _file(trainer.cv)


@router.get(
    "/tenders/consortiums/{consortium_id}/kit/certificates/{member_id}",
    summary="The Qualiopi certificate file of a member of the groupement (404: not a member, or no file)",
)
@permission(MEMBER)
def tender_consortium_kit_certificate_get(request: HttpRequest, consortium_id: int, member_id: int) -> FileResponse:
    """`member_id`: the groupement's member (the kit's `members[].member_id`), not its organisation."""
    consortium = _my_consortium(request, consortium_id)
    member = next((m for m in consortium.members.all() if m.pk == member_id), None)
    if member is None:
        raise Http404
    proof = consortium_selectors.kit_certificate_file(consortium, member.organisation_id)
    return _file(proof.file)


class ContractDraftLotIn(Schema):
    lot: str | None = Field(
        None, max_length=20, description="the lot's number, as in the groupement's `contracts`; null: the whole notice"
    )
    trainee_ids: list[int] = Field(
        [],
        max_length=500,
        description="trainees of the buyer recorded in the mandataire's organisation: a provisional enrolment of "
        "the buyer is drafted with them",
    )
    planned_headcount: int | None = Field(None, description="the headcount planned, when the trainees are not known")


class ContractDraftsIn(Schema):
    lots: list[ContractDraftLotIn] = Field(
        [], max_length=100, description="per lot started (each at most once); a lot not listed gets its invoice only"
    )


@router.post(
    "/tenders/consortiums/{consortium_id}/contract/drafts",
    response={201: list[ConsortiumLotContractOut]},
    summary="A started contract: draft its invoices to the buyer and its enrolments, in the mandataire's organisation",
)
@permission(MEMBER)
def tender_consortium_drafts_create(request: HttpRequest, consortium_id: int, payload: ContractDraftsIn) -> Status:
    """As the page « Préparer les brouillons »: a token of the mandataire's organisation whose role may bill
    (`billing.manage`), once; per lot a draft invoice to the buyer (issued later through billing) and, when its
    trainees are given, a provisional enrolment with them, else the planned headcount kept. Nothing written when
    refused."""
    consortium = _my_consortium(request, consortium_id)
    token = get_actor(request)
    if consortium.mandataire_id != token.organisation_id or not token.has("billing.manage"):
        raise PermissionDenied("billing.manage")
    started = {(c.lot.number if c.lot else None): c.lot_id for c in consortium_selectors.lot_contracts(consortium)}
    trainees: dict[int | None, list[int]] = {}
    headcounts: dict[int | None, int | None] = {}
    where: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for index, item in enumerate(payload.lots):
        if item.lot not in started or started[item.lot] in trainees:
            errors[f"lots.{index}.lot"] = [_("Indiquez un lot lancé de ce marché, une seule fois.")]
            continue
        lot_id = started[item.lot]
        trainees[lot_id], headcounts[lot_id] = item.trainee_ids, item.planned_headcount
        where[f"trainees_{lot_id or 0}"] = f"lots.{index}.trainee_ids"
        where[f"headcount_{lot_id or 0}"] = f"lots.{index}.planned_headcount"
    if errors:
        raise ValidationError(errors)
    try:
        consortium_services.contract_drafts_create(
            actor=actor_for(token.user, consortium.network),
            consortium=consortium,
            trainees=trainees,
            headcounts=headcounts,
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        named: dict[str, list[ValidationError]] = {}
        for field, items in exc.error_dict.items():  # the form's field names as the body's
            named.setdefault(where.get(field, NON_FIELD_ERRORS), []).extend(items)
        raise ValidationError(named) from None
    return Status(201, consortium_selectors.lot_contracts(consortium))


# --- watch profiles ----------------------------------------------------------------------------------------------


class WatchProfileOut(Schema):
    id: int
    network_id: int
    network: str = Field(description="the network's short name")
    organisation_id: int | None = Field(description="the member organisation it watches for; null: the network's own")
    organisation: str | None
    name: str
    cpv_prefixes: str = Field(description="beginnings of CPV codes, separated by spaces (805 79632)")
    keywords: str = Field(description="one per line, or separated by commas")
    departements: str = Field(description="département numbers, separated by spaces (26 07 2A 974)")
    reserved_first: bool = Field(description="contracts reserved to ESS entities first in the digest")
    min_amount_cents: int | None
    max_amount_cents: int | None
    frequency: str = coded(Frequency)
    is_active: bool = Field(description="the e-mail digest is sent")
    last_digest_at: datetime | None

    @staticmethod
    def resolve_network(obj: WatchProfile) -> str:
        return obj.network.slug

    @staticmethod
    def resolve_organisation(obj: WatchProfile) -> str | None:
        return obj.organisation.name if obj.organisation else None


class WatchProfileFilters(Schema):
    network_id: int | None = Field(None, description="only this network's profiles")


class WatchProfileFields(Schema):
    """The fields a profile's owner sets (the service checks CPV prefixes, départements and the amounts)."""

    cpv_prefixes: str = Field("", max_length=300, description="beginnings of CPV codes (2 to 8 digits), spaced")
    keywords: str = Field("", max_length=5000, description="one per line, or separated by commas")
    departements: str = Field("", max_length=300, description="département numbers, spaced (26 07 2A 974)")
    reserved_first: bool = True
    min_amount_cents: int | None = Field(None, ge=0, le=10**13, description="the notice's amount at least, in cents")
    max_amount_cents: int | None = Field(None, ge=0, le=10**13, description="the notice's amount at most, in cents")
    frequency: str = coded(Frequency, default=Frequency.WEEKLY)
    is_active: bool = True


class WatchProfileIn(WatchProfileFields):
    network_id: int = Field(..., description="the network (one where the token's person has a role)")
    for_network: bool = Field(
        False,
        description="the network's own profile (its moderators only); otherwise the token's organisation's, a member "
        "organisation of the network",
    )
    name: str = Field(..., max_length=120)


class WatchProfilePatch(Schema):
    """The fields sent change (`null`: no change, but for the amounts: no bound)."""

    name: str | None = Field(None, max_length=120)
    cpv_prefixes: str | None = Field(None, max_length=300)
    keywords: str | None = Field(None, max_length=5000)
    departements: str | None = Field(None, max_length=300)
    reserved_first: bool | None = None
    min_amount_cents: int | None = Field(None, ge=0, le=10**13)
    max_amount_cents: int | None = Field(None, ge=0, le=10**13)
    frequency: str | None = coded(Frequency, default=None)
    is_active: bool | None = None


@router.get(
    "/tenders/watch-profiles",
    response=list[WatchProfileOut],
    summary="The watch profiles I may read, in the networks where I have a role",
)
@permission(MEMBER)
@paged
def tender_watch_profile_list(request: HttpRequest, filters: Query[WatchProfileFilters]) -> Any:
    """As the pages « Veille »: the profiles of the member organisations the token's person works in (an active
    membership); a moderator every profile of the network, its own included."""
    return selectors.person_profiles(user=get_actor(request).user, network_id=filters.network_id)


@router.post("/tenders/watch-profiles", response={201: WatchProfileOut}, summary="Create a watch profile")
@permission(MEMBER)
def tender_watch_profile_create(request: HttpRequest, payload: WatchProfileIn) -> Status:
    """The token's organisation's profile (403 unless it is a member organisation of the network), or with
    `for_network` the network's own (403 unless the token's person moderates the network); 404 when the person has
    no role in the network. The digest goes to the token's person. Refused values (CPV prefix,
    département, amounts): 422 naming the field, nothing written."""
    token = get_actor(request)
    actor = selectors.network_person(user=token.user, network_id=payload.network_id)
    values = payload.model_dump(exclude={"network_id", "for_network"})
    profile = services.watch_profile_create(
        actor=actor, organisation_id=None if payload.for_network else token.organisation.pk, **values
    )
    return Status(201, profile)


@router.get("/tenders/watch-profiles/{profile_id}", response=WatchProfileOut, summary="One watch profile")
@permission(MEMBER)
def tender_watch_profile_get(request: HttpRequest, profile_id: int) -> WatchProfile:
    return selectors.person_profile_get(user=get_actor(request).user, profile_id=profile_id)[1]


@router.patch("/tenders/watch-profiles/{profile_id}", response=WatchProfileOut, summary="Change a watch profile")
@permission(MEMBER)
def tender_watch_profile_update(request: HttpRequest, profile_id: int, payload: WatchProfilePatch) -> WatchProfile:
    """Its owner: a person of its organisation, or a moderator for the network's own (403 for the others who read
    it: a moderator and another member's profile; 404 for those who do not). The whole profile is checked again,
    as on the page."""
    actor, profile = selectors.person_profile_get(user=get_actor(request).user, profile_id=profile_id)
    sent = payload.model_dump(exclude_unset=True)
    changes = {k: v for k, v in sent.items() if v is not None or k in ("min_amount_cents", "max_amount_cents")}
    values = {name: getattr(profile, name) for name in services.PROFILE_FIELDS} | changes
    return services.watch_profile_update(actor=actor, profile=profile, **values)


@router.delete("/tenders/watch-profiles/{profile_id}", response={204: None}, summary="Delete a watch profile")
@permission(MEMBER)
def tender_watch_profile_delete(request: HttpRequest, profile_id: int) -> Status:
    actor, profile = selectors.person_profile_get(user=get_actor(request).user, profile_id=profile_id)
    services.watch_profile_delete(actor=actor, profile=profile)
    return Status(204, None)


# --- forming a groupement and recording its outcome (the network's moderators) ---------------------------------


class ConsortiumShareIn(Schema):
    organisation_id: int = Field(..., description="a member organisation of the groupement")
    lot: str | None = Field(None, max_length=40, description="the lot's number; null: the whole notice (no lots)")
    per_mille: int = Field(..., ge=0, le=1000, description="its share of the lot, in per-mille")


SHARES_DESCRIPTION = (
    "every share, replacing those recorded: per lot the shares add up to 1000 ‰, or to 0 when the groupement does not "
    "answer that lot (a share not listed is 0)"
)


class ConsortiumCreateIn(Schema):
    network_id: int = Field(..., description="the network whose moderators form the groupement")
    form: str = coded(ConsortiumForm)
    mandataire_id: int = Field(..., description="the mandataire: a member organisation interested in the notice")
    member_ids: list[int] = Field(
        ...,
        max_length=100,
        description="the member organisations (at least two with the mandataire), each interested in the notice",
    )
    period_start: date | None = Field(None, description="the execution period's start, when known")
    period_end: date | None = None
    shares: list[ConsortiumShareIn] | None = Field(None, max_length=1000, description=f"optional, {SHARES_DESCRIPTION}")


class ConsortiumPatch(Schema):
    """The fields sent change, while the groupement is forming (`null`: no change, but for the period's dates)."""

    form: str | None = coded(ConsortiumForm, default=None)
    mandataire_id: int | None = Field(None, description="a member, or one of `member_ids`")
    member_ids: list[int] | None = Field(
        None,
        max_length=100,
        description="the members wanted: those not in it are added (interested in the notice), those left out "
        "removed (once their shares are given to others, in `shares`; the mandataire with another `mandataire_id`)",
    )
    period_start: date | None = Field(None, description="null: no known start")
    period_end: date | None = None
    shares: list[ConsortiumShareIn] | None = Field(None, max_length=1000, description=SHARES_DESCRIPTION)


class ConsortiumOutcomeIn(Schema):
    outcome: Literal["won", "lost", "withdrawn"] = Field(
        ..., description="`won`: Remporté, `lost`: Perdu (once the offer is submitted), `withdrawn`: Abandonné"
    )
    price_cents: int | None = Field(None, ge=0, le=10**13, description="the price of the offer, in cents (HT)")
    feedback: str = Field("", max_length=5000, description="the buyer's feedback")


# The services' field names (the pages' forms) → the body's.
CONSORTIUM_FIELDS = {"mandataire": "mandataire_id", "members": "member_ids", "organisation": "member_ids"}


def _consortium_call(service: Any, names: dict[str, str] | None = None, **kwargs: Any) -> Any:
    """Call a consortium service; its field errors come back under the body's field names (422)."""
    names = {**CONSORTIUM_FIELDS, **(names or {})}
    try:
        return service(**kwargs)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()}) from None
        raise


def _shares(notice: Notice, items: list[ConsortiumShareIn] | None) -> dict[tuple[int, int | None], int] | None:
    """The body's shares as the service takes them ((organisation, lot id or None) → per-mille), lots by number."""
    if items is None:
        return None
    lots: dict[str, int] = {}
    for lot in notice.lots.all():
        lots.setdefault(lot.number, lot.pk)
    shares: dict[tuple[int, int | None], int] = {}
    errors: dict[str, list[str]] = {}
    for index, item in enumerate(items):
        if item.lot is not None and item.lot not in lots:
            errors[f"shares.{index}.lot"] = [_("Ce lot n'est pas un lot de l'avis.")]
            continue
        key = (item.organisation_id, lots[item.lot] if item.lot is not None else None)
        if key in shares:
            errors[f"shares.{index}"] = [_("Une seule part par membre et par lot.")]
            continue
        shares[key] = item.per_mille
    if errors:
        raise ValidationError(errors)
    return shares


def _consortium_out(actor: NetworkActor, consortium_id: int) -> Consortium:
    return consortium_selectors.consortium_get(actor=actor, consortium_id=consortium_id)


@router.post(
    "/tenders/notices/{notice_id}/consortiums",
    response={201: ConsortiumOut},
    summary="Form a groupement to answer this notice (the network's moderators)",
)
@permission(MEMBER)
def tender_consortium_create(request: HttpRequest, notice_id: str, payload: ConsortiumCreateIn) -> Status:
    """As the page « Former un groupement », through the same service: the token's person must moderate the
    network (403 otherwise; 404 when it has no role there); co-traitance conjointe (`joint`) or solidaire
    (`joint_several`), or subcontracting; the members among the organisations that said « Ça m'intéresse ».
    Refused: 422 naming the field, nothing written."""
    notice = selectors.notice_queryset().filter(idweb=notice_id).first()
    if notice is None:
        raise Http404
    actor = selectors.network_person(user=get_actor(request).user, network_id=payload.network_id)
    consortium = _consortium_call(
        consortium_services.consortium_create,
        actor=actor,
        notice=notice,
        form=payload.form,
        mandataire_id=payload.mandataire_id,
        member_ids=payload.member_ids,
        period_start=payload.period_start,
        period_end=payload.period_end,
        shares=_shares(notice, payload.shares),
    )
    return Status(201, _consortium_out(actor, consortium.pk))


@router.patch(
    "/tenders/consortiums/{consortium_id}",
    response=ConsortiumOut,
    summary="Change a groupement while it is forming: form, mandataire, members, period, shares (moderators)",
)
@permission(MEMBER)
def tender_consortium_update(request: HttpRequest, consortium_id: int, payload: ConsortiumPatch) -> Consortium:
    """The network's moderators, while the groupement is forming (403 for a member of the groupement; 404 for
    those who do not read it). One step: every change is made or none (422 naming the field)."""
    actor, consortium = consortium_selectors.person_consortium_get(
        user=get_actor(request).user, consortium_id=consortium_id
    )
    sent = payload.model_fields_set
    dates = {name: getattr(payload, name) for name in ("period_start", "period_end") if name in sent}
    _consortium_call(
        consortium_services.consortium_revise,
        actor=actor,
        consortium=consortium,
        form=payload.form,
        mandataire_id=payload.mandataire_id,
        member_ids=payload.member_ids,
        shares=_shares(consortium.notice, payload.shares),
        **dates,
    )
    return _consortium_out(actor, consortium.pk)


@router.post(
    "/tenders/consortiums/{consortium_id}/submit",
    response=ConsortiumOut,
    summary="The offer is submitted: the groupement stops forming (moderators)",
)
@permission(MEMBER)
def tender_consortium_submit(request: HttpRequest, consortium_id: int) -> Consortium:
    """A forming groupement whose lots are shared; then its outcome is recorded."""
    actor, consortium = consortium_selectors.person_consortium_get(
        user=get_actor(request).user, consortium_id=consortium_id
    )
    _consortium_call(
        consortium_services.consortium_state_set,
        actor=actor,
        consortium=consortium,
        state=ConsortiumState.SUBMITTED,
    )
    return _consortium_out(actor, consortium.pk)


@router.post(
    "/tenders/consortiums/{consortium_id}/outcome",
    response=ConsortiumOut,
    summary="Record the outcome: won or lost (price, buyer's feedback), or withdrawn (moderators)",
)
@permission(MEMBER)
def tender_consortium_outcome_record(
    request: HttpRequest, consortium_id: int, payload: ConsortiumOutcomeIn
) -> Consortium:
    """As the page's « État » form: `won` and `lost` once the offer is submitted, with the price (cents, HT) and
    the buyer's feedback kept; `withdrawn` from forming or submitted. The price is read by the groupement's members
    and the network's moderators only."""
    actor, consortium = consortium_selectors.person_consortium_get(
        user=get_actor(request).user, consortium_id=consortium_id
    )
    _consortium_call(
        consortium_services.consortium_state_set,
        {"state": "outcome"},
        actor=actor,
        consortium=consortium,
        state=payload.outcome,
        price_cents=payload.price_cents,
        feedback=payload.feedback,
    )
    return _consortium_out(actor, consortium.pk)
