# SPDX-License-Identifier: AGPL-3.0-or-later
"""The trainee's phone, without an account: the personal link identifies them (Django session), then they sign.

/e/<token>/        the personal link (e-mailed): remembers the participant on this phone, opens their portal
                   (/p/espace/: the same slots, their questionnaires and documents)
/e/moi/            the sessions' slots; remote ones: « Je signe », « Je suis connecté·e », « Je quitte »; on-site
                   ones: « scan the QR code » (the personal link alone does not prove presence)
/e/q/<token>/      the rotating QR code shown by the trainer: choose who signs (a shared phone), then sign
Every refusal is a clear message on the page (status 200 for the phone, nothing recorded twice).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from coopforma.accounts.magic_links import PORTAL_SESSION_KEY
from coopforma.attendance import selectors, services
from coopforma.attendance.drawing import drawing_from_data_url
from coopforma.attendance.models import SignMethod
from coopforma.attendance.tokens import qr_slot_id
from coopforma.training_sessions.models import Participant, Slot

SESSION_KEY = "emargement_participants"
# The trainee portal (public app) reads it: [AttendanceLink id, its token hash].
PORTAL_KEY = "portal_attendance_link"
T = "attendance/phone/"


def _phone_participant_ids(request: HttpRequest) -> list[int]:
    return [int(pk) for pk in request.session.get(SESSION_KEY, [])]


def _remember(request: HttpRequest, participant_id: int) -> None:
    ids = [pk for pk in _phone_participant_ids(request) if pk != participant_id]
    request.session[SESSION_KEY] = [participant_id, *ids][:10]


@never_cache
def link(request: HttpRequest, token: str) -> HttpResponse:
    participant = services.link_resolve(token=token)
    if participant is None:
        message = _("Ce lien d'émargement n'est pas (ou plus) valide. Demandez un nouveau lien à votre formateur·rice.")
        return render(request, T + "message.html", {"message": message, "level": "error"}, status=404)
    request.session.cycle_key()
    _remember(request, participant.pk)
    request.session.pop(PORTAL_SESSION_KEY, None)  # the last link opened says who the portal shows
    # The link also opens the trainee's portal (one page: slots, questionnaires, documents): the browser session
    # keeps the link's id and hash, so that a newer link sent since (which replaces the hash) closes it.
    request.session[PORTAL_KEY] = [participant.attendance_link.pk, participant.attendance_link.token_hash]
    return redirect("public:portal_home")


def _home_context(request: HttpRequest) -> dict[str, Any]:
    sessions = []
    for participant_id in _phone_participant_ids(request):
        participant = selectors.participant_by_id(participant_id)
        if participant is not None:
            sessions.append({"participant": participant, "slots": selectors.trainee_slots(participant)})
    return {"sessions": sessions}


@never_cache
def home(request: HttpRequest) -> HttpResponse:
    context = _home_context(request)
    if not context["sessions"]:
        message = _("Ouvrez d'abord le lien personnel reçu par e-mail sur ce téléphone.")
        return render(request, T + "message.html", {"message": message, "level": "error"}, status=403)
    return render(request, T + "home.html", context)


def _chosen(candidates: list[Participant], raw: str | None) -> Participant | None:
    """The participant the page names (a shared phone may hold several); the only one when it names none."""
    if raw:
        return next((p for p in candidates if str(p.pk) == raw), None)
    return candidates[0] if len(candidates) == 1 else None


@never_cache
@require_http_methods(["POST"])
def slot_action(request: HttpRequest, slot_id: int) -> HttpResponse:
    """« Je signe » (remote slots: on site the QR code is required), « Je suis connecté·e », « Je quitte »."""
    slot, candidates = selectors.slot_candidates(slot_id=slot_id, participant_ids=_phone_participant_ids(request))
    if slot is None or not candidates:
        message = _("Ce créneau ne fait pas partie de vos sessions. Ouvrez le lien reçu par e-mail pour cette session.")
        return render(request, T + "message.html", {"message": message, "level": "error"}, status=403)
    participant = _chosen(candidates, request.POST.get("participant"))
    if participant is None:
        context = _home_context(request) | {"message": _("Choisissez la personne qui signe."), "level": "error"}
        return render(request, T + "home.html", context)
    try:
        done = slot_action_perform(request, participant=participant, slot=slot)
    except ValidationError as exc:
        context = _home_context(request) | {"message": " ".join(exc.messages), "level": "error"}
        return render(request, T + "home.html", context)
    return render(request, T + "home.html", _home_context(request) | {"message": done, "level": "success"})


def slot_action_perform(request: HttpRequest, *, participant: Participant, slot: Slot) -> str:
    """Record the posted action (« Je signe », « Je suis connecté·e », « Je quitte ») of `participant`, whom the
    caller identified, on `slot` of their session; the message to show. ValidationError: the refusal."""
    action = request.POST.get("action", "sign")
    origin = services.Origin.of(request)
    if action in ("connected", "left"):
        services.attendance_connection(participant=participant, slot_id=slot.pk, event=action, origin=origin)
        return _("Connexion enregistrée.") if action == "connected" else _("Départ enregistré.")
    method = SignMethod.REMOTE if slot.is_remote else SignMethod.LINK  # on site: refused, the QR is needed
    drawing = drawing_from_data_url(request.POST.get("drawing"))
    services.attendance_sign(
        participant=participant, slot_id=slot.pk, slot=slot, method=method, origin=origin, drawing=drawing
    )
    return _("Merci, votre signature est enregistrée.")


@never_cache
@require_http_methods(["GET", "POST"])
def qr(request: HttpRequest, token: str) -> HttpResponse:
    """GET: check the token and ask who signs; POST: sign the person chosen (the token is checked again)."""
    try:
        slot_id = qr_slot_id(token)
    except ValidationError as exc:
        return render(request, T + "message.html", {"message": " ".join(exc.messages), "level": "error"})
    ids = _phone_participant_ids(request)
    if not ids:
        message = _("Ouvrez d'abord le lien reçu par e-mail sur ce téléphone, puis scannez à nouveau le QR code.")
        return render(request, T + "message.html", {"message": message, "level": "error"})
    if request.method == "POST":  # « Je signe »: the fewest reads (the page asking who signs reads the rest)
        slot, candidates = selectors.slot_signers(slot_id=slot_id, participant_ids=ids)
    else:
        slot, candidates = selectors.slot_candidates(slot_id=slot_id, participant_ids=ids)
    if slot is None or not candidates:
        message = _("Vous n'êtes pas inscrit·e à la session de ce créneau : ce QR code n'est pas le vôtre.")
        return render(request, T + "message.html", {"message": message, "level": "error"})
    context = {"slot": slot, "candidates": candidates, "token": token}
    if request.method == "GET":
        return render(request, T + "qr_confirm.html", context)
    participant = _chosen(candidates, request.POST.get("participant"))
    if participant is None:
        return render(request, T + "qr_confirm.html", context | {"error": _("Choisissez la personne qui signe.")})
    try:
        services.attendance_sign(
            participant=participant,
            slot_id=slot.pk,
            slot=slot,
            method=SignMethod.QR,
            origin=services.Origin.of(request),
            drawing=drawing_from_data_url(request.POST.get("drawing")),
        )
    except ValidationError as exc:
        return render(request, T + "message.html", {"message": " ".join(exc.messages), "level": "error"})
    message = _("Merci %(name)s, votre signature est enregistrée.") % {"name": participant.trainee.first_name}
    return render(request, T + "message.html", {"message": message, "level": "success", "signed": True})
