# SPDX-License-Identifier: AGPL-3.0-or-later
"""Factories of this app's records, and billing pieces for the BPF's tests (issued invoices, credit notes and
member shares written directly: the BPF only reads them)."""

import datetime as dt
import itertools
from typing import Any

from coopforma.billing.models import Invoice, MemberShare
from coopforma.reporting.models import BpfCharges

_numbers = itertools.count(1)


def issued_invoice(
    *,
    org: Any,
    client: Any,
    total_ht_cents: int,
    payer_kind: str = "company",
    scheme: str = "",
    kind: str = "invoice",
    issued_on: dt.date = dt.date(2025, 6, 1),
    status: str = "issued",
    session: Any = None,
    shares: dict[Any, int] | None = None,
) -> Invoice:
    """An issued piece (or a draft with status="draft"), with its member shares {member: basis_cents}."""
    n = next(_numbers)
    draft = status == "draft"
    invoice = Invoice.objects.create(
        organisation=org,
        kind=kind,
        status=status,
        fiscal_year=None if draft else issued_on.year,
        sequence=None if draft else n,
        number="" if draft else f"{'AV' if kind == 'credit_note' else 'F'}-{issued_on.year}-{n:05d}",
        issued_on=None if draft else issued_on,
        client=client,
        session=session,
        payer_kind=payer_kind,
        scheme=scheme,
        recipient_name=client.name,
        total_ht_cents=total_ht_cents,
        total_ttc_cents=total_ht_cents,
    )
    for member, basis in (shares or {}).items():
        MemberShare.objects.create(
            organisation=org,
            invoice=invoice,
            member_structure=member,
            basis_cents=basis,
            contribution_rate="10.00",
            contribution_cents=basis // 10,
            due_cents=basis - basis // 10,
        )
    return invoice


def objects_with_id(i: int, **records: Any) -> None:
    """Create one record of each kind this app's API addresses by {id}, with primary key `i`, in
    records["org"] (used by tests/test_every_route.py; records holds org, member, trainer, client, training,
    session, enrolment and participant, all with id `i`). The BPF routes address a year and a member structure
    (records["member"]); frame D of a year is created for completeness."""
    BpfCharges.objects.create(organisation=records["org"], fiscal_year=2025, total_charges_cents=100, pk=i)
