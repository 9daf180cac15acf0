# SPDX-License-Identifier: AGPL-3.0-or-later
"""API routes for the requests sent from the public catalogue (« Demandes »): list and detail, read only, scoped
like the back office (admin and quality: all; a member manager: their structure's trainings; a trainer: 403)."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from coopforma.api.auth import get_actor, permission
from coopforma.api.params import coded, paged
from coopforma.enquiries import selectors
from coopforma.enquiries.models import Enquiry, EnquiryKind, EnquiryStatus, FundingHint, RequesterKind

router = Router(tags=["enquiries"])


class EnquiryOut(Schema):
    id: int
    kind: str = coded(EnquiryKind)
    status: str = coded(EnquiryStatus)
    training_id: int
    training_title: str
    session_id: int | None
    requester_kind: str = coded(RequesterKind)
    first_name: str
    last_name: str
    email: str
    phone: str
    company_name: str
    company_siret: str
    people_count: int
    wished_period: str
    wished_place: str
    funding_hint: str = coded(FundingHint)
    message: str
    consent_at: datetime = Field(description="When the requester consented to the privacy notice")
    notice_version: str = Field(description="The version of the privacy notice the form linked to")
    converted_client_id: int | None
    converted_enrolment_id: int | None
    converted_quote_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_training_title(obj: Enquiry) -> str:
        return obj.training.title


class EnquiryFilters(Schema):
    status: str = Field("", description="new, in_progress, converted, closed")
    kind: str = Field("", description="enrolment, quote, waiting_list")
    q: str = Field("", description="Name, e-mail, company or training title")


@router.get("/enquiries", response=list[EnquiryOut], summary="List the requests from the public catalogue")
@permission("enquiries.view")
@paged
def enquiry_list(request: HttpRequest, filters: Query[EnquiryFilters]) -> QuerySet[Enquiry]:
    return selectors.enquiry_list(actor=get_actor(request), filters=filters.model_dump())


@router.get("/enquiries/{enquiry_id}", response=EnquiryOut, summary="One request")
@permission("enquiries.view")
def enquiry_get(request: HttpRequest, enquiry_id: int) -> Enquiry:
    return selectors.enquiry_get(actor=get_actor(request), enquiry_id=enquiry_id)
