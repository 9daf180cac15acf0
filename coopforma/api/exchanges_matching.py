# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchanges of know-how in the API: suggestions and facilitation (exchanges/facilitation.py).

A token acts for its user; what that person may do in the network comes from their role there (`networks.access`),
whatever the token's organisation. `network_id` is the network's short name (its slug, as in /reseaux/<slug>/).
Someone outside the network gets 404, a member on the facilitators' routes 403.

- the facilitators (`exchanges.facilitate`): the suggestions (list), a dismissal (with a reason), an arrangement
  (the exchange, from one suggestion and, for a group, others on the same offer);
- a joined member: a contact request (« Demander une mise en relation ») on someone else's listing, their consent
  to share their contact details in an exchange they take part in, the contacts they may see there."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from coopforma.api.auth import MEMBER, get_network_actor, permission
from coopforma.api.params import coded, paged
from coopforma.exchanges import facilitation, matching
from coopforma.exchanges.models import Exchange, Suggestion, SuggestionState

router = Router(tags=["exchanges"])


class ReasonOut(Schema):
    code: str = Field(
        description="competencies, parent, words, formats, level, remote, distance, dates, asked, dismissed"
    )
    label: str = Field(description="the reason as the facilitators read it, in French")


class SuggestionOut(Schema):
    id: int
    offer_id: int
    offer_title: str
    offer_member: str = Field(description="the offer's member, as displayed")
    request_id: int
    request_title: str
    request_member: str = Field(description="the request's member, as displayed")
    score: int = Field(description="0 to 100; a pair a member asked for gets a bonus")
    reasons: list[ReasonOut]
    distance_km: int | None
    state: str = coded(SuggestionState)
    asked: bool = Field(description="asked for by a member (« Demander une mise en relation »)")
    exchange_id: int | None = Field(description="the exchange arranged from it")
    decided_at: datetime | None

    @staticmethod
    def resolve_offer_title(obj: Suggestion) -> str:
        return obj.offer.title

    @staticmethod
    def resolve_offer_member(obj: Suggestion) -> str:
        return obj.offer.member.display_name

    @staticmethod
    def resolve_request_title(obj: Suggestion) -> str:
        return obj.request.title

    @staticmethod
    def resolve_request_member(obj: Suggestion) -> str:
        return obj.request.member.display_name

    @staticmethod
    def resolve_reasons(obj: Suggestion) -> list[dict[str, str]]:
        return [
            {"code": str(r.get("code", "")), "label": str(r.get("label", ""))}
            for r in obj.reasons or []
            if isinstance(r, dict)
        ]

    @staticmethod
    def resolve_asked(obj: Suggestion) -> bool:
        return matching.is_asked(obj)


class SuggestionFilters(Schema):
    state: str = coded(SuggestionState, default="", what="only suggestions in this state (default: to examine)")
    department: str = Field("", max_length=3, description="a département of the offer or the request (26, 2A, 974)")
    competency_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="a référentiel competency linked to the offer or the request"
    )


class DismissalIn(Schema):
    reason: str = Field(max_length=500, description="why (kept: the pair is never proposed again)")


class ArrangementIn(Schema):
    with_ids: list[int] = Field(
        default_factory=list, max_length=50, description="other suggestions to examine on the same offer (a group)"
    )


class ArrangementOut(Schema):
    exchange_id: int
    title: str
    state: str
    participants: list[str] = Field(description="the participants' displayed names")


class ContactRequestIn(Schema):
    own_listing_id: int = Field(description="one of my own open listings, of the other kind")


class ConsentIn(Schema):
    consent: bool = Field(description="true: I share my e-mail and phone with the participants who consent too")


class ConsentOut(Schema):
    exchange_id: int
    consent: bool
    consented_at: datetime | None


class ExchangeContactOut(Schema):
    name: str
    email: str
    phone: str


