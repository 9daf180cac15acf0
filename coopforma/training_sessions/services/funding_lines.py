# SPDX-License-Identifier: AGPL-3.0-or-later
"""Funding lines: who pays which part of an enrolment (payer, scheme, basis), checked against its price."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.core.log import diff, log_action, snapshot
from coopforma.core.money import format_cents
from coopforma.training_sessions import selectors
from coopforma.training_sessions.models import (
    Enrolment,
    FundingBasis,
    FundingLine,
    FundingScheme,
    PayerKind,
)
from coopforma.training_sessions.services._common import (
    _raise,
    _session_for_update,
)

SCHEME_REQUIRED = {PayerKind.OPCO}
FUNDING_LINE_FIELDS = (
    "payer_kind",
    "payer_name",
    "scheme",
    "amount_cents",
    "reference",
    "basis",
    "hourly_rate_cents",
    "dropout_fee_percent",
)
NULLABLE_FUNDING_FIELDS = {"amount_cents", "hourly_rate_cents", "dropout_fee_percent"}
SCHEME_ALLOWED = {PayerKind.OPCO, PayerKind.CPF}


# --- Funding lines ------------------------------------------------------------------------------------------


def _funding_total(enrolment: Enrolment, *, exclude_id: int | None = None) -> int:
    qs = FundingLine.objects.filter(enrolment=enrolment)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return sum(qs.values_list("amount_cents", flat=True))


def _total_too_high(total: int, price: int) -> str:
    return _("Le total des financements (%(total)s) dépasserait le prix de l'inscription (%(price)s).") % {
        "total": format_cents(total),
        "price": format_cents(price),
    }


def _clean_funding_line(line: FundingLine) -> None:
    errors: dict[str, list[str]] = {"payer_kind": [], "scheme": [], "amount_cents": []}
    if line.payer_kind not in PayerKind.values:
        errors["payer_kind"].append(_("Choisissez qui paie."))
    if line.scheme and line.scheme not in FundingScheme.values:
        errors["scheme"].append(_("Dispositif inconnu : « %(v)s ».") % {"v": line.scheme})
    if line.payer_kind in SCHEME_REQUIRED and not line.scheme:
        errors["scheme"].append(_("Précisez le dispositif (lignes 2a à 2h du BPF) d'un financement par un OPCO."))
    if line.scheme and line.payer_kind not in SCHEME_ALLOWED:
        errors["scheme"].append(
            _("Le dispositif ne s'indique que pour un financement par un OPCO ou par le CPF (ici : %(payer)s).")
            % {"payer": line.get_payer_kind_display()}
        )
    if line.amount_cents is None or line.amount_cents <= 0:
        errors["amount_cents"].append(_("Le montant doit être supérieur à 0."))
    errors.update(_basis_errors(line))
    _raise(errors)


# Who may be billed a drop-out indemnity: the buyer itself (company, individual, another OF, an employer), never a
# funder, which pays only for the hours delivered (Code du travail L6354-1).
DROPOUT_CLAUSE_PAYERS = {
    PayerKind.COMPANY,
    PayerKind.INDIVIDUAL,
    PayerKind.OTHER_OF,
    PayerKind.PUBLIC_EMPLOYER,
    PayerKind.OTHER,
}


def _basis_errors(line: FundingLine) -> dict[str, list[str]]:
    """The billing basis of a funding line: flat, hours realised (optional hourly rate), or hours realised plus the
    convention's drop-out clause (a percentage of the hours not realised by a trainee who abandoned)."""
    errors: dict[str, list[str]] = {"basis": [], "hourly_rate_cents": [], "dropout_fee_percent": []}
    line.basis = line.basis or FundingBasis.FLAT
    if line.basis not in FundingBasis.values:
        errors["basis"].append(_("Base de facturation inconnue : « %(v)s ».") % {"v": line.basis})
        return errors
    if line.hourly_rate_cents is not None:
        if line.basis == FundingBasis.FLAT:
            errors["hourly_rate_cents"].append(
                _("Un taux horaire ne s'indique que pour une facturation aux heures réalisées.")
            )
        elif line.hourly_rate_cents <= 0:
            errors["hourly_rate_cents"].append(_("Le taux horaire doit être supérieur à 0."))
    if line.basis == FundingBasis.DROPOUT_CLAUSE:
        if line.payer_kind not in DROPOUT_CLAUSE_PAYERS:
            errors["basis"].append(
                _(
                    "%(payer)s ne paie que les heures réalisées : un dédit pour abandon ne se facture qu'au client, "
                    "jamais à un financeur (Code du travail, art. L6354-1)."
                )
                % {"payer": line.get_payer_kind_display()}
            )
        if line.dropout_fee_percent is None or not 1 <= line.dropout_fee_percent <= 100:
            errors["dropout_fee_percent"].append(
                _("Indiquez le dédit prévu par la convention : un pourcentage de 1 à 100 des heures non réalisées.")
            )
    elif line.dropout_fee_percent is not None:
        errors["dropout_fee_percent"].append(
            _("Un dédit ne s'indique qu'avec la base « heures réalisées, plus le dédit de la convention ».")
        )
    return errors


def _line_data(line: FundingLine) -> dict[str, Any]:
    return {
        "payer_kind": line.payer_kind,
        "amount_cents": line.amount_cents,
        "scheme": line.scheme,
        "basis": line.basis,
        "hourly_rate_cents": line.hourly_rate_cents,
        "dropout_fee_percent": line.dropout_fee_percent,
    }


