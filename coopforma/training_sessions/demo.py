# SPDX-License-Identifier: AGPL-3.0-or-later
"""This app's part of the demo cooperative: four places and twenty-one sessions from about 22 months ago to next
month, with their slots, enrolments, funding lines and participants, through the training_sessions services (the
overlap, capacity and uniqueness rules are theirs). Dates are relative to the day of loading, so the states stay
coherent: past sessions are done, one is running this week, the next ones are upcoming, one is cancelled, one is
a draft.

The calendar below only picks working days on which a session's trainers and place are free; the services refuse
anything else. Statuses follow the workflow (confirmed → running → done, or cancelled with its reason); the
participants of a finished session are recorded as they ended (completed, one dropped out).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from coopforma.accounts.demo import DemoContext
from coopforma.people.demo import CLIENTS, TRAINERS, ClientSpec
from coopforma.training_sessions import services
from coopforma.training_sessions.models import Session

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# Half-days: 09:00–12:30 and 13:30–17:00 (7 hours a day).
HALF_DAYS = ((dt.time(9, 0), dt.time(12, 30)), (dt.time(13, 30), dt.time(17, 0)))


# --- Calendar ------------------------------------------------------------------------------------------


def _easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    lv = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * lv) // 433
    month, day = divmod(h + lv - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def french_public_holidays(year: int) -> set[dt.date]:
    easter = _easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    moving = [easter + dt.timedelta(days=n) for n in (1, 39, 50)]  # Easter Monday, Ascension, Whit Monday
    return {dt.date(year, m, d) for m, d in fixed} | set(moving)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in french_public_holidays(day.year)


def paris(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=PARIS)


# --- The data ------------------------------------------------------------------------------------------

PLACES = {
    "croix_rousse": {
        "name": "Maison des coopératives de la Croix-Rousse",
        "street": "14 rue des Tisserands",
        "postal_code": "69004",
        "city": "Lyon",
        "capacity": 16,
        "accessibility": (
            "Salle de plain-pied accessible en fauteuil ; toilettes adaptées ; boucle magnétique sur demande."
        ),
    },
    "guillotiere": {
        "name": "Tiers-lieu La Fabrique commune",
        "street": "45 rue de la Thibaudière",
        "postal_code": "69007",
        "city": "Lyon",
        "capacity": 20,
        "accessibility": "Accès par ascenseur ; salle au 1er étage ; métro Saxe-Gambetta à 300 m.",
        "access_notes": "Métro D Saxe-Gambetta, sortie rue de la Thibaudière ; sonner à « La Fabrique commune ».",
    },
    "villeurbanne": {
        "name": "Salle de l'Atelier partagé",
        "street": "12 rue Francis-de-Pressensé",
        "postal_code": "69100",
        "city": "Villeurbanne",
        "capacity": 14,
        "accessibility": "Rez-de-chaussée, entrée sans marche ; stationnement réservé devant l'entrée.",
    },
    "vallons": {
        "name": "Maison intercommunale des Vallons",
        "street": "2 place de la Mairie",
        "postal_code": "69290",
        "city": "Craponne",
        "capacity": 20,
        "accessibility": "Bâtiment public accessible (rampe et ascenseur).",
    },
}


@dataclass(frozen=True)
class EnrolmentSpec:
    client: str
    trainees: int = 0
    entrusted: int = 0  # trainees entrusted by another OF (counts only, BPF cadre G)
    price: int | None = None  # cents; default: inter price x trainees, or the intra price


@dataclass(frozen=True)
class SessionSpec:
    training: str
    trainers: tuple[str, ...]
    modules: tuple[tuple[int, int], ...]  # (week relative to the current week, days)
    place: str | None  # None: remote
    enrolments: tuple[EnrolmentSpec, ...]
    weekday: int = 1  # preferred first day of each module (0 = Monday)
    mornings_only: bool = False
    intra: bool = False
    status: str | None = None  # forced: "draft" or "cancelled"; otherwise from the dates
    cancelled_reason: str = ""
    subcontracted_out: bool = False
    min_capacity: int = 4
    max_capacity: int = 12
    notes: str = ""
    dropout: bool = False  # the last participant abandoned


def _subcontractor(spec: SessionSpec, field: str) -> str:
    """The OF a session is entrusted to: its first trainer, an independent with their own SIRET and NDA."""
    if not spec.subcontracted_out:
        return ""
    person = TRAINERS[spec.trainers[0]]
    if field == "name":
        return f"{person['first_name']} {person['last_name']}"
    return str(person.get(field, ""))


E = EnrolmentSpec
SESSIONS = [
    SessionSpec("formateurs", ("lea", "karim"), ((-96, 3),), "croix_rousse",
                (E("regie", 2), E("epicerie", 2), E("marion", 1), E("youssef", 1))),
    SessionSpec("comptabilite", ("karim",), ((-92, 2),), "villeurbanne", (E("velo", 3), E("charpente", 2))),
    SessionSpec("cooperation_territoriale", ("nadia",), ((-88, 3),), "guillotiere",
                (E("vallons", 5), E("centre_social", 3), E("bocal", 2))),
    SessionSpec("appels_offres", ("julien", "lea"), ((-84, 2),), "croix_rousse",
                (E("charpente", 3), E("velo", 2), E("bruno", 1))),
    SessionSpec("intelligence_collective", ("camille",), ((-80, 2),), "guillotiere",
                (E("centre_social", 8),), intra=True, notes="Session intra pour l'équipe d'animation."),
    SessionSpec("rgpd", ("camille",), ((-76, 2),), None,
                (E("epicerie", 2), E("chloe", 1), E("centre_social", 2)), mornings_only=True),
    SessionSpec("tiers_lieu", ("nadia", "thomas"), ((-72, 3), (-70, 2)), "guillotiere",
                (E("bocal", 3), E("chloe", 1), E("marion", 1), E("vallons", 2)), weekday=0),
    SessionSpec("gouvernance", ("julien",), ((-64, 2),), "villeurbanne", (E("charpente", 7),), intra=True),
    SessionSpec("fpa", ("lea",), ((-58, 3), (-56, 2)), "croix_rousse",
                (E("youssef", 1), E("chloe", 1), E("regie", 1), E("bruno", 1)), weekday=0),
    SessionSpec("formateurs", ("lea",), ((-50, 3),), "croix_rousse",
                (E("formaterra", entrusted=5, price=450000), E("epicerie", 2), E("regie", 1)),
                notes="Session mixte : cinq stagiaires confiés par l'Institut Formaterra (sous-traitance)."),
    SessionSpec("reunions", ("nadia",), ((-45, 1),), "vallons", (E("vallons", 9),), intra=True),
    SessionSpec("utilite_sociale", ("julien",), ((-40, 2),), "villeurbanne",
                (E("centre_social", 2), E("epicerie", 2), E("bocal", 2))),
    SessionSpec("cooperation_territoriale", ("thomas",), ((-34, 3),), "vallons", (E("vallons", 8),), intra=True,
                subcontracted_out=True,
                notes="Réalisée par Thomas Lefèvre, organisme sous-traitant (contrat de sous-traitance à émettre "
                      "depuis les documents de la session)."),
    SessionSpec("comptabilite", ("karim",), ((-28, 2),), "villeurbanne",
                (E("velo", 2), E("regie", 2), E("marion", 1)), dropout=True),
    SessionSpec("appels_offres", ("julien", "lea"), ((-20, 2),), "croix_rousse",
                (E("charpente", 2), E("bocal", 2), E("velo", 1))),
    SessionSpec("tiers_lieu", ("nadia",), ((-12, 3), (-10, 2)), "guillotiere", (E("bocal", 2), E("youssef", 1)),
                status="cancelled", min_capacity=6,
                cancelled_reason="Effectif minimum non atteint (3 inscrit·es pour 6 requis) ; reportée au printemps."),
    SessionSpec("intelligence_collective", ("camille",), ((-8, 2),), "guillotiere",
                (E("regie", 2), E("centre_social", 2), E("vallons", 3), E("bruno", 1))),
    SessionSpec("formateurs", ("lea",), ((-1, 2), (1, 1)), "croix_rousse",
                (E("regie", 2), E("epicerie", 1), E("chloe", 1), E("marion", 1)),
                notes="Deux jours la semaine dernière, le troisième la semaine prochaine."),
    SessionSpec("fpa", ("lea",), ((2, 3), (4, 2)), "croix_rousse",
                (E("youssef", 1), E("bruno", 1), E("regie", 1), E("epicerie", 1)), weekday=0),
    SessionSpec("appels_offres", ("lea", "julien"), ((3, 2),), None,
                (E("charpente", 2), E("bocal", 1), E("centre_social", 1)), weekday=3,
                notes="Session à distance (classe virtuelle)."),
    SessionSpec("gouvernance", ("sophie", "julien"), ((3, 2),), "villeurbanne", (E("bocal"),), status="draft",
                notes="Première session de Sophie Garnier, en binôme ; en attente de la convention de la SCIC."),
]  # fmt: skip


# --- Loading ---------------------------------------------------------------------------------------------


class _Calendar:
    """Finds whole free days for a session's trainers and place (the services refuse any overlap)."""

    def __init__(self, anchor_monday: dt.date) -> None:
        self.anchor = anchor_monday
        self.busy: set[tuple[str, dt.date]] = set()

    def book(self, resources: Iterable[str], week: int, weekday: int, days: int) -> list[dt.date]:
        keys = list(resources)
        start = self.anchor + dt.timedelta(weeks=week, days=weekday)
        while True:
            chosen: list[dt.date] = []
            day = start
            while len(chosen) < days:
                if is_working_day(day):
                    chosen.append(day)
                day += dt.timedelta(days=1)
            if not any((key, d) in self.busy for key in keys for d in chosen):
                break
            start += dt.timedelta(days=1)
        self.busy.update((key, d) for key in keys for d in chosen)
        return chosen


