# SPDX-License-Identifier: AGPL-3.0-or-later
"""The instant every test starts at (the root conftest.py travels there for collection and for each test).

The default is a Tuesday at 10:00 in Paris: 09:00 UTC, so the date is the same in both zones and hours away
from midnight; the 17th, so no month, quarter or fiscal-year boundary is near; in November, away from the DST
changes. COOPFORMA_TEST_NOW moves it, to prove that the suite does not depend on the day (docs/testing.md):

    COOPFORMA_TEST_NOW=2027-01-01T00:10 .venv/bin/python -m pytest coopforma/billing   # naive = Europe/Paris
"""

import datetime as dt
import os
import zoneinfo

DEFAULT_TEST_NOW = "2026-11-17T10:00:00"


def frozen_now() -> dt.datetime:
    """The instant every test starts at (aware)."""
    instant = dt.datetime.fromisoformat(os.environ.get("COOPFORMA_TEST_NOW") or DEFAULT_TEST_NOW)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
    return instant