@router.get(
    "/network/{network_id}/exchanges/suggestions",
    response=list[SuggestionOut],
    summary="The suggestions of meetings, for the facilitators",
)
@permission(MEMBER)
@paged
def exchange_suggestion_list(
    request: HttpRequest, network_id: str, filters: Query[SuggestionFilters]
) -> list[Suggestion]:
    """A member asked for come first, then the best scores (state: to examine, unless asked otherwise)."""
    actor = get_network_actor(request, network_id)
    return facilitation.suggestion_list(
        actor=actor,
        filters={"state": filters.state, "department": filters.department, "competency": filters.competency_id},
    )


@router.post(
    "/network/{network_id}/exchanges/suggestions/{suggestion_id}/dismissal",
    response=SuggestionOut,
    summary="Dismiss a suggestion, with a reason",
)
@permission(MEMBER)
def exchange_dismissal_create(
    request: HttpRequest, network_id: str, suggestion_id: int, payload: DismissalIn
) -> Suggestion:
    actor = get_network_actor(request, network_id)
    facilitation.suggestion_get(actor=actor, suggestion_id=suggestion_id)
    facilitation.suggestion_dismiss(actor=actor, suggestion_id=suggestion_id, reason=payload.reason)
    return facilitation.suggestion_get(actor=actor, suggestion_id=suggestion_id)


@router.post(
    "/network/{network_id}/exchanges/suggestions/{suggestion_id}/arrangement",
    response={201: ArrangementOut},
    summary="Arrange the meeting: the exchange, its participants, an e-mail to each",
)
@permission(MEMBER)
def exchange_arrangement_create(
    request: HttpRequest, network_id: str, suggestion_id: int, payload: ArrangementIn
) -> Status:
    actor = get_network_actor(request, network_id)
    facilitation.suggestion_get(actor=actor, suggestion_id=suggestion_id)
    exchange = facilitation.suggestion_arrange(actor=actor, suggestion_id=suggestion_id, with_ids=payload.with_ids)
    return Status(201, _arrangement(exchange))


def _arrangement(exchange: Exchange) -> dict[str, object]:
    return {
        "exchange_id": exchange.pk,
        "title": exchange.title,
        "state": exchange.state,
        "participants": [p.member.display_name for p in exchange.participants.select_related("member")],
    }


@router.post(
    "/network/{network_id}/exchanges/listings/{listing_id}/contact-requests",
    response={201: SuggestionOut},
    summary="« Demander une mise en relation » between someone's listing and one of mine",
)
@permission(MEMBER)
def exchange_contact_request_create(
    request: HttpRequest, network_id: str, listing_id: int, payload: ContactRequestIn
) -> Status:
    actor = get_network_actor(request, network_id)
    suggestion = facilitation.suggestion_ask(actor=actor, listing_id=listing_id, own_listing_id=payload.own_listing_id)
    return Status(201, suggestion)


@router.put(
    "/network/{network_id}/exchanges/{exchange_id}/consent",
    response=ConsentOut,
    summary="Give or withdraw my consent to share my contact details in an exchange",
)
@permission(MEMBER)
def exchange_consent_update(request: HttpRequest, network_id: str, exchange_id: int, payload: ConsentIn) -> dict:
    actor = get_network_actor(request, network_id)
    mine = facilitation.contact_consent_set(actor=actor, exchange_id=exchange_id, consent=payload.consent)
    return {"exchange_id": exchange_id, "consent": payload.consent, "consented_at": mine[0].contact_consent_at}


@router.get(
    "/network/{network_id}/exchanges/{exchange_id}/contacts",
    response=list[ExchangeContactOut],
    summary="The contact details I may see in an exchange",
)
@permission(MEMBER)
@paged
def exchange_contact_list(request: HttpRequest, network_id: str, exchange_id: int) -> list[dict[str, str]]:
    """Another participant's only when both consented; a facilitator's view: every participant who consented."""
    actor = get_network_actor(request, network_id)
    exchange = facilitation.exchange_for_contacts(actor=actor, exchange_id=exchange_id)
    contacts = facilitation.contacts_for(actor=actor, exchange=exchange)["contacts"]
    return [{"name": c.name, "email": c.email, "phone": c.phone} for c in contacts]
