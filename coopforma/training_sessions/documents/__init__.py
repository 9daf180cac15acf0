# SPDX-License-Identifier: AGPL-3.0-or-later
"""The document kinds of a session (issue #3): convention, contract, programme, convocation, règlement
intérieur, attendance sheet, certificat de réalisation, attestation de fin de formation, quote.

Each kind turns its subject (an enrolment, a session or a participant) into plain data already formatted in
French (dates "02/03/2026", hours "7 h 30", money "1 400,00 €"), lists what it lacks with the page that fixes
it, and carries the typed hooks (`documents.registry.KindHooks`) the generic documents engine uses to check that
an actor may see the subject (`resolve`, `resolve_session`, `subjects_for_session`…). The engine (documents) is
above this app in the layers: it never imports this package; `TrainingSessionsConfig.ready()` registers it.

The package, by cohesion:
- `cache.py`: `batch()`, what every document of a session shares, read once per bulk run or page;
- `data.py`: the data blocks (organisation, session, client, enrolment) and each subject's context;
- `missing.py`: what each kind lacks, with the page that fixes it;
- `hooks.py`: the engine's hooks (resolvers, a session's subjects, recipients, preview records);
- `keywords.py`: the keywords a template may use, with their labels and examples;
- `kinds.py`: the kinds themselves and `register_kinds()`.
"""

from coopforma.training_sessions.documents.cache import batch
from coopforma.training_sessions.documents.data import (
    CATEGORY_WORDING,
    category_data,
    client_data,
    enrolment_context,
    enrolment_data,
    funding_basis_text,
    organisation_data,
    participant_context,
    session_context,
    session_data,
    skills_assessment_context,
    subcontracting_context,
)
from coopforma.training_sessions.documents.hooks import PREVIEW_LIMIT, SUBJECT_HOOKS
from coopforma.training_sessions.documents.keywords import (
    CLIENT_KEYWORDS,
    DOCUMENT_KEYWORDS,
    ENROLMENT_KEYWORDS,
    ORGANISATION_KEYWORDS,
    SESSION_KEYWORDS,
    SUBCONTRACTOR_KEYWORDS,
    TRAINEE_KEYWORDS,
)
from coopforma.training_sessions.documents.kinds import BASE, kinds, register_kinds
from coopforma.training_sessions.documents.missing import (
    attendance_missing,
    attestation_missing,
    certificate_missing,
    contract_missing,
    convention_missing,
    convocation_missing,
    programme_missing,
    quote_missing,
    rules_missing,
    skills_assessment_convention_missing,
    subcontracting_missing,
)

__all__ = [
    "BASE",
    "CATEGORY_WORDING",
    "CLIENT_KEYWORDS",
    "DOCUMENT_KEYWORDS",
    "ENROLMENT_KEYWORDS",
    "ORGANISATION_KEYWORDS",
    "PREVIEW_LIMIT",
    "SESSION_KEYWORDS",
    "SUBCONTRACTOR_KEYWORDS",
    "SUBJECT_HOOKS",
    "TRAINEE_KEYWORDS",
    "attendance_missing",
    "attestation_missing",
    "batch",
    "category_data",
    "certificate_missing",
    "client_data",
    "contract_missing",
    "convention_missing",
    "convocation_missing",
    "enrolment_context",
    "enrolment_data",
    "funding_basis_text",
    "kinds",
    "organisation_data",
    "participant_context",
    "programme_missing",
    "quote_missing",
    "register_kinds",
    "rules_missing",
    "session_context",
    "session_data",
    "skills_assessment_context",
    "skills_assessment_convention_missing",
    "subcontracting_context",
    "subcontracting_missing",
]
