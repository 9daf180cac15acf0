# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the tender watch: the import of BOAMP notices, watch profiles, « Ça m'intéresse ».

`tender_import(source=…)` reads a file path or an http(s) URL as a stream (`formats.boamp.read`), keeps the
training notices (`training.is_training`), upserts them by idweb (an unchanged notice writes nothing: same content
hash), links rectifications, cancellations and awards to the notice they name (`annonce_lie`, also when that one
arrives later) and records the run (`TenderImport`). The whole import is one transaction: a file that is not a
BOAMP export, or that stops in the middle, raises `ShapeError` and leaves the database as it was. A bad record
(no idweb, unreadable `donnees`) is rejected alone, with its position and why.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.core.log import log_action
from coopforma.formats.boamp import NoticeRecord, RecordRejected, ShapeError, read
from coopforma.networks.access import NetworkActor
from coopforma.networks.models import Network
from coopforma.tenders.consortium_services import deadlines_follow
from coopforma.tenders.models import (
    Frequency,
    Interest,
    Nature,
    Notice,
    NoticeLink,
    NoticeLot,
    TenderImport,
    WatchProfile,
)
from coopforma.tenders.selectors import member_organisations
from coopforma.tenders.training import is_training, search_words, split_codes

__all__ = ["ImportSummary", "ShapeError", "tender_import"]

URL_TIMEOUT = 60
KEPT_ERRORS = 200


@dataclass
class ImportSummary:
    source: str
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    linked: int = 0
    rejected: int = 0
    errors: list[RecordRejected] = field(default_factory=list)
    import_id: int | None = None

    @property
    def kept(self) -> int:
        return self.created + self.updated + self.unchanged

    def __str__(self) -> str:
        return (
            f"{self.records} avis lu(s) : {self.kept} gardé(s) ({self.created} nouveau(x), {self.updated} mis à "
            f"jour, {self.unchanged} inchangé(s)), {self.skipped} écarté(s) (pas de la formation), "
            f"{self.linked} lien(s) établi(s), {self.rejected} rejeté(s)."
        )


@contextlib.contextmanager
def open_source(source: str) -> Iterator[IO[bytes]]:
    """A byte stream over a local file or an http(s) URL (gzip-compressed or not), read as it comes."""
    raw: IO[bytes]
    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked just above)
            source, headers={"Accept-Encoding": "gzip", "User-Agent": "coopforma-tenders"}
        )
        response = urllib.request.urlopen(request, timeout=URL_TIMEOUT)  # noqa: S310
        compressed = response.headers.get("Content-Encoding", "") == "gzip" or source.endswith(".gz")
        raw = response
    else:
        raw = Path(source).open("rb")  # noqa: SIM115 (closed below)
        compressed = source.endswith(".gz")
    try:
        yield cast(IO[bytes], gzip.GzipFile(fileobj=raw)) if compressed else raw
    finally:
        raw.close()


def _values(record: NoticeRecord) -> dict[str, Any]:
    lots = [
        {"number": lot.number, "title": lot.title, "cpv_codes": list(lot.cpv_codes), "amount_cents": lot.amount_cents}
        for lot in record.lots
    ]
    cpv = list(record.cpv_codes)
    return {
        "object": record.object,
        "buyer": record.buyer[:300],
        "published_on": record.published_on,
        "deadline": record.deadline,
        "nature": record.nature,
        "family": record.family[:20],
        "market_types": list(record.market_types),
        "departements": list(record.departements),
        "departements_text": (" " + " ".join(record.departements) + " ")[:300] if record.departements else "",
        "descriptors": list(record.descriptor_labels),
        "main_cpv": record.main_cpv,
        "cpv_codes": cpv,
        "cpv_text": (" " + " ".join(cpv) + " ")[:1000] if cpv else "",
        "amount_cents": record.amount_cents,
        "reserved_ess": record.reserved_ess,
        "social_clause": record.social_clause,
        "criteria": record.criteria,
        "winners": list(record.winners),
        "linked_idwebs": list(record.linked),
        "url": record.url[:500] if record.url.startswith(("http://", "https://")) else "",
        "search_text": search_words(record.object, *(lot.title for lot in record.lots), *record.descriptor_labels),
        "_lots": lots,
    }


def _digest(values: dict[str, Any]) -> str:
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _write(record: NoticeRecord, run: TenderImport, summary: ImportSummary) -> None:
    values = _values(record)
    digest = _digest(values)
    lots = values.pop("_lots")
    existing = Notice.objects.filter(idweb=record.idweb).first()
    if existing is not None and existing.content_hash == digest:
        summary.unchanged += 1
        return
    if existing is None:
        notice = Notice.objects.create(
            idweb=record.idweb,
            content_hash=digest,
            imported=run,
            first_seen_at=run.started_at,
            current_deadline=values["deadline"],
            **values,
        )
        summary.created += 1
    else:
        notice = existing
        for name, value in values.items():
            setattr(notice, name, value)
        notice.content_hash, notice.imported = digest, run
        notice.current_deadline, notice.cancelled = values["deadline"], False  # the links below say otherwise
        notice.save()
        notice.lots.all().delete()
        notice.links_out.exclude(target_idweb__in=record.linked).delete()
        summary.updated += 1
    NoticeLot.objects.bulk_create([NoticeLot(notice=notice, **lot) for lot in lots])
    for idweb in record.linked:
        NoticeLink.objects.get_or_create(source=notice, target_idweb=idweb)


