# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 14, point 6: the pages a trainee, a client and a trainer open on a phone hold at 390 px wide.

No page scrolls sideways (`document.documentElement.scrollWidth` ≤ 391: the signing page used to lay out at 588 px
because of its SHA-256 line, the trainer's session page at 842 px) and the portal's « Télécharger » links are on
screen (a wide table used to push them out of view)."""

import pytest
from django.core import mail
from django.urls import reverse

from coopforma.accounts.magic_links import magic_link_create
from coopforma.attendance.services import link_issue
from coopforma.documents import signing
from coopforma.documents.services import document_finalise, document_generate
from coopforma.documents.tests.test_generation import world  # noqa: F401 — the fixture
from coopforma.evaluations.tests.factories import finished_session, open_survey
from coopforma.public.tests.helpers import sign_tokens
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 390

# The elements sticking out on the right, to say which one breaks the layout when the test fails.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 391)
  .slice(-5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def assert_fits(phone, path: str) -> None:  # type: ignore[no-untyped-def]
    phone.goto(path)
    phone.wait_for_load_state()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH + 1, (path, width, phone.evaluate(WIDEST))


def test_trainee_client_and_trainer_pages_hold_at_390_px(phone, new_context, world, admin_actor, trainer_user):  # noqa: F811
    org = world.org
    org.head_name, org.head_title, org.head_email = "Claire Dubois", "Présidente", "claire@of.example"
    org.save()
    contact = world.enrolment.client.contacts.get(is_signatory=True)
    draft = document_generate(actor=admin_actor, kind="convention", subject=world.enrolment)
    convention = document_finalise(actor=admin_actor, document_id=draft.pk)
    mail.outbox.clear()
    signing.signature_request(actor=admin_actor, document_id=convention.pk)

    # The client's signatory: the signing page (the document's SHA-256 wraps) and the portal with its documents.
    (token,) = sign_tokens(contact.email)
    assert_fits(phone, f"/s/{token}/")
    _link, portal_token = magic_link_create(organisation=org, email=contact.email)
    assert_fits(phone, f"/p/{portal_token}/")
    phone.wait_for_url("**/p/espace/")
    assert_fits(phone, "/p/espace/")
    download = phone.get_by_role("link", name="Télécharger").first
    assert download.is_visible()
    box = download.bounding_box()
    assert box is not None and box["x"] + box["width"] <= WIDTH

    # The trainee: the personal attendance page and a questionnaire.
    trainee_phone = new_context(viewport={"width": WIDTH, "height": 844}, is_mobile=True, has_touch=True).new_page()
    assert_fits(trainee_phone, f"/e/{link_issue(participant=world.participant)}/")
    trainee_phone.wait_for_url("**/p/espace/")  # the personal link leads into the trainee's portal
    assert_fits(trainee_phone, "/p/espace/")
    assert_fits(trainee_phone, "/e/moi/")
    survey, tokens = open_survey(finished_session(training=world.session.training, trainees=1), "hot")
    assert_fits(trainee_phone, f"/q/{survey.pk}/{next(iter(tokens.values()))}/")

    # The trainer: their session page and the slot's émargement page.
    trainer_phone = new_context(viewport={"width": WIDTH, "height": 844}, is_mobile=True, has_touch=True).new_page()
    log_in(trainer_phone, trainer_user)
    trainer_phone.wait_for_url(f"**/o/{org.slug}/")
    assert_fits(trainer_phone, f"/o/{org.slug}/")
    assert_fits(trainer_phone, reverse("sessions:detail", kwargs={"org": org.slug, "pk": world.session.pk}))
    slot = world.session.slots.order_by("starts_at").first()
    assert_fits(trainer_phone, f"/o/{org.slug}/attendance/slots/{slot.pk}/")
