# SPDX-License-Identifier: AGPL-3.0-or-later
"""Roles grant named permission flags; views and API routes check flags, selectors scope by role."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrateur·rice de l'OF")
    QUALITY = "quality", _("Responsable formation / qualité")
    MEMBER_MANAGER = "member_manager", _("Gérant·e de structure membre")
    TRAINER = "trainer", _("Formateur·rice")


# Flag -> roles that hold it.
FLAGS: dict[str, set[str]] = {
    # Organisation settings, users and API tokens of others.
    "org.manage": {Role.ADMIN},
    # Sees every record of the organisation (otherwise: own member structure, own trainings/sessions).
    "org.view_all": {Role.ADMIN, Role.QUALITY},
    # Member structures: create and edit.
    "members.manage": {Role.ADMIN},
    # Trainer onboarding decisions (comité de validation).
    "trainers.validate": {Role.ADMIN, Role.QUALITY},
    # Propose a trainer for one's structure.
    "trainers.propose": {Role.ADMIN, Role.QUALITY, Role.MEMBER_MANAGER},
    # Validate a training programme for the catalogue.
    "catalogue.validate": {Role.ADMIN, Role.QUALITY},
    # Edit the organisation's document templates (conventions, contracts, certificates…).
    "documents.templates": {Role.ADMIN, Role.QUALITY},
    # Edit the texts of the e-mails the application sends for the organisation (« Textes des e-mails »).
    "mails.texts": {Role.ADMIN, Role.QUALITY},
    "catalogue.create": {Role.ADMIN, Role.QUALITY, Role.MEMBER_MANAGER, Role.TRAINER},
    "sessions.create": {Role.ADMIN, Role.QUALITY, Role.MEMBER_MANAGER, Role.TRAINER},
    # Edit the organisation's places (shared by every session); anyone who creates sessions may add one.
    "places.manage": {Role.ADMIN, Role.QUALITY, Role.MEMBER_MANAGER},
    "clients.create": {Role.ADMIN, Role.QUALITY, Role.MEMBER_MANAGER, Role.TRAINER},
    # Quotes, invoices, credit notes, payments; closing a fiscal year.
    "billing.manage": {Role.ADMIN},
    # Read billing pieces and member statements (member managers: their own structure's only).
    "billing.view": {Role.ADMIN, Role.QUALITY, Role.MEMBER_MANAGER},
    # The organisation's BPF (Cerfa 10443) and its assistant; entering frame D.
    "bpf.view": {Role.ADMIN, Role.QUALITY},
    "bpf.edit": {Role.ADMIN},
    # The same report restricted to one member structure (not a Cerfa).
    "bpf.member_report": {Role.ADMIN, Role.QUALITY, Role.MEMBER_MANAGER},
    # Questionnaires (builder, templates, sending) and the published indicators.
    "evaluations.manage": {Role.ADMIN, Role.QUALITY},
    # Evaluation results (scoped: member managers their structure, trainers their sessions).
    "evaluations.view": {Role.ADMIN, Role.QUALITY, Role.MEMBER_MANAGER, Role.TRAINER},
    # The Qualiopi system: indicators, evidence, registers, audits, audit pack.
    "quality.manage": {Role.ADMIN, Role.QUALITY},
    # Read the indicators and one's own share of missing evidence (member managers: their structure).
    "quality.view": {Role.ADMIN, Role.QUALITY, Role.MEMBER_MANAGER},
    # Record a complaint or an incident (anyone in the organisation may receive one).
    "quality.report": {Role.ADMIN, Role.QUALITY, Role.MEMBER_MANAGER, Role.TRAINER},
    # Requests from the public catalogue (« Demandes »): read them (scoped like the trainings: member managers see
    # their structure's), change their status and convert them.
    "enquiries.view": {Role.ADMIN, Role.QUALITY, Role.MEMBER_MANAGER},
    "enquiries.manage": {Role.ADMIN, Role.QUALITY, Role.MEMBER_MANAGER},
    # RGPD: a person's data export and erasure, the records-of-processing register (art. 15, 17, 20, 30).
    "privacy.manage": {Role.ADMIN, Role.QUALITY},
}


def flags_for(role: str) -> frozenset[str]:
    return frozenset(flag for flag, roles in FLAGS.items() if role in roles)
