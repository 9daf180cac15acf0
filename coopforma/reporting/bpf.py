# SPDX-License-Identifier: AGPL-3.0-or-later
"""The BPF (Cerfa 10443*17) of one fiscal year, computed from the records (rules: docs/bpf.md).

Every figure is aggregated in the database (GROUP BY and conditional aggregation through the ORM) in a fixed
number of queries, whatever the volume: Python only merges a few dozen grouped rows. Money is integer cents,
hours integer minutes. `compute_bpf(organisation, year)` is the OF's Cerfa; with `member_structure` it is the
same report restricted to one member structure's sessions and invoice shares (not a Cerfa).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DurationField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import Organisation
from coopforma.attendance.models import ParticipantAttendance, SlotAttendance, SlotState
from coopforma.billing.models import Invoice, InvoiceKind, InvoiceStatus, MemberShare
from coopforma.catalogue.nsf import NSF_LABELS
from coopforma.people.models import ClientKind, MemberStructure, Trainer, TrainerEmployer
from coopforma.reporting.models import BpfCharges
from coopforma.training_sessions.models import (
    EnrolmentStatus,
    Participant,
    ParticipantStatus,
    PayerKind,
    Session,
    SessionStatus,
    Slot,
)

# --- The Cerfa's lines ----------------------------------------------------------------------------------------

C_LINES: list[tuple[str, Any]] = [
    ("C.1", _("Entreprises pour la formation de leurs salarié·es")),
    ("C.2a", _("Contrats d'apprentissage")),
    ("C.2b", _("Contrats de professionnalisation")),
    ("C.2c", _("Promotion ou reconversion par alternance (Pro-A)")),
    ("C.2d", _("Projets de transition professionnelle")),
    ("C.2e", _("Compte personnel de formation")),
    ("C.2f", _("Dispositifs pour les personnes en recherche d'emploi")),
    ("C.2g", _("Dispositifs pour les travailleur·ses non-salarié·es")),
    ("C.2h", _("Plan de développement des compétences ou autres dispositifs")),
    ("C.2", _("Total des organismes gestionnaires des fonds de la formation (2a à 2h)")),
    ("C.3", _("Pouvoirs publics pour la formation de leurs agents")),
    ("C.4", _("Instances européennes")),
    ("C.5", _("État")),
    ("C.6", _("Conseils régionaux")),
    ("C.7", _("France Travail")),
    ("C.8", _("Autres ressources publiques")),
    ("C.9", _("Personnes à titre individuel et à leurs frais")),
    ("C.10", _("Autres organismes de formation (y compris CFA)")),
    ("C.11", _("Autres produits au titre de la formation professionnelle")),
    ("C.total", _("Total des produits réalisés au titre de la formation professionnelle")),
]
C_LABELS = dict(C_LINES)
C2_LINES = ["C.2a", "C.2b", "C.2c", "C.2d", "C.2e", "C.2f", "C.2g", "C.2h"]
C_MAIN = ["C.1", "C.2", "C.3", "C.4", "C.5", "C.6", "C.7", "C.8", "C.9", "C.10", "C.11"]
SCHEME_LINE = {
    "apprenticeship": "C.2a",
    "professionalisation": "C.2b",
    "pro_a": "C.2c",
    "transition": "C.2d",
    "cpf": "C.2e",
    "job_seekers": "C.2f",
    "non_salaried": "C.2g",
    "skills_plan": "C.2h",
}
PAYER_LINE = {
    PayerKind.COMPANY: "C.1",
    PayerKind.CPF: "C.2e",  # the Caisse des dépôts manages the CPF funds
    PayerKind.PUBLIC_EMPLOYER: "C.3",
    PayerKind.EUROPE: "C.4",
    PayerKind.STATE: "C.5",
    PayerKind.REGION: "C.6",
    PayerKind.FRANCE_TRAVAIL: "C.7",
    PayerKind.OTHER_PUBLIC: "C.8",
    PayerKind.INDIVIDUAL: "C.9",
    PayerKind.OTHER_OF: "C.10",
    PayerKind.OTHER: "C.11",
}

F1_LINES: list[tuple[str, Any]] = [
    ("F1.a", _("Salarié·es d'employeurs privés hors apprenti·es")),
    ("F1.b", _("Apprenti·es")),
    ("F1.c", _("Personnes en recherche d'emploi")),
    ("F1.d", _("Particuliers à leurs propres frais")),
    ("F1.e", _("Autres stagiaires")),
    ("F1.total", _("Total (1)")),
]
F3_LEVELS: list[tuple[str, Any]] = [
    ("F3.a.level_6_8", _("dont de niveau 6 à 8 (licence, master, diplôme d'ingénieur, doctorat…)")),
    ("F3.a.level_5", _("dont de niveau 5 (BTS, DUT…)")),
    ("F3.a.level_4", _("dont de niveau 4 (baccalauréat…)")),
    ("F3.a.level_3", _("dont de niveau 3 (CAP, BEP…)")),
    ("F3.a.level_2", _("dont de niveau 2")),
    ("F3.a.cqp_no_level", _("dont certificat de qualification professionnelle (CQP) sans niveau")),
]
F3_LINES: list[tuple[str, Any]] = [
    ("F3.a", _("Formations visant un diplôme, un titre ou un CQP enregistré au RNCP")),
    *F3_LEVELS,
    ("F3.b", _("Formations visant une certification ou une habilitation enregistrée au répertoire spécifique")),
    ("F3.c", _("CQP non enregistré au RNCP ou au répertoire spécifique")),
    ("F3.d", _("Autres formations professionnelles")),
    ("F3.e", _("Bilans de compétences")),
    ("F3.f", _("Actions d'accompagnement à la validation des acquis de l'expérience")),
    ("F3.total", _("Total (3)")),
]
LINE_LABELS: dict[str, Any] = {
    **C_LABELS,
    **dict(F1_LINES),
    **dict(F3_LINES),
    "C.unclassified": _("Produits sans catégorie de payeur (anomalie, hors total)"),
    "F1.remote": _("dont stagiaires ayant suivi une action en tout ou partie à distance"),
    "F2": _("Dont activité sous-traitée à un autre organisme (2)"),
    "F4.others": _("Autres spécialités"),
    "F4.total": _("Total (4)"),
    "G": _("Stagiaires dont la formation a été confiée par un autre organisme de formation (5)"),
    "E.internal": _("Personnes de votre organisme"),
    "E.external": _("Personnes extérieures (contrats de sous-traitance)"),
}


def cerfa_ref(code: str) -> str:
    """The reference of a line as the Cerfa prints it, for people (the keys stay in the JSON and the URLs):
    « C.2a » and « C.10 » as they are, « F1.a » → « F-1 a », a « dont » or total line → its frame (« F3.a.level_6_8 »
    → « F-3 a », « D.trainer_salaries » → « D », « F1.total » → « F-1 »); its label says which line it is."""
    frame, _sep, rest = code.partition(".")
    line = rest.split(".")[0]
    if frame == "C" and line[:1].isdigit():
        return code
    shown = f"{frame[0]}-{frame[1:]}" if len(frame) > 1 else frame
    return f"{shown} {line}" if len(line) == 1 and line.isalpha() else shown


def level_key(rncp_level: int | None) -> str:
    """The F-3 a sub-line of an RNCP level: 0 is « CQP sans niveau » (catalogue.models.CQP_WITHOUT_LEVEL); none
    entered counts there too, as a certification of line a without a level."""
    if not rncp_level:
        return "F3.a.cqp_no_level"
    if rncp_level >= 6:
        return "F3.a.level_6_8"
    return f"F3.a.level_{rncp_level}"


# --- Results --------------------------------------------------------------------------------------------------


@dataclass
class Figure:
    trainees: int = 0
    minutes: int = 0

    def add(self, trainees: int, minutes: int) -> None:
        self.trainees += trainees
        self.minutes += minutes


@dataclass
class Anomaly:
    code: str
    severity: str  # "error" (blocks filing) or "warning"
    frame: str
    message: str
    url: str = ""
    object_id: int | None = None


@dataclass
class Check:
    code: str
    label: str
    ok: bool
    detail: str = ""


@dataclass
class Bpf:
    organisation: Organisation
    year: int
    start: dt.date
    end: dt.date  # inclusive
    member_structure: MemberStructure | None
    money: dict[str, int]
    charges: BpfCharges | None
    persons: dict[str, int]
    delivered_minutes: dict[str, int]
    f1: dict[str, Figure]
    f2: Figure
    f3: dict[str, Figure]
    f4: list[tuple[str, str, Figure]]
    f4_others: Figure
    f4_total: Figure
    g: Figure
    # Frame D, computed: what the OF owes member structures holding their own NDA on the year's invoices
    # (subcontracting: a purchase of training services). The entered D.purchases must include it.
    member_subcontracting_cents: int = 0
    planned_sessions: int = 0
    anomalies: list[Anomaly] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    @property
    def is_cerfa(self) -> bool:
        return self.member_structure is None

    remote_slots: bool = False  # B: a counted session of the year had a slot delivered at a distance (G too)

    @property
    def remote_actions(self) -> bool:
        return self.remote_slots or self.f1["F1.remote"].trainees > 0

    @property
    def errors(self) -> list[Anomaly]:
        return [a for a in self.anomalies if a.severity == "error"]

    @property
    def warnings(self) -> list[Anomaly]:
        return [a for a in self.anomalies if a.severity == "warning"]

    @property
    def can_file(self) -> bool:
        return not self.errors and all(c.ok for c in self.checks)

    @property
    def training_share_percent(self) -> str | None:
        """Cadre C: part of the global turnover made in vocational training (when the turnover is entered)."""
        if not self.charges or not self.charges.turnover_cents:
            return None
        from decimal import ROUND_HALF_UP, Decimal

        share = Decimal(self.money["C.total"] * 100) / Decimal(self.charges.turnover_cents)
        return str(share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# --- Scopes ---------------------------------------------------------------------------------------------------


def year_bounds(organisation: Organisation, year: int) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    """First day, last day (inclusive), and the aware datetimes [start, end) of the fiscal year."""
    start, end_exclusive = organisation.fiscal_year_bounds(year)
    tz = timezone.get_current_timezone()
    start_at = timezone.make_aware(dt.datetime.combine(start, dt.time()), tz)
    end_at = timezone.make_aware(dt.datetime.combine(end_exclusive, dt.time()), tz)
    return start, end_exclusive - dt.timedelta(days=1), start_at, end_at


@dataclass
class Scope:
    """The querysets every figure and every drill-down starts from (same rules everywhere)."""

    organisation: Organisation
    year: int
    start: dt.date
    end: dt.date
    start_at: dt.datetime
    end_at: dt.datetime
    member_structure_id: int | None = None

    @classmethod
    def of(cls, organisation: Organisation, year: int, member_structure_id: int | None = None) -> "Scope":
        start, end, start_at, end_at = year_bounds(organisation, year)
        return cls(organisation, year, start, end, start_at, end_at, member_structure_id)

    def session_q(self, prefix: str = "") -> Q:
        """Sessions that count: neither draft nor cancelled (for a member report: its own), as a filter on the
        session's own join (`prefix` through foreign keys only)."""
        q = Q(**{f"{prefix}organisation": self.organisation}) & ~Q(
            **{f"{prefix}status__in": [SessionStatus.DRAFT, SessionStatus.CANCELLED]}
        )
        if self.member_structure_id is not None:
            q &= Q(**{f"{prefix}member_structure_id": self.member_structure_id})
        return q

    def sessions(self) -> QuerySet[Session]:
        return Session.objects.filter(self.session_q())

    def in_year(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}starts_at__gte": self.start_at, f"{prefix}starts_at__lt": self.end_at})

    def slots(self) -> QuerySet[Slot]:
        return Slot.objects.filter(self.in_year(), self.session_q("session__"), organisation=self.organisation)

    def remote_slots(self) -> QuerySet[Slot]:
        """Slots of the year delivered at a distance: a connection link and no place (`Slot.is_remote`, as the
        émargement reads it) — what was delivered, not the catalogue's modality."""
        return self.slots().filter(remote_slot_q())

    def unrecorded_slots(self) -> QuerySet[Slot]:
        """Slots of the year without émargement (never opened, no presence entered): planned hours."""
        return self.slots().filter(unrecorded_q())

    def unrecorded_slots_of(self, session_ref: str) -> QuerySet[Slot]:
        """The same for one session (correlated: for a page of rows only, never for a whole year)."""
        return Slot.objects.filter(self.in_year(), unrecorded_q(), session=OuterRef(session_ref))

    def participant_q(self, prefix: str = "") -> Q:
        """A participant row that may count (cancelled ones and cancelled enrolments excluded), as a filter on
        the row's own joins: `prefix` is the path to a participant through foreign keys (never a reverse
        relation, where a negation would become a subquery)."""
        return (
            Q(**{f"{prefix}organisation": self.organisation})
            & self.session_q(f"{prefix}session__")
            & ~Q(**{f"{prefix}status": ParticipantStatus.CANCELLED})
            & ~Q(**{f"{prefix}enrolment__status": EnrolmentStatus.CANCELLED})
        )

    def participants(self) -> QuerySet[Participant]:
        """Every participant row that may count (cancelled ones and cancelled enrolments excluded)."""
        return Participant.objects.filter(self.participant_q())

    def has_hours_q(self) -> Q:
        """A participant counts in the year when they have attended minutes in it, or planned minutes there
        (a slot without émargement; not for an abandon, who counts only with the hours attended).

        Two uncorrelated sets (participants with attended minutes, sessions with planned slots), each read once
        by the database (a hashed subplan on PostgreSQL, an ephemeral index on SQLite) — not an EXISTS per
        participant row, which PostgreSQL estimates so high that it JIT-compiles the query (~1 s of the BPF)."""
        attended = ParticipantAttendance.objects.filter(
            self.in_year("slot__"), organisation=self.organisation, attended_minutes__gt=0
        ).values("participant_id")
        planned = Slot.objects.filter(self.in_year(), unrecorded_q(), organisation=self.organisation).values(
            "session_id"
        )
        return Q(pk__in=attended) | (Q(session_id__in=planned) & ~Q(status=ParticipantStatus.DROPPED_OUT))

    def counted_participants(self) -> QuerySet[Participant]:
        return self.participants().filter(self.has_hours_q())

    def invoices(self) -> QuerySet[Invoice]:
        """Invoices and credit notes issued in the fiscal year."""
        return Invoice.objects.filter(
            organisation=self.organisation,
            kind__in=[InvoiceKind.INVOICE, InvoiceKind.CREDIT_NOTE],
            status=InvoiceStatus.ISSUED,
            issued_on__gte=self.start,
            issued_on__lte=self.end,
        )


