# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo's part: one certification project from the published 0.1, idempotent."""

from types import SimpleNamespace

import pytest

from coopforma.accounts.tests.factories import UserFactory
from coopforma.recognition import demo
from coopforma.recognition.models import CertificationProject
from coopforma.referentiel import demo as referentiel_demo

pytestmark = pytest.mark.django_db


def test_the_demo_builds_one_project():
    ctx = SimpleNamespace(users={"admin": UserFactory()})
    referentiel_demo.load(ctx)  # type: ignore[arg-type]
    demo.load(ctx)  # type: ignore[arg-type]
    demo.load(ctx)  # type: ignore[arg-type]
    project = CertificationProject.objects.get()
    assert (project.job.code, project.register, project.level) == ("M1", "rncp", 6)
    assert project.blocks.get().evaluations.exclude(situations="").count() == 1
