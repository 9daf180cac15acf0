# SPDX-License-Identifier: AGPL-3.0-or-later
"""The status of each Qualiopi indicator, computed from the records of the daily work and from uploaded
evidence, each with its explanation: the records that count, the ones missing, with links.

`compute(...)` reads everything it needs in a fixed number of queries (whatever the number of trainings,
sessions or trainees), then judges each indicator in Python. Participants and enrolments are read as rows of the
few columns the judges need, not as model instances. Every record is counted, but each list of links (counted,
missing) keeps only its first `LINKS_SHOWN` links, in order: the counts stay exact (`counted_total`,
`missing_total`), the pages say how many are not listed. Each URL is reversed once per compute and formatted
for each record.

Rules for combining:
- an indicator that does not apply is « not applicable », with the reason;
- an indicator with automatic evidence takes the status its records give; when the records show nothing
  but an uploaded evidence is marked as covering it, it is « partial » (the proof exists, the records do
  not show it yet);
- an indicator without automatic evidence is « met » with an evidence marked as covering it, « partial »
  with evidence not marked so, « missing » without any;
- an open non-conformity on an indicator caps its status at « partial ».
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coopforma.accounts.models import Organisation, QualiopiCategory
from coopforma.catalogue.models import CertificationKind, Modality, Training, TrainingStatus
from coopforma.catalogue.public_page import public_missing
from coopforma.documents.models import Delivery, Document, DocumentStatus
from coopforma.evaluations import selectors as evaluations
from coopforma.people.models import ClientKind, Trainee, Trainer, TrainerStatus
from coopforma.quality.indicators import INDICATORS, WATCH_INDICATORS, Indicator, Profile, applicability
from coopforma.quality.models import (
    Complaint,
    ComplaintKind,
    Evidence,
    ImprovementAction,
    NonConformity,
    QualitySettings,
    SubcontractorCheck,
    WatchEntry,
)
from coopforma.training_sessions.models import (
    Enrolment,
    EnrolmentStatus,
    FundingLine,
    FundingScheme,
    Participant,
    ParticipantStatus,
    Session,
    SessionStatus,
)

MET, PARTIAL, MISSING, NOT_APPLICABLE = "met", "partial", "missing", "not_applicable"
STATUS_LABELS = {
    MET: gettext_lazy("Satisfait"),
    PARTIAL: gettext_lazy("Partiel"),
    MISSING: gettext_lazy("Manquant"),
    NOT_APPLICABLE: gettext_lazy("Non applicable"),
}
# Statuses of a document that has been issued (final, unchangeable), and of one that reached people.
ISSUED = (DocumentStatus.FINAL, DocumentStatus.AWAITING_SIGNATURES, DocumentStatus.SIGNED, DocumentStatus.DIFFUSED)
# Drop-out measures are required for actions of more than two days (guide de lecture, indicator 12).
LONG_ACTION_MINUTES = 2 * 7 * 60
# A subcontractor is checked again every year; a watch entry counts for a year.
CHECK_VALIDITY_DAYS = 366
WATCH_VALIDITY_DAYS = 366
SURVEY_KINDS = ("hot", "cold", "client", "funder", "trainer")
# How many links each list (counted, missing) of an indicator keeps; the counts always cover every record.
LINKS_SHOWN = 100


def status_label(status: str) -> str:
    return str(STATUS_LABELS[status])


@dataclass(frozen=True)
class Link:
    label: str
    url: str


class _Links:
    """One list of an indicator (counted or missing): every record is counted, only the first `LINKS_SHOWN` are
    turned into links (building a link costs a URL and a label; a large OF has tens of thousands of records)."""

    __slots__ = ("links", "total")

    def __init__(self) -> None:
        self.links: list[Link] = []
        self.total = 0

    def add(self, make: Callable[..., Link], *args: Any) -> None:
        self.total += 1
        if len(self.links) < LINKS_SHOWN:
            self.links.append(make(*args))

    def __bool__(self) -> bool:
        return self.total > 0


@dataclass
class IndicatorStatus:
    indicator: Indicator
    applies: bool
    status: str
    explanation: str
    counted: list[Link] = field(default_factory=list)  # the first LINKS_SHOWN of `counted_total`
    missing: list[Link] = field(default_factory=list)  # the first LINKS_SHOWN of `missing_total`
    evidence: list[Evidence] = field(default_factory=list)
    open_nonconformities: list[NonConformity] = field(default_factory=list)
    counted_total: int | None = None  # every record counted (None: as many as the links)
    missing_total: int | None = None

    def __post_init__(self) -> None:
        if self.counted_total is None:
            self.counted_total = len(self.counted)
        if self.missing_total is None:
            self.missing_total = len(self.missing)

    @property
    def number(self) -> int:
        return self.indicator.number

    @property
    def counted_more(self) -> int:
        """How many counted records are not listed."""
        return (self.counted_total or 0) - len(self.counted)

    @property
    def missing_more(self) -> int:
        """How many missing records are not listed."""
        return (self.missing_total or 0) - len(self.missing)

    @property
    def label(self) -> str:
        return status_label(self.status)


@dataclass(frozen=True)
class Period:
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True, slots=True)
class _ParticipantRow:
    """The columns of a participant the judges read."""

    pk: int
    session: Session
    enrolment_id: int | None
    status: str
    trainee_first_name: str
    trainee_last_name: str
    trainee_email: str

    @property
    def trainee_name(self) -> str:
        return Trainee(first_name=self.trainee_first_name, last_name=self.trainee_last_name).full_name


@dataclass(frozen=True, slots=True)
class _EnrolmentRow:
    """The columns of an enrolment the judges read."""

    pk: int
    session: Session
    client_name: str


class _Urls:
    """The organisation's URLs, each name reversed once (with placeholder ids) then formatted for each record."""

    PLACEHOLDER = 987_654_300  # + n: ids no real record has, replaced by the record's

    def __init__(self, org: Organisation) -> None:
        self.org = org
        self.formats: dict[tuple[str, tuple[str, ...]], str | None] = {}

    def _pattern(self, name: str, keys: tuple[str, ...]) -> str | None:
        placeholders = {k: str(self.PLACEHOLDER + n) for n, k in enumerate(keys)}
        pattern = reverse(name, kwargs={"org": self.org.slug, **placeholders}).replace("{", "{{").replace("}", "}}")
        for k, value in placeholders.items():
            if pattern.count(value) != 1:
                return None  # a path that does not show the id as is: reverse for each record
            pattern = pattern.replace(value, "{" + k + "}")
        return pattern

    def __call__(self, name: str, **kwargs: Any) -> str:
        key = (name, tuple(sorted(kwargs)))
        if key not in self.formats:
            self.formats[key] = self._pattern(name, key[1])
        pattern = self.formats[key]
        if pattern is None:
            return reverse(name, kwargs={"org": self.org.slug, **kwargs})
        return pattern.format(**kwargs)


