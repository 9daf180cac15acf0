# SPDX-License-Identifier: AGPL-3.0-or-later
"""The BPF (Cerfa 10443) as JSON: keys are the Cerfa's frame and line codes (shape: docs/bpf.md)."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from coopforma.accounts.actor import Actor
from coopforma.api.auth import require
from coopforma.api.params import FilterYear
from coopforma.reporting import selectors, services
from coopforma.reporting.outputs import bpf_json

router = Router(tags=["reporting"])


@router.get("/bpf/{year}", response=dict[str, Any])
def bpf_get(request: HttpRequest, year: int) -> dict[str, Any]:
    """The organisation's BPF of the fiscal year `year` (named by the calendar year in which it ends)."""
    actor = require(request, "bpf.view")
    return bpf_json(selectors.bpf_get(actor=actor, year=year))


@router.get("/bpf/{year}/members/{member_id}", response=dict[str, Any])
def bpf_member_get(request: HttpRequest, year: int, member_id: int) -> dict[str, Any]:
    """The same report restricted to one member structure (`is_cerfa`: false); member managers: their own."""
    actor = require(request, "bpf.member_report")
    return bpf_json(selectors.member_report_get(actor=actor, year=year, member_id=member_id))


class ChargesOut(Schema):
    """Frame D of the BPF (« bilan financier hors taxes : les charges de l'organisme »), entered from the accounts."""

    fiscal_year: int
    total_charges_cents: int | None = Field(description="D total: charges of the training activity (HT)")
    trainer_salaries_cents: int = Field(description="D « dont salaires des formateurs »")
    purchases_cents: int = Field(description="D « dont achats de prestations de formation » (subcontracting)")
    turnover_cents: int | None = Field(description="the global turnover, for the share of training (frame C)")
    address_public: bool = Field(description="frame A: the address may be published")


class ChargesIn(Schema):
    total_charges_cents: int | None = Field(None, ge=0, le=10**15)
    trainer_salaries_cents: int = Field(0, ge=0, le=10**15)
    purchases_cents: int = Field(0, ge=0, le=10**15)
    turnover_cents: int | None = Field(None, ge=0, le=10**15)
    address_public: bool = False


def _charges(actor: Actor, year: int) -> ChargesOut:
    charges = selectors.bpf_charges_get(actor=actor, year=year)
    if charges is None:
        return ChargesOut(
            fiscal_year=year,
            total_charges_cents=None,
            trainer_salaries_cents=0,
            purchases_cents=0,
            turnover_cents=None,
            address_public=False,
        )
    return ChargesOut(
        fiscal_year=year,
        total_charges_cents=charges.total_charges_cents,
        trainer_salaries_cents=charges.trainer_salaries_cents,
        purchases_cents=charges.purchases_cents,
        turnover_cents=charges.turnover_cents,
        address_public=charges.address_public,
    )


@router.get("/bpf/{year}/charges", response=ChargesOut)
def bpf_charges_get(request: HttpRequest, year: FilterYear) -> ChargesOut:
    """Frame D of the fiscal year `year` (total empty: not entered yet, the BPF cannot be filed); admin only."""
    return _charges(require(request, "bpf.edit"), year)


@router.put("/bpf/{year}/charges", response=ChargesOut)
def bpf_charges_put(request: HttpRequest, year: FilterYear, payload: ChargesIn) -> ChargesOut:
    """Enter or replace frame D (the two « dont » lines may not exceed the total)."""
    actor = require(request, "bpf.edit")
    services.bpf_charges_save(actor=actor, year=year, **payload.dict())
    return _charges(actor, year)
