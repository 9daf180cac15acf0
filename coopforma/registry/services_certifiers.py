# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the certifiers directory (docs/certifiers.md).

- `certifiers_load`: the curated list of certifiers (`registry/data/certifiers.csv` or another file of the same
  header), upserted by code; every row is checked first, and one bad row writes nothing.
- An organisation (its administrators and quality managers: flag `quality.manage`) chooses its certifier, writes
  a review after each audit and decides whether its networks see them (`visible_to_network`, off by default).
- A network's moderators (`certifiers.manage`) record the group agreements negotiated with a certifier.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.core.identifiers import compact, validate_siren, validate_siret
from coopforma.core.log import log_action
from coopforma.networks.access import NetworkActor
from coopforma.registry.models import (
    AuditKind,
    Certifier,
    CertifierAgreement,
    CertifierChoice,
    CertifierKind,
    CertifierReview,
)
from coopforma.registry.names import normalise

DEFAULT_CERTIFIERS = Path(__file__).resolve().parent / "data" / "certifiers.csv"
CERTIFIER_COLUMNS = [
    "code",
    "name",
    "kind",
    "accreditation_number",
    "accreditation_scope",
    "siren",
    "siret",
    "website",
    "contact_name",
    "contact_email",
    "contact_phone",
    "source",
    "checked_on",
]
REVIEW_FLAG = "quality.manage"
AGREEMENT_MAX_BYTES = 10 * 1024 * 1024


# --- the list of certifiers ---------------------------------------------------------------------------------


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return _("%(created)s certificateur(s) ajouté(s), %(updated)s mis à jour, %(unchanged)s inchangé(s).") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


def _certifier_row(line: int, row: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The model's values of one CSV row, and its errors (« ligne 4, colonne siret : … »)."""
    errors: list[str] = []

    def error(column: str, message: str) -> None:
        errors.append(
            _("ligne %(line)s, colonne %(column)s : %(message)s") % {"line": line, "column": column, "message": message}
        )

    values = {name: (row.get(name) or "").strip() for name in CERTIFIER_COLUMNS}
    if not values["code"]:
        error("code", _("l'identifiant court est obligatoire"))
    elif normalise(values["code"]).replace(" ", "-") != values["code"]:
        error("code", _("« %(value)s » : minuscules sans accent, chiffres et tirets") % {"value": values["code"]})
    if not values["name"]:
        error("name", _("le nom est obligatoire"))
    if values["kind"] not in CertifierKind.values:
        error("kind", _("« %(value)s » : « cofrac » ou « labelling » attendu") % {"value": values["kind"]})
    for column, check in (("siren", validate_siren), ("siret", validate_siret)):
        values[column] = compact(values[column])
        if values[column]:
            try:
                check(values[column])
            except ValidationError as exc:
                error(column, " ".join(exc.messages))
    if values["website"]:
        try:
            URLValidator(schemes=["http", "https"])(values["website"])
        except ValidationError:
            error("website", _("« %(value)s » n'est pas une adresse web") % {"value": values["website"]})
    if values["contact_email"]:
        try:
            EmailValidator()(values["contact_email"])
        except ValidationError:
            error("contact_email", _("« %(value)s » n'est pas une adresse e-mail") % {"value": values["contact_email"]})
    checked: dt.date | None = None
    if values["checked_on"]:
        try:
            checked = dt.date.fromisoformat(values["checked_on"])
        except ValueError:
            error("checked_on", _("« %(value)s » : date AAAA-MM-JJ attendue") % {"value": values["checked_on"]})
    values["checked_on"] = checked  # type: ignore[assignment]
    values["source"] = values["source"] or "à vérifier"
    for column in CERTIFIER_COLUMNS:
        limit = getattr(Certifier._meta.get_field(column), "max_length", None)
        if limit and isinstance(values[column], str) and len(values[column]) > limit:
            error(column, _("%(limit)s caractères au plus") % {"limit": limit})
    values["search_name"] = normalise(values["name"])
    return values, errors


def certifiers_load(*, source: str | Path = DEFAULT_CERTIFIERS, text: str | None = None) -> LoadSummary:
    """Upsert the certifiers of a `;`-separated CSV (the header of `CERTIFIER_COLUMNS`), by code. Every row is
    checked before anything is written: a bad row raises ValidationError with every error, line by line."""
    content = text if text is not None else Path(source).read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(content), delimiter=";")
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in CERTIFIER_COLUMNS if c not in header]
    if missing:
        raise ValidationError(
            _("En-tête incorrect, colonne(s) manquante(s) : %(columns)s.") % {"columns": ", ".join(missing)}
        )
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        values, row_errors = _certifier_row(line, row)
        if values["code"] in seen:
            row_errors.append(
                _("ligne %(line)s, colonne code : « %(value)s » est déjà plus haut dans le fichier")
                % {"line": line, "value": values["code"]}
            )
        seen.add(values["code"])
        errors += row_errors
        rows.append(values)
    if errors:
        raise ValidationError(errors)
    summary = LoadSummary()
    with transaction.atomic():
        existing = {c.code: c for c in Certifier.objects.select_for_update().filter(code__in=seen)}
        for values in rows:
            certifier = existing.get(values["code"])
            if certifier is None:
                certifier = Certifier.objects.create(**values)
                log_action(actor=None, obj=certifier, action="registry.certifier.created")
                summary.created += 1
                continue
            changed = {k: v for k, v in values.items() if getattr(certifier, k) != v}
            if not changed:
                summary.unchanged += 1
                continue
            for key, value in changed.items():
                setattr(certifier, key, value)
            certifier.save()
            log_action(actor=None, obj=certifier, action="registry.certifier.updated", data={"fields": sorted(changed)})
            summary.updated += 1
    return summary


