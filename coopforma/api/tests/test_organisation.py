# SPDX-License-Identifier: AGPL-3.0-or-later
"""GET/PATCH /api/v1/organisation: the organisation's identity, signatories, fiscal and accounting settings without
the web form (issue 12, point 7), with the page's checks (all or nothing) and its permissions."""

import pytest

from coopforma.accounts.models import Organisation
from coopforma.core.models import ActivityLog

pytestmark = pytest.mark.django_db
URL = "/api/v1/organisation"


def _patch(client, body):  # type: ignore[no-untyped-def]
    return client.patch(URL, data=body, content_type="application/json")


def test_the_admin_reads_and_changes_the_settings(api, admin_user, org):
    admin = api(admin_user, org)
    got = admin.get(URL)
    assert got.status_code == 200
    assert got.json()["slug"] == org.slug and got.json()["name"] == org.name and got.json()["has_logo"] is False
    body = {
        "iban": "FR76 3000 6000 0112 3456 7890 189",
        "bic": "AGRIFRPP",
        "trade_registry": "rcs",
        "trade_registry_city": "Rennes",
        "share_capital_cents": 1_500_000,
        "vat_regime": "exempt",
        "qualiopi_categories": ["training"],
        "consumer_mediator_name": "CM2C",
        "fiscal_year_start_month": 7,
    }
    changed = _patch(admin, body)
    assert changed.status_code == 200, changed.content
    org.refresh_from_db()
    assert org.iban == "FR7630006000011234567890189" and org.share_capital_cents == 1_500_000
    assert org.fiscal_year_start_month == 7 and org.qualiopi_categories == ["training"]
    assert changed.json()["iban"] == org.iban
    assert ActivityLog.objects.filter(action="accounts.organisation.updated").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"iban": "FR76 3000 6000 0112 3456 7890 188"}, "iban"),  # wrong check digits
        ({"siret": "12345678901234"}, "siret"),  # fails the Luhn check
        ({"trade_registry": "rcs", "trade_registry_city": ""}, "trade_registry_city"),
        ({"signatory": "delegate", "delegate_name": "Bob"}, "delegation_date"),
        ({"qualiopi_categories": ["formation"]}, "qualiopi_categories"),
        ({"vat_regime": "zero"}, "vat_regime"),
        ({"fiscal_year_start_month": 13}, "fiscal_year_start_month"),
        ({"name": None}, "name"),
    ],
)
def test_a_refused_change_names_its_field_and_writes_nothing(api, admin_user, org, body, field):
    before = Organisation.objects.filter(pk=org.pk).values().get()
    refused = _patch(api(admin_user, org), {"city": "Ailleurs", **body})
    assert refused.status_code == 422, refused.content
    assert field in str(refused.json()), refused.json()
    assert Organisation.objects.filter(pk=org.pk).values().get() == before


def test_unknown_fields_are_refused(api, admin_user, org):
    assert _patch(api(admin_user, org), {"slug": "autre"}).status_code == 422
    org.refresh_from_db()
    assert org.slug != "autre"


def test_lesser_roles_and_another_organisation(
    api, admin_user, quality_user, manager_user, trainer_user, stranger, org, other_org
):
    assert api(quality_user, org).get(URL).status_code == 200  # the quality manager reads (certificate, referent)
    for user in (quality_user, manager_user, trainer_user):
        assert _patch(api(user, org), {"city": "Ailleurs"}).status_code == 403
    for user in (manager_user, trainer_user):
        assert api(user, org).get(URL).status_code == 403
    # Another organisation's admin, with its own token: its own organisation, never ours.
    foreign = api(stranger, other_org)
    assert foreign.get(URL).json()["slug"] == other_org.slug
    assert _patch(foreign, {"city": "Ailleurs"}).status_code == 200
    org.refresh_from_db()
    assert org.city != "Ailleurs"


def test_the_brand_colour_is_read_and_changed_with_the_same_check(api, admin_user, org):  # type: ignore[no-untyped-def]
    admin = api(admin_user, org)
    assert admin.get(URL).json()["brand_color"] == "#1d4e4a"
    bad = _patch(admin, {"brand_color": "rouge"})
    assert bad.status_code == 422 and "#RRVVBB" in bad.content.decode()
    good = _patch(admin, {"brand_color": "#aa3300"})
    assert good.status_code == 200 and good.json()["brand_color"] == "#aa3300"
