# SPDX-License-Identifier: AGPL-3.0-or-later
"""Background tasks of the offers app: an LHEO import started from a web page (its progress on the ImportRun)."""

from coopforma.core.compat import task


@task()
def import_lheo_run(run_id: int) -> str:
    """Carry out a queued import (offers.importing.import_enqueue creates the run and enqueues this on commit)."""
    from coopforma.offers.importing import import_run

    result = import_run(run_id)
    return "done" if result is not None else "failed"
