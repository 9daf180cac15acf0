# SPDX-License-Identifier: AGPL-3.0-or-later
"""The BPF (Cerfa 10443) as JSON: keys are the Cerfa's frame and line codes (shape: docs/bpf.md)."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import BeforeValidator, create_model

from coopforma.accounts.actor import Actor
from coopforma.api.auth import get_actor, permission
from coopforma.api.params import FilterYear
from coopforma.reporting import selectors, services
from coopforma.reporting.bpf import C_LINES, F1_LINES, F3_LINES
from coopforma.reporting.outputs import bpf_json

router = Router(tags=["reporting"])

# --- The BPF as JSON (docs/bpf.md): keys are the Cerfa's frame and line codes ("C.2a", "F1.total"…) ----------

Text = Annotated[str, BeforeValidator(str)]  # a label or message, possibly a lazy translation
Euros = Field(description='euros with cents, as a string ("1234.50")')


class FigureOut(Schema):
    trainees: int
    hours: str = Field(description='minutes / 60, two decimals, as a string ("10.50")')
    minutes: int


class SpecialityOut(Schema):
    """F-4: one of the five main specialities (NSF code, 3 characters)."""

    nsf: str
    label: Text
    trainees: int
    hours: str
    minutes: int


class MemberRefOut(Schema):
    id: int
    name: str


class FrameAOut(Schema):
    nda: str
    legal_form: str
    siret: str
    naf: str
    name: str
    address: str
    address_public: bool | None = Field(description="null: frame D not entered")
    phone: str
    email: str


class FrameBOut(Schema):
    fiscal_year_start: dt.date
    fiscal_year_end: dt.date
    remote_actions: bool


class FrameHOut(Schema):
    name: str
    title: str


class AnomalyOut(Schema):
    code: str
    severity: str = Field(description="error (blocks filing) or warning")
    frame: str
    message: Text
    url: str
    object_id: int | None


class CheckOut(Schema):
    code: str
    label: Text
    ok: bool
    detail: Text


def _line(code: str, annotation: Any, field: Any) -> tuple[str, tuple[Any, Any]]:
    """A field named like a Python identifier, answered under the Cerfa's code (the alias)."""
    name = code.replace(".", "_").replace("-", "_")
    info = Field(alias=code, description=field.description) if field is not None else Field(alias=code)
    return name, (annotation, info)


def _bpf_fields() -> dict[str, tuple[Any, Any]]:
    money = Field(description='euros with cents, as a string ("1234.50"); null: not entered')
    fields: dict[str, tuple[Any, Any]] = {
        "schema_": (str, Field(alias="schema", description="coopforma.bpf/1")),
        "cerfa": (str, Field(description="10443*17")),
        "is_cerfa": (bool, Field(description="false for a member structure's report")),
        "year": (int, Field(description="the fiscal year, named by the calendar year in which it ends")),
        "member_structure": (MemberRefOut | None, Field(description="null for the organisation's BPF")),
        "A": (FrameAOut, ...),
        "B": (FrameBOut, ...),
    }
    for code in [c for c, _label in C_LINES] + ["C.unclassified"]:
        fields.update([_line(code, str | None, Euros)])
    fields.update([_line("C.training_share_percent", str | None, None)])
    for code in ("D.total", "D.trainer_salaries", "D.purchases"):
        fields.update([_line(code, str | None, money)])
    fields.update([_line("D.member_subcontracting", str | None, Euros)])
    for kind in ("internal", "external"):
        fields.update([_line(f"E.{kind}.persons", int, None), _line(f"E.{kind}.hours", str, None)])
    for code in [c for c, _label in F1_LINES] + ["F1.remote", "F2"] + [c for c, _label in F3_LINES]:
        fields.update([_line(code, FigureOut, None)])
    fields["F4"] = (list[SpecialityOut], ...)
    fields.update([_line("F4.others", FigureOut, None), _line("F4.total", FigureOut, None)])
    fields["G"] = (FigureOut, ...)
    fields["H"] = (FrameHOut, ...)
    fields["anomalies"] = (list[AnomalyOut], ...)
    fields["checks"] = (list[CheckOut], ...)
    fields["can_file"] = (bool, ...)
    return fields


BpfOut = create_model(  # type: ignore[call-overload]
    "BpfOut",
    __base__=Schema,
    __doc__="The BPF (Cerfa 10443) of a fiscal year: frames A to H by the Cerfa's codes, the anomalies and checks.",
    **_bpf_fields(),
)


@router.get("/bpf/{year}", response=BpfOut, by_alias=True)
@permission("bpf.view")
def bpf_get(request: HttpRequest, year: int) -> dict[str, Any]:
    """The organisation's BPF of the fiscal year `year` (named by the calendar year in which it ends)."""
    actor = get_actor(request)
    return bpf_json(selectors.bpf_get(actor=actor, year=year))


@router.get("/bpf/{year}/members/{member_id}", response=BpfOut, by_alias=True)
@permission("bpf.member_report")
def bpf_member_get(request: HttpRequest, year: int, member_id: int) -> dict[str, Any]:
    """The same report restricted to one member structure (`is_cerfa`: false); member managers: their own."""
    actor = get_actor(request)
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
@permission("bpf.edit")
def bpf_charges_get(request: HttpRequest, year: FilterYear) -> ChargesOut:
    """Frame D of the fiscal year `year` (total empty: not entered yet, the BPF cannot be filed); admin only."""
    return _charges(get_actor(request), year)


@router.put("/bpf/{year}/charges", response=ChargesOut)
@permission("bpf.edit")
def bpf_charges_update(request: HttpRequest, year: FilterYear, payload: ChargesIn) -> ChargesOut:
    """Enter or replace frame D (the two « dont » lines may not exceed the total)."""
    actor = get_actor(request)
    services.bpf_charges_save(actor=actor, year=year, **payload.dict())
    return _charges(actor, year)
