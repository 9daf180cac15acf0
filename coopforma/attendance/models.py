# SPDX-License-Identifier: AGPL-3.0-or-later
"""Émargement: the slot's state, the hash-chained append-only record (the proof) and its projection.

The proof is `AttendanceRecord`: one row per event, never updated nor deleted, each carrying the SHA-256 of a
canonical JSON of its fields and of the previous record's hash (per slot). `ParticipantAttendance` is a
projection of those records (status, minutes) kept in step in the same transaction, for fast reading; it is
never the proof: `coopforma attendance verify` recomputes it from the chain.
"""

import datetime
import hashlib
import json
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import Organisation, TenantModel
from coopforma.training_sessions.models import Participant, Slot

GENESIS_HASH = "0" * 64
# Version 2: millisecond UTC timestamps and a digest of the personal fields (migration 0003 re-sealed v1 chains).
CHAIN_VERSION = 2
# Payload keys that hold personal data (a trainer's typed name, a reason or justification, an uploaded file name).
PERSONAL_PAYLOAD_KEYS = ("name", "reason")


def canonical_datetime(value: datetime.datetime) -> str:
    """UTC, truncated to the millisecond: what every serialiser (dumpdata included) keeps."""
    return value.astimezone(datetime.UTC).isoformat(timespec="milliseconds")


def truncate_to_millisecond(value: datetime.datetime) -> datetime.datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _stable_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class SlotState(models.TextChoices):
    PENDING = "pending", _("Pas encore ouvert")
    OPEN = "open", _("Ouvert")
    CLOSED = "closed", _("Clos")


