# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reminders of overdue invoices: which invoices, which rank when, never twice, the texts the OF edits (and their
placeholders), « Relancer maintenant », the command and its dry run, permissions, the dashboard.

Time is frozen on Tue 17 Nov 2026: an invoice issued on 1 Sept 2026 fell due on 1 Oct (30 days), 47 days ago."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coopforma.billing import services
from coopforma.billing.models import Invoice, Reminder, ReminderSettings
from coopforma.billing.reminders import invoice_reminders_send_due
from coopforma.billing.tests.factories import InvoiceFactory, InvoiceLineFactory
from coopforma.core.models import OutboundEmail
from coopforma.core.money import format_cents
from coopforma.people.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2026, 9, 1)  # due 1 Oct 2026


def mails() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(purpose="billing.reminder").order_by("id"))


def send(now: dt.datetime | None = None):  # type: ignore[no-untyped-def]
    return invoice_reminders_send_due(now=now or timezone.now())


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def enabled(org):  # type: ignore[no-untyped-def]
    return ReminderSettings.objects.create(organisation=org, enabled=True)


@pytest.fixture
def overdue(admin_actor, enrolment):  # type: ignore[no-untyped-def]
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    return services.invoice_issue(actor=admin_actor, invoice_id=draft.pk, issued_on=ISSUED)


def raw_issued(org, client, *, kind="invoice", due_on=dt.date(2026, 10, 1), n=900, **fields):  # type: ignore[no-untyped-def]
    """An issued piece written directly (e.g. to a consumer, whose issue needs a signed contract)."""
    piece = InvoiceFactory(organisation=org, client=client, kind=kind, **fields)
    InvoiceLineFactory(invoice=piece, unit_price_cents=50000)
    Invoice.objects.filter(pk=piece.pk).update(
        status="issued",
        fiscal_year=2026,
        sequence=n,
        number=f"F-2026-{n}",
        issued_on=ISSUED,
        due_on=due_on,
        total_ht_cents=50000,
        total_ttc_cents=50000,
    )
    return Invoice.objects.get(pk=piece.pk)


# --- Which invoices, which rank, never twice ------------------------------------------------------------------


def test_an_overdue_invoice_gets_its_first_reminder_once(enabled, overdue):
    summary = send()
    assert [(p.invoice.pk, p.rank) for p in summary.sent] == [(overdue.pk, 1)]
    (mail,) = mails()
    assert mail.to == "compta@scop.example"
    assert overdue.number in mail.subject and "Première relance" in mail.subject
    assert format_cents(140000) in mail.body and "01/10/2026" in mail.body
    assert "L441-10" in mail.body  # a company: the professional late-payment penalties
    assert "{" not in mail.body
    assert send().sent == []  # never twice
    assert Reminder.objects.get().rank == 1 and Reminder.objects.get().email == mail


def test_later_ranks_wait_for_their_delay_and_the_gap(enabled, overdue):
    send()
    with time_machine.travel(timezone.now() + dt.timedelta(days=13), tick=False):
        assert send().sent == []  # 21 − 7 = 14 days after the first
    with time_machine.travel(timezone.now() + dt.timedelta(days=14), tick=False):
        assert [p.rank for p in send().sent] == [2]
        assert send().sent == []
    with time_machine.travel(timezone.now() + dt.timedelta(days=14 + 24), tick=False):
        assert [p.rank for p in send().sent] == [3]
    with time_machine.travel(timezone.now() + dt.timedelta(days=200), tick=False):
        assert send().sent == []  # three at most
    assert sorted(Reminder.objects.values_list("rank", flat=True)) == [1, 2, 3]
    assert len(mails()) == 3


def test_not_yet_due_and_not_enabled_are_not_reminded(org, admin_actor, enrolment, overdue):
    assert send().sent == []  # the organisation did not turn reminders on
    ReminderSettings.objects.create(organisation=org, enabled=True, days_1=60, days_2=0, days_3=0)
    assert send().sent == []  # 47 days late, first reminder at 60
    assert mails() == [] and not Reminder.objects.exists()