def _certifier(certifier_id: int | None, field: str = "certifier") -> Certifier:
    certifier = Certifier.objects.filter(pk=certifier_id).first() if certifier_id else None
    if certifier is None:
        raise ValidationError({field: _("Choisissez un certificateur de l'annuaire.")})
    return certifier


def certifier_by_code(code: str) -> Certifier:
    """The certifier of a code (the API names certifiers by code): a clear error when there is none."""
    certifier = Certifier.objects.filter(code=code.strip()).first()
    if certifier is None:
        raise ValidationError({"certifier": _("Aucun certificateur n'a l'identifiant « %(code)s ».") % {"code": code}})
    return certifier


# --- the organisation's side --------------------------------------------------------------------------------


@transaction.atomic
def certifier_choose(*, actor: Actor, certifier_id: int | None, visible_to_network: bool) -> CertifierChoice:
    """The organisation's certifier (the one named on its certificate) and whether its networks see it."""
    actor.require(REVIEW_FLAG)
    certifier = _certifier(certifier_id)
    choice, created = CertifierChoice.objects.select_for_update().get_or_create(
        organisation=actor.organisation,
        defaults={"certifier": certifier, "visible_to_network": visible_to_network},
    )
    if not created:
        choice.certifier = certifier
        choice.visible_to_network = visible_to_network
        choice.save()
    log_action(
        actor=actor,
        obj=choice,
        action="registry.certifier_choice.saved",
        data={"certifier": certifier.name, "visible_to_network": visible_to_network},
    )
    return choice


REVIEW_FIELDS = [
    "certifier_id",
    "audit_kind",
    "audit_date",
    "price_cents",
    "audit_days",
    "understanding",
    "major_nonconformities",
    "minor_nonconformities",
    "nonconformities_text",
    "comment",
    "visible_to_network",
]


