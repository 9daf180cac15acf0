# SPDX-License-Identifier: AGPL-3.0-or-later
"""This app's part of the demo cooperative, built from the records the earlier parts created
(`dashboard.demo` calls the parts in order), and loaded
before billing (the CPF « service fait » and the invoices follow the hours realised).

Émargement of every past slot of the sessions that are over, through the attendance services (the hash chains
stay valid: `coopforma attendance verify` passes): opened by the trainer, signed by QR code or personal link, one
excused absence, one late arrival, the abandon of the session flagged `dropout` (present the first half-day, absent
afterwards), then closed with the trainer's typed signature. Sessions still running have no émargement yet (their
hours are planned, as the assistant says).
"""

import datetime as dt

from django.utils import timezone

from coopforma.accounts.actor import actor_for
from coopforma.accounts.demo import DemoContext
from coopforma.accounts.roles import Role
from coopforma.attendance import services as attendance
from coopforma.attendance.models import SignMethod
from coopforma.training_sessions.models import Participant, ParticipantStatus, Session, SessionStatus, Slot


def load(ctx: DemoContext) -> None:
    org, today, users = ctx.org, ctx.today, ctx.users
    actor = actor_for(users["admin"], org, Role.ADMIN)
    cutoff = timezone.make_aware(dt.datetime.combine(today, dt.time()), timezone.get_current_timezone())
    done = list(
        Session.objects.filter(organisation=org, status=SessionStatus.DONE)
        .prefetch_related("trainers")
        .order_by("start_date", "pk")
    )
    excused_done = late_done = False
    for session in done:
        participants = list(
            Participant.objects.filter(session=session)
            .exclude(status=ParticipantStatus.CANCELLED)
            .select_related("trainee")
            .order_by("pk")
        )
        trainer_name = ", ".join(t.full_name for t in session.trainers.all()) or "Formateur·rice"
        slots = list(Slot.objects.filter(session=session, ends_at__lte=cutoff).order_by("starts_at"))
        for index, slot in enumerate(slots):
            attendance.slot_open(actor=actor, slot_id=slot.pk, now=slot.starts_at - dt.timedelta(minutes=5))
            for n, participant in enumerate(participants):
                at = slot.starts_at + dt.timedelta(minutes=1 + n)
                if participant.status == ParticipantStatus.DROPPED_OUT and index > 0:
                    attendance.attendance_mark(
                        actor=actor, slot_id=slot.pk, participant_id=participant.pk, mark="absent", now=at
                    )
                elif not excused_done and index == 1 and n == 0 and len(participants) > 3:
                    excused_done = True
                    attendance.attendance_mark(
                        actor=actor,
                        slot_id=slot.pk,
                        participant_id=participant.pk,
                        mark="excused",
                        reason="Arrêt maladie (justificatif reçu)",
                        now=at,
                    )
                elif not late_done and index == 0 and n == 1 and len(participants) > 3:
                    late_done = True
                    arrival = slot.starts_at + dt.timedelta(minutes=40)
                    attendance.attendance_mark(
                        actor=actor,
                        slot_id=slot.pk,
                        participant_id=participant.pk,
                        mark="late",
                        arrival=arrival,
                        now=arrival,
                    )
                    attendance.attendance_sign(
                        participant=participant,
                        slot_id=slot.pk,
                        method=SignMethod.QR,
                        now=arrival + dt.timedelta(minutes=1),
                    )
                else:
                    method = SignMethod.REMOTE if slot.is_remote else SignMethod.QR  # on site: the QR code
                    attendance.attendance_sign(participant=participant, slot_id=slot.pk, method=method, now=at)
            attendance.slot_close(actor=actor, slot_id=slot.pk, trainer_name=trainer_name, now=slot.ends_at)
