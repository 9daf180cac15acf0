# SPDX-License-Identifier: AGPL-3.0-or-later
"""Background tasks of the offers app: an LHEO import started from a web page (its progress on the ImportRun), a
subscription's first pull, the suggested competencies after a new référentiel version."""

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


@task()
def suggest_competencies_task(network_id: int) -> int:
    """After a référentiel version is published (offers/signals.py): the suggested competency links of the
    network's offers recomputed against it (`relevance.suggest_competencies`; about 22 s for 100,000 offers), the
    planner's statistics refreshed after many rows. How many suggestions were made."""
    from coopforma.networks.models import Network
    from coopforma.offers import relevance, search

    network = Network.objects.filter(pk=network_id).first()
    if network is None:
        return 0
    suggested = relevance.suggest_competencies(network)
    if suggested >= search.STATISTICS_AFTER_ROWS:
        search.refresh_statistics()
    return suggested