def _check_review(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values["certifier_id"] = _certifier(values.get("certifier_id")).pk
    if values.get("audit_kind") not in AuditKind.values:
        errors["audit_kind"] = _("Choisissez le type d'audit : initial, surveillance ou renouvellement.")
    audit_date = values.get("audit_date")
    if not isinstance(audit_date, dt.date):
        errors["audit_date"] = _("Indiquez la date de l'audit.")
    elif audit_date.year < 2019 or audit_date > timezone.localdate() + dt.timedelta(days=1):
        errors["audit_date"] = _("La date de l'audit doit être passée (Qualiopi existe depuis 2019).")
    price = values.get("price_cents")
    if price is not None and not 0 <= price <= 100_000_00:
        errors["price_cents"] = _("Le prix payé doit être compris entre 0 et 100 000 €.")
    days = values.get("audit_days")
    if days is not None and not Decimal("0") < Decimal(days) <= Decimal("30"):
        errors["audit_days"] = _("Le nombre de jours d'audit doit être compris entre 0,5 et 30.")
    understanding = values.get("understanding")
    if understanding is not None and not 1 <= understanding <= 5:
        errors["understanding"] = _("La note de compréhension des coopératives va de 1 à 5.")
    for field in ("major_nonconformities", "minor_nonconformities"):
        count = values.get(field) or 0
        if not 0 <= count <= 200:
            errors[field] = _("Un nombre de non-conformités entre 0 et 200.")
        values[field] = count
    values["nonconformities_text"] = (values.get("nonconformities_text") or "").strip()
    values["comment"] = (values.get("comment") or "").strip()
    values["visible_to_network"] = bool(values.get("visible_to_network"))
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def review_create(*, actor: Actor, **fields: Any) -> CertifierReview:
    """A review after an audit (its fields: REVIEW_FIELDS); not visible to the networks unless consented."""
    actor.require(REVIEW_FLAG)
    values = _check_review({k: fields.get(k) for k in REVIEW_FIELDS})
    review = CertifierReview.objects.create(organisation=actor.organisation, created_by=actor.user, **values)
    log_action(actor=actor, obj=review, action="registry.review.created", data={"visible": review.visible_to_network})
    return review


@transaction.atomic
def review_update(*, actor: Actor, review_id: int, **fields: Any) -> CertifierReview:
    actor.require(REVIEW_FLAG)
    review = CertifierReview.objects.select_for_update().filter(pk=review_id, organisation=actor.organisation).first()
    if review is None:
        raise Http404
    values = _check_review({k: fields.get(k, getattr(review, k)) for k in REVIEW_FIELDS})
    for key, value in values.items():
        setattr(review, key, value)
    review.save()
    log_action(actor=actor, obj=review, action="registry.review.updated", data={"visible": review.visible_to_network})
    return review


@transaction.atomic
def review_delete(*, actor: Actor, review_id: int) -> None:
    actor.require(REVIEW_FLAG)
    review = CertifierReview.objects.filter(pk=review_id, organisation=actor.organisation).first()
    if review is None:
        raise Http404
    log_action(actor=actor, obj=review, action="registry.review.deleted")
    review.delete()


# --- the network's side -------------------------------------------------------------------------------------


def _check_pdf(document: UploadedFile | None) -> None:
    if document is None:
        return
    if document.size is not None and document.size > AGREEMENT_MAX_BYTES:
        raise ValidationError({"document": _("Le fichier dépasse 10 Mo.")})
    head = document.read(5)
    document.seek(0)
    if not (document.name or "").lower().endswith(".pdf") or head != b"%PDF-":
        raise ValidationError({"document": _("Le document doit être un fichier PDF.")})


@transaction.atomic
def agreement_create(
    *,
    actor: NetworkActor,
    certifier_id: int | None,
    title: str,
    price_cents: int | None = None,
    audit_days: Decimal | None = None,
    discount_percent: Decimal | None = None,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    conditions: str = "",
    document: UploadedFile | None = None,
) -> CertifierAgreement:
    """An agreement the network negotiated with a certifier, read by the network's members."""
    actor.require("certifiers.manage")
    certifier = _certifier(certifier_id)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Donnez un intitulé à l'accord.")
    if valid_from and valid_until and valid_until < valid_from:
        errors["valid_until"] = _("La fin de validité de l'accord doit suivre son début.")
    if discount_percent is not None and not 0 <= discount_percent <= 100:
        errors["discount_percent"] = _("La remise est un pourcentage de 0 à 100.")
    if price_cents is not None and price_cents < 0:
        errors["price_cents"] = _("Le prix ne peut pas être négatif.")
    if audit_days is not None and audit_days <= 0:
        errors["audit_days"] = _("Le nombre de jours d'audit doit être positif.")
    if errors:
        raise ValidationError(errors)
    _check_pdf(document)
    agreement = CertifierAgreement(
        network=actor.network,
        certifier=certifier,
        title=title.strip(),
        price_cents=price_cents,
        audit_days=audit_days,
        discount_percent=discount_percent,
        valid_from=valid_from,
        valid_until=valid_until,
        conditions=conditions.strip(),
        created_by=actor.user,
    )
    if document is not None:
        agreement.document.save(document.name or "accord.pdf", document, save=False)
    agreement.save()
    log_action(actor=actor, obj=agreement, action="registry.agreement.created", data={"certifier": certifier.name})
    return agreement


@transaction.atomic
def agreement_delete(*, actor: NetworkActor, agreement_id: int) -> None:
    actor.require("certifiers.manage")
    agreement = CertifierAgreement.objects.filter(pk=agreement_id, network=actor.network).first()
    if agreement is None:
        raise Http404
    log_action(actor=actor, obj=agreement, action="registry.agreement.deleted")
    if agreement.document:
        agreement.document.delete(save=False)
    agreement.delete()