def _session_status(spec: SessionSpec, starts: dt.datetime, ends: dt.datetime, now: dt.datetime) -> str:
    if spec.status:
        return spec.status
    if ends <= now:
        return "done"
    return "running" if starts <= now else "confirmed"


# A participant's status as the session stands; a cancelled session's participants are registered, then cancelled
# with it (session_transition with cancel_enrolments).
PARTICIPANT_STATUS = {
    "done": "completed",
    "running": "attending",
    "confirmed": "registered",
    "cancelled": "registered",
    "draft": "registered",
}


def load(ctx: DemoContext) -> None:
    admin = ctx.actor("admin")
    for key, data in PLACES.items():
        ctx.places[key] = services.place_create(actor=admin, **data)
    today = ctx.today
    calendar = _Calendar(today - dt.timedelta(days=today.weekday()))
    now = timezone.now()
    client_specs = {spec.key: spec for spec in CLIENTS}
    next_in_pool = dict.fromkeys(ctx.trainees, 0)
    for number, spec in enumerate(SESSIONS, start=1):
        training = ctx.trainings[spec.training]
        resources = [f"trainer:{key}" for key in spec.trainers] + ([f"place:{spec.place}"] if spec.place else [])
        days = [d for week, n in spec.modules for d in calendar.book(resources, week, spec.weekday, n)]
        half_days = HALF_DAYS[:1] if spec.mornings_only else HALF_DAYS
        times = [(paris(d, start), paris(d, end)) for d in days for start, end in half_days]
        status = _session_status(spec, times[0][0], times[-1][1], now)
        place = ctx.places[spec.place] if spec.place else None
        remote_url = "" if place else f"https://visio.ensemble.example/session-{number:02d}"
        trainer_ids = [ctx.trainers[key].pk for key in spec.trainers]
        session = services.session_create(
            actor=admin,
            training_id=training.pk,
            status="draft" if status == "draft" else "confirmed",
            min_capacity=spec.min_capacity,
            max_capacity=spec.max_capacity,
            place_id=place.pk if place else None,
            remote_url=remote_url,
            is_public=not spec.intra and status in {"confirmed", "running"},
            notes=spec.notes,
        )
        services.session_update(
            actor=admin,
            session_id=session.pk,
            trainer_ids=trainer_ids,
            subcontracted_out=spec.subcontracted_out,
            # The OF the session is entrusted to: its lead trainer's own organisation (indicator 27).
            subcontractor_name=_subcontractor(spec, "name"),
            subcontractor_siret=_subcontractor(spec, "siret"),
            subcontractor_nda=_subcontractor(spec, "nda"),
        )
        for starts_at, ends_at in times:
            services.slot_create(
                actor=admin,
                session_id=session.pk,
                starts_at=starts_at,
                ends_at=ends_at,
                place_id=place.pk if place else None,
                remote_url=remote_url,
                trainer_ids=trainer_ids,
            )
        session.refresh_from_db()
        seats = []
        for enrolment_spec in spec.enrolments:
            enrolment = _enrol(ctx, session, spec=spec, enrolment_spec=enrolment_spec)
            pool = ctx.trainees[enrolment_spec.client]
            for _seat in range(enrolment_spec.trainees):
                trainee = pool[next_in_pool[enrolment_spec.client] % len(pool)]
                next_in_pool[enrolment_spec.client] += 1
                seats.append((enrolment, trainee, client_specs[enrolment_spec.client]))
        for n, (enrolment, trainee, client_spec) in enumerate(seats, start=1):
            dropped = spec.dropout and n == len(seats)
            services.participant_add(
                actor=admin,
                session_id=session.pk,
                enrolment_id=enrolment.pk,
                trainee_id=trainee.pk,
                bpf_trainee_type=client_spec.bpf_type,
                status="dropped_out" if dropped else PARTICIPANT_STATUS[status],
            )
        for step in STEPS[status]:
            services.session_transition(
                actor=admin,
                session_id=session.pk,
                status=step,
                reason=spec.cancelled_reason,
                cancel_enrolments=step == "cancelled",
            )