@dataclass
class _Records:
    """Everything the judges read, loaded once."""

    org: Organisation
    today: dt.date
    member_ids: frozenset[int] | None
    trainings: list[Training]
    sessions: list[Session]
    participants: list[_ParticipantRow]
    enrolments: list[_EnrolmentRow]
    trainers: list[Trainer]
    checks: dict[int, SubcontractorCheck]  # trainer id -> latest check
    documents: list[dict[str, Any]]
    deliveries: dict[tuple[str, int], set[str]]  # ("convocation", participant id) / ("rules", session id) -> e-mails
    evidence: dict[int, list[Evidence]]
    complaints: list[Complaint]
    actions: list[ImprovementAction]
    watch: list[WatchEntry]
    surveys: dict[str, tuple[int, int]]  # kind -> (invited, answered) over the sessions
    sessions_with_trainers: set[int]
    adaptation_participants: set[int]
    needs_enrolments: set[int]
    needs_participants: set[int]
    skills_participants: set[int]
    published: int
    open_ncs: dict[int, list[NonConformity]]
    profile: Profile

    @cached_property
    def url(self) -> _Urls:
        return _Urls(self.org)


def profile_for(
    org: Organisation,
    settings: QualitySettings | None,
    trainings: Iterable[Training],
    *,
    has_subcontractors: bool,
    has_alternance: bool,
    only_for_other_ofs: bool = False,
) -> Profile:
    """The organisation's activities: what the quality manager set, else what the records show."""

    def choose(value: bool | None, detected: bool) -> bool:
        return detected if value is None else value

    trainings = list(trainings)
    return Profile(
        categories=frozenset(org.qualiopi_categories or []),
        certifying=choose(
            settings.certifying if settings else None,
            any(t.certification_kind != CertificationKind.NONE for t in trainings),
        ),
        alternance=choose(settings.alternance if settings else None, has_alternance),
        work_based=choose(
            settings.work_based if settings else None, any(t.modality == Modality.WORK_BASED for t in trainings)
        ),
        subcontracting=choose(settings.subcontracting if settings else None, has_subcontractors),
        new_entrant=settings.new_entrant if settings else False,
        subcontractor_only=choose(settings.acts_as_subcontractor if settings else None, only_for_other_ofs),
        principal_keeps=frozenset(int(n) for n in (settings.principal_keeps if settings else []) or []),
    )  # fmt: skip


