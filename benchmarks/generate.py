# SPDX-License-Identifier: AGPL-3.0-or-later
"""A large organisation for the page benchmarks, written fast with bulk_create (no services, no activity log).

The records keep the model rules that matter for the pages: valid SIRETs (Luhn), one trainer and one place
per day (no overlapping slots), capacity respected, one enrolment per client and per session, one
participation per trainee and per session, every trainee enrolled through a client. Session 0 has exactly
`big_session_size` trainees (the detail page to measure); the others share the remaining trainees.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from coopforma.accounts.demo import siret_for
from coopforma.accounts.models import Membership, Organisation, User
from coopforma.accounts.roles import Role
from coopforma.catalogue.models import Training
from coopforma.people.models import Client, MemberStructure, Trainee, Trainer
from coopforma.training_sessions.demo import HALF_DAYS, is_working_day, paris
from coopforma.training_sessions.models import Enrolment, FundingLine, Participant, Place, Session, Slot

BENCH_SLUG = "bench"
BATCH = 1000
CHUNK = 500  # sessions whose enrolments, trainees and participants are built and inserted together

KINDS = ["cae", "scop", "association", "independent", "scic", "cae", "scop", "association"]
FIRST = ["Alice", "Bruno", "Chloé", "David", "Emma", "Farid", "Gaëlle", "Hugo", "Inès", "Jules", "Karima", "Louis"]
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon"]
PARTICIPANT_STATUS = {"done": "completed", "running": "attending", "cancelled": "cancelled"}


@dataclass
class BenchWorld:
    organisation: Organisation
    admin: User
    big_session_id: int
    counts: dict[str, int] = field(default_factory=dict)


def _working_days(start: dt.date, count: int, step: int = 1) -> list[dt.date]:
    """`count` working days from `start` (included), going forward (step 1) or back (step -1), in date order."""
    days: list[dt.date] = []
    day = start
    while len(days) < count:
        if is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=step)
    return sorted(days)


def _split(total: int, parts: int) -> list[int]:
    """`total` in `parts` nearly equal integers (the first ones get the remainder)."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