def _resolve_links(summary: ImportSummary) -> set[int]:
    """Point the links at their notice when it is known, then refresh what they change on it: the deadline
    after the latest rectification, and whether it was cancelled."""
    pending = NoticeLink.objects.filter(target__isnull=True)
    targets = dict(
        Notice.objects.filter(idweb__in=pending.values_list("target_idweb", flat=True)).values_list("idweb", "pk")
    )
    touched: set[int] = set()
    for link in pending.filter(target_idweb__in=list(targets)):
        link.target_id = targets[link.target_idweb]
        link.save(update_fields=["target"])
        touched.add(link.target_id)
        summary.linked += 1
    touched |= set(
        NoticeLink.objects.filter(source__imported_id=summary.import_id, target__isnull=False).values_list(
            "target_id", flat=True
        )
    )
    touched |= set(NoticeLink.objects.filter(target__imported_id=summary.import_id).values_list("target_id", flat=True))
    for notice in Notice.objects.filter(pk__in=touched):
        sources = [link.source for link in notice.links_in.select_related("source")]
        rectifications = sorted(
            (s for s in sources if s.nature == Nature.RECTIFICATION and s.deadline),
            key=lambda s: (s.published_on is not None, s.published_on, s.idweb),
        )
        current = rectifications[-1].deadline if rectifications else notice.deadline
        cancelled = any(s.nature == Nature.CANCELLATION for s in sources)
        if (current, cancelled) != (notice.current_deadline, notice.cancelled):
            Notice.objects.filter(pk=notice.pk).update(current_deadline=current, cancelled=cancelled)
    return touched


def tender_import(*, source: str) -> ImportSummary:
    """Import the BOAMP notices at `source` (a path or an http(s) URL); ShapeError (nothing written) when the
    file is not a BOAMP export or is truncated."""
    summary = ImportSummary(source=source)
    with open_source(source) as stream, transaction.atomic():
        run = TenderImport.objects.create(source=source[:500], started_at=timezone.now())
        summary.import_id = run.pk
        kept_idwebs: set[str] = set()
        seen: set[str] = set()
        for item in read(stream):
            summary.records += 1
            if isinstance(item, RecordRejected):
                _reject(summary, item)
                continue
            if item.idweb in seen:
                _reject(summary, RecordRejected(item.position, item.idweb, "cet idweb figure déjà plus haut"))
                continue
            seen.add(item.idweb)
            follows_kept = bool(item.linked) and (
                bool(kept_idwebs & set(item.linked)) or Notice.objects.filter(idweb__in=item.linked).exists()
            )
            text = " ".join([item.object, *(lot.title for lot in item.lots), *item.descriptor_labels])
            if not follows_kept and not is_training(item.cpv_codes, text):
                summary.skipped += 1
                continue
            kept_idwebs.add(item.idweb)
            _write(item, run, summary)
        touched = _resolve_links(summary)
        # The groupements answering a notice whose deadline in force moved follow it (their deadline milestone).
        touched |= set(Notice.objects.filter(imported_id=run.pk).values_list("pk", flat=True))
        deadlines_follow(notice_ids=touched)
        run.finished_at = timezone.now()
        for name in ("records", "created", "updated", "unchanged", "skipped", "linked", "rejected"):
            setattr(run, name, getattr(summary, name))
        run.errors = [{"position": e.position, "idweb": e.idweb, "reason": e.reason} for e in summary.errors]
        run.save()
    return summary


def _reject(summary: ImportSummary, error: RecordRejected) -> None:
    summary.rejected += 1
    if len(summary.errors) < KEPT_ERRORS:
        summary.errors.append(error)


# --- watch profiles ----------------------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "name",
    "cpv_prefixes",
    "keywords",
    "departements",
    "reserved_first",
    "min_amount_cents",
    "max_amount_cents",
    "frequency",
    "is_active",
)


