# SPDX-License-Identifier: AGPL-3.0-or-later
"""Facilitation: the facilitators' queue of suggestions, and what they and the members do with them.

- The queue (`suggestion_groups`): the suggestions of the network grouped by offer (several requests fitting one
  offer make a possible group), the ones a member asked for first, then the best scores; filters by state,
  département and competency. For `exchanges.facilitate` only (moderators and the network's facilitators).
- `suggestion_dismiss`: the facilitator sets a suggestion aside, with a reason; matching never proposes it again.
- `suggestion_arrange`: the facilitator arranges the meeting from one suggestion and, for a group, other proposed
  suggestions on the same offer: an `Exchange` (arranging, facilitated by them) with the offer's member as provider
  and the requests' members as learners; every participant is e-mailed a link to the exchange's page.
- `suggestion_ask`: « Demander une mise en relation »: a joined member, on someone else's listing, names one of their
  own listings of the opposite kind; the suggestion is created (or raised), marked as asked, and the facilitators
  are e-mailed.
- Contacts (`contact_consent_set`, `visible_contacts`): each participant gives or withdraws their consent to share
  their e-mail and phone; another participant sees them only when both consented, a facilitator only those of
  the participants who consented. Nobody else sees them (RGPD: minimisation, the purpose consented to).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.core.links import absolute_url
from coopforma.core.locking import id_or_404, lock_for_update
from coopforma.core.log import log_action
from coopforma.core.mail import send_mail_logged
from coopforma.core.mail_texts import mail_text_render
from coopforma.exchanges import matching
from coopforma.exchanges.access import can_facilitate, require_facilitate, require_join
from coopforma.exchanges.mails import ARRANGED, ASKED
from coopforma.exchanges.models import (
    Exchange,
    ExchangeKind,
    ExchangeState,
    Listing,
    ListingKind,
    ListingState,
    Member,
    Participant,
    ParticipantRole,
    Suggestion,
    SuggestionState,
)
from coopforma.networks.access import NetworkActor
from coopforma.networks.models import NetworkPerson, NetworkRole
from coopforma.referentiel.models import Item

PURPOSE_ARRANGED = "exchanges.arranged"  # = mails.ARRANGED.code (the texts the network may rewrite)
PURPOSE_ASKED = "exchanges.asked"  # = mails.ASKED.code
DISMISSED = "dismissed"  # the reason code of a facilitator's dismissal
MAX_QUEUE = 300  # suggestions shown at once in the queue (the best ones)
REASON_MAX = 500


# --- the queue ---------------------------------------------------------------------------------------------------


@dataclass
class OfferGroup:
    """An offer and the suggestions of the queue on it: a possible group when there are several."""

    offer: Listing
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def asked(self) -> bool:
        return any(matching.is_asked(s) for s in self.suggestions)

    @property
    def best(self) -> int:
        return max((s.score for s in self.suggestions), default=0)

    @property
    def is_group(self) -> bool:
        return len(self.suggestions) > 1


def suggestion_queryset(*, actor: NetworkActor) -> QuerySet[Suggestion]:
    require_facilitate(actor)
    return Suggestion.objects.filter(network=actor.network).select_related(
        "offer__member", "request__member", "exchange", "decided_by"
    )


def suggestion_list(*, actor: NetworkActor, filters: dict[str, Any] | None = None) -> list[Suggestion]:
    """The network's suggestions for its facilitators: `state` (default: to examine), `department` (of the offer
    or the request), `competency` (an item id linked to the offer or the request); asked ones first, then by
    score."""
    filters = filters or {}
    suggestions = suggestion_queryset(actor=actor).filter(state=filters.get("state") or SuggestionState.PROPOSED)
    department = str(filters.get("department") or "").strip().upper()
    if department:
        suggestions = suggestions.filter(Q(offer__department=department) | Q(request__department=department))
    competency = filters.get("competency")
    if competency:
        matches = Listing.objects.filter(network=actor.network, competencies__pk=competency).values("pk")
        suggestions = suggestions.filter(Q(offer__in=matches) | Q(request__in=matches))
    rows = list(suggestions.order_by("-score", "pk")[:MAX_QUEUE])
    return sorted(rows, key=lambda s: not matching.is_asked(s))


def suggestion_groups(*, actor: NetworkActor, filters: dict[str, Any] | None = None) -> list[OfferGroup]:
    """`suggestion_list` grouped by offer: groups a member asked for first, then by their best score."""
    groups: dict[int, OfferGroup] = {}
    for suggestion in suggestion_list(actor=actor, filters=filters):
        groups.setdefault(suggestion.offer_id, OfferGroup(offer=suggestion.offer)).suggestions.append(suggestion)
    return sorted(groups.values(), key=lambda g: (not g.asked, -g.best, g.offer.pk))


def suggestion_get(*, actor: NetworkActor, suggestion_id: Any) -> Suggestion:
    """One suggestion of the actor's network (404 otherwise; 403 without `exchanges.facilitate`)."""
    suggestion = suggestion_queryset(actor=actor).filter(pk=id_or_404(suggestion_id)).first()
    if suggestion is None:
        raise Http404
    return suggestion


