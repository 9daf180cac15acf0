# SPDX-License-Identifier: AGPL-3.0-or-later
"""The import page (issue 16, point 2): a network's moderator imports an LHEO feed by URL or by file, the import
runs in the background and its page shows the progress (htmx every 2 s while it runs), the counts and the rejected
records with their reasons; bad input is refused in French with nothing queued; other networks' moderators and
simple members see nothing of it."""

import http.server
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from coopforma.accounts.tests.factories import UserFactory
from coopforma.networks.models import NetworkRole
from coopforma.networks.tests.factories import NetworkFactory, person
from coopforma.offers.models import ImportRun, ImportStatus, Offer, OfferSource, SourceKind

FEED23 = Path(__file__).parent / "fixtures" / "lheo23.xml"

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path)
    network = NetworkFactory(slug="coop")
    moderator = person(network, NetworkRole.MODERATOR).user
    return network, moderator


def _upload(name: str = "flux.xml", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, FEED23.read_bytes() if content is None else content, "application/xml")


def test_a_moderator_imports_a_file_and_follows_its_run(
    setting, client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    network, moderator = setting
    client.force_login(moderator)
    assert client.get("/reseaux/coop/gerer/imports/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/reseaux/coop/gerer/imports/",
            {"label": "Carif Occitanie", "upload": _upload(), "licence": "Licence Ouverte 2.0"},
        )
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reseaux/coop/gerer/imports/{run.pk}/"
    assert run.source.network == network and run.source.kind == SourceKind.LHEO
    assert run.source.licence == "Licence Ouverte 2.0" and run.location.startswith("storage:imports/lheo/coop/")
    assert (run.status, run.created, run.rejected) == (ImportStatus.DONE, 5, 3)
    page = client.get(response["Location"]).content.decode()
    assert "Terminé" in page and "Formations rejetées" in page and "Fichier envoyé depuis le navigateur" in page
    assert run.rejections[0]["reason"] in page.replace("&#x27;", "'").replace("&quot;", '"')
    assert 'hx-trigger="every 2s"' not in page  # finished: no more polling
    listing = client.get("/reseaux/coop/gerer/imports/").content.decode()
    assert "Carif Occitanie" in listing and f"/reseaux/coop/gerer/imports/{run.pk}/" in listing


def test_a_running_import_is_polled_every_2_seconds(setting, client: Client) -> None:
    network, moderator = setting
    source = OfferSource.objects.create(name="coop-flux", label="Flux", kind=SourceKind.LHEO, network=network)
    run = ImportRun.objects.create(
        source=source,
        location="https://x.example/f.xml",
        status=ImportStatus.RUNNING,
        phase="importing",
        records_total=200,
        records_done=50,
    )
    client.force_login(moderator)
    page = client.get(f"/reseaux/coop/gerer/imports/{run.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page and '<progress id="import-bar" max="200" value="50">' in page
    assert "50 formations lues sur 200" in page and "Import des offres" in page
    fragment = client.get(f"/reseaux/coop/gerer/imports/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<section id="import-progress"') and "<html" not in fragment


class _Feed(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = FEED23.read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_an_import_by_url_is_fetched_safely(
    setting, settings, client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _network, moderator = setting
    settings.FEDERATION_ALLOW_LOCAL = True
    server = http.server.HTTPServer(("127.0.0.1", 0), _Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client.force_login(moderator)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                "/reseaux/coop/gerer/imports/",
                {"label": "Carif", "url": f"http://127.0.0.1:{server.server_port}/lheo.xml"},
            )
    finally:
        server.shutdown()
        server.server_close()
    run = ImportRun.objects.get()
    assert (run.status, run.created) == (ImportStatus.DONE, 5)
    assert run.source.url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"label": "Carif"}, "l&#x27;un des deux"),
        ({"label": "Carif", "url": "https://192.168.1.10/flux.xml"}, "pas une adresse privée"),
        ({"label": "Carif", "url": "file:///etc/passwd"}, "doit commencer par https://"),
        ({"label": "Carif", "upload": "pdf"}, "pas un fichier XML"),
        ({"label": "", "url": "https://flux.example.org/lheo.xml"}, "obligatoire"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_queued(setting, client: Client, data, message) -> None:  # type: ignore[no-untyped-def]
    _network, moderator = setting
    if data.get("upload") == "pdf":
        data = {**data, "upload": _upload("flux.pdf", b"%PDF-1.4 not xml")}
    client.force_login(moderator)
    response = client.post("/reseaux/coop/gerer/imports/", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not ImportRun.objects.exists() and not OfferSource.objects.exists()


def test_another_networks_moderator_and_a_member_see_nothing(setting, client: Client) -> None:
    network, _moderator = setting
    source = OfferSource.objects.create(name="coop-flux", label="Flux", kind=SourceKind.LHEO, network=network)
    run = ImportRun.objects.create(source=source, location="https://x.example/f.xml")
    other = NetworkFactory(slug="autre")
    client.force_login(person(other, NetworkRole.MODERATOR).user)
    assert client.get(f"/reseaux/autre/gerer/imports/{run.pk}/").status_code == 404
    assert "Flux" not in client.get("/reseaux/autre/gerer/imports/").content.decode()
    client.force_login(person(network, NetworkRole.MEMBER).user)
    assert client.get(f"/reseaux/coop/gerer/imports/{run.pk}/").status_code == 403
    assert (
        client.post("/reseaux/coop/gerer/imports/", {"label": "X", "url": "https://f.example.org/x.xml"}).status_code
        == 403
    )
    client.force_login(UserFactory())
    assert client.get(f"/reseaux/coop/gerer/imports/{run.pk}/").status_code == 404
    assert ImportRun.objects.count() == 1 and not Offer.objects.exists()
