# SPDX-License-Identifier: AGPL-3.0-or-later
"""The BPF (Cerfa 10443) as JSON: keys are the Cerfa's frame and line codes (shape: docs/bpf.md)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from coopforma.api.auth import require
from coopforma.reporting import selectors
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