def _replace_funding_lines(actor: Actor, enrolment: Enrolment, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    existing = {line.pk: line for line in FundingLine.objects.filter(enrolment=enrolment)}
    keep: list[FundingLine] = []
    for index, data in enumerate(lines):
        line_id = data.get("id")
        if line_id and line_id not in existing:
            raise ValidationError({"funding_lines": _("Ligne de financement n° %(n)s introuvable.") % {"n": line_id}})
        line = existing.get(line_id) if line_id else FundingLine(organisation=actor.organisation, enrolment=enrolment)
        assert line is not None
        for key in FUNDING_LINE_FIELDS:
            if key in data or not line.pk:
                value = data.get(key)
                setattr(line, key, value if value is not None or key in NULLABLE_FUNDING_FIELDS else "")
        try:
            _clean_funding_line(line)
        except ValidationError as exc:
            raise ValidationError({f"funding_lines[{index}].{k}": v for k, v in exc.message_dict.items()}) from exc
        keep.append(line)
    total = sum(line.amount_cents for line in keep)
    if total > enrolment.price_cents:
        raise ValidationError({"funding_lines": _total_too_high(total, enrolment.price_cents)})
    kept_ids = {line.pk for line in keep if line.pk}
    for line in FundingLine.objects.filter(enrolment=enrolment).exclude(pk__in=kept_ids):
        _delete_funding_line(line, field="funding_lines")
    for line in keep:
        line.full_clean()
        line.save()
    return [_line_data(line) for line in keep]


@transaction.atomic
def funding_line_create(
    *,
    actor: Actor,
    enrolment_id: int,
    payer_kind: str,
    amount_cents: int | None,
    payer_name: str = "",
    scheme: str = "",
    reference: str = "",
    basis: str = FundingBasis.FLAT,
    hourly_rate_cents: int | None = None,
    dropout_fee_percent: int | None = None,
) -> FundingLine:
    """Who pays part of the price (cadre C of the BPF) and on which basis (flat, hours realised, drop-out clause);
    the lines' total may not exceed the price."""
    found = selectors.enrolment_get(actor=actor, enrolment_id=enrolment_id)
    _session_for_update(actor, found.session_id)
    enrolment = Enrolment.objects.select_for_update().get(pk=found.pk)
    line = FundingLine(
        organisation=actor.organisation,
        enrolment=enrolment,
        payer_kind=payer_kind,
        payer_name=payer_name or "",
        scheme=scheme or "",
        amount_cents=amount_cents or 0,  # a missing amount is refused below like a zero one
        reference=reference or "",
        basis=basis or FundingBasis.FLAT,
        hourly_rate_cents=hourly_rate_cents,
        dropout_fee_percent=dropout_fee_percent,
    )
    _clean_funding_line(line)
    total = _funding_total(enrolment) + line.amount_cents
    if total > enrolment.price_cents:
        raise ValidationError({"amount_cents": _total_too_high(total, enrolment.price_cents)})
    line.full_clean()
    line.save()
    log_action(actor=actor, obj=line, action="sessions.funding_line.created", data=_line_data(line))
    return line


@transaction.atomic
def funding_line_update(*, actor: Actor, funding_line_id: int, **fields: Any) -> FundingLine:
    found = selectors.funding_line_get(actor=actor, funding_line_id=funding_line_id)
    _session_for_update(actor, found.enrolment.session_id)
    line = FundingLine.objects.select_for_update().select_related("enrolment").get(pk=found.pk)
    before = snapshot(line)
    for key, value in fields.items():
        if key not in FUNDING_LINE_FIELDS:
            raise ValueError(f"funding_line_update: unknown field {key}")
        setattr(line, key, value if value is not None or key in NULLABLE_FUNDING_FIELDS else "")
    _clean_funding_line(line)
    total = _funding_total(line.enrolment, exclude_id=line.pk) + line.amount_cents
    if total > line.enrolment.price_cents:
        raise ValidationError({"amount_cents": _total_too_high(total, line.enrolment.price_cents)})
    line.full_clean()
    line.save()
    changes = diff(before, snapshot(line))
    if changes:
        log_action(actor=actor, obj=line, action="sessions.funding_line.updated", data={"changes": changes})
    return line


@transaction.atomic
def funding_line_delete(*, actor: Actor, funding_line_id: int) -> None:
    line = selectors.funding_line_get(actor=actor, funding_line_id=funding_line_id)
    enrolment = line.enrolment
    _session_for_update(actor, enrolment.session_id)
    data = {"funding_line": str(line), **_line_data(line)}
    _delete_funding_line(line)
    log_action(actor=actor, obj=enrolment, action="sessions.funding_line.deleted", data=data)


def _delete_funding_line(line: FundingLine, *, field: str = NON_FIELD_ERRORS) -> None:
    try:
        line.delete()
    except ProtectedError:  # an invoice's line bills it (billing.InvoiceLine)
        raise ValidationError(
            {
                field: _(
                    "La ligne de financement « %(line)s » est facturée : elle ne peut plus être supprimée "
                    "(annulez d'abord la facture par un avoir, ou supprimez le brouillon)."
                )
                % {"line": line}
            }
        ) from None
