# SPDX-License-Identifier: AGPL-3.0-or-later
"""This app's part of the demo cooperative, built from the records the earlier parts created
(`dashboard.demo` calls the parts in order; the émargement comes from `attendance.demo`).

- Frame D of the BPF for the current and the previous fiscal year (from the demo's « accounts »).
- One trainee of the latest finished session without a BPF type (a late registration entered in a hurry):
  the assistant's honest error, with the link to the participant's page that fixes it.
"""

from coopforma.accounts.actor import actor_for
from coopforma.accounts.demo import DemoContext
from coopforma.accounts.roles import Role
from coopforma.reporting.selectors import current_fiscal_year
from coopforma.reporting.services import bpf_charges_save
from coopforma.training_sessions.models import Participant, ParticipantStatus, Session, SessionStatus


def load(ctx: DemoContext) -> None:
    org, today, users = ctx.org, ctx.today, ctx.users
    actor = actor_for(users["admin"], org, Role.ADMIN)
    done = list(
        Session.objects.filter(organisation=org, status=SessionStatus.DONE)
        .prefetch_related("trainers")
        .order_by("start_date", "pk")
    )
    if done:
        latest = Participant.objects.filter(session=done[-1]).exclude(status=ParticipantStatus.CANCELLED)
        untyped = latest.order_by("-pk").first()
        if untyped is not None:
            # On purpose and by the ORM: no service leaves a participant without BPF type (participant_update
            # refuses it), but the demo shows the assistant's error and the link that fixes it.
            Participant.objects.filter(pk=untyped.pk).update(bpf_trainee_type="")
    year = current_fiscal_year(org, today)
    for fiscal_year, total, salaries, purchases, turnover in (
        (year - 1, 3_862_000, 2_104_000, 612_000, 9_870_000),
        (year, 1_215_500, 684_000, 151_200, None),
    ):
        bpf_charges_save(
            actor=actor,
            year=fiscal_year,
            total_charges_cents=total,
            trainer_salaries_cents=salaries,
            purchases_cents=purchases,
            turnover_cents=turnover,
            address_public=True,
        )
