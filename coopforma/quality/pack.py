# SPDX-License-Identifier: AGPL-3.0-or-later
"""The audit pack: a zip the auditor opens in a browser, with relative links only.

    index.html                 the 32 indicators, their status and explanation, links to each page
    indicators/01.html … 32    one page per indicator: status, records counted and missing, evidence
    registers.html             complaints, improvement actions, watch, subcontractor monitoring, audits
    evidence/<id>-<name>       the uploaded evidence files
    documents/<id>-<name>.pdf  the final (or signed) documents of the period, as issued

Written entry by entry into a file (never all in memory): `write_pack` for the command, `build_stored_pack`
for the button (run in a background task, the zip stored with the AuditPack record).
"""

import datetime as dt
import os
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from coopforma.accounts.models import Organisation
from coopforma.core.links import site_base
from coopforma.core.log import log_action
from coopforma.documents.models import Document
from coopforma.quality import indicator_statuses
from coopforma.quality.models import (
    Audit,
    AuditPack,
    AuditPackStatus,
    Complaint,
    ImprovementAction,
    NonConformity,
    SubcontractorCheck,
    WatchEntry,
)

# Which indicators each kind of issued document supports.
DOCUMENT_INDICATORS = {
    "programme": (1, 5, 6),
    "quote": (1,),
    "convention": (4,),
    "contract": (4,),
    "convocation": (9,),
    "rules": (9,),
    "attendance_sheet": (10,),
    "certificate": (11,),
    "attestation": (11,),
}


@dataclass
class PackFile:
    label: str
    path: str  # inside the zip
    source: str  # storage name


def _safe_name(pk: int, name: str, default_ext: str = "") -> str:
    base, ext = os.path.splitext(os.path.basename(name))
    return f"{pk}-{slugify(base)[:60] or 'fichier'}{(ext or default_ext).lower()}"


def _documents(org: Organisation, start: dt.date | None, end: dt.date | None) -> list[Document]:
    qs = Document.objects.filter(organisation=org, status__in=indicator_statuses.ISSUED).exclude(file="")
    if start:
        qs = qs.filter(finalised_at__date__gte=start)
    if end:
        qs = qs.filter(finalised_at__date__lte=end)
    return list(qs.order_by("kind", "finalised_at", "id"))


def write_pack(
    out: IO[bytes], org: Organisation, *, start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, int]:
    """Write the zip of `org`'s quality system for the period into `out`; returns counts."""
    today = timezone.localdate()
    statuses = indicator_statuses.compute(org, period=indicator_statuses.Period(start, end), today=today)
    site = site_base()
    evidence_files: dict[int, PackFile] = {}
    for status in statuses:
        for item in status.evidence:
            if item.file and item.pk not in evidence_files:
                evidence_files[item.pk] = PackFile(
                    item.title, f"evidence/{_safe_name(item.pk, item.file.name)}", item.file.name
                )
    documents_by_indicator: dict[int, list[PackFile]] = defaultdict(list)
    document_files: list[PackFile] = []
    for document in _documents(org, start, end):
        source = document.signed_file.name if document.signed_file else document.file.name
        pack_file = PackFile(
            f"{document.title} (v{document.version}, {document.get_status_display()})",
            f"documents/{_safe_name(document.pk, document.title, '.pdf')}",
            source,
        )
        document_files.append(pack_file)
        for number in DOCUMENT_INDICATORS.get(document.kind, ()):
            documents_by_indicator[number].append(pack_file)
    common = {"org": org, "start": start, "end": end, "generated_at": timezone.now(), "site": site}
    counts = {"indicators": 0, "evidence": 0, "documents": 0}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "index.html",
            render_to_string(
                "quality/pack/index.html",
                {**common, "statuses": statuses, "summary": indicator_statuses.summary(statuses)},
            ),
        )
        for status in statuses:
            page = render_to_string(
                "quality/pack/indicator.html",
                {
                    **common,
                    "s": status,
                    "files": [evidence_files[e.pk] for e in status.evidence if e.pk in evidence_files],
                    "documents": documents_by_indicator.get(status.number, []),
                },
            )
            archive.writestr(f"indicators/{status.number:02d}.html", page)
            counts["indicators"] += 1
        archive.writestr(
            "registers.html", render_to_string("quality/pack/registers.html", {**common, **_registers(org)})
        )
        for pack_file in [*evidence_files.values(), *document_files]:
            with default_storage.open(pack_file.source, "rb") as handle, archive.open(pack_file.path, "w") as target:
                for chunk in iter(lambda: handle.read(1 << 16), b""):
                    target.write(chunk)
            counts["documents" if pack_file.path.startswith("documents/") else "evidence"] += 1
    return counts


def _registers(org: Organisation) -> dict[str, Any]:
    return {
        "complaints": Complaint.objects.filter(organisation=org).order_by("received_on"),
        "actions": ImprovementAction.objects.filter(organisation=org).select_related("owner").order_by("due_on"),
        "watch": WatchEntry.objects.filter(organisation=org).order_by("-seen_on"),
        "checks": SubcontractorCheck.objects.filter(organisation=org).select_related("trainer").order_by("-checked_on"),
        "audits": Audit.objects.filter(organisation=org).order_by("planned_on"),
        "nonconformities": NonConformity.objects.filter(organisation=org).select_related("audit").order_by("due_on"),
    }


def build_stored_pack(pack_id: int) -> str:
    """Build the zip of an AuditPack request and store it with the record (the task's body)."""
    pack = AuditPack.objects.select_related("organisation").filter(pk=pack_id).first()
    if pack is None:
        return "missing"
    try:
        with tempfile.TemporaryFile() as handle:
            write_pack(handle, pack.organisation, start=pack.period_start, end=pack.period_end)
            handle.seek(0)
            name = f"dossier-audit-{pack.organisation.slug}-{timezone.localdate():%Y%m%d}-{pack.pk}.zip"
            pack.file.save(name, File(handle), save=False)
        pack.status = AuditPackStatus.READY
        pack.save(update_fields=["file", "status", "updated_at"])
        log_action(actor=None, obj=pack, action="quality.audit_pack.built", data={"file": pack.file.name})
    except Exception as exc:  # the failure is shown on the page; the task system keeps the traceback
        AuditPack.objects.filter(pk=pack.pk).update(status=AuditPackStatus.FAILED, error=str(exc)[:2000])
        raise
    return str(pack.status)