def test_paid_credited_quotes_and_credit_notes_are_not_reminded(
    enabled, org, admin_actor, enrolment, overdue, client_company
):
    services.payment_record(actor=admin_actor, invoice_id=overdue.pk, amount_cents=140000, paid_on=dt.date(2026, 10, 5))
    other = raw_issued(org, client_company, n=901)
    services.credit_note_create(actor=admin_actor, invoice_id=other.pk, reason="Erreur de destinataire")
    raw_issued(org, client_company, kind="quote", n=902)
    assert send().sent == []
    assert mails() == []


def test_a_cpf_invoice_is_not_reminded_by_email(enabled, org, client_company):
    raw_issued(org, client_company, payer_kind="cpf")  # paid by the Caisse des dépôts through EDOF
    assert send().sent == [] and send().without_email == []


def test_a_partly_paid_invoice_is_reminded_for_what_is_left(enabled, admin_actor, overdue):
    services.payment_record(actor=admin_actor, invoice_id=overdue.pk, amount_cents=40000, paid_on=dt.date(2026, 10, 5))
    send()
    (mail,) = mails()
    assert format_cents(100000) in mail.body


def test_a_consumer_gets_no_late_payment_penalty_wording(enabled, org):
    person = ClientFactory(organisation=org, name="Camille Martin", kind="individual", email="camille@example.org")
    raw_issued(org, person, payer_kind="individual")
    send()
    (mail,) = mails()
    assert mail.to == "camille@example.org"
    assert "L441-10" not in mail.body and "pénalités" not in mail.body and "40 €" not in mail.body


def test_an_invoice_without_any_email_is_listed_not_sent(enabled, org):
    nobody = ClientFactory(organisation=org, name="Sans Courriel", kind="company", email="")
    invoice = raw_issued(org, nobody)
    summary = send()
    assert summary.sent == [] and [i.pk for i in summary.without_email] == [invoice.pk]


# --- The texts, edited through the page ----------------------------------------------------------------------


def page(org) -> str:  # type: ignore[no-untyped-def]
    return reverse("billing:reminders", kwargs={"org": org.slug})


FORM = {"enabled": "on", "days_1": "10", "days_2": "30", "days_3": "", "subject": "", "body": ""}


def test_texts_edited_on_the_page_are_the_ones_sent(web, admin_user, org, overdue):
    client = web(admin_user)
    assert client.get(page(org)).status_code == 200
    data = {
        **FORM,
        "days_3": "0",
        "subject": "Rappel {numero} — {organisme}",
        "body": "Madame, Monsieur, il reste {montant_du} à régler sur {numero} (échéance {echeance}).{penalites}",
    }
    response = client.post(page(org), data)
    assert response.status_code == 302, response.content.decode()
    send()
    (mail,) = mails()
    assert mail.subject == f"Rappel {overdue.number} — {org.name}"
    assert mail.body.startswith(f"Madame, Monsieur, il reste {format_cents(140000)} à régler sur {overdue.number}")
    assert "L441-10" in mail.body
    response = client.get(page(org))
    assert overdue.number in response.content.decode()  # the reminders sent are listed


