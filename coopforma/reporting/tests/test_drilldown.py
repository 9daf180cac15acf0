# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every figure drills down to the records it sums: invoices, trainees with their hours, trainers."""

import pytest

from coopforma.reporting.tests import test_bpf
from coopforma.training_sessions.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db
world = test_bpf.world  # the hand-computed world


def test_lines_list_the_records_they_sum(world, org, admin_user, web):
    client = web(admin_user)
    base = f"/o/{org.slug}/bpf/2025/lines"
    c1 = client.get(f"{base}/C.1/").content.decode()
    assert c1.count("<tr>") == 3  # header + the invoice + the credit note (the 2024 one and the draft: out)
    assert "−" in c1
    unclassified = client.get(f"{base}/C.unclassified/").content.decode()
    assert world["unclassified"].number in unclassified
    f1a = client.get(f"{base}/F1.a/").content.decode()
    assert "Alice" in f1a and "Ana" in f1a and "Bob" not in f1a
    assert f"/sessions/{world['alice'].session_id}/participants/{world['alice'].pk}/" in f1a
    assert "3\u00a0h\u00a030" in f1a and "7\u00a0h" in f1a  # Alice planned 3 h 30, Ana attended 7 h
    f1b = client.get(f"{base}/F1.b/").content.decode()
    assert "Carl" in f1b and "3\u00a0h" in f1b  # the abandon, with the hours attended
    g = client.get(f"{base}/G/").content.decode()
    assert "Autre OF" in g and ">4<" in g
    e_ext = client.get(f"{base}/E.external/").content.decode()
    assert "Sous-traitant" in e_ext and "7\u00a0h" in e_ext
    assert client.get(f"{base}/F9.z/").status_code == 404
    assert client.get(f"{base}/F4.326/").status_code == 200


def test_a_line_page_costs_the_same_queries_whatever_the_rows(
    world, org, admin_user, web, django_assert_max_num_queries
):
    client = web(admin_user)
    url = f"/o/{org.slug}/bpf/2025/lines/F1.total/"
    client.get(url)
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    for _ in range(8):
        ParticipantFactory(enrolment=world["alice"].enrolment, bpf_trainee_type="a")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert "Alice" in client.get(url).content.decode()
    page = f"/o/{org.slug}/bpf/?year=2025"
    client.get(page)
    with django_assert_max_num_queries(60) as bpf_small:
        client.get(page)
    for _ in range(8):
        ParticipantFactory(enrolment=world["alice"].enrolment, bpf_trainee_type="")
    with django_assert_max_num_queries(len(bpf_small.captured_queries)):
        client.get(page)
