# SPDX-License-Identifier: AGPL-3.0-or-later
"""One-file backups of an installation, and their restoration into an empty one.

The archive is a tar file (gzip-compressed when its name ends in .gz or .tgz) holding, in this order:

- `manifest.json`: the format, the versions (Coopforma, Django, Python, database), the applied migrations, and the
  size and SHA-256 of every other part;
- `database/coopforma.sqlite3` (SQLite: a consistent copy made with SQLite's online backup API, so nothing is
  lost or rewritten: the attendance hash chains stay valid) or `database/coopforma.pgdump` (PostgreSQL:
  `pg_dump --format=custom`);
- `media/<name>` for every file of the default storage (issued documents, signed copies, scans, evidence…).

A restore reads and checks the whole archive (every part against the manifest) into a temporary directory before it
touches the database or the storage: a truncated or altered archive stops with the name of the part that failed.
The archive holds personal data: it is written readable by its owner only.
"""

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "coopforma-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_PARTS = {"sqlite": "database/coopforma.sqlite3", "postgresql": "database/coopforma.pgdump"}
CHUNK = 1024 * 1024
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message (French) says why and, for an archive, which part."""


class RestoreIncomplete(BackupError):
    """The archive was sound but writing it failed half-way: the installation is partly replaced."""


@dataclass
class Part:
    name: str
    size: int
    sha256: str


@dataclass
class BackupResult:
    path: Path
    parts: list[Part]
    manifest: dict[str, Any]


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    media_files: int
    missing_migrations: list[str] = field(default_factory=list)  # known to this code, not applied in the backup


# --- Helpers ------------------------------------------------------------------------------------------------


def _copy_hashing(source: IO[bytes], target: IO[bytes]) -> Part:
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: source.read(CHUNK), b""):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return Part(name="", size=size, sha256=digest.hexdigest())


def _file_part(name: str, path: Path) -> Part:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return Part(name=name, size=path.stat().st_size, sha256=digest.hexdigest())


def media_names(path: str = "") -> Iterator[str]:
    """Every file name of the default storage (works with any Django storage that can list directories)."""
    try:
        directories, files = default_storage.listdir(path)
    except FileNotFoundError:  # a file-system storage whose MEDIA_ROOT does not exist yet
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for directory in sorted(directories):
        yield from media_names(f"{path}/{directory}" if path else directory)


def _app_version() -> str:
    try:
        return metadata.version("coopforma")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout that is not installed
        return "inconnue"


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _database_version() -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def _pg_env() -> dict[str, str]:
    """The connection of the default database as libpq variables (the password stays out of the command line)."""
    db = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    env["PGDATABASE"] = str(db["NAME"])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(db["OPTIONS"]["sslmode"])
    return env


def _run(command: list[str], *, what: str) -> None:
    try:
        subprocess.run(command, env=_pg_env(), check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} est introuvable : installez le client PostgreSQL (paquet postgresql-client) de la même "
            "version majeure que le serveur."
        ) from None
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{what} a échoué : {exc.stderr.strip() or exc.returncode}") from None


# --- Backup -------------------------------------------------------------------------------------------------


def _dump_database(target: Path) -> None:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        if connection.in_atomic_block:  # pragma: no cover - the command never runs inside a transaction
            raise BackupError("Sauvegarde impossible dans une transaction ouverte.")
        copy = sqlite3.connect(target)
        try:
            # SQLite's online backup: a consistent copy page by page, while the application keeps running.
            connection.connection.backup(copy)
        finally:
            copy.close()
    elif connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}"], what="pg_dump")
    else:
        raise BackupError(f"Base de données non prise en charge : {connection.vendor}.")


def backup_create(*, out: Path, say: Callable[[str], None] = lambda message: None) -> BackupResult:
    """Write the archive to `out` (replaced only once complete); return its parts and manifest."""
    out = Path(out)
    if connection.vendor not in DATABASE_PARTS:
        raise BackupError(f"Base de données non prise en charge : {connection.vendor}.")
    if out.exists() and out.is_dir():
        raise BackupError(f"--out : « {out} » est un dossier ; donnez le nom du fichier d'archive à écrire.")
    if not out.parent.is_dir():
        raise BackupError(f"--out : le dossier « {out.parent} » n'existe pas.")
    database_part = DATABASE_PARTS[connection.vendor]
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".coopforma-backup-") as staging_name:
        staging = Path(staging_name)
        say("Base de données…")
        _dump_database(staging / "database")
        parts = [_file_part(database_part, staging / "database")]
        say("Fichiers (media)…")
        media = staging / "media"
        media.mkdir()
        for index, name in enumerate(media_names()):
            # Copied first (a snapshot of each file, hashed as it is read), then archived from the copy.
            with default_storage.open(name, "rb") as source, (media / str(index)).open("wb") as target:
                part = _copy_hashing(source, target)
            part.name = MEDIA_PREFIX + name
            parts.append(part)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "versions": {
                "coopforma": _app_version(),
                "django": django.get_version(),
                "python": sys.version.split()[0],
                "database": _database_version(),
            },
            "database": {"vendor": connection.vendor, "part": database_part},
            "migrations": _applied_migrations(),
            "parts": [{"name": p.name, "size": p.size, "sha256": p.sha256} for p in parts],
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        partial = staging / "archive"
        mode = "w:gz" if out.name.endswith((".gz", ".tgz")) else "w"
        with partial.open("wb") as raw, tarfile.open(fileobj=raw, mode=mode) as tar:  # type: ignore[call-overload]
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, io.BytesIO(data))
            tar.add(staging / "database", arcname=database_part, recursive=False)
            for index, part in enumerate(parts[1:]):
                tar.add(media / str(index), arcname=part.name, recursive=False)
        partial.chmod(0o600)
        partial.replace(out)
    say(f"Archive écrite : {out} ({len(parts) - 1} fichier(s) media).")
    return BackupResult(path=out, parts=parts, manifest=manifest)


# --- Restore ------------------------------------------------------------------------------------------------


def _safe_media_name(name: str) -> bool:
    path = PurePosixPath(name[len(MEDIA_PREFIX) :])
    return (
        name.startswith(MEDIA_PREFIX)
        and bool(path.parts)
        and not path.is_absolute()
        and all(part not in {"", ".", ".."} for part in path.parts)
    )


def _read_manifest(tar: tarfile.TarFile, member: tarfile.TarInfo | None) -> dict[str, Any]:
    if member is None or member.name != MANIFEST or not member.isfile() or member.size > MAX_MANIFEST_BYTES:
        raise BackupError(
            "manifest.json : absent en tête de l'archive ; ce n'est pas une sauvegarde Coopforma ou elle a été "
            "modifiée."
        )
    handle = tar.extractfile(member)
    try:
        manifest = json.loads(handle.read().decode()) if handle else None
    except (ValueError, UnicodeDecodeError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("manifest.json : illisible ; ce n'est pas une sauvegarde Coopforma ou elle a été modifiée.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"manifest.json : format {manifest.get('format_version')!r} inconnu de cette version de Coopforma "
            f"(elle lit le format {FORMAT_VERSION})."
        )
    parts = manifest.get("parts")
    database = manifest.get("database")
    if (
        not isinstance(parts, list)
        or not all(isinstance(p, dict) and {"name", "size", "sha256"} <= p.keys() for p in parts)
        or not isinstance(database, dict)
        or database.get("vendor") not in DATABASE_PARTS
        or database.get("part") != DATABASE_PARTS[database["vendor"]]
        or not isinstance(manifest.get("migrations"), dict)
    ):
        raise BackupError("manifest.json : incomplet (parties, base de données ou migrations manquantes).")
    names = [p["name"] for p in parts]
    if len(set(names)) != len(names) or database["part"] not in names:
        raise BackupError("manifest.json : liste des parties incohérente (doublon ou base de données absente).")
    for name in names:
        if name != database["part"] and not (isinstance(name, str) and _safe_media_name(name)):
            raise BackupError(f"manifest.json : nom de partie refusé « {name} ».")
    return manifest


def _extract_and_check(archive: Path, staging: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """Read the whole archive; every part is written under `staging` and checked against the manifest."""
    files: dict[str, Path] = {}
    manifest: dict[str, Any] | None = None
    opened = False
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            opened = True
            manifest = _read_manifest(tar, tar.next())
            expected = {p["name"]: p for p in manifest["parts"]}
            while (member := tar.next()) is not None:
                part = expected.get(member.name)
                if part is None or member.name in files:
                    raise BackupError(f"{member.name} : partie absente du manifeste (archive modifiée).")
                if not member.isfile():
                    raise BackupError(f"{member.name} : n'est pas un fichier ordinaire (archive modifiée).")
                source = tar.extractfile(member)
                target = staging / f"part-{len(files)}"
                with target.open("wb") as out:
                    found = _copy_hashing(source, out)  # type: ignore[arg-type]
                if found.size != part["size"]:
                    how = "tronquée" if found.size < part["size"] else "modifiée"
                    raise BackupError(
                        f"{member.name} : taille {found.size} octets au lieu de {part['size']} (partie {how})."
                    )
                if found.sha256 != part["sha256"]:
                    raise BackupError(f"{member.name} : SHA-256 différent du manifeste (partie altérée).")
                files[member.name] = target
    except (tarfile.TarError, EOFError, OSError, zlib.error):
        # The parts come in the manifest's order: the one being read is the first not read yet.
        unread = [p["name"] for p in manifest["parts"] if p["name"] not in files] if manifest else []
        if unread:
            raise BackupError(f"{unread[0]} : lecture interrompue, partie tronquée ou corrompue.") from None
        if opened and manifest is None:
            raise BackupError(f"{MANIFEST} : lecture interrompue, archive tronquée ou corrompue.") from None
        raise BackupError("Archive illisible : tronquée, corrompue ou pas une archive tar.") from None
    for name in expected:
        if name not in files:
            raise BackupError(f"{name} : partie absente de l'archive (archive tronquée).")
    return manifest, files


def _check_migrations(manifest: dict[str, Any]) -> list[str]:
    """Refuse a backup made by a newer version; return the migrations this code has that the backup lacks."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    archived = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    unknown = sorted(archived - known)
    if unknown:
        listed = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"manifest.json : la sauvegarde vient d'une version plus récente de Coopforma "
            f"({manifest['versions'].get('coopforma', '?')}) : migrations inconnues ici ({listed}). "
            "Installez cette version (ou une plus récente) avant de restaurer."
        )
    return sorted(f"{app}.{name}" for app, name in known - archived)


