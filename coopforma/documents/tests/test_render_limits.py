# SPDX-License-Identifier: AGPL-3.0-or-later
"""A template cannot stop or crash the server: each hostile template gets a French error within a few seconds
through the real preview and save views, and the next request is served normally.

The limits are lowered for the tests (3 s, 512 MB); a test passes if the error arrives within 30 s, so a loaded
machine does not make it flaky.
"""

import os
import signal
import socket
import tempfile
import threading
import time

import pytest

from coopforma.documents import render_pool, rendering
from coopforma.documents.models import Document, DocumentTemplate
from coopforma.documents.tests.test_generation import world  # noqa: F401
from coopforma.documents.tests.test_template_support import DEFAULT_BODY, make_kind, registered
from coopforma.documents.tests.test_template_views import form_data, png_pages, text, url

GENEROUS = 30  # seconds: far above the configured limits, so only a real hang fails the test


@pytest.fixture
def kind():  # type: ignore[no-untyped-def]
    with registered(make_kind()) as kinds:
        yield kinds[0]


@pytest.fixture(autouse=True)
def small_limits(settings):  # type: ignore[no-untyped-def]
    settings.DOCUMENTS_RENDER_TIMEOUT = 3
    settings.DOCUMENTS_RENDER_CPU_SECONDS = 3
    settings.DOCUMENTS_RENDER_MEMORY_MB = 512
    return settings


TOO_LONG = "le modèle met trop de temps à produire le document (limite : 3 s)"
TOO_BIG = "le modèle demande trop de mémoire pour produire le document (limite : 512 Mo)"
JINJA_PAYLOADS = {
    "power": ("{{ 9 ** 99999999 }}", "9 ** 99999999 donnerait un nombre trop grand"),
    "repeat": ("{{ 'x' * 2000000000 }}", "2000000000 éléments ou caractères"),
    "center filter": ("{{ 'x'|center(1000000000) }}", "la largeur 1000000000 dépasse"),
    "center method": ("{{ 'x'.center(10 ** 9) }}", "la largeur 1000000000 dépasse"),
    "percent format": ("{{ '%999999999s' % 1 }}", "la largeur 999999999 dépasse"),
    "format method": ("{{ '{:>999999999}'.format(1) }}", "la largeur 999999999 dépasse"),
    "format filter": ("{{ '%*s'|format(999999999, 1) }}", "largeur « * »"),
    "replace": ("{{ ('x' * 1000000)|replace('x', 'yyyyyyyyyy') }}", "10000000 éléments ou caractères"),
    "join": ("{% set s = 'x' * 1000000 %}{{ [s, s, s]|join }}", "3000000 éléments ou caractères"),
    "doubling": ("{% set s = 'x' * 1500000 %}{% set s = s + s %}{{ s }}", "3000000 éléments ou caractères"),
    # `~` is not an operator the sandbox can intercept: the worker's address-space limit stops it.
    "concat doubling": ("{% set s = 'x' * 2000000 %}" + "{% set s = s ~ s %}" * 12 + "{{ s }}", (TOO_BIG, TOO_LONG)),
    "cpu loop": (
        "{% set l = ('x' * 1000)|list %}{% for a in l %}{% for b in l %}{% for c in l %}{% endfor %}{% endfor %}"
        "{% endfor %}",
        TOO_LONG,
    ),
}
# Laying out 20,000 pages or filling 512 MB takes about a second here; on a loaded machine the time limit may come
# first: either French error is right.
TYPST_PAYLOADS = {
    "pages": ("#for i in range(20000) [#pagebreak() p]", ("le document ferait 20001 pages : 500 au plus", TOO_LONG)),
    "long loop": ("#for i in range(100000000) { }", (TOO_BIG, TOO_LONG)),
    "string doubling": ('#let s = "x"\n' + "#(s = s + s)\n" * 40, (TOO_BIG, TOO_LONG)),
    "package": ('#import "@preview/cetz:0.2.0": canvas', "les paquets typst"),
    "built package": ('#import ("@pre" + "view/cetz:0.2.0"): canvas', "les paquets typst"),
}
PAYLOADS = {**JINJA_PAYLOADS, **TYPST_PAYLOADS}


def _any_in(expected: str | tuple[str, ...], page: str) -> bool:
    return any(fragment in page for fragment in ((expected,) if isinstance(expected, str) else expected))


def _preview(client, org, kind, body: str):  # type: ignore[no-untyped-def]
    return client.post(url("template_preview", org, kind=kind.code), {"body": body}, headers={"HX-Request": "true"})


