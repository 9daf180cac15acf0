# SPDX-License-Identifier: AGPL-3.0-or-later
from typing import Any

import factory
from django.utils import timezone

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.enquiries.models import Enquiry


class EnquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enquiry

    training = factory.SubFactory(TrainingFactory)
    organisation = factory.SelfAttribute("training.organisation")
    kind = "quote"
    first_name = "Léa"
    last_name = factory.Sequence(lambda n: f"Martin {n}")
    email = factory.Sequence(lambda n: f"lea{n}@example.org")
    phone = "06 12 34 56 78"
    message = "Bonjour, je voudrais des informations."
    consent_at = factory.LazyFunction(timezone.now)
    notice_version = "2026-12"


def objects_with_id(i: int, **records: Any) -> None:
    """A request with primary key `i` about records["training"] and its session (tests/test_every_route.py)."""
    EnquiryFactory(
        pk=i,
        training=records["training"],
        session=records["session"],
        kind="enrolment",
        last_name=f"Demandeur {records['mark']}",
    )