@transaction.atomic
def generate(
    *,
    sessions: int,
    trainees: int,
    trainers: int = 50,
    clients: int = 600,
    big_session_size: int = 30,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
    say: Callable[[str], None] = lambda message: None,
) -> BenchWorld:
    if sessions < 1 or trainees < big_session_size + (sessions - 1):
        raise ValueError(
            f"need at least 1 session and {big_session_size} + (sessions - 1) trainees (every session has one)"
        )
    # `now` decides the statuses (done, running, confirmed); `today` (by default the date of `now`) where the
    # sessions lie. A test passes `now`: nothing here reads the clock then.
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    trainers = max(1, min(trainers, sessions))
    org = Organisation(
        name="OF de mesure",
        slug=BENCH_SLUG,
        legal_form="SCIC SAS",
        siret=siret_for(99_000_001),
        naf_code="85.59A",
        nda="84690000169",
        city="Lyon",
    )
    org.full_clean()
    org.save()
    admin = User.objects.create_user("bench-admin@bench.example", first_name="Ada", last_name="Mesure")
    Membership.objects.create(user=admin, organisation=org, role=Role.ADMIN)

    structures = MemberStructure.objects.bulk_create(
        MemberStructure(organisation=org, name=f"Structure {i + 1}", kind=kind, siret=siret_for(98_000_000 + i))
        for i, kind in enumerate(KINDS)
    )
    trainer_objs = Trainer.objects.bulk_create(
        Trainer(
            organisation=org,
            member_structure=structures[i % len(structures)],
            first_name=FIRST[i % len(FIRST)],
            last_name=f"{LAST[i % len(LAST)]}-{i + 1}",
            email=f"formateur{i + 1}@bench.example",
            status="entrepreneur",
            onboarding_state="active",
        )
        for i in range(trainers)
    )
    training_objs = Training.objects.bulk_create(
        Training(
            organisation=org,
            member_structure=structures[i % len(structures)],
            title=f"Formation {i + 1:03d} : coopérer sur son territoire",
            summary="Programme de mesure.",
            objectives=["Identifier les acteurs", "Animer une réunion"],
            audience="Salarié·es de coopératives",
            prerequisites="Aucun",
            content="Jour 1 : diagnostic. Jour 2 : animation.",
            duration_minutes=14 * 60,
            methods="Apports et mises en situation",
            evaluation_methods="Mise en situation finale",
            accessibility="Locaux accessibles",
            price_inter_cents=60000,
            nsf_code="333",
            formacode="44586",
            bpf_objective="d",
            status="validated",
            is_public=True,
        )
        for i in range(trainers + 10)
    )
    Training.trainers.through.objects.bulk_create(
        Training.trainers.through(training_id=training_objs[i].pk, trainer_id=trainer_objs[i].pk)
        for i in range(trainers)
    )
    places = Place.objects.bulk_create(
        Place(organisation=org, name=f"Salle {i + 1}", city="Lyon", postal_code="69001", capacity=40)
        for i in range(trainers)
    )
    client_kinds = ["company"] * 16 + ["individual", "individual", "training_org", "public_body"]
    client_objs = Client.objects.bulk_create(
        (
            Client(
                organisation=org,
                kind=client_kinds[i % len(client_kinds)],
                name=f"Client {i + 1:04d}",
                siret=siret_for(97_000_000 + i),
                opco="Uniformation",
                city="Lyon",
            )
            for i in range(clients)
        ),
        batch_size=BATCH,
    )
    companies = [c for c in client_objs if c.kind == "company"]
    say(f"organisation, {len(structures)} structures, {trainers} trainers, {len(training_objs)} trainings")

    # Trainer t (and their place) gives one 2-day session every 3 working days: never two slots at once.
    # Three rounds in four are over, on the working days before `today`; the others come after it. No session
    # is on `today` itself, so the statuses depend on the date of `now`, not on its hour.
    rounds = math.ceil(sessions / trainers)
    past_rounds = min(rounds - 1, round(rounds * 0.75)) if rounds > 1 else 0
    days = [
        *_working_days(today - dt.timedelta(days=1), past_rounds * 3, step=-1),
        *_working_days(today + dt.timedelta(days=1), (rounds - past_rounds) * 3),
    ]
    sizes = [big_session_size, *(_split(trainees - big_session_size, sessions - 1) if sessions > 1 else [])]
    session_objs: list[Session] = []
    for i in range(sessions):
        t, seq = i % trainers, i // trainers
        first, second = days[seq * 3], days[seq * 3 + 1]
        starts, ends = paris(first, HALF_DAYS[0][0]), paris(second, HALF_DAYS[1][1])
        status = "done" if ends <= now else "running" if starts <= now else "confirmed"
        if i % 97 == 13:
            status = "cancelled"
        remote = i % 5 == 4
        training = training_objs[t]
        session_objs.append(
            Session(
                organisation=org,
                training=training,
                member_structure=training.member_structure,
                title=training.title,
                programme=training.programme_snapshot(),
                status=status,
                min_capacity=1,
                max_capacity=max(sizes[i], 12),
                place=None if remote else places[t],
                remote_url=f"https://visio.bench.example/{i}" if remote else "",
                start_date=first,
                end_date=second,
                total_minutes=4 * 210,
            )
        )
    session_objs = Session.objects.bulk_create(session_objs, batch_size=BATCH)
    Session.trainers.through.objects.bulk_create(
        (
            Session.trainers.through(session_id=s.pk, trainer_id=trainer_objs[i % trainers].pk)
            for i, s in enumerate(session_objs)
        ),
        batch_size=BATCH,
    )
    slot_objs = Slot.objects.bulk_create(
        (
            Slot(
                organisation=org,
                session=s,
                starts_at=paris(day, start),
                ends_at=paris(day, end),
                place=s.place,
                remote_url=s.remote_url,
            )
            for s in session_objs
            for day in (s.start_date, s.end_date)
            for start, end in HALF_DAYS
        ),
        batch_size=BATCH,
    )
    trainer_of_session = {s.pk: trainer_objs[i % trainers].pk for i, s in enumerate(session_objs)}
    Slot.trainers.through.objects.bulk_create(
        (Slot.trainers.through(slot_id=slot.pk, trainer_id=trainer_of_session[slot.session_id]) for slot in slot_objs),
        batch_size=BATCH,
    )
    say(f"{len(session_objs)} sessions, {len(slot_objs)} slots")

    counts = {"enrolments": 0, "trainees": 0, "participants": 0, "funding_lines": 0}
    for chunk_start in range(0, sessions, CHUNK):
        enrolments: list[Enrolment] = []
        groups: list[tuple[Enrolment, int]] = []
        for i in range(chunk_start, min(chunk_start + CHUNK, sessions)):
            session, size = session_objs[i], sizes[i]
            parts = _split(size, min(3, size))
            for j, part in enumerate(parts):
                client = companies[(i * 7 + j * 13) % len(companies)]
                enrolment = Enrolment(
                    organisation=org,
                    session=session,
                    client=client,
                    status="cancelled" if session.status == "cancelled" else "confirmed",
                    price_cents=60000 * part,
                )
                enrolments.append(enrolment)
                groups.append((enrolment, part))
        Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
        FundingLine.objects.bulk_create(
            (
                FundingLine(
                    organisation=org,
                    enrolment=e,
                    payer_kind="opco",
                    payer_name="Uniformation",
                    scheme="skills_plan",
                    amount_cents=e.price_cents,
                )
                for e in enrolments
            ),
            batch_size=BATCH,
        )
        pairs: list[tuple[Enrolment, Trainee]] = []
        for enrolment, part in groups:
            for _ in range(part):
                n = counts["trainees"] + len(pairs)
                trainee = Trainee(
                    organisation=org,
                    first_name=FIRST[n % len(FIRST)],
                    last_name=f"{LAST[n % len(LAST)]} {n + 1}",
                    email=f"stagiaire{n + 1}@bench.example",
                    client=enrolment.client,
                )
                pairs.append((enrolment, trainee))
        Trainee.objects.bulk_create([trainee for _, trainee in pairs], batch_size=BATCH)
        participants = [
            Participant(
                organisation=org,
                session_id=enrolment.session_id,
                enrolment=enrolment,
                trainee=trainee,
                bpf_trainee_type="a",
                status=PARTICIPANT_STATUS.get(enrolment.session.status, "registered"),
            )
            for enrolment, trainee in pairs
        ]
        Participant.objects.bulk_create(participants, batch_size=BATCH)
        counts["enrolments"] += len(enrolments)
        counts["funding_lines"] += len(enrolments)
        counts["trainees"] += len(pairs)
        counts["participants"] += len(participants)
    counts.update(sessions=len(session_objs), slots=len(slot_objs), trainers=trainers, clients=len(client_objs))
    say(f"{counts['enrolments']} enrolments, {counts['trainees']} trainees, {counts['participants']} participants")
    return BenchWorld(organisation=org, admin=admin, big_session_id=session_objs[0].pk, counts=counts)
