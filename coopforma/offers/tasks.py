# SPDX-License-Identifier: AGPL-3.0-or-later
"""Background tasks of the offers app: an LHEO import started from a web page (its progress on the ImportRun)."""

from coopforma.core.compat import task


@task()
def import_lheo_run(run_id: int, safe: bool = False) -> str:
    """Carry out a queued import (offers.importing.import_enqueue creates the run and enqueues this on commit);
    `safe`: a URL given on the web page is fetched like a federated feed (no private address, no redirect)."""
    from coopforma.offers.importing import import_run

    result = import_run(run_id, safe=safe)
    return "done" if result is not None else "failed"


@task()
def subscription_pull_task(source_id: int) -> str:
    """Pull one subscription now (after it is created); the hourly job `coopforma offers_pull` pulls them all."""
    from coopforma.offers.federation import subscription_pull

    return subscription_pull(source_id).status
