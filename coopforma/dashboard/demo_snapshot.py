# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the demo cooperative looks like, as one JSON-able dict: to check that a refactoring of the demo keeps it.

The BPF JSON of every fiscal year the demo's sessions touch, the number of rows of every Coopforma table, the
invoices (number, kind, payer, totals, dates), the sessions (title, dates, status, places taken), the logins. The
activity log is counted apart (`log_actions`): a service logs its own event where the old demo logged
`demo.<noun>.created`, so its rows may change without the demo changing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.apps import apps

from coopforma.accounts.models import Membership, Organisation
from coopforma.billing.models import Invoice
from coopforma.core.models import ActivityLog
from coopforma.reporting.bpf import compute_bpf
from coopforma.reporting.outputs import bpf_json
from coopforma.reporting.selectors import current_fiscal_year
from coopforma.training_sessions.models import Session


def demo_snapshot(org: Organisation, *, today: Any) -> dict[str, Any]:
    year = current_fiscal_year(org, today)
    counts = {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model.__module__.startswith("coopforma.") and model is not ActivityLog
    }
    return {
        "organisations": sorted(Organisation.objects.values_list("slug", flat=True)),
        "logins": sorted(
            Membership.objects.filter(organisation=org).values_list("user__email", "role").order_by("user__email")
        ),
        "bpf": {str(y): bpf_json(compute_bpf(org, y)) for y in (year - 2, year - 1, year)},
        "counts": dict(sorted(counts.items())),
        "log_actions": dict(sorted(Counter(ActivityLog.objects.values_list("action", flat=True)).items())),
        "invoices": [
            {
                "number": i.number,
                "kind": i.kind,
                "status": i.status,
                "payer_kind": i.payer_kind,
                "recipient": i.recipient_name,
                "issued_on": i.issued_on.isoformat() if i.issued_on else None,
                "total_ht_cents": i.total_ht_cents,
                "total_ttc_cents": i.total_ttc_cents,
            }
            for i in Invoice.objects.filter(organisation=org).order_by("pk")
        ],
        "sessions": [
            {
                "title": s.title,
                "start": s.start_date.isoformat(),
                "end": s.end_date.isoformat(),
                "status": s.status,
                "minutes": s.total_minutes,
                "slots": s.slots.count(),
                "participants": sorted(s.participants.values_list("status", flat=True)),
                "trainers": sorted(t.full_name for t in s.trainers.all()),
                "place": s.place.name if s.place else None,
                "enrolments": sorted((e.client.name, e.status, e.price_cents) for e in s.enrolments.all()),
            }
            for s in Session.objects.filter(organisation=org).order_by("pk")
        ],
    }
