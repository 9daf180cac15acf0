# SPDX-License-Identifier: AGPL-3.0-or-later
"""Federation between two processes (issue 16, point 6): installation A is a separate `manage.py runserver` with
its own SQLite database file (under tmp_path, DATABASE_URL unset, `SQLITE_PATH` and `COOPFORMA_VAR_DIR` pointing
there, the production settings `config.settings`), a network with one published offer created in it through
`manage.py shell -c`; a network of the test database (installation B) subscribes to A's
`/reseaux/<slug>/offres.json` over loopback and pulls. The offer arrives with A's provenance; a second pull gets
304 and writes nothing.

Loopback is refused by the fetch unless ``FEDERATION_ALLOW_LOCAL`` (set here, as in test_federation.py). The test
is skipped, saying why, only when A's server process cannot start or never answers; a failing migration or
setup of A is a failure."""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from coopforma.networks.access import actor_for
from coopforma.networks.models import NetworkRole
from coopforma.networks.tests.factories import NetworkFactory, person
from coopforma.offers import federation
from coopforma.offers.models import Offer, OfferProvenance, OfferSession, OfferSource, SourceKind

pytestmark = pytest.mark.django_db

SIRET = "73282932000074"
MANAGE = Path(django_settings.BASE_DIR) / "manage.py"
SETUP_A = f"""
import datetime as dt
from django.utils import timezone
from coopforma.networks.models import Network
from coopforma.offers.models import Offer, OfferRelevance, OfferSession, OfferSource, SourceKind
network = Network.objects.create(name="Réseau A", slug="reseau-a", is_public=True)
source = OfferSource.objects.create(
    name="carif-a", label="Carif A", kind=SourceKind.LHEO, licence="Licence Ouverte 2.0", network=network
)
offer = Offer.objects.create(
    source=source, external_id="OF-A-1", title="Gouvernance coopérative en Scic", status="active",
    provider_name="Coop A", provider_siret="{SIRET}", summary="Décider ensemble dans une Scic.",
)
OfferSession.objects.create(
    offer=offer, start=dt.date(2027, 3, 1), end=dt.date(2027, 3, 3), city="Lyon", postal_code="69001",
    department="69", region="84",
)
OfferRelevance.objects.create(network=network, offer=offer, verdict="shown", scored_at=timezone.now())
print("installation A ready")
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(env: dict[str, str], *args: str, timeout: float = 120) -> None:
    done = subprocess.run(
        [sys.executable, str(MANAGE), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"installation A: manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory, django_db_setup, django_db_blocker) -> Path | None:  # type: ignore[no-untyped-def]
    """On SQLite, a copy of the test database as the migrations built it, taken outside any test's transaction (a
    backup from inside one waits on its own lock): A's database file starts from it, so that A's `migrate` has
    nothing left to apply (138 migrations take about a minute on a loaded machine). None on PostgreSQL: A's file
    is then migrated from nothing."""
    if connection.vendor != "sqlite":
        return None
    target = tmp_path_factory.mktemp("installation-a") / "migrated.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    return target


@pytest.fixture
def installation_a(tmp_path: Path, migrated_sqlite: Path | None) -> Iterator[str]:
    """A's base URL, its server running in its own process on a free loopback port, stopped at the end."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SQLITE_PATH=str(tmp_path / "installation-a.sqlite3"),
        COOPFORMA_VAR_DIR=str(tmp_path / "var-a"),
        SECRET_KEY="installation-a-of-a-test-only",
        SITE_URL=base,  # plain HTTP: no redirect to https
        ALLOWED_HOSTS="127.0.0.1",
        DEBUG="false",
        TASKS_BACKEND="immediate",
        STATIC_MANIFEST="0",
    )
    if migrated_sqlite is not None:
        shutil.copyfile(migrated_sqlite, tmp_path / "installation-a.sqlite3")
    _run(env, "migrate", "--no-input", "-v", "0", timeout=300)
    _run(env, "shell", "-c", SETUP_A)
    log = (tmp_path / "installation-a.log").open("w")
    server = subprocess.Popen(
        [sys.executable, str(MANAGE), "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.skip(f"installation A's server exited ({server.returncode}): {_tail(tmp_path)}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.skip(f"installation A's server did not answer on port {port} in 30 s: {_tail(tmp_path)}")
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _tail(tmp_path: Path) -> str:
    return (tmp_path / "installation-a.log").read_text(errors="replace")[-1500:]


def _written() -> dict[str, object]:
    return {
        "offers": list(Offer.objects.order_by("pk").values_list("pk", "updated_at")),
        "sessions": list(OfferSession.objects.order_by("pk").values_list("pk", "offer_id", "start")),
        "provenances": list(OfferProvenance.objects.order_by("pk").values_list("pk", "offer_id", "source_id")),
    }


def test_a_network_subscribes_to_an_installation_in_another_process(installation_a, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FEDERATION_ALLOW_LOCAL = True  # loopback, refused otherwise
    b = NetworkFactory(slug="reseau-b", name="Réseau B")
    moderator = person(b, NetworkRole.MODERATOR).user
    url = f"{installation_a}/reseaux/reseau-a/offres.json"
    source = federation.subscription_create(
        actor=actor_for(moderator, b),
        url=url,
        label="Réseau A",
        kind=SourceKind.FEDERATION,
        licence="Licence Ouverte 2.0",
    )

    result = federation.subscription_pull(source.pk)
    assert (result.status, result.created) == ("done", 1), result
    offer = Offer.objects.get(source=source)
    assert (offer.title, offer.provider_siret, offer.provider_name) == (
        "Gouvernance coopérative en Scic",
        SIRET,
        "Coop A",
    )
    assert list(offer.sessions.values_list("start", "city")) == [(offer.sessions.get().start, "Lyon")]
    # A's provenance: its installation (its own address, another process) and its source.
    first = offer.origin["chain"][0]
    assert first["installation"] == installation_a
    assert first["source"] == "Carif A"
    source = OfferSource.objects.get(pk=source.pk)
    assert source.etag and source.last_modified

    # Nothing changed at A: 304, nothing written at B.
    before = _written()
    again = federation.subscription_pull(source.pk)
    assert again.status == "not_modified"
    assert (again.created, again.updated, again.retired) == (0, 0, 0)
    assert _written() == before
    assert OfferSource.objects.get(pk=source.pk).etag == source.etag
