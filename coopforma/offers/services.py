# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the map's offers that are not an import: the member catalogues (source a), the partner structures'
offers and their moderation (source d), the relevance rules and the moderators' decisions (issue 16, point 3).

The LHEO import (source b) is `offers.importing`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.models import Organisation
from coopforma.catalogue.models import Modality, Training, TrainingStatus
from coopforma.core.identifiers import validate_formacode, validate_nsf, validate_siret
from coopforma.core.links import absolute_url
from coopforma.core.log import diff, log_action, snapshot
from coopforma.networks.access import NetworkActor, require_manages
from coopforma.networks.models import Network, NetworkOrganisation, PartnerState, PartnerStructure
from coopforma.offers import geo, relevance, search
from coopforma.offers.models import (
    CompetencyOrigin,
    ExperienceMode,
    GeoPrecision,
    MapChange,
    Offer,
    OfferCompetency,
    OfferRelevance,
    OfferSession,
    OfferSource,
    OfferStatus,
    RelevanceDecision,
    RelevanceRules,
    SourceKind,
)
from coopforma.referentiel import selectors as referentiel_selectors
from coopforma.training_sessions.models import Session, SessionStatus

# --- source (a): the member organisations' catalogues ----------------------------------------------------------


# Saint-Barthélemy and Saint-Martin share Guadeloupe's 971 postal codes.
_OVERSEAS_POSTAL = {"97133": "977", "97150": "978"}


def _department(postal_code: str) -> str:
    code = (postal_code or "").strip()
    if len(code) != 5 or not code.isdigit():
        return ""
    if code.startswith("97"):
        return _OVERSEAS_POSTAL.get(code, code[:3])
    if code.startswith("20"):
        return "2A" if int(code) < 20200 else "2B"
    return code[:2]


def member_source_for(organisation: Organisation) -> OfferSource:
    source, _created = OfferSource.objects.get_or_create(
        name=f"catalogue-{organisation.slug}"[:80],
        defaults={
            "label": _("Catalogue de %(name)s") % {"name": organisation.name},
            "kind": SourceKind.MEMBER_CATALOGUE,
        },
    )
    return source


def _training_values(organisation: Organisation, training: Training, sessions: list[Session]) -> dict[str, Any]:
    objectives = training.objectives if isinstance(training.objectives, list) else []
    siret = (organisation.siret or "").replace(" ", "")
    return {
        "title": training.title[:255],
        "summary": training.summary,
        "objectives": "\n".join(str(o) for o in objectives),
        "content": training.content,
        "url": absolute_url(reverse("public:training", kwargs={"org": organisation.slug, "pk": training.pk})),
        "provider_name": organisation.name[:255],
        "provider_siret": siret if len(siret) == 14 else "",
        "provider_nda": (organisation.nda or "").replace(" ", "")[:11],
        "modality": training.modality,
        "certifying": bool(training.certification_code),
        "certification_codes": [training.certification_code] if training.certification_code else [],
        "formacodes": [training.formacode] if training.formacode else [],
        "nsf_codes": [training.nsf_code] if training.nsf_code else [],
        "training_id": training.pk,
    }


def _session_values(session: Session) -> dict[str, Any]:
    place = session.place
    postal_code = (place.postal_code if place else "")[:5]
    city = (place.city if place else "")[:100]
    return {
        "external_id": str(session.pk),
        "start": session.start_date,
        "end": session.end_date,
        "city": city,
        "postal_code": postal_code,
        "department": _department(postal_code),
        "is_remote": place is None and bool(session.remote_url),
        **_place(city, postal_code),
    }


