# SPDX-License-Identifier: AGPL-3.0-or-later
"""`{% has_network_space as x %}`: the logged-in user has a role (or a partner structure) in a network, so the
navigation shows « Mes réseaux ». One query per request (the answer is kept on the request: the menu is
rendered twice, narrow and wide)."""

from typing import Any

from django import template

from coopforma.networks.selectors import user_has_network_space

register = template.Library()


@register.simple_tag(takes_context=True)
def has_network_space(context: Any) -> bool:
    request = context.get("request")
    user = context.get("user")
    if request is None or user is None or not user.is_authenticated:
        return False
    if not hasattr(request, "_has_network_space"):
        request._has_network_space = user_has_network_space(user=user)
    return bool(request._has_network_space)
