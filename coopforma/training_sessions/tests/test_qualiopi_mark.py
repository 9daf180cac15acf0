# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 11, point 5: the Qualiopi mark only when true — printed (documents, public page) only while the certificate
is valid and only for the certified categories of action (R6316-1), with a warning when the OF sells an action
of a category its certificate does not cover (L6316-1). Time is frozen on 17 Nov 2026."""

import datetime as dt

import pytest
import time_machine

from coopforma.documents.services import document_generate
from coopforma.documents.tests.test_generation import doc_text
from coopforma.training_sessions.tests.factories import PARIS, SessionFactory, SlotFactory

MARK = "Certifié Qualiopi"


@pytest.fixture
def certified(org):  # type: ignore[no-untyped-def]
    org.qualiopi_certificate_number = "FR-QUA-2024-0457"
    org.qualiopi_certifier = "AFNOR Certification"
    org.qualiopi_categories = ["training"]
    org.qualiopi_valid_from = dt.date(2024, 3, 18)
    org.qualiopi_valid_until = dt.date(2027, 3, 17)
    org.save()
    return org


def _session(org, member, category):  # type: ignore[no-untyped-def]
    session = SessionFactory(
        training__organisation=org,
        training__member_structure=member,
        training__action_category=category,
        title=f"Session {category}",
    )
    SlotFactory(session=session, starts_at=dt.datetime(2026, 12, 7, 9, 0, tzinfo=PARIS))
    return session


def test_a_document_of_a_certified_category_prints_the_mark_with_its_categories(certified, member, admin_actor):
    session = _session(certified, member, "training")
    text = doc_text(document_generate(actor=admin_actor, kind="programme", subject=session))
    assert "Certifié Qualiopi (certificat n° FR-QUA-2024-0457, valable jusqu'au 17/03/2027)" in text
    assert "au titre de la ou des catégories d'actions suivantes : actions de formation" in text


def test_a_document_of_a_category_the_certificate_does_not_cover_has_no_mark(certified, member, admin_actor):
    session = _session(certified, member, "skills_assessment")
    text = doc_text(document_generate(actor=admin_actor, kind="programme", subject=session))
    assert MARK not in text and "catégories d'actions" not in text


def test_no_mark_once_the_certificate_has_expired_nor_before_it_starts(certified, member, admin_actor):
    session = _session(certified, member, "training")
    with time_machine.travel(dt.datetime(2027, 3, 18, 10, 0, tzinfo=PARIS)):
        assert MARK not in doc_text(document_generate(actor=admin_actor, kind="programme", subject=session))
    certified.qualiopi_valid_from = dt.date(2026, 12, 1)
    certified.qualiopi_valid_until = dt.date(2029, 11, 30)
    certified.save()
    assert MARK not in doc_text(document_generate(actor=admin_actor, kind="programme", subject=session))


def test_a_certificate_number_without_any_date_prints_no_mark(org, member, admin_actor):
    org.qualiopi_certificate_number = "FR-QUA-1"
    org.qualiopi_categories = ["training"]
    org.save()
    text = doc_text(document_generate(actor=admin_actor, kind="programme", subject=_session(org, member, "training")))
    assert MARK not in text


def test_the_public_page_shows_the_mark_only_for_a_covered_category_while_valid(client, certified, member):
    covered = _session(certified, member, "training").training
    other = _session(certified, member, "vae").training
    for t in (covered, other):
        t.is_public = True
        t.save()
    page = client.get(f"/f/{certified.slug}/{covered.pk}/").content.decode()
    assert "La certification qualité a été délivrée au titre de la ou des catégories d&#x27;actions suivantes" in page
    assert MARK not in client.get(f"/f/{certified.slug}/{other.pk}/").content.decode()
    with time_machine.travel(dt.datetime(2027, 3, 18, 10, 0, tzinfo=PARIS)):
        assert MARK not in client.get(f"/f/{certified.slug}/{covered.pk}/").content.decode()


def test_the_training_page_warns_when_its_category_is_not_certified(web, certified, member, admin_user):
    covered = _session(certified, member, "training").training
    bilan = _session(certified, member, "skills_assessment").training
    page = web(admin_user).get(f"/o/{certified.slug}/catalogue/{bilan.pk}/").content.decode()
    assert 'id="qualiopi-warning"' in page
    assert "ne couvre pas la catégorie « bilans de compétences »" in page and "L6316-1" in page
    page = web(admin_user).get(f"/o/{certified.slug}/catalogue/{covered.pk}/").content.decode()
    assert 'id="qualiopi-warning"' not in page


def test_the_training_page_warns_once_the_certificate_has_expired(web, certified, member, admin_user):
    covered = _session(certified, member, "training").training
    with time_machine.travel(dt.datetime(2027, 4, 1, 10, 0, tzinfo=PARIS)):
        page = web(admin_user).get(f"/o/{certified.slug}/catalogue/{covered.pk}/").content.decode()
    assert "Le certificat Qualiopi a expiré le 17/03/2027." in page


def test_the_dashboard_warns_who_validates_of_a_category_sold_without_certification(
    web, certified, member, admin_user, trainer_user, trainer
):  # type: ignore[no-untyped-def]
    _session(certified, member, "training")
    _session(certified, member, "skills_assessment")
    page = web(admin_user).get(f"/o/{certified.slug}/").content.decode()
    assert "1 formation validée relève des « bilans de compétences »" in page
    assert "« actions de formation »" not in page
    # A trainer does not validate the catalogue: no such task on their dashboard.
    assert "bilans de compétences" not in web(trainer_user).get(f"/o/{certified.slug}/").content.decode()