class SlotAttendance(TenantModel):
    """The state of one slot's émargement and the head of its chain (locked when appending)."""

    slot = models.OneToOneField(Slot, on_delete=models.CASCADE, related_name="attendance")
    state = models.CharField(_("état"), max_length=10, choices=SlotState.choices, default=SlotState.PENDING)
    opened_at = models.DateTimeField(_("ouvert le"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    trainer_signature = models.CharField(_("signature du formateur·rice"), max_length=200, blank=True)
    trainer_signed_at = models.DateTimeField(null=True, blank=True)
    last_sequence = models.PositiveIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("émargement d'un créneau")

    def __str__(self) -> str:
        return f"{self.slot} ({self.get_state_display()})"


class RecordKind(models.TextChoices):
    OPENED = "opened", _("Créneau ouvert")
    CONNECTED = "connected", _("Connexion déclarée")
    DISCONNECTED = "disconnected", _("Déconnexion déclarée")
    SIGNED = "signed", _("Signature du stagiaire")
    MARKED_ABSENT = "marked_absent", _("Absent·e")
    MARKED_LATE = "marked_late", _("En retard")
    EXCUSED = "excused", _("Absence justifiée")
    SIGNED_ON_BEHALF = "signed_on_behalf", _("Signé pour le compte du stagiaire")
    PAPER_ENTRY = "paper_entry", _("Saisie d'après la feuille papier")
    PAPER_SCAN = "paper_scan", _("Feuille papier signée (scan)")
    TRAINER_SIGNED = "trainer_signed", _("Signature du formateur·rice")
    CLOSED = "closed", _("Créneau clos")
    CORRECTED = "corrected", _("Correction")


# The kinds that are a trainee's signature: at most one per (slot, participant).
SIGNATURE_KINDS = (RecordKind.SIGNED, RecordKind.SIGNED_ON_BEHALF, RecordKind.PAPER_ENTRY)


class SignMethod(models.TextChoices):
    QR = "qr", _("QR code")
    LINK = "link", _("Lien personnel")
    REMOTE = "remote", _("À distance")
    ON_BEHALF = "on_behalf", _("Pour le compte")
    PAPER = "paper", _("Feuille papier")


class AppendOnlyError(Exception):
    pass


class AttendanceRecord(models.Model):
    """One event of a slot's émargement, chained by hash. Insert only."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="attendance_records")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="attendance_records"
    )
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    payload = models.JSONField(default=dict, blank=True)
    actor = models.CharField(max_length=60)  # "user:<id>" or "trainee:<participant id>"
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    # A trainee's signature is first recorded pending (no sequence, no hash: durable, with its own time, counted
    # in the projection) and chained just after by `services.attendance_seal`; every other record is chained at once.
    sequence = models.PositiveIntegerField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    # RGPD: the chain covers a salted digest of the personal fields (ip, user agent, names and reasons in the
    # payload), not the fields themselves; erasure blanks them and the salt and sets `personal_erased_at`.
    personal_salt = models.CharField(max_length=32, blank=True)
    personal_digest = models.CharField(max_length=64, blank=True)
    personal_erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enregistrement d'émargement")
        ordering = ["slot_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "sequence"], name="attendance_record_sequence_once"),
            models.UniqueConstraint(
                fields=["slot", "participant"],
                condition=models.Q(kind__in=[k.value for k in SIGNATURE_KINDS]),
                name="attendance_signed_once_per_slot",
                violation_error_message=_("Ce·tte stagiaire a déjà signé ce créneau."),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence or '…'} {self.kind} ({self.slot_id})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("attendance records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("attendance records are append-only")

    @property
    def pending(self) -> bool:
        """Recorded but not chained yet (a signature waiting for `attendance_seal`)."""
        return self.sequence is None

    def personal_data(self) -> dict[str, Any]:
        """The personal part of the record (RGPD): sealed through `personal_digest`, erasable."""
        payload = self.payload or {}
        return {
            "ip": self.ip or "",
            "user_agent": self.user_agent or "",
            "payload": {key: payload[key] for key in PERSONAL_PAYLOAD_KEYS if key in payload},
        }

    def compute_personal_digest(self) -> str:
        """SHA-256 of the personal part salted with a per-record secret (erased with the data)."""
        data = {"salt": self.personal_salt, **self.personal_data()}
        return hashlib.sha256(_stable_json(data)).hexdigest()

    def canonical(self) -> bytes:
        """The bytes hashed: every non-personal field plus the digest of the personal ones.

        Timestamps are UTC truncated to the millisecond and JSON is sorted and compact, so that a
        `dumpdata`/`loaddata` round trip (which keeps milliseconds) leaves every hash valid. Personal fields
        enter only through `personal_digest`, so erasing them (RGPD art. 17) leaves the chain intact.
        """
        payload = {k: v for k, v in (self.payload or {}).items() if k not in PERSONAL_PAYLOAD_KEYS}
        data = {
            "v": CHAIN_VERSION,
            "organisation": self.organisation_id,
            "slot": self.slot_id,
            "participant": self.participant_id,
            "kind": self.kind,
            "payload": payload,
            "actor": self.actor,
            "created_at": canonical_datetime(self.created_at),
            "sequence": self.sequence,
            "prev_hash": self.prev_hash,
            "personal_digest": self.personal_digest,
        }
        return _stable_json(data)

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    def seal(self) -> None:
        """Give a new record its salt, personal digest and hash (before the insert)."""
        self.digest_personal()
        self.hash = self.compute_hash()

    def digest_personal(self) -> None:
        """Give a new record its salt and personal digest (a pending record has them, not yet a hash)."""
        if not self.personal_salt:
            self.personal_salt = secrets.token_hex(16)
        self.personal_digest = self.compute_personal_digest()


class AttendanceStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Non renseigné")
    PRESENT = "present", _("Présent·e")
    LATE = "late", _("En retard")
    ABSENT = "absent", _("Absent·e")
    EXCUSED = "excused", _("Absence justifiée")


class ParticipantAttendance(TenantModel):
    """Projection of the records for one (slot, participant): what the pages and hours read. Not the proof."""

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="participant_attendances")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="slot_attendances")
    status = models.CharField(
        _("présence"), max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.UNKNOWN
    )
    method = models.CharField(_("mode de signature"), max_length=10, choices=SignMethod.choices, blank=True)
    signed_at = models.DateTimeField(_("signé le"), null=True, blank=True)
    arrival_at = models.DateTimeField(_("arrivée"), null=True, blank=True)
    connected_at = models.DateTimeField(_("connexion déclarée"), null=True, blank=True)
    left_at = models.DateTimeField(_("départ déclaré"), null=True, blank=True)
    reason = models.TextField(_("motif ou justificatif"), blank=True)
    attended_minutes = models.PositiveIntegerField(_("minutes suivies"), default=0)

    class Meta:
        verbose_name = _("présence d'un·e stagiaire")
        constraints = [
            models.UniqueConstraint(fields=["slot", "participant"], name="participant_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}@{self.slot_id}: {self.status}"

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


class AttendanceLink(TenantModel):
    """A trainee's personal émargement link for one session (only the SHA-256 of the token is stored)."""

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="attendance_link")
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lien d'émargement")

    def __str__(self) -> str:
        return f"{self.participant_id}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class AttendanceDrawing(models.Model):
    """The signature a trainee may draw on their phone when signing (optional: the button alone signs).

    The PNG stays here, beside its signing record; the record's payload holds its SHA-256 (`drawing_sha256`),
    so the chain seals the drawing: a changed image no longer matches the hash the chain covers
    (`coopforma attendance verify`). Insert only, as the records.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    record = models.OneToOneField(AttendanceRecord, on_delete=models.PROTECT, related_name="drawing")
    png = models.BinaryField(_("signature dessinée (PNG)"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("signature dessinée d'émargement")

    def __str__(self) -> str:
        return f"{self.record_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("attendance drawings are insert-only")
        super().save(*args, **kwargs)