def group_candidates(*, actor: NetworkActor, suggestion: Suggestion) -> list[Suggestion]:
    """The suggestions to examine on the same offer: who may join this one in a group."""
    return list(
        suggestion_queryset(actor=actor)
        .filter(offer_id=suggestion.offer_id, state=SuggestionState.PROPOSED)
        .order_by("-score", "pk")
    )


def competency_choices(*, actor: NetworkActor) -> list[tuple[int, str]]:
    """The référentiel competencies the network's listings cite (the queue's filter)."""
    items = (
        Item.objects.filter(exchange_listings__network=actor.network)
        .distinct()
        .order_by("code")
        .values_list("pk", "code", "label")
    )
    return [(pk, f"{code} · {label}") for pk, code, label in items]


# --- decisions -------------------------------------------------------------------------------------------------


def _locked_suggestion(actor: NetworkActor, suggestion_id: Any) -> Suggestion:
    require_facilitate(actor)
    return lock_for_update(Suggestion.objects.filter(network=actor.network), suggestion_id)


def suggestion_dismiss(*, actor: NetworkActor, suggestion_id: Any, reason: str) -> Suggestion:
    """Set a suggestion aside with a reason (kept in its reasons and the log): matching never proposes it again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Dites pourquoi vous écartez cette suggestion.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("La raison fait plus de 500 caractères.")})
    with transaction.atomic():
        suggestion = _locked_suggestion(actor, suggestion_id)
        if suggestion.state != SuggestionState.PROPOSED:
            raise ValidationError(_("Cette suggestion a déjà été traitée."))
        suggestion.state = SuggestionState.DISMISSED
        suggestion.decided_by = actor.user
        suggestion.decided_at = timezone.now()
        label = _("Écartée : %(reason)s") % {"reason": reason}
        suggestion.reasons = [*(suggestion.reasons or []), {"code": DISMISSED, "label": label}]
        suggestion.save(update_fields=["state", "decided_by", "decided_at", "reasons", "updated_at"])
        log_action(actor=actor.user, obj=suggestion, action="exchanges.suggestion.dismissed", data={"reason": reason})
    return suggestion


def exchange_url(exchange: Exchange) -> str:
    """The exchange's page (the exchanges part's `exchanges:exchange`); the queue until that page exists."""
    try:
        return reverse("exchanges:exchange", kwargs={"network": exchange.network.slug, "exchange_id": exchange.pk})
    except NoReverseMatch:
        return reverse("exchanges:suggestions", kwargs={"network": exchange.network.slug})


def contact_email(member: Member) -> str:
    return member.email or member.user.email


def _exchange_format(offer: Listing, requests: list[Listing]) -> str:
    formats = [f for f in offer.formats or [] if isinstance(f, str)]
    for value in formats:
        if all(value in (r.formats or []) for r in requests):
            return value
    return formats[0] if formats else ""


def suggestion_arrange(*, actor: NetworkActor, suggestion_id: Any, with_ids: list[int] | None = None) -> Exchange:
    """Arrange the meeting of `suggestion_id` (and, for a group, of the proposed suggestions `with_ids` on the same
    offer): the exchange, its participants, the suggestions marked as arranged, and an e-mail to each participant."""
    with transaction.atomic():
        first = _locked_suggestion(actor, suggestion_id)
        wanted = {id_or_404(pk) for pk in with_ids or []} - {first.pk}
        others = list(Suggestion.objects.select_for_update(of=("self",)).filter(network=actor.network, pk__in=wanted))
        if len(others) != len(wanted):
            raise ValidationError({"with_ids": _("Une des suggestions choisies n'existe pas dans ce réseau.")})
        chosen = [first, *sorted(others, key=lambda s: s.pk)]
        if any(s.offer_id != first.offer_id for s in chosen):
            raise ValidationError({"with_ids": _("Un groupe réunit des demandes sur la même offre.")})
        if any(s.state != SuggestionState.PROPOSED for s in chosen):
            raise ValidationError(_("Une des suggestions choisies a déjà été traitée."))
        offer = Listing.objects.select_related("member__user").get(pk=first.offer_id)
        requests = list(
            Listing.objects.select_related("member__user").filter(pk__in=[s.request_id for s in chosen]).order_by("pk")
        )
        exchange = Exchange.objects.create(
            network=actor.network,
            kind=ExchangeKind.EXCHANGE,
            state=ExchangeState.ARRANGING,
            title=offer.title,
            format=_exchange_format(offer, requests),
            facilitator=actor.user,
            offer=offer,
        )
        item_ids = set(offer.competencies.values_list("pk", flat=True))
        item_ids |= set(
            Listing.competencies.through.objects.filter(listing__in=requests).values_list("item_id", flat=True)
        )
        exchange.competencies.set(item_ids)
        participants = [Participant(exchange=exchange, member=offer.member, role=ParticipantRole.PROVIDER)]
        seen = {offer.member_id}
        for request in requests:
            if request.member_id in seen:
                continue  # two requests of one member: one participant
            seen.add(request.member_id)
            participants.append(
                Participant(exchange=exchange, member=request.member, role=ParticipantRole.LEARNER, request=request)
            )
        Participant.objects.bulk_create(participants)
        now = timezone.now()
        Suggestion.objects.filter(pk__in=[s.pk for s in chosen]).update(
            state=SuggestionState.ARRANGED, decided_by=actor.user, decided_at=now, exchange=exchange, updated_at=now
        )
        log_action(
            actor=actor.user,
            obj=exchange,
            action="exchanges.suggestion.arranged",
            data={"suggestions": [s.pk for s in chosen], "offer": offer.pk, "requests": [r.pk for r in requests]},
        )
        _mail_participants(exchange, participants, actor)
    return exchange


def _mail_participants(exchange: Exchange, participants: list[Participant], actor: NetworkActor) -> None:
    link = absolute_url(exchange_url(exchange))
    facilitator = actor.user.get_full_name() or actor.user.email
    names = "\n".join(f"- {p.member.display_name} ({p.get_role_display()})" for p in participants)
    for participant in participants:
        to = contact_email(participant.member)
        if not to:
            continue
        values = {
            "name": participant.member.display_name,
            "facilitator": facilitator,
            "title": exchange.title,
            "network": exchange.network.name,
            "names": names,
            "link": link,
        }
        subject, body = mail_text_render(network_id=exchange.network_id, code=ARRANGED.code, values=values)
        send_mail_logged(
            organisation=None,
            network=exchange.network,
            to=to,
            subject=subject,
            body=body,
            purpose=PURPOSE_ARRANGED,
            about=exchange,
        )


# --- « Demander une mise en relation » -----------------------------------------------------------------------------


def ask_options(*, actor: NetworkActor, listing: Listing) -> list[Listing]:
    """The actor's own open listings of the opposite kind, to ask for a meeting on `listing` (none on their own)."""
    if listing.network_id != actor.network.pk or listing.member.user_id == actor.user.pk:
        return []
    kind = ListingKind.REQUEST if listing.kind == ListingKind.OFFER else ListingKind.OFFER
    return list(
        Listing.objects.filter(
            network=actor.network,
            member__user=actor.user,
            member__joined_at__isnull=False,
            kind=kind,
            state=ListingState.OPEN,
        ).order_by("title", "pk")
    )