# The workflow's steps from the status a session is created with (draft or confirmed) to the one it has now.
STEPS = {
    "draft": (),
    "confirmed": (),
    "running": ("running",),
    "done": ("running", "done"),
    "cancelled": ("cancelled",),
}


def _enrol(ctx: DemoContext, session: Session, *, spec: SessionSpec, enrolment_spec: EnrolmentSpec) -> Any:
    training = session.training
    if enrolment_spec.price is not None:
        price = enrolment_spec.price
    elif spec.intra and training.price_intra_cents:
        price = training.price_intra_cents
    else:
        price = (training.price_inter_cents or 0) * max(enrolment_spec.trainees, 1)
    admin = ctx.actor("admin")
    contact = ctx.contacts.get(enrolment_spec.client)
    enrolment = services.enrolment_create(
        actor=admin,
        session_id=session.pk,
        client_id=ctx.clients[enrolment_spec.client].pk,
        contact_id=contact.pk if contact else None,
        # A draft session's enrolments wait for its confirmation; a cancelled one's are cancelled with it.
        status="provisional" if session.status == "draft" else "confirmed",
        price_cents=price,
        entrusted_trainees=enrolment_spec.entrusted,
        entrusted_minutes=enrolment_spec.entrusted * session.total_minutes,
    )
    client_spec = next(c for c in CLIENTS if c.key == enrolment_spec.client)
    for line in _funding_lines(client_spec, price, session_number=session.pk):
        services.funding_line_create(actor=admin, enrolment_id=enrolment.pk, **line)
    return enrolment