def test_an_unknown_placeholder_is_refused_with_its_name_and_nothing_written(web, admin_user, org):
    data = {**FORM, "subject": "Facture {numero}", "body": "Reste {montant} à payer."}
    response = web(admin_user).post(page(org), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Variable inconnue {montant}" in text and "{montant_du}" in text
    assert not ReminderSettings.objects.exists()
    response = web(admin_user).post(page(org), {**FORM, "subject": "Facture {numero", "body": "ok"})
    assert "Accolade" in response.content.decode()
    response = web(admin_user).post(page(org), {**FORM, "subject": "x", "body": "{numero.__class__}"})
    assert "Variable inconnue {numero.__class__}" in response.content.decode()
    assert not ReminderSettings.objects.exists()


def test_delays_must_increase(web, admin_user, org):
    data = {**FORM, "days_1": "20", "days_2": "10", "subject": "{numero}", "body": "{numero}"}
    response = web(admin_user).post(page(org), data)
    assert "La relance 2 doit venir après la relance 1" in response.content.decode()
    assert not ReminderSettings.objects.exists()


# --- « Relancer maintenant » ----------------------------------------------------------------------------------


def test_remind_now_sends_the_next_rank_from_the_invoice_page(web, admin_user, org, overdue):
    client = web(admin_user)
    detail = reverse("billing:detail", kwargs={"org": org.slug, "pk": overdue.pk})
    assert "Relancer maintenant" in client.get(detail).content.decode()
    remind = reverse("billing:remind", kwargs={"org": org.slug, "pk": overdue.pk})
    assert client.post(remind).status_code == 302
    assert client.post(remind).status_code == 302
    assert sorted(Reminder.objects.values_list("rank", flat=True)) == [1, 2]
    reminder = Reminder.objects.get(rank=1)
    assert reminder.sent_by == admin_user and len(mails()) == 2
    assert "Relance 1 envoyée le" in client.get(detail).content.decode()


def test_remind_now_refuses_an_invoice_not_overdue(web, admin_user, org, admin_actor, enrolment):
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)  # due in 30 days
    client = web(admin_user)
    detail = reverse("billing:detail", kwargs={"org": org.slug, "pk": invoice.pk})
    assert "Relancer maintenant" not in client.get(detail).content.decode()
    response = client.post(reverse("billing:remind", kwargs={"org": org.slug, "pk": invoice.pk}), follow=True)
    assert "Seule une facture émise, échue et non soldée peut être relancée" in response.content.decode()
    assert not Reminder.objects.exists() and mails() == []


# --- Permissions ----------------------------------------------------------------------------------------------


def test_another_organisations_admin_gets_404_with_its_own_slug_and_our_ids(web, stranger, other_org, org, overdue):
    client = web(stranger)
    remind = reverse("billing:remind", kwargs={"org": other_org.slug, "pk": overdue.pk})
    assert client.post(remind).status_code == 404
    assert client.post(reverse("billing:remind", kwargs={"org": org.slug, "pk": overdue.pk})).status_code == 404
    assert client.get(page(org)).status_code == 404
    own = client.get(page(other_org))
    assert own.status_code == 200 and overdue.number not in own.content.decode()
    assert not Reminder.objects.exists() and mails() == []


def test_lesser_roles_get_403(web, quality_user, manager_user, trainer_user, trainer, org, overdue):
    remind = reverse("billing:remind", kwargs={"org": org.slug, "pk": overdue.pk})
    for user in (quality_user, manager_user, trainer_user):
        client = web(user)
        assert client.get(page(org)).status_code == 403
        assert client.post(page(org), {**FORM, "subject": "{numero}", "body": "{numero}"}).status_code == 403
        assert client.post(remind).status_code == 403
    assert not Reminder.objects.exists() and not ReminderSettings.objects.exists()


# --- The command, the dashboard -------------------------------------------------------------------------------


def test_the_command_dry_run_writes_nothing_then_sends(enabled, overdue):
    out = io.StringIO()
    call_command("billing", "remind", "--due", "--dry-run", stdout=out)
    assert f"[simulation] {overdue.number} : relance 1 à compta@scop.example" in out.getvalue()
    assert not Reminder.objects.exists() and mails() == []
    out = io.StringIO()
    call_command("billing", "remind", "--due", stdout=out)
    assert "1 relance(s) envoyée(s)" in out.getvalue()
    assert Reminder.objects.count() == 1 and len(mails()) == 1
    call_command("billing", "remind", "--due", stdout=io.StringIO())
    assert Reminder.objects.count() == 1


def test_the_task_sends_the_same(enabled, overdue):
    from coopforma.billing.tasks import billing_remind_due

    result = billing_remind_due.enqueue()
    assert Reminder.objects.count() == 1, result


def test_dashboard_counts_overdue_invoices_and_reminders_this_month(web, admin_user, org, enabled, overdue):
    send()
    text = web(admin_user).get(reverse("dashboard:home", kwargs={"org": org.slug})).content.decode()
    assert "1 facture(s) échue(s) à encaisser" in text
    assert "1 relance(s) de factures échues envoyée(s) ce mois-ci" in text
    assert page(org) in text
