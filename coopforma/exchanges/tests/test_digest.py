# SPDX-License-Identifier: AGPL-3.0-or-later
"""The members' weekly digest (exchanges/digest.py), with frozen time: what it tells, to whom, when, and nothing
when there is nothing to say."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from coopforma.core.models import OutboundEmail
from coopforma.core.periodic import job_get
from coopforma.exchanges.digest import PURPOSE, digest_send
from coopforma.exchanges.models import Debrief, ExchangeState, ListingKind, Member, Participant, Step, Suggestion
from coopforma.exchanges.tests.factories import ListingFactory, exchange_between, joined_member
from coopforma.exchanges.tests.test_open_data import competency
from coopforma.networks.tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)  # 9:00 in Paris


def _mails():
    return OutboundEmail.objects.filter(purpose=PURPOSE).order_by("pk")


@pytest.fixture
def scene():
    with time_machine.travel(MONDAY - dt.timedelta(days=10), tick=False):
        network = NetworkFactory(slug="reseau-recap", name="Réseau récap")
        ada = joined_member(network, display_name="Ada", department="69")
        bob = joined_member(network, display_name="Bob", department="69")
        far = joined_member(network, display_name="Zoé", department="13", city="Marseille", insee_code="13055")
        item = competency(network)
        ada.listings.get(kind=ListingKind.REQUEST).competencies.add(item)
    return {"network": network, "ada": ada, "bob": bob, "far": far, "item": item}


def test_the_digest_tells_suggestions_new_listings_steps_and_debriefs_with_their_links(scene):
    ada, bob, far, network = scene["ada"], scene["bob"], scene["far"], scene["network"]
    with time_machine.travel(MONDAY - dt.timedelta(days=2), tick=False):
        Suggestion.objects.create(
            network=network,
            offer=bob.listings.get(kind=ListingKind.OFFER),
            request=ada.listings.get(kind=ListingKind.REQUEST),
            score=80,
            reasons=[{"code": "competency", "label": "Compétence en commun : M1-C1"}],
        )
        near = ListingFactory(member=far, kind=ListingKind.OFFER, title="Tenir une comptabilité coopérative")
        near.competencies.add(scene["item"])
        ListingFactory(member=far, kind=ListingKind.OFFER, title="Sans rapport")
        past = exchange_between(bob, ada, title="Mentorat passé", starts_on=timezone.localdate() - dt.timedelta(days=5))
        done = exchange_between(bob, ada, title="Déjà raconté", starts_on=timezone.localdate() - dt.timedelta(days=6))
        Debrief.objects.create(participant=done.participants.get(member=ada), learnt="Beaucoup.")
        cancelled = exchange_between(bob, ada, title="Annulé", state=ExchangeState.CANCELLED)
    with time_machine.travel(MONDAY, tick=False):
        soon = exchange_between(bob, ada, title="Visite de la Fabrique")  # a step tomorrow at 9:00
        assert digest_send(due=False) == 2  # ada and bob; zoé has nothing new
        mail = _mails().get(to=ada.user.email)
        body = mail.body
        assert "Réseau récap" in mail.subject
        assert "Compétence en commun : M1-C1" in body and "de Bob" in body
        assert "Tenir une comptabilité coopérative" in body  # a competency in common, another département
        assert "Sans rapport" not in body
        assert "Visite de la Fabrique — le 03/03/2026 à 09:00" in body  # Europe/Paris
        assert "Offre de Zoé, Marseille" in body
        assert "Mentorat passé" in body and "Déjà raconté" not in body and "Annulé" not in body
        assert f"/reseaux/{network.slug}/echanges/" in body
        assert "ada" not in body.lower().split("bonjour")[0]
        assert Member.objects.get(pk=ada.pk).digest_sent_at == MONDAY
    del soon, past, cancelled


def test_nothing_to_say_means_no_mail_and_due_waits_a_week(scene):
    ada = scene["ada"]
    Member.objects.exclude(pk=ada.pk).update(digest=False)
    with time_machine.travel(MONDAY, tick=False):
        assert digest_send() == 0  # ada has nothing new
        assert not _mails().exists()
        assert Member.objects.get(pk=ada.pk).digest_sent_at is None
        ListingFactory(member=scene["bob"], kind=ListingKind.OFFER, title="Nouvelle offre du 69")
        assert digest_send() == 1
        assert "Nouvelle offre du 69" in _mails().get().body
        assert digest_send() == 0  # just sent: not due
    with time_machine.travel(MONDAY + dt.timedelta(days=6), tick=False):
        ListingFactory(member=scene["bob"], kind=ListingKind.OFFER, title="Encore une offre")
        assert digest_send() == 0  # six days: not due yet
    with time_machine.travel(MONDAY + dt.timedelta(days=7), tick=False):
        assert digest_send() == 1
        body = _mails().last().body
        assert "Encore une offre" in body and "Nouvelle offre du 69" not in body  # only what is new since


def test_who_receives_it(scene):
    ada, bob = scene["ada"], scene["bob"]
    Member.objects.filter(pk=bob.pk).update(digest=False)
    Member.objects.filter(pk=scene["far"].pk).update(joined_at=None)
    with time_machine.travel(MONDAY, tick=False):
        ListingFactory(member=bob, kind=ListingKind.OFFER, title="Offre de Bob")
        ListingFactory(member=ada, kind=ListingKind.OFFER, title="Offre d'Ada")
        digest_send(due=False)
    assert list(_mails().values_list("to", flat=True)) == [ada.user.email]
    assert "Offre d'Ada" not in _mails().get().body  # never one's own listings


def test_a_step_of_someone_elses_exchange_is_not_in_my_digest(scene):
    ada, bob, far = scene["ada"], scene["bob"], scene["far"]
    Member.objects.exclude(pk=ada.pk).update(digest=False)
    with time_machine.travel(MONDAY, tick=False):
        exchange_between(bob, far, title="Échange de Bob et Zoé")
        assert digest_send(due=False) == 0
        mine = exchange_between(bob, ada, title="Le mien")
        start = timezone.now() + dt.timedelta(days=20)
        Step.objects.create(exchange=mine, title="Trop loin", starts_at=start, ends_at=start + dt.timedelta(hours=1))
        assert digest_send(due=False) == 1
        body = _mails().get().body
        assert "Échange de Bob et Zoé" not in body and "Le mien" in body and "Trop loin" not in body
    assert Participant.objects.filter(exchange=mine).count() == 2


def test_the_command_and_the_cron_job(scene):
    with time_machine.travel(MONDAY, tick=False):
        ListingFactory(member=scene["bob"], kind=ListingKind.OFFER, title="Nouvelle")
        out = StringIO()
        call_command("exchanges", "digest", "--due", stdout=out)
        assert "Récapitulatifs des échanges envoyés : 1." in out.getvalue()  # ada (69); not zoé (13)
    assert job_get("exchanges_digest").command == ("exchanges", "digest", "--due")
