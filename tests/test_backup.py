# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma backup` and `coopforma restore` (issue 13, point 5): a round trip keeps everything true.

After a restore into an empty installation: the attendance chains verify, every issued document's file matches its
SHA-256, the BPF JSON of every year is identical. A truncated or altered archive stops before the database is
touched and names the part that failed. The tests run with real transactions (the backup copies what is committed).
"""

import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from conftest import make_actor
from coopforma.accounts.models import Membership, Organisation, User
from coopforma.accounts.roles import Role
from coopforma.attendance.models import AttendanceRecord
from coopforma.core.backup import MANIFEST, installation_contents, media_names
from coopforma.documents.models import Document
from coopforma.documents.services import MissingData, document_finalise, document_generate
from coopforma.documents.tests.factories import deliver
from coopforma.offers.models import MapChange
from coopforma.reporting.selectors import current_fiscal_year
from coopforma.training_sessions.models import Participant, Slot

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def finalise_certificates(org: Organisation, count: int) -> list[Document]:
    """Issue certificates (final PDFs with their SHA-256) for the first participants that have the data."""
    admin = Membership.objects.filter(organisation=org, role=Role.ADMIN).first().user
    actor = make_actor(admin, org)
    made = []
    delivered: set[int] = set()
    now = timezone.now()
    ended = Participant.objects.filter(organisation=org).exclude(session__slots__ends_at__gt=now)
    for participant in ended.order_by("pk")[: count * 3]:
        # A certificate is final only once the training is delivered: run the émargement first (issue 11).
        session = participant.session
        if session.pk not in delivered and session.slots.exclude(attendance__state="closed").exists():
            deliver(session, actor)
        delivered.add(session.pk)
        try:
            draft = document_generate(actor=actor, kind="certificate", subject=participant)
        except MissingData:
            continue
        made.append(document_finalise(actor=actor, document_id=draft.pk))
        if len(made) == count:
            break
    assert len(made) == count
    return made


def snapshot() -> dict:
    """What must be identical after a round trip: the checks' outputs, every BPF, the media files, counts."""
    bpf = {}
    for org in Organisation.objects.order_by("slug"):
        years = {d.year for d in Slot.objects.filter(organisation=org).dates("starts_at", "year")}
        for year in sorted(years | {current_fiscal_year(org)}):
            code, out = run("bpf", "--org", org.slug, "--year", str(year))
            assert code == 0
            bpf[f"{org.slug}/{year}"] = json.loads(out)
    media = {}
    for name in media_names():
        with default_storage.open(name, "rb") as handle:
            media[name] = hashlib.sha256(handle.read()).hexdigest()
    return {
        "attendance": run("attendance", "verify"),
        "documents": run("documents", "verify"),
        "bpf": bpf,
        "media": media,
        "counts": {
            "users": User.objects.count(),
            "records": AttendanceRecord.objects.count(),
            "documents": Document.objects.count(),
        },
    }


