# SPDX-License-Identifier: AGPL-3.0-or-later
"""The LHEO import (issue 16, points 2b and 8): upserts, idempotence, retirement, rejections, broken files."""

import gzip
import http.server
import io
import re
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopforma.core.models import ActivityLog
from coopforma.formats.lheo_read import DIRT
from coopforma.networks.models import Network
from coopforma.offers import importing, search
from coopforma.offers.flags import FLAGS, flag_label, flag_labels
from coopforma.offers.importing import ImportFailed, import_enqueue, import_lheo, import_run
from coopforma.offers.models import ImportRun, ImportStatus, Offer, OfferSession, OfferSource, OfferStatus, SourceKind

FIXTURES = Path(__file__).parent / "fixtures"
FEED23, FEED22 = str(FIXTURES / "lheo23.xml"), str(FIXTURES / "lheo22.xml")
WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?offers_offer(session)?"?\s', re.IGNORECASE)

pytestmark = pytest.mark.django_db


def _offers(source: str = "carif") -> dict[str, Offer]:
    return {offer.external_id: offer for offer in Offer.objects.filter(source__name=source)}


def _state() -> list[tuple]:
    """Everything an import may change, to prove that a refused file changed nothing."""
    offers = list(Offer.objects.order_by("id").values_list("id", "external_id", "status", "content_hash", "updated_at"))
    sessions = list(OfferSession.objects.order_by("id").values_list("id", "offer_id", "start"))
    return [offers, sessions, list(OfferSource.objects.values_list("id", "name"))]


def test_the_first_import_creates_the_offers_and_rejects_bad_records_alone() -> None:
    result = import_lheo(FEED23, source_name="carif", label="Carif test", licence="Licence Ouverte 2.0")
    assert (result.created, result.updated, result.unchanged, result.retired, result.rejected) == (5, 0, 0, 0, 3)
    assert [(r.numero, r.line) for r in result.rejections] == [("", 134), ("F-NOTITLE", 138), ("F-CLEAN", 142)]
    assert "déjà lu ligne 6" in result.rejections[2].reason
    source = OfferSource.objects.get(name="carif")
    assert (source.kind, source.label, source.licence) == (SourceKind.LHEO, "Carif test", "Licence Ouverte 2.0")
    assert source.last_import_at is not None
    offers = _offers()
    assert set(offers) == {"F-CLEAN", "F-DATES", "F-HTML", "F-GEO", "F-EXTRAS"}
    clean = offers["F-CLEAN"]
    assert clean.status == OfferStatus.ACTIVE and clean.title == "Créer et gérer une Scop"
    assert (clean.provider_siret, clean.provider_nda, clean.flags) == ("73282932000074", "52440000044", [])
    assert (clean.price_cents, clean.duration_minutes, clean.modality) == (125050, 2100, "hybrid")
    assert clean.cpf_eligible and clean.certifying and clean.certification_codes == ["RNCP35219", "CPF1234"]
    assert clean.first_seen_at == clean.last_seen_at is not None
    assert clean.sessions.count() == 2
    assert OfferSession.objects.filter(offer__source__name="carif").count() == 11
    run = ImportRun.objects.get()
    assert (run.status, run.created, run.rejected, run.records_total) == (ImportStatus.DONE, 5, 3, 8)
    assert run.rejections[0] == {"numero": "", "line": 134, "reason": result.rejections[0].reason}
    entry = ActivityLog.objects.get(action="offers.source.imported")
    assert entry.data["created"] == 5


def test_doubtful_values_are_kept_and_flagged() -> None:
    import_lheo(FEED23, source_name="carif")
    offers = _offers()
    dates = offers["F-DATES"]
    assert dates.provider_siret == "" and {"siret_placeholder", "nda_invalid", "date_start_unknown"} <= set(dates.flags)
    html = offers["F-HTML"]
    assert html.provider_siret == "44306184100048" and "siret_invalid" in html.flags  # kept, flagged
    for text in (html.title, html.summary, html.objectives, html.expected_results, html.content, html.provider_name):
        assert "<" not in text and "&lt;" not in text
    assert html.modality == "remote" and html.sessions.get().is_remote
    geo = {s.external_id: s for s in OfferSession.objects.filter(offer=offers["F-GEO"])}
    # rounded (48, -2) and missing: placed at their commune (Rennes, Ajaccio) from the communes dataset
    rennes, ajaccio = geo["S-GEO-ROUND"], geo["S-GEO-MISSING"]
    assert (rennes.geo_precision, rennes.latitude, rennes.longitude) == ("approximate", 48.112, -1.6743)
    assert (rennes.insee_code, rennes.postal_code) == ("35238", "35000")
    assert (ajaccio.insee_code, ajaccio.department, ajaccio.latitude) == ("2A004", "2A", 41.9272)
    # (0, 0) in La Réunion: placed at its commune (Saint-Paul, 97411) since the dataset has the overseas communes
    zero = geo["S-GEO-ZERO"]
    assert (zero.insee_code, zero.latitude, zero.longitude, zero.region) == ("97415", -21.0096, 55.2707, "04")
    assert {"geo_approximate", "geo_missing", "geo_invalid", "geo_from_commune"} <= set(offers["F-GEO"].flags)
    month = OfferSession.objects.get(external_id="S-MONTH")
    assert (str(month.start), str(month.end), month.date_precision) == ("2027-02-01", "2027-04-30", "month")
    assert "Position approximative" in " ".join(flag_labels(offers["F-GEO"].flags))


