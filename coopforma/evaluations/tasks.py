# SPDX-License-Identifier: AGPL-3.0-or-later
"""Background task of the evaluations: the scheduled sending (same work as `coopforma evaluations send --due`)."""

from coopforma.core.compat import task
from coopforma.evaluations.services import send_due


@task()
def evaluations_send_due() -> str:
    """Plan, open, remind and close the questionnaires due; returns the summary line."""
    return str(send_due())