def remote_slot_q(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}remote_url": ""}) & Q(**{f"{prefix}place__isnull": True})


def unrecorded_q(prefix: str = "") -> Q:
    """A slot without émargement: no chain, or a chain still pending with no presence entered (a paper scan
    alone). A slot has émargement once opened or closed, or when a presence was entered on paper for it.

    Written as two uncorrelated sets of slots, each read once (so that grouped queries stay flat): the slots
    whose chain is opened or closed, and the pending ones with a presence entered. (A LEFT JOIN of the state
    tested `IS NULL` made PostgreSQL expect a single slot, hence nested loops and sorts spilling to disk.)"""
    recorded = SlotAttendance.objects.exclude(state=SlotState.PENDING).values("slot_id")
    pending_with_presences = ParticipantAttendance.objects.filter(slot__attendance__state=SlotState.PENDING).values(
        "slot_id"
    )
    pk = f"{prefix}pk" if prefix else "pk"
    return ~Q(**{f"{pk}__in": recorded}) & ~Q(**{f"{pk}__in": pending_with_presences})


def duration(prefix: str = "") -> Sum:
    return Sum(F(f"{prefix}ends_at") - F(f"{prefix}starts_at"), output_field=DurationField())


def to_minutes(value: dt.timedelta | int | None) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds()) // 60
    return int(value)