def _place(city: str, postal_code: str) -> dict[str, Any]:
    """The commune's INSEE code, region and position from the shipped dataset (offers/geo.py), approximate: a
    commune's position, not the address's. Found as the LHEO import finds it (``geo.locate_place``: postal code and
    name, a postal code of one commune, the name within the postal code's département), else by a name that only
    one commune bears. A commune the dataset only places at its département's mean position, or that is not found,
    gets no position (the département's region is still filled, when it has one)."""
    if not (city or postal_code):
        return {}
    department = _department(postal_code)
    located = geo.locate_place("", postal_code, city, department)
    commune = located.commune if located is not None else None
    if commune is None and city and not postal_code:
        named = geo.communes_by_name(city)
        commune = named[0] if len(named) == 1 and named[0].precise else None
    if commune is None:
        region = geo.departement_region(department)
        return {"region": region} if region else {}
    return {
        "insee_code": commune.insee,
        "department": commune.departement,
        "region": commune.region,
        "latitude": commune.lat,
        "longitude": commune.lon,
        "geo_precision": GeoPrecision.APPROXIMATE,
    }


def _hash(values: dict[str, Any], sessions: list[dict[str, Any]]) -> str:
    payload = json.dumps([values, sessions], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def sync_member_catalogue(organisation_id: int) -> dict[str, int]:
    """Make the organisation's published trainings and upcoming public sessions offers of the map (one source per
    organisation, external id `<org-slug>/<training id>`), when it is a member of a network; retire the ones that
    are no longer published (and all of them when it belongs to no network). Idempotent: what did not change is not
    written. Returns the counts (created, updated, unchanged, retired)."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "retired": 0}
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return counts
    network_ids = list(
        NetworkOrganisation.objects.filter(organisation=organisation).values_list("network_id", flat=True)
    )
    source = OfferSource.objects.filter(name=f"catalogue-{organisation.slug}"[:80]).first()
    if not network_ids and source is None:
        return counts
    now = timezone.now()
    today = timezone.localdate()
    touched: list[int] = []
    with transaction.atomic():
        source = source or member_source_for(organisation)
        trainings = (
            list(
                Training.objects.filter(
                    organisation=organisation, is_public=True, status=TrainingStatus.VALIDATED
                ).order_by("pk")
            )
            if network_ids
            else []
        )
        sessions_by_training: dict[int, list[Session]] = {}
        for session in (
            Session.objects.filter(
                organisation=organisation, training__in=trainings, is_public=True, start_date__gte=today
            )
            .exclude(status__in=[SessionStatus.CANCELLED, SessionStatus.DONE])
            .select_related("place")
            .order_by("start_date", "pk")
        ):
            sessions_by_training.setdefault(session.training_id, []).append(session)
        existing = {offer.external_id: offer for offer in Offer.objects.filter(source=source)}
        seen: set[str] = set()
        for training in trainings:
            external_id = f"{organisation.slug}/{training.pk}"
            seen.add(external_id)
            sessions = sessions_by_training.get(training.pk, [])
            values = _training_values(organisation, training, sessions)
            session_values = [_session_values(s) for s in sessions]
            digest = _hash(values, session_values)
            offer = existing.get(external_id)
            if offer is not None and offer.content_hash == digest and offer.status == OfferStatus.ACTIVE:
                counts["unchanged"] += 1
                continue
            if offer is None:
                offer = Offer(source=source, external_id=external_id, first_seen_at=now)
                counts["created"] += 1
            else:
                counts["updated"] += 1
            for key, value in values.items():
                setattr(offer, key, value)
            offer.status = OfferStatus.ACTIVE
            offer.retired_at = None
            offer.content_hash = digest
            offer.last_seen_at = now
            offer.save()
            offer.sessions.all().delete()
            OfferSession.objects.bulk_create([OfferSession(offer=offer, **v) for v in session_values])
            touched.append(offer.pk)
        for external_id, offer in existing.items():
            if external_id not in seen and offer.status != OfferStatus.RETIRED:
                offer.status = OfferStatus.RETIRED
                offer.retired_at = now
                offer.save(update_fields=["status", "retired_at", "updated_at"])
                counts["retired"] += 1
        if counts["created"] or counts["updated"] or counts["retired"]:
            source.last_import_at = now
            source.save(update_fields=["last_import_at", "updated_at"])
        if touched:
            search.index_offers(touched)
            for network in relevance.networks_with_rules():
                relevance.score_offers(network, touched)
    return counts


def sync_member_catalogues() -> dict[str, int]:
    """Every member organisation of every network, and the ones that left (the periodic job)."""
    totals = {"created": 0, "updated": 0, "unchanged": 0, "retired": 0}
    ids = set(NetworkOrganisation.objects.values_list("organisation_id", flat=True))
    slugs = OfferSource.objects.filter(kind=SourceKind.MEMBER_CATALOGUE).values_list("name", flat=True)
    ids |= set(
        Organisation.objects.filter(slug__in=[s.removeprefix("catalogue-") for s in slugs]).values_list("pk", flat=True)
    )
    for organisation_id in sorted(ids):
        for key, value in sync_member_catalogue(organisation_id).items():
            totals[key] += value
    return totals


# --- source (d): the partner structures' offers ----------------------------------------------------------------

OFFER_FIELDS = [
    "title",
    "summary",
    "objectives",
    "content",
    "url",
    "modality",
    "experience_mode",
    "certifying",
    "cpf_eligible",
    "formacodes",
    "nsf_codes",
]
SESSION_FIELDS = ["start", "end", "city", "postal_code", "places_left", "is_remote"]


def partner_source_for(network: Network) -> OfferSource:
    source, _created = OfferSource.objects.get_or_create(
        name=f"partenaires-{network.slug}"[:80],
        defaults={
            "label": _("Offres des structures partenaires de %(name)s") % {"name": network.name},
            "kind": SourceKind.PARTNER,
            "network": network,
            "licence": network.data_licence,
        },
    )
    return source


def _clean_offer(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(OFFER_FIELDS)
    if unknown:
        raise ValidationError(
            {"__all__": _("Champs non modifiables : %(names)s.") % {"names": ", ".join(sorted(unknown))}}
        )
    errors: dict[str, str] = {}
    for key in ("title", "summary", "objectives", "content", "url"):
        if isinstance(fields.get(key), str):
            fields[key] = fields[key].strip()
    if "title" in fields and not fields["title"]:
        errors["title"] = _("Indiquez l'intitulé de l'offre.")
    if fields.get("modality") and fields["modality"] not in Modality.values:
        errors["modality"] = _("Choisissez une modalité de la liste.")
    if fields.get("experience_mode") and fields["experience_mode"] not in ExperienceMode.values:
        errors["experience_mode"] = _("Choisissez un mode d'apprentissage de la liste.")
    for key, validator, label in (
        ("formacodes", validate_formacode, _("Formacode")),
        ("nsf_codes", validate_nsf, _("code NSF")),
    ):
        codes = [str(c).strip() for c in fields.get(key) or [] if str(c).strip()]
        for code in codes:
            try:
                validator(code)
            except ValidationError:
                errors[key] = _("« %(code)s » n'est pas un %(label)s valide.") % {"code": code, "label": label}
                break
        if key in fields:
            fields[key] = codes
    if errors:
        raise ValidationError(errors)
    return fields


def _clean_session(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(SESSION_FIELDS)
    if unknown:
        raise ValidationError(
            {"__all__": _("Champs non modifiables : %(names)s.") % {"names": ", ".join(sorted(unknown))}}
        )
    errors: dict[str, str] = {}
    start, end = values.get("start"), values.get("end")
    if start and end and end < start:
        errors["end"] = _("La fin de la session est avant son début.")
    postal_code = (values.get("postal_code") or "").strip()
    if postal_code and not (len(postal_code) == 5 and postal_code.isdigit()):
        errors["postal_code"] = _("Le code postal s'écrit avec 5 chiffres.")
    if errors:
        raise ValidationError(errors)
    values["postal_code"] = postal_code
    values["city"] = (values.get("city") or "").strip()
    values["department"] = _department(postal_code)
    values.update(_place(values["city"], postal_code))
    return values


def _partner_offers(actor: NetworkActor) -> QuerySet[Offer]:
    return Offer.objects.filter(source__kind=SourceKind.PARTNER, partner__network=actor.network)


def _locked_offer(actor: NetworkActor, offer_id: int) -> Offer:
    offer = _partner_offers(actor).select_for_update().filter(pk=offer_id).first()
    if offer is None:
        raise Http404
    return offer


@transaction.atomic
def partner_offer_create(
    *, actor: NetworkActor, partner_id: int, session: dict[str, Any] | None = None, **fields: Any
) -> Offer:
    """A partner structure's managers (or a moderator) enter an offer; it waits for moderation."""
    partner = PartnerStructure.objects.select_for_update().filter(network=actor.network, pk=partner_id).first()
    if partner is None:
        raise Http404
    require_manages(actor, partner.pk)
    if partner.state == PartnerState.REFUSED:
        raise ValidationError({"__all__": _("Cette structure a été refusée : elle ne peut pas proposer d'offre.")})
    fields = _clean_offer(fields)
    session_values = _clean_session(dict(session)) if session else None
    siret = partner.siret
    try:
        validate_siret(siret)
    except ValidationError:
        siret = ""
    offer = Offer.objects.create(
        source=partner_source_for(actor.network),
        external_id=f"{partner.pk}-{uuid.uuid4().hex[:12]}",
        partner=partner,
        provider_name=partner.name,
        provider_siret=siret,
        status=OfferStatus.PENDING,
        first_seen_at=timezone.now(),
        **fields,
    )
    if session_values:
        OfferSession.objects.create(offer=offer, **session_values)
    search.index_offers([offer.pk])
    log_action(actor=actor, obj=offer, action="offers.offer.proposed", data={"partner": partner})
    return offer


@transaction.atomic
def partner_offer_update(*, actor: NetworkActor, offer_id: int, **fields: Any) -> Offer:
    """Edit a partner offer. A published offer changed by its structure waits for moderation again."""
    offer = _locked_offer(actor, offer_id)
    assert offer.partner_id is not None
    require_manages(actor, offer.partner_id)
    fields = _clean_offer(fields)
    before = snapshot(offer, list(fields))
    for key, value in fields.items():
        setattr(offer, key, value)
    changes = diff(before, snapshot(offer, list(fields)))
    if changes and not actor.is_moderator and offer.status in (OfferStatus.ACTIVE, OfferStatus.REFUSED):
        offer.status = OfferStatus.PENDING
    offer.save()
    search.index_offers([offer.pk])
    if changes:
        log_action(actor=actor, obj=offer, action="offers.offer.updated", data={"changes": changes})
    return offer


@transaction.atomic
def partner_offer_session_add(*, actor: NetworkActor, offer_id: int, **values: Any) -> OfferSession:
    offer = _locked_offer(actor, offer_id)
    assert offer.partner_id is not None
    require_manages(actor, offer.partner_id)
    session = OfferSession.objects.create(offer=offer, **_clean_session(values))
    search.index_offers([offer.pk])
    log_action(actor=actor, obj=offer, action="offers.offer.session_added", data={"start": session.start})
    return session


@transaction.atomic
def partner_offer_session_remove(*, actor: NetworkActor, offer_id: int, session_id: int) -> None:
    offer = _locked_offer(actor, offer_id)
    assert offer.partner_id is not None
    require_manages(actor, offer.partner_id)
    session = offer.sessions.filter(pk=session_id).first()
    if session is None:
        raise Http404
    log_action(actor=actor, obj=offer, action="offers.offer.session_removed", data={"start": session.start})
    session.delete()
    search.index_offers([offer.pk])


@transaction.atomic
def partner_offer_publish(*, actor: NetworkActor, offer_id: int) -> Offer:
    actor.require("network.moderate")
    offer = _locked_offer(actor, offer_id)
    offer.status = OfferStatus.ACTIVE
    offer.moderation_reason = ""
    offer.moderated_at = timezone.now()
    offer.last_seen_at = offer.moderated_at
    offer.save(update_fields=["status", "moderation_reason", "moderated_at", "last_seen_at", "updated_at"])
    relevance.score_offers(actor.network, [offer.pk])
    log_action(actor=actor, obj=offer, action="offers.offer.published", data={})
    return offer


@transaction.atomic
def partner_offer_refuse(*, actor: NetworkActor, offer_id: int, reason: str) -> Offer:
    actor.require("network.moderate")
    offer = _locked_offer(actor, offer_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif du refus : il est montré à la structure.")})
    offer.status = OfferStatus.REFUSED
    offer.moderation_reason = reason
    offer.moderated_at = timezone.now()
    offer.save(update_fields=["status", "moderation_reason", "moderated_at", "updated_at"])
    OfferRelevance.objects.filter(network=actor.network, offer=offer).delete()
    log_action(actor=actor, obj=offer, action="offers.offer.refused", data={"reason": reason})
    return offer


# --- relevance: the rule set and the moderators' decisions ----------------------------------------------------

RULE_FIELDS = [
    "formacodes",
    "nsf_codes",
    "keywords",
    "known_sirets",
    "formacode_weight",
    "nsf_weight",
    "keyword_weight",
    "keyword_cap",
    "known_weight",
    "high_threshold",
    "low_threshold",
]


def _clean_rules(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(
            {"__all__": _("Champs non modifiables : %(names)s.") % {"names": ", ".join(sorted(unknown))}}
        )
    errors: dict[str, str] = {}
    for key in ("formacodes", "nsf_codes", "keywords", "known_sirets"):
        if key in fields:
            seen: list[str] = []
            for item in fields[key] or []:
                item = " ".join(str(item).split())
                if item and item not in seen:
                    seen.append(item)
            fields[key] = seen
    for key, validator in (("formacodes", validate_formacode), ("nsf_codes", validate_nsf)):
        for code in fields.get(key, []):
            try:
                validator(code)
            except ValidationError as exc:
                errors[key] = _("« %(code)s » : %(error)s") % {"code": code, "error": " ".join(exc.messages)}
                break
    for siret in fields.get("known_sirets", []):
        compact = siret.replace(" ", "")
        if not (compact.isdigit() and len(compact) in (9, 14)):
            errors["known_sirets"] = _("« %(value)s » n'est ni un SIRET (14 chiffres) ni un SIREN (9 chiffres).") % {
                "value": siret
            }
            break
    if "known_sirets" in fields:
        fields["known_sirets"] = [s.replace(" ", "") for s in fields["known_sirets"]]
    for key in ("formacode_weight", "nsf_weight", "keyword_weight", "keyword_cap", "known_weight"):
        if key in fields and not 0 <= int(fields[key]) <= 1000:
            errors[key] = _("Un poids est compris entre 0 et 1000.")
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def rules_update(*, actor: NetworkActor, **fields: Any) -> RelevanceRules:
    """Save the network's rule set and score its offers again (in the background: there may be 300,000)."""
    actor.require("network.rules")
    fields = _clean_rules(fields)
    rules, _created = RelevanceRules.objects.select_for_update().get_or_create(network=actor.network)
    before = snapshot(rules, list(fields))
    for key, value in fields.items():
        setattr(rules, key, value)
    if rules.low_threshold >= rules.high_threshold:
        raise ValidationError({"low_threshold": _("Le seuil d'examen doit être inférieur au seuil d'affichage.")})
    rules.save()
    changes = diff(before, snapshot(rules, list(fields)))
    if changes:
        log_action(actor=actor, obj=rules, action="offers.rules.updated", data={"changes": changes})
    network_id = actor.network.pk
    transaction.on_commit(lambda: relevance.rescore_network.enqueue(network_id))
    return rules


@transaction.atomic
def relevance_decide(*, actor: NetworkActor, relevance_id: int, decision: str, reason: str = "") -> OfferRelevance:
    """A moderator keeps or rejects an offer for the network; the decision wins over every later score."""
    actor.require("network.moderate")
    if decision not in RelevanceDecision.values:
        raise ValidationError({"decision": _("Choisissez « Garder » ou « Écarter ».")})
    row = OfferRelevance.objects.select_for_update().filter(network=actor.network, pk=relevance_id).first()
    if row is None:
        raise Http404
    row.decision = decision
    row.decision_reason = reason.strip()
    row.decided_by = actor.user
    row.decided_at = timezone.now()
    row.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    action = "offers.relevance.kept" if decision == RelevanceDecision.KEEP else "offers.relevance.rejected"
    log_action(
        actor=actor, obj=row.offer, action=action, data={"network": actor.network, "reason": row.decision_reason}
    )
    return row


@transaction.atomic
def relevance_undecide(*, actor: NetworkActor, relevance_id: int) -> OfferRelevance:
    """Forget a decision: the rules judge the offer again."""
    actor.require("network.moderate")
    row = OfferRelevance.objects.select_for_update().filter(network=actor.network, pk=relevance_id).first()
    if row is None:
        raise Http404
    row.decision = ""
    row.decision_reason = ""
    row.decided_by = None
    row.decided_at = None
    row.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    log_action(actor=actor, obj=row.offer, action="offers.relevance.reopened", data={"network": actor.network})
    return row


# --- the import page: an LHEO feed imported in the background (issue 16, point 2) -------------------------------

UPLOAD_MAX_BYTES = 50 * 1024**2  # a file sent from the browser; larger feeds: by URL or `coopforma network import-lheo`


@transaction.atomic
def import_request(*, actor: NetworkActor, label: str, url: str = "", upload: Any = None, licence: str = "") -> Any:
    """A moderator imports an LHEO feed (a URL, or an XML file kept in the default storage) into a source of the
    network: the run is queued and carried out in the background (offers.tasks.import_lheo_run); its page shows
    the progress. Nothing is queued when the source, the URL or the file is refused."""
    from django.core.files.storage import default_storage
    from django.utils.text import slugify

    from coopforma.offers.federation import feed_url_check
    from coopforma.offers.importing import STORAGE_PREFIX, import_enqueue

    actor.require("offers.sources")
    errors: dict[str, str] = {}
    label = " ".join((label or "").split())
    url = (url or "").strip()
    if not label:
        errors["label"] = _("Indiquez le nom de la source.")
    if bool(url) == bool(upload):
        errors["__all__"] = _("Indiquez l'adresse du flux ou choisissez un fichier, l'un des deux.")
    if len(url) > 500:
        errors["url"] = _("L'adresse dépasse 500 caractères.")
    elif url:
        try:
            url = feed_url_check(url)
        except ValidationError as exc:
            errors["url"] = " ".join(exc.messages)
    if upload is not None:
        head = upload.read(512).lstrip()
        upload.seek(0)
        if upload.size > UPLOAD_MAX_BYTES:
            errors["upload"] = _("Le fichier dépasse %(mb)d Mo : indiquez plutôt son adresse.") % {
                "mb": UPLOAD_MAX_BYTES // 1024**2
            }
        elif not (head.startswith((b"<", b"\xef\xbb\xbf<")) or head[:2] == b"\x1f\x8b"):
            errors["upload"] = _("Le fichier n'est pas un fichier XML (LHEO) : rien n'a été importé.")
    name = slugify(f"{actor.network.slug}-{label}")[:80]
    source = OfferSource.objects.filter(name=name).first()
    if source is not None and (source.network_id != actor.network.pk or source.kind != SourceKind.LHEO):
        errors["label"] = _("Une autre source porte déjà ce nom : choisissez-en un autre.")
    if errors:
        raise ValidationError(errors)
    if source is None:
        source = OfferSource.objects.create(
            name=name, label=label[:200], kind=SourceKind.LHEO, network=actor.network, licence=licence.strip()[:200]
        )
    elif licence.strip() and source.licence != licence.strip():
        source.licence = licence.strip()[:200]
        source.save(update_fields=["licence", "updated_at"])
    if upload is not None:
        stored = default_storage.save(f"imports/lheo/{actor.network.slug}/{uuid.uuid4().hex}.xml", upload)
        location = STORAGE_PREFIX + stored
    else:
        location = url
        if source.url != url:
            source.url = url
            source.save(update_fields=["url", "updated_at"])
    run = import_enqueue(source_id=source.pk, location=location, user=actor.user, safe=True)
    log_action(actor=actor, obj=source, action="offers.import.requested", data={"run": run.pk})
    return run


# --- the competencies an offer aims at (offers/competencies.py): the moderators correct the suggestions --------

COMPETENCY_ACTIONS = ("confirm", "remove")


@transaction.atomic
def offer_competency_set(*, actor: NetworkActor, relevance_id: int, code: str, action: str) -> OfferCompetency:
    """A moderator confirms (or adds) a competency of the network's latest published référentiel for an offer the
    network judges, or removes it (a removed link is never suggested again). Not for the member catalogues'
    offers: their trainings' objectives link them."""
    actor.require("network.moderate")
    row = OfferRelevance.objects.filter(network=actor.network, pk=relevance_id).select_related("offer__source").first()
    if row is None:
        raise Http404
    if action not in COMPETENCY_ACTIONS:
        raise ValidationError(_("Choisissez « Confirmer » ou « Retirer »."))
    if row.offer.source.kind == SourceKind.MEMBER_CATALOGUE:
        raise ValidationError(
            _("Les compétences d'une formation d'un membre se lient depuis ses objectifs, dans son catalogue.")
        )
    keys = referentiel_selectors.competency_map(network=actor.network).keys
    key = keys.get((code or "").strip())
    if key is None:
        raise ValidationError(_("Cette compétence n'est pas dans la dernière version publiée du référentiel."))
    removed = action == "remove"
    link, _created = OfferCompetency.objects.update_or_create(
        network=actor.network,
        offer=row.offer,
        competency_key=key,
        defaults={
            "origin": CompetencyOrigin.CONFIRMED,
            "removed": removed,
            "decided_by": actor.user,
            "decided_at": timezone.now(),
        },
    )
    log_action(
        actor=actor,
        obj=row.offer,
        action="offers.competency.removed" if removed else "offers.competency.confirmed",
        data={"network": actor.network, "competency": code},
    )
    return link


MAX_PARTNER_COMPETENCIES = 20


@transaction.atomic
def partner_offer_competencies_set(*, actor: NetworkActor, offer_id: int, codes: list[str]) -> list[str]:
    """A partner structure's managers (or a moderator) say which competencies of the network's latest published
    référentiel their offer aims at: the links of origin « partner » become these (a suggestion of the same
    competency is replaced; a link the moderators removed stays removed). The codes kept, in the version's order."""
    offer = _locked_offer(actor, offer_id)
    assert offer.partner_id is not None
    require_manages(actor, offer.partner_id)
    wanted = {str(code).strip() for code in codes if str(code).strip()}
    if len(wanted) > MAX_PARTNER_COMPETENCIES:
        raise ValidationError(_("Choisissez %(n)d compétences au plus.") % {"n": MAX_PARTNER_COMPETENCIES})
    keys = referentiel_selectors.competency_map(network=actor.network).keys
    unknown = sorted(wanted - keys.keys())
    if unknown:
        raise ValidationError(_("Cette compétence n'est pas dans la dernière version publiée du référentiel."))
    chosen = {keys[code] for code in wanted}
    links = OfferCompetency.objects.filter(network=actor.network, offer=offer)
    links.filter(origin=CompetencyOrigin.PARTNER).exclude(competency_key__in=chosen).delete()
    existing = {link.competency_key: link for link in links.filter(competency_key__in=chosen)}
    for key in chosen:
        link = existing.get(key)
        if link is None:
            OfferCompetency.objects.create(
                network=actor.network, offer=offer, competency_key=key, origin=CompetencyOrigin.PARTNER
            )
        elif link.origin == CompetencyOrigin.SUGGESTED and not link.removed:
            link.origin = CompetencyOrigin.PARTNER
            link.save(update_fields=["origin"])
    kept = [code for code in keys if code in wanted]
    log_action(actor=actor, obj=offer, action="offers.competency.set_by_partner", data={"competencies": kept})
    return kept


def map_changes_prune(*, keep: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete the map's change notes older than `keep`, the last one kept (an empty table caches nothing)."""
    last = MapChange.objects.order_by("-pk").values_list("pk", flat=True).first()
    if last is None:
        return 0
    deleted, _by_model = MapChange.objects.filter(at__lt=timezone.now() - keep).exclude(pk=last).delete()
    return deleted
