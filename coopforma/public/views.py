# SPDX-License-Identifier: AGPL-3.0-or-later
"""No-login pages: verification (/v/), signing links (/s/<token>/), the client and trainee portal (/p/)."""

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from coopforma.accounts.magic_links import PORTAL_SESSION_KEY, magic_link_active, magic_link_consume
from coopforma.attendance import public_views as attendance_public_views
from coopforma.attendance.selectors import attendance_link_participant
from coopforma.core.files import file_response
from coopforma.core.forms import add_service_errors
from coopforma.core.throttle import throttle
from coopforma.documents import signing
from coopforma.documents.branding import brand_color
from coopforma.documents.models import Document
from coopforma.documents.registry import get_kind
from coopforma.privacy.services import privacy_portal_export
from coopforma.public import selectors, services
from coopforma.public.forms import (
    PortalEmailForm,
    SignForm,
    VerifyCodeForm,
    VerifyCredentialForm,
    VerifyFileForm,
)
from coopforma.referentiel import record_selectors, record_services
from coopforma.referentiel.record_views import credential_response, record_pdf_response


def _kind_label(code: str) -> str:
    try:
        return str(get_kind(code).label)
    except LookupError:
        return code


def _pdf_response(request: HttpRequest, field: Any, filename: str) -> HttpResponseBase:
    """The stored PDF streamed from the storage (a slow phone holds a server thread, not the file in memory), by
    byte range when the browser's viewer asks for one."""
    return file_response(request, field.open("rb"), content_type="application/pdf", filename=filename)


# --- Verification ----------------------------------------------------------------------------------------


def _verified(request: HttpRequest, document: Document, matched: str = "") -> HttpResponse:
    return render(
        request,
        "public/verify_result.html",
        {"document": document, "kind_label": _kind_label(document.kind), "matched": matched},
    )


def verify(request: HttpRequest) -> HttpResponse:
    if request.GET.get("code"):
        return redirect("public:verify_code", code=request.GET["code"].strip().upper()[:12])
    code_form = VerifyCodeForm()
    file_form = VerifyFileForm()
    credential_form = VerifyCredentialForm()
    if request.method == "POST" and request.POST.get("what") == "credential":
        credential_form = VerifyCredentialForm(request.POST, request.FILES)
        if credential_form.is_valid():
            result = record_selectors.credential_verify(text=credential_form.cleaned_data["credential"])
            return render(request, "public/verify_credential.html", {"result": result})
    elif request.method == "POST":
        file_form = VerifyFileForm(request.POST, request.FILES)
        if file_form.is_valid():
            digest = hashlib.sha256()
            for chunk in file_form.cleaned_data["file"].chunks():
                digest.update(chunk)
            sha256 = digest.hexdigest()
            document = selectors.verification_by_hash(sha256=sha256)
            if document is not None:
                matched = "signed" if document.signed_sha256 == sha256 else "original"
                return _verified(request, document, matched)
            return render(request, "public/verify_nomatch.html", {"sha256": sha256})
    return render(
        request,
        "public/verify.html",
        {"code_form": code_form, "file_form": file_form, "credential_form": credential_form},
    )


def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    return _verified(request, selectors.verification_get(code=code))


# --- Signing links ---------------------------------------------------------------------------------------


