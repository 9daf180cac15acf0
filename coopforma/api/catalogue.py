# SPDX-License-Identifier: AGPL-3.0-or-later
"""API routes for catalogue (list/detail/create/update), thin: parse, call a selector or service, serialise."""

from ninja import Router

router = Router(tags=["catalogue"])