def _load(org: Organisation, *, member_ids: frozenset[int] | None, period: Period, today: dt.date) -> _Records:
    def scoped(qs: Any, field_name: str = "member_structure_id") -> Any:
        return qs if member_ids is None else qs.filter(**{f"{field_name}__in": member_ids})

    settings = QualitySettings.objects.filter(organisation=org).first()
    trainings = list(
        scoped(Training.objects.filter(organisation=org).exclude(status=TrainingStatus.ARCHIVED)).order_by("title")
    )
    sessions_qs = scoped(
        Session.objects.filter(organisation=org, start_date__lte=today).exclude(status=SessionStatus.CANCELLED)
    )
    if period.start:
        sessions_qs = sessions_qs.filter(start_date__gte=period.start)
    if period.end:
        sessions_qs = sessions_qs.filter(start_date__lte=period.end)
    sessions = list(sessions_qs.select_related("training", "place").order_by("start_date", "id"))
    session_ids = [s.pk for s in sessions]
    by_id = {s.pk: s for s in sessions}
    # Rows of the needed columns, not model instances: a large OF has tens of thousands of them.
    participants = [
        _ParticipantRow(pk, by_id[session_id], enrolment_id, status, first_name, last_name, email.lower())
        for pk, session_id, enrolment_id, status, first_name, last_name, email in Participant.objects.filter(
            organisation=org, session__in=sessions_qs
        )
        .exclude(status=ParticipantStatus.CANCELLED)
        .order_by("session__start_date", "session_id", "trainee__last_name", "id")
        .values_list(
            "pk", "session_id", "enrolment_id", "status", "trainee__first_name", "trainee__last_name", "trainee__email"
        )
    ]
    enrolments = [
        _EnrolmentRow(pk, by_id[session_id], client_name)
        for pk, session_id, client_name in Enrolment.objects.filter(organisation=org, session__in=sessions_qs)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .order_by("session__start_date", "session_id", "id")
        .values_list("pk", "session_id", "client__name")
    ]
    client_kinds = set(
        Enrolment.objects.filter(organisation=org, session__in=sessions_qs)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .values_list("client__kind", flat=True)
        .distinct()
    )
    has_alternance = FundingLine.objects.filter(
        organisation=org,
        scheme__in=[FundingScheme.APPRENTICESHIP, FundingScheme.PROFESSIONALISATION, FundingScheme.PRO_A],
    ).exists()
    trainers = list(scoped(Trainer.objects.filter(organisation=org)).order_by("last_name", "first_name"))
    checks: dict[int, SubcontractorCheck] = {}
    for check in SubcontractorCheck.objects.filter(organisation=org).order_by("trainer_id", "checked_on", "id"):
        checks[check.trainer_id] = check  # the latest wins
    documents = list(
        Document.objects.filter(
            organisation=org,
            kind__in=["convocation", "rules", "subcontracting"],
            session_id_ref__in=sessions_qs.values("pk"),
        )
        .exclude(status=DocumentStatus.REPLACED)
        .values("pk", "kind", "subject_id", "session_id_ref", "status", "diffused_at", "title")
    )
    # Who each convocation and each session's règlement intérieur actually reached (indicator 9).
    deliveries: dict[tuple[str, int], set[str]] = defaultdict(set)
    for kind, subject_id, session_id, email in Delivery.objects.filter(
        organisation=org,
        document__kind__in=["convocation", "rules"],
        document__session_id_ref__in=sessions_qs.values("pk"),
    ).values_list("document__kind", "document__subject_id", "document__session_id_ref", "email"):
        key = ("convocation", subject_id) if kind == "convocation" else ("rules", session_id)
        deliveries[key].add(email.lower())
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    evidence_qs = Evidence.objects.filter(organisation=org)
    if member_ids is not None:
        evidence_qs = evidence_qs.filter(Q(member_structure__isnull=True) | Q(member_structure_id__in=member_ids))
    for item in evidence_qs.order_by("-dated", "-id"):
        for number in item.indicators:
            evidence[int(number)].append(item)
    complaints_qs = Complaint.objects.filter(organisation=org)
    if member_ids is not None:
        complaints_qs = complaints_qs.filter(
            Q(member_structure_id__in=member_ids) | Q(session__member_structure_id__in=member_ids)
        )
    complaints = list(complaints_qs.order_by("received_on", "id"))
    actions = list(ImprovementAction.objects.filter(organisation=org).order_by("due_on", "id"))
    watch = list(WatchEntry.objects.filter(organisation=org).order_by("-seen_on", "-id"))
    open_ncs: dict[int, list[NonConformity]] = defaultdict(list)
    for nc in NonConformity.objects.filter(organisation=org, closed_on__isnull=True).order_by("due_on"):
        open_ncs[nc.indicator].append(nc)
    surveys: dict[str, tuple[int, int]] = {}
    for kind in SURVEY_KINDS:
        counts = evaluations.answered_counts(org, kind=kind, session_ids=session_ids)
        surveys[kind] = (sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values()))
    subcontractors = any(t.status == TrainerStatus.SUBCONTRACTOR and t.can_deliver for t in trainers)
    subcontractors = subcontractors or any(s.subcontracted_out for s in sessions)
    return _Records(
        org=org,
        today=today,
        member_ids=member_ids,
        trainings=trainings,
        sessions=sessions,
        participants=participants,
        enrolments=enrolments,
        trainers=trainers,
        checks=checks,
        documents=documents,
        deliveries=deliveries,
        evidence=evidence,
        complaints=complaints,
        actions=actions,
        watch=watch,
        surveys=surveys,
        sessions_with_trainers=set(
            Session.trainers.through.objects.filter(session__in=sessions_qs).values_list("session_id", flat=True)
        ),
        adaptation_participants=set(
            Participant.objects.filter(organisation=org, session__in=sessions_qs)
            .exclude(trainee__adaptation_needs="")
            .values_list("pk", flat=True)
        ),
        needs_enrolments=set(evaluations.enrolments_with_answer(org, kind="needs")),
        needs_participants=set(evaluations.participants_with_answer(org, kind="needs")),
        skills_participants=set(evaluations.participants_with_answer(org, kind="skills")),
        published=len(evaluations.published_results(org)),
        open_ncs=open_ncs,
        profile=profile_for(
            org,
            settings,
            trainings,
            has_subcontractors=subcontractors,
            has_alternance=has_alternance,
            # Every client is another OF: we deliver only as its subcontractor (guide de lecture V9).
            only_for_other_ofs=client_kinds == {ClientKind.TRAINING_ORG},
        ),
    )


