# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo cooperative (`coopforma demo`) and the benchmark generator."""

import datetime as dt
import io
import json
import re
import shutil
import stat
from collections import defaultdict
from itertools import combinations

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient
from django.test import override_settings
from django.utils import timezone

from coopforma.accounts.models import Membership, Organisation, User
from coopforma.catalogue.models import Training
from coopforma.core.identifiers import validate_siret
from coopforma.core.log import history_for
from coopforma.core.models import ActivityLog
from coopforma.dashboard.demo import ACCOUNTS, DEMO_SLUG, generate_password, luhn_check_digit, siret_for
from coopforma.people.models import Client, Contact, MemberStructure, Trainee, Trainer
from coopforma.reporting.selectors import current_fiscal_year
from coopforma.training_sessions.models import Enrolment, FundingLine, Participant, Place, Session, Slot
from tests.module_data import load_once

MODELS = [
    Organisation,
    User,
    Membership,
    MemberStructure,
    Trainer,
    Training,
    Place,
    Client,
    Contact,
    Trainee,
    Session,
    Slot,
    Enrolment,
    FundingLine,
    Participant,
    ActivityLog,
]
SITE_URL = "https://demo.coopforma.example"
LOGIN_LINE = re.compile(r"^\s+(?P<email>\S+@\S+)\s+(?P<password>\S+)\s+(?P<role>.+)$", re.MULTILINE)


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The demo loaded once for the module, with var/ in a temporary directory: (output, var/, a copy of var/)."""
    var_dir, saved = tmp_path_factory.mktemp("var"), tmp_path_factory.mktemp("saved")

    def load() -> str:
        with override_settings(VAR_DIR=var_dir, SITE_URL=SITE_URL):
            return run_demo()

    with load_once(django_db_blocker, load) as output:
        shutil.copytree(var_dir, saved, dirs_exist_ok=True)
        yield output, var_dir, saved


@pytest.fixture
def demo(loaded_demo, db, settings):  # type: ignore[no-untyped-def]
    """The demo as loaded (a test's changes to the database are undone after it); returns the command's output."""
    output, var_dir, saved = loaded_demo
    settings.VAR_DIR = var_dir
    settings.SITE_URL = SITE_URL
    shutil.rmtree(var_dir)
    shutil.copytree(saved, var_dir)  # the generated passwords file, as the load left it (mode included)
    return output


@pytest.fixture
def org(demo):  # type: ignore[no-untyped-def]  # the demo's organisation (shadows the project-wide fixture)
    return Organisation.objects.get(slug=DEMO_SLUG)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def printed_logins(output: str) -> dict[str, str]:
    return {m["email"]: m["password"] for m in LOGIN_LINE.finditer(output)}


# --- Idempotence and logins -------------------------------------------------------------------------


def test_running_twice_changes_nothing(demo, settings):  # type: ignore[no-untyped-def]
    before = counts()
    assert before["Session"] > 0
    second = run_demo()
    assert counts() == before
    assert "déjà présente" in second
    assert printed_logins(second) == printed_logins(demo)


def test_output_gives_the_url_and_four_logins_with_roles(demo):  # type: ignore[no-untyped-def]
    assert "https://demo.coopforma.example" in demo
    logins = printed_logins(demo)
    assert set(logins) == {
        "claire.dubois@ensemble.example",
        "hugo.marchand@ensemble.example",
        "martine.girard@ateliers-du-rhone.example",
        "lea.moreau@ateliers-du-rhone.example",
    }
    for role in ("Administrateur·rice de l'OF", "Responsable formation / qualité", "Gérant·e de structure membre"):
        assert role in demo
    assert "Formateur·rice" in demo
    roles = dict(Membership.objects.filter(organisation__slug=DEMO_SLUG).values_list("user__email", "role"))
    assert sorted(roles.values()) == ["admin", "member_manager", "quality", "trainer"]


def test_each_demo_user_logs_in_with_the_printed_password(demo):  # type: ignore[no-untyped-def]
    logins = printed_logins(demo)
    assert len(logins) == 4
    for email, password in logins.items():
        browser = HttpClient()
        response = browser.post("/accounts/login/", {"username": email, "password": password})
        assert response.status_code == 302, email
        assert "/accounts/login/" not in response["Location"]
        home = browser.get("/", follow=True)
        assert home.redirect_chain[-1][0] == f"/o/{DEMO_SLUG}/"
        assert int(browser.session["_auth_user_id"]) == User.objects.get(email=email).pk
        refused = HttpClient().post("/accounts/login/", {"username": email, "password": password + "x"})
        assert refused.status_code == 200


def test_passwords_are_generated_kept_private_and_reused(demo, settings):  # type: ignore[no-untyped-def]
    path = settings.VAR_DIR / "demo-credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = {a["email"]: a["password"] for a in json.loads(path.read_text())["accounts"]}
    assert stored == printed_logins(demo)
    assert len(set(stored.values())) == 4
    assert all(len(password) >= 16 for password in stored.values())
    assert generate_password() != generate_password()
    # The file is lost but the demo is still there: new passwords, set on the accounts, then reused.
    path.unlink()
    renewed = printed_logins(run_demo())
    assert renewed.keys() == stored.keys() and not set(renewed.values()) & set(stored.values())
    assert all(User.objects.get(email=e).check_password(p) for e, p in renewed.items())
    assert printed_logins(run_demo()) == renewed


# --- What the demo contains -------------------------------------------------------------------------


def test_the_organisation_is_a_complete_of(org):  # type: ignore[no-untyped-def]
    assert org.name == "Coopérative de formation Ensemble"
    assert org.legal_form.startswith("SCIC SAS")
    assert org.naf_code == "85.59A" and len(org.nda) == 11 and org.city == "Lyon"
    validate_siret(org.siret)
    assert org.head_name and org.disability_referent_name and org.qualiopi_certifier
    assert org.qualiopi_categories == ["training"]
    assert org.qualiopi_valid_from < timezone.localdate() < org.qualiopi_valid_until


def test_structures_and_trainers(org):  # type: ignore[no-untyped-def]
    structures = {s.kind: s for s in MemberStructure.objects.filter(organisation=org)}
    assert set(structures) == {"cae", "scop", "association", "independent"}
    assert sorted(str(s.contribution_rate) for s in structures.values()) == ["10.00", "10.00", "12.00", "8.00"]
    assert list(structures["cae"].managers.values_list("email", flat=True)) == [
        "martine.girard@ateliers-du-rhone.example"
    ]
    trainers = Trainer.objects.filter(organisation=org)
    assert trainers.count() == 8
    assert {t.member_structure.kind for t in trainers} == set(structures)
    states = [t.onboarding_state for t in trainers]
    assert states.count("applied") == states.count("validated") == states.count("suspended") == 1
    assert states.count("active") == 5
    statuses = [t.status for t in trainers]
    assert statuses.count("subcontractor") == 1 and "entrepreneur" in statuses and "employee" in statuses
    subcontractor = trainers.get(status="subcontractor")
    validate_siret(subcontractor.siret)
    assert len(subcontractor.nda) == 11
    assert trainers.get(onboarding_state="suspended").suspension_reason
    assert trainers.get(onboarding_state="applied").decided_at is None


def test_trainings_have_complete_programmes(org):  # type: ignore[no-untyped-def]
    trainings = Training.objects.filter(organisation=org)
    assert trainings.count() >= 12
    titles = set(trainings.values_list("title", flat=True))
    assert {
        "Formation de formateurs en coopérative",
        "Coopérer pour répondre aux appels d'offres",
        "Animer une coopération territoriale",
    } <= titles
    for training in trainings:
        assert len(training.objectives) >= 3, training.title
        for name in ("summary", "audience", "prerequisites", "content", "methods", "evaluation_methods"):
            assert getattr(training, name).strip(), (training.title, name)
        assert "handicap" in training.accessibility
        assert training.nsf_code and training.formacode and training.bpf_objective
        assert training.price_inter_cents and training.price_inter_cents % 100 == 0
        assert training.duration_minutes > 0 and training.trainers.exists()
    assert trainings.filter(certification_kind="rs", bpf_objective="b").exclude(certification_code="").exists()
    rncp = trainings.get(certification_kind="rncp")
    assert rncp.bpf_objective == "a" and rncp.rncp_level == 5 and rncp.certification_code.startswith("RNCP")
    assert trainings.filter(status="validated").count() >= 11


def test_sessions_over_two_years_with_every_state(org):  # type: ignore[no-untyped-def]
    sessions = Session.objects.filter(organisation=org)
    assert 18 <= sessions.count() <= 24
    assert len({s.start_date.year for s in sessions}) >= 2
    statuses = [s.status for s in sessions]
    assert statuses.count("cancelled") == 1 and statuses.count("draft") == 1
    assert statuses.count("running") >= 1 and statuses.count("confirmed") >= 1 and statuses.count("done") >= 10
    assert sessions.get(status="cancelled").cancelled_reason
    now = timezone.now()
    for session in sessions.exclude(status__in=["draft", "cancelled"]):
        first, last = session.slots.first(), session.slots.last()
        expected = "done" if last.ends_at <= now else "running" if first.starts_at <= now else "confirmed"
        assert session.status == expected, session
    remote = sessions.filter(place__isnull=True)
    assert remote.exists() and all(s.remote_url for s in remote)
    assert sessions.filter(subcontracted_out=True).exists()


def test_slots_are_half_days_in_paris_consistent_with_the_session(org):  # type: ignore[no-untyped-def]
    for session in Session.objects.filter(organisation=org).prefetch_related("slots"):
        slots = list(session.slots.all())
        assert slots, session
        for slot in slots:
            local = (timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at))
            assert (local[0].strftime("%H:%M"), local[1].strftime("%H:%M")) in {("09:00", "12:30"), ("13:30", "17:00")}
            assert local[0].weekday() < 5
            assert slot.place_id == session.place_id
        assert session.total_minutes == sum(slot.minutes for slot in slots)
        assert session.total_minutes == session.training.duration_minutes
        assert session.start_date == timezone.localtime(slots[0].starts_at).date()
        assert session.end_date == timezone.localtime(slots[-1].ends_at).date()


def test_no_two_slots_of_one_trainer_or_place_overlap(org):  # type: ignore[no-untyped-def]
    by_trainer, by_place = defaultdict(list), defaultdict(list)
    for slot in Slot.objects.filter(organisation=org).prefetch_related("trainers"):
        for trainer in slot.trainers.all():
            by_trainer[trainer.pk].append(slot)
        if slot.place_id:
            by_place[slot.place_id].append(slot)
    assert len(by_trainer) >= 6 and len(by_place) >= 3
    for slots in [*by_trainer.values(), *by_place.values()]:
        for a, b in combinations(slots, 2):
            assert a.ends_at <= b.starts_at or b.ends_at <= a.starts_at, (a, b)


def test_clients_of_every_kind_with_their_funding(org):  # type: ignore[no-untyped-def]
    clients = Client.objects.filter(organisation=org)
    assert set(clients.values_list("kind", flat=True)) == {"company", "individual", "training_org", "public_body"}
    for client in clients.exclude(kind="individual"):
        validate_siret(client.siret)
    lines = FundingLine.objects.filter(organisation=org)
    assert lines.filter(payer_kind="opco", scheme="skills_plan").exists()
    assert lines.filter(payer_kind="cpf", scheme="cpf").exists()
    assert {"individual", "other_of", "public_employer", "company"} <= set(lines.values_list("payer_kind", flat=True))
    for enrolment in Enrolment.objects.filter(organisation=org).prefetch_related("funding_lines"):
        assert sum(line.amount_cents for line in enrolment.funding_lines.all()) == enrolment.price_cents
    subcontracting = Enrolment.objects.get(organisation=org, client__kind="training_org")
    assert subcontracting.entrusted_trainees > 0
    assert subcontracting.entrusted_minutes == subcontracting.entrusted_trainees * subcontracting.session.total_minutes
    assert not subcontracting.participants.exists()


def test_trainees_and_participants(org):  # type: ignore[no-untyped-def]
    assert Trainee.objects.filter(organisation=org).count() >= 55
    participants = Participant.objects.filter(organisation=org).select_related("session", "enrolment", "trainee")
    assert set(participants.values_list("bpf_trainee_type", flat=True)) >= {"a", "c", "d", "e"}
    assert participants.filter(status="dropped_out").count() == 1
    for participant in participants:
        assert participant.enrolment.session_id == participant.session_id
        assert participant.trainee.client_id == participant.enrolment.client_id
        if participant.session.status == "done":
            assert participant.status in {"completed", "dropped_out"}
        if participant.session.status == "cancelled":
            assert participant.status == "cancelled"
    for session in Session.objects.filter(organisation=org):
        seated = session.participants.exclude(status="cancelled").count()
        entrusted = sum(e.entrusted_trainees for e in session.enrolments.exclude(status="cancelled"))
        assert seated + entrusted <= session.max_capacity, session


def test_demo_trainer_and_manager_see_real_work(org):  # type: ignore[no-untyped-def]
    trainer = Trainer.objects.get(organisation=org, user__email="lea.moreau@ateliers-du-rhone.example")
    assert trainer.onboarding_state == "active"
    upcoming = trainer.sessions.filter(status="confirmed", start_date__gt=timezone.localdate())
    assert upcoming.count() >= 2
    assert trainer.sessions.filter(status="running").exists()
    cae = MemberStructure.objects.get(organisation=org, kind="cae")
    assert Session.objects.filter(member_structure=cae).count() >= 3


def test_every_record_passes_full_clean(org):  # type: ignore[no-untyped-def]
    checked = 0
    for model in MODELS:
        if model in (ActivityLog, User, Organisation):
            continue
        for obj in model.objects.filter(organisation=org):
            obj.full_clean()
            checked += 1
    org.full_clean()
    for user in User.objects.filter(memberships__organisation=org):
        user.full_clean()
    assert checked > 300


def test_main_records_have_a_history(org):  # type: ignore[no-untyped-def]
    """Every record was created through its app's service, which logged it (then its later events)."""
    for model, action in [
        (Session, "sessions.session.created"),
        (Trainer, "people.trainer.proposed"),
        (Training, "catalogue.training.created"),
        (Client, "people.client.created"),
        (Trainee, "people.trainee.created"),
        (Enrolment, "sessions.enrolment.created"),
        (Place, "sessions.place.created"),
        (MemberStructure, "people.member.created"),
    ]:
        for obj in model.objects.filter(organisation=org):
            actions = [log.action for log in history_for(obj)]
            assert actions[-1:] == [action], (obj, actions)
            assert action not in actions[:-1], (obj, actions)
    assert history_for(org).filter(action="accounts.organisation.created").exists()
    assert not ActivityLog.objects.filter(action__regex=r"^demo\.(session|trainer|training|client|trainee)").exists()


def test_luhn_helper_makes_valid_sirets():  # type: ignore[no-untyped-def]
    assert luhn_check_digit("73282932") == "0"  # SIREN 732 829 320 (INSEE's own example)
    for n in (0, 1, 12_345_678, 35_600_000, 99_999_999):
        validate_siret(siret_for(n, establishment=n % 7 + 1))
    assert not siret_for(35_600_000).startswith("356000000")


# --- The benchmark generator, on a small size ---------------------------------------------------------


@pytest.mark.parametrize(
    "now",
    [
        "2026-11-18T10:00:00+01:00",  # a Wednesday at 10:00: a session used to start that morning, "running"
        "2026-12-31T23:30:00+01:00",
        "2027-01-01T00:10:00+01:00",
        "2027-03-28T03:30:00+02:00",  # the night of the change to summer time
    ],
)
def test_benchmark_generator_small(db, now):  # type: ignore[no-untyped-def]
    from benchmarks.generate import generate

    world = generate(sessions=40, trainees=600, trainers=8, clients=60, now=dt.datetime.fromisoformat(now))
    sessions = Session.objects.filter(organisation=world.organisation)
    assert sessions.count() == 40 and Slot.objects.filter(session__in=sessions).count() == 160
    assert Trainee.objects.filter(organisation=world.organisation).count() == 600
    assert Participant.objects.filter(organisation=world.organisation).count() == 600
    assert Participant.objects.filter(session_id=world.big_session_id).count() == 30
    assert {s.status for s in sessions} == {"done", "confirmed", "cancelled"}
    for session in sessions:
        assert 0 < session.participants.count() <= session.max_capacity
    by_trainer = defaultdict(list)
    for slot in Slot.objects.filter(session__in=sessions).prefetch_related("trainers"):
        for trainer in slot.trainers.all():
            by_trainer[trainer.pk].append(slot)
    for slots in by_trainer.values():
        for a, b in combinations(slots, 2):
            assert a.ends_at <= b.starts_at or b.ends_at <= a.starts_at
    for obj in [sessions.first(), Participant.objects.filter(organisation=world.organisation).first()]:
        obj.full_clean()
    with pytest.raises(ValueError):
        generate(sessions=10, trainees=20)


def test_demo_snapshot_describes_the_loaded_demo(org, tmp_path):  # type: ignore[no-untyped-def]
    """`coopforma demo_snapshot` (to compare the demo before and after a change): the BPF of its three years, the
    tables' counts, the invoices and the sessions, as JSON."""
    path = tmp_path / "snapshot.json"
    call_command("demo_snapshot", output=path)
    data = json.loads(path.read_text(encoding="utf-8"))
    year = current_fiscal_year(org)
    assert sorted(data["bpf"]) == [str(year - 2), str(year - 1), str(year)]
    assert data["bpf"][str(year - 1)]["year"] == year - 1
    assert data["counts"]["training_sessions.Session"] == Session.objects.filter(organisation=org).count()
    numbers = [i["number"] for i in data["invoices"] if i["number"]]
    assert numbers and len(numbers) == len(set(numbers))
    assert len(data["sessions"]) == data["counts"]["training_sessions.Session"]
    assert [email for email, _role in data["logins"]] == sorted(a.email for a in ACCOUNTS)


def test_the_demo_dashboards_chase_what_is_late(demo, org):  # type: ignore[no-untyped-def]
    """Issue 14, point 3, on the demo: a past slot left unsigned and the Qualiopi renewal window are chased."""
    from coopforma.accounts.actor import actor_for
    from coopforma.dashboard.selectors import dashboard_for

    seen = {}
    for membership in Membership.objects.filter(organisation=org, is_active=True).select_related("user"):
        actor = actor_for(membership.user, org, membership.role)
        seen[membership.role] = " | ".join(t.label for t in dashboard_for(actor=actor).tasks)
    for role in ("admin", "quality", "member_manager", "trainer"):
        assert "sans émargement clos" in seen[role], role
    assert "Audit de renouvellement Qualiopi à planifier : fenêtre ouverte depuis le" in seen["quality"]
    assert "certificat" not in seen["trainer"] and "Qualiopi" not in seen["trainer"]
