# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every activity-log action the code base writes has a French label, and timelines show sentences, not codes."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from coopforma.accounts.tests.factories import OrganisationFactory, UserFactory
from coopforma.attendance.services import MARKS
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.core.log import log_action
from coopforma.core.log_actions import ACTION_LABELS, action_label, changes, sentence
from coopforma.people.services import DECISIONS
from coopforma.training_sessions.models import SessionStatus
from coopforma.training_sessions.tests.factories import SessionFactory
from coopforma.webhooks.events import EVENT_TYPES

ROOT = Path(settings.BASE_DIR) / "coopforma"
CODE = re.compile(r"^[a-z_]+\.[a-z_]+\.[a-z_]+$")

# The actions built with an f-string, and the values their placeholder takes (a new f-string fails the test
# until it is listed here, so its codes are checked too).
F_STRING_VALUES: dict[str, list[str]] = {
    "attendance.participant.{mark}": list(MARKS),
    "people.trainer.{verb}": [verb for _states, _state, verb in DECISIONS.values()],
    "sessions.session.{status}": [str(status) for status in SessionStatus.values],
    "quality.nonconformity.{verb}": ["closed", "updated"],
}


def _codes(node: ast.expr, where: str) -> list[str]:
    """The action codes an `action=` argument can hold."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if CODE.match(node.value) else []
    if isinstance(node, ast.IfExp):
        return _codes(node.body, where) + _codes(node.orelse, where)
    if isinstance(node, ast.JoinedStr):
        parts = [p.value if isinstance(p, ast.Constant) else "{" + ast.unparse(p.value) + "}" for p in node.values]
        template = "".join(str(part) for part in parts)
        assert template in F_STRING_VALUES, f"{where}: list the values of {template!r} in F_STRING_VALUES"
        return [template.split("{")[0] + value for value in F_STRING_VALUES[template]]
    return []  # a variable: the call that passes it holds the constant


def written_actions() -> dict[str, str]:
    """{action code: first place it is written} over every `action=` keyword of the code base (migrations too)."""
    found: dict[str, str] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg == "action":
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    for code in _codes(keyword.value, where):
                        found.setdefault(code, where)
    for event in EVENT_TYPES:
        found.setdefault(event.action, "webhooks/events.py")
    return found


def test_the_scan_finds_the_actions_it_must():
    actions = written_actions()
    assert len(actions) > 100
    for code in ("catalogue.training.created", "sessions.session.cancelled", "attendance.participant.late"):
        assert code in actions
    assert "attendance.chain.resealed" in actions  # written by a migration


def test_every_written_action_has_a_french_label():
    missing = {code: where for code, where in written_actions().items() if code not in ACTION_LABELS}
    assert missing == {}, "add these actions to core/log_actions.py ACTION_LABELS"


def test_no_label_is_a_code():
    for code, label in ACTION_LABELS.items():
        assert CODE.match(code)
        assert not CODE.match(str(label)) and "_" not in str(label), code


def test_an_unknown_action_never_shows_its_code():
    assert action_label("catalogue.training.teleported") == "Action enregistrée"


@pytest.mark.django_db
def test_a_timeline_entry_reads_as_a_french_sentence():
    organisation = OrganisationFactory()
    training = TrainingFactory(organisation=organisation)
    user = UserFactory(first_name="Camille", last_name="Dupont")
    entry = log_action(actor=user, obj=training, action="catalogue.training.created")
    assert sentence(entry) == "Formation créée par Camille Dupont"
    system = log_action(actor=None, obj=training, action="catalogue.training.archived")
    assert sentence(system) == "Formation archivée (automatiquement)"


@pytest.mark.django_db
def test_changes_show_field_names_and_choice_labels():
    session = SessionFactory(organisation=OrganisationFactory())
    entry = log_action(
        actor=None,
        obj=session,
        action="sessions.session.updated",
        data={"changes": {"status": ["draft", "confirmed"]}},
    )
    ((name, old, new),) = changes(entry)
    assert (old, new) == ("Brouillon", "Confirmée")
    assert name[0].isupper() and "status" not in name