# --- The judges: one per indicator with automatic evidence -------------------------------------------------

Verdict = tuple[str, str, _Links, _Links]


def _nothing(status: str, text: str) -> Verdict:
    return status, text, _Links(), _Links()


def _ratio(counted: _Links, missing: _Links, *, what: str, none: str) -> Verdict:
    """met when nothing is missing, partial when some are, missing when none counts."""
    if not counted and not missing:
        return MISSING, none, counted, missing
    text = _("%(ok)s sur %(total)s %(what)s.") % {
        "ok": counted.total,
        "total": counted.total + missing.total,
        "what": what,
    }
    if not missing:
        return MET, text, counted, missing
    return (PARTIAL if counted else MISSING), text, counted, missing


def _link(label: str, url: str) -> Link:
    return Link(label, url)


def _training_link(r: _Records, t: Training, suffix: str = "") -> Link:
    return Link(f"{t.title}{suffix}", r.url("catalogue:detail", pk=t.pk))


def _session_link(r: _Records, s: Session) -> Link:
    return Link(str(s), r.url("sessions:detail", pk=s.pk))


def _session_link_with(r: _Records, s: Session, suffix: str) -> Link:
    link = _session_link(r, s)
    return Link(link.label + suffix, link.url)


def _participant_link(r: _Records, p: _ParticipantRow) -> Link:
    return Link(
        f"{p.trainee_name} — {p.session}",
        r.url("sessions:participant_edit", pk=p.session.pk, participant_pk=p.pk),
    )


def _participant_link_with(r: _Records, p: _ParticipantRow, suffix: str) -> Link:
    link = _participant_link(r, p)
    return Link(link.label + suffix, link.url)


def _enrolment_link(r: _Records, e: _EnrolmentRow) -> Link:
    return Link(f"{e.client_name} — {e.session}", r.url("sessions:enrolment_edit", pk=e.session.pk, enrolment_pk=e.pk))


def _trainer_link(r: _Records, t: Trainer, suffix: str = "") -> Link:
    return Link(f"{t.full_name}{suffix}", r.url("people:trainer_detail", pk=t.pk))


def _published_trainings(r: _Records) -> list[Training]:
    return [t for t in r.trainings if t.is_public and t.status == TrainingStatus.VALIDATED]


def judge_1(r: _Records) -> Verdict:
    """On what each public training page actually shows (catalogue.public_page, the items the page renders):
    prerequisites, objectives, duration, access methods and delay, price, contact, methods, assessment,
    accessibility, and the certification's code for a certifying action (guide de lecture, indicator 1)."""
    counted, missing = _Links(), _Links()
    for t in _published_trainings(r):
        t.organisation = r.org  # the page's contact and disability referent are the organisation's
        lacks = public_missing(t)
        if lacks:
            text = " (" + _("absent de la page publique : %(f)s") % {"f": ", ".join(lacks)} + ")"
            missing.add(_training_link, r, t, text)
        else:
            counted.add(_training_link, r, t)
    return _ratio(counted, missing, what=_("pages publiques de formation montrent tout ce que l'indicateur 1 exige"),
                  none=_("Aucune formation publiée au catalogue."))  # fmt: skip


