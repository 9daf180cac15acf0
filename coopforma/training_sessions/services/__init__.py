# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes for sessions: creation from a training, programme, slots, enrolments, funding lines, participants.

Every function takes the actor first (keyword-only), refuses what the actor may not see (404) or do (403),
validates (ValidationError naming the field), saves in a transaction and logs the event.

One module per sub-noun; everything public is re-exported here, so `from coopforma.training_sessions.services
import X` and `services.X` keep working.
"""

from coopforma.training_sessions.services._common import (
    describe_span,
    local_datetime,
)
from coopforma.training_sessions.services.calendar_feeds import (
    calendar_feed_renew,
    calendar_feed_revoke,
)
from coopforma.training_sessions.services.enrolments import (
    enrolment_create,
    enrolment_delete,
    enrolment_update,
)
from coopforma.training_sessions.services.funding_lines import (
    DROPOUT_CLAUSE_PAYERS,
    FUNDING_LINE_FIELDS,
    NULLABLE_FUNDING_FIELDS,
    SCHEME_ALLOWED,
    SCHEME_REQUIRED,
    funding_line_create,
    funding_line_delete,
    funding_line_update,
)
from coopforma.training_sessions.services.mailing import session_email_send
from coopforma.training_sessions.services.participants import (
    BPF_DEFAULTS,
    default_bpf_type,
    participant_add,
    participant_delete,
    participant_update,
)
from coopforma.training_sessions.services.places import (
    PLACE_FIELDS,
    place_create,
    place_update,
)
from coopforma.training_sessions.services.sessions import (
    PROGRAMME_EDITABLE,
    TRANSITIONS,
    session_create,
    session_programme_update,
    session_transition,
    session_update,
)
from coopforma.training_sessions.services.slots import (
    AFTERNOON,
    MORNING,
    PERIODS,
    SlotTrainer,
    slot_add_day,
    slot_create,
    slot_delete,
    slot_update,
)

__all__ = [
    "AFTERNOON",
    "BPF_DEFAULTS",
    "DROPOUT_CLAUSE_PAYERS",
    "FUNDING_LINE_FIELDS",
    "MORNING",
    "NULLABLE_FUNDING_FIELDS",
    "PERIODS",
    "PLACE_FIELDS",
    "PROGRAMME_EDITABLE",
    "SCHEME_ALLOWED",
    "SCHEME_REQUIRED",
    "TRANSITIONS",
    "SlotTrainer",
    "calendar_feed_renew",
    "calendar_feed_revoke",
    "default_bpf_type",
    "describe_span",
    "enrolment_create",
    "enrolment_delete",
    "enrolment_update",
    "funding_line_create",
    "funding_line_delete",
    "funding_line_update",
    "local_datetime",
    "participant_add",
    "participant_delete",
    "participant_update",
    "place_create",
    "place_update",
    "session_create",
    "session_email_send",
    "session_programme_update",
    "session_transition",
    "session_update",
    "slot_add_day",
    "slot_create",
    "slot_delete",
    "slot_update",
]
