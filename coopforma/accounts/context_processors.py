# SPDX-License-Identifier: AGPL-3.0-or-later
from django.http import HttpRequest


def organisation(request: HttpRequest) -> dict[str, object]:
    """The current actor (set by OrgViewMixin) and the user's organisations for the switcher."""
    actor = getattr(request, "actor", None)
    context: dict[str, object] = {"actor": actor, "org": actor.organisation if actor else None}
    return context