def signed_amount(field_name: str, kind_path: str = "kind") -> Sum:
    """Invoices add, credit notes (stored positive) subtract."""
    return Sum(
        Case(
            When(**{kind_path: InvoiceKind.CREDIT_NOTE}, then=-F(field_name)),
            default=F(field_name),
            output_field=IntegerField(),
        )
    )


# --- Frames ---------------------------------------------------------------------------------------------------


def money_line(payer_kind: str, scheme: str) -> str | None:
    """The frame C line of a (payer category, scheme); None = unclassified (an anomaly, never line 11)."""
    if payer_kind == PayerKind.OPCO:
        return SCHEME_LINE.get(scheme)
    return PAYER_LINE.get(payer_kind)  # type: ignore[call-overload]


def frame_c(scope: Scope) -> dict[str, int]:
    money = dict.fromkeys([*[c for c, _label in C_LINES], "C.unclassified"], 0)
    if scope.member_structure_id is None:
        rows = scope.invoices().values("payer_kind", "scheme").annotate(total=signed_amount("total_ht_cents"))
    else:
        rows = (
            MemberShare.objects.filter(invoice__in=scope.invoices(), member_structure_id=scope.member_structure_id)
            .values(payer_kind=F("invoice__payer_kind"), scheme=F("invoice__scheme"))
            .annotate(total=signed_amount("basis_cents", "invoice__kind"))
        )
    for row in rows:
        line = money_line(row["payer_kind"], row["scheme"])
        money[line or "C.unclassified"] += int(row["total"] or 0)
    money["C.2"] = sum(money[c] for c in C2_LINES)
    money["C.total"] = sum(money[c] for c in C_MAIN)
    return money