@pytest.mark.parametrize("name", PAYLOADS)
def test_hostile_template_gets_a_french_error_in_the_preview_and_the_next_preview_works(
    web, admin_user, org, kind, name
):
    body, expected = PAYLOADS[name]
    client = web(admin_user)
    started = time.monotonic()
    response = _preview(client, org, kind, body)
    assert time.monotonic() - started < GENEROUS
    assert response.status_code == 200
    page = text(response)
    assert "Le modèle ne peut pas être rendu." in page and _any_in(expected, page)
    assert png_pages(response) == []
    assert rendering.empty_dir() not in page and tempfile.gettempdir() not in page

    response = _preview(client, org, kind, DEFAULT_BODY)
    assert len(png_pages(response)) == 1


@pytest.mark.parametrize("name", ["power", "repeat", "cpu loop", "pages", "string doubling", "built package"])
def test_hostile_template_is_refused_by_the_save_check_and_the_next_save_works(web, admin_user, org, kind, name):
    body, expected = PAYLOADS[name]
    client = web(admin_user)
    started = time.monotonic()
    response = client.post(url("template_edit", org, kind=kind.code), form_data(body=body))
    assert time.monotonic() - started < GENEROUS
    assert response.status_code == 200
    assert "Le formulaire contient des erreurs" in text(response) and _any_in(expected, text(response))
    assert not DocumentTemplate.objects.exists()

    response = client.post(url("template_edit", org, kind=kind.code), form_data())
    assert response.status_code == 302
    assert DocumentTemplate.objects.filter(organisation=org, kind=kind.code, is_active=True).exists()


def test_ordinary_arithmetic_and_formatting_still_work():
    source = (
        "{{ 2 ** 10 }} {{ 'ab' * 3 }} {{ '%.2f' % 3.14159 }} {{ 'x'|center(5) }}|{{ '{:>4}'.format(7) }} "
        "{{ ['a', 'b']|join(', ') }} {{ 'aa'|replace('a', 'bc') }} {{ [1, 2] + [3] }}"
    )
    assert rendering.render_markup(source, {}) == "1024 ababab 3.14   x  |   7 a, b bcbc \\[1, 2, 3\\]"


def test_a_long_document_is_refused_past_the_page_cap(settings):
    settings.DOCUMENTS_MAX_PAGES = 3
    with pytest.raises(rendering.TemplateProblem) as exc:
        rendering.compile_pdf("a #pagebreak() b #pagebreak() c #pagebreak() d")
    assert exc.value.message == "le document ferait 4 pages : 3 au plus"
    assert rendering.compile_pdf("a #pagebreak() b #pagebreak() c").startswith(b"%PDF")


def test_the_preview_draws_only_its_first_pages(web, admin_user, org, kind):
    body = "#for i in range(30) [Page #(i + 1) #pagebreak()]"
    images, count = rendering.preview_pages(body, first=2, ppi=20)
    assert count == 31 and len(images) == 2 and all(image.startswith(b"\x89PNG") for image in images)
    response = _preview(web(admin_user), org, kind, body)
    assert len(png_pages(response)) == 12
    assert "31" in text(response)  # the preview says how many pages there are


def test_errors_show_no_server_path():
    for markup in ['#image("/etc/logo.png")', '#read("../../../etc/passwd")', '#include "chapitre.typ"']:
        with pytest.raises(rendering.TemplateProblem) as exc:
            rendering.compile_pdf(markup)
        assert exc.value.message.startswith("mise en page impossible : ")
        assert tempfile.gettempdir() not in exc.value.message and rendering.empty_dir() not in exc.value.message


