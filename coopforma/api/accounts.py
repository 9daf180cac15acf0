# SPDX-License-Identifier: AGPL-3.0-or-later
"""Who am I: the token's person, organisation, role and permission flags; the organisation's identity and fiscal
settings (GET, PATCH)."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from coopforma.accounts import services
from coopforma.accounts.models import Organisation, QualiopiCategory, SignatoryChoice, TradeRegistry, VatRegime
from coopforma.api.auth import MEMBER, get_actor, permission
from coopforma.api.params import coded

router = Router(tags=["accounts"])


class OrganisationOut(Schema):
    id: int
    slug: str
    name: str
    siret: str
    nda: str


class MeOut(Schema):
    email: str
    full_name: str
    role: str
    flags: list[str]
    organisation: OrganisationOut


@router.get("/me", response=MeOut, summary="The person and organisation of this token")
@permission(MEMBER)
def me_get(request: HttpRequest) -> dict:
    actor = get_actor(request)
    return {
        "email": actor.user.email,
        "full_name": actor.user.get_full_name(),
        "role": actor.role,
        "flags": sorted(actor.flags),
        "organisation": actor.organisation,
    }


# --- The organisation's identity and fiscal settings (what the « Organisme » page edits) ---------------------

_NULLABLE = frozenset({"delegation_date", "share_capital_cents", "qualiopi_valid_from", "qualiopi_valid_until"})


class OrganisationSettings(Schema):
    name: str
    legal_form: str
    siret: str
    naf_code: str
    nda: str = Field(description="numéro de déclaration d'activité (11 digits)")
    nda_region: str
    street: str
    postal_code: str
    city: str
    phone: str
    email: str
    website: str
    head_name: str = Field(description="the legal representative")
    head_title: str
    head_email: str
    signatory: str = coded(SignatoryChoice, what="who signs for the OF")
    delegate_name: str
    delegate_title: str
    delegate_email: str
    delegation_date: dt.date | None = Field(description="date of the written delegation, printed on what it signs")
    fiscal_year_start_month: int = Field(description="1–12: the month the fiscal year starts (BPF cadre B)")
    vat_regime: str = coded(VatRegime)
    vat_number: str
    trade_registry: str = coded(TradeRegistry, default="", what="RCS or RM, with its city (R123-237)")
    trade_registry_city: str
    share_capital_cents: int | None = Field(description="share capital in cents (R123-238); null: not printed")
    variable_capital: bool
    brand_color: str = Field(description="main colour of the PDF letterhead and the public pages, `#rrggbb`")
    iban: str
    bic: str
    account_customers: str
    account_sales: str
    account_vat: str
    account_bank: str
    journal_sales: str
    journal_bank: str
    qualiopi_categories: list[str] = Field(
        description="certified categories, each one of: "
        + "; ".join(f"`{value}`: {label}" for value, label in QualiopiCategory.choices)
    )
    qualiopi_certifier: str
    qualiopi_certificate_number: str
    qualiopi_valid_from: dt.date | None
    qualiopi_valid_until: dt.date | None
    disability_referent_name: str
    disability_referent_email: str
    disability_referent_phone: str
    consumer_mediator_name: str
    consumer_mediator_website: str


class OrganisationSettingsOut(OrganisationSettings):
    id: int
    slug: str
    has_logo: bool = Field(description="a logo was uploaded (on the « Organisme » page)")


class OrganisationSettingsPatch(Schema):
    """Only the fields sent change; the same checks as the « Organisme » page (all or nothing)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    legal_form: str | None = None
    siret: str | None = None
    naf_code: str | None = None
    nda: str | None = None
    nda_region: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    head_name: str | None = None
    head_title: str | None = None
    head_email: str | None = None
    signatory: str | None = None
    delegate_name: str | None = None
    delegate_title: str | None = None
    delegate_email: str | None = None
    delegation_date: dt.date | None = None
    fiscal_year_start_month: int | None = None
    vat_regime: str | None = None
    vat_number: str | None = None
    trade_registry: str | None = None
    trade_registry_city: str | None = None
    share_capital_cents: int | None = None
    variable_capital: bool | None = None
    brand_color: str | None = None
    iban: str | None = None
    bic: str | None = None
    account_customers: str | None = None
    account_sales: str | None = None
    account_vat: str | None = None
    account_bank: str | None = None
    journal_sales: str | None = None
    journal_bank: str | None = None
    qualiopi_categories: list[str] | None = None
    qualiopi_certifier: str | None = None
    qualiopi_certificate_number: str | None = None
    qualiopi_valid_from: dt.date | None = None
    qualiopi_valid_until: dt.date | None = None
    disability_referent_name: str | None = None
    disability_referent_email: str | None = None
    disability_referent_phone: str | None = None
    consumer_mediator_name: str | None = None
    consumer_mediator_website: str | None = None


def _settings_out(org: Organisation) -> dict[str, Any]:
    data = {name: getattr(org, name) for name in OrganisationSettingsOut.model_fields if name != "has_logo"}
    data["has_logo"] = bool(org.logo)
    return data


def _unknown(value: object) -> str:
    return _("Valeur inconnue : %(value)s.") % {"value": value}


@router.get(
    "/organisation",
    response=OrganisationSettingsOut,
    summary="The organisation's identity, signatories, fiscal and accounting settings",
)
@permission("org.view_all")
def organisation_get(request: HttpRequest) -> dict[str, Any]:
    actor = get_actor(request)
    return _settings_out(actor.organisation)


@router.patch("/organisation", response=OrganisationSettingsOut, summary="Change the organisation's settings")
@permission("org.manage")
def organisation_update(request: HttpRequest, payload: OrganisationSettingsPatch) -> dict[str, Any]:
    actor = get_actor(request)
    fields = payload.model_dump(exclude_unset=True)
    nulls = [name for name, value in fields.items() if value is None and name not in _NULLABLE]
    if nulls:
        raise ValidationError(
            {nulls[0]: _("Valeur nulle refusée : omettez le champ pour ne pas le changer, ou envoyez une chaîne vide.")}
        )
    unknown = [c for c in fields.get("qualiopi_categories") or [] if c not in QualiopiCategory.values]
    if unknown:
        raise ValidationError(
            {"qualiopi_categories": _("Catégorie inconnue : %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    for name, choices in {
        "signatory": SignatoryChoice,
        "vat_regime": VatRegime,
        "trade_registry": TradeRegistry,
    }.items():
        if fields.get(name) and fields[name] not in choices.values:
            raise ValidationError({name: _unknown(fields[name])})
    for name in ("signatory", "vat_regime"):
        if name in fields and not fields[name]:
            raise ValidationError({name: _unknown(fields[name])})
    month = fields.get("fiscal_year_start_month")
    if month is not None and not 1 <= month <= 12:
        raise ValidationError({"fiscal_year_start_month": _("Un mois entre 1 et 12.")})
    capital = fields.get("share_capital_cents")
    if capital is not None and not 0 <= capital <= 10**15:
        raise ValidationError({"share_capital_cents": _("Un capital en centimes, positif.")})
    org = services.organisation_update(actor=actor, **fields)
    return _settings_out(org)
