# SPDX-License-Identifier: AGPL-3.0-or-later
"""Who am I: the token's person, organisation, role and permission flags."""

from django.http import HttpRequest
from ninja import Router, Schema

from coopforma.api.auth import get_actor

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
def me(request: HttpRequest) -> dict:
    actor = get_actor(request)
    return {
        "email": actor.user.email,
        "full_name": actor.user.get_full_name(),
        "role": actor.role,
        "flags": sorted(actor.flags),
        "organisation": actor.organisation,
    }