def judge_3(r: _Records) -> Verdict:
    """For certifying actions, on what each public page shows (catalogue.public_page, items of indicator 3): the
    success rate with its period and sample, the blocks, the equivalences and bridges, the outlets and next steps."""
    counted, missing = _Links(), _Links()
    for t in _published_trainings(r):
        if t.certification_kind == CertificationKind.NONE:
            continue
        t.organisation = r.org
        lacks = public_missing(t, indicator=3)
        if lacks:
            text = " (" + _("absent de la page publique : %(f)s") % {"f": ", ".join(lacks)} + ")"
            missing.add(_training_link, r, t, text)
        else:
            counted.add(_training_link, r, t)
    return _ratio(counted, missing, what=_("formations certifiantes publient ce que l'indicateur 3 exige"),
                  none=_("Aucune formation certifiante publiée au catalogue."))  # fmt: skip


def judge_2(r: _Records) -> Verdict:
    if r.published:
        text = ngettext(
            "%(n)s résultat publié sur les pages des formations.",
            "%(n)s résultats publiés sur les pages des formations.",
            r.published,
        ) % {"n": r.published}
        return _nothing(MET, text)
    return _nothing(MISSING, _("Aucun indicateur de résultat publié (module Évaluations)."))


def judge_4(r: _Records) -> Verdict:
    # The needs are analysed with the trainee (their needs questionnaire) or with the client or funder.
    analysed = set(r.needs_enrolments) | {p.enrolment_id for p in r.participants if p.pk in r.needs_participants}
    counted, missing = _Links(), _Links()
    for e in r.enrolments:
        (counted if e.pk in analysed else missing).add(_enrolment_link, r, e)
    return _ratio(counted, missing, what=_("inscriptions ont une analyse du besoin"),
                  none=_("Aucune inscription sur la période."))  # fmt: skip


def judge_5(r: _Records) -> Verdict:
    counted, missing = _Links(), _Links()
    for t in r.trainings:
        if t.status not in (TrainingStatus.VALIDATED, TrainingStatus.SUBMITTED):
            continue
        objectives = [o for o in t.objectives if str(o).strip()]
        if objectives:
            counted.add(_training_link, r, t)
        else:
            missing.add(_training_link, r, t, " (" + _("aucun objectif") + ")")
    return _ratio(counted, missing, what=_("formations ont des objectifs opérationnels et évaluables"),
                  none=_("Aucune formation validée."))  # fmt: skip


def judge_8(r: _Records) -> Verdict:
    counted, missing = _Links(), _Links()
    for p in r.participants:
        if p.session.training.action_category == QualiopiCategory.SKILLS_ASSESSMENT:
            continue  # no entry positioning for a bilan de compétences (guide de lecture: 8 does not apply)
        (counted if p.pk in r.needs_participants else missing).add(_participant_link, r, p)
    return _ratio(counted, missing, what=_("stagiaires ont répondu au positionnement d'entrée"),
                  none=_("Aucun·e stagiaire sur la période."))  # fmt: skip


def judge_9(r: _Records) -> Verdict:
    """Each trainee received their convocation and the règlement intérieur (guide de lecture: the conditions of
    the service reach the beneficiary): a delivery to the trainee's e-mail (or, for a trainee without one, to
    whoever received their convocation), not a document merely issued."""
    counted, missing = _Links(), _Links()
    for p in r.participants:
        convocation = r.deliveries.get(("convocation", p.pk), set())
        rules = r.deliveries.get(("rules", p.session.pk), set())
        reached = {p.trainee_email} if p.trainee_email else convocation
        lacks = []
        if not reached & convocation:
            lacks.append(_("convocation non remise"))
        if not reached & rules:
            lacks.append(_("règlement intérieur non remis"))
        if lacks:
            missing.add(_participant_link_with, r, p, " (" + ", ".join(lacks) + ")")
        else:
            counted.add(_participant_link, r, p)
    return _ratio(counted, missing, what=_("stagiaires ont reçu leur convocation et le règlement intérieur"),
                  none=_("Aucun·e stagiaire sur la période."))  # fmt: skip


def judge_11(r: _Records) -> Verdict:
    counted, missing = _Links(), _Links()
    for p in r.participants:
        if p.status == ParticipantStatus.DROPPED_OUT or p.session.end_date is None or p.session.end_date > r.today:
            continue
        (counted if p.pk in r.skills_participants else missing).add(_participant_link, r, p)
    return _ratio(counted, missing, what=_("stagiaires ont une évaluation des acquis"),
                  none=_("Aucun·e stagiaire ayant terminé une session sur la période."))  # fmt: skip