def test_an_unchanged_feed_imported_again_writes_no_offer_and_no_session() -> None:
    import_lheo(FEED23, source_name="carif")
    before = _state()
    with CaptureQueriesContext(connection) as queries:
        result = import_lheo(FEED23, source_name="carif")
    assert (result.created, result.updated, result.unchanged, result.retired) == (0, 0, 5, 0)
    assert [q["sql"] for q in queries if WRITE.match(q["sql"])] == []
    assert _state() == before


def test_a_changed_formation_is_updated_and_its_sessions_replaced(tmp_path: Path) -> None:
    import_lheo(FEED23, source_name="carif")
    old_sessions = set(OfferSession.objects.filter(offer__external_id="F-CLEAN").values_list("id", flat=True))
    changed = tmp_path / "changed.xml"
    changed.write_text(
        (FIXTURES / "lheo23.xml")
        .read_text()
        .replace("Créer et gérer une Scop", "Créer une Scop")
        .replace("<debut>20270301</debut>", "<debut>20270302</debut>")
    )
    result = import_lheo(str(changed), source_name="carif")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
    offer = _offers()["F-CLEAN"]
    assert offer.title == "Créer une Scop"
    starts = sorted(str(s) for s in offer.sessions.values_list("start", flat=True))
    assert starts == ["2027-01-11", "2027-03-02"]
    assert not old_sessions & set(offer.sessions.values_list("id", flat=True))


def test_offers_that_vanished_are_retired_and_come_back_when_they_reappear() -> None:
    import_lheo(FEED23, source_name="carif")
    result = import_lheo(FEED22, source_name="carif")
    assert (result.created, result.retired) == (2, 5)
    offers = _offers()
    assert offers["F-CLEAN"].status == OfferStatus.RETIRED and offers["F-CLEAN"].retired_at is not None
    assert offers["F-CLEAN"].sessions.count() == 2  # retired, never deleted
    result = import_lheo(FEED23, source_name="carif")
    assert (result.created, result.updated, result.retired) == (0, 5, 2)
    offers = _offers()
    assert offers["F-CLEAN"].status == OfferStatus.ACTIVE and offers["F-CLEAN"].retired_at is None
    assert offers["22-A"].status == OfferStatus.RETIRED
    assert Offer.objects.count() == 7


def test_sources_are_separate() -> None:
    import_lheo(FEED23, source_name="carif")
    result = import_lheo(FEED22, source_name="onisep")
    assert (result.created, result.retired) == (2, 0)
    assert all(offer.status == OfferStatus.ACTIVE for offer in _offers("carif").values())


@pytest.mark.parametrize("name", ["lheo23-tronque.xml", "page.html", "pas-lheo.xml"])
def test_a_broken_file_changes_nothing(name: str) -> None:
    import_lheo(FEED23, source_name="carif")
    before = _state()
    runs = ImportRun.objects.count()
    with pytest.raises(ImportFailed, match="Rien n'a été importé"):
        import_lheo(str(FIXTURES / name), source_name="carif")
    with pytest.raises(ImportFailed):
        import_lheo(str(FIXTURES / name), source_name="new-source")  # not even the source is created
    assert _state() == before and ImportRun.objects.count() == runs


def test_an_empty_feed_retires_nothing(tmp_path: Path) -> None:
    import_lheo(FEED23, source_name="carif")
    empty = tmp_path / "vide.xml"
    empty.write_text('<lheo xmlns="http://lheo.gouv.fr/2.3"><offres></offres></lheo>')
    with pytest.raises(ImportFailed, match="aucune formation"):
        import_lheo(str(empty), source_name="carif")
    assert not Offer.objects.filter(status=OfferStatus.RETIRED).exists()


def test_a_gzipped_file_is_read(tmp_path: Path) -> None:
    packed = tmp_path / "flux.xml.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "lheo22.xml").read_bytes()))
    assert import_lheo(str(packed), source_name="carif").created == 2


def test_the_source_and_its_network() -> None:
    network = Network.objects.create(name="Réseau coopératif", slug="coop")
    import_lheo(FEED22, source_name="carif", network_slug="coop")
    assert OfferSource.objects.get(name="carif").network == network
    with pytest.raises(ImportFailed, match="Aucun réseau"):
        import_lheo(FEED22, source_name="carif", network_slug="inconnu")
    OfferSource.objects.create(name="catalogue", label="Catalogue", kind=SourceKind.MEMBER_CATALOGUE)
    with pytest.raises(ImportFailed, match="n'est pas un flux LHEO"):
        import_lheo(FEED22, source_name="catalogue")
    with pytest.raises(ImportFailed, match="introuvable"):
        import_lheo(str(FIXTURES / "absent.xml"), source_name="carif")


