# SPDX-License-Identifier: AGPL-3.0-or-later
"""The Qualiopi audit calendar of a certificate: pure date arithmetic, no database.

The rules (docs/certifiers.md; shared domain note « regulations » §1.4, arrêté du 6 juin 2019 and its guide):
- the certificate is valid 3 years from the initial decision (its start date);
- the surveillance audit takes place « entre le 14e et le 22e mois » after the certificate was obtained. The
  ordinal and the cardinal readings differ by one month at the start; the window given here satisfies both:
  from 14 months after the start to the day before 22 months after it;
- the renewal audit is a full audit before the expiry date; certifiers advise contracting it about 8 months
  ahead: the renewal window runs from 8 months before the expiry date to the expiry date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from coopforma.core.dates import add_months

VALIDITY_MONTHS = 36
SURVEILLANCE_FROM_MONTHS = 14
SURVEILLANCE_UNTIL_MONTHS = 22
RENEWAL_LEAD_MONTHS = 8

SURVEILLANCE = "surveillance"
RENEWAL = "renewal"
EXPIRED = "expired"
WINDOW_LABELS = {
    SURVEILLANCE: _("Audit de surveillance"),
    RENEWAL: _("Audit de renouvellement"),
    EXPIRED: _("Certificat expiré"),
}


@dataclass(frozen=True)
class Window:
    kind: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return str(WINDOW_LABELS[self.kind])

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class AuditCalendar:
    certificate_start: dt.date
    certificate_end: dt.date
    surveillance: Window
    renewal: Window

    def next_window(self, today: dt.date, *, surveillance_done: bool = False) -> Window:
        """The window to plan for on `today`: the surveillance one until it closes (unless its audit was held),
        then the renewal one; after the expiry date, an « expired » marker from the expiry date."""
        if today > self.certificate_end:
            return Window(EXPIRED, self.certificate_end, self.certificate_end)
        if not surveillance_done and today <= self.surveillance.end:
            return self.surveillance
        return self.renewal


def certificate_dates(valid_from: dt.date | None, valid_until: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The certificate's start and last day: both given, or one deduced from the other (3 years); None without."""
    if valid_from is None and valid_until is None:
        return None
    if valid_from is None:
        assert valid_until is not None
        valid_from = add_months(valid_until + dt.timedelta(days=1), -VALIDITY_MONTHS)
    if valid_until is None:
        valid_until = add_months(valid_from, VALIDITY_MONTHS) - dt.timedelta(days=1)
    return valid_from, valid_until


def audit_calendar(valid_from: dt.date | None, valid_until: dt.date | None) -> AuditCalendar | None:
    """The surveillance and renewal windows of a certificate (None without any date)."""
    dates = certificate_dates(valid_from, valid_until)
    if dates is None:
        return None
    start, end = dates
    surveillance = Window(
        SURVEILLANCE,
        add_months(start, SURVEILLANCE_FROM_MONTHS),
        add_months(start, SURVEILLANCE_UNTIL_MONTHS) - dt.timedelta(days=1),
    )
    renewal = Window(RENEWAL, add_months(end, -RENEWAL_LEAD_MONTHS), end)
    return AuditCalendar(start, end, surveillance, renewal)