def judge_12(r: _Records) -> Verdict:
    followed = {c.participant_id for c in r.complaints if c.kind == ComplaintKind.DROPOUT and c.participant_id}
    counted, missing = _Links(), _Links()
    for p in r.participants:
        if p.status != ParticipantStatus.DROPPED_OUT or p.session.total_minutes <= LONG_ACTION_MINUTES:
            continue
        (counted if p.pk in followed else missing).add(_participant_link, r, p)
    procedure = any(e.covers for e in r.evidence.get(12, []))
    if not counted and not missing:
        if procedure:
            return _nothing(MET, _("Aucun abandon sur une action de plus de deux jours ; la procédure est décrite."))
        return _nothing(MISSING, _("Aucune procédure de prévention des abandons déposée comme preuve."))
    status, text, counted, missing = _ratio(counted, missing, what=_("abandons ont été suivis (registre)"), none="")
    if status == MET and not procedure:
        return PARTIAL, text + " " + _("La procédure n'est pas déposée comme preuve."), counted, missing
    return status, text, counted, missing


def judge_17(r: _Records) -> Verdict:
    """Human and technical means (guide de lecture: premises, equipment, platforms, CVs): each trainer who
    delivers has a CV on file; each session of the period has its trainers and its means — a place with its
    address and accessibility described, or a connection link when remote."""
    counted, missing = _Links(), _Links()
    for t in r.trainers:
        if not t.can_deliver:
            continue
        if t.cv:
            counted.add(_trainer_link, r, t)
        else:
            missing.add(_trainer_link, r, t, " (" + _("CV non déposé") + ")")
    for s in r.sessions:
        if s.subcontracted_out:
            continue  # the subcontractor's means (indicator 27)
        lacks = []
        if s.pk not in r.sessions_with_trainers:
            lacks.append(_("aucun·e formateur·rice"))
        if s.place is None and not s.remote_url:
            lacks.append(_("ni lieu ni lien de connexion"))
        elif s.place is not None and (not s.place.address or not s.place.accessibility.strip()):
            lacks.append(_("adresse ou accessibilité du lieu non renseignée"))
        if lacks:
            missing.add(_session_link_with, r, s, " (" + ", ".join(lacks) + ")")
        else:
            counted.add(_session_link_with, r, s, " (" + _("moyens renseignés") + ")")
    return _ratio(counted, missing, what=_("intervenant·es (CV) et sessions (formateur·rices, lieu ou plateforme)"),
                  none=_("Aucun·e intervenant·e validé·e ni session sur la période."))  # fmt: skip


def judge_21(r: _Records) -> Verdict:
    counted, missing = _Links(), _Links()
    for t in r.trainers:
        if not t.can_deliver:
            continue
        lacks = []
        if not t.decided_at or not t.committee_decision.strip():
            lacks.append(_("décision du comité"))
        if not t.qualifications.strip():
            lacks.append(_("qualifications"))
        if lacks:
            missing.add(_trainer_link, r, t, " (" + _("manque : %(f)s") % {"f": ", ".join(lacks)} + ")")
        else:
            counted.add(_trainer_link, r, t)
    return _ratio(counted, missing, what=_("intervenant·es ont des qualifications vérifiées par le comité"),
                  none=_("Aucun·e intervenant·e validé·e."))  # fmt: skip


def _judge_watch(number: int) -> Callable[[_Records], Verdict]:
    def judge(r: _Records) -> Verdict:
        since = r.today - dt.timedelta(days=WATCH_VALIDITY_DAYS)
        entries = [w for w in r.watch if w.indicator == number and w.seen_on >= since]
        counted, missing = _Links(), _Links()
        for w in entries:
            link_url = r.url("quality:watch_edit", pk=w.pk)
            if w.practice_change.strip():
                counted.add(_link, f"{w.seen_on:%d/%m/%Y} — {w.source}", link_url)
            else:
                missing.add(_link, _("%(s)s (non exploitée)") % {"s": w.source}, link_url)
        if not entries:
            return _nothing(MISSING, _("Aucune entrée de veille depuis un an."))
        text = _("%(ok)s entrée(s) de veille exploitée(s) sur %(n)s depuis un an.") % {
            "ok": counted.total,
            "n": len(entries),
        }
        return (MET if counted else PARTIAL), text, counted, missing

    return judge