def _facilitators(actor: NetworkActor) -> list[str]:
    """The e-mails of the network's facilitators (its moderators when it has none)."""
    people = NetworkPerson.objects.filter(network=actor.network, user__is_active=True).select_related("user")
    facilitators = [p.user.email for p in people if p.role == NetworkRole.FACILITATOR]
    return facilitators or [p.user.email for p in people if p.role == NetworkRole.MODERATOR]


def suggestion_ask(*, actor: NetworkActor, listing_id: Any, own_listing_id: Any) -> Suggestion:
    """A joined member asks for a meeting between someone else's open `listing_id` and their own open listing of
    the opposite kind: the suggestion is created (or raised) as asked, shown first, and the facilitators told."""
    require_join(actor)
    with transaction.atomic():
        listing = lock_for_update(
            Listing.objects.filter(
                network=actor.network, state=ListingState.OPEN, member__joined_at__isnull=False
            ).select_related("member"),
            listing_id,
        )
        if listing.member.user_id == actor.user.pk:
            raise ValidationError(_("C'est votre propre annonce : choisissez celle d'une autre personne."))
        own = (
            Listing.objects.filter(network=actor.network, member__user=actor.user, pk=id_or_404(own_listing_id))
            .select_related("member")
            .first()
        )
        if own is None:
            raise ValidationError({"own_listing_id": _("Choisissez une de vos offres ou demandes.")})
        if own.kind == listing.kind:
            wanted = _("une de vos demandes") if listing.kind == ListingKind.OFFER else _("une de vos offres")
            raise ValidationError({"own_listing_id": _("Choisissez %(what)s.") % {"what": wanted}})
        if own.state != ListingState.OPEN or own.member.joined_at is None:
            raise ValidationError({"own_listing_id": _("Votre annonce n'est pas ouverte.")})
        offer, request = (listing, own) if listing.kind == ListingKind.OFFER else (own, listing)
        suggestion = Suggestion.objects.select_for_update(of=("self",)).filter(offer=offer, request=request).first()
        if suggestion is not None and suggestion.state == SuggestionState.ARRANGED:
            raise ValidationError(_("Cette mise en relation est déjà organisée."))
        if suggestion is not None and suggestion.state == SuggestionState.DISMISSED:
            raise ValidationError(
                _("Les animateur·rices ont écarté cette mise en relation : écrivez-leur si la situation a changé.")
            )
        if suggestion is not None and matching.is_asked(suggestion):
            raise ValidationError(_("Cette mise en relation est déjà demandée : les animateur·rices l'examinent."))
        asked = [{"code": matching.ASKED, "label": _("Demandée par %(name)s") % {"name": own.member.display_name}}]
        values = matching.values_for(matching.fit_of(offer, request), asked)
        if suggestion is None:
            suggestion = Suggestion.objects.create(network=actor.network, offer=offer, request=request, **values)
        else:
            for name, value in values.items():
                setattr(suggestion, name, value)
            suggestion.save(update_fields=[*values, "updated_at"])
        log_action(actor=actor.user, obj=suggestion, action="exchanges.suggestion.asked", data={"listing": listing.pk})
        link = absolute_url(reverse("exchanges:suggestions", kwargs={"network": actor.network.slug}))
        values = {
            "name": own.member.display_name,
            "offer": offer.title,
            "request": request.title,
            "network": actor.network.name,
            "link": link,
        }
        subject, body = mail_text_render(network_id=actor.network.pk, code=ASKED.code, values=values)
        for to in _facilitators(actor):
            send_mail_logged(
                organisation=None,
                network=actor.network,
                to=to,
                subject=subject,
                body=body,
                purpose=PURPOSE_ASKED,
                about=suggestion,
            )
    return suggestion


