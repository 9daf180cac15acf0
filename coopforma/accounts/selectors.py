# SPDX-License-Identifier: AGPL-3.0-or-later
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Concat
from django.http import Http404

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import ApiToken, Membership, MembershipState, Organisation, User


def organisations_of(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user, memberships__is_active=True).order_by("name")


def membership_list(*, actor: Actor) -> QuerySet[Membership]:
    actor.require("org.manage")
    # Members by name; the others (invited, declined, removed) by e-mail only: the names of an account that is not
    # in the organisation belong to its owner, and must not leak, even through the order of the rows.
    joined = Q(state__in=[MembershipState.ACTIVE, MembershipState.SUSPENDED])
    return (
        Membership.objects.filter(organisation=actor.organisation)
        .select_related("user", "invited_by")
        .annotate(
            joined=Case(When(joined, then=Value(0)), default=Value(1)),
            sort_name=Case(
                When(joined, then=Concat("user__last_name", Value(" "), "user__first_name")),
                default=F("user__email"),
                output_field=CharField(),
            ),
        )
        .order_by("joined", "sort_name", "user__email")
    )


def membership_get(*, actor: Actor, membership_id: int) -> Membership:
    """One membership of the actor's organisation; 404 when missing or another organisation's."""
    actor.require("org.manage")
    membership = (
        Membership.objects.filter(pk=membership_id, organisation=actor.organisation).select_related("user").first()
    )
    if membership is None:
        raise Http404
    return membership


def api_token_list(*, actor: Actor) -> QuerySet[ApiToken]:
    """The actor's own tokens; an administrator sees every token of the organisation (to revoke any)."""
    tokens = ApiToken.objects.filter(organisation=actor.organisation).select_related("user")
    if not actor.has("org.manage"):
        tokens = tokens.filter(user=actor.user)
    return tokens.order_by("-created_at")


def organisation_signatories(org: Organisation) -> dict[str, dict[str, object]]:
    """Who may sign the organisation's documents, by choice (« head », « delegate »): name, title, e-mail and the
    mention printed under the signature. The delegate appears only with a name and a delegation date."""
    from coopforma.accounts.models import SignatoryChoice

    head_title = org.head_title or "représentant·e légal·e"
    found: dict[str, dict[str, object]] = {}
    if org.head_name:
        found[SignatoryChoice.HEAD] = {
            "choice": SignatoryChoice.HEAD,
            "name": org.head_name,
            "title": head_title,
            "email": org.head_email,
            "is_delegate": False,
            "delegation_date": "",
            "mention": f"{org.head_name}, {head_title}, représentant·e légal·e"
            if "légal" not in head_title.lower()
            else f"{org.head_name}, {head_title}",
        }
    if org.delegate_name and org.delegation_date:
        date = org.delegation_date.strftime("%d/%m/%Y")
        delegator = f" consentie par {org.head_name}" if org.head_name else ""
        title = org.delegate_title or "délégataire"
        found[SignatoryChoice.DELEGATE] = {
            "choice": SignatoryChoice.DELEGATE,
            "name": org.delegate_name,
            "title": title,
            "email": org.delegate_email,
            "is_delegate": True,
            "delegation_date": date,
            "mention": f"{org.delegate_name}, {title}, par délégation de signature du {date}{delegator}",
        }
    return found


def organisation_signatory(org: Organisation, choice: str | None = None) -> dict[str, object] | None:
    """The person who signs for the organisation: `choice`, else the one the organisation set, else whoever is
    configured (None when nobody is)."""
    found = organisation_signatories(org)
    if choice:
        return found.get(choice)
    return found.get(org.signatory) or next(iter(found.values()), None)


def signatory_context(org: Organisation, choice: str | None = None) -> dict[str, object]:
    """The `organisation.signatory_*` values of the documents: the person who signs for the OF."""
    signatory = organisation_signatory(org, choice) or {}
    return {
        "signatory": signatory.get("choice", ""),
        "signatory_name": signatory.get("name", ""),
        "signatory_title": signatory.get("title", ""),
        "signatory_email": signatory.get("email", ""),
        "signatory_is_delegate": bool(signatory.get("is_delegate")),
        "signatory_delegation_date": signatory.get("delegation_date", ""),
        "signatory_mention": signatory.get("mention", ""),
    }
