# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo cooperative (`coopforma demo`): a realistic shared OF, loaded once, with its logins.

« Coopérative de formation Ensemble » (SCIC SAS, Lyon) pools the training activity of four member
structures. Everything is fictional: SIRETs are generated with a valid Luhn key, NDAs have the 11 digits of
the DREETS format, people and companies are invented. Dates are relative to the day of loading (sessions
from about 22 months ago to next month), so the states stay coherent: past sessions are done, one is
running this week, the next ones are upcoming.

The services of people, catalogue and training_sessions are not used on purpose: the demo is written
with the ORM, every record through `full_clean()` (the same model rules), and the scheduler below keeps
the rules the services enforce (no overlapping slots for one trainer or one place, capacity respected,
one enrolment per client and per session, one participation per trainee and per session).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts import demo as accounts_demo
from coopforma.accounts.demo import (  # noqa: F401  (the names the tests and benchmarks import from here)
    ACCOUNTS,
    DEMO_NAME,
    DEMO_SLUG,
    DemoContext,
    luhn_check_digit,
    siret_for,
)
from coopforma.accounts.models import Organisation, User
from coopforma.accounts.roles import Role
from coopforma.attendance import demo as attendance_demo
from coopforma.billing import demo as billing_demo
from coopforma.catalogue import demo as catalogue_demo
from coopforma.catalogue.models import Training
from coopforma.core.log import log_action
from coopforma.evaluations import demo as evaluations_demo
from coopforma.people import demo as people_demo
from coopforma.people.demo import CLIENTS, TRAINERS, ClientSpec
from coopforma.people.models import Client, Contact, Trainee, Trainer
from coopforma.quality import demo as quality_demo
from coopforma.reporting import demo as reporting_demo
from coopforma.training_sessions.models import Enrolment, FundingLine, Participant, Place, Session, Slot

CREDENTIALS_FILE = "demo-credentials.json"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# Half-days: 09:00–12:30 and 13:30–17:00 (7 hours a day).
HALF_DAYS = ((dt.time(9, 0), dt.time(12, 30)), (dt.time(13, 30), dt.time(17, 0)))


# --- Calendar -------------------------------------------------------------------------------------


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


# --- The data -------------------------------------------------------------------------------------

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


# --- Loading --------------------------------------------------------------------------------------


@dataclass
class DemoAccount:
    role: str
    email: str
    password: str
    name: str

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


@dataclass
class DemoResult:
    created: bool
    organisation: Organisation
    accounts: list[DemoAccount]
    credentials_path: Path
    notes: list[str] = field(default_factory=list)


def generate_password() -> str:
    """16 characters from an unambiguous alphabet, in groups of four (about 90 bits)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _position in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _read_credentials(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {
        item["email"]: item["password"]
        for item in data.get("accounts", [])
        if isinstance(item, dict) and item.get("email") and item.get("password")
    }


def _write_credentials(path: Path, accounts: list[DemoAccount], site_url: str) -> None:
    """Written readable by the owner only (mode 600), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "organisation": DEMO_SLUG,
        "url": site_url,
        "accounts": [{"role": a.role, "email": a.email, "password": a.password, "name": a.name} for a in accounts],
    }
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def demo_load(*, var_dir: Path, site_url: str, today: dt.date | None = None) -> DemoResult:
    """Load the demo cooperative unless the organisation `cooperative-demo` exists; return its logins.

    Passwords are generated on the first load and kept in var/demo-credentials.json; later loads reuse them.
    """
    path = Path(var_dir) / CREDENTIALS_FILE
    stored = _read_credentials(path)
    accounts = [
        DemoAccount(
            role=spec.role,
            email=spec.email,
            password=stored.get(spec.email) or generate_password(),
            name=f"{spec.first_name} {spec.last_name}",
        )
        for spec in ACCOUNTS
    ]
    notes: list[str] = []
    organisation = Organisation.objects.filter(slug=DEMO_SLUG).first()
    created = organisation is None
    if organisation is None:
        organisation = _build(accounts=accounts, today=today or timezone.localdate())
    else:
        notes = _check_existing_passwords(accounts, stored)
    if any(stored.get(a.email) != a.password for a in accounts):
        _write_credentials(path, accounts, site_url)
    return DemoResult(created=created, organisation=organisation, accounts=accounts, credentials_path=path, notes=notes)


def _check_existing_passwords(accounts: list[DemoAccount], stored: dict[str, str]) -> list[str]:
    """Demo already loaded: new passwords only for the accounts whose password is not in the file."""
    notes = []
    users = {u.email: u for u in User.objects.filter(email__in=[a.email for a in accounts])}
    for account in accounts:
        user = users.get(account.email)
        if user is None:
            notes.append(_("%(email)s : compte absent (supprimé depuis le chargement).") % {"email": account.email})
        elif account.email not in stored:
            user.set_password(account.password)
            user.save(update_fields=["password"])
            notes.append(
                _("%(email)s : mot de passe absent du fichier, un nouveau a été généré.") % {"email": account.email}
            )
        elif not user.check_password(account.password):
            notes.append(
                _("%(email)s : le mot de passe a été changé depuis le chargement de la démonstration.")
                % {"email": account.email}
            )
    return notes


def _save(obj: models.Model, *, log: str | None = None) -> Any:
    obj.full_clean()
    obj.save()
    if log:
        log_action(actor=None, obj=obj, action=f"demo.{log}.created")
    return obj