def make_empty(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A new installation: an empty database (migrated, no rows) and an empty media directory."""
    call_command("flush", "--no-input", verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "media-new"


def load_demo(tmp_path: Path) -> Organisation:
    from coopforma.dashboard.demo import demo_load

    return demo_load(var_dir=tmp_path / "var", site_url="https://demo.example", today=timezone.localdate()).organisation


def load_bench(tmp_path: Path, *, years_ago: int = 0) -> Organisation:
    from benchmarks.generate import generate

    now = timezone.now() - dt.timedelta(days=365 * years_ago)
    org = generate(sessions=6, trainees=40, trainers=3, clients=8, big_session_size=6, now=now).organisation
    org.street, org.postal_code, org.head_name = "3 rue des Mesures", "69001", "Ada Mesure"  # for the certificates
    org.save()
    return org


@pytest.mark.parametrize("load", [load_demo, load_bench], ids=["demo", "benchmark"])
def test_round_trip_keeps_chains_documents_and_bpf(load, settings, tmp_path):
    org = load(tmp_path)
    finalise_certificates(org, 2)
    before = snapshot()
    assert before["attendance"][0] == 0 and before["attendance"][1].startswith("OK")
    if load is load_demo:
        assert before["counts"]["records"] > 0, "the demo has attendance chains to check"
    assert before["documents"][0] == 0 and before["documents"][1].startswith("OK : ")
    assert Document.objects.exclude(sha256="").count() >= 2
    assert before["bpf"] and len(before["media"]) >= 2
    archive = tmp_path / "sauvegarde.tar.gz"
    code, out = run("backup", "--out", str(archive))
    assert code == 0 and f"Archive écrite : {archive}" in out
    assert archive.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only

    make_empty(settings, tmp_path)
    assert User.objects.count() == 0 and run("documents", "verify")[1].startswith("OK : 0 fichier")
    code, out = run("restore", str(archive))
    assert code == 0 and "Restauration terminée" in out, out
    after = snapshot()
    assert after == before


def test_the_maps_change_note_does_not_make_an_installation_non_empty(settings, tmp_path):
    """A fresh installation has it (SQLite: its migration's row; a flush may write it again through the triggers)."""
    make_empty(settings, tmp_path)
    MapChange.objects.get_or_create(pk=1, defaults={"txid": 1})
    assert installation_contents() == []
    Organisation.objects.create(name="OF", slug="of")
    assert installation_contents() == ["des données dans la base"]


def small_installation(tmp_path: Path) -> tuple[Path, dict]:
    """An organisation with one issued document and one uploaded file, backed up to a plain tar."""
    from coopforma.public.tests.helpers import final_document

    org = Organisation.objects.create(name="OF Sauvegarde", slug="of-sauvegarde")
    User.objects.create_user("admin@sauvegarde.example")
    final_document(org, title="Convention sauvegardée")
    default_storage.save("trainers/cv/cv.pdf", ContentFile(b"%PDF-1.4 cv"))
    archive = tmp_path / "sauvegarde.tar"
    assert run("backup", "--out", str(archive))[0] == 0
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile(MANIFEST))
    assert names[0] == MANIFEST and len(names) == 4
    return archive, manifest


def test_manifest_lists_every_part_with_its_sha256_and_the_versions(tmp_path):
    archive, manifest = small_installation(tmp_path)
    with tarfile.open(archive) as tar:
        for part in manifest["parts"]:
            data = tar.extractfile(part["name"]).read()
            assert hashlib.sha256(data).hexdigest() == part["sha256"] and len(data) == part["size"]
    names = [p["name"] for p in manifest["parts"]]
    assert (
        names[0]
        == manifest["database"]["part"]
        == f"database/coopforma.{'sqlite3' if connection.vendor == 'sqlite' else 'pgdump'}"
    )
    assert "media/trainers/cv/cv.pdf" in names and any(n.startswith("media/documents/") for n in names)
    assert manifest["versions"]["coopforma"] and manifest["versions"]["django"]
    assert "0001_initial" in manifest["migrations"]["attendance"]


def test_restore_refuses_a_non_empty_installation_unless_forced(tmp_path):
    archive, _manifest = small_installation(tmp_path)
    Organisation.objects.create(name="Arrivée après", slug="arrivee-apres")
    with pytest.raises(CommandError) as exc:
        call_command("restore", str(archive), stdout=io.StringIO())
    message = str(exc.value)
    assert "avant toute modification" in message and "--force" in message
    assert "n'est pas vide (des données dans la base, des fichiers dans le stockage des media)" in message
    assert Organisation.objects.filter(slug="arrivee-apres").exists()
    assert run("restore", str(archive), "--force")[0] == 0
    assert set(Organisation.objects.values_list("slug", flat=True)) == {"of-sauvegarde"}
    assert run("documents", "verify")[0] == 0


def rewrite(archive: Path, target: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Copy the archive member by member, through `change(name, data) -> data | None` (None drops the member)."""
    with tarfile.open(archive) as source, tarfile.open(target, "w") as out:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            if data is None:
                continue
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))


def assert_refused_untouched(archive: Path, *expected: str) -> None:
    """The restore stops with a message naming the part, and the (empty) installation is still empty."""
    with pytest.raises(CommandError) as exc:
        call_command("restore", str(archive), stdout=io.StringIO())
    for text in expected:
        assert text in str(exc.value), str(exc.value)
    assert "avant toute modification" in str(exc.value)
    assert not Organisation.objects.exists() and not User.objects.exists()
    assert not default_storage.exists("trainers/cv/cv.pdf")


def test_altered_media_file_is_named_and_nothing_is_restored(settings, tmp_path):
    archive, _manifest = small_installation(tmp_path)
    altered = tmp_path / "altere.tar"
    rewrite(archive, altered, lambda name, data: b"%PDF-1.4 CV" if name.endswith("cv.pdf") else data)  # same size
    make_empty(settings, tmp_path)
    assert_refused_untouched(altered, "media/trainers/cv/cv.pdf : SHA-256 différent du manifeste (partie altérée)")
    rewrite(archive, altered, lambda name, data: data + b"!" if name.endswith("cv.pdf") else data)
    assert_refused_untouched(altered, "media/trainers/cv/cv.pdf : taille 12 octets au lieu de 11 (partie modifiée)")


def test_altered_database_is_named(settings, tmp_path):
    archive, manifest = small_installation(tmp_path)
    altered = tmp_path / "altere.tar"
    database = manifest["database"]["part"]
    rewrite(archive, altered, lambda name, data: data[:-1] + bytes([data[-1] ^ 1]) if name == database else data)
    make_empty(settings, tmp_path)
    assert_refused_untouched(altered, f"{database} : ", "altérée")


def test_truncated_archive_names_the_part(settings, tmp_path):
    archive, manifest = small_installation(tmp_path)
    data = archive.read_bytes()
    truncated = tmp_path / "tronquee.tar"
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
    make_empty(settings, tmp_path)
    truncated.write_bytes(data[:1000])  # in the manifest
    assert_refused_untouched(truncated, "manifest.json : lecture interrompue, archive tronquée")
    truncated.write_bytes(data[: members[1].offset_data + 5000])  # in the database
    assert_refused_untouched(truncated, f"{manifest['database']['part']} : lecture interrompue, partie tronquée")
    # Cut between two parts: the later ones are missing.
    cut = members[2].offset  # the second media file starts here
    truncated.write_bytes(data[:cut])
    assert_refused_untouched(truncated, f"{members[2].name} : partie absente de l'archive (archive tronquée)")


def test_a_file_that_is_not_a_backup_or_an_added_part_is_refused(settings, tmp_path):
    archive, _manifest = small_installation(tmp_path)
    make_empty(settings, tmp_path)
    other = tmp_path / "autre.tar"
    rewrite(archive, other, lambda name, data: None if name == MANIFEST else data)
    assert_refused_untouched(other, "manifest.json : absent en tête de l'archive")
    not_tar = tmp_path / "texte.tar"
    not_tar.write_text("bonjour")
    assert_refused_untouched(not_tar, "Archive illisible : tronquée, corrompue ou pas une archive tar.")
    added = tmp_path / "ajout.tar"
    rewrite(archive, added, lambda name, data: data)
    with tarfile.open(added, "a") as tar:
        info = tarfile.TarInfo("media/../../etc/cron.d/x")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    assert_refused_untouched(added, "media/../../etc/cron.d/x : partie absente du manifeste (archive modifiée)")


def test_backup_refuses_a_missing_directory(tmp_path):
    with pytest.raises(CommandError, match=r"--out : le dossier .* n'existe pas"):
        call_command("backup", "--out", str(tmp_path / "nulle-part" / "a.tar"), stdout=io.StringIO())


@pytest.fixture
def fresh_installation(tmp_path):  # type: ignore[no-untyped-def]
    """The environment of a new installation: an empty var/ and a database that does not exist yet (SQLite) or an
    empty, new database on the same PostgreSQL server (dropped afterwards)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "COOPFORMA_VAR_DIR": str(tmp_path / "neuve")}
    if connection.vendor == "sqlite":
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(tmp_path / "neuve.sqlite3")
        yield env
        return
    name = f"{connection.settings_dict['NAME']}_restore"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))
    try:
        yield env
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_into_a_fresh_installation_with_the_cli(tmp_path, fresh_installation):
    """The real command line: a new installation (no database yet, empty var/) restored, then its checks pass.

    On PostgreSQL (DATABASE_URL set) the archive holds a `pg_dump --format=custom` restored by pg_restore into a
    new database."""
    # Two years back: the sessions are over whatever the real clock says (the subprocesses do not share the frozen
    # time of the tests), so the BPF does not depend on the instant it is computed at.
    org = load_bench(tmp_path, years_ago=2)
    finalise_certificates(org, 1)
    years = [str(d.year) for d in Slot.objects.filter(organisation=org).dates("starts_at", "year")]
    expected_bpf = {year: json.loads(run("bpf", "--org", org.slug, "--year", year)[1]) for year in years}
    archive = tmp_path / "sauvegarde.tar"
    assert run("backup", "--out", str(archive))[0] == 0

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "coopforma.core.cli", *args],
            cwd=ROOT,
            env=fresh_installation,
            capture_output=True,
            text=True,
        )

    restored = cli("restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "Restauration terminée" in restored.stdout
    for args in (["attendance", "verify"], ["documents", "verify"]):
        checked = cli(*args)
        assert checked.returncode == 0 and checked.stdout.startswith("OK"), checked.stdout + checked.stderr
    assert "OK : 1 fichier(s)" in cli("documents", "verify").stdout
    for year in years:
        assert json.loads(cli("bpf", "--org", org.slug, "--year", year).stdout) == expected_bpf[year]
    again = cli("restore", str(archive))
    assert again.returncode == 1 and "n'est pas vide" in again.stderr
    # The new installation (a database file in WAL mode, or the new PostgreSQL database) backs up in its turn.
    second = tmp_path / "seconde.tar.gz"
    assert cli("backup", "--out", str(second), "-v", "0").returncode == 0
    with tarfile.open(archive) as first_tar, tarfile.open(second) as second_tar:
        first = json.load(first_tar.extractfile(MANIFEST))
        again_manifest = json.load(second_tar.extractfile(MANIFEST))
    media = [p for p in first["parts"] if p["name"].startswith("media/")]
    assert [p for p in again_manifest["parts"] if p["name"].startswith("media/")] == media
    assert again_manifest["migrations"] == first["migrations"]
    forced = cli("restore", str(second), "--force")
    assert forced.returncode == 0, forced.stderr
    assert cli("documents", "verify").returncode == 0 and cli("attendance", "verify").returncode == 0


def test_backup_from_a_newer_version_is_refused_before_anything_is_written(settings, tmp_path):
    archive, _manifest = small_installation(tmp_path)
    newer = tmp_path / "plus-recente.tar"

    def future(name: str, data: bytes) -> bytes:
        if name != MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["migrations"]["attendance"].append("9999_future")
        manifest["versions"]["coopforma"] = "9.0.0"
        return json.dumps(manifest).encode()

    rewrite(archive, newer, future)
    make_empty(settings, tmp_path)
    assert_refused_untouched(newer, "version plus récente de Coopforma (9.0.0)", "attendance.9999_future")
