# SPDX-License-Identifier: AGPL-3.0-or-later
"""The back office's « Demandes »: who sees which requests (a matrix of roles, another organisation twice), the
status filter and counts, the detail page, status changes with a note and conversions from the pages."""

import pytest
from django.urls import reverse

from coopforma.enquiries.models import Enquiry
from coopforma.enquiries.tests.factories import EnquiryFactory
from coopforma.training_sessions.models import Enrolment
from coopforma.training_sessions.tests.factories import ParticipantFactory
from tests.permissions import ROLES, web_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours(training, session):  # type: ignore[no-untyped-def]
    return EnquiryFactory(training=training, session=session, kind="enrolment", last_name="Notre-Structure")


@pytest.fixture
def theirs(other_training):  # type: ignore[no-untyped-def]
    return EnquiryFactory(training=other_training, last_name="Autre-Structure")


def url(org, name, enquiry=None):  # type: ignore[no-untyped-def]
    kwargs = {"org": org.slug} | ({"pk": enquiry.pk} if enquiry else {})
    return reverse(f"enquiries_office:{name}", kwargs=kwargs)


# Per role: the list (status), the detail of our member structure's request, of the other structure's one.
EXPECTED = {
    "admin": (200, 200, 200),
    "quality": (200, 200, 200),
    "manager": (200, 200, 404),
    "trainer": (403, 403, 403),
    "stranger": (404, 404, 404),
    "foreign": (200, 404, 404),
    "anonymous": (302, 302, 302),
}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_which_requests(request, web, role, org, ours, theirs, trainer):
    client = web_client(request, web, role)
    got = (
        client.get(url(org, "list")).status_code,
        client.get(url(org, "detail", ours)).status_code,
        client.get(url(org, "detail", theirs)).status_code,
    )
    assert got == EXPECTED[role]
    if role in ("admin", "manager", "foreign"):
        page = client.get(url(org, "list")).content.decode()
        assert ("Notre-Structure" in page) is (role != "foreign")
        assert ("Autre-Structure" in page) is (role == "admin")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["status", "convert_client", "convert_enrolment", "convert_quote"])
def test_changes_are_refused_to_whoever_does_not_see_the_request(request, web, role, name, org, ours, theirs, trainer):
    client = web_client(request, web, role)
    data = {"status": "closed", "note": "x", "session": ours.session_id}
    target = theirs if role == "manager" else ours
    response = client.post(url(org, name, target), data)
    expected = {
        "admin": 302,
        "quality": 302 if name != "convert_quote" else 403,
        "manager": 404,
        "trainer": 403,
        "stranger": 404,
        "foreign": 404,
        "anonymous": 302,
    }[role]
    assert response.status_code == expected
    target.refresh_from_db()
    if role not in ("admin", "quality"):
        assert target.status == "new" and target.converted_client_id is None


def test_the_list_counts_and_filters_by_status(web, admin_user, org, ours, theirs, training):
    EnquiryFactory(training=training, status="closed", last_name="Close")
    client = web(admin_user)
    page = client.get(url(org, "list")).content.decode()
    assert "Nouvelles : <strong>2</strong>" in page and "Closes sans suite : <strong>1</strong>" in page
    filtered = client.get(url(org, "list") + "?status=closed").content.decode()
    assert "Close" in filtered and "Notre-Structure" not in filtered


def test_the_list_query_count_does_not_grow(web, admin_user, org, training, django_assert_max_num_queries):
    client = web(admin_user)
    EnquiryFactory.create_batch(3, training=training)
    with django_assert_max_num_queries(20) as few:
        client.get(url(org, "list"))
    EnquiryFactory.create_batch(20, training=training)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url(org, "list"))


def test_status_change_with_a_note_shows_on_the_detail(web, admin_user, org, ours):
    client = web(admin_user)
    response = client.post(url(org, "status", ours), {"status": "in_progress", "note": "Rappelée, attend l'OPCO"})
    assert response.status_code == 302
    page = client.get(url(org, "detail", ours)).content.decode()
    assert "En cours" in page and "Rappelée, attend l&#x27;OPCO" in page


def test_conversion_into_an_enrolment_from_the_page_and_the_full_session_confirmation(web, admin_user, org, ours):
    session = ours.session
    ParticipantFactory(enrolment__session=session)
    ParticipantFactory(enrolment__session=session)
    client = web(admin_user)
    refused = client.post(url(org, "convert_enrolment", ours), {"session": session.pk})
    assert refused.status_code == 200 and "est complète" in refused.content.decode()
    assert Enrolment.objects.count() == 2
    done = client.post(url(org, "convert_enrolment", ours), {"session": session.pk, "confirm_full": "on"})
    assert done.status_code == 302
    ours.refresh_from_db()
    assert ours.status == "converted" and ours.converted_enrolment.status == "provisional"
    page = client.get(url(org, "detail", ours)).content.decode()
    assert "Convertie" in page and "Pré-inscription" in page


def test_the_menu_shows_requests_to_those_who_may_see_them(web, admin_user, trainer_user, trainer, org):
    assert "Demandes" in web(admin_user).get(reverse("dashboard:home", kwargs={"org": org.slug})).content.decode()
    trainer_page = web(trainer_user).get(reverse("dashboard:home", kwargs={"org": org.slug})).content.decode()
    assert url(org, "list") not in trainer_page


def test_nothing_else_is_created_by_a_page_view(web, admin_user, org, ours):
    web(admin_user).get(url(org, "convert_enrolment", ours))
    assert Enquiry.objects.get().status == "new" and not Enrolment.objects.filter(client__email=ours.email).exists()


def test_the_dashboard_chases_new_requests(web, admin_user, manager_user, org, ours, theirs, training):
    EnquiryFactory(training=training, status="in_progress")
    home = reverse("dashboard:home", kwargs={"org": org.slug})
    admin_page = web(admin_user).get(home).content.decode()
    assert "2 demandes nouvelles reçues du catalogue public, à traiter" in admin_page
    assert url(org, "list") + "?status=new" in admin_page
    manager_page = web(manager_user).get(home).content.decode()
    assert "1 demande nouvelle reçue du catalogue public, à traiter" in manager_page
