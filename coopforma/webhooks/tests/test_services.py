# SPDX-License-Identifier: AGPL-3.0-or-later
"""Endpoints, events, signatures, retries and replays of the webhooks app."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from coopforma.core.crypto import unseal_text
from coopforma.core.log import log_action
from coopforma.core.models import ActivityLog
from coopforma.training_sessions.tests.factories import EnrolmentFactory, SessionFactory
from coopforma.webhooks import services, tasks, transport
from coopforma.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from coopforma.webhooks.signing import signature, signature_header, signature_verify
from coopforma.webhooks.tests.factories import SECRET, delivery_make, endpoint_make
from tests.clock import frozen_now

pytestmark = pytest.mark.django_db


class Recorder:
    """What the fake endpoint was sent, and the answers it gives (one per call, the last repeated)."""

    def __init__(self, *answers: int | Exception) -> None:
        self.answers = list(answers) or [200]
        self.calls: list[tuple[str, bytes, dict[str, str]]] = []

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> transport.Response:
        self.calls.append((url, body, headers))
        answer = self.answers[min(len(self.calls), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return transport.Response(answer, "ok" if answer < 300 else "nope", 12)


@pytest.fixture
def recorder(monkeypatch):  # type: ignore[no-untyped-def]
    def install(*answers):  # type: ignore[no-untyped-def]
        fake = Recorder(*answers)
        monkeypatch.setattr(transport, "http_post", fake)
        return fake

    return install


def enrolment_logged(org, admin_actor):  # type: ignore[no-untyped-def]
    enrolment = EnrolmentFactory(session=SessionFactory(training__organisation=org))
    log_action(
        actor=admin_actor,
        obj=enrolment,
        action="sessions.enrolment.created",
        data={"session": enrolment.session, "client": enrolment.client, "price_cents": 140000, "status": "x"},
    )
    return enrolment


# --- the signature ---------------------------------------------------------------------------------------------


def test_the_signature_is_the_hmac_of_timestamp_dot_body_and_a_receiver_verifies_it():
    import hashlib
    import hmac

    body = b'{"id":"e1","type":"invoice.issued"}'
    expected = hmac.new(b"whsec_k", b"1763370000." + body, hashlib.sha256).hexdigest()
    assert signature("whsec_k", 1763370000, body) == expected
    header = signature_header("whsec_k", 1763370000, body)
    assert header == f"t=1763370000,v1={expected}"
    assert signature_verify("whsec_k", header, body, now=1763370100)
    assert not signature_verify("whsec_k", header, body + b" ", now=1763370100)  # altered body
    assert not signature_verify("whsec_other", header, body, now=1763370100)  # another secret
    assert not signature_verify("whsec_k", header, body, now=1763370000 + 301)  # too old: a replay
    assert not signature_verify("whsec_k", "garbage", body, now=1763370000)


# --- endpoints -------------------------------------------------------------------------------------------------


def test_the_secret_is_returned_once_and_stored_encrypted(admin_actor):
    endpoint, secret = services.endpoint_create(
        actor=admin_actor, url="https://hooks.example.org/in", events=["invoice.issued"]
    )
    assert secret.startswith("whsec_") and len(secret) > 40
    stored = WebhookEndpoint.objects.get(pk=endpoint.pk).sealed_secret
    assert secret not in stored
    assert unseal_text(stored, purpose=services.SECRET_PURPOSE) == secret
    assert unseal_text(stored, purpose="outbox") == ""  # a key per purpose
    assert secret not in json.dumps(list(ActivityLog.objects.values_list("data", flat=True)))
    _endpoint, new = services.endpoint_secret_rotate(actor=admin_actor, endpoint_id=endpoint.pk)
    assert new != secret
    assert unseal_text(WebhookEndpoint.objects.get(pk=endpoint.pk).sealed_secret, purpose="webhooks.secret") == new


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.org/in",  # not HTTPS
        "ftp://hooks.example.org/in",
        "https://localhost/in",
        "https://127.0.0.1/in",
        "http://127.0.0.1:8000/in",  # only on a development server or in tests that allow it
        "https://10.1.2.3/in",
        "https://192.168.1.10/in",
        "https://169.254.169.254/latest/meta-data",  # the cloud's metadata service
        "https://[::1]/in",
        "https://[::ffff:10.0.0.1]/in",
        "https://intranet/in",
        "https://nas.local/in",
        "https://user:password@hooks.example.org/in",
        "https://hooks.example.org:99999/in",
        "pas une adresse",
        "",
    ],
)
def test_a_refused_address_writes_nothing(admin_actor, url):
    with pytest.raises(ValidationError) as caught:
        services.endpoint_create(actor=admin_actor, url=url, events=["invoice.issued"])
    assert "url" in caught.value.message_dict
    assert not WebhookEndpoint.objects.exists()
    assert not ActivityLog.objects.filter(action__startswith="webhooks.").exists()


def test_unknown_or_no_events_are_refused(admin_actor):
    for events in ([], ["invoice.paid"]):
        with pytest.raises(ValidationError) as caught:
            services.endpoint_create(actor=admin_actor, url="https://hooks.example.org/in", events=events)
        assert "events" in caught.value.message_dict
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url", ["https://hooks.example.org/in", "https://93.184.216.34/in", "https://[2606:4700::1]/in"]
)
def test_a_public_https_address_is_accepted(admin_actor, url):
    endpoint, _secret = services.endpoint_create(actor=admin_actor, url=url, events=["invoice.issued"])
    assert endpoint.url == url


def test_local_addresses_only_where_allowed(admin_actor, settings):
    settings.WEBHOOKS_ALLOW_LOCAL = True
    endpoint, _secret = services.endpoint_create(
        actor=admin_actor, url="http://127.0.0.1:8000/in", events=["invoice.issued"]
    )
    assert endpoint.url == "http://127.0.0.1:8000/in"
    with pytest.raises(ValidationError):  # still no private network
        services.endpoint_create(actor=admin_actor, url="http://10.0.0.1/in", events=["invoice.issued"])


def test_a_name_resolving_to_a_private_address_is_not_called(monkeypatch):
    monkeypatch.setattr(transport.socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("10.0.0.7", 443))])
    with pytest.raises(transport.DeliveryError, match="privée"):
        transport.http_post("https://rebind.example.org/in", b"{}", {})


@pytest.mark.parametrize("role", ["quality_actor", "manager_actor", "trainer_actor"])
def test_a_lesser_role_manages_no_endpoint(request, role, org):
    actor = request.getfixturevalue(role)
    endpoint = endpoint_make(org)
    with pytest.raises(PermissionDenied):
        services.endpoint_create(actor=actor, url="https://hooks.example.org/in", events=["invoice.issued"])
    with pytest.raises(PermissionDenied):
        services.endpoint_secret_rotate(actor=actor, endpoint_id=endpoint.pk)
    with pytest.raises(PermissionDenied):
        services.delivery_replay(actor=actor, delivery_id=delivery_make(endpoint).pk)


def test_another_organisations_admin_cannot_touch_our_endpoint(org, other_org, stranger):
    from conftest import make_actor

    foreign = make_actor(stranger, other_org)
    endpoint = endpoint_make(org)
    delivery = delivery_make(endpoint)
    with pytest.raises(WebhookEndpoint.DoesNotExist):
        services.endpoint_secret_rotate(actor=foreign, endpoint_id=endpoint.pk)
    with pytest.raises(WebhookEndpoint.DoesNotExist):
        services.endpoint_update(
            actor=foreign,
            endpoint_id=endpoint.pk,
            url="https://evil.example.net/",
            events=["invoice.issued"],
            description="",
            is_active=True,
        )
    with pytest.raises(WebhookDelivery.DoesNotExist):
        services.delivery_replay(actor=foreign, delivery_id=delivery.pk)
    endpoint.refresh_from_db()
    assert endpoint.url == "https://hooks.example.org/coopforma"
    assert WebhookDelivery.objects.count() == 1


# --- events become deliveries ----------------------------------------------------------------------------------


def test_an_event_is_delivered_signed_to_the_endpoints_that_chose_it(
    org, admin_actor, recorder, django_capture_on_commit_callbacks
):
    fake = recorder(200)
    chosen = endpoint_make(org, events=["enrolment.created"])
    endpoint_make(org, url="https://other.example.org/", events=["invoice.issued"])  # another event
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrolment_logged(org, admin_actor)
    assert len(fake.calls) == 1
    url, body, headers = fake.calls[0]
    assert url == chosen.url
    payload = json.loads(body)
    assert payload["type"] == "enrolment.created"
    assert payload["organisation"] == {"id": org.pk, "slug": org.slug, "name": org.name}
    assert payload["data"]["object"] == {"type": "enrolment", "id": enrolment.pk, "label": str(enrolment)}
    assert payload["data"]["price_cents"] == 140000
    assert payload["data"]["session"]["id"] == enrolment.session_id
    assert (
        dt.datetime.fromisoformat(payload["created_at"])
        == ActivityLog.objects.get(action="sessions.enrolment.created").created_at
    )
    assert headers["Coopforma-Event-Id"] == payload["id"]
    assert headers["Coopforma-Event-Type"] == "enrolment.created"
    timestamp = int(headers["Coopforma-Timestamp"])
    assert timestamp == int(timezone.now().timestamp()) or abs(timestamp - timezone.now().timestamp()) < 5
    assert signature_verify(SECRET, headers["Coopforma-Signature"], body, now=timestamp)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, str(delivery.event_id)) == ("succeeded", 1, payload["id"])
    attempt = WebhookAttempt.objects.get()
    assert (attempt.status_code, attempt.succeeded, attempt.response_excerpt, attempt.duration_ms) == (
        200,
        True,
        "ok",
        12,
    )


def test_nothing_goes_to_another_organisations_endpoints(
    org, other_org, admin_actor, recorder, django_capture_on_commit_callbacks
):
    fake = recorder(200)
    ours = endpoint_make(org, events=["enrolment.created"])
    endpoint_make(other_org, url="https://theirs.example.org/", events=["enrolment.created"])
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_logged(org, admin_actor)
    assert [call[0] for call in fake.calls] == [ours.url]
    assert list(WebhookDelivery.objects.values_list("endpoint_id", "organisation_id")) == [(ours.pk, org.pk)]


def test_a_disabled_endpoint_gets_nothing(org, admin_actor, recorder, django_capture_on_commit_callbacks):
    fake = recorder(500)
    endpoint = endpoint_make(org, events=["enrolment.created"], is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_logged(org, admin_actor)
    assert not WebhookDelivery.objects.exists() and not fake.calls
    # Disabled while a retry is pending: the retry is not made.
    endpoint.is_active = True
    endpoint.save()
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_logged(org, admin_actor)
    assert len(fake.calls) == 1
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    with time_machine.travel(frozen_now() + dt.timedelta(hours=1), tick=False):
        assert tasks.deliver_due() == {"succeeded": 0, "pending": 0, "failed": 0}
    assert len(fake.calls) == 1
    with pytest.raises(ValidationError):
        services.delivery_replay(actor=admin_actor, delivery_id=WebhookDelivery.objects.get().pk)


def test_a_rolled_back_transaction_sends_and_writes_nothing(
    org, admin_actor, recorder, django_capture_on_commit_callbacks
):
    fake = recorder(200)
    endpoint_make(org, events=["enrolment.created"])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        enrolment_logged(org, admin_actor)
        raise RuntimeError("the service failed after logging")
    assert not fake.calls
    assert not WebhookDelivery.objects.exists()


def test_actions_that_are_not_events_create_nothing(org, admin_actor, recorder):
    endpoint = endpoint_make(org, events=["enrolment.created", "invoice.issued"])
    log_action(actor=admin_actor, obj=endpoint, action="sessions.enrolment.updated", data={})
    assert not WebhookDelivery.objects.exists()


# --- retries ---------------------------------------------------------------------------------------------------


def test_failed_attempts_are_retried_after_1_5_30_minutes_2_and_12_hours_then_given_up(org, recorder):
    fake = recorder(500, transport.DeliveryError("TimeoutError: timed out"), 503)
    start = frozen_now()
    delivery = delivery_make(endpoint_make(org), next_attempt_at=start)
    waits = [dt.timedelta(0), *services.RETRY_DELAYS]
    at = start
    with time_machine.travel(start, tick=False) as clock:
        for number, wait in enumerate(waits, start=1):
            at += wait
            clock.move_to(at - dt.timedelta(seconds=1))
            if number > 1:
                assert tasks.deliver_due()["pending"] == 0, f"attempt {number} made too early"
            clock.move_to(at)
            tasks.deliver_due()
            delivery.refresh_from_db()
            assert delivery.attempts == number
            if number <= len(services.RETRY_DELAYS):
                assert delivery.status == DeliveryStatus.PENDING
                assert delivery.next_attempt_at == at + services.RETRY_DELAYS[number - 1]
        assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
        clock.move_to(at + dt.timedelta(days=3))
        assert tasks.deliver_due() == {"succeeded": 0, "pending": 0, "failed": 0}
    assert len(fake.calls) == 6
    attempts = list(WebhookAttempt.objects.filter(delivery=delivery).values_list("number", "status_code", "error"))
    assert [row[:2] for row in attempts] == [(1, 500), (2, None), (3, 503), (4, 503), (5, 503), (6, 503)]
    assert attempts[1][2] == "TimeoutError: timed out"


def test_a_success_ends_the_retries(org, recorder):
    fake = recorder(500, 204)
    with time_machine.travel(frozen_now(), tick=False) as clock:
        delivery = delivery_make(endpoint_make(org))
        tasks.deliver_due()
        clock.shift(dt.timedelta(minutes=1))
        assert tasks.deliver_due() == {"succeeded": 1, "pending": 0, "failed": 0}
        clock.shift(dt.timedelta(days=1))
        tasks.deliver_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.delivered_at is not None) == ("succeeded", 2, True)
    assert len(fake.calls) == 2


def test_each_attempt_is_signed_again_with_its_own_time(org, recorder):
    fake = recorder(500, 200)
    with time_machine.travel(frozen_now(), tick=False) as clock:
        delivery_make(endpoint_make(org))
        tasks.deliver_due()
        clock.shift(dt.timedelta(minutes=1))
        tasks.deliver_due()
    (_u1, body1, first), (_u2, body2, second) = fake.calls
    assert body1 == body2 and first["Coopforma-Event-Id"] == second["Coopforma-Event-Id"]
    assert int(second["Coopforma-Timestamp"]) - int(first["Coopforma-Timestamp"]) == 60
    assert signature_verify(SECRET, second["Coopforma-Signature"], body2, now=int(second["Coopforma-Timestamp"]))


def test_an_unreadable_secret_is_a_failed_attempt_without_a_request(org, recorder):
    fake = recorder(200)
    endpoint = endpoint_make(org)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(sealed_secret="damaged")
    delivery_make(endpoint)
    tasks.deliver_due()
    assert not fake.calls
    assert "renouvelez le secret" in WebhookAttempt.objects.get().error


def test_a_replay_is_a_new_delivery_of_the_same_event(org, admin_actor, recorder, django_capture_on_commit_callbacks):
    fake = recorder(200)
    original = delivery_make(endpoint_make(org), status="failed", attempts=6, next_attempt_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        replay = services.delivery_replay(actor=admin_actor, delivery_id=original.pk)
    replay.refresh_from_db()
    assert (replay.event_id, replay.body, replay.replay_of_id) == (original.event_id, original.body, original.pk)
    assert (replay.status, replay.attempts) == ("succeeded", 1)
    assert fake.calls[0][1] == original.body.encode()
    original.refresh_from_db()
    assert original.status == "failed"  # its history stays as it was


# --- through a real HTTP server (loopback) ---------------------------------------------------------------------


def test_a_real_request_reaches_a_local_server_signed(org, admin_actor, settings, django_capture_on_commit_callbacks):
    received: dict[str, tuple[dict[str, str], bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received[self.path] = (dict(self.headers), body)
            status = 302 if self.path == "/redirect" else 200
            self.send_response(status)
            if status == 302:
                self.send_header("Location", "http://127.0.0.1:1/elsewhere")
            self.end_headers()
            self.wfile.write(b"merci")

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.WEBHOOKS_ALLOW_LOCAL = True
        base = f"http://127.0.0.1:{server.server_port}"
        _endpoint, secret = services.endpoint_create(
            actor=admin_actor, url=f"{base}/hook", events=["enrolment.created"]
        )
        services.endpoint_create(actor=admin_actor, url=f"{base}/redirect", events=["enrolment.created"])
        with django_capture_on_commit_callbacks(execute=True):
            enrolment_logged(org, admin_actor)
    finally:
        server.shutdown()
        server.server_close()
    assert len(received) == 2  # the redirect was not followed
    headers, body = received["/hook"]
    assert headers["Coopforma-Event-Type"] == "enrolment.created"
    assert signature_verify(secret, headers["Coopforma-Signature"], body, now=int(headers["Coopforma-Timestamp"]))
    outcomes = dict(WebhookDelivery.objects.values_list("endpoint__url", "status"))
    assert outcomes == {f"{base}/hook": "succeeded", f"{base}/redirect": "pending"}
    assert WebhookAttempt.objects.get(delivery__endpoint__url=f"{base}/hook").response_excerpt == "merci"
    assert WebhookAttempt.objects.get(delivery__endpoint__url=f"{base}/redirect").status_code == 302


def test_the_command_delivers_what_is_due(org, recorder):
    from io import StringIO

    from django.core.management import call_command

    recorder(200)
    with time_machine.travel(frozen_now(), tick=False):
        delivery_make(endpoint_make(org))
        out = StringIO()
        call_command("deliver_webhooks", "--due", stdout=out)
    assert out.getvalue().strip() == "remis : 1, à retenter : 0, abandonnés : 0"


def test_a_real_service_emits_its_event_without_being_edited(
    org, admin_actor, recorder, django_capture_on_commit_callbacks
):
    from coopforma.people.tests.factories import ClientFactory
    from coopforma.training_sessions.services import enrolment_create

    fake = recorder(200)
    endpoint_make(org, events=["enrolment.created"])
    session = SessionFactory(training__organisation=org)
    client = ClientFactory(organisation=org)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrolment_create(actor=admin_actor, session_id=session.pk, client_id=client.pk, price_cents=90000)
    payload = json.loads(fake.calls[0][1])
    assert payload["type"] == "enrolment.created"
    assert payload["data"]["object"]["id"] == enrolment.pk
    assert (payload["data"]["price_cents"], payload["data"]["client"]["id"]) == (90000, client.pk)


def test_finished_deliveries_are_deleted_after_30_days(org, recorder):
    recorder(200)
    endpoint = endpoint_make(org)
    with time_machine.travel(frozen_now(), tick=False) as clock:
        done = delivery_make(endpoint, status="succeeded", next_attempt_at=None)
        given_up = delivery_make(endpoint, status="failed", next_attempt_at=None)
        waiting = delivery_make(endpoint, next_attempt_at=frozen_now() + dt.timedelta(days=40))
        clock.shift(dt.timedelta(days=29))
        tasks.deliver_due()
        assert WebhookDelivery.objects.count() == 3
        clock.shift(dt.timedelta(days=2))
        tasks.deliver_due()
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert not WebhookDelivery.objects.filter(pk__in=[done.pk, given_up.pk]).exists()