def member_subcontracting(scope: Scope) -> int:
    """Frame D: the member shares due to member structures that hold their own NDA, on the invoices and credit
    notes issued in the year (credit notes subtract) — what the OF pays them for the actions they delivered as
    its subcontractors (regulations §8.6)."""
    shares = MemberShare.objects.filter(invoice__in=scope.invoices(), member_structure__nda__gt="")
    if scope.member_structure_id is not None:
        shares = shares.filter(member_structure_id=scope.member_structure_id)
    return int(shares.aggregate(t=signed_amount("due_cents", "invoice__kind"))["t"] or 0)


def is_external_q(prefix: str = "") -> Q:
    """Frame E: a trainer is a « personne de votre organisme » only when the OF itself employs them; employees of
    member structures, independents working through their own company and subcontractors are « personnes
    extérieures » who deliver under a contract (docs/bpf.md quotes the Cerfa notice)."""
    return ~Q(**{f"{prefix}employer": TrainerEmployer.OF})


def subcontracted_q(prefix: str = "") -> Q:
    """Frame F-2: a session the OF entrusted to another OF — marked so, or delivered by a member structure that
    holds its own NDA (an organisme de formation of its own, under contract with the OF)."""
    return Q(**{f"{prefix}subcontracted_out": True}) | (Q(**{f"{prefix}member_structure__nda__gt": ""}))


