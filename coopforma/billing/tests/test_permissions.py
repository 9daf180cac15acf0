# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every billing page and API route, walked with every role (and another organisation, and nobody).

The pieces belong to a session of `member`: admin manages billing (billing.manage); quality and the manager of
`member` read it (billing.view: 403 on every write); a trainer has no billing flag (403); the administrator of
another organisation gets 404, with our slug (stranger) or their own (foreign: tests/permissions.py); anonymous:
302 to the login (web) or 401 (API).
"""

import pytest
from django.utils import timezone

from coopforma.billing import services
from coopforma.training_sessions.models import Enrolment
from tests.permissions import API_ROLES, ROLES, api_client, fill, web_client, web_send

pytestmark = pytest.mark.django_db


def expect(
    admin: int, *, view: int = 403, anonymous: int = 302, stranger: int = 404, foreign: int = 404
) -> dict[str, int]:
    """`view`: what quality and the member manager get (readers); trainers never see billing; `foreign`: the
    other organisation's admin in their own organisation (404 on our pieces, their own pages otherwise)."""
    return {
        "admin": admin,
        "quality": view,
        "manager": view,
        "trainer": 403,
        "stranger": stranger,
        "foreign": foreign,
        "anonymous": anonymous,
    }


@pytest.fixture
def world(org, member, admin_actor, enrolment, session, trainer, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    (invoice,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=invoice.pk)
    (draft,) = services.invoice_create_for_enrolment(
        actor=admin_actor,
        enrolment_id=Enrolment.objects.create(
            organisation=org, session=session, client=_other_client(org), price_cents=50000
        ).pk,
    )
    quote = services.invoice_issue(
        actor=admin_actor,
        invoice_id=services.quote_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk).pk,
    )
    today = timezone.localdate()
    return {
        "org": org.slug,
        "i": invoice.pk,
        "d": draft.pk,
        "q": quote.pk,
        "line": draft.lines.get().pk,
        "e": enrolment.pk,
        "m": member.pk,
        "today": today.isoformat(),
        "start": today.replace(month=1, day=1).isoformat(),
    }


def _other_client(org):  # type: ignore[no-untyped-def]
    from coopforma.people.tests.factories import ClientFactory

    return ClientFactory(organisation=org, name="Association Voisine")


WEB = [
    ("list", "get", "", None, expect(200, view=200, foreign=200)),
    ("detail", "get", "{i}/", None, expect(200, view=200)),
    ("detail_draft", "get", "{d}/", None, expect(200, view=200)),
    ("pdf", "get", "{i}/pdf/", None, expect(200, view=200)),
    ("pdf_draft", "get", "{d}/pdf/", None, expect(200, view=200)),
    ("edit", "get", "{d}/edit/", None, expect(200)),
    ("edit_invalid", "post", "{d}/edit/", {"recipient_name": ""}, expect(200)),
    ("line_add_invalid", "post", "{d}/lines/add/", {"label": ""}, expect(200)),
    ("line_edit", "get", "{d}/lines/{line}/edit/", None, expect(200)),
    ("line_delete", "post", "{d}/lines/{line}/delete/", {}, expect(302)),
    ("delete", "post", "{d}/delete/", {}, expect(302)),
    ("issue", "get", "{d}/issue/", None, expect(200)),
    ("issue_post", "post", "{d}/issue/", {"issued_on": "{today}"}, expect(302)),
    ("accept", "post", "{q}/accept/", {}, expect(302)),
    ("decline", "post", "{q}/decline/", {}, expect(302)),
    ("convert", "post", "{q}/convert/", {}, expect(302)),
    ("credit_note", "get", "{i}/credit-note/", None, expect(200)),
    (
        "credit_note_post",
        "post",
        "{i}/credit-note/",
        {"amount_cents": "10", "reason": "x", "issued_on": "{today}"},
        expect(302),
    ),
    ("unrealised_credit_note", "post", "{i}/unrealised-credit-note/", {}, expect(302)),
    ("payment", "get", "{i}/payment/", None, expect(200)),
    (
        "payment_post",
        "post",
        "{i}/payment/",
        {"amount_cents": "100", "paid_on": "{today}", "method": "cheque"},
        expect(302),
    ),
    ("enrolment", "get", "enrolment/{e}/", None, expect(200, view=200)),
    ("enrolment_quote", "post", "enrolment/{e}/", {"kind": "quote"}, expect(302)),
    ("enrolment_cpf", "post", "enrolment/{e}/cpf/", {"step": "entry", "entered_on": "{today}"}, expect(302)),
    ("enrolment_contract", "post", "enrolment/{e}/contract-signature/", {"signed_on": "{today}"}, expect(302)),
    ("statement", "get", "statement/", None, expect(200, view=200, foreign=200)),
    (  # foreign: our structure in the query is not a choice of theirs (the filter form refuses it)
        "statement_csv",
        "get",
        "statement.csv?member={m}&start={start}&end={today}",
        None,
        expect(200, view=200, foreign=400),
    ),
    ("years", "get", "years/", None, expect(200, foreign=200)),
    ("years_invalid", "post", "years/", {"year": "1999"}, expect(200, foreign=200)),
]

