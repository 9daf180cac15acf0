# SPDX-License-Identifier: AGPL-3.0-or-later
"""The accounting export: the FEC (A47 A-1 LPF) and the journal CSV of a period, from the page and the command."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coopforma.billing import services
from coopforma.formats.fec import FEC_COLUMNS

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 17)  # frozen test time


@pytest.fixture
def booked(org, admin_actor, enrolment, opco_line):  # type: ignore[no-untyped-def]
    """Two invoices (client 400 €, AKTO 1 000 €), a payment of 600 € by AKTO and a credit note of 100 € to AKTO."""
    client_invoice, opco = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    client_invoice = services.invoice_issue(actor=admin_actor, invoice_id=client_invoice.pk)
    opco = services.invoice_issue(actor=admin_actor, invoice_id=opco.pk)
    services.payment_record(
        actor=admin_actor, invoice_id=opco.pk, amount_cents=60000, paid_on=TODAY, reference="VIR AKTO"
    )
    services.credit_note_create(actor=admin_actor, invoice_id=opco.pk, amount_cents=10000, reason="Absence")
    return client_invoice, opco


def _rows(content: bytes) -> list[list[str]]:
    return [line.split("\t") for line in content.decode("iso-8859-15").split("\r\n") if line]


def test_the_page_downloads_a_balanced_fec_named_by_siren_and_closing_date(org, admin_user, web, booked):
    response = web(admin_user).get(
        f"/o/{org.slug}/billing/accounting/fec.txt", {"start": "2026-01-01", "end": "2026-12-31"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="732829320FEC20261231.txt"'
    rows = _rows(response.content)
    assert rows[0] == list(FEC_COLUMNS) and all(len(r) == 18 for r in rows)
    body = rows[1:]
    debit = sum(int(r[11].replace(",", "")) for r in body)
    credit = sum(int(r[12].replace(",", "")) for r in body)
    assert debit == credit == 40000 + 100000 + 60000 + 10000
    numbers = {r[2] for r in body}
    assert {booked[0].number, booked[1].number, f"A-{TODAY.year}-0001"} <= numbers
    akto = [r for r in body if r[2] == booked[1].number and r[4] == "411000"]
    assert akto[0][7] == "AKTO" and akto[0][11] == "1000,00" and akto[0][15] == "20261117"
    assert next(r for r in body if r[0] == "BQ" and r[4] == "512000")[11] == "600,00"


def test_the_journal_csv_uses_the_configured_accounts(org, admin_user, web, booked):
    org.account_sales, org.journal_sales = "706300", "VT"
    org.save()
    response = web(admin_user).get(
        f"/o/{org.slug}/billing/accounting/journal.csv", {"start": "2026-11-01", "end": "2026-11-30"}
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("date;journal;ecriture;piece;compte")
    assert ";VT;" in text and ";706300;" in text and "17/11/2026" in text


def test_a_bad_period_is_refused_on_the_page(org, admin_user, web):
    response = web(admin_user).get(
        f"/o/{org.slug}/billing/accounting/fec.txt", {"start": "2026-12-31", "end": "2026-01-01"}
    )
    assert response.status_code == 200 and "précède son début" in response.content.decode()


def test_only_billing_managers_export_and_never_another_organisation(
    org, quality_user, stranger, other_org, web, booked
):
    assert web(quality_user).get(f"/o/{org.slug}/billing/accounting/fec.txt").status_code == 403
    assert web(stranger).get(f"/o/{org.slug}/billing/accounting/").status_code == 404
    own = web(stranger).get(
        f"/o/{other_org.slug}/billing/accounting/journal.csv", {"start": "2026-01-01", "end": "2026-12-31"}
    )
    assert own.status_code == 200 and booked[1].number not in own.content.decode("utf-8-sig")


def test_the_command_writes_the_fec_and_the_journal(org, booked, tmp_path):
    out = StringIO()
    call_command(
        "billing", "fec", "--org", org.slug, "--from", "2026-01-01", "--to", "2026-12-31", "--journal",
        "--output", str(tmp_path), stdout=out,
    )  # fmt: skip
    fec = tmp_path / "732829320FEC20261231.txt"
    assert fec.exists() and (tmp_path / "journal-20260101-20261231.csv").exists()
    assert _rows(fec.read_bytes())[0] == list(FEC_COLUMNS)
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("billing", "fec", "--org", org.slug, "--from", "2026-13-01", "--to", "2026-12-31")