def _check_profile(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if not str(values.get("name", "")).strip():
        errors["name"] = _("Donnez un nom au profil de veille.")
    for code in split_codes(values.get("cpv_prefixes", "")):
        digits = code.split("-")[0]
        if not digits.isdigit() or not 2 <= len(digits) <= 8:
            errors["cpv_prefixes"] = _("« %(code)s » n'est pas un début de code CPV (2 à 8 chiffres).") % {"code": code}
            break
    for dep in split_codes(values.get("departements", "")):
        if not (len(dep) in (2, 3) and (dep.isdigit() or dep.upper() in {"2A", "2B"})):
            errors["departements"] = _("« %(dep)s » n'est pas un numéro de département (26, 2A, 974).") % {"dep": dep}
            break
    low, high = values.get("min_amount_cents"), values.get("max_amount_cents")
    if low is not None and high is not None and low > high:
        errors["max_amount_cents"] = _("Le montant maximum est inférieur au montant minimum.")
    if values.get("frequency", Frequency.WEEKLY) not in Frequency.values:
        errors["frequency"] = _("Fréquence inconnue : chaque jour ou chaque semaine.")
    if errors:
        raise ValidationError(errors)


def _profile_owner(actor: NetworkActor, organisation_id: int | None) -> None:
    """A network's own profile (no organisation): its moderators; a member organisation's: its people (an active
    membership there). Anyone else: PermissionDenied (403), before any value is checked."""
    if organisation_id is None:
        if not actor.is_moderator:
            raise PermissionDenied(_("Seul·es les modérateur·rices gèrent les profils de veille du réseau."))
        return
    if organisation_id not in {o.pk for o in member_organisations(actor=actor)}:
        raise PermissionDenied(_("Vous n'agissez pas pour cette organisation dans ce réseau."))


def watch_profile_create(*, actor: NetworkActor, organisation_id: int | None, **values: Any) -> WatchProfile:
    actor.require("tenders.watch")
    _profile_owner(actor, organisation_id)
    _check_profile(values)
    with transaction.atomic():
        profile = WatchProfile.objects.create(
            network=actor.network,
            organisation_id=organisation_id,
            recipient=actor.user,
            **{k: v for k, v in values.items() if k in PROFILE_FIELDS},
        )
        log_action(actor=actor.user, obj=profile, action="tenders.profile.created", data={"name": profile.name})
    return profile


def watch_profile_update(*, actor: NetworkActor, profile: WatchProfile, **values: Any) -> WatchProfile:
    actor.require("tenders.watch")
    _profile_owner(actor, profile.organisation_id)
    _check_profile(values)
    with transaction.atomic():
        for name, value in values.items():
            if name in PROFILE_FIELDS:
                setattr(profile, name, value)
        profile.save()
        log_action(actor=actor.user, obj=profile, action="tenders.profile.updated", data={"name": profile.name})
    return profile


def watch_profile_delete(*, actor: NetworkActor, profile: WatchProfile) -> None:
    actor.require("tenders.watch")
    _profile_owner(actor, profile.organisation_id)
    with transaction.atomic():
        log_action(actor=actor.user, obj=profile, action="tenders.profile.deleted", data={"name": profile.name})
        profile.delete()


# --- « Ça m'intéresse » ------------------------------------------------------------------------------------------


def _interest_save(*, network: Network, organisation_id: int, notice: Notice, note: str, user: Any) -> Interest:
    if len(note) > 2000:
        raise ValidationError({"note": _("La note fait plus de 2 000 caractères.")})
    try:
        with transaction.atomic():
            interest = Interest.objects.create(
                network=network, organisation_id=organisation_id, notice=notice, note=note.strip(), created_by=user
            )
            log_action(actor=user, obj=interest, action="tenders.interest.created", data={"idweb": notice.idweb})
    except IntegrityError:
        raise ValidationError(_("Votre organisation a déjà signalé son intérêt pour cet avis.")) from None
    return interest


def interest_create(*, actor: NetworkActor, notice: Notice, organisation_id: int, note: str = "") -> Interest:
    """A member organisation of the network says it considers answering `notice` (once per organisation)."""
    actor.require("tenders.watch")
    if organisation_id not in {o.pk for o in member_organisations(actor=actor)}:
        raise ValidationError(_("Vous n'agissez pas pour cette organisation dans ce réseau."))
    return _interest_save(
        network=actor.network, organisation_id=organisation_id, notice=notice, note=note, user=actor.user
    )


def interest_create_for_organisation(*, actor: Actor, network_id: int, notice: Notice, note: str = "") -> Interest:
    """The API's « Ça m'intéresse »: the token's organisation, in a network it is a member of (404 otherwise)."""
    network = Network.objects.filter(pk=network_id, organisations__organisation=actor.organisation).first()
    if network is None:
        raise Http404
    return _interest_save(
        network=network, organisation_id=actor.organisation.pk, notice=notice, note=note, user=actor.user
    )


def interest_delete(*, actor: NetworkActor, interest: Interest) -> None:
    actor.require("tenders.watch")
    if interest.organisation_id not in {o.pk for o in member_organisations(actor=actor)}:
        raise ValidationError(_("Seule l'organisation qui l'a signalé peut retirer cet intérêt."))
    with transaction.atomic():
        log_action(
            actor=actor.user, obj=interest, action="tenders.interest.deleted", data={"idweb": interest.notice.idweb}
        )
        interest.delete()
