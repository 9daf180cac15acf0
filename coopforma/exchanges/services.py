# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the exchanges of know-how: joining (a member with at least one offer and one request), the profile,
leaving, and the offers and requests (`Listing`).

Joining is one step: the profile and the first offer and request are checked together and written in one
transaction, or nothing is written (the reciprocal principle of the RERS: whoever joins offers and asks). A person
joins for themself (with a role in the network) or for a partner structure of the network they manage
(`NetworkActor.managed_partner_ids`). A commune is looked up in the communes the map uses (`offers.geo`): its INSEE
code, département and position are stored; an unknown commune is refused.

Leaving deletes the member's offers and requests. A member who never took part in an exchange is deleted; one who
did is kept anonymised (« Ancien·ne membre », no presentation, contact or place), so that the exchanges they took
part in keep their debriefs and the other side's history; joining again reuses that record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.core.log import log_action
from coopforma.exchanges import selectors
from coopforma.exchanges.access import require_join
from coopforma.exchanges.matching import schedule_refresh
from coopforma.exchanges.models import Conditions, ExchangeFormat, Listing, ListingKind, ListingState, Member
from coopforma.networks.access import NetworkActor
from coopforma.offers import geo
from coopforma.referentiel.models import LEVELS

PROFILE_FIELDS = ("display_name", "presentation", "city", "travel_km", "email", "phone", "on_map", "digest")
LISTING_FIELDS = (
    "title",
    "description",
    "competencies",
    "level",
    "formats",
    "is_remote",
    "city",
    "available_from",
    "available_until",
    "availability",
    "conditions",
)
MAX_TRAVEL_KM = 1000
LEFT_NAME = "Ancien·ne membre"


@dataclass(frozen=True)
class Place:
    city: str = ""
    insee_code: str = ""
    department: str = ""
    latitude: float | None = None
    longitude: float | None = None


def _place(text: str) -> Place | None:
    """The commune typed (name, postal or INSEE code), or None when no commune fits."""
    commune = geo.find_commune(text)
    if commune is None:
        return None
    return Place(commune.name, commune.insee, commune.departement, commune.lat, commune.lon)


class _Errors(dict[str, list[str]]):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


# --- profile ------------------------------------------------------------------------------------------------------


def _clean_profile(data: dict[str, Any], errors: _Errors, *, prefix: str = "") -> dict[str, Any]:
    values = {name: data[name] for name in PROFILE_FIELDS if name in data}
    if "display_name" in values:
        values["display_name"] = (values["display_name"] or "").strip()
        if not values["display_name"]:
            errors.add(prefix + "display_name", _("Indiquez le nom sous lequel les autres membres vous verront."))
        elif len(values["display_name"]) > 200:
            errors.add(prefix + "display_name", _("200 caractères au plus."))
    if "city" in values:
        text = (values.pop("city") or "").strip()
        place = _place(text) if text else None
        if not text:
            errors.add(prefix + "city", _("Indiquez votre commune : elle sert à proposer des échanges près de vous."))
        elif place is None:
            errors.add(
                prefix + "city",
                _("Commune inconnue : « %(text)s ». Indiquez son nom ou son code postal (« Lyon », « 69001 »).")
                % {"text": text[:100]},
            )
        else:
            values.update(place.__dict__)
    if "travel_km" in values:
        km = values["travel_km"]
        if km is None or not isinstance(km, int) or km < 0 or km > MAX_TRAVEL_KM:
            errors.add(
                prefix + "travel_km",
                _("La distance de déplacement va de 0 à %(max)s km.") % {"max": MAX_TRAVEL_KM},
            )
    for name, limit in (("email", 254), ("phone", 30), ("presentation", 5000)):
        if name in values:
            values[name] = (values[name] or "").strip()
            if len(values[name]) > limit:
                errors.add(prefix + name, _("%(max)s caractères au plus.") % {"max": limit})
    if values.get("email"):
        try:
            validate_email(values["email"])
        except ValidationError:
            errors.add(prefix + "email", _("Saisissez une adresse e-mail valide."))
    for name in ("on_map", "digest"):
        if name in values:
            values[name] = bool(values[name])
    return values


# --- listings -----------------------------------------------------------------------------------------------------