@transaction.atomic
def _build(*, accounts: list[DemoAccount], today: dt.date) -> Organisation:
    ctx = DemoContext(today=today, passwords={a.email: a.password for a in accounts})
    accounts_demo.load(ctx)
    org = ctx.org
    people_demo.load(ctx)
    trainers = ctx.trainers
    clients, contacts, pools = ctx.clients, ctx.contacts, ctx.trainees
    catalogue_demo.load(ctx)
    trainings = ctx.trainings
    places = {key: _save(Place(organisation=org, **data), log="place") for key, data in PLACES.items()}
    _build_sessions(
        org,
        today=today,
        trainers=trainers,
        trainings=trainings,
        places=places,
        clients=clients,
        contacts=contacts,
        pools=pools,
    )
    people_demo.suspend(ctx)
    # Each later app adds its part of the demo from the records above (order: who reads whom).
    for part in (evaluations_demo, attendance_demo, billing_demo, quality_demo, reporting_demo):
        part.load(ctx)
    return org


class _Calendar:
    """Books whole days for trainers and places so that no two slots of one of them overlap."""

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


PARTICIPANT_STATUS = {
    "done": "completed",
    "running": "attending",
    "confirmed": "registered",
    "cancelled": "cancelled",
    "draft": "registered",
}


def _build_sessions(
    org: Organisation,
    *,
    today: dt.date,
    trainers: dict[str, Trainer],
    trainings: dict[str, Training],
    places: dict[str, Place],
    clients: dict[str, Client],
    contacts: dict[str, Contact],
    pools: dict[str, list[Trainee]],
) -> None:
    calendar = _Calendar(today - dt.timedelta(days=today.weekday()))
    now = timezone.now()
    client_specs = {spec.key: spec for spec in CLIENTS}
    next_in_pool = dict.fromkeys(pools, 0)
    for number, spec in enumerate(SESSIONS, start=1):
        training = trainings[spec.training]
        resources = [f"trainer:{key}" for key in spec.trainers] + ([f"place:{spec.place}"] if spec.place else [])
        days = [d for week, n in spec.modules for d in calendar.book(resources, week, spec.weekday, n)]
        half_days = HALF_DAYS[:1] if spec.mornings_only else HALF_DAYS
        times = [(paris(d, start), paris(d, end)) for d in days for start, end in half_days]
        status = _session_status(spec, times[0][0], times[-1][1], now)
        place = places[spec.place] if spec.place else None
        remote_url = "" if place else f"https://visio.ensemble.example/session-{number:02d}"
        session = _save(
            Session(
                organisation=org,
                training=training,
                member_structure=training.member_structure,
                title=training.title,
                programme=training.programme_snapshot(),
                status=status,
                is_public=not spec.intra and status in {"confirmed", "running"},
                min_capacity=spec.min_capacity,
                max_capacity=spec.max_capacity,
                place=place,
                remote_url=remote_url,
                subcontracted_out=spec.subcontracted_out,
                # The OF the session is entrusted to: its lead trainer's own organisation (indicator 27).
                subcontractor_name=_subcontractor(spec, "name"),
                subcontractor_siret=_subcontractor(spec, "siret"),
                subcontractor_nda=_subcontractor(spec, "nda"),
                notes=spec.notes,
                start_date=days[0],
                end_date=days[-1],
                total_minutes=sum(int((end - start).total_seconds()) // 60 for start, end in times),
                cancelled_reason=spec.cancelled_reason,
            ),
            log="session",
        )
        session_trainers = [trainers[key] for key in spec.trainers]
        session.trainers.set(session_trainers)
        for starts_at, ends_at in times:
            slot = _save(
                Slot(
                    organisation=org,
                    session=session,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    place=place,
                    remote_url=remote_url,
                )
            )
            slot.trainers.set(session_trainers)
        participants = []
        for enrolment_spec in spec.enrolments:
            client_spec = client_specs[enrolment_spec.client]
            enrolment = _enrol(
                session,
                spec=spec,
                enrolment_spec=enrolment_spec,
                client=clients[enrolment_spec.client],
                client_spec=client_spec,
                contact=contacts.get(enrolment_spec.client),
                training=training,
            )
            pool = pools[enrolment_spec.client]
            for _seat in range(enrolment_spec.trainees):
                trainee = pool[next_in_pool[enrolment_spec.client] % len(pool)]
                next_in_pool[enrolment_spec.client] += 1
                participants.append(
                    Participant(
                        organisation=org,
                        session=session,
                        enrolment=enrolment,
                        trainee=trainee,
                        bpf_trainee_type=client_spec.bpf_type,
                        status=PARTICIPANT_STATUS[status],
                    )
                )
        if spec.dropout and participants:
            participants[-1].status = "dropped_out"
        for participant in participants:
            _save(participant)


def _enrol(
    session: Session,
    *,
    spec: SessionSpec,
    enrolment_spec: EnrolmentSpec,
    client: Client,
    client_spec: ClientSpec,
    contact: Contact | None,
    training: Training,
) -> Enrolment:
    if enrolment_spec.price is not None:
        price = enrolment_spec.price
    elif spec.intra and training.price_intra_cents:
        price = training.price_intra_cents
    else:
        price = (training.price_inter_cents or 0) * max(enrolment_spec.trainees, 1)
    status = {"cancelled": "cancelled", "draft": "provisional"}.get(session.status, "confirmed")
    enrolment = _save(
        Enrolment(
            organisation=session.organisation,
            session=session,
            client=client,
            contact=contact,
            status=status,
            price_cents=price,
            entrusted_trainees=enrolment_spec.entrusted,
            entrusted_minutes=enrolment_spec.entrusted * session.total_minutes,
        ),
        log="enrolment",
    )
    for line in _funding_lines(client_spec, price, session_number=session.pk):
        _save(FundingLine(organisation=session.organisation, enrolment=enrolment, **line))
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
