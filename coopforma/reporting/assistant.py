# SPDX-License-Identifier: AGPL-3.0-or-later
"""The BPF assistant (« pilote de sessions »): every missing piece of the year, with the page that fixes it.

Errors block filing (a figure would be wrong or missing); warnings tell how a figure was obtained (planned
hours while the émargement is not entered, draft sessions left out). A bounded number of queries; each list
is capped at LIMIT items (the count says how many there are).
"""

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.catalogue.models import Training
from coopforma.people.models import ClientKind
from coopforma.reporting.bpf import Anomaly, Scope
from coopforma.training_sessions.models import (
    Enrolment,
    EnrolmentStatus,
    FundingScheme,
    Participant,
    ParticipantStatus,
    PayerKind,
    Session,
    SessionStatus,
    Slot,
)

LIMIT = 100


def url(name: str, **kwargs: object) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def invoice_url(org_slug: str, invoice_id: int) -> str:
    """The billing piece's page (billing's URL names; the billing list if the detail is not routed)."""
    for name, key in (("billing:detail", "pk"), ("billing:invoice_detail", "pk")):
        found = url(name, org=org_slug, **{key: invoice_id})
        if found:
            return found
    return url("billing:list", org=org_slug)


def find_anomalies(scope: Scope) -> tuple[list[Anomaly], int]:
    slug = scope.organisation.slug
    out: list[Anomaly] = []

    # Frame C: invoices without a payer category, or an OPCO without its scheme (lines 2a–2h).
    invoices = scope.invoices()
    if scope.member_structure_id is not None:
        invoices = invoices.filter(shares__member_structure_id=scope.member_structure_id)
    valid_schemes = [s.value for s in FundingScheme]
    missing = invoices.filter(Q(payer_kind="") | Q(payer_kind=PayerKind.OPCO) & ~Q(scheme__in=valid_schemes))
    for inv in missing.order_by("issued_on", "pk").values("pk", "number", "payer_kind", "total_ht_cents")[:LIMIT]:
        message = (
            _("Facture %(n)s : catégorie de payeur non renseignée (son montant n'est compté dans aucune ligne).")
            if not inv["payer_kind"]
            else _("Facture %(n)s : OPCO sans dispositif (lignes 2a à 2h).")
        )
        out.append(
            Anomaly(
                "invoice_payer" if not inv["payer_kind"] else "invoice_scheme",
                "error",
                "C",
                message % {"n": inv["number"] or inv["pk"]},
                invoice_url(slug, inv["pk"]),
                inv["pk"],
            )
        )

    # Frames F-3 / F-4: trainings of counted trainees without an objective or an NSF code. Here and for F-1,
    # the cheap filter (a missing field) comes first and the « has hours » test last: the database reads the
    # sets behind that test only when some row is missing something (SQLite evaluates the terms in order).
    direct = scope.participants().exclude(enrolment__client__kind=ClientKind.TRAINING_ORG)
    trainings = Training.objects.filter(Q(nsf_code="") | Q(bpf_objective=""), organisation=scope.organisation).filter(
        Exists(direct.filter(scope.has_hours_q(), session__training=OuterRef("pk")))
    )
    for training in trainings.order_by("title").values("pk", "title", "nsf_code", "bpf_objective")[:LIMIT]:
        link = url("catalogue:edit", org=slug, pk=training["pk"])
        if not training["bpf_objective"]:
            out.append(
                Anomaly(
                    "training_objective",
                    "error",
                    "F-3",
                    _("Formation « %(t)s » : objectif BPF (cadre F-3) non renseigné.") % {"t": training["title"]},
                    link,
                    training["pk"],
                )
            )
        if not training["nsf_code"]:
            out.append(
                Anomaly(
                    "training_nsf",
                    "error",
                    "F-4",
                    _("Formation « %(t)s » : code NSF (cadre F-4) non renseigné.") % {"t": training["title"]},
                    link,
                    training["pk"],
                )
            )

    # Frame F-1: trainees without a type.
    untyped = direct.filter(bpf_trainee_type="").filter(scope.has_hours_q()).select_related("trainee", "session")
    for p in untyped.order_by("session__start_date", "pk")[:LIMIT]:
        out.append(
            Anomaly(
                "participant_type",
                "error",
                "F-1",
                _("%(who)s (session « %(s)s » du %(d)s) : type de stagiaire (a à e) non renseigné.")
                % {"who": p.trainee, "s": p.session.title, "d": _date(p.session.start_date)},
                url("sessions:participant_edit", org=slug, pk=p.session_id, participant_pk=p.pk),
                p.pk,
            )
        )

    # The session pilot: sessions of the year with zero hours, zero price or no trainee.
    slots_in_year = Slot.objects.filter(scope.in_year(), session=OuterRef("pk"))
    any_slot = Slot.objects.filter(session=OuterRef("pk"))
    active_participants = (
        Participant.objects.filter(session=OuterRef("pk"))
        .exclude(status=ParticipantStatus.CANCELLED)
        .exclude(enrolment__status=EnrolmentStatus.CANCELLED)
    )
    price = (
        Enrolment.objects.filter(session=OuterRef("pk"))
        .exclude(status=EnrolmentStatus.CANCELLED)
        .values("session")
        .annotate(total=Sum("price_cents"))
        .values("total")
    )
    entrusted = (
        Enrolment.objects.filter(session=OuterRef("pk"), entrusted_trainees__gt=0)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    created_in_year = Q(created_at__gte=scope.start_at, created_at__lt=scope.end_at)
    pilot = (
        scope.sessions()
        .filter(Q(Exists(slots_in_year)) | (~Q(Exists(any_slot)) & created_in_year))
        .annotate(
            has_slots=Exists(any_slot),
            has_trainees=Exists(active_participants),
            price=Coalesce(Subquery(price, output_field=IntegerField()), 0),
            entrusted=Coalesce(Subquery(entrusted, output_field=IntegerField()), 0),
        )
        .filter(Q(has_slots=False) | Q(price=0) | (Q(has_trainees=False) & Q(entrusted=0)))
        .order_by("start_date", "pk")
    )
    for s in pilot.values("pk", "title", "start_date", "has_slots", "has_trainees", "price", "entrusted")[:LIMIT]:
        link = url("sessions:detail", org=slug, pk=s["pk"])
        label = {"s": s["title"], "d": _date(s["start_date"])}
        if not s["has_slots"]:
            msg = _("Session « %(s)s » : aucun créneau, donc zéro heure.") % label
            out.append(Anomaly("session_no_hours", "error", "F", msg, link, s["pk"]))
        if not s["has_trainees"] and not s["entrusted"]:
            msg = _("Session « %(s)s » du %(d)s : aucun·e stagiaire.") % label
            out.append(Anomaly("session_no_trainee", "error", "F", msg, link, s["pk"]))
        if s["price"] == 0:
            msg = _("Session « %(s)s » du %(d)s : prix nul (aucun produit attendu en cadre C).") % label
            out.append(Anomaly("session_zero_price", "warning", "C", msg, link, s["pk"]))

    # Planned hours: sessions of the year with slots whose émargement is not entered.
    # Uncorrelated sets read once (an EXISTS per session made PostgreSQL JIT-compile the query), and the count
    # of them all beside the first LIMIT rows (a window over the whole result: no second query for it).
    unrecorded = scope.unrecorded_slots()
    past = unrecorded.filter(starts_at__lt=timezone.now()).values("session_id")
    planned = list(
        scope.sessions()
        .filter(pk__in=unrecorded.values("session_id"))
        .annotate(
            past=Case(When(pk__in=past, then=Value(True)), default=Value(False), output_field=BooleanField()),
            count=Window(Count("pk")),
        )
        .order_by("start_date", "pk")
        .values("pk", "title", "start_date", "past", "count")[:LIMIT]
    )
    planned_count = planned[0]["count"] if planned else 0
    for s in planned:
        label = {"s": s["title"], "d": _date(s["start_date"])}
        msg = (
            _("Session « %(s)s » du %(d)s : émargement non saisi, heures planifiées retenues.")
            if s["past"]
            else _("Session « %(s)s » du %(d)s : créneaux à venir, heures planifiées retenues.")
        )
        link = url("attendance:session", org=slug, session_id=s["pk"])
        out.append(Anomaly("planned_hours", "warning", "F", msg % label, link, s["pk"]))

    # Draft sessions with slots in the year: left out of every figure.
    drafts = Session.objects.filter(Exists(slots_in_year), organisation=scope.organisation, status=SessionStatus.DRAFT)
    if scope.member_structure_id is not None:
        drafts = drafts.filter(member_structure_id=scope.member_structure_id)
    for s in drafts.order_by("start_date", "pk").values("pk", "title", "start_date")[:LIMIT]:
        msg = _("Session « %(s)s » du %(d)s : encore en brouillon, non comptée.") % {
            "s": s["title"],
            "d": _date(s["start_date"]),
        }
        out.append(Anomaly("session_draft", "warning", "F", msg, url("sessions:detail", org=slug, pk=s["pk"]), s["pk"]))
    return out, planned_count


def _date(value: object) -> str:
    return value.strftime("%d/%m/%Y") if value else "?"  # type: ignore[attr-defined]