def _clean_listing(
    *, network_id: int, member: Member | None, data: dict[str, Any], errors: _Errors, prefix: str = ""
) -> tuple[dict[str, Any], list[Any] | None]:
    """The listing's values ready for the model, and its competencies (None: unchanged); errors are collected."""
    values = {name: data[name] for name in LISTING_FIELDS if name in data}
    items = None
    if "title" in values:
        values["title"] = (values["title"] or "").strip()
        if not values["title"]:
            errors.add(prefix + "title", _("Dites en quelques mots le savoir-faire."))
        elif len(values["title"]) > 200:
            errors.add(prefix + "title", _("200 caractères au plus."))
    for name, limit in (("description", 5000), ("availability", 300)):
        if name in values:
            values[name] = (values[name] or "").strip()
            if len(values[name]) > limit:
                errors.add(prefix + name, _("%(max)s caractères au plus.") % {"max": limit})
    if "competencies" in values:
        codes = [str(code).strip() for code in values.pop("competencies") or [] if str(code).strip()]
        found = selectors.competencies_by_code(network_id=network_id, codes=codes)
        unknown = [code for code in codes if code not in found]
        if unknown:
            errors.add(
                prefix + "competencies",
                _("Compétence inconnue dans le référentiel publié du réseau : %(codes)s.")
                % {"codes": ", ".join(unknown[:5])},
            )
        items = [found[code] for code in dict.fromkeys(codes) if code in found]
    if "level" in values:
        values["level"] = values["level"] or ""
        if values["level"] not in {code for code, _label in LEVELS} | {""}:
            errors.add(prefix + "level", _("Niveau inconnu."))
    if "formats" in values:
        formats = list(dict.fromkeys(values["formats"] or []))
        if any(f not in ExchangeFormat.values for f in formats):
            errors.add(prefix + "formats", _("Format d'échange inconnu."))
        values["formats"] = [f for f in ExchangeFormat.values if f in formats]
    if "conditions" in values:
        values["conditions"] = values["conditions"] or Conditions.RECIPROCITY
        if values["conditions"] not in Conditions.values:
            errors.add(prefix + "conditions", _("Conditions inconnues : gratuit, réciprocité ou partage des frais."))
    if "is_remote" in values:
        values["is_remote"] = bool(values["is_remote"])
    if "city" in values:
        text = (values.pop("city") or "").strip()
        if text:
            place = _place(text)
            if place is None:
                errors.add(
                    prefix + "city",
                    _("Commune inconnue : « %(text)s ». Indiquez son nom ou son code postal.") % {"text": text[:100]},
                )
            else:
                values.update(place.__dict__)
        elif member is not None:
            values.update(_member_place(member).__dict__)
        else:
            values.update(Place().__dict__)
    start, end = values.get("available_from"), values.get("available_until")
    if start and end and start > end:
        errors.add(prefix + "available_until", _("La fin des disponibilités doit suivre leur début."))
    return values, items


def _member_place(member: Member) -> Place:
    return Place(member.city, member.insee_code, member.department, member.latitude, member.longitude)


def _write_listing(listing: Listing, values: dict[str, Any], items: list[Any] | None) -> Listing:
    for name, value in values.items():
        setattr(listing, name, value)
    listing.full_clean(exclude=["member", "network", "competencies"])
    listing.save()
    if items is not None:
        listing.competencies.set(items)
    return listing


def require_edit(actor: NetworkActor, member: Member) -> None:
    """The member's own person, or a manager of the structure it represents; 403 otherwise."""
    if not selectors.can_edit(actor=actor, member=member):
        raise PermissionDenied("exchanges.member.edit")


# --- joining, the profile, leaving -------------------------------------------------------------------------------


def member_join(
    *,
    actor: NetworkActor,
    partner_id: int | None = None,
    charter_accepted: bool,
    offers: list[dict[str, Any]],
    requests: list[dict[str, Any]],
    **profile: Any,
) -> Member:
    """Join the network's exchanges with a profile, at least one offer and one request (all or nothing).

    Errors name the profile's fields, `charter_accepted`, `partner`, and the first offer's and request's fields
    as `offer_<field>` and `request_<field>`."""
    require_join(actor)
    errors = _Errors()
    partner = None
    if partner_id is not None:
        partner = selectors.managed_partners(actor=actor).filter(pk=partner_id).first()
        if partner is None:
            errors.add("partner", _("Vous ne gérez pas cette structure partenaire du réseau."))
    elif not actor.has("exchanges.join"):
        errors.add("partner", _("Sans rôle dans le réseau, vous vous inscrivez pour une structure que vous gérez."))
    existing = Member.objects.filter(network=actor.network, user=actor.user, partner=partner).first()
    joined_by_another = (
        partner is not None
        and Member.objects.filter(network=actor.network, partner=partner, joined_at__isnull=False)
        .exclude(user=actor.user)
        .exists()
    )
    if joined_by_another or (existing is not None and existing.joined_at is not None):
        errors.add(
            "partner",
            _("Cette structure est déjà inscrite aux échanges.")
            if partner
            else _("Vous êtes déjà inscrit·e aux échanges de ce réseau."),
        )
    profile.setdefault("display_name", "")
    profile.setdefault("city", "")
    values = _clean_profile(profile, errors)
    if not charter_accepted:
        errors.add("charter_accepted", _("Acceptez la charte des échanges pour vous inscrire."))
    if not offers:
        errors.add(
            "offer_title",
            _("Indiquez au moins un savoir-faire que vous proposez : dans les échanges, chacun·e apprend et transmet."),
        )
    if not requests:
        errors.add(
            "request_title",
            _("Indiquez au moins un savoir-faire que vous cherchez : dans les échanges, chacun·e apprend et transmet."),
        )
    cleaned: list[tuple[str, dict[str, Any], list[Any] | None]] = []
    for kind, listings in ((ListingKind.OFFER, offers), (ListingKind.REQUEST, requests)):
        for rank, data in enumerate(listings):
            data = {"title": "", **data}
            prefix = f"{kind}_" if rank == 0 else f"{kind}_{rank}_"
            listing_values, items = _clean_listing(
                network_id=actor.network_id, member=None, data=data, errors=errors, prefix=prefix
            )
            cleaned.append((kind, listing_values, items))
    errors.raise_if_any()
    now = timezone.now()
    with transaction.atomic():
        member = existing or Member(network=actor.network, user=actor.user, partner=partner)
        for name, value in values.items():
            setattr(member, name, value)
        member.charter_accepted_at = now
        member.save()
        for listing_kind, listing_values, items in cleaned:
            if not listing_values.get("insee_code"):
                listing_values.update(_member_place(member).__dict__)
            _write_listing(Listing(network=actor.network, member=member, kind=listing_kind), listing_values, items)
        member.joined_at = now
        member.save(update_fields=["joined_at", "updated_at"])
        log_action(
            actor=actor.user,
            obj=member,
            action="exchanges.member.joined",
            data={"network": actor.network.slug, "partner": partner.name if partner else ""},
        )
        schedule_refresh(actor.network.pk)
    return member


