# SPDX-License-Identifier: AGPL-3.0-or-later
"""This app's part of the demo cooperative, built from the records `dashboard.demo` created before it."""

import datetime as dt

from coopforma.accounts.models import Organisation, User


def load_demo(org: Organisation, *, today: dt.date, users: dict[str, User]) -> None:
    """Nothing yet for this app."""
