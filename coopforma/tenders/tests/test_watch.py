# SPDX-License-Identifier: AGPL-3.0-or-later
"""Watch profiles: the matching function, and the digest e-mail (sent once per notice and profile, nothing when
nothing is new, daily or on Mondays)."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from coopforma.core.models import OutboundEmail
from coopforma.core.periodic import job_get
from coopforma.tenders import services
from coopforma.tenders.digest import PURPOSE, digest_send
from coopforma.tenders.models import DigestEntry, Frequency, Notice, WatchProfile
from coopforma.tenders.tests.factories import import_fixture, scenario
from coopforma.tenders.training import is_training, match, search_words

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY = dt.datetime(2026, 3, 16, 9, 0, tzinfo=PARIS)  # before the fixture's deadlines


def profile(**fields):  # type: ignore[no-untyped-def]
    return WatchProfile(**{"cpv_prefixes": "", "keywords": "", "departements": "", "reserved_first": True, **fields})


def notice(**fields):  # type: ignore[no-untyped-def]
    values = {"cpv_codes": [], "departements": [], "search_text": "", "reserved_ess": False, "amount_cents": None}
    values.update(fields)
    return Notice(**values)


def test_training_notices_by_cpv_neighbour_or_words():
    assert is_training(["80530000"], "Nettoyage")
    assert is_training(["79632000"], "Prestations")
    assert is_training(["79998000"], "Coaching des encadrants")
    assert not is_training(["79998000"], "Prestations diverses")
    assert not is_training(["73200000"], "Conseil en recherche sur les matériaux")
    assert is_training(["73200000"], "Recherche-action et formation des agents")
    assert is_training([], "Accompagnement des élus")
    assert is_training([], "Formations professionnelles des agents")
    assert not is_training(["45261000"], "Réfection de la toiture")


def test_matching_by_cpv_keywords_departements_amounts():
    text = search_words("Formation-action « animer la coopération territoriale »")
    training = notice(cpv_codes=["80530000", "80570000"], departements=["26"], search_text=text, amount_cents=50_000_00)
    assert match(profile(cpv_prefixes="805"), training).score == 3
    assert match(profile(cpv_prefixes="8058"), training) is None
    # keywords: without accents, plural or not
    found = match(profile(keywords="Cooperations\nterritoriales"), training)
    assert found.score == 4 and found.reasons == ("« Cooperations »", "« territoriales »")
    assert match(profile(keywords="insertion"), training) is None
    # départements and amounts are hard filters
    assert match(profile(cpv_prefixes="805", departements="07 38"), training) is None
    assert match(profile(cpv_prefixes="805", departements="26 07"), training).score == 4
    assert match(profile(cpv_prefixes="805", max_amount_cents=10_000_00), training) is None
    assert match(profile(cpv_prefixes="805", min_amount_cents=10_000_00), training) is not None
    # a profile without CPV nor keywords takes every training notice
    assert match(profile(), training).score == 0


def test_reserved_ess_contracts_come_first():
    reserved = notice(cpv_codes=["80511000"], reserved_ess=True)
    plain = notice(cpv_codes=["80511000"])
    ask = profile(cpv_prefixes="805")
    assert match(ask, reserved).score > match(ask, plain).score
    assert match(profile(cpv_prefixes="805", reserved_first=False), reserved).score == match(ask, plain).score


def test_profile_input_is_checked():
    s = scenario()
    actor = s.actor(s.coop_user)
    with pytest.raises(ValidationError) as error:
        services.watch_profile_create(
            actor=actor, organisation_id=s.coop.pk, name="Veille", cpv_prefixes="80A", frequency="daily"
        )
    assert "n'est pas un début de code CPV" in str(error.value)
    with pytest.raises(ValidationError, match="département"):
        services.watch_profile_create(actor=actor, organisation_id=s.coop.pk, name="V", departements="Drôme")
    with pytest.raises(ValidationError, match="maximum"):
        services.watch_profile_create(
            actor=actor, organisation_id=s.coop.pk, name="V", min_amount_cents=10, max_amount_cents=5
        )
    assert not WatchProfile.objects.exists()


def test_digest_sends_new_matches_once_reserved_first():
    s = scenario()
    with time_machine.travel(MONDAY, tick=False):
        import_fixture()
        created = services.watch_profile_create(
            actor=s.actor(s.coop_user),
            organisation_id=s.coop.pk,
            name="Formation du personnel",
            cpv_prefixes="805",
            frequency=Frequency.WEEKLY,
        )
        assert digest_send() == 1
        mail = OutboundEmail.objects.get(purpose=PURPOSE)
        assert mail.to == s.coop_user.email and mail.organisation == s.coop
        assert "3 nouveaux appels d'offres" in mail.subject  # the open calls; not the rectification nor the award
        body = mail.body
        assert body.index("Accord-cadre de formation du personnel") < body.index("Formation-action")  # ESS first
        assert "Marché réservé à l'ESS" in body and "COMMUNAUTÉ DE COMMUNES EXEMPLE" in body
        assert "17 avril 2026" in body  # the deadline after the rectification
        assert "/reseaux/reseau-coop/appels-d-offres/avis/00-90002/" in body
        assert DigestEntry.objects.filter(profile=created).count() == 3
        # the same day again: nothing (already sent, and not due)
        assert digest_send() == 0
        assert digest_send(due=False) == 0  # forced: still nothing new
    with time_machine.travel(MONDAY + dt.timedelta(days=7), tick=False):
        assert digest_send() == 0  # due, but nothing new: no e-mail
    assert OutboundEmail.objects.filter(purpose=PURPOSE).count() == 1


def test_daily_profile_and_command_and_cron_job():
    s = scenario()
    tuesday = MONDAY + dt.timedelta(days=1)
    with time_machine.travel(tuesday, tick=False):
        services.watch_profile_create(
            actor=s.actor(s.coop_user),
            organisation_id=s.coop.pk,
            name="Langues",
            keywords="langues",
            frequency=Frequency.DAILY,
        )
        weekly = services.watch_profile_create(
            actor=s.actor(s.coop_user), organisation_id=s.coop.pk, name="Hebdo", frequency=Frequency.WEEKLY
        )
        import_fixture()
        out = io.StringIO()
        call_command("tenders", "digest", "--due", stdout=out)
        assert out.getvalue().startswith("1 récapitulatif")  # the daily one; the weekly waits for Monday
        mail = OutboundEmail.objects.get(purpose=PURPOSE)
        assert "Cours de langues" in mail.body and "1 nouvel appel d'offres" in mail.subject
        assert not DigestEntry.objects.filter(profile=weekly).exists()
    assert job_get("tenders_digest").command == ("tenders", "digest", "--due")


def test_cancelled_or_closed_notices_are_not_sent():
    s = scenario()
    with time_machine.travel(MONDAY, tick=False):
        import_fixture()
        Notice.objects.filter(idweb="00-90005").update(cancelled=True)
        Notice.objects.filter(idweb="00-90002").update(current_deadline=MONDAY - dt.timedelta(days=1))
        services.watch_profile_create(actor=s.actor(s.coop_user), organisation_id=s.coop.pk, name="Tout")
        digest_send(due=False)
        body = OutboundEmail.objects.get(purpose=PURPOSE).body
    assert "Formation-action" in body and "Cours de langues" not in body and "Accord-cadre" not in body