def member_update(*, actor: NetworkActor, member: Member, **profile: Any) -> Member:
    require_edit(actor, member)
    errors = _Errors()
    values = _clean_profile(profile, errors)
    errors.raise_if_any()
    with transaction.atomic():
        for name, value in values.items():
            setattr(member, name, value)
        member.save()
        log_action(actor=actor.user, obj=member, action="exchanges.member.updated", data={})
        schedule_refresh(member.network_id)  # the place and the travel distance count in the suggestions
    return member


def member_leave(*, actor: NetworkActor, member: Member) -> bool:
    """Leave the exchanges: True when the member record was deleted, False when it was kept anonymised for the
    exchanges the member took part in (their debriefs stay, under « Ancien·ne membre »)."""
    require_edit(actor, member)
    with transaction.atomic():
        log_action(
            actor=actor.user,
            obj=member,
            action="exchanges.member.left",
            data={"network": member.network.slug, "listings": member.listings.count()},
        )
        schedule_refresh(member.network_id)
        member.listings.all().delete()
        if not member.participations.exists():
            member.delete()
            return True
        for name, value in {
            "display_name": LEFT_NAME,  # stored, not translated: the name the others read
            "presentation": "",
            "email": "",
            "phone": "",
            **Place().__dict__,
            "on_map": False,
            "digest": False,
            "joined_at": None,
            "charter_accepted_at": None,
        }.items():
            setattr(member, name, value)
        member.save()
        return False


# --- offers and requests -----------------------------------------------------------------------------------------


def listing_create(*, actor: NetworkActor, member: Member, kind: str, **fields: Any) -> Listing:
    require_edit(actor, member)
    errors = _Errors()
    if member.joined_at is None:
        errors.add("__all__", _("Inscrivez-vous d'abord aux échanges avec une offre et une demande."))
    if kind not in ListingKind.values:
        errors.add("kind", _("Une offre (« Je propose ») ou une demande (« Je cherche ») ?"))
    fields.setdefault("title", "")
    fields.setdefault("city", "")
    values, items = _clean_listing(network_id=member.network_id, member=member, data=fields, errors=errors)
    errors.raise_if_any()
    with transaction.atomic():
        listing = _write_listing(Listing(network_id=member.network_id, member=member, kind=kind), values, items)
        log_action(actor=actor.user, obj=listing, action="exchanges.listing.created", data={"kind": kind})
        schedule_refresh(listing.network_id)  # the facilitators' suggestions follow
    return listing


def listing_update(*, actor: NetworkActor, listing: Listing, **fields: Any) -> Listing:
    require_edit(actor, listing.member)
    errors = _Errors()
    values, items = _clean_listing(network_id=listing.network_id, member=listing.member, data=fields, errors=errors)
    start = values.get("available_from", listing.available_from)
    end = values.get("available_until", listing.available_until)
    if start and end and start > end and "available_until" not in errors:
        errors.add("available_until", _("La fin des disponibilités doit suivre leur début."))
    errors.raise_if_any()
    with transaction.atomic():
        _write_listing(listing, values, items)
        log_action(actor=actor.user, obj=listing, action="exchanges.listing.updated", data={})
        schedule_refresh(listing.network_id)  # the facilitators' suggestions follow
    return listing


def listing_set_state(*, actor: NetworkActor, listing: Listing, state: str) -> Listing:
    """Open, pause (not shown in the list any more, kept) or close (done) an offer or a request."""
    require_edit(actor, listing.member)
    if state not in ListingState.values:
        raise ValidationError({"state": _("État inconnu : ouverte, en pause ou close.")})
    with transaction.atomic():
        listing.state = state
        listing.save(update_fields=["state", "updated_at"])
        log_action(actor=actor.user, obj=listing, action="exchanges.listing.state_changed", data={"state": state})
        schedule_refresh(listing.network_id)  # the facilitators' suggestions follow
    return listing