def frame_e(scope: Scope) -> tuple[dict[str, int], dict[str, int]]:
    """Persons who delivered slots of the year and the hours they delivered (a slot's trainers, or the
    session's when the slot names none; two trainers on one slot both deliver its hours)."""
    slots = scope.slots()
    unassigned = slots.filter(trainers__isnull=True)
    slot_link = Slot.trainers.through.objects.filter(slot__in=slots)
    session_link = Session.trainers.through.objects.filter(session__slots__in=unassigned)
    external = Case(When(is_external_q("trainer__"), then=Value(1)), default=Value(0), output_field=IntegerField())
    persons = {"internal": 0, "external": 0}
    minutes = {"internal": 0, "external": 0}
    delivered = Trainer.objects.filter(organisation=scope.organisation).filter(
        Q(Exists(slot_link.filter(trainer=OuterRef("pk")))) | Q(Exists(session_link.filter(trainer=OuterRef("pk"))))
    )
    for row in (
        delivered.annotate(
            ext=Case(When(is_external_q(), then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        .values("ext")
        .annotate(n=Count("pk"))
    ):
        persons["external" if row["ext"] else "internal"] += row["n"]
    for rows in (
        slot_link.annotate(ext=external).values("ext").annotate(d=duration("slot__")),
        session_link.annotate(ext=external).values("ext").annotate(d=duration("session__slots__")),
    ):
        for row in rows:
            minutes["external" if row["ext"] else "internal"] += to_minutes(row["d"])
    return persons, minutes


# The dimensions frame F groups participants by (one grouped query each for counts, attended and planned hours).
DIMS = {
    "type": "bpf_trainee_type",
    "objective": "session__training__bpf_objective",
    "level": "session__training__rncp_level",
    "nsf": "session__training__nsf_code",
    "sub": "session__subcontracted_out",
    "member_nda": "session__member_structure__nda",
    "client_kind": "enrolment__client__kind",
}

# The same dimensions seen from a slot (the participant rows of its session).
SLOT_DIMS = {
    name: path if path.startswith("session__") else f"session__participants__{path}" for name, path in DIMS.items()
}
PLANNED_PARTICIPANT_STATUSES = [
    s for s in ParticipantStatus.values if s not in (ParticipantStatus.CANCELLED, ParticipantStatus.DROPPED_OUT)
]
COUNTED_ENROLMENT_STATUSES = [s for s in EnrolmentStatus.values if s != EnrolmentStatus.CANCELLED]


def _grouped(scope: Scope) -> dict[tuple, list[int]]:
    """(dims) -> [trainees, minutes]: three GROUP BY queries, merged."""
    names = list(DIMS)
    groups: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    # F-1 « à distance »: the row's session has a slot of the year delivered remotely (participant rows and slots
    # both carry session_id, so one expression serves the three queries; one uncorrelated set read once).
    remote = Case(
        When(session_id__in=scope.remote_slots().values("session_id"), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )

    def key(row: dict) -> tuple:
        return (*(row[DIMS[n]] for n in names), row["remote"])

    # .order_by(): no default ordering, so no join left over from it (Participant orders by trainee name).
    counted = scope.counted_participants().values(*DIMS.values(), remote=remote).annotate(n=Count("pk")).order_by()
    for row in counted:
        groups[key(row)][0] += row["n"]
    # Attended minutes: the participant rows joined to their presences of the year (one flat join; read from the
    # participants, SQLite walks each one's presences through their index).
    attended = (
        scope.participants()
        .filter(scope.in_year("slot_attendances__slot__"), slot_attendances__organisation=scope.organisation)
        .values(*DIMS.values(), remote=remote)
        .annotate(m=Sum("slot_attendances__attended_minutes"))
        .order_by()
    )
    for row in attended:
        groups[key(row)][1] += int(row["m"] or 0)
    # Planned minutes from the slots without émargement (a few per session), each joined to the participant
    # rows of its session that take planned hours (not an abandon): the database starts from these slots
    # instead of walking every participant's slots. Positive status lists: the participants are a reverse
    # relation here, where an exclusion would become a subquery.
    planned = (
        scope.unrecorded_slots()
        .filter(
            session__participants__organisation=scope.organisation,
            session__participants__status__in=PLANNED_PARTICIPANT_STATUSES,
            session__participants__enrolment__status__in=COUNTED_ENROLMENT_STATUSES,
        )
        .values(*[SLOT_DIMS[n] for n in names], remote=remote)
        .annotate(d=duration())
        .order_by()
    )
    for row in planned:
        groups[(*(row[SLOT_DIMS[n]] for n in names), row["remote"])][1] += to_minutes(row["d"])
    return groups


def frame_f(scope: Scope) -> dict[str, Any]:
    f1 = {code: Figure() for code, _label in F1_LINES}
    f1["F1.remote"] = Figure()
    f3 = {code: Figure() for code, _label in F3_LINES}
    f2, g = Figure(), Figure()
    nsf: dict[str, Figure] = defaultdict(Figure)
    for (ptype, objective, level, nsf_code, sub, member_nda, client_kind, remote), (n, minutes) in _grouped(
        scope
    ).items():
        if client_kind == ClientKind.TRAINING_ORG:
            g.add(n, minutes)  # entrusted to us by another OF: frame G, never F
            continue
        if ptype:
            f1[f"F1.{ptype}"].add(n, minutes)
            f1["F1.total"].add(n, minutes)
        if remote:  # a slot of the year actually delivered at a distance, whatever the catalogue says
            f1["F1.remote"].add(n, minutes)
        if sub or member_nda:  # subcontracted_q: entrusted to another OF, or a member with its own NDA
            f2.add(n, minutes)
        if objective:
            f3[f"F3.{objective}"].add(n, minutes)
            f3["F3.total"].add(n, minutes)
            if objective == "a":
                f3[level_key(level)].add(n, minutes)
        if nsf_code:
            nsf[nsf_code[:3]].add(n, minutes)
    # Trainees entrusted by another OF recorded as counts only (no participant rows): their enrolments, split
    # by the fiscal year of each slot like every other hour.
    for _enrolment_id, (n, minutes) in entrusted_figures(scope).items():
        g.add(n, minutes)
    ranked = sorted(nsf.items(), key=lambda item: (-item[1].minutes, -item[1].trainees, item[0]))
    top = [(code, NSF_LABELS.get(code, ""), figure) for code, figure in ranked[:5]]
    others = Figure()
    for _code, figure in ranked[5:]:
        others.add(figure.trainees, figure.minutes)
    total = Figure()
    for _code, figure in ranked:
        total.add(figure.trainees, figure.minutes)
    return {"f1": f1, "f2": f2, "f3": f3, "f4": top, "f4_others": others, "f4_total": total, "g": g}


def entrusted_enrolments(scope: Scope) -> QuerySet:
    """Enrolments of another OF recorded as counts only (no participant rows) whose session has slots in the
    fiscal year."""
    from coopforma.training_sessions.models import Enrolment

    return (
        Enrolment.objects.filter(
            organisation=scope.organisation,
            session__in=scope.sessions().filter(pk__in=scope.slots().values("session_id")),
            client__kind=ClientKind.TRAINING_ORG,
            entrusted_trainees__gt=0,
        )
        .exclude(status=EnrolmentStatus.CANCELLED)
        .exclude(participants__isnull=False)
    )


def entrusted_figures(scope: Scope, enrolments: QuerySet | None = None) -> dict[int, tuple[int, int]]:
    """enrolment id -> (trainees, trainee-minutes) of the fiscal year, for the enrolments recorded as counts.

    The trainees count in every fiscal year in which their session has slots (as a participant row counts in
    every year where it has hours); the entrusted trainee-minutes are spread over the session's slots in
    proportion to their length and summed by the year of each slot's start. The share of a year is
    floor(E × minutes up to the year's end / T) − floor(E × minutes before its start / T), so the years of one
    session add up exactly to E. Two queries: the enrolments, then the slots of their sessions."""
    rows = list(
        (enrolments if enrolments is not None else entrusted_enrolments(scope)).values(
            "pk", "session_id", "entrusted_trainees", "entrusted_minutes"
        )
    )
    if not rows:
        return {}
    before: dict[int, int] = defaultdict(int)
    within: dict[int, int] = defaultdict(int)
    total: dict[int, int] = defaultdict(int)
    slots = Slot.objects.filter(session_id__in={r["session_id"] for r in rows}).values_list(
        "session_id", "starts_at", "ends_at"
    )
    for session_id, starts_at, ends_at in slots:
        minutes = int((ends_at - starts_at).total_seconds()) // 60
        total[session_id] += minutes
        if starts_at < scope.start_at:
            before[session_id] += minutes
        elif starts_at < scope.end_at:
            within[session_id] += minutes
    out: dict[int, tuple[int, int]] = {}
    for r in rows:
        session_id, entrusted = r["session_id"], r["entrusted_minutes"]
        length = total[session_id]
        if not length:
            continue
        upto = before[session_id] + within[session_id]
        share = entrusted * upto // length - entrusted * before[session_id] // length
        out[r["pk"]] = (r["entrusted_trainees"], share)
    return out


def compute_bpf(
    organisation: Organisation,
    year: int,
    *,
    member_structure: MemberStructure | None = None,
    with_anomalies: bool = True,
) -> Bpf:
    scope = Scope.of(organisation, year, member_structure.pk if member_structure else None)
    f = frame_f(scope)
    persons, delivered = frame_e(scope)
    charges = None
    if member_structure is None:
        charges = BpfCharges.objects.filter(organisation=organisation, fiscal_year=year).first()
    bpf = Bpf(
        organisation=organisation,
        year=year,
        start=scope.start,
        end=scope.end,
        member_structure=member_structure,
        money=frame_c(scope),
        charges=charges,
        persons=persons,
        delivered_minutes=delivered,
        member_subcontracting_cents=member_subcontracting(scope),
        remote_slots=scope.remote_slots().exists(),
        **f,
    )
    if with_anomalies:
        from coopforma.reporting.assistant import find_anomalies

        bpf.anomalies, bpf.planned_sessions = find_anomalies(scope)
        if bpf.money["C.10"] > 0 and bpf.g.trainees == 0:
            bpf.anomalies.append(entrusted_missing(bpf))
        if charges is not None and charges.purchases_cents < bpf.member_subcontracting_cents:
            bpf.anomalies.append(purchases_short(bpf))
    bpf.checks = run_checks(bpf)
    return bpf


def entrusted_missing(bpf: Bpf) -> Anomaly:
    """Revenue from other OFs (C-10) with no trainee in G: the trainees they entrusted are missing."""
    from django.urls import reverse

    from coopforma.core.money import format_cents

    return Anomaly(
        "entrusted_missing",
        "warning",
        "G",
        str(
            _(
                "%(amount)s de produits d'autres organismes de formation (ligne C-10) mais aucun·e stagiaire au "
                "cadre G : inscrivez les stagiaires confié·es (nominativement ou en nombre) sur les sessions "
                "réalisées pour ces organismes."
            )
        )
        % {"amount": format_cents(bpf.money["C.10"])},
        reverse("reporting:line", kwargs={"org": bpf.organisation.slug, "year": bpf.year, "code": "C.10"})
        if bpf.is_cerfa
        else "",
    )


def purchases_short(bpf: Bpf) -> Anomaly:
    """Frame D: the purchases entered are below what the OF owes its member structures acting as subcontractors."""
    from django.urls import reverse

    from coopforma.core.money import format_cents

    return Anomaly(
        "purchases_short",
        "warning",
        "D",
        str(
            _(
                "Achats de prestations de formation saisis (%(entered)s) inférieurs aux reversements dus aux "
                "structures membres ayant leur propre NDA (%(due)s) : ces reversements sont des achats de "
                "sous-traitance (cadre D)."
            )
        )
        % {
            "entered": format_cents(bpf.charges.purchases_cents if bpf.charges else 0),
            "due": format_cents(bpf.member_subcontracting_cents),
        },
        reverse("reporting:charges", kwargs={"org": bpf.organisation.slug, "year": bpf.year}),
    )


def run_checks(bpf: Bpf) -> list[Check]:
    """The consistency rules the form itself implies (regulations.md §2.3)."""

    def same(a: Figure, b: Figure) -> bool:
        return a.trainees == b.trainees and a.minutes == b.minutes

    def show(fig: Figure) -> str:
        from coopforma.core.hours import format_minutes

        return f"{fig.trainees} / {format_minutes(fig.minutes) or '0 h'}"

    f1, f3, f4 = bpf.f1["F1.total"], bpf.f3["F3.total"], bpf.f4_total
    money = bpf.money
    levels = Figure()
    for code, _label in F3_LEVELS:
        levels.add(bpf.f3[code].trainees, bpf.f3[code].minutes)
    f1_lines = Figure()
    for code in ("F1.a", "F1.b", "F1.c", "F1.d", "F1.e"):
        f1_lines.add(bpf.f1[code].trainees, bpf.f1[code].minutes)
    return [
        Check(
            "F1_F3_F4",
            str(_("Les totaux F-1, F-3 et F-4 sont égaux (stagiaires et heures)")),
            same(f1, f3) and same(f3, f4),
            f"F-1 {show(f1)} ; F-3 {show(f3)} ; F-4 {show(f4)}",
        ),
        Check("F1_sum", str(_("Total F-1 = somme des lignes a à e")), same(f1, f1_lines), show(f1_lines)),
        Check("F3a_levels", str(_("F-3 a = somme de ses niveaux")), same(bpf.f3["F3.a"], levels), show(levels)),
        Check(
            "F2_in_F1",
            str(_("F-2 (sous-traité) est compris dans F-1")),
            bpf.f2.trainees <= f1.trainees and bpf.f2.minutes <= f1.minutes,
            f"F-2 {show(bpf.f2)} ; F-1 {show(f1)}",
        ),
        Check(
            "C2_sum",
            str(_("Ligne 2 = somme des lignes 2a à 2h")),
            money["C.2"] == sum(money[c] for c in C2_LINES),
            "",
        ),
        Check(
            "C_total",
            str(_("Total C = somme des lignes 1 à 11")),
            money["C.total"] == sum(money[c] for c in C_MAIN),
            "",
        ),
        Check(
            "C_classified",
            str(_("Tout le chiffre d'affaires de formation est classé dans une ligne")),
            money["C.unclassified"] == 0,
            "",
        ),
        Check(
            "D_entered",
            str(_("Le cadre D (charges) est saisi")),
            bpf.charges is not None or not bpf.is_cerfa,
            "",
        ),
    ]