def judge_26(r: _Records) -> Verdict:
    """Disability (guide de lecture: a referent, a network of partners — Agefiph, Cap emploi, MDPH, Ressource
    handicap formation —, accessibility described): the referent named and reachable, the network described by
    an evidence covering 26, accessibility on each published training, and each trainee of the period who
    declared adaptation needs on a session whose place's accessibility (or remote link) is known."""
    counted, missing = _Links(), _Links()
    settings_url = r.url("org:settings")
    evidence_url = r.url("quality:indicator", number=26)
    if any(e.covers for e in r.evidence.get(26, [])):
        counted.add(_link, _("Réseau de partenaires handicap décrit (preuve déposée)"), evidence_url)
    else:
        missing.add(
            _link,
            _("Réseau de partenaires handicap (Agefiph, Cap emploi, MDPH, RHF…) : aucune preuve déposée"),
            evidence_url,
        )
    for p in r.participants:
        if p.pk not in r.adaptation_participants:
            continue
        s = p.session
        if s.remote_url or (s.place is not None and s.place.accessibility.strip()):
            counted.add(_participant_link, r, p)
        else:
            missing.add(_participant_link, r, p)
    if r.org.disability_referent_name and (r.org.disability_referent_email or r.org.disability_referent_phone):
        counted.add(_link, _("Référent·e handicap : %(n)s") % {"n": r.org.disability_referent_name}, settings_url)
    else:
        missing.add(_link, _("Référent·e handicap non renseigné·e"), settings_url)
    for t in _published_trainings(r):
        if t.accessibility.strip():
            counted.add(_training_link, r, t, " (" + _("accessibilité décrite") + ")")
        else:
            missing.add(_training_link, r, t, " (" + _("accessibilité non décrite") + ")")
    return _ratio(counted, missing, what=_("éléments d'accueil des personnes en situation de handicap"),
                  none=_("Rien de renseigné."))  # fmt: skip


def judge_27(r: _Records) -> Verdict:
    since = r.today - dt.timedelta(days=CHECK_VALIDITY_DAYS)
    counted, missing = _Links(), _Links()
    for t in r.trainers:
        if t.status != TrainerStatus.SUBCONTRACTOR or not t.can_deliver:
            continue
        check = r.checks.get(t.pk)
        if check and check.is_complete and check.checked_on >= since and t.siret and t.nda:
            counted.add(_trainer_link, r, t, " (" + _("vérifié le %(d)s") % {"d": f"{check.checked_on:%d/%m/%Y}"} + ")")
        elif check is None:
            missing.add(_trainer_link, r, t, " (" + _("aucun suivi enregistré") + ")")
        else:
            missing.add(_trainer_link, r, t, " (" + _("suivi incomplet ou de plus d'un an") + ")")
    # Each session entrusted to another OF: that OF's SIRET and NDA, and the subcontracting contract issued.
    contracts = {d["session_id_ref"] for d in r.documents if d["kind"] == "subcontracting" and d["status"] in ISSUED}
    for s in r.sessions:
        if not s.subcontracted_out:
            continue
        lacks = []
        if not s.subcontractor_siret:
            lacks.append(_("SIRET du sous-traitant"))
        if not s.subcontractor_nda:
            lacks.append(_("NDA du sous-traitant"))
        if s.pk not in contracts:
            lacks.append(_("contrat de sous-traitance émis"))
        if lacks:
            missing.add(_session_link_with, r, s, " (" + _("manque : %(f)s") % {"f": ", ".join(lacks)} + ")")
        else:
            name = s.subcontractor_name or s.subcontractor_siret
            counted.add(_session_link_with, r, s, " (" + _("confiée à %(n)s, contrat émis") % {"n": name} + ")")
    return _ratio(counted, missing, what=_("sous-traitant·es suivi·es et sessions confiées documentées"),
                  none=_("Aucun·e sous-traitant·e en activité ni session confiée à un autre organisme."))  # fmt: skip


SURVEY_LABELS = {
    "hot": gettext_lazy("stagiaires (à chaud)"),
    "cold": gettext_lazy("stagiaires (à froid)"),
    "client": gettext_lazy("clients"),
    "funder": gettext_lazy("financeurs"),
    "trainer": gettext_lazy("équipes pédagogiques"),
}


def judge_30(r: _Records) -> Verdict:
    counted, missing = _Links(), _Links()
    if not any(r.surveys[kind][0] for kind in SURVEY_KINDS):
        return _nothing(MISSING, _("Aucun questionnaire envoyé sur la période."))
    for kind in SURVEY_KINDS:
        invited, answered = r.surveys[kind]
        label = str(SURVEY_LABELS[kind])
        if answered:
            counted.add(
                _link, _("%(who)s : %(a)s réponse(s) sur %(i)s") % {"who": label, "a": answered, "i": invited}, ""
            )
        else:
            missing.add(_link, _("%(who)s : aucune réponse") % {"who": label}, "")
    return _ratio(counted, missing, what=_("publics interrogés ont répondu"), none="")