def installation_contents() -> list[str]:
    """What makes this installation non-empty (French, for the refusal message); [] when it is empty."""
    found = []
    tables = set(connection.introspection.table_names())
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    models = [m for m in apps.get_models() if m.__module__.startswith("coopforma.") or m is user_model]
    for model in models:
        if getattr(model, "installation_content", True) is False:  # bookkeeping a fresh installation has too
            continue
        if model._meta.db_table in tables and not model._meta.proxy and model._base_manager.exists():
            found.append("des données dans la base")
            break
    if next(media_names(), None) is not None:
        found.append("des fichiers dans le stockage des media")
    return found


def _clear_media() -> None:
    for name in list(media_names()):
        default_storage.delete(name)


def _restore_database(vendor: str, path: Path) -> None:
    connection.ensure_connection()
    if vendor == "sqlite":
        source = sqlite3.connect(path)
        try:
            # The online backup API the other way: the live database becomes, page by page, the archived one.
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connection.close()  # pg_restore drops and recreates the tables this connection may have locked
        # One transaction: a restore that fails leaves the database as it was.
        options = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
        _run(["pg_restore", *options, f"--dbname={connection.settings_dict['NAME']}", str(path)], what="pg_restore")
    connection.close()
    with contextlib.suppress(LookupError):
        apps.get_model("contenttypes", "ContentType").objects.clear_cache()


