# SPDX-License-Identifier: AGPL-3.0-or-later
"""The file attached to a capitalisation artefact: its type read from its content (PDF, ODT, DOCX, images, text,
Markdown; 10 Mo at most), stored under a random name, refused with a French message and nothing written (empty,
too big, another type whatever its name); downloaded by the exchange's participants and facilitators only
(another network's facilitator with our ids, a participant of another exchange: 404); on the public page only once
every author agreed; frozen with the artefact once published (a replacement is refused), and a replacement before
publication asks the other authors again."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coopforma.accounts.tests.factories import MembershipFactory
from coopforma.exchanges import artefact_files
from coopforma.exchanges import exchange_services as services
from coopforma.exchanges.models import Artefact, ArtefactKind, Licence
from coopforma.exchanges.tests.test_life_scene import build

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


ODT = _zip({"mimetype": artefact_files.ODT_MIMETYPE, "content.xml": b"<office:document-content/>"})
DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def s(media):  # type: ignore[no-untyped-def]
    scene = build()
    scene.media = media
    return scene


def stored_files(media) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def upload(data: bytes, name: str = "fiche.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def draft(s, *, file=None, coauthors=True):  # type: ignore[no-untyped-def]
    return services.artefact_create(
        actor=s.actor(s.provider.user),
        exchange=s.exchange,
        kind=ArtefactKind.SHEET,
        title="Fiche gouvernance",
        body="Les étapes.",
        licence=Licence.CC_BY_SA,
        coauthor_ids=[s.learner.pk] if coauthors else [],
        file=file,
    )


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (PDF, "x.bin", "application/pdf"),
        (PNG, "photo.pdf", "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "photo.jpg", "image/jpeg"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "x.webp", "image/webp"),
        (ODT, "fiche.odt", artefact_files.ODT.content_type),
        (DOCX, "fiche.docx", artefact_files.DOCX.content_type),
        ("Récit de la visite\n".encode(), "recit.txt", "text/plain"),
        (b"# Fiche\n\n- un\n", "fiche.md", "text/markdown"),
    ],
)
def test_the_type_is_read_from_the_content(data, name, expected):  # type: ignore[no-untyped-def]
    found = artefact_files.sniff(data, name)
    assert found is not None and found.content_type == expected


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",  # a Windows program
        _zip({"payload.exe": b"MZ"}),  # a zip that is neither ODT nor DOCX
        _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
        b"PK\x03\x04 broken zip",
        b"\xc3\x28 not utf-8",
        b"text with a \x00 byte",
    ],
)
def test_other_types_are_refused_whatever_their_name(data):  # type: ignore[no-untyped-def]
    assert artefact_files.sniff(data, "fiche.pdf") is None


def test_a_draft_with_its_file_stored_under_a_random_name(s):  # type: ignore[no-untyped-def]
    artefact = draft(s, file=upload(PDF))
    name = artefact.file.name
    assert name.startswith(f"exchanges/artefacts/{s.network.pk}/") and name.endswith(".pdf")
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", name.rsplit("/", 1)[-1])
    assert (s.media / name).read_bytes() == PDF
    again = draft(s, file=upload(PDF))
    assert again.file.name != name


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "est vide"),
        (b"MZ\x90\x00", "pas un fichier accepté"),
        (b"%PDF-" + b"0" * (artefact_files.MAX_BYTES), "dépasse 10 Mo"),
    ],
)
def test_a_refused_file_writes_nothing(s, web, data, message):  # type: ignore[no-untyped-def]
    url = reverse("exchanges:artefact_create", kwargs={"network": "reseau-vif", "exchange_id": s.exchange.pk})
    post = {"kind": "sheet", "title": "Fiche", "body": "x", "licence": "cc0-1.0", "file": upload(data, "fiche.pdf")}
    response = web(s.provider.user).post(url, post)
    assert response.status_code == 200
    if data:  # Django's form refuses an empty upload itself (« Le fichier soumis est vide »)
        assert message in response.content.decode()
    assert not Artefact.objects.exists() and stored_files(s.media) == []
    with pytest.raises(Exception, match=r"est vide|accepté|10 Mo"):
        draft(s, file=upload(data))
    assert not Artefact.objects.exists() and stored_files(s.media) == []


def test_the_page_uploads_and_the_participants_and_facilitators_download(s, web):  # type: ignore[no-untyped-def]
    url = reverse("exchanges:artefact_create", kwargs={"network": "reseau-vif", "exchange_id": s.exchange.pk})
    post = {"kind": "tool", "title": "Grille d'entretien", "body": "x", "licence": "cc0-1.0", "file": upload(ODT)}
    assert web(s.provider.user).post(url, post).status_code == 302
    artefact = Artefact.objects.get()
    assert artefact.file.name.endswith(".odt")  # named .pdf, read as ODT
    kw = {"network": "reseau-vif", "exchange_id": s.exchange.pk, "artefact_id": artefact.pk}
    page = web(s.learner.user).get(reverse("exchanges:artefact", kwargs=kw)).content.decode()
    assert reverse("exchanges:artefact_file", kwargs=kw) in page
    for user in (s.provider.user, s.learner.user, s.facilitator):
        response = web(user).get(reverse("exchanges:artefact_file", kwargs=kw))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == ODT
        assert response["Content-Type"] == artefact_files.ODT.content_type
        assert (
            "attachment" in response["Content-Disposition"]
            and "grille-dentretien.odt" in response["Content-Disposition"]
        )
        assert response["X-Content-Type-Options"] == "nosniff"


def test_others_get_404_for_the_file(s, web, client):  # type: ignore[no-untyped-def]
    artefact = draft(s, file=upload(PDF))
    kw = {"exchange_id": s.exchange.pk, "artefact_id": artefact.pk}
    ours = reverse("exchanges:artefact_file", kwargs={"network": "reseau-vif", **kw})
    theirs = reverse("exchanges:artefact_file", kwargs={"network": "reseau-autre", **kw})
    assert web(s.third.user).get(ours).status_code == 404  # a participant of another exchange
    assert web(s.other_facilitator).get(theirs).status_code == 404  # another network's facilitator, our ids
    assert web(s.other_facilitator).get(ours).status_code in (403, 404)
    assert client.get(ours).status_code == 302  # anonymous: to the login
    no_file = draft(s)
    assert (
        web(s.provider.user)
        .get(reverse("exchanges:artefact_file", kwargs={"network": "reseau-vif", **{**kw, "artefact_id": no_file.pk}}))
        .status_code
        == 404
    )


def test_the_public_file_waits_for_every_author_and_a_public_network(s, client):  # type: ignore[no-untyped-def]
    artefact = draft(s, file=upload(PDF))
    public_page = reverse("exchanges:artefact_public", kwargs={"network": "reseau-vif", "artefact_id": artefact.pk})
    public_file = reverse(
        "exchanges:artefact_public_file", kwargs={"network": "reseau-vif", "artefact_id": artefact.pk}
    )
    assert client.get(public_file).status_code == 404  # the co-author has not agreed
    services.artefact_agree(actor=s.actor(s.learner.user), artefact=artefact)
    page = client.get(public_page).content.decode()
    assert public_file in page and "CC BY-SA" in page
    response = client.get(public_file)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    other = reverse("exchanges:artefact_public_file", kwargs={"network": "reseau-autre", "artefact_id": artefact.pk})
    assert client.get(other).status_code == 404
    s.network.is_public = False
    s.network.save()
    assert client.get(public_file).status_code == 404


def test_replacing_the_file_asks_again_before_publication_and_is_refused_after(
    s, web, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    artefact = draft(s, file=upload(PDF))
    first = artefact.file.name
    kw = {"network": "reseau-vif", "exchange_id": s.exchange.pk, "artefact_id": artefact.pk}
    url = reverse("exchanges:artefact", kwargs=kw)
    values = {"kind": "sheet", "title": "Fiche gouvernance", "body": "Les étapes.", "licence": "cc-by-sa-4.0"}
    # The co-author replaces it: the drafter's agreement is asked again, the old file is removed.
    with django_capture_on_commit_callbacks(execute=True):
        response = web(s.learner.user).post(url, {**values, "coauthor_ids": [s.provider.pk], "file": upload(PNG)})
    assert response.status_code == 302
    artefact.refresh_from_db()
    assert artefact.file.name.endswith(".png") and not (s.media / first).exists()
    assert list(artefact.agreements.values_list("author_id", flat=True)) == [s.learner.pk]
    assert artefact.published_at is None
    services.artefact_agree(actor=s.actor(s.provider.user), artefact=artefact)
    artefact.refresh_from_db()
    assert artefact.published_at is not None
    published = artefact.file.name
    # Published: the file no longer changes, by the page or by the service.
    web(s.learner.user).post(url, {**values, "coauthor_ids": [s.provider.pk], "file": upload(PDF)})
    with pytest.raises(Exception, match="publiée"):
        services.artefact_file_replace(actor=s.actor(s.provider.user), artefact=artefact, file=upload(PDF))
    artefact.refresh_from_db()
    assert artefact.file.name == published and stored_files(s.media) == [published]


def test_removing_the_file_of_a_draft(s, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    artefact = draft(s, file=upload(PDF), coauthors=False)
    artefact.published_at = None  # the sole author's agreement published it: back to a draft for this test
    artefact.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.artefact_update(
            actor=s.actor(s.provider.user),
            artefact=artefact,
            kind="sheet",
            title="Fiche",
            body="x",
            licence="cc0-1.0",
            remove_file=True,
        )
    artefact.refresh_from_db()
    assert not artefact.file and stored_files(s.media) == []


# --- the API ------------------------------------------------------------------------------------------------


@pytest.fixture
def token(api):  # type: ignore[no-untyped-def]
    def _client(user):  # type: ignore[no-untyped-def]
        return api(user, MembershipFactory(user=user).organisation)

    return _client


def test_the_api_uploads_and_downloads(s, token):  # type: ignore[no-untyped-def]
    artefact = draft(s)
    base = f"/api/v1/exchanges/networks/reseau-vif/exchanges/{s.exchange.pk}/artefacts/{artefact.pk}"
    provider = token(s.provider.user)
    refused = provider.post(base + "/file", {"file": upload(b"MZ\x90\x00", "fiche.docx")})
    assert refused.status_code == 422 and "pas un fichier accepté" in refused.json()["detail"]
    assert provider.post(base + "/file", {}).status_code == 422
    assert stored_files(s.media) == []
    done = provider.post(base + "/file", {"file": upload(DOCX, "fiche.docx")})
    assert done.status_code == 201 and done.json()["file_content_type"] == artefact_files.DOCX.content_type
    assert done.json()["agreed_author_ids"] == [s.provider.pk]
    got = token(s.learner.user).get(base + "/file")
    assert got.status_code == 200 and b"".join(got.streaming_content) == DOCX
    listed = token(s.facilitator).get(base.rsplit("/", 1)[0]).json()["items"]
    assert listed[0]["file_content_type"] == artefact_files.DOCX.content_type
    # The co-author agrees: published, the file is frozen.
    token(s.learner.user).post(base + "/agreements")
    again = provider.post(base + "/file", {"file": upload(PDF)})
    assert again.status_code == 422 and "publiée" in again.json()["detail"]


def test_the_api_refuses_others_with_404(s, token):  # type: ignore[no-untyped-def]
    artefact = draft(s, file=upload(PDF))
    path = f"/exchanges/{s.exchange.pk}/artefacts/{artefact.pk}/file"
    for client, slug in [(token(s.other_facilitator), "reseau-autre"), (token(s.third.user), "reseau-vif")]:
        url = f"/api/v1/exchanges/networks/{slug}" + path
        assert client.get(url).status_code == 404
        assert client.post(url, {"file": upload(PNG, "x.png")}).status_code == 404
    assert token(s.other_facilitator).get("/api/v1/exchanges/networks/reseau-vif" + path).status_code == 404
    # The learner is a co-author, the facilitator is not: 403, nothing written.
    assert (
        token(s.facilitator).post("/api/v1/exchanges/networks/reseau-vif" + path, {"file": upload(PNG)}).status_code
        == 403
    )
    artefact.refresh_from_db()
    assert artefact.file.name.endswith(".pdf") and len(stored_files(s.media)) == 1