def judge_31(r: _Records) -> Verdict:
    entries = [c for c in r.complaints if c.kind != ComplaintKind.DROPOUT]
    counted, missing = _Links(), _Links()
    for c in entries:
        link_url = r.url("quality:complaint_edit", pk=c.pk)
        late = (not c.acknowledged_on and c.acknowledge_due < r.today) or (not c.answered_on and c.answer_due < r.today)
        if late:
            missing.add(_link, _("%(c)s (en retard)") % {"c": c}, link_url)
        else:
            counted.add(_link, str(c), link_url)
    procedure = any(e.covers for e in r.evidence.get(31, []))
    if not entries:
        if procedure:
            return _nothing(MET, _("Aucune réclamation ni aléa enregistré ; la procédure de traitement est décrite."))
        return _nothing(MISSING, _("Registre vide et procédure de traitement non déposée."))
    return _ratio(counted, missing, what=_("réclamations et aléas traités dans les délais"), none="")


def judge_32(r: _Records) -> Verdict:
    counted, missing = _Links(), _Links()
    for a in r.actions:
        link_url = r.url("quality:improvement_edit", pk=a.pk)
        if a.done_on or a.due_on >= r.today:
            counted.add(_link, str(a), link_url)
        else:
            missing.add(_link, _("%(a)s (échéance dépassée)") % {"a": a}, link_url)
    return _ratio(counted, missing, what=_("actions d'amélioration à jour"), none=_("Aucune action d'amélioration."))


JUDGES: dict[int, Callable[[_Records], Verdict]] = {
    1: judge_1,
    2: judge_2,
    3: judge_3,
    4: judge_4,
    5: judge_5,
    8: judge_8,
    9: judge_9,
    11: judge_11,
    12: judge_12,
    17: judge_17,
    21: judge_21,
    **{n: _judge_watch(n) for n in WATCH_INDICATORS},
    26: judge_26,
    27: judge_27,
    30: judge_30,
    31: judge_31,
    32: judge_32,
}


def _from_evidence(items: list[Evidence]) -> tuple[str, str]:
    if any(e.covers for e in items):
        return MET, _("Preuve déposée et marquée comme couvrant l'indicateur.")
    if items:
        return PARTIAL, _("Des preuves sont déposées, aucune n'est marquée comme couvrant l'indicateur.")
    return MISSING, _("Aucune preuve déposée.")


def _judge(indicator: Indicator, r: _Records) -> IndicatorStatus:
    applies, reason = applicability(indicator, r.profile)
    items = r.evidence.get(indicator.number, [])
    ncs = r.open_ncs.get(indicator.number, [])
    if not applies:
        return IndicatorStatus(indicator, False, NOT_APPLICABLE, reason, evidence=items)
    judge = JUDGES.get(indicator.number)
    if judge is None:
        status, text = _from_evidence(items)
        counted, missing = _Links(), _Links()
    else:
        status, text, counted, missing = judge(r)
        if status == MISSING and any(e.covers for e in items):
            status = PARTIAL
            text += " " + _("Une preuve déposée le couvre, mais les enregistrements ne le montrent pas encore.")
    if r.profile.new_entrant and indicator.new_entrant and status != MET and not counted and not missing:
        # A new entrant's initial audit checks the process, its surveillance audit the implementation (arrêté
        # du 6 juin 2019 as amended on 31 May 2023; guide de lecture, indicators 2, 3, 11, … 30, 31, 32): with no
        # record yet, the uploaded description of the process decides.
        if any(e.covers for e in items):
            status = MET
            text = _(
                "Nouvel entrant : le processus est décrit (preuve déposée) ; sa mise en œuvre sera vérifiée à "
                "l'audit de surveillance."
            )
        elif items:
            status = PARTIAL
            text = _("Nouvel entrant : des preuves sont déposées, aucune ne décrit entièrement le processus.")
        else:
            status = MISSING
            text = _(
                "Nouvel entrant : aucun enregistrement encore ; déposez la description du processus (preuve marquée "
                "comme couvrant l'indicateur)."
            )
    if ncs and status == MET:
        status = PARTIAL
    if ncs:
        text += " " + ngettext("%(n)s non-conformité ouverte.", "%(n)s non-conformités ouvertes.", len(ncs)) % {
            "n": len(ncs)
        }
    return IndicatorStatus(
        indicator, True, status, text, counted.links, missing.links, items, ncs, counted.total, missing.total
    )


def compute(
    org: Organisation,
    *,
    member_ids: frozenset[int] | None = None,
    period: Period | None = None,
    today: dt.date | None = None,
) -> list[IndicatorStatus]:
    """The 32 statuses for `org` (restricted to member structures `member_ids` when given)."""
    records = _load(org, member_ids=member_ids, period=period or Period(), today=today or timezone.localdate())
    return [_judge(indicator, records) for indicator in INDICATORS]


def summary(statuses: list[IndicatorStatus]) -> dict[str, int]:
    counts = {MET: 0, PARTIAL: 0, MISSING: 0, NOT_APPLICABLE: 0}
    for s in statuses:
        counts[s.status] += 1
    return counts
