# SPDX-License-Identifier: AGPL-3.0-or-later
from django import template

from coopforma.reporting.bpf import cerfa_ref as _cerfa_ref

register = template.Library()


@register.filter
def cerfa_ref(code: str) -> str:
    """« F3.a.level_6_8 » → « F-3 a »: a BPF line as the Cerfa names it, never its internal key."""
    return _cerfa_ref(code)
