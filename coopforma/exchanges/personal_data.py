# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchanges' part of a person's data archive (RGPD art. 15 and 20; docs/privacy.md, « Échanges de
savoir-faire »): their member records, offers and requests, the exchanges they took part in, their debriefs and
what they wrote in the exchanges' logs.

The archive is the organisation's (`privacy`), and the exchanges are the network's: a member is found when the
organisation belongs to the member's network and the member is the same person (the trainer's own account, or the
person's e-mail address as the account's address or the member's contact address). The exchanges of networks the
organisation is not a member of stay out (that network answers for them). Registered from
`ExchangesConfig.ready()` (`privacy.selectors.register_section_provider`): privacy sits below exchanges and never
imports it.
"""

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.exchanges.models import Debrief, Listing, LogEntry, Member, Participant
from coopforma.networks.models import NetworkOrganisation
from coopforma.people.models import Trainer
from coopforma.privacy.selectors import Person, Section, person_email, register_section_provider

MEMBER_FIELDS = (
    "display_name",
    "presentation",
    "email",
    "phone",
    "city",
    "insee_code",
    "department",
    "latitude",
    "longitude",
    "travel_km",
    "charter_accepted_at",
    "joined_at",
    "on_map",
    "digest",
)


def person_members(person: Person) -> QuerySet[Member]:
    """The person's member records in the exchanges of the networks the person's organisation belongs to."""
    networks = NetworkOrganisation.objects.filter(organisation_id=person.organisation_id).values("network_id")
    condition = Q(pk__in=[])
    email = person_email(person)
    if email:
        condition |= Q(email__iexact=email) | Q(user__email__iexact=email)
    if isinstance(person, Trainer) and person.user_id is not None:
        condition |= Q(user_id=person.user_id)
    return Member.objects.filter(network_id__in=networks).filter(condition).select_related("network", "partner")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _label(model: Any, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _section(key: str, title: str, model: Any, fields: dict[str, str], networks: str) -> Section:
    return Section(
        key=key,
        title=title,
        model=model._meta.label,
        source=_(
            "Saisi par la personne en s'inscrivant aux échanges de savoir-faire du réseau (%(networks)s) et en y "
            "participant ; données tenues au niveau du réseau"
        )
        % {"networks": networks},
        purpose=_(
            "Échanges de savoir-faire du réseau : mettre en relation offres et demandes, organiser les échanges, "
            "en garder le bilan"
        ),
        legal_basis=_(
            "Adhésion de la personne à la charte des échanges et consentement (RGPD art. 6-1-a et b) ; carte et "
            "coordonnées seulement avec son accord"
        ),
        retention=_(
            "Tant que la personne reste inscrite ; quand elle quitte les échanges, ses offres et demandes sont "
            "supprimées et sa fiche est supprimée, ou anonymisée si elle a participé à des échanges (leurs bilans "
            "restent, sous « Ancien·ne membre »)"
        ),
        fields=fields,
    )


def exchanges_sections(person: Person) -> list[Section]:
    """The person's data in the exchanges of know-how (none when they are not a member)."""
    members = list(person_members(person).order_by("network__name", "pk"))
    if not members:
        return []
    networks = ", ".join(dict.fromkeys(m.network.name for m in members))
    member_label = _("membre")

    fields = {"network": _("réseau"), "partner": _label(Member, "partner")}
    fields.update({name: _label(Member, name) for name in MEMBER_FIELDS})
    s = _section("exchanges_members", _("Échanges de savoir-faire : inscription"), Member, fields, networks)
    s.notes = _(
        "Les échanges de savoir-faire des réseaux dont l'organisme n'est pas membre n'y figurent pas : demandez-les "
        "aux animateur·rices de ces réseaux. Vous pouvez quitter les échanges vous-même (« Quitter les échanges »)."
    )
    for member in members:
        record: dict[str, Any] = {
            "network": member.network.name,
            "partner": member.partner.name if member.partner else "",
        }
        record.update({name: _plain(getattr(member, name)) for name in MEMBER_FIELDS})
        s.records.append(record)
    sections = [s]

    listings = Listing.objects.filter(member__in=members).prefetch_related("competencies").order_by("created_at", "pk")
    names = ("kind", "title", "description", "level", "is_remote", "city", "availability", "conditions", "state")
    fields = {"member": member_label, **{n: _label(Listing, n) for n in names}, "competencies": _("compétences")}
    fields["created_at"] = _("créée le")
    s = _section("exchanges_listings", _("Échanges de savoir-faire : offres et demandes"), Listing, fields, networks)
    for listing in listings:
        s.records.append(
            {
                "member": str(listing.member),
                "kind": listing.get_kind_display(),
                "title": listing.title,
                "description": listing.description,
                "level": listing.get_level_display() if listing.level else "",
                "is_remote": listing.is_remote,
                "city": listing.city,
                "availability": listing.availability,
                "conditions": listing.get_conditions_display() if listing.conditions else "",
                "state": listing.get_state_display(),
                "competencies": ", ".join(f"{c.code} {c.label}" for c in listing.competencies.all()),
                "created_at": _plain(listing.created_at),
            }
        )
    if s.records:
        sections.append(s)

    participations = list(
        Participant.objects.filter(member__in=members)
        .select_related("exchange", "member")
        .prefetch_related("steps_attended")
        .order_by("exchange__starts_on", "pk")
    )
    fields = {
        "member": member_label,
        "exchange": _("échange"),
        "kind": _("type"),
        "state": _("état"),
        "starts_on": _("début"),
        "ends_on": _("fin"),
        "role": _label(Participant, "role"),
        "contact_consent_at": _label(Participant, "contact_consent_at"),
        "on_map": _label(Participant, "on_map"),
        "steps_attended": _("présent·e aux étapes"),
    }
    s = _section(
        "exchanges_participations", _("Échanges de savoir-faire : participations"), Participant, fields, networks
    )
    for participant in participations:
        exchange = participant.exchange
        s.records.append(
            {
                "member": str(participant.member),
                "exchange": exchange.title,
                "kind": exchange.get_kind_display(),
                "state": exchange.get_state_display(),
                "starts_on": _plain(exchange.starts_on) or "",
                "ends_on": _plain(exchange.ends_on) or "",
                "role": participant.get_role_display(),
                "contact_consent_at": _plain(participant.contact_consent_at) or "",
                "on_map": participant.on_map,
                "steps_attended": ", ".join(
                    f"{step.title} ({timezone.localtime(step.starts_at):%Y-%m-%d})"
                    for step in participant.steps_attended.all()
                ),
            }
        )
    if s.records:
        sections.append(s)

    debriefs = (
        Debrief.objects.filter(participant__in=participations)
        .select_related("participant__exchange")
        .prefetch_related("competencies__competency")
        .order_by("created_at", "pk")
    )
    fields = {
        "exchange": _("échange"),
        **{n: _label(Debrief, n) for n in ("learnt", "next_steps", "rating")},
        "competencies": _("compétences déclarées"),
        "created_at": _("écrit le"),
    }
    s = _section("exchanges_debriefs", _("Échanges de savoir-faire : bilans"), Debrief, fields, networks)
    for debrief in debriefs:
        s.records.append(
            {
                "exchange": debrief.participant.exchange.title,
                "learnt": debrief.learnt,
                "next_steps": debrief.next_steps,
                "rating": debrief.rating,
                "competencies": ", ".join(
                    f"{line.competency.code} {line.competency.label}"
                    + (f" ({line.get_level_display()})" if line.level else "")
                    for line in debrief.competencies.all()
                ),
                "created_at": _plain(debrief.created_at),
            }
        )
    if s.records:
        sections.append(s)

    entries = LogEntry.objects.filter(author__in=members).select_related("exchange").order_by("created_at", "pk")
    fields = {"exchange": _("échange"), "body": _label(LogEntry, "body"), "created_at": _("écrit le")}
    s = _section(
        "exchanges_log", _("Échanges de savoir-faire : messages du journal de bord"), LogEntry, fields, networks
    )
    for entry in entries:
        s.records.append({"exchange": entry.exchange.title, "body": entry.body, "created_at": _plain(entry.created_at)})
    if s.records:
        sections.append(s)
    return sections


def register_sections() -> None:
    """Called by ExchangesConfig.ready()."""
    register_section_provider("exchanges", exchanges_sections)
