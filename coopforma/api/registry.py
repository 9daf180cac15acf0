# SPDX-License-Identifier: AGPL-3.0-or-later
"""Lookups in the national register of training organisations (docs/registry.md): the DGEFP « liste publique
des organismes de formation », public data (Code du travail L6351-7-1, Licence Ouverte / Etalab 2.0) that
belongs to no organisation. Any token reads it (`member`), as any token reads the BOAMP notices: the register has
no page of its own, the pages that look it up are parts of a form (a client's, the subcontractors' register) and
ask the form's own flag for what they save, not for the lookup.

Each lookup takes its number as a query parameter, with or without spaces: a SIRET that fails the Luhn key, a
SIREN that does, or an NDA that is not 11 digits is refused with a 422 naming the parameter; a valid number that
the register does not hold is a 404."""

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from coopforma.api.auth import MEMBER, permission
from coopforma.api.params import paged
from coopforma.core.identifiers import validate_nda, validate_siren, validate_siret
from coopforma.registry import selectors
from coopforma.registry.models import RegisteredOrganisation

router = Router(tags=["registry"])

# The name search's results: at most this many (the first found, in name order), paged like every list. The search
# reads about three word rows per result: on 150,000 generated organisations (benchmarks/registry.py), p95 8 ms
# for 20 results, 22 ms for 200, 42 ms for 1,000.
SEARCH_MAX = 200


class RegistrySpecialityOut(Schema):
    code: str = Field(description="NSF code of the speciality, as declared")
    label: str


class RegisteredOrganisationOut(Schema):
    nda: str = Field(description="numéro de déclaration d'activité (11 digits), the register's key")
    previous_ndas: list[str] = Field(description="the organisation's former NDAs, when the list gives them")
    name: str
    siren: str
    siret: str = Field(description="SIRET of the declaring establishment")
    street: str
    postal_code: str
    city: str
    region_code: str
    qualiopi_training: bool = Field(description="Qualiopi certified for training actions (L6313-1 1°)")
    qualiopi_skills_assessment: bool = Field(description="Qualiopi certified for skills assessments (L6313-1 2°)")
    qualiopi_vae: bool = Field(description="Qualiopi certified for VAE (L6313-1 3°)")
    qualiopi_apprenticeship: bool = Field(description="Qualiopi certified for apprenticeship (L6313-1 4°)")
    foreign_name: str = Field(description="the foreign organisation it represents, if any")
    foreign_country: str
    last_declared_on: dt.date | None
    fiscal_year_start: dt.date | None
    fiscal_year_end: dt.date | None
    specialities: list[RegistrySpecialityOut]
    trainees: int | None
    trainees_from_other_of: int | None
    trainers: int | None
    present: bool = Field(description="in the latest list imported (false: it left the list)")
    absent_since: dt.date | None

    @staticmethod
    def resolve_previous_ndas(obj: RegisteredOrganisation) -> list[str]:
        return re.findall(r"\d{11}", obj.previous_ndas)

    @staticmethod
    def resolve_specialities(obj: RegisteredOrganisation) -> list[dict[str, str]]:
        return [{"code": code, "label": label} for code, label in obj.specialities]


def _checked(parameter: str, value: str, validate: Any) -> str:
    """`value` once `validate` (core.identifiers) accepts it; else a 422 naming the query parameter."""
    try:
        validate(value)
    except ValidationError as exc:
        raise NinjaValidationError(
            [{"loc": ["query", parameter], "msg": " ".join(exc.messages), "type": exc.error_list[0].code or ""}]
        ) from None
    return value


class RegistrySiretQuery(Schema):
    siret: str = Field(
        ..., max_length=30, description="14 digits (Luhn key), spaces allowed", examples=["99900001100018"]
    )


class RegistrySirenQuery(Schema):
    siren: str = Field(..., max_length=30, description="9 digits (Luhn key), spaces allowed", examples=["999000011"])


class RegistryNdaQuery(Schema):
    nda: str = Field(..., max_length=30, description="11 digits, spaces allowed", examples=["11759000175"])


class RegistrySearchFilters(Schema):
    q: str = Field(
        ...,
        min_length=1,
        max_length=200,
        description="words of the name: each must begin a word of the name (accents and case ignored)",
    )


@router.get(
    "/registry/organisations",
    response=list[RegisteredOrganisationOut],
    summary="Training organisations of the register, by name",
)
@permission(MEMBER)
@paged
def registry_organisation_list(request: HttpRequest, filters: Query[RegistrySearchFilters]) -> list[Any]:
    """« form coop » finds « SCOP FORMATIONS COOPÉRATIVES »; the first 200 organisations found (`count` at most
    200: add words to narrow), organisations still in the list first, in name order."""
    return selectors.search(filters.q, limit=SEARCH_MAX)


@router.get(
    "/registry/organisations/by-siret",
    response=RegisteredOrganisationOut,
    summary="The training organisation whose declaring establishment has this SIRET",
)
@permission(MEMBER)
def registry_organisation_by_siret_get(
    request: HttpRequest, filters: Query[RegistrySiretQuery]
) -> RegisteredOrganisation:
    found = selectors.find_by_siret(_checked("siret", filters.siret, validate_siret))
    if found is None:
        raise Http404
    return found


@router.get(
    "/registry/organisations/by-nda",
    response=RegisteredOrganisationOut,
    summary="The training organisation of this numéro de déclaration d'activité",
)
@permission(MEMBER)
def registry_organisation_by_nda_get(request: HttpRequest, filters: Query[RegistryNdaQuery]) -> RegisteredOrganisation:
    found = selectors.find_by_nda(_checked("nda", filters.nda, validate_nda))
    if found is None:
        raise Http404
    return found


@router.get(
    "/registry/organisations/by-siren",
    response=list[RegisteredOrganisationOut],
    summary="The training organisations of a company (one per declaring establishment)",
)
@permission(MEMBER)
@paged
def registry_organisation_by_siren_list(
    request: HttpRequest, filters: Query[RegistrySirenQuery]
) -> list[RegisteredOrganisation]:
    found = selectors.find_by_siren(_checked("siren", filters.siren, validate_siren))
    if not found:
        raise Http404
    return found
