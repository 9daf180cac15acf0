# SPDX-License-Identifier: AGPL-3.0-or-later
"""The audit calendar of a Qualiopi certificate: windows computed by hand, time frozen (docs/certifiers.md)."""

import datetime as dt

import pytest
import time_machine

from coopforma.networks.models import NetworkOrganisation, NetworkRole
from coopforma.networks.tests.factories import NetworkFactory, person
from coopforma.registry.audit_calendar import EXPIRED, RENEWAL, SURVEILLANCE, audit_calendar
from coopforma.registry.models import CertifierChoice
from coopforma.registry.tests.factories import CertifierFactory, ReviewFactory

pytestmark = pytest.mark.django_db

START = dt.date(2025, 3, 15)


def test_windows_of_a_certificate_obtained_on_15_march_2025():
    cal = audit_calendar(START, None)
    assert cal is not None
    # Valid 3 years: to 14 March 2028 (the day before the anniversary).
    assert cal.certificate_end == dt.date(2028, 3, 14)
    # Surveillance: 14 months after (15 May 2026) to the day before 22 months after (14 January 2027).
    assert (cal.surveillance.start, cal.surveillance.end) == (dt.date(2026, 5, 15), dt.date(2027, 1, 14))
    # Renewal: contracted from 8 months before the expiry (14 July 2027), audit by 14 March 2028.
    assert (cal.renewal.start, cal.renewal.end) == (dt.date(2027, 7, 14), dt.date(2028, 3, 14))


def test_the_end_date_alone_gives_the_start_and_an_end_of_month_start_keeps_to_month_ends():
    assert audit_calendar(None, dt.date(2028, 3, 14)) == audit_calendar(START, None)
    cal = audit_calendar(dt.date(2024, 1, 31), None)
    assert cal is not None
    assert cal.surveillance.start == dt.date(2025, 3, 31)
    assert cal.surveillance.end == dt.date(2025, 11, 29)  # 30 November 2025 (22 months) minus one day
    assert audit_calendar(None, None) is None


@pytest.mark.parametrize(
    ("today", "done", "kind"),
    [
        (dt.date(2025, 9, 1), False, SURVEILLANCE),  # before the window: the window to plan
        (dt.date(2026, 6, 1), False, SURVEILLANCE),
        (dt.date(2026, 6, 1), True, RENEWAL),  # surveillance held: next is the renewal
        (dt.date(2027, 2, 1), False, RENEWAL),  # the surveillance window has closed
        (dt.date(2028, 3, 15), False, EXPIRED),
    ],
)
def test_the_next_window(today, done, kind):
    cal = audit_calendar(START, None)
    assert cal is not None
    assert cal.next_window(today, surveillance_done=done).kind == kind


def _member(network, org, certifier, *, visible=True, start=START):
    org.qualiopi_certificate_number = "Q-1"
    org.qualiopi_valid_from = start
    org.save()
    NetworkOrganisation.objects.create(network=network, organisation=org)
    CertifierChoice.objects.create(organisation=org, certifier=certifier, visible_to_network=visible)


@time_machine.travel(dt.datetime(2026, 4, 1, 10, tzinfo=dt.UTC), tick=False)
def test_the_network_calendar_lists_the_consenting_members_by_month_and_by_certifier(web, org, other_org):
    network = NetworkFactory()
    viewer = person(network, NetworkRole.MEMBER).user
    afnor, socotec = CertifierFactory(name="Afnor Certification"), CertifierFactory(name="Socotec Certification")
    _member(network, org, afnor)
    _member(network, other_org, socotec, visible=False)
    client = web(viewer)
    response = client.get(f"/reseaux/{network.slug}/certificateurs/calendrier/")
    assert response.status_code == 200
    text = response.content.decode()
    assert org.name in text and "Afnor Certification" in text
    assert "15/05/2026" in text and "14/01/2027" in text  # the surveillance window
    assert "mai 2026" in text
    assert other_org.name not in text and "Socotec" not in text  # not consented
    assert "1 organisme membre ne partage pas son certificateur" in text
    by_certifier = client.get(f"/reseaux/{network.slug}/certificateurs/calendrier/?par=certificateur").content.decode()
    assert '<h2 id="group-1">Afnor Certification</h2>' in by_certifier


@time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False)
def test_a_surveillance_audit_held_moves_the_member_to_its_renewal_window(web, org):
    network = NetworkFactory()
    viewer = person(network, NetworkRole.MODERATOR).user
    certifier = CertifierFactory()
    _member(network, org, certifier)
    ReviewFactory(organisation=org, certifier=certifier, audit_kind="surveillance", audit_date=dt.date(2026, 5, 20))
    text = web(viewer).get(f"/reseaux/{network.slug}/certificateurs/calendrier/").content.decode()
    assert "Audit de renouvellement" in text and "14/07/2027" in text