def test_the_command_prints_counts_and_one_line_per_rejected_record() -> None:
    out = io.StringIO()
    call_command("network", "import-lheo", FEED23, "--source", "carif", "--label", "Carif", stdout=out)
    lines = out.getvalue().splitlines()
    assert "Rejetée, ligne 134 : formation sans numéro (attribut numero absent ou vide) : ignorée" in lines
    assert any(line.startswith("Rejetée, ligne 138, formation « F-NOTITLE »") for line in lines)
    assert lines[-1] == "créées : 5 · mises à jour : 0 · inchangées : 0 · retirées : 0 · rejetées : 3"
    assert "(LHEO 2.3)" in lines[-2]
    with pytest.raises(CommandError, match="tronqué"):
        call_command("network", "import-lheo", str(FIXTURES / "lheo23-tronque.xml"), "--source", "carif")


def test_a_background_import_records_its_progress_and_outcome(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    source = OfferSource.objects.create(name="carif", label="Carif", kind=SourceKind.LHEO)
    with django_capture_on_commit_callbacks(execute=True):
        run = import_enqueue(source_id=source.pk, location=FEED23)
    run.refresh_from_db()
    assert (run.status, run.created, run.rejected, run.percent) == (ImportStatus.DONE, 5, 3, 100)
    assert run.sessions_done == 11 and run.finished_at is not None
    failed = ImportRun.objects.create(source=source, location=str(FIXTURES / "page.html"))
    assert import_run(failed.pk) is None
    failed.refresh_from_db()
    assert failed.status == ImportStatus.FAILED and "page HTML" in failed.error
    assert import_run(failed.pk) is None  # a run is carried out once


class _Feed(http.server.BaseHTTPRequestHandler):
    body = b""
    gzip = False
    status = 200

    def do_GET(self) -> None:
        body = gzip.compress(self.body) if self.gzip else self.body
        self.send_response(self.status)
        if self.gzip:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def feed_server():  # type: ignore[no-untyped-def]
    server = http.server.HTTPServer(("127.0.0.1", 0), _Feed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/lheo.xml"
    server.shutdown()
    server.server_close()


def test_a_url_is_fetched_with_gzip(feed_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_Feed, "body", (FIXTURES / "lheo22.xml").read_bytes())
    monkeypatch.setattr(_Feed, "gzip", True)
    assert import_lheo(feed_server, source_name="carif").created == 2
    assert OfferSource.objects.get(name="carif").url == feed_server


def test_a_url_that_fails_or_is_too_large_changes_nothing(feed_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_Feed, "status", 404)
    with pytest.raises(ImportFailed, match="404"):
        import_lheo(feed_server, source_name="carif")
    monkeypatch.setattr(_Feed, "status", 200)
    monkeypatch.setattr(_Feed, "body", (FIXTURES / "lheo23.xml").read_bytes())
    monkeypatch.setattr(_Feed, "gzip", True)
    with pytest.raises(ImportFailed, match="taille maximale"), importing.open_feed(feed_server, max_bytes=10_000):
        pass
    with pytest.raises(ImportFailed, match="http:// et https://"):
        import_lheo("file:///etc/passwd", source_name="carif")
    assert not OfferSource.objects.exists()


def test_every_flag_has_a_french_label() -> None:
    assert set(DIRT) <= set(FLAGS)
    assert flag_label("a_future_code") == "Donnée douteuse dans la source"


def test_an_import_that_changes_offers_has_them_judged_by_each_network_with_rules(django_capture_on_commit_callbacks):
    """After a feed changed offers, every network with a rule set scores them (a background task; run here)."""
    from coopforma.networks.tests.factories import NetworkFactory
    from coopforma.offers.models import OfferRelevance
    from coopforma.offers.tests.test_relevance import rules

    judging, silent = NetworkFactory(), NetworkFactory()
    rules(judging)
    with django_capture_on_commit_callbacks(execute=True):
        result = import_lheo(FEED23, source_name="carif")
    assert result.created
    judged = OfferRelevance.objects.filter(network=judging)
    assert judged.count() == Offer.objects.filter(source=result.source).exclude(status="retired").count()
    assert not OfferRelevance.objects.filter(network=silent).exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_lheo(FEED23, source_name="carif")  # unchanged: nothing to judge again
    assert callbacks == []


def test_a_large_import_refreshes_the_planners_statistics_and_a_small_one_does_not(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []
    real = search.refresh_statistics
    monkeypatch.setattr(search, "refresh_statistics", lambda: calls.append("analyze") or real())
    monkeypatch.setattr(search, "STATISTICS_AFTER_ROWS", 10**6)
    import_lheo(FEED23, source_name="carif")
    assert calls == []
    monkeypatch.setattr(search, "STATISTICS_AFTER_ROWS", 1)
    import_lheo(FEED23, source_name="carif-bis")
    assert calls == ["analyze"]  # and ANALYZE ran on this engine without error