API = [
    ("list", "get", "billing/pieces", None, expect(200, view=200, anonymous=401, stranger=200)),
    ("detail", "get", "billing/pieces/{i}", None, expect(200, view=200, anonymous=401)),
    ("drafts", "post", "billing/enrolments/{e}/drafts", {"kind": "quote"}, expect(201, anonymous=401)),
    ("cpf", "get", "billing/enrolments/{e}/cpf", None, expect(200, view=200, anonymous=401)),
    # The world's enrolment is a company's: the service refuses (422) once the permission layer has let admin in.
    ("cpf_entry", "post", "billing/enrolments/{e}/cpf/entry", {"entered_on": "{today}"}, expect(422, anonymous=401)),
    ("cpf_done", "post", "billing/enrolments/{e}/cpf/service-done", {}, expect(422, anonymous=401)),
    ("schedule", "get", "billing/enrolments/{e}/schedule", None, expect(200, view=200, anonymous=401)),
    (  # a company's enrolment: no L6353-3 contract (422 once let in)
        "contract_signature",
        "post",
        "billing/enrolments/{e}/contract-signature",
        {"signed_on": "{today}"},
        expect(422, anonymous=401),
    ),
    ("issue", "post", "billing/pieces/{d}/issue", {}, expect(200, anonymous=401)),
    (
        "payment",
        "post",
        "billing/pieces/{i}/payments",
        {"amount_cents": 100, "paid_on": "{today}"},
        expect(201, anonymous=401),
    ),
    ("credit_note", "post", "billing/pieces/{i}/credit-notes", {"amount_cents": 100}, expect(201, anonymous=401)),
    (  # a flat price bills no hour not realised: nothing owed, the credit note refused with the rule
        "unrealised",
        "get",
        "billing/pieces/{i}/unrealised-hours",
        None,
        expect(204, view=204, anonymous=401),
    ),
    ("unrealised_post", "post", "billing/pieces/{i}/unrealised-hours/credit-note", {}, expect(422, anonymous=401)),
    (
        "statement",
        "get",
        "billing/members/{m}/statement?start={start}&end={today}",
        None,
        expect(200, view=200, anonymous=401),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "data", "expected"), WEB, ids=[w[0] for w in WEB])
def test_web(request, web, world, role, name, method, path, data, expected):  # type: ignore[no-untyped-def]
    full = f"/o/{world['org']}/billing/" + path.format(**world)
    response = web_send(web_client(request, web, role), method, full, data, world)
    assert response.status_code == expected[role], (name, role, response.status_code)
    if role == "anonymous":
        assert "/login" in response.url or "accounts" in response.url


@pytest.mark.parametrize("role", API_ROLES)
@pytest.mark.parametrize(("name", "method", "path", "data", "expected"), API, ids=[a[0] for a in API])
def test_api(request, api, world, org, other_org, role, name, method, path, data, expected):  # type: ignore[no-untyped-def]
    client = api_client(request, api, role, org, other_org)
    full = "/api/v1/" + path.format(**world)
    if method == "get":
        response = client.get(full)
    else:
        response = client.post(full, fill(data, world) or {}, content_type="application/json")
    assert response.status_code == expected[role], (name, role, response.status_code, response.content[:300])


def test_manager_of_another_structure_sees_nothing(org, other_member, web, api, world):  # type: ignore[no-untyped-def]
    from coopforma.accounts.tests.factories import MembershipFactory, UserFactory

    user = UserFactory(first_name="Autre", last_name="Gérant")
    MembershipFactory(user=user, organisation=org, role="member_manager")
    other_member.managers.add(user)
    client = web(user)
    assert client.get(f"/o/{org.slug}/billing/{world['i']}/").status_code == 404
    assert world["i"] not in [p["id"] for p in api(user, org).get("/api/v1/billing/pieces").json()["items"]]
    page = client.get(f"/o/{org.slug}/billing/statement/?member={world['m']}")
    assert page.status_code == 200 and "Sélectionnez un choix valide" in page.content.decode()
    assert (
        api(user, org)
        .get(f"/api/v1/billing/members/{world['m']}/statement?start=2026-01-01&end=2026-12-31")
        .status_code
        == 404
    )
