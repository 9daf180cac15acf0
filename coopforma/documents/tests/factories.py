# SPDX-License-Identifier: AGPL-3.0-or-later
"""Factories of this app's records."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from coopforma.core.models import OutboundEmail
from coopforma.documents.models import Document, DocumentTemplate
from coopforma.public.tests.helpers import final_document


def objects_with_id(i: int, **records: Any) -> None:
    """Create one record of each kind this app's pages and API address by id, with primary key `i`, in
    records["org"] (used by tests/test_every_route.py; records holds org, admin, mark, member, trainer, client,
    training, session, enrolment and participant, all with id `i`): a final convention of the session (its
    subject the enrolment), and an older, inactive version of the convention template (`?from=` on the editor)."""
    org, mark = records["org"], records["mark"]
    enrolment = records["enrolment"]
    final_document(org, pk=i, title=f"Convention {mark}", session_id_ref=enrolment.session_id)
    Document.objects.filter(pk=i).update(
        subject_type=ContentType.objects.get_for_model(enrolment), subject_id=enrolment.pk
    )
    DocumentTemplate.objects.create(
        pk=i, organisation=org, kind="convention", name=f"Modèle {mark}", body=f"= {mark}\n", is_active=False
    )
    # A message of the outbox (the « E-mails envoyés » pages), sent, with one stored attachment.
    stored = default_storage.save(f"outbox-{i}/programme.pdf", ContentFile(b"%PDF-1.7 " + mark.encode()))
    OutboundEmail.objects.create(
        pk=i,
        organisation=org,
        to=f"{mark.lower()}@example.org",
        subject=f"Convocation {mark}",
        body=f"Bonjour {mark}",
        status="sent",
        attempts=1,
        attachments=[{"storage_name": stored, "file_name": f"{mark}.pdf", "mime_type": "application/pdf"}],
    )


def deliver(session: Any, actor: Any) -> None:
    """Run every slot of `session` as delivered: opened, each active participant signs (QR), closed by `actor`
    (admin). A certificat de réalisation or an attestation can only be made final after that (issue 11)."""
    import datetime as dt

    from coopforma.attendance import services

    participants = list(session.participants.exclude(status="cancelled"))
    for slot in session.slots.order_by("starts_at"):
        now = slot.starts_at + dt.timedelta(minutes=1)
        services.slot_open(actor=actor, slot_id=slot.pk, now=now)
        for participant in participants:
            services.attendance_sign(participant=participant, slot_id=slot.pk, method="qr", now=now)
        services.slot_close(actor=actor, slot_id=slot.pk, trainer_name="Ada Admin", now=now)