def test_a_package_import_opens_no_connection():
    """typst would download `@preview/…` packages; a proxy listening here would see the attempt (typst honours
    HTTPS_PROXY): the worker may open no socket while it compiles, so nothing arrives."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(5)
    proxy = f"http://127.0.0.1:{listener.getsockname()[1]}"
    attempts: list[bytes] = []

    def accept() -> None:
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        with connection:
            attempts.append(connection.recv(200) or b"connected")

    watcher = threading.Thread(target=accept)
    watcher.start()
    pool = render_pool.RenderPool(1, extra_env={"HTTPS_PROXY": proxy, "HTTP_PROXY": proxy, "ALL_PROXY": proxy})
    try:
        with pytest.raises(rendering.TemplateProblem) as exc:
            pool.run({"op": "pdf", "markup": '#import ("@pre" + "view/cetz:0.2.0"): *', "inputs": {}, "tagged": False})
        assert exc.value.message == rendering.PACKAGE_MESSAGE
    finally:
        pool.close()
        watcher.join()
        listener.close()
    assert attempts == []


def test_a_killed_worker_is_replaced():
    assert rendering.render_markup("a {{ x }}", {"x": 1}) == "a 1"
    workers = render_pool.pool().workers()
    assert workers
    for worker in workers:
        os.kill(worker.pid, signal.SIGKILL)
        worker.process.wait()
    assert rendering.render_markup("b {{ x }}", {"x": 2}) == "b 2"
    assert {w.pid for w in render_pool.pool().workers()}.isdisjoint({w.pid for w in workers})


def test_a_worker_that_crashes_during_a_job_is_replaced():
    pool = render_pool.RenderPool(1)
    request = {"op": "pdf", "markup": '#let s = "x"\n' + "#(s = s + s)\n" * 40, "inputs": {}, "tagged": False}
    try:
        with pytest.raises(rendering.TemplateProblem) as exc:
            pool.run(request)
        assert exc.value.message in (TOO_BIG, TOO_LONG)
        assert pool.workers() == []  # discarded
        _header, blobs = pool.run({"op": "markup", "source": "ok", "context": {}})
        assert blobs == [b"ok"]
    finally:
        pool.close()


def test_a_worker_killed_on_time_is_replaced(settings):
    settings.DOCUMENTS_RENDER_TIMEOUT = 1
    settings.DOCUMENTS_RENDER_CPU_SECONDS = 60  # the wall-time limit, enforced by the parent, applies first
    pool = render_pool.RenderPool(1)
    loop = "{% set l = ('x' * 1000)|list %}{% for a in l %}{% for b in l %}{% for c in l %}{% endfor %}{% endfor %}"
    try:
        with pytest.raises(rendering.TemplateProblem) as exc:
            pool.run({"op": "markup", "source": loop + "{% endfor %}", "context": {}})
        assert exc.value.message == "le modèle met trop de temps à produire le document (limite : 1 s)"
        assert pool.run({"op": "markup", "source": "ok", "context": {}})[1] == [b"ok"]
    finally:
        pool.close()


def test_workers_are_replaced_after_a_number_of_jobs(settings):
    settings.DOCUMENTS_RENDER_JOBS_PER_WORKER = 2
    pool = render_pool.RenderPool(1)
    try:
        pids = []
        for _ in range(3):
            pool.run({"op": "markup", "source": "ok", "context": {}})
            pids.append([w.pid for w in pool.workers()])
        assert pids[0] and pids[1] == [] and pids[2] and pids[2] != pids[0]
    finally:
        pool.close()


def test_a_template_problem_keeps_the_worker():
    pool = render_pool.RenderPool(1)
    try:
        pool.run({"op": "markup", "source": "ok", "context": {}})
        (first,) = pool.workers()
        with pytest.raises(rendering.TemplateProblem):
            pool.run({"op": "markup", "source": "{{ inconnu }}", "context": {}})
        assert pool.workers() == [first]
    finally:
        pool.close()


def test_the_cpu_time_limit_stops_a_worker_before_the_wall_time_limit(settings):
    settings.DOCUMENTS_RENDER_TIMEOUT = 120
    settings.DOCUMENTS_RENDER_CPU_SECONDS = 1  # the kernel stops the worker (Linux)
    started = time.monotonic()
    with pytest.raises(rendering.TemplateProblem) as exc:
        rendering.render_markup(JINJA_PAYLOADS["cpu loop"][0], {})
    assert time.monotonic() - started < GENEROUS
    assert exc.value.message == "le modèle met trop de temps à produire le document (limite : 1 s)"
    assert rendering.render_markup("ok", {}) == "ok"


def test_generation_with_a_template_that_fails_on_real_data_shows_why_and_writes_nothing(
    world,  # noqa: F811
    web,
    admin_user,
    settings,
):
    """A template saved before (or checked with the examples) may fail on a real subject: a message, no 500, no
    document."""
    settings.DOCUMENTS_MAX_PAGES = 1
    DocumentTemplate.objects.create(organisation=world.org, kind="certificate", name="Long", body="a #pagebreak() b")
    client = web(admin_user)
    generate = url("generate", world.org, kind="certificate", subject_id=world.participant.pk)
    response = client.post(generate, follow=True)
    assert response.status_code == 200
    assert "Le modèle ne peut pas produire ce document : le document ferait 2 pages : 1 au plus." in text(response)
    assert not Document.objects.exists()


def test_api_generation_with_a_template_that_fails_on_real_data_is_422(world, api, admin_user, org, settings):  # noqa: F811
    settings.DOCUMENTS_MAX_PAGES = 1
    DocumentTemplate.objects.create(organisation=org, kind="certificate", name="Long", body="a #pagebreak() b")
    response = api(admin_user, org).post(
        "/api/v1/documents",
        {"kind": "certificate", "subject_id": world.participant.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "le document ferait 2 pages : 1 au plus" in response.content.decode()
    assert not Document.objects.exists()