# --- contacts ----------------------------------------------------------------------------------------------------


def my_participations(*, actor: NetworkActor, exchange: Exchange) -> list[Participant]:
    """The actor's participations in `exchange` (one per member record they hold: themself, a structure)."""
    return [p for p in exchange.participants.select_related("member") if p.member.user_id == actor.user.pk]


def contact_consent_set(*, actor: NetworkActor, exchange_id: Any, consent: bool) -> list[Participant]:
    """The actor gives (or withdraws) their consent to share their e-mail and phone with the other participants of
    `exchange_id` (404 unless they take part in it, in this network)."""
    with transaction.atomic():
        exchange = lock_for_update(Exchange.objects.filter(network=actor.network), exchange_id)
        mine = list(
            Participant.objects.select_for_update(of=("self",)).filter(exchange=exchange, member__user=actor.user)
        )
        if not mine:
            raise Http404
        moment = timezone.now() if consent else None
        changed = [p for p in mine if (p.contact_consent_at is None) == consent]
        for participant in changed:
            participant.contact_consent_at = moment
            participant.updated_at = timezone.now()
        Participant.objects.bulk_update(changed, ["contact_consent_at", "updated_at"])
        if changed:
            action = "exchanges.contact_consent.given" if consent else "exchanges.contact_consent.withdrawn"
            log_action(actor=actor.user, obj=exchange, action=action, data={"participants": [p.pk for p in changed]})
    return mine