def backup_restore(
    *, archive: Path, force: bool = False, say: Callable[[str], None] = lambda message: None
) -> RestoreResult:
    """Check the whole archive, then replace the (empty, or with `force` any) installation by its content."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"Archive introuvable : {archive}")
    connection.ensure_connection()
    with tempfile.TemporaryDirectory(prefix="coopforma-restore-") as staging_name:
        say("Vérification de l'archive…")
        manifest, files = _extract_and_check(archive, Path(staging_name))
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(
                f"{manifest['database']['part']} : sauvegarde d'une base {vendor}, cette installation utilise "
                f"{connection.vendor} ; restaurez dans une installation du même type."
            )
        missing_migrations = _check_migrations(manifest)
        contents = installation_contents()
        if contents and not force:
            raise BackupError(
                "Cette installation n'est pas vide (" + ", ".join(contents) + ") : la restauration la remplacerait. "
                "Restaurez dans une installation neuve, ou ajoutez --force pour tout remplacer."
            )
        media = [p["name"] for p in manifest["parts"] if p["name"] != manifest["database"]["part"]]
        try:
            say("Restauration de la base de données…")
            _restore_database(vendor, files[manifest["database"]["part"]])
            say("Restauration des fichiers…")
            if force:
                _clear_media()
            for name in media:
                storage_name = name[len(MEDIA_PREFIX) :]
                with files[name].open("rb") as handle:
                    saved = default_storage.save(storage_name, File(handle))
                if saved != storage_name:
                    raise BackupError(f"{name} : le stockage a enregistré le fichier sous un autre nom ({saved}).")
        except (BackupError, OSError) as exc:
            raise RestoreIncomplete(
                f"La restauration a échoué en cours d'écriture : {exc} L'installation est incomplète : corrigez la "
                "cause puis relancez avec --force."
            ) from exc
    return RestoreResult(manifest=manifest, media_files=len(media), missing_migrations=missing_migrations)