def _funding_lines(client: ClientSpec, price: int, *, session_number: int) -> list[dict[str, Any]]:
    """Who pays (Cerfa 10443 cadre C): the OPCO for companies, CPF or the person, the other OF, the employer."""
    if client.kind == "company":
        opco_amount = price * client.opco_share // 100
        lines = [
            {
                "payer_kind": "opco",
                "payer_name": client.opco,
                "scheme": "skills_plan",
                "amount_cents": opco_amount,
                "reference": f"PEC-{session_number:04d}-{client.key[:3].upper()}",
                "basis": "hours",  # the OPCO pays the hours realised (its prise en charge)
            }
        ]
        if price - opco_amount:
            lines.append({"payer_kind": "company", "payer_name": client.name, "amount_cents": price - opco_amount})
        return lines
    if client.kind == "individual" and client.payer == "cpf":
        return [
            {
                "payer_kind": "cpf",
                "payer_name": "Caisse des dépôts (Mon Compte Formation)",
                "scheme": "cpf",
                "amount_cents": price,
                "reference": f"CPF-{session_number:06d}",
            }
        ]
    if client.kind == "individual":
        # The contract bills the hours realised: a drop-out pays what was delivered (L6353-7, L6354-1).
        return [{"payer_kind": "individual", "payer_name": client.name, "amount_cents": price, "basis": "hours"}]
    if client.kind == "training_org":
        return [{"payer_kind": "other_of", "payer_name": client.name, "amount_cents": price}]
    return [{"payer_kind": "public_employer", "payer_name": client.name, "amount_cents": price}]