def map_consent_set(*, actor: NetworkActor, exchange_id: Any, consent: bool) -> list[Participant]:
    """The actor agrees (or no longer agrees) that `exchange_id` be shown on the network's public map
    (`Participant.on_map`; the exchange appears there only when the facilitators made it public and every
    participant agreed: exchanges/publication.py). 404 unless they take part in it, in this network."""
    with transaction.atomic():
        exchange = lock_for_update(Exchange.objects.filter(network=actor.network), exchange_id)
        mine = list(
            Participant.objects.select_for_update(of=("self",)).filter(exchange=exchange, member__user=actor.user)
        )
        if not mine:
            raise Http404
        changed = [p for p in mine if p.on_map != consent]
        for participant in changed:
            participant.on_map = consent
            participant.save(update_fields=["on_map", "updated_at"])  # the map follows (publication's signals)
        if changed:
            action = "exchanges.map_consent.given" if consent else "exchanges.map_consent.withdrawn"
            log_action(actor=actor.user, obj=exchange, action=action, data={"participants": [p.pk for p in changed]})
    return mine


@dataclass(frozen=True)
class Contact:
    participant: Participant
    name: str
    email: str
    phone: str


def visible_contacts(
    exchange: Exchange,
    viewer_member: Member | None,
    *,
    facilitator: bool = False,
    participants: list[Participant] | None = None,
) -> list[Contact]:
    """The contact details `viewer_member` may see in `exchange`: another participant's only when both consented.
    With `facilitator` (the exchange's or the network's facilitator), those of every participant who consented.
    Someone who takes no part in the exchange (and is no facilitator) sees nothing."""
    if participants is None:
        participants = list(exchange.participants.select_related("member__user"))
    mine = next((p for p in participants if viewer_member is not None and p.member_id == viewer_member.pk), None)
    if not facilitator and (mine is None or mine.contact_consent_at is None):
        return []
    return [
        Contact(participant=p, name=p.member.display_name, email=contact_email(p.member), phone=p.member.phone)
        for p in participants
        if p.contact_consent_at is not None and (mine is None or p.member_id != mine.member_id)
    ]


def contacts_for(
    *, actor: NetworkActor, exchange: Exchange, participants: list[Participant] | None = None
) -> dict[str, Any]:
    """What the consent block shows the actor: their participations (to give or withdraw consent) and the contacts
    they may see (for a facilitator who takes part too, the wider view)."""
    if exchange.network_id != actor.network.pk:
        return {"mine": [], "contacts": [], "facilitator": False}
    if participants is None:
        participants = list(exchange.participants.select_related("member__user"))
    mine = [p for p in participants if p.member.user_id == actor.user.pk]
    is_facilitator = exchange.facilitator_id == actor.user.pk or can_facilitate(actor)
    if is_facilitator:
        contacts = visible_contacts(exchange, None, facilitator=True, participants=participants)
        contacts = [c for c in contacts if c.participant not in mine]
    else:
        seen: dict[int, Contact] = {}
        for participant in mine:
            for contact in visible_contacts(exchange, participant.member, participants=participants):
                if contact.participant.member.user_id != actor.user.pk:
                    seen.setdefault(contact.participant.pk, contact)
        contacts = list(seen.values())
    return {"mine": mine, "contacts": contacts, "facilitator": is_facilitator}


def exchange_for_contacts(*, actor: NetworkActor, exchange_id: Any) -> Exchange:
    """An exchange of the actor's network that they take part in or facilitate (404 otherwise)."""
    exchange = Exchange.objects.filter(network=actor.network, pk=id_or_404(exchange_id)).first()
    if exchange is None or not (
        can_facilitate(actor)
        or exchange.facilitator_id == actor.user.pk
        or exchange.participants.filter(member__user=actor.user).exists()
    ):
        raise Http404
    return exchange