def _link_error(request: HttpRequest, exc: signing.SignatureLinkError) -> HttpResponse:
    return render(request, "public/sign_error.html", {"message": exc.message}, status=exc.status)


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@throttle("signature_sign", by=["ip", "token"])
def sign(request: HttpRequest, token: str) -> HttpResponse:
    try:
        signature = signing.signature_for_token(token)
    except signing.SignatureLinkError as exc:
        return _link_error(request, exc)
    statement = str(signing.EXPRESS_REQUEST) if signing.express_request_needed(signature) else ""
    form = SignForm(initial={"typed_name": ""}, express_request=statement)
    if request.method == "POST":
        form = SignForm(request.POST, express_request=statement)
        if form.is_valid():
            try:
                signed = signing.signature_sign(
                    signature=signature,
                    code=form.cleaned_data["code"],
                    typed_name=form.cleaned_data["typed_name"],
                    drawn_signature=form.cleaned_data["drawn_signature"],
                    express_request=bool(form.cleaned_data.get("express_request")),
                    ip=_client_ip(request),
                    user_agent=request.headers.get("User-Agent", ""),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return render(request, "public/sign_done.html", {"signature": signed, "document": signed.document})
    else:
        signing.signature_open(signature=signature)
    return render(
        request,
        "public/sign.html",
        {"signature": signature, "document": signature.document, "form": form, "token": token},
    )


@xframe_options_sameorigin
def sign_pdf(request: HttpRequest, token: str) -> HttpResponseBase:
    try:
        signature = signing.signature_for_token(token)
    except signing.SignatureLinkError as exc:
        return _link_error(request, exc)
    return _pdf_response(request, signature.document.file, f"{signature.document.verification_code}.pdf")


@require_POST
@throttle("signature_code", by=["ip", "token"])
def sign_code(request: HttpRequest, token: str) -> HttpResponse:
    try:
        signature = signing.signature_for_token(token)
    except signing.SignatureLinkError as exc:
        return _link_error(request, exc)
    code_error = ""
    try:
        signing.signature_send_code(signature=signature)
    except ValidationError as exc:
        code_error = " ".join(exc.messages)
    return render(
        request,
        "public/sign.html",
        {
            "signature": signature,
            "document": signature.document,
            "form": SignForm(),
            "token": token,
            "code_sent": not code_error,
            "code_error": code_error,
        },
    )


# --- Portal ----------------------------------------------------------------------------------------------


@throttle("portal_link", by=["ip", "email"])
def portal(request: HttpRequest) -> HttpResponse:
    form = PortalEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.portal_link_request(email=form.cleaned_data["email"])
        return render(request, "public/portal_sent.html")
    return render(request, "public/portal.html", {"form": form})


def portal_open(request: HttpRequest, token: str) -> HttpResponse:
    link = magic_link_consume(token=token)
    if link is None:
        return render(
            request,
            "public/sign_error.html",
            {"message": _("Ce lien n'est pas valable ou a expiré : demandez un nouveau lien."), "portal": True},
            status=410,
        )
    request.session.cycle_key()
    request.session.pop(attendance_public_views.PORTAL_KEY, None)  # the last link opened says who is here
    request.session[PORTAL_SESSION_KEY] = link.pk
    return redirect("public:portal_home")


def _portal_visitor(request: HttpRequest) -> selectors.PortalVisitor | None:
    """Who the browser session stands for: a magic link still valid, or a personal émargement link not replaced
    since it was opened."""
    link = magic_link_active(link_id=request.session.get(PORTAL_SESSION_KEY))
    if link is not None:
        return selectors.visitor_of_magic_link(link)
    held = request.session.get(attendance_public_views.PORTAL_KEY)
    if isinstance(held, list) and len(held) == 2:
        participant = attendance_link_participant(link_id=int(held[0]), token_hash=str(held[1]))
        if participant is not None:
            return selectors.visitor_of_participant(participant)
    return None


def _portal_page(request: HttpRequest, visitor: selectors.PortalVisitor, **extra: Any) -> HttpResponse:
    participations = selectors.portal_participations(link=visitor)
    documents = list(selectors.portal_documents(link=visitor))
    records = record_selectors.records_for_visitor(
        organisation_id=visitor.organisation_id, trainee_ids=visitor.trainee_ids
    )
    context = {
        "link": visitor,
        "documents": documents,
        "to_sign": [d for d in documents if d.my_pending],
        "participations": participations,
        "sessions": selectors.portal_sessions(link=visitor, participations=participations),
        "enrolments": selectors.portal_enrolments(link=visitor),
        "records": records,
        **extra,
    }
    return render(request, "public/portal_home.html", context)


@never_cache
def portal_home(request: HttpRequest) -> HttpResponse:
    visitor = _portal_visitor(request)
    if visitor is None:
        if request.session.get(attendance_public_views.PORTAL_KEY):  # a link replaced by a newer one
            message = _("Ce lien n'est plus valable : utilisez le dernier lien reçu par e-mail ou demandez-en un.")
            return render(request, "public/sign_error.html", {"message": message, "portal": True}, status=410)
        return redirect("public:portal")
    return _portal_page(request, visitor)


@never_cache
@require_POST
def portal_slot(request: HttpRequest, slot_id: int) -> HttpResponse:
    """« Je signe », « Je suis connecté·e », « Je quitte » on one of the visitor's slots (404 for another's)."""
    visitor = _portal_visitor(request)
    if visitor is None:
        raise Http404
    slot, participant = selectors.portal_slot_participant(link=visitor, slot_id=slot_id)
    try:
        done = attendance_public_views.slot_action_perform(request, participant=participant, slot=slot)
    except ValidationError as exc:
        return _portal_page(request, visitor, message=" ".join(exc.messages), level="error")
    return _portal_page(request, visitor, message=done, level="success")


def portal_document(request: HttpRequest, pk: int) -> HttpResponseBase:
    link = _portal_visitor(request)
    if link is None:
        raise Http404
    document = selectors.portal_document_get(link=link, document_id=pk)
    field = document.signed_file if document.signed_file else document.file
    suffix = "-signe" if document.signed_file else ""
    return _pdf_response(request, field, f"{document.verification_code}{suffix}.pdf")


def _visitor_record(request: HttpRequest, trainee_id: int) -> record_selectors.CompetencyRecord:
    visitor = _portal_visitor(request)
    if visitor is None:
        raise Http404
    return record_selectors.competency_record_for_visitor(
        organisation_id=visitor.organisation_id, trainee_ids=visitor.trainee_ids, trainee_id=trainee_id
    )


@never_cache
@require_POST
def portal_record_pdf(request: HttpRequest, trainee_id: int) -> HttpResponseBase:
    """« Télécharger (PDF) »: the relevé de compétences, issued (verification code, SHA-256) at the first request."""
    record = _visitor_record(request, trainee_id)
    try:
        document = record_services.competency_record_issue(record=record)
    except ValidationError as exc:
        visitor = _portal_visitor(request)
        assert visitor is not None
        return _portal_page(request, visitor, message=" ".join(exc.messages), level="error")
    return record_pdf_response(request, document)


@never_cache
@require_POST
def portal_credential(request: HttpRequest, trainee_id: int, session_id: int, competency_id: int) -> HttpResponse:
    """« Partager »: the competency's signed credential, to copy or download, and where anyone can check it."""
    record = _visitor_record(request, trainee_id)
    entry = record_selectors.record_entry_get(record=record, session_id=session_id, competency_id=competency_id)
    try:
        issued = record_services.credential_issue(record=record, entry=entry)
    except ValidationError as exc:
        visitor = _portal_visitor(request)
        assert visitor is not None
        return _portal_page(request, visitor, message=" ".join(exc.messages), level="error")
    return render(request, "public/portal_credential.html", {"entry": entry, "issued": issued})


@never_cache
def portal_credential_file(request: HttpRequest, credential_id: int) -> HttpResponse:
    visitor = _portal_visitor(request)
    if visitor is None:
        raise Http404
    issued = record_selectors.credential_for_visitor(
        organisation_id=visitor.organisation_id, trainee_ids=visitor.trainee_ids, credential_id=credential_id
    )
    return credential_response(issued.token, f"attestation-{issued.uid}.jwt")


def organisation_did(request: HttpRequest, org: str) -> JsonResponse:
    """The organisation's DID document (did:web): the public key that verifies its credentials."""
    response = JsonResponse(record_selectors.did_document_get(organisation_slug=org))
    response["Content-Type"] = "application/did+json"
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def credential_status_list(request: HttpRequest, org: str) -> HttpResponse:
    """The organisation's revocation list (W3C Bitstring Status List), signed: what any verifier reads."""
    response = HttpResponse(record_selectors.status_list_get(organisation_slug=org), content_type="application/vc+jwt")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_POST
def portal_sign(request: HttpRequest, pk: int) -> HttpResponse:
    link = _portal_visitor(request)
    if link is None:
        raise Http404
    signature = selectors.portal_signature_get(link=link, signature_id=pk)
    token = signing.signature_new_link(signature=signature)
    return redirect("public:sign", token=token)


@require_POST
def portal_privacy_export(request: HttpRequest) -> HttpResponse:
    """The visitor's own data as a trainee (RGPD art. 15, 20): the archive of their trainee records only."""
    link = _portal_visitor(request)
    if link is None or not link.email:
        raise Http404
    archive = privacy_portal_export(organisation_id=link.organisation_id, email=link.email)
    if archive is None:
        raise Http404
    response = HttpResponse(archive.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{archive.filename}"'
    return response


@require_POST
def portal_leave(request: HttpRequest) -> HttpResponse:
    request.session.pop(PORTAL_SESSION_KEY, None)
    request.session.pop(attendance_public_views.PORTAL_KEY, None)
    return redirect("public:portal")


def organisation_logo(request: HttpRequest, org: str) -> HttpResponse:
    """The organisation's logo for its public pages: the PNG re-encoded at upload (never the file sent)."""
    organisation = selectors.public_organisation_get(organisation_slug=org)
    logo = bytes(organisation.logo or b"")
    if not logo:
        raise Http404
    response = HttpResponse(logo, content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def organisation_color_css(request: HttpRequest, org: str) -> HttpResponse:
    """The organisation's main colour as a CSS variable (the pages allow no inline style): a validated #rrggbb."""
    organisation = selectors.public_organisation_get(organisation_slug=org)
    response = HttpResponse(f":root {{ --org-brand: {brand_color(organisation)}; }}\n", content_type="text/css")
    response["Cache-Control"] = "public, max-age=3600"
    return response
